/* SPDX-License-Identifier: ISC
 *
 * "Settings" (issue 16): the input control ports that have no knob
 * (limiter, bend, glide, tuning, MPE zones, hot reload, OSC port) in a
 * panel drawn over the graph, grouped, each with its value and unit from
 * the control table (controls.h), and the program playing, read-only.
 * Mouse only: a vertical drag or the wheel changes a value, a click flips
 * a toggle. ui.c passes it clicks first while it is open and writes what
 * it answers through the same path as the knobs; draw.c calls the hooks.
 */
#ifndef CHRONUS_UI_SETTINGS_UI_H
#define CHRONUS_UI_SETTINGS_UI_H

#include "ui_state.h"

enum { SETTINGS_ROWS = 11 };

typedef struct SettingsUi {
	bool   open;
	UiRect button;               /* "Settings" in the bar under the presets */
	UiRect panel, close;
	UiRect row[SETTINGS_ROWS];   /* each control's value box */
	char   shown[SETTINGS_ROWS][48]; /* its value as drawn */
	bool   log_pending;          /* layout or a value changed since the test log said */
} SettingsUi;

typedef enum {
	SETTINGS_NONE,   /* not for us */
	SETTINGS_REDRAW, /* taken; the window changed (a drag may have begun: s->drag) */
	SETTINGS_WRITE,  /* taken; write *value to the control *id */
} SettingsAction;

SettingsUi*    settings_new(void);
void           settings_free(SettingsUi* g);
/* A button press at (x, y); button as X11 numbers it (1 left, 3 right,
 * 4/5 the wheel). */
SettingsAction settings_press(UiState* s, int x, int y, int button, ControlId* id, float* value);
/* The "Settings" button in area (part of the bar under the presets). */
void           settings_draw_button(UiState* s, void* cr, double k, UiRect area);
/* The panel over area (the graph) when open. */
void           settings_draw(UiState* s, void* cr, double k, UiRect area);
/* CHRONUS_UI_TEST_LOG: where the button and rows are and what they show. */
void           settings_log(UiState* s);

#endif
