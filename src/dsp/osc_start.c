/* SPDX-License-Identifier: ISC
 *
 * The names of the oscillators' start-phase choices (osc_common.h), one
 * copy for every oscillator's `start` parameter.
 */
#include "dsp/osc_common.h"

const char* const osc_start_choices[] = {"reset", "random", "free", NULL};
