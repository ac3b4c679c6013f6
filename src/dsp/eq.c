/* SPDX-License-Identifier: ISC
 *
 * eq: a three-band equaliser (low shelf, bell, high shelf), per voice or
 * on the master.
 *
 * Each band is Andrew Simper's state-variable form of the bilinear shelf
 * and bell (the svf's topology with the input, band and low outputs mixed):
 * - the prewarped g = tan(pi f / fs) puts every band's frequency exactly
 *   where the knob says at any rate: a bell's gain at its frequency is the
 *   set gain, a shelf's is half of it (in dB) at its frequency and all of
 *   it far beyond;
 * - the state is the integrators' charge, so a band swept or boosted while
 *   it plays stays stable and quiet (a direct-form biquad's coefficients
 *   changing every sample can ring or blow up);
 * - at 0 dB a band's mix is the input exactly: a flat eq passes its input
 *   unchanged, sample for sample.
 * Coefficients are remade only on a sample where a band's parameters moved.
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <math.h>

enum { P_LOW_FREQ, P_LOW_GAIN, P_MID_FREQ, P_MID_GAIN, P_MID_Q, P_HIGH_FREQ, P_HIGH_GAIN };
enum { B_LOW, B_MID, B_HIGH, N_BANDS };

#define SHELF_Q 0.70710678 /* shelves with no overshoot */

typedef struct {
	float ic1, ic2;
	float a1, a2, a3, m0, m1, m2;
	float last[3]; /* frequency, gain, q the coefficients were made for */
	bool  flat;
} Band;

typedef struct {
	double rate;
	Band   band[N_BANDS];
} Eq;

/* Audio thread: one band's coefficients (Simper, "SvfLinearTrapOptimised2"). */
static void
band_coefs(Band* b, unsigned kind, double rate, float freq, float gain_db, float q)
{
	const double A  = pow(10.0, gain_db / 40.0);
	const double w  = DSP_PI * dsp_clamp(freq, 10.0, 0.49 * rate) / rate;
	double       g  = tan(w), k = 1.0 / (kind == B_MID ? dsp_clamp(q, 0.1, 20.0) : SHELF_Q);
	double       m0 = 1.0, m1 = 0.0, m2 = 0.0;
	if (kind == B_MID) {
		k /= A;
		m1 = k * (A * A - 1.0);
	} else if (kind == B_LOW) {
		g /= sqrt(A);
		m1 = k * (A - 1.0);
		m2 = A * A - 1.0;
	} else {
		g *= sqrt(A);
		m0 = A * A;
		m1 = k * (1.0 - A) * A;
		m2 = 1.0 - A * A;
	}
	const double a1 = 1.0 / (1.0 + g * (g + k));
	b->a1      = (float)a1;
	b->a2      = (float)(g * a1);
	b->a3      = (float)(g * g * a1);
	b->m0      = (float)m0;
	b->m1      = (float)m1;
	b->m2      = (float)m2;
	b->flat    = gain_db == 0.0f;
	b->last[0] = freq;
	b->last[1] = gain_db;
	b->last[2] = q;
}

static void
eq_reset(void* state)
{
	Eq* e = state;
	for (unsigned i = 0; i < N_BANDS; ++i) {
		e->band[i].ic1 = e->band[i].ic2 = 0.0f;
		e->band[i].last[0]              = -1.0f; /* never a frequency: remake at the first sample */
	}
}

static void
eq_init(void* state, double rate)
{
	Eq* e   = state;
	e->rate = rate;
	eq_reset(e);
}

/* One band on one sample. Flat, it still runs its integrators, so a band
 * brought in later starts from the signal's present, not from silence. */
static inline float
band_tick(Band* b, float v0)
{
	const float v3 = v0 - b->ic2;
	const float v1 = b->a1 * b->ic1 + b->a2 * v3;
	const float v2 = b->ic2 + b->a2 * b->ic1 + b->a3 * v3;
	b->ic1         = dsp_flush(2.0f * v1 - b->ic1);
	b->ic2         = dsp_flush(2.0f * v2 - b->ic2);
	return b->flat ? v0 : b->m0 * v0 + b->m1 * v1 + b->m2 * v2;
}

static void
eq_process(void* state, const ModuleIO* io)
{
	Eq*          e  = state;
	const float* in = io->in[0];
	static const unsigned fp[N_BANDS] = {P_LOW_FREQ, P_MID_FREQ, P_HIGH_FREQ};
	static const unsigned gp[N_BANDS] = {P_LOW_GAIN, P_MID_GAIN, P_HIGH_GAIN};
	for (unsigned i = 0; i < io->n; ++i) {
		float y = dsp_sane(in[i]);
		for (unsigned k = 0; k < N_BANDS; ++k) {
			Band*       b = &e->band[k];
			const float f = io->param[fp[k]][i], g = io->param[gp[k]][i];
			const float q = k == B_MID ? io->param[P_MID_Q][i] : 0.0f;
			if (f != b->last[0] || g != b->last[1] || q != b->last[2]) {
				band_coefs(b, k, e->rate, f, g, q);
			}
			y = band_tick(b, y);
		}
		io->out[i] = y;
	}
}

static const InputSpec eq_inputs[] = {
	{"in", "audio to equalise", IMPLICIT_NONE},
};

static const ParamSpec eq_params[] = {
	[P_LOW_FREQ]  = {"lowfreq", "Hz", "low shelf: the frequency where it gives half its gain", 20.0f, 1000.0f, 120.0f,
	                 CURVE_EXP, 10.0f, NULL},
	[P_LOW_GAIN]  = {"lowgain", "dB", "low shelf: the gain far below its frequency", -24.0f, 24.0f, 0.0f, CURVE_LIN,
	                 10.0f, NULL},
	[P_MID_FREQ]  = {"midfreq", "Hz", "bell: its centre", 50.0f, 16000.0f, 1000.0f, CURVE_EXP, 10.0f, NULL},
	[P_MID_GAIN]  = {"midgain", "dB", "bell: the gain at its centre", -24.0f, 24.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_MID_Q]     = {"midq", "", "bell: its sharpness (0.7 broad, 4 narrow)", 0.2f, 12.0f, 0.7f, CURVE_EXP, 10.0f, NULL},
	[P_HIGH_FREQ] = {"highfreq", "Hz", "high shelf: the frequency where it gives half its gain", 1000.0f, 20000.0f,
	                 6000.0f, CURVE_EXP, 10.0f, NULL},
	[P_HIGH_GAIN] = {"highgain", "dB", "high shelf: the gain far above its frequency", -24.0f, 24.0f, 0.0f, CURVE_LIN,
	                 10.0f, NULL},
};

const ModuleType module_eq = {
	.name       = "eq",
	.summary    = "three-band equaliser: low shelf, bell, high shelf (state-variable, stable when swept)",
	.flags      = 0,
	.n_inputs   = sizeof eq_inputs / sizeof eq_inputs[0],
	.inputs     = eq_inputs,
	.n_params   = sizeof eq_params / sizeof eq_params[0],
	.params     = eq_params,
	.state_size = sizeof(Eq),
	.init       = eq_init,
	.reset      = eq_reset,
	.process    = eq_process,
	.active     = NULL,
};
