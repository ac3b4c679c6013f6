/* SPDX-License-Identifier: ISC
 *
 * The one table of module types (see module_registry.h). One-voice modules
 * are registered through the one-voice adapter (dsp/one_voice.h), so every
 * type handed out keeps the lane-group contract. Lookups are linear: a
 * dozen names, read by the parser on the worker thread.
 */
#include "module_registry.h"

#include "dsp/one_voice.h"
#include "suggest.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern const ModuleType module_sine, module_saw, module_square, module_triangle, module_noise,
	module_lfo, module_adsr, module_vca, module_mix, module_svf, module_ladder, module_drive,
	module_pan, module_op, module_delay, module_comb, module_pluck, module_formant, module_reverb, module_chorus, module_echo,
	module_eq, module_comp, module_phaser, module_wavetable, module_brickwall;

ONE_VOICE_HOOKS(module_sine);
ONE_VOICE_HOOKS(module_square);
ONE_VOICE_HOOKS(module_triangle);
ONE_VOICE_HOOKS(module_noise);
ONE_VOICE_HOOKS(module_lfo);
ONE_VOICE_HOOKS(module_svf);
ONE_VOICE_HOOKS(module_drive);
ONE_VOICE_HOOKS(module_op);
ONE_VOICE_HOOKS(module_formant);
ONE_VOICE_HOOKS(module_eq);

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
	LANES(module_pan),      ONE_VOICE(module_op),
	LANES(module_delay),    LANES(module_comb),    LANES(module_pluck),
	ONE_VOICE(module_formant), LANES(module_reverb), LANES(module_chorus), LANES(module_echo),
	ONE_VOICE(module_eq),       LANES(module_comp),    LANES(module_phaser),
	LANES(module_wavetable), LANES(module_brickwall),
};

#define REGISTRY_COUNT (sizeof entries / sizeof entries[0])

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

bool
module_registry_is_adapted(const ModuleType* type)
{
	types();
	return type >= adapted && type < adapted + REGISTRY_COUNT;
}

/* Words a newcomer types for a module type, and the type to propose. */
static const struct {
	const char* alias;
	const char* type;
} aliases[] = {
	{"env", "adsr"},         {"envelope", "adsr"}, {"eg", "adsr"},
	{"filter", "svf"},       {"lowpass", "svf"},   {"highpass", "svf"},
	{"lpf", "svf"},          {"hpf", "svf"},       {"vcf", "ladder"},
	{"moog", "ladder"},      {"pulse", "square"},  {"pwm", "square"},
	{"sawtooth", "saw"},     {"amp", "vca"},       {"gain", "vca"},
	{"mixer", "mix"},        {"distortion", "drive"}, {"saturation", "drive"},
	{"overdrive", "drive"},  {"white", "noise"},  {"panner", "pan"},
	{"stereo", "pan"},      {"balance", "pan"},
	{"wt", "wavetable"},     {"morph", "wavetable"},
	{"echo", "delay"},       {"karplus", "pluck"}, {"string", "pluck"},
};

const char*
module_registry_suggest(const char* name, size_t len)
{
	const ModuleType* const* registry = types();
	Suggest                  sg;
	suggest_init(&sg, name, len);
	for (unsigned i = 0; i < REGISTRY_COUNT; ++i) {
		suggest_try(&sg, registry[i]->name);
	}
	for (unsigned i = 0; i < sizeof aliases / sizeof aliases[0]; ++i) {
		suggest_alias(&sg, aliases[i].alias, aliases[i].type);
	}
	return suggest_best(&sg);
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
