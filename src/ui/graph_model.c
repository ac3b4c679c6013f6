/* SPDX-License-Identifier: ISC
 *
 * Parsing and layout of the chronus:graph message (graph_model.h). The
 * parser trusts nothing: every field is bounded, an unknown module name in
 * a wire drops the wire, a record past an array's size is dropped.
 */
#include "graph_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 8

/* Splits one line (without its newline) at tabs into fields copied into
 * f (each at most GM_NAME - 1 bytes); returns the count. */
static int
split(const char* line, size_t len, char f[MAX_FIELDS][GM_NAME])
{
	int    n = 0;
	size_t k = 0;
	f[0][0]  = '\0';
	for (size_t i = 0; i < len && n < MAX_FIELDS; ++i) {
		if (line[i] == '\t') {
			f[n][k] = '\0';
			if (++n < MAX_FIELDS) {
				f[n][0] = '\0';
			}
			k = 0;
		} else if (k + 1 < GM_NAME) {
			f[n][k++] = line[i];
		}
	}
	if (n < MAX_FIELDS) {
		f[n][k] = '\0';
		++n;
	}
	return n;
}

/* Length of the well-formed UTF-8 sequence of 2 to 4 bytes at s, else 0
 * (cairo refuses a string with a broken one, and stops drawing). */
static size_t
utf8_len(const unsigned char* s)
{
	const unsigned c = s[0];
	const size_t   k = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	for (size_t i = 1; i < k; ++i) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
	}
	return k;
}

/* A name from the message made safe to draw: control bytes and broken
 * UTF-8 become '?'. dst holds GM_NAME bytes, src is NUL-terminated. */
static void
printable(char* dst, const char* src)
{
	const unsigned char* s = (const unsigned char*)src;
	size_t               o = 0;
	for (size_t i = 0; s[i] && o + 1 < GM_NAME;) {
		const size_t k = s[i] >= 0x80 ? utf8_len(s + i) : 1;
		if (k == 0 || s[i] < 0x20 || s[i] == 0x7f) {
			dst[o++] = '?';
			++i;
		} else if (o + k < GM_NAME) {
			memcpy(dst + o, s + i, k);
			o += k;
			i += k;
		} else {
			break;
		}
	}
	dst[o] = '\0';
}

static int
find_module(const GraphModel* m, const char* name)
{
	for (int i = 0; i < m->n_modules; ++i) {
		if (!strcmp(m->modules[i].name, name)) {
			return i;
		}
	}
	return -1;
}

static int
find_or_add_source(GraphModel* m, const char* name)
{
	for (int i = 0; i < m->n_sources; ++i) {
		if (!strcmp(m->sources[i].name, name)) {
			return i;
		}
	}
	if (m->n_sources >= GM_MAX_SOURCES) {
		return -1;
	}
	snprintf(m->sources[m->n_sources].name, GM_NAME, "%s", name);
	return m->n_sources++;
}

static void
record(GraphModel* m, char f[MAX_FIELDS][GM_NAME], int n, const char* line, size_t len)
{
	if (!strcmp(f[0], "title") && n >= 2) {
		/* the title may be longer than a field: take it from the line */
		const size_t t = len > 6 ? len - 6 : 0;
		snprintf(m->title, sizeof m->title, "%.*s", (int)(t < sizeof m->title ? t : sizeof m->title - 1),
		         line + 6);
	} else if (!strcmp(f[0], "voices") && n >= 3) {
		m->polyphony = atoi(f[1]);
		m->stereo    = !strcmp(f[2], "stereo");
	} else if (!strcmp(f[0], "module") && n >= 4 && m->n_modules < GM_MAX_MODULES) {
		GmModule* mod = &m->modules[m->n_modules++];
		memset(mod, 0, sizeof *mod);
		snprintf(mod->name, GM_NAME, "%s", f[1]);
		snprintf(mod->type, GM_NAME, "%s", f[2]);
		mod->master = !strcmp(f[3], "master");
	} else if (!strcmp(f[0], "wire") && n >= 6 && m->n_wires < GM_MAX_WIRES) {
		const int dst = find_module(m, f[2]);
		int       src = find_module(m, f[1]);
		if (dst < 0) {
			return;
		}
		if (src < 0) {
			if (strncmp(f[1], "note.", 5) && strncmp(f[1], "ctl.", 4)) {
				return; /* a module the message did not list */
			}
			const int s = find_or_add_source(m, f[1]);
			if (s < 0) {
				return;
			}
			src = -1 - s;
		}
		GmWire* w = &m->wires[m->n_wires++];
		w->src    = src;
		w->dst    = dst;
		snprintf(w->port, GM_NAME, "%s", f[3]);
		w->param = !strcmp(f[4], "param");
		w->depth = strtod(f[5], NULL);
	} else if (!strcmp(f[0], "out") && n >= 2) {
		m->out = find_module(m, f[1]);
	} else if (!strcmp(f[0], "macro") && n >= 7 && m->n_macros < GM_MAX_MACROS) {
		const int knob = atoi(f[1]);
		if (knob < 1 || knob > 8) {
			return;
		}
		GmMacro* mc = &m->macros[m->n_macros++];
		mc->knob    = knob;
		snprintf(mc->module, GM_NAME, "%s", f[2]);
		snprintf(mc->param, GM_NAME, "%s", f[3]);
		mc->lo  = strtod(f[4], NULL);
		mc->hi  = strtod(f[5], NULL);
		mc->exp = !strcmp(f[6], "exp");
	} else if (!strcmp(f[0], "knob") && n >= 3) {
		const int knob = atoi(f[1]);
		if (knob >= 1 && knob <= 8) {
			printable(m->knob_names[knob - 1], f[2]);
		}
	} else if (!strcmp(f[0], "truncated")) {
		m->truncated = true;
	}
}

bool
gm_parse(GraphModel* m, const char* text, size_t len)
{
	memset(m, 0, sizeof *m);
	m->out = -1;
	char   f[MAX_FIELDS][GM_NAME];
	size_t at    = 0;
	bool   first = true;
	while (at < len && text[at]) {
		size_t end = at;
		while (end < len && text[end] && text[end] != '\n') {
			++end;
		}
		const int n = split(text + at, end - at, f);
		if (first) {
			if (n < 2 || strcmp(f[0], "chronus-graph") || atoi(f[1]) != 1) {
				return false;
			}
			first = false;
		} else {
			record(m, f, n, text + at, end - at);
		}
		at = end + 1;
	}
	m->valid = !first;
	return m->valid;
}

/* Columns: a module's column is one more than the largest column of the
 * modules that feed it, in the same section (voice or master). The
 * message lists modules in execution order, so one pass in that order
 * sees every feeder of a voice module first; master modules that run
 * before the voices (global modulators) are fed by no voice module. */
static void
assign_columns(GraphModel* m)
{
	for (int i = 0; i < m->n_modules; ++i) {
		m->modules[i].column = 0;
	}
	for (int pass = 0; pass < 2; ++pass) {
		for (int i = 0; i < m->n_modules; ++i) {
			for (int k = 0; k < m->n_wires; ++k) {
				const GmWire* w = &m->wires[k];
				if (w->dst == i && w->src >= 0 && m->modules[w->src].master == m->modules[i].master &&
				    m->modules[w->src].column + 1 > m->modules[i].column) {
					m->modules[i].column = m->modules[w->src].column + 1;
				}
			}
		}
	}
}

static void
place_section(GraphModel* m, bool master, double x0, double y0, double w, double h, double scale)
{
	int n_cols = 0;
	for (int i = 0; i < m->n_modules; ++i) {
		if (m->modules[i].master == master && m->modules[i].column + 1 > n_cols) {
			n_cols = m->modules[i].column + 1;
		}
	}
	if (n_cols == 0) {
		return;
	}
	const double bw    = 96.0 * scale, bh = 40.0 * scale;
	const double col_w = w / n_cols;
	for (int c = 0; c < n_cols; ++c) {
		int n_rows = 0;
		for (int i = 0; i < m->n_modules; ++i) {
			n_rows += m->modules[i].master == master && m->modules[i].column == c;
		}
		int row = 0;
		for (int i = 0; i < m->n_modules; ++i) {
			GmModule* mod = &m->modules[i];
			if (mod->master != master || mod->column != c) {
				continue;
			}
			const double row_h = h / n_rows;
			mod->w             = bw < col_w - 12.0 * scale ? bw : col_w - 12.0 * scale;
			mod->h             = bh < row_h - 8.0 * scale ? bh : row_h - 8.0 * scale;
			mod->x             = x0 + c * col_w + (col_w - mod->w) / 2.0;
			mod->y             = y0 + row * row_h + (row_h - mod->h) / 2.0;
			++row;
		}
	}
}

void
gm_layout(GraphModel* m, double x0, double y0, double w_voice, double w_master, double h, double scale)
{
	assign_columns(m);
	const double src_w = m->n_sources ? 90.0 * scale : 0.0;
	for (int s = 0; s < m->n_sources; ++s) {
		GmSource*    src   = &m->sources[s];
		const double row_h = h / m->n_sources;
		src->w             = 80.0 * scale;
		src->h             = (row_h - 6.0 * scale) < 20.0 * scale ? row_h - 6.0 * scale : 20.0 * scale;
		src->x             = x0 + 4.0 * scale;
		src->y             = y0 + s * row_h + (row_h - src->h) / 2.0;
	}
	place_section(m, false, x0 + src_w, y0, w_voice - src_w, h, scale);
	place_section(m, true, x0 + w_voice, y0, w_master, h, scale);
}

const char*
gm_knob_name(const GraphModel* m, int knob)
{
	return knob >= 1 && knob <= 8 ? m->knob_names[knob - 1] : "";
}

void
gm_macro_label(const GraphModel* m, int knob, char* buf, size_t cap)
{
	size_t at = 0;
	buf[0]    = '\0';
	for (int i = 0; i < m->n_macros && at < cap; ++i) {
		if (m->macros[i].knob == knob) {
			const int n = snprintf(buf + at, cap - at, "%s%s.%s", at ? ", " : "", m->macros[i].module,
			                       m->macros[i].param);
			at += n > 0 ? (size_t)n : 0;
		}
	}
}
