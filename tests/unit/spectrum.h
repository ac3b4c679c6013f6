/* SPDX-License-Identifier: ISC
 *
 * Spectral measurements for the DSP quality tests (FFTW, Blackman-Harris
 * window). Figures are in dB relative to the fundamental.
 */
#ifndef CHRONUS_TEST_SPECTRUM_H
#define CHRONUS_TEST_SPECTRUM_H

#include <stddef.h>

/* Power spectrum of x[0..n) into power[0..n/2]; n must be even. */
void spectrum_power(const float* x, size_t n, double* power);

/* THD+N of a sine at f0: everything but the fundamental's main lobe (and DC),
 * relative to the fundamental, in dB. */
double spectrum_thd_n_db(const float* x, size_t n, double rate, double f0);

/* Strongest component that is not near a harmonic of f0 (so: an alias),
 * relative to the fundamental, in dB. */
double spectrum_worst_alias_db(const float* x, size_t n, double rate, double f0);

/* The same for frames settle .. settle + n of a render made to be
 * measured once, which it frees (x: malloc'd, settle + n frames). */
double spectrum_settled_alias_db(float* x, size_t settle, size_t n, double rate, double f0);

/* Level of the component at frequency f (peak within its main lobe), dB
 * relative to a full-scale sine. */
double spectrum_level_db(const float* x, size_t n, double rate, double f);

#endif
