/* Pass 2: name resolution and type inference.
   Types flow both ways (x = 1 makes x a long; f(x) with f's parameter a string makes x a
   string), so inference repeats over the whole script until nothing changes, and only the
   final round reports errors. */
#include <stdlib.h>
#include <string.h>
#include "regex.h"
#include "diag.h"
#include "elaborate.h"
#include "defined.h"
#include "builtins.h"
#include "format.h"
#include "parser.h"
#include "probes.h"
#include "cast.h"

struct scope {
	struct sym **locals;    /* the probe's or function's local list */
	struct sym *params;
	struct func *fn;        /* NULL in a probe */
	int loop_depth;
	int in_probe;
	struct probe *probe;    /* the probe being checked, for its $arguments */
	struct sym *iterating[16]; /* arrays of the enclosing foreach loops */
	int niterating;
};

static struct script *S;
static int reporting;   /* report errors only in the final round */
static int changed;

static void err(struct loc loc, const char *fmt, const char *a, const char *b)
{
	if (reporting)
		diag_error(loc, fmt, a, b);
}

static struct sym *find_sym(struct sym *list, const char *name)
{
	for (; list; list = list->next)
		if (!strcmp(list->name, name))
			return list;
	return NULL;
}

static struct func *find_func(const char *name, int nargs)
{
	for (struct func *f = S->funcs; f; f = f->next)
		if (!strcmp(f->name, name) && f->nparams == nargs)
			return f;
	return NULL;
}

static struct func *find_func_any(const char *name)
{
	for (struct func *f = S->funcs; f; f = f->next)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* ---- "did you mean": the known name closest to a misspelt one ---- */

/* Levenshtein distance; anything over 2 is reported as 3. */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if ((la > lb ? la - lb : lb - la) > 2)
		return 3;
	int *row = calloc(lb + 1, sizeof *row);
	if (!row)
		abort();
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	int d = row[lb];
	free(row);
	return d > 2 ? 3 : d;
}

struct suggestion {
	const char *name;   /* the unknown name */
	const char *best;
	int dist;
};

static void consider(struct suggestion *sg, const char *candidate)
{
	if (!candidate || !strcmp(candidate, sg->name))
		return;
	int d = edit_distance(sg->name, candidate);
	/* A distance as long as the name itself would suggest anything at all. */
	if (d <= 2 && d < (int)strlen(sg->name) && d < sg->dist) {
		sg->best = candidate;
		sg->dist = d;
	}
}

static const char *suggestion_text(const struct suggestion *sg)
{
	return sg->best ? xasprintf(" (did you mean '%s'?)", sg->best) : "";
}

static const struct {
	const char *name;
	enum builtin_id id;
} builtins[] = {
	{ "print", B_PRINT }, { "println", B_PRINTLN }, { "printf", B_PRINTF },
	{ "sprintf", B_SPRINTF }, { "printd", B_PRINTD }, { "printdln", B_PRINTDLN },
	{ "exit", B_EXIT }, { "error", B_ERROR },
};

/* Script functions, the translator's own and the runtime's. */
static const char *similar_function(const char *name)
{
	struct suggestion sg = { name, NULL, 3 };
	for (struct func *f = S->funcs; f; f = f->next)
		consider(&sg, f->name);
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		consider(&sg, builtins[i].name);
	for (size_t i = 0; cbuiltin_name(i); i++)
		consider(&sg, cbuiltin_name(i));
	return suggestion_text(&sg);
}

static const char *similar_global(const char *name)
{
	struct suggestion sg = { name, NULL, 3 };
	for (struct sym *g = S->globals; g; g = g->next)
		consider(&sg, g->name);
	return suggestion_text(&sg);
}

enum builtin_id builtin_of(const struct node *call)
{
	return (enum builtin_id)call->num;
}

/* Unknown types take the other side's; known ones must agree. */
static void set_type(enum type *slot, enum type t, struct loc loc)
{
	if (t == T_UNKNOWN || *slot == t)
		return;
	if (*slot == T_UNKNOWN) {
		*slot = t;
		changed = 1;
		return;
	}
	err(loc, "type mismatch (%s vs. %s)", type_name(*slot), type_name(t));
}

static struct sym *resolve_var(struct node *n, struct scope *sc, int create)
{
	if (n->sym)
		return n->sym;
	struct sym *s = find_sym(*sc->locals, n->str);
	if (!s)
		s = find_sym(sc->params, n->str);
	/* A tapset function's variables are its own whatever the script names its
	   globals (general_eventcount's global c): it sees only the tapsets' globals. */
	if (!s) {
		s = find_sym(S->globals, n->str);
		if (s && sc->fn && sc->fn->from_tapset && !s->from_tapset)
			s = NULL;
	}
	if (!s && create) {
		s = sym_new(n->str, S_LOCAL, n->loc);
		s->next = *sc->locals;
		*sc->locals = s;
	}
	n->sym = s;
	return s;
}

static enum type infer(struct node *n, struct scope *sc, enum type want);

/* A statistics variable has one histogram shape, taken from @hist_log/@hist_linear. */
static void note_histogram(struct node *n, struct sym *s)
{
	int kind = !strcmp(n->str, "hist_log") ? 1 : 2;
	int64_t p[3] = { 0, 0, 0 };
	int nargs = list_length(n->a) - 1, i = 0;
	if (kind == 1 && nargs != 0) {
		err(n->loc, "@hist_log takes one argument%s%s", "", "");
		return;
	}
	if (kind == 2) {
		if (nargs != 3) {
			err(n->loc, "@hist_linear takes a statistic and three numbers: start, stop, interval%s%s", "", "");
			return;
		}
		for (struct node *a = n->a->next; a; a = a->next, i++) {
			if (a->kind != N_NUM) {
				err(a->loc, "histogram parameters must be literal numbers%s%s", "", "");
				return;
			}
			p[i] = a->num;
		}
		if (p[2] <= 0 || p[1] <= p[0]) {
			err(n->loc, "@hist_linear needs start < stop and a positive interval%s%s", "", "");
			return;
		}
		if ((p[1] - p[0]) / p[2] > 128) {
			err(n->loc, "@hist_linear has too many buckets (at most 128)%s%s", "", "");
			return;
		}
	}
	if (!s)
		return;
	if (s->hist && (s->hist != kind || s->hist_start != p[0] || s->hist_stop != p[1] ||
			s->hist_interval != p[2])) {
		err(n->loc, "'%s' is used with two different histograms%s", s->name, "");
		return;
	}
	s->hist = kind;
	s->hist_start = p[0];
	s->hist_stop = p[1];
	s->hist_interval = p[2];
}

/* @sum(x), foreach ... in x @max-: what updates of x must keep besides its count */
static void note_stat_read(struct sym *s, const char *extractor)
{
	if (!s || !extractor)
		return;
	if (!strcmp(extractor, "sum") || !strcmp(extractor, "avg"))
		s->stat_reads |= STAT_READS_SUM;
	else if (!strcmp(extractor, "min"))
		s->stat_reads |= STAT_READS_MIN;
	else if (!strcmp(extractor, "max"))
		s->stat_reads |= STAT_READS_MAX;
}

/* @variance(s, N) scales by 2^N; every @variance of s must agree, except that one
   without a shift (or with 0) met first leaves the choice to later ones, as in stap.
   Checked once, in script order, in the reporting round. */
static void note_variance_shift(struct node *n, struct sym *s)
{
	struct node *arg = n->a->next;
	int64_t shift = arg && arg->kind == N_NUM ? arg->num : 0;
	if (!reporting || !s || (arg && arg->kind != N_NUM))
		return;
	if (shift < 0 || shift > 62) {
		err(n->loc, "bit shift (%s) out of range <0..62>%s", xasprintf("%lld", (long long)shift), "");
		return;
	}
	if (shift != s->var_shift && s->var_shift)
		err(n->loc, "conflicting bit shifts declared (previously %s)%s", xasprintf("%d", s->var_shift), "");
	else
		s->var_shift = (int)shift;
}

static void infer_list(struct node *n, struct scope *sc)
{
	for (; n; n = n->next)
		infer(n, sc, T_UNKNOWN);
}

/* Arrays have at most 9 key parts (TAP_MAX_KEYS in the runtime). */
static void check_nkeys(int n, struct loc loc)
{
	if (n > 9)
		err(loc, "too many array index expressions (%s, at most %s)", xasprintf("%d", n), "9");
}

/* An array's key types come from every use; they must agree in number and type.
   A `*` key (slice) matches any value: only in, delete and foreach allow it. */
static void infer_keys(struct sym *a, struct node *keys, struct scope *sc, struct loc loc, int slice_ok)
{
	int n = list_length(keys);
	check_nkeys(n, loc);
	if (a->nkeys < 0) {
		a->nkeys = n;
		changed = 1;
	} else if (a->nkeys != n) {
		err(loc, "inconsistent arity (%s vs %s)", xasprintf("%d", a->nkeys), xasprintf("%d", n));
	}
	int i = 0, wild = 0;
	for (struct node *k = keys; k; k = k->next, i++) {
		if (k->kind == N_WILDCARD) {
			wild = 1;
			continue;
		}
		enum type t = infer(k, sc, i < 9 && i < a->nkeys ? a->keys[i] : T_UNKNOWN);
		if (t == T_STATS)
			err(k->loc, "statistics cannot be array keys%s%s", "", "");
		else if (i < 9 && t != T_UNKNOWN && a->keys[i] != T_UNKNOWN && a->keys[i] != t)
			err(k->loc, "index %s type mismatch (%s)",
			    xasprintf("%d", i), xasprintf("%s); it was first inferred as (%s", type_name(t), type_name(a->keys[i])));
		else if (i < 9)
			set_type(&a->keys[i], t, k->loc);
	}
	if (wild && !slice_ok)
		err(loc, "wildcard not allowed in array index%s%s", "", "");
}

static struct sym *array_sym(struct node *n, const char *name, struct scope *sc)
{
	struct sym *a = find_sym(S->globals, name);
	if (!a) {
		if (find_sym(*sc->locals, name) || find_sym(sc->params, name))
			err(n->loc, "array '%s' must be global (locals cannot be arrays)%s", name, "");
		else
			err(n->loc, "unresolved array '%s'%s", name, reporting ? similar_global(name) : "");
		return NULL;
	}
	if (!a->is_array) {
		a->is_array = 1;
		changed = 1;
	}
	return a;
}

/* $name in a tracepoint or netfilter probe: the argument of that name, the same in
   every point of the probe. */
static enum type infer(struct node *n, struct scope *sc, enum type want);

/* @cast(addr, "type"[, "module"]): addr is a number; the type's C name is its ctype. */
static const char *infer_cast(const struct node *cast, struct scope *sc)
{
	const char *why = NULL, *ctype = cast_ctype(cast, &why);
	if (!ctype)
		err(cast->loc, "%s%s", why, "");
	if (probe_env.user_runtime && ctype)
		err(cast->loc, "@cast reads kernel memory: it needs the kernel runtime%s%s", "", "");
	if (cast->a) {
		enum type t = infer(cast->a, sc, T_LONG);
		if (t != T_LONG && t != T_UNKNOWN)
			err(cast->a->loc, "type mismatch (%s vs. %s)", type_name(t), "long");
	}
	return ctype;
}

static enum type infer_target(struct node *n, struct scope *sc);

/* $$parms and $$vars ("name=0x1f ..." of every parameter), $$locals (tapc knows none
   without debuginfo), $$return ("return=0x..."): a string of target values, which are
   made the node's a list once. */
static enum type infer_parms(struct node *n, struct scope *sc)
{
	if (!n->ext) {
		const char *names[TAP_TRACE_MAX_ARGS + 1];
		int count = 0;
		if (!strcmp(n->str, "$$return"))
			names[count++] = "return";
		else if (strcmp(n->str, "$$locals") && sc->probe)
			count = probe_param_names(S->sites, sc->probe, names, TAP_TRACE_MAX_ARGS);
		char *fmt = xstrdup("");
		struct node **tail = &n->a;
		for (int i = 0; i < count; i++) {
			struct node *v = node_new(N_TARGET, n->loc);
			v->str = xasprintf("$%s", names[i]);
			v->tok = v->str;
			v->tok_kind = n->tok_kind;
			*tail = v;
			tail = &v->next;
			fmt = xasprintf("%s%s%s=0x%%x", fmt, i ? " " : "", names[i]);
		}
		n->ext = fmt;
	}
	for (struct node *v = n->a; v; v = v->next)
		infer_target(v, sc);
	n->num = TARGET_PARMS;
	return T_STRING;
}

static enum type infer_target(struct node *n, struct scope *sc)
{
	int conv = 0;
	char *name, *path;
	const struct node *cast;
	if (!strcmp(n->str, "$$parms") || !strcmp(n->str, "$$vars") || !strcmp(n->str, "$$locals") ||
	    !strcmp(n->str, "$$return"))
		return infer_parms(n, sc);
	if (cast_chain(n, &cast, &path)) {
		/* @cast(p, "T")->a->b: read through T (codegen's gen_member_read) */
		free(path);
		n->ctype = infer_cast(cast, sc);
		return T_LONG;
	}
	if (target_member_path(n->str, &name, &path)) {
		/* $p->member: read through the parameter's C type (codegen's gen_member_read) */
		const char *ctype = NULL;
		int idx = sc->probe ? probe_target_member(S->sites, sc->probe, name, &conv, &ctype) : -1;
		free(name);
		free(path);
		if (idx < 0)
			err(n->loc, "target variable '%s' is not available in this probe%s", n->str,
			    ": members need a parameter that points to a struct or union");
		n->num = idx;
		n->op = conv;
		n->ctype = ctype;
		/* a function's parameter in its .return probe: read at the entry */
		if ((conv & TC_FROM_REGS) && probe_is_return(S->sites, sc->probe))
			n->entry_slot = -1;
		return T_LONG;
	}
	int special = sc->probe ? probe_special_target(S->sites, sc->probe, n->str) : 0;
	if (special) {
		n->num = special;
		return special == TARGET_PROCFS_VALUE ? T_STRING : T_LONG;
	}
	int idx = sc->probe ? probe_target_param(S->sites, sc->probe, n->str + 1, &conv) : -1;
	if (idx < 0) {
		int netfilter = 0, kprobe = 0, user_function = 0;
		for (const struct site *st = S->sites; st; st = st->next) {
			netfilter |= st->probe == sc->probe && !strcmp(st->kind, "TAP_PROBE_NETFILTER");
			kprobe |= st->probe == sc->probe && !strncmp(st->kind, "TAP_PROBE_K", 11);
			/* $return and $$vars are not parameters */
			user_function |= st->probe == sc->probe && st->user_function && strcmp(n->str, "$return") &&
					 n->str[1] != '$';
		}
		err(n->loc, "target variable '%s' is not available in this probe%s", n->str,
		    netfilter && !strcmp(n->str, "$verdict") ? " (the netfilter verdict needs guru mode, -g)"
		    : kprobe ? xasprintf(" (a function probed by name has its parameters at its entry, from the "
					 "kernel's BTF%s%s)", probe_params_missing(S->sites, sc->probe) ? ": " : "",
					 probe_params_missing(S->sites, sc->probe) ? probe_params_missing(S->sites, sc->probe) : "")
		    : user_function ? " (a user-space function: its parameters need DWARF debuginfo, which tapc "
				      "does not read; pointer_arg(N), int_arg(N)... read the argument registers)" : "");
		return T_LONG;
	}
	n->num = idx;
	n->op = conv;
	if ((conv & TC_FROM_REGS) && probe_is_return(S->sites, sc->probe))
		n->entry_slot = -1;
	/* a user probe's variable is read by a C expression of its own ($arg1, $$name) */
	for (const struct site *st = S->sites; st; st = st->next)
		if (st->probe == sc->probe && st->params[idx].cexpr) {
			n->cexpr = st->params[idx].cexpr;
			return st->params[idx].is_string ? T_STRING : T_LONG;
		}
	return T_LONG;
}

/* SystemTap lets a call without a value (exit(), a function that returns nothing)
   stand for a number, as in `done && exit()`: it counts as 0. */
static int long_operand(const struct node *x, enum type t)
{
	return t == T_LONG || t == T_UNKNOWN || (t == T_VOID && x->kind == N_CALL);
}

static void check_lvalue(struct node *n)
{
	if (n->kind != N_VAR && n->kind != N_INDEX && n->kind != N_TARGET)
		err(n->loc, "assignment to something that is not a variable%s%s", "", "");
}

/* Writing a target variable changes what the kernel sees: guru mode only, as in
   SystemTap, and only where tapc knows how (a function's return value in its .return
   probe, a parameter at the entry, a procfs $value, a netfilter $verdict). */
static void check_target_write(struct node *n, struct scope *sc)
{
	struct node *lhs = n->a;
	if (lhs->kind != N_TARGET)
		return;
	infer(lhs, sc, T_UNKNOWN);
	if (lhs->num == TARGET_PROCFS_VALUE || !strcmp(lhs->str, "$verdict"))
		return;
	if (!probe_env.guru) {
		err(lhs->loc, "write to target variable not permitted; need stap -g (tapc -g)%s%s", "", "");
		return;
	}
	int param = (lhs->op & TC_FROM_REGS) && !lhs->ctype && !lhs->entry_slot;
	if (lhs->num != TARGET_RETURN && !param)
		err(lhs->loc, "tapc cannot write this target variable: only $return in a .return probe "
			      "and a parameter at a function's entry%s%s", "", "");
	else if (n->op != '=')
		err(n->loc, "only '=' can write a target variable%s%s", "", "");
}

static enum type infer_print_args(struct node *n, struct scope *sc, enum builtin_id id)
{
	struct node *args = n->a;
	switch (id) {
	case B_PRINTF:
	case B_SPRINTF: {
		if (!args || args->kind != N_STR) {
			err(n->loc, "%s requires a literal format string as its first argument%s", n->str, "");
			infer_list(args, sc);
			break;
		}
		int kinds[64], pos;
		const char *msg;
		int need = tap_format_check(args->str, kinds, 64, &pos, &msg);
		if (need < 0) {
			err(args->loc, "invalid format string: %s%s", msg, "");
			break;
		}
		int have = list_length(args->next);
		if (have != need) {
			err(n->loc, "format string expects %s arguments, got %s",
			    xasprintf("%d", need), xasprintf("%d", have));
			infer_list(args->next, sc);
			break;
		}
		int i = 0;
		for (struct node *a = args->next; a; a = a->next, i++) {
			enum type want = kinds[i] ? T_STRING : T_LONG;
			enum type t = infer(a, sc, want);
			if (t != T_UNKNOWN && t != want)
				err(a->loc, "format argument type mismatch (%s vs. %s)", type_name(t), type_name(want));
			else if (a->kind == N_VAR && a->sym && a->sym->type == T_UNKNOWN)
				set_type(&a->sym->type, want, a->loc);
		}
		break;
	}
	case B_PRINTD:
	case B_PRINTDLN:
		if (!args || args->kind != N_STR)
			err(n->loc, "%s requires a literal delimiter string as its first argument%s", n->str, "");
		if (list_length(args) < 2)
			err(n->loc, "%s requires at least one value to print%s", n->str, "");
		/* fallthrough */
	default:
		for (struct node *a = args; a; a = a->next) {
			enum type t = infer(a, sc, T_UNKNOWN);
			if (t == T_STATS)
				err(a->loc, "cannot print statistics directly; use an extractor like @count%s%s", "", "");
			else if (t == T_VOID && !(a->kind == N_EXTRACT && !strncmp(a->str, "hist", 4)))
				err(a->loc, "this expression has no value to print%s%s", "", "");
		}
	}
	return id == B_SPRINTF ? T_STRING : T_VOID;
}

/* ---- an array must not change while a foreach walks it (SystemTap's rule) ---- */

static int iterating(const struct scope *sc, const struct sym *a)
{
	for (int i = 0; a && i < sc->niterating && i < 16; i++)
		if (sc->iterating[i] == a)
			return 1;
	return 0;
}

/* lvalue is what an assignment, ++/--, <<< or delete changes. */
static void note_modified(const struct node *lvalue, struct scope *sc)
{
	if (reporting && lvalue->kind == N_INDEX && iterating(sc, lvalue->sym))
		err(lvalue->loc, "variable '%s' modified during 'foreach' iteration%s", lvalue->str, "");
}

/* Does this code change an element of a?  Like SystemTap, a call is judged by what the
   called function itself changes, not by the functions it calls in turn. */
static int modifies(const struct node *n, const struct sym *a)
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case N_ASSIGN: case N_STATS_OP: case N_PREINC: case N_POSTINC: case N_DELETE:
			if (n->a->kind == N_INDEX && n->a->sym == a)
				return 1;
			break;
		case N_FOREACH: {
			const struct foreach_info *f = n->ext;
			if (modifies(f->slice, a) || modifies(f->limit, a) || modifies(f->body, a))
				return 1;
			break;
		}
		default:
			break;
		}
		if (modifies(n->a, a) || modifies(n->b, a) || modifies(n->c, a) || modifies(n->d, a))
			return 1;
	}
	return 0;
}

/* A call inside a foreach must not change the array either. */
static void check_call_modifies(const struct node *call, struct scope *sc)
{
	if (!reporting || !call->fn)
		return;
	for (int i = 0; i < sc->niterating && i < 16; i++) {
		if (sc->iterating[i] && modifies(call->fn->body, sc->iterating[i])) {
			err(call->loc, "function call modifies var '%s' during 'foreach' iteration%s",
			    sc->iterating[i]->name, "");
			return;
		}
	}
}

static enum type infer_call(struct node *n, struct scope *sc)
{
	if (!n->num && !n->fn) {
		for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
			if (!strcmp(builtins[i].name, n->str))
				n->num = builtins[i].id;
	}
	enum builtin_id id = builtin_of(n);
	int nargs = list_length(n->a);
	switch (id) {
	case B_NONE:
		break;
	case B_EXIT:
		if (nargs)
			err(n->loc, "exit takes no arguments%s%s", "", "");
		return T_VOID;
	case B_ERROR:
		if (nargs != 1)
			err(n->loc, "error takes one string argument%s%s", "", "");
		else if (infer(n->a, sc, T_STRING) != T_STRING && reporting && n->a->type != T_UNKNOWN)
			err(n->a->loc, "type mismatch (%s vs. %s)", type_name(n->a->type), "string");
		return T_VOID;
	default:
		return infer_print_args(n, sc, id);
	}
	if (!n->fn)
		n->fn = find_func(n->str, nargs);
	struct func *f = n->fn;
	const struct cbuiltin *cb = f ? NULL : cbuiltin_find(n->str, nargs);
	if (cb && nargs > 0) {
		/* an overload by the first argument's type, if there is one for it */
		const struct cbuiltin *other = cbuiltin_find_typed(n->str, nargs, infer(n->a, sc, T_UNKNOWN));
		if (other)
			cb = other;
	}
	if (cb) {
		n->ext = (void *)cb;
		int i = 0;
		for (struct node *a = n->a; a; a = a->next, i++) {
			enum type t = infer(a, sc, cb->args[i]);
			if (t != T_UNKNOWN && t != cb->args[i])
				err(a->loc, "type mismatch (%s vs. %s)", type_name(t), type_name(cb->args[i]));
		}
		return cb->ret;
	}
	if (!f) {
		struct func *any = find_func_any(n->str);
		if (!any && cbuiltin_exists(n->str)) {
			err(n->loc, "function '%s' called with the wrong number of arguments (%s)", n->str,
			    xasprintf("%d", nargs));
			infer_list(n->a, sc);
			return T_UNKNOWN;
		}
		if (any)
			err(n->loc, "function '%s' called with the wrong number of arguments (%s)", n->str,
			    xasprintf("%d", nargs));
		else
			err(n->loc, "unresolved function '%s'%s", n->str, reporting ? similar_function(n->str) : "");
		infer_list(n->a, sc);
		return T_UNKNOWN;
	}
	struct sym *p = f->params;
	for (struct node *a = n->a; a; a = a->next, p = p->next) {
		enum type t = infer(a, sc, p->type);
		if (t == T_STATS) {
			err(a->loc, "statistics cannot be passed to functions%s%s", "", "");
			continue;
		}
		set_type(&p->type, t, a->loc);
		if (a->kind == N_VAR && a->sym)
			set_type(&a->sym->type, p->type, a->loc);
	}
	check_call_modifies(n, sc);
	return f->ret;
}

/* Sets the type of whatever variable an lvalue names. */
static void set_lvalue_type(struct node *n, enum type t)
{
	if ((n->kind == N_VAR || n->kind == N_INDEX) && n->sym)
		set_type(&n->sym->type, t, n->loc);
}

/* What a second infer(n, sc, t) would do once n has been inferred: give t to the
   variables whose value n is.  Inferring n again instead would be exponential in
   the nesting of expressions that stay untyped. */
static enum type push_type(struct node *n, enum type t)
{
	if (t != T_UNKNOWN && t != T_STATS && t != T_VOID) {
		switch (n->kind) {
		case N_VAR:
			if (n->sym && !n->sym->is_array)
				set_type(&n->sym->type, t, n->loc);
			if (n->sym)
				n->type = n->sym->type;
			break;
		case N_INDEX:
			if (n->sym && n->sym->type != T_STATS) {
				set_type(&n->sym->type, t, n->loc);
				n->type = n->sym->type;
			}
			break;
		case N_TERNARY: {
			enum type l = push_type(n->b, t), r = push_type(n->c, t);
			n->type = l != T_UNKNOWN ? l : r;
			break;
		}
		default:
			break;
		}
	}
	return n->type;
}

static enum type infer(struct node *n, struct scope *sc, enum type want)
{
	enum type t = T_UNKNOWN, l, r;
	switch (n->kind) {
	case N_NUM:
		t = T_LONG;
		break;
	case N_STR:
		t = T_STRING;
		break;
	case N_VAR: {
		struct sym *s = resolve_var(n, sc, 1);
		if (s->is_array) {
			err(n->loc, "array '%s' used without an index%s", n->str, "");
		} else if (want != T_UNKNOWN && want != T_STATS) {
			set_type(&s->type, want, n->loc);
		}
		t = s->type;
		break;
	}
	case N_INDEX: {
		struct sym *a = array_sym(n, n->str, sc);
		n->sym = a;
		if (a) {
			infer_keys(a, n->a, sc, n->loc, 0);
			if (a->type == T_STATS)
				err(n->loc, "statistics array '%s' must be read with an extractor such as @count%s", n->str, "");
			else if (want != T_UNKNOWN && want != T_STATS)
				set_type(&a->type, want, n->loc);
			t = a->type;
		}
		break;
	}
	case N_CALL:
		t = infer_call(n, sc);
		break;
	case N_EXTRACT: {
		if (!strcmp(n->str, "entry")) {
			/* @entry(e) in a return probe: e as it was at the function's entry */
			if (!sc->probe || !probe_is_return(S->sites, sc->probe))
				err(n->loc, "@entry is only available in a function's .return probe%s%s", "", "");
			if (!n->a || n->a->next) {
				err(n->loc, "@entry takes one expression%s%s", "", "");
				break;
			}
			t = infer(n->a, sc, T_LONG);
			if (t == T_STRING)
				err(n->loc, "@entry of a string is not supported by tapc: only numbers%s%s", "", "");
			n->entry_slot = -1;
			t = T_LONG;
			break;
		}
		if (!strcmp(n->str, "cast")) {
			/* as in SystemTap, a struct is not a value: only its members are */
			if (infer_cast(n, sc))
				err(n->loc, "@cast(...) needs a member: @cast(p, \"T\")->m%s%s", "", "");
			t = T_LONG;
			break;
		}
		static const char *const ok[] = { "count", "sum", "min", "max", "avg", "variance",
						  "hist_log", "hist_linear" };
		int known = 0;
		for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
			known |= !strcmp(ok[i], n->str);
		if (!known) {
			err(n->loc, "unknown operator '@%s'%s", n->str, "");
			break;
		}
		if (!n->a) {
			err(n->loc, "@%s needs an argument%s", n->str, "");
			break;
		}
		struct node *v = n->a;
		if (v->kind == N_VAR) {
			struct sym *s = resolve_var(v, sc, 0);
			if (!s || s->scope != S_GLOBAL)
				err(v->loc, "statistics must be global: '%s'%s", v->str, "");
			else
				set_type(&s->type, T_STATS, v->loc);
			v->type = T_STATS;
		} else if (v->kind == N_INDEX) {
			struct sym *a = array_sym(v, v->str, sc);
			v->sym = a;
			if (a) {
				infer_keys(a, v->a, sc, v->loc, 0);
				set_type(&a->type, T_STATS, v->loc);
			}
			v->type = T_STATS;
		} else {
			err(v->loc, "@%s needs a statistics variable%s", n->str, "");
		}
		for (struct node *a = v->next; a; a = a->next)
			if (infer(a, sc, T_LONG) != T_LONG)
				err(a->loc, "histogram parameters must be long%s%s", "", "");
		t = !strncmp(n->str, "hist", 4) ? T_VOID : T_LONG;
		if (!strcmp(n->str, "variance") && v->sym)
			v->sym->uses_variance = 1;
		note_stat_read(v->sym, n->str);
		if (t == T_VOID)
			note_histogram(n, v->sym);
		else if (!strcmp(n->str, "variance") && (!v->next || !v->next->next))
			note_variance_shift(n, v->sym);
		else if (v->next)
			err(n->loc, "@%s takes one argument%s", n->str, "");
		break;
	}
	case N_STATS_OP: {
		struct node *v = n->a;
		if (v->kind == N_VAR) {
			struct sym *s = resolve_var(v, sc, 0);
			if (!s || s->scope != S_GLOBAL)
				err(v->loc, "statistics must be global: '%s'%s", v->str, "");
			else
				set_type(&s->type, T_STATS, v->loc);
		} else if (v->kind == N_INDEX) {
			struct sym *a = array_sym(v, v->str, sc);
			v->sym = a;
			if (a) {
				infer_keys(a, v->a, sc, v->loc, 0);
				set_type(&a->type, T_STATS, v->loc);
			}
		} else {
			err(n->loc, "<<< needs a statistics variable on its left%s%s", "", "");
		}
		v->type = T_STATS;
		note_modified(v, sc);
		r = infer(n->b, sc, T_LONG);
		if (r != T_LONG && r != T_UNKNOWN)
			err(n->b->loc, "type mismatch (%s vs. %s)", type_name(r), "long");
		t = T_VOID;
		break;
	}
	case N_UNARY:
	case N_PREINC:
	case N_POSTINC:
		if (n->kind != N_UNARY)
			check_lvalue(n->a);
		while (n->kind == N_UNARY && n->op == '&' && n->a->kind == N_UNARY && n->a->op == '&')
			*n = *n->a; /* &&x is &x */
		if (n->kind == N_UNARY && n->op == '&' && n->a->kind == N_EXTRACT && !strcmp(n->a->str, "cast")) {
			/* &@cast(p, "T"): the struct's address, p (@container_of) */
			infer_cast(n->a, sc);
			n->a->type = T_LONG;
			t = T_LONG;
			break;
		}
		l = infer(n->a, sc, T_LONG);
		if (n->kind == N_UNARY && n->op == '&') {
			/* &$p->m, &@cast(p, "T")->m: the member's address */
			if (n->a->kind == N_TARGET && n->a->ctype)
				n->a->op = '&';
			else
				err(n->loc, "'&' needs a member (&$p->m or &@cast(p, \"T\")->m)%s%s", "", "");
		}
		if (n->kind != N_UNARY) {
			set_lvalue_type(n->a, T_LONG);
			note_modified(n->a, sc);
		}
		if (n->kind == N_UNARY ? !long_operand(n->a, l) : l != T_LONG && l != T_UNKNOWN)
			err(n->loc, "type mismatch (%s vs. %s)", type_name(l), "long");
		t = T_LONG;
		break;
	case N_BINARY:
		switch (n->op) {
		case URSHIFT:
			/* SystemTap's grammar has it; its pass 2 refuses it */
			err(n->loc, "unsupported binary operator %s%s", ">>>", "");
			infer(n->a, sc, T_LONG);
			infer(n->b, sc, T_LONG);
			t = T_LONG;
			break;
		case '.':
			l = infer(n->a, sc, T_STRING);
			r = infer(n->b, sc, T_STRING);
			if ((l != T_STRING && l != T_UNKNOWN) || (r != T_STRING && r != T_UNKNOWN))
				err(n->loc, "type mismatch (%s vs. %s)",
				    type_name(l != T_STRING ? l : r), "string");
			t = T_STRING;
			break;
		case EQ: case NE: case '<': case '>': case LE: case GE:
			l = infer(n->a, sc, T_UNKNOWN);
			r = infer(n->b, sc, l);
			if (l == T_UNKNOWN && r != T_UNKNOWN)
				l = push_type(n->a, r);
			if (l != T_UNKNOWN && r != T_UNKNOWN && l != r)
				err(n->loc, "type mismatch (%s vs. %s)", type_name(l), type_name(r));
			if (l == T_STATS || r == T_STATS)
				err(n->loc, "cannot compare statistics%s%s", "", "");
			t = T_LONG;
			break;
		case MATCH: case NOMATCH:
			l = infer(n->a, sc, T_STRING);
			r = infer(n->b, sc, T_STRING);
			if (n->b->kind != N_STR) {
				err(n->b->loc, "regular expression must be a literal string%s%s", "", "");
			} else if (reporting) {
				const char *why = NULL;
				struct regex *re = regex_compile(n->b->str, &why);
				if (!re)
					err(n->b->loc, "regex compilation error: %s%s", why, "");
				regex_free(re);
			}
			if (l != T_STRING && l != T_UNKNOWN)
				err(n->loc, "type mismatch (%s vs. %s)", type_name(l), "string");
			t = T_LONG;
			break;
		default:
			l = infer(n->a, sc, T_LONG);
			r = infer(n->b, sc, T_LONG);
			if (!long_operand(n->a, l) || !long_operand(n->b, r))
				err(n->loc, "type mismatch (%s vs. %s)",
				    type_name(!long_operand(n->a, l) ? l : r), "long");
			t = T_LONG;
		}
		break;
	case N_ASSIGN:
		check_lvalue(n->a);
		check_target_write(n, sc);
		if (n->op == '=') {
			r = infer(n->b, sc, T_UNKNOWN);
			if (r == T_STATS || r == T_VOID) {
				err(n->b->loc, "cannot assign a value of type %s%s", type_name(r), "");
				r = T_UNKNOWN;
			}
			l = infer(n->a, sc, T_UNKNOWN);
			if (l == T_UNKNOWN) {
				set_lvalue_type(n->a, r);
				l = r;
			} else if (r == T_UNKNOWN) {
				r = push_type(n->b, l);
			}
			if (l == T_STATS)
				err(n->loc, "cannot assign to statistics; use <<<%s%s", "", "");
			else if (l != T_UNKNOWN && r != T_UNKNOWN && l != r)
				err(n->loc, "type mismatch (%s vs. %s)", type_name(l), type_name(r));
			t = l != T_UNKNOWN ? l : r;
		} else {
			enum type want = n->op == CATEQ ? T_STRING : T_LONG;
			l = infer(n->a, sc, want);
			set_lvalue_type(n->a, want);
			r = infer(n->b, sc, want);
			if ((l != want && l != T_UNKNOWN) || (r != want && r != T_UNKNOWN))
				err(n->loc, "type mismatch (%s vs. %s)",
				    type_name(l != want ? l : r), type_name(want));
			t = want;
		}
		note_modified(n->a, sc);
		break;
	case N_TERNARY:
		l = infer(n->a, sc, T_LONG);
		if (l != T_LONG && l != T_UNKNOWN)
			err(n->a->loc, "type mismatch (%s vs. %s)", type_name(l), "long");
		l = infer(n->b, sc, want);
		r = infer(n->c, sc, l != T_UNKNOWN ? l : want);
		if (l == T_UNKNOWN && r != T_UNKNOWN)
			l = push_type(n->b, r);
		if (l != T_UNKNOWN && r != T_UNKNOWN && l != r)
			err(n->loc, "type mismatch (%s vs. %s)", type_name(l), type_name(r));
		t = l != T_UNKNOWN ? l : r;
		break;
	case N_IN: {
		struct sym *a = array_sym(n, n->str, sc);
		n->sym = a;
		if (a)
			infer_keys(a, n->a, sc, n->loc, 1);
		t = T_LONG;
		break;
	}
	case N_TARGET:
		t = infer_target(n, sc);
		break;
	default:
		break;
	}
	n->type = t;
	return t;
}

static void check_stmt(struct node *n, struct scope *sc);

static void check_stmts(struct node *n, struct scope *sc)
{
	for (; n; n = n->next)
		check_stmt(n, sc);
}

static void want_long(struct node *n, struct scope *sc)
{
	enum type t = infer(n, sc, T_LONG);
	if (t != T_LONG && t != T_UNKNOWN)
		err(n->loc, "type mismatch (%s vs. %s)", type_name(t), "long");
}

static void check_foreach(struct node *n, struct scope *sc)
{
	struct foreach_info *f = n->ext;
	struct sym *a = find_sym(S->globals, f->array);
	if (!a) {
		err(n->loc, "unresolved array '%s' in foreach%s", f->array, reporting ? similar_global(f->array) : "");
	} else {
		f->array_sym = a;
		note_stat_read(a, f->sort_agg);
		if (!a->is_array) {
			a->is_array = 1;
			changed = 1;
		}
		int nkeys = list_length(f->keys);
		check_nkeys(nkeys, n->loc);
		if (f->slice)
			infer_keys(a, f->slice, sc, f->array_loc, 1);
		if (a->nkeys < 0) {
			a->nkeys = nkeys;
			changed = 1;
		} else if (a->nkeys != nkeys) {
			/* SystemTap's wording: the array's arity first, then this use's. */
			err(f->array_loc, "%s%s",
			    xasprintf("inconsistent arity (%d vs %d): array '%s' has %d key%s, the foreach names %d",
				      a->nkeys, nkeys, a->name, a->nkeys, a->nkeys == 1 ? "" : "s", nkeys), "");
		}
		int i = 0;
		for (struct node *k = f->keys; k; k = k->next, i++) {
			struct sym *s = resolve_var(k, sc, 1);
			if (s->scope == S_GLOBAL)
				err(k->loc, "foreach key '%s' must be a local variable%s", k->str, "");
			if (i < 9) {
				set_type(&s->type, a->keys[i], k->loc);
				set_type(&a->keys[i], s->type, k->loc);
			}
		}
		if (f->value && a->type == T_STATS)
			err(f->value->loc, "invalid type stats for '%s': statistics arrays have no value to put in it%s",
			    f->value->str, "");
		if (f->value) {
			struct sym *s = resolve_var(f->value, sc, 1);
			enum type vt = a->type == T_STATS ? T_UNKNOWN : a->type;
			set_type(&s->type, vt, f->value->loc);
			if (a->type != T_STATS)
				set_type(&a->type, s->type, f->value->loc);
		}
	}
	if (f->limit)
		want_long(f->limit, sc);
	sc->loop_depth++;
	if (sc->niterating < 16)
		sc->iterating[sc->niterating] = f->array_sym;
	sc->niterating++;
	check_stmt(f->body, sc);
	sc->niterating--;
	sc->loop_depth--;
}

static void check_stmt(struct node *n, struct scope *sc)
{
	switch (n->kind) {
	case N_BLOCK:
		check_stmts(n->a, sc);
		break;
	case N_EXPR:
		infer(n->a, sc, T_UNKNOWN);
		break;
	case N_IF:
		want_long(n->a, sc);
		check_stmt(n->b, sc);
		if (n->c)
			check_stmt(n->c, sc);
		break;
	case N_WHILE:
		want_long(n->a, sc);
		sc->loop_depth++;
		check_stmt(n->b, sc);
		sc->loop_depth--;
		break;
	case N_FOR:
		if (n->a)
			infer(n->a, sc, T_UNKNOWN);
		if (n->b)
			want_long(n->b, sc);
		if (n->c)
			infer(n->c, sc, T_UNKNOWN);
		sc->loop_depth++;
		check_stmt(n->d, sc);
		sc->loop_depth--;
		break;
	case N_FOREACH:
		check_foreach(n, sc);
		break;
	case N_BREAK:
	case N_CONTINUE:
		if (!sc->loop_depth)
			err(n->loc, "%s outside a loop%s", n->tok, "");
		break;
	case N_NEXT:
		if (!sc->in_probe)
			err(n->loc, "next is only allowed in a probe%s%s", "", "");
		break;
	case N_RETURN:
		if (!sc->fn) {
			err(n->loc, "return outside a function%s%s", "", "");
		} else if (n->a) {
			enum type t = infer(n->a, sc, sc->fn->ret);
			if (t == T_STATS || t == T_VOID)
				err(n->a->loc, "cannot return a value of type %s%s", type_name(t), "");
			else
				set_type(&sc->fn->ret, t, n->a->loc);
		}
		break;
	case N_DELETE:
		if (n->a->kind == N_VAR) {
			struct sym *s = resolve_var(n->a, sc, 0);
			if (!s)
				err(n->a->loc, "unresolved variable '%s' in delete%s", n->a->str, "");
		} else if (n->a->kind == N_INDEX) {
			struct sym *a = array_sym(n->a, n->a->str, sc);
			n->a->sym = a;
			if (a)
				infer_keys(a, n->a->a, sc, n->a->loc, 1);
			note_modified(n->a, sc);
		} else {
			err(n->a->loc, "delete needs a variable or an array element%s%s", "", "");
		}
		break;
	case N_TRY:
		check_stmt(n->a, sc);
		if (n->str) {
			struct node v = { .kind = N_VAR, .str = n->str, .loc = n->loc };
			struct sym *s = resolve_var(&v, sc, 1);
			set_type(&s->type, T_STRING, n->loc);
		}
		check_stmt(n->b, sc);
		break;
	default:
		break;
	}
}

/* A probe's condition is evaluated outside the probe: it can only read globals. */
static void check_condition(const struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_VAR && !find_sym(S->globals, n->str))
			err(n->loc, "probe condition must not reference undeclared global '%s'%s", n->str,
			    similar_global(n->str));
		check_condition(n->a);
		check_condition(n->b);
		check_condition(n->c);
		check_condition(n->d);
	}
}

static void round_all(struct script *s)
{
	for (struct sym *g = s->globals; g; g = g->next)
		if (g->init)
			set_type(&g->type, g->init->kind == N_STR ? T_STRING : T_LONG, g->loc);
	for (struct func *f = s->funcs; f; f = f->next) {
		if (f->embedded)
			continue;
		struct scope sc = { &f->locals, f->params, f, 0, 0 };
		check_stmt(f->body, &sc);
	}
	for (struct probe *p = s->probes; p; p = p->next) {
		struct scope sc = { &p->locals, NULL, NULL, 0, 1, p };
		if (p->cond && reporting)
			check_condition(p->cond);
		if (p->cond)
			want_long(p->cond, &sc);
		check_stmt(p->body, &sc);
	}
}

/* An lvalue that is also read (x += 1, x++): its keys were marked with it. */
static void mark_read(struct node *n)
{
	if ((n->kind == N_VAR || n->kind == N_INDEX) && n->sym)
		n->sym->read = 1;
}

/* Marks globals written and read, for the automatic display at exit. */
static void mark_uses(struct node *n, int writing)
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case N_VAR:
		case N_INDEX:
			if (n->sym) {
				if (writing)
					n->sym->written = 1;
				else
					n->sym->read = 1;
			}
			mark_uses(n->a, 0);
			break;
		case N_ASSIGN:
		case N_STATS_OP:
			mark_uses(n->a, 1);
			if (n->kind == N_ASSIGN && n->op != '=')
				mark_read(n->a);
			mark_uses(n->b, 0);
			break;
		case N_PREINC:
		case N_POSTINC:
			mark_uses(n->a, 1);
			mark_read(n->a);
			break;
		case N_EXPR:
			/* x++ or x += v whose value is dropped only writes x, as SystemTap sees it:
			   a global only counted that way is still displayed at exit. */
			if (n->a && (n->a->kind == N_PREINC || n->a->kind == N_POSTINC ||
				     (n->a->kind == N_ASSIGN && n->a->op != '='))) {
				mark_uses(n->a->a, 1);
				mark_uses(n->a->b, 0);
			} else {
				mark_uses(n->a, 0);
			}
			break;
		case N_FOREACH: {
			struct foreach_info *f = n->ext;
			if (f->array_sym)
				f->array_sym->read = 1;
			mark_uses(f->slice, 0);
			mark_uses(f->limit, 0);
			mark_uses(f->body, 0);
			break;
		}
		case N_IN:
		case N_EXTRACT:
			if (n->sym)
				n->sym->read = 1;
			if (n->kind == N_EXTRACT && n->a && n->a->sym)
				n->a->sym->read = 1;
			mark_uses(n->a, 0);
			break;
		case N_DELETE:
			mark_uses(n->a, 1);
			if (n->a->kind == N_INDEX)
				mark_uses(n->a->a, 0);
			break;
		default:
			mark_uses(n->a, 0);
			mark_uses(n->b, 0);
			mark_uses(n->c, 0);
			mark_uses(n->d, 0);
		}
	}
}

static void check_resolved(struct sym *list, const char *what)
{
	for (struct sym *s = list; s; s = s->next) {
		/* SystemTap drops a global nothing uses, whatever its type would be. */
		if (s->scope == S_GLOBAL && !s->read && !s->written && !s->init) {
			if (s->type == T_UNKNOWN)
				s->type = T_LONG;
			continue;
		}
		/* A local never given a value may be a misspelt global. */
		if (s->type == T_UNKNOWN)
			diag_error(s->loc, "unresolved type for %s '%s'%s", what, s->name,
				   s->scope == S_LOCAL ? similar_global(s->name) : "");
		for (int i = 0; s->is_array && i < s->nkeys && i < 9; i++)
			if (s->keys[i] == T_UNKNOWN)
				diag_error(s->loc, "unresolved type for key %d of array '%s'", i + 1, s->name);
	}
}

static void check_declarations(struct script *s, int guru)
{
	for (struct sym *g = s->globals; g; g = g->next)
		for (struct sym *h = g->next; h; h = h->next)
			if (!strcmp(g->name, h->name))
				diag_error(h->loc, "duplicate global '%s'", h->name);
	for (struct func *f = s->funcs; f; f = f->next) {
		for (struct func *h = f->next; h; h = h->next)
			if (!strcmp(f->name, h->name) && f->nparams == h->nparams)
				diag_error(h->loc, "duplicate function '%s' with %d parameters", h->name, h->nparams);
		for (struct sym *p = f->params; p; p = p->next)
			for (struct sym *q = p->next; q; q = q->next)
				if (!strcmp(p->name, q->name))
					diag_error(q->loc, "duplicate parameter '%s'", q->name);
		if (f->embedded && !guru && !f->from_tapset)
			diag_error(f->loc, "embedded C in function '%s' requires guru mode (-g)", f->name);
	}
	if (s->embedded && !guru)
		diag_error(s->embedded->loc, "embedded C requires guru mode (-g)");
}

int elaborate(struct script *s, int guru)
{
	S = s;
	int before = diag_errors();
	fold_defined(s);
	check_declarations(s, guru);
	/* Each round can only move types from unknown to known, so this terminates. */
	for (int rounds = 0; rounds < 100; rounds++) {
		changed = 0;
		round_all(s);
		if (!changed)
			break;
	}
	reporting = 1;
	round_all(s);
	reporting = 0;
	for (struct func *f = s->funcs; f; f = f->next)
		mark_uses(f->body, 0);
	for (struct probe *p = s->probes; p; p = p->next) {
		mark_uses(p->cond, 0);
		mark_uses(p->body, 0);
	}
	if (diag_errors() == before) {
		check_resolved(s->globals, "global");
		for (struct func *f = s->funcs; f; f = f->next) {
			check_resolved(f->params, "parameter");
			check_resolved(f->locals, "local");
			if (f->ret == T_UNKNOWN)
				f->ret = T_VOID; /* a function that never returns a value */
		}
		for (struct probe *p = s->probes; p; p = p->next)
			check_resolved(p->locals, "local");
	}
	return diag_errors() - before;
}

static void print_sym_type(FILE *out, const struct sym *g)
{
	fprintf(out, "%s:%s", g->name, type_name(g->type));
	if (g->is_array) {
		fputc('[', out);
		for (int i = 0; i < g->nkeys && i < 9; i++)
			fprintf(out, "%s%s", i ? ", " : "", type_name(g->keys[i]));
		fputc(']', out);
	}
}

void elaborate_print(FILE *out, const struct script *s)
{
	if (s->globals)
		fputs("# globals\n", out);
	for (const struct sym *g = s->globals; g; g = g->next) {
		print_sym_type(out, g);
		fputc('\n', out);
	}
	if (s->funcs)
		fputs("# functions\n", out);
	for (const struct func *f = s->funcs; f; f = f->next) {
		fprintf(out, "%s:%s (", f->name, type_name(f->ret));
		for (const struct sym *p = f->params; p; p = p->next)
			fprintf(out, "%s%s:%s", p == f->params ? "" : ", ", p->name, type_name(p->type));
		fputs(")\n", out);
		for (const struct sym *l = f->locals; l; l = l->next)
			fprintf(out, "  %s:%s\n", l->name, type_name(l->type));
	}
	fputs("# probes\n", out);
	for (const struct probe *p = s->probes; p; p = p->next) {
		for (const struct probe_point *pp = p->points; pp; pp = pp->next) {
			for (const struct probe_comp *c = pp->comps; c; c = c->next) {
				fputs(c->name, out);
				if (c->arg) {
					if (c->arg->kind == N_STR)
						fprintf(out, "(\"%s\")", c->arg->str);
					else
						fprintf(out, "(%lld)", (long long)c->arg->num);
				}
				if (c->next)
					fputc('.', out);
			}
			/* The alias the script named, as stap -p2 shows it. */
			if (pp->written)
				fprintf(out, " /* <- %s */", pp->written);
			fputs(pp->next ? ", " : "", out);
		}
		fputs("\n", out);
		for (const struct sym *l = p->locals; l; l = l->next)
			fprintf(out, "  %s:%s\n", l->name, type_name(l->type));
	}
}
