/* SPDX-License-Identifier: ISC
 *
 * libFuzzer target: patch text → patch_parse → compile_patch → render, and
 * the same text through build_slot (the verifier) → render what it accepts.
 *
 * Input: an 8-byte header, then the patch text (see tests/fuzz/README.md).
 *   h[0]  polyphony 1 + h[0] % 64
 *   h[1]  second note (bits 0-6), sustain pedal (bit 7)
 *   h[2]  velocity of the second note (0..127 → 0..1)
 *   h[3]  macro knobs 1-4, two bits each: position 0, 1/3, 2/3, 1
 *   h[4]  macro knobs 5-8, likewise
 *   h[5]  pitch bend, 0..255 → -2..+2 semitones
 *   h[6]  block size of the second rendering, 1 + h[6] % 97
 *   h[7]  first note's release point, in 64-frame units
 *
 * Aborts when:
 *   - a failed parse or compile leaves PatchError.message empty,
 *     unterminated, unprintable, or with a "line L, col C: " prefix that
 *     disagrees with err.line/err.col, or a position outside the text;
 *   - a successful parse gives a Patch that breaks its own invariants
 *     (out_module out of range, indices, ranges, names, counts) — in
 *     particular one whose out_module is invalid and yet compiles;
 *   - build_slot disagrees with patch_parse / compile_patch, or a silent
 *     warm-up comes without its warning (or a sounding one with one);
 *   - a slot that build_slot accepted renders a non-finite sample, replaying
 *     the verifier's own test note or any other note, velocity, bend,
 *     sustain and macro positions (all in range) for a few blocks;
 *   - two renderings of the same score split into different block sizes
 *     differ (module.h: "must give the same samples however a run of frames
 *     is split into calls").
 */
#include "build_slot.h"
#include "compile.h"
#include "slot_impl.h"
#include "voices.h"
#include "patch.h"
#include "fuzz_check.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER     8u
#define RATE       48000.0
#define MAX_FRAMES 4096u

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static bool
valid_name(const char* s)
{
	const size_t n = strnlen(s, PATCH_MAX_NAME + 1);
	if (n == 0 || n > PATCH_MAX_NAME) {
		return false;
	}
	for (size_t i = 0; i < n; ++i) {
		const char c = s[i];
		const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
		if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
			return false;
		}
	}
	return strcmp(s, "note") != 0;
}

/* What compile_patch relies on, as patch.h promises it. */
static void
check_patch(const Patch* p)
{
	CHECK(memchr(p->title, '\0', sizeof p->title) != NULL, "title not terminated");
	CHECK(p->n_modules >= 1 && p->n_modules <= PATCH_MAX_MODULES, "n_modules %u", p->n_modules);
	CHECK(p->out_module >= 0 && (unsigned)p->out_module < p->n_modules, "out_module %d of %u modules",
	      p->out_module, p->n_modules);
	CHECK(p->n_connections <= PATCH_MAX_CONNECTIONS, "n_connections %u", p->n_connections);
	CHECK(p->n_settings <= PATCH_MAX_SETTINGS, "n_settings %u", p->n_settings);
	CHECK(p->n_macros <= PATCH_MAX_MACROS, "n_macros %u", p->n_macros);
	CHECK(p->voicing.unison >= 1 && p->voicing.unison <= PATCH_MAX_UNISON && p->voicing.unison_cents >= 0.0f &&
	              p->voicing.unison_cents <= PATCH_MAX_UNISON_CENTS,
	      "unison %u, %g cents", p->voicing.unison, (double)p->voicing.unison_cents);
	for (unsigned m = 0; m < p->n_modules; ++m) {
		const PatchModule* pm = &p->modules[m];
		CHECK(pm->type != NULL, "module %u has no type", m);
		CHECK(valid_name(pm->name), "module %u has a bad name", m);
		CHECK(pm->type->n_inputs <= MODULE_MAX_INPUTS && pm->type->n_params <= MODULE_MAX_PARAMS,
		      "type %s too wide", pm->type->name);
		for (unsigned k = 0; k < m; ++k) {
			CHECK(strcmp(p->modules[k].name, pm->name) != 0, "duplicate module name '%s'", pm->name);
		}
	}
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		CHECK(k->dst_module >= 0 && (unsigned)k->dst_module < p->n_modules, "connection %u dst %d", c,
		      k->dst_module);
		if (k->src_module < 0 && k->src_ctl >= 0) {
			bool listed = false;
			for (unsigned i = 0; i < p->n_ctls; ++i) {
				listed |= p->ctls[i] == k->src_ctl;
			}
			CHECK(k->src_module == -1 && k->src_ctl < CTL_COUNT && listed && k->src_note == NOTE_SRC_NONE,
			      "connection %u controller %d", c, k->src_ctl);
		} else if (k->src_module < 0) {
			CHECK(k->src_module == -1 && k->src_ctl == -1 && k->src_note >= NOTE_SRC_PITCH &&
			              k->src_note < NOTE_SRC_COUNT,
			      "connection %u note source %d/%d", c, k->src_module, (int)k->src_note);
			CHECK(!p->modules[k->dst_module].master, "connection %u: note source into master", c);
		} else {
			CHECK((unsigned)k->src_module < p->n_modules, "connection %u src %d", c, k->src_module);
			CHECK(k->src_module != k->dst_module, "connection %u to itself", c);
		}
		const ModuleType* t = p->modules[k->dst_module].type;
		CHECK(k->dst_kind == DST_INPUT ? k->dst_index < t->n_inputs : k->dst_index < t->n_params,
		      "connection %u dst index %u", c, k->dst_index);
		CHECK(isfinite(k->depth) && fabsf(k->depth) <= PATCH_MAX_DEPTH, "connection %u depth %g", c,
		      (double)k->depth);
		for (unsigned d = 0; d < c; ++d) {
			const PatchConnection* o = &p->connections[d];
			CHECK(!(o->src_module == k->src_module && o->src_note == k->src_note && o->src_ctl == k->src_ctl &&
			        o->dst_module == k->dst_module && o->dst_kind == k->dst_kind &&
			        o->dst_index == k->dst_index),
			      "duplicate connection %u/%u", d, c);
		}
	}
	for (unsigned i = 0; i < p->n_settings; ++i) {
		const PatchSetting* s = &p->settings[i];
		CHECK(s->module >= 0 && (unsigned)s->module < p->n_modules, "setting %u module %d", i, s->module);
		const ModuleType* t = p->modules[s->module].type;
		CHECK(s->param < t->n_params, "setting %u param %u", i, s->param);
		const ParamSpec* sp = &t->params[s->param];
		CHECK(s->value >= sp->min && s->value <= sp->max, "setting %u value %g outside %g..%g", i,
		      (double)s->value, (double)sp->min, (double)sp->max);
	}
	for (unsigned k = 0; k < PATCH_MACRO_KNOBS; ++k) { /* `macro <knob> "Name"`: bounded, no control byte */
		const char*  kn = p->knob_names[k].name;
		const size_t n  = strnlen(kn, PATCH_MAX_KNOB_NAME + 1);
		CHECK(n <= PATCH_MAX_KNOB_NAME, "knob %u name not terminated", k + 1);
		CHECK((n > 0) == (p->knob_names[k].pos.line > 0), "knob %u name and its line disagree", k + 1);
		for (size_t i = 0; i < n; ++i) {
			CHECK((unsigned char)kn[i] >= 0x20 && kn[i] != 0x7f, "knob %u name has byte %d", k + 1, kn[i]);
		}
	}
	for (unsigned i = 0; i < p->n_macros; ++i) {
		const PatchMacro* mc = &p->macros[i];
		CHECK(mc->knob >= 1 && mc->knob <= PATCH_MACRO_KNOBS, "macro %u knob %u", i, mc->knob);
		CHECK(mc->module >= 0 && (unsigned)mc->module < p->n_modules, "macro %u module %d", i, mc->module);
		const ModuleType* t = p->modules[mc->module].type;
		CHECK(mc->param < t->n_params, "macro %u param %u", i, mc->param);
		const ParamSpec* sp = &t->params[mc->param];
		CHECK(mc->lo >= sp->min && mc->lo <= sp->max && mc->hi >= sp->min && mc->hi <= sp->max,
		      "macro %u range %g..%g outside %g..%g", i, (double)mc->lo, (double)mc->hi, (double)sp->min,
		      (double)sp->max);
		CHECK(mc->curve != CURVE_EXP || (mc->lo > 0.0f && mc->hi > 0.0f), "macro %u exp through 0", i);
	}
	CHECK(p->n_wavetables <= PATCH_MAX_WAVETABLES, "n_wavetables %u", p->n_wavetables);
	for (unsigned i = 0; i < p->n_wavetables && i < PATCH_MAX_WAVETABLES; ++i) {
		const PatchWavetable* w = &p->wavetables[i];
		CHECK(w->module >= 0 && (unsigned)w->module < p->n_modules &&
		              !strcmp(p->modules[w->module].type->name, "wavetable"),
		      "wavetable %u names module %d, not a wavetable", i, w->module);
		CHECK(w->wave >= 64 && w->wave <= 8192 && !(w->wave & (w->wave - 1)), "wavetable %u: %u samples a wave", i,
		      w->wave);
		const size_t len = strnlen(w->path, sizeof w->path);
		CHECK(len > 0 && len < sizeof w->path, "wavetable %u: a path of %zu bytes", i, len);
		for (unsigned j = 0; j < i; ++j) {
			CHECK(p->wavetables[j].module != w->module, "wavetables %u and %u name one module", j, i);
		}
	}
}

typedef struct {
	uint8_t note2;
	bool    sustain;
	float   velocity2;
	float   macros[PATCH_MACRO_KNOBS];
	float   bend;
	unsigned release_at; /* frames */
} Score;

static void
check_finite(const float* x, unsigned n, const char* phase, unsigned frame)
{
	for (unsigned i = 0; i < n; ++i) {
		CHECK(isfinite(x[i]), "%s: non-finite sample %g at frame %u of a slot build_slot accepted",
		      phase, (double)x[i], frame + i);
	}
}

/* Renders frames [from, to) of out in blocks of at most `block`. */
static void
render_span(Slot* s, float* out, unsigned from, unsigned to, unsigned block)
{
	while (from < to) {
		const unsigned n = to - from < block ? to - from : block;
		slot_render(s, out + from, out + from, n); /* the right channel overwrites the left: checked is the right, the left in a mono patch */
		from += n;
	}
}

/* The score every accepted slot plays: first the verifier's own test note
 * as build_slot plays it, then the fuzzed one. Events fall on the same
 * frames whatever the block size. */
static void
play(Slot* s, const Score* sc, float* out, unsigned block)
{
	const unsigned warm = BUILD_WARMUP_BLOCKS * BUILD_WARMUP_FRAMES; /* 2048 */
	voices_note_on(s, BUILD_WARMUP_NOTE, 0.8f);
	render_span(s, out, 0, warm, block);

	unsigned t = warm;
	for (unsigned k = 0; k < PATCH_MACRO_KNOBS; ++k) {
		slot_set_macro(s, k, sc->macros[k], false);
	}
	voices_bend(s, sc->bend);
	voices_sustain(s, sc->sustain);
	for (unsigned c = 0; c < CTL_COUNT; ++c) { /* every controller the patch may read (ctl.*) */
		slot_set_controller(s, c, sc->macros[c % PATCH_MACRO_KNOBS] * (c == CTL_BEND ? 2.0f : 1.0f) - (c == CTL_BEND),
		                    false);
	}
	voices_note_on(s, sc->note2, sc->velocity2);
	voices_pressure(s, 0, sc->note2, sc->macros[0]);
	render_span(s, out, t, t + sc->release_at, block);
	t += sc->release_at;
	voices_note_off(s, BUILD_WARMUP_NOTE);
	render_span(s, out, t, t + 512, block);
	t += 512;
	voices_note_off(s, sc->note2);
	voices_sustain(s, false);
	render_span(s, out, t, MAX_FRAMES, block);
}

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	if (size < HEADER) {
		return 0;
	}
	const uint8_t* h   = data;
	const char*    text = (const char*)data + HEADER;
	const size_t   len  = size - HEADER;
	const unsigned poly = 1u + h[0] % SLOT_MAX_POLYPHONY;

	/* 1. Parse. */
	static Patch patch; /* 40 KiB: not on the stack */
	PatchError   err;
	memset(&err, 0xa5, sizeof err); /* a message left unwritten shows */
	const bool parsed = patch_parse(text, len, &patch, &err);
	if (!parsed) {
		check_error(&err, "patch_parse", text, len);
	} else {
		check_patch(&patch);
	}

	/* 2. Compile what parsed and play a note on it, unverified. */
	bool compiled = false;
	if (parsed) {
		PatchError cerr;
		memset(&cerr, 0xa5, sizeof cerr);
		Slot* slot = compile_patch(&patch, RATE, poly, &cerr);
		if (!slot) {
			check_error(&cerr, "compile_patch", text, len);
		} else {
			compiled = true;
			CHECK(patch.out_module >= 0 && (unsigned)patch.out_module < patch.n_modules,
			      "compiled a patch whose out_module %d is invalid", patch.out_module);
			/* Polyphony counts notes, each a unison stack, within SLOT_MAX_VOICES. */
			const unsigned un    = patch.voicing.unison < 1 ? 1u : patch.voicing.unison;
			const unsigned notes = poly * un > SLOT_MAX_VOICES ? SLOT_MAX_VOICES / un : poly;
			CHECK(slot->polyphony == notes && slot->n_voices == (notes + SLOT_STEAL_SPARES) * un,
			      "polyphony %u voices %u (unison %u)", slot->polyphony, slot->n_voices, un);
			CHECK(slot->out_buf < slot->n_bufs, "out_buf %u of %u", slot->out_buf, slot->n_bufs);
			float buf[300], right[300];
			voices_note_on(slot, 60, 1.0f);
			slot_render(slot, buf, right, 100);
			voices_note_off(slot, 60);
			slot_render(slot, buf + 100, right + 100, 200);
			slot_free(slot);
		}
	}

	/* 3. The verifier, and what it accepts must stay finite. */
	BuildSettings bs;
	build_settings_default(&bs, RATE);
	bs.polyphony = poly;
	BuildReport rep;
	Slot*       slot = build_slot(text, len, &bs, &rep);
	if (!slot) {
		check_error(&rep.error, "build_slot", rep.status <= BUILD_COMPILE_ERROR ? text : NULL, len);
		CHECK(rep.status != BUILD_OK, "build_slot returned NULL with BUILD_OK");
		CHECK(rep.status != BUILD_PARSE_ERROR || !parsed, "build_slot: parse error '%s' on text that parsed",
		      rep.error.message);
		CHECK(rep.status != BUILD_COMPILE_ERROR || (parsed && !compiled),
		      "build_slot: compile error '%s' disagrees with compile_patch", rep.error.message);
		if (parsed && compiled) {
			CHECK(rep.status >= BUILD_NOT_FINITE, "build_slot status %d on a patch that compiles",
			      (int)rep.status);
		}
		return 0;
	}
	CHECK(parsed && compiled, "build_slot accepted text that patch_parse/compile_patch refused");
	CHECK(rep.status == BUILD_OK && isfinite(rep.peak) && rep.peak <= BUILD_PEAK_LIMIT,
	      "report status %d peak %g rms %g", (int)rep.status, (double)rep.peak, (double)rep.rms);
	/* A silent warm-up is accepted with a warning that says why; a
	 * sounding one has none. */
	const bool silent = !(rep.rms >= BUILD_RMS_FLOOR);
	CHECK(silent == (rep.warning[0] != '\0') &&
	              (!silent || (!strncmp(rep.warning, "warm-up is silent: ", 19) && strlen(rep.warning) > 19 &&
	                           memchr(rep.warning, '\0', sizeof rep.warning))),
	      "rms %g with warning '%.200s'", (double)rep.rms, rep.warning);

	Score sc;
	sc.note2     = h[1] & 0x7f;
	sc.sustain   = (h[1] & 0x80) != 0;
	sc.velocity2 = (float)(h[2] & 0x7f) / 127.0f;
	for (unsigned k = 0; k < PATCH_MACRO_KNOBS; ++k) {
		const unsigned bits = (h[3 + k / 4] >> (2 * (k % 4))) & 3u;
		sc.macros[k]        = (float)bits / 3.0f;
	}
	sc.bend       = (float)h[5] / 255.0f * 4.0f - 2.0f;
	sc.release_at = 64u * (h[7] % 16u);

	static float a[MAX_FRAMES], b[MAX_FRAMES];
	play(slot, &sc, a, 256);
	slot_free(slot);
	check_finite(a, BUILD_WARMUP_BLOCKS * BUILD_WARMUP_FRAMES, "verifier's test note replayed", 0);
	check_finite(a + 2048, MAX_FRAMES - 2048, "fuzzed notes and macros", 2048);

	/* 4. The same score in other block sizes gives the same samples. */
	slot = build_slot(text, len, &bs, &rep);
	CHECK(slot != NULL, "second build_slot of the same text failed: %s", rep.error.message);
	play(slot, &sc, b, 1u + h[6] % 97u);
	slot_free(slot);
	for (unsigned i = 0; i < MAX_FRAMES; ++i) {
		CHECK(memcmp(&a[i], &b[i], sizeof(float)) == 0,
		      "frame %u: %.9g in blocks of 256, %.9g in blocks of %u", i, (double)a[i], (double)b[i],
		      1u + h[6] % 97u);
	}
	return 0;
}
