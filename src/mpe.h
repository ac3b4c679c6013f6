/* SPDX-License-Identifier: ISC
 *
 * MPE zones (MIDI Polyphonic Expression, MMA/AMEI RP-053): which channel
 * is a zone's master channel and which are its member channels, set by
 * the MPE Configuration Message (RPN 6) or by the MPE zone ports, and the
 * RPN state that carries the MCM and the members' bend range (RPN 0).
 * Plain data, no LV2: run() owns one (audio thread); the unit tests read
 * it directly.
 */
#ifndef CHRONUS_MPE_H
#define CHRONUS_MPE_H

#include <stdbool.h>
#include <stdint.h>

#define MPE_DEFAULT_BEND 48.0f /* the members' bend range after an MCM, semitones */
#define MPE_MAX_BEND     96.0f /* RPN 0 carries up to 127; MPE uses up to 96 */

enum { MPE_LOWER = 0, MPE_UPPER = 1 };

typedef enum { MPE_ROLE_NONE = 0, MPE_ROLE_MASTER, MPE_ROLE_MEMBER } MpeRole;

typedef struct {
	uint8_t members[2];  /* member channels of the lower (master 1) and upper (master 16) zone; 0: off */
	float   bend[2];     /* each zone's members' bend range, semitones */
	float   bend_default; /* what an MCM resets it to (the MPE bend port) */
	/* Per channel: the RPN selected by CC 101/100 (127/127: none) and the
	 * data entry MSB (CC 6) last sent for it. */
	uint8_t rpn_msb[16], rpn_lsb[16], data_msb[16];
} Mpe;

/* Everything off, no RPN selected. */
void mpe_init(Mpe* mpe, float bend_default);

/* A zone of `members` member channels (0..15; 0 turns it off), as an MCM
 * sets it: the other zone shrinks if they would overlap, and the zone's
 * bend range goes back to the default. */
void mpe_configure(Mpe* mpe, unsigned zone, unsigned members);

/* Whether any zone is on: notes are then told apart by channel. */
bool mpe_active(const Mpe* mpe);

/* The role of a channel (0..15), and its zone when it has one. */
MpeRole mpe_role(const Mpe* mpe, uint8_t chan, unsigned* zone);

/* The RPN messages of a control change on `chan`: returns true when it
 * was one (CC 101, 100, 6 or 38) and acted on it (an MCM on channel 1 or
 * 16, a bend range on a member or master channel of a zone). Every other
 * CC returns false. */
bool mpe_control_change(Mpe* mpe, uint8_t chan, uint8_t cc, uint8_t value);

#endif
