/* SPDX-License-Identifier: ISC
 *
 * Interposes the calls a real-time thread must never make and counts those
 * made inside a guarded region, or by a thread created inside one.
 * Allocation forwards to glibc's __libc_* entry points (dlsym itself
 * allocates, so malloc cannot be looked up); everything else is found once
 * with dlsym(RTLD_NEXT). Any thread may call any hook: the counters are
 * atomics and the per-name table is filled lock-free.
 */
#define _GNU_SOURCE
#include "rt_guard.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
extern void  __libc_free(void*);
extern void* __libc_memalign(size_t, size_t);

/* glibc entry points that <stdio.h> does not declare (fortified and old
 * names), and stdio's unlocked calls, which it may define as macros. */
int _IO_putc(int, FILE*);
int __vfprintf_chk(FILE*, int, const char*, va_list);
int __vprintf_chk(int, const char*, va_list);
int __printf_chk(int, const char*, ...);
int __fprintf_chk(FILE*, int, const char*, ...);
#undef fputc_unlocked
#undef putc_unlocked
#undef putchar_unlocked
#undef fwrite_unlocked
#undef fputs_unlocked
#undef fflush_unlocked
#undef putc
#undef putchar

static __thread int           depth;
static __thread int           inherited; /* created inside a guarded region */
static _Atomic unsigned long  violations;
static _Atomic unsigned long  from_children;
static _Atomic int            have_first;
static char                   first[64];

/* Guarded calls per hooked name; names are the hooks' string literals. */
#define MAX_NAMES 96
static const char* _Atomic   names[MAX_NAMES];
static _Atomic unsigned long counts[MAX_NAMES];

void rt_guard_enter(void) { ++depth; }
void rt_guard_leave(void) { --depth; }
unsigned long rt_guard_violations(void) { return atomic_load(&violations); }
unsigned long rt_guard_inherited(void) { return atomic_load(&from_children); }
const char* rt_guard_first(void) { return atomic_load(&have_first) == 1 ? first : ""; }

void
rt_guard_reset(void)
{
	atomic_store(&violations, 0);
	atomic_store(&from_children, 0);
	atomic_store(&have_first, 0);
	for (unsigned i = 0; i < MAX_NAMES; ++i) {
		atomic_store(&counts[i], 0);
	}
}

unsigned long
rt_guard_count_of(const char* name)
{
	for (unsigned i = 0; i < MAX_NAMES; ++i) {
		const char* n = atomic_load(&names[i]);
		if (!n) {
			break;
		}
		if (!strcmp(n, name)) {
			return atomic_load(&counts[i]);
		}
	}
	return 0;
}

static void
count_name(const char* what)
{
	for (unsigned i = 0; i < MAX_NAMES; ++i) {
		const char* n = atomic_load(&names[i]);
		if (!n) {
			const char* expected = NULL;
			if (atomic_compare_exchange_strong(&names[i], &expected, what)) {
				n = what;
			} else {
				n = expected;
			}
		}
		if (n == what || !strcmp(n, what)) {
			atomic_fetch_add(&counts[i], 1);
			return;
		}
	}
}

static void
note(const char* what)
{
	if (depth <= 0 && !inherited) {
		return;
	}
	atomic_fetch_add(&violations, 1);
	if (inherited) {
		atomic_fetch_add(&from_children, 1);
	}
	count_name(what);
	int expected = 0;
	if (atomic_compare_exchange_strong(&have_first, &expected, 2)) {
		size_t i = 0;
		for (; what[i] && i < sizeof(first) - 1; ++i) {
			first[i] = what[i];
		}
		first[i] = '\0';
		atomic_store(&have_first, 1);
	}
}

#define NEXT(type, name) \
	static type next_##name; \
	if (!next_##name) { \
		next_##name = (type)dlsym(RTLD_NEXT, #name); \
	}

/* ---- Allocation ---------------------------------------------------- */

void* malloc(size_t n) { note("malloc"); return __libc_malloc(n); }
void* calloc(size_t a, size_t b) { note("calloc"); return __libc_calloc(a, b); }
void* realloc(void* p, size_t n) { note("realloc"); return __libc_realloc(p, n); }
void  free(void* p) { if (p) { note("free"); } __libc_free(p); }
void* memalign(size_t a, size_t n) { note("memalign"); return __libc_memalign(a, n); }
void* aligned_alloc(size_t a, size_t n) { note("aligned_alloc"); return __libc_memalign(a, n); }

int
posix_memalign(void** out, size_t a, size_t n)
{
	note("posix_memalign");
	void* p = __libc_memalign(a, n);
	if (!p) {
		return 12; /* ENOMEM */
	}
	*out = p;
	return 0;
}

typedef void* (*mmap_fn)(void*, size_t, int, int, int, off_t);
void*
mmap(void* addr, size_t len, int prot, int flags, int fd, off_t off)
{
	note("mmap");
	NEXT(mmap_fn, mmap);
	return next_mmap(addr, len, prot, flags, fd, off);
}

/* ---- Locks --------------------------------------------------------- */

#define HOOK1(ret, name, T1)              \
	typedef ret (*name##_fn)(T1);         \
	ret name(T1 a)                        \
	{                                     \
		note(#name);                      \
		NEXT(name##_fn, name);            \
		return next_##name(a);            \
	}
#define HOOK2(ret, name, T1, T2)          \
	typedef ret (*name##_fn)(T1, T2);     \
	ret name(T1 a, T2 b)                  \
	{                                     \
		note(#name);                      \
		NEXT(name##_fn, name);            \
		return next_##name(a, b);         \
	}
#define HOOK3(ret, name, T1, T2, T3)      \
	typedef ret (*name##_fn)(T1, T2, T3); \
	ret name(T1 a, T2 b, T3 c)            \
	{                                     \
		note(#name);                      \
		NEXT(name##_fn, name);            \
		return next_##name(a, b, c);      \
	}
#define HOOK4(ret, name, T1, T2, T3, T4)      \
	typedef ret (*name##_fn)(T1, T2, T3, T4); \
	ret name(T1 a, T2 b, T3 c, T4 d)          \
	{                                         \
		note(#name);                          \
		NEXT(name##_fn, name);                \
		return next_##name(a, b, c, d);       \
	}

HOOK1(int, pthread_mutex_lock, pthread_mutex_t*)
HOOK1(int, pthread_mutex_trylock, pthread_mutex_t*)
HOOK2(int, pthread_mutex_timedlock, pthread_mutex_t*, const struct timespec*)
HOOK1(int, pthread_rwlock_rdlock, pthread_rwlock_t*)
HOOK1(int, pthread_rwlock_wrlock, pthread_rwlock_t*)
HOOK1(int, pthread_rwlock_tryrdlock, pthread_rwlock_t*)
HOOK1(int, pthread_rwlock_trywrlock, pthread_rwlock_t*)
HOOK2(int, pthread_rwlock_timedrdlock, pthread_rwlock_t*, const struct timespec*)
HOOK2(int, pthread_rwlock_timedwrlock, pthread_rwlock_t*, const struct timespec*)
HOOK1(int, pthread_spin_lock, pthread_spinlock_t*)
HOOK1(int, pthread_spin_trylock, pthread_spinlock_t*)
HOOK1(int, mtx_lock, mtx_t*)
HOOK1(int, mtx_trylock, mtx_t*)
HOOK2(int, mtx_timedlock, mtx_t* __restrict, const struct timespec* __restrict)

/* ---- Waiting and sleeping ------------------------------------------ */

HOOK2(int, pthread_cond_wait, pthread_cond_t*, pthread_mutex_t*)
HOOK3(int, pthread_cond_timedwait, pthread_cond_t*, pthread_mutex_t*, const struct timespec*)
HOOK4(int, pthread_cond_clockwait, pthread_cond_t*, pthread_mutex_t*, clockid_t, const struct timespec*)
HOOK2(int, cnd_wait, cnd_t*, mtx_t*)
HOOK3(int, cnd_timedwait, cnd_t* __restrict, mtx_t* __restrict, const struct timespec* __restrict)
HOOK1(int, sem_wait, sem_t*)
HOOK2(int, sem_timedwait, sem_t*, const struct timespec*)
HOOK3(int, sem_clockwait, sem_t*, clockid_t, const struct timespec*)
HOOK2(int, pthread_join, pthread_t, void**)
HOOK2(int, nanosleep, const struct timespec*, struct timespec*)
HOOK4(int, clock_nanosleep, clockid_t, int, const struct timespec*, struct timespec*)
HOOK1(int, usleep, useconds_t)
HOOK1(unsigned, sleep, unsigned)
HOOK2(int, thrd_sleep, const struct timespec*, struct timespec*)
typedef int (*sched_yield_fn)(void);
int
sched_yield(void)
{
	note("sched_yield");
	NEXT(sched_yield_fn, sched_yield);
	return next_sched_yield();
}

/* ---- Files --------------------------------------------------------- */

HOOK3(ssize_t, read, int, void*, size_t)
HOOK3(ssize_t, write, int, const void*, size_t)
HOOK1(int, close, int)
HOOK2(FILE*, fopen, const char*, const char*)
HOOK2(FILE*, fopen64, const char*, const char*)
HOOK1(int, fclose, FILE*)

/* open and openat take a mode only with O_CREAT or O_TMPFILE. */
typedef int (*open_fn)(const char*, int, ...);
typedef int (*openat_fn)(int, const char*, int, ...);
#define OPEN_HOOK(name)                                    \
	int name(const char* path, int flags, ...)             \
	{                                                      \
		note(#name);                                       \
		va_list ap;                                        \
		va_start(ap, flags);                               \
		const mode_t mode = (mode_t)va_arg(ap, unsigned);  \
		va_end(ap);                                        \
		NEXT(open_fn, name);                               \
		return next_##name(path, flags, mode);             \
	}
#define OPENAT_HOOK(name)                                   \
	int name(int dir, const char* path, int flags, ...)     \
	{                                                       \
		note(#name);                                        \
		va_list ap;                                         \
		va_start(ap, flags);                                \
		const mode_t mode = (mode_t)va_arg(ap, unsigned);   \
		va_end(ap);                                         \
		NEXT(openat_fn, name);                              \
		return next_##name(dir, path, flags, mode);         \
	}
OPEN_HOOK(open)
OPEN_HOOK(open64)
OPENAT_HOOK(openat)
OPENAT_HOOK(openat64)

/* ---- stdio output -------------------------------------------------- */

HOOK2(int, fputc, int, FILE*)
HOOK2(int, putc, int, FILE*)
HOOK2(int, _IO_putc, int, FILE*)
HOOK1(int, putchar, int)
HOOK2(int, fputs, const char*, FILE*)
HOOK1(int, puts, const char*)
HOOK4(size_t, fwrite, const void*, size_t, size_t, FILE*)
HOOK1(int, fflush, FILE*)
HOOK2(int, fputc_unlocked, int, FILE*)
HOOK2(int, putc_unlocked, int, FILE*)
HOOK1(int, putchar_unlocked, int)
HOOK4(size_t, fwrite_unlocked, const void*, size_t, size_t, FILE*)
HOOK2(int, fputs_unlocked, const char*, FILE*)
HOOK1(int, fflush_unlocked, FILE*)
HOOK3(int, vfprintf, FILE*, const char*, va_list)
HOOK2(int, vprintf, const char*, va_list)
HOOK3(int, vdprintf, int, const char*, va_list)
HOOK4(int, __vfprintf_chk, FILE*, int, const char*, va_list)
HOOK3(int, __vprintf_chk, int, const char*, va_list)

/* The variadic ones forward to their v- form in libc. */
typedef int (*vfprintf_chk_fn)(FILE*, int, const char*, va_list);
typedef int (*vdprintf_fn)(int, const char*, va_list);
#define PRINTF_HOOK(name, params, target, args)          \
	int name params                                      \
	{                                                    \
		note(#name);                                     \
		va_list ap;                                      \
		va_start(ap, fmt);                               \
		NEXT(target##_fn, target);                       \
		const int r = next_##target args;                \
		va_end(ap);                                      \
		return r;                                        \
	}
PRINTF_HOOK(printf, (const char* fmt, ...), vfprintf, (stdout, fmt, ap))
PRINTF_HOOK(fprintf, (FILE * f, const char* fmt, ...), vfprintf, (f, fmt, ap))
PRINTF_HOOK(dprintf, (int fd, const char* fmt, ...), vdprintf, (fd, fmt, ap))
PRINTF_HOOK(__printf_chk, (int flag, const char* fmt, ...), __vfprintf_chk, (stdout, flag, fmt, ap))
PRINTF_HOOK(__fprintf_chk, (FILE * f, int flag, const char* fmt, ...), __vfprintf_chk, (f, flag, fmt, ap))

/* ---- Threads ------------------------------------------------------- */

/* A thread started inside a guarded region is guarded for its whole life:
 * the trampoline marks it before running the real start routine. */
typedef struct {
	void* (*start)(void*);
	void* arg;
} Trampoline;

static void*
guarded_start(void* p)
{
	Trampoline t = *(Trampoline*)p;
	__libc_free(p);
	inherited = 1;
	return t.start(t.arg);
}

typedef int (*create_fn)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
int
pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg)
{
	NEXT(create_fn, pthread_create);
	if (depth <= 0 && !inherited) {
		return next_pthread_create(thread, attr, start, arg);
	}
	note("pthread_create");
	Trampoline* t = __libc_malloc(sizeof(Trampoline));
	if (!t) {
		return 11; /* EAGAIN */
	}
	t->start = start;
	t->arg   = arg;
	const int r = next_pthread_create(thread, attr, guarded_start, t);
	if (r) {
		__libc_free(t);
	}
	return r;
}
