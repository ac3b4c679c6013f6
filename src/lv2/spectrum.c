/* SPDX-License-Identifier: ISC
 *
 * The UI's spectrum: while a UI has asked for it (patch:Set
 * chronus:spectrum true), run() copies the first SPECTRUM_N frames of
 * every 1/SPECTRUM_HZ s of the output (the mean of left and right) into a
 * fixed buffer and sends them, after the sample rate, as one patch:Set
 * chronus:spectrumData of an atom:Vector of 1 + SPECTRUM_N floats. The
 * frames are contiguous and not decimated, so the UI's FFT of them does
 * not alias (the scope's points would). Bandwidth: at most SPECTRUM_HZ
 * messages a second of audio, whatever the block size. AUDIO THREAD: a
 * copy into fixed fields, no FFT and no allocation here; nothing at all
 * while the spectrum is off (no UI, or UI closed).
 */
#include "plugin.h"

void
spectrum_enable(Chronus* self, bool on)
{
	if (on && !self->spectrum_on) {
		const double period = self->rate / (double)SPECTRUM_HZ;
		/* never more often than SPECTRUM_HZ, and never overlapping */
		self->spectrum_period = period < (double)SPECTRUM_N ? SPECTRUM_N : (uint32_t)period;
		self->spectrum_left   = self->spectrum_period;
		self->spectrum_n      = 0;
		self->spectrum_buf[0] = (float)self->rate;
	}
	self->spectrum_on = on;
}

void
spectrum_feed(Chronus* self, const float* left, const float* right, uint32_t n)
{
	if (!self->spectrum_on) {
		return;
	}
	for (uint32_t i = 0; i < n; ++i) {
		if (self->spectrum_n < SPECTRUM_N) {
			self->spectrum_buf[1 + self->spectrum_n++] = 0.5f * (left[i] + right[i]);
			if (self->spectrum_n == SPECTRUM_N) {
				notify_floats(self, self->uris.chronus_spectrumData, self->spectrum_buf, 1 + SPECTRUM_N);
			}
		}
		if (--self->spectrum_left == 0) {
			self->spectrum_n    = 0;
			self->spectrum_left = self->spectrum_period;
		}
	}
}
