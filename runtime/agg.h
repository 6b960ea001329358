/* Statistics as per-CPU aggregation buffers (after seed 000): each CPU owns a hash table
   of data sets (aggregation id, key, value) carved from its own memory pool. `<<<` touches
   only the current CPU's buffer: no lock, no atomic operation, no shared cache line
   written. Readers merge the CPUs, using each buffer's sequence count to see a
   consistent data set; deletes bump a per-aggregation generation, and stale data sets
   are reset when next updated or reclaimed when the pool runs dry. A statistic without
   a key is not in the tables: each CPU has its own struct tap_agg_one for it. */
#ifndef TAP_AGG_H
#define TAP_AGG_H

#include "map.h"
#include "tap_once.h"
#include "transport_proto.h" /* TAP_KEEP_* */

enum { TAP_HIST_NONE, TAP_HIST_LOG, TAP_HIST_LINEAR };
#define TAP_HIST_LOG_BUCKETS 128
#define TAP_HIST_MAX_BUCKETS (TAP_STAT_WORDS - 8)

/* What the compiler knows about one statistics global. */
struct tap_agg_spec {
	const char *name;
	int nkeys;
	uint8_t ktypes[TAP_MAX_KEYS];
	int hist;
	int64_t start, stop, interval; /* @hist_linear */
	int nbuckets;                  /* histogram buckets (with under/overflow for linear) */
	int64_t max_entries;
	int var_shift;                 /* @variance(x, N): its bit shift N (0..62), else 0 */
	int variance;                  /* @variance is used: keep its running state */
	int sized;                     /* global a[N]: max_entries is N, not MAXMAPENTRIES */
	int keep;                      /* TAP_KEEP_*: what a plain update keeps besides count */
};

struct tap_stat {
	int64_t count, sum, min, max;
	int64_t avg_s, var_s;          /* @variance's running state, scaled (see hist.c) */
	int64_t m2, var;
	int64_t hist[];
};

struct tap_agg_ent {
	struct tap_agg_ent *next;
	union {
		struct {
			uint32_t hash;
			uint32_t id;
		};
		uint64_t hid;          /* both, compared as one word (tap_agg_hid) */
	};
	uint32_t gen;
	uint32_t size;                 /* bytes, for reuse */
	uint32_t done;                 /* st.count when no update is under way (agg_update.h) */
	struct tap_stat st;            /* then hist buckets, then keys */
};

struct tap_agg_chunk;

struct tap_agg_cpu {
	uint32_t seq;                  /* odd while the owner links, resets or changes more
					  than count, sum, min and max of a data set */
	uint32_t nbuckets;
	struct tap_agg_ent **buckets;
	struct tap_agg_chunk *chunks;  /* memory pool, grown a chunk at a time */
	size_t used, limit;
	struct tap_agg_ent *spare;     /* reclaimed data sets */
	uint32_t *added;               /* per aggregation: data sets this CPU linked or revived
					  (at least its live ones: deletes do not lower it) */
};

/* A statistic without a key, on one CPU: updated in place, only by that CPU. */
struct tap_agg_one {
	uint32_t seq;                  /* odd while its CPU resets it or adds to a histogram */
	uint32_t stale;                /* set by delete: the next update starts afresh */
	uint32_t done;                 /* st.count when no update is under way (agg_update.h) */
	struct tap_stat st;            /* then its histogram */
};

struct tap_aggs {
	int ncpus;
	struct tap_agg_cpu *cpu;
	void **one;                    /* per aggregation without keys: its per-CPU storage */
	size_t *one_size;              /* bytes of one CPU's struct tap_agg_one */
	uint32_t *gen;                 /* per aggregation: bumped by delete */
	const struct tap_agg_spec *specs;
	int nspecs;
};

/* Platform layer. In the kernel it is inline: the updates generated code makes
   use it, and a script's unit is compiled apart from the glue (kbuild_prebuilt.c).
   Event probes run with preemption off; begin and end probes may move between CPUs,
   but they never run while another probe writes statistics, so any buffer will do. */
#ifdef __KERNEL__
#include <linux/smp.h>
static inline int tap_cpu_id(void) { return raw_smp_processor_id(); }
#else
int tap_cpu_id(void);
#endif

int tap_aggs_init(struct tap_aggs *a, const struct tap_agg_spec *specs, int nspecs, int ncpus,
		  size_t pool_bytes_per_cpu);
void tap_aggs_destroy(struct tap_aggs *a);

/* x <<< v, a[k] <<< v */
void tap_agg_add(struct tap_ctx *c, struct tap_aggs *a, int id, const union tap_key *k, int64_t v,
		 const char *near);
/* The merged value of one key across CPUs into out (sized for the histogram);
   returns 0 if no CPU has it. */
int tap_agg_get(struct tap_aggs *a, int id, const union tap_key *k, struct tap_stat *out,
		struct tap_stat *scratch);
void tap_agg_delete(struct tap_aggs *a, int id, const union tap_key *k);
void tap_agg_clear(struct tap_aggs *a, int id);
int tap_agg_exists(struct tap_ctx *c, struct tap_aggs *a, int id, const union tap_key *k);
/* Slices (see tap_key_match): [*, k] in S, delete S[*, k], across all CPUs. */
int tap_agg_exists_slice(struct tap_ctx *c, struct tap_aggs *a, int id, const union tap_key *k, uint32_t mask);
void tap_agg_delete_slice(struct tap_aggs *a, int id, const union tap_key *k, uint32_t mask);

enum tap_extractor { TAP_X_COUNT, TAP_X_SUM, TAP_X_MIN, TAP_X_MAX, TAP_X_AVG, TAP_X_VARIANCE };
int64_t tap_stat_extract(struct tap_ctx *c, const struct tap_stat *st, enum tap_extractor x,
			 const char *near);
int64_t tap_agg_extract(struct tap_ctx *c, struct tap_aggs *a, int id, const union tap_key *k,
			enum tap_extractor x, const char *near);

/* foreach over a statistics array: merged data sets, sorted on a key column (1..n),
   on an extractor's value (-1), or unsorted (0). Each item is a struct tap_agg_merged. */
struct tap_agg_merged {
	union tap_key *key;
	struct tap_stat st;
};
int tap_agg_iter_begin(struct tap_ctx *c, struct tap_aggs *a, int id, struct tap_iter *it,
		       int column, enum tap_extractor by, int dir, int64_t limit);

/* One CPU's copy of a statistic without keys, if it holds values: 1 and *out, else 0. */
int tap_agg_one_read(struct tap_aggs *a, int id, int cpu, struct tap_stat *out);

/* Statistics math (hist.c) */
void tap_stat_init(struct tap_stat *st, const struct tap_agg_spec *spec);
/* A data set before its first value: like tap_stat_init, but min and max start at the
   far ends, so that tap_stat_add_plain needs no first-value case. */
void tap_stat_reset(struct tap_stat *st, const struct tap_agg_spec *spec);
#define TAP_STAT_MIN_START ((int64_t)(~(uint64_t)0 >> 1))
#define TAP_STAT_MAX_START (-TAP_STAT_MIN_START - 1)
/* tap_stat_reset of a data set other CPUs may be reading (a delete's restart). */
void tap_stat_restart(struct tap_stat *st, const struct tap_agg_spec *spec);
void tap_stat_add(struct tap_stat *st, const struct tap_agg_spec *spec, int64_t v);
void tap_stat_merge(struct tap_stat *dst, const struct tap_stat *src, const struct tap_agg_spec *spec);
int64_t tap_stat_avg(const struct tap_stat *st);
int64_t tap_stat_variance(const struct tap_stat *st);
int tap_hist_index(const struct tap_agg_spec *spec, int64_t v);
int tap_hist_linear_buckets(int64_t start, int64_t stop, int64_t interval);

/* Histogram printing with SystemTap's layout. */
void tap_print_hist(struct tap_ctx *c, const struct tap_agg_spec *spec, const struct tap_stat *st);
size_t tap_stat_size(const struct tap_agg_spec *spec);

/* At exit: globals written but never read (autoprint.c) */
void tap_autoprint_map(struct tap_ctx *c, struct tap_map *m);
void tap_autoprint_agg(struct tap_ctx *c, struct tap_aggs *a, int id);

#include "agg_update.h"

#endif
