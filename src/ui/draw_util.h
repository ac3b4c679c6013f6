/* SPDX-License-Identifier: ISC
 *
 * draw.c's small cairo helpers, for the other files that draw a part of
 * the window (user_bank.c, browser.c, settings_ui.c), and the widgets of
 * widgets.c. cr is a cairo_t*.
 */
#ifndef CHRONUS_UI_DRAW_UTIL_H
#define CHRONUS_UI_DRAW_UTIL_H

#include "ui_state.h"

#include <cairo.h>
#include <stdbool.h>

void   rgb3(cairo_t* cr, int r, int g, int b);
void   text_at(cairo_t* cr, double x, double y, double size, bool bold, const char* s);
double text_width(cairo_t* cr, double size, bool bold, const char* s);
void   fit_text(cairo_t* cr, double x, double y, double size, bool bold, const char* s, double width);
void   rounded(cairo_t* cr, double x, double y, double w, double h, double r);

/* widgets.c: a button with its label centred, lit when what it opens is
 * open; the modal panel over area (the graph), its title and a button
 * (Cancel, Close) at its top right, whose place goes to button_rect. */
void   draw_button(cairo_t* cr, double k, const UiRect* b, const char* label, bool lit);
UiRect draw_panel(cairo_t* cr, double k, UiRect area, const char* title, const char* button, UiRect* button_rect);

#endif
