/* SPDX-License-Identifier: ISC
 *
 * The suites' temporary folders (temp_dir.h): mkdtemp, and rm -rf after.
 */
#define _DEFAULT_SOURCE
#include "temp_dir.h"

#include <stdio.h>
#include <stdlib.h>

int
temp_dir_make(char* dir, size_t cap, const char* name)
{
	const int n = snprintf(dir, cap, "/tmp/chronus-%s-XXXXXX", name);
	return n > 0 && (size_t)n < cap && mkdtemp(dir) ? 0 : 1;
}

int
temp_dir_remove(const char* dir)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
