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
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <stdint.h>

enum { IN_GATE };
enum { P_ATTACK, P_DECAY, P_SUSTAIN, P_RELEASE };
enum { STAGE_IDLE, STAGE_ATTACK, STAGE_DECAY, STAGE_SUSTAIN, STAGE_RELEASE };

#define ATTACK_END 0.33333333333333333 /* q^N of the attack */
#define FALL_END   0.001               /* q^N of decay and release */

typedef struct {
	double   rate;
	int      stage;
	bool     gate;     /* the previous sample's gate */
	uint32_t k, len;   /* samples into the stage, and its length */
	double   e, q;     /* q^k, and q */
	double   e_end;    /* q^len */
	float    start;    /* level at the stage start */
	float    out;      /* the last output */
} Adsr;

static void
adsr_reset(void* state)
{
	Adsr* s  = state;
	s->stage = STAGE_IDLE;
	s->gate  = false;
	s->k = s->len = 0;
	s->e = s->q = s->e_end = 1.0;
	s->start = s->out = 0.0f;
}

static void
adsr_init(void* state, double rate)
{
	Adsr* s = state;
	s->rate = rate;
	adsr_reset(s);
}

/* Audio thread: enter a stage at the current level; a timed one reads its
 * time (ms) now and makes its curve (one exp). */
static void
adsr_enter(Adsr* s, int stage, float ms, double end)
{
	s->stage = stage;
	s->start = s->out;
	s->k     = 0;
	s->e     = 1.0;
	if (stage == STAGE_ATTACK || stage == STAGE_DECAY || stage == STAGE_RELEASE) {
		const double t = ms == ms ? dsp_clamp((double)ms, 0.0, 10000.0) : 0.0;
		s->len         = (uint32_t)llround(t * s->rate / 1000.0);
		s->e_end       = end;
		s->q           = s->len > 0 ? exp(log(end) / s->len) : 1.0;
	}
}

static void
adsr_process(void* state, const ModuleIO* io)
{
	Adsr*        s       = state;
	const float* gate    = io->in[IN_GATE];
	const float* attack  = io->param[P_ATTACK];
	const float* decay   = io->param[P_DECAY];
	const float* sustain = io->param[P_SUSTAIN];
	const float* release = io->param[P_RELEASE];

	for (unsigned i = 0; i < io->n; ++i) {
		const bool g = gate[i] > 0.5f;
		if (g && !s->gate) {
			adsr_enter(s, STAGE_ATTACK, attack[i], ATTACK_END);
		} else if (!g && s->gate) {
			adsr_enter(s, STAGE_RELEASE, release[i], FALL_END);
		}
		s->gate = g;

		float y = 0.0f;
		for (;;) { /* until a stage gives this sample's value */
			if (s->stage == STAGE_IDLE) {
				y = 0.0f;
				break;
			}
			if (s->stage == STAGE_SUSTAIN) {
				y = sustain[i];
				break;
			}
			const float target = s->stage == STAGE_ATTACK  ? 1.0f
			                     : s->stage == STAGE_DECAY ? sustain[i]
			                                               : 0.0f;
			if (s->k >= s->len) { /* done: exactly at target, next stage */
				s->out = target;
				if (s->stage == STAGE_ATTACK) {
					adsr_enter(s, STAGE_DECAY, decay[i], FALL_END);
				} else {
					adsr_enter(s, s->stage == STAGE_DECAY ? STAGE_SUSTAIN : STAGE_IDLE, 0.0f, 1.0);
				}
				continue;
			}
			const double shape = dsp_clamp((s->e - s->e_end) / (1.0 - s->e_end), 0.0, 1.0);
			y = dsp_flush((float)((double)target + (double)(s->start - target) * shape));
			++s->k;
			s->e *= s->q;
			break;
		}
		s->out     = y;
		io->out[i] = y;
	}
}

/* Audio thread: quiet for good once the release is over and the gate low. */
static bool
adsr_active(const void* state)
{
	const Adsr* s = state;
	return s->stage != STAGE_IDLE || s->gate;
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
	.flags      = MODULE_ENVELOPE,
	.n_inputs   = sizeof adsr_inputs / sizeof adsr_inputs[0],
	.inputs     = adsr_inputs,
	.n_params   = sizeof adsr_params / sizeof adsr_params[0],
	.params     = adsr_params,
	.state_size = sizeof(Adsr),
	.init       = adsr_init,
	.reset      = adsr_reset,
	.process    = adsr_process,
	.active     = adsr_active,
};
