/* SPDX-License-Identifier: ISC
 *
 * Build, warm up and verify a slot. The prototype swapped to slots whose
 * modules had never run, and played their start-up transients and silence;
 * here nothing reaches run() before it has rendered a test note and passed
 * the checks below, each reported with its own message. The checks protect,
 * they do not judge: only a non-finite sample or a runaway level refuses a
 * patch; a silent warm-up swaps in with a warning naming the likely reason.
 */
#include "build_slot.h"

#include "graph_desc.h"

#include "compile.h"
#include "controls.h"
#include "silence_reason.h"
#include "voices.h"
#include "wavetable_file.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void
build_settings_default(BuildSettings* bs, double rate)
{
	*bs               = (BuildSettings){0};
	bs->rate          = rate;
	bs->polyphony     = (unsigned)controls[CTRL_POLYPHONY].def;
	bs->warmup_blocks = BUILD_WARMUP_BLOCKS;
	bs->warmup_frames = BUILD_WARMUP_FRAMES;
	for (unsigned k = 0; k < PATCH_MACRO_KNOBS; ++k) {
		bs->macros[k] = controls[CTRL_MACRO1 + k].def;
	}
	bs->tune_key = controls[CTRL_TUNE_KEY].def;
	bs->tune_hz  = controls[CTRL_TUNE_HZ].def;
}

/* The key the warm-up plays: BUILD_WARMUP_NOTE, or the nearest key the
 * tuning maps (when its keyboard map leaves that one out) and a `zone` of
 * the patch hears (a drum kit's keys): a silent warm-up would warn of a
 * silence the patch does not have. */
static uint8_t
warmup_key(const BuildSettings* bs, const Slot* slot)
{
	for (int d = 0; d < 128; ++d) {
		for (int sign = -1; sign <= 1; sign += 2) {
			const int k = (int)BUILD_WARMUP_NOTE + sign * d;
			if (k >= 0 && k < 128 && !(bs->key_pitch && isnan(bs->key_pitch[k])) &&
			    slot_zone_hears(slot, (uint8_t)k)) {
				return (uint8_t)k;
			}
		}
	}
	return BUILD_WARMUP_NOTE;
}

/* Apply the parameter table to a slot (knob positions), snapping. */
static void
apply_settings(Slot* slot, const BuildSettings* bs)
{
	for (unsigned k = 0; k < PATCH_MACRO_KNOBS; ++k) {
		slot_set_macro(slot, k, bs->macros[k], true);
	}
	slot_set_param_seq(slot, bs->param_seq);
}

static double
thread_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
fail(BuildReport* r, BuildStatus status, const char* fmt, ...)
{
	r->status = status;
	va_list ap;
	va_start(ap, fmt);
	patch_error_vset(&r->error, 0, 0, fmt, ap);
	va_end(ap);
}

/* Render a test note and check what comes out, on both channels (the
 * level is the louder channel's: a voice panned hard left is not silent). */
static bool
warm_up(Slot* slot, const BuildSettings* bs, BuildReport* r)
{
	float    buf[BUILD_WARMUP_FRAMES * 4], right[BUILD_WARMUP_FRAMES * 4];
	unsigned frames = bs->warmup_frames;
	if (frames == 0 || frames > sizeof(buf) / sizeof(buf[0])) {
		frames = BUILD_WARMUP_FRAMES;
	}
	double sum[2] = {0.0, 0.0};
	float  peak = 0.0f;
	bool   finite = true;
	/* At least the documented blocks, and at least BUILD_WARMUP_MS of
	 * sound: a 16-frame host block at 384 kHz would otherwise hear 0.3 ms
	 * and call a slow attack silent. */
	unsigned blocks = bs->warmup_blocks;
	const double min_frames = BUILD_WARMUP_MS * 0.001 * bs->rate;
	if ((double)blocks * frames < min_frames) {
		blocks = (unsigned)ceil(min_frames / frames);
	}
	voices_note_on(slot, warmup_key(bs, slot), 0.8f);
	for (unsigned b = 0; b < blocks; ++b) {
		slot_render(slot, buf, right, frames);
		for (unsigned c = 0; c < 2; ++c) {
			const float* y = c ? right : buf;
			for (unsigned i = 0; i < frames; ++i) {
				const float x = y[i];
				finite &= isfinite(x) != 0;
				const float a = fabsf(x);
				peak          = a > peak ? a : peak;
				sum[c] += (double)x * x;
			}
		}
	}
	const double n = (double)blocks * frames;
	r->peak        = peak;
	r->rms         = (float)sqrt((sum[0] > sum[1] ? sum[0] : sum[1]) / (n > 0 ? n : 1));
	if (!finite) {
		fail(r, BUILD_NOT_FINITE, "warm-up produced a non-finite sample (NaN or Inf)");
		return false;
	}
	if (peak > BUILD_PEAK_LIMIT) {
		fail(r, BUILD_TOO_LOUD, "warm-up peak %.1f dBFS is above the +18 dBFS limit",
		     20.0 * log10(peak));
		return false;
	}
	return true;
}

/* A silent warm-up is allowed: say why it is probably silent. */
static void
warn_if_silent(const Patch* patch, const BuildSettings* bs, const Slot* slot, BuildReport* r)
{
	if (r->rms >= BUILD_RMS_FLOOR) {
		return;
	}
	char reason[sizeof(r->warning) - 32];
	const uint8_t key   = warmup_key(bs, slot);
	const double  pitch = bs->key_pitch ? (double)bs->key_pitch[key] : (double)key;
	silence_reason(patch, bs->macros, 440.0 * pow(2.0, (pitch - 69.0) / 12.0), reason,
	               sizeof(reason));
	snprintf(r->warning, sizeof(r->warning), "warm-up is silent: %s", reason);
}

Slot*
build_slot(const char* text, size_t len, const BuildSettings* bs, BuildReport* r)
{
	const double t0 = thread_ms();
	*r              = (BuildReport){0};
	Patch* patch    = malloc(sizeof(Patch));
	if (!patch) {
		fail(r, BUILD_NO_MEMORY, "out of memory");
		return NULL;
	}
	if (!patch_parse(text, len, patch, &r->error)) {
		r->status = BUILD_PARSE_ERROR;
		free(patch);
		return NULL;
	}
	Slot* slot = compile_patch_simd(patch, bs->rate, bs->polyphony, bs->simd, &r->error);
	if (!slot) {
		free(patch);
		r->status = BUILD_COMPILE_ERROR;
		return NULL;
	}
	for (unsigned i = 0; i < patch->n_wavetables; ++i) { /* the files the patch names */
		const PatchWavetable* w = &patch->wavetables[i];
		WtTable*              t = wavetable_file_load(w, bs->base_dir, &r->error);
		if (!t || !slot_attach(slot, (unsigned)w->module, t)) {
			r->status = t ? BUILD_NO_MEMORY : BUILD_FILE_ERROR;
			free(patch);
			slot_free(slot);
			return NULL;
		}
	}
	apply_settings(slot, bs);
	if (bs->key_pitch) {
		slot_set_tuning(slot, bs->key_pitch, 0.0); /* before the warm-up: it verifies what will play */
	}
	if (!warm_up(slot, bs, r)) {
		free(patch);
		slot_free(slot);
		return NULL;
	}
	warn_if_silent(patch, bs, slot, r);
	if (bs->graph) {
		r->graph_len = graph_describe(patch, slot, bs->graph, bs->graph_cap);
	}
	free(patch);
	voices_reset(slot);
	apply_settings(slot, bs);
	slot_rewind(slot);
	r->prime_ms  = thread_ms() - t0;
	return slot;
}
