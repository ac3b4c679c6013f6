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
 * whole numbers. out never aliases an input. */
typedef struct {
	const float* in[MODULE_MAX_INPUTS];
	const float* param[MODULE_MAX_PARAMS];
	float*       out;
	unsigned     n; /* 1 .. CHRONUS_SUBBLOCK */
} ModuleIO;

typedef enum {
	MODULE_SOURCE = 1 << 0,      /* an oscillator, LFO or noise: no audio input */
	MODULE_ENVELOPE = 1 << 1,    /* its activity keeps a released voice alive */
	MODULE_MASTER_ONLY = 1 << 2, /* may only be created as master */
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
} ModuleType;

#endif
