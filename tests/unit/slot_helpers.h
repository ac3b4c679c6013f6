/* SPDX-License-Identifier: ISC
 *
 * What the unit tests that build a whole slot from patch text share
 * (test_compile.c, test_unison.c): compile a text, count the voices that
 * sound, render in blocks of a chosen size. One copy, so a change of how
 * a test slot is made or run is made once.
 */
#ifndef CHRONUS_TEST_SLOT_HELPERS_H
#define CHRONUS_TEST_SLOT_HELPERS_H

#include "compile.h"
#include "slot_impl.h"

#include <stdlib.h>
#include <string.h>

/* Patch text to a slot on the given vector path; NULL and *err if the text
 * does not parse or compile. */
static inline Slot*
slot_from_text(const char* text, double rate, unsigned polyphony, SimdMode simd, PatchError* err)
{
	Patch* p = malloc(sizeof(Patch));
	Slot*  s = NULL;
	if (patch_parse(text, strlen(text), p, err)) {
		s = compile_patch_simd(p, rate, polyphony, simd, err);
	}
	free(p);
	return s;
}

/* Voices playing and not being stolen. */
static inline unsigned
live_voices(const Slot* s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		n += s->voices[i].phase != VOICE_IDLE && !s->voices[i].stolen;
	}
	return n;
}

/* Renders n frames in calls of `block` (at most 512) into left/right
 * (NULL: dropped). */
static inline void
render_blocks(Slot* s, float* left, float* right, unsigned n, unsigned block)
{
	float sl[512], sr[512];
	while (n) {
		const unsigned m = n < block ? n : block;
		slot_render(s, left ? left : sl, right ? right : sr, m);
		left  = left ? left + m : NULL;
		right = right ? right + m : NULL;
		n -= m;
	}
}

#endif
