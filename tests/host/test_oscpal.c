/* SPDX-License-Identifier: ISC
 *
 * examples/fm-bell.chronus, a two-operator FM bell, played through the
 * real bundle: its fundamental is the note (within a cent), its partials
 * sit at whole multiples of it (nothing between them above -60 dB), and it
 * decays, growing purer as it does (the modulation index falls). And the
 * examples that use the new oscillator features (fm-bell: operators;
 * free-phase: random start phases, per-voice noise, hard sync) give the
 * same samples at any block size through the plugin. (free-phase's square
 * runs free: its phase counts from when its slot started playing, which
 * a patch loaded while running reaches at a time that depends on the
 * block size, so it is set to reset here; the unit test oscpal checks
 * free starts at every block size on a slot, tests/unit/test_oscpal.c.)
 */
#include "helpers.h"
#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

static char*
read_example(const char* name)
{
	const char* dir = getenv("CHRONUS_SOURCE_DIR");
	char        path[1024];
	snprintf(path, sizeof path, "%s/examples/%s", dir && *dir ? dir : ".", name);
	FILE* f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	char*        text = calloc(1, 1 << 16);
	const size_t n    = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

/* Level in dB (a full-scale sine reads 0) of frequency f in x[0..n), under
 * a 4-term Blackman-Harris window (sidelobes -92 dB). */
static double
level_db(const float* x, size_t n, double f)
{
	double re = 0.0, im = 0.0, wsum = 0.0;
	/* the phasor by recurrence, renormalised now and then */
	const double dc = cos(2.0 * PI * f / TEST_RATE), ds = sin(2.0 * PI * f / TEST_RATE);
	double       c = 1.0, s = 0.0;
	for (size_t i = 0; i < n; ++i) {
		const double a = 2.0 * PI * (double)i / (double)n;
		const double w = 0.35875 - 0.48829 * cos(a) + 0.14128 * cos(2 * a) - 0.01168 * cos(3 * a);
		re += w * x[i] * c;
		im -= w * x[i] * s;
		wsum += w;
		const double c2 = c * dc - s * ds;
		s               = s * dc + c * ds;
		c               = c2;
		if ((i & 1023) == 1023) {
			const double m = sqrt(c * c + s * s);
			c /= m;
			s /= m;
		}
	}
	const double amp = 2.0 * sqrt(re * re + im * im) / wsum;
	return 20.0 * log10(amp + 1e-30);
}

/* The peak's frequency within +-span Hz of f (steps of 0.05 Hz, then a
 * parabola through the best three). */
static double
peak_hz(const float* x, size_t n, double f, double span)
{
	const double step = 0.05;
	double       best = -1e9, at = f;
	for (double g = f - span; g <= f + span; g += step) {
		const double l = level_db(x, n, g);
		if (l > best) {
			best = l;
			at   = g;
		}
	}
	const double a = level_db(x, n, at - step), z = level_db(x, n, at + step);
	const double d = 0.5 * (a - z) / (a - 2.0 * best + z);
	return at + d * step;
}

static void
test_fm_bell(void)
{
	char* text = read_example("fm-bell.chronus");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, text));
	free(text);
	enum { N = 3 * 48000, W = 48000 };
	float* y = calloc(N, sizeof(float));
	host_note_on(h, 0, 57, 100); /* A3, 220 Hz */
	test_render(h, y, N, 256);
	CU_ASSERT(test_all_finite(y, N));

	const float* early = y + 7200; /* 0.15 s to 1.15 s */
	const double f0    = peak_hz(early, W, 220.0, 3.0);
	const double cents = 1200.0 * log2(f0 / 220.0);
	printf("\n  fm-bell A3: fundamental %.4f Hz (%+.3f cent)", f0, cents);
	CU_ASSERT(fabs(cents) < 1.0);

	/* Partials at whole multiples: each peak within a cent of k f0; and
	 * nothing between them (at quarter spacings) above -60 dB re the
	 * strongest. */
	double strongest = -1e9, between = -1e9, worst_cents = 0.0;
	for (unsigned k = 1; k <= 10; ++k) {
		strongest = fmax(strongest, level_db(early, W, k * 220.0));
		for (unsigned q = 1; q < 4; ++q) {
			between = fmax(between, level_db(early, W, (k - 1 + q / 4.0) * 220.0));
		}
	}
	for (unsigned k = 2; k <= 5; ++k) {
		if (level_db(early, W, k * 220.0) > strongest - 40.0) {
			const double fk = peak_hz(early, W, k * 220.0, 2.0);
			worst_cents     = fmax(worst_cents, fabs(1200.0 * log2(fk / (k * f0))));
		}
	}
	printf(", partials 2-5 within %.3f cent of k f0, strongest between them %.1f dB\n", worst_cents,
	       between - strongest);
	CU_ASSERT(worst_cents < 1.0);
	CU_ASSERT(between < strongest - 60.0);

	/* It decays, and purer: the 2nd partial (1 - 3 = -2) falls faster than
	 * the fundamental as the modulator's envelope closes. */
	const float* late   = y + 2 * 48000; /* 2 s to 2.5 s */
	const double loud   = test_rms(y + 7200, 24000), quiet = test_rms(late, 24000);
	const double bright = level_db(early, W, 440.0) - level_db(early, W, 220.0);
	const double pure   = level_db(late, 24000, 440.0) - level_db(late, 24000, 220.0);
	printf("  decay: rms %.1f dB at 0.15 s, %.1f dB at 2 s; 2nd partial re fundamental %.1f dB, then %.1f dB\n",
	       20.0 * log10(loud), 20.0 * log10(quiet), bright, pure);
	CU_ASSERT(20.0 * log10(quiet / loud) < -20.0);
	CU_ASSERT(pure < bright - 20.0);
	free(y);
	host_free(h);
}

/* The example `name` loaded (the swap over before the score starts, so
 * when it lands does not depend on the block size), then a score of
 * notes, a bend and the pedal played in `plan`'s blocks. */
static bool
render_example(const char* name, BlockPlan plan, float* out, size_t* frames)
{
	static const char* score =
		"length 2\nat 0.1 note 48 100 1.2\nat 0.113 note 55 90 0.9\nat 0.4 note 60 127 1.0\nat 0.61 bend 0.5\n"
		"at 0.8 sustain on\nat 0.9 note 64 70 0.1\nat 1.0 note 48 80 0.5\nat 1.3 sustain off\n"
		"at 1.5 note 67 100 0.4\n";
	Score s;
	char  err[256];
	if (!score_parse(score, ".", TEST_RATE, &s, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return false;
	}
	char* text = read_example(name);
	char* free_start = text ? strstr(text, "start free") : NULL;
	if (free_start) {
		memcpy(free_start, "start 0   ", 10); /* reset, as explained above */
	}
	Host* h    = text ? test_host(HOST_WORKER_THREAD, plan.block) : NULL;
	if (!h || !test_load_patch(h, text)) {
		free(text);
		if (h) {
			host_free(h);
		}
		score_free(&s);
		return false;
	}
	free(text);
	const bool ok = test_score_render_stereo(h, &s, plan, out);
	*frames       = s.frames;
	host_free(h);
	score_free(&s);
	return ok;
}

static void
test_examples_block_sizes(void)
{
	static const char* names[] = {"fm-bell.chronus", "free-phase.chronus"};
	const size_t       max     = 2 * 48000;
	float*             ref     = calloc(max, sizeof(float));
	float*             out     = calloc(max, sizeof(float));
	const BlockPlan    plans[] = {{1, false, 0}, {7, false, 0}, {256, false, 0}, {4096, false, 0}, {1000, true, 5}};
	printf("\n");
	for (unsigned e = 0; e < 2; ++e) {
		size_t n = 0;
		CU_ASSERT_TRUE_FATAL(render_example(names[e], (BlockPlan){64, false, 0}, ref, &n));
		CU_ASSERT(test_peak(ref, n) > 0.05f);
		CU_ASSERT(test_all_finite(ref, n));
		double worst = 0.0;
		for (size_t k = 0; k < sizeof plans / sizeof plans[0]; ++k) {
			size_t m = 0;
			CU_ASSERT_TRUE_FATAL(render_example(names[e], plans[k], out, &m));
			CU_ASSERT_EQUAL(m, n);
			for (size_t i = 0; i < n; ++i) {
				worst = fmax(worst, fabs((double)out[i] - ref[i]));
			}
		}
		printf("  %s: block sizes 1, 7, 64, 256, 4096, random: max difference %g\n", names[e], worst);
		CU_ASSERT(worst <= 1e-6);
	}
	free(ref);
	free(out);
}

int
suite_fmbell(void)
{
	CU_pSuite s = CU_add_suite("fmbell", NULL, NULL);
	return !s || !CU_add_test(s, "examples/fm-bell.chronus: in tune, harmonic, decays", test_fm_bell) ||
	       !CU_add_test(s, "fm-bell and free-phase: any block size gives the same samples", test_examples_block_sizes);
}
