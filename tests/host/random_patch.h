/* SPDX-License-Identifier: ISC
 *
 * Random but always valid patches for the stress tests: modules from the
 * whole registry (oscillators with their start phases, FM operators
 * modulated by an earlier source, noise, LFOs, envelopes, vca, mix, svf,
 * ladder, drive, delay, comb, pluck: the delay lines only in patches that
 * need not be steady), a random DAG of audio and modulation connections, random
 * `set` values inside each parameter's range, sometimes master modules,
 * sometimes macros, in shuffled statement order with random spacing,
 * comments and line endings. The module table below mirrors
 * docs/modules.md: a patch this generator makes that does not parse is a
 * bug in one of the two, and the stress test reports it as such.
 *
 * A "steady" patch is one whose sound settles within 60 ms of a note-on and
 * then stays stationary while the note is held: envelopes with sustain 1
 * and attack and release of at most 30 ms, positive envelope depths, no
 * LFOs (a tremolo around a low base gates the sound), no self-oscillating
 * filters,
 * oscillators only in octaves (-12 to +24 semitones, an envelope on
 * pitch raising one by exactly an octave) with full key tracking, no
 * detuning (none set, none modulated) and a start phase of 0 (operators at whole ratios
 * of the note), and no noise, so a chord of octaves gives an
 * exactly periodic sound (noise is stationary in level, not in the peaks of
 * its second difference, which the click metric measures). Only between two steady
 * patches is a crossfade's level and sharpness predictable from the
 * patches' own steady states, so only there do the stress tests assert
 * the click and hole bounds.
 */
#ifndef CHRONUS_TEST_RANDOM_PATCH_H
#define CHRONUS_TEST_RANDOM_PATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* splitmix64: small, fast, the same sequence on every platform. */
typedef struct {
	uint64_t s;
} RpRng;

void     rp_seed(RpRng* rng, uint64_t seed);
uint64_t rp_u64(RpRng* rng);
double   rp_unit(RpRng* rng);                        /* [0, 1) */
double   rp_range(RpRng* rng, double lo, double hi); /* [lo, hi) */
double   rp_log_range(RpRng* rng, double lo, double hi); /* log-uniform, lo > 0 */
unsigned rp_below(RpRng* rng, unsigned n);            /* [0, n), n > 0 */
bool     rp_chance(RpRng* rng, double p);

#define RP_MAX_TEXT 24576

typedef struct {
	char     title[32];
	char     text[RP_MAX_TEXT];
	size_t   len;
	bool     steady;    /* see above */
	unsigned n_modules, n_connections, n_settings, n_macros;
	bool     has_master, has_noise, has_lfo;
	bool     master_lfo; /* a master LFO: its phase runs from the slot's start */
} RandomPatch;

/* Fills out with a valid patch titled `title` (at most 31 bytes, no quote
 * or backslash needed: they are escaped). */
void random_patch(RpRng* rng, bool steady, const char* title, RandomPatch* out);

#endif
