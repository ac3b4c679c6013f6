/* SPDX-License-Identifier: ISC
 *
 * The inside of a Slot (slot.h): the execution plan, the voices and the
 * arena's layout. Only the engine reads it: the compiler (compile.c),
 * rendering (slot.c), the voices (voices.c), and the white-box unit tests.
 * The LV2 glue and the build use slot.h's functions.
 */
#ifndef CHRONUS_SLOT_IMPL_H
#define CHRONUS_SLOT_IMPL_H

#include "dsp/module.h"
#include "params.h"
#include "patch.h"
#include "slot.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Buffers 0..9 are the fixed sources every voice provides (the last five
 * are only filled when the patch reads them: Slot.note_srcs). */
enum { BUF_ZERO = 0, BUF_PITCH, BUF_GATE, BUF_VELOCITY, BUF_RANDOM, BUF_KEY, BUF_RELEASE, BUF_PRESSURE,
       BUF_SLIDE, BUF_UNISON, BUF_FIRST_FREE };

#define SLOT_MAX_HELD         128u

typedef struct {
	uint16_t buf;   /* buffer index */
	float    depth;
} Feed;

/* One module in execution order. Inputs and parameter modulations are
 * ranges in the slot's feed array. */
typedef struct {
	const ModuleType* type;
	uint32_t          state_offset; /* within a group's (or the master's) state block */
	/* type->process or type->process_avx2: the instruction set the slot
	 * renders with, chosen when it is compiled. */
	void (*process)(void* state, const ModuleIO* io);
	uint16_t          out_buf;
	uint16_t          param_first;  /* first ParamState of this module */
	uint16_t          in_first[MODULE_MAX_INPUTS];
	uint8_t           in_count[MODULE_MAX_INPUTS];
	uint16_t          mod_first[MODULE_MAX_PARAMS];
	uint8_t           mod_count[MODULE_MAX_PARAMS];
	uint16_t          module;       /* index of the module in the Patch */
	char              name[PATCH_MAX_NAME + 1]; /* its name: a live `set` finds it (slot_find_param) */
	bool              master;
	bool              gate_env; /* an envelope on the note's gate: keeps the voice alive */
	bool              zoned;    /* `zone`: its output is silenced for keys outside zone_lo..zone_hi */
	uint8_t           zone_lo, zone_hi;
} PlanStep;

/* A per-voice signal summed over voices into a master-side buffer. In a
 * stereo slot the sum has a left and a right buffer: audio (the output, a
 * master module's input) is placed by each voice's pan gains, modulation
 * (a master module's parameter) goes to both as it is. */
typedef struct {
	uint16_t after_step; /* exported right after this step ran (and the pan step) */
	uint16_t src_buf;
	uint16_t dst_buf;    /* an accumulation buffer, cleared each sub-block */
	float    depth;
	bool     panned;     /* audio: placed by the pan gains in a stereo slot */
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
	uint8_t    chan;        /* the channel its key came on (0 unless MPE) */
	bool       key_down;    /* the key is held */
	bool       sustained;   /* released key held by the sustain pedal */
	bool       retrigger;   /* gate dips for one sample at the next render */
	bool       fresh;       /* started, nothing rendered yet */
	bool       stolen;      /* fading out to make room */
	float      velocity;    /* 0..1 */
	float      fade;        /* output gain: 1, or fading to 0 when stolen */
	float      fade_step;   /* per sample; 0 when not fading */
	uint64_t   started;     /* for oldest-first stealing; the voices of one note's unison stack share it */
	float      release_vel; /* 0..1, set at note off */
	float      pressure;    /* poly aftertouch, smoothed, 0..1 */
	float      pressure_target;
	float      nbend;       /* per-note bend (MPE), semitones, smoothed */
	float      nbend_target;
	float      slide;       /* per-note slide (MPE CC 74), 0..1, smoothed */
	float      slide_target;
	float      pitch;       /* semitones before bend: the key, or on its way there (glide) */
	float      target;      /* the key's pitch in the tuning: where a glide lands */
	float      glide_step;  /* per sample while glide_left > 0 */
	unsigned   glide_left;  /* samples of glide to go; the last one lands on the key */
	uint8_t    place;       /* its place in its note's unison stack, 0 .. unison - 1 (0 leads) */
	float      unison;      /* the same as -1..1 (note.unison; 0 in a stack of one) */
	float      detune;      /* semitones its stack place adds to the pitch */
	uint8_t*   state;       /* module states of this voice's lane group */
	unsigned   lane;        /* its lane in the group */
} Voice;

struct Slot {
	/* Identity and status, read by the plugin through slot.h. */
	uint64_t param_seq;      /* parameter table sequence its knobs are as of */
	char     title[PATCH_MAX_TITLE + 1];
	double   rate;

	/* Plan. */
	PlanStep*     steps;
	unsigned      n_steps;
	unsigned      n_voice_steps; /* voice steps come first */
	unsigned      n_pre_steps;   /* the master steps right after them run before the voices (global modulators) */
	Feed*         feeds;
	Export*       exports;
	unsigned      n_exports;
	ParamState*   params;
	unsigned      n_params;
	MacroBinding* macros;
	unsigned      n_macros;
	uint16_t      out_buf;
	bool          out_is_master;
	bool          uses_random;  /* some input reads BUF_RANDOM */
	bool          has_gate_env;
	uint16_t      acc_first, acc_count; /* accumulation buffers */

	/* Vectorisation: voices are rendered in groups of `lanes` (1 or
	 * CHRONUS_LANES); a voice buffer holds CHRONUS_SUBBLOCK x lanes values,
	 * frame-major. Master steps always run with one lane. */
	SimdMode simd;
	unsigned lanes;
	unsigned n_groups;

	/* Stereo (a `pan` statement). The master side runs once per channel:
	 * every master buffer b (b >= master_first: master outputs and the
	 * voice → master sums) has a right-channel twin b + chan_shift, and
	 * every master module a second state at master_state + master_stride.
	 * The module contract stays mono: a master module never knows which
	 * channel it renders. A mono slot has none of this and copies its one
	 * output to both channels. */
	bool     stereo;
	bool     has_pan;      /* a `pan` statement; stereo without one: a stereo master effect, the voices centred at full level */
	uint16_t pan_step;     /* the voice step whose output places each voice (has_pan) */
	uint16_t master_first;
	uint16_t chan_shift;
	size_t   master_stride;
	float*   pan_gain;     /* per frame and lane: left gains, then (buf_stride on) right gains */

	/* Buffers: n_bufs × CHRONUS_SUBBLOCK × lanes floats, plus temporaries. */
	float*   bufs;
	unsigned n_bufs;
	size_t   buf_stride; /* floats from one buffer to the next */
	float*   tmp;        /* (MODULE_MAX_INPUTS + MODULE_MAX_PARAMS) buffers */
	float*   fade_buf;   /* per frame and lane: the voice's weight in the sums */
	float*   param_lanes; /* voice-step parameters spread over the lanes, when lanes > 1 */
	unsigned n_voice_params;

	/* Voices. */
	Voice*   voices;
	unsigned n_voices;   /* (polyphony + spares) x unison */
	unsigned polyphony;  /* notes (unison stacks) at once */
	unsigned unison;     /* voices per note, 1 .. PATCH_MAX_UNISON */
	float    unison_gain; /* each voice's weight in the sums: 1 / sqrt(unison) */
	uint64_t clock;      /* notes started, for ages */
	uint64_t frames;     /* frames rendered: sub-blocks align to it */
	bool     sustain;    /* pedal down */
	uint8_t* master_state;
	size_t   group_state_size;

	/* Controllers the patch reads (ctl.*): smoothed, spread over the lanes
	 * for voice modules (voice_buf) and one lane for master ones. */
	struct {
		uint8_t    ctl;       /* CTL id (patch.h) */
		uint16_t   voice_buf, master_buf;
		ParamState ps;
	} ctls[PATCH_MAX_CTLS];
	unsigned n_ctls;
	uint16_t ctl_first; /* the controller buffers, from here on: never shifted to a twin */
	/* Global modulators (master modules that per-voice ones read): each
	 * one's output, copied over the lanes for the voices after it ran. */
	struct {
		uint16_t master_buf, voice_buf;
	} globs[PATCH_MAX_MODULES];
	unsigned n_globs;

	/* Expression and voice modes (voices.c). */
	unsigned     note_srcs;   /* bit k: note source k (NoteSource) is read */
	PatchVoicing voicing;     /* as the patch says */
	float        bend_up, bend_down; /* in effect: the patch's, or the host's ports */
	float        glide_ms;    /* in effect: the patch's, or the host's port */
	ParamState   bend;        /* the wheel, -1..1, smoothed */
	float        bend_semis[CHRONUS_SUBBLOCK]; /* this sub-block's bend in semitones */
	bool         bend_moving; /* bend_semis not constant this sub-block */
	bool         pitch_steady; /* BUF_PITCH constant in every frame of the group rendering now */
	float        pressure_coef; /* one-pole coefficient of the aftertouch smoothing */
	uint16_t     held[SLOT_MAX_HELD]; /* keys held (VOICE_KEY), oldest first */
	unsigned     n_held;
	float        last_pitch;  /* the last note started (glide from), <0 when none */
	float        key_pitch[128]; /* the tuning: each key's pitch (69 = A4), NaN: the key plays nothing */
	/* Each channel's per-note expression as it was last sent (MPE): where
	 * a voice struck on the channel starts (voices_channel). */
	float        chan_bend[16], chan_pressure[16], chan_slide[16];

	size_t arena_size;   /* bytes in this one allocation */
	/* Data loaded for modules (slot_attach: a `wavetable` statement's
	 * table), freed with the slot. */
	void*    owned[PATCH_MAX_WAVETABLES];
	uint16_t owned_module[PATCH_MAX_WAVETABLES]; /* the patch module each is for */
	unsigned n_owned;
};

#endif
