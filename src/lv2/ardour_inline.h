/* SPDX-License-Identifier: ISC
 *
 * Ardour's inline display extension, as its specification defines it
 * (http://harrisonconsoles.com/lv2/inlinedisplay, the header Ardour ships
 * as ardour/lv2_extensions.h): written here from the spec, since Debian
 * ships no header for it. The host gives the feature #queue_draw; the
 * plugin gives #interface through extension_data; the host calls render()
 * from a non-real-time GUI thread and copies the image it returns.
 */
#ifndef CHRONUS_ARDOUR_INLINE_H
#define CHRONUS_ARDOUR_INLINE_H

#include <lv2/core/lv2.h>

#include <stdint.h>

#define LV2_INLINEDISPLAY_URI         "http://harrisonconsoles.com/lv2/inlinedisplay"
#define LV2_INLINEDISPLAY__interface  LV2_INLINEDISPLAY_URI "#interface"
#define LV2_INLINEDISPLAY__queue_draw LV2_INLINEDISPLAY_URI "#queue_draw"

typedef void* LV2_Inline_Display_Handle;

/* An image in cairo's CAIRO_FORMAT_ARGB32: 32-bit native-endian words,
 * premultiplied alpha, rows stride bytes apart. */
typedef struct {
	unsigned char* data;
	int            width;
	int            height;
	int            stride;
} LV2_Inline_Display_Image_Surface;

/* The feature's data: the plugin calls queue_draw (from any thread,
 * run() included) when it wants render() to be called again. */
typedef struct {
	LV2_Inline_Display_Handle handle;
	void (*queue_draw)(LV2_Inline_Display_Handle handle);
} LV2_Inline_Display;

/* The interface: an image w pixels wide and at most max_h high, owned by
 * the plugin until the next call (or cleanup); NULL for none. */
typedef struct {
	LV2_Inline_Display_Image_Surface* (*render)(LV2_Handle instance, uint32_t w, uint32_t max_h);
} LV2_Inline_Display_Interface;

#endif
