/* SPDX-License-Identifier: ISC
 *
 * How voices are vectorised. A slot renders its voices in lane groups of
 * CHRONUS_LANES: a MODULE_LANES module keeps the state of 8 voices side by
 * side and loops over the lanes of each frame, a loop the compiler turns
 * into vector instructions. The kernel is written once, in plain C, and
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

/* The instruction set a kernel runs with (ModuleIO.isa). */
typedef enum { ISA_BASELINE = 0, ISA_AVX2 } SimdIsa;

/* What a slot renders with. */
typedef enum {
	SIMD_AUTO = 0,  /* CHRONUS_SIMD from the environment, else the best the CPU has */
	SIMD_SCALAR,    /* one voice at a time (lanes of 1), baseline instructions */
	SIMD_BASELINE,  /* lane groups, baseline instructions */
	SIMD_AVX2,      /* lane groups, AVX2 (x86-64 CPUs that have it) */
} SimdMode;

/* Worker thread: AUTO resolved, and AVX2 asked of a CPU without it (or
 * another architecture) lowered to BASELINE. Never returns AUTO. */
SimdMode simd_resolve(SimdMode requested);

/* "scalar", "baseline", "avx2" (and "auto"). */
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

/* Defines `static void name(void*, const ModuleIO*)` from a kernel
 * `SIMD_INLINE void kernel(void* state, const ModuleIO* io, unsigned L)`:
 * the kernel is specialised for L = 1 and L = CHRONUS_LANES and built for
 * each instruction set; the call picks by io->isa and io->lanes. */
#if SIMD_HAVE_AVX2
#define SIMD_LANE_PROCESS(name, kernel)                                            \
	static void name##_baseline(void* st, const ModuleIO* io)                  \
	{                                                                          \
		if (io->lanes == CHRONUS_LANES) {                                  \
			kernel(st, io, CHRONUS_LANES);                             \
		} else {                                                           \
			kernel(st, io, 1);                                         \
		}                                                                  \
	}                                                                          \
	SIMD_TARGET_AVX2 static void name##_avx2(void* st, const ModuleIO* io)     \
	{                                                                          \
		if (io->lanes == CHRONUS_LANES) {                                  \
			kernel(st, io, CHRONUS_LANES);                             \
		} else {                                                           \
			kernel(st, io, 1);                                         \
		}                                                                  \
	}                                                                          \
	static void name(void* st, const ModuleIO* io)                             \
	{                                                                          \
		if (io->isa == ISA_AVX2) {                                         \
			name##_avx2(st, io);                                       \
		} else {                                                           \
			name##_baseline(st, io);                                   \
		}                                                                  \
	}
#else
#define SIMD_LANE_PROCESS(name, kernel)                                            \
	static void name(void* st, const ModuleIO* io)                             \
	{                                                                          \
		if (io->lanes == CHRONUS_LANES) {                                  \
			kernel(st, io, CHRONUS_LANES);                             \
		} else {                                                           \
			kernel(st, io, 1);                                         \
		}                                                                  \
	}
#endif

#endif
