/* The parsed script: expressions and statements as one node type, plus
   the top-level declarations (globals, functions, probes) that hold them. */
#ifndef TAPC_AST_H
#define TAPC_AST_H

#include <stdint.h>
#include <stdio.h>

struct loc {
	const char *file;
	int line, col;
};

enum type { T_UNKNOWN, T_LONG, T_STRING, T_STATS, T_VOID };
const char *type_name(enum type t);

/* How the token a node came from is described in "near ..." messages. */
enum tok_kind { TK_OPERATOR, TK_IDENT, TK_KEYWORD, TK_NUMBER, TK_STRING };

enum node_kind {
	/* expressions */
	N_NUM,      /* num */
	N_STR,      /* str */
	N_VAR,      /* str = name; sym after elaboration */
	N_INDEX,    /* str = array name, a = key list */
	N_CALL,     /* str = function name, a = argument list */
	N_UNARY,    /* op, a */
	N_BINARY,   /* op, a, b (arithmetic, comparison, logic, '.') */
	N_ASSIGN,   /* op ('=' or compound op), a = lvalue, b */
	N_PREINC,   /* op = INC/DEC, a */
	N_POSTINC,  /* op = INC/DEC, a */
	N_TERNARY,  /* a ? b : c */
	N_IN,       /* a = key list, str = array name */
	N_STATS_OP, /* a <<< b */
	N_EXTRACT,  /* str = "count"..., a = stats expression */
	N_TARGET,   /* str = "$name" target variable (parsed only) */
	N_WILDCARD, /* `*` as an array key: a slice (in, delete, foreach) */
	/* statements */
	N_BLOCK,    /* a = statement list */
	N_EXPR,     /* a */
	N_IF,       /* a = cond, b = then, c = else */
	N_WHILE,    /* a = cond, b = body */
	N_FOR,      /* a = init, b = cond, c = incr, d = body */
	N_FOREACH,  /* see struct foreach_info in ext */
	N_BREAK,
	N_CONTINUE,
	N_NEXT,
	N_RETURN,   /* a = value or NULL */
	N_DELETE,   /* a = what */
	N_TRY,      /* a = body, b = handler, str = catch variable or NULL */
	N_NOP,
};

struct sym;
struct site;

struct node {
	enum node_kind kind;
	struct loc loc;
	enum tok_kind tok_kind; /* for "near" in runtime errors */
	const char *tok;        /* token text */
	int op;                 /* operator token (parser token number) */
	char *str;
	int64_t num;
	struct node *a, *b, *c, *d;
	struct node *next;      /* next in a list (statements, arguments) */
	struct sym *sym;        /* resolved variable */
	struct func *fn;        /* resolved function */
	enum type type;
	int tmp;                /* codegen: index of this node's string temporary */
	int from_defined;       /* N_NUM: the answer of an @defined(...), see defined.c */
	void *ext;              /* kind-specific extra data */
	const char *ctype;      /* N_TARGET $p->member...: the C type of parameter p */
	const char *cexpr;      /* N_TARGET of a user probe: the C expression that reads it */
	int entry_slot;         /* a return probe's value taken at the function's entry
				   (@entry(e), a parameter): -1 from elaboration, then codegen's
				   slot + 1 */
};

/* foreach ([k1, k2] in arr sort limit L) body, or with a value variable */
struct foreach_info {
	struct node *keys;     /* N_VAR list */
	struct node *value;    /* N_VAR or NULL */
	char *array;
	struct loc array_loc;
	struct node *slice;    /* key list with N_WILDCARD parts, or NULL */
	struct sym *array_sym;
	int sort_column;       /* 0: none, 1..n: key n, -1: value */
	int sort_dir;          /* +1 ascending, -1 descending */
	char *sort_agg;        /* "sum" in `in a @sum-`: what a stats value sorts on */
	struct node *limit;
	struct node *body;
};

enum sym_scope { S_GLOBAL, S_LOCAL, S_PARAM };

struct sym {
	char *name;
	enum sym_scope scope;
	enum type type;         /* element type for arrays */
	int is_array;
	int nkeys;              /* -1 until known */
	enum type keys[9];
	int64_t size;           /* global a[N] */
	int wrap;               /* global a% */
	int is_private;
	int from_tapset;        /* a global the tapsets declare */
	struct node *init;      /* initializer (literal) */
	struct loc loc;
	int written, read;      /* for automatic printing at exit */
	int hist;               /* statistics: 0 none, 1 @hist_log, 2 @hist_linear */
	int64_t hist_start, hist_stop, hist_interval;
	int agg_id;             /* statistics: index in the module's aggregation table */
	int uses_variance;      /* statistics: @variance is read, so updates track it */
	unsigned stat_reads;    /* statistics: STAT_READS_* of the extractors the script uses */
	int var_shift;          /* statistics: N of @variance(s, N), 0 if none */
	int index;
	struct sym *next;
};

/* sym.stat_reads: what a <<< must keep besides the count (codegen's TAP_KEEP_*) */
enum { STAT_READS_SUM = 1, STAT_READS_MIN = 2, STAT_READS_MAX = 4 };

struct probe_comp {
	char *name;
	struct node *arg;       /* literal argument or NULL */
	struct probe_comp *next;
};

struct probe_point {
	struct probe_comp *comps;
	int optional;           /* ? */
	int sufficient;         /* ! */
	struct node *cond;      /* if (cond) after this point: pass 1 only, see parser.y */
	struct loc loc;
	char *written;          /* the alias point the script wrote, when this is one of
				   its expansion's points (pn()) */
	struct probe_point *next;
};

struct probe {
	struct probe_point *points;
	struct node *cond;
	struct node *body;
	struct sym *locals;
	int alias_kind;         /* 0: probe, 1: alias '=', 2: alias '+=' */
	int entry_slots;        /* values its return probes take at the entry (codegen) */
	struct probe_point *alias; /* the name an alias defines */
	struct loc loc;
	int index;
	struct probe *next;
};

struct func {
	char *name;
	struct sym *params;
	int nparams;
	enum type ret;
	struct node *body;
	char *embedded;         /* %{ ... %} body */
	int from_tapset;        /* tapsets may embed C without -g */
	struct sym *locals;
	struct loc loc;
	int index;
	struct func *next;
};

struct script {
	struct sym *globals;
	struct func *funcs;
	struct probe *probes;
	struct node *embedded;  /* top-level %{ %} blocks */
	struct site *sites;     /* resolved probe points (pass 2) */
};

struct node *node_new(enum node_kind kind, struct loc loc);
struct node *list_append(struct node *list, struct node *item);
int list_length(const struct node *list);
struct sym *sym_new(const char *name, enum sym_scope scope, struct loc loc);
char *xstrdup(const char *s);
void *xcalloc(size_t n, size_t size);
char *xread_file(const char *path, size_t *len);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Deep copies (before elaboration) */
struct node *node_clone(const struct node *n);
struct probe_point *point_clone(const struct probe_point *pp);
struct sym *syms_clone(const struct sym *s);
/* One probe (not the rest of its list): points, condition, body and locals copied. */
struct probe *probe_clone(const struct probe *p);
struct func *func_clone(const struct func *f);

/* pass 1 output: prints the script so that it parses again to the same tree */
void ast_print(FILE *out, const struct script *s);
const char *op_text(int op);

#endif
