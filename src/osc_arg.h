/* SPDX-License-Identifier: ISC
 *
 * Reading liblo's decoded arguments. liblo hands out lo_arg pointers into
 * the message at 4-byte offsets, but lo_arg is a union with 8-byte members,
 * so `argv[i]->i` is a misaligned access (UBSan says so). These copy the
 * bytes out instead. Used by the plugin's server, chronusctl, the bench and
 * the tests.
 */
#ifndef CHRONUS_OSC_ARG_H
#define CHRONUS_OSC_ARG_H

#include <lo/lo.h>

#include <stdint.h>
#include <string.h>

static inline int32_t
osc_arg_i32(const lo_arg* a)
{
	int32_t v;
	memcpy(&v, (const void*)a, sizeof v);
	return v;
}

static inline int64_t
osc_arg_i64(const lo_arg* a)
{
	int64_t v;
	memcpy(&v, (const void*)a, sizeof v);
	return v;
}

static inline float
osc_arg_f32(const lo_arg* a)
{
	float v;
	memcpy(&v, (const void*)a, sizeof v);
	return v;
}

static inline double
osc_arg_f64(const lo_arg* a)
{
	double v;
	memcpy(&v, (const void*)a, sizeof v);
	return v;
}

/* A string or symbol argument: its bytes start where the argument does. */
static inline const char*
osc_arg_str(const lo_arg* a)
{
	return (const char*)(const void*)a;
}

#endif
