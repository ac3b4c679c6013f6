/* SPDX-License-Identifier: ISC
 *
 * The control ports as the UI shows them: ranges from the control table's
 * X-macro (controls.h), expanded here so the UI links none of the engine.
 */
#include "ui_state.h"

#include <math.h>

typedef struct {
	const char* symbol;
	float       min, max, def;
	unsigned    flags;
} Range;

#define RANGE_ENTRY(id, sym, name, mn, mx, df, unit, fl, group, comment) [CTRL_##id] = {sym, mn, mx, df, fl},
static const Range ranges[CTRL_COUNT] = {CHRONUS_CONTROLS(RANGE_ENTRY)};
#undef RANGE_ENTRY

ControlId
ui_knob_control(int k)
{
	return k < KNOB_MACROS ? (ControlId)(CTRL_MACRO1 + k)
	                       : (k == 8 ? CTRL_VOLUME : (k == 9 ? CTRL_CROSSFADE : CTRL_POLYPHONY));
}

double
ui_control_to_unit(ControlId id, float v)
{
	const Range* r = &ranges[id];
	double       t = (r->flags & CTRL_LOGARITHMIC) && r->min > 0.0f
	                     ? log((double)v / r->min) / log((double)r->max / r->min)
	                     : ((double)v - r->min) / ((double)r->max - r->min);
	return t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
}

float
ui_unit_to_control(ControlId id, double t)
{
	const Range* r = &ranges[id];
	t              = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
	double v       = (r->flags & CTRL_LOGARITHMIC) && r->min > 0.0f ? r->min * pow((double)r->max / r->min, t)
	                                                                : r->min + t * ((double)r->max - r->min);
	if (r->flags & CTRL_INTEGER) {
		v = floor(v + 0.5);
	}
	return (float)v;
}

float
ui_control_default(ControlId id)
{
	return ranges[id].def;
}

const char*
ui_control_symbol(ControlId id)
{
	return ranges[id].symbol;
}
