/* SPDX-License-Identifier: ISC
 *
 * The master-effect patches chronus-bench times (`--effects`, and after the
 * module table with `--modules`): one row per master-only module at a
 * typical setting, and where a setting changes the work, its dearest one.
 * A header of data alone, so the unit tests read the same table: they
 * check that every master-only module of the registry has a row and that
 * every patch compiles (tests/unit/test_compile.c).
 *
 * Each patch is a saw voice into the effect, created `master`; the bench
 * subtracts the same saw played without it (BENCH_EFFECT_BASELINE).
 */
#ifndef CHRONUS_BENCH_EFFECTS_H
#define CHRONUS_BENCH_EFFECTS_H

#define BENCH_EFFECT_BASELINE "create o saw\nout o\n"
#define BENCH_FX(type, settings) "create o saw\ncreate x " type " master\nconnect o x\n" settings "out x\n"

static const struct {
	const char* module; /* the module type the row is for */
	const char* what;   /* the row's name in the report */
	const char* text;   /* the patch */
} bench_effects[] = {
	{"reverb", "reverb, hall (default)", BENCH_FX("reverb", "")},
	{"reverb", "reverb, plate", BENCH_FX("reverb", "set x.type plate\n")},
	{"reverb", "reverb, hall, size 2, decay 20 s, no damping", BENCH_FX("reverb", "set x.size 2\nset x.decay 20\n"
	                                                                              "set x.damping 20000\n")},
	{"chorus", "chorus (default)", BENCH_FX("chorus", "")},
	{"chorus", "chorus as a flanger (delay 2 ms, feedback 0.7)", BENCH_FX("chorus", "set x.delay 2\nset x.feedback 0.7\n")},
	{"echo", "echo, pingpong 375 ms (default)", BENCH_FX("echo", "")},
	{"echo", "echo, stereo 4 s, feedback 0.95, filters out", BENCH_FX("echo", "set x.mode stereo\nset x.time 4000\n"
	                                                                          "set x.feedback 0.95\nset x.lowcut 20\n"
	                                                                          "set x.highcut 20000\n")},
	{"echo", "echo, synced to a dotted eighth, feedback 0.95", BENCH_FX("echo", "set x.sync dotted_eighth\n"
	                                                                            "set x.feedback 0.95\n")},
	{"phaser", "phaser, 4 stages (default)", BENCH_FX("phaser", "")},
	{"phaser", "phaser, 12 stages, feedback 0.7", BENCH_FX("phaser", "set x.stages 4\nset x.feedback 0.7\n") /* choice 4: 12 */},
	{"comp", "comp (default, -18 dB, 3:1)", BENCH_FX("comp", "")},
	{"brickwall", "brickwall (default)", BENCH_FX("brickwall", "")},
	{"brickwall", "brickwall, gain 12 dB (limiting all the time)", BENCH_FX("brickwall", "set x.gain 12\n")},
	/* Not master-only, but used as master effects: once per channel. */
	{"eq", "eq master (+3 dB low, -4 dB mid, +2 dB high)", BENCH_FX("eq", "set x.lowgain 3\nset x.midgain -4\n"
	                                                                      "set x.highgain 2\n")},
	{"drive", "drive master (default)", BENCH_FX("drive", "")},
};
#define N_BENCH_EFFECTS (sizeof bench_effects / sizeof bench_effects[0])

#endif
