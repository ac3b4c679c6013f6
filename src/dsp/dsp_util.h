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

static inline double
dsp_flushd(double x)
{
	return fabs(x) < 1e-30 ? 0.0 : x;
}

#endif
