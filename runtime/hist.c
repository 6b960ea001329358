/* Statistics math and histogram printing, with SystemTap 4.8's results.

   Everything here is integer arithmetic on 64-bit values that wraps around on
   overflow (done on uint64_t, so it needs no -fwrapv); it builds in a kernel
   module and in user space.

   Running values of one CPU (tap_stat_add, per <<<):
     count, sum, min, max  the plain aggregates
     avg_s                 Welford's running mean of the values << var_shift
     m2                    Welford's running sum of squared differences
   SystemTap keeps these (and, after each <<<, m2 / (count - 1) as the CPU's
   scaled variance) in 64-bit integers, but holds each step's difference
   (v << shift) - avg_s in a 32-bit int, so differences beyond 2^31 wrap.

   Merging the CPUs (tap_stat_merge into a record set up by tap_stat_init,
   one CPU at a time, in CPU order) works like one of SystemTap's two ways:
   - statistics arrays (nkeys > 0) combine pairwise, like SystemTap's map
     aggregation: the mean is recomputed as (sum << shift) / count and the
     variances joined with the total-variance formula; then
       avg_s = that mean, var_s = the joined scaled variance.
     Arrays with a histogram never get a variance in SystemTap 4.8 (its
     per-CPU maps of @hist_* arrays lose the @variance flag): var = 0.
   - scalar statistics combine all CPUs at once against the overall mean,
     like SystemTap's _stp_stat_get. That is not associative under integer
     rounding, so the record keeps the sums the formula needs
       avg_s = sum of n_i * a_i,  m2 = sum of n_i * a_i^2,
       var_s = sum of (n_i - 1) * v_i   (a_i, v_i: the CPU's mean and variance)
     from which the result is recomputed after each CPU: modulo 2^64 the
     expansion equals SystemTap's sum of n_i * (a_i - mean)^2 exactly.
   Either way var then holds the @variance result: scaled variance >> 2*shift.
   tap_stat_variance reads it, so it is meant for merged records. */
#include "agg.h"

size_t tap_stat_size(const struct tap_agg_spec *spec);
int tap_hist_index(const struct tap_agg_spec *spec, int64_t v);
int tap_hist_linear_buckets(int64_t start, int64_t stop, int64_t interval);
void tap_stat_init(struct tap_stat *st, const struct tap_agg_spec *spec);
void tap_stat_add(struct tap_stat *st, const struct tap_agg_spec *spec, int64_t v);
void tap_stat_merge(struct tap_stat *dst, const struct tap_stat *src, const struct tap_agg_spec *spec);
int64_t tap_stat_avg(const struct tap_stat *st);
int64_t tap_stat_variance(const struct tap_stat *st);
void tap_print_hist(struct tap_ctx *c, const struct tap_agg_spec *spec, const struct tap_stat *st);

#define LOG_ZERO_BUCKET 64     /* the log histogram's bucket of 0 */
#define LINEAR_MAX_BUCKETS 128 /* SystemTap's STP_MAX_BUCKETS, with under/overflow */
#define BAR_WIDTH 50
#define ELIDE 2                /* empty rows shown next to nonempty ones */

/* Wrapping arithmetic. */
static inline int64_t add64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static inline int64_t sub64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static inline int64_t mul64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static inline int64_t shl64(int64_t a, int n) { return (int64_t)((uint64_t)a << (n & 63)); }

/* SystemTap's _stp_div64: x / y truncated, 0 for y == 0, -x for y == -1. */
static inline int64_t div64(int64_t x, int64_t y)
{
	if (y == 0)
		return 0;
	if (y == -1)
		return sub64(0, x);
	return x / y;
}

/* variance_s >> (2 * shift): a runtime shift on x86 uses the count's low 6 bits. */
static inline int64_t unscale(int64_t var_s, int shift)
{
	return var_s >> ((2 * shift) & 63);
}

static int nbuckets(const struct tap_agg_spec *spec)
{
	switch (spec->hist) {
	case TAP_HIST_LOG:
		return TAP_HIST_LOG_BUCKETS;
	case TAP_HIST_LINEAR:
		return spec->nbuckets;
	default:
		return 0;
	}
}

size_t tap_stat_size(const struct tap_agg_spec *spec)
{
	return sizeof(struct tap_stat) + (size_t)nbuckets(spec) * sizeof(int64_t);
}

/* ---- buckets ---- */

/* Log histogram: bucket 64 holds 0; 65 + k holds [2^k, 2^(k+1)); 63 - k holds
   the negatives of bucket 65 + k; bucket 0 holds INT64_MIN alone. */
static int log_bucket(int64_t v)
{
	uint64_t m;
	int k = 0;
	if (v == 0)
		return LOG_ZERO_BUCKET;
	m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	while (m >> 1) {
		m >>= 1;
		k++;
	}
	return v < 0 ? LOG_ZERO_BUCKET - 1 - k : LOG_ZERO_BUCKET + 1 + k;
}

/* The value a log bucket's row is labelled with. */
static int64_t log_bucket_value(int b)
{
	if (b == LOG_ZERO_BUCKET)
		return 0;
	if (b < LOG_ZERO_BUCKET)
		return (int64_t)((uint64_t)1 << 63) >> (b & 63); /* b = -1 (empty) gives -1, as on x86 */
	return (int64_t)((uint64_t)1 << (b - LOG_ZERO_BUCKET - 1));
}

/* SystemTap keeps a linear histogram's parameters in C ints. */
static int32_t as_int(int64_t v)
{
	return (int32_t)(uint32_t)(uint64_t)v;
}

int tap_hist_linear_buckets(int64_t start, int64_t stop, int64_t interval)
{
	int32_t lo = as_int(start), hi = as_int(stop), step = as_int(interval);
	int64_t b;
	if (step == 0)
		return 0;
	/* (stop - start) / interval + 3 in int arithmetic */
	b = as_int((int64_t)as_int((int64_t)hi - lo) / step);
	b = as_int(b + 3);
	if (b > LINEAR_MAX_BUCKETS || b < 3)
		return 0;
	return (int)b;
}

int tap_hist_index(const struct tap_agg_spec *spec, int64_t v)
{
	int64_t off, idx;
	int n = spec->nbuckets;
	if (spec->hist == TAP_HIST_LOG)
		return log_bucket(v);
	if (spec->hist != TAP_HIST_LINEAR || n < 3)
		return -1;
	off = sub64(v, as_int(spec->start));
	if (off < 0) {
		idx = 0;                                  /* underflow */
	} else {
		/* the kernel's do_div divides by a 32-bit unsigned divisor */
		uint32_t step = (uint32_t)as_int(spec->interval);
		idx = step ? (int64_t)((uint64_t)off / step) + 1 : n - 1;
	}
	if (idx >= n - 1)
		idx = n - 1;                              /* overflow */
	return (int)idx;
}

/* ---- running values ---- */

void tap_stat_init(struct tap_stat *st, const struct tap_agg_spec *spec)
{
	int n = nbuckets(spec);
	st->count = st->sum = st->min = st->max = 0;
	st->avg_s = st->var_s = st->m2 = st->var = 0;
	for (int i = 0; i < n; i++)
		st->hist[i] = 0;
}

void tap_stat_reset(struct tap_stat *st, const struct tap_agg_spec *spec)
{
	tap_stat_init(st, spec);
	st->min = TAP_STAT_MIN_START;
	st->max = TAP_STAT_MAX_START;
}

/* Restart and add change a CPU's own data set while other CPUs may be copying it (see
   tap_once.h): they store with tap_write_once. Only the owner writes, so it reads plainly. */
void tap_stat_restart(struct tap_stat *st, const struct tap_agg_spec *spec)
{
	size_t words = tap_stat_size(spec) / sizeof(int64_t);
	for (size_t i = 0; i < words; i++)
		tap_write_once(((int64_t *)st)[i], 0);
	tap_write_once(st->min, TAP_STAT_MIN_START);
	tap_write_once(st->max, TAP_STAT_MAX_START);
}

void tap_stat_add(struct tap_stat *st, const struct tap_agg_spec *spec, int64_t v)
{
	int shift = spec->var_shift;
	int64_t vs = shl64(v, shift);
	if (st->count == 0) {
		tap_write_once(st->count, 1);
		tap_write_once(st->sum, v);
		tap_write_once(st->min, v);
		tap_write_once(st->max, v);
		tap_write_once(st->avg_s, vs);
		tap_write_once(st->m2, 0);
	} else {
		int64_t delta, avg_s;
		tap_add_once(st->sum, v);
		tap_add_once(st->count, 1);
		if (v > st->max)
			tap_write_once(st->max, v);
		if (v < st->min)
			tap_write_once(st->min, v);
		/* Welford's step, with SystemTap's 32-bit difference; only @variance needs it
		   and it costs a division */
		if (!spec->variance)
			goto hist;
		delta = (int32_t)(uint32_t)(uint64_t)sub64(vs, st->avg_s);
		avg_s = add64(st->avg_s, div64(delta, st->count));
		tap_write_once(st->avg_s, avg_s);
		tap_write_once(st->m2, add64(st->m2, mul64(delta, sub64(vs, avg_s))));
	}
hist:
	if (spec->hist != TAP_HIST_NONE) {
		int b = tap_hist_index(spec, v);
		if (b >= 0)
			tap_add_once(st->hist[b], 1);
	}
}

/* A CPU's scaled variance, as SystemTap leaves it after its last <<<. */
static int64_t cpu_var_s(const struct tap_stat *st)
{
	return st->count >= 2 ? div64(st->m2, st->count - 1) : 0;
}

void tap_stat_merge(struct tap_stat *dst, const struct tap_stat *src, const struct tap_agg_spec *spec)
{
	int shift = spec->var_shift, n = nbuckets(spec);
	int64_t n1 = dst->count, n2 = src->count, a2 = src->avg_s, v2 = cpu_var_s(src);
	int64_t mean;

	if (n2 <= 0)
		return;
	if (n1 == 0) {
		dst->min = src->min;
		dst->max = src->max;
	} else {
		if (src->min < dst->min)
			dst->min = src->min;
		if (src->max > dst->max)
			dst->max = src->max;
	}
	dst->count = add64(n1, n2);
	dst->sum = add64(dst->sum, src->sum);
	for (int i = 0; i < n; i++)
		dst->hist[i] = add64(dst->hist[i], src->hist[i]);

	if (spec->nkeys > 0) {
		int64_t s;
		if (spec->hist != TAP_HIST_NONE) {
			dst->var = 0;
			return;
		}
		if (n1 == 0) {
			dst->avg_s = a2;
			dst->var_s = v2;
		} else {
			mean = div64(shl64(dst->sum, shift), dst->count);
			s = mul64(mul64(n1, sub64(dst->avg_s, mean)), sub64(dst->avg_s, mean));
			s = add64(s, mul64(n1 - 1, dst->var_s));
			s = add64(s, mul64(mul64(n2, sub64(a2, mean)), sub64(a2, mean)));
			s = add64(s, mul64(n2 - 1, v2));
			dst->avg_s = mean;
			dst->var_s = div64(s, dst->count - 1);
		}
		dst->var = unscale(dst->var_s, shift);
		return;
	}

	/* scalar: sums of n*a, n*a^2 and (n-1)*v over the CPUs so far */
	dst->avg_s = add64(dst->avg_s, mul64(n2, a2));
	dst->m2 = add64(dst->m2, mul64(mul64(n2, a2), a2));
	dst->var_s = add64(dst->var_s, mul64(n2 - 1, v2));
	mean = div64(shl64(dst->sum, shift), dst->count);
	{
		/* sum of n_i (a_i - mean)^2 = sum n a^2 - 2 mean sum n a + mean^2 sum n */
		int64_t s1 = sub64(dst->m2, mul64(mul64(2, mean), dst->avg_s));
		s1 = add64(s1, mul64(mul64(mean, mean), dst->count));
		dst->var = unscale(div64(add64(s1, dst->var_s), dst->count - 1), shift);
	}
}

int64_t tap_stat_avg(const struct tap_stat *st)
{
	return div64(st->sum, st->count);
}

int64_t tap_stat_variance(const struct tap_stat *st)
{
	return st->var;
}

/* ---- printing ---- */

/* Characters %lld prints for v. */
static int width_of(int64_t v)
{
	uint64_t m;
	int w = 1;
	if (v < 0)
		w++;
	m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	while (m >= 10) {
		m /= 10;
		w++;
	}
	return w;
}

struct line {
	char buf[160];
	int len;
};

static void put_chars(struct line *l, char ch, int n)
{
	while (n-- > 0 && l->len < (int)sizeof l->buf)
		l->buf[l->len++] = ch;
}

static void put_str(struct line *l, const char *s)
{
	while (*s && l->len < (int)sizeof l->buf)
		l->buf[l->len++] = *s++;
}

static void put_long(struct line *l, int64_t v)
{
	char tmp[24];
	int n = 0;
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (v < 0)
		tmp[n++] = '-';
	while (n > 0 && l->len < (int)sizeof l->buf)
		l->buf[l->len++] = tmp[--n];
}

/* The bucket's count; the rows of an empty histogram read "bucket -1" as 0. */
static int64_t bucket(const struct tap_stat *st, int n, int i)
{
	return i >= 0 && i < n ? st->hist[i] : 0;
}

void tap_print_hist(struct tap_ctx *c, const struct tap_agg_spec *spec, const struct tap_stat *st)
{
	int n = nbuckets(spec), linear = spec->hist == TAP_HIST_LINEAR;
	int low = -1, high = 0, under = 0, over = 0, val_space, cnt_space, eliding = 0;
	int32_t start = as_int(spec->start), step = as_int(spec->interval);
	int64_t valmax = 0;
	uint32_t scale;
	struct line l;

	if (n <= 0)
		return;
	for (int i = 0; i < n; i++) {
		if (st->hist[i] > 0) {
			if (low == -1)
				low = i;
			high = i;
		}
		if (st->hist[i] > valmax)
			valmax = st->hist[i];
	}
	/* two empty rows of margin; a log histogram goes below 0 only for negatives */
	for (int i = 0; i < 2; i++) {
		if (low > 0 && (linear || low != LOG_ZERO_BUCKET))
			low--;
		if (high < n - 1)
			high++;
	}
	if (linear) {
		/* empty under/overflow rows are left out */
		if (low == 0 && st->hist[0] == 0)
			low++;
		if (high == n - 1 && st->hist[high] == 0)
			high--;
		under = low == 0;
		over = high == n - 1;
	}
	/* count / ceil(valmax / 50), as SystemTap's 32-bit do_div divisor */
	scale = valmax <= BAR_WIDTH ? 1
		: (uint32_t)((uint64_t)valmax / BAR_WIDTH + ((uint64_t)valmax % BAR_WIDTH != 0));
	if (!scale)
		scale = 1;
	cnt_space = width_of(valmax);
	if (linear) {
		/* SystemTap sizes the column for start + interval * high (int arithmetic) */
		int a = width_of(start) + under;
		int b = width_of(as_int((int64_t)((uint32_t)start + (uint32_t)step * (uint32_t)high))) + over;
		val_space = a > b ? a : b;
	} else {
		int a = width_of(log_bucket_value(high)), b = width_of(log_bucket_value(low));
		val_space = a > b ? a : b;
	}
	if (val_space < 5)
		val_space = 5;

	l.len = 0;
	put_chars(&l, ' ', val_space - 5);
	put_str(&l, "value |");
	put_chars(&l, '-', BAR_WIDTH);
	put_str(&l, " count\n");
	tap_print_mem(c, l.buf, (size_t)l.len);

	for (int i = low; i <= high; i++) {
		const char *prefix = "";
		int64_t val, cnt = bucket(st, n, i), bar;
		/* an empty row with only empty rows within two either side is elided */
		int lo = i - ELIDE > low ? i - ELIDE : low, hi = i + ELIDE < high ? i + ELIDE : high;
		int elide = 1;
		for (int k = lo; k <= hi; k++)
			if (bucket(st, n, k) != 0)
				elide = 0;
		if (elide) {
			eliding = 1;
			continue;
		}
		l.len = 0;
		if (eliding) {
			put_chars(&l, ' ', val_space);
			put_str(&l, " ~\n");
			eliding = 0;
		}
		if (!linear) {
			val = log_bucket_value(i);
		} else if (i == 0) {
			val = start;
			prefix = "<";
		} else if (i == n - 1) {
			val = start + (int64_t)(i - 2) * step;
			prefix = ">";
		} else {
			val = start + (int64_t)(i - 1) * step;
		}
		put_chars(&l, ' ', val_space - width_of(val) - (int)(*prefix != 0));
		put_str(&l, prefix);
		put_long(&l, val);
		put_str(&l, " |");
		bar = (int64_t)((uint64_t)cnt / scale);
		put_chars(&l, '@', (int)bar);
		put_chars(&l, ' ', (int)(BAR_WIDTH - bar + 1 + cnt_space) - width_of(cnt));
		put_long(&l, cnt);
		put_str(&l, "\n");
		tap_print_mem(c, l.buf, (size_t)l.len);
	}
	tap_print_mem(c, "\n", 1);
}
