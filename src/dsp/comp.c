/* SPDX-License-Identifier: ISC
 *
 * comp: a stereo-linked feed-forward compressor for the master chain.
 *
 * Why this shape:
 * - One detector for both channels (the louder of the two), so a loud
 *   left does not pull the image to the right: the same gain on both.
 * - The detector follows the level in dB with separate attack and release
 *   times (one-pole, "smooth branching": it rises at the attack rate and
 *   falls at the release rate), and the gain computer has a soft knee of
 *   `knee` dB: above it, every dB over the threshold comes out 1/ratio dB
 *   over. A signal of steady peak level (a square wave) settles exactly on
 *   the static curve; on a tone the detector ripples within each cycle as
 *   much as the release lets it.
 * - `makeup` gives back the level, `mix` blends the dry signal in
 *   (parallel, "New York" compression).
 * Master only, stereo (MODULE_STEREO).
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <math.h>

enum { P_THRESHOLD, P_RATIO, P_KNEE, P_ATTACK, P_RELEASE, P_MAKEUP, P_MIX };

#define FLOOR_DB (-120.0f)

typedef struct {
	double rate;
	float  env_db; /* the detector, dB */
	float  last_attack, last_release, att, rel;
} Comp;

static void
comp_reset(void* state)
{
	Comp* c         = state;
	c->env_db       = FLOOR_DB;
	c->last_attack  = -1.0f;
	c->last_release = -1.0f;
}

static void
comp_init(void* state, double rate)
{
	Comp* c = state;
	c->rate = rate;
	comp_reset(c);
}

/* The static curve: the gain in dB for a level in dB. */
static inline float
gain_db(float level, float threshold, float ratio, float knee)
{
	const float over = level - threshold, slope = 1.0f / ratio - 1.0f;
	if (2.0f * over <= -knee) {
		return 0.0f;
	}
	if (2.0f * over >= knee) {
		return slope * over;
	}
	const float x = over + 0.5f * knee; /* inside the knee: a quadratic joining the two */
	return slope * x * x / (2.0f * knee);
}

static void
comp_process_stereo(void* state, const ModuleIO* left, const ModuleIO* right)
{
	Comp*        c   = state;
	const float* thr = left->param[P_THRESHOLD];
	const float* rat = left->param[P_RATIO];
	const float* kn  = left->param[P_KNEE];
	const float* at  = left->param[P_ATTACK];
	const float* re  = left->param[P_RELEASE];
	const float* mk  = left->param[P_MAKEUP];
	const float* mix = left->param[P_MIX];
	for (unsigned i = 0; i < left->n; ++i) {
		if (at[i] != c->last_attack || re[i] != c->last_release) {
			c->att          = (float)exp(-1.0 / (dsp_clamp(at[i], 0.01, 1000.0) * 0.001 * c->rate));
			c->rel          = (float)exp(-1.0 / (dsp_clamp(re[i], 1.0, 5000.0) * 0.001 * c->rate));
			c->last_attack  = at[i];
			c->last_release = re[i];
		}
		const float xl = dsp_sane(left->in[0][i]), xr = dsp_sane(right->in[0][i]);
		const float peak  = fmaxf(fabsf(xl), fabsf(xr));
		const float level = peak > 1e-6f ? 20.0f * log10f(peak) : FLOOR_DB;
		const float coef  = level > c->env_db ? c->att : c->rel;
		c->env_db         = level + coef * (c->env_db - level);
		const float g     = powf(10.0f, (gain_db(c->env_db, thr[i], rat[i], kn[i]) + mk[i]) / 20.0f);
		const float wet   = mix[i], dry = 1.0f - mix[i];
		left->out[i]      = xl * (dry + wet * g);
		right->out[i]     = xr * (dry + wet * g);
	}
}

static const InputSpec comp_inputs[] = {
	{"in", "audio to compress (each channel its own; one gain for both)", IMPLICIT_NONE},
};

static const ParamSpec comp_params[] = {
	[P_THRESHOLD] = {"threshold", "dB", "level above which it compresses", -60.0f, 0.0f, -18.0f, CURVE_LIN, 10.0f, NULL},
	[P_RATIO]     = {"ratio", "", "dB in for each dB out above the threshold (20: a limiter)", 1.0f, 20.0f, 3.0f,
	                 CURVE_EXP, 10.0f, NULL},
	[P_KNEE]      = {"knee", "dB", "width of the soft knee around the threshold", 0.0f, 24.0f, 6.0f, CURVE_LIN, 10.0f,
	                 NULL},
	[P_ATTACK]    = {"attack", "ms", "how fast it clamps down on a rise", 0.1f, 200.0f, 10.0f, CURVE_EXP, 10.0f, NULL},
	[P_RELEASE]   = {"release", "ms", "how fast it lets go", 10.0f, 2000.0f, 150.0f, CURVE_EXP, 10.0f, NULL},
	[P_MAKEUP]    = {"makeup", "dB", "gain after compression", 0.0f, 24.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_MIX]       = {"mix", "", "0 dry only, 1 compressed only (between: parallel compression)", 0.0f, 1.0f, 1.0f,
	                 CURVE_LIN, 10.0f, NULL},
};

const ModuleType module_comp = {
	.name           = "comp",
	.summary        = "stereo-linked compressor: threshold, ratio, soft knee, attack, release, makeup, parallel mix; master only",
	.flags          = MODULE_LANES | MODULE_MASTER_ONLY | MODULE_STEREO,
	.n_inputs       = sizeof comp_inputs / sizeof comp_inputs[0],
	.inputs         = comp_inputs,
	.n_params       = sizeof comp_params / sizeof comp_params[0],
	.params         = comp_params,
	.state_size     = sizeof(Comp),
	.init           = comp_init,
	.reset          = comp_reset,
	.process        = NULL,
	.process_stereo = comp_process_stereo,
};
