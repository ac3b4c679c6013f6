/* SPDX-License-Identifier: ISC
 *
 * What Ardour 7.5's generic plugin window would draw for a plugin, by the
 * rules of its source (libs/ardour/lv2_plugin.cc get_parameter_descriptor,
 * load_parameter_descriptor_units, load_supported_properties;
 * gtk2_ardour/generic_pluginui.cc build_control_ui; value_as_string.h).
 * Not Ardour: a model of those functions over lilv, for a machine without
 * Ardour. Values are printed with the same snprintf(fmt, double) call.
 *
 *   cc -o /tmp/ardour7-model tools/hostcheck/ardour7-model.c $(pkg-config --cflags --libs lilv-0)
 *   LV2_PATH=$PWD/build/lv2:/usr/lib/lv2 /tmp/ardour7-model http://chronus.audio/plugins/chronus
 */
#include <lilv/lilv.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#define LV2 "http://lv2plug.in/ns/lv2core#"
#define UNITS "http://lv2plug.in/ns/extensions/units#"
static LilvWorld* w;
static LilvNode* N(const char* u) { return lilv_new_uri(w, u); }
static void replace_all(char* s, const char* a, const char* b) {
	char buf[256]; char* p;
	while ((p = strstr(s, a))) { snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - s), s, b, p + strlen(a)); strcpy(s, buf); }
}
int main(int argc, char** argv) {
	if (argc != 2) { fprintf(stderr, "usage: ardour7-model PLUGIN_URI\n"); return 2; }
	w = lilv_world_new(); lilv_world_load_all(w);
	LilvNode* uri = N(argv[1]);
	const LilvPlugin* p = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(w), uri);
	if (!p) { fprintf(stderr, "no plugin\n"); return 1; }
	LilvNode *ctl = N(LV2 "ControlPort"), *out = N(LV2 "OutputPort"), *integer = N(LV2 "integer"), *toggled = N(LV2 "toggled"),
	         *enumer = N(LV2 "enumeration"), *logp = N("http://lv2plug.in/ns/ext/port-props#logarithmic"),
	         *unit_p = N(UNITS "unit"), *render = N(UNITS "render"), *db = N(UNITS "db");
	printf("%-13s %-4s %-34s %s\n", "label", "dir", "widget", "value text at default / at a probe value");
	for (unsigned i = 0; i < lilv_plugin_get_num_ports(p); ++i) {
		const LilvPort* port = lilv_plugin_get_port_by_index(p, i);
		if (!lilv_port_is_a(p, port, ctl)) continue;
		LilvNode *def, *min, *max; lilv_port_get_range(p, port, &def, &min, &max);
		float lo = min ? lilv_node_as_float(min) : 0, hi = max ? lilv_node_as_float(max) : 1, dv = def ? lilv_node_as_float(def) : 0;
		int is_int = lilv_port_has_property(p, port, integer), is_tog = lilv_port_has_property(p, port, toggled),
		    is_enum = lilv_port_has_property(p, port, enumer), is_log = lilv_port_has_property(p, port, logp),
		    is_out = lilv_port_is_a(p, port, out);
		char fmt[128] = ""; int is_db = 0;
		LilvNodes* units = lilv_port_get_value(p, port, unit_p);
		if (units && lilv_nodes_size(units)) {
			is_db = lilv_nodes_contains(units, db);
			LilvNode* r = lilv_world_get(w, lilv_nodes_get_first(units), render, NULL);
			if (r) {
				snprintf(fmt, sizeof fmt, "%s", lilv_node_as_string(r));
				replace_all(fmt, "%f", is_int ? "%.0f" : hi - lo >= 1000 ? "%.1f" : hi - lo >= 100 ? "%.2f" : "%.3f");
			}
		}
		LilvScalePoints* sps = lilv_port_get_scale_points(p, port);
		unsigned nsp = sps ? lilv_scale_points_size(sps) : 0;
		int steps = is_int ? (int)(hi - lo + 1) : 0;
		const char* widget;
		if (!is_out) widget = (nsp && ((steps && (int)nsp == steps) || is_enum)) ? "dropdown of scale points" : is_tog ? "toggle button" : is_int ? "integer slider" : is_log ? "log slider" : "slider";
		else widget = (is_int || is_enum) ? "text display" : "meter + text display";
		const char* name = lilv_node_as_string(lilv_port_get_name(p, port));
		const char* sym = lilv_node_as_string(lilv_port_get_symbol(p, port));
		float probe = !strcmp(sym, "playing") ? -1 : !strcmp(sym, "error_line") ? 5 : !strcmp(sym, "error_column") ? 13 : !strcmp(sym, "error") ? 1 : !strcmp(sym, "active_slot") ? 1 : dv;
		printf("%-13s %-4s %-34s", name, is_out ? "out" : "in", widget);
		for (int k = 0; k < 2; ++k) {
			double v = k ? probe : dv; char buf[64] = "";
			const char* label = NULL;
			LILV_FOREACH (scale_points, it, sps) {
				const LilvScalePoint* sp = lilv_scale_points_get(sps, it);
				if (lilv_node_as_float(lilv_scale_point_get_value(sp)) == v) label = lilv_node_as_string(lilv_scale_point_get_label(sp));
			}
			if (label) snprintf(buf, sizeof buf, "%s", label);
			else if (is_tog) snprintf(buf, sizeof buf, "%s", v > 0 ? "on" : "off");
			else if (*fmt) snprintf(buf, sizeof buf, fmt, v);
			else if (is_int) snprintf(buf, sizeof buf, "%d", (int)v);
			else snprintf(buf, sizeof buf, hi - lo >= 1000 ? "%.1f" : hi - lo >= 100 ? "%.2f" : "%.3f", v);
			if (!*fmt && is_db) strcat(buf, " dB");
			printf(" %s%s", k ? "/ " : "", buf);
		}
		printf("\n");
		lilv_scale_points_free(sps);
	}
	/* Properties: only patch:writable ones get a widget; PATH a file button, anything else a numeric slider. */
	LilvNode* writable = N("http://lv2plug.in/ns/ext/patch#writable");
	LilvNode* range = N("http://www.w3.org/2000/01/rdf-schema#range");
	LilvNode* label_p = N("http://www.w3.org/2000/01/rdf-schema#label");
	LilvNodes* props = lilv_world_find_nodes(w, uri, writable, NULL);
	LILV_FOREACH (nodes, it, props) {
		const LilvNode* prop = lilv_nodes_get(props, it);
		LilvNode* r = lilv_world_get(w, prop, range, NULL);
		LilvNode* l = lilv_world_get(w, prop, label_p, NULL);
		int path = r && !strcmp(lilv_node_as_uri(r), "http://lv2plug.in/ns/ext/atom#Path");
		printf("%-13s %-4s %s\n", l ? lilv_node_as_string(l) : "?", "prop", path ? "file chooser button" : "numeric slider (a dead control for a string)");
	}
	printf("(patch:readable-only properties get no widget in Ardour 7)\n");
	return 0;
}
