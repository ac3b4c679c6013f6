/* SPDX-License-Identifier: ISC
 *
 * The hot-reload latency measurement (bench_reload.h). One thread plays
 * the host's audio cycle: it sleeps until each 256-frame block's deadline
 * at 48 kHz (5.33 ms apart), runs the block, and between two blocks does
 * what the editor does, a save by rename. The worker is a real thread, as
 * in a live host, so the build runs while blocks keep coming; nothing
 * waits for it.
 */
#define _GNU_SOURCE
#include "bench_reload.h"

#include "bench_pace.h"
#include "lv2host.h"

#include "chronus_config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RATE       PACE_RATE
#define BLOCK      PACE_BLOCK
#define WAIT_LIMIT 2.0 /* s: a save not heard by then counts as missed */

/* The reference patch's level line, and its other value: the second text
 * plays one saw 6 dB down. */
static const char level_line[]  = "set osc1.level 0.4";
static const char level_other[] = "set osc1.level 0.2";

/* Writes text to path as editors save: a temporary file renamed over it.
 * Returns the time the rename returned, or a negative value. */
static double
save(const char* path, const char* text)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE* f = fopen(tmp, "w");
	if (!f) {
		return -1.0;
	}
	const size_t len = strlen(text);
	const bool   ok  = fwrite(text, 1, len, f) == len;
	if (fclose(f) != 0 || !ok || rename(tmp, path) != 0) {
		return -1.0;
	}
	return host_now();
}

/* The new statuses since `from`: the index of a successful reload's, or
 * -1. Its frame is the crossfade's first. */
static int
reload_status(Host* h, unsigned from)
{
	for (unsigned i = from; i < host_status_count(h); ++i) {
		const char* s = host_status(h, i);
		if (s && strstr(s, "(reloaded") && strstr(s, ": primed in ") && !host_status_is_error(h, i)) {
			return (int)i;
		}
	}
	return -1;
}

/* Loads the patch file and waits (not paced) until it plays. */
static bool
load(Host* h, const char* path, ReloadFigures* f)
{
	host_patch_set(h, 0, CHRONUS_URI "#patchFile", true, path, (uint32_t)strlen(path) + 1);
	const unsigned before = host_status_count(h);
	for (unsigned b = 0; b < 400 && host_status_count(h) == before; ++b) {
		host_run(h, BLOCK, NULL, NULL);
		host_settle(h);
	}
	if (host_status_count(h) == before || host_get_control(h, "error") != 0.0f) {
		snprintf(f->error, sizeof f->error, "the patch did not load: %s",
		         host_status_count(h) > before ? host_status(h, host_status_count(h) - 1) : "no answer");
		return false;
	}
	for (unsigned b = 0; b < 40; ++b) { /* its crossfade */
		host_run(h, BLOCK, NULL, NULL);
	}
	host_settle(h);
	return true;
}

static double
mean_square(const Pacer* p)
{
	double s = 0.0;
	for (unsigned i = 0; i < BLOCK; ++i) {
		s += (double)p->left[i] * p->left[i] + (double)p->right[i] * p->right[i];
	}
	return s / (2.0 * BLOCK);
}

bool
bench_reload(const char* uri, const char* text, unsigned saves, ReloadFigures* f)
{
	memset(f, 0, sizeof *f);
	f->saves = saves;
	/* The second text: the level line changed, or, for a patch without
	 * it, one comment more (a reload all the same, not an audible one). */
	const size_t len   = strlen(text);
	char*        other = malloc(len + 64);
	const char*  at    = strstr(text, level_line);
	if (at) {
		memcpy(other, text, len + 1);
		memcpy(other + (at - text), level_other, sizeof level_other - 1);
		snprintf(f->change, sizeof f->change, "`%s` and `%s`", level_line, level_other);
	} else {
		snprintf(other, len + 64, "%s\n# saved again\n", text);
		snprintf(f->change, sizeof f->change, "a comment only (the patch has no `%s` line)", level_line);
	}
	const char* texts[2] = {text, other};

	char dir[] = "/tmp/chronus-bench-reload-XXXXXX";
	if (!mkdtemp(dir)) {
		snprintf(f->error, sizeof f->error, "cannot make a folder in /tmp: %s", strerror(errno));
		free(other);
		return false;
	}
	char path[sizeof dir + 32];
	snprintf(path, sizeof path, "%s/live.chronus", dir);

	Host*  h      = pace_host_new(uri, f->error, sizeof f->error);
	double* lat   = calloc(saves ? saves : 1, sizeof(double));
	double  prime = 0.0, level[2] = {0.0, 0.0};
	unsigned level_n[2] = {0, 0};
	bool   ok     = h && save(path, texts[0]) >= 0.0 && load(h, path, f);
	if (h && !ok && !f->error[0]) {
		snprintf(f->error, sizeof f->error, "cannot write %s", path);
	}
	if (ok) {
		host_note_on(h, 0, 57, 100); /* A3, held throughout */
		Pacer    p    = {.host = h, .t0 = host_now() + 0.01};
		uint32_t seed = 0x2545f491u;
		for (unsigned k = 0; k < saves; ++k) {
			/* 200 to 300 ms between saves: past the last crossfade, and at a
			 * random phase of the plugin's 100 ms look. The last 100 ms of it
			 * give the level of the text playing. */
			const unsigned gap  = (unsigned)((0.2 + 0.1 * (pace_random(&seed) % 1000u) / 1000.0) * RATE / BLOCK);
			const unsigned tail = (unsigned)(0.1 * RATE / BLOCK);
			double         ms   = 0.0;
			unsigned       n_ms = 0;
			for (unsigned b = 0; b < gap; ++b) {
				pace_run(&p);
				if (k > 0 && b + tail >= gap) {
					ms += mean_square(&p);
					++n_ms;
				}
			}
			if (n_ms) {
				level[k % 2] += ms / n_ms;
				++level_n[k % 2];
			}
			const float    slot_before = host_get_control(h, "active_slot");
			const unsigned before      = host_status_count(h);
			const double   saved       = save(path, texts[(k + 1) % 2]);
			if (saved < 0.0) {
				snprintf(f->error, sizeof f->error, "cannot save %s: %s", path, strerror(errno));
				ok = false;
				break;
			}
			int found = -1;
			while (found < 0 && host_now() - saved < WAIT_LIMIT) {
				const uint64_t first = host_frames_run(h);
				const double   start = pace_run(&p);
				found                = reload_status(h, before);
				if (found >= 0) {
					const uint64_t frame = host_status_frame(h, (unsigned)found);
					const double   t     = start + (double)(frame - first) / RATE;
					lat[f->swaps++]      = 1e3 * (t - saved);
					double pm            = 0.0;
					const char* st       = strstr(host_status(h, (unsigned)found), ": primed in ");
					if (st && sscanf(st, ": primed in %lf", &pm) == 1) {
						prime += pm;
					}
				}
			}
			/* The crossfade (30 ms by default) is over well inside the next
			 * gap; active_slot is read after its first 100 ms. */
			for (unsigned b = 0; found >= 0 && b < 19; ++b) {
				pace_run(&p);
			}
			f->slot_flips += found >= 0 && host_get_control(h, "active_slot") != slot_before;
		}
		f->late_blocks = p.late;
	}
	if (ok && f->swaps) {
		const PaceSummary sum = pace_summary(lat, f->swaps);
		f->median_ms          = sum.median;
		f->best_ms            = sum.best;
		f->worst_ms           = sum.worst;
		f->mean_ms            = sum.mean;
		f->prime_mean_ms      = prime / f->swaps;
	}
	for (unsigned t = 0; t < 2; ++t) {
		f->level_db[t] = level_n[t] ? 10.0 * log10(level[t] / level_n[t] + 1e-30) : NAN;
	}
	if (h) {
		host_free(h);
	}
	char tmp[sizeof path + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	unlink(path);
	rmdir(dir);
	free(lat);
	free(other);
	return ok && f->swaps > 0;
}
