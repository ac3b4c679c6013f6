/* SPDX-License-Identifier: ISC
 *
 * The User bank: the *.chronus files of the user's folder (where "Save"
 * and "Edit a copy" write) as bank "User", and one level of sub-folders
 * as banks "User/<name>", each sorted by name (folder.c's order). Read
 * again when the UI opens and after a save; UI thread only.
 */
#include "user_presets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds the files of list (in sub, "" for the folder itself) as bank. */
static void
add_files(UserPresets* up, const FolderList* list, const char* sub, const char* bank)
{
	for (unsigned i = 0; i < list->n; ++i) {
		const FolderEntry* e = &list->entry[i];
		if (e->dir) {
			continue;
		}
		if (up->n == UP_MAX) {
			up->truncated = true;
			return;
		}
		UserPreset* p = &up->preset[up->n++];
		snprintf(p->bank, sizeof p->bank, "%s", bank);
		snprintf(p->name, sizeof p->name, "%.*s", (int)(strlen(e->name) - 8), e->name); /* less ".chronus" */
		snprintf(p->rel, sizeof p->rel, "%s%s%s", sub, sub[0] ? "/" : "", e->name);
	}
}

void
user_presets_scan(UserPresets* up, const char* dir)
{
	up->n         = 0;
	up->truncated = false;
	snprintf(up->dir, sizeof up->dir, "%s", dir ? dir : "");
	FolderList* top = malloc(sizeof *top);
	FolderList* sub = malloc(sizeof *sub);
	if (top && sub && up->dir[0] && folder_list(up->dir, top) == 0) {
		add_files(up, top, "", "User");
		for (unsigned i = 0; i < top->n; ++i) {
			char path[sizeof up->dir + FOLDER_NAME + 1];
			char bank[sizeof up->preset[0].bank];
			if (!top->entry[i].dir) {
				continue;
			}
			snprintf(path, sizeof path, "%s/%s", up->dir, top->entry[i].name);
			snprintf(bank, sizeof bank, "User/%s", top->entry[i].name);
			if (folder_list(path, sub) == 0) {
				add_files(up, sub, top->entry[i].name, bank);
			}
		}
	}
	free(sub);
	free(top);
}

bool
user_presets_path(const UserPresets* up, unsigned i, char* path, size_t cap)
{
	if (i >= up->n) {
		return false;
	}
	const int n = snprintf(path, cap, "%s/%s", up->dir, up->preset[i].rel);
	return n > 0 && (size_t)n < cap;
}

int
user_presets_find(const UserPresets* up, const char* path)
{
	const size_t d = strlen(up->dir);
	if (!d || strncmp(path, up->dir, d) || path[d] != '/') {
		return -1;
	}
	for (unsigned i = 0; i < up->n; ++i) {
		if (!strcmp(path + d + 1, up->preset[i].rel)) {
			return (int)i;
		}
	}
	return -1;
}
