/* SPDX-License-Identifier: ISC
 *
 * Scala scales and keyboard maps (src/tuning.c): three published scales
 * give the pitches their definitions say, within 0.01 cent (12-EDO through
 * the default map is the identity; 19-EDO steps of 1200/19 cents; a just
 * major scale with a .kbm that puts its root on D and tunes A to 440 Hz
 * and leaves the keys outside D major unmapped), and every malformed file is
 * refused with its line and column.
 */
#include "suites.h"
#include "tuning.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

#define CENT 0.01 /* semitones per cent */

static bool
parse_scale(const char* text, Scale* s, PatchError* err)
{
	return scale_parse(text, strlen(text), s, err);
}

static bool
parse_map(const char* text, KeyMap* m, PatchError* err)
{
	return keymap_parse(text, strlen(text), m, err);
}

/* The worst difference, in cents, between the table and want(key) over
 * the mapped keys; counts the unmapped ones. */
static double
worst_cents(const Tuning* t, double (*want)(int), unsigned* unmapped)
{
	double worst = 0.0;
	*unmapped    = 0;
	for (int k = 0; k < TUNING_KEYS; ++k) {
		const double w = want(k);
		if (isnan(w) || isnan(t->note[k])) {
			*unmapped += isnan(t->note[k]);
			if (isnan(w) != isnan(t->note[k])) {
				worst = INFINITY;
			}
			continue;
		}
		worst = fmax(worst, fabs((double)t->note[k] - w) * 100.0);
	}
	return worst;
}

/* 12-tet.scl as the Scala archive has it (cents, a '!' header). */
static const char* const edo12 = "! 12-tet.scl\n!\n12 tone equal temperament\n12\n!\n"
                                 " 100.0\n 200.\n 300.\n 400.\n 500.\n 600.\n 700.\n 800.\n 900.\n"
                                 " 1000.\n 1100.\n 2/1\n";

static double
want_identity(int k)
{
	return k;
}

static void
test_edo12_is_identity(void)
{
	Scale      s;
	KeyMap     m;
	Tuning     t;
	PatchError err = {0};
	CU_ASSERT_TRUE_FATAL(parse_scale(edo12, &s, &err));
	CU_ASSERT_EQUAL(s.n, 12u);
	CU_ASSERT_STRING_EQUAL(s.description, "12 tone equal temperament");
	keymap_linear(&m, 60, 440.0 * pow(2.0, -9.0 / 12.0));
	CU_ASSERT_TRUE_FATAL(tuning_build(&s, &m, &t, &err));
	unsigned     unmapped;
	const double worst = worst_cents(&t, want_identity, &unmapped);
	printf("\n  12-EDO through the default map (key 60 at 261.6256 Hz): worst %.2g cent from the keys\n", worst);
	CU_ASSERT(worst < 0.01);
	CU_ASSERT_EQUAL(unmapped, 0u);
	/* The same from A4 = 440 Hz as the reference. */
	keymap_linear(&m, 69, 440.0);
	CU_ASSERT_TRUE_FATAL(tuning_build(&s, &m, &t, &err));
	CU_ASSERT(worst_cents(&t, want_identity, &unmapped) < 0.01);
}

static double
want_edo19(int k)
{
	return 60.0 + (k - 60) * (1200.0 / 19.0) / 100.0;
}

/* 19-EDO as a .scl text (shared with test_voices.c): written as ratios
 * it would be irrational, so the archive gives cents, and the period 2/1
 * as a ratio. */
const char*
tuning_edo19_scl(void)
{
	static char text[1024];
	size_t      n = (size_t)snprintf(text, sizeof text, "! 19-tet.scl\n19-EDO\n 19\n");
	for (int i = 1; i < 19; ++i) {
		n += (size_t)snprintf(text + n, sizeof text - n, "%.5f\n", i * 1200.0 / 19.0);
	}
	snprintf(text + n, sizeof text - n, "2/1\n");
	return text;
}

/* Key 60 stays at middle C. */
static void
test_edo19(void)
{
	const char* text = tuning_edo19_scl();
	Scale      s;
	KeyMap     m;
	Tuning     t;
	PatchError err = {0};
	CU_ASSERT_TRUE_FATAL(parse_scale(text, &s, &err));
	keymap_linear(&m, 60, 440.0 * pow(2.0, -9.0 / 12.0));
	CU_ASSERT_TRUE_FATAL(tuning_build(&s, &m, &t, &err));
	unsigned     unmapped;
	const double worst = worst_cents(&t, want_edo19, &unmapped);
	printf("  19-EDO: worst %.2g cent from 1200/19 cent steps; key 79 at %.3f (a 19-EDO octave above 60)\n",
	       worst, (double)t.note[79]);
	CU_ASSERT(worst < 0.01);
	CU_ASSERT(fabs(t.note[79] - 72.0) < 0.0001);
}

/* A just major scale (Ptolemy's intense diatonic) with a keyboard map:
 * the keys of D major play it, degree 0 on D (62), A4 (69, the fifth 3/2)
 * at 440 Hz; the other keys are unmapped. */
static const char* const just_major = "! ptolemy.scl\nPtolemy's intense diatonic\n7\n"
                                      "9/8\n5/4\n4/3\n3/2 ! the fifth\n5/3\n15/8\n2/1\n";
static const char* const d_map      = "! D major keys\n12\n0\n127\n62\n69\n440.0\n7\n"
                                      "0\nx\n1\nx\n2\n3\nx\n4\nx\n5\nx\n6\n";

static const double just[] = {1.0, 9.0 / 8, 5.0 / 4, 4.0 / 3, 3.0 / 2, 5.0 / 3, 15.0 / 8};
/* Keys from D: D . E . F# G . A . B . C# (the map above). */
static const int degree_from_d[12] = {0, -1, 1, -1, 2, 3, -1, 4, -1, 5, -1, 6};

static double
want_just(int k)
{
	const int rel = k - 62;
	const int oct = rel >= 0 ? rel / 12 : -((11 - rel) / 12);
	const int d   = degree_from_d[rel - oct * 12];
	if (d < 0) {
		return NAN;
	}
	const double d_hz = 440.0 / 1.5; /* A is the fifth above D */
	const double hz   = d_hz * pow(2.0, oct) * just[d];
	return 69.0 + 12.0 * log2(hz / 440.0);
}

static void
test_just_with_keyboard_map(void)
{
	Scale      s;
	KeyMap     m;
	Tuning     t;
	PatchError err = {0};
	CU_ASSERT_TRUE_FATAL(parse_scale(just_major, &s, &err));
	CU_ASSERT_TRUE_FATAL(parse_map(d_map, &m, &err));
	CU_ASSERT_EQUAL(m.size, 12u);
	CU_ASSERT_EQUAL(m.middle, 62);
	CU_ASSERT_TRUE_FATAL(tuning_build(&s, &m, &t, &err));
	unsigned     unmapped;
	const double worst = worst_cents(&t, want_just, &unmapped);
	printf("  just major on D, A4 = 440 Hz: worst %.2g cent; F#4 (66) %.4f, 5/4 above D = %.4f; %u keys unmapped\n",
	       worst, (double)t.note[66], want_just(66), unmapped);
	CU_ASSERT(worst < 0.01);
	CU_ASSERT(fabs(t.note[69] - 69.0) < 1e-4);
	CU_ASSERT_EQUAL(unmapped, 53u); /* the five keys out of D major in every twelve, 0..127 */
	CU_ASSERT(isnan(t.note[63]));
}

/* Every refusal names its line and column, through the patch language's
 * one formatter. */
static void
test_errors_have_line_and_col(void)
{
	static const struct {
		const char* text;
		bool        map;
		const char* want;
	} bad[] = {
	        {"", false, "an empty scale file"},
	        {"only a description\n", false, "number of pitches is missing"},
	        {"desc\ntwelve\n", false, "line 2, col 1: expected the number of pitches"},
	        {"desc\n0\n", false, "line 2, col 1: a scale of 0 pitches"},
	        {"desc\n2\n100.0\n", false, "says 2 pitches but holds 1"},
	        {"desc\n2\n100.0\n  3/0\n", false, "line 4, col 3: a ratio of 3/0"},
	        {"desc\n1\n-3/2\n", false, "line 3, col 1: '-3/2' is no pitch"},
	        {"desc\n1\n1e3\n", false, "line 3, col 1: '1e3' is no pitch"},
	        {"desc\n1\nabc.5\n", false, "line 3, col 1: 'abc.5' is no pitch in cents"},
	        {"desc\n1\n-100.0\n", false, "the period and must be above 1/1"},
	        {"12\n0\n127\n60\n69\n", true, "ends before the reference frequency"},
	        {"12\n0\n127\n60\n69\n0.0\n12\n", true, "line 6, col 1: expected the reference frequency"},
	        {"12\n0\n128\n60\n69\n440\n12\n", true, "line 3, col 1: expected the last key to retune"},
	        {"12\n90\n10\n60\n69\n440\n12\n", true, "first key to retune (90) is above the last (10)"},
	        {"! c\n1\n0\n127\n60\n69\n440\n1\n  y\n", true, "line 9, col 3: expected a scale degree"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
		PatchError err = {0};
		Scale      s;
		KeyMap     m;
		const bool ok  = bad[i].map ? parse_map(bad[i].text, &m, &err) : parse_scale(bad[i].text, &s, &err);
		const bool has = strstr(err.message, bad[i].want) != NULL;
		if (ok || !has) {
			printf("\n  case %zu: %s, message \"%s\", want \"%s\"", i, ok ? "accepted" : "refused", err.message,
			       bad[i].want);
		}
		CU_ASSERT_FALSE(ok);
		CU_ASSERT_TRUE(has);
	}
	/* The reference key unmapped: the map parses, the table is refused. */
	Scale      s;
	KeyMap     m;
	Tuning     t;
	PatchError err = {0};
	CU_ASSERT_TRUE_FATAL(parse_scale(just_major, &s, &err));
	CU_ASSERT_TRUE_FATAL(parse_map("12\n0\n127\n62\n63\n440.0\n7\n0\nx\n1\n2\nx\n3\nx\n4\nx\n5\n6\nx\n", &m, &err));
	CU_ASSERT_FALSE(tuning_build(&s, &m, &t, &err));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "reference key 63 is unmapped"));
}

/* What Scala tolerates, Chronus reads: CRLF line ends, text after a
 * value, blank lines between pitches, a short map (the rest unmapped),
 * a whole number for 2/1, an empty description. */
static void
test_tolerated_forms(void)
{
	Scale      s;
	KeyMap     m;
	PatchError err = {0};
	CU_ASSERT_TRUE_FATAL(parse_scale("\r\n 3\r\n 400.0 cents\r\n\r\n 5/3 a sixth\r\n 2\r\n", &s, &err));
	CU_ASSERT_EQUAL(s.n, 3u);
	CU_ASSERT_STRING_EQUAL(s.description, "");
	CU_ASSERT(fabs(s.cents[2] - 1200.0 * log2(5.0 / 3.0)) < 1e-9);
	CU_ASSERT(fabs(s.cents[3] - 1200.0) < 1e-9);
	CU_ASSERT_TRUE_FATAL(parse_map("4\n0\n127\n60\n60\n261.6\n3\n0\n1\n", &m, &err));
	CU_ASSERT_EQUAL(m.map[1], 1);
	CU_ASSERT_EQUAL(m.map[2], TUNING_UNMAPPED);
	CU_ASSERT_EQUAL(m.map[3], TUNING_UNMAPPED);
}

int
suite_tuning(void)
{
	CU_pSuite s = CU_add_suite("tuning", NULL, NULL);
	return !s || !CU_add_test(s, "12-EDO through the default map is the identity", test_edo12_is_identity) ||
	       !CU_add_test(s, "19-EDO: steps of 1200/19 cents", test_edo19) ||
	       !CU_add_test(s, "a just scale with a keyboard map: root on D, A at 440 Hz, other keys unmapped",
	                    test_just_with_keyboard_map) ||
	       !CU_add_test(s, "malformed scales and maps: refused with line and column", test_errors_have_line_and_col) ||
	       !CU_add_test(s, "what Scala tolerates is read", test_tolerated_forms);
}
