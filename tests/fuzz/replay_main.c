/* SPDX-License-Identifier: ISC
 *
 * A main() for the fuzz targets without libFuzzer: feeds every file named
 * on the command line (or found in a folder named there, in name order) to
 * LLVMFuzzerTestOneInput once, so `./waf test` replays the seed corpora and
 * every input that ever found a bug, under the plain build and under the
 * sanitizer builds. A target's own check aborts; a sanitizer report ends
 * the process; either way the input being replayed is named on stderr.
 * Replaying no input at all is a failure too (a wrong path proves nothing).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#endif

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

static char current[4096];

/* Names the input that failed, from a signal handler or a sanitizer's
 * death callback: write(2) only. */
static void
name_current(void)
{
	static const char what[] = "\nfuzz replay: failed on input ";
	if (write(2, what, sizeof(what) - 1) < 0 || write(2, current, strlen(current)) < 0 || write(2, "\n", 1) < 0) {
		return;
	}
}

static void
on_signal(int sig)
{
	name_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
replay_file(const char* path)
{
	FILE* f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fuzz replay: cannot open %s\n", path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	const long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	/* An exact-size copy, so a read past the input is a heap overflow. */
	uint8_t* data = malloc(len > 0 ? (size_t)len : 1);
	const size_t got = len > 0 ? fread(data, 1, (size_t)len, f) : 0;
	fclose(f);
	if (len < 0 || got != (size_t)len) {
		fprintf(stderr, "fuzz replay: cannot read %s\n", path);
		free(data);
		return -1;
	}
	snprintf(current, sizeof(current), "%s", path);
	LLVMFuzzerTestOneInput(data, got);
	free(data);
	return 1;
}

static int
by_name(const struct dirent** a, const struct dirent** b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
replay_dir(const char* dir)
{
	struct dirent** names = NULL;
	const int n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "fuzz replay: cannot list %s\n", dir);
		return -1;
	}
	int count = 0;
	for (int i = 0; i < n; ++i) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		struct stat st;
		if (names[i]->d_name[0] != '.' && !stat(path, &st) && S_ISREG(st.st_mode)) {
			const int r = replay_file(path);
			count = r < 0 || count < 0 ? -1 : count + r;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int
main(int argc, char** argv)
{
	signal(SIGABRT, on_signal);
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGFPE, on_signal);
	signal(SIGILL, on_signal);
#ifdef __SANITIZE_ADDRESS__
	__sanitizer_set_death_callback(name_current);
#endif
	if (LLVMFuzzerInitialize) {
		LLVMFuzzerInitialize(&argc, &argv);
	}
	int  total = 0;
	bool bad   = false;
	for (int i = 1; i < argc; ++i) {
		struct stat st;
		if (stat(argv[i], &st)) {
			fprintf(stderr, "fuzz replay: %s does not exist\n", argv[i]);
			bad = true;
			continue;
		}
		const int n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]);
		if (n <= 0) {
			fprintf(stderr, "fuzz replay: no input replayed from %s\n", argv[i]);
			bad = true;
		} else {
			total += n;
		}
	}
	printf("fuzz replay %s: %d inputs%s\n", argc > 0 ? argv[0] : "?", total, bad ? ", FAILED" : ", no finding");
	return bad || total == 0 ? 1 : 0;
}
