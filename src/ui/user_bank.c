/* SPDX-License-Identifier: ISC
 *
 * The User bank in the preset list (the patch files of the user's folder,
 * user_presets.c), and the "Open..." and "Save" buttons under the list:
 * their drawing, their clicks, and the test log of where they are. A click
 * on a user preset answers FILES_LOAD: ui.c sends the plugin a patch:Set
 * of the file, as the Edit loop does, and the plugin plays and watches it.
 * UI thread only.
 */
#include "draw_util.h"
#include "files_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

FileUi*
files_new(void)
{
	FileUi* f = calloc(1, sizeof *f);
	if (f) {
		char dir[3072];
		user_presets_scan(&f->user, folder_user(dir, sizeof dir) ? dir : "");
		f->log_pending = true;
	}
	return f;
}

void
files_free(FileUi* f)
{
	free(f);
}

void
files_rescan(UiState* s)
{
	FileUi* f = s->files;
	char    dir[3072];
	user_presets_scan(&f->user, folder_user(dir, sizeof dir) ? dir : "");
	memset(f->user_row, 0, sizeof f->user_row);
	f->log_pending = true;
}

bool
files_save(UiState* s, char* path, size_t cap)
{
	char dir[3072];
	if (!s->patch_len || !folder_user(dir, sizeof dir)) {
		return false;
	}
	/* The patch's own name (`patch "..."`), else its file's, else "patch". */
	char        name[FOLDER_NAME] = "patch";
	const char* base              = strrchr(s->patch_file, '/');
	if (s->graph.valid && s->graph.title[0]) {
		snprintf(name, sizeof name, "%s", s->graph.title);
	} else if (base && base[1]) {
		const size_t n = strlen(base + 1);
		const bool   ext = n > 8 && !strcmp(base + 1 + n - 8, ".chronus");
		snprintf(name, sizeof name, "%.*s", (int)(ext ? n - 8 : n), base + 1);
	}
	const bool ok = folder_new_file(dir, name, s->patch_text, s->patch_len, path, cap);
	files_rescan(s);
	return ok;
}

FilesAction
files_press(UiState* s, int x, int y, int button, char* path, size_t cap)
{
	FileUi* f = s->files;
	if (!f) {
		return FILES_NONE;
	}
	if (f->browsing) {
		return browser_press(s, x, y, button, path, cap);
	}
	if (button != 1) {
		return FILES_NONE;
	}
	if (ui_inside(&f->open_rect, x, y)) {
		browser_open(s);
		return FILES_REDRAW;
	}
	if (ui_inside(&f->save_rect, x, y)) {
		char       where[4096];
		const bool ok = files_save(s, where, sizeof where);
		if (ok) {
			snprintf(s->status, sizeof s->status, "Saved as %.380s", where);
		} else {
			snprintf(s->status, sizeof s->status, "Save: cannot write the patch to the user's folder");
		}
		if (s->test_log) {
			fprintf(s->test_log, "save %s %s\n", ok ? "wrote" : "failed", ok ? where : "");
		}
		return FILES_REDRAW;
	}
	for (unsigned i = 0; i < f->user.n; ++i) {
		if (ui_inside(&f->user_row[i], x, y)) {
			return user_presets_path(&f->user, i, path, cap) ? FILES_LOAD : FILES_NONE;
		}
	}
	return FILES_NONE;
}

double
files_draw_user_bank(UiState* s, void* vcr, double k, double x, double w, double y, double top, double bottom)
{
	cairo_t* cr = vcr;
	FileUi*  f  = s->files;
	if (!f) {
		return y;
	}
	const int playing = s->patch_file[0] ? user_presets_find(&f->user, s->patch_file) : -1;
	for (unsigned i = 0; i < f->user.n; ++i) {
		const UserPreset* p = &f->user.preset[i];
		if (i == 0 || strcmp(p->bank, f->user.preset[i - 1].bank)) { /* the bank's name over its first */
			rgb3(cr, 0x7f, 0x8b, 0x99);
			fit_text(cr, 8 * k, y, 10 * k, true, p->bank, w - 12 * k);
			y += 14 * k;
		}
		UiRect r = {x + 4 * k, y - 11 * k, w - 8 * k, 14 * k};
		if (r.y < top || r.y + r.h > bottom) {
			r = (UiRect){0, 0, 0, 0};
		}
		if (memcmp(&r, &f->user_row[i], sizeof r)) {
			f->user_row[i] = r;
			f->log_pending = true;
		}
		if ((int)i == playing) {
			rgb3(cr, 0x35, 0x5c, 0x7d);
			cairo_rectangle(cr, x + 4 * k, y - 11 * k, w - 8 * k, 14 * k);
			cairo_fill(cr);
		}
		rgb3(cr, 0xdd, 0xee, 0xdd);
		fit_text(cr, 14 * k, y, 11 * k, false, p->name, w - 20 * k);
		y += 14 * k;
	}
	if (f->user.truncated) {
		rgb3(cr, 0x7f, 0x8b, 0x99);
		text_at(cr, 14 * k, y, 10 * k, false, "(more not listed)");
		y += 14 * k;
	}
	return y;
}

void
files_draw_bar(UiState* s, void* vcr, double k, UiRect area)
{
	cairo_t* cr = vcr;
	FileUi*  f  = s->files;
	rgb3(cr, 0x22, 0x26, 0x2c);
	cairo_rectangle(cr, area.x, area.y, area.w, area.h);
	cairo_fill(cr);
	if (!f) {
		return;
	}
	const double bw = (area.w - 12 * k) / 2, by = area.y + 4 * k, bh = area.h - 8 * k;
	f->open_rect    = (UiRect){area.x + 4 * k, by, bw, bh};
	f->save_rect    = (UiRect){area.x + 8 * k + bw, by, bw, bh};
	draw_button(cr, k, &f->open_rect, "Open\xe2\x80\xa6", f->browsing);
	draw_button(cr, k, &f->save_rect, "Save", false);
}

void
files_log(UiState* s)
{
	FileUi* f = s->files;
	if (!f || !s->test_log) {
		return;
	}
	if (f->log_pending) {
		fprintf(s->test_log, "files open %d %d save %d %d user %u\n", (int)(f->open_rect.x + f->open_rect.w / 2),
		        (int)(f->open_rect.y + f->open_rect.h / 2), (int)(f->save_rect.x + f->save_rect.w / 2),
		        (int)(f->save_rect.y + f->save_rect.h / 2), f->user.n);
		for (unsigned i = 0; i < f->user.n; ++i) { /* 0 0: out of sight */
			const UiRect* r = &f->user_row[i];
			fprintf(s->test_log, "user %u %d %d %s|%s\n", i, (int)(r->x + r->w / 2), (int)(r->y + r->h / 2),
			        f->user.preset[i].bank, f->user.preset[i].name);
		}
		f->log_pending = false;
	}
	browser_log(s);
	fflush(s->test_log);
}
