/* SPDX-License-Identifier: ISC
 *
 * The worker side of the two-slot engine. work() runs in the host's worker
 * thread (or inline in schedule_work while exporting, or on a GUI thread):
 * it builds, primes and verifies slots and frees retired ones.
 * work_response() may run in the audio thread or any other thread at the
 * same time as run(), so it only publishes into atomic boxes.
 */
#include "plugin.h"

#include "compile.h"
#include "factory_patches.h"
#include "graph_desc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void
chronus_outcome_free(Outcome* o)
{
	if (o) {
		slot_free(o->slot);
		free(o->text);
		free(o->graph);
		free(o);
	}
}

/* Reads a patch file; on failure says why in out->status_text. */
static char*
read_patch_file(const char* path, size_t* len, Outcome* out)
{
	FILE* f = fopen(path, "rb");
	if (!f) {
		snprintf(out->status_text, sizeof(out->status_text), "cannot open patch file '%.200s': %s", path,
		         strerror(errno));
		return NULL;
	}
	char*  buf = malloc(PATCH_MAX_TEXT + 1);
	size_t n   = buf ? fread(buf, 1, PATCH_MAX_TEXT + 1, f) : 0;
	const bool bad = buf && ferror(f);
	fclose(f);
	if (!buf || bad || n > PATCH_MAX_TEXT) {
		snprintf(out->status_text, sizeof(out->status_text),
		         !buf ? "out of memory reading '%.200s'"
		              : (bad ? "cannot read patch file '%.200s'" : "patch file '%.200s' is larger than 65536 bytes"),
		         path);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* A file's stamp; false when it cannot be read now (it may be between the
 * two steps of an editor's save by rename). */
static bool
file_stamp(const char* path, FileStamp* out)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		return false;
	}
	out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	out->size     = (int64_t)st.st_size;
	out->inode    = (uint64_t)st.st_ino;
	return true;
}

static void
log_outcome(Chronus* self, const Outcome* o)
{
	pthread_mutex_lock(&self->snapshot_lock); /* for OSC's /engine/status */
	snprintf(o->slot ? self->last_status : self->last_error, STATUS_MAX, "%s", o->status_text);
	pthread_mutex_unlock(&self->snapshot_lock);
	if (o->slot && strstr(o->status_text, "; warning: ")) {
		lv2_log_warning(&self->logger, "Chronus: %s\n", o->status_text);
	} else if (o->slot) {
		lv2_log_note(&self->logger, "Chronus: %s\n", o->status_text);
	} else {
		lv2_log_error(&self->logger, "Chronus: patch rejected: %s\n", o->status_text);
	}
}

/* Loads the tuning files a request carries, before its build (and even
 * when the build is superseded: the file was sent all the same). false:
 * one would not load; why is in err, and nothing changed. */
static bool
load_tuning_files(Chronus* self, const Request* req, PatchError* err)
{
	bool ok = true;
	pthread_mutex_lock(&self->snapshot_lock);
	if (req->set_scale) {
		ok = tuner_load(self->tuner, false, req->scale_path, req->settings.tune_key, req->settings.tune_hz, err);
	}
	if (ok && req->set_keymap) {
		ok = tuner_load(self->tuner, true, req->keymap_path, req->settings.tune_key, req->settings.tune_hz, err);
	}
	pthread_mutex_unlock(&self->snapshot_lock);
	if (!ok) {
		lv2_log_error(&self->logger, "Chronus: tuning not changed: %s\n", err->message);
	}
	return ok;
}

uint32_t
chronus_new_generation(Chronus* self)
{
	const uint32_t g   = atomic_fetch_add_explicit(&self->generations, 1, memory_order_relaxed) + 1;
	uint32_t       cur = atomic_load_explicit(&self->latest_generation, memory_order_relaxed);
	while ((int32_t)(g - cur) > 0 &&
	       !atomic_compare_exchange_weak_explicit(&self->latest_generation, &cur, g, memory_order_release,
	                                              memory_order_relaxed)) {
	}
	return g;
}

Outcome*
chronus_build_outcome(Chronus* self, const Request* req)
{
	const BuildSettings* settings = &req->settings;
	Outcome*             o        = calloc(1, sizeof(Outcome));
	if (!o) {
		return NULL;
	}
	o->generation = settings->generation;
	o->program    = (int)CTRL_CUSTOM_PATCH;
	/* A new patch holds no live set: those made before it was asked for
	 * were the old one's. */
	o->live_seq   = req->live_seq;
	char*  owned  = NULL;
	size_t n      = 0;
	PatchError terr = {0};
	char       tuning_warning[STATUS_MAX] = "";
	if (!load_tuning_files(self, req, &terr)) {
		if (req->kind == REQ_REBUILD) {
			/* A tuning change alone: the patch plays on in the tuning
			 * it had, and the error outputs say where the file is wrong. */
			o->error_line   = terr.line;
			o->error_column = terr.col;
			snprintf(o->status_text, sizeof(o->status_text), "%s", terr.message);
			return o;
		}
		/* A patch (a restored state, a program) still loads, in the
		 * tuning that was in effect; its status says what failed. */
		snprintf(tuning_warning, sizeof(tuning_warning), "%s", terr.message);
	}
	if (req->kind == REQ_FILE) {
		snprintf(o->path, sizeof(o->path), "%.*s", (int)req->len, req->text);
		owned = read_patch_file(o->path, &n, o);
	} else if (req->kind == REQ_REBUILD) {
		pthread_mutex_lock(&self->snapshot_lock);
		o->live_seq = self->snapshot_live_seq;
		n     = self->snapshot_len;
		owned = malloc(n + 1);
		if (owned) {
			memcpy(owned, self->snapshot_text ? self->snapshot_text : "", n);
		}
		snprintf(o->path, sizeof(o->path), "%s", self->snapshot_path);
		pthread_mutex_unlock(&self->snapshot_lock);
	} else {
		const char* text = req->text;
		n                = req->len;
		if (req->kind == REQ_PROGRAM) {
			const unsigned k = req->program < factory_patch_count ? req->program : 0;
			text             = factory_patches[k].text;
			n                = factory_patches[k].len;
		}
		owned = malloc(n + 1);
		if (owned) {
			memcpy(owned, text, n);
		}
		snprintf(o->path, sizeof(o->path), "%s", req->path);
	}
	if (!owned) {
		if (!o->status_text[0]) {
			snprintf(o->status_text, sizeof(o->status_text), "out of memory");
		}
		log_outcome(self, o);
		return o;
	}
	owned[n]    = '\0';
	o->text     = owned;
	o->text_len = n;

	/* The tuning every build plays: the files loaded and the ports. */
	static __thread Tuning tuning;
	bool                   equal = true;
	BuildSettings          bs    = *settings;
	pthread_mutex_lock(&self->snapshot_lock);
	const bool tuned = tuner_table(self->tuner, bs.tune_key, bs.tune_hz, &tuning, &equal, &terr);
	snprintf(o->scale_path, sizeof(o->scale_path), "%s", tuner_path(self->tuner, false));
	snprintf(o->keymap_path, sizeof(o->keymap_path), "%s", tuner_path(self->tuner, true));
	pthread_mutex_unlock(&self->snapshot_lock);
	if (!tuned) {
		snprintf(o->status_text, sizeof(o->status_text), "tuning: %s", terr.message);
		log_outcome(self, o);
		return o;
	}
	bs.key_pitch = equal ? NULL : tuning.note;
	/* A `wavetable` file's relative path starts at the patch file's folder
	 * (the working directory for a text with no file). */
	char  dir[PATH_MAX_LEN];
	snprintf(dir, sizeof(dir), "%s", o->path[0] ? o->path : "");
	char* slash = strrchr(dir, '/');
	if (slash) {
		slash[slash == dir ? 1 : 0] = '\0';
	} else {
		dir[0] = '\0';
	}
	bs.base_dir = dir;

	/* The UI's description of the graph, made from the compiled slot;
	 * run() copies it to the notify port without allocating. */
	o->graph     = malloc(GRAPH_DESC_MAX);
	bs.graph     = o->graph;
	bs.graph_cap = o->graph ? GRAPH_DESC_MAX : 0;
	BuildReport report;
	o->slot      = build_slot(owned, n, &bs, &report);
	o->graph_len = o->slot ? (uint32_t)report.graph_len : 0;
	o->prime_ms = report.prime_ms;
	if (o->slot) {
		o->program = chronus_factory_program(owned, n);
		const char* title = slot_title(o->slot)[0] ? slot_title(o->slot) : "untitled patch";
		const int   used  = snprintf(o->status_text, sizeof(o->status_text), "%s: primed in %.2f ms", title,
		                             o->prime_ms);
		if (report.warning[0] && used > 0 && (size_t)used < sizeof(o->status_text)) {
			/* a silent warm-up swaps in; the status says why it is silent */
			snprintf(o->status_text + used, sizeof(o->status_text) - (size_t)used, "; warning: %s",
			         report.warning);
		}
		const size_t at = strlen(o->status_text);
		if (tuning_warning[0] && at < sizeof(o->status_text)) {
			snprintf(o->status_text + at, sizeof(o->status_text) - at, "; warning: %s", tuning_warning);
		}
		/* save() stores what plays: the newest patch that built. */
		char* snap = malloc(n + 1);
		if (snap) {
			memcpy(snap, owned, n + 1);
			pthread_mutex_lock(&self->snapshot_lock);
			free(self->snapshot_text);
			self->snapshot_text     = snap;
			self->snapshot_len      = n;
			self->snapshot_live_seq = o->live_seq;
			++self->snapshot_version;
			snprintf(self->last_title, sizeof(self->last_title), "%s", slot_title(o->slot));
			self->last_prime_ms = o->prime_ms;
			snprintf(self->snapshot_path, sizeof(self->snapshot_path), "%s", o->path);
			pthread_mutex_unlock(&self->snapshot_lock);
		}
		if (req->kind != REQ_REBUILD) {
			/* Hot reload watches the file this patch came from, from as
			 * it is now: a restored session's text plays until the file
			 * is saved again. A rebuild keeps the stamp it had, so a save
			 * made just before it is still seen. */
			FileStamp  stamp = {0};
			const bool seen  = o->path[0] && file_stamp(o->path, &stamp);
			pthread_mutex_lock(&self->snapshot_lock);
			snprintf(self->watch_path, sizeof(self->watch_path), "%s", seen ? o->path : "");
			self->watch_stamp = stamp;
			pthread_mutex_unlock(&self->snapshot_lock);
		}
		const size_t end = strlen(o->status_text);
		if (req->reload && end < sizeof(o->status_text)) {
			snprintf(o->status_text + end, sizeof(o->status_text) - end, " (reloaded: the file changed)");
		}
	} else if (o->path[0]) {
		o->error_line   = report.error.line;
		o->error_column = report.error.col;
		if (req->kind == REQ_FILE && !req->reload) {
			/* A file asked for and refused: the patch plays on, and hot
			 * reload now watches the refused file, so the save that mends
			 * it brings it in (the UI's "Edit file" opens it at the
			 * error's line). A file that cannot be read leaves the watch. */
			FileStamp stamp = {0};
			if (file_stamp(o->path, &stamp)) {
				pthread_mutex_lock(&self->snapshot_lock);
				snprintf(self->watch_path, sizeof(self->watch_path), "%s", o->path);
				self->watch_stamp = stamp;
				pthread_mutex_unlock(&self->snapshot_lock);
			}
		}
		/* A long path keeps its end: the file's name is what the user reads. */
		const size_t plen = strlen(o->path);
		snprintf(o->status_text, sizeof(o->status_text), "%s%.60s: %.250s", plen > 60 ? "..." : "",
		         o->path + (plen > 60 ? plen - 57 : 0), report.error.message);
	} else {
		o->error_line   = report.error.line;
		o->error_column = report.error.col;
		snprintf(o->status_text, sizeof(o->status_text), "%s", report.error.message);
	}
	log_outcome(self, o);
	return o;
}

static bool
superseded(Chronus* self, uint32_t generation)
{
	return generation != atomic_load_explicit(&self->latest_generation, memory_order_acquire);
}

/* A finished build to run(): through the host's response ring, or, when
 * that is full, published here as restore() does (the mailbox is safe
 * from any thread) rather than lose the newest build. */
static void
reply_outcome(Chronus* self, LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle, Outcome* o)
{
	WorkMessage reply = {o->slot ? WORK_PRIMED : WORK_REJECTED, o};
	/* counted until work_response() publishes it, so the swap in progress
	 * shows no gap between the build and run() taking it */
	atomic_fetch_add_explicit(&self->replies_busy, 1, memory_order_acq_rel);
	if (respond(handle, sizeof(reply), &reply) != LV2_WORKER_SUCCESS) {
		chronus_publish(self, o);
		atomic_fetch_sub_explicit(&self->replies_busy, 1, memory_order_acq_rel);
	}
}

/* Hot reload: has the playing patch's file changed on disk since it was
 * read? Then build it again, as a newest request (latest wins), with the
 * controls as they are now; a broken file is rejected like any other and
 * the patch plays on. Its stamp is taken before the build, so one save is
 * one build, a broken one included. */
static void
check_file(Chronus* self, LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle)
{
	Request* req = calloc(1, sizeof(Request));
	if (!req) {
		return;
	}
	FileStamp was, now;
	pthread_mutex_lock(&self->snapshot_lock);
	snprintf(req->text, sizeof(req->text), "%s", self->watch_path);
	was = self->watch_stamp;
	pthread_mutex_unlock(&self->snapshot_lock);
	if (!req->text[0] || !file_stamp(req->text, &now) ||
	    (now.mtime_ns == was.mtime_ns && now.size == was.size && now.inode == was.inode)) {
		free(req);
		return;
	}
	pthread_mutex_lock(&self->snapshot_lock);
	if (!strcmp(self->watch_path, req->text)) {
		self->watch_stamp = now;
	}
	pthread_mutex_unlock(&self->snapshot_lock);
	req->heap     = true;
	req->reload   = true;
	req->live_seq = atomic_load_explicit(&self->live_seq_pub, memory_order_acquire);
	req->kind   = REQ_FILE;
	req->len    = strlen(req->text);
	build_settings_default(&req->settings, self->rate);
	req->settings.warmup_frames = self->nominal_block;
	chronus_shared_settings(self, &req->settings);
	req->settings.generation = chronus_new_generation(self);
	atomic_fetch_add_explicit(&self->builds_busy, 1, memory_order_acq_rel); /* until replied */
	Outcome* o = chronus_build_outcome(self, req);
	free(req);
	if (o && superseded(self, o->generation)) {
		chronus_outcome_free(o);
	} else if (o) {
		reply_outcome(self, respond, handle, o);
	}
	atomic_fetch_sub_explicit(&self->builds_busy, 1, memory_order_acq_rel);
}

/* WORK_BUILD: build the request unless a newer one superseded it, free
 * it, and reply with the outcome. */
static void
build_request(Chronus* self, LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle, Request* req)
{
	const uint32_t gen = req->settings.generation;
	Outcome*       o   = NULL;
	if (!superseded(self, gen)) {
		o = chronus_build_outcome(self, req);
	} else if (req->set_scale || req->set_keymap) {
		PatchError err;
		load_tuning_files(self, req, &err); /* the newer build plays it */
	}
	if (req->heap) {
		free(req);
	} else {
		atomic_store_explicit(&req->state, REQ_FREE, memory_order_release);
	}
	if (!o) {
		return; /* a newer request replaces this one */
	}
	if (superseded(self, gen)) {
		chronus_outcome_free(o); /* finished too late: never swapped in */
		return;
	}
	reply_outcome(self, respond, handle, o);
}

LV2_Worker_Status
chronus_work(LV2_Handle instance, LV2_Worker_Respond_Function respond, LV2_Worker_Respond_Handle handle,
             uint32_t size, const void* data)
{
	Chronus* self = (Chronus*)instance;
	if (size == sizeof(LiveSetMessage)) {
		LiveSetMessage m;
		memcpy(&m, data, sizeof(m));
		if (m.type != WORK_LIVE_SET) {
			return LV2_WORKER_ERR_UNKNOWN;
		}
		chronus_live_remember(self, &m);
		return LV2_WORKER_SUCCESS;
	}
	if (size != sizeof(WorkMessage)) {
		return LV2_WORKER_ERR_UNKNOWN;
	}
	WorkMessage msg;
	memcpy(&msg, data, sizeof(msg));
	if (msg.type == WORK_RETIRE) {
		chronus_outcome_free((Outcome*)msg.ptr);
		return LV2_WORKER_SUCCESS;
	}
	if (msg.type == WORK_OSC_PORT) {
		osc_listen(self->osc, (unsigned)(uintptr_t)msg.ptr);
		return LV2_WORKER_SUCCESS;
	}
	if (msg.type == WORK_CHECK_FILE) {
		check_file(self, respond, handle);
		atomic_store_explicit(&self->checking_file, false, memory_order_release);
		return LV2_WORKER_SUCCESS;
	}
	if (msg.type != WORK_BUILD) {
		return LV2_WORKER_ERR_UNKNOWN;
	}
	/* counted from here until the reply is in the host's ring (then
	 * replies_busy counts it): the request stops being QUEUED below */
	atomic_fetch_add_explicit(&self->builds_busy, 1, memory_order_acq_rel);
	build_request(self, respond, handle, (Request*)msg.ptr);
	atomic_fetch_sub_explicit(&self->builds_busy, 1, memory_order_acq_rel);
	return LV2_WORKER_SUCCESS;
}

static void
push_retire(Chronus* self, Outcome* o)
{
	Outcome* head = atomic_load_explicit(&self->retire_stack, memory_order_relaxed);
	do {
		o->next = head;
	} while (!atomic_compare_exchange_weak_explicit(&self->retire_stack, &head, o, memory_order_release,
	                                                memory_order_relaxed));
}

void
chronus_publish(Chronus* self, Outcome* o)
{
	Outcome* cur = atomic_load_explicit(&self->mailbox, memory_order_acquire);
	for (;;) {
		if (cur && (int32_t)(cur->generation - o->generation) > 0) {
			push_retire(self, o); /* an even newer result is already there */
			return;
		}
		if (atomic_compare_exchange_weak_explicit(&self->mailbox, &cur, o, memory_order_acq_rel,
		                                          memory_order_acquire)) {
			if (cur) {
				push_retire(self, cur); /* latest wins */
			}
			return;
		}
	}
}

LV2_Worker_Status
chronus_work_response(LV2_Handle instance, uint32_t size, const void* data)
{
	Chronus* self = (Chronus*)instance;
	if (size != sizeof(WorkMessage)) {
		return LV2_WORKER_ERR_UNKNOWN;
	}
	WorkMessage msg;
	memcpy(&msg, data, sizeof(msg));
	if ((msg.type == WORK_PRIMED || msg.type == WORK_REJECTED) && msg.ptr) {
		chronus_publish(self, (Outcome*)msg.ptr);
		atomic_fetch_sub_explicit(&self->replies_busy, 1, memory_order_acq_rel);
	}
	return LV2_WORKER_SUCCESS;
}
