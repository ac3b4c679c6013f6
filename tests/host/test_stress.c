/* SPDX-License-Identifier: ISC
 *
 * Stress tests through lilv:
 * - thousands of swaps between random valid patches (random_patch.c) with
 *   random block sizes, knob and volume automation and held notes, with an
 *   inline worker and (shorter) a threaded one: no crash, finite audio, no
 *   hole and no click at any swap where the two patches make those
 *   measurable, verifier rejections rare and harmless;
 * - a verifier rejection leaves the audio sample-identical;
 * - the crossfade adds no corner to a low sine (and its law, measured);
 * - every factory program and the sine's pitch at 8 kHz .. 384 kHz;
 * - block sizes 1 .. 8192 give the samples of block 256;
 * - hosts without a worker or without options.
 *
 * Environment: CHRONUS_STRESS_SWAPS (default 10000; the threaded run does a
 * twentieth of it, at least 50), CHRONUS_STRESS_SEED.
 */
#include "click.h"
#include "helpers.h"
#include "random_patch.h"
#include "suites.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PATCH_TEXT CHRONUS_URI "#patchText"
#define PATCH_FILE CHRONUS_URI "#patchFile"
#define STATUS     CHRONUS_URI "#status"

/* ---- Bounds, stated once ------------------------------------------------
 *
 * The click and hole bounds are asserted at every swap between two
 * "steady" random patches (random_patch.h) that both measure stationary;
 * the oracle (a second host playing the new patch as the swap starts it, on the same
 * keys, note ages and knobs) splits each such fade into its incoming part, the new
 * slot's gain b(t) times that, and its outgoing part, the rest, which is
 * the old slot's gain a(t) times the old patch. a and b are measured (see
 * "The fade law"), not assumed: today cos and sin of (pi/2) t.
 *
 * CLICK_BOUND_RANDOM bounds two ratios of second differences (the click
 * metric's measure, tests/unit/click.h):
 * - the outgoing part's sharpest over fade_allowance(), the sharpest a
 *   smooth gain can make of the old patch's steady sound. It is at most 1
 *   but for the peak of a 2048-frame steady window underestimating the
 *   sound's (a saw's reset peaks vary by ~40 % with their sub-sample
 *   phase): 1.5. A step in the gain's slope is not allowed for: it is a
 *   corner, a click on a smooth sound.
 * - click_metric_around() itself, where it means something: the new patch
 *   is no sharper from its note-ons than in its steady state, and the fade
 *   is long against both sounds (fade_allowance() within 6 % of their
 *   steady sharpness). Then a(t) x + b(t) y is at most sqrt(2) times the
 *   sharper steady state (a + b <= sqrt(2) for equal power; the same notes
 *   in phase get there, which is why CLICK_BOUND_SWAP, 1.25, fits only
 *   test_swap.c's uncorrelated chord): sqrt(2) + 6 % = 1.5.
 *
 * HOLE_RATIO: no 64-frame window of the fade below 0.25 of the quieter of
 * the two patches' quietest steady windows, unless the outgoing part is
 * there as its gain says (then the quiet is the two sounds cancelling:
 * random patches play the same notes, at times in antiphase, or the new
 * one still in its attack). A muted slot or a gain at zero gives ~0.
 * Between any two patches both above -60 dBFS: no window below -90 dBFS.
 */
#define CLICK_BOUND_RANDOM 1.5
#define HOLE_RATIO         0.25
#define REJECT_MAX_SHARE   0.02 /* verifier rejections: at most 2 % of requests (+3) */

enum {
	STEADY_W = 2048, /* steady window before and after each swap (42.7 ms) */
	GUARD    = 64,
	SETTLE   = 2880, /* 60 ms after the last knob or note change */
	CAP      = 1 << 18,
	POOL     = 8,
};

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static unsigned long
env_ulong(const char* name, unsigned long fallback)
{
	const char* v = getenv(name);
	return (v && *v) ? strtoul(v, NULL, 0) : fallback;
}

static Host*
make_host(double rate, uint32_t max_block, HostWorkerMode mode, bool no_options)
{
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.rate       = rate;
	cfg.max_block  = max_block;
	cfg.worker     = mode;
	cfg.no_options = no_options;
	cfg.quiet      = true;
	/* These tests compare the engine's samples with models of it (the fade
	 * law, a patch played from scratch): the output limiter, whose gain
	 * depends on what came before, is off (test_headroom.c tests it). */
	Host* h = test_host_with(&cfg);
	if (h) {
		host_set_control(h, "limiter", 0.0f);
	}
	return h;
}

/* Quietest 64-frame window RMS in [from, to). */
static double
min_window(const float* y, size_t from, size_t to)
{
	double m = INFINITY;
	for (size_t i = from; i + 64 <= to; i += 64) {
		m = fmin(m, test_rms(y + i, 64));
	}
	return m;
}

/* ---- The fade law, measured ------------------------------------------------
 *
 * The stress test splits each fade into its two parts with the gains the
 * plugin applies, measured here rather than copied from run.c, so that it
 * holds for any fade law. Two patches that put out a constant (an LFO's
 * square at 0.01 Hz is +level for 50 s from its note-on), the new one at
 * two levels: y = a(t) A + b(t) B, so b = (y1 - y2) / (B1 - B2), then a.
 * Once for each crossfade time the measured swaps use. */
static const float fade_ms[] = {5.0f, 7.5f, 10.0f, 20.0f, 30.0f, 40.0f};
enum { N_FADES = sizeof(fade_ms) / sizeof(fade_ms[0]) };

typedef struct {
	size_t len;   /* frames */
	float* in;    /* gain of the new slot at the fade's frames 0 .. len-1 */
	float* out;   /* of the old one */
	double slope; /* largest step of either gain inside the fade */
	double curve; /* largest second difference of either gain inside it */
	double power; /* largest |a^2 + b^2 - 1| */
} FadeLaw;

static FadeLaw fade_laws[N_FADES];

static const char*
constant_patch(float level, char* buf, size_t size)
{
	snprintf(buf, size,
	         "patch \"constant %g\"\ncreate o lfo\nset o.shape square\nset o.rate 0.01\nset o.level %g\nout o\n",
	         (double)level, (double)level);
	return buf;
}

static bool
measure_fade_law(FadeLaw* law, float ms)
{
	law->len      = (size_t)lrint(ms * 0.001 * TEST_RATE);
	const size_t n = law->len + 512;
	float*       y[2];
	float        before = 0.0f, after[2];
	bool         ok     = true;
	for (unsigned k = 0; k < 2; ++k) {
		char  text[256];
		float scratch[256];
		y[k]    = calloc(n, sizeof(float));
		Host* h = make_host(TEST_RATE, 4096, HOST_WORKER_INLINE, false);
		ok      = ok && h && test_load_patch(h, constant_patch(1.0f, text, sizeof(text)));
		if (h) {
			host_set_control(h, "crossfade", ms);
			host_note_on(h, 0, 60, 100);
			for (unsigned b = 0; b < 4; ++b) {
				test_run_stereo(h, 256, scratch);
			}
			before = scratch[255];
			/* Another text even at the same level: the same text again
			 * would take the voices over and fade with the other law. */
			constant_patch(k ? 0.1f : 1.0f, text, sizeof(text));
			strncat(text, "# the new one\n", sizeof(text) - strlen(text) - 1);
			host_patch_set(h, 0, PATCH_TEXT, false, text, (uint32_t)strlen(text));
			test_run_stereo(h, 256, scratch); /* the swap starts with the next block */
			test_render_stereo(h, y[k], n, 256);
			host_free(h);
		}
		after[k] = y[k][n - 1];
	}
	ok = ok && before != 0.0f && after[0] != after[1];
	law->in  = calloc(law->len, sizeof(float));
	law->out = calloc(law->len, sizeof(float));
	law->slope = law->curve = law->power = 0.0;
	for (size_t i = 0; ok && i < law->len; ++i) {
		const double b = ((double)y[0][i] - y[1][i]) / ((double)after[0] - after[1]);
		const double a = ((double)y[0][i] - b * after[0]) / before;
		law->in[i]     = (float)b;
		law->out[i]    = (float)a;
		law->power     = fmax(law->power, fabs(a * a + b * b - 1.0));
		if (i >= 1) {
			law->slope = fmax(law->slope, fmax(fabs((double)law->in[i] - law->in[i - 1]),
			                                   fabs((double)law->out[i] - law->out[i - 1])));
		}
		if (i >= 2) {
			law->curve = fmax(law->curve, fmax(fabs((double)law->in[i] - 2.0 * law->in[i - 1] + law->in[i - 2]),
			                                   fabs((double)law->out[i] - 2.0 * law->out[i - 1] + law->out[i - 2])));
		}
	}
	free(y[0]);
	free(y[1]);
	return ok;
}

static bool
measure_fade_laws(void)
{
	static bool done = false, ok = true;
	if (!done) {
		done = true;
		for (unsigned k = 0; k < N_FADES; ++k) {
			ok = measure_fade_law(&fade_laws[k], fade_ms[k]) && ok;
		}
	}
	return ok;
}

static void
free_fade_laws(void)
{
	for (unsigned k = 0; k < N_FADES; ++k) {
		free(fade_laws[k].in);
		free(fade_laws[k].out);
		fade_laws[k] = (FadeLaw){0};
	}
}

/* The fade law's gains with the steps at its two ends, in units of a
 * linear fade's step (1/len): the fade-in's first step and the fade-out's
 * last, from and to the constant gains outside the fade. */
static void
fade_law_ends(const FadeLaw* law, double* in_start, double* out_end)
{
	*in_start = (double)law->in[0] * (double)law->len;
	*out_end  = (double)law->out[law->len - 2] * (double)law->len; /* the last frame is at 0 */
}

/* ---- The swap stress ----------------------------------------------------- */

typedef struct {
	const char* label;
	Host*       h;
	HostWorkerMode mode;
	RpRng       rng;
	float*      y; /* the current cycle's audio */
	size_t      n;
	size_t      steady_from; /* audio from here on is the settled active patch */
	bool        settled;

	RandomPatch* pool[POOL];
	int          cur; /* pool index of the playing patch, -1: factory Init Saw */
	unsigned     serial;

	bool     extra[128]; /* notes pressed besides the chord */
	unsigned n_extra;
	bool     down[128];  /* every key down, with its velocity */
	bool     by_pedal[128]; /* keys released while the pedal was down: it holds them */
	uint64_t on_frame[128]; /* the frame of each key's last note-on: its age at a swap */
	uint8_t  vel[128];
	bool     pedal;
	int      bend_raw;   /* -1: never sent */
	float    macro[8], volume_db, poly;
	float    xfade_ms;
	const FadeLaw* law; /* of xfade_ms, in measured cycles */

	/* The oracle: a second host that plays the new patch as the swap
	 * starts it, on the held notes and knobs. */
	Host*    ref;
	float*   bref;
	unsigned oracle_runs, oracle_exact, oracle_fail;
	double   oracle_diff, worst_oracle_diff, worst_oracle_master;
	unsigned active_slot;
	unsigned status_seen;

	/* Counts. */
	unsigned  requests, primed, flips, rejected_nan, rejected_loud, rejected_other;
	unsigned  measured, wild, checked, unstationary, click_fail, hole_fail, nonfinite, reject_fail;
	unsigned  poly_changes, double_requests, reject_checked, cancellations, click_counted;
	unsigned  audible_pairs, deep_dips, corner_fails;
	double    worst_out, worst_audible;
	double    worst_click, worst_click_unchecked, worst_hole, worst_hole_unchecked;
	uint64_t  frames, blocks, small_blocks;
	unsigned  printed;
} Stress;

static uint32_t
draw_block(Stress* s)
{
	const unsigned k = rp_below(&s->rng, 100);
	if (k < 4) {
		return 1;
	}
	if (k < 8) {
		return 4096;
	}
	const uint32_t n = (uint32_t)floor(rp_log_range(&s->rng, 1.0, 4097.0));
	return n < 1 ? 1 : (n > 4096 ? 4096 : n);
}

static RandomPatch*
cur_patch(const Stress* s)
{
	return s->cur >= 0 ? s->pool[s->cur] : NULL;
}

static bool
cur_steady(const Stress* s)
{
	return s->cur >= 0 && s->pool[s->cur]->steady;
}

/* A new random patch in a pool entry the playing patch does not use. */
static int
new_patch(Stress* s)
{
	unsigned k;
	do {
		k = ++s->serial % POOL;
	} while ((int)k == s->cur);
	char title[32];
	snprintf(title, sizeof(title), "g%06u", s->serial);
	random_patch(&s->rng, rp_chance(&s->rng, 0.65), title, s->pool[k]);
	return (int)k;
}

static int
pool_by_status(const Stress* s, const char* status)
{
	unsigned serial = 0;
	if (sscanf(status, "g%u", &serial) != 1) {
		return -1;
	}
	const int k = (int)(serial % POOL);
	return strncmp(s->pool[k]->title, status, strlen(s->pool[k]->title)) ? -1 : k;
}

typedef struct {
	size_t      start;    /* where the block begins in y */
	unsigned    statuses; /* new statuses in this block */
	const char* last;
} Block;

static Block
run_block(Stress* s, uint32_t n)
{
	Block b = {s->n, 0, NULL};
	if (s->n + n > CAP) {
		/* Never needed by the cycles below; keep the tail if it were. */
		const size_t keep = CAP / 2;
		memmove(s->y, s->y + s->n - keep, keep * sizeof(float));
		s->steady_from = s->steady_from > s->n - keep ? s->steady_from - (s->n - keep) : 0;
		s->n           = keep;
		b.start        = s->n;
	}
	test_run_stereo(s->h, n, s->y + s->n);
	if (!test_all_finite(s->y + s->n, n)) {
		++s->nonfinite;
	}
	s->n += n;
	s->frames += n;
	++s->blocks;
	s->small_blocks += n < 64;
	const unsigned c = host_value_count(s->h, STATUS);
	if (c != s->status_seen) {
		b.statuses     = c - s->status_seen;
		b.last         = host_last_value(s->h, STATUS);
		s->status_seen = c;
	}
	const unsigned a = (unsigned)host_get_control(s->h, "active_slot");
	if (a != s->active_slot) {
		++s->flips;
		s->active_slot = a;
	}
	return b;
}

static void
run_frames(Stress* s, size_t frames)
{
	for (size_t done = 0; done < frames;) {
		const uint32_t n = draw_block(s);
		run_block(s, n);
		done += n;
	}
}

/* Knob, volume, crossfade and note changes for the next block of n frames. */
static void
automate(Stress* s, uint32_t n, bool wild)
{
	RpRng* r = &s->rng;
	if (rp_chance(r, 0.5)) {
		for (unsigned k = 1 + rp_below(r, 3); k > 0; --k) {
			char  sym[16];
			float v = (float)rp_unit(r);
			if (rp_chance(r, 0.1)) {
				v = rp_chance(r, 0.5) ? 0.0f : 1.0f;
			}
			const unsigned knob = rp_below(r, 8);
			snprintf(sym, sizeof(sym), "macro%u", knob + 1);
			host_set_control(s->h, sym, v);
			s->macro[knob] = v;
		}
	}
	if (rp_chance(r, 0.3)) {
		float db = (float)rp_range(r, -30.0, 6.0);
		if (rp_chance(r, 0.05)) {
			db = rp_chance(r, 0.5) ? -80.0f : 12.0f;
		}
		host_set_control(s->h, "volume", db);
		s->volume_db = db;
	}
	if (wild && rp_chance(r, 0.2)) {
		host_set_control(s->h, "crossfade", (float)rp_log_range(r, 2.0, 100.0)); /* below 5: clamped */
	}
	const uint32_t at = rp_below(r, n);
	if (rp_chance(r, 0.3) && s->n_extra < 2) {
		static const uint8_t extras[] = {91, 103};
		const uint8_t        note     = extras[rp_below(r, 2)];
		if (!s->extra[note]) {
			const uint8_t v = (uint8_t)(1 + rp_below(r, 127));
			host_note_on(s->h, at, note, v);
			s->on_frame[note] = s->frames + at;
			s->extra[note] = s->down[note] = true;
			s->by_pedal[note]              = false;
			s->vel[note]   = v;
			++s->n_extra;
		}
	}
	if (rp_chance(r, 0.3) && s->n_extra) {
		for (unsigned k = 0; k < 128; ++k) {
			if (s->extra[k] && rp_chance(r, 0.5)) {
				host_note_off(s->h, at, (uint8_t)k);
				s->extra[k] = s->down[k] = false;
				s->by_pedal[k]           = s->pedal;
				--s->n_extra;
				break;
			}
		}
	}
	if (rp_chance(r, 0.04)) {
		static const uint8_t chord[] = {55, 67, 79};
		const uint8_t        note    = chord[rp_below(r, 3)];
		s->vel[note]                 = (uint8_t)(40 + rp_below(r, 88));
		host_note_on(s->h, at, note, s->vel[note]); /* retrigger */
		s->on_frame[note] = s->frames + at;
	}
	if (rp_chance(r, 0.08)) {
		const int     raw    = (int)rp_below(r, 16384);
		const uint8_t msg[3] = {0xe0, (uint8_t)(raw & 0x7f), (uint8_t)(raw >> 7)};
		host_midi(s->h, at, msg, 3);
		s->bend_raw = raw;
	}
	if (rp_chance(r, 0.04)) {
		s->pedal             = !s->pedal;
		const uint8_t msg[3] = {0xb0, 64, s->pedal ? 127 : 0};
		if (!s->pedal) {
			memset(s->by_pedal, 0, sizeof(s->by_pedal));
		}
		host_midi(s->h, at, msg, 3);
	}
}

static int
status_kind(const char* st)
{
	if (!st) {
		return 0;
	}
	if (strstr(st, ": primed in ")) {
		return 1;
	}
	if (strstr(st, "non-finite")) { /* a silent warm-up is primed, with a warning */
		return 2;
	}
	if (strstr(st, "warm-up peak")) {
		return 3;
	}
	return 4;
}

static void
count_status(Stress* s, const Block* b)
{
	if (b->statuses > 1) {
		fprintf(stderr, "\n  [%s] %u statuses in one block; counting the last\n", s->label, b->statuses);
	}
	switch (status_kind(b->last)) {
	case 1: {
		++s->primed;
		const int k = pool_by_status(s, b->last);
		if (k >= 0) {
			s->cur = k;
		}
		break;
	}
	case 2: ++s->rejected_nan; break;
	case 3: ++s->rejected_loud; break;
	default:
		++s->rejected_other;
		if (s->printed++ < 3) {
			fprintf(stderr, "\n  [%s] a generated patch was refused: %s\n", s->label, b->last ? b->last : "(none)");
		}
		break;
	}
}

static void
print_pair(Stress* s, const char* what, const RandomPatch* a, const RandomPatch* b)
{
	if (s->printed++ >= 3) {
		return;
	}
	fprintf(stderr, "\n  [%s] %s\n  --- playing patch %s ---\n%s\n  --- new patch %s ---\n%s\n  ---\n", s->label,
	        what, a ? a->title : "(factory Init Saw)", a ? a->text : "", b ? b->title : "", b ? b->text : "");
}

/* The RMS of the two halves of a steady window agree within 15 %: the
 * patch has finished its attack (the d2 peak itself varies by 40 % between
 * halves of a steady saw, with the sub-sample phase of its resets). A
 * silent window says nothing: the sound may be gated and come back. */
static bool
stationary(const float* y, size_t from, size_t to)
{
	const size_t mid = from + (to - from) / 2;
	const double a = test_rms(y + from, mid - from), b = test_rms(y + mid, to - mid);
	const double lo = fmin(a, b), hi = fmax(a, b);
	return hi > 0.0 && lo >= hi / 1.15;
}

/* The new patch b as the swap starts it, in the reference host: a patch
 * that holds notes silently (its envelope sustains at 0, so its output is
 * exactly 0 a few ms after their note-ons) holds the keys, the notes the
 * pedal alone holds, the pedal and the bend; then b is sent, and the swap
 * hands those notes over to it past their attack (docs/engine.md, "Held
 * notes at a swap"), over the stress host's fade time. From the first frame
 * of that fade on, the reference host's output is b's part of the fade
 * alone (its gain included: the holder adds exact zeros), and after the
 * fade the stress host must give it sample for sample. Renders `frames` frames from the fade's
 * first frame into s->bref; false if a patch did not load or the reference
 * host was not silent where it must be. */
static const char* const silent_holder = "patch \"holder\"\n"
                                         "create osc sine\ncreate env adsr\ncreate amp vca\n"
                                         "connect osc amp\nconnect env amp.gain\n"
                                         "set env.attack 0\nset env.decay 2\nset env.sustain 0\n"
                                         "set env.release 2\nout amp\n";

/* The frames after a note-on past which patch text's envelopes all sound
 * the same (every adsr past its attack, and its decay unless it sustains
 * at 1): a held note that old enters a swap in its sustain stage,
 * whatever its age. SIZE_MAX when a time or the sustain is modulated, a
 * macro moves it or a signal drives the gate (no bound is known). */
static size_t
envelope_span(const char* text, size_t len)
{
	char names[32][32];
	double attack[32], decay[32], sustain[32];
	bool   moved_a[32], moved_d[32], moved_s[32];
	unsigned n = 0;
	char     line[512];
	for (int pass = 0; pass < 2; ++pass) {
		const char* p = text;
		const char* end = text + len;
		while (p < end) {
			const char* nl = memchr(p, '\n', (size_t)(end - p));
			const size_t l = (size_t)((nl ? nl : end) - p);
			snprintf(line, sizeof line, "%.*s", (int)(l < sizeof line - 1 ? l : sizeof line - 1), p);
			p = nl ? nl + 1 : end;
			char a[64] = "", b[64] = "", c[64] = "";
			const int k = sscanf(line, "%63s %63s %63s", a, b, c);
			if (pass == 0 && k == 3 && !strcmp(a, "create") && !strcmp(c, "adsr") && n < 32) {
				snprintf(names[n], sizeof names[n], "%s", b);
				attack[n] = 5.0, decay[n] = 200.0, sustain[n] = 0.7;
				moved_a[n] = moved_d[n] = moved_s[n] = false;
				++n;
			}
			if (pass == 0 || k < 3) {
				continue;
			}
			const bool  set    = !strcmp(a, "set");
			const char* target = set ? b : c; /* set NAME.P V; connect SRC NAME.P; macro K NAME.P */
			for (unsigned m = 0; m < n; ++m) {
				const size_t nl2 = strlen(names[m]);
				if (!strcmp(a, "connect") && !strcmp(target, names[m])) {
					moved_a[m] = true; /* its gate driven by a signal: no bound */
				}
				if (strncmp(target, names[m], nl2) || target[nl2] != '.') {
					continue;
				}
				const char* param = target + nl2 + 1;
				const bool  moves = !strcmp(a, "connect") || !strcmp(a, "macro");
				if (set) {
					const double v = strtod(c, NULL);
					attack[m]  = !strcmp(param, "attack") ? v : attack[m];
					decay[m]   = !strcmp(param, "decay") ? v : decay[m];
					sustain[m] = !strcmp(param, "sustain") ? v : sustain[m];
				} else if (moves) {
					moved_a[m] |= !strcmp(param, "attack") || !strcmp(param, "gate");
					moved_d[m] |= !strcmp(param, "decay");
					moved_s[m] |= !strcmp(param, "sustain");
				}
			}
		}
	}
	double span = 0.0;
	for (unsigned m = 0; m < n; ++m) {
		const bool level_decay = moved_s[m] || sustain[m] != 1.0; /* a decay to 1 changes nothing */
		if (moved_a[m] || moved_s[m] || (level_decay && moved_d[m])) {
			return SIZE_MAX;
		}
		span = fmax(span, attack[m] + (level_decay ? decay[m] : 0.0));
	}
	return (size_t)ceil(span * 0.001 * TEST_RATE) + 96;
}

/* The oracle's longest lead: notes older than this at a swap are only
 * reproduced for patches whose envelopes settle sooner. */
#define ORACLE_MAX_AGE 24000u

/* The reference host plays b as the swap started it: its held notes are
 * struck so that at its swap each has the age it had in the stress host
 * (capped at b's envelope span, past which ages all sound alike), since a
 * held note enters the new patch at the point of its envelopes' curves its
 * age gives. */
static bool
oracle(Stress* s, const RandomPatch* b, size_t frames, uint64_t swap_frame)
{
	Host*         h = s->ref;
	float         scratch[256];
	const uint8_t sound_off[3] = {0xb0, 120, 0};
	host_midi(h, 0, sound_off, 3);
	host_set_control(h, "volume", s->volume_db);
	host_set_control(h, "polyphony", s->poly);
	host_set_control(h, "crossfade", 5.0f);
	for (unsigned k = 0; k < 8; ++k) {
		char sym[16];
		snprintf(sym, sizeof(sym), "macro%u", k + 1);
		host_set_control(h, sym, s->macro[k]);
	}
	test_run_stereo(h, 256, scratch); /* a polyphony change rebuilds here */
	host_patch_set(h, 0, PATCH_TEXT, false, silent_holder, (uint32_t)strlen(silent_holder));
	bool loaded = false;
	for (unsigned k = 0; k < 16 && !loaded; ++k) {
		test_run_stereo(h, 256, scratch);
		const char* st = host_last_value(h, STATUS);
		loaded         = st && !strncmp(st, "holder: primed in ", 18);
	}
	bool silent = true;
	for (unsigned k = 0; k < 8; ++k) { /* the old patch's fade and its voices' 3 ms, then nothing */
		test_run_stereo(h, 256, scratch);
		silent = silent && (k < 4 || test_peak(scratch, 256) == 0.0f);
	}
	if (!loaded || !silent) {
		return false;
	}
	if (s->bend_raw >= 0) {
		const uint8_t msg[3] = {0xe0, (uint8_t)(s->bend_raw & 0x7f), (uint8_t)(s->bend_raw >> 7)};
		host_midi(h, 0, msg, 3);
	}
	/* Each held note's age at the swap, capped at b's envelope span; the
	 * swap comes at the first frame of the block after the request's (the
	 * inline worker), `lead` frames from here. A note struck within 128
	 * frames of it would still sound in the holder: no oracle then. */
	const size_t span = envelope_span(b->text, b->len);
	/* Any age past the span should sound alike; references aged just past
	 * it (span + 2 ms, or 2048 frames) still differed from the stress host
	 * by up to 3.5e-3 in 8 of 1236 swaps, not understood: the reference
	 * takes a wide margin (4 x the span + 85 ms), with which all match. */
	const uint64_t margin = span == SIZE_MAX ? UINT64_MAX : 4 * (uint64_t)span + 4096;
	uint64_t     age[128];
	uint64_t     oldest = 0;
	for (unsigned n = 0; n < 128; ++n) {
		age[n] = 0;
		if (s->down[n] || s->by_pedal[n]) {
			if (s->on_frame[n] > swap_frame) {
				return false; /* struck during the fade: not a held note */
			}
			const uint64_t a = swap_frame - s->on_frame[n];
			if (a < 128 || (a > ORACLE_MAX_AGE && margin > ORACLE_MAX_AGE)) {
				return false;
			}
			const uint64_t cap = margin;
			age[n]             = cap < a ? cap : a;
			oldest = age[n] > oldest ? age[n] : oldest;
		}
	}
	const uint64_t lead = (oldest / 256 + 6) * 256;
	const uint8_t  pedal_on[3] = {0xb0, 64, 127}, pedal_off[3] = {0xb0, 64, 0};
	host_midi(h, 0, pedal_on, 3);
	/* The stress host's fade time: the new slot's part of this fade, the
	 * fade's gain included, is then the reference host's whole output. */
	host_set_control(h, "crossfade", s->xfade_ms);
	const unsigned before = host_status_count(h);
	for (uint64_t t = 0; t + 256 < lead; t += 256) {
		for (unsigned n = 0; n < 128; ++n) {
			if ((s->down[n] || s->by_pedal[n]) && lead - age[n] >= t && lead - age[n] < t + 256) {
				host_note_on(h, (uint32_t)(lead - age[n] - t), (uint8_t)n, s->vel[n]);
				if (!s->down[n]) {
					host_note_off(h, (uint32_t)(lead - age[n] - t), (uint8_t)n);
				}
			}
		}
		if (t == 0 && !s->pedal) {
			host_midi(h, 255, pedal_off, 3); /* after every key the pedal holds is released */
		}
		if (t + 512 >= lead) {
			host_patch_set(h, 0, PATCH_TEXT, false, b->text, (uint32_t)b->len); /* the inline worker builds it here */
		}
		test_run_stereo(h, 256, scratch);
	}
	for (unsigned i = 128; i < 256; ++i) {
		if (scratch[i] != 0.0f) {
			return false; /* the holder still sounds at the swap */
		}
	}
	if (host_status_count(h) != before) {
		return false; /* swapped before the planned frame: the ages would be off */
	}
	host_run(h, 256, s->bref, NULL); /* the fade starts at this block's first frame */
	if (host_status_count(h) == before) {
		return false;
	}
	for (size_t pos = 256; pos < frames; pos += 256) {
		host_run(h, (uint32_t)(frames - pos < 256 ? frames - pos : 256), s->bref + pos, NULL);
	}
	const uint8_t notes_off[3] = {0xb0, 123, 0};
	host_midi(h, 0, notes_off, 3);
	host_midi(h, 0, pedal_off, 3);
	return true;
}

/* Runs the oracle for b and checks that, after the fade, the output is b
 * as the swap started it: sample for sample for patches without a master
 * section. A master drive primes its antiderivative history on the first
 * sample after a reset (drive.c, shape()), which is the chord's first sample
 * in the swap but may be silence in the reference host, a ~1e-4 difference that
 * decays with its DC blocker: there the difference is only reported.
 * Patches with a master LFO have no oracle (its phase runs from the slot's
 * start). False when there is none. */
static bool
oracle_check(Stress* s, const RandomPatch* a, const RandomPatch* b, size_t at, size_t fade_len)
{
	const size_t frames = fade_len + GUARD + STEADY_W;
	if (b->master_lfo || !oracle(s, b, frames, s->frames - s->n + at)) {
		return false;
	}
	++s->oracle_runs;
	double diff  = 0.0;
	size_t first = frames;
	s->oracle_diff = 0.0;
	for (size_t i = fade_len; i < frames; ++i) {
		const double d = fabs((double)s->y[at + i] - s->bref[i]);
		if (d != 0.0 && first == frames) {
			first = i;
		}
		diff = d > diff || d != d ? d : diff;
	}
	s->oracle_diff = diff;
	if (b->has_master) {
		s->worst_oracle_master = fmax(s->worst_oracle_master, diff);
		return true;
	}
	s->worst_oracle_diff = fmax(s->worst_oracle_diff, diff);
	++s->oracle_exact;
	if (!(diff <= 1e-6)) {
		++s->oracle_fail;
		char what[1024];
		int  len = snprintf(what, sizeof(what),
		                    "after the fade, the output is not the new patch as the swap starts it: max difference %g, "
		                    "first at frame %zu of the fade (%zu long); keys",
		                    diff, first, fade_len);
		for (unsigned n = 0; n < 128 && len < 900; ++n) {
			if (s->down[n]) {
				len += snprintf(what + len, sizeof(what) - (size_t)len, " %u/%u", n, s->vel[n]);
			}
		}
		snprintf(what + len, sizeof(what) - (size_t)len,
		         ", pedal %d, bend %d, volume %.2f dB, polyphony %.0f, macros %.3f %.3f %.3f %.3f %.3f %.3f %.3f %.3f",
		         s->pedal, s->bend_raw, s->volume_db, s->poly, s->macro[0], s->macro[1], s->macro[2], s->macro[3],
		         s->macro[4], s->macro[5], s->macro[6], s->macro[7]);
		print_pair(s, what, a, b);
	}
	CU_ASSERT(diff <= 1e-6);
	return true;
}

static double
max_step(const float* y, size_t from, size_t to)
{
	double m = 0.0;
	for (size_t n = from < 1 ? 1 : from; n < to; ++n) {
		m = fmax(m, fabs((double)y[n] - y[n - 1]));
	}
	return m;
}

/* The sharpest second difference a fade gain g can give a stationary sound
 * x: d2(g x) <= |g| |d2x| + 2 |dg| |dx| + |d2g| |x| (+ smaller terms),
 * with the largest step and second difference of the measured gains inside
 * the fade. Left out on purpose: a step in the gain's slope where the fade
 * meets the constant gain outside it. A smooth law has none; the present
 * one ends its fade-out with a slope of pi/2 per fade length, which puts
 * |x| pi/(2 len) into one frame: a corner. From x's steady window. */
static double
fade_allowance(const float* y, size_t from, size_t to, const FadeLaw* law)
{
	return click_d2_max(y, from, to) + 2.0 * law->slope * max_step(y, from, to) +
	       law->curve * test_peak(y + from, to - from);
}

/* The fade as the sum of its two parts, over [at - GUARD, at + fade_len +
 * GUARD): in = the new slot's gain times b as the swap starts it (the
 * oracle, whose output has that gain in it already), out = the rest, which
 * is the old slot's gain times the outgoing patch. */
static void
split_fade(const Stress* s, size_t at, size_t fade_len, float* out, float* in)
{
	for (size_t i = 0; i < fade_len + 2 * GUARD; ++i) {
		const size_t k = at - GUARD + i;
		if (k < at) {
			in[i] = 0.0f;
		} else {
			in[i] = s->bref[k - at];
		}
		out[i] = s->y[k] - in[i];
	}
}

/* 64-frame windows of the fade quieter than HOLE_RATIO * level whose
 * outgoing part is missing although its gain says it should be there (at
 * least half of cos(t) times its quietest steady window). A quiet window
 * whose outgoing part is there is the two parts cancelling (random patches
 * play the same notes, often in antiphase for a while) or the new patch
 * still quiet in its attack: both are the patches, not the swap. */
static unsigned
unexplained_holes(const Stress* s, size_t at, size_t fade_len, double level, double a_min, const float* out,
                  unsigned* cancelled)
{
	unsigned bad = 0;
	for (size_t k = at - GUARD; k + 64 <= at + fade_len + GUARD; k += 64) {
		if (test_rms(s->y + k, 64) >= HOLE_RATIO * level) {
			continue;
		}
		const size_t mid = k + 32;
		const double c   = mid < at ? 1.0 : (mid >= at + fade_len ? 0.0 : s->law->out[mid - at]);
		if (test_rms(out + (k - (at - GUARD)), 64) >= 0.5 * c * a_min) {
			++*cancelled;
		} else {
			++bad;
		}
	}
	return bad;
}

/* The old slot's gain at frame f of the fade: 1 before it, 0 after it. */
static double
old_gain(const FadeLaw* law, long f)
{
	return f < 0 ? 1.0 : ((size_t)f < law->len ? (double)law->out[f] : 0.0);
}

/* Where the sharpest step and the quietest window of a failed swap are,
 * and what each part of the fade contributes there. */
static void
explain(const Stress* s, size_t at, size_t fade_len, const float* out, const float* in, double a_min)
{
	const size_t n     = fade_len + 2 * GUARD;
	const double ref_a = click_d2_max(s->y, at - GUARD - STEADY_W, at - GUARD);
	double       peak  = 0.0;
	size_t       where = 0;
	for (size_t k = at - GUARD; k < at + fade_len + GUARD; ++k) {
		const double d = fabs((double)s->y[k] - 2.0 * s->y[k - 1] + s->y[k - 2]);
		if (d > peak) {
			peak  = d;
			where = k;
		}
	}
	double quiet = INFINITY;
	size_t qw    = at - GUARD;
	for (size_t k = at - GUARD; k + 64 <= at + fade_len + GUARD; k += 64) {
		const double q = test_rms(s->y + k, 64);
		if (q < quiet) {
			quiet = q;
			qw    = k;
		}
	}
	double opeak = 0.0;
	size_t owhere = 0;
	for (size_t i = 2; i < n; ++i) {
		const double d = fabs((double)out[i] - 2.0 * out[i - 1] + out[i - 2]);
		if (d > opeak) {
			opeak  = d;
			owhere = i;
		}
	}
	const size_t q0 = qw - (at - GUARD);
	const long   f  = (long)owhere - GUARD; /* frame of the fade */
	fprintf(stderr,
	        "  fade of %zu frames: the sharpest second difference is at frame %+ld, the outgoing part's at frame %+ld,"
	        " where the old slot's gain goes %.5f, %.5f, %.5f;\n"
	        "  the outgoing part alone is %.2f times as sharp as the outgoing patch's steady state, the incoming part "
	        "%.2f times;\n"
	        "  the quietest window, at frame %+ld, has RMS %.3g: outgoing part %.3g, incoming part %.3g (outgoing "
	        "patch's quietest steady window %.3g)\n",
	        fade_len, (long)where - (long)at, f, old_gain(s->law, f - 2), old_gain(s->law, f - 1), old_gain(s->law, f),
	        click_d2_max(out, 2, n) / ref_a, click_d2_max(in, 2, n) / ref_a, (long)qw - (long)at, quiet,
	        test_rms(out + q0, 64), test_rms(in + q0, 64), a_min);
}

/* One measured swap: the active patch settled and steady over STEADY_W
 * frames, a request at a random frame of a random block, the fade, the new
 * patch steady over STEADY_W frames; knobs and notes still throughout. */
static void
measured_cycle(Stress* s, bool automation)
{
	RpRng* r = &s->rng;
	if (automation || !s->settled) {
		s->n = 0;
		for (unsigned k = 1 + rp_below(r, 4); k > 0; --k) {
			const uint32_t n = draw_block(s);
			automate(s, n, false);
			run_block(s, n);
		}
		const unsigned f = rp_chance(r, 0.3) ? 0 : rp_below(r, N_FADES);
		s->xfade_ms      = fade_ms[f];
		s->law           = &fade_laws[f];
		host_set_control(s->h, "crossfade", s->xfade_ms);
		run_frames(s, SETTLE);
		s->steady_from = s->n;
		s->settled     = true;
	} else {
		const size_t keep = s->n - s->steady_from;
		memmove(s->y, s->y + s->steady_from, keep * sizeof(float));
		s->n           = keep;
		s->steady_from = 0;
	}
	while (s->n < s->steady_from + STEADY_W + GUARD) {
		run_block(s, draw_block(s));
	}

	RandomPatch*   a       = cur_patch(s);
	const bool     a_st    = cur_steady(s);
	const unsigned slot    = s->active_slot;
	const int      bk      = new_patch(s);
	RandomPatch*   b       = s->pool[bk];
	const uint32_t n       = draw_block(s);
	const size_t   request = s->n + rp_below(r, n);
	host_patch_set(s->h, (uint32_t)(request - s->n), PATCH_TEXT, false, b->text, (uint32_t)b->len);
	++s->requests;
	Block blk = run_block(s, n);
	/* Until the answer comes: the worker finishes between blocks, as a
	 * host's does between cycles, with a wall-clock bound, however long
	 * a loaded machine takes. */
	const double deadline = host_now() + TEST_WAIT_SECONDS;
	while (!blk.statuses && host_now() < deadline) {
		if (s->mode == HOST_WORKER_THREAD) {
			CU_ASSERT_TRUE(host_settle(s->h));
		}
		blk = run_block(s, draw_block(s));
	}
	CU_ASSERT_FATAL(blk.statuses > 0);
	++s->measured;
	const size_t at   = blk.start;
	const int    kind = status_kind(blk.last);
	count_status(s, &blk);
	CU_ASSERT(kind >= 1 && kind <= 3);
	const size_t before = at - GUARD - STEADY_W; /* the steady window before */
	const double a_min  = min_window(s->y, before, at - GUARD);

	if (kind != 1) {
		/* Rejected: the playing patch goes on, untouched. */
		while (s->n < at + GUARD + STEADY_W) {
			run_block(s, draw_block(s));
		}
		const char* text = host_last_value(s->h, PATCH_TEXT);
		bool        ok   = s->active_slot == slot && host_get_control(s->h, "error") == 1.0f &&
		          (!a || (text && !strcmp(text, a->text)));
		if (ok && a_st && stationary(s->y, before, at - GUARD)) {
			const double m    = click_metric_around(s->y, s->n, at, GUARD, STEADY_W);
			const double hole = a_min > 0.0 ? min_window(s->y, at - GUARD, at + 2 * GUARD) / a_min : 1.0;
			ok                = m <= CLICK_BOUND_RANDOM && hole >= HOLE_RATIO;
			++s->reject_checked;
		}
		if (!ok) {
			++s->reject_fail;
			print_pair(s, "a rejected patch changed what plays", a, b);
		}
		CU_ASSERT(ok);
		return;
	}

	/* Primed: the fade starts at this block's first frame. */
	const size_t fade_len = s->law->len;
	const size_t span     = fade_len + GUARD;
	const size_t after    = at + span; /* the steady window after */
	while (s->n < after + STEADY_W) {
		run_block(s, draw_block(s));
	}
	const char* text = host_last_value(s->h, PATCH_TEXT);
	CU_ASSERT(s->active_slot != slot);
	CU_ASSERT(host_get_control(s->h, "error") == 0.0f);
	CU_ASSERT(text && !strcmp(text, b->text));
	CU_ASSERT(s->cur == bk);

	const double level   = fmin(a_min, min_window(s->y, after, after + STEADY_W));
	const double hole    = level > 0.0 ? min_window(s->y, at - GUARD, after) / level : 1.0;
	const double m       = click_metric_around(s->y, s->n, at, span, STEADY_W);
	/* Any two patches: both audible (quietest steady windows above -60
	 * dBFS), no fade window below -90 dBFS. Cancelling 30 dB below the
	 * quieter one takes two identical sounds in antiphase. */
	const double quiet = min_window(s->y, at - GUARD, after);
	if (level >= 1e-3) {
		++s->audible_pairs;
		s->worst_audible = fmin(s->worst_audible, quiet / level);
		if (quiet < 3.1623e-5) {
			++s->deep_dips;
			char what[160];
			snprintf(what, sizeof(what), "a fade window at %.1f dBFS between two patches above -60 dBFS",
			         quiet > 0.0 ? 20.0 * log10(quiet) : -999.0);
			print_pair(s, what, a, b);
		}
		CU_ASSERT(quiet >= 3.1623e-5);
	}
	const bool   steady  = a_st && b->steady && stationary(s->y, before, at - GUARD) &&
	                    stationary(s->y, after, after + STEADY_W);
	const bool   checked = steady && oracle_check(s, a, b, at, fade_len);
	if (!checked) {
		if (!steady && rp_chance(r, 0.05)) {
			oracle_check(s, a, b, at, fade_len); /* exactness only */
		}
		s->unstationary += a_st && b->steady && !steady;
		s->worst_click_unchecked = fmax(s->worst_click_unchecked, m);
		s->worst_hole_unchecked  = fmin(s->worst_hole_unchecked, hole);
		s->steady_from           = after;
		return;
	}
	++s->checked;
	const size_t n_part = fade_len + 2 * GUARD;
	float*       out    = calloc(n_part, sizeof(float));
	float*       in     = calloc(n_part, sizeof(float));
	split_fade(s, at, fade_len, out, in);

	/* 1. The outgoing part is a(t) times a stationary sound: no sharper
	 * than fade_allowance() of that sound, whatever the new patch does. A
	 * corner in the fade law shows here. Allowed on top: float rounding of
	 * the products and the sum and the measured law's own (a few ulps of
	 * the larger signal). Not with a master drive, whose oracle is only
	 * close (see oracle_check()). */
	const double rounding = 4.0 * 8.0 * FLT_EPSILON * fmax(test_peak(in, n_part), test_peak(s->y + at - GUARD, n_part));
	const double m_out    = b->has_master ? 0.0
	                                      : click_d2_max(out, 2, n_part) /
	                                             (fade_allowance(s->y, before, at - GUARD, s->law) + rounding);
	/* 2. click_metric_around, where it means something: the new patch is no
	 * sharper from its note-ons than in its steady state, and the fade is
	 * long against both sounds (the curvature terms of fade_allowance() are
	 * within 6 %); then the fade is at most sqrt(2) times the sharper
	 * steady state (see CLICK_BOUND_RANDOM). */
	const double own_b    = click_d2_max(s->bref, 2, fade_len + GUARD + STEADY_W);
	const double d2_a     = click_d2_max(s->y, before, at - GUARD);
	const double d2_b     = click_d2_max(s->y, after, after + STEADY_W);
	const bool   m_counts = own_b <= 1.05 * d2_b && fade_allowance(s->y, before, at - GUARD, s->law) <= 1.06 * d2_a &&
	                      fade_allowance(s->y, after, after + STEADY_W, s->law) <= 1.06 * d2_b;
	/* 3. No hole: see unexplained_holes(). */
	unsigned cancelled = 0;
	const unsigned holes = hole < HOLE_RATIO ? unexplained_holes(s, at, fade_len, level, a_min, out, &cancelled) : 0;
	s->cancellations += cancelled != 0;
	s->worst_out  = fmax(s->worst_out, m_out);
	s->worst_hole = fmin(s->worst_hole, hole);
	if (m_counts) {
		++s->click_counted;
		s->worst_click = fmax(s->worst_click, m);
	} else {
		s->worst_click_unchecked = fmax(s->worst_click_unchecked, m);
	}
	const bool click = m_out > CLICK_BOUND_RANDOM || (m_counts && m > CLICK_BOUND_RANDOM);
	if (m_out > CLICK_BOUND_RANDOM) {
		/* Where: the fade law's end (its gain's slope steps to 0) or not. */
		double peak  = 0.0;
		size_t where = 0;
		for (size_t i = 2; i < n_part; ++i) {
			const double d = fabs((double)out[i] - 2.0 * out[i - 1] + out[i - 2]);
			if (d > peak) {
				peak  = d;
				where = i;
			}
		}
		s->corner_fails += where + 2 >= GUARD + fade_len && where <= GUARD + fade_len + 2;
	}
	if (click || holes) {
		char what[240];
		if (click) {
			++s->click_fail;
			snprintf(what, sizeof(what),
			         "click: the outgoing part is %.2f times as sharp as a smooth fade of it can be, click metric "
			         "%.3f%s (bound %.2f)",
			         m_out, m, m_counts ? "" : " (not meaningful here)", CLICK_BOUND_RANDOM);
		} else {
			++s->hole_fail;
			snprintf(what, sizeof(what), "hole: %u fade windows below %.2f of the steady level (%.2e), down to %.3f",
			         holes, HOLE_RATIO, level, hole);
		}
		print_pair(s, what, a, b);
		if (s->printed <= 3) {
			explain(s, at, fade_len, out, in, a_min);
		}
	}
	CU_ASSERT(m_out <= CLICK_BOUND_RANDOM);
	CU_ASSERT(!m_counts || m <= CLICK_BOUND_RANDOM);
	CU_ASSERT_EQUAL(holes, 0u);
	free(out);
	free(in);
	s->steady_from = after;
}

/* Knobs, notes and crossfade time move in every block, fades included;
 * sometimes a second request during the fade, sometimes a polyphony change
 * (a rebuild) instead. Ends when every swap has finished its fade. */
static void
wild_cycle(Stress* s)
{
	RpRng* r = &s->rng;
	s->n       = 0;
	s->settled = false;
	++s->wild;
	const unsigned primed_before = s->primed;
	const unsigned flips_before  = s->flips;
	const unsigned lead          = rp_below(r, 3);
	for (unsigned k = 0; k < lead; ++k) {
		const uint32_t n = draw_block(s);
		automate(s, n, true);
		run_block(s, n);
	}
	const bool poly    = rp_chance(r, 0.02);
	bool       twice   = !poly && rp_chance(r, 0.25);
	unsigned   pending = 1; /* answers awaited */
	uint32_t   n       = draw_block(s);
	automate(s, n, true);
	if (poly) {
		const float was = s->poly;
		while (s->poly == was) { /* an unchanged value rebuilds nothing */
			s->poly = (float)(2 + rp_below(r, 40));
		}
		host_set_control(s->h, "polyphony", s->poly);
		++s->poly_changes;
	} else {
		const int k = new_patch(s);
		host_patch_set(s->h, rp_below(r, n), PATCH_TEXT, false, s->pool[k]->text, (uint32_t)s->pool[k]->len);
		++s->requests;
	}
	Block blk = run_block(s, n);
	if (s->mode == HOST_WORKER_THREAD) {
		CU_ASSERT_TRUE(host_settle(s->h));
	}
	/* Every block lets the worker finish (threaded), so the answers come
	 * within a number of blocks set by the fades, not by the machine. */
	for (unsigned guard = 0; guard < 400; ++guard) {
		if (blk.statuses) {
			count_status(s, &blk);
			pending = pending > blk.statuses ? pending - blk.statuses : 0;
		}
		if (!pending && s->flips - flips_before == s->primed - primed_before) {
			break;
		}
		n = draw_block(s);
		automate(s, n, true);
		if (twice) {
			/* A second request in the block where the first one's fade
			 * starts: built while it runs, it waits for it to end. */
			const int k = new_patch(s);
			host_patch_set(s->h, rp_below(r, n), PATCH_TEXT, false, s->pool[k]->text, (uint32_t)s->pool[k]->len);
			++s->requests;
			++s->double_requests;
			++pending;
			twice = false;
		}
		if (s->n + n > CAP) {
			s->n = 0; /* only finiteness is checked here, block by block */
		}
		blk = run_block(s, n);
		if (s->mode == HOST_WORKER_THREAD) {
			CU_ASSERT_TRUE(host_settle(s->h));
		}
	}
	CU_ASSERT(pending == 0);
	CU_ASSERT_EQUAL(s->flips - flips_before, s->primed - primed_before);
}

static void
stress_run(const char* label, HostWorkerMode mode, unsigned swaps)
{
	const double t0 = now_s();
	CU_ASSERT_FATAL(measure_fade_laws());
	Stress*      s  = calloc(1, sizeof(Stress));
	s->label        = label;
	s->mode         = mode;
	s->h            = make_host(TEST_RATE, 4096, mode, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->h);
	const unsigned long seed = env_ulong("CHRONUS_STRESS_SEED", 20240611ul) + (mode == HOST_WORKER_THREAD);
	rp_seed(&s->rng, seed);
	s->y = calloc(CAP, sizeof(float));
	for (unsigned k = 0; k < POOL; ++k) {
		s->pool[k] = calloc(1, sizeof(RandomPatch));
	}
	s->cur                  = -1;
	s->worst_hole           = INFINITY;
	s->worst_hole_unchecked = INFINITY;
	s->worst_audible        = INFINITY;
	s->xfade_ms             = 30.0f;
	s->law                  = &fade_laws[4];
	s->ref  = make_host(TEST_RATE, 4096, HOST_WORKER_INLINE, false);
	s->bref = calloc(CAP, sizeof(float));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->ref);
	for (unsigned k = 0; k < 8; ++k) {
		s->macro[k] = 0.5f;
	}
	s->poly     = 16.0f;
	s->bend_raw = -1;
	/* The chord, held throughout: G3, G4, G5. Octaves, so that a steady
	 * patch's sound is exactly periodic and its steady window's sharpness
	 * is that of the whole sound; the notes that come and go (G6, G7) are
	 * octaves too. A chord with a fifth drifts: the fifth's third and the
	 * root's second harmonic beat (about 1.3 Hz for G4-D5), and with them
	 * the coincidences of a saw chord's resets, so the second difference of
	 * 43 ms of it varies by 1.7x from one window to the next. Steady patches
	 * go down to -12 semitones: 98 Hz, 8 edges of a square per 2048-frame
	 * window, enough for its peak. */
	/* The first block announces the patch a new instance plays (status
	 * included): that is no swap, so it is not counted as one. */
	run_block(s, draw_block(s));
	static const uint8_t chord[3] = {55, 67, 79}, chord_vel[3] = {100, 80, 110};
	for (unsigned k = 0; k < 3; ++k) {
		host_note_on(s->h, 0, chord[k], chord_vel[k]);
		s->on_frame[chord[k]] = s->frames;
		s->down[chord[k]] = true;
		s->vel[chord[k]]  = chord_vel[k];
	}

	while (s->primed < swaps && s->requests < swaps + swaps / 5 + 100) {
		const unsigned k = rp_below(&s->rng, 100);
		if (k < 20) {
			wild_cycle(s);
		} else {
			measured_cycle(s, k < 55);
		}
		CU_ASSERT_EQUAL_FATAL(s->flips, s->primed);
	}
	const unsigned rejected = s->rejected_nan + s->rejected_loud;
	const double   t        = now_s() - t0;
	printf("\n  %s: %u swaps in %.1f s (%.2f ms each), %.0f s of audio in %llu blocks (%llu under 64 frames)\n"
	       "    %u requests: %u primed, %u rejected by the verifier (%u non-finite, %u too loud; bound %.0f %% + 3), %u "
	       "refused otherwise;\n"
	       "    %u wild cycles (knobs and notes moving through the fades): %u polyphony rebuilds, %u requests "
	       "during a fade; seed %lu\n"
	       "    %u measured swaps, %u with both patches steady: %u checked, %u skipped as not stationary\n"
	       "    outgoing part's sharpness over a smooth fade's: worst %.3f (bound %.2f)\n"
	       "    click metric: worst %.3f on the %u swaps where it is meaningful (bound %.2f), %.3f on the others (not "
	       "asserted)\n"
	       "    quietest fade window / steady level: %.3f on checked swaps (bound %.2f, below it %u times by the "
	       "two patches cancelling), %.3f on the others\n"
	       "    %u swaps between two patches above -60 dBFS: quietest fade window %.1f dB below the quieter "
	       "(bound: above -90 dBFS)\n"
	       "    %u rejections checked for continuity; %u swaps compared with the new patch as the swap starts it: "
	       "after the fade, worst difference %g (%u without a master section; bound 1e-6), %g with one\n"
	       "    failures: %u click (%u with the outgoing part's sharpest step on the fade's last frame), %u hole, "
	       "%u deep dip, %u rejection, %u oracle, %u non-finite blocks\n",
	       label, s->primed, t, 1e3 * t / (s->primed ? s->primed : 1), (double)s->frames / TEST_RATE,
	       (unsigned long long)s->blocks, (unsigned long long)s->small_blocks, s->requests, s->primed, rejected,
	       s->rejected_nan, s->rejected_loud, 100.0 * REJECT_MAX_SHARE, s->rejected_other, s->wild, s->poly_changes,
	       s->double_requests, seed, s->measured, s->checked + s->unstationary, s->checked, s->unstationary,
	       s->worst_out, CLICK_BOUND_RANDOM, s->worst_click, s->click_counted, CLICK_BOUND_RANDOM,
	       s->worst_click_unchecked, s->worst_hole, HOLE_RATIO, s->cancellations, s->worst_hole_unchecked,
	       s->audible_pairs, s->worst_audible > 0.0 ? -20.0 * log10(s->worst_audible) : 999.0, s->reject_checked,
	       s->oracle_runs, s->worst_oracle_diff, s->oracle_exact, s->worst_oracle_master, s->click_fail,
	       s->corner_fails, s->hole_fail, s->deep_dips, s->reject_fail, s->oracle_fail, s->nonfinite);
	CU_ASSERT(s->oracle_runs >= s->measured / 50);
	CU_ASSERT(s->primed >= swaps);
	CU_ASSERT_EQUAL(s->nonfinite, 0u);
	CU_ASSERT_EQUAL(s->rejected_other, 0u);
	CU_ASSERT(rejected <= REJECT_MAX_SHARE * s->requests + 3);
	CU_ASSERT(s->checked >= s->measured / 10); /* the bounds were asserted often enough to mean something */
	for (unsigned k = 0; k < POOL; ++k) {
		free(s->pool[k]);
	}
	free(s->y);
	free(s->bref);
	host_free(s->h);
	host_free(s->ref);
	free(s);
}

static unsigned
stress_swaps(void)
{
	return (unsigned)env_ulong("CHRONUS_STRESS_SWAPS", 10000ul);
}

static void
test_random_swaps_inline(void)
{
	stress_run("inline worker", HOST_WORKER_INLINE, stress_swaps());
}

static void
test_random_swaps_threaded(void)
{
	const unsigned n = stress_swaps() / 20;
	stress_run("threaded worker", HOST_WORKER_THREAD, n < 50 ? 50 : n);
}

/* ---- A verifier rejection changes no sample ----------------------------- */

static const char* const patch_too_loud = "patch \"loud\"\ncreate o sine\ncreate a mix\ncreate b mix\ncreate c mix\n"
                                          "connect o a\nconnect a b\nconnect b c\n"
                                          "set a.gain1 2\nset b.gain1 2\nset c.gain1 2\nout c\n";
/* Each connection multiplies by 1e6: the warm-up overflows to Inf. (A
 * silent patch is no longer refused: it swaps in with a warning.) */
static const char* const patch_not_finite = "patch \"overflow\"\ncreate o sine\ncreate a mix\ncreate b mix\n"
                                            "create c mix\ncreate d mix\ncreate e mix\ncreate f mix\n"
                                            "create g mix\ncreate h mix\nconnect o a 1000000\nconnect a b 1000000\n"
                                            "connect b c 1000000\nconnect c d 1000000\nconnect d e 1000000\n"
                                            "connect e f 1000000\nconnect f g 1000000\nconnect g h 1000000\nout h\n";

/* Renders 0.5 s of the chord over a random steady patch, a swap to a second
 * one at block 20, and, when reject is set, an invalid-at-warm-up patch at
 * block `at`. */
static void
render_with_rejection(float* y, const char* reject, unsigned at, const char* expect)
{
	RpRng r;
	rp_seed(&r, 99);
	RandomPatch* a = malloc(sizeof(RandomPatch));
	RandomPatch* b = malloc(sizeof(RandomPatch));
	random_patch(&r, true, "A", a);
	random_patch(&r, true, "B", b);
	Host* h = make_host(TEST_RATE, 256, HOST_WORKER_INLINE, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE(test_load_patch(h, a->text));
	host_note_on(h, 0, 55, 100);
	host_note_on(h, 0, 67, 80);
	for (unsigned k = 0; k < 94; ++k) {
		if (k == 20) {
			host_patch_set(h, 100, PATCH_TEXT, false, b->text, (uint32_t)b->len);
		}
		if (reject && k == at) {
			host_patch_set(h, 37, PATCH_TEXT, false, reject, (uint32_t)strlen(reject));
		}
		test_run_stereo(h, 256, y + 256 * k);
		if (reject && k == at + 1) { /* the answer comes at the start of the next block */
			const char* st = host_last_value(h, STATUS);
			CU_ASSERT_EQUAL(host_get_control(h, "error"), 1.0f);
			CU_ASSERT_PTR_NOT_NULL(st && strstr(st, expect));
		}
	}
	host_free(h);
	free(a);
	free(b);
}

static void
test_rejection_is_sample_identical(void)
{
	const double t0 = now_s();
	enum { N = 94 * 256 };
	float* ref = calloc(N, sizeof(float));
	float* out = calloc(N, sizeof(float));
	render_with_rejection(ref, NULL, 0, NULL);
	CU_ASSERT(test_peak(ref, N) > 0.01f);
	const struct {
		const char* text;
		unsigned    at;
		const char* expect;
	} cases[] = {
	        {patch_too_loud, 8, "warm-up peak"},  /* before the swap */
	        {patch_too_loud, 22, "warm-up peak"}, /* during its 30 ms fade */
	        {patch_not_finite, 23, "non-finite"},
	        {patch_not_finite, 60, "non-finite"}, /* after it */
	};
	for (unsigned c = 0; c < 4; ++c) {
		render_with_rejection(out, cases[c].text, cases[c].at, cases[c].expect);
		size_t diff = 0;
		for (size_t i = 0; i < N; ++i) {
			diff += out[i] != ref[i];
		}
		if (diff) {
			fprintf(stderr, "\n  rejection at block %u: %zu samples differ\n", cases[c].at, diff);
		}
		CU_ASSERT_EQUAL(diff, 0u);
	}
	printf("\n  verifier rejections before, during and after a fade: sample-identical (%.2f s)\n", now_s() - t0);
	free(ref);
	free(out);
}

/* ---- The crossfade's own corner ------------------------------------------
 *
 * The equal-power fade's gains are cos and sin of a quarter period: cos
 * reaches 0 with a slope of -pi/(2F) per frame, so the outgoing sound's
 * slope steps by |x| pi/(2F) at the last frame of the fade, however smooth
 * the sound. Two envelope-less sine patches at one low pitch (no attack of
 * their own: the metric's steady windows are exactly the two patches), G2
 * (98 Hz), levels 0.3 and 0.5, swapped back and forth, the default 30 ms
 * crossfade, the fade ending at 12 phases of the sine. Simulated over 48
 * phases, the present law gives up to 6.9 (0.5 -> 0.3; 4.4 the other way);
 * cos and sin of (pi/2) smoothstep(t), which has zero slope at both ends
 * and the same cos^2 + sin^2 = 1, gives at most 1.22: the bound is
 * CLICK_BOUND_RANDOM. At the 5 ms minimum the two laws give 40 and 2.4 (a
 * 5 ms fade is half a period of 98 Hz: its smooth curvature alone is
 * sharper than the sine), so 5 ms is measured, not asserted. */
static double
fade_corner(Host* h, float xfade_ms, float* y, unsigned* swaps)
{
	static const char* const low[2] = {"patch \"low 0.3\"\ncreate o sine\nset o.level 0.3\nout o\n",
	                                   "patch \"low 0.5\"\ncreate o sine\nset o.level 0.5\nout o\n"};
	const size_t fade_len = (size_t)lrint(xfade_ms * 0.001 * TEST_RATE);
	double       worst    = 0.0;
	host_set_control(h, "crossfade", xfade_ms);
	for (unsigned k = 0; k < 12; ++k) {
		size_t n = 0;
		for (const size_t pre = STEADY_W + GUARD + 256 + 37 * k; n < pre;) {
			const uint32_t m = (uint32_t)(pre - n < 256 ? pre - n : 256);
			test_run_stereo(h, m, y + n);
			n += m;
		}
		const char*    next   = low[(*swaps + 1) % 2];
		const unsigned before = host_value_count(h, STATUS);
		host_patch_set(h, 0, PATCH_TEXT, false, next, (uint32_t)strlen(next));
		test_run_stereo(h, 64, y + n);
		n += 64;
		const size_t at = n; /* the swap starts with the next block */
		while (n < at + fade_len + GUARD + STEADY_W) {
			test_run_stereo(h, 64, y + n);
			n += 64;
		}
		const char* st = host_last_value(h, STATUS);
		CU_ASSERT(host_value_count(h, STATUS) == before + 1 && st && strstr(st, "primed"));
		++*swaps;
		worst = fmax(worst, click_metric_around(y, n, at, fade_len + GUARD, STEADY_W));
	}
	return worst;
}

static void
test_fade_corner(void)
{
	Host* h = make_host(TEST_RATE, 4096, HOST_WORKER_INLINE, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, "patch \"low 0.3\"\ncreate o sine\nset o.level 0.3\nout o\n"));
	host_note_on(h, 0, 43, 100);
	float*       y       = calloc(16384, sizeof(float));
	unsigned     swaps   = 0;
	const double at_30ms = fade_corner(h, 30.0f, y, &swaps);
	const double at_5ms  = fade_corner(h, 5.0f, y, &swaps);
	printf("\n  two low sines (98 Hz), 12 phases: click metric up to %.2f with the 30 ms crossfade (bound %.2f), "
	       "%.2f with 5 ms (not asserted)\n",
	       at_30ms, CLICK_BOUND_RANDOM, at_5ms);
	CU_ASSERT(at_30ms <= CLICK_BOUND_RANDOM);
	/* The law behind it, measured (docs/engine.md: equal power). */
	CU_ASSERT_FATAL(measure_fade_laws());
	double in_start, out_end;
	fade_law_ends(&fade_laws[4], &in_start, &out_end);
	printf("  the measured 30 ms fade law: |a^2 + b^2 - 1| <= %.1e; the fade-in's first step and the fade-out's "
	       "last are %.3f and %.3f of a linear fade's (0 for a law with no corner)\n",
	       fade_laws[4].power, in_start, out_end);
	for (unsigned k = 0; k < N_FADES; ++k) {
		CU_ASSERT(fade_laws[k].power <= 1e-4);
	}
	free(y);
	host_free(h);
}

/* ---- Sample rates ------------------------------------------------------ */

/* Sets the program port and runs until the swap's status comes. */
static const char*
load_program(Host* h, unsigned program, uint32_t block, float* scratch, double rate)
{
	const unsigned before = host_value_count(h, STATUS);
	host_set_control(h, "program", (float)program);
	const double deadline = host_now() + TEST_WAIT_SECONDS;
	while (host_value_count(h, STATUS) == before && host_now() < deadline) {
		test_run_stereo(h, block, scratch);
		host_settle(h);
	}
	/* A copy: the host frees a remembered value when the next one comes,
	 * and the plugin may announce its status again while the fade runs. */
	static char answer[512];
	const char* st = NULL;
	if (host_value_count(h, STATUS) > before) {
		snprintf(answer, sizeof(answer), "%s", host_last_value(h, STATUS));
		st = answer;
	}
	/* The fade (30 ms) and a little more. */
	for (unsigned done = 0; done < (unsigned)(0.05 * rate); done += block) {
		test_run_stereo(h, block, scratch);
	}
	return st;
}

static void
test_sample_rates(void)
{
	const double t0      = now_s();
	const double rates[] = {8000, 22050, 44100, 48000, 96000, 192000, 384000};
	const unsigned n_prog = 13;
	enum { BLOCK = 512 };
	printf("\n  RMS (dBFS) of note 60, 0.3 s, per factory program:\n  %8s", "rate");
	for (unsigned p = 0; p < n_prog; ++p) {
		printf(" %5u", p + 1 < n_prog ? p + 1 : 0);
	}
	printf("   sine A2/A4/A6 error (cent)\n");
	for (unsigned ri = 0; ri < sizeof(rates) / sizeof(rates[0]); ++ri) {
		const double rate = rates[ri];
		Host*        h    = make_host(rate, 4096, HOST_WORKER_INLINE, false);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		const size_t held = (size_t)(0.3 * rate), tail = (size_t)(0.15 * rate);
		float*       y    = calloc(held + tail + BLOCK, sizeof(float));
		float        scratch[BLOCK];
		printf("  %8.0f", rate);
		for (unsigned p = 0; p < n_prog; ++p) {
			/* Program 0 plays from instantiation: it is loaded again last. */
			const unsigned prog = p + 1 < n_prog ? p + 1 : 0;
			const char*    st   = load_program(h, prog, BLOCK, scratch, rate);
			if (!st || !strstr(st, "primed")) {
				fprintf(stderr, "\n  %.0f Hz, program %u: %s\n", rate, prog, st ? st : "no answer");
			}
			CU_ASSERT(st && strstr(st, "primed"));
			host_note_on(h, 0, 60, 100);
			test_render_stereo(h, y, held, BLOCK);
			host_note_off(h, 0, 60);
			test_render_stereo(h, y + held, tail, BLOCK);
			const double rms = test_rms(y, held);
			printf(" %5.0f", rms > 0 ? 20.0 * log10(rms) : -999.0);
			CU_ASSERT(test_all_finite(y, held + tail));
			CU_ASSERT(rms > 1e-3); /* -60 dBFS */
			const uint8_t off[3] = {0xb0, 120, 0}; /* all sound off between programs */
			host_midi(h, 0, off, 3);
			test_render_stereo(h, y, (size_t)(0.02 * rate), BLOCK);
		}
		/* The test sine at three pitches. */
		CU_ASSERT_TRUE(test_load_patch(h, patch_sine));
		const size_t n = (size_t)(0.5 * rate);
		float*       z = calloc(n, sizeof(float));
		printf("  ");
		for (unsigned k = 0; k < 3; ++k) {
			const uint8_t note = (uint8_t)(45 + 24 * k);
			const double  want = 440.0 * pow(2.0, (note - 69) / 12.0);
			host_note_on(h, 0, note, 100);
			test_render_stereo(h, z, n, BLOCK);
			host_note_off(h, 0, note);
			test_render_stereo(h, y, (size_t)(0.1 * rate), BLOCK);
			const double f     = test_frequency(z + n / 5, n - n / 5, rate);
			const double cents = f > 0 ? 1200.0 * log2(f / want) : 1e9;
			printf(" %+.4f", cents);
			CU_ASSERT(fabs(cents) < 0.1);
			CU_ASSERT(test_all_finite(z, n));
			CU_ASSERT(test_rms(z + n / 5, n - n / 5) > 0.3);
		}
		printf("\n");
		free(z);
		free(y);
		host_free(h);
	}
	printf("  (%.2f s)\n", now_s() - t0);
}

/* ---- Block sizes ------------------------------------------------------- */

static const char* const block_score = "length 2.5\n"
                                       "at 0.0 note 48 100 1.6\n"
                                       "at 0.0 note 55 90 1.2\n"
                                       "at 0.011 note 64 70 0.4\n"
                                       "at 0.1 control macro1 0.9\n"
                                       "at 0.2 control macro2 0.1\n"
                                       "at 0.23 bend 0.4\n"
                                       "at 0.3 control volume -9\n"
                                       "at 0.31 sustain on\n"
                                       "at 0.35 note 72 127 0.05\n"
                                       "at 0.4 note 76 60 0.3\n"
                                       "at 0.45 control macro3 0.7\n"
                                       "at 0.5 sustain off\n"
                                       "at 0.55 control macro1 0.05\n"
                                       "at 0.6 note 60 100 0.8\n"
                                       "at 0.6001 note 60 50 0.5\n"
                                       "at 0.62 bend -1\n"
                                       "at 0.7 control volume 3\n"
                                       "at 0.75 control macro4 1\n"
                                       "at 0.8 note 36 127 0.9\n"
                                       "at 0.9 note 84 90 0.2\n"
                                       "at 0.91 note 86 90 0.2\n"
                                       "at 0.92 note 88 90 0.2\n"
                                       "at 0.93 note 89 90 0.2\n"
                                       "at 0.94 note 91 90 0.2\n"
                                       "at 0.95 note 93 90 0.2\n"
                                       "at 0.96 note 95 90 0.2\n"
                                       "at 0.97 note 96 90 0.2\n"
                                       "at 0.98 note 98 90 0.2\n"
                                       "at 0.99 note 100 90 0.2\n"
                                       "at 1.0 note 101 90 0.2\n"
                                       "at 1.01 note 103 90 0.2\n"
                                       "at 1.02 note 105 90 0.2\n"
                                       "at 1.03 note 107 90 0.2\n"
                                       "at 1.04 note 108 90 0.2\n"
                                       "at 1.05 note 110 90 0.2\n"
                                       "at 1.06 note 112 90 0.2\n"
                                       "at 1.1 bend 0\n"
                                       "at 1.3 control macro2 0.8\n"
                                       "at 1.4 cc 123 0\n"
                                       "at 1.5 note 62 100 0.6\n"
                                       "at 1.7 cc 120 0\n"
                                       "at 1.8 note 67 100 0.4\n";

/* Loads a patch in fixed 256-frame blocks (the same prelude for every
 * plan), then renders the score with the plan. */
static void
render_plan(const char* patch, unsigned program, uint32_t block, float* out, size_t* frames)
{
	Score s;
	char  err[256];
	CU_ASSERT_TRUE_FATAL(score_parse(block_score, ".", TEST_RATE, &s, err, sizeof(err)));
	Host* h = make_host(TEST_RATE, 8192, HOST_WORKER_INLINE, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	float scratch[256];
	if (patch) {
		CU_ASSERT_TRUE(test_load_patch(h, patch));
	} else if (program) {
		test_run_stereo(h, 256, scratch);
		const char* st = load_program(h, program, 256, scratch, TEST_RATE);
		CU_ASSERT(st && strstr(st, "primed"));
	}
	test_score_render_stereo(h, &s, (BlockPlan){block, false, 0}, out);
	*frames = s.frames;
	host_free(h);
	score_free(&s);
}

static void
test_block_sizes(void)
{
	const double   t0       = now_s();
	const uint32_t blocks[] = {1, 2, 3, 17, 64, 255, 1024, 4096, 8192};
	RpRng          r;
	rp_seed(&r, 4242);
	RandomPatch* rp[3];
	for (unsigned k = 0; k < 3; ++k) {
		rp[k] = malloc(sizeof(RandomPatch));
	}
	random_patch(&r, true, "steady", rp[0]);
	do { /* a free patch with a master section and macros */
		random_patch(&r, false, "free", rp[1]);
	} while (!rp[1]->has_master || !rp[1]->n_macros || !rp[1]->has_lfo);
	do {
		random_patch(&r, false, "noisy", rp[2]);
	} while (!rp[2]->has_noise || rp[2]->n_modules < 8);
	const struct {
		const char* label;
		const char* text;
		unsigned    program;
	} patches[] = {
	        {"Init Saw", NULL, 0},        {"Sine Lead", NULL, 1},      {"Kick", NULL, 5},
	        {"Warm Pad", NULL, 9},        {"random steady", rp[0]->text, 0},
	        {"random free", rp[1]->text, 0}, {"random noisy", rp[2]->text, 0},
	};
	const size_t max = (size_t)(2.5 * TEST_RATE) + 8192;
	float*       ref = calloc(max, sizeof(float));
	float*       out = calloc(max, sizeof(float));
	double       worst_all = 0.0;
	for (unsigned p = 0; p < sizeof(patches) / sizeof(patches[0]); ++p) {
		size_t n = 0;
		render_plan(patches[p].text, patches[p].program, 256, ref, &n);
		CU_ASSERT(test_all_finite(ref, n));
		const bool audible = test_peak(ref, n) > 1e-3f;
		CU_ASSERT(audible);
		for (unsigned b = 0; b < sizeof(blocks) / sizeof(blocks[0]); ++b) {
			size_t m = 0;
			render_plan(patches[p].text, patches[p].program, blocks[b], out, &m);
			CU_ASSERT_EQUAL(m, n);
			double worst = 0.0;
			size_t first = n;
			for (size_t i = 0; i < n; ++i) {
				const double d = fabs((double)out[i] - ref[i]);
				if (!(d <= 1e-6) && first == n) {
					first = i;
				}
				worst = d > worst || d != d ? d : worst;
			}
			if (!(worst <= 1e-6)) {
				fprintf(stderr, "\n  %s, block %u: max difference %g, first at frame %zu\n", patches[p].label,
				        blocks[b], worst, first);
			}
			CU_ASSERT(worst <= 1e-6);
			worst_all = fmax(worst_all, worst);
		}
	}
	printf("\n  7 patches x blocks 1, 2, 3, 17, 64, 255, 1024, 4096, 8192 vs 256: max difference %g (%.2f s)\n",
	       worst_all, now_s() - t0);
	for (unsigned k = 0; k < 3; ++k) {
		free(rp[k]);
	}
	free(ref);
	free(out);
}

/* ---- Hosts without a worker or without options --------------------------- */

static void
play_and_request(Host* h, float* y, size_t n, bool requests)
{
	host_note_on(h, 0, 57, 100);
	host_note_on(h, 0, 64, 90);
	for (size_t pos = 0, k = 0; pos < n; pos += 256, ++k) {
		if (requests && k % 8 == 3) {
			switch ((k / 8) % 6) {
			case 0: host_patch_set(h, 5, PATCH_TEXT, false, patch_sine, (uint32_t)strlen(patch_sine)); break;
			case 1: host_patch_set(h, 0, PATCH_FILE, true, "/nonexistent.chronus", 20); break;
			case 2: host_set_control(h, "program", (float)(k % 13)); break;
			case 3: host_set_control(h, "polyphony", (float)(1 + k % 64)); break;
			case 4: host_patch_get(h, 9); break;
			default: host_patch_set(h, 0, PATCH_TEXT, false, "create x nope\nout x\n", 20); break;
			}
		}
		test_run_stereo(h, (uint32_t)(n - pos < 256 ? n - pos : 256), y + pos);
		host_settle(h);
	}
}

static void
test_without_worker_or_options(void)
{
	const double t0 = now_s();
	enum { N = 48000 };
	float* ref = calloc(N, sizeof(float));
	float* out = calloc(N, sizeof(float));

	/* No worker: the default patch plays, requests are answered, not
	 * acted on, and change no sample. */
	Host* h = make_host(TEST_RATE, 4096, HOST_WORKER_NONE, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	play_and_request(h, ref, N, false);
	host_free(h);
	h = make_host(TEST_RATE, 4096, HOST_WORKER_NONE, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	play_and_request(h, out, N, true);
	CU_ASSERT(test_rms(ref, N) > 0.01);
	CU_ASSERT(test_all_finite(out, N));
	CU_ASSERT_EQUAL(memcmp(ref, out, N * sizeof(float)), 0);
	const char* st = host_last_value(h, STATUS);
	CU_ASSERT_PTR_NOT_NULL(st && strstr(st, "worker"));
	printf("\n  no worker: %u statuses, last \"%.50s...\"; audio unchanged by requests\n", host_value_count(h, STATUS),
	       st ? st : "");
	host_free(h);

	/* No options, with and without a worker, any block size up to 8192. */
	const HostWorkerMode modes[] = {HOST_WORKER_THREAD, HOST_WORKER_INLINE, HOST_WORKER_NONE};
	for (unsigned m = 0; m < 3; ++m) {
		h = make_host(TEST_RATE, 8192, modes[m], true);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		play_and_request(h, out, N, true);
		CU_ASSERT(test_all_finite(out, N));
		CU_ASSERT(test_rms(out, N) > 0.01);
		if (modes[m] != HOST_WORKER_NONE) {
			host_note_off(h, 0, 57);
			host_note_off(h, 0, 64);
			host_set_control(h, "polyphony", 16.0f);
			CU_ASSERT_TRUE(test_load_patch(h, patch_sine));
		}
		float* big = calloc(8192 * 6, sizeof(float));
		host_note_on(h, 0, 69, 100);
		for (unsigned k = 0; k < 6; ++k) {
			test_run_stereo(h, k % 2 ? 8192 : 7, big + 8192 * k);
		}
		CU_ASSERT(test_all_finite(big, 8192 * 6));
		if (modes[m] != HOST_WORKER_NONE) {
			float* z = calloc(N, sizeof(float));
			test_render_stereo(h, z, N, 8192);
			const double f = test_frequency(z, N, TEST_RATE);
			CU_ASSERT(fabs(1200.0 * log2(f / 440.0)) < 0.1);
			printf("  no options, %s worker: the sine patch loads and plays %.4f Hz\n",
			       modes[m] == HOST_WORKER_THREAD ? "threaded" : "inline", f);
			free(z);
		}
		free(big);
		host_free(h);
	}
	printf("  (%.2f s)\n", now_s() - t0);
	free(ref);
	free(out);
}

/* ---- The generator's promise ------------------------------------------ */

/* One statement of a patch text: its words, the comment cut off (a '#'
 * outside quotes), `patch` lines skipped. */
static unsigned
statement_words(char* line, char* words[], unsigned max)
{
	bool in_string = false;
	for (char* c = line; *c; ++c) {
		if (*c == '"' && (c == line || c[-1] != '\\')) {
			in_string = !in_string;
		} else if (*c == '#' && !in_string) {
			*c = '\0';
			break;
		}
	}
	unsigned n    = 0;
	char*    save = NULL;
	for (char* w = strtok_r(line, " \t", &save); w && n < max; w = strtok_r(NULL, " \t", &save)) {
		words[n++] = w;
	}
	return n && strcmp(words[0], "patch") ? n : 0;
}

/* Whether `target` (module.param) names a parameter of an oscillator or
 * operator created in this text, and which. */
static const char*
pitched_param(char names[][40], char types_[][16], unsigned n, const char* target, const char** type)
{
	const char* dot = strchr(target, '.');
	if (!dot) {
		return NULL;
	}
	for (unsigned i = 0; i < n; ++i) {
		if (strlen(names[i]) == (size_t)(dot - target) && !strncmp(names[i], target, (size_t)(dot - target))) {
			*type = types_[i];
			return dot + 1;
		}
	}
	return NULL;
}

/* The stress suite asserts its click and hole bounds only between steady
 * patches (random_patch.h) because their sound is periodic: every
 * oscillator an octave from the others at every moment. A steady patch
 * whose envelope bent one oscillator by a fraction of an octave, or
 * detuned it by cents, beats, and the click metric read the beating as a
 * click (1.56 against the bound 1.5 at one swap of the 10 000). Reads
 * 3000 steady patches back and checks every pitch they can reach: set
 * pitches in whole octaves, no fine tuning set or modulated, envelope
 * depths on pitch of exactly 12 semitones, operators at whole ratios. */
static void
test_steady_patches_in_octaves(void)
{
	static const char* const oscs[] = {"sine", "saw", "square", "triangle", "wavetable"};
	RpRng                    r;
	rp_seed(&r, 20261204);
	RandomPatch* p = malloc(sizeof(RandomPatch));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	unsigned patches = 0, sets = 0, mods = 0, bad = 0;
	for (unsigned k = 0; k < 3000; ++k) {
		random_patch(&r, true, "steady", p);
		CU_ASSERT_TRUE_FATAL(p->steady);
		char     names[64][40], types_[64][16];
		unsigned n_mods = 0;
		char*    save   = NULL;
		for (char* line = strtok_r(p->text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
			char*          w[6];
			const unsigned n = statement_words(line, w, 6);
			const char*    type = NULL;
			const char*    param;
			if (n >= 3 && !strcmp(w[0], "create") && n_mods < 64) {
				snprintf(names[n_mods], sizeof names[0], "%s", w[1]);
				snprintf(types_[n_mods++], sizeof types_[0], "%s", w[2]);
			} else if (n == 3 && !strcmp(w[0], "set") &&
			           (param = pitched_param(names, types_, n_mods, w[1], &type))) {
				const double v   = strtod(w[2], NULL);
				bool         osc = false;
				for (unsigned i = 0; i < 5; ++i) {
					osc = osc || !strcmp(type, oscs[i]);
				}
				const bool op = !strcmp(type, "op");
				bool       ok = true;
				if (osc && !strcmp(param, "pitch")) {
					ok = fmod(v, 12.0) == 0.0;
				} else if ((osc || op) && !strcmp(param, "fine")) {
					ok = v == 0.0;
				} else if (op && !strcmp(param, "ratio")) {
					ok = v == floor(v);
				} else {
					continue;
				}
				++sets;
				if (!ok && bad++ < 5) {
					printf("\n  patch %u: set %s %s", k, w[1], w[2]);
				}
			} else if (n >= 3 && !strcmp(w[0], "connect") &&
			           (param = pitched_param(names, types_, n_mods, w[2], &type)) &&
			           (!strcmp(param, "pitch") || !strcmp(param, "fine"))) {
				const double d  = n >= 4 ? strtod(w[3], NULL) : NAN;
				const bool   ok = !strcmp(param, "pitch") ? d == 12.0 : d == 0.0;
				++mods;
				if (!ok && bad++ < 5) {
					printf("\n  patch %u: connect %s %s %s", k, w[1], w[2], n >= 4 ? w[3] : "(no depth)");
				}
			}
		}
		++patches;
	}
	printf("\n  %u steady patches: %u pitch, fine or ratio settings, %u envelopes on pitch or fine, %u off the "
	       "octaves\n",
	       patches, sets, mods, bad);
	CU_ASSERT(sets > 100);
	CU_ASSERT(mods > 100);
	CU_ASSERT_EQUAL(bad, 0);
	free(p);
}

/* ---- Registration ----------------------------------------------------- */


static double test_t0;

static int
timer_start(void)
{
	test_t0 = now_s();
	return 0;
}

#define TIMED(fn)                                                        \
	static void fn##_timed(void)                                     \
	{                                                                \
		const double t = now_s();                                \
		fn();                                                    \
		printf("  [%.2f s]\n", now_s() - t);                      \
	}
TIMED(test_random_swaps_inline)
TIMED(test_random_swaps_threaded)
TIMED(test_rejection_is_sample_identical)
TIMED(test_fade_corner)
TIMED(test_sample_rates)
TIMED(test_block_sizes)
TIMED(test_without_worker_or_options)
TIMED(test_steady_patches_in_octaves)

static int
timer_report(void)
{
	free_fade_laws();
	printf("\n  stress suite: %.1f s\n", now_s() - test_t0);
	return 0;
}

int
suite_stress(void)
{
	CU_pSuite s = CU_add_suite("stress", timer_start, timer_report);
	return !s ||
	       !CU_add_test(s, "random patch swaps, inline worker: no crash, NaN, hole or click",
	                    test_random_swaps_inline_timed) ||
	       !CU_add_test(s, "random patch swaps, threaded worker", test_random_swaps_threaded_timed) ||
	       !CU_add_test(s, "a verifier rejection changes no sample", test_rejection_is_sample_identical_timed) ||
	       !CU_add_test(s, "the crossfade adds no corner to a low sine", test_fade_corner_timed) ||
	       !CU_add_test(s, "8 kHz .. 384 kHz: factory programs sound, the sine is in tune", test_sample_rates_timed) ||
	       !CU_add_test(s, "blocks of 1 .. 8192 frames give the samples of 256", test_block_sizes_timed) ||
	       !CU_add_test(s, "hosts without worker or options", test_without_worker_or_options_timed) ||
	       !CU_add_test(s, "steady random patches keep their oscillators in octaves",
	                    test_steady_patches_in_octaves_timed);
}
