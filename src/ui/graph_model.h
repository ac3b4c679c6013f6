/* SPDX-License-Identifier: ISC
 *
 * The UI's picture of the patch: the plugin's chronus:graph message
 * (docs/ui.md) parsed into plain arrays, and a layout of its boxes. Pure C
 * with no X11, cairo or LV2, so the unit tests read it as the UI does.
 */
#ifndef CHRONUS_UI_GRAPH_MODEL_H
#define CHRONUS_UI_GRAPH_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#define GM_MAX_MODULES 64
#define GM_MAX_WIRES   128
#define GM_MAX_MACROS  32
#define GM_MAX_SOURCES 32
#define GM_NAME        40

typedef struct {
	char   name[GM_NAME], type[GM_NAME];
	bool   master;
	int    column;          /* layout: 0 = fed by nothing, +1 per module before it */
	double x, y, w, h;      /* layout: the box, in the graph's rectangle */
} GmModule;

/* A note.* or ctl.* source: drawn as a tag left of the voice section. */
typedef struct {
	char   name[GM_NAME];
	double x, y, w, h;
} GmSource;

typedef struct {
	int    src;             /* module index, or -1 - source index (a GmSource) */
	int    dst;             /* module index */
	char   port[GM_NAME];
	bool   param;           /* a modulation of a parameter (else an audio input) */
	double depth;
} GmWire;

typedef struct {
	int    knob;            /* 1..8 */
	char   module[GM_NAME], param[GM_NAME];
	double lo, hi;
	bool   exp;
} GmMacro;

typedef struct {
	bool     valid;         /* a chronus-graph message was read */
	bool     truncated;
	char     title[80];
	int      polyphony;
	bool     stereo;
	GmModule modules[GM_MAX_MODULES];
	int      n_modules;
	GmSource sources[GM_MAX_SOURCES];
	int      n_sources;
	GmWire   wires[GM_MAX_WIRES];
	int      n_wires;
	GmMacro  macros[GM_MAX_MACROS];
	int      n_macros;
	char     knob_names[8][GM_NAME]; /* [knob - 1]: the patch's name for it, "" when none */
	int      out;           /* module index heard at the output, or -1 */
} GraphModel;

/* Reads a chronus:graph text (len bytes, not necessarily NUL-terminated).
 * false (and m->valid false) when it is not one: the first line must be
 * "chronus-graph\t1". Unknown records are skipped. */
bool gm_parse(GraphModel* m, const char* text, size_t len);

/* Places the boxes: the voice modules in columns by their depth in the
 * graph inside (x0, y0, w_voice, h), the master modules likewise in the
 * rectangle to its right (x0 + w_voice, y0, w_master, h), sources in a
 * narrow column at the voice side's left; box sizes scale with `scale`. */
void gm_layout(GraphModel* m, double x0, double y0, double w_voice, double w_master, double h, double scale);

/* The name the patch gives knob k (1..8), "" when it gives none. */
const char* gm_knob_name(const GraphModel* m, int knob);

/* "cutoff, mix" — the names knob k (1..8) drives, as "module.param", into
 * buf; "" when the patch binds nothing to it. */
void gm_macro_label(const GraphModel* m, int knob, char* buf, size_t cap);

#endif
