/* The runtime's hot paths in user space, for callgrind (bench/callgrind-hot-paths).

     hot-paths OP N

   runs OP N times inside bench_run(), the only function callgrind is told to count
   (--toggle-collect=bench_run), so instructions per operation = Ir / N.  Keyed
   operations first fill their keys once outside bench_run, so the count is that of a
   steady-state update, as in bench/run-bench's best round.  Each OP makes the calls
   tapc generates for the statement in its comment (see tapc -p3), against the whole
   portable runtime compiled as one unit, as a module compiles it.  The platform layer
   is stubbed: malloc for memory, CPU 0, output thrown away (barriers are tap_once.h's,
   which on x86 only stop the compiler, as smp_wmb does).  OP "empty"
   is the driver's own loop and dispatch, which callgrind-hot-paths subtracts. */
#include "tap_runtime.h"
#include <stdlib.h>

/* ---- platform stubs ---- */
void *tap_alloc(size_t size) { return malloc(size); }
void tap_free(void *p) { free(p); }
int tap_cpu_id(void) { return 0; }
void tap_output_flush(struct tap_ctx *c) { c->olen = 0; }
int tap_output_aggprint(struct tap_ctx *c, int id) { return 0; }
void tap_request_exit(void) {}
void tap_script_exit(void) {}
/* The kernel's execname() copies current->comm. */
static const char *comm = "kworker/u4:0";
const char *tap_fn_execname(struct tap_ctx *c, char *out) { return tap_strcpy(out, comm); }

/* ---- the statistics and array of the benchmark script (bench/scripts/ops.stp) ----
   It reads only @count of agg_scalar, agg_int and agg_three, so tapc keeps only their
   counts (keep 0); agg_scalar_all is a scalar whose script reads @sum, @min and @max too. */
static struct tap_agg_spec specs[] = {
	{ "agg_scalar", 0, { 0 }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, 0 },
	{ "agg_int", 1, { TAP_T_LONG }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, 0 },
	{ "agg_three", 3, { TAP_T_LONG, TAP_T_STR, TAP_T_LONG }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES,
	  0, 0, 0, 0 },
	{ "s", 1, { TAP_T_STR }, TAP_HIST_NONE, 0, 0, 0, 0, 50000, 0, 0, 0, TAP_KEEP_ALL },
	{ "h", 0, { 0 }, TAP_HIST_LOG, 0, 0, 0, TAP_HIST_LOG_BUCKETS, MAXMAPENTRIES, 0, 0, 0, TAP_KEEP_ALL },
	{ "agg_scalar_all", 0, { 0 }, TAP_HIST_NONE, 0, 0, 0, 0, MAXMAPENTRIES, 0, 0, 0, TAP_KEEP_ALL },
};
static struct tap_aggs aggs;
static struct tap_map plain = { .name = "plain", .nkeys = 1, .ktypes = { TAP_T_LONG },
				.vtype = TAP_T_LONG, .max_entries = MAXMAPENTRIES };
static struct tap_ctx *c;

/* The key hash and compare tapc emits per array (tapc -p3). */
static inline uint32_t kh_agg_int(const union tap_key *k)
{
	return tap_hash_end(tap_hash_long(tap_hash_start(1), k[0].l));
}
static inline int ke_agg_int(const union tap_key *a, const union tap_key *b)
{
	return a[0].l == b[0].l;
}
static inline uint32_t kh_agg_three(const union tap_key *k)
{
	uint64_t h = tap_hash_start(2);
	h = tap_hash_long(h, k[0].l);
	h = tap_hash_str(h, k[1].s);
	h = tap_hash_long(h, k[2].l);
	return tap_hash_end(h);
}
static inline int ke_agg_three(const union tap_key *a, const union tap_key *b)
{
	return a[0].l == b[0].l && tap_str_eq(a[1].s, b[1].s) && a[2].l == b[2].l;
}
static inline uint32_t kh_plain(const union tap_key *k)
{
	return tap_hash_end(tap_hash_long(tap_hash_start(0), k[0].l));
}
#define ke_plain ke_agg_int
static char t0[MAXSTRINGLEN], t1[MAXSTRINGLEN];
static const char near[] = "operator '<<<' at ops.stp:1:1";

enum op { EMPTY, AGG_SCALAR, AGG_SCALAR_ALL, AGG_INT1000, AGG_THREE, PLAIN_ADD, PRINTF, AGG_STR_INSERT, AGG_HIST_LOG,
	  MAP_GET, SPRINTF, NOPS };
static const char *const names[NOPS] = {
	"empty", "agg_scalar", "agg_scalar_all", "agg_int1000", "agg_three", "plain_add", "printf", "agg_str_insert",
	"agg_hist_log", "map_get", "sprintf",
};

/* sprintf("key%d", i) as tapc compiles it (translator/codegen_printf.c). */
static inline const char *sprintf_key(char *d, int64_t a0)
{
	char *p = d;
	if (likely(1 + 25 < MAXSTRINGLEN)) {
		p = tap_put_mem(p, "key", 3);
		p = tap_put_dec(p, a0);
		*p = '\0';
	} else {
		tap_sprintf(d, "key%d", (const struct tap_fmt_arg[]){ { 0, a0, NULL } }, 1);
	}
	return d;
}

/* printf("%d %s\n", i, "bench line") as tapc compiles it. */
static inline void printf_line(int64_t a0, const char *a1)
{
	if (likely(!c->error)) {
		int ok = 1 && a1;
		size_t n1 = a1 ? strlen(a1) : 0;
		char *p = ok ? tap_print_reserve(c, 28 + n1) : NULL;
		if (likely(p != NULL)) {
			p = tap_put_dec(p, a0);
			p = tap_put_mem(p, " ", 1);
			p = tap_put_mem(p, a1, n1);
			p = tap_put_mem(p, "\n", 1);
			tap_print_commit(c, p);
		} else {
			tap_printf(c, "%d %s\012", (const struct tap_fmt_arg[]){ { 0, a0, NULL }, { 1, 0, a1 } }, 2);
		}
	}
}

static void one(enum op op, int64_t i)
{
	switch (op) {
	case EMPTY:		/* the driver's own cost per iteration, subtracted from the others */
		break;
	case AGG_SCALAR:	/* agg_scalar <<< i */
		tap_agg_one_add(&aggs, 0, i, 1, 0);
		break;
	case AGG_SCALAR_ALL:	/* agg_scalar_all <<< i, with @sum, @min and @max read */
		tap_agg_one_add(&aggs, 5, i, 1, TAP_KEEP_ALL);
		break;
	case AGG_INT1000: {	/* agg_int[i % 1000] <<< i */
		const union tap_key *k = (const union tap_key[]){ { .l = tap_mod(c, i, 1000, near) } };
		tap_agg_add_with(c, &aggs, 1, k, kh_agg_int(k), ke_agg_int, i, 1, 0, near);
		break;
	}
	case AGG_THREE: {	/* agg_three[i % 1000, execname(), i % 10] <<< i */
		const union tap_key *k = (const union tap_key[]){ { .l = tap_mod(c, i, 1000, near) },
			{ .s = (c->near = near, tap_fn_execname(c, t0)) }, { .l = tap_mod(c, i, 10, near) } };
		tap_agg_add_with(c, &aggs, 2, k, kh_agg_three(k), ke_agg_three, i, 1, 0, near);
		break;
	}
	case PLAIN_ADD: {	/* plain[i % 1000] += i */
		const union tap_key *k = (const union tap_key[]){ { .l = tap_mod(c, i, 1000, near) } };
		struct tap_map_ent *e = tap_map_find_with(&plain, kh_plain(k), k, ke_plain);
		int64_t v = (e ? e->lval : 0) + i;
		if (e && !c->error)
			e->lval = v;
		else if (!c->error)
			tap_map_set_long(c, &plain, k, v, near);
		break;
	}
	case PRINTF:		/* printf("%d %s\n", i, "bench line") */
		printf_line(i, "bench line");
		break;
	case AGG_STR_INSERT:	/* s[sprintf("key%d", i)] <<< i, every key new */
		tap_agg_add(c, &aggs, 3, (const union tap_key[]){
			{ .s = sprintf_key(t1, i) } }, i, near);
		break;
	case AGG_HIST_LOG:	/* h <<< i, with @hist_log(h) somewhere */
		tap_agg_add(c, &aggs, 4, NULL, i, near);
		break;
	case MAP_GET: {		/* x = plain[i % 1000] */
		const union tap_key *k = (const union tap_key[]){ { .l = tap_mod(c, i, 1000, near) } };
		struct tap_map_ent *e = tap_map_find_with(&plain, kh_plain(k), k, ke_plain);
		__asm__ __volatile__("" :: "r"(e ? e->lval : 0));
		break;
	}
	case SPRINTF:		/* sprintf("key%d", i) */
		sprintf_key(t1, i);
		break;
	default:
		break;
	}
}

/* The only code callgrind counts. */
__attribute__((noinline)) void bench_run(enum op op, int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		one(op, i);
	__asm__ __volatile__("" ::: "memory");
}

int main(int argc, char **argv)
{
	int op;
	if (argc != 3) {
		fprintf(stderr, "usage: hot-paths OP N\n  OP:");
		for (op = 0; op < NOPS; op++)
			fprintf(stderr, " %s", names[op]);
		fprintf(stderr, "\n");
		return 2;
	}
	for (op = 0; op < NOPS && strcmp(argv[1], names[op]); op++)
		;
	int64_t n = atoll(argv[2]);
	if (op == NOPS || n <= 0) {
		fprintf(stderr, "hot-paths: bad OP or N\n");
		return 2;
	}
	c = calloc(1, sizeof *c);
	if (!c || tap_aggs_init(&aggs, specs, (int)(sizeof specs / sizeof specs[0]), 1,
				(size_t)TAP_AGG_POOL_MB << 20) || tap_map_init(&plain))
		return 1;
	/* Keys in place first: bench_run then measures updates. */
	if (op != AGG_STR_INSERT)
		for (int64_t i = 0; i < 1000; i++)
			one(op == MAP_GET ? PLAIN_ADD : (enum op)op, i);
	c->olen = 0;
	bench_run((enum op)op, n);
	if (c->error) {
		fprintf(stderr, "hot-paths: %s: runtime error: %s\n", names[op], c->error);
		return 1;
	}
	return 0;
}
