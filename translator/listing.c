/* tapc -l PATTERN / -L PATTERN: the probe points a pattern matches, and with -L the
   variables each one gives its handler. */
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "elaborate.h"
#include "listing.h"
#include "parse.h"
#include "probes.h"
#include "tapsets.h"

static struct probe_point *parse_point(const char *text)
{
	struct script s = { 0 };
	char *src = xasprintf("probe %s {}", text);
	diag_add_source("<pattern>", src, strlen(src));
	if (parse_source(&s, "<pattern>", src, strlen(src)) || !s.probes)
		return NULL;
	return s.probes->points;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* With -L: elaborate `probe NAME {}` and print the locals the alias defines. */
static char *locals_of(const char *name, struct script *lib)
{
	struct script s = { 0 };
	char *src = xasprintf("probe %s {}", name);
	if (parse_source(&s, "<list>", src, strlen(src)) || tapsets_link(&s, lib))
		return xstrdup("");
	s.sites = probes_resolve(&s);
	if (elaborate(&s, 0) || !s.probes)
		return xstrdup("");
	char *out = xstrdup("");
	for (const struct sym *l = s.probes->locals; l; l = l->next)
		out = xasprintf("%s %s:%s", out, l->name, type_name(l->type));
	return out;
}

int list_probes(const char *pattern, int with_locals, struct script *lib)
{
	struct probe_point *pat = parse_point(pattern);
	if (!pat)
		return 1;
	char **found = NULL;
	size_t n = 0;
	const char *fixed[] = { "begin", "end", "error", "never", "timer.profile" };
	const char **sys;
	int nsys = probe_env.user_runtime ? 0 : syscall_names(&sys);
	size_t ncand = sizeof fixed / sizeof fixed[0] + (size_t)nsys;
	for (const struct probe *p = lib->probes; p; p = p->next)
		ncand += p->alias_kind != 0;
	char **cand = xcalloc(ncand + 1, sizeof *cand);
	size_t k = 0;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		cand[k++] = xstrdup(fixed[i]);
	for (int i = 0; i < nsys; i++)
		cand[k++] = xasprintf("kernel.syscall(\"%s\")", sys[i]);
	for (const struct probe *p = lib->probes; p; p = p->next)
		if (p->alias_kind)
			cand[k++] = probe_point_text(p->alias);
	for (size_t i = 0; i < k; i++) {
		struct probe_point *c = parse_point(cand[i]);
		int hit = 0;
		for (struct probe_point *pp = pat; pp && c; pp = pp->next)
			hit |= tapsets_point_matches(pp, c);
		if (!hit)
			continue;
		int dup = 0;
		for (size_t j = 0; j < n; j++)
			dup |= !strcmp(found[j], cand[i]);
		if (dup)
			continue;
		found = realloc(found, (n + 1) * sizeof *found);
		if (!found)
			abort();
		found[n++] = cand[i];
	}
	qsort(found, n, sizeof *found, by_text);
	for (size_t i = 0; i < n; i++) {
		if (with_locals)
			printf("%s%s\n", found[i], locals_of(found[i], lib));
		else
			printf("%s\n", found[i]);
	}
	return 0;
}
