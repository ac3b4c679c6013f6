/* SPDX-License-Identifier: ISC
 *
 * Host tests: the plugin loaded by lilv from the assembled chronus.lv2
 * bundle (LV2_PATH), driven with real worker threads.
 */
#include "suites.h"

#include <CUnit/Basic.h>

#include <stdio.h>


int
main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS) {
		return 1;
	}
	int (*suites[])(void) = {suite_playback, suite_swap};
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); ++i) {
		if (suites[i]()) {
			CU_cleanup_registry();
			return 1;
		}
	}
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	const unsigned failed = CU_get_number_of_tests_failed();
	const unsigned run    = CU_get_number_of_tests_run();
	printf("\n%u passed, %u failed\n", run - failed, failed);
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
