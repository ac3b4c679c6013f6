/* SPDX-License-Identifier: ISC
 *
 * saw: band-limited sawtooth, rising from 0 at phase 0 to 1, jumping to -1
 * at phase 0.5.
 *
 * The naive ramp is exact between corners; only its jump aliases. Each jump
 * gets a minimum-phase BLEP residual (osc_common.h) placed at its exact
 * sub-sample time, from that sample on, so the output is the sampled
 * band-limited wave with no latency: the jump shows where the naive wave
 * has it. The ramp is lowered by the band limit's lag times its slope (no
 * DC offset), and a note starts with a BLAMP for the corner from silence
 * and a BLEP for the step to its value at the start phase (reset, random
 * or free, osc_common.h: set at the first frame after a reset_lane).
 * The phase is a 32-bit fixed-point count (2^32 a cycle), so it
 * accumulates exactly and tuning never drifts; read as a signed number it
 * is the naive saw itself.
 *
 * Hard sync: a rising zero crossing of the sync input between two samples,
 * at a fraction a of the interval (osc_sync.c: found on the input
 * low-passed at 0.4 of the rate, 64 samples back), restarts the phase at the same fraction of the
 * interval being rendered (so sync acts 64 samples late): the
 * saw's own jump counts only if it came before, the restart's step from
 * the value reached to 0 gets a BLEP at its sub-sample time, and the
 * phase goes on from 0 for the rest of the interval. The jumps of a
 * periodic wave add up to minus its rise, so the tilt still cancels the
 * residuals' DC. From a note's first restart on, every step of that lane
 * uses the long sync step (osc_common.h: better stopband, more lag), and
 * the tilt its lag, the change added to that restart's step. Only
 * sounding lanes advance (and look for sync), as the one-voice path
 * renders only sounding voices.
 */
#include "dsp/osc_common.h"
#include "dsp/simd.h"

/* A lane group of saws (MODULE_LANES): one array per field, and one ring
 * of corrections to come per lane, interleaved so a frame's lanes are
 * adjacent. */
enum { SAW_P_START = OSC_P_LEVEL + 1 };

typedef struct {
	double        rate;
	uint32_t      phase[CHRONUS_LANES];
	OscPitchLanes pitch;
	float         tilt[CHRONUS_LANES]; /* lag * slope: what the ramp is lowered by */
	uint8_t       started[CHRONUS_LANES];
	uint8_t       synced[CHRONUS_LANES]; /* restarted by sync this note: the long step for all */
	uint32_t      seed[CHRONUS_LANES]; /* the notes' (seed_lane) */
	uint64_t      frame[CHRONUS_LANES]; /* the notes' start frames (seed_lane) */
	float         sync_hist[2 * OSC_SYNC_TAPS][CHRONUS_LANES]; /* the sync input, written twice */
	unsigned      sync_pos; /* slot of the next sync sample, shared by the lanes */
	float         ring[OSC_BLEP_RING][CHRONUS_LANES];
	unsigned      pos; /* ring slot of the next sample, shared by the lanes */
} Saw;

/* A fresh note: the phase stays for the start mode to decide. */
static void
saw_reset_lane(void* state, unsigned l)
{
	Saw* s        = state;
	s->tilt[l]    = 0.0f;
	s->started[l] = 0;
	s->synced[l]  = 0;
	for (unsigned j = 0; j < 2 * OSC_SYNC_TAPS; ++j) {
		s->sync_hist[j][l] = 0.0f;
	}
	osc_pitch_lanes_reset(&s->pitch, l);
	for (unsigned j = 0; j < OSC_BLEP_RING; ++j) {
		s->ring[j][l] = 0.0f;
	}
}

static void
saw_reset(void* state)
{
	Saw* s = state;
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		saw_reset_lane(s, l);
	}
	s->pos = 0;
}

static void
saw_init(void* state, double rate)
{
	Saw* s  = state;
	s->rate = rate;
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		s->phase[l] = 0;
		s->seed[l]  = OSC_SEED;
		s->frame[l] = 0;
	}
	osc_tables_init();
	osc_sync_init();
	s->sync_pos = 0;
	saw_reset(s);
}

static void
saw_seed(void* state, unsigned lane, uint32_t seed, uint64_t frame)
{
	Saw* s         = state;
	s->seed[lane]  = seed;
	s->frame[lane] = frame;
}

/* Audio thread: the start phase of the lanes just reset, from the start
 * mode at frame 0 and the increments made for it (the BLEPs follow in
 * saw_tilt). Free is exact here: the frame times the 32-bit step, modulo
 * a cycle. */
static inline void
saw_start(Saw* s, const ModuleIO* io, unsigned L)
{
	for (unsigned l = 0; l < L; ++l) {
		if (!s->started[l]) {
			const int mode = (int)io->param[SAW_P_START][l];
			if (mode == OSC_START_FREE) {
				s->phase[l] = (uint32_t)(s->frame[l] * (uint64_t)s->pitch.step[l]);
			} else {
				const double p0 = osc_start_phase(mode, s->seed[l], 0, 0.0);
				s->phase[l]     = (uint32_t)(int64_t)llrint(p0 * OSC_PHASE_ONE);
			}
		}
	}
}

/* What a ramp of this step is lowered by, for a band limit of this lag. */
static inline float
saw_tilt_of(uint32_t step, float lag)
{
	return (float)((double)step * (2.0 * (double)lag / OSC_PHASE_ONE));
}

/* Audio thread: the lanes' tilts from their increments, and for a lane
 * that has just been reset, the BLAMP of its corner from silence at the
 * next sample (the ramp starts at 0 with slope 2 inc). */
static inline void
saw_tilt(Saw* s, unsigned L)
{
	for (unsigned l = 0; l < L; ++l) {
		s->tilt[l] = saw_tilt_of(s->pitch.step[l], s->synced[l] ? osc_sync_blep_lag : osc_blep_lag);
		if (!s->started[l]) {
			const float slope = (float)((double)s->pitch.step[l] * (2.0 / OSC_PHASE_ONE));
			osc_blep_add_at(&s->ring[0][l], CHRONUS_LANES, s->pos, osc_ramp_table, 0.0, slope);
			osc_blep_add_at(&s->ring[0][l], CHRONUS_LANES, s->pos, osc_step_table, 0.0,
			                (float)(int32_t)s->phase[l] * 0x1p-31f);
			s->started[l] = 1;
		}
	}
}

/* Per frame: the lanes' naive samples plus the corrections due for them
 * are output, the phases advance (all of it one vector loop), then the
 * rare lanes that passed the jump get their BLEP, from the next sample on.
 * The lane loop reads memory and writes only locals, so the compiler
 * vectorises it without alias checks; the ring row is cleared after it. */
SIMD_INLINE void
saw_kernel(void* state, const ModuleIO* io, const unsigned L)
{
	Saw*         s      = state;
	const float* level  = io->param[OSC_P_LEVEL];
	const bool   steady = osc_pitch_steady(io);
	const float* sync   = io->in[OSC_IN_SYNC];
	uint32_t     phase[CHRONUS_LANES], on[CHRONUS_LANES];
	osc_pitch_lanes_update(&s->pitch, s->rate, io, 0, L); /* the loop's first update finds it done */
	saw_start(s, io, L);
	memcpy(phase, s->phase, sizeof phase);
	for (unsigned l = 0; l < L; ++l) {
		on[l] = (io->sounding >> l & 1u) ? 0xffffffffu : 0u; /* lanes that advance */
	}

	for (unsigned i = 0; i < io->n; ++i) {
		if (!steady || i == 0) {
			osc_pitch_lanes_update(&s->pitch, s->rate, io, i, L);
			saw_tilt(s, L);
		}
		const uint32_t* step = s->pitch.step;
		const float*    per  = s->pitch.per_inc;
		const float*    tilt = s->tilt;
		float* const    due  = s->ring[s->pos];
		float           y[CHRONUS_LANES], jump[CHRONUS_LANES], at[CHRONUS_LANES];
		int             any = 0, any_sync = 0;
		float (*const hist)[CHRONUS_LANES] = s->sync_hist;
		const unsigned hp                  = s->sync_pos;
		for (unsigned l = 0; l < L; ++l) {
			const uint32_t p = phase[l], next = p + (step[l] & on[l]);
			/* As a signed count the phase is 2p below 0.5 and 2p - 2 above. */
			const float naive = (float)(int32_t)p * 0x1p-31f - tilt[l];
			y[l]              = (naive + due[l]) * level[i * L + l];
			/* The jump at 0.5, where the signed count turns negative:
			 * how many samples ago it was passed. */
			const int   crossed = ((int32_t)p >= 0) & ((int32_t)next < 0);
			const float since   = (float)(int32_t)(next - 0x80000000u) * 0x1p-32f * per[l];
			jump[l]             = crossed ? since : -1.0f;
			any |= crossed;
			phase[l] = next;
		}
		/* Sync: the input rose through 0 between the middle two of its
		 * last TAPS samples (a sounding lane only). */
		for (unsigned l = 0; l < L; ++l) {
			hist[hp][l] = hist[hp + OSC_SYNC_TAPS][l] = sync[i * L + l];
		}
		for (unsigned l = 0; l < L; ++l) {
			const int sc = osc_sync_near(&hist[hp + 1][l], CHRONUS_LANES) & (on[l] != 0u);
			at[l] = sc ? 0.0f : -1.0f;
			any_sync |= sc;
		}
		memset(due, 0, sizeof(float) * L);
		memcpy(io->out + (size_t)i * L, y, sizeof(float) * L);
		s->pos      = (s->pos + 1) & (OSC_BLEP_RING - 1);
		s->sync_pos = (hp + 1) & (OSC_SYNC_TAPS - 1);
		if (any_sync) {
			for (unsigned l = 0; l < L; ++l) {
				if (at[l] < 0.0f) {
					continue;
				}
				const double   a   = osc_sync_find(&hist[hp + 1][l], CHRONUS_LANES);
				if (a < 0.0) {
					continue;
				}
				const uint32_t stp = step[l];
				/* The saw's own jump counts if it came before the restart. */
				if (jump[l] >= 0.0f && 1.0 - (double)jump[l] >= a) {
					jump[l] = -1.0f;
				}
				const uint32_t pc = phase[l] - stp + (uint32_t)(a * (double)stp);
				const float    v  = (float)(int32_t)pc * 0x1p-31f;
				/* The first restart of a note turns the lane to the
				 * long step: its lag lowers the ramp further, a step
				 * of the restart's too. */
				float          dt = 0.0f;
				if (!s->synced[l]) {
					s->synced[l] = 1;
					const float t = saw_tilt_of(stp, osc_sync_blep_lag);
					dt            = t - s->tilt[l];
					s->tilt[l]    = t;
				}
				osc_blep_add_sync(&s->ring[0][l], CHRONUS_LANES, s->pos, 1.0 - a, -v - dt);
				phase[l] = (uint32_t)((1.0 - a) * (double)stp);
				any |= jump[l] >= 0.0f;
			}
		}
		if (any) {
			for (unsigned l = 0; l < L; ++l) {
				if (jump[l] >= 0.0f && s->synced[l]) {
					osc_blep_add_sync(&s->ring[0][l], CHRONUS_LANES, s->pos, jump[l], -2.0f);
				} else if (jump[l] >= 0.0f) {
					osc_blep_add_at(&s->ring[0][l], CHRONUS_LANES, s->pos, osc_step_table, jump[l], -2.0f);
				}
			}
		}
	}
	memcpy(s->phase, phase, sizeof phase);
}

SIMD_LANE_PROCESS(saw_process, saw_kernel)

static const InputSpec saw_inputs[] = OSC_INPUTS_SYNC;

static const ParamSpec saw_params[] = {
	[OSC_P_PITCH] = OSC_PARAM_PITCH,
	[OSC_P_FINE]  = OSC_PARAM_FINE,
	[OSC_P_TRACK] = OSC_PARAM_TRACK,
	[OSC_P_LEVEL] = OSC_PARAM_LEVEL,
	[SAW_P_START] = OSC_PARAM_START,
};

const ModuleType module_saw = {
	.name       = "saw",
	.summary    = "band-limited sawtooth oscillator with hard sync (minimum-phase BLEP, no latency)",
	.flags      = MODULE_SOURCE | MODULE_LANES,
	.n_inputs   = sizeof saw_inputs / sizeof saw_inputs[0],
	.inputs     = saw_inputs,
	.n_params   = sizeof saw_params / sizeof saw_params[0],
	.params     = saw_params,
	.state_size = sizeof(Saw),
	.init       = saw_init,
	.reset      = saw_reset,
	.process    = saw_process,
	.process_avx2 = SIMD_AVX2_OF(saw_process),
	.active     = NULL,
	.reset_lane = saw_reset_lane,
	.seed_lane  = saw_seed,
};
