/* Probe point resolution: asks each family in turn which points it knows. */
#include <string.h>
#include "diag.h"
#include "kernel_btf.h"
#include "probes.h"

char *probe_point_text(const struct probe_point *pp)
{
	char *s = xstrdup("");
	for (const struct probe_comp *c = pp->comps; c; c = c->next) {
		char *arg = NULL;
		if (c->arg && c->arg->kind == N_STR)
			arg = xasprintf("(\"%s\")", c->arg->str);
		else if (c->arg)
			arg = xasprintf("(%lld)", (long long)c->arg->num);
		s = xasprintf("%s%s%s%s", s, s[0] ? "." : "", c->name, arg ? arg : "");
	}
	return s;
}

struct probe_env probe_env;

struct site *site_add(struct probe *p, struct probe_point *pp, const char *kind, struct site ***tail)
{
	struct site *s = xcalloc(1, sizeof *s);
	s->probe = p;
	s->kind = kind;
	s->pp = probe_point_text(pp);
	s->pn = pp->written ? pp->written : s->pp;
	s->optional = pp->optional;
	**tail = s;
	*tail = &s->next;
	return s;
}

/* Why a SystemTap probe family tapc does not have cannot be used, so the error says
   more than "no match". */
static const char *missing_family(const struct probe_point *pp)
{
	static const struct { const char *first, *second, *why; } families[] = {
		{ "kernel", "statement", "it needs the kernel's debuginfo, which tapc does not read" },
		{ "module", "statement", "it needs the module's debuginfo, which tapc does not read" },
		{ "perf", NULL, "tapc does not support perf event probes" },
	};
	const struct probe_comp *c = pp->comps;
	for (size_t i = 0; c && i < sizeof families / sizeof families[0]; i++)
		if (!strcmp(c->name, families[i].first) &&
		    (!families[i].second || (c->next && !strcmp(c->next->name, families[i].second))))
			return families[i].why;
	return NULL;
}

/* A kernel.function site's parameters, from the BTF on first use. */
static void load_btf_params(const struct site *cst)
{
	struct site *st = (struct site *)cst;
	if (!st->btf_func || st->btf_loaded)
		return;
	st->btf_loaded = 1;
	int n = kernel_func_params(st->btf_func, st->params, TAP_TRACE_MAX_ARGS, &st->btf_why);
	st->nparams = n < 0 ? 0 : n;
	for (int i = 0; i < st->nparams; i++)
		st->params[i].conv |= TC_FROM_REGS;
}

int probe_param_names(const struct site *sites, const struct probe *p, const char **names, int max)
{
	for (const struct site *st = sites; st; st = st->next) {
		if (st->probe != p)
			continue;
		load_btf_params(st);
		int n = 0;
		/* not an SDT marker's $$name and $$provider: strings, and not arguments */
		for (int i = 0; i < st->nparams && n < max; i++)
			if (!st->params[i].is_string)
				names[n++] = st->params[i].name;
		return n;
	}
	return 0;
}

const char *probe_params_missing(const struct site *sites, const struct probe *p)
{
	for (const struct site *st = sites; st; st = st->next)
		if (st->probe == p && st->btf_why)
			return st->btf_why;
	return NULL;
}

int probe_target_param(const struct site *sites, const struct probe *p, const char *name, int *conv)
{
	int idx = -1, nsites = 0;
	const char *cexpr = NULL;
	for (const struct site *st = sites; st; st = st->next) {
		if (st->probe != p)
			continue;
		load_btf_params(st);
		nsites++;
		int found = -1;
		for (int i = 0; i < st->nparams; i++)
			if (!strcmp(st->params[i].name, name))
				found = i;
		const char *e = found >= 0 ? st->params[found].cexpr : NULL;
		if (found < 0 || (idx >= 0 && (found != idx || st->params[found].conv != *conv ||
						 !e != !cexpr || (e && strcmp(e, cexpr)))))
			return -1;
		idx = found;
		cexpr = e;
		*conv = st->params[found].conv;
	}
	return nsites ? idx : -1;
}

int probe_is_return(const struct site *sites, const struct probe *p)
{
	int n = 0;
	for (const struct site *st = sites; st; st = st->next) {
		if (st->probe != p)
			continue;
		if (strcmp(st->kind, "TAP_PROBE_KRETPROBE") && strcmp(st->kind, "TAP_PROBE_URETPROBE"))
			return 0;
		n++;
	}
	return n > 0;
}

int probe_special_target(const struct site *sites, const struct probe *p, const char *name)
{
	if (!strcmp(name, "$value") && probe_is_procfs(sites, p))
		return TARGET_PROCFS_VALUE;
	return !strcmp(name, "$return") && probe_is_return(sites, p) ? TARGET_RETURN : 0;
}

static int ident_char(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int target_member_path(const char *target, char **name, char **path)
{
	const char *p = target + 1, *end;
	if (target[0] != '$' || !ident_char(*p))
		return 0;
	while (ident_char(*p))
		p++;
	end = p;
	if (strncmp(p, "->", 2))
		return 0;
	while (*p) {
		if (!strncmp(p, "->", 2))
			p += 2;
		else if (*p == '.')
			p++;
		else
			return 0;
		if (!ident_char(*p) || (*p >= '0' && *p <= '9'))
			return 0;
		while (ident_char(*p))
			p++;
	}
	*name = strndup(target + 1, (size_t)(end - target - 1));
	*path = strdup(end);
	return 1;
}

int probe_target_member(const struct site *sites, const struct probe *p, const char *name, int *conv,
			const char **ctype)
{
	int idx = probe_target_param(sites, p, name, conv);
	*ctype = NULL;
	for (const struct site *st = sites; idx >= 0 && st; st = st->next) {
		if (st->probe != p)
			continue;
		const char *t = st->params[idx].ctype, *u = t;
		if (u && !strncmp(u, "const ", 6)) /* const struct net_device *dev */
			u += 6;
		if (!t || (*ctype && strcmp(*ctype, t)) || (!st->header && !st->btf_func) ||
		    (strncmp(u, "struct ", 7) && strncmp(u, "union ", 6)) || t[strlen(t) - 1] != '*' ||
		    strchr(t, '*') != t + strlen(t) - 1)
			return -1;
		*ctype = t;
	}
	return *ctype ? idx : -1;
}

struct site *probes_resolve(struct script *s)
{
	struct site *sites = NULL, **tail = &sites;
	for (struct probe *p = s->probes; p; p = p->next) {
		for (struct probe_point *pp = p->points; pp; pp = pp->next) {
			struct site **before = tail;
			if (probe_special_match(p, pp, &tail) || probe_timer_match(p, pp, &tail) ||
			    probe_kprobe_match(p, pp, &tail) || probe_syscall_match(p, pp, &tail) ||
			    probe_trace_match(p, pp, &tail) || probe_netfilter_match(p, pp, &tail) ||
			    probe_procfs_match(p, pp, &tail) || probe_process_match(p, pp, &tail)) {
				/* `!`: once this point resolves, the probe's later points are not tried. */
				if (pp->sufficient && tail != before)
					break;
				continue;
			}
			const char *why = missing_family(pp);
			if (!pp->optional && why)
				diag_error(pp->loc, "probe point '%s' does not match any known probe: %s",
					   probe_point_text(pp), why);
			else if (!pp->optional)
				diag_error(pp->loc, "probe point '%s' does not match any known probe",
					   probe_point_text(pp));
		}
	}
	/* A probe whose points are all optional and absent is dropped, body unchecked. */
	for (struct probe **pp = &s->probes; *pp;) {
		int found = 0;
		for (struct site *st = sites; st && !found; st = st->next)
			found = st->probe == *pp;
		if (found)
			pp = &(*pp)->next;
		else
			*pp = (*pp)->next;
	}
	return sites;
}
