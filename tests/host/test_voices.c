/* SPDX-License-Identifier: ISC
 *
 * Notes through the plugin, both channels: the sustain pedal (CC64) holds a
 * released note and lets it go when lifted; deactivate + activate silences
 * the notes of the previous run; a polyphony of 0 on the port plays one
 * voice (the table's minimum), with no error. Each test stands for a
 * mutation of tests/mutate/mutations.txt that it catches.
 */
#include "helpers.h"
#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

/* A sine that holds its level while the gate is high and ends 5 ms after. */
static const char* const held_sine = "patch \"Held Sine\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\n"
                                     "connect osc amp\nconnect env amp.gain\nset osc.level 0.2\n"
                                     "set env.attack 2\nset env.decay 10\nset env.sustain 1\nset env.release 5\n"
                                     "out amp\n";

static Host*
host_with_held_sine(void)
{
	Host* h = test_host(HOST_WORKER_INLINE, 256);
	if (h && !test_load_patch(h, held_sine)) {
		host_free(h);
		return NULL;
	}
	return h;
}

/* Renders blocks of 256 (both channels compared) until one is all zeros;
 * false if none is within max_frames. *frames receives the frames run. */
static bool
render_until_silent(Host* h, size_t max_frames, size_t* frames)
{
	float y[256];
	for (*frames = 0; *frames < max_frames; *frames += 256) {
		test_render_stereo(h, y, 256, 256);
		bool silent = true;
		for (unsigned i = 0; i < 256; ++i) {
			silent &= y[i] == 0.0f;
		}
		if (silent) {
			return true;
		}
	}
	return false;
}

static void
cc64(Host* h, uint8_t value)
{
	const uint8_t msg[3] = {0xB0, 64, value};
	host_midi(h, 0, msg, 3);
}

/* Pedal down, note off: the note still sounds at its sustain level (the
 * release is 5 ms; 200 ms later it is as loud as while held). Pedal up: it
 * ends, and stays silent. */
static void
test_sustain_pedal_holds_and_releases(void)
{
	Host* h = host_with_held_sine();
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	enum { N = 4800 };
	float* y = calloc(N, sizeof(float));
	host_note_on(h, 0, 69, 100);
	test_render_stereo(h, y, N, 256);
	const float held = test_peak(y + N / 2, N / 2);
	cc64(h, 127);
	host_note_off(h, 0, 69);
	test_render_stereo(h, y, N, 256);
	test_render_stereo(h, y, N, 256);
	const float pedal = test_peak(y + N / 2, N / 2);
	cc64(h, 0);
	size_t     frames = 0;
	const bool ended  = render_until_silent(h, 48000, &frames);
	printf("\n  held %.4f, pedal down after note off %.4f, silent %zu frames after pedal up\n", (double)held,
	       (double)pedal, frames);
	CU_ASSERT(held > 0.15f);
	CU_ASSERT(fabsf(pedal - held) < 0.01f * held);
	CU_ASSERT_TRUE(ended);
	test_render_stereo(h, y, N, 256);
	CU_ASSERT_EQUAL(test_peak(y, N), 0.0f);
	free(y);
	host_free(h);
}

/* A note held across deactivate + activate: after activate the plugin is
 * silent (exactly), and a new note plays as on a fresh run. */
static void
test_activate_silences_held_notes(void)
{
	Host* h = host_with_held_sine();
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	enum { N = 4800 };
	float* y = calloc(N, sizeof(float));
	host_note_on(h, 0, 69, 100);
	test_render_stereo(h, y, N, 256);
	const float before = test_peak(y + N / 2, N / 2);
	CU_ASSERT_TRUE(host_settle(h));
	host_reactivate(h);
	test_render_stereo(h, y, N, 256);
	const float after = test_peak(y, N);
	host_note_on(h, 0, 69, 100);
	test_render_stereo(h, y, N, 256);
	const float again = test_peak(y + N / 2, N / 2);
	printf("\n  held %.4f, after deactivate + activate %g, a new note %.4f\n", (double)before, (double)after,
	       (double)again);
	CU_ASSERT(before > 0.15f);
	CU_ASSERT_EQUAL(after, 0.0f);
	CU_ASSERT(fabsf(again - before) < 0.01f * before);
	free(y);
	host_free(h);
}

/* Amplitude of the component at f (Hann-windowed Goertzel). */
static double
amplitude_at(const float* x, size_t n, double f)
{
	const double w = 2.0 * PI * f / TEST_RATE, c = 2.0 * cos(w);
	double       s1 = 0.0, s2 = 0.0, wsum = 0.0;
	for (size_t i = 0; i < n; ++i) {
		const double win = 0.5 - 0.5 * cos(2.0 * PI * (double)i / (double)(n - 1));
		const double s0  = win * x[i] + c * s1 - s2;
		s2               = s1;
		s1               = s0;
		wsum += win;
	}
	const double re = s1 - s2 * cos(w), im = s2 * sin(w);
	return 2.0 * sqrt(re * re + im * im) / wsum;
}

/* Polyphony 0 on the port is clamped to the table's minimum, 1: three held
 * notes leave exactly the newest sounding, at full level, and no error. */
static void
test_polyphony_zero_plays_one_voice(void)
{
	static const uint8_t notes[] = {57, 64, 72};
	Host*                h       = test_host(HOST_WORKER_INLINE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE(host_set_control(h, "polyphony", 0.0f));
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, held_sine));
	enum { N = 24000 };
	float* y = calloc(N, sizeof(float));
	test_render_stereo(h, y, 4096, 256); /* any rebuild for the polyphony is over */
	for (unsigned i = 0; i < 3; ++i) {
		host_note_on(h, 0, notes[i], 100);
		test_render_stereo(h, y, 256, 256);
	}
	test_render_stereo(h, y, 4800, 256); /* stolen voices have faded */
	test_render_stereo(h, y, N, 256);
	double amp[3];
	for (unsigned i = 0; i < 3; ++i) {
		amp[i] = amplitude_at(y, N, 440.0 * pow(2.0, (notes[i] - 69) / 12.0));
	}
	printf("\n  polyphony 0 on the port, 3 notes: %.4f %.4f %.4f; error %g\n", amp[0], amp[1], amp[2],
	       (double)host_get_control(h, "error"));
	CU_ASSERT(amp[2] > 0.15);
	CU_ASSERT(amp[0] < 1e-3 * amp[2] && amp[1] < 1e-3 * amp[2]);
	CU_ASSERT_EQUAL(host_get_control(h, "error"), 0.0f);
	free(y);
	host_free(h);
}

int
suite_voices(void)
{
	CU_pSuite s = CU_add_suite("voices: pedal, activate, polyphony through the plugin", NULL, NULL);
	return !s ||
	       !CU_add_test(s, "CC64: a released note sounds while the pedal is down, ends when up",
	                    test_sustain_pedal_holds_and_releases) ||
	       !CU_add_test(s, "deactivate + activate with a note held: silence after", test_activate_silences_held_notes) ||
	       !CU_add_test(s, "polyphony 0 on the port plays one voice, no error", test_polyphony_zero_plays_one_voice);
}
