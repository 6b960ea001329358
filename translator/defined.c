/* @defined(EXPR) is answered during elaboration: 1 when EXPR has target expressions and
   every one resolves in the probe (tapc resolves $name, a tracepoint's parameter, and nothing
   needing debuginfo: members, @cast, @var, $$vars), else 0. Code that such a constant
   rules out is removed before type checking, so `@defined($x) ? $x : 0` and
   `if (@defined($x)) ...` never report the missing $x, as in SystemTap. Only decisions
   that depend on @defined are folded: `if (0) nosuch()` still reports nosuch. */
#include <stdlib.h>
#include <string.h>
#include "defined.h"
#include "cast.h"
#include "kernel_btf.h"
#include "parser.h"
#include "probes.h"

static const struct script *S;

/* "$name" with nothing after the name */
static int simple_target(const char *s)
{
	if (s[0] != '$' || !s[1])
		return 0;
	if (s[1] == '$')        /* $$name, $$provider of an SDT marker */
		s++;
	if (!s[1])
		return 0;
	for (const char *p = s + 1; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

/* $name, or $name->member... on a parameter that points to a struct or union */
static int target_resolves(const char *target, const struct probe *p)
{
	int conv = 0;
	const char *ctype;
	char *name, *path;
	if (simple_target(target))
		return probe_target_param(S->sites, p, target + 1, &conv) >= 0 ||
		       probe_special_target(S->sites, p, target);
	if (!target_member_path(target, &name, &path))
		return 0;
	int ok = probe_target_member(S->sites, p, name, &conv, &ctype) >= 0;
	/* the kernel's BTF knows whether the members are there (in this kernel version) */
	if (ok && kernel_btf_member_path(ctype, path) == 0)
		ok = 0;
	free(name);
	free(path);
	return ok;
}

static int is_known_operator(const char *name)
{
	static const char *const known[] = { "defined", "count", "sum", "min", "max", "avg",
					      "variance", "hist_log", "hist_linear" };
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(known[i], name))
			return 1;
	return 0;
}

/* Counts N's target expressions in *found; 0 if one of them does not resolve. */
static int resolves(const struct node *n, const struct probe *p, int *found)
{
	for (; n; n = n->next) {
		*found += n->kind == N_TARGET;
		const struct node *cast;
		char *path;
		if (n->kind == N_TARGET && cast_chain(n, &cast, &path)) {
			/* @cast(p, "T")->m: defined when T has m, as the BTF says (or cannot say) */
			const char *why, *ctype = cast_ctype(cast, &why);
			int ok = ctype && !probe_env.user_runtime && kernel_btf_member_path(ctype, path) != 0;
			free(path);
			if (!ok || !resolves(cast->a, p, found))
				return 0;
			continue;
		}
		if (n->kind == N_TARGET && (!p || !target_resolves(n->str, p)))
			return 0;
		/* @cast, @var and the like need debuginfo that tapc does not read */
		if (n->kind == N_EXTRACT && !is_known_operator(n->str))
			return 0;
		if (!resolves(n->a, p, found) || !resolves(n->b, p, found) || !resolves(n->c, p, found) ||
		    !resolves(n->d, p, found))
			return 0;
	}
	return 1;
}

/* 1 and *v set when N is a constant decided by @defined */
static int decided(const struct node *n, int64_t *v)
{
	int64_t l, r;
	int hl, hr;
	switch (n->kind) {
	case N_NUM:
		*v = n->num;
		return n->from_defined;
	case N_UNARY:
		if (n->op != '!' || !decided(n->a, &l))
			return 0;
		*v = !l;
		return 1;
	case N_BINARY:
		if (n->op != ANDAND && n->op != OROR)
			return 0;
		hl = decided(n->a, &l);
		hr = decided(n->b, &r);
		if (n->op == ANDAND && ((hl && !l) || (hl && hr))) {
			*v = hl && hr ? l && r : 0;
			return 1;
		}
		/* x || 1 still evaluates x; only a decided left side may skip the right */
		if (n->op == OROR && ((hl && l) || (hl && hr))) {
			*v = hl && hr ? l || r : 1;
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

static void become(struct node *n, const struct node *with)
{
	struct node *next = n->next;
	*n = *with;
	n->next = next;
}

static void become_num(struct node *n, int64_t v)
{
	struct node num = { .kind = N_NUM, .loc = n->loc, .tok_kind = TK_NUMBER, .tok = "@defined",
			    .num = v, .from_defined = 1 };
	become(n, &num);
}

static void fold(struct node *n, const struct probe *p)
{
	int64_t v;
	for (; n; n = n->next) {
		if (n->kind == N_EXTRACT && !strcmp(n->str, "defined")) {
			/* an expression without target variables is not "defined" either */
			int found = 0;
			become_num(n, n->a && !n->a->next && resolves(n->a, p, &found) && found);
			continue;
		}
		fold(n->a, p);
		fold(n->b, p);
		fold(n->c, p);
		fold(n->d, p);
		if (n->kind == N_FOREACH) {
			struct foreach_info *f = n->ext;
			fold(f->limit, p);
			fold(f->body, p);
		}
		switch (n->kind) {
		case N_TERNARY:
			if (decided(n->a, &v))
				become(n, v ? n->b : n->c);
			break;
		case N_IF:
			if (decided(n->a, &v)) {
				if (v)
					become(n, n->b);
				else if (n->c)
					become(n, n->c);
				else
					become(n, &(struct node){ .kind = N_NOP, .loc = n->loc });
			}
			break;
		case N_WHILE:
			if (decided(n->a, &v) && !v)
				become(n, &(struct node){ .kind = N_NOP, .loc = n->loc });
			break;
		case N_FOR:
			/* a loop that never runs keeps only its initialization */
			if (n->b && decided(n->b, &v) && !v)
				become(n, &(struct node){ .kind = n->a ? N_EXPR : N_NOP, .loc = n->loc, .a = n->a });
			break;
		case N_UNARY:
		case N_BINARY:
			if (decided(n, &v))
				become_num(n, v != 0);
			break;
		default:
			break;
		}
	}
}

/* Does N use a target variable or @defined? */
static int uses_targets(const struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_TARGET || (n->kind == N_EXTRACT && !strcmp(n->str, "defined")))
			return 1;
		if (uses_targets(n->a) || uses_targets(n->b) || uses_targets(n->c) || uses_targets(n->d))
			return 1;
		if (n->kind == N_FOREACH) {
			const struct foreach_info *f = n->ext;
			if (uses_targets(f->limit) || uses_targets(f->body))
				return 1;
		}
	}
	return 0;
}

/* Do two sites offer the same target variables, in the same places? */
static int same_params(const struct site *a, const struct site *b)
{
	if (a->nparams != b->nparams)
		return 0;
	for (int i = 0; i < a->nparams; i++)
		if (strcmp(a->params[i].name, b->params[i].name) || a->params[i].conv != b->params[i].conv ||
		    !a->params[i].ctype != !b->params[i].ctype ||
		    (a->params[i].ctype && strcmp(a->params[i].ctype, b->params[i].ctype)) ||
		    !a->params[i].cexpr != !b->params[i].cexpr ||
		    (a->params[i].cexpr && strcmp(a->params[i].cexpr, b->params[i].cexpr)))
			return 0;
	return 1;
}

/* As in SystemTap, a probe's body is elaborated for each of its points: a probe whose
   points offer different target variables, and whose body uses them or @defined,
   becomes one probe per kind of point (points with the same parameters share one). */
static void split_by_point(struct script *s)
{
	for (struct probe *p = s->probes; p; p = p->next) {
		if (p->alias_kind || !uses_targets(p->body))
			continue;
		const struct site *first = NULL;
		for (struct site *st = s->sites; st; st = st->next) {
			if (st->probe != p)
				continue;
			if (!first) {
				first = st;
				continue;
			}
			if (same_params(first, st))
				continue;
			/* a new kind of point: the next probe after p takes it and its like */
			struct probe *copy = probe_clone(p);
			copy->next = p->next;
			p->next = copy;
			for (struct site *o = st; o; o = o->next)
				if (o->probe == p && same_params(st, o))
					o->probe = copy;
		}
	}
}

void fold_defined(struct script *s)
{
	S = s;
	split_by_point(s);
	for (struct func *f = s->funcs; f; f = f->next)
		fold(f->body, NULL);
	for (struct probe *p = s->probes; p; p = p->next) {
		fold(p->cond, p);
		fold(p->body, p);
	}
}
