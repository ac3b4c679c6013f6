/* SPDX-License-Identifier: ISC
 *
 * The UI's patch folders without a window (src/ui/folder.c,
 * src/ui/user_presets.c): a folder lists its sub-folders then its
 * *.chronus files, each by name, and nothing else; "Save" names a file
 * after the patch and never writes over one; the User bank lists the
 * user's folder, then one bank per sub-folder; the user's folder comes
 * from XDG_DATA_HOME, else HOME. Each test works in a folder of its own
 * under /tmp, removed after.
 */
#define _DEFAULT_SOURCE
#include "edit.h"
#include "editor_line.h"
#include "folder.h"
#include "suites.h"
#include "temp_dir.h"
#include "user_presets.h"

#include <CUnit/CUnit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void
put(const char* rel, const char* text)
{
	char  path[256];
	FILE* f;
	snprintf(path, sizeof path, "%s/%s", root, rel);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void
sub(const char* rel)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
}

static int
make_root(void)
{
	return temp_dir_make(root, sizeof root, "folder");
}

static int
remove_root(void)
{
	return temp_dir_remove(root);
}

static void
test_list_order(void)
{
	char dir[128];
	snprintf(dir, sizeof dir, "%s/list", root);
	CU_ASSERT_FATAL(folder_make(dir));
	put("list/bass.chronus", "patch \"Bass\"\n");
	put("list/Acid.chronus", "");
	put("list/zeta.chronus", "");
	put("list/bass-2.chronus", ""); /* after "bass": compared without ".chronus" */
	put("list/notes.txt", "not a patch");
	put("list/.hidden.chronus", "");
	put("list/.chronus", ""); /* hidden too */
	sub("list/Pads");
	sub("list/leads");
	sub("list/.git");
	FolderList* l = malloc(sizeof *l);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(folder_list(dir, l), 0);
	CU_ASSERT_EQUAL_FATAL(l->n, 6);
	const char* want[] = {"leads", "Pads", "Acid.chronus", "bass.chronus", "bass-2.chronus", "zeta.chronus"};
	for (unsigned i = 0; i < 6; ++i) {
		CU_ASSERT_STRING_EQUAL(l->entry[i].name, want[i]);
		CU_ASSERT_EQUAL(l->entry[i].dir, i < 2);
	}
	CU_ASSERT_FALSE(l->truncated);
	/* A folder that is not there: its errno, an empty list. */
	snprintf(dir, sizeof dir, "%s/none", root);
	CU_ASSERT_NOT_EQUAL(folder_list(dir, l), 0);
	CU_ASSERT_EQUAL(l->n, 0);
	free(l);
}

static void
test_parent(void)
{
	char d[64] = "/a/b/c/";
	CU_ASSERT(folder_parent(d));
	CU_ASSERT_STRING_EQUAL(d, "/a/b");
	CU_ASSERT(folder_parent(d));
	CU_ASSERT_STRING_EQUAL(d, "/a");
	CU_ASSERT(folder_parent(d));
	CU_ASSERT_STRING_EQUAL(d, "/");
	CU_ASSERT_FALSE(folder_parent(d));
	CU_ASSERT_STRING_EQUAL(d, "/");
}

static void
test_slug(void)
{
	char s[64];
	folder_slug("Acid 303", s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "acid-303");
	folder_slug("  Reese \"wide\" bass!! ", s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "reese-wide-bass");
	folder_slug("\xc3\xa9t\xc3\xa9", s, sizeof s); /* "été": only the t is kept */
	CU_ASSERT_STRING_EQUAL(s, "t");
	folder_slug("***", s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "patch");
	folder_slug(NULL, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "patch");
	char small[5];
	folder_slug("abcdefgh", small, sizeof small);
	CU_ASSERT_STRING_EQUAL(small, "abcd");
}

static void
test_new_file_never_overwrites(void)
{
	char dir[128], path[256], text[64];
	snprintf(dir, sizeof dir, "%s/save/deep", root); /* made on the way */
	const char* t = "patch \"Acid 303\"\n";
	for (int i = 1; i <= 3; ++i) {
		snprintf(text, sizeof text, "%s# %d\n", t, i);
		CU_ASSERT_FATAL(folder_new_file(dir, "Acid 303", text, strlen(text), path, sizeof path));
		char want[256];
		if (i == 1) {
			snprintf(want, sizeof want, "%s/acid-303.chronus", dir);
		} else {
			snprintf(want, sizeof want, "%s/acid-303-%d.chronus", dir, i);
		}
		CU_ASSERT_STRING_EQUAL(path, want);
	}
	/* The first file still holds the first text. */
	char  first[256], got[64] = "";
	snprintf(first, sizeof first, "%s/acid-303.chronus", dir);
	FILE* f = fopen(first, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	const size_t n = fread(got, 1, sizeof got - 1, f);
	fclose(f);
	got[n] = '\0';
	CU_ASSERT_STRING_EQUAL(got, "patch \"Acid 303\"\n# 1\n");
	/* A path that does not fit: refused, nothing written. */
	char tiny[16];
	CU_ASSERT_FALSE(folder_new_file(dir, "Acid 303", t, strlen(t), tiny, sizeof tiny));
}

static void
test_user_banks(void)
{
	char dir[128], path[256];
	snprintf(dir, sizeof dir, "%s/user", root);
	CU_ASSERT_FATAL(folder_make(dir));
	put("user/warm-pad.chronus", "");
	put("user/Bright.chronus", "");
	put("user/readme.md", "");
	sub("user/live");
	put("user/live/set-2.chronus", "");
	put("user/live/set-1.chronus", "");
	sub("user/empty");
	UserPresets* up = malloc(sizeof *up);
	CU_ASSERT_PTR_NOT_NULL_FATAL(up);
	user_presets_scan(up, dir);
	CU_ASSERT_EQUAL_FATAL(up->n, 4);
	const char* bank[] = {"User", "User", "User/live", "User/live"};
	const char* name[] = {"Bright", "warm-pad", "set-1", "set-2"};
	for (unsigned i = 0; i < 4; ++i) {
		CU_ASSERT_STRING_EQUAL(up->preset[i].bank, bank[i]);
		CU_ASSERT_STRING_EQUAL(up->preset[i].name, name[i]);
	}
	CU_ASSERT(user_presets_path(up, 2, path, sizeof path));
	char want[256];
	snprintf(want, sizeof want, "%s/live/set-1.chronus", dir);
	CU_ASSERT_STRING_EQUAL(path, want);
	CU_ASSERT_EQUAL(user_presets_find(up, want), 2);
	snprintf(want, sizeof want, "%s/warm-pad.chronus", dir);
	CU_ASSERT_EQUAL(user_presets_find(up, want), 1);
	CU_ASSERT_EQUAL(user_presets_find(up, "/elsewhere/warm-pad.chronus"), -1);
	CU_ASSERT_FALSE(user_presets_path(up, 4, path, sizeof path));
	/* A save shows after a new scan; a folder that is not there lists nothing. */
	CU_ASSERT(folder_new_file(dir, "Aardvark", "", 0, path, sizeof path));
	user_presets_scan(up, dir);
	CU_ASSERT_EQUAL(up->n, 5);
	CU_ASSERT_STRING_EQUAL(up->preset[0].name, "aardvark");
	snprintf(dir, sizeof dir, "%s/nowhere", root);
	user_presets_scan(up, dir);
	CU_ASSERT_EQUAL(up->n, 0);
	user_presets_scan(up, "");
	CU_ASSERT_EQUAL(up->n, 0);
	free(up);
}

static void
test_user_folder(void)
{
	char        dir[256];
	char* const data = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
	char* const home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	setenv("XDG_DATA_HOME", "/x/data", 1);
	CU_ASSERT(folder_user(dir, sizeof dir));
	CU_ASSERT_STRING_EQUAL(dir, "/x/data/chronus/patches");
	setenv("XDG_DATA_HOME", "relative", 1); /* not absolute: ignored, as the spec says */
	setenv("HOME", "/home/u", 1);
	CU_ASSERT(folder_user(dir, sizeof dir));
	CU_ASSERT_STRING_EQUAL(dir, "/home/u/.local/share/chronus/patches");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	CU_ASSERT_FALSE(folder_user(dir, sizeof dir));
	if (data) {
		setenv("XDG_DATA_HOME", data, 1);
	}
	if (home) {
		setenv("HOME", home, 1);
	}
	free(data);
	free(home);
}

/* "Edit file" after a rejected save: each editor family gets the error's
 * line its own way; an editor not known gets the file alone. */
static void
test_editor_line(void)
{
	CU_ASSERT_EQUAL(editor_line_style("vim"), EDITOR_LINE_PLUS);
	CU_ASSERT_EQUAL(editor_line_style("/usr/bin/nvim -f"), EDITOR_LINE_PLUS);
	CU_ASSERT_EQUAL(editor_line_style("  emacsclient -c"), EDITOR_LINE_PLUS);
	CU_ASSERT_EQUAL(editor_line_style("gedit"), EDITOR_LINE_PLUS);
	CU_ASSERT_EQUAL(editor_line_style("kate"), EDITOR_LINE_DASH_L);
	CU_ASSERT_EQUAL(editor_line_style("code --wait"), EDITOR_LINE_GOTO);
	CU_ASSERT_EQUAL(editor_line_style("subl -w"), EDITOR_LINE_COLON);
	CU_ASSERT_EQUAL(editor_line_style("sh /tmp/editor.sh"), EDITOR_LINE_NONE);
	CU_ASSERT_EQUAL(editor_line_style("vimx"), EDITOR_LINE_NONE); /* a name, not a prefix */
	CU_ASSERT_EQUAL(editor_line_style("/opt/vi/bin/ed"), EDITOR_LINE_NONE);
	CU_ASSERT_EQUAL(editor_line_style(NULL), EDITOR_LINE_NONE);
	CU_ASSERT_EQUAL(editor_line_style("xterm -e vim"), EDITOR_LINE_PLUS); /* the terminal's editor */
	CU_ASSERT_EQUAL(editor_line_style("gnome-terminal --wait -- nano"), EDITOR_LINE_PLUS);
	CU_ASSERT_EQUAL(editor_line_style("xterm -e less"), EDITOR_LINE_NONE);
	CU_ASSERT_EQUAL(editor_line_style("xterm"), EDITOR_LINE_NONE);

	static char a[EDITOR_ARGS_MAX][EDITOR_ARG_LEN];
	CU_ASSERT_EQUAL_FATAL(editor_line_args(EDITOR_LINE_PLUS, "/p/x.chronus", 16, a), 2);
	CU_ASSERT_STRING_EQUAL(a[0], "+16");
	CU_ASSERT_STRING_EQUAL(a[1], "/p/x.chronus");
	CU_ASSERT_EQUAL_FATAL(editor_line_args(EDITOR_LINE_DASH_L, "/p/x.chronus", 3, a), 3);
	CU_ASSERT_STRING_EQUAL(a[0], "-l");
	CU_ASSERT_STRING_EQUAL(a[1], "3");
	CU_ASSERT_STRING_EQUAL(a[2], "/p/x.chronus");
	CU_ASSERT_EQUAL_FATAL(editor_line_args(EDITOR_LINE_GOTO, "/p/x.chronus", 3, a), 2);
	CU_ASSERT_STRING_EQUAL(a[0], "-g");
	CU_ASSERT_STRING_EQUAL(a[1], "/p/x.chronus:3");
	CU_ASSERT_EQUAL_FATAL(editor_line_args(EDITOR_LINE_COLON, "/p/x.chronus", 3, a), 1);
	CU_ASSERT_STRING_EQUAL(a[0], "/p/x.chronus:3");
	/* no error, or an editor not known: the file alone */
	CU_ASSERT_EQUAL_FATAL(editor_line_args(EDITOR_LINE_PLUS, "/p/x.chronus", 0, a), 1);
	CU_ASSERT_STRING_EQUAL(a[0], "/p/x.chronus");
	CU_ASSERT_EQUAL_FATAL(editor_line_args(EDITOR_LINE_NONE, "/p/x.chronus", 9, a), 1);
	CU_ASSERT_STRING_EQUAL(a[0], "/p/x.chronus");

	/* which file the status's error is about (worker.c writes it) */
	CU_ASSERT(status_names_file("/p/x.chronus: line 3, col 1: oops", "/p/x.chronus"));
	CU_ASSERT(!status_names_file("/p/x.chronus: line 3, col 1: oops", "/p/y.chronus"));
	CU_ASSERT(!status_names_file("/p/x.chronus.bak: line 3", "/p/x.chronus"));
	CU_ASSERT(!status_names_file("X: primed in 1 ms", ""));
	const char* longp = "/home/someone/.local/share/chronus/patches/more/a-long-name-for-a-patch.chronus";
	char        st[256];
	snprintf(st, sizeof st, "...%s: line 2, col 5: unknown module", longp + strlen(longp) - 57);
	CU_ASSERT(status_names_file(st, longp));
	CU_ASSERT(!status_names_file(st, "/other/a-long-name-for-a-patch.chronus"));
}

/* The editor really gets the line: a "vi" that writes down its arguments,
 * started detached as the Edit button starts it. */
static void
test_editor_gets_line(void)
{
	char vi[4200], said[4200], patch[4200];
	snprintf(vi, sizeof vi, "%s/vi", root);
	snprintf(said, sizeof said, "%s/vi.args", root);
	snprintf(patch, sizeof patch, "%s/broken patch.chronus", root);
	FILE* f = fopen(vi, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "#!/bin/sh\necho \"$#|$1|$2\" > '%s.tmp' && mv '%s.tmp' '%s'\n", said, said, said);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(chmod(vi, 0755), 0);
	char* old = getenv("VISUAL") ? strdup(getenv("VISUAL")) : NULL;
	setenv("VISUAL", vi, 1);
	CU_ASSERT(edit_open(patch, 16));
	old ? setenv("VISUAL", old, 1) : unsetenv("VISUAL");
	free(old);
	/* the editor runs detached: wait for its note, 60 s at most */
	char line[8400] = "";
	for (int i = 0; i < 6000 && !line[0]; ++i) {
		FILE* r = fopen(said, "r");
		if (r) {
			if (!fgets(line, sizeof line, r)) {
				line[0] = '\0';
			}
			fclose(r);
		}
		if (!line[0]) {
			usleep(10000);
		}
	}
	char want[8400];
	snprintf(want, sizeof want, "2|+16|%s\n", patch);
	CU_ASSERT_STRING_EQUAL(line, want);
	unlink(said);
	unlink(vi);
}

int
suite_folder(void)
{
	CU_pSuite s = CU_add_suite("folder", make_root, remove_root);
	if (!s) {
		return 1;
	}
	return !CU_add_test(s, "a folder lists sub-folders, then patch files, by name", test_list_order) ||
	       !CU_add_test(s, "going up a folder", test_parent) ||
	       !CU_add_test(s, "a file name from a patch name", test_slug) ||
	       !CU_add_test(s, "a saved patch never replaces a file", test_new_file_never_overwrites) ||
	       !CU_add_test(s, "the User bank and its sub-folder banks", test_user_banks) ||
	       !CU_add_test(s, "the user's folder from XDG_DATA_HOME or HOME", test_user_folder) ||
	       !CU_add_test(s, "Edit after an error: the editor opens at its line", test_editor_line) ||
	       !CU_add_test(s, "Edit after an error: an editor started gets the line", test_editor_gets_line);
}
