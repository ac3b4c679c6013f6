/* SPDX-License-Identifier: ISC
 *
 * square: band-limited pulse, +1 from phase 0 to `width`, then -1.
 *
 * The naive level is a state that flips at the two corners, and each flip
 * gets a minimum-phase BLEP residual (osc_common.h) at its sub-sample time,
 * from the next sample on: no latency, the edge shows where the naive wave
 * has it (and being flat, the wave needs no tilt). Keeping the level as
 * state (not deriving it from phase < width) keeps width modulation clean:
 * the falling edge happens when the phase reaches the width, at most once a
 * cycle, and a width that jumps below the phase flips the level at once
 * rather than leaving a step without its BLEP. The note starts with a
 * band-limited step from 0 to its level at the start phase (reset, random
 * or free, osc_common.h), set at the first frame after a reset.
 *
 * Hard sync: a rising zero crossing of the sync input between two samples
 * (at a fraction a, osc_sync.c: of the input low-passed at 0.4 of the
 * rate, 64 samples back) restarts the phase at
 * the same fraction of the interval being rendered (64 samples late, as
 * the saw): the
 * edges before it happen, the level steps to +1 with a BLEP at that time,
 * and the rest of the interval runs on from phase 0. From a note's first
 * restart on, every flip uses the long sync step (osc_common.h).
 */
#include "dsp/osc_common.h"

enum { SQUARE_P_START = OSC_P_WIDTH + 1 };

typedef struct {
	double   rate;
	double   phase;
	float    level; /* naive value now: +1, -1 */
	OscPitch pitch;
	OscBlep  blep;
	uint32_t seed;  /* the voice's (seed_lane) */
	uint64_t frame; /* the note's (seed_lane) */
	float    sync_hist[2 * OSC_SYNC_TAPS]; /* the sync input, written twice */
	unsigned sync_pos; /* slot of the next sync sample */
	bool     fresh; /* the start mode is still to apply */
	bool     synced; /* restarted by sync this note: the long step for every flip */
} Square;

/* A fresh note: the phase stays for the start mode to decide. */
static void
square_reset(void* state)
{
	Square* s = state;
	s->level  = 0.0f;
	memset(s->sync_hist, 0, sizeof s->sync_hist);
	s->sync_pos = 0;
	s->fresh  = true;
	s->synced = false;
	osc_pitch_reset(&s->pitch);
	osc_blep_reset(&s->blep);
}

static void
square_init(void* state, double rate)
{
	Square* s = state;
	s->rate   = rate;
	s->phase  = 0.0;
	s->seed   = OSC_SEED;
	s->frame  = 0;
	osc_tables_init();
	osc_sync_init();
	square_reset(s);
}

static void
square_seed(void* state, unsigned lane, uint32_t seed, uint64_t frame)
{
	Square* s = state;
	(void)lane;
	s->seed  = seed;
	s->frame = frame;
}

/* Audio thread: flip the naive level to v, `since` samples before the next
 * sample. */
static inline void
square_flip(Square* s, float v, double since)
{
	if (v != s->level && s->synced) {
		osc_blep_add_sync(s->blep.ring, 1, s->blep.pos, since, v - s->level);
		s->level = v;
	} else if (v != s->level) {
		osc_blep_add(&s->blep, osc_step_table, since, v - s->level);
		s->level = v;
	}
}

/* Samples since the phase, now at next, passed the width w (0..1: a width
 * that moved below the phase counts as "one sample ago"). */
static inline double
square_since(double next, double w, double inc)
{
	return inc > 0.0 ? (next - w) / inc : 0.0; /* osc_blep_add clamps */
}

/* Audio thread: the phase moves from p by d (at most inc) and its edges
 * flip the level; the move ends `end` samples before the next sample.
 * Returns the new phase. */
static inline double
square_advance(Square* s, double p, double d, double inc, double w, double end)
{
	double next = p + d;
	if (next >= 1.0) {
		/* In time order: fall at w (if not yet), rise at 1, fall at 1 + w. */
		square_flip(s, -1.0f, square_since(next, w, inc) + end);
		square_flip(s, 1.0f, (inc > 0.0 ? (next - 1.0) / inc : 0.0) + end);
		next -= 1.0;
	}
	if (next >= w) {
		square_flip(s, -1.0f, square_since(next, w, inc) + end);
	}
	return next;
}

static void
square_process(void* state, const ModuleIO* io)
{
	Square*      s     = state;
	const float* level = io->param[OSC_P_LEVEL];
	const float* width = io->param[OSC_P_WIDTH];
	const float* sync  = io->in[OSC_IN_SYNC];

	if (s->fresh) { /* from silence: a step to the level at the start phase */
		s->phase = osc_start_phase((int)io->param[SQUARE_P_START][0], s->seed, s->frame,
		                           osc_pitch_inc(&s->pitch, s->rate, io, 0));
		s->fresh = false;
		square_flip(s, s->phase < dsp_clamp((double)width[0], 0.05, 0.95) ? 1.0f : -1.0f, 0.0);
	}
	for (unsigned i = 0; i < io->n; ++i) {
		io->out[i] = osc_blep_push(&s->blep, s->level) * level[i];

		const double inc = osc_pitch_inc(&s->pitch, s->rate, io, i);
		const double w   = dsp_clamp((double)width[i], 0.05, 0.95);
		const unsigned hp = s->sync_pos;
		s->sync_hist[hp] = s->sync_hist[hp + OSC_SYNC_TAPS] = sync[i];
		s->sync_pos      = (hp + 1) & (OSC_SYNC_TAPS - 1);
		const float* win = s->sync_hist + hp + 1; /* the last TAPS, oldest first */
		const double a   = osc_sync_near(win, 1) ? osc_sync_find(win, 1) : -1.0;
		if (a >= 0.0) { /* restart at a of this interval */
			square_advance(s, s->phase, a * inc, inc, w, 1.0 - a);
			s->synced = true; /* from here on (the wave is flat: no tilt to change) */
			square_flip(s, 1.0f, 1.0 - a);
			s->phase = square_advance(s, 0.0, (1.0 - a) * inc, inc, w, 0.0);
		} else {
			s->phase = square_advance(s, s->phase, inc, inc, w, 0.0);
		}
	}
}

static const InputSpec square_inputs[] = OSC_INPUTS_SYNC;

static const ParamSpec square_params[] = {
	[OSC_P_PITCH] = OSC_PARAM_PITCH,
	[OSC_P_FINE]  = OSC_PARAM_FINE,
	[OSC_P_TRACK] = OSC_PARAM_TRACK,
	[OSC_P_LEVEL] = OSC_PARAM_LEVEL,
	[OSC_P_WIDTH] = {"width", "", "pulse width: the high part of the cycle (0.5: square)",
	                 0.05f, 0.95f, 0.5f, CURVE_LIN, 5.0f, NULL},
	[SQUARE_P_START] = OSC_PARAM_START,
};

const ModuleType module_square = {
	.name       = "square",
	.summary    = "band-limited pulse oscillator with pulse width and hard sync (minimum-phase BLEP, no latency)",
	.flags      = MODULE_SOURCE,
	.n_inputs   = sizeof square_inputs / sizeof square_inputs[0],
	.inputs     = square_inputs,
	.n_params   = sizeof square_params / sizeof square_params[0],
	.params     = square_params,
	.state_size = sizeof(Square),
	.init       = square_init,
	.reset      = square_reset,
	.process    = square_process,
	.active     = NULL,
	.seed_lane  = square_seed,
};
