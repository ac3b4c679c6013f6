/* SPDX-License-Identifier: ISC
 *
 * The contract between the engine and every DSP module. A module knows
 * nothing about LV2, voices or slots: it owns a state struct (placed in the
 * slot's arena by the compiler), and turns input and parameter buffers into
 * one output buffer. The engine smooths, modulates and range-clamps every
 * parameter before the module sees it, so a module reads one value per
 * sample and never zippers.
 *
 * A module renders one channel. Stereo is the engine's: in a patch with a
 * `pan` statement it places each voice when it sums the voices (slot.c),
 * and runs every master module once per channel, each channel with its
 * own state and buffers, so such a module never knows which channel it
 * renders. The one exception is a stereo master effect (MODULE_STEREO):
 * it gets both channels in one call (process_stereo).
 */
#ifndef CHRONUS_DSP_MODULE_H
#define CHRONUS_DSP_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest number of frames a module is asked to process in one call. The
 * engine renders any host block as a run of sub-blocks of at most this. */
#define CHRONUS_SUBBLOCK 64

/* Voices rendered together as one lane group (see dsp/simd.h). */
#define CHRONUS_LANES 8

#define MODULE_MAX_INPUTS 4
#define MODULE_MAX_PARAMS 8

/* Where an input is fed from when the patch connects nothing to it. */
typedef enum {
	IMPLICIT_NONE = 0, /* silence (a buffer of zeros) */
	IMPLICIT_PITCH,    /* the voice's note in semitones (69 = A4), bend included */
	IMPLICIT_GATE,     /* 1 while the key (or sustain pedal) holds, else 0 */
	IMPLICIT_VELOCITY, /* note-on velocity, 0..1 */
	IMPLICIT_RANDOM    /* a random value -1..1 per note, drawn when the note starts */
} ImplicitSource;

typedef enum { CURVE_LIN = 0, CURVE_EXP } ParamCurve;

typedef struct {
	const char*    name;     /* "in", "gate", "note" */
	const char*    doc;      /* one line for docs/modules.md */
	ImplicitSource implicit; /* what feeds it when unconnected */
} InputSpec;

typedef struct {
	const char*        name;      /* "cutoff" */
	const char*        unit;      /* "Hz", "ms", "dB", "" */
	const char*        doc;       /* one line for docs/modules.md */
	float              min, max, def;
	ParamCurve         curve;     /* how a macro sweeps it (exp needs min > 0) */
	float              smooth_ms; /* smoothing time; 0 for discrete choices */
	const char* const* choices;   /* names of the integer values, NULL-ended, or NULL */
} ParamSpec;

/* Everything one process() call sees. Every pointer is valid for n frames:
 * unconnected inputs point at zeros or at their implicit source. Parameter
 * buffers hold values already clamped to [min, max]; choice parameters hold
 * whole numbers. out never aliases an input.
 *
 * lanes is 1 (a master module, or the one-voice reference path: buffers
 * hold n values, and the module uses lane 0 of its state) or CHRONUS_LANES
 * (a lane group: every buffer holds n x CHRONUS_LANES values, frame-major,
 * buf[i * CHRONUS_LANES + l] is frame i of lane l, so a loop over the lanes
 * of one frame vectorises). sounding has bit l set when lane l holds a
 * voice that sounds (bit 0 when lanes is 1): the engine weighs every other
 * lane 0, so a module may skip it, writing 0 to its output there.
 * steady has bit MODULE_STEADY_IN(j) or MODULE_STEADY_PARAM(j) set when
 * every frame of that buffer holds the same value, lane by lane (a held
 * note, a settled knob): a module may then look at frame 0 only. A clear
 * bit promises nothing. The instruction set is not here: the engine picks
 * process or process_avx2 once, when it compiles the slot. */
typedef struct {
	const float* in[MODULE_MAX_INPUTS];
	const float* param[MODULE_MAX_PARAMS];
	float*       out;
	unsigned     n;        /* 1 .. CHRONUS_SUBBLOCK */
	unsigned     lanes;    /* 1 or CHRONUS_LANES */
	unsigned     sounding; /* bit l: lane l sounds */
	unsigned     steady;
} ModuleIO;

#define MODULE_STEADY_IN(j)    (1u << (j))
#define MODULE_STEADY_PARAM(j) (1u << (MODULE_MAX_INPUTS + (j)))

typedef enum {
	MODULE_SOURCE = 1 << 0,      /* an oscillator, LFO or noise: no audio input */
	MODULE_ENVELOPE = 1 << 1,    /* its activity keeps a released voice alive */
	MODULE_MASTER_ONLY = 1 << 2, /* may only be created as master */
	/* Written for lane groups (the contract below). A module without it is
	 * written for one voice (its state is one voice, process() sees
	 * lanes = 1 only, reset_lane and active_lane are NULL): the registry
	 * wraps it in the one-voice adapter (module_registry.c), so every type
	 * the engine gets holds this flag. */
	MODULE_LANES = 1 << 3,
	/* A stereo master effect (with MODULE_MASTER_ONLY): it renders both
	 * channels in one process_stereo() call with one state, so its
	 * channels can differ and feed each other (a reverb's width, a
	 * ping-pong delay). A patch with one is stereo. */
	MODULE_STEREO = 1 << 4,
} ModuleFlags;

/* A module type. The contract the engine relies on (lane groups): state
 * holds CHRONUS_LANES voices side by side, init() and reset() address all
 * of them, reset_lane() and active_lane() one, and process() renders
 * lanes = 1 (lane 0) or CHRONUS_LANES lanes (see ModuleIO). New optional
 * hooks are added at the end; a NULL hook means "not provided". */
typedef struct ModuleType {
	const char*      name;    /* the word used after `create` */
	const char*      summary; /* one line for docs/modules.md */
	unsigned         flags;
	unsigned         n_inputs;
	const InputSpec* inputs;
	unsigned         n_params;
	const ParamSpec* params;
	size_t           state_size;

	/* Worker thread: set rate-dependent constants, then as reset(). */
	void (*init)(void* state, double rate);
	/* Audio or worker thread: back to silence, as on a fresh voice. */
	void (*reset)(void* state);
	/* Audio thread: render io->n frames. Must give the same samples however
	 * a run of frames is split into calls (no per-call interpolation). */
	void (*process)(void* state, const ModuleIO* io);
	/* Audio thread, may be NULL: false once the module has gone quiet for
	 * good with its gate low (an envelope after its release); lane 0. */
	bool (*active)(const void* state);
	/* As reset() and active(), for one lane (active_lane NULL when active
	 * is). */
	void (*reset_lane)(void* state, unsigned lane);
	bool (*active_lane)(const void* state, unsigned lane);
	/* May be NULL: process() built for AVX2 (SIMD_LANE_PROCESS makes both;
	 * the engine picks one per slot, dsp/simd.h). Same samples as process. */
	void (*process_avx2)(void* state, const ModuleIO* io);
	/* Audio thread, may be NULL (envelopes have it): put a lane (0 for a
	 * module run one lane at a time) where it would be had its gate risen
	 * `age` samples ago and stayed high (the old voice's note-on), with its
	 * gate high, so a note handed over from another patch at a swap goes on
	 * at the point of the new patch's curve the old voice had reached (in
	 * its attack, decay or sustain stage) and is never struck again. The
	 * engine calls it right after reset, on a voice started by the handover
	 * (voices_note_on_held); the module may finish the placement in its
	 * next process(), which has the parameters. */
	void (*enter_held)(void* state, unsigned lane, uint32_t age);
	/* Audio thread, may be NULL: the seed and the time of the note a lane
	 * starts, given right after its reset_lane at every note on. The seed
	 * (voices.c makes it from the voice's index and the slot's count of
	 * notes: never 0) makes random start phases and noise differ from
	 * voice to voice and note to note; `frame` is the slot's count of
	 * frames rendered when the note starts (a free-running start phase is
	 * where the oscillator would be had it run since frame 0). Both are
	 * the same at any block size and on every path. */
	void (*seed_lane)(void* state, unsigned lane, uint32_t seed, uint64_t frame);
	/* MODULE_STEREO only (process is then NULL): render both channels, one
	 * lane each; left and right hold the same n, their inputs and outputs
	 * those of their channel; the parameters are read from left (both hold
	 * the same values but where a modulator differs per channel). */
	void (*process_stereo)(void* state, const ModuleIO* left, const ModuleIO* right);
	/* Worker thread, may be NULL: the data a patch statement loaded for
	 * this module (a `wavetable` statement's table), given after init to
	 * every state of the module (each lane group, each channel). The slot
	 * owns the data and frees it with itself; the state keeps the pointer
	 * across resets. Also called on the audio thread after a handover
	 * copied another slot's states over (slot_reattach): it must only
	 * store the pointer. */
	void (*attach)(void* state, const void* data);
} ModuleType;

#endif
