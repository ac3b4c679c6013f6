/* SPDX-License-Identifier: ISC
 *
 * The output safety limiter (see limiter.h). Why this shape: a limiter
 * with lookahead would delay the output, and the plugin reports no
 * latency; so the envelope jumps to every new peak at once (the output can
 * never pass the curve, whatever arrives), is held for a bass period, and
 * then falls back exponentially. The gain follows the envelope through a
 * soft-knee curve, knee + range * tanh((e - knee) / range), whose slope is
 * 1 at the knee and which tends to the ceiling: light overs are shaped
 * gently, and the ceiling is a limit the output only approaches. On the
 * rising edge of a peak above the knee this acts as a soft clipper; once
 * the envelope holds, it is a smooth gain. AUDIO THREAD for everything but
 * limiter_init.
 */
#include "dsp/limiter.h"

#include <math.h>

void
limiter_init(Limiter* lim, double rate)
{
	lim->knee     = (float)pow(10.0, LIMITER_KNEE_DBFS / 20.0);
	lim->range    = (float)pow(10.0, LIMITER_CEILING_DBFS / 20.0) - lim->knee;
	lim->hold     = (unsigned)lrint(LIMITER_HOLD_MS * 0.001 * rate);
	lim->release  = (float)exp(-1.0 / (LIMITER_RELEASE_MS * 0.001 * rate));
	lim->mix_step = (float)(1.0 / fmax(1.0, LIMITER_SWITCH_MS * 0.001 * rate));
	lim->on       = true;
	limiter_reset(lim);
}

void
limiter_reset(Limiter* lim)
{
	lim->env  = 0.0f;
	lim->held = 0;
	lim->mix  = lim->on ? 1.0f : 0.0f;
}

void
limiter_set_enabled(Limiter* lim, bool on)
{
	lim->on = on;
}

float
limiter_shape(float knee, float range, float peak)
{
	if (!(peak > knee)) {
		return peak;
	}
	return knee + range * tanhf((peak - knee) / range);
}

float
limiter_curve(const Limiter* lim, float peak)
{
	return limiter_shape(lim->knee, lim->range, peak);
}

void
limiter_process(Limiter* lim, float* left, float* right, unsigned n)
{
	LimiterEnv  le   = {lim->env, lim->held};
	float       mix  = lim->mix;
	const float goal = lim->on ? 1.0f : 0.0f;
	for (unsigned i = 0; i < n; ++i) {
		const float p = fmaxf(fabsf(left[i]), fabsf(right[i])); /* NaN: ignored by fmaxf */
		const float e = limiter_env_step(&le, p, lim->hold, lim->release);
		if (mix != goal) {
			mix = goal > mix ? fminf(goal, mix + lim->mix_step) : fmaxf(goal, mix - lim->mix_step);
		}
		if (e > lim->knee && mix > 0.0f) {
			const float g = limiter_curve(lim, e) / e;
			const float m = mix < 1.0f ? 1.0f + mix * (g - 1.0f) : g;
			left[i] *= m;
			right[i] *= m;
		}
	}
	lim->env  = le.env;
	lim->held = le.held;
	lim->mix  = mix;
}
