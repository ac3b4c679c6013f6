/* SPDX-License-Identifier: ISC
 *
 * MPE end to end through the plugin (issue 14, item 4), with streams
 * shaped like a controller's: the MPE Configuration Message first, then
 * for each finger a channel of its own, its bend, pressure and slide sent
 * before and during its note, notes overlapping and released in another
 * order. The probe patch plays note.pitch x 0.01 (plus pressure and slide
 * where a test reads them) and places each voice by its key, key 60 hard
 * left and key 84 hard right (pan by note.key: a bend does not move it), so
 * each channel of the output is one voice's value, sample for sample.
 */
#include "helpers.h"
#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 256u

/* Voice at key 60: left; at key 84: right. */
#define PLACE "create p pan\nset p.pos -1\nset p.key 1\nset p.center 60\nconnect note.key p.note\npan p\n"

static Host*
probe(const char* sources)
{
	char text[1024];
	snprintf(text, sizeof text, "patch \"MPE probe\"\ncreate m mix\n%s" PLACE "out m\n", sources);
	return test_probe_host(text);
}

#define PITCH_ONLY "connect note.pitch m.in1 0.01\n"

static void
send(Host* h, uint8_t status, uint8_t a, uint8_t b)
{
	const uint8_t msg[3] = {status, a, b};
	host_midi(h, 0, msg, (status & 0xf0) == 0xd0 ? 2u : 3u);
}

/* The MPE Configuration Message: RPN 6 on channel 1 (lower) or 16. */
static void
send_mcm(Host* h, bool upper, uint8_t members)
{
	const uint8_t st = upper ? 0xbf : 0xb0;
	send(h, st, 101, 0);
	send(h, st, 100, 6);
	send(h, st, 6, members);
	send(h, st, 101, 127);
	send(h, st, 100, 127);
}

/* Pitch bend on a channel (0-based), -1..1. */
static void
send_bend(Host* h, uint8_t chan, double amount)
{
	const int raw = (int)lrint(amount * (amount > 0.0 ? 8191.0 : 8192.0)) + 8192;
	send(h, (uint8_t)(0xe0 | chan), (uint8_t)(raw & 0x7f), (uint8_t)(raw >> 7));
}

/* Both channels after the events queued, settled: frame n-1 of n. */
static void
read_lr(Host* h, double* l, double* r)
{
	const uint32_t n = 4800;
	float          left[BLOCK], right[BLOCK];
	for (uint32_t done = 0; done < n; done += BLOCK) {
		host_run(h, BLOCK, left, right);
		host_settle(h);
	}
	*l = left[BLOCK - 1];
	*r = right[BLOCK - 1];
}

/* Semitones from a probe value (note.pitch x 0.01). */
static double
semis(double v)
{
	return v * 100.0;
}

/* A member channel's bend moves its own note only: the other note's pitch
 * stays to 0.01 cent; the master channel's bend moves both by the wheel's
 * range; RPN 0 on a member channel sets the zone's per-note range. */
static void
test_bend_moves_its_own_note(void)
{
	Host* h = probe(PITCH_ONLY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	send_mcm(h, false, 15);
	send_bend(h, 1, 0.0);
	send(h, 0x91, 60, 100); /* channel 2 */
	send_bend(h, 2, 0.0);
	send(h, 0x92, 84, 100); /* channel 3 */
	double l0, r0, l1, r1, l2, r2, l3, r3;
	read_lr(h, &l0, &r0);
	send_bend(h, 2, 0.25); /* 12 of 48 semitones, channel 3 only */
	read_lr(h, &l1, &r1);
	send_bend(h, 0, 1.0); /* the master channel: everybody, +2 */
	read_lr(h, &l2, &r2);
	send_bend(h, 0, 0.0);
	send(h, 0xb2, 101, 0); /* RPN 0 = 24 semitones on a member: the zone's range */
	send(h, 0xb2, 100, 0);
	send(h, 0xb2, 6, 24);
	read_lr(h, &l3, &r3);
	printf("\n  MPE bends (semitones): held %.6f / %.6f; ch 3 +0.25: %.6f / %.6f; master +1: %.6f / %.6f;"
	       " range 24: %.6f / %.6f\n",
	       semis(l0), semis(r0), semis(l1), semis(r1), semis(l2), semis(r2), semis(l3), semis(r3));
	const double cent = 0.01; /* semitones per cent */
	CU_ASSERT(fabs(semis(l0) - 60.0) < 0.01 * cent && fabs(semis(r0) - 84.0) < 0.01 * cent);
	CU_ASSERT(fabs(semis(l1) - semis(l0)) < 0.01 * cent); /* the other voice: unchanged to 0.01 cent */
	CU_ASSERT(fabs(semis(r1) - (84.0 + 48.0 * 2048.0 / 8191.0)) < 0.01 * cent);
	CU_ASSERT(fabs(semis(l2) - 62.0) < 0.01 * cent);
	CU_ASSERT(fabs(semis(r2) - semis(r1) - 2.0) < 0.01 * cent);
	CU_ASSERT(fabs(semis(l3) - 60.0) < 0.01 * cent);
	CU_ASSERT(fabs(semis(r3) - (84.0 + 24.0 * 2048.0 / 8191.0)) < 0.01 * cent);
	host_free(h);
}

/* A controller's stream: each finger's pressure and slide (channel
 * pressure, CC 74) on its channel move its voice alone, and a note starts
 * from what its channel sent before it; channel 1's (the master's) CC 74
 * and pressure are the global controllers, not a note's. */
static void
test_pressure_and_slide_are_per_note(void)
{
	Host* h = probe("connect note.pressure m.in1 0.5\nconnect note.slide m.in2 0.25\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_set_control(h, "mpe_lower", 15.0f); /* the port, this time */
	send(h, 0xd4, 64, 0);     /* channel 5 pressure before its note */
	send(h, 0xb4, 74, 127);   /* and slide */
	send(h, 0x94, 60, 90);
	send(h, 0x95, 84, 90);    /* channel 6: nothing sent, starts at 0 */
	double l0, r0, l1, r1, l2, r2;
	read_lr(h, &l0, &r0);
	send(h, 0xd5, 127, 0);    /* channel 6 presses */
	send(h, 0xb5, 74, 64);
	read_lr(h, &l1, &r1);
	send(h, 0xd0, 127, 0);    /* master: global aftertouch, no note's */
	send(h, 0xb0, 74, 0);
	read_lr(h, &l2, &r2);
	printf("\n  MPE pressure/slide: start %.5f / %.5f; ch 6 presses %.5f / %.5f; master %.5f / %.5f\n", l0, r0,
	       l1, r1, l2, r2);
	CU_ASSERT(fabs(l0 - (0.5 * 64.0 / 127.0 + 0.25)) < 1e-5);
	CU_ASSERT(fabs(r0) < 1e-6);
	CU_ASSERT(fabs(l1 - l0) < 1e-6);
	CU_ASSERT(fabs(r1 - (0.5 + 0.25 * 64.0 / 127.0)) < 1e-5);
	CU_ASSERT(fabs(l2 - l1) < 1e-6 && fabs(r2 - r1) < 1e-6);
	host_free(h);
}

/* Overlapping notes of the same key on two channels are two notes: the
 * first released, the second plays on; the zone turned off by an MCM of
 * 0 members releases what is held (its notes would be stuck otherwise). */
static void
test_same_key_two_fingers(void)
{
	Host* h = probe(PITCH_ONLY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	send_mcm(h, true, 15); /* the upper zone: members 1..15, master 16 */
	send(h, 0x92, 60, 100);
	send(h, 0x93, 60, 100);
	send_bend(h, 3, 0.5);
	double l0, r0, l1, r1, l2, r2;
	read_lr(h, &l0, &r0);
	send(h, 0x82, 60, 0);
	read_lr(h, &l1, &r1);
	send_mcm(h, true, 0);
	read_lr(h, &l2, &r2);
	for (int i = 0; i < 400 && fabs(l2) > 0.0; ++i) {
		read_lr(h, &l2, &r2); /* released: the probe has no envelope, it fades out */
	}
	printf("\n  two fingers on key 60: %.4f, first released %.4f (semitones x 0.01), zone off %.4f\n", l0, l1,
	       l2);
	CU_ASSERT(fabs(semis(l0) - (60.0 + 60.0 + 24.0 * 4096.0 / 8191.0 * 2.0)) < 1e-3);
	CU_ASSERT(fabs(semis(l1) - (60.0 + 24.0 * 4096.0 / 8191.0 * 2.0)) < 1e-3);
	CU_ASSERT(l2 == 0.0);
	host_free(h);
}

/* A swap to another patch keeps each held note where its channel put it:
 * the new patch's voices start at the channels' bends. */
static void
test_swap_keeps_the_bends(void)
{
	Host* h = probe(PITCH_ONLY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	send_mcm(h, false, 15);
	send(h, 0x91, 60, 100);
	send(h, 0x92, 84, 100);
	send_bend(h, 1, -0.5);
	send_bend(h, 2, 0.5);
	double l0, r0, l1, r1;
	read_lr(h, &l0, &r0);
	CU_ASSERT_FATAL(test_load_patch(h, "patch \"MPE probe 2\"\ncreate m mix\n" PITCH_ONLY PLACE "out m\n"));
	read_lr(h, &l1, &r1);
	printf("\n  across a swap: %.4f / %.4f before, %.4f / %.4f after (semitones)\n", semis(l0), semis(r0),
	       semis(l1), semis(r1));
	CU_ASSERT(fabs(semis(l0) - (60.0 - 24.0)) < 1e-3);
	CU_ASSERT(fabs(semis(l1) - semis(l0)) < 1e-3);
	CU_ASSERT(fabs(semis(r1) - semis(r0)) < 1e-3);
	host_free(h);
}

int
suite_mpe(void)
{
	CU_pSuite s = CU_add_suite("mpe: per-note expression from MPE controllers", NULL, NULL);
	return !s || !CU_add_test(s, "a member channel's bend moves its own note only", test_bend_moves_its_own_note) ||
	       !CU_add_test(s, "pressure and slide are per note", test_pressure_and_slide_are_per_note) ||
	       !CU_add_test(s, "the same key on two channels is two notes", test_same_key_two_fingers) ||
	       !CU_add_test(s, "a swap keeps each note's bend", test_swap_keeps_the_bends);
}
