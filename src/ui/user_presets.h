/* SPDX-License-Identifier: ISC
 *
 * The User bank of the preset list (user_presets.c): the patch files in
 * the user's folder, and those of each of its sub-folders as a bank of
 * their own. Only the C library: the unit tests link it.
 */
#ifndef CHRONUS_UI_USER_PRESETS_H
#define CHRONUS_UI_USER_PRESETS_H

#include "folder.h"

#include <stdbool.h>
#include <stddef.h>

#define UP_MAX 128 /* user presets listed */

typedef struct {
	char bank[FOLDER_NAME + 8]; /* "User", or "User/<sub-folder>" */
	char name[FOLDER_NAME];     /* the file's name without ".chronus" */
	char rel[2 * FOLDER_NAME];  /* its path inside the user's folder */
} UserPreset;

typedef struct {
	char       dir[3072]; /* the folder scanned, "" when there is none */
	UserPreset preset[UP_MAX]; /* bank "User" first, then the sub-folders' banks, each by name */
	unsigned   n;
	bool       truncated; /* more files than UP_MAX */
} UserPresets;

/* Lists dir (the user's folder: folder_user) into up; a missing folder
 * lists nothing. UI thread. */
void user_presets_scan(UserPresets* up, const char* dir);

/* The full path of preset i. */
bool user_presets_path(const UserPresets* up, unsigned i, char* path, size_t cap);

/* The preset that is the file at path, else -1. */
int user_presets_find(const UserPresets* up, const char* path);

#endif
