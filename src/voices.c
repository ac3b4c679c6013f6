/* SPDX-License-Identifier: ISC
 *
 * Voice allocation and note state of a slot. AUDIO THREAD (and the worker
 * while it primes a slot nobody else sees): no allocation, locks or stdio.
 *
 * Stealing never cuts a sounding voice: the oldest voice (released ones
 * first) fades out over SLOT_STEAL_FADE_MS while the new note starts on a
 * spare voice. A voice that has not rendered a sample yet (several notes in
 * the same frame) is reused at once, since cutting it is inaudible.
 *
 * Unison: every note is a stack of Slot.unison voices that share its
 * `started` count (the stack's identity), each at its own place (detune,
 * note.unison) and with its own seed (a voice's index goes into it). The
 * polyphony counts notes, stealing takes a whole stack, and everything a
 * note does (off, glide, expression, the mono modes, a handover) reaches
 * each voice of its stack.
 */
#include "voices.h"

#include "slot_impl.h"

#include <math.h>

/* The voice's lane of every module state in its group, and the note's
 * seed (ModuleType.seed_lane): the voice's index and the slot's count of
 * notes, mixed (murmur3's finaliser, from an odd constant so the first
 * voice's first note does not start xorshift from a tiny seed), so voices
 * and notes differ and a render is the same at any block size and on
 * every path. */
static void
reset_voice_modules(Slot* s, Voice* v)
{
	uint32_t seed = (uint32_t)(v - s->voices) * 0x9e3779b1u + (uint32_t)s->clock * 0x85ebca6bu + 0x2545f491u;
	seed ^= seed >> 16;
	seed *= 0x7feb352du;
	seed ^= seed >> 15;
	seed *= 0x846ca68bu;
	seed ^= seed >> 16;
	seed = seed ? seed : 1u;
	for (unsigned i = 0; i < s->n_voice_steps; ++i) {
		const PlanStep* st = &s->steps[i];
		st->type->reset_lane(v->state + st->state_offset, v->lane);
		if (st->type->seed_lane) {
			st->type->seed_lane(v->state + st->state_offset, v->lane, seed, s->frames);
		}
	}
}

static float
per_sample_fade(const Slot* s, double ms, float from)
{
	const double samples = ms * 0.001 * s->rate;
	return (float)(-(double)from / (samples < 1.0 ? 1.0 : samples));
}

/* The voice heads for `note` from pitch `from` (< 0: no previous note):
 * at once, or gliding over the glide time (constant time) or the glide
 * time per octave (constant rate). The glide lasts N = round(ms * rate)
 * samples and its N-th sample is the key exactly (slot.c, voice_pitch).
 * overlap: another key was held (legato-only glide needs it). */
static void
glide_to(Slot* s, Voice* v, float from, uint8_t note, bool overlap)
{
	const float to = s->key_pitch[note];
	v->note       = note;
	v->target     = to;
	v->pitch      = to;
	v->glide_left = 0;
	v->glide_step = 0.0f;
	const float dist = to - from;
	if (s->glide_ms <= 0.0f || from < 0.0f || dist == 0.0f || (s->voicing.glide_legato && !overlap)) {
		return;
	}
	double samples = s->glide_ms * 0.001 * s->rate;
	if (s->voicing.glide_rate) {
		samples *= fabs((double)dist) / 12.0;
	}
	const long n = lrint(samples);
	if (n < 1) {
		return;
	}
	v->pitch      = from;
	v->glide_left = (unsigned)n;
	v->glide_step = dist / (float)n;
}

/* Keys held, oldest first (every mode keeps it: legato-only glide and the
 * mono modes read it). */
static void
held_remove(Slot* s, uint16_t key)
{
	unsigned j = 0;
	for (unsigned i = 0; i < s->n_held; ++i) {
		if (s->held[i] != key) {
			s->held[j++] = s->held[i];
		}
	}
	s->n_held = j;
}

static void
held_push(Slot* s, uint16_t key)
{
	held_remove(s, key);
	if (s->n_held < SLOT_MAX_HELD) {
		s->held[s->n_held++] = key;
	}
}

/* The held key (VOICE_KEY) that sounds under the note priority, which
 * compares notes whatever their channel; n_held > 0. */
static uint16_t
held_pick(const Slot* s)
{
	uint16_t best = s->held[s->n_held - 1];
	for (unsigned i = 0; i < s->n_held && s->voicing.priority != PRIORITY_LAST; ++i) {
		const uint16_t k = s->held[i];
		if (s->voicing.priority == PRIORITY_LOW ? (k & 0x7f) < (best & 0x7f) : (k & 0x7f) > (best & 0x7f)) {
			best = k;
		}
	}
	return best;
}

/* One note at a time: the mono and legato modes, and polyphony 1. */
static bool
is_mono(const Slot* s)
{
	return s->voicing.mode != VOICE_MODE_POLY || s->polyphony == 1;
}

/* A voice takes its channel's per-note expression as the channel left it
 * (an MPE controller sends a note's bend, pressure and slide before its
 * note on); `snap`: at once, else smoothed from where the voice is. */
static void
take_channel(Slot* s, Voice* v, uint8_t chan, bool snap)
{
	chan &= 0x0f;
	v->chan            = chan;
	v->nbend_target    = s->chan_bend[chan];
	v->pressure_target = s->chan_pressure[chan];
	v->slide_target    = s->chan_slide[chan];
	if (snap) {
		v->nbend    = v->nbend_target;
		v->pressure = v->pressure_target;
		v->slide    = v->slide_target;
	}
}

/* Place k of a unison stack: -1..1 evenly from the lowest voice to the
 * highest (0 for a stack of one), and its detune, that times half the
 * stack's total detune. */
static void
take_place(const Slot* s, Voice* v, unsigned k)
{
	const unsigned n = s->unison;
	v->place         = (uint8_t)k;
	v->unison        = n > 1 ? (float)(2.0 * k / (n - 1) - 1.0) : 0.0f;
	v->detune        = v->unison * s->voicing.unison_cents * (0.5f / 100.0f);
}

/* Voice k of a stack the note starts (every voice of it from the same
 * pitch `from`; the caller counts the note: ++clock, last_pitch). */
static void
start_voice(Slot* s, Voice* v, uint8_t chan, uint8_t note, float velocity, float from, unsigned k)
{
	reset_voice_modules(s, v);
	const bool overlap = s->n_held > 1;
	glide_to(s, v, from, note, overlap);
	take_place(s, v, k);
	v->release_vel      = 0.0f;
	take_channel(s, v, chan, true);
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
	v->started   = s->clock + 1;
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

/* Every live voice of the stack `id` fades out as stolen, over the steal
 * fade from full level (`from_full`) or from where it is. */
static void
steal_stack(Slot* s, uint64_t id, bool from_full)
{
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (is_live(v) && v->started == id) {
			v->stolen    = true;
			v->fade_step = per_sample_fade(s, SLOT_STEAL_FADE_MS, from_full ? 1.0f : v->fade);
		}
	}
}

/* Notes sounding: live stacks, counted by their leading voice. */
static unsigned
live_notes(const Slot* s)
{
	unsigned live = 0;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		live += is_live(&s->voices[i]) && s->voices[i].place == 0;
	}
	return live;
}

/* A free voice for a new stack: an idle one, else the quietest of those
 * fading out (every spare still fading); NULL when none. */
static Voice*
free_voice(Slot* s)
{
	for (unsigned i = 0; i < s->n_voices; ++i) {
		if (s->voices[i].phase == VOICE_IDLE) {
			return &s->voices[i];
		}
	}
	Voice* chosen = NULL;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (v->stolen && (!chosen || v->fade < chosen->fade)) {
			chosen = v;
		}
	}
	return chosen;
}

/* The voice of a mono slot: its one live voice, or NULL. */
static Voice*
mono_voice(Slot* s)
{
	Voice* found = NULL;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (is_live(v) && (!found || v->started > found->started)) {
			found = v;
		}
	}
	return found;
}

/* The mono voice's stack (`lead`'s, every live voice that shares its
 * `started`) moves to `note` (a new key, or back to a key still held): it
 * glides there, and is struck again unless the mode is legato and another
 * key was held (then the envelopes go on undisturbed). */
static void
mono_move(Slot* s, const Voice* lead, uint16_t key, float velocity, bool overlap)
{
	const bool     strike = s->voicing.mode != VOICE_MODE_LEGATO || !overlap;
	const uint8_t  note   = key & 0x7f;
	const uint64_t id     = lead->started;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (!is_live(v) || v->started != id) {
			continue;
		}
		glide_to(s, v, v->pitch, note, overlap);
		take_channel(s, v, (uint8_t)(key >> 7), false);
		s->last_pitch = v->target;
		v->key_down   = true;
		v->sustained  = false;
		v->phase      = VOICE_ON;
		if (strike) {
			v->velocity    = velocity;
			v->retrigger   = true;
			v->release_vel = 0.0f;
			v->started     = s->clock + 1; /* a new note: note.random draws again, and it is the newest */
		}
		if (!s->has_gate_env) {
			v->fade_step = 0.0f;
			v->fade      = 1.0f;
		}
	}
	s->clock += strike;
}

void
voices_note_on(Slot* s, uint8_t note, float velocity)
{
	voices_note_on_ch(s, 0, note, velocity);
}

void
voices_note_on_ch(Slot* s, uint8_t chan, uint8_t note, float velocity)
{
	note &= 0x7f;
	chan &= 0x0f;
	if (isnan(s->key_pitch[note])) {
		return; /* the tuning's keyboard map leaves this key out */
	}
	const uint16_t key = VOICE_KEY(chan, note);
	held_push(s, key);
	if (is_mono(s)) {
		const uint16_t sound = held_pick(s);
		Voice*         v     = mono_voice(s);
		if (v && sound != key && v->key_down) {
			return; /* a held key has priority over this one */
		}
		if (v) {
			mono_move(s, v, sound, velocity, s->n_held > 1);
			return;
		}
	}
	/* The same key again: retrigger its voices rather than stack more. */
	bool again = false;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (is_live(v) && v->note == note && v->chan == chan && (v->key_down || v->sustained)) {
			v->key_down  = true;
			v->sustained = false;
			v->velocity  = velocity;
			v->retrigger = true;
			v->phase     = VOICE_ON;
			if (!s->has_gate_env) {
				v->fade_step = 0.0f;
				v->fade      = 1.0f;
			}
			again = true;
		}
	}
	if (again) {
		return;
	}

	/* A new stack. At the polyphony the oldest stack gives way: one that
	 * has not rendered yet is reused at once, another fades out. */
	Voice*   reuse[PATCH_MAX_UNISON];
	unsigned n_reuse = 0;
	if (live_notes(s) >= s->polyphony) {
		const Voice* victim = pick_victim(s);
		if (victim && victim->fresh) {
			const uint64_t id = victim->started;
			for (unsigned i = 0; i < s->n_voices && n_reuse < s->unison; ++i) {
				Voice* v = &s->voices[i];
				if (is_live(v) && v->started == id) {
					reuse[n_reuse++] = v;
				}
			}
		} else if (victim) {
			steal_stack(s, victim->started, true);
		}
	}
	const float from    = s->last_pitch;
	bool        started = false;
	for (unsigned k = 0; k < s->unison; ++k) {
		Voice* v = k < n_reuse ? reuse[k] : free_voice(s);
		if (!v) {
			break;
		}
		start_voice(s, v, chan, note, velocity, from, k);
		s->last_pitch = v->target;
		started       = true;
	}
	s->clock += started;
}

void
voices_note_off(Slot* s, uint8_t note)
{
	voices_note_off_velocity(s, note, 0.0f);
}

void
voices_note_off_velocity(Slot* s, uint8_t note, float velocity)
{
	voices_note_off_ch(s, 0, note, velocity);
}

void
voices_note_off_ch(Slot* s, uint8_t chan, uint8_t note, float velocity)
{
	note &= 0x7f;
	chan &= 0x0f;
	held_remove(s, VOICE_KEY(chan, note));
	if (is_mono(s) && s->n_held) {
		/* Back to a key still held, as the priority picks it. */
		Voice* v = mono_voice(s);
		if (v && v->note == note && v->chan == chan && v->key_down) {
			mono_move(s, v, held_pick(s), v->velocity, true);
		}
		return;
	}
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (v->phase == VOICE_ON && v->note == note && v->chan == chan && v->key_down) {
			v->key_down    = false;
			v->release_vel = velocity;
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
voices_bend(Slot* s, float amount)
{
	param_set(&s->bend, amount, false);
}

/* Per-note expression of a channel (MPE): its voices move there, and a
 * note struck on it later starts there. Poly aftertouch (voices_pressure)
 * may move one voice of the channel away from the channel's pressure. */
void
voices_channel(Slot* s, uint8_t chan, ChannelExpression what, float value, bool snap)
{
	chan &= 0x0f;
	float* const at = what == CHAN_BEND ? &s->chan_bend[chan] : what == CHAN_PRESSURE ? &s->chan_pressure[chan]
	                                                                                     : &s->chan_slide[chan];
	*at = value;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (v->phase == VOICE_IDLE || v->chan != chan) {
			continue;
		}
		float* target = what == CHAN_BEND ? &v->nbend_target : what == CHAN_PRESSURE ? &v->pressure_target
		                                                                              : &v->slide_target;
		*target = value;
		if (snap) {
			*(what == CHAN_BEND ? &v->nbend : what == CHAN_PRESSURE ? &v->pressure : &v->slide) = value;
		}
	}
}

void
voices_pressure(Slot* s, uint8_t chan, uint8_t note, float pressure)
{
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (is_live(v) && v->note == (note & 0x7f) && v->chan == (chan & 0x0f) && (v->key_down || v->sustained)) {
			v->pressure_target = pressure;
		}
	}
}

void
voices_all_notes_off(Slot* s)
{
	s->sustain = false;
	s->n_held  = 0;
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
	s->sustain    = false;
	s->n_held     = 0;
	s->last_pitch = -1.0f;
	param_set(&s->bend, 0.0f, true);
	for (unsigned c = 0; c < 16; ++c) {
		s->chan_bend[c] = s->chan_pressure[c] = s->chan_slide[c] = 0.0f;
	}
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

/* The newest live voice playing `note` of `chan`, or NULL. */
static Voice*
newest_voice_of(Slot* s, uint8_t chan, uint8_t note)
{
	Voice* found = NULL;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		Voice* v = &s->voices[i];
		if (is_live(v) && v->note == note && v->chan == chan && (!found || v->started > found->started)) {
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
voices_note_on_held(Slot* s, uint8_t chan, uint8_t note, float velocity, bool by_pedal, uint32_t age)
{
	note &= 0x7f;
	chan &= 0x0f;
	voices_note_on_ch(s, chan, note, velocity);
	const Voice* newest = newest_voice_of(s, chan, note);
	if (!newest) {
		return;
	}
	const uint64_t id = newest->started;
	for (unsigned j = 0; j < s->n_voices; ++j) { /* every voice of its stack */
		Voice* v = &s->voices[j];
		if (!is_live(v) || v->started != id) {
			continue;
		}
		for (unsigned i = 0; i < s->n_voice_steps; ++i) {
			const PlanStep* st = &s->steps[i];
			if (!st->type->enter_held) {
				continue;
			}
			st->type->enter_held(v->state + st->state_offset, v->lane, age); /* lane-group contract */
		}
		v->retrigger  = false; /* the gate is high already: no rising edge */
		v->glide_left = 0;     /* and it is where it was */
		v->pitch      = v->target;
		if (by_pedal) {
			v->key_down  = false;
			v->sustained = true;
		}
	}
}

/* Whether a live voice holds `note` of `chan` (by key or pedal). */
bool
voices_note_held(const Slot* s, uint8_t chan, uint8_t note)
{
	for (unsigned i = 0; i < s->n_voices; ++i) {
		const Voice* v = &s->voices[i];
		if (is_live(v) && v->note == (note & 0x7f) && v->chan == (chan & 0x0f) && (v->key_down || v->sustained)) {
			return true;
		}
	}
	return false;
}

/* More live notes than the polyphony (voices copied from a slot with more
 * of them): the surplus stacks, oldest released first, fade out as stolen. */
void
voices_trim(Slot* s)
{
	for (unsigned guard = 0; guard < s->n_voices && live_notes(s) > s->polyphony; ++guard) {
		const Voice* victim = pick_victim(s);
		if (!victim) {
			return;
		}
		steal_stack(s, victim->started, false);
	}
}
