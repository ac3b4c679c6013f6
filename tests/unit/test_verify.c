/* SPDX-License-Identifier: ISC
 *
 * Verification protects, it does not judge: build_slot refuses a patch
 * only for what would harm (a non-finite sample, a runaway level). Three
 * valid patches that are silent at warm-up build (BUILD_OK) with a warning
 * that names the likely reason; the harmful ones are still refused.
 */
#include "suites.h"

#include "build_slot.h"
#include "compile.h"

#include <CUnit/CUnit.h>

#include <stdio.h>
#include <string.h>

#define RATE 48000.0

/* Builds text with default settings (knobs at 0.5) or with macro 1 at m1. */
static Slot*
build(const char* text, float m1, BuildReport* r)
{
	BuildSettings bs;
	build_settings_default(&bs, RATE);
	if (m1 >= 0.0f) {
		bs.macros[0] = m1;
	}
	Slot* s = build_slot(text, strlen(text), &bs, r);
	printf("\n    %s -> %s", s ? "built" : "refused", s ? (r->warning[0] ? r->warning : "(no warning)") : r->error.message);
	return s;
}

/* The first patch every newcomer writes: nothing on the vca's gain. */
static void
test_newcomer_vca(void)
{
	static const char* const text = "create osc saw\ncreate amp vca\nconnect osc amp\nout amp\n";
	BuildReport              r;
	Slot*                    s = build(text, -1.0f, &r);
	CU_ASSERT_PTR_NOT_NULL(s);
	CU_ASSERT_EQUAL(r.status, BUILD_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "warm-up is silent"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "vca 'amp' has nothing on its gain input"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "`create env adsr`")); /* there is no envelope to name */
	slot_free(s);

	/* With an envelope in the patch, the advice names it. */
	static const char* const with_env = "create osc saw\ncreate e adsr\ncreate amp vca\nconnect osc amp\nout amp\n";
	s = build(with_env, -1.0f, &r);
	CU_ASSERT_PTR_NOT_NULL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "`connect e amp.gain`"));
	slot_free(s);
}

/* A swell: its level is on macro 1, and the knob is at 0. At 0.5 it sounds
 * and builds with no warning. */
static void
test_swell_on_macro(void)
{
	static const char* const text = "patch \"Swell\"\ncreate osc saw\ncreate env adsr\ncreate amp vca\n"
	                                "create swell vca\nconnect osc amp\nconnect env amp.gain\nconnect amp swell\n"
	                                "macro 1 swell.gain 0 1 lin\nout swell\n";
	BuildReport r;
	Slot*       s = build(text, 0.0f, &r);
	CU_ASSERT_PTR_NOT_NULL(s);
	CU_ASSERT_EQUAL(r.status, BUILD_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "warm-up is silent"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "the output level depends on macro 1, which is at 0"));
	slot_free(s);

	s = build(text, 0.5f, &r);
	CU_ASSERT_PTR_NOT_NULL(s);
	CU_ASSERT_EQUAL(r.status, BUILD_OK);
	CU_ASSERT_STRING_EQUAL(r.warning, "");
	slot_free(s);
}

/* A 15 kHz high-pass on a sine: the test note (C4, 262 Hz) is filtered
 * away; higher notes would be heard. */
static void
test_highpass_on_sine(void)
{
	static const char* const text = "create osc sine\ncreate hp svf\ncreate env adsr\ncreate amp vca\n"
	                                "connect osc hp\nconnect hp amp\nconnect env amp.gain\n"
	                                "set hp.mode highpass\nset hp.cutoff 15000\nout amp\n";
	BuildReport r;
	Slot*       s = build(text, -1.0f, &r);
	CU_ASSERT_PTR_NOT_NULL(s);
	CU_ASSERT_EQUAL(r.status, BUILD_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "warm-up is silent"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "a 15 kHz high-pass ('hp') on a 262 Hz note"));
	slot_free(s);
}

/* Nothing on the path explains it: the warning names the output module. */
static void
test_generic_reason(void)
{
	static const char* const text = "create osc sine\ncreate f svf\nconnect osc f\nset osc.level 0.00005\nout f\n";
	BuildReport r;
	Slot*       s = build(text, -1.0f, &r);
	CU_ASSERT_PTR_NOT_NULL(s);
	CU_ASSERT_EQUAL(r.status, BUILD_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "warm-up is silent: nothing is heard from 'f' (the output module)"));
	slot_free(s);

	/* A filter with nothing on its input. */
	static const char* const starved = "create osc sine\ncreate f ladder\ncreate e adsr\ncreate amp vca\n"
	                                   "connect f amp\nconnect e amp.gain\nout amp\n";
	s = build(starved, -1.0f, &r);
	CU_ASSERT_PTR_NOT_NULL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "ladder 'f' has nothing on its input"));
	slot_free(s);
}

/* What harms is still refused: non-finite samples, a runaway level. */
static void
test_harm_is_refused(void)
{
	/* Each connection multiplies by 1e6: the seventh passes FLT_MAX. */
	char text[1024];
	int  n = snprintf(text, sizeof text, "create o sine\n");
	for (unsigned k = 0; k < 8; ++k) {
		n += snprintf(text + n, sizeof text - (size_t)n, "create m%u mix\n", k);
	}
	n += snprintf(text + n, sizeof text - (size_t)n, "connect o m0.in1 1000000\n");
	for (unsigned k = 1; k < 8; ++k) {
		n += snprintf(text + n, sizeof text - (size_t)n, "connect m%u m%u.in1 1000000\n", k - 1, k);
	}
	snprintf(text + n, sizeof text - (size_t)n, "out m7\n");
	BuildReport r;
	CU_ASSERT_PTR_NULL(build(text, -1.0f, &r));
	CU_ASSERT_EQUAL(r.status, BUILD_NOT_FINITE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error.message, "non-finite"));

	/* +18.06 dBFS: three mixers at gain 2 on a full-scale sine. */
	static const char* const loud = "create o sine\ncreate a mix\ncreate b mix\ncreate c mix\n"
	                                "connect o a\nconnect a b\nconnect b c\n"
	                                "set a.gain1 2\nset b.gain1 2\nset c.gain1 2\nout c\n";
	CU_ASSERT_PTR_NULL(build(loud, -1.0f, &r));
	CU_ASSERT_EQUAL(r.status, BUILD_TOO_LOUD);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error.message, "above the +18 dBFS limit"));
	printf("\n   ");
}

int
suite_verify(void)
{
	CU_pSuite s = CU_add_suite("verify", NULL, NULL);
	return !s || !CU_add_test(s, "osc -> vca with nothing on its gain builds with a warning", test_newcomer_vca) ||
	       !CU_add_test(s, "a swell on macro 1 at 0 builds with a warning", test_swell_on_macro) ||
	       !CU_add_test(s, "a 15 kHz high-pass on a sine builds with a warning", test_highpass_on_sine) ||
	       !CU_add_test(s, "a silence with no named cause names the output module", test_generic_reason) ||
	       !CU_add_test(s, "non-finite and runaway warm-ups are refused", test_harm_is_refused);
}
