/* SPDX-License-Identifier: ISC
 *
 * Microtuning: Scala scales (.scl) and keyboard maps (.kbm) read into a
 * table of 128 tuned note numbers, one per MIDI key, in the engine's pitch
 * unit (semitones, 69 = 440 Hz, fractional). The formats are Manuel Op de
 * Coul's (https://www.huygens-fokker.org/scala/scl_format.html and the
 * "keyboard mapping" section of its help): comment lines start with '!',
 * pitches are cents when they hold a '.', ratios otherwise. Parsing runs on
 * the worker thread; the table it gives is plain data run() can copy.
 *
 * Errors go through the patch language's one formatter ("line L, col C:
 * ..."), so a broken tuning file is reported like a broken patch file.
 */
#ifndef CHRONUS_TUNING_H
#define CHRONUS_TUNING_H

#include "patch.h"

#include <stdbool.h>
#include <stddef.h>

#define TUNING_KEYS      128
#define SCALE_MAX_NOTES  1024 /* Scala's own archive has none larger */
#define KEYMAP_MAX_SIZE  1024
#define TUNING_UNMAPPED  (-1) /* a keyboard map entry 'x' */

/* A scale: degree 0 is 1/1 (0 cents), degrees 1..n are the file's pitch
 * lines, the last of which is the period (usually 2/1). */
typedef struct {
	char     description[128];
	unsigned n;                         /* pitch lines, 1..SCALE_MAX_NOTES */
	double   cents[SCALE_MAX_NOTES + 1]; /* cents[0] = 0; cents[n] = the period */
} Scale;

/* A keyboard map: which key plays which scale degree, and the key tuned
 * to a given frequency. size 0 is the linear map (key - middle = degree). */
typedef struct {
	unsigned size;
	int      first, last;   /* keys outside [first, last] are not retuned (they are unmapped) */
	int      middle;        /* the key of degree 0 */
	int      ref_key;       /* the key tuned to ref_hz */
	double   ref_hz;
	unsigned octave_degree; /* the degree a map repeat moves by; 0: the scale's size */
	int      map[KEYMAP_MAX_SIZE]; /* degree per map entry, or TUNING_UNMAPPED */
} KeyMap;

/* A key's pitch, or NAN when the map leaves the key unmapped (it plays
 * no note). */
typedef struct {
	float note[TUNING_KEYS];
} Tuning;

/* Parse a .scl text (len bytes, not NUL-terminated). false: err says
 * what and where, out is undefined. */
bool scale_parse(const char* text, size_t len, Scale* out, PatchError* err);

/* Parse a .kbm text. Fewer map lines than the size leave the rest
 * unmapped, as Scala reads them. */
bool keymap_parse(const char* text, size_t len, KeyMap* out, PatchError* err);

/* The map used when a scale comes without one: every key retuned, degree
 * 0 on ref_key, which sounds at ref_hz (Scala's and Surge's default: key
 * 60 at 261.6256 Hz). */
void keymap_linear(KeyMap* out, int ref_key, double ref_hz);

/* The table for a scale through a map. false when the reference key
 * itself is unmapped, or a pitch comes out non-finite. */
bool tuning_build(const Scale* scale, const KeyMap* map, Tuning* out, PatchError* err);

/* Twelve-tone equal temperament at A4 = 440 Hz: note[k] = k. */
void tuning_equal(Tuning* out);

#endif
