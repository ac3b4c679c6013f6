/* SPDX-License-Identifier: ISC
 *
 * Stereo through the real bundle: a patch with a `pan` statement places
 * each voice by the equal-power law, measured against the same patch
 * without `pan` (mono, whose channels are equal sample for sample): hard
 * left leaves the right channel exactly silent, a centred voice is the same
 * on both sides at sin(pi/4) of the mono level, any other position gives
 * sin((1 -/+ p) pi/4) of it on each side, within float rounding. Random per
 * note gives each note its own place, inside the law; key spread places
 * notes by their key (a stereo correlation figure is printed for a chord);
 * the master chain runs per channel (a master drive after a hard-left voice
 * leaves the right silent); a swap crossfades both channels, a held note
 * handed over from a mono patch to a hard-left one; the output limiter
 * puts one gain on both channels, so a limited chord keeps its place.
 */
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B 256u
#define QUARTER_PI 0.78539816339744830962

/* A sine voice with an envelope; `extra` adds statements (a pan). */
static void
voice_patch(char* text, size_t cap, const char* extra)
{
	snprintf(text, cap,
	         "create osc sine\n"
	         "create env adsr\n"
	         "create amp vca\n"
	         "connect osc amp\n"
	         "connect env amp.gain\n"
	         "set osc.level 0.4\n"
	         "set env.attack 5\n"
	         "set env.release 30\n"
	         "%s"
	         "out amp\n",
	         extra);
}

/* A fresh host playing `text`: notes[k] struck one after another, each
 * held `hold` frames and then released for `gap` frames; both channels
 * into left and right (n_notes * (hold + gap) frames). */
static bool
play_notes(const char* text, const uint8_t* notes, unsigned n_notes, unsigned hold, unsigned gap, float* left,
           float* right)
{
	Host* h = test_host(HOST_WORKER_INLINE, B);
	if (!h) {
		return false;
	}
	const bool loaded = test_load_patch(h, text);
	CU_ASSERT(loaded);
	size_t pos = 0;
	for (unsigned k = 0; k < n_notes && loaded; ++k) {
		host_note_on(h, 0, notes[k], 100);
		for (unsigned f = 0; f < hold; f += B, pos += B) {
			host_run(h, B, left + pos, right + pos);
		}
		host_note_off(h, 0, notes[k]);
		for (unsigned f = 0; f < gap; f += B, pos += B) {
			host_run(h, B, left + pos, right + pos);
		}
	}
	host_free(h);
	return loaded;
}

static double
rms_of(const float* x, size_t n)
{
	double s = 0.0;
	for (size_t i = 0; i < n; ++i) {
		s += (double)x[i] * x[i];
	}
	return sqrt(s / (double)(n ? n : 1));
}

/* Worst |y - g * m| over n frames, relative to the mono peak. */
static double
law_error(const float* y, const float* m, double g, size_t n)
{
	double worst = 0.0, peak = 0.0;
	for (size_t i = 0; i < n; ++i) {
		worst = fmax(worst, fabs((double)y[i] - g * m[i]));
		peak  = fmax(peak, fabs((double)m[i]));
	}
	return peak > 0.0 ? worst / peak : INFINITY;
}

/* pos -1, -0.5, 0, 0.3, 1 against the mono patch: the law, exact within
 * float rounding, and hard left/right silent on the other side. */
static void
test_pan_law(void)
{
	enum { HOLD = 24 * B, GAP = 16 * B, N = HOLD + GAP };
	static const uint8_t note[1] = {60};
	char                 text[1024];
	float*               ml = calloc(N, sizeof(float));
	float*               mr = calloc(N, sizeof(float));
	float*               l  = calloc(N, sizeof(float));
	float*               r  = calloc(N, sizeof(float));
	voice_patch(text, sizeof text, "");
	CU_ASSERT_FATAL(play_notes(text, note, 1, HOLD, GAP, ml, mr));
	CU_ASSERT(memcmp(ml, mr, N * sizeof(float)) == 0); /* mono: L == R, bit for bit */
	CU_ASSERT(test_peak(ml, N) > 0.1f);
	static const float positions[] = {-1.0f, -0.5f, 0.0f, 0.3f, 1.0f};
	printf("\n  pan law against the mono patch (worst |y - g m| / mono peak):");
	for (unsigned k = 0; k < sizeof positions / sizeof positions[0]; ++k) {
		const double p = positions[k];
		char         extra[128];
		snprintf(extra, sizeof extra, "create p pan\nset p.pos %g\npan p\n", p);
		voice_patch(text, sizeof text, extra);
		CU_ASSERT_FATAL(play_notes(text, note, 1, HOLD, GAP, l, r));
		const double gl = sin((1.0 - p) * QUARTER_PI), gr = sin((1.0 + p) * QUARTER_PI);
		const double el = law_error(l, ml, gl, N), er = law_error(r, ml, gr, N);
		printf("\n    pos %+.1f: left %.4f (%.1e) right %.4f (%.1e)", p, gl, el, gr, er);
		CU_ASSERT(el <= 1e-6 && er <= 1e-6);
		if (p == -1.0) {
			CU_ASSERT(test_peak(r, N) == 0.0f); /* the right side exactly silent */
			CU_ASSERT(test_peak(l, N) > 0.1f);
		} else if (p == 1.0) {
			CU_ASSERT(test_peak(l, N) == 0.0f);
			CU_ASSERT(test_peak(r, N) > 0.1f);
		} else if (p == 0.0) {
			CU_ASSERT(memcmp(l, r, N * sizeof(float)) == 0); /* centred: equal, bit for bit */
		}
	}
	printf("\n");
	free(ml);
	free(mr);
	free(l);
	free(r);
}

/* Random per note: eight strikes of one key land at different places,
 * each inside the law (left^2 + right^2 = mono^2) and within the range. */
static void
test_random_per_note(void)
{
	enum { HOLD = 16 * B, GAP = 16 * B, NOTES = 8, N = NOTES * (HOLD + GAP) };
	static const uint8_t notes[NOTES] = {60, 60, 60, 60, 60, 60, 60, 60};
	char                 text[1024];
	float*               ml = calloc(N, sizeof(float));
	float*               mr = calloc(N, sizeof(float));
	float*               l  = calloc(N, sizeof(float));
	float*               r  = calloc(N, sizeof(float));
	voice_patch(text, sizeof text, "");
	CU_ASSERT_FATAL(play_notes(text, notes, NOTES, HOLD, GAP, ml, mr));
	voice_patch(text, sizeof text, "create p pan\nset p.random 0.8\npan p\n");
	CU_ASSERT_FATAL(play_notes(text, notes, NOTES, HOLD, GAP, l, r));
	double worst = 0.0, lo = 1.0, hi = -1.0;
	printf("\n  random per note (random 0.8), positions:");
	for (unsigned k = 0; k < NOTES; ++k) {
		const size_t at = (size_t)k * (HOLD + GAP) + HOLD / 2; /* the held part */
		const double a = rms_of(l + at, HOLD / 2), b = rms_of(r + at, HOLD / 2), m = rms_of(ml + at, HOLD / 2);
		const double p = atan2(b, a) / QUARTER_PI - 1.0;
		printf(" %+.3f", p);
		CU_ASSERT(p >= -0.8 - 1e-4 && p <= 0.8 + 1e-4);
		worst = fmax(worst, fabs((a * a + b * b) / (m * m) - 1.0));
		lo    = fmin(lo, p);
		hi    = fmax(hi, p);
	}
	printf("\n  spread of the eight %.3f; worst |(L^2 + R^2) / mono^2 - 1| %.1e\n", hi - lo, worst);
	CU_ASSERT(hi - lo > 0.4); /* they differ */
	CU_ASSERT(worst < 1e-5);  /* equal power */
	free(ml);
	free(mr);
	free(l);
	free(r);
}

/* Pearson correlation of the two channels. */
static double
correlation(const float* l, const float* r, size_t n)
{
	double sl = 0.0, sr = 0.0, sll = 0.0, srr = 0.0, slr = 0.0;
	for (size_t i = 0; i < n; ++i) {
		sl += l[i];
		sr += r[i];
		sll += (double)l[i] * l[i];
		srr += (double)r[i] * r[i];
		slr += (double)l[i] * r[i];
	}
	const double cl = sll - sl * sl / (double)n, cr = srr - sr * sr / (double)n, c = slr - sl * sr / (double)n;
	return cl > 0.0 && cr > 0.0 ? c / sqrt(cl * cr) : 1.0;
}

/* Spread by key: single notes sit where key and center put them, and a
 * chord over four octaves spreads (its correlation is printed, and is the
 * one the law predicts for five equal sines); the mono chord's is 1. */
static void
test_key_spread(void)
{
	enum { HOLD = 48 * B, GAP = 16 * B };
	static const uint8_t notes[3] = {48, 72, 84}; /* p = -0.5, +0.5, +1 */
	const size_t         n        = 3 * (HOLD + GAP);
	char                 text[1024];
	float*               ml = calloc(n, sizeof(float));
	float*               mr = calloc(n, sizeof(float));
	float*               l  = calloc(n, sizeof(float));
	float*               r  = calloc(n, sizeof(float));
	const char*          key = "create p pan\nset p.key 0.5\nset p.center 60\npan p\n";
	voice_patch(text, sizeof text, "");
	CU_ASSERT_FATAL(play_notes(text, notes, 3, HOLD, GAP, ml, mr));
	voice_patch(text, sizeof text, key);
	CU_ASSERT_FATAL(play_notes(text, notes, 3, HOLD, GAP, l, r));
	printf("\n  key spread 0.5 per octave around C4:");
	for (unsigned k = 0; k < 3; ++k) {
		const size_t off = (size_t)k * (HOLD + GAP);
		const double p   = 0.5 * ((double)notes[k] - 60.0) / 12.0;
		const double el  = law_error(l + off, ml + off, sin((1.0 - p) * QUARTER_PI), HOLD + GAP);
		const double er  = law_error(r + off, ml + off, sin((1.0 + p) * QUARTER_PI), HOLD + GAP);
		printf(" note %u at %+.2f (%.1e, %.1e)", notes[k], p, el, er);
		CU_ASSERT(el <= 1e-6 && er <= 1e-6);
	}
	CU_ASSERT(test_peak(l + 2 * (HOLD + GAP), HOLD + GAP) == 0.0f); /* C6: hard right */

	/* A chord: C2 C3 C4 C5 C6 at -1, -0.5, 0, +0.5, +1. */
	static const uint8_t chord[5] = {36, 48, 60, 72, 84};
	Host*                h[2]     = {test_host(HOST_WORKER_INLINE, B), test_host(HOST_WORKER_INLINE, B)};
	CU_ASSERT_FATAL(h[0] && h[1]);
	voice_patch(text, sizeof text, "");
	CU_ASSERT_FATAL(test_load_patch(h[0], text));
	voice_patch(text, sizeof text, key);
	CU_ASSERT_FATAL(test_load_patch(h[1], text));
	const size_t frames = 96 * B;
	double       corr[2];
	for (unsigned k = 0; k < 2; ++k) {
		for (unsigned c = 0; c < 5; ++c) {
			host_note_on(h[k], 0, chord[c], 100);
		}
		for (size_t f = 0; f < frames; f += B) {
			host_run(h[k], B, l + f, r + f);
		}
		const size_t skip = 8 * B; /* past the attack */
		corr[k]           = correlation(l + skip, r + skip, frames - skip);
		host_free(h[k]);
	}
	double num = 0.0, ll = 0.0, rr = 0.0; /* the law's figure for five equal, unrelated sines */
	for (unsigned c = 0; c < 5; ++c) {
		const double p = 0.5 * ((double)chord[c] - 60.0) / 12.0;
		const double a = sin((1.0 - p) * QUARTER_PI), b = sin((1.0 + p) * QUARTER_PI);
		num += a * b;
		ll += a * a;
		rr += b * b;
	}
	const double predicted = num / sqrt(ll * rr);
	printf("\n  stereo correlation of a C2..C6 chord spread by key: %.3f (law %.3f); mono: %.3f\n", corr[1],
	       predicted, corr[0]);
	CU_ASSERT(corr[0] == 1.0 || fabs(corr[0] - 1.0) < 1e-12);
	CU_ASSERT(fabs(corr[1] - predicted) < 0.05);
	free(ml);
	free(mr);
	free(l);
	free(r);
}

/* The master chain runs once per channel with its own state: a hard-left
 * voice through a master drive leaves the right channel silent, and the
 * left is what the drive makes of the voice. */
static void
test_master_per_channel(void)
{
	const char* text = "create osc saw\n"
	                   "create env adsr\n"
	                   "create amp vca\n"
	                   "create p pan\n"
	                   "create fx drive master\n"
	                   "connect osc amp\n"
	                   "connect env amp.gain\n"
	                   "connect amp fx\n"
	                   "set osc.level 0.4\n"
	                   "set p.pos -1\n"
	                   "set fx.gain 20\n"
	                   "pan p\n"
	                   "out fx\n";
	static const uint8_t note[1] = {57};
	enum { HOLD = 32 * B, GAP = 16 * B, N = HOLD + GAP };
	float* l = calloc(N, sizeof(float));
	float* r = calloc(N, sizeof(float));
	CU_ASSERT_FATAL(play_notes(text, note, 1, HOLD, GAP, l, r));
	printf("\n  hard-left saw through a master drive: left peak %.3f, right peak %g\n", (double)test_peak(l, N),
	       (double)test_peak(r, N));
	CU_ASSERT(test_peak(l, N) > 0.1f);
	CU_ASSERT(test_peak(r, N) == 0.0f);
	CU_ASSERT(test_all_finite(l, N) && test_all_finite(r, N));
	free(l);
	free(r);
}

/* A held note handed over at a swap from a mono patch to a hard-left one:
 * before, both channels equal; during the fade the right falls and the
 * left keeps sounding; after it, the right is exactly silent. */
static void
test_swap_both_channels(void)
{
	char mono[1024], left[1024];
	voice_patch(mono, sizeof mono, "");
	voice_patch(left, sizeof left, "create p pan\nset p.pos -1\npan p\n");
	Host* h = test_host(HOST_WORKER_INLINE, B);
	CU_ASSERT_FATAL(h != NULL);
	CU_ASSERT_FATAL(test_load_patch(h, mono));
	host_note_on(h, 0, 60, 100);
	float l[B], r[B];
	for (unsigned b = 0; b < 16; ++b) {
		host_run(h, B, l, r);
	}
	CU_ASSERT(memcmp(l, r, sizeof l) == 0);
	const double before = rms_of(l, B);
	CU_ASSERT_FATAL(test_load_patch(h, left)); /* runs through the fade */
	host_run(h, B, l, r);
	const double after_l = rms_of(l, B), after_r = rms_of(r, B);
	printf("\n  held note, mono -> hard left: left %.1f dB -> %.1f dB, right -> %s\n", 20.0 * log10(before),
	       20.0 * log10(after_l), after_r == 0.0 ? "silent" : "not silent");
	CU_ASSERT(after_r == 0.0);
	CU_ASSERT(fabs(after_l - before) / before < 0.05); /* hard left: the full voice on the left */
	host_free(h);
}

/* The output limiter links the channels: a loud chord placed at -0.5
 * keeps right = (gr / gl) left sample for sample while the limiter bends
 * it under -1 dBFS (and without the limiter the chord does go over). */
static void
test_limiter_keeps_the_image(void)
{
	const char* text = "create osc saw\n"
	                   "create env adsr\n"
	                   "create amp vca\n"
	                   "create p pan\n"
	                   "connect osc amp\n"
	                   "connect env amp.gain\n"
	                   "set p.pos -0.5\n"
	                   "pan p\n"
	                   "out amp\n";
	static const uint8_t chord[8] = {48, 52, 55, 60, 64, 67, 72, 76};
	const double         gl = sin(1.5 * QUARTER_PI), gr = sin(0.5 * QUARTER_PI);
	enum { N = 64 * B };
	float* l = calloc(N, sizeof(float));
	float* r = calloc(N, sizeof(float));
	float  peak[2], worst = 0.0f;
	for (unsigned on = 0; on < 2; ++on) {
		Host* h = test_host(HOST_WORKER_INLINE, B);
		CU_ASSERT_FATAL(h != NULL);
		CU_ASSERT_FATAL(test_load_patch(h, text));
		host_set_control(h, "limiter", (float)on);
		for (unsigned b = 0; b < 8; ++b) { /* the switch ramp */
			host_run(h, B, l, r);
		}
		for (unsigned c = 0; c < 8; ++c) {
			host_note_on(h, 0, chord[c], 127);
		}
		for (size_t f = 0; f < N; f += B) {
			host_run(h, B, l + f, r + f);
		}
		peak[on] = fmaxf(test_peak(l, N), test_peak(r, N));
		for (size_t i = 0; on && i < N; ++i) {
			worst = fmaxf(worst, fabsf((float)(gl * r[i] - gr * l[i])));
		}
		host_free(h);
	}
	printf("\n  chord at -0.5: peak %+.1f dBFS limiter off, %+.1f dBFS on; worst |gl R - gr L| on: %.1e\n",
	       20.0 * log10(peak[0]), 20.0 * log10(peak[1]), (double)worst);
	CU_ASSERT(peak[0] > 1.0f);                        /* the limiter had work */
	CU_ASSERT(peak[1] < powf(10.0f, -1.0f / 20.0f)); /* and did it */
	CU_ASSERT(worst < 1e-5f);                         /* with one gain on both sides */
	free(l);
	free(r);
}

int
suite_stereo(void)
{
	CU_pSuite s = CU_add_suite("stereo", NULL, NULL);
	return !s || !CU_add_test(s, "pan law exact against the mono patch", test_pan_law) ||
	       !CU_add_test(s, "random per note: different places, equal power", test_random_per_note) ||
	       !CU_add_test(s, "spread by key: positions and a chord's correlation", test_key_spread) ||
	       !CU_add_test(s, "master modules run once per channel", test_master_per_channel) ||
	       !CU_add_test(s, "a swap crossfades both channels", test_swap_both_channels) ||
	       !CU_add_test(s, "the output limiter keeps the image", test_limiter_keeps_the_image);
}
