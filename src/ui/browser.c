/* SPDX-License-Identifier: ISC
 *
 * "Open...": a file chooser drawn with cairo over the graph, mouse only
 * (the UI never takes the keyboard). It lists a folder: ".." to go up,
 * its sub-folders, its *.chronus files (folder.c); the wheel scrolls, a
 * click opens a folder or picks a file, "Cancel", a right click or a click
 * outside closes it. It starts in the folder of the patch playing, else in
 * the user's folder. A picked file answers FILES_LOAD: ui.c sends the
 * plugin a patch:Set of it, and the plugin's hot reload then watches it.
 * UI thread only.
 */
#include "draw_util.h"
#include "files_ui.h"

#include <stdio.h>
#include <string.h>

static void
relist(FileUi* f)
{
	f->list_error     = folder_list(f->dir, &f->list);
	f->has_up         = strcmp(f->dir, "/") != 0;
	f->scroll         = 0;
	f->browse_pending = true;
}

void
browser_open(UiState* s)
{
	FileUi*     f     = s->files;
	const char* slash = strrchr(s->patch_file, '/');
	if (s->patch_file[0] == '/' && slash) {
		snprintf(f->dir, sizeof f->dir, "%.*s", slash == s->patch_file ? 1 : (int)(slash - s->patch_file),
		         s->patch_file);
	} else if (folder_user(f->dir, sizeof f->dir)) {
		folder_make(f->dir);
	} else {
		snprintf(f->dir, sizeof f->dir, "/");
	}
	f->browsing = true;
	relist(f);
}

static void
close_browser(UiState* s)
{
	s->files->browsing = false;
	if (s->test_log) {
		fprintf(s->test_log, "browse closed\n");
	}
}

static unsigned
row_count(const FileUi* f)
{
	return f->list.n + (f->has_up ? 1u : 0u);
}

/* Row i's text and whether it is a folder (".." is one). */
static const char*
row_label(const FileUi* f, unsigned i, char* buf, size_t cap, bool* dir)
{
	if (f->has_up && i == 0) {
		*dir = true;
		return "..";
	}
	const FolderEntry* e = &f->list.entry[i - (f->has_up ? 1 : 0)];
	*dir                 = e->dir;
	if (e->dir) {
		snprintf(buf, cap, "%s/", e->name);
	} else {
		snprintf(buf, cap, "%.*s", (int)(strlen(e->name) - 8), e->name); /* less ".chronus" */
	}
	return buf;
}

FilesAction
browser_press(UiState* s, int x, int y, int button, char* path, size_t cap)
{
	FileUi* f = s->files;
	if (button == 3 || (button == 1 && (ui_inside(&f->cancel_rect, x, y) || !ui_inside(&f->panel, x, y)))) {
		close_browser(s);
		return FILES_REDRAW;
	}
	if ((button == 4 || button == 5) && ui_inside(&f->rows, x, y)) {
		const double to = f->scroll + (button == 5 ? 3 : -3) * f->row_h; /* three rows a notch */
		f->scroll       = to > f->scroll_max ? f->scroll_max : (to < 0 ? 0 : to);
		f->browse_pending = true;
		return FILES_REDRAW;
	}
	if (button != 1 || !ui_inside(&f->rows, x, y) || f->row_h <= 0) {
		return FILES_REDRAW; /* the browser is modal: nothing under it takes the click */
	}
	const double at = (y - f->rows.y + f->scroll) / f->row_h;
	if (at < 0 || at >= row_count(f)) {
		return FILES_REDRAW;
	}
	const unsigned i = (unsigned)at;
	if (f->has_up && i == 0) {
		folder_parent(f->dir);
		relist(f);
		return FILES_REDRAW;
	}
	const FolderEntry* e = &f->list.entry[i - (f->has_up ? 1 : 0)];
	char               to[sizeof f->dir];
	const int          n = snprintf(to, sizeof to, "%s%s%s", f->dir, strcmp(f->dir, "/") ? "/" : "", e->name);
	if (n < 0 || (size_t)n >= sizeof to) {
		return FILES_REDRAW;
	}
	if (e->dir) {
		memcpy(f->dir, to, sizeof f->dir);
		relist(f);
		return FILES_REDRAW;
	}
	snprintf(path, cap, "%s", to);
	close_browser(s);
	return FILES_LOAD;
}

void
browser_draw(UiState* s, void* vcr, double k, UiRect area)
{
	cairo_t* cr = vcr;
	FileUi*  f  = s->files;
	if (!f || !f->browsing) {
		return;
	}
	f->panel       = draw_panel(cr, k, area, "Open a patch file", "Cancel", &f->cancel_rect);
	const UiRect p = f->panel;
	rgb3(cr, 0x9a, 0xa4, 0xb0);
	fit_text(cr, p.x + 10 * k, p.y + 36 * k, 10 * k, false, f->dir, p.w - 120 * k);

	f->rows  = (UiRect){p.x + 6 * k, p.y + 44 * k, p.w - 12 * k, p.h - 50 * k};
	f->row_h = 18 * k;
	const double full = row_count(f) * f->row_h;
	f->scroll_max     = full > f->rows.h ? full - f->rows.h : 0;
	f->scroll         = f->scroll > f->scroll_max ? f->scroll_max : f->scroll;
	cairo_save(cr);
	cairo_rectangle(cr, f->rows.x, f->rows.y, f->rows.w, f->rows.h);
	cairo_clip(cr);
	const char* playing = strrchr(s->patch_file, '/');
	for (unsigned i = 0; i < row_count(f); ++i) {
		const double y = f->rows.y + i * f->row_h - f->scroll;
		if (y + f->row_h < f->rows.y || y > f->rows.y + f->rows.h) {
			continue;
		}
		char        buf[FOLDER_NAME + 2];
		bool        dir;
		const char* label = row_label(f, i, buf, sizeof buf, &dir);
		const bool  here  = !dir && playing && !strcmp(playing + 1, f->list.entry[i - (f->has_up ? 1 : 0)].name) &&
		                  (size_t)(playing - s->patch_file) == strlen(f->dir) &&
		                  !strncmp(s->patch_file, f->dir, strlen(f->dir));
		if (here) {
			rgb3(cr, 0x35, 0x5c, 0x7d);
			cairo_rectangle(cr, f->rows.x, y, f->rows.w, f->row_h);
			cairo_fill(cr);
		}
		if (dir) {
			rgb3(cr, 0x8f, 0xc8, 0xf0);
		} else {
			rgb3(cr, 0xee, 0xee, 0xee);
		}
		fit_text(cr, f->rows.x + 8 * k, y + 13 * k, 12 * k, dir, label, f->rows.w - 16 * k);
	}
	if (f->list_error || !row_count(f) || (f->list.n == 0 && f->has_up)) {
		char msg[160];
		if (f->list_error) {
			snprintf(msg, sizeof msg, "cannot read this folder: %s", strerror(f->list_error));
		} else {
			snprintf(msg, sizeof msg, "no sub-folders and no .chronus files here");
		}
		rgb3(cr, 0xe0, 0x9a, 0x3c);
		text_at(cr, f->rows.x + 8 * k, f->rows.y + row_count(f) * f->row_h + 13 * k, 11 * k, false, msg);
	} else if (f->list.truncated) {
		rgb3(cr, 0x9a, 0xa4, 0xb0);
		text_at(cr, f->rows.x + 8 * k, f->rows.y + full - f->scroll + 13 * k, 10 * k, false, "(more not listed)");
	}
	cairo_restore(cr);
}

void
browser_log(UiState* s)
{
	FileUi* f = s->files;
	if (!f->browsing || !f->browse_pending || f->row_h <= 0) {
		return;
	}
	fprintf(s->test_log, "browse dir %s rows %u error %d cancel %d %d\n", f->dir, row_count(f), f->list_error,
	        (int)(f->cancel_rect.x + f->cancel_rect.w / 2), (int)(f->cancel_rect.y + f->cancel_rect.h / 2));
	for (unsigned i = 0; i < row_count(f); ++i) { /* 0 0: out of sight */
		const double y  = f->rows.y + i * f->row_h - f->scroll;
		const bool   in = y >= f->rows.y && y + f->row_h <= f->rows.y + f->rows.h;
		char         buf[FOLDER_NAME + 2];
		bool         dir;
		const char*  label = row_label(f, i, buf, sizeof buf, &dir);
		fprintf(s->test_log, "browse row %u %d %d %s\n", i, in ? (int)(f->rows.x + f->rows.w / 2) : 0,
		        in ? (int)(y + f->row_h / 2) : 0, label);
	}
	f->browse_pending = false;
}
