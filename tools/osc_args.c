/* SPDX-License-Identifier: ISC
 *
 * chronusctl's parser and reply printer (osc_args.h). Numbers are read by
 * a grammar of our own first, so that "0,5" is a string and "0.5" a float
 * whatever LC_NUMERIC says, and only then converted, by strtof in the C
 * locale (correctly rounded, and thread-local: no setlocale).
 */
#define _GNU_SOURCE
#include "osc_args.h"

#include <ctype.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static bool
fail(OscError* err, unsigned column, const char* fmt, ...)
{
	err->column = column;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return false;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [+-]digits, the whole text. */
static bool
is_int_text(const char* s)
{
	s += *s == '+' || *s == '-';
	if (!is_digit(*s)) {
		return false;
	}
	while (is_digit(*s)) {
		++s;
	}
	return !*s;
}

/* [+-](digits[.digits*] | .digits)([eE][+-]digits), the whole text;
 * *has_point_or_exp says whether it is written as a float. */
static bool
is_float_text(const char* s, bool* has_point_or_exp)
{
	bool digits = false, marked = false;
	s += *s == '+' || *s == '-';
	for (; is_digit(*s); ++s) {
		digits = true;
	}
	if (*s == '.') {
		marked = true;
		for (++s; is_digit(*s); ++s) {
			digits = true;
		}
	}
	if (!digits) {
		return false;
	}
	if (*s == 'e' || *s == 'E') {
		marked = true;
		++s;
		s += *s == '+' || *s == '-';
		if (!is_digit(*s)) {
			return false;
		}
		while (is_digit(*s)) {
			++s;
		}
	}
	*has_point_or_exp = marked;
	return !*s;
}

static bool
to_int(const char* s, OscArg* out, OscError* err, unsigned column)
{
	if (!is_int_text(s)) {
		return fail(err, column, "'%s' is not an integer", s);
	}
	const bool neg = *s == '-';
	s += *s == '+' || *s == '-';
	int64_t v = 0;
	for (; *s; ++s) {
		v = v * 10 + (*s - '0');
		if (v > (int64_t)INT32_MAX + 1) {
			break;
		}
	}
	v = neg ? -v : v;
	if (*s || v > INT32_MAX || v < INT32_MIN) {
		return fail(err, column, "integer out of the int32 range (f: sends a float)");
	}
	*out = (OscArg){.type = OSC_ARG_INT, .i = (int32_t)v};
	return true;
}

/* The text has passed is_float_text: strtof, in the C locale, cannot stop
 * early or read a hex float or "inf". */
static bool
to_float(const char* s, OscArg* out, OscError* err, unsigned column)
{
	bool marked;
	if (!is_float_text(s, &marked)) {
		return fail(err, column, "'%s' is not a number", s);
	}
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (!c) {
		return fail(err, column, "no C locale to read '%s' in", s);
	}
	locale_t    old = uselocale(c);
	const float v   = strtof(s, NULL);
	uselocale(old);
	freelocale(c);
	if (isinf(v)) {
		return fail(err, column, "'%s' is out of the float range", s);
	}
	*out = (OscArg){.type = OSC_ARG_FLOAT, .f = v};
	return true;
}

static bool
to_string(const char* s, OscArg* out, OscError* err, unsigned column)
{
	char* copy = strdup(s);
	if (!copy) {
		return fail(err, column, "out of memory");
	}
	*out = (OscArg){.type = OSC_ARG_STRING, .s = copy};
	return true;
}

/* A word's value: `quoted` (some of it was in quotes) makes it a string,
 * unless it began with a type prefix outside the quotes (`bare_head`: how
 * many of its first characters were). */
static bool
typed(const char* word, bool quoted, size_t bare_head, OscArg* out, OscError* err, unsigned column)
{
	if (!quoted || bare_head >= 2) {
		const char* rest = word + 2;
		if (!strncmp(word, "i:", 2)) {
			return to_int(rest, out, err, column + 2);
		}
		if (!strncmp(word, "f:", 2)) {
			return to_float(rest, out, err, column + 2);
		}
		if (!strncmp(word, "s:", 2)) {
			return to_string(rest, out, err, column + 2);
		}
	}
	bool marked = false;
	if (!quoted && is_int_text(word)) {
		return to_int(word, out, err, column);
	}
	if (!quoted && is_float_text(word, &marked) && marked) {
		return to_float(word, out, err, column);
	}
	return to_string(word, out, err, column);
}

bool
osc_arg_from_word(const char* word, OscArg* out, OscError* err)
{
	return typed(word, false, strlen(word), out, err, 1);
}

static bool
check_address(const char* a, OscError* err, unsigned column)
{
	if (a[0] != '/') {
		return fail(err, column, "the address '%s' does not begin with '/'", a);
	}
	for (const char* p = a; *p; ++p) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			return fail(err, column + (unsigned)(p - a), "a space or control character in the address");
		}
	}
	return true;
}

static bool
add_arg(OscLine* line, OscArg arg, OscError* err, unsigned column)
{
	OscArg* grown = realloc(line->args, (line->n_args + 1) * sizeof(OscArg));
	if (!grown) {
		osc_arg_free(&arg);
		return fail(err, column, "out of memory");
	}
	line->args                 = grown;
	line->args[line->n_args++] = arg;
	return true;
}

bool
osc_line_from_words(const char* const* words, unsigned n, OscLine* out, OscError* err)
{
	*out      = (OscLine){0};
	err->word = 0;
	if (!n) {
		return fail(err, 0, "no address");
	}
	if (!check_address(words[0], err, 1) || !(out->address = strdup(words[0]))) {
		return false;
	}
	for (unsigned k = 1; k < n; ++k) {
		OscArg arg;
		err->word = k;
		if (!osc_arg_from_word(words[k], &arg, err) || !add_arg(out, arg, err, 1)) {
			osc_line_free(out);
			return false;
		}
	}
	return true;
}

static int
hex_value(char c)
{
	return is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One word of a line from *pos into buf (size: the line's length + 1,
 * always enough): quotes removed, escapes resolved inside them; how many
 * of its first characters came before any quote into *bare_head. */
static bool
next_word(const char* line, size_t* pos, char* buf, bool* quoted, size_t* bare_head, OscError* err)
{
	size_t i = *pos, n = 0;
	*quoted  = false;
	while (line[i] && !is_space(line[i])) {
		if (line[i] != '"') {
			buf[n++] = line[i++];
			*bare_head = *quoted ? *bare_head : n;
			continue;
		}
		const size_t open = i++;
		*quoted           = true;
		for (;;) {
			const char c = line[i];
			if (!c || c == '\n') {
				return fail(err, (unsigned)open + 1, "unterminated string");
			}
			if (c == '"') {
				++i;
				break;
			}
			if (c != '\\') {
				buf[n++] = c;
				++i;
				continue;
			}
			const char e = line[i + 1];
			if (e == '"' || e == '\\') {
				buf[n++] = e;
			} else if (e == 'n') {
				buf[n++] = '\n';
			} else if (e == 't') {
				buf[n++] = '\t';
			} else if (e == 'r') {
				buf[n++] = '\r';
			} else if (e == 'x' && hex_value(line[i + 2]) >= 0 && hex_value(line[i + 3]) >= 0) {
				const int v = hex_value(line[i + 2]) * 16 + hex_value(line[i + 3]);
				if (!v) {
					return fail(err, (unsigned)i + 1, "\\x00: an OSC string cannot hold a NUL");
				}
				buf[n++] = (char)v;
				i += 2;
			} else {
				return fail(err, (unsigned)i + 1, "unknown escape '\\%c' (use \\\" \\\\ \\n \\t \\r or \\xHH)",
				            e && (unsigned char)e >= ' ' ? e : '?');
			}
			i += 2;
		}
	}
	buf[n] = '\0';
	*pos   = i;
	return true;
}

int
osc_line_parse(const char* line, OscLine* out, OscError* err)
{
	*out     = (OscLine){0};
	size_t i = 0;
	while (is_space(line[i])) {
		++i;
	}
	if (!line[i] || line[i] == '#') {
		return 0;
	}
	char* buf = malloc(strlen(line) + 1);
	if (!buf) {
		fail(err, 0, "out of memory");
		return -1;
	}
	bool ok = true;
	while (ok && line[i]) {
		const unsigned column = (unsigned)i + 1;
		bool           quoted;
		size_t         bare_head = 0;
		ok = next_word(line, &i, buf, &quoted, &bare_head, err);
		if (ok && !out->address) {
			ok = check_address(buf, err, column) && (out->address = strdup(buf)) != NULL;
		} else if (ok) {
			OscArg arg;
			ok = typed(buf, quoted, bare_head, &arg, err, column) && add_arg(out, arg, err, column);
		}
		while (ok && is_space(line[i])) {
			++i;
		}
	}
	free(buf);
	if (!ok) {
		osc_line_free(out);
		return -1;
	}
	return 1;
}

void
osc_arg_free(OscArg* arg)
{
	if (arg->type == OSC_ARG_STRING) {
		free(arg->s);
	}
	arg->s = NULL;
}

void
osc_line_free(OscLine* line)
{
	for (unsigned k = 0; k < line->n_args; ++k) {
		osc_arg_free(&line->args[k]);
	}
	free(line->args);
	free(line->address);
	*line = (OscLine){0};
}

/* Whether s, printed bare, reads back as this same string. */
static bool
prints_bare(const char* s)
{
	bool marked;
	if (!*s || *s == '#' || is_int_text(s) || is_float_text(s, &marked) ||
	    (s[1] == ':' && (s[0] == 'i' || s[0] == 'f' || s[0] == 's'))) {
		return false;
	}
	for (; *s; ++s) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '"' || *s == '\\') {
			return false;
		}
	}
	return true;
}

void
osc_print_string(FILE* f, const char* s)
{
	if (prints_bare(s)) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; ++s) {
		const unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c < ' ' || c == 0x7f) {
			fprintf(f, "\\x%02x", c);
		} else {
			fputc(c, f);
		}
	}
	fputc('"', f);
}
