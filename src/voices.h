/* SPDX-License-Identifier: ISC
 *
 * The notes a slot plays: voice allocation, stealing, sustain and bend
 * (voices.c). AUDIO THREAD (and the worker while it primes a slot nobody
 * else sees): no allocation, locks or stdio.
 */
#ifndef CHRONUS_VOICES_H
#define CHRONUS_VOICES_H

#include "slot.h"

#include <stdbool.h>
#include <stdint.h>

/* A key: a note (0..127) of a channel (0..15), as one number 0..2047
 * (the slot's held keys, the plugin's tables of held notes). */
#define VOICE_KEY(chan, note) ((uint16_t)((unsigned)(chan) << 7 | (unsigned)(note)))
#define VOICE_KEY_COUNT       (16u * 128u)

/* Note and controller events. A key is a note of a channel (0..15): the
 * plugin gives every note channel 0 unless MPE is on, when each channel
 * is a note's own (voices_channel); the plain calls are channel 0. */
void voices_note_on(Slot* slot, uint8_t note, float velocity);
void voices_note_on_ch(Slot* slot, uint8_t chan, uint8_t note, float velocity);
void voices_note_off(Slot* slot, uint8_t note);
/* A note off with its release velocity (0..1, note.release). */
void voices_note_off_velocity(Slot* slot, uint8_t note, float velocity);
void voices_note_off_ch(Slot* slot, uint8_t chan, uint8_t note, float velocity);
void voices_sustain(Slot* slot, bool down);
/* The pitch wheel, -1..1 (the slot's bend range makes it semitones). */
void voices_bend(Slot* slot, float amount);
/* Polyphonic aftertouch of a held key of a channel, 0..1 (note.pressure). */
void voices_pressure(Slot* slot, uint8_t chan, uint8_t note, float pressure);
/* A channel's per-note expression (MPE member channels): the bend in
 * semitones (added to note.pitch), the pressure (note.pressure) or the
 * slide (note.slide, CC 74), 0..1, of its voices and of notes struck on it
 * later; snap: at once (a swap), else smoothed over SLOT_CTL_SMOOTH_MS. */
typedef enum { CHAN_BEND = 0, CHAN_PRESSURE, CHAN_SLIDE } ChannelExpression;
void voices_channel(Slot* slot, uint8_t chan, ChannelExpression what, float value, bool snap);
void voices_all_notes_off(Slot* slot); /* release everything */
void voices_all_sound_off(Slot* slot); /* silence now (short fade) */

/* Audio or worker thread: every voice back to idle and silent, the master
 * modules too. */
void voices_reset(Slot* slot);

/* Number of voices sounding. */
unsigned voices_active(const Slot* slot);


/* Audio thread, at a swap: a held note (by key, or by the pedal alone when
 * by_pedal), struck `age` samples ago, starts where the old voice was:
 * every envelope at that point of its curve, gate high (its attack, decay
 * or sustain stage), never struck again; whether a voice holds a note;
 * surplus voices over the polyphony fade out. */
void voices_note_on_held(Slot* slot, uint8_t chan, uint8_t note, float velocity, bool by_pedal, uint32_t age);
bool voices_note_held(const Slot* slot, uint8_t chan, uint8_t note);
void voices_trim(Slot* slot);

#endif
