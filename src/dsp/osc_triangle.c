/* SPDX-License-Identifier: ISC
 *
 * triangle: band-limited triangle, rising from 0 at phase 0 to 1 at 0.25,
 * down to -1 at 0.75.
 *
 * A triangle has no jumps, only corners where its slope flips by 8 per
 * cycle; each corner gets a windowed-sinc BLAMP (band-limited ramp)
 * residual (osc_common.h) at its sub-sample time, scaled by the change of
 * slope per sample. The output is 16 samples late, like saw and square.
 */
#include "dsp/osc_common.h"

typedef struct {
	double   rate;
	double   phase;
	OscPitch pitch;
	OscBlep  blep;
} Triangle;

static void
triangle_reset(void* state)
{
	Triangle* s = state;
	s->phase    = 0.0;
	osc_pitch_reset(&s->pitch);
	osc_blep_reset(&s->blep);
}

static void
triangle_init(void* state, double rate)
{
	Triangle* s = state;
	s->rate     = rate;
	osc_tables_init();
	triangle_reset(s);
}

static void
triangle_process(void* state, const ModuleIO* io)
{
	Triangle*    s     = state;
	const float* level = io->param[OSC_P_LEVEL];

	for (unsigned i = 0; i < io->n; ++i) {
		io->out[i] = osc_blep_push(&s->blep, osc_naive_triangle(s->phase)) * level[i];

		const double inc  = osc_pitch_inc(&s->pitch, s->rate, io, i);
		const double next = s->phase + inc;
		const double top  = osc_since(s->phase, next, inc, 0.25);
		const double foot = osc_since(s->phase, next, inc, 0.75);
		if (top >= 0.0) {
			osc_blep_add(&s->blep, osc_ramp_table, top, (float)(-8.0 * inc));
		}
		if (foot >= 0.0) {
			osc_blep_add(&s->blep, osc_ramp_table, foot, (float)(8.0 * inc));
		}
		s->phase = next >= 1.0 ? next - 1.0 : next;
	}
}

static const InputSpec triangle_inputs[] = OSC_INPUTS;

static const ParamSpec triangle_params[] = {
	[OSC_P_PITCH] = OSC_PARAM_PITCH,
	[OSC_P_FINE]  = OSC_PARAM_FINE,
	[OSC_P_TRACK] = OSC_PARAM_TRACK,
	[OSC_P_LEVEL] = OSC_PARAM_LEVEL,
};

const ModuleType module_triangle = {
	.name       = "triangle",
	.summary    = "band-limited triangle oscillator (windowed-sinc BLAMP, 16 samples latency)",
	.flags      = MODULE_SOURCE,
	.n_inputs   = sizeof triangle_inputs / sizeof triangle_inputs[0],
	.inputs     = triangle_inputs,
	.n_params   = sizeof triangle_params / sizeof triangle_params[0],
	.params     = triangle_params,
	.state_size = sizeof(Triangle),
	.init       = triangle_init,
	.reset      = triangle_reset,
	.process    = triangle_process,
	.active     = NULL,
};
