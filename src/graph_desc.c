/* SPDX-License-Identifier: ISC
 *
 * The compiled graph as text for the UI (graph_desc.h). The modules and
 * macro bindings are read from the slot's plan (what plays, not what the
 * text said: a module that reaches no output is not there); the wires
 * are the patch's connections between modules of that plan, with the
 * parsed depths; the knob names are the patch's (`macro <knob> "Name"`).
 * Format: docs/ui.md, "The graph message".
 */
#include "graph_desc.h"

#include "slot_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	char*  out;
	size_t cap, len;
	bool   full;
} Writer;

/* Appends one whole line, or nothing (and marks the writer full). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
line(Writer* w, const char* fmt, ...)
{
	if (w->full) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	const int n = vsnprintf(w->out + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	/* keep room for the "truncated" record */
	if (n < 0 || (size_t)n + 16 >= w->cap - w->len) {
		w->out[w->len] = '\0';
		w->full        = true;
		return;
	}
	w->len += (size_t)n;
}

/* The plan step that runs the patch's module m, or -1. */
static int
step_of(const Slot* s, int m)
{
	for (unsigned i = 0; i < s->n_steps; ++i) {
		if (s->steps[i].module == (uint16_t)m) {
			return (int)i;
		}
	}
	return -1;
}

static const char* const note_names[NOTE_SRC_COUNT] = {"none", "pitch", "gate", "velocity", "random",
                                                         "key", "release", "pressure", "slide"};

/* "osc", "note.gate", "ctl.cc74": a wire's source. */
static const char*
source_name(const Slot* s, const PatchConnection* c, char* buf, size_t cap)
{
	if (c->src_module >= 0) {
		return s->steps[step_of(s, c->src_module)].name;
	}
	if (c->src_ctl >= 0) {
		switch (c->src_ctl) {
		case CTL_AFTERTOUCH: return "ctl.aftertouch";
		case CTL_BEND: return "ctl.bend";
		case CTL_TEMPO: return "ctl.tempo";
		default: snprintf(buf, cap, "ctl.cc%d", c->src_ctl); return buf;
		}
	}
	snprintf(buf, cap, "note.%s", (unsigned)c->src_note < NOTE_SRC_COUNT ? note_names[c->src_note] : "none");
	return buf;
}

/* The step and parameter name of a slot parameter index. */
static bool
param_owner(const Slot* s, unsigned param, const PlanStep** step, const char** name)
{
	for (unsigned i = 0; i < s->n_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		if (param >= st->param_first && param < st->param_first + st->type->n_params) {
			*step = st;
			*name = st->type->params[param - st->param_first].name;
			return true;
		}
	}
	return false;
}

size_t
graph_describe(const Patch* p, const Slot* s, char* out, size_t cap)
{
	if (!out || cap < 32) {
		return 0;
	}
	Writer w = {out, cap, 0, false};
	out[0]   = '\0';
	line(&w, "chronus-graph\t%d\n", GRAPH_DESC_VERSION);
	char title[sizeof s->title];
	snprintf(title, sizeof title, "%s", s->title);
	for (char* c = title; *c; ++c) {
		*c = (*c == '\t' || *c == '\n' || *c == '\r') ? ' ' : *c; /* one field of one line */
	}
	line(&w, "title\t%s\n", title);
	line(&w, "voices\t%u\t%s\n", s->polyphony, s->stereo ? "stereo" : "mono");
	for (unsigned i = 0; i < s->n_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		line(&w, "module\t%s\t%s\t%s\n", st->name, st->type->name, st->master ? "master" : "voice");
	}
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		const int              d = step_of(s, k->dst_module);
		if (d < 0 || (k->src_module >= 0 && step_of(s, k->src_module) < 0)) {
			continue; /* a wire into or out of a module that does not run */
		}
		const ModuleType* t    = s->steps[d].type;
		const bool        in   = k->dst_kind == DST_INPUT;
		const char*       port = in ? (k->dst_index < t->n_inputs ? t->inputs[k->dst_index].name : "?")
		                            : (k->dst_index < t->n_params ? t->params[k->dst_index].name : "?");
		char src[32];
		line(&w, "wire\t%s\t%s\t%s\t%s\t%g\n", source_name(s, k, src, sizeof src), s->steps[d].name, port,
		     in ? "input" : "param", (double)k->depth);
	}
	if (p->out_module >= 0 && step_of(s, p->out_module) >= 0) {
		line(&w, "out\t%s\n", s->steps[step_of(s, p->out_module)].name);
	}
	if (s->has_pan && s->pan_step < s->n_steps) {
		line(&w, "pan\t%s\n", s->steps[s->pan_step].name);
	}
	for (unsigned k = 0; k < PATCH_MACRO_KNOBS; ++k) {
		if (p->knob_names[k].name[0]) { /* printable, no tab: the parser saw to it */
			line(&w, "knob\t%u\t%s\n", k + 1u, p->knob_names[k].name);
		}
	}
	for (unsigned i = 0; i < s->n_macros; ++i) {
		const MacroBinding* m = &s->macros[i];
		const PlanStep*     st;
		const char*         name;
		if (param_owner(s, m->param, &st, &name)) {
			line(&w, "macro\t%u\t%s\t%s\t%g\t%g\t%s\n", m->knob + 1u, st->name, name, (double)m->lo,
			     (double)m->hi, m->curve == CURVE_EXP ? "exp" : "lin");
		}
	}
	if (w.full) {
		const int n = snprintf(out + w.len, cap - w.len, "truncated\n");
		w.len += n > 0 ? (size_t)n : 0;
	}
	return w.len;
}
