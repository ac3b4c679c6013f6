/* SPDX-License-Identifier: ISC
 *
 * chronusctl's text side (tools/osc_args.c): how words are typed, how a
 * line splits into words with quotes and escapes, every refusal with its
 * column, and the reply printer reading back as what it printed. Then the
 * built program itself (build/chronusctl) against an OSC server in this
 * process that answers /echo with its arguments, /fail with /error and
 * /drip with three replies 250 ms apart: what it prints, and its exit
 * status.
 */
#define _GNU_SOURCE
#include "osc_args.h"
#include "suites.h"

#include <CUnit/CUnit.h>
#include <lo/lo.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static OscArg
word(const char* text)
{
	OscArg   a   = {0};
	OscError err = {0};
	if (!osc_arg_from_word(text, &a, &err)) {
		a.type = (OscArgType)0;
	}
	return a;
}

static void
test_words_are_typed(void)
{
	static const struct {
		const char* text;
		char        type;
	} cases[] = {{"12", 'i'}, {"-7", 'i'}, {"+3", 'i'}, {"0", 'i'}, {"0.5", 'f'}, {".5", 'f'}, {"5.", 'f'},
	             {"1e3", 'f'}, {"-2.5E-2", 'f'}, {"saw", 's'}, {"1,5", 's'}, {"0x10", 's'}, {"-", 's'},
	             {".", 's'}, {"1e", 's'}, {"e3", 's'}, {"inf", 's'}, {"nan", 's'}, {"i:12", 'i'},
	             {"f:2", 'f'}, {"s:12", 's'}, {"s:", 's'}, {"x:1", 's'}, {"/a/b", 's'}};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
		OscArg a = word(cases[k].text);
		if ((char)a.type != cases[k].type) {
			printf("\n  '%s' typed '%c', not '%c'", cases[k].text, a.type ? (char)a.type : '!', cases[k].type);
		}
		CU_ASSERT_EQUAL((char)a.type, cases[k].type);
		osc_arg_free(&a);
	}
	OscArg a = word("i:-2147483648");
	CU_ASSERT(a.type == OSC_ARG_INT && a.i == INT32_MIN);
	a = word("2147483647");
	CU_ASSERT(a.type == OSC_ARG_INT && a.i == INT32_MAX);
	a = word("0.1");
	CU_ASSERT(a.type == OSC_ARG_FLOAT && a.f == 0.1f); /* correctly rounded */
	a = word("f:-3");
	CU_ASSERT(a.type == OSC_ARG_FLOAT && a.f == -3.0f);
	a = word("1e-50"); /* below the float range: zero, not an error */
	CU_ASSERT(a.type == OSC_ARG_FLOAT && a.f == 0.0f);
	a = word("s:12");
	CU_ASSERT_STRING_EQUAL(a.s, "12");
	osc_arg_free(&a);
	a = word("x:1");
	CU_ASSERT_STRING_EQUAL(a.s, "x:1");
	osc_arg_free(&a);
}

static void
test_bad_words_are_refused(void)
{
	static const struct {
		const char* text;
		const char* says;
		unsigned    column;
	} cases[] = {{"2147483648", "int32 range", 1}, {"-2147483649", "int32 range", 1},
	             {"i:99999999999999999999999", "int32 range", 3}, {"i:abc", "not an integer", 3},
	             {"i:1.5", "not an integer", 3}, {"i:", "not an integer", 3}, {"f:abc", "not a number", 3},
	             {"f:1,5", "not a number", 3}, {"1e39", "float range", 1}, {"f:-1e99", "float range", 3}};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
		OscArg   a   = {0};
		OscError err = {0};
		CU_ASSERT_FALSE(osc_arg_from_word(cases[k].text, &a, &err));
		CU_ASSERT_PTR_NOT_NULL(strstr(err.message, cases[k].says));
		CU_ASSERT_EQUAL(err.column, cases[k].column);
	}
}

/* Under a locale whose decimal mark is a comma, "0.5" is still a half and
 * "0,5" still a string. Skipped (and said) when no such locale exists. */
static void
test_numbers_ignore_the_locale(void)
{
	static const char* const names[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8", "fr_FR"};
	const char*              set     = NULL;
	char*                    old     = strdup(setlocale(LC_NUMERIC, NULL));
	for (size_t k = 0; k < sizeof names / sizeof names[0] && !set; ++k) {
		set = setlocale(LC_NUMERIC, names[k]) ? names[k] : NULL;
	}
	if (!set) {
		printf("\n  no de_DE or fr_FR locale on this machine: checked in the C locale only");
	} else {
		printf("\n  LC_NUMERIC %s: decimal mark '%s'", set, localeconv()->decimal_point);
	}
	OscArg a = word("0.5");
	CU_ASSERT(a.type == OSC_ARG_FLOAT && a.f == 0.5f);
	a = word("f:2.25e1");
	CU_ASSERT(a.type == OSC_ARG_FLOAT && a.f == 22.5f);
	a = word("0,5");
	CU_ASSERT(a.type == OSC_ARG_STRING);
	osc_arg_free(&a);
	setlocale(LC_NUMERIC, old);
	free(old);
}

static void
test_lines_split_into_words(void)
{
	OscLine  l;
	OscError err = {0};
	CU_ASSERT_EQUAL_FATAL(osc_line_parse("  /patch/create osc \"saw wave\" \"12\" i:\"12\" s:\"x y\"\r\n", &l, &err), 1);
	CU_ASSERT_STRING_EQUAL(l.address, "/patch/create");
	CU_ASSERT_EQUAL_FATAL(l.n_args, 5u);
	CU_ASSERT(l.args[0].type == OSC_ARG_STRING && !strcmp(l.args[0].s, "osc"));
	CU_ASSERT(l.args[1].type == OSC_ARG_STRING && !strcmp(l.args[1].s, "saw wave"));
	CU_ASSERT(l.args[2].type == OSC_ARG_STRING && !strcmp(l.args[2].s, "12")); /* quoted: a string */
	CU_ASSERT(l.args[3].type == OSC_ARG_INT && l.args[3].i == 12);             /* a prefix outside */
	CU_ASSERT(l.args[4].type == OSC_ARG_STRING && !strcmp(l.args[4].s, "x y"));
	osc_line_free(&l);

	CU_ASSERT_EQUAL_FATAL(osc_line_parse("/e \"q\\\"q\" \"b\\\\s\" \"n\\nl\\tt\" \"\\x41\" \"i:12\" a\"b c\"d \"\"", &l, &err), 1);
	CU_ASSERT_EQUAL_FATAL(l.n_args, 7u);
	CU_ASSERT_STRING_EQUAL(l.args[0].s, "q\"q");
	CU_ASSERT_STRING_EQUAL(l.args[1].s, "b\\s");
	CU_ASSERT_STRING_EQUAL(l.args[2].s, "n\nl\tt");
	CU_ASSERT_STRING_EQUAL(l.args[3].s, "A");
	CU_ASSERT_STRING_EQUAL(l.args[4].s, "i:12"); /* the prefix inside the quotes: text */
	CU_ASSERT_STRING_EQUAL(l.args[5].s, "ab cd");
	CU_ASSERT_STRING_EQUAL(l.args[6].s, "");
	osc_line_free(&l);

	CU_ASSERT_EQUAL(osc_line_parse("/engine/status", &l, &err), 1);
	CU_ASSERT_EQUAL(l.n_args, 0u);
	osc_line_free(&l);
	CU_ASSERT_EQUAL(osc_line_parse("", &l, &err), 0);
	CU_ASSERT_EQUAL(osc_line_parse(" \t\r\n", &l, &err), 0);
	CU_ASSERT_EQUAL(osc_line_parse("# /not/sent 1", &l, &err), 0);
	CU_ASSERT_EQUAL(osc_line_parse("   # indented", &l, &err), 0);

	const char* words[] = {"/mod/vcf/cutoff", "800", "a b"};
	CU_ASSERT_TRUE_FATAL(osc_line_from_words(words, 3, &l, &err));
	CU_ASSERT(l.n_args == 2 && l.args[0].type == OSC_ARG_INT && l.args[0].i == 800);
	CU_ASSERT(l.args[1].type == OSC_ARG_STRING && !strcmp(l.args[1].s, "a b")); /* the shell's quotes */
	osc_line_free(&l);
	const char* bad[] = {"/x", "1", "i:z"};
	CU_ASSERT_FALSE(osc_line_from_words(bad, 3, &l, &err));
	CU_ASSERT_EQUAL(err.word, 2u);
	const char* no_slash[] = {"x"};
	CU_ASSERT_FALSE(osc_line_from_words(no_slash, 1, &l, &err));
	CU_ASSERT_EQUAL(err.word, 0u);
}

static void
test_bad_lines_say_where(void)
{
	static const struct {
		const char* line;
		const char* says;
		unsigned    column;
	} cases[] = {{"/a \"open", "unterminated string", 4},
	             {"/a b \"x\\\"", "unterminated string", 6},
	             {"/a \"x\\q\"", "unknown escape '\\q'", 6},
	             {"/a \"\\x00\"", "NUL", 5},
	             {"/a \"\\x4\"", "unknown escape '\\x'", 5},
	             {"a/b 1", "does not begin with '/'", 1},
	             {"  1 2", "does not begin with '/'", 3},
	             {"\"/a b\" 1", "space or control character", 3},
	             {"/a 1 i:x", "not an integer", 8},
	             {"/a 99999999999", "int32 range", 4}};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
		OscLine  l;
		OscError err = {0};
		CU_ASSERT_EQUAL(osc_line_parse(cases[k].line, &l, &err), -1);
		if (!strstr(err.message, cases[k].says) || err.column != cases[k].column) {
			printf("\n  '%s': col %u \"%s\", expected col %u \"%s\"", cases[k].line, err.column, err.message,
			       cases[k].column, cases[k].says);
		}
		CU_ASSERT_PTR_NOT_NULL(strstr(err.message, cases[k].says));
		CU_ASSERT_EQUAL(err.column, cases[k].column);
		CU_ASSERT_PTR_NULL(l.address);
	}
}

static char*
printed(const char* s)
{
	char*  text = NULL;
	size_t len  = 0;
	FILE*  f    = open_memstream(&text, &len);
	osc_print_string(f, s);
	fclose(f);
	return text;
}

/* A reply's string, printed and read back as an argument, is the same
 * string: what chronusctl prints can be fed to it again. */
static void
test_printed_strings_read_back(void)
{
	static const struct {
		const char* s;
		const char* shown;
	} cases[] = {{"saw", "saw"}, {"/mod/vcf", "/mod/vcf"}, {"a b", "\"a b\""}, {"q\"", "\"q\\\"\""},
	             {"b\\s", "\"b\\\\s\""}, {"", "\"\""}, {"12", "\"12\""}, {"0.5", "\"0.5\""}, {"i:3", "\"i:3\""},
	             {"#x", "\"#x\""}, {"two\nlines", "\"two\\nlines\""}, {"bell\a", "\"bell\\x07\""},
	             {"{\"json\": 1}", "\"{\\\"json\\\": 1}\""}};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
		char* shown = printed(cases[k].s);
		CU_ASSERT_STRING_EQUAL(shown, cases[k].shown);
		char* line = NULL;
		CU_ASSERT_FATAL(asprintf(&line, "/r %s", shown) > 0);
		OscLine  l;
		OscError err = {0};
		CU_ASSERT_EQUAL_FATAL(osc_line_parse(line, &l, &err), 1);
		CU_ASSERT(l.n_args == 1 && l.args[0].type == OSC_ARG_STRING && !strcmp(l.args[0].s, cases[k].s));
		osc_line_free(&l);
		free(line);
		free(shown);
	}
}

/* ---- The program against a server in this process ---------------------- */

static lo_server_thread server;

static int
on_echo(const char* path, const char* types, lo_arg** argv, int argc, lo_message msg, void* user_data)
{
	(void)types, (void)argv, (void)argc, (void)user_data;
	lo_send_message_from(lo_message_get_source(msg), lo_server_thread_get_server(server), path, msg);
	return 0;
}

static int
on_fail(const char* path, const char* types, lo_arg** argv, int argc, lo_message msg, void* user_data)
{
	(void)types, (void)argv, (void)argc, (void)user_data;
	lo_send_from(lo_message_get_source(msg), lo_server_thread_get_server(server), LO_TT_IMMEDIATE, "/error", "ss",
	             path, "no such thing");
	return 0;
}

/* Three replies 250 ms apart: more than a 400 ms wait in all, so only a
 * wait that each reply restarts sees the third. */
static int
on_drip(const char* path, const char* types, lo_arg** argv, int argc, lo_message msg, void* user_data)
{
	(void)path, (void)types, (void)argv, (void)argc, (void)user_data;
	for (int k = 1; k <= 3; ++k) {
		if (k > 1) {
			usleep(250000);
		}
		lo_send_from(lo_message_get_source(msg), lo_server_thread_get_server(server), LO_TT_IMMEDIATE, "/drip",
		             "i", k);
	}
	return 0;
}

static int
setup_server(void)
{
	server = lo_server_thread_new_with_proto(NULL, LO_UDP, NULL);
	if (!server) {
		return 1;
	}
	lo_server_thread_add_method(server, "/echo", NULL, on_echo, NULL);
	lo_server_thread_add_method(server, "/fail", NULL, on_fail, NULL);
	lo_server_thread_add_method(server, "/drip", NULL, on_drip, NULL);
	return lo_server_thread_start(server) != 0;
}

static int
teardown_server(void)
{
	lo_server_thread_free(server);
	return 0;
}

/* The built program: $CHRONUS_BUILD_DIR/chronusctl, or next to the folder
 * this test program is in (build/tests/unit-tests). */
static char*
program(void)
{
	const char* dir = getenv("CHRONUS_BUILD_DIR");
	char*       path = NULL;
	if (dir) {
		return asprintf(&path, "%s/chronusctl", dir) < 0 ? NULL : path;
	}
	char    exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		return NULL;
	}
	exe[n]      = '\0';
	char* slash = strrchr(exe, '/');
	*slash      = '\0';
	return asprintf(&path, "%s/../chronusctl", exe) < 0 ? NULL : path;
}

/* Runs chronusctl with `args` (and stdin from the text `input` if not
 * NULL); its stdout into out, its exit status returned (-1 if it did not
 * run). */
static int
run_ctl(const char* args, const char* input, char* out, size_t size)
{
	char* exe = program();
	char  in_path[] = "/tmp/chronusctl-in-XXXXXX";
	if (input) {
		const int fd = mkstemp(in_path);
		if (fd < 0 || write(fd, input, strlen(input)) != (ssize_t)strlen(input)) {
			free(exe);
			return -1;
		}
		close(fd);
	}
	char* cmd = NULL;
	if (!exe || asprintf(&cmd, "'%s' -p %d %s%s%s", exe, lo_server_thread_get_port(server), args,
	                     input ? " < " : "", input ? in_path : "") < 0) {
		free(exe);
		return -1;
	}
	FILE*  p = popen(cmd, "r");
	size_t n = p ? fread(out, 1, size - 1, p) : 0;
	out[n]   = '\0';
	const int status = p ? pclose(p) : -1;
	if (input) {
		unlink(in_path);
	}
	free(cmd);
	free(exe);
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_the_program_prints_replies(void)
{
	char out[4096];
	int  rc = run_ctl("/echo 800 0.5 saw 'a \"b' s:12 -3", NULL, out, sizeof out);
	printf("\n  chronusctl /echo ...: exit %d, printed %s", rc, out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out, "/echo 800 0.5 saw \"a \\\"b\" \"12\" -3\n");

	rc = run_ctl("/fail 1", NULL, out, sizeof out);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_STRING_EQUAL(out, "/error /fail \"no such thing\"\n");

	rc = run_ctl("-w 400 /drip", NULL, out, sizeof out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out, "/drip 1\n/drip 2\n/drip 3\n");

	rc = run_ctl("-w 50 /nobody/answers", NULL, out, sizeof out);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(out, "");
}

static void
test_the_program_reads_stdin(void)
{
	char      out[4096];
	const int rc = run_ctl("-", "# a patch\n\n/echo 1 \"two words\"\n/echo \"open\n/echo f:3\n/fail x\n/echo last",
	                       out, sizeof out);
	printf("\n  chronusctl - (one bad line of five): exit %d, printed %s", rc, out);
	CU_ASSERT_EQUAL(rc, 2); /* the bad line; the others were sent */
	CU_ASSERT_STRING_EQUAL(out, "/echo 1 \"two words\"\n/echo 3\n/error /fail \"no such thing\"\n/echo last\n");
}

static void
test_the_program_refuses_bad_command_lines(void)
{
	char out[4096];
	CU_ASSERT_EQUAL(run_ctl("/echo i:x 2>/dev/null", NULL, out, sizeof out), 2);
	CU_ASSERT_EQUAL(run_ctl("echo 2>/dev/null", NULL, out, sizeof out), 2);
	CU_ASSERT_EQUAL(run_ctl("-w soon /echo 2>/dev/null", NULL, out, sizeof out), 2);
	CU_ASSERT_EQUAL(run_ctl("-q /echo 2>/dev/null", NULL, out, sizeof out), 2);
	CU_ASSERT_EQUAL(run_ctl("2>/dev/null", NULL, out, sizeof out), 2);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(run_ctl("--help", NULL, out, sizeof out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "chronusctl /patch/create osc saw"));
}

int
suite_chronusctl(void)
{
	CU_pSuite s = CU_add_suite("chronusctl: words, lines, quotes", NULL, NULL);
	if (!s || !CU_add_test(s, "words are typed by prefix or look", test_words_are_typed) ||
	    !CU_add_test(s, "bad numbers are refused with their column", test_bad_words_are_refused) ||
	    !CU_add_test(s, "numbers read the same under any LC_NUMERIC", test_numbers_ignore_the_locale) ||
	    !CU_add_test(s, "lines split into words; quotes and escapes", test_lines_split_into_words) ||
	    !CU_add_test(s, "bad lines say what and at which column", test_bad_lines_say_where) ||
	    !CU_add_test(s, "printed strings read back as the same string", test_printed_strings_read_back)) {
		return 1;
	}
	s = CU_add_suite("chronusctl: the program against an OSC server", setup_server, teardown_server);
	return !s || !CU_add_test(s, "replies are printed; /error exits 1; each reply restarts the wait",
	                          test_the_program_prints_replies) ||
	       !CU_add_test(s, "stdin: lines sent in order, a bad one reported and skipped",
	                    test_the_program_reads_stdin) ||
	       !CU_add_test(s, "bad command lines exit 2", test_the_program_refuses_bad_command_lines);
}
