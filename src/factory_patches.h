/* SPDX-License-Identifier: ISC
 *
 * The factory patches, in program order: generated at build time from
 * presets/NN-*.chronus (wscript), the same files that become the bundle's
 * presets and the program port's scale points. Program 0 is the patch a new
 * instance plays.
 */
#ifndef CHRONUS_FACTORY_PATCHES_H
#define CHRONUS_FACTORY_PATCHES_H

typedef struct {
	const char* name; /* the patch's title, also the preset label */
	const char* bank;
	const char* text;
	unsigned    len;
} FactoryPatch;

extern const FactoryPatch factory_patches[];
extern const unsigned     factory_patch_count;

#endif
