/* AST construction helpers and the pass-1 pretty printer. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "ast.h"
#include "parser.h"

/* The front end never frees what it allocates: tapc runs once and exits.  A
   program that runs it many times (the parser fuzzer) can collect every xcalloc
   block of one run and free them all at the end.  Nothing may free() such a block
   itself, nor keep a pointer to one past ast_arena_end(). */
static struct {
	int on;
	void **v;
	size_t n, room;
} arena;

void ast_arena_begin(void)
{
	arena.on = 1;
}

void ast_arena_end(void)
{
	for (size_t i = 0; i < arena.n; i++)
		free(arena.v[i]);
	free(arena.v);
	arena.v = NULL;
	arena.n = arena.room = 0;
	arena.on = 0;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) {
		fputs("tapc: out of memory\n", stderr);
		exit(1);
	}
	if (arena.on) {
		if (arena.n == arena.room) {
			arena.room = arena.room ? 2 * arena.room : 1024;
			arena.v = realloc(arena.v, arena.room * sizeof *arena.v);
			if (!arena.v) {
				fputs("tapc: out of memory\n", stderr);
				exit(1);
			}
		}
		arena.v[arena.n++] = p;
	}
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xcalloc(n, 1), s, n);
}

/* A whole regular file, NUL-terminated, in one xcalloc block (so the fuzzer's
   arena may free it); NULL if it cannot be opened. */
char *xread_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = xcalloc(n > 0 ? (size_t)n + 1 : 1, 1);
	size_t got = n > 0 ? fread(buf, 1, (size_t)n, f) : 0;
	buf[got] = '\0';
	fclose(f);
	if (len)
		*len = got;
	return buf;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = xcalloc((size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

struct node *node_new(enum node_kind kind, struct loc loc)
{
	struct node *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->loc = loc;
	n->tmp = -1;
	return n;
}

struct node *list_append(struct node *list, struct node *item)
{
	if (!list)
		return item;
	struct node *p = list;
	while (p->next)
		p = p->next;
	p->next = item;
	return list;
}

int list_length(const struct node *list)
{
	int n = 0;
	for (; list; list = list->next)
		n++;
	return n;
}

struct sym *sym_new(const char *name, enum sym_scope scope, struct loc loc)
{
	struct sym *s = xcalloc(1, sizeof *s);
	s->name = xstrdup(name);
	s->scope = scope;
	s->loc = loc;
	s->nkeys = -1;
	return s;
}

const char *type_name(enum type t)
{
	switch (t) {
	case T_LONG: return "long";
	case T_STRING: return "string";
	case T_STATS: return "stats";
	case T_VOID: return "void";
	default: return "unknown";
	}
}

/* ---- pretty printer: every compound expression is parenthesized ---- */

static void print_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (c < 32 || c == 127)
				fprintf(out, "\\%03o", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static void print_expr(FILE *out, const struct node *n);

static void print_list(FILE *out, const struct node *n)
{
	for (; n; n = n->next) {
		print_expr(out, n);
		if (n->next)
			fputs(", ", out);
	}
}

static void print_expr(FILE *out, const struct node *n)
{
	switch (n->kind) {
	case N_NUM:
		fprintf(out, "%lld", (long long)n->num);
		break;
	case N_STR:
		print_string(out, n->str);
		break;
	case N_VAR:
		fputs(n->str, out);
		break;
	case N_TARGET:
		/* a chain: the base, then [index] or ->member (the end of str) */
		if (!n->a) {
			fputs(n->str, out);
		} else if (n->b) {
			print_expr(out, n->a);
			fputc('[', out);
			print_expr(out, n->b);
			fputc(']', out);
		} else {
			print_expr(out, n->a);
			fprintf(out, "->%s", (const char *)n->ext);
		}
		break;
	case N_INDEX:
		fprintf(out, "%s[", n->str);
		print_list(out, n->a);
		fputc(']', out);
		break;
	case N_CALL:
		fprintf(out, "%s(", n->str);
		print_list(out, n->a);
		fputc(')', out);
		break;
	case N_EXTRACT:
		fprintf(out, "@%s(", n->str);
		print_list(out, n->a);
		fputc(')', out);
		break;
	case N_UNARY:
	case N_PREINC:
		fprintf(out, "(%s", op_text(n->op));
		print_expr(out, n->a);
		fputc(')', out);
		break;
	case N_POSTINC:
		fputc('(', out);
		print_expr(out, n->a);
		fprintf(out, "%s)", op_text(n->op));
		break;
	case N_BINARY:
	case N_ASSIGN:
	case N_STATS_OP:
		fputc('(', out);
		print_expr(out, n->a);
		fprintf(out, " %s ", op_text(n->op));
		print_expr(out, n->b);
		fputc(')', out);
		break;
	case N_TERNARY:
		fputc('(', out);
		print_expr(out, n->a);
		fputs(" ? ", out);
		print_expr(out, n->b);
		fputs(" : ", out);
		print_expr(out, n->c);
		fputc(')', out);
		break;
	case N_WILDCARD:
		fputc('*', out);
		break;
	case N_IN:
		fputs("([", out);
		print_list(out, n->a);
		fprintf(out, "] in %s)", n->str);
		break;
	default:
		fputs("/* ? */", out);
	}
}

static void indent(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", out);
}

static void print_stmt(FILE *out, const struct node *n, int depth);

static void print_block(FILE *out, const struct node *n, int depth)
{
	fputs("{\n", out);
	for (const struct node *s = n->a; s; s = s->next)
		print_stmt(out, s, depth + 1);
	indent(out, depth);
	fputs("}", out);
}

static void print_sort(FILE *out, int dir)
{
	if (dir > 0)
		fputc('+', out);
	else if (dir < 0)
		fputc('-', out);
}

static void print_stmt(FILE *out, const struct node *n, int depth)
{
	indent(out, depth);
	switch (n->kind) {
	case N_BLOCK:
		print_block(out, n, depth);
		break;
	case N_EXPR:
		print_expr(out, n->a);
		fputc(';', out); /* so that a following empty statement stays one */
		break;
	case N_NOP:
		fputs(";", out);
		break;
	case N_IF:
		fputs("if (", out);
		print_expr(out, n->a);
		fputs(")\n", out);
		print_stmt(out, n->b, depth + 1);
		if (n->c) {
			indent(out, depth);
			fputs("else\n", out);
			print_stmt(out, n->c, depth + 1);
		}
		return;
	case N_WHILE:
		fputs("while (", out);
		print_expr(out, n->a);
		fputs(")\n", out);
		print_stmt(out, n->b, depth + 1);
		return;
	case N_FOR:
		fputs("for (", out);
		if (n->a)
			print_expr(out, n->a);
		fputs("; ", out);
		if (n->b)
			print_expr(out, n->b);
		fputs("; ", out);
		if (n->c)
			print_expr(out, n->c);
		fputs(")\n", out);
		print_stmt(out, n->d, depth + 1);
		return;
	case N_FOREACH: {
		const struct foreach_info *f = n->ext;
		fputs("foreach (", out);
		if (f->value)
			fprintf(out, "%s = ", f->value->str);
		fputc('[', out);
		int col = 1;
		for (const struct node *k = f->keys; k; k = k->next, col++) {
			fputs(k->str, out);
			if (f->sort_column == col)
				print_sort(out, f->sort_dir);
			if (k->next)
				fputs(", ", out);
		}
		fprintf(out, "] in %s", f->array);
		if (f->slice) {
			fputc('[', out);
			print_list(out, f->slice);
			fputc(']', out);
		}
		if (f->sort_agg)
			fprintf(out, " @%s", f->sort_agg);
		if (f->sort_column == -1)
			print_sort(out, f->sort_dir);
		if (f->limit) {
			fputs(" limit ", out);
			print_expr(out, f->limit);
		}
		fputs(")\n", out);
		print_stmt(out, f->body, depth + 1);
		return;
	}
	case N_BREAK:
	case N_CONTINUE:
	case N_NEXT:
		fprintf(out, "%s;", n->tok);
		break;
	case N_RETURN:
		fputs("return", out);
		if (n->a) {
			fputc(' ', out);
			print_expr(out, n->a);
		}
		fputc(';', out);
		break;
	case N_DELETE:
		fputs("delete ", out);
		print_expr(out, n->a);
		fputc(';', out);
		break;
	case N_TRY:
		fputs("try ", out);
		print_block(out, n->a, depth);
		fputs(" catch ", out);
		if (n->str)
			fprintf(out, "(%s) ", n->str);
		print_block(out, n->b, depth);
		break;
	default:
		fputs("/* ? */", out);
	}
	fputs("\n", out);
}

static void print_point(FILE *out, const struct probe_point *pp)
{
	for (const struct probe_comp *c = pp->comps; c; c = c->next) {
		fputs(c->name, out);
		if (c->arg) {
			fputc('(', out);
			print_expr(out, c->arg);
			fputc(')', out);
		}
		if (c->next)
			fputc('.', out);
	}
	if (pp->sufficient)
		fputc('!', out);
	else if (pp->optional)
		fputc('?', out);
}

static void print_embedded(FILE *out, const char *code)
{
	fprintf(out, "%%{%s%%}", code);
}

void ast_print(FILE *out, const struct script *s)
{
	for (const struct node *e = s->embedded; e; e = e->next) {
		print_embedded(out, e->str);
		fputc('\n', out);
	}
	for (const struct sym *g = s->globals; g; g = g->next) {
		fprintf(out, "%sglobal %s", g->is_private ? "private " : "", g->name);
		if (g->wrap)
			fputc('%', out);
		if (g->size)
			fprintf(out, "[%lld]", (long long)g->size);
		if (g->init) {
			fputs(" = ", out);
			print_expr(out, g->init);
		}
		fputc('\n', out);
	}
	for (const struct func *f = s->funcs; f; f = f->next) {
		fprintf(out, "function %s", f->name);
		if (f->ret == T_LONG || f->ret == T_STRING)
			fprintf(out, ":%s", type_name(f->ret));
		fputs(" (", out);
		for (const struct sym *p = f->params; p; p = p->next) {
			fputs(p->name, out);
			if (p->type == T_LONG || p->type == T_STRING)
				fprintf(out, ":%s", type_name(p->type));
			if (p->next)
				fputs(", ", out);
		}
		fputs(") ", out);
		if (f->embedded)
			print_embedded(out, f->embedded);
		else
			print_block(out, f->body, 0);
		fputc('\n', out);
	}
	for (const struct probe *p = s->probes; p; p = p->next) {
		fputs("probe ", out);
		if (p->alias_kind) {
			print_point(out, p->alias);
			fputs(p->alias_kind == 1 ? " = " : " += ", out);
		}
		for (const struct probe_point *pp = p->points; pp; pp = pp->next) {
			print_point(out, pp);
			if (pp->next)
				fputs(", ", out);
		}
		if (p->cond) {
			fputs(" if (", out);
			print_expr(out, p->cond);
			fputc(')', out);
		}
		fputc(' ', out);
		print_block(out, p->body, 0);
		fputc('\n', out);
	}
}

/* ---- deep copies, for probe bodies instantiated more than once (aliases) ---- */

struct node *node_clone(const struct node *n)
{
	if (!n)
		return NULL;
	struct node *c = xcalloc(1, sizeof *c);
	*c = *n;
	c->a = node_clone(n->a);
	c->b = node_clone(n->b);
	c->c = node_clone(n->c);
	c->d = node_clone(n->d);
	c->next = node_clone(n->next);
	c->sym = NULL;
	c->fn = NULL;
	c->type = T_UNKNOWN;
	c->tmp = -1;
	if (n->kind == N_FOREACH && n->ext) {
		const struct foreach_info *f = n->ext;
		struct foreach_info *g = xcalloc(1, sizeof *g);
		*g = *f;
		g->keys = node_clone(f->keys);
		g->value = node_clone(f->value);
		g->limit = node_clone(f->limit);
		g->slice = node_clone(f->slice);
		g->body = node_clone(f->body);
		g->array_sym = NULL;
		c->ext = g;
	} else if (n->kind == N_CALL) {
		c->ext = NULL;
		c->num = 0;
	}
	return c;
}

struct probe_point *point_clone(const struct probe_point *pp)
{
	if (!pp)
		return NULL;
	struct probe_point *c = xcalloc(1, sizeof *c);
	*c = *pp;
	struct probe_comp **tail = &c->comps;
	for (const struct probe_comp *k = pp->comps; k; k = k->next) {
		struct probe_comp *kc = xcalloc(1, sizeof *kc);
		*kc = *k;
		kc->arg = node_clone(k->arg);
		kc->next = NULL;
		*tail = kc;
		tail = &kc->next;
	}
	c->next = point_clone(pp->next);
	return c;
}

struct sym *syms_clone(const struct sym *s)
{
	if (!s)
		return NULL;
	struct sym *c = xcalloc(1, sizeof *c);
	*c = *s;
	c->init = node_clone(s->init);
	c->next = syms_clone(s->next);
	return c;
}

struct func *func_clone(const struct func *f)
{
	struct func *c = xcalloc(1, sizeof *c);
	*c = *f;
	c->params = syms_clone(f->params);
	c->body = node_clone(f->body);
	c->locals = NULL;
	c->next = NULL;
	return c;
}

struct probe *probe_clone(const struct probe *p)
{
	struct probe *c = xcalloc(1, sizeof *c);
	*c = *p;
	c->points = point_clone(p->points);
	c->cond = node_clone(p->cond);
	c->body = node_clone(p->body);
	c->locals = syms_clone(p->locals);
	c->next = NULL;
	return c;
}
