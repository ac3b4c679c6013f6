/* SPDX-License-Identifier: ISC
 *
 * The UI opened and closed 100 times in one process, as a host does when a
 * user opens and closes the plugin window: chronus_ui.so loaded with
 * dlopen, instantiated in a parent window of our own on $DISPLAY, fed the
 * messages the plugin sends (graph, status, scope, control ports), idled,
 * clicked (a synthesized drag on Macro 1), cleaned up. Checks what each
 * cycle must do (the window size asked through ui:resize, patch:Get and
 * scope on at open, scope off at close, the drag's write) and that the
 * process does not grow: its resident size after cycle 100 against after
 * cycle 10. In an ASan build (tests/ui/check-ui-cycles.sh, in that build's
 * `./waf test`) the resident size is not a measure (ASan holds freed
 * memory in quarantine): LeakSanitizer checks at exit instead, with the
 * UI library still loaded so its reports name Chronus's functions.
 * Prints the figures.
 * Usage: ui-cycles path/to/chronus_ui.so [cycles]
 */
#include "chronus_config.h"
#include "tests/ui/ui_feed.h"
#include "controls.h"

#include <lv2/atom/atom.h>
#include <lv2/atom/forge.h>
#include <lv2/patch/patch.h>
#include <lv2/ui/ui.h>
#include <lv2/urid/urid.h>

#include <X11/Xlib.h>

#include <dlfcn.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GCC and clang (its __has_feature) say when AddressSanitizer is on. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif


typedef struct {
	unsigned gets, scope_on, scope_off, spectrum_on, spectrum_off, macro_writes, resizes;
	int      width, height;
} Seen;

static int
resize(LV2UI_Feature_Handle h, int w, int hh)
{
	Seen* s   = h;
	s->width  = w;
	s->height = hh;
	++s->resizes;
	return 0;
}

static void
write_port(LV2UI_Controller c, uint32_t port, uint32_t size, uint32_t protocol, const void* buf)
{
	Seen* s = c;
	if (protocol == 0 && port == control_port(CTRL_MACRO1) && size == sizeof(float)) {
		++s->macro_writes;
	} else if (protocol == ui_feed_urid(LV2_ATOM__eventTransfer)) {
		const LV2_Atom_Object* o = buf;
		if (o->body.otype == ui_feed_urid(LV2_PATCH__Get)) {
			++s->gets;
		} else if (o->body.otype == ui_feed_urid(LV2_PATCH__Set)) {
			const LV2_Atom* v = NULL;
			const LV2_Atom* p = NULL;
			lv2_atom_object_get(o, ui_feed_urid(LV2_PATCH__value), &v, ui_feed_urid(LV2_PATCH__property), &p, 0);
			if (v && p && v->type == ui_feed_urid(LV2_ATOM__Bool)) {
				const bool     on  = *(const int32_t*)(v + 1) != 0;
				const LV2_URID key = ((const LV2_Atom_URID*)p)->body;
				if (key == ui_feed_urid(CHRONUS_URI "#scope")) {
					on ? ++s->scope_on : ++s->scope_off;
				} else if (key == ui_feed_urid(CHRONUS_URI "#spectrum")) {
					on ? ++s->spectrum_on : ++s->spectrum_off;
				}
			}
		}
	}
}

/* A patch:Set of key to a string (or of scopeData to a float vector). */
static const LV2_Atom*
message(uint8_t* buf, size_t cap, const char* key, const char* text)
{
	if (!text && strstr(key, "#spectrumData")) { /* the sample rate, then 2048 frames of a 1 kHz sine */
		static float x[1 + 2048];
		x[0] = 48000.0f;
		for (unsigned i = 0; i < 2048; ++i) {
			x[1 + i] = 0.5f * sinf(2.0f * 3.14159265f * 1000.0f * (float)i / 48000.0f);
		}
		return ui_feed_set(buf, cap, key, NULL, x, 1 + 2048);
	}
	float x[229];
	for (unsigned i = 0; i < 229; ++i) {
		x[i] = (float)(i % 40) / 40.0f - 0.5f;
	}
	return ui_feed_set(buf, cap, key, text, x, 229);
}

static long
rss_kib(void)
{
	FILE* f = fopen("/proc/self/status", "r");
	char  line[256];
	long  kib = -1;
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "VmRSS:", 6)) {
			kib = strtol(line + 6, NULL, 10);
		}
	}
	if (f) {
		fclose(f);
	}
	return kib;
}

static const char* const graph = "chronus-graph\t1\ntitle\tCycles\nvoices\t16\tmono\n"
                                 "module\tosc\tsaw\tvoice\nmodule\tvcf\tladder\tvoice\nmodule\tverb\treverb\tmaster\n"
                                 "wire\tosc\tvcf\tin\tinput\t1\nwire\tnote.velocity\tvcf\tcutoff\tparam\t300\n"
                                 "wire\tvcf\tverb\tin\tinput\t1\nout\tverb\nmacro\t1\tvcf\tcutoff\t80\t8000\texp\n";

int
main(int argc, char** argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: ui-cycles chronus_ui.so [cycles]\n");
		return 2;
	}
	const int cycles = argc > 2 ? atoi(argv[2]) : 100;
	void*     lib    = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "ui-cycles: %s\n", dlerror());
		return 1;
	}
	const LV2UI_Descriptor* (*get)(uint32_t) = (const LV2UI_Descriptor* (*)(uint32_t))dlsym(lib, "lv2ui_descriptor");
	const LV2UI_Descriptor* d                = get ? get(0) : NULL;
	Display*                dpy              = XOpenDisplay(NULL);
	if (!d || !dpy) {
		fprintf(stderr, "ui-cycles: %s\n", !d ? "no lv2ui_descriptor(0)" : "cannot open $DISPLAY");
		return 1;
	}
	const LV2UI_Idle_Interface* idle = d->extension_data(LV2_UI__idleInterface);
	const LV2UI_Show_Interface* show = d->extension_data(LV2_UI__showInterface);
	Window parent = XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), 0, 0, 1100, 700, 0, 0, 0);
	XMapWindow(dpy, parent);
	XFlush(dpy);
	const LV2_URID transfer = ui_feed_urid(LV2_ATOM__eventTransfer);
	long           rss10 = 0, failures = 0;
	static uint8_t buf[16384];
	for (int c = 1; c <= cycles; ++c) {
		Seen               seen = {0};
		LV2UI_Resize       rs   = {&seen, resize};
		const LV2_Feature  fmap = {LV2_URID__map, &ui_feed_map}, fpar = {LV2_UI__parent, (void*)(uintptr_t)parent},
		                  fres = {LV2_UI__resize, &rs};
		const LV2_Feature* features[] = {&fmap, &fpar, &fres, NULL};
		LV2UI_Widget       widget     = NULL;
		LV2UI_Handle       ui = d->instantiate(d, CHRONUS_URI, "/nonexistent", write_port, &seen, &widget, features);
		if (!ui) {
			fprintf(stderr, "ui-cycles: cycle %d: instantiate failed\n", c);
			return 1;
		}
		const LV2_Atom* a = message(buf, sizeof buf, CHRONUS_URI "#graph", graph);
		d->port_event(ui, 1, sizeof(LV2_Atom) + a->size, transfer, a);
		a = message(buf, sizeof buf, CHRONUS_URI "#status", "Cycles: primed in 1.00 ms");
		d->port_event(ui, 1, sizeof(LV2_Atom) + a->size, transfer, a);
		a = message(buf, sizeof buf, CHRONUS_URI "#scopeData", NULL);
		d->port_event(ui, 1, sizeof(LV2_Atom) + a->size, transfer, a);
		a = message(buf, sizeof buf, CHRONUS_URI "#spectrumData", NULL);
		d->port_event(ui, 1, sizeof(LV2_Atom) + a->size, transfer, a);
		const float err = 1.0f, line = 3.0f;
		d->port_event(ui, control_port(CTRL_ERROR), sizeof(float), 0, &err);
		d->port_event(ui, control_port(CTRL_ERROR_LINE), sizeof(float), 0, &line);
		for (int i = 0; i < 3; ++i) {
			idle->idle(ui);
		}
		/* A drag on Macro 1 (its knob at 46, 546 at scale 1: the UI asked
		 * for 1000 pixels' width times its scale), as the X server would
		 * deliver it. */
		const double k = seen.width / 1000.0;
		XEvent e = {0};
		e.xbutton.type    = ButtonPress;
		e.xbutton.display = dpy;
		e.xbutton.window  = (Window)(uintptr_t)widget;
		e.xbutton.button  = Button1;
		e.xbutton.x = (int)(46 * k), e.xbutton.y = (int)(546 * k);
		XSendEvent(dpy, (Window)(uintptr_t)widget, False, ButtonPressMask, &e);
		e.xmotion.type = MotionNotify;
		e.xmotion.x = (int)(46 * k), e.xmotion.y = (int)(500 * k);
		XSendEvent(dpy, (Window)(uintptr_t)widget, False, PointerMotionMask, &e);
		e.xbutton.type = ButtonRelease;
		XSendEvent(dpy, (Window)(uintptr_t)widget, False, ButtonReleaseMask, &e);
		XSync(dpy, False);
		for (int i = 0; i < 200 && !seen.macro_writes; ++i) {
			idle->idle(ui);
			XSync(dpy, False);
		}
		show->hide(ui);
		show->show(ui);
		d->cleanup(ui);
		const bool ok = seen.resizes == 1 && seen.width > 0 && seen.height > 0 && seen.gets == 1 &&
		                seen.scope_on == 1 && seen.scope_off == 1 && seen.spectrum_on == 1 &&
		                seen.spectrum_off == 1 && seen.macro_writes >= 1;
		if (!ok) {
			fprintf(stderr,
			        "ui-cycles: cycle %d: resizes %u (%dx%d), patch:Get %u, scope on %u off %u, spectrum on %u off %u, "
			        "macro writes %u\n",
			        c, seen.resizes, seen.width, seen.height, seen.gets, seen.scope_on, seen.scope_off,
			        seen.spectrum_on, seen.spectrum_off, seen.macro_writes);
			++failures;
		}
		if (c == 10) {
			rss10 = rss_kib();
		}
		if (c == cycles) {
			printf("ui-cycles: the UI asked for %dx%d pixels\n", seen.width, seen.height);
		}
	}
	const long rss = rss_kib();
	if (UNDER_ASAN) {
		printf("ui-cycles: %d open/close cycles under AddressSanitizer (LeakSanitizer checks at exit)\n", cycles);
	} else if (cycles >= 10) {
		printf("ui-cycles: %d open/close cycles; resident %ld KiB after cycle 10, %ld KiB after cycle %d (%+ld KiB)\n",
		       cycles, rss10, rss, cycles, rss - rss10);
	} else {
		printf("ui-cycles: %d open/close cycles\n", cycles);
	}
	XDestroyWindow(dpy, parent);
	XCloseDisplay(dpy);
	if (!UNDER_ASAN) { /* LeakSanitizer names a leak's frames only in a library still loaded */
		dlclose(lib);
	}
	ui_feed_free();
	/* 90 cycles that each kept a window's worth (1000x620 pixels, 2.4 MB)
	 * would be 200 MB, one kept cairo device per cycle (what cairo-xlib
	 * did) 800 KiB; the allocator's rounding is a few pages. */
	if (failures || (!UNDER_ASAN && cycles >= 100 && rss - rss10 > 256)) {
		fprintf(stderr, "ui-cycles: FAILED (%ld bad cycles, growth %ld KiB)\n", failures, rss - rss10);
		return 1;
	}
	return 0;
}
