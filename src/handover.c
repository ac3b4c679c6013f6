/* SPDX-License-Identifier: ISC
 *
 * Voice takeover for a swap to the same patch (see handover.h). AUDIO
 * THREAD: bounded copies inside two slots' arenas, nothing else.
 *
 * Two slots compiled from the same text have the same plan: voice v lives
 * in lane group v / lanes at lane v % lanes in both, and a group's states
 * have the same offsets, so a group's state block is copied whole. Only
 * the number of voices (the polyphony) may differ: voices that exist in
 * both are copied; a voice only the old slot has is left to fade out with
 * it (run() starts its note afresh on the new slot if it is still held).
 */
#include "handover.h"

#include "slot_impl.h"

#include <string.h>

/* Bytes of master module states: they are laid out one after another. */
static size_t
master_state_size(const Slot* s)
{
	size_t size = 0;
	for (unsigned i = s->n_voice_steps; i < s->n_steps; ++i) {
		const PlanStep* st  = &s->steps[i];
		const size_t    end = (size_t)st->state_offset + st->type->state_size;
		size                = end > size ? end : size;
	}
	return size;
}

bool
handover_same_layout(const Slot* a, const Slot* b)
{
	if (a->rate != b->rate || a->lanes != b->lanes || a->n_steps != b->n_steps ||
	    a->n_voice_steps != b->n_voice_steps || a->n_pre_steps != b->n_pre_steps ||
	    a->group_state_size != b->group_state_size ||
	    a->n_params != b->n_params || a->has_gate_env != b->has_gate_env || a->stereo != b->stereo ||
	    a->pan_step != b->pan_step) {
		return false;
	}
	for (unsigned i = 0; i < a->n_steps; ++i) {
		const PlanStep* x = &a->steps[i];
		const PlanStep* y = &b->steps[i];
		if (x->type != y->type || x->state_offset != y->state_offset || x->process != y->process ||
		    x->master != y->master) {
			return false;
		}
	}
	for (unsigned i = 0; i < a->n_params; ++i) {
		if (a->params[i].spec != b->params[i].spec) {
			return false;
		}
	}
	return true;
}

bool
handover_copy_voices(Slot* dst, const Slot* src)
{
	if (!handover_same_layout(dst, src)) {
		return false;
	}
	const unsigned L        = dst->lanes;
	const unsigned n_voices = dst->n_voices < src->n_voices ? dst->n_voices : src->n_voices;
	const unsigned n_groups = (n_voices + L - 1) / L;
	for (unsigned g = 0; g < n_groups; ++g) {
		memcpy(dst->voices[g * L].state, src->voices[g * L].state, src->group_state_size);
	}
	for (unsigned v = 0; v < dst->n_voices; ++v) {
		Voice* d = &dst->voices[v];
		if (v < n_voices) {
			uint8_t* const state = d->state;
			const unsigned lane  = d->lane;
			*d                   = src->voices[v];
			d->state             = state;
			d->lane              = lane;
		} else {
			/* A lane of a copied group that only dst has: idle, as primed. */
			d->phase = VOICE_IDLE;
		}
	}
	const size_t master = master_state_size(src);
	if (master) {
		memcpy(dst->master_state, src->master_state, master);
		if (src->stereo) { /* the right channel's states */
			memcpy(dst->master_state + dst->master_stride, src->master_state + src->master_stride, master);
		}
	}
	for (unsigned i = 0; i < dst->n_params; ++i) {
		dst->params[i]        = src->params[i];
		dst->params[i].spread = false; /* dst's lane copy is not filled yet */
	}
	dst->clock   = src->clock;
	dst->frames  = src->frames;
	dst->bend    = src->bend;
	dst->sustain = src->sustain;
	memcpy(dst->held, src->held, sizeof(dst->held)); /* mono: the keys still held, in order */
	dst->n_held     = src->n_held;
	dst->last_pitch = src->last_pitch; /* dst keeps its own tuning: slot_retune takes the voices there */
	slot_reattach(dst); /* the copied states point at src's data (a wavetable): dst's own again */
	return true;
}
