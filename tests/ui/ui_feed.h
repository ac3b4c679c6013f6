/* SPDX-License-Identifier: ISC
 *
 * What a host gives the UI in the programs that load chronus_ui.so alone
 * (ui_cycles.c, the test; tools/ui_bench.c, the bench): a URID map, and
 * the patch:Set messages the plugin sends it. One copy, so the test and
 * the bench feed the UI the same atoms.
 */
#ifndef CHRONUS_UI_FEED_H
#define CHRONUS_UI_FEED_H

#include <lv2/atom/atom.h>
#include <lv2/urid/urid.h>

#include <stddef.h>
#include <stdint.h>

/* The map (URIDs from 1, up to 64 URIs; 0 past them). */
extern LV2_URID_Map ui_feed_map;
LV2_URID            ui_feed_urid(const char* uri);
/* Frees the URIs mapped (LeakSanitizer checks the test). */
void ui_feed_free(void);

/* patch:Set of key to text (a string), or, with text NULL, to the n floats
 * of v (a vector), forged into buf. */
const LV2_Atom* ui_feed_set(uint8_t* buf, size_t cap, const char* key, const char* text, const float* v, uint32_t n);

#endif
