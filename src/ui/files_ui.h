/* SPDX-License-Identifier: ISC
 *
 * The UI's patch files (issue 16): the User bank at the end of the preset
 * list, the "Open..." and "Save" buttons under it (user_bank.c), and the
 * file chooser "Open..." opens over the graph (browser.c). ui.c passes
 * them its clicks first and does what they answer (a patch:Set of a file,
 * a save); draw.c calls the drawing hooks. Mouse only: the UI never takes
 * the keyboard.
 */
#ifndef CHRONUS_UI_FILES_UI_H
#define CHRONUS_UI_FILES_UI_H

#include "folder.h"
#include "ui_state.h"
#include "user_presets.h"

#define FILES_BAR_H 28 /* logical height of the Open.../Save bar */

typedef struct FileUi {
	UserPresets user;
	UiRect      user_row[UP_MAX]; /* empty where scrolled out of sight */
	UiRect      open_rect, save_rect;
	/* "Open...": the folder shown, its listing, the layout. */
	bool        browsing;
	char        dir[4096];
	int         list_error; /* errno of listing dir, 0 */
	FolderList  list;
	bool        has_up;     /* row 0 is ".." */
	UiRect      panel, rows, cancel_rect;
	double      row_h, scroll, scroll_max;
	bool        log_pending;    /* User rows moved since the test log last said where */
	bool        browse_pending; /* the same for the browser's rows */
} FileUi;

typedef enum {
	FILES_NONE,   /* not for us */
	FILES_REDRAW, /* taken; the window changed */
	FILES_LOAD,   /* taken; the plugin is to play the file at path */
} FilesAction;

/* user_bank.c */
FileUi*     files_new(void); /* scans the user's folder */
void        files_free(FileUi* f);
void        files_rescan(UiState* s);
/* The playing patch's text to a new file in the user's folder, named after
 * its title; path gets where. Rescans. */
bool        files_save(UiState* s, char* path, size_t cap);
/* A button press at (x, y): the browser's when it is open, else the
 * Open.../Save buttons and the User bank's rows. */
FilesAction files_press(UiState* s, int x, int y, int button, char* path, size_t cap);
/* Draws the User bank's rows from y (the factory banks end there) inside
 * [top, bottom); returns where the list ends. */
double      files_draw_user_bank(UiState* s, void* cr, double k, double x, double w, double y, double top,
                                 double bottom);
/* The Open.../Save bar in area, and the browser over graph when open. */
void        files_draw_bar(UiState* s, void* cr, double k, UiRect area);
/* CHRONUS_UI_TEST_LOG: where the rows are, when they moved. */
void        files_log(UiState* s);

/* browser.c */
void        browser_open(UiState* s);
void        browser_draw(UiState* s, void* cr, double k, UiRect area);
FilesAction browser_press(UiState* s, int x, int y, int button, char* path, size_t cap);
void        browser_log(UiState* s);

#endif
