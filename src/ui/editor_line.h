/* SPDX-License-Identifier: ISC
 *
 * Opening the user's editor at a line (editor_line.c): after a rejected
 * save the "Edit file" button should put the cursor on the line the error
 * names, and each editor family spells that differently. C library only,
 * so the unit tests link it.
 */
#ifndef CHRONUS_UI_EDITOR_LINE_H
#define CHRONUS_UI_EDITOR_LINE_H

#include <stddef.h>

enum { EDITOR_ARGS_MAX = 3, EDITOR_ARG_LEN = 4200 };

typedef enum {
	EDITOR_LINE_NONE,   /* unknown editor, or xdg-open: the file alone */
	EDITOR_LINE_PLUS,   /* vi, vim, nano, emacs, gedit, micro, ...: +N FILE */
	EDITOR_LINE_DASH_L, /* kate, kwrite, geany: -l N FILE */
	EDITOR_LINE_GOTO,   /* VS Code and its builds: -g FILE:N */
	EDITOR_LINE_COLON,  /* Sublime Text: FILE:N */
} EditorLine;

/* How the editor command ($VISUAL or $EDITOR, arguments and all) takes a
 * line, judged by the base name of its first word. */
EditorLine editor_line_style(const char* editor);

/* The arguments that follow the editor command to open path at line (line
 * 0: no line, the file alone); their number, at most EDITOR_ARGS_MAX. */
int editor_line_args(EditorLine style, const char* path, unsigned line, char args[EDITOR_ARGS_MAX][EDITOR_ARG_LEN]);

/* Whether the plugin's status names path as the file of its error: it
 * begins "PATH: " or, for a path over 60 characters, "..." and the path's
 * last 57 characters then ": ". */
int status_names_file(const char* status, const char* path);

#endif
