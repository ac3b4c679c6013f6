/* SPDX-License-Identifier: ISC
 *
 * comb: a comb filter tuned to the note or to a frequency.
 *
 * Feedback (y = (1 - |g|) x + g LP(AP(y delayed))): resonant peaks at every multiple
 * of the tuned frequency (for g > 0; g < 0 puts them at the odd multiples
 * of half of it, an octave down), as long as the feedback is strong, and
 * duller up high as `damping` grows. Feedforward (y = x + g LP(AP(x
 * delayed))): notches between the harmonics (g > 0) or on them (g < 0),
 * no ringing. The delay is tuned like pluck's loop (dsp/delayline.h): an
 * integer delay, a first-order allpass solved exactly at the tuned
 * frequency, and the damping lowpass, whose own delay the integer and
 * allpass parts give back, so the first peak sits on the note. The wet
 * signal peaks at 0 dB (the input scaled by 1 - |g| for feedback, the sum
 * by 1 / (1 + |g|) for feedforward), so sweeping the feedback never jumps
 * the level by 40 dB. Feedback closes inside the module, a sample at a time.
 * Lane-group module, one lane at a time (each lane reads its own delay).
 */
#include "dsp/delayline.h"
#include "dsp/module.h"

#include <string.h>

enum { I_IN, I_NOTE };
enum { P_FREQ, P_TRACK, P_TUNE, P_AMOUNT, P_MODE, P_DAMPING, P_MIX };
enum { TRACK_OFF, TRACK_NOTE };
enum { MODE_FEEDBACK, MODE_FEEDFORWARD };

typedef struct {
	double   rate;
	unsigned mask;
	float    f_low, f_high;
	unsigned w[CHRONUS_LANES], n[CHRONUS_LANES];
	float    eta[CHRONUS_LANES], a[CHRONUS_LANES];
	float    ap_x1[CHRONUS_LANES], ap_y1[CHRONUS_LANES], lp1[CHRONUS_LANES];
	float    t_hz[CHRONUS_LANES], t_damp[CHRONUS_LANES]; /* what the delay was tuned for */
	float    t_note[CHRONUS_LANES], t_tune[CHRONUS_LANES], t_note_hz[CHRONUS_LANES];
	float    ring[CHRONUS_LANES][DL_MAX];
} Comb;

static void
comb_reset_lane(void* state, unsigned l)
{
	Comb* s = state;
	memset(s->ring[l], 0, (s->mask + 1u) * sizeof(float));
	s->w[l]     = 0;
	s->n[l]     = 1;
	s->eta[l]   = s->a[l] = 0.0f;
	s->ap_x1[l] = s->ap_y1[l] = s->lp1[l] = 0.0f;
	s->t_hz[l] = s->t_damp[l] = -1.0f; /* never a real value: the first sample tunes */
	s->t_note[l] = -1000.0f;            /* nor this: the first sample computes the note's */
	s->t_tune[l] = s->t_note_hz[l] = 0.0f;
}

/* Audio or worker thread. */
static void
comb_reset(void* state)
{
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		comb_reset_lane(state, l);
	}
}

/* Worker thread. */
static void
comb_init(void* state, double rate)
{
	Comb* s         = state;
	s->rate         = rate;
	s->mask         = dl_ring_mask(rate);
	const double lo = rate / ((double)s->mask - 2.0);
	s->f_low        = (float)(lo > 20.0 ? lo : 20.0);
	s->f_high       = (float)(rate / 4.0);
	comb_reset(s);
}

/* The frequency lane l is tuned to at frame k; the note's costs an exp2,
 * so it is remade only when the note or tune moves. */
static inline float
comb_hz(Comb* s, unsigned l, const ModuleIO* io, size_t k)
{
	if ((int)io->param[P_TRACK][k] != TRACK_NOTE) {
		return io->param[P_FREQ][k];
	}
	const float note = dl_sane_note(io->in[I_NOTE][k]), tune = io->param[P_TUNE][k];
	if (note != s->t_note[l] || tune != s->t_tune[l]) {
		s->t_note[l]    = note;
		s->t_tune[l]    = tune;
		s->t_note_hz[l] = (float)dsp_note_to_hz((double)note + (double)tune);
	}
	return s->t_note_hz[l];
}

/* Audio thread: one lane, frames i * stride of the io buffers. */
static void
comb_lane(Comb* s, unsigned l, const ModuleIO* io, unsigned stride)
{
	const float*   in      = io->in[I_IN];
	const float*   amount  = io->param[P_AMOUNT];
	const float*   mode    = io->param[P_MODE];
	const float*   damping = io->param[P_DAMPING];
	const float*   mix     = io->param[P_MIX];
	float*         ring    = s->ring[l];
	const unsigned mask    = s->mask;
	unsigned       w       = s->w[l];
	float          x1 = s->ap_x1[l], y1 = s->ap_y1[l], lp1 = s->lp1[l];

	for (unsigned i = 0; i < io->n; ++i) {
		const size_t k  = (size_t)i * stride + l;
		const float  hz = dsp_clampf(comb_hz(s, l, io, k), s->f_low, s->f_high);
		if (hz != s->t_hz[l] || damping[k] != s->t_damp[l]) {
			const DlTuning t = dl_tune(s->rate / hz, dl_damp_pole(damping[k]), s->mask - 2u);
			s->n[l]          = t.n;
			s->eta[l]        = t.eta;
			s->a[l]          = t.a;
			s->t_hz[l]       = hz;
			s->t_damp[l]     = damping[k];
		}
		const float x  = dsp_sane(in[k]);
		const float v  = ring[(w - s->n[l]) & mask];
		const float ap = s->eta[l] * v + x1 - s->eta[l] * y1;
		x1             = v;
		y1             = ap;
		lp1            = (1.0f - s->a[l]) * ap + s->a[l] * lp1;
		const float g  = amount[k];
		float       wet;
		if ((int)mode[k] == MODE_FEEDFORWARD) {
			ring[w] = x;
			wet     = (x + g * lp1) / (1.0f + fabsf(g));
		} else {
			/* The input is scaled, not the output, so what circulates
			 * is always at the output's level: a feedback that falls
			 * from 0.99 never lets out a ring 40 dB too loud. */
			const float y = dsp_flush((1.0f - fabsf(g)) * x + g * lp1);
			ring[w]       = y;
			wet           = y;
		}
		w          = (w + 1u) & mask;
		io->out[k] = x + mix[k] * (wet - x);
	}
	s->w[l]     = w;
	s->ap_x1[l] = dsp_flush(x1);
	s->ap_y1[l] = dsp_flush(y1);
	s->lp1[l]   = dsp_flush(lp1);
}

/* Audio thread. */
static void
comb_process(void* state, const ModuleIO* io)
{
	Comb* s = state;
	for (unsigned l = 0; l < io->lanes; ++l) {
		if (io->sounding & (1u << l)) {
			comb_lane(s, l, io, io->lanes);
		} else {
			for (unsigned i = 0; i < io->n; ++i) {
				io->out[(size_t)i * io->lanes + l] = 0.0f;
			}
		}
	}
}

static const char* const comb_tracks[] = {"off", "note", NULL};
static const char* const comb_modes[]  = {"feedback", "feedforward", NULL};

static const InputSpec comb_inputs[] = {
	[I_IN]   = {"in", "audio to filter", IMPLICIT_NONE},
	[I_NOTE] = {"note", "pitch followed when track is note; the voice's note when unconnected", IMPLICIT_PITCH},
};

static const ParamSpec comb_params[] = {
	[P_FREQ] = {"freq", "Hz", "tuned frequency (first peak) when track is off",
	            20.0f, 10000.0f, 440.0f, CURVE_EXP, 50.0f, NULL},
	[P_TRACK] = {"track", "", "off: tuned to freq; note: tuned to the note plus tune",
	             0.0f, 1.0f, 0.0f, CURVE_LIN, 0.0f, comb_tracks},
	[P_TUNE] = {"tune", "st", "offset from the note when track is note, in semitones",
	            -48.0f, 48.0f, 0.0f, CURVE_LIN, 50.0f, NULL},
	[P_AMOUNT] = {"amount", "", "feedback or feedforward gain; negative moves the peaks half a harmonic",
	              -0.99f, 0.99f, 0.7f, CURVE_LIN, 20.0f, NULL},
	[P_MODE] = {"mode", "", "feedback (resonant peaks) or feedforward (notches)",
	            0.0f, 1.0f, 0.0f, CURVE_LIN, 0.0f, comb_modes},
	[P_DAMPING] = {"damping", "", "lowpass in the delay: 0 none, 1 upper peaks much lower",
	               0.0f, 1.0f, 0.0f, CURVE_LIN, 20.0f, NULL},
	[P_MIX] = {"mix", "", "0 dry .. 1 the comb alone", 0.0f, 1.0f, 1.0f, CURVE_LIN, 10.0f, NULL},
};

const ModuleType module_comb = {
	.name       = "comb",
	.summary    = "comb filter (feedback or feedforward), tuned to the note or a frequency",
	.flags      = MODULE_LANES,
	.n_inputs   = sizeof comb_inputs / sizeof comb_inputs[0],
	.inputs     = comb_inputs,
	.n_params   = sizeof comb_params / sizeof comb_params[0],
	.params     = comb_params,
	.state_size = sizeof(Comb),
	.init       = comb_init,
	.reset      = comb_reset,
	.process    = comb_process,
	.active     = NULL,
	.reset_lane = comb_reset_lane,
};
