/* SPDX-License-Identifier: ISC
 *
 * How voices are vectorised. A slot renders its voices in lane groups of
 * CHRONUS_LANES: a MODULE_LANES module keeps the state of 8 voices side by
 * side and loops over the lanes of each frame, a loop the compiler turns
 * into vector instructions (or, where state runs from frame to frame, works
 * on the simd_f vectors below). The kernel is written once, in C, and
 * compiled twice: for the architecture's baseline (SSE2 on x86-64, NEON on
 * arm64; runs on any CPU of the architecture) and, on x86-64, for AVX2. The
 * engine picks one per slot (SimdMode); both give the same samples, since
 * the arithmetic is IEEE single precision in the same order (no FMA: ISO C
 * mode compiles with -ffp-contract=off) and only its width differs.
 */
#ifndef CHRONUS_DSP_SIMD_H
#define CHRONUS_DSP_SIMD_H

#include "dsp/module.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* What a slot renders with. */
typedef enum {
	SIMD_AUTO = 0,  /* CHRONUS_SIMD from the environment, else the best the CPU has */
	SIMD_SINGLE,    /* one voice at a time (groups of one lane), baseline instructions:
	                 * the reference the lane groups are checked against */
	SIMD_BASELINE,  /* lane groups, baseline instructions */
	SIMD_AVX2,      /* lane groups, AVX2 (x86-64 CPUs that have it) */
} SimdMode;

/* Worker thread: AUTO resolved, and AVX2 asked of a CPU without it (or
 * another architecture) lowered to BASELINE. Never returns AUTO. */
SimdMode simd_resolve(SimdMode requested);

/* "single", "baseline", "avx2" (and "auto"). */
const char* simd_name(SimdMode mode);
bool        simd_parse(const char* name, SimdMode* mode);

/* Whether this CPU can run the AVX2 kernels. */
bool simd_cpu_has_avx2(void);

#if defined(__x86_64__) && defined(__GNUC__)
#define SIMD_HAVE_AVX2 1
#define SIMD_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define SIMD_HAVE_AVX2 0
#endif

#define SIMD_INLINE static inline __attribute__((always_inline))

/* A lane group's values as one GCC vector (generic: GCC makes it AVX2,
 * two SSE2 or two NEON registers, or scalar code, as the target allows).
 * Kernels whose lane loop carries state from frame to frame use these, so
 * the state stays in registers instead of going through memory every
 * frame. A one-lane call (the single-voice path, master modules) loads
 * its value into every lane and keeps lane 0: the same instructions, the
 * same lane-0 result, at the cost of a whole group.
 *
 * These helpers are always inlined, so the calling convention GCC warns
 * about for vector arguments built without AVX (-Wpsabi) never applies. */
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float   simd_f __attribute__((vector_size(CHRONUS_LANES * sizeof(float))));
typedef int32_t simd_i __attribute__((vector_size(CHRONUS_LANES * sizeof(int32_t))));

SIMD_INLINE simd_f
simd_splat(float x)
{
	return (simd_f){0} + x;
}

/* m ? a : b, lane by lane (m from a vector comparison: -1 or 0). */
SIMD_INLINE simd_f
simd_sel(simd_i m, simd_f a, simd_f b)
{
	return (simd_f)(((simd_i)a & m) | ((simd_i)b & ~m));
}

SIMD_INLINE simd_f
simd_clamp(simd_f x, simd_f lo, simd_f hi)
{
	x = simd_sel(x < lo, lo, x);
	return simd_sel(x > hi, hi, x);
}

/* Frame row p of L lanes (L = 1 or CHRONUS_LANES). */
SIMD_INLINE simd_f
simd_load(const float* p, unsigned L)
{
	simd_f v;
	if (L == CHRONUS_LANES) {
		memcpy(&v, p, sizeof v);
	} else {
		v = simd_splat(p[0]);
	}
	return v;
}

SIMD_INLINE void
simd_store(float* p, simd_f v, unsigned L)
{
	if (L == CHRONUS_LANES) {
		memcpy(p, &v, sizeof v);
	} else {
		p[0] = v[0];
	}
}

/* Defines `static void name(void*, const ModuleIO*)` from a kernel
 * `SIMD_INLINE void kernel(void* state, const ModuleIO* io, unsigned L)`,
 * specialised for L = 1 and L = CHRONUS_LANES, and, where AVX2 exists,
 * `name_avx2`, the same built for AVX2. The module type names both:
 * `.process = name, .process_avx2 = SIMD_AVX2_OF(name)`; the engine picks
 * one when it compiles a slot, so no call asks which. */
#define SIMD_LANE_SPECIALISE(kernel, st, io) \
	((io)->lanes == CHRONUS_LANES ? kernel(st, io, CHRONUS_LANES) : kernel(st, io, 1))

#if SIMD_HAVE_AVX2
#define SIMD_LANE_PROCESS(name, kernel)                                                      \
	static void name(void* st, const ModuleIO* io)                                       \
	{                                                                                    \
		SIMD_LANE_SPECIALISE(kernel, st, io);                                        \
	}                                                                                    \
	SIMD_TARGET_AVX2 static void name##_avx2(void* st, const ModuleIO* io)               \
	{                                                                                    \
		SIMD_LANE_SPECIALISE(kernel, st, io);                                        \
	}
#define SIMD_AVX2_OF(name) name##_avx2
#else
#define SIMD_LANE_PROCESS(name, kernel)                                                      \
	static void name(void* st, const ModuleIO* io)                                       \
	{                                                                                    \
		SIMD_LANE_SPECIALISE(kernel, st, io);                                        \
	}
#define SIMD_AVX2_OF(name) NULL
#endif

#endif
