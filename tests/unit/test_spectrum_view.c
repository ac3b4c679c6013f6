/* SPDX-License-Identifier: ISC
 *
 * The UI spectrum's maths (src/ui/spectrum_fft.c, spectrum_view.c)
 * without a host: the FFT against a plain DFT, a sine read at 0 dB in its
 * bin, what is not a power of two refused; the panel's columns lit at
 * the sine's frequency and dark far from it, the fall-off and the peak
 * hold message by message, and bad input (a silly sample rate, a length
 * that is not a power of two, NaN samples) bounded.
 */
#include "suites.h"

#include "spectrum_fft.h"
#include "spectrum_view.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdlib.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static void
test_fft_matches_dft(void)
{
	enum { N = 256 };
	float x[N], db[N / 2 + 1];
	srand(7);
	for (unsigned i = 0; i < N; ++i) {
		x[i] = (float)rand() / (float)RAND_MAX - 0.5f;
	}
	CU_ASSERT_EQUAL_FATAL(spec_analyse(x, N, db), N / 2 + 1);
	double wsum = 0.0;
	for (unsigned i = 0; i < N; ++i) {
		wsum += 0.5 - 0.5 * cos(2.0 * M_PI * i / N);
	}
	for (unsigned k = 0; k <= N / 2; k += 7) {
		double re = 0.0, im = 0.0;
		for (unsigned i = 0; i < N; ++i) {
			const double w = (0.5 - 0.5 * cos(2.0 * M_PI * i / N)) * x[i];
			re += w * cos(2.0 * M_PI * k * i / N);
			im -= w * sin(2.0 * M_PI * k * i / N);
		}
		const double want = 20.0 * log10(sqrt(re * re + im * im) * 2.0 / wsum);
		CU_ASSERT_DOUBLE_EQUAL(db[k], want, 1e-3);
	}
}

static void
test_sine_in_its_bin(void)
{
	enum { N = 1024 };
	static float x[N], db[N / 2 + 1];
	for (unsigned i = 0; i < N; ++i) {
		x[i] = (float)sin(2.0 * M_PI * 64.0 * i / N); /* bin 64, full scale */
	}
	CU_ASSERT_EQUAL_FATAL(spec_analyse(x, N, db), N / 2 + 1);
	CU_ASSERT_EQUAL(spec_peak_bin(db, N / 2 + 1), 64u);
	CU_ASSERT_DOUBLE_EQUAL(db[64], 0.0, 0.05);
	CU_ASSERT_TRUE(db[200] < -100.0f);
	CU_ASSERT_EQUAL(spec_analyse(x, 1000, db), 0u); /* not a power of two */
	CU_ASSERT_EQUAL(spec_analyse(x, 4, db), 0u);
	CU_ASSERT_EQUAL(spec_analyse(x, 2 * SPEC_MAX_N, db), 0u);
}

/* The column nearest hz. */
static unsigned
column_of(const SpectrumView* v, double hz)
{
	unsigned best = 0;
	for (unsigned c = 1; c < SV_COLS; ++c) {
		if (fabs(log(sv_col_hz(v, c) / hz)) < fabs(log(sv_col_hz(v, best) / hz))) {
			best = c;
		}
	}
	return best;
}

static void
test_view_levels_fall_and_peaks_hold(void)
{
	enum { N = 2048 };
	static float sine[N], quiet[N];
	for (unsigned i = 0; i < N; ++i) {
		sine[i]  = (float)(0.5 * sin(2.0 * M_PI * 1000.0 * i / 48000.0));
		quiet[i] = 0.0f;
	}
	static SpectrumView v;
	sv_reset(&v);
	CU_ASSERT_EQUAL(sv_lit(&v), 0u);
	CU_ASSERT_DOUBLE_EQUAL(sv_col_hz(&v, 0), 20.0, 1e-9);
	CU_ASSERT_TRUE_FATAL(sv_take(&v, sine, N, 48000.0));
	CU_ASSERT_DOUBLE_EQUAL(sv_col_hz(&v, SV_COLS - 1), 24000.0, 1e-6);
	const unsigned c1k = column_of(&v, 1000.0), c100 = column_of(&v, 100.0);
	CU_ASSERT_TRUE(v.level[c1k] > -9.0f && v.level[c1k] < -5.0f); /* -6 dB, less scalloping */
	CU_ASSERT_EQUAL(v.level[c100], SV_FLOOR_DB);
	CU_ASSERT_DOUBLE_EQUAL(v.peak_hz, 1000.0, 48000.0 / N);
	CU_ASSERT_TRUE(sv_peaks_lit(&v));
	const float top = v.level[c1k];
	/* silence: the level falls SV_FALL_DB a message; the peak stays SV_HOLD */
	for (unsigned m = 1; m <= SV_HOLD; ++m) {
		CU_ASSERT_TRUE_FATAL(sv_take(&v, quiet, N, 48000.0));
		CU_ASSERT_DOUBLE_EQUAL(v.level[c1k], top - m * SV_FALL_DB < SV_FLOOR_DB ? SV_FLOOR_DB : top - m * SV_FALL_DB,
		                       1e-3);
		CU_ASSERT_DOUBLE_EQUAL(v.peak[c1k], top, 1e-6);
	}
	CU_ASSERT_TRUE(sv_take(&v, quiet, N, 48000.0));
	CU_ASSERT_TRUE(v.peak[c1k] < top);
	for (unsigned m = 0; m < 60; ++m) {
		sv_take(&v, quiet, N, 48000.0);
	}
	CU_ASSERT_EQUAL(sv_lit(&v), 0u);
	CU_ASSERT_EQUAL(v.peak[c1k], SV_FLOOR_DB);
	CU_ASSERT_FALSE(sv_peaks_lit(&v)); /* the UI stops redrawing the panel */
}

static void
test_view_bad_input(void)
{
	static float x[2048];
	static SpectrumView v;
	sv_reset(&v);
	CU_ASSERT_FALSE(sv_take(&v, x, 2048, 0.0));
	CU_ASSERT_FALSE(sv_take(&v, x, 2048, NAN));
	CU_ASSERT_FALSE(sv_take(&v, x, 2048, 1e12));
	CU_ASSERT_FALSE(sv_take(&v, x, 2000, 48000.0));
	CU_ASSERT_EQUAL(v.messages, 0u);
	for (unsigned i = 0; i < 2048; ++i) {
		x[i] = i % 3 ? NAN : INFINITY;
	}
	CU_ASSERT_TRUE(sv_take(&v, x, 2048, 48000.0)); /* not finite: read as silence */
	CU_ASSERT_EQUAL(sv_lit(&v), 0u);
}

int
suite_spectrum_view(void)
{
	CU_pSuite s = CU_add_suite("spectrum_view", NULL, NULL);
	if (!s) {
		return 1;
	}
	return !CU_add_test(s, "FFT matches a DFT", test_fft_matches_dft) ||
	       !CU_add_test(s, "sine in its bin", test_sine_in_its_bin) ||
	       !CU_add_test(s, "levels fall, peaks hold", test_view_levels_fall_and_peaks_hold) ||
	       !CU_add_test(s, "bad input bounded", test_view_bad_input);
}
