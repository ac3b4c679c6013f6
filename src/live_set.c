/* SPDX-License-Identifier: ISC
 *
 * Live `set`s (live_set.h): reading one in run(), writing it into the patch
 * text and checking it with the parser in the worker.
 */
#include "live_set.h"

#include "patch_lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
is_set_word(const PatchToken* t)
{
	return t->kind == TOK_IDENT && t->len == 3 && !memcmp(t->text, "set", 3);
}

/* `module.param` from the lexer; false when the next tokens are not that. */
static bool
read_target(PatchLexer* lex, LiveSet* out)
{
	const PatchToken m = patch_lex_next(lex), dot = patch_lex_next(lex), p = patch_lex_next(lex);
	if (m.kind != TOK_IDENT || dot.kind != TOK_DOT || p.kind != TOK_IDENT) {
		return false;
	}
	out->module     = m.text;
	out->module_len = m.len;
	out->param      = p.text;
	out->param_len  = p.len;
	return true;
}

/* The patch language's own lexer reads it (pure and bounded: run() may):
 * [set] module.param value, and nothing after but a comment. */
bool
live_set_split(const char* text, size_t len, LiveSet* out)
{
	PatchLexer lex;
	patch_lex_init(&lex, text, len);
	PatchLexer       ahead = lex;
	const PatchToken first = patch_lex_next(&ahead), second = patch_lex_next(&ahead);
	if (is_set_word(&first) && second.kind == TOK_IDENT) {
		patch_lex_next(&lex); /* the leading `set` */
	}
	if (!read_target(&lex, out)) {
		return false;
	}
	const PatchToken v = patch_lex_next(&lex);
	if (v.kind != TOK_NUMBER && v.kind != TOK_IDENT && v.kind != TOK_WORD) {
		return false;
	}
	out->value     = v.text;
	out->value_len = v.len;
	for (PatchToken t = patch_lex_next(&lex); t.kind != TOK_END; t = patch_lex_next(&lex)) {
		if (t.kind != TOK_NEWLINE) {
			return false; /* more than one value */
		}
	}
	return true;
}

bool
live_set_value(const LiveSet* set, const ParamSpec* spec, float* value)
{
	double v;
	if (patch_is_number(set->value, set->value_len)) {
		v = patch_number_value(set->value, set->value_len);
	} else {
		unsigned k = 0;
		while (spec->choices && spec->choices[k] &&
		       !(strlen(spec->choices[k]) == set->value_len &&
		         !memcmp(spec->choices[k], set->value, set->value_len))) {
			++k;
		}
		if (!spec->choices || !spec->choices[k]) {
			return false;
		}
		v = k;
	}
	if (!(v >= spec->min && v <= spec->max)) {
		return false;
	}
	if (spec->choices && v != (double)(long)v) {
		return false; /* a choice's number is whole */
	}
	*value = (float)v;
	return true;
}

/* Whether line s[0..len) is `set <module>.<param> ...`. */
static bool
line_sets(const char* s, size_t len, const LiveSet* set)
{
	PatchLexer lex;
	patch_lex_init(&lex, s, len);
	const PatchToken first = patch_lex_next(&lex);
	LiveSet          t;
	return is_set_word(&first) && read_target(&lex, &t) && t.module_len == set->module_len &&
	       t.param_len == set->param_len && !memcmp(t.module, set->module, t.module_len) &&
	       !memcmp(t.param, set->param, t.param_len);
}

char*
live_set_merge(const char* text, size_t len, const LiveSet* set, size_t* out_len)
{
	size_t at = len, end = len; /* the part replaced: [at, end) */
	bool   found = false;
	for (size_t start = 0; start < len;) {
		const char* nl   = memchr(text + start, '\n', len - start);
		size_t      stop = nl ? (size_t)(nl - text) : len;
		if (line_sets(text + start, stop - start, set)) {
			const char* hash = memchr(text + start, '#', stop - start);
			at               = start;
			end              = hash ? (size_t)(hash - text) : stop;
			found            = true;
		}
		start = nl ? stop + 1 : len;
	}
	char         stmt[LIVE_SET_MAX + 16];
	const bool   keep_comment = found && end < len && text[end] == '#';
	const bool   need_nl      = !found && len > 0 && text[len - 1] != '\n';
	const int    n            = snprintf(stmt, sizeof stmt, "%sset %.*s.%.*s %.*s%s", need_nl ? "\n" : "",
	                                     (int)set->module_len, set->module, (int)set->param_len, set->param,
	                                     (int)set->value_len, set->value,
	                                     keep_comment ? " " : (found ? "" : "\n"));
	const size_t sn           = n < 0 ? 0 : ((size_t)n < sizeof stmt ? (size_t)n : sizeof stmt - 1);
	char*        out          = malloc(len - (end - at) + sn + 1);
	if (!out) {
		return NULL;
	}
	memcpy(out, text, at);
	memcpy(out + at, stmt, sn);
	memcpy(out + at + sn, text + end, len - end);
	*out_len      = len - (end - at) + sn;
	out[*out_len] = '\0';
	return out;
}

bool
live_set_check(const char* text, size_t len, const char* set_text, size_t set_len, PatchError* err,
               char** merged, size_t* merged_len)
{
	LiveSet set;
	if (merged) {
		*merged = NULL;
	}
	if (set_len > LIVE_SET_MAX) {
		patch_error_set(err, 0, 0, "a live set is at most %u bytes", LIVE_SET_MAX);
		return false;
	}
	if (!live_set_split(set_text, set_len, &set)) {
		patch_error_set(err, 0, 0, "'%.*s' is not a setting, expected 'module.param value' (e.g. 'vcf.cutoff 800')",
		                (int)set_len, set_text);
		return false;
	}
	size_t n;
	char*  text2 = live_set_merge(text, len, &set, &n);
	Patch* patch = malloc(sizeof(Patch));
	if (!text2 || !patch) {
		free(text2);
		free(patch);
		patch_error_set(err, 0, 0, "out of memory");
		return false;
	}
	PatchError perr;
	const bool ok = patch_parse(text2, n, patch, &perr);
	free(patch);
	if (!ok) {
		/* The parser's words, without its "line L, col C: ": the error is
		 * the set's, not a place in the file. */
		const char* msg  = perr.message;
		const char* bare = perr.line ? strstr(msg, ": ") : NULL;
		patch_error_set(err, 0, 0, "set %.*s.%.*s %.*s: %s", (int)set.module_len, set.module, (int)set.param_len,
		                set.param, (int)set.value_len, set.value, bare ? bare + 2 : msg);
		free(text2);
		return false;
	}
	if (merged) {
		*merged     = text2;
		*merged_len = n;
	} else {
		free(text2);
	}
	return true;
}
