/* SPDX-License-Identifier: ISC
 *
 * Smoothstep ramps, in the log domain for exponential parameters: see
 * params.h. The ramp position is an integer count, so the values are the
 * same however the frames are split into calls.
 */
#include "params.h"

#include <math.h>

static float
to_domain(const ParamState* p, float v)
{
	return p->log_domain ? logf(v) : v;
}

static float
from_domain(const ParamState* p, float v)
{
	return p->log_domain ? expf(v) : v;
}

static float
clamp_to_spec(const ParamSpec* s, float v)
{
	if (!(v == v)) { /* NaN */
		return s->def;
	}
	v = v < s->min ? s->min : (v > s->max ? s->max : v);
	if (s->choices) {
		v = roundf(v);
	}
	return v;
}

void
param_init(ParamState* p, const ParamSpec* spec, double rate, float value)
{
	p->spec       = spec;
	p->log_domain = spec->curve == CURVE_EXP && spec->min > 0.0f;
	p->ramp_len   = spec->choices ? 0u : (unsigned)lrint(spec->smooth_ms * 0.001 * rate);
	p->value = p->target = to_domain(p, clamp_to_spec(spec, value));
	p->start     = p->value;
	p->remaining = 0;
	p->filled    = false;
	p->spread    = false;
}

void
param_set(ParamState* p, float value, bool snap)
{
	const float t = to_domain(p, clamp_to_spec(p->spec, value));
	if (t == p->target && (p->remaining || p->value == t)) {
		return;
	}
	p->target = t;
	if (snap || p->ramp_len == 0) {
		p->value     = t;
		p->remaining = 0;
		p->filled    = false;
		return;
	}
	p->remaining = p->ramp_len;
	p->start     = p->value;
	p->filled    = false;
}

void
param_render(ParamState* p, unsigned n)
{
	if (!p->remaining) {
		if (!p->filled) {
			const float v = from_domain(p, p->value);
			for (unsigned i = 0; i < CHRONUS_SUBBLOCK; ++i) {
				p->buf[i] = v;
			}
			p->filled = true;
			p->spread = false;
		}
		return;
	}
	unsigned i = 0;
	const float inv = 1.0f / (float)p->ramp_len;
	for (; i < n && p->remaining; ++i) {
		if (--p->remaining == 0) {
			p->value = p->target; /* land exactly */
		} else {
			const float t = (float)(p->ramp_len - p->remaining) * inv;
			p->value      = p->start + (p->target - p->start) * t * t * (3.0f - 2.0f * t);
		}
		p->buf[i] = from_domain(p, p->value);
	}
	const float v = from_domain(p, p->value);
	for (; i < CHRONUS_SUBBLOCK; ++i) {
		p->buf[i] = v;
	}
	p->filled = false; /* the head still holds ramp values: refill next time */
	p->spread = false;
}

float
param_target(const ParamState* p)
{
	return from_domain(p, p->target);
}
