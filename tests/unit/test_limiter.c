/* SPDX-License-Identifier: ISC
 *
 * The output limiter (src/dsp/limiter.c) on its own: exactly transparent
 * below the knee, never at or above -1 dBFS whatever comes in, back to
 * unity gain after a burst, the same gain on both channels, and a ramp, not
 * a step, when it is switched.
 */
#include "suites.h"

#include "dsp/limiter.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0
#define N    48000

static float minus_1_dbfs;

static void
sine(float* x, unsigned n, double hz, float amp, unsigned from)
{
	for (unsigned i = 0; i < n; ++i) {
		x[i] = amp * (float)sin(6.283185307179586 * hz * (double)(from + i) / RATE);
	}
}

static void
test_transparent_below_knee(void)
{
	static float l[N], r[N], l0[N], r0[N];
	sine(l, N, 220.0, 0.70f, 0); /* -3.1 dBFS: just under the knee */
	sine(r, N, 331.0, 0.50f, 0);
	memcpy(l0, l, sizeof l);
	memcpy(r0, r, sizeof r);
	Limiter lim;
	limiter_init(&lim, RATE);
	for (unsigned i = 0; i < N; i += 100) {
		limiter_process(&lim, l + i, r + i, 100);
	}
	CU_ASSERT(!memcmp(l, l0, sizeof l));
	CU_ASSERT(!memcmp(r, r0, sizeof r));
}

static void
test_never_reaches_ceiling(void)
{
	static float l[N], r[N];
	srand(7);
	for (unsigned i = 0; i < N; ++i) { /* up to +24 dBFS, random bursts */
		const float a = (i / 4800) % 2 ? 16.0f : 1.2f;
		l[i]          = a * (2.0f * (float)rand() / (float)RAND_MAX - 1.0f);
		r[i]          = a * (float)sin(i * 0.05);
	}
	Limiter lim;
	limiter_init(&lim, RATE);
	limiter_process(&lim, l, r, N);
	float peak = 0.0f;
	for (unsigned i = 0; i < N; ++i) {
		peak = fmaxf(peak, fmaxf(fabsf(l[i]), fabsf(r[i])));
	}
	printf("\n  random bursts to +24 dBFS: output peak %.3f dBFS", 20.0 * log10(peak));
	CU_ASSERT(peak < minus_1_dbfs);
	CU_ASSERT(peak > 0.85f); /* it limits, it does not mute */
	/* The static curve: continuous slope at the knee, under the ceiling. */
	CU_ASSERT_DOUBLE_EQUAL(limiter_curve(&lim, 0.5f), 0.5f, 0.0);
	CU_ASSERT(limiter_curve(&lim, 1e6f) < minus_1_dbfs);
	const float k = lim.knee, d = 1e-3f;
	CU_ASSERT_DOUBLE_EQUAL((limiter_curve(&lim, k + d) - limiter_curve(&lim, k)) / d, 1.0, 0.02);
}

static void
test_recovers_and_links(void)
{
	static float l[N], r[N];
	sine(l, N, 100.0, 2.0f, 0); /* +6 dBFS on the left only, for 0.1 s */
	for (unsigned i = N / 10; i < N; ++i) {
		l[i] *= 0.125f; /* then -12 dBFS */
	}
	for (unsigned i = 0; i < N; ++i) {
		r[i] = 0.25f;
	}
	Limiter lim;
	limiter_init(&lim, RATE);
	limiter_process(&lim, l, r, N);
	/* Linked: the right channel got the left's gain while it limited. */
	CU_ASSERT(r[N / 20] < 0.25f * 0.5f);
	/* Half a second later, unity again. */
	CU_ASSERT_EQUAL(r[N - 1], 0.25f);
	/* The release has no step: the gain moves less than 1 % per sample. */
	double worst = 0.0;
	for (unsigned i = N / 10; i < N; ++i) {
		worst = fmax(worst, fabs((double)r[i] - r[i - 1]) / 0.25);
	}
	CU_ASSERT(worst < 0.01);
}

static void
test_switch_ramps(void)
{
	static float l[N], r[N];
	sine(l, N, 200.0, 1.5f, 0);
	memcpy(r, l, sizeof l);
	Limiter lim;
	limiter_init(&lim, RATE);
	limiter_process(&lim, l, r, N / 2);
	limiter_set_enabled(&lim, false);
	limiter_process(&lim, l + N / 2, r + N / 2, N / 2);
	/* Off: after the 10 ms ramp, the input as it was, exactly. */
	float ref[64];
	sine(ref, 64, 200.0, 1.5f, N - 64);
	CU_ASSERT(!memcmp(l + N - 64, ref, sizeof ref));
	/* The ramp: 1 ms after the switch (the sine near its crest) the level
	 * has hardly moved; a step would put it 4 dB up at once. */
	float before = 0.0f, early = 0.0f;
	for (unsigned i = N / 2 - 480; i < N / 2; ++i) {
		before = fmaxf(before, fabsf(l[i]));
	}
	for (unsigned i = N / 2; i < N / 2 + 48; ++i) {
		early = fmaxf(early, fabsf(l[i]));
	}
	CU_ASSERT(early < before * 1.1f);
}

int
suite_limiter(void)
{
	minus_1_dbfs = (float)pow(10.0, -1.0 / 20.0);
	CU_pSuite s  = CU_add_suite("limiter", NULL, NULL);
	return !s || !CU_add_test(s, "transparent below the knee (bit-identical)", test_transparent_below_knee) ||
	       !CU_add_test(s, "no sample reaches -1 dBFS", test_never_reaches_ceiling) ||
	       !CU_add_test(s, "stereo-linked, smooth release back to unity", test_recovers_and_links) ||
	       !CU_add_test(s, "switching on and off ramps", test_switch_ramps);
}
