/* SPDX-License-Identifier: ISC
 *
 * The one-voice adapter: how a module written for one voice (no
 * MODULE_LANES) meets the lane-group contract of dsp/module.h, so the
 * engine never asks which kind it holds. The adapted state is
 * CHRONUS_LANES one-voice states side by side; a lane group's process()
 * picks each sounding lane out of the frame-major buffers, runs that
 * lane's state, and puts its output back in the lane's column (0 in the
 * lanes that do not sound, which cost nothing); lanes = 1 runs lane 0 as
 * it is. The registry (module_registry.c) adapts every one-voice module
 * when it is first asked for a type.
 */
#ifndef CHRONUS_DSP_ONE_VOICE_H
#define CHRONUS_DSP_ONE_VOICE_H

#include "dsp/module.h"

/* The adapter's functions, for the one-voice type `voice`. */
size_t one_voice_stride(const ModuleType* voice);
void   one_voice_init(const ModuleType* voice, void* state, double rate);
void   one_voice_reset(const ModuleType* voice, void* state);
void   one_voice_reset_lane(const ModuleType* voice, void* state, unsigned lane);
bool   one_voice_active_lane(const ModuleType* voice, const void* state, unsigned lane);
void   one_voice_process(const ModuleType* voice, void* state, const ModuleIO* io);
void   one_voice_seed_lane(const ModuleType* voice, void* state, unsigned lane, uint32_t seed, uint64_t frame);

/* A ModuleType's functions take no type argument, so each adapted module
 * gets a set of small functions that name it (ONE_VOICE_HOOKS). */
typedef struct {
	void (*init)(void* state, double rate);
	void (*reset)(void* state);
	void (*process)(void* state, const ModuleIO* io);
	bool (*active)(const void* state);
	void (*reset_lane)(void* state, unsigned lane);
	bool (*active_lane)(const void* state, unsigned lane);
	void (*seed_lane)(void* state, unsigned lane, uint32_t seed, uint64_t frame);
} OneVoiceHooks;

/* Worker thread: *lanes becomes the lane-group type of `voice` (the same
 * name, ports and documentation; MODULE_LANES; the hooks'
 * functions). */
void one_voice_adapt(ModuleType* lanes, const ModuleType* voice, const OneVoiceHooks* hooks);

/* Defines `static const OneVoiceHooks voice##_hooks` for the one-voice
 * type `voice` (an object of type const ModuleType). */
#define ONE_VOICE_HOOKS(voice)                                                                   \
	static void voice##_init_(void* s, double r) { one_voice_init(&voice, s, r); }           \
	static void voice##_reset_(void* s) { one_voice_reset(&voice, s); }                      \
	static void voice##_process_(void* s, const ModuleIO* io)                                \
	{                                                                                        \
		one_voice_process(&voice, s, io);                                                \
	}                                                                                        \
	static bool voice##_active_(const void* s) { return one_voice_active_lane(&voice, s, 0); } \
	static void voice##_reset_lane_(void* s, unsigned l) { one_voice_reset_lane(&voice, s, l); } \
	static bool voice##_active_lane_(const void* s, unsigned l)                              \
	{                                                                                        \
		return one_voice_active_lane(&voice, s, l);                                      \
	}                                                                                        \
	static void voice##_seed_lane_(void* s, unsigned l, uint32_t seed, uint64_t frame)       \
	{                                                                                        \
		one_voice_seed_lane(&voice, s, l, seed, frame);                                  \
	}                                                                                        \
	static const OneVoiceHooks voice##_hooks = {voice##_init_,    voice##_reset_,          \
	                                            voice##_process_, voice##_active_,         \
	                                            voice##_reset_lane_, voice##_active_lane_, \
	                                            voice##_seed_lane_}

#endif
