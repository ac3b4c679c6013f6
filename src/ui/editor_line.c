/* SPDX-License-Identifier: ISC
 *
 * The line argument of the editors people set as $VISUAL or $EDITOR
 * (editor_line.h). An editor not in the table gets the file alone, as
 * before: a wrong guess would open a file named "+12".
 */
#include "editor_line.h"

#include <stdio.h>
#include <string.h>

static const char* const plus_editors[] = {"vi",  "vim", "nvim", "gvim", "view", "nano",  "emacs", "emacsclient",
                                           "micro", "kak", "joe", "jed", "mg",   "ne",   "gedit", "pluma", "xed"};
static const char* const dash_l_editors[] = {"kate", "kwrite", "geany"};
static const char* const goto_editors[]   = {"code", "codium", "code-oss", "vscodium"};
static const char* const colon_editors[]  = {"subl", "sublime_text"};
/* "xterm -e vim": the editor is the word after the terminal's -e, -x or --. */
static const char* const terminals[] = {"xterm", "uxterm", "x-terminal-emulator", "gnome-terminal", "konsole",
                                        "xfce4-terminal", "mate-terminal", "lxterminal", "urxvt", "alacritty",
                                        "kitty", "st", "foot", "terminator", "tilix"};

static int
in(const char* name, size_t len, const char* const* list, size_t n)
{
	for (size_t i = 0; i < n; ++i) {
		if (strlen(list[i]) == len && !strncmp(list[i], name, len)) {
			return 1;
		}
	}
	return 0;
}

EditorLine
editor_line_style(const char* editor)
{
	if (!editor) {
		return EDITOR_LINE_NONE;
	}
	editor += strspn(editor, " \t");
	size_t len = strcspn(editor, " \t");
	/* the base name of the first word */
	for (size_t i = len; i > 0; --i) {
		if (editor[i - 1] == '/') {
			editor += i;
			len -= i;
			break;
		}
	}
#define IN(list) in(editor, len, list, sizeof(list) / sizeof(list[0]))
	if (IN(terminals)) {
		for (const char* w = editor + len; *w; ++w) {
			if ((w[0] == ' ' || w[0] == '\t') && (!strncmp(w + 1, "-e ", 3) || !strncmp(w + 1, "-x ", 3) ||
			                                       !strncmp(w + 1, "-- ", 3))) {
				return editor_line_style(w + 4);
			}
		}
		return EDITOR_LINE_NONE;
	}
	if (IN(plus_editors)) {
		return EDITOR_LINE_PLUS;
	}
	if (IN(dash_l_editors)) {
		return EDITOR_LINE_DASH_L;
	}
	if (IN(goto_editors)) {
		return EDITOR_LINE_GOTO;
	}
	if (IN(colon_editors)) {
		return EDITOR_LINE_COLON;
	}
#undef IN
	return EDITOR_LINE_NONE;
}

int
editor_line_args(EditorLine style, const char* path, unsigned line, char args[EDITOR_ARGS_MAX][EDITOR_ARG_LEN])
{
	if (!line || style == EDITOR_LINE_NONE) {
		snprintf(args[0], EDITOR_ARG_LEN, "%s", path);
		return 1;
	}
	switch (style) {
	case EDITOR_LINE_PLUS:
		snprintf(args[0], EDITOR_ARG_LEN, "+%u", line);
		snprintf(args[1], EDITOR_ARG_LEN, "%s", path);
		return 2;
	case EDITOR_LINE_DASH_L:
		snprintf(args[0], EDITOR_ARG_LEN, "-l");
		snprintf(args[1], EDITOR_ARG_LEN, "%u", line);
		snprintf(args[2], EDITOR_ARG_LEN, "%s", path);
		return 3;
	case EDITOR_LINE_GOTO:
		snprintf(args[0], EDITOR_ARG_LEN, "-g");
		snprintf(args[1], EDITOR_ARG_LEN, "%s:%u", path, line);
		return 2;
	case EDITOR_LINE_COLON:
		snprintf(args[0], EDITOR_ARG_LEN, "%s:%u", path, line);
		return 1;
	default:
		snprintf(args[0], EDITOR_ARG_LEN, "%s", path);
		return 1;
	}
}

int
status_names_file(const char* status, const char* path)
{
	const size_t n = path ? strlen(path) : 0;
	if (!status || !n) {
		return 0;
	}
	if (n <= 60) {
		return !strncmp(status, path, n) && status[n] == ':' && status[n + 1] == ' ';
	}
	return !strncmp(status, "...", 3) && !strncmp(status + 3, path + n - 57, 57) && status[60] == ':' &&
	       status[61] == ' ';
}
