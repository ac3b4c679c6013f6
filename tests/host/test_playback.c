/* SPDX-License-Identifier: ISC
 *
 * The foundation, heard through a real host: the bundle loads, notes sound
 * at the right pitch and stop, nothing sounds before the first note, any
 * block size gives the same samples, and 128 notes at once steal voices
 * without a click.
 */
#include "click.h"
#include "helpers.h"
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
	score_render(h, &s, plan, out, NULL);
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

int
suite_playback(void)
{
	CU_pSuite s = CU_add_suite("playback", NULL, NULL);
	return !s || !CU_add_test(s, "the bundle describes an instrument", test_bundle_describes_an_instrument) ||
	       !CU_add_test(s, "silence before the first note", test_silence_before_first_note) ||
	       !CU_add_test(s, "A4 sounds at 440 Hz within 0.1 cent", test_a4_is_440_hz) ||
	       !CU_add_test(s, "the release ends in silence", test_release_ends_in_silence) ||
	       !CU_add_test(s, "block sizes 1..4096 and random give the same samples", test_block_sizes_give_the_same_samples) ||
	       !CU_add_test(s, "128 notes steal voices without a click", test_128_notes_steal_without_click) ||
	       !CU_add_test(s, "malformed MIDI is ignored; velocity 0 is note off", test_malformed_midi_is_ignored);
}
