/* SPDX-License-Identifier: ISC
 *
 * ladder: 24 dB/oct Moog-style lowpass with a saturating input stage.
 *
 * Zavalishin's topology-preserving (zero-delay-feedback) ladder: four
 * trapezoidal one-pole stages with the feedback loop solved in closed form
 * each sample, so resonance tracks the cutoff exactly and self-oscillates at
 * k = 4 at every cutoff, as the analog circuit does. The input/feedback
 * difference goes through tanh, like the ladder's differential-pair input:
 * the loop is solved linearly, then the difference is saturated. That bounds
 * what enters the stages to [-1, 1], so the filter stays bounded for any
 * parameter sequence and self-oscillation settles at a steady level.
 *
 * What "cutoff" means: at resonance 0 it is the -3 dB point of the whole
 * 4-pole response. Four identical one-poles are each -3/4 dB there, so each
 * stage sits at fc / sqrt(2^(1/4) - 1), about 2.3 fc; the scaling is done on
 * the prewarped (analog) frequency, g = tan(pi fc / fs) * 2.3, which keeps
 * it exact up to the top of the range. A resonant ladder peaks (and
 * self-oscillates) at its stage frequency, though, which would put the
 * peak 2.3x above the set cutoff. So the stage factor glides, evenly in
 * log frequency, from 2.3 at k = 0 to 1 at the oscillation edge k = 4:
 * at high resonance the set cutoff is where the peak is and the pitch the
 * filter sings at, as with the svf.
 *
 * Modes (Oberheim Xpander pole mixing): with L a stage's one-pole lowpass
 * and u the input after the feedback and saturation, the taps u, y0..y3
 * are u L^0..L^4, and since a one-pole highpass is 1 - L, mixing them
 * gives (1-L)^2 (12 dB highpass), (1-L)^4 (24 dB highpass) and
 * 2 L (1-L) (bandpass, 0 dB at its centre) from the same loop, with the
 * same resonance. Each mode has its own stage factor so its -3 dB point
 * (or centre) is the set cutoff at resonance 0; the passband-loss
 * compensation only applies where the feedback takes it (at DC: the
 * lowpasses).
 *
 * Key tracking: the cutoff moves by keytrack x (note - 60) semitones, so
 * at 1 (100 %) it follows the keyboard an octave per octave from middle C
 * and a patch keeps its brightness up the keys.
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"
#include "dsp/simd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

enum { P_CUTOFF, P_RESONANCE, P_DRIVE, P_KEYTRACK, P_MODE };
enum { MODE_LP24, MODE_LP12, MODE_BP12, MODE_HP12, MODE_HP24, MODE_COUNT };
enum { IN_AUDIO, IN_NOTE };

/* Per mode: the weights of the taps u, y0, y1, y2, y3, the stage
 * frequency over the -3 dB point (centre) of the mode at resonance 0, and
 * whether the feedback's passband loss is compensated. */
static const struct {
	float  tap[5];
	double stage;
	bool   comp;
} modes[MODE_COUNT] = {
	[MODE_LP24] = {{0, 0, 0, 0, 1}, 2.2989592, true},   /* 1 / sqrt(2^(1/4) - 1) */
	[MODE_LP12] = {{0, 0, 1, 0, 0}, 1.5537740, true},   /* 1 / sqrt(2^(1/2) - 1) */
	[MODE_BP12] = {{0, 2, -2, 0, 0}, 1.0, false},       /* 2 L (1 - L): 0 dB at the stage frequency */
	[MODE_HP12] = {{1, -2, 1, 0, 0}, 0.6435943, false}, /* sqrt(2^(1/2) - 1) */
	[MODE_HP24] = {{1, -4, 6, -4, 1}, 0.4349794, false}, /* sqrt(2^(1/4) - 1) */
};

#define K_MAX     4.2f /* resonance 1: just past the k = 4 oscillation edge */
#define GAIN_COMP 0.5f /* give back half the passband lost to feedback */
#define DRIVE_MAX 8.0  /* drive 1: 8x (+18 dB) into the saturation */

/* A lane group of ladders (MODULE_LANES), one array per field. */
typedef struct {
	double rate;
	float  inv_rate, top; /* 1 / rate; highest cutoff, 0.49 rate */
	float  s0[CHRONUS_LANES], s1[CHRONUS_LANES], s2[CHRONUS_LANES], s3[CHRONUS_LANES]; /* integrators */
	float  last_res[CHRONUS_LANES], last_drive[CHRONUS_LANES], last_mode[CHRONUS_LANES]; /* what the gains below were made for */
	float  k[CHRONUS_LANES], in_gain[CHRONUS_LANES], out_gain[CHRONUS_LANES];
	float  stage[CHRONUS_LANES]; /* stage frequency over cutoff */
	float  tap[5][CHRONUS_LANES]; /* the mode's tap weights */
} Ladder;

/* tan(x) for x in [0, pi/2), lane by lane, from sine and cosine
 * polynomials on [0, pi/4] (the upper half as the complement: tan x =
 * cos t / sin t, t = pi/2 - x, so nothing cancels near pi/2). Relative
 * error below 1e-6 up to 0.49 of the rate; no libm call. */
SIMD_INLINE simd_f
tan_01(simd_f x)
{
	const simd_i up = x > (float)(DSP_PI / 4.0);
	const simd_f a  = simd_sel(up, (float)(DSP_PI / 2.0) - x, x);
	const simd_f a2 = a * a;
	const simd_f sn = a * (1.0f + a2 * (-1.0f / 6 + a2 * (1.0f / 120 + a2 * (-1.0f / 5040 + a2 * (1.0f / 362880)))));
	const simd_f cs = 1.0f + a2 * (-0.5f + a2 * (1.0f / 24 + a2 * (-1.0f / 720 + a2 * (1.0f / 40320 - a2 * (1.0f / 3628800)))));
	return simd_sel(up, cs, sn) / simd_sel(up, sn, cs);
}

/* Rational tanh (a Pade form): slope exactly 1 at 0, so small signals stay
 * linear; reaches +-1 with zero slope at +-3; never more than 0.024 from
 * tanh, and far cheaper. */
SIMD_INLINE simd_f
soft_clip(simd_f x)
{
	x               = simd_clamp(x, simd_splat(-3.0f), simd_splat(3.0f));
	const simd_f x2 = x * x;
	return x * (27.0f + x2) / (27.0f + 9.0f * x2);
}

/* Audio thread: remake what depends on resonance, drive and mode (rarely
 * moved) for lane l. */
static void
ladder_shape_coefs(Ladder* d, unsigned l, float res, float drive, float mode)
{
	const int    m = (int)dsp_clamp(mode, 0.0, MODE_COUNT - 1.0);
	const double k = K_MAX * dsp_clamp(res, 0.0, 1.0);
	d->stage[l]    = (float)pow(modes[m].stage, fmax(0.0, 1.0 - k / 4.0));
	d->k[l]        = (float)k;
	for (unsigned t = 0; t < 5; ++t) {
		d->tap[t][l] = modes[m].tap[t];
	}
	/* Drive is exponential (even in dB). The output gives back half of it
	 * in dB: at full drive a quiet input (0.1) grows by 8 dB, a half-scale
	 * one stays put and a full-scale one, already saturating, ends 5 dB
	 * lower, so neither end explodes. */
	const double drive_gain = pow(DRIVE_MAX, dsp_clamp(drive, 0.0, 1.0));
	d->in_gain[l]    = (float)drive_gain * (modes[m].comp ? 1.0f + GAIN_COMP * d->k[l] : 1.0f);
	d->out_gain[l]   = (float)(1.0 / sqrt(drive_gain));
	d->last_res[l]   = res;
	d->last_drive[l] = drive;
	d->last_mode[l]  = mode;
}


static void
ladder_reset_lane(void* state, unsigned l)
{
	Ladder* d = state;
	d->s0[l] = d->s1[l] = d->s2[l] = d->s3[l] = 0.0f;
	ladder_shape_coefs(d, l, 0.0f, 0.0f, 0.0f);
	/* No parameter is negative, so the first sample always remakes them. */
	d->last_res[l] = d->last_drive[l] = d->last_mode[l] = -1.0f;
}

/* Audio or worker thread: silence, as on a fresh voice. */
static void
ladder_reset(void* state)
{
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		ladder_reset_lane(state, l);
	}
}

/* Worker thread. */
static void
ladder_init(void* state, double rate)
{
	Ladder* d   = state;
	d->rate     = rate;
	d->inv_rate = (float)(1.0 / rate);
	d->top      = 0.49f * (float)rate;
	ladder_reset(d);
}

/* Audio thread. The cutoff, which an envelope may move every sample, is
 * turned into stage gains every sample (a polynomial tan, two divisions);
 * resonance and drive only when they move. The four integrators of the
 * lane group are vectors held in registers through the block. */
SIMD_INLINE void
ladder_kernel(void* state, const ModuleIO* io, const unsigned L)
{
	Ladder*      d      = state;
	const float* in     = io->in[IN_AUDIO];
	const float* note   = io->in[IN_NOTE];
	const float* cutoff = io->param[P_CUTOFF];
	const float* res    = io->param[P_RESONANCE];
	const float* drive  = io->param[P_DRIVE];
	const float* mode   = io->param[P_MODE];
	const float* track  = io->param[P_KEYTRACK];
	const simd_f w = simd_splat((float)DSP_PI * d->inv_rate), one = simd_splat(1.0f), top = simd_splat(d->top);
	const simd_f in_max = simd_splat(DSP_IN_MAX);
	simd_f       s0, s1, s2, s3, k, ig, og, sf, t0, t1, t2, t3, t4;
	memcpy(&s0, d->s0, sizeof s0);
	memcpy(&s1, d->s1, sizeof s1);
	memcpy(&s2, d->s2, sizeof s2);
	memcpy(&s3, d->s3, sizeof s3);
	const unsigned shape  = MODULE_STEADY_PARAM(P_RESONANCE) | MODULE_STEADY_PARAM(P_DRIVE) | MODULE_STEADY_PARAM(P_MODE);
	const bool     steady = (io->steady & shape) == shape;
	const unsigned keyed  = MODULE_STEADY_IN(IN_NOTE) | MODULE_STEADY_PARAM(P_KEYTRACK);
	const bool     key_steady = (io->steady & keyed) == keyed;
	bool           moved  = false;
	float          kf[CHRONUS_LANES];
	memcpy(&k, d->k, sizeof k);
	memcpy(&ig, d->in_gain, sizeof ig);
	memcpy(&og, d->out_gain, sizeof og);
	memcpy(&sf, d->stage, sizeof sf);
	memcpy(&t0, d->tap[0], sizeof t0);
	memcpy(&t1, d->tap[1], sizeof t1);
	memcpy(&t2, d->tap[2], sizeof t2);
	memcpy(&t3, d->tap[3], sizeof t3);
	memcpy(&t4, d->tap[4], sizeof t4);
	for (unsigned l = 0; l < L; ++l) {
		kf[l] = dsp_key_factor(track[l], note[l]);
	}

	for (unsigned i = 0; i < io->n; ++i) {
		if (!steady || i == 0) {
			const float* r  = res + (size_t)i * L;
			const float* dr = drive + (size_t)i * L;
			const float* md = mode + (size_t)i * L;
			for (unsigned l = 0; l < L; ++l) {
				if (r[l] != d->last_res[l] || dr[l] != d->last_drive[l] || md[l] != d->last_mode[l]) {
					ladder_shape_coefs(d, l, r[l], dr[l], md[l]);
					moved = true;
				}
			}
		}
		if (moved) {
			memcpy(&k, d->k, sizeof k);
			memcpy(&ig, d->in_gain, sizeof ig);
			memcpy(&og, d->out_gain, sizeof og);
			memcpy(&sf, d->stage, sizeof sf);
			memcpy(&t0, d->tap[0], sizeof t0);
			memcpy(&t1, d->tap[1], sizeof t1);
			memcpy(&t2, d->tap[2], sizeof t2);
			memcpy(&t3, d->tap[3], sizeof t3);
			memcpy(&t4, d->tap[4], sizeof t4);
			moved = false;
		}
		if (!key_steady && i > 0) {
			const float* kt = track + (size_t)i * L;
			const float* nt = note + (size_t)i * L;
			for (unsigned l = 0; l < L; ++l) {
				kf[l] = dsp_key_factor(kt[l], nt[l]);
			}
		}
		const simd_f fc   = simd_clamp(simd_load(cutoff + (size_t)i * L, L) * simd_load(kf, L), one, top);
		const simd_f g    = tan_01(w * fc) * sf;
		const simd_f beta = one / (one + g);
		const simd_f G    = g * beta;
		const simd_f G4   = (G * G) * (G * G);
		const simd_f xin  = simd_load(in + (size_t)i * L, L);
		const simd_f x    = simd_sel(xin == xin, simd_clamp(xin, -in_max, in_max), simd_splat(0.0f)) * ig;
		/* Each stage outputs G * input + beta * state, so the last one is
		 * G^4 * u + S; with u = x - k * y4 that solves to y4. */
		const simd_f S  = beta * (s3 + G * (s2 + G * (s1 + G * s0)));
		const simd_f y4 = (G4 * x + S) / (one + k * G4);
		const simd_f u  = soft_clip(x - k * y4);
		/* Four trapezoidal one-poles. */
		const simd_f v0 = (u - s0) * G, y0 = v0 + s0;
		s0              = y0 + v0;
		const simd_f v1 = (y0 - s1) * G, y1 = v1 + s1;
		s1              = y1 + v1;
		const simd_f v2 = (y1 - s2) * G, y2 = v2 + s2;
		s2              = y2 + v2;
		const simd_f v3 = (y2 - s3) * G, y3 = v3 + s3;
		s3              = y3 + v3;
		const simd_f y = t0 * u + t1 * y0 + t2 * y1 + t3 * y2 + t4 * y3;
		simd_store(io->out + (size_t)i * L, y * og, L);
	}
	/* States flushed once a block (not every sample), so a decaying voice
	 * never lingers in denormals for more than one block. */
	const simd_f tiny = simd_splat(1e-20f), zero = simd_splat(0.0f);
	s0 = simd_sel((s0 < tiny) & (s0 > -tiny), zero, s0);
	s1 = simd_sel((s1 < tiny) & (s1 > -tiny), zero, s1);
	s2 = simd_sel((s2 < tiny) & (s2 > -tiny), zero, s2);
	s3 = simd_sel((s3 < tiny) & (s3 > -tiny), zero, s3);
	memcpy(d->s0, &s0, sizeof s0);
	memcpy(d->s1, &s1, sizeof s1);
	memcpy(d->s2, &s2, sizeof s2);
	memcpy(d->s3, &s3, sizeof s3);
}

SIMD_LANE_PROCESS(ladder_process, ladder_kernel)

static const char* const ladder_modes[] = {"lowpass24", "lowpass12", "bandpass", "highpass12", "highpass24", NULL};

static const InputSpec ladder_inputs[] = {
	[IN_AUDIO] = {"in", "audio to filter", IMPLICIT_NONE},
	[IN_NOTE]  = {"note", "the note in semitones, for key tracking; the voice's note unless connected", IMPLICIT_PITCH},
};

static const ParamSpec ladder_params[] = {
	[P_CUTOFF] = {"cutoff", "Hz", "-3 dB point at resonance 0, resonant peak at high resonance",
	              20.0f, 20000.0f, 1000.0f, CURVE_EXP, 10.0f, NULL},
	[P_RESONANCE] = {"resonance", "", "feedback; self-oscillates from about 0.95",
	                 0.0f, 1.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_DRIVE] = {"drive", "", "input gain into the saturation, 1x .. 8x, output half compensated",
	             0.0f, 1.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_KEYTRACK] = {"keytrack", "", "key tracking: 1 (100 %) moves the cutoff an octave per octave of the note from key 60, 0.5 half as far, negative the other way",
	                -1.0f, 2.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_MODE] = {"mode", "", "response (pole mixing of the same ladder): 24 or 12 dB/oct lowpass, bandpass (0 dB at the cutoff), 12 or 24 dB/oct highpass; -3 dB at the cutoff at resonance 0",
	            0.0f, 4.0f, 0.0f, CURVE_LIN, 0.0f, ladder_modes},
};

const ModuleType module_ladder = {
	.name       = "ladder",
	.summary    = "Moog-style ladder with saturating input: 24/12 dB lowpass, bandpass, 12/24 dB highpass (pole mixing), key tracking",
	.flags      = MODULE_LANES,
	.n_inputs   = sizeof ladder_inputs / sizeof ladder_inputs[0],
	.inputs     = ladder_inputs,
	.n_params   = sizeof ladder_params / sizeof ladder_params[0],
	.params     = ladder_params,
	.state_size = sizeof(Ladder),
	.init       = ladder_init,
	.reset      = ladder_reset,
	.process    = ladder_process,
	.process_avx2 = SIMD_AVX2_OF(ladder_process),
	.active     = NULL,
	.reset_lane = ladder_reset_lane,
};
