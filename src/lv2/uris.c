/* SPDX-License-Identifier: ISC
 *
 * Maps the URIDs once, at instantiate (non-real-time).
 */
#include "uris.h"

void
chronus_map_uris(ChronusURIDs* u, LV2_URID_Map* map)
{
	LV2_URID_Map_Handle h = map->handle;
	u->atom_Blank               = map->map(h, LV2_ATOM__Blank);
	u->atom_Float               = map->map(h, LV2_ATOM__Float);
	u->atom_Int                 = map->map(h, LV2_ATOM__Int);
	u->atom_Object              = map->map(h, LV2_ATOM__Object);
	u->atom_Path                = map->map(h, LV2_ATOM__Path);
	u->atom_Sequence            = map->map(h, LV2_ATOM__Sequence);
	u->atom_String              = map->map(h, LV2_ATOM__String);
	u->atom_URID                = map->map(h, LV2_ATOM__URID);
	u->atom_eventTransfer       = map->map(h, LV2_ATOM__eventTransfer);
	u->bufsz_maxBlockLength     = map->map(h, LV2_BUF_SIZE__maxBlockLength);
	u->bufsz_nominalBlockLength = map->map(h, LV2_BUF_SIZE_PREFIX "nominalBlockLength");
	u->chronus_patchFile        = map->map(h, CHRONUS__patchFile);
	u->chronus_patchText        = map->map(h, CHRONUS__patchText);
	u->chronus_program          = map->map(h, CHRONUS__program);
	u->chronus_stateVersion     = map->map(h, CHRONUS__stateVersion);
	u->chronus_status           = map->map(h, CHRONUS__status);
	u->chronus_scaleFile        = map->map(h, CHRONUS__scaleFile);
	u->chronus_keymapFile       = map->map(h, CHRONUS__keymapFile);
	u->chronus_set              = map->map(h, CHRONUS__set);
	u->midi_MidiEvent           = map->map(h, LV2_MIDI__MidiEvent);
	u->param_sampleRate         = map->map(h, LV2_PARAMETERS__sampleRate);
	u->patch_Get                = map->map(h, LV2_PATCH__Get);
	u->patch_Set                = map->map(h, LV2_PATCH__Set);
	u->patch_property           = map->map(h, LV2_PATCH__property);
	u->patch_subject            = map->map(h, LV2_PATCH__subject);
	u->patch_value              = map->map(h, LV2_PATCH__value);
	u->time_Position            = map->map(h, LV2_TIME__Position);
	u->time_beatsPerMinute      = map->map(h, LV2_TIME__beatsPerMinute);
	u->atom_Double              = map->map(h, LV2_ATOM__Double);
	u->atom_Long                = map->map(h, LV2_ATOM__Long);
	u->atom_Bool                = map->map(h, LV2_ATOM__Bool);
	u->atom_Vector              = map->map(h, LV2_ATOM__Vector);
	u->chronus_graph            = map->map(h, CHRONUS__graph);
	u->chronus_scope            = map->map(h, CHRONUS__scope);
	u->chronus_scopeData        = map->map(h, CHRONUS__scopeData);
	u->chronus_spectrum         = map->map(h, CHRONUS__spectrum);
	u->chronus_spectrumData     = map->map(h, CHRONUS__spectrumData);
	u->chronus_swap             = map->map(h, CHRONUS__swap);
}
