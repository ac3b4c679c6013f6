/* SPDX-License-Identifier: ISC
 *
 * draw.c's small cairo helpers, for the other files that draw a part of
 * the window (user_bank.c, browser.c). cr is a cairo_t*.
 */
#ifndef CHRONUS_UI_DRAW_UTIL_H
#define CHRONUS_UI_DRAW_UTIL_H

#include <cairo.h>
#include <stdbool.h>

void   rgb3(cairo_t* cr, int r, int g, int b);
void   text_at(cairo_t* cr, double x, double y, double size, bool bold, const char* s);
double text_width(cairo_t* cr, double size, bool bold, const char* s);
void   fit_text(cairo_t* cr, double x, double y, double size, bool bold, const char* s, double width);
void   rounded(cairo_t* cr, double x, double y, double w, double h, double r);

#endif
