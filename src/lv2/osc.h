/* SPDX-License-Identifier: ISC
 *
 * The OSC server (docs/osc.md): the prototype's address space over UDP on
 * 127.0.0.1 only, off until the osc_port control names a port. It runs in
 * a thread of its own (never the audio thread), decodes with liblo, checks
 * every message against the playing patch, answers errors and queries to
 * the sender, and hands what must reach the sound to run() through the
 * lock-free ring of osc_ring.h.
 */
#ifndef CHRONUS_OSC_H
#define CHRONUS_OSC_H

#include <stddef.h>

struct Chronus;
typedef struct ChronusOsc ChronusOsc;

/* instantiate: the server object, not yet serving. NULL: no memory. */
ChronusOsc* osc_new(struct Chronus* plugin);
/* cleanup: stops the server (joins its thread) and frees it. */
void osc_free(ChronusOsc* osc);

/* Worker: serve on this port from now on (0: stop serving). The outcome,
 * "OSC: listening on 127.0.0.1:9000" or why not (a port in use), becomes
 * the status; it is never fatal. */
void osc_listen(ChronusOsc* osc, unsigned port);

/* One datagram, handled as the server handles it; every reply (an OSC
 * message) goes to reply(ctx, bytes, size). Non-real-time; the fuzz target
 * calls it directly. */
typedef void (*OscReplyFn)(void* ctx, const void* data, size_t size);
void osc_handle_packet(ChronusOsc* osc, const void* data, size_t size, OscReplyFn reply, void* ctx);

#endif
