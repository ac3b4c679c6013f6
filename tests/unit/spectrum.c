/* SPDX-License-Identifier: ISC
 *
 * FFTW-backed spectral measurements for the DSP quality tests.
 */
#include "spectrum.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>

#define MAIN_LOBE_BINS 6 /* Blackman-Harris 4-term main lobe half-width + margin */

static double
window_bh(size_t i, size_t n)
{
	const double a = 2.0 * 3.14159265358979323846 * (double)i / (double)n;
	return 0.35875 - 0.48829 * cos(a) + 0.14128 * cos(2 * a) - 0.01168 * cos(3 * a);
}

void
spectrum_power(const float* x, size_t n, double* power)
{
	double*       in  = fftw_alloc_real(n);
	fftw_complex* out = fftw_alloc_complex(n / 2 + 1);
	fftw_plan     p   = fftw_plan_dft_r2c_1d((int)n, in, out, FFTW_ESTIMATE);
	double        wsum = 0.0;
	for (size_t i = 0; i < n; ++i) {
		const double w = window_bh(i, n);
		in[i] = x[i] * w;
		wsum += w;
	}
	fftw_execute(p);
	/* Scale so a full-scale sine reads power 1 at its peak bin. */
	const double scale = 2.0 / wsum;
	for (size_t k = 0; k <= n / 2; ++k) {
		const double re = out[k][0] * scale, im = out[k][1] * scale;
		power[k] = re * re + im * im;
	}
	fftw_destroy_plan(p);
	fftw_free(in);
	fftw_free(out);
}

static size_t
bin_of(double f, size_t n, double rate)
{
	return (size_t)llround(f * (double)n / rate);
}

static double
lobe_power(const double* power, size_t nbins, size_t c)
{
	double   sum = 0.0;
	size_t lo = c > MAIN_LOBE_BINS ? c - MAIN_LOBE_BINS : 0;
	size_t hi = c + MAIN_LOBE_BINS < nbins ? c + MAIN_LOBE_BINS : nbins - 1;
	for (size_t k = lo; k <= hi; ++k) {
		sum += power[k];
	}
	return sum;
}

double
spectrum_thd_n_db(const float* x, size_t n, double rate, double f0)
{
	const size_t nbins = n / 2 + 1;
	double*      power = calloc(nbins, sizeof(double));
	spectrum_power(x, n, power);
	const size_t c     = bin_of(f0, n, rate);
	const double fund  = lobe_power(power, nbins, c);
	double       total = 0.0;
	for (size_t k = MAIN_LOBE_BINS + 1; k < nbins; ++k) {
		total += power[k];
	}
	free(power);
	return 10.0 * log10((total - fund) / fund + 1e-300);
}

double
spectrum_worst_alias_db(const float* x, size_t n, double rate, double f0)
{
	const size_t nbins = n / 2 + 1;
	double*      power = calloc(nbins, sizeof(double));
	spectrum_power(x, n, power);
	const size_t c    = bin_of(f0, n, rate);
	double       fund = 0.0;
	for (size_t k = c - 2; k <= c + 2; ++k) {
		fund = power[k] > fund ? power[k] : fund;
	}
	const double bin_hz = rate / (double)n;
	double       worst  = 0.0;
	for (size_t k = MAIN_LOBE_BINS + 1; k < nbins; ++k) {
		const double f = (double)k * bin_hz;
		const double h = f / f0;
		const double dist_bins = fabs(h - round(h)) * f0 / bin_hz;
		if (dist_bins <= MAIN_LOBE_BINS) {
			continue; /* a harmonic, or the fundamental */
		}
		worst = power[k] > worst ? power[k] : worst;
	}
	free(power);
	return 10.0 * log10(worst / fund + 1e-300);
}

double
spectrum_settled_alias_db(float* x, size_t settle, size_t n, double rate, double f0)
{
	const double d = spectrum_worst_alias_db(x + settle, n, rate, f0);
	free(x);
	return d;
}

double
spectrum_level_db(const float* x, size_t n, double rate, double f)
{
	const size_t nbins = n / 2 + 1;
	double*      power = calloc(nbins, sizeof(double));
	spectrum_power(x, n, power);
	const size_t c    = bin_of(f, n, rate);
	double       peak = 0.0;
	for (size_t k = c > 2 ? c - 2 : 0; k <= c + 2 && k < nbins; ++k) {
		peak = power[k] > peak ? power[k] : peak;
	}
	free(power);
	return 10.0 * log10(peak + 1e-300);
}
