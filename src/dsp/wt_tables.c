/* SPDX-License-Identifier: ISC
 *
 * Band-limiting waves into wavetables (dsp/wavetable.h), and the built-in
 * tables. A wave's harmonics come from one FFT of the wave (the additive
 * built-in tables give theirs directly); each mip level is the inverse FFT
 * of the harmonics it keeps (two levels a transform), so a level is exactly the
 * wave low-passed with a brick wall at its top harmonic (no ripple, no
 * roll-off below it). The built-in tables are drawn in the time domain at
 * WT_LEN samples a cycle and go through the same road as a WAV file's
 * waves; they are made once per process (pthread_once, on the worker
 * thread that first creates a wavetable module) and only read after.
 * Linear crossfades between adjacent frames are what the oscillator plays
 * between them, so a table whose morph is a crossfade (basic, vocal)
 * needs only its key frames; one whose shape moves (a pulse's width, a
 * sync ratio) has 32.
 */
#include "dsp/wavetable.h"

#include "dsp/dsp_util.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const char* const wt_table_choices[] = {"basic", "pwm", "harmonic", "vocal", "sync", "digital", NULL};

static WtTable*       builtin[WT_BUILTIN_COUNT];
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

/* Worker thread: the harmonics of one wave (x, n samples, n a power of
 * two) as complex amplitudes c[h] (re, im; x = sum 2 Re(c[h] e^(i 2 pi h
 * t))), h = 1 .. WT_HARMONICS; those at or above n / 2 are 0. z: 2 n
 * doubles of scratch. */
static void
wt_harmonics(const float* x, unsigned n, double* z, double* c)
{
	for (unsigned i = 0; i < n; ++i) {
		z[2 * i]     = x[i] == x[i] ? dsp_clamp((double)x[i], -1e6, 1e6) : 0.0; /* NaN: 0 */
		z[2 * i + 1] = 0.0;
	}
	osc_fft(z, n, -1);
	memset(c, 0, 2 * (WT_HARMONICS + 1) * sizeof(double));
	for (unsigned h = 1; h <= WT_HARMONICS && h < n / 2; ++h) {
		c[2 * h]     = z[2 * h] / n;
		c[2 * h + 1] = z[2 * h + 1] / n;
	}
}

/* Worker thread: levels k and k + 1 of a frame from its harmonics, in one
 * inverse FFT: both are real, so level k's spectrum (Hermitian) goes in
 * the real part and level k + 1's in the imaginary part (z: 2 WT_LEN
 * doubles of scratch). Returns level k's peak. */
static double
wt_make_levels(const double* c, unsigned k, double* z, float* out0, float* out1)
{
	const unsigned top0 = WT_HARMONICS >> k, top1 = WT_HARMONICS >> (k + 1);
	memset(z, 0, 2 * WT_LEN * sizeof(double));
	for (unsigned h = 1; h <= top0; ++h) {
		const double re = c[2 * h], im = c[2 * h + 1];
		/* level k: c at h, its conjugate at N - h */
		z[2 * h] += re;
		z[2 * h + 1] += im;
		z[2 * (WT_LEN - h)] += re;
		z[2 * (WT_LEN - h) + 1] -= im;
		if (h <= top1) { /* level k + 1 times i */
			z[2 * h] -= im;
			z[2 * h + 1] += re;
			z[2 * (WT_LEN - h)] += im;
			z[2 * (WT_LEN - h) + 1] += re;
		}
	}
	osc_fft(z, WT_LEN, 1);
	double peak = 0.0;
	for (unsigned i = 0; i < WT_LEN; ++i) {
		out0[i] = (float)z[2 * i];
		out1[i] = (float)z[2 * i + 1];
		peak    = fmax(peak, fabs(z[2 * i]));
	}
	out0[WT_LEN] = out0[0]; /* the guard samples */
	out1[WT_LEN] = out1[0];
	return peak;
}

#define WT_SPECTRUM (2 * (WT_HARMONICS + 1)) /* doubles of one frame's harmonics */

/* Worker thread: a table from its frames' harmonics (c: frames x
 * WT_SPECTRUM, as wt_harmonics makes them), scaled so its loudest frame
 * peaks at 1. */
static WtTable*
wt_table_from_spectra(const double* c, unsigned frames)
{
	WtTable* t = malloc(wt_table_bytes(frames));
	double*  z = malloc(2 * WT_LEN * sizeof(double));
	if (!t || !z) {
		free(t);
		free(z);
		return NULL;
	}
	t->frames   = frames;
	double peak = 0.0;
	for (unsigned f = 0; f < frames; ++f) {
		for (unsigned k = 0; k < WT_LEVELS; k += 2) { /* WT_LEVELS is even */
			const double p = wt_make_levels(c + (size_t)f * WT_SPECTRUM, k, z, (float*)wt_level(t, f, k),
			                                (float*)wt_level(t, f, k + 1));
			peak           = k == 0 ? fmax(peak, p) : peak;
		}
	}
	const float  gain = peak > 1e-9 ? (float)(1.0 / peak) : 0.0f; /* silence stays silence */
	const size_t n    = (size_t)frames * WT_LEVELS * WT_STRIDE;
	for (size_t i = 0; i < n; ++i) {
		t->data[i] *= gain;
	}
	free(z);
	return t;
}

WtTable*
wt_table_from_waves(const float* x, unsigned frames, unsigned wave)
{
	if (!frames || frames > WT_MAX_FRAMES || wave < WT_MIN_WAVE || wave > WT_MAX_WAVE || (wave & (wave - 1))) {
		return NULL;
	}
	double* z = malloc(2 * (size_t)wave * sizeof(double));
	double* c = malloc((size_t)frames * WT_SPECTRUM * sizeof(double));
	if (!z || !c) {
		free(z);
		free(c);
		return NULL;
	}
	for (unsigned f = 0; f < frames; ++f) {
		wt_harmonics(x + (size_t)f * wave, wave, z, c + (size_t)f * WT_SPECTRUM);
	}
	WtTable* t = wt_table_from_spectra(c, frames);
	free(z);
	free(c);
	return t;
}

/* ---- the built-in tables, drawn at WT_LEN samples a cycle ------------------ */

/* basic: sine, triangle, saw, square (each 0 at phase 0, rising). */
static float
draw_basic(unsigned f, unsigned frames, double t)
{
	(void)frames;
	switch (f) {
	case 0: return (float)sin(DSP_TAU * t);
	case 1: return (float)(t < 0.25 ? 4.0 * t : (t < 0.75 ? 2.0 - 4.0 * t : 4.0 * t - 4.0));
	case 2: return (float)(t < 0.5 ? 2.0 * t : 2.0 * t - 2.0);
	default: return t == 0.0 || t == 0.5 ? 0.0f : (t < 0.5 ? 1.0f : -1.0f);
	}
}

/* pwm: a pulse narrowing from a square (width 0.5) to width 0.05. */
static float
draw_pwm(unsigned f, unsigned frames, double t)
{
	const double w = 0.5 - 0.45 * f / (frames - 1);
	return t == 0.0 ? 0.0f : (t < w ? 1.0f : -1.0f);
}

/* harmonic: a saw-like 1/h series with a resonant bump of partials
 * sweeping from the 2nd harmonic to the 32nd; the fundamental stays.
 * Amplitude of harmonic h (sine phase), up to 64. */
static double
amp_harmonic(unsigned f, unsigned frames, unsigned h)
{
	const double centre = 2.0 + 30.0 * f / (frames - 1);
	const double d      = (h - centre) / 1.5;
	return h > 64 ? 0.0 : 0.5 / h + (h > 1 ? 0.8 * exp(-d * d) : 0.5);
}

/* vocal: a glottal 1/sqrt(h) source through the formants of the vowels
 * a, e, i, o, u, as sung at 130 Hz (a wavetable's formants move with the
 * note, as a cycle stretched or squeezed would); harmonics up to 48. */
static double
amp_vocal(unsigned f, unsigned frames, unsigned h)
{
	static const double formant[5][3] = {
		{800, 1150, 2900}, {400, 1600, 2700}, {350, 2300, 3000}, {450, 800, 2830}, {325, 700, 2530},
	};
	static const double gain[3] = {1.0, 0.6, 0.25}, width[3] = {80, 100, 140};
	(void)frames;
	if (h > 48) {
		return 0.0;
	}
	double a = 0.0;
	for (unsigned k = 0; k < 3; ++k) {
		const double d = (h * 130.0 - formant[f][k]) / width[k];
		a += gain[k] / (1.0 + d * d);
	}
	return (h == 1 ? fmax(a, 0.5) : a) / sqrt((double)h);
}

/* sync: a saw hard-synced to the note, its own frequency swept from 1 to
 * 8 times the note's (0 at phase 0, rising), over a sine at the note that
 * keeps the fundamental (a synced saw at 8 times alone would have none:
 * it would sound an octave-and-more up, and jump there). */
static float
draw_sync(unsigned f, unsigned frames, double t)
{
	const double r = 1.0 + 7.0 * f / (frames - 1);
	const double p = t * r + 0.5;
	return (float)(0.6 * (2.0 * (p - floor(p)) - 1.0) + 0.4 * sin(DSP_TAU * t));
}

/* digital: a sine quantised to fewer and fewer steps (128 to 1 either side
 * of 0): stairs, then a three-level wave. */
static float
draw_digital(unsigned f, unsigned frames, double t)
{
	const double q = round(pow(2.0, 7.0 * (1.0 - (double)f / (frames - 1))));
	return (float)(round(sin(DSP_TAU * t) * q) / q);
}

/* Each table drawn (a wave at WT_LEN samples) or, for the additive ones,
 * given by its harmonics' amplitudes (sine phase): no synthesis then. */
static const struct {
	float (*draw)(unsigned f, unsigned frames, double t);
	double (*amp)(unsigned f, unsigned frames, unsigned h);
	unsigned frames;
} builtin_spec[WT_BUILTIN_COUNT] = {
	[WT_BASIC] = {draw_basic, NULL, 4},       [WT_PWM] = {draw_pwm, NULL, 32},
	[WT_HARMONIC] = {NULL, amp_harmonic, 16}, [WT_VOCAL] = {NULL, amp_vocal, 5},
	[WT_SYNC] = {draw_sync, NULL, 32},        [WT_DIGITAL] = {draw_digital, NULL, 16},
};

/* Worker thread, once: table i from its harmonics' amplitudes. */
static WtTable*
builtin_additive(unsigned i)
{
	const unsigned frames = builtin_spec[i].frames;
	double*        c      = calloc((size_t)frames * WT_SPECTRUM, sizeof(double));
	if (!c) {
		return NULL;
	}
	for (unsigned f = 0; f < frames; ++f) {
		for (unsigned h = 1; h <= WT_HARMONICS; ++h) {
			/* a sin(2 pi h t) = 2 Re(c e^(i 2 pi h t)) with c = -i a / 2 */
			c[(size_t)f * WT_SPECTRUM + 2 * h + 1] = -0.5 * builtin_spec[i].amp(f, frames, h);
		}
	}
	WtTable* t = wt_table_from_spectra(c, frames);
	free(c);
	return t;
}

/* Worker thread, once: table i drawn at WT_LEN samples a wave. */
static WtTable*
builtin_drawn(unsigned i)
{
	const unsigned frames = builtin_spec[i].frames;
	float*         x      = malloc((size_t)frames * WT_LEN * sizeof(float));
	if (!x) {
		return NULL;
	}
	for (unsigned f = 0; f < frames; ++f) {
		for (unsigned n = 0; n < WT_LEN; ++n) {
			x[(size_t)f * WT_LEN + n] = builtin_spec[i].draw(f, frames, (double)n / WT_LEN);
		}
	}
	WtTable* t = wt_table_from_waves(x, frames, WT_LEN);
	free(x);
	return t;
}

static void
builtin_build(void)
{
	for (unsigned i = 0; i < WT_BUILTIN_COUNT; ++i) {
		builtin[i] = builtin_spec[i].amp ? builtin_additive(i) : builtin_drawn(i);
	}
}

bool
wt_builtin_init(void)
{
	pthread_once(&builtin_once, builtin_build);
	for (unsigned i = 0; i < WT_BUILTIN_COUNT; ++i) {
		if (!builtin[i]) {
			return false;
		}
	}
	return true;
}

const WtTable*
wt_builtin(unsigned i)
{
	return i < WT_BUILTIN_COUNT ? builtin[i] : NULL;
}
