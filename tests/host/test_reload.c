/* SPDX-License-Identifier: ISC
 *
 * Hot reload through the plugin (issue 15, item 1): a patch loaded from a
 * file is built again when the file changes on disk, saved in place or by
 * rename as editors do, while a note plays, with no click; a broken save
 * is rejected with its line and column and the patch plays on; with the
 * Hot reload control off nothing is reloaded (run() then never asks the
 * worker to look: nothing could happen, however long the test waits), and
 * turned on again it picks the change up. A patch set as text is not
 * watched.
 */
#define _GNU_SOURCE
#include "click.h"
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 256u

#define LONG_NAME "a-patch-whose-file-name-is-long-enough-to-be-cut-in-the-status-line.chronus"

static char dir[64];
static char path[160];

static int
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/chronus-reload-XXXXXX");
	if (!mkdtemp(dir)) {
		return 1;
	}
	/* Long enough that the status must shorten it, keeping its end. */
	snprintf(path, sizeof path, "%s/%s", dir, LONG_NAME);
	return 0;
}

static int
teardown(void)
{
	char tmp[176];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* A sine voice at `level`, titled. */
static void
write_patch(const char* title, float level, bool by_rename)
{
	char text[512];
	snprintf(text, sizeof text,
	         "patch \"%s\"\ncreate o sine\ncreate e adsr\ncreate a vca\nconnect o a\nconnect e a.gain %g\n"
	         "set e.attack 5\nset e.sustain 1\nout a\n",
	         title, (double)level);
	char tmp[176];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE* f = fopen(by_rename ? tmp : path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	if (by_rename) {
		CU_ASSERT(rename(tmp, path) == 0); /* as vim, gedit and most editors save */
	}
}

static bool
status_has(Host* h, const void* needle)
{
	const unsigned n = host_status_count(h);
	return n && strstr(host_status(h, n - 1), (const char*)needle);
}

static void
test_saved_file_plays_at_once(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	write_patch("Live A", 0.3f, false);
	host_patch_set(h, 0, CHRONUS_URI "#patchFile", true, path, (uint32_t)strlen(path) + 1);
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, test_cond_playing, "Live A", NULL, 0, NULL));
	host_note_on(h, 0, 69, 100);
	enum { WARM = BLOCK * 40, MAX = 48000 * 60 };
	float* y = calloc(MAX, sizeof(float));
	test_render(h, y, WARM, BLOCK);

	/* Saved by rename, louder: it swaps in while the note holds. */
	write_patch("Live B", 0.6f, true);
	size_t frames = WARM;
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, test_cond_playing, "Live B", y + WARM, MAX - WARM - 48000, &frames));
	const size_t swap = frames - BLOCK, fade = test_fade_frames(h);
	test_render(h, y + frames, fade + 8192, BLOCK);
	frames += fade + 8192;
	CU_ASSERT(status_has(h, "(reloaded: the file changed)"));
	const double m     = click_metric_around(y, frames, swap, fade + BLOCK, 4096);
	const double level = 20.0 * log10(test_rms(y + frames - 4800, 4800) / test_rms(y + WARM - 4800, 4800));
	printf("\n  hot reload by rename while a note holds: swapped %zu frames after the save, click metric %.3f, "
	       "level %+.2f dB (the new patch is 6.02 dB louder)\n",
	       swap - WARM, m, level);
	CU_ASSERT(m < CLICK_BOUND_SWAP);
	CU_ASSERT(fabs(level - 6.02) < 0.1);

	/* Saved in place, broken: rejected with its position; B plays on. A
	 * save in place can be seen half written (the worker may look between
	 * the truncation and the write, and say so); the whole file is read at
	 * the next look, its size having changed. */
	FILE* f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("patch \"Live C\"\ncreate o sine\nconnect o nowhere\nout o\n", f);
	fclose(f);
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, status_has, "line 3, col 11", NULL, 0, NULL));
	CU_ASSERT(status_has(h, "...") && status_has(h, "cut-in-the-status-line.chronus: line 3, col 11"));
	printf("  broken save: \"%s\", error line %.0f col %.0f\n", host_status(h, host_status_count(h) - 1),
	       (double)host_get_control(h, "error_line"), (double)host_get_control(h, "error_column"));
	CU_ASSERT(host_get_control(h, "error") == 1.0f);
	CU_ASSERT(host_get_control(h, "error_line") == 3.0f && host_get_control(h, "error_column") == 11.0f);
	CU_ASSERT(test_cond_playing(h, "Live B"));

	/* Hot reload off: a save changes nothing (run() asks no more). */
	host_set_control(h, "hot_reload", 0.0f);
	test_render(h, y, BLOCK * 4, BLOCK); /* a check under way finishes */
	write_patch("Live D", 0.3f, true);
	test_render(h, y, 48000, BLOCK); /* 1 s: ten checks' worth, were it on */
	CU_ASSERT(test_cond_playing(h, "Live B"));
	/* On again: the save is seen. */
	host_set_control(h, "hot_reload", 1.0f);
	CU_ASSERT(test_run_until(h, BLOCK, test_cond_playing, "Live D", NULL, 0, NULL));
	free(y);
	host_free(h);
}

/* A patch set as text is not a file: nothing is watched, even the file
 * an earlier patch came from. */
static void
test_text_patch_is_not_watched(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	write_patch("File E", 0.3f, false);
	host_patch_set(h, 0, CHRONUS_URI "#patchFile", true, path, (uint32_t)strlen(path) + 1);
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, test_cond_playing, "File E", NULL, 0, NULL));
	CU_ASSERT_FATAL(test_load_patch(h, "patch \"Text F\"\ncreate o sine\nout o\n"));
	write_patch("File G", 0.3f, true);
	float y[BLOCK];
	for (unsigned i = 0; i < 200; ++i) { /* 1 s of checks, the worker settled after each block */
		host_run(h, BLOCK, y, NULL);
		host_settle(h);
	}
	CU_ASSERT(test_cond_playing(h, "Text F"));
	host_free(h);
}

/* A file asked for and refused: the patch playing plays on, and the save
 * that mends the refused file brings it in (the UI's "Edit file" opens it
 * at the error's line); the file played before is no longer watched. */
static void
test_refused_file_is_watched(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_FATAL(test_load_patch(h, "patch \"Text H\"\ncreate o sine\nout o\n"));
	FILE* f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("patch \"Broken I\"\ncreate o sine\nconnect o nowhere\nout o\n", f);
	fclose(f);
	host_patch_set(h, 0, CHRONUS_URI "#patchFile", true, path, (uint32_t)strlen(path) + 1);
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, status_has, "line 3, col 11", NULL, 0, NULL));
	CU_ASSERT(test_cond_playing(h, "Text H"));
	write_patch("Mended I", 0.3f, true);
	CU_ASSERT(test_run_until(h, BLOCK, test_cond_playing, "Mended I", NULL, 0, NULL));
	CU_ASSERT(status_has(h, "(reloaded: the file changed)"));
	host_free(h);
}

int
suite_reload(void)
{
	CU_pSuite s = CU_add_suite("reload: the patch file, saved, plays at once", setup, teardown);
	return !s || !CU_add_test(s, "a saved file swaps in while a note holds; broken saves are refused; the switch",
	                          test_saved_file_plays_at_once) ||
	       !CU_add_test(s, "a patch set as text is not watched", test_text_patch_is_not_watched) ||
	       !CU_add_test(s, "a file refused is watched: the save that mends it plays", test_refused_file_is_watched);
}
