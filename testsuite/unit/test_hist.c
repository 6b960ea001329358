/* Unit tests of the statistics math and the histogram printer (runtime/hist.c).

   The expected values follow SystemTap 4.8's algorithms step by step (worked
   out in the comments); the histogram texts and the variances marked
   "SystemTap 4.8 printed" were also checked against a real SystemTap 4.8 run. */
#include <check.h>
#include <stdlib.h>
#include "agg.h"

/* The platform layer, stood in for by a capture buffer. */
static char flushed[64 * 1024];
static size_t nflushed;

void tap_output_flush(struct tap_ctx *c)
{
	memcpy(flushed + nflushed, c->obuf, c->olen);
	nflushed += c->olen;
	c->olen = 0;
}

void tap_request_exit(void) {}
void tap_script_exit(void) {}

static struct tap_agg_spec spec(int hist, int64_t start, int64_t stop, int64_t interval)
{
	struct tap_agg_spec s;
	memset(&s, 0, sizeof s);
	s.name = "x";
	s.hist = hist;
	s.start = start;
	s.stop = stop;
	s.interval = interval;
	s.variance = 1; /* these tests read @variance */
	if (hist == TAP_HIST_LOG)
		s.nbuckets = TAP_HIST_LOG_BUCKETS;
	else if (hist == TAP_HIST_LINEAR)
		s.nbuckets = tap_hist_linear_buckets(start, stop, interval);
	return s;
}

static int64_t words[8][TAP_STAT_WORDS];

/* One CPU's data set: the values added in order. */
static struct tap_stat *cpu_stat(int cpu, const struct tap_agg_spec *s, const int64_t *v, int n)
{
	struct tap_stat *st = (struct tap_stat *)words[cpu];
	tap_stat_init(st, s);
	for (int i = 0; i < n; i++)
		tap_stat_add(st, s, v[i]);
	return st;
}

/* The merged value of CPUs 0..ncpus-1, as a reader sees it. */
static struct tap_stat *merged(const struct tap_agg_spec *s, int ncpus)
{
	struct tap_stat *out = (struct tap_stat *)words[7];
	tap_stat_init(out, s);
	for (int i = 0; i < ncpus; i++)
		if (((struct tap_stat *)words[i])->count)
			tap_stat_merge(out, (struct tap_stat *)words[i], s);
	return out;
}

#define VALS(...) ((const int64_t[]){ __VA_ARGS__ }), \
	(int)(sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t))

/* Everything on one CPU, merged. */
static struct tap_stat *one_cpu(const struct tap_agg_spec *s, const int64_t *v, int n)
{
	cpu_stat(0, s, v, n);
	return merged(s, 1);
}

/* What tap_print_hist prints, as a C string. */
static const char *printed(const struct tap_agg_spec *s, const struct tap_stat *st)
{
	struct tap_ctx *c = calloc(1, sizeof *c);
	nflushed = 0;
	tap_print_hist(c, s, st);
	tap_output_flush(c);
	free(c);
	flushed[nflushed] = '\0';
	return flushed;
}

/* ---- buckets ---- */

START_TEST(log_buckets)
{
	struct tap_agg_spec s = spec(TAP_HIST_LOG, 0, 0, 0);
	ck_assert_int_eq(tap_hist_index(&s, 0), 64);
	ck_assert_int_eq(tap_hist_index(&s, 1), 65);
	ck_assert_int_eq(tap_hist_index(&s, -1), 63);
	ck_assert_int_eq(tap_hist_index(&s, 2), 66);
	ck_assert_int_eq(tap_hist_index(&s, 3), 66);
	ck_assert_int_eq(tap_hist_index(&s, 4), 67);
	ck_assert_int_eq(tap_hist_index(&s, -2), 62);
	ck_assert_int_eq(tap_hist_index(&s, -3), 62);
	ck_assert_int_eq(tap_hist_index(&s, -4), 61);
	/* [2^k, 2^(k+1)) -> 65 + k; the negatives mirror around bucket 64 */
	for (int k = 0; k < 63; k++) {
		int64_t p = (int64_t)1 << k, top = (int64_t)(((uint64_t)p << 1) - 1);
		ck_assert_int_eq(tap_hist_index(&s, p), 65 + k);
		ck_assert_int_eq(tap_hist_index(&s, top), 65 + k);
		ck_assert_int_eq(tap_hist_index(&s, -p), 63 - k);
		ck_assert_int_eq(tap_hist_index(&s, -top), 63 - k);
	}
	ck_assert_int_eq(tap_hist_index(&s, INT64_MAX), 127);
	ck_assert_int_eq(tap_hist_index(&s, (int64_t)1 << 62), 127);
	ck_assert_int_eq(tap_hist_index(&s, INT64_MIN + 1), 1);
	ck_assert_int_eq(tap_hist_index(&s, INT64_MIN), 0);
}
END_TEST

START_TEST(linear_bucket_counts)
{
	/* (stop - start) / interval + 3, in C int, valid from 3 to 128 */
	ck_assert_int_eq(tap_hist_linear_buckets(0, 100, 10), 13);
	ck_assert_int_eq(tap_hist_linear_buckets(0, 10, 3), 6);
	ck_assert_int_eq(tap_hist_linear_buckets(-5, 5, 20), 3);
	ck_assert_int_eq(tap_hist_linear_buckets(0, 125, 1), 128);
	ck_assert_int_eq(tap_hist_linear_buckets(0, 126, 1), 0);
	ck_assert_int_eq(tap_hist_linear_buckets(0, 1000, 1), 0);
	ck_assert_int_eq(tap_hist_linear_buckets(0, 100, 0), 0);
	ck_assert_int_eq(tap_hist_linear_buckets(10, 0, 1), 0);
	ck_assert_int_eq(tap_hist_linear_buckets(0, 10, -1), 0);
	ck_assert_int_eq(tap_hist_linear_buckets(10, 0, -1), 13);
	/* the parameters are C ints: 5000000000 is 705032704 */
	ck_assert_int_eq(tap_hist_linear_buckets(0, 5000000000LL, 1000000000), 3);
	/* INT_MIN / -1 does not trap */
	ck_assert_int_eq(tap_hist_linear_buckets(0, INT32_MIN, -1), 0);
}
END_TEST

START_TEST(linear_buckets)
{
	struct tap_agg_spec s = spec(TAP_HIST_LINEAR, 0, 100, 10);
	ck_assert_int_eq(s.nbuckets, 13);
	ck_assert_int_eq(tap_hist_index(&s, -1), 0);
	ck_assert_int_eq(tap_hist_index(&s, INT64_MIN), 0);
	ck_assert_int_eq(tap_hist_index(&s, 0), 1);
	ck_assert_int_eq(tap_hist_index(&s, 9), 1);
	ck_assert_int_eq(tap_hist_index(&s, 10), 2);
	ck_assert_int_eq(tap_hist_index(&s, 99), 10);
	ck_assert_int_eq(tap_hist_index(&s, 100), 11);  /* [stop, stop + interval) is a bucket */
	ck_assert_int_eq(tap_hist_index(&s, 109), 11);
	ck_assert_int_eq(tap_hist_index(&s, 110), 12);  /* overflow */
	ck_assert_int_eq(tap_hist_index(&s, INT64_MAX), 12);

	/* stop not on the grid: the last bucket is [9, 12) */
	s = spec(TAP_HIST_LINEAR, 0, 10, 3);
	ck_assert_int_eq(tap_hist_index(&s, 10), 4);
	ck_assert_int_eq(tap_hist_index(&s, 11), 4);
	ck_assert_int_eq(tap_hist_index(&s, 12), 5);

	/* v - start wraps: INT64_MAX - (-1) is negative, so underflow */
	s = spec(TAP_HIST_LINEAR, -1, 9, 1);
	ck_assert_int_eq(tap_hist_index(&s, -1), 1);
	ck_assert_int_eq(tap_hist_index(&s, -2), 0);
	ck_assert_int_eq(tap_hist_index(&s, INT64_MAX), 0);

	/* a negative interval divides as the 32-bit unsigned 4294967295 */
	s = spec(TAP_HIST_LINEAR, 10, 0, -1);
	ck_assert_int_eq(tap_hist_index(&s, 9), 0);
	ck_assert_int_eq(tap_hist_index(&s, 10), 1);
	ck_assert_int_eq(tap_hist_index(&s, 10 + 4294967294LL), 1);
	ck_assert_int_eq(tap_hist_index(&s, 10 + 4294967295LL), 2);
}
END_TEST

START_TEST(stat_size)
{
	struct tap_agg_spec s = spec(TAP_HIST_NONE, 0, 0, 0);
	ck_assert_uint_eq(tap_stat_size(&s), sizeof(struct tap_stat));
	s = spec(TAP_HIST_LOG, 0, 0, 0);
	ck_assert_uint_eq(tap_stat_size(&s), sizeof(struct tap_stat) + 128 * 8);
	s = spec(TAP_HIST_LINEAR, 0, 100, 10);
	ck_assert_uint_eq(tap_stat_size(&s), sizeof(struct tap_stat) + 13 * 8);
	/* the largest fits a reader's buffer */
	s = spec(TAP_HIST_LINEAR, 0, 125, 1);
	ck_assert_uint_le(tap_stat_size(&s), TAP_STAT_WORDS * sizeof(int64_t));
	s = spec(TAP_HIST_LOG, 0, 0, 0);
	ck_assert_uint_le(tap_stat_size(&s), TAP_STAT_WORDS * sizeof(int64_t));
}
END_TEST

/* ---- count, sum, min, max, avg ---- */

START_TEST(plain_aggregates)
{
	struct tap_agg_spec s = spec(TAP_HIST_NONE, 0, 0, 0);
	struct tap_stat *st = one_cpu(&s, VALS(-7, 3, -100, 55, 0, 13));
	ck_assert_int_eq(st->count, 6);
	ck_assert_int_eq(st->sum, -36);
	ck_assert_int_eq(st->min, -100);
	ck_assert_int_eq(st->max, 55);
	ck_assert_int_eq(tap_stat_avg(st), -6);            /* -36 / 6 */
	/* integer division truncates toward 0 */
	ck_assert_int_eq(tap_stat_avg(one_cpu(&s, VALS(1, 2))), 1);
	ck_assert_int_eq(tap_stat_avg(one_cpu(&s, VALS(-1, -2))), -1);
	ck_assert_int_eq(tap_stat_avg(one_cpu(&s, VALS(-5, 3))), -1);
	/* the sum wraps */
	st = one_cpu(&s, VALS(INT64_MAX, 1));
	ck_assert_int_eq(st->sum, INT64_MIN);
	/* an empty data set */
	st = merged(&s, 0);
	ck_assert_int_eq(st->count, 0);
	ck_assert_int_eq(tap_stat_avg(st), 0);
}
END_TEST

START_TEST(merge_min_max_hist)
{
	struct tap_agg_spec s = spec(TAP_HIST_LOG, 0, 0, 0);
	cpu_stat(0, &s, VALS(5, 6, 7));
	cpu_stat(1, &s, VALS(-3, 100));
	cpu_stat(2, &s, VALS(1));
	struct tap_stat *st = merged(&s, 3);
	ck_assert_int_eq(st->count, 6);
	ck_assert_int_eq(st->sum, 116);
	ck_assert_int_eq(st->min, -3);
	ck_assert_int_eq(st->max, 100);
	ck_assert_int_eq(st->hist[67], 3);  /* 4..7 */
	ck_assert_int_eq(st->hist[62], 1);  /* -3 */
	ck_assert_int_eq(st->hist[71], 1);  /* 64..127 */
	ck_assert_int_eq(st->hist[65], 1);
}
END_TEST

/* ---- @variance ----
   Per CPU, each <<< after the first runs Welford's step on v << shift:
     delta = (int)((v << shift) - avg_s); avg_s += delta / count;
     m2 += delta * ((v << shift) - avg_s)
   and the CPU's scaled variance is m2 / (count - 1). */

START_TEST(variance_one_cpu)
{
	struct tap_agg_spec s = spec(TAP_HIST_NONE, 0, 0, 0);
	/* 2 4 4 4 5 5 7 9: avg_s stays 3 (every delta / count truncates to 0 but
	   the first, 2 / 2), m2 = 2+1+1+4+4+16+36 = 64, CPU variance 64 / 7 = 9.
	   A scalar is then measured against the overall mean 40 / 8 = 5:
	   (8 * (3 - 5)^2 + 7 * 9) / 7 = 95 / 7 = 13 (SystemTap 4.8 printed 13). */
	struct tap_stat *st = one_cpu(&s, VALS(2, 4, 4, 4, 5, 5, 7, 9));
	ck_assert_int_eq(tap_stat_variance(st), 13);
	ck_assert_int_eq(tap_stat_avg(st), 5);
	/* An array element just takes its one CPU's variance: 9. */
	s.nkeys = 1;
	ck_assert_int_eq(tap_stat_variance(one_cpu(&s, VALS(2, 4, 4, 4, 5, 5, 7, 9))), 9);

	/* 5 6 7 100: avg_s 5, 5, 5, then 5 + 95 / 4 = 28; m2 = 1 + 4 + 95 * 72 = 6845;
	   CPU variance 6845 / 3 = 2281 (SystemTap 4.8 printed 2281 for an array);
	   a scalar: (4 * (28 - 29)^2 + 3 * 2281) / 3 = 6847 / 3 = 2282. */
	ck_assert_int_eq(tap_stat_variance(one_cpu(&s, VALS(5, 6, 7, 100))), 2281);
	s.nkeys = 0;
	ck_assert_int_eq(tap_stat_variance(one_cpu(&s, VALS(5, 6, 7, 100))), 2282);

	/* one value: no variance */
	ck_assert_int_eq(tap_stat_variance(one_cpu(&s, VALS(42))), 0);
	s.nkeys = 2;
	ck_assert_int_eq(tap_stat_variance(one_cpu(&s, VALS(42))), 0);
}
END_TEST

START_TEST(variance_bit_shift)
{
	struct tap_agg_spec s = spec(TAP_HIST_NONE, 0, 0, 0);
	/* 1 4, shift 0: avg_s 1, delta 3, avg_s 1 + 3 / 2 = 2, m2 = 3 * 2 = 6; the
	   mean 5 / 2 = 2 matches, so the variance is 6 / 1 = 6. */
	ck_assert_int_eq(tap_stat_variance(one_cpu(&s, VALS(1, 4))), 6);
	/* shift 2: avg_s 4, delta 12, avg_s 10, m2 = 12 * 6 = 72; mean 20 / 2 = 10;
	   72 >> 4 = 4 (exact: 4.5). */
	s.var_shift = 2;
	ck_assert_int_eq(tap_stat_variance(one_cpu(&s, VALS(1, 4))), 4);
	/* SystemTap 4.8 printed 89923 for @variance(x, 4) of 1..10 and 1000 */
	s.var_shift = 4;
	ck_assert_int_eq(tap_stat_variance(one_cpu(&s, VALS(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1000))),
			 89923);
	ck_assert_int_eq(tap_stat_avg(one_cpu(&s, VALS(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1000))), 95);
}
END_TEST

START_TEST(variance_32bit_delta)
{
	/* SystemTap holds Welford's difference in an int: 1 - 3000000000 becomes
	   1294967297, and so on (SystemTap 4.8 printed avg 0, this variance). */
	struct tap_agg_spec s = spec(TAP_HIST_NONE, 0, 0, 0);
	struct tap_stat *st = one_cpu(&s, VALS(3000000000LL, 1, -3000000000LL));
	ck_assert_int_eq(tap_stat_avg(st), 0);
	ck_assert_int_eq(tap_stat_variance(st), -223372038031033983LL);
}
END_TEST

START_TEST(variance_two_cpus)
{
	/* CPU 0: 1 2 3 -> avg_s 1, m2 = 1 + 4 = 5, variance 5 / 2 = 2.
	   CPU 1: 10 20 -> avg_s 10 + 10 / 2 = 15, m2 = 10 * 5 = 50, variance 50.
	   Mean 36 / 5 = 7: (3 * (1 - 7)^2 + 2 * (15 - 7)^2 + 2 * 2 + 1 * 50) / 4
	   = (108 + 128 + 54) / 4 = 72, for a scalar and for an array alike. */
	for (int keys = 0; keys <= 1; keys++) {
		struct tap_agg_spec s = spec(TAP_HIST_NONE, 0, 0, 0);
		s.nkeys = keys;
		cpu_stat(0, &s, VALS(1, 2, 3));
		cpu_stat(1, &s, VALS(10, 20));
		struct tap_stat *st = merged(&s, 2);
		ck_assert_int_eq(tap_stat_variance(st), 72);
		ck_assert_int_eq(tap_stat_avg(st), 7);
		/* the other order gives the same */
		cpu_stat(1, &s, VALS(1, 2, 3));
		cpu_stat(0, &s, VALS(10, 20));
		ck_assert_int_eq(tap_stat_variance(merged(&s, 2)), 72);
		/* an idle CPU in between changes nothing */
		cpu_stat(0, &s, VALS(1, 2, 3));
		tap_stat_init((struct tap_stat *)words[1], &s);
		cpu_stat(2, &s, VALS(10, 20));
		ck_assert_int_eq(tap_stat_variance(merged(&s, 3)), 72);
	}
	/* [5] and [9] on two CPUs: mean 7, (1 * 4 + 1 * 4) / 1 = 8 (SystemTap printed 8) */
	struct tap_agg_spec s = spec(TAP_HIST_NONE, 0, 0, 0);
	s.nkeys = 1;
	cpu_stat(0, &s, VALS(5));
	cpu_stat(1, &s, VALS(9));
	ck_assert_int_eq(tap_stat_variance(merged(&s, 2)), 8);
}
END_TEST

START_TEST(variance_two_cpus_checked_against_systemtap)
{
	/* SystemTap 4.8 on 2 CPUs printed count 10 sum 501035 min -3 max 500000
	   avg 50103 variance 24988715974, and 24988600891 with shift 5. */
	for (int keys = 0; keys <= 1; keys++) {
		for (int shift = 0; shift <= 5; shift += 5) {
			struct tap_agg_spec s = spec(TAP_HIST_NONE, 0, 0, 0);
			s.nkeys = keys;
			s.var_shift = shift;
			cpu_stat(0, &s, VALS(1, 2, 3, 10, 1000));
			cpu_stat(1, &s, VALS(7, 7, 8, 500000, -3));
			struct tap_stat *st = merged(&s, 2);
			ck_assert_int_eq(st->count, 10);
			ck_assert_int_eq(st->sum, 501035);
			ck_assert_int_eq(st->min, -3);
			ck_assert_int_eq(st->max, 500000);
			ck_assert_int_eq(tap_stat_avg(st), 50103);
			ck_assert_int_eq(tap_stat_variance(st), shift ? 24988600891LL : 24988715974LL);
		}
	}
}
END_TEST

START_TEST(variance_three_cpus)
{
	/* With a third CPU holding 100, the two ways part.
	   A scalar measures every CPU against the overall mean 136 / 6 = 22:
	   (3 * 21^2 + 2 * 7^2 + 1 * 78^2 + 2 * 2 + 1 * 50 + 0) / 5 = 7559 / 5 = 1511.
	   An array joins pairwise: CPUs 0 and 1 give mean 7 and variance 72 (above);
	   then (5 * (7 - 22)^2 + 4 * 72 + 1 * 78^2 + 0) / 5 = 7497 / 5 = 1499. */
	struct tap_agg_spec s = spec(TAP_HIST_NONE, 0, 0, 0);
	cpu_stat(0, &s, VALS(1, 2, 3));
	cpu_stat(1, &s, VALS(10, 20));
	cpu_stat(2, &s, VALS(100));
	ck_assert_int_eq(tap_stat_variance(merged(&s, 3)), 1511);
	s.nkeys = 1;
	ck_assert_int_eq(tap_stat_variance(merged(&s, 3)), 1499);
}
END_TEST

/* SystemTap's scalar formula written out directly over the CPUs' records. */
static int64_t scalar_reference(int ncpus, int shift)
{
	uint64_t n = 0, sum = 0, s1 = 0, s2 = 0;
	for (int i = 0; i < ncpus; i++) {
		struct tap_stat *st = (struct tap_stat *)words[i];
		n += st->count;
		sum += st->sum;
	}
	int64_t mean = (int64_t)(sum << shift) / (int64_t)n;
	for (int i = 0; i < ncpus; i++) {
		struct tap_stat *st = (struct tap_stat *)words[i];
		uint64_t d = (uint64_t)st->avg_s - (uint64_t)mean;
		int64_t v = st->count > 1 ? st->m2 / (st->count - 1) : 0;
		s1 += (uint64_t)st->count * d * d;
		s2 += (uint64_t)(st->count - 1) * (uint64_t)v;
	}
	int64_t var_s = n > 1 ? (int64_t)(s1 + s2) / (int64_t)(n - 1) : 0;
	return var_s >> ((2 * shift) & 63);
}

START_TEST(variance_scalar_matches_formula)
{
	/* The running sums give SystemTap's result exactly, overflow included. */
	uint64_t seed = 12345;
	for (int round = 0; round < 2000; round++) {
		struct tap_agg_spec s = spec(TAP_HIST_NONE, 0, 0, 0);
		s.var_shift = round % 7 == 0 ? (int)(round % 40) : round % 3;
		int ncpus = 1 + round % 6;
		for (int cpu = 0; cpu < ncpus; cpu++) {
			struct tap_stat *st = (struct tap_stat *)words[cpu];
			tap_stat_init(st, &s);
			int n = 1 + (int)(seed >> 60);
			for (int i = 0; i < n; i++) {
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				int bits = 4 + (int)((seed >> 33) % 60);
				int64_t v = (int64_t)(seed >> (64 - bits)) - ((int64_t)1 << (bits - 2));
				tap_stat_add(st, &s, v);
			}
		}
		ck_assert_int_eq(tap_stat_variance(merged(&s, ncpus)), scalar_reference(ncpus, s.var_shift));
	}
}
END_TEST

START_TEST(variance_of_histogram_arrays_is_zero)
{
	/* SystemTap 4.8's @hist_* arrays never get their @variance flag to the
	   merge: it printed 0 for 5 6 7 100 (2281 without the histogram). */
	struct tap_agg_spec s = spec(TAP_HIST_LINEAR, 0, 20, 5);
	s.nkeys = 1;
	ck_assert_int_eq(tap_stat_variance(one_cpu(&s, VALS(5, 6, 7, 100))), 0);
	cpu_stat(0, &s, VALS(1, 2, 3));
	cpu_stat(1, &s, VALS(10, 20));
	ck_assert_int_eq(tap_stat_variance(merged(&s, 2)), 0);
	/* scalar histograms do have one */
	s.nkeys = 0;
	ck_assert_int_eq(tap_stat_variance(merged(&s, 2)), 72);
}
END_TEST

/* ---- printing (every expected text below but the empty ones is what
   SystemTap 4.8 printed) ---- */

START_TEST(print_log)
{
	struct tap_agg_spec s = spec(TAP_HIST_LOG, 0, 0, 0);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(1, 2, 3, 4, 5, 8, 100, 0))),
		"value |-------------------------------------------------- count\n"
		"    0 |@                                                  1\n"
		"    1 |@                                                  1\n"
		"    2 |@@                                                 2\n"
		"    4 |@@                                                 2\n"
		"    8 |@                                                  1\n"
		"   16 |                                                   0\n"
		"   32 |                                                   0\n"
		"   64 |@                                                  1\n"
		"  128 |                                                   0\n"
		"  256 |                                                   0\n"
		"\n");
	/* positive values: the margin stops at the 0 row */
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(1, 1))),
		"value |-------------------------------------------------- count\n"
		"    0 |                                                   0\n"
		"    1 |@@                                                 2\n"
		"    2 |                                                   0\n"
		"    4 |                                                   0\n"
		"\n");
}
END_TEST

START_TEST(print_log_negative)
{
	struct tap_agg_spec s = spec(TAP_HIST_LOG, 0, 0, 0);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(-1, -2, -3, -1000, 7, 0))),
		"value |-------------------------------------------------- count\n"
		"-2048 |                                                   0\n"
		"-1024 |                                                   0\n"
		" -512 |@                                                  1\n"
		" -256 |                                                   0\n"
		" -128 |                                                   0\n"
		"      ~\n"
		"   -8 |                                                   0\n"
		"   -4 |                                                   0\n"
		"   -2 |@@                                                 2\n"
		"   -1 |@                                                  1\n"
		"    0 |@                                                  1\n"
		"    1 |                                                   0\n"
		"    2 |                                                   0\n"
		"    4 |@                                                  1\n"
		"    8 |                                                   0\n"
		"   16 |                                                   0\n"
		"\n");
}
END_TEST

START_TEST(print_log_sparse)
{
	struct tap_agg_spec s = spec(TAP_HIST_LOG, 0, 0, 0);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(1, 1000000, 1000000000))),
		"     value |-------------------------------------------------- count\n"
		"         0 |                                                   0\n"
		"         1 |@                                                  1\n"
		"         2 |                                                   0\n"
		"         4 |                                                   0\n"
		"           ~\n"
		"    131072 |                                                   0\n"
		"    262144 |                                                   0\n"
		"    524288 |@                                                  1\n"
		"   1048576 |                                                   0\n"
		"   2097152 |                                                   0\n"
		"           ~\n"
		" 134217728 |                                                   0\n"
		" 268435456 |                                                   0\n"
		" 536870912 |@                                                  1\n"
		"1073741824 |                                                   0\n"
		"2147483648 |                                                   0\n"
		"\n");
}
END_TEST

START_TEST(print_log_scaled)
{
	/* the largest count is 137 > 50: bars of count / ceil(137 / 50) = count / 3 */
	struct tap_agg_spec s = spec(TAP_HIST_LOG, 0, 0, 0);
	struct tap_stat *st = (struct tap_stat *)words[0];
	tap_stat_init(st, &s);
	for (int i = 0; i < 137; i++)
		tap_stat_add(st, &s, 10);
	for (int i = 0; i < 20; i++)
		tap_stat_add(st, &s, 40);
	tap_stat_add(st, &s, 500);
	ck_assert_str_eq(printed(&s, merged(&s, 1)),
		"value |-------------------------------------------------- count\n"
		"    2 |                                                     0\n"
		"    4 |                                                     0\n"
		"    8 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@      137\n"
		"   16 |                                                     0\n"
		"   32 |@@@@@@                                              20\n"
		"   64 |                                                     0\n"
		"  128 |                                                     0\n"
		"  256 |                                                     1\n"
		"  512 |                                                     0\n"
		" 1024 |                                                     0\n"
		"\n");
}
END_TEST

START_TEST(print_log_extremes)
{
	struct tap_agg_spec s = spec(TAP_HIST_LOG, 0, 0, 0);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(INT64_MAX, INT64_MIN, (int64_t)1 << 62))),
		"               value |-------------------------------------------------- count\n"
		"-9223372036854775808 |@                                                  1\n"
		"-4611686018427387904 |                                                   0\n"
		"-2305843009213693952 |                                                   0\n"
		"                     ~\n"
		" 1152921504606846976 |                                                   0\n"
		" 2305843009213693952 |                                                   0\n"
		" 4611686018427387904 |@@                                                 2\n"
		"\n");
}
END_TEST

START_TEST(print_linear_under_overflow)
{
	struct tap_agg_spec s = spec(TAP_HIST_LINEAR, 0, 100, 10);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(-5, 0, 3, 15, 20, 50, 99, 100, 101, 250))),
		"value |-------------------------------------------------- count\n"
		"   <0 |@                                                  1\n"
		"    0 |@@                                                 2\n"
		"   10 |@                                                  1\n"
		"   20 |@                                                  1\n"
		"   30 |                                                   0\n"
		"   40 |                                                   0\n"
		"   50 |@                                                  1\n"
		"   60 |                                                   0\n"
		"   70 |                                                   0\n"
		"   80 |                                                   0\n"
		"   90 |@                                                  1\n"
		"  100 |@@                                                 2\n"
		" >100 |@                                                  1\n"
		"\n");
}
END_TEST

START_TEST(print_linear_margins)
{
	/* no overflow row when it is empty; a value of 30 is in the [30, 33) row */
	struct tap_agg_spec s = spec(TAP_HIST_LINEAR, 0, 30, 3);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(-50, -40, 0, 10, 11, 12, 29, 30, 31))),
		"value |-------------------------------------------------- count\n"
		"   <0 |@@                                                 2\n"
		"    0 |@                                                  1\n"
		"    3 |                                                   0\n"
		"    6 |                                                   0\n"
		"    9 |@@                                                 2\n"
		"   12 |@                                                  1\n"
		"   15 |                                                   0\n"
		"   18 |                                                   0\n"
		"   21 |                                                   0\n"
		"   24 |                                                   0\n"
		"   27 |@                                                  1\n"
		"   30 |@@                                                 2\n"
		"\n");
	/* no underflow row when it is empty; the overflow row is labelled with
	   the last regular row's value */
	s = spec(TAP_HIST_LINEAR, 0, 20, 5);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(5, 6, 7, 100))),
		"value |-------------------------------------------------- count\n"
		"    0 |                                                   0\n"
		"    5 |@@@                                                3\n"
		"   10 |                                                   0\n"
		"   15 |                                                   0\n"
		"   20 |                                                   0\n"
		"  >20 |@                                                  1\n"
		"\n");
	/* a value in the middle of many buckets */
	s = spec(TAP_HIST_LINEAR, 0, 1000, 10);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(42))),
		"value |-------------------------------------------------- count\n"
		"   20 |                                                   0\n"
		"   30 |                                                   0\n"
		"   40 |@                                                  1\n"
		"   50 |                                                   0\n"
		"   60 |                                                   0\n"
		"\n");
}
END_TEST

START_TEST(print_linear_sparse_negative)
{
	struct tap_agg_spec s = spec(TAP_HIST_LINEAR, -10, 10, 3);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(3000000000LL, 1, -3000000000LL))),
		"value |-------------------------------------------------- count\n"
		" <-10 |@                                                  1\n"
		"  -10 |                                                   0\n"
		"   -7 |                                                   0\n"
		"   -4 |                                                   0\n"
		"   -1 |@                                                  1\n"
		"    2 |                                                   0\n"
		"    5 |                                                   0\n"
		"    8 |                                                   0\n"
		"   >8 |@                                                  1\n"
		"\n");
	/* long runs of empty rows are elided with ~ */
	s = spec(TAP_HIST_LINEAR, 0, 100, 1);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(3, 50, 50, 97))),
		"value |-------------------------------------------------- count\n"
		"    1 |                                                   0\n"
		"    2 |                                                   0\n"
		"    3 |@                                                  1\n"
		"    4 |                                                   0\n"
		"    5 |                                                   0\n"
		"      ~\n"
		"   48 |                                                   0\n"
		"   49 |                                                   0\n"
		"   50 |@@                                                 2\n"
		"   51 |                                                   0\n"
		"   52 |                                                   0\n"
		"      ~\n"
		"   95 |                                                   0\n"
		"   96 |                                                   0\n"
		"   97 |@                                                  1\n"
		"   98 |                                                   0\n"
		"   99 |                                                   0\n"
		"\n");
}
END_TEST

START_TEST(print_linear_value_column)
{
	/* SystemTap sizes the value column for start + interval * (last row's
	   bucket), one interval more than that row's label: 1100000 and ">" */
	struct tap_agg_spec s = spec(TAP_HIST_LINEAR, 0, 900000, 100000);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(50000, 2000000))),
		"   value |-------------------------------------------------- count\n"
		"       0 |@                                                  1\n"
		"  100000 |                                                   0\n"
		"  200000 |                                                   0\n"
		"         ~\n"
		"  800000 |                                                   0\n"
		"  900000 |                                                   0\n"
		" >900000 |@                                                  1\n"
		"\n");
	/* the same without an overflow row: 10000000 */
	s = spec(TAP_HIST_LINEAR, 0, 9000000, 1000000);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(8500000))),
		"   value |-------------------------------------------------- count\n"
		" 6000000 |                                                   0\n"
		" 7000000 |                                                   0\n"
		" 8000000 |@                                                  1\n"
		" 9000000 |                                                   0\n"
		"\n");
	/* a negative interval counts down */
	s = spec(TAP_HIST_LINEAR, 10, 0, -1);
	ck_assert_str_eq(printed(&s, one_cpu(&s, VALS(5, 10, 11))),
		"value |-------------------------------------------------- count\n"
		"  <10 |@                                                  1\n"
		"   10 |@@                                                 2\n"
		"    9 |                                                   0\n"
		"    8 |                                                   0\n"
		"\n");
}
END_TEST

START_TEST(print_empty)
{
	/* SystemTap reports "empty aggregate" instead of printing these; the
	   algorithm alone elides every row, leaving the header and a blank line. */
	struct tap_agg_spec s = spec(TAP_HIST_LINEAR, 0, 100, 10);
	ck_assert_str_eq(printed(&s, merged(&s, 0)),
		"value |-------------------------------------------------- count\n"
		"\n");
	s = spec(TAP_HIST_LOG, 0, 0, 0);
	ck_assert_str_eq(printed(&s, merged(&s, 0)),
		"               value |-------------------------------------------------- count\n"
		"\n");
	/* no histogram: nothing */
	s = spec(TAP_HIST_NONE, 0, 0, 0);
	ck_assert_str_eq(printed(&s, merged(&s, 0)), "");
}
END_TEST

START_TEST(print_full_log_histogram_across_flushes)
{
	/* every bucket used: 128 rows, more than one print buffer */
	struct tap_agg_spec s = spec(TAP_HIST_LOG, 0, 0, 0);
	struct tap_stat *st = (struct tap_stat *)words[0];
	tap_stat_init(st, &s);
	tap_stat_add(st, &s, 0);
	tap_stat_add(st, &s, INT64_MIN);
	for (int k = 0; k < 63; k++) {
		tap_stat_add(st, &s, (int64_t)1 << k);
		tap_stat_add(st, &s, -((int64_t)1 << k));
	}
	const char *out = printed(&s, merged(&s, 1));
	ck_assert_uint_gt(nflushed, TAP_PRINT_BUF_SIZE);
	int lines = 0;
	for (const char *p = out; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 1 + 128 + 1);
	ck_assert_int_eq(strncmp(out, "               value |---", 25), 0);
	ck_assert_ptr_nonnull(strstr(out, "\n-9223372036854775808 |@"));
	ck_assert_ptr_nonnull(strstr(out, "\n                   0 |@"));
	ck_assert_ptr_nonnull(strstr(out, "\n 4611686018427387904 |@                                                  1\n\n"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hist");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, log_buckets);
	tcase_add_test(tc, linear_bucket_counts);
	tcase_add_test(tc, linear_buckets);
	tcase_add_test(tc, stat_size);
	tcase_add_test(tc, plain_aggregates);
	tcase_add_test(tc, merge_min_max_hist);
	tcase_add_test(tc, variance_one_cpu);
	tcase_add_test(tc, variance_bit_shift);
	tcase_add_test(tc, variance_32bit_delta);
	tcase_add_test(tc, variance_two_cpus);
	tcase_add_test(tc, variance_two_cpus_checked_against_systemtap);
	tcase_add_test(tc, variance_three_cpus);
	tcase_add_test(tc, variance_scalar_matches_formula);
	tcase_add_test(tc, variance_of_histogram_arrays_is_zero);
	tcase_add_test(tc, print_log);
	tcase_add_test(tc, print_log_negative);
	tcase_add_test(tc, print_log_sparse);
	tcase_add_test(tc, print_log_scaled);
	tcase_add_test(tc, print_log_extremes);
	tcase_add_test(tc, print_linear_under_overflow);
	tcase_add_test(tc, print_linear_margins);
	tcase_add_test(tc, print_linear_sparse_negative);
	tcase_add_test(tc, print_linear_value_column);
	tcase_add_test(tc, print_empty);
	tcase_add_test(tc, print_full_log_histogram_across_flushes);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
