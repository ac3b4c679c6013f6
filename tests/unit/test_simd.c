/* SPDX-License-Identifier: ISC
 *
 * The lane-group paths give the samples of the one-voice-at-a-time path. Every factory patch
 * and the benchmark's reference patch is built three times (one voice at a
 * time; lane groups with baseline instructions; lane groups with AVX2 where
 * the CPU has it) and plays the same score: chords wider than a lane group,
 * a partly filled last group, retriggers, the sustain pedal, bends, macro
 * sweeps, voice stealing, all at uneven block sizes, on both channels (a
 * stereo example among them). Any difference over 1e-6 fails.
 */
#include "build_slot.h"
#include "compile.h"
#include "slot_impl.h"
#include "voices.h"
#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE    48000.0
#define SECONDS 1.5
#define FRAMES  ((unsigned)(RATE * SECONDS))

static char*
read_text(const char* path, size_t* len)
{
	FILE* f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	char* text = calloc(1, 1 << 16);
	*len       = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	return text;
}

static uint32_t
next_rand(uint32_t* s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* The score: events at fixed frames, blocks of pseudo-random sizes between
 * them (the same sizes for every path). */
static void
play(Slot* s, float* out, float* right)
{
	uint32_t seed = 12345;
	unsigned at   = 0, ev = 0;
	while (at < FRAMES) {
		/* One event every 1/20 s. */
		const unsigned next_event = (ev + 1) * (FRAMES / 30);
		if (at >= ev * (FRAMES / 30)) {
			switch (ev % 10) {
			case 0: /* a wide chord, several notes in one frame */
				for (unsigned k = 0; k < 11; ++k) {
					voices_note_on(s, (uint8_t)(40 + 5 * k + ev % 3), 0.4f + 0.05f * (float)k);
				}
				break;
			case 1: slot_set_macro(s, ev % 8, 0.1f * (float)(ev % 9), false); break;
			case 2: /* retrigger a held key; and a low one (a drum kit's kick, key 36) */
				voices_note_on(s, 45, 1.0f);
				voices_note_on(s, 36, 0.9f);
				break;
			case 3: voices_sustain(s, true); break;
			case 4:
				for (unsigned k = 0; k < 11; k += 2) {
					voices_note_off(s, (uint8_t)(40 + 5 * k + ev % 3));
				}
				break;
			case 5: voices_bend(s, ev % 4 ? 1.5f : -2.0f); break;
			case 6: voices_sustain(s, false); break;
			case 7: slot_set_macro(s, (ev + 3) % 8, 0.95f, false); break;
			case 8: voices_all_notes_off(s); break;
			default: voices_note_on(s, (uint8_t)(60 + ev % 12), 0.7f); break;
			}
			++ev;
		}
		unsigned n = 1 + next_rand(&seed) % 300;
		n          = n < next_event - at ? n : next_event - at;
		n          = n < FRAMES - at ? n : FRAMES - at;
		slot_render(s, out + at, right + at, n);
		at += n;
	}
}

/* Max |difference| from the single-voice path; -1 when a build fails. */
static double
compare_paths(const char* name, const char* text, size_t len, unsigned polyphony)
{
	SimdMode modes[] = {SIMD_SINGLE, SIMD_BASELINE, SIMD_AVX2};
	unsigned n_modes = simd_cpu_has_avx2() ? 3 : 2;
	float*   out[3]  = {NULL};
	double   worst   = 0.0, peak = 0.0;
	for (unsigned m = 0; m < n_modes; ++m) {
		BuildSettings bs;
		build_settings_default(&bs, RATE);
		bs.polyphony = polyphony;
		bs.simd      = modes[m];
		char dir[1024]; /* a file the patch names is beside it (examples/wavetables/) */
		snprintf(dir, sizeof dir, "%s/%s", CHRONUS_SRCDIR, name);
		*strrchr(dir, '/') = '\0';
		bs.base_dir        = dir;
		BuildReport r;
		Slot*       s = build_slot(text, len, &bs, &r);
		CU_ASSERT_PTR_NOT_NULL(s);
		if (!s) {
			fprintf(stderr, "%s: %s\n", name, r.error.message);
			worst = -1.0;
			break;
		}
		CU_ASSERT_EQUAL(s->simd, modes[m]);
		CU_ASSERT_EQUAL(s->lanes, modes[m] == SIMD_SINGLE ? 1u : (unsigned)CHRONUS_LANES);
		out[m] = calloc(2 * FRAMES, sizeof(float)); /* left, then right */
		play(s, out[m], out[m] + FRAMES);
		slot_free(s);
		for (unsigned i = 0; i < 2 * FRAMES; ++i) {
			CU_ASSERT_FATAL(isfinite(out[m][i]));
			if (m) {
				const double d = fabs((double)out[m][i] - (double)out[0][i]);
				worst          = d > worst ? d : worst;
			} else {
				peak = fabs(out[0][i]) > peak ? fabs(out[0][i]) : peak;
			}
		}
	}
	CU_ASSERT(peak > 0.01); /* the score makes sound: a comparison of silences proves nothing */
	for (unsigned m = 0; m < 3; ++m) {
		free(out[m]);
	}
	return worst;
}

static void
test_paths_agree(void)
{
	static const char* files[] = {
		"tools/bench-reference.chronus",  "presets/00-init-saw.chronus",   "presets/01-sine-lead.chronus",
		"presets/02-acid-303.chronus",    "presets/03-reese-bass.chronus", "presets/04-sub-bass.chronus",
		"presets/05-kick.chronus",        "presets/06-snare.chronus",      "presets/07-closed-hat.chronus",
		"presets/08-open-hat.chronus",    "presets/09-warm-pad.chronus",   "presets/10-pluck.chronus",
		"presets/11-stab.chronus",        "presets/12-noise-sweep.chronus",
		"examples/stereo-spread.chronus",
		"examples/fm-bell.chronus",       "examples/free-phase.chronus",
		"examples/pluck.chronus",         "examples/resonator.chronus",
		"examples/talking-bass.chronus",  "examples/drum-kit.chronus",     "examples/supersaw-pad.chronus",
		"examples/pingpong-echo.chronus", "examples/unison-pad.chronus", "examples/wavetable-vowels.chronus",
		"examples/wavetable-organ.chronus",
	};
	printf("\n  max |lane groups - single voices| per patch (%s):", simd_cpu_has_avx2() ? "baseline and avx2" : "baseline; no avx2 on this CPU");
	double worst = 0.0;
	for (unsigned f = 0; f < sizeof files / sizeof files[0]; ++f) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", CHRONUS_SRCDIR, files[f]);
		size_t len  = 0;
		char*  text = read_text(path, &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		/* 5 voices: a group of 8 and a partial one of 5; 16 and 64 as played. */
		const unsigned polys[] = {5, 16, 64};
		for (unsigned k = 0; k < 3; ++k) {
			const double d = compare_paths(files[f], text, len, polys[k]);
			CU_ASSERT(d >= 0.0 && d <= 1e-6);
			worst = d > worst ? d : worst;
			if (k == 1) {
				printf("%s %s %.1e", f % 4 ? "" : "\n   ", strrchr(files[f], '/') + 1, d);
			}
		}
		free(text);
	}
	/* Stereo with positions that hold (key and random spreads, no
	 * modulation: the steady paths of pan and of the pan gains), through
	 * a master module that runs once per channel. */
	static const char* held = "create osc saw\ncreate env adsr\ncreate amp vca\ncreate p pan\n"
	                          "create fx svf master\nconnect osc amp\nconnect env amp.gain\nconnect amp fx\n"
	                          "set p.key 0.7\nset p.random 0.5\nset p.pos 0.1\nset env.release 80\n"
	                          "macro 3 p.pos -1 1\npan p\nout fx\n";
	/* A per-voice eq (one-voice adapted) and the master effects in one
	 * chain. */
	static const char* fx = "create osc saw\ncreate env adsr\ncreate amp vca\ncreate q eq\ncreate c comp master\n"
	                        "create e echo master\ncreate ch chorus master\ncreate r reverb master\ncreate ph phaser master\n"
	                        "connect osc q\nconnect q amp\nconnect env amp.gain\nconnect amp c\nconnect c ch\n"
	                        "connect ch ph\nconnect ph e\nconnect e r\nset q.midgain 9\nset q.lowgain -6\nset c.threshold -30\n"
	                        "connect env q.midfreq 3000\nset e.time 30\nmacro 2 c.ratio 1 20 exp\n"
	                        "set r.type plate\ncreate bw brickwall master\nconnect r bw\nset bw.gain 12\n"
	                        "set bw.release 30\nout bw\n";
	for (unsigned k = 0; k < 2; ++k) {
		const double d = compare_paths("eq, comp, chorus, phaser, echo, plate reverb, brickwall", fx, strlen(fx), k ? 64 : 5);
		CU_ASSERT(d >= 0.0 && d <= 1e-6);
		worst = d > worst ? d : worst;
	}
	for (unsigned k = 0; k < 2; ++k) {
		const double d = compare_paths("stereo, held positions", held, strlen(held), k ? 64 : 5);
		CU_ASSERT(d >= 0.0 && d <= 1e-6);
		worst = d > worst ? d : worst;
	}
	printf("\n  worst over all patches and polyphonies 5, 16, 64: %.1e (bound 1e-6)\n", worst);
}

int
suite_simd(void)
{
	CU_pSuite s = CU_add_suite("simd", NULL, NULL);
	return !s || !CU_add_test(s, "single-voice, baseline and avx2 paths give the same samples", test_paths_agree);
}
