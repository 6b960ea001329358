/* User-level aggregation merge and its JSON form (see aggmerge.h). */
#include <stdlib.h>
#include <string.h>
#include "aggmerge.h"
#include "transport_proto.h"

int agg_dict_parse(struct agg_dict *dict, const char *text)
{
	dict->n = 0;
	dict->d = NULL;
	for (const char *line = text; line && *line;) {
		struct agg_desc a = { 0 };
		int id;
		long long start, stop, interval;
		char types[16];
		a.keep = TAP_KEEP_ALL;
		int fields = sscanf(line, "%d %127s %d %15s %d %lld %lld %lld %d %d", &id, a.name, &a.nkeys,
				    types, &a.hist, &start, &stop, &interval, &a.nbuckets, &a.keep);
		if (fields < 9 || id != dict->n || a.nkeys > 9)
			return -1;
		a.start = start;
		a.stop = stop;
		a.interval = interval;
		if (a.nkeys)
			memcpy(a.ktypes, types, (size_t)a.nkeys);
		dict->d = realloc(dict->d, (size_t)(dict->n + 1) * sizeof *dict->d);
		if (!dict->d)
			return -1;
		dict->d[dict->n++] = a;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

void agg_table_init(struct agg_table *t)
{
	memset(t, 0, sizeof *t);
}

void agg_table_free(struct agg_table *t)
{
	free(t->rows);
	free(t->keys);
	memset(t, 0, sizeof *t);
}

static uint64_t hash_bytes(uint16_t id, const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ id;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

/* Keys and histograms live in one growing arena; rows keep offsets until it stops moving. */
static size_t arena_put(struct agg_table *t, const void *p, size_t n)
{
	size_t need = (n + 7) & ~(size_t)7; /* histograms stay aligned */
	if (t->keys_len + need > t->keys_cap) {
		size_t cap = t->keys_cap ? t->keys_cap : 1 << 16;
		while (cap < t->keys_len + need)
			cap *= 2;
		char *k = realloc(t->keys, cap);
		if (!k)
			abort();
		t->keys = k;
		t->keys_cap = cap;
	}
	size_t at = t->keys_len;
	if (p)
		memcpy(t->keys + at, p, n);
	else
		memset(t->keys + at, 0, n);
	t->keys_len += need;
	return at;
}

/* Rehashes into a table of CAP slots (a power of two). */
static void resize(struct agg_table *t, size_t cap)
{
	struct agg_row *rows = calloc(cap, sizeof *rows);
	if (!rows)
		abort();
	for (size_t i = 0; i < t->cap; i++) {
		struct agg_row *r = &t->rows[i];
		if (!r->count)
			continue;
		size_t j = r->hash & (cap - 1);
		while (rows[j].count)
			j = (j + 1) & (cap - 1);
		rows[j] = *r;
	}
	free(t->rows);
	t->rows = rows;
	t->cap = cap;
}

static void grow(struct agg_table *t)
{
	resize(t, t->cap ? t->cap * 2 : 1024);
}

/* Room for N more keys at most half full, so a big merge rehashes once, not twenty times. */
static void reserve(struct agg_table *t, size_t n)
{
	size_t cap = t->cap ? t->cap : 1024;
	while (cap < 2 * (t->used + n))
		cap *= 2;
	if (cap != t->cap)
		resize(t, cap);
}

/* The busiest CPU's number of data sets: no fewer distinct keys than that arrive. */
static size_t fewest_new_keys(const char *buf, size_t len)
{
	size_t per_cpu[256] = { 0 }, most = 0;
	for (size_t off = 0; off + sizeof(struct tap_snap_hdr) <= len;) {
		struct tap_snap_hdr h;
		memcpy(&h, buf + off, sizeof h);
		if (h.size < sizeof h)
			break;
		if (++per_cpu[h.cpu & 255] > most)
			most = per_cpu[h.cpu & 255];
		off += h.size;
	}
	return most;
}

static void merge_one(struct agg_table *t, const struct agg_desc *d, uint16_t id, const int64_t *st,
		      const unsigned char *key, size_t keylen)
{
	if (t->used * 2 >= t->cap)
		grow(t);
	uint64_t h = hash_bytes(id, key, keylen);
	size_t j = h & (t->cap - 1);
	struct agg_row *r;
	for (;; j = (j + 1) & (t->cap - 1)) {
		r = &t->rows[j];
		if (!r->count)
			break;
		if (r->hash == h && r->id == id && r->keylen == keylen &&
		    !memcmp(t->keys + r->key_off, key, keylen))
			break;
	}
	if (!r->count) {
		r->id = id;
		r->hash = h;
		r->keylen = (uint32_t)keylen;
		r->key_off = arena_put(t, key, keylen);
		r->hist_off = d->nbuckets ? arena_put(t, NULL, (size_t)d->nbuckets * 8) : 0;
		r->min = st[2];
		r->max = st[3];
		t->used++;
	} else {
		if (st[2] < r->min)
			r->min = st[2];
		if (st[3] > r->max)
			r->max = st[3];
	}
	r->count += st[0];
	r->sum += st[1];
	if (d->nbuckets) {
		int64_t *hist = (int64_t *)(t->keys + r->hist_off);
		for (int b = 0; b < d->nbuckets; b++)
			hist[b] += st[TAP_SNAP_STAT_WORDS + b];
	}
}

long agg_merge_snapshot(struct agg_table *t, const struct agg_dict *dict, const char *buf, size_t len)
{
	long merged = 0;
	size_t off = 0;
	reserve(t, fewest_new_keys(buf, len));
	while (off + sizeof(struct tap_snap_hdr) <= len) {
		struct tap_snap_hdr h;
		memcpy(&h, buf + off, sizeof h);
		if (h.id >= dict->n || h.size < sizeof h || off + h.size > len) {
			merged = -1;
			break;
		}
		const struct agg_desc *d = &dict->d[h.id];
		size_t words = (size_t)(TAP_SNAP_STAT_WORDS + d->nbuckets);
		const char *p = buf + off + sizeof h;
		int64_t st[TAP_SNAP_STAT_WORDS + 256];
		if (words > sizeof st / sizeof st[0]) {
			merged = -1;
			break;
		}
		memcpy(st, p, words * 8);
		const unsigned char *key = (const unsigned char *)p + words * 8;
		size_t keylen = h.size - sizeof h - words * 8;
		if (st[0])
			merge_one(t, d, h.id, st, key, keylen);
		off += h.size;
		merged++;
	}
	return merged;
}

static void json_string(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* One key part of a snapshot's key: a string (its bytes and length) or a long.
   Returns where the next part starts. */
struct key_part {
	const char *str;       /* NULL for a long */
	uint16_t len;
	int64_t num;
};

static const unsigned char *key_part(const struct agg_desc *d, int i, const unsigned char *k,
				     struct key_part *part)
{
	if (d->ktypes[i] == 'S') {
		memcpy(&part->len, k, 2);
		part->str = (const char *)k + 2;
		return k + 2 + part->len;
	}
	part->str = NULL;
	memcpy(&part->num, k, 8);
	return k + 8;
}

static void json_key(FILE *out, const struct agg_desc *d, const unsigned char *k)
{
	fputc('[', out);
	for (int i = 0; i < d->nkeys; i++) {
		struct key_part part;
		k = key_part(d, i, k, &part);
		fputs(i ? ", " : "", out);
		if (part.str)
			json_string(out, part.str, part.len);
		else
			fprintf(out, "%lld", (long long)part.num);
	}
	fputc(']', out);
}

/* The smallest value a histogram bucket holds, as SystemTap labels its rows. */
static void json_bucket(FILE *out, const struct agg_desc *d, int b, int64_t count)
{
	if (d->hist == 1) {
		long long v = b == 64 ? 0 : b > 64 ? (long long)(1ULL << (b - 65)) : -(long long)(1ULL << (63 - b));
		if (b == 0)
			v = INT64_MIN;
		fprintf(out, "{\"value\": %lld, \"count\": %lld}", v, (long long)count);
	} else if (b == 0) {
		fprintf(out, "{\"below\": %lld, \"count\": %lld}", (long long)d->start, (long long)count);
	} else if (b == d->nbuckets - 1) {
		fprintf(out, "{\"above\": %lld, \"count\": %lld}",
			(long long)(d->start + (int64_t)(d->nbuckets - 3) * d->interval), (long long)count);
	} else {
		fprintf(out, "{\"value\": %lld, \"count\": %lld}", (long long)(d->start + (b - 1) * d->interval),
			(long long)count);
	}
}

/* count, min, max, sum and avg, in FORMAT (name, value): those the module keeps. */
static void print_values(FILE *out, const struct agg_desc *d, const struct agg_row *r, const char *format)
{
	const struct { const char *name; int keep; long long value; } v[] = {
		{ "count", 0, r->count }, { "min", TAP_KEEP_MIN, r->min }, { "max", TAP_KEEP_MAX, r->max },
		{ "sum", TAP_KEEP_SUM, r->sum }, { "avg", TAP_KEEP_SUM, r->sum / r->count },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if ((d->keep & v[i].keep) == v[i].keep)
			fprintf(out, format, v[i].name, v[i].value);
}

void agg_print_json(FILE *out, const struct agg_table *t, const struct agg_dict *dict)
{
	fputs("{\"aggregations\": {", out);
	for (int id = 0; id < dict->n; id++) {
		const struct agg_desc *d = &dict->d[id];
		fprintf(out, "%s\n  ", id ? "," : "");
		json_string(out, d->name, strlen(d->name));
		fputs(": [", out);
		int first = 1;
		for (size_t i = 0; i < t->cap; i++) {
			const struct agg_row *r = &t->rows[i];
			if (!r->count || r->id != id)
				continue;
			fprintf(out, "%s\n    {\"key\": ", first ? "" : ",");
			first = 0;
			json_key(out, d, (const unsigned char *)t->keys + r->key_off);
			print_values(out, d, r, ", \"%s\": %lld");
			if (d->nbuckets) {
				const int64_t *hist = (const int64_t *)(t->keys + r->hist_off);
				fputs(", \"hist\": [", out);
				int hf = 1;
				for (int b = 0; b < d->nbuckets; b++) {
					if (!hist[b])
						continue;
					fputs(hf ? "" : ", ", out);
					hf = 0;
					json_bucket(out, d, b, hist[b]);
				}
				fputc(']', out);
			}
			fputc('}', out);
		}
		fputs(first ? "]" : "\n  ]", out);
	}
	fputs("\n}}\n", out);
}

static void text_key(FILE *out, const struct agg_desc *d, const unsigned char *k)
{
	fputc('[', out);
	for (int i = 0; i < d->nkeys; i++) {
		struct key_part part;
		k = key_part(d, i, k, &part);
		fputs(i ? "," : "", out);
		if (part.str)
			fprintf(out, "\"%.*s\"", (int)part.len, part.str);
		else
			fprintf(out, "%lld", (long long)part.num);
	}
	fputc(']', out);
}

static const struct agg_table *sort_table;
static const struct agg_desc *sort_desc;

/* Largest count first, as SystemTap displays statistics at exit; equal counts by key
   (numbers, then strings, ascending), so a print never depends on hash order. */
static int by_count(const void *a, const void *b)
{
	const struct agg_row *x = *(const struct agg_row *const *)a, *y = *(const struct agg_row *const *)b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	const unsigned char *kx = (const unsigned char *)sort_table->keys + x->key_off;
	const unsigned char *ky = (const unsigned char *)sort_table->keys + y->key_off;
	for (int i = 0; i < sort_desc->nkeys; i++) {
		struct key_part px, py;
		kx = key_part(sort_desc, i, kx, &px);
		ky = key_part(sort_desc, i, ky, &py);
		if (!px.str && px.num != py.num)
			return px.num < py.num ? -1 : 1;
		if (px.str) {
			int c = memcmp(px.str, py.str, px.len < py.len ? px.len : py.len);
			if (c || px.len != py.len)
				return c ? c : px.len < py.len ? -1 : 1;
		}
	}
	return 0;
}

/* The rows of one aggregation; returns how many were printed. */
static size_t print_rows(FILE *out, const struct agg_table *t, const struct agg_desc *d, int id)
{
	const struct agg_row **rows = malloc((t->used + 1) * sizeof *rows);
	if (!rows)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < t->cap; i++)
		if (t->rows[i].count && t->rows[i].id == id)
			rows[n++] = &t->rows[i];
	sort_table = t;
	sort_desc = d;
	qsort(rows, n, sizeof *rows, by_count);
	for (size_t i = 0; i < n; i++) {
		const struct agg_row *r = rows[i];
		fputs(d->name, out);
		if (d->nkeys)
			text_key(out, d, (const unsigned char *)t->keys + r->key_off);
		print_values(out, d, r, " @%s=%lld");
		fputc('\n', out);
	}
	free(rows);
	return n;
}

void agg_print_text(FILE *out, const struct agg_table *t, const struct agg_dict *dict)
{
	for (int id = 0; id < dict->n; id++)
		print_rows(out, t, &dict->d[id], id);
}

void agg_print_autoprint(FILE *out, const struct agg_table *t, const struct agg_dict *dict, int id)
{
	if (id >= 0 && id < dict->n)
		print_rows(out, t, &dict->d[id], id);
}
