/* SPDX-License-Identifier: ISC
 *
 * Every unit-test suite, registered by main.c, and the figure printers that
 * feed docs/modules.md.
 */
#ifndef CHRONUS_TEST_SUITES_H
#define CHRONUS_TEST_SUITES_H

#include <stdio.h>

int suite_sources(void);
int suite_graph_model(void);
int suite_folder(void); /* src/ui/folder.c, src/ui/user_presets.c */
int suite_spectrum_view(void);
int suite_filters(void);
int suite_patch_parse(void);
int suite_compile(void);
int suite_params(void);
int suite_simd(void);
int suite_verify(void);
int suite_limiter(void);
int suite_voices(void);
int suite_oscpal(void);
int suite_wavetable(void);
int suite_delay(void);
int suite_tuning(void);
int suite_mpe(void);
int suite_library(void);
int suite_effects(void);
int suite_brickwall(void);
int suite_unison(void);
int suite_chronusctl(void); /* tools/osc_args.c and build/chronusctl */
const char* tuning_edo19_scl(void); /* test_tuning.c */

void sources_print_figures(FILE* f);
void filters_print_figures(FILE* f);
void oscpal_print_figures(FILE* f);
void wavetable_print_figures(FILE* f);
void delay_print_figures(FILE* f);
void effects_print_figures(FILE* f);
void brickwall_print_figures(FILE* f);

#endif
