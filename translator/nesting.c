/* The default MAXNESTING, from the script's call graph, as SystemTap 4.8 sizes it:
   without recursion, the longest chain of calls from a probe (so a legal script never
   fails); with recursion, room for about a dozen rounds of it (measured on stap 4.8:
   a recursive function alone gets 13, plus one per function chained after it; mutual
   recursion gets one less here than there). */
#include <stdlib.h>
#include "nesting.h"

struct graph {
	const struct func **funcs;
	int n;
	unsigned char *calls;   /* n x n: calls[i * n + j] when function i calls j */
	unsigned char *on_path;
	long budget;            /* bounds the search on large, tangled graphs */
};

static int func_index(const struct graph *g, const struct func *f)
{
	for (int i = 0; i < g->n; i++)
		if (g->funcs[i] == f)
			return i;
	return -1;
}

/* Marks in row[] every user function that code n calls. */
static void note_calls(const struct graph *g, const struct node *n, unsigned char *row)
{
	for (; n; n = n->next) {
		if (n->kind == N_CALL && n->fn) {
			int j = func_index(g, n->fn);
			if (j >= 0)
				row[j] = 1;
		}
		if (n->kind == N_FOREACH) {
			const struct foreach_info *f = n->ext;
			note_calls(g, f->slice, row);
			note_calls(g, f->limit, row);
			note_calls(g, f->body, row);
		}
		note_calls(g, n->a, row);
		note_calls(g, n->b, row);
		note_calls(g, n->c, row);
		note_calls(g, n->d, row);
	}
}

/* The longest chain of distinct functions that starts with i; sets *cycle when a
   call leads back into the chain. */
static int longest_from(struct graph *g, int i, int *cycle)
{
	int best = 0;
	g->on_path[i] = 1;
	for (int j = 0; j < g->n && g->budget > 0; j++) {
		if (!g->calls[i * g->n + j])
			continue;
		g->budget--;
		if (g->on_path[j]) {
			*cycle = 1;
			continue;
		}
		int d = longest_from(g, j, cycle);
		if (d > best)
			best = d;
	}
	g->on_path[i] = 0;
	return best + 1;
}

int script_max_nesting(const struct script *s)
{
	struct graph g = { 0 };
	for (const struct func *f = s->funcs; f; f = f->next)
		g.n++;
	if (!g.n)
		return 1;
	g.funcs = calloc((size_t)g.n, sizeof *g.funcs);
	g.calls = calloc((size_t)g.n * (size_t)g.n, 1);
	g.on_path = calloc((size_t)g.n, 1);
	unsigned char *roots = calloc((size_t)g.n, 1);
	if (!g.funcs || !g.calls || !g.on_path || !roots)
		abort();
	int i = 0;
	for (const struct func *f = s->funcs; f; f = f->next)
		g.funcs[i++] = f;
	for (i = 0; i < g.n; i++)
		note_calls(&g, g.funcs[i]->body, g.calls + (size_t)i * (size_t)g.n);
	for (const struct probe *p = s->probes; p; p = p->next) {
		note_calls(&g, p->cond, roots);
		note_calls(&g, p->body, roots);
	}
	int depth = 1, cycle = 0;
	g.budget = 1000000;
	for (i = 0; i < g.n; i++)
		if (roots[i]) {
			int d = longest_from(&g, i, &cycle);
			if (d > depth)
				depth = d;
		}
	if (g.budget <= 0)
		cycle = 1; /* too tangled to measure: allow recursion's room */
	if (cycle)
		depth = depth + 11 > 13 ? depth + 11 : 13;
	free(g.funcs);
	free(g.calls);
	free(g.on_path);
	free(roots);
	return depth;
}
