/* SPDX-License-Identifier: ISC
 *
 * chronus-render: plays a score through an LV2 instrument hosted by lilv and
 * writes the result to a WAV file with libsndfile. The demo and the
 * end-to-end tests go through this same path. Like a DAW exporting, it runs
 * the worker inline by default, so a render is the same every time.
 * Exit status: 0 when every patch in the score was accepted and the audio
 * is finite; 1 when a patch was rejected, the score names a control the
 * plugin lacks, or anything else failed; 2 for a bad command line
 * (docs/score-format.md).
 */
#include "click.h"
#include "lv2host.h"
#include "score.h"

#include "chronus_config.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
usage(void)
{
	fprintf(stderr,
	        "usage: chronus-render [options] SCORE OUT.wav\n"
	        "  --uri URI       plugin to play (default %s)\n"
	        "  --rate HZ       sample rate, 8000 to 384000 (default 48000)\n"
	        "  --block N       block size in frames, 1 to 8192 (default 256)\n"
	        "  --random-blocks cut the score into blocks of random sizes, each from 1\n"
	        "                  to the --block size (a fixed sequence: the same cut\n"
	        "                  on every run), instead of blocks of that size\n"
	        "  --threaded-worker run work() in a worker thread, as hosts do live (the\n"
	        "                  render then depends on thread timing); by default work()\n"
	        "                  runs inside schedule_work, as hosts do when exporting\n"
	        "  --stats         print duration, peak and RMS, and the click metric at every swap\n"
	        "  --swaps FILE    write each swap (time in s, click metric, status) to FILE\n"
	        "  --envelope FILE write the waveform's min/max per 10 ms to FILE (for plots)\n"
	        "Exit status: 0 if every patch was accepted and the audio is finite, 1 if a\n"
	        "patch was rejected or anything else failed, 2 for a bad command line.\n"
	        "Score format: docs/score-format.md\n",
	        CHRONUS_URI);
}

/* Every status the plugin sent with its error flag set is a rejected patch:
 * each is printed with the score line that asked for it. Returns how many. */
static unsigned
report_rejections(Host* host, const Score* score)
{
	unsigned n = 0;
	for (unsigned k = 0; k < host_status_count(host); ++k) {
		if (host_status_is_error(host, k)) {
			const unsigned line = score_patch_line_before(score, host_status_frame(host, k));
			fprintf(stderr, "chronus-render: score line %u: patch rejected: %s\n", line, host_status(host, k));
			++n;
		}
	}
	return n;
}

/* Every swap the plugin announced ("<name>: primed in ..."), with the click
 * metric of DESIGN.md around its crossfade. */
static void
report_swaps(Host* host, const Score* score, const float* y, double rate, bool print, const char* path)
{
	FILE* f = path ? fopen(path, "w") : NULL;
	if (path && !f) {
		fprintf(stderr, "chronus-render: cannot write '%s'\n", path);
	}
	const float crossfade_ms = host_get_control(host, "crossfade");
	const size_t span        = (size_t)((crossfade_ms > 0 ? crossfade_ms : 30.0f) * 0.001 * rate) + 480;
	for (unsigned k = 0; k < host_status_count(host); ++k) {
		const char* st = host_status(host, k);
		const uint64_t at = host_status_frame(host, k);
		if (!strstr(st, "primed") || at == 0 || at >= score->frames) {
			continue; /* the instance's own first patch, or an error */
		}
		const double m = click_metric_around(y, score->frames, at, span, (size_t)(0.1 * rate));
		if (print) {
			printf("swap at %7.3f s: click metric %.3f  (%s)\n", (double)at / rate, m, st);
		}
		if (f) {
			fprintf(f, "%.4f %.4f \"%s\"\n", (double)at / rate, m, st);
		}
	}
	if (f) {
		fclose(f);
	}
}

static void
write_envelope(const char* path, const float* y, uint64_t frames, double rate)
{
	FILE* f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "chronus-render: cannot write '%s'\n", path);
		return;
	}
	const uint64_t step = (uint64_t)(0.01 * rate);
	for (uint64_t i = 0; i + step <= frames; i += step) {
		float lo = y[i], hi = y[i];
		for (uint64_t k = i; k < i + step; ++k) {
			lo = fminf(lo, y[k]);
			hi = fmaxf(hi, y[k]);
		}
		fprintf(f, "%.3f %.5f %.5f\n", (double)i / rate, lo, hi);
	}
	fclose(f);
}

int
main(int argc, char** argv)
{
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.worker = HOST_WORKER_INLINE; /* an offline render is an export */
	const char* uri   = CHRONUS_URI;
	BlockPlan   plan  = {256, false, 1};
	bool        stats = false;
	const char* swaps_path    = NULL;
	const char* envelope_path = NULL;
	int         i     = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; ++i) {
		if (!strcmp(argv[i], "--uri") && i + 1 < argc) {
			uri = argv[++i];
		} else if (!strcmp(argv[i], "--rate") && i + 1 < argc) {
			cfg.rate = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--block") && i + 1 < argc) {
			plan.block = (uint32_t)atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--random-blocks")) {
			plan.random = true;
		} else if (!strcmp(argv[i], "--threaded-worker")) {
			cfg.worker = HOST_WORKER_THREAD;
		} else if (!strcmp(argv[i], "--stats")) {
			stats = true;
		} else if (!strcmp(argv[i], "--swaps") && i + 1 < argc) {
			swaps_path = argv[++i];
		} else if (!strcmp(argv[i], "--envelope") && i + 1 < argc) {
			envelope_path = argv[++i];
		} else if (!strcmp(argv[i], "--help")) {
			usage();
			return 0;
		} else {
			usage();
			return 2;
		}
	}
	if (argc - i != 2 || plan.block < 1 || plan.block > 8192 || !(cfg.rate >= 8000.0 && cfg.rate <= 384000.0)) {
		usage();
		return 2;
	}
	cfg.max_block = plan.block;

	char  err[512];
	Score score;
	if (!score_load(argv[i], cfg.rate, &score, err, sizeof(err))) {
		fprintf(stderr, "chronus-render: %s\n", err);
		return 1;
	}
	Host* host = host_new(&cfg, uri, err, sizeof(err));
	if (!host) {
		fprintf(stderr, "chronus-render: %s\n", err);
		score_free(&score);
		return 1;
	}
	if (!score_check_controls(&score, host, err, sizeof(err))) {
		fprintf(stderr, "chronus-render: %s\n", err);
		host_free(host);
		score_free(&score);
		return 1;
	}
	float* left  = calloc(score.frames, sizeof(float));
	float* right = calloc(score.frames, sizeof(float));
	score_render(host, &score, plan, left, right);
	/* Answers still on their way (a patch asked for in the last block)
	 * arrive in one more block, which the WAV file does not keep. */
	host_settle(host);
	float scratch[256];
	host_run(host, plan.block < 256 ? plan.block : 256, scratch, NULL);
	for (unsigned k = 0; k < host_status_count(host); ++k) {
		if (!host_status_is_error(host, k)) {
			fprintf(stderr, "chronus-render: plugin status: %s\n", host_status(host, k));
		}
	}
	const unsigned rejected = report_rejections(host, &score);

	SF_INFO info = {0};
	info.samplerate = (int)cfg.rate;
	info.channels   = 2;
	info.format     = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
	SNDFILE* out    = sf_open(argv[i + 1], SFM_WRITE, &info);
	int      rc     = 0;
	if (!out) {
		fprintf(stderr, "chronus-render: cannot write '%s': %s\n", argv[i + 1], sf_strerror(NULL));
		rc = 1;
	} else {
		float* inter = malloc(score.frames * 2 * sizeof(float));
		double sum = 0.0;
		float  peak = 0.0f;
		bool   finite = true;
		for (uint64_t f = 0; f < score.frames; ++f) {
			inter[2 * f]     = left[f];
			inter[2 * f + 1] = right[f];
			finite &= isfinite(left[f]) && isfinite(right[f]);
			peak = fmaxf(peak, fmaxf(fabsf(left[f]), fabsf(right[f])));
			sum += (double)left[f] * left[f] + (double)right[f] * right[f];
		}
		sf_writef_float(out, inter, (sf_count_t)score.frames);
		sf_close(out);
		free(inter);
		if (stats) {
			const double rms = sqrt(sum / (2.0 * (double)(score.frames ? score.frames : 1)));
			printf("%s: %.2f s at %.0f Hz, peak %.1f dBFS, RMS %.1f dBFS%s\n", argv[i + 1],
			       (double)score.frames / cfg.rate, cfg.rate, 20.0 * log10(peak + 1e-30),
			       20.0 * log10(rms + 1e-30), finite ? "" : ", NOT FINITE");
		}
		if (!finite) {
			fprintf(stderr, "chronus-render: the output is not finite\n");
			rc = 1;
		}
	}
	if (rejected) {
		fprintf(stderr, "chronus-render: %u patch%s rejected\n", rejected, rejected == 1 ? "" : "es");
		rc = 1;
	}
	if (stats || swaps_path) {
		report_swaps(host, &score, left, cfg.rate, stats, swaps_path);
	}
	if (envelope_path) {
		write_envelope(envelope_path, left, score.frames, cfg.rate);
	}
	free(left);
	free(right);
	host_free(host);
	score_free(&score);
	return rc;
}
