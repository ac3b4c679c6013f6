/* SPDX-License-Identifier: ISC
 *
 * The one formatter of error messages: "line L, col C: message", or the
 * bare message when it concerns the whole text (line 0). The parser, the
 * compiler and the build (warm-up) all report through it. Worker thread.
 */
#include "patch.h"

#include <stdio.h>

void
patch_error_vset(PatchError* err, unsigned line, unsigned col, const char* fmt, va_list ap)
{
	size_t n     = 0;
	err->line    = line;
	err->col     = line ? col : 0;
	err->message[0] = '\0';
	if (line > 0) {
		const int k = snprintf(err->message, sizeof err->message, "line %u, col %u: ", line, col);
		n           = k > 0 ? (size_t)k : 0;
		if (n >= sizeof err->message) {
			return;
		}
	}
	vsnprintf(err->message + n, sizeof err->message - n, fmt, ap);
}

void
patch_error_set(PatchError* err, unsigned line, unsigned col, const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	patch_error_vset(err, line, col, fmt, ap);
	va_end(ap);
}
