/* SPDX-License-Identifier: ISC
 *
 * Why a patch that built is silent at warm-up, in words a patch writer can
 * act on. A silent warm-up is not an error (a swell with its level on a
 * macro at 0 is valid): the slot swaps in and the status carries this
 * reason as a warning. WORKER THREAD; reads the parsed patch only.
 */
#ifndef CHRONUS_SILENCE_REASON_H
#define CHRONUS_SILENCE_REASON_H

#include "patch.h"

#include <stddef.h>

/* Writes the likely reason to out (cap bytes), e.g. "vca 'amp' has nothing
 * on its gain input: connect an envelope, e.g. `connect env amp.gain`",
 * found by walking the signal path back from the output module: an input
 * with nothing on it, a level or gain at 0 (set so, by default, or by a
 * macro knob's position), a filter far from the test note. macros holds
 * the knob positions (0..1) the slot was built with, note_hz the test
 * note's frequency. */
void silence_reason(const Patch* patch, const float macros[PATCH_MACRO_KNOBS], double note_hz, char* out,
                    size_t cap);

#endif
