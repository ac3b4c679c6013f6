/* SPDX-License-Identifier: ISC
 *
 * The swap in progress, for the UI (docs/ui.md): patch:Set chronus:swap
 * of an atom:Float, -1 while a new patch is being built and primed (a
 * request waiting for the worker, a build under way, a primed slot on its
 * way back or waiting for the current crossfade), 0..1 the part of the
 * crossfade done, 1 when nothing is under way. Sent when it changes, the
 * crossfade's progress at most SWAP_HZ times a second: a few messages per
 * swap, none while nothing happens. AUDIO THREAD: atomic loads and one
 * small forge write.
 */
#include "plugin.h"

/* Whether a build is asked for, under way, or its result not yet swapped in. */
static bool
building(const Chronus* self)
{
	if (self->pending || self->waiting ||
	    atomic_load_explicit(&self->builds_busy, memory_order_acquire) > 0 ||
	    atomic_load_explicit(&self->replies_busy, memory_order_acquire) > 0 ||
	    atomic_load_explicit(&self->mailbox, memory_order_acquire) != NULL) {
		return true;
	}
	for (unsigned i = 0; i < REQUEST_POOL; ++i) {
		if (atomic_load_explicit(&self->requests[i].state, memory_order_acquire) != REQ_FREE) {
			return true;
		}
	}
	return false;
}

void
swap_report(Chronus* self, uint32_t n_samples)
{
	float now = 1.0f;
	if (self->standby) {
		now = self->fade_len ? (float)self->fade_pos / (float)self->fade_len : 0.0f;
		now = now > 0.999f ? 0.999f : now; /* 1 is "done" */
	} else if (building(self)) {
		now = -1.0f;
	}
	const bool fading_on = now >= 0.0f && now < 1.0f && self->swap_sent >= 0.0f && self->swap_sent < 1.0f;
	self->swap_left      = self->swap_left > n_samples ? self->swap_left - n_samples : 0;
	if (now == self->swap_sent || (fading_on && self->swap_left > 0)) {
		return; /* unchanged, or the crossfade's next step is not due yet */
	}
	notify_float(self, self->uris.chronus_swap, now);
	self->swap_sent = now;
	self->swap_left = (uint32_t)(self->rate / SWAP_HZ);
}
