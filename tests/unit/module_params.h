/* SPDX-License-Identifier: ISC
 *
 * What the unit tests that run a module directly (test_filters.c,
 * test_effects.c, test_brickwall.c) share: per-sample parameter buffers,
 * each at its default unless overridden, a deterministic noise source, and
 * a stereo master module run over a whole signal in calls of any size.
 */
#ifndef CHRONUS_TEST_MODULE_PARAMS_H
#define CHRONUS_TEST_MODULE_PARAMS_H

#include "dsp/module.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* A fresh instance of a stereo master module (MODULE_STEREO) at `rate`
 * over n frames of inl/inr in calls of `chunk` frames (0: random 1..64
 * from seed, so a test can show a run's split does not matter); its other
 * inputs are unfed. */
static inline void
run_stereo_module(const ModuleType* t, double rate, const float* inl, const float* inr, const Params* ps, float* outl,
                  float* outr, size_t n, unsigned chunk, uint32_t seed)
{
	void* state = calloc(1, t->state_size);
	t->init(state, rate);
	for (size_t i = 0; i < n;) {
		unsigned len = chunk ? chunk : 1u + rnd_next(&seed) % CHRONUS_SUBBLOCK;
		len          = len < n - i ? len : (unsigned)(n - i);
		ModuleIO io[2];
		memset(io, 0, sizeof io);
		static const float zeros[CHRONUS_SUBBLOCK]; /* other inputs: unfed */
		for (unsigned c = 0; c < 2; ++c) {
			for (unsigned j = 1; j < t->n_inputs; ++j) {
				io[c].in[j] = zeros;
			}
			io[c].in[0]    = (c ? inr : inl) + i;
			io[c].out      = (c ? outr : outl) + i;
			io[c].n        = len;
			io[c].lanes    = 1;
			io[c].sounding = 1u;
			for (unsigned j = 0; j < t->n_params; ++j) {
				io[c].param[j] = ps->p[j] + i;
			}
		}
		t->process_stereo(state, &io[0], &io[1]);
		i += len;
	}
	free(state);
}

#endif
