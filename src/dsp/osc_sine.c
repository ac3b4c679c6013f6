/* SPDX-License-Identifier: ISC
 *
 * sine: sin() of a double-precision phase.
 *
 * A sine has no harmonics to alias, so the only error is rounding: with
 * the phase accumulated and the sine evaluated in double, the float output
 * is exact to its last bit (THD+N far below -100 dB). No table, no
 * polynomial, no latency. A note that starts at a phase other than 0
 * (start random or free) jumps from silence: that step gets a minBLEP.
 */
#include "dsp/osc_common.h"

enum { SINE_P_START = OSC_P_LEVEL + 1 };

typedef struct {
	double   rate;
	double   phase;
	OscPitch pitch;
	OscBlep  blep;  /* the start's step */
	uint32_t seed;  /* the voice's (seed_lane) */
	uint64_t frame; /* the note's (seed_lane) */
	bool     fresh; /* the start mode is still to apply */
} Sine;

/* A fresh note: the phase stays for the start mode to decide. */
static void
sine_reset(void* state)
{
	Sine* s  = state;
	s->fresh = true;
	osc_pitch_reset(&s->pitch);
	osc_blep_reset(&s->blep);
}

static void
sine_init(void* state, double rate)
{
	Sine* s  = state;
	s->rate  = rate;
	s->phase = 0.0;
	s->seed  = OSC_SEED;
	s->frame = 0;
	osc_tables_init();
	sine_reset(s);
}

static void
sine_seed(void* state, unsigned lane, uint32_t seed, uint64_t frame)
{
	Sine* s = state;
	(void)lane;
	s->seed  = seed;
	s->frame = frame;
}

static void
sine_process(void* state, const ModuleIO* io)
{
	Sine*        s     = state;
	const float* level = io->param[OSC_P_LEVEL];

	if (s->fresh) {
		s->phase = osc_start_phase((int)io->param[SINE_P_START][0], s->seed, s->frame,
		                           osc_pitch_inc(&s->pitch, s->rate, io, 0));
		s->fresh = false;
		osc_blep_add(&s->blep, osc_step_table, 0.0, (float)sin(DSP_TAU * s->phase));
	}
	for (unsigned i = 0; i < io->n; ++i) {
		io->out[i] = osc_blep_push(&s->blep, (float)sin(DSP_TAU * s->phase)) * level[i];

		const double next = s->phase + osc_pitch_inc(&s->pitch, s->rate, io, i);
		s->phase          = next >= 1.0 ? next - 1.0 : next;
	}
}

static const InputSpec sine_inputs[] = OSC_INPUTS;

static const ParamSpec sine_params[] = {
	[OSC_P_PITCH] = OSC_PARAM_PITCH,
	[OSC_P_FINE]  = OSC_PARAM_FINE,
	[OSC_P_TRACK] = OSC_PARAM_TRACK,
	[OSC_P_LEVEL] = OSC_PARAM_LEVEL,
	[SINE_P_START] = OSC_PARAM_START,
};

const ModuleType module_sine = {
	.name       = "sine",
	.summary    = "sine oscillator (double-precision phase)",
	.flags      = MODULE_SOURCE,
	.n_inputs   = sizeof sine_inputs / sizeof sine_inputs[0],
	.inputs     = sine_inputs,
	.n_params   = sizeof sine_params / sizeof sine_params[0],
	.params     = sine_params,
	.state_size = sizeof(Sine),
	.init       = sine_init,
	.reset      = sine_reset,
	.process    = sine_process,
	.active     = NULL,
	.seed_lane  = sine_seed,
};
