/* SPDX-License-Identifier: ISC
 *
 * Every patch in docs/patch-language.md's ```chronus blocks, and every file
 * in examples/, is loaded as a patch file by chronus-render (the shipped
 * renderer, a real lilv host) and must prime and play on both channels:
 * the same samples on both for a mono patch, different ones for a stereo
 * patch (a `pan` statement, or a stereo master effect).
 */
#define _GNU_SOURCE
#include "helpers.h"
#include "module_registry.h"
#include "suites.h"

#include <CUnit/CUnit.h>

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char*
env_or(const char* name, const char* fallback)
{
	const char* v = getenv(name);
	return v && *v ? v : fallback;
}

static char*
slurp(const char* path)
{
	FILE* f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	const long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char* s = calloc(1, (size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* Whether a patch text has a `pan` statement (a line whose first word is
 * `pan`): then it is stereo. */
static bool
declares_stereo(const char* text)
{
	for (const char* line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		while (*line == ' ' || *line == '\t') {
			++line;
		}
		if (!strncmp(line, "pan", 3) && (line[3] == ' ' || line[3] == '\t')) {
			return true;
		}
		/* create NAME TYPE master, TYPE a stereo effect (MODULE_STEREO) */
		char name[64], type[64], master[16];
		if (sscanf(line, "create %63s %63s %15s", name, type, master) == 3 && !strcmp(master, "master")) {
			const ModuleType* t = module_registry_find(type, strlen(type));
			if (t && (t->flags & MODULE_STEREO)) {
				return true;
			}
		}
	}
	return false;
}

/* Renders the patch file through chronus-render; true if it primed and
 * played finite, audible audio on both channels: the same samples on both
 * for a mono patch, different ones for a stereo patch (a `pan` statement,
 * or a stereo master effect). */
static bool
render_patch_file(const char* patch_path, const char* what)
{
	char*      source = slurp(patch_path);
	const bool stereo = source && declares_stereo(source);
	free(source);
	char dir[] = "/tmp/chronus-docs-XXXXXX";
	if (!mkdtemp(dir)) {
		return false;
	}
	char score[512], wav[512], log[512], cmd[2048];
	snprintf(score, sizeof(score), "%s/s.score", dir);
	snprintf(wav, sizeof(wav), "%s/out.wav", dir);
	snprintf(log, sizeof(log), "%s/log.txt", dir);
	FILE* f = fopen(score, "w");
	/* A chord of 48 and 60, and after it key 36 alone: a drum kit's kick
	 * (a patch with `zone`s may hear none of the chord's keys). */
	fprintf(f, "length 1.5\nat 0 patch %s\nat 0.2 note 48 100 0.5\nat 0.2 note 60 100 0.5\nat 0.8 note 36 100 0.3\n",
	        patch_path);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "'%s/chronus-render' '%s' '%s' > '%s' 2>&1",
	         env_or("CHRONUS_BUILD_DIR", "build"), score, wav, log);
	const int rc   = system(cmd);
	char*     text = slurp(log);
	const bool primed = text && strstr(text, "primed") && !strstr(text, "rejected");
	SF_INFO info = {0};
	SNDFILE* snd = sf_open(wav, SFM_READ, &info);
	float    peak = 0.0f, peak_right = 0.0f;
	bool     finite = true, same = true;
	if (snd) {
		/* Both channels: in a mono patch the right one must be the left
		 * one exactly, so a silent or different right side fails; in a
		 * stereo one they must differ, and both sound. */
		float buf[2048];
		sf_count_t n;
		while (info.channels == 2 && (n = sf_readf_float(snd, buf, 1024)) > 0) {
			for (sf_count_t i = 0; i < n; ++i) {
				finite &= isfinite(buf[2 * i]) && isfinite(buf[2 * i + 1]);
				same &= buf[2 * i] == buf[2 * i + 1];
				peak       = fmaxf(peak, fabsf(buf[2 * i]));
				peak_right = fmaxf(peak_right, fabsf(buf[2 * i + 1]));
			}
		}
		sf_close(snd);
	}
	const bool ok = rc == 0 && primed && snd && info.channels == 2 && finite && same != stereo && peak > 0.001f &&
	                peak_right > 0.001f;
	printf("  %-40s %s (peak %.1f dBFS left, %.1f right%s%s)\n", what, ok ? "plays" : "FAILED",
	       20.0 * log10(peak + 1e-30), 20.0 * log10(peak_right + 1e-30), stereo ? ", stereo" : "",
	       same ? "" : ", channels differ");
	if (!ok && text) {
		fprintf(stderr, "%s\n", text);
	}
	free(text);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		return false;
	}
	return ok;
}

static void
test_language_doc_examples_play(void)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/docs/patch-language.md", env_or("CHRONUS_SOURCE_DIR", "."));
	char* doc = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	unsigned    blocks = 0;
	const char* p      = doc;
	printf("\n");
	while ((p = strstr(p, "```chronus\n"))) {
		p += strlen("```chronus\n");
		const char* end = strstr(p, "```");
		CU_ASSERT_PTR_NOT_NULL_FATAL(end);
		char file[] = "/tmp/chronus-example-XXXXXX";
		const int fd = mkstemp(file);
		CU_ASSERT_FATAL(fd >= 0);
		CU_ASSERT_EQUAL(write(fd, p, (size_t)(end - p)), end - p);
		close(fd);
		char what[64];
		snprintf(what, sizeof(what), "docs/patch-language.md block %u", ++blocks);
		CU_ASSERT(render_patch_file(file, what));
		unlink(file);
		p = end + 3;
	}
	CU_ASSERT(blocks >= 3);
	free(doc);
}

static void
test_example_files_play(void)
{
	char rel[1024], dir[PATH_MAX];
	snprintf(rel, sizeof(rel), "%s/examples", env_or("CHRONUS_SOURCE_DIR", "."));
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(rel, dir));
	DIR* d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	unsigned       n = 0;
	struct dirent* e;
	printf("\n");
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".chronus")) {
			continue;
		}
		char path[PATH_MAX + 256];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		CU_ASSERT(render_patch_file(path, e->d_name));
		++n;
	}
	closedir(d);
	CU_ASSERT(n >= 2);
}

int
suite_docs(void)
{
	CU_pSuite s = CU_add_suite("docs", NULL, NULL);
	return !s || !CU_add_test(s, "every patch in docs/patch-language.md plays through chronus-render", test_language_doc_examples_play) ||
	       !CU_add_test(s, "every file in examples/ plays through chronus-render", test_example_files_play);
}
