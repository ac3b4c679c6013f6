/* SPDX-License-Identifier: ISC
 *
 * reverb: a stereo feedback delay network (FDN) for the master chain.
 *
 * Why this design:
 * - Eight delay lines fed back through an 8x8 Hadamard matrix scaled by
 *   1/sqrt(8): the matrix is orthogonal, so the loop by itself loses no
 *   energy and every line feeds every other (a dense tail with no flutter
 *   of one line). Each line's own gain, g = 10^(-3 L / (T fs)) for a line
 *   of L samples, takes exactly 60 dB off per T seconds whatever its
 *   length: the decay time is the set one, at every frequency the damping
 *   leaves alone (Jot's rule; the tests measure it at 500 Hz and 2 kHz).
 * - The lengths are incommensurate (31.7 .. 73.1 ms at size 1, no two
 *   sharing a factor that matters), so the modes spread instead of
 *   stacking into a metallic pitch; `size` scales them all (a small room at
 *   0.3, a hall at 2). Lengths are whole samples: a fractional read inside
 *   the loop would lowpass every pass and shorten the high-frequency decay.
 * - Damping is a one-pole lowpass in each line, so the air and the walls
 *   take the highs faster than the lows; at its top (20 kHz) it is out of
 *   the loop altogether.
 * - Before the loop, a pre-delay and two allpass diffusers per channel
 *   smear the attack into a wash of echoes; left feeds the even lines,
 *   right the odd ones, so the image stays where it was.
 * - Out of the loop, two orthogonal sign patterns of the lines make a left
 *   and a right that are nearly uncorrelated (a wide tail); `width` goes
 *   from mono (0) to that (1) by mid/side.
 * - `type` picks the character. hall (the default): the long lines above,
 *   two diffusers, the tail arriving after the shortest line (a gap, then
 *   the wash). plate: lines about a third as long (9.7 .. 26.9 ms at size
 *   1), four denser diffusers before the network, and the diffused input
 *   itself sent to the output at once: a plate has no room to cross, so
 *   its sound starts with the strike and builds up fast, with no discrete
 *   early echoes; its damping frequency is doubled (metal keeps its highs
 *   longer than air). The decay rule is the same, so RT60 holds for both.
 *   Changing the type fades out over 10 ms (on an S-curve) the wet output
 *   and, with it, what enters the diffusers and what the lines feed back,
 *   switches the lengths while all three are at 0 (the diffusers cleared)
 *   and fades back in: the tail carries on in the new network with no
 *   click, now or when the reads that jumped come round (a change of
 *   lengths under a playing tail would jump every read, and the loop
 *   would write the jump back).
 * Master only, stereo (MODULE_STEREO): both channels in one state. Its
 * rings are fixed (no allocation in the audio thread): every length fits
 * up to 96 kHz; above, the longest lines are held at the ring (a smaller
 * room).
 */
#include "dsp/dsp_util.h"
#include "dsp/module.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

enum { P_SIZE, P_DECAY, P_DAMPING, P_PREDELAY, P_WIDTH, P_MIX, P_TYPE };
enum { T_HALL, T_PLATE, N_TYPES };

#define N_LINES   8
#define LINE_RING 16384u /* samples per line: 146 ms (the longest at size 2) up to 112 kHz */
#define PRE_RING  16384u
#define AP_RING   2048u
#define N_AP      4 /* diffusers per channel, at most */
#define SWITCH_MS 10.0 /* the wet fades out, then in, over this on a type change */

static const double line_ms[N_TYPES][N_LINES] = {
	{31.7, 37.9, 41.3, 47.1, 53.3, 59.9, 67.3, 73.1}, /* hall */
	{9.7, 11.3, 13.1, 15.7, 17.9, 20.3, 23.3, 26.9},  /* plate */
};
/* Per type, left and right (not the same, so the channels decorrelate). */
static const double ap_ms[N_TYPES][2][N_AP] = {
	{{4.77, 3.59, 0, 0}, {5.21, 3.11, 0, 0}},
	{{1.43, 2.11, 3.37, 4.91}, {1.61, 2.39, 3.11, 5.23}},
};
static const unsigned n_ap[N_TYPES]    = {2, 4};
static const float    ap_gain[N_TYPES] = {0.6f, 0.7f};
static const float    early[N_TYPES]   = {0.0f, 0.5f}; /* diffused input straight to the output */
static const float    damp_mul[N_TYPES] = {1.0f, 2.0f};
static const char* const reverb_type_choices[] = {"hall", "plate", NULL};

typedef struct {
	double   rate;
	float    line[N_LINES][LINE_RING];
	float    pre[2][PRE_RING];
	float    ap[2][N_AP][AP_RING];
	float    lp[N_LINES];    /* damping state of each line */
	unsigned w;              /* write index, shared by every ring */
	unsigned len[N_LINES];   /* line lengths now */
	unsigned ap_len[N_TYPES][2][N_AP];
	unsigned type;           /* the network now */
	float    fade, fade_step; /* wet gain during a type change */
	bool     fresh;          /* since reset: the first sample takes the type at once */
	float    gain[N_LINES];  /* per-pass gain for the decay */
	float    damp;           /* damping pole, 0: none */
	float    last_size, last_decay, last_damping;
} Reverb;

/* Audio thread: lengths and gains for a size, decay and damping. */
static void
reverb_coefs(Reverb* r, float size, float decay, float damping)
{
	const double fs = r->rate;
	for (unsigned i = 0; i < N_LINES; ++i) {
		long n = lrint(line_ms[r->type][i] * 0.001 * dsp_clamp(size, 0.1, 4.0) * fs);
		n      = n < 8 ? 8 : (n > (long)LINE_RING - 2 ? (long)LINE_RING - 2 : n);
		r->len[i]  = (unsigned)n;
		r->gain[i] = (float)pow(10.0, -3.0 * (double)n / (dsp_clamp(decay, 0.05, 100.0) * fs));
	}
	damping *= damp_mul[r->type];
	r->damp         = damping >= 19999.0f ? 0.0f : (float)exp(-DSP_TAU * dsp_clamp(damping, 20.0, 0.49 * fs) / fs);
	r->last_size    = size;
	r->last_decay   = decay;
	r->last_damping = damping / damp_mul[r->type];
}

static void
reverb_reset(void* state)
{
	Reverb* r = state;
	memset(r->line, 0, sizeof r->line);
	memset(r->pre, 0, sizeof r->pre);
	memset(r->ap, 0, sizeof r->ap);
	memset(r->lp, 0, sizeof r->lp);
	r->w         = 0;
	r->type      = T_HALL;
	r->fade      = 1.0f;
	r->fresh     = true;
	r->last_size = -1.0f; /* remake the lengths at the first sample */
}

static void
reverb_init(void* state, double rate)
{
	Reverb* r = state;
	r->rate   = rate;
	for (unsigned t = 0; t < N_TYPES; ++t) {
		for (unsigned c = 0; c < 2; ++c) {
			for (unsigned k = 0; k < N_AP; ++k) {
				const long n       = lrint(ap_ms[t][c][k] * 0.001 * rate);
				r->ap_len[t][c][k] = (unsigned)(n < 1 ? 1 : (n > (long)AP_RING - 1 ? (long)AP_RING - 1 : n));
			}
		}
	}
	r->fade_step = (float)(1.0 / fmax(1.0, SWITCH_MS * 0.001 * rate));
	reverb_reset(r);
	reverb_coefs(r, 1.0f, 2.5f, 8000.0f);
}

/* A Schroeder allpass on ring a (length n) at write index w. */
static inline float
allpass(float* a, unsigned n, unsigned w, float g, float x)
{
	const float d = a[(w - n) & (AP_RING - 1u)];
	const float v = x + g * d;
	a[w & (AP_RING - 1u)] = dsp_flush(v);
	return d - g * v;
}

/* In-place 8-point Hadamard transform, scaled by 1/sqrt(8): orthogonal. */
static inline void
hadamard8(float* x)
{
	for (unsigned h = 1; h < N_LINES; h *= 2) {
		for (unsigned i = 0; i < N_LINES; i += 2 * h) {
			for (unsigned j = i; j < i + h; ++j) {
				const float a = x[j], b = x[j + h];
				x[j]          = a + b;
				x[j + h]      = a - b;
			}
		}
	}
	for (unsigned i = 0; i < N_LINES; ++i) {
		x[i] *= 0.35355339f;
	}
}

static void
reverb_process_stereo(void* state, const ModuleIO* left, const ModuleIO* right)
{
	Reverb*      r        = state;
	const float* inl      = left->in[0];
	const float* inr      = right->in[0];
	const float* size     = left->param[P_SIZE];
	const float* decay    = left->param[P_DECAY];
	const float* damping  = left->param[P_DAMPING];
	const float* predelay = left->param[P_PREDELAY];
	const float* width    = left->param[P_WIDTH];
	const float* mix      = left->param[P_MIX];
	const float* type     = left->param[P_TYPE];
	const unsigned lm = LINE_RING - 1u, pm = PRE_RING - 1u;
	for (unsigned i = 0; i < left->n; ++i) {
		const long want = lrintf(type[i]);
		const unsigned t = want <= 0 ? T_HALL : (want >= N_TYPES - 1 ? N_TYPES - 1 : (unsigned)want);
		if (r->fresh) {
			r->fresh = false;
			if (t != r->type) {
				r->type      = t;
				r->last_size = -1.0f;
			}
		} else if (t != r->type) { /* fade out, then switch while silent */
			r->fade -= r->fade_step;
			if (r->fade <= 0.0f) {
				r->fade      = 0.0f;
				r->type      = t;
				r->last_size = -1.0f;
				memset(r->ap, 0, sizeof r->ap); /* the diffusers restart from rest */
			}
		} else if (r->fade < 1.0f) {
			r->fade = fminf(1.0f, r->fade + r->fade_step);
		}
		const unsigned ty = r->type;
		/* During a change, what goes into the diffusers and the lines and
		 * what comes out fade together, on an S-curve: the reads that jump
		 * at the switch are written back at a weight of 0 and slope 0. */
		const float    sw = r->fade < 1.0f ? dsp_smoothstep(r->fade) : 1.0f;
		if (size[i] != r->last_size || decay[i] != r->last_decay || damping[i] != r->last_damping) {
			reverb_coefs(r, size[i], decay[i], damping[i]);
		}
		const unsigned w = r->w;
		const float    x[2] = {dsp_sane(inl[i]), dsp_sane(inr[i])};
		/* Pre-delay (whole samples: it is outside the loop, and steps only
		 * when the knob moves), then the diffusers. */
		long pd = lrintf(predelay[i] * 0.001f * (float)r->rate);
		pd      = pd < 0 ? 0 : (pd > (long)PRE_RING - 1 ? (long)PRE_RING - 1 : pd);
		float d[2];
		for (unsigned c = 0; c < 2; ++c) {
			r->pre[c][w & pm] = x[c];
			float v           = sw * r->pre[c][(w - (unsigned)pd) & pm];
			for (unsigned k = 0; k < n_ap[ty]; ++k) {
				v = allpass(r->ap[c][k], r->ap_len[ty][c][k], w, ap_gain[ty], v);
			}
			d[c] = v;
		}
		/* The lines' outputs, damped; the mix of them fed back. */
		float y[N_LINES], f[N_LINES];
		for (unsigned j = 0; j < N_LINES; ++j) {
			float v = r->line[j][(w - r->len[j]) & lm];
			if (r->damp != 0.0f) {
				v = r->lp[j] = dsp_flush(v + r->damp * (r->lp[j] - v));
			}
			y[j] = v;
			f[j] = v * r->gain[j];
		}
		hadamard8(f);
		for (unsigned j = 0; j < N_LINES; ++j) {
			r->line[j][w & lm] = dsp_flush(sw * (f[j] + d[j & 1u] * 0.5f));
		}
		/* Two orthogonal sign patterns: nearly uncorrelated channels. */
		float wl = 0.5f * (y[0] - y[1] + y[2] - y[3] + y[4] - y[5] + y[6] - y[7]);
		float wr = 0.5f * (y[0] + y[1] - y[2] - y[3] + y[4] + y[5] - y[6] - y[7]);
		if (early[ty] != 0.0f) {
			wl += early[ty] * d[0];
			wr += early[ty] * d[1];
		}
		const float mid = 0.5f * (wl + wr), side = 0.5f * (wl - wr) * width[i];
		const float dry = 1.0f - mix[i], wet = mix[i] * sw;
		left->out[i]  = dry * x[0] + wet * (mid + side);
		right->out[i] = dry * x[1] + wet * (mid - side);
		r->w          = w + 1u;
	}
}

static const InputSpec reverb_inputs[] = {
	{"in", "audio to reverberate (each channel its own)", IMPLICIT_NONE},
};

static const ParamSpec reverb_params[] = {
	[P_SIZE]     = {"size", "", "room size: scales every delay of the network (0.3 a small room, 1 a large one, 2 a hall)",
	                0.3f, 2.0f, 1.0f, CURVE_EXP, 50.0f, NULL},
	[P_DECAY]    = {"decay", "s", "RT60: the time the tail takes to fall 60 dB (where damping leaves it alone)",
	                0.2f, 20.0f, 2.5f, CURVE_EXP, 50.0f, NULL},
	[P_DAMPING]  = {"damping", "Hz", "the highs above this decay faster (air and walls); 20000: no damping",
	                1000.0f, 20000.0f, 8000.0f, CURVE_EXP, 50.0f, NULL},
	[P_PREDELAY] = {"predelay", "ms", "time before the reverb starts", 0.0f, 200.0f, 10.0f, CURVE_LIN, 50.0f, NULL},
	[P_WIDTH]    = {"width", "", "stereo width of the tail: 0 mono, 1 as wide as the network makes it",
	                0.0f, 1.0f, 1.0f, CURVE_LIN, 10.0f, NULL},
	[P_MIX]      = {"mix", "", "dry/wet: 0 dry only, 1 reverb only", 0.0f, 1.0f, 0.3f, CURVE_LIN, 10.0f, NULL},
	[P_TYPE]     = {"type", "", "character: hall (long lines, a gap before the wash) or plate (short lines, dense "
	                "diffusion, starts at once, brighter); a change fades the wet out over 10 ms, then in over 10 ms",
	                0.0f, (float)(N_TYPES - 1), 0.0f, CURVE_LIN, 0.0f, reverb_type_choices},
};

const ModuleType module_reverb = {
	.name           = "reverb",
	.summary        = "stereo reverb (8-line feedback delay network), hall or plate: size, decay (RT60), damping, pre-delay, width, mix; master only",
	.flags          = MODULE_LANES | MODULE_MASTER_ONLY | MODULE_STEREO,
	.n_inputs       = sizeof reverb_inputs / sizeof reverb_inputs[0],
	.inputs         = reverb_inputs,
	.n_params       = sizeof reverb_params / sizeof reverb_params[0],
	.params         = reverb_params,
	.state_size     = sizeof(Reverb),
	.init           = reverb_init,
	.reset          = reverb_reset,
	.process        = NULL,
	.process_stereo = reverb_process_stereo,
};
