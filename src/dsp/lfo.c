/* SPDX-License-Identifier: ISC
 *
 * lfo: low-frequency oscillator, bipolar -1..1, free of the note's pitch.
 *
 * A double-precision phase drives naive shapes: at 50 Hz and below their
 * aliases are far too weak to matter for modulation, and a sharp saw or
 * square edge is what a modulation source is expected to give. Sample &
 * hold takes a new value from the noise PRNG (xorshift32) at each cycle
 * start, seeded per note with the note's seed (ModuleType.seed_lane) so
 * two voices hold different values. Every shape starts at phase 0 after reset; sine, triangle and saw
 * start at 0 and rise.
 */
#include "dsp/osc_common.h"

enum { P_RATE, P_SHAPE, P_LEVEL };
enum { SHAPE_SINE, SHAPE_TRIANGLE, SHAPE_SAW, SHAPE_SQUARE, SHAPE_SH };

typedef struct {
	double   rate;
	double   phase;
	uint32_t seed;
	float    held; /* sample & hold value of this cycle */
} Lfo;

static void
lfo_reset(void* state)
{
	Lfo* s   = state;
	s->phase = 0.0;
	s->seed  = OSC_SEED;
	s->held  = osc_rand_bipolar(&s->seed);
}

static void
lfo_seed(void* state, unsigned lane, uint32_t seed, uint64_t frame)
{
	Lfo* s = state;
	(void)lane;
	(void)frame;
	s->seed = seed;
	s->held = osc_rand_bipolar(&s->seed);
}

static void
lfo_init(void* state, double rate)
{
	Lfo* s  = state;
	s->rate = rate;
	lfo_reset(s);
}

static void
lfo_process(void* state, const ModuleIO* io)
{
	Lfo*         s     = state;
	const float* rate  = io->param[P_RATE];
	const float* shape = io->param[P_SHAPE];
	const float* level = io->param[P_LEVEL];

	for (unsigned i = 0; i < io->n; ++i) {
		const double p = s->phase;
		float        y;
		switch ((int)shape[i]) {
		case SHAPE_TRIANGLE: y = osc_naive_triangle(p); break;
		case SHAPE_SAW: y = osc_naive_saw(p); break;
		case SHAPE_SQUARE: y = p < 0.5 ? 1.0f : -1.0f; break;
		case SHAPE_SH: y = s->held; break;
		default: y = (float)sin(DSP_TAU * p); break;
		}
		io->out[i] = y * level[i];

		const double inc  = dsp_clamp((double)rate[i] / s->rate, 0.0, OSC_MAX_INC);
		double       next = p + (inc == inc ? inc : 0.0);
		if (next >= 1.0) {
			next -= 1.0;
			s->held = osc_rand_bipolar(&s->seed);
		}
		s->phase = next;
	}
}

static const char* const lfo_shapes[] = {"sine", "triangle", "saw", "square", "sh", NULL};

static const ParamSpec lfo_params[] = {
	[P_RATE]  = {"rate", "Hz", "cycles per second", 0.01f, 50.0f, 2.0f, CURVE_EXP, 20.0f, NULL},
	[P_SHAPE] = {"shape", "", "sine, triangle, saw (rising), square, or sh (sample & hold of noise)",
	             0.0f, 4.0f, 0.0f, CURVE_LIN, 0.0f, lfo_shapes},
	[P_LEVEL] = {"level", "", "output level", 0.0f, 1.0f, 1.0f, CURVE_LIN, 5.0f, NULL},
};

const ModuleType module_lfo = {
	.name       = "lfo",
	.summary    = "low-frequency oscillator: sine, triangle, saw, square, sample & hold; bipolar",
	.flags      = MODULE_SOURCE,
	.n_inputs   = 0,
	.inputs     = NULL,
	.n_params   = sizeof lfo_params / sizeof lfo_params[0],
	.params     = lfo_params,
	.state_size = sizeof(Lfo),
	.init       = lfo_init,
	.reset      = lfo_reset,
	.process    = lfo_process,
	.active     = NULL,
	.seed_lane  = lfo_seed,
};
