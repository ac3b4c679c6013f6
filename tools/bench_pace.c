/* SPDX-License-Identifier: ISC
 *
 * The real-time paced host cycle (bench_pace.h). Absolute sleeps on the
 * monotonic clock, so that a block that ran long does not push every later
 * deadline back.
 */
#define _GNU_SOURCE
#include "bench_pace.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

void
pace_sleep_until(double t)
{
	struct timespec ts;
	ts.tv_sec  = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
	}
}

double
pace_due(const Pacer* p)
{
	return p->t0 + (double)p->block * PACE_BLOCK / PACE_RATE;
}

double
pace_run(Pacer* p)
{
	const double due = pace_due(p);
	if (host_now() < due) {
		pace_sleep_until(due);
	}
	const double start = host_now();
	p->late += start > due + PACE_BLOCK / PACE_RATE;
	host_run(p->host, PACE_BLOCK, p->left, p->right);
	++p->block;
	return start;
}

uint32_t
pace_random(uint32_t* s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

double
pace_uniform(uint32_t* s)
{
	return (pace_random(s) >> 8) / 16777216.0;
}

static int
cmp_double(const void* a, const void* b)
{
	const double x = *(const double*)a, y = *(const double*)b;
	return (x > y) - (x < y);
}

PaceSummary
pace_summary(double* v, unsigned n)
{
	qsort(v, n, sizeof(double), cmp_double);
	PaceSummary s = {
		.median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]),
		.best   = v[0],
		.worst  = v[n - 1],
	};
	double sum = 0.0;
	for (unsigned k = 0; k < n; ++k) {
		sum += v[k];
	}
	s.mean = sum / n;
	return s;
}

Host*
pace_host_new(const char* uri, char* err, size_t err_size)
{
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.rate      = PACE_RATE;
	cfg.max_block = PACE_BLOCK;
	cfg.worker    = HOST_WORKER_THREAD; /* as a live host */
	cfg.quiet     = true;
	return host_new(&cfg, uri, err, err_size);
}
