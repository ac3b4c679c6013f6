/* SPDX-License-Identifier: ISC
 *
 * The real-time guard's self-test plugin, built only for the tests (bundle
 * build/rt_probe/rt_probe.lv2, never installed): in run() it makes the
 * forbidden call its "call" control port selects (rt_probe.h lists them),
 * so the host test can prove that each of the guard's hooks fires from
 * inside a real run() loaded through lilv. Every call is made through a
 * volatile function pointer, so the compiler can neither drop it (malloc
 * then free) nor turn it into another (printf into puts). Nothing blocks
 * for long: locks are free, timed waits have a deadline in the past, and
 * the untimed condition waits are woken by a thread started at
 * instantiate().
 */
#define _GNU_SOURCE
#include "rt_probe.h"

#include <lv2/core/lv2.h>

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

int __printf_chk(int, const char*, ...);
int __fprintf_chk(FILE*, int, const char*, ...);
int __vfprintf_chk(FILE*, int, const char*, va_list);
#undef fputc_unlocked
#undef putc_unlocked
#undef fwrite_unlocked
#undef fputs_unlocked
#undef fflush_unlocked
#undef putc
#undef putchar

enum {
	CALL_NONE = 0,
#define ENUM_ENTRY(name) CALL_##name,
	RT_PROBE_CALLS(ENUM_ENTRY)
#undef ENUM_ENTRY
	CALL_COUNT
};

#define MAX_CHILDREN 8

typedef struct {
	const float* call;
	float*       out;

	int   fd_null;
	FILE* null_file;

	pthread_mutex_t  mutex;
	pthread_rwlock_t rwlock;
	pthread_spinlock_t spin;
	mtx_t            c11_mutex;
	sem_t            sem;

	/* The untimed condition waits: run() waits while `waiting` is set, the
	 * waker thread clears it and signals. */
	pthread_mutex_t wait_mutex;
	pthread_cond_t  wait_cond;
	mtx_t           c11_wait_mutex;
	cnd_t           c11_cond;
	_Atomic int     waiting;      /* 1: POSIX, 2: C11 */
	_Atomic bool    quit;
	pthread_t       waker;

	pthread_t children[MAX_CHILDREN];
	unsigned  n_children;
} Probe;

/* Runs outside run(), started at instantiate: wakes run()'s untimed
 * condition waits within a millisecond. */
static void*
waker_main(void* p)
{
	Probe* self = p;
	while (!atomic_load(&self->quit)) {
		if (atomic_load(&self->waiting) == 1) {
			pthread_mutex_lock(&self->wait_mutex);
			atomic_store(&self->waiting, 0);
			pthread_cond_broadcast(&self->wait_cond);
			pthread_mutex_unlock(&self->wait_mutex);
		} else if (atomic_load(&self->waiting) == 2) {
			mtx_lock(&self->c11_wait_mutex);
			atomic_store(&self->waiting, 0);
			cnd_broadcast(&self->c11_cond);
			mtx_unlock(&self->c11_wait_mutex);
		}
		const struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	return NULL;
}

/* A thread run() starts: its one call counts only because of where it was
 * created. */
static void*
child_main(void* p)
{
	(void)p;
	int (*volatile fn)(void) = sched_yield;
	fn();
	return NULL;
}

static LV2_Handle
instantiate(const LV2_Descriptor* d, double rate, const char* path, const LV2_Feature* const* features)
{
	(void)d;
	(void)rate;
	(void)path;
	(void)features;
	Probe* self = calloc(1, sizeof(Probe));
	if (!self) {
		return NULL;
	}
	self->fd_null   = open("/dev/null", O_RDWR);
	self->null_file = fopen("/dev/null", "w");
	pthread_mutex_init(&self->mutex, NULL);
	pthread_rwlock_init(&self->rwlock, NULL);
	pthread_spin_init(&self->spin, PTHREAD_PROCESS_PRIVATE);
	mtx_init(&self->c11_mutex, mtx_timed);
	sem_init(&self->sem, 0, 0);
	pthread_mutex_init(&self->wait_mutex, NULL);
	pthread_cond_init(&self->wait_cond, NULL);
	mtx_init(&self->c11_wait_mutex, mtx_plain);
	cnd_init(&self->c11_cond);
	if (self->fd_null < 0 || !self->null_file || pthread_create(&self->waker, NULL, waker_main, self)) {
		free(self);
		return NULL;
	}
	return self;
}

static void
connect_port(LV2_Handle h, uint32_t port, void* data)
{
	Probe* self = h;
	if (port == 0) {
		self->call = data;
	} else if (port == 1) {
		self->out = data;
	}
}

static void
past(struct timespec* t)
{
	t->tv_sec  = 1;
	t->tv_nsec = 0;
}

static int
call_vfprintf(FILE* f, const char* fmt, ...)
{
	int (*volatile fn)(FILE*, const char*, va_list) = vfprintf;
	va_list ap;
	va_start(ap, fmt);
	const int r = fn(f, fmt, ap);
	va_end(ap);
	return r;
}

static int
call_vprintf(const char* fmt, ...)
{
	int (*volatile fn)(const char*, va_list) = vprintf;
	va_list ap;
	va_start(ap, fmt);
	const int r = fn(fmt, ap);
	va_end(ap);
	return r;
}

static int
call_vdprintf(int fd, const char* fmt, ...)
{
	int (*volatile fn)(int, const char*, va_list) = vdprintf;
	va_list ap;
	va_start(ap, fmt);
	const int r = fn(fd, fmt, ap);
	va_end(ap);
	return r;
}

static int
call_vfprintf_chk(FILE* f, const char* fmt, ...)
{
	int (*volatile fn)(FILE*, int, const char*, va_list) = __vfprintf_chk;
	va_list ap;
	va_start(ap, fmt);
	const int r = fn(f, 1, fmt, ap);
	va_end(ap);
	return r;
}

/* Audio thread: the forbidden call selected, once per run(). */
static void
run(LV2_Handle h, uint32_t n)
{
	Probe* self = h;
	memset(self->out, 0, n * sizeof(float));
	const int which = self->call ? (int)*self->call : 0;
	struct timespec t;
	past(&t);
	char byte = 0;
	switch (which) {
	case CALL_malloc: { void* (*volatile fn)(size_t) = malloc; free(fn(16)); break; }
	case CALL_calloc: { void* (*volatile fn)(size_t, size_t) = calloc; free(fn(1, 16)); break; }
	case CALL_realloc: { void* (*volatile fn)(void*, size_t) = realloc; free(fn(NULL, 16)); break; }
	case CALL_free: { void (*volatile fn)(void*) = free; fn(malloc(16)); break; }
	case CALL_aligned_alloc: { void* (*volatile fn)(size_t, size_t) = aligned_alloc; free(fn(64, 64)); break; }
	case CALL_posix_memalign: {
		int (*volatile fn)(void**, size_t, size_t) = posix_memalign;
		void* p = NULL;
		if (!fn(&p, 64, 64)) {
			free(p);
		}
		break;
	}
	case CALL_memalign: {
		extern void* memalign(size_t, size_t);
		void* (*volatile fn)(size_t, size_t) = memalign;
		free(fn(64, 64));
		break;
	}
	case CALL_mmap: {
		void* (*volatile fn)(void*, size_t, int, int, int, off_t) = mmap;
		void* p = fn(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			munmap(p, 4096);
		}
		break;
	}
	case CALL_pthread_mutex_lock: { int (*volatile fn)(pthread_mutex_t*) = pthread_mutex_lock; fn(&self->mutex); pthread_mutex_unlock(&self->mutex); break; }
	case CALL_pthread_mutex_trylock: { int (*volatile fn)(pthread_mutex_t*) = pthread_mutex_trylock; if (!fn(&self->mutex)) { pthread_mutex_unlock(&self->mutex); } break; }
	case CALL_pthread_mutex_timedlock: { int (*volatile fn)(pthread_mutex_t*, const struct timespec*) = pthread_mutex_timedlock; if (!fn(&self->mutex, &t)) { pthread_mutex_unlock(&self->mutex); } break; }
	case CALL_pthread_rwlock_rdlock: { int (*volatile fn)(pthread_rwlock_t*) = pthread_rwlock_rdlock; if (!fn(&self->rwlock)) { pthread_rwlock_unlock(&self->rwlock); } break; }
	case CALL_pthread_rwlock_wrlock: { int (*volatile fn)(pthread_rwlock_t*) = pthread_rwlock_wrlock; if (!fn(&self->rwlock)) { pthread_rwlock_unlock(&self->rwlock); } break; }
	case CALL_pthread_rwlock_tryrdlock: { int (*volatile fn)(pthread_rwlock_t*) = pthread_rwlock_tryrdlock; if (!fn(&self->rwlock)) { pthread_rwlock_unlock(&self->rwlock); } break; }
	case CALL_pthread_rwlock_trywrlock: { int (*volatile fn)(pthread_rwlock_t*) = pthread_rwlock_trywrlock; if (!fn(&self->rwlock)) { pthread_rwlock_unlock(&self->rwlock); } break; }
	case CALL_pthread_rwlock_timedrdlock: { int (*volatile fn)(pthread_rwlock_t*, const struct timespec*) = pthread_rwlock_timedrdlock; if (!fn(&self->rwlock, &t)) { pthread_rwlock_unlock(&self->rwlock); } break; }
	case CALL_pthread_rwlock_timedwrlock: { int (*volatile fn)(pthread_rwlock_t*, const struct timespec*) = pthread_rwlock_timedwrlock; if (!fn(&self->rwlock, &t)) { pthread_rwlock_unlock(&self->rwlock); } break; }
	case CALL_pthread_spin_lock: { int (*volatile fn)(pthread_spinlock_t*) = pthread_spin_lock; fn(&self->spin); pthread_spin_unlock(&self->spin); break; }
	case CALL_pthread_spin_trylock: { int (*volatile fn)(pthread_spinlock_t*) = pthread_spin_trylock; if (!fn(&self->spin)) { pthread_spin_unlock(&self->spin); } break; }
	case CALL_mtx_lock: { int (*volatile fn)(mtx_t*) = mtx_lock; if (fn(&self->c11_mutex) == thrd_success) { mtx_unlock(&self->c11_mutex); } break; }
	case CALL_mtx_trylock: { int (*volatile fn)(mtx_t*) = mtx_trylock; if (fn(&self->c11_mutex) == thrd_success) { mtx_unlock(&self->c11_mutex); } break; }
	case CALL_mtx_timedlock: { int (*volatile fn)(mtx_t* restrict, const struct timespec* restrict) = mtx_timedlock; if (fn(&self->c11_mutex, &t) == thrd_success) { mtx_unlock(&self->c11_mutex); } break; }
	case CALL_pthread_cond_wait: {
		int (*volatile fn)(pthread_cond_t*, pthread_mutex_t*) = pthread_cond_wait;
		pthread_mutex_lock(&self->wait_mutex);
		atomic_store(&self->waiting, 1);
		while (atomic_load(&self->waiting)) {
			fn(&self->wait_cond, &self->wait_mutex);
		}
		pthread_mutex_unlock(&self->wait_mutex);
		break;
	}
	case CALL_pthread_cond_timedwait: {
		int (*volatile fn)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*) = pthread_cond_timedwait;
		pthread_mutex_lock(&self->wait_mutex);
		fn(&self->wait_cond, &self->wait_mutex, &t);
		pthread_mutex_unlock(&self->wait_mutex);
		break;
	}
	case CALL_pthread_cond_clockwait: {
		int (*volatile fn)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const struct timespec*) = pthread_cond_clockwait;
		pthread_mutex_lock(&self->wait_mutex);
		fn(&self->wait_cond, &self->wait_mutex, CLOCK_MONOTONIC, &t);
		pthread_mutex_unlock(&self->wait_mutex);
		break;
	}
	case CALL_cnd_wait: {
		int (*volatile fn)(cnd_t*, mtx_t*) = cnd_wait;
		mtx_lock(&self->c11_wait_mutex);
		atomic_store(&self->waiting, 2);
		while (atomic_load(&self->waiting)) {
			fn(&self->c11_cond, &self->c11_wait_mutex);
		}
		mtx_unlock(&self->c11_wait_mutex);
		break;
	}
	case CALL_cnd_timedwait: {
		int (*volatile fn)(cnd_t* restrict, mtx_t* restrict, const struct timespec* restrict) = cnd_timedwait;
		mtx_lock(&self->c11_wait_mutex);
		fn(&self->c11_cond, &self->c11_wait_mutex, &t);
		mtx_unlock(&self->c11_wait_mutex);
		break;
	}
	case CALL_sem_wait: { int (*volatile fn)(sem_t*) = sem_wait; sem_post(&self->sem); fn(&self->sem); break; }
	case CALL_sem_timedwait: { int (*volatile fn)(sem_t*, const struct timespec*) = sem_timedwait; fn(&self->sem, &t); break; }
	case CALL_sem_clockwait: { int (*volatile fn)(sem_t*, clockid_t, const struct timespec*) = sem_clockwait; fn(&self->sem, CLOCK_MONOTONIC, &t); break; }
	case CALL_nanosleep: { int (*volatile fn)(const struct timespec*, struct timespec*) = nanosleep; const struct timespec ns = {0, 1}; fn(&ns, NULL); break; }
	case CALL_clock_nanosleep: { int (*volatile fn)(clockid_t, int, const struct timespec*, struct timespec*) = clock_nanosleep; fn(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL); break; }
	case CALL_usleep: { int (*volatile fn)(useconds_t) = usleep; fn(0); break; }
	case CALL_sleep: { unsigned (*volatile fn)(unsigned) = sleep; fn(0); break; }
	case CALL_thrd_sleep: { int (*volatile fn)(const struct timespec*, struct timespec*) = thrd_sleep; const struct timespec ns = {0, 1}; fn(&ns, NULL); break; }
	case CALL_sched_yield: { int (*volatile fn)(void) = sched_yield; fn(); break; }
	case CALL_read: { ssize_t (*volatile fn)(int, void*, size_t) = read; (void)fn(self->fd_null, &byte, 1); break; }
	case CALL_write: { ssize_t (*volatile fn)(int, const void*, size_t) = write; (void)fn(self->fd_null, &byte, 1); break; }
	case CALL_open: { int (*volatile fn)(const char*, int, ...) = open; const int fd = fn("/dev/null", O_RDONLY); if (fd >= 0) { close(fd); } break; }
	case CALL_openat: { int (*volatile fn)(int, const char*, int, ...) = openat; const int fd = fn(AT_FDCWD, "/dev/null", O_RDONLY); if (fd >= 0) { close(fd); } break; }
	case CALL_close: { int (*volatile fn)(int) = close; fn(dup(self->fd_null)); break; }
	case CALL_fopen: { FILE* (*volatile fn)(const char*, const char*) = fopen; FILE* f = fn("/dev/null", "r"); if (f) { fclose(f); } break; }
	case CALL_fclose: { int (*volatile fn)(FILE*) = fclose; FILE* f = fdopen(dup(self->fd_null), "r"); if (f) { fn(f); } break; }
	case CALL_fputc: { int (*volatile fn)(int, FILE*) = fputc; fn('x', self->null_file); break; }
	case CALL_putc: { int (*volatile fn)(int, FILE*) = putc; fn('x', self->null_file); break; }
	case CALL_putchar: { int (*volatile fn)(int) = putchar; fn('\n'); break; }
	case CALL_fputs: { int (*volatile fn)(const char*, FILE*) = fputs; fn("x", self->null_file); break; }
	case CALL_puts: { int (*volatile fn)(const char*) = puts; fn(""); break; }
	case CALL_fwrite: { size_t (*volatile fn)(const void*, size_t, size_t, FILE*) = fwrite; fn("x", 1, 1, self->null_file); break; }
	case CALL_fflush: { int (*volatile fn)(FILE*) = fflush; fn(self->null_file); break; }
	case CALL_fputc_unlocked: { int (*volatile fn)(int, FILE*) = fputc_unlocked; fn('x', self->null_file); break; }
	case CALL_putc_unlocked: { int (*volatile fn)(int, FILE*) = putc_unlocked; fn('x', self->null_file); break; }
	case CALL_fwrite_unlocked: { size_t (*volatile fn)(const void*, size_t, size_t, FILE*) = fwrite_unlocked; fn("x", 1, 1, self->null_file); break; }
	case CALL_fputs_unlocked: { int (*volatile fn)(const char*, FILE*) = fputs_unlocked; fn("x", self->null_file); break; }
	case CALL_fflush_unlocked: { int (*volatile fn)(FILE*) = fflush_unlocked; fn(self->null_file); break; }
	case CALL_printf: { int (*volatile fn)(const char*, ...) = printf; fn("%s", ""); break; }
	case CALL_fprintf: { int (*volatile fn)(FILE*, const char*, ...) = fprintf; fn(self->null_file, "%d", which); break; }
	case CALL_dprintf: { int (*volatile fn)(int, const char*, ...) = dprintf; fn(self->fd_null, "%d", which); break; }
	case CALL_vfprintf: call_vfprintf(self->null_file, "%d", which); break;
	case CALL_vprintf: call_vprintf("%s", ""); break;
	case CALL_vdprintf: call_vdprintf(self->fd_null, "%d", which); break;
	case CALL___printf_chk: { int (*volatile fn)(int, const char*, ...) = __printf_chk; fn(1, "%s", ""); break; }
	case CALL___fprintf_chk: { int (*volatile fn)(FILE*, int, const char*, ...) = __fprintf_chk; fn(self->null_file, 1, "%d", which); break; }
	case CALL___vfprintf_chk: call_vfprintf_chk(self->null_file, "%d", which); break;
	case CALL_pthread_create: {
		int (*volatile fn)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*) = pthread_create;
		if (self->n_children < MAX_CHILDREN && !fn(&self->children[self->n_children], NULL, child_main, NULL)) {
			++self->n_children;
		}
		break;
	}
	default: break;
	}
}

static void
cleanup(LV2_Handle h)
{
	Probe* self = h;
	atomic_store(&self->quit, true);
	pthread_join(self->waker, NULL);
	for (unsigned i = 0; i < self->n_children; ++i) {
		pthread_join(self->children[i], NULL);
	}
	fclose(self->null_file);
	close(self->fd_null);
	pthread_mutex_destroy(&self->mutex);
	pthread_rwlock_destroy(&self->rwlock);
	pthread_spin_destroy(&self->spin);
	mtx_destroy(&self->c11_mutex);
	sem_destroy(&self->sem);
	pthread_mutex_destroy(&self->wait_mutex);
	pthread_cond_destroy(&self->wait_cond);
	mtx_destroy(&self->c11_wait_mutex);
	cnd_destroy(&self->c11_cond);
	free(self);
}

static const LV2_Descriptor descriptor = {RT_PROBE_URI, instantiate, connect_port, NULL, run, NULL, cleanup, NULL};

LV2_SYMBOL_EXPORT const LV2_Descriptor*
lv2_descriptor(uint32_t index)
{
	return index == 0 ? &descriptor : NULL;
}
