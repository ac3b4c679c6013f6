/* SPDX-License-Identifier: ISC
 *
 * Chronus's LV2 UI: an X11 window (ui:X11UI) drawn with cairo, embedded in
 * the host's window through ui:parent, driven by the host's idle calls
 * (ui:idleInterface), shown on its own by hosts that ask for that
 * (ui:showInterface). It talks to the plugin only through the ports: the
 * control ports (knobs, the program port for presets) and atom messages
 * (patch:Get, chronus:scope and chronus:spectrum on the control port;
 * chronus:graph, status, scope and spectrum data and the swap in progress
 * from notify). It never selects key events nor
 * takes the input focus, so the host's keyboard shortcuts keep working.
 * CHRONUS_UI_TEST_LOG=<file> makes it write what it drew and did, one
 * line each, for tests/ui.
 */
#include "edit.h"
#include "editor_line.h"
#include "files_ui.h"
#include "settings_ui.h"
#include "ui_state.h"

#include "chronus_config.h"

/* The LV2 headers before Xlib's: it defines Bool as a macro, which forge.h
 * uses as a field name. */
#include <lv2/atom/atom.h>
#include <lv2/atom/forge.h>
#include <lv2/atom/util.h>
#include <lv2/options/options.h>
#include <lv2/patch/patch.h>
#include <lv2/ui/ui.h>
#include <lv2/urid/urid.h>

#include <cairo.h>

#include <X11/Xlib.h>
#include <X11/Xresource.h>
#include <X11/Xutil.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHRONUS_UI_URI CHRONUS_URI "#ui"
#define PORT_CONTROL   0u
#define PORT_NOTIFY    1u

typedef struct {
	LV2_URID atom_eventTransfer, atom_Object, atom_Blank, atom_String, atom_URID, atom_Bool, atom_Vector,
	        atom_Float, patch_Set, patch_Get, patch_property, patch_value, chronus_graph, chronus_status,
	        chronus_scope, chronus_scopeData, chronus_patchFile, chronus_patchText, atom_Path,
	        chronus_spectrum, chronus_spectrumData, chronus_swap;
} UiUrids;

typedef struct {
	UiState              s;
	Display*             dpy;
	Window               win;
	bool                 toplevel; /* no ui:parent: a window of its own (showInterface) */
	Atom                 wm_delete;
	/* Drawn by cairo into an image in this process, shown with XPutImage:
	 * no cairo state tied to the X connection, nothing left behind when
	 * the UI closes (cairo-xlib keeps a device per connection). */
	cairo_surface_t*     image;
	XImage*              ximage;
	GC                   gc;
	LV2UI_Write_Function write;
	LV2UI_Controller     controller;
	LV2_URID_Map*        map;
	UiUrids              u;
	bool                 dirty, closed, graph_logged, layout_logged;
	bool                 scope_dirty; /* only the scope changed: redraw it alone */
	bool                 spectrum_dirty; /* the spectrum changed: redraw it alone */
	bool                 new_logged;     /* the test log last said "New from this" is shown */
	bool                 opened;      /* instantiate finished: the scope was asked for */
	int                  error_logged; /* the error port's state last logged, -1: none yet */
} Ui;

/* ---- HiDPI ---------------------------------------------------------- */

/* The host's ui:scaleFactor, else GDK_SCALE, else Xft.dpi / 96, else 1. */
static double
find_scale(Display* dpy, const LV2_Feature* const* features, LV2_URID_Map* map)
{
	for (int i = 0; features[i]; ++i) {
		if (!strcmp(features[i]->URI, LV2_OPTIONS__options) && features[i]->data) {
			const LV2_URID key   = map->map(map->handle, LV2_UI__scaleFactor);
			const LV2_URID f32   = map->map(map->handle, LV2_ATOM__Float);
			for (const LV2_Options_Option* o = features[i]->data; o->key; ++o) {
				if (o->key == key && o->type == f32 && o->value) {
					const float v = *(const float*)o->value;
					if (v >= 0.5f && v <= 4.0f) {
						return v;
					}
				}
			}
		}
	}
	const char* gdk = getenv("GDK_SCALE");
	if (gdk && atof(gdk) >= 1.0 && atof(gdk) <= 4.0) {
		return atof(gdk);
	}
	const char* rms = XResourceManagerString(dpy);
	double      k   = 1.0;
	if (rms) {
		XrmInitialize();
		XrmDatabase db = XrmGetStringDatabase(rms);
		char*       type;
		XrmValue    v;
		if (db && XrmGetResource(db, "Xft.dpi", "String", &type, &v) && v.addr) {
			const double dpi = atof(v.addr);
			if (dpi >= 48.0 && dpi <= 400.0) {
				k = dpi / 96.0;
			}
		}
		if (db) {
			XrmDestroyDatabase(db);
		}
	}
	return k;
}

/* ---- Messages to the plugin ------------------------------------------ */

static void
send_atom(Ui* ui, const LV2_Atom* atom)
{
	ui->write(ui->controller, PORT_CONTROL, sizeof(LV2_Atom) + atom->size, ui->u.atom_eventTransfer, atom);
}

static void
send_get(Ui* ui)
{
	uint8_t        buf[128];
	LV2_Atom_Forge forge;
	lv2_atom_forge_init(&forge, ui->map);
	lv2_atom_forge_set_buffer(&forge, buf, sizeof buf);
	LV2_Atom_Forge_Frame f;
	LV2_Atom* a = (LV2_Atom*)lv2_atom_forge_deref(&forge, lv2_atom_forge_object(&forge, &f, 0, ui->u.patch_Get));
	lv2_atom_forge_pop(&forge, &f);
	send_atom(ui, a);
}

/* patch:Set of key to a value of the given type and body: the one shape of
 * every setting the UI sends the plugin. */
static void
send_set(Ui* ui, LV2_URID key, LV2_URID type, const void* body, uint32_t size)
{
	uint8_t        buf[4096 + 256];
	LV2_Atom_Forge forge;
	lv2_atom_forge_init(&forge, ui->map);
	lv2_atom_forge_set_buffer(&forge, buf, sizeof buf);
	LV2_Atom_Forge_Frame f;
	LV2_Atom* a = (LV2_Atom*)lv2_atom_forge_deref(&forge, lv2_atom_forge_object(&forge, &f, 0, ui->u.patch_Set));
	lv2_atom_forge_key(&forge, ui->u.patch_property);
	lv2_atom_forge_urid(&forge, key);
	lv2_atom_forge_key(&forge, ui->u.patch_value);
	lv2_atom_forge_atom(&forge, size, type);
	lv2_atom_forge_write(&forge, body, size);
	lv2_atom_forge_pop(&forge, &f);
	if (a && forge.offset <= sizeof buf) {
		send_atom(ui, a);
	}
}

/* chronus:scope or chronus:spectrum on or off: the plugin sends their data
 * only while on. */
static void
send_bool(Ui* ui, LV2_URID key, bool on)
{
	const int32_t v = on;
	send_set(ui, key, ui->u.atom_Bool, &v, sizeof v);
}

/* chronus:patchFile: the plugin plays (and watches) that file. */
static void
send_patch_file(Ui* ui, const char* path)
{
	const size_t n = strlen(path);
	if (n < sizeof ui->s.asked_file) {
		send_set(ui, ui->u.chronus_patchFile, ui->u.atom_Path, path, (uint32_t)n + 1);
		memcpy(ui->s.asked_file, path, n + 1);
	}
}

static void
write_control(Ui* ui, ControlId id, float v)
{
	ui->s.port[id] = v;
	ui->write(ui->controller, control_port(id), sizeof(float), 0, &v);
	if (ui->s.test_log) {
		fprintf(ui->s.test_log, "write %s %g\n", ui_control_symbol(id), (double)v);
	}
	ui->dirty = true;
}

/* ---- Drawing -------------------------------------------------------- */

static void
log_drawn(Ui* ui)
{
	UiState*          s = &ui->s;
	const GraphModel* g = &s->graph;
	if (!s->test_log) {
		return;
	}
	if (!ui->layout_logged) {
		fprintf(s->test_log, "window %lu %d %d scale %g\n", (unsigned long)ui->win, s->width, s->height, s->scale);
		for (int i = 0; i < KNOB_COUNT; ++i) {
			fprintf(s->test_log, "knob %s %d %d\n", ui_control_symbol(ui_knob_control(i)),
			        (int)(s->knob[i].x + s->knob[i].w / 2), (int)(s->knob[i].y + s->knob[i].h / 2));
		}
		fprintf(s->test_log, "edit %d %d\n", (int)(s->edit_rect.x + s->edit_rect.w / 2),
		        (int)(s->edit_rect.y + s->edit_rect.h / 2));
		for (unsigned i = 0; i < s->n_presets; ++i) {
			fprintf(s->test_log, "preset %u %d %d\n", i, (int)(s->preset[i].x + s->preset[i].w / 2),
			        (int)(s->preset[i].y + s->preset[i].h / 2));
		}
		ui->layout_logged = true;
	}
	if ((s->new_rect.w > 0) != ui->new_logged) { /* "New from this" comes and goes with a file */
		ui->new_logged = s->new_rect.w > 0;
		fprintf(s->test_log, "new %d %d\n", (int)(s->new_rect.x + s->new_rect.w / 2),
		        (int)(s->new_rect.y + s->new_rect.h / 2));
	}
	files_log(s);    /* the User bank's rows and Open...'s, when they moved */
	settings_log(s); /* the Settings button and rows, when they moved or changed */
	const int error = s->port[CTRL_ERROR] > 0.5f;
	if (error != ui->error_logged) {
		fprintf(s->test_log, "error %d line %d col %d\n", error, (int)s->port[CTRL_ERROR_LINE],
		        (int)s->port[CTRL_ERROR_COLUMN]);
		ui->error_logged = error;
	}
	if (g->valid && !ui->graph_logged) {
		for (int i = 0; i < KNOB_MACROS; ++i) { /* each macro knob as drawn: its name, its bindings */
			fprintf(s->test_log, "label %s %s|%s\n", ui_control_symbol(ui_knob_control(i)), s->knob_title[i],
			        s->knob_label[i]);
		}
		int voice = 0, master = 0;
		for (int i = 0; i < g->n_modules; ++i) {
			voice += !g->modules[i].master;
			master += g->modules[i].master;
		}
		fprintf(s->test_log, "graph modules %d voice %d master %d wires %d macros %d polyphony %d title %s\n",
		        g->n_modules, voice, master, g->n_wires, g->n_macros, g->polyphony, g->title);
		ui->graph_logged = true;
	}
	fflush(s->test_log);
}

/* An image the window's size, and the XImage that shows it. */
static bool
make_image(Ui* ui)
{
	if (ui->ximage) {
		ui->ximage->data = NULL; /* cairo's pixels: freed with the surface */
		XDestroyImage(ui->ximage);
		ui->ximage = NULL;
	}
	if (ui->image) {
		cairo_surface_destroy(ui->image);
	}
	const int screen = DefaultScreen(ui->dpy);
	ui->image        = cairo_image_surface_create(CAIRO_FORMAT_RGB24, ui->s.width, ui->s.height);
	if (cairo_surface_status(ui->image) != CAIRO_STATUS_SUCCESS) {
		return false;
	}
	ui->ximage = XCreateImage(ui->dpy, DefaultVisual(ui->dpy, screen), (unsigned)DefaultDepth(ui->dpy, screen),
	                          ZPixmap, 0, (char*)cairo_image_surface_get_data(ui->image), (unsigned)ui->s.width,
	                          (unsigned)ui->s.height, 32, cairo_image_surface_get_stride(ui->image));
	if (ui->ximage) {
		const uint16_t one     = 1;
		ui->ximage->byte_order = *(const uint8_t*)&one ? LSBFirst : MSBFirst; /* cairo's: native */
	}
	return ui->ximage != NULL;
}

static void
present(Ui* ui, double x, double y, double w, double h)
{
	cairo_surface_flush(ui->image);
	const int x0 = x < 0 ? 0 : (int)x, y0 = y < 0 ? 0 : (int)y;
	const int x1 = x + w + 1 > ui->s.width ? ui->s.width : (int)(x + w + 1);
	const int y1 = y + h + 1 > ui->s.height ? ui->s.height : (int)(y + h + 1);
	if (ui->ximage && x1 > x0 && y1 > y0) {
		XPutImage(ui->dpy, ui->win, ui->gc, ui->ximage, x0, y0, x0, y0, (unsigned)(x1 - x0), (unsigned)(y1 - y0));
	}
	XFlush(ui->dpy);
}

static void
redraw_scope(Ui* ui)
{
	cairo_t* cr = cairo_create(ui->image);
	ui_draw_scope(&ui->s, cr);
	cairo_destroy(cr);
	const UiRect* r = &ui->s.scope_rect;
	present(ui, r->x, r->y, r->w, r->h);
	ui->scope_dirty = false;
}

static void
redraw_spectrum(Ui* ui)
{
	cairo_t* cr = cairo_create(ui->image);
	ui_draw_spectrum(&ui->s, cr);
	cairo_destroy(cr);
	const UiRect* r = &ui->s.spectrum_rect;
	present(ui, r->x, r->y, r->w, r->h);
	ui->spectrum_dirty = false;
}

static void
redraw(Ui* ui)
{
	cairo_t* cr = cairo_create(ui->image);
	ui_draw(&ui->s, cr);
	cairo_destroy(cr);
	present(ui, 0, 0, ui->s.width, ui->s.height);
	ui->dirty          = false;
	ui->scope_dirty    = false;
	ui->spectrum_dirty = false;
	log_drawn(ui);
}

/* ---- Pointer -------------------------------------------------------- */

/* "Edit": the patch's file in the user's editor; a patch that is only
 * text, or any patch when copy ("New from this"), is first written to a
 * new file, which the plugin then plays. */
static void
edit(Ui* ui, bool copy)
{
	UiState*   s          = &ui->s;
	char       path[4096] = "";
	const bool error      = s->port[CTRL_ERROR] > 0.5f && s->port[CTRL_ERROR_LINE] >= 1.0f;
	unsigned   line       = 0;
	/* After a refused file, the editor opens the file the error names (the
	 * playing one saved broken, or one asked for and refused, which the
	 * plugin now watches) at the error's line. */
	if (copy) {
		/* a new file below, whatever the patch came from */
	} else if (error && status_names_file(s->status, s->patch_file)) {
		snprintf(path, sizeof path, "%s", s->patch_file);
		line = (unsigned)s->port[CTRL_ERROR_LINE];
	} else if (error && status_names_file(s->status, s->asked_file)) {
		snprintf(path, sizeof path, "%s", s->asked_file);
		line = (unsigned)s->port[CTRL_ERROR_LINE];
	} else if (s->patch_file[0]) {
		snprintf(path, sizeof path, "%s", s->patch_file);
	}
	if (!path[0]) {
		if (!s->patch_len || !edit_new_file(s->graph.title, s->patch_text, s->patch_len, path, sizeof path)) {
			snprintf(s->status, sizeof s->status, "Edit: cannot write a copy of the patch to the user's folder");
			ui->dirty = true;
			return;
		}
		send_patch_file(ui, path);
		files_rescan(s); /* the copy is a new user preset */
	}
	const bool started = edit_open(path, line);
	if (!started) {
		snprintf(s->status, sizeof s->status, "Edit: cannot start an editor ($VISUAL, $EDITOR or xdg-open)");
		ui->dirty = true;
	}
	if (s->test_log) {
		fprintf(s->test_log, "edit %s %s line %u\n", started ? "started" : "failed", path, line);
		fflush(s->test_log);
	}
}

static void
button_press(Ui* ui, const XButtonEvent* e)
{
	UiState* s = &ui->s;
	char     path[4096];
	ControlId set_id;
	float     set_v;
	switch (settings_press(s, e->x, e->y, (int)e->button, &set_id, &set_v)) { /* first: modal when open */
	case SETTINGS_WRITE:
		write_control(ui, set_id, set_v);
		return;
	case SETTINGS_REDRAW:
		redraw(ui);
		return;
	case SETTINGS_NONE:
		break;
	}
	switch (files_press(s, e->x, e->y, (int)e->button, path, sizeof path)) { /* Open..., Save, User bank */
	case FILES_LOAD:
		send_patch_file(ui, path);
		if (s->test_log) {
			fprintf(s->test_log, "load %s\n", path);
		}
		/* fall through */
	case FILES_REDRAW:
		redraw(ui);
		return;
	case FILES_NONE:
		break;
	}
	if (e->button == Button1 && (ui_inside(&s->edit_rect, e->x, e->y) || ui_inside(&s->new_rect, e->x, e->y))) {
		edit(ui, ui_inside(&s->new_rect, e->x, e->y));
		return;
	}
	for (int i = 0; i < KNOB_COUNT; ++i) {
		if (!ui_inside(&s->knob[i], e->x, e->y)) {
			continue;
		}
		const ControlId id = ui_knob_control(i);
		if (e->button == Button1) {
			s->drag   = (int)id;
			s->drag_y = e->y;
			s->drag_t = ui_control_to_unit(id, s->port[id]);
		} else if (e->button == Button4 || e->button == Button5) { /* the wheel: 1/50 a step */
			const double t = ui_control_to_unit(id, s->port[id]) + (e->button == Button4 ? 0.02 : -0.02);
			write_control(ui, id, ui_unit_to_control(id, t));
		}
		return;
	}
	if ((e->button == Button4 || e->button == Button5) && ui_inside(&s->preset_list, e->x, e->y)) {
		const double step = 3 * 14 * s->scale; /* three rows a notch */
		double       to   = s->preset_scroll + (e->button == Button5 ? step : -step);
		to                = to > s->preset_scroll_max ? s->preset_scroll_max : to;
		s->preset_scroll  = to < 0 ? 0 : to;
		redraw(ui);
		if (s->test_log) { /* where each preset is now (0 0: out of sight) */
			fprintf(s->test_log, "scroll %d of %d\n", (int)s->preset_scroll, (int)s->preset_scroll_max);
			for (unsigned i = 0; i < s->n_presets; ++i) {
				fprintf(s->test_log, "preset %u %d %d\n", i, (int)(s->preset[i].x + s->preset[i].w / 2),
				        (int)(s->preset[i].y + s->preset[i].h / 2));
			}
		}
		return;
	}
	for (unsigned i = 0; i < s->n_presets && e->button == Button1; ++i) {
		if (ui_inside(&s->preset[i], e->x, e->y)) {
			write_control(ui, CTRL_PROGRAM, (float)i); /* the plugin loads the factory program */
			return;
		}
	}
}

static void
motion(Ui* ui, int y)
{
	UiState* s = &ui->s;
	if (s->drag < 0) {
		return;
	}
	/* 200 logical pixels up: the whole range */
	const ControlId id = (ControlId)s->drag;
	const float     v  = ui_unit_to_control(id, s->drag_t + (s->drag_y - y) / (200.0 * s->scale));
	if (v != s->port[id]) {
		write_control(ui, id, v);
	}
}

/* ---- LV2 UI --------------------------------------------------------- */

static void
map_urids(UiUrids* u, LV2_URID_Map* map)
{
	LV2_URID_Map_Handle h = map->handle;
	u->atom_eventTransfer = map->map(h, LV2_ATOM__eventTransfer);
	u->atom_Object        = map->map(h, LV2_ATOM__Object);
	u->atom_Blank         = map->map(h, LV2_ATOM__Blank);
	u->atom_String        = map->map(h, LV2_ATOM__String);
	u->atom_URID          = map->map(h, LV2_ATOM__URID);
	u->atom_Bool          = map->map(h, LV2_ATOM__Bool);
	u->atom_Vector        = map->map(h, LV2_ATOM__Vector);
	u->atom_Float         = map->map(h, LV2_ATOM__Float);
	u->patch_Set          = map->map(h, LV2_PATCH__Set);
	u->patch_Get          = map->map(h, LV2_PATCH__Get);
	u->patch_property     = map->map(h, LV2_PATCH__property);
	u->patch_value        = map->map(h, LV2_PATCH__value);
	u->chronus_graph      = map->map(h, CHRONUS_URI "#graph");
	u->chronus_status     = map->map(h, CHRONUS_URI "#status");
	u->chronus_scope      = map->map(h, CHRONUS_URI "#scope");
	u->chronus_scopeData  = map->map(h, CHRONUS_URI "#scopeData");
	u->chronus_spectrum     = map->map(h, CHRONUS_URI "#spectrum");
	u->chronus_spectrumData = map->map(h, CHRONUS_URI "#spectrumData");
	u->chronus_swap         = map->map(h, CHRONUS_URI "#swap");
	u->chronus_patchFile  = map->map(h, CHRONUS_URI "#patchFile");
	u->chronus_patchText  = map->map(h, CHRONUS_URI "#patchText");
	u->atom_Path          = map->map(h, LV2_ATOM__Path);
}

static void cleanup(LV2UI_Handle handle);

static LV2UI_Handle
instantiate(const LV2UI_Descriptor* descriptor, const char* plugin_uri, const char* bundle_path,
            LV2UI_Write_Function write_function, LV2UI_Controller controller, LV2UI_Widget* widget,
            const LV2_Feature* const* features)
{
	(void)descriptor;
	(void)bundle_path;
	if (strcmp(plugin_uri, CHRONUS_URI)) {
		return NULL;
	}
	LV2_URID_Map* map    = NULL;
	LV2UI_Resize* resize = NULL;
	void*         parent = NULL;
	for (int i = 0; features[i]; ++i) {
		if (!strcmp(features[i]->URI, LV2_URID__map)) {
			map = features[i]->data;
		} else if (!strcmp(features[i]->URI, LV2_UI__resize)) {
			resize = features[i]->data;
		} else if (!strcmp(features[i]->URI, LV2_UI__parent)) {
			parent = features[i]->data;
		}
	}
	if (!map) {
		return NULL;
	}
	Ui* ui = calloc(1, sizeof(Ui));
	if (!ui) {
		return NULL;
	}
	ui->dpy = XOpenDisplay(NULL);
	if (!ui->dpy) {
		free(ui);
		return NULL;
	}
	ui->error_logged = -1;
	ui->write      = write_function;
	ui->controller = controller;
	ui->map        = map;
	map_urids(&ui->u, map);
	UiState* s = &ui->s;
	s->drag    = -1;
	s->swap    = 1.0f; /* no swap under way */
	sv_reset(&s->spectrum);
	s->scale   = find_scale(ui->dpy, features, map);
	s->width   = (int)lrint(UI_WIDTH * s->scale);
	s->height  = (int)lrint(UI_HEIGHT * s->scale);
	for (int i = 0; i < CTRL_COUNT; ++i) {
		s->port[i] = ui_control_default((ControlId)i);
	}
	s->patch_text   = malloc(UI_TEXT_MAX + 1);
	s->files        = files_new(); /* reads the user's folder: the User bank */
	s->settings     = settings_new();
	const char* log = getenv("CHRONUS_UI_TEST_LOG");
	s->test_log     = log && log[0] ? fopen(log, "a") : NULL;

	const int screen = DefaultScreen(ui->dpy);
	ui->toplevel     = parent == NULL;
	const Window up  = parent ? (Window)(uintptr_t)parent : RootWindow(ui->dpy, screen);
	ui->win = XCreateSimpleWindow(ui->dpy, up, 0, 0, (unsigned)s->width, (unsigned)s->height, 0,
	                              BlackPixel(ui->dpy, screen), BlackPixel(ui->dpy, screen));
	/* No KeyPress, no focus: the host keeps the keyboard. */
	XSelectInput(ui->dpy, ui->win,
	             ExposureMask | ButtonPressMask | ButtonReleaseMask | PointerMotionMask | StructureNotifyMask);
	XSizeHints* hints = XAllocSizeHints();
	if (hints) {
		hints->flags      = PMinSize | PBaseSize;
		hints->min_width  = s->width / 2;
		hints->min_height = s->height / 2;
		hints->base_width = s->width;
		hints->base_height = s->height;
		XSetWMNormalHints(ui->dpy, ui->win, hints);
		XFree(hints);
	}
	XWMHints wm = {.flags = InputHint, .input = False}; /* never give us the focus */
	XSetWMHints(ui->dpy, ui->win, &wm);
	if (ui->toplevel) {
		ui->wm_delete = XInternAtom(ui->dpy, "WM_DELETE_WINDOW", False);
		XSetWMProtocols(ui->dpy, ui->win, &ui->wm_delete, 1);
		XStoreName(ui->dpy, ui->win, "Chronus");
	} else {
		XMapRaised(ui->dpy, ui->win);
	}
	ui->gc = XCreateGC(ui->dpy, ui->win, 0, NULL);
	const int depth = DefaultDepth(ui->dpy, screen);
	if ((depth != 24 && depth != 32) || !make_image(ui)) {
		fprintf(stderr, "Chronus UI: needs a 24- or 32-bit TrueColor display (this one is %d-bit)\n", depth);
		cleanup(ui);
		return NULL;
	}
	if (resize) {
		resize->ui_resize(resize->handle, s->width, s->height);
	}
	/* The host asks the X server about the window on its own connection:
	 * it must exist there before the host has its id. */
	XSync(ui->dpy, False);
	*widget   = (LV2UI_Widget)(uintptr_t)ui->win;
	ui->dirty = true;
	send_get(ui);         /* the graph and status of what plays now */
	send_bool(ui, ui->u.chronus_scope, true); /* only while a UI is open */
	send_bool(ui, ui->u.chronus_spectrum, true);
	ui->opened = true;
	return ui;
}

static void
cleanup(LV2UI_Handle handle)
{
	Ui* ui = handle;
	if (ui->opened) {
		send_bool(ui, ui->u.chronus_scope, false);
		send_bool(ui, ui->u.chronus_spectrum, false);
	}
	if (ui->ximage) {
		ui->ximage->data = NULL; /* cairo's pixels */
		XDestroyImage(ui->ximage);
	}
	if (ui->image) {
		cairo_surface_destroy(ui->image);
	}
	XFreeGC(ui->dpy, ui->gc);
	free(ui->s.patch_text);
	files_free(ui->s.files);
	settings_free(ui->s.settings);
	XDestroyWindow(ui->dpy, ui->win);
	XCloseDisplay(ui->dpy);
	if (ui->s.test_log) {
		fclose(ui->s.test_log);
	}
	free(ui);
}

/* chronus:spectrumData: the sample rate, then contiguous samples. */
static void
take_spectrum(Ui* ui, const LV2_Atom* value)
{
	UiState* s = &ui->s;
	if (value->type != ui->u.atom_Vector || value->size < sizeof(LV2_Atom_Vector_Body) + 2 * sizeof(float)) {
		return;
	}
	const LV2_Atom_Vector* v = (const LV2_Atom_Vector*)value;
	if (v->body.child_type != ui->u.atom_Float || v->body.child_size != sizeof(float)) {
		return;
	}
	const float*   f      = (const float*)(v + 1);
	const unsigned n      = (value->size - sizeof(LV2_Atom_Vector_Body)) / sizeof(float) - 1;
	const unsigned lit    = sv_lit(&s->spectrum);
	const bool     peaked = sv_peaks_lit(&s->spectrum);
	const double   rate   = s->spectrum.rate;
	if (!sv_take(&s->spectrum, f + 1, n, f[0])) {
		return;
	}
	if (s->test_log && (s->spectrum.messages == 1 || s->spectrum.messages % 15 == 0)) {
		fprintf(s->test_log, "spectrum %u rate %.0f peak %.0f Hz %.0f dB lit %u\n", n, s->spectrum.rate,
		        s->spectrum.peak_hz, (double)s->spectrum.peak_db, sv_lit(&s->spectrum));
		fflush(s->test_log);
	}
	/* silence that stays silence, at the same rate, changes nothing on screen */
	ui->spectrum_dirty |= lit || peaked || sv_lit(&s->spectrum) || sv_peaks_lit(&s->spectrum) ||
	                      s->spectrum.rate != rate;
}

static void
take_set(Ui* ui, const LV2_Atom_Object* obj)
{
	const LV2_Atom* property = NULL;
	const LV2_Atom* value    = NULL;
	lv2_atom_object_get(obj, ui->u.patch_property, &property, ui->u.patch_value, &value, 0);
	if (!property || property->type != ui->u.atom_URID || !value) {
		return;
	}
	const LV2_URID key = ((const LV2_Atom_URID*)property)->body;
	UiState*       s   = &ui->s;
	if (key == ui->u.chronus_graph && value->type == ui->u.atom_String) {
		gm_parse(&s->graph, LV2_ATOM_BODY_CONST(value), value->size);
		ui->graph_logged = false;
	} else if (key == ui->u.chronus_status && value->type == ui->u.atom_String) {
		snprintf(s->status, sizeof s->status, "%.*s", (int)value->size, (const char*)LV2_ATOM_BODY_CONST(value));
		if (s->test_log) {
			fprintf(s->test_log, "status %s\n", s->status);
			fflush(s->test_log);
		}
	} else if (key == ui->u.chronus_patchFile && value->type == ui->u.atom_Path) {
		snprintf(s->patch_file, sizeof s->patch_file, "%.*s", (int)value->size, (const char*)LV2_ATOM_BODY_CONST(value));
	} else if (key == ui->u.chronus_patchText && value->type == ui->u.atom_String && s->patch_text) {
		const char* t = LV2_ATOM_BODY_CONST(value);
		size_t      n = value->size;
		while (n && t[n - 1] == '\0') {
			--n;
		}
		s->patch_len = n < UI_TEXT_MAX ? n : UI_TEXT_MAX;
		memcpy(s->patch_text, t, s->patch_len);
		s->patch_text[s->patch_len] = '\0';
	} else if (key == ui->u.chronus_scopeData && value->type == ui->u.atom_Vector &&
	           value->size >= sizeof(LV2_Atom_Vector_Body)) {
		const LV2_Atom_Vector* v = (const LV2_Atom_Vector*)value;
		if (v->body.child_type == ui->u.atom_Float && v->body.child_size == sizeof(float)) {
			unsigned n = (value->size - sizeof(LV2_Atom_Vector_Body)) / sizeof(float);
			n          = n > UI_SCOPE_POINTS ? UI_SCOPE_POINTS : n;
			memcpy(s->scope, v + 1, n * sizeof(float));
			s->scope_n = n;
			if (s->test_log && s->scope_messages++ == 0) {
				fprintf(s->test_log, "scope %u\n", n);
				fflush(s->test_log);
			}
			if (s->test_log) { /* what the scope heard, once a second: the level a test compares */
				for (unsigned i = 0; i < n; ++i) {
					s->scope_sq += (double)s->scope[i] * s->scope[i];
				}
				s->scope_sq_n += n;
				if (s->scope_messages % 30 == 0 && s->scope_sq_n) {
					fprintf(s->test_log, "level rms %.4f\n", sqrt(s->scope_sq / s->scope_sq_n));
					fflush(s->test_log);
					s->scope_sq   = 0;
					s->scope_sq_n = 0;
				}
			}
			ui->scope_dirty = true;
		}
		return;
	} else if (key == ui->u.chronus_spectrumData) {
		take_spectrum(ui, value);
		return;
	} else if (key == ui->u.chronus_swap && value->type == ui->u.atom_Float && value->size >= sizeof(float)) {
		const float p = ((const LV2_Atom_Float*)value)->body;
		if (s->test_log) {
			fprintf(s->test_log, "swap %s\n", p < 0.0f ? "building" : (p < 1.0f ? "crossfade" : "done"));
			fflush(s->test_log);
		}
		s->swap = p;
	} else {
		return;
	}
	ui->dirty = true;
}

static void
port_event(LV2UI_Handle handle, uint32_t port, uint32_t size, uint32_t format, const void* buffer)
{
	Ui* ui = handle;
	if (format == 0 && size == sizeof(float) && port >= CTRL_FIRST_PORT && port < CTRL_FIRST_PORT + CTRL_COUNT) {
		const float v = *(const float*)buffer;
		if (ui->s.port[port - CTRL_FIRST_PORT] != v) {
			ui->s.port[port - CTRL_FIRST_PORT] = v;
			ui->dirty                          = true;
		}
	} else if (format == ui->u.atom_eventTransfer && port == PORT_NOTIFY && size >= sizeof(LV2_Atom)) {
		const LV2_Atom* a = buffer;
		if ((a->type == ui->u.atom_Object || a->type == ui->u.atom_Blank) && size >= sizeof(LV2_Atom) + a->size &&
		    ((const LV2_Atom_Object*)a)->body.otype == ui->u.patch_Set) {
			take_set(ui, (const LV2_Atom_Object*)a);
		}
	}
}

static int
idle(LV2UI_Handle handle)
{
	Ui* ui = handle;
	while (XPending(ui->dpy)) {
		XEvent e;
		XNextEvent(ui->dpy, &e);
		switch (e.type) {
		case Expose:
			ui->dirty |= e.xexpose.count == 0;
			break;
		case ConfigureNotify:
			if (e.xconfigure.width != ui->s.width || e.xconfigure.height != ui->s.height) {
				ui->s.width  = e.xconfigure.width;
				ui->s.height = e.xconfigure.height;
				ui->dirty = make_image(ui);
			}
			break;
		case ButtonPress:
			button_press(ui, &e.xbutton);
			break;
		case ButtonRelease:
			ui->s.drag = -1;
			break;
		case MotionNotify:
			motion(ui, e.xmotion.y);
			break;
		case ClientMessage:
			if ((Atom)e.xclient.data.l[0] == ui->wm_delete) {
				ui->closed = true;
			}
			break;
		default:
			break;
		}
	}
	if (ui->dirty) {
		redraw(ui);
	} else {
		if (ui->scope_dirty && ui->s.scope_rect.w > 0) {
			redraw_scope(ui);
		}
		/* not over "Open..." or "Settings", which cover the spectrum while open */
		if (ui->spectrum_dirty && ui->s.spectrum_rect.w > 0 && !(ui->s.files && ui->s.files->browsing) &&
		    !(ui->s.settings && ui->s.settings->open)) {
			redraw_spectrum(ui);
		}
	}
	return ui->closed ? 1 : 0;
}

static int
show(LV2UI_Handle handle)
{
	Ui* ui     = handle;
	ui->closed = false;
	XMapRaised(ui->dpy, ui->win);
	XFlush(ui->dpy);
	return 0;
}

static int
hide(LV2UI_Handle handle)
{
	Ui* ui = handle;
	XUnmapWindow(ui->dpy, ui->win);
	XFlush(ui->dpy);
	return 0;
}

static const void*
extension_data(const char* uri)
{
	static const LV2UI_Idle_Interface idle_iface = {idle};
	static const LV2UI_Show_Interface show_iface = {show, hide};
	if (!strcmp(uri, LV2_UI__idleInterface)) {
		return &idle_iface;
	}
	if (!strcmp(uri, LV2_UI__showInterface)) {
		return &show_iface;
	}
	return NULL;
}

static const LV2UI_Descriptor descriptor = {CHRONUS_UI_URI, instantiate, cleanup, port_event, extension_data};

LV2_SYMBOL_EXPORT const LV2UI_Descriptor*
lv2ui_descriptor(uint32_t index)
{
	return index == 0 ? &descriptor : NULL;
}
