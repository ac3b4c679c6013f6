/* SPDX-License-Identifier: ISC
 *
 * Parameter smoothing: ramps last exactly the smoothing time, land exactly
 * on the target, sweep exponential parameters evenly, and do not depend on
 * how a run of frames is split.
 */
#include "params.h"

#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>

static const ParamSpec lin_spec = {"gain", "", "", 0.0f, 1.0f, 0.0f, CURVE_LIN, 10.0f, NULL};
static const ParamSpec exp_spec = {"cutoff", "Hz", "", 20.0f, 20000.0f, 1000.0f, CURVE_EXP, 10.0f, NULL};

static void
test_ramp_length_and_landing(void)
{
	ParamState p;
	param_init(&p, &lin_spec, 48000.0, 0.0f);
	param_set(&p, 1.0f, false); /* full-scale jump */
	unsigned reached = 0, n = 0;
	float    prev    = 0.0f;
	for (unsigned block = 0; block < 20; ++block) {
		param_render(&p, CHRONUS_SUBBLOCK);
		for (unsigned i = 0; i < CHRONUS_SUBBLOCK; ++i, ++n) {
			CU_ASSERT(p.buf[i] >= prev); /* monotonic */
			/* Smoothstep's steepest step is 1.5x a linear ramp's. */
			CU_ASSERT(p.buf[i] - prev <= 1.5f / 480.0f + 1e-6f);
			prev = p.buf[i];
			if (!reached && p.buf[i] == 1.0f) {
				reached = n + 1;
			}
		}
	}
	CU_ASSERT_EQUAL(reached, 480u); /* 10 ms at 48 kHz, exactly */
}

static void
test_exp_ramps_in_log_domain(void)
{
	ParamState p;
	param_init(&p, &exp_spec, 48000.0, 100.0f);
	param_set(&p, 10000.0f, false);
	float mid = 0.0f;
	for (unsigned n = 0; n < 480; n += CHRONUS_SUBBLOCK) {
		param_render(&p, CHRONUS_SUBBLOCK);
		if (n <= 239 && 239 < n + CHRONUS_SUBBLOCK) {
			mid = p.buf[239 - n];
		}
	}
	/* Halfway in time is halfway in the log domain: the geometric mean. */
	CU_ASSERT_DOUBLE_EQUAL(mid, 1000.0, 1000.0 * 0.02);
}

static void
test_split_invariance(void)
{
	ParamState a, b;
	param_init(&a, &exp_spec, 44100.0, 20.0f);
	param_init(&b, &exp_spec, 44100.0, 20.0f);
	float    out_a[4096], out_b[4096];
	unsigned pos = 0;
	param_set(&a, 15000.0f, false);
	param_set(&b, 15000.0f, false);
	while (pos < 4096) {
		param_render(&a, CHRONUS_SUBBLOCK);
		for (unsigned i = 0; i < CHRONUS_SUBBLOCK; ++i) {
			out_a[pos + i] = a.buf[i];
		}
		pos += CHRONUS_SUBBLOCK;
	}
	pos = 0;
	unsigned seed = 7;
	while (pos < 4096) {
		seed       = seed * 1103515245u + 12345u;
		unsigned n = 1 + (seed >> 16) % CHRONUS_SUBBLOCK;
		n          = n > 4096 - pos ? 4096 - pos : n;
		param_render(&b, n);
		for (unsigned i = 0; i < n; ++i) {
			out_b[pos + i] = b.buf[i];
		}
		pos += n;
	}
	for (unsigned i = 0; i < 4096; ++i) {
		CU_ASSERT_EQUAL_FATAL(out_a[i], out_b[i]);
	}
}

static void
test_clamps_and_rejects_nan(void)
{
	ParamState p;
	param_init(&p, &lin_spec, 48000.0, 0.5f);
	param_set(&p, 7.0f, true);
	CU_ASSERT_EQUAL(param_target(&p), 1.0f);
	param_set(&p, NAN, true);
	CU_ASSERT_EQUAL(param_target(&p), lin_spec.def);
	param_set(&p, -3.0f, true);
	CU_ASSERT_EQUAL(param_target(&p), 0.0f);
}

int
suite_params(void)
{
	CU_pSuite s = CU_add_suite("params", NULL, NULL);
	return !s || !CU_add_test(s, "full-scale jump ramps for exactly the smoothing time", test_ramp_length_and_landing) ||
	       !CU_add_test(s, "exponential parameters ramp in the log domain", test_exp_ramps_in_log_domain) ||
	       !CU_add_test(s, "ramps do not depend on block splits", test_split_invariance) ||
	       !CU_add_test(s, "out-of-range and NaN values are clamped", test_clamps_and_rejects_nan);
}
