/* SPDX-License-Identifier: ISC
 *
 * The graph compiler and the slot it makes: execution order, buffer reuse,
 * the one-allocation arena, cycles named, unused modules pruned, voices
 * summed into master modules, voice allocation and release, block-split
 * invariance, parameter jumps without clicks, decaying voices without
 * denormal stalls.
 */
#include "bench_effects.h"
#include "build_slot.h"
#include "click.h"
#include "compile.h"
#include "module_registry.h"
#include "slot_helpers.h"
#include "slot_impl.h"
#include "voices.h"

#include "suites.h"

#include <CUnit/CUnit.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RATE 48000.0

static Slot*
compile_text(const char* text, unsigned polyphony, PatchError* err)
{
	return slot_from_text(text, RATE, polyphony, SIMD_AUTO, err);
}

static const char* chain = "create osc saw\n"
                           "create vcf ladder\n"
                           "create env adsr\n"
                           "create amp vca\n"
                           "create wobble lfo\n" /* feeds nothing: pruned */
                           "connect osc vcf\n"
                           "connect vcf amp\n"
                           "connect env amp.gain\n"
                           "set env.release 50\n"
                           "out amp\n";

static int
step_index(const Slot* s, const char* type)
{
	for (unsigned i = 0; i < s->n_steps; ++i) {
		if (!strcmp(s->steps[i].type->name, type)) {
			return (int)i;
		}
	}
	return -1;
}

static void
test_order_reuse_and_pruning(void)
{
	PatchError err;
	Slot*      s = compile_text(chain, 8, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->n_steps, 4u);
	CU_ASSERT_EQUAL(step_index(s, "lfo"), -1);
	CU_ASSERT(step_index(s, "saw") < step_index(s, "ladder"));
	CU_ASSERT(step_index(s, "ladder") < step_index(s, "vca"));
	CU_ASSERT(step_index(s, "adsr") < step_index(s, "vca"));
	/* Four modules in a chain need at most three live buffers. */
	CU_ASSERT(s->acc_first <= BUF_FIRST_FREE + 3);
	/* Everything lies inside the one allocation. */
	const uint8_t* base = (const uint8_t*)s;
	const Voice*   last = &s->voices[s->n_voices - 1];
	CU_ASSERT(last->state + s->group_state_size <= base + s->arena_size);
	CU_ASSERT((const uint8_t*)(s->bufs + (size_t)s->n_bufs * s->buf_stride) <= base + s->arena_size);
	CU_ASSERT_EQUAL(s->n_voices, 8u + SLOT_STEAL_SPARES);
	slot_free(s);
}

static void
test_cycle_is_named(void)
{
	PatchError err;
	Slot*      s = compile_text("create a svf\n"
	                            "create b svf\n"
	                            "create c vca\n"
	                            "connect a b\n"
	                            "connect b c\n"
	                            "connect c a.cutoff 100\n"
	                            "out c\n",
	                            4, &err);
	CU_ASSERT_PTR_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "cycle"));
	/* It says where feedback goes instead. */
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "delay.feedback, comb or pluck"));
	const bool named = strstr(err.message, "a -> b -> c -> a") || strstr(err.message, "b -> c -> a -> b") ||
	                   strstr(err.message, "c -> a -> b -> c");
	CU_ASSERT(named);
	CU_ASSERT(err.line >= 4 && err.line <= 6);
	CU_ASSERT(err.col >= 1);
}

static float
render_peak(Slot* s, unsigned frames)
{
	float buf[256], right[256], peak = 0.0f;
	while (frames) {
		const unsigned n = frames < 256 ? frames : 256;
		slot_render(s, buf, right, n);
		for (unsigned i = 0; i < n; ++i) {
			peak = fmaxf(peak, fmaxf(fabsf(buf[i]), fabsf(right[i])));
		}
		frames -= n;
	}
	return peak;
}

static void
test_master_sums_voices(void)
{
	PatchError err;
	Slot*      s = compile_text("create osc sine\n"
	                            "create env adsr\n"
	                            "create amp vca\n"
	                            "create fx drive master\n"
	                            "connect osc amp\n"
	                            "connect env amp.gain\n"
	                            "connect amp fx\n"
	                            "set fx.gain 0\n"
	                            "set fx.level 0\n"
	                            "set fx.mix 0\n" /* dry: the sum passes unchanged */
	                            "out fx\n",
	                            4, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(s->out_is_master);
	voices_note_on(s, 69, 1.0f);
	const float one = render_peak(s, 4800);
	voices_note_on(s, 69 + 12, 1.0f);
	const float two = render_peak(s, 4800);
	CU_ASSERT(one > 0.3f);
	CU_ASSERT(two > one * 1.3f); /* both voices reach the master module */
	slot_free(s);
}

static void
test_stealing_and_release(void)
{
	PatchError err;
	Slot*      s = compile_text(chain, 4, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	float buf[480], right[480];
	for (uint8_t n = 0; n < 10; ++n) {
		voices_note_on(s, (uint8_t)(48 + n), 0.8f);
		slot_render(s, buf, right, 480);
		CU_ASSERT(live_voices(s) <= 4u);
	}
	CU_ASSERT_EQUAL(live_voices(s), 4u);
	/* The four newest notes are the ones that sound. */
	for (unsigned i = 0; i < s->n_voices; ++i) {
		const Voice* v = &s->voices[i];
		if (v->phase != VOICE_IDLE && !v->stolen) {
			CU_ASSERT(v->note >= 54);
		}
	}
	for (uint8_t n = 0; n < 10; ++n) {
		voices_note_off(s, (uint8_t)(48 + n));
	}
	render_peak(s, 4800); /* 100 ms: release is 50 ms */
	CU_ASSERT_EQUAL(voices_active(s), 0u);
	CU_ASSERT_EQUAL(render_peak(s, 256), 0.0f);
	slot_free(s);
}

/* A score at fixed absolute frames, rendered with a given split. */
static void
render_split(Slot* s, float* out, float* right, unsigned total, unsigned (*next)(unsigned*), unsigned seed)
{
	static const struct {
		unsigned frame;
		int      kind; /* 0 on, 1 off, 2 macro */
		uint8_t  note;
	} score[] = {{0, 0, 60}, {1000, 0, 64}, {5003, 2, 0}, {9000, 1, 60}, {12345, 0, 67}, {20000, 1, 64},
	             {30000, 1, 67}};
	unsigned pos = 0, e = 0;
	while (pos < total) {
		unsigned n = next(&seed);
		if (pos + n > total) {
			n = total - pos;
		}
		if (e < sizeof(score) / sizeof(score[0]) && score[e].frame < pos + n) {
			n = score[e].frame - pos;
		}
		if (n) {
			slot_render(s, out + pos, right + pos, n);
			pos += n;
		}
		while (e < sizeof(score) / sizeof(score[0]) && score[e].frame == pos) {
			if (score[e].kind == 0) {
				voices_note_on(s, score[e].note, 0.7f);
			} else if (score[e].kind == 1) {
				voices_note_off(s, score[e].note);
			} else {
				slot_set_macro(s, 0, 0.9f, false);
			}
			++e;
		}
	}
}

static unsigned split_64(unsigned* seed) { (void)seed; return 64; }
static unsigned split_1(unsigned* seed) { (void)seed; return 1; }
static unsigned split_4096(unsigned* seed) { (void)seed; return 4096; }
static unsigned
split_random(unsigned* seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return 1 + (*seed >> 16) % 700;
}

/* One patch rendered with every split gives the same samples on both
 * channels; returns the reference's peak (left, right). */
static void
check_split_invariance(const char* text, float peak[2])
{
	unsigned (*splits[])(unsigned*) = {split_64, split_1, split_4096, split_random};
	const unsigned total = 40000;
	float*         ref   = calloc(2 * total, sizeof(float));
	float*         out   = calloc(2 * total, sizeof(float));
	for (unsigned k = 0; k < 4; ++k) {
		PatchError err;
		Slot*      s = compile_text(text, 8, &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		float* y = k ? out : ref;
		render_split(s, y, y + total, total, splits[k], 99);
		slot_free(s);
		if (k) {
			double worst = 0.0;
			for (unsigned i = 0; i < 2 * total; ++i) {
				worst = fmax(worst, fabs((double)out[i] - ref[i]));
			}
			CU_ASSERT(worst <= 1e-6);
		}
	}
	peak[0] = peak[1] = 0.0f;
	for (unsigned i = 0; i < total; ++i) {
		peak[0] = fmaxf(peak[0], fabsf(ref[i]));
		peak[1] = fmaxf(peak[1], fabsf(ref[total + i]));
	}
	free(ref);
	free(out);
}

static void
test_split_invariance(void)
{
	static const char* text = "create osc saw\n"
	                          "create sub square\n"
	                          "create wob lfo\n"
	                          "create vcf ladder\n"
	                          "create env adsr\n"
	                          "create fenv adsr\n"
	                          "create amp vca\n"
	                          "connect osc vcf\n"
	                          "connect sub vcf\n"
	                          "connect wob osc.pitch 0.3\n"
	                          "connect fenv vcf.cutoff 3000\n"
	                          "connect vcf amp\n"
	                          "connect env amp.gain\n"
	                          "set sub.pitch -12\n"
	                          "set env.release 200\n"
	                          "macro 1 vcf.resonance 0 0.9\n"
	                          "out amp\n";
	float peak[2];
	check_split_invariance(text, peak);
	CU_ASSERT(peak[0] > 0.05f); /* it did play */
	CU_ASSERT_EQUAL(peak[0], peak[1]); /* mono: the same on both channels */

	/* Stereo: voices placed by key, at random and by an LFO, through a
	 * master drive that runs once per channel with its own state. */
	static const char* stereo = "create osc saw\n"
	                            "create vcf ladder\n"
	                            "create env adsr\n"
	                            "create amp vca\n"
	                            "create wob lfo\n"
	                            "create p pan\n"
	                            "create fx drive master\n"
	                            "connect osc vcf\n"
	                            "connect vcf amp\n"
	                            "connect env amp.gain\n"
	                            "connect wob p.pos 0.5\n"
	                            "connect amp fx\n"
	                            "set p.key 0.5\n"
	                            "set p.random 0.3\n"
	                            "set env.release 200\n"
	                            "macro 1 vcf.resonance 0 0.9\n"
	                            "pan p\n"
	                            "out fx\n";
	check_split_invariance(stereo, peak);
	CU_ASSERT(peak[0] > 0.05f && peak[1] > 0.05f);
	CU_ASSERT(peak[0] != peak[1]); /* placed: the channels differ */

	/* A wavetable: its position swept by an LFO and a macro, its phase
	 * modulated by a sine, random start phases. */
	static const char* wt = "create w wavetable\n"
	                        "create m sine\n"
	                        "create wob lfo\n"
	                        "create env adsr\n"
	                        "create amp vca\n"
	                        "connect wob w.position 0.5\n"
	                        "connect m w.pm 0.7\n"
	                        "connect w amp\n"
	                        "connect env amp.gain\n"
	                        "set w.table harmonic\n"
	                        "set w.start random\n"
	                        "set wob.rate 3\n"
	                        "set env.release 200\n"
	                        "macro 1 w.position 0 1\n"
	                        "out amp\n";
	check_split_invariance(wt, peak);
	CU_ASSERT(peak[0] > 0.05f);
}

/* Every smoothed parameter of every module, jumped from min to max while a
 * note plays: the transition is no sharper than the sharper of the steady
 * states on either side (click metric of DESIGN.md, bound 2). A master
 * effect's choice, each of which switches by a fade of at most 20 ms (the
 * reverb's type, the echo's sync and mode, the phaser's stages), is jumped
 * too, over a span of 20 ms + 10 ms; what comes round in an echo's or a
 * reverb's lines later is checked on a sine in test_effects.c. */
static void
test_parameter_jumps_do_not_click(void)
{
	const double bound = CLICK_BOUND_PARAM_JUMP;
	double       worst = 0.0;
	char         worst_name[64] = "";
	for (unsigned t = 0; t < module_registry_count(); ++t) {
		const ModuleType* type = module_registry_at(t);
		const bool        effect = (type->flags & MODULE_MASTER_ONLY) && type->n_inputs &&
		                    !strcmp(type->inputs[0].name, "in");
		if ((type->flags & MODULE_MASTER_ONLY) && !effect) {
			continue;
		}
		for (unsigned j = 0; j < type->n_params; ++j) {
			const ParamSpec* ps = &type->params[j];
			const bool fx_choice = effect && ps->choices;
			if (!fx_choice && (ps->choices || ps->smooth_ms <= 0.0f)) {
				continue;
			}
			/* Heard the way it is used: a processor on a saw, an
			 * oscillator on its own, a modulator (LFO, envelope) on the
			 * gain of a VCA after a saw. */
			char       text[512];
			const bool has_in = type->n_inputs && !strcmp(type->inputs[0].name, "in");
			const bool audio_source =
				(type->flags & MODULE_SOURCE) && (module_input_index(type, "note", 4) >= 0 || !strcmp(type->name, "noise"));
			if (effect) { /* a master effect, heard on a saw voice */
				snprintf(text, sizeof(text), "create src saw\ncreate x %s master\nconnect src x\nset src.level 0.5\nout x\n",
				         type->name);
			} else if (!strcmp(type->name, "pan")) { /* heard placing a saw, on the left */
				snprintf(text, sizeof(text),
				         "create src saw\ncreate x pan\ncreate amp vca\nconnect src amp\n"
				         "set amp.gain 0.5\npan x\nout amp\n");
			} else if (has_in) {
				snprintf(text, sizeof(text), "create src saw\ncreate x %s\nconnect src x\nset src.level 0.5\n%sout x\n",
				         type->name, !strcmp(type->name, "vca") ? "set x.gain 0.5\n" : "");
			} else if (audio_source) {
				snprintf(text, sizeof(text), "create x %s\nout x\n", type->name);
			} else {
				snprintf(text, sizeof(text),
				         "create src saw\ncreate x %s\ncreate amp vca\nconnect src amp\nconnect x amp.gain 0.5\n"
				         "set amp.gain 0.5\nout amp\n",
				         type->name);
			}
			PatchError err;
			Slot*      s = compile_text(text, 1, &err);
			CU_ASSERT_PTR_NOT_NULL_FATAL(s);
			ParamState* p = &s->params[s->steps[step_index(s, type->name)].param_first + j];
			param_set(p, ps->min, true);
			voices_note_on(s, 57, 1.0f);
			enum { PRE = 9600, POST = 9600 };
			float* y = calloc(PRE + POST, sizeof(float));
			float* r = calloc(PRE + POST, sizeof(float));
			slot_render(s, y, r, PRE);
			param_set(p, ps->max, false);
			slot_render(s, y + PRE, r + PRE, POST);
			free(r); /* the left channel is measured (a mono patch: the right is its copy) */
			const unsigned ramp = fx_choice ? (unsigned)(0.020 * RATE) : (unsigned)(ps->smooth_ms * 0.001 * RATE);
			const double   m    = click_metric_around(y, PRE + POST, PRE, ramp + 480, 4096);
			if (fx_choice || !strcmp(type->name, "brickwall")) {
				printf("\n  %s.%s jumped end to end: click metric %.2f", type->name, ps->name, m);
			}
			if (m > worst) {
				worst = m;
				snprintf(worst_name, sizeof(worst_name), "%s.%s", type->name, ps->name);
			}
			if (m > bound) {
				fprintf(stderr, "\n  %s.%s: click metric %.2f > %.2f\n", type->name, ps->name, m, bound);
			}
			if (!strcmp(type->name, "wavetable") && !strcmp(ps->name, "position")) {
				printf("\n  wavetable.position jumped end to end (sine to square): click metric %.2f", m);
			}
			CU_ASSERT(m <= bound);
			free(y);
			slot_free(s);
		}
	}
	printf("\n  worst parameter-jump click metric: %.2f (%s), bound %.1f\n", worst, worst_name, bound);
}

/* chronus-bench's master-effect table (tools/bench_effects.h) has a row
 * for every master-only module of the registry, and each row's patch
 * compiles with the effect in it (the bench exits 1 on a row it cannot
 * measure; this finds it without running the plugin). */
static void
test_bench_effects_cover_the_registry(void)
{
	unsigned master_only = 0, listed_types = 0;
	for (unsigned t = 0; t < module_registry_count(); ++t) {
		const char* name   = module_registry_at(t)->name;
		bool        listed = false;
		for (unsigned k = 0; k < N_BENCH_EFFECTS; ++k) {
			listed |= !strcmp(bench_effects[k].module, name);
		}
		listed_types += listed;
		if ((module_registry_at(t)->flags & MODULE_MASTER_ONLY) && ++master_only && !listed) {
			fprintf(stderr, "\n  %s is master only and has no row in tools/bench_effects.h\n", name);
			CU_FAIL("a master-only module without a bench row");
		}
	}
	CU_ASSERT(master_only >= 6 && listed_types >= master_only);
	for (unsigned k = 0; k < N_BENCH_EFFECTS; ++k) {
		PatchError err;
		Slot*      s = compile_text(bench_effects[k].text, 1, &err);
		if (!s) {
			fprintf(stderr, "\n  bench row '%s': %s\n", bench_effects[k].what, err.message);
		}
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT(step_index(s, bench_effects[k].module) >= 0);
		slot_free(s);
	}
	PatchError err;
	Slot*      base = compile_text(BENCH_EFFECT_BASELINE, 1, &err);
	CU_ASSERT_PTR_NOT_NULL(base);
	slot_free(base);
}

static double
cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A voice in a 10 s release (far into denormal range for the filter and
 * envelope states) costs no more per block than a voice being held. */
static void
test_decaying_voice_cost(void)
{
	PatchError err;
	Slot*      s = compile_text("create osc saw\ncreate vcf ladder\ncreate env adsr\ncreate amp vca\n"
	                            "connect osc vcf\nconnect vcf amp\nconnect env amp.gain\n"
	                            "set env.release 10000\nset vcf.resonance 0.5\nout amp\n",
	                            1, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	float buf[256], right[256];
	voices_note_on(s, 45, 1.0f);
	render_peak(s, 48000);
	double t0 = cpu_seconds();
	for (unsigned b = 0; b < 1000; ++b) {
		slot_render(s, buf, right, 256);
	}
	const double held = cpu_seconds() - t0;
	voices_note_off(s, 45);
	render_peak(s, 48000 * 9);
	t0 = cpu_seconds();
	for (unsigned b = 0; b < 1000; ++b) {
		slot_render(s, buf, right, 256);
	}
	const double decaying = cpu_seconds() - t0;
	printf("\n  per block: held %.2f us, after 9 s of release %.2f us\n", held * 1e3, decaying * 1e3);
	CU_ASSERT(decaying <= held * 1.5 + 20e-6);
	slot_free(s);
}

static void
test_build_verifies(void)
{
	BuildSettings bs;
	build_settings_default(&bs, RATE);
	BuildReport r;
	Slot*       s = build_slot(chain, strlen(chain), &bs, &r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(r.status, BUILD_OK);
	CU_ASSERT_EQUAL(voices_active(s), 0u); /* primed, then cleared */
	CU_ASSERT_STRING_EQUAL(r.warning, "");        /* it sounds: no warning */
	slot_free(s);

	/* Silent is valid (tests/unit/test_verify.c has the reasons). */
	static const char* silent = "create osc sine\ncreate amp vca\nconnect osc amp\nout amp\n"; /* gain 0 */
	s = build_slot(silent, strlen(silent), &bs, &r);
	CU_ASSERT_PTR_NOT_NULL(s);
	CU_ASSERT_EQUAL(r.status, BUILD_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warning, "silent"));
	slot_free(s);

	static const char* broken = "create osc sawtooth\nout osc\n";
	CU_ASSERT_PTR_NULL(build_slot(broken, strlen(broken), &bs, &r));
	CU_ASSERT_EQUAL(r.status, BUILD_PARSE_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error.message, "line 1"));
}

/* No module's output is overwritten before every reader has read it: for
 * each connection, no step between its source and its target writes the
 * source's buffer. */
static unsigned
clobbered_connections(const Patch* p, const Slot* s)
{
	int step_of[PATCH_MAX_MODULES];
	for (unsigned m = 0; m < PATCH_MAX_MODULES; ++m) {
		step_of[m] = -1;
	}
	for (unsigned i = 0; i < s->n_steps; ++i) {
		step_of[s->steps[i].module] = (int)i;
	}
	unsigned bad = 0;
	for (unsigned c = 0; c < p->n_connections; ++c) {
		const PatchConnection* k = &p->connections[c];
		if (k->src_module < 0 || step_of[k->src_module] < 0 || step_of[k->dst_module] < 0 ||
		    p->modules[k->src_module].master || p->modules[k->dst_module].master) {
			continue;
		}
		const int from = step_of[k->src_module], to = step_of[k->dst_module];
		for (int q = from + 1; q < to; ++q) {
			bad += s->steps[q].out_buf == s->steps[from].out_buf;
		}
	}
	return bad;
}

/* In a stereo slot the voice → master sums of audio wait for the pan
 * step: a summed signal must live from its step to its sum, the pan
 * position to the end of the voice steps, and the sums must run in step
 * order (the renderer walks both together). */
static unsigned
clobbered_sums(const Patch* p, const Slot* s)
{
	if (!s->stereo) {
		return 0;
	}
	int step_of[PATCH_MAX_MODULES];
	for (unsigned m = 0; m < PATCH_MAX_MODULES; ++m) {
		step_of[m] = -1;
	}
	for (unsigned i = 0; i < s->n_steps; ++i) {
		step_of[s->steps[i].module] = (int)i;
	}
	unsigned  bad = 0;
	const int pan = (int)s->pan_step;
	bad += step_of[p->pan_module] != pan;
	for (unsigned q = (unsigned)pan + 1; q < s->n_voice_steps; ++q) {
		bad += s->steps[q].out_buf == s->steps[pan].out_buf;
	}
	for (unsigned c = 0; c <= p->n_connections; ++c) {
		int src;
		if (c == p->n_connections) { /* the voice output itself */
			src = p->modules[p->out_module].master ? -1 : p->out_module;
		} else {
			const PatchConnection* k = &p->connections[c];
			src = k->src_module >= 0 && !p->modules[k->src_module].master && p->modules[k->dst_module].master &&
			                      step_of[k->dst_module] >= 0 && k->dst_kind == DST_INPUT
			              ? k->src_module
			              : -1;
		}
		if (src < 0) {
			continue;
		}
		const int from = step_of[src], to = from > pan ? from : pan;
		for (int q = from + 1; q <= to; ++q) {
			bad += s->steps[q].out_buf == s->steps[from].out_buf;
		}
	}
	for (unsigned e = 0; e < s->n_exports; ++e) {
		bad += e && s->exports[e].after_step < s->exports[e - 1].after_step;
		bad += s->exports[e].panned && s->exports[e].after_step < pan;
	}
	return bad;
}

static void
test_buffers_never_clobber_a_live_signal(void)
{
	/* lfo and noise have no input, so they only ever feed others. */
	static const char* types[] = {"saw", "sine", "adsr", "vca", "mix", "svf", "ladder", "lfo", "noise"};
	unsigned seed = 12345, checked = 0, bad = 0, connections = 0, stereo = 0;
	Patch*   p    = malloc(sizeof(Patch));
	for (unsigned trial = 0; trial < 400; ++trial) {
		/* A random DAG created in a random order: rank[] is the signal
		 * flow, independent of the order of the create lines. */
		char        text[8192];
		size_t      len = 0;
		const char* type[16];
		unsigned    n = 3 + trial % 14, rank[16], sink = 0;
		for (unsigned i = 0; i < n; ++i) {
			rank[i] = i;
		}
		for (unsigned i = n - 1; i > 0; --i) {
			seed             = seed * 1103515245u + 12345u;
			const unsigned j = (seed >> 16) % (i + 1);
			const unsigned t = rank[i];
			rank[i]          = rank[j];
			rank[j]          = t;
		}
		for (unsigned i = 0; i < n; ++i) {
			seed    = seed * 1103515245u + 12345u;
			type[i] = rank[i] == n - 1 ? "mix" : types[(seed >> 16) % 9];
			sink    = rank[i] == n - 1 ? i : sink;
			len += (size_t)snprintf(text + len, sizeof(text) - len, "create m%u %s\n", i, type[i]);
		}
		for (unsigned i = 0; i < n; ++i) {
			for (unsigned j = 0; j < n; ++j) {
				seed = seed * 1103515245u + 12345u;
				if (rank[i] < rank[j] && (seed >> 16) % 3 == 0 && strcmp(type[j], "lfo") &&
				    strcmp(type[j], "noise")) {
					len += (size_t)snprintf(text + len, sizeof(text) - len, "connect m%u m%u\n", i, j);
				}
			}
		}
		/* Half of them stereo, placed by a random voice module; a
		 * quarter through a master drive fed audio by the sink and
		 * modulation by another voice module. */
		seed = seed * 1103515245u + 12345u;
		const unsigned placer = (seed >> 16) % n, other = (seed >> 20) % n;
		if (trial % 4 >= 2) {
			len += (size_t)snprintf(text + len, sizeof(text) - len, "pan m%u\n", placer);
		}
		if (trial % 2) {
			len += (size_t)snprintf(text + len, sizeof(text) - len, "create fx drive master\nconnect m%u fx\nout fx\n",
			                        sink);
			if (other != sink) {
				len += (size_t)snprintf(text + len, sizeof(text) - len, "connect m%u fx.gain 3\n", other);
			}
		} else {
			len += (size_t)snprintf(text + len, sizeof(text) - len, "out m%u\n", sink);
		}
		PatchError err;
		CU_ASSERT_TRUE_FATAL(patch_parse(text, len, p, &err));
		Slot* s = compile_patch(p, RATE, 2, &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		bad += clobbered_connections(p, s);
		bad += clobbered_sums(p, s);
		stereo += s->stereo;
		connections += p->n_connections;
		++checked;
		slot_free(s);
	}
	free(p);
	printf("\n  %u random graphs (%u stereo), %u connections: %u read a clobbered buffer\n", checked, stereo,
	       connections, bad);
	CU_ASSERT_EQUAL(bad, 0u);
	CU_ASSERT(stereo >= 100u);
}

/* ---- Connection depths, macro curves, a module's own output ------------ */

/* One note (60, velocity 0.75) through a patch whose output holds one
 * value: the worst distance of frames 64..511 from `want`. */
static double
steady_error(const char* text, float want)
{
	PatchError err;
	Slot*      s = compile_text(text, 1, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	voices_note_on(s, 60, 0.75f);
	float y[512], right[512];
	slot_render(s, y, right, 512);
	CU_ASSERT(!memcmp(y, right, sizeof(y))); /* no pan: both channels the same */
	double worst = 0.0;
	for (unsigned i = 64; i < 512; ++i) {
		worst = fmax(worst, fabs((double)y[i] - want));
	}
	if (worst > 1e-5) {
		char one_line[512];
		snprintf(one_line, sizeof one_line, "%s", text);
		for (char* c = one_line; *c; ++c) {
			*c = *c == '\n' ? ';' : *c;
		}
		printf("\n  %s gives %g, expected %g\n", one_line, (double)y[511], (double)want);
	}
	slot_free(s);
	return worst;
}

/* A connection's depth scales what it carries, into an input and into a
 * parameter, and several connections to one port add up, each at its own
 * depth (docs/patch-language.md, connect). The note sources hold exact
 * values (pitch 60, velocity 0.75), so the sums are exact. */
static void
test_depths_scale_and_add(void)
{
	/* One feed at depth 1 and at depth 0.5: half the signal. */
	CU_ASSERT(steady_error("create m mix\nconnect note.velocity m\nout m\n", 0.75f) <= 1e-6);
	CU_ASSERT(steady_error("create m mix\nconnect note.velocity m 0.5\nout m\n", 0.375f) <= 1e-6);
	CU_ASSERT(steady_error("create m mix\nconnect note.pitch m -0.25\nout m\n", -15.0f) <= 1e-6);
	/* A parameter modulated at depth 0.5: base 0 + 0.5 x 0.75. */
	CU_ASSERT(steady_error("create m mix\nconnect note.velocity m\nset m.gain1 0\n"
	                       "connect note.velocity m.gain1 0.5\nout m\n",
	                       0.75f * 0.375f) <= 1e-6);
	/* Two feeds of one input at depths 1 and 0.5: in1 + 0.5 in2, in
	 * either order of the connect lines. */
	CU_ASSERT(steady_error("create m mix\nconnect note.pitch m\nconnect note.velocity m 0.5\nout m\n",
	                       60.375f) <= 1e-5);
	CU_ASSERT(steady_error("create m mix\nconnect note.velocity m 0.5\nconnect note.pitch m\nout m\n",
	                       60.375f) <= 1e-5);
	/* Three feeds, none at depth 1. */
	CU_ASSERT(steady_error("create m mix\nconnect note.pitch m 0.5\nconnect note.velocity m 2\n"
	                       "connect note.gate m -4\nout m\n",
	                       30.0f + 1.5f - 4.0f) <= 1e-5);
	/* Two modulations of one parameter: base 0.25 + 1 x 0.75 - 0.5 x 1. */
	CU_ASSERT(steady_error("create m mix\nconnect note.velocity m\nset m.gain1 0.25\n"
	                       "connect note.velocity m.gain1\nconnect note.gate m.gain1 -0.5\nout m\n",
	                       0.75f * 0.5f) <= 1e-6);
}

/* Modulation never takes a parameter out of its range (dsp/module.h: a
 * module sees values already clamped): the mixer's gain (0..2) pushed by
 * the note's pitch (60) far up and far down gives its ends, exactly. */
static void
test_modulation_held_to_the_range(void)
{
	CU_ASSERT(steady_error("create m mix\nconnect note.velocity m\nset m.gain1 1\n"
	                       "connect note.pitch m.gain1\nout m\n",
	                       0.75f * 2.0f) <= 1e-6);
	CU_ASSERT(steady_error("create m mix\nconnect note.velocity m\nset m.gain1 1\n"
	                       "connect note.pitch m.gain1 -1\nout m\n",
	                       0.0f) <= 1e-6);
}

/* A macro moves a parameter along its curve: on an exponential one, the
 * knob's middle is the geometric mean of the range (80..8000 Hz: 800 Hz),
 * on a linear one the arithmetic mean; heard too, through a mixer gain
 * swept 0.5..2 exp (middle 1) or lin (middle 1.25). */
static void
test_macro_curves(void)
{
	PatchError err;
	Slot*      s = compile_text("create osc saw\ncreate f svf\ncreate g ladder\nconnect osc f\nconnect f g\n"
	                            "macro 1 f.cutoff 80 8000\nmacro 2 g.cutoff 80 8000 lin\n"
	                            "macro 3 f.resonance 0.2 0.6\nout g\n",
	                            1, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	const int   f = step_index(s, "svf"), g = step_index(s, "ladder");
	ParamState* fc = &s->params[s->steps[f].param_first + module_param_index(s->steps[f].type, "cutoff", 6)];
	ParamState* fr = &s->params[s->steps[f].param_first + module_param_index(s->steps[f].type, "resonance", 9)];
	ParamState* gc = &s->params[s->steps[g].param_first + module_param_index(s->steps[g].type, "cutoff", 6)];
	CU_ASSERT_EQUAL(s->steps[f].type->params[module_param_index(s->steps[f].type, "cutoff", 6)].curve, CURVE_EXP);
	const float at[] = {0.0f, 0.25f, 0.5f, 1.0f};
	for (unsigned i = 0; i < 4; ++i) {
		for (unsigned k = 0; k < 3; ++k) {
			slot_set_macro(s, k, at[i], true);
		}
		const double want_exp = 80.0 * pow(100.0, at[i]), want_lin = 80.0 + 7920.0 * at[i];
		printf("\n  macro at %.2f: exp cutoff %.2f Hz (want %.2f), lin cutoff %.2f Hz (want %.2f)", (double)at[i], (double)param_target(fc), want_exp, (double)param_target(gc), want_lin);
		CU_ASSERT(fabs(param_target(fc) - want_exp) <= want_exp * 1e-4);
		CU_ASSERT(fabs(param_target(gc) - want_lin) <= want_lin * 1e-4);
		CU_ASSERT(fabs(param_target(fr) - (0.2 + 0.4 * at[i])) <= 1e-5);
	}
	slot_free(s);

	static const char* heard[] = {"create m mix\nconnect note.velocity m\nmacro 1 m.gain1 0.5 2 exp\nout m\n",
	                              "create m mix\nconnect note.velocity m\nmacro 1 m.gain1 0.5 2 lin\nout m\n"};
	const float        want[]  = {0.75f * 1.0f, 0.75f * 1.25f};
	for (unsigned k = 0; k < 2; ++k) {
		s = compile_text(heard[k], 1, &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		slot_set_macro(s, 0, 0.5f, true);
		voices_note_on(s, 60, 0.75f);
		float y[512], right[512];
		slot_render(s, y, right, 512);
		CU_ASSERT(fabs((double)y[511] - want[k]) <= 1e-5);
		CU_ASSERT(!memcmp(y, right, sizeof(y)));
		slot_free(s);
	}
}

/* A module's output buffer is never one of its inputs (dsp/module.h): the
 * sine and the square write frame i before they read their note at frame
 * i, so an oscillator whose note comes through a mixer sounds exactly as
 * one fed the note itself, on every vector path (the one-lane path hands
 * the buffers to the module as they are). */
static void
test_output_never_aliases_an_input(void)
{
	static const char* types[] = {"sine", "square", "saw", "triangle"};
	static const SimdMode modes[] = {SIMD_SINGLE, SIMD_BASELINE, SIMD_AUTO};
	enum { N = 4800 };
	float* direct = calloc(N, sizeof(float));
	float* mixed  = calloc(N, sizeof(float));
	for (unsigned t = 0; t < 4; ++t) {
		for (unsigned m = 0; m < 3; ++m) {
			char a[256], b[256];
			snprintf(a, sizeof a, "create osc %s\nout osc\n", types[t]);
			snprintf(b, sizeof b, "create m mix\ncreate osc %s\nconnect note.pitch m\nconnect m osc\nout osc\n",
			         types[t]);
			PatchError err;
			Slot*      sa = slot_from_text(a, RATE, 2, modes[m], &err);
			Slot*      sb = slot_from_text(b, RATE, 2, modes[m], &err);
			CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
			CU_ASSERT_PTR_NOT_NULL_FATAL(sb);
			voices_note_on(sa, 69, 1.0f);
			voices_note_on(sb, 69, 1.0f);
			static float right_a[N], right_b[N];
			slot_render(sa, direct, right_a, N);
			slot_render(sb, mixed, right_b, N);
			CU_ASSERT(!memcmp(direct, right_a, sizeof(right_a)));
			CU_ASSERT(!memcmp(mixed, right_b, sizeof(right_b)));
			double worst = 0.0;
			for (unsigned i = 0; i < N; ++i) {
				worst = fmax(worst, fabs((double)direct[i] - mixed[i]));
			}
			if (worst > 0.0) {
				printf("\n  %s (%s) with its note through a mixer differs by %g\n", types[t],
				       simd_name(modes[m]), worst);
			}
			CU_ASSERT(worst == 0.0);
			float peak = 0.0f;
			for (unsigned i = 0; i < N; ++i) {
				peak = fmaxf(peak, fabsf(direct[i]));
			}
			CU_ASSERT(peak > 0.5f); /* it did sound */
			slot_free(sa);
			slot_free(sb);
		}
	}
	free(direct);
	free(mixed);
}

/* RMS of x over windows of w frames: env[k] for window k. */
static void
window_rms(const float* x, unsigned n, unsigned w, float* env)
{
	for (unsigned k = 0; k < n / w; ++k) {
		double sum = 0.0;
		for (unsigned i = 0; i < w; ++i) {
			sum += (double)x[k * w + i] * x[k * w + i];
		}
		env[k] = (float)sqrt(sum / w);
	}
}

/* The level envelope, from 0.5 s to 1 s, of one note struck at `at`. */
static void
struck_at(const char* text, unsigned at, float* env)
{
	PatchError err;
	Slot*      s = compile_text(text, 4, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	enum { N = 48000 };
	float* l = calloc(N, sizeof(float));
	float* r = calloc(N, sizeof(float));
	slot_render(s, l, r, at);
	voices_note_on(s, 93, 1.0f); /* 1760 Hz: 17.6 periods a window */
	slot_render(s, l + at, r + at, N - at);
	window_rms(l + N / 2, N / 2, 480, env);
	free(l);
	free(r);
	slot_free(s);
}

/* A master LFO on every voice's gain is one LFO: two notes struck a
 * quarter second apart swell together; the same LFO per voice (no
 * `master`) restarts with each note. It runs before the voices, so it
 * cannot hear them, and a stereo effect cannot feed them. */
static void
test_global_modulator_reaches_every_voice(void)
{
	static const char* global = "create g lfo master\nset g.rate 3\ncreate o sine\ncreate a vca\n"
	                            "connect o a\nconnect g a.gain 0.25\nset a.gain 0.5\nout a\n";
	static const char* local  = "create g lfo\nset g.rate 3\ncreate o sine\ncreate a vca\n"
	                            "connect o a\nconnect g a.gain 0.25\nset a.gain 0.5\nout a\n";
	float early[50], late[50], local_early[50], local_late[50];
	struck_at(global, 0, early);
	struck_at(global, 12000, late);
	struck_at(local, 0, local_early);
	struck_at(local, 12000, local_late);
	double worst = 0.0, worst_local = 0.0, lo = 1.0, hi = 0.0;
	for (unsigned k = 0; k < 50; ++k) {
		worst       = fmax(worst, fabs(early[k] - late[k]));
		worst_local = fmax(worst_local, fabs(local_early[k] - local_late[k]));
		lo          = fmin(lo, early[k]);
		hi          = fmax(hi, early[k]);
	}
	printf("\n  master LFO on the voices' gain: level %.3f..%.3f; two notes 0.25 s apart differ by %.5f "
	       "(a per-voice LFO: %.3f)\n",
	       lo, hi, worst, worst_local);
	CU_ASSERT(hi - lo > 0.2);            /* it modulates */
	CU_ASSERT(worst < 0.002);            /* one phase for every voice */
	CU_ASSERT(worst_local > 0.1);        /* the test can tell */

	float peak[2];
	check_split_invariance(global, peak); /* any split of the run, the same samples */
	CU_ASSERT(peak[0] > 0.1f);

	PatchError err;
	Slot*      s = compile_text("create o saw\ncreate a vca\ncreate rev drive master\nconnect o a\n"
	                            "connect a rev\nconnect rev a.gain 0.1\nout rev\n",
	                            4, &err);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(err.line, 5);
	CU_ASSERT_STRING_EQUAL(err.message, "line 5, col 1: master module 'rev' feeds per-voice modules, so it runs "
	                                    "before the voices and cannot hear them; connect 'a' to a per-voice "
	                                    "module instead");
	s = compile_text("create o saw\ncreate a vca\ncreate verb reverb master\ncreate g lfo master\n"
	                 "connect g verb.mix\nconnect verb a.gain\nconnect o a\nout a\n",
	                 4, &err);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "stereo master effect 'verb' cannot feed per-voice modules"));
}

int
suite_compile(void)
{
	CU_pSuite s = CU_add_suite("compile", NULL, NULL);
	return !s || !CU_add_test(s, "order, buffer reuse, arena, pruning", test_order_reuse_and_pruning) ||
	       !CU_add_test(s, "a cycle is rejected and named", test_cycle_is_named) ||
	       !CU_add_test(s, "voices are summed into master modules", test_master_sums_voices) ||
	       !CU_add_test(s, "voice stealing keeps the newest notes; release ends", test_stealing_and_release) ||
	       !CU_add_test(s, "same samples for block sizes 1, 64, 4096, random", test_split_invariance) ||
	       !CU_add_test(s, "full-scale parameter jumps stay under the click bound", test_parameter_jumps_do_not_click) ||
	       !CU_add_test(s, "chronus-bench's master-effect rows cover every master-only module", test_bench_effects_cover_the_registry) ||
	       !CU_add_test(s, "a decaying voice costs no more than a held one", test_decaying_voice_cost) ||
	       !CU_add_test(s, "build warms up and verifies; errors are distinct", test_build_verifies) ||
	       !CU_add_test(s, "buffer reuse never overwrites a signal still to be read", test_buffers_never_clobber_a_live_signal) ||
	       !CU_add_test(s, "connection depths scale and add: in1 + 0.5 in2", test_depths_scale_and_add) ||
	       !CU_add_test(s, "a modulated parameter is held to its range", test_modulation_held_to_the_range) ||
	       !CU_add_test(s, "a macro follows its curve: exp middle is the geometric mean", test_macro_curves) ||
	       !CU_add_test(s, "a module's output never aliases its input (note through a mixer)", test_output_never_aliases_an_input) ||
	       !CU_add_test(s, "a master modulator reaches every voice, with one phase", test_global_modulator_reaches_every_voice);
}
