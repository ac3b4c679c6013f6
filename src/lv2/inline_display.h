/* SPDX-License-Identifier: ISC
 *
 * The state of Ardour's inline display (inline_display.c): what run()
 * hands the GUI thread without a lock — the output's recent samples in a
 * ring of atomic words and the patch name behind a sequence counter — and
 * the GUI thread's own pixel buffer.
 */
#ifndef CHRONUS_INLINE_DISPLAY_H
#define CHRONUS_INLINE_DISPLAY_H

#include "lv2/ardour_inline.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INLINE_RING      512u /* decimated output samples the scope shows */
#define INLINE_RING_HZ   12000u /* the ring's sample rate at most: 512 cover ~43 ms */
#define INLINE_DRAW_HZ   15u  /* queue_draw calls per second of audio at most */
#define INLINE_TITLE     64u  /* bytes of the patch name shown */
#define INLINE_MAX_W     2048u
#define INLINE_MAX_H     1024u
/* The scope trace's colour (the host test looks for it in the picture). */
#define INLINE_TRACE_R   80u
#define INLINE_TRACE_G   230u
#define INLINE_TRACE_B   130u

typedef struct {
	/* instantiate: the host's feature, NULL without one. */
	const LV2_Inline_Display* host;
	/* Audio thread. */
	uint32_t step, phase;      /* one ring sample every step frames */
	uint32_t draw_period, draw_left;
	bool     signal, had_signal, title_dirty;
	/* Audio thread → GUI thread: float bits, head counts every write. */
	_Atomic uint32_t ring[INLINE_RING];
	_Atomic uint32_t head;
	/* The patch name: odd title_seq while run() writes it. */
	_Atomic uint32_t      title_seq;
	_Atomic unsigned char title[INLINE_TITLE];
	_Atomic bool          error; /* the last build was rejected */
	/* GUI thread (render) only. */
	unsigned char*                   pixels;
	size_t                           pixels_size;
	LV2_Inline_Display_Image_Surface surface;
} InlineDisplay;

/* instantiate: the host's queue_draw feature (or NULL); cleanup. */
void inline_init(InlineDisplay* d, const LV2_Inline_Display* host, double rate);
void inline_free(InlineDisplay* d);
/* Audio thread: an outcome reported (title NULL: a rejected patch); n
 * output frames, and a queue_draw when one is due. */
void inline_outcome(InlineDisplay* d, const char* title);
void inline_feed(InlineDisplay* d, const float* left, const float* right, uint32_t n);

extern const LV2_Inline_Display_Interface inline_display_interface;

#endif
