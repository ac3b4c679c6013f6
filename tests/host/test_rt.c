/* SPDX-License-Identifier: ISC
 *
 * Real-time safety, proven: run under the preloaded guard (tests/rt), the
 * plugin's run(), work_response() and end_run() make no call to malloc,
 * free, locks, waits or stdio while notes, knob moves, polyphony changes,
 * 100 swaps (mono and stereo patches in turn), rejected patches,
 * patch:Get, malformed events, program (factory preset) changes and state
 * restores go by, with every kind of worker, and a UI's messages flowing
 * (its scope on two thirds of the time, patch:Get as a UI opening sends
 * it; the scope data and graphs that came back are counted).
 * restore() itself runs between blocks, unguarded, as on a host's GUI
 * thread. `./waf test` runs this suite with LD_PRELOAD.
 * The guard is proven first: a probe plugin (tests/rt/rt_probe.c, its own
 * bundle, on the LV2_PATH of the real-time step only) makes each forbidden
 * call from inside its run(), loaded through lilv like Chronus, and each
 * must be counted, under its own name; a thread the probe starts in run()
 * is counted for its whole life.
 */
#define _GNU_SOURCE
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"
#include "rt_guard.h"
#include "rt_probe.h"
#include "lv2/ardour_inline.h"

#include <CUnit/CUnit.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef unsigned long (*CountFn)(void);
typedef const char* (*FirstFn)(void);
typedef void (*VoidFn)(void);
typedef unsigned long (*CountOfFn)(const char*);

static CountFn guard_count;
static FirstFn guard_first;
static VoidFn  guard_reset, guard_enter, guard_leave;
static CountOfFn guard_count_of;
static CountFn   guard_inherited;

static bool
find_guard(void)
{
	guard_count = (CountFn)dlsym(RTLD_DEFAULT, "rt_guard_violations");
	guard_first = (FirstFn)dlsym(RTLD_DEFAULT, "rt_guard_first");
	guard_reset = (VoidFn)dlsym(RTLD_DEFAULT, "rt_guard_reset");
	guard_enter = (VoidFn)dlsym(RTLD_DEFAULT, "rt_guard_enter");
	guard_leave = (VoidFn)dlsym(RTLD_DEFAULT, "rt_guard_leave");
	guard_count_of  = (CountOfFn)dlsym(RTLD_DEFAULT, "rt_guard_count_of");
	guard_inherited = (CountFn)dlsym(RTLD_DEFAULT, "rt_guard_inherited");
	return guard_count && guard_first && guard_reset && guard_enter && guard_leave && guard_count_of &&
	       guard_inherited;
}

/* The guard must be there and must catch a malloc, or a zero proves nothing. */
static void
test_guard_is_active(void)
{
	CU_ASSERT_TRUE_FATAL(find_guard());
	guard_reset();
	guard_enter();
	void* volatile p = malloc(16);
	free(p);
	guard_leave();
	CU_ASSERT_EQUAL(guard_count(), 2ul);
	CU_ASSERT_STRING_EQUAL(guard_first(), "malloc");
	guard_reset();
}

static const char* const probe_calls[] = {
#define PROBE_NAME(name) #name,
	RT_PROBE_CALLS(PROBE_NAME)
#undef PROBE_NAME
};

/* Polls (without running the probe) until its run()'s thread has made its
 * call: generous, for a loaded machine. */
static bool
wait_for_child(void)
{
	for (unsigned i = 0; i < 20000; ++i) {
		if (guard_inherited() > 0 && guard_count_of(RT_PROBE_CHILD_CALL) > 0) {
			return true;
		}
		const struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	return false;
}

/* Each forbidden call, made by the probe plugin's run() through lilv, is
 * counted under its name; nothing is counted when it calls nothing. */
static void
test_guard_catches_every_call_in_run(void)
{
	CU_ASSERT_TRUE_FATAL(find_guard());
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.max_block = 64;
	cfg.worker    = HOST_WORKER_NONE;
	cfg.quiet     = true;
	char  err[512];
	Host* h = host_new(&cfg, RT_PROBE_URI, err, sizeof(err));
	if (!h) {
		printf("\n  %s (the real-time step adds build/rt_probe to LV2_PATH)\n", err);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	float y[64];
	guard_reset();
	CU_ASSERT_TRUE(host_set_control(h, "call", 0.0f));
	host_run(h, 64, y, NULL);
	CU_ASSERT_EQUAL(guard_count(), 0ul);

	const unsigned n = sizeof(probe_calls) / sizeof(probe_calls[0]);
	unsigned       caught = 0;
	for (unsigned i = 0; i < n; ++i) {
		guard_reset();
		host_set_control(h, "call", (float)(i + 1));
		host_run(h, 64, y, NULL);
		bool ok = guard_count_of(probe_calls[i]) >= 1;
		if (!strcmp(probe_calls[i], "pthread_create")) {
			/* The child's call is attributed to run() though it runs on
			 * another thread, after run() has returned. */
			ok = ok && wait_for_child();
		}
		if (ok) {
			++caught;
		} else {
			printf("\n  the guard missed %s() made in run() (%lu calls counted, first %s)\n", probe_calls[i],
			       guard_count(), guard_first());
		}
		CU_ASSERT_TRUE(ok);
	}
	printf("\n  %u of %u forbidden calls made in a plugin's run() caught by the guard\n", caught, n);
	CU_ASSERT_EQUAL(caught, n);
	/* Outside run() the same calls count nothing. */
	guard_reset();
	host_set_control(h, "call", 0.0f);
	void* volatile p = malloc(16);
	free(p);
	CU_ASSERT_EQUAL(guard_count(), 0ul);
	host_free(h);
}

/* The odd ones are stereo: voices placed by key and at random, through a
 * master drive that runs once per channel. */
static char*
patch_at(int transpose)
{
	char* t = malloc(4096);
	/* Every patch has the delay lines (pluck, comb, delay, the pluck
	 * zoned to the keys up to 70), the vowel filter, a key-tracked
	 * ladder highpass and a master LFO on every voice's cutoff. The even ones have an eq on the oscillator and end in
 * the master effects (compressor, chorus, an echo synced to the host's
 * tempo, a plate reverb, a brickwall limiter driven 6 dB); the odd
	 * ones are stereo by a pan (through a master drive) and also have an
	 * FM pair, noise and random and free start phases (per-note seeds),
	 * and play each note as a unison stack of 3 spread by note.unison (a
	 * swap between odd and even hands held notes between stacks and
	 * single voices).
	 * Every patch has a wavetable whose position the master LFO sweeps;
	 * the odd ones read its table from examples/wavetables/drawbars.wav
	 * (read in the worker, freed with the slot, never in run()). */
	const char* src = getenv("CHRONUS_SOURCE_DIR");
	char        wt[1024];
	snprintf(wt, sizeof wt, "create wt wavetable\nconnect wt vcf\nconnect wob wt.position 0.4\nset wt.table vocal\n"
	         "set wt.position 0.5\n%s%s%s",
	         transpose % 2 ? "wavetable wt \"" : "", transpose % 2 ? (src && *src ? src : ".") : "",
	         transpose % 2 ? "/examples/wavetables/drawbars.wav\" 256\n" : "");
	const int len = snprintf(t, 4096,
	         "patch \"rt %d\"\ncreate osc saw\ncreate vcf ladder\ncreate env adsr\ncreate amp vca\n"
	         "create str pluck\ncreate body comb\ncreate room delay\n" /* the delay lines too */
	         "connect osc vcf\nconnect vcf body\nconnect str body\nconnect body room\nconnect room amp\n"
	         "connect env amp.gain\nset osc.pitch %d\nset body.track note\nset room.feedback 0.6\n"
	         "create talk formant\nconnect osc talk\nconnect talk vcf\nconnect env talk.vowel 3\n"
	         "set vcf.mode highpass12\nset vcf.keytrack 1\nzone str 0 70\n"
	         "macro 1 vcf.cutoff 100 8000 exp\ncreate wob lfo master\nconnect wob vcf.cutoff 300\n%s%s%s",
	         transpose, transpose, wt,
	         transpose % 2 ? "create m op\ncreate c op\ncreate n noise\nconnect m c 2\nconnect c vcf\n"
	                         "connect n vcf\nset m.feedback 1\nset c.start free\nset osc.start random\n"
	                         "set n.level 0.1\n"
	                       : "",
	         transpose % 2 ? "create p pan\nset p.key 0.5\nset p.random 0.4\ncreate fx drive master\n"
	                         "connect amp fx\npan p\nunison 3 15\nconnect note.unison p.index\nset p.spread 0.7\n"
	                         "out fx\n"
	                       : "create verb reverb master\ncreate ens chorus master\ncreate dly echo master\n"
	                         "create glue comp master\ncreate tone eq\nconnect osc tone\nconnect tone vcf\n"
	                         "create swirl phaser master\nconnect amp glue\nconnect glue swirl\nconnect swirl ens\n"
	                         "connect ens dly\nconnect dly verb\nconnect ctl.tempo dly.tempo\n"
	                         "set dly.sync eighth\nset verb.decay 5\nset verb.type plate\n"
	                         "create wall brickwall master\nconnect verb wall\nset wall.gain 6\nout wall\n");
	CU_ASSERT(len > 0 && len < 4096); /* the whole patch, not cut short */
	return t;
}

/* Ardour's inline display as Ardour drives it: queue_draw offered (it
 * counts the calls run() makes), and render() called from a GUI thread of
 * its own, over and over, at several sizes, while run() plays. */
typedef struct {
	_Atomic unsigned draws;
	_Atomic bool     stop;
	unsigned         renders;
	LilvInstance*    instance;
} Gui;

static void
count_draw(LV2_Inline_Display_Handle handle)
{
	atomic_fetch_add_explicit(&((Gui*)handle)->draws, 1u, memory_order_relaxed);
}

static void*
gui_thread(void* arg)
{
	Gui*                                gui = arg;
	const LV2_Inline_Display_Interface* iface =
	    lilv_instance_get_extension_data(gui->instance, LV2_INLINEDISPLAY__interface);
	static const uint32_t sizes[][2] = {{80, 40}, {200, 100}, {200, 30}, {64, 200}};
	while (iface && !atomic_load(&gui->stop)) {
		const uint32_t* sz = sizes[gui->renders % 4u];
		if (iface->render(gui->instance->lv2_handle, sz[0], sz[1])) {
			++gui->renders;
		}
		nanosleep(&(struct timespec){0, 2000000}, NULL);
	}
	return NULL;
}

static void
drive(HostWorkerMode mode, unsigned refuse_every, const char* label)
{
	if (!find_guard()) {
		CU_FAIL_FATAL("the real-time guard is not preloaded");
	}
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.max_block    = 256;
	cfg.worker       = mode;
	cfg.refuse_every = refuse_every;
	cfg.quiet        = true;
	Gui                gui  = {0};
	LV2_Inline_Display idisp = {&gui, count_draw};
	const LV2_Feature  queue = {LV2_INLINEDISPLAY__queue_draw, &idisp};
	cfg.extra_feature = &queue;
	Host* h          = host_new(&cfg, chronus_uri, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	gui.instance = host_instance(h);
	pthread_t gui_tid;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&gui_tid, NULL, gui_thread, &gui), 0);
	float y[256], yr[256];
	bool  finite = true;
	guard_reset();
	for (unsigned i = 0; i < 100; ++i) {
		host_note_on(h, (i * 37) % 256, (uint8_t)(40 + i % 40), 100);
		if (i % 3 == 0) {
			host_note_off(h, 100, (uint8_t)(40 + (i + 20) % 40));
		}
		char* text = patch_at((int)(i % 7));
		host_patch_set(h, 50, CHRONUS_URI "#patchText", false, text, (uint32_t)strlen(text));
		free(text);
		/* Live sets: a voice parameter, a master one (only the even
		 * patches have it), a choice, and a bad one (the worker says why). */
		static const char* const sets[4] = {"vcf.cutoff 900", "verb.decay 2", "vcf.mode bandpass", "vcf.cutof 1"};
		for (unsigned k = 0; k < 4; ++k) {
			host_patch_set(h, 52 + k, CHRONUS_URI "#set", false, sets[(i + k) % 4], (uint32_t)strlen(sets[(i + k) % 4]) + 1);
		}
		if (i % 10 == 0) {
			const char* bad = "create x nosuchmodule\nout x\n";
			host_patch_set(h, 60, CHRONUS_URI "#patchText", false, bad, (uint32_t)strlen(bad));
			host_patch_get(h, 70);
			const uint8_t junk[5] = {0xff, 0x00, 0x12, 0x34, 0x56};
			host_raw_event(h, 80, 12345, junk, sizeof(junk));
			const uint8_t bend[3] = {0xe0, 0x00, 0x60}, pedal[3] = {0xb0, 64, 127};
			host_midi(h, 90, bend, 3);
			host_midi(h, 91, pedal, 3);
			/* The host's transport, and an MPE zone with a finger's bend. */
			host_time_position(h, 92, 90.0f + (float)i, true);
			const uint8_t mcm[3][3] = {{0xb0, 101, 0}, {0xb0, 100, 6}, {0xb0, 6, 15}};
			const uint8_t finger[3] = {0xe3, 0x10, 0x50};
			for (unsigned k = 0; k < 3; ++k) {
				host_midi(h, 93, mcm[k], 3);
			}
			host_midi(h, 94, finger, 3);
		}
		if (i % 30 == 0 || i % 30 == 20) { /* a UI's scope, on for 20 rounds, off for 10 */
			host_patch_set_bool(h, 95, CHRONUS_URI "#scope", i % 30 == 0);
		}
		if (i % 10 == 5) { /* a UI opening: it asks for the graph and status */
			host_patch_get(h, 97);
		}
		if (i % 30 == 5 || i % 30 == 25) { /* its spectrum, on for 20 rounds, off for 10 */
			host_patch_set_bool(h, 96, CHRONUS_URI "#spectrum", i % 30 == 5);
		}
		host_set_control(h, "macro1", (float)(i % 10) / 10.0f);
		host_set_control(h, "volume", -(float)(i % 12));
		if (i == 50) {
			host_set_control(h, "polyphony", 24.0f);
		}
		if (i % 25 == 12) {
			host_set_control(h, "program", (float)(1 + i % 12));
		}
		if (i == 40 || i == 80) {
			/* A state restore, with the host's worker (i = 40) or without one
			 * (i = 80, Ardour's session load); the guard watches the blocks
			 * that take the restored patch. */
			LilvState* st = lilv_state_new_from_instance(host_plugin(h), host_instance(h), host_map(h), NULL,
			                                             NULL, NULL, NULL, NULL, NULL, 0, NULL);
			const LV2_Feature* none[] = {NULL};
			lilv_state_restore(st, host_instance(h), NULL, NULL, 0, i == 40 ? host_features(h) : none);
			lilv_state_free(st);
		}
		for (unsigned b = 0; b < 8; ++b) { /* both channels: the odd patches are stereo */
			host_run(h, 256, y, yr);
			finite &= test_all_finite(y, 256) && test_all_finite(yr, 256);
		}
		if (mode != HOST_WORKER_CONCURRENT) {
			host_settle(h);
		}
	}
	const unsigned long v = guard_count();
	/* The UI's messages flowed while the guard watched: the scope's data
	 * and the graphs (after swaps and patch:Get). */
	const unsigned scopes = host_value_count(h, CHRONUS_URI "#scopeData");
	const unsigned graphs = host_value_count(h, CHRONUS_URI "#graph");
	atomic_store(&gui.stop, true);
	pthread_join(gui_tid, NULL);
	printf("\n  %s: %lu forbidden calls in run()/work_response()/end_run()%s%s"
	       " (inline display: %u queue_draw, %u renders meanwhile; UI: %u scope, %u spectrum, %u swap messages,"
	       " %u graphs)\n",
	       label, v, v ? ", first: " : "", v ? guard_first() : "", atomic_load(&gui.draws), gui.renders, scopes,
	       host_value_count(h, CHRONUS_URI "#spectrumData"), host_value_count(h, CHRONUS_URI "#swap"), graphs);
	CU_ASSERT_EQUAL(v, 0ul);
	/* 70 rounds of 8 blocks of 256 frames with the scope on: 3 s, about
	 * 89 messages at 30 a second (one period lost each time it is turned
	 * on); patch:Get 20 times, and the swaps. */
	CU_ASSERT_TRUE(scopes >= 80u);
	CU_ASSERT_TRUE(graphs >= 10u);
	CU_ASSERT_TRUE(atomic_load(&gui.draws) > 0u);
	CU_ASSERT_TRUE(gui.renders > 0u);
	/* the UI's messages were made under the guard */
	CU_ASSERT_TRUE(host_value_count(h, CHRONUS_URI "#spectrumData") > 0u);
	CU_ASSERT_TRUE(host_value_count(h, CHRONUS_URI "#swap") > 0u);
	CU_ASSERT(finite);
	/* The patches built (seen where statuses come back in order, the
	 * threaded worker): one with a wavetable file (odd), one without. */
	bool odd = false, even = false;
	for (unsigned k = 0; k < host_status_count(h); ++k) {
		odd |= strstr(host_status(h, k), "rt 1: primed") != NULL;
		even |= strstr(host_status(h, k), "rt 2: primed") != NULL;
	}
	CU_ASSERT(mode != HOST_WORKER_THREAD || (odd && even));
	host_free(h);
}

static void test_rt_threaded(void) { drive(HOST_WORKER_THREAD, 0, "threaded worker"); }
static void test_rt_inline(void) { drive(HOST_WORKER_INLINE, 0, "inline worker"); }
static void test_rt_concurrent(void) { drive(HOST_WORKER_CONCURRENT, 0, "concurrent work_response"); }
static void test_rt_refusing(void) { drive(HOST_WORKER_THREAD, 3, "worker refusing every 3rd request"); }
static void test_rt_no_worker(void) { drive(HOST_WORKER_NONE, 0, "no worker"); }

int
suite_rt(void)
{
	CU_pSuite s = CU_add_suite("realtime", NULL, NULL);
	return !s || !CU_add_test(s, "the guard is preloaded and catches malloc", test_guard_is_active) ||
	       !CU_add_test(s, "every hooked call made in a plugin's run() is caught",
	                    test_guard_catches_every_call_in_run) ||
	       !CU_add_test(s, "threaded worker: nothing forbidden", test_rt_threaded) ||
	       !CU_add_test(s, "inline worker: nothing forbidden", test_rt_inline) ||
	       !CU_add_test(s, "concurrent work_response: nothing forbidden", test_rt_concurrent) ||
	       !CU_add_test(s, "refused schedule_work: nothing forbidden", test_rt_refusing) ||
	       !CU_add_test(s, "no worker: nothing forbidden", test_rt_no_worker);
}
