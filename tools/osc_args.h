/* SPDX-License-Identifier: ISC
 *
 * chronusctl's text side, kept apart from its network side so that it can
 * be unit-tested without a socket: a line "ADDRESS ARG ..." (or the words
 * of a command line) into an address and typed arguments, and an argument
 * back into text for printing a reply. Pure C: no liblo here.
 * Typing rules (docs/chronusctl.md): `i:`, `f:` or `s:` forces a type;
 * otherwise a decimal integer is an int32, a number with a '.' or an
 * exponent a float, anything else (and anything quoted) a string.
 */
#ifndef CHRONUS_OSC_ARGS_H
#define CHRONUS_OSC_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { OSC_ARG_INT = 'i', OSC_ARG_FLOAT = 'f', OSC_ARG_STRING = 's' } OscArgType;

typedef struct {
	OscArgType type;
	int32_t    i;
	float      f;
	char*      s; /* owned; only for OSC_ARG_STRING */
} OscArg;

/* One message to send. */
typedef struct {
	char*    address; /* owned */
	OscArg*  args;    /* owned */
	unsigned n_args;
} OscLine;

/* What went wrong, and where: the 1-based column in the line (or in the
 * command-line word), 0 when the whole thing is at fault; for command-line
 * words, which word (0 the address, 1 the first argument, ...). */
typedef struct {
	unsigned column;
	unsigned word;
	char     message[128];
} OscError;

/* One argument word, already unquoted (a command-line word, as the shell
 * hands it over): typed by its prefix or its look. */
bool osc_arg_from_word(const char* word, OscArg* out, OscError* err);

/* One line of stdin mode. Returns 1 with *out filled, 0 for a line with
 * nothing to send (blank, or '#' first), -1 with *err set. */
int osc_line_parse(const char* line, OscLine* out, OscError* err);

/* A message from command-line words: words[0] is the address. */
bool osc_line_from_words(const char* const* words, unsigned n, OscLine* out, OscError* err);

void osc_arg_free(OscArg* arg);
void osc_line_free(OscLine* line);

/* Writes s as a reply prints it: bare when it would read back as the same
 * string, otherwise in double quotes with \" \\ \n \t escapes (and \xHH
 * for other control bytes). */
void osc_print_string(FILE* f, const char* s);

#endif
