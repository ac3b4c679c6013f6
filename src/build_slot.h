/* SPDX-License-Identifier: ISC
 *
 * The whole road from patch text to a slot that may be swapped in: parse,
 * compile, apply the parameter table, warm up with a test note, verify,
 * clear. WORKER THREAD (or instantiate/restore): it allocates and may take
 * milliseconds; run() never calls it.
 */
#ifndef CHRONUS_BUILD_SLOT_H
#define CHRONUS_BUILD_SLOT_H

#include "patch.h"
#include "slot.h"

#include <stdbool.h>
#include <stdint.h>

#define BUILD_WARMUP_BLOCKS 8u
#define BUILD_WARMUP_FRAMES 256u
#define BUILD_WARMUP_MS     42.7   /* and never less sound than this (2048 frames at 48 kHz) */
#define BUILD_WARMUP_NOTE   60u
#define BUILD_PEAK_LIMIT    7.943282f  /* +18 dBFS */
#define BUILD_RMS_FLOOR     1e-4f      /* -80 dBFS: below it, a warning (never a refusal) */

/* What a slot is built with besides its text: the plugin's parameter table
 * as of the request, so the primed slot already sounds as it will. */
typedef struct {
	double   rate;
	unsigned polyphony;
	float    macros[PATCH_MACRO_KNOBS]; /* knob positions 0..1 */
	uint64_t param_seq;
	uint32_t generation;
	unsigned warmup_blocks;
	unsigned warmup_frames;
	SimdMode simd;          /* SIMD_AUTO unless a test asks for a path */
	float    tune_key, tune_hz; /* the tuning ports (the worker turns them and the files into key_pitch) */
	const float* key_pitch; /* each key's pitch (tuning.h), or NULL: twelve-tone equal temperament */
	/* Out, may be NULL: receives the compiled graph's description
	 * (graph_desc.h) for the UI, graph_cap bytes; its length goes to
	 * BuildReport.graph_len. */
	char*    graph;
	size_t   graph_cap;
	const char*  base_dir;  /* the patch file's folder: where a `wavetable` file's relative path starts (NULL: the working directory) */
} BuildSettings;

typedef enum {
	BUILD_OK = 0,
	BUILD_PARSE_ERROR,   /* the text is not a valid patch */
	BUILD_COMPILE_ERROR, /* valid text, impossible graph (a cycle) */
	BUILD_NOT_FINITE,    /* warm-up produced NaN or Inf */
	BUILD_TOO_LOUD,      /* warm-up peak above +18 dBFS: a runaway */
	BUILD_NO_MEMORY,
	BUILD_FILE_ERROR,    /* a file the patch names (a `wavetable` statement's) cannot be used */
} BuildStatus;

/* Verification refuses only what would harm the listener or the host: a
 * non-finite sample or a runaway level. A silent warm-up is BUILD_OK with
 * a warning that gives the likely reason (silence_reason.h): a swell with
 * its level on a macro at 0 is a valid patch. */
typedef struct {
	BuildStatus status;
	PatchError  error;      /* message for every status but BUILD_OK */
	char        warning[256]; /* BUILD_OK: "" or "warm-up is silent: <likely reason>" */
	double      prime_ms;   /* worker CPU time of the whole build */
	float       peak, rms;  /* of the warm-up */
	size_t      graph_len;  /* bytes written to BuildSettings.graph (0: none) */
} BuildReport;

void build_settings_default(BuildSettings* bs, double rate);

/* Returns a primed slot with silent, idle voices (and report->warning set
 * if the warm-up was silent), or NULL and *report says why, with line and
 * column for patch errors. */
Slot* build_slot(const char* text, size_t len, const BuildSettings* bs, BuildReport* report);

#endif
