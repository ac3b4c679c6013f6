/* SPDX-License-Identifier: ISC
 *
 * The OSC server (osc.h, docs/osc.md). Its own UDP socket bound to
 * 127.0.0.1 (so nothing beyond this machine reaches it, and a port in use
 * is an error it can name), a thread that polls it, and liblo for the OSC
 * encoding. Every message is checked here, where errors can be answered:
 * a live set against the newest patch that built, a staged statement with
 * the parser, numbers against their ranges. What passes goes to run()
 * through the ring; nothing here touches the audio thread's data.
 */
#define _GNU_SOURCE /* newlocale, uselocale */
#include "osc.h"

#include "factory_patches.h"
#include "module_registry.h"
#include "osc_arg.h"
#include "plugin.h"

#include <lo/lo.h>

#include <arpa/inet.h>
#include <errno.h>
#include <locale.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define OSC_MAX_PACKET   65536u
#define OSC_PUSH_WAIT_MS 1000u  /* how long a full ring is waited for before the sender hears "busy" */
#define OSC_MAX_NESTING  4u     /* bundles within bundles */
#define OSC_MAX_MESSAGES 256u   /* messages in one packet (a bundle): under the ring's size */

struct ChronusOsc {
	Chronus*         plugin;
	int              fd;       /* -1: not serving */
	unsigned         port;     /* served now, 0: none */
	unsigned         wanted;   /* the osc_port control's last value */
	pthread_t        thread;
	_Atomic bool     stop;
	locale_t         c_locale; /* numbers in replies and staged text, whatever the host's locale */
	/* The OSC thread's own (the fuzz target calls in on one thread too). */
	char             staged[PATCH_MAX_TEXT + 1]; /* the patch the /patch/ statements build */
	size_t           staged_len;
	Patch*           checked;        /* the newest patch that built, parsed, for checking /mod */
	uint32_t         checked_version; /* its snapshot_version */
	bool             checked_ok;
	uint8_t          packet[OSC_MAX_PACKET];
};

typedef struct {
	ChronusOsc* osc;
	OscReplyFn  reply;
	void*       ctx;
	const char* path;
} Sender;

/* ---- Replies -------------------------------------------------------------- */

static void
send_message(const Sender* to, const char* path, lo_message m)
{
	size_t size = lo_message_length(m, path);
	void*  data = size ? lo_message_serialise(m, path, NULL, &size) : NULL;
	if (data) {
		to->reply(to->ctx, data, size);
		free(data);
	}
	lo_message_free(m);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
reply_error(const Sender* to, const char* fmt, ...)
{
	char    text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	lo_message m = lo_message_new();
	if (m) {
		lo_message_add_string(m, to->path);
		lo_message_add_string(m, text);
		send_message(to, "/error", m);
	}
}

static void
reply_strings(const Sender* to, const char* path, const char* a, const char* b)
{
	lo_message m = lo_message_new();
	if (m) {
		lo_message_add_string(m, a);
		if (b) {
			lo_message_add_string(m, b);
		}
		send_message(to, path, m);
	}
}

/* ---- Arguments ------------------------------------------------------------- */

/* Argument i as a number (i, f, d, h, or T/F); false if it is none. */
static bool
arg_number(const char* types, lo_arg** argv, int i, double* out)
{
	switch (types[i]) {
	case LO_INT32: *out = osc_arg_i32(argv[i]); return true;
	case LO_FLOAT: *out = osc_arg_f32(argv[i]); return true;
	case LO_DOUBLE: *out = osc_arg_f64(argv[i]); return true;
	case LO_INT64: *out = (double)osc_arg_i64(argv[i]); return true;
	case LO_TRUE: *out = 1.0; return true;
	case LO_FALSE: *out = 0.0; return true;
	default: return false;
	}
}

/* Argument i as the text of a patch-language value: a number as the
 * language writes one (the C locale's '.'), a string as it is. */
static bool
arg_word(ChronusOsc* osc, const char* types, lo_arg** argv, int i, char* out, size_t cap)
{
	double v;
	if (types[i] == LO_STRING || types[i] == LO_SYMBOL) {
		snprintf(out, cap, "%s", osc_arg_str(argv[i]));
		return true;
	}
	if (!arg_number(types, argv, i, &v) || v != v || v > 1e30 || v < -1e30) {
		return false;
	}
	locale_t was = osc->c_locale ? uselocale(osc->c_locale) : (locale_t)0;
	/* a float's 7 significant digits read back as the same float */
	snprintf(out, cap, types[i] == LO_FLOAT ? "%.7g" : "%.17g", v);
	if (was) {
		uselocale(was);
	}
	return true;
}

static bool
is_name(const char* s)
{
	if (!*s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) {
		return false;
	}
	for (; *s; ++s) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_')) {
			return false;
		}
	}
	return true;
}

/* ---- Handing over to run() ------------------------------------------------ */

static void
sleep_ms(unsigned ms)
{
	struct timespec t = {0, (long)ms * 1000000L};
	nanosleep(&t, NULL);
}

/* Into the ring; while it is full the sender waits (back-pressure), for
 * at most OSC_PUSH_WAIT_MS: a plugin whose run() is not called (a stopped
 * host) answers "busy" rather than hold the thread. */
static bool
push(const Sender* to, const OscCommand* c)
{
	Chronus* self = to->osc->plugin;
	for (unsigned waited = 0; !osc_ring_push(&self->osc_ring, c); ++waited) {
		if (waited >= OSC_PUSH_WAIT_MS || atomic_load(&to->osc->stop)) {
			reply_error(to, "busy: the plugin took no command for %u ms (is the host running it?)", waited);
			return false;
		}
		sleep_ms(1);
	}
	return true;
}

/* A patch text or file to build: into the text box, then a command. */
static void
push_build(const Sender* to, const char* text, size_t len, bool file)
{
	Chronus* self = to->osc->plugin;
	if (len > PATCH_MAX_TEXT) {
		reply_error(to, "the patch is %zu bytes, over the %u limit", len, PATCH_MAX_TEXT);
		return;
	}
	for (unsigned waited = 0; atomic_load_explicit(&self->osc_box, memory_order_acquire) != 0; ++waited) {
		if (waited >= OSC_PUSH_WAIT_MS || atomic_load(&to->osc->stop)) {
			reply_error(to, "busy: the plugin has not taken the last patch for %u ms", waited);
			return;
		}
		sleep_ms(1);
	}
	memcpy(self->osc_text, text, len);
	self->osc_text_len  = (uint32_t)len;
	self->osc_text_file = file;
	atomic_store_explicit(&self->osc_box, 1, memory_order_release);
	const OscCommand c = {.kind = OSC_CMD_BUILD};
	if (!push(to, &c)) {
		atomic_store_explicit(&self->osc_box, 0, memory_order_release);
	}
}

/* ---- Checking a live set ---------------------------------------------------- */

/* The newest patch that built, parsed once per change of it. */
static const Patch*
checked_patch(ChronusOsc* osc)
{
	Chronus* self = osc->plugin;
	pthread_mutex_lock(&self->snapshot_lock);
	if (!osc->checked || osc->checked_version != self->snapshot_version) {
		PatchError err;
		if (!osc->checked) {
			osc->checked = malloc(sizeof(Patch));
		}
		osc->checked_ok      = osc->checked && self->snapshot_text &&
		                       patch_parse(self->snapshot_text, self->snapshot_len, osc->checked, &err);
		osc->checked_version = self->snapshot_version;
	}
	pthread_mutex_unlock(&self->snapshot_lock);
	return osc->checked_ok ? osc->checked : NULL;
}

/* Whether a live set fits the patch: the quick look, then the parser's
 * words for what does not. */
static bool
check_set(const Sender* to, const char* text, size_t len)
{
	ChronusOsc*  osc = to->osc;
	const Patch* p   = checked_patch(osc);
	LiveSet      set;
	if (p && len <= LIVE_SET_MAX && live_set_split(text, len, &set)) {
		for (unsigned m = 0; m < p->n_modules; ++m) {
			const PatchModule* pm = &p->modules[m];
			if (strlen(pm->name) != set.module_len || memcmp(pm->name, set.module, set.module_len)) {
				continue;
			}
			const int k = module_param_index(pm->type, set.param, set.param_len);
			float     v;
			if (k >= 0 && live_set_value(&set, &pm->type->params[k], &v)) {
				return true;
			}
			break;
		}
	}
	Chronus* self = osc->plugin;
	pthread_mutex_lock(&self->snapshot_lock);
	const size_t n    = self->snapshot_len;
	char*        copy = malloc(n + 1);
	if (copy) {
		memcpy(copy, self->snapshot_text ? self->snapshot_text : "", n);
	}
	pthread_mutex_unlock(&self->snapshot_lock);
	PatchError err;
	const bool ok = copy && live_set_check(copy, n, text, len, &err, NULL, NULL);
	free(copy);
	if (!ok) {
		reply_error(to, "%s", copy ? err.message : "out of memory");
	}
	return ok;
}

static void
do_mod(const Sender* to, const char* module, const char* param, const char* types, lo_arg** argv, int argc)
{
	char value[64];
	if (argc != 1 || !arg_word(to->osc, types, argv, 0, value, sizeof value)) {
		reply_error(to, "expected one value (a number, or a choice's name)");
		return;
	}
	OscCommand c = {.kind = OSC_CMD_SET};
	const int  n = snprintf(c.text, sizeof c.text, "%s.%s %s", module, param, value);
	if (n < 0 || (size_t)n >= sizeof c.text) {
		reply_error(to, "the setting is over %u bytes", LIVE_SET_MAX);
		return;
	}
	c.len = (uint32_t)n;
	if (check_set(to, c.text, c.len)) {
		push(to, &c);
	}
}

/* ---- The staged patch (/patch/...) ------------------------------------------- */

/* Adds a statement to the staged patch if the parser finds nothing wrong
 * on its line (a patch being built may lack its `out` yet). */
static void
stage(const Sender* to, const char* statement)
{
	ChronusOsc*  osc = to->osc;
	const size_t add = strlen(statement);
	if (osc->staged_len + add + 1 > PATCH_MAX_TEXT) {
		reply_error(to, "the staged patch would be over %u bytes", PATCH_MAX_TEXT);
		return;
	}
	unsigned line = 1;
	for (size_t i = 0; i < osc->staged_len; ++i) {
		line += osc->staged[i] == '\n';
	}
	memcpy(osc->staged + osc->staged_len, statement, add);
	osc->staged[osc->staged_len + add] = '\n';
	Patch*     p  = malloc(sizeof(Patch));
	PatchError err;
	const bool ok = p && patch_parse(osc->staged, osc->staged_len + add + 1, p, &err);
	free(p);
	if (!p || (!ok && err.line == line)) {
		osc->staged[osc->staged_len] = '\0'; /* the line is not kept */
		if (!p) {
			reply_error(to, "out of memory");
		} else {
			const char* bare = strstr(err.message, ": ");
			reply_error(to, "%s: %s", statement, bare ? bare + 2 : err.message);
		}
		return;
	}
	osc->staged_len += add + 1;
	osc->staged[osc->staged_len] = '\0';
}

static void
do_commit(const Sender* to)
{
	ChronusOsc* osc = to->osc;
	Patch*      p   = malloc(sizeof(Patch));
	PatchError  err;
	const bool  ok  = p && patch_parse(osc->staged, osc->staged_len, p, &err);
	free(p);
	if (!ok) {
		reply_error(to, "the staged patch: %s", p ? err.message : "out of memory");
		return;
	}
	push_build(to, osc->staged, osc->staged_len, false);
	lo_message m = lo_message_new();
	if (m) {
		unsigned lines = 0;
		for (size_t i = 0; i < osc->staged_len; ++i) {
			lines += osc->staged[i] == '\n';
		}
		lo_message_add_int32(m, (int32_t)lines);
		send_message(to, "/patch/committed", m);
	}
}

/* /patch/<verb>: the statements of the language, one message each. */
static void
do_patch(const Sender* to, const char* verb, const char* types, lo_arg** argv, int argc)
{
	ChronusOsc* osc = to->osc;
	char        w[4][160];
	char        statement[PATCH_MAX_LINE];
	const bool  strings = argc >= 1 && (types[0] == LO_STRING || types[0] == LO_SYMBOL);
	for (int i = 0; i < argc && i < 4; ++i) {
		if (!arg_word(osc, types, argv, i, w[i], sizeof w[i])) {
			reply_error(to, "argument %d is neither a number nor a string", i + 1);
			return;
		}
	}
	if (!strcmp(verb, "create") && (argc == 2 || argc == 3) && strings) {
		snprintf(statement, sizeof statement, "create %s %s%s%s", w[0], w[1], argc == 3 ? " " : "",
		         argc == 3 ? w[2] : "");
	} else if (!strcmp(verb, "connect") && (argc == 2 || argc == 3) && strings) {
		snprintf(statement, sizeof statement, "connect %s %s%s%s", w[0], w[1], argc == 3 ? " " : "",
		         argc == 3 ? w[2] : "");
	} else if (!strcmp(verb, "set") && argc == 2 && strings) {
		snprintf(statement, sizeof statement, "set %s %s", w[0], w[1]);
	} else if (!strcmp(verb, "macro") && (argc == 4 || argc == 5)) {
		char curve[160] = "";
		if (argc == 5 && !arg_word(osc, types, argv, 4, curve, sizeof curve)) {
			return;
		}
		snprintf(statement, sizeof statement, "macro %s %s %s %s%s%s", w[0], w[1], w[2], w[3], argc == 5 ? " " : "",
		         curve);
	} else if ((!strcmp(verb, "out") || !strcmp(verb, "pan")) && argc == 1 && strings) {
		snprintf(statement, sizeof statement, "%s %s", verb, w[0]);
	} else if (!strcmp(verb, "line") && argc == 1 && strings) {
		if (strchr(osc_arg_str(argv[0]), '\n')) {
			reply_error(to, "one statement, without a newline");
			return;
		}
		snprintf(statement, sizeof statement, "%s", osc_arg_str(argv[0]));
	} else if (!strcmp(verb, "commit") && argc == 0) {
		do_commit(to);
		return;
	} else if (!strcmp(verb, "abort") && argc == 0) {
		osc->staged_len = 0;
		osc->staged[0]  = '\0';
		return;
	} else if (!strcmp(verb, "staged") && argc == 0) {
		reply_strings(to, "/patch/staged", osc->staged, NULL);
		return;
	} else if ((!strcmp(verb, "text") || !strcmp(verb, "file")) && argc == 1 && strings) {
		const char* s = osc_arg_str(argv[0]);
		struct stat st;
		if (verb[0] == 't') {
			Patch*     p  = malloc(sizeof(Patch));
			PatchError err;
			const bool ok = p && patch_parse(s, strlen(s), p, &err);
			free(p);
			if (!ok) {
				reply_error(to, "%s", p ? err.message : "out of memory");
				return;
			}
		} else if (s[0] != '/' || strlen(s) >= PATH_MAX_LEN) {
			reply_error(to, "expected an absolute path");
			return;
		} else if (access(s, R_OK) != 0) {
			reply_error(to, "cannot read '%s': %s", s, strerror(errno));
			return;
		} else if (stat(s, &st) != 0 || !S_ISREG(st.st_mode)) {
			reply_error(to, "'%s' is not a regular file", s);
			return;
		}
		push_build(to, s, strlen(s), verb[0] == 'f');
		return;
	} else {
		reply_error(to, "unknown verb or arguments: see docs/osc.md for /patch/%s", verb);
		return;
	}
	stage(to, statement);
}

/* ---- Notes, macros, programs ---------------------------------------------------- */

static void
do_note(const Sender* to, bool on, const char* types, lo_arg** argv, int argc)
{
	double key, vel = on ? 100.0 : 0.0, chan = 1.0;
	const int want = on ? 2 : 1;
	if (argc < want || argc > want + 1 || !arg_number(types, argv, 0, &key) ||
	    (on && !arg_number(types, argv, 1, &vel)) || (argc == want + 1 && !arg_number(types, argv, want, &chan))) {
		reply_error(to, on ? "expected key velocity [channel]" : "expected key [channel]");
		return;
	}
	if (!(key >= 0 && key <= 127) || !(vel >= 0 && vel <= 127) || !(chan >= 1 && chan <= 16)) {
		reply_error(to, "key and velocity are 0..127, the channel 1..16");
		return;
	}
	const uint8_t k = (uint8_t)key, v = (uint8_t)vel, ch = (uint8_t)(chan - 1);
	OscCommand    c = {.kind = OSC_CMD_MIDI};
	c.midi[0]       = (uint8_t)((on && v ? 0x90 : 0x80) | ch);
	c.midi[1]       = k;
	c.midi[2]       = on ? v : 0;
	push(to, &c);
}

static void
do_macro(const Sender* to, const char* which, const char* types, lo_arg** argv, int argc)
{
	double v;
	char*  end;
	const long k = strtol(which, &end, 10);
	if (*end || k < 1 || k > (long)PATCH_MACRO_KNOBS) {
		reply_error(to, "macros are /macro/1 .. /macro/%u", PATCH_MACRO_KNOBS);
		return;
	}
	if (argc != 1 || !arg_number(types, argv, 0, &v) || !(v >= 0.0 && v <= 1.0)) {
		reply_error(to, "expected a position 0..1");
		return;
	}
	OscCommand c = {.kind = OSC_CMD_MACRO, .number = (int32_t)(k - 1), .value = (float)v};
	push(to, &c);
}

static void
do_program(const Sender* to, const char* types, lo_arg** argv, int argc)
{
	double v;
	if (argc != 1 || !arg_number(types, argv, 0, &v) || !(v >= 0 && v < factory_patch_count) || v != (int)v) {
		reply_error(to, "expected a factory program 0..%u", factory_patch_count - 1);
		return;
	}
	OscCommand c = {.kind = OSC_CMD_PROGRAM, .number = (int32_t)v};
	push(to, &c);
}

/* ---- The engine ----------------------------------------------------------------- */

static void
do_status(const Sender* to)
{
	Chronus* self = to->osc->plugin;
	char     title[PATCH_MAX_TITLE + 1], status[STATUS_MAX], error[STATUS_MAX];
	pthread_mutex_lock(&self->snapshot_lock);
	memcpy(title, self->last_title, sizeof title);
	memcpy(status, self->last_status, sizeof status);
	memcpy(error, self->last_error, sizeof error);
	const double prime = self->last_prime_ms;
	pthread_mutex_unlock(&self->snapshot_lock);
	lo_message m = lo_message_new();
	if (m) {
		lo_message_add_string(m, title);
		lo_message_add_string(m, status);
		lo_message_add_string(m, error);
		lo_message_add_float(m, (float)prime);
		lo_message_add_int32(m, (int32_t)atomic_load(&self->osc_taken));
		send_message(to, "/engine/status", m);
	}
}

/* Appends to a bounded buffer; the caller checks for a cut. */
typedef struct {
	char*  b;
	size_t n, cap;
} Json;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
json_add(Json* j, const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const int k = j->n < j->cap ? vsnprintf(j->b + j->n, j->cap - j->n, fmt, ap) : 0;
	va_end(ap);
	j->n += k > 0 ? (size_t)k : 0;
}

static void
json_string(Json* j, const char* s)
{
	json_add(j, "\"");
	for (; s && *s; ++s) {
		if (*s == '"' || *s == '\\') {
			json_add(j, "\\%c", *s);
		} else if ((unsigned char)*s < 0x20) {
			json_add(j, "\\u%04x", (unsigned)*s);
		} else {
			json_add(j, "%c", *s);
		}
	}
	json_add(j, "\"");
}

/* Every module type (or the one named) with its inputs and parameters,
 * from the registry: what docs/modules.md says, for a program. */
static void
do_schema(const Sender* to, lo_arg** argv, int argc)
{
	const char* only = argc == 1 ? osc_arg_str(argv[0]) : NULL;
	Json        j    = {malloc(60000), 0, 60000};
	if (!j.b) {
		reply_error(to, "out of memory");
		return;
	}
	locale_t was = to->osc->c_locale ? uselocale(to->osc->c_locale) : (locale_t)0;
	json_add(&j, "[");
	unsigned listed = 0;
	for (unsigned i = 0; i < module_registry_count(); ++i) {
		const ModuleType* t = module_registry_at(i);
		if (only && strcmp(only, t->name)) {
			continue;
		}
		json_add(&j, "%s{\"type\":", listed++ ? "," : "");
		json_string(&j, t->name);
		json_add(&j, ",\"master_only\":%s,\"stereo\":%s,\"inputs\":[",
		         (t->flags & MODULE_MASTER_ONLY) ? "true" : "false", (t->flags & MODULE_STEREO) ? "true" : "false");
		for (unsigned k = 0; k < t->n_inputs; ++k) {
			json_add(&j, "%s", k ? "," : "");
			json_string(&j, t->inputs[k].name);
		}
		json_add(&j, "],\"params\":[");
		for (unsigned k = 0; k < t->n_params; ++k) {
			const ParamSpec* p = &t->params[k];
			json_add(&j, "%s{\"name\":", k ? "," : "");
			json_string(&j, p->name);
			json_add(&j, ",\"unit\":");
			json_string(&j, p->unit);
			json_add(&j, ",\"min\":%.7g,\"max\":%.7g,\"default\":%.7g", (double)p->min, (double)p->max,
			         (double)p->def);
			if (p->choices) {
				json_add(&j, ",\"choices\":[");
				for (unsigned c = 0; p->choices[c]; ++c) {
					json_add(&j, "%s", c ? "," : "");
					json_string(&j, p->choices[c]);
				}
				json_add(&j, "]");
			}
			json_add(&j, "}");
		}
		json_add(&j, "]}");
	}
	json_add(&j, "]");
	if (was) {
		uselocale(was);
	}
	if (only && !listed) {
		reply_error(to, "no module type '%s'", only);
	} else if (j.n >= j.cap) {
		reply_error(to, "the schema is over %zu bytes: ask for one type (/engine/schema s)", j.cap);
	} else {
		reply_strings(to, "/engine/schema", j.b, NULL);
	}
	free(j.b);
}

/* ---- Dispatch ------------------------------------------------------------------- */

static void
dispatch(const Sender* to, const char* path, const char* types, lo_arg** argv, int argc)
{
	char        a[64], b[64];
	const char* rest;
	if (!strncmp(path, "/mod/", 5)) {
		rest             = path + 5;
		const char* cut  = strchr(rest, '/');
		if (!cut || (size_t)(cut - rest) >= sizeof a || strlen(cut + 1) >= sizeof b) {
			reply_error(to, "expected /mod/<module>/<param>");
			return;
		}
		memcpy(a, rest, (size_t)(cut - rest));
		a[cut - rest] = '\0';
		snprintf(b, sizeof b, "%s", cut + 1);
		if (!is_name(a) || !is_name(b)) {
			reply_error(to, "expected /mod/<module>/<param>, names of letters, digits and _");
			return;
		}
		do_mod(to, a, b, types, argv, argc);
	} else if (!strncmp(path, "/patch/", 7)) {
		do_patch(to, path + 7, types, argv, argc);
	} else if (!strcmp(path, "/note/on") || !strcmp(path, "/note/off")) {
		do_note(to, path[7] == 'n', types, argv, argc);
	} else if (!strncmp(path, "/macro/", 7)) {
		do_macro(to, path + 7, types, argv, argc);
	} else if (!strcmp(path, "/program")) {
		do_program(to, types, argv, argc);
	} else if (!strcmp(path, "/engine/status")) {
		if (argc) {
			reply_error(to, "takes no argument");
		} else {
			do_status(to);
		}
	} else if (!strcmp(path, "/engine/schema")) {
		if (argc > 1 || (argc == 1 && types[0] != LO_STRING)) {
			reply_error(to, "takes nothing, or a module type's name");
		} else {
			do_schema(to, argv, argc);
		}
	} else {
		reply_error(to, "unknown address (see docs/osc.md)");
	}
}

static uint32_t
be32(const uint8_t* p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
handle(ChronusOsc* osc, const uint8_t* data, size_t size, OscReplyFn reply, void* ctx, unsigned depth,
       unsigned* budget)
{
	Sender to = {osc, reply, ctx, "?"};
	if (*budget == 0) {
		return;
	}
	if (--*budget == 0) {
		reply_error(&to, "a packet holds at most %u messages; the rest are ignored", OSC_MAX_MESSAGES - 1);
		return;
	}
	if (size >= 16 && !memcmp(data, "#bundle", 8)) {
		/* Elements in order, now: Chronus plays OSC as it comes (no
		 * scheduling by time tag). */
		size_t at = 16;
		while (depth < OSC_MAX_NESTING && at + 4 <= size) {
			const uint32_t n = be32(data + at);
			if (n > size - at - 4) {
				reply_error(&to, "bundle element of %u bytes runs past the packet", n);
				return;
			}
			handle(osc, data + at + 4, n, reply, ctx, depth + 1, budget);
			at += 4 + n;
		}
		return;
	}
	int        result = 0;
	lo_message m      = size ? lo_message_deserialise((void*)data, size, &result) : NULL;
	if (!m) {
		reply_error(&to, size ? "malformed OSC message (liblo error %d)" : "empty packet", result);
		return;
	}
	to.path           = (const char*)data; /* checked by lo_message_deserialise */
	const char* types = lo_message_get_types(m);
	dispatch(&to, to.path, types ? types : "", lo_message_get_argv(m), lo_message_get_argc(m));
	lo_message_free(m);
}

void
osc_handle_packet(ChronusOsc* osc, const void* data, size_t size, OscReplyFn reply, void* ctx)
{
	unsigned budget = OSC_MAX_MESSAGES;
	handle(osc, (const uint8_t*)data, size, reply, ctx, 0, &budget);
}

/* ---- The server ------------------------------------------------------------------ */

typedef struct {
	int                     fd;
	const struct sockaddr*  addr;
	socklen_t               len;
} UdpPeer;

static void
udp_reply(void* ctx, const void* data, size_t size)
{
	const UdpPeer* p = ctx;
	(void)!sendto(p->fd, data, size, 0, p->addr, p->len);
}

static void*
serve(void* arg)
{
	ChronusOsc* osc = arg;
	if (osc->c_locale) {
		uselocale(osc->c_locale);
	}
	while (!atomic_load(&osc->stop)) {
		struct pollfd pfd = {osc->fd, POLLIN, 0};
		if (poll(&pfd, 1, 50) <= 0) {
			continue;
		}
		struct sockaddr_storage from;
		socklen_t               len = sizeof from;
		const ssize_t n = recvfrom(osc->fd, osc->packet, sizeof osc->packet, 0, (struct sockaddr*)&from, &len);
		if (n > 0) {
			UdpPeer peer = {osc->fd, (const struct sockaddr*)&from, len};
			osc_handle_packet(osc, osc->packet, (size_t)n, udp_reply, &peer);
		}
	}
	return NULL;
}

ChronusOsc*
osc_new(Chronus* plugin)
{
	ChronusOsc* osc = calloc(1, sizeof(ChronusOsc));
	if (osc) {
		osc->plugin   = plugin;
		osc->fd       = -1;
		osc->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	}
	return osc;
}

static void
stop_serving(ChronusOsc* osc)
{
	if (osc->fd >= 0) {
		atomic_store(&osc->stop, true);
		pthread_join(osc->thread, NULL);
		close(osc->fd);
		osc->fd   = -1;
		osc->port = 0;
		atomic_store(&osc->stop, false);
	}
}

void
osc_listen(ChronusOsc* osc, unsigned port)
{
	if (!osc || port == osc->wanted) {
		return;
	}
	osc->wanted = port;
	stop_serving(osc);
	if (!port) {
		chronus_post_notice(osc->plugin, "OSC: off");
		return;
	}
	const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family      = AF_INET;
	a.sin_port        = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (const struct sockaddr*)&a, sizeof a) != 0) {
		const int e = errno;
		if (fd >= 0) {
			close(fd);
		}
		lv2_log_error(&osc->plugin->logger, "Chronus: OSC: cannot listen on 127.0.0.1:%u: %s\n", port, strerror(e));
		chronus_post_notice(osc->plugin, "OSC: cannot listen on 127.0.0.1:%u: %s; OSC is off", port, strerror(e));
		return;
	}
	/* Room for bursts while the thread waits for the CPU (the kernel caps
	 * it at net.core.rmem_max). */
	const int rcvbuf = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	osc->fd = fd;
	if (pthread_create(&osc->thread, NULL, serve, osc) != 0) {
		close(fd);
		osc->fd = -1;
		chronus_post_notice(osc->plugin, "OSC: cannot start its thread; OSC is off");
		return;
	}
	osc->port = port;
	lv2_log_note(&osc->plugin->logger, "Chronus: OSC: listening on 127.0.0.1:%u\n", port);
	chronus_post_notice(osc->plugin, "OSC: listening on 127.0.0.1:%u", port);
}

void
osc_free(ChronusOsc* osc)
{
	if (osc) {
		stop_serving(osc);
		free(osc->checked);
		if (osc->c_locale) {
			freelocale(osc->c_locale);
		}
		free(osc);
	}
}
