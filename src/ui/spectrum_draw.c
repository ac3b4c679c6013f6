/* SPDX-License-Identifier: ISC
 *
 * The spectrum panel, drawn with cairo: a log frequency axis from 20 Hz
 * to Nyquist (lines at 100 Hz, 1 kHz, 10 kHz), a dB axis from 0 down to
 * -90 (a line every 20 dB), the levels filled in one exact colour (the UI
 * test counts its pixels, tests/ui) under a brighter edge, and the peak
 * hold as a thin line above. Redrawn alone for each spectrum message.
 */
#include "ui_state.h"

#include <cairo.h>
#include <stdio.h>

/* The fill: the UI test counts pixels of exactly this colour. */
#define SPECTRUM_FILL 0x1f, 0x8f, 0xaf

static void
rgb3(cairo_t* cr, int r, int g, int b)
{
	cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
}

static double
level_y(const UiRect* r, float db)
{
	return r->y + r->h * (SV_TOP_DB - db) / (SV_TOP_DB - SV_FLOOR_DB);
}

static void
grid(const SpectrumView* v, cairo_t* cr, const UiRect* r, double k)
{
	cairo_set_line_width(cr, 1.0 * k);
	cairo_select_font_face(cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 9 * k);
	static const double     hz[]    = {100.0, 1000.0, 10000.0};
	static const char* const name[] = {"100", "1k", "10k"};
	for (unsigned i = 0; i < 3; ++i) {
		const double p = sv_hz_pos(v, hz[i]);
		if (p <= 0.0 || p >= 1.0) {
			continue;
		}
		const double x = r->x + p * r->w;
		rgb3(cr, 0x2a, 0x2e, 0x35);
		cairo_move_to(cr, x + 0.5, r->y);
		cairo_line_to(cr, x + 0.5, r->y + r->h);
		cairo_stroke(cr);
		rgb3(cr, 0x6a, 0x74, 0x80);
		cairo_move_to(cr, x + 3 * k, r->y + r->h - 4 * k);
		cairo_show_text(cr, name[i]);
	}
	for (int db = -20; db > (int)SV_FLOOR_DB; db -= 20) {
		const double y = level_y(r, (float)db);
		rgb3(cr, 0x2a, 0x2e, 0x35);
		cairo_move_to(cr, r->x, y + 0.5);
		cairo_line_to(cr, r->x + r->w, y + 0.5);
		cairo_stroke(cr);
		char label[16];
		snprintf(label, sizeof label, "%d dB", db);
		rgb3(cr, 0x6a, 0x74, 0x80);
		cairo_move_to(cr, r->x + 3 * k, y - 3 * k);
		cairo_show_text(cr, label);
	}
}

/* The levels (or the peaks) as a path across the panel. */
static void
trace(cairo_t* cr, const UiRect* r, const float* db, bool closed)
{
	cairo_new_path(cr);
	if (closed) {
		cairo_move_to(cr, r->x, r->y + r->h);
	}
	for (unsigned c = 0; c < SV_COLS; ++c) {
		const double x = r->x + r->w * c / (SV_COLS - 1);
		if (c == 0 && !closed) {
			cairo_move_to(cr, x, level_y(r, db[c]));
		} else {
			cairo_line_to(cr, x, level_y(r, db[c]));
		}
	}
	if (closed) {
		cairo_line_to(cr, r->x + r->w, r->y + r->h);
		cairo_close_path(cr);
	}
}

void
ui_draw_spectrum(UiState* s, void* vcr)
{
	cairo_t*            cr = vcr;
	const double        k  = s->scale;
	const UiRect        r  = s->spectrum_rect;
	const SpectrumView* v  = &s->spectrum;
	if (r.w <= 0 || r.h <= 0) {
		return;
	}
	cairo_save(cr);
	cairo_rectangle(cr, r.x, r.y, r.w, r.h);
	cairo_clip(cr);
	rgb3(cr, 0x10, 0x12, 0x15);
	cairo_paint(cr);
	grid(v, cr, &r, k);
	if (sv_lit(v)) {
		cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE); /* the fill's colour exact to its edge */
		rgb3(cr, SPECTRUM_FILL);
		trace(cr, &r, v->level, true);
		cairo_fill(cr);
		cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
		rgb3(cr, 0x7f, 0xdf, 0xff);
		cairo_set_line_width(cr, 1.2 * k);
		trace(cr, &r, v->level, false);
		cairo_stroke(cr);
		rgb3(cr, 0xe0, 0xe0, 0x70);
		cairo_set_line_width(cr, 0.8 * k);
		trace(cr, &r, v->peak, false);
		cairo_stroke(cr);
	}
	rgb3(cr, 0x9a, 0xa4, 0xb0);
	cairo_select_font_face(cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, 10 * k);
	cairo_move_to(cr, r.x + r.w - 62 * k, r.y + 13 * k);
	cairo_show_text(cr, "Spectrum");
	cairo_restore(cr);
}
