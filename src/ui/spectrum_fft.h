/* SPDX-License-Identifier: ISC
 *
 * The spectrum's maths, apart from drawing so the unit and host tests use
 * it too: a Hann-windowed radix-2 FFT of contiguous samples, as dB per
 * bin, scaled so that a full-scale sine reads 0 dB at its bin.
 */
#ifndef CHRONUS_SPECTRUM_FFT_H
#define CHRONUS_SPECTRUM_FFT_H

#define SPEC_MAX_N 4096u /* the longest block analysed */

/* db[0..n/2] of the n samples of x (n a power of two, 8..SPEC_MAX_N);
 * returns n/2 + 1, or 0 when n is not such a length. A bin with no
 * energy reads SPEC_SILENT_DB. */
#define SPEC_SILENT_DB -200.0f
unsigned spec_analyse(const float* x, unsigned n, float* db);

/* The loudest bin of db[0..bins), 0 excluded (the DC offset). */
unsigned spec_peak_bin(const float* db, unsigned bins);

#endif
