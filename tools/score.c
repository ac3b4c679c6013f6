/* SPDX-License-Identifier: ISC
 *
 * Score parsing and rendering. A score is a list of timed lines:
 *   length 8
 *   at 0.5 note 60 100 0.25
 * see docs/score-format.md for every statement.
 */
#define _GNU_SOURCE
#include "score.h"

#include "chronus_config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
add_event(Score* s, size_t* cap, ScoreEvent ev)
{
	if (s->n_events == *cap) {
		*cap          = *cap ? *cap * 2 : 64;
		ScoreEvent* e = realloc(s->events, *cap * sizeof(ScoreEvent));
		if (!e) {
			return false;
		}
		s->events = e;
	}
	ev.seq                   = s->n_events;
	s->events[s->n_events++] = ev;
	return true;
}

static int
cmp_events(const void* a, const void* b)
{
	const ScoreEvent* x = a;
	const ScoreEvent* y = b;
	if (x->frame != y->frame) {
		return x->frame < y->frame ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static bool
fail(char* err, size_t size, unsigned line, const char* what)
{
	snprintf(err, size, "score line %u: %s", line, what);
	return false;
}

static char*
resolve(const char* base_dir, const char* path)
{
	if (path[0] == '/' || !base_dir || !base_dir[0]) {
		return strdup(path);
	}
	char* out = NULL;
	if (asprintf(&out, "%s/%s", base_dir, path) < 0) {
		return NULL;
	}
	return out;
}

/* One control change on a channel status byte (0xb0 | channel) at ev's
 * frame: the RPN statements are runs of these. */
static bool
add_cc(Score* s, size_t* cap, ScoreEvent ev, uint8_t status, uint8_t cc, uint8_t value)
{
	ev.type    = SCORE_MIDI;
	ev.midi[0] = status, ev.midi[1] = cc, ev.midi[2] = value, ev.midi_size = 3;
	return add_event(s, cap, ev);
}

/* RPN null (CC 101 = CC 100 = 127) after a parameter, as RP-053 asks, so
 * that a later Data Entry changes nothing by mistake. */
static bool
add_rpn_null(Score* s, size_t* cap, ScoreEvent ev, uint8_t status)
{
	return add_cc(s, cap, ev, status, 101, 127) && add_cc(s, cap, ev, status, 100, 127);
}

/* "ch N": the channel, 1..16, or 0 if the text is not one. */
static int
parse_channel(const char* text)
{
	char*      end = NULL;
	const long n   = strtol(text, &end, 10);
	return end != text && !*end && n >= 1 && n <= 16 ? (int)n : 0;
}

bool
score_parse(const char* text, const char* base_dir, double rate, Score* s, char* err, size_t err_size)
{
	*s          = (Score){0};
	s->rate     = rate;
	size_t   cap = 0;
	double   length = -1.0, last = 0.0;
	unsigned lineno = 0;
	const char* p   = text;
	char        line[1024];
	while (*p) {
		++lineno;
		const char* nl  = strchr(p, '\n');
		size_t      len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(line)) {
			score_free(s);
			return fail(err, err_size, lineno, "line too long");
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		char* hash = strchr(line, '#');
		if (hash) {
			*hash = '\0';
		}
		char  verb[32] = "", what[32] = "", arg[512] = "";
		double t = 0.0;
		int    consumed = 0;
		if (sscanf(line, " %31s%n", verb, &consumed) != 1) {
			continue; /* blank */
		}
		if (!strcmp(verb, "length")) {
			if (sscanf(line + consumed, "%lf", &length) != 1 || !(length > 0.0) || length > 3600.0) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'length SECONDS' (0 < SECONDS <= 3600)");
			}
			continue;
		}
		const char* rest = line + consumed;
		if (strcmp(verb, "at") || sscanf(rest, "%lf %31s%n", &t, what, &consumed) != 2 || !(t >= 0.0) ||
		    t > 3600.0) {
			score_free(s);
			return fail(err, err_size, lineno, "expected 'at SECONDS [ch CHANNEL] WHAT ...' or 'length SECONDS'");
		}
		rest += consumed;
		/* The channel of a MIDI statement: its status bytes' low nibble. */
		int chan = 1;
		if (!strcmp(what, "ch")) {
			char number[16] = "";
			if (sscanf(rest, "%15s%n", number, &consumed) != 1 || !(chan = parse_channel(number))) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'ch CHANNEL(1-16)'");
			}
			rest += consumed;
			if (sscanf(rest, "%31s%n", what, &consumed) != 1) {
				score_free(s);
				return fail(err, err_size, lineno, "expected an event after 'ch CHANNEL'");
			}
			rest += consumed;
			if (!strcmp(what, "control") || !strcmp(what, "patch") || !strcmp(what, "tempo")) {
				score_free(s);
				snprintf(arg, sizeof(arg), "'ch' is for MIDI statements, not '%s'", what);
				return fail(err, err_size, lineno, arg);
			}
			if (!strcmp(what, "mpe")) { /* an MCM goes to its zone's master channel, 1 or 16 */
				score_free(s);
				return fail(err, err_size, lineno, "'ch' does not go with 'mpe' (the zone gives the channel)");
			}
		}
		const uint8_t c   = (uint8_t)(chan - 1);
		ScoreEvent    ev  = {0};
		ev.frame          = (uint64_t)llround(t * rate);
		ev.line           = lineno;
		int   a = 0, b = 0;
		double d = 0.0;
		if (!strcmp(what, "note")) {
			if (sscanf(rest, "%d %d %lf", &a, &b, &d) != 3 || a < 0 || a > 127 || b < 1 || b > 127 || !(d > 0.0)) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'note NOTE(0-127) VELOCITY(1-127) SECONDS'");
			}
			ev.type = SCORE_MIDI;
			ev.midi[0] = 0x90 | c, ev.midi[1] = (uint8_t)a, ev.midi[2] = (uint8_t)b, ev.midi_size = 3;
			add_event(s, &cap, ev);
			ev.frame   = (uint64_t)llround((t + d) * rate);
			ev.midi[0] = 0x80 | c, ev.midi[2] = 0;
			add_event(s, &cap, ev);
			last = fmax(last, t + d);
		} else if (!strcmp(what, "control")) {
			if (sscanf(rest, "%31s %f", ev.symbol, &ev.value) != 2 || !isfinite(ev.value)) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'control SYMBOL VALUE'");
			}
			ev.type = SCORE_CONTROL;
			add_event(s, &cap, ev);
		} else if (!strcmp(what, "bend")) {
			if (sscanf(rest, "%lf", &d) != 1 || d < -1.0 || d > 1.0) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'bend AMOUNT' (-1 .. 1)");
			}
			const int raw = (int)lrint(d * (d > 0.0 ? 8191.0 : 8192.0)) + 8192;
			ev.type = SCORE_MIDI;
			ev.midi[0] = 0xe0 | c, ev.midi[1] = raw & 0x7f, ev.midi[2] = (uint8_t)(raw >> 7), ev.midi_size = 3;
			add_event(s, &cap, ev);
		} else if (!strcmp(what, "sustain")) {
			if (sscanf(rest, "%31s", arg) != 1 || (strcmp(arg, "on") && strcmp(arg, "off"))) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'sustain on' or 'sustain off'");
			}
			add_cc(s, &cap, ev, 0xb0 | c, 64, strcmp(arg, "on") ? 0 : 127);
		} else if (!strcmp(what, "cc")) {
			if (sscanf(rest, "%d %d", &a, &b) != 2 || a < 0 || a > 127 || b < 0 || b > 127) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'cc NUMBER VALUE' (0-127 each)");
			}
			add_cc(s, &cap, ev, 0xb0 | c, (uint8_t)a, (uint8_t)b);
		} else if (!strcmp(what, "aftertouch")) {
			if (sscanf(rest, "%d", &a) != 1 || a < 0 || a > 127) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'aftertouch VALUE' (0-127)");
			}
			ev.type = SCORE_MIDI;
			ev.midi[0] = 0xd0 | c, ev.midi[1] = (uint8_t)a, ev.midi_size = 2;
			add_event(s, &cap, ev);
		} else if (!strcmp(what, "pressure")) {
			if (sscanf(rest, "%d %d", &a, &b) != 2 || a < 0 || a > 127 || b < 0 || b > 127) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'pressure NOTE VALUE' (0-127 each)");
			}
			ev.type = SCORE_MIDI;
			ev.midi[0] = 0xa0 | c, ev.midi[1] = (uint8_t)a, ev.midi[2] = (uint8_t)b, ev.midi_size = 3;
			add_event(s, &cap, ev);
		} else if (!strcmp(what, "program")) {
			int n = sscanf(rest, "%d %d", &a, &b);
			if (n < 1 || a < 0 || a > 127 || (n == 2 && (b < 0 || b > 16383))) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'program NUMBER [BANK]' (0-127, bank 0-16383)");
			}
			if (n == 2) { /* Bank Select MSB and LSB, then the change, at the same frame */
				add_cc(s, &cap, ev, 0xb0 | c, 0, (uint8_t)(b >> 7));
				add_cc(s, &cap, ev, 0xb0 | c, 32, (uint8_t)(b & 0x7f));
			}
			ev.type = SCORE_MIDI;
			ev.midi[0] = 0xc0 | c, ev.midi[1] = (uint8_t)a, ev.midi[2] = 0, ev.midi_size = 2;
			add_event(s, &cap, ev);
		} else if (!strcmp(what, "mpe")) {
			/* The MPE Configuration Message (RPN 6) on the zone's master
			 * channel: 1 for the lower zone, 16 for the upper. */
			if (sscanf(rest, "%31s %d", arg, &a) != 2 || (strcmp(arg, "lower") && strcmp(arg, "upper")) || a < 0 ||
			    a > 15) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'mpe lower|upper MEMBERS(0-15)'");
			}
			const uint8_t status = strcmp(arg, "lower") ? 0xbf : 0xb0;
			add_cc(s, &cap, ev, status, 101, 0);
			add_cc(s, &cap, ev, status, 100, 6);
			add_cc(s, &cap, ev, status, 6, (uint8_t)a);
			add_rpn_null(s, &cap, ev, status);
		} else if (!strcmp(what, "bendrange")) {
			/* RPN 0, pitch bend sensitivity: SEMITONES in the Data Entry
			 * MSB, no cents in the LSB. */
			if (sscanf(rest, "%d", &a) != 1 || a < 0 || a > 96) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'bendrange SEMITONES' (0-96)");
			}
			add_cc(s, &cap, ev, 0xb0 | c, 101, 0);
			add_cc(s, &cap, ev, 0xb0 | c, 100, 0);
			add_cc(s, &cap, ev, 0xb0 | c, 6, (uint8_t)a);
			add_cc(s, &cap, ev, 0xb0 | c, 38, 0);
			add_rpn_null(s, &cap, ev, 0xb0 | c);
		} else if (!strcmp(what, "tempo")) {
			if (sscanf(rest, "%lf", &d) != 1 || !(d >= 1.0) || d > 999.0) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'tempo BPM' (1 .. 999)");
			}
			ev.type  = SCORE_TEMPO; /* the host's transport, rolling, as a time:Position */
			ev.value = (float)d;
			add_event(s, &cap, ev);
		} else if (!strcmp(what, "patch")) {
			if (sscanf(rest, " %511[^\n]", arg) != 1) {
				score_free(s);
				return fail(err, err_size, lineno, "expected 'patch FILE'");
			}
			for (size_t n = strlen(arg); n && isspace((unsigned char)arg[n - 1]); --n) {
				arg[n - 1] = '\0';
			}
			ev.type = SCORE_PATCH_FILE;
			ev.text = resolve(base_dir, arg);
			add_event(s, &cap, ev);
		} else {
			score_free(s);
			return fail(err, err_size, lineno, "unknown event (expected note, control, bend, sustain, cc, aftertouch, pressure, "
			                                   "program, mpe, bendrange, tempo or patch)");
		}
		last = fmax(last, t);
	}
	qsort(s->events, s->n_events, sizeof(ScoreEvent), cmp_events);
	s->frames = (uint64_t)llround((length > 0.0 ? length : last + 2.0) * rate);
	return true;
}

bool
score_load(const char* path, double rate, Score* out, char* err, size_t err_size)
{
	FILE* f = fopen(path, "rb");
	if (!f) {
		snprintf(err, err_size, "cannot open score '%s': %s", path, strerror(errno));
		return false;
	}
	char*  text = NULL;
	size_t size = 0;
	FILE*  mem  = open_memstream(&text, &size);
	char   buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		fwrite(buf, 1, n, mem);
	}
	fclose(f);
	fclose(mem);
	char* dir   = strdup(path);
	char* slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
	} else {
		strcpy(dir, ".");
	}
	const bool ok = score_parse(text, dir, rate, out, err, err_size);
	free(dir);
	free(text);
	return ok;
}

void
score_free(Score* s)
{
	for (size_t i = 0; i < s->n_events; ++i) {
		free(s->events[i].text);
	}
	free(s->events);
	*s = (Score){0};
}

bool
score_check_controls(const Score* s, Host* host, char* err, size_t err_size)
{
	for (size_t i = 0; i < s->n_events; ++i) {
		const ScoreEvent* ev = &s->events[i];
		if (ev->type == SCORE_CONTROL && !host_is_input_control(host, ev->symbol)) {
			char ports[512];
			host_input_controls(host, ports, sizeof(ports));
			snprintf(err, err_size, "score line %u: the plugin has no control '%s' (its controls: %s)", ev->line,
			         ev->symbol, ports);
			return false;
		}
	}
	return true;
}

unsigned
score_patch_line_before(const Score* s, uint64_t frame)
{
	unsigned line = 0;
	for (size_t i = 0; i < s->n_events && s->events[i].frame <= frame; ++i) {
		line = s->events[i].type == SCORE_PATCH_FILE ? s->events[i].line : line;
	}
	return line;
}

static uint32_t
next_random(uint32_t* state)
{
	uint32_t x = *state ? *state : 0x9e3779b9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

bool
score_render(Host* host, const Score* s, BlockPlan plan, float* left, float* right)
{
	uint32_t rng = plan.seed;
	size_t   e   = 0;
	uint64_t pos = 0;
	while (pos < s->frames) {
		/* Controls due now take effect at this frame. */
		for (; e < s->n_events && s->events[e].frame <= pos && s->events[e].type == SCORE_CONTROL; ++e) {
			host_set_control(host, s->events[e].symbol, s->events[e].value);
		}
		uint32_t n = plan.random ? 1 + next_random(&rng) % plan.block : plan.block;
		if (pos + n > s->frames) {
			n = (uint32_t)(s->frames - pos);
		}
		/* Split at the next control change. */
		for (size_t k = e; k < s->n_events && s->events[k].frame < pos + n; ++k) {
			if (s->events[k].type == SCORE_CONTROL && s->events[k].frame > pos) {
				n = (uint32_t)(s->events[k].frame - pos);
				break;
			}
		}
		for (; e < s->n_events && s->events[e].frame < pos + n; ++e) {
			const ScoreEvent* ev = &s->events[e];
			if (ev->type == SCORE_CONTROL) {
				host_set_control(host, ev->symbol, ev->value);
				continue;
			}
			const uint32_t at = (uint32_t)(ev->frame - pos);
			if (ev->type == SCORE_MIDI) {
				host_midi(host, at, ev->midi, ev->midi_size);
			} else if (ev->type == SCORE_TEMPO) {
				host_time_position(host, at, ev->value, true);
			} else {
				host_patch_set(host, at, CHRONUS_URI "#patchFile", true, ev->text, (uint32_t)strlen(ev->text));
			}
		}
		host_run(host, n, left ? left + pos : NULL, right ? right + pos : NULL);
		pos += n;
	}
	return true;
}
