/* SPDX-License-Identifier: ISC
 *
 * The UI drawn with cairo: the header (patch name, status, an error's line
 * and column highlighted, prime time), the factory presets by bank, the
 * graph (voice section, master section apart, wires with their depths),
 * the knobs (8 macros under the names the patch gives them, over what
 * they drive; volume, crossfade, polyphony), the scope, and hooks for the
 * spectrum (spectrum_draw.c) and the swap badge (swap_badge.c). Everything is laid out in logical
 * units times the HiDPI scale; the layout of what can be clicked is kept
 * in the UiState for ui.c.
 */
#include "draw_util.h"
#include "files_ui.h"
#include "settings_ui.h"
#include "ui_state.h"

#include "factory_patches.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Box fills: the UI test counts boxes by these exact colours (tests/ui). */
#define VOICE_BOX  0x2f, 0x6f, 0x9f
#define MASTER_BOX 0x8f, 0x4f, 0x9f

void
rgb3(cairo_t* cr, int r, int g, int b)
{
	cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
}
#define rgb(cr, c) rgb3(cr, c)

void
text_at(cairo_t* cr, double x, double y, double size, bool bold, const char* s)
{
	cairo_select_font_face(cr, "Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

double
text_width(cairo_t* cr, double size, bool bold, const char* s)
{
	cairo_text_extents_t e;
	cairo_select_font_face(cr, "Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

/* s cut with "…" to fit width. */
void
fit_text(cairo_t* cr, double x, double y, double size, bool bold, const char* s, double width)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	size_t n = strlen(buf);
	while (n > 1 && text_width(cr, size, bold, buf) > width) {
		/* back off a whole UTF-8 character, then add the ellipsis */
		do {
			--n;
		} while (n > 1 && ((unsigned char)buf[n] & 0xc0) == 0x80);
		snprintf(buf + n, sizeof buf - n, "\xe2\x80\xa6");
	}
	text_at(cr, x, y, size, bold, buf);
}

void
rounded(cairo_t* cr, double x, double y, double w, double h, double r)
{
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

static void
draw_header(UiState* s, cairo_t* cr, double k)
{
	const bool error = s->port[CTRL_ERROR] > 0.5f;
	rgb3(cr, 0x1c, 0x1f, 0x24);
	cairo_rectangle(cr, 0, 0, s->width, 52 * k);
	cairo_fill(cr);
	rgb3(cr, 0xee, 0xee, 0xee);
	text_at(cr, 12 * k, 22 * k, 17 * k, true, s->graph.valid && s->graph.title[0] ? s->graph.title : "Chronus");
	char right[96];
	snprintf(right, sizeof right, "primed in %.2f ms   slot %c   %d voices%s", (double)s->port[CTRL_PRIME_MS],
	         s->port[CTRL_ACTIVE_SLOT] > 0.5f ? 'B' : 'A', s->graph.polyphony, s->graph.stereo ? ", stereo" : "");
	rgb3(cr, 0x9a, 0xa4, 0xb0);
	text_at(cr, s->width - text_width(cr, 11 * k, false, right) - 12 * k, 20 * k, 11 * k, false, right);
	ui_draw_swap_badge(s, cr, s->width - text_width(cr, 11 * k, false, right) - 24 * k);
	/* "Edit": the playing patch in the user's editor (ui.c, edit.c). */
	s->edit_rect = (UiRect){s->width - 110 * k, 30 * k, 100 * k, 20 * k};
	/* The status: red band on an error, its line and column in bold. */
	if (error) {
		rgb3(cr, 0x7a, 0x1c, 0x1c);
		cairo_rectangle(cr, 0, 30 * k, s->width, 22 * k);
		cairo_fill(cr);
		char where[64];
		snprintf(where, sizeof where, "line %d, col %d ", (int)s->port[CTRL_ERROR_LINE],
		         (int)s->port[CTRL_ERROR_COLUMN]);
		rgb3(cr, 0xff, 0xd8, 0x4a);
		text_at(cr, 12 * k, 46 * k, 12 * k, true, where);
		const double wx = 12 * k + text_width(cr, 12 * k, true, where);
		const char*  msg = s->status;
		if (!strncmp(msg, "line ", 5) && strstr(msg, ": ")) {
			msg = strstr(msg, ": ") + 2; /* the place is already in bold */
		}
		rgb3(cr, 0xff, 0xff, 0xff);
		fit_text(cr, wx, 46 * k, 12 * k, false, msg, s->width - wx - 124 * k);
	} else {
		rgb3(cr, 0x8f, 0xd0, 0x8f);
		fit_text(cr, 12 * k, 46 * k, 12 * k, false, s->status[0] ? s->status : "waiting for the plugin…",
		         s->width - 136 * k);
	}
	const UiRect* b = &s->edit_rect;
	rgb3(cr, 0x3a, 0x4a, 0x5c);
	rounded(cr, b->x, b->y + 1 * k, b->w, b->h - 2 * k, 4 * k);
	cairo_fill(cr);
	const char* label = s->patch_file[0] ? "Edit file" : "Edit a copy";
	rgb3(cr, 0xee, 0xee, 0xee);
	text_at(cr, b->x + (b->w - text_width(cr, 11 * k, true, label)) / 2, b->y + 14 * k, 11 * k, true, label);
}

/* The factory presets grouped by bank, banks in the order they first
 * appear (programs are numbered as they were added, so a bank's presets
 * are spread over the numbers), scrolled by the wheel (preset_scroll);
 * rows outside the panel get an empty rectangle, so they take no click. */
static void
draw_presets(UiState* s, cairo_t* cr, double k, double top, double bottom)
{
	const double x = 0, w = 170 * k;
	rgb3(cr, 0x22, 0x26, 0x2c);
	cairo_rectangle(cr, x, top, w, bottom - top);
	cairo_fill(cr);
	cairo_save(cr);
	cairo_rectangle(cr, x, top, w, bottom - top);
	cairo_clip(cr);
	const unsigned n       = factory_patch_count < 128 ? factory_patch_count : 128;
	const int      playing = (int)lrintf(s->port[CTRL_PLAYING]);
	double         y       = top + 16 * k - s->preset_scroll;
	for (unsigned i = 0; i < n; ++i) {
		s->preset[i] = (UiRect){0, 0, 0, 0};
	}
	for (unsigned b = 0; b < n; ++b) {
		const char* bank  = factory_patches[b].bank;
		bool        first = true;
		for (unsigned j = 0; j < b && first; ++j) {
			first = strcmp(factory_patches[j].bank, bank) != 0;
		}
		if (!first) {
			continue;
		}
		rgb3(cr, 0x7f, 0x8b, 0x99);
		text_at(cr, 8 * k, y, 10 * k, true, bank);
		y += 14 * k;
		for (unsigned i = b; i < n; ++i) {
			const FactoryPatch* p = &factory_patches[i];
			if (strcmp(p->bank, bank)) {
				continue;
			}
			const UiRect r = {x + 4 * k, y - 11 * k, w - 8 * k, 14 * k};
			if (r.y >= top && r.y + r.h <= bottom) {
				s->preset[i] = r;
			}
			if ((int)i == playing) {
				rgb3(cr, 0x35, 0x5c, 0x7d);
				cairo_rectangle(cr, r.x, r.y, r.w, r.h);
				cairo_fill(cr);
			}
			rgb3(cr, 0xdd, 0xdd, 0xdd);
			fit_text(cr, 14 * k, y, 11 * k, false, p->name, w - 20 * k);
			y += 14 * k;
		}
	}
	y = files_draw_user_bank(s, cr, k, x, w, y, top, bottom); /* the User bank (user_bank.c) */
	cairo_restore(cr);
	/* How far the list may scroll: its height past the panel's. */
	const double overflow = (y + s->preset_scroll) - (bottom - 6 * k);
	s->preset_scroll_max  = overflow > 0 ? overflow : 0;
	s->preset_list        = (UiRect){x, top, w, bottom - top};
	s->n_presets          = n;
}

/* A wire from the right edge of a to the left edge of b, depth at its middle. */
static void
draw_wire(cairo_t* cr, double k, double ax, double ay, double bx, double by, const GmWire* w)
{
	if (w->param) {
		rgb3(cr, 0xe0, 0x9a, 0x3c);
	} else {
		rgb3(cr, 0xc8, 0xd0, 0xd8);
	}
	cairo_set_line_width(cr, (w->param ? 1.2 : 2.0) * k);
	const double dx = fabs(bx - ax) / 2 + 20 * k;
	cairo_new_path(cr);
	cairo_move_to(cr, ax, ay);
	cairo_curve_to(cr, ax + dx, ay, bx - dx, by, bx, by);
	cairo_stroke(cr);
	if (w->depth != 1.0 || w->param) {
		char d[48];
		snprintf(d, sizeof d, "%s ×%g", w->port, w->depth);
		text_at(cr, (ax + bx) / 2 - text_width(cr, 9 * k, false, d) / 2, (ay + by) / 2 - 3 * k, 9 * k, false, d);
	}
}

static void
draw_graph(UiState* s, cairo_t* cr, double k, UiRect area)
{
	GraphModel*  g        = &s->graph;
	const double w_master = area.w * 0.28;
	rgb3(cr, 0x2a, 0x2e, 0x35);
	cairo_rectangle(cr, area.x, area.y, area.w, area.h);
	cairo_fill(cr);
	rgb3(cr, 0x30, 0x27, 0x38); /* the master section, apart */
	cairo_rectangle(cr, area.x + area.w - w_master, area.y, w_master, area.h);
	cairo_fill(cr);
	rgb3(cr, 0x7f, 0x8b, 0x99);
	text_at(cr, area.x + 8 * k, area.y + 14 * k, 10 * k, true, "VOICE");
	text_at(cr, area.x + area.w - w_master + 8 * k, area.y + 14 * k, 10 * k, true, "MASTER");
	if (!g->valid) {
		return;
	}
	const double pad = 22 * k;
	gm_layout(g, area.x + 4 * k, area.y + pad, area.w - w_master - 8 * k, w_master, area.h - pad - 6 * k, k);
	for (int i = 0; i < g->n_wires; ++i) {
		const GmWire*   w = &g->wires[i];
		const GmModule* b = &g->modules[w->dst];
		double          ax, ay;
		if (w->src >= 0) {
			const GmModule* a = &g->modules[w->src];
			ax = a->x + a->w, ay = a->y + a->h / 2;
		} else {
			const GmSource* a = &g->sources[-1 - w->src];
			ax = a->x + a->w, ay = a->y + a->h / 2;
		}
		draw_wire(cr, k, ax, ay, b->x, b->y + b->h / 2 + (w->param ? 8 * k : 0), w);
	}
	for (int i = 0; i < g->n_sources; ++i) {
		const GmSource* src = &g->sources[i];
		rgb3(cr, 0x44, 0x4c, 0x56);
		rounded(cr, src->x, src->y, src->w, src->h, src->h / 2);
		cairo_fill(cr);
		rgb3(cr, 0xcc, 0xcc, 0xcc);
		fit_text(cr, src->x + 6 * k, src->y + src->h / 2 + 4 * k, 10 * k, false, src->name, src->w - 10 * k);
	}
	for (int i = 0; i < g->n_modules; ++i) {
		const GmModule* m = &g->modules[i];
		if (m->master) {
			rgb(cr, MASTER_BOX);
		} else {
			rgb(cr, VOICE_BOX);
		}
		cairo_rectangle(cr, m->x, m->y, m->w, m->h); /* square corners: exact pixels for the test */
		cairo_fill(cr);
		if (i == g->out) {
			rgb3(cr, 0xff, 0xd8, 0x4a);
			cairo_set_line_width(cr, 2 * k);
			cairo_rectangle(cr, m->x - 2 * k, m->y - 2 * k, m->w + 4 * k, m->h + 4 * k);
			cairo_stroke(cr);
		}
		rgb3(cr, 0xff, 0xff, 0xff);
		fit_text(cr, m->x + 6 * k, m->y + 16 * k, 12 * k, true, m->name, m->w - 10 * k);
		rgb3(cr, 0xd8, 0xe4, 0xf0);
		fit_text(cr, m->x + 6 * k, m->y + 30 * k, 10 * k, false, m->type, m->w - 10 * k);
	}
}

static void
draw_knob(UiState* s, cairo_t* cr, double k, int i, double cx, double cy, const char* name, const char* label)
{
	const double    r  = 20 * k;
	const ControlId id = ui_knob_control(i);
	const double    t  = ui_control_to_unit(id, s->port[id]);
	s->knob[i]         = (UiRect){cx - r, cy - r, 2 * r, 2 * r};
	const double a0 = 0.75 * M_PI, a1 = 2.25 * M_PI;
	cairo_set_line_width(cr, 5 * k);
	rgb3(cr, 0x3a, 0x40, 0x48);
	cairo_new_path(cr); /* text leaves a current point: no line from it */
	cairo_arc(cr, cx, cy, r, a0, a1);
	cairo_stroke(cr);
	rgb3(cr, i < KNOB_MACROS ? 0x4f : 0xe0, i < KNOB_MACROS ? 0xb0 : 0x9a, i < KNOB_MACROS ? 0xe8 : 0x3c);
	cairo_new_path(cr);
	cairo_arc(cr, cx, cy, r, a0, a0 + t * (a1 - a0));
	cairo_stroke(cr);
	char value[32];
	if (id == CTRL_VOLUME) {
		snprintf(value, sizeof value, "%.1f dB", (double)s->port[id]);
	} else if (id == CTRL_CROSSFADE) {
		snprintf(value, sizeof value, "%.0f ms", (double)s->port[id]);
	} else if (id == CTRL_POLYPHONY) {
		snprintf(value, sizeof value, "%d", (int)s->port[id]);
	} else {
		snprintf(value, sizeof value, "%.2f", (double)s->port[id]);
	}
	rgb3(cr, 0xee, 0xee, 0xee);
	text_at(cr, cx - text_width(cr, 10 * k, false, value) / 2, cy + 4 * k, 10 * k, false, value);
	/* the name in the knob's width: smaller type for a long one (down to
	 * 7.5), then cut with "…" */
	const double lw = 70 * k;
	double       ns = 10 * k, nw = text_width(cr, ns, true, name);
	if (nw > lw) {
		ns = ns * lw / nw < 7.5 * k ? 7.5 * k : ns * lw / nw;
		nw = text_width(cr, ns, true, name);
	}
	fit_text(cr, cx - (nw < lw ? nw : lw) / 2, cy + r + 16 * k, ns, true, name, lw);
	rgb3(cr, 0xa8, 0xb4, 0xc0);
	const double tw = text_width(cr, 9 * k, false, label);
	fit_text(cr, cx - (tw < lw ? tw : lw) / 2, cy + r + 29 * k, 9 * k, false, label, lw);
}

/* The scope alone: redrawn 30 times a second without the rest. */
void
ui_draw_scope(UiState* s, void* vcr)
{
	cairo_t*     cr = vcr;
	const double k  = s->scale;
	const UiRect sc = s->scope_rect;
	rgb3(cr, 0x10, 0x12, 0x15);
	cairo_rectangle(cr, sc.x, sc.y, sc.w, sc.h);
	cairo_fill(cr);
	if (s->scope_n > 1) {
		rgb3(cr, 0x6f, 0xe0, 0x8f);
		cairo_set_line_width(cr, 1.2 * k);
		cairo_new_path(cr);
		for (unsigned i = 0; i < s->scope_n; ++i) {
			float v = s->scope[i];
			v       = v > 1.0f ? 1.0f : (v < -1.0f ? -1.0f : v);
			const double x = sc.x + sc.w * i / (s->scope_n - 1), y = sc.y + sc.h / 2 - v * sc.h / 2;
			if (i == 0) {
				cairo_move_to(cr, x, y);
			} else {
				cairo_line_to(cr, x, y);
			}
		}
		cairo_stroke(cr);
	}
}

static void
draw_bottom(UiState* s, cairo_t* cr, double k, UiRect area)
{
	rgb3(cr, 0x1c, 0x1f, 0x24);
	cairo_rectangle(cr, area.x, area.y, area.w, area.h);
	cairo_fill(cr);
	const double step = 74 * k, cy = area.y + 36 * k;
	for (int i = 0; i < KNOB_MACROS; ++i) {
		/* the patch's name for the knob (`macro 1 "Cutoff"`) over what it drives */
		char*       name  = s->knob_title[i];
		char*       label = s->knob_label[i];
		const char* given = gm_knob_name(&s->graph, i + 1);
		if (given[0]) {
			snprintf(name, sizeof s->knob_title[i], "%s", given);
		} else {
			snprintf(name, sizeof s->knob_title[i], "Macro %d", i + 1);
		}
		gm_macro_label(&s->graph, i + 1, label, sizeof s->knob_label[i]);
		if (!label[0]) {
			snprintf(label, sizeof s->knob_label[i], "(unbound)");
		}
		draw_knob(s, cr, k, i, area.x + 46 * k + i * step, cy, name, label);
	}
	static const char* const names[3] = {"Volume", "Crossfade", "Polyphony"};
	for (int i = 0; i < 3; ++i) {
		draw_knob(s, cr, k, KNOB_MACROS + i, area.x + 46 * k + (KNOB_MACROS + i) * step + 10 * k, cy, names[i], "");
	}
	s->scope_rect = (UiRect){area.x + area.w - 150 * k, area.y + 10 * k, 140 * k, area.h - 20 * k};
	ui_draw_scope(s, cr);
}

void
ui_draw(UiState* s, void* vcr)
{
	cairo_t*     cr = vcr;
	const double k  = s->scale;
	rgb3(cr, 0x16, 0x18, 0x1c);
	cairo_paint(cr);
	draw_header(s, cr, k);
	const double bottom_h = 110 * k, top = 52 * k, bar_h = FILES_BAR_H * k;
	/* the spectrum in a strip under the graph (spectrum_draw.c) */
	const double spec_h = 120 * k, graph_h = s->height - bottom_h - top - spec_h;
	const UiRect graph  = {170 * k, top, s->width - 170 * k, graph_h};
	draw_presets(s, cr, k, top, s->height - bottom_h - bar_h);
	files_draw_bar(s, cr, k, (UiRect){0, s->height - bottom_h - bar_h, 108 * k, bar_h});
	settings_draw_button(s, cr, k, (UiRect){108 * k, s->height - bottom_h - bar_h, 62 * k, bar_h});
	draw_graph(s, cr, k, graph);
	s->spectrum_rect = (UiRect){180 * k, top + graph_h, s->width - 190 * k, spec_h - 8 * k};
	ui_draw_spectrum(s, cr);
	draw_bottom(s, cr, k, (UiRect){0, s->height - bottom_h, s->width, bottom_h});
	/* "Open..." and "Settings", when open, over the graph and the spectrum */
	browser_draw(s, cr, k, (UiRect){graph.x, graph.y, graph.w, graph.h + spec_h});
	settings_draw(s, cr, k, (UiRect){graph.x, graph.y, graph.w, graph.h + spec_h});
}
