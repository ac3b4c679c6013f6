/* SPDX-License-Identifier: ISC
 *
 * From one block of samples to the panel's columns: the FFT's bins read
 * at each column's frequency (between two bins where the bins are wider
 * than a column, the loudest bin within it where they are narrower), then
 * the fall-off and the peak hold (spectrum_view.h).
 */
#include "spectrum_view.h"

#include "spectrum_fft.h"

#include <math.h>

void
sv_reset(SpectrumView* v)
{
	for (unsigned c = 0; c < SV_COLS; ++c) {
		v->level[c]    = SV_FLOOR_DB;
		v->peak[c]     = SV_FLOOR_DB;
		v->peak_age[c] = 0;
	}
	v->rate     = 0.0;
	v->messages = 0;
	v->peak_hz  = 0.0;
	v->peak_db  = SV_FLOOR_DB;
}

static double
nyquist(const SpectrumView* v)
{
	return v->rate > 4.0 * SV_LOW_HZ ? v->rate / 2.0 : 48000.0 / 2.0;
}

double
sv_col_hz(const SpectrumView* v, unsigned c)
{
	return SV_LOW_HZ * pow(nyquist(v) / SV_LOW_HZ, (double)c / (SV_COLS - 1));
}

double
sv_hz_pos(const SpectrumView* v, double hz)
{
	return log(hz / SV_LOW_HZ) / log(nyquist(v) / SV_LOW_HZ);
}

/* The level at column c from the bins (bin width hz_per_bin). */
static float
column_db(const SpectrumView* v, const float* db, unsigned bins, double hz_per_bin, unsigned c)
{
	const double lo = c ? sqrt(sv_col_hz(v, c - 1) * sv_col_hz(v, c)) : sv_col_hz(v, 0);
	const double hi = c + 1 < SV_COLS ? sqrt(sv_col_hz(v, c) * sv_col_hz(v, c + 1)) : sv_col_hz(v, c);
	unsigned     b0 = (unsigned)ceil(lo / hz_per_bin), b1 = (unsigned)floor(hi / hz_per_bin);
	if (b1 >= bins) {
		b1 = bins - 1;
	}
	if (b0 <= b1) { /* bins inside the column: the loudest */
		float m = db[b0];
		for (unsigned b = b0 + 1; b <= b1; ++b) {
			m = db[b] > m ? db[b] : m;
		}
		return m;
	}
	/* between two bins: interpolated in dB */
	const double x = sv_col_hz(v, c) / hz_per_bin;
	unsigned     i = (unsigned)x;
	if (i + 1 >= bins) {
		return db[bins - 1];
	}
	const double t = x - i;
	return (float)((1.0 - t) * db[i] + t * db[i + 1]);
}

bool
sv_take(SpectrumView* v, const float* samples, unsigned n, double rate)
{
	float db[SPEC_MAX_N / 2 + 1];
	if (!(rate >= 8000.0 && rate <= 768000.0)) {
		return false;
	}
	const unsigned bins = spec_analyse(samples, n, db);
	if (!bins) {
		return false;
	}
	v->rate                 = rate;
	const double hz_per_bin = rate / n;
	for (unsigned c = 0; c < SV_COLS; ++c) {
		float now = column_db(v, db, bins, hz_per_bin, c);
		now       = now < SV_FLOOR_DB ? SV_FLOOR_DB : (now > SV_TOP_DB ? SV_TOP_DB : now);
		v->level[c] = now > v->level[c] - SV_FALL_DB ? now : v->level[c] - SV_FALL_DB;
		if (now >= v->peak[c]) {
			v->peak[c]     = now;
			v->peak_age[c] = 0;
		} else if (++v->peak_age[c] > SV_HOLD) {
			v->peak[c] = v->peak[c] - SV_FALL_DB > v->level[c] ? v->peak[c] - SV_FALL_DB : v->level[c];
		}
	}
	const unsigned p = spec_peak_bin(db, bins);
	v->peak_hz       = p * hz_per_bin;
	v->peak_db       = db[p];
	++v->messages;
	return true;
}

unsigned
sv_lit(const SpectrumView* v)
{
	unsigned n = 0;
	for (unsigned c = 0; c < SV_COLS; ++c) {
		n += v->level[c] > SV_FLOOR_DB;
	}
	return n;
}

bool
sv_peaks_lit(const SpectrumView* v)
{
	for (unsigned c = 0; c < SV_COLS; ++c) {
		if (v->peak[c] > SV_FLOOR_DB) {
			return true;
		}
	}
	return false;
}
