/* SPDX-License-Identifier: ISC
 *
 * The swap in progress in the header (chronus:swap, docs/ui.md): an amber
 * "building…" badge while the worker builds and primes the new patch,
 * then a bar that fills as run() crossfades to it; nothing once it is
 * done, when the status beside it gives the prime time.
 */
#include "ui_state.h"

#include <cairo.h>
#include <stdio.h>

/* The badge's colours: the UI test may count them (tests/ui). */
#define BADGE_BUILDING 0xd0, 0x8a, 0x2a
#define BADGE_FADE     0x3f, 0xa0, 0x6f

static void
rgb3(cairo_t* cr, int r, int g, int b)
{
	cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
}

void
ui_draw_swap_badge(UiState* s, void* vcr, double x_right)
{
	cairo_t*     cr = vcr;
	const double k  = s->scale;
	const float  p  = s->swap;
	if (!(p < 1.0f)) {
		return; /* nothing under way (NaN too) */
	}
	const double w = 120 * k, h = 16 * k, x = x_right - w, y = 7 * k;
	char         label[32];
	rgb3(cr, 0x2a, 0x2e, 0x35);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
	if (p < 0.0f) {
		rgb3(cr, BADGE_BUILDING);
		cairo_rectangle(cr, x, y, w, h);
		cairo_fill(cr);
		snprintf(label, sizeof label, "building\xe2\x80\xa6");
	} else {
		rgb3(cr, BADGE_FADE);
		cairo_rectangle(cr, x, y, w * p, h);
		cairo_fill(cr);
		snprintf(label, sizeof label, "crossfade %d%%", (int)(p * 100.0f));
	}
	rgb3(cr, 0xf4, 0xf4, 0xf4);
	cairo_select_font_face(cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, 10 * k);
	cairo_move_to(cr, x + 6 * k, y + 12 * k);
	cairo_show_text(cr, label);
	if (s->test_log) {
		fprintf(s->test_log, "badge %s\n", p < 0.0f ? "building" : "crossfade");
		fflush(s->test_log);
	}
}
