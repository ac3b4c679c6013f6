/* SPDX-License-Identifier: ISC
 *
 * A Slot is one compiled patch, ready to play: the execution plan, the
 * parameter states, the scratch buffers and the state of every module of
 * every voice, all in ONE allocation (the arena) whose size the compiler
 * computes exactly. A slot is owned by one thread at a time: the worker
 * builds, primes and frees it; run() plays it. Functions below marked
 * "audio thread" never allocate, lock or print.
 */
#ifndef CHRONUS_SLOT_H
#define CHRONUS_SLOT_H

#include "dsp/module.h"
#include "dsp/simd.h"
#include "params.h"
#include "patch.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLOT_MAX_POLYPHONY 64u
#define SLOT_STEAL_SPARES  8u   /* extra voices that let a stolen one fade out */
#define SLOT_STEAL_FADE_MS 3.0  /* fade of a stolen voice */
#define SLOT_DECLICK_MS    5.0  /* release fade of a voice with no envelope */

/* Buffers 0..3 are the fixed sources every voice provides. */
enum { BUF_ZERO = 0, BUF_PITCH, BUF_GATE, BUF_VELOCITY, BUF_FIRST_FREE };

typedef struct {
	uint16_t buf;   /* buffer index */
	float    depth;
} Feed;

/* One module in execution order. Inputs and parameter modulations are
 * ranges in the slot's feed array. */
typedef struct {
	const ModuleType* type;
	uint32_t          state_offset; /* within a group's (or the master's) state block */
	uint32_t          lane_stride;  /* a voice step without MODULE_LANES: one state
	                                 * per lane, this far apart; else 0 */
	uint16_t          out_buf;
	uint16_t          param_first;  /* first ParamState of this module */
	uint16_t          in_first[MODULE_MAX_INPUTS];
	uint8_t           in_count[MODULE_MAX_INPUTS];
	uint16_t          mod_first[MODULE_MAX_PARAMS];
	uint8_t           mod_count[MODULE_MAX_PARAMS];
	uint16_t          module;       /* index of the module in the Patch */
	bool              master;
	bool              gate_env; /* an envelope on the note's gate: keeps the voice alive */
} PlanStep;

/* A per-voice signal summed over voices into a master-side buffer. */
typedef struct {
	uint16_t after_step; /* exported right after this step ran */
	uint16_t src_buf;
	uint16_t dst_buf;    /* an accumulation buffer, cleared each sub-block */
	float    depth;
} Export;

/* A macro knob binding: knob position 0..1 → parameter target. */
typedef struct {
	uint8_t    knob; /* 0-based */
	uint16_t   param;
	float      lo, hi;
	ParamCurve curve;
} MacroBinding;

typedef enum { VOICE_IDLE = 0, VOICE_ON, VOICE_RELEASED } VoicePhase;

typedef struct {
	VoicePhase phase;
	uint8_t    note;
	bool       key_down;    /* the key is held */
	bool       sustained;   /* released key held by the sustain pedal */
	bool       retrigger;   /* gate dips for one sample at the next render */
	bool       fresh;       /* started, nothing rendered yet */
	bool       stolen;      /* fading out to make room */
	float      velocity;    /* 0..1 */
	float      fade;        /* output gain: 1, or fading to 0 when stolen */
	float      fade_step;   /* per sample; 0 when not fading */
	uint64_t   started;     /* for oldest-first stealing */
	uint8_t*   state;       /* module states of this voice's lane group */
	unsigned   lane;        /* its lane in the group */
} Voice;

typedef struct Slot Slot;
struct Slot {
	/* Identity and status, read by the plugin. */
	uint32_t generation;     /* the request that built it */
	uint64_t param_seq;      /* parameter table sequence it was built with */
	char     title[PATCH_MAX_TITLE + 1];
	double   rate;
	Slot*    next;           /* link in the plugin's retire lists */

	/* Plan. */
	PlanStep*     steps;
	unsigned      n_steps;
	unsigned      n_voice_steps; /* voice steps come first */
	Feed*         feeds;
	Export*       exports;
	unsigned      n_exports;
	ParamState*   params;
	unsigned      n_params;
	MacroBinding* macros;
	unsigned      n_macros;
	uint16_t      out_buf;
	bool          out_is_master;
	bool          has_gate_env;
	uint16_t      acc_first, acc_count; /* accumulation buffers */

	/* Vectorisation: voices are rendered in groups of `lanes` (1 or
	 * CHRONUS_LANES); a voice buffer holds CHRONUS_SUBBLOCK x lanes values,
	 * frame-major. Master steps always run with one lane. */
	SimdMode simd;
	unsigned lanes;
	unsigned isa;        /* SimdIsa given to the modules */
	unsigned n_groups;

	/* Buffers: n_bufs × CHRONUS_SUBBLOCK × lanes floats, plus temporaries. */
	float*   bufs;
	unsigned n_bufs;
	size_t   buf_stride; /* floats from one buffer to the next */
	float*   tmp;        /* (MODULE_MAX_INPUTS + MODULE_MAX_PARAMS) buffers */
	float*   lane_tmp;   /* one lane of a group: (inputs + params + 1) sub-blocks */
	float*   fade_buf;   /* per frame and lane: the voice's weight in the sums */
	float*   param_lanes; /* voice-step parameters spread over the lanes, when lanes > 1 */
	unsigned n_voice_params;

	/* Voices. */
	Voice*   voices;
	unsigned n_voices;   /* polyphony + spares */
	unsigned polyphony;
	uint64_t clock;      /* notes started, for ages */
	uint64_t frames;     /* frames rendered: sub-blocks align to it */
	float    bend;       /* semitones */
	bool     sustain;    /* pedal down */
	uint8_t* master_state;
	size_t   group_state_size;

	size_t arena_size;   /* bytes in this one allocation */
};

/* Audio thread. out[0..n) receives the mono mix; any n. */
void slot_render(Slot* slot, float* out, unsigned n);

/* Audio thread: note and controller events. */
void slot_note_on(Slot* slot, uint8_t note, float velocity);
void slot_note_off(Slot* slot, uint8_t note);
void slot_sustain(Slot* slot, bool down);
void slot_bend(Slot* slot, float semitones);
void slot_all_notes_off(Slot* slot);   /* release everything */
void slot_all_sound_off(Slot* slot);   /* silence now (short fade) */

/* Audio thread, at a swap (voices.c): a held note (by key, or by the pedal
 * alone when by_pedal) starts already past its attack, in every envelope's
 * sustain stage; whether a voice holds a note; surplus voices over the
 * polyphony fade out. */
void slot_note_on_held(Slot* slot, uint8_t note, float velocity, bool by_pedal);
bool slot_note_held(const Slot* slot, uint8_t note);
void slot_trim_voices(Slot* slot);

/* Audio thread: macro knob k (0-based) at position 0..1. */
void slot_set_macro(Slot* slot, unsigned knob, float position, bool snap);

/* Audio or worker thread: every voice back to idle and silent. */
void slot_reset_voices(Slot* slot);

/* Number of voices sounding. */
unsigned slot_active_voices(const Slot* slot);

#endif
