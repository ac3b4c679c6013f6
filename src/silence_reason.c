/* SPDX-License-Identifier: ISC
 *
 * The likely reason for a silent warm-up (see silence_reason.h). It walks
 * the signal path from the output module back towards the sources,
 * nearest first, and names the first thing on it that shuts the sound off.
 * Heuristics, not proof: when nothing on the path explains the silence, a
 * generic sentence names the output module. WORKER THREAD.
 */
#include "silence_reason.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define FAR_FROM_NOTE 16.0 /* a filter this many times off the note: 48 dB down at 12 dB/oct */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
say(char* out, size_t cap, const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, cap, fmt, ap);
	va_end(ap);
}

static int
param_index(const ModuleType* t, const char* name)
{
	for (unsigned j = 0; j < t->n_params; ++j) {
		if (!strcmp(t->params[j].name, name)) {
			return (int)j;
		}
	}
	return -1;
}

static int
input_index(const ModuleType* t, const char* name)
{
	for (unsigned i = 0; i < t->n_inputs; ++i) {
		if (!strcmp(t->inputs[i].name, name)) {
			return (int)i;
		}
	}
	return -1;
}

static bool
param_modulated(const Patch* p, int m, unsigned j)
{
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (k->dst_module == m && k->dst_kind == DST_PARAM && k->dst_index == j && k->depth != 0.0f) {
			return true;
		}
	}
	return false;
}

static bool
input_fed(const Patch* p, int m, unsigned i)
{
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (k->dst_module == m && k->dst_kind == DST_INPUT && k->dst_index == i && k->depth != 0.0f) {
			return true;
		}
	}
	return false;
}

/* A parameter's value before modulation: the macro that last sets it (as
 * slot_set_macro applies knobs in order), else the last `set`, else the
 * default. *knob is the macro knob (1-based), or 0; *was_set tells a `set`. */
static float
base_value(const Patch* p, int m, unsigned j, const float* macros, unsigned* knob, bool* was_set)
{
	const ParamSpec* spec = &p->modules[m].type->params[j];
	float            v    = spec->def;
	*knob                 = 0;
	*was_set              = false;
	for (unsigned s = 0; s < p->n_settings; ++s) {
		if (p->settings[s].module == m && p->settings[s].param == j) {
			v        = p->settings[s].value;
			*was_set = true;
		}
	}
	for (unsigned k = 1; k <= PATCH_MACRO_KNOBS; ++k) {
		for (unsigned i = 0; i < p->n_macros; ++i) {
			const PatchMacro* mc = &p->macros[i];
			if (mc->knob != k || mc->module != m || mc->param != j) {
				continue;
			}
			const float pos = macros[k - 1];
			v               = (mc->curve == CURVE_EXP && mc->lo > 0.0f && mc->hi > 0.0f)
			                          ? mc->lo * powf(mc->hi / mc->lo, pos)
			                          : mc->lo + (mc->hi - mc->lo) * pos;
			*knob           = k;
		}
	}
	return v;
}

/* An envelope the patch already has, to name in the advice, or NULL. */
static const char*
an_envelope(const Patch* p)
{
	for (unsigned m = 0; m < p->n_modules; ++m) {
		if (p->modules[m].type->flags & MODULE_ENVELOPE) {
			return p->modules[m].name;
		}
	}
	return NULL;
}

/* A source the patch already has, to name in the advice. */
static const char*
a_source(const Patch* p)
{
	for (unsigned m = 0; m < p->n_modules; ++m) {
		if ((p->modules[m].type->flags & (MODULE_SOURCE | MODULE_ENVELOPE)) == MODULE_SOURCE &&
		    strcmp(p->modules[m].type->name, "lfo") != 0) {
			return p->modules[m].name;
		}
	}
	return "osc";
}

/* Module m has audio inputs (silent when unconnected) and none is fed. */
static bool
starved(const Patch* p, int m)
{
	const ModuleType* t     = p->modules[m].type;
	bool              audio = false;
	for (unsigned i = 0; i < t->n_inputs; ++i) {
		if (t->inputs[i].implicit == IMPLICIT_NONE) {
			audio = true;
			if (input_fed(p, m, i)) {
				return false;
			}
		}
	}
	return audio && !(t->flags & MODULE_SOURCE);
}

/* A level or gain parameter of m that is 0 with nothing modulating it:
 * the reason in out, true. A mixer's gainN counts only when inN is fed. */
static bool
zero_level(const Patch* p, int m, const float* macros, char* out, size_t cap)
{
	const PatchModule* pm = &p->modules[m];
	const ModuleType*  t  = pm->type;
	for (unsigned j = 0; j < t->n_params; ++j) {
		const ParamSpec* spec = &t->params[j];
		const bool gainlike   = !strcmp(spec->name, "level") || !strncmp(spec->name, "gain", 4);
		if (!gainlike || spec->unit[0] || spec->min != 0.0f || param_modulated(p, m, j)) {
			continue; /* dB trims never reach silence */
		}
		if (!strncmp(spec->name, "gain", 4) && spec->name[4]) {
			char in[16];
			snprintf(in, sizeof in, "in%s", spec->name + 4);
			const int i = input_index(t, in);
			if (i >= 0 && !input_fed(p, m, (unsigned)i)) {
				continue;
			}
		}
		unsigned    knob;
		bool        was_set;
		const float v = base_value(p, m, j, macros, &knob, &was_set);
		if (v > 0.0f) {
			continue;
		}
		if (knob) {
			say(out, cap, "the output level depends on macro %u, which is at %.2g (it sets %s.%s to 0)", knob,
			    (double)macros[knob - 1], pm->name, spec->name);
		} else if (!was_set && !strcmp(spec->name, "gain") && !strcmp(t->name, "vca")) {
			const char* env = an_envelope(p);
			if (env) {
				say(out, cap, "vca '%s' has nothing on its gain input: connect an envelope, e.g. `connect %s %s.gain`",
				    pm->name, env, pm->name);
			} else {
				say(out, cap,
				    "vca '%s' has nothing on its gain input: connect an envelope, e.g. `create env adsr` and "
				    "`connect env %s.gain`",
				    pm->name, pm->name);
			}
		} else {
			say(out, cap, "%s '%s' has its %s at 0%s", t->name, pm->name, spec->name,
			    was_set ? "" : " (the default): set it or connect something to it");
		}
		return true;
	}
	return false;
}

/* A filter far above (high-pass, band-pass) or below (low-pass) the note. */
static bool
filter_far(const Patch* p, int m, const float* macros, double note_hz, char* out, size_t cap)
{
	const PatchModule* pm     = &p->modules[m];
	const ModuleType*  t      = pm->type;
	const int          cutoff = param_index(t, "cutoff");
	if (cutoff < 0 || param_modulated(p, m, (unsigned)cutoff)) {
		return false;
	}
	unsigned    knob;
	bool        was_set;
	const float fc   = base_value(p, m, (unsigned)cutoff, macros, &knob, &was_set);
	const int   mode = param_index(t, "mode");
	const char* kind = "low-pass";
	if (mode >= 0 && t->params[mode].choices) {
		const int v = (int)lrintf(base_value(p, m, (unsigned)mode, macros, &knob, &was_set));
		for (int c = 0; c <= v; ++c) {
			if (!t->params[mode].choices[c]) {
				return false; /* not a known choice */
			}
		}
		kind = t->params[mode].choices[v < 0 ? 0 : v];
		kind        = !strcmp(kind, "highpass") ? "high-pass" : (!strcmp(kind, "bandpass") ? "band-pass" : kind);
	}
	const bool above = strcmp(kind, "low-pass") != 0;
	if (strcmp(kind, "notch") == 0 || (above ? fc < FAR_FROM_NOTE * note_hz : fc > note_hz / FAR_FROM_NOTE)) {
		return false;
	}
	char freq[32];
	if (fc >= 1000.0f) {
		snprintf(freq, sizeof freq, "%.3g kHz", fc / 1000.0);
	} else {
		snprintf(freq, sizeof freq, "%.0f Hz", (double)fc);
	}
	say(out, cap, "a %s %s ('%s') on a %.0f Hz note", freq, kind, pm->name, note_hz);
	return true;
}

void
silence_reason(const Patch* p, const float macros[PATCH_MACRO_KNOBS], double note_hz, char* out, size_t cap)
{
	if (!cap) {
		return;
	}
	int  queue[PATCH_MAX_MODULES];
	bool seen[PATCH_MAX_MODULES] = {false};
	unsigned head = 0, tail = 0;
	if (p->out_module >= 0 && (unsigned)p->out_module < p->n_modules) {
		queue[tail++]          = p->out_module;
		seen[p->out_module] = true;
	}
	while (head < tail) {
		const int m = queue[head++];
		const PatchModule* pm = &p->modules[m];
		if (starved(p, m)) {
			say(out, cap, "%s '%s' has nothing on its input: connect a source to it, e.g. `connect %s %s`",
			    pm->type->name, pm->name, a_source(p), pm->name);
			return;
		}
		if (zero_level(p, m, macros, out, cap) || filter_far(p, m, macros, note_hz, out, cap)) {
			return;
		}
		for (unsigned c = 0; c < p->n_connections; ++c) {
			const PatchConnection* k = &p->connections[c];
			if (k->dst_module == m && k->dst_kind == DST_INPUT && k->src_module >= 0 && !seen[k->src_module] &&
			    k->depth != 0.0f) {
				seen[k->src_module] = true;
				queue[tail++]       = k->src_module;
			}
		}
	}
	const char* name = p->out_module >= 0 ? p->modules[p->out_module].name : "?";
	say(out, cap, "nothing is heard from '%s' (the output module) while a %.0f Hz test note plays", name, note_hz);
}
