/* The tapset library: every *.stp file in the tapset directories is parsed once, and a
   script takes from it only what it uses: probe aliases its probe points name, functions
   it calls, and the globals those use (all copied, so each use elaborates on its own). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "builtins.h"
#include "diag.h"
#include "elaborate.h"
#include "parse.h"
#include "preprocess.h"
#include "probes.h"
#include "tapsets.h"

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Parses every file of the directories whose name ends in suffix into lib;
   after each, keep(), if given.  Tapsets may embed C. */
static int load_files(struct script *lib, const char **dirs, int ndirs, const char *suffix, void (*keep)(void))
{
	int errors = 0, embedded_ok = parse_embedded_ok;
	size_t sl = strlen(suffix);
	parse_embedded_ok = 1;
	for (int d = 0; d < ndirs; d++) {
		struct dirent **names;
		int n = scandir(dirs[d], &names, NULL, by_name);
		for (int i = 0; i < n; i++) {
			const char *nm = names[i]->d_name;
			size_t l = strlen(nm);
			if (l > sl && !strcmp(nm + l - sl, suffix)) {
				char *path = xasprintf("%s/%s", dirs[d], nm);
				size_t len;
				char *text = xread_file(path, &len);
				if (text) {
					diag_add_source(path, text, len);
					errors += parse_source(lib, path, text, len);
					if (keep)
						keep();
				}
			}
			free(names[i]);
		}
		if (n >= 0)
			free(names);
	}
	parse_embedded_ok = embedded_ok;
	return errors;
}

int tapsets_load_macros(const char **dirs, int ndirs)
{
	struct script defs = { 0 };
	return load_files(&defs, dirs, ndirs, ".stpm", preprocess_keep_library);
}

int tapsets_load(struct script *lib, const char **dirs, int ndirs)
{
	return load_files(lib, dirs, ndirs, ".stp", NULL);
}

/* ---- probe aliases ---- */

static int comp_matches(const struct probe_comp *pat, const struct probe_comp *name)
{
	if (fnmatch(pat->name, name->name, 0))
		return 0;
	if (!pat->arg != !name->arg)
		return 0;
	if (!pat->arg)
		return 1;
	if (pat->arg->kind != name->arg->kind)
		return 0;
	if (pat->arg->kind == N_STR)
		return !fnmatch(pat->arg->str, name->arg->str, 0);
	return pat->arg->num == name->arg->num;
}

/* Does the point (a pattern, maybe with *) name this alias? */
int tapsets_point_matches(const struct probe_point *pat, const struct probe_point *alias)
{
	const struct probe_comp *a = pat->comps, *b = alias->comps;
	for (; a && b; a = a->next, b = b->next)
		if (!comp_matches(a, b))
			return 0;
	return !a && !b;
}

static struct node *block_of(struct node *first, struct node *second, struct loc loc)
{
	struct node *b = node_new(N_BLOCK, loc);
	b->tok_kind = TK_OPERATOR;
	b->tok = "{";
	b->a = list_append(first, second);
	return b;
}

/* Replaces each probe's alias points by new probes: the alias's own points, with the
   alias body before (=) or after (+=) a copy of the probe's body. */
static int expand_aliases(struct script *s, struct probe *aliases)
{
	int expanded = 0;
	struct probe *out = NULL, **tail = &out;
	for (struct probe *p = s->probes, *next; p; p = next) {
		next = p->next;
		p->next = NULL;
		struct probe_point *keep = NULL, **keep_tail = &keep;
		for (struct probe_point *pp = p->points, *pn; pp; pp = pn) {
			pn = pp->next;
			pp->next = NULL;
			/* SystemTap's nd_syscall.*, nd1_ and nd2_ (no debuginfo) and dw_syscall.*
			   are its syscall.*, which tapc builds without debuginfo anyway */
			static const char *const syscall_families[] = { "nd_syscall", "nd1_syscall",
									"nd2_syscall", "dw_syscall" };
			for (size_t i = 0; i < sizeof syscall_families / sizeof *syscall_families; i++)
				if (!strcmp(pp->comps->name, syscall_families[i])) {
					if (!pp->written)
						pp->written = probe_point_text(pp);
					pp->comps->name = "syscall";
				}
			int matched = 0;
			for (struct probe *a = aliases; a; a = a->next) {
				if (!tapsets_point_matches(pp, a->alias))
					continue;
				matched = 1;
				struct probe *np = xcalloc(1, sizeof *np);
				np->loc = p->loc;
				np->points = point_clone(a->points);
				for (struct probe_point *q = np->points; q; q = q->next) {
					q->optional |= pp->optional;
					/* An alias of an alias keeps the name the script used. */
					q->written = pp->written ? pp->written : probe_point_text(a->alias);
				}
				np->cond = node_clone(p->cond);
				struct node *user = node_clone(p->body), *prologue = node_clone(a->body);
				np->body = a->alias_kind == 1 ? block_of(prologue, user, p->loc)
							      : block_of(user, prologue, p->loc);
				*tail = np;
				tail = &np->next;
				expanded = 1;
			}
			if (!matched) {
				*keep_tail = pp;
				keep_tail = &pp->next;
			}
		}
		if (keep) {
			p->points = keep;
			*tail = p;
			tail = &p->next;
		}
	}
	s->probes = out;
	return expanded;
}

/* Copies the alias definitions of a probe list (the library stays as it is). */
static struct probe *copy_aliases(const struct probe *list)
{
	struct probe *aliases = NULL;
	for (; list; list = list->next) {
		if (!list->alias_kind)
			continue;
		struct probe *a = xcalloc(1, sizeof *a);
		*a = *list;
		a->next = aliases;
		aliases = a;
	}
	return aliases;
}

/* Moves alias definitions out of a probe list. */
static struct probe *take_aliases(struct probe **list)
{
	struct probe *aliases = NULL;
	for (struct probe **p = list; *p;) {
		if ((*p)->alias_kind) {
			struct probe *a = *p;
			*p = a->next;
			a->next = aliases;
			aliases = a;
		} else {
			p = &(*p)->next;
		}
	}
	return aliases;
}

/* ---- functions and globals on demand ---- */

static int has_func(const struct script *s, const char *name)
{
	for (const struct func *f = s->funcs; f; f = f->next)
		if (!strcmp(f->name, name))
			return 1;
	return 0;
}

static int has_global(const struct script *s, const char *name)
{
	for (const struct sym *g = s->globals; g; g = g->next)
		if (!strcmp(g->name, name))
			return 1;
	return 0;
}

static void pull_from(struct script *s, const struct script *lib, const struct node *n, int is_lib);
/* The parameters of the tapset function being pulled in. */
static const struct sym *shadowing;

static void pull_func(struct script *s, const struct script *lib, const char *name)
{
	if (has_func(s, name))
		return;
	for (const struct func *f = lib->funcs; f; f = f->next) {
		if (strcmp(f->name, name))
			continue;
		struct func *c = func_clone(f);
		c->from_tapset = 1;
		struct func **t = &s->funcs;
		while (*t)
			t = &(*t)->next;
		*t = c;
		/* its parameters hide globals of the same name (__sys_argv_str's argv) */
		const struct sym *outer = shadowing;
		shadowing = c->params;
		pull_from(s, lib, c->body, 1);
		shadowing = outer;
	}
}

/* A tapset file's own probes (begin probes that fill its globals, as argv.stp's) come
   with the first of its globals a script uses, as in SystemTap, where a script takes
   whole tapset files. */
static void pull_file_probes(struct script *s, const struct script *lib, const char *file)
{
	for (const struct sym *g = s->globals; g; g = g->next)
		if (g->from_tapset && g->loc.file && !strcmp(g->loc.file, file))
			return; /* the file's probes came with that one */
	struct probe **t = &s->probes;
	while (*t)
		t = &(*t)->next;
	for (const struct probe *lp = lib->probes; lp; lp = lp->next) {
		if (lp->alias_kind || !lp->loc.file || strcmp(lp->loc.file, file))
			continue;
		struct probe *np = probe_clone(lp);
		*t = np;
		t = &np->next;
	}
}

static void pull_global(struct script *s, const struct script *lib, const char *name)
{
	if (has_global(s, name))
		return;
	for (const struct sym *p = shadowing; p; p = p->next)
		if (!strcmp(p->name, name))
			return;
	for (const struct sym *g = lib->globals; g; g = g->next) {
		if (strcmp(g->name, name))
			continue;
		if (g->loc.file)
			pull_file_probes(s, lib, g->loc.file);
		struct sym *c = xcalloc(1, sizeof *c);
		*c = *g;
		c->next = NULL;
		c->from_tapset = 1;
		struct sym **t = &s->globals;
		while (*t)
			t = &(*t)->next;
		*t = c;
		return;
	}
}

/* Is name given a value anywhere in n (so that in a script's function it is a local)? */
static int assigned(const struct node *n, const char *name)
{
	for (; n; n = n->next) {
		if ((n->kind == N_ASSIGN || n->kind == N_PREINC || n->kind == N_POSTINC) &&
		    n->a->kind == N_VAR && !strcmp(n->a->str, name))
			return 1;
		if (n->kind == N_FOREACH) {
			const struct foreach_info *f = n->ext;
			for (const struct node *k = f->keys; k; k = k->next)
				if (k->kind == N_VAR && !strcmp(k->str, name))
					return 1;
			if ((f->value && !strcmp(f->value->str, name)) || assigned(f->body, name))
				return 1;
		}
		if (assigned(n->a, name) || assigned(n->b, name) || assigned(n->c, name) || assigned(n->d, name))
			return 1;
	}
	return 0;
}

/* In a script's own function: arrays, and scalars it only reads, may be tapset globals
   (argv and argc); in the tapset's code and in probes every name may. */
static const struct node *script_fn_body;

static void pull_from(struct script *s, const struct script *lib, const struct node *n, int is_lib)
{
	for (; n; n = n->next) {
		if (n->kind == N_CALL && !builtin_of(n))
			pull_func(s, lib, n->str);
		if (is_lib && (n->kind == N_VAR || n->kind == N_INDEX || n->kind == N_IN))
			pull_global(s, lib, n->str);
		else if (!is_lib && (n->kind == N_INDEX || n->kind == N_IN ||
				     (n->kind == N_VAR && !assigned(script_fn_body, n->str))))
			pull_global(s, lib, n->str);
		if (n->kind == N_FOREACH) {
			const struct foreach_info *f = n->ext;
			pull_global(s, lib, f->array); /* arrays are global */
			pull_from(s, lib, f->slice, is_lib);
			pull_from(s, lib, f->limit, is_lib);
			pull_from(s, lib, f->body, is_lib);
		}
		pull_from(s, lib, n->a, is_lib);
		pull_from(s, lib, n->b, is_lib);
		pull_from(s, lib, n->c, is_lib);
		pull_from(s, lib, n->d, is_lib);
	}
}

int tapsets_link(struct script *s, struct script *lib)
{
	int before = diag_errors();
	struct probe *aliases = take_aliases(&s->probes);
	struct probe *lib_aliases = copy_aliases(lib->probes);
	/* The script's own aliases come first; chained aliases expand in later rounds. */
	struct probe **t = &aliases;
	while (*t)
		t = &(*t)->next;
	*t = lib_aliases;
	int rounds = 0;
	while (expand_aliases(s, aliases))
		if (++rounds > 20) {
			diag_error(s->probes ? s->probes->loc : (struct loc){ 0 }, "probe aliases nest too deeply");
			break;
		}
	/* Tapset functions use each other and tapset globals. */
	for (struct probe *p = s->probes; p; p = p->next) {
		pull_from(s, lib, p->cond, 1);
		pull_from(s, lib, p->body, 1);
	}
	for (struct func *f = s->funcs; f; f = f->next) {
		if (f->from_tapset)
			continue;
		const struct sym *outer = shadowing;
		shadowing = f->params;
		script_fn_body = f->body;
		pull_from(s, lib, f->body, 0);
		shadowing = outer;
	}
	return diag_errors() - before;
}
