/* SPDX-License-Identifier: ISC
 *
 * The brickwall module (src/dsp/brickwall.c), run directly through
 * process_stereo: with +20 dB of drive on a loud saw chord no sample comes
 * out above the ceiling; below the knee it passes the input bit for bit;
 * its release time constant, measured on the gain after a burst, is the
 * set one; every parameter jumping at random, the output stays bounded by
 * the ceiling and is the same however the run is split into calls.
 * Figures for docs/modules.md from brickwall_print_figures().
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"
#include "module_params.h"
#include "suites.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const ModuleType module_brickwall;

#define RATE 48000.0
enum { B_CEILING, B_GAIN, B_RELEASE };

/* A fresh instance over n frames in calls of `chunk` (0: random 1..64). */
static void
run_bw(const Params* ps, const float* il, const float* ir, float* ol, float* orr, size_t n, unsigned chunk)
{
	run_stereo_module(&module_brickwall, RATE, il, ir, ps, ol, orr, n, chunk, 5u);
}

/* A loud naive saw chord (C E G C, peaks near 1), left and right detuned. */
static void
chord(float* l, float* r, size_t n)
{
	static const double f[] = {130.81, 164.81, 196.0, 261.63};
	for (size_t i = 0; i < n; ++i) {
		double a = 0.0, b = 0.0;
		for (unsigned k = 0; k < 4; ++k) {
			a += 0.25 * (2.0 * fmod(f[k] * (double)i / RATE, 1.0) - 1.0);
			b += 0.25 * (2.0 * fmod(f[k] * 1.003 * (double)i / RATE + 0.3, 1.0) - 1.0);
		}
		l[i] = (float)a;
		r[i] = (float)b;
	}
}

static float
peak_of(const float* l, const float* r, size_t from, size_t n)
{
	float p = 0.0f;
	for (size_t i = from; i < n; ++i) {
		p = isfinite(l[i]) && isfinite(r[i]) ? fmaxf(p, fmaxf(fabsf(l[i]), fabsf(r[i]))) : INFINITY;
	}
	return p;
}

static void
test_brickwall_ceiling(void)
{
	const size_t n  = (size_t)(1.0 * RATE);
	float *      il = malloc(n * sizeof(float)), *ir = malloc(n * sizeof(float));
	float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	chord(il, ir, n);
	const double ceilings[] = {-1.0, -6.0, 0.0};
	for (unsigned k = 0; k < 3; ++k) {
		Params ps = params_new(&module_brickwall, n, B_CEILING, ceilings[k], B_GAIN, 20.0, -1);
		run_bw(&ps, il, ir, l, r, n, CHRONUS_SUBBLOCK);
		const float  p    = peak_of(l, r, 0, n);
		const double lim  = pow(10.0, ceilings[k] / 20.0);
		printf("\n  brickwall ceiling %.0f dB, saw chord (input peak %.2f dBFS) +20 dB: output peak %.4f dBFS",
		       ceilings[k], 20.0 * log10(peak_of(il, ir, 0, n)), 20.0 * log10(p));
		CU_ASSERT((double)p <= lim);
		CU_ASSERT((double)p > lim * 0.9); /* it is loud: the test limits something */
		params_free(&ps);
	}
	free(il);
	free(ir);
	free(l);
	free(r);
}

static void
test_brickwall_transparent(void)
{
	const size_t n  = (size_t)(0.5 * RATE);
	float *      il = malloc(n * sizeof(float)), *ir = malloc(n * sizeof(float));
	float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	chord(il, ir, n);
	const float scale = (float)pow(10.0, -3.05 / 20.0) / peak_of(il, ir, 0, n); /* peaks 0.05 dB under the knee */
	for (size_t i = 0; i < n; ++i) {
		il[i] *= scale;
		ir[i] *= scale;
	}
	Params ps = params_new(&module_brickwall, n, B_CEILING, -1.0, B_GAIN, 0.0, -1);
	run_bw(&ps, il, ir, l, r, n, CHRONUS_SUBBLOCK);
	printf("\n  brickwall ceiling -1 dB, chord peaking at -3.05 dBFS: %s\n",
	       memcmp(l, il, n * sizeof(float)) || memcmp(r, ir, n * sizeof(float)) ? "changed" : "bit for bit");
	CU_ASSERT(memcmp(l, il, n * sizeof(float)) == 0 && memcmp(r, ir, n * sizeof(float)) == 0);
	params_free(&ps);
	free(il);
	free(ir);
	free(l);
	free(r);
}

/* The release time constant: a 100 ms burst at +12 dB over the ceiling,
 * then a steady probe at the knee's level / 4 ... the gain in dB, fitted
 * on its way back from -10 to -2 dB (a straight line: the envelope falls
 * exponentially, and well above the knee the gain is ceiling/env). */
static double
measured_release_ms(double release_ms)
{
	const size_t n  = (size_t)(2.0 * RATE), burst = (size_t)(0.1 * RATE);
	float *      il = malloc(n * sizeof(float)), *l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	const float  probe = 0.01f;
	for (size_t i = 0; i < n; ++i) {
		il[i] = i < burst ? (i % 2 ? 4.0f : -4.0f) : (i % 2 ? probe : -probe);
	}
	Params ps = params_new(&module_brickwall, n, B_CEILING, 0.0, B_RELEASE, release_ms, -1);
	run_bw(&ps, il, il, l, r, n, CHRONUS_SUBBLOCK);
	double t10 = -1.0, t2 = -1.0;
	for (size_t i = burst; i < n && t2 < 0.0; ++i) {
		const double g = 20.0 * log10(fabs((double)l[i]) / probe);
		t10            = t10 < 0.0 && g >= -10.0 ? (double)i : t10;
		t2             = g >= -2.0 ? (double)i : t2;
	}
	params_free(&ps);
	free(il);
	free(l);
	free(r);
	/* 8 dB in (t2 - t10) frames; a time constant takes 8.686 dB. */
	return t10 < 0.0 || t2 < 0.0 ? -1.0 : (t2 - t10) / RATE * 1000.0 * (20.0 * log10(exp(1.0)) / 8.0);
}

static void
test_brickwall_release(void)
{
	const double rels[] = {20.0, 80.0, 400.0};
	for (unsigned k = 0; k < 3; ++k) {
		const double t = measured_release_ms(rels[k]);
		printf("\n  brickwall release %.0f ms: measured time constant %.2f ms", rels[k], t);
		CU_ASSERT(fabs(t / rels[k] - 1.0) < 0.03);
	}
	printf("\n");
}

static void
test_brickwall_bounded_split(void)
{
	const size_t n  = (size_t)(1.0 * RATE);
	float *      il = malloc(n * sizeof(float)), *ir = malloc(n * sizeof(float));
	float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	float *      l2 = malloc(n * sizeof(float)), *r2 = malloc(n * sizeof(float));
	uint32_t     seed = 17u;
	for (size_t i = 0; i < n; ++i) {
		il[i] = 3.0f * rnd_uniform(&seed);
		ir[i] = 3.0f * rnd_uniform(&seed);
	}
	Params ps = params_new(&module_brickwall, n, -1);
	for (size_t i = 0; i < n; ++i) {
		for (unsigned j = 0; j < module_brickwall.n_params; ++j) {
			const ParamSpec* s = &module_brickwall.params[j];
			ps.p[j][i]         = s->min + (s->max - s->min) * (0.5f + 0.5f * rnd_uniform(&seed));
		}
	}
	run_bw(&ps, il, ir, l, r, n, CHRONUS_SUBBLOCK);
	long over = 0;
	for (size_t i = 0; i < n; ++i) {
		const double lim = pow(10.0, ps.p[B_CEILING][i] / 20.0);
		over += (!isfinite(l[i]) || fabs((double)l[i]) > lim || fabs((double)r[i]) > lim) ? 1 : 0;
	}
	printf("\n  brickwall, noise at +9.5 dBFS, every parameter random every sample: %ld samples over the ceiling\n",
	       over);
	CU_ASSERT(over == 0);
	run_bw(&ps, il, ir, l2, r2, n, 0);
	CU_ASSERT(memcmp(l, l2, n * sizeof(float)) == 0 && memcmp(r, r2, n * sizeof(float)) == 0);
	params_free(&ps);
	free(il);
	free(ir);
	free(l);
	free(r);
	free(l2);
	free(r2);
}

void
brickwall_print_figures(FILE* f)
{
	const double rels[] = {20.0, 80.0, 400.0};
	fprintf(f, "| brickwall release 20 / 80 / 400 ms: measured time constant | %.1f / %.1f / %.1f ms |\n",
	        measured_release_ms(rels[0]), measured_release_ms(rels[1]), measured_release_ms(rels[2]));
}

int
suite_brickwall(void)
{
	CU_pSuite s = CU_add_suite("brickwall", NULL, NULL);
	return !s || !CU_add_test(s, "brickwall: +20 dB of drive never passes the ceiling", test_brickwall_ceiling) ||
	       !CU_add_test(s, "brickwall: below the knee, bit for bit", test_brickwall_transparent) ||
	       !CU_add_test(s, "brickwall: the release time constant is the set one", test_brickwall_release) ||
	       !CU_add_test(s, "brickwall: bounded by the ceiling, split-invariant", test_brickwall_bounded_split);
}
