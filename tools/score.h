/* SPDX-License-Identifier: ISC
 *
 * Scores: what chronus-render plays (format in docs/score-format.md), and
 * the one place that turns a score into blocks for a Host, splitting blocks
 * at control changes the way Ardour splits its cycle at automation points.
 */
#ifndef CHRONUS_SCORE_H
#define CHRONUS_SCORE_H

#include "lv2host.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { SCORE_MIDI = 0, SCORE_CONTROL, SCORE_PATCH_FILE, SCORE_TEMPO } ScoreEventType;

typedef struct {
	uint64_t       frame;
	ScoreEventType type;
	uint8_t        midi[3];
	uint8_t        midi_size;
	char           symbol[32]; /* control port */
	float          value;
	char*          text;       /* patch file path */
	unsigned       line;       /* in the score, for messages */
	size_t         seq;        /* order of writing: events at one frame keep it */
} ScoreEvent;

typedef struct {
	double      rate;
	uint64_t    frames; /* total length */
	ScoreEvent* events; /* sorted by frame, stable */
	size_t      n_events;
} Score;

/* Parse score text; relative patch paths resolve against base_dir. */
bool score_parse(const char* text, const char* base_dir, double rate, Score* out, char* err, size_t err_size);
bool score_load(const char* path, double rate, Score* out, char* err, size_t err_size);
void score_free(Score* score);

/* Every control the score sets must be an input control port of the
 * plugin on host: false, and the line and the ports there are in err, if
 * one is not. */
bool score_check_controls(const Score* score, Host* host, char* err, size_t err_size);

/* The score line of the last patch event at or before frame (0 if none):
 * which request a status answers. */
unsigned score_patch_line_before(const Score* score, uint64_t frame);

/* How to cut the score into blocks: a fixed size, or random sizes in
 * [1, block] from a seed when random is set. */
typedef struct {
	uint32_t block;
	bool     random;
	uint32_t seed;
} BlockPlan;

/* Render the whole score into left/right (score->frames each, may be NULL
 * for right). Returns false if a block exceeded the host's maximum. */
bool score_render(Host* host, const Score* score, BlockPlan plan, float* left, float* right);

#endif
