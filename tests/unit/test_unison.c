/* SPDX-License-Identifier: ISC
 *
 * Unison stacks (the `unison` statement, voices.c): a stack of seven
 * detuned saws shows seven partials at the planned offsets around the
 * fundamental, of one level; `unison 1` is the plain patch, bit for bit,
 * through stealing, glide and the pedal; the polyphony counts notes (an
 * 8-note chord of 7-voice stacks plays 56 voices at polyphony 16), a steal
 * and a note off take whole stacks, the mono modes move the whole stack,
 * note.unison gives each voice its place; any block split and every
 * instruction set give the same samples. Each test stands for a mutation
 * of tests/mutate/mutations.txt that it catches.
 */
#include "build_slot.h"
#include "compile.h"
#include "slot_helpers.h"
#include "slot_impl.h"
#include "spectrum.h"
#include "voices.h"

#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0

static Slot*
compile_simd(const char* text, unsigned polyphony, SimdMode simd)
{
	PatchError err;
	Slot*      s = slot_from_text(text, RATE, polyphony, simd, &err);
	if (!s) {
		printf("\n  cannot compile: %s\n", err.message);
	}
	return s;
}

static Slot*
compile_text(const char* text, unsigned polyphony)
{
	return compile_simd(text, polyphony, SIMD_AUTO);
}


/* A 7-voice stack of saws, 20 cents wide, at A6 (1760 Hz): its partials
 * sit at 1760 * 2^(c/1200) for c = -10, -6.67 .. +10 cents, 3.4 Hz
 * apart; a 4 s Blackman-Harris spectrum (0.25 Hz bins, main lobe +-1 Hz)
 * separates them. Each peak is found as the strongest bin within 1 Hz of
 * where it should be, refined by a parabola through its log power, and
 * must be within 0.1 Hz of the plan and within 1 dB of the others (every
 * voice weighs the same); between two neighbours the spectrum dips by more
 * than 10 dB (seven peaks, not a smear). */
static void
test_partials_split(void)
{
	static const char* text = "create osc saw\nset osc.start random\nunison 7 20\nout osc\n";
	Slot*              s    = compile_text(text, 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	const unsigned skip = 4800, n = 192000;
	float*         x    = malloc(sizeof(float) * (skip + n));
	double*        pw   = malloc(sizeof(double) * (n / 2 + 1));
	voices_note_on(s, 93, 1.0f);
	render_blocks(s, x, NULL, skip + n, 256);
	spectrum_power(x + skip, n, pw);
	const double bin = RATE / n, f0 = 1760.0;
	double       found[7], level[7];
	printf("\n  unison 7 20 at A6: partials (Hz, planned / measured, dB):");
	for (unsigned k = 0; k < 7; ++k) {
		const double cents = -10.0 + 20.0 * k / 6.0;
		const double want  = f0 * pow(2.0, cents / 1200.0);
		const long   c     = lrint(want / bin);
		long         best  = c - 4;
		for (long b = c - 4; b <= c + 4; ++b) {
			best = pw[b] > pw[best] ? b : best;
		}
		const double a = log(pw[best - 1]), m = log(pw[best]), z = log(pw[best + 1]);
		const double d = 0.5 * (a - z) / (a - 2.0 * m + z);
		found[k]       = (best + d) * bin;
		level[k]       = 10.0 * log10(pw[best]);
		printf("%s %.2f/%.2f %.1f", k % 4 ? "," : "\n   ", want, found[k], level[k]);
		CU_ASSERT(fabs(found[k] - want) < 0.1);
	}
	double lo = level[0], hi = level[0];
	for (unsigned k = 1; k < 7; ++k) {
		lo = level[k] < lo ? level[k] : lo;
		hi = level[k] > hi ? level[k] : hi;
		/* The valley halfway between two neighbours. */
		const long mid = lrint(0.5 * (found[k] + found[k - 1]) / bin);
		const double valley = 10.0 * log10(pw[mid]);
		CU_ASSERT(valley < level[k] - 10.0 && valley < level[k - 1] - 10.0);
	}
	printf("\n   spacing %.2f Hz, levels within %.2f dB\n", (found[6] - found[0]) / 6.0, hi - lo);
	CU_ASSERT(hi - lo < 1.0);
	free(x);
	free(pw);
	slot_free(s);
}

/* A score with steals (polyphony 3), glide, the pedal, a bend and a
 * retrigger, at uneven blocks: `unison 1` and no statement give the same
 * samples on both channels, note.random, random start phases and a pan
 * included. */
static void
test_unison_one_is_plain(void)
{
	static const char* body = "create osc saw\ncreate env adsr\ncreate amp vca\ncreate p pan\n"
	                          "set osc.start random\nconnect note.random osc.fine 10\nconnect osc amp\n"
	                          "connect env amp.gain 0.3\nset env.release 200\nset p.random 0.5\nglide 50\npan p\n"
	                          "out amp\n";
	char with[1024];
	snprintf(with, sizeof with, "unison 1 30\n%s", body);
	const unsigned n = 48000;
	float*         out[2][2];
	for (unsigned v = 0; v < 2; ++v) {
		Slot* s = compile_text(v ? with : body, 3);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		out[v][0] = calloc(n, sizeof(float));
		out[v][1] = calloc(n, sizeof(float));
		unsigned at = 0, block = 1;
		for (unsigned ev = 0; at < n; ++ev) {
			switch (ev % 6) {
			case 0: voices_note_on(s, (uint8_t)(48 + ev % 11), 0.8f); break;
			case 1: voices_note_on(s, (uint8_t)(55 + ev % 7), 0.6f); break;
			case 2: voices_sustain(s, ev % 12 == 2); break;
			case 3: voices_note_off(s, (uint8_t)(48 + (ev - 3) % 11)); break;
			case 4: voices_bend(s, 0.3f); break;
			default: voices_note_on(s, (uint8_t)(55 + (ev - 4) % 7), 1.0f); break;
			}
			block        = block * 7 % 997 + 13;
			const unsigned m = block < n - at ? block : n - at;
			render_blocks(s, out[v][0] + at, out[v][1] + at, m, m);
			at += m;
		}
		slot_free(s);
	}
	double peak = 0.0;
	for (unsigned i = 0; i < n; ++i) {
		peak = fabs(out[0][0][i]) > peak ? fabs(out[0][0][i]) : peak;
	}
	printf("\n  unison 1 vs none: %s (peak %.3f)\n",
	       !memcmp(out[0][0], out[1][0], n * sizeof(float)) && !memcmp(out[0][1], out[1][1], n * sizeof(float))
	               ? "bit-identical"
	               : "DIFFERENT",
	       peak);
	CU_ASSERT(peak > 0.05);
	CU_ASSERT(!memcmp(out[0][0], out[1][0], n * sizeof(float)));
	CU_ASSERT(!memcmp(out[0][1], out[1][1], n * sizeof(float)));
	for (unsigned v = 0; v < 2; ++v) {
		free(out[v][0]);
		free(out[v][1]);
	}
}

/* The polyphony counts notes: an 8-note chord of 7-voice stacks plays 56
 * voices at polyphony 16, each stack with its seven places; at polyphony
 * 2 a third note steals the oldest stack whole (14 voices live after),
 * and a note off releases its whole stack. */
static void
test_polyphony_counts_notes(void)
{
	static const char* text = "create osc saw\ncreate env adsr\ncreate amp vca\nconnect osc amp\n"
	                          "connect env amp.gain\nset env.release 20\nunison 7 25\nout amp\n";
	Slot* s = compile_text(text, 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->polyphony, 16u);
	CU_ASSERT_EQUAL(s->n_voices, (16u + SLOT_STEAL_SPARES) * 7u);
	for (unsigned k = 0; k < 8; ++k) {
		voices_note_on(s, (uint8_t)(48 + 3 * k), 0.8f);
		render_blocks(s, NULL, NULL, 64, 64);
	}
	printf("\n  8 notes, unison 7, polyphony 16: %u voices live", live_voices(s));
	CU_ASSERT_EQUAL(live_voices(s), 56u);
	/* Each note's stack: seven voices, places -1 .. 1, detune +-12.5 cents. */
	for (unsigned k = 0; k < 8; ++k) {
		unsigned count = 0;
		float    sum = 0.0f, lo = 1.0f, hi = -1.0f;
		for (unsigned i = 0; i < s->n_voices; ++i) {
			const Voice* v = &s->voices[i];
			if (v->phase != VOICE_IDLE && v->note == 48 + 3 * k) {
				++count;
				sum += v->unison;
				lo = v->unison < lo ? v->unison : lo;
				hi = v->unison > hi ? v->unison : hi;
				CU_ASSERT(fabsf(v->detune - v->unison * 0.125f) < 1e-6f);
			}
		}
		CU_ASSERT_EQUAL(count, 7u);
		CU_ASSERT(fabsf(sum) < 1e-5f && lo == -1.0f && hi == 1.0f);
	}
	voices_note_off(s, 48);
	render_blocks(s, NULL, NULL, 48000, 256);
	CU_ASSERT_EQUAL(voices_active(s), 49u); /* the released stack is gone, whole */
	slot_free(s);

	s = compile_text(text, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (unsigned k = 0; k < 3; ++k) {
		voices_note_on(s, (uint8_t)(60 + k), 0.8f);
		render_blocks(s, NULL, NULL, 256, 256);
	}
	render_blocks(s, NULL, NULL, 4800, 256);
	printf("; polyphony 2, 3 notes: %u voices after the steal", voices_active(s));
	CU_ASSERT_EQUAL(voices_active(s), 14u);
	for (unsigned i = 0; i < s->n_voices; ++i) {
		CU_ASSERT(s->voices[i].phase == VOICE_IDLE || s->voices[i].note != 60);
	}
	slot_free(s);

	/* A stack of 16 plays at most SLOT_MAX_VOICES / 16 notes. */
	s = compile_text("create osc saw\nunison 16 10\nout osc\n", 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	printf("; unison 16 at polyphony 64: %u notes, %u voices, arena %zu KiB\n", s->polyphony, s->n_voices,
	       s->arena_size / 1024);
	CU_ASSERT_EQUAL(s->polyphony, SLOT_MAX_VOICES / 16u);
	CU_ASSERT_EQUAL(s->n_voices, (SLOT_MAX_VOICES / 16u + SLOT_STEAL_SPARES) * 16u);
	slot_free(s);

	/* Memory follows the voices: the delay-line modules at unison 16 and
	 * polyphony 64 (384 voices) against no unison (72 voices). */
	static const char* lines = "create s saw\ncreate p pluck\ncreate c comb\ncreate d delay\nconnect s p\n"
	                           "connect p c\nconnect c d\nout d\n";
	char wide[512];
	snprintf(wide, sizeof wide, "unison 16 20\n%s", lines);
	Slot* a = compile_text(lines, 64);
	Slot* b = compile_text(wide, 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	const double ratio = (double)b->arena_size / (double)a->arena_size;
	printf("  pluck, comb, delay: arena %zu KiB at polyphony 64, %zu KiB with unison 16 (x%.2f, voices x%.2f)\n",
	       a->arena_size / 1024, b->arena_size / 1024, ratio, (double)b->n_voices / a->n_voices);
	CU_ASSERT(ratio <= 1.05 * b->n_voices / a->n_voices);
	slot_free(a);
	slot_free(b);
}

/* Mono and legato: the whole stack moves to the next key (gliding
 * together) and comes back when it is released; the seven voices stay
 * seven. */
static void
test_mono_moves_the_stack(void)
{
	static const char* text = "create osc saw\ncreate env adsr\ncreate amp vca\nconnect osc amp\n"
	                          "connect env amp.gain\nvoice legato\nglide 30\nunison 5 40\nout amp\n";
	Slot* s = compile_text(text, 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	voices_note_on(s, 60, 0.8f);
	render_blocks(s, NULL, NULL, 2400, 256);
	voices_note_on(s, 64, 0.8f);
	render_blocks(s, NULL, NULL, 4800, 256);
	unsigned on64 = 0;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		const Voice* v = &s->voices[i];
		if (v->phase != VOICE_IDLE) {
			on64 += v->note == 64 && v->pitch == 64.0f;
		}
	}
	CU_ASSERT_EQUAL(voices_active(s), 5u);
	CU_ASSERT_EQUAL(on64, 5u);
	voices_note_off(s, 64);
	render_blocks(s, NULL, NULL, 4800, 256);
	unsigned on60 = 0;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		on60 += s->voices[i].phase != VOICE_IDLE && s->voices[i].note == 60 && s->voices[i].pitch == 60.0f;
	}
	printf("\n  legato, unison 5: %u voices on the new key, %u back on the first\n", on64, on60);
	CU_ASSERT_EQUAL(voices_active(s), 5u);
	CU_ASSERT_EQUAL(on60, 5u);
	slot_free(s);
}

/* Per-note expression (MPE: a channel's bend, pressure and slide; poly
 * aftertouch of a key) reaches every voice of the note's stack and no
 * other note's; a note off releases every voice of its stack. */
static void
test_expression_reaches_the_stack(void)
{
	static const char* text = "create osc saw\ncreate env adsr\ncreate amp vca\nconnect osc amp\n"
	                          "connect env amp.gain\nconnect note.pressure amp.gain\nunison 5 30\nout amp\n";
	Slot* s = compile_text(text, 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	voices_note_on_ch(s, 3, 60, 0.8f);
	voices_note_on_ch(s, 4, 64, 0.8f);
	render_blocks(s, NULL, NULL, 256, 256);
	voices_channel(s, 3, CHAN_BEND, 1.5f, true);
	voices_channel(s, 3, CHAN_SLIDE, 0.25f, true);
	voices_pressure(s, 4, 64, 0.75f);
	unsigned bent = 0, slid = 0, pressed = 0, others = 0;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		const Voice* v = &s->voices[i];
		if (v->phase == VOICE_IDLE) {
			continue;
		}
		if (v->chan == 3) {
			bent += v->nbend == 1.5f;
			slid += v->slide == 0.25f;
			others += v->pressure_target != 0.0f;
		} else {
			pressed += v->pressure_target == 0.75f;
			others += v->nbend != 0.0f || v->slide != 0.0f;
		}
	}
	voices_note_off_ch(s, 4, 64, 0.5f);
	unsigned released = 0;
	for (unsigned i = 0; i < s->n_voices; ++i) {
		released += s->voices[i].phase == VOICE_RELEASED && s->voices[i].note == 64;
	}
	printf("\n  unison 5, MPE: bend on %u, slide on %u, pressure on %u voices, %u of the other note; %u released\n",
	       bent, slid, pressed, others, released);
	CU_ASSERT(bent == 5 && slid == 5 && pressed == 5 && others == 0 && released == 5);
	slot_free(s);
}

/* A unison patch with note.unison spreading the pan and a filter: the
 * same samples for any block split (1, 7, 64, 300, 4096) and on every
 * instruction set (one voice at a time, lane groups, AVX2). */
static void
test_blocks_and_paths(void)
{
	static const char* text = "create osc saw\ncreate vcf svf\ncreate env adsr\ncreate amp vca\ncreate p pan\n"
	                          "set osc.start random\nconnect osc vcf\nconnect note.unison vcf.cutoff 600\n"
	                          "connect vcf amp\nconnect env amp.gain 0.3\nset env.release 50\n"
	                          "connect note.unison p.index\nset p.spread 0.8\npan p\nunison 7 25\nout amp\n";
	const unsigned n       = 24000;
	const unsigned blocks[] = {4096, 1, 7, 64, 300};
	SimdMode       modes[]  = {SIMD_SINGLE, SIMD_BASELINE, SIMD_AVX2};
	const unsigned n_modes  = simd_cpu_has_avx2() ? 3 : 2;
	float*         ref[2]   = {calloc(n, sizeof(float)), calloc(n, sizeof(float))};
	float*         got[2]   = {calloc(n, sizeof(float)), calloc(n, sizeof(float))};
	double         worst_path = 0.0;
	bool           blocks_same = true;
	for (unsigned m = 0; m < n_modes; ++m) {
		for (unsigned b = 0; b < (m ? 1u : 5u); ++b) {
			Slot* s = compile_simd(text, 5, modes[m]);
			CU_ASSERT_PTR_NOT_NULL_FATAL(s);
			float** out = m == 0 && b == 0 ? ref : got;
			for (unsigned at = 0, k = 0; at < n; at += 2000, ++k) {
				if (k < 7) {
					voices_note_on(s, (uint8_t)(50 + 4 * k), 0.7f); /* the 6th and 7th steal */
				} else if (k < 10) {
					voices_note_off(s, (uint8_t)(50 + 4 * (k - 7)));
				}
				render_blocks(s, out[0] + at, out[1] + at, 2000, blocks[b]);
			}
			slot_free(s);
			if (out == ref) {
				continue;
			}
			for (unsigned i = 0; i < n; ++i) {
				if (m == 0) {
					blocks_same &= got[0][i] == ref[0][i] && got[1][i] == ref[1][i];
				} else {
					const double d = fmax(fabs(got[0][i] - ref[0][i]), fabs(got[1][i] - ref[1][i]));
					worst_path     = d > worst_path ? d : worst_path;
				}
			}
		}
	}
	double diff = 0.0;
	for (unsigned i = 0; i < n; ++i) {
		diff = fmax(diff, fabs(ref[0][i] - ref[1][i]));
	}
	printf("\n  unison 7 spread: blocks 1..4096 %s, worst path difference %.1e, max |L-R| %.3f\n",
	       blocks_same ? "identical" : "DIFFER", worst_path, diff);
	CU_ASSERT(blocks_same);
	CU_ASSERT(worst_path <= 1e-6);
	CU_ASSERT(diff > 0.01); /* spread: the channels differ */
	for (unsigned c = 0; c < 2; ++c) {
		free(ref[c]);
		free(got[c]);
	}
}

int
suite_unison(void)
{
	CU_pSuite s = CU_add_suite("unison", NULL, NULL);
	if (!s || !CU_add_test(s, "unison 7 20: seven partials at the planned offsets", test_partials_split) ||
	    !CU_add_test(s, "unison 1 is the plain patch, bit for bit", test_unison_one_is_plain) ||
	    !CU_add_test(s, "polyphony counts notes; steals and note offs take whole stacks",
	                 test_polyphony_counts_notes) ||
	    !CU_add_test(s, "mono and legato move the whole stack", test_mono_moves_the_stack) ||
	    !CU_add_test(s, "per-note expression and note off reach the whole stack", test_expression_reaches_the_stack) ||
	    !CU_add_test(s, "any block split and every instruction set agree", test_blocks_and_paths)) {
		return -1;
	}
	return 0;
}
