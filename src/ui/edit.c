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
#include "editor_line.h"
#include "folder.h"

#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

bool
edit_new_file(const char* title, const char* text, size_t len, char* path, size_t cap)
{
	char dir[3072];
	return folder_user(dir, sizeof dir) && folder_new_file(dir, title, text, len, path, cap);
}

bool
edit_open(const char* path, unsigned line)
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
				static char args[EDITOR_ARGS_MAX][EDITOR_ARG_LEN];
				const int   n    = editor_line_args(editor_line_style(editor), path, line, args);
				char*       argv[5 + EDITOR_ARGS_MAX] = {"sh", "-c", "exec $0 \"$@\"", (char*)editor};
				for (int i = 0; i < n; ++i) {
					argv[4 + i] = args[i];
				}
				execv("/bin/sh", argv);
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
