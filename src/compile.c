/* SPDX-License-Identifier: ISC
 *
 * Patch → Slot, as named passes over a Plan (compile_patch_simd lists
 * them in order): the plan_* passes decide, from the patch alone, what
 * runs, where each signal lives and how big everything is; carve_arena
 * makes the slot as ONE allocation (two passes over one layout function:
 * the first computes the size, the second carves it, so the compiler
 * checks that it used every byte it asked for); the fill_* passes write
 * the plan into it and init_states brings every module to silence.
 * Worker thread only.
 */
#include "compile.h"

#include "slot_impl.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BUFS (BUF_FIRST_FREE + 2 * PATCH_MAX_MODULES + PATCH_MAX_CONNECTIONS + 1)

/* A voice signal feeding a master module is summed over voices into an
 * accumulation buffer, one per master port that voices feed. */
typedef struct {
	int          module;
	PatchDstKind kind;
	unsigned     index;
	uint16_t     buf;
} Acc;

/* Everything the passes decide before the slot exists. */
typedef struct {
	/* What the slot is asked for. */
	double   rate;
	SimdMode simd;
	unsigned lanes, n_voices;
	int      pan_module; /* the patch's, -1: none */
	bool     stereo;     /* a pan, or a stereo master effect among the kept modules */

	/* plan_order: which patch modules are kept, in execution order. */
	int      order[PATCH_MAX_MODULES];
	unsigned n_order, n_voice, n_pre;
	/* Master modules that feed per-voice ones (global modulators, and the
	 * master modules they hear): they run before the voices. */
	bool     pre[PATCH_MAX_MODULES];
	int      step_of[PATCH_MAX_MODULES]; /* patch module → step, or -1 */

	/* plan_states */
	unsigned n_params, n_voice_params;
	size_t   group_state_size, master_state_size;
	uint32_t state_offset[PATCH_MAX_MODULES];

	/* plan_buffers */
	uint16_t out_buf[PATCH_MAX_MODULES];
	unsigned n_voice_bufs; /* the fixed sources and voice outputs; master ones follow */
	unsigned n_bufs;   /* voice and master outputs; the sums follow */
	Acc      accs[PATCH_MAX_CONNECTIONS];
	unsigned n_accs;
	bool     out_acc;  /* the output is a voice signal, summed into a buffer of its own */
	uint16_t ctl_first; /* controller buffers after the sums: two per controller (voice, master) */
	/* After the controllers' buffers: each global modulator that voices
	 * read, spread over the lanes (glob_buf[m], 0 for none). */
	uint16_t glob_buf[PATCH_MAX_MODULES];
	unsigned n_globs;

	/* plan_counts */
	unsigned n_feeds, n_exports, n_macros;
	unsigned n_ctls;
} Plan;

/* An error at a patch position (NULL: the patch as a whole). */
static void
set_error(PatchError* err, const PatchPos* pos, const char* msg)
{
	patch_error_set(err, pos ? pos->line : 0, pos ? pos->col : 0, "%s", msg);
}

static size_t
align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Modules the output depends on, through audio or modulation, and the
 * voices' pan position with what it depends on. */
static void
mark_needed(const Patch* p, bool* needed)
{
	int      stack[PATCH_MAX_MODULES];
	unsigned top = 0;
	memset(needed, 0, sizeof(bool) * PATCH_MAX_MODULES);
	needed[p->out_module] = true;
	stack[top++]         = p->out_module;
	if (p->pan_module >= 0 && !needed[p->pan_module]) {
		needed[p->pan_module] = true;
		stack[top++]          = p->pan_module;
	}
	while (top) {
		const int m = stack[--top];
		for (unsigned c = 0; c < p->n_connections; ++c) {
			const PatchConnection* k = &p->connections[c];
			if (k->dst_module == m && k->src_module >= 0 && !needed[k->src_module]) {
				needed[k->src_module] = true;
				stack[top++]          = k->src_module;
			}
		}
	}
}

/* Kahn's algorithm, voice modules before master ones. On a cycle, walks
 * back along unresolved edges until a module repeats and names that loop. */
static bool
sort_modules(const Patch* p, const bool* needed, Plan* plan, PatchError* err)
{
	unsigned indeg[PATCH_MAX_MODULES] = {0};
	bool     done[PATCH_MAX_MODULES]  = {0};
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (k->src_module >= 0 && needed[k->dst_module]) {
			++indeg[k->dst_module];
		}
	}
	plan->n_order = 0;
	/* 0: the master modules voices hear (they run first), 1: voice
	 * modules, 2: the other master modules. */
	for (int pass = 0; pass < 3; ++pass) {
		bool progress = true;
		while (progress) {
			progress = false;
			for (unsigned m = 0; m < p->n_modules; ++m) {
				const int kind = plan->pre[m] ? 0 : (p->modules[m].master ? 2 : 1);
				if (!needed[m] || done[m] || indeg[m] || kind != pass) {
					continue;
				}
				done[m]                      = true;
				plan->order[plan->n_order++] = (int)m;
				progress                     = true;
				for (unsigned c = 0; c < p->n_connections; ++c) {
					if (p->connections[c].src_module == (int)m) {
						--indeg[p->connections[c].dst_module];
					}
				}
			}
		}
		if (pass == 0) {
			plan->n_pre = plan->n_order;
		} else if (pass == 1) {
			plan->n_voice = plan->n_order - plan->n_pre;
		}
	}
	unsigned n_needed = 0;
	for (unsigned m = 0; m < p->n_modules; ++m) {
		n_needed += needed[m];
	}
	if (plan->n_order == n_needed) {
		/* Steps are laid out voice steps first (the engine's layout);
		 * the slot runs the first n_pre master steps before the voices. */
		int pre[PATCH_MAX_MODULES];
		memcpy(pre, plan->order, sizeof(int) * plan->n_pre);
		memmove(plan->order, plan->order + plan->n_pre, sizeof(int) * plan->n_voice);
		memcpy(plan->order + plan->n_voice, pre, sizeof(int) * plan->n_pre);
		return true;
	}

	/* Name the cycle: from an unresolved module, follow an unresolved
	 * incoming edge until a module repeats. */
	int      path[PATCH_MAX_MODULES + 1];
	int      edge[PATCH_MAX_MODULES + 1];
	int      seen_at[PATCH_MAX_MODULES];
	unsigned len = 0;
	for (unsigned m = 0; m < PATCH_MAX_MODULES; ++m) {
		seen_at[m] = -1;
	}
	int cur = -1;
	for (unsigned m = 0; m < p->n_modules && cur < 0; ++m) {
		if (needed[m] && !done[m]) {
			cur = (int)m;
		}
	}
	while (seen_at[cur] < 0) {
		seen_at[cur] = (int)len;
		path[len]    = cur;
		for (unsigned c = 0; c < p->n_connections; ++c) {
			const PatchConnection* k = &p->connections[c];
			if (k->dst_module == cur && k->src_module >= 0 && !done[k->src_module]) {
				edge[len] = (int)c;
				cur       = k->src_module;
				break;
			}
		}
		++len;
	}
	/* path[seen_at[cur]] .. path[len-1] is the loop, walked against the
	 * signal; print it along the signal. Patch loops stay refused (a loop
	 * between modules could only close a 64-frame sub-block late, far
	 * too long for a string or comb); the hint comes before the loop, so
	 * a long loop cut short never cuts it. */
	char     text[220] = "connection makes a cycle (for feedback use delay.feedback, comb or pluck): ";
	size_t   used      = strlen(text);
	unsigned first     = (unsigned)seen_at[cur];
	for (unsigned i = len; i-- > first;) {
		used += (size_t)snprintf(text + used, used < sizeof(text) ? sizeof(text) - used : 0, "%s -> ",
		                         p->modules[path[i]].name);
		if (used >= sizeof(text)) {
			break;
		}
	}
	if (used < sizeof(text)) {
		snprintf(text + used, sizeof(text) - used, "%s", p->modules[path[len - 1]].name);
	}
	set_error(err, &p->connections[edge[len - 1]].pos, text);
	return false;
}

/* Which buffer a connection's source reads: a module's output, a note
 * source, or a controller (its lane-spread copy for a voice module, its
 * one-lane copy for a master one). */
static uint16_t
source_buf(const Patch* p, const Plan* plan, const PatchConnection* k)
{
	if (k->src_module < 0 && k->src_ctl >= 0) {
		for (unsigned c = 0; c < p->n_ctls; ++c) {
			if (p->ctls[c] == k->src_ctl) {
				return (uint16_t)(plan->ctl_first + 2 * c + (p->modules[k->dst_module].master ? 1 : 0));
			}
		}
		return BUF_ZERO;
	}
	if (k->src_module < 0) {
		switch (k->src_note) {
		case NOTE_SRC_PITCH: return BUF_PITCH;
		case NOTE_SRC_GATE: return BUF_GATE;
		case NOTE_SRC_VELOCITY: return BUF_VELOCITY;
		case NOTE_SRC_KEY: return BUF_KEY;
		case NOTE_SRC_RELEASE: return BUF_RELEASE;
		case NOTE_SRC_RANDOM: return BUF_RANDOM;
		case NOTE_SRC_PRESSURE: return BUF_PRESSURE;
		case NOTE_SRC_SLIDE: return BUF_SLIDE;
		case NOTE_SRC_UNISON: return BUF_UNISON;
		default: return BUF_ZERO;
		}
	}
	if (plan->pre[k->src_module] && !p->modules[k->dst_module].master) {
		return plan->glob_buf[k->src_module]; /* its copy spread over the lanes */
	}
	return plan->out_buf[k->src_module];
}

static uint16_t
implicit_buf(ImplicitSource s)
{
	switch (s) {
	case IMPLICIT_PITCH: return BUF_PITCH;
	case IMPLICIT_GATE: return BUF_GATE;
	case IMPLICIT_VELOCITY: return BUF_VELOCITY;
	case IMPLICIT_RANDOM: return BUF_RANDOM;
	default: return BUF_ZERO;
	}
}

static bool
is_cross(const Patch* p, const PatchConnection* k)
{
	return k->src_module >= 0 && !p->modules[k->src_module].master && p->modules[k->dst_module].master;
}

/* Whether a voice → master sum is audio, placed by the voices' pan: the
 * output itself, or a master module's input (a parameter's is modulation). */
static bool
is_panned_audio(const PatchConnection* k)
{
	return k->dst_kind == DST_INPUT;
}

static uint16_t
acc_find(const Acc* accs, unsigned n, int m, PatchDstKind kind, unsigned j)
{
	for (unsigned i = 0; i < n; ++i) {
		if (accs[i].module == m && accs[i].kind == kind && accs[i].index == j) {
			return accs[i].buf;
		}
	}
	return 0;
}

/* Feeds of one port: its direct connections, its accumulation buffer, or
 * (for a voice input left unconnected) its implicit note source. With feeds
 * NULL it only counts them. */
static unsigned
port_feeds(const Patch* p, const Plan* plan, int m, PatchDstKind kind, unsigned j, Feed* feeds)
{
	unsigned n = 0;
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (k->dst_module == m && k->dst_kind == kind && k->dst_index == j && !is_cross(p, k)) {
			if (feeds) {
				feeds[n] = (Feed){source_buf(p, plan, k), k->depth};
			}
			++n;
		}
	}
	const uint16_t acc = acc_find(plan->accs, plan->n_accs, m, kind, j);
	if (acc) {
		if (feeds) {
			feeds[n] = (Feed){acc, 1.0f};
		}
		++n;
	}
	const ModuleType* t = p->modules[m].type;
	if (!n && kind == DST_INPUT && !p->modules[m].master && t->inputs[j].implicit != IMPLICIT_NONE) {
		if (feeds) {
			feeds[n] = (Feed){implicit_buf(t->inputs[j].implicit), 1.0f};
		}
		++n;
	}
	return n;
}

/* The step after which a voice signal is summed into the master side:
 * right after it is made, or, for audio in a stereo patch, once the pan
 * position is made too. */
static int
export_step(const Patch* p, const Plan* plan, int src_module, bool audio)
{
	const int step = plan->step_of[src_module];
	if (!audio || p->pan_module < 0) {
		return step;
	}
	const int pan = plan->step_of[p->pan_module];
	return pan > step ? pan : step;
}

/* Assign output buffers: voice buffers are reused once their last reader
 * has run (a module's output never shares a buffer with its inputs); master
 * outputs and the voice→master sums get buffers of their own. In a stereo
 * patch the pan position lives to the end of the voice steps, and a voice
 * signal summed as audio until it is summed (after the pan step). */
static void
assign_buffers(const Patch* p, Plan* plan)
{
	int  last_use[PATCH_MAX_MODULES];
	bool in_use[MAX_BUFS] = {0};
	for (unsigned m = 0; m < PATCH_MAX_MODULES; ++m) {
		last_use[m] = -1;
	}
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (k->src_module >= 0 && plan->step_of[k->dst_module] >= 0 &&
		    !p->modules[k->dst_module].master) {
			const int s = plan->step_of[k->dst_module];
			if (s > last_use[k->src_module]) {
				last_use[k->src_module] = s;
			}
		}
		if (k->src_module >= 0 && plan->step_of[k->dst_module] >= 0 && is_cross(p, k)) {
			const int s = export_step(p, plan, k->src_module, is_panned_audio(k));
			last_use[k->src_module] = s > last_use[k->src_module] ? s : last_use[k->src_module];
		}
	}
	if (p->pan_module >= 0) {
		const int out = p->out_module;
		if (!p->modules[out].master) {
			const int s    = export_step(p, plan, out, true);
			last_use[out] = s > last_use[out] ? s : last_use[out];
		}
		last_use[p->pan_module] = (int)plan->n_voice; /* read by every sum until the end */
	}
	unsigned n_bufs = BUF_FIRST_FREE;
	bool     released[PATCH_MAX_MODULES] = {0};
	for (unsigned i = 0; i < plan->n_voice; ++i) {
		/* Release, once each, the buffers of modules whose last reader ran
		 * before step i (a buffer number may since belong to another). */
		for (unsigned j = 0; j < i; ++j) {
			const int m = plan->order[j];
			if (!released[j] && last_use[m] < (int)i) {
				in_use[plan->out_buf[m]] = false;
				released[j]              = true;
			}
		}
		uint16_t b = BUF_FIRST_FREE;
		while (in_use[b]) {
			++b;
		}
		in_use[b]                     = true;
		plan->out_buf[plan->order[i]] = b;
		if (b + 1u > n_bufs) {
			n_bufs = b + 1u;
		}
	}
	plan->n_voice_bufs = n_bufs;
	for (unsigned i = plan->n_voice; i < plan->n_order; ++i) {
		plan->out_buf[plan->order[i]] = (uint16_t)n_bufs++;
	}
	plan->n_bufs = n_bufs;
}

/* Lay the slot out in memory. With base NULL only sizes are computed. */
static size_t
layout(Slot* s, uint8_t* base, const Plan* plan)
{
	const unsigned lanes    = plan->lanes, n_voices = plan->n_voices;
	const unsigned n_groups = (n_voices + lanes - 1) / lanes;
	const size_t   stride   = (size_t)CHRONUS_SUBBLOCK * lanes;
	const unsigned n_sums   = plan->n_accs + plan->out_acc;
	const bool     stereo   = plan->stereo;
	const unsigned n_twins  = stereo ? plan->n_bufs + n_sums - plan->n_voice_bufs : 0;
	const size_t   master   = align_up(plan->master_state_size, 64);
	size_t         off      = align_up(sizeof(Slot), 64);
#define TAKE(field, count, type)                                        \
	do {                                                            \
		off = align_up(off, 64);                                \
		if (base) {                                             \
			s->field = (type*)(void*)(base + off);         \
		}                                                       \
		off += sizeof(type) * (size_t)(count);                  \
	} while (0)
	TAKE(steps, plan->n_order, PlanStep);
	TAKE(feeds, plan->n_feeds, Feed);
	TAKE(exports, plan->n_exports, Export);
	TAKE(params, plan->n_params, ParamState);
	TAKE(macros, plan->n_macros, MacroBinding);
	TAKE(voices, n_voices, Voice);
	TAKE(bufs, (plan->n_bufs + n_sums + n_twins + 2 * (size_t)plan->n_ctls + plan->n_globs) * stride, float);
	TAKE(tmp, 2 * (MODULE_MAX_INPUTS + MODULE_MAX_PARAMS) * stride, float); /* a stereo effect: both channels' */
	TAKE(fade_buf, stride, float);
	TAKE(param_lanes, lanes > 1 ? plan->n_voice_params * stride : 0, float);
	TAKE(pan_gain, stereo ? 2 * stride : 0, float);
	TAKE(master_state, stereo ? 2 * master : plan->master_state_size, uint8_t);
	off = align_up(off, 64);
	for (unsigned g = 0; g < n_groups; ++g) {
		for (unsigned l = 0; l < lanes && g * lanes + l < n_voices; ++l) {
			if (base) {
				s->voices[g * lanes + l].state = base + off;
				s->voices[g * lanes + l].lane  = l;
			}
		}
		off += align_up(plan->group_state_size, 64);
	}
#undef TAKE
	return off;
}

/* Global modulators: master modules that feed per-voice modules (a master
 * LFO on every voice's cutoff), and the master modules they hear. They run
 * once, before the voices, so they may hear no voice and be no stereo
 * effect (whose two channels a voice could not read). */
static bool
mark_global(const Patch* p, const bool* needed, Plan* plan, PatchError* err)
{
	memset(plan->pre, 0, sizeof plan->pre);
	for (bool grew = true; grew;) {
		grew = false;
		for (unsigned c = 0; c < p->n_connections; ++c) {
			const PatchConnection* k = &p->connections[c];
			if (k->src_module < 0 || !needed[k->dst_module] || !p->modules[k->src_module].master ||
			    plan->pre[k->src_module]) {
				continue;
			}
			if (!p->modules[k->dst_module].master || plan->pre[k->dst_module]) {
				plan->pre[k->src_module] = true;
				grew                     = true;
			}
		}
	}
	char text[200];
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		/* A controller is rendered before everything (the parser keeps
		 * note sources off master modules): only a voice module is wrong. */
		if (!plan->pre[k->dst_module] || k->src_module < 0 || p->modules[k->src_module].master) {
			continue;
		}
		snprintf(text, sizeof text,
		         "master module '%s' feeds per-voice modules, so it runs before the voices and cannot hear "
		         "them; connect '%s' to a per-voice module instead",
		         p->modules[k->dst_module].name, p->modules[k->src_module].name);
		set_error(err, &k->pos, text);
		return false;
	}
	for (unsigned m = 0; m < p->n_modules; ++m) {
		if (plan->pre[m] && (p->modules[m].type->flags & MODULE_STEREO)) {
			snprintf(text, sizeof text,
			         "stereo master effect '%s' cannot feed per-voice modules (its two channels are one "
			         "voice's one signal)",
			         p->modules[m].name);
			set_error(err, &p->modules[m].pos, text);
			return false;
		}
	}
	return true;
}

/* Only what the output depends on runs, voice modules before master ones,
 * every source before its readers; a cycle is an error that names it. */
static bool
plan_order(const Patch* p, Plan* plan, PatchError* err)
{
	bool needed[PATCH_MAX_MODULES];
	mark_needed(p, needed);
	if (!mark_global(p, needed, plan, err) || !sort_modules(p, needed, plan, err)) {
		return false;
	}
	for (unsigned m = 0; m < PATCH_MAX_MODULES; ++m) {
		plan->step_of[m] = -1;
	}
	for (unsigned i = 0; i < plan->n_order; ++i) {
		plan->step_of[plan->order[i]] = (int)i;
	}
	return true;
}

/* Where each module's state lives: every voice module has one state that
 * spans a lane group (the contract of dsp/module.h), at a 16-aligned offset
 * in the group's block; master modules in a block of their own. Counts the
 * parameters too, voice ones apart (they are spread over the lanes). */
static void
plan_states(const Patch* p, Plan* plan)
{
	for (unsigned i = 0; i < plan->n_order; ++i) {
		const int          m  = plan->order[i];
		const PatchModule* pm = &p->modules[m];
		plan->n_params += pm->type->n_params;
		if (!pm->master) {
			plan->n_voice_params += pm->type->n_params;
		}
		size_t* size          = pm->master ? &plan->master_state_size : &plan->group_state_size;
		*size                 = align_up(*size, 16);
		plan->state_offset[m] = (uint32_t)*size;
		*size += pm->type->state_size;
	}
}

/* Which buffer each module writes (reused once its last reader ran), and
 * one accumulation buffer per master port that voices feed (after all
 * others; the first is the output's when the output is a voice signal). */
static void
plan_buffers(const Patch* p, Plan* plan)
{
	assign_buffers(p, plan);
	static_assert(PATCH_MAX_CONNECTIONS + 1 < 0xffff, "buffer indices fit in 16 bits");
	plan->out_acc = !p->modules[p->out_module].master;
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (plan->step_of[k->dst_module] < 0 || !is_cross(p, k) ||
		    acc_find(plan->accs, plan->n_accs, k->dst_module, k->dst_kind, k->dst_index)) {
			continue;
		}
		plan->accs[plan->n_accs] = (Acc){k->dst_module, k->dst_kind, k->dst_index,
		                                 (uint16_t)(plan->n_bufs + plan->out_acc + plan->n_accs)};
		++plan->n_accs;
	}
	/* After the sums and, in a stereo slot, their right-channel twins:
	 * controller buffers are the same for both channels (buf_ch). */
	const unsigned n_sums  = plan->n_accs + plan->out_acc;
	const unsigned n_twins = plan->stereo ? plan->n_bufs + n_sums - plan->n_voice_bufs : 0;
	plan->ctl_first        = (uint16_t)(plan->n_bufs + n_sums + n_twins);
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (k->src_module >= 0 && plan->pre[k->src_module] && plan->step_of[k->dst_module] >= 0 &&
		    !p->modules[k->dst_module].master && !plan->glob_buf[k->src_module]) {
			plan->glob_buf[k->src_module] = (uint16_t)(plan->ctl_first + 2 * p->n_ctls + plan->n_globs++);
		}
	}
}

/* How many feeds, voice → master sums and macro bindings the slot holds,
 * so the arena is sized before anything is written. */
static void
plan_counts(const Patch* p, Plan* plan)
{
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		plan->n_exports += plan->step_of[k->dst_module] >= 0 && is_cross(p, k);
	}
	plan->n_exports += plan->out_acc;
	for (unsigned i = 0; i < plan->n_order; ++i) {
		const int         m = plan->order[i];
		const ModuleType* t = p->modules[m].type;
		for (unsigned j = 0; j < t->n_inputs; ++j) {
			plan->n_feeds += port_feeds(p, plan, m, DST_INPUT, j, NULL);
		}
		for (unsigned j = 0; j < t->n_params; ++j) {
			plan->n_feeds += port_feeds(p, plan, m, DST_PARAM, j, NULL);
		}
	}
	for (unsigned i = 0; i < p->n_macros; ++i) {
		plan->n_macros += plan->step_of[p->macros[i].module] >= 0;
	}
	plan->n_ctls = p->n_ctls;
}

/* The slot as one zeroed, 64-aligned allocation of exactly the planned
 * size, its pointers carved and its scalar fields set. */
static Slot*
carve_arena(const Patch* p, const Plan* plan, unsigned polyphony, PatchError* err)
{
	const size_t size = layout(NULL, NULL, plan);
	uint8_t*     base = NULL;
	if (posix_memalign((void**)&base, 64, size)) {
		set_error(err, NULL, "out of memory");
		return NULL;
	}
	memset(base, 0, size);
	Slot* s = (Slot*)(void*)base;
	if (layout(s, base, plan) != size) {
		abort(); /* the two layout passes disagree: a compiler bug */
	}
	const unsigned n_sums = plan->n_accs + plan->out_acc;
	s->arena_size         = size;
	s->rate               = plan->rate;
	s->polyphony          = polyphony;
	s->n_voices           = plan->n_voices;
	s->n_bufs             = plan->n_bufs + n_sums;
	s->acc_first          = (uint16_t)plan->n_bufs;
	s->acc_count          = (uint16_t)n_sums;
	s->group_state_size   = plan->group_state_size;
	s->simd               = plan->simd;
	s->lanes              = plan->lanes;
	s->n_groups           = (plan->n_voices + plan->lanes - 1) / plan->lanes;
	s->buf_stride         = (size_t)CHRONUS_SUBBLOCK * plan->lanes;
	s->n_voice_params     = plan->n_voice_params;
	s->n_steps            = plan->n_order;
	s->n_voice_steps      = plan->n_voice;
	s->n_pre_steps        = plan->n_pre;
	s->n_params           = plan->n_params;
	s->n_exports          = plan->n_exports;
	s->n_macros           = plan->n_macros;
	s->stereo             = plan->stereo;
	s->has_pan            = plan->pan_module >= 0;
	if (s->stereo) {
		s->pan_step      = s->has_pan ? (uint16_t)plan->step_of[plan->pan_module] : 0u;
		s->master_first  = (uint16_t)plan->n_voice_bufs;
		s->chan_shift    = (uint16_t)(s->n_bufs - plan->n_voice_bufs);
		s->master_stride = align_up(plan->master_state_size, 64);
	}
	snprintf(s->title, sizeof(s->title), "%s", p->title);
	return s;
}

/* One step per kept module: its type, the process() of the slot's
 * instruction set (the engine's choice, never the module's), its state and
 * output, its parameters at their defaults and the feeds of each port. An
 * envelope fed by nothing but the gate marks the step whose activity keeps
 * a released voice alive. */
static void
fill_steps(Slot* s, const Patch* p, const Plan* plan)
{
	unsigned n_params = 0, n_feeds = 0;
	for (unsigned i = 0; i < plan->n_order; ++i) {
		const int          m  = plan->order[i];
		const PatchModule* pm = &p->modules[m];
		const ModuleType*  t  = pm->type;
		PlanStep*          st = &s->steps[i];
		st->type              = t;
		st->process           = plan->simd == SIMD_AVX2 && t->process_avx2 ? t->process_avx2 : t->process;
		st->module            = (uint16_t)m;
		memcpy(st->name, pm->name, sizeof st->name);
		st->master            = pm->master;
		st->state_offset      = plan->state_offset[m];
		st->zoned             = pm->zoned;
		st->zone_lo           = pm->zone_lo;
		st->zone_hi           = pm->zone_hi;
		st->out_buf           = plan->out_buf[m];
		st->param_first       = (uint16_t)n_params;
		for (unsigned j = 0; j < t->n_params; ++j) {
			param_init(&s->params[n_params + j], &t->params[j], plan->rate, t->params[j].def);
		}
		n_params += t->n_params;
		for (unsigned j = 0; j < t->n_inputs; ++j) {
			st->in_first[j] = (uint16_t)n_feeds;
			st->in_count[j] = (uint8_t)port_feeds(p, plan, m, DST_INPUT, j, s->feeds + n_feeds);
			n_feeds += st->in_count[j];
			for (unsigned f = 0; f < st->in_count[j]; ++f) {
				s->uses_random |= s->feeds[st->in_first[j] + f].buf == BUF_RANDOM;
			}
			if (t->inputs[j].implicit == IMPLICIT_GATE && (t->flags & MODULE_ENVELOPE) && !pm->master &&
			    s->feeds[st->in_first[j]].buf == BUF_GATE && st->in_count[j] == 1) {
				st->gate_env    = true;
				s->has_gate_env = true;
			}
		}
		for (unsigned j = 0; j < t->n_params; ++j) {
			st->mod_first[j] = (uint16_t)n_feeds;
			st->mod_count[j] = (uint8_t)port_feeds(p, plan, m, DST_PARAM, j, s->feeds + n_feeds);
			n_feeds += st->mod_count[j];
		}
	}
}

/* Voice → master sums: each voice adds its signal after the step that
 * makes it (audio in a stereo patch: once the pan step has run too),
 * scaled by depth and by the voice's fade; a voice output is summed into
 * the first accumulation buffer, which the slot then plays. The sums are
 * kept in the order of their steps (the renderer walks both together),
 * the connections' order among equals. */
static void
fill_exports(Slot* s, const Patch* p, const Plan* plan)
{
	unsigned n = 0;
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (plan->step_of[k->dst_module] < 0 || !is_cross(p, k)) {
			continue;
		}
		const bool audio = is_panned_audio(k);
		s->exports[n++]  = (Export){(uint16_t)export_step(p, plan, k->src_module, audio),
		                            plan->out_buf[k->src_module],
		                            acc_find(plan->accs, plan->n_accs, k->dst_module, k->dst_kind,
		                                     k->dst_index),
		                            k->depth, audio};
	}
	if (plan->out_acc) {
		s->exports[n++] = (Export){(uint16_t)export_step(p, plan, p->out_module, true),
		                           plan->out_buf[p->out_module], s->acc_first, 1.0f, true};
		s->out_buf = (uint16_t)plan->n_bufs; /* the first accumulation buffer */
	} else {
		s->out_buf       = plan->out_buf[p->out_module];
		s->out_is_master = true;
	}
	for (unsigned i = 1; i < n; ++i) { /* insertion sort: stable, a handful of sums */
		const Export x = s->exports[i];
		unsigned     j = i;
		for (; j > 0 && s->exports[j - 1].after_step > x.after_step; --j) {
			s->exports[j] = s->exports[j - 1];
		}
		s->exports[j] = x;
	}
}

/* The patch's `set` values (snapped, so the slot starts there), then its
 * macro bindings; both skip modules that do not run. */
static void
fill_params(Slot* s, const Patch* p, const Plan* plan)
{
	for (unsigned i = 0; i < p->n_settings; ++i) {
		const PatchSetting* set = &p->settings[i];
		const int           st  = plan->step_of[set->module];
		if (st >= 0) {
			param_set(&s->params[s->steps[st].param_first + set->param], set->value, true);
		}
	}
	unsigned n = 0;
	for (unsigned i = 0; i < p->n_macros; ++i) {
		const PatchMacro* mc = &p->macros[i];
		const int         st = plan->step_of[mc->module];
		if (st >= 0) {
			s->macros[n++] = (MacroBinding){(uint8_t)(mc->knob - 1),
			                                (uint16_t)(s->steps[st].param_first + mc->param), mc->lo,
			                                mc->hi, mc->curve};
		}
	}
}

/* Controllers, note sources read, voice mode, glide and bend range: what
 * the patch asks of the player's gestures (voices.c, slot.c use them). */
static void
fill_expression(Slot* s, const Patch* p, const Plan* plan)
{
	static const ParamSpec unipolar = {"ctl", "", "", 0.0f, 1.0f, 0.0f, CURVE_LIN, SLOT_CTL_SMOOTH_MS, NULL};
	static const ParamSpec bipolar  = {"bend", "", "", -1.0f, 1.0f, 0.0f, CURVE_LIN, SLOT_CTL_SMOOTH_MS, NULL};
	static const ParamSpec tempo    = {"tempo", "BPM", "", 1.0f, 999.0f, CTL_TEMPO_DEFAULT, CURVE_LIN,
	                                   SLOT_CTL_SMOOTH_MS, NULL};
	s->n_ctls    = p->n_ctls;
	s->ctl_first = plan->ctl_first;
	for (unsigned c = 0; c < p->n_ctls; ++c) {
		s->ctls[c].ctl        = p->ctls[c];
		s->ctls[c].voice_buf  = (uint16_t)(plan->ctl_first + 2 * c);
		s->ctls[c].master_buf = (uint16_t)(plan->ctl_first + 2 * c + 1);
		const ParamSpec* spec = p->ctls[c] == CTL_BEND ? &bipolar : p->ctls[c] == CTL_TEMPO ? &tempo : &unipolar;
		param_init(&s->ctls[c].ps, spec, plan->rate, spec->def);
	}
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (k->src_module < 0 && k->src_ctl < 0) {
			s->note_srcs |= 1u << k->src_note;
		}
	}
	for (unsigned i = 0; i < plan->n_order; ++i) {
		const ModuleType* t = p->modules[plan->order[i]].type;
		for (unsigned j = 0; j < t->n_inputs; ++j) {
			s->note_srcs |= t->inputs[j].implicit == IMPLICIT_PITCH ? 1u << NOTE_SRC_PITCH : 0u;
		}
	}
	for (unsigned m = 0; m < p->n_modules; ++m) { /* the global modulators voices read */
		if (plan->glob_buf[m]) {
			s->globs[s->n_globs].master_buf = plan->out_buf[m];
			s->globs[s->n_globs].voice_buf  = plan->glob_buf[m];
			++s->n_globs;
		}
	}
	s->voicing       = p->voicing;
	s->unison        = p->voicing.unison < 1 ? 1u : p->voicing.unison;
	s->unison_gain   = (float)(1.0 / sqrt((double)s->unison));
	s->bend_up       = p->voicing.bend_up;
	s->bend_down     = p->voicing.bend_down;
	s->glide_ms      = p->voicing.glide_ms;
	param_init(&s->bend, &bipolar, plan->rate, 0.0f);
	s->pressure_coef = (float)(1.0 - exp(-1.0 / (SLOT_CTL_SMOOTH_MS * 0.001 * plan->rate)));
	s->last_pitch    = -1.0f;
	for (unsigned k = 0; k < 128; ++k) {
		s->key_pitch[k] = (float)k; /* twelve-tone equal temperament until slot_set_tuning */
	}
}

/* Every module state at silence for the slot's rate: one init per lane
 * group of each voice step (it spans the lanes), one per master step; and
 * every voice at full weight. */
static void
init_states(Slot* s)
{
	for (unsigned i = 0; i < s->n_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		if (st->master) {
			st->type->init(s->master_state + st->state_offset, s->rate);
			if (s->stereo) { /* the right channel's own state */
				st->type->init(s->master_state + s->master_stride + st->state_offset, s->rate);
			}
			continue;
		}
		for (unsigned g = 0; g < s->n_groups; ++g) {
			st->type->init(s->voices[g * s->lanes].state + st->state_offset, s->rate);
		}
	}
	for (unsigned v = 0; v < s->n_voices; ++v) {
		s->voices[v].fade = 1.0f;
	}
}

Slot*
compile_patch(const Patch* p, double rate, unsigned polyphony, PatchError* err)
{
	return compile_patch_simd(p, rate, polyphony, SIMD_AUTO, err);
}

Slot*
compile_patch_simd(const Patch* p, double rate, unsigned polyphony, SimdMode simd, PatchError* err)
{
	if (polyphony < 1 || polyphony > SLOT_MAX_POLYPHONY) {
		set_error(err, NULL, "polyphony must be 1 .. 64");
		return NULL;
	}
	if (p->out_module < 0 || (unsigned)p->out_module >= p->n_modules) {
		set_error(err, NULL, "patch has no 'out' statement");
		return NULL;
	}
	if (p->pan_module >= 0 && ((unsigned)p->pan_module >= p->n_modules || p->modules[p->pan_module].master)) {
		set_error(err, NULL, "the 'pan' statement must name a per-voice module");
		return NULL;
	}
	Plan* plan = calloc(1, sizeof(Plan)); /* a few KiB: not on the worker's stack */
	if (!plan) {
		set_error(err, NULL, "out of memory");
		return NULL;
	}
	plan->rate     = rate;
	plan->simd     = simd_resolve(simd);
	plan->lanes    = plan->simd == SIMD_SINGLE ? 1u : CHRONUS_LANES;
	/* Polyphony counts notes: each takes a stack of `unison` voices, the
	 * spares too, within SLOT_MAX_VOICES voices that play. */
	const unsigned unison = p->voicing.unison < 1 ? 1u : p->voicing.unison;
	if (polyphony * unison > SLOT_MAX_VOICES) {
		polyphony = SLOT_MAX_VOICES / unison;
	}
	plan->n_voices = (polyphony + SLOT_STEAL_SPARES) * unison;
	plan->pan_module = p->pan_module;
	Slot* s        = NULL;
	if (plan_order(p, plan, err)) {
		plan->stereo = plan->pan_module >= 0;
		for (unsigned i = 0; i < plan->n_order; ++i) {
			plan->stereo |= (p->modules[plan->order[i]].type->flags & MODULE_STEREO) != 0;
		}
		plan_states(p, plan);
		plan_buffers(p, plan);
		plan_counts(p, plan);
		s = carve_arena(p, plan, polyphony, err);
	}
	if (s) {
		fill_steps(s, p, plan);
		fill_exports(s, p, plan);
		fill_params(s, p, plan);
		fill_expression(s, p, plan);
		init_states(s);
	}
	free(plan);
	return s;
}
