/* SPDX-License-Identifier: ISC
 *
 * formant: a vowel filter. Five resonant bandpasses in parallel, tuned to
 * the formants of a sung vowel (the bass voice of the classic Csound
 * formant table: frequency, level and bandwidth of F1..F5 for a, e, i, o,
 * u), so a bright source (a saw, noise) through it says "ah" .. "oo".
 *
 * Why this shape:
 * - `vowel` morphs continuously: between two vowels each formant's
 *   frequency and bandwidth move evenly in log frequency and its level in
 *   dB, the way a voice glides from one vowel to the next, so an LFO or an
 *   envelope on it talks instead of stepping.
 * - Each band is the svf's zero-delay-feedback state-variable bandpass
 *   (0 dB at its centre), so the formants sit exactly where the table says
 *   at any rate and stay stable when the vowel sweeps at audio rate.
 * - `shift` moves every formant together (a smaller or larger throat),
 *   `resonance` narrows or widens every band around the table's widths.
 * Coefficients (five tan(), the morph's logs and exps) are remade only on
 * a sample where vowel, shift or resonance moved, and then at most every
 * FORMANT_COEF_EVERY samples (counted from the voice's start, so any split
 * of a run gives the same samples): a vowel swept by an LFO or an envelope
 * moves in steps of 83 us at 48 kHz, far finer than its 20 ms smoothing,
 * at a quarter of the cost.
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <math.h>

enum { P_VOWEL, P_SHIFT, P_RESONANCE };

#define N_FORMANTS         5
#define FORMANT_COEF_EVERY 4u
#define N_VOWELS   5

/* F1..F5 of a, e, i, o, u: centre (Hz), level (dB), bandwidth (Hz). */
static const float vowels[N_VOWELS][3][N_FORMANTS] = {
	{{600, 1040, 2250, 2450, 2750}, {0, -7, -9, -9, -20}, {60, 70, 110, 120, 130}},    /* a */
	{{400, 1620, 2400, 2800, 3100}, {0, -12, -9, -12, -18}, {40, 80, 100, 120, 120}},  /* e */
	{{250, 1750, 2600, 3050, 3340}, {0, -30, -16, -22, -28}, {60, 90, 100, 120, 120}}, /* i */
	{{400, 750, 2400, 2600, 2900}, {0, -11, -21, -20, -40}, {40, 80, 100, 120, 120}},  /* o */
	{{350, 600, 2400, 2675, 2950}, {0, -20, -32, -28, -36}, {40, 80, 100, 120, 120}},  /* u */
};

typedef struct {
	double rate;
	float  ic1[N_FORMANTS], ic2[N_FORMANTS];      /* each band's integrators */
	float  k[N_FORMANTS], a1[N_FORMANTS], a2[N_FORMANTS], a3[N_FORMANTS], gain[N_FORMANTS];
	float    last_vowel, last_shift, last_res;
	unsigned tick; /* samples since the voice started, modulo FORMANT_COEF_EVERY */
} Formant;

/* Audio thread: the five bands for one vowel position, shift and
 * resonance. */
static void
formant_coefs(Formant* f, float vowel, float shift, float res)
{
	const double v  = dsp_clamp(vowel, 0.0, N_VOWELS - 1.0);
	const int    lo = v >= N_VOWELS - 1 ? N_VOWELS - 2 : (int)v;
	const double t  = v - lo;
	/* resonance 0.5: the table's widths; 0: four times wider; 1: a quarter. */
	const double narrow = exp2(4.0 * dsp_clamp(res, 0.0, 1.0) - 2.0);
	const double move   = exp2(dsp_clamp(shift, -24.0, 24.0) / 12.0);
	for (unsigned b = 0; b < N_FORMANTS; ++b) {
		const double fc = exp((1.0 - t) * log(vowels[lo][0][b]) + t * log(vowels[lo + 1][0][b])) * move;
		const double bw = exp((1.0 - t) * log(vowels[lo][2][b]) + t * log(vowels[lo + 1][2][b])) * move / narrow;
		const double db = (1.0 - t) * vowels[lo][1][b] + t * vowels[lo + 1][1][b];
		const double fcl = dsp_clamp(fc, 20.0, 0.49 * f->rate);
		const double g   = tan(DSP_PI * fcl / f->rate);
		const double k   = dsp_clamp(bw / fcl, 0.005, 2.0); /* 1 / Q */
		const double a1  = 1.0 / (1.0 + g * (g + k));
		f->k[b]    = (float)k;
		f->a1[b]   = (float)a1;
		f->a2[b]   = (float)(g * a1);
		f->a3[b]   = (float)(g * g * a1);
		f->gain[b] = (float)pow(10.0, db / 20.0);
	}
	f->last_vowel = vowel;
	f->last_shift = shift;
	f->last_res   = res;
}

/* Audio or worker thread: silence, as on a fresh voice. */
static void
formant_reset(void* state)
{
	Formant* f = state;
	for (unsigned b = 0; b < N_FORMANTS; ++b) {
		f->ic1[b] = f->ic2[b] = 0.0f;
	}
	f->last_vowel = -1.0f; /* never a vowel: the first sample makes the bands */
	f->tick       = 0;
}

/* Worker thread. */
static void
formant_init(void* state, double rate)
{
	Formant* f = state;
	f->rate    = rate;
	formant_coefs(f, 0.0f, 0.0f, 0.5f);
	formant_reset(f);
}

/* Audio thread. */
static void
formant_process(void* state, const ModuleIO* io)
{
	Formant*     f     = state;
	const float* in    = io->in[0];
	const float* vowel = io->param[P_VOWEL];
	const float* shift = io->param[P_SHIFT];
	const float* res   = io->param[P_RESONANCE];
	for (unsigned i = 0; i < io->n; ++i) {
		const bool due = f->tick == 0 || f->last_vowel < 0.0f;
		f->tick        = (f->tick + 1u) % FORMANT_COEF_EVERY;
		if (due && (vowel[i] != f->last_vowel || shift[i] != f->last_shift || res[i] != f->last_res)) {
			formant_coefs(f, vowel[i], shift[i], res[i]);
		}
		const float x = dsp_sane(in[i]);
		float       y = 0.0f;
		for (unsigned b = 0; b < N_FORMANTS; ++b) {
			const float v3 = x - f->ic2[b];
			const float v1 = f->a1[b] * f->ic1[b] + f->a2[b] * v3; /* band */
			const float v2 = f->ic2[b] + f->a2[b] * f->ic1[b] + f->a3[b] * v3; /* low */
			f->ic1[b]      = dsp_flush(2.0f * v1 - f->ic1[b]);
			f->ic2[b]      = dsp_flush(2.0f * v2 - f->ic2[b]);
			y += f->gain[b] * f->k[b] * v1; /* k * band: 0 dB at the centre */
		}
		io->out[i] = y;
	}
}

static const InputSpec formant_inputs[] = {
	{"in", "audio to shape (a bright source: saw, square, noise)", IMPLICIT_NONE},
};

static const ParamSpec formant_params[] = {
	[P_VOWEL] = {"vowel", "", "the vowel, morphing continuously between neighbours: 0 a, 1 e, 2 i, 3 o, 4 u",
	             0.0f, 4.0f, 0.0f, CURVE_LIN, 20.0f, NULL},
	[P_SHIFT] = {"shift", "st", "moves every formant by this many semitones (a smaller or larger throat)",
	             -24.0f, 24.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_RESONANCE] = {"resonance", "", "0.5: the voice's own bandwidths; 0: four times wider, 1: four times narrower",
	                 0.0f, 1.0f, 0.5f, CURVE_LIN, 10.0f, NULL},
};

const ModuleType module_formant = {
	.name       = "formant",
	.summary    = "vowel filter: five formant bandpasses morphing a-e-i-o-u, with shift and resonance",
	.flags      = 0,
	.n_inputs   = sizeof formant_inputs / sizeof formant_inputs[0],
	.inputs     = formant_inputs,
	.n_params   = sizeof formant_params / sizeof formant_params[0],
	.params     = formant_params,
	.state_size = sizeof(Formant),
	.init       = formant_init,
	.reset      = formant_reset,
	.process    = formant_process,
	.active     = NULL,
};
