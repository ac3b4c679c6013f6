/* SPDX-License-Identifier: ISC
 *
 * A swap to the same patch (a polyphony change, the same text sent again):
 * the new slot takes over the playing slot's voices as they are, so the two
 * render the same samples and the crossfade between them is inaudible.
 * AUDIO THREAD: no allocation, lock or stdio.
 */
#ifndef CHRONUS_HANDOVER_H
#define CHRONUS_HANDOVER_H

#include "slot.h"

#include <stdbool.h>

/* Whether dst and src were compiled to the same plan and state layout
 * (module types, state offsets, lane groups, parameters), so that module
 * states, voices and parameters can be copied from one to the other. The
 * polyphony may differ. */
bool handover_same_layout(const Slot* dst, const Slot* src);

/* Copies src's voices (those whose index exists in dst, with their lane
 * groups' module states), master module states, parameter states, pedal,
 * bend and sample clock into dst, a primed slot nobody renders yet. Returns
 * false, copying nothing, when the layouts differ. */
bool handover_copy_voices(Slot* dst, const Slot* src);

#endif
