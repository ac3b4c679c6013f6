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

static void
pan_process(void* state, const ModuleIO* io)
{
	(void)state;
	const float* note   = io->in[IN_NOTE];
	const float* rnd    = io->in[IN_RAND];
	const float* index  = io->in[IN_INDEX];
	const float* pos    = io->param[P_POS];
	const float* key    = io->param[P_KEY];
	const float* center = io->param[P_CENTER];
	const float* random = io->param[P_RANDOM];
	const float* spread = io->param[P_SPREAD];

	const unsigned len = io->n * (io->lanes > 1 ? io->lanes : 1);
	for (unsigned i = 0; i < len; ++i) {
		const float p = pos[i] + key[i] * ((note[i] - center[i]) * (1.0f / 12.0f)) + random[i] * rnd[i] +
		                spread[i] * index[i];
		io->out[i] = p < -1.0f ? -1.0f : (p > 1.0f ? 1.0f : p);
	}
}

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
};
