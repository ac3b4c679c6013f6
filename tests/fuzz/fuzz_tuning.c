/* SPDX-License-Identifier: ISC
 *
 * libFuzzer target: Scala scale and keyboard-map text → scale_parse,
 * keymap_parse → tuning_build (src/tuning.c).
 *
 * Input: a 3-byte header, then the scale text; with header bit 0 set, the
 * text is cut at its first NUL byte and what follows is a keyboard map.
 *   h[0]  bit 0: a keyboard map follows the scale
 *   h[1]  the default map's reference key (0..127)
 *   h[2]  the default map's reference frequency, 20 Hz * 2^(h[2] / 32)
 *
 * Aborts when:
 *   - an error message breaks the formatter's promise (fuzz_check.h);
 *   - a parsed scale has a count outside 1..SCALE_MAX_NOTES, a non-finite
 *     pitch, or a period not above 0 cents;
 *   - a parsed map has keys or a frequency out of their ranges;
 *   - a built table has a non-finite entry where a key is mapped, a
 *     pitch on a key the map leaves out, or the reference key (when it is
 *     retuned) off its reference frequency by more than 0.001 cent.
 */
#include "fuzz_check.h"
#include "tuning.h"

#include <math.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static void
check_scale(const Scale* s)
{
	CHECK(s->n >= 1 && s->n <= SCALE_MAX_NOTES, "scale of %u pitches accepted", s->n);
	CHECK(s->cents[0] == 0.0, "degree 0 at %g cents", s->cents[0]);
	for (unsigned i = 1; i <= s->n; ++i) {
		CHECK(isfinite(s->cents[i]), "pitch %u is %g", i, s->cents[i]);
	}
	CHECK(s->cents[s->n] > 0.0, "period of %g cents accepted", s->cents[s->n]);
}

static void
check_map(const KeyMap* m)
{
	CHECK(m->size <= KEYMAP_MAX_SIZE, "map size %u", m->size);
	CHECK(m->first >= 0 && m->last < TUNING_KEYS && m->first <= m->last, "keys %d..%d", m->first, m->last);
	CHECK(m->middle >= 0 && m->middle < TUNING_KEYS, "middle key %d", m->middle);
	CHECK(m->ref_key >= 0 && m->ref_key < TUNING_KEYS, "reference key %d", m->ref_key);
	CHECK(m->ref_hz > 0.0 && m->ref_hz <= 1e6, "reference frequency %g", m->ref_hz);
	for (unsigned i = 0; i < m->size; ++i) {
		CHECK(m->map[i] >= TUNING_UNMAPPED, "map entry %u is %d", i, m->map[i]);
	}
}

static void
check_table(const KeyMap* m, const Tuning* t)
{
	for (int k = 0; k < TUNING_KEYS; ++k) {
		if (k < m->first || k > m->last) {
			CHECK(isnan(t->note[k]), "key %d outside %d..%d tuned to %g", k, m->first, m->last,
			      (double)t->note[k]);
		} else if (!isnan(t->note[k])) {
			CHECK(isfinite(t->note[k]), "key %d tuned to %g", k, (double)t->note[k]);
		}
	}
	const float r = t->note[m->ref_key];
	if (!isnan(r)) {
		const double want = 69.0 + 12.0 * log2(m->ref_hz / 440.0);
		CHECK(fabs((double)r - want) * 100.0 < 0.001 * fmax(1.0, fabs(want) / 128.0),
		      "reference key %d at %.6f, not %.6f", m->ref_key, (double)r, want);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	if (size < 3) {
		return 0;
	}
	const uint8_t* h    = data;
	const char*    text = (const char*)data + 3;
	size_t         len  = size - 3;
	const char*    kbm  = NULL;
	size_t         klen = 0;
	if (h[0] & 1) {
		const char* nul = memchr(text, '\0', len);
		if (nul) {
			kbm  = nul + 1;
			klen = len - (size_t)(kbm - text);
			len  = (size_t)(nul - text);
		}
	}
	static Scale  s;
	static KeyMap m;
	static Tuning t;
	PatchError    err = {0};
	if (!scale_parse(text, len, &s, &err)) {
		check_error(&err, "scale_parse", text, len);
		return 0;
	}
	check_scale(&s);
	if (kbm) {
		memset(&err, 0, sizeof err);
		if (!keymap_parse(kbm, klen, &m, &err)) {
			check_error(&err, "keymap_parse", kbm, klen);
			return 0;
		}
	} else {
		keymap_linear(&m, h[1] & 127, 20.0 * pow(2.0, h[2] / 32.0));
	}
	check_map(&m);
	memset(&err, 0, sizeof err);
	if (!tuning_build(&s, &m, &t, &err)) {
		check_error(&err, "tuning_build", NULL, 0);
		return 0;
	}
	check_table(&m, &t);
	return 0;
}
