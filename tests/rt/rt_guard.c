/* SPDX-License-Identifier: ISC
 *
 * Interposes the calls a real-time thread must never make and counts those
 * made inside a guarded region. Allocation forwards to glibc's __libc_*
 * entry points (dlsym itself allocates, so malloc cannot be looked up);
 * everything else is found once with dlsym(RTLD_NEXT).
 */
#define _GNU_SOURCE
#include "rt_guard.h"

#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
extern void  __libc_free(void*);
extern void* __libc_memalign(size_t, size_t);

static __thread int           depth;
static _Atomic unsigned long  violations;
static _Atomic int            have_first;
static char                   first[64];

void rt_guard_enter(void) { ++depth; }
void rt_guard_leave(void) { --depth; }
unsigned long rt_guard_violations(void) { return atomic_load(&violations); }
const char* rt_guard_first(void) { return atomic_load(&have_first) ? first : ""; }

void
rt_guard_reset(void)
{
	atomic_store(&violations, 0);
	atomic_store(&have_first, 0);
}

static void
note(const char* what)
{
	if (depth <= 0) {
		return;
	}
	atomic_fetch_add(&violations, 1);
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

typedef int (*mutex_fn)(pthread_mutex_t*);
int
pthread_mutex_lock(pthread_mutex_t* m)
{
	note("pthread_mutex_lock");
	NEXT(mutex_fn, pthread_mutex_lock);
	return next_pthread_mutex_lock(m);
}

int
pthread_mutex_trylock(pthread_mutex_t* m)
{
	note("pthread_mutex_trylock");
	NEXT(mutex_fn, pthread_mutex_trylock);
	return next_pthread_mutex_trylock(m);
}

typedef int (*cond_fn)(pthread_cond_t*, pthread_mutex_t*);
int
pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m)
{
	note("pthread_cond_wait");
	NEXT(cond_fn, pthread_cond_wait);
	return next_pthread_cond_wait(c, m);
}

typedef int (*sem_fn)(sem_t*);
int
sem_wait(sem_t* s)
{
	note("sem_wait");
	NEXT(sem_fn, sem_wait);
	return next_sem_wait(s);
}

typedef int (*sleep_fn)(const struct timespec*, struct timespec*);
int
nanosleep(const struct timespec* req, struct timespec* rem)
{
	note("nanosleep");
	NEXT(sleep_fn, nanosleep);
	return next_nanosleep(req, rem);
}

typedef int (*usleep_fn)(useconds_t);
int
usleep(useconds_t us)
{
	note("usleep");
	NEXT(usleep_fn, usleep);
	return next_usleep(us);
}

typedef FILE* (*fopen_fn)(const char*, const char*);
FILE*
fopen(const char* path, const char* mode)
{
	note("fopen");
	NEXT(fopen_fn, fopen);
	return next_fopen(path, mode);
}

typedef ssize_t (*write_fn)(int, const void*, size_t);
ssize_t
write(int fd, const void* buf, size_t n)
{
	note("write");
	NEXT(write_fn, write);
	return next_write(fd, buf, n);
}

typedef int (*vfprintf_fn)(FILE*, const char*, va_list);
int
vfprintf(FILE* f, const char* fmt, va_list ap)
{
	note("vfprintf");
	NEXT(vfprintf_fn, vfprintf);
	return next_vfprintf(f, fmt, ap);
}

int
fprintf(FILE* f, const char* fmt, ...)
{
	note("fprintf");
	va_list ap;
	va_start(ap, fmt);
	NEXT(vfprintf_fn, vfprintf);
	const int r = next_vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int
printf(const char* fmt, ...)
{
	note("printf");
	va_list ap;
	va_start(ap, fmt);
	NEXT(vfprintf_fn, vfprintf);
	const int r = next_vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}

int
vprintf(const char* fmt, va_list ap)
{
	note("vprintf");
	NEXT(vfprintf_fn, vfprintf);
	return next_vfprintf(stdout, fmt, ap);
}

typedef int (*puts_fn)(const char*);
int
puts(const char* s)
{
	note("puts");
	NEXT(puts_fn, puts);
	return next_puts(s);
}

typedef int (*fputs_fn)(const char*, FILE*);
int
fputs(const char* s, FILE* f)
{
	note("fputs");
	NEXT(fputs_fn, fputs);
	return next_fputs(s, f);
}

typedef size_t (*fwrite_fn)(const void*, size_t, size_t, FILE*);
size_t
fwrite(const void* p, size_t a, size_t b, FILE* f)
{
	note("fwrite");
	NEXT(fwrite_fn, fwrite);
	return next_fwrite(p, a, b, f);
}
