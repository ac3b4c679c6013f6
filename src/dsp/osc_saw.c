/* SPDX-License-Identifier: ISC
 *
 * saw: band-limited sawtooth, rising from 0 at phase 0 to 1, jumping to -1
 * at phase 0.5.
 *
 * The naive ramp is exact between corners; only its jump aliases. Each jump
 * gets a windowed-sinc BLEP residual (osc_common.h) placed at its exact
 * sub-sample time, so the output is the sampled band-limited wave, 16
 * samples late. The phase accumulates in double so tuning does not drift.
 */
#include "dsp/osc_common.h"

typedef struct {
	double   rate;
	double   phase;
	OscPitch pitch;
	OscBlep  blep;
} Saw;

static void
saw_reset(void* state)
{
	Saw* s   = state;
	s->phase = 0.0;
	osc_pitch_reset(&s->pitch);
	osc_blep_reset(&s->blep);
}

static void
saw_init(void* state, double rate)
{
	Saw* s  = state;
	s->rate = rate;
	osc_tables_init();
	saw_reset(s);
}

static void
saw_process(void* state, const ModuleIO* io)
{
	Saw*         s     = state;
	const float* level = io->param[OSC_P_LEVEL];

	for (unsigned i = 0; i < io->n; ++i) {
		io->out[i] = osc_blep_push(&s->blep, osc_naive_saw(s->phase)) * level[i];

		const double inc  = osc_pitch_inc(&s->pitch, s->rate, io, i);
		double       next = s->phase + inc;
		const double jump = osc_since(s->phase, next, inc, 0.5);
		if (jump >= 0.0) {
			osc_blep_add(&s->blep, osc_step_table, jump, -2.0f);
		}
		s->phase = next >= 1.0 ? next - 1.0 : next;
	}
}

static const InputSpec saw_inputs[] = OSC_INPUTS;

static const ParamSpec saw_params[] = {
	[OSC_P_PITCH] = OSC_PARAM_PITCH,
	[OSC_P_FINE]  = OSC_PARAM_FINE,
	[OSC_P_TRACK] = OSC_PARAM_TRACK,
	[OSC_P_LEVEL] = OSC_PARAM_LEVEL,
};

const ModuleType module_saw = {
	.name       = "saw",
	.summary    = "band-limited sawtooth oscillator (windowed-sinc BLEP, 16 samples latency)",
	.flags      = MODULE_SOURCE,
	.n_inputs   = sizeof saw_inputs / sizeof saw_inputs[0],
	.inputs     = saw_inputs,
	.n_params   = sizeof saw_params / sizeof saw_params[0],
	.params     = saw_params,
	.state_size = sizeof(Saw),
	.init       = saw_init,
	.reset      = saw_reset,
	.process    = saw_process,
	.active     = NULL,
};
