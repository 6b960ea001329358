/* Pass 3: the C of the module.
   Each probe and function becomes a C function whose locals and string temporaries
   live in a frame inside the per-CPU context (kernel stacks are small). Expressions
   become C expressions; string-valued ones are `const char *` and use GNU statement
   expressions to fill their temporary. After each statement, an error jumps to the
   enclosing catch or to the end of the function. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "regex.h"
#include "codegen.h"
#include "nesting.h"
#include "codegen_printf.h"
#include "diag.h"
#include "builtins.h"
#include "elaborate.h"
#include "parser.h"
#include "probes.h"
#include "cast.h"

/* An enclosing foreach, for reading the data set in hand. */
struct loop {
	int id;
	struct sym *array;
	struct node *keys;
	int keys_assigned;     /* the body changes a key variable: do not trust it */
	struct loop *outer;
};

struct gen {
	FILE *out;             /* the current function body (a memory stream) */
	struct loop *loops;
	int nloops;
	int ntemps;            /* string temporaries in the current frame */
	int nlabels;
	const char *err_label; /* where an error jumps: a catch, or the function's end */
	int in_func;
	enum type ret;
	int charged;           /* statements already counted against MAXACTION */
	int in_entry;          /* generating what a return probe takes at the entry */
	int pending;           /* a loop round not yet counted: the next count takes it */
};

static void gen_expr(struct gen *g, struct node *n);

static void emit(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(g->out, fmt, ap);
	va_end(ap);
}

/* A C string literal for any bytes. */
static void emit_cstring(FILE *out, const char *s)
{
	emit_cstring_n(out, s, strlen(s));
}

/* "operator '/' at FILE:LINE:COL", as runtime errors say where they happened. */
static void emit_near(struct gen *g, const struct node *n)
{
	static const char *const kinds[] = { "operator", "identifier", "keyword", "number", "string" };
	char *text;
	if (n->tok_kind == TK_KEYWORD || !n->tok)
		text = xasprintf("%s at %s:%d:%d", kinds[n->tok_kind], n->loc.file, n->loc.line, n->loc.col);
	else
		text = xasprintf("%s '%s' at %s:%d:%d", kinds[n->tok_kind], n->tok, n->loc.file,
				 n->loc.line, n->loc.col);
	emit_cstring(g->out, text);
	free(text);
}

static int new_temp(struct gen *g)
{
	return g->ntemps++;
}

/* Numeric locals and parameters are C variables, which the compiler can keep in
   registers (nothing takes their address); strings live in the frame (c->frames),
   off the kernel stack. */
static int local_in_c(const struct sym *s)
{
	return s->scope != S_GLOBAL && s->type != T_STRING;
}

/* The C lvalue of a scalar variable. */
static void emit_var(struct gen *g, const struct sym *s)
{
	if (s->scope == S_GLOBAL)
		emit(g, "g_%s", s->name);
	else
		emit(g, local_in_c(s) ? "l_%s" : "f->l_%s", s->name);
}

static void unsupported(const struct node *n, const char *what)
{
	diag_error(n->loc, "%s is not supported yet", what);
}

static void gen_args_fmt(struct gen *g, struct node *args)
{
	int n = list_length(args);
	if (!n) {
		emit(g, "NULL, 0");
		return;
	}
	emit(g, "(const struct tap_fmt_arg[]){ ");
	for (struct node *a = args; a; a = a->next) {
		if (a->type == T_STRING) {
			emit(g, "{ 1, 0, ");
			gen_expr(g, a);
			emit(g, " }");
		} else {
			emit(g, "{ 0, ");
			gen_expr(g, a);
			emit(g, ", NULL }");
		}
		emit(g, a->next ? ", " : " ");
	}
	emit(g, "}, %d", n);
}

/* The key tuple of a[k1, k2] as a compound literal, or NULL for scalar statistics. */
static void gen_keys(struct gen *g, struct node *keys)
{
	if (!keys) {
		emit(g, "NULL");
		return;
	}
	emit(g, "(const union tap_key[]){ ");
	for (struct node *k = keys; k; k = k->next) {
		if (k->kind == N_WILDCARD) {
			emit(g, k->next ? "{ .l = 0 }, " : "{ .l = 0 } ");
			continue;
		}
		emit(g, k->type == T_STRING ? "{ .s = " : "{ .l = ");
		gen_expr(g, k);
		emit(g, k->next ? " }, " : " } ");
	}
	emit(g, "}");
}

static int is_stats(const struct sym *s)
{
	return s && s->type == T_STATS;
}

/* Can evaluating n set an error? No for plain arithmetic on variables, so that the
   statement needs no error test after it (a conservative answer: yes when unsure). */
static int may_fail(const struct node *n)
{
	if (!n)
		return 0;
	switch (n->kind) {
	case N_NUM: case N_STR: case N_VAR:
		return 0;
	case N_UNARY:
		return may_fail(n->a);
	case N_BINARY:
		if (n->op == '/' || n->op == '%')
			return !(n->b->kind == N_NUM && n->b->num != 0) || may_fail(n->a);
		if (n->op == MATCH || n->op == NOMATCH)
			return may_fail(n->a); /* the DFA run cannot fail */
		return may_fail(n->a) || may_fail(n->b);
	case N_TERNARY:
		return may_fail(n->a) || may_fail(n->b) || may_fail(n->c);
	case N_ASSIGN:
		if (n->a->kind != N_VAR)
			return 1;
		if (n->op == DIVEQ || n->op == MODEQ)
			return !(n->b->kind == N_NUM && n->b->num != 0) || may_fail(n->b);
		return may_fail(n->b);
	case N_PREINC: case N_POSTINC:
		return n->a->kind != N_VAR;
	case N_STATS_OP:
		/* a statistic without keys is updated in place; a new key may find the pool full */
		return n->a->kind != N_VAR || may_fail(n->b);
	default:
		return 1;
	}
}

/* <<< needs only count, sum, min and max: no histogram, no @variance. */
static int plain_stats(const struct sym *s)
{
	return !s->hist && !s->uses_variance;
}

/* What a plain <<< keeps besides the count (runtime/agg.h TAP_KEEP_*): only what the
   script's extractors read, unless the statistic is printed whole (mark_stats_printed). */
static const char *stat_keep(const struct sym *s)
{
	static const char *const keep[8] = {
		"0", "TAP_KEEP_SUM", "TAP_KEEP_MIN", "TAP_KEEP_SUM | TAP_KEEP_MIN", "TAP_KEEP_MAX",
		"TAP_KEEP_SUM | TAP_KEEP_MAX", "TAP_KEEP_MIN | TAP_KEEP_MAX", "TAP_KEEP_ALL",
	};
	return keep[s->stat_reads & 7];
}

/* Statistics printed at exit (written, never read) or by tapio's dictionary readers
   show count, sum, min and max: their updates keep everything. */
static void mark_stats_printed(struct script *s, const struct codegen_options *opt)
{
	for (struct sym *g = s->globals; g; g = g->next)
		if (g->type == T_STATS && (opt->stats_printed_whole || (g->written && !g->read)))
			g->stat_reads = STAT_READS_SUM | STAT_READS_MIN | STAT_READS_MAX;
}

/* Does a key list have a `*` part? */
static int is_slice(const struct node *keys)
{
	for (; keys; keys = keys->next)
		if (keys->kind == N_WILDCARD)
			return 1;
	return 0;
}

/* A slice's key mask for tap_key_match: bit i set where part i is given, clear for `*`. */
static unsigned slice_mask(const struct node *keys)
{
	unsigned mask = 0;
	int i = 0;
	for (const struct node *k = keys; k; k = k->next, i++)
		if (k->kind != N_WILDCARD)
			mask |= 1u << i;
	return mask;
}

/* [*, k] in A and delete A[*, k]: the runtime's slice functions take the mask last. */
static void gen_slice_call(struct gen *g, const char *fn, const struct sym *s, struct node *keys)
{
	if (is_stats(s))
		emit(g, "%s(%s&tap_aggs, %d, ", fn, strstr(fn, "exists") ? "c, " : "", s->agg_id);
	else
		emit(g, "%s(&m_%s, ", fn, s->name);
	gen_keys(g, keys);
	emit(g, ", 0x%xu)", slice_mask(keys));
}


/* The statistics operand of <<< or an extractor: x or a[k]. */
static void gen_agg_ref(struct gen *g, struct node *v)
{
	emit(g, "&tap_aggs, %d, ", v->sym->agg_id);
	gen_keys(g, v->kind == N_INDEX ? v->a : NULL);
}

static const char *extractor_enum(const char *name)
{
	static const char *const names[][2] = {
		{ "count", "TAP_X_COUNT" }, { "sum", "TAP_X_SUM" }, { "min", "TAP_X_MIN" },
		{ "max", "TAP_X_MAX" }, { "avg", "TAP_X_AVG" }, { "variance", "TAP_X_VARIANCE" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (name && !strcmp(name, names[i][0]))
			return names[i][1];
	return "TAP_X_COUNT";
}

static void gen_extract(struct gen *g, struct node *n)
{
	struct node *v = n->a;
	if (!strncmp(n->str, "hist", 4)) {
		/* Only printing uses a histogram: merge into the context's buffer, then print. */
		emit(g, "({ tap_agg_get(");
		gen_agg_ref(g, v);
		emit(g, ", (struct tap_stat *)c->statbuf[0], (struct tap_stat *)c->statbuf[1]); "
			"if (((struct tap_stat *)c->statbuf[0])->count == 0) tap_error(c, \"empty aggregate\", ");
		emit_near(g, n);
		emit(g, "); else tap_print_hist(c, &tap_agg_specs[%d], (struct tap_stat *)c->statbuf[0]); })",
		     v->sym->agg_id);
		return;
	}
	/* Inside `foreach ([k] in a)`, @count(a[k]) reads the merged data set in hand. */
	for (struct loop *l = g->loops; l; l = l->outer) {
		if (l->array != v->sym || v->kind != N_INDEX)
			continue;
		int match = 1;
		struct node *k = v->a, *lk = l->keys;
		for (; k && lk; k = k->next, lk = lk->next)
			if (k->kind != N_VAR || k->sym != lk->sym)
				match = 0;
		if (match && !k && !lk && !l->keys_assigned) {
			emit(g, "tap_stat_extract(c, &((struct tap_agg_merged *)it%d.cur)->st, %s, ", l->id,
			     extractor_enum(n->str));
			emit_near(g, n);
			emit(g, ")");
			return;
		}
	}
	emit(g, "tap_agg_extract(c, ");
	gen_agg_ref(g, v);
	emit(g, ", %s, ", extractor_enum(n->str));
	emit_near(g, n);
	emit(g, ")");
}

static void gen_index_read(struct gen *g, struct node *n)
{
	if (n->type == T_STRING) {
		n->tmp = new_temp(g);
		emit(g, "((const char *)tap_strcpy(f->t%d, tap_map_get_str(&m_%s, ", n->tmp, n->sym->name);
		gen_keys(g, n->a);
		emit(g, ")))");
	} else {
		emit(g, "({ const union tap_key *k_ = ");
		gen_keys(g, n->a);
		emit(g, "; struct tap_map_ent *e_ = tap_map_find_with(&m_%s, kh_%s(k_), k_, ke_%s); "
			"e_ ? e_->lval : 0; })", n->sym->name, n->sym->name, n->sym->name);
	}
}

/* Could evaluating n read or change an array or call a function? */
static int may_touch_arrays(const struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_CALL || n->kind == N_INDEX || n->kind == N_IN || n->kind == N_STATS_OP ||
		    n->kind == N_EXTRACT)
			return 1;
		if (may_touch_arrays(n->a) || may_touch_arrays(n->b) || may_touch_arrays(n->c))
			return 1;
	}
	return 0;
}

/* a[k] op= v, a[k]++ and friends: the key is evaluated once. */
static void gen_index_update(struct gen *g, struct node *n, struct node *lhs)
{
	const char *m = lhs->sym->name;
	emit(g, "({ const union tap_key *k_ = ");
	gen_keys(g, lhs->a);
	emit(g, "; ");
	if (n->kind == N_ASSIGN && n->type == T_STRING) {
		n->tmp = new_temp(g);
		if (n->op == CATEQ) {
			emit(g, "tap_concat(f->t%d, tap_map_get_str(&m_%s, k_), ", n->tmp, m);
			gen_expr(g, n->b);
			emit(g, "); ");
		} else {
			emit(g, "tap_strcpy(f->t%d, ", n->tmp);
			gen_expr(g, n->b);
			emit(g, "); ");
		}
		emit(g, "tap_map_set_str(c, &m_%s, k_, f->t%d, ", m, n->tmp);
		emit_near(g, n);
		emit(g, "); (const char *)f->t%d; })", n->tmp);
		return;
	}
	/* The entry found stays valid while the new value is computed unless that can
	   touch arrays (a wrapping array drops entries when it grows). */
	int direct = !may_touch_arrays(n->b);
	if (direct)
		emit(g, "struct tap_map_ent *e_ = tap_map_find_with(&m_%s, kh_%s(k_), k_, ke_%s); "
			"int64_t old_ = e_ ? e_->lval : 0; int64_t new_ = ", m, m, m);
	else
		emit(g, "int64_t old_ = tap_map_get_long(&m_%s, k_); int64_t new_ = ", m);
	if (n->kind == N_ASSIGN) {
		switch (n->op) {
		case '=':
			gen_expr(g, n->b);
			break;
		case DIVEQ: case MODEQ:
			emit(g, "%s(c, old_, ", n->op == DIVEQ ? "tap_div" : "tap_mod");
			gen_expr(g, n->b);
			emit(g, ", ");
			emit_near(g, n);
			emit(g, ")");
			break;
		case SHLEQ: case SHREQ:
			emit(g, "%s(old_, ", n->op == SHLEQ ? "tap_shl" : "tap_shr");
			gen_expr(g, n->b);
			emit(g, ")");
			break;
		default: {
			const char *op = op_text(n->op);
			emit(g, "old_ %c (", op[0]);
			gen_expr(g, n->b);
			emit(g, ")");
		}
		}
	} else {
		emit(g, "old_ %s 1", n->op == INC ? "+" : "-");
	}
	if (direct)
		emit(g, "; if (e_ && !c->error) e_->lval = new_; else if (!c->error) tap_map_set_long(c, &m_%s, k_, new_, ", m);
	else
		emit(g, "; if (!c->error) tap_map_set_long(c, &m_%s, k_, new_, ", m);
	emit_near(g, n);
	emit(g, "); %s; })", n->kind == N_POSTINC ? "old_" : "new_");
}

static void gen_print_value(struct gen *g, struct node *a)
{
	if (a->kind == N_EXTRACT && !strncmp(a->str, "hist", 4)) {
		gen_expr(g, a);
		emit(g, "; ");
		return;
	}
	emit(g, a->type == T_STRING ? "tap_print_str(c, " : "tap_print_long(c, ");
	gen_expr(g, a);
	emit(g, "); ");
}

static void gen_arg(void *g, struct node *a)
{
	gen_expr(g, a);
}

static void gen_builtin(struct gen *g, struct node *n, enum builtin_id id)
{
	struct node *args = n->a;
	switch (id) {
	case B_PRINT:
	case B_PRINTLN:
		emit(g, "({ ");
		for (struct node *a = args; a; a = a->next)
			gen_print_value(g, a);
		if (id == B_PRINTLN)
			emit(g, "tap_print_mem(c, \"\\n\", 1); ");
		emit(g, "(void)0; })");
		break;
	case B_PRINTD:
	case B_PRINTDLN:
		emit(g, "({ ");
		for (struct node *a = args->next; a; a = a->next) {
			gen_print_value(g, a);
			if (a->next) {
				emit(g, "tap_print_str(c, ");
				gen_expr(g, args);
				emit(g, "); ");
			}
		}
		if (id == B_PRINTDLN)
			emit(g, "tap_print_mem(c, \"\\n\", 1); ");
		emit(g, "(void)0; })");
		break;
	case B_PRINTF:
		if (gen_printf_compiled(g->out, args->str, args->next, -1, gen_arg, g))
			break;
		emit(g, "tap_printf(c, ");
		emit_cstring(g->out, args->str);
		emit(g, ", ");
		gen_args_fmt(g, args->next);
		emit(g, ")");
		break;
	case B_SPRINTF:
		n->tmp = new_temp(g);
		if (gen_printf_compiled(g->out, args->str, args->next, n->tmp, gen_arg, g))
			break;
		emit(g, "((const char *)tap_sprintf(f->t%d, ", n->tmp);
		emit_cstring(g->out, args->str);
		emit(g, ", ");
		gen_args_fmt(g, args->next);
		emit(g, "))");
		break;
	case B_EXIT:
		emit(g, "tap_script_exit()");
		break;
	case B_ERROR:
		/* The message outlives the frame: keep it in the context. */
		/* stap reports the script's own message alone, with no "near ..." */
		emit(g, "tap_error(c, tap_strcpy(c->errbuf, ");
		gen_expr(g, args);
		emit(g, "), NULL)");
		break;
	case B_NONE:
		break;
	}
}

static void gen_call(struct gen *g, struct node *n)
{
	enum builtin_id id = builtin_of(n);
	if (id != B_NONE) {
		gen_builtin(g, n, id);
		return;
	}
	if (!n->fn) {
		const struct cbuiltin *cb = n->ext;
		emit(g, "(c->near = ");
		emit_near(g, n);
		emit(g, ", ");
		if (cb->ret == T_STRING) {
			n->tmp = new_temp(g);
			emit(g, "((const char *)%s(c, f->t%d", cb->cname, n->tmp);
		} else {
			emit(g, "%s(c", cb->cname);
		}
		for (struct node *a = n->a; a; a = a->next) {
			emit(g, ", ");
			gen_expr(g, a);
		}
		emit(g, cb->ret == T_STRING ? ")))" : "))");
		return;
	}
	struct func *f = n->fn;
	if (f->ret == T_STRING) {
		n->tmp = new_temp(g);
		emit(g, "({ fn_%s_%d(c, f->t%d", f->name, f->nparams, n->tmp);
	} else {
		emit(g, "fn_%s_%d(c", f->name, f->nparams);
	}
	for (struct node *a = n->a; a; a = a->next) {
		emit(g, ", ");
		gen_expr(g, a);
	}
	if (f->ret == T_STRING)
		emit(g, "); (const char *)f->t%d; })", n->tmp);
	else
		emit(g, ")");
}

static void gen_assign(struct gen *g, struct node *n)
{
	struct node *lhs = n->a;
	if (lhs->kind == N_INDEX) {
		gen_index_update(g, n, lhs);
		return;
	}
	/* The one writable target variable: a netfilter probe's $verdict (guru mode). */
	if (lhs->kind == N_TARGET && !strcmp(lhs->str, "$verdict") && n->op == '=') {
		emit(g, "tap_trace_arg_set(c, %d, ", (int)lhs->num);
		gen_expr(g, n->b);
		emit(g, ")");
		return;
	}
	/* guru mode: a function's return value, a parameter at its entry (elaborate checked) */
	if (lhs->kind == N_TARGET && (lhs->num == TARGET_RETURN || (lhs->op & TC_FROM_REGS))) {
		if (lhs->num == TARGET_RETURN)
			emit(g, "tap_set_returnval(c, ");
		else
			emit(g, "tap_regs_arg_set(c, %d, ", (int)lhs->num);
		gen_expr(g, n->b);
		emit(g, ")");
		return;
	}
	/* A procfs probe's $value: the text a read of the file gets */
	if (lhs->kind == N_TARGET && lhs->num == TARGET_PROCFS_VALUE && (n->op == '=' || n->op == CATEQ)) {
		emit(g, "tap_procfs_set(c, ");
		gen_expr(g, n->b);
		emit(g, ", %d)", n->op == CATEQ);
		return;
	}
	if (lhs->kind != N_VAR) {
		unsupported(lhs, "assignment to this kind of expression");
		return;
	}
	if (n->type == T_STRING) {
		emit(g, "((const char *)%s(", n->op == CATEQ ? "tap_append" : "tap_strcpy");
		emit_var(g, lhs->sym);
		emit(g, ", ");
		gen_expr(g, n->b);
		emit(g, "))");
		return;
	}
	switch (n->op) {
	case '=': case ADDEQ: case SUBEQ: case MULEQ: case ANDEQ: case OREQ: case XOREQ:
		emit(g, "(");
		emit_var(g, lhs->sym);
		emit(g, " %s ", op_text(n->op));
		gen_expr(g, n->b);
		emit(g, ")");
		return;
	}
	/* Operators with a runtime helper: x = helper(x, rhs). */
	const char *helper = n->op == DIVEQ ? "tap_div" : n->op == MODEQ ? "tap_mod"
			     : n->op == SHLEQ ? "tap_shl" : "tap_shr";
	int checked = n->op == DIVEQ || n->op == MODEQ;
	emit(g, "(");
	emit_var(g, lhs->sym);
	emit(g, " = %s(%s", helper, checked ? "c, " : "");
	emit_var(g, lhs->sym);
	emit(g, ", ");
	gen_expr(g, n->b);
	if (checked) {
		emit(g, ", ");
		emit_near(g, n);
	}
	emit(g, "))");
}

/* A call without a value (exit()) used as a number counts as 0, as in SystemTap. */
static void gen_operand(struct gen *g, struct node *x)
{
	if (x->kind == N_CALL && (x->type == T_VOID || (x->fn && x->fn->ret == T_VOID))) {
		emit(g, "({ ");
		gen_call(g, x);
		emit(g, "; (int64_t)0; })");
		return;
	}
	gen_expr(g, x);
}

/* $p->a.b->c on a tracepoint parameter of C type T (n->ctype) is a call of its own
   function, tap_member_N (emit_member_fns). */
static void gen_member_read(struct gen *g, struct node *n)
{
	const struct node *cast;
	char *path;
	emit(g, "tap_member_%d(c, ", n->tmp);
	if (cast_chain(n, &cast, &path)) {
		free(path);
		gen_expr(g, cast->a); /* @cast's address */
	} else {
		emit(g, "0");
	}
	emit(g, ")");
}

/* $$parms and its kin: "name=0x.." for each value of n's a list (elaborate's infer_parms). */
static void gen_parms(struct gen *g, struct node *n)
{
	if (!n->a) {
		emit(g, "\"\"");
		return;
	}
	n->tmp = new_temp(g);
	emit(g, "({ struct tap_fmt_arg pa_[] = { ");
	int count = 0;
	for (struct node *v = n->a; v; v = v->next, count++) {
		emit(g, "{ 0, ");
		gen_expr(g, v);
		emit(g, ", NULL }, ");
	}
	emit(g, "}; tap_sprintf(f->t%d, ", n->tmp);
	emit_cstring(g->out, n->ext);
	emit(g, ", pa_, %d); (const char *)f->t%d; })", count, n->tmp);
}

/* Does n read a member through a target variable ($p->x)? */
static int reads_members(const struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_TARGET) {
			if (n->ctype)
				return 1;
			continue; /* a, b: the chain's inner parts */
		}
		if (reads_members(n->a) || reads_members(n->b) || reads_members(n->c) || reads_members(n->d))
			return 1;
		if (n->kind == N_FOREACH) {
			const struct foreach_info *f = n->ext;
			if (reads_members(f->limit) || reads_members(f->body))
				return 1;
		}
	}
	return 0;
}

/* Numbers the member reads of n (their tap_member_N) and declares their functions. */
static int number_members(FILE *out, struct node *n, int next)
{
	for (; n; n = n->next) {
		if (n->kind == N_TARGET) {
			const struct node *cast;
			char *path;
			if (n->ctype) {
				n->tmp = next++;
				fprintf(out, "static int64_t tap_member_%d(struct tap_ctx *c, int64_t base_);\n", n->tmp);
			}
			if (cast_chain(n, &cast, &path)) {
				free(path);
				next = number_members(out, cast->a, next);
			}
			continue;
		}
		next = number_members(out, n->a, next);
		next = number_members(out, n->b, next);
		next = number_members(out, n->c, next);
		next = number_members(out, n->d, next);
		if (n->kind == N_FOREACH) {
			struct foreach_info *f = n->ext;
			next = number_members(out, f->limit, next);
			next = number_members(out, f->body, next);
		}
	}
	return next;
}

/* m_k->member[N]: only an array member may be indexed; indexing through a pointer
   member would load that pointer without the fault-safe read, so it is refused at the
   script's line. */
static void emit_index_check(FILE *out, int k, const char *seg, int len)
{
	const char *br = memchr(seg, '[', (size_t)len);
	if (!br)
		return;
	int b = (int)(br - seg);
	fprintf(out, "_Static_assert(!(__builtin_classify_type(m%d_%.*s) == 5 && "
		     "__builtin_types_compatible_p(typeof(m%d_%.*s), typeof(0 ? (m%d_%.*s) : (m%d_%.*s)))), "
		     "\"tapc indexes array members only, not pointers\"); ", k, b, seg, k, b, seg, k, b, seg, k, b, seg);
}

/* The functions of n's member reads. The compiler knows T from the tracepoint's header
   (emit_member_headers). As in SystemTap, "->" also steps into an embedded struct or
   union: a member that is a pointer is loaded without faulting (tap_kernel_read), one
   that is a struct is only addressed (GCC's __builtin_classify_type tells, 5 being a
   pointer). The last member is the value, or an array's address. A #line puts the
   compiler's complaints (no such member, not a number) at the script's line. */
static void emit_member_fns(FILE *out, const struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_TARGET) {
			char *name = NULL, *path;
			const struct node *cast = NULL;
			if (cast_chain(n, &cast, &path))
				emit_member_fns(out, cast->a);
			else if (!target_member_path(n->str, &name, &path))
				continue;
			if (!n->ctype) {
				free(name);
				free(path);
				continue;
			}
			fprintf(out, "#line %d \"%s\"\nstatic int64_t tap_member_%d(struct tap_ctx *c, int64_t base_) { %s m0_ = (%s)(unsigned long)",
				n->loc.line, n->loc.file, n->tmp, n->ctype, n->ctype);
			if (cast)
				fprintf(out, "base_; ");
			else
				fprintf(out, "%s(c, %d, 0); ", n->op & TC_FROM_REGS ? "tap_regs_arg" : "tap_trace_arg",
					(int)n->num);
			int k = 0;
			const char *seg = path, *next;
			for (; (next = strstr(seg + 2, "->")); seg = next, k++) {
				int len = (int)(next - seg);
				emit_index_check(out, k, seg, len);
				fprintf(out, "__auto_type m%d_ = __builtin_choose_expr(__builtin_classify_type(m%d_%.*s) == 5, "
					     "({ typeof(m%d_%.*s) q_; tap_kernel_read(c, &q_, &m%d_%.*s, sizeof q_); q_; }), "
					     "&m%d_%.*s); ", k + 1, k, len, seg, k, len, seg, k, len, seg, k, len, seg);
			}
			emit_index_check(out, k, seg, (int)strlen(seg));
			if (n->op == '&') {
				fprintf(out, "return (int64_t)(unsigned long)&m%d_%s; }\n", k, seg);
				free(name);
				free(path);
				continue;
			}
			fprintf(out, "return __builtin_choose_expr(__builtin_classify_type(m%d_%s) == 5 && "
				     "!__builtin_types_compatible_p(typeof(m%d_%s), typeof(0 ? (m%d_%s) : (m%d_%s))), "
				     "(int64_t)(unsigned long)(m%d_%s), "
				     "({ typeof(m%d_%s) v_; tap_kernel_read(c, &v_, &m%d_%s, sizeof v_); (int64_t)v_; })); }\n",
				k, seg, k, seg, k, seg, k, seg, k, seg, k, seg, k, seg);
			free(name);
			free(path);
			continue;
		}
		emit_member_fns(out, n->a);
		emit_member_fns(out, n->b);
		emit_member_fns(out, n->c);
		emit_member_fns(out, n->d);
		if (n->kind == N_FOREACH) {
			const struct foreach_info *f = n->ext;
			emit_member_fns(out, f->limit);
			emit_member_fns(out, f->body);
		}
	}
}

/* The tracepoint headers that define the types members are read through. */
static void emit_member_headers(FILE *out, const struct script *s)
{
	int btf = 0;
	for (const struct site *st = s->sites; st; st = st->next)
		btf |= st->btf_func && reads_members(st->probe->body);
	if (btf) /* function parameters' types: wherever the kernel declares them */
		cast_emit_default_headers(out);
	for (const struct site *st = s->sites; st; st = st->next) {
		if (!st->header || !reads_members(st->probe->body))
			continue;
		int seen = 0;
		for (const struct site *o = s->sites; o != st && !seen; o = o->next)
			seen = o->header && !strcmp(o->header, st->header) && reads_members(o->probe->body);
		if (!seen)
			fprintf(out, "#include <%s>\n", st->header);
	}
}

/* s =~ "re": the pattern's DFA is a static table right where it is used. */
static void gen_regex_match(struct gen *g, struct node *n)
{
	const char *why = NULL;
	struct regex *re = regex_compile(n->b->str, &why);
	if (!re) {
		unsupported(n, "this regular expression");
		return;
	}
	emit(g, "({ ");
	regex_emit(g->out, re, "re_");
	emit(g, "(int64_t)(tap_regex_match(");
	gen_expr(g, n->a);
	emit(g, ", &re_) %s 0); })", n->op == MATCH ? "!=" : "==");
	regex_free(re);
}

static void gen_binary(struct gen *g, struct node *n)
{
	if (n->op == '.') {
		n->tmp = new_temp(g);
		emit(g, "((const char *)tap_concat(f->t%d, ", n->tmp);
		gen_expr(g, n->a);
		emit(g, ", ");
		gen_expr(g, n->b);
		emit(g, "))");
		return;
	}
	if (n->a->type == T_STRING) {
		if (n->op == MATCH || n->op == NOMATCH) {
			gen_regex_match(g, n);
			return;
		}
		emit(g, "(strcmp(");
		gen_expr(g, n->a);
		emit(g, ", ");
		gen_expr(g, n->b);
		emit(g, ") %s 0)", op_text(n->op));
		return;
	}
	const char *helper = NULL;
	switch (n->op) {
	case '/': helper = "tap_div"; break;
	case '%': helper = "tap_mod"; break;
	case LSHIFT: helper = "tap_shl"; break;
	case RSHIFT: helper = "tap_shr"; break;
	}
	if (helper) {
		int checked = n->op == '/' || n->op == '%';
		emit(g, "%s(%s", helper, checked ? "c, " : "");
		gen_operand(g, n->a);
		emit(g, ", ");
		gen_operand(g, n->b);
		if (checked) {
			emit(g, ", ");
			emit_near(g, n);
		}
		emit(g, ")");
		return;
	}
	/* Comparisons and logic yield 0 or 1 as a long. */
	emit(g, "((int64_t)(");
	gen_operand(g, n->a);
	emit(g, " %s ", op_text(n->op));
	gen_operand(g, n->b);
	emit(g, "))");
}

static void gen_expr(struct gen *g, struct node *n)
{
	/* a return probe's value of the entry: its slot, filled at the entry */
	if (n->entry_slot > 0 && !g->in_entry) {
		emit(g, "c->entry[%d]", n->entry_slot - 1);
		return;
	}
	switch (n->kind) {
	case N_NUM:
		if (n->num == INT64_MIN)
			emit(g, "INT64_MIN");
		else
			emit(g, "((int64_t)%lldLL)", (long long)n->num);
		break;
	case N_STR:
		emit_cstring(g->out, n->str);
		break;
	case N_VAR:
		if (n->type == T_STRING)
			emit(g, "((const char *)");
		else
			emit(g, "(");
		emit_var(g, n->sym);
		emit(g, ")");
		break;
	case N_CALL:
		gen_call(g, n);
		break;
	case N_ASSIGN:
		gen_assign(g, n);
		break;
	case N_BINARY:
		gen_binary(g, n);
		break;
	case N_UNARY:
		if (n->op == '&') {
			/* &@cast(p, "T") is p; a member's function returns its address */
			gen_expr(g, n->a->kind == N_EXTRACT ? n->a->a : n->a);
			break;
		}
		emit(g, "((int64_t)%s(", n->op == '!' ? "!" : n->op == '~' ? "~" : n->op == '-' ? "-" : "+");
		gen_operand(g, n->a);
		emit(g, "))");
		break;
	case N_PREINC:
	case N_POSTINC:
		if (n->a->kind == N_INDEX) {
			gen_index_update(g, n, n->a);
			break;
		}
		if (n->a->kind != N_VAR) {
			unsupported(n->a, "increment of this kind of expression");
			break;
		}
		emit(g, "(");
		if (n->kind == N_PREINC)
			emit(g, "%s", op_text(n->op));
		emit_var(g, n->a->sym);
		if (n->kind == N_POSTINC)
			emit(g, "%s", op_text(n->op));
		emit(g, ")");
		break;
	case N_TERNARY:
		emit(g, "(");
		gen_expr(g, n->a);
		emit(g, " ? ");
		gen_expr(g, n->b);
		emit(g, " : ");
		gen_expr(g, n->c);
		emit(g, ")");
		break;
	case N_INDEX:
		gen_index_read(g, n);
		break;
	case N_TARGET:
		if (n->cexpr)
			emit(g, "%s", n->cexpr);
		else if (n->ctype)
			gen_member_read(g, n);
		else if (n->num == TARGET_PROCFS_VALUE)
			emit(g, "tap_procfs_value(c)");
		else if (n->num == TARGET_RETURN)
			emit(g, "tap_fn_returnval(c)");
		else if (n->num == TARGET_PARMS)
			gen_parms(g, n);
		else if (n->op & TC_FROM_REGS)
			emit(g, "tap_regs_arg(c, %d, %d)", (int)n->num, n->op & ~TC_FROM_REGS);
		else
			emit(g, "tap_trace_arg(c, %d, %d)", (int)n->num, n->op);
		break;
	case N_IN:
		if (is_slice(n->a)) {
			emit(g, "((int64_t)");
			gen_slice_call(g, is_stats(n->sym) ? "tap_agg_exists_slice" : "tap_map_exists_slice", n->sym, n->a);
			emit(g, ")");
		} else if (is_stats(n->sym)) {
			emit(g, "((int64_t)tap_agg_exists(c, &tap_aggs, %d, ", n->sym->agg_id);
			gen_keys(g, n->a);
			emit(g, "))");
		} else {
			emit(g, "((int64_t)tap_map_exists(&m_%s, ", n->sym->name);
			gen_keys(g, n->a);
			emit(g, "))");
		}
		break;
	case N_STATS_OP:
		if (n->a->kind == N_VAR) {
			emit(g, "tap_agg_one_add(&tap_aggs, %d, ", n->a->sym->agg_id);
			gen_expr(g, n->b);
			emit(g, ", %d, %s)", plain_stats(n->a->sym), stat_keep(n->a->sym));
			break;
		}
		if (!n->a->sym->hist) {
			/* the array's own hash and compare (emit_key_fns), inlined */
			emit(g, "({ const union tap_key *k_ = ");
			gen_keys(g, n->a->a);
			emit(g, "; tap_agg_add_with(c, &tap_aggs, %d, k_, kh_%s(k_), ke_%s, ", n->a->sym->agg_id,
			     n->a->sym->name, n->a->sym->name);
			gen_expr(g, n->b);
			emit(g, ", %d, %s, ", plain_stats(n->a->sym), stat_keep(n->a->sym));
			emit_near(g, n);
			emit(g, "); })");
			break;
		}
		emit(g, "tap_agg_add(c, ");
		gen_agg_ref(g, n->a);
		emit(g, ", ");
		gen_expr(g, n->b);
		emit(g, ", ");
		emit_near(g, n);
		emit(g, ")");
		break;
	case N_EXTRACT:
		if (!strcmp(n->str, "entry"))
			gen_expr(g, n->a); /* at the entry itself */
		else
			gen_extract(g, n);
		break;
	default:
		unsupported(n, "this expression");
	}
}

static void gen_stmt(struct gen *g, struct node *n, int depth);

static void indent(struct gen *g, int depth)
{
	for (int i = 0; i < depth; i++)
		emit(g, "\t");
}

static void gen_action(struct gen *g, struct node *n, int depth)
{
	if (g->charged > 0) {
		g->charged--; /* counted with the run it starts (gen_stmts) */
		return;
	}
	indent(g, depth);
	emit(g, "TAP_ACTIONS(c, %d, ", 1 + g->pending);
	g->pending = 0;
	emit_near(g, n);
	emit(g, ", %s);\n", g->err_label);
}

static void gen_check(struct gen *g, int depth)
{
	indent(g, depth);
	emit(g, "TAP_CHECK(c, %s);\n", g->err_label);
}

/* a[k] <<< v made inline (tap_agg_add_with) with keys and value that cannot fail: it can
   fail only where it returns 1, having taken the general path (a new key, a delete). */
static int fails_only_on_general_path(const struct node *e)
{
	if (e->kind != N_STATS_OP || e->a->kind == N_VAR || e->a->sym->hist || may_fail(e->b))
		return 0;
	for (const struct node *k = e->a->a; k; k = k->next)
		if (may_fail(k))
			return 0;
	return 1;
}

/* After an expression: only if it can fail. */
static void gen_check_expr(struct gen *g, const struct node *e, int depth)
{
	if (may_fail(e))
		gen_check(g, depth);
}

/* Does the statement start by counting an action, so that a loop round can go with it? */
static int starts_with_action(const struct node *n)
{
	if (!n)
		return 0;
	if (n->kind == N_BLOCK)
		return starts_with_action(n->a);
	return (n->kind == N_EXPR && !n->num) || n->kind == N_IF;
}

/* A loop body: the round's action is counted with the body's first statement when it
   has one, else at the top of the round. */
static void gen_loop_round(struct gen *g, struct node *loop, struct node *body, int depth)
{
	if (starts_with_action(body))
		return;
	gen_action(g, loop, depth);
}

/* Evaluates a condition into a local C variable, stopping on an error. */
static void gen_cond(struct gen *g, struct node *cond, int depth)
{
	indent(g, depth);
	emit(g, "int64_t cond = ");
	gen_expr(g, cond);
	emit(g, ";\n");
	gen_check_expr(g, cond, depth);
}

static void gen_stmts(struct gen *g, struct node *n, int depth)
{
	for (; n; n = n->next) {
		/* A straight run of expression statements counts its actions at once. */
		int k = 0;
		for (struct node *m = n; m && m->kind == N_EXPR; m = m->next)
			k += !m->num;
		if (k > 1 && !n->num && !g->charged) {
			indent(g, depth);
			emit(g, "TAP_ACTIONS(c, %d, ", k + g->pending);
			g->pending = 0;
			emit_near(g, n);
			emit(g, ", %s);\n", g->err_label);
			g->charged = k;
		}
		gen_stmt(g, n, depth);
	}
}

static void gen_try(struct gen *g, struct node *n, int depth)
{
	const char *outer = g->err_label;
	char *label = xasprintf("tap_catch%d", g->nlabels++);
	indent(g, depth);
	emit(g, "{\n");
	g->err_label = label;
	gen_stmt(g, n->a, depth + 1);
	g->err_label = outer;
	indent(g, depth);
	emit(g, "}\n");
	indent(g, depth);
	emit(g, "%s: __attribute__((unused));\n", label);
	indent(g, depth);
	/* MAXACTION and the like end the probe even inside try. */
	emit(g, "if (c->error && c->fatal) goto %s;\n", outer);
	indent(g, depth);
	emit(g, "if (c->error) {\n");
	if (n->str) {
		struct node v = { .kind = N_VAR, .str = n->str };
		(void)v;
		indent(g, depth + 1);
		emit(g, "tap_strcpy(f->l_%s, c->error);\n", n->str);
	}
	indent(g, depth + 1);
	emit(g, "c->error = NULL;\n");
	gen_stmt(g, n->b, depth + 1);
	indent(g, depth);
	emit(g, "}\n");
}

static void gen_delete(struct gen *g, struct node *v, int depth)
{
	struct sym *s = v->sym;
	indent(g, depth);
	if (v->kind == N_INDEX && is_slice(v->a)) {
		gen_slice_call(g, is_stats(s) ? "tap_agg_delete_slice" : "tap_map_delete_slice", s, v->a);
		emit(g, ";\n");
	} else if (v->kind == N_INDEX) {
		if (is_stats(s))
			emit(g, "tap_agg_delete(&tap_aggs, %d, ", s->agg_id);
		else
			emit(g, "tap_map_delete(&m_%s, ", s->name);
		gen_keys(g, v->a);
		emit(g, ");\n");
	} else if (is_stats(s)) {
		emit(g, "tap_agg_clear(&tap_aggs, %d);\n", s->agg_id);
	} else if (s->is_array) {
		emit(g, "tap_map_clear(&m_%s);\n", s->name);
	} else if (s->type == T_STRING) {
		emit_var(g, s);
		emit(g, "[0] = '\\0';\n");
	} else {
		emit_var(g, s);
		emit(g, " = 0;\n");
	}
	gen_check(g, depth);
}

/* Does the statement assign to one of these variables? */
static int assigns_any(const struct node *n, const struct node *vars)
{
	for (; n; n = n->next) {
		if ((n->kind == N_ASSIGN || n->kind == N_PREINC || n->kind == N_POSTINC) && n->a->kind == N_VAR)
			for (const struct node *v = vars; v; v = v->next)
				if (n->a->sym == v->sym)
					return 1;
		if (n->kind == N_FOREACH) {
			const struct foreach_info *f = n->ext;
			for (const struct node *k = f->keys; k; k = k->next)
				for (const struct node *v = vars; v; v = v->next)
					if (k->sym == v->sym)
						return 1;
			if (assigns_any(f->body, vars) || assigns_any(f->limit, vars) || assigns_any(f->slice, vars))
				return 1;
		}
		if (assigns_any(n->a, vars) || assigns_any(n->b, vars) || assigns_any(n->c, vars) ||
		    assigns_any(n->d, vars))
			return 1;
	}
	return 0;
}

/* A foreach slice's given key parts are evaluated once, before the loop, into copies
   (the body may change the variables they come from). */
static void gen_slice_keys(struct gen *g, struct node *slice, int id, int depth)
{
	int i = 0;
	indent(g, depth);
	emit(g, "union tap_key slice%d[%d] = { { 0 } };\n", id, list_length(slice));
	for (struct node *k = slice; k; k = k->next, i++) {
		if (k->kind == N_WILDCARD)
			continue;
		indent(g, depth);
		if (k->type == T_STRING) {
			int t = new_temp(g);
			emit(g, "slice%d[%d].s = tap_strcpy(f->t%d, ", id, i, t);
		} else {
			emit(g, "slice%d[%d].l = ", id, i);
		}
		gen_expr(g, k);
		emit(g, k->type == T_STRING ? ");\n" : ";\n");
		gen_check(g, depth);
	}
}

static void gen_foreach(struct gen *g, struct node *n, int depth)
{
	struct foreach_info *fe = n->ext;
	struct sym *a = fe->array_sym;
	int id = g->nloops++;
	int stats = is_stats(a);
	gen_action(g, n, depth);
	indent(g, depth);
	emit(g, "{\n");
	indent(g, depth + 1);
	emit(g, "struct tap_iter it%d;\n", id);
	indent(g, depth + 1);
	emit(g, "int64_t limit%d = ", id);
	if (fe->limit)
		gen_expr(g, fe->limit);
	else
		emit(g, "-1");
	emit(g, ";\n");
	gen_check(g, depth + 1);
	if (fe->slice)
		gen_slice_keys(g, fe->slice, id, depth + 1);
	indent(g, depth + 1);
	int column = fe->sort_column > 0 ? fe->sort_column : fe->sort_column < 0 ? -1 : 0;
	if (stats)
		emit(g, "if (tap_agg_iter_begin(c, &tap_aggs, %d, &it%d, %d, %s, %d, limit%d) == 0) {\n",
		     a->agg_id, id, column, extractor_enum(fe->sort_agg), fe->sort_dir ? fe->sort_dir : 1, id);
	else
		emit(g, "if (tap_map_iter_begin(c, &m_%s, &it%d, %d, %d, limit%d) == 0) {\n", a->name, id,
		     column, fe->sort_dir ? fe->sort_dir : 1, id);
	indent(g, depth + 2);
	emit(g, "while (tap_iter_next(&it%d)) {\n", id);
	const char *keys = stats ? "((struct tap_agg_merged *)it%d.cur)->key" : "((struct tap_map_ent *)it%d.cur)->key";
	if (fe->slice) {
		/* As in SystemTap, limit counts the elements skipped by the slice too. */
		indent(g, depth + 3);
		emit(g, "if (!tap_key_match(");
		emit(g, keys, id);
		emit(g, ", slice%d, 0x%xu, %d, ", id, slice_mask(fe->slice), a->nkeys);
		if (stats)
			emit(g, "tap_agg_specs[%d].ktypes))\n", a->agg_id);
		else
			emit(g, "m_%s.ktypes))\n", a->name);
		indent(g, depth + 4);
		emit(g, "continue;\n");
	}
	int i = 0;
	for (struct node *k = fe->keys; k; k = k->next, i++) {
		indent(g, depth + 3);
		if (k->sym->type == T_STRING) {
			emit(g, "tap_strcpy(f->l_%s, ", k->sym->name);
			emit(g, keys, id);
			emit(g, "[%d].s);\n", i);
		} else {
			emit(g, "l_%s = ", k->sym->name);
			emit(g, keys, id);
			emit(g, "[%d].l;\n", i);
		}
	}
	if (fe->value && !stats) {
		indent(g, depth + 3);
		if (fe->value->sym->type == T_STRING)
			emit(g, "{ const char *v_ = ((struct tap_map_ent *)it%d.cur)->sval; tap_strcpy(f->l_%s, v_ ? v_ : \"\"); }\n",
			     id, fe->value->sym->name);
		else
			emit(g, "l_%s = ((struct tap_map_ent *)it%d.cur)->lval;\n", fe->value->sym->name, id);
	}
	struct loop l = { id, a, fe->keys, assigns_any(fe->body, fe->keys), g->loops };
	g->loops = &l;
	gen_stmt(g, fe->body, depth + 3);
	g->loops = l.outer;
	indent(g, depth + 2);
	emit(g, "}\n");
	indent(g, depth + 1);
	emit(g, "}\n");
	indent(g, depth + 1);
	emit(g, "tap_iter_end(c, &it%d);\n", id);
	gen_check(g, depth + 1);
	indent(g, depth);
	emit(g, "}\n");
}

static int func_pure(struct func *f);

/* Does running this code change anything outside its own locals? Script functions are
   pure when their bodies are; runtime functions only read; printing, exit(), error(),
   globals, statistics and embedded C are effects. */
static int effect_free(const struct node *n, int allow_local_writes)
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case N_ASSIGN: case N_PREINC: case N_POSTINC:
			if (!allow_local_writes || n->a->kind != N_VAR || !n->a->sym || n->a->sym->scope == S_GLOBAL)
				return 0;
			break;
		case N_DELETE:
			if (!allow_local_writes || n->a->kind != N_VAR || !n->a->sym || n->a->sym->scope == S_GLOBAL)
				return 0;
			break;
		case N_STATS_OP:
		case N_TARGET:
			return 0;
		case N_CALL:
			if (builtin_of(n) != B_NONE && builtin_of(n) != B_SPRINTF)
				return 0;
			if (n->fn && !func_pure(n->fn))
				return 0;
			break;
		case N_FOREACH: {
			const struct foreach_info *f = n->ext;
			if (!effect_free(f->limit, allow_local_writes) || !effect_free(f->body, allow_local_writes) ||
			    !effect_free(f->slice, allow_local_writes))
				return 0;
			break;
		}
		default:
			break;
		}
		if (!effect_free(n->a, allow_local_writes) || !effect_free(n->b, allow_local_writes) ||
		    !effect_free(n->c, allow_local_writes) || !effect_free(n->d, allow_local_writes))
			return 0;
	}
	return 1;
}

static int func_pure(struct func *f)
{
	/* 0 unknown, 1 pure, 2 impure, 3 being checked (recursion counts as pure) */
	static struct func *checking[256];
	static int state[256], n;
	for (int i = 0; i < n; i++)
		if (checking[i] == f)
			return state[i] != 2;
	if (f->embedded || n >= 256)
		return 0;
	int me = n++;
	checking[me] = f;
	state[me] = 3;
	state[me] = effect_free(f->body, 1) ? 1 : 2;
	return state[me] == 1;
}

static int pure(const struct node *n)
{
	return effect_free(n, 0);
}

/* SystemTap drops assignments to locals that are never read (when the value has no
   side effects), so `x = 1/0` with x unused raises no error there either. */
static int elided(const struct node *stmt)
{
	const struct node *e = stmt->a;
	return e->kind == N_ASSIGN && e->op == '=' && e->a->kind == N_VAR && e->a->sym &&
	       e->a->sym->scope == S_LOCAL && !e->a->sym->read && pure(e->b);
}

/* Which locals are read, not counting statements already dropped. */
static void mark_reads(struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == N_EXPR && n->num)
			continue;
		if (n->kind == N_VAR && n->sym && n->sym->scope != S_GLOBAL)
			n->sym->read = 1;
		if (n->kind == N_ASSIGN && n->op == '=' && n->a->kind == N_VAR) {
			mark_reads(n->b);
			continue;
		}
		if (n->kind == N_FOREACH) {
			struct foreach_info *f = n->ext;
			mark_reads(f->slice);
			mark_reads(f->limit);
			mark_reads(f->body);
			continue;
		}
		mark_reads(n->a);
		mark_reads(n->b);
		mark_reads(n->c);
		mark_reads(n->d);
	}
}

static int mark_elided(struct node *n)
{
	int changed = 0;
	for (; n; n = n->next) {
		if (n->kind == N_EXPR && !n->num && elided(n)) {
			n->num = 1;
			changed = 1;
		}
		if (n->kind == N_FOREACH)
			changed |= mark_elided(((struct foreach_info *)n->ext)->body);
		if (n->kind != N_EXPR) {
			changed |= mark_elided(n->a);
			changed |= mark_elided(n->b);
			changed |= mark_elided(n->c);
			changed |= mark_elided(n->d);
		}
	}
	return changed;
}

/* Dropping one dead store can make another store dead (argstr reads buf_str):
   repeat until nothing changes, as SystemTap does. */
static void elide_dead_stores(struct node *body, struct sym *locals)
{
	int changed;
	do {
		for (struct sym *l = locals; l; l = l->next)
			l->read = 0;
		mark_reads(body);
		changed = mark_elided(body);
	} while (changed);
}

static void gen_stmt(struct gen *g, struct node *n, int depth)
{
	switch (n->kind) {
	case N_BLOCK:
		gen_stmts(g, n->a, depth);
		return;
	case N_NOP:
		return;
	case N_EXPR:
		if (n->num)
			return; /* a dead store (elide_dead_stores) */
		gen_action(g, n, depth);
		indent(g, depth);
		if (fails_only_on_general_path(n->a)) {
			emit(g, "if (unlikely(");
			gen_expr(g, n->a);
			emit(g, "))\n");
			gen_check(g, depth + 1);
			return;
		}
		emit(g, "(void)");
		gen_expr(g, n->a);
		emit(g, ";\n");
		gen_check_expr(g, n->a, depth);
		return;
	case N_IF:
		gen_action(g, n, depth);
		indent(g, depth);
		emit(g, "{\n");
		gen_cond(g, n->a, depth + 1);
		indent(g, depth + 1);
		emit(g, "if (cond) {\n");
		gen_stmt(g, n->b, depth + 2);
		indent(g, depth + 1);
		emit(g, "}");
		if (n->c) {
			emit(g, " else {\n");
			gen_stmt(g, n->c, depth + 2);
			indent(g, depth + 1);
			emit(g, "}");
		}
		emit(g, "\n");
		indent(g, depth);
		emit(g, "}\n");
		return;
	case N_WHILE:
		/* An iteration counts as an action at its end, after the body's statements. */
		indent(g, depth);
		emit(g, "for (int first = 1;; first = 0) {\n");
		indent(g, depth + 1);
		emit(g, "if (!first) {\n");
		gen_loop_round(g, n, n->b, depth + 2);
		indent(g, depth + 1);
		emit(g, "}\n");
		gen_cond(g, n->a, depth + 1);
		indent(g, depth + 1);
		emit(g, "if (!cond)\n");
		indent(g, depth + 2);
		emit(g, "break;\n");
		g->pending = starts_with_action(n->b);
		gen_stmt(g, n->b, depth + 1);
		g->pending = 0;
		indent(g, depth);
		emit(g, "}\n");
		return;
	case N_FOR:
		if (n->a) {
			gen_action(g, n, depth);
			indent(g, depth);
			emit(g, "(void)");
			gen_expr(g, n->a);
			emit(g, ";\n");
			gen_check_expr(g, n->a, depth);
		}
		/* `continue` must reach the increment: it runs at the top of later rounds. */
		indent(g, depth);
		emit(g, "for (int first = 1;; first = 0) {\n");
		indent(g, depth + 1);
		emit(g, "if (!first) {\n");
		gen_loop_round(g, n, n->d, depth + 2);
		if (n->c) {
			indent(g, depth + 2);
			emit(g, "(void)");
			gen_expr(g, n->c);
			emit(g, ";\n");
			gen_check_expr(g, n->c, depth + 2);
		}
		indent(g, depth + 1);
		emit(g, "}\n");
		if (n->b) {
			gen_cond(g, n->b, depth + 1);
			indent(g, depth + 1);
			emit(g, "if (!cond)\n");
			indent(g, depth + 2);
			emit(g, "break;\n");
		}
		g->pending = starts_with_action(n->d);
		gen_stmt(g, n->d, depth + 1);
		g->pending = 0;
		indent(g, depth);
		emit(g, "}\n");
		return;
	case N_BREAK:
	case N_CONTINUE:
		gen_action(g, n, depth);
		indent(g, depth);
		emit(g, "%s;\n", n->kind == N_BREAK ? "break" : "continue");
		return;
	case N_NEXT:
		gen_action(g, n, depth);
		indent(g, depth);
		emit(g, "goto tap_out;\n");
		return;
	case N_RETURN:
		gen_action(g, n, depth);
		if (n->a) {
			indent(g, depth);
			if (g->ret == T_STRING) {
				emit(g, "tap_strcpy(ret, ");
				gen_expr(g, n->a);
				emit(g, ");\n");
			} else {
				emit(g, "ret = ");
				gen_expr(g, n->a);
				emit(g, ";\n");
			}
			gen_check(g, depth);
		}
		indent(g, depth);
		emit(g, "goto tap_out;\n");
		return;
	case N_DELETE:
		gen_action(g, n, depth);
		gen_delete(g, n->a, depth);
		return;
	case N_TRY:
		gen_try(g, n, depth);
		return;
	case N_FOREACH:
		gen_foreach(g, n, depth);
		return;
	default:
		unsupported(n, "this statement");
	}
}

static void emit_c_type_field(FILE *out, const struct sym *s, const char *prefix)
{
	if (s->type == T_STRING)
		fprintf(out, "\tchar %s%s[MAXSTRINGLEN];\n", prefix, s->name);
	else
		fprintf(out, "\tint64_t %s%s;\n", prefix, s->name);
}

/* A body is generated into memory first: its frame's temporaries are known only after. */
struct body {
	char *text;
	size_t len;
	int ntemps;
};

static struct body gen_body(struct node *body, int in_func, enum type ret)
{
	struct body b = { 0 };
	struct gen g = { .err_label = "tap_out", .in_func = in_func, .ret = ret };
	g.out = open_memstream(&b.text, &b.len);
	gen_stmt(&g, body, 1);
	fclose(g.out);
	b.ntemps = g.ntemps;
	return b;
}

static void emit_frame(FILE *out, const char *name, const struct sym *params,
		       const struct sym *locals, int ntemps)
{
	fprintf(out, "struct frame_%s {\n", name);
	for (const struct sym *p = params; p; p = p->next)
		if (!local_in_c(p))
			emit_c_type_field(out, p, "l_");
	for (const struct sym *l = locals; l; l = l->next)
		if (!local_in_c(l))
			emit_c_type_field(out, l, "l_");
	fprintf(out, "\tchar locals_end[0];\n");
	for (int i = 0; i < ntemps; i++)
		fprintf(out, "\tchar t%d[MAXSTRINGLEN];\n", i);
	fprintf(out, "};\n\n");
}

/* The numeric locals (see local_in_c), zero at entry like the frame's. */
static void emit_c_locals(FILE *out, const struct sym *locals)
{
	for (const struct sym *l = locals; l; l = l->next)
		if (local_in_c(l))
			fprintf(out, "\tint64_t l_%s __attribute__((unused)) = 0;\n", l->name);
}

static void emit_func_signature(FILE *out, const struct func *f)
{
	const char *ret = f->ret == T_LONG ? "int64_t" : "void";
	fprintf(out, "static %s fn_%s_%d(struct tap_ctx *c", ret, f->name, f->nparams);
	if (f->ret == T_STRING)
		fprintf(out, ", char *ret");
	for (const struct sym *p = f->params; p; p = p->next)
		fprintf(out, p->type == T_STRING ? ", const char *a_%s" : ", int64_t a_%s", p->name);
	fprintf(out, ")");
}

static void emit_func(FILE *out, struct func *f)
{
	char *name = xasprintf("fn_%s_%d", f->name, f->nparams);
	elide_dead_stores(f->body, f->locals);
	struct body b = gen_body(f->body, 1, f->ret);
	emit_frame(out, name, f->params, f->locals, b.ntemps);
	emit_func_signature(out, f);
	fprintf(out, "\n{\n");
	if (f->ret == T_LONG)
		fprintf(out, "\tint64_t ret = 0;\n");
	fprintf(out, "\tstruct frame_%s *f;\n", name);
	for (const struct sym *p = f->params; p; p = p->next)
		if (local_in_c(p))
			fprintf(out, "\tint64_t l_%s __attribute__((unused)) = a_%s;\n", p->name, p->name);
	emit_c_locals(out, f->locals);
	/* An argument failed: the call does not happen. */
	fprintf(out, "\tif (unlikely(c->error))\n\t\t%s;\n", f->ret == T_LONG ? "return 0" : "return");
	fprintf(out, "\tif (unlikely(c->depth >= MAXNESTING)) {\n"
		     "\t\ttap_error(c, \"MAXNESTING exceeded\", ");
	char *near = xasprintf("identifier '%s' at %s:%d:%d", f->name, f->loc.file, f->loc.line, f->loc.col);
	emit_cstring(out, near);
	fprintf(out, ");\n\t\t%s;\n\t}\n", f->ret == T_LONG ? "return 0" : "return");
	if (f->ret == T_STRING)
		fprintf(out, "\tret[0] = '\\0';\n");
	fprintf(out, "\tc->depth++;\n");
	fprintf(out, "\tf = (struct frame_%s *)(c->frames + c->depth * TAP_FRAME_SIZE);\n", name);
	fprintf(out, "\tmemset(f, 0, offsetof(struct frame_%s, locals_end));\n", name);
	for (const struct sym *p = f->params; p; p = p->next) {
		if (p->type == T_STRING)
			fprintf(out, "\ttap_strcpy(f->l_%s, a_%s);\n", p->name, p->name);
	}
	fwrite(b.text, 1, b.len, out);
	fprintf(out, "tap_out: __attribute__((unused));\n\tc->depth--;\n");
	if (f->ret == T_LONG)
		fprintf(out, "\treturn ret;\n");
	fprintf(out, "}\n\n");
	free(b.text);
	free(name);
}

/* Numbers the values of n that a return probe takes at the entry (slots from 1). */
static void number_entry_values(struct node *n, struct node **slots, int *count)
{
	for (; n; n = n->next) {
		if (n->entry_slot || (n->kind == N_EXTRACT && !strcmp(n->str, "entry"))) {
			if (*count < 64) {
				slots[*count] = n;
				n->entry_slot = ++*count;
			}
			continue;
		}
		number_entry_values(n->a, slots, count);
		number_entry_values(n->b, slots, count);
		number_entry_values(n->c, slots, count);
		number_entry_values(n->d, slots, count);
		if (n->kind == N_FOREACH) {
			struct foreach_info *f = n->ext;
			number_entry_values(f->limit, slots, count);
			number_entry_values(f->body, slots, count);
		}
	}
}

/* What the handler does when it runs at the entry: fill the slots, nothing else. */
static struct body gen_entry_body(struct node **slots, int count)
{
	struct body b = { 0 };
	struct gen g = { .err_label = "tap_out", .in_entry = 1 };
	g.out = open_memstream(&b.text, &b.len);
	emit(&g, "\tif (c->at_entry) {\n");
	for (int i = 0; i < count; i++) {
		emit(&g, "\t\tc->entry[%d] = ", i);
		gen_expr(&g, slots[i]);
		emit(&g, ";\n\t\tTAP_CHECK(c, tap_out);\n");
	}
	emit(&g, "\t\tgoto tap_out;\n\t}\n");
	fclose(g.out);
	b.ntemps = g.ntemps;
	return b;
}

static void emit_probe(FILE *out, struct probe *p)
{
	char *name = xasprintf("probe_%d", p->index);
	elide_dead_stores(p->body, p->locals);
	/* probe P if (cond): the handler does nothing while cond is false */
	struct node *body = p->body;
	if (p->cond) {
		body = node_new(N_IF, p->cond->loc);
		body->tok_kind = TK_KEYWORD;
		body->tok = "if";
		body->a = p->cond;
		body->b = p->body;
	}
	struct node *slots[64];
	int nslots = 0;
	number_entry_values(body, slots, &nslots);
	p->entry_slots = nslots;
	struct body e = nslots ? gen_entry_body(slots, nslots) : (struct body){ 0 };
	struct body b = gen_body(body, 0, T_VOID);
	emit_frame(out, name, NULL, p->locals, b.ntemps > e.ntemps ? b.ntemps : e.ntemps);
	fprintf(out, "static void %s(struct tap_ctx *c)\n{\n", name);
	fprintf(out, "\tstruct frame_%s *f = (struct frame_%s *)c->frames;\n", name, name);
	emit_c_locals(out, p->locals);
	fprintf(out, "\tmemset(f, 0, offsetof(struct frame_%s, locals_end));\n", name);
	if (nslots)
		fwrite(e.text, 1, e.len, out);
	free(e.text);
	fwrite(b.text, 1, b.len, out);
	fprintf(out, "tap_out: __attribute__((unused));\n\t(void)f;\n}\n\n");
	free(b.text);
	free(name);
}

static void emit_ktypes(FILE *out, const struct sym *g)
{
	fprintf(out, "{ ");
	for (int i = 0; i < g->nkeys && i < 9; i++)
		fprintf(out, "%s%s", i ? ", " : "", g->keys[i] == T_STRING ? "TAP_T_STR" : "TAP_T_LONG");
	fprintf(out, " }");
}

/* Each array's own key hash and compare, for the inline lookups: the same steps as
   tap_key_hash (seeded with the aggregation id for statistics) and tap_key_equal. */
static void emit_key_fns(FILE *out, const struct sym *g)
{
	fprintf(out, "static inline uint32_t kh_%s(const union tap_key *k)\n{\n"
		"\tuint64_t h = tap_hash_start(%d);\n", g->name, g->type == T_STATS ? g->agg_id : 0);
	for (int i = 0; i < g->nkeys && i < 9; i++)
		fprintf(out, "\th = tap_hash_%s(h, k[%d].%c);\n", g->keys[i] == T_STRING ? "str" : "long", i,
			g->keys[i] == T_STRING ? 's' : 'l');
	fprintf(out, "\treturn tap_hash_end(h);\n}\n\n");
	fprintf(out, "static inline int ke_%s(const union tap_key *a, const union tap_key *b)\n{\n\treturn 1",
		g->name);
	for (int i = 0; i < g->nkeys && i < 9; i++)
		fprintf(out, g->keys[i] == T_STRING ? " && tap_str_eq(a[%d].s, b[%d].s)" : " && a[%d].l == b[%d].l",
			i, i);
	fprintf(out, ";\n}\n\n");
}

static void emit_globals(FILE *out, struct script *s)
{
	int naggs = 0;
	for (struct sym *g = s->globals; g; g = g->next) {
		if (g->type == T_STATS) {
			g->agg_id = naggs++;
			continue;
		}
		if (g->is_array) {
			fprintf(out, "static struct tap_map m_%s = { .name = \"%s\", .nkeys = %d, .ktypes = ",
				g->name, g->name, g->nkeys);
			emit_ktypes(out, g);
			fprintf(out, ", .vtype = %s, .max_entries = %s, .sized = %d, .wrap = %d };\n",
				g->type == T_STRING ? "TAP_T_STR" : "TAP_T_LONG",
				g->size ? xasprintf("%lld", (long long)g->size) : "MAXMAPENTRIES", g->size != 0, g->wrap);
			continue;
		}
		if (g->type == T_STRING) {
			fprintf(out, "static char g_%s[MAXSTRINGLEN]", g->name);
			if (g->init) {
				fprintf(out, " = ");
				emit_cstring(out, g->init->str);
			}
		} else {
			fprintf(out, "static int64_t g_%s", g->name);
			if (g->init)
				fprintf(out, " = (int64_t)%lldLL", (long long)g->init->num);
		}
		fprintf(out, ";\n");
	}
	/* The dictionary of aggregations: what each data set's id means. */
	/* Not static: the runtime reads them through script.h. */
	fprintf(out, "\n#define TAP_NAGGS %d\nconst int tap_naggs = TAP_NAGGS;\nstruct tap_agg_spec tap_agg_specs[TAP_NAGGS + 1] = {\n", naggs);
	for (struct sym *g = s->globals; g; g = g->next) {
		if (g->type != T_STATS)
			continue;
		fprintf(out, "\t{ \"%s\", %d, ", g->name, g->is_array ? g->nkeys : 0);
		emit_ktypes(out, g->is_array ? g : &(struct sym){ .nkeys = 0 });
		fprintf(out, ", %s, %lldLL, %lldLL, %lldLL, 0, %s, %d, %d, %d, %s },\n",
			g->hist == 1 ? "TAP_HIST_LOG" : g->hist == 2 ? "TAP_HIST_LINEAR" : "TAP_HIST_NONE",
			(long long)g->hist_start, (long long)g->hist_stop, (long long)g->hist_interval,
			g->size ? xasprintf("%lld", (long long)g->size) : "MAXMAPENTRIES", g->var_shift,
			g->uses_variance, g->size != 0, stat_keep(g));
	}
	fprintf(out, "};\nstruct tap_aggs tap_aggs;\n\n");
	for (struct sym *g = s->globals; g; g = g->next)
		if (g->is_array && g->nkeys > 0)
			emit_key_fns(out, g);

	fprintf(out, "int tap_globals_init(int ncpus)\n{\n");
	for (struct sym *g = s->globals; g; g = g->next)
		if (g->is_array && g->type != T_STATS)
			fprintf(out, "\tif (tap_map_init(&m_%s))\n\t\treturn -1;\n", g->name);
	fprintf(out, "\tfor (int i = 0; i < TAP_NAGGS; i++) {\n"
		     "\t\tstruct tap_agg_spec *sp = &tap_agg_specs[i];\n"
		     "\t\tif (sp->hist == TAP_HIST_LOG)\n\t\t\tsp->nbuckets = TAP_HIST_LOG_BUCKETS;\n"
		     "\t\telse if (sp->hist == TAP_HIST_LINEAR)\n"
		     "\t\t\tsp->nbuckets = tap_hist_linear_buckets(sp->start, sp->stop, sp->interval);\n\t}\n"
		     "\treturn tap_aggs_init(&tap_aggs, tap_agg_specs, TAP_NAGGS, ncpus, (size_t)TAP_AGG_POOL_MB << 20);\n}\n\n");
	fprintf(out, "void tap_globals_free(void)\n{\n");
	for (struct sym *g = s->globals; g; g = g->next)
		if (g->is_array && g->type != T_STATS)
			fprintf(out, "\ttap_map_destroy(&m_%s);\n", g->name);
	fprintf(out, "\ttap_aggs_destroy(&tap_aggs);\n}\n\n");
}

/* SystemTap prints globals that are written but never read when the script ends. */
static void emit_autoprint(FILE *out, const struct script *s)
{
	fprintf(out, "void tap_autoprint(struct tap_ctx *c)\n{\n");
	for (const struct sym *g = s->globals; g; g = g->next) {
		if (!g->written || g->read)
			continue;
		if (g->type == T_STATS)
			fprintf(out, "\ttap_autoprint_agg(c, &tap_aggs, %d);\n", g->agg_id);
		else if (g->is_array)
			fprintf(out, "\ttap_autoprint_map(c, &m_%s);\n", g->name);
		else if (g->type == T_STRING)
			fprintf(out, "\ttap_printf(c, \"%s=\\\"%%s\\\"\\n\", (const struct tap_fmt_arg[]){ { 1, 0, g_%s } }, 1);\n",
				g->name, g->name);
		else
			fprintf(out, "\ttap_printf(c, \"%s=%%d\\n\", (const struct tap_fmt_arg[]){ { 0, g_%s, NULL } }, 1);\n",
				g->name, g->name);
	}
	fprintf(out, "\t(void)c;\n}\n\n");
}

/* ---- locks: which globals each probe reads or writes, functions included ---- */

enum { USE_NONE, USE_READ, USE_WRITE };

static void note_use(int *uses, const struct sym *s, int mode)
{
	if (!s || s->scope != S_GLOBAL || s->type == T_STATS)
		return; /* statistics need no lock: each CPU writes only its own buffer */
	if (uses[s->index] < mode)
		uses[s->index] = mode;
}

static void collect_uses(const struct node *n, int *uses, char *seen_funcs);

static void collect_one(const struct node *n, int *uses, char *seen_funcs)
{
	switch (n->kind) {
	case N_VAR:
	case N_INDEX:
	case N_IN:
		note_use(uses, n->sym, USE_READ);
		break;
	case N_ASSIGN:
	case N_PREINC:
	case N_POSTINC:
		note_use(uses, n->a->sym, USE_WRITE);
		break;
	case N_DELETE:
		note_use(uses, n->a->sym, USE_WRITE);
		break;
	case N_FOREACH: {
		const struct foreach_info *f = n->ext;
		note_use(uses, f->array_sym, USE_READ);
		collect_uses(f->slice, uses, seen_funcs);
		collect_uses(f->limit, uses, seen_funcs);
		collect_uses(f->body, uses, seen_funcs);
		break;
	}
	case N_CALL:
		if (n->fn && !seen_funcs[n->fn->index]) {
			seen_funcs[n->fn->index] = 1;
			collect_uses(n->fn->body, uses, seen_funcs);
		}
		break;
	default:
		break;
	}
}

static void collect_uses(const struct node *n, int *uses, char *seen_funcs)
{
	for (; n; n = n->next) {
		collect_one(n, uses, seen_funcs);
		collect_uses(n->a, uses, seen_funcs);
		collect_uses(n->b, uses, seen_funcs);
		collect_uses(n->c, uses, seen_funcs);
		collect_uses(n->d, uses, seen_funcs);
	}
}

/* probe_N_lock/unlock take the locks in the order the globals are declared. */
static void emit_probe_locks(FILE *out, const struct script *s, struct probe *p, int nglobals, int nfuncs)
{
	int *uses = xcalloc(nglobals + 1, sizeof *uses);
	char *seen = xcalloc(nfuncs + 1, 1);
	const struct sym **order = xcalloc(nglobals + 1, sizeof *order);
	int n = 0;
	collect_uses(p->cond, uses, seen);
	collect_uses(p->body, uses, seen);
	for (const struct sym *g = s->globals; g; g = g->next)
		if (uses[g->index])
			order[n++] = g;
#define MODE(i) (uses[order[i]->index] == USE_WRITE ? "write" : "read")
	fprintf(out, "static int probe_%d_lock(void)\n{\n", p->index);
	for (int i = 0; i < n; i++)
		fprintf(out, "\tif (!tap_%s_lock(&lk_%s))\n\t\tgoto fail%d;\n", MODE(i), order[i]->name, i);
	fprintf(out, "\treturn 1;\n");
	/* Lock i was busy: release locks i-1 down to 0. */
	for (int i = n - 1; i > 0; i--)
		fprintf(out, "fail%d:\n\ttap_%s_unlock(&lk_%s);\n", i, MODE(i - 1), order[i - 1]->name);
	fprintf(out, "fail0: __attribute__((unused));\n\treturn 0;\n}\n\n");
	fprintf(out, "static void probe_%d_unlock(void)\n{\n", p->index);
	for (int i = n - 1; i >= 0; i--)
		fprintf(out, "\ttap_%s_unlock(&lk_%s);\n", MODE(i), order[i]->name);
	fprintf(out, "}\n\n");
#undef MODE
	free(order);
	free(uses);
	free(seen);
}

/* Does n call function name? */
static int calls(const struct node *n, const char *name)
{
	for (; n; n = n->next) {
		if (n->kind == N_CALL && !strcmp(n->str, name))
			return 1;
		if (calls(n->a, name) || calls(n->b, name) || calls(n->c, name) || calls(n->d, name))
			return 1;
		if (n->kind == N_FOREACH) {
			const struct foreach_info *f = n->ext;
			if (calls(f->limit, name) || calls(f->body, name))
				return 1;
		}
	}
	return 0;
}

/* syscall_name(nr): the names of the target kernel's unistd_64.h, as a table in the
   module of a script that asks for them. */
static void emit_syscall_names(FILE *out, const struct script *s)
{
	int used = 0;
	for (const struct probe *p = s->probes; p && !used; p = p->next)
		used = calls(p->body, "syscall_name");
	for (const struct func *f = s->funcs; f && !used; f = f->next)
		used = calls(f->body, "syscall_name");
	if (!used)
		return;
	fprintf(out, "static const char *tap_fn_syscall_name(struct tap_ctx *c, char *out, int64_t nr)\n{\n"
		     "\tstatic const char *const names[] = {\n");
	int n = 0;
	for (int nr = 0; nr < 1024; nr++) {
		const char *name = syscall_name_of(nr);
		if (name) {
			fprintf(out, "\t\t[%d] = \"%s\",\n", nr, name);
			n = nr + 1;
		}
	}
	fprintf(out, "\t};\n\tconst char *name = nr >= 0 && nr < %d && names[nr] ? names[nr] : \"\";\n"
		     "\t(void)c;\n\treturn strcpy(out, name);\n}\n\n", n);
	if (!n)
		fprintf(out, "#error no system call table for syscall_name()\n");
}

int codegen(FILE *out, struct script *s, const struct codegen_options *opt)
{
	int before = diag_errors();
	struct site *sites = s->sites;
	int i = 0;
	for (struct probe *p = s->probes; p; p = p->next)
		p->index = i++;
	mark_stats_printed(s, opt);

	fprintf(out, "/* Generated by tapc. */\n");
	for (const struct define *d = opt->defines; d; d = d->next)
		fprintf(out, "#define %s %s\n", d->name, d->value);
	/* Before the runtime's default; tapc -D MAXNESTING=N still wins. */
	fprintf(out, "#ifndef MAXNESTING\n#define MAXNESTING %d\n#endif\n", script_max_nesting(s));
	fprintf(out, "#include \"tap_runtime.h\"\n\n");
	emit_member_headers(out, s);
	cast_emit_headers(out, s);
	emit_syscall_names(out, s);
	int nmembers = 0;
	for (struct probe *p = s->probes; p; p = p->next)
		nmembers = number_members(out, p->body, nmembers);
	for (struct func *f = s->funcs; f; f = f->next)
		nmembers = number_members(out, f->body, nmembers);
	for (const struct node *e = s->embedded; e; e = e->next)
		fprintf(out, "%s\n", e->str);
	emit_globals(out, s);

	/* Frames first (functions call each other in any order): declare, then define. */
	for (struct func *f = s->funcs; f; f = f->next) {
		emit_func_signature(out, f);
		fprintf(out, ";\n");
	}
	fprintf(out, "\n");
	/* TAP_FRAME_SIZE is only known after every frame is emitted; bodies use it
	   through tap_frame_size() (script.h), defined at the end of the file. */
	fprintf(out, "#define TAP_FRAME_SIZE tap_frame_size()\n\n");
	for (struct func *f = s->funcs; f; f = f->next) {
		if (f->embedded) {
			emit_func_signature(out, f);
			fprintf(out, "\n{\n%s\n}\n\n", f->embedded);
			continue;
		}
		emit_func(out, f);
	}
	int nglobals = 0, nfuncs = 0;
	for (struct sym *g = s->globals; g; g = g->next) {
		g->index = nglobals++;
		if (g->type != T_STATS)
			fprintf(out, "TAP_LOCK_INIT(lk_%s);\n", g->name);
	}
	for (struct func *f = s->funcs; f; f = f->next)
		f->index = nfuncs++;
	for (struct probe *p = s->probes; p; p = p->next) {
		emit_probe(out, p);
		emit_probe_locks(out, s, p, nglobals, nfuncs);
	}

	fprintf(out, "union tap_frame {\n\tchar none;\n");
	for (struct func *f = s->funcs; f; f = f->next)
		if (!f->embedded)
			fprintf(out, "\tstruct frame_fn_%s_%d fn_%s_%d;\n", f->name, f->nparams, f->name, f->nparams);
	for (struct probe *p = s->probes; p; p = p->next)
		fprintf(out, "\tstruct frame_probe_%d probe_%d;\n", p->index, p->index);
	fprintf(out, "};\n\nsize_t tap_frame_size(void)\n{\n"
		     "\treturn (sizeof(union tap_frame) + 15) & ~(size_t)15;\n}\n\n");

	emit_autoprint(out, s);
	fprintf(out, "const struct tap_probe tap_probes[] = {\n");
	int nsites = 0;
	for (struct site *st = sites; st; st = st->next, nsites++) {
		fprintf(out, "\t{ .handler = probe_%d, .kind = %s, .priority = %ldL, .pp = ", st->probe->index,
			st->kind, st->priority);
		emit_cstring(out, st->pp);
		fprintf(out, ", .pn = ");
		emit_cstring(out, st->pn);
		fprintf(out, ",\n\t  .lock = probe_%d_lock, .unlock = probe_%d_unlock, .period = %lldLL, "
			     ".randomize = %lldLL, .maxactive = %d, .optional = %d, .nr = %d, .pf = %d, "
			     ".entry_slots = %d, .symbol = ",
			st->probe->index, st->probe->index, (long long)st->period, (long long)st->randomize,
			st->maxactive, st->optional, st->nr, st->pf, st->probe->entry_slots);
		emit_cstring(out, st->symbol ? st->symbol : "");
		if (st->path) {
			fprintf(out, ",\n\t  .path = ");
			emit_cstring(out, st->path);
			fprintf(out, ", .offset = %lluULL, .refctr = %lluULL", (unsigned long long)st->offset,
				(unsigned long long)st->refctr);
		}
		fprintf(out, " },\n");
	}
	if (!nsites)
		fprintf(out, "\t{ .handler = NULL, .kind = TAP_PROBE_NEVER, .pp = \"\" },\n");
	fprintf(out, "};\nconst int tap_nprobes = %d;\n\n", nsites);
	/* last: their #line directives */
	for (struct probe *p = s->probes; p; p = p->next)
		emit_member_fns(out, p->body);
	for (struct func *f = s->funcs; f; f = f->next)
		emit_member_fns(out, f->body);
	fprintf(out, "#ifndef TAP_PART_SCRIPT\n#include \"tap_glue.c\"\n#endif\n");
	return diag_errors() - before;
}
