/* SPDX-License-Identifier: ISC
 *
 * What the unit tests that run a module directly (test_filters.c,
 * test_effects.c) share: per-sample parameter buffers, each at its
 * default unless overridden, and a deterministic noise source.
 */
#ifndef CHRONUS_TEST_MODULE_PARAMS_H
#define CHRONUS_TEST_MODULE_PARAMS_H

#include "dsp/module.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

/* Per-sample parameter buffers, one per parameter, n frames long. */
typedef struct {
	float* p[MODULE_MAX_PARAMS];
} Params;

/* Every parameter at its default, then (index, value) overrides, -1 ends. */
static inline Params
params_new(const ModuleType* type, size_t n, ...)
{
	Params ps = {{0}};
	for (unsigned j = 0; j < type->n_params; ++j) {
		ps.p[j] = malloc(n * sizeof(float));
		for (size_t i = 0; i < n; ++i) {
			ps.p[j][i] = type->params[j].def;
		}
	}
	va_list ap;
	va_start(ap, n);
	for (int j = va_arg(ap, int); j >= 0; j = va_arg(ap, int)) {
		const float v = (float)va_arg(ap, double);
		for (size_t i = 0; i < n; ++i) {
			ps.p[j][i] = v;
		}
	}
	va_end(ap);
	return ps;
}

static inline void
params_free(Params* ps)
{
	for (unsigned j = 0; j < MODULE_MAX_PARAMS; ++j) {
		free(ps->p[j]);
		ps->p[j] = NULL;
	}
}

/* Deterministic pseudo-random numbers (xorshift32). */
static inline uint32_t
rnd_next(uint32_t* s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static inline float
rnd_uniform(uint32_t* s) /* -1 .. 1 */
{
	return (float)((double)rnd_next(s) / 2147483648.0 - 1.0);
}

#endif
