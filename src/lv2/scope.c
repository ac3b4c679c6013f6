/* SPDX-License-Identifier: ISC
 *
 * The UI's scope: while a UI has asked for it (patch:Set chronus:scope
 * true), run() takes every scope_step-th frame of the output (the mean of
 * left and right) and, every 1/SCOPE_HZ s, sends those samples as one
 * patch:Set chronus:scopeData of an atom:Vector of floats. At most
 * SCOPE_POINTS floats SCOPE_HZ times a second: the bandwidth is bounded
 * whatever the block size. AUDIO THREAD: fixed fields, no allocation;
 * nothing at all is done while the scope is off (no UI, or UI closed).
 */
#include "plugin.h"

void
scope_enable(Chronus* self, bool on)
{
	if (on && !self->scope_on) {
		const double period = self->rate / (double)SCOPE_HZ;
		self->scope_period  = period < 1.0 ? 1u : (uint32_t)period;
		self->scope_step    = (self->scope_period + SCOPE_POINTS - 1) / SCOPE_POINTS;
		self->scope_left    = self->scope_period;
		self->scope_phase   = 0;
		self->scope_n       = 0;
	}
	self->scope_on = on;
}

void
scope_feed(Chronus* self, const float* left, const float* right, uint32_t n)
{
	if (!self->scope_on) {
		return;
	}
	for (uint32_t i = 0; i < n; ++i) {
		if (self->scope_phase == 0 && self->scope_n < SCOPE_POINTS) {
			self->scope_buf[self->scope_n++] = 0.5f * (left[i] + right[i]);
		}
		self->scope_phase = self->scope_phase + 1 == self->scope_step ? 0 : self->scope_phase + 1;
		if (--self->scope_left == 0) {
			notify_scope(self, self->scope_buf, self->scope_n);
			self->scope_n     = 0;
			self->scope_phase = 0;
			self->scope_left  = self->scope_period;
		}
	}
}
