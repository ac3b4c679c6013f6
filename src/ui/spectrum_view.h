/* SPDX-License-Identifier: ISC
 *
 * What the UI's spectrum panel shows, from the plugin's spectrum messages
 * (docs/ui.md): SV_COLS columns on a log frequency axis from 20 Hz to
 * Nyquist, each the level in dB at its frequency, falling at most
 * SV_FALL_DB per message (15 a second) when the sound gets quieter, and a
 * peak hold that stays SV_HOLD messages before it falls too. No cairo
 * here: spectrum_draw.c draws it, the unit tests read it.
 */
#ifndef CHRONUS_SPECTRUM_VIEW_H
#define CHRONUS_SPECTRUM_VIEW_H

#include <stdbool.h>

#define SV_COLS     192
#define SV_FLOOR_DB -90.0f /* the bottom of the panel */
#define SV_TOP_DB   0.0f
#define SV_LOW_HZ   20.0
#define SV_FALL_DB  3.0f /* per message: 45 dB a second at 15 messages a second */
#define SV_HOLD     15u  /* messages a peak stays (1 s) */

typedef struct {
	float    level[SV_COLS]; /* dB, SV_FLOOR_DB..SV_TOP_DB */
	float    peak[SV_COLS];
	unsigned peak_age[SV_COLS];
	double   rate;           /* of the last message, Hz; 0 before the first */
	unsigned messages;
	double   peak_hz;        /* the loudest bin of the last message, and its level */
	float    peak_db;
} SpectrumView;

void sv_reset(SpectrumView* v);
/* One message: n contiguous samples at rate Hz (n a power of two, at
 * most SPEC_MAX_N). False, and nothing changed, for anything else. */
bool sv_take(SpectrumView* v, const float* samples, unsigned n, double rate);
/* The frequency of column c (log axis, 20 Hz .. rate / 2), and back. */
double sv_col_hz(const SpectrumView* v, unsigned c);
double sv_hz_pos(const SpectrumView* v, double hz); /* 0..1 across the panel */
/* Columns above the floor: what the panel draws. */
unsigned sv_lit(const SpectrumView* v);
/* Whether any peak hold is above the floor. */
bool sv_peaks_lit(const SpectrumView* v);

#endif
