/* Unit tests of associative arrays and per-CPU statistics, with threads standing in for
   CPUs: writers update only their own buffer with no lock while a reader merges. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "agg.h"

static __thread int cpu_of_thread;
static char sink[1 << 16];
static size_t nsink;

int tap_cpu_id(void) { return cpu_of_thread; }
void *tap_alloc(size_t size) { return malloc(size); }
void tap_free(void *p) { free(p); }
void tap_request_exit(void) {}
void tap_script_exit(void) {}
void tap_output_flush(struct tap_ctx *c)
{
	size_t n = c->olen < sizeof sink - nsink ? c->olen : sizeof sink - nsink;
	memcpy(sink + nsink, c->obuf, n);
	nsink += n;
	c->olen = 0;
}

static struct tap_ctx *ctx(void)
{
	return calloc(1, sizeof(struct tap_ctx));
}

START_TEST(map_set_get_delete_and_overflow)
{
	struct tap_map m = { .name = "m", .nkeys = 2, .ktypes = { TAP_T_STR, TAP_T_LONG },
			     .vtype = TAP_T_LONG, .max_entries = 3, .sized = 1 };
	struct tap_ctx *c = ctx();
	ck_assert_int_eq(tap_map_init(&m), 0);
	union tap_key k1[] = { { .s = "a" }, { .l = 1 } }, k2[] = { { .s = "b" }, { .l = 2 } };
	tap_map_set_long(c, &m, k1, 10, NULL);
	tap_map_set_long(c, &m, k2, 20, NULL);
	ck_assert_int_eq(tap_map_get_long(&m, k1), 10);
	ck_assert_int_eq(tap_map_get_long(&m, k2), 20);
	ck_assert(tap_map_exists(&m, k1));
	tap_map_delete(&m, k1);
	ck_assert(!tap_map_exists(&m, k1));
	for (int i = 0; i < 3; i++) {
		union tap_key k[] = { { .s = "x" }, { .l = i } };
		tap_map_set_long(c, &m, k, i, NULL);
	}
	ck_assert_str_eq(c->error, "Array overflow, check size limit (3)");
	tap_map_destroy(&m);
	free(c);
}
END_TEST

/* Without a declared size the limit is MAXMAPENTRIES, and the message says so. */
START_TEST(map_overflow_names_maxmapentries)
{
	struct tap_map m = { .name = "m", .nkeys = 1, .ktypes = { TAP_T_LONG }, .vtype = TAP_T_LONG,
			     .max_entries = 2 };
	struct tap_ctx *c = ctx();
	ck_assert_int_eq(tap_map_init(&m), 0);
	for (int i = 0; i < 3; i++) {
		union tap_key k[] = { { .l = i } };
		tap_map_set_long(c, &m, k, i, NULL);
	}
	ck_assert_str_eq(c->error, "Array overflow, check MAXMAPENTRIES");
	ck_assert_int_eq(m.count, 2);
	tap_map_destroy(&m);
	free(c);
}
END_TEST

START_TEST(map_sorted_iteration_is_stable)
{
	struct tap_map m = { .name = "m", .nkeys = 1, .ktypes = { TAP_T_LONG }, .vtype = TAP_T_LONG,
			     .max_entries = 100 };
	struct tap_ctx *c = ctx();
	tap_map_init(&m);
	int64_t vals[] = { 5, 3, 5, 1, 3 };
	for (int i = 0; i < 5; i++) {
		union tap_key k[] = { { .l = i } };
		tap_map_set_long(c, &m, k, vals[i], NULL);
	}
	struct tap_iter it;
	ck_assert_int_eq(tap_map_iter_begin(c, &m, &it, -1, -1, -1), 0);
	int64_t order[5], n = 0;
	while (tap_iter_next(&it))
		order[n++] = ((struct tap_map_ent *)it.cur)->key[0].l;
	tap_iter_end(c, &it);
	/* values 5,5,3,3,1 with ties in insertion order */
	int64_t want[] = { 0, 2, 1, 4, 3 };
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(order[i], want[i]);
	tap_map_destroy(&m);
	free(c);
}
END_TEST

#define NCPUS 4
#define NKEYS 500
#define ROUNDS 200

static struct tap_agg_spec specs[] = {
	{ "s", 1, { TAP_T_STR }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, TAP_KEEP_ALL },
	{ "total", 0, { 0 }, TAP_HIST_LOG, 0, 0, 0, TAP_HIST_LOG_BUCKETS, MAXMAPENTRIES, 0, 0, 0, TAP_KEEP_ALL },
};
static struct tap_aggs aggs;
static volatile int writers_done;
/* Failures seen in writer and reader threads, asserted by the test's own thread: check's
   ck_assert must not fail in another thread (without fork it would longjmp onto the main
   thread's stack: a crash, not a failure). */
static int thread_failures;

static void thread_check(int ok)
{
	if (!ok)
		__atomic_add_fetch(&thread_failures, 1, __ATOMIC_RELAXED);
}

static void *writer(void *arg)
{
	cpu_of_thread = (int)(intptr_t)arg;
	struct tap_ctx *c = ctx();
	char key[32];
	for (int r = 0; r < ROUNDS; r++) {
		for (int k = 0; k < NKEYS; k++) {
			snprintf(key, sizeof key, "key%d", k);
			union tap_key kk[] = { { .s = key } };
			tap_agg_add(c, &aggs, 0, kk, k, NULL);
			tap_agg_add(c, &aggs, 1, NULL, 1, NULL);
		}
	}
	thread_check(c->error == NULL);
	free(c);
	return NULL;
}

/* Reads while the writers run: every merged value is a whole update, never torn. */
static void *reader(void *arg)
{
	cpu_of_thread = NCPUS; /* a reader owns no buffer it writes */
	struct tap_ctx *c = ctx();
	while (!__atomic_load_n(&writers_done, __ATOMIC_ACQUIRE)) {
		union tap_key kk[] = { { .s = "key7" } };
		struct tap_stat *st = (struct tap_stat *)c->statbuf[0];
		if (tap_agg_get(&aggs, 0, kk, st, (struct tap_stat *)c->statbuf[1]))
			thread_check(st->sum == 7 * st->count);
		/* foreach walks every CPU's chains while they grow */
		struct tap_iter it;
		thread_check(tap_agg_iter_begin(c, &aggs, 0, &it, 0, TAP_X_COUNT, 1, -1) == 0);
		while (tap_iter_next(&it)) {
			struct tap_agg_merged *m = it.cur;
			thread_check(m->st.sum == atoi(m->key[0].s + 3) * m->st.count);
		}
		tap_iter_end(c, &it);
	}
	free(c);
	return arg;
}

/* NCPUS writer threads, one per CPU, and a reader running until they are done. */
static void race(void *(*w)(void *), void *(*r)(void *))
{
	pthread_t wt[NCPUS], rt;
	writers_done = 0;
	thread_failures = 0;
	pthread_create(&rt, NULL, r, NULL);
	for (int i = 0; i < NCPUS; i++)
		pthread_create(&wt[i], NULL, w, (void *)(intptr_t)i);
	for (int i = 0; i < NCPUS; i++)
		pthread_join(wt[i], NULL);
	__atomic_store_n(&writers_done, 1, __ATOMIC_RELEASE);
	pthread_join(rt, NULL);
	ck_assert_int_eq(thread_failures, 0);
}

START_TEST(per_cpu_updates_merge_exactly)
{
	ck_assert_int_eq(tap_aggs_init(&aggs, specs, 2, NCPUS + 1, 64 << 20), 0);
	race(writer, reader);

	struct tap_ctx *c = ctx();
	struct tap_iter it;
	ck_assert_int_eq(tap_agg_iter_begin(c, &aggs, 0, &it, 1, TAP_X_COUNT, 1, -1), 0);
	ck_assert_int_eq(it.n, NKEYS);
	int64_t total = 0;
	while (tap_iter_next(&it)) {
		struct tap_agg_merged *m = it.cur;
		int k = atoi(m->key[0].s + 3);
		ck_assert_int_eq(m->st.count, NCPUS * ROUNDS);
		ck_assert_int_eq(m->st.sum, (int64_t)k * NCPUS * ROUNDS);
		ck_assert_int_eq(m->st.min, k);
		ck_assert_int_eq(m->st.max, k);
		total += m->st.count;
	}
	tap_iter_end(c, &it);
	ck_assert_int_eq(total, NCPUS * ROUNDS * NKEYS);
	ck_assert_int_eq(tap_agg_extract(c, &aggs, 1, NULL, TAP_X_COUNT, NULL), NCPUS * ROUNDS * NKEYS);

	/* delete: one key, then everything */
	union tap_key k7[] = { { .s = "key7" } };
	tap_agg_delete(&aggs, 0, k7);
	ck_assert(!tap_agg_exists(c, &aggs, 0, k7));
	tap_agg_clear(&aggs, 0);
	ck_assert_int_eq(tap_agg_iter_begin(c, &aggs, 0, &it, 0, TAP_X_COUNT, 1, -1), 0);
	ck_assert_int_eq(it.n, 0);
	tap_iter_end(c, &it);
	/* stale data sets are reset by the next update, not added to */
	cpu_of_thread = 0;
	tap_agg_add(c, &aggs, 0, k7, 3, NULL);
	ck_assert_int_eq(tap_agg_extract(c, &aggs, 0, k7, TAP_X_SUM, NULL), 3);
	ck_assert_int_eq(tap_agg_extract(c, &aggs, 0, (union tap_key[]){ { .s = "key8" } }, TAP_X_COUNT, NULL), 0);
	tap_agg_extract(c, &aggs, 0, (union tap_key[]){ { .s = "key8" } }, TAP_X_MIN, "here");
	ck_assert_str_eq(c->error, "empty aggregate");
	tap_aggs_destroy(&aggs);
	free(c);
}
END_TEST

/* Slices read and delete the data sets of every CPU. */
static struct tap_agg_spec slice_specs[] = {
	{ "p", 2, { TAP_T_STR, TAP_T_LONG }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, TAP_KEEP_ALL },
};
static struct tap_aggs saggs;

static void *slice_writer(void *arg)
{
	cpu_of_thread = (int)(intptr_t)arg;
	struct tap_ctx *c = ctx();
	for (int r = 0; r < ROUNDS; r++) {
		tap_agg_add(c, &saggs, 0, (union tap_key[]){ { .s = "cpu" }, { .l = cpu_of_thread } }, 1, NULL);
		tap_agg_add(c, &saggs, 0, (union tap_key[]){ { .s = "all" }, { .l = 0 } }, 1, NULL);
	}
	free(c);
	return NULL;
}

START_TEST(slices_see_every_cpu)
{
	ck_assert_int_eq(tap_aggs_init(&saggs, slice_specs, 1, NCPUS + 1, 16 << 20), 0);
	pthread_t w[NCPUS];
	for (int i = 0; i < NCPUS; i++)
		pthread_create(&w[i], NULL, slice_writer, (void *)(intptr_t)i);
	struct tap_ctx *c = ctx();
	cpu_of_thread = NCPUS;
	union tap_key cpu_any[] = { { .s = "cpu" }, { .l = 0 } }, any_0[] = { { .s = "" }, { .l = 0 } };
	/* while the writers run: a slice that exists stays found once seen */
	while (!tap_agg_exists_slice(c, &saggs, 0, cpu_any, 0x1))
		;
	for (int i = 0; i < NCPUS; i++)
		pthread_join(w[i], NULL);
	struct tap_iter it;
	ck_assert_int_eq(tap_agg_iter_begin(c, &saggs, 0, &it, 0, TAP_X_COUNT, 1, -1), 0);
	int ncpu = 0;
	while (tap_iter_next(&it)) {
		struct tap_agg_merged *m = it.cur;
		if (tap_key_match(m->key, cpu_any, 0x1, 2, slice_specs[0].ktypes))
			ncpu++;
		else
			ck_assert_int_eq(m->st.count, NCPUS * ROUNDS); /* "all": merged from every CPU */
	}
	tap_iter_end(c, &it);
	ck_assert_int_eq(ncpu, NCPUS);
	tap_agg_delete_slice(&saggs, 0, cpu_any, 0x1);
	ck_assert(!tap_agg_exists_slice(c, &saggs, 0, cpu_any, 0x1));
	ck_assert(tap_agg_exists_slice(c, &saggs, 0, any_0, 0x2));
	ck_assert(tap_agg_exists_slice(c, &saggs, 0, any_0, 0));
	tap_aggs_destroy(&saggs);
	free(c);
}
END_TEST

START_TEST(map_slices)
{
	struct tap_map m = { .name = "m", .nkeys = 2, .ktypes = { TAP_T_LONG, TAP_T_STR }, .vtype = TAP_T_LONG,
			     .max_entries = 100 };
	struct tap_ctx *c = ctx();
	tap_map_init(&m);
	for (int i = 0; i < 10; i++)
		tap_map_set_long(c, &m, (union tap_key[]){ { .l = i }, { .s = i % 2 ? "odd" : "even" } }, i, NULL);
	union tap_key odd[] = { { .l = 0 }, { .s = "odd" } }, three[] = { { .l = 3 }, { .s = "" } };
	ck_assert(tap_map_exists_slice(&m, odd, 0x2));
	ck_assert(tap_map_exists_slice(&m, three, 0x1));
	tap_map_delete_slice(&m, odd, 0x2);
	ck_assert_int_eq(m.count, 5);
	ck_assert(!tap_map_exists_slice(&m, three, 0x1));
	for (struct tap_map_ent *e = m.oldest; e; e = e->newer)
		ck_assert_str_eq(e->key[1].s, "even");
	tap_map_destroy(&m);
	free(c);
}
END_TEST

START_TEST(pool_full_is_an_error_not_a_crash)
{
	struct tap_aggs small;
	ck_assert_int_eq(tap_aggs_init(&small, specs, 2, 1, 64 * 1024), 0);
	struct tap_ctx *c = ctx();
	cpu_of_thread = 0;
	char key[32];
	for (int k = 0; k < 100000 && !c->error; k++) {
		snprintf(key, sizeof key, "k%d", k);
		tap_agg_add(c, &small, 0, (union tap_key[]){ { .s = key } }, 1, NULL);
	}
	ck_assert_ptr_nonnull(c->error);
	ck_assert(strstr(c->error, "pool full") != NULL);
	tap_aggs_destroy(&small);
	free(c);
}
END_TEST

/* The inline paths tapc generates: a statistic without keys in place, and a keyed one
   found by the array's own hash and compare, racing with a reader. */
static struct tap_agg_spec fast_specs[] = {
	{ "one", 0, { 0 }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, TAP_KEEP_ALL },
	{ "ls", 2, { TAP_T_LONG, TAP_T_STR }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, TAP_KEEP_ALL },
};
static struct tap_aggs fast;

static uint32_t kh_ls(const union tap_key *k)
{
	return tap_hash_end(tap_hash_str(tap_hash_long(tap_hash_start(1), k[0].l), k[1].s));
}

static int ke_ls(const union tap_key *a, const union tap_key *b)
{
	return a[0].l == b[0].l && tap_str_eq(a[1].s, b[1].s);
}

static void *fast_writer(void *arg)
{
	cpu_of_thread = (int)(intptr_t)arg;
	struct tap_ctx *c = ctx();
	char key[32];
	for (int r = 0; r < ROUNDS; r++) {
		for (int k = 0; k < NKEYS; k++) {
			snprintf(key, sizeof key, "key-number-%d", k % 50);
			union tap_key kk[] = { { .l = k % 10 }, { .s = key } };
			tap_agg_add_with(c, &fast, 1, kk, kh_ls(kk), ke_ls, k % 10, 1, TAP_KEEP_ALL, NULL);
			tap_agg_one_add(&fast, 0, 3, 1, TAP_KEEP_ALL);
		}
	}
	thread_check(c->error == NULL);
	free(c);
	return NULL;
}

/* What a reader of `fast` may see at any time: whole updates only (each data set is
   always given the same value). */
static void check_fast_reads(struct tap_ctx *c)
{
	struct tap_stat *st = (struct tap_stat *)c->statbuf[0];
	if (tap_agg_get(&fast, 0, NULL, st, (struct tap_stat *)c->statbuf[1]))
		thread_check(st->sum == 3 * st->count && st->min == 3 && st->max == 3);
	union tap_key kk[] = { { .l = 7 }, { .s = "key-number-7" } };
	if (tap_agg_get(&fast, 1, kk, st, (struct tap_stat *)c->statbuf[1]))
		thread_check(st->sum == 7 * st->count && st->min == 7);
}

static void *fast_reader(void *arg)
{
	cpu_of_thread = NCPUS;
	struct tap_ctx *c = ctx();
	while (!__atomic_load_n(&writers_done, __ATOMIC_ACQUIRE))
		check_fast_reads(c);
	free(c);
	return arg;
}

START_TEST(inline_updates_merge_exactly)
{
	ck_assert_int_eq(tap_aggs_init(&fast, fast_specs, 2, NCPUS + 1, 64 << 20), 0);
	race(fast_writer, fast_reader);

	struct tap_ctx *c = ctx();
	ck_assert_int_eq(tap_agg_extract(c, &fast, 0, NULL, TAP_X_COUNT, NULL), NCPUS * ROUNDS * NKEYS);
	ck_assert_int_eq(tap_agg_extract(c, &fast, 0, NULL, TAP_X_MIN, NULL), 3);
	union tap_key k7[] = { { .l = 7 }, { .s = "key-number-7" } };
	/* k = 7, 57, 107, ... below NKEYS: key-number-7 with k % 10 == 7 */
	ck_assert_int_eq(tap_agg_extract(c, &fast, 1, k7, TAP_X_COUNT, NULL), NCPUS * ROUNDS * (NKEYS / 50));
	ck_assert_int_eq(tap_agg_extract(c, &fast, 1, k7, TAP_X_MAX, NULL), 7);
	struct tap_iter it;
	ck_assert_int_eq(tap_agg_iter_begin(c, &fast, 1, &it, 0, TAP_X_COUNT, 1, -1), 0);
	ck_assert_int_eq(it.n, 50);
	tap_iter_end(c, &it);

	/* delete: the statistic without keys reads empty, then starts afresh */
	tap_agg_clear(&fast, 0);
	ck_assert_int_eq(tap_agg_extract(c, &fast, 0, NULL, TAP_X_COUNT, NULL), 0);
	cpu_of_thread = 1;
	tap_agg_one_add(&fast, 0, -5, 1, TAP_KEEP_ALL);
	tap_agg_one_add(&fast, 0, 9, 1, TAP_KEEP_ALL);
	ck_assert_int_eq(tap_agg_extract(c, &fast, 0, NULL, TAP_X_SUM, NULL), 4);
	ck_assert_int_eq(tap_agg_extract(c, &fast, 0, NULL, TAP_X_MIN, NULL), -5);
	ck_assert_int_eq(tap_agg_extract(c, &fast, 0, NULL, TAP_X_MAX, NULL), 9);
	/* a deleted key takes the general path and starts afresh */
	tap_agg_delete(&fast, 1, k7);
	tap_agg_add_with(c, &fast, 1, k7, kh_ls(k7), ke_ls, 2, 1, TAP_KEEP_ALL, NULL);
	ck_assert_int_eq(tap_agg_extract(c, &fast, 1, k7, TAP_X_SUM, NULL), 2);
	ck_assert_int_eq(tap_agg_extract(c, &fast, 1, k7, TAP_X_MIN, NULL), 2);
	tap_aggs_destroy(&fast);
	free(c);
}
END_TEST

/* Deletes from another CPU race with the updates: a deleted data set restarts whole, so
   every value read is still a whole number of updates, whatever the interleaving. */
static void *deleter(void *arg)
{
	cpu_of_thread = NCPUS;
	struct tap_ctx *c = ctx();
	union tap_key k7[] = { { .l = 7 }, { .s = "key-number-7" } };
	for (int round = 0; !__atomic_load_n(&writers_done, __ATOMIC_ACQUIRE); round++) {
		if (round % 3 == 0)
			tap_agg_clear(&fast, round % 2);
		else
			tap_agg_delete(&fast, 1, k7);
		check_fast_reads(c);
		struct tap_iter it;
		thread_check(tap_agg_iter_begin(c, &fast, 1, &it, 0, TAP_X_COUNT, 1, -1) == 0);
		while (tap_iter_next(&it)) {
			struct tap_agg_merged *m = it.cur;
			thread_check(m->st.sum == m->key[0].l * m->st.count);
		}
		tap_iter_end(c, &it);
	}
	free(c);
	return arg;
}

START_TEST(deletes_race_with_updates)
{
	ck_assert_int_eq(tap_aggs_init(&fast, fast_specs, 2, NCPUS + 1, 64 << 20), 0);
	race(fast_writer, deleter);

	/* after a last delete, one update counts alone */
	struct tap_ctx *c = ctx();
	union tap_key k7[] = { { .l = 7 }, { .s = "key-number-7" } };
	tap_agg_clear(&fast, 0);
	tap_agg_clear(&fast, 1);
	ck_assert(!tap_agg_exists(c, &fast, 1, k7));
	cpu_of_thread = 2;
	tap_agg_add_with(c, &fast, 1, k7, kh_ls(k7), ke_ls, 7, 1, TAP_KEEP_ALL, NULL);
	tap_agg_one_add(&fast, 0, 3, 1, TAP_KEEP_ALL);
	ck_assert_int_eq(tap_agg_extract(c, &fast, 1, k7, TAP_X_COUNT, NULL), 1);
	ck_assert_int_eq(tap_agg_extract(c, &fast, 0, NULL, TAP_X_SUM, NULL), 3);
	tap_aggs_destroy(&fast);
	free(c);
}
END_TEST

/* The plain update's marks (count stored first, done last) against a reader on another
   CPU: one writer adds 1, 2, 3, ... to a statistic without keys and to one key, so any
   whole copy holds a run of consecutive values: count == max - min + 1 and
   2 * sum == count * (min + max). A copy with part of an update fails that. The reader
   also deletes now and then, so restarts and resets (under the sequence count) race too.
   ThreadSanitizer makes each update some ten times slower: fewer there. */
#ifdef __SANITIZE_THREAD__
#define MARK_UPDATES 1000000
#else
#define MARK_UPDATES 10000000
#endif
static struct tap_aggs marks;
static struct tap_agg_spec mark_specs[] = {
	{ "one", 0, { 0 }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, TAP_KEEP_ALL },
	{ "keyed", 1, { TAP_T_LONG }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, TAP_KEEP_ALL },
};
static long marks_seen;

static uint32_t kh_l(const union tap_key *k)
{
	return tap_hash_end(tap_hash_long(tap_hash_start(1), k[0].l));
}

static int ke_l(const union tap_key *a, const union tap_key *b)
{
	return a[0].l == b[0].l;
}

static void *mark_writer(void *arg)
{
	cpu_of_thread = (int)(intptr_t)arg;
	struct tap_ctx *c = ctx();
	union tap_key k[] = { { .l = 42 } };
	for (int64_t v = 1; v <= MARK_UPDATES; v++) {
		tap_agg_one_add(&marks, 0, v, 1, TAP_KEEP_ALL);
		tap_agg_add_with(c, &marks, 1, k, kh_l(k), ke_l, v, 1, TAP_KEEP_ALL, NULL);
	}
	thread_check(c->error == NULL);
	free(c);
	return NULL;
}

static int is_run(const struct tap_stat *st)
{
	return st->count == st->max - st->min + 1 && 2 * st->sum == st->count * (st->min + st->max);
}

static void *mark_reader(void *arg)
{
	cpu_of_thread = 1;
	struct tap_ctx *c = ctx();
	struct tap_stat *st = (struct tap_stat *)c->statbuf[0];
	union tap_key k[] = { { .l = 42 } };
	long reads = 0;
	while (!__atomic_load_n(&writers_done, __ATOMIC_ACQUIRE)) {
		if (tap_agg_one_read(&marks, 0, 0, st)) {
			thread_check(is_run(st));
			marks_seen++;
		}
		if (tap_agg_get(&marks, 1, k, st, (struct tap_stat *)c->statbuf[1])) {
			thread_check(is_run(st));
			marks_seen++;
		}
		if (++reads % 5000 == 0) {
			tap_agg_clear(&marks, 0);
			tap_agg_delete(&marks, 1, k);
		}
	}
	free(c);
	return arg;
}

START_TEST(plain_updates_are_never_seen_torn)
{
	ck_assert_int_eq(tap_aggs_init(&marks, mark_specs, 2, 2, 1 << 20), 0);
	pthread_t w, r;
	writers_done = 0;
	thread_failures = 0;
	marks_seen = 0;
	pthread_create(&r, NULL, mark_reader, NULL);
	pthread_create(&w, NULL, mark_writer, (void *)(intptr_t)0);
	pthread_join(w, NULL);
	__atomic_store_n(&writers_done, 1, __ATOMIC_RELEASE);
	pthread_join(r, NULL);
	ck_assert_int_eq(thread_failures, 0);
	ck_assert_int_gt(marks_seen, 0);
	/* one more value: the reader's last delete may have come after the writer's last */
	cpu_of_thread = 0;
	tap_agg_one_add(&marks, 0, MARK_UPDATES + 1, 1, TAP_KEEP_ALL);
	struct tap_stat *st = malloc(4096);
	ck_assert(tap_agg_one_read(&marks, 0, 0, st));
	ck_assert(is_run(st));
	ck_assert_int_eq(st->max, MARK_UPDATES + 1);
	tap_aggs_destroy(&marks);
	free(st);
}
END_TEST

/* A statistic the script reads only with @count keeps only its count (keep 0): one
   word per update, no done mark, and readers on another CPU see it only grow. */
static struct tap_aggs counts;
static struct tap_agg_spec count_specs[] = {
	{ "one", 0, { 0 }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, 0 },
	{ "keyed", 1, { TAP_T_LONG }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, 0 },
};

static void *count_writer(void *arg)
{
	cpu_of_thread = (int)(intptr_t)arg;
	struct tap_ctx *c = ctx();
	union tap_key k[] = { { .l = 7 } };
	for (int64_t v = 1; v <= MARK_UPDATES / 10; v++) {
		tap_agg_one_add(&counts, 0, v, 1, 0);
		tap_agg_add_with(c, &counts, 1, k, kh_l(k), ke_l, v, 1, 0, NULL);
	}
	thread_check(c->error == NULL);
	free(c);
	return NULL;
}

static void *count_reader(void *arg)
{
	cpu_of_thread = 1;
	struct tap_ctx *c = ctx();
	struct tap_stat *st = (struct tap_stat *)c->statbuf[0];
	union tap_key k[] = { { .l = 7 } };
	int64_t last_one = 0, last_keyed = 0;
	while (!__atomic_load_n(&writers_done, __ATOMIC_ACQUIRE)) {
		if (tap_agg_one_read(&counts, 0, 0, st)) {
			thread_check(st->count >= last_one);
			last_one = st->count;
		}
		if (tap_agg_get(&counts, 1, k, st, (struct tap_stat *)c->statbuf[1])) {
			thread_check(st->count >= last_keyed);
			last_keyed = st->count;
		}
	}
	free(c);
	return arg;
}

START_TEST(count_only_statistics_keep_just_the_count)
{
	ck_assert_int_eq(tap_aggs_init(&counts, count_specs, 2, 2, 1 << 20), 0);
	pthread_t w, r;
	writers_done = 0;
	thread_failures = 0;
	pthread_create(&r, NULL, count_reader, NULL);
	pthread_create(&w, NULL, count_writer, (void *)(intptr_t)0);
	pthread_join(w, NULL);
	__atomic_store_n(&writers_done, 1, __ATOMIC_RELEASE);
	pthread_join(r, NULL);
	ck_assert_int_eq(thread_failures, 0);
	struct tap_stat *st = malloc(4096), *scratch = malloc(4096);
	ck_assert(tap_agg_one_read(&counts, 0, 0, st));
	ck_assert_int_eq(st->count, MARK_UPDATES / 10);
	ck_assert_int_eq(st->sum, 0); /* not kept */
	union tap_key k[] = { { .l = 7 } };
	ck_assert(tap_agg_get(&counts, 1, k, st, scratch));
	ck_assert_int_eq(st->count, MARK_UPDATES / 10);
	ck_assert_int_eq(st->sum, 1); /* only the first value, added by the general path */
	tap_aggs_destroy(&counts);
	free(st);
	free(scratch);
}
END_TEST

/* Strings hashed and compared 8 bytes at a time agree with strcmp at every length and
   alignment, also when a string ends right before an unmapped page. */
START_TEST(string_keys_word_at_a_time)
{
	char *pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(pg != MAP_FAILED);
	ck_assert_int_eq(mprotect(pg + 4096, 4096, PROT_NONE), 0);
	char a[40], b[64];
	for (int la = 0; la < 20; la++) {
		for (int lb = 0; lb < 20; lb++) {
			for (int diff = -1; diff < lb; diff++) {
				for (int i = 0; i < la; i++)
					a[i] = 'a' + i % 5;
				a[la] = '\0';
				memset(b, 'x', sizeof b);
				int off = (la + lb + diff) & 7;
				for (int i = 0; i < lb; i++)
					b[off + i] = i < la ? a[i] : 'q';
				b[off + lb] = '\0';
				if (diff >= 0)
					b[off + diff] ^= 1;
				char *pa = pg + 4096 - (la + 1);
				memcpy(pa, a, la + 1);
				int eq = strcmp(pa, b + off) == 0;
				ck_assert_int_eq(tap_str_eq(pa, b + off), eq);
				ck_assert_int_eq(tap_str_eq(b + off, pa), eq);
				if (eq)
					ck_assert_uint_eq(tap_hash_str(1, pa), tap_hash_str(1, b + off));
			}
		}
	}
	munmap(pg, 8192);
	/* keys like the memory benchmark's spread over the buckets */
	static uint32_t seen[1 << 16];
	int distinct = 0;
	char key[32];
	for (int i = 0; i < 50000; i++) {
		snprintf(key, sizeof key, "key%d", i);
		union tap_key k[] = { { .s = key } };
		uint32_t h = tap_key_hash(k, 1, (const uint8_t[]){ TAP_T_STR }, 3) & 0xffff;
		distinct += !seen[h]++;
	}
	ck_assert_int_gt(distinct, 28000); /* random: 65536 * (1 - e^(-50000/65536)) = 34,000 */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("maps and aggregations");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, map_set_get_delete_and_overflow);
	tcase_add_test(tc, map_overflow_names_maxmapentries);
	tcase_add_test(tc, map_sorted_iteration_is_stable);
	tcase_add_test(tc, per_cpu_updates_merge_exactly);
	tcase_add_test(tc, pool_full_is_an_error_not_a_crash);
	tcase_add_test(tc, inline_updates_merge_exactly);
	tcase_add_test(tc, deletes_race_with_updates);
	tcase_add_test(tc, plain_updates_are_never_seen_torn);
	tcase_add_test(tc, count_only_statistics_keep_just_the_count);
	tcase_add_test(tc, string_keys_word_at_a_time);
	tcase_add_test(tc, slices_see_every_cpu);
	tcase_add_test(tc, map_slices);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
