/* SPDX-License-Identifier: ISC
 *
 * pan: a voice's position in the stereo image, -1 (left) .. +1 (right),
 * from a set position plus three spreads: by note (key tracking around a
 * centre key), random per note, and by a voice's index (for unison).
 *
 * The module only computes the position; the `pan` statement of the patch
 * language names the signal that places each voice, and the engine applies
 * the equal-power law when it sums the voices into the left and right
 * buses (slot.c), so the position can come from any module and the module
 * contract keeps one output. Stateless, per value: a lane group is just
 * more values (like vca.c); AUDIO THREAD.
 */
#include "dsp/module.h"
#include "dsp/simd.h"

enum { IN_NOTE, IN_RAND, IN_INDEX };
enum { P_POS, P_KEY, P_CENTER, P_RANDOM, P_SPREAD };

static void
pan_init(void* state, double rate)
{
	(void)state;
	(void)rate;
}

static void
pan_reset(void* state)
{
	(void)state;
}

static void
pan_reset_lane(void* state, unsigned lane)
{
	(void)state;
	(void)lane;
}

SIMD_INLINE float
position(float pos, float key, float note, float center, float random, float rnd, float spread, float index)
{
	const float p = pos + key * ((note - center) * (1.0f / 12.0f)) + random * rnd + spread * index;
	return p < -1.0f ? -1.0f : (p > 1.0f ? 1.0f : p);
}

/* Usually every input and parameter holds for the sub-block (a held note,
 * its random value, settled knobs): then each lane's position is worked
 * out once, from frame 0, and spread over the frames (the same value the
 * frame-by-frame loop gives). */
SIMD_INLINE void
pan_kernel(void* state, const ModuleIO* io, const unsigned L)
{
	(void)state;
	const float* restrict note   = io->in[IN_NOTE];
	const float* restrict rnd    = io->in[IN_RAND];
	const float* restrict index  = io->in[IN_INDEX];
	const float* restrict pos    = io->param[P_POS];
	const float* restrict key    = io->param[P_KEY];
	const float* restrict center = io->param[P_CENTER];
	const float* restrict random = io->param[P_RANDOM];
	const float* restrict spread = io->param[P_SPREAD];
	float* restrict out          = io->out;
	const unsigned all = MODULE_STEADY_IN(IN_NOTE) | MODULE_STEADY_IN(IN_RAND) | MODULE_STEADY_IN(IN_INDEX) |
	                     MODULE_STEADY_PARAM(P_POS) | MODULE_STEADY_PARAM(P_KEY) |
	                     MODULE_STEADY_PARAM(P_CENTER) | MODULE_STEADY_PARAM(P_RANDOM) |
	                     MODULE_STEADY_PARAM(P_SPREAD);
	if ((io->steady & all) == all) {
		float v[CHRONUS_LANES];
		for (unsigned l = 0; l < L; ++l) {
			v[l] = position(pos[l], key[l], note[l], center[l], random[l], rnd[l], spread[l], index[l]);
		}
		for (unsigned i = 0; i < io->n; ++i) {
			for (unsigned l = 0; l < L; ++l) {
				out[i * L + l] = v[l];
			}
		}
		return;
	}
	const unsigned len = io->n * L;
	for (unsigned i = 0; i < len; ++i) {
		out[i] = position(pos[i], key[i], note[i], center[i], random[i], rnd[i], spread[i], index[i]);
	}
}

SIMD_LANE_PROCESS(pan_process, pan_kernel)

static const InputSpec pan_inputs[] = {
	[IN_NOTE]  = {"note", "the note in semitones, for the spread by key; the voice's note unless connected",
	              IMPLICIT_PITCH},
	[IN_RAND]  = {"rand", "a value -1..1; unless connected, a random one drawn for each note as it starts",
	              IMPLICIT_RANDOM},
	[IN_INDEX] = {"index", "a voice's index for the spread by index (0 unless connected)", IMPLICIT_NONE},
};

static const ParamSpec pan_params[] = {
	[P_POS]    = {"pos", "", "position: -1 left, 0 centre, +1 right; modulate it for auto-pan",
	              -1.0f, 1.0f, 0.0f, CURVE_LIN, 5.0f, NULL},
	[P_KEY]    = {"key", "/oct", "spread by note: position moved per octave above center (negative: to the left)",
	              -1.0f, 1.0f, 0.0f, CURVE_LIN, 5.0f, NULL},
	[P_CENTER] = {"center", "note", "the key that key spread leaves at pos (60 = middle C)", 0.0f, 127.0f,
	              60.0f, CURVE_LIN, 5.0f, NULL},
	[P_RANDOM] = {"random", "", "random per note: each note moved by up to this much, either side",
	              0.0f, 1.0f, 0.0f, CURVE_LIN, 5.0f, NULL},
	[P_SPREAD] = {"spread", "", "spread by index: position moved per step of the index input",
	              -1.0f, 1.0f, 0.0f, CURVE_LIN, 5.0f, NULL},
};

const ModuleType module_pan = {
	.name       = "pan",
	.summary    = "a voice's stereo position (-1..1) from pos, key, random and index spreads; "
	              "placed by the `pan` statement",
	.flags      = MODULE_LANES,
	.n_inputs   = sizeof pan_inputs / sizeof pan_inputs[0],
	.inputs     = pan_inputs,
	.n_params   = sizeof pan_params / sizeof pan_params[0],
	.params     = pan_params,
	.state_size = 0,
	.init       = pan_init,
	.reset      = pan_reset,
	.process    = pan_process,
	.active     = NULL,
	.reset_lane = pan_reset_lane,
	.process_avx2 = SIMD_AVX2_OF(pan_process),
};
