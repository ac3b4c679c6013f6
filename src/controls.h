/* SPDX-License-Identifier: ISC
 *
 * The one table of everything a host sees of Chronus besides audio and the
 * two atom ports: every control port (symbol, name, range, default, unit,
 * port properties, group, whether a change rebuilds the patch, whether the
 * host saves it) and every patch parameter and state property. The Turtle
 * (tools/gen_controls.c prints it at build time), the clamping in run(),
 * the state snapshot, the build defaults, the preset port values, the
 * README's list of controls and the host tests all read it.
 *
 * Adding a control port is one line of CHRONUS_CONTROLS (appended, so port
 * indices stay stable) plus its behaviour in src/lv2/run.c. Plain data: no
 * LV2 header, so the engine (build_slot.c) reads its defaults too.
 */
#ifndef CHRONUS_CONTROLS_H
#define CHRONUS_CONTROLS_H

#include <stdbool.h>
#include <stdint.h>

/* Port properties and behaviour of a control port. */
enum {
	CTRL_IN          = 1u << 0, /* input: the host writes it (and saves it in sessions and presets) */
	CTRL_OUT         = 1u << 1, /* output: the plugin reports it */
	CTRL_INTEGER     = 1u << 2, /* lv2:integer: run() rounds it */
	CTRL_ENUMERATION = 1u << 3, /* lv2:enumeration */
	CTRL_TOGGLED     = 1u << 4, /* lv2:toggled */
	CTRL_LOGARITHMIC = 1u << 5, /* pprop:logarithmic */
	CTRL_REBUILDS    = 1u << 6, /* a change rebuilds the patch in the worker */
	CTRL_PROGRAMS    = 1u << 7, /* range and scale points: the factory programs */
	CTRL_CUSTOM      = 1u << 8, /* with CTRL_PROGRAMS: -1 is CTRL_CUSTOM_LABEL */
	CTRL_PRESET      = 1u << 9, /* every factory preset sets it to its default */
};

/* Port groups (pg:Group); every control port is in one. */
typedef enum { GROUP_PATCH = 0, GROUP_MACROS, GROUP_STATUS, GROUP_COUNT } ControlGroup;

/* Units: the LV2 units spec's where it has one, Chronus's own otherwise. */
typedef enum { UNIT_DB = 0, UNIT_MS, UNIT_KNOB, UNIT_VOICE, UNIT_SLOT, UNIT_PROGRAM, UNIT_LINE, UNIT_COLUMN,
               UNIT_FLAG, UNIT_SEMITONE, UNIT_NOTE, UNIT_HZ, UNIT_CHANNEL, UNIT_PORT, UNIT_COUNT } ControlUnit;

/* X(ID, symbol, name, min, max, default, unit, flags, group, comment).
 * The order is the port order (from CTRL_FIRST_PORT); append new ports. */
#define CHRONUS_CONTROLS(X)                                                                                     \
	X(VOLUME, "volume", "Volume", -80.0f, 12.0f, 0.0f, UNIT_DB, CTRL_IN, GROUP_PATCH,                            \
	  "Output level, smoothed.")                                                                                 \
	X(CROSSFADE, "crossfade", "Crossfade", 5.0f, 2000.0f, 30.0f, UNIT_MS, CTRL_IN | CTRL_LOGARITHMIC,     \
	  GROUP_PATCH, "Length of the crossfade to a newly built patch.")                               \
	X(POLYPHONY, "polyphony", "Polyphony", 1.0f, 64.0f, 16.0f, UNIT_VOICE, CTRL_IN | CTRL_INTEGER | CTRL_REBUILDS, \
	  GROUP_PATCH, "Notes at once (a unison stack is one note); a change rebuilds the patch in the worker.")   \
	X(MACRO1, "macro1", "Macro 1", 0.0f, 1.0f, 0.5f, UNIT_KNOB, CTRL_IN | CTRL_PRESET, GROUP_MACROS,                           \
	  "Macro knob 1: sweeps whatever the patch binds to it with `macro 1`.")                                    \
	X(MACRO2, "macro2", "Macro 2", 0.0f, 1.0f, 0.5f, UNIT_KNOB, CTRL_IN | CTRL_PRESET, GROUP_MACROS,                           \
	  "Macro knob 2: sweeps whatever the patch binds to it with `macro 2`.")                                    \
	X(MACRO3, "macro3", "Macro 3", 0.0f, 1.0f, 0.5f, UNIT_KNOB, CTRL_IN | CTRL_PRESET, GROUP_MACROS,                           \
	  "Macro knob 3: sweeps whatever the patch binds to it with `macro 3`.")                                    \
	X(MACRO4, "macro4", "Macro 4", 0.0f, 1.0f, 0.5f, UNIT_KNOB, CTRL_IN | CTRL_PRESET, GROUP_MACROS,                           \
	  "Macro knob 4: sweeps whatever the patch binds to it with `macro 4`.")                                    \
	X(MACRO5, "macro5", "Macro 5", 0.0f, 1.0f, 0.5f, UNIT_KNOB, CTRL_IN | CTRL_PRESET, GROUP_MACROS,                           \
	  "Macro knob 5: sweeps whatever the patch binds to it with `macro 5`.")                                    \
	X(MACRO6, "macro6", "Macro 6", 0.0f, 1.0f, 0.5f, UNIT_KNOB, CTRL_IN | CTRL_PRESET, GROUP_MACROS,                           \
	  "Macro knob 6: sweeps whatever the patch binds to it with `macro 6`.")                                    \
	X(MACRO7, "macro7", "Macro 7", 0.0f, 1.0f, 0.5f, UNIT_KNOB, CTRL_IN | CTRL_PRESET, GROUP_MACROS,                           \
	  "Macro knob 7: sweeps whatever the patch binds to it with `macro 7`.")                                    \
	X(MACRO8, "macro8", "Macro 8", 0.0f, 1.0f, 0.5f, UNIT_KNOB, CTRL_IN | CTRL_PRESET, GROUP_MACROS,                           \
	  "Macro knob 8: sweeps whatever the patch binds to it with `macro 8`.")                                    \
	X(ACTIVE_SLOT, "active_slot", "Active slot", 0.0f, 1.0f, 0.0f, UNIT_SLOT, CTRL_OUT | CTRL_INTEGER,           \
	  GROUP_STATUS, "Which of the two slots plays; flips at each completed swap.")                              \
	X(PRIME_MS, "prime_ms", "Prime time", 0.0f, 1000.0f, 0.0f, UNIT_MS, CTRL_OUT, GROUP_STATUS,             \
	  "Worker CPU time of the last successful build, warm-up included.")                                        \
	X(ERROR, "error", "Patch error", 0.0f, 1.0f, 0.0f, UNIT_FLAG, CTRL_OUT | CTRL_TOGGLED, GROUP_STATUS,         \
	  "1 when the last patch request was rejected; Error line and Error column say where, the status why.")     \
	X(PROGRAM, "program", "Program", 0.0f, 0.0f, 0.0f, UNIT_PROGRAM,                                             \
	  CTRL_IN | CTRL_INTEGER | CTRL_ENUMERATION | CTRL_PROGRAMS, GROUP_PATCH,                                   \
	  "A factory patch; changing it swaps patches through the worker, with a crossfade.")                       \
	X(ERROR_LINE, "error_line", "Error line", 0.0f, 65536.0f, 0.0f, UNIT_LINE, CTRL_OUT | CTRL_INTEGER,          \
	  GROUP_STATUS, "Line of the last rejected patch's error; 0 when there is none or it concerns the whole text.") \
	X(ERROR_COLUMN, "error_column", "Error column", 0.0f, 65536.0f, 0.0f, UNIT_COLUMN, CTRL_OUT | CTRL_INTEGER,  \
	  GROUP_STATUS, "Column of the last rejected patch's error; 0 when there is none.")                         \
	X(PLAYING, "playing", "Playing", -1.0f, 0.0f, 0.0f, UNIT_PROGRAM,                                           \
	  CTRL_OUT | CTRL_INTEGER | CTRL_ENUMERATION | CTRL_PROGRAMS | CTRL_CUSTOM, GROUP_STATUS,                   \
	  "The factory program that plays, or Custom after a patch text, file or state that is not one.")   \
	X(LIMITER, "limiter", "Limiter", 0.0f, 1.0f, 1.0f, UNIT_FLAG, CTRL_IN | CTRL_TOGGLED, GROUP_PATCH,             \
	  "Output safety limiter: no latency, leaves anything under -3 dBFS untouched, keeps peaks under -1 dBFS.") \
	X(BEND_UP, "bend_up", "Bend up", -1.0f, 48.0f, -1.0f, UNIT_SEMITONE, CTRL_IN | CTRL_INTEGER,          \
	  GROUP_PATCH, "Pitch wheel range up; -1: as the patch says (its `bend` statement, else 2).")              \
	X(BEND_DOWN, "bend_down", "Bend down", -1.0f, 48.0f, -1.0f, UNIT_SEMITONE, CTRL_IN | CTRL_INTEGER,    \
	  GROUP_PATCH, "Pitch wheel range down; -1: as the patch says (its `bend` statement, else 2).")            \
	X(GLIDE, "glide", "Glide time", -1.0f, 2000.0f, -1.0f, UNIT_MS, CTRL_IN, GROUP_PATCH,                       \
	  "Glide (portamento) time; -1: as the patch says (its `glide` statement, else none).")                  \
	X(TUNE_KEY, "tune_key", "Tuning key", 0.0f, 127.0f, 60.0f, UNIT_NOTE, CTRL_IN | CTRL_INTEGER | CTRL_REBUILDS, \
	  GROUP_PATCH, "The key of the scale's first degree, tuned to the tuning frequency (unless a keyboard map is loaded: it says).") \
	X(TUNE_HZ, "tune_hz", "Tuning freq", 8.0f, 20000.0f, 261.625565f, UNIT_HZ,                            \
	  CTRL_IN | CTRL_LOGARITHMIC | CTRL_REBUILDS, GROUP_PATCH,                                                  \
	  "The tuning key's frequency (261.63 Hz: middle C of A4 = 440 Hz; 256.87 Hz: A4 = 432 Hz), unless a keyboard map is loaded.") \
	X(MPE_LOWER, "mpe_lower", "MPE lower", 0.0f, 15.0f, 0.0f, UNIT_CHANNEL, CTRL_IN | CTRL_INTEGER,      \
	  GROUP_PATCH, "MPE lower zone: member channels 2 .. 1+N, master channel 1; 0: off. An MPE Configuration Message sets the zones too.") \
	X(MPE_UPPER, "mpe_upper", "MPE upper", 0.0f, 15.0f, 0.0f, UNIT_CHANNEL, CTRL_IN | CTRL_INTEGER,      \
	  GROUP_PATCH, "MPE upper zone: member channels 16-N .. 15, master channel 16; 0: off.")                   \
	X(MPE_BEND, "mpe_bend", "MPE bend", 0.0f, 96.0f, 48.0f, UNIT_SEMITONE, CTRL_IN | CTRL_INTEGER,                  \
	  GROUP_PATCH, "Per-note pitch bend range of the MPE member channels, up and down; RPN 0 on a member channel sets it too.") \
	X(HOT_RELOAD, "hot_reload", "Hot reload", 0.0f, 1.0f, 1.0f, UNIT_FLAG, CTRL_IN | CTRL_TOGGLED, GROUP_PATCH,   \
	  "Reload the patch file when it changes on disk (checked every 100 ms): save in the editor, hear it.")   \
	X(OSC_PORT, "osc_port", "OSC port", 0.0f, 65535.0f, 0.0f, UNIT_PORT, CTRL_IN | CTRL_INTEGER, GROUP_PATCH,      \
	  "UDP port of the OSC server on 127.0.0.1 (docs/osc.md); 0: off. A port in use is reported on the status.")

#define CTRL_ENUM_ENTRY(id, ...) CTRL_##id,
typedef enum { CHRONUS_CONTROLS(CTRL_ENUM_ENTRY) CTRL_COUNT } ControlId;
#undef CTRL_ENUM_ENTRY

#define CTRL_FIRST_PORT 4u /* ports 0-3: atom control, atom notify, audio left, audio right */
#define CTRL_CUSTOM_PATCH (-1.0f) /* the PLAYING value of a patch that is no factory program */
#define CTRL_CUSTOM_LABEL "Custom" /* its scale point label: short, so jalv.qt5's dial label shows it whole */

typedef struct {
	const char*  symbol;
	const char*  name;
	float        min, max, def; /* CTRL_PROGRAMS: max comes from control_max() */
	ControlUnit  unit;
	unsigned     flags;
	ControlGroup group;
	const char*  comment;
} ControlSpec;

typedef struct {
	const char* symbol;
	const char* fragment; /* URI: CHRONUS_URI "#" fragment */
	const char* name;
	bool        output;   /* pg:OutputGroup, else pg:InputGroup */
} ControlGroupSpec;

typedef struct {
	const char* symbol;   /* the unit's URI fragment for Chronus's own units */
	const char* lv2;      /* "units:db", or NULL for Chronus's own */
	const char* label;    /* for docs and rdfs:label */
	const char* abbrev;   /* units:symbol: what Carla prints after a value ("" for nothing) */
	const char* render;   /* units:render: a printf format of a float (hosts pass a double; Ardour 7 prints "%d" as garbage) */
} ControlUnitSpec;

extern const ControlSpec      controls[CTRL_COUNT];
extern const ControlGroupSpec control_groups[GROUP_COUNT];
extern const ControlUnitSpec  control_units[UNIT_COUNT];

static inline unsigned control_port(ControlId id) { return CTRL_FIRST_PORT + (unsigned)id; }

/* The port's maximum, given how many factory programs there are. */
float control_max(ControlId id, unsigned n_programs);
/* A host value made legal: NaN/Inf keep previous, then clamped, rounded if integer. */
float control_clamp(ControlId id, float value, float previous, unsigned n_programs);
/* The control with this symbol, or -1. */
int   control_find(const char* symbol);

/* Patch parameters (LV2 Parameters on the atom ports) and state properties. */
enum {
	PARAM_WRITABLE = 1u << 0, /* advertised patch:writable: generic UIs draw a widget for it */
	PARAM_READABLE = 1u << 1, /* advertised patch:readable: announced with patch:Set on notify */
	PARAM_ACCEPTED = 1u << 2, /* accepted as patch:Set on the control port */
	PARAM_SAVED    = 1u << 3, /* stored by save() */
	PARAM_STATE    = 1u << 4, /* a state property only (rdf:Property), not an lv2:Parameter */
};

typedef struct {
	const char* fragment; /* URI: CHRONUS_URI "#" fragment */
	const char* label;
	const char* range;    /* "atom:String", "atom:Path", "xsd:int" */
	unsigned    flags;
	const char* comment;
} ParameterSpec;

typedef enum { PARAM_PATCH_TEXT = 0, PARAM_PATCH_FILE, PARAM_STATUS, PARAM_STATE_VERSION, PARAM_PROGRAM,
               PARAM_SCALE_FILE, PARAM_KEYMAP_FILE, PARAM_SET, PARAM_GRAPH, PARAM_SCOPE,
               PARAM_SPECTRUM, PARAM_COUNT } ParameterId;

extern const ParameterSpec parameters[PARAM_COUNT];

#endif
