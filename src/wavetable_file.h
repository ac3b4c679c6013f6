/* SPDX-License-Identifier: ISC
 *
 * The tables of a patch's `wavetable` statements, read from WAV (or any
 * file libsndfile reads) on the worker thread while it builds the slot.
 */
#ifndef CHRONUS_WAVETABLE_FILE_H
#define CHRONUS_WAVETABLE_FILE_H

#include "dsp/wavetable.h"
#include "patch.h"

#define WT_FILE_MAX_BYTES (64u << 20) /* a larger file is refused before it is read */

/* Worker thread: the table statement w names, its path taken relative to
 * dir (the patch file's folder; NULL or "": as written, from the working
 * directory) unless absolute. The first channel, cut into waves of
 * w->wave samples (a remainder shorter than a wave is left out), each
 * band-limited (wt_table_from_waves). NULL and *err set, with the line and
 * column of the file name, when the file is missing, unreadable, not
 * audio, shorter than one wave or longer than WT_MAX_FRAMES waves. The
 * table is malloc'd: the slot that plays it frees it (slot_attach). */
WtTable* wavetable_file_load(const PatchWavetable* w, const char* dir, PatchError* err);

#endif
