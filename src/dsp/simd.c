/* SPDX-License-Identifier: ISC
 *
 * Choosing the vector path: the CPU's features, and CHRONUS_SIMD to force
 * one (for tests, and for anyone who suspects the vector path).
 */
#include "dsp/simd.h"

#include <stdlib.h>
#include <string.h>

static const char* const names[] = {"auto", "single", "baseline", "avx2"};

bool
simd_cpu_has_avx2(void)
{
#if SIMD_HAVE_AVX2
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
#else
	return false;
#endif
}

const char*
simd_name(SimdMode mode)
{
	return (unsigned)mode < sizeof names / sizeof names[0] ? names[mode] : "?";
}

bool
simd_parse(const char* name, SimdMode* mode)
{
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; ++i) {
		if (name && !strcmp(name, names[i])) {
			*mode = (SimdMode)i;
			return true;
		}
	}
	return false;
}

SimdMode
simd_resolve(SimdMode requested)
{
	if (requested == SIMD_AUTO) {
		SimdMode env;
		if (simd_parse(getenv("CHRONUS_SIMD"), &env) && env != SIMD_AUTO) {
			requested = env;
		} else {
			requested = SIMD_AVX2;
		}
	}
	if (requested == SIMD_AVX2 && !simd_cpu_has_avx2()) {
		requested = SIMD_BASELINE;
	}
	return requested;
}
