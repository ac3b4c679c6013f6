/* SPDX-License-Identifier: ISC
 *
 * The click metric, defined in docs/testing.md ("The click metric"): the
 * largest second difference |x[n] - 2x[n-1] + x[n-2]| in a window around
 * an event, divided by the largest in the steady states on either side.
 * Header-only: the unit tests, the host tests and chronus-render share it.
 * A change here changes the definition: change docs/testing.md with it.
 */
#ifndef CHRONUS_TEST_CLICK_H
#define CHRONUS_TEST_CLICK_H

#include <math.h>
#include <stddef.h>

/* Bounds the tests assert, stated once. */
#define CLICK_BOUND_PARAM_JUMP 2.0  /* vs the sharper steady state around the jump */
#define CLICK_BOUND_SWAP       1.25 /* vs the larger of the two patches' steady states */
#define CLICK_BOUND_STEAL      1.5  /* vs the chord's steady state */

static inline double
click_d2_max(const float* x, size_t from, size_t to)
{
	double m = 0.0;
	for (size_t n = from < 2 ? 2 : from; n < to; ++n) {
		const double d = fabs((double)x[n] - 2.0 * x[n - 1] + x[n - 2]);
		m              = d > m ? d : m;
	}
	return m;
}

/* Event at frame `at`, transition lasting `span` frames, steady states of
 * `steady` frames before and after it: the event window's sharpness over
 * the sharper steady state. */
static inline double
click_metric_around(const float* x, size_t len, size_t at, size_t span, size_t steady)
{
	const size_t pre_from  = at > steady + 64 ? at - steady - 64 : 2;
	const size_t pre_to    = at > 64 ? at - 64 : 2;
	const size_t post_from = at + span < len ? at + span : len;
	const size_t post_to   = post_from + steady < len ? post_from + steady : len;
	const double before    = click_d2_max(x, pre_from, pre_to);
	const double after     = click_d2_max(x, post_from, post_to);
	const double event     = click_d2_max(x, pre_to, post_from);
	const double ref       = before > after ? before : after;
	return ref > 0.0 ? event / ref : (event > 0.0 ? INFINITY : 0.0);
}

#endif
