/* SPDX-License-Identifier: ISC
 *
 * delay: a short delay line with damped feedback, one per voice (or one
 * after the voice mix when created master).
 *
 * The time is in milliseconds, or (track note) one period of the note plus
 * `tune` semitones, so its feedback makes a comb tuned to the key. Reads
 * are third-order Lagrange (dsp/delayline.h): sample-accurate at any
 * fraction, flat within 0.1 dB below a quarter of the rate, and stateless,
 * so a modulated time (chorus, flanger, vibrato) glides with no transient.
 * Feedback goes through a one-pole lowpass (`damping`), so each echo is
 * duller than the last; it closes inside the module, a sample at a time,
 * so loops as short as two samples work (a loop through the patch would
 * wait a 64-frame sub-block). With track note, the lowpass's own delay at
 * the fundamental is taken off the line, so the loop's first peak sits on
 * the note however much damping is set.
 * Time is clamped to [2 samples, 50 ms] (42 ms above 163 kHz: DL_MAX).
 * Lane-group module, one lane at a time (each lane reads its own delay).
 */
#include "dsp/delayline.h"
#include "dsp/module.h"

#include <string.h>

enum { I_IN, I_NOTE };
enum { P_TIME, P_TRACK, P_TUNE, P_FEEDBACK, P_DAMPING, P_MIX };
enum { TRACK_OFF, TRACK_NOTE };

typedef struct {
	double   rate;
	unsigned mask;
	float    ms_to_samples, max_delay;
	unsigned w[CHRONUS_LANES];
	float    lp1[CHRONUS_LANES];
	/* What the read position was computed for (the note path costs a
	 * pow and an atan2, so it is remade only when its inputs move). */
	float    t_note[CHRONUS_LANES], t_tune[CHRONUS_LANES], t_damp[CHRONUS_LANES], t_delay[CHRONUS_LANES];
	float    ring[CHRONUS_LANES][DL_MAX];
} Delay;

static void
delay_reset_lane(void* state, unsigned l)
{
	Delay* s = state;
	memset(s->ring[l], 0, (s->mask + 1u) * sizeof(float));
	s->w[l]      = 0;
	s->lp1[l]    = 0.0f;
	s->t_note[l] = -1000.0f; /* no note is this low: the first sample computes */
	s->t_tune[l] = s->t_damp[l] = 0.0f;
	s->t_delay[l] = 2.0f;
}

/* Audio or worker thread. */
static void
delay_reset(void* state)
{
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		delay_reset_lane(state, l);
	}
}

/* Worker thread. */
static void
delay_init(void* state, double rate)
{
	Delay* s         = state;
	s->rate          = rate;
	s->mask          = dl_ring_mask(rate);
	s->ms_to_samples = (float)(0.001 * rate);
	/* Four taps reach two samples past the delay; leave one more. */
	s->max_delay = (float)s->mask - 3.0f;
	delay_reset(s);
}

/* Audio thread: the delay, in samples, of one period of note + tune, less
 * the loop lowpass's delay there (pole a). */
static float
delay_note_samples(const Delay* s, float note, float tune, double a)
{
	const double period = s->rate / dsp_note_to_hz((double)note + (double)tune);
	const double lp     = a > 0.0 ? dl_lowpass_delay(a, DSP_TAU / period) : 0.0;
	return (float)(period - lp);
}

/* Audio thread: one lane, frames i * stride of the io buffers. */
static void
delay_lane(Delay* s, unsigned l, const ModuleIO* io, unsigned stride)
{
	const float*   in       = io->in[I_IN];
	const float*   note     = io->in[I_NOTE];
	const float*   time     = io->param[P_TIME];
	const float*   track    = io->param[P_TRACK];
	const float*   tune     = io->param[P_TUNE];
	const float*   feedback = io->param[P_FEEDBACK];
	const float*   damping  = io->param[P_DAMPING];
	const float*   mix      = io->param[P_MIX];
	float*         ring     = s->ring[l];
	const unsigned mask     = s->mask;
	unsigned       w        = s->w[l];
	float          lp1      = s->lp1[l];

	for (unsigned i = 0; i < io->n; ++i) {
		const size_t k = (size_t)i * stride + l;
		const float  a = 0.9f * damping[k]; /* dl_damp_pole, in float */
		float        d;
		if ((int)track[k] == TRACK_NOTE) {
			const float nt = dl_sane_note(note[k]);
			if (nt != s->t_note[l] || tune[k] != s->t_tune[l] || damping[k] != s->t_damp[l]) {
				s->t_delay[l] = delay_note_samples(s, nt, tune[k], a);
				s->t_note[l]  = nt;
				s->t_tune[l]  = tune[k];
				s->t_damp[l]  = damping[k];
			}
			d = s->t_delay[l];
		} else {
			d = time[k] * s->ms_to_samples;
		}
		d              = dsp_clampf(d, 2.0f, s->max_delay);
		const float x  = dsp_sane(in[k]);
		const float y  = dl_read_lagrange(ring, mask, w, d);
		lp1            = dsp_flush((1.0f - a) * y + a * lp1);
		ring[w]        = dsp_flush(x + feedback[k] * lp1);
		w              = (w + 1u) & mask;
		io->out[k]     = x + mix[k] * (y - x);
	}
	s->w[l]   = w;
	s->lp1[l] = lp1;
}

/* Audio thread. */
static void
delay_process(void* state, const ModuleIO* io)
{
	Delay* s = state;
	for (unsigned l = 0; l < io->lanes; ++l) {
		if (io->sounding & (1u << l)) {
			delay_lane(s, l, io, io->lanes);
		} else {
			for (unsigned i = 0; i < io->n; ++i) {
				io->out[(size_t)i * io->lanes + l] = 0.0f;
			}
		}
	}
}

static const char* const delay_tracks[] = {"off", "note", NULL};

static const InputSpec delay_inputs[] = {
	[I_IN]   = {"in", "audio to delay", IMPLICIT_NONE},
	[I_NOTE] = {"note", "pitch followed when track is note; the voice's note when unconnected", IMPLICIT_PITCH},
};

static const ParamSpec delay_params[] = {
	[P_TIME] = {"time", "ms", "delay when track is off (2 samples .. 50 ms)",
	            0.05f, 50.0f, 10.0f, CURVE_EXP, 30.0f, NULL},
	[P_TRACK] = {"track", "", "off: time in ms; note: one period of the note plus tune",
	             0.0f, 1.0f, 0.0f, CURVE_LIN, 0.0f, delay_tracks},
	[P_TUNE] = {"tune", "st", "offset from the note when track is note, in semitones",
	            -48.0f, 48.0f, 0.0f, CURVE_LIN, 20.0f, NULL},
	[P_FEEDBACK] = {"feedback", "", "share of the (damped) output fed back in, negative inverts it; unnormalised (comb is)",
	                -0.99f, 0.99f, 0.0f, CURVE_LIN, 20.0f, NULL},
	[P_DAMPING] = {"damping", "", "one-pole lowpass in the feedback: 0 none, 1 each echo much duller",
	               0.0f, 1.0f, 0.2f, CURVE_LIN, 20.0f, NULL},
	[P_MIX] = {"mix", "", "0 dry .. 1 the delayed signal alone", 0.0f, 1.0f, 0.5f, CURVE_LIN, 10.0f, NULL},
};

const ModuleType module_delay = {
	.name       = "delay",
	.summary    = "short delay with damped feedback, in ms or one period of the note (Lagrange)",
	.flags      = MODULE_LANES,
	.n_inputs   = sizeof delay_inputs / sizeof delay_inputs[0],
	.inputs     = delay_inputs,
	.n_params   = sizeof delay_params / sizeof delay_params[0],
	.params     = delay_params,
	.state_size = sizeof(Delay),
	.init       = delay_init,
	.reset      = delay_reset,
	.process    = delay_process,
	.active     = NULL,
	.reset_lane = delay_reset_lane,
};
