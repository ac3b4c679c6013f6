/* SPDX-License-Identifier: ISC
 *
 * chronus-bench --reload: how long a saved patch file takes to be heard.
 * The plugin watches its patch file (run() asks the worker to look every
 * 100 ms); this measures, in a host paced in real time, the wall-clock
 * time from an editor's save (write a temporary file, rename it over the
 * patch) to the start of the block in which the crossfade to the new
 * patch begins. Kept out of chronus_bench.c: it is the one measurement
 * that sleeps, and the one that writes files.
 */
#ifndef CHRONUS_BENCH_RELOAD_H
#define CHRONUS_BENCH_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	unsigned saves;      /* asked for */
	unsigned swaps;      /* saves whose crossfade was seen within 2 s */
	double   median_ms, mean_ms, worst_ms, best_ms; /* save → first crossfaded block */
	double   prime_mean_ms;  /* the worker's build and prime, from the plugin's status */
	unsigned slot_flips;     /* saves after which the active_slot output had changed */
	unsigned late_blocks;    /* blocks that started more than a block past their deadline */
	double   level_db[2];    /* output RMS with each of the two texts playing */
	char     change[160];    /* what differs between the two texts */
	char     error[256];
} ReloadFigures;

/* Loads Chronus (URI), plays one held note with `text` as its patch file,
 * saves it `saves` times alternating with a second text, and fills *f.
 * False, and f->error, if the plugin would not start or load the patch. */
bool bench_reload(const char* uri, const char* text, unsigned saves, ReloadFigures* f);

#endif
