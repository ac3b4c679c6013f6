/* SPDX-License-Identifier: ISC
 *
 * The control table (src/controls.c) against the bundle a host loads, and
 * what the generic host UIs show: every port of the table with its index,
 * range, default and properties; the Playing output telling the truth after
 * a text or program load; the error outputs with line and column; the
 * status announced in the first block and on patch:Get.
 */
#include "chronus_config.h"
#include "controls.h"
#include "helpers.h"
#include "patch.h"
#include "slot.h"
#include "suites.h"

#include <CUnit/CUnit.h>
#include <lilv/lilv.h>
#include <lv2/core/lv2.h>
#include <lv2/patch/patch.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Runs blocks, letting the worker finish between them, until cond holds;
 * false if it never does within a generous bound. */
static bool
run_until(Host* h, bool (*cond)(Host*, const void*), const void* arg)
{
	float buf[256];
	for (unsigned i = 0; i < 4000; ++i) {
		if (cond(h, arg)) {
			return true;
		}
		test_run_stereo(h, 256, buf);
		host_settle(h);
	}
	return cond(h, arg);
}

static bool
control_is(Host* h, const void* arg)
{
	const float* want = arg; /* {ControlId, value} */
	return host_get_control(h, controls[(unsigned)want[0]].symbol) == want[1];
}

static bool
wait_control(Host* h, ControlId id, float value)
{
	const float arg[2] = {(float)id, value};
	return run_until(h, control_is, arg);
}

/* Every control of the table is a port of the bundle with the same index,
 * direction, range, default and properties; the bundle has no other. */
static void
test_table_matches_bundle(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	LilvWorld*        w = host_world(h);
	const LilvPlugin* p = host_plugin(h);
	CU_ASSERT_EQUAL(lilv_plugin_get_num_ports(p), CTRL_FIRST_PORT + CTRL_COUNT);
	LilvNode* control = lilv_new_uri(w, LV2_CORE__ControlPort);
	LilvNode* input   = lilv_new_uri(w, LV2_CORE__InputPort);
	LilvNode* integer = lilv_new_uri(w, LV2_CORE__integer);
	LilvNode* toggled = lilv_new_uri(w, LV2_CORE__toggled);
	LilvNode* enumer  = lilv_new_uri(w, LV2_CORE__enumeration);
	unsigned  n_control = 0;
	for (unsigned i = 0; i < lilv_plugin_get_num_ports(p); ++i) {
		n_control += lilv_port_is_a(p, lilv_plugin_get_port_by_index(p, i), control);
	}
	CU_ASSERT_EQUAL(n_control, CTRL_COUNT);
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		const ControlSpec* c   = &controls[i];
		LilvNode*          sym = lilv_new_string(w, c->symbol);
		const LilvPort*    port = lilv_plugin_get_port_by_symbol(p, sym);
		lilv_node_free(sym);
		CU_ASSERT_PTR_NOT_NULL(port);
		if (!port) {
			fprintf(stderr, "\n  no port '%s' in the bundle\n", c->symbol);
			continue;
		}
		CU_ASSERT_EQUAL(lilv_port_get_index(p, port), control_port((ControlId)i));
		CU_ASSERT(lilv_port_is_a(p, port, control));
		CU_ASSERT_EQUAL(lilv_port_is_a(p, port, input), (c->flags & CTRL_IN) != 0);
		CU_ASSERT_EQUAL(lilv_port_has_property(p, port, integer), (c->flags & CTRL_INTEGER) != 0);
		CU_ASSERT_EQUAL(lilv_port_has_property(p, port, toggled), (c->flags & CTRL_TOGGLED) != 0);
		CU_ASSERT_EQUAL(lilv_port_has_property(p, port, enumer), (c->flags & CTRL_ENUMERATION) != 0);
		LilvNode *def = NULL, *min = NULL, *max = NULL;
		lilv_port_get_range(p, port, &def, &min, &max);
		CU_ASSERT(def && min && max);
		if (def && min && max) {
			const unsigned n_programs = (unsigned)lilv_node_as_float(max) + 1;
			CU_ASSERT_EQUAL(lilv_node_as_float(def), c->def);
			CU_ASSERT_EQUAL(lilv_node_as_float(min), c->min);
			CU_ASSERT_EQUAL(lilv_node_as_float(max), control_max((ControlId)i, n_programs));
			if (!(c->flags & CTRL_PROGRAMS)) {
				CU_ASSERT_EQUAL(lilv_node_as_float(max), c->max);
			}
		}
		lilv_node_free(def);
		lilv_node_free(min);
		lilv_node_free(max);
		/* The host test helpers reach it by symbol, and it starts at its default
		 * (outputs: once the first block has run). */
		CU_ASSERT(host_set_control(h, c->symbol, c->def) || !(c->flags & CTRL_IN));
	}
	/* The engine's own limits are the table's. */
	CU_ASSERT_EQUAL(controls[CTRL_POLYPHONY].max, (float)SLOT_MAX_POLYPHONY);
	CU_ASSERT_EQUAL(CTRL_MACRO8 - CTRL_MACRO1 + 1, PATCH_MACRO_KNOBS);
	lilv_node_free(control);
	lilv_node_free(input);
	lilv_node_free(integer);
	lilv_node_free(toggled);
	lilv_node_free(enumer);
	host_free(h);
}

/* True if fmt is what hosts take units:render for: a printf format whose
 * conversions all format a double (%f, %.0f, %g, %e; %% for a sign). Ardour 7
 * calls snprintf(buf, fmt, (double)value): "%d" there prints garbage. */
static bool
render_takes_a_float(const char* fmt)
{
	unsigned n = 0;
	for (const char* c = strchr(fmt, '%'); c; c = strchr(c, '%')) {
		++c;
		if (*c == '%') {
			++c;
			continue;
		}
		c += strspn(c, "-+ #0");
		c += strspn(c, "0123456789");
		if (*c == '.') {
			c += 1 + strspn(c + 1, "0123456789");
		}
		if (!*c || !strchr("fFgGeE", *c)) {
			return false;
		}
		++n;
	}
	return n == 1;
}

/* Every control port has a unit, and the unit renders the float a host
 * passes: Polyphony, Error line and Error column read as numbers, not
 * garbage, in Ardour's generic window. */
static void
test_units_render_a_float(void)
{
	CU_ASSERT(render_takes_a_float("%.0f voices") && render_takes_a_float("%f%%"));
	CU_ASSERT(!render_takes_a_float("line %d") && !render_takes_a_float("%d") && !render_takes_a_float("none"));
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	LilvWorld*        w      = host_world(h);
	const LilvPlugin* p      = host_plugin(h);
	LilvNode*         unit_p = lilv_new_uri(w, "http://lv2plug.in/ns/extensions/units#unit");
	LilvNode*         render = lilv_new_uri(w, "http://lv2plug.in/ns/extensions/units#render");
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		const LilvPort* port  = lilv_plugin_get_port_by_index(p, control_port((ControlId)i));
		LilvNodes*      units = lilv_port_get_value(p, port, unit_p);
		CU_ASSERT_EQUAL(units ? lilv_nodes_size(units) : 0, 1);
		if (units && lilv_nodes_size(units) == 1) {
			LilvNode* fmt = lilv_world_get(w, lilv_nodes_get_first(units), render, NULL);
			CU_ASSERT(fmt && render_takes_a_float(lilv_node_as_string(fmt)));
			if (!fmt || !render_takes_a_float(lilv_node_as_string(fmt))) {
				fprintf(stderr, "\n  port '%s': units:render %s\n", controls[i].symbol,
				        fmt ? lilv_node_as_string(fmt) : "(none)");
			}
			lilv_node_free(fmt);
		}
		lilv_nodes_free(units);
	}
	lilv_node_free(unit_p);
	lilv_node_free(render);
	host_free(h);
}

/* Names a generic window shows whole: jalv.qt5 gives each dial 150 px and
 * cut "Patch crossfade" and "Last prime time" ("Error column", 12
 * characters, fits); the Playing output's custom entry is labelled in the
 * bundle, short enough to replace "Init Saw" on jalv.qt5's dial unclipped. */
static void
test_labels_fit(void)
{
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		CU_ASSERT(strlen(controls[i].name) <= 12);
		if (strlen(controls[i].name) > 12) {
			fprintf(stderr, "\n  control '%s': name '%s' is longer than 12\n", controls[i].symbol, controls[i].name);
		}
	}
	CU_ASSERT(strlen(CTRL_CUSTOM_LABEL) <= strlen("Init Saw"));
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	const LilvPlugin* p     = host_plugin(h);
	const LilvPort*   port  = lilv_plugin_get_port_by_index(p, control_port(CTRL_PLAYING));
	LilvScalePoints*  sps   = lilv_port_get_scale_points(p, port);
	const char*       label = NULL;
	LILV_FOREACH (scale_points, it, sps) {
		const LilvScalePoint* sp = lilv_scale_points_get(sps, it);
		if (lilv_node_as_float(lilv_scale_point_get_value(sp)) == CTRL_CUSTOM_PATCH) {
			label = lilv_node_as_string(lilv_scale_point_get_label(sp));
		}
	}
	CU_ASSERT(label && !strcmp(label, CTRL_CUSTOM_LABEL));
	lilv_scale_points_free(sps);
	host_free(h);
}

/* patchText is accepted but not advertised writable (generic UIs cannot
 * edit a text language); the file is writable; both and the status are
 * readable. */
static void
test_parameters_as_advertised(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	LilvWorld* w        = host_world(h);
	LilvNode*  plugin   = lilv_new_uri(w, chronus_uri);
	LilvNode*  writable = lilv_new_uri(w, LV2_PATCH__writable);
	LilvNode*  readable = lilv_new_uri(w, LV2_PATCH__readable);
	for (unsigned i = 0; i < PARAM_COUNT; ++i) {
		char uri[256];
		snprintf(uri, sizeof(uri), "%s#%s", CHRONUS_URI, parameters[i].fragment);
		LilvNode* param = lilv_new_uri(w, uri);
		CU_ASSERT_EQUAL(lilv_world_ask(w, plugin, writable, param), (parameters[i].flags & PARAM_WRITABLE) != 0);
		CU_ASSERT_EQUAL(lilv_world_ask(w, plugin, readable, param), (parameters[i].flags & PARAM_READABLE) != 0);
		lilv_node_free(param);
	}
	lilv_node_free(plugin);
	lilv_node_free(writable);
	lilv_node_free(readable);
	host_free(h);
}

static bool
has_status(Host* h, const void* needle)
{
	for (unsigned i = 0; i < host_status_count(h); ++i) {
		if (strstr(host_status(h, i), (const char*)needle)) {
			return true;
		}
	}
	return false;
}

static bool
status_count_above(Host* h, const void* n)
{
	return host_status_count(h) > *(const unsigned*)n;
}

/* The first block says what plays (jalv's Status field was empty after the
 * first build), and a patch:Get answers every readable value again. */
static void
test_status_announced(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	float buf[256];
	test_run_stereo(h, 256, buf);
	CU_ASSERT_EQUAL(host_status_count(h), 1);
	CU_ASSERT(has_status(h, "Init Saw: primed"));
	CU_ASSERT_PTR_NOT_NULL(host_last_value(h, CHRONUS_URI "#patchText"));
	const unsigned statuses = host_status_count(h);
	const unsigned texts    = host_value_count(h, CHRONUS_URI "#patchText");
	const unsigned files    = host_value_count(h, CHRONUS_URI "#patchFile");
	host_patch_get(h, 0);
	test_run_stereo(h, 256, buf);
	CU_ASSERT_EQUAL(host_status_count(h), statuses + 1);
	CU_ASSERT(strstr(host_status(h, host_status_count(h) - 1), "Init Saw: primed") != NULL);
	CU_ASSERT_EQUAL(host_value_count(h, CHRONUS_URI "#patchText"), texts + 1);
	CU_ASSERT_EQUAL(host_value_count(h, CHRONUS_URI "#patchFile"), files + 1);
	host_free(h);
}

/* Playing tells the truth: a custom text plays "Custom" (-1), a
 * factory program its number, and the factory text sent as text is that
 * program. */
static void
test_playing_tells_the_truth(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT(wait_control(h, CTRL_PLAYING, 0.0f));
	CU_ASSERT(test_load_patch(h, patch_sine));
	CU_ASSERT(wait_control(h, CTRL_PLAYING, CTRL_CUSTOM_PATCH));
	CU_ASSERT_EQUAL(host_get_control(h, "program"), 0.0f); /* the host's input, unchanged */
	host_set_control(h, "program", 3.0f);
	CU_ASSERT(wait_control(h, CTRL_PLAYING, 3.0f));
	CU_ASSERT(has_status(h, "Reese Bass: primed"));
	host_free(h);
}

/* A rejected patch: the error toggle, its line and column on their own
 * outputs (what Ardour's and jalv's generic windows show), the status with
 * the same place; a good patch clears all three. */
static void
test_error_outputs(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT(wait_control(h, CTRL_ERROR, 0.0f));
	CU_ASSERT_EQUAL(host_get_control(h, "error_line"), 0.0f);
	const char* bad = "patch \"Bad\"\ncreate osc saw\n  create amp vcaa\nout amp\n";
	host_patch_set(h, 0, CHRONUS_URI "#patchText", false, bad, (uint32_t)strlen(bad));
	CU_ASSERT(wait_control(h, CTRL_ERROR, 1.0f));
	const float line = host_get_control(h, "error_line"), col = host_get_control(h, "error_column");
	CU_ASSERT_EQUAL(line, 3.0f);
	CU_ASSERT(col >= 1.0f);
	char where[64];
	snprintf(where, sizeof(where), "line %d, col %d:", (int)line, (int)col);
	CU_ASSERT(has_status(h, where));
	if (!has_status(h, where)) {
		fprintf(stderr, "\n  no status with '%s'; last: %s\n", where,
		        host_status_count(h) ? host_status(h, host_status_count(h) - 1) : "(none)");
	}
	CU_ASSERT(test_load_patch(h, patch_sine));
	CU_ASSERT(wait_control(h, CTRL_ERROR, 0.0f));
	CU_ASSERT_EQUAL(host_get_control(h, "error_line"), 0.0f);
	CU_ASSERT_EQUAL(host_get_control(h, "error_column"), 0.0f);
	host_free(h);
}

/* Out-of-range and non-finite inputs are clamped to the table's range: a
 * polyphony of 1000 builds 64 voices' worth (no error, still plays). */
static void
test_inputs_clamped(void)
{
	Host* h = test_host(HOST_WORKER_THREAD, 256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	float buf[256];
	test_run_stereo(h, 256, buf);
	const unsigned before = host_status_count(h); /* the first block's */
	host_set_control(h, "polyphony", 1000.0f);
	host_set_control(h, "volume", NAN);
	host_set_control(h, "crossfade", -5.0f);
	CU_ASSERT(run_until(h, status_count_above, &before));
	CU_ASSERT(strstr(host_status(h, host_status_count(h) - 1), "primed in") != NULL);
	test_render_stereo(h, buf, 256, 256);
	CU_ASSERT(test_all_finite(buf, 256));
	CU_ASSERT_EQUAL(host_get_control(h, "error"), 0.0f);
	host_free(h);
}

int
suite_controls(void)
{
	CU_pSuite s = CU_add_suite("controls: the table, the bundle and what hosts show", NULL, NULL);
	if (!s) {
		return 1;
	}
	return !CU_add_test(s, "every control of the table is a port of the bundle, as described", test_table_matches_bundle) ||
	       !CU_add_test(s, "every unit renders the float a host passes", test_units_render_a_float) ||
	       !CU_add_test(s, "names and the custom entry fit a generic window", test_labels_fit) ||
	       !CU_add_test(s, "parameters are advertised as the table says", test_parameters_as_advertised) ||
	       !CU_add_test(s, "the status is announced in the first block and on patch:Get", test_status_announced) ||
	       !CU_add_test(s, "Playing: custom after a text, the number after a program", test_playing_tells_the_truth) ||
	       !CU_add_test(s, "a rejected patch sets error, error_line and error_column", test_error_outputs) ||
	       !CU_add_test(s, "inputs out of range or not finite are clamped", test_inputs_clamped);
}
