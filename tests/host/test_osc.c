/* SPDX-License-Identifier: ISC
 *
 * The OSC server through the plugin (issue 15, item 3), with real UDP
 * packets over loopback from a liblo client in this process: off until
 * the osc_port control names a port; a port in use is said on the status
 * and the patch plays on; queries and errors are answered to the sender;
 * /mod changes the sound without a rebuild; a patch built statement by
 * statement is committed while a chord holds, with no click; 10 000
 * messages are all taken; two instances serve two ports; an instance
 * closed while messages arrive leaks nothing (ASan, TSan in CI). Every wait
 * is for a condition, bounded by TEST_WAIT_SECONDS.
 */
#define _GNU_SOURCE
#include "click.h"
#include "helpers.h"
#include "osc_arg.h"
#include "osc_peer.h"
#include "suites.h"
#include "temp_file.h"

#include "chronus_config.h"

#include <CUnit/CUnit.h>
#include <lo/lo.h>

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BLOCK 256u

/* ---- A client: sends from its own port, keeps every reply. */

typedef struct {
	lo_server  srv;
	lo_address to;
	unsigned   n_replies, n_errors;
	char       path[64];      /* of the last reply */
	char       arg[2][65536]; /* its first two string arguments */
	float      f;             /* and its first float */
	int        i;             /* and its first int */
	char       error[1024];   /* the last /error's message */
} Client;

static int
on_reply(const char* path, const char* types, lo_arg** argv, int argc, lo_message msg, void* user)
{
	(void)msg;
	Client* c = user;
	snprintf(c->path, sizeof c->path, "%s", path);
	c->arg[0][0] = c->arg[1][0] = '\0';
	for (int k = 0, s = 0; k < argc; ++k) {
		if (types[k] == LO_STRING && s < 2) {
			snprintf(c->arg[s++], sizeof c->arg[0], "%s", osc_arg_str(argv[k]));
		} else if (types[k] == LO_FLOAT) {
			c->f = osc_arg_f32(argv[k]);
		} else if (types[k] == LO_INT32) {
			c->i = osc_arg_i32(argv[k]);
		}
	}
	if (!strcmp(path, "/error")) {
		++c->n_errors;
		snprintf(c->error, sizeof c->error, "%.200s: %.800s", c->arg[0], c->arg[1]);
	}
	++c->n_replies;
	return 0;
}

static bool
client_open(Client* c, unsigned port)
{
	memset(c, 0, sizeof *c);
	return osc_peer_open(&c->srv, &c->to, port, on_reply, c);
}

static void
client_close(Client* c)
{
	osc_peer_close(c->srv, c->to);
}

static void
client_poll(Client* c)
{
	osc_peer_poll(c->srv);
}

/* ---- Waiting, with blocks running. */

typedef struct {
	Client*  c;
	unsigned replies; /* more than this many */
} ReplyWait;

static bool
replied(Host* h, const void* arg)
{
	(void)h;
	const ReplyWait* w = arg;
	client_poll(w->c);
	return w->c->n_replies > w->replies;
}

/* Sends, then runs blocks until a reply comes (into y when not NULL). */
static bool
ask(Host* h, Client* c, float* y, size_t max, size_t* frames)
{
	ReplyWait w = {c, c->n_replies};
	return test_run_until(h, BLOCK, replied, &w, y, max, frames);
}

static bool
status_has(Host* h, const void* needle)
{
	const unsigned n = host_status_count(h);
	return n && strstr(host_status(h, n - 1), (const char*)needle);
}

static Host*
osc_host(unsigned port, const char* text)
{
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	if (!h) {
		return NULL;
	}
	host_set_control(h, "limiter", 0.0f);
	if (text && !test_load_patch(h, text)) {
		host_free(h);
		return NULL;
	}
	char want[64];
	snprintf(want, sizeof want, "OSC: listening on 127.0.0.1:%u", port);
	host_set_control(h, "osc_port", (float)port);
	if (!test_run_until(h, BLOCK, status_has, want, NULL, 0, NULL)) {
		host_free(h);
		return NULL;
	}
	return h;
}

static const char* const sine_patch = "patch \"OSC Sine\"\ncreate o sine\ncreate a vca\nconnect o a\n"
                                     "set a.gain 0.5\nmacro 1 a.gain 0 1\nout a\n";

/* Whether the kernel lists a UDP socket bound to 127.0.0.1:port (and none
 * on any other address of that port). */
static bool
bound_to_loopback_only(unsigned port)
{
	FILE* f = fopen("/proc/net/udp", "r");
	char  line[512], want[32];
	bool  loopback = false, other = false;
	snprintf(want, sizeof want, ":%04X ", port);
	while (f && fgets(line, sizeof line, f)) {
		const char* local = strchr(line, ':'); /* "  sl  local_address ..." → after "N: " */
		if (!local || !strstr(line, want)) {
			continue;
		}
		char addr[16] = "";
		if (sscanf(local + 1, " %8[0-9A-F]", addr) == 1 && strstr(local + 1, want) == local + 1 + 1 + 8) {
			loopback |= !strcmp(addr, "0100007F");
			other |= strcmp(addr, "0100007F") != 0;
		}
	}
	if (f) {
		fclose(f);
	}
	return loopback && !other;
}

/* ---- Tests. */

static void
test_port_in_use_is_said(void)
{
	const unsigned port = osc_free_port();
	const int      fd   = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family         = AF_INET;
	a.sin_port           = htons((uint16_t)port);
	a.sin_addr.s_addr    = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(port && fd >= 0 && bind(fd, (struct sockaddr*)&a, sizeof a) == 0);
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(host_get_control(h, "osc_port"), 0.0f); /* off by default */
	host_note_on(h, 0, 60, 100);
	host_set_control(h, "osc_port", (float)port);
	CU_ASSERT(test_run_until(h, BLOCK, status_has, "Address already in use", NULL, 0, NULL));
	printf("\n  port in use: \"%s\"\n", host_status(h, host_status_count(h) - 1));
	float y[4800];
	test_render(h, y, 4800, BLOCK);
	CU_ASSERT(test_rms(y, 4800) > 0.01); /* the patch plays on */
	close(fd);
	/* Free again: the same port, set again, serves. */
	host_set_control(h, "osc_port", 0.0f);
	CU_ASSERT(test_run_until(h, BLOCK, status_has, "OSC: off", NULL, 0, NULL));
	host_set_control(h, "osc_port", (float)port);
	CU_ASSERT(test_run_until(h, BLOCK, status_has, "OSC: listening", NULL, 0, NULL));
	host_free(h);
}

static void
test_queries_and_errors_are_answered(void)
{
	const unsigned port = osc_free_port();
	Host*          h    = osc_host(port, sine_patch);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	Client c;
	CU_ASSERT_FATAL(client_open(&c, port));

	CU_ASSERT(bound_to_loopback_only(port));
	lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/engine/status", "");
	CU_ASSERT_FATAL(ask(h, &c, NULL, 0, NULL));
	CU_ASSERT_STRING_EQUAL(c.path, "/engine/status");
	CU_ASSERT_STRING_EQUAL(c.arg[0], "OSC Sine");
	printf("\n  /engine/status -> \"%s\" \"%s\" prime %.2f ms\n", c.arg[0], c.arg[1], (double)c.f);

	lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/engine/schema", "");
	CU_ASSERT_FATAL(ask(h, &c, NULL, 0, NULL));
	CU_ASSERT_STRING_EQUAL(c.path, "/engine/schema");
	CU_ASSERT_PTR_NOT_NULL(strstr(c.arg[0], "{\"type\":\"ladder\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.arg[0], "\"choices\":[\"lowpass24\""));
	CU_ASSERT(c.arg[0][0] == '[' && c.arg[0][strlen(c.arg[0]) - 1] == ']');
	printf("  /engine/schema -> %zu bytes of JSON\n", strlen(c.arg[0]));

	static const struct {
		const char* path;
		const char* types;
		const char* says;
	} bad[] = {
		{"/mod/aa/gain", "f", "unknown module 'aa'"},
		{"/mod/a/gian", "f", "did you mean 'gain'"},
		{"/mod/a/gain", "s", "expected a number"},
		{"/nowhere", "", "unknown address"},
		{"/patch/create", "ss", "unknown module type"},
		{"/note/on", "ii", "key and velocity are 0..127"},
	};
	for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; ++k) {
		if (!strcmp(bad[k].types, "f")) {
			lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, bad[k].path, "f", 0.3f);
		} else if (!strcmp(bad[k].types, "s")) {
			lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, bad[k].path, "s", "loud");
		} else if (!strcmp(bad[k].types, "ss")) {
			lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, bad[k].path, "ss", "x", "sawtooth");
		} else if (!strcmp(bad[k].types, "ii")) {
			lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, bad[k].path, "ii", 300, 100);
		} else {
			lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, bad[k].path, "");
		}
		const unsigned errors = c.n_errors;
		CU_ASSERT(ask(h, &c, NULL, 0, NULL));
		CU_ASSERT_EQUAL(c.n_errors, errors + 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(c.error, bad[k].says));
		printf("  %s -> /error \"%s\"\n", bad[k].path, c.error);
	}
	/* A FIFO as the patch file would hold the worker in open(): refused. */
	char fifo[] = "/tmp/chronus-osc-fifo-XXXXXX";
	CU_ASSERT_FATAL(mkdtemp(fifo) != NULL);
	char path[64];
	snprintf(path, sizeof path, "%s/p.chronus", fifo);
	CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
	lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/patch/file", "s", path);
	CU_ASSERT(ask(h, &c, NULL, 0, NULL));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.error, "is not a regular file"));
	printf("  /patch/file of a FIFO -> /error \"%s\"\n", c.error);
	unlink(path);
	rmdir(fifo);
	client_close(&c);
	host_free(h);
}

/* Renders 4800 frames (whole periods of 440 Hz); whether their level is within 1 % of *arg (RMS). */
static bool
level_near(Host* h, const void* arg)
{
	float y[4800];
	test_render(h, y, 4800, BLOCK);
	return fabs(test_rms(y, 4800) / *(const double*)arg - 1.0) < 0.01;
}

/* /mod: the level falls 6 dB, with no rebuild, and the set is saved. */
static void
test_mod_changes_the_sound(void)
{
	const unsigned port = osc_free_port();
	Host*          h    = osc_host(port, sine_patch);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	Client c;
	CU_ASSERT_FATAL(client_open(&c, port));
	host_note_on(h, 0, 69, 100);
	/* Levels over 4800 frames: 44 whole periods of 440 Hz, so the RMS is
	 * exact whatever the phase. */
	float y[BLOCK * 40];
	test_render(h, y, BLOCK * 40, BLOCK);
	const double   before = test_rms(y + BLOCK * 40 - 4800, 4800);
	const float    slot   = host_get_control(h, "active_slot");
	const unsigned n0     = host_status_count(h);
	lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/mod/a/gain", "f", 0.25f);
	CU_ASSERT(test_run_until(h, BLOCK, status_has, "set a.gain 0.25", NULL, 0, NULL));
	test_render(h, y, BLOCK * 40, BLOCK);
	const double after = test_rms(y + BLOCK * 40 - 4800, 4800);
	printf("\n  /mod/a/gain 0.25: %+.3f dB, the same slot, no build\n", 20.0 * log10(after / before));
	CU_ASSERT(fabs(20.0 * log10(after / before) + 6.0206) < 0.01);
	CU_ASSERT_EQUAL(host_get_control(h, "active_slot"), slot);
	for (unsigned i = n0; i < host_status_count(h); ++i) {
		CU_ASSERT_PTR_NULL(strstr(host_status(h, i), "primed"));
	}
	/* A macro (bound to a.gain 0..1): to 1, four times the set level, and
	 * it stays there while the host's port does not move. */
	lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/macro/1", "f", 1.0f);
	const double want = after * 4.0;
	CU_ASSERT(test_run_until(h, BLOCK, level_near, &want, NULL, 0, NULL));
	float z[BLOCK * 40];
	test_render(h, z, BLOCK * 40, BLOCK);
	const double held = test_rms(z + BLOCK * 40 - 4800, 4800);
	printf("  /macro/1 1.0: %+.3f dB over the set level, held\n", 20.0 * log10(held / after));
	CU_ASSERT(fabs(held / want - 1.0) < 0.01);
	client_close(&c);
	host_free(h);
}

/* A chord played by /note/on; a patch built statement by statement and
 * committed while it holds: no click, the chord goes on in the new patch. */
static void
test_commit_while_a_chord_holds(void)
{
	const unsigned port = osc_free_port();
	Host*          h    = osc_host(port, sine_patch);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	Client c;
	CU_ASSERT_FATAL(client_open(&c, port));
	enum { MAX = 48000 * 30 };
	float* y = calloc(MAX, sizeof(float));
	size_t n = 0;
	static const int chord[3] = {57, 60, 64};
	for (unsigned k = 0; k < 3; ++k) {
		lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/note/on", "ii", chord[k], 90);
	}
	/* Until the chord sounds (the OSC thread takes its time). */
	while (n < 48000 * 20 && (n < BLOCK * 8 || test_rms(y + n - BLOCK * 4, BLOCK * 4) < 0.05)) {
		host_run(h, BLOCK, y + n, NULL);
		n += BLOCK;
		client_poll(&c);
	}
	test_render(h, y + n, 9600, BLOCK);
	n += 9600;
	const char* lines[][3] = {
		{"/patch/abort", NULL, NULL},     {"/patch/line", "patch \"Built Live\"", NULL},
		{"/patch/create", "o", "saw"},   {"/patch/create", "f", "ladder"},
		{"/patch/create", "e", "adsr"},  {"/patch/create", "a", "vca"},
		{"/patch/connect", "o", "f"},    {"/patch/connect", "f", "a"},
		{"/patch/connect", "e", "a.gain"}, {"/patch/set", "f.cutoff", "1200"},
		{"/patch/set", "e.sustain", "0.6"}, {"/patch/out", "a", NULL},
	};
	for (unsigned k = 0; k < sizeof lines / sizeof lines[0]; ++k) {
		if (!lines[k][1]) {
			lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, lines[k][0], "");
		} else if (!lines[k][2]) {
			lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, lines[k][0], "s", lines[k][1]);
		} else {
			lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, lines[k][0], "ss", lines[k][1], lines[k][2]);
		}
	}
	lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/patch/create", "ss", "bad", "sawtooth"); /* refused, not kept */
	lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/patch/staged", "");
	CU_ASSERT_FATAL(ask(h, &c, y + n, MAX - n - 96000, &n));
	if (!strcmp(c.path, "/error")) {
		CU_ASSERT_FATAL(ask(h, &c, y + n, MAX - n - 96000, &n)); /* then the staged text */
	}
	CU_ASSERT_EQUAL(c.n_errors, 1);
	CU_ASSERT_STRING_EQUAL(c.path, "/patch/staged");
	CU_ASSERT_PTR_NULL(strstr(c.arg[0], "sawtooth"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.arg[0], "create f ladder\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.arg[0], "connect o f\n"));
	lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/patch/commit", "");
	size_t at = n;
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, test_cond_playing, "Built Live", y + n, MAX - n - 96000, &at));
	const size_t swap = at - BLOCK, fade = test_fade_frames(h);
	test_render(h, y + at, fade + 19200, BLOCK);
	at += fade + 19200;
	client_poll(&c);
	CU_ASSERT_STRING_EQUAL(c.path, "/patch/committed");
	const double m = click_metric_around(y, at, swap, fade + BLOCK, 4096);
	printf("\n  committed while a 3-note chord holds: click metric %.3f (bound %.2f), after it %.3f RMS\n", m,
	       CLICK_BOUND_SWAP, test_rms(y + at - 4800, 4800));
	CU_ASSERT(m < CLICK_BOUND_SWAP);
	CU_ASSERT(test_rms(y + at - 4800, 4800) > 0.02); /* the chord goes on */
	free(y);
	client_close(&c);
	host_free(h);
}

typedef struct {
	Client*  c;
	uint32_t want; /* /engine/status says at least this many commands were taken */
} TakenWait;

static bool
taken(Host* h, const void* arg)
{
	const TakenWait* w = arg;
	(void)h;
	client_poll(w->c);
	if (!strcmp(w->c->path, "/engine/status") && (uint32_t)w->c->i >= w->want) {
		return true;
	}
	static unsigned asked;
	if (++asked % 8 == 0) {
		lo_send_from(w->c->to, w->c->srv, LO_TT_IMMEDIATE, "/engine/status", "");
	}
	return false;
}

/* 10 000 /mod messages in windows of 500 (a sender that looks at
 * /engine/status before it sends more, as docs/osc.md advises): every
 * one reaches run(). */
static void
test_ten_thousand_messages(void)
{
	const unsigned port = osc_free_port();
	Host*          h    = osc_host(port, sine_patch);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	Client c;
	CU_ASSERT_FATAL(client_open(&c, port));
	const double t0 = host_now();
	uint32_t     sent = 0;
	for (unsigned w = 0; w < 20; ++w) {
		for (unsigned k = 0; k < 500; ++k, ++sent) {
			lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/mod/a/gain", "f", (float)(k % 100) / 100.0f);
		}
		TakenWait tw = {&c, sent};
		lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/engine/status", "");
		CU_ASSERT_FATAL(test_run_until(h, BLOCK, taken, &tw, NULL, 0, NULL));
	}
	const double s = host_now() - t0;
	printf("\n  %u /mod messages, all %d taken by run(), in %.2f s (%.0f per second, windows of 500)\n", sent, c.i,
	       s, sent / s);
	CU_ASSERT_EQUAL((uint32_t)c.i, sent);
	CU_ASSERT_EQUAL(c.n_errors, 0);
	client_close(&c);
	host_free(h);
}

static void
test_two_instances_two_ports(void)
{
	const unsigned pa = osc_free_port();
	Host*          a  = osc_host(pa, sine_patch);
	const unsigned pb = osc_free_port();
	Host*          b  = osc_host(pb, "patch \"Second\"\ncreate o saw\nout o\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT(pa != pb);
	Client ca, cb;
	CU_ASSERT_FATAL(client_open(&ca, pa) && client_open(&cb, pb));
	lo_send_from(ca.to, ca.srv, LO_TT_IMMEDIATE, "/engine/status", "");
	lo_send_from(cb.to, cb.srv, LO_TT_IMMEDIATE, "/engine/status", "");
	CU_ASSERT(ask(a, &ca, NULL, 0, NULL));
	CU_ASSERT(ask(b, &cb, NULL, 0, NULL));
	CU_ASSERT_STRING_EQUAL(ca.arg[0], "OSC Sine");
	CU_ASSERT_STRING_EQUAL(cb.arg[0], "Second");
	/* The second instance asked for the first one's port: said, not fatal. */
	host_set_control(b, "osc_port", (float)pa);
	CU_ASSERT(test_run_until(b, BLOCK, status_has, "Address already in use", NULL, 0, NULL));
	client_close(&ca);
	client_close(&cb);
	host_free(a);
	host_free(b);
}

typedef struct {
	unsigned    port;
	atomic_bool stop;
	unsigned    sent;
} Flood;

static void*
flood_main(void* arg)
{
	Flood* f = arg;
	Client c;
	if (!client_open(&c, f->port)) {
		return NULL;
	}
	while (!atomic_load(&f->stop)) {
		lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/mod/a/gain", "f", 0.3f);
		lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/patch/create", "ss", "x", "saw");
		lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/engine/status", "");
		f->sent += 3;
		client_poll(&c);
	}
	client_close(&c);
	return NULL;
}

/* Closed while messages pour in: the server stops, nothing is left
 * behind (the ASan and TSan builds run this too). */
static void
test_close_while_messages_arrive(void)
{
	for (unsigned round = 0; round < 3; ++round) {
		const unsigned port = osc_free_port();
		Host*          h    = osc_host(port, sine_patch);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		Flood     f = {port, false, 0};
		pthread_t t;
		pthread_create(&t, NULL, flood_main, &f);
		float y[BLOCK];
		for (unsigned i = 0; i < 50; ++i) {
			host_run(h, BLOCK, y, NULL);
		}
		host_free(h); /* while the flood goes on */
		atomic_store(&f.stop, true);
		pthread_join(t, NULL);
		CU_ASSERT(f.sent > 0);
	}
}

/* chronusctl (the built binary) with a script on its stdin; its output. */
static FILE*
chronusctl_start(unsigned port, const char* lines, char* script)
{
	const bool  ok    = temp_file_write(script, lines);
	const char* build = getenv("CHRONUS_BUILD_DIR");
	char        cmd[512];
	snprintf(cmd, sizeof cmd, "%s/chronusctl -p %u -w 1500 - < %s", build ? build : "build", port, script);
	return ok ? popen(cmd, "r") : NULL;
}

/* Its printed replies and exit status. */
static int
chronusctl_finish(FILE* out, char* script, char* text, size_t cap)
{
	const size_t n = fread(text, 1, cap - 1, out);
	text[n]        = '\0';
	const int st   = pclose(out);
	unlink(script);
	return WEXITSTATUS(st);
}

typedef struct {
	float* y;
	size_t n, max;
} Tape;

/* Records 4 blocks; whether the last two hold a chord (RMS over 0.05). */
static bool
chord_sounds(Host* h, const void* arg)
{
	Tape* t = (Tape*)arg;
	if (t->n + BLOCK * 4 > t->max) {
		return true; /* the caller's assertion fails */
	}
	test_render(h, t->y + t->n, BLOCK * 4, BLOCK);
	t->n += BLOCK * 4;
	return test_rms(t->y + t->n - BLOCK * 2, BLOCK * 2) > 0.05;
}

/* From chronusctl alone: a chord, then a patch statement by statement and
 * the commit while it holds (no click), a bad line answered (exit 1). */
static void
test_chronusctl_builds_a_patch(void)
{
	const unsigned port = osc_free_port();
	Host*          h    = osc_host(port, sine_patch);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	enum { MAX = 48000 * 60 };
	Tape  t = {calloc(MAX, sizeof(float)), 0, MAX};
	char  script[] = "/tmp/chronus-ctl-XXXXXX", text[8192];
	FILE* out = chronusctl_start(port, "# a chord\n/note/on 57 90\n/note/on 60 90\n/note/on 64 90\n", script);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, chord_sounds, &t, NULL, 0, NULL) && t.n + 96000 < MAX);
	CU_ASSERT_EQUAL(chronusctl_finish(out, script, text, sizeof text), 0);
	test_render(h, t.y + t.n, 9600, BLOCK);
	t.n += 9600;

	char script2[] = "/tmp/chronus-ctl-XXXXXX";
	out = chronusctl_start(port,
	                       "# a patch built live\n/patch/abort\n/patch/line \"patch \\\"From Ctl\\\"\"\n"
	                       "/patch/create o saw\n/patch/create f ladder\n/patch/create e adsr\n"
	                       "/patch/create a vca\n/patch/connect o f\n/patch/connect f a\n"
	                       "/patch/connect e a.gain\n/patch/set f.cutoff 900\n/patch/set e.sustain 0.7\n"
	                       "/patch/out a\n/patch/create z sawtooth\n/patch/commit\n",
	                       script2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	size_t at = t.n;
	CU_ASSERT_FATAL(test_run_until(h, BLOCK, test_cond_playing, "From Ctl", t.y + t.n, MAX - t.n - 96000, &at));
	const size_t swap = at - BLOCK, fade = test_fade_frames(h);
	test_render(h, t.y + at, fade + 19200, BLOCK);
	at += fade + 19200;
	const double m      = click_metric_around(t.y, at, swap, fade + BLOCK, 4096);
	const int    status = chronusctl_finish(out, script2, text, sizeof text);
	printf("\n  chronusctl printed:\n%s  exit status %d; committed while the chord holds: click metric %.3f, "
	       "after it %.3f RMS\n",
	       text, status, m, test_rms(t.y + at - 4800, 4800));
	CU_ASSERT(m < CLICK_BOUND_SWAP);
	CU_ASSERT(test_rms(t.y + at - 4800, 4800) > 0.02); /* the chord plays on in the new patch */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "/patch/committed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "unknown module type 'sawtooth'"));
	CU_ASSERT_EQUAL(status, 1); /* an /error came */
	free(t.y);
	host_free(h);
}

int
suite_osc(void)
{
	CU_pSuite s = CU_add_suite("osc: the OSC server, over loopback UDP", NULL, NULL);
	return !s || !CU_add_test(s, "off by default; a port in use is said, the patch plays on", test_port_in_use_is_said) ||
	       !CU_add_test(s, "status, schema and errors are answered to the sender", test_queries_and_errors_are_answered) ||
	       !CU_add_test(s, "/mod changes the sound without a rebuild", test_mod_changes_the_sound) ||
	       !CU_add_test(s, "a patch built by /patch/* is committed while a chord holds", test_commit_while_a_chord_holds) ||
	       !CU_add_test(s, "10 000 messages: every one taken", test_ten_thousand_messages) ||
	       !CU_add_test(s, "two instances, two ports", test_two_instances_two_ports) ||
	       !CU_add_test(s, "closed while messages arrive", test_close_while_messages_arrive) ||
	       !CU_add_test(s, "chronusctl builds a patch while a chord holds", test_chronusctl_builds_a_patch);
}
