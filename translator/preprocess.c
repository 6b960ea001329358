/* Pass 1, preprocessing, between the lexer and the grammar, in two layers
   as in SystemTap: expand_next() defines and expands @define macros and
   pastes $N arguments; yylex() keeps or drops the expanded tokens according
   to %( CONDITION %? ... %: ... %) conditionals. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "diag.h"
#include "parse.h"
#include "preprocess.h"

/* Deep enough for any real macro nesting, shallow enough to stop recursion early. */
#define MAX_EXPANSION_DEPTH 100

static struct loc L(YYLTYPE l)
{
	struct loc loc = { l.file, l.first_line, l.first_column };
	return loc;
}

/* ---------------------------------------------------------------- target */

static char *kernel_release, *kconfig_path, *arch_name;
static const char *runtime_name = "kernel", *privilege_name = "stapdev";
static const char *compatible_version = "4.8";
static int guru_mode;

struct kconfig_entry {
	char *name, *value;
};
static struct kconfig_entry *kconfig;
static int nkconfig, kconfig_loaded;

void preprocess_set_kernel(const char *release)
{
	kernel_release = xstrdup(release);
	kconfig_loaded = 0;
}

void preprocess_set_kconfig(const char *path)
{
	kconfig_path = xstrdup(path);
	kconfig_loaded = 0;
}

void preprocess_set_arch(const char *arch)
{
	arch_name = xstrdup(arch);
}

void preprocess_set_runtime(const char *runtime)
{
	runtime_name = xstrdup(runtime);
}

void preprocess_set_guru(int guru)
{
	guru_mode = guru != 0;
}

void preprocess_set_privilege(const char *privilege)
{
	privilege_name = xstrdup(privilege);
}

void preprocess_set_compatible(const char *version)
{
	compatible_version = xstrdup(version);
}

/* Without a setter call, the newest kernel we could build for. */
static const char *kernel(void)
{
	if (kernel_release)
		return kernel_release;
	DIR *d = opendir("/lib/modules");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *build = xasprintf("/lib/modules/%s/build", e->d_name);
		struct stat st;
		if (stat(build, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (!kernel_release || strverscmp(e->d_name, kernel_release) > 0))
			kernel_release = xstrdup(e->d_name);
		free(build);
	}
	if (d)
		closedir(d);
	if (!kernel_release) {
		struct utsname u;
		uname(&u);
		kernel_release = xstrdup(u.release);
	}
	return kernel_release;
}

/* kernel_v is the release without its "-build-flavour" suffix. */
static char *kernel_version(void)
{
	char *v = xstrdup(kernel());
	v[strcspn(v, "-")] = 0;
	return v;
}

/* Architecture names as the kernel's build system spells them. */
static const char *arch(void)
{
	if (arch_name)
		return arch_name;
	struct utsname u;
	uname(&u);
	const char *m = u.machine;
	if (fnmatch("i?86", m, 0) == 0)
		m = "i386";
	else if (!strcmp(m, "aarch64"))
		m = "arm64";
	else if (!strncmp(m, "arm", 3))
		m = "arm";
	else if (!strncmp(m, "ppc", 3))
		m = "powerpc";
	else if (!strncmp(m, "s390", 4))
		m = "s390";
	else if (!strncmp(m, "riscv", 5))
		m = "riscv";
	else if (!strncmp(m, "mips", 4))
		m = "mips";
	arch_name = xstrdup(m);
	return arch_name;
}

static void load_kconfig(YYLTYPE at)
{
	kconfig_loaded = 1;
	nkconfig = 0;
	const char *path = kconfig_path ? kconfig_path
		: xasprintf("/lib/modules/%s/build/.config", kernel());
	FILE *f = fopen(path, "r");
	if (!f) {
		diag_warning(L(at), "cannot read kernel configuration %s (%s): CONFIG_ options are taken as unset",
			     path, strerror(errno));
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	static int room;
	while (getline(&line, &cap, f) > 0) {
		char *eq = strchr(line, '=');
		if (strncmp(line, "CONFIG_", 7) || !eq)
			continue;
		*eq = 0;
		eq[1 + strcspn(eq + 1, "\r\n")] = 0;
		if (nkconfig == room) {
			room = room ? 2 * room : 1024;
			kconfig = realloc(kconfig, room * sizeof *kconfig);
			if (!kconfig)
				abort();
		}
		kconfig[nkconfig].name = xstrdup(line);
		kconfig[nkconfig].value = xstrdup(eq + 1);
		nkconfig++;
	}
	free(line);
	fclose(f);
}

/* A CONFIG_ option's value as written in .config ("y", "m", "64", "\"str\""), "" if unset. */
static const char *kconfig_value(const char *name, YYLTYPE at)
{
	if (!kconfig_loaded)
		load_kconfig(at);
	for (int i = 0; i < nkconfig; i++)
		if (!strcmp(kconfig[i].name, name))
			return kconfig[i].value;
	return "";
}

/* ---------------------------------------------------------------- tokens */

/* Token strings are never freed or changed after lexing, so copies of a
   token (one per expansion) share them. */
struct tok {
	int kind;
	YYSTYPE val;
	YYLTYPE loc;
};

struct toks {
	struct tok *v;
	int n, room;
};

static void toks_add(struct toks *ts, struct tok t)
{
	if (ts->n == ts->room) {
		ts->room = ts->room ? 2 * ts->room : 8;
		ts->v = realloc(ts->v, ts->room * sizeof *ts->v);
		if (!ts->v)
			abort();
	}
	ts->v[ts->n++] = t;
}

struct macro {
	char *name;
	YYLTYPE loc;
	char **params;
	int nparams;
	struct toks body;
	struct macro *next;
};

/* One argument of an expansion: its tokens, and what @NAME meant where it
   was written (the caller's arguments), since that is where it is expanded. */
struct binding {
	const char *name;
	struct toks toks;
	struct binding *scope;
	struct binding *next;
};

/* Tokens being replayed: a macro body, an argument, or a pasted $N. */
struct frame {
	const struct toks *toks;
	int pos;
	struct binding *env;  /* the arguments @NAME refers to in these tokens */
	int depth;            /* expansions this one is nested in */
	int pasted;           /* the text of a $N */
	struct frame *up;
};

static struct macro *macros;
static struct frame *top;

/* The lexer, with one token of push-back; after the end it stays at the end. */
static struct tok lex_pushed;
static int lex_have_pushed, lex_at_end;
static YYLTYPE lex_last;

static struct tok lex_next(void)
{
	if (lex_have_pushed) {
		lex_have_pushed = 0;
		return lex_pushed;
	}
	/* The end of file is reported where the last token was. */
	struct tok t = { 0 };
	t.loc = lex_last;
	if (!lex_at_end) {
		t.kind = raw_lex(&t.val, &t.loc);
		lex_at_end = t.kind == 0;
		lex_last = t.loc;
	}
	return t;
}

/* The next token before expansion, from the innermost replay or else the
   lexer; *from is the frame it came from (NULL: the lexer). */
static struct tok next_raw(struct frame **from)
{
	while (top && top->pos == top->toks->n)
		top = top->up;
	*from = top;
	if (top)
		return top->toks->v[top->pos++];
	return lex_next();
}

/* The next token from one place only: a macro's arguments must follow its
   name in the same body (or file).  Kind 0 at the end of that body. */
static struct tok next_from(struct frame *f)
{
	if (!f)
		return lex_next();
	if (f->pos < f->toks->n)
		return f->toks->v[f->pos++];
	struct tok end = { 0 };
	end.loc = f->toks->v[f->toks->n - 1].loc;
	return end;
}

static void unread(struct frame *f, struct tok t)
{
	if (f) {
		if (t.kind)
			f->pos--;
	} else {
		lex_pushed = t;
		lex_have_pushed = 1;
	}
}

/* Replays TS on top of FROM.  One level too deep means a macro expands
   itself: then every expansion in progress is abandoned. */
static void push(const struct toks *ts, struct binding *env, struct frame *from, int pasted, YYLTYPE at)
{
	int depth = (from ? from->depth : 0) + 1;
	if (depth > MAX_EXPANSION_DEPTH) {
		diag_error(L(at), "macro expansion nested more than %d deep: is a macro recursive?",
			   MAX_EXPANSION_DEPTH);
		top = NULL;
		return;
	}
	struct frame *f = xcalloc(1, sizeof *f);
	f->toks = ts;
	f->env = env;
	f->depth = depth;
	f->pasted = pasted;
	f->up = top;
	top = f;
}

/* ---------------------------------------------------------------- macros */

/* SystemTap's built-in @operators: an @NAME that is neither one of these
   nor a macro is an error. */
static int is_operator(const char *name)
{
	static const char *const ops[] = {
		"cast", "defined", "probewrite", "entry", "perf", "var", "avg", "count", "sum",
		"min", "max", "hist_linear", "hist_log", "const", "variance", "kregister",
		"uregister", "kderef", "uderef",
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (!strcmp(ops[i], name))
			return 1;
	return 0;
}

/* Macros of the tapset library's *.stpm files: every script may use them, and
   a script's own @define of the same name hides one. */
static struct macro *library_macros;

static struct macro *find_in(struct macro *list, const char *name)
{
	for (struct macro *m = list; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

static struct macro *find_macro(const char *name)
{
	struct macro *m = find_in(macros, name);
	return m ? m : find_in(library_macros, name);
}

void preprocess_keep_library(void)
{
	while (macros) {
		struct macro *m = macros;
		macros = m->next;
		m->next = library_macros;
		library_macros = m;
	}
}

static struct binding *find_binding(struct binding *env, const char *name)
{
	for (struct binding *b = env; b; b = b->next)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

/* @define NAME [(PARAM, ...)] %( BODY %), read after the @define at AT.
   Only the file's top level may define: elsewhere the definition is read,
   reported and dropped. */
static void define_macro(YYLTYPE at, struct frame *from)
{
	int ok = 1;
	if (from) {
		diag_error(L(at), "@define is not allowed inside a macro body or argument");
		ok = 0;
	}
	struct tok t = next_from(from);
	if (t.kind != IDENT) {
		diag_error(L(t.loc), "expected a macro name after @define");
		unread(from, t);
		return;
	}
	struct macro *m = xcalloc(1, sizeof *m);
	m->name = t.val.str;
	m->loc = t.loc;
	struct macro *old = find_in(macros, m->name);
	if (ok && !strcmp(m->name, "define")) {
		diag_error(L(t.loc), "@define cannot be redefined");
		ok = 0;
	} else if (ok && old) {
		diag_error(L(t.loc), "macro @%s is already defined at line %d", m->name, old->loc.first_line);
		ok = 0;
	} else if (ok && is_operator(m->name)) {
		diag_warning(L(t.loc), "macro @%s hides the built-in operator @%s", m->name, m->name);
	}

	t = next_from(from);
	if (t.kind == '(') {
		do {
			t = next_from(from);
			if (t.kind != IDENT) {
				diag_error(L(t.loc), "expected a parameter name in the definition of @%s", m->name);
				unread(from, t);
				return;
			}
			for (int i = 0; i < m->nparams; i++)
				if (!strcmp(m->params[i], t.val.str)) {
					diag_error(L(t.loc), "@%s has two parameters named '%s'", m->name, t.val.str);
					ok = 0;
				}
			m->params = realloc(m->params, (m->nparams + 1) * sizeof *m->params);
			if (!m->params)
				abort();
			m->params[m->nparams++] = t.val.str;
			t = next_from(from);
		} while (t.kind == ',');
		if (t.kind != ')') {
			diag_error(L(t.loc), "expected ',' or ')' after a parameter of @%s", m->name);
			unread(from, t);
			return;
		}
		t = next_from(from);
	}
	if (t.kind != PP_OPEN) {
		diag_error(L(t.loc), "expected '%%(' to begin the body of @%s", m->name);
		unread(from, t);
		return;
	}
	/* The body runs to the matching %), and is expanded only when used. */
	for (int depth = 0;;) {
		t = next_from(from);
		if (t.kind == 0) {
			diag_error(L(at), "body of @%s has no closing '%%)'", m->name);
			unread(from, t);
			return;
		}
		if (t.kind == PP_OPEN)
			depth++;
		else if (t.kind == PP_CLOSE && depth-- == 0)
			break;
		toks_add(&m->body, t);
	}
	if (ok) {
		m->next = macros;
		macros = m;
	}
}

/* @NAME(ARG, ...) at AT: reads the arguments, then replays the body. */
static void expand_macro(struct macro *m, YYLTYPE at, struct frame *from)
{
	struct binding *env = NULL;
	if (m->nparams) {
		struct tok t = next_from(from);
		if (t.kind != '(') {
			diag_error(L(at), "macro @%s takes %d argument%s: expected '(' after its name",
				   m->name, m->nparams, m->nparams == 1 ? "" : "s");
			unread(from, t);
			return;
		}
		/* Arguments end at a ',' or ')' outside brackets. */
		int nargs = 0;
		do {
			struct binding *b = xcalloc(1, sizeof *b);
			b->scope = from ? from->env : NULL;
			for (int nest = 0;;) {
				t = next_from(from);
				if (t.kind == 0) {
					diag_error(L(at), "arguments of @%s have no closing ')'", m->name);
					unread(from, t);
					return;
				}
				if (t.kind == '(' || t.kind == '[' || t.kind == '{')
					nest++;
				else if (nest && (t.kind == ')' || t.kind == ']' || t.kind == '}'))
					nest--;
				else if (!nest && (t.kind == ',' || t.kind == ')'))
					break;
				toks_add(&b->toks, t);
			}
			if (nargs < m->nparams) {
				b->name = m->params[nargs];
				b->next = env;
				env = b;
			}
			nargs++;
		} while (t.kind == ',');
		if (nargs != m->nparams) {
			diag_error(L(at), "macro @%s takes %d argument%s, not %d", m->name, m->nparams,
				   m->nparams == 1 ? "" : "s", nargs);
			return;
		}
	}
	push(&m->body, env, from, 0, at);
}

/* $N: the argument's text is lexed where the $N stands. */
static void paste_arg(struct tok arg, struct frame *from)
{
	if (from && from->pasted) {
		diag_error(L(arg.loc), "a command-line argument cannot refer to another one");
		return;
	}
	struct toks *ts = xcalloc(1, sizeof *ts);
	lex_paste_begin(arg.val.str, &arg.loc);
	for (;;) {
		struct tok t = { 0 };
		t.loc = arg.loc;
		t.kind = raw_lex(&t.val, &t.loc);
		if (!t.kind)
			break;
		toks_add(ts, t);
	}
	lex_paste_end();
	push(ts, from ? from->env : NULL, from, 1, arg.loc);
}

/* The next token after macro definition and expansion and $N pasting. */
static struct tok expand_next(void)
{
	for (;;) {
		struct frame *from;
		struct tok t = next_raw(&from);
		if (t.kind == PP_ARG) {
			paste_arg(t, from);
			continue;
		}
		if (t.kind != AT_IDENT)
			return t;
		const char *name = t.val.str;
		if (!strcmp(name, "define")) {
			define_macro(t.loc, from);
			continue;
		}
		struct binding *b = find_binding(from ? from->env : NULL, name);
		if (b) {
			push(&b->toks, b->scope, from, 0, t.loc);
			continue;
		}
		struct macro *m = find_macro(name);
		if (m) {
			expand_macro(m, t.loc, from);
			continue;
		}
		if (!is_operator(name))
			diag_error(L(t.loc), "unknown macro '@%s'", name);
		return t;
	}
}

/* ---------------------------------------------------------------- conditions */

/* CONDITION := AND ('||' AND)*, AND := TEST ('&&' TEST)*,
   TEST := '(' CONDITION ')' | OPERAND OP OPERAND.
   The parser reads expanded tokens one ahead in `cond`; `cond_ok` turns
   0 at the first error.  Operands whose value is not needed (after a false
   '&&' or a true '||') are checked but $N/@N range errors not reported. */
static struct tok cond;
static int cond_ok;

static void cond_advance(void)
{
	cond = expand_next();
}

static void cond_fail(YYLTYPE at, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cond_fail(YYLTYPE at, const char *fmt, ...)
{
	if (cond_ok) {
		char msg[512];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		diag_error(L(at), "%s", msg);
	}
	cond_ok = 0;
}

static int is_comparison(int kind)
{
	return kind == EQ || kind == NE || kind == '<' || kind == '>' || kind == LE || kind == GE;
}

/* Applies a comparison operator to the sign of a difference. */
static int compare_result(int op, int diff)
{
	switch (op) {
	case EQ: return diff == 0;
	case NE: return diff != 0;
	case '<': return diff < 0;
	case '>': return diff > 0;
	case LE: return diff <= 0;
	default: return diff >= 0;
	}
}

static int sign_of(long long a, long long b)
{
	return (a > b) - (a < b);
}

static int has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* == / != against a shell pattern, as arch, runtime and CONFIG_ tests are. */
static int glob_test(const char *pattern, int op, const char *value, YYLTYPE op_loc)
{
	if (op != EQ && op != NE) {
		cond_fail(op_loc, "only == and != can compare with a pattern");
		return 0;
	}
	return (fnmatch(pattern, value, FNM_NOESCAPE) == 0) == (op == EQ);
}

static int parse_number(const char *s, long long *out)
{
	char *end;
	errno = 0;
	*out = strtoll(s, &end, 0);
	return *s && !*end && !errno;
}

static void report_bad_arg(struct tok t)
{
	int n = (int)(t.val.num < 0 ? -t.val.num : t.val.num);
	diag_error(L(t.loc), "command line argument index %d out of range [1-%d]", n, parse_nargs);
}

/* kernel_v, kernel_vr, systemtap_v: version order, or a pattern with == / !=. */
static int version_test(const char *have, int op, struct tok r, YYLTYPE op_loc)
{
	if (r.kind != STRING) {
		cond_fail(r.loc, "expected a version string");
		return 0;
	}
	if (has_wildcard(r.val.str))
		return glob_test(r.val.str, op, have, op_loc);
	return compare_result(op, strverscmp(have, r.val.str));
}

static int config_test(struct tok l, int op, struct tok r, YYLTYPE op_loc)
{
	const char *have = kconfig_value(l.val.str, l.loc);
	long long a, b;
	if (r.kind == STRING)
		return glob_test(r.val.str, op, have, op_loc);
	if (r.kind == NUMBER) {
		if (!parse_number(have, &a)) {
			cond_fail(l.loc, "%s is not a number in the kernel configuration", l.val.str);
			return 0;
		}
		return compare_result(op, sign_of(a, r.val.num));
	}
	if (r.kind == IDENT && !strncmp(r.val.str, "CONFIG_", 7)) {
		const char *other = kconfig_value(r.val.str, r.loc);
		if (parse_number(have, &a) && parse_number(other, &b))
			return compare_result(op, sign_of(a, b));
		return compare_result(op, strcmp(have, other));
	}
	cond_fail(r.loc, "expected a string, a number or a CONFIG_ option");
	return 0;
}

/* OPERAND OP OPERAND, where the left operand decides what is compared. */
static int test(struct tok l, struct tok opt, struct tok r, int needed)
{
	int op = opt.kind;
	if (l.kind == PP_BADARG || r.kind == PP_BADARG) {
		if (needed)
			report_bad_arg(l.kind == PP_BADARG ? l : r);
		return 0;
	}
	if (l.kind == IDENT) {
		const char *name = l.val.str;
		if (!strcmp(name, "kernel_vr"))
			return version_test(kernel(), op, r, opt.loc);
		if (!strcmp(name, "kernel_v"))
			return version_test(kernel_version(), op, r, opt.loc);
		if (!strcmp(name, "systemtap_v"))
			return version_test(compatible_version, op, r, opt.loc);
		if (!strcmp(name, "arch") || !strcmp(name, "runtime")) {
			if (r.kind != STRING) {
				cond_fail(r.loc, "expected a string");
				return 0;
			}
			return glob_test(r.val.str, op, name[0] == 'a' ? arch() : runtime_name, opt.loc);
		}
		if (!strcmp(name, "systemtap_privilege")) {
			if (r.kind != STRING || (op != EQ && op != NE)) {
				cond_fail(opt.loc, "systemtap_privilege compares with == or != to a string");
				return 0;
			}
			return !strcmp(privilege_name, r.val.str) == (op == EQ);
		}
		if (!strcmp(name, "guru_mode")) {
			if (r.kind != NUMBER || (r.val.num != 0 && r.val.num != 1) || (op != EQ && op != NE)) {
				cond_fail(opt.loc, "guru_mode compares with == or != to 0 or 1");
				return 0;
			}
			return (guru_mode == r.val.num) == (op == EQ);
		}
		if (!strncmp(name, "CONFIG_", 7))
			return config_test(l, op, r, opt.loc);
		cond_fail(l.loc, "'%s' cannot be tested: expected kernel_v, kernel_vr, arch, CONFIG_..., "
			  "runtime, systemtap_v, systemtap_privilege, guru_mode or a literal", name);
		return 0;
	}
	if (l.kind == STRING && r.kind == STRING)
		return compare_result(op, strcmp(l.val.str, r.val.str));
	if (l.kind == NUMBER && r.kind == NUMBER)
		return compare_result(op, sign_of(l.val.num, r.val.num));
	if ((l.kind == STRING || l.kind == NUMBER) && (r.kind == STRING || r.kind == NUMBER)) {
		cond_fail(opt.loc, "cannot compare a string with a number");
		return 0;
	}
	cond_fail(l.kind == STRING || l.kind == NUMBER ? r.loc : l.loc,
		  "expected a name, a string or a number in the condition");
	return 0;
}

/* A name, a string, or a number with an optional minus. */
static struct tok operand(void)
{
	struct tok t = cond;
	if (t.kind == '-') {
		cond_advance();
		if (cond.kind != NUMBER) {
			cond_fail(cond.loc, "expected a number after '-'");
			return t;
		}
		t = cond;
		t.val.num = -(unsigned long long)t.val.num;
	} else if (t.kind != IDENT && t.kind != STRING && t.kind != NUMBER && t.kind != PP_BADARG) {
		cond_fail(t.loc, "expected a name, a string or a number in the condition");
		return t;
	}
	cond_advance();
	return t;
}

static int cond_or(int needed);

static int cond_test(int needed)
{
	if (cond.kind == '(') {
		cond_advance();
		int v = cond_or(needed);
		if (cond.kind != ')')
			cond_fail(cond.loc, "expected ')' in the condition");
		else
			cond_advance();
		return v;
	}
	struct tok l = operand();
	if (!cond_ok)
		return 0;
	struct tok op = cond;
	if (!is_comparison(op.kind)) {
		cond_fail(op.loc, "expected a comparison operator (== != < <= > >=)");
		return 0;
	}
	cond_advance();
	struct tok r = operand();
	if (!cond_ok)
		return 0;
	return test(l, op, r, needed);
}

static int cond_and(int needed)
{
	int v = cond_test(needed);
	while (cond_ok && cond.kind == ANDAND) {
		cond_advance();
		int r = cond_test(needed && v);
		v = v && r;
	}
	return v;
}

static int cond_or(int needed)
{
	int v = cond_and(needed);
	while (cond_ok && cond.kind == OROR) {
		cond_advance();
		int r = cond_and(needed && !v);
		v = v || r;
	}
	return v;
}

/* ---------------------------------------------------------------- conditionals */

enum branch { THEN_KEEP, THEN_SKIP, ELSE_KEEP, ELSE_SKIP };

struct open_cond {
	YYLTYPE at;  /* its %( */
	enum branch branch;
};

static struct open_cond *conds;
static int nconds, conds_room;

/* Steps over a dropped branch, nested conditionals and all, without
   expanding anything; returns the %?, %: or %) that ends it, or the end. */
static struct tok skip_branch(void)
{
	for (int depth = 0;;) {
		struct frame *from;
		struct tok t = next_raw(&from);
		if (t.kind == 0)
			return t;
		if (t.kind == PP_OPEN)
			depth++;
		else if (t.kind == PP_CLOSE && depth)
			depth--;
		else if (!depth && (t.kind == PP_THEN || t.kind == PP_ELSE || t.kind == PP_CLOSE))
			return t;
	}
}

/* After a bad condition the whole conditional is dropped, through its %). */
static void skip_conditional(struct tok t, YYLTYPE at)
{
	for (int depth = 0;; t = skip_branch()) {
		if (t.kind == 0) {
			diag_error(L(at), "'%%(' has no closing '%%)'");
			return;
		}
		if (t.kind == PP_OPEN)
			depth++;
		else if (t.kind == PP_CLOSE && depth-- == 0)
			return;
	}
}

static void open_conditional(YYLTYPE at)
{
	cond_ok = 1;
	cond_advance();
	int v = cond_or(1);
	if (cond_ok && cond.kind != PP_THEN)
		cond_fail(cond.loc, "expected '%%?' after the condition");
	if (!cond_ok) {
		skip_conditional(cond, at);
		return;
	}
	if (nconds == conds_room) {
		conds_room = conds_room ? 2 * conds_room : 8;
		conds = realloc(conds, conds_room * sizeof *conds);
		if (!conds)
			abort();
	}
	conds[nconds].at = at;
	conds[nconds].branch = v ? THEN_KEEP : THEN_SKIP;
	nconds++;
}

void preprocess_begin(void)
{
	macros = NULL;
	top = NULL;
	nconds = 0;
	lex_have_pushed = lex_at_end = 0;
	memset(&lex_last, 0, sizeof lex_last);
}

int yylex(YYSTYPE *lval, YYLTYPE *lloc)
{
	for (;;) {
		struct open_cond *c = nconds ? &conds[nconds - 1] : NULL;
		int skipping = c && (c->branch == THEN_SKIP || c->branch == ELSE_SKIP);
		struct tok t = skipping ? skip_branch() : expand_next();
		switch (t.kind) {
		case 0:
			if (c)
				diag_error(L(c->at), "'%%(' has no closing '%%)'");
			nconds = 0;
			*lloc = t.loc;
			return 0;
		case PP_OPEN:
			open_conditional(t.loc);
			continue;
		case PP_THEN:
			diag_error(L(t.loc), "'%%?' outside the condition of a '%%('");
			continue;
		case PP_ELSE:
			if (!c)
				diag_error(L(t.loc), "'%%:' without a '%%('");
			else if (c->branch == ELSE_KEEP || c->branch == ELSE_SKIP)
				diag_error(L(t.loc), "second '%%:' in one conditional");
			else
				c->branch = c->branch == THEN_KEEP ? ELSE_SKIP : ELSE_KEEP;
			continue;
		case PP_CLOSE:
			if (!c)
				diag_error(L(t.loc), "'%%)' without a '%%('");
			else
				nconds--;
			continue;
		case PP_BADARG:
			/* Used after all: $N becomes 0, @N "". */
			report_bad_arg(t);
			if (t.val.num > 0) {
				t.kind = NUMBER;
				t.val.num = 0;
			} else {
				t.kind = STRING;
				t.val.str = xstrdup("");
			}
			break;
		}
		*lval = t.val;
		*lloc = t.loc;
		return t.kind;
	}
}
