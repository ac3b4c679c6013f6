/* SPDX-License-Identifier: ISC
 *
 * A Slot is one compiled patch, ready to play: the execution plan, the
 * parameter states, the scratch buffers and the state of every module of
 * every voice, all in ONE allocation (the arena) whose size the compiler
 * computes exactly. A slot is owned by one thread at a time: the worker
 * builds, primes and frees it; run() plays it. Functions below marked
 * "audio thread" never allocate, lock or print.
 *
 * Outside the engine a Slot is opaque: its inside is slot_impl.h. Every
 * slot_* function lives in slot.c; the notes a slot plays are voices.h's
 * (voices_*, voices.c).
 */
#ifndef CHRONUS_SLOT_H
#define CHRONUS_SLOT_H

#include "dsp/module.h" /* ParamSpec */
#include "dsp/simd.h" /* SimdMode, for who compiles slots */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLOT_MAX_POLYPHONY 64u
#define SLOT_MAX_VOICES    256u /* polyphony x unison voices at most: a wide stack plays fewer notes */
#define SLOT_STEAL_SPARES  8u   /* extra voices that let a stolen one fade out */
#define SLOT_STEAL_FADE_MS 3.0  /* fade of a stolen voice */
#define SLOT_DECLICK_MS    5.0  /* release fade of a voice with no envelope */
#define SLOT_CTL_SMOOTH_MS 5.0f /* smoothing of controllers, bend and aftertouch */

typedef struct Slot Slot;

/* Worker thread: free a slot made by compile_patch (compile.h). */
void slot_free(Slot* slot);

/* The patch's title ("" when it has none). */
const char* slot_title(const Slot* slot);

/* The plugin's parameter table sequence the slot's knobs are as of. */
uint64_t slot_param_seq(const Slot* slot);
void     slot_set_param_seq(Slot* slot, uint64_t seq);

/* Worker thread: the slot's sample clock back to 0, as if it had never
 * rendered (sub-blocks align to it: a primed slot starts where a fresh
 * one would). */
void slot_rewind(Slot* slot);

/* Audio thread: left[0..n) and right[0..n) receive the mix; any n. A
 * mono patch (no `pan` statement) gives the same samples on both. */
void slot_render(Slot* slot, float* left, float* right, unsigned n);

/* Worker thread: whether some `zone` of the patch hears `key` (true for
 * every key when the patch has no zones). */
bool slot_zone_hears(const Slot* slot, uint8_t key);

/* Worker thread: give patch module `module` the data a statement loaded
 * for it (ModuleType.attach: every state of the module, each lane group and
 * channel). The slot owns data from here on, and frees it (free()) in
 * slot_free, off the audio thread, also when the module was pruned from
 * the plan. False (data freed) if the slot holds PATCH_MAX_WAVETABLES
 * already. */
bool slot_attach(Slot* slot, unsigned module, void* data);

/* Audio thread (bounded pointer writes): give every module its own slot's
 * data again, after handover_copy_voices copied another slot's states
 * over this one's (their pointers were the other slot's, freed once the
 * swap ends). */
void slot_reattach(Slot* slot);

/* Audio thread: the parameter `param` of the module named `module` (not
 * NUL-terminated) in this slot: an index for slot_set_param, or -1 when no
 * such module runs in it (none of that name, or one that reaches no
 * output), -2 when the module has no such parameter. */
int  slot_find_param(const Slot* slot, const char* module, size_t module_len, const char* param,
                     size_t param_len);
const ParamSpec* slot_param_spec(const Slot* slot, unsigned index);
/* Audio thread: a module parameter's base value (within its range), for
 * every voice (or the master module) at once: it moves there through its
 * own smoothing, or jumps there with snap (a slot not yet audible). */
void slot_set_param(Slot* slot, unsigned index, float value, bool snap);

/* Audio thread: macro knob k (0-based) at position 0..1. */
void slot_set_macro(Slot* slot, unsigned knob, float position, bool snap);

/* Audio thread: controller ctl (CTL id, patch.h) at value (0..1, the bend
 * -1..1); a controller the patch does not read is ignored. With snap the
 * value jumps there (a slot taking over at a swap). */
void slot_set_controller(Slot* slot, unsigned ctl, float value, bool snap);
/* Audio thread: the host's bend range and glide time ports; a negative
 * value means "as the patch says". */
void slot_set_expression_ports(Slot* slot, float bend_up, float bend_down, float glide_ms);

/* The tuning (tuning.h's Tuning.note: a pitch per key, NaN for a key that
 * plays nothing); sounding voices glide to it over retune_ms. */
void slot_set_tuning(Slot* slot, const float key_pitch[128], double retune_ms);
/* Sounding voices glide to their keys' pitch in the slot's own tuning
 * (voices a handover copied from a slot with another tuning). */
void slot_retune(Slot* slot, double retune_ms);

#endif
