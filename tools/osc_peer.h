/* SPDX-License-Identifier: ISC
 *
 * The client side of the plugin's OSC server, shared by chronus-bench
 * (--osc) and the host tests: a liblo socket of the caller's own, so the
 * server answers it, a handler for every reply, and a free port to give
 * the plugin.
 */
#ifndef CHRONUS_OSC_PEER_H
#define CHRONUS_OSC_PEER_H

#include <lo/lo.h>

#include <stdbool.h>

/* A socket for replies and the address of 127.0.0.1:port; every reply goes
 * to on_reply(…, user). false (nothing to free) when liblo cannot make them. */
bool osc_peer_open(lo_server* srv, lo_address* to, unsigned port, lo_method_handler on_reply, void* user);
void osc_peer_close(lo_server srv, lo_address to);
/* Handles every reply that has arrived; never waits. */
void osc_peer_poll(lo_server srv);
/* A UDP port free now on 127.0.0.1 (0: none). */
unsigned osc_free_port(void);

#endif
