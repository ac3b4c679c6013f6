/* SPDX-License-Identifier: ISC
 *
 * The two widgets more than one part of the window draws: a rounded
 * button with a centred label (Open..., Save, Settings, Cancel, Close) and
 * the modal panel drawn over the graph (Open..., Settings) with its title
 * and a button at its top right. cr is a cairo_t*; UI thread only.
 */
#include "draw_util.h"

void
draw_button(cairo_t* cr, double k, const UiRect* b, const char* label, bool lit)
{
	if (lit) {
		rgb3(cr, 0x35, 0x5c, 0x7d);
	} else {
		rgb3(cr, 0x3a, 0x4a, 0x5c);
	}
	rounded(cr, b->x, b->y, b->w, b->h, 4 * k);
	cairo_fill(cr);
	rgb3(cr, 0xee, 0xee, 0xee);
	text_at(cr, b->x + (b->w - text_width(cr, 11 * k, true, label)) / 2, b->y + b->h / 2 + 4 * k, 11 * k, true,
	        label);
}

UiRect
draw_panel(cairo_t* cr, double k, UiRect area, const char* title, const char* button, UiRect* button_rect)
{
	const UiRect p = {area.x + 16 * k, area.y + 12 * k, area.w - 32 * k, area.h - 24 * k};
	rgb3(cr, 0x2c, 0x33, 0x3c);
	cairo_rectangle(cr, p.x, p.y, p.w, p.h);
	cairo_fill(cr);
	rgb3(cr, 0x4f, 0xb0, 0xe8);
	cairo_set_line_width(cr, 1.5 * k);
	cairo_rectangle(cr, p.x, p.y, p.w, p.h);
	cairo_stroke(cr);
	rgb3(cr, 0xee, 0xee, 0xee);
	text_at(cr, p.x + 10 * k, p.y + 20 * k, 13 * k, true, title);
	*button_rect = (UiRect){p.x + p.w - 90 * k, p.y + 8 * k, 80 * k, 22 * k};
	draw_button(cr, k, button_rect, button, false);
	return p;
}
