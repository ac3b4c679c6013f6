/* SPDX-License-Identifier: ISC
 *
 * The plugin's tuning: the Scala scale and keyboard map files loaded
 * (through the scaleFile and keymapFile parameters, or a restored state),
 * what they hold, and the key table a build plays from them and the
 * tuning ports. Non-real-time threads only (worker, save, restore), behind
 * the plugin's snapshot_lock.
 */
#ifndef CHRONUS_TUNER_H
#define CHRONUS_TUNER_H

#include "tuning.h"

#include <stdbool.h>

#define TUNER_PATH_MAX 4096u
#define TUNER_FILE_MAX 65536u /* larger than any scale in Scala's archive */

typedef struct Tuner Tuner;

Tuner* tuner_new(void);
void   tuner_free(Tuner* t);

/* Loads a scale (keymap false) or keyboard map file in place of the one
 * loaded; "" unloads it. The table it gives with the ports key/hz must
 * build, or nothing changes. false: err says what and where (the file's
 * line and column), prefixed with the file. */
bool tuner_load(Tuner* t, bool keymap, const char* path, float key, float hz, PatchError* err);

/* The table of the files loaded and the tuning ports: with neither file
 * and the ports at their defaults, exactly twelve-tone equal temperament
 * (*equal true: the engine's own, nothing to apply). */
bool tuner_table(const Tuner* t, float key, float hz, Tuning* out, bool* equal, PatchError* err);

/* The files loaded ("" for none). */
const char* tuner_path(const Tuner* t, bool keymap);

#endif
