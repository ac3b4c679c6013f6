/* SPDX-License-Identifier: ISC
 *
 * The UI's "Edit" button: the patch playing opens in the user's editor
 * ($VISUAL, else $EDITOR, else xdg-open), and the plugin's hot reload
 * brings each save in. A patch that came from a file opens that file; one
 * that is only text (a factory preset, a session's patch) is first written
 * to a new file in the user's folder ($XDG_DATA_HOME/chronus/patches, else
 * ~/.local/share/chronus/patches), which the plugin is then told to play
 * (and so to watch). UI thread only; the editor runs detached.
 */
#define _DEFAULT_SOURCE
#include "edit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* mkdir -p of dir (a writable copy). */
static bool
make_dirs(char* dir)
{
	for (char* p = dir + 1; *p; ++p) {
		if (*p == '/') {
			*p = '\0';
			const bool ok = mkdir(dir, 0755) == 0 || errno == EEXIST;
			*p            = '/';
			if (!ok) {
				return false;
			}
		}
	}
	return mkdir(dir, 0755) == 0 || errno == EEXIST;
}

bool
edit_new_file(const char* title, const char* text, size_t len, char* path, size_t cap)
{
	char        dir[3072];
	const char* data = getenv("XDG_DATA_HOME");
	const char* home = getenv("HOME");
	if (data && data[0] == '/') {
		snprintf(dir, sizeof dir, "%s/chronus/patches", data);
	} else if (home && home[0] == '/') {
		snprintf(dir, sizeof dir, "%s/.local/share/chronus/patches", home);
	} else {
		return false;
	}
	if (!make_dirs(dir)) {
		return false;
	}
	/* "Acid 303" -> "acid-303.chronus", then -2, -3... : never over a file. */
	char slug[64];
	size_t n = 0;
	for (const char* c = title && title[0] ? title : "patch"; *c && n + 1 < sizeof slug; ++c) {
		const char ch = (char)((*c >= 'A' && *c <= 'Z') ? *c - 'A' + 'a' : *c);
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			slug[n++] = ch;
		} else if (n && slug[n - 1] != '-') {
			slug[n++] = '-';
		}
	}
	while (n && slug[n - 1] == '-') {
		--n;
	}
	slug[n] = '\0';
	for (int k = 1; k < 1000; ++k) {
		if (k == 1) {
			snprintf(path, cap, "%s/%s.chronus", dir, slug[0] ? slug : "patch");
		} else {
			snprintf(path, cap, "%s/%s-%d.chronus", dir, slug[0] ? slug : "patch", k);
		}
		const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 && errno == EEXIST) {
			continue;
		}
		if (fd < 0) {
			return false;
		}
		const bool ok = write(fd, text, len) == (ssize_t)len;
		return close(fd) == 0 && ok;
	}
	return false;
}

bool
edit_open(const char* path)
{
	const char* editor = getenv("VISUAL");
	if (!editor || !editor[0]) {
		editor = getenv("EDITOR");
	}
	/* Twice forked: the editor belongs to no one here, and leaves no
	 * zombie in the host when it exits. */
	const pid_t child = fork();
	if (child < 0) {
		return false;
	}
	if (child == 0) {
		if (fork() == 0) {
			setsid();
			if (editor && editor[0]) { /* "$EDITOR" may hold arguments: the shell splits it */
				execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", editor, path, (char*)NULL);
			} else {
				execlp("xdg-open", "xdg-open", path, (char*)NULL);
			}
			_exit(127);
		}
		_exit(0);
	}
	int status = 0;
	waitpid(child, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
