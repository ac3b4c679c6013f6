/* SPDX-License-Identifier: ISC
 *
 * The output safety limiter: a stereo-linked peak limiter with no
 * lookahead (so no latency), a soft knee from -3 dBFS that approaches a
 * ceiling of -1.1 dBFS (peaks stay under -1 dBFS), an instant attack, a hold and a
 * smooth release. Below the knee it multiplies by exactly 1: a signal that
 * never reaches -3 dBFS comes out bit-identical. It is not a module of the
 * patch language; the plugin runs it last, after the volume, in run()
 * (AUDIO THREAD: no allocation, no lock, bounded work per sample).
 */
#ifndef CHRONUS_LIMITER_H
#define CHRONUS_LIMITER_H

#include <stdbool.h>

#define LIMITER_KNEE_DBFS    (-3.0)  /* below this, gain is exactly 1 */
#define LIMITER_CEILING_DBFS (-1.1)  /* the curve tends to it: -1 dBFS is never reached, rounding included */
#define LIMITER_HOLD_MS      20.0    /* a period of 50 Hz: bass peaks do not ripple the gain */
#define LIMITER_RELEASE_MS   80.0    /* time constant of the return to unity */
#define LIMITER_SWITCH_MS    10.0    /* on/off is a ramp, not a step */

/* The peak envelope the output limiter and the brickwall module share:
 * it jumps to every new peak, holds it, then falls exponentially. */
typedef struct {
	float    env;  /* >= every recent peak */
	unsigned held; /* frames held since the last new peak */
} LimiterEnv;

#define LIMITER_ENV_MAX 64.0f /* +36 dBFS: what the envelope remembers, so a burst recovers in time */

/* Audio thread: one frame of peak p (NaN ignored); returns the level the
 * gain must bring under the curve (p itself on a new peak). */
static inline float
limiter_env_step(LimiterEnv* le, float p, unsigned hold, float release)
{
	if (p >= le->env) {
		le->env  = p < LIMITER_ENV_MAX ? p : LIMITER_ENV_MAX;
		le->held = 0;
		return p;
	}
	if (le->held < hold) {
		++le->held;
	} else {
		le->env *= release;
		le->env = le->env < 1e-20f ? 0.0f : le->env; /* no denormals */
	}
	return le->env;
}

/* The soft-knee curve: knee + range * tanh((peak - knee) / range) above
 * the knee (slope 1 there, tending to knee + range), peak below it. */
float limiter_shape(float knee, float range, float peak);

typedef struct {
	float    knee, range;   /* linear: knee level, ceiling - knee */
	float    env;           /* stereo-linked peak envelope, >= every recent |x| */
	unsigned hold, held;    /* hold length and samples held so far, in frames */
	float    release;       /* per-frame decay factor of env after the hold */
	float    mix, mix_step; /* 1 = on, 0 = bypassed; ramps towards `on` */
	bool     on;
} Limiter;

/* Any thread before use: set up for a sample rate, on, envelope at rest. */
void limiter_init(Limiter* lim, double rate);

/* Forget the envelope (e.g. at activate()). */
void limiter_reset(Limiter* lim);

/* Audio thread: switch on or off; the change ramps over LIMITER_SWITCH_MS. */
void limiter_set_enabled(Limiter* lim, bool on);

/* Audio thread: limit n frames of a stereo pair in place (the same gain on
 * both channels, so the image does not move). */
void limiter_process(Limiter* lim, float* left, float* right, unsigned n);

/* The static curve: output peak for an input peak (both linear), for the
 * docs and tests. */
float limiter_curve(const Limiter* lim, float peak);

#endif
