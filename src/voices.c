/* SPDX-License-Identifier: ISC
 *
 * Voice allocation and note state of a slot. AUDIO THREAD (and the worker
 * while it primes a slot nobody else sees): no allocation, locks or stdio.
 *
 * Stealing never cuts a sounding voice: the oldest voice (released ones
 * first) fades out over SLOT_STEAL_FADE_MS while the new note starts on a
 * spare voice. A voice that has not rendered a sample yet (several notes in
 * the same frame) is reused at once, since cutting it is inaudible.
 */
#include "voices.h"

#include "slot_impl.h"

/* The voice's lane of every module state in its group. */
static void
reset_voice_modules(Slot* s, Voice* v)
{
	for (unsigned i = 0; i < s->n_voice_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		st->type->reset_lane(v->state + st->state_offset, v->lane);
	}
}

static float
per_sample_fade(const Slot* s, double ms, float from)
{
	const double samples = ms * 0.001 * s->rate;
	return (float)(-(double)from / (samples < 1.0 ? 1.0 : samples));
}

static void
start_voice(Slot* s, Voice* v, uint8_t note, float velocity)
{
	reset_voice_modules(s, v);
	v->phase     = VOICE_ON;
	v->note      = note;
	v->velocity  = velocity;
	v->key_down  = true;
	v->sustained = false;
	v->retrigger = false;
	v->fresh     = true;
	v->stolen    = false;
	v->fade      = 1.0f;
	v->fade_step = 0.0f;
	v->started   = ++s->clock;
}

static void
release_voice(Slot* s, Voice* v)
{
	v->phase = VOICE_RELEASED;
	if (!s->has_gate_env && v->fade_step == 0.0f) {
		/* Nothing shapes the release: fade out instead of cutting. */
		v->fade_step = per_sample_fade(s, SLOT_DECLICK_MS, v->fade);
	}
}

static bool
is_live(const Voice* v)
{
	return v->phase != VOICE_IDLE && !v->stolen;
}

/* The voice to give up when all are busy: the oldest released one, else the
 * oldest held one. */
static Voice*
pick_victim(Slot* s)
{
	Voice* best = NULL;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (!is_live(v)) {
			continue;
		}
		if (!best || (v->phase == VOICE_RELEASED && best->phase != VOICE_RELEASED) ||
		    (v->phase == best->phase && v->started < best->started)) {
			best = v;
		}
	}
	return best;
}

void
voices_note_on(Slot* s, uint8_t note, float velocity)
{
	note &= 0x7f;
	/* The same key again: retrigger its voice rather than stack a second. */
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (is_live(v) && v->note == note && (v->key_down || v->sustained)) {
			v->key_down  = true;
			v->sustained = false;
			v->velocity  = velocity;
			v->retrigger = true;
			v->phase     = VOICE_ON;
			if (!s->has_gate_env) {
				v->fade_step = 0.0f;
				v->fade      = 1.0f;
			}
			return;
		}
	}

	unsigned live = 0;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		live += is_live(&s->voices[i]);
	}
	if (live >= s->polyphony) {
		Voice* victim = pick_victim(s);
		if (victim && victim->fresh) {
			start_voice(s, victim, note, velocity);
			return;
		}
		if (victim) {
			victim->stolen    = true;
			victim->fade_step = per_sample_fade(s, SLOT_STEAL_FADE_MS, 1.0f);
		}
	}
	Voice* chosen = NULL;
	for (unsigned i = 0; i < s->n_voices && !chosen; ++i) {
		if (s->voices[i].phase == VOICE_IDLE) {
			chosen = &s->voices[i];
		}
	}
	if (!chosen) {
		/* Every spare is still fading: take the quietest fading voice. */
		for (unsigned i = 0; i < s->n_voices; ++i) {
			Voice* v = &s->voices[i];
			if (v->stolen && (!chosen || v->fade < chosen->fade)) {
				chosen = v;
			}
		}
	}
	if (chosen) {
		start_voice(s, chosen, note, velocity);
	}
}

void
voices_note_off(Slot* s, uint8_t note)
{
	note &= 0x7f;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (v->phase == VOICE_ON && v->note == note && v->key_down) {
			v->key_down = false;
			if (s->sustain) {
				v->sustained = true;
			} else {
				release_voice(s, v);
			}
		}
	}
}

void
voices_sustain(Slot* s, bool down)
{
	s->sustain = down;
	if (down) {
		return;
	}
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (v->sustained) {
			v->sustained = false;
			release_voice(s, v);
		}
	}
}

void
voices_bend(Slot* s, float semitones)
{
	s->bend = semitones;
}

void
voices_all_notes_off(Slot* s)
{
	s->sustain = false;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (v->phase == VOICE_ON) {
			v->key_down  = false;
			v->sustained = false;
			release_voice(s, v);
		}
	}
}

void
voices_all_sound_off(Slot* s)
{
	voices_all_notes_off(s);
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (v->phase != VOICE_IDLE && !v->stolen) {
			v->stolen    = true;
			v->fade_step = per_sample_fade(s, SLOT_STEAL_FADE_MS, 1.0f);
		}
	}
}

void
voices_reset(Slot* s)
{
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		reset_voice_modules(s, v);
		v->phase     = VOICE_IDLE;
		v->key_down  = false;
		v->sustained = false;
		v->stolen    = false;
		v->fade      = 1.0f;
		v->fade_step = 0.0f;
	}
	for (unsigned i = s->n_voice_steps; i < s->n_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		st->type->reset(s->master_state + st->state_offset);
	}
	s->sustain = false;
	s->bend    = 0.0f;
}

unsigned
voices_active(const Slot* s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		n += s->voices[i].phase != VOICE_IDLE;
	}
	return n;
}

/* ---- Handover at a swap (audio thread) -------------------------------- */

/* The newest live voice playing `note`, or NULL. */
static Voice*
newest_voice_of(Slot* s, uint8_t note)
{
	Voice* found = NULL;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (is_live(v) && v->note == note && (!found || v->started > found->started)) {
			found = v;
		}
	}
	return found;
}

/* A note the player holds (by key, or by the pedal when `by_pedal`), struck
 * `age` samples ago, starts on this slot where the old voice was: every
 * envelope of the new voice is placed at that point of its own curve with
 * its gate high (ModuleType.enter_held), so a note struck just before the
 * swap goes on with the new patch's attack, one held for long enters its
 * sustain stage, and none is struck again; a percussive patch (sustain 0)
 * keeps a long-held note silent. A patch without envelopes plays it at full
 * level anyway. */
void
voices_note_on_held(Slot* s, uint8_t note, float velocity, bool by_pedal, uint32_t age)
{
	note &= 0x7f;
	voices_note_on(s, note, velocity);
	Voice* v = newest_voice_of(s, note);
	if (!v) {
		return;
	}
	for (unsigned i = 0; i < s->n_voice_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		if (!st->type->enter_held) {
			continue;
		}
		st->type->enter_held(v->state + st->state_offset, v->lane, age); /* lane-group contract */
	}
	v->retrigger = false; /* the gate is high already: no rising edge */
	if (by_pedal) {
		v->key_down  = false;
		v->sustained = true;
	}
}

/* Whether a live voice holds `note` (by key or pedal). */
bool
voices_note_held(const Slot* s, uint8_t note)
{
	for (unsigned i = 0; i < s->n_voices; ++i) {
		const Voice* v = &s->voices[i];
		if (is_live(v) && v->note == (note & 0x7f) && (v->key_down || v->sustained)) {
			return true;
		}
	}
	return false;
}

/* More live voices than the polyphony (voices copied from a slot with more
 * of them): the surplus, oldest released first, fades out as stolen. */
void
voices_trim(Slot* s)
{
	unsigned live = 0;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		live += is_live(&s->voices[i]);
	}
	for (; live > s->polyphony; --live) {
		Voice* victim = pick_victim(s);
		if (!victim) {
			return;
		}
		victim->stolen    = true;
		victim->fade_step = per_sample_fade(s, SLOT_STEAL_FADE_MS, victim->fade);
	}
}
