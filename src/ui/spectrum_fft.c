/* SPDX-License-Identifier: ISC
 *
 * A small in-place radix-2 FFT (the UI links only X11, cairo, libm and
 * libc, so no FFT library) and the spectrum of a block of samples in dB.
 */
#include "spectrum_fft.h"

#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Iterative Cooley-Tukey: bit-reversal, then log2(n) butterfly passes. */
static void
fft(double* re, double* im, unsigned n)
{
	for (unsigned i = 1, j = 0; i < n; ++i) {
		unsigned bit = n >> 1;
		for (; j & bit; bit >>= 1) {
			j ^= bit;
		}
		j ^= bit;
		if (i < j) {
			double t = re[i];
			re[i]    = re[j];
			re[j]    = t;
			t        = im[i];
			im[i]    = im[j];
			im[j]    = t;
		}
	}
	for (unsigned len = 2; len <= n; len <<= 1) {
		const double a = -2.0 * M_PI / len;
		for (unsigned i = 0; i < n; i += len) {
			for (unsigned k = 0; k < len / 2; ++k) {
				const double wr = cos(a * k), wi = sin(a * k);
				const unsigned p = i + k, q = i + k + len / 2;
				const double   xr = re[q] * wr - im[q] * wi, xi = re[q] * wi + im[q] * wr;
				re[q] = re[p] - xr;
				im[q] = im[p] - xi;
				re[p] += xr;
				im[p] += xi;
			}
		}
	}
}

unsigned
spec_analyse(const float* x, unsigned n, float* db)
{
	if (n < 8 || n > SPEC_MAX_N || (n & (n - 1))) {
		return 0;
	}
	double re[SPEC_MAX_N], im[SPEC_MAX_N];
	double wsum = 0.0;
	for (unsigned i = 0; i < n; ++i) {
		const double w = 0.5 - 0.5 * cos(2.0 * M_PI * i / n); /* Hann */
		wsum += w;
		re[i] = isfinite(x[i]) ? x[i] * w : 0.0;
		im[i] = 0.0;
	}
	fft(re, im, n);
	/* a sine of amplitude 1 gives |X| = wsum / 2 at its bin: 0 dB */
	const double scale = 2.0 / wsum;
	for (unsigned i = 0; i <= n / 2; ++i) {
		const double mag = sqrt(re[i] * re[i] + im[i] * im[i]) * scale;
		db[i]            = mag > 1e-10 ? (float)(20.0 * log10(mag)) : SPEC_SILENT_DB;
	}
	return n / 2 + 1;
}

unsigned
spec_peak_bin(const float* db, unsigned bins)
{
	unsigned best = 1;
	for (unsigned i = 2; i < bins; ++i) {
		if (db[i] > db[best]) {
			best = i;
		}
	}
	return best;
}
