/* SPDX-License-Identifier: ISC
 *
 * The tokens of the patch language (docs/patch-language.md). The lexer reads
 * a bounded, not NUL-terminated text and hands out one token at a time with
 * its line and column; it never allocates and never looks back, so a whole
 * text costs one pass. Runs wherever patch_parse() runs (the worker).
 */
#ifndef CHRONUS_PATCH_LEX_H
#define CHRONUS_PATCH_LEX_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	TOK_END = 0, /* end of the text */
	TOK_NEWLINE, /* end of a line (LF; a CR before it is whitespace) */
	TOK_IDENT,   /* [A-Za-z_][A-Za-z0-9_]* */
	TOK_NUMBER,  /* [+-]digits[.digits][(e|E)[+-]digits], grammar checked */
	TOK_STRING,  /* "...", escapes checked; text spans the quotes too */
	TOK_DOT,     /* . */
	TOK_WORD,    /* any other run of bytes: "12abc", "osc-2", "@" */
	TOK_ERROR    /* a broken string; see PatchLexError */
} PatchTokKind;

typedef enum {
	LEX_OK = 0,
	LEX_UNTERMINATED, /* a string without its closing quote on its line */
	LEX_BAD_ESCAPE    /* a backslash not followed by " or \ */
} PatchLexError;

typedef struct {
	PatchTokKind  kind;
	PatchLexError error; /* for TOK_ERROR */
	const char*   text;  /* into the source text; not NUL-terminated */
	size_t        len;
	unsigned      line, col; /* 1-based; col counts bytes */
} PatchToken;

typedef struct {
	const char* text;
	size_t      len;
	size_t      pos;
	unsigned    line;
	size_t      line_start; /* offset of the current line's first byte */
} PatchLexer;

void       patch_lex_init(PatchLexer* lex, const char* text, size_t len);
PatchToken patch_lex_next(PatchLexer* lex);

/* Decode a TOK_STRING's contents into dst (at most cap bytes, no NUL added).
 * Returns the decoded length, which may exceed cap (then dst holds the
 * first cap bytes), so callers can tell "too long" from "fits". */
size_t patch_lex_string(const PatchToken* tok, char* dst, size_t cap);

/* Whether s[0..len) is exactly a TOK_NUMBER, and its value (correctly
 * rounded, whatever the locale). Pure and bounded: run() reads the value
 * of a live `set` with them too (live_set.h). */
bool   patch_is_number(const char* s, size_t len);
double patch_number_value(const char* s, size_t len);

#endif
