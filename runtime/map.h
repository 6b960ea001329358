/* Associative arrays of longs and strings: one shared hash table per global array,
   entries allocated at their real size (string keys and values at their own length),
   iterated in insertion order or sorted for foreach. Callers hold the array's lock. */
#ifndef TAP_MAP_H
#define TAP_MAP_H

#include "context.h"
#include "key_hash.h"

#define TAP_MAX_KEYS 9

/* Key part types and value types */
enum { TAP_T_LONG = 0, TAP_T_STR = 1, TAP_T_STATS = 2 };

union tap_key {
	int64_t l;
	const char *s;
};

struct tap_map_ent {
	struct tap_map_ent *next;          /* hash chain */
	struct tap_map_ent *older, *newer; /* insertion order */
	uint32_t hash;
	int64_t lval;
	char *sval;                        /* string value, or NULL for "" */
	union tap_key key[];               /* then the string key bytes */
};

struct tap_map {
	const char *name;
	int nkeys;
	uint8_t ktypes[TAP_MAX_KEYS];
	int vtype;
	int64_t max_entries;
	int sized;                         /* global a[N]: N was given */
	int wrap;                          /* global a%: the oldest entry makes room */
	int64_t count;
	uint32_t nbuckets;
	struct tap_map_ent **buckets;
	struct tap_map_ent *oldest, *newest;
};

/* Platform layer: memory that may be taken from probe context. */
void *tap_alloc(size_t size);
void tap_free(void *p);

int tap_map_init(struct tap_map *m);
void tap_map_destroy(struct tap_map *m);

uint32_t tap_key_hash(const union tap_key *k, int nkeys, const uint8_t *ktypes, uint32_t seed);
int tap_key_equal(const union tap_key *a, const union tap_key *b, int nkeys, const uint8_t *ktypes);

struct tap_map_ent *tap_map_find(struct tap_map *m, const union tap_key *k);
/* tap_map_find with the array's own hash h of k and key compare eq, which tapc
   generates per array (the same steps as tap_key_hash and tap_key_equal): inlined. */
static inline __attribute__((always_inline)) struct tap_map_ent *
tap_map_find_with(struct tap_map *m, uint32_t h, const union tap_key *k,
		  int (*eq)(const union tap_key *a, const union tap_key *b))
{
	for (struct tap_map_ent *e = m->buckets[h & (m->nbuckets - 1)]; e; e = e->next)
		if (e->hash == h && eq(e->key, k))
			return e;
	return NULL;
}
/* Sets the "Array overflow" error for an array or statistics array that is full. */
void tap_array_overflow(struct tap_ctx *c, int sized, int64_t limit, const char *near);
/* Finds or creates; NULL with "Array overflow" set on c when full. */
struct tap_map_ent *tap_map_insert(struct tap_ctx *c, struct tap_map *m, const union tap_key *k,
				   const char *near);

int64_t tap_map_get_long(struct tap_map *m, const union tap_key *k);
const char *tap_map_get_str(struct tap_map *m, const union tap_key *k);
int64_t tap_map_set_long(struct tap_ctx *c, struct tap_map *m, const union tap_key *k, int64_t v,
			 const char *near);
const char *tap_map_set_str(struct tap_ctx *c, struct tap_map *m, const union tap_key *k,
			    const char *v, const char *near);
int tap_map_exists(struct tap_map *m, const union tap_key *k);
void tap_map_delete(struct tap_map *m, const union tap_key *k);
void tap_map_clear(struct tap_map *m);

/* Slices (A[*, k]): mask has bit i set where key part i is given, clear for `*`. */
int tap_key_match(const union tap_key *have, const union tap_key *want, uint32_t mask, int nkeys,
		  const uint8_t *ktypes);
int tap_map_exists_slice(struct tap_map *m, const union tap_key *k, uint32_t mask);
void tap_map_delete_slice(struct tap_map *m, const union tap_key *k, uint32_t mask);

/* foreach: a snapshot of the entries, sorted on a key column (1..n), on the value (-1),
   or in insertion order (0); dir is +1 or -1; limit < 0 means none. */
struct tap_iter {
	void **items;
	int64_t n, pos;
	void *cur;
};
int tap_map_iter_begin(struct tap_ctx *c, struct tap_map *m, struct tap_iter *it, int column,
		       int dir, int64_t limit);
int tap_iter_next(struct tap_iter *it);
void tap_iter_end(struct tap_ctx *c, struct tap_iter *it);

/* Sorting shared with the aggregation iterator: a stable merge sort of pointers. */
static inline int tap_cmp_long(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

typedef int (*tap_cmp_fn)(const void *a, const void *b, const void *arg);
int tap_sort_ptrs(void **items, int64_t n, tap_cmp_fn cmp, const void *arg);

/* Probe-lifetime ownership: memory freed when the probe ends even after an error. */
void tap_own(struct tap_ctx *c, void *p);
void tap_disown_free(struct tap_ctx *c, void *p);
void tap_free_owned(struct tap_ctx *c);

#endif
