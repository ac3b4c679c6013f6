/* SPDX-License-Identifier: ISC
 *
 * The one table of module types (see module_registry.h). One-voice modules
 * are registered through the one-voice adapter (dsp/one_voice.h), so every
 * type handed out keeps the lane-group contract. Lookups are linear: a
 * dozen names, read by the parser on the worker thread.
 */
#include "module_registry.h"

#include "dsp/one_voice.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern const ModuleType module_sine, module_saw, module_square, module_triangle, module_noise,
	module_lfo, module_adsr, module_vca, module_mix, module_svf, module_ladder, module_drive;

ONE_VOICE_HOOKS(module_sine);
ONE_VOICE_HOOKS(module_square);
ONE_VOICE_HOOKS(module_triangle);
ONE_VOICE_HOOKS(module_noise);
ONE_VOICE_HOOKS(module_lfo);
ONE_VOICE_HOOKS(module_svf);
ONE_VOICE_HOOKS(module_drive);

/* A module as written, and the adapter's hooks when it is one-voice. */
typedef struct {
	const ModuleType*    type;
	const OneVoiceHooks* one_voice;
} Entry;

#define LANES(m)     {&m, NULL}
#define ONE_VOICE(m) {&m, &m##_hooks}

static const Entry entries[] = {
	ONE_VOICE(module_sine), LANES(module_saw),     ONE_VOICE(module_square),
	ONE_VOICE(module_triangle), ONE_VOICE(module_noise), ONE_VOICE(module_lfo),
	LANES(module_adsr),     LANES(module_vca),     LANES(module_mix),
	ONE_VOICE(module_svf),  LANES(module_ladder),  ONE_VOICE(module_drive),
};

#define REGISTRY_COUNT (sizeof entries / sizeof entries[0])
#define NAME_MAX_LEN   32 /* longest type name suggest() compares against */

/* The types handed out: the lane-group modules themselves, the adapted
 * copies of the one-voice ones. Built once, by whichever thread asks
 * first (worker threads of several plugin instances may race). */
static const ModuleType* built[REGISTRY_COUNT];
static ModuleType        adapted[REGISTRY_COUNT];
static pthread_once_t    registry_once = PTHREAD_ONCE_INIT;

static void
registry_build(void)
{
	for (unsigned i = 0; i < REGISTRY_COUNT; ++i) {
		const Entry* e = &entries[i];
		if (!(e->type->flags & MODULE_LANES) != !!e->one_voice) {
			abort(); /* a one-voice module registered without the adapter, or the reverse */
		}
		if (e->one_voice) {
			one_voice_adapt(&adapted[i], e->type, e->one_voice);
			built[i] = &adapted[i];
		} else {
			built[i] = e->type;
		}
	}
}

static const ModuleType* const*
types(void)
{
	pthread_once(&registry_once, registry_build);
	return built;
}

unsigned
module_registry_count(void)
{
	return REGISTRY_COUNT;
}

const ModuleType*
module_registry_at(unsigned index)
{
	return index < REGISTRY_COUNT ? types()[index] : NULL;
}

/* name[0..len) equals the NUL-terminated s. */
static bool
same(const char* s, const char* name, size_t len)
{
	return strlen(s) == len && memcmp(s, name, len) == 0;
}

const ModuleType*
module_registry_find(const char* name, size_t len)
{
	const ModuleType* const* registry = types();
	for (unsigned i = 0; i < REGISTRY_COUNT; ++i) {
		if (same(registry[i]->name, name, len)) {
			return registry[i];
		}
	}
	return NULL;
}

static size_t
min3(size_t a, size_t b, size_t c)
{
	const size_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* Edit distance counting an adjacent swap as one edit ("swa" is 1 from
 * "saw"), the most common typo. Rows run over the known name (bounded),
 * the typed name may be any length. */
static size_t
edit_distance(const char* a, size_t la, const char* b, size_t lb)
{
	size_t rows[3][NAME_MAX_LEN + 1];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= lb; ++j) {
		prev[j] = j;
	}
	for (size_t i = 1; i <= la; ++i) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; ++j) {
			const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
			    && pp[j - 2] + 1 < cur[j]) {
				cur[j] = pp[j - 2] + 1;
			}
		}
		size_t* t = pp;
		pp        = prev;
		prev      = cur;
		cur       = t;
	}
	return prev[lb];
}

/* The closest name, if it is within 2 edits or a third of the typed
 * length, whichever allows more; ties go to the earlier type. */
const char*
module_registry_suggest(const char* name, size_t len)
{
	const size_t limit = len / 3 > 2 ? len / 3 : 2;
	const ModuleType* const* registry = types();
	const char*  best  = NULL;
	size_t       best_d = limit + 1;
	for (unsigned i = 0; i < REGISTRY_COUNT; ++i) {
		const char*  cand = registry[i]->name;
		const size_t lc   = strlen(cand);
		const size_t gap  = lc > len ? lc - len : len - lc;
		if (lc > NAME_MAX_LEN || gap >= best_d) {
			continue; /* cannot beat the best so far */
		}
		const size_t d = edit_distance(name, len, cand, lc);
		if (d < best_d) {
			best_d = d;
			best   = cand;
		}
	}
	if (!best) {
		/* A longer spelling of a known name: 'sawtooth', 'sine_wave'. */
		for (unsigned i = 0; i < REGISTRY_COUNT; ++i) {
			const char*  cand = registry[i]->name;
			const size_t lc   = strlen(cand);
			if (lc >= 3 && lc < len && !memcmp(name, cand, lc) && (!best || lc > strlen(best))) {
				best = cand;
			}
		}
	}
	return best;
}

int
module_input_index(const ModuleType* type, const char* name, size_t len)
{
	for (unsigned i = 0; type && i < type->n_inputs; ++i) {
		if (same(type->inputs[i].name, name, len)) {
			return (int)i;
		}
	}
	return -1;
}

int
module_param_index(const ModuleType* type, const char* name, size_t len)
{
	for (unsigned i = 0; type && i < type->n_params; ++i) {
		if (same(type->params[i].name, name, len)) {
			return (int)i;
		}
	}
	return -1;
}
