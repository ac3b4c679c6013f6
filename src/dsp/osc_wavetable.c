/* SPDX-License-Identifier: ISC
 *
 * wavetable: an oscillator reading a band-limited wavetable
 * (dsp/wavetable.h), morphing across its frames with `position`. A
 * built-in table (the `table` choice) or one loaded from a WAV file by the
 * patch's `wavetable` statement (src/wavetable_file.c, attached to the
 * module by the build: ModuleType.attach).
 *
 * Why it does not alias: every level of a table is band-limited, and a
 * note plays the level whose top harmonic is below Nyquist at its pitch
 * (one level an octave, chosen when the pitch changes; over the top
 * quarter of an octave it crossfades into the next, duller level, so a
 * glide across a level's edge has no step in brightness); what is left is
 * the images of linear interpolation between table samples, about
 * (h / 2048)^2 of a harmonic h: below -84 dB at 1 kHz (48 kHz: harmonics
 * up to 16) for any wave whose harmonics are no louder than its
 * fundamental.
 * A morph is the linear crossfade of the two frames either side of the
 * position (smoothed by the engine), so it is continuous in the position:
 * a jump end to end is a smooth change of timbre over the smoothing time,
 * never a step. Interpolation: linear in the phase (4 reads a sample with
 * the crossfade), linear between frames.
 *
 * The phase is a 32-bit count (2^32 a cycle) as in saw; the pm input adds
 * a phase offset in radians (phase modulation: not band-limited, as a
 * modulated phase's sidebands are the modulator's business). Start phase
 * reset, random or free as the other oscillators (osc_common.h), at the
 * first frame after a reset_lane. Only sounding lanes advance. A lane
 * group (MODULE_LANES), its lane loop scalar: table reads are gathers.
 */
#include "dsp/osc_common.h"
#include "dsp/simd.h"
#include "dsp/wavetable.h"

enum { WT_IN_PM = OSC_IN_NOTE + 1 };
enum { WT_P_POSITION = OSC_P_LEVEL + 1, WT_P_TABLE, WT_P_START };

typedef struct {
	double         rate;
	const WtTable* loaded; /* a `wavetable` statement's table (the slot owns it), or NULL */
	OscPitchLanes  pitch;
	uint32_t       phase[CHRONUS_LANES];
	uint32_t       level_step[CHRONUS_LANES]; /* the step `level` was chosen for */
	uint8_t        level[CHRONUS_LANES];      /* mip level in play */
	float          fade[CHRONUS_LANES];       /* how far into level + 1 (wt_level_for) */
	uint8_t        started[CHRONUS_LANES];
	uint32_t       seed[CHRONUS_LANES];
	uint64_t       frame[CHRONUS_LANES];
} Wavetable;

static void
wt_reset_lane(void* state, unsigned l)
{
	Wavetable* s     = state;
	s->started[l]    = 0;
	s->level[l]      = 0;
	s->fade[l]       = 0.0f;
	s->level_step[l] = 0;
	osc_pitch_lanes_reset(&s->pitch, l);
}

static void
wt_reset(void* state)
{
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		wt_reset_lane(state, l);
	}
}

static void
wt_init(void* state, double rate)
{
	Wavetable* s = state;
	wt_builtin_init(); /* worker thread, once per process */
	s->rate   = rate;
	s->loaded = NULL;
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		s->phase[l] = 0;
		s->seed[l]  = OSC_SEED;
		s->frame[l] = 0;
	}
	wt_reset(s);
}

/* Worker thread: the table a `wavetable` statement loaded (it outlives the
 * state: the slot holds it). */
static void
wt_attach(void* state, const void* data)
{
	Wavetable* s = state;
	s->loaded    = data;
}

static void
wt_seed(void* state, unsigned lane, uint32_t seed, uint64_t frame)
{
	Wavetable* s   = state;
	s->seed[lane]  = seed;
	s->frame[lane] = frame;
}

/* The level a step plays, and how far it has faded into the next, duller
 * one: level k is the first whose top harmonic, (WT_HARMONICS >> k) inc,
 * is at most half the rate (2^k >= 1024 inc = step / 2^22); over the top
 * WT_FADE_OCTAVES of its octave it crossfades into level k + 1, reached
 * exactly where level k + 1 takes over, so a glide or a vibrato across a
 * level's edge changes the brightness smoothly, not in a step (a fade
 * towards the brighter level would alias). */
#define WT_FADE_OCTAVES 0.25

static inline unsigned
wt_level_for(uint32_t step, float* fade)
{
	*fade = 0.0f;
	if (step <= (1u << 22)) {
		return 0;
	}
	const unsigned k = 32u - (unsigned)__builtin_clz(step - 1u) - 22u;
	if (k >= WT_LEVELS - 1) {
		return WT_LEVELS - 1;
	}
	const double into = log2((double)step) - 22.0 - (double)(k - 1); /* (0, 1] of level k's octave */
	const double w    = (into - (1.0 - WT_FADE_OCTAVES)) / WT_FADE_OCTAVES;
	*fade             = (float)(w > 0.0 ? (w < 1.0 ? w : 1.0) : 0.0);
	return k;
}

/* A level's sample j + fr (0 <= fr < 1), linearly interpolated (the guard
 * sample makes j + 1 valid at the end). */
static inline float
wt_read(const float* lev, unsigned j, float fr)
{
	return lev[j] + fr * (lev[j + 1] - lev[j]);
}

SIMD_INLINE void
wt_kernel(void* state, const ModuleIO* io, unsigned L)
{
	Wavetable*   s        = state;
	const float* pm       = io->in[WT_IN_PM];
	const float* level    = io->param[OSC_P_LEVEL];
	const float* position = io->param[WT_P_POSITION];
	const float* table    = io->param[WT_P_TABLE];

	osc_pitch_lanes_update(&s->pitch, s->rate, io, 0, L);
	for (unsigned l = 0; l < L; ++l) {
		if (!s->started[l] && (io->sounding >> l & 1u)) {
			const int mode = (int)io->param[WT_P_START][l];
			if (mode == OSC_START_FREE) {
				s->phase[l] = (uint32_t)(s->frame[l] * (uint64_t)s->pitch.step[l]);
			} else {
				const double p0 = osc_start_phase(mode, s->seed[l], 0, 0.0);
				s->phase[l]     = (uint32_t)(int64_t)llrint(p0 * OSC_PHASE_ONE);
			}
			s->started[l] = 1;
		}
	}
	const bool steady = osc_pitch_steady(io);
	for (unsigned i = 0; i < io->n; ++i) {
		if (i && !steady) {
			osc_pitch_lanes_update(&s->pitch, s->rate, io, i, L);
		}
		for (unsigned l = 0; l < L; ++l) {
			const size_t at = (size_t)i * L + l;
			if (!(io->sounding >> l & 1u)) {
				io->out[at] = 0.0f;
				continue;
			}
			const uint32_t step = s->pitch.step[l];
			if (step != s->level_step[l]) {
				s->level[l]      = (uint8_t)wt_level_for(step, &s->fade[l]);
				s->level_step[l] = step;
			}
			const WtTable* t = s->loaded ? s->loaded : wt_builtin((unsigned)table[at]);
			if (!t) { /* built-in tables out of memory: silent, never wrong */
				io->out[at] = 0.0f;
				s->phase[l] += step;
				continue;
			}
			/* Frames either side of the position. */
			const float    x  = position[at] * (float)(t->frames - 1);
			unsigned       f0 = x > 0.0f ? (unsigned)x : 0u; /* NaN: 0 */
			f0                = f0 < t->frames - 1 ? f0 : t->frames - 1;
			const unsigned f1 = f0 + 1 < t->frames ? f0 + 1 : f0;
			const float    xf = x - (float)f0;
			const float    mf = xf > 0.0f ? (xf < 1.0f ? xf : 1.0f) : 0.0f;
			/* The phase, offset by pm (radians). */
			const float  p  = pm[at];
			const double po = p == p ? dsp_clamp((double)p, -1e6, 1e6) * (1.0 / DSP_TAU) : 0.0;
			double       ph = (double)s->phase[l] * (1.0 / OSC_PHASE_ONE) + po;
			ph -= floor(ph);
			const double   ix = ph * WT_LEN;
			unsigned       j  = (unsigned)ix;
			j                 = j < WT_LEN ? j : WT_LEN - 1;
			const float    fr = (float)(ix - (double)j);
			const unsigned k  = s->level[l];
			const float    fd = s->fade[l];
			float          a  = wt_read(wt_level(t, f0, k), j, fr);
			float          b  = wt_read(wt_level(t, f1, k), j, fr);
			if (fd > 0.0f) { /* fading into the next level */
				const float a1 = wt_read(wt_level(t, f0, k + 1), j, fr);
				const float b1 = wt_read(wt_level(t, f1, k + 1), j, fr);
				a += fd * (a1 - a);
				b += fd * (b1 - b);
			}
			io->out[at] = (a + mf * (b - a)) * level[at];
			s->phase[l] += step;
		}
	}
}

SIMD_LANE_PROCESS(wt_process, wt_kernel)

static const InputSpec wt_inputs[] = {
	[OSC_IN_NOTE] = {"note", "pitch in semitones (69 = A4); the voice's note unless connected", IMPLICIT_PITCH},
	[WT_IN_PM]    = {"pm", "phase modulation in radians (an op or LFO into it)", IMPLICIT_NONE},
};

static const ParamSpec wt_params[] = {
	[OSC_P_PITCH]   = OSC_PARAM_PITCH,
	[OSC_P_FINE]    = OSC_PARAM_FINE,
	[OSC_P_TRACK]   = OSC_PARAM_TRACK,
	[OSC_P_LEVEL]   = OSC_PARAM_LEVEL,
	[WT_P_POSITION] = {"position", "", "where in the table: 0 its first frame, 1 its last; between "
	                   "frames a crossfade (modulate it with an LFO, an envelope or a macro)",
	                   0.0f, 1.0f, 0.0f, CURVE_LIN, 10.0f, NULL},
	[WT_P_TABLE]    = {"table", "", "built-in table: basic (sine, triangle, saw, square), pwm (pulse "
	                   "width 50 % to 5 %), harmonic (a bump of partials sweeping up), vocal (vowels "
	                   "a e i o u), sync (a synced saw, 1 to 8 times the note), digital (a sine in fewer "
	                   "and fewer steps); a `wavetable` statement's file replaces it",
	                   0.0f, (float)(WT_BUILTIN_COUNT - 1), 0.0f, CURVE_LIN, 0.0f, wt_table_choices},
	[WT_P_START]    = OSC_PARAM_START,
};

const ModuleType module_wavetable = {
	.name         = "wavetable",
	.summary      = "wavetable oscillator: morphs across the frames of a band-limited table (built in, "
	                "or a WAV file's waves: the `wavetable` statement), one mip level an octave",
	.flags        = MODULE_SOURCE | MODULE_LANES,
	.n_inputs     = sizeof wt_inputs / sizeof wt_inputs[0],
	.inputs       = wt_inputs,
	.n_params     = sizeof wt_params / sizeof wt_params[0],
	.params       = wt_params,
	.state_size   = sizeof(Wavetable),
	.init         = wt_init,
	.reset        = wt_reset,
	.process      = wt_process,
	.process_avx2 = SIMD_AVX2_OF(wt_process),
	.active       = NULL,
	.reset_lane   = wt_reset_lane,
	.seed_lane    = wt_seed,
	.attach       = wt_attach,
};
