/* SPDX-License-Identifier: ISC
 *
 * The one way OSC reaches run(): a lock-free single-producer (the OSC
 * thread), single-consumer (run()) ring of fixed-size commands. run() pops
 * without waiting or allocating; the producer, a non-real-time thread,
 * waits for room when the ring is full (docs/osc.md, "Back-pressure").
 */
#ifndef CHRONUS_OSC_RING_H
#define CHRONUS_OSC_RING_H

#include "live_set.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define OSC_RING_SIZE 1024u /* a power of two */

typedef enum {
	OSC_CMD_SET = 1,  /* text: a live set */
	OSC_CMD_MIDI,     /* midi[0..2]: a note on or off */
	OSC_CMD_MACRO,    /* number: knob 0..7, value 0..1 */
	OSC_CMD_PROGRAM,  /* number: factory program */
	OSC_CMD_BUILD,    /* the plugin's OSC text box holds a patch text or file to build */
} OscCommandKind;

typedef struct {
	uint8_t  kind;
	uint8_t  midi[3];
	int32_t  number;
	float    value;
	uint32_t len;
	char     text[LIVE_SET_MAX];
} OscCommand;

typedef struct {
	OscCommand       slots[OSC_RING_SIZE];
	_Atomic uint32_t head; /* next slot the producer writes */
	_Atomic uint32_t tail; /* next slot the consumer reads */
} OscRing;

/* Producer: false when full. */
static inline bool
osc_ring_push(OscRing* r, const OscCommand* c)
{
	const uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	const uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	if (head - tail >= OSC_RING_SIZE) {
		return false;
	}
	memcpy(&r->slots[head % OSC_RING_SIZE], c, sizeof *c);
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	return true;
}

/* Consumer: the oldest command, or NULL; valid until osc_ring_drop. */
static inline const OscCommand*
osc_ring_peek(OscRing* r)
{
	const uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	const uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	return head == tail ? NULL : &r->slots[tail % OSC_RING_SIZE];
}

static inline void
osc_ring_drop(OscRing* r)
{
	const uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
}

#endif
