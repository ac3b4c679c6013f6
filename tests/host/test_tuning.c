/* SPDX-License-Identifier: ISC
 *
 * Microtuning through the plugin (docs/tuning.md): Scala files set with
 * the scaleFile and keymapFile parameters, and the tuning ports, heard in
 * the audio: 19-EDO and a just scale on a D major keyboard map within 0.01
 * cent of the scale, keys the map leaves out silent, an empty path back to
 * equal temperament, A4 = 432 Hz from the ports; a broken file leaves the
 * patch playing in its tuning and says file, line and column; the files
 * come back from a saved state, and a held note glides to a new tuning
 * without a click.
 */
#include "click.h"
#include "helpers.h"
#include "suites.h"
#include "temp_dir.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>
#include <lilv/lilv.h>
#include <lv2/atom/atom.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCALE_FILE  CHRONUS_URI "#scaleFile"
#define KEYMAP_FILE CHRONUS_URI "#keymapFile"
#define LISTEN      19200u /* 0.4 s of a key, measured after 0.1 s */

static char dir[64];

/* A file in this suite's folder; returns its path. */
static const char*
write_file(const char* name, const char* text)
{
	static char path[2][128];
	static unsigned k;
	char*           p = path[k++ % 2];
	snprintf(p, sizeof path[0], "%s/%s", dir, name);
	FILE* f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static const char* const just_major = "! ptolemy.scl\nPtolemy's intense diatonic\n7\n"
                                      "9/8\n5/4\n4/3\n3/2\n5/3\n15/8\n2/1\n";
static const char* const d_major_map = "! D major keys, A4 = 440 Hz\n12\n0\n127\n62\n69\n440.0\n7\n"
                                       "0\nx\n1\nx\n2\n3\nx\n4\nx\n5\nx\n6\n";

static const char*
edo19(void)
{
	static char text[1024];
	size_t      n = (size_t)snprintf(text, sizeof text, "19-EDO\n19\n");
	for (int i = 1; i < 19; ++i) {
		n += (size_t)snprintf(text + n, sizeof text - n, "%.6f\n", i * 1200.0 / 19.0);
	}
	snprintf(text + n, sizeof text - n, "2/1\n");
	return text;
}

/* patch:Set of a tuning file, then blocks until the plugin answers (the
 * rebuild swaps in, or an error) and its fade is over. */
static void
set_file(Host* h, const char* property, const char* path)
{
	const unsigned before = host_status_count(h);
	host_patch_set(h, 0, property, true, path, (uint32_t)strlen(path));
	CU_ASSERT_TRUE(test_run_until(h, 256, test_cond_status_after, &before, NULL, 0, NULL));
	float y[256];
	for (unsigned i = 0, n = test_fade_frames(h) / 256 + 4; i < n; ++i) {
		test_run_stereo(h, 256, y);
	}
}

/* A key struck alone: its frequency (0 when silent), and its peak. */
static double
key_hz(Host* h, uint8_t key, float* peak)
{
	static float y[LISTEN + 4800];
	host_note_on(h, 0, key, 100);
	test_render_stereo(h, y, LISTEN + 4800, 256);
	host_note_off(h, 0, key);
	float rest[256];
	for (unsigned i = 0; i < 40; ++i) {
		test_run_stereo(h, 256, rest);
	}
	*peak = test_peak(y + 4800, LISTEN);
	return *peak > 1e-3f ? test_frequency(y + 4800, LISTEN, TEST_RATE) : 0.0;
}

static double
cents(double hz, double want)
{
	return fabs(1200.0 * log2(hz / want));
}

static void
test_scale_and_map_play_their_pitches(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_sine));
	const double c4 = 440.0 * pow(2.0, -9.0 / 12.0);
	float        peak;

	set_file(h, SCALE_FILE, write_file("19.scl", edo19()));
	double worst19 = 0.0;
	for (uint8_t k = 55; k <= 79; k += 4) {
		worst19 = fmax(worst19, cents(key_hz(h, k, &peak), c4 * pow(2.0, (k - 60) / 19.0)));
	}
	CU_ASSERT_STRING_EQUAL(host_last_value(h, SCALE_FILE), write_file("19.scl", edo19()));

	set_file(h, SCALE_FILE, write_file("just.scl", just_major));
	set_file(h, KEYMAP_FILE, write_file("d.kbm", d_major_map));
	static const double ratio[] = {1.0, 9.0 / 8, 5.0 / 4, 4.0 / 3, 3.0 / 2, 5.0 / 3, 15.0 / 8};
	static const uint8_t keys[] = {62, 64, 66, 67, 69, 71, 73};
	double               worst_just = 0.0;
	for (unsigned d = 0; d < 7; ++d) {
		worst_just = fmax(worst_just, cents(key_hz(h, keys[d], &peak), 440.0 / 1.5 * ratio[d]));
	}
	const double d5 = key_hz(h, 74, &peak); /* the octave: degree 7 */
	float        silent;
	key_hz(h, 63, &silent); /* D#: not in D major */

	set_file(h, SCALE_FILE, "");
	set_file(h, KEYMAP_FILE, "");
	const double a4 = key_hz(h, 69, &peak);
	printf("\n  19-EDO from the audio, keys 55..79: worst %.4f cent; just major on a D major map: worst %.4f cent, "
	       "D5 %.3f Hz (586.667), D#4 peak %.2g; both unloaded: A4 %.4f Hz\n",
	       worst19, worst_just, d5, (double)silent, a4);
	CU_ASSERT(worst19 < 0.01);
	CU_ASSERT(worst_just < 0.01);
	CU_ASSERT(cents(d5, 440.0 / 1.5 * 2.0) < 0.01);
	CU_ASSERT(silent < 1e-4f);
	CU_ASSERT(cents(a4, 440.0) < 0.01);
	host_free(h);
}

/* The tuning ports: A4 = 432 Hz, asked for as key 69 at 432 Hz. */
static void
test_ports_set_the_reference(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_sine));
	const unsigned before = host_status_count(h);
	host_set_control(h, "tune_key", 69.0f);
	host_set_control(h, "tune_hz", 432.0f);
	CU_ASSERT_TRUE(test_run_until(h, 256, test_cond_status_after, &before, NULL, 0, NULL));
	float y[256];
	for (unsigned i = 0, n = test_fade_frames(h) / 256 + 4; i < n; ++i) {
		test_run_stereo(h, 256, y);
	}
	float        peak;
	const double a4 = key_hz(h, 69, &peak);
	const double e5 = key_hz(h, 76, &peak);
	printf("  tune_key 69, tune_hz 432: A4 %.4f Hz, E5 %.4f Hz (%.4f)\n", a4, e5, 432.0 * pow(2.0, 7.0 / 12.0));
	CU_ASSERT(cents(a4, 432.0) < 0.01);
	CU_ASSERT(cents(e5, 432.0 * pow(2.0, 7.0 / 12.0)) < 0.01);
	host_free(h);
}

/* A broken scale: the status names the file, line and column, the error
 * outputs say where, and the patch plays on in its tuning. */
static void
test_broken_file_changes_nothing(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_sine));
	set_file(h, SCALE_FILE, write_file("19.scl", edo19()));
	float        peak;
	const double before = key_hz(h, 61, &peak);
	set_file(h, SCALE_FILE, write_file("broken.scl", "broken\n3\n100.0\n200.0\n 7/0\n"));
	const char* status = host_status(h, host_status_count(h) - 1);
	const float line = host_get_control(h, "error_line"), col = host_get_control(h, "error_column");
	const double after = key_hz(h, 61, &peak);
	set_file(h, SCALE_FILE, "/nonexistent/x.scl");
	const char* missing = host_status(h, host_status_count(h) - 1);
	printf("  broken scale: \"%s\" (line %.0f, col %.0f); key 61 %.4f Hz before, %.4f Hz after\n  missing: \"%s\"\n",
	       status, (double)line, (double)col, before, after, missing);
	CU_ASSERT_PTR_NOT_NULL(strstr(status, "broken.scl"));
	CU_ASSERT_PTR_NOT_NULL(strstr(status, "line 5, col 2"));
	CU_ASSERT_EQUAL(line, 5.0f);
	CU_ASSERT_EQUAL(col, 2.0f);
	CU_ASSERT(cents(after, before) < 0.001);
	CU_ASSERT(cents(before, 440.0 * pow(2.0, -9.0 / 12.0 + 1.0 / 19.0)) < 0.01);
	CU_ASSERT_PTR_NOT_NULL(strstr(missing, "cannot open"));
	CU_ASSERT_STRING_EQUAL(host_last_value(h, SCALE_FILE), write_file("19.scl", edo19()));
	host_free(h);
}

/* A held note when the scale changes: the rebuild takes its voice over,
 * and it glides to its new pitch (A4 is degree 9 of 19-EDO above middle
 * C: 363.3 Hz) with no click, by the metric a patch swap meets. */
static void
test_held_note_glides_to_the_new_tuning(void)
{
	Host* h = test_host(HOST_WORKER_INLINE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_sine));
	const size_t n = 48000, at = 93 * 256;
	float*       y = calloc(n, sizeof(float));
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	host_note_on(h, 0, 69, 100);
	test_render_stereo(h, y, at, 256);
	const char* path = write_file("19.scl", edo19());
	host_patch_set(h, 0, SCALE_FILE, true, path, (uint32_t)strlen(path));
	test_render_stereo(h, y + at, n - at, 256);
	const double click  = click_metric_around(y, n, at, 256 + 1440 + 960 + 480, 4800);
	const double before = test_frequency(y + at - 9600, 9600, TEST_RATE);
	const double after  = test_frequency(y + n - 9600, 9600, TEST_RATE);
	const double want   = 440.0 * pow(2.0, -9.0 / 12.0) * pow(2.0, 9.0 / 19.0);
	const double rms_before = test_rms(y + at - 9600, 9600), rms_after = test_rms(y + n - 9600, 9600);
	printf("  a held A4 through a change to 19-EDO: %.3f Hz -> %.4f Hz (%.4f), level %+.2f dB, click metric %.3f "
	       "(bound %.2f)\n",
	       before, after, want, 20.0 * log10(rms_after / rms_before), click, CLICK_BOUND_SWAP);
	CU_ASSERT(cents(before, 440.0) < 0.01);
	CU_ASSERT(cents(after, want) < 0.01);
	CU_ASSERT(fabs(20.0 * log10(rms_after / rms_before)) < 0.5);
	CU_ASSERT(click <= CLICK_BOUND_SWAP);
	free(y);
	host_free(h);
}

/* The scale and map saved by a host come back: the same pitches. */
static void
test_state_keeps_the_tuning(void)
{
	Host* a = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_TRUE_FATAL(test_load_patch(a, patch_sine));
	set_file(a, SCALE_FILE, write_file("just.scl", just_major));
	set_file(a, KEYMAP_FILE, write_file("d.kbm", d_major_map));
	float        peak;
	const double fa = key_hz(a, 66, &peak);

	/* Saved as jalv saves: files the state refers to are copied into (and
	 * linked from) the state's folder. (Without a copy or link folder,
	 * lilv 0.24.14's lilv_state_save() replaces an outside file by a
	 * link to itself: the user's file is lost.) */
	char state_dir[] = "/tmp/chronus-tuning-state-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(state_dir));
	LilvState* saved = lilv_state_new_from_instance(host_plugin(a), host_instance(a), host_map(a), NULL,
	                                                state_dir, state_dir, state_dir, test_state_get_port, a, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(saved);
	CU_ASSERT_EQUAL(lilv_state_save(host_world(a), host_map(a), host_unmap(a), saved, NULL, state_dir,
	                                "state.ttl"),
	                0);
	lilv_state_free(saved);

	Host* b = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	char path[128];
	snprintf(path, sizeof path, "%s/state.ttl", state_dir);
	LilvState* loaded = lilv_state_new_from_file(host_world(b), host_map(b), NULL, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(loaded);
	const unsigned before = host_status_count(b);
	lilv_state_restore(loaded, host_instance(b), NULL, NULL, 0, host_features(b));
	lilv_state_free(loaded);
	CU_ASSERT_TRUE(test_run_until(b, 256, test_cond_status_after, &before, NULL, 0, NULL));
	float y[256];
	for (unsigned i = 0, n = test_fade_frames(b) / 256 + 4; i < n; ++i) {
		test_run_stereo(b, 256, y);
	}
	float        silent;
	const double fb = key_hz(b, 66, &peak);
	key_hz(b, 63, &silent);
	printf("  state round trip: F#4 %.4f Hz saved, %.4f Hz restored; D#4 peak %.2g; scale %s\n", fa, fb,
	       (double)silent, host_last_value(b, SCALE_FILE) ? host_last_value(b, SCALE_FILE) : "(none)");
	CU_ASSERT(cents(fa, 440.0 / 1.5 * 1.25) < 0.01);
	CU_ASSERT(cents(fb, fa) < 0.001);
	CU_ASSERT(silent < 1e-4f);
	host_free(a);
	host_free(b);
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf %s", state_dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static int
make_dir(void)
{
	return temp_dir_make(dir, sizeof dir, "tuning");
}

static int
remove_dir(void)
{
	return temp_dir_remove(dir);
}

int
suite_tuning(void)
{
	CU_pSuite s = CU_add_suite("tuning: Scala files and the tuning ports, from the audio", make_dir, remove_dir);
	return !s ||
	       !CU_add_test(s, "a scale and a keyboard map play their pitches within 0.01 cent",
	                    test_scale_and_map_play_their_pitches) ||
	       !CU_add_test(s, "tune_key 69 at 432 Hz: A4 = 432 Hz", test_ports_set_the_reference) ||
	       !CU_add_test(s, "a broken scale: file, line and column; the tuning plays on",
	                    test_broken_file_changes_nothing) ||
	       !CU_add_test(s, "a saved state brings the scale and map back", test_state_keeps_the_tuning) ||
	       !CU_add_test(s, "a held note glides to a new tuning without a click", test_held_note_glides_to_the_new_tuning);
}
