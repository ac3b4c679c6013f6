/* SPDX-License-Identifier: ISC
 *
 * Random valid patches (see random_patch.h).
 */
#include "random_patch.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Random numbers ---------------------------------------------------- */

void
rp_seed(RpRng* r, uint64_t seed)
{
	r->s = seed;
}

uint64_t
rp_u64(RpRng* r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z          = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double
rp_unit(RpRng* r)
{
	return (double)(rp_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

double
rp_range(RpRng* r, double lo, double hi)
{
	return lo + (hi - lo) * rp_unit(r);
}

double
rp_log_range(RpRng* r, double lo, double hi)
{
	return exp(rp_range(r, log(lo), log(hi)));
}

unsigned
rp_below(RpRng* r, unsigned n)
{
	return (unsigned)(rp_unit(r) * (double)n);
}

bool
rp_chance(RpRng* r, double p)
{
	return rp_unit(r) < p;
}

/* ---- The module table (docs/modules.md) -------------------------------- */

typedef enum { K_OSC, K_NOISE, K_LFO, K_ADSR, K_VCA, K_MIX, K_SVF, K_LADDER, K_DRIVE, K_OP, K_DELAY, K_COMB, K_PLUCK } Kind;

typedef struct {
	const char*        name;
	float              min, max, def;
	bool               exp_curve;
	const char* const* choices; /* NULL-ended */
} RpParam;

typedef struct {
	const char* name;
	Kind        kind;
	unsigned    n_inputs;
	const char* inputs[4];
	unsigned    n_params;
	RpParam     params[8];
	/* Parameters the main random stream knows (the first ones; the rest,
	 * and every parameter of a type the stream never picks, are drawn
	 * from the side stream, so the patches of a seed stay what they were
	 * before those parameters existed). 0: all of them. */
	unsigned    n_main;
} RpType;

static const char* const noise_colors[] = {"white", "pink", NULL};
static const char* const lfo_shapes[]   = {"sine", "triangle", "saw", "square", "sh", NULL};
static const char* const svf_modes[]    = {"lowpass", "highpass", "bandpass", "notch", NULL};
static const char* const start_modes[]  = {"reset", "random", "free", NULL};
static const char* const op_modes[]     = {"ratio", "fixed", NULL};
static const char* const tracks[]       = {"off", "note", NULL};
static const char* const comb_modes[]   = {"feedback", "feedforward", NULL};
static const char* const excites[]      = {"noise", "pulse", NULL};
static const char* const wt_tables[]    = {"basic", "pwm", "harmonic", "vocal", "sync", "digital", NULL};

#define OSC_PARAMS                                                                             \
	{"pitch", -48, 48, 0, false, NULL}, {"fine", -100, 100, 0, false, NULL},               \
	        {"track", 0, 1, 1, false, NULL}, {"level", 0, 1, 1, false, NULL}
#define OSC_START {"start", 0, 2, 0, false, start_modes}

enum { T_SINE, T_SAW, T_SQUARE, T_TRIANGLE, T_NOISE, T_LFO, T_ADSR, T_VCA, T_MIX, T_SVF, T_LADDER, T_DRIVE, T_OP,
       T_DELAY, T_COMB, T_PLUCK, T_WAVETABLE };

static const RpType types[] = {
        [T_SINE]     = {"sine", K_OSC, 1, {"note"}, 5, {OSC_PARAMS, OSC_START}, 4},
        [T_SAW]      = {"saw", K_OSC, 2, {"note", "sync"}, 5, {OSC_PARAMS, OSC_START}, 4},
        [T_SQUARE]   = {"square", K_OSC, 2, {"note", "sync"}, 6, {OSC_PARAMS, {"width", 0.05f, 0.95f, 0.5f, false, NULL}, OSC_START}, 5},
        [T_TRIANGLE] = {"triangle", K_OSC, 1, {"note"}, 5, {OSC_PARAMS, OSC_START}, 4},
        [T_NOISE]    = {"noise", K_NOISE, 0, {NULL}, 2,
                        {{"color", 0, 1, 0, false, noise_colors}, {"level", 0, 1, 1, false, NULL}}},
        [T_LFO]      = {"lfo", K_LFO, 0, {NULL}, 3,
                        {{"rate", 0.01f, 50, 2, true, NULL},
                         {"shape", 0, 4, 0, false, lfo_shapes},
                         {"level", 0, 1, 1, false, NULL}}},
        [T_ADSR]     = {"adsr", K_ADSR, 1, {"gate"}, 4,
                        {{"attack", 0, 10000, 5, false, NULL},
                         {"decay", 0, 10000, 200, false, NULL},
                         {"sustain", 0, 1, 0.7f, false, NULL},
                         {"release", 0, 10000, 300, false, NULL}}},
        [T_VCA]      = {"vca", K_VCA, 2, {"in", "vel"}, 2,
                        {{"gain", 0, 1, 0, false, NULL}, {"velocity", 0, 1, 0, false, NULL}}},
        [T_MIX]      = {"mix", K_MIX, 4, {"in1", "in2", "in3", "in4"}, 4,
                        {{"gain1", 0, 2, 1, false, NULL},
                         {"gain2", 0, 2, 1, false, NULL},
                         {"gain3", 0, 2, 1, false, NULL},
                         {"gain4", 0, 2, 1, false, NULL}}},
        [T_SVF]      = {"svf", K_SVF, 1, {"in"}, 3,
                        {{"cutoff", 20, 20000, 1000, true, NULL},
                         {"resonance", 0, 1, 0, false, NULL},
                         {"mode", 0, 3, 0, false, svf_modes}}},
        [T_LADDER]   = {"ladder", K_LADDER, 1, {"in"}, 3,
                        {{"cutoff", 20, 20000, 1000, true, NULL},
                         {"resonance", 0, 1, 0, false, NULL},
                         {"drive", 0, 1, 0, false, NULL}}},
        [T_DRIVE]    = {"drive", K_DRIVE, 1, {"in"}, 4,
                        {{"gain", 0, 40, 12, false, NULL},
                         {"asym", -1, 1, 0, false, NULL},
                         {"level", -40, 0, -6, false, NULL},
                         {"mix", 0, 1, 1, false, NULL}}},
        [T_OP]       = {"op", K_OP, 3, {"pm", "fm", "note"}, 7,
                        {{"mode", 0, 1, 0, false, op_modes},
                         {"ratio", 0.0625f, 32, 1, true, NULL},
                         {"fixed", 1, 20000, 440, true, NULL},
                         {"fine", -100, 100, 0, false, NULL},
                         {"feedback", 0, 1.5f, 0, false, NULL},
                         {"level", 0, 1, 1, false, NULL},
                         OSC_START}, 0},
        [T_DELAY]    = {"delay", K_DELAY, 2, {"in", "note"}, 6,
                        {{"time", 0.05f, 50, 10, true, NULL},
                         {"track", 0, 1, 0, false, tracks},
                         {"tune", -48, 48, 0, false, NULL},
                         {"feedback", -0.99f, 0.99f, 0, false, NULL},
                         {"damping", 0, 1, 0.2f, false, NULL},
                         {"mix", 0, 1, 0.5f, false, NULL}}},
        [T_COMB]     = {"comb", K_COMB, 2, {"in", "note"}, 7,
                        {{"freq", 20, 10000, 440, true, NULL},
                         {"track", 0, 1, 0, false, tracks},
                         {"tune", -48, 48, 0, false, NULL},
                         {"amount", -0.99f, 0.99f, 0.7f, false, NULL},
                         {"mode", 0, 1, 0, false, comb_modes},
                         {"damping", 0, 1, 0, false, NULL},
                         {"mix", 0, 1, 1, false, NULL}}},
        [T_PLUCK]    = {"pluck", K_PLUCK, 2, {"note", "gate"}, 6,
                        {{"decay", 0.05f, 30, 3, true, NULL},
                         {"release", 0.01f, 30, 30, true, NULL},
                         {"damping", 0, 1, 0.3f, false, NULL},
                         {"bright", 0, 1, 0.8f, false, NULL},
                         {"excite", 0, 1, 0, false, excites},
                         {"level", 0, 1, 0.5f, false, NULL}}},
        [T_WAVETABLE] = {"wavetable", K_OSC, 2, {"note", "pm"}, 7,
                         {OSC_PARAMS, {"position", 0, 1, 0, false, NULL}, {"table", 0, 5, 0, false, wt_tables},
                          OSC_START}, 0},
};

/* Parameters the main stream draws from (see RpType.n_main). */
static unsigned
n_main(int type)
{
	return types[type].n_main ? types[type].n_main : types[type].n_params;
}

static unsigned
n_choices(const RpParam* p)
{
	unsigned n = 0;
	while (p->choices && p->choices[n]) {
		++n;
	}
	return n;
}

/* ---- The patch being made ---------------------------------------------- */

#define G_MAX_MODULES 64
#define G_MAX_CONNS   128
#define G_MAX_LINES   512
#define G_LINE        256

typedef struct {
	int  type;
	bool master;
	char name[32];
} GMod;

typedef struct {
	int      src;  /* module, or -1 for a note source */
	int      note; /* 1 pitch, 2 gate, 3 velocity */
	int      dst;
	bool     param;
	unsigned index;
} GConn;

typedef struct {
	RpRng*   rng;     /* the stream in use: main, or &side */
	RpRng*   main;    /* the caller's */
	RpRng    side;    /* for what came after the main stream's patches were fixed */
	bool     steady;
	unsigned n_main_mods, n_main_lines; /* made from the main stream; the rest from side */
	GMod     mods[G_MAX_MODULES];
	unsigned n_mods;
	GConn    conns[G_MAX_CONNS];
	unsigned n_conns;
	bool     modulated[G_MAX_MODULES][8]; /* a parameter has a modulation */
	bool     fed[G_MAX_MODULES][4];       /* an input has a connection */
	bool     amp_env[G_MAX_MODULES];      /* vca.gain opened by an envelope */
	char     lines[G_MAX_LINES][G_LINE];  /* statements but the creates */
	unsigned n_lines;
	unsigned n_settings, n_macros;
	int      out;
	bool     has_lfo, has_noise, has_master, master_lfo;
} Gen;

static void
add_line(Gen* g, const char* fmt, ...)
{
	if (g->n_lines >= G_MAX_LINES) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->lines[g->n_lines++], G_LINE, fmt, ap);
	va_end(ap);
}

static const char* const prefixes[] = {"osc", "vcf", "amp", "env", "lfo", "mx", "sat", "n", "flt", "m", "_", "X"};

static int
add_module(Gen* g, int type, bool master)
{
	if (g->n_mods >= G_MAX_MODULES) {
		return -1;
	}
	GMod* m   = &g->mods[g->n_mods];
	m->type   = type;
	m->master = master;
	const unsigned style = rp_below(g->rng, 20);
	if (style == 0) {
		/* A 31-character name, the longest allowed. */
		static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789";
		m->name[0] = (char)('a' + rp_below(g->rng, 26));
		for (unsigned i = 1; i < 28; ++i) {
			m->name[i] = chars[rp_below(g->rng, (unsigned)sizeof(chars) - 1)];
		}
		snprintf(m->name + 28, 4, "%03u", g->n_mods);
	} else if (style == 1) {
		/* The type's own name, which is a valid module name too. */
		bool taken = false;
		for (unsigned i = 0; i < g->n_mods; ++i) {
			taken |= !strcmp(g->mods[i].name, types[type].name);
		}
		snprintf(m->name, sizeof(m->name), taken ? "%s_%u" : "%s", types[type].name, g->n_mods);
	} else {
		snprintf(m->name, sizeof(m->name), "%s%u", prefixes[rp_below(g->rng, 12)], g->n_mods);
	}
	return (int)g->n_mods++;
}

/* A number as the language writes it, checked to read back inside
 * [lo, hi] (rounding to fewer digits could step outside). */
static void
fmt_num(Gen* g, char* out, size_t size, double v, float lo, float hi)
{
	const unsigned style = rp_below(g->rng, 10);
	if (style == 0) {
		snprintf(out, size, "%.3e", v);
	} else if (style == 1 && v >= 0.0) {
		snprintf(out, size, "+%.5g", v);
	} else if (style == 2) {
		snprintf(out, size, "%.2f", v);
	} else {
		snprintf(out, size, "%.6g", v);
	}
	const float back = strtof(out, NULL);
	if (!(back >= lo && back <= hi)) {
		snprintf(out, size, "%.9g", (double)(float)v);
	}
}

/* ---- Values ----------------------------------------------------------- */

/* A value for a parameter, sensible most of the time, anywhere in its range
 * some of the time; steady patches keep to their constraints. */
static double
sample_value(Gen* g, int m, unsigned j)
{
	RpRng*         r  = g->rng;
	const int      t  = g->mods[m].type;
	const RpParam* p  = &types[t].params[j];
	const bool     st = g->steady;
	if (!st && rp_chance(r, 0.08)) {
		return p->choices ? (double)rp_below(r, n_choices(p)) : rp_range(r, p->min, p->max);
	}
	const char* n = p->name;
	switch (types[t].kind) {
	case K_OSC:
		if (!strcmp(n, "pitch")) {
			return st ? 12.0 * ((int)rp_below(r, 4) - 1) : (double)((int)rp_below(r, 49) - 24);
		}
		if (!strcmp(n, "fine")) {
			return st ? 0.0 : rp_range(r, -30.0, 30.0);
		}
		if (!strcmp(n, "track")) {
			return st ? 1.0 : (rp_chance(r, 0.7) ? 1.0 : rp_range(r, 0.0, 1.0));
		}
		if (!strcmp(n, "width")) {
			return rp_range(r, 0.1, 0.9);
		}
		if (!strcmp(n, "start")) { /* steady: the same wave at every note */
			return st ? 0.0 : (double)rp_below(r, 3);
		}
		if (p->choices) { /* a wavetable's table */
			return (double)rp_below(r, n_choices(p));
		}
		return rp_range(r, 0.1, 1.0); /* level, a wavetable's position */
	case K_OP: /* steady: whole ratios of the note, so a chord of octaves stays periodic */
		if (!strcmp(n, "mode")) {
			return st ? 0.0 : (double)rp_below(r, 2);
		}
		if (!strcmp(n, "ratio")) {
			return st ? (double)(1 + rp_below(r, 4)) : rp_log_range(r, 0.25, 8.0);
		}
		if (!strcmp(n, "fixed")) {
			return rp_log_range(r, 50.0, 4000.0);
		}
		if (!strcmp(n, "fine")) {
			return st ? 0.0 : rp_range(r, -30.0, 30.0);
		}
		if (!strcmp(n, "feedback")) {
			return rp_range(r, 0.0, 1.5);
		}
		if (!strcmp(n, "start")) {
			return st ? 0.0 : (double)rp_below(r, 3);
		}
		return rp_range(r, 0.1, 0.4); /* level: a voice added to the patch, not over it */
	case K_NOISE:
		return !strcmp(n, "color") ? (double)rp_below(r, 2) : rp_range(r, 0.05, 0.6);
	case K_LFO:
		if (!strcmp(n, "rate")) {
			return st ? rp_range(r, 0.5, 8.0) : rp_log_range(r, 0.05, 30.0);
		}
		if (!strcmp(n, "shape")) {
			return st ? (double)rp_below(r, 2) : (double)rp_below(r, 5);
		}
		return rp_range(r, 0.2, 1.0);
	case K_ADSR:
		if (!strcmp(n, "sustain")) {
			return st ? 1.0 : rp_range(r, 0.0, 1.0);
		}
		if (st) {
			return !strcmp(n, "decay") ? rp_range(r, 0.0, 2000.0) : rp_range(r, 0.0, 30.0);
		}
		return rp_chance(r, 0.1) ? rp_range(r, 0.0, 10000.0) : rp_log_range(r, 0.5, 1500.0) - 0.5;
	case K_VCA:
		return !strcmp(n, "gain") ? rp_range(r, 0.3, 1.0) : rp_range(r, 0.0, 1.0);
	case K_MIX:
		return rp_range(r, 0.2, 1.2);
	case K_SVF:
	case K_LADDER:
		if (!strcmp(n, "cutoff")) {
			return st ? rp_log_range(r, 300.0, 12000.0) : rp_log_range(r, 60.0, 18000.0);
		}
		if (!strcmp(n, "resonance")) {
			return st ? rp_range(r, 0.0, 0.8) : rp_range(r, 0.0, 0.9);
		}
		if (!strcmp(n, "mode")) {
			return (double)rp_below(r, 4);
		}
		return rp_range(r, 0.0, 1.0); /* ladder drive */
	case K_DRIVE:
		if (!strcmp(n, "gain")) {
			return rp_range(r, 0.0, 30.0);
		}
		if (!strcmp(n, "asym")) {
			return rp_range(r, -0.8, 0.8);
		}
		if (!strcmp(n, "level")) {
			return rp_range(r, -18.0, 0.0);
		}
		return rp_range(r, 0.2, 1.0);
	case K_DELAY:
	case K_COMB:
		if (!strcmp(n, "time")) {
			return rp_log_range(r, 0.05, 50.0);
		}
		if (!strcmp(n, "freq")) {
			return rp_log_range(r, 20.0, 10000.0);
		}
		if (!strcmp(n, "track") || !strcmp(n, "mode")) {
			return (double)rp_below(r, 2);
		}
		if (!strcmp(n, "tune")) {
			return rp_chance(r, 0.5) ? 0.0 : 12.0 * ((int)rp_below(r, 5) - 2);
		}
		if (!strcmp(n, "feedback") || !strcmp(n, "amount")) {
			return rp_range(r, -0.95, 0.95);
		}
		return rp_range(r, 0.0, 1.0); /* damping, mix */
	case K_PLUCK:
		if (!strcmp(n, "decay") || !strcmp(n, "release")) {
			return rp_log_range(r, 0.05, 10.0);
		}
		if (!strcmp(n, "excite")) {
			return (double)rp_below(r, 2);
		}
		return rp_range(r, 0.1, 1.0); /* damping, bright, level */
	}
	return p->def;
}

static void
emit_set(Gen* g, int m, unsigned j, double v)
{
	const RpParam* p = &types[g->mods[m].type].params[j];
	char           num[64];
	if (p->choices) {
		const unsigned k = (unsigned)v;
		if (rp_chance(g->rng, 0.6)) {
			snprintf(num, sizeof(num), "%s", p->choices[k]);
		} else {
			snprintf(num, sizeof(num), "%u", k);
		}
	} else {
		fmt_num(g, num, sizeof(num), v, p->min, p->max);
	}
	add_line(g, "set %s.%s %s", g->mods[m].name, p->name, num);
	++g->n_settings;
}

/* ---- Connections ------------------------------------------------------- */

static bool
have_conn(const Gen* g, const GConn* c)
{
	for (unsigned i = 0; i < g->n_conns; ++i) {
		const GConn* o = &g->conns[i];
		if (o->src == c->src && o->note == c->note && o->dst == c->dst && o->param == c->param &&
		    o->index == c->index) {
			return true;
		}
	}
	return false;
}

/* Adds and writes a connection if the language allows it; depth < 0 when
 * no depth is written. Sources always come before targets in the module
 * list, so the graph has no cycle. */
static bool
connect(Gen* g, int src, int note, int dst, bool param, unsigned index, bool has_depth, double depth)
{
	if (g->n_conns >= G_MAX_CONNS || dst < 0 || (src >= 0 && src >= dst)) {
		return false;
	}
	if (src >= 0 && g->mods[src].master && !g->mods[dst].master) {
		return false;
	}
	if (src < 0 && g->mods[dst].master) {
		return false;
	}
	const GConn c = {src, note, dst, param, index};
	if (have_conn(g, &c)) {
		return false;
	}
	g->conns[g->n_conns++] = c;
	const RpType* t        = &types[g->mods[dst].type];
	static const char* const notes[] = {NULL, "pitch", "gate", "velocity"};
	char from[48], to[64], dep[64] = "";
	if (src >= 0) {
		snprintf(from, sizeof(from), "%s", g->mods[src].name);
	} else {
		snprintf(from, sizeof(from), "note.%s", notes[note]);
	}
	if (!param && index == 0 && rp_chance(g->rng, 0.6)) {
		snprintf(to, sizeof(to), "%s", g->mods[dst].name); /* the first input by default */
	} else {
		snprintf(to, sizeof(to), "%s.%s", g->mods[dst].name, param ? t->params[index].name : t->inputs[index]);
	}
	if (has_depth) {
		fmt_num(g, dep, sizeof(dep), depth, -1e6f, 1e6f);
	}
	add_line(g, "connect %s %s%s%s", from, to, has_depth ? " " : "", dep);
	if (param) {
		g->modulated[dst][index] = true;
	} else {
		g->fed[dst][index] = true;
	}
	return true;
}

/* A modulation depth for parameter j of module m, in its unit. */
static double
mod_depth(Gen* g, int m, unsigned j)
{
	RpRng*         r    = g->rng;
	const RpParam* p    = &types[g->mods[m].type].params[j];
	const double   span = (double)p->max - (double)p->min;
	if (g->steady) { /* envelopes only: steady patches have no LFO */
		/* The envelope ends at sustain 1, so its depth is where the
		 * oscillator stays: an octave up, never a fraction of one, and
		 * no detuning, or two oscillators beat and the stress suite's
		 * click metric reads the beats as clicks. The draw is made all
		 * the same so every other patch of a seed stays as it was. */
		const double d = rp_range(r, 0.05, 0.5) * span;
		if (!strcmp(p->name, "pitch")) {
			return 12.0;
		}
		if (!strcmp(p->name, "fine")) {
			return 0.0;
		}
		return d; /* envelopes: positive, rising */
	}
	if (rp_chance(r, 0.02)) {
		return (rp_chance(r, 0.5) ? -1.0 : 1.0) * rp_log_range(r, 1.0, 1e6); /* clamped by the engine */
	}
	return (rp_chance(r, 0.25) ? -1.0 : 1.0) * rp_log_range(r, 0.01, 1.0) * span;
}

/* A parameter of a module an LFO or envelope may modulate. */
static bool
pick_target(Gen* g, int from, int* m_out, unsigned* j_out)
{
	for (unsigned tries = 0; tries < 20; ++tries) {
		const int m = (int)(from + 1 + rp_below(g->rng, g->n_mods - (unsigned)from - 1));
		if (m <= from || (unsigned)m >= g->n_mods || g->mods[m].master != g->mods[from].master) {
			continue;
		}
		const RpType*  t = &types[g->mods[m].type];
		const unsigned j = rp_below(g->rng, n_main(g->mods[m].type));
		const RpParam* p = &t->params[j];
		if (g->steady) {
			if (p->choices || t->kind == K_ADSR || t->kind == K_LFO) {
				continue;
			}
			if (!strcmp(p->name, "resonance") || !strcmp(p->name, "track")) {
				continue;
			}
		}
		*m_out = m;
		*j_out = j;
		return true;
	}
	return false;
}

/* ---- The generator ---------------------------------------------------- */

static int
pick_audio_type(RpRng* r, bool steady)
{
	const unsigned k = rp_below(r, 12);
	if (k < 3) {
		return T_SAW;
	}
	if (k < 5) {
		return T_SINE;
	}
	if (k < 7) {
		return T_SQUARE;
	}
	if (k < 9) {
		return T_TRIANGLE;
	}
	if (steady) {
		return k == 11 ? T_SINE : T_TRIANGLE; /* noise is not stationary in its peaks */
	}
	return k == 11 ? T_PLUCK : T_NOISE; /* a pluck decays: never steady */
}

/* Delay lines only in patches that need not be steady: with feedback
 * they take many round trips to settle. */
static int
pick_proc_type(RpRng* r, bool steady)
{
	static const int procs[] = {T_VCA, T_MIX, T_SVF, T_SVF, T_LADDER, T_LADDER, T_DRIVE, T_MIX, T_DELAY, T_COMB};
	const unsigned   n       = sizeof(procs) / sizeof(procs[0]) - (steady ? 2u : 0u);
	return procs[rp_below(r, n)];
}

/* From the side stream, after the main stream's patch is made: start
 * phases on its oscillators, and sometimes an FM voice (a modulator into a
 * carrier, operators at whole ratios in steady patches) mixed with the
 * patch's output. The main stream's out line stays last of its lines and
 * names the new mix when there is one. */
static void
side_additions(Gen* g)
{
	g->rng          = &g->side;
	RpRng*     r    = g->rng;
	const bool st   = g->steady;
	const unsigned out_line = g->n_lines - 1;
	for (unsigned m = 0; m < g->n_main_mods; ++m) {
		const int t = g->mods[m].type;
		for (unsigned j = n_main(t); j < types[t].n_params; ++j) {
			if (!st && rp_chance(r, 0.4)) {
				emit_set(g, (int)m, j, sample_value(g, (int)m, j));
			}
		}
	}
	/* Hard sync: a saw or square synced by an earlier source. */
	for (unsigned m = 1; m < g->n_main_mods; ++m) {
		const int t = g->mods[m].type;
		if ((t == T_SAW || t == T_SQUARE) && !g->mods[m].master && rp_chance(r, st ? 0.1 : 0.25)) {
			const int src = (int)rp_below(r, m);
			const Kind k  = types[g->mods[src].type].kind;
			if (!g->mods[src].master && (k == K_OSC || k == K_OP || (!st && (k == K_NOISE || k == K_LFO)))) {
				connect(g, src, 0, (int)m, false, 1, false, 1.0);
			}
		}
	}
	const bool master_out = g->mods[g->out].master;
	if (!master_out && rp_chance(r, 0.25)) {
		const int mod = add_module(g, T_OP, false), car = add_module(g, T_OP, false);
		const int mx  = add_module(g, T_MIX, false);
		if (mod >= 0 && car >= 0 && mx >= 0) {
			const bool fm = !st && rp_chance(r, 0.3);
			connect(g, mod, 0, car, false, fm ? 1 : 0, true, fm ? rp_range(r, 10.0, 1000.0) : rp_range(r, 0.1, 3.0));
			connect(g, g->out, 0, mx, false, 0, false, 1.0);
			connect(g, car, 0, mx, false, 1, false, 1.0);
			const int ops[2] = {mod, car};
			for (unsigned k = 0; k < 2; ++k) {
				for (unsigned j = 0; j < types[T_OP].n_params; ++j) {
					const bool level = !strcmp(types[T_OP].params[j].name, "level");
					if (level && k == 1) {
						/* The carrier sounds while the key is down (a 5 ms
						 * ramp at each end, the parameter's smoothing). */
						emit_set(g, car, j, 0.0);
						connect(g, -1, 2, car, true, j, true, sample_value(g, car, j));
					} else if (level || rp_chance(r, 0.5)) {
						emit_set(g, ops[k], j, sample_value(g, ops[k], j));
					}
				}
			}
			g->out = mx;
			char out[G_LINE];
			snprintf(out, sizeof out, "out %s", g->mods[mx].name);
			memcpy(g->lines[out_line], out, sizeof out);
		}
	}
	/* Sometimes a wavetable (a built-in table at a held position) mixed
	 * with the output: periodic, so steady patches may have one too. */
	if (!g->mods[g->out].master && rp_chance(r, 0.2)) {
		const int w  = add_module(g, T_WAVETABLE, false);
		const int mx = add_module(g, T_MIX, false);
		if (w >= 0 && mx >= 0) {
			for (unsigned j = 0; j < types[T_WAVETABLE].n_params; ++j) {
				if (rp_chance(r, 0.6)) {
					emit_set(g, w, j, sample_value(g, w, j));
				}
			}
			connect(g, g->out, 0, mx, false, 0, false, 1.0);
			connect(g, w, 0, mx, false, 1, false, 0.5);
			g->out = mx;
			char out[G_LINE];
			snprintf(out, sizeof out, "out %s", g->mods[mx].name);
			memcpy(g->lines[out_line], out, sizeof out);
		}
	}
	g->rng = g->main;
}

static void
generate(Gen* g)
{
	RpRng*     r   = g->rng;
	const bool st  = g->steady;
	const bool big = rp_chance(r, 0.03);

	/* Modulators first: everything they feed comes later in the list. */
	const unsigned n_lfo = st ? 0 : (big ? 2 + rp_below(r, 4) : (rp_chance(r, 0.5) ? 1 + rp_below(r, 2) : 0));
	const unsigned n_env = big ? 2 + rp_below(r, 4) : rp_below(r, 3) + (rp_chance(r, 0.8) ? 1 : 0);
	int            lfos[8], envs[8];
	for (unsigned i = 0; i < n_lfo; ++i) {
		lfos[i] = add_module(g, T_LFO, false);
	}
	for (unsigned i = 0; i < n_env; ++i) {
		envs[i] = add_module(g, T_ADSR, false);
	}
	g->has_lfo = n_lfo > 0;

	/* Audio sources, then processors taking earlier audio nodes. */
	int            audio[G_MAX_MODULES];
	bool           used[G_MAX_MODULES] = {0};
	unsigned       n_audio             = 0;
	const unsigned n_src               = big ? 3 + rp_below(r, 6) : 1 + rp_below(r, rp_chance(r, 0.1) ? 5 : 3);
	for (unsigned i = 0; i < n_src; ++i) {
		const int t = pick_audio_type(r, st);
		g->has_noise |= t == T_NOISE;
		audio[n_audio++] = add_module(g, t, false);
	}
	const unsigned n_proc = big ? 6 + rp_below(r, 12) : rp_below(r, rp_chance(r, 0.15) ? 9 : 5);
	for (unsigned i = 0; i < n_proc; ++i) {
		const int t = pick_proc_type(r, st);
		const int m = add_module(g, t, false);
		if (m < 0) {
			break;
		}
		const unsigned want = t == T_MIX ? 2 + rp_below(r, 3) : (rp_chance(r, 0.2) ? 2 : 1);
		unsigned       got  = 0;
		unsigned       ports[4] = {0, 1, 2, 3};
		for (unsigned k = 3; k > 0; --k) { /* shuffled mixer inputs */
			const unsigned s = rp_below(r, k + 1), tmp = ports[k];
			ports[k] = ports[s];
			ports[s] = tmp;
		}
		for (unsigned tries = 0; got < want && tries < 12; ++tries) {
			/* Prefer an audio node nothing reads yet. */
			int src = audio[rp_below(r, n_audio)];
			for (unsigned k = 0; k < n_audio && rp_chance(r, 0.8); ++k) {
				if (!used[audio[k]]) {
					src = audio[k];
					break;
				}
			}
			const unsigned port = t == T_MIX ? ports[got] : 0;
			const bool     dep  = rp_chance(r, 0.1);
			if (connect(g, src, 0, m, false, port, dep, dep ? rp_range(r, 0.3, 1.0) : 1.0)) {
				used[src] = true;
				++got;
			}
		}
		audio[n_audio++] = m;
	}
	g->out = audio[n_audio - 1];

	/* Audio nodes nobody reads: summed at the end, or left for the
	 * compiler to drop. */
	if (rp_chance(r, 0.5)) {
		int      spare[4];
		unsigned n_spare = 0;
		for (unsigned k = 0; k + 1 < n_audio && n_spare < 3; ++k) {
			if (!used[audio[k]]) {
				spare[n_spare++] = audio[k];
			}
		}
		if (n_spare) {
			const int mx = add_module(g, T_MIX, false);
			if (mx >= 0) {
				connect(g, g->out, 0, mx, false, 0, false, 1.0);
				for (unsigned k = 0; k < n_spare; ++k) {
					connect(g, spare[k], 0, mx, false, k + 1, false, 1.0);
				}
				g->out = mx;
			}
		}
	}

	/* The amplitude envelope: on a vca of the chain, or on one added at
	 * the end. */
	int amp = -1;
	for (unsigned k = 0; k < g->n_mods; ++k) {
		if (g->mods[k].type == T_VCA && g->fed[k][0]) {
			amp = (int)k;
		}
	}
	if (n_env && (amp < 0 || rp_chance(r, 0.3)) && rp_chance(r, 0.85)) {
		const int v = add_module(g, T_VCA, false);
		if (v >= 0) {
			connect(g, g->out, 0, v, false, 0, false, 1.0);
			g->out = amp = v;
		}
	}
	if (n_env && amp >= 0) {
		const bool dep = rp_chance(r, 0.3);
		if (connect(g, envs[0], 0, amp, true, 0, dep, dep ? rp_range(r, 0.5, 1.0) : 1.0)) {
			g->amp_env[amp] = true;
		}
	} else if (amp >= 0 && rp_chance(r, 0.3)) {
		connect(g, -1, 2, amp, true, 0, false, 1.0); /* note.gate opens it */
		g->amp_env[amp] = true;
	}

	/* Other modulations. */
	for (unsigned i = 0; i < n_env; ++i) {
		const unsigned n = (i == 0 && amp >= 0) ? rp_below(r, 2) : 1 + rp_below(r, 2);
		for (unsigned k = 0; k < n; ++k) {
			int      m;
			unsigned j;
			if (pick_target(g, envs[i], &m, &j)) {
				connect(g, envs[i], 0, m, true, j, true, mod_depth(g, m, j));
			}
		}
	}
	for (unsigned i = 0; i < n_lfo; ++i) {
		const unsigned n = 1 + rp_below(r, 2);
		for (unsigned k = 0; k < n; ++k) {
			int      m;
			unsigned j;
			if (pick_target(g, lfos[i], &m, &j)) {
				connect(g, lfos[i], 0, m, true, j, true, mod_depth(g, m, j));
			}
		}
	}
	if (!st) {
		/* Audio-rate and note modulation, envelopes gated by LFOs, explicit
		 * note inputs. */
		for (unsigned k = rp_below(r, 3); k > 0; --k) {
			const int src = audio[rp_below(r, n_audio)];
			int       m;
			unsigned  j;
			if (src < (int)g->n_mods - 1 && pick_target(g, src, &m, &j)) {
				connect(g, src, 0, m, true, j, true, mod_depth(g, m, j));
			}
		}
		if (rp_chance(r, 0.3)) {
			const int m = (int)rp_below(r, g->n_mods);
			const unsigned j = rp_below(r, n_main(g->mods[m].type));
			connect(g, -1, 1 + (int)rp_below(r, 3), m, true, j, true, mod_depth(g, m, j) * 0.05);
		}
		if (n_lfo && n_env > 1 && rp_chance(r, 0.1)) {
			connect(g, lfos[0], 0, envs[n_env - 1], false, 0, false, 1.0);
		}
		for (unsigned k = 0; k < n_audio; ++k) {
			if (types[g->mods[audio[k]].type].kind == K_OSC && rp_chance(r, 0.1)) {
				connect(g, -1, 1, audio[k], false, 0, false, 1.0);
				if (n_lfo && rp_chance(r, 0.5)) {
					connect(g, lfos[0], 0, audio[k], false, 0, true, rp_range(r, 0.05, 1.0));
				}
			}
		}
	}
	if (rp_chance(r, 0.2)) {
		/* Key tracking or velocity on a filter's cutoff. */
		int filters[G_MAX_MODULES];
		unsigned n_f = 0;
		for (unsigned k = 0; k < g->n_mods; ++k) {
			const Kind kind = types[g->mods[k].type].kind;
			if ((kind == K_SVF || kind == K_LADDER) && !g->mods[k].master) {
				filters[n_f++] = (int)k;
			}
		}
		if (n_f) {
			const bool vel = rp_chance(r, 0.5);
			connect(g, -1, vel ? 3 : 1, filters[rp_below(r, n_f)], true, 0, true,
			        vel ? rp_range(r, 100.0, 2000.0) : rp_range(r, 5.0, 40.0));
		}
	}

	/* Sometimes a master section: the summed voices through a drive, and
	 * maybe a filter and an LFO of its own. */
	if (rp_chance(r, 0.25)) {
		g->has_master = true;
		int       mlfo = (!st && rp_chance(r, 0.3)) ? add_module(g, T_LFO, true) : -1;
		g->master_lfo = mlfo >= 0;
		const int sat  = add_module(g, T_DRIVE, true);
		if (sat >= 0 && connect(g, g->out, 0, sat, false, 0, false, 1.0)) {
			g->out = sat;
			if (rp_chance(r, 0.3)) {
				const int f = add_module(g, rp_chance(r, 0.5) ? T_SVF : T_LADDER, true);
				if (f >= 0 && connect(g, sat, 0, f, false, 0, false, 1.0)) {
					g->out = f;
					if (mlfo >= 0) {
						connect(g, mlfo, 0, f, true, 0, true, rp_range(r, 50.0, 2000.0));
					}
				}
			}
			if (mlfo >= 0 && rp_chance(r, 0.5)) {
				connect(g, mlfo, 0, sat, true, 0, true, rp_range(r, 1.0, 10.0));
			}
			if (!st && n_env && rp_chance(r, 0.2)) {
				connect(g, envs[n_env - 1], 0, sat, true, 0, true, rp_range(r, 1.0, 12.0)); /* voices summed */
			}
		}
	}

	/* Settings: what a steady or audible patch needs, then random ones. */
	for (unsigned m = 0; m < g->n_mods; ++m) {
		const RpType* t = &types[g->mods[m].type];
		for (unsigned j = 0; j < n_main(g->mods[m].type); ++j) {
			const RpParam* p    = &t->params[j];
			if (t->kind == K_VCA && !strcmp(p->name, "gain") && g->amp_env[m]) {
				if (rp_chance(r, 0.3)) {
					emit_set(g, (int)m, j, st ? 0.0 : rp_range(r, 0.0, 0.3));
				}
				continue;
			}
			bool must = false;
			if (t->kind == K_VCA && !strcmp(p->name, "gain") && !g->modulated[m][j]) {
				must = true; /* the default 0 would be silent */
			}
			if (st && t->kind == K_ADSR && strcmp(p->name, "decay")) {
				must = true; /* sustain 1, short attack and release */
			}
			if (st && !strcmp(p->name, "resonance")) {
				must = true; /* no self-oscillation */
			}
			if (must || rp_chance(r, 0.45)) {
				if (rp_chance(r, 0.04)) {
					emit_set(g, (int)m, j, sample_value(g, (int)m, j)); /* set twice: the last wins */
				}
				emit_set(g, (int)m, j, sample_value(g, (int)m, j));
			}
		}
	}

	/* Macros. */
	if (rp_chance(r, 0.5)) {
		const unsigned n = 1 + rp_below(r, big ? 12 : 5);
		for (unsigned k = 0; k < n && g->n_macros < 32; ++k) {
			const int      m = (int)rp_below(r, g->n_mods);
			const RpType*  t = &types[g->mods[m].type];
			const unsigned j = rp_below(r, n_main(g->mods[m].type));
			const RpParam* p = &t->params[j];
			if (st && (p->choices || (t->kind == K_ADSR && !strcmp(p->name, "sustain")))) {
				continue;
			}
			if (t->kind == K_VCA && !strcmp(p->name, "gain") && g->amp_env[m]) {
				continue; /* would open the amplifier without the envelope */
			}
			const double lo = sample_value(g, m, j), hi = sample_value(g, m, j);
			char         a[64], b[64];
			fmt_num(g, a, sizeof(a), lo, p->min, p->max);
			fmt_num(g, b, sizeof(b), hi, p->min, p->max);
			const float  la = strtof(a, NULL), lb = strtof(b, NULL);
			const char*  curve = "";
			const unsigned c   = rp_below(r, 3);
			if (c == 1) {
				curve = " lin";
			} else if (c == 2 && la > 0.0f && lb > 0.0f) {
				curve = " exp";
			} else if (p->exp_curve && !(la > 0.0f && lb > 0.0f)) {
				curve = " lin"; /* the default curve would be exp */
			}
			add_line(g, "macro %u %s.%s %s %s%s", 1 + rp_below(r, 8), g->mods[m].name, p->name, a, b, curve);
			++g->n_macros;
		}
	}
	g->n_main_mods  = g->n_mods;
	g->n_main_lines = g->n_lines;
	add_line(g, "out %s", g->mods[g->out].name);
	side_additions(g);
}

/* ---- Writing it out --------------------------------------------------- */

typedef struct {
	char*  buf;
	size_t len, cap;
	bool   overflow;
} Out;

static void
put(Out* o, const char* s)
{
	const size_t n = strlen(s);
	if (o->len + n + 1 > o->cap) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, s, n + 1);
	o->len += n;
}

/* A statement with its words separated by spaces or tabs. */
static void
put_statement(Out* o, RpRng* r, const char* stmt, const char* eol)
{
	char line[G_LINE * 2];
	size_t n = 0;
	if (rp_chance(r, 0.05)) {
		line[n++] = rp_chance(r, 0.5) ? '\t' : ' ';
	}
	bool in_string = false;
	for (const char* c = stmt; *c && n + 4 < sizeof(line); ++c) {
		if (*c == '"' && (c == stmt || c[-1] != '\\')) {
			in_string = !in_string;
		}
		if (*c == ' ' && !in_string) {
			const unsigned k = rp_below(r, 12);
			if (k == 0) {
				line[n++] = '\t';
				continue;
			}
			if (k == 1) {
				line[n++] = ' ';
			}
		}
		line[n++] = *c;
	}
	line[n] = '\0';
	put(o, line);
	if (rp_chance(r, 0.06)) {
		put(o, "   # a comment: \"quotes\" and # are fine here");
	}
	put(o, eol);
}

void
random_patch(RpRng* rng, bool steady, const char* title, RandomPatch* out)
{
	Gen* g = calloc(1, sizeof(Gen));
	for (;;) {
		memset(g, 0, sizeof(*g));
		g->rng    = rng;
		g->main   = rng;
		g->steady = steady;
		/* The side stream from the main one's state, which it leaves as
		 * it is. */
		rp_seed(&g->side, rng->s ^ 0x5851f42d4c957f2dull);
		generate(g);

		/* Creates first (shuffled), then the rest (shuffled): the main
		 * stream's part as before, then the side stream's additions put
		 * in at random places. */
		unsigned order[G_MAX_MODULES];
		for (unsigned i = 0; i < g->n_main_mods; ++i) {
			order[i] = i;
		}
		for (unsigned i = g->n_main_mods; i > 1; --i) {
			const unsigned k = rp_below(rng, i), t = order[i - 1];
			order[i - 1] = order[k];
			order[k]     = t;
		}
		for (unsigned i = g->n_main_mods; i < g->n_mods; ++i) { /* creates may come in any order */
			const unsigned k = rp_below(&g->side, i + 1);
			order[i]         = order[k];
			order[k]         = i;
		}
		/* The main part's lines are those before n_main_lines and its out
		 * line, n_main_lines itself. */
		const unsigned n_main_lines = g->n_main_lines + 1;
		unsigned       lorder[G_MAX_LINES];
		for (unsigned i = 0; i < n_main_lines; ++i) {
			lorder[i] = i;
		}
		for (unsigned i = n_main_lines; i > 1; --i) {
			const unsigned k = rp_below(rng, i), t = lorder[i - 1];
			lorder[i - 1] = lorder[k];
			lorder[k]     = t;
		}
		for (unsigned i = n_main_lines; i < g->n_lines; ++i) {
			const unsigned k = rp_below(&g->side, i + 1);
			lorder[i]        = lorder[k];
			lorder[k]        = i;
		}
		const char* eol = rp_chance(rng, 0.2) ? "\r\n" : "\n";
		Out         o   = {out->text, 0, sizeof(out->text), false};
		out->text[0]    = '\0';
		char        line[G_LINE];
		if (rp_chance(rng, 0.2)) {
			put(&o, "# generated by tests/host/random_patch.c");
			put(&o, eol);
		}
		if (rp_chance(rng, 0.15)) {
			snprintf(line, sizeof(line), "patch \"%s \\\"q\\\" \\\\\"", title);
		} else {
			snprintf(line, sizeof(line), "patch \"%s\"", title);
		}
		put_statement(&o, rng, line, eol);
		for (unsigned i = 0; i < g->n_mods; ++i) {
			const GMod* m = &g->mods[order[i]];
			RpRng*      w = order[i] < g->n_main_mods ? rng : &g->side;
			snprintf(line, sizeof(line), "create %s %s%s", m->name, types[m->type].name, m->master ? " master" : "");
			put_statement(&o, w, line, eol);
			if (rp_chance(w, 0.03)) {
				put(&o, eol);
			}
		}
		/* The main part's last line may end the text without a newline
		 * (drawn as before; only when it is the last line of all). */
		unsigned seen_main = 0;
		for (unsigned i = 0; i < g->n_lines; ++i) {
			const bool main = lorder[i] < n_main_lines;
			RpRng*     w    = main ? rng : &g->side;
			seen_main += main;
			const bool bare = main && seen_main == n_main_lines && rp_chance(rng, 0.1);
			put_statement(&o, w, g->lines[lorder[i]], bare && i + 1 == g->n_lines ? "" : eol);
		}
		if (o.overflow || g->n_lines >= G_MAX_LINES) {
			continue; /* too big for the buffer: draw another */
		}
		snprintf(out->title, sizeof(out->title), "%s", title);
		out->len           = o.len;
		out->steady        = steady;
		out->n_modules     = g->n_mods;
		out->n_connections = g->n_conns;
		out->n_settings    = g->n_settings;
		out->n_macros      = g->n_macros;
		out->has_master    = g->has_master;
		out->has_noise     = g->has_noise;
		out->has_lfo       = g->has_lfo;
		out->master_lfo    = g->master_lfo;
		break;
	}
	free(g);
}
