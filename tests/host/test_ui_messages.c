/* SPDX-License-Identifier: ISC
 *
 * What the plugin tells its UI (issue 16, docs/ui.md), read from the
 * notify port of the plugin loaded from the bundle: the compiled graph
 * (chronus:graph) after each swap and on patch:Get, with the modules that
 * run (not those that reach no output), the wires with their depths, the
 * master modules, the output, the knob names and the macro bindings; none
 * for a rejected patch; and the scope (chronus:scopeData), silent until a UI asks for it,
 * then at most 30 messages a second of at most 256 floats, and silent
 * again when it stops asking; the spectrum (chronus:spectrumData), the same
 * way at most 15 times a second, contiguous frames whose FFT puts a 440 Hz
 * note in its bin and finds nothing in silence; the swap in progress
 * (chronus:swap) reported while the worker builds, then the crossfade's
 * progress, then cleared. The bandwidth is printed. And the plugin runs
 * unchanged with no UI: the same notes give bit-identical output whether a
 * UI never asked for anything, keeps the scope and spectrum on, or turned
 * them on and off, and with no UI notify sends nothing while nothing changes.
 */
#define _GNU_SOURCE
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"
#include "../../src/ui/spectrum_fft.h"

#include <CUnit/CUnit.h>
#include <lv2/atom/atom.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 256u
#define GRAPH CHRONUS_URI "#graph"
#define SCOPE_DATA CHRONUS_URI "#scopeData"
#define SPECTRUM CHRONUS_URI "#spectrum"
#define SPECTRUM_DATA CHRONUS_URI "#spectrumData"
#define SWAP CHRONUS_URI "#swap"
#define SPECTRUM_FRAMES 2048u /* the plugin's SPECTRUM_N */

/* Five modules run (one of them master); `dead` reaches no output and is
 * not compiled, so the graph must leave it and its wire out. */
static const char* const graph_patch = "patch \"Graph Test\"\n"
                                       "create osc saw\n"
                                       "create wob lfo\n"
                                       "create vcf ladder\n"
                                       "create amp vca\n"
                                       "create dead sine\n"
                                       "create verb reverb master\n"
                                       "connect osc vcf\n"
                                       "connect wob vcf.cutoff 800\n"
                                       "connect note.velocity vcf.cutoff 300\n"
                                       "connect vcf amp\n"
                                       "connect wob dead.level 0.5\n"
                                       "connect amp verb\n"
                                       "macro 1 vcf.cutoff 80 8000 exp\n"
                                       "macro 3 verb.mix 0 0.5 lin\n"
                                       "macro 1 \"Cut-off \\\"Hz\\\"\"\n"
                                       "macro 5 \"Not yet\"\n"
                                       "out verb\n";

/* Lines of text that begin with prefix. */
static unsigned
count_lines(const char* text, const char* prefix)
{
	unsigned    n   = 0;
	const size_t pl = strlen(prefix);
	for (const char* p = text; p && *p;) {
		if (!strncmp(p, prefix, pl)) {
			++n;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return n;
}

/* Whether text holds this whole line. */
static bool
has_line(const char* text, const char* line)
{
	const size_t n = strlen(line);
	for (const char* p = text; p && *p;) {
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0')) {
			return true;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return false;
}

static Host*
graph_host(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	if (h && !test_load_patch(h, graph_patch)) {
		host_free(h);
		return NULL;
	}
	return h;
}

static void
test_graph_after_swap(void)
{
	Host* h = graph_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	const char* g = host_last_value(h, GRAPH);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_TRUE(has_line(g, "chronus-graph\t1"));
	CU_ASSERT_TRUE(has_line(g, "title\tGraph Test"));
	CU_ASSERT_EQUAL(count_lines(g, "module\t"), 5);
	CU_ASSERT_TRUE(has_line(g, "module\tosc\tsaw\tvoice"));
	CU_ASSERT_TRUE(has_line(g, "module\tvcf\tladder\tvoice"));
	CU_ASSERT_TRUE(has_line(g, "module\tverb\treverb\tmaster"));
	CU_ASSERT_FALSE(strstr(g, "dead") != NULL); /* not compiled: reaches no output */
	CU_ASSERT_EQUAL(count_lines(g, "wire\t"), 5);
	CU_ASSERT_TRUE(has_line(g, "wire\tosc\tvcf\tin\tinput\t1"));
	CU_ASSERT_TRUE(has_line(g, "wire\twob\tvcf\tcutoff\tparam\t800"));
	CU_ASSERT_TRUE(has_line(g, "wire\tnote.velocity\tvcf\tcutoff\tparam\t300"));
	CU_ASSERT_TRUE(has_line(g, "wire\tamp\tverb\tin\tinput\t1"));
	CU_ASSERT_TRUE(has_line(g, "out\tverb"));
	CU_ASSERT_EQUAL(count_lines(g, "macro\t"), 2);
	CU_ASSERT_TRUE(has_line(g, "macro\t1\tvcf\tcutoff\t80\t8000\texp"));
	CU_ASSERT_TRUE(has_line(g, "macro\t3\tverb\tmix\t0\t0.5\tlin"));
	/* the knob names the patch gives, bound (1) or not (5), and no others */
	CU_ASSERT_EQUAL(count_lines(g, "knob\t"), 2);
	CU_ASSERT_TRUE(has_line(g, "knob\t1\tCut-off \"Hz\""));
	CU_ASSERT_TRUE(has_line(g, "knob\t5\tNot yet"));
	host_free(h);
}

static bool
graph_count_above(Host* h, const void* arg)
{
	return host_value_count(h, GRAPH) > *(const unsigned*)arg;
}

/* A UI that opens later asks with patch:Get and gets the same graph. */
static void
test_graph_on_patch_get(void)
{
	Host* h = graph_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	char*          before = strdup(host_last_value(h, GRAPH));
	const unsigned n      = host_value_count(h, GRAPH);
	const unsigned swaps  = host_value_count(h, SWAP);
	host_patch_get(h, 0);
	CU_ASSERT_TRUE(test_run_until(h, BLOCK, graph_count_above, &n, NULL, 0, NULL));
	CU_ASSERT_STRING_EQUAL(host_last_value(h, GRAPH), before);
	/* and the swap in progress: nothing under way */
	float swap = 0.0f;
	CU_ASSERT_PTR_NOT_NULL_FATAL(host_last_value(h, SWAP));
	memcpy(&swap, host_last_value(h, SWAP), sizeof swap);
	CU_ASSERT_EQUAL(swap, 1.0f);
	CU_ASSERT_EQUAL(host_value_count(h, SWAP), swaps + 1);
	free(before);
	host_free(h);
}

/* A rejected patch sends no graph: the UI keeps drawing the one that
 * plays, beside the error. */
static void
test_rejected_patch_sends_no_graph(void)
{
	Host* h = graph_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	const unsigned n  = host_value_count(h, GRAPH);
	const unsigned st = host_status_count(h);
	const char*    bad = "create osc sawtooth\nout osc\n";
	host_patch_set(h, 0, CHRONUS_URI "#patchText", false, bad, (uint32_t)strlen(bad));
	CU_ASSERT_TRUE(test_run_until(h, BLOCK, test_cond_status_after, &st, NULL, 0, NULL));
	CU_ASSERT_TRUE(host_status_is_error(h, host_status_count(h) - 1));
	CU_ASSERT_EQUAL(host_value_count(h, GRAPH), n);
	CU_ASSERT_TRUE(has_line(host_last_value(h, GRAPH), "title\tGraph Test"));
	host_free(h);
}

/* patch:Set chronus:scope <bool> on the control port, as the UI sends it. */
static void
send_scope(Host* h, bool on)
{
	host_patch_set_bool(h, 0, CHRONUS_URI "#scope", on);
}

/* Runs `seconds` of a held note; returns the scope messages that came. */
static unsigned
run_seconds(Host* h, double seconds, uint64_t* bytes)
{
	const unsigned before = host_value_count(h, SCOPE_DATA);
	const uint64_t b0     = host_notify_bytes(h);
	float          buf[BLOCK];
	for (uint32_t done = 0; done < (uint32_t)(seconds * TEST_RATE); done += BLOCK) {
		host_run(h, BLOCK, buf, NULL);
	}
	if (bytes) {
		*bytes = host_notify_bytes(h) - b0;
	}
	return host_value_count(h, SCOPE_DATA) - before;
}

static void
test_scope_bounded_and_only_when_asked(void)
{
	Host* h = graph_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_note_on(h, 0, 57, 100);
	CU_ASSERT_EQUAL(run_seconds(h, 1.0, NULL), 0); /* nobody asked */

	send_scope(h, true);
	uint64_t       bytes = 0;
	const unsigned n     = run_seconds(h, 2.0, &bytes);
	/* 30 a second: 60 in two seconds, one fewer if the first period had
	 * not ended; never more. */
	CU_ASSERT_TRUE(n >= 59 && n <= 60);
	const uint32_t size = host_value_size(h, SCOPE_DATA);
	CU_ASSERT_TRUE(size > sizeof(LV2_Atom_Vector_Body) && size <= sizeof(LV2_Atom_Vector_Body) + 256 * sizeof(float));
	printf("\n  scope: %u messages in 2 s, %u floats each, notify %.0f bytes/s (scope on, a note held)\n", n,
	       (unsigned)((size - sizeof(LV2_Atom_Vector_Body)) / sizeof(float)), (double)bytes / 2.0);
	CU_ASSERT_TRUE(bytes / 2 <= 30u * 1200u);

	send_scope(h, false);
	run_seconds(h, 0.1, NULL); /* the message that may have been due in the block of the request */
	uint64_t quiet = 0;
	CU_ASSERT_EQUAL(run_seconds(h, 1.0, &quiet), 0);
	printf("  notify %.0f bytes/s with the scope off\n", (double)quiet);
	host_free(h);
}

/* Runs `seconds` of blocks of `block` frames; the spectrum messages and
 * the notify bytes that came meanwhile. */
static unsigned
run_spectrum(Host* h, double seconds, uint32_t block, uint64_t* bytes)
{
	const unsigned before = host_value_count(h, SPECTRUM_DATA);
	const uint64_t b0     = host_notify_bytes(h);
	float          buf[4096];
	for (uint32_t done = 0; done < (uint32_t)(seconds * TEST_RATE); done += block) {
		host_run(h, block, buf, NULL);
	}
	if (bytes) {
		*bytes = host_notify_bytes(h) - b0;
	}
	return host_value_count(h, SPECTRUM_DATA) - before;
}

/* The last spectrum message as dB per bin (spec_analyse of its frames);
 * its sample rate into *rate. 0 when it is not rate + 2048 floats. */
static unsigned
last_spectrum(Host* h, float* db, double* rate)
{
	const uint32_t size = host_value_size(h, SPECTRUM_DATA);
	const char*    body = host_last_value(h, SPECTRUM_DATA);
	if (!body || size != sizeof(LV2_Atom_Vector_Body) + (1 + SPECTRUM_FRAMES) * sizeof(float)) {
		return 0;
	}
	static float f[1 + SPECTRUM_FRAMES];
	memcpy(f, body + sizeof(LV2_Atom_Vector_Body), sizeof f);
	*rate = f[0];
	return spec_analyse(f + 1, SPECTRUM_FRAMES, db);
}

static float
loudest(const float* db, unsigned bins)
{
	return db[spec_peak_bin(db, bins)];
}

/* A 440 Hz sine: its peak in the bin of 440 Hz (bin 19 of 2048 at 48
 * kHz, 23.4 Hz apart) at its level; silence, before the note and after its
 * release: no bin above -120 dB. */
static void
test_spectrum_peak_and_silence(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_sine));
	host_patch_set_bool(h, 0, SPECTRUM, true);
	static float db[SPECTRUM_FRAMES / 2 + 1];
	double       rate = 0.0;
	CU_ASSERT_TRUE(run_spectrum(h, 0.5, BLOCK, NULL) >= 7);
	unsigned bins = last_spectrum(h, db, &rate);
	CU_ASSERT_EQUAL_FATAL(bins, SPECTRUM_FRAMES / 2 + 1);
	CU_ASSERT_DOUBLE_EQUAL(rate, TEST_RATE, 0.5);
	printf("\n  spectrum: silence, loudest bin %.1f dB\n", (double)loudest(db, bins));
	CU_ASSERT_TRUE(loudest(db, bins) < -120.0f);

	host_note_on(h, 0, 69, 127);
	run_spectrum(h, 0.5, BLOCK, NULL);
	bins = last_spectrum(h, db, &rate);
	CU_ASSERT_EQUAL_FATAL(bins, SPECTRUM_FRAMES / 2 + 1);
	const unsigned peak = spec_peak_bin(db, bins);
	const double   hz   = peak * rate / SPECTRUM_FRAMES;
	printf("  spectrum: A4 held, peak bin %u (%.1f Hz) at %.1f dB\n", peak, hz, (double)db[peak]);
	CU_ASSERT_EQUAL(peak, 19u); /* 440 / (48000 / 2048) = 18.8 */
	/* osc.level 0.5: -6 dB, less the window's scalloping (at most 1.5 dB) */
	CU_ASSERT_TRUE(db[peak] > -8.0f && db[peak] < -5.0f);
	/* an octave away, far below the peak */
	CU_ASSERT_TRUE(db[38] < db[peak] - 40.0f && db[10] < db[peak] - 40.0f);

	host_note_off(h, 0, 69);
	run_spectrum(h, 0.5, BLOCK, NULL); /* the 50 ms release, and a whole window after it */
	bins = last_spectrum(h, db, &rate);
	CU_ASSERT_EQUAL_FATAL(bins, SPECTRUM_FRAMES / 2 + 1);
	CU_ASSERT_TRUE(loudest(db, bins) < -120.0f);
	host_free(h);
}

/* Off by default and after false; while on, at most 15 messages a second
 * of 1 + 2048 floats, whatever the block size; the bandwidth of each
 * combination of scope and spectrum. */
static void
test_spectrum_bounded_and_only_when_asked(void)
{
	static const uint32_t blocks[] = {16, BLOCK, 4096};
	for (unsigned b = 0; b < sizeof blocks / sizeof blocks[0]; ++b) {
		Host* h = test_host(HOST_WORKER_THREAD, blocks[b]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_sine));
		host_note_on(h, 0, 69, 100);
		uint64_t none = 0, spectrum = 0, scope = 0, both = 0;
		CU_ASSERT_EQUAL(run_spectrum(h, 1.0, blocks[b], &none), 0); /* nobody asked */
		CU_ASSERT_EQUAL(none, 0);
		host_patch_set_bool(h, 0, SPECTRUM, true);
		const unsigned n = run_spectrum(h, 2.0, blocks[b], &spectrum);
		/* 15 a second: 30 in two seconds, one fewer if the first window had
		 * not filled (blocks of 4096 overshoot 2 s by up to one block) */
		CU_ASSERT_TRUE(n >= 29 && n <= 31);
		CU_ASSERT_EQUAL(host_value_size(h, SPECTRUM_DATA),
		                sizeof(LV2_Atom_Vector_Body) + (1 + SPECTRUM_FRAMES) * sizeof(float));
		send_scope(h, true);
		run_spectrum(h, 2.0, blocks[b], &both);
		host_patch_set_bool(h, 0, SPECTRUM, false);
		run_spectrum(h, 0.1, blocks[b], NULL);
		CU_ASSERT_EQUAL(run_spectrum(h, 2.0, blocks[b], &scope), 0);
		send_scope(h, false);
		run_spectrum(h, 0.1, blocks[b], NULL);
		uint64_t off = 0;
		run_spectrum(h, 1.0, blocks[b], &off);
		CU_ASSERT_EQUAL(off, 0);
		printf("%s  blocks of %u: notify bytes/s: none %.0f, scope %.0f, spectrum %.0f (%u messages in 2 s), "
		       "both %.0f, all off again %.0f\n",
		       b ? "" : "\n", (unsigned)blocks[b], (double)none, scope / 2.0, spectrum / 2.0, n, both / 2.0,
		       (double)off);
		/* 15 messages of 8196 bytes of floats, plus their headers */
		CU_ASSERT_TRUE(spectrum / 2 <= 16u * (8196u + 128u));
		CU_ASSERT_TRUE(both / 2 <= 16u * (8196u + 128u) + 30u * 1200u);
		host_free(h);
	}
}

/* The last chronus:swap value. */
static float
swap_value(Host* h)
{
	float v = 99.0f;
	memcpy(&v, host_last_value(h, SWAP), sizeof v);
	return v;
}

/* -1 while the (held) worker builds, then the crossfade's progress rising
 * at most 30 times a second, then 1 once it is over; nothing more after. */
static void
test_swap_in_progress(void)
{
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.rate        = TEST_RATE;
	cfg.max_block   = BLOCK;
	cfg.quiet       = true;
	cfg.hold_worker = true;
	Host* h         = test_host_with(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	host_set_control(h, "crossfade", 500.0f); /* 24 000 frames */
	float buf[BLOCK];
	host_run(h, BLOCK, buf, NULL);
	const unsigned n0 = host_value_count(h, SWAP);
	host_patch_set(h, 0, CHRONUS_URI "#patchText", false, patch_sine, (uint32_t)strlen(patch_sine));
	host_run(h, BLOCK, buf, NULL);
	const double end = host_now() + TEST_WAIT_SECONDS;
	while (host_worker_waiting(h) < 1 && host_now() < end) {
		host_run(h, BLOCK, buf, NULL);
	}
	CU_ASSERT_FATAL(host_worker_waiting(h) >= 1); /* the build is with the worker, held */
	CU_ASSERT_EQUAL_FATAL(host_value_count(h, SWAP), n0 + 1);
	CU_ASSERT_EQUAL(swap_value(h), -1.0f);
	for (unsigned i = 0; i < 20; ++i) { /* still building: nothing new */
		host_run(h, BLOCK, buf, NULL);
	}
	CU_ASSERT_EQUAL(host_value_count(h, SWAP), n0 + 1);
	host_worker_release(h);
	unsigned fades = 0, count = host_value_count(h, SWAP);
	float    last  = -1.0f;
	bool     rising = true;
	while (swap_value(h) < 1.0f && host_now() < end) {
		host_run(h, BLOCK, buf, NULL);
		host_settle(h);
		if (host_value_count(h, SWAP) != count) {
			count = host_value_count(h, SWAP);
			const float v = swap_value(h);
			if (v >= 0.0f && v < 1.0f) {
				rising &= v > last;
				last = v;
				++fades;
			}
		}
	}
	CU_ASSERT_EQUAL(swap_value(h), 1.0f);
	CU_ASSERT_TRUE(rising);
	/* 0.5 s of crossfade at most 30 a second: about 15 steps */
	printf("\n  swap: building, then %u crossfade steps, then done\n", fades);
	CU_ASSERT_TRUE(fades >= 10 && fades <= 17);
	CU_ASSERT_TRUE(strstr(host_status(h, host_status_count(h) - 1), "primed in") != NULL);
	const unsigned done = host_value_count(h, SWAP);
	for (unsigned i = 0; i < 200; ++i) { /* a second with nothing under way */
		host_run(h, BLOCK, buf, NULL);
	}
	CU_ASSERT_EQUAL(host_value_count(h, SWAP), done);
	host_free(h);
}

/* A rejected patch: building, then done (no crossfade). */
static void
test_swap_rejected(void)
{
	Host* h = graph_host();
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	const unsigned n0  = host_value_count(h, SWAP);
	const unsigned st  = host_status_count(h);
	const char*    bad = "create osc sawtooth\nout osc\n";
	host_patch_set(h, 0, CHRONUS_URI "#patchText", false, bad, (uint32_t)strlen(bad));
	CU_ASSERT_TRUE(test_run_until(h, BLOCK, test_cond_status_after, &st, NULL, 0, NULL));
	float buf[BLOCK];
	host_run(h, BLOCK, buf, NULL);
	CU_ASSERT_EQUAL(host_value_count(h, SWAP), n0 + 2);
	CU_ASSERT_EQUAL(swap_value(h), 1.0f);
	host_free(h);
}

/* One host of the UI-absent test: a patch with an LFO, an envelope and a
 * master reverb on an inline worker (so every host swaps at the same
 * frame), then a chord held for 2 s and released, both channels rendered. ui: 0 no UI ever, 1 a UI that asks
 * for the graph and keeps the scope on, 2 a UI that opens and closes
 * (scope on, then off after 0.5 s). Returns the notify bytes sent while
 * the notes played, and the scope messages in *scope. */
#define ABSENT_FRAMES (3u * 48000u)
static const char* const absent_patch = "patch \"No UI\"\n"
                                        "create osc saw\n"
                                        "create wob lfo\n"
                                        "create vcf ladder\n"
                                        "create env adsr\n"
                                        "create amp vca\n"
                                        "create verb reverb master\n"
                                        "connect osc vcf\n"
                                        "connect wob vcf.cutoff 800\n"
                                        "connect vcf amp\n"
                                        "connect env amp.gain\n"
                                        "connect amp verb\n"
                                        "out verb\n";
static uint64_t
absent_run(int ui, float* left, float* right, unsigned* scope)
{
	Host* h = test_host(HOST_WORKER_INLINE, BLOCK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, absent_patch));
	const uint64_t b0 = host_notify_bytes(h);
	const unsigned s0 = host_value_count(h, SCOPE_DATA);
	if (ui) { /* what the UI sends at open */
		host_patch_get(h, 0);
		send_scope(h, true);
		host_patch_set_bool(h, 0, SPECTRUM, true);
	}
	host_note_on(h, 3, 57, 100);
	host_note_on(h, 3, 64, 90);
	for (uint32_t done = 0; done < ABSENT_FRAMES; done += BLOCK) {
		if (ui == 2 && done == 24000u / BLOCK * BLOCK) { /* and at close */
			send_scope(h, false);
			host_patch_set_bool(h, 0, SPECTRUM, false);
		}
		if (done == 2u * 48000u / BLOCK * BLOCK) {
			host_note_off(h, 5, 57);
			host_note_off(h, 5, 64);
		}
		host_run(h, BLOCK, left + done, right + done);
	}
	*scope               = host_value_count(h, SCOPE_DATA) - s0;
	const uint64_t bytes = host_notify_bytes(h) - b0;
	host_free(h);
	return bytes;
}

static void
test_plugin_unchanged_without_ui(void)
{
	const size_t n   = ABSENT_FRAMES + BLOCK;
	float*       out = calloc(6 * n, sizeof(float));
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	unsigned       scope[3];
	const uint64_t none = absent_run(0, out, out + n, &scope[0]);
	const uint64_t on   = absent_run(1, out + 2 * n, out + 3 * n, &scope[1]);
	const uint64_t gone = absent_run(2, out + 4 * n, out + 5 * n, &scope[2]);
	CU_ASSERT_TRUE(test_rms(out, ABSENT_FRAMES) > 1e-3); /* the notes sound */
	/* bit-identical audio, left and right, whatever a UI asked */
	CU_ASSERT_EQUAL(memcmp(out, out + 2 * n, 2 * n * sizeof(float)), 0);
	CU_ASSERT_EQUAL(memcmp(out, out + 4 * n, 2 * n * sizeof(float)), 0);
	/* no UI: nothing on notify while the notes play (no patch changes) */
	CU_ASSERT_EQUAL(scope[0], 0);
	CU_ASSERT_EQUAL(none, 0);
	/* a UI: the graph it asked for and the scope; one that left: the
	 * scope only while it was there (0.5 s: 15 messages, 14 if the first
	 * period had not ended) */
	CU_ASSERT_TRUE(scope[1] >= 89 && scope[1] <= 90);
	CU_ASSERT_TRUE(on > 0);
	CU_ASSERT_TRUE(scope[2] >= 14 && scope[2] <= 16);
	CU_ASSERT_TRUE(gone > 0 && gone < on);
	printf("\n  3 s of a chord: output bit-identical with no UI, a UI (scope and spectrum on: %u scope messages, %llu notify bytes)"
	       " and a UI that closed after 0.5 s (%u scope messages, %llu bytes); notify with no UI: %llu bytes\n",
	       scope[1], (unsigned long long)on, scope[2], (unsigned long long)gone, (unsigned long long)none);
	free(out);
}

int
suite_ui(void)
{
	CU_pSuite s = CU_add_suite("ui_messages", NULL, NULL);
	if (!s) {
		return 1;
	}
	return !CU_add_test(s, "graph after a swap", test_graph_after_swap) ||
	       !CU_add_test(s, "graph on patch:Get", test_graph_on_patch_get) ||
	       !CU_add_test(s, "rejected patch sends no graph", test_rejected_patch_sends_no_graph) ||
	       !CU_add_test(s, "scope bounded and only when asked", test_scope_bounded_and_only_when_asked) ||
	       !CU_add_test(s, "spectrum: peak in its bin, none in silence", test_spectrum_peak_and_silence) ||
	       !CU_add_test(s, "spectrum bounded and only when asked", test_spectrum_bounded_and_only_when_asked) ||
	       !CU_add_test(s, "swap in progress reported then cleared", test_swap_in_progress) ||
	       !CU_add_test(s, "swap of a rejected patch cleared", test_swap_rejected) ||
	       !CU_add_test(s, "the plugin runs unchanged with no UI", test_plugin_unchanged_without_ui);
}
