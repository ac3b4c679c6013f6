/* SPDX-License-Identifier: ISC
 *
 * Ardour's inline display (docs/ui.md), through the plugin loaded from
 * the bundle by lilv with a host that offers the queue_draw feature, as
 * Ardour does: the interface comes from extension_data; render() at the
 * sizes a mixer strip asks gives an ARGB32 image of that width within the
 * height bound; the scope trace is in the picture, larger with a note held
 * than in silence; the name band has text, changes with the patch and
 * shows a mark after a rejected one; queue_draw comes while a note plays,
 * never more than 15 times per second of audio, and stops in silence.
 */
#include "helpers.h"
#include "suites.h"

#include "chronus_config.h"
#include "lv2/ardour_inline.h"
#include "lv2/inline_display.h"

#include <CUnit/CUnit.h>

#include <stdio.h>
#include <string.h>

#define BLOCK 256u
#define BAND  12 /* the name band's height for images 36 or more pixels high */

static const char* const patch_a = "patch \"Inline Test\"\n"
                                   "create osc saw\n"
                                   "create env adsr\n"
                                   "create vcf ladder\n"
                                   "create amp vca\n"
                                   "connect osc vcf\n"
                                   "connect vcf amp\n"
                                   "connect env amp.gain\n"
                                   "set env.attack 2\nset env.sustain 1\nset env.release 20\n"
                                   "out amp\n";
static const char* const patch_b = "patch \"Other Name\"\n"
                                   "create osc saw\n"
                                   "create env adsr\n"
                                   "create amp vca\n"
                                   "connect osc amp\n"
                                   "connect env amp.gain\n"
                                   "out amp\n";

/* The host's side of queue_draw: how many calls, and the fewest frames
 * between two of them. */
typedef struct {
	unsigned calls;
	uint64_t frame, last, min_gap;
} Draws;

static void
queue_draw(LV2_Inline_Display_Handle handle)
{
	Draws* d = handle;
	if (d->calls && d->frame - d->last < d->min_gap) {
		d->min_gap = d->frame - d->last;
	}
	d->last = d->frame;
	++d->calls;
}

typedef struct {
	Host*                               h;
	const LV2_Inline_Display_Interface* iface;
	Draws                               draws;
	LV2_Inline_Display                  feature_data;
	LV2_Feature                         feature;
} Strip;

static bool
strip_open(Strip* s)
{
	memset(s, 0, sizeof(*s));
	s->draws.min_gap  = UINT64_MAX;
	s->feature_data   = (LV2_Inline_Display){&s->draws, queue_draw};
	s->feature        = (LV2_Feature){LV2_INLINEDISPLAY__queue_draw, &s->feature_data};
	HostConfig cfg;
	host_config_default(&cfg);
	cfg.rate          = TEST_RATE;
	cfg.max_block     = BLOCK;
	cfg.worker        = HOST_WORKER_THREAD;
	cfg.quiet         = true;
	cfg.extra_feature = &s->feature;
	s->h              = test_host_with(&cfg);
	if (!s->h || !test_load_patch(s->h, patch_a)) {
		return false;
	}
	s->iface = lilv_instance_get_extension_data(host_instance(s->h), LV2_INLINEDISPLAY__interface);
	return s->iface && s->iface->render;
}

static void
run_seconds(Strip* s, double seconds)
{
	float buf[BLOCK];
	for (uint32_t done = 0; done < (uint32_t)(seconds * TEST_RATE); done += BLOCK) {
		host_run(s->h, BLOCK, buf, NULL);
		s->draws.frame += BLOCK;
	}
}

static uint32_t
pixel(const LV2_Inline_Display_Image_Surface* img, int x, int y)
{
	uint32_t p;
	memcpy(&p, img->data + (size_t)y * (size_t)img->stride + 4u * (size_t)x, sizeof(p));
	return p;
}

/* Pixels in rows [y0, y1) that pass the test. */
static unsigned
count(const LV2_Inline_Display_Image_Surface* img, int y0, int y1, bool (*is)(uint32_t))
{
	unsigned n = 0;
	for (int y = y0; y < y1 && y < img->height; ++y) {
		for (int x = 0; x < img->width; ++x) {
			n += is(pixel(img, x, y));
		}
	}
	return n;
}

#define R(p) ((int)((p) >> 16 & 0xffu))
#define G(p) ((int)((p) >> 8 & 0xffu))
#define B(p) ((int)((p)&0xffu))

/* The trace's green, fully or partly covering the dark background. */
static bool is_trace(uint32_t p) { return G(p) >= 90 && G(p) > R(p) + 50 && G(p) > B(p) + 30; }
static bool is_text(uint32_t p) { return R(p) > 160 && G(p) > 160 && B(p) > 160; }
static bool is_mark(uint32_t p) { return R(p) > 200 && G(p) < 90 && B(p) < 90; }

static void
test_trace_and_name(void)
{
	Strip s;
	CU_ASSERT_TRUE_FATAL(strip_open(&s));
	_Static_assert(INLINE_TRACE_G > INLINE_TRACE_R + 50 && INLINE_TRACE_G > INLINE_TRACE_B + 30, "is_trace");
	run_seconds(&s, 0.5);
	const LV2_Inline_Display_Image_Surface* img = s.iface->render(host_instance(s.h)->lv2_handle, 200, 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(img);
	CU_ASSERT_EQUAL(img->width, 200);
	CU_ASSERT_EQUAL(img->height, 100);
	const unsigned silent = count(img, BAND, img->height, is_trace);
	const unsigned name_a = count(img, 0, BAND, is_text);
	unsigned char  band_a[BAND * 200 * 4];
	memcpy(band_a, img->data, sizeof(band_a));
	CU_ASSERT_TRUE(silent >= 150);         /* the flat line across the width */
	CU_ASSERT_TRUE(name_a >= 20);          /* "Inline Test" */
	CU_ASSERT_EQUAL(count(img, 0, img->height, is_mark), 0);

	host_note_on(s.h, 0, 45, 110);
	run_seconds(&s, 0.5);
	img                 = s.iface->render(host_instance(s.h)->lv2_handle, 200, 100);
	const unsigned held = count(img, BAND, img->height, is_trace);
	printf("\n  inline display 200x100: %u trace pixels silent, %u with a note; %u text pixels in the name\n",
	       silent, held, name_a);
	CU_ASSERT_TRUE(held > 2 * silent);
	CU_ASSERT_EQUAL(count(img, BAND, img->height, is_text), 0); /* the scope has no text */

	/* Another patch: another name. A rejected one: the name stays, a mark. */
	CU_ASSERT_TRUE_FATAL(test_load_patch(s.h, patch_b));
	run_seconds(&s, 0.1);
	img = s.iface->render(host_instance(s.h)->lv2_handle, 200, 100);
	CU_ASSERT_TRUE(count(img, 0, BAND, is_text) >= 20);
	CU_ASSERT_TRUE(memcmp(band_a, img->data, sizeof(band_a)) != 0);
	unsigned char band_b[BAND * 200 * 4];
	memcpy(band_b, img->data, sizeof(band_b));
	const unsigned st  = host_status_count(s.h);
	const char*    bad = "create osc sawtooth\nout osc\n";
	host_patch_set(s.h, 0, CHRONUS_URI "#patchText", false, bad, (uint32_t)strlen(bad));
	CU_ASSERT_TRUE(test_run_until(s.h, BLOCK, test_cond_status_after, &st, NULL, 0, NULL));
	img = s.iface->render(host_instance(s.h)->lv2_handle, 200, 100);
	CU_ASSERT_TRUE(count(img, 0, BAND, is_mark) >= 9);
	CU_ASSERT_TRUE(count(img, 0, BAND, is_text) >= 20);
	host_free(s.h);
}

static void
test_sizes(void)
{
	Strip s;
	CU_ASSERT_TRUE_FATAL(strip_open(&s));
	host_note_on(s.h, 0, 45, 110);
	run_seconds(&s, 0.3);
	static const struct {
		uint32_t w, max_h;
		int      h;
	} sizes[] = {{80, 40, 40}, {200, 100, 100}, {200, 30, 30}, {120, 500, 60}, {80, 200, 40}, {400, 1000, 200}};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); ++i) {
		const LV2_Inline_Display_Image_Surface* img =
		    s.iface->render(host_instance(s.h)->lv2_handle, sizes[i].w, sizes[i].max_h);
		CU_ASSERT_PTR_NOT_NULL_FATAL(img);
		CU_ASSERT_PTR_NOT_NULL(img->data);
		CU_ASSERT_EQUAL(img->width, (int)sizes[i].w);
		CU_ASSERT_EQUAL(img->height, sizes[i].h);
		CU_ASSERT_TRUE(img->height <= (int)sizes[i].max_h);
		CU_ASSERT_TRUE(img->stride >= 4 * img->width && img->stride % 4 == 0);
		const int band = img->height >= 36 ? BAND : img->height / 3;
		CU_ASSERT_TRUE(count(img, band, img->height, is_trace) >= (unsigned)img->width);
		CU_ASSERT_TRUE(count(img, 0, band, is_text) > 0);
	}
	host_free(s.h);
}

static void
test_queue_draw_rate(void)
{
	Strip s;
	CU_ASSERT_TRUE_FATAL(strip_open(&s));
	run_seconds(&s, 1.0); /* the first name drawn, then silence */
	s.draws.calls = 0;
	run_seconds(&s, 1.0);
	CU_ASSERT_EQUAL(s.draws.calls, 0); /* nothing new: no redraw */

	host_note_on(s.h, 0, 45, 110);
	run_seconds(&s, 2.0);
	const unsigned playing = s.draws.calls;
	printf("\n  queue_draw: %u calls in 2 s of a held note (fewest frames between two: %llu)\n", playing,
	       (unsigned long long)s.draws.min_gap);
	CU_ASSERT_TRUE(playing >= 20 && playing <= 2 * INLINE_DRAW_HZ + 1);
	CU_ASSERT_TRUE(s.draws.min_gap >= (uint64_t)(TEST_RATE / INLINE_DRAW_HZ));

	host_note_off(s.h, 0, 45);
	run_seconds(&s, 5.0); /* the release ends */
	s.draws.calls = 0;
	run_seconds(&s, 1.0);
	CU_ASSERT_EQUAL(s.draws.calls, 0);
	host_free(s.h);
}

/* Without the feature the plugin plays as before and render() still
 * answers (a flat scope: run() feeds nothing). */
static void
test_without_feature(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, BLOCK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE_FATAL(test_load_patch(h, patch_a));
	const LV2_Inline_Display_Interface* iface =
	    lilv_instance_get_extension_data(host_instance(h), LV2_INLINEDISPLAY__interface);
	CU_ASSERT_PTR_NOT_NULL_FATAL(iface);
	host_note_on(h, 0, 45, 110);
	float buf[BLOCK];
	float peak = 0.0f;
	for (unsigned b = 0; b < 100; ++b) {
		host_run(h, BLOCK, buf, NULL);
		peak = test_peak(buf, BLOCK) > peak ? test_peak(buf, BLOCK) : peak;
	}
	CU_ASSERT_TRUE(peak > 0.01f);
	const LV2_Inline_Display_Image_Surface* img = iface->render(host_instance(h)->lv2_handle, 200, 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(img);
	CU_ASSERT_EQUAL(count(img, BAND, img->height, is_trace), 0);
	CU_ASSERT_TRUE(count(img, 0, BAND, is_text) >= 20);
	host_free(h);
}

int
suite_inline(void)
{
	CU_pSuite s = CU_add_suite("inline_display", NULL, NULL);
	if (!s) {
		return 1;
	}
	return !CU_add_test(s, "trace and name in the picture", test_trace_and_name) ||
	       !CU_add_test(s, "sizes", test_sizes) ||
	       !CU_add_test(s, "queue_draw bounded, only with news", test_queue_draw_rate) ||
	       !CU_add_test(s, "without the feature", test_without_feature);
}
