/* Associative arrays (see map.h). */
#include "map.h"

uint32_t tap_key_hash(const union tap_key *k, int nkeys, const uint8_t *ktypes, uint32_t seed)
{
	uint64_t h = tap_hash_start(seed);
	for (int i = 0; i < nkeys; i++)
		h = ktypes[i] == TAP_T_STR ? tap_hash_str(h, k[i].s) : tap_hash_long(h, k[i].l);
	return tap_hash_end(h);
}

int tap_key_equal(const union tap_key *a, const union tap_key *b, int nkeys, const uint8_t *ktypes)
{
	for (int i = 0; i < nkeys; i++) {
		if (ktypes[i] == TAP_T_STR) {
			if (!tap_str_eq(a[i].s, b[i].s))
				return 0;
		} else if (a[i].l != b[i].l) {
			return 0;
		}
	}
	return 1;
}

int tap_map_init(struct tap_map *m)
{
	/* About one bucket per expected entry, as a power of two. */
	uint32_t n = 64;
	while (n < (uint64_t)m->max_entries && n < (1u << 20))
		n <<= 1;
	m->nbuckets = n;
	m->buckets = tap_alloc(n * sizeof *m->buckets);
	if (!m->buckets)
		return -1;
	memset(m->buckets, 0, n * sizeof *m->buckets);
	return 0;
}

static void ent_free(struct tap_map_ent *e)
{
	tap_free(e->sval);
	tap_free(e);
}

void tap_map_destroy(struct tap_map *m)
{
	if (!m->buckets)
		return;
	tap_map_clear(m);
	tap_free(m->buckets);
	m->buckets = NULL;
}

struct tap_map_ent *tap_map_find(struct tap_map *m, const union tap_key *k)
{
	uint32_t h = tap_key_hash(k, m->nkeys, m->ktypes, 0);
	for (struct tap_map_ent *e = m->buckets[h & (m->nbuckets - 1)]; e; e = e->next)
		if (e->hash == h && tap_key_equal(e->key, k, m->nkeys, m->ktypes))
			return e;
	return NULL;
}

static void unlink_ent(struct tap_map *m, struct tap_map_ent *e)
{
	struct tap_map_ent **p = &m->buckets[e->hash & (m->nbuckets - 1)];
	while (*p != e)
		p = &(*p)->next;
	*p = e->next;
	if (e->older)
		e->older->newer = e->newer;
	else
		m->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		m->newest = e->older;
	m->count--;
}

/* SystemTap's words: the declared size, or MAXMAPENTRIES for an array without one. */
void tap_array_overflow(struct tap_ctx *c, int sized, int64_t limit, const char *near)
{
	if (!sized) {
		tap_error(c, "Array overflow, check MAXMAPENTRIES", near);
	} else if (!c->error) {
		struct tap_fmt_arg arg = { 0, limit, NULL };
		tap_format(c->errbuf, sizeof c->errbuf, "Array overflow, check size limit (%d)", &arg, 1);
		tap_error(c, c->errbuf, near);
	}
}

struct tap_map_ent *tap_map_insert(struct tap_ctx *c, struct tap_map *m, const union tap_key *k,
				   const char *near)
{
	struct tap_map_ent *e = tap_map_find(m, k);
	if (e)
		return e;
	if (m->count >= m->max_entries) {
		if (!m->wrap || !m->oldest) {
			tap_array_overflow(c, m->sized, m->max_entries, near);
			return NULL;
		}
		struct tap_map_ent *old = m->oldest;
		unlink_ent(m, old);
		ent_free(old);
	}
	/* One allocation: the entry, its key slots, then the string key bytes. */
	size_t size = sizeof *e + m->nkeys * sizeof(union tap_key);
	for (int i = 0; i < m->nkeys; i++)
		if (m->ktypes[i] == TAP_T_STR)
			size += strnlen(k[i].s, MAXSTRINGLEN - 1) + 1;
	e = tap_alloc(size);
	if (!e) {
		tap_error(c, "out of memory for array entries", near);
		return NULL;
	}
	memset(e, 0, sizeof *e);
	char *strings = (char *)&e->key[m->nkeys];
	for (int i = 0; i < m->nkeys; i++) {
		if (m->ktypes[i] == TAP_T_STR) {
			size_t n = strnlen(k[i].s, MAXSTRINGLEN - 1);
			memcpy(strings, k[i].s, n);
			strings[n] = '\0';
			e->key[i].s = strings;
			strings += n + 1;
		} else {
			e->key[i].l = k[i].l;
		}
	}
	e->hash = tap_key_hash(e->key, m->nkeys, m->ktypes, 0);
	uint32_t b = e->hash & (m->nbuckets - 1);
	e->next = m->buckets[b];
	m->buckets[b] = e;
	e->older = m->newest;
	if (m->newest)
		m->newest->newer = e;
	else
		m->oldest = e;
	m->newest = e;
	m->count++;
	return e;
}

int64_t tap_map_get_long(struct tap_map *m, const union tap_key *k)
{
	struct tap_map_ent *e = tap_map_find(m, k);
	return e ? e->lval : 0;
}

const char *tap_map_get_str(struct tap_map *m, const union tap_key *k)
{
	struct tap_map_ent *e = tap_map_find(m, k);
	return e && e->sval ? e->sval : "";
}

int64_t tap_map_set_long(struct tap_ctx *c, struct tap_map *m, const union tap_key *k, int64_t v,
			 const char *near)
{
	struct tap_map_ent *e = tap_map_insert(c, m, k, near);
	if (e)
		e->lval = v;
	return v;
}

const char *tap_map_set_str(struct tap_ctx *c, struct tap_map *m, const union tap_key *k,
			    const char *v, const char *near)
{
	struct tap_map_ent *e = tap_map_insert(c, m, k, near);
	if (!e)
		return v;
	size_t n = strnlen(v, MAXSTRINGLEN - 1);
	char *s = tap_alloc(n + 1);
	if (!s) {
		tap_error(c, "out of memory for array values", near);
		return v;
	}
	memcpy(s, v, n);
	s[n] = '\0';
	tap_free(e->sval);
	e->sval = s;
	return s;
}

int tap_map_exists(struct tap_map *m, const union tap_key *k)
{
	return tap_map_find(m, k) != NULL;
}

void tap_map_delete(struct tap_map *m, const union tap_key *k)
{
	struct tap_map_ent *e = tap_map_find(m, k);
	if (e) {
		unlink_ent(m, e);
		ent_free(e);
	}
}

void tap_map_clear(struct tap_map *m)
{
	struct tap_map_ent *e = m->oldest, *next;
	for (; e; e = next) {
		next = e->newer;
		ent_free(e);
	}
	memset(m->buckets, 0, m->nbuckets * sizeof *m->buckets);
	m->oldest = m->newest = NULL;
	m->count = 0;
}

/* ---- sorting ---- */

int tap_sort_ptrs(void **items, int64_t n, tap_cmp_fn cmp, const void *arg)
{
	if (n < 2)
		return 0;
	void **tmp = tap_alloc((size_t)n * sizeof *tmp);
	if (!tmp)
		return -1;
	/* Bottom-up merge sort: stable, so ties keep insertion order. */
	for (int64_t width = 1; width < n; width *= 2) {
		for (int64_t lo = 0; lo < n; lo += 2 * width) {
			int64_t mid = lo + width < n ? lo + width : n;
			int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			int64_t i = lo, j = mid, o = lo;
			while (i < mid && j < hi)
				tmp[o++] = cmp(items[j], items[i], arg) < 0 ? items[j++] : items[i++];
			while (i < mid)
				tmp[o++] = items[i++];
			while (j < hi)
				tmp[o++] = items[j++];
		}
		memcpy(items, tmp, (size_t)n * sizeof *tmp);
	}
	tap_free(tmp);
	return 0;
}

struct map_sort {
	const struct tap_map *m;
	int column, dir;
};

static int map_cmp(const void *pa, const void *pb, const void *arg)
{
	const struct map_sort *s = arg;
	const struct tap_map_ent *a = pa, *b = pb;
	int r;
	if (s->column > 0) {
		int i = s->column - 1;
		r = s->m->ktypes[i] == TAP_T_STR ? strcmp(a->key[i].s, b->key[i].s)
						 : tap_cmp_long(a->key[i].l, b->key[i].l);
	} else if (s->m->vtype == TAP_T_STR) {
		r = strcmp(a->sval ? a->sval : "", b->sval ? b->sval : "");
	} else {
		r = tap_cmp_long(a->lval, b->lval);
	}
	return r * s->dir;
}

/* SystemTap sorts a foreach with a limit n of 1 to 30 only partly: the top n in order at
   the front, then the elements they pushed out (the latest first), then the others in
   their old order. Later unsorted loops see that order, so it is reproduced here. */
static int sort_top(void **items, int64_t count, int64_t n, tap_cmp_fn cmp, const void *arg)
{
	if (tap_sort_ptrs(items, n < count ? n : count, cmp, arg))
		return -1;
	if (count <= n)
		return 0;
	void **pushed = tap_alloc(2 * (size_t)(count - n) * sizeof *pushed), **kept;
	int64_t npushed = 0, nkept = 0;
	if (!pushed)
		return -1;
	kept = pushed + (count - n);
	for (int64_t pos = n; pos < count; pos++) {
		void *e = items[pos];
		int64_t at = n - 1;
		while (at >= 0 && cmp(items[at], e, arg) > 0)
			at--;
		if (at == n - 1) {
			kept[nkept++] = e;
			continue;
		}
		pushed[npushed++] = items[n - 1];
		memmove(&items[at + 2], &items[at + 1], (size_t)(n - 2 - at) * sizeof *items);
		items[at + 1] = e;
	}
	for (int64_t i = 0; i < npushed; i++)
		items[n + i] = pushed[npushed - 1 - i];
	memcpy(&items[n + npushed], kept, (size_t)nkept * sizeof *items);
	tap_free(pushed);
	return 0;
}

int tap_map_iter_begin(struct tap_ctx *c, struct tap_map *m, struct tap_iter *it, int column,
		       int dir, int64_t limit)
{
	it->n = 0;
	it->pos = 0;
	it->items = NULL;
	if (!m->count || limit == 0)
		return 0; /* limit 0: SystemTap does not even sort */
	it->items = tap_alloc((size_t)m->count * sizeof *it->items);
	if (!it->items) {
		tap_error(c, "out of memory for foreach", NULL);
		return -1;
	}
	tap_own(c, it->items);
	for (struct tap_map_ent *e = m->oldest; e; e = e->newer)
		it->items[it->n++] = e;
	if (column) {
		struct map_sort s = { m, column, dir };
		int partial = limit >= 1 && limit <= 30;
		if (partial ? sort_top(it->items, it->n, limit, map_cmp, &s) : tap_sort_ptrs(it->items, it->n, map_cmp, &s)) {
			tap_error(c, "out of memory for foreach", NULL);
			return -1;
		}
		/* As in SystemTap, sorting reorders the array: later unsorted foreach loops
		   see the last sorted order. */
		struct tap_map_ent *prev = NULL;
		for (int64_t i = 0; i < it->n; i++) {
			struct tap_map_ent *e = it->items[i];
			e->older = prev;
			e->newer = NULL;
			if (prev)
				prev->newer = e;
			else
				m->oldest = e;
			prev = e;
		}
		m->newest = prev;
	}
	if (limit >= 0 && limit < it->n)
		it->n = limit;
	return 0;
}

int tap_iter_next(struct tap_iter *it)
{
	if (it->pos >= it->n)
		return 0;
	it->cur = it->items[it->pos++];
	return 1;
}

void tap_iter_end(struct tap_ctx *c, struct tap_iter *it)
{
	if (it->items)
		tap_disown_free(c, it->items);
	it->items = NULL;
}

/* ---- probe-lifetime memory ---- */

void tap_own(struct tap_ctx *c, void *p)
{
	if (c->nowned < TAP_MAX_OWNED)
		c->owned[c->nowned++] = p;
}

void tap_disown_free(struct tap_ctx *c, void *p)
{
	for (int i = c->nowned - 1; i >= 0; i--) {
		if (c->owned[i] == p) {
			c->owned[i] = c->owned[--c->nowned];
			break;
		}
	}
	tap_free(p);
}

void tap_free_owned(struct tap_ctx *c)
{
	while (c->nowned > 0)
		tap_free(c->owned[--c->nowned]);
}

/* ---- slices: keys with `*` parts ---- */

/* Bit i of mask set: part i must equal want[i]; clear: any value matches. */
int tap_key_match(const union tap_key *have, const union tap_key *want, uint32_t mask, int nkeys,
		  const uint8_t *ktypes)
{
	for (int i = 0; i < nkeys; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (ktypes[i] == TAP_T_STR ? strcmp(have[i].s, want[i].s) != 0 : have[i].l != want[i].l)
			return 0;
	}
	return 1;
}

int tap_map_exists_slice(struct tap_map *m, const union tap_key *k, uint32_t mask)
{
	for (struct tap_map_ent *e = m->oldest; e; e = e->newer)
		if (tap_key_match(e->key, k, mask, m->nkeys, m->ktypes))
			return 1;
	return 0;
}

void tap_map_delete_slice(struct tap_map *m, const union tap_key *k, uint32_t mask)
{
	struct tap_map_ent *e = m->oldest, *next;
	for (; e; e = next) {
		next = e->newer;
		if (tap_key_match(e->key, k, mask, m->nkeys, m->ktypes)) {
			unlink_ent(m, e);
			ent_free(e);
		}
	}
}
