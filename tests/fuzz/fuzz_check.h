/* SPDX-License-Identifier: ISC
 *
 * What the fuzz targets of the text formats (patch language, Scala files)
 * check of every error they are given: one check macro that aborts with a
 * message, and check_error, the promise of the one error formatter
 * (patch_error.c): a NUL-terminated, printable, non-empty message whose
 * "line L, col C: " prefix agrees with err.line/col and points inside the
 * text. Static functions: each target includes it once.
 */
#ifndef CHRONUS_FUZZ_CHECK_H
#define CHRONUS_FUZZ_CHECK_H

#include "patch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz: check failed: %s\n  ", #cond);       \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* Lines in the text (a last line without LF counts), and the length of each
 * line asked for. */
static unsigned
count_lines(const char* text, size_t len)
{
	unsigned n = 1;
	for (size_t i = 0; i < len; ++i) {
		n += text[i] == '\n';
	}
	return n;
}

static size_t
line_length(const char* text, size_t len, unsigned line)
{
	unsigned l     = 1;
	size_t   start = 0;
	for (size_t i = 0; i < len && l < line; ++i) {
		if (text[i] == '\n') {
			++l;
			start = i + 1;
		}
	}
	size_t end = start;
	while (end < len && text[end] != '\n') {
		++end;
	}
	return end - start;
}

static void
check_error(const PatchError* e, const char* where, const char* text, size_t len)
{
	const char* nul = memchr(e->message, '\0', sizeof e->message);
	CHECK(nul != NULL, "%s: error message not NUL-terminated within %zu bytes", where, sizeof e->message);
	CHECK(nul != e->message, "%s: empty error message (line %u, col %u)", where, e->line, e->col);
	for (const char* c = e->message; c < nul; ++c) {
		const unsigned char u = (unsigned char)*c;
		CHECK(u >= 0x20 && u != 0x7f, "%s: control byte 0x%02x in message '%s'", where, u, e->message);
	}
	if (e->line > 0) {
		char prefix[64];
		snprintf(prefix, sizeof prefix, "line %u, col %u: ", e->line, e->col);
		CHECK(strncmp(e->message, prefix, strlen(prefix)) == 0, "%s: message '%s' does not start with '%s'",
		      where, e->message, prefix);
		CHECK(e->col >= 1, "%s: line %u but col 0: '%s'", where, e->line, e->message);
		if (text) {
			const unsigned lines = count_lines(text, len);
			CHECK(e->line <= lines, "%s: line %u past the text's %u lines: '%s'", where, e->line, lines,
			      e->message);
			const size_t ll = line_length(text, len, e->line);
			CHECK(e->col <= ll + 1, "%s: col %u past line %u of %zu bytes: '%s'", where, e->col, e->line, ll,
			      e->message);
		}
	} else {
		unsigned l, c;
		char     colon = 0;
		CHECK(e->col == 0, "%s: line 0 but col %u: '%s'", where, e->col, e->message);
		CHECK(!(sscanf(e->message, "line %u, col %u%c", &l, &c, &colon) == 3 && colon == ':'),
		      "%s: message '%s' has a position but err.line is 0", where, e->message);
	}
}

#endif
