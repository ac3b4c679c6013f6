/* SPDX-License-Identifier: ISC
 *
 * What the delay, comb and pluck modules share: per-voice ring buffers of a
 * fixed size (so a module's state_size is fixed and nothing is allocated
 * in the audio thread), two fractional-delay readers, and the tuning of a
 * feedback loop to a pitch. Header-only so it inlines. Audio thread, but
 * for dl_ring_mask (worker, at init).
 *
 * Two interpolations, each where it is the better one:
 * - A first-order allpass (Thiran) inside the tuned loops of comb and
 *   pluck. Its magnitude is exactly 1 at every frequency, so it adds no
 *   damping that would depend on the note's fractional part (linear or
 *   Lagrange interpolation inside a loop damp a note whose period ends in
 *   .5 far more than one that ends in .0, and audibly so over hundreds of
 *   round trips). Its coefficient is solved exactly at the fundamental
 *   (eta = sin(w (1 - d) / 2) / sin(w (1 + d) / 2), of which Thiran's
 *   (1 - d) / (1 + d) is the w -> 0 limit), with d kept in [0.5, 1.5) so
 *   its pole stays far from the unit circle: the loop's phase delay at the
 *   fundamental, lowpass included, is exactly one period, and the pitch
 *   error is float rounding (see docs/modules.md for the figures).
 * - Third-order Lagrange (four taps) in the delay module, whose time a
 *   modulator may sweep: it has no state, so a moving time never leaves a
 *   transient behind (an allpass would), and it is flat to within 0.1 dB
 *   below a quarter of the rate.
 */
#ifndef CHRONUS_DSP_DELAYLINE_H
#define CHRONUS_DSP_DELAYLINE_H

#include "dsp/dsp_util.h"

#include <math.h>

/* Samples per voice: 50 ms of delay up to 163 kHz (42 ms at 192 kHz), a
 * loop as long as the period of 12 Hz at 96 kHz. The mask a module uses
 * at a rate is the smallest power of two that holds 50 ms (dl_ring_mask),
 * so a reset clears only that. */
#define DL_MAX 8192u

/* Worker thread: the ring mask for a rate (size - 1, a power of two). */
static inline unsigned
dl_ring_mask(double rate)
{
	const double want = 0.05 * rate + 8.0;
	unsigned     size = 64u;
	while (size < DL_MAX && (double)size < want) {
		size *= 2u;
	}
	return size - 1u;
}

/* A note input as a number a pitch can be made of: a NaN (broken
 * upstream) becomes middle C, and anything far off the keyboard is held
 * at its edges (the frequency is clamped further by each module). */
static inline float
dl_sane_note(float note)
{
	return note == note ? dsp_clampf(note, -100.0f, 250.0f) : 60.0f;
}

/* The one-pole lowpass in a loop, y = (1 - a) x + a y1, from a 0..1
 * damping knob: a = 0.9 damping, so its delay at low frequencies,
 * a / (1 - a), stays under 9 samples. */
static inline double
dl_damp_pole(double damping)
{
	return 0.9 * dsp_clamp(damping, 0.0, 1.0);
}

/* Phase delay, in samples, of that lowpass at w radians per sample. */
static inline double
dl_lowpass_delay(double a, double w)
{
	return atan2(a * sin(w), 1.0 - a * cos(w)) / w;
}

/* Its magnitude at w. */
static inline double
dl_lowpass_gain(double a, double w)
{
	return (1.0 - a) / sqrt(1.0 - 2.0 * a * cos(w) + a * a);
}

/* A loop tuned to a period: an integer delay n >= 1 read from the ring,
 * then the allpass (eta), then the lowpass (pole a). */
typedef struct {
	unsigned n;
	float    eta, a;
} DlTuning;

/* Tune a loop of `period` samples (> 0) holding a lowpass of pole a: the
 * allpass takes what the integer delay and the lowpass leave, exactly at
 * the fundamental. A pole too slow for a short period (its own delay
 * would not leave 1.5 samples) is lowered until it fits. */
static inline DlTuning
dl_tune(double period, double a, unsigned max_n)
{
	if (period < 2.0) {
		period = 2.0;
	}
	/* a / (1 - a) <= period - 1.5, with room for the allpass. */
	const double a_max = (period - 1.5) / (period - 0.5);
	if (a > a_max) {
		a = a_max > 0.0 ? a_max : 0.0;
	}
	const double w    = DSP_TAU / period;
	double       rest = period - (a > 0.0 ? dl_lowpass_delay(a, w) : 0.0);
	double       n    = floor(rest - 0.5);
	if (n < 1.0) {
		n = 1.0;
	}
	if (n > (double)max_n) {
		n = (double)max_n;
	}
	double d = rest - n; /* the allpass's share, 0.5 .. 1.5 unless clamped */
	d        = dsp_clamp(d, 0.05, 1.95);
	DlTuning t;
	t.n   = (unsigned)n;
	t.eta = (float)(sin(0.5 * w * (1.0 - d)) / sin(0.5 * w * (1.0 + d)));
	t.a   = (float)a;
	return t;
}

/* Third-order Lagrange read, `delay` samples (>= 2) behind the sample
 * about to be written at index w of a ring of mask `mask`. */
static inline float
dl_read_lagrange(const float* ring, unsigned mask, unsigned w, float delay)
{
	/* delay > 0, so truncation is floor (floorf is a libm call without
	 * SSE4.1). */
	const unsigned k = (unsigned)delay;
	const float    f = delay - (float)k; /* 0 .. 1, between taps k and k + 1 */
	/* Taps at k - 1, k, k + 1, k + 2 samples back; d = f + 1 from the first. */
	const float xm1 = ring[(w - k + 1u) & mask];
	const float x0  = ring[(w - k) & mask];
	const float x1  = ring[(w - k - 1u) & mask];
	const float x2  = ring[(w - k - 2u) & mask];
	const float d   = f + 1.0f;
	const float dm1 = d - 1.0f, dm2 = d - 2.0f, dm3 = d - 3.0f;
	return -xm1 * dm1 * dm2 * dm3 * (1.0f / 6.0f) + x0 * d * dm2 * dm3 * 0.5f - x1 * d * dm1 * dm3 * 0.5f +
	       x2 * d * dm1 * dm2 * (1.0f / 6.0f);
}

#endif
