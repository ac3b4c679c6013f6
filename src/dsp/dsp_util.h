/* SPDX-License-Identifier: ISC
 *
 * Small numeric helpers every module uses; header-only so they inline.
 */
#ifndef CHRONUS_DSP_UTIL_H
#define CHRONUS_DSP_UTIL_H

#include <math.h>

#define DSP_PI  3.14159265358979323846
#define DSP_TAU 6.28318530717958647692

static inline float
dsp_clampf(float x, float lo, float hi)
{
	return x < lo ? lo : (x > hi ? hi : x);
}

static inline double
dsp_clamp(double x, double lo, double hi)
{
	return x < lo ? lo : (x > hi ? hi : x);
}

/* MIDI-style note number (69 = A4 = 440 Hz) to Hz. */
static inline double
dsp_note_to_hz(double note)
{
	return 440.0 * exp2((note - 69.0) / 12.0);
}

static inline float
dsp_db_to_gain(float db)
{
	return powf(10.0f, db / 20.0f);
}

/* Filter and envelope states that decay towards zero end up denormal, which
 * costs 100x on x86 without FTZ. The engine sets FTZ/DAZ, but a module must
 * not depend on it: flush explicitly where state decays. */
static inline float
dsp_flush(float x)
{
	return fabsf(x) < 1e-20f ? 0.0f : x;
}

/* Key tracking: the factor 2^(track (note - 60) / 12) a filter's cutoff
 * is multiplied by (track 1: an octave per octave from middle C), held to
 * 16 octaves either way; a NaN note tracks nothing. */
static inline float
dsp_key_factor(float track, float note)
{
	const float oct = track * (note - 60.0f) / 12.0f;
	return track == 0.0f || oct != oct ? 1.0f : exp2f(dsp_clampf(oct, -16.0f, 16.0f));
}

#define DSP_IN_MAX 1e6f /* input samples beyond this are broken upstream */

/* An input sample a module's state can take: a NaN becomes 0 and anything
 * huge is held at DSP_IN_MAX, so neither poisons a filter, a delay line or
 * a detector for the rest of the voice's life. */
static inline float
dsp_sane(float x)
{
	return x == x ? dsp_clampf(x, -DSP_IN_MAX, DSP_IN_MAX) : 0.0f;
}

/* The S-curve 3x^2 - 2x^3 over 0..1 (x clamped): a fade shaped by it has
 * no corner where it starts or ends, so it does not click even on a sine. */
static inline float
dsp_smoothstep(float x)
{
	x = dsp_clampf(x, 0.0f, 1.0f);
	return x * x * (3.0f - 2.0f * x);
}

static inline double
dsp_flushd(double x)
{
	return fabs(x) < 1e-30 ? 0.0 : x;
}

#endif
