/* SPDX-License-Identifier: ISC
 *
 * MPE zones (src/mpe.c) as RP-053 lays them out, and per-note expression
 * on a slot's voices (voices_channel): the MPE Configuration Message on
 * channel 1 and 16 and what it does to the other zone; which channel is a
 * master and which a member; RPN 0 setting a zone's members' bend range,
 * and data entry ignored after an NRPN; two notes of the same key on two
 * channels held and released apart; a channel's bend, pressure and slide
 * moving only that channel's voice, and taken by a note struck after them.
 */
#include "compile.h"
#include "mpe.h"
#include "slot_impl.h"
#include "voices.h"

#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0

/* RPN `num` = value on chan, as a controller sends it (CC 101, 100, 6). */
static bool
send_rpn(Mpe* m, uint8_t chan, uint8_t num, uint8_t value)
{
	bool acted = mpe_control_change(m, chan, 101, 0);
	acted &= mpe_control_change(m, chan, 100, num);
	acted &= mpe_control_change(m, chan, 6, value);
	return acted;
}

static void
test_zones_from_the_mcm(void)
{
	Mpe      m;
	unsigned zone = 9;
	mpe_init(&m, MPE_DEFAULT_BEND);
	CU_ASSERT(!mpe_active(&m));
	CU_ASSERT_EQUAL(mpe_role(&m, 1, &zone), MPE_ROLE_NONE);
	/* Lower zone of 15 members: channel 1 master, 2..16 members. */
	CU_ASSERT(send_rpn(&m, 0, 6, 15));
	CU_ASSERT(mpe_active(&m));
	CU_ASSERT_EQUAL(mpe_role(&m, 0, &zone), MPE_ROLE_MASTER);
	CU_ASSERT_EQUAL(zone, MPE_LOWER);
	CU_ASSERT_EQUAL(mpe_role(&m, 1, &zone), MPE_ROLE_MEMBER);
	CU_ASSERT_EQUAL(mpe_role(&m, 15, &zone), MPE_ROLE_MEMBER);
	/* An MCM on another channel configures nothing. */
	send_rpn(&m, 4, 6, 3);
	CU_ASSERT_EQUAL(m.members[MPE_LOWER], 15);
	CU_ASSERT_EQUAL(m.members[MPE_UPPER], 0);
	/* An upper zone of 5 shrinks the lower one to 9 (5 + 9 + 2 masters). */
	send_rpn(&m, 15, 6, 5);
	CU_ASSERT_EQUAL(m.members[MPE_UPPER], 5);
	CU_ASSERT_EQUAL(m.members[MPE_LOWER], 9);
	CU_ASSERT_EQUAL(mpe_role(&m, 9, &zone), MPE_ROLE_MEMBER);
	CU_ASSERT_EQUAL(zone, MPE_LOWER);
	CU_ASSERT_EQUAL(mpe_role(&m, 10, &zone), MPE_ROLE_MEMBER);
	CU_ASSERT_EQUAL(zone, MPE_UPPER);
	CU_ASSERT_EQUAL(mpe_role(&m, 14, &zone), MPE_ROLE_MEMBER);
	CU_ASSERT_EQUAL(mpe_role(&m, 15, &zone), MPE_ROLE_MASTER);
	CU_ASSERT_EQUAL(zone, MPE_UPPER);
	/* Zero members turns a zone off. */
	send_rpn(&m, 0, 6, 0);
	send_rpn(&m, 15, 6, 0);
	CU_ASSERT(!mpe_active(&m));
	/* Other CCs are not MPE's. */
	CU_ASSERT(!mpe_control_change(&m, 0, 74, 3));
	CU_ASSERT(!mpe_control_change(&m, 0, 7, 3));
}

static void
test_bend_range_by_rpn0(void)
{
	Mpe m;
	mpe_init(&m, MPE_DEFAULT_BEND);
	send_rpn(&m, 15, 6, 7); /* upper zone: members 9..15 (1-based) */
	CU_ASSERT_EQUAL(m.bend[MPE_UPPER], 48.0f);
	send_rpn(&m, 10, 0, 24); /* on a member: the zone's range */
	CU_ASSERT_EQUAL(m.bend[MPE_UPPER], 24.0f);
	mpe_control_change(&m, 10, 38, 50); /* + 50 cents */
	CU_ASSERT(fabsf(m.bend[MPE_UPPER] - 24.5f) < 1e-6f);
	/* After an NRPN, data entry is not RPN 0's. */
	mpe_control_change(&m, 10, 99, 0);
	mpe_control_change(&m, 10, 98, 0);
	mpe_control_change(&m, 10, 6, 2);
	CU_ASSERT(fabsf(m.bend[MPE_UPPER] - 24.5f) < 1e-6f);
	/* A new MCM puts it back to the default. */
	send_rpn(&m, 15, 6, 7);
	CU_ASSERT_EQUAL(m.bend[MPE_UPPER], 48.0f);
	/* RPN 0 on a channel of no zone changes no zone. */
	send_rpn(&m, 2, 0, 12);
	CU_ASSERT_EQUAL(m.bend[MPE_LOWER], 48.0f);
	CU_ASSERT_EQUAL(m.bend[MPE_UPPER], 48.0f);
}

/* A probe: the output is note.pitch x 0.001 plus note.pressure x 0.1
 * plus note.slide x 0.01, summed over the voices. */
static Slot*
probe(void)
{
	static const char* text = "patch \"probe\"\ncreate m mix\nconnect note.pitch m.in1 0.001\n"
	                          "connect note.pressure m.in2 0.1\nconnect note.slide m.in3 0.01\nout m\n";
	PatchError err;
	Patch*     p = malloc(sizeof(Patch));
	Slot*      s = NULL;
	if (patch_parse(text, strlen(text), p, &err)) {
		s = compile_patch(p, RATE, 8, &err);
	}
	free(p);
	return s;
}

/* The probe's last output after n frames. */
static float
settle(Slot* s)
{
	float l[256], r[256];
	for (int i = 0; i < 20; ++i) {
		slot_render(s, l, r, 256);
	}
	return l[255];
}

static void
test_same_key_on_two_channels(void)
{
	Slot* s = probe();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	voices_note_on_ch(s, 1, 60, 1.0f);
	voices_note_on_ch(s, 2, 60, 1.0f);
	CU_ASSERT_EQUAL(voices_active(s), 2);
	CU_ASSERT(fabsf(settle(s) - 0.12f) < 1e-6f);
	voices_note_off_ch(s, 1, 60, 0.0f); /* channel 2's note plays on */
	CU_ASSERT(voices_note_held(s, 2, 60));
	CU_ASSERT(!voices_note_held(s, 1, 60));
	voices_note_off_ch(s, 0, 60, 0.0f); /* no note of channel 0: nothing */
	CU_ASSERT(voices_note_held(s, 2, 60));
	slot_free(s);
}

static void
test_channel_expression_is_its_own(void)
{
	Slot* s = probe();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	voices_note_on_ch(s, 1, 60, 1.0f);
	const float one = settle(s);
	voices_note_on_ch(s, 2, 64, 1.0f);
	const float two = settle(s);
	/* Channel 2's bend, pressure and slide move its voice alone. */
	voices_channel(s, 2, CHAN_BEND, 2.0f, false);
	voices_channel(s, 2, CHAN_PRESSURE, 0.5f, false);
	voices_channel(s, 2, CHAN_SLIDE, 0.25f, false);
	const float moved = settle(s);
	printf("\n  probe: ch1 alone %.5f, both %.5f, ch2 moved %.5f\n", one, two, moved);
	CU_ASSERT(fabsf(one - 0.060f) < 1e-6f);
	CU_ASSERT(fabsf(two - 0.124f) < 1e-6f);
	CU_ASSERT(fabsf(moved - (0.126f + 0.05f + 0.0025f)) < 1e-6f);
	/* A note struck on channel 3 after its expression starts there, at once. */
	voices_channel(s, 3, CHAN_BEND, -12.0f, false);
	voices_note_on_ch(s, 3, 72, 1.0f);
	float l[1], r[1];
	slot_render(s, l, r, 1);
	CU_ASSERT(fabsf(l[0] - (moved + 0.060f)) < 1e-6f);
	/* Channel 1's bend moves channel 1's voice only. */
	voices_channel(s, 1, CHAN_BEND, 1.0f, true);
	CU_ASSERT(fabsf(settle(s) - (moved + 0.060f + 0.001f)) < 1e-6f);
	slot_free(s);
}

int
suite_mpe(void)
{
	CU_pSuite s = CU_add_suite("mpe", NULL, NULL);
	return !s || !CU_add_test(s, "zones from the MPE Configuration Message", test_zones_from_the_mcm) ||
	       !CU_add_test(s, "RPN 0 on a member channel sets its zone's bend range", test_bend_range_by_rpn0) ||
	       !CU_add_test(s, "the same key on two channels is two notes", test_same_key_on_two_channels) ||
	       !CU_add_test(s, "a channel's bend, pressure and slide move its voices alone",
	                    test_channel_expression_is_its_own);
}
