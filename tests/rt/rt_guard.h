/* SPDX-License-Identifier: ISC
 *
 * The real-time guard, preloaded (LD_PRELOAD) into the host tests: it
 * interposes allocation, locking, waiting, sleeping, file and stdio calls
 * and thread creation, and counts every call made between rt_guard_enter()
 * and rt_guard_leave() on the calling thread, and every call made by a
 * thread created inside such a region (for its whole life), so work pushed
 * to a thread started from run() is counted too. The host brackets run(),
 * work_response() and end_run() with enter/leave.
 */
#ifndef CHRONUS_RT_GUARD_H
#define CHRONUS_RT_GUARD_H

void          rt_guard_enter(void);
void          rt_guard_leave(void);
unsigned long rt_guard_violations(void);
/* The first offending call's name, or "". */
const char*   rt_guard_first(void);
void          rt_guard_reset(void);
/* How many guarded calls of one hooked function (by its C name) were seen
 * since the last reset. */
unsigned long rt_guard_count_of(const char* name);
/* How many of the guarded calls came from threads created inside a guarded
 * region (rather than from the region itself). */
unsigned long rt_guard_inherited(void);

#endif
