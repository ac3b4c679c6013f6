/* SPDX-License-Identifier: ISC
 *
 * The description of a compiled slot that the plugin sends to its UI
 * (chronus:graph, docs/ui.md): the modules that run, in execution order,
 * the wires between them with their depths, the output, the knob names,
 * the macro bindings and the title. A small line-based text, one record per line,
 * fields separated by tabs, so the UI parses it without an RDF library.
 * WORKER THREAD: written right after a build, never in run().
 */
#ifndef CHRONUS_GRAPH_DESC_H
#define CHRONUS_GRAPH_DESC_H

#include "patch.h"
#include "slot.h"

#include <stddef.h>

/* Bytes the description of the largest patch takes, with room to spare:
 * 64 modules, 128 wires, 8 knob names and 32 macros of the longest names. */
#define GRAPH_DESC_MAX 32768u
#define GRAPH_DESC_VERSION 1

/* Writes the description of slot (compiled from patch) into out (cap
 * bytes, NUL-terminated); returns its length without the NUL. A
 * description that would not fit ends at its last whole line with a
 * "truncated" record. */
size_t graph_describe(const Patch* patch, const Slot* slot, char* out, size_t cap);

#endif
