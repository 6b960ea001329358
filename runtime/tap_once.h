/* Accesses that race on purpose. A CPU's statistics (agg.h) are read by other CPUs
   while their owner updates them, with no lock: a reader checks its copy against the
   buffer's sequence count and throws a torn one away. Each access a reader races with is
   marked on both sides, so that the compiler neither tears, fuses nor repeats it, and a
   race detector (KCSAN in the kernel, ThreadSanitizer in user space) knows the race is
   meant while still reporting any other. On x86 each is a plain move and the barriers
   only stop the compiler: the hot path costs what unmarked code would. */
#ifndef TAP_ONCE_H
#define TAP_ONCE_H

#include "tap_types.h"

#ifdef __KERNEL__
#include <asm/barrier.h>
#define tap_read_once(x) READ_ONCE(x)
#define tap_write_once(x, v) WRITE_ONCE(x, v)
#define tap_load_acquire(p) smp_load_acquire(p)
#define tap_store_release(p, v) smp_store_release(p, v)
#define tap_wmb() smp_wmb()
#define tap_rmb() smp_rmb()
#else
/* Relaxed atomics. ThreadSanitizer does not model fences, so it is the marking of every
   racing access, not the barriers, that keeps it quiet about the sequence counts. */
#define tap_read_once(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define tap_write_once(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define tap_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define tap_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define tap_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define tap_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif

/* x += v by the only CPU that writes x, while others may read it: one store they never
   see torn. On x86-64 a single add to memory, as the kernel's local_t does it (a marked
   load and store would take three instructions where the plain ++ took one); under a
   race detector (-fsanitize=thread: ThreadSanitizer, KCSAN) and elsewhere, a marked store.
   Either way it wraps around, with no -fwrapv needed. */
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#define tap_add_once(x, v) __asm__ __volatile__("add%z0 %1, %0" : "+m"(x) : "er"((__typeof__(x))(v)))
#else
#define tap_add_once(x, v) tap_write_once(x, (__typeof__(x))((uint64_t)(x) + (uint64_t)(v)))
#endif

/* A reader's copy of words its owner may be writing (a struct tap_stat and its
   histogram: int64_t throughout), to be checked against the sequence count after. */
static inline void tap_copy_once(int64_t *dst, const int64_t *src, size_t bytes)
{
	for (size_t i = 0; i < bytes / sizeof *src; i++)
		dst[i] = tap_read_once(src[i]);
}

#endif
