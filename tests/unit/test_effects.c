/* SPDX-License-Identifier: ISC
 *
 * The stereo master effects (MODULE_STEREO), run directly through
 * process_stereo:
 * - reverb: its decay time (RT60 by Schroeder backward integration, in the
 *   500 Hz and 2 kHz bands, within 10 % of the set decay), damping
 *   shortening the highs, the width of its tail (the correlation of the
 *   channels);
 * - chorus: its delay exact to the sample at depth 0, its pitch held on
 *   average, its width;
 * - echo: its repeats at exactly the time, or at the synced note value of
 *   the tempo (fed, or its bpm), alternating sides each `feedback` quieter
 *   in ping-pong, on their own side in stereo;
 * - comp: a signal of steady level on the static curve (threshold, ratio,
 *   knee, makeup) to 0.01 dB, one gain for both channels;
 * - phaser: still, its notches exactly where its allpasses put them;
 * - each: a dry mix that passes the input exactly, bounded output with
 *   every parameter jumping at random, and the same samples however a run
 *   is split into calls.
 * And in a patch: a stereo effect makes a mono patch stereo, its voices
 * centred at their full level (at mix 0 both channels are the mono
 * patch's, sample for sample). Figures for docs/modules.md come from
 * effects_print_figures().
 */
#include "compile.h"
#include "dsp/dsp_util.h"
#include "dsp/module.h"
#include "patch.h"
#include "slot.h"
#include "module_params.h"
#include "suites.h"
#include "voices.h"
#include "click.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const ModuleType module_reverb;
extern const ModuleType module_chorus;
extern const ModuleType module_echo;
extern const ModuleType module_comp;
extern const ModuleType module_phaser;
extern const ModuleType module_brickwall;



#define RATE 48000.0

#define CHECKF(cond, ...)                                                                                  \
	do {                                                                                                   \
		char msg_[256];                                                                                    \
		snprintf(msg_, sizeof msg_, __VA_ARGS__);                                                          \
		CU_assertImplementation((cond) ? CU_TRUE : CU_FALSE, __LINE__, msg_, __FILE__, "", CU_FALSE);      \
	} while (0)

/* A fresh instance rendering inputs l/r with params into outputs, in calls
 * of `chunk` frames (0: random 1..CHRONUS_SUBBLOCK from seed). */
static void
run(const ModuleType* t, const float* inl, const float* inr, const Params* ps, float* outl, float* outr, size_t n,
    unsigned chunk, uint32_t seed)
{
	run_stereo_module(t, RATE, inl, inr, ps, outl, outr, n, chunk, seed);
}

static double correlation(const float* l, const float* r, size_t from, size_t n);

enum { R_SIZE, R_DECAY, R_DAMPING, R_PREDELAY, R_WIDTH, R_MIX, R_TYPE };
static const char* const type_names[] = {"hall", "plate"};
#define N_TYPES 2

/* RBJ band-pass (0 dB peak) at f0, Q 2, in place. */
static void
bandpass(float* x, size_t n, double f0)
{
	const double w = DSP_TAU * f0 / RATE, alpha = sin(w) / (2.0 * 2.0), a0 = 1.0 + alpha;
	const double b0 = alpha / a0, b2 = -alpha / a0, a1 = -2.0 * cos(w) / a0, a2 = (1.0 - alpha) / a0;
	double       x1 = 0, x2 = 0, y1 = 0, y2 = 0;
	for (size_t i = 0; i < n; ++i) {
		const double y = b0 * x[i] + b2 * x2 - a1 * y1 - a2 * y2;
		x2             = x1;
		x1             = x[i];
		y2             = y1;
		y1             = y;
		x[i]           = (float)y;
	}
}

/* RT60 of x in the band around f0: Schroeder's backward-integrated energy,
 * the time from -5 to -25 dB, times 3 (T20). */
static double
rt60(const float* x, size_t n, double f0)
{
	float* y = malloc(n * sizeof(float));
	memcpy(y, x, n * sizeof(float));
	bandpass(y, n, f0);
	double* e = malloc(n * sizeof(double));
	double  acc = 0.0;
	for (size_t i = n; i-- > 0;) {
		acc += (double)y[i] * y[i];
		e[i] = acc;
	}
	double t5 = -1.0, t25 = -1.0;
	for (size_t i = 0; i < n && t25 < 0.0; ++i) {
		const double db = 10.0 * log10(e[i] / e[0]);
		if (t5 < 0.0 && db <= -5.0) {
			t5 = (double)i / RATE;
		}
		if (db <= -25.0) {
			t25 = (double)i / RATE;
		}
	}
	free(y);
	free(e);
	return t5 < 0.0 || t25 < 0.0 ? -1.0 : 3.0 * (t25 - t5);
}

/* The reverb's wet impulse response (mix 1, no pre-delay), left and right. */
static void
reverb_ir_typed(unsigned type, double size, double decay, double damping, double width, float* l, float* r, size_t n)
{
	float* in = calloc(n, sizeof(float));
	in[0]     = 1.0f;
	Params ps = params_new(&module_reverb, n, R_SIZE, size, R_DECAY, decay, R_DAMPING, damping, R_PREDELAY, 0.0,
	                       R_WIDTH, width, R_MIX, 1.0, R_TYPE, (double)type, -1);
	run(&module_reverb, in, in, &ps, l, r, n, CHRONUS_SUBBLOCK, 1);
	params_free(&ps);
	free(in);
}

static void
reverb_ir_sized(double size, double decay, double damping, double width, float* l, float* r, size_t n)
{
	reverb_ir_typed(0, size, decay, damping, width, l, r, n);
}

static void
reverb_ir(double decay, double damping, double width, float* l, float* r, size_t n)
{
	reverb_ir_sized(1.0, decay, damping, width, l, r, n);
}

static void
test_reverb_rt60(void)
{
	const double decays[] = {1.0, 3.0}, bands[] = {500.0, 2000.0};
	for (unsigned ty = 0; ty < N_TYPES; ++ty) {
		for (unsigned d = 0; d < 2; ++d) {
			const size_t n = (size_t)((decays[d] * 1.3 + 0.5) * RATE);
			float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
			reverb_ir_typed(ty, 1.0, decays[d], 20000.0, 1.0, l, r, n);
			for (unsigned b = 0; b < 2; ++b) {
				const double t = rt60(l, n, bands[b]);
				printf("\n  reverb %s decay %.1f s: RT60 %.3f s at %.0f Hz", type_names[ty], decays[d], t, bands[b]);
				CHECKF(fabs(t / decays[d] - 1.0) < 0.10, "reverb %s decay %g s: RT60 at %g Hz %.3f s (bound 10 %%)",
				       type_names[ty], decays[d], bands[b], t);
			}
			free(l);
			free(r);
		}
		/* The decay holds whatever the room's size (every line its own gain). */
		const double sizes[] = {0.3, 2.0};
		for (unsigned k = 0; k < 2; ++k) {
			const size_t n = (size_t)(3.1 * RATE);
			float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
			reverb_ir_typed(ty, sizes[k], 2.0, 20000.0, 1.0, l, r, n);
			const double t = rt60(l, n, 1000.0);
			printf("\n  reverb %s size %.1f, decay 2 s: RT60 %.3f s at 1 kHz", type_names[ty], sizes[k], t);
			CHECKF(fabs(t / 2.0 - 1.0) < 0.10, "reverb %s size %g: RT60 %.3f s (decay 2 s)", type_names[ty], sizes[k], t);
			free(l);
			free(r);
		}
	}
	printf("\n");
}

/* The build-up of an impulse response (left + right): when the first
 * sample reaches 1 % of the peak, the share of the first 200 ms's energy
 * in the first 20 ms, and the echo density of 5..25 ms (the fraction of
 * its samples above 1 % of the peak: 1 is a continuous wash, a few
 * discrete echoes give almost 0). */
static void
buildup(const float* l, const float* r, double* onset_ms, double* early_share, double* density)
{
	const size_t n200 = (size_t)(0.2 * RATE), n20 = (size_t)(0.02 * RATE);
	double       peak = 0.0, e20 = 0.0, e200 = 0.0;
	for (size_t i = 0; i < n200; ++i) {
		peak = fmax(peak, fmax(fabs((double)l[i]), fabs((double)r[i])));
	}
	*onset_ms = -1.0;
	size_t dense = 0;
	for (size_t i = 0; i < n200; ++i) {
		const double a = fmax(fabs((double)l[i]), fabs((double)r[i]));
		if (*onset_ms < 0.0 && a >= 0.01 * peak) {
			*onset_ms = 1000.0 * (double)i / RATE;
		}
		const double e = (double)l[i] * l[i] + (double)r[i] * r[i];
		e200 += e;
		e20 += i < n20 ? e : 0.0;
		dense += (i >= n20 / 4 && i < n20 * 5 / 4 && fabs((double)l[i]) >= 0.01 * peak) ? 1u : 0u;
	}
	*early_share = e20 / e200;
	*density     = (double)dense / (double)n20;
}

/* Plate against hall: the plate starts at once and is dense from the
 * start; the hall waits for its shortest line. Both tails wide. */
static void
test_reverb_types_buildup(void)
{
	const size_t n = (size_t)(1.5 * RATE);
	float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	double       onset[N_TYPES], share[N_TYPES], dens[N_TYPES], corr[N_TYPES];
	for (unsigned ty = 0; ty < N_TYPES; ++ty) {
		reverb_ir_typed(ty, 1.0, 2.0, 8000.0, 1.0, l, r, n);
		buildup(l, r, &onset[ty], &share[ty], &dens[ty]);
		corr[ty] = correlation(l, r, 0, n);
		printf("\n  reverb %s: onset %.2f ms, first 20 ms %.1f %% of the first 200 ms's energy, echo density "
		       "5..25 ms %.2f, tail left/right correlation %.3f",
		       type_names[ty], onset[ty], 100.0 * share[ty], dens[ty], corr[ty]);
		CHECKF(fabs(corr[ty]) < 0.3, "reverb %s: correlation %.3f", type_names[ty], corr[ty]);
	}
	printf("\n");
	CHECKF(onset[1] < 5.0 && onset[0] > 25.0, "onsets: plate %.2f ms, hall %.2f ms", onset[1], onset[0]);
	CHECKF(share[1] > 0.1 && share[1] > 4.0 * share[0], "early share: plate %.3f, hall %.3f", share[1], share[0]);
	CHECKF(dens[1] > 0.5 && dens[1] > 2.0 * dens[0], "echo density: plate %.2f, hall %.2f", dens[1], dens[0]);
	free(l);
	free(r);
}

/* Switching the type while it rings: the wet fades out and back in (at
 * most 20 ms), and the tail goes on in the new network. The input is a
 * steady 220 Hz sine, so the reverb's output is a smooth tone whose
 * second difference is small: a jump of the lines' read positions under
 * it (a switch with no fade) shows as a click. On noise it would not (a
 * noisy tail is as sharp as any jump). */
static void
test_reverb_type_switch(void)
{
	const size_t n = (size_t)(1.0 * RATE), at = (size_t)(0.5 * RATE);
	float *      in = calloc(n, sizeof(float)), *l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	for (size_t i = 0; i < n; ++i) {
		in[i] = 0.5f * (float)sin(DSP_TAU * 220.0 * (double)i / RATE);
	}
	for (unsigned from = 0; from < N_TYPES; ++from) {
		Params ps = params_new(&module_reverb, n, R_MIX, 1.0, R_TYPE, (double)from, -1);
		for (size_t i = at; i < n; ++i) {
			ps.p[R_TYPE][i] = (float)(1u - from);
		}
		run(&module_reverb, in, in, &ps, l, r, n, 0, 9);
		double before = 0.0, after = 0.0, gap = 1.0;
		for (size_t i = at - 4800; i < at; ++i) {
			before = fmax(before, fabs((double)l[i]));
		}
		for (size_t i = at + 960; i < at + 5760; ++i) {
			after = fmax(after, fabs((double)l[i]));
		}
		for (size_t i = at + 470; i < at + 490; ++i) {
			gap = fmin(gap, 1.0 - fabs((double)l[i]) / before); /* near silent at the switch */
		}
		const double m = click_metric_around(l, n, at, 960 + 480, 4096);
		printf("\n  reverb %s -> %s mid-tail: click metric %.2f, peak before %.3f, after %.3f",
		       type_names[from], type_names[1 - from], m, before, after);
		CHECKF(m <= CLICK_BOUND_PARAM_JUMP && after > 0.1 * before && gap > 0.9,
		       "type switch: metric %.2f, before %.3f after %.3f", m, before, after);
		params_free(&ps);
	}
	printf("\n");
	free(in);
	free(l);
	free(r);
}

/* Every choice of every stereo master effect (the reverb's type, the
 * echo's sync and mode, the phaser's stages) switched from its first
 * choice to its last and back while a steady 220 Hz sine plays through it
 * at its default mix: as for the reverb's type above, the sine keeps the
 * steady states smooth, so a jump in the wet signal (a read position or a
 * chain that changes at once) shows as a click. The metric's window runs
 * from the switch for as long as the effect holds what it heard: a switch
 * fades for up to 20 ms, and what the echo and the reverb write into their
 * lines at the switch comes round again later (the echo's 375 ms and each
 * repeat; the reverb's 10-146 ms lines, over and over), so for those two
 * it is 1.25 s; the phaser holds nothing longer than its allpasses ring,
 * and its LFO sweeps its level over a long window, so for it (and the
 * rest) 30 ms. Both channels. */
static void
test_effect_choices_switch(void)
{
	const ModuleType* const fx[] = {&module_reverb, &module_chorus, &module_echo,
	                                &module_comp,   &module_phaser, &module_brickwall};
	const size_t            n = (size_t)(3.0 * RATE), at = (size_t)(1.5 * RATE);
	float *                 in = malloc(n * sizeof(float)), *l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	for (size_t i = 0; i < n; ++i) {
		in[i] = 0.5f * (float)sin(DSP_TAU * 220.0 * (double)i / RATE);
	}
	unsigned switched = 0;
	for (unsigned t = 0; t < sizeof fx / sizeof fx[0]; ++t) {
		const bool   lines = fx[t] == &module_echo || fx[t] == &module_reverb;
		const size_t span  = lines ? (size_t)(1.25 * RATE) : (size_t)(0.030 * RATE);
		for (unsigned j = 0; j < fx[t]->n_params; ++j) {
			const ParamSpec* spec = &fx[t]->params[j];
			if (!spec->choices) {
				continue;
			}
			for (unsigned dir = 0; dir < 2; ++dir) {
				const float from = dir ? spec->max : spec->min, to = dir ? spec->min : spec->max;
				Params      ps   = params_new(fx[t], n, (int)j, (double)from, -1);
				for (size_t i = at; i < n; ++i) {
					ps.p[j][i] = to;
				}
				run(fx[t], in, in, &ps, l, r, n, 0, 5);
				const double ml = click_metric_around(l, n, at, span, 4096);
				const double mr = click_metric_around(r, n, at, span, 4096);
				const double m  = fmax(ml, mr);
				printf("\n  %s.%s %s -> %s on a sine: click metric %.2f", fx[t]->name, spec->name,
				       spec->choices[(unsigned)from], spec->choices[(unsigned)to], m);
				CHECKF(m <= CLICK_BOUND_PARAM_JUMP, "%s.%s %s -> %s: click metric %.2f (left %.2f, right %.2f)",
				       fx[t]->name, spec->name, spec->choices[(unsigned)from], spec->choices[(unsigned)to], m, ml, mr);
				params_free(&ps);
				++switched;
			}
		}
	}
	/* The echo's bpm (not smoothed) jumping while synced to a quarter: the
	 * delay jumps from 500 to 250 ms, and is crossfaded like a sync change. */
	{
		enum { E_SYNC = 1, E_BPM = 2 };
		Params ps = params_new(&module_echo, n, E_SYNC, 3.0, E_BPM, 120.0, -1);
		for (size_t i = at; i < n; ++i) {
			ps.p[E_BPM][i] = 240.0f;
		}
		run(&module_echo, in, in, &ps, l, r, n, 0, 5);
		const size_t span = (size_t)(1.25 * RATE);
		const double m    = fmax(click_metric_around(l, n, at, span, 4096), click_metric_around(r, n, at, span, 4096));
		printf("\n  echo.bpm 120 -> 240 synced to a quarter, on a sine: click metric %.2f", m);
		CHECKF(m <= CLICK_BOUND_PARAM_JUMP, "echo.bpm 120 -> 240 while synced: click metric %.2f", m);
		params_free(&ps);
	}
	printf("\n");
	CU_ASSERT(switched >= 8); /* reverb.type, echo.sync, echo.mode, phaser.stages: both ways */
	free(in);
	free(l);
	free(r);
}

static void
test_reverb_damping(void)
{
	const size_t n = (size_t)(3.0 * RATE);
	float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	reverb_ir(2.0, 2000.0, 1.0, l, r, n);
	const double lo = rt60(l, n, 250.0), hi = rt60(l, n, 6000.0);
	printf("\n  reverb decay 2 s, damping 2 kHz: RT60 %.3f s at 250 Hz, %.3f s at 6 kHz\n", lo, hi);
	CHECKF(fabs(lo / 2.0 - 1.0) < 0.15 && hi < 0.5 * lo, "damping: RT60 %.3f s at 250 Hz, %.3f s at 6 kHz", lo, hi);
	free(l);
	free(r);
}

/* Correlation of the channels over the tail's first 1.5 s. */
static double
correlation(const float* l, const float* r, size_t from, size_t n)
{
	double lr = 0, ll = 0, rr = 0;
	for (size_t i = from; i < n; ++i) {
		lr += (double)l[i] * r[i];
		ll += (double)l[i] * l[i];
		rr += (double)r[i] * r[i];
	}
	return lr / sqrt(ll * rr + 1e-300);
}

static void
test_reverb_width(void)
{
	const size_t n = (size_t)(1.5 * RATE);
	float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	reverb_ir(2.0, 8000.0, 1.0, l, r, n);
	const double wide = correlation(l, r, 0, n);
	reverb_ir(2.0, 8000.0, 0.0, l, r, n);
	const double mono = correlation(l, r, 0, n);
	printf("\n  reverb tail correlation of left and right: width 1 %.3f, width 0 %.3f\n", wide, mono);
	CHECKF(fabs(wide) < 0.3 && mono > 0.999, "correlation: width 1 %.3f, width 0 %.3f", wide, mono);
	free(l);
	free(r);
}


enum { C_RATE, C_DEPTH, C_DELAY, C_FEEDBACK, C_WIDTH, C_MIX };

/* Depth 0: each copy is the input delayed by exactly `delay`. */
static void
test_chorus_delay_exact(void)
{
	enum { N = 4096 };
	float* in = calloc(N, sizeof(float));
	float *l = calloc(N, sizeof(float)), *r = calloc(N, sizeof(float));
	in[0]     = 1.0f;
	Params ps = params_new(&module_chorus, N, C_DEPTH, 0.0, C_DELAY, 10.0, C_MIX, 1.0, -1);
	run(&module_chorus, in, in, &ps, l, r, N, CHRONUS_SUBBLOCK, 1);
	double off = 0.0;
	for (unsigned i = 0; i < N; ++i) {
		off = fmax(off, fabs((double)l[i] - (i == 480 ? 1.0 : 0.0)));
		off = fmax(off, fabs((double)r[i] - (i == 480 ? 1.0 : 0.0)));
	}
	printf("\n  chorus, depth 0, delay 10 ms: the impulse at frame 480, largest error %.2g\n", off);
	CU_ASSERT(off < 1e-6);
	params_free(&ps);
	free(in);
	free(l);
	free(r);
}

/* A 1 kHz sine through the swept copies: each copy's pitch rises and falls
 * with its sweep, but over whole LFO cycles the output stays at 1 kHz
 * (counted by zero crossings: a chorus must not detune); the channels
 * differ at width 1 (their sweeps a quarter cycle apart: with no sweep they
 * could not) and are the same sample for sample at width 0. */
static void
test_chorus_sweep_and_width(void)
{
	const size_t n  = (size_t)(2.0 * RATE);
	float*       in = malloc(n * sizeof(float));
	float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	for (size_t i = 0; i < n; ++i) {
		in[i] = 0.5f * (float)sin(DSP_TAU * 1000.0 * (double)i / RATE);
	}
	Params ps = params_new(&module_chorus, n, C_RATE, 1.0, C_DEPTH, 2.0, C_MIX, 0.5, -1);
	run(&module_chorus, in, in, &ps, l, r, n, CHRONUS_SUBBLOCK, 1);
	double diff = 0.0;
	unsigned crossings = 0;
	for (size_t i = (size_t)RATE / 2; i < n; ++i) {
		diff = fmax(diff, fabs((double)l[i] - r[i]));
		crossings += l[i - 1] < 0.0f && l[i] >= 0.0f;
	}
	params_free(&ps);
	ps = params_new(&module_chorus, n, C_RATE, 1.0, C_DEPTH, 2.0, C_MIX, 0.5, C_WIDTH, 0.0, -1);
	run(&module_chorus, in, in, &ps, l, r, n, CHRONUS_SUBBLOCK, 1);
	const bool same = memcmp(l, r, n * sizeof(float)) == 0;
	printf("\n  chorus 1 Hz, depth 2 ms: %u rising crossings in 1.5 s (1500 at 1 kHz), left-right difference %.3f at "
	       "width 1, channels %s at width 0\n",
	       crossings, diff, same ? "identical" : "DIFFERENT");
	CU_ASSERT(abs((int)crossings - 1500) <= 2);
	CU_ASSERT(diff > 0.05 && same);
	params_free(&ps);
	free(in);
	free(l);
	free(r);
}

/* mix 0 passes the input exactly; noise with every parameter random every
 * sample stays under `bound`; random call sizes give the same samples. */
static void
check_dry_bounded_split(const ModuleType* t, int mix, float bound)
{
	const size_t n  = (size_t)(2.0 * RATE);
	float *      il = malloc(n * sizeof(float)), *ir = malloc(n * sizeof(float));
	float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	float *      l2 = malloc(n * sizeof(float)), *r2 = malloc(n * sizeof(float));
	uint32_t     seed = 11u;
	for (size_t i = 0; i < n; ++i) {
		il[i] = rnd_uniform(&seed);
		ir[i] = rnd_uniform(&seed);
	}
	Params dry = params_new(t, n, mix, 0.0, -1);
	run(t, il, ir, &dry, l, r, n, CHRONUS_SUBBLOCK, 1);
	CU_ASSERT(memcmp(l, il, n * sizeof(float)) == 0 && memcmp(r, ir, n * sizeof(float)) == 0);
	params_free(&dry);
	Params ps = params_new(t, n, -1);
	for (size_t i = 0; i < n; ++i) {
		for (unsigned j = 0; j < t->n_params; ++j) {
			const ParamSpec* s = &t->params[j];
			ps.p[j][i]         = s->min + (s->max - s->min) * (0.5f + 0.5f * rnd_uniform(&seed));
		}
	}
	run(t, il, ir, &ps, l, r, n, CHRONUS_SUBBLOCK, 1);
	float peak = 0.0f;
	for (size_t i = 0; i < n; ++i) {
		peak = isfinite(l[i]) && isfinite(r[i]) ? fmaxf(peak, fmaxf(fabsf(l[i]), fabsf(r[i]))) : INFINITY;
	}
	printf("\n  %s, white noise, every parameter random every sample: peak %.2f\n", t->name, (double)peak);
	CU_ASSERT(peak < bound);
	run(t, il, ir, &ps, l2, r2, n, 0, 5);
	CU_ASSERT(memcmp(l, l2, n * sizeof(float)) == 0 && memcmp(r, r2, n * sizeof(float)) == 0);
	params_free(&ps);
	free(il);
	free(ir);
	free(l);
	free(r);
	free(l2);
	free(r2);
}

static void
test_chorus_dry_bounded_split(void)
{
	check_dry_bounded_split(&module_chorus, C_MIX, 12.0f);
}

static void
test_reverb_dry_bounded_split(void)
{
	check_dry_bounded_split(&module_reverb, R_MIX, 8.0f);
}

enum { E_TIME, E_SYNC, E_BPM, E_FEEDBACK, E_MODE, E_LOWCUT, E_HIGHCUT, E_MIX };

/* An echo run on an impulse at frame 0 (left only when `left_only`), the
 * tempo input fed with `tempo` (0: unconnected); the frames and values of
 * the nonzero output samples of each channel (at most 8). */
typedef struct {
	unsigned at[2][8];
	float    v[2][8];
	unsigned n[2];
} Echoes;

static Echoes
echo_impulse(const Params* ps, size_t n, float tempo, bool left_only)
{
	float *il = calloc(n, sizeof(float)), *ir = calloc(n, sizeof(float)), *tp = calloc(n, sizeof(float));
	float *l = calloc(n, sizeof(float)), *r = calloc(n, sizeof(float));
	il[0] = 1.0f;
	ir[0] = left_only ? 0.0f : 1.0f;
	for (size_t i = 0; i < n; ++i) {
		tp[i] = tempo;
	}
	void* state = calloc(1, module_echo.state_size);
	module_echo.init(state, RATE);
	for (size_t i = 0; i < n; i += CHRONUS_SUBBLOCK) {
		const unsigned len = n - i < CHRONUS_SUBBLOCK ? (unsigned)(n - i) : CHRONUS_SUBBLOCK;
		ModuleIO       io[2];
		memset(io, 0, sizeof io);
		for (unsigned c = 0; c < 2; ++c) {
			io[c].in[0] = (c ? ir : il) + i;
			io[c].in[1] = tp + i;
			io[c].out   = (c ? r : l) + i;
			io[c].n     = len;
			io[c].lanes = 1;
			for (unsigned j = 0; j < module_echo.n_params; ++j) {
				io[c].param[j] = ps->p[j] + i;
			}
		}
		module_echo.process_stereo(state, &io[0], &io[1]);
	}
	Echoes e;
	memset(&e, 0, sizeof e);
	for (unsigned c = 0; c < 2; ++c) {
		const float* y = c ? r : l;
		for (size_t i = 0; i < n; ++i) {
			if (fabsf(y[i]) > 1e-6f && e.n[c] < 8) {
				e.at[c][e.n[c]] = (unsigned)i;
				e.v[c][e.n[c]++] = y[i];
			}
		}
	}
	free(state);
	free(il);
	free(ir);
	free(tp);
	free(l);
	free(r);
	return e;
}

static void
test_echo_pingpong_exact(void)
{
	const size_t n  = 40000;
	Params       ps = params_new(&module_echo, n, E_TIME, 250.0, E_FEEDBACK, 0.5, E_LOWCUT, 20.0, E_HIGHCUT, 20000.0,
	                             E_MIX, 1.0, -1);
	const Echoes e  = echo_impulse(&ps, n, 0.0f, false);
	printf("\n  echo ping-pong 250 ms, feedback 0.5: left");
	for (unsigned k = 0; k < e.n[0]; ++k) {
		printf(" %.4f@%u", (double)e.v[0][k], e.at[0][k]);
	}
	printf(", right");
	for (unsigned k = 0; k < e.n[1]; ++k) {
		printf(" %.4f@%u", (double)e.v[1][k], e.at[1][k]);
	}
	printf("\n");
	CU_ASSERT(e.n[0] == 2 && e.n[1] == 1);
	CU_ASSERT(e.at[0][0] == 12000 && fabsf(e.v[0][0] - 1.0f) < 1e-6f);
	CU_ASSERT(e.at[1][0] == 24000 && fabsf(e.v[1][0] - 0.5f) < 1e-6f);
	CU_ASSERT(e.at[0][1] == 36000 && fabsf(e.v[0][1] - 0.25f) < 1e-6f);
	params_free(&ps);

	/* Stereo: the left impulse repeats on the left alone. */
	ps              = params_new(&module_echo, n, E_TIME, 250.0, E_FEEDBACK, 0.5, E_MODE, 1.0, E_LOWCUT, 20.0,
	                             E_HIGHCUT, 20000.0, E_MIX, 1.0, -1);
	const Echoes st = echo_impulse(&ps, n, 0.0f, true);
	CU_ASSERT(st.n[1] == 0 && st.n[0] == 3);
	CU_ASSERT(st.at[0][0] == 12000 && st.at[0][1] == 24000 && fabsf(st.v[0][1] - 0.5f) < 1e-6f);
	params_free(&ps);
}

static void
test_echo_sync(void)
{
	const size_t n = 20000;
	/* 1/8 of 120 BPM from the tempo input: 250 ms; the input unfed, the
	 * bpm parameter (100): 300 ms; a dotted 1/8 of 120: 375 ms. */
	Params       ps  = params_new(&module_echo, n, E_SYNC, 4.0, E_BPM, 100.0, E_FEEDBACK, 0.0, E_MIX, 1.0, -1);
	const Echoes fed = echo_impulse(&ps, n, 120.0f, false), unfed = echo_impulse(&ps, n, 0.0f, false);
	params_free(&ps);
	ps                  = params_new(&module_echo, n, E_SYNC, 7.0, E_FEEDBACK, 0.0, E_MIX, 1.0, -1);
	const Echoes dotted = echo_impulse(&ps, n, 120.0f, false);
	params_free(&ps);
	printf("\n  echo sync 1/8: %u frames at 120 BPM (tempo input), %u at 100 BPM (bpm); 1/8 dotted at 120: %u\n",
	       fed.n[0] ? fed.at[0][0] : 0, unfed.n[0] ? unfed.at[0][0] : 0, dotted.n[0] ? dotted.at[0][0] : 0);
	CU_ASSERT(fed.n[0] >= 1 && fed.at[0][0] == 12000);
	CU_ASSERT(unfed.n[0] >= 1 && unfed.at[0][0] == 14400);
	CU_ASSERT(dotted.n[0] >= 1 && dotted.at[0][0] == 18000);
}

/* A feedback up to 0.95 with the filters out of the loop: repeats of white
 * noise pile up to at most 1 / (1 - 0.95) of it. */
static void
test_echo_dry_bounded_split(void)
{
	check_dry_bounded_split(&module_echo, E_MIX, 24.0f);
}

enum { K_THRESHOLD, K_RATIO, K_KNEE, K_ATTACK, K_RELEASE, K_MAKEUP, K_MIX };

/* The compressor on a square wave of steady peak level (left at `db`
 * dBFS, right `right_db` from it): the level of the left output after it
 * settled, in dBFS, and the right's gain against the left's (stereo link:
 * 0 dB). */
static void
comp_square_lr(double db, double right_db, double threshold, double ratio, double knee, double makeup, double* out_db,
               double* link_db)
{
	const size_t n = (size_t)RATE;
	float *      il = malloc(n * sizeof(float)), *ir = malloc(n * sizeof(float));
	float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	const float  a = (float)pow(10.0, db / 20.0);
	for (size_t i = 0; i < n; ++i) {
		il[i] = (i / 48) % 2 ? a : -a; /* 500 Hz */
		ir[i] = (float)pow(10.0, right_db / 20.0) * il[i];
	}
	Params ps = params_new(&module_comp, n, K_THRESHOLD, threshold, K_RATIO, ratio, K_KNEE, knee, K_ATTACK, 5.0,
	                       K_RELEASE, 50.0, K_MAKEUP, makeup, -1);
	run(&module_comp, il, ir, &ps, l, r, n, CHRONUS_SUBBLOCK, 1);
	*out_db  = 20.0 * log10(fabs((double)l[n - 1]));
	*link_db = 20.0 * log10(fabs((double)r[n - 1] / ir[n - 1])) - 20.0 * log10(fabs((double)l[n - 1] / il[n - 1]));
	params_free(&ps);
	free(il);
	free(ir);
	free(l);
	free(r);
}

static void
comp_square(double db, double threshold, double ratio, double knee, double makeup, double* out_db, double* link_db)
{
	comp_square_lr(db, -20.0, threshold, ratio, knee, makeup, out_db, link_db);
}

/* On the static curve: -10 dBFS into threshold -20, ratio 4, hard knee:
 * 2.5 dB over, -17.5 dBFS; with 6 dB of makeup, -11.5; under the
 * threshold nothing changes; in the middle of a 12 dB knee (at the
 * threshold), a quarter-way curve: (1/4 - 1) x 6^2 / 24 = -1.125 dB. */
static void
test_comp_static_curve(void)
{
	double o1, o2, o3, o4, link;
	comp_square(-10.0, -20.0, 4.0, 0.0, 0.0, &o1, &link);
	comp_square(-10.0, -20.0, 4.0, 0.0, 6.0, &o2, &link);
	comp_square(-30.0, -20.0, 4.0, 0.0, 0.0, &o3, &link);
	comp_square(-20.0, -20.0, 4.0, 12.0, 0.0, &o4, &link);
	printf("\n  comp, ratio 4 at -20 dB: -10 dBFS in -> %.3f dBFS (makeup 6: %.3f), -30 in -> %.3f, "
	       "-20 in a 12 dB knee -> %.3f; right's gain against left's %+.3f dB\n",
	       o1, o2, o3, o4, link);
	CU_ASSERT(fabs(o1 + 17.5) < 0.01 && fabs(o2 + 11.5) < 0.01 && fabs(o3 + 30.0) < 0.01);
	CU_ASSERT(fabs(o4 - (-20.0 - 1.125)) < 0.01);
	CU_ASSERT(fabs(link) < 0.001);
	/* The louder channel drives both: a quiet left (-30 dBFS, under the
	 * threshold) beside a right at -10 is compressed by the right's 7.5 dB. */
	double quiet, link2;
	comp_square_lr(-30.0, 20.0, -20.0, 4.0, 0.0, 0.0, &quiet, &link2);
	printf("  comp: left at -30 dBFS beside a right at -10: left out at %.3f dBFS (want -37.5)\n", quiet);
	CU_ASSERT(fabs(quiet + 37.5) < 0.01 && fabs(link2) < 0.001);
}

static void
test_comp_dry_bounded_split(void)
{
	check_dry_bounded_split(&module_comp, K_MIX, 24.0f); /* makeup up to +24 dB */
}

enum { PH_RATE, PH_DEPTH, PH_CENTER, PH_STAGES, PH_FEEDBACK, PH_WIDTH, PH_MIX };

/* |H| in dB at f of a response h of n samples (no window: it has decayed). */
static double
response_db(const float* h, size_t n, double f)
{
	double re = 0.0, im = 0.0;
	for (size_t k = 0; k < n; ++k) {
		re += h[k] * cos(DSP_TAU * f * (double)k / RATE);
		im -= h[k] * sin(DSP_TAU * f * (double)k / RATE);
	}
	return 10.0 * log10(re * re + im * im + 1e-300);
}

/* Still (depth 0), four stages at 1 kHz, mix 0.5: the notches where
 * tan(pi f / fs) = tan(pi 1000 / fs) tan(k pi / 8), k = 1, 3 (414.7 and
 * 2397.8 Hz at 48 kHz), deep; the lows pass, and at 1 kHz (four times 90 degrees)
 * the phased copy is back in phase. */
static double
phaser_notch(double f0, double k, unsigned stages)
{
	return RATE / DSP_PI * atan(tan(DSP_PI * f0 / RATE) * tan(k * DSP_PI / (2.0 * stages)));
}

static void
test_phaser_notches(void)
{
	enum { N = 16384 };
	float* in = calloc(N, sizeof(float));
	float *l = calloc(N, sizeof(float)), *r = calloc(N, sizeof(float));
	in[0]     = 1.0f;
	Params ps = params_new(&module_phaser, N, PH_DEPTH, 0.0, PH_CENTER, 1000.0, PH_STAGES, 1.0, -1);
	run(&module_phaser, in, in, &ps, l, r, N, CHRONUS_SUBBLOCK, 1);
	const double f1 = phaser_notch(1000.0, 1.0, 4), f2 = phaser_notch(1000.0, 3.0, 4);
	const double n1 = response_db(l, N, f1), n2 = response_db(l, N, f2);
	const double lo = response_db(l, N, 20.0), mid = response_db(l, N, 1000.0);
	printf("\n  phaser, 4 stages at 1 kHz, still: %.1f dB at %.1f Hz, %.1f dB at %.1f Hz; %.2f dB at 20 Hz, %.2f dB at 1 kHz\n",
	       n1, f1, n2, f2, lo, mid);
	CU_ASSERT(n1 < -60.0 && n2 < -60.0 && fabs(lo) < 0.1 && fabs(mid) < 0.05);
	params_free(&ps);
	free(in);
	free(l);
	free(r);
}

static void
test_phaser_dry_bounded_split(void)
{
	check_dry_bounded_split(&module_phaser, PH_MIX, 24.0f);
}

static Slot*
slot_of(const char* text)
{
	PatchError err;
	Patch*     p = malloc(sizeof(Patch));
	Slot*      s = NULL;
	if (patch_parse(text, strlen(text), p, &err)) {
		s = compile_patch(p, RATE, 8, &err);
	}
	if (!s) {
		printf("\n  cannot compile: %s", err.message);
	}
	free(p);
	return s;
}

/* A chord through the slot: left and right, n frames. */
static void
play_chord(Slot* s, float* l, float* r, unsigned n)
{
	voices_note_on(s, 48, 0.8f);
	voices_note_on(s, 55, 0.8f);
	voices_note_on(s, 64, 0.8f);
	for (unsigned i = 0; i < n; i += 256) {
		slot_render(s, l + i, r + i, 256);
	}
}

static void
test_stereo_effect_in_a_patch(void)
{
	enum { N = 24064 };
	static const char* mono = "create o saw\ncreate e adsr\ncreate a vca\nconnect o a\nconnect e a.gain 0.3\nout a\n";
	static const char* dry  = "create o saw\ncreate e adsr\ncreate a vca\nconnect o a\nconnect e a.gain 0.3\n"
	                          "create fx reverb master\nconnect a fx\nset fx.mix 0\nout fx\n";
	static const char* wet  = "create o saw\ncreate e adsr\ncreate a vca\nconnect o a\nconnect e a.gain 0.3\n"
	                          "create fx reverb master\nconnect a fx\nset fx.mix 0.5\nout fx\n";
	float* y[6];
	for (unsigned k = 0; k < 6; ++k) {
		y[k] = calloc(N, sizeof(float));
	}
	const char* texts[3] = {mono, dry, wet};
	for (unsigned k = 0; k < 3; ++k) {
		Slot* s = slot_of(texts[k]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		play_chord(s, y[2 * k], y[2 * k + 1], N);
		slot_free(s);
	}
	CU_ASSERT(memcmp(y[0], y[2], N * sizeof(float)) == 0); /* mix 0: the mono patch, left */
	CU_ASSERT(memcmp(y[0], y[3], N * sizeof(float)) == 0); /* and right */
	double diff = 0.0, peak = 0.0;
	for (unsigned i = 0; i < N; ++i) {
		diff = fmax(diff, fabs((double)y[4][i] - y[5][i]));
		peak = fmax(peak, fabs((double)y[4][i]));
	}
	printf("\n  saw chord through the reverb at mix 0.5: peak %.3f, largest left-right difference %.3f\n", peak, diff);
	CU_ASSERT(peak > 0.05 && diff > 0.01);
	for (unsigned k = 0; k < 6; ++k) {
		free(y[k]);
	}
}

void
effects_print_figures(FILE* f)
{
	const size_t n = (size_t)(4.4 * RATE);
	float *      l = malloc(n * sizeof(float)), *r = malloc(n * sizeof(float));
	const double decays[] = {1.0, 3.0};
	for (unsigned d = 0; d < 2; ++d) {
		reverb_ir(decays[d], 20000.0, 1.0, l, r, n);
		fprintf(f, "| reverb decay %.0f s (damping 20 kHz): RT60 at 500 Hz / 2 kHz | %.3f / %.3f s |\n", decays[d],
		        rt60(l, n, 500.0), rt60(l, n, 2000.0));
	}
	reverb_ir(2.0, 2000.0, 1.0, l, r, n);
	fprintf(f, "| reverb decay 2 s, damping 2 kHz: RT60 at 250 Hz / 6 kHz | %.3f / %.3f s |\n", rt60(l, n, 250.0),
	        rt60(l, n, 6000.0));
	reverb_ir(2.0, 8000.0, 1.0, l, r, (size_t)(1.5 * RATE));
	fprintf(f, "| reverb tail, left/right correlation at width 1 (first 1.5 s) | %.3f |\n",
	        correlation(l, r, 0, (size_t)(1.5 * RATE)));
	for (unsigned d = 0; d < 2; ++d) {
		reverb_ir_typed(1, 1.0, decays[d], 20000.0, 1.0, l, r, n);
		fprintf(f, "| reverb plate decay %.0f s (damping 20 kHz): RT60 at 500 Hz / 2 kHz | %.3f / %.3f s |\n",
		        decays[d], rt60(l, n, 500.0), rt60(l, n, 2000.0));
	}
	for (unsigned ty = 0; ty < N_TYPES; ++ty) {
		double onset, share, dens;
		reverb_ir_typed(ty, 1.0, 2.0, 8000.0, 1.0, l, r, (size_t)(1.5 * RATE));
		buildup(l, r, &onset, &share, &dens);
		fprintf(f,
		        "| reverb %s (size 1, decay 2 s): onset / energy in the first 20 ms (of 200) / echo density 5..25 ms / "
		        "tail left-right correlation | %.1f ms / %.1f %% / %.2f / %.3f |\n",
		        type_names[ty], onset, 100.0 * share, dens, correlation(l, r, 0, (size_t)(1.5 * RATE)));
	}
	free(l);
	free(r);
}

int
suite_effects(void)
{
	CU_pSuite s = CU_add_suite("effects", NULL, NULL);
	return !s || !CU_add_test(s, "reverb: RT60 within 10 % of the decay at 500 Hz and 2 kHz", test_reverb_rt60) ||
	       !CU_add_test(s, "reverb: damping shortens the highs", test_reverb_damping) ||
	       !CU_add_test(s, "reverb: a wide tail, mono at width 0", test_reverb_width) ||
	       !CU_add_test(s, "reverb: plate builds up at once and dense, hall after a gap", test_reverb_types_buildup) ||
	       !CU_add_test(s, "reverb: a type switch mid-tail fades, no click", test_reverb_type_switch) ||
	       !CU_add_test(s, "every master-effect choice switched on a sine: no click", test_effect_choices_switch) ||
	       !CU_add_test(s, "reverb: dry passes exactly, bounded, split-invariant", test_reverb_dry_bounded_split) ||
	       !CU_add_test(s, "a stereo effect makes a mono patch stereo, centred at full level", test_stereo_effect_in_a_patch) ||
	       !CU_add_test(s, "chorus: depth 0 delays by exactly the delay", test_chorus_delay_exact) ||
	       !CU_add_test(s, "chorus: in tune on average, wide at width 1, mono at 0", test_chorus_sweep_and_width) ||
	       !CU_add_test(s, "chorus: dry passes exactly, bounded, split-invariant", test_chorus_dry_bounded_split) ||
	       !CU_add_test(s, "echo: ping-pong repeats exact in time and level, stereo on its side", test_echo_pingpong_exact) ||
	       !CU_add_test(s, "echo: synced to the tempo input or the bpm", test_echo_sync) ||
	       !CU_add_test(s, "echo: dry passes exactly, bounded, split-invariant", test_echo_dry_bounded_split) ||
	       !CU_add_test(s, "comp: on the static curve, one gain for both channels", test_comp_static_curve) ||
	       !CU_add_test(s, "comp: dry passes exactly, bounded, split-invariant", test_comp_dry_bounded_split) ||
	       !CU_add_test(s, "phaser: its notches where the allpasses put them", test_phaser_notches) ||
	       !CU_add_test(s, "phaser: dry passes exactly, bounded, split-invariant", test_phaser_dry_bounded_split);
}
