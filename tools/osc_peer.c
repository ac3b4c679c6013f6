/* SPDX-License-Identifier: ISC
 *
 * The client side of the plugin's OSC server (osc_peer.h).
 */
#include "osc_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

bool
osc_peer_open(lo_server* srv, lo_address* to, unsigned port, lo_method_handler on_reply, void* user)
{
	char p[16];
	snprintf(p, sizeof p, "%u", port);
	*srv = lo_server_new_with_proto(NULL, LO_UDP, NULL);
	*to  = lo_address_new("127.0.0.1", p);
	if (!*srv || !*to) {
		osc_peer_close(*srv, *to);
		*srv = NULL;
		*to  = NULL;
		return false;
	}
	lo_server_add_method(*srv, NULL, NULL, on_reply, user);
	return true;
}

void
osc_peer_close(lo_server srv, lo_address to)
{
	if (to) {
		lo_address_free(to);
	}
	if (srv) {
		lo_server_free(srv);
	}
}

void
osc_peer_poll(lo_server srv)
{
	while (lo_server_recv_noblock(srv, 0) > 0) {
	}
}

unsigned
osc_free_port(void)
{
	const int          fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a  = {0};
	socklen_t          n  = sizeof a;
	unsigned           port = 0;
	a.sin_family      = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr*)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr*)&a, &n) == 0) {
		port = ntohs(a.sin_port);
	}
	if (fd >= 0) {
		close(fd);
	}
	return port;
}
