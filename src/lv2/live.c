/* SPDX-License-Identifier: ISC
 *
 * Live sets: one module parameter of the playing patch changed without a
 * rebuild (live_set.h). run() applies a set at its event's frame to every
 * slot it holds, through the parameter's own smoothing, and logs it; the
 * worker writes the logged sets into the patch text that save() stores and
 * the next rebuild reads, or says what is wrong with one in the parser's
 * words. A slot built before some sets (a rebuild under way) gets them as
 * it swaps in, so none is lost. The audio-thread functions here allocate,
 * lock and print nothing.
 */
#include "plugin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Audio thread ----------------------------------------------------- */

/* Applies set to one slot; false when the slot has no such running module
 * and parameter or the value does not fit it. */
static bool
apply_to(Slot* slot, const LiveSet* set, bool snap)
{
	const int k = slot_find_param(slot, set->module, set->module_len, set->param, set->param_len);
	float     v;
	if (k < 0 || !live_set_value(set, slot_param_spec(slot, (unsigned)k), &v)) {
		return false;
	}
	slot_set_param(slot, (unsigned)k, v, snap);
	return true;
}

static bool
same_key(const LiveSet* a, const LiveSet* b)
{
	return a->module_len == b->module_len && a->param_len == b->param_len &&
	       !memcmp(a->module, b->module, a->module_len) && !memcmp(a->param, b->param, a->param_len);
}

/* The log: a set not yet handed to the worker is replaced by a newer one
 * of the same parameter (a knob swept through OSC is one entry a block). */
static void
log_set(Chronus* self, const char* text, uint32_t len, bool applied, const LiveSet* set)
{
	len = len > LIVE_SET_MAX ? LIVE_SET_MAX : len;
	for (uint32_t q = self->live_sent + 1; set && q != self->live_seq + 1; ++q) {
		LiveRecord* r = &self->live_log[q % LIVE_LOG];
		LiveSet     old;
		if (live_set_split(r->text, r->len, &old) && same_key(&old, set)) {
			memcpy(r->text, text, len);
			r->len     = len;
			r->applied = applied;
			return;
		}
	}
	if (self->live_seq - self->live_sent >= LIVE_LOG) {
		self->live_overflow = true; /* applied, not remembered */
		return;
	}
	LiveRecord* r = &self->live_log[++self->live_seq % LIVE_LOG];
	r->seq        = self->live_seq;
	r->len        = len;
	r->applied    = applied;
	memcpy(r->text, text, len);
	atomic_store_explicit(&self->live_seq_pub, self->live_seq, memory_order_release);
}

void
chronus_live_set(Chronus* self, const char* text, uint32_t len)
{
	LiveSet    set;
	const bool split   = len <= LIVE_SET_MAX && live_set_split(text, len, &set);
	bool       applied = false;
	if (split) {
		applied = apply_to(self->active->slot, &set, false);
		if (self->standby) {
			apply_to(self->standby->slot, &set, false);
		}
		if (self->waiting) {
			apply_to(self->waiting->slot, &set, true);
		}
	}
	log_set(self, text, len, applied, split ? &set : NULL);
}

void
chronus_live_flush(Chronus* self)
{
	while (self->live_sent != self->live_seq) {
		const LiveRecord* r = &self->live_log[(self->live_sent + 1) % LIVE_LOG];
		LiveSetMessage    m;
		m.type    = WORK_LIVE_SET;
		m.seq     = r->seq;
		m.len     = r->len;
		m.applied = r->applied;
		memcpy(m.text, r->text, r->len);
		if (!chronus_schedule(self, &m, sizeof(m))) {
			break; /* the ring is full: the next block tries again */
		}
		++self->live_sent;
	}
	if (self->live_overflow) {
		static const char why[] = "live sets came faster than the worker took them: the newest are heard "
		                          "but not written into the patch text";
		_Static_assert(sizeof(why) <= STATUS_MAX, "fits the status");
		self->live_overflow = false;
		memcpy(self->status, why, sizeof(why));
		notify_status(self, self->status);
	}
}

void
chronus_live_reapply(Chronus* self, Outcome* next)
{
	uint32_t from = next->live_seq + 1;
	if (self->live_seq - next->live_seq > LIVE_LOG) {
		from = self->live_seq - LIVE_LOG + 1; /* older ones are in its text by now */
	}
	for (uint32_t q = from; q != self->live_seq + 1; ++q) {
		const LiveRecord* r = &self->live_log[q % LIVE_LOG];
		LiveSet           set;
		if (live_set_split(r->text, r->len, &set)) {
			apply_to(next->slot, &set, true);
		}
	}
	next->live_seq = self->live_seq;
}

void
chronus_take_notice(Chronus* self)
{
	if (atomic_load_explicit(&self->notice_ready, memory_order_acquire) == 1) {
		memcpy(self->status, self->notice, sizeof(self->status));
		self->status[STATUS_MAX - 1] = '\0';
		notify_status(self, self->status);
		atomic_store_explicit(&self->notice_ready, 0, memory_order_release);
	}
}

/* ---- Worker and other non-real-time threads ---------------------------- */

void
chronus_post_notice(Chronus* self, const char* fmt, ...)
{
	char    text[STATUS_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	/* 0 → 2 claims the box (the worker and the OSC thread both post), 1
	 * hands it to run(), which gives it back with 0. */
	int free_box = 0;
	if (!atomic_compare_exchange_strong_explicit(&self->notice_ready, &free_box, 2, memory_order_acquire,
	                                             memory_order_relaxed)) {
		lv2_log_note(&self->logger, "Chronus: %s\n", text); /* run() has not shown the last one yet */
		return;
	}
	memcpy(self->notice, text, sizeof text);
	atomic_store_explicit(&self->notice_ready, 1, memory_order_release);
}

void
chronus_live_remember(Chronus* self, const LiveSetMessage* m)
{
	const uint32_t len = m->len > LIVE_SET_MAX ? LIVE_SET_MAX : m->len;
	for (unsigned attempt = 0; attempt < 3; ++attempt) {
		pthread_mutex_lock(&self->snapshot_lock);
		const uint32_t version = self->snapshot_version;
		const uint32_t in_text = self->snapshot_live_seq;
		const size_t   n       = self->snapshot_len;
		char*          text    = malloc(n + 1);
		if (text) {
			memcpy(text, self->snapshot_text ? self->snapshot_text : "", n);
			text[n] = '\0';
		}
		pthread_mutex_unlock(&self->snapshot_lock);
		if (!text) {
			return;
		}
		PatchError err;
		char*      merged = NULL;
		size_t     merged_len = 0;
		const bool ok = live_set_check(text, n, m->text, len, &err, &merged, &merged_len);
		free(text);
		if (!ok) {
			lv2_log_error(&self->logger, "Chronus: %s\n", err.message);
			chronus_post_notice(self, "%s", err.message);
			return;
		}
		if ((int32_t)(m->seq - in_text) <= 0) {
			free(merged); /* made before the patch now saved: not its */
			return;
		}
		bool stored = false;
		pthread_mutex_lock(&self->snapshot_lock);
		if (self->snapshot_version == version) {
			free(self->snapshot_text);
			self->snapshot_text     = merged;
			self->snapshot_len      = merged_len;
			self->snapshot_live_seq = m->seq;
			++self->snapshot_version;
			stored = true;
		}
		pthread_mutex_unlock(&self->snapshot_lock);
		LiveSet set;
		if (stored && live_set_split(m->text, len, &set)) {
			chronus_post_notice(self, "set %.*s.%.*s %.*s%s", (int)set.module_len, set.module, (int)set.param_len,
			                    set.param, (int)set.value_len, set.value,
			                    m->applied ? "" : " (written into the patch; that module does not reach the output)");
			return;
		}
		if (stored) {
			return;
		}
		free(merged); /* a build replaced the text meanwhile: merge into the new one */
	}
}
