/* SPDX-License-Identifier: ISC
 *
 * save() and restore(), on the host's non-real-time threads, possibly at
 * the same time as run() and work(). save() reads only the snapshot (the
 * text of the newest patch that built, behind a mutex that run() never
 * takes). restore() builds the stored patch through the host's worker when
 * it passes one, directly otherwise, and publishes it into the mailbox that
 * run() takes from; whatever is wrong with the state, the playing patch
 * stays and the log says why.
 */
#include "plugin.h"

#include <lv2/state/state.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_VERSION 1

/* Stores a file path through the host's path mapping (relative to the
 * session, and copied with it when the host does that). */
static LV2_State_Status
store_path(LV2_State_Store_Function store, LV2_State_Handle handle, const ChronusURIDs* u, LV2_URID key,
           const char* path, LV2_State_Map_Path* map_path, LV2_State_Free_Path* free_path)
{
	const uint32_t pod      = LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE;
	char*          abstract = map_path ? map_path->abstract_path(map_path->handle, path) : (char*)path;
	if (!abstract) {
		return LV2_STATE_SUCCESS;
	}
	const LV2_State_Status st = store(handle, key, abstract, strlen(abstract) + 1, u->atom_Path, pod);
	if (abstract != path) {
		if (free_path) {
			free_path->free_path(free_path->handle, abstract);
		} else {
			free(abstract);
		}
	}
	return st;
}

LV2_State_Status
chronus_save(LV2_Handle instance, LV2_State_Store_Function store, LV2_State_Handle handle, uint32_t flags,
             const LV2_Feature* const* features)
{
	(void)flags;
	Chronus*              self     = (Chronus*)instance;
	const ChronusURIDs*   u        = &self->uris;
	LV2_State_Map_Path*   map_path = NULL;
	LV2_State_Free_Path*  free_path = NULL;
	for (unsigned i = 0; features && features[i]; ++i) {
		if (!strcmp(features[i]->URI, LV2_STATE__mapPath)) {
			map_path = (LV2_State_Map_Path*)features[i]->data;
		} else if (!strcmp(features[i]->URI, LV2_STATE__freePath)) {
			free_path = (LV2_State_Free_Path*)features[i]->data;
		}
	}

	static __thread char scale[PATH_MAX_LEN], keymap[PATH_MAX_LEN];
	pthread_mutex_lock(&self->snapshot_lock);
	char* text = self->snapshot_text ? strdup(self->snapshot_text) : NULL;
	char* path = self->snapshot_path[0] ? strdup(self->snapshot_path) : NULL;
	snprintf(scale, sizeof scale, "%s", tuner_path(self->tuner, false));
	snprintf(keymap, sizeof keymap, "%s", tuner_path(self->tuner, true));
	pthread_mutex_unlock(&self->snapshot_lock);

	const int32_t version = STATE_VERSION;
	const uint32_t pod = LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE;
	LV2_State_Status st = store(handle, u->chronus_stateVersion, &version, sizeof(version), u->atom_Int, pod);
	const int32_t program = (int32_t)chronus_shared_control(self, CTRL_PROGRAM);
	if (st == LV2_STATE_SUCCESS) {
		st = store(handle, u->chronus_program, &program, sizeof(program), u->atom_Int, pod);
	}
	if (st == LV2_STATE_SUCCESS && text) {
		st = store(handle, u->chronus_patchText, text, strlen(text) + 1, u->atom_String, pod);
	}
	if (st == LV2_STATE_SUCCESS && path) {
		st = store_path(store, handle, u, u->chronus_patchFile, path, map_path, free_path);
	}
	if (st == LV2_STATE_SUCCESS && scale[0]) {
		st = store_path(store, handle, u, u->chronus_scaleFile, scale, map_path, free_path);
	}
	if (st == LV2_STATE_SUCCESS && keymap[0]) {
		st = store_path(store, handle, u, u->chronus_keymapFile, keymap, map_path, free_path);
	}
	free(text);
	free(path);
	return st;
}

/* A property as a NUL-terminated copy (hosts may free the value on the next
 * retrieve, and Carla gives string sizes without the NUL). NULL if absent;
 * *bad says why when present but unusable. */
static char*
copy_string(Chronus* self, LV2_State_Retrieve_Function retrieve, LV2_State_Handle handle, LV2_URID key,
            LV2_URID want_type, size_t max, const char* name, bool* bad)
{
	size_t      size = 0;
	uint32_t    type = 0, flags = 0;
	const char* v    = (const char*)retrieve(handle, key, &size, &type, &flags);
	if (!v) {
		return NULL;
	}
	if (type != want_type) {
		lv2_log_error(&self->logger, "Chronus: state property %s has the wrong type; keeping the current patch\n",
		              name);
		*bad = true;
		return NULL;
	}
	while (size && v[size - 1] == '\0') {
		--size;
	}
	if (size > max) {
		lv2_log_error(&self->logger, "Chronus: state property %s is %zu bytes, over the %zu limit; "
		                             "keeping the current patch\n",
		              name, size, max);
		*bad = true;
		return NULL;
	}
	if (memchr(v, '\0', size)) {
		lv2_log_error(&self->logger, "Chronus: state property %s holds a NUL byte; keeping the current patch\n",
		              name);
		*bad = true;
		return NULL;
	}
	char* copy = malloc(size + 1);
	if (copy) {
		memcpy(copy, v, size);
		copy[size] = '\0';
	}
	return copy;
}

/* A stored path made absolute through the host's mapping into out
 * (PATH_MAX_LEN bytes; "" when there is none). */
static void
restore_path(LV2_State_Map_Path* map_path, LV2_State_Free_Path* free_path, const char* stored, char* out)
{
	out[0] = '\0';
	if (!stored) {
		return;
	}
	char* absolute = map_path ? map_path->absolute_path(map_path->handle, stored) : NULL;
	snprintf(out, PATH_MAX_LEN, "%s", absolute ? absolute : stored);
	if (absolute) {
		if (free_path) {
			free_path->free_path(free_path->handle, absolute);
		} else {
			free(absolute);
		}
	}
}

LV2_State_Status
chronus_restore(LV2_Handle instance, LV2_State_Retrieve_Function retrieve, LV2_State_Handle handle,
                uint32_t flags, const LV2_Feature* const* features)
{
	(void)flags;
	Chronus*             self     = (Chronus*)instance;
	const ChronusURIDs*  u        = &self->uris;
	LV2_State_Map_Path*  map_path = NULL;
	LV2_State_Free_Path* free_path = NULL;
	LV2_Worker_Schedule* schedule = NULL;
	for (unsigned i = 0; features && features[i]; ++i) {
		if (!strcmp(features[i]->URI, LV2_STATE__mapPath)) {
			map_path = (LV2_State_Map_Path*)features[i]->data;
		} else if (!strcmp(features[i]->URI, LV2_STATE__freePath)) {
			free_path = (LV2_State_Free_Path*)features[i]->data;
		} else if (!strcmp(features[i]->URI, LV2_WORKER__schedule)) {
			schedule = (LV2_Worker_Schedule*)features[i]->data;
		}
	}

	size_t      size = 0;
	uint32_t    type = 0, vflags = 0;
	const void* v    = retrieve(handle, u->chronus_stateVersion, &size, &type, &vflags);
	if (v) {
		if (type != u->atom_Int || size != sizeof(int32_t)) {
			lv2_log_error(&self->logger, "Chronus: state version is not an integer; keeping the current patch\n");
			return LV2_STATE_ERR_BAD_TYPE;
		}
		const int32_t version = *(const int32_t*)v;
		if (version < 1 || version > STATE_VERSION) {
			lv2_log_error(&self->logger, "Chronus: state version %d is unknown (this build reads 1..%d); "
			                             "keeping the current patch\n",
			              (int)version, STATE_VERSION);
			return LV2_STATE_ERR_UNKNOWN;
		}
	}

	int32_t program = -1;
	v               = retrieve(handle, u->chronus_program, &size, &type, &vflags);
	if (v && type == u->atom_Int && size == sizeof(int32_t)) {
		program = *(const int32_t*)v;
	}

	bool  bad  = false;
	char* text = copy_string(self, retrieve, handle, u->chronus_patchText, u->atom_String, PATCH_MAX_TEXT,
	                         "patchText", &bad);
	char* file = copy_string(self, retrieve, handle, u->chronus_patchFile, u->atom_Path, PATH_MAX_LEN - 1,
	                         "patchFile", &bad);
	char* scale = copy_string(self, retrieve, handle, u->chronus_scaleFile, u->atom_Path, PATH_MAX_LEN - 1,
	                          "scaleFile", &bad);
	char* keymap = copy_string(self, retrieve, handle, u->chronus_keymapFile, u->atom_Path, PATH_MAX_LEN - 1,
	                           "keymapFile", &bad);
	if (bad) {
		free(text);
		free(file);
		free(scale);
		free(keymap);
		return LV2_STATE_ERR_BAD_TYPE;
	}
	char* absolute = NULL;
	if (file) {
		absolute = map_path ? map_path->absolute_path(map_path->handle, file) : NULL;
	}
	const char* path = absolute ? absolute : file;
	if (!text && !path) {
		lv2_log_note(&self->logger, "Chronus: state holds no patch; keeping the current one\n");
		free(file);
		free(scale);
		free(keymap);
		return LV2_STATE_SUCCESS;
	}

	Request* req = calloc(1, sizeof(Request));
	if (req) {
		req->live_seq = atomic_load_explicit(&self->live_seq_pub, memory_order_acquire);
	}
	if (!req) {
		free(text);
		free(file);
		free(scale);
		free(keymap);
		return LV2_STATE_ERR_UNKNOWN;
	}
	/* The state is the whole tuning: a file it does not hold is unloaded. */
	req->set_scale  = true;
	req->set_keymap = true;
	restore_path(map_path, free_path, scale, req->scale_path);
	restore_path(map_path, free_path, keymap, req->keymap_path);
	free(scale);
	free(keymap);
	req->heap = true;
	build_settings_default(&req->settings, self->rate);
	req->settings.warmup_frames = self->nominal_block;
	chronus_shared_settings(self, &req->settings);
	/* The text is what played when the state was saved; the file is only
	 * read when no text was stored. */
	if (text) {
		req->kind = REQ_TEXT;
		req->len  = strlen(text);
		memcpy(req->text, text, req->len);
		snprintf(req->path, sizeof(req->path), "%s", path ? path : "");
	} else {
		req->kind = REQ_FILE;
		req->len  = (size_t)snprintf(req->text, sizeof(req->text), "%s", path);
	}
	free(text);
	free(file);
	if (absolute) {
		if (free_path) {
			free_path->free_path(free_path->handle, absolute);
		} else {
			free(absolute);
		}
	}
	req->settings.generation = chronus_new_generation(self);
	atomic_store_explicit(&self->restored_program, program, memory_order_release);

	if (schedule) {
		const WorkMessage msg = {WORK_BUILD, req};
		if (schedule->schedule_work(schedule->handle, sizeof(msg), &msg) == LV2_WORKER_SUCCESS) {
			return LV2_STATE_SUCCESS; /* the worker owns and frees req */
		}
	}
	/* No worker for restore (Ardour loading a session), or it refused:
	 * build here; run() takes the result from the mailbox. */
	atomic_fetch_add_explicit(&self->builds_busy, 1, memory_order_acq_rel); /* until published (swap_state.c) */
	Outcome* o = chronus_build_outcome(self, req);
	free(req);
	if (o) {
		chronus_publish(self, o);
	}
	atomic_fetch_sub_explicit(&self->builds_busy, 1, memory_order_acq_rel);
	return LV2_STATE_SUCCESS;
}
