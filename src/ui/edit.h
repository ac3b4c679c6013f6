/* SPDX-License-Identifier: ISC
 *
 * The UI's edit loop (edit.c): a new patch file in the user's folder, and
 * the user's editor opened on a file.
 */
#ifndef CHRONUS_UI_EDIT_H
#define CHRONUS_UI_EDIT_H

#include <stdbool.h>
#include <stddef.h>

/* Writes text (len bytes) to a new file named after title in the user's
 * patch folder; its path into path. false when it cannot. */
bool edit_new_file(const char* title, const char* text, size_t len, char* path, size_t cap);

/* Starts the user's editor on path, detached, at line if it is not 0 and
 * the editor is one that takes a line (editor_line.h). false when it could
 * not be started. */
bool edit_open(const char* path, unsigned line);

#endif
