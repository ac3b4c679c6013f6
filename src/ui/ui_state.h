/* SPDX-License-Identifier: ISC
 *
 * What the UI holds between events: the control ports as the host last
 * told them, the graph, status, scope, spectrum and swap in progress the
 * plugin sent, the layout of
 * every clickable thing, and a drag in progress. Shared by ui.c (LV2 and
 * X11) and draw.c (cairo); neither X11 nor LV2 types appear here.
 */
#ifndef CHRONUS_UI_STATE_H
#define CHRONUS_UI_STATE_H

#include "controls.h"
#include "graph_model.h"
#include "spectrum_view.h"

#include <stdbool.h>
#include <stdio.h>

#define UI_WIDTH        1000 /* logical size; times the scale in pixels */
#define UI_HEIGHT       620
#define UI_SCOPE_POINTS 256
#define UI_STATUS_MAX   400
#define UI_TEXT_MAX     65536 /* the plugin's PATCH_MAX_TEXT */

/* The knobs: the 8 macros, then volume, crossfade, polyphony. */
enum { KNOB_MACROS = 8, KNOB_COUNT = 11 };

typedef struct {
	double x, y, w, h;
} UiRect;

typedef struct {
	double     scale;                   /* HiDPI: 1 at 96 dpi */
	int        width, height;           /* pixels */
	float      port[CTRL_COUNT];        /* control ports by ControlId */
	GraphModel graph;
	char       status[UI_STATUS_MAX];
	float      scope[UI_SCOPE_POINTS];
	unsigned   scope_n;
	unsigned   scope_messages;
	double     scope_sq;                /* test log: sum of squares over the last second's messages */
	unsigned   scope_sq_n;              /* and how many samples */
	SpectrumView spectrum;              /* spectrum_view.h, from chronus:spectrumData */
	UiRect     spectrum_rect;           /* filled by draw.c */
	float      swap;                    /* chronus:swap: -1 building, 0..1 crossfading, 1 done */
	/* Layout, in pixels, filled by draw.c. */
	UiRect     knob[KNOB_COUNT];
	char       knob_title[KNOB_MACROS][GM_NAME]; /* as drawn: the patch's name, else "Macro N" */
	char       knob_label[KNOB_MACROS][128];     /* as drawn under it: its bindings, or "(unbound)" */
	UiRect     scope_rect;
	UiRect     edit_rect;                /* the "Edit" button */
	char       patch_file[4096];        /* the file the playing patch came from, "" for none */
	char       asked_file[4096];        /* the last file the UI asked the plugin to play */
	char*      patch_text;              /* the playing patch's text (PATCH_TEXT_MAX + 1 bytes) */
	size_t     patch_len;
	UiRect     preset[128];             /* by program number; empty where scrolled out of sight */
	unsigned   n_presets;
	UiRect     preset_list;             /* the panel the list scrolls in */
	double     preset_scroll;           /* pixels scrolled down */
	double     preset_scroll_max;
	/* The control being dragged, a knob's or a Settings row's (a ControlId,
	 * -1: none), where and at which value (0..1) it began. */
	int        drag;
	double     drag_y, drag_t;
	struct FileUi* files;               /* User bank, Open..., Save (files_ui.h) */
	struct SettingsUi* settings;        /* the Settings panel (settings_ui.h) */
	FILE*      test_log;                /* CHRONUS_UI_TEST_LOG: machine-readable lines for the tests */
} UiState;

/* Whether the point (x, y) is in r. */
static inline bool
ui_inside(const UiRect* r, double x, double y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

/* The ControlId of knob k. */
ControlId ui_knob_control(int k);
/* A control's range and its value as 0..1 on the knob (log for
 * logarithmic controls), and back. */
double ui_control_to_unit(ControlId id, float value);
float  ui_unit_to_control(ControlId id, double t);
/* A control's default value and its port symbol ("macro1"). */
float       ui_control_default(ControlId id);
const char* ui_control_symbol(ControlId id);

/* draw.c: the whole window into cr (a cairo_t*), and the layout. */
void ui_draw(UiState* s, void* cr);
/* draw.c: the scope alone, in the place the last ui_draw gave it. */
void ui_draw_scope(UiState* s, void* cr);
/* spectrum_draw.c: the spectrum panel in s->spectrum_rect (set by
 * ui_draw first). */
void ui_draw_spectrum(UiState* s, void* cr);
/* swap_badge.c: "building…" or the crossfade's progress, right-aligned
 * at x_right on the header's first line; nothing when no swap is under
 * way. */
void ui_draw_swap_badge(UiState* s, void* cr, double x_right);

#endif
