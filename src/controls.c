/* SPDX-License-Identifier: ISC
 *
 * The control table's data (see controls.h) and the clamp every thread
 * uses on a host value. Pure functions: safe in run().
 */
#include "controls.h"

#include <math.h>
#include <string.h>

#define CTRL_SPEC_ENTRY(id, sym, nm, lo, hi, dv, un, fl, gr, doc) {sym, nm, lo, hi, dv, un, fl, gr, doc},
const ControlSpec controls[CTRL_COUNT] = {CHRONUS_CONTROLS(CTRL_SPEC_ENTRY)};
#undef CTRL_SPEC_ENTRY

const ControlGroupSpec control_groups[GROUP_COUNT] = {
	[GROUP_PATCH]  = {"patch", "patchGroup", "Patch", false},
	[GROUP_MACROS] = {"macros", "macros", "Macros", false},
	[GROUP_STATUS] = {"status", "statusGroup", "Status", true},
};

const ControlUnitSpec control_units[UNIT_COUNT] = {
	[UNIT_DB]      = {"db", "units:db", "dB", "dB", NULL},
	[UNIT_MS]      = {"ms", "units:ms", "ms", "ms", NULL},
	/* A macro knob's position, not a gain: Ardour prints units:coef as
	 * "* 0.500" and Carla as "(coef)". */
	[UNIT_KNOB]    = {"knob", NULL, "0..1", "", "%.2f"},
	[UNIT_VOICE]   = {"voice", NULL, "voices", "voices", "%.0f voices"},
	[UNIT_SLOT]    = {"slot", NULL, "slot", "slot", "slot %.0f"},
	[UNIT_PROGRAM] = {"programNumber", NULL, "program", "program", "program %.0f"},
	[UNIT_LINE]    = {"line", NULL, "line", "line", "line %.0f"},
	[UNIT_COLUMN]  = {"column", NULL, "column", "column", "col %.0f"},
	[UNIT_FLAG]    = {"flag", NULL, "on/off", "on/off", "%.0f"},
	[UNIT_SEMITONE] = {"semitone12TET", "units:semitone12TET", "semitones", "semitones", "%.0f"},
	/* Not units:midiNote: its render, "MIDI note %d", is printed as
	 * garbage by hosts that pass a double (Ardour 7). */
	[UNIT_NOTE]     = {"key", NULL, "MIDI key", "key", "key %.0f"},
	[UNIT_HZ]       = {"hz", "units:hz", "Hz", "Hz", "%.2f Hz"},
	[UNIT_CHANNEL]  = {"channels", NULL, "MIDI channels", "ch", "%.0f ch"},
	[UNIT_PORT]     = {"udpPort", NULL, "UDP port", "", "port %.0f"},
};

const ParameterSpec parameters[PARAM_COUNT] = {
	[PARAM_PATCH_TEXT] = {"patchText", "Patch text", "atom:String", PARAM_READABLE | PARAM_ACCEPTED | PARAM_SAVED,
	                      "The patch, in the Chronus patch language (docs/patch-language.md). A patch:Set of it on "
	                      "the control port builds the patch in the worker and crossfades to it. Not advertised as "
	                      "writable: generic host UIs cannot edit a text language (Ardour 7 draws a dead slider)."},
	[PARAM_PATCH_FILE] = {"patchFile", "Patch file", "atom:Path",
	                      PARAM_WRITABLE | PARAM_READABLE | PARAM_ACCEPTED | PARAM_SAVED,
	                      "A file holding a patch in the Chronus patch language."},
	[PARAM_STATUS]     = {"status", "Status", "atom:String", PARAM_READABLE,
	                      "The outcome of the last patch build: name and prime time, or the error with its line "
	                      "and column."},
	[PARAM_STATE_VERSION] = {"stateVersion", "State version", "xsd:int", PARAM_SAVED | PARAM_STATE,
	                         "The version of the saved state's layout; a newer one is refused, not misread."},
	[PARAM_PROGRAM] = {"program", "Program in effect", "xsd:int", PARAM_SAVED | PARAM_STATE,
	                   "The program port value the saved patch went with, so restoring the port does not load "
	                   "the factory patch over the saved one."},
	[PARAM_SCALE_FILE] = {"scaleFile", "Scale (.scl)", "atom:Path",
	                      PARAM_WRITABLE | PARAM_READABLE | PARAM_ACCEPTED | PARAM_SAVED,
	                      "A Scala scale file (.scl): every key plays its degree (docs/tuning.md). An empty path "
	                      "returns to twelve-tone equal temperament."},
	[PARAM_KEYMAP_FILE] = {"keymapFile", "Keyboard map (.kbm)", "atom:Path",
	                       PARAM_WRITABLE | PARAM_READABLE | PARAM_ACCEPTED | PARAM_SAVED,
	                       "A Scala keyboard map (.kbm): which key plays which degree, and the reference key and "
	                       "frequency. An empty path returns to the linear map of the tuning ports."},
	[PARAM_SET] = {"set", "Set a module parameter", "atom:String", PARAM_ACCEPTED,
	               "One parameter of the playing patch, as a `set` statement writes it: \"vcf.cutoff 800\". "
	               "It moves at the event's frame through the parameter's smoothing, without a rebuild, and is "
	               "written into the patch text that the next rebuild, the saved state and presets keep "
	               "(docs/live.md)."},
	[PARAM_GRAPH] = {"graph", "Compiled graph", "atom:String", PARAM_READABLE,
	                 "The patch as it was compiled, for the plugin's UI: the modules that run, their wires "
	                 "and depths, the output and the macro bindings, one record per line (docs/ui.md). Sent "
	                 "after each swap and on patch:Get."},
	[PARAM_SCOPE] = {"scope", "Scope on", "xsd:boolean", PARAM_ACCEPTED,
	                 "true: the plugin sends a decimated block of its output (chronus:scopeData, an atom:Vector "
	                 "of floats) at most 30 times a second, for the UI's scope; false stops it (docs/ui.md)."},
	[PARAM_SPECTRUM] = {"spectrum", "Spectrum on", "xsd:boolean", PARAM_ACCEPTED,
	                    "true: the plugin sends 2048 contiguous frames of its output (the mean of both channels, "
	                    "chronus:spectrumData, an atom:Vector of floats after the sample rate) at most 15 times a "
	                    "second, for the UI's spectrum; false stops it (docs/ui.md)."},
};

float
control_max(ControlId id, unsigned n_programs)
{
	if (controls[id].flags & CTRL_PROGRAMS) {
		return n_programs ? (float)(n_programs - 1) : 0.0f;
	}
	return controls[id].max;
}

float
control_clamp(ControlId id, float value, float previous, unsigned n_programs)
{
	const ControlSpec* c = &controls[id];
	if (!isfinite(value)) {
		return previous;
	}
	if (c->flags & (CTRL_INTEGER | CTRL_TOGGLED)) {
		value = roundf(value);
	}
	const float hi = control_max(id, n_programs);
	return value < c->min ? c->min : (value > hi ? hi : value);
}

int
control_find(const char* symbol)
{
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		if (!strcmp(controls[i].symbol, symbol)) {
			return (int)i;
		}
	}
	return -1;
}
