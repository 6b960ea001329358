/* Locks on script globals, taken at probe entry in one global order so that probes
   never deadlock; a lock that stays busy makes the probe skip instead of spinning. */
#ifndef TAP_LOCKS_H
#define TAP_LOCKS_H

#ifndef TAP_LOCK_TRIES
#define TAP_LOCK_TRIES 200000
#endif

#ifdef __KERNEL__
#include <linux/spinlock.h>
typedef rwlock_t tap_lock_t;
#define TAP_LOCK_INIT(name) static DEFINE_RWLOCK(name)

static inline int tap_read_lock(tap_lock_t *l)
{
	for (int i = 0; i < TAP_LOCK_TRIES; i++) {
		if (read_trylock(l))
			return 1;
		cpu_relax();
	}
	return 0;
}

static inline int tap_write_lock(tap_lock_t *l)
{
	for (int i = 0; i < TAP_LOCK_TRIES; i++) {
		if (write_trylock(l))
			return 1;
		cpu_relax();
	}
	return 0;
}

static inline void tap_read_unlock(tap_lock_t *l) { read_unlock(l); }
static inline void tap_write_unlock(tap_lock_t *l) { write_unlock(l); }
#else
/* The user runtime runs one probe at a time. */
typedef int tap_lock_t;
#define TAP_LOCK_INIT(name) static tap_lock_t name
static inline int tap_read_lock(tap_lock_t *l) { (void)l; return 1; }
static inline int tap_write_lock(tap_lock_t *l) { (void)l; return 1; }
static inline void tap_read_unlock(tap_lock_t *l) { (void)l; }
static inline void tap_write_unlock(tap_lock_t *l) { (void)l; }
#endif

#endif
