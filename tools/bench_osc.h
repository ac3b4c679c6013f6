/* SPDX-License-Identifier: ISC
 *
 * chronus-bench --osc: how soon OSC is heard, and how much of it gets
 * through. A liblo client in the bench process talks over loopback UDP to
 * the plugin's OSC server while the plugin is played by a host paced in
 * real time (bench_pace.h): the time from a /mod send to the first block
 * whose output has changed, from a /patch/commit send to the first block
 * of its crossfade, and a flood of /mod messages at a fixed rate against
 * the count of commands run() took. Kept out of chronus_bench.c with
 * --reload: these measurements sleep, and open sockets.
 */
#ifndef CHRONUS_BENCH_OSC_H
#define CHRONUS_BENCH_OSC_H

#include <stdbool.h>

typedef struct {
	double median, mean, worst, best;
} OscSpread;

typedef struct {
	/* /engine/status asked between two blocks: the OSC thread's round trip,
	 * an upper bound on how long a message takes to reach the plugin. */
	unsigned  rtts;
	OscSpread rtt_ms;

	/* /mod/a/gain, alternating two values, with a note held. */
	unsigned  mods, mods_heard;  /* sent; changes seen within 1 s */
	OscSpread mod_ms;            /* send → start of the first changed block */
	OscSpread mod_blocks;        /* blocks begun after the send, up to the changed one (1: the first) */
	unsigned  mod_first_block;   /* heard in the first block that began after the send */
	double    mod_miss_lead_ms;  /* of those heard later: the most time between send and that first block */
	unsigned  mod_miss_early;    /* of those: sent longer than the worst round trip before it */
	double    mod_level_db[2];   /* steady output peak at gain 0.25, and at 0.5 */
	unsigned  mod_errors;        /* /error replies */

	/* Statements staged by /patch/ messages, then /patch/commit, alternating two titles. */
	unsigned  commits, commits_heard, commit_replies, commit_flips, commit_errors;
	OscSpread commit_ms;         /* send → start of the first crossfaded block */
	OscSpread prime_ms;          /* the build's prime, from the status */
	OscSpread excess_blocks;     /* from the first block after the send to the crossfade, less the prime, in blocks */
	OscSpread swap_blocks;       /* first block after the send → first crossfaded block, in blocks (whole) */
	unsigned  commit_late;       /* commits that crossfaded 3 or more blocks after the first block after the send */
	double    commit_late_lead_ms; /* of those: the most time between the send and that first block */

	/* The flood. */
	double   flood_seconds, flood_rate_asked, flood_rate; /* messages per second */
	unsigned flood_sent, flood_send_failed, flood_taken, flood_busy;
	double   flood_drain_ms;     /* from the last send until the taken count stopped growing */
	long     flood_rcvbuf_errors; /* the kernel's UDP RcvbufErrors over the flood (-1: unknown) */
	char     flood_busy_text[160];

	unsigned late_blocks;        /* blocks that started more than a block past their deadline */
	char     error[256];
} OscFigures;

/* Plays Chronus (URI) in real time with a sine patch and a held note and
 * measures `mods` /mod sends, `commits` commits and a flood of
 * `flood_seconds` at 10 000 messages a second. False, and f->error, if the
 * plugin would not start, serve OSC or load the patch. */
bool bench_osc(const char* uri, unsigned mods, unsigned commits, double flood_seconds, OscFigures* f);

#endif
