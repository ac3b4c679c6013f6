/* SPDX-License-Identifier: ISC
 *
 * The contract between the engine and every DSP module. A module knows
 * nothing about LV2, voices or slots: it owns a state struct (placed in the
 * slot's arena by the compiler), and turns input and parameter buffers into
 * one output buffer. The engine smooths, modulates and range-clamps every
 * parameter before the module sees it, so a module reads one value per
 * sample and never zippers.
 */
#ifndef CHRONUS_DSP_MODULE_H
#define CHRONUS_DSP_MODULE_H

#include <stdbool.h>
#include <stddef.h>

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
	IMPLICIT_VELOCITY  /* note-on velocity, 0..1 */
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
 * lanes is 0 or 1 for one voice (buffers hold n values), or CHRONUS_LANES
 * for a lane group, given only to MODULE_LANES modules: every buffer then
 * holds n x CHRONUS_LANES values, frame-major (buf[i * CHRONUS_LANES + l]
 * is frame i of lane l), so a loop over the lanes of one frame vectorises.
 * isa says which instruction set the engine chose (SimdIsa, dsp/simd.h).
 * steady has bit MODULE_STEADY_IN(j) or MODULE_STEADY_PARAM(j) set when
 * every frame of that buffer holds the same value, lane by lane (a held
 * note, a settled knob): a module may then look at frame 0 only. A clear
 * bit promises nothing. */
typedef struct {
	const float* in[MODULE_MAX_INPUTS];
	const float* param[MODULE_MAX_PARAMS];
	float*       out;
	unsigned     n;     /* 1 .. CHRONUS_SUBBLOCK */
	unsigned     lanes; /* 0 or 1, or CHRONUS_LANES */
	unsigned     isa;   /* SimdIsa */
	unsigned     steady;
} ModuleIO;

#define MODULE_STEADY_IN(j)    (1u << (j))
#define MODULE_STEADY_PARAM(j) (1u << (MODULE_MAX_INPUTS + (j)))

typedef enum {
	MODULE_SOURCE = 1 << 0,      /* an oscillator, LFO or noise: no audio input */
	MODULE_ENVELOPE = 1 << 1,    /* its activity keeps a released voice alive */
	MODULE_MASTER_ONLY = 1 << 2, /* may only be created as master */
	/* process() takes lane groups: its state holds CHRONUS_LANES voices
	 * side by side (one array per field), reset_lane() and active_lane()
	 * address one of them, and init()/reset() all of them. Other modules
	 * are run one lane at a time by the engine, a state per lane. */
	MODULE_LANES = 1 << 3,
} ModuleFlags;

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
	 * good with its gate low (an envelope after its release). */
	bool (*active)(const void* state);
	/* MODULE_LANES only: as reset() and active(), for one lane. */
	void (*reset_lane)(void* state, unsigned lane);
	bool (*active_lane)(const void* state, unsigned lane);
	/* Audio thread, may be NULL (envelopes have it): put a lane (0 for a
	 * module run one lane at a time) where it would be had its gate been
	 * high for long, in its sustain stage with its gate high, so a note
	 * handed over from another patch at a swap enters past its attack and
	 * is never struck again. The engine calls it right after reset, on a
	 * voice started by the handover (slot_note_on_held). */
	void (*enter_held)(void* state, unsigned lane);
} ModuleType;

#endif
