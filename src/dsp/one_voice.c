/* SPDX-License-Identifier: ISC
 *
 * The one-voice adapter (see one_voice.h). process() runs in the audio
 * thread: no allocation, its scratch is on the stack (13 sub-blocks).
 */
#include "dsp/one_voice.h"

#include <stdint.h>

/* Bytes from one lane's state to the next (16-aligned, as the engine
 * aligns a module's state block). */
size_t
one_voice_stride(const ModuleType* voice)
{
	return (voice->state_size + 15u) & ~(size_t)15u;
}

static void*
lane_state(const ModuleType* voice, void* state, unsigned lane)
{
	return (uint8_t*)state + (size_t)lane * one_voice_stride(voice);
}

void
one_voice_init(const ModuleType* voice, void* state, double rate)
{
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		voice->init(lane_state(voice, state, l), rate);
	}
}

void
one_voice_reset(const ModuleType* voice, void* state)
{
	for (unsigned l = 0; l < CHRONUS_LANES; ++l) {
		voice->reset(lane_state(voice, state, l));
	}
}

void
one_voice_reset_lane(const ModuleType* voice, void* state, unsigned lane)
{
	voice->reset(lane_state(voice, state, lane));
}

void
one_voice_seed_lane(const ModuleType* voice, void* state, unsigned lane, uint32_t seed, uint64_t frame)
{
	voice->seed_lane(lane_state(voice, state, lane), 0, seed, frame);
}

bool
one_voice_active_lane(const ModuleType* voice, const void* state, unsigned lane)
{
	return voice->active(lane_state(voice, (void*)(uintptr_t)state, lane));
}

/* Each sounding lane's inputs and parameters are picked out of the
 * frame-major buffers, its own state runs one lane, and the output goes
 * back in its column; a silent lane only gets its zeros. */
void
one_voice_process(const ModuleType* voice, void* state, const ModuleIO* wide)
{
	if (wide->lanes != CHRONUS_LANES) {
		voice->process(state, wide); /* lane 0 */
		return;
	}
	enum { L = CHRONUS_LANES, SUB = CHRONUS_SUBBLOCK };
	float          scratch[(MODULE_MAX_INPUTS + MODULE_MAX_PARAMS + 1) * SUB];
	const unsigned n   = wide->n;
	float*         out = wide->out;
	ModuleIO       io  = {.n = n, .lanes = 1, .sounding = 1u, .steady = wide->steady};
	io.out             = scratch + (size_t)(MODULE_MAX_INPUTS + MODULE_MAX_PARAMS) * SUB;
	for (unsigned l = 0; l < L; ++l) {
		if (!(wide->sounding & (1u << l))) {
			for (unsigned i = 0; i < n; ++i) {
				out[i * L + l] = 0.0f;
			}
			continue;
		}
		for (unsigned j = 0; j < voice->n_inputs; ++j) {
			float* d = scratch + (size_t)j * SUB;
			for (unsigned i = 0; i < n; ++i) {
				d[i] = wide->in[j][i * L + l];
			}
			io.in[j] = d;
		}
		for (unsigned j = 0; j < voice->n_params; ++j) {
			float* d = scratch + (size_t)(MODULE_MAX_INPUTS + j) * SUB;
			for (unsigned i = 0; i < n; ++i) {
				d[i] = wide->param[j][i * L + l];
			}
			io.param[j] = d;
		}
		voice->process(lane_state(voice, state, l), &io);
		for (unsigned i = 0; i < n; ++i) {
			out[i * L + l] = io.out[i];
		}
	}
}

void
one_voice_adapt(ModuleType* lanes, const ModuleType* voice, const OneVoiceHooks* hooks)
{
	/* A hook added to ModuleType later is copied as the one-voice
	 * module has it: give it a lane-group form here when one-voice
	 * modules start to provide it. */
	*lanes              = *voice;
	lanes->flags        = voice->flags | MODULE_LANES;
	lanes->state_size   = one_voice_stride(voice) * CHRONUS_LANES;
	lanes->init         = hooks->init;
	lanes->reset        = hooks->reset;
	lanes->process      = hooks->process;
	lanes->process_avx2 = NULL; /* one-voice modules are built once */
	lanes->active       = voice->active ? hooks->active : NULL;
	lanes->reset_lane   = hooks->reset_lane;
	lanes->active_lane  = voice->active ? hooks->active_lane : NULL;
	lanes->seed_lane    = voice->seed_lane ? hooks->seed_lane : NULL;
}
