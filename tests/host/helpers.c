/* SPDX-License-Identifier: ISC
 *
 * Shared host-test helpers.
 */
#include "helpers.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>
#include <lv2/atom/atom.h>

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
test_run_until(Host* h, uint32_t block, TestCondition done, const void* arg, float* out, size_t max_frames,
               size_t* frames)
{
	float          scratch[256];
	const double   deadline = host_now() + TEST_WAIT_SECONDS;
	size_t         pos      = 0;
	if (!out && block > 256) {
		block = 256;
	}
	while (!done(h, arg)) {
		if (host_now() > deadline || (out && pos + block > max_frames)) {
			fprintf(stderr, "\n  condition not met after %zu frames and %.0f s\n", pos, TEST_WAIT_SECONDS);
			return false;
		}
		host_run(h, block, out ? out + pos : scratch, NULL);
		pos += block;
		if (frames) {
			*frames += block;
		}
		host_settle(h);
	}
	return true;
}

bool
test_cond_status_after(Host* h, const void* before)
{
	return host_status_count(h) > *(const unsigned*)before;
}

bool
test_cond_playing(Host* h, const void* title)
{
	char quoted[256];
	snprintf(quoted, sizeof(quoted), "\"%s\"", (const char*)title);
	const char* now = host_last_value(h, CHRONUS_URI "#patchText");
	return now && strstr(now, quoted);
}

uint32_t
test_fade_frames(Host* h)
{
	const float ms = host_get_control(h, "crossfade");
	return (uint32_t)((ms > 0.0f ? ms : 30.0f) * 0.001 * TEST_RATE) + 256;
}

typedef struct {
	unsigned    before; /* statuses before the request */
	const char* text;
} LoadWait;

/* The request is answered: it swapped in (the plugin echoes its text with
 * the swap's status), or the newest status is an error. A status for some
 * other build (a polyphony rebuild in the same block) is not an answer. */
static bool
load_answered(Host* h, const void* arg)
{
	const LoadWait* w = (const LoadWait*)arg;
	if (host_status_count(h) <= w->before) {
		return false;
	}
	const char* now = host_last_value(h, CHRONUS_URI "#patchText");
	return (now && !strcmp(now, w->text)) || !strstr(host_status(h, host_status_count(h) - 1), "primed");
}

Host*
test_probe_host(const char* text)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	if (!h) {
		return NULL;
	}
	host_set_control(h, "limiter", 0.0f);
	if (!test_load_patch(h, text)) {
		host_free(h);
		return NULL;
	}
	return h;
}

bool
test_load_patch(Host* h, const char* text)
{
	/* Answers to earlier requests first (one asked for in the caller's
	 * last block, one that run() still held back): once the worker has
	 * finished, the next block takes what it answered and hands on what
	 * was held, and the block after that takes the rest. */
	const uint32_t block = host_max_block(h) < 256 ? host_max_block(h) : 256;
	float          buf[256];
	for (unsigned k = 0; k < 2; ++k) {
		host_settle(h);
		host_run(h, block, buf, NULL);
	}
	const LoadWait w = {host_status_count(h), text};
	host_patch_set(h, 0, CHRONUS_URI "#patchText", false, text, (uint32_t)strlen(text));
	if (!test_run_until(h, block, load_answered, &w, NULL, 0, NULL)) {
		return false;
	}
	const char* now = host_last_value(h, CHRONUS_URI "#patchText");
	if (!now || strcmp(now, text)) {
		fprintf(stderr, "\n  patch not loaded: %s\n", host_status(h, host_status_count(h) - 1));
		return false; /* rejected */
	}
	/* The swap began with that status; the fade runs in run() alone. */
	for (uint32_t done = 0, fade = test_fade_frames(h); done < fade; done += block) {
		host_run(h, block, buf, NULL);
	}
	return true;
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

unsigned
test_program_count(Host* h)
{
	LilvWorld*      w    = host_world(h);
	LilvNode*       sym  = lilv_new_string(w, "program");
	const LilvPort* port = lilv_plugin_get_port_by_symbol(host_plugin(h), sym);
	lilv_node_free(sym);
	LilvNode* max = NULL;
	if (port) {
		lilv_port_get_range(host_plugin(h), port, NULL, NULL, &max);
	}
	const unsigned n = max ? (unsigned)lilv_node_as_float(max) + 1u : 0u;
	lilv_node_free(max);
	return n;
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

const void*
test_state_get_port(const char* symbol, void* user_data, uint32_t* size, uint32_t* type)
{
	static _Thread_local float value;
	Host*                      h = (Host*)user_data;
	value                        = host_get_control(h, symbol);
	*size                        = sizeof(float);
	*type                        = host_map(h)->map(host_map(h)->handle, LV2_ATOM__Float);
	return &value;
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
		/* One failure per test: a test rendering thousands of blocks
		 * would otherwise pile up that many, and CUnit appends each to
		 * the end of a list (quadratic: a broken right channel made the
		 * host suite run past the mutation check's 900 s bound instead
		 * of failing). */
		static const CU_Test* failed_in;
		if (CU_get_current_test() != failed_in) {
			failed_in = CU_get_current_test();
			printf("\n  the right channel differs from the left at frame %zu of a block: %g against %g\n", i,
			       (double)right[i], (double)left[i]);
			CU_FAIL("the right channel differs from the left");
		}
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
