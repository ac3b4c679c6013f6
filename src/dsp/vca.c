/* SPDX-License-Identifier: ISC
 *
 * vca: voltage-controlled amplifier, out = in * gain * (1 - velocity +
 * velocity * vel).
 *
 * Modular style: gain defaults to 0, so the amp is closed until something
 * (usually an envelope) is connected to its gain. Velocity sensitivity
 * blends between ignoring the note's velocity (0) and following it fully
 * (1). Gain arrives smoothed per sample, so the product never zippers.
 */
#include "dsp/module.h"

enum { IN_IN, IN_VEL };
enum { P_GAIN, P_VELOCITY };

static void
vca_init(void* state, double rate)
{
	(void)state;
	(void)rate;
}

static void
vca_reset(void* state)
{
	(void)state;
}

static void
vca_reset_lane(void* state, unsigned lane)
{
	(void)state;
	(void)lane;
}

static void
vca_process(void* state, const ModuleIO* io)
{
	(void)state;
	const float* in   = io->in[IN_IN];
	const float* vel  = io->in[IN_VEL];
	const float* gain = io->param[P_GAIN];
	const float* sens = io->param[P_VELOCITY];

	/* Stateless and per value: a lane group is just more values. */
	const unsigned len = io->n * (io->lanes > 1 ? io->lanes : 1);
	for (unsigned i = 0; i < len; ++i) {
		io->out[i] = in[i] * gain[i] * (1.0f - sens[i] + sens[i] * vel[i]);
	}
}

static const InputSpec vca_inputs[] = {
	[IN_IN]  = {"in", "audio to amplify", IMPLICIT_NONE},
	[IN_VEL] = {"vel", "velocity 0..1; the note's velocity unless connected", IMPLICIT_VELOCITY},
};

static const ParamSpec vca_params[] = {
	[P_GAIN]     = {"gain", "", "amplification; connect an envelope here", 0.0f, 1.0f, 0.0f,
	                CURVE_LIN, 5.0f, NULL},
	[P_VELOCITY] = {"velocity", "", "velocity sensitivity: 0 ignores vel, 1 scales by it",
	                0.0f, 1.0f, 0.0f, CURVE_LIN, 5.0f, NULL},
};

const ModuleType module_vca = {
	.name       = "vca",
	.summary    = "amplifier: in times gain, optionally scaled by velocity",
	.flags      = MODULE_LANES,
	.n_inputs   = sizeof vca_inputs / sizeof vca_inputs[0],
	.inputs     = vca_inputs,
	.n_params   = sizeof vca_params / sizeof vca_params[0],
	.params     = vca_params,
	.state_size = 0,
	.init       = vca_init,
	.reset      = vca_reset,
	.process    = vca_process,
	.active     = NULL,
	.reset_lane = vca_reset_lane,
};
