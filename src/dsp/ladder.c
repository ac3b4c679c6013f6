/* SPDX-License-Identifier: ISC
 *
 * ladder: 24 dB/oct Moog-style lowpass with a saturating input stage.
 *
 * Zavalishin's topology-preserving (zero-delay-feedback) ladder: four
 * trapezoidal one-pole stages with the feedback loop solved in closed form
 * each sample, so resonance tracks the cutoff exactly and self-oscillates at
 * k = 4 at every cutoff, as the analog circuit does. The input/feedback
 * difference goes through tanh, like the ladder's differential-pair input:
 * the loop is solved linearly, then the difference is saturated. That bounds
 * what enters the stages to [-1, 1], so the filter stays bounded for any
 * parameter sequence and self-oscillation settles at a steady level.
 *
 * What "cutoff" means: at resonance 0 it is the -3 dB point of the whole
 * 4-pole response. Four identical one-poles are each -3/4 dB there, so each
 * stage sits at fc / sqrt(2^(1/4) - 1), about 2.3 fc; the scaling is done on
 * the prewarped (analog) frequency, g = tan(pi fc / fs) * 2.3, which keeps
 * it exact up to the top of the range. A resonant ladder peaks (and
 * self-oscillates) at its stage frequency, though, which would put the
 * peak 2.3x above the set cutoff. So the stage factor glides, evenly in
 * log frequency, from 2.3 at k = 0 to 1 at the oscillation edge k = 4:
 * at high resonance the set cutoff is where the peak is and the pitch the
 * filter sings at, as with the svf.
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <math.h>

enum { P_CUTOFF, P_RESONANCE, P_DRIVE };

#define K_MAX     4.2f /* resonance 1: just past the k = 4 oscillation edge */
#define GAIN_COMP 0.5f /* give back half the passband lost to feedback */
#define DRIVE_MAX 8.0  /* drive 1: 8x (+18 dB) into the saturation */
#define IN_MAX    1e6f /* inputs beyond this are broken upstream */

typedef struct {
	double rate;
	float  s[4];                             /* the stages' integrator states */
	float  last_cutoff, last_res, last_drive; /* what the values below were made for */
	float  G, beta, G4;                      /* stage gains: g/(1+g), 1/(1+g), G^4 */
	float  k, in_gain, out_gain;
	float  stage;                            /* stage frequency over cutoff */
	float  inv_loop;                         /* 1 / (1 + k G^4): the loop solve */
	float  inv_rate;
} Ladder;

static inline float
sane(float x)
{
	return x == x ? dsp_clampf(x, -IN_MAX, IN_MAX) : 0.0f;
}

/* Rational tanh (a Pade form): slope exactly 1 at 0, so small signals stay
 * linear; reaches +-1 with zero slope at +-3; never more than 0.024 from
 * tanh, and far cheaper. */
static inline float
soft_clip(float x)
{
	x = dsp_clampf(x, -3.0f, 3.0f);
	const float x2 = x * x;
	return x * (27.0f + x2) / (27.0f + 9.0f * x2);
}

/* Audio thread: remake what depends on resonance and drive (rarely moved). */
static void
ladder_shape_coefs(Ladder* l, float res, float drive)
{
	/* 1 / sqrt(2^(1/4) - 1): stage over -3 dB frequency of 4 equal one-poles. */
	const double stage_max = 2.2989592;
	const double k         = K_MAX * dsp_clamp(res, 0.0, 1.0);
	l->stage               = (float)pow(stage_max, fmax(0.0, 1.0 - k / 4.0));
	l->k                   = (float)k;
	/* Drive is exponential (even in dB). The output gives back half of it
	 * in dB: at full drive a quiet input (0.1) grows by 8 dB, a half-scale
	 * one stays put and a full-scale one, already saturating, ends 5 dB
	 * lower, so neither end explodes. */
	const double drive_gain = pow(DRIVE_MAX, dsp_clamp(drive, 0.0, 1.0));
	l->in_gain    = (float)drive_gain * (1.0f + GAIN_COMP * l->k);
	l->out_gain   = (float)(1.0 / sqrt(drive_gain));
	l->last_res   = res;
	l->last_drive = drive;
	l->last_cutoff = -1.0f; /* the stage factor moved: remake g too */
}

/* Audio thread: remake what depends on the cutoff, which an envelope may
 * move every sample: one tanf, no pow. */
static void
ladder_cutoff_coefs(Ladder* l, float cutoff)
{
	const float fc = dsp_clampf(cutoff, 1.0f, 0.49f * (float)l->rate);
	const float g  = tanf((float)DSP_PI * fc * l->inv_rate) * l->stage;
	const float G  = g / (1.0f + g);
	l->G           = G;
	l->beta        = 1.0f / (1.0f + g);
	l->G4          = G * G * G * G;
	l->inv_loop    = 1.0f / (1.0f + l->k * l->G4);
	l->last_cutoff = cutoff;
}

/* Audio or worker thread: silence, as on a fresh voice. */
static void
ladder_reset(void* state)
{
	Ladder* l = state;
	for (int j = 0; j < 4; ++j) {
		l->s[j] = 0.0f;
	}
	/* No parameter is negative, so the first sample always makes coefficients. */
	l->last_cutoff = l->last_res = l->last_drive = -1.0f;
}

/* Worker thread. */
static void
ladder_init(void* state, double rate)
{
	Ladder* l = state;
	l->rate     = rate;
	l->inv_rate = (float)(1.0 / rate);
	ladder_reset(l);
}

/* Audio thread. */
static void
ladder_process(void* state, const ModuleIO* io)
{
	Ladder*      l      = state;
	const float* in     = io->in[0];
	const float* cutoff = io->param[P_CUTOFF];
	const float* res    = io->param[P_RESONANCE];
	const float* drive  = io->param[P_DRIVE];

	for (unsigned i = 0; i < io->n; ++i) {
		if (res[i] != l->last_res || drive[i] != l->last_drive) {
			ladder_shape_coefs(l, res[i], drive[i]);
		}
		if (cutoff[i] != l->last_cutoff) {
			ladder_cutoff_coefs(l, cutoff[i]);
		}
		const float G = l->G;
		const float x = sane(in[i]) * l->in_gain;
		/* Each stage outputs G * input + beta * state, so the last one is
		 * G^4 * u + S; with u = x - k * y4 that solves to the line below. */
		const float S  = l->beta * (l->s[3] + G * (l->s[2] + G * (l->s[1] + G * l->s[0])));
		const float y4 = (l->G4 * x + S) * l->inv_loop;
		float       u  = soft_clip(x - l->k * y4);
		for (int j = 0; j < 4; ++j) {
			const float v = (u - l->s[j]) * G;
			const float y = v + l->s[j];
			/* Flushed so a decaying voice never lingers in denormals. */
			l->s[j] = dsp_flush(y + v);
			u       = y;
		}
		io->out[i] = u * l->out_gain;
	}
}

static const InputSpec ladder_inputs[] = {
	{"in", "audio to filter", IMPLICIT_NONE},
};

static const ParamSpec ladder_params[] = {
	[P_CUTOFF] = {"cutoff", "Hz", "-3 dB point at resonance 0, resonant peak at high resonance",
	              20.0f, 20000.0f, 1000.0f, CURVE_EXP, 10.0f, NULL},
	[P_RESONANCE] = {"resonance", "", "feedback; self-oscillates from about 0.95",
	                 0.0f, 1.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_DRIVE] = {"drive", "", "input gain into the saturation, 1x .. 8x, output half compensated",
	             0.0f, 1.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
};

const ModuleType module_ladder = {
	.name       = "ladder",
	.summary    = "24 dB/oct Moog-style ladder lowpass with saturating input",
	.flags      = 0,
	.n_inputs   = sizeof ladder_inputs / sizeof ladder_inputs[0],
	.inputs     = ladder_inputs,
	.n_params   = sizeof ladder_params / sizeof ladder_params[0],
	.params     = ladder_params,
	.state_size = sizeof(Ladder),
	.init       = ladder_init,
	.reset      = ladder_reset,
	.process    = ladder_process,
	.active     = NULL,
};
