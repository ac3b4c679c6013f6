/* SPDX-License-Identifier: ISC
 *
 * Engine figures for the record (printed, not asserted beyond sanity: the
 * tests check correctness, chronus-bench checks speed): prime time of each
 * factory patch, latency from a request to the first crossfaded sample with
 * an inline and a threaded worker, and run()'s cost during a fade relative
 * to outside one.
 */
#define _GNU_SOURCE
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Blocks from the one carrying a patch request to the one where the
 * crossfade starts (the status arrives with it). */
static void
latency(HostWorkerMode mode, const char* label)
{
	Host* h = test_host(mode, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	float    y[256];
	unsigned worst = 0, total = 0, n = 0;
	for (unsigned r = 0; r < 30; ++r) {
		const unsigned before = host_status_count(h);
		char           text[256];
		snprintf(text, sizeof(text), "create o sine\ncreate e adsr\ncreate a vca\nconnect o a\nconnect e a.gain\n"
		                             "set o.pitch %u\nout a\n", r % 12);
		host_patch_set(h, 0, CHRONUS_URI "#patchText", false, text, (uint32_t)strlen(text));
		/* Blocks paced in real time (5.33 ms each), as a live host runs
		 * them, so the threaded worker has the time it would have; the
		 * figure is what it is on this machine, and the wait is for the
		 * answer, bounded by wall time (a loaded machine answers late). */
		unsigned        blocks   = 0;
		const double    deadline = host_now() + TEST_WAIT_SECONDS;
		struct timespec next;
		clock_gettime(CLOCK_MONOTONIC, &next);
		while (host_status_count(h) == before && host_now() < deadline) {
			test_run_stereo(h, 256, y);
			++blocks;
			next.tv_nsec += 5333333;
			if (next.tv_nsec >= 1000000000) {
				next.tv_nsec -= 1000000000;
				++next.tv_sec;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		}
		for (unsigned b = 0; b < 8; ++b) { /* let the fade end */
			test_run_stereo(h, 256, y);
		}
		CU_ASSERT(host_status_count(h) > before); /* answered */
		CU_ASSERT_TRUE(host_settle(h));
		worst = blocks > worst ? blocks : worst;
		total += blocks;
		++n;
	}
	/* The request's own block counts as block 1: the fade starts in block
	 * `blocks` after it. */
	printf("\n  %s: request to first crossfaded sample: mean %.2f blocks, worst %u (256 frames at 48 kHz)\n",
	       label, (double)total / n - 1.0, worst - 1);
	host_free(h);
}

static void
test_latency(void)
{
	latency(HOST_WORKER_INLINE, "inline worker");
	latency(HOST_WORKER_THREAD, "threaded worker");
}

static void
test_fade_cost(void)
{
	Host* h = test_host(HOST_WORKER_INLINE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_set_control(h, "crossfade", 200.0f); /* a long fade to measure */
	for (uint8_t k = 0; k < 8; ++k) {
		host_note_on(h, 0, (uint8_t)(48 + 3 * k), 100);
	}
	float  y[256];
	double in_fade = 0.0, outside = 0.0;
	unsigned n_in = 0, n_out = 0;
	for (unsigned r = 0; r < 20; ++r) {
		const char* text = (r % 2) ? "create o saw\ncreate f ladder\ncreate e adsr\ncreate a vca\nconnect o f\n"
		                              "connect f a\nconnect e a.gain\nout a\n"
		                            : "create o saw\ncreate p saw\ncreate f ladder\ncreate e adsr\ncreate a vca\n"
		                              "connect o f\nconnect p f\nconnect f a\nconnect e a.gain\nset p.fine 7\nout a\n";
		host_patch_set(h, 0, CHRONUS_URI "#patchText", false, text, (uint32_t)strlen(text));
		test_run_stereo(h, 256, y); /* the build, inline */
		for (unsigned b = 0; b < 37; ++b) { /* 200 ms of fade */
			const double t0 = thread_ns();
			test_run_stereo(h, 256, y);
			in_fade += thread_ns() - t0;
			++n_in;
		}
		for (unsigned b = 0; b < 37; ++b) {
			const double t0 = thread_ns();
			test_run_stereo(h, 256, y);
			outside += thread_ns() - t0;
			++n_out;
		}
	}
	const double ratio = (in_fade / n_in) / (outside / n_out);
	printf("\n  run() during a fade: %.1f us per 256-frame block, outside: %.1f us (ratio %.2f, 8 voices)\n",
	       in_fade / n_in / 1e3, outside / n_out / 1e3, ratio);
	CU_ASSERT(ratio > 1.0); /* two slots play during a fade */
	host_free(h);
}

static void
test_prime_times(void)
{
	Host* h = test_host(HOST_WORKER_INLINE, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	float          l[256], r[256]; /* both channels: a factory patch may be stereo */
	const unsigned n = test_program_count(h);
	CU_ASSERT(n >= 13);
	printf("\n");
	for (unsigned k = 1; k < n; ++k) {
		const unsigned before = host_status_count(h);
		host_set_control(h, "program", (float)k);
		for (unsigned b = 0; b < 12; ++b) {
			host_run(h, 256, l, r);
		}
		CU_ASSERT(host_status_count(h) > before);
		if (host_status_count(h) > before) {
			printf("  program %2u: %s\n", k, host_status(h, before));
		}
	}
	host_free(h);
}

int
suite_figures(void)
{
	CU_pSuite s = CU_add_suite("figures", NULL, NULL);
	return !s || !CU_add_test(s, "prime time of every factory patch (worker CPU)", test_prime_times) ||
	       !CU_add_test(s, "latency from request to the first crossfaded sample", test_latency) ||
	       !CU_add_test(s, "run() cost during a fade relative to outside one", test_fade_cost);
}
