/* SPDX-License-Identifier: ISC
 *
 * adsr: attack-decay-sustain-release envelope, 0..1, driven by a gate.
 *
 * Each timed stage goes from the level it starts at to its target along
 *   y = target + (start - target) g,  g = (q^k - q^N) / (1 - q^N),
 * over N = round(time * rate) samples (k = 0..N), and is set to its target
 * exactly at k = N: stage times are exact to the sample, whatever the
 * shape. q^N is chosen for an analog-like curve:
 * - attack, q^N = 1/3: an RC charge aimed at 1.5 and stopped at 1 (concave);
 * - decay and release, q^N = 1/1000: an RC discharge that would reach
 *   -60 dB at the set time, shifted so it lands on its target exactly.
 * q^k is a running product (one exp() per stage start, none per sample).
 * Times are read when their stage starts; sustain is followed every sample,
 * during the decay too (its target moves with it). A gate rising while the
 * envelope decays or releases restarts the attack from the current level
 * (no jump to 0, no click); a falling gate releases from the current level.
 * A voice handed over at a swap (enter_held) is placed where its own curve
 * would be that many samples after its gate rose: in the attack, the decay
 * or the sustain stage.
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"
#include "dsp/simd.h"

#include <stdint.h>
#include <string.h>

enum { IN_GATE };
enum { P_ATTACK, P_DECAY, P_SUSTAIN, P_RELEASE };
/* STAGE_HELD: handed over by enter_held, placed on its curve by the next
 * process() (which has the parameters); k holds the note's age till then. */
enum { STAGE_IDLE, STAGE_ATTACK, STAGE_DECAY, STAGE_SUSTAIN, STAGE_RELEASE, STAGE_HELD };

#define ATTACK_END 0.33333333333333333 /* q^N of the attack */
#define FALL_END   0.001               /* q^N of decay and release */

/* A lane group of envelopes (MODULE_LANES), one array per field. */
typedef struct {
	double   rate;
	int32_t  stage[CHRONUS_LANES];
	int32_t  gate[CHRONUS_LANES];  /* the previous sample's gate, 0 or 1 */
	uint32_t k[CHRONUS_LANES];     /* samples into the stage */
	uint32_t len[CHRONUS_LANES];   /* the stage's length */
	double   e[CHRONUS_LANES];     /* q^k */
	double   q[CHRONUS_LANES];
	double   e_end[CHRONUS_LANES]; /* q^len */
	double   span[CHRONUS_LANES];  /* 1 / (1 - q^len): no division per sample */
	float    start[CHRONUS_LANES]; /* level at the stage start */
	float    out[CHRONUS_LANES];   /* the last output */
} Adsr;

static void
adsr_reset_lane(void* state, unsigned l)
{
	Adsr* s     = state;
	s->stage[l] = STAGE_IDLE;
	s->gate[l]  = 0;
	s->k[l] = s->len[l] = 0;
	s->e[l] = s->q[l] = s->e_end[l] = 1.0;
	s->span[l] = 0.0;
	s->start[l] = s->out[l] = 0.0f;
}

static void
adsr_reset(void* state)
{
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		adsr_reset_lane(state, l);
	}
}

static void
adsr_init(void* state, double rate)
{
	Adsr* s = state;
	s->rate = rate;
	adsr_reset(s);
}

/* Audio thread: lane l enters a stage at its current level; a timed one
 * reads its time (ms) now and makes its curve (one exp). */
static void
adsr_enter(Adsr* s, unsigned l, int stage, float ms, double end)
{
	s->stage[l] = stage;
	s->start[l] = s->out[l];
	s->k[l]     = 0;
	s->e[l]     = 1.0;
	if (stage == STAGE_ATTACK || stage == STAGE_DECAY || stage == STAGE_RELEASE) {
		const double t = ms == ms ? dsp_clamp((double)ms, 0.0, 10000.0) : 0.0;
		s->len[l]      = (uint32_t)llround(t * s->rate / 1000.0);
		s->e_end[l]    = end;
		s->q[l]        = s->len[l] > 0 ? exp(log(end) / s->len[l]) : 1.0;
		s->span[l]     = 1.0 / (1.0 - end);
	}
}

static inline bool
timed(int32_t stage)
{
	return stage == STAGE_ATTACK || stage == STAGE_DECAY || stage == STAGE_RELEASE;
}

/* Audio thread, rare: lane l's gate moved or its stage ended at frame i.
 * A stage that ends lands exactly on its target and the next one starts
 * at once, so zero-length stages pass within the same sample. */
static void
adsr_events(Adsr* s, unsigned l, bool g, const ModuleIO* io, size_t at)
{
	if (g && !s->gate[l]) {
		adsr_enter(s, l, STAGE_ATTACK, io->param[P_ATTACK][at], ATTACK_END);
	} else if (!g && s->gate[l]) {
		adsr_enter(s, l, STAGE_RELEASE, io->param[P_RELEASE][at], FALL_END);
	}
	s->gate[l] = g;
	while (timed(s->stage[l]) && s->k[l] >= s->len[l]) {
		const int st = s->stage[l];
		s->out[l]    = st == STAGE_ATTACK ? 1.0f : st == STAGE_DECAY ? io->param[P_SUSTAIN][at] : 0.0f;
		if (st == STAGE_ATTACK) {
			adsr_enter(s, l, STAGE_DECAY, io->param[P_DECAY][at], FALL_END);
		} else {
			adsr_enter(s, l, st == STAGE_DECAY ? STAGE_SUSTAIN : STAGE_IDLE, 0.0f, 1.0);
		}
	}
}

/* The value lane l's timed stage gives at sample k of it (as the kernel
 * computes it, with q^k from pow rather than a running product). */
static float
stage_value(const Adsr* s, unsigned l, uint32_t k, float sustain)
{
	const int32_t st     = s->stage[l];
	const float   target = st == STAGE_ATTACK ? 1.0f : st == STAGE_DECAY ? sustain : 0.0f;
	float         shape  = (float)((pow(s->q[l], (double)k) - s->e_end[l]) * s->span[l]);
	shape                = shape < 0.0f ? 0.0f : (shape > 1.0f ? 1.0f : shape);
	return dsp_flush(target + (s->start[l] - target) * shape);
}

/* Audio thread, once per handed-over voice: lane l, whose gate rose
 * s->k[l] samples ago and stayed high, is put where its curve is now, with
 * the times and sustain of frame `at`: in its attack (from 0), its decay
 * (from 1) or its sustain stage, with k and q^k as the kernel would have
 * left them and `out` at the previous sample's value (a gate falling on
 * this very frame releases from there). */
static void
adsr_place_held(Adsr* s, unsigned l, const ModuleIO* io, size_t at)
{
	const float sus = io->param[P_SUSTAIN][at];
	uint32_t    age = s->k[l];
	s->gate[l]      = 1;
	s->out[l]       = 0.0f;
	adsr_enter(s, l, STAGE_ATTACK, io->param[P_ATTACK][at], ATTACK_END);
	if (age >= s->len[l]) {
		age -= s->len[l];
		s->out[l] = 1.0f;
		adsr_enter(s, l, STAGE_DECAY, io->param[P_DECAY][at], FALL_END);
		if (age >= s->len[l]) {
			s->out[l] = sus;
			adsr_enter(s, l, STAGE_SUSTAIN, 0.0f, 1.0);
			return;
		}
	}
	s->k[l] = age;
	s->e[l] = pow(s->q[l], (double)age);
	if (age > 0) {
		s->out[l] = stage_value(s, l, age - 1, sus);
	}
}

/* Per frame: a vector test finds lanes whose gate moved or whose stage
 * ended (rare) and handles them one by one; then every lane's value comes
 * from one branch-free lane loop. */
SIMD_INLINE void
adsr_kernel(void* state, const ModuleIO* io, const unsigned L)
{
	Adsr*        s       = state;
	const float* gate    = io->in[IN_GATE];
	const float* sustain = io->param[P_SUSTAIN];
	for (unsigned l = 0; l < L; ++l) {
		if (s->stage[l] == STAGE_HELD) {
			adsr_place_held(s, l, io, l);
		}
	}
	/* What the lane loop writes lives in locals for the block, so the loop
	 * stores nothing the compiler must prove apart from its inputs. */
	uint32_t k[CHRONUS_LANES];
	double   e[CHRONUS_LANES];
	float    out[CHRONUS_LANES];
	memcpy(k, s->k, sizeof k);
	memcpy(e, s->e, sizeof e);
	memcpy(out, s->out, sizeof out);

	for (unsigned i = 0; i < io->n; ++i) {
		int event = 0;
		for (unsigned l = 0; l < L; ++l) {
			const int32_t g = gate[i * L + l] > 0.5f;
			event |= (g != s->gate[l]) | (timed(s->stage[l]) & (k[l] >= s->len[l]));
		}
		if (event) {
			memcpy(s->k, k, sizeof k);
			memcpy(s->e, e, sizeof e);
			memcpy(s->out, out, sizeof out);
			for (unsigned l = 0; l < L; ++l) {
				adsr_events(s, l, gate[i * L + l] > 0.5f, io, (size_t)i * L + l);
			}
			memcpy(k, s->k, sizeof k);
			memcpy(e, s->e, sizeof e);
			memcpy(out, s->out, sizeof out);
		}
		for (unsigned l = 0; l < L; ++l) {
			/* Every load unconditional: a load under a condition becomes a
			 * masked load, which is slow on some CPUs. */
			const int32_t st     = s->stage[l];
			const float   sus    = sustain[i * L + l];
			const double  q = s->q[l], e_end = s->e_end[l], span = s->span[l];
			const float   start = s->start[l];
			/* q^k needs double to stay exact over 10 s stages; the
			 * shape made from it does not. */
			const float   target = st == STAGE_ATTACK ? 1.0f : st == STAGE_DECAY ? sus : 0.0f;
			float         shape  = (float)((e[l] - e_end) * span);
			shape                = shape < 0.0f ? 0.0f : (shape > 1.0f ? 1.0f : shape);
			const float   ramp   = dsp_flush(target + (start - target) * shape);
			const bool    moving = timed(st);
			const float   still  = st == STAGE_SUSTAIN ? sus : 0.0f;
			out[l]               = moving ? ramp : still;
			k[l] += moving;
			const double next = e[l] * q;
			e[l]              = moving ? next : e[l];
		}
		memcpy(io->out + (size_t)i * L, out, sizeof(float) * L);
	}
	memcpy(s->k, k, sizeof k);
	memcpy(s->e, e, sizeof e);
	memcpy(s->out, out, sizeof out);
}

SIMD_LANE_PROCESS(adsr_process, adsr_kernel)

/* Audio thread: lane l as if its gate had risen `age` samples ago and
 * stayed high, so no attack starts now: the next process() places it on
 * its own curve (adsr_place_held). A note struck just before a swap goes on
 * with its attack; one held for long is in its sustain stage, and a
 * percussive envelope (sustain 0) is silent: a held note is never struck
 * again. */
static void
adsr_enter_held(void* state, unsigned l, uint32_t age)
{
	Adsr* s = state;
	adsr_reset_lane(s, l);
	s->stage[l] = STAGE_HELD;
	s->gate[l]  = 1;
	s->k[l]     = age;
}

/* Audio thread: quiet for good once the release is over and the gate low. */
static bool
adsr_active_lane(const void* state, unsigned l)
{
	const Adsr* s = state;
	return s->stage[l] != STAGE_IDLE || s->gate[l];
}

static bool
adsr_active(const void* state)
{
	return adsr_active_lane(state, 0);
}

static const InputSpec adsr_inputs[] = {
	[IN_GATE] = {"gate", "on while above 0.5; the voice's gate unless connected", IMPLICIT_GATE},
};

static const ParamSpec adsr_params[] = {
	[P_ATTACK]  = {"attack", "ms", "time to rise from the current level to 1", 0.0f, 10000.0f,
	               5.0f, CURVE_LIN, 0.0f, NULL},
	[P_DECAY]   = {"decay", "ms", "time to fall from 1 to the sustain level", 0.0f, 10000.0f,
	               200.0f, CURVE_LIN, 0.0f, NULL},
	[P_SUSTAIN] = {"sustain", "", "level held while the gate is on", 0.0f, 1.0f, 0.7f,
	               CURVE_LIN, 5.0f, NULL},
	[P_RELEASE] = {"release", "ms", "time to fall from the current level to 0", 0.0f,
	               10000.0f, 300.0f, CURVE_LIN, 0.0f, NULL},
};

const ModuleType module_adsr = {
	.name       = "adsr",
	.summary    = "ADSR envelope, analog-like curves landing exactly at the set times",
	.flags      = MODULE_ENVELOPE | MODULE_LANES,
	.n_inputs   = sizeof adsr_inputs / sizeof adsr_inputs[0],
	.inputs     = adsr_inputs,
	.n_params   = sizeof adsr_params / sizeof adsr_params[0],
	.params     = adsr_params,
	.state_size = sizeof(Adsr),
	.init       = adsr_init,
	.reset      = adsr_reset,
	.process    = adsr_process,
	.process_avx2 = SIMD_AVX2_OF(adsr_process),
	.active     = adsr_active,
	.reset_lane = adsr_reset_lane,
	.active_lane = adsr_active_lane,
	.enter_held  = adsr_enter_held,
};
