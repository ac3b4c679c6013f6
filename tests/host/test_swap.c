/* SPDX-License-Identifier: ISC
 *
 * The two-slot engine through lilv: patches built and primed by the worker
 * (a real thread, an inline one, one that answers on its own thread while
 * run() runs, one that refuses work, none at all), crossfaded in without a
 * click or a hole, the newest request winning, and no parameter change lost
 * while the worker is slow. Every wait for the worker is for a condition
 * with a wall-clock bound (docs/testing.md), never for a time or a number
 * of blocks.
 */
#include "click.h"
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"

#include <lv2/atom/atom.h>
#include <lv2/state/state.h>

#include <CUnit/CUnit.h>

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PATCH_TEXT CHRONUS_URI "#patchText"

/* A sine patch at a transposition, with macro 1 on its level. */
static char*
sine_patch(int transpose, const char* title)
{
	char* text = malloc(1024);
	snprintf(text, 1024,
	         "patch \"%s\"\n"
	         "create osc sine\ncreate env adsr\ncreate amp vca\n"
	         "connect osc amp\nconnect env amp.gain\n"
	         "set osc.pitch %d\nset osc.level 0.3\nset amp.velocity 1\n"
	         "set env.attack 5\nset env.sustain 1\nset env.release 50\n"
	         "macro 1 osc.level 0 0.6\n"
	         "out amp\n",
	         title, transpose);
	return text;
}

/* The test chord: G5 loud and G6 soft, swapped for one a twelfth (19
 * semitones) up. Its 64-frame windows never dip below 0.97 of its RMS in any
 * phase, steady or mid-fade (simulated, 2000 cases), whereas low or close
 * chords dip by beating alone (a C major triad to 0.12, a C4 octave started
 * in phase to 0.22): so a window under a quarter of the RMS can only come
 * from the swap itself. */
static void
hold_chord(Host* h)
{
	host_note_on(h, 0, 79, 127);
	host_note_on(h, 0, 91, 50);
}

static unsigned
windows_below(const float* y, size_t from, size_t to, double floor_rms)
{
	unsigned n = 0;
	for (size_t i = from; i + 64 <= to; i += 64) {
		n += test_rms(y + i, 64) < floor_rms;
	}
	return n;
}

/* Renders with a swap requested at `at` (block-aligned). From the request
 * until the plugin answers it (its status), the worker is let finish after
 * each block (host_settle, bounded by wall-clock time), as a host's worker
 * does between two cycles: the swap then starts at a known block on any
 * machine, however loaded, instead of wherever a timed wait lets it. */
static void
render_with_request(Host* h, float* y, size_t n, size_t at, uint32_t block, const char* text)
{
	unsigned before  = host_status_count(h);
	bool     waiting = false;
	for (size_t pos = 0; pos < n; pos += block) {
		const uint32_t m = (uint32_t)(n - pos < block ? n - pos : block);
		if (text && pos <= at && at < pos + m) {
			host_patch_set(h, (uint32_t)(at - pos), PATCH_TEXT, false, text, (uint32_t)strlen(text));
			before  = host_status_count(h);
			waiting = true;
		}
		test_run_stereo(h, m, y + pos);
		if (waiting && host_status_count(h) > before) {
			waiting = false;
		}
		if (waiting) {
			CU_ASSERT_TRUE(host_settle(h));
		}
	}
}

static void
check_swap(HostWorkerMode mode, uint32_t block, const char* label)
{
	Host* h = test_host(mode, block);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	char* a = sine_patch(0, "A");
	char* b = sine_patch(19, "B");
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, a));
	hold_chord(h);
	enum { N = 48000 * 2, AT = 48000 };
	float* y = calloc(N, sizeof(float));
	render_with_request(h, y, N, AT, block, b);
	/* Where did the fade happen? Find it from the pitch change. */
	const double fa = test_frequency(y + 24000, 12000, TEST_RATE);
	const double fb = test_frequency(y + N - 12000, 12000, TEST_RATE);
	CU_ASSERT(fa > 0 && fb > 0);
	const double steady_a = test_rms(y + 24000, 24000);
	const double steady_b = test_rms(y + N - 24000, 24000);
	const double floor    = 0.25 * fmin(steady_a, steady_b);
	const unsigned holes  = windows_below(y, AT, AT + 4800, floor); /* the swap's 100 ms */
	/* The swap lies between the request and 0.1 s after it. */
	const double m = click_metric_around(y, N, AT, 4800 + 1440, 12000);
	printf("\n  %s, block %u: click metric %.3f (bound %.2f), 64-frame windows below 1/4 RMS: %u\n", label,
	       block, m, CLICK_BOUND_SWAP, holes);
	CU_ASSERT(m <= CLICK_BOUND_SWAP);
	CU_ASSERT_EQUAL(holes, 0u);
	CU_ASSERT(test_all_finite(y, N));
	/* And the new patch is the one playing: the chord a fifth up. */
	const char* now = host_last_value(h, PATCH_TEXT);
	CU_ASSERT(now && strstr(now, "\"B\""));
	if (!(now && strstr(now, "\"B\""))) {
		fprintf(stderr, "\n  patch text now: %.40s\n", now ? now : "(none)");
	}
	CU_ASSERT_EQUAL(host_get_control(h, "error"), 0.0f);
	free(y);
	free(a);
	free(b);
	host_free(h);
}

static void
test_swap_threaded(void)
{
	check_swap(HOST_WORKER_THREAD, 256, "threaded worker");
}

static void
test_swap_inline_block_sizes(void)
{
	check_swap(HOST_WORKER_INLINE, 1, "inline worker");
	check_swap(HOST_WORKER_INLINE, 64, "inline worker");
	check_swap(HOST_WORKER_INLINE, 4096, "inline worker");
}

static void
test_swap_concurrent_response(void)
{
	check_swap(HOST_WORKER_CONCURRENT, 128, "work_response on the worker thread");
}

/* A patch with an error changes nothing: the audio is sample-identical to
 * a run without the request, and the error names its line. */
static void
test_rejected_patch_leaves_audio_alone(void)
{
	enum { N = 48000 };
	float* ref = calloc(N, sizeof(float));
	float* out = calloc(N, sizeof(float));
	for (int pass = 0; pass < 2; ++pass) {
		Host* h = test_host(HOST_WORKER_INLINE, 256);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		hold_chord(h);
		render_with_request(h, pass ? out : ref, N, 12000, 256,
		                    pass ? "create osc sawtooth\nout osc\n" : NULL);
		if (pass) {
			CU_ASSERT_EQUAL(host_get_control(h, "error"), 1.0f);
			const char* st = host_status_count(h) ? host_status(h, host_status_count(h) - 1) : "";
			CU_ASSERT_PTR_NOT_NULL(strstr(st, "line 1, col"));
			CU_ASSERT_PTR_NOT_NULL(strstr(st, "did you mean 'saw'"));
			if (!strstr(st, "did you mean 'saw'")) {
				fprintf(stderr, "\n  status: %s\n", st);
			}
		}
		host_free(h);
	}
	CU_ASSERT(test_peak(ref, N) > 0.05f);
	CU_ASSERT_EQUAL(memcmp(ref, out, N * sizeof(float)), 0);
	free(ref);
	free(out);
}

/* 1000 swaps in a row, alternating two patches, with a chord held. */
static void
test_thousand_swaps(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	char* p[2] = {sine_patch(0, "even"), sine_patch(19, "odd")};
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, p[0]));
	hold_chord(h);
	float    y[256 * 10];
	unsigned silent_windows = 0, primed = 0;
	double   floor = 0.0;
	for (unsigned i = 0; i < 1000; ++i) {
		const char* text = p[(i + 1) % 2];
		host_patch_set(h, 17, PATCH_TEXT, false, text, (uint32_t)strlen(text));
		test_run_stereo(h, 256, y);
		CU_ASSERT_TRUE_FATAL(host_settle(h)); /* built: the swap starts in the next block */
		for (unsigned b = 1; b < 10; ++b) { /* 30 ms fade within these blocks */
			test_run_stereo(h, 256, y + 256 * b);
		}
		if (i == 0) {
			floor = 0.25 * test_rms(y, 256);
		}
		silent_windows += windows_below(y, 0, sizeof(y) / sizeof(y[0]), floor);
		CU_ASSERT_FATAL(test_all_finite(y, sizeof(y) / sizeof(y[0])));
	}
	for (unsigned k = 0; k < host_status_count(h); ++k) {
		primed += strstr(host_status(h, k), "primed") != NULL;
	}
	printf("\n  1000 swaps: %u primed, %u windows below 1/4 RMS\n", primed, silent_windows);
	CU_ASSERT(primed >= 1000);
	CU_ASSERT_EQUAL(silent_windows, 0u);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(h, PATCH_TEXT), "\"even\""));
	free(p[0]);
	free(p[1]);
	host_free(h);
}

/* A burst of 1000 requests within one second of audio: the last one
 * plays, the superseded ones are skipped, run() keeps producing audio
 * throughout. How many the worker builds during the burst depends on the
 * machine; that the last one is answered does not: the test waits for it
 * (TEST_WAIT_SECONDS), never for a number of blocks. */
static void
test_burst_latest_wins(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 48);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	hold_chord(h);
	float* y = calloc(48000, sizeof(float));
	for (unsigned i = 0; i < 1000; ++i) {
		char* text = sine_patch((int)(i % 12) - 6, i == 999 ? "last" : "burst");
		host_patch_set(h, 0, PATCH_TEXT, false, text, (uint32_t)strlen(text));
		free(text);
		test_run_stereo(h, 48, y + 48 * i);
	}
	CU_ASSERT_TRUE(test_run_until(h, 48, test_cond_playing, "last", NULL, 0, NULL));
	float* tail = calloc(48000, sizeof(float));
	test_render_stereo(h, tail, test_fade_frames(h), 48); /* the last crossfade */
	test_render_stereo(h, tail, 4800, 48);
	unsigned primed = 0;
	for (unsigned k = 0; k < host_status_count(h); ++k) {
		primed += strstr(host_status(h, k), "primed") != NULL;
	}
	printf("\n  burst of 1000 requests: %u built and swapped in, the rest superseded\n", primed);
	/* A swap lasts a crossfade (30 blocks here), so most requests must
	 * have been superseded, and the last one swapped in. */
	CU_ASSERT(primed >= 1 && primed < 1000);
	CU_ASSERT(test_cond_playing(h, "last"));
	CU_ASSERT_EQUAL(host_get_control(h, "error"), 0.0f);
	/* The chord never stopped. */
	CU_ASSERT_EQUAL(windows_below(y, 4800, 48000, 0.01), 0u);
	CU_ASSERT(test_rms(tail, 4800) > 0.05);
	free(tail);
	free(y);
	host_free(h);
}

/* Waits (without running) until `n` work() calls wait at the held gate. */
static bool
worker_waits(Host* h, unsigned n)
{
	const double deadline = host_now() + TEST_WAIT_SECONDS;
	while (host_worker_waiting(h) < n) {
		if (host_now() > deadline) {
			return false;
		}
		nanosleep(&(struct timespec){0, 200000}, NULL);
	}
	return true;
}

/* The worker is held (the host's gate, not a timed sleep) while macro 1
 * moves after the request was taken: the new patch must come in with the
 * new value, though it was built with the old one. */
static void
test_no_lost_parameter_change(void)
{
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.rate        = TEST_RATE;
	cfg.max_block   = 256;
	cfg.quiet       = true;
	cfg.hold_worker = true;
	Host* h         = test_host_with(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_set_control(h, "macro1", 0.1f);
	host_note_on(h, 0, 69, 127);
	float y[256];
	test_run_stereo(h, 256, y);
	char* text = sine_patch(0, "slow");
	host_patch_set(h, 0, PATCH_TEXT, false, text, (uint32_t)strlen(text));
	test_run_stereo(h, 256, y);
	CU_ASSERT_TRUE_FATAL(worker_waits(h, 1)); /* the request is with the worker */
	host_set_control(h, "macro1", 1.0f);      /* while the worker is held */
	test_run_stereo(h, 256, y);
	test_run_stereo(h, 256, y);
	CU_ASSERT_FALSE(test_cond_playing(h, "slow"));
	host_worker_release(h);
	CU_ASSERT_TRUE(test_run_until(h, 256, test_cond_playing, "slow", NULL, 0, NULL));
	float tail[9600];
	test_render_stereo(h, tail, test_fade_frames(h), 256);
	test_render_stereo(h, tail, 9600, 256);
	/* macro 1 at 1.0 → level 0.6; at 0.1 it would be 0.06. */
	const float peak = test_peak(tail, 9600);
	printf("\n  macro changed while the worker was held: new patch peak %.3f (0.6 expected, 0.06 if lost)\n",
	       peak);
	CU_ASSERT(peak > 0.5f && peak < 0.7f);
	free(text);
	host_free(h);
}

/* schedule_work refuses every second call: requests wait and are retried. */
static void
test_no_space_is_retried(void)
{
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.max_block    = 256;
	cfg.refuse_every = 2;
	cfg.quiet        = true;
	Host* h          = host_new(&cfg, chronus_uri, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	char* text = sine_patch(3, "retried");
	float y[256];
	for (unsigned i = 0; i < 5; ++i) {
		host_patch_set(h, 0, PATCH_TEXT, false, text, (uint32_t)strlen(text));
		test_run_stereo(h, 256, y);
		CU_ASSERT_TRUE(host_settle(h));
	}
	CU_ASSERT_TRUE(test_run_until(h, 256, test_cond_playing, "retried", NULL, 0, NULL));
	CU_ASSERT(host_refused(h) > 0);
	free(text);
	host_free(h);
}

/* The host's response ring is full (respond() answers "no space", as
 * jalv's does when its ring is full): the newest build is still answered,
 * not dropped, so the request is not lost. */
static void
test_respond_no_space_keeps_the_build(void)
{
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.rate                 = TEST_RATE;
	cfg.max_block            = 256;
	cfg.quiet                = true;
	cfg.refuse_respond_every = 1; /* every response refused */
	Host* h                  = test_host_with(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	char* text = sine_patch(5, "answered");
	host_patch_set(h, 0, PATCH_TEXT, false, text, (uint32_t)strlen(text));
	CU_ASSERT_TRUE(test_run_until(h, 256, test_cond_playing, "answered", NULL, 0, NULL));
	free(text);
	host_free(h);
}

/* A restore() on another thread with no worker feature (Ardour loading a
 * session) builds on that thread. Here it reads its patch file from a
 * FIFO, so it holds its generation, older than a patch:Set that comes
 * meanwhile, until the test writes the patch: the newer patch swaps in
 * first, and the restore finishing late must not replace it (latest wins
 * across both paths). Deterministic: no timing decides the order. */
typedef struct {
	Host*       host;
	const char* fifo;
	LV2_URID    key_file, type_path;
} LateRestore;

static const void*
late_retrieve(LV2_State_Handle handle, uint32_t key, size_t* size, uint32_t* type, uint32_t* flags)
{
	const LateRestore* r = (const LateRestore*)handle;
	if (key != r->key_file) {
		return NULL;
	}
	*size  = strlen(r->fifo) + 1;
	*type  = r->type_path;
	*flags = LV2_STATE_IS_POD;
	return r->fifo;
}

static void*
late_restore_main(void* arg)
{
	LateRestore*               r     = (LateRestore*)arg;
	const LV2_Feature*         none[] = {NULL};
	const LV2_State_Interface* iface  = (const LV2_State_Interface*)lilv_instance_get_extension_data(
		host_instance(r->host), LV2_STATE__interface);
	iface->restore(lilv_instance_get_handle(host_instance(r->host)), late_retrieve, r, 0, none);
	return NULL;
}

static void
test_late_restore_does_not_replace_a_newer_patch(void)
{
	char dir[] = "/tmp/chronus-late-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	char fifo[256];
	snprintf(fifo, sizeof(fifo), "%s/patch.fifo", dir);
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	LV2_URID_Map* map = host_map(h);
	LateRestore   r   = {h, fifo, map->map(map->handle, CHRONUS_URI "#patchFile"),
	                     map->map(map->handle, LV2_ATOM__Path)};
	pthread_t thread;
	pthread_create(&thread, NULL, late_restore_main, &r);
	/* The restore takes its generation, then waits in fopen() for a
	 * writer; wait until it is there (the FIFO has a reader then). A newer
	 * request then comes, is built and swaps in. */
	float y[256];
	char* newer = sine_patch(7, "newer");
	int   wfd   = -1;
	const double until = host_now() + TEST_WAIT_SECONDS;
	while (wfd < 0 && host_now() < until) {
		wfd = open(fifo, O_WRONLY | O_NONBLOCK); /* fails (ENXIO) until a reader opened it */
		if (wfd < 0) {
			nanosleep(&(struct timespec){0, 200000}, NULL);
		}
	}
	CU_ASSERT_FATAL(wfd >= 0);
	CU_ASSERT_TRUE(test_load_patch(h, newer));
	CU_ASSERT_TRUE(test_cond_playing(h, "newer"));
	/* Now the old restore finishes: its patch is built and published. */
	char* stale = sine_patch(-7, "stale");
	const int flags = fcntl(wfd, F_GETFL);
	CU_ASSERT_EQUAL(fcntl(wfd, F_SETFL, flags & ~O_NONBLOCK), 0);
	CU_ASSERT_EQUAL(write(wfd, stale, strlen(stale)), (ssize_t)strlen(stale));
	close(wfd);
	pthread_join(thread, NULL);
	CU_ASSERT_TRUE(host_log_contains(h, "stale: primed")); /* it did build */
	/* Its outcome is in the mailbox now: the next block takes it; a
	 * fade's frames later, the newer patch must still be the one playing. */
	for (uint32_t done = 0, fade = 256 + test_fade_frames(h); done < fade; done += 256) {
		test_run_stereo(h, 256, y);
	}
	CU_ASSERT_TRUE(test_cond_playing(h, "newer"));
	for (unsigned k = 0; k < host_status_count(h); ++k) {
		CU_ASSERT_PTR_NULL(strstr(host_status(h, k), "stale"));
	}
	free(newer);
	free(stale);
	host_free(h);
	unlink(fifo);
	rmdir(dir);
}

/* No worker feature: the default patch plays; a patch request is answered
 * with a clear status instead of a crash. */
static void
test_without_worker(void)
{
	Host* h = test_host(HOST_WORKER_NONE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	char* text = sine_patch(0, "never");
	host_patch_set(h, 0, PATCH_TEXT, false, text, (uint32_t)strlen(text));
	host_note_on(h, 0, 60, 100);
	float y[4800];
	test_render_stereo(h, y, 4800, 256);
	CU_ASSERT(test_peak(y, 4800) > 0.05f);
	CU_ASSERT(host_status_count(h) >= 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_status(h, 0), "worker"));
	free(text);
	host_free(h);
}

int
suite_swap(void)
{
	CU_pSuite s = CU_add_suite("swap", NULL, NULL);
	return !s || !CU_add_test(s, "swap with a threaded worker: no click, no hole", test_swap_threaded) ||
	       !CU_add_test(s, "swap with an inline worker at blocks 1, 64, 4096", test_swap_inline_block_sizes) ||
	       !CU_add_test(s, "work_response on another thread while run() runs", test_swap_concurrent_response) ||
	       !CU_add_test(s, "a rejected patch leaves the audio sample-identical", test_rejected_patch_leaves_audio_alone) ||
	       !CU_add_test(s, "1000 swaps in a row with held notes", test_thousand_swaps) ||
	       !CU_add_test(s, "a burst of 1000 requests: the last one wins", test_burst_latest_wins) ||
	       !CU_add_test(s, "a parameter change during a slow build is kept", test_no_lost_parameter_change) ||
	       !CU_add_test(s, "schedule_work 'no space' is retried", test_no_space_is_retried) ||
	       !CU_add_test(s, "respond 'no space' does not lose the build", test_respond_no_space_keeps_the_build) ||
	       !CU_add_test(s, "a restore that finishes late does not replace a newer patch",
	                    test_late_restore_does_not_replace_a_newer_patch) ||
	       !CU_add_test(s, "without a worker: plays, reports unsupported", test_without_worker);
}
