/* SPDX-License-Identifier: ISC
 *
 * State and presets, driven through lilv the way hosts drive them: a save
 * and restore round trip through a state file renders sample-identical; a
 * session load restores with no worker (Ardour), a preset load restores
 * with a worker that runs work() and work_response() on the calling thread
 * while run() keeps running (Ardour again); corrupt state changes nothing
 * but the log; every factory preset loads and plays.
 */
#define _GNU_SOURCE
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"

#include <lv2/atom/atom.h>
#include <lv2/presets/presets.h>
#include <lv2/state/state.h>
#include <lv2/worker/worker.h>

#include <CUnit/CUnit.h>

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATCH_TEXT CHRONUS_URI "#patchText"

static const char* custom_patch = "patch \"Round Trip\"\n"
                                  "create a square\ncreate b saw\ncreate vcf svf\ncreate env adsr\n"
                                  "create amp vca\ncreate fx drive master\n"
                                  "connect a vcf\nconnect b vcf\nconnect vcf amp\nconnect env amp.gain\n"
                                  "connect amp fx\nset b.fine 9\nset vcf.resonance 0.4\n"
                                  "set fx.gain 6\nset fx.level -6\n"
                                  "macro 1 vcf.cutoff 200 9000 exp\nmacro 2 a.width 0.1 0.9\nout fx\n";

static const void*
get_port(const char* symbol, void* user_data, uint32_t* size, uint32_t* type)
{
	static _Thread_local float value;
	Host*                      h = (Host*)user_data;
	value                        = host_get_control(h, symbol);
	*size                        = sizeof(float);
	*type                        = host_map(h)->map(host_map(h)->handle, LV2_ATOM__Float);
	return &value;
}

static void
set_port(const char* symbol, void* user_data, const void* value, uint32_t size, uint32_t type)
{
	Host* h = (Host*)user_data;
	if (size == sizeof(float) && type == host_map(h)->map(host_map(h)->handle, LV2_ATOM__Float)) {
		host_set_control(h, symbol, *(const float*)value);
	}
}

/* Silent blocks: what run() alone does (a fade, smoothing) settles in 40. */
static void
run_blocks(Host* h)
{
	float y[256];
	for (unsigned i = 0; i < 40; ++i) {
		host_run(h, 256, y, NULL);
	}
}

/* Silent blocks until the plugin has answered a restore (a status after
 * the `before` statuses: the swap began, or an error), bounded by wall
 * time; then the fade and the smoothing run out. */
static void
let_swap_finish(Host* h, unsigned before)
{
	CU_ASSERT_TRUE(test_run_until(h, 256, test_cond_status_after, &before, NULL, 0, NULL));
	run_blocks(h);
}

static const char* score = "length 2\n"
                           "at 0.0 note 45 100 0.8\nat 0.1 note 57 90 0.8\nat 0.3 control macro1 0.8\n"
                           "at 0.5 note 64 120 1.0\nat 0.9 control macro2 0.2\n";

static void
render(Host* h, float* y, size_t* n)
{
	Score s;
	char  err[128];
	CU_ASSERT_TRUE_FATAL(score_parse(score, ".", TEST_RATE, &s, err, sizeof(err)));
	score_render(h, &s, (BlockPlan){256, false, 0}, y, NULL);
	*n = s.frames;
	score_free(&s);
}

static void
test_round_trip_through_a_file(void)
{
	Host* a = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_TRUE_FATAL(test_load_patch(a, custom_patch));
	host_set_control(a, "macro1", 0.3f);
	host_set_control(a, "macro2", 0.7f);
	host_set_control(a, "volume", -3.0f);
	run_blocks(a);

	char dir[] = "/tmp/chronus-state-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	LilvState* saved = lilv_state_new_from_instance(host_plugin(a), host_instance(a), host_map(a), NULL, NULL,
	                                                NULL, dir, get_port, a, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(saved);
	CU_ASSERT_EQUAL(lilv_state_save(host_world(a), host_map(a), host_unmap(a), saved, NULL, dir, "state.ttl"), 0);
	lilv_state_free(saved);

	Host* b = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	char path[256];
	snprintf(path, sizeof(path), "%s/state.ttl", dir);
	LilvState* loaded = lilv_state_new_from_file(host_world(b), host_map(b), NULL, path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(loaded);
	const unsigned before = host_status_count(b);
	lilv_state_restore(loaded, host_instance(b), set_port, b, 0, host_features(b));
	lilv_state_free(loaded);
	let_swap_finish(b, before);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(b, PATCH_TEXT), "Round Trip"));
	CU_ASSERT_EQUAL(host_get_control(b, "macro1"), 0.3f);

	const size_t max = 2 * 48000;
	float*       ya  = calloc(max, sizeof(float));
	float*       yb  = calloc(max, sizeof(float));
	size_t       na = 0, nb = 0;
	render(a, ya, &na);
	render(b, yb, &nb);
	CU_ASSERT_EQUAL(na, nb);
	CU_ASSERT(test_peak(ya, na) > 0.05f);
	size_t differ = 0;
	for (size_t i = 0; i < na; ++i) {
		differ += ya[i] != yb[i];
	}
	printf("\n  state round trip through %s/state.ttl: %zu of %zu samples differ\n", dir, differ, na);
	CU_ASSERT_EQUAL(differ, 0u);
	free(ya);
	free(yb);
	host_free(a);
	host_free(b);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/* Ardour's session load: restore() with no worker feature at all. */
static void
test_restore_without_worker(void)
{
	Host* a = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_TRUE_FATAL(test_load_patch(a, custom_patch));
	LilvState* st = lilv_state_new_from_instance(host_plugin(a), host_instance(a), host_map(a), NULL, NULL, NULL,
	                                             NULL, get_port, a, 0, NULL);
	Host* b = test_host(HOST_WORKER_THREAD, 256);
	const LV2_Feature* none[] = {NULL};
	const unsigned before = host_status_count(b);
	lilv_state_restore(st, host_instance(b), set_port, b, 0, none);
	let_swap_finish(b, before);
	CU_ASSERT_PTR_NOT_NULL(host_last_value(b, PATCH_TEXT));
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(b, PATCH_TEXT), "Round Trip"));
	lilv_state_free(st);
	host_free(a);
	host_free(b);
}

/* Ardour's preset load: restore() on the GUI thread with a worker whose
 * schedule_work runs work() and then work_response() right there, while
 * the audio thread keeps calling run(). */
typedef struct {
	Host*                       host;
	const LV2_Worker_Interface* iface;
	_Atomic bool                restored; /* the GUI thread is done restoring */
	_Atomic size_t              frames;   /* run by the audio thread so far */
	bool                        finite, swapped;
	float                       tail[2400]; /* the last frames it ran */
} AudioThread;

static LV2_Worker_Status
respond_now(LV2_Worker_Respond_Handle handle, uint32_t size, const void* data)
{
	AudioThread* t = (AudioThread*)handle;
	return t->iface->work_response(lilv_instance_get_handle(host_instance(t->host)), size, data);
}

static LV2_Worker_Status
gui_schedule(LV2_Worker_Schedule_Handle handle, uint32_t size, const void* data)
{
	AudioThread* t = (AudioThread*)handle;
	return t->iface->work(lilv_instance_get_handle(host_instance(t->host)), respond_now, t, size, data);
}

/* The audio thread: runs blocks until the GUI thread is done restoring
 * and the restored patch plays (then the fade and a tail), or until
 * TEST_WAIT_SECONDS after the restores if it never comes. Only this thread
 * touches the host's notify record. */
static void*
audio_main(void* arg)
{
	AudioThread*    t = (AudioThread*)arg;
	float           y[64];
	double          deadline = 0.0;
	const struct timespec pause = {0, 200000};
	t->finite = true;
	for (;;) {
		if (atomic_load(&t->restored)) {
			deadline = deadline > 0.0 ? deadline : host_now() + TEST_WAIT_SECONDS;
			if (test_cond_playing(t->host, "Round Trip") || host_now() > deadline) {
				break;
			}
		}
		host_run(t->host, 64, y, NULL);
		t->finite = t->finite && test_all_finite(y, 64);
		atomic_fetch_add(&t->frames, 64);
		nanosleep(&pause, NULL); /* leave the GUI thread room, as a real cycle does */
	}
	t->swapped = test_cond_playing(t->host, "Round Trip");
	for (uint32_t done = 0, fade = test_fade_frames(t->host); done < fade; done += 64) {
		host_run(t->host, 64, y, NULL);
		t->finite = t->finite && test_all_finite(y, 64);
	}
	for (size_t pos = 0; pos < 2400; pos += 64) {
		const uint32_t n = (uint32_t)(2400 - pos < 64 ? 2400 - pos : 64);
		host_run(t->host, n, t->tail + pos, NULL);
	}
	t->finite = t->finite && test_all_finite(t->tail, 2400);
	return NULL;
}

/* Waits until the audio thread has run `frames` (bounded by wall time). */
static bool
audio_has_run(AudioThread* t, size_t frames)
{
	const double deadline = host_now() + TEST_WAIT_SECONDS;
	while (atomic_load(&t->frames) < frames) {
		if (host_now() > deadline) {
			return false;
		}
		usleep(200);
	}
	return true;
}

static void
test_restore_on_gui_thread_while_running(void)
{
	Host* src = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	CU_ASSERT_TRUE_FATAL(test_load_patch(src, custom_patch));
	LilvState* st = lilv_state_new_from_instance(host_plugin(src), host_instance(src), host_map(src), NULL, NULL,
	                                             NULL, NULL, get_port, src, 0, NULL);

	AudioThread t = {0};
	t.host        = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.host);
	t.iface = (const LV2_Worker_Interface*)lilv_instance_get_extension_data(host_instance(t.host),
	                                                                         LV2_WORKER__interface);
	host_note_on(t.host, 0, 57, 100);
	pthread_t thread;
	pthread_create(&thread, NULL, audio_main, &t);
	CU_ASSERT(audio_has_run(&t, 4800)); /* playing before the first restore */
	LV2_Worker_Schedule sched   = {&t, gui_schedule};
	LV2_Feature         f_sched = {LV2_WORKER__schedule, &sched};
	const LV2_Feature*  feats[] = {&f_sched, NULL};
	for (unsigned i = 0; i < 20; ++i) { /* a user clicking through presets */
		const size_t ran = atomic_load(&t.frames);
		lilv_state_restore(st, host_instance(t.host), NULL, NULL, 0, feats);
		CU_ASSERT(audio_has_run(&t, ran + 64)); /* run() went on between two clicks */
	}
	atomic_store(&t.restored, true);
	pthread_join(thread, NULL);
	CU_ASSERT(t.finite);
	CU_ASSERT(t.swapped);
	CU_ASSERT(test_rms(t.tail, 2400) > 0.01);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(t.host, PATCH_TEXT), "Round Trip"));
	lilv_state_free(st);
	host_free(t.host);
	host_free(src);
}

/* Retrieve from a table of (key, value, size, type), as a host would. */
typedef struct {
	LV2_URID    key, type;
	const void* value;
	size_t      size;
} Prop;

typedef struct {
	const Prop* props;
	unsigned    n;
} PropTable;

static const void*
retrieve(LV2_State_Handle handle, uint32_t key, size_t* size, uint32_t* type, uint32_t* flags)
{
	const PropTable* t = (const PropTable*)handle;
	for (unsigned i = 0; i < t->n; ++i) {
		if (t->props[i].key == key) {
			*size  = t->props[i].size;
			*type  = t->props[i].type;
			*flags = LV2_STATE_IS_POD;
			return t->props[i].value;
		}
	}
	return NULL;
}

static void
test_corrupt_state_changes_nothing(void)
{
	enum { N = 24000 };
	float* ref = calloc(N, sizeof(float));
	float* out = calloc(N, sizeof(float));
	Host*  h0  = test_host(HOST_WORKER_INLINE, 256);
	host_note_on(h0, 0, 60, 100);
	test_render(h0, ref, N, 256);
	host_free(h0);

	char* big = malloc(70000);
	memset(big, '#', 70000);
	big[69999] = '\0';
	static const int32_t v1 = 1, v99 = 99;
	static const char    nul_text[] = "create osc saw\0out osc\n";
	struct {
		const char* what;
		const char* log;
		Prop        props[2];
		unsigned    n;
	} cases[] = {
		{"unknown version", "version 99 is unknown", {{0, 0, &v99, sizeof(v99)}}, 1},
		{"version of the wrong type", "not an integer", {{0, 1, "1", 2}}, 1},
		{"text of the wrong type", "wrong type", {{0, 0, &v1, sizeof(v1)}, {2, 0, &v1, sizeof(v1)}}, 2},
		{"oversized text", "over the", {{0, 0, &v1, sizeof(v1)}, {2, 1, NULL, 70000}}, 2},
		{"text with a NUL inside", "NUL byte", {{0, 0, &v1, sizeof(v1)}, {2, 1, nul_text, sizeof(nul_text)}}, 2},
		{"text that does not parse", "line 1, col", {{0, 0, &v1, sizeof(v1)}, {2, 1, "create x nosuch\nout x", 21}}, 2},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
		Host* h = test_host(HOST_WORKER_INLINE, 256);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		LV2_URID_Map* map = host_map(h);
		const LV2_URID keys[3]  = {map->map(map->handle, CHRONUS_URI "#stateVersion"), 0,
		                           map->map(map->handle, PATCH_TEXT)};
		const LV2_URID types[2] = {map->map(map->handle, LV2_ATOM__Int), map->map(map->handle, LV2_ATOM__String)};
		Prop props[2];
		for (unsigned i = 0; i < cases[c].n; ++i) {
			props[i]       = cases[c].props[i];
			props[i].key   = keys[props[i].key];
			props[i].type  = types[props[i].type];
			props[i].value = props[i].value ? props[i].value : big;
		}
		PropTable table = {props, cases[c].n};
		const LV2_State_Interface* iface =
			(const LV2_State_Interface*)lilv_instance_get_extension_data(host_instance(h), LV2_STATE__interface);
		iface->restore(lilv_instance_get_handle(host_instance(h)), retrieve, &table, 0, host_features(h));
		host_note_on(h, 0, 60, 100);
		test_render(h, out, N, 256);
		const bool same   = !memcmp(ref, out, N * sizeof(float));
		const bool logged = host_log_contains(h, cases[c].log) ||
		                    (host_status_count(h) && strstr(host_status(h, host_status_count(h) - 1), cases[c].log));
		if (!same || !logged) {
			fprintf(stderr, "\n  %s: audio %s, log %s\n", cases[c].what, same ? "unchanged" : "CHANGED",
			        logged ? "says why" : "SILENT");
		}
		CU_ASSERT(same);
		CU_ASSERT(logged);
		host_free(h);
	}
	free(big);
	free(ref);
	free(out);
}

/* Carla: string sizes without the NUL, and the value freed right after. */
static void
test_string_without_nul(void)
{
	Host* h = test_host(HOST_WORKER_INLINE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	LV2_URID_Map* map  = host_map(h);
	char*         text = strdup(custom_patch);
	Prop          p    = {map->map(map->handle, PATCH_TEXT), map->map(map->handle, LV2_ATOM__String), text,
	                      strlen(text)};
	PropTable     t    = {&p, 1};
	const LV2_State_Interface* iface =
		(const LV2_State_Interface*)lilv_instance_get_extension_data(host_instance(h), LV2_STATE__interface);
	const unsigned before = host_status_count(h);
	iface->restore(lilv_instance_get_handle(host_instance(h)), retrieve, &t, 0, host_features(h));
	memset(text, 'x', strlen(text)); /* the host frees or reuses it */
	free(text);
	let_swap_finish(h, before);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(h, PATCH_TEXT), "Round Trip"));
	host_free(h);
}

/* Every factory preset, loaded through lilv as a host's preset menu does. */
static void
test_every_factory_preset_plays(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	LilvWorld*  world   = host_world(h);
	LilvNode*   pset    = lilv_new_uri(world, LV2_PRESETS__Preset);
	LilvNode*   label_p = lilv_new_uri(world, LILV_NS_RDFS "label");
	LilvNodes*  presets = lilv_plugin_get_related(host_plugin(h), pset);
	unsigned    count   = 0;
	char*       uris[64];
	unsigned    n_uris  = 0;
	LILV_FOREACH (nodes, i, presets) {
		if (n_uris < 64) {
			uris[n_uris++] = strdup(lilv_node_as_uri(lilv_nodes_get(presets, i)));
		}
	}
	lilv_nodes_free(presets);
	lilv_node_free(pset);
	lilv_node_free(label_p);
	host_free(h);
	printf("\n");
	for (unsigned i = 0; i < n_uris; ++i) {
		Host* p = test_host(HOST_WORKER_THREAD, 256);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		LilvNode* uri = lilv_new_uri(host_world(p), uris[i]);
		lilv_world_load_resource(host_world(p), uri);
		LilvState* state = lilv_state_new_from_world(host_world(p), host_map(p), uri);
		lilv_node_free(uri);
		free(uris[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(state);
		const unsigned before = host_status_count(p);
		lilv_state_restore(state, host_instance(p), set_port, p, 0, host_features(p));
		const char* label = lilv_state_get_label(state);
		let_swap_finish(p, before);
		const char* text = host_last_value(p, PATCH_TEXT);
		const bool  low  = text && (strstr(text, "bank: Bass") || strstr(text, "bank: Drums"));
		enum { N = 2 * 48000 };
		float* y = calloc(N, sizeof(float));
		host_note_on(p, 0, low ? 48 : 60, 100);
		test_render(p, y, 48000, 256);
		host_note_off(p, 0, low ? 48 : 60);
		test_render(p, y + 48000, 48000, 256);
		const double peak_db = 20.0 * log10(test_peak(y, N) + 1e-30);
		printf("  preset %-14s peak %6.1f dBFS, RMS %6.1f dBFS\n", label ? label : "?", peak_db,
		       20.0 * log10(test_rms(y, N) + 1e-30));
		CU_ASSERT(test_all_finite(y, N));
		CU_ASSERT(peak_db >= -30.0 && peak_db <= -1.0);
		CU_ASSERT_EQUAL(host_get_control(p, "error"), 0.0f);
		++count;
		free(y);
		lilv_state_free(state);
		host_free(p);
	}
	CU_ASSERT(count >= 13); /* Init and twelve sounds */
}

int
suite_state(void)
{
	CU_pSuite s = CU_add_suite("state", NULL, NULL);
	return !s || !CU_add_test(s, "save, file, restore: the same score renders sample-identical", test_round_trip_through_a_file) ||
	       !CU_add_test(s, "session load: restore() without a worker", test_restore_without_worker) ||
	       !CU_add_test(s, "preset load: restore() with work() on the GUI thread while run() runs", test_restore_on_gui_thread_while_running) ||
	       !CU_add_test(s, "corrupt, unknown-version, oversized state changes nothing", test_corrupt_state_changes_nothing) ||
	       !CU_add_test(s, "string values without their NUL, freed at once", test_string_without_nul) ||
	       !CU_add_test(s, "every factory preset loads and plays", test_every_factory_preset_plays);
}
