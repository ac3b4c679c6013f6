/* SPDX-License-Identifier: ISC
 *
 * Patch → Slot. Two passes over one layout function: the first computes the
 * arena's size, the second carves it, so the slot is exactly one allocation
 * and the compiler checks that it used every byte it asked for.
 */
#include "compile.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BUFS (BUF_FIRST_FREE + 2 * PATCH_MAX_MODULES + PATCH_MAX_CONNECTIONS + 1)

typedef struct {
	/* Which patch modules are kept, in execution order. */
	int      order[PATCH_MAX_MODULES];
	unsigned n_order, n_voice;
	int      step_of[PATCH_MAX_MODULES]; /* patch module → step, or -1 */

	unsigned n_feeds, n_exports, n_params, n_voice_params, n_macros, n_bufs;
	uint16_t out_buf[PATCH_MAX_MODULES];
	size_t   group_state_size, master_state_size;
	uint32_t state_offset[PATCH_MAX_MODULES];
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

/* Modules the output depends on, through audio or modulation. */
static void
mark_needed(const Patch* p, bool* needed)
{
	int      stack[PATCH_MAX_MODULES];
	unsigned top = 0;
	memset(needed, 0, sizeof(bool) * PATCH_MAX_MODULES);
	needed[p->out_module] = true;
	stack[top++]         = p->out_module;
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
	for (int pass = 0; pass < 2; ++pass) { /* 0: voice modules, 1: master */
		bool progress = true;
		while (progress) {
			progress = false;
			for (unsigned m = 0; m < p->n_modules; ++m) {
				if (!needed[m] || done[m] || indeg[m] || p->modules[m].master != (pass == 1)) {
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
			plan->n_voice = plan->n_order;
		}
	}
	unsigned n_needed = 0;
	for (unsigned m = 0; m < p->n_modules; ++m) {
		n_needed += needed[m];
	}
	if (plan->n_order == n_needed) {
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
	 * signal; print it along the signal. */
	char     text[200] = "connection makes a cycle: ";
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

/* Which buffer a connection's source reads in a voice. */
static uint16_t
source_buf(const Patch* p, const Plan* plan, const PatchConnection* k)
{
	if (k->src_module < 0) {
		switch (k->src_note) {
		case NOTE_SRC_PITCH: return BUF_PITCH;
		case NOTE_SRC_GATE: return BUF_GATE;
		case NOTE_SRC_VELOCITY: return BUF_VELOCITY;
		default: return BUF_ZERO;
		}
	}
	(void)p;
	return plan->out_buf[k->src_module];
}

static uint16_t
implicit_buf(ImplicitSource s)
{
	switch (s) {
	case IMPLICIT_PITCH: return BUF_PITCH;
	case IMPLICIT_GATE: return BUF_GATE;
	case IMPLICIT_VELOCITY: return BUF_VELOCITY;
	default: return BUF_ZERO;
	}
}

/* A voice signal feeding a master module is summed over voices into an
 * accumulation buffer, one per master port that voices feed. */
typedef struct {
	int          module;
	PatchDstKind kind;
	unsigned     index;
	uint16_t     buf;
} Acc;

static bool
is_cross(const Patch* p, const PatchConnection* k)
{
	return k->src_module >= 0 && !p->modules[k->src_module].master && p->modules[k->dst_module].master;
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
port_feeds(const Patch* p, const Plan* plan, const Acc* accs, unsigned n_accs, int m,
           PatchDstKind kind, unsigned j, Feed* feeds)
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
	const uint16_t acc = acc_find(accs, n_accs, m, kind, j);
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

/* Assign output buffers: voice buffers are reused once their last reader
 * has run (a module's output never shares a buffer with its inputs); master
 * outputs and the voice→master sums get buffers of their own. */
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
	for (unsigned i = plan->n_voice; i < plan->n_order; ++i) {
		plan->out_buf[plan->order[i]] = (uint16_t)n_bufs++;
	}
	plan->n_bufs = n_bufs;
}

/* Lay the slot out in memory. With base NULL only sizes are computed. */
static size_t
layout(Slot* s, uint8_t* base, const Plan* plan, unsigned n_accs, unsigned n_voices, unsigned lanes)
{
	const unsigned n_groups = (n_voices + lanes - 1) / lanes;
	const size_t   stride   = (size_t)CHRONUS_SUBBLOCK * lanes;
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
	TAKE(bufs, (plan->n_bufs + n_accs) * stride, float);
	TAKE(tmp, (MODULE_MAX_INPUTS + MODULE_MAX_PARAMS) * stride, float);
	TAKE(fade_buf, stride, float);
	TAKE(param_lanes, lanes > 1 ? plan->n_voice_params * stride : 0, float);
	TAKE(master_state, plan->master_state_size, uint8_t);
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

Slot*
compile_patch(const Patch* p, double rate, unsigned polyphony, PatchError* err)
{
	return compile_patch_simd(p, rate, polyphony, SIMD_AUTO, err);
}

Slot*
compile_patch_simd(const Patch* p, double rate, unsigned polyphony, SimdMode simd, PatchError* err)
{
	simd                 = simd_resolve(simd);
	const unsigned lanes = simd == SIMD_SINGLE ? 1u : CHRONUS_LANES;
	if (polyphony < 1 || polyphony > SLOT_MAX_POLYPHONY) {
		set_error(err, NULL, "polyphony must be 1 .. 64");
		return NULL;
	}
	if (p->out_module < 0 || (unsigned)p->out_module >= p->n_modules) {
		set_error(err, NULL, "patch has no 'out' statement");
		return NULL;
	}
	Plan* plan = calloc(1, sizeof(Plan));
	if (!plan) {
		set_error(err, NULL, "out of memory");
		return NULL;
	}
	bool needed[PATCH_MAX_MODULES];
	mark_needed(p, needed);
	if (!sort_modules(p, needed, plan, err)) {
		free(plan);
		return NULL;
	}
	for (unsigned m = 0; m < PATCH_MAX_MODULES; ++m) {
		plan->step_of[m] = -1;
	}
	for (unsigned i = 0; i < plan->n_order; ++i) {
		plan->step_of[plan->order[i]] = (int)i;
	}

	/* Sizes: parameters, feeds, exports, states. A lane group holds one
	 * state of each voice module (it spans the lanes). */
	for (unsigned i = 0; i < plan->n_order; ++i) {
		const int          m  = plan->order[i];
		const PatchModule* pm = &p->modules[m];
		plan->n_params += pm->type->n_params;
		if (!pm->master) {
			plan->n_voice_params += pm->type->n_params;
		}
		size_t* size = pm->master ? &plan->master_state_size : &plan->group_state_size;
		*size        = align_up(*size, 16);
		plan->state_offset[m] = (uint32_t)*size;
		*size += pm->type->state_size;
	}
	assign_buffers(p, plan);
	static_assert(PATCH_MAX_CONNECTIONS + 1 < 0xffff, "buffer indices fit in 16 bits");
	Acc      accs[PATCH_MAX_CONNECTIONS];
	unsigned n_accs  = 0;
	const bool out_acc = !p->modules[p->out_module].master;
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (plan->step_of[k->dst_module] < 0) {
			continue;
		}
		if (is_cross(p, k)) {
			++plan->n_exports;
			if (!acc_find(accs, n_accs, k->dst_module, k->dst_kind, k->dst_index)) {
				accs[n_accs] = (Acc){k->dst_module, k->dst_kind, k->dst_index,
				                     (uint16_t)(plan->n_bufs + out_acc + n_accs)};
				++n_accs;
			}
		}
	}
	for (unsigned i = 0; i < plan->n_order; ++i) {
		const int         m = plan->order[i];
		const ModuleType* t = p->modules[m].type;
		for (unsigned j = 0; j < t->n_inputs; ++j) {
			plan->n_feeds += port_feeds(p, plan, accs, n_accs, m, DST_INPUT, j, NULL);
		}
		for (unsigned j = 0; j < t->n_params; ++j) {
			plan->n_feeds += port_feeds(p, plan, accs, n_accs, m, DST_PARAM, j, NULL);
		}
	}
	if (out_acc) {
		++plan->n_exports;
	}
	for (unsigned i = 0; i < p->n_macros; ++i) {
		plan->n_macros += plan->step_of[p->macros[i].module] >= 0;
	}

	const unsigned n_bufs_acc = n_accs + out_acc;
	const unsigned n_voices   = polyphony + SLOT_STEAL_SPARES;
	const size_t   size       = layout(NULL, NULL, plan, n_bufs_acc, n_voices, lanes);
	uint8_t*       base       = NULL;
	if (posix_memalign((void**)&base, 64, size)) {
		free(plan);
		set_error(err, NULL, "out of memory");
		return NULL;
	}
	memset(base, 0, size);
	Slot* s = (Slot*)(void*)base;
	if (layout(s, base, plan, n_bufs_acc, n_voices, lanes) != size) {
		abort(); /* the two layout passes disagree: a compiler bug */
	}
	s->arena_size       = size;
	s->rate             = rate;
	s->polyphony        = polyphony;
	s->n_voices         = n_voices;
	s->n_bufs           = plan->n_bufs + n_bufs_acc;
	s->acc_first        = (uint16_t)plan->n_bufs;
	s->acc_count        = (uint16_t)n_bufs_acc;
	s->group_state_size = plan->group_state_size;
	s->simd             = simd;
	s->lanes            = lanes;
	s->n_groups         = (n_voices + lanes - 1) / lanes;
	s->buf_stride       = (size_t)CHRONUS_SUBBLOCK * lanes;
	s->n_voice_params   = plan->n_voice_params;
	snprintf(s->title, sizeof(s->title), "%s", p->title);

	/* Steps, parameters and feeds. */
	unsigned n_params = 0, n_feeds = 0, n_exports = 0;
	for (unsigned i = 0; i < plan->n_order; ++i) {
		const int          m  = plan->order[i];
		const PatchModule* pm = &p->modules[m];
		const ModuleType*  t  = pm->type;
		PlanStep*          st = &s->steps[i];
		st->type              = t;
		st->module            = (uint16_t)m;
		st->master            = pm->master;
		st->state_offset      = plan->state_offset[m];
		st->process           = simd == SIMD_AVX2 && t->process_avx2 ? t->process_avx2 : t->process;
		st->out_buf           = plan->out_buf[m];
		st->param_first       = (uint16_t)n_params;
		for (unsigned j = 0; j < t->n_params; ++j) {
			param_init(&s->params[n_params + j], &t->params[j], rate, t->params[j].def);
		}
		n_params += t->n_params;
		for (unsigned j = 0; j < t->n_inputs; ++j) {
			st->in_first[j] = (uint16_t)n_feeds;
			st->in_count[j] = (uint8_t)port_feeds(p, plan, accs, n_accs, m, DST_INPUT, j, s->feeds + n_feeds);
			n_feeds += st->in_count[j];
			if (t->inputs[j].implicit == IMPLICIT_GATE && (t->flags & MODULE_ENVELOPE) && !pm->master &&
			    s->feeds[st->in_first[j]].buf == BUF_GATE && st->in_count[j] == 1) {
				st->gate_env    = true;
				s->has_gate_env = true;
			}
		}
		for (unsigned j = 0; j < t->n_params; ++j) {
			st->mod_first[j] = (uint16_t)n_feeds;
			st->mod_count[j] = (uint8_t)port_feeds(p, plan, accs, n_accs, m, DST_PARAM, j, s->feeds + n_feeds);
			n_feeds += st->mod_count[j];
		}
	}
	s->n_steps       = plan->n_order;
	s->n_voice_steps = plan->n_voice;
	s->n_params      = n_params;

	/* Voice → master sums: each voice adds its signal after the step that
	 * makes it, scaled by depth and by the voice's fade. */
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (plan->step_of[k->dst_module] < 0 || !is_cross(p, k)) {
			continue;
		}
		s->exports[n_exports++] = (Export){(uint16_t)plan->step_of[k->src_module],
		                                   plan->out_buf[k->src_module],
		                                   acc_find(accs, n_accs, k->dst_module, k->dst_kind, k->dst_index),
		                                   k->depth};
	}
	if (out_acc) {
		s->exports[n_exports++] = (Export){(uint16_t)plan->step_of[p->out_module],
		                                   plan->out_buf[p->out_module], s->acc_first, 1.0f};
		s->out_buf = (uint16_t)plan->n_bufs; /* the first accumulation buffer */
	} else {
		s->out_buf       = plan->out_buf[p->out_module];
		s->out_is_master = true;
	}
	s->n_exports = n_exports;

	/* Settings, then macro bindings. */
	for (unsigned i = 0; i < p->n_settings; ++i) {
		const PatchSetting* set = &p->settings[i];
		const int           st  = plan->step_of[set->module];
		if (st >= 0) {
			param_set(&s->params[s->steps[st].param_first + set->param], set->value, true);
		}
	}
	unsigned n_macros = 0;
	for (unsigned i = 0; i < p->n_macros; ++i) {
		const PatchMacro* mc = &p->macros[i];
		const int         st = plan->step_of[mc->module];
		if (st >= 0) {
			s->macros[n_macros++] = (MacroBinding){(uint8_t)(mc->knob - 1),
			                                       (uint16_t)(s->steps[st].param_first + mc->param),
			                                       mc->lo, mc->hi, mc->curve};
		}
	}
	s->n_macros = n_macros;

	/* Module states: init every group's and the master's. */
	for (unsigned i = 0; i < s->n_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		if (st->master) {
			st->type->init(s->master_state + st->state_offset, rate);
			continue;
		}
		for (unsigned g = 0; g < s->n_groups; ++g) {
			st->type->init(s->voices[g * lanes].state + st->state_offset, rate);
		}
	}
	for (unsigned v = 0; v < n_voices; ++v) {
		s->voices[v].fade = 1.0f;
	}
	free(plan);
	return s;
}

void
slot_free(Slot* slot)
{
	free(slot);
}
