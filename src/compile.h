/* SPDX-License-Identifier: ISC
 *
 * The graph compiler: a validated Patch becomes a Slot (slot.h) — modules
 * that reach the output in topological order, inputs and modulations
 * resolved to buffers, buffers reused once their last reader has run, and
 * everything in one arena of exactly computed size. Worker thread only.
 */
#ifndef CHRONUS_COMPILE_H
#define CHRONUS_COMPILE_H

#include "patch.h"
#include "slot.h"

/* Returns a new slot (free with slot_free, slot.h) or NULL with *err filled: a
 * cycle ("line 9, col 1: connection makes a cycle (for feedback use
 * delay.feedback, comb or pluck): vcf -> lfo -> vcf"),
 * a polyphony out of range, or no memory. */
Slot* compile_patch(const Patch* patch, double rate, unsigned polyphony, PatchError* err);

/* The same with the vector path chosen (compile_patch: SIMD_AUTO). */
Slot* compile_patch_simd(const Patch* patch, double rate, unsigned polyphony, SimdMode simd,
                         PatchError* err);

#endif
