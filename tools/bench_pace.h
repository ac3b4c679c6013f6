/* SPDX-License-Identifier: ISC
 *
 * A host cycle paced in real time, for the chronus-bench modes that
 * measure latency (--reload, --osc): 256-frame blocks at 48 kHz, each run
 * at its deadline (5.33 ms apart) as an audio interface would ask for it,
 * so that a worker or an OSC thread has exactly the time a live host
 * gives it. Also the small figures both modes report.
 */
#ifndef CHRONUS_BENCH_PACE_H
#define CHRONUS_BENCH_PACE_H

#include "lv2host.h"

#include <stdint.h>

#define PACE_RATE  48000.0
#define PACE_BLOCK 256u

typedef struct {
	Host*    host;
	double   t0;     /* when block 0 was due */
	uint64_t block;  /* the next block's index */
	unsigned late;   /* blocks that started more than a block past their deadline */
	float    left[PACE_BLOCK], right[PACE_BLOCK];
} Pacer;

/* Chronus as the paced modes host it: PACE_RATE, PACE_BLOCK blocks, a
 * threaded worker as a live host has, quiet. NULL with err filled. */
Host* pace_host_new(const char* uri, char* err, size_t err_size);

/* Sleeps until t (host_now()'s clock). */
void pace_sleep_until(double t);
/* When the next block is due. */
double pace_due(const Pacer* p);
/* One block at its deadline; returns when it started. A late block starts
 * at once, as a host's next cycle would after an overrun. */
double pace_run(Pacer* p);

/* A fixed sequence (xorshift32): the same gaps on every run. */
uint32_t pace_random(uint32_t* s);
/* Uniform in [0, 1) from the same sequence. */
double pace_uniform(uint32_t* s);

typedef struct {
	double median, mean, worst, best;
} PaceSummary;

/* Sorts v (n > 0) and summarises it. */
PaceSummary pace_summary(double* v, unsigned n);

#endif
