/* SPDX-License-Identifier: ISC
 *
 * chronus-controls: prints, from the control table (src/controls.c) and the
 * factory programs (generated from presets/), the parts of the bundle and
 * the docs that describe the controls. Run by the build (wscript,
 * gen_bundle_ttl) and by `./waf test` (the README check); never shipped.
 *   chronus-controls defs          groups, units, parameters (Turtle)
 *   chronus-controls properties    the plugin's patch:writable / patch:readable (Turtle)
 *   chronus-controls ports         the control ports (Turtle, after the audio ports)
 *   chronus-controls preset-ports  "symbol value" of every input a preset sets besides the program
 *   chronus-controls markdown      the README's table of controls
 */
#include "controls.h"
#include "factory_patches.h"

#include "chronus_config.h"

#include <stdio.h>
#include <string.h>

static void
ttl_string(const char* s)
{
	putchar('"');
	for (; *s; ++s) {
		switch (*s) {
		case '"': fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		default: putchar(*s); break;
		}
	}
	putchar('"');
}

static void
print_unit_ref(ControlUnit u)
{
	if (control_units[u].lv2) {
		fputs(control_units[u].lv2, stdout);
	} else {
		printf("<%s#%s>", CHRONUS_URI, control_units[u].symbol);
	}
}

/* A number as Turtle reads it: integers for integer ports, decimals otherwise. */
static void
print_number(const ControlSpec* c, float v)
{
	if (c->flags & (CTRL_INTEGER | CTRL_TOGGLED)) {
		printf("%d", (int)v);
	} else {
		char buf[32];
		snprintf(buf, sizeof(buf), "%.9g", (double)v);
		printf("%s%s", buf, strpbrk(buf, ".e") ? "" : ".0"); /* a decimal, not an integer literal */
	}
}

static void
print_defs(void)
{
	for (unsigned g = 0; g < GROUP_COUNT; ++g) {
		const ControlGroupSpec* s = &control_groups[g];
		/* lv2:name for jalv (1.6 titles a group with it, "(null)" without),
		 * rdfs:label for the others. */
		printf("<%s#%s>\n\ta pg:Group , %s ;\n\tlv2:symbol \"%s\" ;\n\tlv2:name \"%s\" ;\n\trdfs:label \"%s\" .\n\n",
		       CHRONUS_URI, s->fragment, s->output ? "pg:OutputGroup" : "pg:InputGroup", s->symbol, s->name, s->name);
	}
	for (unsigned u = 0; u < UNIT_COUNT; ++u) {
		const ControlUnitSpec* s = &control_units[u];
		if (!s->lv2) {
			printf("<%s#%s>\n\ta units:Unit ;\n\trdfs:label \"%s\" ;\n\tunits:symbol \"%s\" ;\n"
			       "\tunits:render \"%s\" .\n\n",
			       CHRONUS_URI, s->symbol, s->label, s->abbrev, s->render);
		}
	}
	for (unsigned p = 0; p < PARAM_COUNT; ++p) {
		const ParameterSpec* s = &parameters[p];
		printf("<%s#%s>\n\ta %s ;\n\trdfs:label ", CHRONUS_URI, s->fragment,
		       (s->flags & PARAM_STATE) ? "rdf:Property , owl:DatatypeProperty" : "lv2:Parameter");
		ttl_string(s->label);
		printf(" ;\n\trdfs:comment ");
		ttl_string(s->comment);
		printf(" ;\n\trdfs:range %s .\n\n", s->range);
	}
}

static void
print_property_list(unsigned flag, const char* predicate)
{
	bool first = true;
	for (unsigned p = 0; p < PARAM_COUNT; ++p) {
		if (parameters[p].flags & flag) {
			printf("%s <%s#%s>", first ? predicate : " ,\n\t\t", CHRONUS_URI, parameters[p].fragment);
			first = false;
		}
	}
	if (!first) {
		printf(" ;\n");
	}
}

static void
print_ports(void)
{
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		const ControlSpec* c = &controls[i];
		printf("\t] , [\n\t\ta lv2:%s , lv2:ControlPort ;\n", (c->flags & CTRL_IN) ? "InputPort" : "OutputPort");
		printf("\t\tlv2:index %u ;\n\t\tlv2:symbol \"%s\" ;\n\t\tlv2:name ", control_port((ControlId)i), c->symbol);
		ttl_string(c->name);
		printf(" ;\n\t\trdfs:comment ");
		ttl_string(c->comment);
		printf(" ;\n\t\tpg:group <%s#%s> ;\n\t\tunits:unit ", CHRONUS_URI, control_groups[c->group].fragment);
		print_unit_ref(c->unit);
		printf(" ;\n\t\tlv2:default ");
		print_number(c, c->def);
		printf(" ;\n\t\tlv2:minimum ");
		print_number(c, c->min);
		printf(" ;\n\t\tlv2:maximum ");
		print_number(c, control_max((ControlId)i, factory_patch_count));
		printf(" ;\n");
		const char* props[4];
		unsigned    n = 0;
		if (c->flags & CTRL_INTEGER) {
			props[n++] = "lv2:integer";
		}
		if (c->flags & CTRL_ENUMERATION) {
			props[n++] = "lv2:enumeration";
		}
		if (c->flags & CTRL_TOGGLED) {
			props[n++] = "lv2:toggled";
		}
		if (c->flags & CTRL_LOGARITHMIC) {
			props[n++] = "pprop:logarithmic";
		}
		for (unsigned k = 0; k < n; ++k) {
			printf("%s%s", k ? " , " : "\t\tlv2:portProperty ", props[k]);
		}
		if (n) {
			printf(" ;\n");
		}
		if (c->flags & CTRL_PROGRAMS) {
			printf("\t\tlv2:scalePoint\n");
			bool first = true;
			if (c->flags & CTRL_CUSTOM) {
				printf("\t\t\t[ rdfs:label \"%s\" ; rdf:value %d ]", CTRL_CUSTOM_LABEL, (int)CTRL_CUSTOM_PATCH);
				first = false;
			}
			for (unsigned k = 0; k < factory_patch_count; ++k) {
				printf("%s\t\t\t[ rdfs:label ", first ? "" : " ,\n");
				ttl_string(factory_patches[k].name);
				printf(" ; rdf:value %u ]", k);
				first = false;
			}
			printf(" ;\n");
		}
	}
}

static void
print_preset_ports(void)
{
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		const ControlSpec* c = &controls[i];
		if (c->flags & CTRL_PRESET) {
			printf("%s %.9g\n", c->symbol, (double)c->def);
		}
	}
}

static void
print_range(const ControlSpec* c, ControlId id)
{
	if (c->flags & CTRL_TOGGLED) {
		printf("0 or 1");
	} else if (c->flags & CTRL_PROGRAMS) {
		if (c->flags & CTRL_CUSTOM) {
			printf("−1 (%s), ", CTRL_CUSTOM_LABEL);
		}
		printf("0–%u (factory programs)", factory_patch_count - 1);
	} else {
		printf("%g–%g", (double)c->min, (double)control_max(id, factory_patch_count));
	}
}

static void
print_markdown(void)
{
	printf("| symbol | name | in/out | range | default | unit | group | a change rebuilds | meaning |\n"
	       "|---|---|---|---|---|---|---|---|---|\n");
	for (unsigned i = 0; i < CTRL_COUNT; ++i) {
		const ControlSpec* c = &controls[i];
		printf("| `%s` | %s | %s | ", c->symbol, c->name, (c->flags & CTRL_IN) ? "in" : "out");
		print_range(c, (ControlId)i);
		printf(" | %g | %s | %s | %s | %s |\n", (double)c->def, control_units[c->unit].label,
		       control_groups[c->group].name, (c->flags & CTRL_REBUILDS) ? "yes" : "no", c->comment);
	}
	printf("\n| parameter | type | host sees it as | saved in state | meaning |\n|---|---|---|---|---|\n");
	for (unsigned p = 0; p < PARAM_COUNT; ++p) {
		const ParameterSpec* s = &parameters[p];
		const char* seen = (s->flags & PARAM_WRITABLE)   ? "writable and readable"
		                 : (s->flags & PARAM_ACCEPTED) && (s->flags & PARAM_READABLE)
		                       ? "readable; set it with patch:Set on the control port"
		                 : (s->flags & PARAM_ACCEPTED) ? "set it with patch:Set on the control port"
		                 : (s->flags & PARAM_READABLE) ? "readable: the plugin reports it"
		                                               : "state only";
		printf("| `#%s` | %s | %s | %s | %s |\n", s->fragment, s->range, seen, (s->flags & PARAM_SAVED) ? "yes" : "no",
		       s->comment);
	}
}

int
main(int argc, char** argv)
{
	const char* what = argc > 1 ? argv[1] : "";
	if (!strcmp(what, "defs")) {
		print_defs();
	} else if (!strcmp(what, "properties")) {
		print_property_list(PARAM_WRITABLE, "\tpatch:writable");
		print_property_list(PARAM_READABLE, "\tpatch:readable");
	} else if (!strcmp(what, "ports")) {
		print_ports();
	} else if (!strcmp(what, "preset-ports")) {
		print_preset_ports();
	} else if (!strcmp(what, "markdown")) {
		print_markdown();
	} else {
		fprintf(stderr, "usage: chronus-controls defs|properties|ports|preset-ports|markdown\n");
		return 2;
	}
	return 0;
}
