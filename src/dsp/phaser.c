/* SPDX-License-Identifier: ISC
 *
 * phaser: a stereo phaser for the master chain.
 *
 * A chain of first-order allpasses, all at one break frequency that an LFO
 * sweeps up and down (exponentially, between centre / 2^depth and
 * centre x 2^depth), mixed with the dry signal: where the chain has turned
 * the phase by an odd multiple of 180 degrees the two cancel, so
 * `stages` / 2 notches sweep through the sound. Why:
 * - Each allpass is the bilinear (trapezoidal) one, its coefficient from
 *   the prewarped tan(pi f0 / fs): each stage turns the phase by exactly
 *   90 degrees at f0, and with N stages and mix 0.5 the notches sit where
 *   tan(pi f / fs) = tan(pi f0 / fs) tan(k pi / 2N), k odd (the analog
 *   chain's f0 tan(k pi / 2N), bent by the bilinear map), at any rate.
 * - Feedback from the chain's end to its start sharpens the notches and
 *   puts peaks between them (negative: the other way round).
 * - The right channel's LFO runs `width` x a quarter cycle later than the
 *   left's: the notches move apart between the ears.
 * - The LFO phase is counted in double from the module's start, so any
 *   split of a run gives the same samples.
 * - A `stages` change crossfades, over SWITCH_MS on an S-curve, from the
 *   chain's output after the old number of stages to its output after the
 *   new (one chain, run to the longer of the two, read at both; stages it
 *   adds start from rest); the feedback takes the blend. A chain that
 *   changed length at once would jump. A change during a fade waits for
 *   it to end.
 * Master only, stereo (MODULE_STEREO).
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <math.h>
#include <string.h>

enum { P_RATE, P_DEPTH, P_CENTER, P_STAGES, P_FEEDBACK, P_WIDTH, P_MIX };

#define MAX_STAGES 12
#define SWITCH_MS  20.0 /* a stages change crossfades over this */

static const unsigned stage_counts[] = {2, 4, 6, 8, 12};
#define N_COUNTS (sizeof stage_counts / sizeof stage_counts[0])

typedef struct {
	double rate;
	double phase;                 /* LFO, cycles */
	float  s[2][MAX_STAGES];      /* each allpass's state, per channel */
	float  last[2];               /* each channel's chain output (feedback) */
	bool     fresh;               /* nothing rendered yet: take the stages as they are */
	unsigned n, n_old;            /* stages now, and before a change (while it fades) */
	unsigned fade_left, fade_len; /* samples left of a crossfade; its length */
} Phaser;

static void
phaser_reset(void* state)
{
	Phaser* p = state;
	memset(p->s, 0, sizeof p->s);
	p->last[0]   = p->last[1] = 0.0f;
	p->phase     = 0.0;
	p->fresh     = true;
	p->fade_left = 0;
}

static void
phaser_init(void* state, double rate)
{
	Phaser* p = state;
	p->rate     = rate;
	p->fade_len = (unsigned)fmax(1.0, SWITCH_MS * 0.001 * rate);
	phaser_reset(p);
}

static void
phaser_process_stereo(void* state, const ModuleIO* left, const ModuleIO* right)
{
	Phaser*      p      = state;
	const float* in[2]  = {left->in[0], right->in[0]};
	float*       out[2] = {left->out, right->out};
	const float* rate   = left->param[P_RATE];
	const float* depth  = left->param[P_DEPTH];
	const float* center = left->param[P_CENTER];
	const float* stages = left->param[P_STAGES];
	const float* fb     = left->param[P_FEEDBACK];
	const float* width  = left->param[P_WIDTH];
	const float* mix    = left->param[P_MIX];
	for (unsigned i = 0; i < left->n; ++i) {
		const unsigned want = stage_counts[(unsigned)dsp_clamp(stages[i], 0.0, N_COUNTS - 1.0)];
		if (p->fresh) {
			p->fresh = false;
			p->n     = want;
		} else if (want != p->n && !p->fade_left) {
			for (unsigned c = 0; c < 2; ++c) {
				for (unsigned k = p->n; k < want; ++k) {
					p->s[c][k] = 0.0f; /* added stages: from rest */
				}
			}
			p->n_old     = p->n;
			p->n         = want;
			p->fade_left = p->fade_len;
		}
		const unsigned n    = p->n;
		const unsigned nrun = p->fade_left && p->n_old > n ? p->n_old : n;
		const float    g    = p->fade_left ? dsp_smoothstep((float)p->fade_left / (float)p->fade_len) : 0.0f;
		for (unsigned c = 0; c < 2; ++c) {
			const double ph = p->phase + (c ? 0.25 * width[i] : 0.0);
			const double f  = dsp_clamp(center[i] * exp2(depth[i] * sin(DSP_TAU * ph)), 10.0, 0.45 * p->rate);
			const double t  = tan(DSP_PI * f / p->rate);
			const float  a  = (float)((t - 1.0) / (t + 1.0)); /* y = a x + s; s = x - a y */
			const float  x  = dsp_sane(in[c][i]);
			float        v  = x + fb[i] * p->last[c], v_old = v, v_new = v;
			for (unsigned k = 0; k < nrun; ++k) {
				const float y = a * v + p->s[c][k];
				p->s[c][k]    = dsp_flush(v - a * y);
				v             = y;
				if (k + 1 == n) {
					v_new = v;
				}
				if (k + 1 == p->n_old) {
					v_old = v;
				}
			}
			v          = p->fade_left ? v_new + g * (v_old - v_new) : v;
			p->last[c] = v;
			out[c][i]  = (1.0f - mix[i]) * x + mix[i] * v;
		}
		if (p->fade_left) {
			--p->fade_left;
		}
		p->phase += rate[i] / p->rate;
		p->phase -= floor(p->phase);
	}
}

static const char* const stage_names[] = {"2", "4", "6", "8", "12", NULL};

static const InputSpec phaser_inputs[] = {
	{"in", "audio to phase (each channel its own)", IMPLICIT_NONE},
};

static const ParamSpec phaser_params[] = {
	[P_RATE]     = {"rate", "Hz", "how fast the notches sweep", 0.02f, 10.0f, 0.3f, CURVE_EXP, 10.0f, NULL},
	[P_DEPTH]    = {"depth", "oct", "how far they sweep, octaves either side of the centre", 0.0f, 4.0f, 2.0f,
	                CURVE_LIN, 10.0f, NULL},
	[P_CENTER]   = {"center", "Hz", "the allpasses' break frequency at the middle of the sweep", 50.0f, 10000.0f,
	                800.0f, CURVE_EXP, 10.0f, NULL},
	[P_STAGES]   = {"stages", "", "allpass stages (half as many notches); a change crossfades from the old number "
	                "to the new over 20 ms", 0.0f, 4.0f, 1.0f, CURVE_LIN, 0.0f,
	                stage_names},
	[P_FEEDBACK] = {"feedback", "", "the chain's output fed back to its input: sharper notches and peaks",
	                -0.9f, 0.9f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_WIDTH]    = {"width", "", "0: both channels alike; 1: the right's sweep a quarter cycle later", 0.0f, 1.0f,
	                1.0f, CURVE_LIN, 10.0f, NULL},
	[P_MIX]      = {"mix", "", "dry/phased: 0.5 the deepest notches", 0.0f, 1.0f, 0.5f, CURVE_LIN, 10.0f, NULL},
};

const ModuleType module_phaser = {
	.name           = "phaser",
	.summary        = "stereo phaser: 2-12 swept allpass stages, feedback, width, mix; master only",
	.flags          = MODULE_LANES | MODULE_MASTER_ONLY | MODULE_STEREO,
	.n_inputs       = sizeof phaser_inputs / sizeof phaser_inputs[0],
	.inputs         = phaser_inputs,
	.n_params       = sizeof phaser_params / sizeof phaser_params[0],
	.params         = phaser_params,
	.state_size     = sizeof(Phaser),
	.init           = phaser_init,
	.reset          = phaser_reset,
	.process        = NULL,
	.process_stereo = phaser_process_stereo,
};
