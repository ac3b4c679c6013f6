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
#include <lv2/patch/patch.h>
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
		test_run_stereo(h, 256, y);
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
	test_score_render_stereo(h, &s, (BlockPlan){256, false, 0}, y);
	*n = s.frames;
	score_free(&s);
}

static void
test_round_trip_through_a_file(void)
{
	Host* a = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	/* A factory program first, then the user's own text: the state holds
	 * both, and the host sets the program port (2) after restore(), which
	 * must keep the restored text (save() stored the program it matches). */
	const unsigned before_program = host_status_count(a);
	host_set_control(a, "program", 2.0f);
	let_swap_finish(a, before_program);
	CU_ASSERT_TRUE_FATAL(test_load_patch(a, custom_patch));
	host_set_control(a, "macro1", 0.3f);
	host_set_control(a, "macro2", 0.7f);
	host_set_control(a, "volume", -3.0f);
	run_blocks(a);

	char dir[] = "/tmp/chronus-state-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	LilvState* saved = lilv_state_new_from_instance(host_plugin(a), host_instance(a), host_map(a), NULL, NULL,
	                                                NULL, dir, test_state_get_port, a, 0, NULL);
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
	                                             NULL, test_state_get_port, a, 0, NULL);
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
		test_run_stereo(t->host, 64, y);
		t->finite = t->finite && test_all_finite(y, 64);
		atomic_fetch_add(&t->frames, 64);
		nanosleep(&pause, NULL); /* leave the GUI thread room, as a real cycle does */
	}
	t->swapped = test_cond_playing(t->host, "Round Trip");
	for (uint32_t done = 0, fade = test_fade_frames(t->host); done < fade; done += 64) {
		test_run_stereo(t->host, 64, y);
		t->finite = t->finite && test_all_finite(y, 64);
	}
	for (size_t pos = 0; pos < 2400; pos += 64) {
		const uint32_t n = (uint32_t)(2400 - pos < 64 ? 2400 - pos : 64);
		test_run_stereo(t->host, n, t->tail + pos);
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
	                                             NULL, NULL, test_state_get_port, src, 0, NULL);

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
	test_render_stereo(h0, ref, N, 256);
	host_free(h0);

	char* big = malloc(70000);
	memset(big, '#', 70000);
	big[69999] = '\0';
	static const int32_t v1 = 1, v99 = 99, v0 = 0, vm1 = -1;
	static const char    nul_text[] = "create osc saw\0out osc\n";
	const size_t         text_size  = strlen(custom_patch) + 1;
	struct {
		const char* what;
		const char* log; /* NULL: the state is good and must change the sound */
		Prop        props[2];
		unsigned    n;
	} cases[] = {
		/* The unknown versions come with a patch text that would change
		 * the sound (the last case proves it does, with version 1). */
		{"unknown version 99 with patch text", "version 99 is unknown",
		 {{0, 0, &v99, sizeof(v99)}, {2, 1, custom_patch, text_size}}, 2},
		{"version 0 with patch text", "version 0 is unknown", {{0, 0, &v0, sizeof(v0)}, {2, 1, custom_patch, text_size}}, 2},
		{"version -1 with patch text", "version -1 is unknown",
		 {{0, 0, &vm1, sizeof(vm1)}, {2, 1, custom_patch, text_size}}, 2},
		{"unknown version alone", "version 99 is unknown", {{0, 0, &v99, sizeof(v99)}}, 1},
		{"version of the wrong type", "not an integer", {{0, 1, "1", 2}}, 1},
		{"text of the wrong type", "wrong type", {{0, 0, &v1, sizeof(v1)}, {2, 0, &v1, sizeof(v1)}}, 2},
		{"oversized text", "over the", {{0, 0, &v1, sizeof(v1)}, {2, 1, NULL, 70000}}, 2},
		{"text with a NUL inside", "NUL byte", {{0, 0, &v1, sizeof(v1)}, {2, 1, nul_text, sizeof(nul_text)}}, 2},
		{"text that does not parse", "line 1, col", {{0, 0, &v1, sizeof(v1)}, {2, 1, "create x nosuch\nout x", 21}}, 2},
		{"version 1 with the same patch text (the control case)", NULL,
		 {{0, 0, &v1, sizeof(v1)}, {2, 1, custom_patch, text_size}}, 2},
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
		test_render_stereo(h, out, N, 256);
		const bool same = !memcmp(ref, out, N * sizeof(float));
		if (!cases[c].log) {
			if (same) {
				fprintf(stderr, "\n  %s: audio unchanged, so the cases above prove nothing\n", cases[c].what);
			}
			CU_ASSERT(!same);
			host_free(h);
			continue;
		}
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
		/* let_swap_finish(), but both channels apart: a stereo preset's
		 * master effects may leave the two sides unequal even in silence. */
		CU_ASSERT_TRUE(test_run_until(p, 256, test_cond_status_after, &before, NULL, 0, NULL));
		for (unsigned b = 0; b < 40; ++b) {
			float l[256], r[256];
			host_run(p, 256, l, r);
		}
		const char* text = host_last_value(p, PATCH_TEXT);
		const bool  low  = text && (strstr(text, "bank: Bass") || strstr(text, "bank: Drums"));
		/* Both channels, no left == right: a preset may be stereo (a
		 * chorus, reverb, echo or phaser on its master). */
		enum { N = 2 * 48000, B = 256 };
		float* y = calloc(2 * N, sizeof(float));
		float* z = y + N;
		host_note_on(p, 0, low ? 48 : 60, 100);
		for (size_t pos = 0; pos < N;) { /* 256-frame blocks, the note-off at 1 s */
			const size_t   end = pos < 48000 ? 48000 : N;
			const uint32_t m   = (uint32_t)(end - pos < B ? end - pos : B);
			host_run(p, m, y + pos, z + pos);
			pos += m;
			if (pos == 48000) {
				host_note_off(p, 0, low ? 48 : 60);
			}
		}
		const double peak_db = 20.0 * log10(fmaxf(test_peak(y, N), test_peak(z, N)) + 1e-30);
		printf("  preset %-14s peak %6.1f dBFS, RMS %6.1f dBFS\n", label ? label : "?", peak_db,
		       20.0 * log10(test_rms(y, 2 * N) + 1e-30));
		CU_ASSERT(test_all_finite(y, 2 * N));
		CU_ASSERT(peak_db >= -30.0 && peak_db <= -1.0);
		CU_ASSERT_EQUAL(host_get_control(p, "error"), 0.0f);
		++count;
		free(y);
		lilv_state_free(state);
		host_free(p);
	}
	CU_ASSERT(count >= 13); /* Init and twelve sounds */
}

/* ---- State paths: a patch file only, versions, program, patch:Get -------- */

#define PATCH_FILE CHRONUS_URI "#patchFile"

/* The host's state:mapPath: abstract paths are names in one folder (a
 * session folder that moves with the session). */
typedef struct {
	char     dir[128];
	unsigned absolute_calls;
} SessionDir;

static char*
session_absolute(LV2_State_Map_Path_Handle handle, const char* abstract)
{
	SessionDir* d = (SessionDir*)handle;
	++d->absolute_calls;
	char* out = malloc(strlen(d->dir) + strlen(abstract) + 2);
	sprintf(out, "%s/%s", d->dir, abstract);
	return out;
}

static char*
session_abstract(LV2_State_Map_Path_Handle handle, const char* absolute)
{
	SessionDir*  d = (SessionDir*)handle;
	const size_t n = strlen(d->dir);
	return strdup(!strncmp(absolute, d->dir, n) && absolute[n] == '/' ? absolute + n + 1 : absolute);
}

/* restore() through the plugin's state interface with the host's features
 * plus extra (may be NULL). */
static LV2_State_Status
restore_props(Host* h, const Prop* props, unsigned n, const LV2_Feature* extra)
{
	const LV2_Feature* feats[16];
	unsigned           k = 0;
	for (const LV2_Feature* const* f = host_features(h); *f && k < 14; ++f) {
		feats[k++] = *f;
	}
	if (extra) {
		feats[k++] = extra;
	}
	feats[k] = NULL;
	PropTable table = {props, n};
	const LV2_State_Interface* iface =
		(const LV2_State_Interface*)lilv_instance_get_extension_data(host_instance(h), LV2_STATE__interface);
	return iface->restore(lilv_instance_get_handle(host_instance(h)), retrieve, &table, 0, feats);
}

/* A held note's pitch and level, measured from the audio (both channels);
 * the note is released and its tail run out afterwards. */
static double
held_pitch(Host* h, uint8_t note, double* rms)
{
	enum { N = 24000 };
	float* y = calloc(N, sizeof(float));
	host_note_on(h, 0, note, 100);
	test_render_stereo(h, y, N, 256);
	host_note_off(h, 0, note);
	const double f = test_frequency(y + N / 2, N / 2, TEST_RATE);
	*rms           = test_rms(y + N / 2, N / 2);
	test_render_stereo(h, y, N / 2, 256);
	free(y);
	return f;
}

static double
cents(double f, double want)
{
	return f > 0.0 ? 1200.0 * log2(f / want) : 1e9;
}

static void
write_text(const char* path, const char* text)
{
	FILE* f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* A state that holds only a patch file, stored as an abstract path: the
 * plugin maps it through the host's state:mapPath and plays the file; when
 * the file has moved away, the restore fails with a clear status and the
 * playing patch stays. */
static void
test_state_with_only_a_patch_file(void)
{
	SessionDir session = {{0}, 0};
	snprintf(session.dir, sizeof(session.dir), "/tmp/chronus-session-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(session.dir));
	char file[256], moved[256];
	snprintf(file, sizeof(file), "%s/tune.chronus", session.dir);
	snprintf(moved, sizeof(moved), "%s/moved-away.chronus", session.dir);
	/* An octave up: note 57 sounds at 440 Hz, where Round Trip plays 220. */
	write_text(file, "patch \"File Patch\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\n"
	                 "connect osc amp\nconnect env amp.gain\nset osc.pitch 12\nset osc.level 0.5\n"
	                 "set env.attack 5\nset env.sustain 1\nset env.release 20\nout amp\n");

	Host* h = test_host(HOST_WORKER_INLINE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, custom_patch));
	double       rms0 = 0.0;
	const double f0   = held_pitch(h, 57, &rms0);
	CU_ASSERT(fabs(cents(f0, 440.0)) > 50.0); /* not the file's patch yet */

	LV2_URID_Map*            map      = host_map(h);
	static const int32_t     v1       = 1;
	const char*              abstract = "tune.chronus";
	LV2_State_Map_Path       mp       = {&session, session_abstract, session_absolute};
	const LV2_Feature        f_map    = {LV2_STATE__mapPath, &mp};
	const Prop props[2] = {{map->map(map->handle, CHRONUS_URI "#stateVersion"), map->map(map->handle, LV2_ATOM__Int),
	                        &v1, sizeof(v1)},
	                       {map->map(map->handle, PATCH_FILE), map->map(map->handle, LV2_ATOM__Path), abstract,
	                        strlen(abstract) + 1}};
	const unsigned before0 = host_status_count(h);
	CU_ASSERT_EQUAL(restore_props(h, props, 2, &f_map), LV2_STATE_SUCCESS);
	let_swap_finish(h, before0);
	CU_ASSERT(session.absolute_calls >= 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(h, PATCH_TEXT), "File Patch"));
	CU_ASSERT_STRING_EQUAL(host_last_value(h, PATCH_FILE), file);
	double       rms1 = 0.0;
	const double f1   = held_pitch(h, 57, &rms1);
	printf("\n  state with only %s (mapped from \"%s\"): note 57 at %.3f Hz (was %.3f)\n", file, abstract, f1, f0);
	CU_ASSERT(fabs(cents(f1, 440.0)) < 0.1);
	CU_ASSERT(rms1 > 0.1);

	/* The session's file moved: the same state now names nothing. */
	CU_ASSERT_EQUAL_FATAL(rename(file, moved), 0);
	const unsigned before = host_status_count(h);
	restore_props(h, props, 2, &f_map);
	let_swap_finish(h, before);
	const char* st = host_status_count(h) > before ? host_status(h, host_status_count(h) - 1) : "";
	printf("  after the file moved: \"%s\"\n", st);
	CU_ASSERT_PTR_NOT_NULL(strstr(st, "cannot open patch file"));
	CU_ASSERT_PTR_NOT_NULL(strstr(st, "tune.chronus"));
	CU_ASSERT_EQUAL(host_get_control(h, "error"), 1.0f);
	double       rms2 = 0.0;
	const double f2   = held_pitch(h, 57, &rms2);
	printf("  the playing patch stays: note 57 at %.3f Hz, RMS %.4f (was %.4f)\n", f2, rms2, rms1);
	CU_ASSERT(fabs(cents(f2, 440.0)) < 0.1);
	CU_ASSERT(fabs(rms2 - rms1) < 0.01 * rms1);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(h, PATCH_TEXT), "File Patch"));

	/* Without state:mapPath the abstract name is used as it is: it names
	 * no file here either, and nothing changes. */
	const unsigned before2 = host_status_count(h);
	restore_props(h, props, 2, NULL);
	let_swap_finish(h, before2);
	st = host_status_count(h) > before2 ? host_status(h, host_status_count(h) - 1) : "";
	CU_ASSERT_PTR_NOT_NULL(strstr(st, "cannot open patch file"));
	double       rms3 = 0.0;
	const double f3   = held_pitch(h, 57, &rms3);
	CU_ASSERT(fabs(cents(f3, 440.0)) < 0.1);
	host_free(h);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", session.dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/* What save() stores, copied (as a host writing a session file would). */
typedef struct {
	Prop     props[8];
	char     data[8][4096];
	unsigned n;
} SavedProps;

static LV2_State_Status
store_copy(LV2_State_Handle handle, uint32_t key, const void* value, size_t size, uint32_t type, uint32_t flags)
{
	(void)flags;
	SavedProps* s = (SavedProps*)handle;
	if (s->n == 8 || size > sizeof(s->data[0])) {
		return LV2_STATE_ERR_NO_SPACE;
	}
	memcpy(s->data[s->n], value, size);
	s->props[s->n] = (Prop){key, type, s->data[s->n], size};
	++s->n;
	return LV2_STATE_SUCCESS;
}

static const Prop*
saved_prop(const SavedProps* s, LV2_URID key)
{
	for (unsigned i = 0; i < s->n; ++i) {
		if (s->props[i].key == key) {
			return &s->props[i];
		}
	}
	return NULL;
}

/* A patch loaded from a file is saved as its text and its file; the file
 * edited after the save does not change what the session plays (the text
 * is what played), and the restored instance still knows its file. */
static void
test_state_text_and_file_after_the_file_changed(void)
{
	char dir[] = "/tmp/chronus-textfile-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	char file[128];
	snprintf(file, sizeof(file), "%s/song.chronus", dir);
	/* An octave up: note 57 sounds at 440 Hz. */
	write_text(file, "patch \"Saved Octave\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\n"
	                 "connect osc amp\nconnect env amp.gain\nset osc.pitch 12\nset osc.level 0.5\n"
	                 "set env.sustain 1\nout amp\n");
	Host* a = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	const unsigned before_a = host_status_count(a);
	host_patch_set(a, 0, PATCH_FILE, true, file, (uint32_t)strlen(file));
	let_swap_finish(a, before_a);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(a, PATCH_TEXT), "Saved Octave"));

	LV2_URID_Map*              map   = host_map(a);
	const LV2_State_Interface* iface = (const LV2_State_Interface*)lilv_instance_get_extension_data(
		host_instance(a), LV2_STATE__interface);
	static SavedProps saved;
	memset(&saved, 0, sizeof(saved));
	CU_ASSERT_EQUAL(iface->save(lilv_instance_get_handle(host_instance(a)), store_copy, &saved, 0,
	                            host_features(a)),
	                LV2_STATE_SUCCESS);
	const Prop* pf = saved_prop(&saved, map->map(map->handle, PATCH_FILE));
	const Prop* pt = saved_prop(&saved, map->map(map->handle, PATCH_TEXT));
	CU_ASSERT_PTR_NOT_NULL_FATAL(pf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pt);
	CU_ASSERT_EQUAL(pf->type, map->map(map->handle, LV2_ATOM__Path));
	CU_ASSERT_STRING_EQUAL((const char*)pf->value, file);
	CU_ASSERT_PTR_NOT_NULL(strstr((const char*)pt->value, "Saved Octave"));
	host_free(a);

	/* Edited after the save: a fifth up, another name. */
	write_text(file, "patch \"Edited Later\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\n"
	                 "connect osc amp\nconnect env amp.gain\nset osc.pitch 7\nset osc.level 0.5\n"
	                 "set env.sustain 1\nout amp\n");
	Host* b = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	const unsigned before_b = host_status_count(b);
	CU_ASSERT_EQUAL(restore_props(b, saved.props, saved.n, NULL), LV2_STATE_SUCCESS);
	let_swap_finish(b, before_b);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(b, PATCH_TEXT), "Saved Octave"));
	CU_ASSERT_PTR_NOT_NULL(host_last_value(b, PATCH_FILE));
	if (host_last_value(b, PATCH_FILE)) {
		CU_ASSERT_STRING_EQUAL(host_last_value(b, PATCH_FILE), file);
	}
	double       rms = 0.0;
	const double f   = held_pitch(b, 57, &rms);
	printf("\n  restored text of %s, edited since: note 57 at %.3f Hz (the saved octave: 440)\n", file, f);
	CU_ASSERT(fabs(cents(f, 440.0)) < 0.1);
	host_free(b);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/* The program port after a restore: set by the host to the value the state
 * was saved with (as lilv does), it keeps the restored patch; a later change
 * loads that factory patch. */
static const char* const restored_sine = "patch \"Restored Sine\"\ncreate osc sine\ncreate env adsr\n"
                                         "create amp vca\nconnect osc amp\nconnect env amp.gain\n"
                                         "set osc.pitch 7\nset osc.level 0.5\nset env.sustain 1\nout amp\n";

static void
test_restored_program_versus_the_port(void)
{
	Host* h = test_host(HOST_WORKER_INLINE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	run_blocks(h);
	LV2_URID_Map*        map     = host_map(h);
	static const int32_t v1 = 1, prog3 = 3;
	const LV2_URID       t_int   = map->map(map->handle, LV2_ATOM__Int);
	const Prop props[3] = {{map->map(map->handle, CHRONUS_URI "#stateVersion"), t_int, &v1, sizeof(v1)},
	                       {map->map(map->handle, CHRONUS_URI "#program"), t_int, &prog3, sizeof(prog3)},
	                       {map->map(map->handle, PATCH_TEXT), map->map(map->handle, LV2_ATOM__String), restored_sine,
	                        strlen(restored_sine) + 1}};
	const unsigned before = host_status_count(h);
	CU_ASSERT_EQUAL(restore_props(h, props, 3, NULL), LV2_STATE_SUCCESS);
	let_swap_finish(h, before);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(h, PATCH_TEXT), "Restored Sine"));
	/* The host restores the port values after restore(). */
	const unsigned adopted = host_status_count(h);
	host_set_control(h, "program", 3.0f);
	run_blocks(h); /* adopted: nothing is built, so no answer to wait for */
	CU_ASSERT_EQUAL(host_status_count(h), adopted);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(h, PATCH_TEXT), "Restored Sine"));
	double       rms = 0.0;
	const double f   = held_pitch(h, 57, &rms);
	printf("\n  after the host set the program port to the saved 3: note 57 at %.3f Hz\n", f);
	CU_ASSERT(fabs(cents(f, 329.6276)) < 0.1); /* the restored sine, a fifth up; not Reese Bass */
	/* The user picks a program afterwards: it loads. */
	const unsigned before4 = host_status_count(h);
	host_set_control(h, "program", 4.0f);
	let_swap_finish(h, before4);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(h, PATCH_TEXT), "Sub Bass"));
	/* And back to the restored state's number: the factory patch 3 now. */
	const unsigned before3 = host_status_count(h);
	host_set_control(h, "program", 3.0f);
	let_swap_finish(h, before3);
	CU_ASSERT_PTR_NOT_NULL(strstr(host_last_value(h, PATCH_TEXT), "Reese Bass"));
	host_free(h);
}

/* patch:Get is answered with every value the bundle declares readable
 * (patch:readable), each with its current value. */
static void
test_patch_get_answers_every_readable(void)
{
	char dir[] = "/tmp/chronus-get-XXXXXX";
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	char file[128];
	snprintf(file, sizeof(file), "%s/get.chronus", dir);
	write_text(file, patch_sine);
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	const unsigned before = host_status_count(h);
	host_patch_set(h, 0, PATCH_FILE, true, file, (uint32_t)strlen(file));
	let_swap_finish(h, before);
	CU_ASSERT_STRING_EQUAL(host_last_value(h, PATCH_FILE), file);

	LilvWorld* w        = host_world(h);
	LilvNode*  readable = lilv_new_uri(w, LV2_PATCH__readable);
	LilvNodes* values   = lilv_world_find_nodes(w, lilv_plugin_get_uri(host_plugin(h)), readable, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(values);
	CU_ASSERT(lilv_nodes_size(values) >= 3);
	unsigned counts[16] = {0}, k = 0;
	LILV_FOREACH (nodes, i, values) {
		if (k < 16) {
			counts[k++] = host_value_count(h, lilv_node_as_uri(lilv_nodes_get(values, i)));
		}
	}
	const char* status_before = host_status(h, host_status_count(h) - 1);
	char*       status_copy   = strdup(status_before ? status_before : "");
	host_patch_get(h, 0);
	float y[256];
	test_run_stereo(h, 256, y);
	k = 0;
	printf("\n");
	LILV_FOREACH (nodes, i, values) {
		const char* uri = lilv_node_as_uri(lilv_nodes_get(values, i));
		if (k < 16) {
			const unsigned now = host_value_count(h, uri);
			printf("  patch:Get answered %s: %s\n", uri, now > counts[k] ? "yes" : "NO");
			CU_ASSERT(now > counts[k]);
		}
		++k;
	}
	CU_ASSERT_STRING_EQUAL(host_last_value(h, PATCH_FILE), file);
	CU_ASSERT_STRING_EQUAL(host_last_value(h, PATCH_TEXT), patch_sine);
	CU_ASSERT_STRING_EQUAL(host_last_value(h, CHRONUS_URI "#status"), status_copy);
	free(status_copy);
	lilv_nodes_free(values);
	lilv_node_free(readable);
	host_free(h);
	unlink(file);
	rmdir(dir);
}

/* The prime_ms output: positive, plausible, and the figure the status gives. */
static void
test_prime_ms_is_the_status_figure(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	const char* patches[] = {patch_sine, custom_patch};
	for (unsigned p = 0; p < 2; ++p) {
		CU_ASSERT_TRUE_FATAL(test_load_patch(h, patches[p]));
		const char*  st     = host_status(h, host_status_count(h) - 1);
		const char*  at     = st ? strstr(st, "primed in ") : NULL;
		const double figure = at ? atof(at + strlen("primed in ")) : -1.0;
		const float  port   = host_get_control(h, "prime_ms");
		printf("\n  prime_ms output %.4f ms, status \"%s\"", (double)port, st ? st : "");
		CU_ASSERT_PTR_NOT_NULL(at);
		CU_ASSERT(port > 0.0f && port < 1000.0f);
		/* The status rounds to 0.01 ms. */
		CU_ASSERT(fabs((double)port - figure) <= 0.005 + 1e-6);
	}
	printf("\n");
	host_free(h);
}

#if defined(__x86_64__) || defined(__SSE__)
#include <xmmintrin.h>

/* run() may set its own floating-point mode (flush to zero) but must give
 * the host its own back: the control word the host had, whatever it was. */
static void
test_run_restores_the_hosts_fp_mode(void)
{
	Host* h = test_host(HOST_WORKER_INLINE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, custom_patch));
	host_note_on(h, 0, 45, 100);
	const unsigned mine    = _mm_getcsr();
	const unsigned modes[] = {0x1f80u,          /* the default: no FTZ, no DAZ */
	                          0x9fc0u,          /* FTZ and DAZ */
	                          0x1f80u | 0x6000u, /* round toward zero */
	                          0x1f80u | 0x2000u /* round down */};
	float y[256];
	for (unsigned m = 0; m < sizeof(modes) / sizeof(modes[0]); ++m) {
		for (unsigned b = 0; b < 4; ++b) {
			_mm_setcsr(modes[m]);
			test_run_stereo(h, 256, y);
			const unsigned after = _mm_getcsr();
			_mm_setcsr(mine);
			/* The sticky exception flags (bits 0-5) may be raised by run(). */
			if ((after & ~0x3fu) != modes[m]) {
				printf("\n  MXCSR 0x%04x before run(), 0x%04x after\n", modes[m], after);
			}
			CU_ASSERT_EQUAL(after & ~0x3fu, modes[m]);
		}
	}
	host_free(h);
}
#endif

int
suite_state(void)
{
	CU_pSuite s = CU_add_suite("state", NULL, NULL);
	return !s || !CU_add_test(s, "save, file, restore: the same score renders sample-identical", test_round_trip_through_a_file) ||
	       !CU_add_test(s, "session load: restore() without a worker", test_restore_without_worker) ||
	       !CU_add_test(s, "preset load: restore() with work() on the GUI thread while run() runs", test_restore_on_gui_thread_while_running) ||
	       !CU_add_test(s, "corrupt, unknown-version, oversized state changes nothing", test_corrupt_state_changes_nothing) ||
	       !CU_add_test(s, "string values without their NUL, freed at once", test_string_without_nul) ||
	       !CU_add_test(s, "every factory preset loads and plays", test_every_factory_preset_plays) ||
	       !CU_add_test(s, "a state with only a patch file (state:mapPath); the file moved: clear error, patch stays",
	                    test_state_with_only_a_patch_file) ||
	       !CU_add_test(s, "a saved text and file: the text plays after the file changed",
	                   test_state_text_and_file_after_the_file_changed) ||
	       !CU_add_test(s, "restored program versus the host setting the program port", test_restored_program_versus_the_port) ||
	       !CU_add_test(s, "patch:Get is answered with every readable value", test_patch_get_answers_every_readable) ||
	       !CU_add_test(s, "prime_ms is positive, plausible and the status's figure", test_prime_ms_is_the_status_figure)
#if defined(__x86_64__) || defined(__SSE__)
	       || !CU_add_test(s, "run() restores the host's floating-point mode (MXCSR)", test_run_restores_the_hosts_fp_mode)
#endif
		;
}
