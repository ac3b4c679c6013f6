/* SPDX-License-Identifier: ISC
 *
 * A parsed, validated patch: the language of docs/patch-language.md as plain
 * data. Fixed-size arrays, so parsing allocates nothing and every limit is
 * a compile-time constant that the docs and tests quote.
 */
#ifndef CHRONUS_PATCH_H
#define CHRONUS_PATCH_H

#include "dsp/module.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PATCH_MAX_TEXT        65536u /* bytes of patch text */
#define PATCH_MAX_LINE        1024u  /* bytes in one line */
#define PATCH_MAX_NAME        31u    /* characters in a module name */
#define PATCH_MAX_TITLE       63u    /* characters in the patch name */
#define PATCH_MAX_MODULES     64u
#define PATCH_MAX_CONNECTIONS 128u
#define PATCH_MAX_SETTINGS    256u
#define PATCH_MAX_MACROS      32u    /* macro bindings (several per knob) */
#define PATCH_MACRO_KNOBS     8u
#define PATCH_MAX_KNOB_NAME   24u    /* bytes in a macro knob's name (`macro <knob> "Name"`) */
#define PATCH_MAX_DEPTH       1e6f   /* |depth| of a modulation */
#define PATCH_MAX_CTLS        16u    /* distinct controllers (ctl.*) one patch reads */
#define PATCH_MAX_BEND        48.0f  /* semitones of bend range, up or down */
#define PATCH_MAX_GLIDE_MS    10000.0f
#define PATCH_MAX_UNISON      16u    /* voices stacked on one note (`unison`) */
#define PATCH_MAX_UNISON_CENTS 200.0f /* their total detune */
#define PATCH_MAX_WAVETABLES  8u     /* `wavetable` statements (one per wavetable module) */
#define PATCH_MAX_PATH        255u   /* bytes of a file name in the patch text */

/* Per-voice sources (note.*). */
typedef enum {
	NOTE_SRC_NONE = 0,
	NOTE_SRC_PITCH,    /* semitones, bend and glide included */
	NOTE_SRC_GATE,     /* 0 or 1 */
	NOTE_SRC_VELOCITY, /* note-on velocity 0..1 */
	NOTE_SRC_RANDOM,   /* -1..1, drawn for each note as it starts */
	NOTE_SRC_KEY,      /* the key number 0..127 (no bend, no glide) */
	NOTE_SRC_RELEASE,  /* release velocity 0..1 (0 until the key is released) */
	NOTE_SRC_PRESSURE, /* polyphonic aftertouch of the voice's key 0..1, smoothed (MPE: its channel's pressure) */
	NOTE_SRC_SLIDE,    /* CC 74 0..1, smoothed (MPE: its channel's, the per-note slide) */
	NOTE_SRC_UNISON,   /* the voice's place in its note's unison stack, -1..1 (0 alone) */
	NOTE_SRC_COUNT
} NoteSource;

/* Controllers (ctl.*): the plugin keeps their positions (src/lv2/run.c);
 * 0..127 are the CCs (0..31 14-bit when the LSB CC 32..63 is sent); the
 * tempo is the host's, in BPM (time:Position), not 0..1. */
enum { CTL_AFTERTOUCH = 128, CTL_BEND = 129, CTL_TEMPO = 130, CTL_COUNT = 131 };
#define CTL_TEMPO_DEFAULT 120.0f /* BPM until the host sends its transport */

typedef enum { VOICE_MODE_POLY = 0, VOICE_MODE_MONO, VOICE_MODE_LEGATO } VoiceMode;
typedef enum { PRIORITY_LAST = 0, PRIORITY_LOW, PRIORITY_HIGH } NotePriority;

/* The patch's voice statements (`voice`, `priority`, `glide`, `bend`,
 * `unison`). */
typedef struct {
	VoiceMode    mode;
	NotePriority priority;
	float        glide_ms;     /* 0: no glide */
	bool         glide_rate;   /* constant rate: glide_ms per octave; else constant time */
	bool         glide_legato; /* only between overlapping notes */
	float        bend_up, bend_down; /* semitones, 0 .. PATCH_MAX_BEND */
	unsigned     unison;       /* voices per note, 1 .. PATCH_MAX_UNISON (0 is read as 1) */
	float        unison_cents; /* their total detune, evenly spaced, centred on the key */
} PatchVoicing;

typedef struct {
	unsigned line, col; /* 1-based */
} PatchPos;

typedef struct {
	char              name[PATCH_MAX_NAME + 1];
	const ModuleType* type;
	bool              master;
	PatchPos          pos;
	/* `zone`: the module's output sounds only for keys zone_lo..zone_hi. */
	bool              zoned;
	uint8_t           zone_lo, zone_hi;
	unsigned          zone_line;
} PatchModule;

typedef enum { DST_INPUT = 0, DST_PARAM } PatchDstKind;

typedef struct {
	int          src_module; /* index into modules, or -1 for a note or controller source */
	NoteSource   src_note;   /* a note source when src_module == -1 */
	int          src_ctl;    /* else a controller (CTL_*, a CC number) when >= 0, -1 otherwise */
	int          dst_module;
	PatchDstKind dst_kind;
	unsigned     dst_index; /* input or parameter index in the type */
	float        depth;     /* 1 when the text gave none */
	bool         has_depth;
	PatchPos     pos;
} PatchConnection;

typedef struct {
	int      module;
	unsigned param;
	float    value; /* within the parameter's range */
	PatchPos pos;
} PatchSetting;

typedef struct {
	unsigned   knob; /* 1 .. PATCH_MACRO_KNOBS */
	int        module;
	unsigned   param;
	float      lo, hi; /* within the parameter's range */
	ParamCurve curve;
	PatchPos   pos;
} PatchMacro;

/* `macro <knob> "Name"`: what the musician sees on the knob. */
typedef struct {
	char     name[PATCH_MAX_KNOB_NAME + 1]; /* "" when the patch names it not */
	PatchPos pos;
} PatchKnobName;

/* `wavetable <module> "file.wav" [<samples per wave>]`: the table the
 * module plays, read when the slot is built (src/wavetable_file.c). */
typedef struct {
	int      module;
	char     path[PATCH_MAX_PATH + 1]; /* as written: relative to the patch file's folder */
	unsigned wave;                     /* samples per wave (a power of two) */
	PatchPos pos;                      /* of the file name, for the build's errors */
} PatchWavetable;

typedef struct {
	char            title[PATCH_MAX_TITLE + 1]; /* "" when no `patch` line */
	PatchModule     modules[PATCH_MAX_MODULES];
	unsigned        n_modules;
	PatchConnection connections[PATCH_MAX_CONNECTIONS];
	unsigned        n_connections;
	PatchSetting    settings[PATCH_MAX_SETTINGS];
	unsigned        n_settings;
	PatchMacro      macros[PATCH_MAX_MACROS];
	unsigned        n_macros;
	PatchKnobName   knob_names[PATCH_MACRO_KNOBS]; /* [knob - 1] */
	uint8_t         ctls[PATCH_MAX_CTLS]; /* distinct controllers the connections read (CTL ids, < 256) */
	unsigned        n_ctls;
	PatchVoicing    voicing;
	int             out_module; /* the module heard at the output */
	int             pan_module; /* the voice signal that places each voice, -1: none (mono) */
	PatchWavetable  wavetables[PATCH_MAX_WAVETABLES];
	unsigned        n_wavetables;
} Patch;

typedef struct {
	unsigned line, col; /* where; 0 when it concerns the whole text */
	char     message[256]; /* "line 4, col 8: unknown module type 'sawtooth' (did you mean 'saw'?)" */
} PatchError;

/* The one formatter of every error message (parser, compiler, build):
 * "line L, col C: <message>", or the bare message when line is 0 (the
 * text as a whole). Worker thread. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
void patch_error_set(PatchError* err, unsigned line, unsigned col, const char* fmt, ...);
void patch_error_vset(PatchError* err, unsigned line, unsigned col, const char* fmt, va_list ap);

/* Parse and validate text (not necessarily NUL-terminated). On success fills
 * *out and returns true; otherwise fills *err and returns false, and *out is
 * unspecified. Allocates nothing, prints nothing, runs in linear time. */
bool patch_parse(const char* text, size_t len, Patch* out, PatchError* err);

#endif
