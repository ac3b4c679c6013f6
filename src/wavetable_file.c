/* SPDX-License-Identifier: ISC
 *
 * Reading a `wavetable` statement's file (wavetable_file.h). The file is
 * opened without blocking and checked to be a regular file first (a FIFO
 * or a device named by mistake must not hold the worker, as with patch
 * files), then handed to libsndfile, which knows WAV, AIFF, FLAC and the
 * rest and says plainly when a file is none of them.
 */
#include "wavetable_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The path to open: w's own when absolute or when there is no folder. */
static void
resolve(char* out, size_t cap, const char* dir, const char* path)
{
	if (path[0] == '/' || !dir || !dir[0]) {
		snprintf(out, cap, "%s", path);
	} else {
		snprintf(out, cap, "%s/%s", dir, path);
	}
}

WtTable*
wavetable_file_load(const PatchWavetable* w, const char* dir, PatchError* err)
{
	char path[4096 + PATCH_MAX_PATH + 2];
	resolve(path, sizeof path, dir, w->path);
	const unsigned line = w->pos.line, col = w->pos.col;
	const int      fd   = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		patch_error_set(err, line, col, "cannot open wavetable file '%s': %s", w->path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		patch_error_set(err, line, col, "wavetable file '%s' is not a regular file", w->path);
		return NULL;
	}
	if ((unsigned long long)st.st_size > WT_FILE_MAX_BYTES) {
		close(fd);
		patch_error_set(err, line, col, "wavetable file '%s' is %llu bytes, expected at most %u MiB", w->path,
		                (unsigned long long)st.st_size, WT_FILE_MAX_BYTES >> 20);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	SF_INFO  info = {0};
	SNDFILE* sf   = sf_open_fd(fd, SFM_READ, &info, 1); /* closes fd, also on failure */
	if (!sf) {
		patch_error_set(err, line, col, "wavetable file '%s' is not audio libsndfile reads: %s", w->path,
		                sf_strerror(NULL));
		return NULL;
	}
	const unsigned long long frames = info.frames > 0 ? (unsigned long long)info.frames : 0;
	const unsigned long long waves  = frames / w->wave;
	if (info.channels < 1 || waves < 1) {
		sf_close(sf);
		patch_error_set(err, line, col,
		                "wavetable file '%s' holds %llu samples, expected at least one wave of %u (give the samples "
		                "per wave after the file name if its waves are shorter)",
		                w->path, frames, w->wave);
		return NULL;
	}
	if (waves > WT_MAX_FRAMES) {
		sf_close(sf);
		patch_error_set(err, line, col, "wavetable file '%s' holds %llu waves of %u samples, expected at most %u",
		                w->path, waves, w->wave, WT_MAX_FRAMES);
		return NULL;
	}
	const size_t n     = (size_t)waves * w->wave;
	float*       inter = malloc(n * (size_t)info.channels * sizeof(float));
	float*       mono  = malloc(n * sizeof(float));
	if (!inter || !mono) {
		free(inter);
		free(mono);
		sf_close(sf);
		patch_error_set(err, line, col, "out of memory reading wavetable file '%s'", w->path);
		return NULL;
	}
	const sf_count_t got = sf_readf_float(sf, inter, (sf_count_t)n);
	sf_close(sf);
	if (got != (sf_count_t)n) {
		free(inter);
		free(mono);
		patch_error_set(err, line, col, "wavetable file '%s' ended after %lld of its %zu samples", w->path,
		                (long long)got, n);
		return NULL;
	}
	for (size_t i = 0; i < n; ++i) {
		mono[i] = inter[i * (size_t)info.channels]; /* the first channel */
	}
	free(inter);
	WtTable* t = wt_table_from_waves(mono, (unsigned)waves, w->wave);
	free(mono);
	if (!t) {
		patch_error_set(err, line, col, "out of memory making the wavetable of '%s'", w->path);
	}
	return t;
}
