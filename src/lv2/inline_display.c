/* SPDX-License-Identifier: ISC
 *
 * Ardour's inline display (lv2/ardour_inline.h, docs/ui.md): the patch
 * name and a small scope of the output, drawn in the mixer strip.
 *
 * Two threads meet here and share no lock. run() (audio thread) writes
 * every step-th output frame into a ring of atomic words and publishes the
 * count with a release store; at a swap it writes the patch name under a
 * sequence counter; and it calls the host's queue_draw at most
 * INLINE_DRAW_HZ times per second of audio, only while there is something
 * new to draw (a sound, the sound just ended, a new name). render() (the
 * host's GUI thread) copies what it needs with atomic loads and draws with
 * cairo into a pixel buffer it owns: the buffer grows in render(), never in
 * run(). Without the host's queue_draw feature run() does nothing here.
 */
#include "plugin.h"

#include "lv2/ardour_inline.h"

#include <cairo.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_CHAR_LOCK_FREE == 2 && ATOMIC_BOOL_LOCK_FREE == 2,
               "the ring, the name and the flag are lock-free");

#define SIGNAL_FLOOR 1e-4f /* -80 dB: quieter than this is silence to the scope */

void
inline_init(InlineDisplay* d, const LV2_Inline_Display* host, double rate)
{
	d->host        = host && host->queue_draw ? host : NULL;
	d->step        = (uint32_t)ceil(rate / INLINE_RING_HZ);
	d->step        = d->step ? d->step : 1u;
	d->draw_period = (uint32_t)ceil(rate / INLINE_DRAW_HZ);
	d->draw_left   = d->draw_period;
	d->title_dirty = true;
}

void
inline_free(InlineDisplay* d)
{
	free(d->pixels);
	d->pixels      = NULL;
	d->pixels_size = 0;
}

/* AUDIO THREAD (and instantiate): the outcome just reported; title NULL
 * for a rejected patch (the name stays: its patch plays on). */
void
inline_outcome(InlineDisplay* d, const char* title)
{
	atomic_store_explicit(&d->error, title == NULL, memory_order_relaxed);
	d->title_dirty = true;
	if (!title) {
		return;
	}
	const uint32_t seq = atomic_load_explicit(&d->title_seq, memory_order_relaxed);
	atomic_store_explicit(&d->title_seq, seq + 1u, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	size_t i = 0;
	for (; i + 1 < INLINE_TITLE && title[i]; ++i) {
		atomic_store_explicit(&d->title[i], (unsigned char)title[i], memory_order_relaxed);
	}
	atomic_store_explicit(&d->title[i], 0u, memory_order_relaxed);
	atomic_store_explicit(&d->title_seq, seq + 2u, memory_order_release);
}

/* AUDIO THREAD: n output frames into the ring, and a queue_draw when one
 * is due. O(n), no call but the host's queue_draw. */
void
inline_feed(InlineDisplay* d, const float* left, const float* right, uint32_t n)
{
	if (!d->host) {
		return;
	}
	uint32_t head = atomic_load_explicit(&d->head, memory_order_relaxed);
	for (uint32_t i = 0; i < n; ++i) {
		if (d->phase == 0) {
			const float v = 0.5f * (left[i] + right[i]);
			uint32_t    bits;
			memcpy(&bits, &v, sizeof(bits));
			atomic_store_explicit(&d->ring[head % INLINE_RING], bits, memory_order_relaxed);
			++head;
			d->signal = d->signal || fabsf(v) > SIGNAL_FLOOR;
		}
		d->phase = d->phase + 1u == d->step ? 0u : d->phase + 1u;
	}
	atomic_store_explicit(&d->head, head, memory_order_release);
	if (d->draw_left > n) {
		d->draw_left -= n;
		return;
	}
	d->draw_left = d->draw_period;
	if (d->signal || d->had_signal || d->title_dirty) {
		d->host->queue_draw(d->host->handle); /* at most one per block and per period */
	}
	d->had_signal  = d->signal;
	d->signal      = false;
	d->title_dirty = false;
}

/* GUI thread: the name as run() last wrote it (a few tries if it is being
 * written; a torn name is only ever shown, never trusted). */
static void
read_title(InlineDisplay* d, char* out)
{
	for (int tries = 0; tries < 8; ++tries) {
		const uint32_t s1 = atomic_load_explicit(&d->title_seq, memory_order_acquire);
		for (size_t i = 0; i < INLINE_TITLE; ++i) {
			out[i] = (char)atomic_load_explicit(&d->title[i], memory_order_relaxed);
		}
		atomic_thread_fence(memory_order_acquire);
		if (!(s1 & 1u) && s1 == atomic_load_explicit(&d->title_seq, memory_order_relaxed)) {
			break;
		}
	}
	out[INLINE_TITLE - 1] = '\0';
	if (!out[0]) {
		strcpy(out, "Chronus");
	}
}

/* The name, cut with an ellipsis to fit width. */
static void
draw_title(cairo_t* cr, char* title, double x, double baseline, double width)
{
	cairo_text_extents_t ext;
	size_t               len = strlen(title);
	cairo_text_extents(cr, title, &ext);
	while (len > 1 && ext.x_advance > width) {
		do { /* a whole UTF-8 character off */
			--len;
		} while (len > 1 && ((unsigned char)title[len] & 0xC0u) == 0x80u);
		memcpy(title + len, "\xe2\x80\xa6", 4); /* … */
		cairo_text_extents(cr, title, &ext);
	}
	cairo_move_to(cr, x, baseline);
	cairo_show_text(cr, title);
}

static void
draw(InlineDisplay* d, cairo_t* cr, int w, int h)
{
	const double band = h >= 36 ? 12.0 : floor(h / 3.0);
	cairo_set_source_rgb(cr, 0.08, 0.09, 0.11);
	cairo_paint(cr);

	/* The name band: the patch name, and a red mark after a rejected patch. */
	char title[INLINE_TITLE + 4];
	read_title(d, title);
	const bool error = atomic_load_explicit(&d->error, memory_order_relaxed);
	const double mark = error ? band * 0.6 : 0.0;
	cairo_select_font_face(cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, band - 2.0 > 5.0 ? band - 2.0 : 5.0);
	cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
	draw_title(cr, title, 2.0, band - 2.5, w - 4.0 - (mark ? mark + 2.0 : 0.0));
	if (error) {
		cairo_set_source_rgb(cr, 0.95, 0.2, 0.15);
		cairo_rectangle(cr, w - 2.0 - mark, (band - mark) / 2.0, mark, mark);
		cairo_fill(cr);
	}

	/* The scope: the ring's newest samples across the width, ±1 full height. */
	const double top = band, sh = h - band, mid = top + sh / 2.0, amp = sh / 2.0 - 1.0;
	cairo_set_source_rgb(cr, 0.22, 0.24, 0.28);
	cairo_set_line_width(cr, 1.0);
	cairo_move_to(cr, 0.0, floor(mid) + 0.5);
	cairo_line_to(cr, w, floor(mid) + 0.5);
	cairo_stroke(cr);

	const uint32_t head = atomic_load_explicit(&d->head, memory_order_acquire);
	const uint32_t n    = head < INLINE_RING ? head : INLINE_RING;
	if (n < 2) {
		return;
	}
	cairo_rectangle(cr, 0.0, top, w, sh);
	cairo_clip(cr);
	for (uint32_t i = 0; i < n; ++i) {
		const uint32_t bits = atomic_load_explicit(&d->ring[(head - n + i) % INLINE_RING], memory_order_relaxed);
		float          v;
		memcpy(&v, &bits, sizeof(v));
		v = isfinite(v) ? (v > 1.0f ? 1.0f : (v < -1.0f ? -1.0f : v)) : 0.0f;
		const double x = (double)i * (w - 1) / (double)(n - 1) + 0.5;
		const double y = mid - v * amp;
		if (i == 0) {
			cairo_move_to(cr, x, y);
		} else {
			cairo_line_to(cr, x, y);
		}
	}
	cairo_set_source_rgb(cr, INLINE_TRACE_R / 255.0, INLINE_TRACE_G / 255.0, INLINE_TRACE_B / 255.0);
	cairo_set_line_width(cr, w >= 160 ? 1.5 : 1.0);
	cairo_stroke(cr);
}

/* GUI THREAD (the host's): an ARGB32 image w wide, at most max_h high. */
static LV2_Inline_Display_Image_Surface*
render(LV2_Handle instance, uint32_t w, uint32_t max_h)
{
	InlineDisplay* d = &((Chronus*)instance)->idisp;
	if (w < 8 || max_h < 8) {
		return NULL;
	}
	w               = w > INLINE_MAX_W ? INLINE_MAX_W : w;
	uint32_t h      = w / 2u < 24u ? 24u : w / 2u;
	h               = h > max_h ? max_h : h;
	h               = h > INLINE_MAX_H ? INLINE_MAX_H : h;
	const int    stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, (int)w);
	const size_t need   = (size_t)stride * h;
	if (stride <= 0) {
		return NULL;
	}
	if (need > d->pixels_size) {
		unsigned char* p = realloc(d->pixels, need);
		if (!p) {
			return NULL;
		}
		d->pixels      = p;
		d->pixels_size = need;
	}
	cairo_surface_t* s = cairo_image_surface_create_for_data(d->pixels, CAIRO_FORMAT_ARGB32, (int)w, (int)h, stride);
	cairo_t*         cr = cairo_create(s);
	draw(d, cr, (int)w, (int)h);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	cairo_surface_destroy(s);
	d->surface = (LV2_Inline_Display_Image_Surface){d->pixels, (int)w, (int)h, stride};
	return &d->surface;
}

const LV2_Inline_Display_Interface inline_display_interface = {render};
