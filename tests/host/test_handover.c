/* SPDX-License-Identifier: ISC
 *
 * Swaps keep the music going: what happens to held notes when the patch
 * changes under them, measured from the audio of the real bundle (lilv, a
 * worker thread), both channels.
 * - A note the sustain pedal alone holds keeps sounding after a swap until
 *   the pedal lifts, then releases.
 * - A held chord morphs from one factory patch to the next with no dip: for
 *   a fixed sample of ordered pairs of factory patches (every patch to the
 *   next and to the one 7 or more ahead, so each is source and target at least
 *   twice, plus RANDOM_PAIRS pairs from a fixed LCG seed) and two crossfade
 *   times, the level across the fade, in 20 ms windows, never falls more
 *   than 3 dB below the quieter of the two patches alone in that very
 *   window (each recorded alone under the same chord, the same time after
 *   its own swap: patches breathe by themselves, a swap must not add to
 *   it), nor below the quietest 5 ms and 20 ms windows the patches give
 *   alone; and a patch whose envelopes sustain at 0 (drums) never strikes
 *   the held chord.
 * - A held note enters the new patch where its old voice was: struck just
 *   before a swap into a slow attack, it goes on with that attack (level
 *   as the new patch alone would have it, not at sustain, not struck
 *   again); held past attack and decay, it enters at the sustain level.
 * - A rebuild of the same patch (polyphony change, the same text again) is
 *   inaudible: level within 0.5 dB on each channel, the samples within
 *   1e-5 of the peak, no click; a stereo pad (its master drive's right
 *   channel, its random positions) too.
 * Every wait is for a condition (the swap is over: the active_slot output
 * flipped), with a generous bound, never for a number of blocks.
 */
#include "click.h"
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK        256u
#define MAX_FACTORY  128u                 /* the program port's range at most */
#define RANDOM_PAIRS 300u                 /* pairs of the walk drawn from the LCG */
#define WINDOW       240u                 /* 5 ms: the level's window */
#define WAIT_BLOCKS  20000u               /* about 100 s of audio: a bound, not a pace */
#define MAX_DIP_DB   3.0
#define SAME_TOL_DB  0.5

/* Both channels of everything rendered, appended block by block. */
typedef struct {
	float* l;
	float* r;
	size_t n, cap;
} Rec;

static void
rec_init(Rec* r, size_t cap)
{
	r->l   = calloc(cap, sizeof(float));
	r->r   = calloc(cap, sizeof(float));
	r->n   = 0;
	r->cap = cap;
}

static void
rec_free(Rec* r)
{
	free(r->l);
	free(r->r);
}

static void
run_block(Host* h, Rec* r)
{
	if (r->n + BLOCK > r->cap) {
		r->cap = 2 * r->cap + BLOCK;
		r->l   = realloc(r->l, r->cap * sizeof(float));
		r->r   = realloc(r->r, r->cap * sizeof(float));
	}
	host_run(h, BLOCK, r->l + r->n, r->r + r->n);
	r->n += BLOCK;
}

static void
run_for(Host* h, Rec* r, double seconds)
{
	const size_t end = r->n + (size_t)(seconds * TEST_RATE);
	while (r->n < end) {
		run_block(h, r);
	}
}

/* RMS of both channels over [from, from + n). */
static double
level(const Rec* r, size_t from, size_t n)
{
	double s = 0.0;
	for (size_t i = from; i < from + n && i < r->n; ++i) {
		s += (double)r->l[i] * r->l[i] + (double)r->r[i] * r->r[i];
	}
	return n ? sqrt(s / (2.0 * (double)n)) : 0.0;
}

/* The quietest window of `len` frames (hop 1 ms) in [from, to). */
static double
min_window_of(const Rec* r, size_t from, size_t to, size_t len)
{
	double m = INFINITY;
	for (size_t i = from; i + len <= to; i += 48) {
		const double v = level(r, i, len);
		m              = v < m ? v : m;
	}
	return m;
}

/* The quietest 5 ms window. */
static double
min_window(const Rec* r, size_t from, size_t to)
{
	return min_window_of(r, from, to, WINDOW);
}

static double
db(double x)
{
	return 20.0 * log10(x > 1e-12 ? x : 1e-12);
}

/* Runs until the swap under way is over (active_slot differs from `was`),
 * letting the worker finish between blocks as a host does. */
static bool
wait_swap(Host* h, Rec* r, float was)
{
	for (unsigned i = 0; i < WAIT_BLOCKS; ++i) {
		run_block(h, r);
		if (host_get_control(h, "active_slot") != was) {
			return true;
		}
		host_settle(h);
	}
	return false;
}

/* The frame the last swap's crossfade started (its status). */
static size_t
fade_start(const Host* h)
{
	const unsigned n = host_status_count(h);
	return n ? (size_t)host_status_frame(h, n - 1) : 0;
}

/* Swaps to factory program p (the program port) and waits until done. */
static bool
swap_program(Host* h, Rec* r, unsigned p)
{
	const float was = host_get_control(h, "active_slot");
	host_set_control(h, "program", (float)p);
	return wait_swap(h, r, was);
}

static bool
swap_text(Host* h, Rec* r, const char* text)
{
	const float was = host_get_control(h, "active_slot");
	host_patch_set(h, 0, CHRONUS_URI "#patchText", false, text, (uint32_t)strlen(text));
	return wait_swap(h, r, was);
}

static void
cc(Host* h, uint8_t controller, uint8_t value)
{
	const uint8_t msg[3] = {0xb0, controller, value};
	host_midi(h, 0, msg, 3);
}

static Host*
new_host(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	if (h) {
		host_set_control(h, "program", 0.0f);
	}
	return h;
}

/* ---- 1. The pedal holds through a swap ---------------------------------- */

static const char* const pedal_patch_b = "patch \"Pedal B\"\n"
                                         "create osc sine\ncreate env adsr\ncreate amp vca\n"
                                         "connect osc amp\nconnect env amp.gain\n"
                                         "set osc.pitch 7\nset osc.level 0.5\n"
                                         "set env.attack 5\nset env.decay 10\nset env.sustain 1\n"
                                         "set env.release 50\nout amp\n";

/* Pedal down, key pressed at 0 and released at 0.5 s, swap at 1.0 s: the
 * note sounds on after the swap (at the new patch's sustain level) until
 * the pedal lifts at 1.5 s, then releases within the release time. */
static void
test_pedal_note_survives_swap(void)
{
	Host* h = new_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	Rec r;
	rec_init(&r, 48000 * 4);
	CU_ASSERT_TRUE_FATAL(swap_text(h, &r, patch_sine));
	cc(h, 64, 127);
	host_note_on(h, 0, 69, 100);
	const size_t t0 = r.n;
	run_for(h, &r, 0.5);
	host_note_off(h, 0, 69);
	run_for(h, &r, 0.5);
	CU_ASSERT_TRUE_FATAL(swap_text(h, &r, pedal_patch_b));
	const size_t swap_at = fade_start(h);
	const size_t lift    = t0 + (size_t)(1.5 * TEST_RATE);
	while (r.n < lift) {
		run_block(h, &r);
	}
	cc(h, 64, 0);
	run_for(h, &r, 0.5);

	const double before = level(&r, t0 + 24000, 12000);          /* held by the pedal */
	const double after  = min_window(&r, swap_at + 2400, lift);   /* 50 ms past the swap */
	const double tail   = level(&r, lift + 9600, 2400);           /* 200 ms after the lift */
	const double freq_a = test_frequency(r.l + t0 + 24000, 12000, TEST_RATE);
	const double freq_b = test_frequency(r.r + lift - 12000, 12000, TEST_RATE);
	printf("\n  pedal-held note: %.1f dB before the swap at %.3f s, quietest 5 ms after it "
	       "%.1f dB, %.0f Hz -> %.0f Hz, %.1f dB 200 ms after the pedal lifts\n",
	       db(before), (double)(swap_at - t0) / TEST_RATE, db(after), freq_a, freq_b, db(tail));
	CU_ASSERT(before > 0.05);
	CU_ASSERT(swap_at >= t0 + 48000 && swap_at < lift - 12000); /* the swap fell in the pedal span */
	CU_ASSERT(fabs(freq_b - 440.0 * pow(2.0, 7.0 / 12.0)) < 2.0); /* the new patch plays it */
	CU_ASSERT(after > before * 0.7);  /* sounds on, at the same sustain level */
	CU_ASSERT(tail < before * 0.01);  /* released once the pedal lifts */
	rec_free(&r);
	host_free(h);
}

/* ---- 2. Every pair of factory patches morphs a held chord -------------- */

static const uint8_t chord[] = {72, 79, 84};

static void
chord_on(Host* h)
{
	for (unsigned i = 0; i < sizeof chord; ++i) {
		host_note_on(h, 0, chord[i], 100);
	}
}

/* Each factory patch's steady level: the chord held alone for 4 s (the
 * slowest patch, Noise Sweep, settles in 3.5 s), over the last second:
 * its RMS, and its quietest 5 ms window. Patches dip by themselves, in 5 ms
 * windows, up to 5 dB below their RMS (the chord's beats an octave down in
 * Sub Bass, Reese's detuned saws, Warm Pad's breathing filter, noise), so
 * the quietest window is the level a fade is held to: a dip of the fade is
 * what the swap adds to what the patch does alone. */
static void
steady_levels(unsigned n_factory, double* steady, double* quiet, double* quiet20)
{
	for (unsigned p = 0; p < n_factory; ++p) {
		Host* h = new_host();
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		Rec r;
		rec_init(&r, 48000 * 5);
		if (p) {
			CU_ASSERT_TRUE_FATAL(swap_program(h, &r, p));
		} else {
			run_for(h, &r, 0.1);
		}
		chord_on(h);
		const size_t t0 = r.n;
		run_for(h, &r, 4.0);
		steady[p] = level(&r, t0 + 3 * 48000, 48000);
		quiet[p]  = min_window(&r, t0 + 3 * 48000, t0 + 4 * 48000);
		quiet20[p] = min_window_of(&r, t0 + 3 * 48000, t0 + 4 * 48000, 960);
		rec_free(&r);
		host_free(h);
	}
}

/* ---- Each patch alone, as a swap brings it in ---------------------------

 * What a patch plays after a swap depends only on the time since the swap
 * (its voices enter together, at the held notes' ages; every module starts
 * from its reset state, the noise from its seed), not on the patch before.
 * So each factory patch's entry under the held chord is recorded once,
 * swapped in from Kick (silent under a held chord, so the output is the
 * incoming slot times its fade gain), and in the walk each of the two
 * patches of a fade is known alone, sample by sample: the outgoing one from
 * its own entry, the incoming one from its entry. The walk checks that it
 * plays exactly those samples before and after each fade. */

#define ENTRY_SECONDS 12.0 /* a patch's entry recorded: longer than any stay in the walk */
#define HOLD_SECONDS  4.0  /* the chord held before the first entry: past every attack and decay */
#define SILENT_PATCH  5u   /* Kick: a held chord sustains at 0 */
#define LEVEL_WINDOW  960u /* 20 ms: what a listener hears as level, not each cycle */

typedef struct {
	float* x;     /* the patch alone from its first frame on the new slot: left */
	float* y;     /* and right (a stereo patch's sides differ) */
	size_t n;
	double steady; /* its RMS from 1 s after the entry to the end (whole LFO cycles) */
	double quiet;  /* its quietest 20 ms window over the same span */
	double quiet5_all, quiet20_all; /* its quietest 5 ms and 20 ms windows from its fade's end on */
} Entry;

/* run.c's crossfade gain of the incoming slot at frame i of a fade of len
 * frames (different patches: equal power along a smoothstep). */
static float
fade_in_gain(size_t i, size_t len)
{
	const double u = (double)(i + 1 < len ? i + 1 : len) / (double)len;
	const double w = u * u * (3.0 - 2.0 * u);
	return (float)sin(1.5707963267948966 * w);
}

/* And the outgoing slot's, the other side of the same quarter circle. */
static double
fade_out_gain(size_t i, size_t len)
{
	const double u = (double)(i + 1 < len ? i + 1 : len) / (double)len;
	const double w = u * u * (3.0 - 2.0 * u);
	return cos(1.5707963267948966 * w);
}

/* RMS of both channels of an entry over [from, from + n), as level()
 * measures the walk. */
static double
rms(const Entry* e, size_t from, size_t n)
{
	double s = 0.0;
	for (size_t i = from; i < from + n; ++i) {
		s += (double)e->x[i] * e->x[i] + (double)e->y[i] * e->y[i];
	}
	return n ? sqrt(s / (2.0 * (double)n)) : 0.0;
}

/* Patch p alone under the chord, from the frame it is swapped in, divided
 * by its fade-in gain while the fade lasts (Kick before it adds 0). */
static void
record_entry(unsigned p, Entry* e, size_t fade)
{
	e->n = (size_t)(ENTRY_SECONDS * TEST_RATE);
	e->x = calloc(e->n, sizeof(float));
	e->y = calloc(e->n, sizeof(float));
	Host* h = new_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_set_control(h, "crossfade", (float)(fade * 1000.0 / TEST_RATE));
	Rec r;
	rec_init(&r, 48000 * 20);
	CU_ASSERT_TRUE_FATAL(swap_program(h, &r, SILENT_PATCH));
	chord_on(h);
	run_for(h, &r, HOLD_SECONDS);
	CU_ASSERT_TRUE_FATAL(swap_program(h, &r, p));
	const size_t at = fade_start(h);
	while (r.n < at + e->n) {
		run_block(h, &r);
	}
	for (size_t i = 0; i < e->n; ++i) {
		const float g = i < fade ? fade_in_gain(i, fade) : 1.0f;
		e->x[i]       = r.l[at + i] / g;
		e->y[i]       = r.r[at + i] / g;
	}
	const size_t from = (size_t)TEST_RATE;
	e->steady         = rms(e, from, e->n - from);
	e->quiet          = INFINITY;
	for (size_t i = from; i + LEVEL_WINDOW <= e->n; i += 48) {
		e->quiet = fmin(e->quiet, rms(e, i, LEVEL_WINDOW));
	}
	/* From the end of its own fade on: a patch enters a fade at its
	 * start (its reverb and echoes still empty) and leaves it when its
	 * stay ends. (Not during the fade: there it is known only through the
	 * fade law it is divided by.) */
	e->quiet5_all = e->quiet20_all = INFINITY;
	for (size_t i = fade; i + LEVEL_WINDOW <= e->n; i += 48) {
		e->quiet5_all  = fmin(e->quiet5_all, rms(e, i, WINDOW));
		e->quiet20_all = fmin(e->quiet20_all, rms(e, i, LEVEL_WINDOW));
	}
	rec_free(&r);
	host_free(h);
}

/* The output's power in window [i, i + len) of a fade is what the fade
 * gives of each patch, ga^2 A^2 + gb^2 B^2, plus their cross term
 * 2 ga gb A B: two patches sounding the same notes reinforce or cancel each
 * other as their phases drift (Supersaw Lead against Phaser Pad: 3 dB
 * quieter than either alone for 40 ms, a -0.5 correlation). No crossfade
 * law can keep that term from cancelling (it is the two sounds, not the
 * swap), so the swap's level is the output's power without it, the term
 * known exactly from the two patches alone and run.c's gains: a fade that
 * drops, delays or gaps a slot loses its ga^2 A^2 or gb^2 B^2 all the same.
 * Returns that level; *out the output's own. */
static double
swap_level(const Rec* r, const Entry* ea, const Entry* eb, size_t a_at, size_t at, size_t fade, size_t i,
           size_t len, double* out)
{
	*out         = level(r, i, len);
	double cross = 0.0;
	for (size_t k = i; k < i + len && k - at < fade; ++k) {
		const double g = fade_out_gain(k - at, fade) * fade_in_gain(k - at, fade);
		cross += 2.0 * g * ((double)ea->x[k - a_at] * eb->x[k - at] + (double)ea->y[k - a_at] * eb->y[k - at]);
	}
	return sqrt(fmax(*out * *out - cross / (2.0 * (double)len), 0.0));
}

/* The level across one fade of the walk against the two patches alone. */
typedef struct {
	double   worst_steady; /* dB below the quieter patch's steady RMS */
	double   worst_bound;  /* dB below the bound's floor (asserted <= MAX_DIP_DB) */
	double   worst_moment; /* dB below the quieter of the two alone at that moment */
	double   worst_swap;   /* the same without the two patches' interference (asserted <= MAX_DIP_DB) */
	double   worst_swap5;  /* the same in 5 ms windows (asserted <= MAX_DIP_DB) */
	double   interference; /* where worst_moment was: how much of it the two patches' cancelling made */
	unsigned from_s, to_s;
	double   own;          /* how far the quieter patch alone fell below its RMS there */
	unsigned from, to, from_m, to_m;
	double   mismatch;     /* largest relative difference from the patches alone outside the fade */
	unsigned too_long;     /* stays longer than an entry was recorded */
	unsigned over;         /* fades past the bound against the two alone at that moment */
} AloneStats;

/* Patches a (swapped in at frame a_at) and b (at frame at): the recording
 * plays a's entry before the fade and b's after it. Every 20 ms window
 * starting in the fade: its level against the quieter patch's steady RMS,
 * and against the floor the bound holds it to: that RMS, or what either
 * patch plays alone in that very window where it is quieter than that by
 * itself (Reese Bass's beating saws and Warm Pad's breathing filter take
 * them 3.5 and 3.9 dB below their RMS in 20 ms windows, wherever the swap
 * falls in those cycles). */
static void
check_against_alone(const Rec* r, const Entry* ea, const Entry* eb, unsigned a, unsigned b, size_t a_at,
                    size_t at, size_t fade, AloneStats* st)
{
	const size_t check = 2400;
	if (at + fade + check > r->n || at + fade + LEVEL_WINDOW - a_at > ea->n || at < a_at + check) {
		++st->too_long;
		return;
	}
	/* RMS of the difference over RMS of the patch alone, 50 ms before the
	 * fade and 50 ms after: 0 but where the output limiter (on, as by
	 * default) still recovers from peaks of the fade; a patch alone
	 * misplaced by a frame, or another patch, gives 0.1 to 1.4. */
	double d0 = 0.0, r0 = 0.0, d1 = 0.0, r1 = 0.0;
	for (size_t t = at - check; t < at; ++t) {
		const double x = ea->x[t - a_at], y = ea->y[t - a_at];
		d0 += (r->l[t] - x) * (r->l[t] - x) + (r->r[t] - y) * (r->r[t] - y);
		r0 += x * x + y * y;
	}
	for (size_t t = at + fade; t < at + fade + check; ++t) {
		const double x = eb->x[t - at], y = eb->y[t - at];
		d1 += (r->l[t] - x) * (r->l[t] - x) + (r->r[t] - y) * (r->r[t] - y);
		r1 += x * x + y * y;
	}
	st->mismatch = fmax(st->mismatch, r0 > 0.0 ? sqrt(d0 / r0) : sqrt(d0));
	st->mismatch = fmax(st->mismatch, r1 > 0.0 ? sqrt(d1 / r1) : sqrt(d1));
	const Entry* q      = ea->steady <= eb->steady ? ea : eb;
	const double steady = q->steady;
	if (steady < 1e-4) {
		return; /* a silent patch: no level to hold */
	}
	double pair_moment = -INFINITY, pair_swap = -INFINITY, pair_swap5 = -INFINITY, pair_cancel = 0.0;
	for (size_t i = at; i <= at + fade; i += 48) {
		double       ly;
		const double l_swap = swap_level(r, ea, eb, a_at, at, fade, i, LEVEL_WINDOW, &ly);
		const double la     = rms(ea, i - a_at, LEVEL_WINDOW);
		const double lb     = rms(eb, i - at, LEVEL_WINDOW);
		const double lq     = q == ea ? la : lb;
		const double floor  = fmin(steady, fmin(la, lb));
		if (db(steady) - db(ly) > st->worst_steady) {
			st->worst_steady = db(steady) - db(ly);
			st->own          = db(steady) - db(lq);
			st->from         = a;
			st->to           = b;
		}
		st->worst_bound    = fmax(st->worst_bound, db(floor) - db(l_swap));
		const double moment = db(fmin(la, lb)) - db(ly);
		if (moment > pair_moment) {
			pair_moment = moment;
			pair_cancel = db(l_swap) - db(ly);
		}
		pair_swap = fmax(pair_swap, db(fmin(la, lb)) - db(l_swap));
		/* And in 5 ms windows: a hole of a few ms hides in 20 ms. */
		for (size_t j = i; j < i + 48; j += 24) {
			double       y5;
			const double s5 = swap_level(r, ea, eb, a_at, at, fade, j, WINDOW, &y5);
			const double q5 = fmin(rms(ea, j - a_at, WINDOW), rms(eb, j - at, WINDOW));
			pair_swap5      = fmax(pair_swap5, db(q5) - db(s5));
		}
	}
	if (pair_moment > st->worst_moment) {
		st->worst_moment = pair_moment;
		st->interference = pair_cancel;
		st->from_m       = a;
		st->to_m         = b;
	}
	if (pair_swap > st->worst_swap) {
		st->worst_swap = pair_swap;
		st->from_s     = a;
		st->to_s       = b;
	}
	st->worst_swap5 = fmax(st->worst_swap5, pair_swap5);
	if (pair_swap > MAX_DIP_DB || pair_swap5 > MAX_DIP_DB) {
		++st->over;
		printf("\n  %u -> %u: the swap %.1f dB (20 ms windows), %.1f dB (5 ms) below the quieter of the two "
		       "patches alone at that moment",
		       a, b, pair_swap, pair_swap5);
	}
}

/* The factory patches are the program port's range. */
static unsigned
program_count(void)
{
	Host* h = new_host();
	if (!h) {
		return 0;
	}
	const unsigned n = test_program_count(h);
	host_free(h);
	return n;
}

/* The smallest step from 7 up that shares no factor with n: walking by it
 * visits every patch before it comes back (7 alone would not for 49). */
static unsigned
coprime_step(unsigned n)
{
	for (unsigned step = 7;; ++step) {
		unsigned a = step, b = n;
		while (b) {
			const unsigned t = a % b;
			a                = b;
			b                = t;
		}
		if (a == 1) {
			return step;
		}
	}
}

/* A closed walk from patch 0 through a deterministic sample of the ordered
 * pairs of the n factory patches (every pair would be n (n - 1) swaps:
 * 2352 for 49 patches, too long for CI): every patch to the next (0, 1,
 * ..., n - 1, back to 0), every patch to the one 7 ahead (or 8, ...: the
 * first step coprime with n, so this is a cycle through all of them too),
 * then RANDOM_PAIRS steps from a fixed LCG seed, each to another patch. So
 * every patch is source and target at least twice, and the same pairs are
 * walked on every run. Returns the number of patches in the walk (pairs + 1). */
static unsigned
pair_walk(unsigned n_factory, unsigned* walk)
{
	unsigned n = 0;
	walk[n++]  = 0;
	for (unsigned p = 1; p <= n_factory; ++p) {
		walk[n++] = p % n_factory;
	}
	const unsigned step = coprime_step(n_factory);
	unsigned       at   = 0;
	do {
		at        = (at + step) % n_factory;
		walk[n++] = at;
	} while (at != 0);
	uint32_t x = 20260613u;
	for (unsigned i = 0; i < RANDOM_PAIRS; ++i) {
		x                   = x * 1103515245u + 12345u;
		const unsigned jump = 1u + ((x >> 16) % (n_factory - 1u));
		at                  = (at + jump) % n_factory;
		walk[n++]           = at;
	}
	return n;
}

/* One instance holds the chord and walks the sampled pairs, each swap taken when
 * the one before is over and has settled for 150 ms. Returns the worst dip
 * (dB below the quieter patch's quietest window alone; *worst_rms: below
 * the quieter RMS) and fails on any pair past the bound or any patch that
 * holds the chord silent (drums) but strikes it. */
static double
walk_pairs(unsigned n_factory, unsigned* n_pairs, const double* steady, const Entry* entry,
           float crossfade_ms, unsigned* worst_from, unsigned* worst_to, double* worst_rms)
{
	unsigned       walk[3 * MAX_FACTORY + RANDOM_PAIRS + 1];
	const unsigned n = pair_walk(n_factory, walk);
	CU_ASSERT_FATAL(n == 2 * n_factory + RANDOM_PAIRS + 1);
	*n_pairs = n - 1;
	Host* h = new_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_set_control(h, "crossfade", crossfade_ms);
	Rec r;
	rec_init(&r, 48000 * 60);
	/* The chord held on Kick past every attack and decay, then Init Saw
	 * swapped in: every patch of the walk enters as its recorded entry. */
	CU_ASSERT_TRUE_FATAL(swap_program(h, &r, SILENT_PATCH));
	chord_on(h);
	run_for(h, &r, HOLD_SECONDS);
	CU_ASSERT_TRUE_FATAL(swap_program(h, &r, 0));
	size_t a_at = fade_start(h);
	run_for(h, &r, 1.0); /* patch 0 (Init Saw) settles in 0.3 s */
	const size_t fade = (size_t)(crossfade_ms * 0.001 * TEST_RATE);
	double       worst = -INFINITY, worst_rms20 = -INFINITY, worst_q20 = -INFINITY;
	unsigned     bad = 0, struck = 0, w20a = 0, w20b = 0;
	AloneStats   al = {.worst_steady = -INFINITY, .worst_bound = -INFINITY, .worst_moment = -INFINITY,
	                   .worst_swap = -INFINITY, .worst_swap5 = -INFINITY};
	for (unsigned i = 1; i < n; ++i) {
		const unsigned a = walk[i - 1], b = walk[i];
		CU_ASSERT_TRUE_FATAL(swap_program(h, &r, b));
		const size_t at = fade_start(h);
		run_for(h, &r, 0.15);
		check_against_alone(&r, &entry[a], &entry[b], a, b, a_at, at, fade, &al);
		a_at = at;
		const double floor = fmin(entry[a].quiet5_all, entry[b].quiet5_all);
		const double low   = min_window(&r, at, at + fade + 960);
		const double dip   = db(floor) - db(low);
		if (fmin(steady[a], steady[b]) > 1e-4) {
			*worst_rms = fmax(*worst_rms, db(fmin(steady[a], steady[b])) - db(low));
			const double low20 = min_window_of(&r, at, at + fade + 960, 960);
			const double d20   = db(fmin(steady[a], steady[b])) - db(low20);
			worst_q20 = fmax(worst_q20, db(fmin(entry[a].quiet20_all, entry[b].quiet20_all)) - db(low20));
			if (d20 > worst_rms20) {
				worst_rms20 = d20;
				w20a = a;
				w20b = b;
			}
		}
		if (floor > 1e-4 && dip > worst) {
			worst       = dip;
			*worst_from = a;
			*worst_to   = b;
		}
		if (floor > 1e-4 && dip > MAX_DIP_DB) {
			++bad; /* the output itself, the two patches' cancelling in it: for the record */
		}
		/* A patch silent under a held chord stays silent after the fade:
		 * the chord is not struck again. */
		const double after = level(&r, at + fade + 2400, 2400);
		if (steady[b] < 1e-4 && after > 1e-3) {
			++struck;
			printf("\n  %u -> %u: the held chord sounds at %.1f dB in a patch that holds it silent", a,
			       b, db(after));
		}
	}
	/* The output itself, its quietest 5 ms and 20 ms against the quietest
	 * such windows the patches give alone (their entries, from the end of
	 * their fades: slow breaths and empty reverbs included), and against
	 * the quieter RMS: printed, not asserted, for the two patches'
	 * cancelling is in them (FM Brass into String Ensemble: 4.4 dB of it);
	 * the same windows without it are asserted below. */
	printf("\n  crossfade %.0f ms, the output: %u fades with a 5 ms window over 3 dB below the quieter "
	       "patch's quietest 5 ms alone; worst %.2f dB below its quietest 20 ms alone; worst %.2f dB below "
	       "the quieter RMS (%u -> %u)",
	       (double)crossfade_ms, bad, worst_q20, worst_rms20, w20a, w20b);
	/* Against the steady RMS (each patch's entry alone from 1 s to 12 s:
	 * whole cycles of its LFOs), in 20 ms windows. */
	printf("\n  crossfade %.0f ms, against the patches alone: the output worst %.2f dB below the "
	       "quieter patch's steady RMS (%u -> %u; that patch alone is %.2f dB below it there), worst %.2f dB "
	       "below the quieter of the two alone at that moment (%u -> %u, of which %.2f dB the two patches "
	       "cancelling); the swap (without that) worst %.2f dB below the quieter of the two alone at that "
	       "moment in 20 ms windows (%u -> %u), %.2f dB in 5 ms windows, %.2f dB below the floor of "
	       "before (that RMS, or either patch alone where lower), bound %.1f dB; outside the fades the "
	       "walk plays the patches' entries to %.1g (relative RMS)",
	       (double)crossfade_ms, al.worst_steady, al.from, al.to, al.own, al.worst_moment, al.from_m,
	       al.to_m, al.interference, al.worst_swap, al.from_s, al.to_s, al.worst_swap5, al.worst_bound,
	       MAX_DIP_DB, al.mismatch);
	CU_ASSERT(al.mismatch < 0.01); /* the patches alone are what the walk plays */
	CU_ASSERT_EQUAL(al.too_long, 0);
	CU_ASSERT(al.worst_bound <= MAX_DIP_DB);
	/* The bound, "never more than 3 dB below the quieter patch's
	 * level, in 20 ms windows", with each patch's level taken where the
	 * fade is: what that patch plays alone in that very window (its entry,
	 * the same chord, the same time since its swap). A patch whose level
	 * holds plays its RMS there, so for it this is the words; a
	 * patch that breathes by itself (detuned saws beating, a vowel or a
	 * phaser sweeping) is not charged with its own breath, and a patch
	 * louder than its RMS at that moment is held to that louder level. The
	 * dip below the steady RMS itself is printed above, for the record, and
	 * so is the output's own dip with the two patches' interference in it
	 * (swap_level: what the swap cannot keep from cancelling). */
	CU_ASSERT(al.worst_swap <= MAX_DIP_DB);
	CU_ASSERT(al.worst_swap5 <= MAX_DIP_DB);
	CU_ASSERT_EQUAL(al.over, 0);
	CU_ASSERT_EQUAL(struck, 0);
	rec_free(&r);
	host_free(h);
	return worst;
}

static void
test_factory_pairs_morph(void)
{
	const unsigned n_factory = program_count();
	CU_ASSERT_FATAL(n_factory >= 13 && n_factory <= MAX_FACTORY);
	double steady[MAX_FACTORY], quiet[MAX_FACTORY], quiet20[MAX_FACTORY];
	steady_levels(n_factory, steady, quiet, quiet20);
	printf("\n  a held C5-G5-C6 chord alone, RMS / quietest 5 ms (dBFS):");
	for (unsigned p = 0; p < n_factory; ++p) {
		printf(" %u: %.1f/%.1f", p, db(steady[p]), db(quiet[p]));
	}
	Entry* entry = calloc(n_factory, sizeof(Entry));
	CU_ASSERT_PTR_NOT_NULL_FATAL(entry);
	printf("\n  each patch alone after its entry, RMS / quietest 20 ms (dBFS):");
	for (unsigned p = 0; p < n_factory; ++p) {
		if (steady[p] < 1e-4) {
			entry[p] = (Entry){.x = calloc((size_t)(ENTRY_SECONDS * TEST_RATE), sizeof(float)),
			                   .y = calloc((size_t)(ENTRY_SECONDS * TEST_RATE), sizeof(float)),
			                   .n = (size_t)(ENTRY_SECONDS * TEST_RATE)};
			continue; /* silent under a held chord, as Kick */
		}
		record_entry(p, &entry[p], 1440);
		printf(" %u: %.1f/%.1f", p, db(entry[p].steady), db(entry[p].quiet));
		/* The chord a swap carries in sounds as the chord played on the
		 * patch: were the held notes not carried, every entry would be
		 * silent and the walk below would have no level to hold. */
		if (fabs(db(entry[p].steady) - db(steady[p])) > 3.0) {
			printf("\n  patch %u: the chord carried in by a swap at %.1f dB, played on it %.1f dB", p,
			       db(entry[p].steady), db(steady[p]));
			CU_FAIL("a swap's entry does not sound as the patch played alone");
		}
	}
	const float fades[] = {30.0f, 500.0f};
	for (unsigned f = 0; f < 2; ++f) {
		unsigned     a = 0, b = 0, pairs = 0;
		double       rms   = -INFINITY;
		const double worst = walk_pairs(n_factory, &pairs, steady, entry, fades[f], &a, &b, &rms);
		printf("\n  crossfade %.0f ms, %u ordered pairs of %u patches walked (each to the next, to the one "
		       "%u ahead, %u from a fixed seed; all %u pairs would be too long): worst dip %.2f dB below the "
		       "quieter patch's quietest 5 ms alone (%u -> %u), bound %.1f dB; worst %.2f dB below the "
		       "quieter RMS\n",
		       (double)fades[f], pairs, n_factory, coprime_step(n_factory), RANDOM_PAIRS,
		       n_factory * (n_factory - 1), worst, a, b, MAX_DIP_DB, rms);
	}
	for (unsigned p = 0; p < n_factory; ++p) {
		free(entry[p].x);
		free(entry[p].y);
	}
	free(entry);
}

/* ---- 3. A held note enters where its old voice was --------------------- */

/* Two slow-attack patches with the same envelope and different pitches: a
 * note that morphs from one to the other keeps the envelope's level, so
 * the render with the swap follows a render of either alone. */
#define SLOW_ATTACK_MS 2000.0
#define SLOW_DECAY_MS  500.0
#define SLOW_PATCH(title, pitch)                                                            \
	"patch \"" title "\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\n"                \
	"connect osc amp\nconnect env amp.gain\nset osc.level 0.5\nset osc.pitch " pitch "\n"    \
	"set env.attack 2000\nset env.decay 500\nset env.sustain 0.5\nset env.release 200\nout amp\n"

static const char* const slow_a = SLOW_PATCH("Slow A", "0");
static const char* const slow_b = SLOW_PATCH("Slow B", "7");

#define AGE_WINDOW   960u /* 20 ms */
#define SLOW_FADE_MS 30.0

/* One note (A4) on a fresh instance playing `first`, struck at frame t0 of
 * the returned recording; after `hold` seconds, a swap to `second` (when
 * not NULL), then until t0 + `until` seconds. *age: frames from the note-on
 * to the swap's fade start. */
static bool
render_slow(Rec* out, const char* first, const char* second, double hold, double until, size_t* age)
{
	Host* h = new_host();
	if (!h) {
		return false;
	}
	host_set_control(h, "crossfade", SLOW_FADE_MS);
	Rec r;
	rec_init(&r, 48000 * 8);
	bool ok = swap_text(h, &r, first);
	run_for(h, &r, 0.05);
	host_note_on(h, 0, 69, 100);
	const size_t t0 = r.n;
	run_for(h, &r, hold);
	if (second) {
		ok   = ok && swap_text(h, &r, second);
		*age = fade_start(h) - t0;
	}
	while (r.n < t0 + (size_t)(until * TEST_RATE)) {
		run_block(h, &r);
	}
	rec_init(out, r.n - t0);
	memcpy(out->l, r.l + t0, (r.n - t0) * sizeof(float));
	memcpy(out->r, r.r + t0, (r.n - t0) * sizeof(float));
	out->n = r.n - t0;
	rec_free(&r);
	host_free(h);
	return ok;
}

/* Largest difference in dB, 20 ms window by window (hop 1 ms), of got
 * against ref over [from, to). */
static double
worst_level_diff(const Rec* got, const Rec* ref, size_t from, size_t to)
{
	double worst = 0.0;
	for (size_t i = from; i + AGE_WINDOW <= to && i + AGE_WINDOW <= got->n && i + AGE_WINDOW <= ref->n;
	     i += 48) {
		const double d = fabs(db(level(got, i, AGE_WINDOW)) - db(level(ref, i, AGE_WINDOW)));
		worst          = d > worst ? d : worst;
	}
	return worst;
}

/* A note struck just before a swap into a slow-attack patch goes on with
 * that attack from the point its age gives: the level across and after the
 * swap follows a render of the new patch alone with the note struck at the
 * same time (within 1 dB, 20 ms windows: no restrike, no jump to sustain),
 * and right after the fade it is still far below the sustain level and
 * rising. A note held past attack and decay enters in sustain: from the
 * fade on, at the new patch's sustain level. */
static void
test_held_note_keeps_its_stage(void)
{
	Rec          ref, got, held;
	size_t       unused = 0, age = 0, age_held = 0;
	const size_t fade   = (size_t)(SLOW_FADE_MS * 0.001 * TEST_RATE);
	CU_ASSERT_TRUE_FATAL(render_slow(&ref, slow_b, NULL, 3.5, 4.0, &unused));
	CU_ASSERT_TRUE_FATAL(render_slow(&got, slow_a, slow_b, 0.02, 3.0, &age));
	/* The test needs the swap inside the attack: the build took that long. */
	CU_ASSERT_FATAL(age < (size_t)(0.75 * SLOW_ATTACK_MS * 0.001 * TEST_RATE));
	const size_t end     = age + fade;
	const double diff    = worst_level_diff(&got, &ref, AGE_WINDOW, got.n);
	const double at_end  = level(&got, end, AGE_WINDOW);
	const double later   = level(&got, end + 9600, AGE_WINDOW);
	const double sus     = level(&ref, ref.n - 9600, 9600);
	const double freq    = test_frequency(got.l + end + 4800, 9600, TEST_RATE);
	printf("\n  a note struck %.0f ms before a swap into a %.0f ms attack: level against the new patch "
	       "alone %.2f dB at the worst (20 ms windows); %.1f dB under its sustain after the fade, "
	       "%+.1f dB 200 ms later; %.0f Hz",
	       (double)age * 1000.0 / TEST_RATE, SLOW_ATTACK_MS, diff, db(sus) - db(at_end),
	       db(later) - db(at_end), freq);
	CU_ASSERT(diff < 1.0);
	CU_ASSERT(db(sus) - db(at_end) > 6.0); /* not at sustain: the attack goes on */
	CU_ASSERT(later > at_end * 1.2);       /* and rises */
	CU_ASSERT(fabs(freq - 440.0 * pow(2.0, 7.0 / 12.0)) < 2.0);

	CU_ASSERT_TRUE_FATAL(render_slow(&held, slow_a, slow_b, 3.0, 3.5, &age_held));
	const double held_diff = worst_level_diff(&held, &ref, age_held + fade, held.n);
	printf("\n  a note held %.2f s (attack + decay %.1f s): after the fade, level against the new "
	       "patch's sustain %.2f dB at the worst\n",
	       (double)age_held / TEST_RATE, (SLOW_ATTACK_MS + SLOW_DECAY_MS) * 0.001, held_diff);
	CU_ASSERT(age_held > (size_t)((SLOW_ATTACK_MS + SLOW_DECAY_MS) * 0.001 * TEST_RATE));
	CU_ASSERT(held_diff < 0.5);
	rec_free(&ref);
	rec_free(&got);
	rec_free(&held);
}

/* ---- 4. A rebuild of the same patch is inaudible ----------------------- */

/* A slow pad: a re-struck note would take 400 ms to come back, and its
 * LFO and oscillators restarted would interfere with the old ones. */
static const char* const pad_patch = "patch \"Slow Pad\"\n"
                                     "create env adsr\ncreate wob lfo\ncreate a saw\ncreate b sine\n"
                                     "create mx mix\ncreate vcf ladder\ncreate amp vca\n"
                                     "connect a mx.in1\nconnect b mx.in2\nset b.pitch 12\n"
                                     "connect mx vcf\nset vcf.cutoff 1500\nconnect wob vcf.cutoff 400\n"
                                     "connect vcf amp\nconnect env amp.gain\n"
                                     "set env.attack 400\nset env.decay 300\nset env.sustain 0.8\n"
                                     "set env.release 300\nout amp\n";

/* The pad in stereo: its notes placed by key and at random, through a
 * master drive (two channels of state, both taken over at a rebuild). */
static const char* const stereo_pad_patch =
        "patch \"Slow Stereo Pad\"\n"
        "create env adsr\ncreate wob lfo\ncreate a saw\ncreate b sine\n"
        "create mx mix\ncreate vcf ladder\ncreate amp vca\ncreate p pan\ncreate fx drive master\n"
        "connect a mx.in1\nconnect b mx.in2\nset b.pitch 12\n"
        "connect mx vcf\nset vcf.cutoff 1500\nconnect wob vcf.cutoff 400\n"
        "connect vcf amp\nconnect env amp.gain\nconnect amp fx\nconnect wob p.pos 0.2\n"
        "set env.attack 400\nset env.decay 300\nset env.sustain 0.8\n"
        "set env.release 300\nset p.key 0.6\nset p.random 0.5\nset fx.gain 6\npan p\nout fx\n";

/* RMS of one channel (0 left, 1 right) over [from, from + n). */
static double
level_side(const Rec* r, int side, size_t from, size_t n)
{
	const float* x = side ? r->r : r->l;
	double       s = 0.0;
	for (size_t i = from; i < from + n && i < r->n; ++i) {
		s += (double)x[i] * x[i];
	}
	return n ? sqrt(s / (double)n) : 0.0;
}

/* The chord held on the pad for 1 s, then (when `change`) a swap to the
 * same patch, and 0.5 s more. Returns the recording from the chord on. */
static bool
render_same_patch(const char* patch, Rec* out, int change, size_t* swap_at)
{
	Host* h = new_host();
	if (!h) {
		return false;
	}
	host_set_control(h, "polyphony", 16.0f);
	Rec r;
	rec_init(&r, 48000 * 4);
	bool ok = swap_text(h, &r, patch);
	host_note_on(h, 0, 60, 100);
	host_note_on(h, 0, 67, 90);
	host_note_on(h, 0, 76, 80);
	const size_t t0 = r.n;
	run_for(h, &r, 1.0);
	if (change == 1) {
		const float was = host_get_control(h, "active_slot");
		host_set_control(h, "polyphony", 12.0f);
		ok = ok && wait_swap(h, &r, was);
	} else if (change == 2) {
		ok = ok && swap_text(h, &r, patch);
	}
	*swap_at = change ? fade_start(h) - t0 : 0;
	while (r.n < t0 + (size_t)(2.0 * TEST_RATE)) {
		run_block(h, &r);
	}
	rec_init(out, r.n - t0);
	memcpy(out->l, r.l + t0, (r.n - t0) * sizeof(float));
	memcpy(out->r, r.r + t0, (r.n - t0) * sizeof(float));
	out->n = r.n - t0;
	rec_free(&r);
	host_free(h);
	return ok;
}

/* The rebuilt render against one without the swap, 5 ms window by window
 * from 50 ms before the swap to 200 ms after it, each channel apart:
 * within SAME_TOL_DB, sample by sample within 1e-5 of the peak (a state
 * not taken over, such as a master module's right channel, shows), and
 * the click metric under the swap bound. */
static void
check_same_patch(const char* patch, const char* label, int change)
{
	Rec    ref, got;
	size_t none, at;
	CU_ASSERT_TRUE_FATAL(render_same_patch(patch, &ref, 0, &none));
	CU_ASSERT_TRUE_FATAL(render_same_patch(patch, &got, change, &at));
	CU_ASSERT_FATAL(at > 2400 && at + 9600 + WINDOW < got.n);
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = at - 2400; i + WINDOW <= at + 9600; i += 48) {
		for (int side = 0; side < 2; ++side) {
			const double d = db(level_side(&got, side, i, WINDOW)) - db(level_side(&ref, side, i, WINDOW));
			lo             = d < lo ? d : lo;
			hi             = d > hi ? d : hi;
		}
	}
	double diff = 0.0, peak = 0.0; /* sample by sample, each channel */
	for (size_t i = at - 2400; i < at + 9600; ++i) {
		diff = fmax(diff, fmax(fabs((double)got.l[i] - ref.l[i]), fabs((double)got.r[i] - ref.r[i])));
		peak = fmax(peak, fmax(fabs((double)ref.l[i]), fabs((double)ref.r[i])));
	}
	printf("\n  %s: largest sample difference from no swap %.1e of the peak", label, diff / peak);
	const double click = fmax(click_metric_around(got.l, got.n, at, 1440 + 960, 12000),
	                          click_metric_around(got.r, got.n, at, 1440 + 960, 12000));
	printf("\n  %s under a held pad chord: level %+.2f .. %+.2f dB against no swap, 5 ms windows; "
	       "click metric %.3f (bound %.2f)\n",
	       label, lo, hi, click, CLICK_BOUND_SWAP);
	CU_ASSERT(lo > -SAME_TOL_DB && hi < SAME_TOL_DB);
	CU_ASSERT(click < CLICK_BOUND_SWAP);
	CU_ASSERT(diff < 1e-5 * peak); /* the same samples, but for the fade's rounding (1e-7 here) */
	rec_free(&ref);
	rec_free(&got);
}

static void
test_polyphony_change_inaudible(void)
{
	check_same_patch(pad_patch, "polyphony 16 -> 12", 1);
}

static void
test_same_text_inaudible(void)
{
	check_same_patch(pad_patch, "the same text again", 2);
}

static void
test_stereo_rebuild_inaudible(void)
{
	check_same_patch(stereo_pad_patch, "stereo pad, polyphony 16 -> 12", 1);
}

int
suite_handover(void)
{
	CU_pSuite s = CU_add_suite("handover", NULL, NULL);
	return !s || !CU_add_test(s, "a note held by the pedal sounds through a swap", test_pedal_note_survives_swap) ||
	       !CU_add_test(s, "a held chord morphs across a sample of pairs of factory patches", test_factory_pairs_morph) ||
	       !CU_add_test(s, "a held note enters the new patch where its old voice was", test_held_note_keeps_its_stage) ||
	       !CU_add_test(s, "a polyphony change is inaudible", test_polyphony_change_inaudible) ||
	       !CU_add_test(s, "the same text again is inaudible", test_same_text_inaudible) ||
	       !CU_add_test(s, "a stereo patch's rebuild is inaudible on each side", test_stereo_rebuild_inaudible);
}
