/* SPDX-License-Identifier: ISC
 *
 * libFuzzer target: the OSC server's input (src/lv2/osc.c). The plugin is
 * instantiated in-process as in fuzz_run.c (fuzz_host.h, a worker run
 * inline), then each datagram of the input goes to osc_handle_packet as
 * the server thread hands it a UDP packet — malformed, truncated, huge,
 * wrong types, bundles within bundles, every verb with every argument
 * count — and a block runs after each, so run() takes what reached the
 * ring (live sets, notes, macros, programs, builds). Every reply must be
 * a well-formed OSC message; audio must stay finite (fh_block).
 *
 * Input: up to 32 records of [u16 size][size bytes], each one datagram.
 */
#include "fuzz_host.h"
#include "plugin.h"

#include <lo/lo.h>

int LLVMFuzzerInitialize(int* argc, char*** argv);
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#define MAX_PACKETS 32u

static unsigned replies;

static void
check_reply(void* ctx, const void* data, size_t size)
{
	(void)ctx;
	int        result = 0;
	lo_message m      = lo_message_deserialise((void*)data, size, &result);
	FH_CHECK(m != NULL, "a reply of %zu bytes is no OSC message (liblo error %d)", size, result);
	if (fh_verbose) { /* CHRONUS_FUZZ_LOG=1: every reply */
		fprintf(stderr, "reply %s ", (const char*)data);
		lo_message_pp(m);
	}
	lo_message_free(m);
	++replies;
}

int
LLVMFuzzerInitialize(int* argc, char*** argv)
{
	(void)argc;
	(void)argv;
	fh_init_once();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static FhHost        host;
	FhHost*              h        = &host;
	static const uint8_t header[] = {1, 0, 0, 0, 0}; /* inline worker, 48 kHz, no refusals */
	Reader               hr       = {header, sizeof header};
	Reader               none     = {NULL, 0};
	uint8_t              flags;
	fh_init_once();
	if (!fh_instantiate(h, &hr, &flags)) {
		fh_cleanup(h);
		return 0;
	}
	Chronus* self = (Chronus*)h->handle;
	Reader   r    = {data, size};
	for (unsigned p = 0; p < MAX_PACKETS && r.n; ++p) {
		const uint8_t* packet;
		const size_t   n = rd_bytes(&r, rd_u16(&r), &packet);
		osc_handle_packet(self->osc, packet, n, check_reply, NULL);
		fh_block(h, &none, p);
	}
	fh_block(h, &none, MAX_PACKETS);
	fh_cleanup(h);
	return 0;
}
