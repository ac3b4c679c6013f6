/* SPDX-License-Identifier: ISC
 *
 * Unison through the real bundle (the `unison` statement, src/voices.c):
 * a 7-voice saw stack spread by note.unison over the pan has a left/right
 * correlation well below 1 while the same patch without spread is exactly
 * mono (L == R, bit for bit), and the stack is about as loud as one voice
 * (1/sqrt(7) each); an 8-note chord of 7-voice stacks sounds whole at the
 * default polyphony (16 notes: none stolen); stealing stacks, a note off
 * of a stack and swaps to and from a unison patch under held notes stay
 * within the click bounds (tools/click.h); examples/unison-pad.chronus
 * plays in tune and wide.
 */
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"
#include "click.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B          256u
#define PATCH_TEXT CHRONUS_URI "#patchText"
#define PI2 6.28318530717958647692

/* A saw stack with an envelope; `extra` adds statements. */
static void
saw_stack(char* text, size_t cap, const char* extra)
{
	snprintf(text, cap,
	         "create osc saw\ncreate env adsr\ncreate amp vca\ncreate p pan\n"
	         "set osc.start random\nconnect osc amp\nconnect env amp.gain 0.3\n"
	         "set env.attack 5\nset env.release 30\nconnect note.unison p.index\npan p\n%sout amp\n",
	         extra);
}

static Host*
host_on(const char* text)
{
	Host* h = test_host(HOST_WORKER_THREAD, B);
	if (h && !test_load_patch(h, text)) {
		host_free(h);
		return NULL;
	}
	return h;
}

static void
render_lr(Host* h, float* l, float* r, size_t n)
{
	for (size_t pos = 0; pos < n; pos += B) {
		host_run(h, (uint32_t)(n - pos < B ? n - pos : B), l + pos, r + pos);
	}
}

static double
correlation(const float* l, const float* r, size_t n)
{
	double lr = 0.0, ll = 0.0, rr = 0.0;
	for (size_t i = 0; i < n; ++i) {
		lr += (double)l[i] * r[i];
		ll += (double)l[i] * l[i];
		rr += (double)r[i] * r[i];
	}
	return lr / sqrt(ll * rr);
}

/* A3 held 1.5 s on `unison 7 25` with the pan spread 0.8 by note.unison,
 * then with spread 0; and the plain patch (no unison) for the level. */
static void
test_spread_correlation(void)
{
	enum { N = 72000, FROM = 24000 };
	char         text[1024];
	const char*  extras[3] = {"unison 7 25\nset p.spread 0.8\n", "unison 7 25\nset p.spread 0\n", ""};
	float*       l[3];
	float*       r[3];
	for (unsigned k = 0; k < 3; ++k) {
		saw_stack(text, sizeof text, extras[k]);
		Host* h = host_on(text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		l[k] = calloc(N, sizeof(float));
		r[k] = calloc(N, sizeof(float));
		host_note_on(h, 0, 57, 100);
		render_lr(h, l[k], r[k], N);
		host_free(h);
		CU_ASSERT(test_all_finite(l[k], N) && test_all_finite(r[k], N));
	}
	const double corr_spread = correlation(l[0] + FROM, r[0] + FROM, N - FROM);
	const double corr_centre = correlation(l[1] + FROM, r[1] + FROM, N - FROM);
	const bool   mono        = !memcmp(l[1], r[1], N * sizeof(float));
	const double stack_db    = 20.0 * log10(test_rms(l[1] + FROM, N - FROM) / test_rms(l[2] + FROM, N - FROM));
	printf("\n  unison 7 25, A3: L/R correlation %.3f spread 0.8 by note.unison, %.6f unspread (L %s R); "
	       "stack RMS %+.2f dB against one voice\n",
	       corr_spread, corr_centre, mono ? "==" : "!=", stack_db);
	CU_ASSERT(corr_spread < 0.8);
	CU_ASSERT(mono);
	CU_ASSERT(test_rms(l[1] + FROM, N - FROM) > 0.02);
	CU_ASSERT(fabs(stack_db) < 2.0); /* 1/sqrt(7) per voice: the stack about one voice's level */
	for (unsigned k = 0; k < 3; ++k) {
		free(l[k]);
		free(r[k]);
	}
}

/* Amplitude of the component at f over x[at, at + len) (Hann window). */
static double
amp_at(const float* x, size_t at, size_t len, double f)
{
	double a = 0.0, b = 0.0;
	for (size_t k = 0; k < len; ++k) {
		const double w  = 0.5 - 0.5 * cos(PI2 * ((double)k + 0.5) / (double)len);
		const double ph = PI2 * f * (double)k / TEST_RATE;
		a += w * x[at + k] * cos(ph);
		b -= w * x[at + k] * sin(ph);
	}
	return 2.0 * hypot(a, b) / (0.5 * (double)len);
}

/* Eight sine stacks (unison 7, no detune, every voice from phase 0: each
 * stack is one sine at sqrt(7) times a voice's level, steady) struck 50 ms
 * apart at the default polyphony (16 notes): 1.5 s later every note still
 * sounds at that level, within 0.5 dB (a polyphony counting voices would
 * have kept two notes; a steal of part of a stack would lower its note). */
static void
test_chord_of_stacks(void)
{
	static const char* text = "create osc sine\ncreate env adsr\ncreate amp vca\nconnect osc amp\n"
	                          "connect env amp.gain 0.2\nset env.sustain 1\nunison 7 0\nout amp\n";
	static const uint8_t notes[8] = {48, 52, 55, 59, 62, 65, 69, 72};
	enum { N = 96000 };
	Host* h = test_probe_host(text); /* the limiter off: the chord's own level */
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(host_get_control(h, "polyphony"), 16.0f);
	float* y = calloc(N, sizeof(float));
	for (unsigned k = 0; k < 8; ++k) {
		host_note_on(h, 0, notes[k], 100);
		test_render_stereo(h, y + k * 2400, 2400, B);
	}
	test_render_stereo(h, y + 8 * 2400, N - 8 * 2400, B);
	double       lo = INFINITY, hi = -INFINITY;
	const double want = 20.0 * log10(0.2 * sqrt(7.0)); /* sine level 1, sustain 1 */
	printf("\n  8 notes of unison 7 at polyphony 16, each note's level (dB, %.2f expected):", want);
	for (unsigned k = 0; k < 8; ++k) {
		const double f = 440.0 * exp2((notes[k] - 69) / 12.0);
		const double a = 20.0 * log10(amp_at(y, N - 24000, 24000, f) + 1e-30);
		printf(" %.1f", a);
		lo = fmin(lo, a);
		hi = fmax(hi, a);
	}
	printf("\n");
	CU_ASSERT(fabs(lo - want) < 0.5 && fabs(hi - want) < 0.5);
	free(y);
	host_free(h);
}

/* Stacks of three sines (no detune: a steady level) at polyphony 4: 40
 * notes 2 ms apart each steal the oldest stack, fading all its voices;
 * then, on a patch with no envelope, a note off fades its whole stack
 * over the declick time. */
static void
test_steal_and_release_clicks(void)
{
	static const char* text = "create osc sine\ncreate env adsr\ncreate amp vca\nconnect osc amp\n"
	                          "connect env amp.gain\nset osc.level 0.15\nset env.attack 5\nset env.decay 10\n"
	                          "set env.sustain 1\nset env.release 30\nunison 3 0\nout amp\n";
	enum { N = 48000 };
	Host* h = host_on(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_set_control(h, "polyphony", 4.0f);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, text)); /* rebuilt at polyphony 4 */
	float* y = calloc(N, sizeof(float));
	for (uint8_t n = 60; n < 64; ++n) {
		host_note_on(h, 0, n, 100);
	}
	test_render_stereo(h, y, 9600, 96);
	for (unsigned k = 0; k < 40; ++k) {
		host_note_on(h, 0, (uint8_t)(64 + k), 100);
		test_render_stereo(h, y + 9600 + k * 96, 96, 96);
	}
	const size_t end = 9600 + 40 * 96;
	test_render_stereo(h, y + end, N - end, 96);
	const double steal = click_metric_around(y, N, 9600, end - 9600 + 480, 4800);
	CU_ASSERT(test_all_finite(y, N));
	CU_ASSERT(test_rms(y + end + 4800, 4800) > 0.05);
	host_free(h);

	static const char* bare = "create osc sine\nset osc.level 0.3\nunison 3 0\nout osc\n";
	h = host_on(bare);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_note_on(h, 0, 81, 100);
	test_render_stereo(h, y, 24000, B);
	host_note_off(h, 0, 81);
	test_render_stereo(h, y + 24000, N - 24000, B);
	const double off = click_metric_around(y, N, 24000, 480, 4800);
	CU_ASSERT(test_peak(y + 24000 + 480, N - 24000 - 480) == 0.0f); /* the whole stack gone */
	printf("\n  unison 3, polyphony 4: 40 stack steals, click metric %.3f (bound %.2f); a stack's note off "
	       "with no envelope %.3f (bound %.2f)\n",
	       steal, CLICK_BOUND_STEAL, off, CLICK_BOUND_PARAM_JUMP);
	CU_ASSERT(steal <= CLICK_BOUND_STEAL);
	CU_ASSERT(off <= CLICK_BOUND_PARAM_JUMP);
	free(y);
	host_free(h);
}

/* Renders n frames with `text` requested at `at`, letting the worker
 * finish after each block until the plugin answers (test_swap.c's way). */
static void
render_with_request(Host* h, float* y, size_t n, size_t at, const char* text)
{
	unsigned before  = host_status_count(h);
	bool     waiting = false;
	for (size_t pos = 0; pos < n; pos += B) {
		const uint32_t m = (uint32_t)(n - pos < B ? n - pos : B);
		if (pos <= at && at < pos + m) {
			host_patch_set(h, (uint32_t)(at - pos), PATCH_TEXT, false, text, (uint32_t)strlen(text));
			before  = host_status_count(h);
			waiting = true;
		}
		test_run_stereo(h, m, y + pos);
		waiting = waiting && host_status_count(h) <= before;
		if (waiting) {
			CU_ASSERT_TRUE(host_settle(h));
		}
	}
}

/* A held chord swapped from a plain sine patch to a unison one (5 voices,
 * 8 cents: it beats, so the steady windows are 1 s, two beat periods) and
 * back: each swap's click metric within CLICK_BOUND_SWAP, the stack's
 * voices entering held (no new attack: the level right after the fade is
 * the steady one). */
static void
test_swap_with_held_stacks(void)
{
	static const char* plain = "patch \"P\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\nconnect osc amp\n"
	                           "connect env amp.gain\nset osc.level 0.3\nset env.attack 300\nset env.sustain 1\n"
	                           "out amp\n";
	static const char* stack = "patch \"U\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\nconnect osc amp\n"
	                           "connect env amp.gain\nset osc.level 0.3\nset env.attack 300\nset env.sustain 1\n"
	                           "set osc.start random\nunison 5 8\nout amp\n";
	enum { SEG = 3 * 48000, STEADY = 48000 };
	Host* h = host_on(plain);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_note_on(h, 0, 79, 110);
	host_note_on(h, 0, 67, 90);
	float* y = calloc(3 * SEG, sizeof(float));
	test_render_stereo(h, y, SEG, B);
	render_with_request(h, y + SEG, SEG, 0, stack);
	render_with_request(h, y + 2 * SEG, SEG, 0, plain);
	const double to   = click_metric_around(y, 3 * SEG, SEG, 4800 + 1440, STEADY);
	const double back = click_metric_around(y, 3 * SEG, 2 * SEG, 4800 + 1440, STEADY);
	/* Entering held: 10 ms after the swap's window, the unison chord is at
	 * its steady level already, not in a new 300 ms attack. */
	const double entered = test_rms(y + SEG + 6240, 4800), steady = test_rms(y + 2 * SEG - 48000, 48000);
	printf("\n  held chord, plain -> unison 5 8 -> plain: click metrics %.3f, %.3f (bound %.2f); unison level "
	       "right after the swap %.1f dB against its steady level\n",
	       to, back, CLICK_BOUND_SWAP, 20.0 * log10(entered / steady));
	CU_ASSERT(to <= CLICK_BOUND_SWAP);
	CU_ASSERT(back <= CLICK_BOUND_SWAP);
	CU_ASSERT(fabs(20.0 * log10(entered / steady)) < 3.0);
	CU_ASSERT(test_all_finite(y, 3 * SEG));
	const char* now = host_last_value(h, PATCH_TEXT);
	CU_ASSERT(now && strstr(now, "\"P\""));
	free(y);
	host_free(h);
}

/* A held chord (3 s, past a 2 s attack) swapped from a plain sine patch to
 * `unison 5 0` (five voices in phase: the stack is sqrt(5) times a voice,
 * steady, no beating): every voice of each note's stack enters held, at
 * its sustain level, so 100 to 200 ms after the request the chord is
 * within 0.5 dB of its level a second later (a voice struck again would
 * be in a new 2 s attack: 4 of 5 near silent, -12 dB). */
static void
test_held_stack_enters_held(void)
{
	static const char* plain = "patch \"P\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\nconnect osc amp\n"
	                           "connect env amp.gain\nset osc.level 0.2\nset env.attack 2000\nset env.sustain 1\n"
	                           "out amp\n";
	static const char* stack = "patch \"U\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\nconnect osc amp\n"
	                           "connect env amp.gain\nset osc.level 0.2\nset env.attack 2000\nset env.sustain 1\n"
	                           "unison 5 0\nout amp\n";
	enum { SEG = 3 * 48000, AFTER = 2 * 48000 };
	Host* h = host_on(plain);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_note_on(h, 0, 79, 110);
	host_note_on(h, 0, 67, 90);
	float* y = calloc(SEG + AFTER, sizeof(float));
	test_render_stereo(h, y, SEG, B);
	render_with_request(h, y + SEG, AFTER, 0, stack);
	const double entered = test_rms(y + SEG + 4800, 4800), later = test_rms(y + SEG + 48000, 24000);
	const double plain_level = test_rms(y + SEG - 24000, 24000);
	printf("\n  held chord into unison 5 0: %.2f dB 100 ms after the swap against 1 s later; the stack %.2f dB "
	       "over the plain patch (sqrt(5): %.2f)\n",
	       20.0 * log10(entered / later), 20.0 * log10(later / plain_level), 10.0 * log10(5.0));
	CU_ASSERT(fabs(20.0 * log10(entered / later)) < 0.5);
	CU_ASSERT(fabs(20.0 * log10(later / plain_level) - 10.0 * log10(5.0)) < 0.5);
	CU_ASSERT(test_all_finite(y, SEG + AFTER));
	free(y);
	host_free(h);
}

/* examples/unison-pad.chronus: A5 held 4 s. In tune: over 1.5..4 s (0.4 Hz
 * bins) its seven stack voices show as seven partials within 0.3 Hz of
 * 880 Hz * 2^(c/1200), c = -12, -8 .. +12 cents (2 Hz apart), and their
 * power-weighted centre is within 1 cent of the key; wide: left and right
 * correlate below 0.8. */
static void
test_unison_pad_example(void)
{
	const char* dir = getenv("CHRONUS_SOURCE_DIR");
	char        path[1024];
	snprintf(path, sizeof path, "%s/examples/unison-pad.chronus", dir && *dir ? dir : ".");
	FILE* f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char*        text = calloc(1, 1 << 16);
	const size_t len  = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	text[len] = '\0';
	Host* h   = host_on(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	enum { N = 4 * 48000, FROM = 72000 };
	float* l = calloc(N, sizeof(float));
	float* r = calloc(N, sizeof(float));
	host_note_on(h, 0, 81, 100);
	render_lr(h, l, r, N);
	double       wsum = 0.0, psum = 0.0, worst = 0.0;
	printf("\n  examples/unison-pad.chronus, A5: partials (Hz)");
	for (int c = -12; c <= 12; c += 4) {
		const double want = 880.0 * exp2(c / 1200.0);
		double       best = 0.0, best_f = want;
		for (double fq = want - 0.8; fq <= want + 0.8; fq += 0.02) {
			const double a = amp_at(l, FROM, N - FROM, fq) + amp_at(r, FROM, N - FROM, fq);
			if (a > best) {
				best   = a;
				best_f = fq;
			}
		}
		printf(" %.2f", best_f);
		worst = fmax(worst, fabs(best_f - want));
		wsum += best * best * best_f;
		psum += best * best;
	}
	const double cents = 1200.0 * log2(wsum / psum / 880.0);
	const double corr  = correlation(l + FROM, r + FROM, N - FROM);
	const double level = 20.0 * log10(test_rms(l + FROM, N - FROM));
	printf(", worst %.3f Hz off the plan; centre %+.3f cents; L/R correlation %.3f; held %.1f dBFS\n", worst,
	       cents, corr, level);
	CU_ASSERT(worst < 0.3);
	CU_ASSERT(fabs(cents) < 1.0);
	CU_ASSERT(corr < 0.8);
	CU_ASSERT(level > -30.0 && level < -6.0);
	CU_ASSERT(test_all_finite(l, N) && test_all_finite(r, N));
	free(l);
	free(r);
	free(text);
	host_free(h);
}

int
suite_unison(void)
{
	CU_pSuite s = CU_add_suite("unison", NULL, NULL);
	if (!s ||
	    !CU_add_test(s, "a spread stack is wide, an unspread one exactly mono", test_spread_correlation) ||
	    !CU_add_test(s, "8 notes of unison 7 sound whole at polyphony 16", test_chord_of_stacks) ||
	    !CU_add_test(s, "stack steals and a stack's note off do not click", test_steal_and_release_clicks) ||
	    !CU_add_test(s, "swaps to and from a unison patch under held notes", test_swap_with_held_stacks) ||
	    !CU_add_test(s, "a held note's whole stack enters held at a swap", test_held_stack_enters_held) ||
	    !CU_add_test(s, "examples/unison-pad.chronus is in tune and wide", test_unison_pad_example)) {
		return -1;
	}
	return 0;
}
