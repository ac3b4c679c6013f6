/* SPDX-License-Identifier: ISC
 *
 * libFuzzer target: the state interface's restore() (and save()). The
 * plugin is instantiated in-process as in fuzz_run.c (fuzz_host.h), then
 * restore() gets a retrieve function serving properties decoded from the
 * fuzz input — chronus#patchText, #patchFile, #scaleFile, #keymapFile,
 * #stateVersion, #program and
 * unknown keys, of any type, with sizes of 0, exact, cut, padded with NULs
 * or over the limits, random bytes, NULs inside — optionally with a
 * state:mapPath / state:freePath feature and a worker:schedule that runs
 * work() inline, later, or refuses. Every value is served in a buffer of
 * exactly its size that is freed on the next retrieve(), as hosts may do.
 * Then a few blocks run (audio must stay finite, see fh_block), and
 * optionally save() is checked (version 1, texts terminated, the saved text
 * parses) and its state restored again, which must succeed.
 *
 * Input: 5 header bytes (fh_instantiate), the state header and properties
 * below, then block records (fh_block). See tests/fuzz/README.md.
 */
#include "fuzz_host.h"

#include <limits.h>

int LLVMFuzzerInitialize(int* argc, char*** argv);
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#define MAX_PROPS 10u

typedef struct {
	uint32_t key, type, flags;
	size_t   size;
	uint8_t* value; /* size bytes (at least 1 allocated) */
} Prop;

typedef struct {
	Prop     props[MAX_PROPS + 8];
	unsigned n;
	void*    last_served; /* freed on the next retrieve, as hosts may */
	unsigned retrieves;
} Store;

static void
store_clear(Store* s)
{
	for (unsigned i = 0; i < s->n; ++i) {
		free(s->props[i].value);
	}
	free(s->last_served);
	memset(s, 0, sizeof *s);
}

static void
store_add(Store* s, uint32_t key, uint32_t type, uint32_t flags, const void* value, size_t size)
{
	if (s->n >= sizeof s->props / sizeof s->props[0]) {
		return;
	}
	Prop* p  = &s->props[s->n++];
	p->key   = key;
	p->type  = type;
	p->flags = flags;
	p->size  = size;
	p->value = malloc(size ? size : 1);
	FH_CHECK(p->value, "out of memory");
	if (size) {
		memcpy(p->value, value, size);
	}
}

static const void*
retrieve(LV2_State_Handle handle, uint32_t key, size_t* size, uint32_t* type, uint32_t* flags)
{
	Store* s = (Store*)handle;
	++s->retrieves;
	free(s->last_served);
	s->last_served = NULL;
	for (unsigned i = 0; i < s->n; ++i) {
		const Prop* p = &s->props[i];
		if (p->key == key) {
			/* A fresh copy of exactly size bytes: reads past it, or
			 * after the next retrieve(), are caught by ASan. */
			s->last_served = malloc(p->size ? p->size : 1);
			FH_CHECK(s->last_served, "out of memory");
			memcpy(s->last_served, p->value, p->size);
			*size  = p->size;
			*type  = p->type;
			*flags = p->flags;
			return s->last_served;
		}
	}
	return NULL;
}

/* ---- Path features. */

typedef struct {
	bool     null_result;
	unsigned mapped, freed;
} PathCtx;

static char*
absolute_path(LV2_State_Map_Path_Handle handle, const char* abstract)
{
	PathCtx* c = (PathCtx*)handle;
	if (c->null_result) {
		return NULL;
	}
	++c->mapped;
	char buf[8192];
	if (abstract[0] == '/') {
		/* Already absolute (and made safe by the harness). */
		snprintf(buf, sizeof buf, "%s", abstract);
	} else {
		bool known = false;
		for (unsigned i = 0; i < FH_N_FILES; ++i) {
			known |= !strcmp(abstract, fh_file_names[i]);
		}
		if (known) {
			snprintf(buf, sizeof buf, "%s/%s", fh_dir, abstract);
		} else {
			snprintf(buf, sizeof buf, "%s%s", FH_NONEXISTENT, abstract);
		}
	}
	return strdup(buf);
}

static char*
abstract_path(LV2_State_Map_Path_Handle handle, const char* absolute)
{
	PathCtx* c = (PathCtx*)handle;
	if (c->null_result) {
		return NULL;
	}
	++c->mapped;
	return strdup(absolute);
}

static void
free_path(LV2_State_Free_Path_Handle handle, char* path)
{
	PathCtx* c = (PathCtx*)handle;
	++c->freed;
	free(path);
}

/* ---- The worker restore() may be given. */

typedef enum { RW_HOST = 0, RW_INLINE, RW_DEFERRED, RW_REFUSE } RestoreWorker;

typedef struct {
	FhHost*       h;
	RestoreWorker mode;
} RestoreSchedule;

static LV2_Worker_Status
restore_schedule_work(LV2_Worker_Schedule_Handle handle, uint32_t size, const void* data)
{
	RestoreSchedule* rs = (RestoreSchedule*)handle;
	FhHost*          h  = rs->h;
	switch (rs->mode) {
	case RW_HOST: return fh_schedule_work(h, size, data);
	case RW_INLINE:
		/* Ardour loading a preset: work() on the calling thread. */
		h->in_work = true;
		h->worker->work(h->handle, fh_respond, h, size, data);
		h->in_work = false;
		return LV2_WORKER_SUCCESS;
	case RW_DEFERRED:
		if (h->n_work >= FH_QUEUE || size > sizeof h->work_q[0].data) {
			return LV2_WORKER_ERR_NO_SPACE;
		}
		h->work_q[h->n_work].size = size;
		memcpy(h->work_q[h->n_work].data, data, size);
		++h->n_work;
		return LV2_WORKER_SUCCESS;
	case RW_REFUSE: break;
	}
	return LV2_WORKER_ERR_NO_SPACE;
}

/* ---- Properties from the fuzz input. */

static void
add_fuzz_prop(Store* s, Reader* r)
{
	const uint8_t ksel = rd_u8(r);
	const uint8_t tsel = rd_u8(r);
	const uint32_t flags = rd_u8(r);
	const uint8_t csel = rd_u8(r);
	const uint8_t zsel = rd_u8(r);

	uint32_t key;
	switch (ksel % 10u) {
	case 0:
	case 6: key = fh_u.chronus_patchText; break;
	case 1: key = fh_u.chronus_patchFile; break;
	case 2: key = fh_u.chronus_stateVersion; break;
	case 3: key = fh_u.chronus_program; break;
	case 4: key = fh_u.chronus_status; break;
	case 5: key = 9999; break;
	case 8: key = fh_u.chronus_scaleFile; break;
	case 9: key = fh_u.chronus_keymapFile; break;
	default: key = rd_u32(r); break;
	}
	const bool is_path = key == fh_u.chronus_patchFile || key == fh_u.chronus_scaleFile ||
	                     key == fh_u.chronus_keymapFile;
	const uint32_t types[12] = {fh_u.atom_String, fh_u.atom_Path,   fh_u.atom_Int,  fh_u.atom_Float,
	                            fh_u.atom_URID,   fh_u.atom_Chunk,  fh_u.atom_Long, fh_u.atom_Double,
	                            fh_u.atom_Bool,   0,                9999,           fh_u.atom_Object};
	/* Mostly the right type for the key, sometimes any. */
	uint32_t type = types[tsel % 12u];
	if (tsel < 128) {
		type = key == fh_u.chronus_patchText   ? fh_u.atom_String
		       : is_path                       ? fh_u.atom_Path
		       : (key == fh_u.chronus_stateVersion || key == fh_u.chronus_program) ? fh_u.atom_Int
		                                                                           : type;
	}

	/* The content. */
	static uint8_t buf[(1u << 20) + 16];
	size_t         len    = 0;
	bool           safe   = false; /* a path the plugin may open as it is */
	switch (csel % 8u) {
	case 0: {
		const uint8_t* raw;
		len = rd_bytes(r, rd_u16(r), &raw);
		memcpy(buf, raw, len);
		break;
	}
	case 1: {
		const FactoryPatch* fp = &factory_patches[rd_u8(r) % factory_patch_count];
		len                    = fp->len;
		memcpy(buf, fp->text, len);
		break;
	}
	case 2: len = fh_fuzz_path(r, (char*)buf, 8192, true); safe = true; break;
	case 3: {
		static const int32_t ints[8] = {1, 0, 2, -1, INT32_MAX, INT32_MIN, 12, 13};
		const int32_t        v       = ints[rd_u8(r) % 8u];
		memcpy(buf, &v, sizeof v);
		len = sizeof v;
		break;
	}
	case 4: {
		const uint32_t v = rd_u32(r);
		memcpy(buf, &v, sizeof v);
		len = sizeof v;
		break;
	}
	case 5: {
		/* Around the 65536-byte limit: a factory patch, then comments. */
		const FactoryPatch* fp = &factory_patches[rd_u8(r) % factory_patch_count];
		len                    = PATCH_MAX_TEXT - 2u + rd_u8(r) % 5u;
		memcpy(buf, fp->text, fp->len);
		for (size_t i = fp->len; i < len; ++i) {
			const size_t col = (i - fp->len) % 80u;
			buf[i]           = col == 0 ? '#' : (col == 79 ? '\n' : 'x');
		}
		break;
	}
	case 6:
		len = 1u << 20; /* 1 MiB */
		memset(buf, 'a', len);
		break;
	case 7: {
		const FactoryPatch* fp = &factory_patches[rd_u8(r) % factory_patch_count];
		len                    = fp->len;
		memcpy(buf, fp->text, len);
		buf[rd_u16(r) % len] = '\0';
		break;
	}
	}
	if (is_path && !safe) {
		/* Whatever it holds, never a path outside the fuzz files. */
		const size_t pre = sizeof FH_NONEXISTENT - 1;
		if (len > sizeof buf - pre - 8) {
			len = sizeof buf - pre - 8;
		}
		memmove(buf + pre, buf, len);
		memcpy(buf, FH_NONEXISTENT, pre);
		len += pre;
	}

	/* The size the host gives. */
	size_t size = len;
	switch (zsel % 6u) {
	case 0: break;
	case 1: buf[len] = '\0'; size = len + 1; break;
	case 2: memset(buf + len, 0, 3); size = len + 3; break;
	case 3: size = 0; break;
	case 4: size = len ? len - 1 : 0; break;
	case 5:
		if (len < 4) {
			memset(buf + len, 0, 4 - len);
		}
		size = 4;
		break;
	}
	store_add(s, key, type, flags, buf, size);
}

/* ---- save(), checked, then restored again. */

static LV2_State_Status
store_fn(LV2_State_Handle handle, uint32_t key, const void* value, size_t size, uint32_t type, uint32_t flags)
{
	Store* s = (Store*)handle;
	FH_CHECK(value != NULL, "store of key %u with a NULL value", key);
	for (unsigned i = 0; i < s->n; ++i) {
		FH_CHECK(s->props[i].key != key, "key %u stored twice", key);
	}
	store_add(s, key, type, flags, value, size);
	return LV2_STATE_SUCCESS;
}

static const Prop*
find(const Store* s, uint32_t key)
{
	for (unsigned i = 0; i < s->n; ++i) {
		if (s->props[i].key == key) {
			return &s->props[i];
		}
	}
	return NULL;
}

static void
check_saved(const Store* s)
{
	const Prop* v = find(s, fh_u.chronus_stateVersion);
	FH_CHECK(v && v->type == fh_u.atom_Int && v->size == sizeof(int32_t), "saved state version missing or bad");
	int32_t version;
	memcpy(&version, v->value, sizeof version);
	FH_CHECK(version == 1, "saved state version %d", (int)version);
	const Prop* t = find(s, fh_u.chronus_patchText);
	if (t) {
		FH_CHECK(t->type == fh_u.atom_String, "saved patchText type %u", t->type);
		FH_CHECK(t->size >= 1 && t->value[t->size - 1] == '\0' && strlen((const char*)t->value) == t->size - 1,
		         "saved patchText of %zu bytes is not one NUL-terminated string", t->size);
		/* What save() stores is the newest patch that built. */
		static Patch patch;
		PatchError   err;
		FH_CHECK(patch_parse((const char*)t->value, t->size - 1, &patch, &err),
		         "saved patchText does not parse: %s", err.message);
	}
	const LV2_URID paths[3] = {fh_u.chronus_patchFile, fh_u.chronus_scaleFile, fh_u.chronus_keymapFile};
	for (unsigned i = 0; i < 3; ++i) {
		const Prop* f = find(s, paths[i]);
		if (f) {
			FH_CHECK(f->type == fh_u.atom_Path, "saved path %u of type %u", i, f->type);
			FH_CHECK(f->size >= 2 && f->value[f->size - 1] == '\0' &&
			                 strlen((const char*)f->value) == f->size - 1,
			         "saved path %u of %zu bytes is not one NUL-terminated string", i, f->size);
		}
	}
}

int
LLVMFuzzerInitialize(int* argc, char*** argv)
{
	(void)argc;
	(void)argv;
	fh_init_once();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static FhHost host;
	static Store  st, saved;
	FhHost*       h = &host;
	Reader        r = {data, size};
	uint8_t       flags;
	fh_init_once();
	if (!fh_instantiate(h, &r, &flags)) {
		fh_cleanup(h);
		return 0;
	}

	/* State header: bits 0-1 restore's worker (none, the host's,
	 * inline, deferred; a refusing one with bit 7), bit 2 mapPath, bit 3
	 * freePath, bit 4 the first block record runs before restore, bit 5 save + check + restore
	 * again, bit 6 restore twice, bit 7 mapPath gives NULL / worker
	 * refuses. */
	const uint8_t sflags  = rd_u8(&r);
	const unsigned nprops = rd_u8(&r) % (MAX_PROPS + 1u);
	store_clear(&st);
	for (unsigned i = 0; i < nprops; ++i) {
		add_fuzz_prop(&st, &r);
	}

	PathCtx             pc       = {(sflags & 0x80u) != 0, 0, 0};
	LV2_State_Map_Path  map_path = {&pc, abstract_path, absolute_path};
	LV2_State_Free_Path fp       = {&pc, free_path};
	RestoreSchedule     rs       = {h, RW_HOST};
	LV2_Worker_Schedule sched    = {&rs, restore_schedule_work};
	LV2_Feature         f_map_path  = {LV2_STATE__mapPath, &map_path};
	LV2_Feature         f_free_path = {LV2_STATE__freePath, &fp};
	LV2_Feature         f_sched     = {LV2_WORKER__schedule, &sched};
	const LV2_Feature*  features[8];
	unsigned            nf = 0;
	switch (sflags & 3u) {
	case 0: break;
	case 1: rs.mode = h->mode == FH_WORKER_NONE ? RW_INLINE : RW_HOST; features[nf++] = &f_sched; break;
	case 2: rs.mode = (sflags & 0x80u) ? RW_REFUSE : RW_INLINE; features[nf++] = &f_sched; break;
	case 3: rs.mode = RW_DEFERRED; features[nf++] = &f_sched; break;
	}
	if (sflags & 0x04u) {
		features[nf++] = &f_map_path;
	}
	if (sflags & 0x08u) {
		features[nf++] = &f_free_path;
	}
	features[nf] = NULL;

	Reader none = {NULL, 0};
	if (sflags & 0x10u) {
		fh_block(h, &r, 0); /* the first block record, before restore() */
	}
	for (int k = 0; k < ((sflags & 0x40u) ? 2 : 1); ++k) {
		st.retrieves = 0;
		h->state->restore(h->handle, retrieve, &st, 0, features);
		free(st.last_served);
		st.last_served = NULL;
		FH_CHECK(pc.freed <= pc.mapped, "freePath called %u times for %u mapped paths", pc.freed, pc.mapped);
		if (!h->late_delivery) {
			fh_deliver(h);
		}
	}

	for (unsigned b = 1; b < 1u + FH_MAX_BLOCKS / 2u && (b == 1 || r.n); ++b) {
		fh_block(h, &r, b);
	}
	fh_block(h, &none, FH_MAX_BLOCKS);

	if (sflags & 0x20u) {
		store_clear(&saved);
		const LV2_Feature* sfeat[3] = {&f_map_path, &f_free_path, NULL};
		pc.null_result              = false;
		const LV2_State_Status ss   = h->state->save(h->handle, store_fn, &saved, LV2_STATE_IS_POD, sfeat);
		FH_CHECK(ss == LV2_STATE_SUCCESS, "save() returned %d", (int)ss);
		check_saved(&saved);
		const LV2_State_Status rs2 = h->state->restore(h->handle, retrieve, &saved, 0, NULL);
		free(saved.last_served);
		saved.last_served = NULL;
		FH_CHECK(rs2 == LV2_STATE_SUCCESS, "restoring what save() stored returned %d", (int)rs2);
		fh_block(h, &none, FH_MAX_BLOCKS + 1);
		store_clear(&saved);
	}

	fh_cleanup(h);
	store_clear(&st);
	return 0;
}
