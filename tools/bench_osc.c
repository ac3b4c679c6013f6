/* SPDX-License-Identifier: ISC
 *
 * The OSC latency and throughput measurement (bench_osc.h). One thread is
 * the host's audio cycle, paced in real time; it also sends, between two
 * blocks, at a chosen instant inside the gap, so every send falls at a
 * random point of a block period while the plugin's OSC thread and worker
 * run on their own. The flood has a sender thread of its own, paced by the
 * clock, that never waits for a reply. Every wait is bounded.
 */
#define _GNU_SOURCE
#include "bench_osc.h"

#include "bench_pace.h"
#include "osc_arg.h"
#include "osc_peer.h"
#include "lv2host.h"

#include "chronus_config.h"

#include <lo/lo.h>

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RATE        PACE_RATE
#define BLOCK       PACE_BLOCK
#define BLOCK_S     (BLOCK / RATE)
#define HEARD_LIMIT 1.0     /* s: a /mod not heard by then is missed */
#define SWAP_LIMIT  2.0     /* s: a commit not swapped in by then is missed */
#define CHANGED     0.02    /* a block's level this far from the steady one has changed */
#define FLOOD_RATE  10000.0 /* messages a second */

static const char sine_patch[] = "patch \"OSC Bench\"\ncreate o sine\ncreate a vca\nconnect o a\n"
                                 "set a.gain 0.5\nout a\n";

/* ---- A client: sends from its own port, keeps what the replies say. */

typedef struct {
	lo_server  srv;
	lo_address to;
	unsigned   n_replies, n_errors, n_committed, n_staged;
	int        taken;          /* the last /engine/status's command count, -1: none yet */
	unsigned   n_status;       /* /engine/status replies */
	char       error[160];     /* the last /error */
} Client;

static int
on_reply(const char* path, const char* types, lo_arg** argv, int argc, lo_message msg, void* user)
{
	(void)msg;
	Client* c = user;
	++c->n_replies;
	if (!strcmp(path, "/error")) {
		++c->n_errors;
		if (argc >= 2 && types[0] == LO_STRING && types[1] == LO_STRING) {
			snprintf(c->error, sizeof c->error, "%.40s: %.110s", osc_arg_str(argv[0]), osc_arg_str(argv[1]));
		}
	} else if (!strcmp(path, "/patch/committed")) {
		++c->n_committed;
	} else if (!strcmp(path, "/patch/staged")) {
		++c->n_staged;
	} else if (!strcmp(path, "/engine/status") && argc >= 5 && types[4] == LO_INT32) {
		c->taken = osc_arg_i32(argv[4]);
		++c->n_status;
	}
	return 0;
}

static bool
client_open(Client* c, unsigned port)
{
	memset(c, 0, sizeof *c);
	c->taken = -1;
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

/* The kernel's count of UDP datagrams dropped for a full receive buffer,
 * in this network namespace: whether a flood lost packets before the
 * plugin could read them. -1 if /proc does not say. */
static long
udp_rcvbuf_errors(void)
{
	FILE* f = fopen("/proc/net/snmp", "r");
	if (!f) {
		return -1;
	}
	char line[1024], head[1024] = "";
	long found = -1;
	while (found < 0 && fgets(line, sizeof line, f)) {
		if (strncmp(line, "Udp: ", 5)) {
			continue;
		}
		if (!head[0]) {
			snprintf(head, sizeof head, "%s", line);
			continue;
		}
		/* The values line: the column whose heading is RcvbufErrors. */
		char *hs, *vs;
		char* h = strtok_r(head, " \n", &hs);
		char* v = strtok_r(line, " \n", &vs);
		while (h && v) {
			if (!strcmp(h, "RcvbufErrors")) {
				found = atol(v);
				break;
			}
			h = strtok_r(NULL, " \n", &hs);
			v = strtok_r(NULL, " \n", &vs);
		}
		break;
	}
	fclose(f);
	return found;
}

/* ---- The host ------------------------------------------------------------ */

static bool
last_status_has(Host* h, unsigned from, const char* needle)
{
	const unsigned n = host_status_count(h);
	return n > from && strstr(host_status(h, n - 1), needle);
}

/* A Chronus with the sine patch playing and OSC on `port`, set up as fast
 * as the worker goes (not paced): NULL and f->error if anything fails. */
static Host*
start_host(const char* uri, unsigned port, OscFigures* f)
{
	Host* h = pace_host_new(uri, f->error, sizeof f->error);
	if (!h) {
		return NULL;
	}
	host_set_control(h, "limiter", 0.0f); /* the level is the VCA's alone */
	unsigned before = host_status_count(h);
	host_patch_set(h, 0, CHRONUS_URI "#patchText", false, sine_patch, (uint32_t)strlen(sine_patch));
	for (unsigned b = 0; b < 400 && !last_status_has(h, before, "OSC Bench: primed in "); ++b) {
		host_run(h, BLOCK, NULL, NULL);
		host_settle(h);
	}
	if (!last_status_has(h, before, "OSC Bench: primed in ")) {
		snprintf(f->error, sizeof f->error, "the sine patch did not load: %s",
		         host_status_count(h) > before ? host_status(h, host_status_count(h) - 1) : "no answer");
		host_free(h);
		return NULL;
	}
	char want[64];
	snprintf(want, sizeof want, "OSC: listening on 127.0.0.1:%u", port);
	before = host_status_count(h);
	host_set_control(h, "osc_port", (float)port);
	for (unsigned b = 0; b < 400 && !last_status_has(h, before, want); ++b) {
		host_run(h, BLOCK, NULL, NULL);
		host_settle(h);
	}
	if (!last_status_has(h, before, want)) {
		snprintf(f->error, sizeof f->error, "OSC did not start on port %u: %s", port,
		         host_status_count(h) > before ? host_status(h, host_status_count(h) - 1) : "no answer");
		host_free(h);
		return NULL;
	}
	for (unsigned b = 0; b < 40; ++b) { /* past the load's crossfade */
		host_run(h, BLOCK, NULL, NULL);
	}
	return h;
}

/* The peak of a block's second half. The VCA's gain ramp (5 ms, 240
 * frames) starts at the frame 0 of the block that takes the change, so by
 * frame 128 the level has gone more than half way; a steady sine's peak
 * over 128 frames (two of its half-periods at A4) does not move. */
static double
half_peak(const Pacer* p)
{
	double m = 0.0;
	for (unsigned i = BLOCK / 2; i < BLOCK; ++i) {
		m = fmax(m, fabs((double)p->left[i]));
	}
	return m;
}

/* Sleeps to a random instant of the time left before the next block,
 * keeping 0.2 ms of it clear, and returns that instant. */
static double
random_point(Pacer* p, uint32_t* seed)
{
	const double now = host_now(), room = pace_due(p) - now - 2e-4;
	const double t   = now + (room > 0.0 ? room * pace_uniform(seed) : 0.0);
	pace_sleep_until(t);
	return t;
}

static OscSpread
spread(double* v, unsigned n)
{
	if (!n) {
		return (OscSpread){NAN, NAN, NAN, NAN};
	}
	const PaceSummary s = pace_summary(v, n);
	return (OscSpread){s.median, s.mean, s.worst, s.best};
}

/* ---- 0. The round trip ---------------------------------------------------- */

/* /engine/status asked at a random point early in a block gap, its answer
 * waited for there (at most 3 ms, so the next block is not delayed): how
 * long the OSC thread takes to see a message and answer it. */
static void
measure_rtt(Pacer* p, Client* c, unsigned n, OscFigures* f)
{
	double*  v    = calloc(n, sizeof(double));
	uint32_t seed = 0x85ebca6bu;
	for (unsigned k = 0; k < n; ++k) {
		pace_run(p);
		client_poll(c);
		const double room = pace_due(p) - host_now() - 3.5e-3;
		if (room < 0.0) {
			continue;
		}
		pace_sleep_until(host_now() + room * pace_uniform(&seed));
		const unsigned before = c->n_status;
		const double   t      = host_now();
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/engine/status", "");
		while (c->n_status == before && host_now() - t < 3e-3) {
			lo_server_recv_noblock(c->srv, 1);
		}
		if (c->n_status != before) {
			v[f->rtts++] = 1e3 * (host_now() - t);
		}
	}
	f->rtt_ms = spread(v, f->rtts);
	free(v);
}

/* ---- 1. /mod ------------------------------------------------------------- */

/* /mod/a/gain alternating 0.25 and 0.5, 20 to 50 ms apart; for each, the
 * first block whose second half's peak leaves the steady level. */
static void
measure_mods(Pacer* p, Client* c, unsigned mods, OscFigures* f)
{
	static const float gain[2] = {0.25f, 0.5f};
	double*  ms     = calloc(mods ? mods : 1, sizeof(double));
	double*  blocks = calloc(mods ? mods : 1, sizeof(double));
	uint32_t seed   = 0x9e3779b9u;
	double   level[2] = {0.0, 0.0};
	unsigned level_n[2] = {0, 0};
	double   last_send  = host_now();
	f->mods             = mods;
	f->mod_miss_lead_ms = 0.0;
	const unsigned errors0 = c->n_errors;
	for (unsigned k = 0; k < mods; ++k) {
		/* Until the send is due, and at least one whole block after the last
		 * change (its ramp is over within the block that took it). */
		const double due = last_send + 0.020 + 0.030 * pace_uniform(&seed);
		unsigned     run = 0;
		while (run < 2 || pace_due(p) < due) {
			pace_run(p);
			client_poll(c);
			++run;
		}
		const double ref = half_peak(p);
		level[k % 2] += ref; /* the gain before this send: 0.5 first */
		++level_n[k % 2];
		double t = due;
		if (host_now() < due) {
			pace_sleep_until(due);
		} else { /* the settling ran past it */
			t = random_point(p, &seed);
		}
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/mod/a/gain", "f", gain[k % 2]);
		last_send            = t;
		const uint64_t first = p->block;
		const double   lead  = pace_due(p) - t;
		while (host_now() - t < HEARD_LIMIT) {
			const double start = pace_run(p);
			if (fabs(half_peak(p) - ref) > CHANGED * ref) {
				ms[f->mods_heard]     = 1e3 * (start - t);
				blocks[f->mods_heard] = (double)(p->block - first);
				if (p->block - first == 1) {
					++f->mod_first_block;
				} else {
					f->mod_miss_lead_ms = fmax(f->mod_miss_lead_ms, 1e3 * lead);
					f->mod_miss_early += !(f->rtts && 1e3 * lead <= f->rtt_ms.worst);
				}
				++f->mods_heard;
				break;
			}
		}
	}
	client_poll(c);
	f->mod_errors = c->n_errors - errors0;
	f->mod_ms     = spread(ms, f->mods_heard);
	f->mod_blocks = spread(blocks, f->mods_heard);
	/* level[0] holds the steady peaks at 0.5, level[1] those at 0.25 */
	for (unsigned g = 0; g < 2; ++g) {
		f->mod_level_db[g] = level_n[1 - g] ? 20.0 * log10(level[1 - g] / level_n[1 - g] + 1e-30) : NAN;
	}
	free(ms);
	free(blocks);
}

/* ---- 2. /patch/commit ---------------------------------------------------- */

/* Runs paced blocks until pred(c) or `limit` seconds; whether it came. */
static bool
run_until_reply(Pacer* p, Client* c, const unsigned* counter, unsigned above, double limit)
{
	const double end = host_now() + limit;
	while (*counter <= above && host_now() < end) {
		pace_run(p);
		client_poll(c);
	}
	return *counter > above;
}

/* The status of a build of `title` since `from`, or -1. Its frame is the
 * first of the crossfade. */
static int
build_status(Host* h, unsigned from, const char* title)
{
	char want[96];
	snprintf(want, sizeof want, "%s: primed in ", title);
	for (unsigned i = from; i < host_status_count(h); ++i) {
		const char* s = host_status(h, i);
		if (s && !strncmp(s, want, strlen(want)) && !host_status_is_error(h, i)) {
			return (int)i;
		}
	}
	return -1;
}

static void
measure_commits(Pacer* p, Client* c, unsigned commits, OscFigures* f)
{
	static const char* const title[2] = {"OSC Commit A", "OSC Commit B"};
	static const char* const gain[2]  = {"0.3", "0.45"};
	double*  ms     = calloc(commits ? commits : 1, sizeof(double));
	double*  prime  = calloc(commits ? commits : 1, sizeof(double));
	double*  excess = calloc(commits ? commits : 1, sizeof(double));
	double*  swaps  = calloc(commits ? commits : 1, sizeof(double));
	uint32_t seed   = 0x2545f491u;
	f->commits      = commits;
	const unsigned errors0 = c->n_errors, committed0 = c->n_committed;
	for (unsigned k = 0; k < commits && !f->error[0]; ++k) {
		/* Staged: a title and five statements, then /patch/staged, whose
		 * answer says the OSC thread has read them all. */
		char line[64];
		snprintf(line, sizeof line, "patch \"%s\"", title[k % 2]);
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/patch/abort", "");
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/patch/line", "s", line);
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/patch/create", "ss", "o", "sine");
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/patch/create", "ss", "a", "vca");
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/patch/connect", "ss", "o", "a");
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/patch/set", "ss", "a.gain", gain[k % 2]);
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/patch/out", "s", "a");
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/patch/staged", "");
		if (!run_until_reply(p, c, &c->n_staged, c->n_staged, 1.0)) {
			snprintf(f->error, sizeof f->error, "/patch/staged was not answered within 1 s");
			break;
		}
		/* 0 to 4 blocks more, then the commit at a random point of a block. */
		for (unsigned b = pace_random(&seed) % 5u; b > 0; --b) {
			pace_run(p);
			client_poll(c);
		}
		pace_run(p);
		const float    slot   = host_get_control(p->host, "active_slot");
		const unsigned before = host_status_count(p->host);
		const double   t      = random_point(p, &seed);
		lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/patch/commit", "");
		const uint64_t first_block = p->block;
		const double   first_due   = pace_due(p);
		int            found       = -1;
		while (found < 0 && host_now() - t < SWAP_LIMIT) {
			const uint64_t first = host_frames_run(p->host);
			const double   start = pace_run(p);
			client_poll(c);
			found = build_status(p->host, before, title[k % 2]);
			if (found >= 0) {
				const uint64_t frame = host_status_frame(p->host, (unsigned)found);
				const double   at    = start + (double)(frame - first) / RATE;
				double         pm    = NAN;
				sscanf(strstr(host_status(p->host, (unsigned)found), ": primed in "), ": primed in %lf", &pm);
				ms[f->commits_heard]     = 1e3 * (at - t);
				prime[f->commits_heard]  = pm;
				/* On the deadlines, not the wake-ups: the bench thread's own
				 * jitter (microseconds) is not the plugin's. */
				const double at_due = first_due + (double)(p->block - 1 - first_block) * BLOCK_S +
				                      (double)(frame - first) / RATE;
				excess[f->commits_heard] = (1e3 * (at_due - first_due) - pm) / (1e3 * BLOCK_S);
				swaps[f->commits_heard]  = (double)(p->block - 1 - first_block);
				if (swaps[f->commits_heard] > 2.0) {
					/* sent so close to that block that it may have reached
					 * the plugin after the block began, as for /mod */
					const double lead = 1e3 * (first_due - t);
					++f->commit_late;
					f->commit_late_lead_ms = lead > f->commit_late_lead_ms ? lead : f->commit_late_lead_ms;
				}
				++f->commits_heard;
			}
		}
		/* The crossfade (30 ms) is over, and active_slot read, 100 ms on. */
		for (unsigned b = 0; found >= 0 && b < 19; ++b) {
			pace_run(p);
			client_poll(c);
		}
		f->commit_flips += found >= 0 && host_get_control(p->host, "active_slot") != slot;
	}
	client_poll(c);
	f->commit_errors  = c->n_errors - errors0;
	f->commit_replies = c->n_committed - committed0;
	f->commit_ms      = spread(ms, f->commits_heard);
	f->prime_ms       = spread(prime, f->commits_heard);
	f->excess_blocks  = spread(excess, f->commits_heard);
	f->swap_blocks    = spread(swaps, f->commits_heard);
	free(swaps);
	free(ms);
	free(prime);
	free(excess);
}

/* ---- 3. The flood ---------------------------------------------------------- */

typedef struct {
	unsigned    port;
	unsigned    total;       /* messages to send */
	double      t_start, t_end;
	unsigned    sent, send_failed;
	unsigned    busy;        /* /error replies (the plugin's "busy") */
	char        busy_text[160];
	atomic_bool sent_all; /* the last message is gone (t_end is set) */
} Flood;

/* The sender: message k at t_start + k / rate, never waiting for a reply
 * (a late one goes at once, so the rate holds over the whole flood). */
static void*
flood_main(void* arg)
{
	Flood* fl = arg;
	Client c;
	if (client_open(&c, fl->port)) {
		fl->t_start = host_now() + 0.002;
		for (unsigned k = 0; k < fl->total; ++k) {
			const double due = fl->t_start + k / FLOOD_RATE;
			if (host_now() < due) {
				pace_sleep_until(due);
			}
			if (lo_send_from(c.to, c.srv, LO_TT_IMMEDIATE, "/mod/a/gain", "f", k % 2 ? 0.3f : 0.35f) < 0) {
				++fl->send_failed;
			} else {
				++fl->sent;
			}
			if (k % 64 == 63) {
				client_poll(&c);
			}
		}
		fl->t_end = host_now();
		atomic_store(&fl->sent_all, true);
		/* Errors answered to what was sent last come a little later. */
		for (unsigned w = 0; w < 20; ++w) {
			usleep(10000);
			client_poll(&c);
		}
		fl->busy = c.n_errors;
		snprintf(fl->busy_text, sizeof fl->busy_text, "%s", c.error);
	}
	client_close(&c);
	atomic_store(&fl->sent_all, true);
	return NULL;
}

/* Asks /engine/status for the command count (a reply within 1 s): -1 if
 * none came. */
static int
ask_taken(Pacer* p, Client* c)
{
	const unsigned n = c->n_status;
	lo_send_from(c->to, c->srv, LO_TT_IMMEDIATE, "/engine/status", "");
	return run_until_reply(p, c, &c->n_status, n, 1.0) ? c->taken : -1;
}

static void
measure_flood(Pacer* p, Client* c, unsigned port, double seconds, OscFigures* f)
{
	f->flood_seconds    = seconds;
	f->flood_rate_asked = FLOOD_RATE;
	const int taken0    = ask_taken(p, c);
	if (taken0 < 0) {
		snprintf(f->error, sizeof f->error, "/engine/status was not answered before the flood");
		return;
	}
	Flood fl = {.port = port, .total = (unsigned)llround(seconds * FLOOD_RATE)};
	atomic_init(&fl.sent_all, false);
	const long drops0 = udp_rcvbuf_errors();
	pthread_t  t;
	if (pthread_create(&t, NULL, flood_main, &fl) != 0) {
		snprintf(f->error, sizeof f->error, "cannot start the flood's thread");
		return;
	}
	while (!atomic_load(&fl.sent_all)) {
		pace_run(p);
	}
	/* Until the count stops growing: asked every other block, until every
	 * message is taken or the count has stood still for 1.5 s (past the
	 * plugin's longest back-pressure wait, 1 s). */
	int          taken = ask_taken(p, c), last = taken;
	double       grew  = host_now();
	const double end   = host_now() + 30.0;
	while (taken >= 0 && (uint32_t)(taken - taken0) < fl.sent && host_now() < end && host_now() - grew < 1.5) {
		pace_run(p);
		taken = ask_taken(p, c);
		if (taken != last) {
			last = taken;
			grew = host_now();
		}
	}
	pthread_join(t, NULL); /* its last busy replies read */
	f->flood_drain_ms      = 1e3 * (grew - fl.t_end);
	const long drops1      = udp_rcvbuf_errors();
	f->flood_rcvbuf_errors = drops0 >= 0 && drops1 >= 0 ? drops1 - drops0 : -1;
	f->flood_sent          = fl.sent;
	f->flood_send_failed   = fl.send_failed;
	f->flood_taken         = taken >= 0 ? (unsigned)(taken - taken0) : 0;
	f->flood_busy          = fl.busy;
	f->flood_rate          = fl.t_end > fl.t_start ? fl.sent / (fl.t_end - fl.t_start) : 0.0;
	snprintf(f->flood_busy_text, sizeof f->flood_busy_text, "%s", fl.busy_text);
}

/* ---- All three ------------------------------------------------------------- */

bool
bench_osc(const char* uri, unsigned mods, unsigned commits, double flood_seconds, OscFigures* f)
{
	memset(f, 0, sizeof *f);
	f->flood_rcvbuf_errors = -1;
	/* 1 and 2 on one instance; the flood on a fresh one, whose count of
	 * commands taken starts from nothing else. */
	for (unsigned part = 0; part < 2 && !f->error[0]; ++part) {
		const unsigned port = osc_free_port();
		Host*          h    = port ? start_host(uri, port, f) : NULL;
		Client         c    = {0};
		if (!port) {
			snprintf(f->error, sizeof f->error, "no free UDP port on 127.0.0.1");
		}
		if (h && !client_open(&c, port)) {
			snprintf(f->error, sizeof f->error, "liblo: cannot open a client");
		}
		if (h && !f->error[0]) {
			host_note_on(h, 0, 69, 100); /* A4, held throughout */
			Pacer p = {.host = h, .t0 = host_now() + 0.01};
			for (unsigned b = 0; b < 40; ++b) { /* 0.2 s: the note's level settles */
				pace_run(&p);
			}
			if (part == 0) {
				measure_rtt(&p, &c, 50, f);
				measure_mods(&p, &c, mods, f);
				measure_commits(&p, &c, commits, f);
			} else {
				measure_flood(&p, &c, port, flood_seconds, f);
			}
			f->late_blocks += p.late;
		}
		client_close(&c);
		if (h) {
			host_free(h);
		}
	}
	return !f->error[0];
}
