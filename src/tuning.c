/* SPDX-License-Identifier: ISC
 *
 * Scala .scl and .kbm readers and the key table they give (tuning.h).
 * Tolerant where Scala is (text after a value is ignored, blank lines
 * between pitches skipped, a short keyboard map left unmapped), strict
 * where a wrong reading would play wrong notes (a ratio of 0, a missing
 * pitch, a count that is no number). Worker thread.
 */
#include "tuning.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line of the text at a time; comment lines (first non-blank '!')
 * are skipped. */
typedef struct {
	const char* text;
	size_t      len, pos;
	unsigned    line;     /* of the line last returned, 1-based */
	char        buf[256]; /* that line, cut at 255 bytes, without \r\n */
} Lines;

static bool
next_line(Lines* l)
{
	while (l->pos < l->len) {
		const size_t start = l->pos;
		while (l->pos < l->len && l->text[l->pos] != '\n') {
			++l->pos;
		}
		size_t end = l->pos;
		if (l->pos < l->len) {
			++l->pos; /* the '\n' */
		}
		++l->line;
		if (end > start && l->text[end - 1] == '\r') {
			--end;
		}
		size_t n = end - start < sizeof l->buf - 1 ? end - start : sizeof l->buf - 1;
		memcpy(l->buf, l->text + start, n);
		l->buf[n] = '\0';
		for (size_t i = 0; i < n; ++i) {
			if (l->buf[i] == '\0') {
				l->buf[i] = ' '; /* a NUL inside a line ends nothing */
			}
		}
		const char* c = l->buf;
		while (*c == ' ' || *c == '\t') {
			++c;
		}
		if (*c != '!') {
			return true;
		}
	}
	return false;
}

static const char*
skip_blanks(const char* c)
{
	while (*c == ' ' || *c == '\t') {
		++c;
	}
	return c;
}

static unsigned
col_of(const Lines* l, const char* c)
{
	return (unsigned)(c - l->buf) + 1;
}

/* A non-negative integer word at c (digits, then a blank or the end). */
static bool
read_uint(const char* c, unsigned long long limit, unsigned long long* out)
{
	if (!isdigit((unsigned char)*c)) {
		return false;
	}
	unsigned long long v = 0;
	for (; isdigit((unsigned char)*c); ++c) {
		v = v * 10 + (unsigned long long)(*c - '0');
		if (v > limit) {
			return false;
		}
	}
	*out = v;
	return *c == '\0' || *c == ' ' || *c == '\t';
}

/* A signed integer word (the keyboard map's numbers). */
static bool
read_int(const char* c, long lo, long hi, long* out)
{
	const bool neg = *c == '-';
	unsigned long long v;
	if (!read_uint(neg ? c + 1 : c, 1000000000ull, &v)) {
		return false;
	}
	const long s = neg ? -(long)v : (long)v;
	if (s < lo || s > hi) {
		return false;
	}
	*out = s;
	return true;
}

/* A word as an error message may show it: printable bytes only. */
static void
shown(char* dst, size_t size, const char* word, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;
	for (size_t i = 0; i < n; ++i) {
		const unsigned char u = (unsigned char)word[i];
		dst[i]                = u >= 0x20 && u < 0x7f ? (char)u : '?';
	}
	dst[n] = '\0';
}

/* One pitch line: cents when the word holds a '.', else a ratio p/q or
 * a whole number p. */
static bool
read_pitch(Lines* l, double* cents, PatchError* err)
{
	const char* w   = skip_blanks(l->buf);
	size_t      len = strcspn(w, " \t");
	char        word[64], show[64];
	shown(show, sizeof show, w, len);
	if (len == 0 || len >= sizeof word) {
		patch_error_set(err, l->line, col_of(l, w), "expected a pitch: cents (e.g. 100.0) or a ratio (e.g. 3/2)");
		return false;
	}
	memcpy(word, w, len);
	word[len] = '\0';
	if (strchr(word, '.')) {
		char* end;
		errno         = 0;
		const double c = strtod(word, &end);
		if (*end || errno || !isfinite(c) || fabs(c) > 1e6) {
			patch_error_set(err, l->line, col_of(l, w), "'%s' is no pitch in cents", show);
			return false;
		}
		*cents = c;
		return true;
	}
	char* slash = strchr(word, '/');
	if (slash) {
		*slash = '\0';
	}
	unsigned long long p, q = 1;
	if (!read_uint(word, 4000000000000000000ull, &p) ||
	    (slash && !read_uint(slash + 1, 4000000000000000000ull, &q))) {
		patch_error_set(err, l->line, col_of(l, w),
		                "'%s' is no pitch: cents hold a '.', ratios are whole numbers p/q", show);
		return false;
	}
	if (p == 0 || q == 0) {
		patch_error_set(err, l->line, col_of(l, w), "a ratio of %llu/%llu: a pitch ratio must be above 0", p, q);
		return false;
	}
	*cents = 1200.0 * log2((double)p / (double)q);
	return true;
}

bool
scale_parse(const char* text, size_t len, Scale* out, PatchError* err)
{
	Lines l = {.text = text, .len = len};
	memset(out, 0, sizeof *out);
	if (!next_line(&l)) {
		patch_error_set(err, 0, 0, "an empty scale file: a description line, a count and the pitches are needed");
		return false;
	}
	snprintf(out->description, sizeof out->description, "%.127s", skip_blanks(l.buf));
	if (!next_line(&l)) {
		patch_error_set(err, 0, 0, "the scale file ends after its description: the number of pitches is missing");
		return false;
	}
	const char*        c = skip_blanks(l.buf);
	unsigned long long n;
	if (!read_uint(c, 1000000ull, &n)) {
		patch_error_set(err, l.line, col_of(&l, c), "expected the number of pitches (a whole number)");
		return false;
	}
	if (n < 1 || n > SCALE_MAX_NOTES) {
		patch_error_set(err, l.line, col_of(&l, c), "a scale of %llu pitches: 1 to %d are playable", n,
		                SCALE_MAX_NOTES);
		return false;
	}
	out->n        = (unsigned)n;
	out->cents[0] = 0.0;
	unsigned k    = 0;
	while (k < out->n && next_line(&l)) {
		if (*skip_blanks(l.buf) == '\0') {
			continue;
		}
		if (!read_pitch(&l, &out->cents[k + 1], err)) {
			return false;
		}
		++k;
	}
	if (k < out->n) {
		patch_error_set(err, 0, 0, "the scale file says %u pitches but holds %u", out->n, k);
		return false;
	}
	if (!(out->cents[out->n] > 0.0)) {
		patch_error_set(err, l.line, 1, "the last pitch is the period and must be above 1/1 (it is %.4f cents)",
		                out->cents[out->n]);
		return false;
	}
	return true;
}

/* The keyboard map's header lines, in order. */
static const char* const kbm_fields[] = {
        "the map size",         "the first key to retune", "the last key to retune", "the middle key (degree 0)",
        "the reference key",    "the reference frequency", "the degree of the formal octave",
};

bool
keymap_parse(const char* text, size_t len, KeyMap* out, PatchError* err)
{
	Lines l = {.text = text, .len = len};
	memset(out, 0, sizeof *out);
	long v[5];
	for (unsigned f = 0; f < 7; ++f) {
		if (!next_line(&l)) {
			patch_error_set(err, 0, 0, "the keyboard map ends before %s", kbm_fields[f]);
			return false;
		}
		const char* c = skip_blanks(l.buf);
		if (f == 5) {
			char* end;
			errno         = 0;
			const double hz = strtod(c, &end);
			if (end == c || errno || (*end && *end != ' ' && *end != '\t') || !(hz >= 0.01) || hz > 1e5) {
				patch_error_set(err, l.line, col_of(&l, c), "expected %s in Hz, 0.01 to 100000",
				                kbm_fields[f]);
				return false;
			}
			out->ref_hz = hz;
			continue;
		}
		long       x;
		const long hi = f == 0 || f == 6 ? KEYMAP_MAX_SIZE : TUNING_KEYS - 1;
		if (!read_int(c, 0, hi, &x)) {
			patch_error_set(err, l.line, col_of(&l, c), "expected %s: a whole number from 0 to %ld", kbm_fields[f],
			                hi);
			return false;
		}
		if (f == 6) {
			out->octave_degree = (unsigned)x;
		} else {
			v[f] = x;
		}
	}
	out->size    = (unsigned)v[0];
	out->first   = (int)v[1];
	out->last    = (int)v[2];
	out->middle  = (int)v[3];
	out->ref_key = (int)v[4];
	if (out->first > out->last) {
		patch_error_set(err, 0, 0, "the first key to retune (%d) is above the last (%d)", out->first, out->last);
		return false;
	}
	unsigned k = 0;
	while (k < out->size && next_line(&l)) {
		const char* c = skip_blanks(l.buf);
		if (*c == '\0') {
			continue;
		}
		long d;
		if ((*c == 'x' || *c == 'X') && (c[1] == '\0' || c[1] == ' ' || c[1] == '\t')) {
			out->map[k++] = TUNING_UNMAPPED;
		} else if (read_int(c, 0, 1000000, &d)) {
			out->map[k++] = (int)d;
		} else {
			patch_error_set(err, l.line, col_of(&l, c), "expected a scale degree (a whole number from 0) or x");
			return false;
		}
	}
	for (; k < out->size; ++k) {
		out->map[k] = TUNING_UNMAPPED;
	}
	return true;
}

void
keymap_linear(KeyMap* out, int ref_key, double ref_hz)
{
	memset(out, 0, sizeof *out);
	out->first   = 0;
	out->last    = TUNING_KEYS - 1;
	out->middle  = ref_key;
	out->ref_key = ref_key;
	out->ref_hz  = ref_hz;
}

static long
floor_div(long a, long b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* The scale degree key plays through the map, ignoring [first, last];
 * false when its entry is 'x'. */
static bool
degree_of(const Scale* s, const KeyMap* m, int key, long* degree)
{
	const long rel = key - m->middle;
	if (m->size == 0) {
		*degree = rel;
		return true;
	}
	const long rep   = floor_div(rel, (long)m->size);
	const long entry = m->map[rel - rep * (long)m->size];
	if (entry == TUNING_UNMAPPED) {
		return false;
	}
	*degree = entry + rep * (long)(m->octave_degree ? m->octave_degree : s->n);
	return true;
}

/* A degree's pitch above degree 0, in cents: whole periods, then the
 * scale's own step. */
static double
cents_of(const Scale* s, long degree)
{
	const long p = floor_div(degree, (long)s->n);
	return (double)p * s->cents[s->n] + s->cents[degree - p * (long)s->n];
}

bool
tuning_build(const Scale* scale, const KeyMap* map, Tuning* out, PatchError* err)
{
	long ref;
	if (!degree_of(scale, map, map->ref_key, &ref)) {
		patch_error_set(err, 0, 0, "the reference key %d is unmapped (x) in the keyboard map", map->ref_key);
		return false;
	}
	const double ref_note  = 69.0 + 12.0 * log2(map->ref_hz / 440.0);
	const double ref_cents = cents_of(scale, ref);
	for (int k = 0; k < TUNING_KEYS; ++k) {
		long d;
		if (k < map->first || k > map->last || !degree_of(scale, map, k, &d)) {
			out->note[k] = NAN;
			continue;
		}
		const double note = ref_note + (cents_of(scale, d) - ref_cents) / 100.0;
		if (!isfinite(note) || fabs(note) > 1e5) {
			patch_error_set(err, 0, 0, "key %d comes out at no playable pitch", k);
			return false;
		}
		out->note[k] = (float)note;
	}
	return true;
}

void
tuning_equal(Tuning* out)
{
	for (int k = 0; k < TUNING_KEYS; ++k) {
		out->note[k] = (float)k;
	}
}
