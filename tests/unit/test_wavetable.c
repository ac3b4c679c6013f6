/* SPDX-License-Identifier: ISC
 *
 * Unit tests of the wavetable oscillator (src/dsp/osc_wavetable.c) and its
 * tables (src/dsp/wt_tables.c). Measured, not assumed: every built-in
 * table at several positions aliases at most -80 dB below its fundamental
 * at 1, 2 and 5 kHz (44.1 and 48 kHz); a note keeps the harmonics its mip
 * level allows (a 1 kHz square still has its 15th harmonic, and not its
 * 17th at 48 kHz); the morph is continuous in the position (no step at a
 * frame boundary); a table made from waves plays those waves.
 * wavetable_print_figures() prints the alias figures for docs/modules.md.
 */
#include "build_slot.h"
#include "dsp/module.h"
#include "dsp/wavetable.h"
#include "handover.h"
#include "slot.h"
#include "voices.h"
#include "module_registry.h"
#include "spectrum.h"
#include "suites.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N      65536
#define SETTLE 4096

#define CHECK(cond, ...)                                                                       \
	do {                                                                                       \
		char msg_[256];                                                                        \
		snprintf(msg_, sizeof msg_, __VA_ARGS__);                                              \
		CU_assertImplementation((cond) ? CU_TRUE : CU_FALSE, __LINE__, msg_, __FILE__, "",     \
		                        CU_FALSE);                                                     \
	} while (0)

static const ModuleType*
wt_type(void)
{
	return module_registry_find("wavetable", 9);
}

static unsigned
param(const char* name)
{
	const int j = module_param_index(wt_type(), name, strlen(name));
	if (j < 0) {
		abort();
	}
	return (unsigned)j;
}

/* Render n frames of one wavetable voice (lane 0 of a state, calls of 64
 * frames) at hz; position may change per frame (pos[i]) or be one value
 * (pos NULL: p0); table is a built-in's index, or `loaded` replaces it. */
static float*
render(double rate, double hz, unsigned table, const float* pos, float p0, const WtTable* loaded, size_t n)
{
	const ModuleType* t     = wt_type();
	void*             state = calloc(1, t->state_size);
	t->init(state, rate);
	if (loaded) {
		t->attach(state, loaded);
	}
	float*      out  = malloc(n * sizeof(float));
	const float note = (float)(69.0 + 12.0 * log2(hz / 440.0));
	float       pbuf[MODULE_MAX_PARAMS][CHRONUS_SUBBLOCK], ibuf[MODULE_MAX_INPUTS][CHRONUS_SUBBLOCK];
	for (size_t at = 0; at < n; at += CHRONUS_SUBBLOCK) {
		const unsigned k  = (unsigned)(n - at < CHRONUS_SUBBLOCK ? n - at : CHRONUS_SUBBLOCK);
		ModuleIO       io = {.out = out + at, .n = k, .lanes = 1, .sounding = 1u};
		for (unsigned j = 0; j < t->n_params; ++j) {
			for (unsigned i = 0; i < k; ++i) {
				pbuf[j][i] = t->params[j].def;
			}
			io.param[j] = pbuf[j];
		}
		for (unsigned i = 0; i < k; ++i) {
			pbuf[param("table")][i]    = (float)table;
			pbuf[param("position")][i] = pos ? pos[at + i] : p0;
		}
		for (unsigned j = 0; j < t->n_inputs; ++j) {
			for (unsigned i = 0; i < k; ++i) {
				ibuf[j][i] = t->inputs[j].implicit == IMPLICIT_PITCH ? note : 0.0f;
			}
			io.in[j] = ibuf[j];
		}
		t->process(state, &io);
	}
	free(state);
	return out;
}

static const double rates[]     = {44100.0, 48000.0};
static const double alias_hz[]  = {1000.0, 2000.0, 5000.0};
static const float  positions[] = {0.0f, 0.4f, 0.77f, 1.0f};
#define N_POS (sizeof positions / sizeof positions[0])

static double
measure_alias(double rate, double hz, unsigned table, float position)
{
	return spectrum_settled_alias_db(render(rate, hz, table, NULL, position, NULL, SETTLE + N), SETTLE, N, rate, hz);
}

/* The worst alias over every built-in table and position at one rate and
 * frequency, and where it was. */
static double
worst_alias(double rate, double hz, unsigned* table, float* position)
{
	double worst = -400.0;
	for (unsigned t = 0; t < WT_BUILTIN_COUNT; ++t) {
		for (unsigned p = 0; p < N_POS; ++p) {
			const double d = measure_alias(rate, hz, t, positions[p]);
			if (d > worst) {
				worst     = d;
				*table    = t;
				*position = positions[p];
			}
		}
	}
	return worst;
}

static void
test_alias(void)
{
	for (unsigned r = 0; r < 2; ++r) {
		for (unsigned h = 0; h < 3; ++h) {
			unsigned     t;
			float        p;
			const double d = worst_alias(rates[r], alias_hz[h], &t, &p);
			CHECK(d <= -80.0, "wavetable %s at position %.2f, %.0f Hz (%.1f kHz): worst alias %.1f dB > -80 dB",
			      wt_table_choices[t], (double)p, alias_hz[h], rates[r] / 1000.0, d);
		}
	}
}

/* A 1 kHz square (basic at 1) at 48 kHz plays the level with harmonics up
 * to 16 (the 24th would be at Nyquist): its 15th is there at 1/15, its
 * 17th is not. */
static void
test_level_keeps_its_harmonics(void)
{
	const double rate = 48000.0, hz = 1000.0;
	float*       x    = render(rate, hz, WT_BASIC, NULL, 1.0f, NULL, SETTLE + N);
	const double f1   = spectrum_level_db(x + SETTLE, N, rate, hz);
	const double h15  = spectrum_level_db(x + SETTLE, N, rate, 15.0 * hz) - f1;
	const double h17  = spectrum_level_db(x + SETTLE, N, rate, 17.0 * hz) - f1;
	free(x);
	CHECK(fabs(h15 - 20.0 * log10(1.0 / 15.0)) <= 0.5, "15th harmonic of a 1 kHz square at %.1f dB, expected %.1f",
	      h15, 20.0 * log10(1.0 / 15.0));
	CHECK(h17 <= -100.0, "17th harmonic of a 1 kHz square at %.1f dB: above its level's band", h17);
}

/* A level's edge is smooth: a note a hair below the pitch where level 6
 * takes over (1500 Hz at 48 kHz) and one a hair above it give the same
 * wave but for their tiny detune (both play level 6: the lower one has
 * faded into it over the top quarter octave of level 5); playing level 5
 * up to the edge would differ there by its whole top octave of harmonics
 * (a saw's 9th to 16th). */
static void
test_level_edge_is_smooth(void)
{
	const double rate = 48000.0, edge = 1500.0;
	const size_t n    = 128; /* 4 cycles: their detune moves them 0.004 samples apart */
	float*       lo   = render(rate, edge * exp2(-0.00002), WT_BASIC, NULL, 2.0f / 3.0f, NULL, n);
	float*       hi   = render(rate, edge * exp2(0.00002), WT_BASIC, NULL, 2.0f / 3.0f, NULL, n);
	double       d    = 0.0;
	for (size_t i = 0; i < n; ++i) {
		d = fmax(d, fabs((double)hi[i] - lo[i]));
	}
	free(lo);
	free(hi);
	printf("\n  a saw either side of a level's edge (1500 Hz at 48 kHz): %.5f apart (bound 0.02)", d);
	CHECK(d <= 0.02, "a saw either side of a level's edge (1500 Hz at 48 kHz) differs by %.4f", d);
}

/* The morph is continuous in the position: two renders whose positions
 * differ by 1/1000 differ sample by sample by at most what a crossfade
 * between two frames (peaks about 1) can move over 1/1000 of a frame
 * spacing, at every position, frame boundaries included. */
static void
test_morph_is_continuous(void)
{
	const double rate = 48000.0, hz = 220.0;
	const size_t n    = 512;
	for (unsigned t = 0; t < WT_BUILTIN_COUNT; ++t) {
		const unsigned frames = wt_builtin(t)->frames;
		const double   bound  = 2.5 * (frames - 1) / 1000.0;
		double         worst  = 0.0;
		float*         prev   = render(rate, hz, t, NULL, 0.0f, NULL, n);
		for (unsigned k = 1; k <= 1000; ++k) {
			float* y = render(rate, hz, t, NULL, (float)k / 1000.0f, NULL, n);
			for (size_t i = 0; i < n; ++i) {
				worst = fmax(worst, fabs((double)y[i] - prev[i]));
			}
			free(prev);
			prev = y;
		}
		free(prev);
		CHECK(worst <= bound, "%s: a position step of 1/1000 moved a sample by %.4f > %.4f", wt_table_choices[t],
		      worst, bound);
	}
}

/* A position swept end to end over 0.5 s at 440 Hz: no sample-to-sample
 * step larger than the largest in the two end frames played steadily. */
static void
test_sweep_has_no_step(void)
{
	const double rate = 48000.0, hz = 440.0;
	const size_t n    = 24000;
	float*       pos  = malloc(n * sizeof(float));
	for (size_t i = 0; i < n; ++i) {
		pos[i] = (float)i / (float)(n - 1);
	}
	for (unsigned t = 0; t < WT_BUILTIN_COUNT; ++t) {
		double ends = 0.0, sweep = 0.0;
		for (unsigned e = 0; e < 2; ++e) {
			float* y = render(rate, hz, t, NULL, (float)e, NULL, n);
			for (size_t i = 1; i < n; ++i) {
				ends = fmax(ends, fabs((double)y[i] - y[i - 1]));
			}
			free(y);
		}
		float* y = render(rate, hz, t, pos, 0.0f, NULL, n);
		for (size_t i = 1; i < n; ++i) {
			sweep = fmax(sweep, fabs((double)y[i] - y[i - 1]));
		}
		free(y);
		/* Frames between the ends may be brighter than both (a bump of
		 * partials mid-sweep): bounded by the table's own frames. */
		double frames_max = ends;
		const WtTable* tb = wt_builtin(t);
		for (unsigned f = 0; f < tb->frames; ++f) {
			float* z = render(rate, hz, t, NULL, tb->frames > 1 ? (float)f / (float)(tb->frames - 1) : 0.0f, NULL, n / 8);
			for (size_t i = 1; i < n / 8; ++i) {
				frames_max = fmax(frames_max, fabs((double)z[i] - z[i - 1]));
			}
			free(z);
		}
		CHECK(sweep <= 1.05 * frames_max, "%s swept: a step of %.3f, its frames' largest %.3f", wt_table_choices[t],
		      sweep, frames_max);
	}
	free(pos);
}

/* A table made from waves plays them: frame 0 a 3rd-harmonic sine, frame 1
 * a fundamental one; at position 0 the 3rd harmonic leads by 60 dB, at 1
 * the fundamental; bad shapes are refused. */
static void
test_table_from_waves(void)
{
	const unsigned wave = 256;
	float*         x    = malloc(2 * wave * sizeof(float));
	for (unsigned i = 0; i < wave; ++i) {
		x[i]        = (float)(0.5 * sin(6.28318530717958647692 * 3.0 * i / wave) + 0.25); /* a DC offset, removed */
		x[wave + i] = (float)sin(6.28318530717958647692 * i / wave);
	}
	WtTable* t = wt_table_from_waves(x, 2, wave);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->frames, 2);
	const double rate = 48000.0, hz = 300.0;
	for (unsigned p = 0; p < 2; ++p) {
		float*       y  = render(rate, hz, WT_PWM, NULL, (float)p, t, SETTLE + N);
		const double h1 = spectrum_level_db(y + SETTLE, N, rate, hz);
		const double h3 = spectrum_level_db(y + SETTLE, N, rate, 3.0 * hz);
		double       peak = 0.0, mean = 0.0;
		for (size_t i = SETTLE; i < SETTLE + N; ++i) {
			peak = fmax(peak, fabs((double)y[i]));
			mean += y[i];
		}
		free(y);
		CHECK(p ? h1 - h3 >= 60.0 : h3 - h1 >= 60.0, "position %u: fundamental %.1f dB, 3rd %.1f dB", p, h1, h3);
		CHECK(fabs(mean / N) <= 1e-3, "position %u: DC %.4f", p, mean / N);
		const double want = p ? 1.0 : 0.5; /* one gain: the loudest frame peaks at 1, the other keeps its level */
		CHECK(fabs(peak - want) <= 0.01, "position %u: peak %.3f, expected %.1f", p, peak, want);
	}
	free(t);
	CU_ASSERT_PTR_NULL(wt_table_from_waves(x, 0, wave));
	CU_ASSERT_PTR_NULL(wt_table_from_waves(x, 2, 100));            /* not a power of two */
	CU_ASSERT_PTR_NULL(wt_table_from_waves(x, 2, 32));             /* too short a wave */
	CU_ASSERT_PTR_NULL(wt_table_from_waves(x, WT_MAX_FRAMES + 1, wave));
	free(x);
}

/* A swap to the same patch hands the voices over by copying their module
 * states (handover.c), which hold a pointer to the old slot's table: the
 * new slot must point its states at its own table again, since the old
 * slot (and its table) is freed once the swap ends. The table here is
 * larger than malloc's mmap threshold, so reading it after the free
 * would fault at once. */
static void
test_handover_keeps_its_own_table(void)
{
	char path[] = "/tmp/chronus-wt-unit-XXXXXX";
	const int fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	enum { WAVE = 256, WAVES = 8 };
	SF_INFO  info = {.samplerate = 48000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
	SNDFILE* sf   = sf_open(path, SFM_WRITE, &info);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sf);
	static float x[WAVE * WAVES];
	for (unsigned i = 0; i < WAVE * WAVES; ++i) {
		x[i] = (float)sin(6.28318530717958647692 * (1 + i / WAVE) * (i % WAVE) / WAVE);
	}
	CU_ASSERT(sf_writef_float(sf, x, WAVE * WAVES) == WAVE * WAVES);
	sf_close(sf);
	char text[512];
	snprintf(text, sizeof text,
	         "create w wavetable\ncreate e adsr\ncreate a vca\nconnect w a\nconnect e a.gain\nset e.sustain 1\n"
	         "set w.position 0.5\nwavetable w \"%s\" 256\nout a\n", path);
	BuildSettings bs;
	build_settings_default(&bs, 48000.0);
	BuildReport r;
	Slot*       old = build_slot(text, strlen(text), &bs, &r);
	Slot*       now = build_slot(text, strlen(text), &bs, &r);
	unlink(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(old);
	CU_ASSERT_PTR_NOT_NULL_FATAL(now);
	CU_ASSERT(wt_table_bytes(WAVES) > 256 * 1024); /* freed by munmap */
	static float y[2048], right[2048];
	voices_note_on(old, 69, 1.0f);
	slot_render(old, y, right, 1024);
	CU_ASSERT_FATAL(handover_copy_voices(now, old));
	slot_free(old);
	slot_render(now, y + 1024, right + 1024, 1024);
	double peak = 0.0;
	for (unsigned i = 1024; i < 2048; ++i) {
		CU_ASSERT_FATAL(isfinite(y[i]));
		peak = fmax(peak, fabs((double)y[i]));
	}
	CU_ASSERT(peak > 0.1); /* the handed-over note plays on */
	slot_free(now);
}

void
wavetable_print_figures(FILE* f)
{
	for (unsigned r = 0; r < 2; ++r) {
		for (unsigned h = 0; h < 3; ++h) {
			unsigned     t;
			float        p;
			const double d = worst_alias(rates[r], alias_hz[h], &t, &p);
			fprintf(f, "| wavetable worst alias at %.0f kHz (%.1f kHz), over the built-in tables at positions 0, 0.4, 0.77, 1 | %.1f dB (%s at %.2f; test bound -80 dB) |\n",
			        alias_hz[h] / 1000.0, rates[r] / 1000.0, d, wt_table_choices[t], (double)p);
		}
	}
}

int
suite_wavetable(void)
{
	CU_pSuite s = CU_add_suite("wavetable", NULL, NULL);
	return !s || !CU_add_test(s, "every built-in table, 4 positions: alias at 1/2/5 kHz <= -80 dB", test_alias) ||
	       !CU_add_test(s, "a level keeps the harmonics below Nyquist", test_level_keeps_its_harmonics) ||
	       !CU_add_test(s, "a level's edge is smooth (a crossfade into the next level)", test_level_edge_is_smooth) ||
	       !CU_add_test(s, "the morph is continuous in the position", test_morph_is_continuous) ||
	       !CU_add_test(s, "a sweep end to end has no step", test_sweep_has_no_step) ||
	       !CU_add_test(s, "a table made from waves plays them", test_table_from_waves) ||
	       !CU_add_test(s, "a handover to the same patch plays its own table, not the freed one's",
	                    test_handover_keeps_its_own_table);
}
