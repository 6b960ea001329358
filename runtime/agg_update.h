/* The updates generated code makes inline: `x <<< v` on a statistic without keys, and
   `a[k] <<< v` that finds its data set with the array's own hash and key compare
   (tapc emits both per array, so the key types and count are constants here).
   A new or deleted data set takes the general path, tap_agg_add. */
#ifndef TAP_AGG_UPDATE_H
#define TAP_AGG_UPDATE_H

/* Per-CPU storage of statistics without keys: the kernel's own per-CPU memory, so
   finding this CPU's copy is one segment-relative load; in user space an array. */
#ifdef __KERNEL__
#include <linux/percpu.h>
#include <linux/cpumask.h>
#define tap_percpu_alloc(size, ncpus) ((void *)__alloc_percpu((size), 64))
#define tap_percpu_free(p) free_percpu((void __percpu *)(p))
#define tap_percpu_this(p, size) ((void *)raw_cpu_ptr((char __percpu *)(p)))
#define tap_percpu_cpu(p, size, cpu) ((void *)per_cpu_ptr((char __percpu *)(p), (cpu)))
#define tap_cpu_possible(cpu) cpu_possible(cpu)
#else
static inline void *tap_percpu_alloc(size_t size, int ncpus)
{
	void *p = tap_alloc(size * ncpus);
	if (p)
		memset(p, 0, size * ncpus);
	return p;
}
#define tap_percpu_free(p) tap_free(p)
#define tap_percpu_this(p, size) ((void *)((char *)(p) + (size_t)tap_cpu_id() * (size)))
#define tap_percpu_cpu(p, size, cpu) ((void *)((char *)(p) + (size_t)(cpu) * (size)))
#define tap_cpu_possible(cpu) 1
#endif

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* count, and of sum, min and max what the script reads (keep, a constant in generated
   code); histograms and @variance go through tap_stat_add.
   The writer's marks for readers on other CPUs (see copy_stat in agg.c): storing the new
   count opens the update and storing it again into *done closes it, so a reader that
   finds done equal to the count it reads after its copy saw no update in between. That
   is one store per update instead of the two increments of a sequence count. A count
   alone is one word, which no reader can see torn: no mark. */
static __always_inline void tap_stat_add_plain(struct tap_stat *st, uint32_t *done, int64_t v, int keep)
{
	/* Only this CPU writes st, so it reads st plainly; readers elsewhere copy it. */
	int64_t n = st->count + 1;
	tap_write_once(st->count, n);
	if (!keep)
		return;
	tap_wmb();
	if (keep & TAP_KEEP_SUM)
		tap_add_once(st->sum, v);
	/* stored always, so that the compiler picks conditional moves: no branch */
	if (keep & TAP_KEEP_MIN) {
		int64_t min = st->min;
		tap_write_once(st->min, v < min ? v : min);
	}
	if (keep & TAP_KEEP_MAX) {
		int64_t max = st->max;
		tap_write_once(st->max, v > max ? v : max);
	}
	tap_wmb();
	tap_write_once(*done, (uint32_t)n);
}

/* Any other change to a data set (a histogram, @variance, a reset) goes inside the
   odd sequence count *seq, and ends with done equal to the count again. */
static __always_inline void tap_stat_change_begin(uint32_t *seq)
{
	tap_add_once(*seq, 1);
	tap_wmb();
}

static __always_inline void tap_stat_change_end(struct tap_stat *st, uint32_t *done, uint32_t *seq)
{
	tap_wmb();
	tap_write_once(*done, (uint32_t)st->count);
	tap_wmb();
	tap_add_once(*seq, 1);
}

static __always_inline void tap_stat_update(struct tap_aggs *a, int id, struct tap_stat *st, int64_t v,
					    int plain, int keep, uint32_t *done, uint32_t *seq)
{
	if (plain) {
		tap_stat_add_plain(st, done, v, keep);
		return;
	}
	tap_stat_change_begin(seq);
	tap_stat_add(st, &a->specs[id], v);
	tap_stat_change_end(st, done, seq);
}

/* rare (after a delete): out of line, so the hot path keeps its registers */
__attribute__((__noinline__, __cold__)) void tap_agg_one_restart(struct tap_aggs *a, int id, struct tap_agg_one *o);

/* x <<< v. plain: no histogram and no @variance; keep: TAP_KEEP_* (constants in
   generated code, equal to the spec's). */
static __always_inline void tap_agg_one_add(struct tap_aggs *a, int id, int64_t v, int plain, int keep)
{
	struct tap_agg_one *o = tap_percpu_this(a->one[id], a->one_size[id]);
	if (unlikely(tap_read_once(o->stale)))
		tap_agg_one_restart(a, id, o);
	tap_stat_update(a, id, &o->st, v, plain, keep, &o->done, &o->seq);
}

static __always_inline uint64_t tap_agg_hid(uint32_t hash, uint32_t id)
{
	union { struct { uint32_t hash, id; } p; uint64_t w; } u = { .p = { hash, id } };
	return u.w; /* the layout of struct tap_agg_ent's hash and id */
}

typedef int (*tap_keys_eq_fn)(const union tap_key *a, const union tap_key *b);

/* a[k] <<< v for an array without histogram, k hashed to h by the array's own hash
   (equal to tap_key_hash with the aggregation id as seed), eq its key compare.
   Returns 1 if it took the general path, the only one that can set an error. */
static __always_inline int tap_agg_add_with(struct tap_ctx *c, struct tap_aggs *a, int id,
					     const union tap_key *k, uint32_t h, tap_keys_eq_fn eq,
					     int64_t v, int plain, int keep, const char *near)
{
	struct tap_agg_cpu *b = &a->cpu[tap_cpu_id()];
	uint64_t hid = tap_agg_hid(h, (uint32_t)id);
	struct tap_agg_ent *e = b->buckets[h & (b->nbuckets - 1)];
	/* Without a histogram the keys follow the fixed-size struct tap_stat. */
	while (e && !(e->hid == hid && eq((const union tap_key *)(&e->st + 1), k)))
		e = e->next;
	/* e->gen: a delete on another CPU may be zeroing it */
	if (unlikely(!e || tap_read_once(e->gen) != tap_read_once(a->gen[id]))) {
		tap_agg_add(c, a, id, k, v, near);
		return 1;
	}
	tap_stat_update(a, id, &e->st, v, plain, keep, &e->done, &b->seq);
	return 0;
}

#endif
