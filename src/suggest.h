/* SPDX-License-Identifier: ISC
 *
 * "Did you mean": the one rule by which every error message proposes a
 * known word for a misspelt one (statements, module types, modules,
 * inputs, parameters, choices, note sources). Worker thread (the parser).
 *
 * Offer the known word at the smallest distance, if it is close:
 * - Damerau distance (optimal string alignment: insert, delete, replace,
 *   swap two neighbours, each one edit), ignoring ASCII case;
 * - close means at most max(1, len / 3) edits for a typed word of len
 *   letters, and fewer edits than either word has letters ("fm" is 2 from
 *   "lfo", 2 letters: nothing is close); a typed word of 3+ letters that
 *   starts a known word, or that a known word of 3+ letters starts,
 *   counts as one edit ("vel" -> velocity, "sawtooth" -> saw);
 * - a synonym from a table the caller gives counts as zero edits
 *   ("env" -> adsr);
 * - ties go to the longer common prefix, then to the word tried first.
 * Nothing close: no suggestion ("pan", "seq" get none).
 */
#ifndef CHRONUS_SUGGEST_H
#define CHRONUS_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#define SUGGEST_MAX 64 /* words longer than this get no suggestion */

typedef struct {
	const char* word;
	size_t      len;
	const char* best;
	unsigned    dist;
	size_t      prefix; /* common prefix of word and best */
} Suggest;

/* Start with the typed word (word[0..len), not NUL-terminated). */
void suggest_init(Suggest* s, const char* word, size_t len);

/* Consider one known word (NUL-terminated; kept by pointer). */
void suggest_try(Suggest* s, const char* known);

/* Consider a synonym: if the typed word is `alias` (any case), `known`
 * is proposed as if it were typed exactly. */
void suggest_alias(Suggest* s, const char* alias, const char* known);

/* The closest known word, or NULL. */
static inline const char*
suggest_best(const Suggest* s)
{
	return s->best;
}

#endif
