/* SPDX-License-Identifier: ISC
 *
 * Writes docs/modules.md from the registry: one section per module type
 * with its inputs and parameters, then the measured quality figures.
 */
#include "modules_doc.h"

#include "module_registry.h"
#include "patch.h"
#include "suites.h"

#include <stdio.h>


static const char*
implicit_name(ImplicitSource s)
{
	switch (s) {
	case IMPLICIT_PITCH: return "note.pitch";
	case IMPLICIT_GATE: return "note.gate";
	case IMPLICIT_VELOCITY: return "note.velocity";
	case IMPLICIT_RANDOM: return "note.random";
	default: return "silence";
	}
}

static void
write_module(FILE* out, const ModuleType* t)
{
	fprintf(out, "## %s\n\n%s\n\n", t->name, t->summary);
	if (t->flags & MODULE_MASTER_ONLY) {
		fprintf(out, "Master only: create it with `create NAME %s master`.\n\n", t->name);
	}
	if (t->n_inputs) {
		fprintf(out, "| input | when unconnected | meaning |\n|---|---|---|\n");
		for (unsigned i = 0; i < t->n_inputs; ++i) {
			fprintf(out, "| `%s` | %s | %s |\n", t->inputs[i].name, implicit_name(t->inputs[i].implicit),
			        t->inputs[i].doc);
		}
		fprintf(out, "\n");
	} else {
		fprintf(out, "No inputs.\n\n");
	}
	if (t->n_params) {
		fprintf(out, "| parameter | unit | min | max | default | curve | smoothing | meaning |\n"
		             "|---|---|---|---|---|---|---|---|\n");
		for (unsigned i = 0; i < t->n_params; ++i) {
			const ParamSpec* p = &t->params[i];
			char smooth[32] = "-";
			if (!p->choices && p->smooth_ms > 0.0f) {
				snprintf(smooth, sizeof(smooth), "%g ms", (double)p->smooth_ms);
			}
			fprintf(out, "| `%s` | %s | %g | %g | %g | %s | %s | %s", p->name, p->unit[0] ? p->unit : "-",
			        (double)p->min, (double)p->max, (double)p->def, p->curve == CURVE_EXP ? "exp" : "lin",
			        smooth, p->doc);
			if (p->choices) {
				fprintf(out, " Choices:");
				for (unsigned c = 0; p->choices[c]; ++c) {
					fprintf(out, " %u = `%s`%s", c, p->choices[c], p->choices[c + 1] ? "," : ".");
				}
			}
			fprintf(out, " |\n");
		}
		fprintf(out, "\n");
	}
}

void
modules_doc_write(FILE* out)
{
	fprintf(out, "<!-- Generated from src/module_registry.c and the unit tests' measurements.\n"
	             "     Do not edit: ./build/tests/unit-tests --write-modules-doc docs/modules.md -->\n"
	             "# Chronus modules\n\n"
	             "Every module type a patch can `create` (see docs/patch-language.md). Each module has\n"
	             "one output. Parameters are smoothed over the time shown, and modulation adds to them\n"
	             "in their own unit before they are clamped to their range.\n\n"
	             "Every module is written for one channel. A patch with a `pan` statement is stereo:\n"
	             "each voice is placed by the equal-power law (see `pan` below and\n"
	             "docs/patch-language.md), and every master module runs once per channel, each\n"
	             "channel with its own state, so a master drive or filter is stereo with no change to\n"
	             "the module. A patch without `pan` is mono: the same samples on both channels.\n\n");
	for (unsigned i = 0; i < module_registry_count(); ++i) {
		write_module(out, module_registry_at(i));
	}
	fprintf(out, "# Measured quality\n\n"
	             "Measured by the unit tests (tests/unit/) on every run; the thresholds they\n"
	             "assert are in the test sources.\n\n"
	             "| measurement | figure |\n|---|---|\n");
	sources_print_figures(out);
	filters_print_figures(out);
	oscpal_print_figures(out);
	wavetable_print_figures(out);
	delay_print_figures(out);
	effects_print_figures(out);
	brickwall_print_figures(out);
	fprintf(out, "\n# Writing a module\n\n"
	             "A module is a file in src/dsp/ with a state struct, init, reset and process\n"
	             "functions and a `ModuleType` (src/dsp/module.h), listed once in\n"
	             "src/module_registry.c. The engine knows one contract, lane groups: a state holds\n"
	             "the 8 voices of a group side by side and process() renders them together from\n"
	             "frame-major buffers (`MODULE_LANES`). A module may instead be written for one\n"
	             "voice; the registry then runs it through the one-voice adapter\n"
	             "(src/dsp/one_voice.c), which keeps 8 one-voice states and renders each sounding\n"
	             "lane on its own (a silent lane costs nothing and gives 0). Both give the same\n"
	             "samples; lane groups are faster. A stereo master effect (`MODULE_STEREO`) is\n"
	             "the one exception to \"a module renders one channel\": it renders both channels\n"
	             "in one call, with one state, so its channels can differ and feed each other; a\n"
	             "patch with one is stereo (its voices centred at full level unless it pans them).\n\n"
	             "| module | written for |\n|---|---|\n");
	for (unsigned i = 0; i < module_registry_count(); ++i) {
		const ModuleType* t = module_registry_at(i);
		fprintf(out, "| `%s` | %s |\n", t->name,
		        (t->flags & MODULE_STEREO)     ? "both channels at once (a stereo master effect)"
		        : module_registry_is_adapted(t) ? "one voice (adapted)"
		                                        : "lane groups");
	}
}
