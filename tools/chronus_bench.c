/* SPDX-License-Identifier: ISC
 *
 * chronus-bench: what run() costs, for Chronus and, with the same score in
 * the same process, for the peer LV2 instruments installed on the machine
 * (mda JX10 and DX10, ZynAddSubFX, synthv1). Each measurement is a fresh
 * instance hosted by lilv (tools/lv2host.c) at 48 kHz in 256-frame blocks;
 * the cost of a block is the thread CPU time of host_run() around it, with
 * flush-to-zero set in this thread. It reports, it does not assert: the
 * targets are printed as PASS or GAP lines beside the figures.
 *
 * Method (docs/performance.md):
 * - held: N notes (spread over 36..99, velocity 100) struck 37 frames
 *   apart and held for S seconds (default 10), for N = 1, 8, 32, 64; the
 *   cost per voice-sample, and the marginal cost per added voice (least-
 *   squares slope of the cost per sample over the counts the plugin really
 *   plays: up to its voice cap, read from the cost and the output power);
 * - re-struck: the same notes released and struck again every second;
 * - a plugin whose output peak stays below -60 dBFS is flagged silent and
 *   its figures are left out;
 * - Chronus only: run() during a crossfade against outside one, prime time
 *   of every factory program (worker CPU, from the plugin's status), peak
 *   RSS, and the cost of voices whose release is over against an instance
 *   that never played.
 * - --reload, alone: the hot-reload latency (tools/bench_reload.c).
 * - --osc, alone: OSC latency and throughput (tools/bench_osc.c).
 */
#define _GNU_SOURCE
#include "bench_effects.h"
#include "bench_osc.h"
#include "bench_reload.h"
#include "lv2host.h"
#include "temp_file.h"
#include "dsp/simd.h" /* the engine's own CPU check, so the report names the path that ran */

#include "chronus_config.h"

#include <lv2/atom/atom.h>
#include <lv2/core/lv2.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

#define RATE        48000.0
#define BLOCK       256u
#define MAX_COUNTS  4
#define MAX_SUBJECT 8
#define NOTE_LOW    36u /* the 64 notes 36..99: five octaves and a third */
#define SILENT_DB   (-60.0)

static const unsigned counts_full[]  = {1, 8, 32, 64};
static const unsigned counts_quick[] = {1, 8, 64};

/* ---- Report text: printed, and written with --markdown ---------------- */

static char*  report;
static size_t report_len, report_cap;

static void
out(const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list copy;
	va_copy(copy, ap);
	const int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n > 0) {
		if (report_len + (size_t)n + 1 > report_cap) {
			report_cap = (report_len + (size_t)n + 1) * 2;
			report     = realloc(report, report_cap);
		}
		vsnprintf(report + report_len, (size_t)n + 1, fmt, ap);
		fputs(report + report_len, stdout);
		report_len += (size_t)n;
	}
	va_end(ap);
	fflush(stdout);
}

static void
progress(const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("chronus-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- Clocks ----------------------------------------------------------- */

static uint64_t
thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp_double(const void* a, const void* b)
{
	const double x = *(const double*)a, y = *(const double*)b;
	return x < y ? -1 : x > y;
}

static double
median(double* v, unsigned n)
{
	if (!n) {
		return 0.0;
	}
	qsort(v, n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* What a pair of thread-CPU clock reads itself adds to a timed interval. */
static double clock_overhead_ns;

static void
calibrate_clock(void)
{
	double samples[2001];
	for (unsigned i = 0; i < 2001; ++i) {
		const uint64_t t0 = thread_ns();
		const uint64_t t1 = thread_ns();
		samples[i]        = (double)(t1 - t0);
	}
	clock_overhead_ns = median(samples, 2001);
}

/* host_run, timed: its thread CPU time in ns, less the clock's own. */
static double
timed_run(Host* h, float* l, float* r)
{
	const uint64_t t0 = thread_ns();
	host_run(h, BLOCK, l, r);
	const uint64_t t1 = thread_ns();
	const double   ns = (double)(t1 - t0) - clock_overhead_ns;
	return ns > 0.0 ? ns : 0.0;
}

static double
block_peak(const float* l, const float* r)
{
	float p = 0.0f;
	for (unsigned i = 0; i < BLOCK; ++i) {
		p = fmaxf(p, fmaxf(fabsf(l[i]), fabsf(r[i])));
	}
	return (double)p;
}

static double
to_db(double x)
{
	return 20.0 * log10(x + 1e-30);
}

/* ---- Options ---------------------------------------------------------- */

typedef struct {
	const char* uri;        /* --uri: only this plugin */
	const char* patch;      /* Chronus patch file (absolute) */
	const char* preset;     /* a preset URI, for the plugin it applies to */
	double      seconds;
	bool        quick;
	const char* markdown;
	const unsigned* counts;
	unsigned    n_counts;
	bool        no_paths;
	bool        modules;    /* --modules: the per-module tables only */
	bool        effects;    /* --effects: the master-effect table only */
	bool        no_limiter; /* Chronus' output limiter off (the effect rows: the effect alone) */
	bool        reload;     /* --reload: the hot-reload latency only */
	unsigned    saves;      /* --saves: how many saves it times */
	bool        osc;        /* --osc: OSC latency and throughput only */
	unsigned    mods;       /* --mods: /mod sends it times */
	unsigned    commits;    /* --commits: /patch/commit sends it times */
} Options;

/* ---- Subjects: the plugins measured ----------------------------------- */

typedef struct {
	double cost_ns;     /* run() CPU per sample, whole plugin */
	double sec_min_ns, sec_max_ns; /* the same over each second: the cheapest and dearest */
	double peak_db;
	double power;       /* mean square output once every note has settled */
	bool   done;
	bool   silent;
} Point;

typedef struct {
	const char* name;
	const char* uri;
	const char* package;   /* the Debian package that provides it */
	unsigned    cap;       /* voices it plays at once, held (0: unknown) */
	unsigned    doc_cap;   /* as its source code says (0: unknown) */
	const char* cap_note;  /* where that comes from */
	bool        cap_measured;
	bool        cap_open;  /* every count played in full: the cap is that or more */
	unsigned    restruck_cap; /* the same when re-struck (releases hold voices too) */
	bool        wanted;    /* measured in this run (all, or the --uri one) */
	bool        installed;
	bool        failed;    /* installed but would not start */
	char        error[256];
	Point       held[MAX_COUNTS], restruck[MAX_COUNTS];
	double      marginal, restruck_marginal; /* ns per added voice per sample; NAN if none */
	double      rtf8;                        /* audio s per CPU s at 8 voices */
} Subject;

static Subject subjects[MAX_SUBJECT];
static unsigned n_subjects;

static Subject*
add_subject(const char* name, const char* uri, const char* package, unsigned cap, const char* cap_note)
{
	Subject* s = &subjects[n_subjects++];
	memset(s, 0, sizeof(*s));
	s->name     = name;
	s->uri      = uri;
	s->package  = package;
	s->cap      = cap;
	s->doc_cap  = cap;
	s->cap_note = cap_note;
	s->marginal = s->restruck_marginal = s->rtf8 = NAN;
	return s;
}

static bool
is_chronus(const Subject* s)
{
	return !strcmp(s->uri, CHRONUS_URI);
}

/* ---- Setting a plugin up ---------------------------------------------- */

static HostConfig
bench_config(void)
{
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.rate      = RATE;
	cfg.max_block = BLOCK;
	cfg.worker    = HOST_WORKER_THREAD; /* as a live host: work() off the audio thread */
	cfg.quiet     = true;
	return cfg;
}

static void
run_blocks(Host* h, unsigned n)
{
	for (unsigned i = 0; i < n; ++i) {
		host_run(h, BLOCK, NULL, NULL);
	}
}

/* The last status since `from` that says the patch was primed, or NULL. */
static const char*
primed_status(Host* h, unsigned from)
{
	for (unsigned i = host_status_count(h); i > from; --i) {
		const char* s = host_status(h, i - 1);
		if (s && strstr(s, ": primed in ")) {
			return s;
		}
	}
	return NULL;
}

/* Runs until a new status arrives (the swap started), then lets the fade
 * end. Returns the status, or NULL. */
static const char*
await_swap(Host* h, unsigned before)
{
	for (unsigned b = 0; b < 400 && host_status_count(h) == before; ++b) {
		host_run(h, BLOCK, NULL, NULL);
		host_settle(h);
	}
	run_blocks(h, 16); /* the fade: 30 ms (6 blocks) by default */
	host_settle(h);
	return host_status_count(h) > before ? host_status(h, host_status_count(h) - 1) : NULL;
}

typedef struct {
	Host*    host;
	uint32_t urid_float, urid_double, urid_int, urid_long, urid_bool;
} PresetTarget;

static void
set_port_value(const char* symbol, void* user_data, const void* value, uint32_t size, uint32_t type)
{
	PresetTarget* t = (PresetTarget*)user_data;
	float         v;
	if (type == t->urid_float && size == sizeof(float)) {
		v = *(const float*)value;
	} else if (type == t->urid_double && size == sizeof(double)) {
		v = (float)*(const double*)value;
	} else if ((type == t->urid_int || type == t->urid_bool) && size == sizeof(int32_t)) {
		v = (float)*(const int32_t*)value;
	} else if (type == t->urid_long && size == sizeof(int64_t)) {
		v = (float)*(const int64_t*)value;
	} else {
		return;
	}
	host_set_control(t->host, symbol, v);
}

/* Applies the preset if it is one for this plugin; false if it was meant
 * for it and could not be loaded. *applied says whether it was. */
static bool
apply_preset(Host* h, const char* preset_uri, bool* applied, char* err, size_t err_size)
{
	*applied         = false;
	LilvWorld* world = host_world(h);
	LilvNode*  node  = lilv_new_uri(world, preset_uri);
	lilv_world_load_resource(world, node);
	LilvState* state = lilv_state_new_from_world(world, host_map(h), node);
	lilv_node_free(node);
	if (!state) {
		snprintf(err, err_size, "preset <%s> not found", preset_uri);
		return false;
	}
	const LilvNode* applies = lilv_state_get_plugin_uri(state);
	const char*     plugin  = lilv_node_as_uri(lilv_plugin_get_uri(host_plugin(h)));
	if (!applies || strcmp(lilv_node_as_uri(applies), plugin) != 0) {
		lilv_state_free(state);
		return true;
	}
	LV2_URID_Map* map = host_map(h);
	PresetTarget  t   = {h,
	                     map->map(map->handle, LV2_ATOM__Float),
	                     map->map(map->handle, LV2_ATOM__Double),
	                     map->map(map->handle, LV2_ATOM__Int),
	                     map->map(map->handle, LV2_ATOM__Long),
	                     map->map(map->handle, LV2_ATOM__Bool)};
	lilv_state_restore(state, host_instance(h), set_port_value, &t, 0, host_features(h));
	lilv_state_free(state);
	*applied = true;
	return true;
}

static char* patch_text; /* the Chronus patch being measured, as the plugin reports it */

/* A new instance of s, ready to play: for Chronus, at 64 voices with the
 * bench patch (or preset) primed and swapped in. NULL and s->error on
 * failure. */
static Host*
start(Subject* s, const Options* o)
{
	HostConfig cfg = bench_config();
	Host*      h   = host_new(&cfg, s->uri, s->error, sizeof(s->error));
	if (!h) {
		return NULL;
	}
	bool applied = false;
	if (is_chronus(s)) {
		host_set_control(h, "polyphony", (float)s->doc_cap);
		if (o->no_limiter) {
			host_set_control(h, "limiter", 0.0f);
		}
		run_blocks(h, 1);
		host_settle(h);
		run_blocks(h, 40); /* the rebuild at 64 voices, and its fade */
		const unsigned before = host_status_count(h);
		if (o->preset) {
			if (!apply_preset(h, o->preset, &applied, s->error, sizeof(s->error))) {
				host_free(h);
				return NULL;
			}
		}
		if (!applied) {
			host_patch_set(h, 0, CHRONUS_URI "#patchFile", true, o->patch, (uint32_t)strlen(o->patch));
		}
		host_settle(h);
		const char* st = await_swap(h, before);
		if (!primed_status(h, before) || host_get_control(h, "error") != 0.0f) {
			snprintf(s->error, sizeof(s->error), "the patch did not load: %s", st ? st : "no answer from the plugin");
			host_free(h);
			return NULL;
		}
		if (!patch_text) {
			const char* text = host_last_value(h, CHRONUS_URI "#patchText");
			patch_text       = text ? strdup(text) : NULL;
		}
	} else if (o->preset) {
		if (!apply_preset(h, o->preset, &applied, s->error, sizeof(s->error))) {
			host_free(h);
			return NULL;
		}
		host_settle(h);
	}
	run_blocks(h, 20); /* ~0.1 s of silence: first-run work out of the way */
	host_settle(h);
	return h;
}

/* ---- The score ---------------------------------------------------------- */

/* The i-th of n notes, spread evenly over 36..99. */
static uint8_t
note_of(unsigned i, unsigned n)
{
	return (uint8_t)(NOTE_LOW + ((2u * i + 1u) * 64u) / (2u * n));
}

/* Notes of a chord are struck STAGGER frames apart (64 notes: 49 ms), so
 * octaves do not start in phase and the output power is the sum of the
 * voices' powers, which is what the voice count is read from. */
#define STAGGER 37u

/* Queues this block's share of a chord of n notes struck at frame `at`
 * (absolute), each released first when restrike. */
static void
strike_into_block(Host* h, uint64_t block_start, uint64_t at, unsigned n, bool restrike)
{
	for (unsigned i = 0; i < n; ++i) {
		const uint64_t f = at + (uint64_t)STAGGER * i;
		if (f >= block_start && f < block_start + BLOCK) {
			if (restrike) {
				host_note_off(h, (uint32_t)(f - block_start), note_of(i, n));
			}
			host_note_on(h, (uint32_t)(f - block_start), note_of(i, n), 100);
		}
	}
}

/* A whole chord at once, in the next block (for the engine figures). */
static void
strike(Host* h, unsigned n)
{
	for (unsigned i = 0; i < n; ++i) {
		host_note_on(h, 0, note_of(i, n), 100);
	}
}

/* One measurement: n voices for `seconds`, held or re-struck every second.
 * Returns false (and s->error) when the plugin will not start. */
static bool
measure(Subject* s, const Options* o, unsigned n, bool restruck, Point* p)
{
	Host* h = start(s, o);
	if (!h) {
		return false;
	}
	const uint64_t second = (uint64_t)RATE;
	const uint64_t frames = (uint64_t)llround(o->seconds * RATE / BLOCK) * BLOCK;
	/* Power is read once the chord is complete and, for a plugin that
	 * releases keys past its limit, those releases are over. */
	const uint64_t settled = o->seconds >= 2.0 ? second : frames / 2;
	float          l[BLOCK], r[BLOCK];
	double         total = 0.0, peak = 0.0, sum_sq = 0.0, sec = 0.0;
	double         sec_min = INFINITY, sec_max = 0.0;
	uint64_t       n_sq = 0, sec_frames = 0;
	for (uint64_t f = 0; f < frames; f += BLOCK) {
		/* The chord at 0, and when re-struck at every whole second. */
		for (uint64_t at = 0; at < f + BLOCK; at += second) {
			if (at == 0 || restruck) {
				strike_into_block(h, f, at, n, at > 0);
			}
		}
		const double ns = timed_run(h, l, r);
		total += ns;
		sec += ns;
		sec_frames += BLOCK;
		if (sec_frames >= second || f + BLOCK >= frames) {
			sec_min = fmin(sec_min, sec / (double)sec_frames);
			sec_max = fmax(sec_max, sec / (double)sec_frames);
			sec = 0.0;
			sec_frames = 0;
		}
		peak = fmax(peak, block_peak(l, r));
		if (f >= settled) {
			for (unsigned i = 0; i < BLOCK; ++i) {
				sum_sq += 0.5 * ((double)l[i] * l[i] + (double)r[i] * r[i]);
			}
			n_sq += BLOCK;
		}
	}
	host_free(h);
	p->cost_ns    = total / (double)frames;
	p->sec_min_ns = sec_min;
	p->sec_max_ns = sec_max;
	p->peak_db    = to_db(peak);
	p->power      = n_sq ? sum_sq / (double)n_sq : 0.0;
	p->silent     = p->peak_db < SILENT_DB;
	p->done       = true;
	return true;
}

static int
count_index(const Options* o, unsigned voices)
{
	for (unsigned i = 0; i < o->n_counts; ++i) {
		if (o->counts[i] == voices) {
			return (int)i;
		}
	}
	return -1;
}

static bool
usable(const Point* p)
{
	return p->done && !p->silent;
}

/* How many voices sound when count i's notes are held, read from the
 * output: the chords are spread alike over the same five octaves, so while
 * every note sounds the power per note stays about the same; past the cap
 * it falls as cap / n. The reference is the 8-note chord. An output limiter
 * (synthv1 has one) bends this one down. */
static double
sounding_by_power(const Subject* s, const Options* o, unsigned i)
{
	const int k8 = count_index(o, 8);
	if (k8 < 0 || !usable(&s->held[k8]) || !usable(&s->held[i]) || s->held[k8].power <= 0.0) {
		return NAN;
	}
	return 8.0 * s->held[i].power / s->held[k8].power;
}

/* The same read from run()'s cost: 8 voices plus what the cost added past
 * 8 notes buys at the 8-note chord's cost per voice. (Not the step from 1
 * to 8 notes: a plugin that renders voices in groups, as Chronus does,
 * costs nearly as much for one note as for eight.) */
static double
playing_by_cost(const Point* pts, const Options* o, unsigned i)
{
	const int k8 = count_index(o, 8);
	if (k8 < 0 || !usable(&pts[k8]) || !usable(&pts[i])) {
		return NAN;
	}
	const double per_voice = pts[k8].cost_ns / 8.0;
	return per_voice > 0.0 ? 8.0 + (pts[i].cost_ns - pts[k8].cost_ns) / per_voice : NAN;
}

/* The cap, from the measurements: the first count past 8 whose notes run
 * as fewer than 3/4 of them (by cost) gives it; the documented cap is kept
 * when a measurement agrees with it (within 30 % or 2 voices). If every
 * count plays in full, the cap is the largest count or more. Voices the
 * plugin computes count even if they are quiet: what matters for the slope
 * is where the cost stops growing. */
static void
detect_cap(Subject* s, const Options* o, bool restruck)
{
	const Point* pts  = restruck ? s->restruck : s->held;
	unsigned     cap  = s->cap;
	bool         open = s->cap_open;
	for (unsigned i = 0; i < o->n_counts; ++i) {
		const double v = playing_by_cost(pts, o, i);
		if (o->counts[i] <= 8 || v != v) {
			continue;
		}
		if (v < 0.75 * o->counts[i]) {
			const double by_power = restruck ? NAN : sounding_by_power(s, o, i);
			const double tol      = fmax(2.0, 0.3 * s->doc_cap);
			const bool   agrees   = s->doc_cap && (fabs(v - s->doc_cap) <= tol || fabs(by_power - s->doc_cap) <= tol);
			cap                   = agrees ? s->doc_cap : (v < 1.0 ? 1u : (unsigned)lround(v));
			open                  = false;
			break;
		}
		cap  = o->counts[i];
		open = true;
	}
	if (open && s->doc_cap == cap) {
		open = false; /* Chronus: its polyphony port stops there */
	}
	if (restruck) { /* re-struck, releases may hold voices: never more than held */
		s->restruck_cap = cap < s->cap ? cap : s->cap;
	} else {
		s->cap_measured = s->cap_measured || cap != s->cap || open;
		s->cap          = cap;
		s->cap_open     = open;
	}
}

/* Least-squares slope of cost per sample against voices, over the counts
 * the plugin plays (up to its cap) that made sound. NAN with < 2 points. */
static double
slope(unsigned cap, const Point* pts, const Options* o)
{
	double   sx = 0, sy = 0, sxx = 0, sxy = 0;
	unsigned k  = 0;
	for (unsigned i = 0; i < o->n_counts; ++i) {
		const double x = o->counts[i];
		if (!pts[i].done || pts[i].silent || (cap && o->counts[i] > cap)) {
			continue;
		}
		sx += x;
		sy += pts[i].cost_ns;
		sxx += x * x;
		sxy += x * pts[i].cost_ns;
		++k;
	}
	if (k < 2) {
		return NAN;
	}
	return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

static void
measure_subject(Subject* s, const Options* o)
{
	for (unsigned pass = 0; pass < 2; ++pass) {
		const bool restruck = pass == 1;
		Point*     pts      = restruck ? s->restruck : s->held;
		if (restruck) {
			detect_cap(s, o, false);
		}
		for (unsigned i = 0; i < o->n_counts; ++i) {
			if (restruck && o->quick && o->counts[i] != 8) {
				continue; /* quick: re-struck at 8 voices only */
			}
			progress("%s: %u note%s %s, %.3g s", s->name, o->counts[i], o->counts[i] == 1 ? "" : "s",
			         restruck ? "re-struck every second" : "held", o->seconds);
			if (!measure(s, o, o->counts[i], restruck, &pts[i])) {
				s->failed = true;
				progress("%s: %s", s->name, s->error);
				return;
			}
			if (pts[i].silent) {
				progress("%s: SILENT with %u notes (peak %.1f dBFS)", s->name, o->counts[i], pts[i].peak_db);
			}
		}
	}
	detect_cap(s, o, true);
	s->marginal          = slope(s->cap, s->held, o);
	s->restruck_marginal = slope(s->restruck_cap, s->restruck, o);
	for (unsigned i = 0; i < o->n_counts; ++i) {
		if (o->counts[i] == 8 && s->held[i].done && !s->held[i].silent && s->held[i].cost_ns > 0.0) {
			s->rtf8 = 1e9 / RATE / s->held[i].cost_ns;
		}
	}
}

/* ---- Chronus only ------------------------------------------------------- */

typedef struct {
	unsigned voices;
	double   in_fade_ns, outside_ns; /* per block */
	unsigned swaps;
	bool     done;
} SwapCost;

static char*
read_file(const char* path)
{
	FILE* f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	char*  text = NULL;
	size_t len = 0, cap = 0, got;
	char   buf[4096];
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (len + got + 1 > cap) {
			cap  = (len + got + 1) * 2;
			text = realloc(text, cap);
		}
		memcpy(text + len, buf, got);
		len += got;
	}
	fclose(f);
	if (text) {
		text[len] = '\0';
	}
	return text;
}

/* Alternates the patch and the same patch sent again (one comment more, so
 * two requests, two builds of equal cost) with notes held and a 200 ms
 * crossfade; times the blocks inside each fade and as many outside. The
 * threaded worker builds between blocks (host_settle), so the fade starts
 * at the first frame of the block after the request. */
static bool
measure_swap(Subject* s, const Options* o, SwapCost* c)
{
	Host* h = start(s, o);
	if (!h) {
		return false;
	}
	const char* text_a = patch_text;
	char*       owned  = NULL;
	if (!text_a) {
		owned  = read_file(o->patch);
		text_a = owned ? owned : "";
	}
	const size_t len_a  = strlen(text_a);
	char*        text_b = malloc(len_a + 64);
	snprintf(text_b, len_a + 64, "%s\n# the same patch, sent again\n", text_a);

	const double   fade_ms     = 200.0;
	const unsigned fade_blocks = (unsigned)(fade_ms * 0.001 * RATE / BLOCK); /* whole blocks inside the fade */
	host_set_control(h, "crossfade", (float)fade_ms);
	strike(h, c->voices);
	run_blocks(h, 40);
	float          l[BLOCK], r[BLOCK];
	const unsigned reps = o->quick ? 4 : 12;
	double         in = 0.0, outside = 0.0;
	unsigned       n_in = 0, n_out = 0, swaps = 0;
	for (unsigned k = 0; k < reps; ++k) {
		const char*    text   = k % 2 ? text_b : text_a;
		const unsigned before = host_status_count(h);
		host_patch_set(h, 0, CHRONUS_URI "#patchText", false, text, (uint32_t)strlen(text));
		host_run(h, BLOCK, l, r); /* the request goes to the worker */
		host_settle(h);           /* built and primed; the fade starts with the next block */
		double   in_k = 0.0, out_k = 0.0;
		for (unsigned b = 0; b < fade_blocks; ++b) {
			in_k += timed_run(h, l, r);
		}
		const bool swapped = primed_status(h, before) != NULL;
		run_blocks(h, 8); /* the fade's last frames, the old slot back to the worker */
		host_settle(h);
		run_blocks(h, 8);
		for (unsigned b = 0; b < fade_blocks; ++b) {
			out_k += timed_run(h, l, r);
		}
		if (swapped) {
			in += in_k;
			outside += out_k;
			n_in += fade_blocks;
			n_out += fade_blocks;
			++swaps;
		}
	}
	host_free(h);
	free(text_b);
	free(owned);
	c->swaps      = swaps;
	c->done       = swaps > 0;
	c->in_fade_ns = n_in ? in / n_in : 0.0;
	c->outside_ns = n_out ? outside / n_out : 0.0;
	return true;
}

#define MAX_PROGRAMS 128

typedef struct {
	unsigned n;
	char     name[MAX_PROGRAMS][64];
	double   ms[2][MAX_PROGRAMS];     /* median, at the default polyphony and at 64 voices */
	double   ms_max[2][MAX_PROGRAMS]; /* the slowest of the repeats (the first is cold) */
	unsigned polyphony[2];
	bool     ok[2][MAX_PROGRAMS];
} Primes;

static float
port_max(Host* h, const char* symbol, float fallback)
{
	LilvNode*       sym  = lilv_new_string(host_world(h), symbol);
	const LilvPort* port = lilv_plugin_get_port_by_symbol(host_plugin(h), sym);
	lilv_node_free(sym);
	float value = fallback;
	if (port) {
		LilvNode *def = NULL, *min = NULL, *max = NULL;
		lilv_port_get_range(host_plugin(h), port, &def, &min, &max);
		if (max) {
			value = lilv_node_as_float(max);
		}
		lilv_node_free(def);
		lilv_node_free(min);
		lilv_node_free(max);
	}
	return value;
}

/* Prime time of every factory program: the worker's CPU time for the whole
 * build, which the plugin reports in its status ("Name: primed in X ms").
 * Programs 1..N-1 then 0 (each a change of the program port), three times
 * over; the median of the three. */
static bool
measure_primes(Subject* s, const Options* o, Primes* p)
{
	HostConfig cfg = bench_config();
	Host*      h   = host_new(&cfg, s->uri, s->error, sizeof(s->error));
	if (!h) {
		return false;
	}
	p->n = (unsigned)port_max(h, "program", 0.0f) + 1u;
	p->n = p->n > MAX_PROGRAMS ? MAX_PROGRAMS : p->n;
	const unsigned reps = o->quick ? 1 : 3;
	for (unsigned pass = 0; pass < 2; ++pass) {
		if (pass == 1) {
			host_set_control(h, "polyphony", (float)s->doc_cap);
			const unsigned before = host_status_count(h);
			run_blocks(h, 1);
			host_settle(h);
			await_swap(h, before);
		}
		p->polyphony[pass] = (unsigned)lrintf(host_get_control(h, "polyphony"));
		double samples[MAX_PROGRAMS][3];
		for (unsigned rep = 0; rep < reps; ++rep) {
			for (unsigned j = 1; j <= p->n; ++j) {
				const unsigned k      = j % p->n; /* 1, 2, ..., n-1, 0 */
				const unsigned before = host_status_count(h);
				host_set_control(h, "program", (float)k);
				run_blocks(h, 1);
				host_settle(h);
				const char*  st = await_swap(h, before);
				const char*  at = st ? strstr(st, ": primed in ") : NULL;
				samples[k][rep] = at ? strtod(at + strlen(": primed in "), NULL) : NAN;
				if (at) {
					const size_t len = (size_t)(at - st) < sizeof(p->name[k]) - 1 ? (size_t)(at - st)
					                                                                : sizeof(p->name[k]) - 1;
					memcpy(p->name[k], st, len);
					p->name[k][len] = '\0';
				}
			}
		}
		for (unsigned k = 0; k < p->n; ++k) {
			double   v[3];
			unsigned m = 0;
			for (unsigned rep = 0; rep < reps; ++rep) {
				if (samples[k][rep] == samples[k][rep]) {
					v[m++] = samples[k][rep];
				}
			}
			p->ok[pass][k]     = m > 0;
			p->ms[pass][k]     = m ? median(v, m) : NAN;
			p->ms_max[pass][k] = m ? v[m - 1] : NAN; /* median() sorted them */
		}
	}
	host_free(h);
	return true;
}

typedef struct {
	double played_ns, fresh_ns; /* per block */
	double ratio, ratio_sd;     /* played / fresh, and its spread over chunks */
	double tail_peak_db;        /* the played instance's output while timed */
	bool   done;
} ReleaseCost;

/* Two instances: one plays 64 notes for a second and releases them, the
 * other never plays. Once the release is over (3 s later), their blocks are
 * timed alternately, in alternating order, for `seconds`. */
static bool
measure_release(Subject* s, const Options* o, ReleaseCost* c)
{
	Host* played = start(s, o);
	Host* fresh  = played ? start(s, o) : NULL;
	if (!fresh) {
		host_free(played);
		return false;
	}
	const unsigned n = s->doc_cap ? s->doc_cap : 64;
	strike(played, n);
	const unsigned second = (unsigned)(RATE / BLOCK);
	for (unsigned b = 0; b < 4 * second; ++b) {
		if (b == second) {
			for (unsigned i = 0; i < n; ++i) {
				host_note_off(played, 0, note_of(i, n));
			}
		}
		host_run(played, BLOCK, NULL, NULL);
		host_run(fresh, BLOCK, NULL, NULL);
	}
	host_settle(played);
	host_settle(fresh);

	/* Idle blocks cost well under a microsecond: 60 s of audio each, in
	 * groups of 64 blocks timed as one (the clock's own cost is small
	 * against them), the two instances taking turns to go first. */
	enum { CHUNKS = 10, GROUP = 64 };
	(void)o;
	const unsigned groups = (unsigned)llround(60.0 * RATE / BLOCK / GROUP);
	const unsigned blocks = groups * GROUP;
	double         chunk_p[CHUNKS] = {0}, chunk_f[CHUNKS] = {0};
	double         peak = 0.0;
	float          l[BLOCK], r[BLOCK];
	for (unsigned g = 0; g < groups; ++g) {
		const unsigned k = g * CHUNKS / groups;
		for (unsigned turn = 0; turn < 2; ++turn) {
			const bool     is_played = (turn + g) % 2 == 0;
			Host*          h         = is_played ? played : fresh;
			const uint64_t t0        = thread_ns();
			for (unsigned b = 0; b < GROUP; ++b) {
				host_run(h, BLOCK, l, r);
			}
			const double ns = (double)(thread_ns() - t0) - clock_overhead_ns;
			if (is_played) {
				chunk_p[k] += ns;
				for (unsigned i = 0; i < BLOCK; ++i) { /* the group's last block */
					peak = fmax(peak, fabs((double)l[i]));
				}
			} else {
				chunk_f[k] += ns;
			}
		}
	}
	host_free(played);
	host_free(fresh);
	double sp = 0.0, sf = 0.0, sr = 0.0, srr = 0.0;
	for (unsigned k = 0; k < CHUNKS; ++k) {
		sp += chunk_p[k];
		sf += chunk_f[k];
		const double q = chunk_f[k] > 0.0 ? chunk_p[k] / chunk_f[k] : 1.0;
		sr += q;
		srr += q * q;
	}
	c->played_ns    = sp / blocks;
	c->fresh_ns     = sf / blocks;
	c->ratio        = sf > 0.0 ? sp / sf : NAN;
	c->ratio_sd     = sqrt(fmax(0.0, srr / CHUNKS - (sr / CHUNKS) * (sr / CHUNKS)));
	c->tail_peak_db = to_db(peak);
	c->done         = true;
	return true;
}

/* ---- Chronus' vector paths ------------------------------------------------ */

/* The same held notes on each path the engine has (CHRONUS_SIMD, which the
 * plugin's worker reads when it builds a slot; docs/engine.md): lane groups
 * of 8 with AVX2, with the architecture's baseline instructions, and one
 * voice at a time. */
static const char* const path_names[] = {"avx2", "baseline", "single"};
#define N_PATHS (sizeof path_names / sizeof path_names[0])

typedef struct {
	Point p8, p64;
	bool  done;
} PathCost;

/* No instance is alive between measurements, so no worker thread reads the
 * environment while it changes. */
static void
measure_paths(Subject* chronus, const Options* o, PathCost* pc)
{
	Options     q     = *o;
	const char* old   = getenv("CHRONUS_SIMD");
	char*       saved = old ? strdup(old) : NULL;
	q.seconds         = fmin(o->seconds, 3.0);
	for (unsigned k = 0; k < N_PATHS; ++k) {
		progress("Chronus: the %s path, 8 and 64 voices held", path_names[k]);
		setenv("CHRONUS_SIMD", path_names[k], 1);
		pc[k].done = measure(chronus, &q, 8, false, &pc[k].p8) && measure(chronus, &q, 64, false, &pc[k].p64);
	}
	if (saved) {
		setenv("CHRONUS_SIMD", saved, 1);
		free(saved);
	} else {
		unsetenv("CHRONUS_SIMD");
	}
}

static void
print_paths(const Options* o, const PathCost* pc)
{
	out("\n### Chronus vector paths\n\n");
	out("The same patch and held notes (%.3g s each) on each path the engine has (`CHRONUS_SIMD`, "
	    "docs/engine.md); the default is avx2 where the CPU has it, else baseline%s.\n\n",
	    fmin(o->seconds, 3.0), simd_cpu_has_avx2() ? "" : " (this CPU has no AVX2: the avx2 row runs baseline)");
	out("| path | ns/voice-sample @8 | ns/voice-sample @64 | marginal ns per added voice (8→64) | "
	    "%% of a core @64 | baseline ÷ this @64 |\n|---|---|---|---|---|---|\n");
	const PathCost* base = &pc[1];
	for (unsigned k = 0; k < N_PATHS; ++k) {
		if (!pc[k].done) {
			out("| %s | not measured | | | | |\n", path_names[k]);
			continue;
		}
		const double m = (pc[k].p64.cost_ns - pc[k].p8.cost_ns) / 56.0;
		out("| %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n", path_names[k], pc[k].p8.cost_ns / 8.0,
		    pc[k].p64.cost_ns / 64.0, m, 100.0 * pc[k].p64.cost_ns * RATE / 1e9,
		    base->done ? base->p64.cost_ns / pc[k].p64.cost_ns : NAN);
	}
	out("\nsingle is the reference the lane groups are checked against (a unit test): it runs each "
	    "voice alone, through the group code where a kernel has no one-lane form (the ladder), so it is "
	    "the slowest, not a fallback.\n");
}

/* ---- Per-module cost (--modules) --------------------------------------- */

/* Writes text to a new temporary patch file; its path into `path` (at
 * least 32 bytes). False if it cannot. */
static bool
temp_patch(const char* text, char* path)
{
	strcpy(path, "/tmp/chronus-bench-patch-XXXXXX");
	return temp_file_write(path, text);
}


/* One small patch per module (or use of one): held notes, no envelope, so
 * a figure is that module's cost plus the engine's per-voice work (the
 * voice sum; `sine` is the cheapest row to compare with). A patch with a
 * `unison N` line plays notes of N voices each: 8 / N and 64 / N notes
 * (at least one), its figures per voice of the stacks. */
static const struct {
	const char* what;
	const char* text;
} module_patches[] = {
	{"sine", "create o sine\nout o\n"},
	{"saw", "create o saw\nout o\n"},
	{"square", "create o square\nout o\n"},
	{"triangle", "create o triangle\nout o\n"},
	{"noise", "create o noise\nout o\n"},
	{"saw, start random", "create o saw\nset o.start random\nout o\n"},
	{"saw, start random, unison 7 (1 and 9 notes: 7 and 63 voices)",
	 "create o saw\nset o.start random\nunison 7 25\nout o\n"},
	{"saw, unison 7 spread by note.unison (1 and 9 notes: 7 and 63 voices)",
	 "create o saw\nset o.start random\ncreate p pan\nconnect note.unison p.index\nset p.spread 0.8\npan p\n"
	 "unison 7 25\nout o\n"},
	{"saw hard-synced by a sine", "create m sine\ncreate o saw\nset m.pitch -5\nset o.pitch 7\nconnect m o.sync\nout o\n"},
	{"op", "create o op\nout o\n"},
	{"op, feedback 1", "create o op\nset o.feedback 1\nout o\n"},
	{"op pair (mod into car.pm)", "create m op\ncreate c op\nconnect m c 2\nout c\n"},
	{"6-op stack", "create a op\ncreate b op\ncreate c op\ncreate d op\ncreate e op\ncreate f op\n"
	               "connect a b\nconnect b c\nconnect c d\nconnect d e\nconnect e f\nout f\n"},
	{"saw into ladder", "create o saw\ncreate f ladder\nconnect o f\nout f\n"},
	{"saw into ladder, highpass24, keytrack 1", "create o saw\ncreate f ladder\nset f.mode highpass24\n"
	                                            "set f.keytrack 1\nconnect o f\nout f\n"},
	{"saw into svf, keytrack 1", "create o saw\ncreate f svf\nset f.keytrack 1\nconnect o f\nout f\n"},
	{"saw into formant (vowel held)", "create o saw\ncreate f formant\nconnect o f\nout f\n"},
	{"saw into formant (vowel swept by an LFO)", "create o saw\ncreate f formant\ncreate l lfo\n"
	                                             "connect l f.vowel 2\nconnect o f\nout f\n"},
	{"wavetable (harmonic, position held)", "create o wavetable\nset o.table harmonic\nset o.position 0.5\nout o\n"},
	{"wavetable (harmonic, position swept by an LFO)", "create o wavetable\ncreate l lfo\nset o.table harmonic\n"
	                                                   "set o.position 0.5\nset l.rate 3\nconnect l o.position 0.5\nout o\n"},
};
#define N_MODULE_PATCHES (sizeof module_patches / sizeof module_patches[0])

/* Measures and prints each module patch at 8 and 64 held voices. */
static void
measure_modules(Subject* chronus, const Options* o)
{
	out("\n### Chronus modules\n\n");
	out("Each row a patch of that module alone (tools/chronus_bench.c, `module_patches`), notes held "
	    "(%.3g s each), default path; the figures include the engine's per-voice work.\n\n",
	    fmin(o->seconds, 3.0));
	out("| module | ns/voice-sample @8 | ns/voice-sample @64 | marginal ns per added voice (8→64) |\n"
	    "|---|---|---|---|\n");
	for (unsigned k = 0; k < N_MODULE_PATCHES; ++k) {
		char path[32];
		if (!temp_patch(module_patches[k].text, path)) {
			out("| %s | no temporary file | | |\n", module_patches[k].what);
			unlink(path);
			continue;
		}
		Options q = *o;
		q.patch   = path;
		q.preset  = NULL;
		q.seconds = fmin(o->seconds, 3.0);
		Point          p8 = {0}, p64 = {0};
		const char*    un = strstr(module_patches[k].text, "\nunison ");
		const unsigned u  = un ? (unsigned)atoi(un + 8) : 1u;
		const unsigned lo = 8u / u ? 8u / u : 1u, hi = 64u / u; /* notes */
		progress("Chronus: module %s, %u and %u voices held", module_patches[k].what, lo * u, hi * u);
		if (!measure(chronus, &q, lo, false, &p8) || !measure(chronus, &q, hi, false, &p64)) {
			out("| %s | not measured: %s | | |\n", module_patches[k].what, chronus->error);
		} else {
			out("| %s | %.2f | %.2f | %.2f |\n", module_patches[k].what, p8.cost_ns / (lo * u),
			    p64.cost_ns / (hi * u), (p64.cost_ns - p8.cost_ns) / ((hi - lo) * u));
		}
		unlink(path);
	}
}

/* ---- Master-effect cost (--effects, and with --modules) ----------------- */

/* Each master effect of tools/bench_effects.h on one held saw note: the
 * plugin's run() per frame with the effect less the same saw without it,
 * measured in pairs (the two alternate, so the machine's load drifts into
 * both alike), each pair a fresh instance with its warm-up (start()); the
 * median difference of the pairs, and their least and greatest. A master
 * effect runs once per frame whatever the voices, so one note shows its
 * whole cost; the difference also holds what a stereo effect adds to a mono
 * patch (the voices' right-channel sum: one voice here). The plugin's
 * output limiter is off in both, so a row does not count what the effect
 * changes in the limiter's work. Returns false if a row could not be
 * measured or came out silent. */
static bool
measure_effects(Subject* chronus, const Options* o)
{
	const unsigned reps    = o->quick ? 3u : 7u;
	const double   seconds = fmin(o->seconds, 1.0);
	out("\n### Chronus master effects\n\n");
	out("Each row one saw note into that effect, created `master` (tools/bench_effects.h); its cost is "
	    "run() per stereo frame with the effect less the same saw without it: the median of %u such "
	    "pairs (%.3g s of audio each, fresh instances after a warm-up), and the least and greatest of "
	    "them; default path, the output limiter off. %% of a core: the median at 48 kHz.\n\n",
	    reps, seconds);
	out("| effect | ns/frame (median) | least – greatest | %% of a core @48 kHz |\n"
	    "|---|---|---|---|\n");
	char base_path[32];
	if (!temp_patch(BENCH_EFFECT_BASELINE, base_path)) {
		out("| (baseline) | no temporary file | | |\n");
		unlink(base_path);
		return false;
	}
	bool all = true;
	for (unsigned k = 0; k < N_BENCH_EFFECTS; ++k) {
		char fx_path[32];
		if (!temp_patch(bench_effects[k].text, fx_path)) {
			out("| %s | no temporary file | | |\n", bench_effects[k].what);
			unlink(fx_path);
			all = false;
			continue;
		}
		progress("Chronus: master effect %s, %u pairs of %.3g s", bench_effects[k].what, reps, seconds);
		double   diff[7];
		unsigned n = 0;
		bool     silent = false;
		for (unsigned r = 0; r < reps; ++r) {
			Options q    = *o;
			q.preset     = NULL;
			q.seconds    = seconds;
			q.no_limiter = true;
			Point with = {0}, without = {0};
			q.patch    = fx_path;
			if (!measure(chronus, &q, 1, false, &with)) {
				break;
			}
			q.patch = base_path;
			if (!measure(chronus, &q, 1, false, &without)) {
				break;
			}
			silent |= with.silent;
			diff[n++] = with.cost_ns - without.cost_ns;
		}
		if (n < reps || silent) {
			out("| %s | not measured: %s | | |\n", bench_effects[k].what,
			    silent ? "silent output" : chronus->error);
			all = false;
		} else {
			double lo = diff[0], hi = diff[0];
			for (unsigned r = 1; r < n; ++r) {
				lo = fmin(lo, diff[r]);
				hi = fmax(hi, diff[r]);
			}
			const double med = median(diff, n);
			out("| %s | %.1f | %.1f – %.1f | %.2f |\n", bench_effects[k].what, med, lo, hi, 100.0 * med * RATE / 1e9);
		}
		unlink(fx_path);
	}
	unlink(base_path);
	return all;
}

/* Peak resident memory of this process image: VmHWM from /proc, not
 * getrusage's ru_maxrss, which Linux carries over exec from the parent
 * (waf's Python would be counted). 0 where /proc has no such line. */
static long
peak_rss_kib(void)
{
	FILE* f = fopen("/proc/self/status", "r");
	char  line[256];
	long  kib = 0;
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "VmHWM:", 6)) {
			kib = atol(line + 6);
			break;
		}
	}
	if (f) {
		fclose(f);
	}
	return kib;
}

/* ---- The machine -------------------------------------------------------- */

static void
machine(char* cpu, size_t cpu_size, unsigned* cores)
{
	snprintf(cpu, cpu_size, "unknown CPU");
	*cores     = 0;
	FILE* f    = fopen("/proc/cpuinfo", "r");
	char  line[512];
	bool  named = false;
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "processor", 9)) {
			++*cores;
		} else if (!named && !strncmp(line, "model name", 10)) {
			const char* v = strchr(line, ':');
			if (v) {
				v += 1 + (v[1] == ' ');
				snprintf(cpu, cpu_size, "%s", v);
				cpu[strcspn(cpu, "\n")] = '\0';
				named                   = true;
			}
		}
	}
	if (f) {
		fclose(f);
	}
	const long online = sysconf(_SC_NPROCESSORS_ONLN);
	if (!*cores && online > 0) {
		*cores = (unsigned)online;
	}
}

/* ---- Printing ------------------------------------------------------------ */

static void
cell_cost(unsigned cap, const Point* p, unsigned voices)
{
	if (!p->done) {
		out(" – |");
	} else if (p->silent) {
		out(" silent |");
	} else {
		out(" %.2f%s |", p->cost_ns / voices, cap && voices > cap ? "†" : "");
	}
}

static const char*
cap_text(const Subject* s)
{
	static char    text[32];
	const unsigned cap  = s->cap;
	const bool     open = s->cap_open;
	if (!cap) {
		snprintf(text, sizeof(text), "?");
	} else if (open) {
		snprintf(text, sizeof(text), "≥%u", cap);
	} else if (s->cap_measured && cap != s->doc_cap) {
		snprintf(text, sizeof(text), "≈%u", cap);
	} else {
		snprintf(text, sizeof(text), "%u", cap);
	}
	return text;
}

static void
print_table(const Options* o, bool restruck, const Subject* chronus)
{
	out("| plugin | voices cap |");
	for (unsigned i = 0; i < o->n_counts; ++i) {
		out(" ns/voice-sample @%u |", o->counts[i]);
	}
	out(" marginal ns per added voice |%s Chronus marginal ÷ this |\n", restruck ? "" : " real-time factor @8 |");
	out("|---|---|");
	for (unsigned i = 0; i < o->n_counts; ++i) {
		out("---|");
	}
	out("---|%s---|\n", restruck ? "" : "---|");
	for (unsigned k = 0; k < n_subjects; ++k) {
		const Subject* s = &subjects[k];
		if (!s->wanted || !s->installed || s->failed) {
			continue;
		}
		out("| %s | %s |", s->name, cap_text(s));
		const Point* pts = restruck ? s->restruck : s->held;
		for (unsigned i = 0; i < o->n_counts; ++i) {
			cell_cost(restruck ? s->restruck_cap : s->cap, &pts[i], o->counts[i]);
		}
		const double m = restruck ? s->restruck_marginal : s->marginal;
		if (m == m) {
			out(" %.2f |", m);
		} else {
			out(" – |");
		}
		if (!restruck) {
			if (s->rtf8 == s->rtf8) {
				out(" %.0f |", s->rtf8);
			} else {
				out(" – |");
			}
		}
		const double cm = chronus ? (restruck ? chronus->restruck_marginal : chronus->marginal) : NAN;
		if (cm == cm && m == m && m > 0.0) {
			out(" %.2f |\n", cm / m);
		} else {
			out(" – |\n");
		}
	}
}

static const char*
verdict(bool known, bool met)
{
	return !known ? "n/a " : met ? "PASS" : "GAP ";
}

/* ---- Hot-reload latency (--reload) ---------------------------------------- */

/* The whole report of a --reload run: it measures nothing else, so that
 * the default run does not grow by the saves' real time. */
static int
measure_reload(const Options* o, int argc, char** argv)
{
	if (o->preset || o->uri) {
		fprintf(stderr, "chronus-bench: --reload plays Chronus with a patch file (--patch), not --uri or --preset\n");
		return 2;
	}
	char* text = read_file(o->patch);
	if (!text) {
		fprintf(stderr, "chronus-bench: cannot read %s\n", o->patch);
		return 1;
	}
	const unsigned saves = o->saves ? o->saves : 50;
	progress("Chronus: hot-reload latency, %u saves paced in real time (about %.0f s)", saves, saves * 0.4);
	ReloadFigures f;
	const bool    ok = bench_reload(CHRONUS_URI, text, saves, &f);
	free(text);
	char     cpu[256];
	unsigned cores;
	machine(cpu, sizeof(cpu), &cores);
	out("## chronus-bench: hot-reload latency\n\n");
	out("- machine: %s, %u cores\n- command: `", cpu, cores);
	for (int i = 0; i < argc; ++i) {
		out("%s%s", i ? " " : "", argv[i]);
	}
	out("`\n- patch: %s; the saves alternate %s\n", o->patch, f.change);
	out("- %.0f Hz, %u-frame blocks run at their real-time deadlines (%.2f ms apart), threaded worker; one note "
	    "held; each save writes a temporary file and renames it over the patch, 200 to 300 ms apart (a random "
	    "phase of the plugin's 100 ms look at the file); latency: from the rename to the start of the block "
	    "in which the crossfade begins\n\n",
	    RATE, BLOCK, 1e3 * BLOCK / RATE);
	if (!ok) {
		out("not measured: %s\n", f.error[0] ? f.error : "no save was heard within 2 s");
		return 1;
	}
	out("| saves | heard | median ms | mean ms | worst ms | best ms | build+prime ms (mean) |\n"
	    "|---|---|---|---|---|---|---|\n");
	out("| %u | %u | %.1f | %.1f | %.1f | %.1f | %.2f |\n\n", f.saves, f.swaps, f.median_ms, f.mean_ms, f.worst_ms,
	    f.best_ms, f.prime_mean_ms);
	out("- active_slot changed after %u of %u saves; output level %.1f / %.1f dBFS RMS with the two texts; "
	    "%u blocks started over a block late\n\n",
	    f.slot_flips, f.saves, f.level_db[0], f.level_db[1], f.late_blocks);
	const bool met = f.swaps == f.saves && f.worst_ms <= 250.0;
	out("%s every save heard within 250 ms: worst %.1f ms, median %.1f ms, %u of %u heard\n",
	    verdict(true, met), f.worst_ms, f.median_ms, f.swaps, f.saves);
	if (o->markdown) {
		FILE* md = fopen(o->markdown, "w");
		if (!md || fwrite(report, 1, report_len, md) != report_len || fclose(md)) {
			fprintf(stderr, "chronus-bench: cannot write %s\n", o->markdown);
			return 1;
		}
	}
	free(report);
	return 0;
}

/* ---- OSC latency and throughput (--osc) ------------------------------------ */

static void
write_markdown(const Options* o)
{
	if (o->markdown) {
		FILE* md = fopen(o->markdown, "w");
		if (!md || fwrite(report, 1, report_len, md) != report_len || fclose(md)) {
			fprintf(stderr, "chronus-bench: cannot write %s\n", o->markdown);
		}
	}
}

/* The whole report of an --osc run; like --reload it measures nothing
 * else, and is not part of the default run (it takes real time). */
static int
measure_osc(const Options* o, int argc, char** argv)
{
	if (o->preset || o->uri) {
		fprintf(stderr, "chronus-bench: --osc plays Chronus with its own sine patch, not --uri or --preset\n");
		return 2;
	}
	const unsigned mods = o->mods ? o->mods : 200, commits = o->commits ? o->commits : 20;
	const double   block_ms = 1e3 * BLOCK / RATE;
	progress("Chronus: OSC latency and throughput, %u /mod, %u commits, a %.0f s flood (about %.0f s)", mods, commits,
	         o->seconds, mods * 0.045 + commits * 0.2 + o->seconds + 2.0);
	OscFigures f;
	const bool ok = bench_osc(CHRONUS_URI, mods, commits, o->seconds, &f);
	char       cpu[256];
	unsigned   cores;
	machine(cpu, sizeof(cpu), &cores);
	out("## chronus-bench: OSC latency and throughput\n\n");
	out("- machine: %s, %u cores\n- command: `", cpu, cores);
	for (int i = 0; i < argc; ++i) {
		out("%s%s", i ? " " : "", argv[i]);
	}
	out("`\n- %.0f Hz, %u-frame blocks run at their real-time deadlines (%.2f ms apart), threaded worker; the "
	    "plugin's OSC server on a free port of 127.0.0.1, a liblo client in this process; patch `create o sine / "
	    "create a vca / connect o a / set a.gain 0.5 / out a`, limiter off, A4 held\n\n",
	    RATE, BLOCK, block_ms);
	if (!ok) {
		out("not measured: %s\n", f.error);
		write_markdown(o);
		return 1;
	}
	out("### The OSC thread's round trip\n\n"
	    "`/engine/status` sent at a random point early in a block gap and its answer waited for there: %u "
	    "answered of 50, median %.3f ms, worst %.3f ms. A message sent less than this before a block may "
	    "reach the plugin after the block has begun.\n\n",
	    f.rtts, f.rtt_ms.median, f.rtt_ms.worst);
	out("### /mod: send to the first changed block\n\n"
	    "`/mod/a/gain f` alternating 0.25 and 0.5, 20 to 50 ms apart, each sent at a random point between two "
	    "blocks; latency: from the send to the start of the first block whose second half's peak is more than "
	    "2 %% off the steady level (the 5 ms gain ramp starts at that block's first frame); blocks: counted from "
	    "the first block that began after the send (1: that block)\n\n");
	out("| sent | heard | median ms | mean ms | worst ms | best ms | median blocks | worst blocks |\n"
	    "|---|---|---|---|---|---|---|---|\n");
	out("| %u | %u | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f |\n\n", f.mods, f.mods_heard, f.mod_ms.median,
	    f.mod_ms.mean, f.mod_ms.worst, f.mod_ms.best, f.mod_blocks.median, f.mod_blocks.worst);
	out("- heard in the first block after the send: %u of %u", f.mod_first_block, f.mods);
	if (f.mod_first_block < f.mods_heard) {
		out("; the %u heard later were sent at most %.3f ms before the first block began (%u of them longer "
		    "than the worst round trip before it)",
		    f.mods_heard - f.mod_first_block, f.mod_miss_lead_ms, f.mod_miss_early);
	}
	out("\n- steady peak %.2f dBFS at gain 0.25, %.2f dBFS at 0.5 (%.2f dB apart); %u /error replies\n\n",
	    f.mod_level_db[0], f.mod_level_db[1], f.mod_level_db[1] - f.mod_level_db[0], f.mod_errors);

	out("### /patch/commit: send to the first crossfaded block\n\n"
	    "a title and 5 statements staged (`create o sine`, `create a vca`, `connect o a`, `set a.gain 0.3|0.45`, "
	    "`out a`), /patch/staged answered, then `/patch/commit` at a random point between two blocks, the two "
	    "titles alternating; latency: from the send to the start of the block in which the crossfade begins "
	    "(the status \"<title>: primed in X ms\" marks its first frame); prime: X\n\n");
	out("| commits | swapped | median ms | mean ms | worst ms | best ms | prime median ms | prime worst ms |\n"
	    "|---|---|---|---|---|---|---|---|\n");
	out("| %u | %u | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n\n", f.commits, f.commits_heard,
	    f.commit_ms.median, f.commit_ms.mean, f.commit_ms.worst, f.commit_ms.best, f.prime_ms.median,
	    f.prime_ms.worst);
	out("- from the first block that began after the send to the crossfade's first block: median %.0f, worst "
	    "%.0f blocks; less the prime: median %.2f, worst %.2f blocks (that block takes the commit and asks the "
	    "worker; the build ends in the gap after it; the host hands the answer back after the next run(); the "
	    "crossfade begins in the block after that)\n",
	    f.swap_blocks.median, f.swap_blocks.worst, f.excess_blocks.median, f.excess_blocks.worst);
	out("- crossfaded 3 blocks after the first block after the send: %u of %u; those were sent at most %.3f ms "
	    "before that block began (the OSC thread's worst round trip: %.3f ms)\n",
	    f.commit_late, f.commits_heard, f.commit_late_lead_ms, f.rtt_ms.worst);
	out("- /patch/committed answered %u times; active_slot changed after %u of %u commits; %u /error replies\n\n",
	    f.commit_replies, f.commit_flips, f.commits, f.commit_errors);

	out("### Flood: %.0f /mod a second for %.0f s\n\n"
	    "a sender thread paced by the clock, not waiting for replies; then /engine/status until its count of "
	    "commands taken by run() stops growing\n\n",
	    f.flood_rate_asked, f.flood_seconds);
	const long lost = (long)f.flood_sent - (long)f.flood_taken;
	out("| sent | rate achieved /s | taken by run() | lost | busy replies | kernel drops | count settled after ms |\n"
	    "|---|---|---|---|---|---|---|\n");
	out("| %u | %.0f | %u | %ld | %u | ", f.flood_sent, f.flood_rate, f.flood_taken, lost, f.flood_busy);
	if (f.flood_rcvbuf_errors >= 0) {
		out("%ld", f.flood_rcvbuf_errors);
	} else {
		out("n/a");
	}
	out(" | %.0f |\n\n", f.flood_drain_ms);
	if (f.flood_send_failed) {
		out("- %u sends failed in liblo\n", f.flood_send_failed);
	}
	if (f.flood_busy) {
		out("- the last busy reply: %s\n", f.flood_busy_text);
	}
	out("- kernel drops: UDP RcvbufErrors in /proc/net/snmp over the flood (any socket of this machine's network "
	    "namespace); %u blocks started over a block late in the whole run\n\n",
	    f.late_blocks);

	const bool mod_met = f.mods_heard == f.mods && f.mod_blocks.worst <= 2.0 && f.mod_miss_early == 0;
	out("%s every /mod heard in the first block that began after it reached the plugin: %u of %u in the first "
	    "block after the send, the other %u sent at most %.3f ms (under the worst round trip, %.3f ms) before "
	    "it; worst %.2f ms from the send\n",
	    verdict(true, mod_met), f.mod_first_block, f.mods, f.mods - f.mod_first_block, f.mod_miss_lead_ms,
	    f.rtt_ms.worst, f.mod_ms.worst);
	const bool commit_met = f.commits_heard == f.commits && f.excess_blocks.worst <= 2.0;
	out("%s every commit crossfading within its prime + 2 blocks (%.2f ms) of the first block after the send: "
	    "worst prime + %.2f blocks, %u of %u swapped; from the send itself: worst %.2f ms = prime + %.2f "
	    "blocks\n",
	    verdict(true, commit_met), 2.0 * block_ms, f.excess_blocks.worst, f.commits_heard, f.commits,
	    f.commit_ms.worst, (f.commit_ms.worst - f.prime_ms.worst) / block_ms);
	out("%s no message lost at %.0f a second: %ld of %u lost\n", verdict(true, lost == 0), f.flood_rate_asked, lost,
	    f.flood_sent);
	write_markdown(o);
	free(report);
	return 0;
}

/* ---- Main ------------------------------------------------------------------ */

static void
usage(void)
{
	fprintf(stderr,
	        "usage: chronus-bench [options]\n"
	        "  --uri URI        measure this plugin only (default: Chronus and the installed peers)\n"
	        "  --patch FILE     Chronus patch file (default tools/bench-reference.chronus)\n"
	        "  --preset URI     a preset, loaded into the plugin it applies to (instead of the patch)\n"
	        "  --seconds S      audio per measurement (default 10; 1 for a quick look)\n"
	        "  --quick          voices 1, 8, 64; re-struck at 8 only; 2 s unless --seconds\n"
	        "  --markdown FILE  write the report to FILE too\n"
	        "  --no-paths       skip Chronus' per-path table (avx2, baseline, single): for profiling\n"
	        "                   the default path alone\n"
	        "  --modules        only Chronus' per-module table: each module's patch, 8 and 64 voices,\n"
	        "                   then the master-effect table\n"
	        "  --effects        only the master-effect table: each effect's cost per stereo frame\n"
	        "                   (median of 7 pairs with and without it; 3 with --quick); exits 1 if a\n"
	        "                   row could not be measured\n"
	        "  --reload         only the hot-reload latency: save the patch file (by rename) N times\n"
	        "                   while a note plays in real time; save to first crossfaded block\n"
	        "  --saves N        saves for --reload, 1 to 1000 (default 50; about 0.4 s each)\n"
	        "  --osc            only OSC latency and throughput, over loopback UDP in real time: /mod\n"
	        "                   send to changed block, /patch/commit send to crossfade, and a flood of\n"
	        "                   10 000 /mod a second for --seconds (default 10)\n"
	        "  --mods N         /mod sends for --osc, 1 to 10000 (default 200; about 40 ms each)\n"
	        "  --commits N      commits for --osc, 1 to 1000 (default 20; about 0.2 s each)\n"
	        "LV2_PATH must hold the Chronus bundle's folder (build/lv2) and /usr/lib/lv2;\n"
	        "when it is not set, <folder of this program>/lv2:/usr/lib/lv2 is used.\n");
}

/* The default patch: from the working directory, the source tree named by
 * CHRONUS_SOURCE_DIR, or next to the build folder this program is in. */
static char*
find_default_patch(const char* exe_dir)
{
	const char* rel = "tools/bench-reference.chronus";
	char        path[4096];
	const char* src = getenv("CHRONUS_SOURCE_DIR");
	const char* tries[3] = {".", src, exe_dir};
	for (unsigned i = 0; i < 3; ++i) {
		if (!tries[i]) {
			continue;
		}
		snprintf(path, sizeof(path), "%s%s%s", tries[i], i == 2 ? "/../" : "/", rel);
		char* real = realpath(path, NULL);
		if (real) {
			return real;
		}
	}
	return NULL;
}

int
main(int argc, char** argv)
{
#if defined(__SSE__) || defined(__x86_64__)
	_mm_setcsr(_mm_getcsr() | 0x8040); /* flush-to-zero and denormals-are-zero, in the host thread */
#endif
	Options o = {0};
	o.seconds = 0.0;
	char* patch_arg = NULL;
	for (int i = 1; i < argc; ++i) {
		const bool more = i + 1 < argc;
		if (!strcmp(argv[i], "--uri") && more) {
			o.uri = argv[++i];
		} else if (!strcmp(argv[i], "--patch") && more) {
			patch_arg = argv[++i];
		} else if (!strcmp(argv[i], "--preset") && more) {
			o.preset = argv[++i];
		} else if (!strcmp(argv[i], "--seconds") && more) {
			o.seconds = atof(argv[++i]);
			if (!(o.seconds >= 0.1 && o.seconds <= 600.0)) {
				usage();
				return 2;
			}
		} else if (!strcmp(argv[i], "--quick")) {
			o.quick = true;
		} else if (!strcmp(argv[i], "--markdown") && more) {
			o.markdown = argv[++i];
		} else if (!strcmp(argv[i], "--no-paths")) {
			o.no_paths = true;
		} else if (!strcmp(argv[i], "--modules")) {
			o.modules = true;
		} else if (!strcmp(argv[i], "--effects")) {
			o.effects = true;
		} else if (!strcmp(argv[i], "--reload")) {
			o.reload = true;
		} else if (!strcmp(argv[i], "--saves") && more) {
			const long n = strtol(argv[++i], NULL, 10);
			if (n < 1 || n > 1000) {
				usage();
				return 2;
			}
			o.saves = (unsigned)n;
		} else if (!strcmp(argv[i], "--osc")) {
			o.osc = true;
		} else if ((!strcmp(argv[i], "--mods") || !strcmp(argv[i], "--commits")) && more) {
			const bool mods = argv[i][2] == 'm';
			const long n    = strtol(argv[++i], NULL, 10);
			if (n < 1 || n > (mods ? 10000 : 1000)) {
				usage();
				return 2;
			}
			*(mods ? &o.mods : &o.commits) = (unsigned)n;
		} else {
			usage();
			return 2;
		}
	}
	if (o.seconds == 0.0) {
		o.seconds = o.quick ? 2.0 : 10.0;
	}
	o.counts   = o.quick ? counts_quick : counts_full;
	o.n_counts = o.quick ? sizeof(counts_quick) / sizeof(counts_quick[0]) : sizeof(counts_full) / sizeof(counts_full[0]);

	/* Where this program is: build/, whose lv2/ holds the bundle. */
	char exe_dir[4096] = ".";
	{
		const ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof(exe_dir) - 1);
		if (n > 0) {
			exe_dir[n] = '\0';
			char* slash = strrchr(exe_dir, '/');
			if (slash) {
				*slash = '\0';
			}
		}
	}
	if (!getenv("LV2_PATH")) {
		char lv2_path[4200];
		snprintf(lv2_path, sizeof(lv2_path), "%s/lv2:/usr/lib/lv2", exe_dir);
		setenv("LV2_PATH", lv2_path, 1);
	}
	/* synthv1 is a Qt program: without a display it needs Qt's offscreen
	 * platform, set before lilv loads it. */
	if (!getenv("QT_QPA_PLATFORM") && !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) {
		setenv("QT_QPA_PLATFORM", "offscreen", 1);
	}
	char* patch = patch_arg ? realpath(patch_arg, NULL) : find_default_patch(exe_dir);
	if (!patch && !o.preset) {
		fprintf(stderr, "chronus-bench: patch file %s not found\n",
		        patch_arg ? patch_arg : "tools/bench-reference.chronus");
		return 1;
	}
	o.patch = patch;
	if (o.reload) {
		const int rc = measure_reload(&o, argc, argv);
		free(patch);
		return rc;
	}
	if (o.osc) {
		const int rc = measure_osc(&o, argc, argv);
		free(patch);
		return rc;
	}
	calibrate_clock();
	const long rss_start = peak_rss_kib();

	/* The subjects, and which of them the machine has. */
	add_subject("Chronus", CHRONUS_URI, NULL, 0, "its Polyphony port's maximum");
	add_subject("mda JX10", "http://drobilla.net/plugins/mda/JX10", "mda-lv2", 8,
	            "NVOICES 8 (mdaJX10.h); a 9th note steals a voice");
	add_subject("mda DX10", "http://drobilla.net/plugins/mda/DX10", "mda-lv2", 8,
	            "NVOICES 8 (mdaDX10.h); a 9th note steals a voice");
	add_subject("ZynAddSubFX", "http://zynaddsubfx.sourceforge.net", "zynaddsubfx-lv2", 15,
	            "the part's key limit, 15 by default (Part::Pkeylimit); older keys are released");
	add_subject("synthv1", "http://synthv1.sourceforge.net/lv2", "synthv1-lv2", 0,
	            "not documented here (old sources had MAX_VOICES 32)");
	if (o.uri) {
		bool known = false;
		for (unsigned k = 0; k < n_subjects; ++k) {
			known |= !strcmp(subjects[k].uri, o.uri);
		}
		if (!known) {
			add_subject(o.uri, o.uri, NULL, 0, "not documented here");
		}
	}
	{
		LilvWorld* world = lilv_world_new();
		lilv_world_load_all(world);
		const LilvPlugins* all = lilv_world_get_all_plugins(world);
		for (unsigned k = 0; k < n_subjects; ++k) {
			LilvNode*         uri = lilv_new_uri(world, subjects[k].uri);
			const LilvPlugin* p   = lilv_plugins_get_by_uri(all, uri);
			subjects[k].installed = p != NULL;
			if (p && is_chronus(&subjects[k])) {
				/* Chronus plays as many voices as its polyphony port allows. */
				LilvNode*       sym  = lilv_new_string(world, "polyphony");
				const LilvPort* port = lilv_plugin_get_port_by_symbol(p, sym);
				LilvNode *      def = NULL, *min = NULL, *max = NULL;
				if (port) {
					lilv_port_get_range(p, port, &def, &min, &max);
				}
				subjects[k].cap = subjects[k].doc_cap = max ? (unsigned)lilv_node_as_float(max) : 64;
				lilv_node_free(sym);
				lilv_node_free(def);
				lilv_node_free(min);
				lilv_node_free(max);
			}
			lilv_node_free(uri);
		}
		lilv_world_free(world);
	}

	Subject* chronus = &subjects[0];
	const bool only_one = o.uri != NULL;
	for (unsigned k = 0; k < n_subjects; ++k) {
		subjects[k].wanted = !only_one || !strcmp(o.uri, subjects[k].uri);
	}
	bool       measure_chronus = !only_one || !strcmp(o.uri, CHRONUS_URI);
	long       rss_chronus     = 0;
	SwapCost   swap[2]         = {{.voices = 8}, {.voices = 64}};
	Primes     primes          = {0};
	ReleaseCost release        = {0};
	bool       primes_done     = false;
	PathCost   paths[N_PATHS];
	memset(paths, 0, sizeof paths);

	if (measure_chronus && !chronus->installed) {
		progress("Chronus <%s> is not on LV2_PATH (%s): build it first (./waf build)", CHRONUS_URI,
		         getenv("LV2_PATH"));
		return 1;
	}
	if (o.modules || o.effects) { /* the per-module tables alone */
		if (!chronus->installed) {
			progress("Chronus <%s> is not on LV2_PATH (%s): build it first (./waf build)", CHRONUS_URI,
			         getenv("LV2_PATH"));
			return 1;
		}
		out("## chronus-bench: module costs\n");
		if (o.modules) {
			measure_modules(chronus, &o);
		}
		const bool fx_ok = measure_effects(chronus, &o);
		if (o.markdown) {
			FILE* f = fopen(o.markdown, "w");
			if (!f || fwrite(report, 1, report_len, f) != report_len || fclose(f)) {
				fprintf(stderr, "chronus-bench: cannot write %s\n", o.markdown);
				return 1;
			}
		}
		free(patch);
		return fx_ok ? 0 : 1;
	}
	if (measure_chronus) {
		/* Peak RSS after instantiating (and loading the patch), before any
		 * other plugin is loaded into the process. */
		Host* h = start(chronus, &o);
		if (!h) {
			progress("Chronus: %s", chronus->error);
			return 1;
		}
		rss_chronus = peak_rss_kib();
		host_free(h);
		measure_subject(chronus, &o);
		if (chronus->failed) {
			return 1;
		}
		for (unsigned v = 0; v < 2; ++v) {
			progress("Chronus: run() during crossfades, %u voices held", swap[v].voices);
			measure_swap(chronus, &o, &swap[v]);
		}
		progress("Chronus: prime time of every factory program");
		primes_done = measure_primes(chronus, &o, &primes);
		progress("Chronus: voices whose release is over against an instance that never played");
		measure_release(chronus, &o, &release);
		if (!o.no_paths) {
			measure_paths(chronus, &o, paths);
		}
	}
	for (unsigned k = 1; k < n_subjects; ++k) {
		Subject* s = &subjects[k];
		if (!s->wanted) {
			continue;
		}
		if (!s->installed) {
			progress("%s: not installed%s%s%s", s->name, s->package ? " (Debian package " : "",
			         s->package ? s->package : "", s->package ? ")" : "");
			continue;
		}
		measure_subject(s, &o);
	}

	/* ---- The report ---- */
	char     cpu[256];
	unsigned cores;
	machine(cpu, sizeof(cpu), &cores);
	struct utsname un;
	uname(&un);
	time_t    now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char date[64];
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm);

	out("## chronus-bench results\n\n");
	out("- machine: %s, %u cores (%s %s)\n", cpu, cores, un.sysname, un.release);
	out("- command: `");
	for (int i = 0; i < argc; ++i) {
		out("%s%s", i ? " " : "", argv[i]);
	}
	out("`\n- date: %s; LV2_PATH=%s\n", date, getenv("LV2_PATH"));
	out("- %.0f Hz, %u-frame blocks, %.3g s of audio per measurement; run() thread CPU time "
	    "(CLOCK_THREAD_CPUTIME_ID around host_run, less %.0f ns of clock per block); FTZ/DAZ set\n",
	    RATE, BLOCK, o.seconds, clock_overhead_ns);
	if (measure_chronus) {
		out("- Chronus patch: %s\n", o.preset ? o.preset : o.patch);
	}
	out("\n### Held notes\n\n");
	print_table(&o, false, measure_chronus ? chronus : NULL);
	out("\n### Notes re-struck every second\n\n");
	print_table(&o, true, measure_chronus ? chronus : NULL);
	out("\nns/voice-sample: run() CPU time / (voices × samples). Marginal: least-squares slope of run() "
	    "CPU per sample over the voice counts up to the cap. † left out of the slope: past the cap "
	    "(fewer voices play than notes are held) or, re-struck, the cost per note falls by over a "
	    "quarter from the 8-note one (the voice pool is full: releases are cut short, or new notes "
	    "wait for voices).\n\n"
	    "Voice caps (≈: measured, no documented figure agrees; ≥: every count played in full), "
	    "measured two ways: voices playing by cost = 8 + (cost(n) − cost(8)) ÷ per-voice cost "
	    "of the 8-note chord; voices sounding by output = 8 × power(n) ÷ power(8), from 1 s on "
	    "(an output limiter bends it down):\n");
	for (unsigned k = 0; k < n_subjects; ++k) {
		const Subject* s = &subjects[k];
		if (!s->wanted || !s->installed || s->failed) {
			continue;
		}
		out("- %s: %s; notes held → voices playing by cost / sounding by output power:", s->name, cap_text(s));
		for (unsigned i = 0; i < o.n_counts; ++i) {
			const double c = playing_by_cost(s->held, &o, i), v = sounding_by_power(s, &o, i);
			if (o.counts[i] > 8 && (c == c || v == v)) {
				out(" %u → %.1f / %.1f;", o.counts[i], c, v);
			}
		}
		if (s->restruck_cap < s->cap) {
			out(" re-struck, ≈%u by cost (a full pool cuts releases short or makes notes wait);",
			    s->restruck_cap);
		}
		if (s->doc_cap) {
			out(" documented %u: %s", s->doc_cap, s->cap_note);
		} else {
			out(" %s", s->cap_note);
		}
		out("\n");
	}
	bool any_missing = false;
	for (unsigned k = 0; k < n_subjects; ++k) {
		const Subject* s = &subjects[k];
		if (s->wanted && (!s->installed || s->failed)) {
			if (!any_missing) {
				out("\nNot measured:\n");
				any_missing = true;
			}
			if (s->failed) {
				out("- %s <%s>: %s\n", s->name, s->uri, s->error);
			} else {
				out("- %s <%s>: not installed%s%s%s\n", s->name, s->uri, s->package ? " (Debian package " : "",
				    s->package ? s->package : "", s->package ? ")" : "");
			}
		}
	}
	bool any_silent = false;
	for (unsigned k = 0; k < n_subjects; ++k) {
		const Subject* s = &subjects[k];
		for (unsigned i = 0; s->wanted && s->installed && i < o.n_counts; ++i) {
			for (unsigned pass = 0; pass < 2; ++pass) {
				const Point* p = pass ? &s->restruck[i] : &s->held[i];
				if (p->done && p->silent) {
					out("%s- SILENT: %s with %u notes (%s): peak %.1f dBFS; not counted\n",
					    any_silent ? "" : "\n", s->name, o.counts[i], pass ? "re-struck" : "held", p->peak_db);
					any_silent = true;
				}
			}
		}
	}
	bool any_unsteady = false;
	for (unsigned k = 0; k < n_subjects; ++k) {
		const Subject* s = &subjects[k];
		/* Held only: re-struck seconds differ by design (the first has no
		 * releases under it). */
		for (unsigned i = 0; s->wanted && s->installed && !s->failed && i < o.n_counts; ++i) {
			const Point* p = &s->held[i];
			if (p->done && !p->silent && p->sec_min_ns > 0.0 && p->sec_max_ns > 1.3 * p->sec_min_ns) {
				out("%s- unsteady: %s, %u held: from one second to another %.1f to %.1f ns/voice-sample\n",
				    any_unsteady ? "" : "\n", s->name, o.counts[i], p->sec_min_ns / o.counts[i],
				    p->sec_max_ns / o.counts[i]);
				any_unsteady = true;
			}
		}
	}
	out("\nOutput peaks (held, dBFS):");
	for (unsigned k = 0; k < n_subjects; ++k) {
		const Subject* s = &subjects[k];
		if (!s->wanted || !s->installed || s->failed) {
			continue;
		}
		out(" %s", s->name);
		for (unsigned i = 0; i < o.n_counts; ++i) {
			out("%s%.1f", i ? "/" : " ", s->held[i].peak_db);
		}
		out(";");
	}
	out("\n");

	if (measure_chronus) {
		out("\n### Chronus engine\n\n");
		for (unsigned v = 0; v < 2; ++v) {
			if (swap[v].done) {
				out("- run() during a 200 ms crossfade, %u voices held: %.1f us per block, outside: %.1f us "
				    "(ratio %.2f, %u swaps)\n",
				    swap[v].voices, swap[v].in_fade_ns / 1e3, swap[v].outside_ns / 1e3,
				    swap[v].in_fade_ns / swap[v].outside_ns, swap[v].swaps);
			} else {
				out("- run() during a crossfade, %u voices: no swap happened\n", swap[v].voices);
			}
		}
		if (release.done) {
			char tail[48];
			if (release.tail_peak_db < -300.0) {
				snprintf(tail, sizeof(tail), "exact silence");
			} else {
				snprintf(tail, sizeof(tail), "peak %.0f dBFS", release.tail_peak_db);
			}
			out("- after a 64-voice release is over: %.3f us per block, an instance that never played: %.3f us "
			    "(ratio %.3f, sd over 10 chunks %.3f; output: %s)\n",
			    release.played_ns / 1e3, release.fresh_ns / 1e3, release.ratio, release.ratio_sd, tail);
		}
		out("- peak RSS (VmHWM) after instantiating Chronus with its patch: %.1f MiB (%.1f MiB before "
		    "any lilv world)\n",
		    rss_chronus / 1024.0, rss_start / 1024.0);
		if (primes_done) {
			out("\nPrime time per factory program (worker CPU for the whole build, from the plugin's status): "
			    "median of %u loads, slowest in brackets (the first load of the run is cold):\n\n",
			    o.quick ? 1u : 3u);
			out("| program | name | ms @%u voices | ms @%u voices |\n|---|---|---|---|\n", primes.polyphony[0],
			    primes.polyphony[1]);
			for (unsigned k = 0; k < primes.n; ++k) {
				out("| %u | %s | %.2f (%.2f) | %.2f (%.2f) |\n", k, primes.name[k], primes.ms[0][k],
				    primes.ms_max[0][k], primes.ms[1][k], primes.ms_max[1][k]);
			}
		}
	}

	if (measure_chronus && !o.no_paths) {
		print_paths(&o, paths);
	}

	/* ---- Targets ---- */
	out("\n### Targets\n\n");
	const Subject* jx10 = &subjects[1];
	{
		const bool known = measure_chronus && chronus->marginal == chronus->marginal && jx10->installed &&
		                   !jx10->failed && jx10->marginal == jx10->marginal;
		const double ratio = known ? chronus->marginal / jx10->marginal : NAN;
		out("%s Chronus' marginal cost per added voice ≤ 0.5 × JX10's, with more voices than JX10's %u: ",
		    verdict(known, known && ratio <= 0.5 && chronus->cap > jx10->cap), jx10->cap);
		if (known) {
			out("%.2f vs %.2f ns/voice-sample (%.2f×), %u voices vs %u\n", chronus->marginal, jx10->marginal, ratio,
			    chronus->cap, jx10->cap);
		} else {
			out("not measured\n");
		}
	}
	{
		const unsigned last  = o.n_counts - 1;
		const bool     known = measure_chronus && o.counts[last] == 64 && chronus->held[last].done &&
		                   !chronus->held[last].silent;
		const double load = known ? chronus->held[last].cost_ns * RATE / 1e9 : NAN;
		out("%s 64 voices take < 3 %% of one core at 48 kHz: ", verdict(known, known && load < 0.03));
		if (known) {
			out("%.2f %% (run() CPU / audio time)\n", 100.0 * load);
		} else {
			out("not measured\n");
		}
	}
	{
		double   worst = 0.0, worst_median = 0.0;
		unsigned wk = 0, wp = 0;
		bool     known = primes_done;
		for (unsigned pass = 0; known && pass < 2; ++pass) {
			for (unsigned k = 0; k < primes.n; ++k) {
				known &= primes.ok[pass][k];
				if (primes.ok[pass][k] && primes.ms_max[pass][k] > worst) {
					worst = primes.ms_max[pass][k];
					wk    = k;
					wp    = pass;
				}
				if (primes.ok[pass][k]) {
					worst_median = fmax(worst_median, primes.ms[pass][k]);
				}
			}
		}
		out("%s priming any factory patch takes < 2 ms of worker CPU: ", verdict(known, known && worst < 2.0));
		if (known) {
			out("slowest load %.2f ms (%s, %u voices); slowest median %.2f ms\n", worst, primes.name[wk],
			    primes.polyphony[wp], worst_median);
		} else {
			out("not measured\n");
		}
	}
	{
		double worst = 0.0;
		bool   known = measure_chronus;
		for (unsigned v = 0; v < 2; ++v) {
			known &= swap[v].done;
			if (swap[v].done) {
				worst = fmax(worst, swap[v].in_fade_ns / swap[v].outside_ns);
			}
		}
		out("%s a swap costs < 2.2× one slot's run() while it fades: ", verdict(known, known && worst < 2.2));
		if (known) {
			out("%.2f× at 8 voices, %.2f× at 64\n", swap[0].in_fade_ns / swap[0].outside_ns,
			    swap[1].in_fade_ns / swap[1].outside_ns);
		} else {
			out("not measured\n");
		}
	}
	{
		const bool known = release.done;
		/* Equal within noise: within 3 sd of the chunks' ratios, or 3 %. */
		const double tol = known ? fmax(0.03, 3.0 * release.ratio_sd) : 0.0;
		out("%s a voice whose release is over costs nothing: ",
		    verdict(known, known && fabs(release.ratio - 1.0) <= tol));
		if (known) {
			out("%.3f× an instance that never played (tolerance ±%.3f)\n", release.ratio, tol);
		} else {
			out("not measured\n");
		}
	}

	if (o.markdown) {
		FILE* f = fopen(o.markdown, "w");
		if (!f || fwrite(report, 1, report_len, f) != report_len) {
			fprintf(stderr, "chronus-bench: cannot write %s\n", o.markdown);
		}
		if (f) {
			fclose(f);
		}
	}
	/* One plugin asked for by URI and not measured: an error. */
	int rc = 0;
	for (unsigned k = 0; k < n_subjects; ++k) {
		if (only_one && subjects[k].wanted && (!subjects[k].installed || subjects[k].failed)) {
			rc = 1;
		}
	}
	free(report);
	free(patch_text);
	free(patch);
	return rc;
}
