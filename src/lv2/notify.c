/* SPDX-License-Identifier: ISC
 *
 * What the plugin tells the host on its notify port: patch:Set echoes of
 * the patch text and file, the compiled graph for the UI (docs/ui.md),
 * a status string (every patch:readable parameter of the control
 * table), the swap in progress, and for an open UI the scope and the
 * spectrum of the output. AUDIO THREAD: forging
 * writes into the host's buffer and nothing else; a message that does not
 * fit is dropped whole (the forge reports overflow), never half-written.
 */
#include "plugin.h"

#include <string.h>

void
notify_begin(Chronus* self)
{
	const uint32_t capacity = self->notify->atom.size;
	lv2_atom_forge_set_buffer(&self->forge, (uint8_t*)self->notify, capacity);
	if (!lv2_atom_forge_sequence_head(&self->forge, &self->notify_frame, 0)) {
		/* No room for even an empty sequence (capacity < 16): write
		 * nothing this block. With a zero-sized buffer every write fails,
		 * so forge_set() never adds to the frame that was not pushed. */
		lv2_atom_forge_set_buffer(&self->forge, (uint8_t*)self->notify, 0);
	}
}

/* Where the notify buffer ended before an event, to roll back to. */
typedef struct {
	uint32_t size, offset;
} NotifyMark;

/* The head of one patch:Set of property, up to its value; false when the
 * buffer is full (then set_undo). */
static bool
set_begin(Chronus* self, LV2_URID property, LV2_Atom_Forge_Frame* frame, NotifyMark* mark)
{
	LV2_Atom_Forge* forge = &self->forge;
	mark->size            = self->notify->atom.size;
	mark->offset          = forge->offset;
	return lv2_atom_forge_frame_time(forge, 0) && lv2_atom_forge_object(forge, frame, 0, self->uris.patch_Set) &&
	       lv2_atom_forge_key(forge, self->uris.patch_property) && lv2_atom_forge_urid(forge, property) &&
	       lv2_atom_forge_key(forge, self->uris.patch_value);
}

/* Out of space: roll back to the last whole event. */
static void
set_undo(Chronus* self, const NotifyMark* mark)
{
	self->notify->atom.size = mark->size;
	self->forge.offset      = mark->offset;
	self->forge.stack       = &self->notify_frame;
}

/* One patch:Set of property to a string-like value. */
static void
forge_set(Chronus* self, LV2_URID property, LV2_URID type, const char* value, uint32_t len)
{
	LV2_Atom_Forge_Frame frame;
	NotifyMark           mark;
	if (!set_begin(self, property, &frame, &mark) || !lv2_atom_forge_typed_string(&self->forge, type, value, len)) {
		set_undo(self, &mark);
		return;
	}
	lv2_atom_forge_pop(&self->forge, &frame);
}

/* The readable parameters (controls.h, PARAM_READABLE): the patch text,
 * file and tuning files of o (ANNOUNCE_VALUES) and the last status
 * (ANNOUNCE_STATUS). */
void
notify_patch_values(Chronus* self, const Outcome* o, unsigned what)
{
	if (what & ANNOUNCE_VALUES) {
		forge_set(self, self->uris.chronus_patchText, self->uris.atom_String, o->text ? o->text : "",
		          (uint32_t)o->text_len);
		forge_set(self, self->uris.chronus_patchFile, self->uris.atom_Path, o->path, (uint32_t)strlen(o->path));
		forge_set(self, self->uris.chronus_scaleFile, self->uris.atom_Path, o->scale_path,
		          (uint32_t)strlen(o->scale_path));
		forge_set(self, self->uris.chronus_keymapFile, self->uris.atom_Path, o->keymap_path,
		          (uint32_t)strlen(o->keymap_path));
		if (o->graph_len) { /* the worker wrote it; copied from its buffer */
			forge_set(self, self->uris.chronus_graph, self->uris.atom_String, o->graph, o->graph_len);
		}
	}
	if (what & ANNOUNCE_STATUS) {
		notify_status(self, self->status);
	}
}

/* One patch:Set chronus:scopeData of n floats (scope.c). */
void
notify_scope(Chronus* self, const float* samples, uint32_t n)
{
	notify_floats(self, self->uris.chronus_scopeData, samples, n);
}

void
notify_floats(Chronus* self, LV2_URID key, const float* samples, uint32_t n)
{
	LV2_Atom_Forge_Frame frame;
	NotifyMark           mark;
	if (!set_begin(self, key, &frame, &mark) ||
	    !lv2_atom_forge_vector(&self->forge, sizeof(float), self->uris.atom_Float, n, samples)) {
		set_undo(self, &mark);
		return;
	}
	lv2_atom_forge_pop(&self->forge, &frame);
}

void
notify_float(Chronus* self, LV2_URID key, float value)
{
	LV2_Atom_Forge_Frame frame;
	NotifyMark           mark;
	if (!set_begin(self, key, &frame, &mark) || !lv2_atom_forge_float(&self->forge, value)) {
		set_undo(self, &mark);
		return;
	}
	lv2_atom_forge_pop(&self->forge, &frame);
}

void
notify_status(Chronus* self, const char* text)
{
	forge_set(self, self->uris.chronus_status, self->uris.atom_String, text, (uint32_t)strlen(text));
}
