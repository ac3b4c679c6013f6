/* SPDX-License-Identifier: ISC
 *
 * Rendering a slot. AUDIO THREAD: nothing here allocates, locks or prints
 * (but the worker-side accessors and slot_free, at the end).
 *
 * Sub-blocks are aligned to multiples of CHRONUS_SUBBLOCK on the slot's own
 * sample clock, and a voice's end of life is only decided at those aligned
 * points, so the same score gives the same samples whatever block sizes the
 * host uses.
 */
#include "slot_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline float*
buf_at(const Slot* s, unsigned b)
{
	return s->bufs + (size_t)b * s->buf_stride;
}

/* Buffer b as a master step of channel `shift` sees it (0: the left
 * channel, a voice step or a mono slot; chan_shift: the right channel,
 * whose master buffers are the twins). */
static inline float*
buf_ch(const Slot* s, unsigned b, unsigned shift)
{
	return buf_at(s, b >= s->master_first && b < s->ctl_first ? b + shift : b);
}

/* The sum of a port's feeds (len values each), or the single feed itself
 * when it needs no arithmetic. */
static const float*
gather(const Slot* s, const Feed* f, unsigned count, float* restrict tmp, unsigned len, unsigned shift)
{
	if (count == 0) {
		return buf_at(s, BUF_ZERO);
	}
	const float* first = buf_ch(s, f[0].buf, shift);
	if (count == 1 && f[0].depth == 1.0f) {
		return first;
	}
	for (unsigned i = 0; i < len; ++i) {
		tmp[i] = f[0].depth * first[i];
	}
	for (unsigned c = 1; c < count; ++c) {
		const float* restrict src = buf_ch(s, f[c].buf, shift);
		const float           d   = f[c].depth;
		for (unsigned i = 0; i < len; ++i) {
			tmp[i] += d * src[i];
		}
	}
	return tmp;
}

/* A parameter's base values plus its modulations, clamped to its range;
 * for a voice step of a lane group, per frame and lane. One pass per
 * modulation, the clamp folded into the last. */
static const float*
modulated(const Slot* s, const PlanStep* st, unsigned j, float* restrict tmp, unsigned n, unsigned lanes,
          unsigned shift)
{
	const unsigned    pi   = st->param_first + j;
	const ParamState* ps   = &s->params[pi];
	const float*      base = lanes > 1 ? s->param_lanes + (size_t)pi * s->buf_stride : ps->buf;
	const unsigned    count = st->mod_count[j];
	if (!count) {
		return base;
	}
	const unsigned len = n * lanes;
	const Feed*    f   = s->feeds + st->mod_first[j];
	const float    lo = ps->spec->min, hi = ps->spec->max;
	const float*   from = base;
	for (unsigned c = 0; c + 1 < count; ++c) {
		const float* restrict src = buf_ch(s, f[c].buf, shift);
		const float           d   = f[c].depth;
		for (unsigned i = 0; i < len; ++i) {
			tmp[i] = from[i] + d * src[i];
		}
		from = tmp;
	}
	const float* restrict src = buf_ch(s, f[count - 1].buf, shift);
	const float           d   = f[count - 1].depth;
	for (unsigned i = 0; i < len; ++i) {
		const float v = from[i] + d * src[i];
		tmp[i]        = v < lo ? lo : (v > hi ? hi : v);
	}
	if (ps->spec->choices) {
		for (unsigned i = 0; i < len; ++i) {
			tmp[i] = (float)(int)(tmp[i] + 0.5f);
		}
	}
	return tmp;
}

/* Whether a port's feeds give the same value in every frame of this
 * sub-block, lane by lane: nothing, or the pitch (unless it glides or
 * bends now), velocity, random value, key, release velocity or unison
 * place as they are. */
static bool
feeds_steady(const Slot* s, const Feed* f, unsigned count)
{
	return count == 0 ||
	       (count == 1 && f[0].depth == 1.0f &&
	        ((f[0].buf == BUF_PITCH && s->pitch_steady) || f[0].buf == BUF_VELOCITY || f[0].buf == BUF_RANDOM ||
	         f[0].buf == BUF_KEY || f[0].buf == BUF_RELEASE || f[0].buf == BUF_UNISON));
}

/* One step: a voice step over a lane group (lanes = s->lanes), or a master
 * step (lanes = 1) of one channel (shift: see buf_ch). sounding: bit l set
 * when lane l sounds. */
static void
run_step(Slot* s, const PlanStep* st, uint8_t* state_base, unsigned n, unsigned lanes,
         unsigned sounding, unsigned shift)
{
	const ModuleType* t = st->type;
	ModuleIO          io;
	io.steady = 0;
	for (unsigned j = 0; j < t->n_inputs; ++j) {
		const Feed* f = s->feeds + st->in_first[j];
		io.in[j]      = gather(s, f, st->in_count[j], s->tmp + (size_t)j * s->buf_stride, n * lanes, shift);
		io.steady |= feeds_steady(s, f, st->in_count[j]) ? MODULE_STEADY_IN(j) : 0u;
	}
	for (unsigned j = 0; j < t->n_params; ++j) {
		io.param[j] = modulated(s, st, j, s->tmp + (size_t)(MODULE_MAX_INPUTS + j) * s->buf_stride, n, lanes,
		                        shift);
		io.steady |= !st->mod_count[j] && s->params[st->param_first + j].filled ? MODULE_STEADY_PARAM(j) : 0u;
	}
	io.out   = buf_ch(s, st->out_buf, shift);
	io.n     = n;
	io.lanes    = lanes;
	io.sounding = sounding;
	st->process(state_base + st->state_offset, &io);
}

/* A stereo master effect's step: both channels' inputs, parameters and
 * outputs in one call, on the left channel's state. */
static void
run_stereo_step(Slot* s, const PlanStep* st, unsigned n)
{
	const ModuleType* t = st->type;
	ModuleIO          io[2];
	for (unsigned c = 0; c < 2; ++c) {
		const unsigned shift = c ? s->chan_shift : 0u;
		/* The scratch buffers: the left channel's, then the right's (tmp
		 * holds two sets of MODULE_MAX_INPUTS + MODULE_MAX_PARAMS). */
		float* tmp = s->tmp + (c ? (size_t)(MODULE_MAX_INPUTS + MODULE_MAX_PARAMS) * s->buf_stride : 0u);
		io[c].steady = 0;
		for (unsigned j = 0; j < t->n_inputs; ++j) {
			const Feed* f = s->feeds + st->in_first[j];
			io[c].in[j]   = gather(s, f, st->in_count[j], tmp + (size_t)j * s->buf_stride, n, shift);
			io[c].steady |= feeds_steady(s, f, st->in_count[j]) ? MODULE_STEADY_IN(j) : 0u;
		}
		for (unsigned j = 0; j < t->n_params; ++j) {
			io[c].param[j] = modulated(s, st, j, tmp + (size_t)(MODULE_MAX_INPUTS + j) * s->buf_stride, n, 1, shift);
			io[c].steady |= !st->mod_count[j] && s->params[st->param_first + j].filled ? MODULE_STEADY_PARAM(j) : 0u;
		}
		io[c].out      = buf_ch(s, st->out_buf, shift);
		io[c].n        = n;
		io[c].lanes    = 1;
		io[c].sounding = 1u;
	}
	t->process_stereo(s->master_state + st->state_offset, &io[0], &io[1]);
}

/* The voice-step parameters spread over the lanes, once per sub-block for
 * all groups; a value that holds for the whole sub-block is spread once. */
static void
spread_params(Slot* s, unsigned n)
{
	const unsigned L = s->lanes;
	for (unsigned p = 0; p < s->n_voice_params; ++p) {
		ParamState* ps = &s->params[p];
		if (ps->filled && ps->spread) {
			continue;
		}
		float* d = s->param_lanes + (size_t)p * s->buf_stride;
		for (unsigned i = 0; i < n; ++i) {
			for (unsigned l = 0; l < L; ++l) {
				d[i * L + l] = ps->buf[i];
			}
		}
		/* Only a whole sub-block stays valid for the next one. */
		ps->spread = ps->filled && n == CHRONUS_SUBBLOCK;
	}
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
		if (st->gate_env && st->type->active_lane &&
		    st->type->active_lane(v->state + st->state_offset, v->lane)) {
			return false;
		}
	}
	return true;
}

/* dst[i * L + l] = per_lane[l] for n frames: one store stream per loop,
 * so it vectorises; L is a constant in each specialisation. */
SIMD_INLINE void
spread_lanes_n(float* restrict dst, const float* restrict per_lane, unsigned n, const unsigned L)
{
	for (unsigned i = 0; i < n; ++i) {
		for (unsigned l = 0; l < L; ++l) {
			dst[i * L + l] = per_lane[l];
		}
	}
}

static void
spread_lanes(float* restrict dst, const float* restrict per_lane, unsigned n, unsigned L)
{
	if (L == CHRONUS_LANES) {
		spread_lanes_n(dst, per_lane, n, CHRONUS_LANES);
	} else {
		spread_lanes_n(dst, per_lane, n, 1);
	}
}

/* A voice's pitch before bend over n frames (its glide, exact to the
 * sample: the glide's last sample lands on the key) into out[i * L];
 * returns whether it moved. */
static bool
voice_pitch(Voice* vo, float* restrict out, unsigned n, unsigned L)
{
	if (!vo->glide_left) {
		for (unsigned i = 0; i < n; ++i) {
			out[i * L] = vo->pitch;
		}
		return false;
	}
	for (unsigned i = 0; i < n; ++i) {
		if (vo->glide_left) {
			--vo->glide_left;
			vo->pitch = vo->glide_left ? vo->pitch + vo->glide_step : vo->target;
		}
		out[i * L] = vo->pitch;
	}
	return true;
}

/* A note's random value, -1..1 (a multiple of 2^-23): a hash of the
 * count of notes the slot started when it started (splitmix64's
 * finaliser). Nothing to store or draw: the same score gives the same
 * values whatever the block sizes, and a slot that takes the voices over
 * at a swap (handover.c copies the count) gives its notes the same ones. */
static float
note_random(uint64_t started)
{
	uint64_t z = started + 0x9e3779b97f4a7c15ull;
	z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z          = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (float)(z >> 40) * (1.0f / 8388608.0f) - 1.0f; /* 24 bits: exact */
}

/* One-pole smoothing of a voice's expression (*at heading for target:
 * pressure, slide, per-note bend) over n frames into out[i * L], or added
 * to it when `add`. */
static void
voice_smooth(const Slot* s, float* at, float target, float* restrict out, unsigned n, unsigned L, bool add)
{
	float p = *at;
	for (unsigned i = 0; i < n; ++i) {
		if (p != target) {
			/* In float the step stalls short of the target (by up to
			 * 1/coef ulps: 1e-4 semitone at a pitch of 12): land there. */
			const float next = p + s->pressure_coef * (target - p);
			p                = next == p || fabsf(target - next) < 1e-6f ? target : next;
		}
		out[i * L] = add ? out[i * L] + p : p;
	}
	*at = p;
}

/* A lane group's note sources and each voice's weight in the sums (its
 * fade, times the unison gain), for n frames: per-lane values, then one
 * fill of every frame; the pitch frame by frame when a voice glides or the
 * wheel moves. A unison stack's voices add their detune to the pitch (a
 * stack of one adds nothing, so it is the plain patch, bit for bit). */
static void
group_sources(Slot* s, Voice* vs, const bool* sounding, unsigned n)
{
	const unsigned L = s->lanes;
	float          p[CHRONUS_LANES], g[CHRONUS_LANES], v[CHRONUS_LANES], w[CHRONUS_LANES];
	bool           gliding = false;
	float          r[CHRONUS_LANES];
	const bool     stacked = s->unison > 1;
	const float    ug      = s->unison_gain;
	for (unsigned l = 0; l < L; ++l) { /* a silent lane (maybe past the last voice): no note */
		p[l] = 60.0f;
		g[l] = v[l] = w[l] = r[l] = 0.0f;
		if (sounding[l]) {
			const Voice* vo = &vs[l];
			p[l]            = vo->pitch + s->bend_semis[0] + vo->nbend;
			p[l]            = stacked ? p[l] + vo->detune : p[l];
			g[l]            = vo->key_down || vo->sustained ? 1.0f : 0.0f;
			v[l]            = vo->velocity;
			w[l]            = stacked ? vo->fade * ug : vo->fade;
			gliding |= vo->glide_left != 0 || vo->nbend != vo->nbend_target;
			r[l]            = s->uses_random ? note_random(vo->started) : 0.0f;
		}
	}
	if (s->uses_random) {
		spread_lanes(buf_at(s, BUF_RANDOM), r, n, L);
	}
	float* restrict pitch = buf_at(s, BUF_PITCH);
	float* restrict gate  = buf_at(s, BUF_GATE);
	float* restrict vel   = buf_at(s, BUF_VELOCITY);
	float* restrict fb    = s->fade_buf;
	s->pitch_steady       = !gliding && !s->bend_moving;
	if (s->pitch_steady) {
		spread_lanes(pitch, p, n, L);
	} else {
		for (unsigned l = 0; l < L; ++l) {
			if (!sounding[l]) {
				for (unsigned i = 0; i < n; ++i) {
					pitch[i * L + l] = 60.0f;
				}
				continue;
			}
			voice_pitch(&vs[l], pitch + l, n, L);
			for (unsigned i = 0; i < n; ++i) {
				pitch[i * L + l] += s->bend_semis[i];
			}
			voice_smooth(s, &vs[l].nbend, vs[l].nbend_target, pitch + l, n, L, true);
			for (unsigned i = 0; stacked && i < n; ++i) {
				pitch[i * L + l] += vs[l].detune;
			}
		}
	}
	spread_lanes(gate, g, n, L);
	spread_lanes(vel, v, n, L);
	spread_lanes(fb, w, n, L);
	if (s->note_srcs & ((1u << NOTE_SRC_KEY) | (1u << NOTE_SRC_RELEASE) | (1u << NOTE_SRC_RANDOM))) {
		float k[CHRONUS_LANES], rel[CHRONUS_LANES], x[CHRONUS_LANES];
		for (unsigned l = 0; l < L; ++l) {
			k[l]   = sounding[l] ? (float)vs[l].note : 60.0f;
			rel[l] = sounding[l] ? vs[l].release_vel : 0.0f;
			x[l] = sounding[l] ? note_random(vs[l].started) : 0.0f;
		}
		spread_lanes(buf_at(s, BUF_KEY), k, n, L);
		spread_lanes(buf_at(s, BUF_RELEASE), rel, n, L);
		spread_lanes(buf_at(s, BUF_RANDOM), x, n, L);
	}
	if (s->note_srcs & (1u << NOTE_SRC_UNISON)) {
		float u[CHRONUS_LANES];
		for (unsigned l = 0; l < L; ++l) {
			u[l] = sounding[l] ? vs[l].unison : 0.0f;
		}
		spread_lanes(buf_at(s, BUF_UNISON), u, n, L);
	}
	if (s->note_srcs & (1u << NOTE_SRC_PRESSURE)) {
		float* restrict pr = buf_at(s, BUF_PRESSURE);
		for (unsigned l = 0; l < L; ++l) {
			if (sounding[l]) {
				voice_smooth(s, &vs[l].pressure, vs[l].pressure_target, pr + l, n, L, false);
			} else {
				for (unsigned i = 0; i < n; ++i) {
					pr[i * L + l] = 0.0f;
				}
			}
		}
	}
	if (s->note_srcs & (1u << NOTE_SRC_SLIDE)) {
		float* restrict sl = buf_at(s, BUF_SLIDE);
		for (unsigned l = 0; l < L; ++l) {
			if (sounding[l]) {
				voice_smooth(s, &vs[l].slide, vs[l].slide_target, sl + l, n, L, false);
			} else {
				for (unsigned i = 0; i < n; ++i) {
					sl[i * L + l] = 0.0f;
				}
			}
		}
	}
	for (unsigned l = 0; l < L; ++l) {
		if (!sounding[l]) {
			continue;
		}
		Voice* vo = &vs[l];
		if (vo->retrigger) {
			gate[l]       = 0.0f; /* a rising edge for the envelopes */
			vo->retrigger = false;
		}
		if (vo->fade_step != 0.0f || vo->fade != 1.0f) {
			float f = vo->fade;
			for (unsigned i = 0; i < n; ++i) {
				f = f + vo->fade_step;
				f = f < 0.0f ? 0.0f : (f > 1.0f ? 1.0f : f);
				fb[i * L + l] = stacked ? f * ug : f;
			}
			vo->fade = f;
		}
		vo->fresh = false;
	}
}

/* dst[k] += depth * weight * src, summed over the lanes of frame k in
 * lane order, as the voices would be one by one (so every path gives the
 * same sum). A silent lane weighs 0 and adds exactly 0, whatever its
 * modules hold (a select, not a product, so not even a NaN gets through).
 * The products of a frame are one vector; only the sum is serial. */
SIMD_INLINE void
add_lanes_n(float* restrict dst, const float* restrict src, const float* restrict fb, float depth,
            unsigned n, const unsigned L)
{
	for (unsigned k = 0; k < n; ++k) {
		float t[CHRONUS_LANES];
		for (unsigned l = 0; l < L; ++l) {
			const float w = fb[k * L + l];
			t[l]          = w != 0.0f ? depth * w * src[k * L + l] : 0.0f;
		}
		float acc = dst[k];
		for (unsigned l = 0; l < L; ++l) {
			acc += t[l];
		}
		dst[k] = acc;
	}
}

static void
add_lanes(float* restrict dst, const float* restrict src, const float* restrict fb, float depth,
          unsigned n, unsigned L)
{
	if (L == CHRONUS_LANES) {
		add_lanes_n(dst, src, fb, depth, n, CHRONUS_LANES);
	} else {
		add_lanes_n(dst, src, fb, depth, n, 1);
	}
}

/* The equal-power pan law for a position p in -1..1: left gain
 * sin((1 - p) pi/4), right gain sin((1 + p) pi/4), so left^2 + right^2 = 1,
 * the centre is -3 dB on each side (both the same float), and a hard pan
 * gives the other side exactly 0 (sin 0). */
static inline void
pan_law(float p, float* left, float* right)
{
	*left  = sinf((1.0f - p) * 0.785398163397448f);
	*right = sinf((1.0f + p) * 0.785398163397448f);
}

/* A lane group's pan gains, each voice's weight folded in: per frame and
 * lane, left gains then right ones. A lane whose position holds for the
 * sub-block (a set pos, a key or random spread) costs one pan_law; the
 * others one per frame. L is a constant in each specialisation, so the
 * loops over the lanes of a frame vectorise. */
SIMD_INLINE void
pan_gains_n(float* restrict gl, float* restrict gr, const float* restrict pos, const float* restrict fb,
            unsigned n, const unsigned L)
{
	int   moves[CHRONUS_LANES] = {0};
	float a[CHRONUS_LANES], b[CHRONUS_LANES];
	for (unsigned i = 1; i < n; ++i) {
		for (unsigned l = 0; l < L; ++l) {
			moves[l] |= pos[i * L + l] != pos[l];
		}
	}
	for (unsigned l = 0; l < L; ++l) {
		pan_law(pos[l], &a[l], &b[l]);
	}
	for (unsigned i = 0; i < n; ++i) {
		for (unsigned l = 0; l < L; ++l) {
			const float w = fb[i * L + l];
			gl[i * L + l] = w != 0.0f ? w * a[l] : 0.0f; /* a silent lane: 0, even at a NaN position */
			gr[i * L + l] = w != 0.0f ? w * b[l] : 0.0f;
		}
	}
	for (unsigned l = 0; l < L; ++l) {
		for (unsigned i = 1; moves[l] && i < n; ++i) {
			float x, y;
			pan_law(pos[i * L + l], &x, &y);
			const float w = fb[i * L + l];
			gl[i * L + l] = w != 0.0f ? w * x : 0.0f;
			gr[i * L + l] = w != 0.0f ? w * y : 0.0f;
		}
	}
}

static void
pan_gains(Slot* s, const float* restrict pos, const float* restrict fb, unsigned n)
{
	float* restrict gl = s->pan_gain;
	float* restrict gr = s->pan_gain + s->buf_stride;
	if (s->lanes == CHRONUS_LANES) {
		pan_gains_n(gl, gr, pos, fb, n, CHRONUS_LANES);
	} else {
		pan_gains_n(gl, gr, pos, fb, n, 1);
	}
}

/* add_lanes into a left and a right sum at once, by per-lane gains (the
 * pan gains, weight folded in): each sum gets exactly what add_lanes
 * would give it, reading the source once. */
SIMD_INLINE void
add_lanes2_n(float* restrict dl, float* restrict dr, const float* restrict src, const float* restrict gl,
             const float* restrict gr, float depth, unsigned n, const unsigned L)
{
	for (unsigned k = 0; k < n; ++k) {
		float tl[CHRONUS_LANES], tr[CHRONUS_LANES];
		for (unsigned l = 0; l < L; ++l) {
			const float x = src[k * L + l], a = gl[k * L + l], b = gr[k * L + l];
			tl[l]         = a != 0.0f ? depth * a * x : 0.0f;
			tr[l]         = b != 0.0f ? depth * b * x : 0.0f;
		}
		float accl = dl[k], accr = dr[k];
		for (unsigned l = 0; l < L; ++l) {
			accl += tl[l];
			accr += tr[l];
		}
		dl[k] = accl;
		dr[k] = accr;
	}
}

/* One voice → master sum of a lane group. A mono slot adds each voice by
 * its weight; a stereo slot adds audio to the left and right buffers by
 * the pan gains, and modulation to both by the weight. */
static void
export_sum(Slot* s, const Export* x, unsigned n)
{
	const float* src = buf_at(s, x->src_buf);
	float*       dst = buf_at(s, x->dst_buf);
	const unsigned L = s->lanes;
	if (!s->stereo) {
		add_lanes(dst, src, s->fade_buf, x->depth, n, L);
	} else if (x->panned) {
		float* const right = buf_at(s, x->dst_buf + s->chan_shift);
		const float* gl    = s->pan_gain;
		const float* gr    = s->pan_gain + s->buf_stride;
		if (L == CHRONUS_LANES) {
			add_lanes2_n(dst, right, src, gl, gr, x->depth, n, CHRONUS_LANES);
		} else {
			add_lanes2_n(dst, right, src, gl, gr, x->depth, n, 1);
		}
	} else {
		add_lanes(dst, src, s->fade_buf, x->depth, n, L);
		add_lanes(buf_at(s, x->dst_buf + s->chan_shift), src, s->fade_buf, x->depth, n, L);
	}
}

/* A zoned step's output, silenced in every lane whose key is outside its
 * zone: before anything reads it (the next steps, the sums, the pan), so
 * the chain is not heard for those keys, as if it were not there. */
static void
silence_outside_zone(Slot* s, const PlanStep* st, const Voice* vs, const bool* sounding, unsigned n)
{
	const unsigned  L   = s->lanes;
	float* restrict out = buf_at(s, st->out_buf);
	for (unsigned l = 0; l < L; ++l) {
		if (!sounding[l] || (vs[l].note >= st->zone_lo && vs[l].note <= st->zone_hi)) {
			continue;
		}
		for (unsigned i = 0; i < n; ++i) {
			out[i * L + l] = 0.0f;
		}
	}
}

/* One lane group for n frames: note sources, modules, and each sounding
 * lane added into the voice → master sums in voice order. */
static void
render_group(Slot* s, unsigned g, unsigned n, bool aligned_end)
{
	const unsigned L     = s->lanes;
	Voice*         vs    = &s->voices[g * L];
	const unsigned count = s->n_voices - g * L < L ? s->n_voices - g * L : L;
	bool           sounding[CHRONUS_LANES] = {false};
	unsigned       live[CHRONUS_LANES], n_live = 0, mask = 0;
	for (unsigned l = 0; l < count; ++l) {
		if (vs[l].phase != VOICE_IDLE) {
			sounding[l]    = true;
			live[n_live++] = l;
			mask |= 1u << l;
		}
	}
	if (!n_live) {
		return;
	}
	group_sources(s, vs, sounding, n);
	if (s->stereo && !s->has_pan) {
		/* Stereo for a master effect alone: every voice centred at its
		 * full level on both sides, as a mono patch plays. */
		memcpy(s->pan_gain, s->fade_buf, sizeof(float) * n * L);
		memcpy(s->pan_gain + s->buf_stride, s->fade_buf, sizeof(float) * n * L);
	}

	unsigned e = 0;
	for (unsigned i = 0; i < s->n_voice_steps; ++i) {
		run_step(s, &s->steps[i], vs[0].state, n, L, mask, 0);
		if (s->steps[i].zoned) {
			silence_outside_zone(s, &s->steps[i], vs, sounding, n);
		}
		if (s->has_pan && i == s->pan_step) {
			pan_gains(s, buf_at(s, s->steps[i].out_buf), s->fade_buf, n);
		}
		for (; e < s->n_exports && s->exports[e].after_step == i; ++e) {
			export_sum(s, &s->exports[e], n);
		}
	}
	if (aligned_end) {
		for (unsigned j = 0; j < n_live; ++j) {
			Voice* v = &vs[live[j]];
			if (voice_finished(s, v)) {
				v->phase = VOICE_IDLE;
			}
		}
	}
}

/* A one-lane signal copied into every lane of a voice buffer: what voice
 * modules read of a controller or a global modulator. */
static void
fill_lanes(float* restrict dst, const float* restrict src, unsigned n, unsigned L)
{
	for (unsigned i = 0; i < n; ++i) {
		for (unsigned l = 0; l < L; ++l) {
			dst[i * L + l] = src[i];
		}
	}
}

/* The controllers the patch reads and the bend, for n frames: each
 * smoothed, in a one-lane buffer (master modules) and spread over the
 * lanes (voice modules). */
static void
render_controllers(Slot* s, unsigned n)
{
	for (unsigned c = 0; c < s->n_ctls; ++c) {
		ParamState* ps = &s->ctls[c].ps;
		param_render(ps, n);
		memcpy(buf_at(s, s->ctls[c].master_buf), ps->buf, sizeof(float) * n);
		fill_lanes(buf_at(s, s->ctls[c].voice_buf), ps->buf, n, s->lanes);
	}
	param_render(&s->bend, n);
	for (unsigned i = 0; i < n; ++i) {
		const float b    = s->bend.buf[i];
		s->bend_semis[i] = b >= 0.0f ? b * s->bend_up : b * s->bend_down;
	}
	s->bend_moving = s->bend_semis[n - 1] != s->bend_semis[0];
}

/* Master steps from..to-1, step by step: once, or once per channel, each
 * with its own states and buffers; a stereo effect once for both. */
static void
run_master_steps(Slot* s, unsigned from, unsigned to, unsigned n)
{
	for (unsigned i = from; i < to; ++i) {
		const PlanStep* st = &s->steps[i];
		if (st->type->process_stereo) {
			run_stereo_step(s, st, n);
			continue;
		}
		for (unsigned c = 0; c < (s->stereo ? 2u : 1u); ++c) {
			run_step(s, st, s->master_state + (c ? s->master_stride : 0u), n, 1, 1u, c ? s->chan_shift : 0u);
		}
	}
}

static void
render_sub(Slot* s, float* left, float* right, unsigned n, bool aligned_end)
{
	for (unsigned i = 0; i < s->n_params; ++i) {
		param_render(&s->params[i], n);
	}
	render_controllers(s, n);
	if (s->lanes > 1) {
		spread_params(s, n);
	}
	for (unsigned a = 0; a < s->acc_count; ++a) {
		memset(buf_at(s, s->acc_first + a), 0, sizeof(float) * n);
		if (s->stereo) {
			memset(buf_at(s, s->acc_first + a + s->chan_shift), 0, sizeof(float) * n);
		}
	}
	/* Global modulators first, then what the voices read of them over
	 * the lanes (the left channel's: they hear no voice, so both channels
	 * are the same). */
	run_master_steps(s, s->n_voice_steps, s->n_voice_steps + s->n_pre_steps, n);
	for (unsigned k = 0; k < s->n_globs; ++k) {
		fill_lanes(buf_at(s, s->globs[k].voice_buf), buf_at(s, s->globs[k].master_buf), n, s->lanes);
	}
	for (unsigned g = 0; g < s->n_groups; ++g) {
		render_group(s, g, n, aligned_end);
	}
	run_master_steps(s, s->n_voice_steps + s->n_pre_steps, s->n_steps, n);
	memcpy(left, buf_at(s, s->out_buf), sizeof(float) * n);
	memcpy(right, buf_at(s, s->out_buf + (s->stereo ? s->chan_shift : 0u)), sizeof(float) * n);
}

void
slot_render(Slot* s, float* left, float* right, unsigned n)
{
	while (n) {
		const unsigned phase = (unsigned)(s->frames % CHRONUS_SUBBLOCK);
		unsigned       m     = CHRONUS_SUBBLOCK - phase;
		m                    = m < n ? m : n;
		render_sub(s, left, right, m, phase + m == CHRONUS_SUBBLOCK);
		s->frames += m;
		left += m;
		right += m;
		n -= m;
	}
}

int
slot_find_param(const Slot* s, const char* module, size_t module_len, const char* param, size_t param_len)
{
	for (unsigned i = 0; i < s->n_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		if (strlen(st->name) != module_len || memcmp(st->name, module, module_len)) {
			continue;
		}
		for (unsigned j = 0; j < st->type->n_params; ++j) {
			const char* name = st->type->params[j].name;
			if (strlen(name) == param_len && !memcmp(name, param, param_len)) {
				return (int)(st->param_first + j);
			}
		}
		return -2;
	}
	return -1;
}

const ParamSpec*
slot_param_spec(const Slot* s, unsigned index)
{
	return index < s->n_params ? s->params[index].spec : NULL;
}

void
slot_set_param(Slot* s, unsigned index, float value, bool snap)
{
	if (index < s->n_params) {
		param_set(&s->params[index], value, snap);
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

void
slot_set_controller(Slot* s, unsigned ctl, float value, bool snap)
{
	if (ctl == CTL_BEND) {
		param_set(&s->bend, value, snap);
	}
	for (unsigned c = 0; c < s->n_ctls; ++c) {
		if (s->ctls[c].ctl == ctl) {
			param_set(&s->ctls[c].ps, value, snap);
		}
	}
}

void
slot_set_expression_ports(Slot* s, float bend_up, float bend_down, float glide_ms)
{
	s->bend_up   = bend_up >= 0.0f ? bend_up : s->voicing.bend_up;
	s->bend_down = bend_down >= 0.0f ? bend_down : s->voicing.bend_down;
	s->glide_ms  = glide_ms >= 0.0f ? glide_ms : s->voicing.glide_ms;
}

/* A new tuning: keys struck from now on play it, and every sounding voice
 * whose key moved glides there over retune_ms (0: at once), so a held
 * chord retunes without a step. A voice whose key the new map leaves out
 * keeps its pitch until it ends. Real-time safe. */
void
slot_set_tuning(Slot* s, const float key_pitch[128], double retune_ms)
{
	memcpy(s->key_pitch, key_pitch, sizeof s->key_pitch);
	slot_retune(s, retune_ms);
}

void
slot_retune(Slot* s, double retune_ms)
{
	const long n = lrint(retune_ms * 0.001 * s->rate);
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice*      v  = &s->voices[i];
		const float to = s->key_pitch[v->note];
		if (v->phase == VOICE_IDLE || isnan(to) || to == v->target) {
			continue;
		}
		v->target = to;
		if (n < 1) {
			v->pitch      = to;
			v->glide_left = 0;
		} else {
			v->glide_left = (unsigned)n;
			v->glide_step = (to - v->pitch) / (float)n;
		}
	}
}

/* ---- Worker-side helpers and accessors -------------------------------- */

const char*
slot_title(const Slot* s)
{
	return s->title;
}

uint64_t
slot_param_seq(const Slot* s)
{
	return s->param_seq;
}

void
slot_set_param_seq(Slot* s, uint64_t seq)
{
	s->param_seq = seq;
}

void
slot_rewind(Slot* s)
{
	s->frames = 0;
}

void
slot_free(Slot* s)
{
	if (s) {
		for (unsigned i = 0; i < s->n_owned; ++i) {
			free(s->owned[i]);
		}
	}
	free(s); /* the arena is the slot: one allocation */
}

/* Every state of patch module `module` gets data (ModuleType.attach). */
static void
attach_all(Slot* s, unsigned module, void* data)
{
	for (unsigned i = 0; i < s->n_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		if (st->module != module || !st->type->attach) {
			continue;
		}
		if (st->master) {
			st->type->attach(s->master_state + st->state_offset, data);
			if (s->stereo) {
				st->type->attach(s->master_state + s->master_stride + st->state_offset, data);
			}
			continue;
		}
		for (unsigned g = 0; g < s->n_groups; ++g) {
			st->type->attach(s->voices[g * s->lanes].state + st->state_offset, data);
		}
	}
}

bool
slot_attach(Slot* s, unsigned module, void* data)
{
	if (s->n_owned >= PATCH_MAX_WAVETABLES) {
		free(data);
		return false;
	}
	s->owned_module[s->n_owned] = (uint16_t)module;
	s->owned[s->n_owned++]      = data;
	attach_all(s, module, data);
	return true;
}

void
slot_reattach(Slot* s)
{
	for (unsigned i = 0; i < s->n_owned; ++i) {
		attach_all(s, s->owned_module[i], s->owned[i]);
	}
}

bool
slot_zone_hears(const Slot* s, uint8_t key)
{
	bool zoned = false;
	for (unsigned i = 0; i < s->n_voice_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		if (st->zoned) {
			zoned = true;
			if (key >= st->zone_lo && key <= st->zone_hi) {
				return true;
			}
		}
	}
	return !zoned;
}
