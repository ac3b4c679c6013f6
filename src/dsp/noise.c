/* SPDX-License-Identifier: ISC
 *
 * noise: white or pink noise.
 *
 * White is Marsaglia's xorshift32, uniform in [-1, 1), re-seeded at every
 * note with the note's seed (ModuleType.seed_lane: made of the voice and
 * the count of notes), so two voices never play the same sequence while
 * a render stays the same at any block size. Pink is that white
 * through Paul Kellet's "refined" filter: seven one-pole sections whose sum
 * is within 0.05 dB of -3 dB/oct from 9 Hz to Nyquist at 44.1 kHz (its
 * poles are fixed, so the slope's corners move with the rate). The pink
 * filter always runs, so switching colour never restarts it.
 */
#include "dsp/osc_common.h"

enum { P_COLOR, P_LEVEL };
enum { COLOR_WHITE, COLOR_PINK };

/* Pink's gain: peaks stay under 0.95 (ten minutes measured), rms -15 dBFS. */
#define PINK_GAIN 0.1f

typedef struct {
	uint32_t seed;
	float    b[7]; /* Kellet's filter sections */
} Noise;

static void
noise_reset(void* state)
{
	Noise* s = state;
	s->seed  = OSC_SEED;
	for (unsigned k = 0; k < 7; ++k) {
		s->b[k] = 0.0f;
	}
}

static void
noise_seed(void* state, unsigned lane, uint32_t seed, uint64_t frame)
{
	(void)lane;
	(void)frame;
	((Noise*)state)->seed = seed;
}

static void
noise_init(void* state, double rate)
{
	(void)rate;
	noise_reset(state);
}

static void
noise_process(void* state, const ModuleIO* io)
{
	Noise*       s     = state;
	const float* color = io->param[P_COLOR];
	const float* level = io->param[P_LEVEL];
	float*       b     = s->b;

	for (unsigned i = 0; i < io->n; ++i) {
		const float white = osc_rand_bipolar(&s->seed);
		b[0]              = dsp_flush(0.99886f * b[0] + white * 0.0555179f);
		b[1]              = dsp_flush(0.99332f * b[1] + white * 0.0750759f);
		b[2]              = dsp_flush(0.96900f * b[2] + white * 0.1538520f);
		b[3]              = dsp_flush(0.86650f * b[3] + white * 0.3104856f);
		b[4]              = dsp_flush(0.55000f * b[4] + white * 0.5329522f);
		b[5]              = dsp_flush(-0.7616f * b[5] - white * 0.0168980f);
		const float pink  = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + white * 0.5362f;
		b[6]              = white * 0.115926f;

		const float y = (int)color[i] == COLOR_PINK ? pink * PINK_GAIN : white;
		io->out[i]    = y * level[i];
	}
}

static const char* const noise_colors[] = {"white", "pink", NULL};

static const ParamSpec noise_params[] = {
	[P_COLOR] = {"color", "", "white (flat) or pink (-3 dB/oct)", 0.0f, 1.0f, 0.0f, CURVE_LIN,
	             0.0f, noise_colors},
	[P_LEVEL] = {"level", "", "output level", 0.0f, 1.0f, 1.0f, CURVE_LIN, 5.0f, NULL},
};

const ModuleType module_noise = {
	.name       = "noise",
	.summary    = "white or pink noise (xorshift32; Paul Kellet's pinking filter)",
	.flags      = MODULE_SOURCE,
	.n_inputs   = 0,
	.inputs     = NULL,
	.n_params   = sizeof noise_params / sizeof noise_params[0],
	.params     = noise_params,
	.state_size = sizeof(Noise),
	.init       = noise_init,
	.reset      = noise_reset,
	.process    = noise_process,
	.active     = NULL,
	.seed_lane  = noise_seed,
};
