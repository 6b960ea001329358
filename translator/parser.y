/* Pass 1, grammar: SystemTap's script language into the AST of ast.h.
   Statement separators are optional, as in SystemTap; the shift/reduce
   conflicts this causes all resolve to the longest expression. */
%define api.pure full
%locations
%define parse.error verbose
%expect 35

%code requires {
#include "ast.h"
typedef struct YYLTYPE {
	int first_line, first_column, last_line, last_column;
	const char *file;
} YYLTYPE;
#define YYLTYPE_IS_DECLARED 1
struct fn_body { struct node *block; char *embedded; };
#define YYLTYPE_IS_TRIVIAL 1
#define YYLLOC_DEFAULT(Cur, Rhs, N) do { \
	if (N) { \
		(Cur).file = YYRHSLOC(Rhs, 1).file; \
		(Cur).first_line = YYRHSLOC(Rhs, 1).first_line; \
		(Cur).first_column = YYRHSLOC(Rhs, 1).first_column; \
		(Cur).last_line = YYRHSLOC(Rhs, N).last_line; \
		(Cur).last_column = YYRHSLOC(Rhs, N).last_column; \
	} else { \
		(Cur) = YYRHSLOC(Rhs, 0); \
		(Cur).first_line = (Cur).last_line; \
		(Cur).first_column = (Cur).last_column; \
	} } while (0)
}

%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc);
}

%parse-param { struct script *script }

%code {
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "format.h"
#include "parse.h"

static void yyerror(YYLTYPE *l, struct script *s, const char *msg);

static struct loc L(YYLTYPE l)
{
	struct loc loc = { l.file, l.first_line, l.first_column };
	return loc;
}

/* A node that reports itself "near operator 'op'" at the operator. */
static struct node *op_node(enum node_kind k, YYLTYPE at, int op, struct node *a, struct node *b)
{
	struct node *n = node_new(k, L(at));
	n->op = op;
	n->tok_kind = TK_OPERATOR;
	n->tok = op_text(op);
	n->a = a;
	n->b = b;
	return n;
}

static struct node *kw_node(enum node_kind k, YYLTYPE at, const char *kw)
{
	struct node *n = node_new(k, L(at));
	n->tok_kind = TK_KEYWORD;
	n->tok = kw;
	return n;
}

static struct node *ident_node(enum node_kind k, YYLTYPE at, char *name)
{
	struct node *n = node_new(k, L(at));
	n->tok_kind = TK_IDENT;
	n->tok = name;
	n->str = name;
	return n;
}

static struct probe_comp *comp_new(char *name, struct node *arg)
{
	struct probe_comp *c = xcalloc(1, sizeof *c);
	c->name = name;
	c->arg = arg;
	return c;
}

static void add_global(struct script *s, struct sym *g)
{
	struct sym **p = &s->globals;
	for (; *p; p = &(*p)->next)
		if ((*p)->loc.file == g->loc.file && !strcmp((*p)->name, g->name)) {
			diag_error(g->loc, "duplicate global '%s'", g->name);
			return;
		}
	*p = g;
}

static void add_probe(struct script *s, struct probe *pr)
{
	struct probe **p = &s->probes;
	while (*p)
		p = &(*p)->next;
	*p = pr;
}

static void add_func(struct script *s, struct func *f)
{
	struct func **p = &s->funcs;
	while (*p)
		p = &(*p)->next;
	*p = f;
}

/* The foreach being parsed; a nested foreach saves and restores it. */
static struct foreach_info *fe;

static struct node *string_node(YYLTYPE at, char *s)
{
	struct node *n = node_new(N_STR, L(at));
	n->str = s;
	n->tok_kind = TK_STRING;
	n->tok = s;
	return n;
}

/* $var->member and $var[index]: str holds the whole text (for messages); a is the
   base, b the index expression; ext the member name.  SystemTap also takes
   ->member after a local (an auto-cast pointer), a call or @cast(...). */
static struct node *target_node(YYLTYPE at, struct node *base, const char *member, struct node *index)
{
	struct node *n = node_new(N_TARGET, L(at));
	const char *what = base->str ? base->str : "@cast(...)";
	if (base->kind == N_CALL || base->kind == N_EXTRACT)
		what = xasprintf("%s%s(...)", base->kind == N_EXTRACT ? "@" : "", base->str);
	n->tok_kind = TK_IDENT;
	n->str = member ? xasprintf("%s->%s", what, member) : xasprintf("%s[...]", what);
	n->tok = n->str;
	n->a = base;
	n->b = index;
	n->ext = member ? xstrdup(member) : NULL;
	return n;
}

/* Brace expansion: every point of a times every point of b, components joined. */
static struct probe_point *points_cross(struct probe_point *a, struct probe_point *b)
{
	struct probe_point *out = NULL, **tail = &out;
	for (struct probe_point *x = a; x; x = x->next)
		for (struct probe_point *y = b; y; y = y->next) {
			struct probe_point xc = *x, yc = *y;
			xc.next = yc.next = NULL;
			struct probe_point *n = point_clone(&xc), *m = point_clone(&yc);
			struct probe_comp **c = &n->comps;
			while (*c)
				c = &(*c)->next;
			*c = m->comps;
			n->optional |= m->optional;
			n->sufficient |= m->sufficient;
			*tail = n;
			tail = &n->next;
		}
	return out;
}

static struct probe_point *points_append(struct probe_point *a, struct probe_point *b)
{
	struct probe_point **p = &a;
	while (*p)
		p = &(*p)->next;
	*p = b;
	return a;
}

static void check_tree(const struct node *n, const struct node *parent, int in_function);

/* A probe whose points carry their own conditions (probe a if (x), b) becomes one
   probe per point, each with its point's condition and a copy of the body. */
static void add_probe_points(struct script *s, struct probe_point *points, struct node *body, YYLTYPE at)
{
	int conds = 0;
	for (struct probe_point *pp = points; pp; pp = pp->next)
		conds |= pp->cond != NULL;
	struct probe *p = xcalloc(1, sizeof *p);
	p->points = points; p->body = body; p->loc = L(at);
	check_tree(p->body, NULL, 0);
	if (!conds) {
		add_probe(s, p);
		return;
	}
	for (struct probe_point *pp = points, *next; pp; pp = next) {
		next = pp->next;
		struct probe *q = xcalloc(1, sizeof *q);
		*q = *p;
		pp->next = NULL;
		q->points = pp;
		q->cond = pp->cond;
		pp->cond = NULL;
		check_tree(q->cond, NULL, 0);
		q->body = pp == points ? body : node_clone(body);
		add_probe(s, q);
	}
	/* p was only a template: like every AST block it stays (the fuzzer's arena frees it) */
}

int parse_embedded_ok;

/* SystemTap refuses embedded C in an ordinary script already while parsing. */
static void check_embedded(YYLTYPE at)
{
	if (!parse_embedded_ok)
		diag_error(L(at), "embedded code in unprivileged script; need stap -g");
}

static int is_call(const struct node *n, const char *name)
{
	return n && n->kind == N_CALL && !strcmp(n->str, name);
}

/* What SystemTap's parser checks about the print operators and statistics
   extractors, and that return only appears in functions.  parent is the node
   whose operand n is (NULL for a statement). */
static void check_tree(const struct node *n, const struct node *parent, int in_function)
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case N_RETURN:
			if (!in_function)
				diag_error(n->loc, "found 'return' not in function context");
			break;
		case N_EXTRACT:
			if (!strncmp(n->str, "hist_", 5) && !((is_call(parent, "print") || is_call(parent, "println")) &&
							      list_length(parent->a) == 1))
				diag_error(n->loc, "@%s can only be printed, with print or println and nothing else",
					   n->str);
			break;
		default:
			break;
		}
		if (n->kind == N_FOREACH) {
			const struct foreach_info *f = n->ext;
			check_tree(f->slice, NULL, in_function);
			check_tree(f->limit, NULL, in_function);
			check_tree(f->body, NULL, in_function);
		}
		check_tree(n->a, n, in_function);
		check_tree(n->b, n, in_function);
		check_tree(n->c, n, in_function);
		check_tree(n->d, n, in_function);
	}
}

/* The print operators take their format or delimiter as a literal string, checked here. */
static void check_print_call(const struct node *n)
{
	const struct node *first = n->a;
	int nargs = list_length(n->a);
	int fmt = !strcmp(n->str, "printf") || !strcmp(n->str, "sprintf");
	int delim = !strcmp(n->str, "printd") || !strcmp(n->str, "printdln");
	if (!strcmp(n->str, "print") && nargs == 0)
		diag_error(n->loc, "print needs at least one value");
	if (!fmt && !delim)
		return;
	if (!first || first->kind != N_STR) {
		diag_error(first ? first->loc : n->loc, "%s requires a literal %s string as its first argument", n->str,
			   fmt ? "format" : "delimiter");
		return;
	}
	if (fmt) {
		int pos;
		const char *msg;
		if (tap_format_check(first->str, NULL, 0, &pos, &msg) < 0)
			diag_error(first->loc, "invalid format string: %s", msg);
	} else if (nargs < 3) {
		diag_error(n->loc, "%s needs a delimiter and at least two values", n->str);
	}
}

/* The literal numbers after the statistic (a '-' in front of one is part of it). */
static void check_literal_args(struct node *n, const char *msg)
{
	for (struct node *a = n->a->next; a; a = a->next) {
		if (a->kind == N_UNARY && a->op == '-' && a->a->kind == N_NUM) {
			a->kind = N_NUM;
			a->num = (int64_t)(0 - (uint64_t)a->a->num);
			a->tok_kind = TK_NUMBER;
			a->tok = xasprintf("%lld", (long long)a->num);
			a->a = NULL;
		}
		if (a->kind != N_NUM)
			diag_error(a->loc, "%s", msg);
	}
}

/* @count(s) and the like take one operand; @hist_linear(s, start, stop, interval) takes
   three literal numbers after it, @variance(s, shift) an optional literal bit shift. */
static void check_extractor(struct node *n)
{
	int nargs = list_length(n->a);
	if (!strcmp(n->str, "hist_linear")) {
		if (nargs != 4) {
			diag_error(n->loc, "@hist_linear takes a statistic and three numbers: start, stop, interval");
			return;
		}
		check_literal_args(n, "histogram parameters must be literal numbers");
	} else if (!strcmp(n->str, "variance") && nargs == 2) {
		check_literal_args(n, "expected number: @variance's bit shift is a literal number");
	} else if (!strcmp(n->str, "variance") && nargs > 2) {
		diag_error(n->loc, "@variance: not more than 2 parameters allowed");
	} else if (nargs != 1 && (!strcmp(n->str, "count") || !strcmp(n->str, "sum") || !strcmp(n->str, "min") ||
				  !strcmp(n->str, "max") || !strcmp(n->str, "avg") || !strcmp(n->str, "hist_log"))) {
		diag_error(n->loc, "@%s takes one argument", n->str);
	}
}
}

%union {
	int64_t num;
	char *str;
	struct node *node;
	struct sym *sym;
	struct probe_point *point;
	struct probe_comp *comp;
	struct func *func;
	struct fn_body body;
	struct foreach_info *fe;
	int i;
}

%token <num> NUMBER
%token <str> STRING IDENT TARGET AT_IDENT EMBEDDED
%token <str> PROBE GLOBAL PRIVATE FUNCTION IF ELSE FOR FOREACH IN LIMIT RETURN DELETE
%token <str> WHILE BREAK CONTINUE NEXT TRY CATCH LONG STRINGKW
%token INC DEC ADDEQ SUBEQ MULEQ DIVEQ MODEQ SHLEQ SHREQ ANDEQ OREQ XOREQ CATEQ
%token LSHIFT RSHIFT URSHIFT EQ NE LE GE ANDAND OROR MATCH NOMATCH STATSOP ARROW

%right '=' ADDEQ SUBEQ MULEQ DIVEQ MODEQ SHLEQ SHREQ ANDEQ OREQ XOREQ CATEQ STATSOP
%right '?' ':'
%left OROR
%left ANDAND
%left '|'
%left '^'
%left '&'
%left IN
%left EQ NE '<' '>' LE GE MATCH NOMATCH
%left LSHIFT RSHIFT URSHIFT
%left '.'
%left '+' '-'
%left '*' '/' '%'
%right UNARY '!' '~'
%left INC DEC
%nonassoc THEN
%nonassoc ELSE

%type <node> expr opt_expr args arglist literal block stmts stmt simple_stmt fvar fvar_list
%type <node> opt_limit target strlit call keylist key opt_slice
%type <sym> global_item global_list params param_list param
%type <point> probe_points probe_point comps comp_alt
%type <comp> comp
%type <str> compname namepart member
%type <i> type opt_type opt_sort sort
%type <func> funcdecl
%type <node> opt_cond
%type <body> fn_body_block

%%

file
	: %empty
	| file decl
	;

decl
	: global_decl
	| global_decl ';'
	| funcdecl { add_func(script, $1); }
	| PRIVATE funcdecl { add_func(script, $2); }
	| PROBE probe_points block { add_probe_points(script, $2, $3, @1); }
	| PROBE probe_point '=' probe_points block {
		struct probe *p = xcalloc(1, sizeof *p);
		p->alias_kind = 1; p->alias = $2; p->points = $4; p->body = $5; p->loc = L(@1);
		check_tree(p->body, NULL, 0);
		add_probe(script, p);
	  }
	| PROBE probe_point ADDEQ probe_points block {
		struct probe *p = xcalloc(1, sizeof *p);
		p->alias_kind = 2; p->alias = $2; p->points = $4; p->body = $5; p->loc = L(@1);
		check_tree(p->body, NULL, 0);
		add_probe(script, p);
	  }
	| EMBEDDED {
		struct node *e = node_new(N_STR, L(@1)); e->str = $1; script->embedded = list_append(script->embedded, e);
		check_embedded(@1);
	  }
	;

/* A ';' may follow a global declaration, and nothing else at the top level. */
global_decl
	: GLOBAL global_list { for (struct sym *g = $2, *n; g; g = n) { n = g->next; g->next = NULL; add_global(script, g); } }
	| PRIVATE GLOBAL global_list { for (struct sym *g = $3, *n; g; g = n) { n = g->next; g->next = NULL; g->is_private = 1; add_global(script, g); } }
	;

funcdecl
	: FUNCTION IDENT opt_type '(' params ')' fn_body_block[body] {
		struct func *f = xcalloc(1, sizeof *f);
		f->name = $2; f->ret = $3; f->params = $5; f->loc = L(@2);
		for (struct sym *p = $5; p; p = p->next) f->nparams++;
		if ($body.embedded) f->embedded = $body.embedded; else f->body = $body.block;
		check_tree(f->body, NULL, 1);
		$$ = f;
	  }
	;

fn_body_block
	: block { $$.block = $1; $$.embedded = NULL; }
	| EMBEDDED { $$.block = NULL; $$.embedded = $1; check_embedded(@1); }
	;

global_list
	: global_item
	| global_list ',' global_item { struct sym **p = &$1; while (*p) p = &(*p)->next; *p = $3; $$ = $1; }
	;

global_item
	: IDENT { $$ = sym_new($1, S_GLOBAL, L(@1)); }
	| IDENT '=' literal { $$ = sym_new($1, S_GLOBAL, L(@1)); $$->init = $3; }
	| IDENT '[' NUMBER ']' {
		$$ = sym_new($1, S_GLOBAL, L(@1)); $$->is_array = 1; $$->size = $3;
		if ($3 < 1 || $3 > INT32_MAX) diag_error(L(@3), "array size out of range");
	  }
	| IDENT '%' { $$ = sym_new($1, S_GLOBAL, L(@1)); $$->is_array = 1; $$->wrap = 1; }
	| IDENT '%' '[' NUMBER ']' {
		$$ = sym_new($1, S_GLOBAL, L(@1)); $$->is_array = 1; $$->size = $4; $$->wrap = 1;
		if ($4 < 1 || $4 > INT32_MAX) diag_error(L(@4), "array size out of range");
	  }
	;

literal
	: NUMBER { $$ = node_new(N_NUM, L(@1)); $$->num = $1; $$->tok_kind = TK_NUMBER; }
	| '-' NUMBER { $$ = node_new(N_NUM, L(@1)); $$->num = (int64_t)(0 - (uint64_t)$2); $$->tok_kind = TK_NUMBER; }
	| strlit
	;

/* Adjacent string literals are one string, as in C. */
strlit
	: STRING { $$ = string_node(@1, $1); }
	| strlit STRING { $$ = $1; $$->str = xasprintf("%s%s", $1->str, $2); $$->tok = $$->str; }
	;

opt_type
	: %empty { $$ = T_UNKNOWN; }
	| ':' type { $$ = $2; }
	;

type
	: LONG { $$ = T_LONG; }
	| STRINGKW { $$ = T_STRING; }
	;

params
	: %empty { $$ = NULL; }
	| param_list
	| param_list ',' /* SystemTap allows a trailing comma here */
	;

param_list
	: param
	| param_list ',' param {
		struct sym **p = &$1;
		for (; *p; p = &(*p)->next)
			if (!strcmp((*p)->name, $3->name))
				diag_error($3->loc, "duplicate parameter '%s'", $3->name);
		*p = $3; $$ = $1;
	  }
	;

param
	: IDENT opt_type { $$ = sym_new($1, S_PARAM, L(@1)); $$->type = $2; }
	;

probe_points
	: probe_point
	| probe_points ',' probe_point { $$ = points_append($1, $3); }
	;

/* A point may stand for several (brace expansion); each may have its own condition. */
probe_point
	: comps opt_cond { $$ = $1; for (struct probe_point *p = $$; p; p = p->next) p->cond = $2 ? node_clone($2) : NULL; }
	| comps '?' opt_cond {
		$$ = $1;
		for (struct probe_point *p = $$; p; p = p->next) { p->optional = 1; p->cond = $3 ? node_clone($3) : NULL; }
	  }
	| comps '!' opt_cond {
		$$ = $1;
		for (struct probe_point *p = $$; p; p = p->next) {
			p->optional = p->sufficient = 1; p->cond = $3 ? node_clone($3) : NULL;
		}
	  }
	;

comps
	: comp_alt
	| comps '.' comp_alt { $$ = points_cross($1, $3); }
	;

comp_alt
	: comp { $$ = xcalloc(1, sizeof *$$); $$->comps = $1; $$->loc = L(@1); }
	| '{' probe_points '}' { $$ = $2; }
	;

comp
	: compname { $$ = comp_new($1, NULL); }
	| compname '(' literal ')' { $$ = comp_new($1, $3); }
	;

compname
	: namepart
	| compname namepart { $$ = xasprintf("%s%s", $1, $2); }
	;

namepart
	: IDENT
	| '*' { $$ = xstrdup("*"); }
	| RETURN
	| FUNCTION
	| NEXT
	| LONG
	| STRINGKW
	| DELETE
	| LIMIT
	| IN
	;

/* A struct member may be named like a keyword. */
member
	: IDENT | PROBE | GLOBAL | PRIVATE | FUNCTION | IF | ELSE | FOR | FOREACH | IN | LIMIT | RETURN
	| DELETE | WHILE | BREAK | CONTINUE | NEXT | TRY | CATCH | LONG | STRINGKW
	;

opt_cond
	: %empty { $$ = NULL; }
	| IF '(' expr ')' { $$ = $3; }
	;

block
	: '{' stmts '}' { $$ = kw_node(N_BLOCK, @1, "{"); $$->tok_kind = TK_OPERATOR; $$->a = $2; }
	;

stmts
	: %empty { $$ = NULL; }
	| stmts stmt { $$ = list_append($1, $2); }
	;

stmt
	: simple_stmt
	| simple_stmt ';'
	| ';' { $$ = node_new(N_NOP, L(@1)); }
	| block
	| IF '(' expr ')' stmt %prec THEN { $$ = kw_node(N_IF, @1, "if"); $$->a = $3; $$->b = $5; }
	| IF '(' expr ')' stmt ELSE stmt { $$ = kw_node(N_IF, @1, "if"); $$->a = $3; $$->b = $5; $$->c = $7; }
	| WHILE '(' expr ')' stmt { $$ = kw_node(N_WHILE, @1, "while"); $$->a = $3; $$->b = $5; }
	| FOR '(' opt_expr ';' opt_expr ';' opt_expr ')' stmt {
		$$ = kw_node(N_FOR, @1, "for"); $$->a = $3; $$->b = $5; $$->c = $7; $$->d = $9;
	  }
	| FOREACH '(' { $<fe>$ = fe; fe = xcalloc(1, sizeof *fe); } foreach_head IN IDENT opt_slice opt_sort opt_agg_sort opt_limit ')' stmt {
		$$ = kw_node(N_FOREACH, @1, "foreach");
		fe->array = $6;
		fe->array_loc = L(@6);
		fe->slice = $7;
		int col = 1;
		for (struct node *k = fe->keys; k; k = k->next, col++)
			if (k->num) fe->sort_column = col;
		if ($8) {
			if (fe->sort_column) diag_error(L(@6), "multiple sort directives");
			fe->sort_column = -1; fe->sort_dir = $8;
		}
		fe->limit = $10;
		fe->body = $12;
		$$->ext = fe;
		fe = $<fe>3;
	  }
	| TRY block CATCH block { $$ = kw_node(N_TRY, @1, "try"); $$->a = $2; $$->b = $4; }
	| TRY block CATCH '(' IDENT ')' block { $$ = kw_node(N_TRY, @1, "try"); $$->a = $2; $$->b = $7; $$->str = $5; }
	;

foreach_head
	: fvar { fe->keys = $1; }
	| '[' fvar_list ']' { fe->keys = $2; }
	| value_var '=' fvar { fe->keys = $3; }
	| value_var '=' '[' fvar_list ']' { fe->keys = $4; }
	;

/* foreach (v = ...) or, sorting on the value, foreach (v+ = ...) */
value_var
	: IDENT opt_sort {
		fe->value = ident_node(N_VAR, @1, $1);
		if ($2) {
			if (fe->sort_column) diag_error(L(@1), "multiple sort directives");
			fe->sort_column = -1; fe->sort_dir = $2;
		}
	  }
	;

fvar_list
	: fvar
	| fvar_list ',' fvar { $$ = list_append($1, $3); }
	;

fvar
	: IDENT opt_sort {
		$$ = ident_node(N_VAR, @1, $1);
		if ($2) {
			if (fe->sort_column) diag_error(L(@1), "multiple sort directives");
			fe->sort_column = 1; /* the column is found once all keys are known */
			fe->sort_dir = $2;
			$$->num = 1; /* marks the sorted key */
		}
	  }
	;

/* foreach over a slice: A[*, k] */
opt_slice
	: %empty { $$ = NULL; }
	| '[' keylist ']' { $$ = $2; }
	;

opt_sort
	: %empty { $$ = 0; }
	| sort
	;

sort
	: '+' { $$ = 1; }
	| '-' { $$ = -1; }
	;

opt_agg_sort
	: %empty
	| AT_IDENT sort {
		fe->sort_agg = $1;
		if ($2) {
			if (fe->sort_column) diag_error(L(@1), "multiple sort directives");
			fe->sort_column = -1; fe->sort_dir = $2;
		}
	  }
	;

opt_limit
	: %empty { $$ = NULL; }
	| LIMIT expr { $$ = $2; }
	;

simple_stmt
	: expr {
		/* A statement is reported at its first token, as SystemTap does. */
		const struct node *first = $1;
		while ((first->kind == N_BINARY || first->kind == N_ASSIGN || first->kind == N_POSTINC ||
			first->kind == N_TERNARY || first->kind == N_STATS_OP) && first->a)
			first = first->a;
		$$ = node_new(N_EXPR, first->loc); $$->a = $1; $$->tok = first->tok; $$->tok_kind = first->tok_kind;
	  }
	| BREAK { $$ = kw_node(N_BREAK, @1, "break"); }
	| CONTINUE { $$ = kw_node(N_CONTINUE, @1, "continue"); }
	| NEXT { $$ = kw_node(N_NEXT, @1, "next"); }
	| RETURN { $$ = kw_node(N_RETURN, @1, "return"); }
	| RETURN expr { $$ = kw_node(N_RETURN, @1, "return"); $$->a = $2; }
	| DELETE expr { $$ = kw_node(N_DELETE, @1, "delete"); $$->a = $2; }
	;

opt_expr
	: %empty { $$ = NULL; }
	| expr
	;

expr
	: NUMBER { $$ = node_new(N_NUM, L(@1)); $$->num = $1; $$->tok_kind = TK_NUMBER; $$->tok = xasprintf("%lld", (long long)$1); }
	| strlit
	| IDENT { $$ = ident_node(N_VAR, @1, $1); }
	| IDENT '[' keylist ']' { $$ = ident_node(N_INDEX, @1, $1); $$->a = $3; }
	| call
	| target
	| '&' expr %prec UNARY {
		/* the address of a target variable, member or @cast(...) */
		if ($2->kind != N_TARGET && !($2->kind == N_EXTRACT && !strcmp($2->str, "cast")) &&
		    !($2->kind == N_UNARY && $2->op == '&'))
			diag_error(L(@1), "'&' takes the address of a target variable or @cast(...) only");
		$$ = op_node(N_UNARY, @1, '&', $2, NULL);
	  }
	| '(' expr ')' { $$ = $2; }
	| expr '=' expr { $$ = op_node(N_ASSIGN, @2, '=', $1, $3); }
	| expr ADDEQ expr { $$ = op_node(N_ASSIGN, @2, ADDEQ, $1, $3); }
	| expr SUBEQ expr { $$ = op_node(N_ASSIGN, @2, SUBEQ, $1, $3); }
	| expr MULEQ expr { $$ = op_node(N_ASSIGN, @2, MULEQ, $1, $3); }
	| expr DIVEQ expr { $$ = op_node(N_ASSIGN, @2, DIVEQ, $1, $3); }
	| expr MODEQ expr { $$ = op_node(N_ASSIGN, @2, MODEQ, $1, $3); }
	| expr SHLEQ expr { $$ = op_node(N_ASSIGN, @2, SHLEQ, $1, $3); }
	| expr SHREQ expr { $$ = op_node(N_ASSIGN, @2, SHREQ, $1, $3); }
	| expr ANDEQ expr { $$ = op_node(N_ASSIGN, @2, ANDEQ, $1, $3); }
	| expr OREQ expr { $$ = op_node(N_ASSIGN, @2, OREQ, $1, $3); }
	| expr XOREQ expr { $$ = op_node(N_ASSIGN, @2, XOREQ, $1, $3); }
	| expr CATEQ expr { $$ = op_node(N_ASSIGN, @2, CATEQ, $1, $3); }
	| expr STATSOP expr { $$ = op_node(N_STATS_OP, @2, STATSOP, $1, $3); }
	| expr '?' expr ':' expr { $$ = op_node(N_TERNARY, @2, '?', $1, $3); $$->c = $5; }
	| expr OROR expr { $$ = op_node(N_BINARY, @2, OROR, $1, $3); }
	| expr ANDAND expr { $$ = op_node(N_BINARY, @2, ANDAND, $1, $3); }
	| expr '|' expr { $$ = op_node(N_BINARY, @2, '|', $1, $3); }
	| expr '^' expr { $$ = op_node(N_BINARY, @2, '^', $1, $3); }
	| expr '&' expr { $$ = op_node(N_BINARY, @2, '&', $1, $3); }
	| expr IN IDENT { $$ = op_node(N_IN, @2, IN, $1, NULL); $$->str = $3; $$->tok_kind = TK_KEYWORD; $$->tok = "in"; }
	| '[' keylist ']' IN IDENT { $$ = op_node(N_IN, @4, IN, $2, NULL); $$->str = $5; $$->tok_kind = TK_KEYWORD; $$->tok = "in"; }
	| expr EQ expr { $$ = op_node(N_BINARY, @2, EQ, $1, $3); }
	| expr NE expr { $$ = op_node(N_BINARY, @2, NE, $1, $3); }
	| expr '<' expr { $$ = op_node(N_BINARY, @2, '<', $1, $3); }
	| expr '>' expr { $$ = op_node(N_BINARY, @2, '>', $1, $3); }
	| expr LE expr { $$ = op_node(N_BINARY, @2, LE, $1, $3); }
	| expr GE expr { $$ = op_node(N_BINARY, @2, GE, $1, $3); }
	| expr MATCH expr { $$ = op_node(N_BINARY, @2, MATCH, $1, $3); }
	| expr NOMATCH expr { $$ = op_node(N_BINARY, @2, NOMATCH, $1, $3); }
	| expr LSHIFT expr { $$ = op_node(N_BINARY, @2, LSHIFT, $1, $3); }
	| expr RSHIFT expr { $$ = op_node(N_BINARY, @2, RSHIFT, $1, $3); }
	| expr URSHIFT expr { $$ = op_node(N_BINARY, @2, URSHIFT, $1, $3); }
	| expr '.' expr { $$ = op_node(N_BINARY, @2, '.', $1, $3); }
	| expr '+' expr { $$ = op_node(N_BINARY, @2, '+', $1, $3); }
	| expr '-' expr { $$ = op_node(N_BINARY, @2, '-', $1, $3); }
	| expr '*' expr { $$ = op_node(N_BINARY, @2, '*', $1, $3); }
	| expr '/' expr { $$ = op_node(N_BINARY, @2, '/', $1, $3); }
	| expr '%' expr { $$ = op_node(N_BINARY, @2, '%', $1, $3); }
	| '-' expr %prec UNARY {
		/* A negative literal is a number, so that -1 prints and parses back the same. */
		if ($2->kind == N_NUM) {
			$$ = $2; $$->num = (int64_t)(0 - (uint64_t)$2->num); $$->loc = L(@1);
			$$->tok = xasprintf("%lld", (long long)$$->num);
		} else {
			$$ = op_node(N_UNARY, @1, '-', $2, NULL);
		}
	  }
	| '+' expr %prec UNARY { $$ = op_node(N_UNARY, @1, '+', $2, NULL); }
	| '!' expr { $$ = op_node(N_UNARY, @1, '!', $2, NULL); }
	| '~' expr { $$ = op_node(N_UNARY, @1, '~', $2, NULL); }
	| INC expr %prec UNARY { $$ = op_node(N_PREINC, @1, INC, $2, NULL); }
	| DEC expr %prec UNARY { $$ = op_node(N_PREINC, @1, DEC, $2, NULL); }
	| expr INC { $$ = op_node(N_POSTINC, @2, INC, $1, NULL); }
	| expr DEC { $$ = op_node(N_POSTINC, @2, DEC, $1, NULL); }
	;

call
	: IDENT '(' args ')' { $$ = ident_node(N_CALL, @1, $1); $$->a = $3; check_print_call($$); }
	| AT_IDENT '(' args ')' {
		$$ = ident_node(N_EXTRACT, @1, $1); $$->tok = xasprintf("@%s", $1); $$->a = $3;
		$$->tok_kind = TK_OPERATOR; /* stap's runtime errors say "near operator '@max'" */
		check_extractor($$);
	  }
	;

target
	: TARGET { $$ = ident_node(N_TARGET, @1, $1); }
	| IDENT ARROW member { $$ = target_node(@1, ident_node(N_VAR, @1, $1), $3, NULL); }
	| call ARROW member { $$ = target_node(@1, $1, $3, NULL); }
	| '(' expr ')' ARROW member { $$ = target_node(@1, $2, $5, NULL); }
	| call '[' expr ']' { $$ = target_node(@1, $1, NULL, $3); }
	| target ARROW member { $$ = target_node(@1, $1, $3, NULL); }
	| target '[' expr ']' { $$ = target_node(@1, $1, NULL, $3); }
	;

args
	: %empty { $$ = NULL; }
	| arglist
	;

arglist
	: expr
	| arglist ',' expr { $$ = list_append($1, $3); }
	;

/* Array keys; `*` (any value) is checked where slices are allowed: in, delete, foreach. */
keylist
	: key
	| keylist ',' key { $$ = list_append($1, $3); }
	;

key
	: expr
	| '*' { $$ = node_new(N_WILDCARD, L(@1)); $$->tok_kind = TK_OPERATOR; $$->tok = "*"; }
	;

%%

static void yyerror(YYLTYPE *l, struct script *s, const char *msg)
{
	(void)s;
	/* Bison says "syntax error, unexpected X, expecting Y": keep it. */
	diag_error(L(*l), "%s", msg);
}

const char *op_text(int op)
{
	switch (op) {
	case INC: return "++";
	case DEC: return "--";
	case ADDEQ: return "+=";
	case SUBEQ: return "-=";
	case MULEQ: return "*=";
	case DIVEQ: return "/=";
	case MODEQ: return "%=";
	case SHLEQ: return "<<=";
	case SHREQ: return ">>=";
	case ANDEQ: return "&=";
	case OREQ: return "|=";
	case XOREQ: return "^=";
	case CATEQ: return ".=";
	case LSHIFT: return "<<";
	case RSHIFT: return ">>";
	case URSHIFT: return ">>>";
	case EQ: return "==";
	case NE: return "!=";
	case LE: return "<=";
	case GE: return ">=";
	case ANDAND: return "&&";
	case OROR: return "||";
	case MATCH: return "=~";
	case NOMATCH: return "!~";
	case STATSOP: return "<<<";
	case ARROW: return "->";
	case IN: return "in";
	case '?': return "?";
	}
	static char single[128][2];
	if (op > 0 && op < 128) {
		single[op][0] = (char)op;
		return single[op];
	}
	return "?";
}

int parse_source(struct script *s, const char *file, const char *text, size_t len)
{
	int before = diag_errors();
	fe = NULL;
	lex_begin(file, text, len);
	yyparse(s);
	lex_end();
	return diag_errors() - before;
}

/* Embedded C is collected by the lexer a piece at a time. */
static char *embed_buf;
static size_t embed_len;

void parse_embed_begin(void)
{
	free(embed_buf);
	embed_buf = NULL;
	embed_len = 0;
}

void parse_embed_add(const char *text)
{
	size_t n = strlen(text);
	embed_buf = realloc(embed_buf, embed_len + n + 1);
	if (!embed_buf)
		abort();
	memcpy(embed_buf + embed_len, text, n + 1);
	embed_len += n;
}

/* The buffer grows with realloc; what the AST keeps is an ordinary xstrdup. */
char *parse_embed_end(void)
{
	char *s = xstrdup(embed_buf ? embed_buf : "");
	free(embed_buf);
	embed_buf = NULL;
	embed_len = 0;
	return s;
}
