/* SPDX-License-Identifier: ISC
 *
 * Folders of patch files, for the User bank, "Save" and "Open..." in the
 * UI (docs/ui.md). Plain C library calls, UI thread only; nothing here
 * knows X11 or cairo, so the unit tests check it (tests/unit/test_folder.c).
 */
#define _DEFAULT_SOURCE
#include "folder.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

bool
folder_user(char* dir, size_t cap)
{
	const char* data = getenv("XDG_DATA_HOME");
	const char* home = getenv("HOME");
	int         n    = -1;
	if (data && data[0] == '/') {
		n = snprintf(dir, cap, "%s/chronus/patches", data);
	} else if (home && home[0] == '/') {
		n = snprintf(dir, cap, "%s/.local/share/chronus/patches", home);
	}
	return n > 0 && (size_t)n < cap;
}

bool
folder_make(const char* path)
{
	char dir[4096];
	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
		return false;
	}
	for (char* p = dir + 1; *p; ++p) {
		if (*p == '/') {
			*p            = '\0';
			const bool ok = mkdir(dir, 0755) == 0 || errno == EEXIST;
			*p            = '/';
			if (!ok) {
				return false;
			}
		}
	}
	return mkdir(dir, 0755) == 0 || errno == EEXIST;
}

/* Folders before files; then by name without case, then with it (so the
 * order never depends on the folder's); files by name less ".chronus", so
 * "pad" comes before "pad-2". */
static int
entry_order(const void* a, const void* b)
{
	const FolderEntry* x = a;
	const FolderEntry* y = b;
	if (x->dir != y->dir) {
		return x->dir ? -1 : 1;
	}
	char p[FOLDER_NAME], q[FOLDER_NAME];
	snprintf(p, sizeof p, "%.*s", (int)(strlen(x->name) - (x->dir ? 0 : 8)), x->name);
	snprintf(q, sizeof q, "%.*s", (int)(strlen(y->name) - (y->dir ? 0 : 8)), y->name);
	const int c = strcasecmp(p, q);
	return c ? c : strcmp(p, q);
}

static bool
is_patch_name(const char* name)
{
	const size_t n = strlen(name);
	return n > 8 && !strcmp(name + n - 8, ".chronus");
}

int
folder_list(const char* dir, FolderList* out)
{
	out->n         = 0;
	out->truncated = false;
	DIR* d         = opendir(dir);
	if (!d) {
		return errno ? errno : ENOENT;
	}
	for (struct dirent* e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= FOLDER_NAME) {
			continue; /* hidden, ".", "..", or too long to keep */
		}
		char        path[4096 + FOLDER_NAME];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0) {
			continue;
		}
		const bool sub = S_ISDIR(st.st_mode);
		if (!sub && !(S_ISREG(st.st_mode) && is_patch_name(e->d_name))) {
			continue;
		}
		if (out->n == FOLDER_MAX) {
			out->truncated = true;
			break;
		}
		FolderEntry* f = &out->entry[out->n++];
		snprintf(f->name, sizeof f->name, "%s", e->d_name);
		f->dir = sub;
	}
	closedir(d);
	qsort(out->entry, out->n, sizeof out->entry[0], entry_order);
	return 0;
}

bool
folder_parent(char* dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/') {
		dir[--n] = '\0';
	}
	char* slash = strrchr(dir, '/');
	if (!slash || n <= 1) {
		return false;
	}
	slash[slash == dir ? 1 : 0] = '\0';
	return true;
}

void
folder_slug(const char* title, char* slug, size_t cap)
{
	size_t n = 0;
	for (const char* c = title ? title : ""; *c && n + 1 < cap; ++c) {
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
	if (!n) {
		snprintf(slug, cap, "patch");
		return;
	}
	slug[n] = '\0';
}

bool
folder_new_file(const char* dir, const char* title, const char* text, size_t len, char* path, size_t cap)
{
	char slug[64];
	folder_slug(title, slug, sizeof slug);
	if (!folder_make(dir)) {
		return false;
	}
	for (int k = 1; k < 1000; ++k) {
		const int n = k == 1 ? snprintf(path, cap, "%s/%s.chronus", dir, slug)
		                     : snprintf(path, cap, "%s/%s-%d.chronus", dir, slug, k);
		if (n < 0 || (size_t)n >= cap) {
			return false;
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
