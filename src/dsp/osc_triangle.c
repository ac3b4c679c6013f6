/* SPDX-License-Identifier: ISC
 *
 * triangle: band-limited triangle, rising from 0 at phase 0 to 1 at 0.25,
 * down to -1 at 0.75.
 *
 * A triangle has no jumps, only corners where its slope flips by 8 per
 * cycle; each corner gets a minimum-phase BLAMP (integrated minBLEP)
 * residual (osc_common.h) at its sub-sample time, from the next sample on,
 * scaled by the change of slope per sample: no latency, like saw and
 * square. Each sample is the naive one lowered by the band limit's lag
 * times the slope, which the residuals are measured against, and a note
 * starts with a BLAMP for the corner from silence.
 */
#include "dsp/osc_common.h"

enum { TRI_P_START = OSC_P_LEVEL + 1 };

typedef struct {
	double   rate;
	double   phase;
	OscPitch pitch;
	OscBlep  blep;
	uint32_t seed;    /* the voice's (seed_lane) */
	uint64_t frame; /* the note's (seed_lane) */
	bool     started; /* the start phase is set, the corner from silence has its BLAMP */
} Triangle;

/* A fresh note: the phase stays for the start mode to decide. */
static void
triangle_reset(void* state)
{
	Triangle* s = state;
	s->started  = false;
	osc_pitch_reset(&s->pitch);
	osc_blep_reset(&s->blep);
}

static void
triangle_init(void* state, double rate)
{
	Triangle* s = state;
	s->rate     = rate;
	s->phase    = 0.0;
	s->seed     = OSC_SEED;
	s->frame    = 0;
	osc_tables_init();
	triangle_reset(s);
}

static void
triangle_seed(void* state, unsigned lane, uint32_t seed, uint64_t frame)
{
	Triangle* s = state;
	(void)lane;
	s->seed  = seed;
	s->frame = frame;
}

static void
triangle_process(void* state, const ModuleIO* io)
{
	Triangle*    s     = state;
	const float* level = io->param[OSC_P_LEVEL];
	const double lag   = osc_blep_lag;

	for (unsigned i = 0; i < io->n; ++i) {
		const double inc = osc_pitch_inc(&s->pitch, s->rate, io, i);
		if (!s->started) { /* from silence: a step to the start's value, a corner to its slope */
			s->phase          = osc_start_phase((int)io->param[TRI_P_START][0], s->seed, s->frame, inc);
			const double p0   = s->phase;
			const double rise = (p0 < 0.25 || p0 >= 0.75) ? 4.0 * inc : -4.0 * inc;
			osc_blep_add(&s->blep, osc_ramp_table, 0.0, (float)rise);
			osc_blep_add(&s->blep, osc_step_table, 0.0, osc_naive_triangle(p0));
			s->started = true;
		}
		/* Rising before 0.25 and from 0.75 (at a corner, the slope after it). */
		const double p     = s->phase;
		const double slope = (p < 0.25 || p >= 0.75) ? 4.0 * inc : -4.0 * inc;
		const float  naive = (float)(osc_naive_triangle(p) - lag * slope);
		io->out[i]         = osc_blep_push(&s->blep, naive) * level[i];

		const double next = p + inc;
		const double top  = osc_since(p, next, inc, 0.25);
		const double foot = osc_since(p, next, inc, 0.75);
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
	[TRI_P_START] = OSC_PARAM_START,
};

const ModuleType module_triangle = {
	.name       = "triangle",
	.summary    = "band-limited triangle oscillator (minimum-phase BLAMP, no latency)",
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
	.seed_lane  = triangle_seed,
};
