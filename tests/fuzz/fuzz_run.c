/* SPDX-License-Identifier: ISC
 *
 * libFuzzer target: the plugin's atom input, control ports and block sizes.
 * The plugin's own sources are linked in and driven in-process through
 * lv2_descriptor(0) by the small host in fuzz_host.h: instantiate with
 * fuzz-chosen features (worker inline or deferred, refusals, log, options,
 * sample rate), then up to FH_MAX_BLOCKS blocks, each with its size
 * (1..4096), control port values (NaN, ±Inf, huge, in range) and a control
 * sequence of fuzz-built atoms (MIDI of 0..8 bytes, patch:Set of patch
 * text or file with every wrong type, patch:Get, nested and unknown
 * objects, bare atoms, raw events with lying sizes). After every run():
 * audio finite and every frame written, output ports sane, the notify
 * sequence well-formed and within its capacity; work and responses are
 * delivered; cleanup() at the end (LeakSanitizer checks nothing is left).
 *
 * Input: 5 header bytes (fh_instantiate), then block records (fh_block).
 * See tests/fuzz/README.md.
 */
#include "fuzz_host.h"

int LLVMFuzzerInitialize(int* argc, char*** argv);
int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

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
	static FhHost host;
	FhHost*       h = &host;
	Reader        r = {data, size};
	uint8_t       flags;
	fh_init_once();
	if (!fh_instantiate(h, &r, &flags)) {
		fh_cleanup(h);
		return 0;
	}
	for (unsigned b = 0; b < FH_MAX_BLOCKS && (b == 0 || r.n); ++b) {
		if ((flags & 0x80u) && b == 2) {
			/* The host stops and starts the transport. */
			if (h->desc->deactivate) {
				h->desc->deactivate(h->handle);
			}
			h->desc->activate(h->handle);
			h->activated = true;
		}
		fh_block(h, &r, b);
	}
	/* One more block to take what the last responses published. */
	Reader none = {NULL, 0};
	fh_block(h, &none, FH_MAX_BLOCKS);
	fh_cleanup(h);
	return 0;
}
