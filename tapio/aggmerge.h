/* User-level aggregation (seed 000's consumer): the module's dictionary of aggregation
   ids and a snapshot of every CPU's data sets are merged here into one hash table. */
#ifndef TAPIO_AGGMERGE_H
#define TAPIO_AGGMERGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct agg_desc {
	char name[128];
	int nkeys;
	char ktypes[10];       /* 'L' or 'S' per key part */
	int hist;              /* 0 none, 1 log, 2 linear */
	int64_t start, stop, interval;
	int nbuckets;
	int keep;              /* TAP_KEEP_* (agg.h): kept besides the count */
};

struct agg_dict {
	int n;
	struct agg_desc *d;
};

/* One merged data set: an aggregation id, its key (in the snapshot's encoding), value. */
struct agg_row {
	uint16_t id;
	uint32_t keylen;
	uint64_t hash;
	size_t key_off;        /* key bytes in the table's arena */
	size_t hist_off;       /* nbuckets counts in the arena, if a histogram */
	int64_t count, sum, min, max;
};

struct agg_table {
	struct agg_row *rows;  /* open addressing; count == 0 marks a free slot */
	size_t cap, used;
	char *keys;            /* arena for key bytes and histograms */
	size_t keys_len, keys_cap;
};

int agg_dict_parse(struct agg_dict *dict, const char *text);
void agg_table_init(struct agg_table *t);
void agg_table_free(struct agg_table *t);
/* Adds every data set of a snapshot; returns the number merged, or -1 if malformed. */
long agg_merge_snapshot(struct agg_table *t, const struct agg_dict *dict, const char *buf, size_t len);
/* One JSON document: {"aggregations": {"name": [{"key": [...], "count": ...}, ...]}} */
void agg_print_json(FILE *out, const struct agg_table *t, const struct agg_dict *dict);

/* The same in SystemTap's display of statistics: `name[k1,"k2"] @count=N @min=... @avg=N`,
   each aggregation's rows by count, largest first. */
void agg_print_text(FILE *out, const struct agg_table *t, const struct agg_dict *dict);
/* The same for one aggregation, as the display of a statistic written but never read
   at the end of the session (an empty one shows nothing, as in SystemTap). */
void agg_print_autoprint(FILE *out, const struct agg_table *t, const struct agg_dict *dict, int id);

#endif
