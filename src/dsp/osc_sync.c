/* SPDX-License-Identifier: ISC
 *
 * Hard sync's timing (saw and square, osc_common.h): whether, and where
 * between two samples, a band-limited sync input rises through zero. A
 * line through the two samples is not enough: a band-limited master (a
 * saw's minBLEP ringing, a sine's curve) bends between them, and the error
 * moves the restart by up to 0.01 sample, a jitter that aliased at -46 dB
 * (a saw master at 1 kHz, 44.1 kHz) and -14 dB at 5 kHz. Nor is the plain
 * sinc interpolation of the samples: 128 taps cannot be a brick wall at
 * half the rate, so a master's content near there (a saw's top partials)
 * comes back as images whose error changes from cycle to cycle (-71 dB
 * with a 1 kHz saw master at 44.1 kHz). So the input is low-passed at
 * 0.40 of the rate (a 128-tap Kaiser-windowed sinc, beta 10, stopband
 * from about 0.43: no image reaches it; a table of 1/1024-sample steps,
 * built once on the worker thread), and the crossing is one of that
 * filtered input, found by regula falsi (Illinois) between the two
 * samples that bracket it. Filtering a periodic master changes its
 * crossings by the same time every cycle, so the restarts stay periodic.
 * The oscillators look for a crossing in the middle of their last 128
 * input samples, so sync acts 64 samples late (1.3 ms at 48 kHz), the
 * same for every note.
 */
#include "dsp/osc_common.h"

#define SYNC_RES  1024
#define SYNC_HALF (OSC_SYNC_TAPS / 2)
#define SYNC_BETA 10.0
#define SYNC_CUTOFF 0.40 /* of the rate */

static float          sync_kernel[SYNC_HALF * SYNC_RES + 2];
static double         sync_whole[SYNC_HALF + 1]; /* the kernel at whole samples */
static pthread_once_t sync_once = PTHREAD_ONCE_INIT;

static double
sync_i0(double x)
{
	double sum = 1.0, term = 1.0;
	for (int k = 1; k < 64 && term > 1e-17 * sum; ++k) {
		term *= (x / (2.0 * k)) * (x / (2.0 * k));
		sum += term;
	}
	return sum;
}

static void
sync_build(void)
{
	const double norm = sync_i0(SYNC_BETA);
	for (unsigned i = 0; i < SYNC_HALF * SYNC_RES + 2; ++i) {
		const double d   = (double)i / SYNC_RES;
		const double w   = d / SYNC_HALF;
		const double win = w < 1.0 ? sync_i0(SYNC_BETA * sqrt(1.0 - w * w)) / norm : 0.0;
		sync_kernel[i]   = (float)((d == 0.0 ? 2.0 * SYNC_CUTOFF : sin(2.0 * DSP_PI * SYNC_CUTOFF * d) / (DSP_PI * d)) * win);
	}
	for (unsigned d = 0; d <= SYNC_HALF; ++d) {
		sync_whole[d] = (double)sync_kernel[d * SYNC_RES];
	}
}

void
osc_sync_init(void)
{
	pthread_once(&sync_once, sync_build);
}

/* The input at t samples after w[HALF - 1] (w: TAPS samples, oldest
 * first, one every `stride` floats). */
static double
sync_eval(const float* w, unsigned stride, double t)
{
	double acc = 0.0;
	for (unsigned k = 0; k < OSC_SYNC_TAPS; ++k) {
		const double   x  = fabs(t + (double)(SYNC_HALF - 1) - (double)k) * SYNC_RES;
		const unsigned j  = (unsigned)x;
		const double   fr = x - (double)j;
		acc += (double)w[(size_t)k * stride] * ((double)sync_kernel[j] + fr * ((double)sync_kernel[j + 1] - (double)sync_kernel[j]));
	}
	return acc;
}

/* The input at w[HALF - 1 + n], low-passed (n = 0 or 1): the kernel at
 * whole samples, no interpolation (the same values sync_eval reads). */
static double
sync_eval_whole(const float* w, unsigned stride, unsigned n)
{
	double acc = 0.0;
	for (unsigned k = 0; k < OSC_SYNC_TAPS; ++k) {
		const int d = (int)(SYNC_HALF - 1 + n) - (int)k;
		acc += (double)w[(size_t)k * stride] * sync_whole[d < 0 ? -d : d];
	}
	return acc;
}

double
osc_sync_find(const float* w, unsigned stride)
{
	double lo = 0.0, hi = 1.0;
	double flo = sync_eval_whole(w, stride, 0), fhi = sync_eval_whole(w, stride, 1);
	if (!(flo <= 0.0 && fhi > 0.0)) {
		return -1.0; /* also NaN */
	}
	int side = 0;
	for (unsigned it = 0; it < 10; ++it) {
		const double t  = lo - flo * (hi - lo) / (fhi - flo);
		const double ft = sync_eval(w, stride, t);
		if (fabs(ft) <= 1e-12) {
			return t >= 0.0 ? (t < 1.0 ? t : 0.999999) : 0.0;
		}
		if (ft > 0.0) {
			hi  = t;
			fhi = ft;
			flo = side == -1 ? 0.5 * flo : flo;
			side = -1;
		} else {
			lo  = t;
			flo = ft;
			fhi = side == 1 ? 0.5 * fhi : fhi;
			side = 1;
		}
	}
	const double a = lo - flo * (hi - lo) / (fhi - flo);
	return a >= 0.0 ? (a < 1.0 ? a : 0.999999) : 0.0; /* NaN: 0 */
}
