/* Speed of tapio's user-level merge: 1,000,000 distinct keys, each on 2 CPUs, as the
   module's snapshot would carry them. Prints keys merged per second. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "aggmerge.h"
#include "transport_proto.h"

int main(int argc, char **argv)
{
	long nkeys = argc > 1 ? atol(argv[1]) : 1000000;
	const int ncpus = 2;
	size_t entry = sizeof(struct tap_snap_hdr) + TAP_SNAP_STAT_WORDS * 8 + 8;
	size_t len = entry * (size_t)nkeys * ncpus;
	char *snap = malloc(len), *p = snap;
	if (!snap)
		return 1;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		for (long k = 0; k < nkeys; k++) {
			struct tap_snap_hdr h = { 0, (uint16_t)cpu, (uint32_t)entry };
			int64_t st[TAP_SNAP_STAT_WORDS] = { 1, k, k, k, 0, 0, 0, 0 };
			int64_t key = k * 7919;
			memcpy(p, &h, sizeof h);
			memcpy(p + sizeof h, st, sizeof st);
			memcpy(p + sizeof h + sizeof st, &key, 8);
			p += entry;
		}
	}
	struct agg_dict dict;
	if (agg_dict_parse(&dict, "0 bench 1 L 0 0 0 0 0\n"))
		return 1;
	struct agg_table t;
	agg_table_init(&t);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	long merged = agg_merge_snapshot(&t, &dict, snap, len);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	if (merged != nkeys * ncpus || (long)t.used != nkeys) {
		fprintf(stderr, "merge-bench: merged %ld data sets into %zu keys, expected %ld\n", merged, t.used, nkeys);
		return 1;
	}
	printf("tapio merge: %ld keys x %d CPUs in %.3f s: %.0f data sets/s, %.0f keys/s\n", nkeys, ncpus, s,
	       (double)merged / s, (double)nkeys / s);
	agg_table_free(&t);
	free(dict.d);
	free(snap);
	return 0;
}
