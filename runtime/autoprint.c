/* The display of globals written but never read, when the script ends. */
#include "agg.h"

static void print_keys(struct tap_ctx *c, const union tap_key *k, int nkeys, const uint8_t *ktypes)
{
	tap_print_mem(c, "[", 1);
	for (int i = 0; i < nkeys; i++) {
		if (i)
			tap_print_mem(c, ",", 1);
		if (ktypes[i] == TAP_T_STR) {
			tap_print_mem(c, "\"", 1);
			tap_print_str(c, k[i].s);
			tap_print_mem(c, "\"", 1);
		} else {
			tap_print_long(c, k[i].l);
		}
	}
	tap_print_mem(c, "]", 1);
}

static void print_stat(struct tap_ctx *c, const struct tap_stat *st)
{
	struct tap_fmt_arg args[5] = {
		{ 0, st->count, NULL }, { 0, st->min, NULL }, { 0, st->max, NULL },
		{ 0, st->sum, NULL }, { 0, st->count ? tap_stat_avg(st) : 0, NULL },
	};
	tap_printf(c, " @count=%d @min=%d @max=%d @sum=%d @avg=%d\n", args, 5);
}

/* name[k1,"k2"]=value, largest values first */
void tap_autoprint_map(struct tap_ctx *c, struct tap_map *m)
{
	struct tap_iter it;
	if (tap_map_iter_begin(c, m, &it, -1, -1, -1))
		return;
	while (tap_iter_next(&it)) {
		struct tap_map_ent *e = it.cur;
		tap_print_str(c, m->name);
		print_keys(c, e->key, m->nkeys, m->ktypes);
		if (m->vtype == TAP_T_STR) {
			tap_print_mem(c, "=\"", 2);
			tap_print_str(c, e->sval ? e->sval : "");
			tap_print_mem(c, "\"\n", 2);
		} else {
			tap_print_mem(c, "=", 1);
			tap_print_long(c, e->lval);
			tap_print_mem(c, "\n", 1);
		}
	}
	tap_iter_end(c, &it);
}

/* Largest count first; equal counts by key, as tapio orders them, so the display
   does not depend on hash order. */
static int by_count_then_key(const void *pa, const void *pb, const void *arg)
{
	const struct tap_agg_spec *sp = arg;
	const struct tap_agg_merged *a = pa, *b = pb;
	if (a->st.count != b->st.count)
		return a->st.count > b->st.count ? -1 : 1;
	for (int i = 0; i < sp->nkeys; i++) {
		int r = sp->ktypes[i] == TAP_T_STR ? strcmp(a->key[i].s, b->key[i].s)
						   : tap_cmp_long(a->key[i].l, b->key[i].l);
		if (r)
			return r;
	}
	return 0;
}

void tap_autoprint_agg(struct tap_ctx *c, struct tap_aggs *a, int id)
{
	const struct tap_agg_spec *sp = &a->specs[id];
	if (tap_output_aggprint(c, id))
		return;
	if (!sp->nkeys) {
		struct tap_stat *st = (struct tap_stat *)c->statbuf[0];
		tap_agg_get(a, id, NULL, st, (struct tap_stat *)c->statbuf[1]);
		if (!st->count)
			return; /* SystemTap shows nothing for an empty statistic */
		tap_print_str(c, sp->name);
		print_stat(c, st);
		return;
	}
	struct tap_iter it;
	if (tap_agg_iter_begin(c, a, id, &it, -1, TAP_X_COUNT, -1, -1))
		return;
	if (tap_sort_ptrs(it.items, it.n, by_count_then_key, sp) == 0) {
		while (tap_iter_next(&it)) {
			struct tap_agg_merged *m = it.cur;
			tap_print_str(c, sp->name);
			print_keys(c, m->key, sp->nkeys, sp->ktypes);
			print_stat(c, &m->st);
		}
	}
	tap_iter_end(c, &it);
}
