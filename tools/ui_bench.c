/* SPDX-License-Identifier: ISC
 *
 * chronus-ui-bench: the CPU of Chronus's UI apart from any host (issue 16,
 * docs/ui.md). chronus_ui.so is loaded with dlopen, as a host loads it, into
 * a parent window of ours on $DISPLAY (Xvfb in the tests) and fed what the
 * plugin sends at open (the graph and status). Then idle() is called at a
 * host's rate (60 Hz unless told) for N seconds with no data, then for N
 * seconds with a chronus:scopeData message before every other idle, 30 a
 * second, the same patch:Set of an atom:Vector of 229 floats the plugin
 * sends at 48 kHz (docs/ui.md, "The scope"), then for N seconds with, 30
 * times a second, a new value of the Macro 1 port as a host sends it when
 * automation moves the knob (each one redraws the whole window: the
 * dearest case), then for N seconds with the scope's messages and the
 * spectrum's, 15 a second (chronus:spectrumData: the rate, then 2048
 * frames of a 440 Hz sine), as the plugin sends both to an open UI while a
 * note sounds. Each phase reports the
 * process's CPU (getrusage, user + system) per second of wall time, i.e. %
 * of one core, the frames drawn (counted where the UI puts its pixels on
 * the window, XPutImage, which this program interposes: the whole window or
 * only the scope's rectangle) and the CPU per frame; with --xserver-pid, the
 * X server's CPU too (its share of each frame: the XPutImage it receives).
 * --check fails unless the UI drew the window once at open, nothing while
 * nothing changed, exactly one frame (the scope's) per scope message, one
 * (the scope's or the spectrum's) per message with both, and one whole
 * frame per knob move (what check-ui.sh asks; never a time).
 * Usage: chronus-ui-bench [--seconds S] [--idle-hz HZ] [--xserver-pid PID]
 *                         [--check] path/to/chronus_ui.so
 */
#define _GNU_SOURCE
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
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* ---- frames: what reaches the window ------------------------------------- */

static unsigned long frames_full, frames_part;
static int           ui_width, ui_height;

typedef int (*PutImageFn)(Display*, Drawable, GC, XImage*, int, int, int, int, unsigned, unsigned);

/* The UI's XPutImage resolves to this one (the program exports it, -rdynamic):
 * counts the frame, whole window or a part, and passes it on to Xlib's. */
int
XPutImage(Display* d, Drawable w, GC gc, XImage* im, int sx, int sy, int dx, int dy, unsigned wd, unsigned ht)
{
	static PutImageFn real;
	if (!real) {
		real = (PutImageFn)dlsym(RTLD_NEXT, "XPutImage");
	}
	if ((int)wd >= ui_width && (int)ht >= ui_height) {
		++frames_full;
	} else {
		++frames_part;
	}
	return real(d, w, gc, im, sx, sy, dx, dy, wd, ht);
}

/* ---- a host's few features ----------------------------------------------- */


static int
resize(LV2UI_Feature_Handle h, int w, int hh)
{
	(void)h;
	ui_width  = w;
	ui_height = hh;
	return 0;
}

static void
write_port(LV2UI_Controller c, uint32_t port, uint32_t size, uint32_t protocol, const void* buf)
{
	(void)c, (void)port, (void)size, (void)protocol, (void)buf; /* patch:Get, scope on/off: the plugin's part */
}

/* patch:Set of key to text, or (text NULL) of scopeData to 229 floats of a
 * sine whose phase moves with `frame`, so every message draws anew. */
static const LV2_Atom*
message(uint8_t* buf, size_t cap, const char* key, const char* text, unsigned frame)
{
	float x[229];
	for (unsigned i = 0; i < 229; ++i) {
		x[i] = 0.6f * sinf(6.2831853f * (float)(i + 7 * frame) / 57.0f);
	}
	return ui_feed_set(buf, cap, key, text, x, 229);
}

/* patch:Set of spectrumData: the rate, then 2048 frames of a 440 Hz sine
 * at 0.5 starting at frame `start` (docs/ui.md, "The spectrum"). */
#define SPECTRUM_FRAMES 2048u
static const LV2_Atom*
spectrum_message(uint8_t* buf, size_t cap, unsigned start)
{
	static float x[1 + SPECTRUM_FRAMES];
	x[0] = 48000.0f;
	for (unsigned i = 0; i < SPECTRUM_FRAMES; ++i) {
		x[1 + i] = 0.5f * sinf(6.2831853f * 440.0f * (float)((start + i) % 48000u) / 48000.0f);
	}
	return ui_feed_set(buf, cap, CHRONUS_URI "#spectrumData", NULL, x, 1 + SPECTRUM_FRAMES);
}

static const char* const graph = "chronus-graph\t1\ntitle\tUI Bench\nvoices\t16\tmono\n"
                                 "module\tosc\tsaw\tvoice\nmodule\twob\tlfo\tvoice\nmodule\tvcf\tladder\tvoice\n"
                                 "module\tenv\tadsr\tvoice\nmodule\tamp\tvca\tvoice\nmodule\tverb\treverb\tmaster\n"
                                 "wire\tosc\tvcf\tin\tinput\t1\nwire\twob\tvcf\tcutoff\tparam\t800\n"
                                 "wire\tnote.velocity\tvcf\tcutoff\tparam\t300\nwire\tvcf\tamp\tin\tinput\t1\n"
                                 "wire\tenv\tamp\tgain\tparam\t1\nwire\tamp\tverb\tin\tinput\t1\nout\tverb\n"
                                 "knob\t1\tCutoff\nmacro\t1\tvcf\tcutoff\t80\t8000\texp\n";

/* ---- clocks -------------------------------------------------------------- */

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double
cpu_self(void)
{
	struct rusage r;
	getrusage(RUSAGE_SELF, &r);
	return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + 1e-6 * (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

/* CPU seconds (user + system) of another process, from /proc; -1 if none. */
static double
cpu_of(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE* f = pid > 0 ? fopen(path, "r") : NULL;
	if (!f) {
		return -1.0;
	}
	const size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n]           = '\0';
	const char* p    = strrchr(buf, ')'); /* the name may hold spaces */
	unsigned long ut = 0, st = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) {
		return -1.0;
	}
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- the bench ------------------------------------------------------------ */

typedef struct {
	double        cpu, xcpu, wall;
	unsigned long full, part, messages;
} Phase;

typedef enum { FEED_NOTHING, FEED_SCOPE, FEED_KNOB, FEED_BOTH } Feed;

/* idle() at idle_hz for `seconds`; with FEED_SCOPE or FEED_KNOB, 30 times a
 * second a scope message or a new Macro 1 value before the idle() of a
 * tick (at most one per tick); FEED_BOTH adds a spectrum message 15 times
 * a second to the scope's. */
static Phase
run_phase(const LV2UI_Descriptor* d, LV2UI_Handle ui, const LV2UI_Idle_Interface* idle, double seconds,
          double idle_hz, Feed feed, long xpid)
{
	const double    feed_hz = 30.0;
	static uint8_t  buf[16384];
	double          next_spectrum = now();
	const LV2_URID  transfer = ui_feed_urid(LV2_ATOM__eventTransfer);
	Phase           p        = {0};
	const unsigned long f0 = frames_full, p0 = frames_part;
	const double    c0 = cpu_self(), x0 = cpu_of(xpid), t0 = now();
	double          next_feed = t0;
	struct timespec tick;
	clock_gettime(CLOCK_MONOTONIC, &tick);
	const long step = (long)(1e9 / idle_hz);
	for (unsigned long i = 0; now() - t0 < seconds; ++i) {
		if (feed != FEED_NOTHING && now() >= next_feed) {
			if (feed == FEED_SCOPE || feed == FEED_BOTH) {
				const LV2_Atom* a = message(buf, sizeof buf, CHRONUS_URI "#scopeData", NULL, (unsigned)i);
				d->port_event(ui, 1, sizeof(LV2_Atom) + a->size, transfer, a);
			} else {
				const float v = (float)(p.messages % 100) / 100.0f;
				d->port_event(ui, control_port(CTRL_MACRO1), sizeof(float), 0, &v);
			}
			++p.messages;
			next_feed += 1.0 / feed_hz;
		}
		if (feed == FEED_BOTH && now() >= next_spectrum) {
			const LV2_Atom* a = spectrum_message(buf, sizeof buf, (unsigned)(p.messages * 1600u));
			d->port_event(ui, 1, sizeof(LV2_Atom) + a->size, transfer, a);
			++p.messages;
			next_spectrum += 1.0 / 15.0;
		}
		idle->idle(ui);
		tick.tv_nsec += step;
		while (tick.tv_nsec >= 1000000000L) {
			tick.tv_nsec -= 1000000000L;
			++tick.tv_sec;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &tick, NULL);
	}
	p.wall = now() - t0;
	p.cpu  = cpu_self() - c0;
	p.xcpu = x0 >= 0 ? cpu_of(xpid) - x0 : -1.0;
	p.full = frames_full - f0;
	p.part = frames_part - p0;
	return p;
}

static void
report(const char* name, const char* fed, const Phase* p, double idle_hz)
{
	const unsigned long frames = p->full + p->part;
	printf("ui-bench: %-5s %4.1f s, idle() at %.0f Hz, %s: UI %5.2f %% of one core; %lu frames drawn (%lu whole, %lu "
	       "scope or spectrum only)",
	       name, p->wall, idle_hz, fed, 100.0 * p->cpu / p->wall, frames, p->full, p->part);
	if (frames) {
		printf(", %.2f ms CPU per frame", 1000.0 * p->cpu / (double)frames);
	}
	if (p->xcpu >= 0) {
		printf("; X server %.2f %%", 100.0 * p->xcpu / p->wall);
	}
	printf("\n");
}

int
main(int argc, char** argv)
{
	double      seconds = 5.0, idle_hz = 60.0;
	long        xpid    = 0;
	bool        check   = false;
	const char* path    = NULL;
	for (int i = 1; i < argc; ++i) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			seconds = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--idle-hz") && i + 1 < argc) {
			idle_hz = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--xserver-pid") && i + 1 < argc) {
			xpid = atol(argv[++i]);
		} else if (!strcmp(argv[i], "--check")) {
			check = true;
		} else if (argv[i][0] != '-' && !path) {
			path = argv[i];
		} else {
			path = NULL;
			break;
		}
	}
	if (!path || seconds <= 0 || idle_hz < 30 || idle_hz > 1000) {
		fprintf(stderr, "usage: chronus-ui-bench [--seconds S] [--idle-hz HZ (30-1000)] [--xserver-pid PID] "
		                "[--check] path/to/chronus_ui.so\n");
		return 2;
	}
	void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "ui-bench: %s\n", dlerror());
		return 1;
	}
	const LV2UI_Descriptor* (*get)(uint32_t) = (const LV2UI_Descriptor* (*)(uint32_t))dlsym(lib, "lv2ui_descriptor");
	const LV2UI_Descriptor* d                = get ? get(0) : NULL;
	Display*                dpy              = XOpenDisplay(NULL);
	if (!d || !dpy) {
		fprintf(stderr, "ui-bench: %s\n", !d ? "no lv2ui_descriptor(0)" : "cannot open $DISPLAY");
		return 1;
	}
	const LV2UI_Idle_Interface* idle = d->extension_data(LV2_UI__idleInterface);
	Window parent = XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), 0, 0, 1100, 700, 0, 0, 0);
	XMapWindow(dpy, parent);
	XSync(dpy, False);
	LV2UI_Resize       rs   = {NULL, resize};
	const LV2_Feature  fmap = {LV2_URID__map, &ui_feed_map}, fpar = {LV2_UI__parent, (void*)(uintptr_t)parent},
	                  fres = {LV2_UI__resize, &rs};
	const LV2_Feature* features[] = {&fmap, &fpar, &fres, NULL};
	LV2UI_Widget       widget     = NULL;
	LV2UI_Handle       ui = d->instantiate(d, CHRONUS_URI, "/nonexistent", write_port, NULL, &widget, features);
	if (!ui || !idle || ui_width <= 0) {
		fprintf(stderr, "ui-bench: the UI did not open (instantiate, idle interface, ui:resize)\n");
		return 1;
	}
	/* What the plugin answers to the UI's patch:Get at open. */
	static uint8_t  buf[8192];
	const LV2_URID  transfer = ui_feed_urid(LV2_ATOM__eventTransfer);
	const LV2_Atom* a        = message(buf, sizeof buf, CHRONUS_URI "#graph", graph, 0);
	d->port_event(ui, 1, sizeof(LV2_Atom) + a->size, transfer, a);
	a = message(buf, sizeof buf, CHRONUS_URI "#status", "UI Bench: primed in 1.00 ms", 0);
	d->port_event(ui, 1, sizeof(LV2_Atom) + a->size, transfer, a);
	/* The first frames (open, Expose, the messages above): 0.5 s. */
	const Phase open  = run_phase(d, ui, idle, 0.5, idle_hz, FEED_NOTHING, 0);
	const Phase still = run_phase(d, ui, idle, seconds, idle_hz, FEED_NOTHING, xpid);
	const Phase scope = run_phase(d, ui, idle, seconds, idle_hz, FEED_SCOPE, xpid);
	const Phase knob  = run_phase(d, ui, idle, seconds, idle_hz, FEED_KNOB, xpid);
	const Phase both  = run_phase(d, ui, idle, seconds, idle_hz, FEED_BOTH, xpid);
	printf("ui-bench: chronus_ui.so at %dx%d pixels on %s\n", ui_width, ui_height, getenv("DISPLAY"));
	report("idle", "no data", &still, idle_hz);
	report("scope", "scope data at 30 Hz", &scope, idle_hz);
	report("knob", "Macro 1 moved 30 times a second", &knob, idle_hz);
	report("both", "scope at 30 Hz and spectrum at 15 Hz", &both, idle_hz);
	d->cleanup(ui);
	XDestroyWindow(dpy, parent);
	XCloseDisplay(dpy);
	ui_feed_free();
	if (check) {
		const bool ok = open.full >= 1 && still.full + still.part == 0 && scope.messages >= 1 &&
		                scope.part + scope.full == scope.messages && scope.part >= 1 && knob.messages >= 1 &&
		                knob.full == knob.messages && knob.part == 0 && both.messages >= 1 &&
		                both.part + both.full == both.messages;
		printf("ui-bench: check: frames drawn at open %lu, while nothing changed %lu, for %lu scope messages %lu, for "
		       "%lu knob moves %lu whole, for %lu scope and spectrum messages %lu: %s\n",
		       open.full + open.part, still.full + still.part, scope.messages, scope.full + scope.part, knob.messages,
		       knob.full, both.messages, both.full + both.part, ok ? "passed" : "FAILED");
		return ok ? 0 : 1;
	}
	return 0;
}
