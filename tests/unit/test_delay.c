/* SPDX-License-Identifier: ISC
 *
 * Quality tests for the delay-line modules (delay, comb, pluck): the
 * Karplus-Strong pitch error from A1 to A6 (the bound: 1 cent),
 * the decay time of a pluck, that a released string ends and a handed-over
 * note is not plucked again, where a comb's peaks and notches are, that a
 * delay's echoes land on the sample and a note-tracked delay is one period
 * long, and block-split invariance. The figures are shared with
 * delay_print_figures(), which writes them into docs/modules.md.
 */
#include "compile.h"
#include "dsp/dsp_util.h"
#include "dsp/module.h"
#include "patch.h"
#include "slot.h"
#include "suites.h"
#include "voices.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const ModuleType module_delay, module_comb, module_pluck;

#define CENTS_BOUND 1.0  /* the Karplus-Strong pitch bound */
#define CENTS_EXACT 0.01 /* what the exactly solved allpass gives at light damping */

#define CHECKF(cond, ...)                                                     \
	do {                                                                      \
		char msg_[256];                                                       \
		snprintf(msg_, sizeof msg_, __VA_ARGS__);                             \
		CU_assertImplementation((cond) ? CU_TRUE : CU_FALSE, __LINE__, msg_, \
		                        __FILE__, "", CU_FALSE);                      \
	} while (0)

/* ---- running a module, one voice, lanes = 1 ------------------------------ */

typedef struct {
	const ModuleType* type;
	void*             state;
	size_t            n;
	float*            in[MODULE_MAX_INPUTS];
	float*            p[MODULE_MAX_PARAMS];
} Run;

/* A fresh instance and n frames of inputs (zeros) and parameters (their
 * defaults), to be filled before run_render. */
static Run
run_new(const ModuleType* type, double rate, size_t n)
{
	Run r   = {type, calloc(1, type->state_size), n, {NULL}, {NULL}};
	type->init(r.state, rate);
	for (unsigned j = 0; j < type->n_inputs; ++j) {
		r.in[j] = calloc(n, sizeof(float));
	}
	for (unsigned j = 0; j < type->n_params; ++j) {
		r.p[j] = malloc(n * sizeof(float));
		for (size_t i = 0; i < n; ++i) {
			r.p[j][i] = type->params[j].def;
		}
	}
	return r;
}

static void
run_fill(float* buf, size_t n, float v)
{
	for (size_t i = 0; i < n; ++i) {
		buf[i] = v;
	}
}

static void
run_free(Run* r)
{
	free(r->state);
	for (unsigned j = 0; j < MODULE_MAX_INPUTS; ++j) {
		free(r->in[j]);
	}
	for (unsigned j = 0; j < MODULE_MAX_PARAMS; ++j) {
		free(r->p[j]);
	}
}

/* Render frames [from, from + n) into out in calls of `chunk` frames (0:
 * pseudo-random sizes 1..CHRONUS_SUBBLOCK). */
static void
run_render(Run* r, float* out, size_t from, size_t n, unsigned chunk)
{
	uint32_t seed = 7u;
	for (size_t i = from; i < from + n;) {
		seed         = seed * 1664525u + 1013904223u;
		unsigned len = chunk ? chunk : 1u + (seed >> 8) % CHRONUS_SUBBLOCK;
		if (len > from + n - i) {
			len = (unsigned)(from + n - i);
		}
		ModuleIO io = {.out = out + i, .n = len, .lanes = 1, .sounding = 1u};
		for (unsigned j = 0; j < r->type->n_inputs; ++j) {
			io.in[j] = r->in[j] + i;
		}
		for (unsigned j = 0; j < r->type->n_params; ++j) {
			io.param[j] = r->p[j] + i;
		}
		r->type->process(r->state, &io);
		i += len;
	}
}

/* ---- measuring -------------------------------------------------------- */

/* Hann-windowed DFT of x[from, from + len) at f: the complex value. */
static void
dft_at(const float* x, size_t from, size_t len, double rate, double f, double* re, double* im)
{
	double a = 0.0, b = 0.0;
	for (size_t k = 0; k < len; ++k) {
		const double w  = 0.5 - 0.5 * cos(DSP_TAU * ((double)k + 0.5) / (double)len);
		const double ph = DSP_TAU * f * (double)(from + k) / rate;
		a += w * x[from + k] * cos(ph);
		b -= w * x[from + k] * sin(ph);
	}
	*re = a;
	*im = b;
}

/* Amplitude of the component at f around frame `at` (8 periods, Hann). */
static double
amp_at(const float* x, size_t at, double rate, double f)
{
	const size_t len = (size_t)(8.0 * rate / f);
	double       re, im;
	dft_at(x, at, len, rate, f, &re, &im);
	return 2.0 * hypot(re, im) / (0.5 * (double)len);
}

/* Phase advance of the component near `guess` Hz between two windows
 * `gap` frames apart, as a frequency. */
static double
freq_step(const float* x, size_t at, size_t gap, double rate, double guess)
{
	const size_t len = (size_t)(8.0 * rate / guess);
	double       r1, i1, r2, i2;
	dft_at(x, at, len, rate, guess, &r1, &i1);
	dft_at(x, at + gap, len, rate, guess, &r2, &i2);
	/* The DFTs use absolute time, so a component exactly at `guess` keeps
	 * its phase: what it advances is the frequency error. */
	double d = atan2(i2, r2) - atan2(i1, r1);
	d        = remainder(d, DSP_TAU);
	return guess + d / (DSP_TAU * (double)gap / rate);
}

/* Fundamental of x near `guess`: a coarse step one window apart (safe for
 * an error of a few percent), then a fine one over most of the signal. */
static double
measure_f0(const float* x, size_t n, double rate, double guess, size_t from)
{
	const size_t len = (size_t)(8.0 * rate / guess);
	double       f   = freq_step(x, from, len / 2, rate, guess);
	const size_t gap = n - from - len - 1;
	return freq_step(x, from, gap, rate, f);
}

/* ---- pluck ---------------------------------------------------------------- */

enum { PL_NOTE, PL_GATE };
enum { PL_DECAY, PL_RELEASE, PL_DAMPING, PL_BRIGHT, PL_EXCITE, PL_LEVEL };

/* A pluck of `note` held for n frames; the caller frees the result. */
static float*
pluck_render(double rate, float note, size_t n, float decay, float damping, unsigned chunk)
{
	Run r = run_new(&module_pluck, rate, n);
	run_fill(r.in[PL_NOTE], n, note);
	run_fill(r.in[PL_GATE], n, 1.0f);
	run_fill(r.p[PL_DECAY], n, decay);
	run_fill(r.p[PL_DAMPING], n, damping);
	float* y = calloc(n, sizeof(float));
	run_render(&r, y, 0, n, chunk);
	run_free(&r);
	return y;
}

/* Pitch error of a pluck, in cents. */
static double
pluck_cents(double rate, int note, float damping)
{
	const double f0 = dsp_note_to_hz(note);
	/* Enough periods for the fine step: at least 0.6 s. */
	const size_t n = (size_t)(0.6 * rate) + (size_t)(16.0 * rate / f0);
	float*       y = pluck_render(rate, (float)note, n, 10.0f, damping, CHRONUS_SUBBLOCK);
	const double f = measure_f0(y, n, rate, f0, (size_t)(rate / f0) * 2);
	free(y);
	return 1200.0 * log2(f / f0);
}

static const int    a_notes[] = {33, 45, 57, 69, 81, 93}; /* A1 .. A6 */
static const double rates[]   = {44100.0, 48000.0, 96000.0};

static void
test_pluck_in_tune(void)
{
	double worst = 0.0;
	printf("\n  pluck pitch error, cents, A1..A6:");
	for (unsigned r = 0; r < 3; ++r) {
		for (unsigned d = 0; d < 2; ++d) {
			const float damping = d ? 0.8f : 0.3f;
			printf("\n    %5.1f kHz damping %.1f:", rates[r] / 1000.0, (double)damping);
			for (unsigned k = 0; k < 6; ++k) {
				const double c = pluck_cents(rates[r], a_notes[k], damping);
				printf(" %+.4f", c);
				CHECKF(fabs(c) <= CENTS_BOUND, "pluck note %d at %.0f Hz, damping %.1f: %+.3f cents", a_notes[k],
				       rates[r], (double)damping, c);
				/* Light damping keeps each mode narrow, so the pitch heard
				 * is the loop's, which the exact allpass puts on the note
				 * (Thiran's coefficient alone is 0.2 cent off at A6). */
				CHECKF(d || fabs(c) <= CENTS_EXACT, "pluck note %d at %.0f Hz, damping 0.3: %+.4f cents > %.2f",
				       a_notes[k], rates[r], c, CENTS_EXACT);
				worst = fmax(worst, fabs(c));
			}
		}
	}
	printf("\n  worst %.4f cents (bound %.1f)\n", worst, CENTS_BOUND);
}

/* Measured T60 of the fundamental (s), from its level at two times. */
static double
pluck_t60(double rate, int note, float decay, float damping)
{
	const double f0 = dsp_note_to_hz(note);
	const size_t n  = (size_t)(1.5 * rate);
	float*       y  = pluck_render(rate, (float)note, n, decay, damping, CHRONUS_SUBBLOCK);
	const size_t t1 = (size_t)(0.2 * rate), t2 = (size_t)(1.2 * rate);
	const double drop_db = 20.0 * log10(amp_at(y, t1, rate, f0) / amp_at(y, t2, rate, f0));
	free(y);
	return 60.0 * ((double)(t2 - t1) / rate) / drop_db;
}

static void
test_pluck_decay(void)
{
	const float decays[] = {1.0f, 3.0f};
	for (unsigned k = 0; k < 2; ++k) {
		const double t = pluck_t60(48000.0, 45, decays[k], 0.3f);
		printf("\n  pluck A2 decay %.1f s: measured T60 %.3f s", (double)decays[k], t);
		CHECKF(fabs(t / decays[k] - 1.0) < 0.05, "T60 %.3f s for decay %.1f s", t, (double)decays[k]);
	}
	printf("\n");
}

/* With the key up, release shortens the ring, and the module reports
 * itself inactive once the string is quiet (so the voice ends). */
static void
test_pluck_release_ends(void)
{
	const double rate = 48000.0;
	const size_t n    = (size_t)(3.0 * rate), up = (size_t)(0.3 * rate);
	Run          r    = run_new(&module_pluck, rate, n);
	run_fill(r.in[PL_NOTE], n, 57.0f);
	run_fill(r.in[PL_GATE], up, 1.0f);
	run_fill(r.p[PL_DECAY], n, 20.0f);
	run_fill(r.p[PL_RELEASE], n, 0.2f);
	float* y = calloc(n, sizeof(float));
	size_t ended = 0;
	for (size_t i = 0; i < n; i += CHRONUS_SUBBLOCK) {
		run_render(&r, y, i, CHRONUS_SUBBLOCK, CHRONUS_SUBBLOCK);
		CU_ASSERT(i < up ? module_pluck.active(r.state) : true);
		if (!ended && i > up && !module_pluck.active(r.state)) {
			ended = i;
		}
	}
	float before = 0.0f;
	for (size_t i = up - (size_t)(0.05 * rate); i < up; ++i) {
		before = fmaxf(before, fabsf(y[i]));
	}
	printf("\n  pluck, decay 20 s, release 0.2 s: peak before key up %.3f, ended %.3f s after it\n", (double)before,
	       (double)(ended - up) / rate);
	CU_ASSERT(before > 0.05f);
	/* -100 dBFS at 60 dB per 0.2 s is reached in about 0.33 s from 0 dB. */
	CHECKF(ended > up && ended - up < (size_t)(0.6 * rate), "ended %zu frames after key up", ended - up);
	run_free(&r);
	free(y);
}

/* A note handed over at a swap enters with its gate high and is not
 * plucked again; a real rising edge later still plucks. */
static void
test_pluck_enter_held(void)
{
	const double rate = 48000.0;
	const size_t n    = 9600;
	Run          r    = run_new(&module_pluck, rate, n);
	run_fill(r.in[PL_NOTE], n, 60.0f);
	run_fill(r.in[PL_GATE], n, 1.0f);
	module_pluck.enter_held(r.state, 0, 48000);
	float* y = calloc(n, sizeof(float));
	run_render(&r, y, 0, n, CHRONUS_SUBBLOCK);
	float peak = 0.0f;
	for (size_t i = 0; i < n; ++i) {
		peak = fmaxf(peak, fabsf(y[i]));
	}
	CU_ASSERT_EQUAL(peak, 0.0f);
	CU_ASSERT_FALSE(module_pluck.active(r.state));
	run_fill(r.in[PL_GATE], n / 2, 0.0f);
	run_render(&r, y, 0, n, CHRONUS_SUBBLOCK);
	for (size_t i = 0; i < n; ++i) {
		peak = fmaxf(peak, fabsf(y[i]));
	}
	CU_ASSERT(peak > 0.1f);
	run_free(&r);
	free(y);
}

/* ---- comb ----------------------------------------------------------------- */

enum { CB_IN, CB_NOTE };
enum { CB_FREQ, CB_TRACK, CB_TUNE, CB_AMOUNT, CB_MODE, CB_DAMPING, CB_MIX };

/* Gain (amplitude ratio) of a comb for a sine at f, after it settles. */
static double
comb_gain(double rate, double f, float mode, float amount, float track, float freq, float note)
{
	const size_t n = (size_t)(1.5 * rate);
	Run          r = run_new(&module_comb, rate, n);
	for (size_t i = 0; i < n; ++i) {
		r.in[CB_IN][i] = (float)sin(DSP_TAU * f * (double)i / rate);
	}
	run_fill(r.in[CB_NOTE], n, note);
	run_fill(r.p[CB_MODE], n, mode);
	run_fill(r.p[CB_AMOUNT], n, amount);
	run_fill(r.p[CB_TRACK], n, track);
	run_fill(r.p[CB_FREQ], n, freq);
	float* y = calloc(n, sizeof(float));
	run_render(&r, y, 0, n, CHRONUS_SUBBLOCK);
	const double g = amp_at(y, n - (size_t)(8.0 * rate / f) - 1, rate, f);
	run_free(&r);
	free(y);
	return g;
}

typedef struct {
	double fb_peak, fb_trough, ff_peak, ff_notch, track_peak;
} CombFigures;

static CombFigures
comb_figures(void)
{
	const double rate = 48000.0, f = 440.0;
	CombFigures  c;
	c.fb_peak    = comb_gain(rate, f, 0.0f, 0.9f, 0.0f, 440.0f, 60.0f);
	c.fb_trough  = comb_gain(rate, f, 0.0f, 0.9f, 0.0f, (float)(440.0 / 1.5), 60.0f);
	c.ff_peak    = comb_gain(rate, f, 1.0f, 0.9f, 0.0f, 440.0f, 60.0f);
	c.ff_notch   = comb_gain(rate, f, 1.0f, 0.9f, 0.0f, (float)(440.0 / 1.5), 60.0f);
	c.track_peak = comb_gain(rate, f, 0.0f, 0.98f, 1.0f, 20.0f, 69.0f);
	return c;
}

static void
test_comb_tuned(void)
{
	const CombFigures c = comb_figures();
	printf("\n  comb at 440 Hz, amount 0.9: feedback peak %+.3f dB, trough %.1f dB (ideal %.1f);"
	       "\n  feedforward peak %+.3f dB, notch %.1f dB; tracking A4, amount 0.98: peak %+.3f dB\n",
	       20 * log10(c.fb_peak), 20 * log10(c.fb_trough), 20 * log10(0.1 / 1.9), 20 * log10(c.ff_peak),
	       20 * log10(c.ff_notch), 20 * log10(c.track_peak));
	/* 0 dB peaks (the wet path is peak-normalised); a sharp peak detuned
	 * by a cent at amount 0.98 would lose about 0.3 dB. */
	CU_ASSERT(fabs(20 * log10(c.fb_peak)) < 0.1);
	CU_ASSERT(fabs(20 * log10(c.ff_peak)) < 0.1);
	CU_ASSERT(fabs(20 * log10(c.track_peak)) < 0.1);
	/* Between two peaks both are (1 - g) / (1 + g) of the peak. */
	const double ideal = 20 * log10(0.1 / 1.9);
	CU_ASSERT(fabs(20 * log10(c.fb_trough) - ideal) < 0.5);
	CU_ASSERT(fabs(20 * log10(c.ff_notch) - ideal) < 0.5);
}

/* ---- delay ------------------------------------------------------------- */

enum { DL_IN, DL_NOTE };
enum { DL_TIME, DL_TRACK, DL_TUNE, DL_FEEDBACK, DL_DAMPING, DL_MIX };

/* A step through 10 ms, feedback 0.5, no damping, wet only: 0 until the
 * first echo, then 1, 1.5, 1.75, 1.875 at 480-sample steps. */
static void
test_delay_echoes_on_the_sample(void)
{
	const double rate = 48000.0;
	const size_t n    = 2000;
	Run          r    = run_new(&module_delay, rate, n);
	run_fill(r.in[DL_IN], n, 1.0f);
	run_fill(r.p[DL_TIME], n, 10.0f);
	run_fill(r.p[DL_FEEDBACK], n, 0.5f);
	run_fill(r.p[DL_DAMPING], n, 0.0f);
	run_fill(r.p[DL_MIX], n, 1.0f);
	float* y = calloc(n, sizeof(float));
	run_render(&r, y, 0, n, 0);
	double worst = 0.0;
	for (size_t i = 0; i < n; ++i) {
		const double want = i < 480 ? 0.0 : 2.0 - 2.0 * pow(0.5, (double)(i / 480));
		worst             = fmax(worst, fabs(y[i] - want));
	}
	printf("\n  delay 10 ms step echoes: max error %.2e\n", worst);
	CU_ASSERT(worst < 1e-5);
	run_free(&r);
	free(y);
}

/* Sine at the note's pitch, half dry and half delayed by one period of
 * note + tune: tune 0 adds in phase (gain 1), tune +12 (half a period)
 * cancels: the residue is the fractional delay's error. */
static double
delay_track_gain(float tune, float damping, float feedback)
{
	const double rate = 48000.0, f = 440.0;
	const size_t n    = 24000;
	Run          r    = run_new(&module_delay, rate, n);
	for (size_t i = 0; i < n; ++i) {
		r.in[DL_IN][i] = (float)sin(DSP_TAU * f * (double)i / rate);
	}
	run_fill(r.in[DL_NOTE], n, 69.0f);
	run_fill(r.p[DL_TRACK], n, 1.0f);
	run_fill(r.p[DL_TUNE], n, tune);
	run_fill(r.p[DL_DAMPING], n, damping);
	run_fill(r.p[DL_FEEDBACK], n, feedback);
	run_fill(r.p[DL_MIX], n, 0.5f);
	float* y = calloc(n, sizeof(float));
	run_render(&r, y, 0, n, 0);
	const double g = amp_at(y, n - 1000, rate, f);
	run_free(&r);
	free(y);
	return g;
}

static void
test_delay_tracks_the_note(void)
{
	const double in_phase = delay_track_gain(0.0f, 0.0f, 0.0f);
	const double cancel   = delay_track_gain(12.0f, 0.0f, 0.0f);
	/* With feedback and damping: still a peak exactly on the note (the
	 * lowpass's delay is taken off the line): gain 0.5 + 0.5 * |wet|,
	 * wet = 1 / (1 - 0.9 |LP|) at the peak. */
	printf("\n  delay tracking A4 at 48 kHz: one period %+.4f dB, half a period %.1f dB\n",
	       20 * log10(in_phase), 20 * log10(cancel));
	CU_ASSERT(fabs(in_phase - 1.0) < 1e-3);
	CU_ASSERT(20 * log10(cancel) < -60.0);
}

/* ---- hostile inputs -------------------------------------------------------- */

/* NaN, infinite and huge notes and audio (a broken module upstream) give
 * finite output and leave the module working. */
static void
test_hostile_inputs(void)
{
	const ModuleType* types[] = {&module_delay, &module_comb, &module_pluck};
	const float       bad[]   = {NAN, INFINITY, -INFINITY, 1e30f, -1e30f, 0.0f};
	const size_t      n       = 4800;
	for (unsigned t = 0; t < 3; ++t) {
		Run r = run_new(types[t], 48000.0, n);
		for (size_t i = 0; i < n; ++i) {
			const float b = bad[(i / 100) % 6];
			if (types[t] == &module_pluck) {
				r.in[0][i] = b;                 /* note */
				r.in[1][i] = (i / 50) % 2;      /* plucked over and over */
			} else {
				r.in[0][i] = i % 3 ? b : 0.5f;  /* audio */
				r.in[1][i] = b;                 /* note */
				r.p[1][i]  = 1.0f;              /* track note */
			}
		}
		float* y = calloc(n, sizeof(float));
		run_render(&r, y, 0, n, 0);
		bool finite = true;
		for (size_t i = 0; i < n; ++i) {
			finite &= isfinite(y[i]) != 0;
		}
		CHECKF(finite, "%s: non-finite output from hostile inputs", types[t]->name);
		run_free(&r);
		free(y);
	}
}

/* ---- block splits -------------------------------------------------------- */

/* Every module gives the same samples in calls of 64, 1 and random sizes,
 * with its parameters moving (a note glide, a time sweep). */
static void
test_split_invariance(void)
{
	const ModuleType* types[] = {&module_delay, &module_comb, &module_pluck};
	const unsigned    chunks[] = {CHRONUS_SUBBLOCK, 1, 0, 7};
	const size_t      n        = 20000;
	for (unsigned t = 0; t < 3; ++t) {
		float* ref = NULL;
		for (unsigned c = 0; c < 4; ++c) {
			Run r = run_new(types[t], 48000.0, n);
			for (size_t i = 0; i < n; ++i) {
				r.in[0][i] = types[t] == &module_pluck ? 48.0f + (float)i * 1e-3f
				                                       : (float)sin(0.05 * (double)i) * (i % 3000 < 200);
				r.in[1][i] = types[t] == &module_pluck ? (i % 7000 < 5000) : 50.0f + (float)i * 1e-3f;
				r.p[0][i]  = types[t] == &module_pluck ? 2.0f : 1.0f + (float)i * 1e-3f; /* time / freq */
				r.p[1][i]  = types[t] == &module_pluck ? 0.3f : (float)(i / 10000);      /* track */
				r.p[3][i]  = types[t] == &module_pluck ? 0.6f : 0.8f;                   /* feedback */
			}
			float* y = calloc(n, sizeof(float));
			run_render(&r, y, 0, n, chunks[c]);
			run_free(&r);
			if (!c) {
				ref      = y;
				float pk = 0.0f;
				for (size_t i = 0; i < n; ++i) {
					pk = fmaxf(pk, fabsf(y[i]));
				}
				CU_ASSERT(pk > 0.01f);
				continue;
			}
			double worst = 0.0;
			for (size_t i = 0; i < n; ++i) {
				worst = fmax(worst, fabs((double)y[i] - ref[i]));
			}
			CHECKF(worst == 0.0, "%s: split %u differs by %g", types[t]->name, chunks[c], worst);
			free(y);
		}
		free(ref);
	}
}

/* The example patches as slots: the same samples in host blocks of 1, 64,
 * 4096 and random sizes, through notes, a release and a retrigger. */
static Slot*
example_slot(const char* name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/examples/%s", CHRONUS_SRCDIR, name);
	FILE* f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	char*        text = calloc(1, 1 << 16);
	const size_t len  = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	Patch*     p = malloc(sizeof(Patch));
	PatchError err;
	Slot*      s = patch_parse(text, len, p, &err) ? compile_patch(p, 48000.0, 8, &err) : NULL;
	if (!s) {
		fprintf(stderr, "%s: %s\n", name, err.message);
	}
	free(p);
	free(text);
	return s;
}

static void
render_in_blocks(Slot* s, float* out, unsigned total, unsigned block)
{
	static const struct {
		unsigned frame;
		int      on;
		uint8_t  note;
	} score[] = {{0, 1, 45}, {900, 1, 64}, {7001, 0, 45}, {9000, 1, 93}, {15000, 0, 64}, {16003, 1, 64},
	             {30000, 0, 93}, {31000, 0, 64}};
	unsigned pos = 0, e = 0, seed = 5u;
	while (pos < total) {
		seed       = seed * 1103515245u + 12345u;
		unsigned n = block ? block : 1u + (seed >> 16) % 700u;
		n          = n < total - pos ? n : total - pos;
		if (e < sizeof score / sizeof score[0] && score[e].frame < pos + n) {
			n = score[e].frame - pos;
		}
		if (n) {
			static float right[4096];
			for (unsigned k = 0; k < n; k += 4096) {
				const unsigned m = n - k < 4096 ? n - k : 4096;
				slot_render(s, out + pos + k, right, m);
				/* The examples have no pan: both channels the same. */
				CU_ASSERT(!memcmp(out + pos + k, right, m * sizeof(float)));
			}
			pos += n;
		}
		for (; e < sizeof score / sizeof score[0] && score[e].frame == pos; ++e) {
			if (score[e].on) {
				voices_note_on(s, score[e].note, 0.8f);
			} else {
				voices_note_off(s, score[e].note);
			}
		}
	}
}

static void
test_examples_split_invariance(void)
{
	static const char* names[] = {"pluck.chronus", "resonator.chronus"};
	const unsigned     blocks[] = {64, 1, 4096, 0};
	enum { TOTAL = 40000 };
	for (unsigned k = 0; k < 2; ++k) {
		float* ref = calloc(TOTAL, sizeof(float));
		float* out = calloc(TOTAL, sizeof(float));
		double worst = 0.0;
		for (unsigned b = 0; b < 4; ++b) {
			Slot* s = example_slot(names[k]);
			CU_ASSERT_PTR_NOT_NULL_FATAL(s);
			render_in_blocks(s, b ? out : ref, TOTAL, blocks[b]);
			slot_free(s);
			for (unsigned i = 0; b && i < TOTAL; ++i) {
				worst = fmax(worst, fabs((double)out[i] - ref[i]));
			}
		}
		float peak = 0.0f;
		for (unsigned i = 0; i < TOTAL; ++i) {
			peak = fmaxf(peak, fabsf(ref[i]));
		}
		printf("\n  examples/%s, blocks 1, 64, 4096, random: max difference %g (peak %.3f)", names[k], worst,
		       (double)peak);
		CU_ASSERT(peak > 0.05f);
		CU_ASSERT(worst <= 1e-6);
		free(ref);
		free(out);
	}
	printf("\n");
}

/* ---- figures ------------------------------------------------------------ */

/* x, with what prints as zero at 3 decimals printed as +0.000 (its sign
 * is float rounding, which may differ between builds). */
static double
tidy(double x)
{
	return fabs(x) < 0.0005 ? 0.0 : x;
}

void
delay_print_figures(FILE* f)
{
	for (unsigned r = 0; r < 3; ++r) {
		fprintf(f, "| pluck pitch error A1..A6 at %.1f kHz (damping 0.3), cents |", rates[r] / 1000.0);
		for (unsigned k = 0; k < 6; ++k) {
			fprintf(f, " %+.3f", tidy(pluck_cents(rates[r], a_notes[k], 0.3f)));
		}
		fprintf(f, " |\n");
	}
	fprintf(f, "| pluck pitch error A1..A6 at 48 kHz, damping 0.8, cents |");
	for (unsigned k = 0; k < 6; ++k) {
		fprintf(f, " %+.3f", tidy(pluck_cents(48000.0, a_notes[k], 0.8f)));
	}
	fprintf(f, " |\n");
	fprintf(f, "| pluck A2 measured T60 of the fundamental, decay 1 s / 3 s | %.3f s / %.3f s |\n",
	        pluck_t60(48000.0, 45, 1.0f, 0.3f), pluck_t60(48000.0, 45, 3.0f, 0.3f));
	const CombFigures c = comb_figures();
	fprintf(f, "| comb at 440 Hz, amount 0.9: feedback peak / trough (a sine at 1.5 f) | %+.3f dB / %.1f dB |\n",
	        tidy(20 * log10(c.fb_peak)), 20 * log10(c.fb_trough));
	fprintf(f, "| comb at 440 Hz, amount 0.9: feedforward peak / notch | %+.3f dB / %.1f dB |\n",
	        tidy(20 * log10(c.ff_peak)), 20 * log10(c.ff_notch));
	fprintf(f, "| comb tracking A4, amount 0.98: gain at 440 Hz | %+.3f dB |\n", tidy(20 * log10(c.track_peak)));
	/* The cancellation is float rounding: its exact figure is not stable. */
	const double cancel = 20 * log10(delay_track_gain(12.0f, 0.0f, 0.0f));
	fprintf(f, "| delay tracking A4 (48 kHz), mix 0.5: one period / half a period (Lagrange error) | %+.3f dB / %s |\n",
	        tidy(20 * log10(delay_track_gain(0.0f, 0.0f, 0.0f))), cancel < -120.0 ? "below -120 dB" : "above -120 dB");
}

int
suite_delay(void)
{
	CU_pSuite s = CU_add_suite("delay", NULL, NULL);
	return !s || !CU_add_test(s, "pluck is within 1 cent from A1 to A6", test_pluck_in_tune) ||
	       !CU_add_test(s, "pluck's fundamental decays in the set time", test_pluck_decay) ||
	       !CU_add_test(s, "a released pluck ends its voice", test_pluck_release_ends) ||
	       !CU_add_test(s, "a handed-over note is not plucked again", test_pluck_enter_held) ||
	       !CU_add_test(s, "comb peaks and notches sit on the tuned frequency", test_comb_tuned) ||
	       !CU_add_test(s, "delay echoes land on the sample", test_delay_echoes_on_the_sample) ||
	       !CU_add_test(s, "a note-tracked delay is one period long", test_delay_tracks_the_note) ||
	       !CU_add_test(s, "NaN, infinite and huge inputs give finite output", test_hostile_inputs) ||
	       !CU_add_test(s, "same samples however the frames are split", test_split_invariance) ||
	       !CU_add_test(s, "the example patches: same samples for any host block", test_examples_split_invariance);
}
