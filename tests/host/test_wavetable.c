/* SPDX-License-Identifier: ISC
 *
 * Host test of the `wavetable` statement, through the plugin as lilv loads
 * it, with its worker thread. The test writes its own WAV file with
 * libsndfile (two waves of 256 samples: a fundamental with half a 5th
 * harmonic, then with half a 3rd) and a patch file beside it naming it by a
 * relative path; the plugin plays A4 at 440 Hz with the shape of the wave
 * the position picks (the other harmonic 60 dB down). A missing file, a
 * file that is not audio and one shorter than a wave are refused with the
 * line and column of the file name, and the patch that played plays on;
 * so is a saved session restored after its WAV moved, which plays again
 * once the file is back.
 */
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>
#include <lilv/lilv.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 256u
#define WAVE  256u

static char dir[64], patch_path[128];

static int
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/chronus-wt-XXXXXX");
	if (!mkdtemp(dir)) {
		return 1;
	}
	snprintf(patch_path, sizeof patch_path, "%s/wt.chronus", dir);
	return 0;
}

static void
remove_file(const char* name)
{
	char p[160];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	unlink(p);
}

static int
teardown(void)
{
	remove_file("wt.chronus");
	remove_file("shape.wav");
	remove_file("short.wav");
	remove_file("moved.wav");
	rmdir(dir);
	return 0;
}

/* A mono 48 kHz float WAV of `frames` samples: wave k of WAVE samples is
 * sin(t) + 0.5 sin(h t), h = 5 for k = 0 and 3 after. */
static bool
write_wav(const char* name, unsigned frames)
{
	char p[160];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	SF_INFO  info = {.samplerate = 48000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
	SNDFILE* sf   = sf_open(p, SFM_WRITE, &info);
	if (!sf) {
		return false;
	}
	float* x = malloc(frames * sizeof(float));
	for (unsigned i = 0; i < frames; ++i) {
		const double t = 6.28318530717958647692 * (i % WAVE) / WAVE;
		x[i]           = (float)(0.6 * (sin(t) + 0.5 * sin((i < WAVE ? 5.0 : 3.0) * t)));
	}
	const bool ok = sf_writef_float(sf, x, frames) == (sf_count_t)frames;
	free(x);
	return sf_close(sf) == 0 && ok;
}

static void
write_patch(const char* title, const char* file, float position)
{
	FILE* f = fopen(patch_path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f,
	        "patch \"%s\"\ncreate w wavetable\ncreate e adsr\ncreate a vca\nconnect w a\nconnect e a.gain 0.5\n"
	        "set e.sustain 1\nset w.position %g\nwavetable w \"%s\" 256\nout a\n",
	        title, (double)position, file);
	fclose(f);
}

static void
load_file(Host* h)
{
	host_patch_set(h, 0, CHRONUS_URI "#patchFile", true, patch_path, (uint32_t)strlen(patch_path) + 1);
}

static bool
status_has(Host* h, const void* needle)
{
	const unsigned n = host_status_count(h);
	return n && strstr(host_status(h, n - 1), (const char*)needle);
}

/* Level of the component at f (Hann-windowed DFT over x[0..n)), linear. */
static double
level_at(const float* x, size_t n, double f)
{
	double re = 0.0, im = 0.0, wsum = 0.0;
	for (size_t i = 0; i < n; ++i) {
		const double w = 0.5 - 0.5 * cos(6.28318530717958647692 * i / n);
		const double a = 6.28318530717958647692 * f * i / TEST_RATE;
		re += w * x[i] * cos(a);
		im += w * x[i] * sin(a);
		wsum += w;
	}
	return 2.0 * sqrt(re * re + im * im) / wsum;
}

/* Plays A4 for 0.5 s; the pitch and the 3rd and 5th harmonics re the
 * fundamental (dB). */
static void
measure(Host* h, double* hz, double* h3, double* h5)
{
	enum { N = 24000, SKIP = 4800 };
	float* y = calloc(N, sizeof(float));
	host_note_on(h, 0, 69, 100);
	test_render(h, y, N, BLOCK);
	host_note_off(h, 0, 69);
	*hz             = test_frequency(y + SKIP, N - SKIP, TEST_RATE);
	const double f1 = level_at(y + SKIP, N - SKIP, 440.0);
	*h3             = 20.0 * log10(level_at(y + SKIP, N - SKIP, 1320.0) / f1 + 1e-12);
	*h5             = 20.0 * log10(level_at(y + SKIP, N - SKIP, 2200.0) / f1 + 1e-12);
	test_render(h, y, 9600, BLOCK); /* the release */
	free(y);
}

static void
test_wav_table_plays(void)
{
	CU_ASSERT_FATAL(write_wav("shape.wav", 2 * WAVE));
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);

	double hz, h3, h5;
	write_patch("WT fifth", "shape.wav", 0.0f);
	load_file(h);
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, test_cond_playing, "WT fifth", NULL, 0, NULL));
	measure(h, &hz, &h3, &h5);
	printf("\n  wave 0 of shape.wav at A4: %.3f Hz, 5th harmonic %.2f dB, 3rd %.1f dB (written: -6.02 and none)", hz,
	       h5, h3);
	CU_ASSERT(fabs(hz - 440.0) < 0.05);
	CU_ASSERT(fabs(h5 + 6.02) < 0.1);
	CU_ASSERT(h3 < -60.0);

	write_patch("WT third", "shape.wav", 1.0f);
	load_file(h);
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, test_cond_playing, "WT third", NULL, 0, NULL));
	measure(h, &hz, &h3, &h5);
	printf("\n  wave 1 at A4: %.3f Hz, 3rd harmonic %.2f dB, 5th %.1f dB (written: -6.02 and none)", hz, h3, h5);
	CU_ASSERT(fabs(hz - 440.0) < 0.05);
	CU_ASSERT(fabs(h3 + 6.02) < 0.1);
	CU_ASSERT(h5 < -60.0);

	/* Refused, each with the file name's line and column (line 9, col 13);
	 * "WT third" plays on. */
	CU_ASSERT_FATAL(write_wav("short.wav", 100));
	static const struct {
		const char *file, *says;
	} bad[] = {
		{"missing.wav", "cannot open wavetable file 'missing.wav'"},
		{"wt.chronus", "is not audio"},
		{"short.wav", "holds 100 samples, expected at least one wave of 256"},
	};
	for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; ++k) {
		write_patch("WT broken", bad[k].file, 0.0f);
		load_file(h);
		CU_ASSERT_FATAL(test_run_until(h, BLOCK, status_has, bad[k].says, NULL, 0, NULL));
		printf("\n  %s: \"%s\"", bad[k].file, host_status(h, host_status_count(h) - 1));
		CU_ASSERT(status_has(h, "line 9, col 13"));
		CU_ASSERT(host_get_control(h, "error") == 1.0f);
		CU_ASSERT(host_get_control(h, "error_line") == 9.0f && host_get_control(h, "error_column") == 13.0f);
		CU_ASSERT(test_cond_playing(h, "WT third"));
		measure(h, &hz, &h3, &h5);
		CU_ASSERT(fabs(hz - 440.0) < 0.05 && fabs(h3 + 6.02) < 0.1); /* still the loaded table */
	}

	/* A session saved with "WT third" and restored after the WAV moved:
	 * the patch text holds the path, so the restore reads the file again
	 * and is refused where the file is named; what played plays on. Put
	 * back, the same restore plays. */
	LilvState* st = lilv_state_new_from_instance(host_plugin(h), host_instance(h), host_map(h), NULL, NULL, NULL,
	                                             NULL, NULL, NULL, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	char from[160], to[160];
	snprintf(from, sizeof from, "%s/shape.wav", dir);
	snprintf(to, sizeof to, "%s/moved.wav", dir);
	CU_ASSERT_FATAL(rename(from, to) == 0);
	lilv_state_restore(st, host_instance(h), NULL, NULL, 0, host_features(h));
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, status_has, "cannot open wavetable file 'shape.wav'", NULL, 0, NULL));
	printf("\n  restored with the WAV moved: \"%s\"", host_status(h, host_status_count(h) - 1));
	CU_ASSERT(status_has(h, "line 9, col 13"));
	measure(h, &hz, &h3, &h5);
	CU_ASSERT(fabs(hz - 440.0) < 0.05 && fabs(h3 + 6.02) < 0.1); /* what played plays on */
	CU_ASSERT_FATAL(rename(to, from) == 0);
	lilv_state_restore(st, host_instance(h), NULL, NULL, 0, host_features(h));
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, status_has, "WT third: primed", NULL, 0, NULL));
	measure(h, &hz, &h3, &h5);
	CU_ASSERT(fabs(hz - 440.0) < 0.05 && fabs(h3 + 6.02) < 0.1);
	lilv_state_free(st);
	printf("\n");
	host_free(h);
}

int
suite_wavetable(void)
{
	CU_pSuite s = CU_add_suite("wavetable: a WAV file's waves through the plugin", setup, teardown);
	return !s || !CU_add_test(s, "a WAV table plays in tune with its shape; bad files are refused, the patch plays on",
	                          test_wav_table_plays);
}
