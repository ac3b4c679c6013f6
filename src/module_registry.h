/* SPDX-License-Identifier: ISC
 *
 * The one table of module types. The parser resolves `create` words here,
 * the compiler sizes and wires modules from it, the tests sweep it, and
 * docs/modules.md is generated from it (`build/tests/unit-tests
 * --write-modules-doc docs/modules.md`; `./waf test` checks it).
 */
#ifndef CHRONUS_MODULE_REGISTRY_H
#define CHRONUS_MODULE_REGISTRY_H

#include "dsp/module.h"

unsigned          module_registry_count(void);
const ModuleType* module_registry_at(unsigned index);
/* Exact, case-sensitive lookup; NULL when unknown. */
const ModuleType* module_registry_find(const char* name, size_t len);
/* Closest known type name to a misspelt one (or to a common synonym:
 * env -> adsr, filter -> svf, pulse -> square), or NULL if nothing is
 * close; the rule is suggest.h's. */
const char*       module_registry_suggest(const char* name, size_t len);

/* Whether a registered type is a one-voice module run through the
 * adapter (dsp/one_voice.h), for the docs; the engine never asks. */
bool module_registry_is_adapted(const ModuleType* type);

/* Index of a named input or parameter of a type, or -1. */
int module_input_index(const ModuleType* type, const char* name, size_t len);
int module_param_index(const ModuleType* type, const char* name, size_t len);

#endif
