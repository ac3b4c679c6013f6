/* SPDX-License-Identifier: ISC
 *
 * svf: 12 dB/oct state-variable filter (lowpass, highpass, bandpass, notch).
 *
 * Zavalishin's topology-preserving (zero-delay-feedback) SVF in Andrew
 * Simper's (Cytomic) form: two trapezoidal integrators whose loop is solved
 * in closed form every sample. Why this form:
 * - g = tan(pi fc / fs) prewarps the bilinear map, so the response sits
 *   exactly where the analog one does: at resonance 0 (Q = 1/sqrt 2) the
 *   lowpass and highpass are -3 dB at the set cutoff, at any rate.
 * - The state is the integrators' charge, not past outputs as in a direct
 *   form biquad, so it stays stable however fast the cutoff moves (audio
 *   rate modulation included) and keeps its precision at low cutoffs.
 * Coefficients cost a tan(), so they are remade only when the per-sample
 * cutoff or resonance differs from the previous sample's.
 *
 * Key tracking moves the cutoff by keytrack x (note - 60) semitones: at 1
 * (100 %) it follows the keyboard from middle C, an octave per octave.
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <math.h>

enum { P_CUTOFF, P_RESONANCE, P_MODE, P_KEYTRACK };
enum { IN_AUDIO, IN_NOTE };
enum { MODE_LOWPASS, MODE_HIGHPASS, MODE_BANDPASS, MODE_NOTCH };

#define Q_MIN 0.70710678 /* resonance 0: Butterworth, -3 dB at cutoff */
#define Q_MAX 25.0       /* resonance 1: a sharp peak, still damped */

typedef struct {
	double rate;
	float  ic1, ic2;                /* integrator states (Simper's ic1eq, ic2eq) */
	float  last_cutoff, last_res;   /* what the coefficients below were made for */
	float  last_track, last_note, key_factor; /* key tracking: factor for that keytrack and note */
	float  k, a1, a2, a3;           /* damping 1/Q and the solved loop gains */
} Svf;

/* Audio thread: remake the coefficients for one cutoff/resonance pair. */
static void
svf_coefs(Svf* s, float cutoff, float res)
{
	/* tan() runs off towards Nyquist: keep the cutoff below 0.49 fs. */
	const double fc = dsp_clamp((double)cutoff * s->key_factor, 1.0, 0.49 * s->rate);
	const double g  = tan(DSP_PI * fc / s->rate);
	/* Exponential in Q so the knob's travel is even to the ear. */
	const double q = Q_MIN * pow(Q_MAX / Q_MIN, dsp_clamp(res, 0.0, 1.0));
	const double k = 1.0 / q;
	const double a1 = 1.0 / (1.0 + g * (g + k));
	s->k  = (float)k;
	s->a1 = (float)a1;
	s->a2 = (float)(g * a1);
	s->a3 = (float)(g * g * a1);
	s->last_cutoff = cutoff;
	s->last_res    = res;
}

/* Audio or worker thread: silence, as on a fresh voice. */
static void
svf_reset(void* state)
{
	Svf* s = state;
	s->ic1 = s->ic2 = 0.0f;
	/* No parameter is negative, so the first sample always makes coefficients. */
	s->last_cutoff = s->last_res = -1.0f;
	s->last_track = s->last_note = 0.0f;
	s->key_factor = 1.0f;
}

/* Worker thread. */
static void
svf_init(void* state, double rate)
{
	Svf* s  = state;
	s->rate = rate;
	svf_reset(s);
}

/* Audio thread. */
static void
svf_process(void* state, const ModuleIO* io)
{
	Svf*         s      = state;
	const float* in     = io->in[IN_AUDIO];
	const float* note   = io->in[IN_NOTE];
	const float* cutoff = io->param[P_CUTOFF];
	const float* res    = io->param[P_RESONANCE];
	const float* mode   = io->param[P_MODE];
	const float* track  = io->param[P_KEYTRACK];

	for (unsigned i = 0; i < io->n; ++i) {
		if (track[i] != s->last_track || note[i] != s->last_note) {
			s->key_factor   = dsp_key_factor(track[i], note[i]);
			s->last_track   = track[i];
			s->last_note    = note[i];
			s->last_cutoff  = -1.0f; /* remake the coefficients */
		}
		if (cutoff[i] != s->last_cutoff || res[i] != s->last_res) {
			svf_coefs(s, cutoff[i], res[i]);
		}
		const float v0 = dsp_sane(in[i]);
		const float v3 = v0 - s->ic2;
		const float v1 = s->a1 * s->ic1 + s->a2 * v3; /* band */
		const float v2 = s->ic2 + s->a2 * s->ic1 + s->a3 * v3; /* low */
		/* Flushed so a decaying voice never lingers in denormals. */
		s->ic1 = dsp_flush(2.0f * v1 - s->ic1);
		s->ic2 = dsp_flush(2.0f * v2 - s->ic2);

		float y;
		switch ((int)mode[i]) {
		case MODE_HIGHPASS: y = v0 - s->k * v1 - v2; break;
		/* k * band has a 0 dB peak: resonance narrows it instead of
		 * boosting it by up to 28 dB. */
		case MODE_BANDPASS: y = s->k * v1; break;
		case MODE_NOTCH: y = v0 - s->k * v1; break;
		default: y = v2; break;
		}
		io->out[i] = y;
	}
}

static const char* const svf_modes[] = {"lowpass", "highpass", "bandpass", "notch", NULL};

static const InputSpec svf_inputs[] = {
	[IN_AUDIO] = {"in", "audio to filter", IMPLICIT_NONE},
	[IN_NOTE]  = {"note", "the note in semitones, for key tracking; the voice's note unless connected", IMPLICIT_PITCH},
};

static const ParamSpec svf_params[] = {
	[P_CUTOFF] = {"cutoff", "Hz", "corner (low/high pass) or centre (band pass, notch) frequency",
	              20.0f, 20000.0f, 1000.0f, CURVE_EXP, 10.0f, NULL},
	[P_RESONANCE] = {"resonance", "", "0: flat Butterworth (Q 0.71) .. 1: sharp peak (Q 25)",
	                 0.0f, 1.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[P_MODE] = {"mode", "", "response: lowpass, highpass, bandpass (0 dB peak) or notch",
	            0.0f, 3.0f, 0.0f, CURVE_LIN, 0.0f, svf_modes},
	[P_KEYTRACK] = {"keytrack", "", "key tracking: 1 (100 %) moves the cutoff an octave per octave of the note from key 60, 0.5 half as far, negative the other way",
	                -1.0f, 2.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
};

const ModuleType module_svf = {
	.name       = "svf",
	.summary    = "12 dB/oct state-variable filter: lowpass, highpass, bandpass, notch; key tracking",
	.flags      = 0,
	.n_inputs   = sizeof svf_inputs / sizeof svf_inputs[0],
	.inputs     = svf_inputs,
	.n_params   = sizeof svf_params / sizeof svf_params[0],
	.params     = svf_params,
	.state_size = sizeof(Svf),
	.init       = svf_init,
	.reset      = svf_reset,
	.process    = svf_process,
	.active     = NULL,
};
