/* SPDX-License-Identifier: ISC
 *
 * Headroom: every factory patch's 8-note chord (C major over two octaves,
 * velocity 100 and 127) peaks below -1 dBFS on both channels with the
 * output limiter on (the default); the limiter leaves a quiet signal
 * untouched; and with it off a loud chord does go over 0 dBFS, so the
 * first check could fail. Each patch's peak and RMS, limiter off and on,
 * are printed for the record (docs/patch-language.md, "Gain staging").
 */
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CEILING_DBFS (-1.0)
#define HELD_S       2.0
#define RELEASE_S    1.5

static const uint8_t chord_notes[8] = {48, 52, 55, 60, 64, 67, 72, 76};

typedef struct {
	float  peak[2]; /* left, right */
	double rms;     /* both channels, while the chord is held */
	double loud;    /* the loudest 100 ms (RMS of 19 blocks), for balance */
} Level;

static double
db(double x)
{
	return x > 0.0 ? 20.0 * log10(x) : -INFINITY;
}

/* A host playing factory patch k (waits for its status, then the fade). */
static Host*
host_with_program(unsigned k)
{
	Host* h = test_host(HOST_WORKER_INLINE, 256);
	if (!h) {
		return NULL;
	}
	/* Both channels: a factory patch may be stereo (a chorus, reverb,
	 * echo or phaser on its master), so no left == right here. */
	float l[256], r[256];
	if (k > 0) {
		const unsigned before = host_status_count(h);
		host_set_control(h, "program", (float)k);
		for (unsigned b = 0; b < 2000 && host_status_count(h) == before; ++b) {
			host_run(h, 256, l, r);
		}
		if (host_status_count(h) == before || !strstr(host_status(h, host_status_count(h) - 1), "primed")) {
			fprintf(stderr, "\n  program %u did not load\n", k);
			host_free(h);
			return NULL;
		}
	}
	for (unsigned b = 0; b < 40; ++b) { /* the crossfade, and some */
		host_run(h, 256, l, r);
	}
	return h;
}

/* Plays notes (n of them) at velocity vel for HELD_S, releases them and
 * renders RELEASE_S more: the peak of each channel over all of it, the RMS
 * while held. */
static Level
play(Host* h, const uint8_t* notes, unsigned n, uint8_t vel)
{
	enum { B = 256, W = 19 /* blocks in 100 ms */ };
	float        l[B], r[B];
	double       window[W] = {0.0};
	Level        lv    = {{0.0f, 0.0f}, 0.0, 0.0};
	double       sum   = 0.0;
	size_t       count = 0;
	const size_t held  = (size_t)(HELD_S * TEST_RATE) / B;
	const size_t total = held + (size_t)(RELEASE_S * TEST_RATE) / B;
	for (unsigned i = 0; i < n; ++i) {
		host_note_on(h, 0, notes[i], vel);
	}
	for (size_t b = 0; b < total; ++b) {
		if (b == held) {
			for (unsigned i = 0; i < n; ++i) {
				host_note_off(h, 0, notes[i]);
			}
		}
		host_run(h, B, l, r);
		lv.peak[0] = fmaxf(lv.peak[0], test_peak(l, B));
		lv.peak[1] = fmaxf(lv.peak[1], test_peak(r, B));
		double block = 0.0;
		for (unsigned i = 0; i < B; ++i) {
			block += (double)l[i] * l[i] + (double)r[i] * r[i];
		}
		window[b % W] = block;
		double w = 0.0;
		for (unsigned i = 0; i < W; ++i) {
			w += window[i];
		}
		lv.loud = fmax(lv.loud, sqrt(w / (2.0 * B * W)));
		if (b < held) {
			sum += block;
			count += 2 * B;
		}
	}
	lv.rms = sqrt(sum / (double)(count ? count : 1));
	return lv;
}

/* Factory patch `program` playing n notes of the chord, limiter off or on. */
static bool
chord_level(unsigned program, bool limiter, unsigned n, uint8_t vel, Level* out)
{
	Host* h = host_with_program(program);
	if (!h) {
		return false;
	}
	const bool has_port = host_set_control(h, "limiter", limiter ? 1.0f : 0.0f);
	*out                = play(h, n == 1 ? chord_notes + 3 : chord_notes, n, vel);
	host_free(h);
	return has_port;
}

static void
test_factory_chords(void)
{
	Host* probe = test_host(HOST_WORKER_INLINE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
	const unsigned n = test_program_count(probe);
	host_free(probe);
	CU_ASSERT_FATAL(n >= 13);
	const float ceiling = (float)pow(10.0, CEILING_DBFS / 20.0);
	printf("\n  8-note chord (C major, 2 octaves), peak L/R and RMS in dBFS, limiter off | on:\n");
	float    loudest      = 0.0f; /* the peak over both channels, limiter on */
	unsigned loudest_prog = 0;
	for (unsigned k = 0; k < n; ++k) {
		Level one;
		CU_ASSERT(chord_level(k, true, 1, 100, &one));
		printf("    program %2u one note (C4, vel 100): peak %+6.1f rms %6.1f loudest 100 ms %6.1f\n", k,
		       db(one.peak[0]), db(one.rms), db(one.loud));
		for (unsigned v = 0; v < 2; ++v) {
			const uint8_t vel = v ? 127 : 100;
			Level         off, on;
			const bool    port = chord_level(k, false, 8, vel, &off);
			CU_ASSERT(chord_level(k, true, 8, vel, &on) && port);
			printf("    program %2u vel %3u: off %+6.1f %+6.1f rms %6.1f | on %+6.1f %+6.1f rms %6.1f\n", k, vel,
			       db(off.peak[0]), db(off.peak[1]), db(off.rms), db(on.peak[0]), db(on.peak[1]), db(on.rms));
			const float peak = fmaxf(on.peak[0], on.peak[1]);
			CU_ASSERT(peak < ceiling);
			CU_ASSERT(on.rms > 1e-3); /* it plays */
			if (peak > loudest) {
				loudest      = peak;
				loudest_prog = k;
			}
		}
	}
	printf("  loudest chord: program %u at %+.2f dBFS (ceiling %+.1f dBFS)\n", loudest_prog, db(loudest),
	       CEILING_DBFS);
}

/* A single sine note peaking at -12 dBFS: the limiter changes no sample. */
static void
test_quiet_is_untouched(void)
{
	static const char* const quiet = "patch \"Quiet\"\ncreate osc sine\ncreate env adsr\ncreate amp vca\n"
	                                 "connect osc amp\nconnect env amp.gain\nset osc.level 0.2512\n"
	                                 "set env.attack 5\nset env.sustain 1\nset env.release 50\n"
	                                 "set amp.velocity 0\nout amp\n";
	enum { N = 48000 };
	float* y[2] = {malloc(N * sizeof(float)), malloc(N * sizeof(float))};
	for (unsigned pass = 0; pass < 2; ++pass) {
		Host* h = test_host(HOST_WORKER_INLINE, 256);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_TRUE(test_load_patch(h, quiet));
		CU_ASSERT_TRUE(host_set_control(h, "limiter", pass ? 1.0f : 0.0f));
		host_note_on(h, 0, 69, 127);
		test_render_stereo(h, y[pass], N, 256);
		host_free(h);
	}
	double diff = 0.0;
	for (size_t i = 0; i < N; ++i) {
		diff = fmax(diff, fabs((double)y[0][i] - y[1][i]));
	}
	const float peak = test_peak(y[1], N);
	printf("\n  one sine at %.1f dBFS: largest difference limiter on/off %g\n", db(peak), diff);
	CU_ASSERT(peak > 0.2f && peak < 0.3f);
	CU_ASSERT(diff <= 1e-6);
	free(y[0]);
	free(y[1]);
}

/* With the limiter off a loud chord goes over 0 dBFS (so the chord check
 * above can fail); with it on, the same chord stays under the ceiling. */
static void
test_loud_chord(void)
{
	static const char* const loud = "patch \"Loud\"\ncreate osc saw\ncreate env adsr\ncreate amp vca\n"
	                                "connect osc amp\nconnect env amp.gain\nset osc.level 1\n"
	                                "set env.attack 2\nset env.sustain 1\nout amp\n";
	Level lv[2];
	for (unsigned pass = 0; pass < 2; ++pass) {
		Host* h = test_host(HOST_WORKER_INLINE, 256);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_TRUE(test_load_patch(h, loud));
		CU_ASSERT_TRUE(host_set_control(h, "limiter", pass ? 1.0f : 0.0f));
		lv[pass] = play(h, chord_notes, 8, 127);
		host_free(h);
	}
	printf("\n  loud saw chord: peak %+.1f dBFS limiter off, %+.1f dBFS on\n", db(lv[0].peak[0]),
	       db(lv[1].peak[0]));
	CU_ASSERT(lv[0].peak[0] > 1.0f && lv[0].peak[1] > 1.0f);
	const float ceiling = (float)pow(10.0, CEILING_DBFS / 20.0);
	CU_ASSERT(lv[1].peak[0] < ceiling && lv[1].peak[1] < ceiling);
}

int
suite_headroom(void)
{
	CU_pSuite s = CU_add_suite("headroom", NULL, NULL);
	return !s || !CU_add_test(s, "every factory patch's 8-note chord peaks below -1 dBFS", test_factory_chords) ||
	       !CU_add_test(s, "the limiter leaves a quiet note untouched", test_quiet_is_untouched) ||
	       !CU_add_test(s, "without the limiter a loud chord clips", test_loud_chord);
}
