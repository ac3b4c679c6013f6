/* SPDX-License-Identifier: ISC
 *
 * pluck: a plucked string (Karplus-Strong), a whole voice in one module.
 *
 * On each rising edge of its gate a burst one period long (white noise
 * through a one-pole lowpass set by `bright`, or a soft pulse) enters a
 * loop: a delay of the note's period, a first-order allpass that supplies
 * the fraction of a sample the integer delay cannot, and a one-pole
 * lowpass (`damping`) that makes upper partials die sooner than the
 * fundamental, as on a string. The loop is tuned exactly at the
 * fundamental, the lowpass's own delay included (dsp/delayline.h), so the
 * note is in tune to a small fraction of a cent from A0 to A7. A loop gain
 * set from `decay` makes the fundamental fall 60 dB in that time (unless
 * the lowpass alone loses more per round trip: a high note with much
 * damping rings shorter); once the key is up, `release` takes over if it
 * is shorter (a player damping the string). The feedback closes inside the module, one sample at a
 * time, which a loop through the patch (64-frame sub-blocks) could not do.
 *
 * It is an envelope for the engine (MODULE_ENVELOPE): a released voice
 * lives until the string has fallen below -100 dBFS. A note handed over
 * at a patch swap (enter_held) is not plucked again. Each pluck's noise
 * comes from the note number and how many times this voice was plucked,
 * never from the lane, so the one-voice and lane-group paths agree.
 * Lane-group module, one lane at a time (each lane reads its own delay).
 */
#include "dsp/delayline.h"
#include "dsp/module.h"

#include <stdint.h>
#include <string.h>

enum { I_NOTE, I_GATE };
enum { P_DECAY, P_RELEASE, P_DAMPING, P_BRIGHT, P_EXCITE, P_LEVEL };
enum { EXCITE_NOISE, EXCITE_PULSE };

#define F_LOW_LIMIT 8.0f  /* lowest pitch played, further limited by the ring */
#define QUIET       1e-5f /* -100 dBFS: a released string under this has ended */
#define G_MAX       0.99999
#define QUIET_RUN_MAX 0x40000000u

typedef struct {
	double   rate;
	unsigned mask;
	float    f_low, f_high; /* pitch range the ring and the loop allow */
	float    g_glide;       /* per-sample step of the loop gain towards its target */
	/* Per lane: the loop... */
	unsigned w[CHRONUS_LANES], n[CHRONUS_LANES];
	float    eta[CHRONUS_LANES], a[CHRONUS_LANES], g[CHRONUS_LANES], gs[CHRONUS_LANES];
	float    ap_x1[CHRONUS_LANES], ap_y1[CHRONUS_LANES], lp1[CHRONUS_LANES];
	/* ...the burst... */
	unsigned burst_left[CHRONUS_LANES], burst_len[CHRONUS_LANES];
	uint32_t seed[CHRONUS_LANES], plucks[CHRONUS_LANES];
	float    burst_lp[CHRONUS_LANES], last_gate[CHRONUS_LANES];
	/* ...what the loop was tuned for, and how loud it was lately. */
	float    t_note[CHRONUS_LANES], t_decay[CHRONUS_LANES], t_damp[CHRONUS_LANES];
	/* Samples in a row under QUIET: over a whole loop, the string is
	 * silent (counted per sample, so it does not depend on how the
	 * frames were split into calls). */
	unsigned quiet[CHRONUS_LANES];
	float    ring[CHRONUS_LANES][DL_MAX];
} Pluck;

static void
pluck_reset_lane(void* state, unsigned l)
{
	Pluck* s = state;
	memset(s->ring[l], 0, (s->mask + 1u) * sizeof(float));
	s->w[l]     = 0;
	s->n[l]     = 1;
	s->eta[l]   = s->a[l] = s->g[l] = s->gs[l] = 0.0f;
	s->ap_x1[l] = s->ap_y1[l] = s->lp1[l] = 0.0f;
	s->burst_left[l] = s->burst_len[l] = 0;
	s->seed[l]       = 1u;
	s->plucks[l]     = 0;
	s->burst_lp[l]   = 0.0f;
	s->last_gate[l]  = 0.0f;
	s->t_note[l]     = -1000.0f; /* no note is this low: the first sample tunes */
	s->t_decay[l] = s->t_damp[l] = -1.0f;
	s->quiet[l]                  = QUIET_RUN_MAX;
}

/* Audio or worker thread. */
static void
pluck_reset(void* state)
{
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		pluck_reset_lane(state, l);
	}
}

/* Worker thread. */
static void
pluck_init(void* state, double rate)
{
	Pluck* s  = state;
	s->rate   = rate;
	s->mask   = dl_ring_mask(rate);
	/* The loop's integer part must fit the ring with the allpass's 1.5. */
	const double low = rate / ((double)s->mask - 2.0);
	s->f_low  = (float)(low > F_LOW_LIMIT ? low : F_LOW_LIMIT);
	s->f_high = (float)(rate / 4.0); /* a 4-sample loop: the top of the keyboard at 48 kHz */
	/* The loop gain moves to a new decay (the key let go) in about 5 ms:
	 * a step would be a step in the level. */
	s->g_glide = (float)(1.0 - exp(-1.0 / (0.005 * rate)));
	pluck_reset(s);
}

/* Audio thread: tune lane l's loop for a pitch, its decay (T60 of the
 * fundamental, s) and damping. */
static void
pluck_tune(Pluck* s, unsigned l, float note, float decay_s, float damping)
{
	const double f0     = dsp_clamp(dsp_note_to_hz(note), s->f_low, s->f_high);
	const double period = s->rate / f0;
	/* The loop lowpass's corner follows the note, 256 (damping 0) down
	 * to 2 (damping 1) times the fundamental, so a damping setting means
	 * the same timbre, and the same loss per round trip, on every key. */
	const double fc     = fmin(f0 * exp2(1.0 + 7.0 * (1.0 - dsp_clamp(damping, 0.0, 1.0))), 0.45 * s->rate);
	/* The pole, less what it is at the highest corner (0.45 of the rate),
	 * so a corner that high means no lowpass at all, not a faint one. */
	const double a_top  = exp(-DSP_TAU * 0.45);
	const double a      = (exp(-DSP_TAU * fc / s->rate) - a_top) / (1.0 - a_top);
	const DlTuning t    = dl_tune(period, a > 0.0 ? a : 0.0, s->mask - 2u);
	const double w      = DSP_TAU / period;
	/* Per round trip the fundamental must lose 60 dB / (f0 T60); the
	 * lowpass already takes its share. */
	const double want = pow(10.0, -3.0 / (f0 * (double)decay_s));
	double       g    = want / dl_lowpass_gain(t.a, w);
	s->n[l]           = t.n;
	s->eta[l]         = t.eta;
	s->a[l]           = t.a;
	s->g[l]           = (float)(g < G_MAX ? g : G_MAX);
	s->burst_len[l]   = (unsigned)(period + 0.5);
	s->t_note[l]      = note;
	s->t_decay[l]     = decay_s;
	s->t_damp[l]      = damping;
}

/* xorshift32, uniform in [-1, 1). */
static inline float
pluck_noise(uint32_t* x)
{
	uint32_t v = *x;
	v ^= v << 13;
	v ^= v >> 17;
	v ^= v << 5;
	*x = v;
	return (float)((double)v * (2.0 / 4294967296.0) - 1.0);
}

/* Audio thread: one lane, frames i * stride of the io buffers. */
static void
pluck_lane(Pluck* s, unsigned l, const ModuleIO* io, unsigned stride)
{
	const float* note    = io->in[I_NOTE];
	const float* gate    = io->in[I_GATE];
	const float* decay   = io->param[P_DECAY];
	const float* release = io->param[P_RELEASE];
	const float* damping = io->param[P_DAMPING];
	const float* bright  = io->param[P_BRIGHT];
	const float* excite  = io->param[P_EXCITE];
	const float* level   = io->param[P_LEVEL];
	float*       ring    = s->ring[l];
	const unsigned mask  = s->mask;
	unsigned     w       = s->w[l];
	float        x1 = s->ap_x1[l], y1 = s->ap_y1[l], lp1 = s->lp1[l];
	unsigned     quiet = s->quiet[l];

	for (unsigned i = 0; i < io->n; ++i) {
		const size_t k  = (size_t)i * stride + l;
		const float  gt = gate[k];
		const float  nt = dl_sane_note(note[k]);
		const bool   strike = gt > 0.5f && s->last_gate[l] <= 0.5f;
		if (strike) {
			s->seed[l] = 0x9e3779b9u ^ ((uint32_t)(int32_t)nt * 2654435761u) ^ (++s->plucks[l] * 40503u);
			if (!s->seed[l]) {
				s->seed[l] = 1u;
			}
		}
		s->last_gate[l] = gt;
		/* Decay with the key up is the shorter of decay and release. */
		const float dec = gt > 0.5f ? decay[k] : fminf(decay[k], release[k]);
		if (strike || nt != s->t_note[l] || dec != s->t_decay[l] || damping[k] != s->t_damp[l]) {
			pluck_tune(s, l, nt, dec, damping[k]);
		}
		if (strike) { /* the burst is one period of the note as now tuned */
			s->gs[l]         = s->g[l];
			s->burst_left[l] = s->burst_len[l];
			s->burst_lp[l]   = 0.0f;
		}
		float e = 0.0f;
		if (s->burst_left[l]) {
			const unsigned len = s->burst_len[l], pos = len - s->burst_left[l];
			float          raw;
			if ((int)excite[k] == EXCITE_PULSE) {
				/* A raised-cosine pulse a quarter period wide. */
				const float width = 0.25f * (float)len;
				raw = (float)pos < width ? 0.5f - 0.5f * cosf((float)DSP_TAU * (float)pos / width) : 0.0f;
				raw *= 2.0f;
			} else {
				raw = pluck_noise(&s->seed[l]);
			}
			/* bright 1: the raw burst; 0: through a lowpass near 1/40 of the rate. */
			const float c  = 0.02f + 0.98f * bright[k];
			s->burst_lp[l] += c * (raw - s->burst_lp[l]);
			e              = s->burst_lp[l];
			--s->burst_left[l];
		}
		const float v  = ring[(w - s->n[l]) & mask];
		const float ap = s->eta[l] * v + x1 - s->eta[l] * y1;
		x1             = v;
		y1             = ap;
		lp1            = (1.0f - s->a[l]) * ap + s->a[l] * lp1;
		s->gs[l] += s->g_glide * (s->g[l] - s->gs[l]);
		const float y  = dsp_flush(s->gs[l] * lp1 + e);
		ring[w]        = y;
		w              = (w + 1u) & mask;
		io->out[k]     = y * level[k];
		quiet          = fabsf(y) < QUIET ? (quiet < QUIET_RUN_MAX ? quiet + 1u : quiet) : 0u;
	}
	s->w[l]     = w;
	s->ap_x1[l] = dsp_flush(x1);
	s->ap_y1[l] = dsp_flush(y1);
	s->lp1[l]   = dsp_flush(lp1);
	s->quiet[l] = quiet;
}

/* Audio thread. */
static void
pluck_process(void* state, const ModuleIO* io)
{
	Pluck* s = state;
	for (unsigned l = 0; l < io->lanes; ++l) {
		if (io->sounding & (1u << l)) {
			pluck_lane(s, l, io, io->lanes);
		} else {
			for (unsigned i = 0; i < io->n; ++i) {
				io->out[(size_t)i * io->lanes + l] = 0.0f;
			}
		}
	}
}

/* Audio thread: is the string still ringing (or about to be plucked)? */
static bool
pluck_active_lane(const void* state, unsigned l)
{
	const Pluck* s = state;
	return s->burst_left[l] > 0 || s->quiet[l] <= s->burst_len[l] + 1u;
}

static bool
pluck_active(const void* state)
{
	return pluck_active_lane(state, 0);
}

/* Audio thread: a note handed over at a swap sounds as held, so it is not
 * plucked again (no rising edge), whatever its age: a string is only
 * excited by a key going down. */
static void
pluck_enter_held(void* state, unsigned l, uint32_t age)
{
	(void)age;
	Pluck* s        = state;
	s->last_gate[l] = 1.0f;
}

static const char* const pluck_excites[] = {"noise", "pulse", NULL};

static const InputSpec pluck_inputs[] = {
	[I_NOTE] = {"note", "pitch in semitones (69 = A4); the voice's note when unconnected", IMPLICIT_PITCH},
	[I_GATE] = {"gate", "plucks on each rising edge; the voice's gate when unconnected", IMPLICIT_GATE},
};

static const ParamSpec pluck_params[] = {
	[P_DECAY] = {"decay", "s", "time for the fundamental to fall 60 dB with the key held",
	             0.05f, 30.0f, 3.0f, CURVE_EXP, 20.0f, NULL},
	[P_RELEASE] = {"release", "s", "that time once the key is up, if shorter (damping the string)",
	               0.01f, 30.0f, 30.0f, CURVE_EXP, 20.0f, NULL},
	[P_DAMPING] = {"damping", "", "lowpass in the loop, its corner 256 (0) .. 2 (1) times the note: higher dies sooner",
	               0.0f, 1.0f, 0.3f, CURVE_LIN, 20.0f, NULL},
	[P_BRIGHT] = {"bright", "", "lowpass on the burst: 0 soft, 1 the raw burst",
	              0.0f, 1.0f, 0.8f, CURVE_LIN, 0.0f, NULL},
	[P_EXCITE] = {"excite", "", "burst: noise (a period of white noise) or pulse (a soft quarter-period pulse)",
	              0.0f, 1.0f, 0.0f, CURVE_LIN, 0.0f, pluck_excites},
	[P_LEVEL] = {"level", "", "output level", 0.0f, 1.0f, 0.5f, CURVE_LIN, 5.0f, NULL},
};

const ModuleType module_pluck = {
	.name        = "pluck",
	.summary     = "plucked string (Karplus-Strong), in tune with the note to well under a cent",
	.flags       = MODULE_LANES | MODULE_SOURCE | MODULE_ENVELOPE,
	.n_inputs    = sizeof pluck_inputs / sizeof pluck_inputs[0],
	.inputs      = pluck_inputs,
	.n_params    = sizeof pluck_params / sizeof pluck_params[0],
	.params      = pluck_params,
	.state_size  = sizeof(Pluck),
	.init        = pluck_init,
	.reset       = pluck_reset,
	.process     = pluck_process,
	.active      = pluck_active,
	.reset_lane  = pluck_reset_lane,
	.active_lane = pluck_active_lane,
	.enter_held  = pluck_enter_held,
};
