/* SPDX-License-Identifier: ISC
 *
 * What the oscillators, the LFO and the noise share: note/pitch to phase
 * increment, the naive waveshapes, a small PRNG, and band-limited step
 * (BLEP) and ramp (BLAMP) correction.
 *
 * Band limiting: a naive waveform only aliases at its corners, so each
 * corner gets the difference between a band-limited and a hard step (or
 * ramp) added after it. Two-point PolyBLEP only gains about 10 dB on the
 * worst alias, so the step here comes from a Kaiser-windowed sinc (cutoff
 * 0.43 fs, beta 7.5, 32 samples wide; 60-90 dB less aliasing, flat to about
 * 0.35 fs) made minimum phase (minBLEP, osc_tables.c): the correction
 * starts at the corner and only touches that sample and the 31 after it, so
 * the oscillators have no latency. The tables are built once on the worker
 * thread (pthread_once in init), and read by linear interpolation between
 * 64 sub-sample phases.
 *
 * A causal band limit still lags at low frequencies, by osc_blep_lag (2.45
 * samples): a minBLEP step's residual has an area of -lag per
 * unit of height and a BLAMP ramp ends lag samples behind the hard one. So
 * a wave with slope b (per sample) between corners outputs its naive value
 * minus lag * b, and the ramp residuals are measured against that: the
 * result is the naive wave through the minimum-phase filter, with no DC
 * offset and residuals that end at exactly 0. Its ringing comes after the
 * corner and is larger than a linear-phase filter's, which split it
 * either side: a jump overshoots by 21 % of its height (9 % before), so a
 * saw peaks at 1.42 and a square at 1.63 (1.17 and 1.20 before).
 *
 * Hard sync makes a wave whose fundamental (the master's) can be weak
 * next to its steps, so the 32-sample step's stopband just above Nyquist
 * (a 5 kHz saw slave at 48 kHz: its 25 kHz partial, at 0.52 of the rate)
 * read -78 dB against it. A note's first sync restart turns it to a
 * longer step for the rest of the note: 64 samples, beta 10 (stopband
 * from about 0.48 of the rate, 100 dB deep), the same 0.43 cutoff, lag
 * osc_sync_blep_lag (3.12 samples). Every step of the note then goes
 * through it, its own jumps too: the partials above Nyquist of a synced
 * wave come from all its steps together and partly cancel, and the
 * restart's step alone through the long filter breaks that (the 5 kHz
 * saw slaves read -77 dB so). The saw's tilt takes the long lag at that
 * restart, the change part of the restart's step. A wave never synced
 * is the same to the bit.
 */
#ifndef CHRONUS_DSP_OSC_COMMON_H
#define CHRONUS_DSP_OSC_COMMON_H

#include "dsp/dsp_util.h"
#include "dsp/module.h"
#include "dsp/simd.h"

#include <math.h>
#include <stdint.h>
#include <pthread.h>
#include <string.h>

#define OSC_BLEP_TAPS   32 /* samples a correction reaches, from its corner on (a power of 2) */
#define OSC_BLEP_PHASES 64 /* sub-sample resolution of the tables */
#define OSC_BLEP_CUTOFF 0.43 /* of the rate (at 0.45 a 5 kHz saw at 48 kHz aliased at -76 dB) */
#define OSC_BLEP_BETA   7.5  /* Kaiser window */
#define OSC_MAX_INC     0.45 /* highest frequency, as a fraction of the rate */
/* The step of a hard-synced note (saw, square; see above): twice as
 * long, a deeper stopband, the same cutoff. */
#define OSC_SYNC_BLEP_TAPS   64
#define OSC_SYNC_BLEP_CUTOFF 0.43
#define OSC_SYNC_BLEP_BETA   10.0
#define OSC_BLEP_RING        64 /* a ring of corrections to come: the longest one */

/* ---- pitch ---------------------------------------------------------------- */

/* The oscillators' shared inputs and parameters. */
enum { OSC_IN_NOTE };
enum { OSC_P_PITCH, OSC_P_FINE, OSC_P_TRACK, OSC_P_LEVEL, OSC_P_WIDTH };

/* Phase increment for one note/pitch/fine/track combination, remade only
 * when one of them differs from the previous sample's (exp2 per sample
 * would dominate an oscillator's cost). */
typedef struct {
	float  note, pitch, fine, track;
	double inc;
} OscPitch;

static inline void
osc_pitch_reset(OscPitch* p)
{
	/* NaN compares unequal to everything: the first sample computes. */
	p->note = p->pitch = p->fine = p->track = NAN;
	p->inc  = 0.0;
}

/* Audio thread: cycles per sample for one note/pitch/fine/track.
 * Frequency is 440 * 2^((track (note - 69) + pitch + fine / 100) / 12),
 * kept within [0, 0.45 rate]; a NaN anywhere gives 0. */
static inline double
osc_inc_for(float note, float pitch, float fine, float track, double rate)
{
	const double semis = (double)track * ((double)note - 69.0) + (double)pitch + (double)fine / 100.0;
	const double inc   = 440.0 * exp2(dsp_clamp(semis, -1200.0, 1200.0) / 12.0) / rate;
	return inc > 0.0 ? (inc < OSC_MAX_INC ? inc : OSC_MAX_INC) : 0.0;
}

/* Audio thread: cycles per sample at frame i, remade only when an input
 * moved. */
static inline double
osc_pitch_inc(OscPitch* p, double rate, const ModuleIO* io, unsigned i)
{
	const float note  = io->in[OSC_IN_NOTE][i];
	const float pitch = io->param[OSC_P_PITCH][i];
	const float fine  = io->param[OSC_P_FINE][i];
	const float track = io->param[OSC_P_TRACK][i];
	if (note != p->note || pitch != p->pitch || fine != p->fine || track != p->track) {
		p->inc   = osc_inc_for(note, pitch, fine, track, rate);
		p->note  = note;
		p->pitch = pitch;
		p->fine  = fine;
		p->track = track;
	}
	return p->inc;
}

/* The same for a lane group: per lane, what the increments were made for,
 * and the increment as a 32-bit phase step (2^32 = one cycle: exact
 * accumulation, wrapping by itself, 11 uHz resolution at 48 kHz) and its
 * inverse, to turn a phase past a corner into samples without a division. */
typedef struct {
	float    note[CHRONUS_LANES], pitch[CHRONUS_LANES], fine[CHRONUS_LANES], track[CHRONUS_LANES];
	uint32_t step[CHRONUS_LANES];
	float    per_inc[CHRONUS_LANES]; /* 2^32 / step (0 for a step of 0): samples per cycle */
} OscPitchLanes;

#define OSC_PHASE_ONE 4294967296.0 /* 2^32: one cycle of a 32-bit phase */

static inline void
osc_pitch_lanes_reset(OscPitchLanes* p, unsigned l)
{
	p->note[l] = p->pitch[l] = p->fine[l] = p->track[l] = NAN;
	p->step[l]    = 0;
	p->per_inc[l] = 0.0f;
}

/* Audio thread: remake the increments of the lanes whose inputs differ at
 * frame i from what they were made for (exp2 only on a change). */
static inline void
osc_pitch_lanes_update(OscPitchLanes* p, double rate, const ModuleIO* io, unsigned i, unsigned L)
{
	for (unsigned l = 0; l < L; ++l) {
		const size_t at    = (size_t)i * L + l;
		const float  note  = io->in[OSC_IN_NOTE][at];
		const float  pitch = io->param[OSC_P_PITCH][at];
		const float  fine  = io->param[OSC_P_FINE][at];
		const float  track = io->param[OSC_P_TRACK][at];
		if (note != p->note[l] || pitch != p->pitch[l] || fine != p->fine[l] || track != p->track[l]) {
			const double inc = osc_inc_for(note, pitch, fine, track, rate);
			p->step[l]       = (uint32_t)llrint(inc * OSC_PHASE_ONE);
			p->per_inc[l]    = p->step[l] ? (float)(OSC_PHASE_ONE / (double)p->step[l]) : 0.0f;
			p->note[l]       = note;
			p->pitch[l]      = pitch;
			p->fine[l]       = fine;
			p->track[l]      = track;
		}
	}
}

/* Whether the engine says note, pitch, fine and track hold for the whole
 * block (a held note, settled knobs): the increments are then checked at
 * frame 0 only. */
static inline bool
osc_pitch_steady(const ModuleIO* io)
{
	const unsigned all = MODULE_STEADY_IN(OSC_IN_NOTE) | MODULE_STEADY_PARAM(OSC_P_PITCH) |
	                     MODULE_STEADY_PARAM(OSC_P_FINE) | MODULE_STEADY_PARAM(OSC_P_TRACK);
	return (io->steady & all) == all;
}

/* ---- naive shapes, phase in [0, 1), each 0 at phase 0 and rising ----------- */

static inline float
osc_naive_saw(double p)
{
	return (float)(p < 0.5 ? 2.0 * p : 2.0 * p - 2.0);
}

static inline float
osc_naive_triangle(double p)
{
	return (float)(p < 0.25 ? 4.0 * p : (p < 0.75 ? 2.0 - 4.0 * p : 4.0 * p - 4.0));
}

/* Samples since the phase passed the corner at e during the step from prev
 * to next (next may exceed 1: the step wrapped), or -1 if it did not. */
static inline double
osc_since(double prev, double next, double inc, double e)
{
	if (e <= prev) {
		e += 1.0;
	}
	return e <= next ? (next - e) / inc : -1.0; /* e > prev implies inc > 0 */
}

/* ---- PRNG ------------------------------------------------------------------ */

#define OSC_SEED 0x9e3779b9u

/* Marsaglia's xorshift32: deterministic, cheap, never 0 from a nonzero seed. */
static inline uint32_t
osc_xorshift32(uint32_t* s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Uniform in [0, 1). */
static inline double
osc_rand_unit(uint32_t* s)
{
	return (double)osc_xorshift32(s) * (1.0 / OSC_PHASE_ONE);
}

/* Uniform in [-1, 1). */
static inline float
osc_rand_bipolar(uint32_t* s)
{
	return (float)((double)osc_xorshift32(s) * (1.0 / 2147483648.0) - 1.0);
}

/* ---- start phase ----------------------------------------------------------- */

/* Where an oscillator's phase is at a note on (its `start` parameter):
 * reset puts it at 0, random at a value drawn from the note's seed (made
 * of its voice and the count of notes), free where the oscillator would be
 * had it run at the note's pitch since the slot's first frame (the note's
 * frame times its increment: every note somewhere else, as a free-running
 * oscillator, yet the same at any block size; ModuleType.seed_lane gives
 * both). */
enum { OSC_START_RESET, OSC_START_RANDOM, OSC_START_FREE };

extern const char* const osc_start_choices[];

/* Audio thread: the phase in cycles [0, 1) a note starts at; inc is its
 * cycles per sample. */
static inline double
osc_start_phase(int mode, uint32_t seed, uint64_t frame, double inc)
{
	if (mode == OSC_START_RANDOM) {
		uint32_t s = seed ? seed : OSC_SEED;
		return osc_rand_unit(&s);
	}
	if (mode == OSC_START_FREE) {
		const double p = (double)frame * inc;
		return p - floor(p);
	}
	return 0.0;
}

#define OSC_PARAM_START                                                                     \
	{"start", "", "phase at note on: reset (0), random (from the note's seed) or free (as if " \
	 "running since the patch started)", 0.0f, 2.0f, 0.0f, CURVE_LIN, 0.0f, osc_start_choices}

/* ---- BLEP / BLAMP ---------------------------------------------------------- */

/* Residual tables: row p, tap j holds the residual x = j + p / PHASES
 * samples after the corner (rows 0..PHASES, so interpolation never wraps):
 * the minBLEP step minus the hard step, and the integrated minBLEP minus
 * the hard ramp delayed by osc_blep_lag. Both end at exactly 0. One copy
 * for saw, square and triangle, in osc_tables.c. */
extern float osc_step_table[(OSC_BLEP_PHASES + 1) * OSC_BLEP_TAPS];
extern float osc_ramp_table[(OSC_BLEP_PHASES + 1) * OSC_BLEP_TAPS];
/* The band limit's lag at low frequencies, in samples (set with the tables). */
extern float osc_blep_lag;
/* The synced notes' step, OSC_SYNC_BLEP_TAPS wide, and its lag. */
extern float osc_sync_step_table[(OSC_BLEP_PHASES + 1) * OSC_SYNC_BLEP_TAPS];
extern float osc_sync_blep_lag;

/* Worker thread (init): make sure the tables exist (built once, ~5.5 ms,
 * 3.8 of it the synced notes' long step). */
void osc_tables_init(void);

/* Corrections for the samples to come: slot pos is the next sample's, the
 * others the RING - 1 after it. */
typedef struct {
	float    ring[OSC_BLEP_RING];
	unsigned pos;
} OscBlep;

static inline void
osc_blep_reset(OscBlep* b)
{
	for (unsigned j = 0; j < OSC_BLEP_RING; ++j) {
		b->ring[j] = 0.0f;
	}
	b->pos = 0;
}

/* Audio thread: a corner `since` samples (0..1) before the next sample to
 * be output, of size `height` (a step's jump, or a ramp's change of slope
 * per sample); table is osc_step_table or osc_ramp_table. ring holds one
 * sample every `stride` floats (a lane of a group's ring, or a plain one),
 * pos is the slot of the next sample. */
static inline void
osc_blep_add_taps(float* ring, unsigned stride, unsigned pos, const float* table, unsigned taps, double since,
                  float height)
{
	const double d  = since > 0.0 ? (since < 1.0 ? since : 1.0) : 0.0; /* NaN: 0 */
	const double fp = d * OSC_BLEP_PHASES;
	unsigned     p  = (unsigned)fp;
	p               = p < OSC_BLEP_PHASES ? p : OSC_BLEP_PHASES - 1;
	const float  fr = (float)(fp - p);
	const float* r0 = table + p * taps;
	const float* r1 = r0 + taps;
	for (unsigned j = 0; j < taps; ++j) {
		const unsigned slot = (pos + j) & (OSC_BLEP_RING - 1);
		ring[slot * stride] += height * (r0[j] + fr * (r1[j] - r0[j]));
	}
}

static inline void
osc_blep_add_at(float* ring, unsigned stride, unsigned pos, const float* table, double since, float height)
{
	osc_blep_add_taps(ring, stride, pos, table, OSC_BLEP_TAPS, since, height);
}

/* Audio thread: a step of a synced note, of `height`, `since` samples
 * (0..1) before the next sample: the long table. */
static inline void
osc_blep_add_sync(float* ring, unsigned stride, unsigned pos, double since, float height)
{
	osc_blep_add_taps(ring, stride, pos, osc_sync_step_table, OSC_SYNC_BLEP_TAPS, since, height);
}

static inline void
osc_blep_add(OscBlep* b, const float* table, double since, float height)
{
	osc_blep_add_at(b->ring, 1, b->pos, table, since, height);
}

/* Audio thread: the next sample, the naive one plus its correction. */
static inline float
osc_blep_push(OscBlep* b, float naive)
{
	const float y = naive + b->ring[b->pos];
	b->ring[b->pos] = 0.0f;
	b->pos          = (b->pos + 1) & (OSC_BLEP_RING - 1);
	return y;
}

/* ---- shared specs ---------------------------------------------------------- */

#define OSC_INPUTS                                                                    \
	{                                                                                 \
		{"note", "pitch in semitones (69 = A4); the voice's note unless connected", \
		 IMPLICIT_PITCH},                                                             \
	}

/* Hard sync (saw and square): their second input, and the samples of it
 * they keep: a rising zero crossing of the input low-passed at 0.40 of
 * the rate, between the middle two of the last OSC_SYNC_TAPS, restarts
 * the phase (osc_sync.c). */
enum { OSC_IN_SYNC = OSC_IN_NOTE + 1 };
#define OSC_SYNC_TAPS 128

/* Worker thread (init): the low-pass table, built once. */
void osc_sync_init(void);

/* Audio thread: whether the raw input (w: TAPS samples, oldest first, one
 * every `stride` floats) rises through 0 between two samples within 1 of
 * the middle two: the cheap test that must pass before osc_sync_find can
 * find a crossing (the low-pass moves a crossing by well under a sample). */
static inline int
osc_sync_near(const float* w, unsigned stride)
{
	const float* m   = w + (size_t)(OSC_SYNC_TAPS / 2 - 2) * stride;
	int          any = 0;
	for (unsigned k = 0; k < 3; ++k) {
		any |= (m[(size_t)k * stride] <= 0.0f) & (m[(size_t)(k + 1) * stride] > 0.0f);
	}
	return any;
}

/* Audio thread: where in [0, 1) after w[TAPS/2 - 1] the low-passed input
 * rises through 0 (from <= 0 there to > 0 at w[TAPS/2]), or -1 if it does
 * not. */
double osc_sync_find(const float* w, unsigned stride);

#define OSC_INPUTS_SYNC                                                                         \
	{                                                                                             \
		{"note", "pitch in semitones (69 = A4); the voice's note unless connected",             \
		 IMPLICIT_PITCH},                                                                         \
		{"sync", "hard sync: a rising zero crossing (from <= 0 to > 0) of the input low-passed " \
		         "at 0.4 of the rate restarts the phase, 64 samples later, band-limited",       \
		 IMPLICIT_NONE},                                                                          \
	}

#define OSC_PARAM_PITCH                                                          \
	{"pitch", "semitones", "transpose", -48.0f, 48.0f, 0.0f, CURVE_LIN, 5.0f, NULL}
#define OSC_PARAM_FINE                                                           \
	{"fine", "cents", "fine tune", -100.0f, 100.0f, 0.0f, CURVE_LIN, 5.0f, NULL}
#define OSC_PARAM_TRACK                                                                \
	{"track", "", "keyboard tracking: 1 follows the note, 0 stays at A4 + pitch",     \
	 0.0f, 1.0f, 1.0f, CURVE_LIN, 5.0f, NULL}
#define OSC_PARAM_LEVEL                                                          \
	{"level", "", "output level", 0.0f, 1.0f, 1.0f, CURVE_LIN, 5.0f, NULL}

#endif
