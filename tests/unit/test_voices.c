/* SPDX-License-Identifier: ISC
 *
 * What the voices of a slot are for, checked on the rendered samples (and
 * the voice count voices_active gives): released voices stolen before held
 * ones, the declick fade of a voice with no envelope, the same key
 * retriggering its own voice (with a new attack), velocity through the
 * vca's law, stolen voices given back, and a voice's end decided only at
 * aligned points (the same samples for every block split), and a Scala
 * tuning played from the keys: pitches within 0.01 cent of the scale,
 * unmapped keys silent, a held note gliding to a new tuning without a
 * step. Each test stands for a mutation of tests/mutate/mutations.txt
 * that it catches.
 */
#include "build_slot.h"
#include "click.h"
#include "compile.h"
#include "slot_impl.h"
#include "tuning.h"
#include "voices.h"

#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0
#define PI   3.14159265358979323846

static Slot*
compile_voices(const char* text, unsigned polyphony)
{
	PatchError err;
	Patch*     p = malloc(sizeof(Patch));
	Slot*      s = NULL;
	if (patch_parse(text, strlen(text), p, &err)) {
		s = compile_patch(p, RATE, polyphony, &err);
	}
	if (!s) {
		printf("\n  cannot compile: %s\n", err.message);
	}
	free(p);
	return s;
}

/* Renders n frames in blocks of 256 into out (NULL: thrown away). */
static void
render(Slot* s, float* out, unsigned n)
{
	float scratch[256], right[256];
	while (n) {
		const unsigned m = n < 256 ? n : 256;
		float*         l = out ? out : scratch;
		slot_render(s, l, right, m);
		/* These patches have no pan: both channels are the same. */
		CU_ASSERT(!memcmp(l, right, m * sizeof(float)));
		if (out) {
			out += m;
		}
		n -= m;
	}
}

static float
peak_of(const float* x, unsigned n)
{
	float p = 0.0f;
	for (unsigned i = 0; i < n; ++i) {
		p = fmaxf(p, fabsf(x[i]));
	}
	return p;
}

/* Amplitude of the component at f (Hann-windowed Goertzel). */
static double
amplitude_at(const float* x, unsigned n, double f)
{
	const double w = 2.0 * PI * f / RATE, c = 2.0 * cos(w);
	double       s1 = 0.0, s2 = 0.0, wsum = 0.0;
	for (unsigned i = 0; i < n; ++i) {
		const double win = 0.5 - 0.5 * cos(2.0 * PI * (double)i / (double)(n - 1));
		const double s0  = win * x[i] + c * s1 - s2;
		s2               = s1;
		s1               = s0;
		wsum += win;
	}
	const double re = s1 - s2 * cos(w), im = s2 * sin(w);
	return 2.0 * sqrt(re * re + im * im) / wsum;
}

static double
note_hz(unsigned note)
{
	return 440.0 * pow(2.0, ((double)note - 69.0) / 12.0);
}

/* A sine with no envelope: the voice's only shape is its declick fade. */
static const char* const bare_sine = "create osc sine\nout osc\n";

/* A sine through an envelope with a long release, so a released voice
 * still sounds when the next note comes. */
static const char* const long_release = "create osc sine\ncreate env adsr\ncreate amp vca\n"
                                        "connect osc amp\nconnect env amp.gain\n"
                                        "set env.attack 1\nset env.decay 1\nset env.sustain 1\n"
                                        "set env.release 5000\nout amp\n";

/* Polyphony 2: one note held, a second played and released (its release
 * still sounding), then a third: the released voice is the one stolen, the
 * held one keeps sounding. Heard from the audio, by the level of each
 * pitch once the steal fade is over. */
static void
test_released_stolen_before_held(void)
{
	Slot* s = compile_voices(long_release, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	const unsigned held = 60, released = 67, third = 72;
	voices_note_on(s, (uint8_t)held, 1.0f);
	render(s, NULL, 4800);
	voices_note_on(s, (uint8_t)released, 1.0f);
	render(s, NULL, 4800);
	voices_note_off(s, (uint8_t)released);
	render(s, NULL, 480);
	voices_note_on(s, (uint8_t)third, 1.0f);
	/* The steal fade is SLOT_STEAL_FADE_MS; 50 ms is far past it. */
	render(s, NULL, 2400);
	enum { N = 9600 };
	float* y = calloc(N, sizeof(float));
	render(s, y, N);
	const double a_held = amplitude_at(y, N, note_hz(held));
	const double a_rel  = amplitude_at(y, N, note_hz(released));
	const double a_new  = amplitude_at(y, N, note_hz(third));
	printf("\n  held %.4f, released %.6f, new %.4f\n", a_held, a_rel, a_new);
	CU_ASSERT(fabs(a_held - 1.0) < 0.02); /* still at full level */
	CU_ASSERT(fabs(a_new - 1.0) < 0.02);
	CU_ASSERT(a_rel < 1e-3);               /* stolen: gone, not merely quieter */
	free(y);
	slot_free(s);
}

/* A voice with no gate envelope fades out linearly over SLOT_DECLICK_MS at
 * note off: sample for sample, the note-off render is the held render times
 * the fade (1 - k/N), N = SLOT_DECLICK_MS x rate, then exactly 0 and the
 * voice idle; the transition is no sharper than the steady sine (click
 * metric of docs/testing.md). */
static void
test_release_without_envelope_fades(void)
{
	const unsigned note = 81; /* 880 Hz: the fade's kink is small next to it */
	const unsigned at   = 4800, total = 9600;
	float*         held = calloc(total, sizeof(float));
	float*         off  = calloc(total, sizeof(float));
	Slot*          a    = compile_voices(bare_sine, 4);
	Slot*          b    = compile_voices(bare_sine, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	voices_note_on(a, (uint8_t)note, 1.0f);
	voices_note_on(b, (uint8_t)note, 1.0f);
	render(a, held, total);
	render(b, off, at);
	voices_note_off(b, (uint8_t)note);
	render(b, off + at, total - at);
	CU_ASSERT_EQUAL(memcmp(held, off, at * sizeof(float)), 0);
	const unsigned fade = (unsigned)lround(SLOT_DECLICK_MS * 0.001 * RATE);
	double         worst = 0.0;
	for (unsigned k = 0; k < fade; ++k) {
		const double want = held[at + k] * (1.0 - (double)(k + 1) / fade);
		worst             = fmax(worst, fabs(off[at + k] - want));
	}
	const float  after  = peak_of(off + at + fade, total - at - fade);
	const double metric = click_metric_around(off, total, at, fade, 2400);
	printf("\n  fade of %u frames: worst error %.2g, after it %g, click metric %.3f\n", fade, worst,
	       (double)after, metric);
	CU_ASSERT(worst < 1e-5);
	CU_ASSERT_EQUAL(after, 0.0f);
	CU_ASSERT(metric < CLICK_BOUND_PARAM_JUMP);
	CU_ASSERT_EQUAL(voices_active(b), 0u);
	CU_ASSERT(peak_of(held + at, total - at) > 0.9f); /* the held one still sounds */
	free(held);
	free(off);
	slot_free(a);
	slot_free(b);
}

/* The same key again, with no envelope: its own voice goes on (one voice,
 * the same level, the same samples as if the key had not been struck
 * again), not a second voice stacked on the first. */
static void
test_same_key_retriggers_its_voice(void)
{
	const unsigned total = 9600, at = 4800;
	float*         once  = calloc(total, sizeof(float));
	float*         twice = calloc(total, sizeof(float));
	Slot*          a     = compile_voices(bare_sine, 4);
	Slot*          b     = compile_voices(bare_sine, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	voices_note_on(a, 69, 1.0f);
	voices_note_on(b, 69, 1.0f);
	render(a, once, total);
	render(b, twice, at);
	voices_note_on(b, 69, 1.0f);
	render(b, twice + at, total - at);
	double worst = 0.0;
	for (unsigned i = 0; i < total; ++i) {
		worst = fmax(worst, fabs((double)once[i] - twice[i]));
	}
	printf("\n  %u voice(s) after the same key twice; peak %.4f, worst difference %.2g\n", voices_active(b),
	       (double)peak_of(twice + at, total - at), worst);
	CU_ASSERT_EQUAL(voices_active(b), 1u);
	CU_ASSERT(worst < 1e-6);
	CU_ASSERT(fabsf(peak_of(twice + at, total - at) - 1.0f) < 1e-3f);
	free(once);
	free(twice);
	slot_free(a);
	slot_free(b);
}

/* The same key again through an envelope: a new rising gate edge restarts
 * the attack, so a note at its sustain level (0.25) climbs back to the
 * peak (1) within the attack time, then decays to its sustain again. */
static void
test_same_key_restarts_the_attack(void)
{
	static const char* text = "create osc sine\ncreate env adsr\ncreate amp vca\n"
	                          "connect osc amp\nconnect env amp.gain\n"
	                          "set env.attack 5\nset env.decay 20\nset env.sustain 0.25\n"
	                          "set env.release 50\nout amp\n";
	Slot* s = compile_voices(text, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	float y[2400];
	voices_note_on(s, 69, 1.0f);
	render(s, y, 2400); /* 50 ms: attack and decay over */
	const float sustain = peak_of(y + 1920, 480);
	voices_note_on(s, 69, 1.0f);
	render(s, y, 960); /* 20 ms: the new attack (5 ms) has peaked */
	const float again = peak_of(y, 960);
	printf("\n  sustain %.4f, after the same key again %.4f, %u voice(s)\n", (double)sustain, (double)again,
	       voices_active(s));
	CU_ASSERT(fabsf(sustain - 0.25f) < 0.01f);
	CU_ASSERT(again > 0.95f);
	CU_ASSERT_EQUAL(voices_active(s), 1u);
	slot_free(s);
}

/* Velocity through a fully velocity-sensitive vca (out = in x vel): notes
 * at velocities 32/127 and 127/127 differ by exactly that ratio, sample for
 * sample. */
static void
test_velocity_follows_the_vca_law(void)
{
	static const char* text = "create osc sine\ncreate amp vca\nconnect osc amp\n"
	                          "set amp.gain 1\nset amp.velocity 1\nout amp\n";
	enum { N = 4800 };
	float       y[2][N];
	const float vel[2] = {32.0f / 127.0f, 1.0f};
	for (unsigned k = 0; k < 2; ++k) {
		Slot* s = compile_voices(text, 4);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		voices_note_on(s, 69, vel[k]);
		render(s, y[k], N);
		slot_free(s);
	}
	double worst = 0.0;
	for (unsigned i = 0; i < N; ++i) {
		worst = fmax(worst, fabs((double)y[0][i] - (double)y[1][i] * (32.0 / 127.0)));
	}
	const double ratio = (double)peak_of(y[0], N) / (double)peak_of(y[1], N);
	printf("\n  level ratio %.6f (want %.6f), worst sample error %.2g\n", ratio, 32.0 / 127.0, worst);
	CU_ASSERT(peak_of(y[1], N) > 0.9f);
	CU_ASSERT(fabs(ratio - 32.0 / 127.0) < 1e-4);
	CU_ASSERT(worst < 1e-5);
}

/* Polyphony 2, many held notes: each steal fades the old voice out over
 * SLOT_STEAL_FADE_MS and then gives it back, so once the fades are over
 * exactly 2 voices are busy, and the newest two notes sound. */
static void
test_stolen_voices_are_given_back(void)
{
	Slot* s = compile_voices(bare_sine, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	static const uint8_t notes[] = {48, 50, 52, 53, 55, 57, 59, 60, 62, 64, 65, 67, 69, 71, 72};
	const unsigned       n       = sizeof(notes) / sizeof(notes[0]);
	unsigned             worst   = 0;
	for (unsigned i = 0; i < n; ++i) {
		voices_note_on(s, notes[i], 1.0f);
		render(s, NULL, 960); /* 20 ms: past the steal fade and an aligned point */
		worst = voices_active(s) > worst ? voices_active(s) : worst;
	}
	enum { N = 9600 };
	float* y = calloc(N, sizeof(float));
	render(s, y, N);
	const double last = amplitude_at(y, N, note_hz(notes[n - 1]));
	const double prev = amplitude_at(y, N, note_hz(notes[n - 2]));
	printf("\n  %u voices busy after %u steals (most ever %u); newest two at %.3f %.3f\n", voices_active(s),
	       n - 2, worst, last, prev);
	CU_ASSERT_EQUAL(voices_active(s), 2u);
	CU_ASSERT(worst <= 2u);
	CU_ASSERT(fabs(last - 1.0) < 0.02 && fabs(prev - 1.0) < 0.02);
	free(y);
	slot_free(s);
}

/* A score rendered with a given block split: a voice whose only envelope
 * shapes the filter (the oscillator still sounds when that envelope ends),
 * so where its end is decided shows in the samples. */
static void
render_score_split(Slot* s, float* out, unsigned total, unsigned block, unsigned seed)
{
	static const struct {
		unsigned frame;
		bool     on;
		uint8_t  note;
	} score[] = {{0, true, 60}, {700, false, 60}, {3001, true, 64}, {3500, false, 64}, {6007, true, 67},
	             {6011, false, 67}};
	unsigned pos = 0, e = 0;
	while (pos < total) {
		unsigned n = block;
		if (!n) {
			seed = seed * 1103515245u + 12345u;
			n    = 1 + (seed >> 16) % 200;
		}
		n = pos + n > total ? total - pos : n;
		if (e < sizeof(score) / sizeof(score[0]) && score[e].frame < pos + n) {
			n = score[e].frame - pos;
		}
		if (n) {
			float right[4096];
			for (unsigned k = 0; k < n; k += 4096) {
				const unsigned m = n - k < 4096 ? n - k : 4096;
				slot_render(s, out + pos + k, right, m);
				CU_ASSERT(!memcmp(out + pos + k, right, m * sizeof(float)));
			}
			pos += n;
		}
		for (; e < sizeof(score) / sizeof(score[0]) && score[e].frame == pos; ++e) {
			if (score[e].on) {
				voices_note_on(s, score[e].note, 0.8f);
			} else {
				voices_note_off(s, score[e].note);
			}
		}
	}
}

static void
test_voice_end_independent_of_blocks(void)
{
	static const char* text = "create osc saw\ncreate vcf ladder\ncreate fenv adsr\n"
	                          "connect osc vcf\nconnect fenv vcf.cutoff 3000\n"
	                          "set vcf.cutoff 400\nset fenv.attack 1\nset fenv.decay 5\n"
	                          "set fenv.sustain 0.5\nset fenv.release 7\nout vcf\n";
	const unsigned total  = 12000;
	const unsigned blocks[] = {CHRONUS_SUBBLOCK, 1, 3, 4096, 0};
	float*         ref    = calloc(total, sizeof(float));
	float*         out    = calloc(total, sizeof(float));
	double         worst  = 0.0;
	for (unsigned k = 0; k < sizeof(blocks) / sizeof(blocks[0]); ++k) {
		Slot* s = compile_voices(text, 4);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		render_score_split(s, k ? out : ref, total, blocks[k], 7);
		CU_ASSERT_EQUAL(voices_active(s), 0u);
		slot_free(s);
		for (unsigned i = 0; k && i < total; ++i) {
			worst = fmax(worst, fabs((double)out[i] - ref[i]));
		}
	}
	printf("\n  worst difference between block splits %.2g; peak %.3f\n", worst, (double)peak_of(ref, total));
	CU_ASSERT(worst <= 1e-6);
	CU_ASSERT(peak_of(ref, total) > 0.05f); /* it did play */
	free(ref);
	free(out);
}

/* The frequency of a steady sine from its first and last upward zero
 * crossings (interpolated) in x[0..n). */
static double
crossing_hz(const float* x, unsigned n)
{
	double   first = -1.0, last = -1.0;
	unsigned periods = 0;
	for (unsigned i = 1; i < n; ++i) {
		if (x[i - 1] < 0.0f && x[i] >= 0.0f) {
			const double t = (i - 1) + (double)x[i - 1] / ((double)x[i - 1] - x[i]);
			if (first < 0.0) {
				first = t;
			} else {
				last = t;
				++periods;
			}
		}
	}
	return periods ? periods * RATE / (last - first) : 0.0;
}

static double
cents_off(double hz, double want)
{
	return fabs(1200.0 * log2(hz / want));
}

/* A key's frequency through the slot: struck alone, measured over 1 s
 * after 0.1 s. */
static double
key_hz(Slot* s, uint8_t key)
{
	static float y[52800];
	voices_reset(s);
	voices_note_on(s, key, 1.0f);
	render(s, y, 52800);
	voices_note_off(s, key);
	render(s, NULL, 4800);
	return crossing_hz(y + 4800, 48000);
}

/* 19-EDO from the Scala reader, played: every key a 19th of an octave
 * from its neighbour, key 60 at middle C. */
static void
test_tuning_plays_the_scale(void)
{
	const char* text = tuning_edo19_scl();
	Scale*     sc = malloc(sizeof(Scale));
	KeyMap*    m  = malloc(sizeof(KeyMap));
	Tuning     t;
	PatchError err;
	CU_ASSERT_TRUE_FATAL(scale_parse(text, strlen(text), sc, &err));
	keymap_linear(m, 60, 440.0 * pow(2.0, -9.0 / 12.0));
	CU_ASSERT_TRUE_FATAL(tuning_build(sc, m, &t, &err));
	Slot* s = compile_voices(bare_sine, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	const double c4  = 440.0 * pow(2.0, -9.0 / 12.0);
	const double a4  = key_hz(s, 69);
	slot_set_tuning(s, t.note, 0.0);
	double         worst  = 0.0;
	const uint8_t  keys[] = {41, 60, 61, 69, 79, 98};
	for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; ++i) {
		const double want = c4 * pow(2.0, (keys[i] - 60) / 19.0);
		const double got  = key_hz(s, keys[i]);
		worst             = fmax(worst, cents_off(got, want));
	}
	printf("\n  12-EDO A4 %.4f Hz; 19-EDO from the keys: worst %.4f cent off the scale (6 keys, from the audio)\n",
	       a4, worst);
	CU_ASSERT(cents_off(a4, 440.0) < 0.01);
	CU_ASSERT(worst < 0.01);
	slot_free(s);
	free(sc);
	free(m);
}

/* A keyboard map that leaves keys out: they start no voice. */
static void
test_unmapped_keys_are_silent(void)
{
	static const char* const scl = "just\n7\n9/8\n5/4\n4/3\n3/2\n5/3\n15/8\n2/1\n";
	static const char* const kbm = "12\n0\n127\n62\n69\n440.0\n7\n0\nx\n1\nx\n2\n3\nx\n4\nx\n5\nx\n6\n";
	Scale*     sc = malloc(sizeof(Scale));
	KeyMap*    m  = malloc(sizeof(KeyMap));
	Tuning     t;
	PatchError err;
	CU_ASSERT_TRUE_FATAL(scale_parse(scl, strlen(scl), sc, &err));
	CU_ASSERT_TRUE_FATAL(keymap_parse(kbm, strlen(kbm), m, &err));
	CU_ASSERT_TRUE_FATAL(tuning_build(sc, m, &t, &err));
	Slot* s = compile_voices(bare_sine, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	slot_set_tuning(s, t.note, 0.0);
	voices_note_on(s, 63, 1.0f); /* D#: out of D major */
	const unsigned unmapped = voices_active(s);
	const double   fs       = key_hz(s, 66); /* F#: the 5/4 above D */
	printf("  D major map: key 63 starts %u voice(s); key 66 at %.3f Hz (5/4 of 293.333 = 366.667)\n", unmapped,
	       fs);
	CU_ASSERT_EQUAL(unmapped, 0u);
	CU_ASSERT(cents_off(fs, 440.0 / 1.5 * 1.25) < 0.01);
	slot_free(s);
	free(sc);
	free(m);
}

/* A held note when the tuning changes: it glides to its new pitch over
 * the retune time, with no step in the wave (the largest sample step no
 * larger than the higher pitch's steady one), and lands on it. */
static void
test_held_note_glides_to_a_new_tuning(void)
{
	Tuning up;
	for (int k = 0; k < TUNING_KEYS; ++k) {
		up.note[k] = (float)k + 0.5f; /* a quarter tone up */
	}
	Slot* s = compile_voices(bare_sine, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	const unsigned total = 48000 + 2400;
	float*         y     = malloc(total * sizeof(float));
	voices_note_on(s, 81, 1.0f); /* 880 Hz: steps big enough to see a corner */
	render(s, y, 2400);
	slot_set_tuning(s, up.note, 20.0);
	render(s, y + 2400, 48000);
	double worst_step = 0.0;
	for (unsigned i = 2401; i < 2400 + 1920; ++i) {
		worst_step = fmax(worst_step, fabs((double)y[i] - y[i - 1]));
	}
	const double want   = 880.0 * pow(2.0, 0.5 / 12.0);
	const double steady = 2.0 * sin(PI * want / RATE); /* a unit sine's largest step at that pitch */
	const double got    = crossing_hz(y + 2400 + 2400, 48000 - 2400);
	const double mid    = crossing_hz(y + 2400 + 240, 720); /* 5..20 ms: the glide's second half or so */
	const double half   = 880.0 * pow(2.0, 0.25 / 12.0);
	printf("  retune a held A5 by a quarter tone over 20 ms: largest step %.5f (steady at the new pitch %.5f); "
	       "5-20 ms in %.2f Hz (halfway %.2f); then %.4f Hz, %.4f cent off\n",
	       worst_step, steady, mid, half, got, cents_off(got, want));
	CU_ASSERT(worst_step <= steady * 1.0001);
	CU_ASSERT(mid > half && mid < want); /* on its way: neither a jump nor a stay */
	CU_ASSERT(cents_off(got, want) < 0.01);
	CU_ASSERT_EQUAL(voices_active(s), 1u);
	free(y);
	slot_free(s);
}

/* Zones: two probes (velocity x 1 and x 2), zoned 36..47 and 48..59: a
 * key plays its zone's chain alone, exactly; a key of no zone nothing; a
 * chord across both zones both. And the warm-up of a patch heard only in
 * a zone plays a key of the zone, so it is not called silent. */
static void
test_zones_pick_the_chain(void)
{
	static const char* text = "patch \"zones\"\ncreate a mix\ncreate b mix\ncreate m mix\n"
	                          "connect note.velocity a.in1 1\nconnect note.velocity b.in1 2\n"
	                          "connect a m.in1\nconnect b m.in2\nzone a 36 47\nzone b 48 59\nout m\n";
	Slot* s = compile_voices(text, 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	static const struct {
		uint8_t keys[2];
		float   want;
	} cases[] = {{{40, 0}, 0.5f}, {{36, 0}, 0.5f}, {{47, 0}, 0.5f}, {{48, 0}, 1.0f}, {{59, 0}, 1.0f},
	             {{35, 0}, 0.0f}, {{60, 0}, 0.0f}, {{40, 50}, 1.5f}};
	float out[256];
	for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
		voices_reset(s);
		for (unsigned k = 0; k < 2 && cases[c].keys[k]; ++k) {
			voices_note_on(s, cases[c].keys[k], 0.5f);
		}
		render(s, out, 256);
		float lo = out[0], hi = out[0];
		for (unsigned i = 0; i < 256; ++i) {
			lo = fminf(lo, out[i]);
			hi = fmaxf(hi, out[i]);
		}
		if (lo != cases[c].want || hi != cases[c].want) {
			printf("\n  keys %u %u: output %g .. %g, want %g", cases[c].keys[0], cases[c].keys[1], (double)lo,
			       (double)hi, (double)cases[c].want);
		}
		CU_ASSERT(lo == cases[c].want && hi == cases[c].want);
	}
	CU_ASSERT(slot_zone_hears(s, 36) && slot_zone_hears(s, 59) && !slot_zone_hears(s, 60) && !slot_zone_hears(s, 35));
	slot_free(s);

	/* A kick zoned on key 36 alone: the warm-up plays key 36. */
	static const char* kick = "patch \"kick\"\ncreate o sine\ncreate e adsr\ncreate v vca\nconnect o v\n"
	                          "connect e v.gain\nzone v 36\nout v\n";
	BuildSettings bs;
	build_settings_default(&bs, RATE);
	BuildReport r;
	Slot*       k = build_slot(kick, strlen(kick), &bs, &r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	if (r.warning[0]) {
		printf("\n  zoned kick: %s", r.warning);
	}
	CU_ASSERT_STRING_EQUAL(r.warning, "");
	slot_free(k);
}

int
suite_voices(void)
{
	CU_pSuite s = CU_add_suite("voices: stealing, release, retrigger, velocity, end of life", NULL, NULL);
	return !s ||
	       !CU_add_test(s, "polyphony 2: the released voice is stolen, the held one sounds",
	                    test_released_stolen_before_held) ||
	       !CU_add_test(s, "no envelope: note off fades over SLOT_DECLICK_MS, exactly, then 0",
	                    test_release_without_envelope_fades) ||
	       !CU_add_test(s, "the same key again keeps one voice at the same level", test_same_key_retriggers_its_voice) ||
	       !CU_add_test(s, "the same key again restarts the envelope's attack", test_same_key_restarts_the_attack) ||
	       !CU_add_test(s, "velocity 32 vs 127 through the vca: exactly 32/127", test_velocity_follows_the_vca_law) ||
	       !CU_add_test(s, "stolen voices are given back after their fade", test_stolen_voices_are_given_back) ||
	       !CU_add_test(s, "a voice ends at the same sample for every block split",
	                    test_voice_end_independent_of_blocks) ||
	       !CU_add_test(s, "a 19-EDO tuning: every key within 0.01 cent of the scale", test_tuning_plays_the_scale) ||
	       !CU_add_test(s, "keys the keyboard map leaves out start no voice", test_unmapped_keys_are_silent) ||
	       !CU_add_test(s, "a held note glides to a new tuning without a step", test_held_note_glides_to_a_new_tuning) ||
	       !CU_add_test(s, "zones: a key plays its zone's chain alone", test_zones_pick_the_chain);
}
