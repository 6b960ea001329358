/* Per-CPU aggregation buffers (see agg.h). */
#include "agg.h"

#define TAP_AGG_BUCKETS 16384
/* A chunk, header included, is a 16 KiB kmalloc: an order-2 block that atomic
   context can still get, and no slack to round up. */
#define TAP_AGG_CHUNK (16 * 1024)
/* A reader gives up waiting for a busy writer after this many tries and takes what it sees.
   In the kernel a writer runs with preemption off, so its odd window is a few instructions
   and the bound is only a safety net; in user space (threads standing in for CPUs) a writer
   can be descheduled inside the window, and giving up would return a torn copy. */
#ifdef __KERNEL__
#define TAP_AGG_READ_TRIES 1000
#else
#define TAP_AGG_READ_TRIES (1 << 30)
#endif
/* Chains are walked at most this far: guards readers racing with reclamation. */
#define TAP_AGG_MAX_WALK (1 << 20)

struct tap_agg_chunk {
	struct tap_agg_chunk *next;
	size_t size, used;
	char data[];
};

static union tap_key *ent_keys(const struct tap_agg_ent *e, const struct tap_agg_spec *sp)
{
	return (union tap_key *)((char *)&e->st + tap_stat_size(sp));
}

int tap_aggs_init(struct tap_aggs *a, const struct tap_agg_spec *specs, int nspecs, int ncpus,
		  size_t pool_bytes_per_cpu)
{
	a->specs = specs;
	a->nspecs = nspecs;
	a->ncpus = ncpus;
	a->cpu = tap_alloc(ncpus * sizeof *a->cpu);
	a->gen = tap_alloc((nspecs + 1) * sizeof *a->gen);
	a->one = tap_alloc((nspecs + 1) * sizeof *a->one);
	a->one_size = tap_alloc((nspecs + 1) * sizeof *a->one_size);
	if (!a->cpu || !a->gen || !a->one || !a->one_size)
		return -1;
	memset(a->one, 0, (nspecs + 1) * sizeof *a->one);
	for (int id = 0; id < nspecs; id++) {
		if (specs[id].nkeys)
			continue;
		/* Each CPU's copy on cache lines of its own. */
		a->one_size[id] = (offsetof(struct tap_agg_one, st) + tap_stat_size(&specs[id]) + 63) & ~(size_t)63;
		a->one[id] = tap_percpu_alloc(a->one_size[id], ncpus);
		if (!a->one[id])
			return -1;
		for (int cpu = 0; cpu < ncpus; cpu++)
			if (tap_cpu_possible(cpu))
				tap_stat_reset(&((struct tap_agg_one *)tap_percpu_cpu(a->one[id], a->one_size[id], cpu))->st,
					       &specs[id]);
	}
	memset(a->cpu, 0, ncpus * sizeof *a->cpu);
	for (int i = 0; i <= nspecs; i++)
		a->gen[i] = 1;
	for (int i = 0; i < ncpus; i++) {
		struct tap_agg_cpu *b = &a->cpu[i];
		b->nbuckets = TAP_AGG_BUCKETS;
		b->limit = pool_bytes_per_cpu;
		b->buckets = tap_alloc(b->nbuckets * sizeof *b->buckets);
		b->added = tap_alloc((nspecs + 1) * sizeof *b->added);
		if (!b->buckets || !b->added)
			return -1;
		memset(b->buckets, 0, b->nbuckets * sizeof *b->buckets);
		memset(b->added, 0, (nspecs + 1) * sizeof *b->added);
	}
	return 0;
}

void tap_aggs_destroy(struct tap_aggs *a)
{
	for (int i = 0; a->cpu && i < a->ncpus; i++) {
		struct tap_agg_chunk *ch = a->cpu[i].chunks, *next;
		for (; ch; ch = next) {
			next = ch->next;
			tap_free(ch);
		}
		tap_free(a->cpu[i].buckets);
		tap_free(a->cpu[i].added);
	}
	for (int id = 0; a->one && id < a->nspecs; id++)
		if (a->one[id])
			tap_percpu_free(a->one[id]);
	tap_free(a->cpu);
	tap_free(a->gen);
	tap_free(a->one);
	tap_free(a->one_size);
	a->cpu = NULL;
	a->gen = NULL;
	a->one = NULL;
	a->one_size = NULL;
}

static uint32_t current_gen(const struct tap_aggs *a, int id)
{
	return tap_read_once(a->gen[id]);
}

/* Unlinks data sets that a delete made stale, so their memory can be reused. Readers
   on other CPUs may be walking these chains: the links change with marked stores. */
static void reclaim(struct tap_aggs *a, struct tap_agg_cpu *b)
{
	for (uint32_t i = 0; i < b->nbuckets; i++) {
		struct tap_agg_ent **p = &b->buckets[i];
		while (*p) {
			struct tap_agg_ent *e = *p;
			if (tap_read_once(e->gen) != current_gen(a, e->id)) {
				tap_write_once(*p, e->next);
				tap_write_once(e->next, b->spare);
				b->spare = e;
			} else {
				p = &e->next;
			}
		}
	}
}

static struct tap_agg_ent *pool_take(struct tap_aggs *a, struct tap_agg_cpu *b, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	for (int pass = 0; pass < 2; pass++) {
		for (struct tap_agg_ent **p = &b->spare; *p; p = &(*p)->next) {
			if ((*p)->size == size) {
				struct tap_agg_ent *e = *p;
				tap_write_once(*p, e->next);
				return e;
			}
		}
		struct tap_agg_chunk *ch = b->chunks;
		if (ch && ch->used + size <= ch->size) {
			struct tap_agg_ent *e = (struct tap_agg_ent *)(ch->data + ch->used);
			ch->used += size;
			e->size = (uint32_t)size;
			return e;
		}
		size_t chunk = size > TAP_AGG_CHUNK - sizeof *ch ? size : TAP_AGG_CHUNK - sizeof *ch;
		if (b->used + chunk <= b->limit) {
			ch = tap_alloc(sizeof *ch + chunk);
			if (ch) {
				ch->size = chunk;
				ch->used = size;
				ch->next = b->chunks;
				b->chunks = ch;
				b->used += chunk;
				struct tap_agg_ent *e = (struct tap_agg_ent *)ch->data;
				e->size = (uint32_t)size;
				return e;
			}
		}
		if (pass == 0)
			reclaim(a, b);
	}
	return NULL;
}

static int keys_equal(const struct tap_agg_ent *e, int id, uint32_t h, const union tap_key *k,
		      const struct tap_agg_spec *sp)
{
	return e->hid == tap_agg_hid(h, (uint32_t)id) && tap_key_equal(ent_keys(e, sp), k, sp->nkeys, sp->ktypes);
}

static struct tap_agg_ent *new_ent(struct tap_aggs *a, struct tap_agg_cpu *b, int id, uint32_t h,
				   const union tap_key *k)
{
	const struct tap_agg_spec *sp = &a->specs[id];
	/* struct tap_agg_ent ends with its struct tap_stat, which tap_stat_size counts. */
	size_t size = offsetof(struct tap_agg_ent, st) + tap_stat_size(sp) + sp->nkeys * sizeof(union tap_key);
	int has_strings = 0;
	for (int i = 0; i < sp->nkeys; i++)
		if (sp->ktypes[i] == TAP_T_STR) {
			size += strnlen(k[i].s, MAXSTRINGLEN - 1) + 1;
			has_strings = 1;
		}
	/* Key strings are read 8 bytes at a time (key_hash.h), up to 7 past the last NUL:
	   those bytes stay in this data set, not in the next one, which its CPU may be
	   writing while another CPU compares these keys. */
	if (has_strings)
		size += 7;
	struct tap_agg_ent *e = pool_take(a, b, size);
	if (!e)
		return NULL;
	union tap_key *keys = ent_keys(e, sp);
	char *strings = (char *)&keys[sp->nkeys];
	for (int i = 0; i < sp->nkeys; i++) {
		if (sp->ktypes[i] == TAP_T_STR) {
			size_t n = strnlen(k[i].s, MAXSTRINGLEN - 1);
			memcpy(strings, k[i].s, n);
			strings[n] = '\0';
			keys[i].s = strings;
			strings += n + 1;
		} else {
			keys[i].l = k[i].l;
		}
	}
	e->hid = tap_agg_hid(h, (uint32_t)id);
	tap_write_once(e->gen, current_gen(a, id));
	tap_stat_reset(&e->st, sp); /* unpublished till the release below */
	tap_write_once(e->done, 0);
	uint32_t slot = h & (b->nbuckets - 1);
	tap_write_once(e->next, b->buckets[slot]);
	/* release: a reader following the new link sees a whole data set */
	tap_store_release(&b->buckets[slot], e);
	return e;
}

/* As in SystemTap, each CPU holds at most max_entries data sets of one statistics
   array. b->added only grows, so at the limit the live ones are counted for real. */
static int over_limit(struct tap_ctx *c, struct tap_aggs *a, struct tap_agg_cpu *b, int id,
		      const char *near)
{
	const struct tap_agg_spec *sp = &a->specs[id];
	if (sp->max_entries <= 0 || b->added[id] < sp->max_entries)
		return 0;
	uint32_t live = 0, gen = current_gen(a, id);
	for (uint32_t i = 0; i < b->nbuckets; i++)
		for (struct tap_agg_ent *e = b->buckets[i]; e; e = e->next)
			live += e->id == id && tap_read_once(e->gen) == gen;
	b->added[id] = live;
	if (live < sp->max_entries)
		return 0;
	tap_array_overflow(c, sp->sized, sp->max_entries, near);
	return 1;
}

void tap_agg_add(struct tap_ctx *c, struct tap_aggs *a, int id, const union tap_key *k, int64_t v,
		 const char *near)
{
	const struct tap_agg_spec *sp = &a->specs[id];
	if (!sp->nkeys) {
		tap_agg_one_add(a, id, v, 0, TAP_KEEP_ALL);
		return;
	}
	struct tap_agg_cpu *b = &a->cpu[tap_cpu_id()];
	uint32_t h = tap_key_hash(k, sp->nkeys, sp->ktypes, (uint32_t)id);
	struct tap_agg_ent *e = b->buckets[h & (b->nbuckets - 1)];
	while (e && !keys_equal(e, id, h, k, sp))
		e = e->next;
	/* e->gen: a delete on another CPU may be zeroing it */
	int fresh = !e || tap_read_once(e->gen) != current_gen(a, id);
	if (fresh) {
		if (over_limit(c, a, b, id, near))
			return;
		b->added[id]++;
	}
	/* Only this CPU writes its buffer: no atomic operation makes the sequence count. */
	tap_stat_change_begin(&b->seq);
	if (!e) {
		e = new_ent(a, b, id, h, k);
		if (!e) {
			tap_wmb();
			tap_add_once(b->seq, 1);
			tap_error(c, "aggregation pool full (raise -D TAP_AGG_POOL_MB)", near);
			return;
		}
	} else if (fresh) {
		tap_stat_restart(&e->st, sp); /* deleted since its last update */
		tap_write_once(e->gen, current_gen(a, id));
	}
	tap_stat_add(&e->st, sp, v);
	tap_stat_change_end(&e->st, &e->done, &b->seq);
}

/* Copies a data set written by another CPU: whole, or after TAP_AGG_READ_TRIES tries
   as it is. *seq is odd while the writer relinks or resets data sets or changes more
   than count, sum, min and max; the plain update (tap_stat_add_plain) stores the new
   count first and *done last, so a copy taken between a done and an equal count, with
   the same even *seq around it, holds no part of a later update. A statistic whose plain
   updates store only the count has no done mark to check (count_only). Returns whether
   *mark (the data set's generation, or its stale flag) read live_mark with it. */
static int copy_stat(const struct tap_stat *st, const uint32_t *done, const uint32_t *seq,
		     struct tap_stat *out, size_t size, const uint32_t *mark, uint32_t live_mark,
		     int count_only)
{
	for (int tries = 0;; tries++) {
		uint32_t s1 = tap_load_acquire(seq);
		uint32_t d = tap_load_acquire(done);
		if ((s1 & 1) && tries < TAP_AGG_READ_TRIES)
			continue;
		tap_copy_once((int64_t *)out, (const int64_t *)st, size);
		int live = tap_read_once(*mark) == live_mark;
		tap_rmb();
		int64_t n = tap_read_once(st->count);
		if ((tap_read_once(*seq) == s1 && (count_only || (uint32_t)n == d)) ||
		    tries >= TAP_AGG_READ_TRIES)
			return live;
	}
}

/* Plain updates of a statistic that keeps nothing but its count leave done alone. */
static int count_only(const struct tap_agg_spec *sp)
{
	return !sp->hist && !sp->variance && !sp->keep;
}

/* Copies one data set's value, retrying while its CPU is writing. Returns 0 if stale. */
static int read_ent(struct tap_aggs *a, struct tap_agg_cpu *b, const struct tap_agg_ent *e,
		    struct tap_stat *out, size_t size)
{
	return copy_stat(&e->st, &e->done, &b->seq, out, size, &e->gen, current_gen(a, e->id),
			 count_only(&a->specs[e->id]));
}

/* Called by the owner CPU before its update: delete has been here. */
void tap_agg_one_restart(struct tap_aggs *a, int id, struct tap_agg_one *o)
{
	tap_stat_change_begin(&o->seq);
	tap_stat_restart(&o->st, &a->specs[id]);
	tap_write_once(o->stale, 0);
	tap_stat_change_end(&o->st, &o->done, &o->seq);
}

int tap_agg_one_read(struct tap_aggs *a, int id, int cpu, struct tap_stat *out)
{
	struct tap_agg_one *o = tap_percpu_cpu(a->one[id], a->one_size[id], cpu);
	return copy_stat(&o->st, &o->done, &o->seq, out, tap_stat_size(&a->specs[id]), &o->stale, 0,
			 count_only(&a->specs[id])) &&
	       out->count;
}

/* delete x: every CPU's copy starts afresh at its next update; readers skip it till then. */
static void one_clear(struct tap_aggs *a, int id)
{
	for (int cpu = 0; cpu < a->ncpus; cpu++) {
		if (!tap_cpu_possible(cpu))
			continue;
		struct tap_agg_one *o = tap_percpu_cpu(a->one[id], a->one_size[id], cpu);
		tap_store_release(&o->stale, 1);
	}
}

int tap_agg_get(struct tap_aggs *a, int id, const union tap_key *k, struct tap_stat *out,
		struct tap_stat *scratch)
{
	const struct tap_agg_spec *sp = &a->specs[id];
	size_t size = tap_stat_size(sp);
	if (!sp->nkeys) {
		int found = 0;
		tap_stat_init(out, sp);
		for (int cpu = 0; cpu < a->ncpus; cpu++) {
			if (tap_cpu_possible(cpu) && tap_agg_one_read(a, id, cpu, scratch)) {
				tap_stat_merge(out, scratch, sp);
				found = 1;
			}
		}
		return found;
	}
	uint32_t h = tap_key_hash(k, sp->nkeys, sp->ktypes, (uint32_t)id);
	int found = 0;
	tap_stat_init(out, sp);
	for (int cpu = 0; cpu < a->ncpus; cpu++) {
		struct tap_agg_cpu *b = &a->cpu[cpu];
		struct tap_agg_ent *e = tap_load_acquire(&b->buckets[h & (b->nbuckets - 1)]);
		for (int walk = 0; e && walk < TAP_AGG_MAX_WALK; walk++, e = tap_read_once(e->next)) {
			if (!keys_equal(e, id, h, k, sp))
				continue;
			if (read_ent(a, b, e, scratch, size) && scratch->count) {
				tap_stat_merge(out, scratch, sp);
				found = 1;
			}
			break;
		}
	}
	return found;
}

int tap_agg_exists(struct tap_ctx *c, struct tap_aggs *a, int id, const union tap_key *k)
{
	return tap_agg_get(a, id, k, (struct tap_stat *)c->statbuf[0], (struct tap_stat *)c->statbuf[1]);
}

void tap_agg_delete(struct tap_aggs *a, int id, const union tap_key *k)
{
	const struct tap_agg_spec *sp = &a->specs[id];
	if (!sp->nkeys) {
		one_clear(a, id);
		return;
	}
	uint32_t h = tap_key_hash(k, sp->nkeys, sp->ktypes, (uint32_t)id);
	for (int cpu = 0; cpu < a->ncpus; cpu++) {
		struct tap_agg_cpu *b = &a->cpu[cpu];
		int walk = 0;
		for (struct tap_agg_ent *e = tap_load_acquire(&b->buckets[h & (b->nbuckets - 1)]);
		     e && walk < TAP_AGG_MAX_WALK; e = tap_read_once(e->next), walk++)
			if (keys_equal(e, id, h, k, sp))
				tap_write_once(e->gen, 0); /* 0 is never current */
	}
}

void tap_agg_clear(struct tap_aggs *a, int id)
{
	if (!a->specs[id].nkeys)
		one_clear(a, id);
	uint32_t g = current_gen(a, id) + 1;
	tap_store_release(&a->gen[id], g ? g : 1);
}

int64_t tap_stat_extract(struct tap_ctx *c, const struct tap_stat *st, enum tap_extractor x,
			 const char *near)
{
	switch (x) {
	case TAP_X_COUNT:
		return st->count;
	case TAP_X_SUM:
		return st->sum;
	default:
		break;
	}
	if (!st->count) {
		tap_error(c, "empty aggregate", near);
		return 0;
	}
	switch (x) {
	case TAP_X_MIN: return st->min;
	case TAP_X_MAX: return st->max;
	case TAP_X_AVG: return tap_stat_avg(st);
	default: return tap_stat_variance(st);
	}
}

int64_t tap_agg_extract(struct tap_ctx *c, struct tap_aggs *a, int id, const union tap_key *k,
			enum tap_extractor x, const char *near)
{
	struct tap_stat *out = (struct tap_stat *)c->statbuf[0];
	tap_agg_get(a, id, k, out, (struct tap_stat *)c->statbuf[1]);
	return tap_stat_extract(c, out, x, near);
}

/* ---- foreach: merge every CPU's live data sets of one aggregation ---- */

struct agg_sort {
	const struct tap_agg_spec *sp;
	int column, dir;
	enum tap_extractor by;
};

static int64_t sort_value(const struct tap_stat *st, enum tap_extractor by)
{
	switch (by) {
	case TAP_X_SUM: return st->sum;
	case TAP_X_MIN: return st->count ? st->min : 0;
	case TAP_X_MAX: return st->count ? st->max : 0;
	case TAP_X_AVG: return st->count ? tap_stat_avg(st) : 0;
	case TAP_X_VARIANCE: return st->count ? tap_stat_variance(st) : 0;
	default: return st->count;
	}
}

static int agg_cmp(const void *pa, const void *pb, const void *arg)
{
	const struct agg_sort *s = arg;
	const struct tap_agg_merged *a = pa, *b = pb;
	int r;
	if (s->column > 0) {
		int i = s->column - 1;
		r = s->sp->ktypes[i] == TAP_T_STR ? strcmp(a->key[i].s, b->key[i].s)
						  : tap_cmp_long(a->key[i].l, b->key[i].l);
	} else {
		r = tap_cmp_long(sort_value(&a->st, s->by), sort_value(&b->st, s->by));
	}
	return r * s->dir;
}

int tap_agg_iter_begin(struct tap_ctx *c, struct tap_aggs *a, int id, struct tap_iter *it,
		       int column, enum tap_extractor by, int dir, int64_t limit)
{
	const struct tap_agg_spec *sp = &a->specs[id];
	size_t stat_size = tap_stat_size(sp);
	size_t item_size = (sizeof(struct tap_agg_merged) + stat_size + sp->nkeys * sizeof(union tap_key) + 15) & ~(size_t)15;
	uint32_t gen = current_gen(a, id);
	it->n = it->pos = 0;
	it->items = NULL;

	/* Pass 1: an upper bound on data sets and string bytes. */
	int64_t n = 0;
	size_t strings = 0;
	for (int cpu = 0; cpu < a->ncpus; cpu++) {
		struct tap_agg_cpu *b = &a->cpu[cpu];
		for (uint32_t i = 0; i < b->nbuckets; i++) {
			int walk = 0;
			for (struct tap_agg_ent *e = tap_load_acquire(&b->buckets[i]); e && walk < TAP_AGG_MAX_WALK;
			     e = tap_read_once(e->next), walk++) {
				if (e->id != id || tap_read_once(e->gen) != gen)
					continue;
				n++;
				const union tap_key *k = ent_keys(e, sp);
				for (int j = 0; j < sp->nkeys; j++)
					if (sp->ktypes[j] == TAP_T_STR)
						strings += strnlen(k[j].s, MAXSTRINGLEN - 1) + 1;
			}
		}
	}
	if (!n)
		return 0;
	/* One block: the item pointers, an open-addressing index, the items, their strings. */
	uint32_t slots = 1;
	while (slots < 2 * n)
		slots <<= 1;
	size_t total = n * sizeof(void *) + slots * sizeof(void *) + n * item_size + strings;
	char *block = tap_alloc(total);
	if (!block) {
		tap_error(c, "out of memory for foreach over statistics", NULL);
		return -1;
	}
	memset(block, 0, n * sizeof(void *) + slots * sizeof(void *));
	tap_own(c, block);
	it->items = (void **)block;
	struct tap_agg_merged **index = (struct tap_agg_merged **)(block + n * sizeof(void *));
	char *items = block + (n + slots) * sizeof(void *);
	char *strbuf = items + n * item_size, *strend = strbuf + strings;
	struct tap_stat *scratch = (struct tap_stat *)c->statbuf[1];

	/* Pass 2: merge. Data sets that appeared since pass 1 are left out. */
	int64_t used = 0;
	for (int cpu = 0; cpu < a->ncpus; cpu++) {
		struct tap_agg_cpu *b = &a->cpu[cpu];
		for (uint32_t i = 0; i < b->nbuckets; i++) {
			int walk = 0;
			for (struct tap_agg_ent *e = tap_load_acquire(&b->buckets[i]); e && walk < TAP_AGG_MAX_WALK;
			     e = tap_read_once(e->next), walk++) {
				if (e->id != id || tap_read_once(e->gen) != gen)
					continue;
				if (!read_ent(a, b, e, scratch, stat_size) || !scratch->count)
					continue;
				const union tap_key *k = ent_keys(e, sp);
				uint32_t slot = e->hash & (slots - 1);
				struct tap_agg_merged *m;
				while ((m = index[slot]) && !tap_key_equal(m->key, k, sp->nkeys, sp->ktypes))
					slot = (slot + 1) & (slots - 1);
				if (m) {
					tap_stat_merge(&m->st, scratch, sp);
					continue;
				}
				if (used == n)
					continue;
				m = (struct tap_agg_merged *)(items + used * item_size);
				m->key = (union tap_key *)((char *)&m->st + stat_size);
				size_t need = 0;
				for (int j = 0; j < sp->nkeys; j++)
					if (sp->ktypes[j] == TAP_T_STR)
						need += strnlen(k[j].s, MAXSTRINGLEN - 1) + 1;
				if (strbuf + need > strend)
					continue;
				for (int j = 0; j < sp->nkeys; j++) {
					if (sp->ktypes[j] == TAP_T_STR) {
						size_t len = strnlen(k[j].s, MAXSTRINGLEN - 1);
						memcpy(strbuf, k[j].s, len);
						strbuf[len] = '\0';
						m->key[j].s = strbuf;
						strbuf += len + 1;
					} else {
						m->key[j].l = k[j].l;
					}
				}
				tap_stat_init(&m->st, sp);
				tap_stat_merge(&m->st, scratch, sp);
				index[slot] = m;
				it->items[used++] = m;
			}
		}
	}
	it->n = used;
	if (column) {
		struct agg_sort s = { sp, column, dir, by };
		if (tap_sort_ptrs(it->items, it->n, agg_cmp, &s)) {
			tap_error(c, "out of memory for foreach", NULL);
			return -1;
		}
	}
	if (limit >= 0 && limit < it->n)
		it->n = limit;
	return 0;
}

/* ---- slices: data sets whose keys match A[*, k] on any CPU ---- */

/* Visits every CPU's live data sets of aggregation id matching the slice: with del,
   marks them deleted; else stops at the first with values. Returns whether one had. */
static int slice_walk(struct tap_aggs *a, int id, const union tap_key *k, uint32_t mask, int del,
		      struct tap_stat *scratch)
{
	const struct tap_agg_spec *sp = &a->specs[id];
	uint32_t gen = current_gen(a, id);
	for (int cpu = 0; cpu < a->ncpus; cpu++) {
		struct tap_agg_cpu *b = &a->cpu[cpu];
		for (uint32_t i = 0; i < b->nbuckets; i++) {
			struct tap_agg_ent *e = tap_load_acquire(&b->buckets[i]);
			for (int walk = 0; e && walk < TAP_AGG_MAX_WALK; e = tap_read_once(e->next), walk++) {
				if (e->id != id || tap_read_once(e->gen) != gen || !tap_key_match(ent_keys(e, sp), k, mask, sp->nkeys, sp->ktypes))
					continue;
				if (del)
					tap_write_once(e->gen, 0); /* 0 is never current */
				else if (read_ent(a, b, e, scratch, tap_stat_size(sp)) && scratch->count)
					return 1;
			}
		}
	}
	return 0;
}

int tap_agg_exists_slice(struct tap_ctx *c, struct tap_aggs *a, int id, const union tap_key *k, uint32_t mask)
{
	return slice_walk(a, id, k, mask, 0, (struct tap_stat *)c->statbuf[1]);
}

void tap_agg_delete_slice(struct tap_aggs *a, int id, const union tap_key *k, uint32_t mask)
{
	slice_walk(a, id, k, mask, 1, NULL);
}
