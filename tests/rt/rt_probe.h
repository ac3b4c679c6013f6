/* SPDX-License-Identifier: ISC
 *
 * The forbidden calls the real-time probe plugin (rt_probe.c) makes in its
 * run() on request, in the order of its "call" control port's values
 * (1 = the first entry; 0 calls nothing). The guard self-test in
 * tests/host/test_rt.c walks the same list and expects each call counted
 * under this name.
 */
#ifndef CHRONUS_RT_PROBE_H
#define CHRONUS_RT_PROBE_H

#define RT_PROBE_URI "http://chronus.audio/plugins/rt-probe"

/* X(name as the guard counts it) */
#define RT_PROBE_CALLS(X)                                                                                   \
	X(malloc) X(calloc) X(realloc) X(free) X(aligned_alloc) X(posix_memalign) X(memalign) X(mmap)          \
	X(pthread_mutex_lock) X(pthread_mutex_trylock) X(pthread_mutex_timedlock) X(pthread_rwlock_rdlock)     \
	X(pthread_rwlock_wrlock) X(pthread_rwlock_tryrdlock) X(pthread_rwlock_trywrlock)                        \
	X(pthread_rwlock_timedrdlock) X(pthread_rwlock_timedwrlock) X(pthread_spin_lock) X(pthread_spin_trylock) \
	X(mtx_lock) X(mtx_trylock) X(mtx_timedlock) X(pthread_cond_wait) X(pthread_cond_timedwait)             \
	X(pthread_cond_clockwait) X(cnd_wait) X(cnd_timedwait) X(sem_wait) X(sem_timedwait) X(sem_clockwait)   \
	X(nanosleep) X(clock_nanosleep) X(usleep) X(sleep) X(thrd_sleep) X(sched_yield) X(read) X(write)       \
	X(open) X(openat) X(close) X(fopen) X(fclose) X(fputc) X(putc) X(putchar) X(fputs) X(puts) X(fwrite)   \
	X(fflush) X(fputc_unlocked) X(putc_unlocked) X(fwrite_unlocked) X(fputs_unlocked) X(fflush_unlocked)    \
	X(printf) X(fprintf) X(dprintf) X(vfprintf) X(vprintf) X(vdprintf) X(__printf_chk) X(__fprintf_chk)    \
	X(__vfprintf_chk) X(pthread_create)

/* The call a thread started by pthread_create (above) makes: counted only
 * because its thread was created inside run(). */
#define RT_PROBE_CHILD_CALL "sched_yield"

#endif
