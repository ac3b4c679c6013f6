/* SPDX-License-Identifier: ISC
 *
 * The host's part for programs that load the UI alone (ui_feed.h).
 */
#include "ui_feed.h"

#include <lv2/atom/forge.h>
#include <lv2/patch/patch.h>

#include <stdlib.h>
#include <string.h>

static char*    uris[64];
static unsigned n_uris;

static LV2_URID
map_uri(LV2_URID_Map_Handle h, const char* uri)
{
	(void)h;
	for (unsigned i = 0; i < n_uris; ++i) {
		if (!strcmp(uris[i], uri)) {
			return i + 1;
		}
	}
	if (n_uris == 64) {
		return 0;
	}
	uris[n_uris] = strdup(uri);
	return ++n_uris;
}

LV2_URID_Map ui_feed_map = {NULL, map_uri};

LV2_URID
ui_feed_urid(const char* uri)
{
	return map_uri(NULL, uri);
}

void
ui_feed_free(void)
{
	for (unsigned i = 0; i < n_uris; ++i) {
		free(uris[i]);
	}
	n_uris = 0;
}

const LV2_Atom*
ui_feed_set(uint8_t* buf, size_t cap, const char* key, const char* text, const float* v, uint32_t n)
{
	LV2_Atom_Forge forge;
	lv2_atom_forge_init(&forge, &ui_feed_map);
	lv2_atom_forge_set_buffer(&forge, buf, cap);
	LV2_Atom_Forge_Frame f;
	LV2_Atom* a = (LV2_Atom*)lv2_atom_forge_deref(&forge, lv2_atom_forge_object(&forge, &f, 0, map_uri(NULL, LV2_PATCH__Set)));
	lv2_atom_forge_key(&forge, map_uri(NULL, LV2_PATCH__property));
	lv2_atom_forge_urid(&forge, map_uri(NULL, key));
	lv2_atom_forge_key(&forge, map_uri(NULL, LV2_PATCH__value));
	if (text) {
		lv2_atom_forge_string(&forge, text, (uint32_t)strlen(text));
	} else {
		lv2_atom_forge_vector(&forge, sizeof(float), map_uri(NULL, LV2_ATOM__Float), n, v);
	}
	lv2_atom_forge_pop(&forge, &f);
	return a;
}
