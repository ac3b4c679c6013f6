/* SPDX-License-Identifier: ISC
 *
 * Every URI the plugin uses, and the URIDs struct mapped once at
 * instantiate (fields named after the URI, as in the LV2 examples).
 */
#ifndef CHRONUS_URIS_H
#define CHRONUS_URIS_H

#include "chronus_config.h"

#include <lv2/atom/atom.h>
#include <lv2/log/log.h>
#include <lv2/midi/midi.h>
#include <lv2/parameters/parameters.h>
#include <lv2/patch/patch.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/options/options.h>
#include <lv2/time/time.h>

#define CHRONUS__patchText CHRONUS_URI "#patchText"
#define CHRONUS__patchFile CHRONUS_URI "#patchFile"
#define CHRONUS__status    CHRONUS_URI "#status"
#define CHRONUS__stateVersion CHRONUS_URI "#stateVersion"
#define CHRONUS__program      CHRONUS_URI "#program"
#define CHRONUS__scaleFile    CHRONUS_URI "#scaleFile"
#define CHRONUS__keymapFile   CHRONUS_URI "#keymapFile"
#define CHRONUS__set          CHRONUS_URI "#set"
#define CHRONUS__graph        CHRONUS_URI "#graph"
#define CHRONUS__scope        CHRONUS_URI "#scope"
#define CHRONUS__scopeData    CHRONUS_URI "#scopeData"
#define CHRONUS__spectrum     CHRONUS_URI "#spectrum"
#define CHRONUS__spectrumData CHRONUS_URI "#spectrumData"
#define CHRONUS__swap         CHRONUS_URI "#swap"

typedef struct {
	LV2_URID atom_Blank;
	LV2_URID atom_Float;
	LV2_URID atom_Int;
	LV2_URID atom_Object;
	LV2_URID atom_Path;
	LV2_URID atom_Sequence;
	LV2_URID atom_String;
	LV2_URID atom_URID;
	LV2_URID atom_eventTransfer;
	LV2_URID bufsz_maxBlockLength;
	LV2_URID bufsz_nominalBlockLength;
	LV2_URID chronus_patchFile;
	LV2_URID chronus_patchText;
	LV2_URID chronus_program;
	LV2_URID chronus_stateVersion;
	LV2_URID chronus_status;
	LV2_URID chronus_scaleFile;
	LV2_URID chronus_keymapFile;
	LV2_URID chronus_set;
	LV2_URID midi_MidiEvent;
	LV2_URID param_sampleRate;
	LV2_URID patch_Get;
	LV2_URID patch_Set;
	LV2_URID patch_property;
	LV2_URID patch_subject;
	LV2_URID patch_value;
	LV2_URID time_Position;
	LV2_URID time_beatsPerMinute;
	LV2_URID atom_Double;
	LV2_URID atom_Long;
	LV2_URID atom_Bool;
	LV2_URID atom_Vector;
	LV2_URID chronus_graph;
	LV2_URID chronus_scope;
	LV2_URID chronus_scopeData;
	LV2_URID chronus_spectrum;
	LV2_URID chronus_spectrumData;
	LV2_URID chronus_swap;
} ChronusURIDs;

void chronus_map_uris(ChronusURIDs* uris, LV2_URID_Map* map);

#endif
