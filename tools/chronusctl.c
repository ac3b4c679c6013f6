/* SPDX-License-Identifier: ISC
 *
 * chronusctl: sends OSC messages to Chronus' server (UDP, 127.0.0.1:9000
 * unless told) and prints every reply, one line each. One message from
 * the command line, or with `-` one per line of stdin, for live-coding a
 * patch from a terminal or an editor's pipe. It sends from a socket of its
 * own (a liblo server on an ephemeral port) so that the plugin can answer
 * to the message's source. The text side is tools/osc_args.c; usage and
 * exit statuses in docs/chronusctl.md.
 */
#define _GNU_SOURCE
#include "osc_arg.h"
#include "osc_args.h"

#include <lo/lo.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_REPLY_ERROR = 1, EXIT_USAGE = 2 };

typedef struct {
	lo_server  server;
	lo_address target;
	const char* target_text; /* host:port, for messages */
	bool       saw_error;    /* a reply to /error, or a message not sent */
	bool       bad_input;    /* a line or an argument refused */
	double     last_event;   /* when the last message went or reply came */
} Ctl;

static void
usage(FILE* f)
{
	fprintf(f,
	        "usage: chronusctl [-p PORT] [-H HOST] [-w MS] ADDRESS [ARG...]\n"
	        "       chronusctl [-p PORT] [-H HOST] [-w MS] -\n"
	        "Sends an OSC message to Chronus and prints each reply on a line of its own.\n"
	        "  -p PORT  UDP port (default $CHRONUS_OSC_PORT, else 9000)\n"
	        "  -H HOST  host (default 127.0.0.1)\n"
	        "  -w MS    after the last message, wait until MS ms pass with no reply (default 300)\n"
	        "  -        read messages from stdin, one per line: ADDRESS ARG ...; blank lines and\n"
	        "           lines beginning with # are skipped; \"double quotes\" hold spaces, with\n"
	        "           \\\" \\\\ \\n \\t \\r \\xHH escapes\n"
	        "Arguments: i:12 f:0.5 s:text force a type; otherwise a decimal integer is an int32,\n"
	        "a number with '.' or an exponent a float, anything else (or quoted) a string.\n"
	        "Exit status: 0; 1 if a reply was /error or a message could not be sent; 2 for a\n"
	        "bad command line or a bad line or argument (the rest are still sent).\n"
	        "Examples:\n"
	        "  chronusctl -p 9000 /engine/status\n"
	        "  chronusctl /mod/vcf/cutoff 800\n"
	        "  chronusctl /patch/create osc saw\n"
	        "  printf '/patch/create osc saw\\n/mod/osc/level 0.5\\n' | chronusctl -\n"
	        "More: docs/chronusctl.md\n");
}

static double
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* A decimal number in [lo, hi], the whole text. */
static bool
parse_range(const char* s, long lo, long hi, long* out)
{
	char* end = NULL;
	errno     = 0;
	const long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi) {
		return false;
	}
	*out = v;
	return true;
}

/* Every reply, whatever its address: one line on stdout, flushed, so that
 * a pipe sees it at once. Runs inside lo_server_recv_noblock. */
static int
on_reply(const char* path, const char* types, lo_arg** argv, int argc, lo_message msg, void* user_data)
{
	(void)msg;
	Ctl* ctl = user_data;
	fputs(path, stdout);
	for (int k = 0; k < argc; ++k) {
		const lo_arg* a = argv[k];
		putchar(' ');
		switch (types[k]) {
		case LO_INT32: printf("%d", (int)osc_arg_i32(a)); break;
		case LO_INT64: printf("%lld", (long long)osc_arg_i64(a)); break;
		case LO_FLOAT: printf("%g", (double)osc_arg_f32(a)); break;
		case LO_DOUBLE: printf("%g", osc_arg_f64(a)); break;
		case LO_STRING:
		case LO_SYMBOL: osc_print_string(stdout, osc_arg_str(a)); break;
		case LO_CHAR: printf("'%c'", (char)osc_arg_i32(a)); break;
		case LO_TRUE: fputs("true", stdout); break;
		case LO_FALSE: fputs("false", stdout); break;
		case LO_NIL: fputs("nil", stdout); break;
		case LO_INFINITUM: fputs("inf", stdout); break;
		case LO_MIDI: {
			const uint8_t* m = (const uint8_t*)(const void*)a;
			printf("midi:%02x%02x%02x%02x", m[0], m[1], m[2], m[3]);
			break;
		}
		case LO_TIMETAG: {
			lo_timetag t;
			memcpy(&t, (const void*)a, sizeof t);
			printf("time:%u.%u", (unsigned)t.sec, (unsigned)t.frac);
			break;
		}
		case LO_BLOB: printf("blob:%d", (int)lo_blob_datasize((lo_blob)a)); break;
		default: printf("?%c", types[k]); break;
		}
	}
	putchar('\n');
	fflush(stdout);
	if (!strcmp(path, "/error")) {
		ctl->saw_error = true;
	}
	ctl->last_event = now_ms();
	return 0;
}

static void
on_lo_error(int num, const char* msg, const char* where)
{
	fprintf(stderr, "chronusctl: liblo error %d: %s%s%s\n", num, msg ? msg : "", where ? " at " : "",
	        where ? where : "");
}

static void
send_line(Ctl* ctl, const OscLine* line)
{
	lo_message m = lo_message_new();
	for (unsigned k = 0; k < line->n_args; ++k) {
		const OscArg* a = &line->args[k];
		if (a->type == OSC_ARG_INT) {
			lo_message_add_int32(m, a->i);
		} else if (a->type == OSC_ARG_FLOAT) {
			lo_message_add_float(m, a->f);
		} else {
			lo_message_add_string(m, a->s);
		}
	}
	if (lo_send_message_from(ctl->target, ctl->server, line->address, m) < 0) {
		fprintf(stderr, "chronusctl: cannot send %s to %s: %s\n", line->address, ctl->target_text,
		        lo_address_errstr(ctl->target));
		ctl->saw_error = true;
	}
	lo_message_free(m);
	ctl->last_event = now_ms();
}

/* Prints the replies that have arrived, waiting at most timeout_ms for the
 * first; returns whether any came. */
static bool
drain(Ctl* ctl, int timeout_ms)
{
	bool any = false;
	while (lo_server_recv_noblock(ctl->server, any ? 0 : timeout_ms) > 0) {
		any = true;
	}
	return any;
}

/* Until wait_ms pass with no reply; each reply restarts the wait. */
static void
wait_quiet(Ctl* ctl, double wait_ms)
{
	for (;;) {
		const double left = ctl->last_event + wait_ms - now_ms();
		if (left <= 0.0) {
			return;
		}
		drain(ctl, (int)(left + 0.999));
	}
}

/* Stdin mode: lines are sent as they come, and replies are printed while
 * the next line is awaited (poll on both), so a terminal or an editor
 * sees each answer at once. A bad line is reported and skipped. */
static void
run_stdin(Ctl* ctl)
{
	size_t   cap = 4096, len = 0;
	char*    buf = malloc(cap);
	unsigned lineno = 0;
	bool     eof = false;
	while (!eof || len) {
		char* nl = memchr(buf, '\n', len);
		if (!nl && !eof) {
			struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
			                        {.fd = lo_server_get_socket_fd(ctl->server), .events = POLLIN}};
			if (poll(fds, 2, -1) < 0 && errno != EINTR) {
				break;
			}
			if (fds[1].revents & POLLIN) {
				drain(ctl, 0);
			}
			if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
				if (len + 1024 > cap) {
					cap *= 2;
					char* grown = realloc(buf, cap);
					if (!grown) {
						fputs("chronusctl: out of memory\n", stderr);
						ctl->bad_input = true;
						break;
					}
					buf = grown;
				}
				const ssize_t got = read(STDIN_FILENO, buf + len, cap - len - 1);
				if (got > 0) {
					len += (size_t)got;
				} else if (got == 0 || errno != EINTR) {
					eof = true;
				}
			}
			continue;
		}
		const size_t line_len = nl ? (size_t)(nl - buf) : len; /* the last line may lack its '\n' */
		buf[line_len]         = '\0';
		++lineno;
		OscLine  line;
		OscError err = {0};
		const int r  = osc_line_parse(buf, &line, &err);
		if (r < 0) {
			if (err.column) {
				fprintf(stderr, "chronusctl: line %u, col %u: %s\n", lineno, err.column, err.message);
			} else {
				fprintf(stderr, "chronusctl: line %u: %s\n", lineno, err.message);
			}
			ctl->bad_input = true;
		} else if (r > 0) {
			send_line(ctl, &line);
			osc_line_free(&line);
		}
		const size_t used = nl ? line_len + 1 : len;
		memmove(buf, buf + used, len - used);
		len -= used;
	}
	free(buf);
}

int
main(int argc, char** argv)
{
	const char* host = "127.0.0.1";
	const char* port = getenv("CHRONUS_OSC_PORT");
	const char* port_from = "CHRONUS_OSC_PORT";
	long        wait_ms = 300, value;
	int         i       = 1;
	if (!port || !*port) {
		port = "9000", port_from = NULL;
	}
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; ++i) {
		const char* opt  = argv[i];
		const bool  more = i + 1 < argc;
		if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(opt, "--")) {
			++i;
			break;
		} else if (!strcmp(opt, "-p") && more) {
			port = argv[++i], port_from = NULL;
		} else if (!strcmp(opt, "-H") && more) {
			host = argv[++i];
		} else if (!strcmp(opt, "-w") && more) {
			if (!parse_range(argv[++i], 0, 600000, &wait_ms)) {
				fprintf(stderr, "chronusctl: -w %s: not a number of milliseconds (0 to 600000)\n", argv[i]);
				return EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "chronusctl: %s: %s\n", opt,
			        strchr("pHw", opt[1]) && !opt[2] ? "needs a value" : "unknown option");
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!parse_range(port, 1, 65535, &value)) {
		fprintf(stderr, "chronusctl: %s%s '%s' is not a UDP port (1 to 65535)\n", port_from ? port_from : "-p",
		        port_from ? " =" : "", port);
		return EXIT_USAGE;
	}
	if (i >= argc) {
		fputs("chronusctl: no ADDRESS (or - for stdin)\n", stderr);
		usage(stderr);
		return EXIT_USAGE;
	}
	const bool from_stdin = !strcmp(argv[i], "-");
	if (from_stdin && i + 1 < argc) {
		fputs("chronusctl: nothing may follow - (the messages come from stdin)\n", stderr);
		return EXIT_USAGE;
	}
	OscLine line = {0};
	if (!from_stdin) {
		OscError err = {0};
		if (!osc_line_from_words((const char* const*)argv + i, (unsigned)(argc - i), &line, &err)) {
			if (err.word) {
				fprintf(stderr, "chronusctl: argument %u (%s): %s\n", err.word, argv[i + (int)err.word],
				        err.message);
			} else {
				fprintf(stderr, "chronusctl: %s\n", err.message);
			}
			return EXIT_USAGE;
		}
	}

	char target_text[300];
	snprintf(target_text, sizeof target_text, "%s:%s", host, port);
	Ctl ctl = {.target_text = target_text};
	ctl.server = lo_server_new_with_proto(NULL, LO_UDP, on_lo_error);
	ctl.target = lo_address_new(host, port);
	if (!ctl.server || !ctl.target) {
		fprintf(stderr, "chronusctl: cannot open a UDP socket for %s\n", target_text);
		osc_line_free(&line);
		return EXIT_REPLY_ERROR;
	}
	lo_server_add_method(ctl.server, NULL, NULL, on_reply, &ctl);
	if (from_stdin) {
		run_stdin(&ctl);
	} else {
		send_line(&ctl, &line);
		osc_line_free(&line);
	}
	wait_quiet(&ctl, (double)wait_ms);
	lo_address_free(ctl.target);
	lo_server_free(ctl.server);
	return ctl.bad_input ? EXIT_USAGE : ctl.saw_error ? EXIT_REPLY_ERROR : 0;
}
