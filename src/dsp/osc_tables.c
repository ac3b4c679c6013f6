/* SPDX-License-Identifier: ISC
 *
 * The BLEP and BLAMP residual tables the band-limited oscillators share:
 * built once per process, on the first oscillator's init (a worker or
 * instantiate thread), never in the audio thread.
 */
#include "dsp/osc_common.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>

float                 osc_step_table[(OSC_BLEP_PHASES + 1) * OSC_BLEP_TAPS];
float                 osc_ramp_table[(OSC_BLEP_PHASES + 1) * OSC_BLEP_TAPS];
static pthread_once_t osc_tables_once = PTHREAD_ONCE_INIT;

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

/* The band-limited impulse: Kaiser-windowed sinc over [-HALF, HALF]. */
static double
osc_kernel(double t)
{
	const double w   = t / OSC_BLEP_HALF;
	const double win = osc_bessel_i0(OSC_BLEP_BETA * sqrt(fmax(0.0, 1.0 - w * w)));
	const double fc  = OSC_BLEP_CUTOFF;
	return (t == 0.0 ? 2.0 * fc : sin(2.0 * DSP_PI * fc * t) / (DSP_PI * t)) * win;
}

/* Residual step and ramp at table index i (x = -HALF + i / PHASES), given
 * the kernel's running integrals s = S(x) and t = integral of u h(u). */
static void
osc_table_set(int p, int j, int i, double s, double t)
{
	const double x     = -OSC_BLEP_HALF + (double)i / OSC_BLEP_PHASES;
	const bool   after = j >= OSC_BLEP_HALF; /* the tap lies at or past the corner */
	/* By parts: the ramp's integral of S is x S(x) - integral of u h(u). */
	const double r = x * s - t;
	osc_step_table[p * OSC_BLEP_TAPS + j] = (float)(s - (after ? 1.0 : 0.0));
	osc_ramp_table[p * OSC_BLEP_TAPS + j] = (float)(r - (after ? x : 0.0));
}

/* Worker thread, once: integrate the kernel (Simpson's rule, 8 pieces per
 * table step) into the band-limited step S and ramp, minus the hard ones.
 * The first pass only finds the total, so S can end at exactly 1. */
static void
osc_build_tables(void)
{
	enum { N = OSC_BLEP_TAPS * OSC_BLEP_PHASES, SUB = 8 };
	const double h    = 1.0 / (OSC_BLEP_PHASES * SUB);
	double       norm = 1.0;
	for (int pass = 0; pass < 2; ++pass) {
		double s = 0.0, t = 0.0;
		for (int i = 0; i <= N; ++i) {
			if (i > 0) {
				const double x0 = -OSC_BLEP_HALF + (double)(i - 1) / OSC_BLEP_PHASES;
				for (int k = 0; k <= SUB; ++k) {
					const double x = x0 + k * h;
					const double c = (k == 0 || k == SUB) ? 1.0 : (k % 2 ? 4.0 : 2.0);
					const double y = osc_kernel(x) * norm * c * h / 3.0;
					s += y;
					t += x * y;
				}
			}
			if (pass == 0) {
				continue;
			}
			const int p = i % OSC_BLEP_PHASES, j = i / OSC_BLEP_PHASES;
			if (j < OSC_BLEP_TAPS) {
				osc_table_set(p, j, i, s, t);
			}
			if (p == 0 && j > 0) { /* also the end of the previous tap's row */
				osc_table_set(OSC_BLEP_PHASES, j - 1, i, s, t);
			}
		}
		norm = 1.0 / s; /* unit DC gain */
	}
}

void
osc_tables_init(void)
{
	pthread_once(&osc_tables_once, osc_build_tables);
}

