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
#include "codegen.h"
#include "diag.h"
#include "elaborate.h"
#include "parser.h"
#include "probes.h"

struct gen {
	FILE *out;             /* the current function body (a memory stream) */
	int ntemps;            /* string temporaries in the current frame */
	int nlabels;
	const char *err_label; /* where an error jumps: a catch, or the function's end */
	int in_func;
	enum type ret;
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
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 32 || c >= 127 || c == '?')
			fprintf(out, "\\%03o", c); /* octal: never runs into the next char, no trigraphs */
		else
			fputc(c, out);
	}
	fputc('"', out);
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

/* The C lvalue of a scalar variable. */
static void emit_var(struct gen *g, const struct sym *s)
{
	if (s->scope == S_GLOBAL)
		emit(g, "g_%s", s->name);
	else
		emit(g, "f->l_%s", s->name);
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

static void gen_print_value(struct gen *g, struct node *a)
{
	emit(g, a->type == T_STRING ? "tap_print_str(c, " : "tap_print_long(c, ");
	gen_expr(g, a);
	emit(g, "); ");
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
		emit(g, "tap_printf(c, ");
		emit_cstring(g->out, args->str);
		emit(g, ", ");
		gen_args_fmt(g, args->next);
		emit(g, ")");
		break;
	case B_SPRINTF:
		n->tmp = new_temp(g);
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
		emit(g, "tap_error(c, tap_strcpy(c->errbuf, ");
		gen_expr(g, args);
		emit(g, "), ");
		emit_near(g, n);
		emit(g, ")");
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
			unsupported(n, "regular expression matching");
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
		gen_expr(g, n->a);
		emit(g, ", ");
		gen_expr(g, n->b);
		if (checked) {
			emit(g, ", ");
			emit_near(g, n);
		}
		emit(g, ")");
		return;
	}
	/* Comparisons and logic yield 0 or 1 as a long. */
	emit(g, "((int64_t)(");
	gen_expr(g, n->a);
	emit(g, " %s ", op_text(n->op));
	gen_expr(g, n->b);
	emit(g, "))");
}

static void gen_expr(struct gen *g, struct node *n)
{
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
		emit(g, "((int64_t)%s(", n->op == '!' ? "!" : n->op == '~' ? "~" : n->op == '-' ? "-" : "+");
		gen_expr(g, n->a);
		emit(g, "))");
		break;
	case N_PREINC:
	case N_POSTINC:
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
	case N_IN:
		unsupported(n, "arrays");
		break;
	case N_STATS_OP:
	case N_EXTRACT:
		unsupported(n, "statistics");
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
	indent(g, depth);
	emit(g, "TAP_ACTION(c, ");
	emit_near(g, n);
	emit(g, ", %s);\n", g->err_label);
}

static void gen_check(struct gen *g, int depth)
{
	indent(g, depth);
	emit(g, "TAP_CHECK(c, %s);\n", g->err_label);
}

/* Evaluates a condition into a local C variable, stopping on an error. */
static void gen_cond(struct gen *g, struct node *cond, int depth)
{
	indent(g, depth);
	emit(g, "int64_t cond = ");
	gen_expr(g, cond);
	emit(g, ";\n");
	gen_check(g, depth);
}

static void gen_stmts(struct gen *g, struct node *n, int depth)
{
	for (; n; n = n->next)
		gen_stmt(g, n, depth);
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

static void gen_stmt(struct gen *g, struct node *n, int depth)
{
	switch (n->kind) {
	case N_BLOCK:
		gen_stmts(g, n->a, depth);
		return;
	case N_NOP:
		return;
	case N_EXPR:
		gen_action(g, n, depth);
		indent(g, depth);
		emit(g, "(void)");
		gen_expr(g, n->a);
		emit(g, ";\n");
		gen_check(g, depth);
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
		indent(g, depth);
		emit(g, "for (;;) {\n");
		gen_action(g, n, depth + 1);
		gen_cond(g, n->a, depth + 1);
		indent(g, depth + 1);
		emit(g, "if (!cond)\n");
		indent(g, depth + 2);
		emit(g, "break;\n");
		gen_stmt(g, n->b, depth + 1);
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
			gen_check(g, depth);
		}
		/* `continue` must reach the increment: it runs at the top of later rounds. */
		indent(g, depth);
		emit(g, "for (int first = 1;; first = 0) {\n");
		if (n->c) {
			indent(g, depth + 1);
			emit(g, "if (!first) {\n");
			indent(g, depth + 2);
			emit(g, "(void)");
			gen_expr(g, n->c);
			emit(g, ";\n");
			gen_check(g, depth + 2);
			indent(g, depth + 1);
			emit(g, "}\n");
		} else {
			indent(g, depth + 1);
			emit(g, "(void)first;\n");
		}
		gen_action(g, n, depth + 1);
		if (n->b) {
			gen_cond(g, n->b, depth + 1);
			indent(g, depth + 1);
			emit(g, "if (!cond)\n");
			indent(g, depth + 2);
			emit(g, "break;\n");
		}
		gen_stmt(g, n->d, depth + 1);
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
		if (n->a->kind != N_VAR || n->a->sym->is_array || n->a->sym->type == T_STATS) {
			unsupported(n, "delete of arrays and statistics");
			return;
		}
		indent(g, depth);
		if (n->a->sym->type == T_STRING) {
			emit_var(g, n->a->sym);
			emit(g, "[0] = '\\0';\n");
		} else {
			emit_var(g, n->a->sym);
			emit(g, " = 0;\n");
		}
		return;
	case N_TRY:
		gen_try(g, n, depth);
		return;
	case N_FOREACH:
		unsupported(n, "foreach");
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
		emit_c_type_field(out, p, "l_");
	for (const struct sym *l = locals; l; l = l->next)
		emit_c_type_field(out, l, "l_");
	fprintf(out, "\tchar locals_end[0];\n");
	for (int i = 0; i < ntemps; i++)
		fprintf(out, "\tchar t%d[MAXSTRINGLEN];\n", i);
	fprintf(out, "};\n\n");
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
	struct body b = gen_body(f->body, 1, f->ret);
	emit_frame(out, name, f->params, f->locals, b.ntemps);
	emit_func_signature(out, f);
	fprintf(out, "\n{\n");
	if (f->ret == T_LONG)
		fprintf(out, "\tint64_t ret = 0;\n");
	fprintf(out, "\tstruct frame_%s *f;\n", name);
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
		else
			fprintf(out, "\tf->l_%s = a_%s;\n", p->name, p->name);
	}
	fwrite(b.text, 1, b.len, out);
	fprintf(out, "tap_out: __attribute__((unused));\n\tc->depth--;\n");
	if (f->ret == T_LONG)
		fprintf(out, "\treturn ret;\n");
	fprintf(out, "}\n\n");
	free(b.text);
	free(name);
}

static void emit_probe(FILE *out, struct probe *p)
{
	char *name = xasprintf("probe_%d", p->index);
	struct body b = gen_body(p->body, 0, T_VOID);
	emit_frame(out, name, NULL, p->locals, b.ntemps);
	fprintf(out, "static void %s(struct tap_ctx *c)\n{\n", name);
	fprintf(out, "\tstruct frame_%s *f = (struct frame_%s *)c->frames;\n", name, name);
	fprintf(out, "\tmemset(f, 0, offsetof(struct frame_%s, locals_end));\n", name);
	fwrite(b.text, 1, b.len, out);
	fprintf(out, "tap_out: __attribute__((unused));\n\t(void)f;\n}\n\n");
	free(b.text);
	free(name);
}

static void emit_globals(FILE *out, const struct script *s)
{
	for (const struct sym *g = s->globals; g; g = g->next) {
		if (g->is_array || g->type == T_STATS) {
			diag_error(g->loc, "global arrays and statistics are not supported yet");
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
	fprintf(out, "\n");
}

/* SystemTap prints globals that are written but never read when the script ends. */
static void emit_autoprint(FILE *out, const struct script *s)
{
	fprintf(out, "static void tap_autoprint(struct tap_ctx *c)\n{\n");
	for (const struct sym *g = s->globals; g; g = g->next) {
		if (!g->written || g->read || g->is_array || g->type == T_STATS)
			continue;
		if (g->type == T_STRING)
			fprintf(out, "\ttap_printf(c, \"%s=\\\"%%s\\\"\\n\", (const struct tap_fmt_arg[]){ { 1, 0, g_%s } }, 1);\n",
				g->name, g->name);
		else
			fprintf(out, "\ttap_printf(c, \"%s=%%d\\n\", (const struct tap_fmt_arg[]){ { 0, g_%s, NULL } }, 1);\n",
				g->name, g->name);
	}
	fprintf(out, "\t(void)c;\n}\n\n");
}

int codegen(FILE *out, struct script *s, const struct codegen_options *opt)
{
	int before = diag_errors();
	struct site *sites = s->sites;
	int i = 0;
	for (struct probe *p = s->probes; p; p = p->next)
		p->index = i++;

	fprintf(out, "/* Generated by tapc. */\n");
	for (const struct define *d = opt->defines; d; d = d->next)
		fprintf(out, "#define %s %s\n", d->name, d->value);
	fprintf(out, "#include \"tap_runtime.h\"\n\n");
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
	   through a function-like macro resolved at the end of the file. */
	fprintf(out, "static size_t tap_frame_size(void);\n#define TAP_FRAME_SIZE tap_frame_size()\n\n");
	for (struct func *f = s->funcs; f; f = f->next) {
		if (f->embedded) {
			emit_func_signature(out, f);
			fprintf(out, "\n{\n%s\n}\n\n", f->embedded);
			continue;
		}
		emit_func(out, f);
	}
	for (struct probe *p = s->probes; p; p = p->next)
		emit_probe(out, p);

	fprintf(out, "union tap_frame {\n\tchar none;\n");
	for (struct func *f = s->funcs; f; f = f->next)
		if (!f->embedded)
			fprintf(out, "\tstruct frame_fn_%s_%d fn_%s_%d;\n", f->name, f->nparams, f->name, f->nparams);
	for (struct probe *p = s->probes; p; p = p->next)
		fprintf(out, "\tstruct frame_probe_%d probe_%d;\n", p->index, p->index);
	fprintf(out, "};\n\nstatic size_t tap_frame_size(void)\n{\n"
		     "\treturn (sizeof(union tap_frame) + 15) & ~(size_t)15;\n}\n\n");

	emit_autoprint(out, s);
	fprintf(out, "static const struct tap_probe tap_probes[] = {\n");
	int nsites = 0;
	for (struct site *st = sites; st; st = st->next, nsites++) {
		fprintf(out, "\t{ probe_%d, %s, %ldL, ", st->probe->index, st->kind, st->priority);
		emit_cstring(out, st->pp);
		fprintf(out, " },\n");
	}
	if (!nsites)
		fprintf(out, "\t{ NULL, TAP_PROBE_NEVER, 0, \"\" },\n");
	fprintf(out, "};\n#define TAP_NPROBES %d\n\n", nsites);
	fprintf(out, "#include \"tap_glue.c\"\n");
	return diag_errors() - before;
}
