/* SPDX-License-Identifier: ISC
 *
 * echo: a stereo or ping-pong delay for the master chain, free or synced
 * to the tempo, with its repeats filtered.
 *
 * Why this shape:
 * - Ping-pong: both inputs, summed, go into the left line; the left line's
 *   output, times `feedback`, is the right line's input, and the right's is
 *   fed back to the left the same way, so the repeats alternate L, R, L ...
 *   each `feedback` quieter than the one before. Stereo: each channel repeats on its own side.
 * - Sync: a note value of the tempo instead of `time`. The tempo is the
 *   `tempo` input when something feeds it (`connect ctl.tempo echo.tempo`:
 *   the host's transport), else the `bpm` parameter.
 * - The repeats pass a one-pole highpass (`lowcut`) and lowpass
 *   (`highcut`) each time round, so they thin and darken like tape echoes;
 *   at the ends of their ranges the filters are out of the loop, and the
 *   repeats are exact copies.
 * - Third-order Lagrange reads (dsp/delayline.h): a time that moves (the
 *   smoothed `time` knob) glides without a transient; at a whole number of
 *   samples the read is exact.
 * - A delay that jumps (a `sync` choice, `bpm` or the tempo input while
 *   synced) crossfades from the old read to the new over SWITCH_MS; a
 *   change that comes during a fade waits for it to end. A `mode` change
 *   crossfades what is written into the lines over SWITCH_MS, so the
 *   repeats change over as smoothly when they come round. Either way no
 *   read or write jumps, so no click, now or a delay later.
 * Master only, stereo (MODULE_STEREO). Rings of 2^18 samples a channel:
 * 5.4 s at 48 kHz, 2.7 s at 96 kHz (longer times are held there).
 */
#include "dsp/delayline.h"
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <math.h>
#include <string.h>

enum { P_TIME, P_SYNC, P_BPM, P_FEEDBACK, P_MODE, P_LOWCUT, P_HIGHCUT, P_MIX };
enum { IN_AUDIO, IN_TEMPO };
enum { MODE_PINGPONG, MODE_STEREO };

#define RING      262144u
#define SWITCH_MS 20.0 /* a jump of the delay or a mode change crossfades over this */

/* Note values of `sync`, in beats (quarter notes); 0: off. */
static const double sync_beats[] = {0.0, 4.0, 2.0, 1.0, 0.5, 0.25, 1.5, 0.75, 2.0 / 3.0, 1.0 / 3.0};
#define N_SYNC (sizeof sync_beats / sizeof sync_beats[0])

typedef struct {
	double   rate;
	float    ring[2][RING];
	unsigned w;
	float    hp_x[2], hp_y[2], lp[2]; /* the loop filters' states */
	bool     fresh;                   /* nothing rendered yet: take the delay and mode as they are */
	float    d_old, d_new;            /* the delays read: fading out, and the current one */
	unsigned fade_left, fade_len;     /* samples left of a read crossfade; its length */
	int      sync_on;                 /* the sync choice d_new was made for */
	float    tempo_on;                /* and the tempo, when synced */
	float    stereo_w, mode_step;     /* writes: 0 ping-pong, 1 stereo, between during a change */
} Echo;

static void
echo_reset(void* state)
{
	Echo* e = state;
	memset(e->ring, 0, sizeof e->ring);
	e->w = 0;
	for (unsigned c = 0; c < 2; ++c) {
		e->hp_x[c] = e->hp_y[c] = e->lp[c] = 0.0f;
	}
	e->fresh     = true;
	e->fade_left = 0;
}

static void
echo_init(void* state, double rate)
{
	Echo* e = state;
	e->rate      = rate;
	e->fade_len  = (unsigned)fmax(1.0, SWITCH_MS * 0.001 * rate);
	e->mode_step = 1.0f / (float)e->fade_len;
	echo_reset(e);
}

/* The sync choice and the tempo it uses (the input, when it is fed, else
 * bpm; 0 when sync is off). */
static inline int
sync_of(float sync, float bpm, float tempo, float* t)
{
	const int k = (int)dsp_clamp(sync, 0.0, N_SYNC - 1.0);
	*t          = k == 0 ? 0.0f : (tempo > 0.0f && tempo == tempo ? (float)dsp_clamp(tempo, 20.0, 999.0) : bpm);
	return k;
}

/* The delay in samples: the synced note value of the tempo t, or the time
 * in ms. */
static inline float
delay_samples(const Echo* e, float time_ms, int k, float t)
{
	const double s = k > 0 ? sync_beats[k] * 60.0 / t * e->rate : time_ms * 0.001 * e->rate;
	return (float)dsp_clamp(s, 2.0, RING - 4.0);
}

/* Where to read this frame: the time glides on in d_new; a jump (another
 * sync choice, or another tempo while synced) starts a crossfade from
 * d_new to it, unless one is under way (it is taken when that ends). */
static inline void
follow_delay(Echo* e, float time_ms, float sync, float bpm, float tempo)
{
	float       t;
	const int   k      = sync_of(sync, bpm, tempo, &t);
	const float target = delay_samples(e, time_ms, k, t);
	if (e->fresh) {
		e->d_new    = target;
		e->sync_on  = k;
		e->tempo_on = t;
	} else if (k != e->sync_on || t != e->tempo_on) {
		if (!e->fade_left) {
			e->d_old     = e->d_new;
			e->d_new     = target;
			e->fade_left = e->fade_len;
			e->sync_on   = k;
			e->tempo_on  = t;
		}
	} else if (k == 0) {
		e->d_new = target;
	}
}

/* One pass of the loop filters for channel c: highpass then lowpass, or
 * nothing at the ends of their ranges. */
static inline float
loop_filter(Echo* e, unsigned c, float x, float hp_a, float lp_a)
{
	if (hp_a > 0.0f) { /* y = a (y1 + x - x1) */
		const float y = hp_a * (e->hp_y[c] + x - e->hp_x[c]);
		e->hp_x[c]    = x;
		e->hp_y[c]    = dsp_flush(y);
		x             = y;
	}
	if (lp_a > 0.0f) {
		x = e->lp[c] = dsp_flush(x + lp_a * (e->lp[c] - x));
	}
	return x;
}

static void
echo_process_stereo(void* state, const ModuleIO* left, const ModuleIO* right)
{
	Echo*        e       = state;
	const float* inl     = left->in[IN_AUDIO];
	const float* inr     = right->in[IN_AUDIO];
	const float* tempo   = left->in[IN_TEMPO];
	const float* time    = left->param[P_TIME];
	const float* sync    = left->param[P_SYNC];
	const float* bpm     = left->param[P_BPM];
	const float* fb      = left->param[P_FEEDBACK];
	const float* mode    = left->param[P_MODE];
	const float* lowcut  = left->param[P_LOWCUT];
	const float* highcut = left->param[P_HIGHCUT];
	const float* mix     = left->param[P_MIX];
	const unsigned mask  = RING - 1u;
	float        last_lc = -1.0f, last_hc = -1.0f, hp_a = 0.0f, lp_a = 0.0f;
	for (unsigned i = 0; i < left->n; ++i) {
		if (lowcut[i] != last_lc || highcut[i] != last_hc) {
			/* Ends of the ranges: out of the loop. */
			hp_a    = lowcut[i] <= 20.0f ? 0.0f : (float)exp(-DSP_TAU * lowcut[i] / e->rate);
			lp_a    = highcut[i] >= 20000.0f ? 0.0f
			                                 : (float)exp(-DSP_TAU * dsp_clamp(highcut[i], 20.0, 0.49 * e->rate) / e->rate);
			last_lc = lowcut[i];
			last_hc = highcut[i];
		}
		const unsigned w = e->w;
		follow_delay(e, time[i], sync[i], bpm[i], tempo[i]);
		const float stereo = (int)mode[i] == MODE_STEREO ? 1.0f : 0.0f;
		if (e->fresh) {
			e->stereo_w = stereo;
			e->fresh    = false;
		} else if (e->stereo_w != stereo) {
			e->stereo_w = stereo > e->stereo_w ? fminf(1.0f, e->stereo_w + e->mode_step)
			                                   : fmaxf(0.0f, e->stereo_w - e->mode_step);
		}
		float yl = dl_read_lagrange(e->ring[0], mask, w, e->d_new);
		float yr = dl_read_lagrange(e->ring[1], mask, w, e->d_new);
		if (e->fade_left) { /* the old read's share falls to 0 on an S-curve */
			const float g = dsp_smoothstep((float)e->fade_left / (float)e->fade_len);
			yl += g * (dl_read_lagrange(e->ring[0], mask, w, e->d_old) - yl);
			yr += g * (dl_read_lagrange(e->ring[1], mask, w, e->d_old) - yr);
			--e->fade_left;
		}
		const float xl = dsp_sane(inl[i]), xr = dsp_sane(inr[i]);
		const float fl = loop_filter(e, 0, yl, hp_a, lp_a), fr = loop_filter(e, 1, yr, hp_a, lp_a);
		const float sw = e->stereo_w == 0.0f || e->stereo_w == 1.0f ? e->stereo_w : dsp_smoothstep(e->stereo_w);
		float       wl = 0.0f, wr = 0.0f;
		if (sw > 0.0f) {
			wl += sw * (xl + fb[i] * fl);
			wr += sw * (xr + fb[i] * fr);
		}
		if (sw < 1.0f) {
			wl += (1.0f - sw) * (0.5f * (xl + xr) + fb[i] * fr);
			wr += (1.0f - sw) * (fb[i] * fl);
		}
		e->ring[0][w & mask] = dsp_flush(wl);
		e->ring[1][w & mask] = dsp_flush(wr);
		left->out[i]  = (1.0f - mix[i]) * xl + mix[i] * yl;
		right->out[i] = (1.0f - mix[i]) * xr + mix[i] * yr;
		e->w          = w + 1u;
	}
}

static const char* const sync_names[] = {"off",           "whole",         "half",           "quarter",
                                         "eighth",        "sixteenth",     "dotted_quarter", "dotted_eighth",
                                         "quarter_triplet", "eighth_triplet", NULL};
static const char* const mode_names[] = {"pingpong", "stereo", NULL};

static const InputSpec echo_inputs[] = {
	[IN_AUDIO] = {"in", "audio to repeat (each channel its own)", IMPLICIT_NONE},
	[IN_TEMPO] = {"tempo", "the tempo in BPM for sync (connect ctl.tempo: the host's); unconnected: the bpm parameter", IMPLICIT_NONE},
};

static const ParamSpec echo_params[] = {
	[P_TIME]     = {"time", "ms", "delay time when sync is off", 1.0f, 4000.0f, 375.0f, CURVE_EXP, 50.0f, NULL},
	[P_SYNC]     = {"sync", "", "delay as a note value of the tempo, or off (the time parameter); a change (or of "
	                "the tempo while synced) crossfades the repeats over 20 ms",
	                0.0f, 9.0f, 0.0f, CURVE_LIN, 0.0f, sync_names},
	[P_BPM]      = {"bpm", "BPM", "the tempo for sync when nothing feeds the tempo input", 20.0f, 300.0f, 120.0f,
	                CURVE_LIN, 0.0f, NULL},
	[P_FEEDBACK] = {"feedback", "", "each repeat's level against the one before", 0.0f, 0.95f, 0.4f, CURVE_LIN, 10.0f, NULL},
	[P_MODE]     = {"mode", "", "pingpong: repeats alternate left and right; stereo: each side its own; a change "
	                "crossfades what goes into the lines over 20 ms",
	                0.0f, 1.0f, 0.0f, CURVE_LIN, 0.0f, mode_names},
	[P_LOWCUT]   = {"lowcut", "Hz", "the repeats lose the lows below this each time round; 20: nothing", 20.0f, 2000.0f,
	                100.0f, CURVE_EXP, 10.0f, NULL},
	[P_HIGHCUT]  = {"highcut", "Hz", "the repeats lose the highs above this each time round; 20000: nothing", 500.0f,
	                20000.0f, 6000.0f, CURVE_EXP, 10.0f, NULL},
	[P_MIX]      = {"mix", "", "dry/wet: 0 dry only, 1 the repeats only", 0.0f, 1.0f, 0.3f, CURVE_LIN, 10.0f, NULL},
};

const ModuleType module_echo = {
	.name           = "echo",
	.summary        = "stereo / ping-pong delay, free or synced to the tempo (host or bpm), filtered repeats; master only",
	.flags          = MODULE_LANES | MODULE_MASTER_ONLY | MODULE_STEREO,
	.n_inputs       = sizeof echo_inputs / sizeof echo_inputs[0],
	.inputs         = echo_inputs,
	.n_params       = sizeof echo_params / sizeof echo_params[0],
	.params         = echo_params,
	.state_size     = sizeof(Echo),
	.init           = echo_init,
	.reset          = echo_reset,
	.process        = NULL,
	.process_stereo = echo_process_stereo,
};
