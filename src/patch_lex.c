/* SPDX-License-Identifier: ISC
 *
 * Lexer of the patch language. Words are classified here (name, number or
 * anything else) so the parser can say "expected a number '12abc'" about
 * the whole word the user wrote rather than about a fragment of it.
 */
#include "patch_lex.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

static bool
is_blank(char c)
{
	/* A CR is only ever the first half of a CR LF, or stray: either way
	 * it separates words and is not worth an error of its own. */
	return c == ' ' || c == '\t' || c == '\r';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_ident_char(char c)
{
	return is_ident_start(c) || is_digit(c);
}

/* Bytes that end every word: whitespace, the comment and string marks. */
static bool
is_separator(char c)
{
	return is_blank(c) || c == '\n' || c == '#' || c == '"';
}

void
patch_lex_init(PatchLexer* lex, const char* text, size_t len)
{
	/* Pointer arithmetic on NULL is undefined even with offset 0. */
	lex->text       = text ? text : "";
	lex->len        = text ? len : 0;
	lex->pos        = 0;
	lex->line       = 1;
	lex->line_start = 0;
}

static size_t
digits(const char* s, size_t len, size_t i)
{
	while (i < len && is_digit(s[i])) {
		++i;
	}
	return i;
}

/* Whether s[0..len) is exactly a number of the grammar. Checked by hand
 * because strtod also takes "inf", "0x1p3", ".5" and leading spaces. */
bool
patch_is_number(const char* s, size_t len)
{
	size_t i = 0;
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		++i;
	}
	size_t j = digits(s, len, i);
	if (j == i) {
		return false;
	}
	i = j;
	if (i < len && s[i] == '.') {
		j = digits(s, len, i + 1);
		if (j == i + 1) {
			return false;
		}
		i = j;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		++i;
		if (i < len && (s[i] == '+' || s[i] == '-')) {
			++i;
		}
		j = digits(s, len, i);
		if (j == i) {
			return false;
		}
		i = j;
	}
	return i == len;
}

static PatchToken
make(PatchLexer* lex, PatchTokKind kind, size_t start, size_t end)
{
	PatchToken t;
	t.kind   = kind;
	t.error  = LEX_OK;
	t.text   = lex->text + start;
	t.len    = end - start;
	t.line   = lex->line;
	t.col    = (unsigned)(start - lex->line_start + 1);
	lex->pos = end;
	return t;
}

static PatchToken
lex_string(PatchLexer* lex, size_t start)
{
	const char* s = lex->text;
	size_t      i = start + 1;
	while (i < lex->len && s[i] != '\n') {
		if (s[i] == '"') {
			return make(lex, TOK_STRING, start, i + 1);
		}
		if (s[i] == '\\') {
			if (i + 1 >= lex->len || s[i + 1] == '\n' || s[i + 1] == '\r') {
				break; /* the line ends inside the string */
			}
			if (s[i + 1] != '"' && s[i + 1] != '\\') {
				PatchToken t = make(lex, TOK_ERROR, i, i + 2);
				t.error      = LEX_BAD_ESCAPE;
				return t;
			}
			i += 2;
			continue;
		}
		++i;
	}
	/* Report from the opening quote to the end of the line, minus a CR. */
	while (i < lex->len && s[i] != '\n') {
		++i;
	}
	size_t end = i;
	if (end > start + 1 && s[end - 1] == '\r') {
		--end;
	}
	PatchToken t = make(lex, TOK_ERROR, start, end);
	t.error      = LEX_UNTERMINATED;
	return t;
}

PatchToken
patch_lex_next(PatchLexer* lex)
{
	const char* s = lex->text;
	size_t      i = lex->pos;

	while (i < lex->len && is_blank(s[i])) {
		++i;
	}
	if (i < lex->len && s[i] == '#') {
		while (i < lex->len && s[i] != '\n') {
			++i;
		}
	}
	if (i >= lex->len) {
		return make(lex, TOK_END, lex->len, lex->len);
	}

	const char c = s[i];
	if (c == '\n') {
		PatchToken t = make(lex, TOK_NEWLINE, i, i + 1);
		lex->line += 1;
		lex->line_start = i + 1;
		return t;
	}
	if (c == '"') {
		return lex_string(lex, i);
	}
	if (c == '.') {
		return make(lex, TOK_DOT, i, i + 1);
	}

	size_t j = i;
	if (is_ident_start(c)) {
		while (j < lex->len && is_ident_char(s[j])) {
			++j;
		}
		/* "osc.pitch" splits at the dot; "osc-2" is one bad word. */
		if (j >= lex->len || is_separator(s[j]) || s[j] == '.') {
			return make(lex, TOK_IDENT, i, j);
		}
	} else if (is_digit(c) || c == '+' || c == '-') {
		/* A number keeps its dots and signs: "1.5e-3" is one word. */
		while (j < lex->len && !is_separator(s[j])) {
			++j;
		}
		return make(lex, patch_is_number(s + i, j - i) ? TOK_NUMBER : TOK_WORD, i, j);
	}
	while (j < lex->len && !is_separator(s[j]) && s[j] != '.') {
		++j;
	}
	if (j == i) {
		j = i + 1; /* never stall, whatever the byte */
	}
	return make(lex, TOK_WORD, i, j);
}

size_t
patch_lex_string(const PatchToken* tok, char* dst, size_t cap)
{
	size_t n = 0;
	if (tok->kind != TOK_STRING || tok->len < 2) {
		return 0;
	}
	for (size_t i = 1; i + 1 < tok->len; ++i) {
		char c = tok->text[i];
		if (c == '\\' && i + 2 < tok->len) {
			c = tok->text[++i]; /* the lexer allowed only \" and \\ */
		}
		if (n < cap) {
			dst[n] = c;
		}
		++n;
	}
	return n;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The value of a TOK_NUMBER. Not strtod: that reads "0.5" as 0 under a host
 * locale with a decimal comma (hosts call setlocale), and the text is not
 * NUL-terminated. Up to 19 significant digits are exact in a uint64, and a
 * power of ten up to 1e22 is exact in a double, so the common case is one
 * correctly rounded operation, as strtod would give; beyond that pow() is
 * far more precise than the float the value ends up in. */
double
patch_number_value(const char* s, size_t len)
{
	size_t   i    = 0;
	bool     neg  = false;
	uint64_t mant = 0;
	unsigned sig  = 0; /* significant digits kept in mant */
	long     e10  = 0;
	if (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-';
		++i;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; ++i) {
		if (sig < 19) {
			mant = mant * 10 + (uint64_t)(s[i] - '0');
			sig += mant != 0;
		} else {
			++e10; /* a dropped integer digit still scales */
		}
	}
	if (i < len && s[i] == '.') {
		for (++i; i < len && s[i] >= '0' && s[i] <= '9'; ++i) {
			if (sig < 19) {
				mant = mant * 10 + (uint64_t)(s[i] - '0');
				sig += mant != 0;
				--e10;
			}
		}
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		bool eneg = false;
		long e    = 0;
		++i;
		if (i < len && (s[i] == '+' || s[i] == '-')) {
			eneg = s[i] == '-';
			++i;
		}
		for (; i < len && s[i] >= '0' && s[i] <= '9'; ++i) {
			if (e < 100000) { /* saturate: far past any float either way */
				e = e * 10 + (s[i] - '0');
			}
		}
		e10 += eneg ? -e : e;
	}
	double v;
	if (mant == 0) {
		v = 0.0;
	} else if (mant < (UINT64_C(1) << 53) && e10 >= -22 && e10 <= 22) {
		v = e10 >= 0 ? (double)mant * pow10_exact[e10] : (double)mant / pow10_exact[-e10];
	} else {
		v = (double)mant * pow(10.0, (double)e10);
	}
	return neg ? -v : v;
}
