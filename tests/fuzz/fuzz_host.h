/* SPDX-License-Identifier: ISC
 *
 * A minimal in-process LV2 host for the fuzz targets fuzz_run.c and
 * fuzz_state.c: the plugin's sources are linked in and driven through
 * lv2_descriptor(0). URID map, log, options, a worker:schedule that runs
 * work() inline (or later) and delivers responses after run(), ports,
 * control sequences built from fuzz bytes, and checks of what run() writes.
 *
 * Included by exactly one translation unit per fuzzer, so everything here
 * is static. The byte encoding is described in tests/fuzz/README.md.
 */
#ifndef CHRONUS_FUZZ_HOST_H
#define CHRONUS_FUZZ_HOST_H

#include "controls.h"
#include "factory_patches.h"
#include "patch.h"
#include "uris.h"

#include <lv2/atom/atom.h>
#include <lv2/atom/util.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/core/lv2.h>
#include <lv2/log/log.h>
#include <lv2/midi/midi.h>
#include <lv2/options/options.h>
#include <lv2/patch/patch.h>
#include <lv2/time/time.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define FH_POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define FH_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#endif
#endif
/* gcc before 14 has no __has_feature: it says ASan with a macro. */
#if !defined(FH_POISON) && defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define FH_POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define FH_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#endif
#ifndef FH_POISON
#define FH_POISON(p, n)   ((void)(p), (void)(n))
#define FH_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define FH_CHECK(cond, ...)                                                   \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "fuzz host: check failed: %s\n  ", #cond); \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
			abort();                                              \
		}                                                             \
	} while (0)

/* Port indices: the atom and audio ports, then the control table's ports
 * (src/controls.h) in its order. */
enum {
	FH_P_CONTROL = 0,
	FH_P_NOTIFY,
	FH_P_OUT_L,
	FH_P_OUT_R,
	FH_P_COUNT = CTRL_FIRST_PORT + CTRL_COUNT
};

#define FH_MAX_BLOCK     4096u
#define FH_CONTROL_CAP   70000u  /* rsz:minimumSize of the control port */
#define FH_NOTIFY_CAP    140000u /* rsz:minimumSize of the notify port */
#define FH_CONTROL_ALLOC 70016u  /* multiples of 64 for aligned_alloc */
#define FH_NOTIFY_ALLOC  140032u /* header + FH_NOTIFY_CAP, rounded up */
#define FH_MAX_BLOCKS    12u
#define FH_MAX_FRAMES    24576u  /* per input, to keep executions fast */
#define FH_MAX_EVENTS    48u     /* per input: every patch:Set is a build */
#define FH_QUEUE         64u
#define FH_NONEXISTENT   "/nonexistent-chronus-fuzz/"

/* ---- Reading the fuzz input: never past its end, zeros once it is out. */

typedef struct {
	const uint8_t* p;
	size_t         n;
} Reader;

static uint8_t
rd_u8(Reader* r)
{
	if (!r->n) {
		return 0;
	}
	--r->n;
	return *r->p++;
}

static uint16_t
rd_u16(Reader* r)
{
	const uint16_t lo = rd_u8(r);
	return (uint16_t)(lo | (uint16_t)rd_u8(r) << 8);
}

static uint32_t
rd_u32(Reader* r)
{
	const uint32_t lo = rd_u16(r);
	return lo | (uint32_t)rd_u16(r) << 16;
}

static size_t
rd_bytes(Reader* r, size_t want, const uint8_t** out)
{
	const size_t n = want < r->n ? want : r->n;
	*out           = r->p;
	r->p += n;
	r->n -= n;
	return n;
}

/* ---- URID map: one global table, so URIDs are the same in every run. */

static char*    fh_uri_table[256];
static unsigned fh_n_uris;

static LV2_URID
fh_map(LV2_URID_Map_Handle handle, const char* uri)
{
	(void)handle;
	for (unsigned i = 0; i < fh_n_uris; ++i) {
		if (!strcmp(fh_uri_table[i], uri)) {
			return i + 1;
		}
	}
	FH_CHECK(fh_n_uris < sizeof fh_uri_table / sizeof fh_uri_table[0], "URID table full");
	fh_uri_table[fh_n_uris] = strdup(uri);
	return ++fh_n_uris;
}

static const char*
fh_unmap(LV2_URID_Unmap_Handle handle, LV2_URID urid)
{
	(void)handle;
	return urid >= 1 && urid <= fh_n_uris ? fh_uri_table[urid - 1] : NULL;
}

static LV2_URID_Map   fh_map_feature_data   = {NULL, fh_map};
static LV2_URID_Unmap fh_unmap_feature_data = {NULL, fh_unmap};

typedef struct {
	LV2_URID atom_Blank, atom_Bool, atom_Chunk, atom_Double, atom_Float, atom_Int, atom_Long, atom_Object,
	        atom_Path, atom_Property, atom_Sequence, atom_String, atom_URID, atom_Vector, atom_Tuple,
	        midi_MidiEvent, patch_Get, patch_Set, patch_Put, patch_property, patch_value, patch_subject,
	        chronus_patchText, chronus_patchFile, chronus_status, chronus_stateVersion, chronus_program,
	        chronus_scaleFile, chronus_keymapFile, chronus_set, bufsz_nominal, bufsz_max, bufsz_min, unknown_mapped,
	        time_Position, time_beatsPerMinute, time_speed, chronus_graph, chronus_scope, chronus_scopeData,
	        chronus_spectrum, chronus_spectrumData, chronus_swap;
} FhUrids;

static FhUrids fh_u;

/* URIDs an event or property may carry: every one the plugin knows, some
 * it does not, and numbers nobody mapped. */
static LV2_URID fh_urid_menu[40];
static unsigned fh_n_urid_menu;

static void
fh_map_all(void)
{
	FhUrids* u              = &fh_u;
	u->atom_Blank           = fh_map(NULL, LV2_ATOM__Blank);
	u->atom_Bool            = fh_map(NULL, LV2_ATOM__Bool);
	u->atom_Chunk           = fh_map(NULL, LV2_ATOM__Chunk);
	u->atom_Double          = fh_map(NULL, LV2_ATOM__Double);
	u->atom_Float           = fh_map(NULL, LV2_ATOM__Float);
	u->atom_Int             = fh_map(NULL, LV2_ATOM__Int);
	u->atom_Long            = fh_map(NULL, LV2_ATOM__Long);
	u->atom_Object          = fh_map(NULL, LV2_ATOM__Object);
	u->atom_Path            = fh_map(NULL, LV2_ATOM__Path);
	u->atom_Property        = fh_map(NULL, LV2_ATOM__Property);
	u->atom_Sequence        = fh_map(NULL, LV2_ATOM__Sequence);
	u->atom_String          = fh_map(NULL, LV2_ATOM__String);
	u->atom_URID            = fh_map(NULL, LV2_ATOM__URID);
	u->atom_Vector          = fh_map(NULL, LV2_ATOM__Vector);
	u->atom_Tuple           = fh_map(NULL, LV2_ATOM__Tuple);
	u->midi_MidiEvent       = fh_map(NULL, LV2_MIDI__MidiEvent);
	u->patch_Get            = fh_map(NULL, LV2_PATCH__Get);
	u->patch_Set            = fh_map(NULL, LV2_PATCH__Set);
	u->patch_Put            = fh_map(NULL, LV2_PATCH__Put);
	u->patch_property       = fh_map(NULL, LV2_PATCH__property);
	u->patch_value          = fh_map(NULL, LV2_PATCH__value);
	u->patch_subject        = fh_map(NULL, LV2_PATCH__subject);
	u->chronus_patchText    = fh_map(NULL, CHRONUS__patchText);
	u->chronus_patchFile    = fh_map(NULL, CHRONUS__patchFile);
	u->chronus_status       = fh_map(NULL, CHRONUS__status);
	u->chronus_stateVersion = fh_map(NULL, CHRONUS__stateVersion);
	u->chronus_program      = fh_map(NULL, CHRONUS__program);
	u->chronus_scaleFile    = fh_map(NULL, CHRONUS__scaleFile);
	u->chronus_keymapFile   = fh_map(NULL, CHRONUS__keymapFile);
	u->chronus_set          = fh_map(NULL, CHRONUS__set);
	u->bufsz_nominal        = fh_map(NULL, LV2_BUF_SIZE_PREFIX "nominalBlockLength");
	u->bufsz_max            = fh_map(NULL, LV2_BUF_SIZE__maxBlockLength);
	u->bufsz_min            = fh_map(NULL, LV2_BUF_SIZE__minBlockLength);
	u->unknown_mapped       = fh_map(NULL, "http://example.org/fuzz#unknown");
	u->time_Position        = fh_map(NULL, LV2_TIME__Position);
	u->time_beatsPerMinute  = fh_map(NULL, LV2_TIME__beatsPerMinute);
	u->time_speed           = fh_map(NULL, LV2_TIME__speed);
	u->chronus_graph        = fh_map(NULL, CHRONUS__graph);
	u->chronus_scope        = fh_map(NULL, CHRONUS__scope);
	u->chronus_scopeData    = fh_map(NULL, CHRONUS__scopeData);
	u->chronus_spectrum     = fh_map(NULL, CHRONUS__spectrum);
	u->chronus_spectrumData = fh_map(NULL, CHRONUS__spectrumData);
	u->chronus_swap         = fh_map(NULL, CHRONUS__swap);
	const LV2_URID menu[]   = {
                u->chronus_patchText, u->chronus_patchFile, u->patch_property, u->patch_value,
                u->patch_Set,         u->patch_Get,         u->atom_Object,    u->atom_Blank,
                u->atom_String,       u->atom_Path,         u->atom_Int,       u->atom_URID,
                u->atom_Float,        u->midi_MidiEvent,    u->chronus_status, u->chronus_program,
                u->atom_Sequence,     u->atom_Chunk,        u->patch_subject,  u->unknown_mapped,
                u->atom_Tuple,        u->atom_Vector,       u->atom_Long,      u->patch_Put,
                0,                    9999,                 0xffffffffu,       fh_n_uris + 1,
                u->time_Position,     u->time_beatsPerMinute, u->atom_Double,  u->time_speed,
                u->chronus_scope,     u->chronus_graph,     u->chronus_scopeData,
                u->chronus_spectrum,  u->chronus_spectrumData, u->chronus_swap,
        };
	fh_n_urid_menu = sizeof menu / sizeof menu[0];
	memcpy(fh_urid_menu, menu, sizeof menu);
}

static LV2_URID
fh_pick_urid(Reader* r)
{
	return fh_urid_menu[rd_u8(r) % fh_n_urid_menu];
}

/* ---- Log: formats every message (so bad format arguments show under
 * ASan) and prints it only with CHRONUS_FUZZ_LOG set. */

static bool fh_verbose;

static int
fh_vprintf(LV2_Log_Handle handle, LV2_URID type, const char* fmt, va_list ap)
{
	(void)handle;
	(void)type;
	char buf[2048];
	const int n = vsnprintf(buf, sizeof buf, fmt, ap);
	if (fh_verbose) {
		fprintf(stderr, "[plugin log] %s", buf);
	}
	return n;
}

static int
fh_printf(LV2_Log_Handle handle, LV2_URID type, const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const int n = fh_vprintf(handle, type, fmt, ap);
	va_end(ap);
	return n;
}

static LV2_Log_Log fh_log_data = {NULL, fh_printf, fh_vprintf};

/* ---- Files a patch:Set or a state may name: (re)made at start-up in
 * /tmp/chronus-fuzz-files-<uid>, each written to a temporary name and
 * renamed, so parallel fuzzer processes share them safely and nothing is
 * left behind but that one folder. Raw fuzz paths are put under FH_NONEXISTENT, a
 * directory that does not exist, so the plugin never opens /dev/stdin, a
 * FIFO or anything else outside (Linux fails "/nonexistent/../x" with
 * ENOENT). */

static char fh_dir[64];

static const char* const fh_file_names[] = {
	"chronus-fuzz-valid.chronus",  /* factory patch 1 */
	"chronus-fuzz-reese.chronus",  /* factory patch 3 */
	"chronus-fuzz-broken.chronus", /* unknown module type */
	"chronus-fuzz-nul.chronus",    /* a NUL byte */
	"chronus-fuzz-big.chronus",    /* 65537 bytes */
	"chronus-fuzz-exact.chronus",  /* 65536 bytes, valid */
	"chronus-fuzz-empty.chronus",  /* 0 bytes */
	"chronus-fuzz-dir",            /* a directory */
	"chronus-fuzz-silent.chronus", /* builds, but silent */
	"chronus-fuzz-missing.chronus", /* not there */
	"chronus-fuzz-19.scl",          /* a Scala scale: 19-EDO */
	"chronus-fuzz-d.kbm",           /* a keyboard map with unmapped keys */
	"chronus-fuzz-broken.scl",      /* a ratio of 7/0 on line 5 */
};
#define FH_N_FILES (sizeof fh_file_names / sizeof fh_file_names[0])

static void
fh_write_file(const char* name, const char* text, size_t len)
{
	char path[256], tmp[300];
	snprintf(path, sizeof path, "%s/%s", fh_dir, name);
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	FILE* f = fopen(tmp, "wb");
	FH_CHECK(f != NULL, "cannot create %s", tmp);
	FH_CHECK(fwrite(text, 1, len, f) == len, "cannot write %s", tmp);
	fclose(f);
	FH_CHECK(rename(tmp, path) == 0, "cannot rename %s", tmp);
}

static void
fh_make_files(void)
{
	snprintf(fh_dir, sizeof fh_dir, "/tmp/chronus-fuzz-files-%ld", (long)getuid());
	FH_CHECK(mkdir(fh_dir, 0700) == 0 || errno == EEXIST, "cannot create %s", fh_dir);
	const FactoryPatch* a = &factory_patches[1 % factory_patch_count];
	const FactoryPatch* b = &factory_patches[3 % factory_patch_count];
	fh_write_file(fh_file_names[0], a->text, a->len);
	fh_write_file(fh_file_names[1], b->text, b->len);
	static const char broken[] = "patch \"Broken\"\ncreate osc sawtooth\nout osc\n";
	fh_write_file(fh_file_names[2], broken, sizeof broken - 1);
	static const char nul[] = "create osc saw\n\0out osc\n";
	fh_write_file(fh_file_names[3], nul, sizeof nul - 1);

	/* 65537 and 65536 bytes: a patch, then comment lines to the size. */
	static char big[PATCH_MAX_TEXT + 1];
	static const char head[] = "patch \"Exact\"\ncreate osc saw\nout osc\n";
	memcpy(big, head, sizeof head - 1);
	for (size_t i = sizeof head - 1; i < sizeof big; ++i) {
		const size_t col = (i - (sizeof head - 1)) % 100;
		big[i]           = col == 0 ? '#' : (col == 99 ? '\n' : 'x');
	}
	fh_write_file(fh_file_names[4], big, sizeof big);
	fh_write_file(fh_file_names[5], big, PATCH_MAX_TEXT);
	fh_write_file(fh_file_names[6], "", 0);
	char path[256];
	snprintf(path, sizeof path, "%s/%s", fh_dir, fh_file_names[7]);
	FH_CHECK(mkdir(path, 0700) == 0 || errno == EEXIST, "cannot create %s", path);
	static const char silent[] = "create osc sine\nset osc.level 0\nout osc\n";
	fh_write_file(fh_file_names[8], silent, sizeof silent - 1);
	static char edo19[1024];
	size_t      n = (size_t)snprintf(edo19, sizeof edo19, "19-EDO\n19\n");
	for (int i = 1; i < 19; ++i) {
		n += (size_t)snprintf(edo19 + n, sizeof edo19 - n, "%.5f\n", i * 1200.0 / 19.0);
	}
	n += (size_t)snprintf(edo19 + n, sizeof edo19 - n, "2/1\n");
	fh_write_file(fh_file_names[10], edo19, n);
	static const char kbm[] = "12\n0\n127\n62\n69\n440.0\n7\n0\nx\n1\nx\n2\n3\nx\n4\nx\n5\nx\n6\n";
	fh_write_file(fh_file_names[11], kbm, sizeof kbm - 1);
	static const char bad_scl[] = "broken\n3\n100.0\n200.0\n 7/0\n";
	fh_write_file(fh_file_names[12], bad_scl, sizeof bad_scl - 1);
}

/* A path built from fuzz bytes into out (at most cap - 1 bytes, NUL added
 * but the returned length may stop short of it, and bytes may hold NULs):
 * one of the files above by full path or by bare name, or raw bytes under
 * FH_NONEXISTENT. */
static size_t
fh_fuzz_path(Reader* r, char* out, size_t cap, bool allow_bare_name)
{
	const uint8_t sel = rd_u8(r);
	int           n;
	if (sel < 2 * FH_N_FILES) {
		const char* name = fh_file_names[sel % FH_N_FILES];
		n = (sel >= FH_N_FILES && allow_bare_name) ? snprintf(out, cap, "%s", name)
		                                            : snprintf(out, cap, "%s/%s", fh_dir, name);
	} else if (sel == 0xff) {
		/* Long: up to past PATH_MAX_LEN. */
		const size_t want = 3000u + rd_u16(r) % 3000u;
		n                 = snprintf(out, cap, "%s", FH_NONEXISTENT);
		while ((size_t)n < want && (size_t)n + 1 < cap) {
			out[n] = (char)('a' + n % 26);
			++n;
		}
		out[n] = '\0';
	} else {
		const uint8_t* raw;
		const size_t   len = rd_bytes(r, rd_u8(r), &raw);
		n                  = snprintf(out, cap, "%s", FH_NONEXISTENT);
		const size_t room  = cap - 1 - (size_t)n;
		const size_t k     = len < room ? len : room;
		memcpy(out + n, raw, k);
		n += (int)k;
		out[n] = '\0';
	}
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* Fuzz-chosen float for a control port: specials, a port-scaled value, or
 * four raw bytes. */
static float
fh_fuzz_float(Reader* r, float lo, float hi)
{
	static const float specials[16] = {
	        NAN, -NAN, INFINITY, -INFINITY, FLT_MAX, -FLT_MAX, 1e30f, -1e30f,
	        0.0f, -0.0f, 1.0f, 0.5f, 64.0f, 65.0f, 1e-40f, 2147483648.0f,
	};
	const uint8_t sel = rd_u8(r);
	if (sel < 16) {
		return specials[sel];
	}
	if (sel == 0xff) {
		const uint32_t bits = rd_u32(r);
		float          f;
		memcpy(&f, &bits, sizeof f);
		return f;
	}
	return lo + (hi - lo) * (float)(sel - 16) / 238.0f;
}

/* ---- The host. */

typedef struct {
	uint32_t size;
	uint8_t  data[32];
} FhMsg;

typedef enum { FH_WORKER_NONE = 0, FH_WORKER_INLINE, FH_WORKER_DEFERRED } FhWorkerMode;

typedef struct {
	const LV2_Descriptor*       desc;
	LV2_Handle                  handle;
	const LV2_Worker_Interface* worker;
	const LV2_State_Interface*  state;

	FhWorkerMode mode;
	uint8_t      refuse_schedule; /* bit i: refuse schedule_work call i % 8 */
	uint8_t      refuse_respond;  /* bit i: refuse respond call i % 8 */
	unsigned     n_schedule, n_respond;
	FhMsg        work_q[FH_QUEUE];
	unsigned     n_work;
	FhMsg        resp_q[FH_QUEUE];
	unsigned     n_resp;
	bool         in_work;

	LV2_Worker_Schedule schedule_data;
	LV2_Options_Option  options[4];
	int32_t             option_values[4][2];
	LV2_Feature         f_map, f_unmap, f_log, f_schedule, f_options;
	const LV2_Feature*  features[8];

	float  ports[FH_P_COUNT];
	float* out_l;
	float* out_r;
	uint8_t* control; /* FH_CONTROL_CAP bytes, 8-aligned */
	uint8_t* notify;  /* FH_NOTIFY_CAP bytes, 8-aligned */
	uint32_t notify_capacity;
	uint32_t frames_left;
	uint32_t events_left;
	bool     activated;
	bool     late_delivery; /* responses before the next run(), not after this one */
} FhHost;

static LV2_Worker_Status
fh_respond(LV2_Worker_Respond_Handle handle, uint32_t size, const void* data)
{
	FhHost* h = (FhHost*)handle;
	if ((h->refuse_respond >> (h->n_respond++ % 8u)) & 1u) {
		return LV2_WORKER_ERR_NO_SPACE;
	}
	if (h->n_resp >= FH_QUEUE || size > sizeof h->resp_q[0].data) {
		return LV2_WORKER_ERR_NO_SPACE;
	}
	h->resp_q[h->n_resp].size = size;
	memcpy(h->resp_q[h->n_resp].data, data, size);
	++h->n_resp;
	return LV2_WORKER_SUCCESS;
}

static LV2_Worker_Status
fh_schedule_work(LV2_Worker_Schedule_Handle handle, uint32_t size, const void* data)
{
	FhHost* h = (FhHost*)handle;
	FH_CHECK(!h->in_work, "schedule_work called from inside work()");
	if ((h->refuse_schedule >> (h->n_schedule++ % 8u)) & 1u) {
		return LV2_WORKER_ERR_NO_SPACE;
	}
	if (size > sizeof h->work_q[0].data) {
		return LV2_WORKER_ERR_NO_SPACE;
	}
	if (h->mode == FH_WORKER_INLINE) {
		/* As hosts do when exporting: work() inside schedule_work(). */
		h->in_work = true;
		h->worker->work(h->handle, fh_respond, h, size, data);
		h->in_work = false;
		return LV2_WORKER_SUCCESS;
	}
	if (h->n_work >= FH_QUEUE) {
		return LV2_WORKER_ERR_NO_SPACE;
	}
	h->work_q[h->n_work].size = size;
	memcpy(h->work_q[h->n_work].data, data, size);
	++h->n_work;
	return LV2_WORKER_SUCCESS;
}

/* Deferred work (a worker thread, later), then the responses. */
static void
fh_deliver(FhHost* h)
{
	for (unsigned i = 0; i < h->n_work; ++i) {
		h->in_work = true;
		h->worker->work(h->handle, fh_respond, h, h->work_q[i].size, h->work_q[i].data);
		h->in_work = false;
	}
	h->n_work = 0;
	for (unsigned i = 0; i < h->n_resp; ++i) {
		h->worker->work_response(h->handle, h->resp_q[i].size, h->resp_q[i].data);
	}
	h->n_resp = 0;
}

static uint32_t
fh_notify_capacity(uint8_t sel)
{
	static const uint32_t caps[16] = {FH_NOTIFY_CAP, FH_NOTIFY_CAP, FH_NOTIFY_CAP, 65536, 70000, 4096, 1024, 256,
	                                  160,           64,            32,            24,    16,    15,   8,    0};
	return caps[sel % 16u];
}

/* Instantiates with fuzz-chosen features. Header bytes:
 *   flags: bits 0-1 worker mode (0 none, 1 inline, 2 deferred, 3 inline),
 *          bit 2 no log feature, bit 3 options, bit 4 refuse some
 *          schedule_work calls, bit 5 refuse some responds, bit 6 skip
 *          activate(), bit 7 activate() again halfway
 *   rate:  index into a table of sample rates (some invalid)
 *   block: the options' block length entry
 *   rate:  bit 4 no urid:map feature (instantiate must refuse)
 *   cap:   notify capacity; bit 4 deliver responses before the next run()
 *          instead of after this one
 *   refuse: which schedule_work/respond calls are refused
 * Returns false when instantiate() (rightly) refused. */
static bool
fh_instantiate(FhHost* h, Reader* r, uint8_t* flags_out)
{
	memset(h, 0, sizeof *h);
	const uint8_t flags  = rd_u8(r);
	const uint8_t rate_s = rd_u8(r);
	const uint8_t blk_s  = rd_u8(r);
	const uint8_t cap_s  = rd_u8(r);
	const uint8_t refuse = rd_u8(r);
	*flags_out           = flags;

	static const double rates[16] = {48000, 44100, 96000, 192000, 48000, 22050, 8000, 1000,
	                                 1536000, 999, NAN, 2e6, 11025, 48000, 384000, 32000};
	const double rate = rates[rate_s % 16u];

	h->mode            = (FhWorkerMode)((flags & 3u) == 3u ? 1u : (flags & 3u));
	h->refuse_schedule = (flags & 0x10u) ? refuse : 0;
	h->refuse_respond  = (flags & 0x20u) ? (uint8_t)(refuse >> 4 | refuse << 4) : 0;
	h->notify_capacity = fh_notify_capacity(cap_s);
	h->late_delivery   = (cap_s & 0x10u) != 0;
	h->frames_left     = FH_MAX_FRAMES;
	h->events_left     = FH_MAX_EVENTS;

	h->desc = lv2_descriptor(0);
	FH_CHECK(h->desc && lv2_descriptor(1) == NULL, "descriptor");
	h->worker = (const LV2_Worker_Interface*)h->desc->extension_data(LV2_WORKER__interface);
	h->state  = (const LV2_State_Interface*)h->desc->extension_data(LV2_STATE__interface);
	FH_CHECK(h->worker && h->state, "extension data");
	FH_CHECK(h->desc->extension_data("http://example.org/none") == NULL, "unknown extension");

	h->schedule_data = (LV2_Worker_Schedule){h, fh_schedule_work};
	h->f_map         = (LV2_Feature){LV2_URID__map, &fh_map_feature_data};
	h->f_unmap       = (LV2_Feature){LV2_URID__unmap, &fh_unmap_feature_data};
	h->f_log         = (LV2_Feature){LV2_LOG__log, &fh_log_data};
	h->f_schedule    = (LV2_Feature){LV2_WORKER__schedule, &h->schedule_data};
	h->f_options     = (LV2_Feature){LV2_OPTIONS__options, h->options};
	unsigned nf      = 0;
	if (!(rate_s & 0x10u)) {
		h->features[nf++] = &h->f_map;
	}
	h->features[nf++] = &h->f_unmap;
	if (!(flags & 0x04u)) {
		h->features[nf++] = &h->f_log;
	}
	if (h->mode != FH_WORKER_NONE) {
		h->features[nf++] = &h->f_schedule;
	}
	if (flags & 0x08u) {
		/* One block-length entry, right or wrong in type, size or value. */
		static const int32_t lens[8] = {256, 64, 1024, 16, 15, 4096, 0, -1};
		const unsigned       k       = blk_s % 8u;
		h->option_values[0][0]       = lens[k];
		h->options[0].context        = LV2_OPTIONS_INSTANCE;
		h->options[0].subject        = 0;
		h->options[0].key            = (blk_s & 0x08u) ? fh_u.bufsz_max : fh_u.bufsz_nominal;
		h->options[0].size           = (blk_s & 0x10u) ? 8u : sizeof(int32_t);
		h->options[0].type           = (blk_s & 0x20u) ? fh_u.atom_Float : fh_u.atom_Int;
		h->options[0].value          = h->option_values[0];
		h->options[1].key            = 0; /* end */
		h->options[1].value          = NULL;
		h->features[nf++]            = &h->f_options;
	}
	h->features[nf] = NULL;

	h->handle = h->desc->instantiate(h->desc, rate, "/nonexistent-bundle/", h->features);
	if (rate_s & 0x10u) {
		FH_CHECK(h->handle == NULL, "instantiate accepted a host without urid:map");
		return false;
	}
	if (!(rate >= 1000.0 && rate <= 1536000.0)) {
		FH_CHECK(h->handle == NULL, "instantiate accepted sample rate %g", rate);
		return false;
	}
	if (!h->handle) {
		/* Allowed by LV2, and it happens: the factory patch's warm-up is
		 * 8 nominal blocks, too short to pass the RMS floor at high
		 * rates with small blocks (see the report). Optionally fatal. */
		FH_CHECK(!getenv("CHRONUS_FUZZ_STRICT"), "instantiate refused a valid set-up (rate %g)", rate);
		return false;
	}

	h->out_l   = malloc(sizeof(float) * FH_MAX_BLOCK);
	h->out_r   = malloc(sizeof(float) * FH_MAX_BLOCK);
	h->control = aligned_alloc(64, FH_CONTROL_ALLOC);
	h->notify  = aligned_alloc(64, FH_NOTIFY_ALLOC);
	FH_CHECK(h->out_l && h->out_r && h->control && h->notify, "out of memory");

	/* Control ports at their defaults. */
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		h->ports[control_port((ControlId)i)] = controls[i].def;
	}
	for (uint32_t p = 0; p < FH_P_COUNT; ++p) {
		switch (p) {
		case FH_P_CONTROL: h->desc->connect_port(h->handle, p, h->control); break;
		case FH_P_NOTIFY: h->desc->connect_port(h->handle, p, h->notify); break;
		case FH_P_OUT_L: h->desc->connect_port(h->handle, p, h->out_l); break;
		case FH_P_OUT_R: h->desc->connect_port(h->handle, p, h->out_r); break;
		default: h->desc->connect_port(h->handle, p, &h->ports[p]); break;
		}
	}
	h->desc->connect_port(h->handle, FH_P_COUNT, NULL); /* out of range: ignored */
	if (!(flags & 0x40u)) {
		h->desc->activate(h->handle);
		h->activated = true;
	}
	return true;
}

/* Everything pending is worked and delivered, then cleanup(). */
static void
fh_cleanup(FhHost* h)
{
	if (h->handle) {
		fh_deliver(h);
		fh_deliver(h);
		if (h->desc->deactivate && h->activated) {
			h->desc->deactivate(h->handle);
		}
		h->desc->cleanup(h->handle);
		h->handle = NULL;
	}
	if (h->control) {
		FH_UNPOISON(h->control, FH_CONTROL_ALLOC);
	}
	if (h->notify) {
		FH_UNPOISON(h->notify, FH_NOTIFY_ALLOC);
	}
	free(h->out_l);
	free(h->out_r);
	free(h->control);
	free(h->notify);
	h->out_l = h->out_r = NULL;
	h->control = h->notify = NULL;
}

/* ---- The control sequence. */

typedef struct {
	uint8_t* buf;
	uint32_t used; /* bytes of the sequence, header included */
	uint32_t cap;
} FhSeq;

static void
fh_seq_begin(FhSeq* s, uint8_t* buf, uint32_t cap, uint32_t unit)
{
	s->buf  = buf;
	s->cap  = cap;
	s->used = sizeof(LV2_Atom_Sequence);
	LV2_Atom_Sequence* seq = (LV2_Atom_Sequence*)buf;
	seq->atom.type         = fh_u.atom_Sequence;
	seq->atom.size         = sizeof(LV2_Atom_Sequence_Body);
	seq->body.unit         = unit;
	seq->body.pad          = 0;
}

/* Room for an event body of at most this many bytes. */
static uint32_t
fh_seq_room(const FhSeq* s)
{
	const uint32_t need = s->used + (uint32_t)sizeof(LV2_Atom_Event);
	return need < s->cap ? (s->cap - need) & ~7u : 0;
}

/* Appends an event with body `body` of `size` bytes; the declared size is
 * clamped to the buffer as a host would (raw events), or a well-formed
 * event that does not fit is left out. Returns the body, or NULL. */
static uint8_t*
fh_seq_add(FhSeq* s, int64_t frames, LV2_URID type, const void* body, uint32_t size, uint32_t declared)
{
	const uint32_t room = fh_seq_room(s);
	if (declared > room && declared == size) {
		return NULL; /* a whole event that does not fit */
	}
	if (declared > room) {
		declared = room;
	}
	if (size > declared) {
		size = declared;
	}
	if (s->used + sizeof(LV2_Atom_Event) > s->cap) {
		return NULL;
	}
	LV2_Atom_Event* ev = (LV2_Atom_Event*)(s->buf + s->used);
	ev->time.frames    = frames;
	ev->body.type      = type;
	ev->body.size      = declared;
	uint8_t* b         = (uint8_t*)(ev + 1);
	if (size) {
		memcpy(b, body, size);
	}
	memset(b + size, 0, lv2_atom_pad_size(declared) - size);
	s->used += (uint32_t)sizeof(LV2_Atom_Event) + lv2_atom_pad_size(declared);
	((LV2_Atom_Sequence*)s->buf)->atom.size = s->used - (uint32_t)sizeof(LV2_Atom);
	return b;
}

/* A small atom writer for object bodies built in a scratch buffer. */
typedef struct {
	uint8_t  b[FH_CONTROL_CAP];
	uint32_t n;
} FhBuf;

static void
fh_put(FhBuf* w, const void* p, uint32_t n)
{
	if (w->n + n > sizeof w->b) {
		n = (uint32_t)sizeof w->b - w->n;
	}
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void
fh_pad(FhBuf* w)
{
	static const uint8_t zeros[8] = {0};
	fh_put(w, zeros, lv2_atom_pad_size(w->n) - w->n);
}

/* key, context 0, atom header {size, type}, body, padding */
static void
fh_prop(FhBuf* w, LV2_URID key, LV2_URID type, const void* body, uint32_t size, uint32_t declared)
{
	const LV2_Atom_Property_Body pb = {key, 0, {declared, type}};
	fh_put(w, &pb, sizeof pb);
	fh_put(w, body, size);
	fh_pad(w);
}

static void
fh_prop_urid(FhBuf* w, LV2_URID key, LV2_URID value)
{
	fh_prop(w, key, fh_u.atom_URID, &value, sizeof value, sizeof value);
}

/* Object body {id, otype} */
static void
fh_obj_head(FhBuf* w, uint32_t id, LV2_URID otype)
{
	const LV2_Atom_Object_Body ob = {id, otype};
	fh_put(w, &ob, sizeof ob);
}

/* A value's type for the "every wrong type" events. */
static LV2_URID
fh_value_type(Reader* r)
{
	const LV2_URID types[] = {fh_u.atom_String, fh_u.atom_Path,   fh_u.atom_Int,    fh_u.atom_Float,
	                          fh_u.atom_URID,   fh_u.atom_Object, fh_u.atom_Blank,  fh_u.atom_Sequence,
	                          fh_u.atom_Chunk,  fh_u.atom_Bool,   fh_u.atom_Vector, fh_u.atom_Tuple,
	                          fh_u.atom_Long,   0,                9999,             fh_u.unknown_mapped};
	return types[rd_u8(r) % (sizeof types / sizeof types[0])];
}

/* Nested objects of random properties, depth-limited. */
static void
fh_random_object_body(FhBuf* w, Reader* r, unsigned depth)
{
	fh_obj_head(w, rd_u8(r) & 1u ? 0 : fh_pick_urid(r), fh_pick_urid(r));
	const unsigned n = rd_u8(r) % 6u;
	for (unsigned i = 0; i < n && w->n < sizeof w->b - 4096; ++i) {
		const LV2_URID key = fh_pick_urid(r);
		const uint8_t  sel = rd_u8(r);
		if (sel % 4u == 0 && depth < 3) {
			FhBuf* inner = malloc(sizeof *inner);
			FH_CHECK(inner, "out of memory");
			inner->n = 0;
			fh_random_object_body(inner, r, depth + 1);
			const uint32_t lie = (sel & 0x80u) ? rd_u16(r) : inner->n;
			fh_prop(w, key, (sel & 0x40u) ? fh_u.atom_Blank : fh_u.atom_Object, inner->b, inner->n, lie);
			free(inner);
		} else {
			const uint8_t* raw;
			const size_t   len = rd_bytes(r, rd_u8(r), &raw);
			const uint32_t lie = (sel & 0x80u) ? rd_u16(r) : (uint32_t)len;
			fh_prop(w, key, fh_value_type(r), raw, (uint32_t)len, lie);
		}
	}
}

/* One event from the fuzz input into the sequence; n is the block size.
 * kind % 10:
 *  0 MIDI of 0..8 bytes
 *  1 patch:Set chronus#patchText, a String of raw bytes
 *  2 patch:Set chronus#patchFile, or (flags bits 5-6: 2, 3) #scaleFile or
 *    #keymapFile, a Path (see fh_fuzz_path)
 *  3 patch:Set of a menu key with a value of any type, or none
 *  4 patch:Get
 *  5 an object of unknown or random otype, nested objects
 *  6 a bare atom of a menu type with raw bytes
 *  7 raw bytes with a menu type and a declared size that may be larger
 *  8 patch:Set whose property sizes lie (inner value size from the input)
 *  9 a patch:Set of patchText with one of the factory patches
 * 10 a time:Position (the host's transport): its tempo of a fuzz type and
 *    value (float, double, int, long or another), maybe a lying size, maybe
 *    after a speed
 * 11 a live set (chronus:set): "module.param value" from menus of the
 *    names factory patches use and of values (in and out of range, choices,
 *    junk), or raw bytes; of type String or another */
static void
fh_event(FhSeq* s, Reader* r)
{
	const uint8_t  kind  = rd_u8(r);
	const int64_t  t     = (int16_t)rd_u16(r);
	const uint8_t  flags = rd_u8(r);
	static FhBuf   w;
	w.n                  = 0;
	const LV2_URID otype = (flags & 1u) ? fh_u.atom_Blank : fh_u.atom_Object;
	switch (kind % 12u) {
	case 0: {
		const uint8_t* raw;
		const size_t   len = rd_bytes(r, flags % 9u, &raw);
		uint8_t        midi[8] = {0};
		memcpy(midi, raw, len);
		fh_seq_add(s, t, fh_u.midi_MidiEvent, midi, flags % 9u, flags % 9u);
		break;
	}
	case 1:
	case 9: {
		const uint8_t* raw  = NULL;
		size_t         len  = 0;
		static char    text[PATCH_MAX_TEXT + 8];
		if (kind % 12u == 1) {
			len = rd_bytes(r, rd_u16(r), &raw);
		} else {
			const FactoryPatch* fp = &factory_patches[rd_u8(r) % factory_patch_count];
			raw                    = (const uint8_t*)fp->text;
			len                    = fp->len;
		}
		if ((flags & 0x20u) && len < 200) {
			/* Past the size limit: the text repeated to 65536 + k bytes. */
			const size_t want = PATCH_MAX_TEXT - 1 + (flags >> 6);
			for (size_t i = 0; i < want; ++i) {
				text[i] = len ? (char)raw[i % len] : '\n';
			}
			len = want;
		} else {
			memcpy(text, raw, len);
		}
		const uint32_t nuls = (flags >> 1) & 3u; /* 0..3 terminating NULs */
		memset(text + len, 0, nuls);
		fh_obj_head(&w, 0, fh_u.patch_Set);
		if (flags & 0x08u) {
			fh_prop_urid(&w, fh_u.patch_subject, fh_u.unknown_mapped);
		}
		if (flags & 0x10u) { /* value first */
			fh_prop(&w, fh_u.patch_value, fh_u.atom_String, text, (uint32_t)len + nuls, (uint32_t)len + nuls);
			fh_prop_urid(&w, fh_u.patch_property, fh_u.chronus_patchText);
		} else {
			fh_prop_urid(&w, fh_u.patch_property, fh_u.chronus_patchText);
			fh_prop(&w, fh_u.patch_value, fh_u.atom_String, text, (uint32_t)len + nuls, (uint32_t)len + nuls);
		}
		fh_seq_add(s, t, otype, w.b, w.n, w.n);
		break;
	}
	case 2: {
		char         path[8192];
		const size_t len  = fh_fuzz_path(r, path, sizeof path - 4, false);
		const uint32_t nuls = (flags >> 1) & 3u;
		memset(path + len, 0, nuls + 1);
		static const LV2_URID* const keys[4] = {&fh_u.chronus_patchFile, &fh_u.chronus_patchFile,
		                                        &fh_u.chronus_scaleFile, &fh_u.chronus_keymapFile};
		fh_obj_head(&w, 0, fh_u.patch_Set);
		fh_prop_urid(&w, fh_u.patch_property, *keys[(flags >> 5) & 3u]);
		fh_prop(&w, fh_u.patch_value, (flags & 0x10u) ? fh_u.atom_String : fh_u.atom_Path, path,
		        (uint32_t)len + nuls, (uint32_t)len + nuls);
		fh_seq_add(s, t, otype, w.b, w.n, w.n);
		break;
	}
	case 3: {
		const LV2_URID key      = fh_pick_urid(r);
		const LV2_URID ptype    = (flags & 0x10u) ? fh_value_type(r) : fh_u.atom_URID;
		const LV2_URID vtype    = fh_value_type(r);
		const uint8_t* raw;
		const size_t   len      = rd_bytes(r, rd_u8(r), &raw);
		fh_obj_head(&w, 0, fh_u.patch_Set);
		if (!(flags & 0x20u)) {
			fh_prop(&w, fh_u.patch_property, ptype, &key, (flags & 0x40u) ? 2u : 4u, (flags & 0x40u) ? 2u : 4u);
		}
		if (!(flags & 0x80u)) {
			fh_prop(&w, fh_u.patch_value, vtype, raw, (uint32_t)len, (uint32_t)len);
		}
		fh_seq_add(s, t, otype, w.b, w.n, w.n);
		break;
	}
	case 4:
		fh_obj_head(&w, 0, fh_u.patch_Get);
		if (flags & 0x10u) {
			fh_prop_urid(&w, fh_u.patch_property, fh_pick_urid(r));
		}
		fh_seq_add(s, t, otype, w.b, w.n, (flags & 0x20u) ? 4u : w.n);
		break;
	case 5:
		fh_random_object_body(&w, r, 0);
		fh_seq_add(s, t, otype, w.b, w.n, w.n);
		break;
	case 6:
	case 7: {
		const LV2_URID type = kind % 12u == 6 ? fh_value_type(r) : fh_pick_urid(r);
		const uint8_t* raw;
		const size_t   len      = rd_bytes(r, rd_u16(r) % 4096u, &raw);
		const uint32_t declared = kind % 12u == 7 && (flags & 0x10u) ? rd_u16(r) : (uint32_t)len;
		fh_seq_add(s, t, type, raw, (uint32_t)len, declared);
		break;
	}
	case 8: {
		/* patch:Set { property: patchText|patchFile, value: <lying size> }
		 * and maybe a truncated last property. */
		const LV2_URID key = (flags & 0x10u) ? fh_u.chronus_patchFile : fh_u.chronus_patchText;
		const LV2_URID vt  = (flags & 0x10u) ? fh_u.atom_Path : fh_u.atom_String;
		const uint8_t* raw;
		const size_t   len  = rd_bytes(r, rd_u8(r), &raw);
		const uint32_t lie  = (flags & 0x20u) ? rd_u32(r) : rd_u16(r);
		fh_obj_head(&w, 0, fh_u.patch_Set);
		if (flags & 0x40u) {
			fh_prop(&w, fh_u.patch_value, vt, raw, (uint32_t)len, lie);
			fh_prop_urid(&w, fh_u.patch_property, key);
		} else {
			fh_prop_urid(&w, fh_u.patch_property, key);
			fh_prop(&w, fh_u.patch_value, vt, raw, (uint32_t)len, lie);
		}
		/* The object's own size may cut into its last property. */
		uint32_t osize = w.n;
		if (flags & 0x80u) {
			osize = w.n > 12u ? w.n - (rd_u8(r) % 12u) : w.n;
		}
		fh_seq_add(s, t, otype, w.b, osize, osize);
		break;
	}
	case 10: {
		static const LV2_URID* const types[5] = {&fh_u.atom_Float, &fh_u.atom_Double, &fh_u.atom_Int,
		                                         &fh_u.atom_Long, &fh_u.atom_String};
		const LV2_URID vtype = *types[(flags >> 1) % 5u];
		const uint8_t* raw;
		const size_t   len = rd_bytes(r, (flags & 0x40u) ? rd_u8(r) % 12u : (vtype == fh_u.atom_Double || vtype == fh_u.atom_Long ? 8u : 4u), &raw);
		fh_obj_head(&w, 0, fh_u.time_Position);
		if (flags & 0x10u) {
			const float speed = (flags & 0x20u) ? 1.0f : 0.0f;
			fh_prop(&w, fh_u.time_speed, fh_u.atom_Float, &speed, sizeof speed, sizeof speed);
		}
		fh_prop(&w, fh_u.time_beatsPerMinute, vtype, raw, (uint32_t)len, (flags & 0x80u) ? rd_u16(r) : (uint32_t)len);
		fh_seq_add(s, t, otype, w.b, w.n, w.n);
		break;
	}
	case 11: {
		static const char* const modules[] = {"vcf", "osc", "amp", "env", "lfo", "o", "a", "e", "d", "verb",
		                                      "x", "", "vcf.vcf"};
		static const char* const params[]  = {"cutoff", "resonance", "gain", "shape", "level", "pitch", "fine",
		                                      "mode", "decay", "mix", "zzz", ""};
		static const char* const values[]  = {"0", "800", "-1", "1e9", "sine", "0.5", "nan", "1e-40",
		                                      "lowpass24", "12abc", "", "0.25 0.5", "-0", "99999999999999999999"};
		char text[300];
		size_t len;
		if (flags & 0x10u) {
			const uint8_t* raw;
			len = rd_bytes(r, rd_u8(r), &raw);
			memcpy(text, raw, len);
		} else {
			const uint8_t m = rd_u8(r), p = rd_u8(r), v = rd_u8(r);
			const int n = snprintf(text, sizeof text, "%s%s.%s %s", (flags & 0x20u) ? "set " : "",
			                       modules[m % (sizeof modules / sizeof modules[0])],
			                       params[p % (sizeof params / sizeof params[0])],
			                       values[v % (sizeof values / sizeof values[0])]);
			len = n > 0 ? (size_t)n : 0;
		}
		const uint32_t nuls = (flags >> 1) & 3u;
		memset(text + len, 0, nuls);
		fh_obj_head(&w, 0, fh_u.patch_Set);
		fh_prop_urid(&w, fh_u.patch_property, fh_u.chronus_set);
		fh_prop(&w, fh_u.patch_value, (flags & 0x40u) ? fh_u.atom_Path : fh_u.atom_String, text,
		        (uint32_t)len + nuls, (uint32_t)len + nuls);
		fh_seq_add(s, t, otype, w.b, w.n, w.n);
		break;
	}
	}
}

/* ---- Running blocks. */

static void
fh_check_notify(const FhHost* h)
{
	if (h->notify_capacity < sizeof(LV2_Atom_Sequence)) {
		return; /* nothing fits; nothing to check */
	}
	const LV2_Atom_Sequence* seq = (const LV2_Atom_Sequence*)h->notify;
	FH_CHECK(seq->atom.type == fh_u.atom_Sequence, "notify type %u", seq->atom.type);
	FH_CHECK(seq->atom.size >= sizeof(LV2_Atom_Sequence_Body) &&
	                 (uint64_t)seq->atom.size + sizeof(LV2_Atom) <= h->notify_capacity,
	         "notify size %u of capacity %u", seq->atom.size, h->notify_capacity);
	const uint8_t* p   = (const uint8_t*)(seq + 1);
	const uint8_t* end = (const uint8_t*)&seq->body + seq->atom.size;
	while (p < end) {
		FH_CHECK((size_t)(end - p) >= sizeof(LV2_Atom_Event), "notify event header cut");
		const LV2_Atom_Event* ev = (const LV2_Atom_Event*)p;
		FH_CHECK(ev->body.size <= (size_t)(end - p) - sizeof(LV2_Atom_Event), "notify event body cut");
		FH_CHECK(ev->time.frames == 0, "notify event at frame %lld", (long long)ev->time.frames);
		FH_CHECK(ev->body.type == fh_u.atom_Object, "notify event type %u", ev->body.type);
		const LV2_Atom_Object* obj = (const LV2_Atom_Object*)&ev->body;
		FH_CHECK(obj->body.otype == fh_u.patch_Set, "notify otype %u", obj->body.otype);
		const LV2_Atom* property = NULL;
		const LV2_Atom* value    = NULL;
		lv2_atom_object_get(obj, fh_u.patch_property, &property, fh_u.patch_value, &value, 0);
		FH_CHECK(property && property->type == fh_u.atom_URID && value, "notify patch:Set incomplete");
		const LV2_URID key = ((const LV2_Atom_URID*)property)->body;
		const bool path = key == fh_u.chronus_patchFile || key == fh_u.chronus_scaleFile ||
		                  key == fh_u.chronus_keymapFile;
		if (key == fh_u.chronus_scopeData) { /* the UI's scope: at most 256 floats */
			const LV2_Atom_Vector* v = (const LV2_Atom_Vector*)value;
			FH_CHECK(value->type == fh_u.atom_Vector && value->size >= sizeof(LV2_Atom_Vector_Body) &&
			                 v->body.child_type == fh_u.atom_Float && v->body.child_size == sizeof(float) &&
			                 value->size - sizeof(LV2_Atom_Vector_Body) <= 256u * sizeof(float),
			         "notify scope data of type %u, size %u", value->type, value->size);
			p += sizeof(LV2_Atom_Event) + lv2_atom_pad_size(ev->body.size);
			continue;
		}
		if (key == fh_u.chronus_spectrumData) { /* the UI's spectrum: the rate, then 2048 frames */
			const LV2_Atom_Vector* v = (const LV2_Atom_Vector*)value;
			FH_CHECK(value->type == fh_u.atom_Vector &&
			                 value->size == sizeof(LV2_Atom_Vector_Body) + (1u + 2048u) * sizeof(float) &&
			                 v->body.child_type == fh_u.atom_Float && v->body.child_size == sizeof(float),
			         "notify spectrum data of type %u, size %u", value->type, value->size);
			float rate;
			memcpy(&rate, v + 1, sizeof rate);
			FH_CHECK(rate > 0.0f, "notify spectrum at rate %g", (double)rate);
			p += sizeof(LV2_Atom_Event) + lv2_atom_pad_size(ev->body.size);
			continue;
		}
		if (key == fh_u.chronus_swap) { /* the swap in progress: -1, 0..1 */
			FH_CHECK(value->type == fh_u.atom_Float && value->size == sizeof(float), "notify swap of type %u",
			         value->type);
			const float f = ((const LV2_Atom_Float*)value)->body;
			FH_CHECK(f == -1.0f || (f >= 0.0f && f <= 1.0f), "notify swap %g", (double)f);
			p += sizeof(LV2_Atom_Event) + lv2_atom_pad_size(ev->body.size);
			continue;
		}
		FH_CHECK(path || key == fh_u.chronus_patchText || key == fh_u.chronus_status || key == fh_u.chronus_graph,
		         "notify key %u", key);
		FH_CHECK(value->type == (path ? fh_u.atom_Path : fh_u.atom_String), "notify value type %u", value->type);
		const char* str = (const char*)LV2_ATOM_BODY_CONST(value);
		FH_CHECK(value->size >= 1 && str[value->size - 1] == '\0', "notify string not terminated");
		if (key == fh_u.chronus_status) {
			FH_CHECK(value->size > 1, "empty status");
		}
		p += sizeof(LV2_Atom_Event) + lv2_atom_pad_size(ev->body.size);
	}
}

/* One block: size, control port changes, events, run(), checks, worker.
 * Record: u16 frames (1 + v % 4096), u16 port mask (bit k → the input
 * controls k, k + 15, ..., then a fuzz float each), u8 event count (% 9),
 * events (fh_event). */
static void
fh_block(FhHost* h, Reader* r, unsigned block_index)
{
	uint32_t n = 1u + rd_u16(r) % FH_MAX_BLOCK;
	if (n > h->frames_left) {
		n = h->frames_left ? h->frames_left : 1;
	}
	h->frames_left -= n < h->frames_left ? n : h->frames_left;

	const uint16_t mask = rd_u16(r);
	/* Bit k of the mask fuzzes the input controls k, k + 15, k + 30 ...
	 * in the order of the control table (bit 15 is the sequence's type,
	 * below), so every input is reached however long the table grows,
	 * each over its range and a quarter beyond. */
	for (unsigned i = 0, k = 0; i < CTRL_COUNT; ++i) {
		if (!(controls[i].flags & CTRL_IN)) {
			continue;
		}
		const float lo = controls[i].min, hi = control_max((ControlId)i, factory_patch_count);
		const unsigned bit = k++ % 15u;
		if (mask & (1u << bit)) {
			h->ports[control_port((ControlId)i)] = fh_fuzz_float(r, lo - 0.25f * (hi - lo), hi + 0.25f * (hi - lo));
		}
	}
	/* Output ports get garbage the plugin must overwrite. */
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		if (controls[i].flags & CTRL_OUT) {
			h->ports[control_port((ControlId)i)] = NAN;
		}
	}

	FH_UNPOISON(h->control, FH_CONTROL_ALLOC);
	FhSeq seq;
	fh_seq_begin(&seq, h->control, FH_CONTROL_CAP, (mask & 0x8000u) ? fh_u.atom_Int : 0);
	unsigned n_events = rd_u8(r) % 9u;
	for (unsigned e = 0; e < n_events && h->events_left && r->n; ++e, --h->events_left) {
		fh_event(&seq, r);
	}
	/* Anything the plugin reads past the sequence is a bug. */
	FH_POISON(h->control + seq.used, FH_CONTROL_ALLOC - seq.used);

	/* As jalv does: the buffer holds the header plus atom.size bytes; the
	 * plugin forges into atom.size bytes from the header on. Writing past
	 * them is caught by ASan. */
	LV2_Atom_Sequence* notify = (LV2_Atom_Sequence*)h->notify;
	FH_UNPOISON(h->notify, FH_NOTIFY_ALLOC);
	memset(h->notify, 0xee, 64);
	notify->atom.type = fh_u.atom_Chunk;
	notify->atom.size = h->notify_capacity;
	FH_POISON(h->notify + 16 + h->notify_capacity, FH_NOTIFY_ALLOC - 16 - h->notify_capacity);
	for (uint32_t i = 0; i < FH_MAX_BLOCK; ++i) {
		h->out_l[i] = h->out_r[i] = NAN;
	}

	if (h->late_delivery) {
		fh_deliver(h);
	}
	h->desc->run(h->handle, n);

	for (uint32_t i = 0; i < n; ++i) {
		FH_CHECK(isfinite(h->out_l[i]) && isfinite(h->out_r[i]), "block %u frame %u of %u: out %g %g",
		         block_index, i, n, (double)h->out_l[i], (double)h->out_r[i]);
	}
	for (uint32_t i = n; i < FH_MAX_BLOCK; ++i) {
		FH_CHECK(isnan(h->out_l[i]) && isnan(h->out_r[i]), "run() wrote past its block at frame %u", i);
	}
	/* Every output within its range in the control table, whole where the
	 * table says integer or toggled. */
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		const float v = h->ports[control_port((ControlId)i)];
		if (controls[i].flags & CTRL_OUT) {
			FH_CHECK(isfinite(v) && v >= controls[i].min && v <= control_max((ControlId)i, factory_patch_count) &&
			                 (!(controls[i].flags & (CTRL_INTEGER | CTRL_TOGGLED)) || v == roundf(v)),
			         "output %s = %g", controls[i].symbol, (double)v);
		}
	}
	fh_check_notify(h);
	FH_UNPOISON(h->control, FH_CONTROL_ALLOC);
	FH_UNPOISON(h->notify, FH_NOTIFY_ALLOC);

	if (!h->late_delivery) {
		fh_deliver(h);
	}
}

static void
fh_init_once(void)
{
	static bool done;
	if (!done) {
		done       = true;
		fh_verbose = getenv("CHRONUS_FUZZ_LOG") != NULL;
		fh_map_all();
		fh_make_files();
	}
}

#endif
