/* SPDX-License-Identifier: ISC
 *
 * A text written to a new temporary file, for the programs and tests that
 * hand a patch or a script to something that reads a file
 * (chronus-bench's one-module patches, the host tests' chronusctl
 * scripts). Header-only: the bench and the host tests share it.
 */
#ifndef CHRONUS_TEMP_FILE_H
#define CHRONUS_TEMP_FILE_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* `path` is a mkstemp template (ending in XXXXXX), made the file's name;
 * writes text there. False if the file cannot be made or written (the
 * caller unlinks path either way). */
static inline bool
temp_file_write(char* path, const char* text)
{
	const int fd = mkstemp(path);
	if (fd < 0) {
		return false;
	}
	const size_t len = strlen(text);
	const bool   ok  = write(fd, text, len) == (ssize_t)len;
	return close(fd) == 0 && ok;
}

#endif
