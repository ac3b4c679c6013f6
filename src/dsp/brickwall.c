/* SPDX-License-Identifier: ISC
 *
 * brickwall: a stereo-linked peak limiter a patch places in its master
 * chain (the plugin's own output safety limiter, src/dsp/limiter.c, is a
 * fixed control, not a module; this one has a ceiling, a drive and a
 * release). Named brickwall, not limiter, so that `create x limiter`
 * is not mistaken for the plugin's `limiter` on/off control.
 *
 * Why this shape: it is the output limiter's design with its constants
 * made parameters, and it runs that code (limiter_env_step,
 * limiter_shape): no lookahead, so no latency for the plugin to report;
 * the envelope jumps to every new peak at once, holds it for 20 ms and
 * falls back with the `release` time constant; the gain brings the
 * envelope under a soft-knee curve that starts 2 dB below the ceiling and
 * tends to 0.005 dB under it. The output is x * curve(e) / e with
 * |x| <= e, so no sample peak can pass the ceiling, whatever arrives
 * (rounding included). Below the knee the gain is exactly 1: with no
 * drive, a signal that stays 2 dB under the ceiling passes bit for bit.
 * One envelope for both channels (the image does not move).
 * Master only, stereo (MODULE_STEREO).
 */
#include "dsp/dsp_util.h"
#include "dsp/limiter.h"
#include "dsp/module.h"

#include <math.h>

enum { P_CEILING, P_GAIN, P_RELEASE };

#define KNEE_DB   2.0   /* the curve starts this far under the ceiling */
#define MARGIN_DB 0.005 /* and tends to this far under it */

typedef struct {
	double     rate;
	LimiterEnv le;
	unsigned   hold;
	float      last_ceiling, knee, range;
	float      last_gain, drive;
	float      last_release, release;
} Brickwall;

static void
brickwall_reset(void* state)
{
	Brickwall* b    = state;
	b->le.env       = 0.0f;
	b->le.held      = 0;
	b->last_ceiling = NAN; /* remake every coefficient at the first sample */
	b->last_gain    = NAN;
	b->last_release = NAN;
}

static void
brickwall_init(void* state, double rate)
{
	Brickwall* b = state;
	b->rate      = rate;
	b->hold      = (unsigned)lrint(LIMITER_HOLD_MS * 0.001 * rate);
	brickwall_reset(b);
}

static void
brickwall_process_stereo(void* state, const ModuleIO* left, const ModuleIO* right)
{
	Brickwall*   b   = state;
	const float* cei = left->param[P_CEILING];
	const float* gn  = left->param[P_GAIN];
	const float* rel = left->param[P_RELEASE];
	for (unsigned i = 0; i < left->n; ++i) {
		if (!(cei[i] == b->last_ceiling)) {
			const double c  = dsp_clamp(cei[i], -60.0, 0.0);
			b->knee         = (float)pow(10.0, (c - KNEE_DB) / 20.0);
			b->range        = (float)pow(10.0, (c - MARGIN_DB) / 20.0) - b->knee;
			b->last_ceiling = cei[i];
		}
		if (!(gn[i] == b->last_gain)) {
			b->drive     = (float)pow(10.0, dsp_clamp(gn[i], -24.0, 48.0) / 20.0);
			b->last_gain = gn[i];
		}
		if (!(rel[i] == b->last_release)) {
			b->release      = (float)exp(-1.0 / (dsp_clamp(rel[i], 1.0, 5000.0) * 0.001 * b->rate));
			b->last_release = rel[i];
		}
		const float xl = dsp_sane(left->in[0][i]) * b->drive, xr = dsp_sane(right->in[0][i]) * b->drive;
		const float e  = limiter_env_step(&b->le, fmaxf(fabsf(xl), fabsf(xr)), b->hold, b->release);
		const float g  = e > b->knee ? limiter_shape(b->knee, b->range, e) / e : 1.0f;
		left->out[i]   = xl * g;
		right->out[i]  = xr * g;
	}
}

static const InputSpec brickwall_inputs[] = {
	{"in", "audio to limit (each channel its own; one gain for both)", IMPLICIT_NONE},
};

static const ParamSpec brickwall_params[] = {
	[P_CEILING] = {"ceiling", "dB", "no sample peak comes out above this; the curve starts 2 dB under it",
	               -24.0f, 0.0f, -1.0f, CURVE_LIN, 10.0f, NULL},
	[P_GAIN]    = {"gain", "dB", "drive into the limiter (louder, and more limited)", 0.0f, 24.0f, 0.0f, CURVE_LIN,
	               10.0f, NULL},
	[P_RELEASE] = {"release", "ms", "time constant of the return to unity, after a 20 ms hold", 5.0f, 1000.0f, 80.0f,
	               CURVE_EXP, 10.0f, NULL},
};

const ModuleType module_brickwall = {
	.name           = "brickwall",
	.summary        = "stereo-linked brickwall peak limiter, no lookahead (no latency): ceiling, gain (drive), release; master only",
	.flags          = MODULE_LANES | MODULE_MASTER_ONLY | MODULE_STEREO,
	.n_inputs       = sizeof brickwall_inputs / sizeof brickwall_inputs[0],
	.inputs         = brickwall_inputs,
	.n_params       = sizeof brickwall_params / sizeof brickwall_params[0],
	.params         = brickwall_params,
	.state_size     = sizeof(Brickwall),
	.init           = brickwall_init,
	.reset          = brickwall_reset,
	.process        = NULL,
	.process_stereo = brickwall_process_stereo,
};
