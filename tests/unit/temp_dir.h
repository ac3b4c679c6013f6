/* SPDX-License-Identifier: ISC
 *
 * A folder of its own under /tmp for a suite's files, made in its setup
 * and removed with everything in it in its teardown (temp_dir.c). Both
 * return CUnit's 0 for success. Shared by the unit and the host tests.
 */
#ifndef CHRONUS_TEST_TEMP_DIR_H
#define CHRONUS_TEST_TEMP_DIR_H

#include <stddef.h>

/* /tmp/chronus-NAME-XXXXXX, made; its path into dir. */
int temp_dir_make(char* dir, size_t cap, const char* name);
int temp_dir_remove(const char* dir);

#endif
