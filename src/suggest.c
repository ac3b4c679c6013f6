/* SPDX-License-Identifier: ISC
 *
 * The one "did you mean" rule (see suggest.h). Worker thread.
 */
#include "suggest.h"

/* strlen with a bound (strnlen is POSIX, not C11). */
static size_t
bounded_len(const char* s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n]) {
		++n;
	}
	return n;
}

static char
fold(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Damerau distance (optimal string alignment), ignoring ASCII case;
 * lengths <= SUGGEST_MAX. */
static unsigned
edit_distance(const char* a, size_t la, const char* b, size_t lb)
{
	unsigned rows[3][SUGGEST_MAX + 1]; /* rows i-2, i-1 and i, rotating */
	for (size_t j = 0; j <= lb; ++j) {
		rows[0][j] = rows[1][j] = (unsigned)j;
	}
	for (size_t i = 1; i <= la; ++i) {
		unsigned*       cur  = rows[i % 3];
		const unsigned* prev = rows[(i + 2) % 3];
		const unsigned* prv2 = rows[(i + 1) % 3];
		cur[0]               = (unsigned)i;
		for (size_t j = 1; j <= lb; ++j) {
			const unsigned cost = fold(a[i - 1]) != fold(b[j - 1]);
			unsigned       best = prev[j - 1] + cost;
			if (prev[j] + 1 < best) {
				best = prev[j] + 1;
			}
			if (cur[j - 1] + 1 < best) {
				best = cur[j - 1] + 1;
			}
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && prv2[j - 2] + 1 < best) {
				best = prv2[j - 2] + 1;
			}
			cur[j] = best;
		}
	}
	return rows[la % 3][lb];
}

/* Length of the common prefix, ignoring case. */
static size_t
common_prefix(const char* a, size_t la, const char* b, size_t lb)
{
	size_t i = 0;
	while (i < la && i < lb && fold(a[i]) == fold(b[i])) {
		++i;
	}
	return i;
}

void
suggest_init(Suggest* s, const char* word, size_t len)
{
	s->word   = word;
	s->len    = len;
	s->best   = NULL;
	s->dist   = ~0u;
	s->prefix = 0;
}

static void
consider(Suggest* s, const char* known, unsigned d, size_t prefix)
{
	if (d < s->dist || (d == s->dist && prefix > s->prefix)) {
		s->best   = known;
		s->dist   = d;
		s->prefix = prefix;
	}
}

void
suggest_try(Suggest* s, const char* known)
{
	if (!known || s->len == 0 || s->len > SUGGEST_MAX) {
		return;
	}
	const size_t lk = bounded_len(known, SUGGEST_MAX + 1);
	if (lk == 0 || lk > SUGGEST_MAX) {
		return;
	}
	unsigned     d      = edit_distance(s->word, s->len, known, lk);
	const size_t prefix = common_prefix(s->word, s->len, known, lk);
	const size_t shorter = s->len < lk ? s->len : lk;
	if (shorter >= 3 && prefix == shorter && d > 1) {
		d = 1; /* one starts the other: "vel" / velocity, "sawtooth" / saw */
	}
	const unsigned limit = s->len / 3 > 1 ? (unsigned)(s->len / 3) : 1u;
	if (d > limit || d >= lk || d >= s->len) {
		return;
	}
	consider(s, known, d, prefix);
}

void
suggest_alias(Suggest* s, const char* alias, const char* known)
{
	const size_t la = bounded_len(alias, SUGGEST_MAX + 1);
	if (known && la == s->len && common_prefix(s->word, s->len, alias, la) == la) {
		consider(s, known, 0, la);
	}
}
