/* SPDX-License-Identifier: ISC
 *
 * The examples of issue 13 rendered through the real plugin and checked
 * from the audio: examples/pluck.chronus (a Karplus-Strong string) plays
 * in tune within 1 cent from A1 to A6 and decays (its fundamental falls
 * at the patch's decay, 3 s for 60 dB, within 15 %), and a released
 * note rings out and ends; examples/drum-kit.chronus (one patch, a `zone`
 * per drum) plays on each key its own drum, told apart by where its energy
 * lies and how long it lasts, and nothing on a key of no zone;
 * examples/supersaw-pad.chronus (seven saws through the chorus and the
 * reverb) is in tune, wide, and rings out; examples/pingpong-echo.chronus
 * repeats left, right, left a dotted eighth of the host's tempo apart.
 */
#define _GNU_SOURCE
#include "helpers.h"
#include "chronus_config.h"
#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define PI2 6.28318530717958647692

static char*
read_example(const char* name)
{
	const char* dir = getenv("CHRONUS_SOURCE_DIR");
	char        path[1024];
	snprintf(path, sizeof(path), "%s/examples/%s", dir && *dir ? dir : ".", name);
	FILE* f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	char*        text = calloc(1, 1 << 16);
	const size_t n    = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

/* Hann-windowed DFT at f of x[from, from + len), in absolute time. */
static void
dft_at(const float* x, size_t from, size_t len, double f, double* re, double* im)
{
	double a = 0.0, b = 0.0;
	for (size_t k = 0; k < len; ++k) {
		const double w  = 0.5 - 0.5 * cos(PI2 * ((double)k + 0.5) / (double)len);
		const double ph = PI2 * f * (double)(from + k) / TEST_RATE;
		a += w * x[from + k] * cos(ph);
		b -= w * x[from + k] * sin(ph);
	}
	*re = a;
	*im = b;
}

/* The component near `guess` between windows at `at` and `at + gap`:
 * its frequency from the phase it gains (absolute-time DFTs keep the
 * phase of a component exactly at `guess`). */
static double
freq_step(const float* x, size_t at, size_t gap, double guess)
{
	const size_t len = (size_t)(8.0 * TEST_RATE / guess);
	double       r1, i1, r2, i2;
	dft_at(x, at, len, guess, &r1, &i1);
	dft_at(x, at + gap, len, guess, &r2, &i2);
	return guess + remainder(atan2(i2, r2) - atan2(i1, r1), PI2) / (PI2 * (double)gap / TEST_RATE);
}

/* Amplitude of the component at f over x[at, at + len) (Hann window). */
static double
amp_at_len(const float* x, size_t at, size_t len, double f)
{
	double re, im;
	dft_at(x, at, len, f, &re, &im);
	return 2.0 * hypot(re, im) / (0.5 * (double)len);
}

static double
amp_at(const float* x, size_t at, double f)
{
	const size_t len = (size_t)(8.0 * TEST_RATE / f);
	double       re, im;
	dft_at(x, at, len, f, &re, &im);
	return 2.0 * hypot(re, im) / (0.5 * (double)len);
}

static void
test_pluck_example_in_tune_and_decays(void)
{
	char* text = read_example("pluck.chronus");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	static const int notes[] = {33, 45, 57, 69, 81, 93}; /* A1 .. A6 */
	enum { N = 96000 };
	float* y     = calloc(N, sizeof(float));
	double worst = 0.0;
	printf("\n  examples/pluck.chronus through the plugin, A1..A6:");
	for (unsigned k = 0; k < 6; ++k) {
		Host* h = test_host(HOST_WORKER_THREAD, 256);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_TRUE_FATAL(test_load_patch(h, text));
		host_note_on(h, 0, (uint8_t)notes[k], 100);
		test_render_stereo(h, y, N, 256);
		const double f0   = 440.0 * exp2((notes[k] - 69) / 12.0);
		const size_t from = 4800, len = (size_t)(8.0 * TEST_RATE / f0);
		const double fc   = freq_step(y, from, len / 2, f0);
		const double f    = freq_step(y, from, N - from - len - 1, fc);
		const double c    = 1200.0 * log2(f / f0);
		/* The fundamental's fall from 0.1 s to 1.1 s: 20 dB at 3 s per 60 dB
		 * (the patch's decay, macro 2 at its middle: sqrt(0.75 * 12) s). */
		const double drop = 20.0 * log10(amp_at(y, 4800, f0) / amp_at(y, 52800, f0));
		printf("\n    A%d: %+.4f cents, fundamental falls %.1f dB in 1 s, peak %.3f", k + 1, c, drop,
		       (double)test_peak(y, N));
		CU_ASSERT(fabs(c) <= 1.0);
		CU_ASSERT(test_all_finite(y, N));
		CU_ASSERT(test_peak(y, N) > 0.05f);
		CU_ASSERT(fabs(drop - 20.0) < 3.0);
		worst = fmax(worst, fabs(c));
		/* Released, it rings out (release 0.8 s: -100 dB in 1.33 s) and
		 * the voice ends: silence by 1.5 s. */
		host_note_off(h, 0, (uint8_t)notes[k]);
		test_render_stereo(h, y, N, 256);
		CU_ASSERT(test_peak(y, 4800) > 0.0f);
		CU_ASSERT(test_peak(y + 3 * N / 4, N / 4) == 0.0f);
		host_free(h);
	}
	printf("\n  worst %.4f cents (bound 1)\n", worst);
	free(y);
	free(text);
}

/* One hit: the fraction of its energy below 150 Hz (a one-pole split),
 * its zero crossings per second in its first 40 ms (brightness, while
 * even a closed hat sounds), its peak and its RMS in the window
 * 150..300 ms after the strike (length). */
typedef struct {
	double low, zc, peak, tail_db;
} Hit;

#define ZC_FRAMES 1920u /* 40 ms */

static Hit
analyse_hit(const float* y, size_t n)
{
	Hit          h  = {0};
	const double a  = 1.0 - exp(-PI2 * 150.0 / TEST_RATE);
	double       lp = 0.0, e_low = 0.0, e_all = 0.0, tail = 0.0;
	unsigned     crossings = 0;
	for (size_t i = 0; i < n; ++i) {
		lp += a * (y[i] - lp);
		e_low += lp * lp;
		e_all += (double)y[i] * y[i];
		crossings += i && i < ZC_FRAMES && (y[i - 1] < 0.0f) != (y[i] < 0.0f);
		h.peak = fmax(h.peak, fabs(y[i]));
	}
	const size_t t0 = (size_t)(0.15 * TEST_RATE), t1 = (size_t)(0.30 * TEST_RATE);
	for (size_t i = t0; i < t1 && i < n; ++i) {
		tail += (double)y[i] * y[i];
	}
	h.low     = e_all > 0.0 ? e_low / e_all : 0.0;
	h.zc      = crossings / ((double)ZC_FRAMES / TEST_RATE);
	h.tail_db = 10.0 * log10(tail / (double)(t1 - t0) + 1e-30);
	return h;
}

static void
test_drum_kit_keys(void)
{
	char* text = read_example("drum-kit.chronus");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	enum { N = 24000 }; /* 0.5 s per hit */
	static const struct {
		uint8_t     key;
		const char* drum;
	} keys[] = {{36, "kick"}, {35, "kick"}, {38, "snare"}, {40, "snare"}, {42, "closed hat"},
	            {44, "closed hat"}, {46, "open hat"}, {37, "nothing"}, {60, "nothing"}, {47, "nothing"}};
	float* y = calloc(N, sizeof(float));
	Hit    hits[sizeof keys / sizeof keys[0]];
	printf("\n  examples/drum-kit.chronus, one hit per key (velocity 110, 0.5 s):");
	for (unsigned k = 0; k < sizeof keys / sizeof keys[0]; ++k) {
		Host* h = test_host(HOST_WORKER_THREAD, 256);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_TRUE_FATAL(test_load_patch(h, text));
		host_note_on(h, 0, keys[k].key, 110);
		test_render_stereo(h, y, N, 256);
		host_note_off(h, 0, keys[k].key);
		hits[k] = analyse_hit(y, N);
		printf("\n    key %u (%s): peak %.3f, energy below 150 Hz %.0f %%, %.0f zero crossings/s in 40 ms, "
		       "150-300 ms at %.1f dB",
		       keys[k].key, keys[k].drum, hits[k].peak, 100.0 * hits[k].low, hits[k].zc, hits[k].tail_db);
		CU_ASSERT(test_all_finite(y, N));
		host_free(h);
	}
	printf("\n");
	const Hit *kick = &hits[0], *snare = &hits[2], *chat = &hits[4], *ohat = &hits[6];
	CU_ASSERT(kick->peak > 0.1 && snare->peak > 0.1 && chat->peak > 0.05 && ohat->peak > 0.05);
	CU_ASSERT(kick->low > 0.6); /* a kick is mostly below 150 Hz */
	CU_ASSERT(snare->low < 0.5 && snare->zc > 1000.0 && snare->zc < chat->zc && snare->zc > 3.0 * kick->zc);
	CU_ASSERT(chat->zc > 8000.0 && ohat->zc > 8000.0); /* hats: noise above 7 kHz */
	CU_ASSERT(ohat->tail_db > chat->tail_db + 20.0); /* the open hat rings, the closed one is gone */
	/* The keys of a zone play the same drum... */
	CU_ASSERT(fabs(hits[1].low - kick->low) < 0.05 && fabs(hits[3].zc - snare->zc) < 0.1 * snare->zc);
	CU_ASSERT(fabs(hits[5].zc - chat->zc) < 0.1 * chat->zc);
	/* ...and a key of no zone plays nothing at all. */
	CU_ASSERT(hits[7].peak == 0.0 && hits[8].peak == 0.0 && hits[9].peak == 0.0);
	free(y);
	free(text);
}

/* Both channels of n frames after the events queued. */
static void
render_lr(Host* h, float* l, float* r, size_t n)
{
	for (size_t done = 0; done < n;) {
		const uint32_t m = n - done < 256 ? (uint32_t)(n - done) : 256u;
		host_run(h, m, l + done, r + done);
		host_settle(h);
		done += m;
	}
}

static double
rms_of(const float* x, size_t n)
{
	double e = 0.0;
	for (size_t i = 0; i < n; ++i) {
		e += (double)x[i] * x[i];
	}
	return sqrt(e / (double)n);
}

/* examples/supersaw-pad.chronus: A3 held 3 s, then released. In tune (the
 * strongest component within 5 cents of 220 Hz: the detuned saws sit
 * either side of it), wide (left and right correlate less than 0.9: the
 * chorus and the reverb), and the reverb's tail decays after the release:
 * still sounding 1 s after it, 20 dB down 4 s after it. */
static void
test_supersaw_pad(void)
{
	char* text = read_example("supersaw-pad.chronus");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, text));
	const size_t held = 3 * 48000, after = 5 * 48000;
	float *      l = calloc(held + after, sizeof(float)), *r = calloc(held + after, sizeof(float));
	host_note_on(h, 0, 57, 100);
	render_lr(h, l, r, held);
	host_note_off(h, 0, 57);
	render_lr(h, l + held, r + held, after);
	/* The strongest component between 200 and 240 Hz, over 1..3 s. */
	double best = 0.0, best_f = 0.0;
	for (double f = 200.0; f <= 240.0; f += 0.1) {
		const double a = amp_at_len(l, 48000, 2 * 48000, f);
		if (a > best) {
			best   = a;
			best_f = f;
		}
	}
	double lr = 0.0, ll = 0.0, rr = 0.0;
	for (size_t i = 48000; i < held; ++i) {
		lr += (double)l[i] * r[i];
		ll += (double)l[i] * l[i];
		rr += (double)r[i] * r[i];
	}
	const double corr   = lr / sqrt(ll * rr);
	const double level  = 20.0 * log10(rms_of(l + 2 * 48000, 48000));
	const double tail1  = 20.0 * log10(rms_of(l + held + 48000, 24000) + 1e-30);
	const double tail4  = 20.0 * log10(rms_of(l + held + 4 * 48000, 24000) + 1e-30);
	printf("\n  examples/supersaw-pad.chronus, A3: strongest at %.2f Hz (%+.2f cents), L/R correlation %.3f, "
	       "held %.1f dBFS, 1 s after the release %.1f dB, 4 s after %.1f dB\n",
	       best_f, 1200.0 * log2(best_f / 220.0), corr, level, tail1, tail4);
	CU_ASSERT(fabs(1200.0 * log2(best_f / 220.0)) < 5.0);
	CU_ASSERT(corr < 0.9);
	CU_ASSERT(tail1 > level - 40.0 && tail4 < level - 20.0 && tail4 < tail1 - 10.0);
	CU_ASSERT(test_all_finite(l, held + after) && test_all_finite(r, held + after));
	free(l);
	free(r);
	host_free(h);
	free(text);
}

/* The first frame at or after `from` where |x| exceeds `level`, or SIZE_MAX. */
static size_t
onset(const float* x, size_t from, size_t n, float level)
{
	for (size_t i = from; i < n; ++i) {
		if (fabsf(x[i]) > level) {
			return i;
		}
	}
	return SIZE_MAX;
}

/* examples/pingpong-echo.chronus with the host's transport at 150 BPM:
 * the repeats come a dotted eighth apart (0.3 s: 14400 frames), the first
 * on the left, the second on the right, the third on the left again, each
 * quieter; the host then changes the tempo to 100 BPM (0.45 s). */
static void
test_pingpong_echo_follows_the_host_tempo(void)
{
	char* text = read_example("pingpong-echo.chronus");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, text));
	const size_t n = 80000; /* three repeats at 100 BPM: 64800 frames, and the last one's length */
	float *      l = calloc(n, sizeof(float)), *r = calloc(n, sizeof(float));
	double       when[2][3], peak[2][3];
	const float  tempos[2] = {150.0f, 100.0f};
	for (unsigned k = 0; k < 2; ++k) {
		/* The tempo in place and the last repeats gone: a whole second of
		 * silence (the repeats have silence between them). */
		host_time_position(h, 0, tempos[k], true);
		render_lr(h, l, r, 48000);
		for (unsigned j = 0; j < 120 && (test_peak(l, 48000) > 0.0f || test_peak(r, 48000) > 0.0f); ++j) {
			render_lr(h, l, r, 48000);
		}
		host_note_on(h, 0, 69, 110);
		render_lr(h, l, r, 256);
		host_note_off(h, 0, 69);
		render_lr(h, l + 256, r + 256, n - 256);
		const size_t gap = (size_t)lrint(0.75 * 60.0 / tempos[k] * TEST_RATE);
		/* The dry blip is over after 0.25 s (60 ms decay, 40 ms release):
		 * what sounds later is the repeats. */
		const size_t e1 = onset(l, gap / 2, n, 1e-3f), e2 = onset(r, gap / 2, n, 1e-3f),
		             e3 = e1 < n ? onset(l, e1 + gap / 2, n, 1e-3f) : SIZE_MAX;
		if (e1 > n - 4800 || e2 > n - 4800 || e3 > n - 4800) { /* SIZE_MAX: none */
			CU_FAIL("a repeat is missing (or comes too late to measure)");
			continue;
		}
		when[k][0] = (double)e1;
		when[k][1] = (double)e2;
		when[k][2] = (double)e3;
		peak[k][0] = test_peak(l + e1, 4800);
		peak[k][1] = test_peak(r + e2, 4800);
		peak[k][2] = test_peak(l + e3, 4800);
		printf("\n  pingpong-echo at %.0f BPM (a dotted eighth: %zu frames): left at %.0f, right at %.0f, left at %.0f; "
		       "peaks %.3f %.3f %.3f",
		       (double)tempos[k], gap, when[k][0], when[k][1], when[k][2], peak[k][0], peak[k][1], peak[k][2]);
		/* The blip starts within a few frames of its note (an attack of 0
		 * still rises over a sample or two); each repeat is `gap` after. */
		CU_ASSERT(fabs(when[k][0] - (double)gap) <= 8.0);
		CU_ASSERT(fabs(when[k][1] - 2.0 * (double)gap) <= 8.0);
		CU_ASSERT(fabs(when[k][2] - 3.0 * (double)gap) <= 8.0);
		CU_ASSERT(peak[k][0] > peak[k][1] && peak[k][1] > peak[k][2] && peak[k][2] > 0.01);
		/* Ping-pong: while the right repeats, the left is quiet (and the
		 * other way round). */
		CU_ASSERT(test_peak(r + e1, gap / 2) < 0.1 * peak[k][0]);
		CU_ASSERT(test_peak(l + e2, gap / 2) < 0.1 * peak[k][1]);
	}
	printf("\n");
	free(l);
	free(r);
	host_free(h);
	free(text);
}

/* The fundamental's frequency of y (as played from frame 4800 on) near f0,
 * and its cents off f0. */
static double
cents_off(const float* y, size_t n, double f0)
{
	const size_t from = 4800, len = (size_t)(8.0 * TEST_RATE / f0);
	const double fc   = freq_step(y, from, len / 2, f0);
	const double f    = freq_step(y, from, n - from - len - 1, fc);
	return 1200.0 * log2(f / f0);
}

/* examples/wavetable-vowels.chronus (built-in `vocal` table, an LFO on the
 * position) is in tune from A2 to A5, and its vowel moves: at A3 the 4th
 * harmonic (880 Hz, where a's first formant is and i's is not) re the
 * fundamental moves over at least 10 dB in 3 s (a static table: 0). */
static void
test_wavetable_vowels(void)
{
	char* text = read_example("wavetable-vowels.chronus");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	enum { N = 144000 };
	float*           y       = calloc(2 * N, sizeof(float));
	static const int notes[] = {45, 57, 69, 81};
	printf("\n  examples/wavetable-vowels.chronus:");
	for (unsigned k = 0; k < 4; ++k) {
		Host* h = test_host(HOST_WORKER_THREAD, 256);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_TRUE_FATAL(test_load_patch(h, text));
		host_note_on(h, 0, (uint8_t)notes[k], 100);
		test_render_stereo(h, y, N, 256);
		const double f0 = 440.0 * exp2((notes[k] - 69) / 12.0);
		const double c  = cents_off(y, 48000, f0);
		printf(" A%d %+.4f cents", notes[k] / 12 - 1, c);
		CU_ASSERT(fabs(c) <= 1.0);
		CU_ASSERT(test_all_finite(y, N));
		if (notes[k] == 57) { /* the 4th harmonic re the fundamental, every 0.2 s */
			double lo = 1e9, hi = -1e9;
			for (size_t at = 0; at + 4800 <= N; at += 9600) {
				const double d = 20.0 * log10(amp_at_len(y, at, 4800, 4 * f0) / amp_at_len(y, at, 4800, f0));
				lo             = fmin(lo, d);
				hi             = fmax(hi, d);
			}
			printf(" (A3: 4th harmonic from %.1f to %.1f dB re the fundamental over 3 s)", lo, hi);
			CU_ASSERT(hi - lo >= 10.0);
		}
		host_free(h);
	}
	printf("\n");
	free(y);
	free(text);
}

/* examples/wavetable-organ.chronus, loaded as a file (its WAV is found
 * beside it): in tune at A3; with the mod wheel down the 8' drawbar alone
 * (2nd harmonic below -50 dB), with it up all seven (harmonics 2, 3, 4, 5,
 * 6 and 8 within 1 dB of the fundamental). */
static void
test_wavetable_organ(void)
{
	const char* dir = getenv("CHRONUS_SOURCE_DIR");
	char        path[1024];
	snprintf(path, sizeof(path), "%s/examples/wavetable-organ.chronus", dir && *dir ? dir : ".");
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_patch_set(h, 0, CHRONUS_URI "#patchFile", true, path, (uint32_t)strlen(path) + 1);
	CU_ASSERT_FATAL(test_run_until(h, 256, test_cond_playing, "Wavetable organ", NULL, 0, NULL));
	enum { N = 48000 };
	float*       y  = calloc(2 * N, sizeof(float));
	const double f0 = 220.0;
	host_note_on(h, 0, 57, 100);
	test_render_stereo(h, y, N, 256);
	const double c  = cents_off(y, N, f0);
	const double h2 = 20.0 * log10(amp_at(y, 24000, 2 * f0) / amp_at(y, 24000, f0));
	host_cc(h, 0, 1, 127);
	test_render_stereo(h, y, N, 256);
	double worst = 0.0;
	static const int bars[] = {2, 3, 4, 5, 6, 8};
	for (unsigned k = 0; k < 6; ++k) {
		worst = fmax(worst, fabs(20.0 * log10(amp_at(y, 24000, bars[k] * f0) / amp_at(y, 24000, f0))));
	}
	printf("\n  examples/wavetable-organ.chronus at A3: %+.4f cents; wheel down: 2nd harmonic %.1f dB; "
	       "wheel up: drawbar harmonics within %.2f dB of the fundamental\n", c, h2, worst);
	CU_ASSERT(fabs(c) <= 1.0);
	CU_ASSERT(h2 < -50.0);
	CU_ASSERT(worst <= 1.0);
	free(y);
	host_free(h);
}

int
suite_examples(void)
{
	CU_pSuite s = CU_add_suite("examples", NULL, NULL);
	return !s || !CU_add_test(s, "examples/pluck.chronus is in tune from A1 to A6 and decays",
	                          test_pluck_example_in_tune_and_decays) ||
	       !CU_add_test(s, "examples/drum-kit.chronus plays each key's drum and nothing elsewhere",
	                    test_drum_kit_keys) ||
	       !CU_add_test(s, "examples/supersaw-pad.chronus is in tune, wide, and its reverb tail decays",
	                    test_supersaw_pad) ||
	       !CU_add_test(s, "examples/pingpong-echo.chronus bounces on the host's tempo",
	                    test_pingpong_echo_follows_the_host_tempo) ||
	       !CU_add_test(s, "examples/wavetable-vowels.chronus is in tune and its vowel moves", test_wavetable_vowels) ||
	       !CU_add_test(s, "examples/wavetable-organ.chronus reads its WAV, in tune, the wheel pulls the drawbars",
	                    test_wavetable_organ);
}
