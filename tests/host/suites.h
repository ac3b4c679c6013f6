/* SPDX-License-Identifier: ISC
 *
 * Every host-test suite, registered by main.c.
 */
#ifndef CHRONUS_HOST_SUITES_H
#define CHRONUS_HOST_SUITES_H

int suite_playback(void);
int suite_swap(void);
int suite_state(void);
int suite_docs(void);
int suite_figures(void);
int suite_stress(void);
int suite_controls(void);
int suite_headroom(void);
int suite_warnings(void);
int suite_handover(void);
int suite_expression(void);
int suite_voices(void);
int suite_stereo(void);
int suite_fmbell(void);
int suite_examples(void);
int suite_tuning(void);
int suite_mpe(void);
int suite_reload(void);
int suite_wavetable(void);
int suite_live(void);
int suite_osc(void);
int suite_unison(void);
int suite_ui(void);
int suite_rt(void); /* only under the preloaded real-time guard */

#endif
