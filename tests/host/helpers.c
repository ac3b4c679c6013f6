/* SPDX-License-Identifier: ISC
 *
 * Shared host-test helpers.
 */
#include "helpers.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char* chronus_uri = CHRONUS_URI;

const char* const patch_sine = "patch \"Test Sine\"\n"
                               "create osc sine\n"
                               "create env adsr\n"
                               "create amp vca\n"
                               "connect osc amp\n"
                               "connect env amp.gain\n"
                               "set osc.level 0.5\n"
                               "set env.attack 5\n"
                               "set env.decay 10\n"
                               "set env.sustain 1\n"
                               "set env.release 50\n"
                               "out amp\n";

Host*
test_host_with(const HostConfig* cfg)
{
	char  err[512];
	Host* h = host_new(cfg, chronus_uri, err, sizeof(err));
	if (!h) {
		fprintf(stderr, "\n  %s\n", err);
	}
	return h;
}

Host*
test_host(HostWorkerMode mode, uint32_t max_block)
{
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.rate      = TEST_RATE;
	cfg.max_block = max_block;
	cfg.worker    = mode;
	cfg.quiet     = true;
	return test_host_with(&cfg);
}

bool
test_load_patch(Host* h, const char* text)
{
	const unsigned before = host_status_count(h);
	host_patch_set(h, 0, CHRONUS_URI "#patchText", false, text, (uint32_t)strlen(text));
	const uint32_t block = host_max_block(h) < 256 ? host_max_block(h) : 256;
	float          buf[256];
	host_run(h, block, buf, NULL);
	host_settle(h);
	/* The swap starts in the next block and lasts the crossfade (30 ms). */
	for (unsigned done = 0; done < 4096; done += block) {
		host_run(h, block, buf, NULL);
	}
	const char* last = host_status_count(h) > before ? host_status(h, host_status_count(h) - 1) : NULL;
	return last && strstr(last, "primed");
}

void
test_render(Host* h, float* out, size_t n, uint32_t block)
{
	for (size_t pos = 0; pos < n; pos += block) {
		const uint32_t m = (uint32_t)(n - pos < block ? n - pos : block);
		host_run(h, m, out + pos, NULL);
	}
}

double
test_frequency(const float* x, size_t n, double rate)
{
	double first = -1.0, last = -1.0;
	size_t count = 0;
	for (size_t i = 1; i < n; ++i) {
		if (x[i - 1] < 0.0f && x[i] >= 0.0f) {
			const double t = (double)(i - 1) + (double)x[i - 1] / ((double)x[i - 1] - (double)x[i]);
			if (first < 0.0) {
				first = t;
			}
			last = t;
			++count;
		}
	}
	return count > 1 ? (double)(count - 1) * rate / (last - first) : 0.0;
}

float
test_peak(const float* x, size_t n)
{
	float p = 0.0f;
	for (size_t i = 0; i < n; ++i) {
		p = fmaxf(p, fabsf(x[i]));
	}
	return p;
}

double
test_rms(const float* x, size_t n)
{
	double s = 0.0;
	for (size_t i = 0; i < n; ++i) {
		s += (double)x[i] * x[i];
	}
	return n ? sqrt(s / (double)n) : 0.0;
}

bool
test_all_finite(const float* x, size_t n)
{
	for (size_t i = 0; i < n; ++i) {
		if (!isfinite(x[i])) {
			return false;
		}
	}
	return true;
}

static unsigned long stereo_blocks;

unsigned long
test_stereo_blocks(void)
{
	return stereo_blocks;
}

void
test_run_stereo(Host* h, uint32_t n, float* left)
{
	/* The host tests drive a plugin from one thread at a time. */
	static float right[65536];
	if (n > sizeof(right) / sizeof(right[0])) {
		CU_FAIL("test_run_stereo: block too long");
		return;
	}
	host_run(h, n, left, right);
	++stereo_blocks;
	if (memcmp(left, right, n * sizeof(float))) {
		size_t i = 0;
		while (i < n && !memcmp(&left[i], &right[i], sizeof(float))) {
			++i;
		}
		static unsigned told;
		if (told++ < 3) {
			printf("\n  the right channel differs from the left at frame %zu of a block: %g against %g\n", i,
			       (double)right[i], (double)left[i]);
		}
		CU_FAIL("the right channel differs from the left");
	}
}

void
test_render_stereo(Host* h, float* out, size_t n, uint32_t block)
{
	for (size_t pos = 0; pos < n; pos += block) {
		const uint32_t m = (uint32_t)(n - pos < block ? n - pos : block);
		test_run_stereo(h, m, out + pos);
	}
}

bool
test_score_render_stereo(Host* h, const Score* s, BlockPlan plan, float* left)
{
	float*     right = calloc(s->frames ? s->frames : 1, sizeof(float));
	const bool ok    = score_render(h, s, plan, left, right);
	if (memcmp(left, right, s->frames * sizeof(float))) {
		CU_FAIL("the right channel differs from the left");
	}
	free(right);
	return ok;
}
