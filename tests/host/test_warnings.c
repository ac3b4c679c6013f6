/* SPDX-License-Identifier: ISC
 *
 * A patch that is silent at warm-up swaps in, and the reason reaches the
 * user: in the Status parameter (the notify port) and in the host's log,
 * with the Patch error output off. A refused patch (non-finite warm-up)
 * still sets the error output and keeps the playing patch.
 */
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>

#include <stdio.h>
#include <string.h>

static const char* const swell = "patch \"Swell\"\ncreate osc saw\ncreate env adsr\ncreate amp vca\n"
                                 "create swell vca\nconnect osc amp\nconnect env amp.gain\nconnect amp swell\n"
                                 "macro 1 swell.gain 0 1 lin\nout swell\n";
static const char* const newcomer = "patch \"First\"\ncreate osc saw\ncreate amp vca\nconnect osc amp\nout amp\n";

static const char*
last_status(Host* h)
{
	return host_status_count(h) ? host_status(h, host_status_count(h) - 1) : "";
}

static void
test_silent_swaps_in_with_a_warning(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE(test_load_patch(h, newcomer));
	printf("\n  status: %s", last_status(h));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_status(h), "First: primed in "));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_status(h), "; warning: warm-up is silent: vca 'amp' has nothing on its gain "
	                                              "input: connect an envelope"));
	CU_ASSERT_TRUE(host_log_contains(h, "vca 'amp' has nothing on its gain input"));
	CU_ASSERT_EQUAL(host_get_control(h, "error"), 0.0f);

	/* The swell at macro 1 = 0 swaps in; turned up, it plays. */
	host_set_control(h, "macro1", 0.0f);
	CU_ASSERT_TRUE(test_load_patch(h, swell));
	printf("\n  status: %s\n", last_status(h));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_status(h), "Swell: primed in "));
	CU_ASSERT_PTR_NOT_NULL(
	        strstr(last_status(h), "warning: warm-up is silent: the output level depends on macro 1, which is at 0"));
	CU_ASSERT_EQUAL(host_get_control(h, "error"), 0.0f);
	host_set_control(h, "macro1", 1.0f);
	host_note_on(h, 0, 60, 100);
	float y[4096];
	test_render(h, y, 4096, 256);
	CU_ASSERT(test_peak(y + 2048, 2048) > 0.05f);
	host_free(h);
}

int
suite_warnings(void)
{
	CU_pSuite s = CU_add_suite("warnings", NULL, NULL);
	return !s || !CU_add_test(s, "a silent warm-up swaps in; status and log say why", test_silent_swaps_in_with_a_warning);
}
