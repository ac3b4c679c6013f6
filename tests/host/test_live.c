/* SPDX-License-Identifier: ISC
 *
 * Live sets through the plugin (issue 15, item 2): a patch:Set of
 * chronus:set ("module.param value") moves one parameter of the playing
 * patch at the event's frame, through its smoothing, with no rebuild; the
 * patch then plays what a patch built with that `set` plays; the set is in
 * the saved state's text and survives a rebuild, even one that was under
 * way when the set came; a bad set is refused with the parser's words and
 * the patch plays on untouched.
 */
#define _GNU_SOURCE
#include "click.h"
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 256u
#define SET   CHRONUS_URI "#set"

static const char* const patch_text =
	"patch \"Live Set\"\ncreate o sine\ncreate a vca\nconnect o a\nset a.gain 0.5\nout a\n";
static const char* const patch_quarter =
	"patch \"Live Set\"\ncreate o sine\ncreate a vca\nconnect o a\nset a.gain 0.25\nout a\n";

static Host*
live_host(const char* text)
{
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	if (h) {
		host_set_control(h, "limiter", 0.0f);
		if (!test_load_patch(h, text)) {
			host_free(h);
			return NULL;
		}
	}
	return h;
}

static void
send_set(Host* h, uint32_t frame, const char* text)
{
	host_patch_set(h, frame, SET, false, text, (uint32_t)strlen(text) + 1);
}

static bool
status_has(Host* h, const void* needle)
{
	const unsigned n = host_status_count(h);
	return n && strstr(host_status(h, n - 1), (const char*)needle);
}

static float
max_diff(const float* a, const float* b, size_t n)
{
	float m = 0.0f;
	for (size_t i = 0; i < n; ++i) {
		m = fmaxf(m, fabsf(a[i] - b[i]));
	}
	return m;
}

/* Two hosts on the same patch play the same samples; the one that gets the
 * set departs at its frame, not before, and ends where a patch built with
 * the set plays, with no build in between. */
static void
test_set_moves_one_parameter_at_its_frame(void)
{
	Host* a = live_host(patch_text);
	Host* b = live_host(patch_text);
	Host* c = live_host(patch_quarter);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	enum { N = BLOCK * 200, AT = BLOCK * 20 + 100 };
	float* ya = calloc(N, sizeof(float));
	float* yb = calloc(N, sizeof(float));
	float* yc = calloc(N, sizeof(float));
	host_note_on(a, 0, 69, 100);
	host_note_on(b, 0, 69, 100);
	host_note_on(c, 0, 69, 100);
	const float    slot   = host_get_control(a, "active_slot");
	const unsigned before = host_status_count(a);
	for (size_t f = 0; f < N; f += BLOCK) {
		if (f == AT - AT % BLOCK) {
			send_set(a, AT % BLOCK, "a.gain 0.25");
		}
		host_run(a, BLOCK, ya + f, NULL);
		host_run(b, BLOCK, yb + f, NULL);
		host_run(c, BLOCK, yc + f, NULL);
	}
	size_t first = 0;
	while (first < N && ya[first] == yb[first]) {
		++first;
	}
	const float end_diff = max_diff(ya + N - 4800, yc + N - 4800, 4800);
	const double level   = 20.0 * log10(test_rms(ya + N - 4800, 4800) / test_rms(yb + N - 4800, 4800));
	printf("\n  live set at frame %d: first differing sample %zu; afterwards %.2f dB; max difference from a "
	       "patch built with the set %.2e\n",
	       AT, first, level, (double)end_diff);
	/* Through the parameter's smoothing: a jump of the gain by half would
	 * be a step on the sine. */
	const double click = click_metric_around(ya, N, AT, 4800, 4096);
	printf("  click metric of the set %.3f (bound %.1f)\n", click, CLICK_BOUND_PARAM_JUMP);
	CU_ASSERT(click < CLICK_BOUND_PARAM_JUMP);
	CU_ASSERT(first >= AT && first <= AT + 1);
	CU_ASSERT(fabs(level + 6.0206) < 0.01);
	CU_ASSERT(end_diff < 1e-6f);
	/* No build: the same slot plays, and the status says what was set. */
	CU_ASSERT(host_get_control(a, "active_slot") == slot);
	CU_ASSERT(test_run_until(a, BLOCK, status_has, "set a.gain 0.25", NULL, 0, NULL));
	for (unsigned i = before; i < host_status_count(a); ++i) {
		CU_ASSERT_PTR_NULL(strstr(host_status(a, i), "primed"));
	}
	free(ya);
	free(yb);
	free(yc);
	host_free(a);
	host_free(b);
	host_free(c);
}

/* The saved state's text: the set's line rewritten (not a second line). */
static char*
saved_text(Host* h)
{
	char dir[] = "/tmp/chronus-live-XXXXXX";
	if (!mkdtemp(dir)) {
		return NULL;
	}
	LilvState* st = lilv_state_new_from_instance(host_plugin(h), host_instance(h), host_map(h), NULL, NULL, NULL,
	                                             dir, test_state_get_port, h, 0, NULL);
	char* text = NULL;
	if (st) {
		lilv_state_save(host_world(h), host_map(h), host_unmap(h), st, NULL, dir, "state.ttl");
		lilv_state_free(st);
		char path[128];
		snprintf(path, sizeof path, "%s/state.ttl", dir);
		FILE* f = fopen(path, "r");
		if (f) {
			text = calloc(1, 1 << 17);
			if (text && fread(text, 1, (1 << 17) - 1, f) == 0) {
				text[0] = '\0';
			}
			fclose(f);
			unlink(path);
		}
		snprintf(path, sizeof path, "%s/manifest.ttl", dir);
		unlink(path);
	}
	rmdir(dir);
	return text;
}

static size_t
count(const char* hay, const char* needle)
{
	size_t n = 0;
	for (const char* p = hay; (p = strstr(p, needle)); p += strlen(needle)) {
		++n;
	}
	return n;
}

static bool
text_saved_has(Host* h, const void* needle)
{
	char*      t  = saved_text(h);
	const bool ok = t && strstr(t, (const char*)needle);
	free(t);
	return ok;
}

/* Remembered: the saved text has it (once), a rebuild keeps it, and a
 * rebuild that was under way when it came gets it as it swaps in. */
static void
test_set_is_remembered(void)
{
	Host* a = live_host(patch_text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	host_note_on(a, 0, 69, 100);
	send_set(a, 0, "set a.gain 0.25"); /* a leading `set` is allowed */
	CU_ASSERT_FATAL(test_run_until(a, BLOCK, status_has, "set a.gain 0.25", NULL, 0, NULL));
	char* t = saved_text(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(count(t, "set a.gain"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "set a.gain 0.25"));
	free(t);

	/* A new parameter's line is added; a rebuild (polyphony) plays both. */
	send_set(a, 0, "o.fine 50");
	CU_ASSERT_FATAL(test_run_until(a, BLOCK, status_has, "set o.fine 50", NULL, 0, NULL));
	const unsigned before = host_status_count(a);
	host_set_control(a, "polyphony", 8.0f);
	CU_ASSERT_FATAL(test_run_until(a, BLOCK, test_cond_status_after, &before, NULL, 0, NULL));
	float y[9600];
	test_render(a, y, 9600, BLOCK); /* past the crossfade */
	test_render(a, y, 9600, BLOCK);
	const double f = test_frequency(y, 9600, TEST_RATE);
	printf("\n  after a rebuild: %.2f Hz (440 Hz + 50 cents = %.2f)\n", f, 440.0 * pow(2.0, 50.0 / 1200.0));
	CU_ASSERT(fabs(f - 440.0 * pow(2.0, 50.0 / 1200.0)) < 0.05);
	CU_ASSERT(test_all_finite(y, 9600));
	CU_ASSERT(text_saved_has(a, "set o.fine 50"));

	/* A new patch is asked for and held at the worker's gate; a set made
	 * meanwhile applies to what plays and, as the new patch (built from
	 * its own text, without the set) swaps in, to it too, and is written
	 * into its text. */
	host_worker_hold(a);
	static const char next[] = "patch \"Next\"\ncreate o sine\ncreate a vca\nconnect o a\nset a.gain 0.25\nout a\n";
	host_patch_set(a, 0, CHRONUS_URI "#patchText", false, next, (uint32_t)sizeof next);
	host_run(a, BLOCK, y, NULL);
	const double deadline = host_now() + TEST_WAIT_SECONDS;
	while (host_worker_waiting(a) < 1 && host_now() < deadline) {
		host_run(a, BLOCK, y, NULL); /* until the request waits at the gate */
	}
	CU_ASSERT_FATAL(host_worker_waiting(a) >= 1);
	send_set(a, 0, "o.fine 30");
	host_run(a, BLOCK, y, NULL);
	host_worker_release(a);
	CU_ASSERT_FATAL(test_run_until(a, BLOCK, test_cond_playing, "Next", NULL, 0, NULL));
	test_render(a, y, 9600, BLOCK); /* past the crossfade */
	test_render(a, y, 9600, BLOCK);
	const double f30 = test_frequency(y, 9600, TEST_RATE);
	printf("  a set made while a new patch was being built, in it: %.2f Hz (+30 cents: %.2f)\n", f30,
	       440.0 * pow(2.0, 30.0 / 1200.0));
	CU_ASSERT(fabs(f30 - 440.0 * pow(2.0, 30.0 / 1200.0)) < 0.05);
	CU_ASSERT(test_run_until(a, BLOCK, text_saved_has, "set o.fine 30", NULL, 0, NULL));
	CU_ASSERT(text_saved_has(a, "Next"));
	host_free(a);
}

/* Refused with the parser's words; the patch plays on, sample for sample
 * as a host that got nothing. */
static void
test_bad_sets_are_refused(void)
{
	static const struct {
		const char* set;
		const char* says;
	} cases[] = {
		{"vcff.cutoff 800", "unknown module 'vcff'"},
		{"a.gian 0.3", "did you mean 'gain'"},
		{"a.gain 7", "out of range"},
		{"a.gain loud", "a.gain loud"},
		{"hello", "is not a setting"},
		{"a.gain", "is not a setting"},
	};
	Host* a = live_host(patch_text);
	Host* b = live_host(patch_text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	host_note_on(a, 0, 69, 100);
	host_note_on(b, 0, 69, 100);
	float ya[BLOCK], yb[BLOCK];
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
		send_set(a, 10, cases[i].set);
		bool same = true;
		for (unsigned k = 0; k < 4; ++k) {
			host_run(a, BLOCK, ya, NULL);
			host_run(b, BLOCK, yb, NULL);
			same &= max_diff(ya, yb, BLOCK) == 0.0f;
		}
		CU_ASSERT(same);
		const bool said = test_run_until(a, BLOCK, status_has, cases[i].says, NULL, 0, NULL);
		/* b follows a block for block, so the two stay comparable */
		printf("%s  '%s' -> \"%s\"\n", i ? "" : "\n", cases[i].set,
		       host_status_count(a) ? host_status(a, host_status_count(a) - 1) : "");
		CU_ASSERT(said);
		host_free(b);
		b = live_host(patch_text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		host_free(a);
		a = live_host(patch_text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		host_note_on(a, 0, 69, 100);
		host_note_on(b, 0, 69, 100);
	}
	char* t = saved_text(a);
	CU_ASSERT(t && !strstr(t, "vcff"));
	free(t);
	host_free(a);
	host_free(b);
}

int
suite_live(void)
{
	CU_pSuite s = CU_add_suite("live: one parameter of the playing patch, without a rebuild", NULL, NULL);
	return !s || !CU_add_test(s, "a set moves its parameter at its frame, as the patch with it plays",
	                          test_set_moves_one_parameter_at_its_frame) ||
	       !CU_add_test(s, "a set is remembered: saved text, rebuilds, a rebuild under way",
	                    test_set_is_remembered) ||
	       !CU_add_test(s, "bad sets are refused in the parser's words; the patch plays on", test_bad_sets_are_refused);
}
