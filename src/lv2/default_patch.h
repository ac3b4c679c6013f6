/* SPDX-License-Identifier: ISC
 *
 * The patch an instance plays before anything else is loaded: a plain,
 * velocity-sensitive saw voice through the ladder, so a fresh instance
 * plays at once in any host.
 */
#ifndef CHRONUS_DEFAULT_PATCH_H
#define CHRONUS_DEFAULT_PATCH_H

static const char chronus_default_patch[] =
	"patch \"Init Saw\"\n"
	"create osc saw\n"
	"create vcf ladder\n"
	"create env adsr\n"
	"create amp vca\n"
	"connect osc vcf\n"
	"connect vcf amp\n"
	"connect env amp.gain\n"
	"set osc.level 0.5\n"
	"set vcf.cutoff 4000\n"
	"set env.attack 3\n"
	"set env.decay 300\n"
	"set env.sustain 0.6\n"
	"set env.release 250\n"
	"set amp.velocity 0.5\n"
	"macro 1 vcf.cutoff 200 12000 exp\n"
	"out amp\n";

#endif
