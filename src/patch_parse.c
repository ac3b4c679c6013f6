/* SPDX-License-Identifier: ISC
 *
 * Parser and validator of the patch language (docs/patch-language.md).
 * One pass over the tokens, one statement a line, the first error stops
 * everything. Module types, inputs, parameters and their ranges all come
 * from the module registry, never from a list here. Runs on the worker
 * thread (or wherever a patch is loaded); allocates nothing, prints nothing,
 * does not recurse, and costs time linear in the text: name lookups scan at
 * most PATCH_MAX_MODULES names and duplicate checks at most
 * PATCH_MAX_CONNECTIONS connections, both small constants.
 */
#include "patch.h"

#include "module_registry.h"
#include "patch_lex.h"
#include "suggest.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

#define SHOW_MAX    40  /* characters of a quoted token in a message */
#define LIST_MAX    120 /* characters of an "expected one of ..." list */

typedef struct {
	PatchLexer  lex;
	PatchToken  tok;  /* the current token */
	PatchToken  stmt; /* the first word of the current statement */
	Patch*      p;
	PatchError* err;
	unsigned    patch_line; /* line of the `patch` statement, 0 if none yet */
	unsigned    out_line;   /* line of the `out` statement, 0 if none yet */
	unsigned    pan_line;   /* line of the `pan` statement, 0 if none yet */
} Parser;

/* ---- messages ---------------------------------------------------------- */

/* Record an error at (line, col); line 0 means the whole text, which gets no
 * "line, col" prefix. Always returns false so callers can `return fail...`. */
PRINTF_LIKE(4, 5)
static bool
fail_at(Parser* ps, unsigned line, unsigned col, const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	patch_error_vset(ps->err, line, col, fmt, ap);
	va_end(ap);
	return false;
}

/* Length of a well-formed UTF-8 sequence of 2 to 4 bytes at s, else 0. */
static size_t
utf8_seq(const unsigned char* s, size_t n)
{
	const unsigned c = s[0];
	size_t         k;
	unsigned       lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
	if (c >= 0xc2 && c <= 0xdf) {
		k = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		k  = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80; /* no overlong forms */
		hi = c == 0xed ? 0x9f : 0xbf; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		k  = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	if (k > n || s[1] < lo || s[1] > hi) {
		return 0;
	}
	for (size_t i = 2; i < k; ++i) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
	}
	return k;
}

typedef struct {
	char s[SHOW_MAX + 8];
} Shown;

/* A token as it may appear in a message: control bytes and broken UTF-8 as
 * \xNN (a message must stay printable whatever the input was), cut to
 * SHOW_MAX characters with "..." so one huge word cannot crowd out the rest
 * of the message. */
static const char*
show(Shown* out, const char* text, size_t len)
{
	const unsigned char* s = (const unsigned char*)text;
	size_t               o = 0;
	size_t               i = 0;
	while (i < len) {
		const unsigned c = s[i];
		size_t         k = 1;
		if (c >= 0x80) {
			k = utf8_seq(s + i, len - i);
		}
		const size_t need = (c < 0x20 || c == 0x7f || k == 0) ? 4 : k;
		if (o + need > SHOW_MAX) {
			memcpy(out->s + o, "...", 3);
			o += 3;
			break;
		}
		if (need == 4 && k <= 1) {
			snprintf(out->s + o, 5, "\\x%02x", c);
			k = 1;
		} else {
			memcpy(out->s + o, s + i, k);
		}
		o += need;
		i += k;
	}
	out->s[o] = '\0';
	return out->s;
}

static const char*
show_tok(Shown* out, const PatchToken* t)
{
	return show(out, t->text, t->len);
}

/* "unexpected X, expected <what>" about the current token. */
static bool
unexpected(Parser* ps, const char* what)
{
	const PatchToken* t = &ps->tok;
	if (t->kind == TOK_NEWLINE || t->kind == TOK_END) {
		return fail_at(ps, t->line, t->col, "unexpected end of line, expected %s", what);
	}
	Shown sh;
	return fail_at(ps, t->line, t->col, "unexpected '%s', expected %s", show_tok(&sh, t), what);
}

/* ---- suggestions ------------------------------------------------------- */

/* Every suggestion follows suggest.h's one rule. */

/* strlen with a bound (strnlen is POSIX, not C11). */
static size_t
bounded_len(const char* s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n]) {
		++n;
	}
	return n;
}

typedef struct {
	char s[SUGGEST_MAX + 24];
} Hint;

/* " (did you mean 'x'?)", or "" when there is nothing close. */
static const char*
hint_text(Hint* h, const char* best)
{
	h->s[0] = '\0';
	if (best) {
		snprintf(h->s, sizeof h->s, " (did you mean '%.*s'?)", SUGGEST_MAX, best);
	}
	return h->s;
}

typedef struct {
	char   s[LIST_MAX + 8];
	size_t n;
	bool   full;
} List;

static void
list_init(List* l)
{
	l->s[0] = '\0';
	l->n    = 0;
	l->full = false;
}

/* Append ", word" (or "word" first); "..." once the list is full. */
static void
list_add(List* l, const char* word)
{
	if (l->full) {
		return;
	}
	const size_t wl  = bounded_len(word, LIST_MAX + 1);
	const size_t sep = l->n ? 2 : 0;
	if (l->n + sep + wl > LIST_MAX) {
		memcpy(l->s + l->n, sep ? ", ..." : "...", sep + 3);
		l->n += sep + 3;
		l->s[l->n] = '\0';
		l->full    = true;
		return;
	}
	if (sep) {
		memcpy(l->s + l->n, ", ", 2);
	}
	memcpy(l->s + l->n + sep, word, wl);
	l->n += sep + wl;
	l->s[l->n] = '\0';
}

/* ---- tokens ------------------------------------------------------------ */

static bool
lex_error(Parser* ps)
{
	const PatchToken* t = &ps->tok;
	Shown             sh;
	if (t->error == LEX_BAD_ESCAPE) {
		return fail_at(ps, t->line, t->col,
		               "unknown escape '%s' in string, expected \\\" or \\\\",
		               show_tok(&sh, t));
	}
	return fail_at(ps, t->line, t->col, "unterminated string '%s', expected a closing '\"'",
	               show_tok(&sh, t));
}

/* Move to the next token; a broken string is an error wherever it is. */
static bool
advance(Parser* ps)
{
	ps->tok = patch_lex_next(&ps->lex);
	return ps->tok.kind == TOK_ERROR ? lex_error(ps) : true;
}

static bool
at_eol(const Parser* ps)
{
	return ps->tok.kind == TOK_NEWLINE || ps->tok.kind == TOK_END;
}

static bool
word_is(const char* s, size_t len, const char* word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

static bool
tok_is(const PatchToken* t, const char* word)
{
	return t->kind == TOK_IDENT && word_is(t->text, t->len, word);
}

/* The current token as a number that fits a float; advances past it. */
static bool
number(Parser* ps, const char* what, float* value)
{
	if (ps->tok.kind != TOK_NUMBER) {
		return unexpected(ps, what);
	}
	const double v = patch_number_value(ps->tok.text, ps->tok.len);
	if (!(fabs(v) <= FLT_MAX)) {
		Shown sh;
		return fail_at(ps, ps->tok.line, ps->tok.col,
		               "number '%s' is too large, expected at most %g in magnitude",
		               show_tok(&sh, &ps->tok), (double)FLT_MAX);
	}
	*value = (float)v;
	return advance(ps);
}

/* ---- names ------------------------------------------------------------- */

static int
find_module(const Patch* p, const char* s, size_t len)
{
	for (unsigned i = 0; i < p->n_modules; ++i) {
		if (word_is(s, len, p->modules[i].name)) {
			return (int)i;
		}
	}
	return -1;
}

/* The current token as the name of a module created earlier; advances. */
static bool
module_ref(Parser* ps, int* index)
{
	const PatchToken t = ps->tok;
	if (t.kind != TOK_IDENT) {
		return unexpected(ps, "a module name");
	}
	if (tok_is(&t, "note") || tok_is(&t, "ctl")) {
		return unexpected(ps, "a module name (note.* and ctl.* sources can only be the source of a "
		                      "connect)");
	}
	const int i = find_module(ps->p, t.text, t.len);
	if (i < 0) {
		Suggest sg;
		Shown   sh;
		Hint    h;
		suggest_init(&sg, t.text, t.len);
		for (unsigned m = 0; m < ps->p->n_modules; ++m) {
			suggest_try(&sg, ps->p->modules[m].name);
		}
		return fail_at(
		        ps, t.line, t.col,
		        "unknown module '%s', expected a module created on an earlier line%s",
		        show_tok(&sh, &t), hint_text(&h, sg.best));
	}
	*index = i;
	return advance(ps);
}

static const char*
mod_name(const Parser* ps, int m)
{
	return ps->p->modules[m].name;
}

static const char*
mod_type(const Parser* ps, int m)
{
	return ps->p->modules[m].type->name;
}

/* ".param" after a module name, resolved to a parameter of its type. */
static bool
param_ref(Parser* ps, int m, unsigned* param)
{
	const ModuleType* ty = ps->p->modules[m].type;
	char              what[160];
	if (ps->tok.kind != TOK_DOT) {
		snprintf(what, sizeof what, "'.' and a parameter after '%s', as in %s.%s",
		         mod_name(ps, m), mod_name(ps, m),
		         ty->n_params ? ty->params[0].name : "param");
		return unexpected(ps, what);
	}
	if (!advance(ps)) {
		return false;
	}
	const PatchToken t = ps->tok;
	if (t.kind != TOK_IDENT) {
		snprintf(what, sizeof what, "a parameter of '%s' (%s)", mod_name(ps, m),
		         mod_type(ps, m));
		return unexpected(ps, what);
	}
	const int i = module_param_index(ty, t.text, t.len);
	if (i < 0 || (unsigned)i >= ty->n_params) {
		Shown sh;
		if (module_input_index(ty, t.text, t.len) >= 0) {
			return fail_at(ps, t.line, t.col,
			               "'%s' is an input of module '%s' (%s), expected a parameter",
			               show_tok(&sh, &t), mod_name(ps, m), mod_type(ps, m));
		}
		Suggest sg;
		Hint    h;
		List    l;
		suggest_init(&sg, t.text, t.len);
		list_init(&l);
		for (unsigned k = 0; k < ty->n_params; ++k) {
			suggest_try(&sg, ty->params[k].name);
			list_add(&l, ty->params[k].name);
		}
		if (sg.best) {
			return fail_at(ps, t.line, t.col,
			               "unknown parameter '%s' of module '%s' (%s)%s",
			               show_tok(&sh, &t), mod_name(ps, m), mod_type(ps, m),
			               hint_text(&h, sg.best));
		}
		return fail_at(ps, t.line, t.col,
		               "unknown parameter '%s' of module '%s' (%s), expected one of %s",
		               show_tok(&sh, &t), mod_name(ps, m), mod_type(ps, m),
		               ty->n_params ? l.s : "(none)");
	}
	*param = (unsigned)i;
	return advance(ps);
}

/* "20 to 20000 Hz": the range of a parameter, as errors quote it. */
static const char*
range_text(char* buf, size_t cap, const ParamSpec* sp)
{
	const bool unit = sp->unit && sp->unit[0];
	snprintf(buf, cap, "%g to %g%s%s", (double)sp->min, (double)sp->max, unit ? " " : "",
	         unit ? sp->unit : "");
	return buf;
}

/* Check a number against a parameter's range; t is where it was written. */
static bool
in_range(Parser* ps, const PatchToken* t, int m, const ParamSpec* sp, float v)
{
	if (v >= sp->min && v <= sp->max) {
		return true;
	}
	Shown sh;
	char  range[96];
	return fail_at(ps, t->line, t->col, "value '%s' is out of range for %s.%s, expected %s",
	               show_tok(&sh, t), mod_name(ps, m), sp->name,
	               range_text(range, sizeof range, sp));
}

static unsigned
n_choices(const ParamSpec* sp)
{
	unsigned n = 0;
	while (sp->choices && n < 64 && sp->choices[n]) {
		++n;
	}
	return n;
}

/* The value of `set`: a number in range, or a choice by name. Choice k of a
 * parameter is the value k (ParamSpec: "names of the integer values"). */
static bool
param_value(Parser* ps, int m, const ParamSpec* sp, float* value)
{
	const PatchToken t  = ps->tok;
	const unsigned   nc = n_choices(sp);
	Shown            sh;
	List             l;
	list_init(&l);
	for (unsigned k = 0; k < nc; ++k) {
		list_add(&l, sp->choices[k]);
	}
	if (nc > 0 && t.kind == TOK_IDENT) {
		Suggest sg;
		Hint    h;
		suggest_init(&sg, t.text, t.len);
		for (unsigned k = 0; k < nc; ++k) {
			if (word_is(t.text, t.len, sp->choices[k])) {
				*value = (float)k;
				return in_range(ps, &t, m, sp, *value) && advance(ps);
			}
			suggest_try(&sg, sp->choices[k]);
		}
		if (sg.best) {
			return fail_at(ps, t.line, t.col, "unknown choice '%s' for %s.%s%s",
			               show_tok(&sh, &t), mod_name(ps, m), sp->name,
			               hint_text(&h, sg.best));
		}
		return fail_at(ps, t.line, t.col,
		               "unknown choice '%s' for %s.%s, expected one of %s",
		               show_tok(&sh, &t), mod_name(ps, m), sp->name, l.s);
	}
	if (t.kind != TOK_NUMBER) {
		char what[LIST_MAX + 40];
		if (nc > 0) {
			snprintf(what, sizeof what, "one of %s", l.s);
		} else {
			snprintf(what, sizeof what, "a number");
		}
		return unexpected(ps, what);
	}
	if (!number(ps, "a number", value)) {
		return false;
	}
	if (nc > 0 && *value != floorf(*value)) {
		return fail_at(ps, t.line, t.col,
		               "value '%s' is not a choice of %s.%s, expected one of %s",
		               show_tok(&sh, &t), mod_name(ps, m), sp->name, l.s);
	}
	return in_range(ps, &t, m, sp, *value);
}

/* ---- statements -------------------------------------------------------- */

static bool
st_patch(Parser* ps)
{
	if (ps->patch_line) {
		return fail_at(
		        ps, ps->stmt.line, ps->stmt.col,
		        "second 'patch' statement, expected at most one (the first is on line %u)",
		        ps->patch_line);
	}
	if (!advance(ps)) {
		return false;
	}
	const PatchToken t = ps->tok;
	if (t.kind != TOK_STRING) {
		return unexpected(ps, "a quoted name, as in patch \"Acid 303\"");
	}
	const size_t n = patch_lex_string(&t, ps->p->title, PATCH_MAX_TITLE);
	if (n > PATCH_MAX_TITLE) {
		Shown sh;
		return fail_at(ps, t.line, t.col,
		               "patch name '%s' is too long, expected at most %u bytes",
		               show_tok(&sh, &t), PATCH_MAX_TITLE);
	}
	ps->p->title[n] = '\0';
	ps->patch_line  = t.line;
	return advance(ps);
}

static bool
st_create(Parser* ps)
{
	Patch* p = ps->p;
	Shown  sh;
	if (p->n_modules >= PATCH_MAX_MODULES) {
		return fail_at(ps, ps->stmt.line, ps->stmt.col,
		               "too many modules, expected at most %u", PATCH_MAX_MODULES);
	}
	if (!advance(ps)) {
		return false;
	}
	const PatchToken name = ps->tok;
	if (name.kind == TOK_WORD || name.kind == TOK_NUMBER) {
		return fail_at(ps, name.line, name.col,
		               "invalid module name '%s', expected a letter or '_' followed by "
		               "letters, digits or '_'",
		               show_tok(&sh, &name));
	}
	if (name.kind != TOK_IDENT) {
		return unexpected(ps, "a module name");
	}
	if (name.len > PATCH_MAX_NAME) {
		return fail_at(ps, name.line, name.col,
		               "module name '%s' is too long, expected at most %u characters",
		               show_tok(&sh, &name), PATCH_MAX_NAME);
	}
	if (tok_is(&name, "note") || tok_is(&name, "ctl")) {
		return fail_at(ps, name.line, name.col,
		               "module name '%s' is reserved, expected another name (note.pitch, "
		               "ctl.modwheel ... are sources)",
		               show_tok(&sh, &name));
	}
	const int dup = find_module(p, name.text, name.len);
	if (dup >= 0) {
		return fail_at(
		        ps, name.line, name.col,
		        "module '%s' already exists, expected a new name (created on line %u)",
		        show_tok(&sh, &name), p->modules[dup].pos.line);
	}
	if (!advance(ps)) {
		return false;
	}

	const PatchToken type = ps->tok;
	if (type.kind != TOK_IDENT && type.kind != TOK_WORD && type.kind != TOK_NUMBER) {
		return unexpected(ps, "a module type");
	}
	const ModuleType* ty = module_registry_find(type.text, type.len);
	if (!ty) {
		Hint h;
		if (type.len <= SUGGEST_MAX) {
			const char* s = module_registry_suggest(type.text, type.len);
			return fail_at(ps, type.line, type.col, "unknown module type '%s'%s%s",
			               show_tok(&sh, &type),
			               s ? "" : ", expected a type from docs/modules.md",
			               hint_text(&h, s));
		}
		return fail_at(ps, type.line, type.col,
		               "unknown module type '%s', expected a type from docs/modules.md",
		               show_tok(&sh, &type));
	}
	if (!advance(ps)) {
		return false;
	}

	bool master = false;
	if (tok_is(&ps->tok, "master")) {
		master = true;
		if (!advance(ps)) {
			return false;
		}
	} else if (!at_eol(ps)) {
		Suggest sg;
		Hint    h;
		suggest_init(&sg, ps->tok.text, ps->tok.len);
		if (ps->tok.kind == TOK_IDENT) {
			suggest_try(&sg, "master");
		}
		return fail_at(ps, ps->tok.line, ps->tok.col,
		               "unexpected '%s', expected 'master' or end of line%s",
		               show_tok(&sh, &ps->tok), hint_text(&h, sg.best));
	}
	if ((ty->flags & MODULE_MASTER_ONLY) && !master) {
		return fail_at(ps, type.line, type.col,
		               "module type '%s' works only once for all voices, expected 'master' "
		               "after it",
		               ty->name);
	}

	PatchModule* pm = &p->modules[p->n_modules++];
	memcpy(pm->name, name.text, name.len);
	pm->name[name.len] = '\0';
	pm->type           = ty;
	pm->master         = master;
	pm->zoned          = false;
	pm->zone_lo        = 0;
	pm->zone_hi        = 127;
	pm->zone_line      = 0;
	pm->pos.line       = ps->stmt.line;
	pm->pos.col        = ps->stmt.col;
	return true;
}

static const char* const note_names[] = {NULL,  "pitch",   "gate",    "velocity",
                                         "random", "key", "release", "pressure", "slide", "unison"};
_Static_assert(sizeof note_names / sizeof note_names[0] == NOTE_SRC_COUNT, "a name per note source");

/* Controllers by name; any other is ccN (N 0..127). */
typedef struct {
	const char* name;
	int         ctl;
} CtlName;

static const CtlName ctl_names[] = {
        {"modwheel", 1},   {"breath", 2},  {"foot", 4}, {"expression", 11},
        {"aftertouch", CTL_AFTERTOUCH}, {"bend", CTL_BEND}, {"tempo", CTL_TEMPO},
};

#define N_CTL_NAMES (sizeof ctl_names / sizeof ctl_names[0])

/* "ctl.modwheel", "ctl.cc74": a controller's name, for messages. */
static const char*
ctl_text(char* buf, size_t cap, int ctl)
{
	for (size_t i = 0; i < N_CTL_NAMES; ++i) {
		if (ctl_names[i].ctl == ctl) {
			snprintf(buf, cap, "ctl.%s", ctl_names[i].name);
			return buf;
		}
	}
	snprintf(buf, cap, "ctl.cc%d", ctl);
	return buf;
}

/* "osc", "note.gate" or "ctl.modwheel": the source of a connection, for messages. */
static const char*
src_text(char* buf, size_t cap, const Parser* ps, const PatchConnection* c)
{
	if (c->src_module >= 0) {
		snprintf(buf, cap, "%s", mod_name(ps, c->src_module));
	} else if (c->src_ctl >= 0) {
		ctl_text(buf, cap, c->src_ctl);
	} else {
		snprintf(buf, cap, "note.%s", note_names[c->src_note]);
	}
	return buf;
}

/* "vcf.in" or "amp.gain": the target of a connection, for messages. */
static const char*
dst_text(char* buf, size_t cap, const Parser* ps, const PatchConnection* c)
{
	const ModuleType* ty = ps->p->modules[c->dst_module].type;
	snprintf(buf, cap, "%s.%s", mod_name(ps, c->dst_module),
	         c->dst_kind == DST_INPUT ? ty->inputs[c->dst_index].name
	                                  : ty->params[c->dst_index].name);
	return buf;
}

/* The controller after "ctl.": a name of ctl_names or ccN; advances. */
static bool
ctl_source(Parser* ps, PatchConnection* c)
{
	Shown            sh;
	const PatchToken t = ps->tok;
	if (t.kind != TOK_IDENT) {
		return unexpected(ps, "a controller after 'ctl.', as in ctl.modwheel or ctl.cc74");
	}
	int ctl = -1;
	for (size_t i = 0; i < N_CTL_NAMES && ctl < 0; ++i) {
		if (word_is(t.text, t.len, ctl_names[i].name)) {
			ctl = ctl_names[i].ctl;
		}
	}
	if (ctl < 0 && t.len >= 3 && t.len <= 5 && t.text[0] == 'c' && t.text[1] == 'c') {
		int n = 0;
		for (size_t i = 2; i < t.len && n >= 0; ++i) {
			n = t.text[i] >= '0' && t.text[i] <= '9' ? n * 10 + (t.text[i] - '0') : -1;
		}
		if (n > 127) {
			return fail_at(ps, t.line, t.col, "controller '%s' does not exist, expected cc0 to cc127",
			               show_tok(&sh, &t));
		}
		ctl = n;
	}
	if (ctl < 0) {
		Suggest sg;
		Hint    h;
		suggest_init(&sg, t.text, t.len);
		for (size_t i = 0; i < N_CTL_NAMES; ++i) {
			suggest_try(&sg, ctl_names[i].name);
		}
		return fail_at(ps, t.line, t.col,
		               "unknown controller '%s', expected modwheel, breath, foot, expression, "
		               "aftertouch, bend, tempo or cc0 to cc127%s",
		               show_tok(&sh, &t), hint_text(&h, sg.best));
	}
	Patch* p = ps->p;
	bool   known = false;
	for (unsigned i = 0; i < p->n_ctls; ++i) {
		known |= p->ctls[i] == ctl;
	}
	if (!known) {
		if (p->n_ctls >= PATCH_MAX_CTLS) {
			return fail_at(ps, t.line, t.col, "too many controllers, expected at most %u different ones",
			               PATCH_MAX_CTLS);
		}
		p->ctls[p->n_ctls++] = (uint8_t)ctl;
	}
	c->src_module = -1;
	c->src_note   = NOTE_SRC_NONE;
	c->src_ctl    = ctl;
	return advance(ps);
}

static bool
connect_source(Parser* ps, PatchConnection* c)
{
	Shown sh;
	c->src_ctl = -1;
	if (ps->tok.kind != TOK_IDENT) {
		return unexpected(
		        ps, "a source: a module name, note.pitch, note.gate, note.velocity ... or ctl.modwheel ...");
	}
	const bool is_ctl = tok_is(&ps->tok, "ctl");
	if (!tok_is(&ps->tok, "note") && !is_ctl) {
		c->src_note = NOTE_SRC_NONE;
		if (!module_ref(ps, &c->src_module)) {
			return false;
		}
		if (ps->tok.kind == TOK_DOT) {
			const char* n = mod_name(ps, c->src_module);
			return fail_at(
			        ps, ps->tok.line, ps->tok.col,
			        "unexpected '.' after source '%s', expected a target (a module has "
			        "one output: write '%s')",
			        n, n);
		}
		return true;
	}
	if (!advance(ps)) {
		return false;
	}
	if (ps->tok.kind != TOK_DOT) {
		return unexpected(ps, is_ctl ? "'.' after 'ctl', as in ctl.modwheel" : "'.' after 'note', as in note.pitch");
	}
	if (!advance(ps)) {
		return false;
	}
	if (is_ctl) {
		return ctl_source(ps, c);
	}
	const PatchToken t = ps->tok;
	if (t.kind != TOK_IDENT) {
		return unexpected(ps, "pitch, gate, velocity, random, key, release, pressure, slide or unison after 'note.'");
	}
	Suggest sg;
	Hint    h;
	suggest_init(&sg, t.text, t.len);
	for (int k = NOTE_SRC_PITCH; k < NOTE_SRC_COUNT; ++k) {
		if (word_is(t.text, t.len, note_names[k])) {
			c->src_module = -1;
			c->src_note   = (NoteSource)k;
			return advance(ps);
		}
		suggest_try(&sg, note_names[k]);
	}
	return fail_at(ps, t.line, t.col,
	               "unknown note source '%s', expected pitch, gate, velocity, random, key, release, pressure, "
	               "slide or unison%s",
	               show_tok(&sh, &t), hint_text(&h, sg.best));
}

static bool
connect_target(Parser* ps, PatchConnection* c)
{
	Shown sh;
	if (tok_is(&ps->tok, "note") || tok_is(&ps->tok, "ctl")) {
		return unexpected(ps, "a target module (note and ctl sources can only send)");
	}
	const PatchToken name = ps->tok;
	if (!module_ref(ps, &c->dst_module)) {
		return false;
	}
	const int         m  = c->dst_module;
	const ModuleType* ty = ps->p->modules[m].type;
	if (ps->tok.kind != TOK_DOT) {
		/* No port: the first input, the way cables plug in by default. */
		if (ty->n_inputs > 0) {
			c->dst_kind  = DST_INPUT;
			c->dst_index = 0;
			return true;
		}
		if (ty->n_params > 0) {
			return fail_at(
			        ps, name.line, name.col,
			        "module '%s' (%s) has no input; connect to one of its parameters, "
			        "e.g. %s.%s",
			        mod_name(ps, m), ty->name, mod_name(ps, m), ty->params[0].name);
		}
		return fail_at(
		        ps, name.line, name.col,
		        "module '%s' (%s) has no input and no parameter, expected another target",
		        mod_name(ps, m), ty->name);
	}
	if (!advance(ps)) {
		return false;
	}
	const PatchToken port = ps->tok;
	if (port.kind != TOK_IDENT) {
		char what[128];
		snprintf(what, sizeof what, "an input or parameter of '%s' (%s)", mod_name(ps, m),
		         ty->name);
		return unexpected(ps, what);
	}
	int i = module_input_index(ty, port.text, port.len);
	if (i >= 0 && (unsigned)i < ty->n_inputs) {
		c->dst_kind  = DST_INPUT;
		c->dst_index = (unsigned)i;
		return advance(ps);
	}
	i = module_param_index(ty, port.text, port.len);
	if (i >= 0 && (unsigned)i < ty->n_params) {
		c->dst_kind  = DST_PARAM;
		c->dst_index = (unsigned)i;
		return advance(ps);
	}
	Suggest sg;
	Hint    h;
	List    l;
	suggest_init(&sg, port.text, port.len);
	list_init(&l);
	for (unsigned k = 0; k < ty->n_inputs; ++k) {
		suggest_try(&sg, ty->inputs[k].name);
		list_add(&l, ty->inputs[k].name);
	}
	for (unsigned k = 0; k < ty->n_params; ++k) {
		suggest_try(&sg, ty->params[k].name);
		list_add(&l, ty->params[k].name);
	}
	if (sg.best) {
		return fail_at(ps, port.line, port.col, "unknown port '%s' of module '%s' (%s)%s",
		               show_tok(&sh, &port), mod_name(ps, m), ty->name,
		               hint_text(&h, sg.best));
	}
	return fail_at(ps, port.line, port.col,
	               "unknown port '%s' of module '%s' (%s), expected one of %s",
	               show_tok(&sh, &port), mod_name(ps, m), ty->name, l.n ? l.s : "(none)");
}

/* The rules a well-formed connection must still obey; t is its target. */
static bool
connect_check(Parser* ps, const PatchConnection* c, const PatchToken* t)
{
	const Patch*       p = ps->p;
	const PatchModule* d = &p->modules[c->dst_module];
	char               src[PATCH_MAX_NAME + 16];
	char               dst[PATCH_MAX_NAME + 80];
	if (c->src_module == c->dst_module) {
		return fail_at(ps, t->line, t->col, "module '%s' cannot connect to itself",
		               d->name);
	}
	if (c->src_module < 0 && c->src_ctl < 0 && d->master) {
		return fail_at(ps, t->line, t->col,
		               "note source '%s' cannot feed master module '%s', which has no note",
		               src_text(src, sizeof src, ps, c), d->name);
	}
	for (unsigned k = 0; k < p->n_connections; ++k) {
		const PatchConnection* o = &p->connections[k];
		if (o->src_module == c->src_module && o->src_note == c->src_note && o->src_ctl == c->src_ctl &&
		    o->dst_module == c->dst_module && o->dst_kind == c->dst_kind &&
		    o->dst_index == c->dst_index) {
			return fail_at(
			        ps, t->line, t->col,
			        "connection from '%s' to '%s' already made on line %u, expected "
			        "each connection once",
			        src_text(src, sizeof src, ps, c), dst_text(dst, sizeof dst, ps, c),
			        o->pos.line);
		}
	}
	return true;
}

static bool
st_connect(Parser* ps)
{
	Patch* p = ps->p;
	if (p->n_connections >= PATCH_MAX_CONNECTIONS) {
		return fail_at(ps, ps->stmt.line, ps->stmt.col,
		               "too many connections, expected at most %u", PATCH_MAX_CONNECTIONS);
	}
	PatchConnection c;
	memset(&c, 0, sizeof c);
	c.depth    = 1.0f;
	c.pos.line = ps->stmt.line;
	c.pos.col  = ps->stmt.col;
	if (!advance(ps) || !connect_source(ps, &c)) {
		return false;
	}
	const PatchToken target = ps->tok;
	if (!connect_target(ps, &c) || !connect_check(ps, &c, &target)) {
		return false;
	}
	if (!at_eol(ps)) {
		const PatchToken t = ps->tok;
		if (!number(ps, "a number (the depth) or end of line", &c.depth)) {
			return false;
		}
		if (!(fabsf(c.depth) <= PATCH_MAX_DEPTH)) {
			Shown sh;
			return fail_at(ps, t.line, t.col,
			               "depth '%s' is out of range, expected %.0f to %.0f",
			               show_tok(&sh, &t), -(double)PATCH_MAX_DEPTH,
			               (double)PATCH_MAX_DEPTH);
		}
		c.has_depth = true;
	}
	p->connections[p->n_connections++] = c;
	return true;
}

static bool
st_set(Parser* ps)
{
	Patch* p = ps->p;
	if (p->n_settings >= PATCH_MAX_SETTINGS) {
		return fail_at(ps, ps->stmt.line, ps->stmt.col,
		               "too many settings, expected at most %u", PATCH_MAX_SETTINGS);
	}
	PatchSetting s;
	memset(&s, 0, sizeof s);
	s.pos.line = ps->stmt.line;
	s.pos.col  = ps->stmt.col;
	if (!advance(ps) || !module_ref(ps, &s.module) || !param_ref(ps, s.module, &s.param)) {
		return false;
	}
	const ParamSpec* sp = &p->modules[s.module].type->params[s.param];
	if (!param_value(ps, s.module, sp, &s.value)) {
		return false;
	}
	p->settings[p->n_settings++] = s;
	return true;
}

/* `macro <knob> "Name"`: names a knob (bound or not) for the musician.
 * At most PATCH_MAX_KNOB_NAME bytes of printable text (well-formed UTF-8,
 * no control bytes: a name is one field of the UI's graph message), not
 * blank, once per knob. The current token is the string. */
static bool
knob_name(Parser* ps, unsigned knob)
{
	PatchKnobName*   kn = &ps->p->knob_names[knob - 1];
	const PatchToken t  = ps->tok;
	Shown            sh;
	char             buf[PATCH_MAX_KNOB_NAME];
	if (kn->pos.line) {
		return fail_at(ps, t.line, t.col,
		               "knob %u is named twice, expected one name a knob (the first is on line %u)", knob,
		               kn->pos.line);
	}
	const size_t n = patch_lex_string(&t, buf, sizeof buf);
	if (n > PATCH_MAX_KNOB_NAME) {
		return fail_at(ps, t.line, t.col, "knob name '%s' is too long, expected at most %u bytes",
		               show_tok(&sh, &t), PATCH_MAX_KNOB_NAME);
	}
	bool blank = true;
	for (size_t i = 0; i < n;) {
		const unsigned char c = (unsigned char)buf[i];
		const size_t        k = c >= 0x80 ? utf8_seq((const unsigned char*)buf + i, n - i) : 1;
		if (k == 0 || c < 0x20 || c == 0x7f) {
			return fail_at(ps, t.line, t.col,
			               "knob name '%s' has a byte that is not printable text, expected letters, "
			               "digits, spaces and punctuation",
			               show_tok(&sh, &t));
		}
		blank = blank && c == ' ';
		i += k;
	}
	if (blank) {
		return fail_at(ps, t.line, t.col, "knob name '%s' is blank, expected a name such as \"Cutoff\"",
		               show_tok(&sh, &t));
	}
	memcpy(kn->name, buf, n);
	kn->name[n]  = '\0';
	kn->pos.line = t.line;
	kn->pos.col  = t.col;
	return advance(ps);
}

static bool
st_macro(Parser* ps)
{
	Patch* p = ps->p;
	Shown  sh;
	PatchMacro mc;
	memset(&mc, 0, sizeof mc);
	mc.pos.line = ps->stmt.line;
	mc.pos.col  = ps->stmt.col;
	if (!advance(ps)) {
		return false;
	}
	char             what[64];
	const PatchToken kt = ps->tok;
	float            knob;
	snprintf(what, sizeof what, "a knob number from 1 to %u", PATCH_MACRO_KNOBS);
	if (!number(ps, what, &knob)) {
		return false;
	}
	if (knob != floorf(knob) || knob < 1.0f || knob > (float)PATCH_MACRO_KNOBS) {
		return fail_at(ps, kt.line, kt.col, "knob '%s' does not exist, expected 1 to %u",
		               show_tok(&sh, &kt), PATCH_MACRO_KNOBS);
	}
	mc.knob = (unsigned)knob;
	if (ps->tok.kind == TOK_STRING) {
		return knob_name(ps, mc.knob);
	}
	if (p->n_macros >= PATCH_MAX_MACROS) {
		return fail_at(ps, ps->stmt.line, ps->stmt.col,
		               "too many macro bindings, expected at most %u", PATCH_MAX_MACROS);
	}
	if (ps->tok.kind != TOK_IDENT) {
		return unexpected(ps, "a module name, or a quoted knob name as in macro 1 \"Cutoff\"");
	}
	if (!module_ref(ps, &mc.module) || !param_ref(ps, mc.module, &mc.param)) {
		return false;
	}
	const ParamSpec* sp = &p->modules[mc.module].type->params[mc.param];
	const PatchToken lo = ps->tok;
	if (!number(ps, "a number (the low end)", &mc.lo) ||
	    !in_range(ps, &lo, mc.module, sp, mc.lo)) {
		return false;
	}
	const PatchToken hi = ps->tok;
	if (!number(ps, "a number (the high end)", &mc.hi) ||
	    !in_range(ps, &hi, mc.module, sp, mc.hi)) {
		return false;
	}
	mc.curve = sp->curve;
	if (!at_eol(ps)) {
		if (tok_is(&ps->tok, "lin")) {
			mc.curve = CURVE_LIN;
		} else if (tok_is(&ps->tok, "exp")) {
			mc.curve = CURVE_EXP;
		} else {
			Suggest sg;
			Hint    h;
			suggest_init(&sg, ps->tok.text, ps->tok.len);
			if (ps->tok.kind == TOK_IDENT) {
				suggest_try(&sg, "lin");
				suggest_try(&sg, "exp");
			}
			if (ps->tok.kind == TOK_STRING || ps->tok.kind == TOK_DOT) {
				return unexpected(ps, "lin, exp or end of line");
			}
			return fail_at(ps, ps->tok.line, ps->tok.col,
			               "unknown curve '%s', expected lin, exp or end of line%s",
			               show_tok(&sh, &ps->tok), hint_text(&h, sg.best));
		}
		if (!advance(ps)) {
			return false;
		}
	}
	if (mc.curve == CURVE_EXP && (mc.lo <= 0.0f || mc.hi <= 0.0f)) {
		/* An exponential sweep multiplies: it can neither start at nor
		 * cross zero. Point at the bound that breaks it. */
		const PatchToken* t = mc.lo <= 0.0f ? &lo : &hi;
		return fail_at(
		        ps, t->line, t->col,
		        "exp curve cannot reach '%s', expected lo and hi above 0 or curve lin",
		        show_tok(&sh, t));
	}
	p->macros[p->n_macros++] = mc;
	return true;
}

static bool
st_out(Parser* ps)
{
	if (ps->out_line) {
		return fail_at(
		        ps, ps->stmt.line, ps->stmt.col,
		        "second 'out' statement, expected exactly one (the first is on line %u)",
		        ps->out_line);
	}
	if (!advance(ps) || !module_ref(ps, &ps->p->out_module)) {
		return false;
	}
	ps->out_line = ps->stmt.line;
	return true;
}

/* One of `words` (n of them, NULL-free) at the current token; advances.
 * what: "poly, mono or legato", for the message. */
static bool
keyword(Parser* ps, const char* const* words, unsigned n, const char* kind, const char* what, unsigned* out)
{
	Shown            sh;
	const PatchToken t = ps->tok;
	if (t.kind != TOK_IDENT) {
		char buf[128];
		snprintf(buf, sizeof buf, "%s", what);
		return unexpected(ps, buf);
	}
	Suggest sg;
	Hint    h;
	suggest_init(&sg, t.text, t.len);
	for (unsigned i = 0; i < n; ++i) {
		if (word_is(t.text, t.len, words[i])) {
			*out = i;
			return advance(ps);
		}
		suggest_try(&sg, words[i]);
	}
	return fail_at(ps, t.line, t.col, "unknown %s '%s', expected %s%s", kind, show_tok(&sh, &t), what,
	               hint_text(&h, sg.best));
}

/* A number in [lo, hi] at the current token; advances. */
static bool
number_in(Parser* ps, const char* what, float lo, float hi, const char* unit, float* value)
{
	const PatchToken t = ps->tok;
	if (!number(ps, what, value)) {
		return false;
	}
	if (!(*value >= lo && *value <= hi)) {
		Shown sh;
		return fail_at(ps, t.line, t.col, "'%s' is out of range, expected %g to %g%s%s", show_tok(&sh, &t),
		               (double)lo, (double)hi, unit[0] ? " " : "", unit);
	}
	return true;
}

/* `voice poly|mono|legato` */
static bool
st_voice(Parser* ps)
{
	static const char* const modes[] = {"poly", "mono", "legato"};
	unsigned                 m;
	if (!advance(ps) || !keyword(ps, modes, 3, "voice mode", "poly, mono or legato", &m)) {
		return false;
	}
	ps->p->voicing.mode = (VoiceMode)m;
	return true;
}

/* `priority last|low|high` */
static bool
st_priority(Parser* ps)
{
	static const char* const prios[] = {"last", "low", "high"};
	unsigned                 m;
	if (!advance(ps) || !keyword(ps, prios, 3, "note priority", "last, low or high", &m)) {
		return false;
	}
	ps->p->voicing.priority = (NotePriority)m;
	return true;
}

/* `glide MS [time|rate] [always|legato]` */
static bool
st_glide(Parser* ps)
{
	PatchVoicing* v = &ps->p->voicing;
	if (!advance(ps) || !number_in(ps, "a glide time in ms", 0.0f, PATCH_MAX_GLIDE_MS, "ms", &v->glide_ms)) {
		return false;
	}
	static const char* const opts[] = {"time", "rate", "always", "legato"};
	bool                     seen_kind = false, seen_when = false;
	while (!at_eol(ps)) {
		const PatchToken t = ps->tok;
		unsigned         o;
		if (!keyword(ps, opts, 4, "glide option", "time, rate, always, legato or end of line", &o)) {
			return false;
		}
		bool* seen = o < 2 ? &seen_kind : &seen_when;
		if (*seen) {
			Shown sh;
			return fail_at(ps, t.line, t.col, "'%s' contradicts an earlier glide option, expected %s",
			               show_tok(&sh, &t), o < 2 ? "one of time or rate" : "one of always or legato");
		}
		*seen = true;
		if (o < 2) {
			v->glide_rate = o == 1;
		} else {
			v->glide_legato = o == 3;
		}
	}
	return true;
}

/* `bend UP [DOWN]`: semitones, DOWN as UP when not given. */
static bool
st_bend(Parser* ps)
{
	PatchVoicing* v = &ps->p->voicing;
	if (!advance(ps) ||
	    !number_in(ps, "a bend range up, in semitones", 0.0f, PATCH_MAX_BEND, "semitones", &v->bend_up)) {
		return false;
	}
	v->bend_down = v->bend_up;
	if (!at_eol(ps)) {
		return number_in(ps, "a bend range down, in semitones, or end of line", 0.0f, PATCH_MAX_BEND,
		                 "semitones", &v->bend_down);
	}
	return true;
}

/* `pan <module>`: a per-voice module whose output (-1..1) places each
 * voice in the stereo image; without it the patch is mono. */
static bool
st_pan(Parser* ps)
{
	if (ps->pan_line) {
		return fail_at(
		        ps, ps->stmt.line, ps->stmt.col,
		        "second 'pan' statement, expected at most one (the first is on line %u)",
		        ps->pan_line);
	}
	if (!advance(ps)) {
		return false;
	}
	const PatchToken t = ps->tok;
	int              m = -1;
	if (!module_ref(ps, &m)) {
		return false;
	}
	if (ps->p->modules[m].master) {
		return fail_at(ps, t.line, t.col,
		               "master module '%s' cannot pan the voices, expected a per-voice module "
		               "(e.g. 'create p pan', then 'pan p')",
		               mod_name(ps, m));
	}
	ps->p->pan_module = m;
	ps->pan_line      = ps->stmt.line;
	return true;
}

/* `unison <count> [<detune cents>]`: every note plays `count` voices
 * (1 .. PATCH_MAX_UNISON), detuned evenly over the total detune in cents
 * (0 when not given), centred on the key. */
static bool
st_unison(Parser* ps)
{
	PatchVoicing*    v = &ps->p->voicing;
	float            n = 0.0f;
	if (!advance(ps)) {
		return false;
	}
	const PatchToken t = ps->tok;
	if (!number_in(ps, "a count of voices, 1 to 16", 1.0f, (float)PATCH_MAX_UNISON, "voices", &n)) {
		return false;
	}
	if (n != floorf(n)) {
		Shown sh;
		return fail_at(ps, t.line, t.col, "'%s' is not a whole number, expected 1 to %u voices", show_tok(&sh, &t),
		               PATCH_MAX_UNISON);
	}
	v->unison       = (unsigned)n;
	v->unison_cents = 0.0f;
	if (!at_eol(ps)) {
		return number_in(ps, "a total detune in cents, or end of line", 0.0f, PATCH_MAX_UNISON_CENTS, "cents",
		                 &v->unison_cents);
	}
	return true;
}

/* `zone <module> <low key> [<high key>]`: the module's output is heard
 * only for notes whose key is in low..high (one key when high is not
 * given): splits and layers, and a drum kit in one patch. */
static bool
st_zone(Parser* ps)
{
	if (!advance(ps)) {
		return false;
	}
	const PatchToken t = ps->tok;
	int              m = -1;
	if (!module_ref(ps, &m)) {
		return false;
	}
	PatchModule* pm = &ps->p->modules[m];
	if (pm->master) {
		return fail_at(ps, t.line, t.col,
		               "master module '%s' plays for every key, expected a per-voice module (a zone picks "
		               "which voices hear it)",
		               mod_name(ps, m));
	}
	if (pm->zoned) {
		return fail_at(ps, t.line, t.col,
		               "module '%s' has a zone already (line %u), expected one zone per module (give each "
		               "range its own chain)",
		               mod_name(ps, m), pm->zone_line);
	}
	float lo = 0.0f, hi = 0.0f;
	if (!number_in(ps, "a low key, 0 to 127", 0.0f, 127.0f, "", &lo)) {
		return false;
	}
	hi = lo;
	const PatchToken th = ps->tok;
	if (!at_eol(ps) && !number_in(ps, "a high key, 0 to 127, or end of line", 0.0f, 127.0f, "", &hi)) {
		return false;
	}
	if (lo != floorf(lo) || hi != floorf(hi)) {
		return fail_at(ps, t.line, t.col, "a zone's keys are whole numbers, got %g to %g", (double)lo, (double)hi);
	}
	if (hi < lo) {
		return fail_at(ps, th.line, th.col, "high key %g is below low key %g, expected low to high", (double)hi,
		               (double)lo);
	}
	pm->zoned     = true;
	pm->zone_lo   = (uint8_t)lo;
	pm->zone_hi   = (uint8_t)hi;
	pm->zone_line = ps->stmt.line;
	return true;
}

/* `wavetable <module> "file.wav" [<samples per wave>]`: the table a
 * wavetable module plays, from a WAV file (read by the build, not here:
 * parsing touches no file). */
static bool
st_wavetable(Parser* ps)
{
	Patch* p = ps->p;
	if (!advance(ps)) {
		return false;
	}
	const PatchToken t = ps->tok;
	int              m = -1;
	if (!module_ref(ps, &m)) {
		return false;
	}
	if (strcmp(p->modules[m].type->name, "wavetable") != 0) {
		return fail_at(ps, t.line, t.col, "module '%s' is a %s, expected a wavetable module (e.g. 'create w wavetable')",
		               mod_name(ps, m), p->modules[m].type->name);
	}
	for (unsigned i = 0; i < p->n_wavetables; ++i) {
		if (p->wavetables[i].module == m) {
			return fail_at(ps, t.line, t.col, "module '%s' has a wavetable file already (line %u), expected one per module",
			               mod_name(ps, m), p->wavetables[i].pos.line);
		}
	}
	if (p->n_wavetables >= PATCH_MAX_WAVETABLES) {
		return fail_at(ps, ps->stmt.line, ps->stmt.col, "too many wavetable statements, expected at most %u",
		               PATCH_MAX_WAVETABLES);
	}
	const PatchToken f = ps->tok;
	if (f.kind != TOK_STRING) {
		return unexpected(ps, "a quoted file name, as in wavetable w \"tables/formant.wav\"");
	}
	PatchWavetable* w = &p->wavetables[p->n_wavetables];
	const size_t    n = patch_lex_string(&f, w->path, PATCH_MAX_PATH);
	if (n > PATCH_MAX_PATH || n == 0 || memchr(w->path, '\0', n)) {
		return fail_at(ps, f.line, f.col, "%s, expected a file name of 1 to %u bytes", n ? (n > PATCH_MAX_PATH ? "file name too long" : "a NUL byte in the file name") : "empty file name", PATCH_MAX_PATH);
	}
	w->path[n] = '\0';
	w->module  = m;
	w->wave    = 2048u; /* Serum's convention, most wavetable files */
	w->pos     = (PatchPos){f.line, f.col};
	if (!advance(ps)) {
		return false;
	}
	if (!at_eol(ps)) {
		const PatchToken tn = ps->tok;
		float            v  = 0.0f;
		if (!number_in(ps, "samples per wave, a power of two from 64 to 8192", 64.0f, 8192.0f, "", &v)) {
			return false;
		}
		const unsigned k = (unsigned)v;
		if ((float)k != v || (k & (k - 1))) {
			return fail_at(ps, tn.line, tn.col, "%g samples per wave, expected a power of two from 64 to 8192 (2048 "
			               "for most wavetable files)", (double)v);
		}
		w->wave = k;
	}
	++p->n_wavetables;
	return true;
}

typedef struct {
	const char* word;
	bool (*parse)(Parser* ps);
} Statement;

static const Statement statements[] = {
        {"patch", st_patch}, {"create", st_create}, {"connect", st_connect},
        {"set", st_set},     {"macro", st_macro},   {"out", st_out},
        {"voice", st_voice}, {"priority", st_priority}, {"glide", st_glide}, {"bend", st_bend},
        {"pan", st_pan},     {"zone", st_zone},     {"unison", st_unison}, {"wavetable", st_wavetable},
};

#define N_STATEMENTS (sizeof statements / sizeof statements[0])

/* One statement, from its first word to the end of its line. */
static bool
statement(Parser* ps)
{
	const PatchToken t = ps->tok;
	Shown            sh;
	ps->stmt = t;
	if (t.kind != TOK_IDENT) {
		return unexpected(ps, "a statement: patch, create, connect, set, macro, out, pan, zone, wavetable, voice, "
		                       "priority, glide, bend or unison");
	}
	Suggest sg;
	suggest_init(&sg, t.text, t.len);
	for (size_t i = 0; i < N_STATEMENTS; ++i) {
		if (tok_is(&t, statements[i].word)) {
			if (!statements[i].parse(ps)) {
				return false;
			}
			if (!at_eol(ps)) {
				return fail_at(ps, ps->tok.line, ps->tok.col,
				               "unexpected '%s' after end of statement, expected "
				               "end of line",
				               show_tok(&sh, &ps->tok));
			}
			return true;
		}
		suggest_try(&sg, statements[i].word);
	}
	if (sg.best) {
		Hint h;
		return fail_at(ps, t.line, t.col, "unknown statement '%s'%s", show_tok(&sh, &t),
		               hint_text(&h, sg.best));
	}
	return fail_at(ps, t.line, t.col,
	               "unknown statement '%s', expected patch, create, connect, set, macro, out, pan, zone, "
	               "wavetable, voice, priority, glide, bend or unison",
	               show_tok(&sh, &t));
}

/* Whole-text checks before any token: NUL bytes (a C string would end
 * there, so the text would not mean what it shows) and over-long lines. */
static bool
check_text(Parser* ps, const char* text, size_t len)
{
	unsigned line  = 1;
	size_t   start = 0;
	for (size_t i = 0; i < len; ++i) {
		const char c = text[i];
		if (c == '\n') {
			++line;
			start = i + 1;
			continue;
		}
		if (c == '\0') {
			return fail_at(ps, line, (unsigned)(i - start + 1),
			               "unexpected NUL byte, expected text");
		}
		/* Byte PATCH_MAX_LINE + 1 of a line, unless it is the CR of a CR LF. */
		if (i - start == PATCH_MAX_LINE &&
		    !(c == '\r' && i + 1 < len && text[i + 1] == '\n')) {
			return fail_at(ps, line, PATCH_MAX_LINE + 1,
			               "line too long, expected at most %u bytes", PATCH_MAX_LINE);
		}
	}
	return true;
}

bool
patch_parse(const char* text, size_t len, Patch* out, PatchError* err)
{
	PatchError scratch; /* lets a NULL err still fail cleanly */
	Parser     ps;
	memset(&scratch, 0, sizeof scratch);
	memset(&ps, 0, sizeof ps);
	ps.err = err ? err : &scratch;
	ps.p   = out;
	memset(ps.err, 0, sizeof *ps.err);
	if (!out) {
		return fail_at(&ps, 0, 0, "no patch to fill");
	}
	if (!text && len > 0) {
		return fail_at(&ps, 0, 0, "no patch text");
	}
	if (len > PATCH_MAX_TEXT) {
		return fail_at(&ps, 0, 0, "patch text is %zu bytes, expected at most %u", len,
		               PATCH_MAX_TEXT);
	}
	if (!check_text(&ps, text, len)) {
		return false;
	}
	memset(out, 0, sizeof *out);
	out->out_module        = -1;
	out->pan_module        = -1;
	out->voicing.bend_up   = 2.0f;
	out->voicing.bend_down = 2.0f;
	out->voicing.unison    = 1;
	patch_lex_init(&ps.lex, text, len);
	for (;;) {
		if (!advance(&ps)) {
			return false;
		}
		if (ps.tok.kind == TOK_END) {
			break;
		}
		if (ps.tok.kind == TOK_NEWLINE) {
			continue;
		}
		if (!statement(&ps)) {
			return false;
		}
		if (ps.tok.kind == TOK_END) {
			break;
		}
	}
	if (out->out_module < 0) {
		return fail_at(&ps, 0, 0, "patch has no 'out' statement");
	}
	return true;
}
