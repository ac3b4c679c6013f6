/* SPDX-License-Identifier: ISC
 *
 * mix: four-input mixer, out = sum of in_i * gain_i.
 *
 * Stateless: gains up to 2 (+6 dB) let two quiet sources be brought up;
 * they arrive smoothed per sample, so moving one never zippers.
 */
#include "dsp/module.h"

#define MIX_N 4

static void
mix_init(void* state, double rate)
{
	(void)state;
	(void)rate;
}

static void
mix_reset(void* state)
{
	(void)state;
}

static void
mix_reset_lane(void* state, unsigned lane)
{
	(void)state;
	(void)lane;
}

static void
mix_process(void* state, const ModuleIO* io)
{
	(void)state;
	/* Stateless and per value: a lane group is just more values. */
	const unsigned len = io->n * (io->lanes > 1 ? io->lanes : 1);
	for (unsigned i = 0; i < len; ++i) {
		float y = 0.0f;
		for (unsigned k = 0; k < MIX_N; ++k) {
			y += io->in[k][i] * io->param[k][i];
		}
		io->out[i] = y;
	}
}

static const InputSpec mix_inputs[MIX_N] = {
	{"in1", "first input", IMPLICIT_NONE},
	{"in2", "second input", IMPLICIT_NONE},
	{"in3", "third input", IMPLICIT_NONE},
	{"in4", "fourth input", IMPLICIT_NONE},
};

#define MIX_GAIN(name, what) \
	{name, "", "gain of " what, 0.0f, 2.0f, 1.0f, CURVE_LIN, 5.0f, NULL}

static const ParamSpec mix_params[MIX_N] = {
	MIX_GAIN("gain1", "in1"),
	MIX_GAIN("gain2", "in2"),
	MIX_GAIN("gain3", "in3"),
	MIX_GAIN("gain4", "in4"),
};

const ModuleType module_mix = {
	.name       = "mix",
	.summary    = "four-input mixer with a gain per input",
	.flags      = MODULE_LANES,
	.n_inputs   = MIX_N,
	.inputs     = mix_inputs,
	.n_params   = MIX_N,
	.params     = mix_params,
	.state_size = 0,
	.init       = mix_init,
	.reset      = mix_reset,
	.process    = mix_process,
	.active     = NULL,
	.reset_lane = mix_reset_lane,
};
