/* SPDX-License-Identifier: ISC
 *
 * Parameter smoothing. Every continuous module parameter in a slot is one
 * ParamState: a target set by `set`, a macro or a host change, and an
 * S-shaped ramp (smoothstep: no corner where it starts or ends, so no click
 * even on a pure sine) towards it that lasts the parameter's smoothing time
 * whatever the size of the jump. Exponential-curve parameters (cutoff, rate) ramp in the log
 * domain so a sweep sounds even. The ramp advances per sample, so the values
 * do not depend on how the host splits its blocks.
 */
#ifndef CHRONUS_PARAMS_H
#define CHRONUS_PARAMS_H

#include "dsp/module.h"

#include <stdbool.h>

typedef struct {
	const ParamSpec* spec;
	float            value;     /* current value, in the smoothing domain */
	float            target;    /* in the smoothing domain */
	float            start;     /* where the ramp began */
	unsigned         remaining; /* samples left in the ramp */
	unsigned         ramp_len;  /* samples a ramp lasts (smooth_ms at the rate) */
	bool             log_domain;
	bool             filled;    /* buf holds `value` for a whole sub-block */
	bool             spread;    /* the slot's lane copy of buf is current (slot.c) */
	float            buf[CHRONUS_SUBBLOCK];
} ParamState;

/* Worker thread: bind to a spec, at rate, starting settled at value. */
void param_init(ParamState* p, const ParamSpec* spec, double rate, float value);

/* Any thread owning the slot: a new target, clamped to the spec's range.
 * With snap, the value jumps there (a slot not yet audible). */
void param_set(ParamState* p, float value, bool snap);

/* Audio thread: the next n values in p->buf (n <= CHRONUS_SUBBLOCK). */
void param_render(ParamState* p, unsigned n);

/* The target in the parameter's own unit. */
float param_target(const ParamState* p);

#endif
