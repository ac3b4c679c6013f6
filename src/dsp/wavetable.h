/* SPDX-License-Identifier: ISC
 *
 * Band-limited wavetables: the data the `wavetable` oscillator reads
 * (osc_wavetable.c), made once per process for the built-in tables
 * (wt_tables.c) and once per slot for a table loaded from a WAV file
 * (src/wavetable_file.c). Read-only once made, so any number of voices,
 * slots and plugin instances share one without locks.
 *
 * A table is a row of frames (single-cycle waves, morphed by the
 * oscillator's `position`); each frame is stored as WT_LEVELS mip levels
 * of WT_LEN samples. Level k holds harmonics 1 .. WT_HARMONICS >> k, so a
 * note whose phase increment is inc plays the first level whose top
 * harmonic stays below Nyquist, (WT_HARMONICS >> k) inc <= 1/2: nothing
 * it plays folds back. WT_HARMONICS is 512, not the 1024 a 2048-sample
 * cycle could hold, so that linear interpolation between table samples
 * reads a level's top harmonic at no more than a quarter of the table's
 * rate (its images stay near -75 dB for a saw's spectrum even there, and
 * fall by 12 dB an octave up the levels: below -100 dB at 1 kHz).
 * Each level holds one guard sample past its end (a copy of sample 0),
 * so an interpolated read never wraps.
 */
#ifndef CHRONUS_DSP_WAVETABLE_H
#define CHRONUS_DSP_WAVETABLE_H

#include <stdbool.h>
#include <stddef.h>

#define WT_LEN        2048u /* samples of one cycle at every level */
#define WT_STRIDE     (WT_LEN + 1u) /* one level, with its guard sample */
#define WT_LEVELS     10u   /* harmonics 512, 256, ... 1 */
#define WT_HARMONICS  512u  /* of level 0 */
#define WT_MAX_FRAMES 256u  /* frames (waves) in one table: Serum's largest */
#define WT_MIN_WAVE   64u   /* samples per wave a WAV may be cut into, at least */
#define WT_MAX_WAVE   8192u /* and at most (a power of two between) */
#define WT_DEFAULT_WAVE 2048u /* the usual: Serum's convention */

typedef struct {
	unsigned frames;
	float    data[]; /* frames x WT_LEVELS x WT_STRIDE */
} WtTable;

/* The level of frame f, k: WT_STRIDE samples. */
static inline const float*
wt_level(const WtTable* t, unsigned f, unsigned k)
{
	return t->data + ((size_t)f * WT_LEVELS + k) * WT_STRIDE;
}

/* Bytes of a table of `frames` frames. */
static inline size_t
wt_table_bytes(unsigned frames)
{
	return sizeof(WtTable) + (size_t)frames * WT_LEVELS * WT_STRIDE * sizeof(float);
}

/* The built-in tables, in the order of the `table` parameter's choices. */
enum { WT_BASIC, WT_PWM, WT_HARMONIC, WT_VOCAL, WT_SYNC, WT_DIGITAL, WT_BUILTIN_COUNT };
extern const char* const wt_table_choices[];

/* Worker thread: make sure the built-in tables exist (pthread_once; about
 * 90 ms and 8.2 MiB, the first time a wavetable module is created in the
 * process). Returns false if memory ran out (the oscillator is then
 * silent, never wrong). */
bool wt_builtin_init(void);

/* Audio thread, after wt_builtin_init: built-in table i, or NULL. */
const WtTable* wt_builtin(unsigned i);

/* Worker thread: a table made from `frames` waves of `wave` samples each
 * (wave a power of two, WT_MIN_WAVE .. WT_MAX_WAVE), one after the other in
 * x. Each wave's DC is removed and its harmonics are band-limited into the
 * mip levels; the table is scaled so its loudest frame peaks at 1 (one
 * gain for all: the frames keep their levels relative to each other).
 * malloc'd (free() it); NULL when out of memory. */
WtTable* wt_table_from_waves(const float* x, unsigned frames, unsigned wave);

/* In-place radix-2 complex FFT (re, im interleaved), n a power of two;
 * sign -1 forward, +1 inverse, unscaled (osc_tables.c). Worker thread. */
void osc_fft(double* z, size_t n, int sign);

#endif
