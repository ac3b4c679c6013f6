/* SPDX-License-Identifier: ISC
 *
 * What the factory library (presets/NN-*.chronus) promises a player, read
 * from the patches themselves: the mod wheel does something on every lead
 * and pad; aftertouch (channel, poly or MPE pressure) on every pad and
 * brass patch; every bass glides; every knob a patch binds has a name. A
 * patch added to those banks without them fails here, naming it.
 */
#include "patch.h"

#include "suites.h"

#include <CUnit/CUnit.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char*
slurp(const char* path, size_t* len)
{
	FILE* f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	const long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char* buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len   = (size_t)n;
	}
	return buf;
}

static bool
reads_ctl(const Patch* p, int ctl)
{
	for (unsigned i = 0; i < p->n_connections; ++i) {
		if (p->connections[i].src_module < 0 && p->connections[i].src_ctl == ctl) {
			return true;
		}
	}
	return false;
}

static bool
reads_note(const Patch* p, NoteSource src)
{
	for (unsigned i = 0; i < p->n_connections; ++i) {
		if (p->connections[i].src_module < 0 && p->connections[i].src_ctl < 0 &&
		    p->connections[i].src_note == src) {
			return true;
		}
	}
	return false;
}

static void
test_library_uses_the_sources(void)
{
	const char* dir = getenv("CHRONUS_SOURCE_DIR");
	char        pattern[4096];
	snprintf(pattern, sizeof pattern, "%s/presets/*.chronus", dir ? dir : CHRONUS_SRCDIR);
	glob_t g;
	CU_ASSERT_EQUAL_FATAL(glob(pattern, 0, NULL, &g), 0);
	unsigned leads_pads = 0, pressed = 0, basses = 0;
	Patch*   p          = malloc(sizeof(Patch));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (size_t i = 0; i < g.gl_pathc; ++i) {
		size_t len  = 0;
		char*  text = slurp(g.gl_pathv[i], &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		PatchError err;
		CU_ASSERT_FATAL(patch_parse(text, len, p, &err));
		char bank[64] = "";
		sscanf(text, "# bank: %63[^\n]", bank);
		const bool lead_pad = !strcmp(bank, "Leads") || !strcmp(bank, "Pads");
		const bool presses  = !strcmp(bank, "Pads") || !strcmp(bank, "Brass");
		const bool bass     = !strcmp(bank, "Bass");
		if (lead_pad && !reads_ctl(p, 1)) {
			printf("\n  %s (%s): no mod wheel", g.gl_pathv[i], bank);
			CU_FAIL("a lead or pad without the mod wheel");
		}
		if (presses && !reads_ctl(p, CTL_AFTERTOUCH) && !reads_note(p, NOTE_SRC_PRESSURE)) {
			printf("\n  %s (%s): no aftertouch", g.gl_pathv[i], bank);
			CU_FAIL("a pad or brass patch without aftertouch");
		}
		if (bass && !(p->voicing.glide_ms > 0.0f)) {
			printf("\n  %s (%s): no glide", g.gl_pathv[i], bank);
			CU_FAIL("a bass without glide");
		}
		leads_pads += lead_pad;
		pressed += presses;
		basses += bass;
		free(text);
	}
	printf("\n  %zu factory patches: %u leads and pads (mod wheel), %u pads and brass (aftertouch), "
	       "%u basses (glide)\n",
	       g.gl_pathc, leads_pads, pressed, basses);
	CU_ASSERT(leads_pads >= 2 && pressed >= 1 && basses >= 3);
	free(p);
	globfree(&g);
}

/* Every knob a factory patch binds has a name (`macro <knob> "Name"`), so
 * the UI and the sound sheet never show a bare "Macro 3" for a knob that
 * does something; and every patch binds at least one. */
static void
test_library_names_its_knobs(void)
{
	const char* dir = getenv("CHRONUS_SOURCE_DIR");
	char        pattern[4096];
	snprintf(pattern, sizeof pattern, "%s/presets/*.chronus", dir ? dir : CHRONUS_SRCDIR);
	glob_t g;
	CU_ASSERT_EQUAL_FATAL(glob(pattern, 0, NULL, &g), 0);
	Patch* p = malloc(sizeof(Patch));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	unsigned named = 0;
	for (size_t i = 0; i < g.gl_pathc; ++i) {
		size_t len  = 0;
		char*  text = slurp(g.gl_pathv[i], &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		PatchError err;
		CU_ASSERT_FATAL(patch_parse(text, len, p, &err));
		if (p->n_macros == 0) {
			printf("\n  %s: binds no macro knob", g.gl_pathv[i]);
			CU_FAIL("a factory patch without a macro");
		}
		for (unsigned m = 0; m < p->n_macros; ++m) {
			const unsigned k = p->macros[m].knob;
			if (!p->knob_names[k - 1].name[0]) {
				printf("\n  %s: knob %u is bound (line %u) but has no name", g.gl_pathv[i], k,
				       p->macros[m].pos.line);
				CU_FAIL("a bound knob without a name");
			}
		}
		for (unsigned k = 0; k < PATCH_MACRO_KNOBS; ++k) {
			named += p->knob_names[k].name[0] != '\0';
		}
		free(text);
	}
	printf("\n  %zu factory patches name %u knobs\n", g.gl_pathc, named);
	CU_ASSERT(g.gl_pathc >= 48 && named >= g.gl_pathc);
	free(p);
	globfree(&g);
}

int
suite_library(void)
{
	CU_pSuite s = CU_add_suite("library", NULL, NULL);
	return !s || !CU_add_test(s, "the factory library uses the expression sources", test_library_uses_the_sources) ||
	       !CU_add_test(s, "every factory patch names every knob it binds", test_library_names_its_knobs);
}
