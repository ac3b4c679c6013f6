/* SPDX-License-Identifier: ISC
 *
 * Expression end to end through the plugin (issue 14, items 1-3): each
 * controller a source of the patch, measured from the audio; the bend
 * range of the patch and of the ports; polyphonic aftertouch on its voice
 * alone; a controller's position kept across a swap; Program Change and
 * Bank Select; mono, legato, note priority with return to a held key, and
 * glide exact to the sample. Most patches here are probes: a `mix` module
 * that plays a source (note.pitch x 0.01, an envelope) as the output
 * signal, so the output is the source sample for sample (limiter off,
 * volume 0 dB).
 */
#include "click.h"
#include "helpers.h"
#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 256u

/* A host on the patch, limiter off so the output is the patch's signal. */
static Host*
probe(const char* text)
{
	return test_probe_host(text);
}

static float*
frames(size_t n)
{
	float* x = calloc(n, sizeof(float));
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	return x;
}

static double
cents(double f, double ref)
{
	return 1200.0 * log2(f / ref);
}

/* Amplitude of the frequency f in x (a Goertzel over a whole number of
 * its periods, as near n as fits). */
static double
amplitude_at(const float* x, size_t n, double f)
{
	const size_t m = (size_t)(floor((double)n * f / TEST_RATE) * TEST_RATE / f);
	const double w = 2.0 * 3.14159265358979323846 * f / TEST_RATE;
	double       re = 0.0, im = 0.0;
	for (size_t i = 0; i < m; ++i) {
		re += x[i] * cos(w * (double)i);
		im += x[i] * sin(w * (double)i);
	}
	return 2.0 * sqrt(re * re + im * im) / (double)m;
}

/* Mod wheel at 127 vs 0 on a vibrato patch: the set depth in cents. A
 * square LFO at 1 Hz moves the pitch +-50 cents (0.5 semitone) times the
 * wheel; windows of 0.1 s inside each half measure it. */
static void
test_modwheel_vibrato(void)
{
	Host* h = probe("patch \"Vibrato\"\ncreate osc sine\nset osc.level 0.5\ncreate lfo lfo\n"
	                "set lfo.shape square\nset lfo.rate 1\nset lfo.level 0\n"
	                "connect ctl.modwheel lfo.level\nconnect lfo osc.pitch 0.5\nout osc\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	const size_t n = 96000, win = 4800;
	float*       y = frames(n);
	double       hi[2] = {-1e9, -1e9}, lo[2] = {1e9, 1e9};
	for (int pass = 0; pass < 2; ++pass) {
		host_cc(h, 0, 1, pass ? 127 : 0);
		host_note_on(h, 0, 69, 100);
		test_render(h, y, n, BLOCK);
		for (size_t at = 2400; at + win <= n; at += 2400) {
			const double c = cents(test_frequency(y + at, win, TEST_RATE), 440.0);
			hi[pass]       = fmax(hi[pass], c);
			lo[pass]       = fmin(lo[pass], c);
		}
		host_note_off(h, 0, 69);
		test_render(h, y, 24000, BLOCK);
	}
	printf("\n  vibrato: wheel 0 %+.3f..%+.3f cent, wheel 127 %+.3f..%+.3f cent (set: +-50)\n", lo[0], hi[0], lo[1],
	       hi[1]);
	CU_ASSERT(fabs(hi[0]) < 0.1 && fabs(lo[0]) < 0.1);
	CU_ASSERT(fabs(hi[1] - 50.0) < 0.2 && fabs(lo[1] + 50.0) < 0.2);
	free(y);
	host_free(h);
}

/* The output of a probe, held for a while after the events at frame 0:
 * its value at frame `at` of n rendered. */
static float
probe_value(Host* h, size_t n, size_t at)
{
	float* y = frames(n);
	test_render(h, y, n, BLOCK);
	const float v = y[at];
	free(y);
	return v;
}

#define PITCH_PROBE "create m mix\nconnect note.pitch m.in1 0.01\nout m\n"

/* The bend range of the patch (`bend 12 5`), then the ports over it,
 * then the ports back at -1 (the patch's again). */
static void
test_bend_range(void)
{
	Host* h = probe("patch \"Bend\"\nbend 12 5\n" PITCH_PROBE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_note_on(h, 0, 60, 100);
	host_bend(h, 0, 1.0f);
	const float up = probe_value(h, 4800, 4799);
	host_bend(h, 0, -1.0f);
	const float down = probe_value(h, 4800, 4799);
	host_set_control(h, "bend_up", 7.0f);
	host_set_control(h, "bend_down", 24.0f);
	host_bend(h, 0, 1.0f);
	const float port_up = probe_value(h, 4800, 4799);
	host_bend(h, 0, -1.0f);
	const float port_down = probe_value(h, 4800, 4799);
	host_set_control(h, "bend_up", -1.0f);
	host_set_control(h, "bend_down", -1.0f);
	host_bend(h, 0, 0.5f);
	const float half = probe_value(h, 4800, 4799);
	printf("\n  bend (semitones from key 60): patch +%.4f -%.4f, ports +%.4f -%.4f, half wheel +%.4f\n",
	       100.0 * up - 60.0, 60.0 - 100.0 * down, 100.0 * port_up - 60.0, 60.0 - 100.0 * port_down,
	       100.0 * half - 60.0);
	CU_ASSERT(fabsf(up - 0.72f) < 1e-5f);
	CU_ASSERT(fabsf(down - 0.55f) < 1e-5f);
	CU_ASSERT(fabsf(port_up - 0.67f) < 1e-5f);
	CU_ASSERT(fabsf(port_down - 0.36f) < 1e-5f);
	CU_ASSERT(fabsf(half - (0.60f + 0.12f * (float)lrintf(0.5f * 8191.0f) / 8191.0f)) < 1e-5f);
	host_free(h);
}

/* Polyphonic aftertouch on one of two held notes changes only that
 * voice; channel aftertouch changes both. */
static void
test_aftertouch(void)
{
	Host* h = probe("patch \"Pressure\"\ncreate osc sine\nset osc.level 0.2\n"
	                "connect note.pressure osc.level 0.3\nconnect ctl.aftertouch osc.level 0.1\nout osc\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	const size_t n = 24000;
	float*       y = frames(n);
	const double fa = 440.0, fb = 440.0 * pow(2.0, 7.0 / 12.0);
	host_note_on(h, 0, 69, 100);
	host_note_on(h, 0, 76, 100);
	test_render(h, y, n, BLOCK);
	const double a0 = amplitude_at(y + 4800, n - 4800, fa), b0 = amplitude_at(y + 4800, n - 4800, fb);
	host_poly_aftertouch(h, 0, 69, 127);
	test_render(h, y, n, BLOCK);
	const double a1 = amplitude_at(y + 4800, n - 4800, fa), b1 = amplitude_at(y + 4800, n - 4800, fb);
	host_aftertouch(h, 0, 127);
	test_render(h, y, n, BLOCK);
	const double a2 = amplitude_at(y + 4800, n - 4800, fa), b2 = amplitude_at(y + 4800, n - 4800, fb);
	printf("\n  aftertouch: A4 %.4f -> %.4f (poly) -> %.4f (channel); E5 %.4f -> %.4f -> %.4f\n", a0, a1, a2, b0,
	       b1, b2);
	CU_ASSERT(fabs(a0 - 0.2) < 0.005 && fabs(b0 - 0.2) < 0.005);
	CU_ASSERT(fabs(a1 - 0.5) < 0.005);
	CU_ASSERT(fabs(b1 - b0) < 0.001); /* only its own voice */
	CU_ASSERT(fabs(a2 - 0.6) < 0.005 && fabs(b2 - 0.3) < 0.005);
	free(y);
	host_free(h);
}

/* A CC the patch reads: 7-bit, then 14-bit with its LSB; its position is
 * kept across a swap (the new patch starts there, not at 0); note.key,
 * note.release and note.random. */
static void
test_cc_sources(void)
{
	Host* h = probe("patch \"CC A\"\ncreate m mix\nconnect ctl.modwheel m.in1\nout m\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_note_on(h, 0, 60, 100);
	host_cc(h, 0, 1, 64);
	const float msb = probe_value(h, 4800, 4799);
	host_cc(h, 0, 33, 0);
	const float v14 = probe_value(h, 4800, 4799);
	host_cc(h, 0, 74, 100);
	CU_ASSERT(test_load_patch(h, "patch \"CC B\"\ncreate m mix\nconnect ctl.cc74 m.in1 0.5\nout m\n"));
	const float kept = probe_value(h, 4800, 4799);
	printf("\n  cc1 64: %.6f (64/127 %.6f), + cc33 0: %.6f (8192/16383 %.6f); cc74 100 across a swap: %.6f "
	       "(%.6f)\n",
	       msb, 64.0 / 127.0, v14, 8192.0 / 16383.0, kept, 0.5 * 100.0 / 127.0);
	CU_ASSERT(fabsf(msb - 64.0f / 127.0f) < 1e-6f);
	CU_ASSERT(fabsf(v14 - 8192.0f / 16383.0f) < 1e-6f);
	CU_ASSERT(fabsf(kept - 0.5f * 100.0f / 127.0f) < 1e-6f);
	host_note_off(h, 0, 60);
	probe_value(h, 4800, 0);

	CU_ASSERT(test_load_patch(h, "patch \"Key\"\ncreate m mix\nconnect note.key m.in1 0.01\n"
	                             "connect note.release m.in2\nconnect note.random m.in3 0.001\nout m\n"));
	host_note_on(h, 0, 62, 100);
	const float key = probe_value(h, 4800, 4799);
	host_note_off_velocity(h, 0, 62, 100);
	float* y = frames(4800);
	test_render(h, y, 4800, BLOCK);
	/* The voice fades out over 5 ms (no envelope): sample 0 weighs 1 - 1/240. */
	const float release = y[0] / (1.0f - 1.0f / 240.0f) - key;
	free(y);
	host_note_on(h, 0, 62, 100);
	const float r1 = (probe_value(h, 4800, 4799) - 0.62f) * 1000.0f;
	host_note_off(h, 0, 62);
	probe_value(h, 4800, 0);
	host_note_on(h, 0, 62, 100);
	const float r2 = (probe_value(h, 4800, 4799) - 0.62f) * 1000.0f;
	printf("  note.key %.5f, note.release %.5f (100/127 %.5f), note.random %.4f then %.4f\n", key, release,
	       100.0 / 127.0, r1, r2);
	CU_ASSERT(key >= 0.619f && key <= 0.621f); /* the key, plus its random (-1..1) x 0.001 */
	CU_ASSERT(fabsf(release - 100.0f / 127.0f) < 2e-3f);
	CU_ASSERT(r1 >= -1.001f && r1 <= 1.001f && r2 >= -1.001f && r2 <= 1.001f && fabsf(r1 - r2) > 1e-3f);
	host_free(h);
}

/* A controller jumping 0 -> 127 (a sine's level 0.2 -> 0.5) and the
 * wheel jumping to full bend are smoothed: no click, by the metric every
 * parameter jump meets. */
static void
test_no_zipper(void)
{
	Host* h = probe("patch \"Jump\"\ncreate osc sine\nset osc.level 0.2\nconnect ctl.cc7 osc.level 0.3\nout osc\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	const size_t n = 48000, at = 24000;
	float*       y = frames(n);
	host_note_on(h, 0, 69, 100);
	test_render(h, y, at, BLOCK);
	host_cc(h, 0, 7, 127);
	test_render(h, y + at, n - at, BLOCK);
	const double cc = click_metric_around(y, n, at, 480, 4800);
	test_render(h, y, at, BLOCK);
	host_bend(h, 0, 1.0f);
	test_render(h, y + at, n - at, BLOCK);
	const double bend = click_metric_around(y, n, at, 480, 4800);
	printf("\n  click metric: cc 0 -> 127 on a level %.3f, bend 0 -> +2 semitones %.3f (bound %.2f)\n", cc, bend,
	       CLICK_BOUND_PARAM_JUMP);
	CU_ASSERT(cc <= CLICK_BOUND_PARAM_JUMP);
	CU_ASSERT(bend <= CLICK_BOUND_PARAM_JUMP);
	free(y);
	host_free(h);
}

/* Controllers a patch does not read change nothing: the same notes with
 * and without a burst of every other message give the same samples. */
static void
test_unused_ignored(void)
{
	const size_t n = 9600;
	float*       y[2] = {frames(n), frames(n)};
	for (int pass = 0; pass < 2; ++pass) {
		Host* h = probe(patch_sine);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		if (pass) {
			for (unsigned cc = 0; cc < 120; ++cc) {
				if (cc != 64) {
					host_cc(h, 0, (uint8_t)cc, 99);
				}
			}
			host_aftertouch(h, 0, 80);
			host_poly_aftertouch(h, 0, 69, 80);
			host_note_off_velocity(h, 0, 50, 90);
			host_program_change(h, 0, 100); /* in bank 99/99: no such program */
		}
		host_note_on(h, 1, 69, 100);
		test_render(h, y[pass], n, BLOCK);
		host_free(h);
	}
	CU_ASSERT(memcmp(y[0], y[1], n * sizeof(float)) == 0);
	free(y[0]);
	free(y[1]);
}

static bool
playing_is(Host* h, const void* want)
{
	return host_get_control(h, "playing") == *(const float*)want;
}

/* Program Change loads the factory program as the Program port does;
 * with Bank Select 1 the same number is a program that does not exist and
 * changes nothing; an automated Program port change loads its own. */
static void
test_program_change(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	float want = 0.0f;
	CU_ASSERT(test_run_until(h, BLOCK, playing_is, &want, NULL, 0, NULL));
	host_program_change(h, 0, 2);
	want = 2.0f;
	CU_ASSERT(test_run_until(h, BLOCK, playing_is, &want, NULL, 0, NULL));
	host_cc(h, 0, 0, 0);
	host_cc(h, 0, 32, 1);
	host_program_change(h, 0, 4);
	float buf[BLOCK];
	for (unsigned i = 0; i < 40; ++i) {
		host_run(h, BLOCK, buf, NULL);
		host_settle(h);
	}
	CU_ASSERT_EQUAL(host_get_control(h, "playing"), 2.0f); /* bank 1: nothing there */
	host_cc(h, 0, 32, 0);
	host_program_change(h, 0, 4);
	want = 4.0f;
	CU_ASSERT(test_run_until(h, BLOCK, playing_is, &want, NULL, 0, NULL));
	host_set_control(h, "program", 1.0f); /* the port moves: it wins now */
	want = 1.0f;
	CU_ASSERT(test_run_until(h, BLOCK, playing_is, &want, NULL, 0, NULL));
	host_free(h);
}

/* Glide exact to the sample: a glide of T ms lasts N = T * 48 samples
 * and its N-th sample (frame N - 1 after the note) is the key. */
static long
glide_frames(const char* voicing, uint8_t from, uint8_t to, bool overlap, float* first_step)
{
	char text[512];
	snprintf(text, sizeof text, "patch \"Glide\"\n%s\n" PITCH_PROBE, voicing);
	Host* h = probe(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_note_on(h, 0, from, 100);
	probe_value(h, 2400, 0);
	if (!overlap) {
		host_note_off(h, 0, from);
	}
	host_note_on(h, 0, to, 100);
	const size_t n = 48000;
	float*       y = frames(n);
	test_render(h, y, n, BLOCK);
	const float target = (float)to * 0.01f;
	long        k      = -1;
	for (size_t i = 0; i < n; ++i) {
		if (fabsf(y[i] - target) < 2e-6f) {
			k = (long)i;
			break;
		}
	}
	*first_step = y[0] - (float)from * 0.01f;
	free(y);
	host_free(h);
	return k < 0 ? -1 : k + 1;
}

static void
test_glide(void)
{
	float step_t, step_r, step_l, step_a;
	const long t = glide_frames("voice legato\nglide 100", 57, 69, true, &step_t);
	const long r = glide_frames("voice mono\nglide 100 rate", 57, 64, true, &step_r);
	const long l = glide_frames("voice mono\nglide 100 legato", 57, 69, false, &step_l);
	const long a = glide_frames("glide 50", 57, 69, false, &step_a); /* poly, always: from the last note */
	printf("\n  glide 100 ms (57 -> 69): %ld samples, first step %.3g semitone; 100 ms/octave 57 -> 64: %ld; "
	       "legato-only, detached: %ld; poly 50 ms: %ld\n",
	       t, (double)step_t * 100.0, r, l, a);
	CU_ASSERT_EQUAL(t, 4800);
	CU_ASSERT(fabsf(step_t * 100.0f - 12.0f / 4800.0f) < 2e-4f);
	CU_ASSERT_EQUAL(r, 2800);
	CU_ASSERT_EQUAL(l, 1); /* no glide: the key at once */
	CU_ASSERT_EQUAL(a, 2400);
}

/* The pitch a probe plays after each event, held 0.1 s. */
static float
pitch_after(Host* h)
{
	return 100.0f * probe_value(h, 4800, 4799);
}

/* Note priority and the return to a key still held, in mono, in legato
 * and at polyphony 1 of the poly mode. */
static void
test_priority(void)
{
	static const char* const modes[] = {"voice mono\npriority last", "voice legato\npriority low",
	                                    "voice mono\npriority high", "voice poly"};
	for (unsigned m = 0; m < 4; ++m) {
		char text[512];
		snprintf(text, sizeof text, "patch \"Prio\"\n%s\n" PITCH_PROBE, modes[m]);
		Host* h = probe(text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		if (m == 3) {
			host_set_control(h, "polyphony", 1.0f);
			CU_ASSERT(test_load_patch(h, text)); /* rebuilt at polyphony 1 */
		}
		float p[6];
		host_note_on(h, 0, 64, 100);
		p[0] = pitch_after(h);
		host_note_on(h, 0, 60, 100);
		p[1] = pitch_after(h);
		host_note_on(h, 0, 67, 100);
		p[2] = pitch_after(h);
		host_note_off(h, 0, p[2] > 66.0f ? 67 : (p[2] < 61.0f ? 60 : 64));
		p[3] = pitch_after(h);
		host_note_off(h, 0, 64);
		p[4] = pitch_after(h);
		host_note_off(h, 0, 60);
		host_note_off(h, 0, 67);
		p[5] = pitch_after(h);
		static const char* const labels[] = {"mono, last", "legato, low", "mono, high", "poly at polyphony 1"};
		printf("\n  %s: keys 64, 60, 67 -> %.2f %.2f %.2f, release the sounding one -> %.2f, release 64 -> %.2f",
		       labels[m], p[0], p[1], p[2], p[3], p[4]);
		static const float want[4][5] = {
		        {64, 60, 67, 60, 60}, /* last: back to the newest held (60, then 60 after 64 goes) */
		        {64, 60, 60, 64, 67}, /* low: 60 sounds; released, back to 64, then 67 */
		        {64, 64, 67, 64, 60}, /* high */
		        {64, 60, 67, 60, 60}, /* polyphony 1: as mono, last */
		};
		for (unsigned i = 0; i < 5; ++i) {
			CU_ASSERT(fabsf(p[i] - want[m][i]) < 1e-3f);
		}
		(void)p[5];
		host_free(h);
	}
	printf("\n");
}

/* Legato: the envelope goes on across the overlap (no retrigger, its
 * value continuous); mono strikes it again. */
static void
test_legato_envelope(void)
{
	for (int legato = 0; legato < 2; ++legato) {
		char text[512];
		snprintf(text, sizeof text,
		         "patch \"Env\"\nvoice %s\ncreate env adsr\nset env.attack 20\nset env.decay 20\n"
		         "set env.sustain 0.5\ncreate m mix\nconnect env m.in1\nout m\n",
		         legato ? "legato" : "mono");
		Host* h = probe(text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		host_note_on(h, 0, 60, 100);
		probe_value(h, 9600, 0);
		host_note_on(h, 0, 64, 100);
		const size_t n = 9600;
		float*       y = frames(n);
		test_render(h, y, n, BLOCK);
		float jump = 0.0f, peak = 0.0f;
		for (size_t i = 1; i < n; ++i) {
			jump = fmaxf(jump, fabsf(y[i] - y[i - 1]));
			peak = fmaxf(peak, y[i]);
		}
		printf("\n  %s: envelope after the second key: peak %.4f, largest step %.2e", legato ? "legato" : "mono",
		       peak, jump);
		if (legato) {
			CU_ASSERT(fabsf(peak - 0.5f) < 1e-4f && jump < 1e-5f);
		} else {
			CU_ASSERT(peak > 0.99f); /* struck again */
		}
		free(y);
		host_free(h);
	}
	printf("\n");
}

int
suite_expression(void)
{
	CU_pSuite s = CU_add_suite("expression: controllers, bend, aftertouch, program change, voice modes", NULL, NULL);
	if (!s) {
		return 1;
	}
	return !CU_add_test(s, "mod wheel 127 vs 0 gives the vibrato depth set in cents", test_modwheel_vibrato) ||
	       !CU_add_test(s, "bend range of the patch and of the ports", test_bend_range) ||
	       !CU_add_test(s, "poly aftertouch moves its voice only, channel aftertouch all", test_aftertouch) ||
	       !CU_add_test(s, "CC 7-bit, 14-bit, kept across a swap; key, release, random", test_cc_sources) ||
	       !CU_add_test(s, "a controller or bend jump does not click", test_no_zipper) ||
	       !CU_add_test(s, "controllers the patch does not read change nothing", test_unused_ignored) ||
	       !CU_add_test(s, "program change with bank select loads as the Program port", test_program_change) ||
	       !CU_add_test(s, "glide exact to the sample: time, rate, legato-only, poly", test_glide) ||
	       !CU_add_test(s, "note priority and return to a held key", test_priority) ||
	       !CU_add_test(s, "legato keeps the envelope going, mono strikes it again", test_legato_envelope);
}
