/* SPDX-License-Identifier: ISC
 *
 * The real-time guard, preloaded (LD_PRELOAD) into the host tests: it
 * interposes allocation, locking, waiting and stdio, and counts every call
 * the current thread makes between rt_guard_enter() and rt_guard_leave().
 * The host brackets run(), work_response() and end_run() with them.
 */
#ifndef CHRONUS_RT_GUARD_H
#define CHRONUS_RT_GUARD_H

void          rt_guard_enter(void);
void          rt_guard_leave(void);
unsigned long rt_guard_violations(void);
/* The first offending call's name, or "". */
const char*   rt_guard_first(void);
void          rt_guard_reset(void);

#endif
