/* SPDX-License-Identifier: ISC
 *
 * drive: tanh saturation with asymmetry, dry/wet mix and output trim.
 *
 * Aliasing is the whole problem of a waveshaper. Two tools, both
 * per-sample deterministic:
 * - First-order antiderivative anti-aliasing (ADAA, Parker et al. 2016):
 *   the output is the mean of tanh over the segment between two input
 *   samples, (F(u1) - F(u0)) / (u1 - u0) with F = ln cosh. That filters the
 *   shaper's harmonics with a sinc whose nulls sit on multiples of the
 *   rate, killing the far harmonics that would fold down to low audio.
 * - 2x oversampling around it. ADAA alone barely touches harmonics just
 *   above Nyquist (a 5 kHz sine at +30 dB folds its 25 kHz harmonic to
 *   19.1 kHz only 5 dB quieter than a naive tanh); at twice the rate those
 *   stay above the band and the decimator removes them.
 * The resampling filters are polyphase IIR halfbands (two chains of
 * first-order allpasses, Valenzuela & Constantinides; coefficients designed
 * at init as in Laurent de Soras' hiir): cheap, a few samples of latency,
 * flat to 20 kHz at 44.1 kHz (0.01 dB at 21 kHz). The dry signal is mixed
 * in at the high rate so it takes the same filters as the wet one and the
 * blend never combs.
 *
 * asym adds a bias before the shaper. The shaper's static output at that
 * bias, tanh(bias), is subtracted at once (no thump when the voice starts),
 * and a 10 Hz DC blocker removes the signal-dependent DC the asymmetry makes.
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <math.h>
#include <stdbool.h>

enum { P_GAIN, P_ASYM, P_LEVEL, P_MIX };

#define HB_COEFS   6       /* allpasses per halfband: about 78 dB of stopband */
#define HB_TBW     0.0465  /* transition width: band edges 20.0, 24.1 kHz at 44.1 */
#define DC_HZ      10.0    /* DC blocker corner */
#define ADAA_EPS   1e-5    /* below this input step, F'(mid) is the better estimate */
#define LN2        0.69314718055994530942

_Static_assert(HB_COEFS % 2 == 0, "the two allpass chains run in pairs");

/* One halfband filter's memory: each allpass keeps its last input and output. */
typedef struct {
	float x[HB_COEFS], y[HB_COEFS];
} Halfband;

typedef struct {
	double   rate;
	float    hb[HB_COEFS];           /* halfband allpass coefficients */
	Halfband up, down;
	double   u_prev, f_prev;         /* ADAA: last shaper input and F of it */
	bool     primed;                 /* u_prev is real (false after reset) */
	float    dc_r, dc_x, dc_y;       /* DC blocker pole and memory */
	float    last_gain_db, gain;     /* cached dB to linear conversions */
	float    last_asym, bias, bias_out;
	float    last_level_db, level;
} Drive;

/* ---- halfband design (worker thread) --------------------------------- */

/* Sums of the elliptic-function series the closed-form design uses. */
static double
hb_series_num(double q, int order, int c)
{
	double acc = 0.0, term;
	int    i = 0;
	do {
		term = pow(q, i * (i + 1)) * sin((2 * i + 1) * c * DSP_PI / order);
		acc += (i & 1) ? -term : term;
		++i;
	} while (fabs(term) > 1e-100 && i < 100);
	return acc;
}

static double
hb_series_den(double q, int order, int c)
{
	double acc = 0.0, term;
	int    i = 1;
	do {
		term = pow(q, i * i) * cos(2 * i * c * DSP_PI / order);
		acc += (i & 1) ? -term : term;
		++i;
	} while (fabs(term) > 1e-100 && i < 100);
	return acc;
}

/* Coefficients of the elliptic halfband with HB_COEFS allpasses and the
 * given transition width (hiir's PolyphaseIir2Designer, order 2n+1). */
static void
hb_design(float* coef, double tbw)
{
	double k = tan((1.0 - 2.0 * tbw) * DSP_PI / 4.0);
	k *= k;
	const double kk = pow(1.0 - k * k, 0.25);
	const double e  = 0.5 * (1.0 - kk) / (1.0 + kk);
	const double e4 = e * e * e * e;
	const double q  = e * (1.0 + e4 * (2.0 + e4 * (15.0 + 150.0 * e4)));
	const int    order = 2 * HB_COEFS + 1;
	for (int j = 0; j < HB_COEFS; ++j) {
		const double num = hb_series_num(q, order, j + 1) * pow(q, 0.25);
		const double den = hb_series_den(q, order, j + 1) + 0.5;
		const double ww  = (num / den) * (num / den);
		const double x   = sqrt((1.0 - ww * k) * (1.0 - ww / k)) / (1.0 + ww);
		coef[j] = (float)((1.0 - x) / (1.0 + x));
	}
}

/* ---- resampling (audio thread) ----------------------------------------- */

/* Run the two allpass chains: a through the even coefficients, b through
 * the odd ones. Each stage is (c + z^-1) / (1 + c z^-1) at the low rate. */
static inline void
hb_chains(const float* coef, Halfband* h, float* a, float* b)
{
	for (int j = 0; j < HB_COEFS; j += 2) {
		const float ya = (*a - h->y[j]) * coef[j] + h->x[j];
		const float yb = (*b - h->y[j + 1]) * coef[j + 1] + h->x[j + 1];
		h->x[j]     = *a;
		h->x[j + 1] = *b;
		/* Flushed so a decaying voice never lingers in denormals. */
		h->y[j]     = dsp_flush(ya);
		h->y[j + 1] = dsp_flush(yb);
		*a = h->y[j];
		*b = h->y[j + 1];
	}
}

/* One input sample to two at twice the rate, in time order. */
static inline void
upsample(Drive* d, float x, float out[2])
{
	float a = x, b = x;
	hb_chains(d->hb, &d->up, &a, &b);
	out[0] = a;
	out[1] = b;
}

/* Two samples at twice the rate, in time order, to one. */
static inline float
downsample(Drive* d, const float in[2])
{
	float a = in[1], b = in[0];
	hb_chains(d->hb, &d->down, &a, &b);
	return 0.5f * (a + b);
}

/* ---- shaper (audio thread) --------------------------------------------- */

/* ln cosh u, written so it neither overflows nor loses precision. */
static inline double
log_cosh(double u)
{
	const double a = fabs(u);
	return a + log1p(exp(-2.0 * a)) - LN2;
}

/* Mean of tanh over the segment from the previous input to u. Double
 * precision: F is up to ~100 and the difference is divided by the step. */
static inline float
shape(Drive* d, double u)
{
	const double f = log_cosh(u);
	if (!d->primed) {
		d->u_prev = u;
		d->f_prev = f;
		d->primed = true;
	}
	const double du = u - d->u_prev;
	/* A tiny step makes the quotient ill-conditioned; its limit is the
	 * derivative at the midpoint, tanh, right to second order. */
	const double y = fabs(du) < ADAA_EPS ? tanh(0.5 * (u + d->u_prev))
	                                      : (f - d->f_prev) / du;
	d->u_prev = u;
	d->f_prev = f;
	return (float)dsp_clamp(y, -1.0, 1.0);
}

/* Audio or worker thread: silence, as on a fresh voice. */
static void
drive_reset(void* state)
{
	Drive* d = state;
	for (int j = 0; j < HB_COEFS; ++j) {
		d->up.x[j] = d->up.y[j] = d->down.x[j] = d->down.y[j] = 0.0f;
	}
	d->u_prev = d->f_prev = 0.0;
	d->primed = false;
	d->dc_x = d->dc_y = 0.0f;
	/* NaN never compares equal, so the first sample makes every value. */
	d->last_gain_db = d->last_asym = d->last_level_db = NAN;
}

/* Worker thread: design the halfbands, then reset. */
static void
drive_init(void* state, double rate)
{
	Drive* d = state;
	d->rate  = rate;
	hb_design(d->hb, HB_TBW);
	d->dc_r = (float)exp(-DSP_TAU * DC_HZ / (2.0 * rate));
	drive_reset(d);
}

/* Audio thread. */
static void
drive_process(void* state, const ModuleIO* io)
{
	Drive*       d     = state;
	const float* in    = io->in[0];
	const float* gain  = io->param[P_GAIN];
	const float* asym  = io->param[P_ASYM];
	const float* level = io->param[P_LEVEL];
	const float* mix   = io->param[P_MIX];

	for (unsigned i = 0; i < io->n; ++i) {
		if (gain[i] != d->last_gain_db) {
			d->last_gain_db = gain[i];
			d->gain         = dsp_db_to_gain(gain[i]);
		}
		if (asym[i] != d->last_asym) {
			d->last_asym = asym[i];
			d->bias      = dsp_clampf(asym[i], -1.0f, 1.0f);
			/* The very expression shape() gives for a steady input. */
			d->bias_out = (float)tanh((double)d->bias);
		}
		if (level[i] != d->last_level_db) {
			d->last_level_db = level[i];
			d->level         = dsp_db_to_gain(level[i]);
		}
		const float wet_amt = dsp_clampf(mix[i], 0.0f, 1.0f);

		float hi[2];
		upsample(d, dsp_sane(in[i]), hi);
		for (int j = 0; j < 2; ++j) {
			const float w = shape(d, (double)d->gain * hi[j] + d->bias) - d->bias_out;
			/* One-pole DC blocker: y = x - x[-1] + r y[-1]. */
			d->dc_y = dsp_flush(w - d->dc_x + d->dc_r * d->dc_y);
			d->dc_x = w;
			hi[j] = wet_amt * d->dc_y + (1.0f - wet_amt) * hi[j];
		}
		io->out[i] = d->level * downsample(d, hi);
	}
}

static const InputSpec drive_inputs[] = {
	{"in", "audio to saturate", IMPLICIT_NONE},
};

static const ParamSpec drive_params[] = {
	[P_GAIN] = {"gain", "dB", "gain into the tanh shaper",
	            0.0f, 40.0f, 12.0f, CURVE_LIN, 10.0f, NULL},
	[P_ASYM] = {"asym", "", "asymmetry: bias before the shaper (even harmonics), DC removed after",
	            -1.0f, 1.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_LEVEL] = {"level", "dB", "output trim",
	             -40.0f, 0.0f, -6.0f, CURVE_LIN, 10.0f, NULL},
	[P_MIX] = {"mix", "", "dry/wet: 0 dry .. 1 fully driven",
	           0.0f, 1.0f, 1.0f, CURVE_LIN, 10.0f, NULL},
};

const ModuleType module_drive = {
	.name       = "drive",
	.summary    = "anti-aliased tanh saturation (ADAA at 2x) with asymmetry and dry/wet mix",
	.flags      = 0,
	.n_inputs   = sizeof drive_inputs / sizeof drive_inputs[0],
	.inputs     = drive_inputs,
	.n_params   = sizeof drive_params / sizeof drive_params[0],
	.params     = drive_params,
	.state_size = sizeof(Drive),
	.init       = drive_init,
	.reset      = drive_reset,
	.process    = drive_process,
	.active     = NULL,
};
