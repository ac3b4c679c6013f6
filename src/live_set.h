/* SPDX-License-Identifier: ISC
 *
 * One parameter of the playing patch set without a rebuild: the text
 * "module.param value", as a `set` statement writes it (docs/live.md).
 * Reading it is pure and bounded, so run() applies it at the event's frame;
 * writing it into the patch text (so a rebuild, save() and a preset keep
 * it) and saying what is wrong with a bad one are the worker's, with the
 * parser's own messages.
 */
#ifndef CHRONUS_LIVE_SET_H
#define CHRONUS_LIVE_SET_H

#include "dsp/module.h"
#include "patch.h"

#include <stdbool.h>
#include <stddef.h>

#define LIVE_SET_MAX 128u /* bytes of one "module.param value" */

typedef struct {
	const char* module;
	size_t      module_len;
	const char* param;
	size_t      param_len;
	const char* value;
	size_t      value_len;
} LiveSet;

/* Splits "module.param value" (blanks around it, and a leading "set ",
 * allowed) into its three words; false when it is not of that shape. */
bool live_set_split(const char* text, size_t len, LiveSet* out);

/* The value for spec: a number of the patch language, or one of the
 * parameter's choices (by name or number), within its range. false: none
 * of these (the worker then says why). */
bool live_set_value(const LiveSet* set, const ParamSpec* spec, float* value);

/* Worker: text with the setting written in, as the parser will read it:
 * the last `set module.param` line's statement replaced (a comment after it
 * kept), else a line appended. A new NUL-terminated text (malloc) and its
 * length in *out_len, or NULL when out of memory. */
char* live_set_merge(const char* text, size_t len, const LiveSet* set, size_t* out_len);

/* Worker (any non-real-time thread): whether `set` is valid for the patch
 * text, by parsing the text with it written in; on failure err says why in
 * the parser's words ("unknown module 'vcff' (did you mean 'vcf'?)"), with
 * no line: the error is in the set, not in the file. *merged (when not
 * NULL) receives the merged text on success (free it). */
bool live_set_check(const char* text, size_t len, const char* set_text, size_t set_len, PatchError* err,
                    char** merged, size_t* merged_len);

#endif
