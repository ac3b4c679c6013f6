/* SPDX-License-Identifier: ISC
 *
 * Rendering a slot. AUDIO THREAD: nothing here allocates, locks or prints.
 *
 * Sub-blocks are aligned to multiples of CHRONUS_SUBBLOCK on the slot's own
 * sample clock, and a voice's end of life is only decided at those aligned
 * points, so the same score gives the same samples whatever block sizes the
 * host uses.
 */
#include "slot.h"

#include <math.h>
#include <string.h>

/* The sum of a port's feeds, or the single feed itself when it needs no
 * arithmetic. */
static const float*
gather(const Slot* s, const Feed* f, unsigned count, float* tmp, unsigned n)
{
	if (count == 0) {
		return s->bufs + (size_t)BUF_ZERO * CHRONUS_SUBBLOCK;
	}
	const float* first = s->bufs + (size_t)f[0].buf * CHRONUS_SUBBLOCK;
	if (count == 1 && f[0].depth == 1.0f) {
		return first;
	}
	for (unsigned i = 0; i < n; ++i) {
		tmp[i] = f[0].depth * first[i];
	}
	for (unsigned c = 1; c < count; ++c) {
		const float* src = s->bufs + (size_t)f[c].buf * CHRONUS_SUBBLOCK;
		const float  d   = f[c].depth;
		for (unsigned i = 0; i < n; ++i) {
			tmp[i] += d * src[i];
		}
	}
	return tmp;
}

/* A parameter's base values plus its modulations, clamped to its range. */
static const float*
modulated(const Slot* s, const PlanStep* st, unsigned j, float* tmp, unsigned n)
{
	const ParamState* ps   = &s->params[st->param_first + j];
	const float*      base = ps->buf;
	if (!st->mod_count[j]) {
		return base;
	}
	const Feed* f  = s->feeds + st->mod_first[j];
	const float lo = ps->spec->min, hi = ps->spec->max;
	for (unsigned i = 0; i < n; ++i) {
		tmp[i] = base[i];
	}
	for (unsigned c = 0; c < st->mod_count[j]; ++c) {
		const float* src = s->bufs + (size_t)f[c].buf * CHRONUS_SUBBLOCK;
		const float  d   = f[c].depth;
		for (unsigned i = 0; i < n; ++i) {
			tmp[i] += d * src[i];
		}
	}
	for (unsigned i = 0; i < n; ++i) {
		const float v = tmp[i];
		tmp[i]        = v < lo ? lo : (v > hi ? hi : v);
	}
	if (ps->spec->choices) {
		for (unsigned i = 0; i < n; ++i) {
			tmp[i] = (float)(int)(tmp[i] + 0.5f);
		}
	}
	return tmp;
}

static void
run_step(Slot* s, const PlanStep* st, uint8_t* state_base, unsigned n)
{
	const ModuleType* t = st->type;
	ModuleIO          io;
	for (unsigned j = 0; j < t->n_inputs; ++j) {
		io.in[j] = gather(s, s->feeds + st->in_first[j], st->in_count[j],
		                  s->tmp + (size_t)j * CHRONUS_SUBBLOCK, n);
	}
	for (unsigned j = 0; j < t->n_params; ++j) {
		io.param[j] = modulated(s, st, j, s->tmp + (size_t)(MODULE_MAX_INPUTS + j) * CHRONUS_SUBBLOCK, n);
	}
	io.out = s->bufs + (size_t)st->out_buf * CHRONUS_SUBBLOCK;
	io.n   = n;
	t->process(state_base + st->state_offset, &io);
}

static void
fill(float* buf, float v, unsigned n)
{
	for (unsigned i = 0; i < n; ++i) {
		buf[i] = v;
	}
}

/* One voice for n frames: its note buffers, its modules, its exports. */
static void
render_voice(Slot* s, Voice* v, unsigned n)
{
	float* const bufs = s->bufs;
	fill(bufs + (size_t)BUF_PITCH * CHRONUS_SUBBLOCK, (float)v->note + s->bend, n);
	fill(bufs + (size_t)BUF_GATE * CHRONUS_SUBBLOCK, (v->key_down || v->sustained) ? 1.0f : 0.0f, n);
	if (v->retrigger) {
		bufs[(size_t)BUF_GATE * CHRONUS_SUBBLOCK] = 0.0f; /* a rising edge for the envelopes */
		v->retrigger                              = false;
	}
	fill(bufs + (size_t)BUF_VELOCITY * CHRONUS_SUBBLOCK, v->velocity, n);

	const float* fade = NULL;
	if (v->fade_step != 0.0f || v->fade != 1.0f) {
		float* fb = s->fade_buf;
		float  g  = v->fade;
		for (unsigned i = 0; i < n; ++i) {
			g     = g + v->fade_step;
			g     = g < 0.0f ? 0.0f : (g > 1.0f ? 1.0f : g);
			fb[i] = g;
		}
		v->fade = g;
		fade    = fb;
	}

	unsigned e = 0;
	for (unsigned i = 0; i < s->n_voice_steps; ++i) {
		run_step(s, &s->steps[i], v->state, n);
		for (; e < s->n_exports && s->exports[e].after_step == i; ++e) {
			const Export* x   = &s->exports[e];
			const float*  src = bufs + (size_t)x->src_buf * CHRONUS_SUBBLOCK;
			float*        dst = bufs + (size_t)x->dst_buf * CHRONUS_SUBBLOCK;
			if (fade) {
				for (unsigned k = 0; k < n; ++k) {
					dst[k] += x->depth * fade[k] * src[k];
				}
			} else {
				for (unsigned k = 0; k < n; ++k) {
					dst[k] += x->depth * src[k];
				}
			}
		}
	}
	v->fresh = false;
}

/* At an aligned sub-block end: has the voice finished for good? */
static bool
voice_finished(const Slot* s, const Voice* v)
{
	if (v->fade_step < 0.0f && v->fade <= 0.0f) {
		return true;
	}
	if (v->phase != VOICE_RELEASED || !s->has_gate_env) {
		return false;
	}
	for (unsigned i = 0; i < s->n_voice_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		if (st->gate_env && st->type->active && st->type->active(v->state + st->state_offset)) {
			return false;
		}
	}
	return true;
}

static void
render_sub(Slot* s, float* out, unsigned n, bool aligned_end)
{
	for (unsigned i = 0; i < s->n_params; ++i) {
		param_render(&s->params[i], n);
	}
	for (unsigned a = 0; a < s->acc_count; ++a) {
		memset(s->bufs + (size_t)(s->acc_first + a) * CHRONUS_SUBBLOCK, 0, sizeof(float) * n);
	}
	for (unsigned vi = 0; vi < s->n_voices; ++vi) {
		Voice* v = &s->voices[vi];
		if (v->phase == VOICE_IDLE) {
			continue;
		}
		render_voice(s, v, n);
		if (aligned_end && voice_finished(s, v)) {
			v->phase = VOICE_IDLE;
		}
	}
	for (unsigned i = s->n_voice_steps; i < s->n_steps; ++i) {
		run_step(s, &s->steps[i], s->master_state, n);
	}
	memcpy(out, s->bufs + (size_t)s->out_buf * CHRONUS_SUBBLOCK, sizeof(float) * n);
}

void
slot_render(Slot* s, float* out, unsigned n)
{
	while (n) {
		const unsigned phase = (unsigned)(s->frames % CHRONUS_SUBBLOCK);
		unsigned       m     = CHRONUS_SUBBLOCK - phase;
		m                    = m < n ? m : n;
		render_sub(s, out, m, phase + m == CHRONUS_SUBBLOCK);
		s->frames += m;
		out += m;
		n -= m;
	}
}

void
slot_set_macro(Slot* s, unsigned knob, float position, bool snap)
{
	position = position < 0.0f ? 0.0f : (position > 1.0f ? 1.0f : position);
	for (unsigned i = 0; i < s->n_macros; ++i) {
		const MacroBinding* b = &s->macros[i];
		if (b->knob != knob) {
			continue;
		}
		float v;
		if (b->curve == CURVE_EXP && b->lo > 0.0f && b->hi > 0.0f) {
			v = b->lo * powf(b->hi / b->lo, position);
		} else {
			v = b->lo + (b->hi - b->lo) * position;
		}
		param_set(&s->params[b->param], v, snap);
	}
}
