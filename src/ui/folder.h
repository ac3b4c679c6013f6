/* SPDX-License-Identifier: ISC
 *
 * Folders of patch files for the UI (folder.c): the user's patch folder,
 * a folder's sub-folders and *.chronus files sorted for a list, and a new
 * file named after a patch that never replaces one. Only the C library:
 * the unit tests link it.
 */
#ifndef CHRONUS_UI_FOLDER_H
#define CHRONUS_UI_FOLDER_H

#include <stdbool.h>
#include <stddef.h>

#define FOLDER_NAME 256 /* a name in a listing, with its '\0' */
#define FOLDER_MAX  512 /* entries kept of one folder */

typedef struct {
	char name[FOLDER_NAME]; /* "bass.chronus", or a sub-folder's name */
	bool dir;
} FolderEntry;

typedef struct {
	FolderEntry entry[FOLDER_MAX]; /* folders first, then files, each by name */
	unsigned    n;
	bool        truncated; /* the folder held more than FOLDER_MAX */
} FolderList;

/* The user's patch folder: $XDG_DATA_HOME/chronus/patches, else
 * ~/.local/share/chronus/patches. false when neither is set. */
bool folder_user(char* dir, size_t cap);

/* mkdir -p dir. */
bool folder_make(const char* dir);

/* dir's sub-folders (not hidden ones) and *.chronus files into out.
 * Returns 0, or the errno of opening the folder. */
int folder_list(const char* dir, FolderList* out);

/* dir without its last component ("/a/b" -> "/a", "/a" -> "/"). false at "/". */
bool folder_parent(char* dir);

/* "Acid 303!" -> "acid-303": lower case letters and digits, one '-' for
 * each run of anything else; "patch" when nothing is left. */
void folder_slug(const char* title, char* slug, size_t cap);

/* Writes text to a new file in dir named after title ("acid-303.chronus",
 * else "acid-303-2.chronus", ...), never over an existing one; its path
 * into path. false when it cannot. */
bool folder_new_file(const char* dir, const char* title, const char* text, size_t len, char* path, size_t cap);

#endif
