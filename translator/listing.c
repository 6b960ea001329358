/* tapc -l PATTERN / -L PATTERN: the probe points a pattern matches, and with -L the
   variables each one gives its handler. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "diag.h"
#include "elaborate.h"
#include "listing.h"
#include "parse.h"
#include "probes.h"
#include "tapsets.h"
#include "../tapio/ksyms.h"

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

/* Is the target kernel the one running here? Only then is /proc/kallsyms its own. */
static int target_is_running(void)
{
	struct utsname u;
	if (!probe_env.kernel_dir || uname(&u))
		return 0;
	char *running = xasprintf("/lib/modules/%s/build", u.release);
	char *a = realpath(probe_env.kernel_dir, NULL), *b = realpath(running, NULL);
	int same = a && b && !strcmp(a, b);
	free(running);
	free(a);
	free(b);
	return same;
}

struct kprobe_found {
	char ***found;
	size_t *n;
	const struct probe_comp *rest;     /* after function("..."): nothing or return */
};

static void add_kprobe(void *arg, int i, const char *name)
{
	struct kprobe_found *kf = arg;
	(void)i;
	const char *ret = kf->rest ? ".return" : "";
	*kf->found = realloc(*kf->found, (*kf->n + 1) * sizeof **kf->found);
	if (!*kf->found)
		abort();
	(*kf->found)[(*kf->n)++] = xasprintf("kprobe.function(\"%s\")%s", name, ret);
}

/* kprobe.function("PATTERN")[.return]: the matching functions of the running kernel,
   which must be the target (tapc --vm runs the listing in the VM for that). */
static int list_kprobes(struct probe_point *pat, char ***found, size_t *n)
{
	for (struct probe_point *pp = pat; pp; pp = pp->next) {
		const struct probe_comp *k = pp->comps, *f = k ? k->next : NULL;
		if (!f || fnmatch(k->name, "kprobe", 0) || fnmatch(f->name, "function", 0) || !f->arg ||
		    f->arg->kind != N_STR || (f->next && (f->next->arg || f->next->next ||
							   fnmatch(f->next->name, "return", 0))))
			continue;
		if (!target_is_running()) {
			struct utsname u;
			uname(&u);
			fprintf(stderr, "tapc: kprobe.function patterns are listed from the running kernel's "
					"/proc/kallsyms, and this host runs %s, not the target (%s): use --vm, "
					"or run tapc -l on the target\n", u.release,
				probe_env.kernel_dir ? probe_env.kernel_dir : "none");
			return 1;
		}
		const char *glob = f->arg->str;
		struct kprobe_found kf = { found, n, f->next };
		if (ksyms_match(&glob, 1, add_kprobe, &kf)) {
			perror("tapc: /proc/kallsyms");
			return 1;
		}
	}
	return 0;
}

/* process("PATH").function("PATTERN")[.return] and .mark("PATTERN"): resolved as a
   script's probe would be, from the ELF files here; with -L, the target variables. */
static int list_process(struct probe_point *pat, int with_locals, char ***found, size_t *n)
{
	for (struct probe_point *pp = pat; pp; pp = pp->next) {
		struct probe p = { 0 };
		struct site *sites = NULL, **tail = &sites;
		if (strcmp(pp->comps->name, "process"))
			continue;
		pp->optional = 1;       /* nothing found lists nothing */
		probe_process_match(&p, pp, &tail);
		for (struct site *st = sites; st; st = st->next) {
			char *text = xstrdup(st->pp);
			for (int i = 0; with_locals && i < st->nparams; i++)
				text = xasprintf("%s $%s:%s", text, st->params[i].name,
						 st->params[i].is_string ? "string" : "long");
			if (with_locals && !strcmp(st->kind, "TAP_PROBE_URETPROBE"))
				text = xasprintf("%s $return:long", text);
			*found = realloc(*found, (*n + 1) * sizeof **found);
			if (!*found)
				abort();
			(*found)[(*n)++] = text;
		}
	}
	return diag_errors() != 0;
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
	if (!probe_env.user_runtime && (list_kprobes(pat, &found, &n) || list_process(pat, with_locals, &found, &n)))
		return 1;
	qsort(found, n, sizeof *found, by_text);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(found[i], found[i - 1]))
			continue;
		if (with_locals && strncmp(found[i], "process(", 8))
			printf("%s%s\n", found[i], locals_of(found[i], lib));
		else
			printf("%s\n", found[i]);
	}
	return 0;
}
