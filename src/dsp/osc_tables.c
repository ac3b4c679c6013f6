/* SPDX-License-Identifier: ISC
 *
 * The minimum-phase BLEP and BLAMP residual tables the band-limited
 * oscillators share (minBLEP, Eli Brandt, "Hard Sync Without Aliasing",
 * ICMC 2001): built once per process, on the first oscillator's init (a
 * worker or instantiate thread), never in the audio thread.
 *
 * The band-limited impulse is a Kaiser-windowed sinc, sampled OSC_BLEP_PHASES
 * times per sample. Its real cepstrum (inverse transform of the log of its
 * magnitude), folded onto positive quefrencies and exponentiated back, gives
 * the minimum-phase impulse with the same magnitude response: causal, its
 * energy as early as it can be. Integrated once it is the step (minBLEP),
 * twice the ramp (BLAMP). The transforms are a plain radix-2 FFT of our own
 * (build time only; the plugin links no FFT library). Two band limits are
 * built: the oscillators' 32-sample one (tables 1.6 ms) and hard-synced
 * notes' 64-sample one (osc_common.h; 3.8 ms more, as its transforms are
 * twice as long).
 */
#include "dsp/osc_common.h"
#include "dsp/wavetable.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

float                 osc_step_table[(OSC_BLEP_PHASES + 1) * OSC_BLEP_TAPS];
float                 osc_ramp_table[(OSC_BLEP_PHASES + 1) * OSC_BLEP_TAPS];
float                 osc_blep_lag;
float                 osc_sync_step_table[(OSC_BLEP_PHASES + 1) * OSC_SYNC_BLEP_TAPS];
float                 osc_sync_blep_lag;
static pthread_once_t osc_tables_once = PTHREAD_ONCE_INIT;

/* One band limit: the Kaiser-windowed sinc's width in samples (a power of
 * 2), cutoff (of the rate) and window. */
typedef struct {
	unsigned taps;
	double   cutoff, beta;
} OscBand;

/* Floor of the magnitude, relative to the DC gain, before its log: the
 * windowed sinc's stopband has exact nulls. */
#define OSC_LOG_FLOOR 1e-9

/* Zeroth-order modified Bessel function, for the Kaiser window. */
static double
osc_bessel_i0(double x)
{
	double sum = 1.0, term = 1.0;
	for (int k = 1; k < 64 && term > 1e-17 * sum; ++k) {
		term *= (x / (2.0 * k)) * (x / (2.0 * k));
		sum += term;
	}
	return sum;
}

/* The linear-phase band-limited impulse: Kaiser-windowed sinc over
 * [-taps / 2, taps / 2] samples. */
static double
osc_kernel(const OscBand* b, double t)
{
	const double half = b->taps / 2;
	const double w    = t / half;
	const double win  = osc_bessel_i0(b->beta * sqrt(fmax(0.0, 1.0 - w * w)));
	const double fc   = b->cutoff;
	return (t == 0.0 ? 2.0 * fc : sin(2.0 * DSP_PI * fc * t) / (DSP_PI * t)) * win;
}

/* In-place radix-2 FFT of n complex points (re, im interleaved), n a power
 * of two; sign -1 forward, +1 inverse (unscaled). Also builds the
 * wavetables (dsp/wavetable.h). */
void
osc_fft(double* z, size_t n, int sign)
{
	for (size_t i = 1, j = 0; i < n; ++i) { /* bit-reversed order */
		size_t bit = n >> 1;
		for (; j & bit; bit >>= 1) {
			j ^= bit;
		}
		j ^= bit;
		if (i < j) {
			const double re = z[2 * i], im = z[2 * i + 1];
			z[2 * i]         = z[2 * j];
			z[2 * i + 1]     = z[2 * j + 1];
			z[2 * j]         = re;
			z[2 * j + 1]     = im;
		}
	}
	for (size_t len = 2; len <= n; len <<= 1) {
		const double a = sign * 2.0 * DSP_PI / (double)len;
		for (size_t k = 0; k < len / 2; ++k) {
			const double wr = cos(a * (double)k), wi = sin(a * (double)k);
			for (size_t i = k; i < n; i += len) {
				double*      u  = z + 2 * i;
				double*      v  = z + 2 * (i + len / 2);
				const double vr = v[0] * wr - v[1] * wi, vi = v[0] * wi + v[1] * wr;
				v[0]            = u[0] - vr;
				v[1]            = u[1] - vi;
				u[0] += vr;
				u[1] += vi;
			}
		}
	}
}

/* Worker thread, once: z (2 m doubles, m = 4 taps PHASES: zero-padded so
 * the cepstrum, which a deep stopband makes long, does not alias) ends
 * holding the minimum-phase impulse in its real parts, at PHASES points a
 * sample. */
static void
osc_min_phase_impulse(const OscBand* b, double* z)
{
	const size_t n = (size_t)b->taps * OSC_BLEP_PHASES, m = 4 * n;
	for (size_t i = 0; i < m; ++i) {
		const double t = (double)i / OSC_BLEP_PHASES - (double)(b->taps / 2);
		z[2 * i]       = i <= n ? osc_kernel(b, t) : 0.0;
		z[2 * i + 1]   = 0.0;
	}
	osc_fft(z, m, -1);
	const double tiny  = OSC_LOG_FLOOR * hypot(z[0], z[1]);
	for (size_t k = 0; k < m; ++k) { /* log magnitude, then the cepstrum */
		z[2 * k]     = log(fmax(hypot(z[2 * k], z[2 * k + 1]), tiny));
		z[2 * k + 1] = 0.0;
	}
	osc_fft(z, m, 1);
	for (size_t i = 0; i < m; ++i) { /* fold onto positive quefrencies */
		const double w = i == 0 || i == m / 2 ? 1.0 : (i < m / 2 ? 2.0 : 0.0);
		z[2 * i] *= w / (double)m;
		z[2 * i + 1] = 0.0;
	}
	osc_fft(z, m, -1);
	for (size_t k = 0; k < m; ++k) { /* back from the log */
		const double mag = exp(z[2 * k]), ph = z[2 * k + 1];
		z[2 * k]         = mag * cos(ph);
		z[2 * k + 1]     = mag * sin(ph);
	}
	osc_fft(z, m, 1);
	for (size_t i = 0; i < m; ++i) {
		z[2 * i] /= (double)m;
	}
}

/* Worker thread, once: integrate the minimum-phase impulse (trapezoids at
 * PHASES points a sample) into the step S and the ramp R; S is scaled to
 * end at exactly 1 at taps samples, and the ramp's lag behind the hard
 * ramp there, taps - R(taps), is the lag L every residual ramp is measured
 * against (osc_common.h). Rows of the tables (taps wide): x = j + p /
 * PHASES; ramp may be NULL. Returns L, or NAN without memory (the tables
 * stay 0: the naive waves, aliased but playing). */
static double
osc_build_band(const OscBand* b, float* step, float* ramp)
{
	const size_t n = (size_t)b->taps * OSC_BLEP_PHASES;
	double*      z = malloc(8 * n * sizeof(double));
	double*      s = malloc((n + 1) * sizeof(double));
	double*      r = malloc((n + 1) * sizeof(double));
	if (!z || !s || !r) {
		free(z);
		free(s);
		free(r);
		return NAN;
	}
	osc_min_phase_impulse(b, z);
	const double dx = 1.0 / OSC_BLEP_PHASES;
	s[0]            = 0.0;
	for (size_t i = 1; i <= n; ++i) {
		s[i] = s[i - 1] + 0.5 * (z[2 * (i - 1)] + z[2 * i]) * dx;
	}
	const double norm = 1.0 / s[n];
	r[0]              = 0.0;
	for (size_t i = 0; i <= n; ++i) {
		s[i] *= norm;
		r[i] = i ? r[i - 1] + 0.5 * (s[i - 1] + s[i]) * dx : 0.0;
	}
	const double lag = (double)b->taps - r[n];
	for (unsigned p = 0; p <= OSC_BLEP_PHASES; ++p) {
		for (unsigned j = 0; j < b->taps; ++j) {
			const size_t i = (size_t)j * OSC_BLEP_PHASES + p;
			const double x = (double)i * dx;
			step[p * b->taps + j] = (float)(s[i] - 1.0);
			if (ramp) {
				ramp[p * b->taps + j] = (float)(r[i] - x + lag);
			}
		}
	}
	free(z);
	free(s);
	free(r);
	return lag;
}

/* Worker thread, once: the oscillators' tables, and the sync restart's
 * longer step (osc_common.h). */
static void
osc_build_tables(void)
{
	const OscBand plain = {OSC_BLEP_TAPS, OSC_BLEP_CUTOFF, OSC_BLEP_BETA};
	const OscBand sync  = {OSC_SYNC_BLEP_TAPS, OSC_SYNC_BLEP_CUTOFF, OSC_SYNC_BLEP_BETA};
	const double  lag   = osc_build_band(&plain, osc_step_table, osc_ramp_table);
	const double  slag  = osc_build_band(&sync, osc_sync_step_table, NULL);
	osc_blep_lag        = isnan(lag) ? 0.0f : (float)lag;
	osc_sync_blep_lag   = isnan(slag) ? 0.0f : (float)slag;
}

void
osc_tables_init(void)
{
	pthread_once(&osc_tables_once, osc_build_tables);
}
