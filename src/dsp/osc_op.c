/* SPDX-License-Identifier: ISC
 *
 * op: an FM/PM operator, the building block of DX-style patches. A sine
 * whose frequency is the note times a ratio (or a fixed frequency), with
 * fine detune, its own feedback, a phase-modulation input in radians and a
 * linear, through-zero FM input in Hz. Operators are chained with
 * `connect mod car` (into pm, the first input).
 *
 * Why oversampled: a sine phase-modulated at index 2 has sidebands well
 * above Nyquist at high notes (a 5 kHz 1:1 pair has -29 dB at 25 kHz), so
 * the operator runs at twice the rate and decimates through a 64-tap
 * Kaiser-windowed sinc (linear phase, cutoff 0.444 of the base rate,
 * 15.75 samples of latency). Its inputs come up to twice the rate through a
 * 6-point Lagrange midpoint interpolator (3 samples of latency): linear
 * interpolation left images of the modulator at -37 dB that beat with the
 * carrier's upper partials into audible aliases.
 *
 * Feedback follows the DX7: the phase gets feedback x the mean of the last
 * two outputs, which damps the period-2 oscillation a one-sample loop has
 * at high feedback (so it turns saw-like, not noisy). The sine is a
 * polynomial of a double phase reduced to a quarter cycle (Taylor to the
 * 13th power: error below 1e-9, and four times cheaper than sin()); a
 * negative instantaneous frequency (fm below -f) runs the phase backwards.
 *
 * The start phase (reset, random or free, osc_common.h) is applied at the
 * first frame after a reset_lane. One voice per state (the registry adapts
 * it to lane groups). Runs in the audio thread except init.
 */
#include "dsp/osc_common.h"

#define OP_TAPS   64     /* decimator taps at twice the rate */
#define OP_CUTOFF 0.222  /* of twice the rate: 0.444 of the base rate */
#define OP_BETA   6.5    /* Kaiser window */
#define OP_HIST   6      /* input interpolator points */
#define OP_MAX_HZ 0.5    /* |instantaneous frequency|, of the base rate */

enum { OP_IN_PM, OP_IN_FM, OP_IN_NOTE };
enum { OP_P_MODE, OP_P_RATIO, OP_P_FIXED, OP_P_FINE, OP_P_FEEDBACK, OP_P_LEVEL, OP_P_START };
enum { OP_MODE_RATIO, OP_MODE_FIXED };

static float          op_fir[OP_TAPS];
static pthread_once_t op_fir_once = PTHREAD_ONCE_INIT;

static double
op_bessel_i0(double x)
{
	double sum = 1.0, term = 1.0;
	for (int k = 1; k < 64 && term > 1e-17 * sum; ++k) {
		term *= (x / (2.0 * k)) * (x / (2.0 * k));
		sum += term;
	}
	return sum;
}

/* Worker thread, once: the decimator, normalised to a DC gain of 1. */
static void
op_build_fir(void)
{
	double       h[OP_TAPS], sum = 0.0;
	const double mid = (OP_TAPS - 1) / 2.0;
	for (unsigned k = 0; k < OP_TAPS; ++k) {
		const double t   = k - mid;
		const double w   = t / (mid + 1.0);
		const double win = op_bessel_i0(OP_BETA * sqrt(fmax(0.0, 1.0 - w * w))) / op_bessel_i0(OP_BETA);
		h[k]             = sin(2.0 * DSP_PI * OP_CUTOFF * t) / (DSP_PI * t) * win;
		sum += h[k];
	}
	for (unsigned k = 0; k < OP_TAPS; ++k) {
		op_fir[k] = (float)(h[k] / sum);
	}
}

typedef struct {
	double   rate;
	double   phase; /* cycles, [0, 1) */
	float    y1, y2; /* the last two outputs at twice the rate, for feedback */
	float    hist[2 * OP_TAPS]; /* twice-rate outputs, written twice (no wrap in the sum) */
	unsigned pos;
	float    pm[OP_HIST], fm[OP_HIST]; /* the last base-rate inputs, oldest first */
	float    mode, ratio, fixed, fine, note; /* what hz was made for */
	double   hz;
	uint32_t seed;  /* the note's seed (seed_lane), for a random start */
	uint64_t frame; /* the note's frame (seed_lane), for a free start */
	uint8_t  fresh; /* reset since the last process: apply the start mode */
} Op;

/* Audio or worker thread: a fresh note. The phase stays (the start mode
 * decides at the first frame); everything that made sound is cleared. */
static void
op_reset(void* state)
{
	Op* s    = state;
	s->y1    = s->y2 = 0.0f;
	memset(s->hist, 0, sizeof s->hist);
	memset(s->pm, 0, sizeof s->pm);
	memset(s->fm, 0, sizeof s->fm);
	s->pos   = 0;
	s->mode  = s->ratio = s->fixed = s->fine = s->note = NAN;
	s->hz    = 0.0;
	s->fresh = 1;
}

static void
op_init(void* state, double rate)
{
	Op* s = state;
	pthread_once(&op_fir_once, op_build_fir);
	s->rate  = rate;
	s->phase = 0.0;
	s->seed  = OSC_SEED;
	s->frame = 0;
	op_reset(s);
}

static void
op_seed(void* state, unsigned lane, uint32_t seed, uint64_t frame)
{
	Op* s = state;
	(void)lane; /* one voice */
	s->seed  = seed;
	s->frame = frame;
}

/* Audio thread: the operator's frequency in Hz (exp2 only on a change). */
static inline double
op_hz(Op* s, const ModuleIO* io, unsigned i)
{
	const float mode = io->param[OP_P_MODE][i], ratio = io->param[OP_P_RATIO][i];
	const float fixed = io->param[OP_P_FIXED][i], fine = io->param[OP_P_FINE][i];
	const float note = io->in[OP_IN_NOTE][i];
	if (mode != s->mode || ratio != s->ratio || fixed != s->fixed || fine != s->fine || note != s->note) {
		const double semis = (int)mode == OP_MODE_FIXED ? 0.0 : dsp_clamp((double)note - 69.0, -1200.0, 1200.0);
		const double base  = (int)mode == OP_MODE_FIXED ? (double)fixed : 440.0 * (double)ratio;
		const double hz    = base * exp2(semis / 12.0 + (double)fine / 1200.0);
		s->hz              = hz == hz ? dsp_clamp(hz, 0.0, OP_MAX_HZ * s->rate) : 0.0;
		s->mode            = mode;
		s->ratio           = ratio;
		s->fixed           = fixed;
		s->fine            = fine;
		s->note            = note;
	}
	return s->hz;
}

/* The input history's value at its point 2 (x[m-3]) and midway between
 * points 2 and 3 (6-point Lagrange). */
static inline void
op_upsample(const float* x, float* at, float* mid)
{
	*at  = x[2];
	*mid = (3.0f * (x[0] + x[5]) - 25.0f * (x[1] + x[4]) + 150.0f * (x[2] + x[3])) * (1.0f / 256.0f);
}

static inline void
op_push_input(float* x, float v)
{
	for (unsigned k = 0; k + 1 < OP_HIST; ++k) {
		x[k] = x[k + 1];
	}
	x[OP_HIST - 1] = v == v ? dsp_clamp(v, -1e6f, 1e6f) : 0.0f;
}

/* sin(2 pi x) for any x (cycles): x reduced to [-1/4, 1/4], then the
 * odd Taylor polynomial to x^13 (error below 1e-9 there). */
static inline double
op_sin_cycles(double x)
{
	const double  r = x + 0.5;
	const int64_t k = (int64_t)r; /* |x| stays far below 2^62: pm is clamped */
	x -= (double)(k - (r < (double)k)); /* [-1/2, 1/2) */
	x = x > 0.25 ? 0.5 - x : (x < -0.25 ? -0.5 - x : x);
	const double t = DSP_TAU * x, t2 = t * t;
	return t * (1.0 + t2 * (-1.0 / 6.0 + t2 * (1.0 / 120.0 + t2 * (-1.0 / 5040.0 + t2 * (1.0 / 362880.0 +
	       t2 * (-1.0 / 39916800.0 + t2 * (1.0 / 6227020800.0)))))));
}

/* Audio thread: one twice-rate sample. */
static inline void
op_tick(Op* s, double inc, float pm, float beta)
{
	const double fb = (double)beta * 0.5 * ((double)s->y1 + (double)s->y2);
	const float  y  = (float)op_sin_cycles(s->phase + ((double)pm + fb) * (1.0 / DSP_TAU));
	s->y2           = s->y1;
	s->y1           = y;
	s->hist[s->pos] = s->hist[s->pos + OP_TAPS] = y;
	s->pos          = (s->pos + 1) & (OP_TAPS - 1);
	const double p  = s->phase + inc; /* |inc| < 1/2 */
	s->phase        = p >= 1.0 ? p - 1.0 : (p < 0.0 ? p + 1.0 : p);
}

static void
op_process(void* state, const ModuleIO* io)
{
	Op*          s        = state;
	const float* level    = io->param[OP_P_LEVEL];
	const float* feedback = io->param[OP_P_FEEDBACK];

	if (s->fresh) {
		s->phase = osc_start_phase((int)io->param[OP_P_START][0], s->seed, s->frame, op_hz(s, io, 0) / s->rate);
		s->fresh = 0;
	}
	const double half = 0.5 / s->rate; /* cycles per twice-rate sample per Hz */
	for (unsigned i = 0; i < io->n; ++i) {
		const double hz = op_hz(s, io, i);
		op_push_input(s->pm, io->in[OP_IN_PM][i]);
		op_push_input(s->fm, io->in[OP_IN_FM][i]);
		float pm0, pm1, fm0, fm1;
		op_upsample(s->pm, &pm0, &pm1);
		op_upsample(s->fm, &fm0, &fm1);
		const double lim = OP_MAX_HZ * s->rate;
		op_tick(s, dsp_clamp(hz + (double)fm0, -lim, lim) * half, pm0, feedback[i]);
		op_tick(s, dsp_clamp(hz + (double)fm1, -lim, lim) * half, pm1, feedback[i]);

		/* hist[pos .. pos + TAPS) is oldest to newest; the decimator is
		 * symmetric. */
		const float* h = s->hist + s->pos;
		float        acc[8] = {0.0f}; /* eight chains: a vector, not one long dependency */
		for (unsigned k = 0; k < OP_TAPS / 2; k += 8) {
			for (unsigned j = 0; j < 8; ++j) {
				acc[j] += op_fir[k + j] * (h[k + j] + h[OP_TAPS - 1 - k - j]);
			}
		}
		const float sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
		io->out[i] = sum * level[i];
	}
}

static const InputSpec op_inputs[] = {
	[OP_IN_PM]   = {"pm", "phase modulation in radians (a modulator at level 1, depth 2: index 2); "
	                      "`connect mod car` feeds it", IMPLICIT_NONE},
	[OP_IN_FM]   = {"fm", "linear FM in Hz, added to the frequency; through zero (a negative "
	                      "frequency runs the phase backwards)", IMPLICIT_NONE},
	[OP_IN_NOTE] = {"note", "pitch in semitones (69 = A4); the voice's note unless connected",
	                IMPLICIT_PITCH},
};

static const char* const op_modes[] = {"ratio", "fixed", NULL};

static const ParamSpec op_params[] = {
	[OP_P_MODE]     = {"mode", "", "ratio (the note's frequency times ratio) or fixed (the fixed "
	                   "frequency, whatever the note)", 0.0f, 1.0f, 0.0f, CURVE_LIN, 0.0f, op_modes},
	[OP_P_RATIO]    = {"ratio", "", "frequency / note frequency in ratio mode (integers give "
	                   "harmonic partials)", 0.0625f, 32.0f, 1.0f, CURVE_EXP, 5.0f, NULL},
	[OP_P_FIXED]    = {"fixed", "Hz", "frequency in fixed mode", 1.0f, 20000.0f, 440.0f, CURVE_EXP,
	                   5.0f, NULL},
	[OP_P_FINE]     = {"fine", "cents", "fine detune (both modes)", -100.0f, 100.0f, 0.0f, CURVE_LIN,
	                   5.0f, NULL},
	[OP_P_FEEDBACK] = {"feedback", "rad", "self phase modulation by the mean of the last two "
	                   "outputs (DX-style; 1.5 is saw-like)", 0.0f, 1.5f, 0.0f, CURVE_LIN, 5.0f, NULL},
	[OP_P_LEVEL]    = OSC_PARAM_LEVEL,
	[OP_P_START]    = OSC_PARAM_START,
};

const ModuleType module_op = {
	.name       = "op",
	.summary    = "FM/PM sine operator: ratio or fixed frequency, feedback, pm (radians) and "
	              "through-zero fm (Hz) inputs; 2x oversampled",
	.flags      = MODULE_SOURCE,
	.n_inputs   = sizeof op_inputs / sizeof op_inputs[0],
	.inputs     = op_inputs,
	.n_params   = sizeof op_params / sizeof op_params[0],
	.params     = op_params,
	.state_size = sizeof(Op),
	.init       = op_init,
	.reset      = op_reset,
	.process    = op_process,
	.active     = NULL,
	.seed_lane  = op_seed,
};
