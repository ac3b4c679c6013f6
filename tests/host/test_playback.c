/* SPDX-License-Identifier: ISC
 *
 * The foundation, heard through a real host: the bundle loads, notes sound
 * at the right pitch (pitch bend included) and stop, nothing sounds before the first note, any
 * block size gives the same samples, and 128 notes at once steal voices
 * without a click. And the MIDI a score sends, byte for byte (channels,
 * MPE configuration, bend range).
 */
#include "click.h"
#include "helpers.h"
#include "chronus_config.h"
#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
test_bundle_describes_an_instrument(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 1024);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	LilvWorld*         w     = host_world(h);
	const LilvPlugin*  p     = host_plugin(h);
	const LilvPluginClass* c = lilv_plugin_get_class(p);
	LilvNode*          instr = lilv_new_uri(w, LV2_CORE__InstrumentPlugin);
	CU_ASSERT(lilv_node_equals(lilv_plugin_class_get_uri(c), instr));
	lilv_node_free(instr);
	LilvNode* name = lilv_plugin_get_name(p);
	CU_ASSERT_STRING_EQUAL(lilv_node_as_string(name), "Chronus");
	lilv_node_free(name);
	CU_ASSERT(lilv_plugin_get_num_ports(p) >= 4);
	/* Two audio outputs: the host tests compare right with left, which
	 * would prove nothing on a mono plugin (the host copies its one
	 * output to both sides). */
	LilvNode* audio  = lilv_new_uri(w, LV2_CORE__AudioPort);
	LilvNode* output = lilv_new_uri(w, LV2_CORE__OutputPort);
	CU_ASSERT_EQUAL(lilv_plugin_get_num_ports_of_class(p, audio, output, NULL), 2u);
	lilv_node_free(audio);
	lilv_node_free(output);
	host_free(h);
}

static void
test_silence_before_first_note(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	enum { N = 24000 };
	float* y = calloc(N, sizeof(float));
	test_render_stereo(h, y, N, 256);
	for (size_t i = 0; i < N; ++i) {
		CU_ASSERT_EQUAL_FATAL(y[i], 0.0f);
	}
	free(y);
	host_free(h);
}

static void
test_a4_is_440_hz(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_sine));
	host_note_on(h, 0, 69, 100);
	enum { N = 48000 };
	float* y = calloc(N, sizeof(float));
	test_render_stereo(h, y, N, 256);
	const double f     = test_frequency(y + 4800, N - 4800, TEST_RATE);
	const double cents = 1200.0 * log2(f / 440.0);
	printf("\n  A4: %.5f Hz (%+.4f cent)\n", f, cents);
	CU_ASSERT(fabs(cents) < 0.1);
	free(y);
	host_free(h);
}

static void
test_release_ends_in_silence(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	enum { N = 48000 };
	float* y = calloc(N, sizeof(float));
	host_note_on(h, 0, 60, 100);
	test_render_stereo(h, y, 9600, 256);       /* 200 ms held */
	host_note_off(h, 0, 60);
	test_render_stereo(h, y + 9600, N - 9600, 256);
	CU_ASSERT(test_peak(y, 9600) > 0.05f);
	/* The default patch releases in 250 ms; 0.5 s later it is silent. */
	for (size_t i = 9600 + 24000; i < N; ++i) {
		CU_ASSERT_EQUAL_FATAL(y[i], 0.0f);
	}
	CU_ASSERT(test_all_finite(y, N));
	free(y);
	host_free(h);
}

static const char* score_text = "length 3\n"
                                "at 0.0 note 48 100 1.2\n"
                                "at 0.013 note 55 90 0.9\n"
                                "at 0.25 control macro1 0.8\n"
                                "at 0.4 note 60 127 1.0\n"
                                "at 0.61 bend 0.5\n"
                                "at 0.8 sustain on\n"
                                "at 0.9 note 64 70 0.1\n"
                                "at 1.3 sustain off\n"
                                "at 1.5 control volume -6\n"
                                "at 1.5 note 67 100 0.7\n"
                                "at 1.6 cc 123 0\n";

static void
render_score(const char* text, BlockPlan plan, float* out, size_t* frames)
{
	Score s;
	char  err[256];
	CU_ASSERT_TRUE_FATAL(score_parse(text, ".", TEST_RATE, &s, err, sizeof(err)));
	Host* h = test_host(HOST_WORKER_THREAD, plan.block);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	test_score_render_stereo(h, &s, plan, out);
	*frames = s.frames;
	host_free(h);
	score_free(&s);
}

static void
test_block_sizes_give_the_same_samples(void)
{
	const size_t max = 3 * 48000;
	float*       ref = calloc(max, sizeof(float));
	float*       out = calloc(max, sizeof(float));
	size_t       n   = 0;
	render_score(score_text, (BlockPlan){64, false, 0}, ref, &n);
	CU_ASSERT(test_peak(ref, n) > 0.1f);
	CU_ASSERT(test_all_finite(ref, n));
	const BlockPlan plans[] = {{1, false, 0}, {7, false, 0}, {256, false, 0}, {4096, false, 0},
	                           {1000, true, 1}, {4096, true, 77}};
	double worst_all = 0.0;
	for (size_t k = 0; k < sizeof(plans) / sizeof(plans[0]); ++k) {
		size_t m = 0;
		render_score(score_text, plans[k], out, &m);
		CU_ASSERT_EQUAL(m, n);
		double worst = 0.0;
		for (size_t i = 0; i < n; ++i) {
			worst = fmax(worst, fabs((double)out[i] - ref[i]));
		}
		worst_all = fmax(worst_all, worst);
		if (worst > 1e-6) {
			fprintf(stderr, "\n  block plan %u%s: max difference %g\n", plans[k].block,
			        plans[k].random ? " random" : "", worst);
		}
		CU_ASSERT(worst <= 1e-6);
	}
	printf("\n  block sizes 1, 7, 64, 256, 4096, random: max difference %g\n", worst_all);
	free(ref);
	free(out);
}

/* 16 voices: 128 notes struck in one frame keep the newest 16 (the
 * unheard ones are reused at once); 112 more struck 2 ms apart each fade a
 * held voice out over 3 ms instead of cutting it. */
static void
test_128_notes_steal_without_click(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 96);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_sine));
	enum { N = 48000 };
	float* y = calloc(N, sizeof(float));
	for (uint8_t n = 0; n < 128; ++n) {
		host_note_on(h, 0, n, 100);
	}
	test_render_stereo(h, y, 9600, 96); /* the chord of the newest 16 */
	for (unsigned k = 0; k < 112; ++k) {
		host_note_on(h, 0, (uint8_t)(k % 112), 100);
		test_render_stereo(h, y + 9600 + k * 96, 96, 96);
	}
	const size_t end = 9600 + 112 * 96;
	test_render_stereo(h, y + end, N - end, 96);
	CU_ASSERT(test_all_finite(y, N));
	const double m = click_metric_around(y, N, 9600, end - 9600 + 480, 4800);
	printf("\n  128 notes on 16 voices: click metric %.3f (bound %.2f)\n", m, CLICK_BOUND_STEAL);
	CU_ASSERT(m <= CLICK_BOUND_STEAL);
	CU_ASSERT(test_rms(y + end + 4800, 4800) > 0.05);
	free(y);
	host_free(h);
}

static void
test_malformed_midi_is_ignored(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	const uint8_t bad[][4] = {{0x90}, {0x90, 60}, {0xf0, 0x7e, 0x7f, 0xf7}, {0x80, 200, 0}, {0xb0, 64}};
	const uint32_t sizes[] = {1, 2, 4, 3, 2};
	for (unsigned i = 0; i < 5; ++i) {
		host_midi(h, 0, bad[i], sizes[i]);
	}
	host_midi(h, 0, bad[0], 0); /* empty */
	float y[4096];
	test_render_stereo(h, y, 4096, 256);
	CU_ASSERT_EQUAL(test_peak(y, 4096), 0.0f);
	const uint8_t vel0[3] = {0x90, 60, 0};
	host_note_on(h, 0, 60, 100);
	host_midi(h, 100, vel0, 3); /* velocity 0 is note off */
	test_render_stereo(h, y, 4096, 256);
	float tail[4096];
	test_render_stereo(h, tail, 4096, 256);
	test_render_stereo(h, tail, 4096, 256);
	test_render_stereo(h, tail, 4096, 256);
	CU_ASSERT(test_peak(y, 4096) > 0.0f);
	CU_ASSERT_EQUAL(test_peak(tail, 4096), 0.0f);
	host_free(h);
}

/* ---- Exact expectations ------------------------------------------------ */

#define PI 3.14159265358979323846
#define SQRT2 1.41421356237309504880

/* The amplitude of the component at f Hz (Hann-windowed Goertzel). */
static double
amplitude_at(const float* x, size_t n, double f, double rate)
{
	const double w = 2.0 * PI * f / rate, c = 2.0 * cos(w);
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

static const char* const quiet_sine = "patch \"Quiet Sine\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\n"
                                      "connect osc amp\nconnect env amp.gain\nset osc.level 0.1\n"
                                      "set env.attack 2\nset env.decay 10\nset env.sustain 1\nset env.release 5\n"
                                      "out amp\n";

/* One note of the test sine at a volume setting, rendered from a fresh host. */
static void
render_at_volume(float db, float* y, size_t n)
{
	Host* h = test_host(HOST_WORKER_INLINE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_sine));
	CU_ASSERT_TRUE(host_set_control(h, "volume", db));
	/* The volume law alone: at +6 dB this sine passes the limiter's knee
	 * (-3 dBFS), and the limiter has tests of its own (test_headroom.c). */
	CU_ASSERT_TRUE(host_set_control(h, "limiter", 0.0f));
	host_note_on(h, 0, 57, 100);
	test_render_stereo(h, y, n, 256);
	host_free(h);
}

/* The volume port in dB gives exactly 10^(dB/20) of the 0 dB output once
 * its smoothing has settled: sample for sample, within 1e-4 relative. */
static void
test_volume_db_is_the_exact_gain(void)
{
	enum { N = 48000, FROM = 24000 };
	float* ref = calloc(N, sizeof(float));
	float* y   = calloc(N, sizeof(float));
	render_at_volume(0.0f, ref, N);
	CU_ASSERT_FATAL(test_rms(ref + FROM, N - FROM) > 0.1);
	/* The last two are past the table's range: they give its ends (+12
	 * and -80 dB). */
	const float dbs[] = {-6.0f, -20.0f, -1.0f, 6.0f, 30.0f, -200.0f};
	const float lim[] = {-6.0f, -20.0f, -1.0f, 6.0f, 12.0f, -80.0f};
	printf("\n");
	for (unsigned k = 0; k < sizeof(dbs) / sizeof(dbs[0]); ++k) {
		render_at_volume(dbs[k], y, N);
		const double want = pow(10.0, lim[k] / 20.0);
		const double got  = test_rms(y + FROM, N - FROM) / test_rms(ref + FROM, N - FROM);
		double       worst = 0.0; /* sample by sample, relative to the peak */
		const double peak  = test_peak(ref + FROM, N - FROM);
		for (size_t i = FROM; i < N; ++i) {
			worst = fmax(worst, fabs((double)y[i] - want * (double)ref[i]) / (want * peak));
		}
		printf("  volume %+6.1f dB (clamped: %+5.1f): gain %.6f (10^(dB/20) = %.6f, %.2e relative), "
		       "worst sample %.2e\n",
		       (double)dbs[k], (double)lim[k], got, want, fabs(got / want - 1.0), worst);
		CU_ASSERT(fabs(got / want - 1.0) < 1e-4);
		CU_ASSERT(worst < 1e-4);
	}
	free(ref);
	free(y);
}

/* The crossfade lasts exactly crossfade ms x rate / 1000 frames: measured
 * with blocks of one frame, from the swap's first crossfaded frame (the
 * frame its status was sent at) to the frame the active_slot output flips,
 * for several settings of the crossfade port. */
static void
test_crossfade_lasts_exactly_the_set_time(void)
{
	/* The last is under the table's minimum (5 ms): it gives the minimum. */
	const float ms[]      = {5.0f, 30.0f, 100.0f, 250.0f, 1.0f};
	const float want_ms[] = {5.0f, 30.0f, 100.0f, 250.0f, 5.0f};
	printf("\n");
	for (unsigned k = 0; k < sizeof(ms) / sizeof(ms[0]); ++k) {
		Host* h = test_host(HOST_WORKER_INLINE, 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_TRUE(host_set_control(h, "crossfade", ms[k]));
		float y;
		for (unsigned i = 0; i < 64; ++i) { /* the initial patch settles */
			test_run_stereo(h, 1, &y);
		}
		const float    slot0  = host_get_control(h, "active_slot");
		const unsigned before = host_status_count(h);
		char           text[256];
		snprintf(text, sizeof(text), "patch \"Fade %u\"\ncreate osc sine\nset osc.pitch %u\nout osc\n", k, k + 1);
		host_patch_set(h, 0, CHRONUS_URI "#patchText", false, text, (uint32_t)strlen(text));
		uint64_t frame = 0, flip = 0;
		for (uint64_t i = 0; i < 10 * 48000; ++i) {
			test_run_stereo(h, 1, &y);
			host_settle(h);
			++frame;
			if (host_get_control(h, "active_slot") != slot0) {
				flip = frame; /* frames run when the output first shows the new slot */
				break;
			}
		}
		CU_ASSERT_FATAL(flip > 0);
		CU_ASSERT_FATAL(host_status_count(h) > before);
		const char* st = host_status(h, host_status_count(h) - 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(st, "primed"));
		/* The status frame is counted from the host's first run(); so is
		 * `frame` plus the 64 settling frames. */
		const uint64_t start   = host_status_frame(h, host_status_count(h) - 1);
		const uint64_t end     = flip + 64;
		const uint64_t length  = end - start;
		const uint64_t want    = (uint64_t)llround((double)want_ms[k] * TEST_RATE / 1000.0);
		printf("  crossfade %5.0f ms: %llu frames from the first crossfaded frame to the flip (want %llu)\n",
		       (double)ms[k], (unsigned long long)length, (unsigned long long)want);
		CU_ASSERT_EQUAL(length, want);
		host_free(h);
	}
}

/* Polyphony P with N > P held notes of distinct pitches: exactly P of them
 * sound (the newest P), counted by the spectral peak at each pitch. */
static void
test_polyphony_is_the_number_that_sound(void)
{
	static const uint8_t notes[] = {48, 53, 57, 60, 64, 69, 72, 77};
	const unsigned       n_notes = sizeof(notes) / sizeof(notes[0]);
	const unsigned       polys[] = {1, 3, 5, 8};
	enum { N = 24000 };
	float* y = calloc(N, sizeof(float));
	printf("\n");
	for (unsigned k = 0; k < sizeof(polys) / sizeof(polys[0]); ++k) {
		Host* h = test_host(HOST_WORKER_INLINE, 256);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_TRUE(host_set_control(h, "polyphony", (float)polys[k]));
		CU_ASSERT_TRUE_FATAL(test_load_patch(h, quiet_sine));
		test_render_stereo(h, y, 4096, 256); /* any rebuild for the polyphony is over */
		for (unsigned i = 0; i < n_notes; ++i) {
			host_note_on(h, 0, notes[i], 100);
			test_render_stereo(h, y, 256, 256);
		}
		test_render_stereo(h, y, 4800, 256); /* stolen voices have faded */
		test_render_stereo(h, y, N, 256);
		double   amp[8], loudest = 0.0;
		unsigned sounding = 0;
		for (unsigned i = 0; i < n_notes; ++i) {
			amp[i]  = amplitude_at(y, N, 440.0 * pow(2.0, (notes[i] - 69) / 12.0), TEST_RATE);
			loudest = fmax(loudest, amp[i]);
		}
		bool newest = true;
		printf("  polyphony %u, %u notes:", polys[k], n_notes);
		for (unsigned i = 0; i < n_notes; ++i) {
			const bool on = amp[i] > 0.5 * loudest;
			sounding += on;
			newest &= on == (i >= n_notes - polys[k]);
			printf(" %.3f", amp[i]);
		}
		printf(" -> %u sound\n", sounding);
		CU_ASSERT_EQUAL(sounding, polys[k]);
		CU_ASSERT_TRUE(newest);
		/* The silent ones are silent, not merely quieter. */
		for (unsigned i = 0; i < n_notes - polys[k]; ++i) {
			CU_ASSERT(amp[i] < 1e-3 * loudest);
		}
		host_free(h);
	}
	free(y);
}

/* Each pitched factory program, swapped in through the program port, plays
 * note 57 with its lowest partial where its preset puts it: the strongest
 * component within a semitone of the expected frequency lies within 15
 * cents of it (detuned and vibrato patches included) and is a real part of
 * the sound. Drums and the noise sweep have no pitch to check. */
static void
test_factory_programs_play_in_tune(void)
{
	static const struct {
		const char* name;
		int         transpose; /* the preset's lowest oscillator, in semitones */
	} pitched[] = {{"Init Saw", 0},  {"Sine Lead", 0}, {"Acid 303", 0}, {"Reese Bass", -12},
	               {"Sub Bass", -12}, {"Warm Pad", -12}, {"Pluck", 0},    {"Stab", 0}};
	const unsigned n_pitched = sizeof(pitched) / sizeof(pitched[0]);
	Host*          h         = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	/* 10 ms to 310 ms after the note-on: Pluck and Stab fade soon. */
	enum { N = 14880, FROM = 480 };
	float*   y       = calloc(N, sizeof(float));
	unsigned checked = 0;
	printf("\n");
	for (unsigned prog = 1; prog < 13; ++prog) {
		const unsigned before = host_status_count(h);
		host_set_control(h, "program", (float)prog);
		for (unsigned i = 0; i < 2000 && host_status_count(h) == before; ++i) {
			test_run_stereo(h, 256, y);
			host_settle(h);
		}
		CU_ASSERT_FATAL(host_status_count(h) > before);
		test_render_stereo(h, y, 4800, 256); /* the crossfade is over */
		const char* text = host_last_value(h, CHRONUS_URI "#patchText");
		int         transpose = 99;
		const char* name      = "?";
		for (unsigned p = 0; p < n_pitched; ++p) {
			char title[64];
			snprintf(title, sizeof(title), "patch \"%s\"", pitched[p].name);
			if (text && strstr(text, title)) {
				transpose = pitched[p].transpose;
				name      = pitched[p].name;
			}
		}
		if (transpose == 99) {
			continue;
		}
		host_note_on(h, 0, 57, 100);
		test_render_stereo(h, y, N, 256);
		host_note_off(h, 0, 57);
		const uint8_t off[3] = {0xb0, 120, 0};
		host_midi(h, 0, off, 3);
		float tail[4800];
		test_render_stereo(h, tail, 4800, 256);
		const double want = 220.0 * pow(2.0, transpose / 12.0);
		double       best = 0.0, best_c = 0.0;
		for (int c = -100; c <= 100; c += 2) {
			const double a = amplitude_at(y + FROM, N - FROM, want * pow(2.0, c / 1200.0), TEST_RATE);
			if (a > best) {
				best   = a;
				best_c = c;
			}
		}
		const double rms = test_rms(y + FROM, N - FROM);
		printf("  program %2u %-11s lowest partial at %+4.0f cents from %.2f Hz, %.3f of the RMS\n", prog, name,
		       best_c, want, best / (rms * SQRT2));
		CU_ASSERT(fabs(best_c) <= 15.0);
		CU_ASSERT(best > 0.03 * rms * SQRT2); /* Stab, a chord through a resonant filter: 0.07 */
		++checked;
	}
	CU_ASSERT_EQUAL(checked, n_pitched - 1); /* every pitched program but Init Saw (program 0, the start) */
	free(y);
	host_free(h);
}

/* Pitch bend moves every sounding note by 2 semitones x (value - 8192) /
 * 8192, measured from the audio as A4 is: up and down, at the extremes,
 * and at values whose low 7 bits matter (LSB first, then MSB, as MIDI
 * sends them: the bytes read the wrong way round give another pitch). */
static void
test_pitch_bend_moves_the_pitch(void)
{
	static const unsigned values[] = {0x3040, 16383, 0x2000, 0x1234, 0x1000, 0, 0x2000};
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_sine));
	host_note_on(h, 0, 69, 100);
	enum { N = 48000, SETTLE = 4800 };
	float* y = calloc(N, sizeof(float));
	printf("\n ");
	for (unsigned k = 0; k < sizeof values / sizeof values[0]; ++k) {
		const unsigned v      = values[k];
		const uint8_t  msg[3] = {0xe0, (uint8_t)(v & 0x7f), (uint8_t)(v >> 7)};
		host_midi(h, 0, msg, 3);
		test_render_stereo(h, y, N, 256);
		const double want  = 200.0 * ((double)v - 8192.0) / 8192.0;
		const double f     = test_frequency(y + SETTLE, N - SETTLE, TEST_RATE);
		const double cents = 1200.0 * log2(f / 440.0);
		printf(" bend %5u: %+.4f cent (want %+.4f);", v, cents, want);
		CU_ASSERT(fabs(cents - want) < 0.1);
		CU_ASSERT(test_peak(y + SETTLE, N - SETTLE) > 0.1f); /* the note still sounds */
	}
	free(y);
	host_free(h);
}

/* The MIDI a score sends (docs/score-format.md, "Statements"): exact
 * bytes and frames, read from the parsed score (no plugin needed), so a
 * wrong channel nibble, RPN number or order fails here and not only by ear. */
typedef struct {
	uint64_t frame;
	uint8_t  size;
	uint8_t  bytes[3];
} WantMidi;

static void
check_score_midi(const char* text, const WantMidi* want, size_t n)
{
	Score s;
	char  err[256] = "";
	const bool ok = score_parse(text, ".", TEST_RATE, &s, err, sizeof(err));
	if (!ok) {
		printf("\n  %s\n", err);
	}
	CU_ASSERT_TRUE_FATAL(ok);
	CU_ASSERT_EQUAL(s.n_events, n);
	for (size_t i = 0; i < n && i < s.n_events; ++i) {
		const ScoreEvent* ev = &s.events[i];
		const bool same = ev->type == SCORE_MIDI && ev->frame == want[i].frame && ev->midi_size == want[i].size &&
		                  !memcmp(ev->midi, want[i].bytes, want[i].size);
		if (!same) {
			printf("\n  event %zu: frame %llu, %u bytes %02x %02x %02x (want frame %llu, %u bytes %02x %02x %02x)", i,
			       (unsigned long long)ev->frame, ev->midi_size, ev->midi[0], ev->midi[1], ev->midi[2],
			       (unsigned long long)want[i].frame, want[i].size, want[i].bytes[0], want[i].bytes[1],
			       want[i].bytes[2]);
		}
		CU_ASSERT(same);
	}
	score_free(&s);
}

/* A score error: parsing fails with exactly `want`, and leaves no events. */
static void
check_score_error(const char* text, const char* want)
{
	Score s;
	char  err[256] = "";
	CU_ASSERT_FALSE(score_parse(text, ".", TEST_RATE, &s, err, sizeof(err)));
	if (strcmp(err, want)) {
		printf("\n  got \"%s\", want \"%s\"", err, want);
	}
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_PTR_NULL(s.events);
	CU_ASSERT_EQUAL(s.n_events, 0u);
}

static void
test_score_channels(void)
{
	/* A note's on and off both on its channel; no `ch` is channel 1. */
	static const WantMidi notes[] = {{0, 3, {0x90, 61, 90}},       {24000, 3, {0x99, 60, 100}},
	                                 {36000, 3, {0x89, 60, 0}},    {48000, 3, {0x80, 61, 0}},
	                                 {48000, 3, {0x9f, 62, 1}},    {48048, 3, {0x8f, 62, 0}}};
	check_score_midi("at 0 note 61 90 1\nat 0.5 ch 10 note 60 100 0.25\nat 1 ch 16 note 62 1 0.001\n", notes,
	                 sizeof(notes) / sizeof(notes[0]));
	/* Bend keeps its 14-bit mapping on any channel: 0.5 is 8192 + 4096,
	 * LSB first. */
	static const WantMidi bends[] = {{0, 3, {0xe2, 0x00, 0x60}}, {0, 3, {0xef, 0x00, 0x00}},
	                                 {0, 3, {0xe0, 0x7f, 0x7f}}, {0, 3, {0xe4, 0x00, 0x40}}};
	check_score_midi("at 0 ch 3 bend 0.5\nat 0 ch 16 bend -1\nat 0 bend 1\nat 0 ch 5 bend 0\n", bends,
	                 sizeof(bends) / sizeof(bends[0]));
	/* Every other MIDI statement, Bank Select included. */
	static const WantMidi rest[] = {{4800, 3, {0xb4, 64, 127}}, {4800, 3, {0xb4, 74, 100}}, {4800, 2, {0xd4, 90, 0}},
	                                {4800, 3, {0xa4, 60, 100}}, {4800, 3, {0xb4, 0, 1}},    {4800, 3, {0xb4, 32, 2}},
	                                {4800, 2, {0xc4, 3, 0}},    {4800, 2, {0xcb, 5, 0}}};
	check_score_midi("at 0.1 ch 5 sustain on\nat 0.1 ch 5 cc 74 100\nat 0.1 ch 5 aftertouch 90\n"
	                 "at 0.1 ch 5 pressure 60 100\nat 0.1 ch 5 program 3 130\nat 0.1 ch 12 program 5\n",
	                 rest, sizeof(rest) / sizeof(rest[0]));
}

static void
test_score_mpe_and_bendrange(void)
{
	/* The MCM on the master channel (1 lower, 16 upper), RPN null after. */
	static const WantMidi mcm[] = {{48000, 3, {0xb0, 101, 0}},  {48000, 3, {0xb0, 100, 6}},
	                               {48000, 3, {0xb0, 6, 15}},   {48000, 3, {0xb0, 101, 127}},
	                               {48000, 3, {0xb0, 100, 127}}, {48000, 3, {0xbf, 101, 0}},
	                               {48000, 3, {0xbf, 100, 6}},  {48000, 3, {0xbf, 6, 0}},
	                               {48000, 3, {0xbf, 101, 127}}, {48000, 3, {0xbf, 100, 127}}};
	check_score_midi("at 1 mpe lower 15\nat 1 mpe upper 0\n", mcm, sizeof(mcm) / sizeof(mcm[0]));
	/* RPN 0 on the channel given, channel 1 without one. */
	static const WantMidi range[] = {{12000, 3, {0xb1, 101, 0}},  {12000, 3, {0xb1, 100, 0}},
	                                 {12000, 3, {0xb1, 6, 24}},   {12000, 3, {0xb1, 38, 0}},
	                                 {12000, 3, {0xb1, 101, 127}}, {12000, 3, {0xb1, 100, 127}},
	                                 {24000, 3, {0xb0, 101, 0}},  {24000, 3, {0xb0, 100, 0}},
	                                 {24000, 3, {0xb0, 6, 96}},   {24000, 3, {0xb0, 38, 0}},
	                                 {24000, 3, {0xb0, 101, 127}}, {24000, 3, {0xb0, 100, 127}}};
	check_score_midi("at 0.5 bendrange 96\nat 0.25 ch 2 bendrange 24\n", range, sizeof(range) / sizeof(range[0]));
}

/* The worked example in docs/score-format.md, "MPE", read from the file:
 * the MCM, then the bend range, then each note on its member channel, and
 * the bend, pressure and slide on channel 3 only. */
static void
test_score_doc_mpe_example(void)
{
	char path[1024];
	const char* dir = getenv("CHRONUS_SOURCE_DIR");
	snprintf(path, sizeof(path), "%s/docs/score-format.md", dir && *dir ? dir : ".");
	FILE* f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	static char doc[65536];
	const size_t n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[n] = '\0';
	char* start = strstr(doc, "### MPE\n");
	start       = start ? strstr(start, "```\n") : NULL;
	char* end   = start ? strstr(start + 4, "```") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(end);
	*end = '\0';
	static const WantMidi want[] = {
	        {0, 3, {0xb0, 101, 0}},      {0, 3, {0xb0, 100, 6}},      {0, 3, {0xb0, 6, 15}},
	        {0, 3, {0xb0, 101, 127}},    {0, 3, {0xb0, 100, 127}},    {0, 3, {0xb1, 101, 0}},
	        {0, 3, {0xb1, 100, 0}},      {0, 3, {0xb1, 6, 12}},       {0, 3, {0xb1, 38, 0}},
	        {0, 3, {0xb1, 101, 127}},    {0, 3, {0xb1, 100, 127}},    {4800, 3, {0x91, 60, 100}},
	        {4800, 3, {0x92, 64, 100}},  {24000, 3, {0xe2, 0x00, 0x50}}, {48000, 2, {0xd2, 90, 0}},
	        {48000, 3, {0xb2, 74, 100}}, {100800, 3, {0x81, 60, 0}},  {100800, 3, {0x82, 64, 0}}};
	check_score_midi(start + 4, want, sizeof(want) / sizeof(want[0]));
}

static void
test_score_channel_errors(void)
{
	check_score_error("length 1\nat 0 note 60 100 0.5\nat 0.1 ch 0 note 60 100 0.5\n",
	                  "score line 3: expected 'ch CHANNEL(1-16)'");
	check_score_error("at 0.1 ch 17 bend 0\n", "score line 1: expected 'ch CHANNEL(1-16)'");
	check_score_error("at 0 note 60 100 1\n\nat 0.1 ch 2.5 bend 0\n", "score line 3: expected 'ch CHANNEL(1-16)'");
	check_score_error("at 0.1 ch\n", "score line 1: expected 'ch CHANNEL(1-16)'");
	check_score_error("at 0.1 ch 4\n", "score line 1: expected an event after 'ch CHANNEL'");
	check_score_error("# controls are no MIDI\nat 0 ch 3 control volume 0\n",
	                  "score line 2: 'ch' is for MIDI statements, not 'control'");
	check_score_error("at 0 ch 3 patch x.chronus\n", "score line 1: 'ch' is for MIDI statements, not 'patch'");
	check_score_error("at 0 ch 2 mpe lower 3\n", "score line 1: 'ch' does not go with 'mpe' (the zone gives the channel)");
	check_score_error("length 2\nat 0 mpe middle 3\n", "score line 2: expected 'mpe lower|upper MEMBERS(0-15)'");
	check_score_error("at 0 mpe lower 16\n", "score line 1: expected 'mpe lower|upper MEMBERS(0-15)'");
	check_score_error("at 0 mpe upper\n", "score line 1: expected 'mpe lower|upper MEMBERS(0-15)'");
	check_score_error("at 0 ch 2 bendrange 97\n", "score line 1: expected 'bendrange SEMITONES' (0-96)");
	check_score_error("at 0 ch 2 glide 1\n", "score line 1: unknown event (expected note, control, bend, sustain, cc, "
	                                         "aftertouch, pressure, program, mpe, bendrange, tempo or patch)");
}

/* `tempo BPM`: one transport event at its frame; out of range, or on a
 * channel, an error naming the line. */
static void
test_score_tempo(void)
{
	Score s;
	char  err[256] = "";
	CU_ASSERT_TRUE_FATAL(score_parse("at 0.5 tempo 128\nat 1 tempo 97.5\n", ".", TEST_RATE, &s, err, sizeof(err)));
	CU_ASSERT_EQUAL(s.n_events, 2u);
	CU_ASSERT(s.events[0].type == SCORE_TEMPO && s.events[0].frame == 24000 && s.events[0].value == 128.0f);
	CU_ASSERT(s.events[1].type == SCORE_TEMPO && s.events[1].frame == 48000 && s.events[1].value == 97.5f);
	score_free(&s);
	check_score_error("at 0 tempo 0\n", "score line 1: expected 'tempo BPM' (1 .. 999)");
	check_score_error("at 0 tempo 1000\n", "score line 1: expected 'tempo BPM' (1 .. 999)");
	check_score_error("at 0 tempo\n", "score line 1: expected 'tempo BPM' (1 .. 999)");
	check_score_error("at 0 ch 2 tempo 120\n", "score line 1: 'ch' is for MIDI statements, not 'tempo'");
}

int
suite_playback(void)
{
	CU_pSuite s = CU_add_suite("playback", NULL, NULL);
	return !s || !CU_add_test(s, "the bundle describes an instrument", test_bundle_describes_an_instrument) ||
	       !CU_add_test(s, "silence before the first note", test_silence_before_first_note) ||
	       !CU_add_test(s, "A4 sounds at 440 Hz within 0.1 cent", test_a4_is_440_hz) ||
	       !CU_add_test(s, "pitch bend moves A4 by 2 semitones x (value - 8192) / 8192", test_pitch_bend_moves_the_pitch) ||
	       !CU_add_test(s, "the release ends in silence", test_release_ends_in_silence) ||
	       !CU_add_test(s, "block sizes 1..4096 and random give the same samples", test_block_sizes_give_the_same_samples) ||
	       !CU_add_test(s, "128 notes steal voices without a click", test_128_notes_steal_without_click) ||
	       !CU_add_test(s, "malformed MIDI is ignored; velocity 0 is note off", test_malformed_midi_is_ignored) ||
	       !CU_add_test(s, "volume in dB is exactly the gain 10^(dB/20)", test_volume_db_is_the_exact_gain) ||
	       !CU_add_test(s, "the crossfade lasts exactly crossfade x rate / 1000 frames", test_crossfade_lasts_exactly_the_set_time) ||
	       !CU_add_test(s, "polyphony P: exactly P of N notes sound, the newest", test_polyphony_is_the_number_that_sound) ||
	       !CU_add_test(s, "every pitched factory program plays in tune after a swap", test_factory_programs_play_in_tune) ||
	       !CU_add_test(s, "score: ch N sends each MIDI statement on channel N", test_score_channels) ||
	       !CU_add_test(s, "score: tempo sends the host's transport", test_score_tempo) ||
	       !CU_add_test(s, "score: mpe sends the MCM, bendrange RPN 0, then RPN null", test_score_mpe_and_bendrange) ||
	       !CU_add_test(s, "score: the MPE example in docs/score-format.md", test_score_doc_mpe_example) ||
	       !CU_add_test(s, "score: a bad ch, ch before control/patch/mpe, a bad mpe zone name their line",
	                    test_score_channel_errors);
}
