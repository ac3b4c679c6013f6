/* SPDX-License-Identifier: ISC
 *
 * The graph the plugin sends its UI (src/graph_desc.c) and the UI's reading
 * and layout of it (src/ui/graph_model.c), end to end without a host: a
 * patch built as the worker builds it, described, read back; a description
 * cut short ends with "truncated"; junk in the message is bounded, never
 * trusted; the layout keeps every box inside its section and apart.
 */
#include "build_slot.h"
#include "graph_desc.h"
#include "graph_model.h"
#include "suites.h"

#include <CUnit/CUnit.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char* const patch_text = "patch \"Two Sides\"\n"
                                      "create osc saw\ncreate vcf svf\ncreate amp vca\ncreate env adsr\n"
                                      "create wob lfo master\ncreate verb reverb master\n"
                                      "create idle sine\n"
                                      "connect osc vcf\nconnect vcf amp\nconnect env amp.gain\n"
                                      "connect wob vcf.cutoff 500\nconnect amp verb\n"
                                      "connect note.velocity amp.gain 0.25\nconnect ctl.modwheel vcf.resonance 0.5\n"
                                      "macro 2 vcf.cutoff 100 5000 exp\nmacro 2 verb.mix 0 1 lin\n"
                                      "macro 2 \"Bright & Wet\"\nmacro 7 \"Spare\"\n"
                                      "out verb\n";

static size_t
describe(const char* text, char* buf, size_t cap)
{
	BuildSettings bs;
	BuildReport   r;
	build_settings_default(&bs, 48000.0);
	bs.graph     = buf;
	bs.graph_cap = cap;
	Slot* s      = build_slot(text, strlen(text), &bs, &r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	slot_free(s);
	return r.graph_len;
}

static void
test_round_trip(void)
{
	char*        buf = malloc(GRAPH_DESC_MAX);
	const size_t n   = describe(patch_text, buf, GRAPH_DESC_MAX);
	CU_ASSERT_EQUAL(n, strlen(buf));
	GraphModel* m = malloc(sizeof *m);
	CU_ASSERT_TRUE_FATAL(gm_parse(m, buf, n));
	CU_ASSERT_STRING_EQUAL(m->title, "Two Sides");
	CU_ASSERT_EQUAL(m->n_modules, 6); /* idle reaches no output: not compiled */
	int master = 0;
	for (int i = 0; i < m->n_modules; ++i) {
		master += m->modules[i].master;
		CU_ASSERT_NOT_EQUAL(strcmp(m->modules[i].name, "idle"), 0);
	}
	CU_ASSERT_EQUAL(master, 2);
	CU_ASSERT_EQUAL(m->n_wires, 7);
	CU_ASSERT_EQUAL(m->n_sources, 2); /* note.velocity, ctl.modwheel */
	CU_ASSERT_STRING_EQUAL(m->modules[m->out].name, "verb");
	CU_ASSERT_EQUAL(m->n_macros, 2);
	char label[128];
	gm_macro_label(m, 2, label, sizeof label);
	CU_ASSERT_STRING_EQUAL(label, "vcf.cutoff, verb.mix");
	gm_macro_label(m, 1, label, sizeof label);
	CU_ASSERT_STRING_EQUAL(label, "");
	/* the patch's knob names, bound (2) or not (7); the others have none */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nknob\t2\tBright & Wet\n"));
	CU_ASSERT_STRING_EQUAL(gm_knob_name(m, 2), "Bright & Wet");
	CU_ASSERT_STRING_EQUAL(gm_knob_name(m, 7), "Spare");
	CU_ASSERT_STRING_EQUAL(gm_knob_name(m, 1), "");
	CU_ASSERT_STRING_EQUAL(gm_knob_name(m, 9), "");
	bool found = false;
	for (int i = 0; i < m->n_wires; ++i) {
		const GmWire* w = &m->wires[i];
		if (w->src >= 0 && !strcmp(m->modules[w->src].name, "wob")) {
			found = !strcmp(m->modules[w->dst].name, "vcf") && w->param && !strcmp(w->port, "cutoff") &&
			        w->depth == 500.0;
		}
	}
	CU_ASSERT_TRUE(found);

	/* The layout: voice boxes in the voice section, master ones right of
	 * it, none overlapping, a source column at the far left. */
	gm_layout(m, 0, 0, 600, 300, 400, 1.0);
	for (int i = 0; i < m->n_modules; ++i) {
		const GmModule* a = &m->modules[i];
		CU_ASSERT_TRUE(a->w > 0 && a->h > 0 && a->y >= 0 && a->y + a->h <= 400);
		CU_ASSERT_TRUE(a->master ? (a->x >= 600 && a->x + a->w <= 900) : (a->x >= 90 && a->x + a->w <= 600));
		for (int j = i + 1; j < m->n_modules; ++j) {
			const GmModule* b = &m->modules[j];
			CU_ASSERT_FALSE(a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h);
		}
	}
	/* fed modules sit right of what feeds them in their section */
	for (int i = 0; i < m->n_wires; ++i) {
		const GmWire* w = &m->wires[i];
		if (w->src >= 0 && m->modules[w->src].master == m->modules[w->dst].master) {
			CU_ASSERT_TRUE(m->modules[w->src].x < m->modules[w->dst].x);
		}
	}
	free(m);
	free(buf);
}

static void
test_truncated(void)
{
	char         buf[160];
	const size_t n = describe(patch_text, buf, sizeof buf);
	CU_ASSERT_TRUE(n < sizeof buf);
	CU_ASSERT_EQUAL(n, strlen(buf));
	CU_ASSERT_TRUE(n >= 10 && !strcmp(buf + n - 10, "truncated\n"));
	GraphModel m;
	CU_ASSERT_TRUE(gm_parse(&m, buf, n));
	CU_ASSERT_TRUE(m.truncated);
}

static void
test_junk_is_bounded(void)
{
	GraphModel m;
	CU_ASSERT_FALSE(gm_parse(&m, "", 0));
	CU_ASSERT_FALSE(gm_parse(&m, "chronus-graph\t2\n", 16)); /* a version it does not know */
	CU_ASSERT_FALSE(gm_parse(&m, "module\ta\tsine\tvoice\n", 20));
	static char big[200000];
	size_t      at = (size_t)snprintf(big, sizeof big, "chronus-graph\t1\ntitle\t%0300d\nmodule\tm1\tsaw\tvoice\n", 7);
	for (int i = 0; i < 100; ++i) { /* more modules than the UI holds, names longer than a field */
		at += (size_t)snprintf(big + at, sizeof big - at, "module\tm%d%0100d\tsaw\tvoice\n", i, 0);
	}
	for (int i = 0; i < 300; ++i) {
		at += (size_t)snprintf(big + at, sizeof big - at, "wire\tnote.n%d\tm1\tx\tparam\t1\nwire\tnobody\tm1\tin\tinput\t1\n", i);
	}
	at += (size_t)snprintf(big + at, sizeof big - at, "macro\t9\ta\tb\t0\t1\tlin\nmacro\t0\ta\tb\t0\t1\tlin\nwhatever\n\t\t\t\n");
	/* knob names: no knob 9, a name longer than a field cut, control bytes and broken UTF-8 made '?' */
	at += (size_t)snprintf(big + at, sizeof big - at,
	                       "knob\t9\tNine\nknob\t1\t%060d\nknob\t2\ta\x01\xff\xc3\xa9\xe2\x82\n", 0);
	CU_ASSERT_TRUE(gm_parse(&m, big, at));
	CU_ASSERT_EQUAL(m.n_modules, GM_MAX_MODULES);
	CU_ASSERT_EQUAL(m.n_sources, GM_MAX_SOURCES);
	CU_ASSERT_EQUAL(m.n_wires, GM_MAX_SOURCES); /* one per source that found room */
	CU_ASSERT_EQUAL(m.n_macros, 0); /* knobs 9 and 0 do not exist */
	CU_ASSERT_EQUAL(strlen(gm_knob_name(&m, 1)), GM_NAME - 1);
	CU_ASSERT_STRING_EQUAL(gm_knob_name(&m, 2), "a??\xc3\xa9??");
	CU_ASSERT_TRUE(strlen(m.title) < sizeof m.title);
	for (int i = 0; i < m.n_wires; ++i) {
		CU_ASSERT_TRUE(m.wires[i].src < 0 && -1 - m.wires[i].src < m.n_sources); /* "nobody" was dropped */
	}
	gm_layout(&m, 0, 0, 500, 200, 300, 2.0);
}

int
suite_graph_model(void)
{
	CU_pSuite s = CU_add_suite("graph_model", NULL, NULL);
	if (!s) {
		return 1;
	}
	return !CU_add_test(s, "graph described and read back", test_round_trip) ||
	       !CU_add_test(s, "a description cut short says so", test_truncated) ||
	       !CU_add_test(s, "junk in the message is bounded", test_junk_is_bounded);
}
