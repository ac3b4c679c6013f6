/* SPDX-License-Identifier: ISC
 *
 * chorus: a stereo chorus, ensemble and flanger for the master chain.
 *
 * Three delayed copies of each channel, their delay times swept by sine
 * LFOs a third of a cycle apart (a smooth ensemble: while one copy's pitch
 * rises another's falls, so the sum does not wobble as one copy does), the
 * right channel's LFOs a quarter cycle later than the left's at width 1
 * (the copies differ between the ears: the classic wide chorus) and the
 * same at width 0. A short delay with feedback makes it a flanger. Why:
 * - Third-order Lagrange reads (dsp/delayline.h): no state, so a sweeping
 *   time leaves no transient, and flat to 0.1 dB below a quarter of the
 *   rate (linear interpolation would dull the copies as they move).
 * - The LFO phases are counted from the module's start in double, so the
 *   same run gives the same samples however it is split into calls.
 * - The wet sum is the mean of the copies: the level holds at any mix.
 * Master only, stereo (MODULE_STEREO). Its rings are fixed: 8192 samples a
 * channel hold the longest sweep (40 ms) up to 192 kHz.
 */
#include "dsp/delayline.h"
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <math.h>
#include <string.h>

enum { P_RATE, P_DEPTH, P_DELAY, P_FEEDBACK, P_WIDTH, P_MIX };

#define RING     8192u
#define N_TAPS   3

typedef struct {
	double   rate;
	float    ring[2][RING];
	unsigned w;
	double   phase; /* LFO phase, cycles, of the left channel's first copy */
	float    wet[2]; /* last wet sample of each channel (feedback) */
} Chorus;

static void
chorus_reset(void* state)
{
	Chorus* c = state;
	memset(c->ring, 0, sizeof c->ring);
	c->w     = 0;
	c->phase = 0.0;
	c->wet[0] = c->wet[1] = 0.0f;
}

static void
chorus_init(void* state, double rate)
{
	Chorus* c = state;
	c->rate   = rate;
	chorus_reset(c);
}

static void
chorus_process_stereo(void* state, const ModuleIO* left, const ModuleIO* right)
{
	Chorus*      c     = state;
	const float* in[2] = {left->in[0], right->in[0]};
	float*       out[2] = {left->out, right->out};
	const float* rate  = left->param[P_RATE];
	const float* depth = left->param[P_DEPTH];
	const float* delay = left->param[P_DELAY];
	const float* fb    = left->param[P_FEEDBACK];
	const float* width = left->param[P_WIDTH];
	const float* mix   = left->param[P_MIX];
	const float  ms    = (float)(0.001 * c->rate);
	const float  top   = (float)(RING - 4u);
	for (unsigned i = 0; i < left->n; ++i) {
		const unsigned w = c->w;
		for (unsigned ch = 0; ch < 2; ++ch) {
			const float x = dsp_sane(in[ch][i]);
			c->ring[ch][w & (RING - 1u)] = dsp_flush(x + fb[i] * c->wet[ch]);
			float sum = 0.0f;
			for (unsigned k = 0; k < N_TAPS; ++k) {
				const double ph = c->phase + (double)k / N_TAPS + (ch ? 0.25 * width[i] : 0.0);
				const float  m  = (float)sin(DSP_TAU * ph);
				float        d  = (delay[i] + depth[i] * m) * ms;
				d               = d < 2.0f ? 2.0f : (d > top ? top : d);
				sum += dl_read_lagrange(c->ring[ch], RING - 1u, w, d);
			}
			const float wet = sum * (1.0f / N_TAPS);
			c->wet[ch]      = wet;
			out[ch][i]      = (1.0f - mix[i]) * x + mix[i] * wet;
		}
		c->phase += rate[i] / c->rate;
		c->phase -= floor(c->phase);
		c->w = w + 1u;
	}
}

static const InputSpec chorus_inputs[] = {
	{"in", "audio to thicken (each channel its own)", IMPLICIT_NONE},
};

static const ParamSpec chorus_params[] = {
	[P_RATE]     = {"rate", "Hz", "how fast the copies' delays sweep", 0.05f, 8.0f, 0.6f, CURVE_EXP, 10.0f, NULL},
	[P_DEPTH]    = {"depth", "ms", "how far they sweep, either side of the delay", 0.0f, 10.0f, 3.0f, CURVE_LIN, 10.0f, NULL},
	[P_DELAY]    = {"delay", "ms", "the copies' centre delay: 8-25 a chorus, 1-5 a flanger", 0.5f, 30.0f, 12.0f, CURVE_EXP, 20.0f, NULL},
	[P_FEEDBACK] = {"feedback", "", "wet signal fed back into the delay (a flanger's resonance); negative inverts it",
	                -0.9f, 0.9f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_WIDTH]    = {"width", "", "0: both channels swept alike; 1: the right a quarter cycle after the left (wide)",
	                0.0f, 1.0f, 1.0f, CURVE_LIN, 10.0f, NULL},
	[P_MIX]      = {"mix", "", "dry/wet: 0 dry only, 1 the copies only (0.5: the classic chorus)", 0.0f, 1.0f, 0.5f, CURVE_LIN, 10.0f, NULL},
};

const ModuleType module_chorus = {
	.name           = "chorus",
	.summary        = "stereo chorus / ensemble / flanger: three swept copies per channel, feedback, width, mix; master only",
	.flags          = MODULE_LANES | MODULE_MASTER_ONLY | MODULE_STEREO,
	.n_inputs       = sizeof chorus_inputs / sizeof chorus_inputs[0],
	.inputs         = chorus_inputs,
	.n_params       = sizeof chorus_params / sizeof chorus_params[0],
	.params         = chorus_params,
	.state_size     = sizeof(Chorus),
	.init           = chorus_init,
	.reset          = chorus_reset,
	.process        = NULL,
	.process_stereo = chorus_process_stereo,
};
