/* SPDX-License-Identifier: ISC
 *
 * Unit tests of the patch language parser (src/patch_parse.c). Expected
 * ranges, suggestions and port indices are read from the module registry
 * rather than written here, so the tests hold for any registry that has the
 * module types the docs name (saw, ladder, vca, adsr, lfo, ...).
 */
#include "module_registry.h"
#include "patch.h"
#include "suites.h"

#include <CUnit/CUnit.h>

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* Big enough for one patch at every limit; static, not on the stack. */
static Patch      g_patch;
static PatchError g_err;
static char       g_text[PATCH_MAX_TEXT + 4096];
static size_t     g_len;

/* ---- helpers ----------------------------------------------------------- */

static const ModuleType*
type_of(const char* name)
{
	const ModuleType* t = module_registry_find(name, strlen(name));
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

static unsigned
param_of(const ModuleType* t, const char* name)
{
	const int i = module_param_index(t, name, strlen(name));
	CU_ASSERT_FATAL(i >= 0);
	return (unsigned)i;
}

static const ParamSpec*
spec_of(const char* type, const char* param)
{
	const ModuleType* t = type_of(type);
	return &t->params[param_of(t, param)];
}

/* The range as the parser quotes it: "20 to 20000 Hz". */
static const char*
range_of(const ParamSpec* sp)
{
	static char buf[128];
	const bool  unit = sp->unit && sp->unit[0];
	snprintf(buf, sizeof buf, "%g to %g%s%s", (double)sp->min, (double)sp->max, unit ? " " : "",
	         unit ? sp->unit : "");
	return buf;
}

PRINTF_LIKE(1, 2)
static const char*
fmt(const char* f, ...)
{
	static char buf[1024];
	va_list     ap;
	va_start(ap, f);
	vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	return buf;
}

static void
text_reset(void)
{
	g_len     = 0;
	g_text[0] = '\0';
}

PRINTF_LIKE(1, 2)
static void
text_add(const char* f, ...)
{
	va_list ap;
	va_start(ap, f);
	const int n = vsnprintf(g_text + g_len, sizeof g_text - g_len, f, ap);
	va_end(ap);
	CU_ASSERT_FATAL(n >= 0 && (size_t)n < sizeof g_text - g_len);
	g_len += (size_t)n;
}

static bool
parse_n(const char* text, size_t len)
{
	return patch_parse(text, len, &g_patch, &g_err);
}

/* Assert that text parses; on failure the CUnit report shows the error. */
static void
check_ok(int at, const char* text, size_t len)
{
	const bool ok = parse_n(text, len);
	char       desc[512];
	snprintf(desc, sizeof desc, "patch should parse, got \"%s\"", g_err.message);
	CU_assertImplementation(ok, (unsigned)at, ok ? "patch parses" : desc, __FILE__, "",
	                        CU_FALSE);
}

/* Assert that text fails with exactly this position and message. */
static void
check_error(int at, const char* text, size_t len, unsigned line, unsigned col, const char* what)
{
	char want[512];
	if (line) {
		snprintf(want, sizeof want, "line %u, col %u: %s", line, col, what);
	} else {
		snprintf(want, sizeof want, "%s", what);
	}
	const bool parsed = parse_n(text, len);
	const bool ok =
	        !parsed && g_err.line == line && g_err.col == col && !strcmp(g_err.message, want);
	char desc[1400];
	snprintf(desc, sizeof desc, "want [%u:%u] \"%s\", got %s [%u:%u] \"%s\"", line, col, want,
	         parsed ? "success" : "error", g_err.line, g_err.col, parsed ? "" : g_err.message);
	CU_assertImplementation(ok, (unsigned)at, ok ? "expected error" : desc, __FILE__, "",
	                        CU_FALSE);
}

#define OK(text)                check_ok(__LINE__, (text), strlen(text))
#define ERR(text, line, col, w) check_error(__LINE__, (text), strlen(text), (line), (col), (w))
#define OK_BUF()                check_ok(__LINE__, g_text, g_len)
#define ERR_BUF(line, col, w)   check_error(__LINE__, g_text, g_len, (line), (col), (w))

static int
module_named(const char* name)
{
	for (unsigned i = 0; i < g_patch.n_modules; ++i) {
		if (!strcmp(g_patch.modules[i].name, name)) {
			return (int)i;
		}
	}
	return -1;
}

/* A registry type with no input and at least one parameter (an LFO). */
static const ModuleType*
inputless_type(void)
{
	const ModuleType* lfo = module_registry_find("lfo", 3);
	if (lfo && lfo->n_inputs == 0 && lfo->n_params > 0) {
		return lfo;
	}
	for (unsigned i = 0; i < module_registry_count(); ++i) {
		const ModuleType* t = module_registry_at(i);
		if (t->n_inputs == 0 && t->n_params > 0 && !(t->flags & MODULE_MASTER_ONLY)) {
			return t;
		}
	}
	return NULL;
}

/* ---- valid patches ----------------------------------------------------- */

static const char* const acid =
        "# Acid line\n"
        "patch \"Acid 303\"\n"
        "create osc saw\n"
        "create vcf ladder\n"
        "create amp vca\n"
        "create env adsr\n"
        "create fenv adsr\n"
        "connect osc vcf\n"
        "connect vcf amp\n"
        "connect env amp.gain\n"
        "connect fenv vcf.cutoff 2400      # modulation, depth in the target's unit\n"
        "set vcf.cutoff 320\n"
        "set vcf.resonance 0.82\n"
        "set fenv.decay 180\n"
        "macro 1 vcf.cutoff 80 8000 exp    # macro knob 1 drives vcf.cutoff\n"
        "out amp\n";

static void
test_acid_ast(void)
{
	const ModuleType* saw    = type_of("saw");
	const ModuleType* ladder = type_of("ladder");
	const ModuleType* vca    = type_of("vca");
	const ModuleType* adsr   = type_of("adsr");
	OK(acid);
	const Patch* p = &g_patch;
	CU_ASSERT_STRING_EQUAL(p->title, "Acid 303");
	CU_ASSERT_EQUAL_FATAL(p->n_modules, 5);
	CU_ASSERT_STRING_EQUAL(p->modules[0].name, "osc");
	CU_ASSERT_PTR_EQUAL(p->modules[0].type, saw);
	CU_ASSERT_PTR_EQUAL(p->modules[1].type, ladder);
	CU_ASSERT_PTR_EQUAL(p->modules[2].type, vca);
	CU_ASSERT_PTR_EQUAL(p->modules[3].type, adsr);
	CU_ASSERT_STRING_EQUAL(p->modules[4].name, "fenv");
	CU_ASSERT_FALSE(p->modules[0].master);
	CU_ASSERT_EQUAL(p->modules[0].pos.line, 3);
	CU_ASSERT_EQUAL(p->modules[0].pos.col, 1);

	CU_ASSERT_EQUAL_FATAL(p->n_connections, 4);
	const PatchConnection* c = p->connections;
	CU_ASSERT_EQUAL(c[0].src_module, 0);
	CU_ASSERT_EQUAL(c[0].src_note, NOTE_SRC_NONE);
	CU_ASSERT_EQUAL(c[0].dst_module, 1);
	CU_ASSERT_EQUAL(c[0].dst_kind, DST_INPUT);
	CU_ASSERT_EQUAL(c[0].dst_index, 0);
	CU_ASSERT_EQUAL(c[0].depth, 1.0f);
	CU_ASSERT_FALSE(c[0].has_depth);
	CU_ASSERT_EQUAL(c[0].pos.line, 8);
	CU_ASSERT_EQUAL(c[1].src_module, 1);
	CU_ASSERT_EQUAL(c[1].dst_module, 2);
	CU_ASSERT_EQUAL(c[1].dst_kind, DST_INPUT);
	CU_ASSERT_EQUAL(c[2].src_module, 3);
	CU_ASSERT_EQUAL(c[2].dst_module, 2);
	CU_ASSERT_EQUAL(c[2].dst_kind, DST_PARAM);
	CU_ASSERT_EQUAL(c[2].dst_index, param_of(vca, "gain"));
	CU_ASSERT_EQUAL(c[3].src_module, 4);
	CU_ASSERT_EQUAL(c[3].dst_module, 1);
	CU_ASSERT_EQUAL(c[3].dst_kind, DST_PARAM);
	CU_ASSERT_EQUAL(c[3].dst_index, param_of(ladder, "cutoff"));
	CU_ASSERT_EQUAL(c[3].depth, 2400.0f);
	CU_ASSERT_TRUE(c[3].has_depth);

	CU_ASSERT_EQUAL_FATAL(p->n_settings, 3);
	CU_ASSERT_EQUAL(p->settings[0].module, 1);
	CU_ASSERT_EQUAL(p->settings[0].param, param_of(ladder, "cutoff"));
	CU_ASSERT_EQUAL(p->settings[0].value, 320.0f);
	CU_ASSERT_EQUAL(p->settings[1].param, param_of(ladder, "resonance"));
	CU_ASSERT_EQUAL(p->settings[1].value, 0.82f);
	CU_ASSERT_EQUAL(p->settings[2].module, 4);
	CU_ASSERT_EQUAL(p->settings[2].param, param_of(adsr, "decay"));
	CU_ASSERT_EQUAL(p->settings[2].value, 180.0f);
	CU_ASSERT_EQUAL(p->settings[2].pos.line, 14);

	CU_ASSERT_EQUAL_FATAL(p->n_macros, 1);
	CU_ASSERT_EQUAL(p->macros[0].knob, 1);
	CU_ASSERT_EQUAL(p->macros[0].module, 1);
	CU_ASSERT_EQUAL(p->macros[0].param, param_of(ladder, "cutoff"));
	CU_ASSERT_EQUAL(p->macros[0].lo, 80.0f);
	CU_ASSERT_EQUAL(p->macros[0].hi, 8000.0f);
	CU_ASSERT_EQUAL(p->macros[0].curve, CURVE_EXP);
	CU_ASSERT_EQUAL(p->out_module, module_named("amp"));
	CU_ASSERT_EQUAL(module_named("amp"), 2);
	CU_ASSERT_STRING_EQUAL(g_err.message, "");
}

static void
test_valid_forms(void)
{
	const ModuleType* vca   = type_of("vca");
	const ModuleType* lfo   = type_of("lfo");
	const ParamSpec*  shape = spec_of("lfo", "shape");
	const ParamSpec*  res   = spec_of("ladder", "resonance");
	CU_ASSERT_PTR_NOT_NULL_FATAL(shape->choices);
	CU_ASSERT_PTR_NOT_NULL_FATAL(shape->choices[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(shape->choices[1]);
	CU_ASSERT_FATAL(vca->n_inputs >= 1);

	/* CR LF, tabs, comments anywhere, '#' inside a string, no final newline,
	 * a master module fed per voice, every note source, an explicit input,
	 * negative and exponent depths, choices by name and number, a
	 * parameter set twice. */
	text_reset();
	text_add("\r\n");
	text_add("  # a comment line\r\n");
	text_add("patch \"Hash # in \\\"title\\\" \\\\\"\t# comment\r\n");
	text_add("create\tosc\tsaw\r\n");
	text_add("create amp vca\r\n");
	text_add("create mod lfo\n");
	text_add("create sat drive master\n");
	text_add("\n\n");
	text_add("connect note.pitch osc.pitch -69\n");
	text_add("connect note.gate amp.gain\n");
	text_add("connect note.velocity amp.%s 0.5\n", vca->inputs[vca->n_inputs - 1].name);
	text_add("connect osc amp.%s\n", vca->inputs[0].name);
	text_add("connect mod osc.pitch -2.5e-1\n");
	text_add("connect amp sat\n");
	text_add("set mod.shape %s\n", shape->choices[1]);
	text_add("set mod.shape 0\n");
	text_add("set amp.gain 0\n");
	text_add("macro 8 mod.rate %g %g\n", (double)spec_of("lfo", "rate")->min,
	         (double)spec_of("lfo", "rate")->max);
	text_add("macro 2 osc.pitch -1 +1 lin\n");
	text_add("out sat # the last line has no newline");
	OK_BUF();
	const Patch* p = &g_patch;
	CU_ASSERT_STRING_EQUAL(p->title, "Hash # in \"title\" \\");
	CU_ASSERT_EQUAL_FATAL(p->n_modules, 4);
	CU_ASSERT_TRUE(p->modules[3].master);
	CU_ASSERT_FALSE(p->modules[2].master);
	CU_ASSERT_EQUAL(p->modules[1].pos.line, 5);
	CU_ASSERT_EQUAL_FATAL(p->n_connections, 6);
	const PatchConnection* c = p->connections;
	CU_ASSERT_EQUAL(c[0].src_module, -1);
	CU_ASSERT_EQUAL(c[0].src_note, NOTE_SRC_PITCH);
	CU_ASSERT_EQUAL(c[0].depth, -69.0f);
	CU_ASSERT_TRUE(c[0].has_depth);
	CU_ASSERT_EQUAL(c[1].src_note, NOTE_SRC_GATE);
	CU_ASSERT_EQUAL(c[1].dst_kind, DST_PARAM);
	CU_ASSERT_EQUAL(c[2].src_note, NOTE_SRC_VELOCITY);
	CU_ASSERT_EQUAL(c[2].dst_kind, DST_INPUT);
	CU_ASSERT_EQUAL(c[2].dst_index, vca->n_inputs - 1);
	CU_ASSERT_EQUAL(c[2].depth, 0.5f);
	CU_ASSERT_EQUAL(c[3].src_module, 0);
	CU_ASSERT_EQUAL(c[3].dst_kind, DST_INPUT);
	CU_ASSERT_EQUAL(c[3].dst_index, 0);
	CU_ASSERT_EQUAL(c[3].depth, 1.0f);
	CU_ASSERT_FALSE(c[3].has_depth);
	CU_ASSERT_EQUAL(c[4].depth, -0.25f);
	CU_ASSERT_EQUAL(c[5].dst_module, 3);
	CU_ASSERT_EQUAL_FATAL(p->n_settings, 3);
	CU_ASSERT_EQUAL(p->settings[0].param, param_of(lfo, "shape"));
	CU_ASSERT_EQUAL(p->settings[0].value, 1.0f);
	CU_ASSERT_EQUAL(p->settings[1].value, 0.0f);
	CU_ASSERT_EQUAL(p->settings[1].pos.line, 17);
	CU_ASSERT_EQUAL_FATAL(p->n_macros, 2);
	CU_ASSERT_EQUAL(p->macros[0].knob, 8);
	CU_ASSERT_EQUAL(p->macros[0].curve, spec_of("lfo", "rate")->curve); /* the param's own */
	CU_ASSERT_EQUAL(p->macros[1].curve, CURVE_LIN);
	CU_ASSERT_EQUAL(p->macros[1].lo, -1.0f);
	CU_ASSERT_EQUAL(p->macros[1].hi, 1.0f);
	CU_ASSERT_EQUAL(p->out_module, 3);
	CU_ASSERT_EQUAL(p->pan_module, -1); /* no `pan`: mono */

	/* Stereo: `pan` names the per-voice module that places each voice
	 * (before or after `out`); note.random is a source. */
	OK("create o saw\ncreate p pan\nconnect note.random o.fine 50\nout o\npan p\n");
	CU_ASSERT_EQUAL(g_patch.pan_module, 1);
	CU_ASSERT_EQUAL(g_patch.out_module, 0);
	CU_ASSERT_EQUAL(g_patch.connections[0].src_note, NOTE_SRC_RANDOM);

	/* Minimal patches; `out` may come first once its module exists; an
	 * inverted macro range; an empty title; the bounds of a range. */
	OK("create a saw\nout a");
	OK("patch \"\"\ncreate a saw\nout a\nset a.level 0\n");
	CU_ASSERT_STRING_EQUAL(g_patch.title, "");
	char buf[256];
	snprintf(buf, sizeof buf,
	         "create f ladder\nset f.resonance %.9g\nset f.resonance %.9g\n"
	         "macro 3 f.resonance %.9g %.9g\nout f\n",
	         (double)res->min, (double)res->max, (double)res->max, (double)res->min);
	OK(buf);
	CU_ASSERT_EQUAL(g_patch.settings[0].value, res->min);
	CU_ASSERT_EQUAL(g_patch.settings[1].value, res->max);
	CU_ASSERT_EQUAL(g_patch.macros[0].lo, res->max);
	CU_ASSERT_EQUAL(g_patch.macros[0].hi, res->min);
	CU_ASSERT_EQUAL(g_patch.n_connections, 0);
	/* Names: underscores, digits, the maximum length, keywords as names. */
	OK("create _x9 saw\ncreate out saw\ncreate master saw\nconnect out _x9.pitch\nout "
	   "master\n");
	CU_ASSERT_EQUAL(g_patch.out_module, 2);
}

/* Numbers are read exactly as strtod reads them in the C locale, and the
 * same whatever the locale of the host. */
static void
test_numbers(void)
{
	static const char* const nums[] = {"320",
	                                   "0.82",
	                                   "-12",
	                                   "+2.5e3",
	                                   "1E-3",
	                                   "0.1",
	                                   "0.3",
	                                   "1e-30",
	                                   "000.0100",
	                                   "-0",
	                                   "19.99999999999999999999",
	                                   "123456.789012345678901234",
	                                   "0.0000000000000000000000001",
	                                   "999999.99999999999999999",
	                                   "7e+2",
	                                   "1234.5678e-2",
	                                   "1e-400",
	                                   "3.4028234e38",
	                                   "123456789012345678901234",
	                                   "1000000.1"};
	for (size_t k = 0; k < sizeof nums / sizeof nums[0]; ++k) {
		char buf[160];
		snprintf(buf, sizeof buf,
		         "create a saw\ncreate b saw\nconnect a b.pitch %s\nout a\n", nums[k]);
		const float want = (float)strtod(nums[k], NULL);
		if (fabsf(want) <= PATCH_MAX_DEPTH) {
			OK(buf);
			CU_ASSERT_EQUAL(g_patch.connections[0].depth, want);
		} else {
			/* Large but finite: a range error, not "too large". */
			ERR(buf, 3, 19,
			    fmt("depth '%s' is out of range, expected -1000000 to 1000000",
			        nums[k]));
		}
	}
	static const char* const locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
	                                      "ru_RU.UTF-8"};
	for (size_t k = 0; k < sizeof locales / sizeof locales[0]; ++k) {
		if (setlocale(LC_NUMERIC, locales[k])) {
			OK("create f ladder\nset f.resonance 0.82\nout f\n");
			CU_ASSERT_EQUAL(g_patch.settings[0].value, 0.82f);
			setlocale(LC_NUMERIC, "C");
			break;
		}
	}
}

/* ---- errors ------------------------------------------------------------ */

static void
test_lexical_errors(void)
{
	ERR("patch \"Acid 303\n", 1, 7,
	    "unterminated string '\"Acid 303', expected a closing '\"'");
	ERR("patch \"Acid 303\r\n", 1, 7,
	    "unterminated string '\"Acid 303', expected a closing '\"'");
	ERR("patch \"Acid \\\"", 1, 7,
	    "unterminated string '\"Acid \\\"', expected a closing '\"'");
	ERR("patch \"A\\", 1, 7, "unterminated string '\"A\\', expected a closing '\"'");
	ERR("patch \"A\\nB\"\n", 1, 9, "unknown escape '\\n' in string, expected \\\" or \\\\");
	ERR("create a saw\ncreate \"b saw\n", 2, 8,
	    "unterminated string '\"b saw', expected a closing '\"'");
	OK("create a saw\nout a # \"fine in a comment\n");
	check_error(__LINE__, "create a saw\nout\0a\n", 18, 2, 4,
	            "unexpected NUL byte, expected text");
	check_error(__LINE__, "# \0", 3, 1, 3, "unexpected NUL byte, expected text");
	/* Not numbers: each is one word, quoted whole. */
	static const char* const bad[] = {".5",  "5.",    "1e",    "1e+",  "0x10",
	                                  "inf", "nan",   "1,5",   "--1",  "+",
	                                  "-",   "1.2.3", "12abc", "1e5x", "1_000"};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; ++k) {
		char buf[128];
		snprintf(buf, sizeof buf, "create f ladder\nset f.resonance %s\n", bad[k]);
		/* ".5" lexes as '.' then '5': the '.' is what is unexpected. */
		const char* tok = bad[k][0] == '.' ? "." : bad[k];
		ERR(buf, 2, 17, fmt("unexpected '%s', expected a number", tok));
	}
	ERR("create a saw\ncreate b saw\nconnect a b.pitch 1e39\n", 3, 19,
	    fmt("number '1e39' is too large, expected at most %g in magnitude", 3.40282347e38));
	ERR("create a saw\ncreate b saw\nconnect a b.pitch -1e99999999999\n", 3, 19,
	    fmt("number '-1e99999999999' is too large, expected at most %g in magnitude",
	        3.40282347e38));
	/* Hostile bytes are shown escaped, and long words cut short. */
	ERR("create a \x01\xff\xc3\xa9 saw\n", 1, 10,
	    fmt("unknown module type '\\x01\\xff\xc3\xa9'%s",
	        module_registry_suggest("\x01\xff\xc3\xa9", 5)
	                ? ""
	                : ", expected a type from docs/modules.md"));
	ERR("create a saw\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n", 2, 1,
	    "unexpected '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@...', expected a statement: "
	    "patch, create, connect, set, macro, out, pan, zone, wavetable, voice, priority, glide, bend or unison");
}

static void
test_statement_errors(void)
{
	ERR("create osc saw\nconect osc osc\n", 2, 1,
	    "unknown statement 'conect' (did you mean 'connect'?)");
	ERR("Create osc saw\n", 1, 1, "unknown statement 'Create' (did you mean 'create'?)");
	ERR("  frobnicate\n", 1, 3,
	    "unknown statement 'frobnicate', expected patch, create, connect, set, macro, out, pan, zone, "
	    "wavetable, voice, priority, glide, bend or unison");
	ERR("5 a saw\n", 1, 1,
	    "unexpected '5', expected a statement: patch, create, connect, set, macro, out, pan, zone, wavetable, voice, priority, glide, bend or unison");
	ERR(".\n", 1, 1,
	    "unexpected '.', expected a statement: patch, create, connect, set, macro, out, pan, zone, wavetable, voice, priority, glide, bend or unison");
	ERR("\"x\"\n", 1, 1,
	    "unexpected '\"x\"', expected a statement: patch, create, connect, set, macro, out, pan, zone, wavetable, voice, priority, glide, bend or unison");
	ERR("create osc saw\nout osc 0.5\n", 2, 9,
	    "unexpected '0.5' after end of statement, expected end of line");
	/* `pan`: one, naming a per-voice module. */
	ERR("create o saw\ncreate p pan\npan p\npan p\nout o\n", 4, 1,
	    "second 'pan' statement, expected at most one (the first is on line 3)");
	ERR("create o saw\ncreate d drive master\npan d\nout o\n", 3, 5,
	    "master module 'd' cannot pan the voices, expected a per-voice module (e.g. 'create p pan', "
	    "then 'pan p')");
	ERR("create o saw\npan o 1\nout o\n", 2, 7,
	    "unexpected '1' after end of statement, expected end of line");
	/* `zone`: a per-voice module, one zone each, whole keys low to high. */
	OK("create o saw\nzone o 36\nout o\n");
	CU_ASSERT(g_patch.modules[0].zoned && g_patch.modules[0].zone_lo == 36 && g_patch.modules[0].zone_hi == 36);
	OK("create o saw\ncreate p sine\nzone o 0 59\nzone p 60 127\nout o\n");
	CU_ASSERT(g_patch.modules[0].zone_lo == 0 && g_patch.modules[0].zone_hi == 59);
	CU_ASSERT(g_patch.modules[1].zoned && g_patch.modules[1].zone_lo == 60 && g_patch.modules[1].zone_hi == 127);
	ERR("create o saw\nzone o 36\nzone o 38\nout o\n", 3, 6,
	    "module 'o' has a zone already (line 2), expected one zone per module (give each range its own chain)");
	ERR("create o saw\ncreate d drive master\nconnect o d\nzone d 36\nout d\n", 4, 6,
	    "master module 'd' plays for every key, expected a per-voice module (a zone picks which voices hear it)");
	ERR("create o saw\nzone o 60 48\nout o\n", 2, 11, "high key 48 is below low key 60, expected low to high");
	ERR("create o saw\nzone o 128\nout o\n", 2, 8, "'128' is out of range, expected 0 to 127");
	ERR("create o saw\nzone o 36.5\nout o\n", 2, 6, "a zone's keys are whole numbers, got 36.5 to 36.5");
	ERR("create o saw\nzone x 36\nout o\n", 2, 6, "unknown module 'x', expected a module created on an earlier line");
	ERR("create o saw\nzone o\nout o\n", 2, 7, "unexpected end of line, expected a low key, 0 to 127");
	/* `wavetable`: a wavetable module, one file each, a power of two of
	 * samples per wave (the file is read by the build, not the parser). */
	OK("create w wavetable\nwavetable w \"tables/formant.wav\"\nout w\n");
	CU_ASSERT(g_patch.n_wavetables == 1 && g_patch.wavetables[0].module == 0 && g_patch.wavetables[0].wave == 2048);
	CU_ASSERT(!strcmp(g_patch.wavetables[0].path, "tables/formant.wav"));
	CU_ASSERT(g_patch.wavetables[0].pos.line == 2 && g_patch.wavetables[0].pos.col == 13);
	OK("create w wavetable\nwavetable w \"a.wav\" 256\nout w\n");
	CU_ASSERT(g_patch.wavetables[0].wave == 256);
	ERR("create o saw\nwavetable o \"a.wav\"\nout o\n", 2, 11,
	    "module 'o' is a saw, expected a wavetable module (e.g. 'create w wavetable')");
	ERR("create w wavetable\nwavetable w \"a.wav\"\nwavetable w \"b.wav\"\nout w\n", 3, 11,
	    "module 'w' has a wavetable file already (line 2), expected one per module");
	ERR("create w wavetable\nwavetable w a.wav\nout w\n", 2, 13,
	    "unexpected 'a', expected a quoted file name, as in wavetable w \"tables/formant.wav\"");
	ERR("create w wavetable\nwavetable w \"\"\nout w\n", 2, 13, "empty file name, expected a file name of 1 to 255 bytes");
	ERR("create w wavetable\nwavetable w \"a.wav\" 1000\nout w\n", 2, 21,
	    "1000 samples per wave, expected a power of two from 64 to 8192 (2048 for most wavetable files)");
	ERR("create w wavetable\nwavetable w \"a.wav\" 16384\nout w\n", 2, 21, "'16384' is out of range, expected 64 to 8192");
	ERR("create w wavetable\nwavetable x \"a.wav\"\nout w\n", 2, 11,
	    "unknown module 'x', expected a module created on an earlier line");
	ERR("create o saw\nconnect note.rand o.level\nout o\n", 2, 14,
	    "unknown note source 'rand', expected pitch, gate, velocity, random, key, release, pressure, slide or unison (did you mean 'random'?)");
	ERR("create osc saw\ncreate vcf ladder\nset vcf.resonance 0.5 0.5\n", 3, 23,
	    "unexpected '0.5' after end of statement, expected end of line");
	ERR("patch \"a\" \"b\"\n", 1, 11,
	    "unexpected '\"b\"' after end of statement, expected end of line");
	ERR("create osc\n", 1, 11, "unexpected end of line, expected a module type");
	ERR("create", 1, 7, "unexpected end of line, expected a module name");
	ERR("create osc saw\nout\n", 2, 4, "unexpected end of line, expected a module name");
	ERR("create osc saw # comment\ncreate # comment\n", 2, 17,
	    "unexpected end of line, expected a module name");
	/* The first error wins; later ones are never reached. */
	ERR("conect\ncreate\n", 1, 1, "unknown statement 'conect' (did you mean 'connect'?)");
	/* Single pass: a name is known only after its create. */
	ERR("out a\ncreate a saw\n", 1, 5,
	    "unknown module 'a', expected a module created on an earlier line");
}

static void
test_patch_errors(void)
{
	ERR("patch \"a\"\npatch \"b\"\n", 2, 1,
	    "second 'patch' statement, expected at most one (the first is on line 1)");
	ERR("patch Acid\n", 1, 7,
	    "unexpected 'Acid', expected a quoted name, as in patch \"Acid 303\"");
	ERR("patch\n", 1, 6,
	    "unexpected end of line, expected a quoted name, as in patch \"Acid 303\"");
}

static void
test_create_errors(void)
{
	ERR("create osc-2 saw\n", 1, 8,
	    "invalid module name 'osc-2', expected a letter or '_' followed by letters, digits or "
	    "'_'");
	ERR("create 2osc saw\n", 1, 8,
	    "invalid module name '2osc', expected a letter or '_' followed by letters, digits or "
	    "'_'");
	ERR("create 2 saw\n", 1, 8,
	    "invalid module name '2', expected a letter or '_' followed by letters, digits or '_'");
	ERR("create \"osc\" saw\n", 1, 8, "unexpected '\"osc\"', expected a module name");
	ERR("create note saw\n", 1, 8,
	    "module name 'note' is reserved, expected another name (note.pitch, ctl.modwheel ... "
	    "are sources)");
	ERR("create osc saw\n\ncreate osc ladder\n", 3, 8,
	    "module 'osc' already exists, expected a new name (created on line 1)");
	ERR("create osc saw\ncreate osc.x saw\n", 2, 8,
	    "module 'osc' already exists, expected a new name (created on line 1)");

	const char* sug = module_registry_suggest("sawtooth", 8);
	ERR("create a saw\n\n\ncreate osc sawtooth\n", 4, 12,
	    sug ? fmt("unknown module type 'sawtooth' (did you mean '%s'?)", sug)
	        : "unknown module type 'sawtooth', expected a type from docs/modules.md");
	sug = module_registry_suggest("qqqqqqqqqqqq", 12);
	ERR("create osc qqqqqqqqqqqq\n", 1, 12,
	    sug ? fmt("unknown module type 'qqqqqqqqqqqq' (did you mean '%s'?)", sug)
	        : "unknown module type 'qqqqqqqqqqqq', expected a type from docs/modules.md");
	ERR("create osc Saw2\n", 1, 12,
	    module_registry_suggest("Saw2", 4)
	            ? fmt("unknown module type 'Saw2' (did you mean '%s'?)",
	                  module_registry_suggest("Saw2", 4))
	            : "unknown module type 'Saw2', expected a type from docs/modules.md");
	ERR("create osc .\n", 1, 12, "unexpected '.', expected a module type");
	ERR("create osc saw mastr\n", 1, 16,
	    "unexpected 'mastr', expected 'master' or end of line (did you mean 'master'?)");
	ERR("create osc saw 1\n", 1, 16, "unexpected '1', expected 'master' or end of line");
	ERR("create osc saw master master\n", 1, 23,
	    "unexpected 'master' after end of statement, expected end of line");

	/* A master-only type must be created master (if the registry has one). */
	unsigned n_master_only = 0;
	for (unsigned i = 0; i < module_registry_count(); ++i) {
		const ModuleType* t = module_registry_at(i);
		if (!(t->flags & MODULE_MASTER_ONLY)) {
			continue;
		}
		++n_master_only;
		char buf[128];
		snprintf(buf, sizeof buf, "create fx %s\n", t->name);
		ERR(buf, 1, 11,
		    fmt("module type '%s' works only once for all voices, expected 'master' after "
		        "it",
		        t->name));
		snprintf(buf, sizeof buf, "create fx %s master\nout fx\n", t->name);
		OK(buf);
		CU_ASSERT_TRUE(g_patch.modules[0].master);
	}
	(void)n_master_only; /* zero with a registry that has no such type */
}

static void
test_connect_errors(void)
{
	const ModuleType* ladder = type_of("ladder");
	const ModuleType* vca    = type_of("vca");
	const ModuleType* nin    = inputless_type();
	CU_ASSERT_PTR_NOT_NULL_FATAL(nin);
	const char* head =
	        "create osc saw\ncreate vcf ladder\ncreate env adsr\ncreate rev drive master\n";
	char buf[512];
#define WITH(tail) (snprintf(buf, sizeof buf, "%s%s", head, (tail)), buf)

	ERR(WITH("connect ocs vcf\n"), 5, 9,
	    "unknown module 'ocs', expected a module created on an earlier line (did you mean "
	    "'osc'?)");
	ERR(WITH("connect osc vfc\n"), 5, 13,
	    "unknown module 'vfc', expected a module created on an earlier line (did you mean "
	    "'vcf'?)");
	ERR(WITH("connect osc zzz\n"), 5, 13,
	    "unknown module 'zzz', expected a module created on an earlier line");
	ERR(WITH("connect\n"), 5, 8,
	    "unexpected end of line, expected a source: a module name, note.pitch, note.gate, note.velocity "
	    "... or ctl.modwheel ...");
	ERR(WITH("connect 5 vcf\n"), 5, 9,
	    "unexpected '5', expected a source: a module name, note.pitch, note.gate, note.velocity ... or "
	    "ctl.modwheel ...");
	ERR(WITH("connect osc\n"), 5, 12, "unexpected end of line, expected a module name");
	ERR(WITH("connect env.out vcf.cutoff\n"), 5, 12,
	    "unexpected '.' after source 'env', expected a target (a module has one output: write "
	    "'env')");
	ERR(WITH("connect note vcf\n"), 5, 14,
	    "unexpected 'vcf', expected '.' after 'note', as in note.pitch");
	ERR(WITH("connect note. vcf\n"), 5, 15,
	    "unknown note source 'vcf', expected pitch, gate, velocity, random, key, release, pressure, slide or unison");
	ERR(WITH("connect note.\n"), 5, 14,
	    "unexpected end of line, expected pitch, gate, velocity, random, key, release, pressure, slide or unison after "
	    "'note.'");
	ERR(WITH("connect note.pich vcf\n"), 5, 14,
	    "unknown note source 'pich', expected pitch, gate, velocity, random, key, release, pressure, slide or unison "
	    "(did you mean 'pitch'?)");
	ERR(WITH("connect note.vel vcf\n"), 5, 14,
	    "unknown note source 'vel', expected pitch, gate, velocity, random, key, release, pressure, slide or unison "
	    "(did you mean 'velocity'?)");
	ERR(WITH("connect note.keys vcf\n"), 5, 14,
	    "unknown note source 'keys', expected pitch, gate, velocity, random, key, release, pressure, slide or unison "
	    "(did you mean 'key'?)");
	ERR(WITH("connect ctl vcf\n"), 5, 13, "unexpected 'vcf', expected '.' after 'ctl', as in ctl.modwheel");
	ERR(WITH("connect ctl.modweel vcf\n"), 5, 13,
	    "unknown controller 'modweel', expected modwheel, breath, foot, expression, aftertouch, bend, tempo or "
	    "cc0 to cc127 (did you mean 'modwheel'?)");
	ERR(WITH("connect ctl.cc128 vcf\n"), 5, 13, "controller 'cc128' does not exist, expected cc0 to cc127");
	ERR(WITH("connect ctl.modwheel vcf.cutoff\nconnect ctl.cc1 vcf.cutoff\n"), 6, 17,
	    "connection from 'ctl.modwheel' to 'vcf.cutoff' already made on line 5, expected each connection "
	    "once");
	ERR(WITH("connect osc ctl.modwheel\n"), 5, 13,
	    "unexpected 'ctl', expected a target module (note and ctl sources can only send)");
	ERR(WITH("voice duo\n"), 5, 7, "unknown voice mode 'duo', expected poly, mono or legato");
	ERR(WITH("priority lowest\n"), 5, 10,
	    "unknown note priority 'lowest', expected last, low or high (did you mean 'low'?)");
	ERR(WITH("glide -1\n"), 5, 7, "'-1' is out of range, expected 0 to 10000 ms");
	ERR(WITH("glide 50 rate time\n"), 5, 15,
	    "'time' contradicts an earlier glide option, expected one of time or rate");
	ERR(WITH("bend 2 49\n"), 5, 8, "'49' is out of range, expected 0 to 48 semitones");
	ERR(WITH("unison 0\n"), 5, 8, "'0' is out of range, expected 1 to 16 voices");
	ERR(WITH("unison 17 10\n"), 5, 8, "'17' is out of range, expected 1 to 16 voices");
	ERR(WITH("unison 2.5\n"), 5, 8, "'2.5' is not a whole number, expected 1 to 16 voices");
	ERR(WITH("unison 7 -5\n"), 5, 10, "'-5' is out of range, expected 0 to 200 cents");
	ERR(WITH("unison 7 201\n"), 5, 10, "'201' is out of range, expected 0 to 200 cents");
	ERR(WITH("unison\n"), 5, 7, "unexpected end of line, expected a count of voices, 1 to 16");
	ERR(WITH("unison 7 wide\n"), 5, 10, "unexpected 'wide', expected a total detune in cents, or end of line");
	ERR(WITH("unison 7 20 30\n"), 5, 13, "unexpected '30' after end of statement, expected end of line");
	ERR(WITH("connect note.unisn vcf\n"), 5, 14,
	    "unknown note source 'unisn', expected pitch, gate, velocity, random, key, release, pressure, slide or "
	    "unison (did you mean 'unison'?)");
	ERR(WITH("connect osc note.pitch\n"), 5, 13,
	    "unexpected 'note', expected a target module (note and ctl sources can only send)");

	snprintf(buf, sizeof buf, "create osc saw\ncreate m %s\nconnect osc m\n", nin->name);
	ERR(buf, 3, 13,
	    fmt("module 'm' (%s) has no input; connect to one of its parameters, e.g. m.%s",
	        nin->name, nin->params[0].name));

	ERR(WITH("connect osc vcf.cutof\n"), 5, 17,
	    "unknown port 'cutof' of module 'vcf' (ladder) (did you mean 'cutoff'?)");
	{
		char list[256] = "";
		for (unsigned k = 0; k < ladder->n_inputs + ladder->n_params; ++k) {
			const char* n = k < ladder->n_inputs
			                        ? ladder->inputs[k].name
			                        : ladder->params[k - ladder->n_inputs].name;
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
			         k ? ", " : "", n);
		}
		ERR(WITH("connect osc vcf.zzzzzzzz\n"), 5, 17,
		    fmt("unknown port 'zzzzzzzz' of module 'vcf' (ladder), expected one of %s",
		        list));
	}
	ERR(WITH("connect osc vcf.\n"), 5, 17,
	    "unexpected end of line, expected an input or parameter of 'vcf' (ladder)");
	ERR(WITH("connect osc vcf.5\n"), 5, 17,
	    "unexpected '5', expected an input or parameter of 'vcf' (ladder)");

	ERR(WITH("connect vcf vcf\n"), 5, 13, "module 'vcf' cannot connect to itself");
	ERR(WITH("connect env env.attack\n"), 5, 13, "module 'env' cannot connect to itself");
	ERR(WITH("connect env vcf.cutoff\nset vcf.cutoff 300\nconnect env vcf.cutoff -1\n"), 7, 13,
	    "connection from 'env' to 'vcf.cutoff' already made on line 5, expected each "
	    "connection once");
	ERR(WITH("connect note.gate vcf.cutoff\nconnect note.gate vcf.cutoff\n"), 6, 19,
	    "connection from 'note.gate' to 'vcf.cutoff' already made on line 5, expected each "
	    "connection once");
	/* No port means the first input: the same connection as naming it. */
	snprintf(buf, sizeof buf, "%sconnect osc vcf\nconnect osc vcf.%s\n", head,
	         ladder->inputs[0].name);
	ERR(buf, 6, 13,
	    fmt("connection from 'osc' to 'vcf.%s' already made on line 5, expected each "
	        "connection once",
	        ladder->inputs[0].name));
	/* Different sources, ports or kinds are different connections. */
	OK(WITH("connect osc vcf\nconnect env vcf\nconnect env vcf.cutoff\nconnect note.gate "
	        "vcf.cutoff\n"
	        "connect note.pitch vcf.cutoff\nconnect vcf rev\nout rev\n"));
	CU_ASSERT_EQUAL(g_patch.n_connections, 6);

	/* A master module may feed a voice (a global modulator); whether it
	 * then hears no voice is the compiler's to check (test_compile.c). */
	OK(WITH("connect rev vcf.cutoff 10\nout vcf\n"));
	ERR(WITH("connect note.gate rev\n"), 5, 19,
	    "note source 'note.gate' cannot feed master module 'rev', which has no note");
	ERR(WITH("connect note.velocity rev.gain\n"), 5, 23,
	    "note source 'note.velocity' cannot feed master module 'rev', which has no note");
	OK(WITH("create rev2 drive master\nconnect rev rev2\nconnect osc rev\nout rev2\n"));

	ERR(WITH("connect osc vcf abc\n"), 5, 17,
	    "unexpected 'abc', expected a number (the depth) or end of line");
	ERR(WITH("connect osc vcf 1e7\n"), 5, 17,
	    "depth '1e7' is out of range, expected -1000000 to 1000000");
	ERR(WITH("connect osc vcf -1000001\n"), 5, 17,
	    "depth '-1000001' is out of range, expected -1000000 to 1000000");
	OK(WITH("connect osc vcf -1e6\nout vcf\n"));
	CU_ASSERT_EQUAL(g_patch.connections[0].depth, -1e6f);
	OK(WITH("connect osc vcf 1000000\nout vcf\n"));
	CU_ASSERT_EQUAL(g_patch.connections[0].depth, PATCH_MAX_DEPTH);
	(void)vca;
#undef WITH
}

static void
test_set_errors(void)
{
	const ParamSpec*  cutoff = spec_of("ladder", "cutoff");
	const ParamSpec*  shape  = spec_of("lfo", "shape");
	const ModuleType* vca    = type_of("vca");
	const ModuleType* ladder = type_of("ladder");
	char              buf[512];
	char              choices[256] = "";
	unsigned          nc           = 0;
	for (; shape->choices[nc]; ++nc) {
		snprintf(choices + strlen(choices), sizeof choices - strlen(choices), "%s%s",
		         nc ? ", " : "", shape->choices[nc]);
	}
	CU_ASSERT_FATAL(nc >= 2);

	ERR("create vcf ladder\nset vfc.cutoff 300\n", 2, 5,
	    "unknown module 'vfc', expected a module created on an earlier line (did you mean "
	    "'vcf'?)");
	ERR("create vcf ladder\nset vcf 300\n", 2, 9,
	    fmt("unexpected '300', expected '.' and a parameter after 'vcf', as in vcf.%s",
	        ladder->params[0].name));
	ERR("create vcf ladder\nset vcf.cutof 300\n", 2, 9,
	    "unknown parameter 'cutof' of module 'vcf' (ladder) (did you mean 'cutoff'?)");
	{
		char list[256] = "";
		for (unsigned k = 0; k < ladder->n_params; ++k) {
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
			         k ? ", " : "", ladder->params[k].name);
		}
		ERR("create vcf ladder\nset vcf.zzzzzzz 300\n", 2, 9,
		    fmt("unknown parameter 'zzzzzzz' of module 'vcf' (ladder), expected one of %s",
		        list));
	}
	snprintf(buf, sizeof buf, "create amp vca\nset amp.%s 1\n", vca->inputs[0].name);
	ERR(buf, 2, 9,
	    fmt("'%s' is an input of module 'amp' (vca), expected a parameter",
	        vca->inputs[0].name));
	ERR("create vcf ladder\nset note.pitch 60\n", 2, 5,
	    "unexpected 'note', expected a module name (note.* and ctl.* sources can only be the source of "
	    "a connect)");

	snprintf(buf, sizeof buf, "create vcf ladder\nset vcf.cutoff %g\n",
	         (double)cutoff->max * 2);
	ERR(buf, 2, 16,
	    fmt("value '%g' is out of range for vcf.cutoff, expected %s", (double)cutoff->max * 2,
	        range_of(cutoff)));
	snprintf(buf, sizeof buf, "create vcf ladder\nset vcf.cutoff %g\n",
	         (double)cutoff->min - 1);
	ERR(buf, 2, 16,
	    fmt("value '%g' is out of range for vcf.cutoff, expected %s", (double)cutoff->min - 1,
	        range_of(cutoff)));
	ERR("create vcf ladder\nset vcf.cutoff high\n", 2, 16,
	    "unexpected 'high', expected a number");
	ERR("create vcf ladder\nset vcf.cutoff\n", 2, 15,
	    "unexpected end of line, expected a number");

	/* A typo: the first choice with its second letter dropped. */
	const char* c0 = shape->choices[0];
	if (strlen(c0) >= 4) {
		char typo[64];
		snprintf(typo, sizeof typo, "%c%s", c0[0], c0 + 2);
		snprintf(buf, sizeof buf, "create vib lfo\nset vib.shape %s\n", typo);
		ERR(buf, 2, 15,
		    fmt("unknown choice '%s' for vib.shape (did you mean '%s'?)", typo, c0));
	}
	ERR("create vib lfo\nset vib.shape zigzagzag\n", 2, 15,
	    fmt("unknown choice 'zigzagzag' for vib.shape, expected one of %s", choices));
	ERR("create vib lfo\nset vib.shape 0.5\n", 2, 15,
	    fmt("value '0.5' is not a choice of vib.shape, expected one of %s", choices));
	snprintf(buf, sizeof buf, "create vib lfo\nset vib.shape %u\n", nc + 7);
	ERR(buf, 2, 15,
	    fmt("value '%u' is out of range for vib.shape, expected %s", nc + 7, range_of(shape)));
	ERR("create vib lfo\nset vib.shape \"sine\"\n", 2, 15,
	    fmt("unexpected '\"sine\"', expected one of %s", choices));
}

static void
test_macro_errors(void)
{
	const ParamSpec* res = spec_of("ladder", "resonance");
	const char*      h   = "create vcf ladder\ncreate env adsr\n";
	char             buf[512];
#define WITH(tail) (snprintf(buf, sizeof buf, "%s%s", h, (tail)), buf)
	ERR(WITH("macro 0 vcf.cutoff 100 1000\n"), 3, 7,
	    "knob '0' does not exist, expected 1 to 8");
	ERR(WITH("macro 9 vcf.cutoff 100 1000\n"), 3, 7,
	    "knob '9' does not exist, expected 1 to 8");
	ERR(WITH("macro 1.5 vcf.cutoff 100 1000\n"), 3, 7,
	    "knob '1.5' does not exist, expected 1 to 8");
	ERR(WITH("macro -1 vcf.cutoff 100 1000\n"), 3, 7,
	    "knob '-1' does not exist, expected 1 to 8");
	ERR(WITH("macro one vcf.cutoff 100 1000\n"), 3, 7,
	    "unexpected 'one', expected a knob number from 1 to 8");
	ERR(WITH("macro 1 vfc.cutoff 100 1000\n"), 3, 9,
	    "unknown module 'vfc', expected a module created on an earlier line (did you mean "
	    "'vcf'?)");
	ERR(WITH("macro 1 vcf.cutof 100 1000\n"), 3, 13,
	    "unknown parameter 'cutof' of module 'vcf' (ladder) (did you mean 'cutoff'?)");
	ERR(WITH("macro 1 vcf.resonance\n"), 3, 22,
	    "unexpected end of line, expected a number (the low end)");
	ERR(WITH("macro 1 vcf.resonance 0.1\n"), 3, 26,
	    "unexpected end of line, expected a number (the high end)");
	snprintf(buf, sizeof buf, "%smacro 1 vcf.resonance %g 0.5\n", h, (double)res->max + 1);
	ERR(buf, 3, 23,
	    fmt("value '%g' is out of range for vcf.resonance, expected %s", (double)res->max + 1,
	        range_of(res)));
	snprintf(buf, sizeof buf, "%smacro 1 vcf.resonance 0.5 %g\n", h, (double)res->min - 1);
	ERR(buf, 3, 27,
	    fmt("value '%g' is out of range for vcf.resonance, expected %s", (double)res->min - 1,
	        range_of(res)));
	ERR(WITH("macro 1 vcf.resonance 0.1 0.9 log\n"), 3, 31,
	    "unknown curve 'log', expected lin, exp or end of line");
	ERR(WITH("macro 1 vcf.resonance 0.1 0.9 lni\n"), 3, 31,
	    "unknown curve 'lni', expected lin, exp or end of line (did you mean 'lin'?)");
	ERR(WITH("macro 1 vcf.resonance 0.1 0.9 .\n"), 3, 31,
	    "unexpected '.', expected lin, exp or end of line");
	ERR(WITH("macro 1 vcf.resonance 0.1 0.9 exp lin\n"), 3, 35,
	    "unexpected 'lin' after end of statement, expected end of line");
	if (res->min <= 0.0f) {
		snprintf(buf, sizeof buf, "%smacro 1 vcf.resonance %g 0.5 exp\n", h,
		         (double)res->min);
		ERR(buf, 3, 23,
		    fmt("exp curve cannot reach '%g', expected lo and hi above 0 or curve lin",
		        (double)res->min));
		snprintf(buf, sizeof buf, "%smacro 1 vcf.resonance 0.5 %g exp\n", h,
		         (double)res->min);
		ERR(buf, 3, 27,
		    fmt("exp curve cannot reach '%g', expected lo and hi above 0 or curve lin",
		        (double)res->min));
		snprintf(buf, sizeof buf, "%smacro 1 vcf.resonance %g 0.5 lin\nout vcf\n", h,
		         (double)res->min);
		OK(buf);
	}
	/* Several bindings of one knob, and of one parameter, are fine. */
	OK(WITH("macro 2 vcf.resonance 0.1 0.9\nmacro 2 vcf.cutoff 100 1000 lin\n"
	        "macro 3 vcf.resonance 0.9 0.1\nout vcf\n"));
	CU_ASSERT_EQUAL(g_patch.n_macros, 3);
	CU_ASSERT_EQUAL(g_patch.macros[0].curve, res->curve);
#undef WITH
}

/* `macro <knob> "Name"`: a name for a knob, bound or not, once a knob;
 * bounded, printable, not blank; a binding line keeps its form. */
static void
test_knob_names(void)
{
	const char* h = "create vcf ladder\n";
	char        buf[512];
#define WITH(tail) (snprintf(buf, sizeof buf, "%s%s", h, (tail)), buf)
	OK(WITH("macro 1 \"Cutoff\"\nmacro 1 vcf.cutoff 100 1000\nmacro 8 \"Spare \\\"knob\\\"\"   # unbound\n"
	        "out vcf\n"));
	CU_ASSERT_STRING_EQUAL(g_patch.knob_names[0].name, "Cutoff");
	CU_ASSERT_EQUAL(g_patch.knob_names[0].pos.line, 2);
	CU_ASSERT_EQUAL(g_patch.knob_names[0].pos.col, 9);
	CU_ASSERT_STRING_EQUAL(g_patch.knob_names[7].name, "Spare \"knob\"");
	for (unsigned k = 1; k < 7; ++k) {
		CU_ASSERT_STRING_EQUAL(g_patch.knob_names[k].name, "");
		CU_ASSERT_EQUAL(g_patch.knob_names[k].pos.line, 0);
	}
	CU_ASSERT_EQUAL(g_patch.n_macros, 1); /* a name is no binding */
	/* the name may come after the bindings, and be UTF-8 */
	OK(WITH("macro 2 vcf.cutoff 100 1000\nmacro 2 \"D\xc3\xa9tune \xe2\x86\x94\"\nout vcf\n"));
	CU_ASSERT_STRING_EQUAL(g_patch.knob_names[1].name, "D\xc3\xa9tune \xe2\x86\x94");
	/* a name of exactly PATCH_MAX_KNOB_NAME bytes fits; one more does not */
	char name[PATCH_MAX_KNOB_NAME + 2];
	memset(name, 'n', sizeof name);
	name[PATCH_MAX_KNOB_NAME] = '\0';
	snprintf(buf, sizeof buf, "%smacro 3 \"%s\"\nout vcf\n", h, name);
	OK(buf);
	CU_ASSERT_STRING_EQUAL(g_patch.knob_names[2].name, name);
	name[PATCH_MAX_KNOB_NAME]     = 'n';
	name[PATCH_MAX_KNOB_NAME + 1] = '\0';
	snprintf(buf, sizeof buf, "%smacro 3 \"%s\"\nout vcf\n", h, name);
	ERR(buf, 2, 9, fmt("knob name '\"%s\"' is too long, expected at most %u bytes", name, PATCH_MAX_KNOB_NAME));

	ERR(WITH("macro 1 \"Cutoff\"\nmacro 1 \"Tone\"\nout vcf\n"), 3, 9,
	    "knob 1 is named twice, expected one name a knob (the first is on line 2)");
	ERR(WITH("macro 9 \"Cutoff\"\n"), 2, 7, "knob '9' does not exist, expected 1 to 8");
	ERR(WITH("macro \"Cutoff\"\n"), 2, 7, "unexpected '\"Cutoff\"', expected a knob number from 1 to 8");
	ERR(WITH("macro 1 \"\"\n"), 2, 9, "knob name '\"\"' is blank, expected a name such as \"Cutoff\"");
	ERR(WITH("macro 1 \"   \"\n"), 2, 9, "knob name '\"   \"' is blank, expected a name such as \"Cutoff\"");
	ERR(WITH("macro 1 \"a\tb\"\n"), 2, 9,
	    "knob name '\"a\\x09b\"' has a byte that is not printable text, expected letters, digits, spaces and "
	    "punctuation");
	ERR(WITH("macro 1 \"a\xff" "b\"\n"), 2, 9,
	    "knob name '\"a\\xffb\"' has a byte that is not printable text, expected letters, digits, spaces and "
	    "punctuation");
	ERR(WITH("macro 1 \"Cutoff\" vcf.cutoff 100 1000\n"), 2, 18,
	    "unexpected 'vcf' after end of statement, expected end of line");
	ERR(WITH("macro 1 \"Cutoff\n"), 2, 9, "unterminated string '\"Cutoff', expected a closing '\"'");
	ERR(WITH("macro 1\n"), 2, 8,
	    "unexpected end of line, expected a module name, or a quoted knob name as in macro 1 \"Cutoff\"");
	ERR(WITH("macro 1 5\n"), 2, 9,
	    "unexpected '5', expected a module name, or a quoted knob name as in macro 1 \"Cutoff\"");
	/* names do not count against the bindings' limit */
	text_reset();
	text_add("%s", h);
	for (unsigned k = 1; k <= PATCH_MACRO_KNOBS; ++k) {
		text_add("macro %u \"Knob %u\"\n", k, k);
	}
	for (unsigned i = 0; i < PATCH_MAX_MACROS; ++i) {
		text_add("macro %u vcf.cutoff 100 1000\n", i % PATCH_MACRO_KNOBS + 1);
	}
	text_add("out vcf\n");
	OK_BUF();
	CU_ASSERT_EQUAL(g_patch.n_macros, PATCH_MAX_MACROS);
	CU_ASSERT_STRING_EQUAL(g_patch.knob_names[7].name, "Knob 8");
#undef WITH
}

static void
test_out_errors(void)
{
	ERR("", 0, 0, "patch has no 'out' statement");
	ERR("\n# nothing\n\n", 0, 0, "patch has no 'out' statement");
	ERR("create a saw\ncreate b saw\n", 0, 0, "patch has no 'out' statement");
	ERR("create a saw\nout a\nout a\n", 3, 1,
	    "second 'out' statement, expected exactly one (the first is on line 2)");
	ERR("create a saw\nout b\n", 2, 5,
	    "unknown module 'b', expected a module created on an earlier line");
	ERR("create abc saw\nout abd\n", 2, 5,
	    "unknown module 'abd', expected a module created on an earlier line (did you mean "
	    "'abc'?)");
	ERR("create a saw\nout a.level\n", 2, 6,
	    "unexpected '.' after end of statement, expected end of line");
	ERR("create a saw\nout note\n", 2, 5,
	    "unexpected 'note', expected a module name (note.* and ctl.* sources can only be the source of "
	    "a connect)");
}

/* ---- limits: at the limit passes, one over fails ------------------------ */

static void
add_modules(unsigned n)
{
	for (unsigned i = 0; i < n; ++i) {
		text_add("create m%u vca\n", i);
	}
}

static void
test_limits(void)
{
	/* Text size: pad a valid patch with comment lines to exactly the limit. */
	text_reset();
	text_add("create a saw\nout a\n");
	while (g_len + 1000 < PATCH_MAX_TEXT) {
		text_add("#%0998d\n", 0);
	}
	while (g_len < PATCH_MAX_TEXT) {
		text_add("\n");
	}
	CU_ASSERT_EQUAL(g_len, PATCH_MAX_TEXT);
	OK_BUF();
	text_add("\n");
	ERR_BUF(0, 0,
	        fmt("patch text is %u bytes, expected at most %u", PATCH_MAX_TEXT + 1,
	            PATCH_MAX_TEXT));

	/* Line length, with and without CR LF. */
	text_reset();
	text_add("create a saw\nout a\n#");
	for (unsigned i = 1; i < PATCH_MAX_LINE; ++i) {
		text_add("x");
	}
	OK_BUF();
	text_add("\r\n");
	OK_BUF();
	g_len -= 2;
	text_add("\n");
	OK_BUF();
	g_len -= 1;
	text_add("y\n");
	ERR_BUF(3, PATCH_MAX_LINE + 1,
	        fmt("line too long, expected at most %u bytes", PATCH_MAX_LINE));
	g_len -= 1;
	text_add("\r\n");
	ERR_BUF(3, PATCH_MAX_LINE + 1,
	        fmt("line too long, expected at most %u bytes", PATCH_MAX_LINE));

	/* Name length. */
	char name[PATCH_MAX_NAME + 2];
	memset(name, 'n', sizeof name);
	name[PATCH_MAX_NAME] = '\0';
	text_reset();
	text_add("create %s saw\nout %s\n", name, name);
	OK_BUF();
	CU_ASSERT_STRING_EQUAL(g_patch.modules[0].name, name);
	name[PATCH_MAX_NAME]     = 'n';
	name[PATCH_MAX_NAME + 1] = '\0';
	text_reset();
	text_add("create %s saw\nout %s\n", name, name);
	ERR_BUF(1, 8,
	        fmt("module name '%.40s' is too long, expected at most %u characters", name,
	            PATCH_MAX_NAME));

	/* Title length, counted after escapes. */
	char title[PATCH_MAX_TITLE + 2];
	memset(title, 't', sizeof title);
	title[PATCH_MAX_TITLE] = '\0';
	text_reset();
	text_add("patch \"\\\\%s\"\ncreate a saw\nout a\n", title + 1);
	OK_BUF();
	CU_ASSERT_EQUAL(strlen(g_patch.title), PATCH_MAX_TITLE);
	CU_ASSERT_EQUAL(g_patch.title[0], '\\');
	text_reset();
	text_add("patch \"%s\"\ncreate a saw\nout a\n", title);
	OK_BUF();
	CU_ASSERT_STRING_EQUAL(g_patch.title, title);
	title[PATCH_MAX_TITLE]     = 't';
	title[PATCH_MAX_TITLE + 1] = '\0';
	text_reset();
	text_add("patch \"%s\"\ncreate a saw\nout a\n", title);
	ERR_BUF(1, 7,
	        fmt("patch name '\"%.39s...' is too long, expected at most %u bytes", title,
	            PATCH_MAX_TITLE));

	/* Modules. */
	text_reset();
	add_modules(PATCH_MAX_MODULES);
	text_add("out m0\n");
	OK_BUF();
	CU_ASSERT_EQUAL(g_patch.n_modules, PATCH_MAX_MODULES);
	text_reset();
	add_modules(PATCH_MAX_MODULES + 1);
	ERR_BUF(PATCH_MAX_MODULES + 1, 1,
	        fmt("too many modules, expected at most %u", PATCH_MAX_MODULES));

	/* Connections: distinct pairs of distinct modules. */
	text_reset();
	add_modules(16);
	unsigned n = 0;
	for (unsigned i = 0; i < 16 && n < PATCH_MAX_CONNECTIONS; ++i) {
		for (unsigned j = 0; j < 16 && n < PATCH_MAX_CONNECTIONS; ++j) {
			if (i != j) {
				text_add("connect m%u m%u\n", i, j);
				++n;
			}
		}
	}
	text_add("out m0\n");
	OK_BUF();
	CU_ASSERT_EQUAL(g_patch.n_connections, PATCH_MAX_CONNECTIONS);
	g_len -= strlen("out m0\n");
	text_add("connect m15 m14\n");
	ERR_BUF(16 + PATCH_MAX_CONNECTIONS + 1, 1,
	        fmt("too many connections, expected at most %u", PATCH_MAX_CONNECTIONS));

	/* Settings. */
	text_reset();
	add_modules(2);
	for (unsigned i = 0; i < PATCH_MAX_SETTINGS; ++i) {
		text_add("set m%u.gain %g\n", i % 2, i / (double)PATCH_MAX_SETTINGS);
	}
	text_add("out m0\n");
	OK_BUF();
	CU_ASSERT_EQUAL(g_patch.n_settings, PATCH_MAX_SETTINGS);
	CU_ASSERT_EQUAL(g_patch.settings[PATCH_MAX_SETTINGS - 1].module, 1);
	g_len -= strlen("out m0\n");
	text_add("set m0.gain 0\n");
	ERR_BUF(2 + PATCH_MAX_SETTINGS + 1, 1,
	        fmt("too many settings, expected at most %u", PATCH_MAX_SETTINGS));

	/* Macro bindings, over every knob. */
	text_reset();
	add_modules(2);
	for (unsigned i = 0; i < PATCH_MAX_MACROS; ++i) {
		text_add("macro %u m%u.gain 0 1\n", 1 + i % PATCH_MACRO_KNOBS, i % 2);
	}
	text_add("out m0\n");
	OK_BUF();
	CU_ASSERT_EQUAL(g_patch.n_macros, PATCH_MAX_MACROS);
	CU_ASSERT_EQUAL(g_patch.macros[PATCH_MACRO_KNOBS - 1].knob, PATCH_MACRO_KNOBS);
	g_len -= strlen("out m0\n");
	text_add("macro 1 m0.gain 0 1\n");
	ERR_BUF(2 + PATCH_MAX_MACROS + 1, 1,
	        fmt("too many macro bindings, expected at most %u", PATCH_MAX_MACROS));

	/* Knobs and depth at their bounds are in the error tests above. */
}

/* ---- the documentation ------------------------------------------------- */

static char*
read_doc(size_t* len)
{
	char        path[4096];
	const char* dir = getenv("CHRONUS_SOURCE_DIR");
	snprintf(path, sizeof path, "%s%sdocs/patch-language.md", dir ? dir : "", dir ? "/" : "");
	FILE* f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	char*  buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap      = cap ? cap * 2 : 65536;
			char* nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		const size_t k = fread(buf + n, 1, 4096, f);
		n += k;
		if (k == 0) {
			break;
		}
	}
	fclose(f);
	buf[n] = '\0';
	*len   = n;
	return buf;
}

static void
test_doc_examples(void)
{
	size_t len = 0;
	char*  doc = read_doc(&len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	unsigned    blocks = 0;
	const char* p      = doc;
	while ((p = strstr(p, "```chronus\n")) != NULL) {
		const char* body = p + strlen("```chronus\n");
		const char* end  = strstr(body, "\n```");
		CU_ASSERT_PTR_NOT_NULL_FATAL(end);
		++blocks;
		const bool ok = parse_n(body, (size_t)(end - body) + 1);
		char       desc[512];
		snprintf(desc, sizeof desc, "docs example %u: %s", blocks, g_err.message);
		CU_assertImplementation(ok, __LINE__, ok ? "docs example parses" : desc, __FILE__,
		                        "", CU_FALSE);
		p = end + 4;
	}
	CU_ASSERT(blocks >= 4);

	/* The limits table quotes every constant of src/patch.h with its value. */
	static const struct {
		const char* name;
		double      value;
	} limits[] = {
	        {"PATCH_MAX_TEXT", PATCH_MAX_TEXT},
	        {"PATCH_MAX_LINE", PATCH_MAX_LINE},
	        {"PATCH_MAX_NAME", PATCH_MAX_NAME},
	        {"PATCH_MAX_TITLE", PATCH_MAX_TITLE},
	        {"PATCH_MAX_MODULES", PATCH_MAX_MODULES},
	        {"PATCH_MAX_CONNECTIONS", PATCH_MAX_CONNECTIONS},
	        {"PATCH_MAX_SETTINGS", PATCH_MAX_SETTINGS},
	        {"PATCH_MAX_MACROS", PATCH_MAX_MACROS},
	        {"PATCH_MACRO_KNOBS", PATCH_MACRO_KNOBS},
	        {"PATCH_MAX_KNOB_NAME", PATCH_MAX_KNOB_NAME},
	        {"PATCH_MAX_DEPTH", PATCH_MAX_DEPTH},
	        {"PATCH_MAX_CTLS", PATCH_MAX_CTLS},
	        {"PATCH_MAX_BEND", PATCH_MAX_BEND},
	        {"PATCH_MAX_GLIDE_MS", PATCH_MAX_GLIDE_MS},
	};
	for (size_t k = 0; k < sizeof limits / sizeof limits[0]; ++k) {
		char        row[128];
		const char* at = strstr(doc, fmt("`%s`", limits[k].name));
		CU_ASSERT_PTR_NOT_NULL(at);
		if (at) {
			const char* eol = strchr(at, '\n');
			snprintf(row, sizeof row, "%.*s", (int)(eol ? eol - at : 64), at);
			CU_ASSERT_PTR_NOT_NULL(strstr(row, fmt("| %.0f ", limits[k].value)));
		}
	}
	free(doc);
}

/* ---- hostile input ----------------------------------------------------- */

static uint64_t g_rng = 0x9e3779b97f4a7c15u;

static uint32_t
rnd(void)
{
	/* xorshift64*: fixed seed, same sequence on every platform. */
	g_rng ^= g_rng >> 12;
	g_rng ^= g_rng << 25;
	g_rng ^= g_rng >> 27;
	return (uint32_t)((g_rng * 0x2545f4914f6cdd1du) >> 32);
}

static unsigned g_fuzz_ok, g_fuzz_err;

/* Whatever came in: success with a consistent patch, or an error whose
 * message starts with its own position. */
static void
check_outcome(const char* text, size_t len)
{
	memset(&g_err, 0xa5, sizeof g_err);
	if (parse_n(text, len)) {
		++g_fuzz_ok;
		const Patch* p = &g_patch;
		CU_ASSERT(p->n_modules <= PATCH_MAX_MODULES);
		CU_ASSERT(p->n_connections <= PATCH_MAX_CONNECTIONS);
		CU_ASSERT(p->n_settings <= PATCH_MAX_SETTINGS);
		CU_ASSERT(p->n_macros <= PATCH_MAX_MACROS);
		CU_ASSERT(p->out_module >= 0 && (unsigned)p->out_module < p->n_modules);
		for (unsigned i = 0; i < p->n_connections; ++i) {
			const PatchConnection* c = &p->connections[i];
			CU_ASSERT(c->dst_module >= 0 && (unsigned)c->dst_module < p->n_modules);
			CU_ASSERT(c->src_module != c->dst_module);
			CU_ASSERT(fabsf(c->depth) <= PATCH_MAX_DEPTH);
			if (c->dst_module >= 0 && (unsigned)c->dst_module < p->n_modules) {
				const ModuleType* t = p->modules[c->dst_module].type;
				CU_ASSERT(c->dst_index <
				          (c->dst_kind == DST_INPUT ? t->n_inputs : t->n_params));
			}
		}
		for (unsigned i = 0; i < p->n_settings; ++i) {
			const PatchSetting* s  = &p->settings[i];
			const ParamSpec*    sp = &p->modules[s->module].type->params[s->param];
			CU_ASSERT(s->value >= sp->min && s->value <= sp->max);
		}
		return;
	}
	++g_fuzz_err;
	const char*  nul = memchr(g_err.message, '\0', sizeof g_err.message);
	const size_t ml  = nul ? (size_t)(nul - g_err.message) : sizeof g_err.message;
	CU_ASSERT_FATAL(ml > 0 && ml < sizeof g_err.message);
	if (g_err.line > 0) {
		char prefix[64];
		snprintf(prefix, sizeof prefix, "line %u, col %u: ", g_err.line, g_err.col);
		CU_ASSERT(strncmp(g_err.message, prefix, strlen(prefix)) == 0);
		CU_ASSERT(g_err.col >= 1 && g_err.col <= PATCH_MAX_LINE + 1);
	} else {
		CU_ASSERT(g_err.col == 0);
	}
	for (size_t i = 0; i < ml; ++i) {
		CU_ASSERT((unsigned char)g_err.message[i] >= 0x20 || g_err.message[i] == '\t');
	}
}

static void
test_fuzz_bytes(void)
{
	static const char alphabet[] = "abcnotesawvcf.0123456789-+eE \t\n\r\"\\#_.x";
	char              buf[600];
	g_fuzz_ok = g_fuzz_err = 0;
	for (unsigned it = 0; it < 20000; ++it) {
		const size_t len = rnd() % sizeof buf;
		for (size_t i = 0; i < len; ++i) {
			const uint32_t r = rnd();
			buf[i]           = (r & 3) ? alphabet[(r >> 2) % (sizeof alphabet - 1)]
			                           : (char)(r >> 8);
		}
		check_outcome(buf, len);
	}
	/* Mutations of a valid patch reach deep into validation. */
	const size_t base = strlen(acid);
	for (unsigned it = 0; it < 20000; ++it) {
		size_t len = base;
		memcpy(buf, acid, base);
		const unsigned edits = 1 + rnd() % 4;
		for (unsigned e = 0; e < edits && len > 0; ++e) {
			const size_t   at = rnd() % len;
			const uint32_t r  = rnd();
			switch (r % 3) {
			case 0: buf[at] = (char)(r >> 8); break;
			case 1:
				memmove(buf + at, buf + at + 1, len - at - 1);
				--len;
				break;
			default:
				if (len < sizeof buf) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = alphabet[(r >> 8) % (sizeof alphabet - 1)];
					++len;
				}
			}
		}
		check_outcome(buf, len);
	}
	CU_ASSERT(g_fuzz_ok > 0); /* some mutations leave the patch valid */
	CU_ASSERT(g_fuzz_err > 0);
}

static void
test_fuzz_tokens(void)
{
	static const char* const words[] = {
	        "patch", "create", "connect",  "set",     "macro", "out", "master", "note", ".",
	        "pitch", "gate",   "velocity", "a",       "b",     "c",   "osc",    "lin",  "exp",
	        "0",     "1",      "8",        "9",       "-1",    "0.5", "1e6",    "1e7",  "1e39",
	        "-0",    "\"t\"",  "\"",       "\"\\q\"", "#",     "x-y", "1.2.3",  "\t",   "\r"};
	static const char* names[512];
	unsigned           n_names = 0;
	for (size_t k = 0; k < sizeof words / sizeof words[0]; ++k) {
		names[n_names++] = words[k];
	}
	/* Every type, input, parameter and choice name the registry knows. */
	for (unsigned i = 0; i < module_registry_count() && n_names < 500; ++i) {
		const ModuleType* t = module_registry_at(i);
		names[n_names++]    = t->name;
		for (unsigned k = 0; k < t->n_inputs && n_names < 500; ++k) {
			names[n_names++] = t->inputs[k].name;
		}
		for (unsigned k = 0; k < t->n_params && n_names < 500; ++k) {
			names[n_names++] = t->params[k].name;
			for (unsigned c = 0;
			     t->params[k].choices && t->params[k].choices[c] && n_names < 500;
			     ++c) {
				names[n_names++] = t->params[k].choices[c];
			}
		}
	}
	static const char* const verbs[] = {"create", "connect", "set", "macro", "out", "patch"};
	g_fuzz_ok = g_fuzz_err = 0;
	for (unsigned it = 0; it < 20000; ++it) {
		text_reset();
		const unsigned lines = 1 + rnd() % 24;
		for (unsigned l = 0; l < lines; ++l) {
			if (rnd() % 8 == 0) {
				text_add("create %s %s\n", names[12 + rnd() % 4],
				         module_registry_at(rnd() % module_registry_count())->name);
				continue;
			}
			text_add("%s", rnd() % 5 ? verbs[rnd() % 6] : names[rnd() % n_names]);
			const unsigned toks = rnd() % 7;
			for (unsigned k = 0; k < toks; ++k) {
				const uint32_t r = rnd();
				text_add("%s%s",
				         (r & 3)   ? " "
				         : (r & 4) ? "."
				                   : "",
				         names[(r >> 3) % n_names]);
			}
			text_add("%s", rnd() % 16 ? "\n" : "\r\n");
		}
		if (rnd() % 2) {
			text_add("out %s\n", names[12 + rnd() % 4]);
		}
		check_outcome(g_text, g_len);
	}
	CU_ASSERT(g_fuzz_ok > 0);
	CU_ASSERT(g_fuzz_err > 0);

	/* Pathological shapes: long runs of one character. */
	static const char fill[] = ".\"#\n\t\r\\-9ae";
	for (size_t k = 0; k < sizeof fill - 1; ++k) {
		memset(g_text, fill[k], PATCH_MAX_TEXT);
		check_outcome(g_text, PATCH_MAX_TEXT);
		check_outcome(g_text, PATCH_MAX_LINE);
	}
	CU_ASSERT_FALSE(patch_parse(NULL, 0, &g_patch, &g_err));
	CU_ASSERT_STRING_EQUAL(g_err.message, "patch has no 'out' statement");
}

/* One "did you mean" rule (suggest.h) for module types, inputs and
 * parameters: synonyms a newcomer types get the module meant, a typo of
 * one edit gets the word, and a word close to nothing gets no
 * suggestion (pan, seq and fm are not saw or lfo). */
static void
test_did_you_mean(void)
{
	static const struct {
		const char* typed;
		const char* meant; /* NULL: no suggestion */
	} types[] = {
		{"env", "adsr"},     {"envelope", "adsr"}, {"pulse", "square"}, {"filter", "svf"},
		{"Filter", "svf"},   {"vcf", "ladder"},    {"amp", "vca"},      {"sawtooth", "saw"},
		{"sinewave", "sine"}, {"swa", "saw"},      {"trinagle", "triangle"}, {"sqare", "square"},
		{"lfo2", "lfo"},     {"ladr", NULL},       {"panner", "pan"},       {"seq", "eq"},
		{"fm", NULL},        {"vocoder", NULL},    {"xyzzy", NULL},     {"granular", NULL},
	};
	for (unsigned i = 0; i < sizeof types / sizeof types[0]; ++i) {
		const char* got = module_registry_suggest(types[i].typed, strlen(types[i].typed));
		CU_ASSERT(types[i].meant ? got && !strcmp(got, types[i].meant) : got == NULL);
		if (types[i].meant ? !got || strcmp(got, types[i].meant) : got != NULL) {
			printf("\n  '%s' suggests '%s', expected '%s'\n", types[i].typed, got ? got : "(none)",
			       types[i].meant ? types[i].meant : "(none)");
		}
	}
	/* The messages, for a type, an input and a parameter. */
	ERR("create e env\n", 1, 10, "unknown module type 'env' (did you mean 'adsr'?)");
	ERR("create o pulse\n", 1, 10, "unknown module type 'pulse' (did you mean 'square'?)");
	ERR("create f filter\n", 1, 10, "unknown module type 'filter' (did you mean 'svf'?)");
	ERR("create p panner\n", 1, 10, "unknown module type 'panner' (did you mean 'pan'?)");
	ERR("create s seq\n", 1, 10, "unknown module type 'seq' (did you mean 'eq'?)"); /* one letter more: the rule offers it */
	ERR("create f fm\n", 1, 10, "unknown module type 'fm', expected a type from docs/modules.md");
	ERR("create o saw\ncreate a vca\nconnect o a.gian\n", 3, 13,
	    "unknown port 'gian' of module 'a' (vca) (did you mean 'gain'?)");
	ERR("create o saw\ncreate a vca\nconnect o a.pan\n", 3, 13,
	    "unknown port 'pan' of module 'a' (vca), expected one of in, vel, gain, velocity");
	ERR("create o saw\nset o.levl 0.5\n", 2, 7,
	    "unknown parameter 'levl' of module 'o' (saw) (did you mean 'level'?)");
	CU_ASSERT(!parse_n("create o saw\nset o.fm 0.5\n", 25) && !strstr(g_err.message, "did you mean"));
}

/* The expression statements and sources, field by field: voice mode,
 * priority, glide options, bend range and its defaults; controllers listed
 * once whatever name reaches them; master modules may read them. */
static void
test_expression_forms(void)
{
	static const char text[] = "voice legato\npriority high\nglide 50 rate legato\nbend 3 7\n"
	                           "create o saw\ncreate d drive master\nconnect o d\n"
	                           "connect ctl.modwheel o.pitch 0.5\nconnect ctl.cc1 o.level\n"
	                           "connect ctl.aftertouch d.gain 2\nconnect ctl.bend o.fine 50\n"
	                           "connect note.key o.level 0.001\nconnect note.pressure o.pitch\nout d\n";
	check_ok(__LINE__, text, sizeof text - 1);
	const Patch* p = &g_patch;
	CU_ASSERT_EQUAL(p->voicing.mode, VOICE_MODE_LEGATO);
	CU_ASSERT_EQUAL(p->voicing.priority, PRIORITY_HIGH);
	CU_ASSERT_EQUAL(p->voicing.glide_ms, 50.0f);
	CU_ASSERT(p->voicing.glide_rate && p->voicing.glide_legato);
	CU_ASSERT_EQUAL(p->voicing.bend_up, 3.0f);
	CU_ASSERT_EQUAL(p->voicing.bend_down, 7.0f);
	CU_ASSERT_EQUAL(p->n_ctls, 3u); /* cc1 twice (modwheel, cc1), aftertouch, bend */
	CU_ASSERT(p->ctls[0] == 1 && p->ctls[1] == CTL_AFTERTOUCH && p->ctls[2] == CTL_BEND);
	CU_ASSERT(p->connections[1].src_ctl == 1 && p->connections[1].src_module == -1);
	CU_ASSERT(p->connections[5].src_ctl == -1 && p->connections[5].src_note == NOTE_SRC_KEY);
	CU_ASSERT_EQUAL(p->connections[6].src_note, NOTE_SRC_PRESSURE);
	CU_ASSERT(p->voicing.unison == 1 && p->voicing.unison_cents == 0.0f); /* no statement: one voice */

	check_ok(__LINE__, "unison 7 25\ncreate o saw\nconnect note.unison o.fine 3\nout o\n", 60);
	CU_ASSERT(g_patch.voicing.unison == 7 && g_patch.voicing.unison_cents == 25.0f);
	CU_ASSERT_EQUAL(g_patch.connections[0].src_note, NOTE_SRC_UNISON);
	check_ok(__LINE__, "unison 16\ncreate o saw\nout o\n", 29);
	CU_ASSERT(g_patch.voicing.unison == 16 && g_patch.voicing.unison_cents == 0.0f);

	check_ok(__LINE__, "glide 20 legato time\nbend 12\ncreate o saw\nout o\n", 48);
	CU_ASSERT(!g_patch.voicing.glide_rate && g_patch.voicing.glide_legato);
	CU_ASSERT(g_patch.voicing.bend_up == 12.0f && g_patch.voicing.bend_down == 12.0f);
	CU_ASSERT_EQUAL(g_patch.voicing.mode, VOICE_MODE_POLY);
	check_ok(__LINE__, "create o saw\nout o\n", 19);
	CU_ASSERT(g_patch.voicing.bend_up == 2.0f && g_patch.voicing.bend_down == 2.0f && g_patch.voicing.glide_ms == 0.0f);
	CU_ASSERT_EQUAL(g_patch.n_ctls, 0u);
}

int
suite_patch_parse(void)
{
	CU_pSuite s = CU_add_suite("patch_parse", NULL, NULL);
	if (!s) {
		return 1;
	}
	static const struct {
		const char* name;
		void (*fn)(void);
	} tests[] = {
	        {"valid: the design's acid patch, field by field", test_acid_ast},
	        {"valid: every statement form, CR LF, comments", test_valid_forms},
	        {"valid: expression statements and sources", test_expression_forms},
	        {"numbers: as strtod in the C locale, any locale", test_numbers},
	        {"errors: lexical (strings, NUL, numbers)", test_lexical_errors},
	        {"errors: statements, missing and extra words", test_statement_errors},
	        {"errors: patch", test_patch_errors},
	        {"errors: create", test_create_errors},
	        {"errors: connect", test_connect_errors},
	        {"errors: set", test_set_errors},
	        {"errors: macro", test_macro_errors},
	        {"knob names: macro <knob> \"Name\"", test_knob_names},
	        {"errors: out", test_out_errors},
	        {"errors: one did-you-mean rule for types, inputs, parameters", test_did_you_mean},
	        {"limits: at the limit passes, one over fails", test_limits},
	        {"docs: every example parses, limits quoted", test_doc_examples},
	        {"fuzz: random and mutated bytes", test_fuzz_bytes},
	        {"fuzz: random token sequences", test_fuzz_tokens},
	};
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; ++i) {
		if (!CU_add_test(s, tests[i].name, tests[i].fn)) {
			return 1;
		}
	}
	return 0;
}
