/* SPDX-License-Identifier: ISC
 *
 * The "Settings" panel (settings_ui.h): the input controls without a knob,
 * grouped as the issue lists them, drawn over the graph like "Open...".
 * Names, ranges, defaults and units all come from the control table
 * (controls.c, linked into the UI: plain data); nothing is copied here but
 * which control goes in which group. UI thread only.
 */
#include "draw_util.h"
#include "files_ui.h"
#include "settings_ui.h"

#include "factory_patches.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The groups, in the order drawn: a title, then its controls. Column 0 or
 * 1 of the panel. */
typedef struct {
	const char* title;
	int         column;
	ControlId   ids[3];
	int         n;
} Group;

static const Group groups[] = {
	{"Output", 0, {CTRL_LIMITER}, 1},
	{"Pitch", 0, {CTRL_BEND_UP, CTRL_BEND_DOWN, CTRL_GLIDE}, 3},
	{"Tuning", 0, {CTRL_TUNE_KEY, CTRL_TUNE_HZ}, 2},
	{"MPE", 1, {CTRL_MPE_LOWER, CTRL_MPE_UPPER, CTRL_MPE_BEND}, 3},
	{"Files", 1, {CTRL_HOT_RELOAD}, 1},
	{"Remote", 1, {CTRL_OSC_PORT}, 1},
};
enum { N_GROUPS = sizeof groups / sizeof groups[0] };

/* Row r's control: the groups' controls in order. */
static ControlId
row_control(int r)
{
	for (int g = 0; g < N_GROUPS; ++g) {
		if (r < groups[g].n) {
			return groups[g].ids[r];
		}
		r -= groups[g].n;
	}
	return CTRL_LIMITER; /* not reached: r < SETTINGS_ROWS */
}

SettingsUi*
settings_new(void)
{
	return calloc(1, sizeof(SettingsUi));
}

void
settings_free(SettingsUi* g)
{
	free(g);
}

/* The value as shown: on/off for a toggle, "as the patch says" for the -1
 * of a control whose range starts there, "off" for the 0 its comment calls
 * off, else the number as the unit's render format puts it ("key %.0f",
 * "%.2f Hz"), with the unit's symbol after a bare number. */
static void
format_value(ControlId id, float v, char* out, size_t cap)
{
	const ControlSpec*     c = &controls[id];
	const ControlUnitSpec* u = &control_units[c->unit];
	if (c->flags & CTRL_TOGGLED) {
		snprintf(out, cap, "%s", v >= 0.5f ? "on" : "off");
		return;
	}
	if (c->min == -1.0f && v < 0.0f) {
		snprintf(out, cap, "as the patch says");
		return;
	}
	if (v == 0.0f && c->min == 0.0f && strstr(c->comment, "0: off")) {
		snprintf(out, cap, "off");
		return;
	}
	/* The render format split around its "%.Nf"; none: 0 or 1 decimals. */
	const char* r   = u->render ? strstr(u->render, "%.") : NULL;
	const bool  fmt = r && r[2] >= '0' && r[2] <= '9' && r[3] == 'f';
	const int   dec = fmt ? r[2] - '0' : ((c->flags & CTRL_INTEGER) || fabsf(v) >= 100.0f ? 0 : 1);
	const int   pre = fmt ? (int)(r - u->render) : 0;
	const char* post = fmt ? r + 4 : "";
	const bool  bare = !pre && !post[0] && u->abbrev[0];
	snprintf(out, cap, "%.*s%.*f%s%s%s", pre, fmt ? u->render : "", dec, (double)v, post, bare ? " " : "",
	         bare ? u->abbrev : "");
}

static void
close_panel(UiState* s)
{
	s->settings->open = false;
	if (s->test_log) {
		fprintf(s->test_log, "settings closed\n");
	}
}

/* The wheel: one unit for an integer control, 1/50 of the range (as on a
 * knob) for the others. */
static float
wheel_step(ControlId id, float v, bool up)
{
	const ControlSpec* c = &controls[id];
	if (c->flags & CTRL_INTEGER) {
		const float to = v + (up ? 1.0f : -1.0f);
		return to < c->min ? c->min : (to > c->max ? c->max : to);
	}
	return ui_unit_to_control(id, ui_control_to_unit(id, v) + (up ? 0.02 : -0.02));
}

SettingsAction
settings_press(UiState* s, int x, int y, int button, ControlId* id, float* value)
{
	SettingsUi* g = s->settings;
	if (!g) {
		return SETTINGS_NONE;
	}
	if (!g->open) {
		if (button == 1 && ui_inside(&g->button, x, y) && !(s->files && s->files->browsing)) {
			g->open        = true;
			g->log_pending = true;
			return SETTINGS_REDRAW;
		}
		return SETTINGS_NONE;
	}
	if (button == 3 || (button == 1 && (ui_inside(&g->close, x, y) || !ui_inside(&g->panel, x, y)))) {
		close_panel(s);
		return SETTINGS_REDRAW;
	}
	for (int r = 0; r < SETTINGS_ROWS; ++r) {
		if (!ui_inside(&g->row[r], x, y)) {
			continue;
		}
		const ControlId c = row_control(r);
		if (button == 1 && (controls[c].flags & CTRL_TOGGLED)) {
			*id    = c;
			*value = s->port[c] >= 0.5f ? 0.0f : 1.0f;
			return SETTINGS_WRITE;
		}
		if (button == 1) { /* a drag, as on a knob (ui.c's motion) */
			s->drag   = (int)c;
			s->drag_y = y;
			s->drag_t = ui_control_to_unit(c, s->port[c]);
			return SETTINGS_REDRAW;
		}
		if (button == 4 || button == 5) {
			*id    = c;
			*value = wheel_step(c, s->port[c], button == 4);
			return *value != s->port[c] ? SETTINGS_WRITE : SETTINGS_REDRAW;
		}
	}
	return SETTINGS_REDRAW; /* modal: nothing under it takes the click */
}

void
settings_draw_button(UiState* s, void* vcr, double k, UiRect area)
{
	cairo_t*    cr = vcr;
	SettingsUi* g  = s->settings;
	if (!g) {
		return;
	}
	const UiRect b = {area.x, area.y + 4 * k, area.w - 4 * k, area.h - 8 * k};
	if (memcmp(&b, &g->button, sizeof b)) {
		g->button      = b;
		g->log_pending = true;
	}
	draw_button(cr, k, &g->button, "Settings", g->open);
}

/* One control's row: its name, then its value in a box that fills as the
 * value goes from the range's low end to its high end. */
static void
draw_row(UiState* s, cairo_t* cr, double k, int r, double x, double y, double w)
{
	SettingsUi*     g = s->settings;
	const ControlId c = row_control(r);
	rgb3(cr, 0xdd, 0xdd, 0xdd);
	fit_text(cr, x + 12 * k, y + 14 * k, 12 * k, false, controls[c].name, 120 * k);
	const UiRect box = {x + 140 * k, y + 2 * k, w - 150 * k, 17 * k};
	g->row[r]        = box;
	rgb3(cr, 0x1c, 0x1f, 0x24);
	rounded(cr, box.x, box.y, box.w, box.h, 3 * k);
	cairo_fill(cr);
	const double t = (controls[c].flags & CTRL_TOGGLED) ? (s->port[c] >= 0.5f ? 1.0 : 0.0)
	                                                    : ui_control_to_unit(c, s->port[c]);
	if (t > 0) {
		rgb3(cr, 0x35, 0x5c, 0x7d);
		rounded(cr, box.x, box.y, box.w * t < 6 * k ? 6 * k : box.w * t, box.h, 3 * k);
		cairo_fill(cr);
	}
	char text[48];
	format_value(c, s->port[c], text, sizeof text);
	if (strcmp(text, g->shown[r])) {
		snprintf(g->shown[r], sizeof g->shown[r], "%s", text);
		g->log_pending = true;
	}
	rgb3(cr, 0xee, 0xee, 0xee);
	fit_text(cr, box.x + 8 * k, box.y + 13 * k, 11 * k, false, text, box.w - 12 * k);
}

void
settings_draw(UiState* s, void* vcr, double k, UiRect area)
{
	cairo_t*    cr = vcr;
	SettingsUi* g  = s->settings;
	if (!g || !g->open) {
		return;
	}
	const UiRect p = draw_panel(cr, k, area, "Settings", "Close", &g->close);
	if (memcmp(&p, &g->panel, sizeof p)) {
		g->panel       = p;
		g->log_pending = true;
	}
	rgb3(cr, 0x9a, 0xa4, 0xb0);
	text_at(cr, p.x + 10 * k, p.y + 36 * k, 10 * k, false,
	        "drag a value up or down, or turn the wheel over it; click a switch; the host saves them with the session");

	const double col_w = (p.w - 30 * k) / 2, row_h = 22 * k;
	double       y[2]  = {p.y + 50 * k, p.y + 50 * k};
	int          r     = 0;
	for (int i = 0; i < N_GROUPS; ++i) {
		const Group* gr = &groups[i];
		const double x  = p.x + 10 * k + gr->column * (col_w + 10 * k);
		rgb3(cr, 0x7f, 0x8b, 0x99);
		text_at(cr, x, y[gr->column] + 14 * k, 10 * k, true, gr->title);
		y[gr->column] += 18 * k;
		for (int j = 0; j < gr->n; ++j, ++r) {
			draw_row(s, cr, k, r, x, y[gr->column], col_w);
			y[gr->column] += row_h;
		}
		y[gr->column] += 8 * k;
	}
	/* What plays, read-only: the program port's scale point, or Custom. */
	const double x       = p.x + 10 * k + col_w + 10 * k;
	const int    playing = (int)lrintf(s->port[CTRL_PLAYING]);
	char         text[160];
	if (playing >= 0 && (unsigned)playing < factory_patch_count) {
		snprintf(text, sizeof text, "%d: %s", playing, factory_patches[playing].name);
	} else {
		snprintf(text, sizeof text, "%s%s%.100s", CTRL_CUSTOM_LABEL, s->graph.valid && s->graph.title[0] ? ": " : "",
		         s->graph.valid ? s->graph.title : "");
	}
	rgb3(cr, 0x7f, 0x8b, 0x99);
	text_at(cr, x, y[1] + 14 * k, 10 * k, true, "Playing");
	rgb3(cr, 0xdd, 0xdd, 0xdd);
	fit_text(cr, x + 12 * k, y[1] + 32 * k, 12 * k, false, text, col_w - 12 * k);
}

void
settings_log(UiState* s)
{
	SettingsUi* g = s->settings;
	if (!g || !s->test_log || !g->log_pending) {
		return;
	}
	fprintf(s->test_log, "settings button %d %d open %d close %d %d\n", (int)(g->button.x + g->button.w / 2),
	        (int)(g->button.y + g->button.h / 2), g->open, (int)(g->close.x + g->close.w / 2),
	        (int)(g->close.y + g->close.h / 2));
	for (int r = 0; g->open && r < SETTINGS_ROWS; ++r) {
		fprintf(s->test_log, "settings row %s %d %d %s\n", ui_control_symbol(row_control(r)),
		        (int)(g->row[r].x + g->row[r].w / 2), (int)(g->row[r].y + g->row[r].h / 2), g->shown[r]);
	}
	g->log_pending = false;
}
