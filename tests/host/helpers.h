/* SPDX-License-Identifier: ISC
 *
 * Helpers for the host tests: hosts on the assembled bundle, patch loading
 * through the plugin's own parameters, signal measurements.
 */
#ifndef CHRONUS_HOST_HELPERS_H
#define CHRONUS_HOST_HELPERS_H

#include "lv2host.h"
#include "score.h"

#include <stdbool.h>
#include <stddef.h>

#define TEST_RATE 48000.0

extern const char* chronus_uri;

Host* test_host(HostWorkerMode mode, uint32_t max_block);
/* Chronus on a host of any configuration; prints why if it fails. */
Host* test_host_with(const HostConfig* cfg);
/* patch:Set of the patch text; runs until the plugin answers it (the swap
 * to this text begins, or an error) and then until its crossfade is over.
 * False if it was rejected or no answer came within TEST_WAIT_SECONDS. */
bool  test_load_patch(Host* host, const char* text);
/* A host (threaded worker, blocks up to 256) on the patch, the limiter off
 * so the output is the patch's own signal; NULL if it cannot load. */
Host* test_probe_host(const char* text);

/* Tests that wait for a threaded worker wait for a condition, bounded by
 * wall-clock time generous enough for a loaded machine (docs/testing.md). */
#define TEST_WAIT_SECONDS 60.0
typedef bool (*TestCondition)(Host* host, const void* arg);
/* Runs blocks of `block` frames (into out when not NULL, which must hold
 * max_frames; the frames run are added to *frames when not NULL), letting
 * the worker finish after each block as a host does between cycles, until
 * done(host, arg) holds. False if it does not within TEST_WAIT_SECONDS or
 * max_frames (when out is given). */
bool  test_run_until(Host* host, uint32_t block, TestCondition done, const void* arg, float* out,
                     size_t max_frames, size_t* frames);
/* Conditions: a status newer than the count *arg (unsigned); the patch
 * whose title is arg (a string) announced as playing (its swap begun). */
bool  test_cond_status_after(Host* host, const void* before);
bool  test_cond_playing(Host* host, const void* title);
/* Frames a crossfade lasts at the host's crossfade setting, with margin. */
uint32_t test_fade_frames(Host* host);
/* Renders n frames in blocks of `block` into out (mono, left channel). */
void  test_render(Host* host, float* out, size_t n, uint32_t block);

/* Frequency of a steady periodic signal by interpolated rising zero
 * crossings. */
double test_frequency(const float* x, size_t n, double rate);
float  test_peak(const float* x, size_t n);
/* How many factory programs the plugin has: the program port's range. */
unsigned test_program_count(Host* h);
double test_rms(const float* x, size_t n);
bool   test_all_finite(const float* x, size_t n);
/* lilv_state_new_from_instance()'s port reader: user_data is the Host;
 * each control's value as an atom:Float. */
const void* test_state_get_port(const char* symbol, void* user_data, uint32_t* size, uint32_t* type);

extern const char* const patch_sine;


/* Both channels: host_run / test_render with the right channel rendered
 * too and compared with the left one, sample for sample (bit-exact: the
 * palette is mono, so a right channel that differs, e.g. zeroed, is a bug);
 * a difference fails the calling test. left receives the left channel. */
void test_run_stereo(Host* host, uint32_t n, float* left);
void test_render_stereo(Host* host, float* out, size_t n, uint32_t block);
/* How many blocks test_run_stereo has compared since the program began. */
unsigned long test_stereo_blocks(void);
/* score_render into left with the right channel compared the same way. */
bool          test_score_render_stereo(Host* host, const Score* score, BlockPlan plan, float* left);

#endif
