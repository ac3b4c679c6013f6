/* SPDX-License-Identifier: ISC
 *
 * The plugin's tuning files and the key table they give (tuner.h). A file
 * is read whole (at most TUNER_FILE_MAX bytes) and parsed by tuning.c; a
 * broken one changes nothing, so the patch plays on in the tuning it had.
 */
#include "tuner.h"

#include "controls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Tuner {
	bool   has_scale, has_map;
	Scale  scale;
	KeyMap map;
	char   scale_path[TUNER_PATH_MAX], map_path[TUNER_PATH_MAX];
};

Tuner*
tuner_new(void)
{
	return calloc(1, sizeof(Tuner));
}

void
tuner_free(Tuner* t)
{
	free(t);
}

/* Twelve-tone equal temperament as a Scala scale (the scale in effect
 * when only a keyboard map is loaded). */
static void
equal_scale(Scale* s)
{
	memset(s, 0, sizeof *s);
	s->n = 12;
	for (unsigned i = 0; i <= 12; ++i) {
		s->cents[i] = 100.0 * i;
	}
}

static bool
build(const Scale* scale, bool has_scale, const KeyMap* map, bool has_map, float key, float hz, Tuning* out,
      bool* equal, PatchError* err)
{
	*equal = !has_scale && !has_map && key == controls[CTRL_TUNE_KEY].def && hz == controls[CTRL_TUNE_HZ].def;
	if (*equal) {
		tuning_equal(out);
		return true;
	}
	static __thread Scale edo; /* 8 KiB: off the worker's stack */
	static __thread KeyMap linear;
	if (!has_scale) {
		equal_scale(&edo);
	}
	if (!has_map) {
		keymap_linear(&linear, (int)key, (double)hz);
	}
	return tuning_build(has_scale ? scale : &edo, has_map ? map : &linear, out, err);
}

/* Reads a whole file; false with err set. */
static char*
read_file(const char* path, size_t* len, PatchError* err)
{
	FILE* f = fopen(path, "rb");
	if (!f) {
		patch_error_set(err, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	char*        buf = malloc(TUNER_FILE_MAX + 1);
	const size_t n   = buf ? fread(buf, 1, TUNER_FILE_MAX + 1, f) : 0;
	const bool   bad = !buf || ferror(f);
	fclose(f);
	if (bad || n > TUNER_FILE_MAX) {
		patch_error_set(err, 0, 0, !buf ? "out of memory" : bad ? "cannot read it" : "larger than %u bytes",
		                TUNER_FILE_MAX);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

bool
tuner_load(Tuner* t, bool keymap, const char* path, float key, float hz, PatchError* err)
{
	static __thread Scale  scale;
	static __thread KeyMap map;
	static __thread Tuning check;
	bool                   ok = true, loaded = path[0] != '\0';
	if (loaded) {
		size_t len;
		char*  text = read_file(path, &len, err);
		ok          = text && (keymap ? keymap_parse(text, len, &map, err) : scale_parse(text, len, &scale, err));
		free(text);
	}
	bool equal;
	ok = ok && build(keymap ? &t->scale : (loaded ? &scale : NULL), keymap ? t->has_scale : loaded,
	                 keymap ? (loaded ? &map : NULL) : &t->map, keymap ? loaded : t->has_map, key, hz, &check,
	                 &equal, err);
	if (!ok) {
		/* "scale file 'x.scl': line 4, col 3: ..." */
		char why[sizeof err->message];
		snprintf(why, sizeof why, "%s", err->message);
		snprintf(err->message, sizeof err->message, "%s '%.60s': %.160s", keymap ? "keyboard map" : "scale file",
		         path, why);
		return false;
	}
	if (keymap) {
		t->has_map = loaded;
		t->map     = map;
		snprintf(t->map_path, sizeof t->map_path, "%s", path);
	} else {
		t->has_scale = loaded;
		t->scale     = scale;
		snprintf(t->scale_path, sizeof t->scale_path, "%s", path);
	}
	return true;
}

bool
tuner_table(const Tuner* t, float key, float hz, Tuning* out, bool* equal, PatchError* err)
{
	return build(&t->scale, t->has_scale, &t->map, t->has_map, key, hz, out, equal, err);
}

const char*
tuner_path(const Tuner* t, bool keymap)
{
	return keymap ? t->map_path : t->scale_path;
}
