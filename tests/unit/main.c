/* SPDX-License-Identifier: ISC
 *
 * The unit test runner (CUnit). Also checks and writes docs/modules.md,
 * which is generated from the module registry and the measured figures:
 *   unit-tests                          run every suite
 *   unit-tests NAME                     the suites whose name begins with NAME
 *   unit-tests --check-modules-doc F    fail if F differs from the generated text
 *   unit-tests --write-modules-doc F    regenerate F
 */
#include "modules_doc.h"
#include "suites.h"

#include <CUnit/Basic.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int
check_doc(const char* path, bool write)
{
	char*  text = NULL;
	size_t len  = 0;
	FILE*  mem  = open_memstream(&text, &len);
	modules_doc_write(mem);
	fclose(mem);
	if (write) {
		FILE* f = fopen(path, "wb");
		if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
			fprintf(stderr, "cannot write %s\n", path);
			free(text);
			return 1;
		}
		printf("wrote %s\n", path);
		free(text);
		return 0;
	}
	FILE* f = fopen(path, "rb");
	char* old = calloc(1, len + 2);
	size_t n  = f ? fread(old, 1, len + 1, f) : 0;
	if (f) {
		fclose(f);
	}
	const bool same = n == len && !memcmp(old, text, len);
	if (!same) {
		fprintf(stderr, "%s is out of date with the module registry; regenerate it with\n"
		                "  ./build/tests/unit-tests --write-modules-doc docs/modules.md\n", path);
	} else {
		printf("%s matches the module registry (%zu bytes)\n", path, len);
	}
	free(old);
	free(text);
	return same ? 0 : 1;
}

int
main(int argc, char** argv)
{
	if (argc == 3 && !strcmp(argv[1], "--check-modules-doc")) {
		return check_doc(argv[2], false);
	}
	if (argc == 3 && !strcmp(argv[1], "--write-modules-doc")) {
		return check_doc(argv[2], true);
	}
	if (CU_initialize_registry() != CUE_SUCCESS) {
		return 1;
	}
	int (*suites[])(void) = {suite_sources, suite_filters, suite_patch_parse, suite_compile, suite_params, suite_simd, suite_verify, suite_limiter, suite_voices, suite_oscpal, suite_delay, suite_tuning, suite_mpe, suite_library, suite_effects, suite_brickwall, suite_unison, suite_chronusctl, suite_graph_model, suite_folder, suite_wavetable, suite_spectrum_view};
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); ++i) {
		if (suites[i]()) {
			fprintf(stderr, "cannot register suite %zu\n", i);
			CU_cleanup_registry();
			return 1;
		}
	}
	CU_basic_set_mode(CU_BRM_NORMAL);
	unsigned failed = 0, run = 0;
	if (argc == 2) {
		/* The suites whose name begins with the argument; each run resets
		 * CUnit's counts, so they are added up here. */
		for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext) {
			if (!strncmp(s->pName, argv[1], strlen(argv[1]))) {
				CU_basic_run_suite(s);
				failed += CU_get_number_of_tests_failed();
				run += CU_get_number_of_tests_run();
			}
		}
		if (!run) {
			fprintf(stderr, "no unit test suite's name begins with '%s'\n", argv[1]);
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
