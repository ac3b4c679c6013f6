/* SPDX-License-Identifier: ISC
 *
 * Host tests: the plugin loaded by lilv from the assembled chronus.lv2
 * bundle (LV2_PATH), driven with real worker threads.
 *   host-tests       every suite but the real-time one
 *   host-tests rt    the real-time suite (run with LD_PRELOAD of the guard)
 *   host-tests NAME  the suites whose name begins with NAME (e.g. controls)
 */
#include "suites.h"

#include <CUnit/Basic.h>

#include <stdbool.h>

#include <stdio.h>
#include <string.h>


int
main(int argc, char** argv)
{
	const bool rt = argc > 1 && !strcmp(argv[1], "rt");
	if (CU_initialize_registry() != CUE_SUCCESS) {
		return 1;
	}
	int (*all[])(void)    = {suite_playback, suite_swap, suite_state, suite_docs, suite_figures, suite_stress, suite_controls, suite_headroom, suite_warnings, suite_handover, suite_voices, suite_stereo, suite_fmbell, suite_examples, suite_expression, suite_tuning, suite_mpe, suite_reload, suite_live, suite_osc, suite_unison, suite_ui, suite_wavetable};
	int (*only_rt[])(void) = {suite_rt};
	int (**suites)(void)  = rt ? only_rt : all;
	const size_t n        = rt ? 1 : sizeof(all) / sizeof(all[0]);
	for (size_t i = 0; i < n; ++i) {
		if (suites[i]()) {
			CU_cleanup_registry();
			return 1;
		}
	}
	CU_basic_set_mode(CU_BRM_NORMAL);
	unsigned failed = 0, run = 0;
	if (argc > 1 && !rt) {
		/* Each run resets CUnit's counts: add them up. */
		for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext) {
			if (!strncmp(s->pName, argv[1], strlen(argv[1]))) {
				CU_basic_run_suite(s);
				failed += CU_get_number_of_tests_failed();
				run += CU_get_number_of_tests_run();
			}
		}
		if (!run) {
			fprintf(stderr, "no host test suite's name begins with '%s'\n", argv[1]);
			CU_cleanup_registry();
			return 1;
		}
	} else {
		CU_basic_run_tests();
		failed = CU_get_number_of_tests_failed();
		run    = CU_get_number_of_tests_run();
	}
	printf("\n%u passed, %u failed\n", run - failed, failed);
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
