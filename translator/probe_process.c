/* process("PATH").function("NAME")[.return] and process("PATH").mark("NAME"): user-space
   probes (uprobes), resolved on the build host. The guest sees the host's files at the
   same paths, so a file offset found here is right there. PATH may be a glob, or a bare
   program name looked up in $PATH; NAME is an fnmatch pattern. Each (file, function or
   marker) becomes its own site, named by the real path as SystemTap names it. */
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "diag.h"
#include "elf_probes.h"
#include "probes.h"

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A bare name ("ls"): the first executable of that name in $PATH, as a shell finds it. */
static char *search_path(const char *name)
{
	const char *env = getenv("PATH");
	char *dirs = xstrdup(env && *env ? env : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *d ? d : ".", name);
		struct stat st;
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && !access(cand, X_OK))
			return cand;
	}
	return NULL;
}

/* The ELF files PATH names, real paths, sorted and without duplicates; the count. */
int probe_process_files(const char *spec, char ***out)
{
	char **files = NULL;
	size_t n = 0;
	glob_t g = { 0 };
	char *found[2] = { NULL, NULL };
	*out = NULL;
	if (!strchr(spec, '/')) {
		found[0] = search_path(spec);
		if (found[0]) {
			g.gl_pathc = 1;
			g.gl_pathv = found;
		}
	} else if (glob(spec, 0, NULL, &g)) {
		g.gl_pathc = 0;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *real = realpath(g.gl_pathv[i], NULL);
		struct stat st;
		if (!real || stat(real, &st) || !S_ISREG(st.st_mode) || !elf_probes_is_elf(real))
			continue;
		files = realloc(files, (n + 1) * sizeof *files);
		if (!files)
			abort();
		files[n++] = real;
	}
	if (strchr(spec, '/'))
		globfree(&g);
	if (n)
		qsort(files, n, sizeof *files, by_str);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || strcmp(files[k - 1], files[i]))
			files[k++] = files[i];
	*out = files;
	return (int)k;
}

/* ---- SDT arguments ("-4@%edi", "8@-16(%rbp)", "4@$5") as C expressions ---- */

/* x86_64 register names, by width, for the pt_regs field that holds them. */
static const struct { const char *field, *names[4]; } gprs[] = {
	{ "ax", { "rax", "eax", "ax", "al" } }, { "bx", { "rbx", "ebx", "bx", "bl" } },
	{ "cx", { "rcx", "ecx", "cx", "cl" } }, { "dx", { "rdx", "edx", "dx", "dl" } },
	{ "si", { "rsi", "esi", "si", "sil" } }, { "di", { "rdi", "edi", "di", "dil" } },
	{ "bp", { "rbp", "ebp", "bp", "bpl" } }, { "sp", { "rsp", "esp", "sp", "spl" } },
	{ "r8", { "r8", "r8d", "r8w", "r8b" } }, { "r9", { "r9", "r9d", "r9w", "r9b" } },
	{ "r10", { "r10", "r10d", "r10w", "r10b" } }, { "r11", { "r11", "r11d", "r11w", "r11b" } },
	{ "r12", { "r12", "r12d", "r12w", "r12b" } }, { "r13", { "r13", "r13d", "r13w", "r13b" } },
	{ "r14", { "r14", "r14d", "r14w", "r14b" } }, { "r15", { "r15", "r15d", "r15w", "r15b" } },
	{ "ip", { "rip", "eip", "ip", NULL } },
};

static const char *reg_field(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof gprs / sizeof gprs[0]; i++)
		for (int w = 0; w < 4; w++)
			if (gprs[i].names[w] && strlen(gprs[i].names[w]) == len && !strncmp(gprs[i].names[w], name, len))
				return gprs[i].field;
	return NULL;
}

/* One argument spec as a C expression of type int64_t, or NULL for a form tapc does not
   read (an index register, a symbol). size is signed: -4 is a signed 4-byte value. */
static char *sdt_arg_expr(const char *spec)
{
	long size = 8;
	const char *at = strchr(spec, '@');
	char *end;
	if (at) {
		size = strtol(spec, &end, 10);
		if (end != at || !size || labs(size) > 8 || (labs(size) & (labs(size) - 1)))
			return NULL;
		spec = at + 1;
	}
	if (spec[0] == '$') {
		long long v = strtoll(spec + 1, &end, 0);
		if (*end || end == spec + 1)
			return NULL;
		return xasprintf("tap_sdt_value(%lldLL, %ld)", v, size);
	}
	if (spec[0] == '%') {
		const char *f = reg_field(spec + 1, strlen(spec + 1));
		return f && strcmp(f, "ip") ? xasprintf("tap_sdt_reg(c, offsetof(struct pt_regs, %s), %ld)", f, size) : NULL;
	}
	/* disp(%reg) */
	long long disp = 0;
	if (spec[0] != '(') {
		disp = strtoll(spec, &end, 0);
		if (end == spec)
			return NULL;
		spec = end;
	}
	if (spec[0] != '(' || spec[1] != '%')
		return NULL;
	const char *close = strchr(spec, ')');
	if (!close || close[1])
		return NULL;
	const char *f = reg_field(spec + 2, (size_t)(close - spec - 2));
	if (!f || !strcmp(f, "ip"))
		return NULL;
	return xasprintf("tap_sdt_mem(c, offsetof(struct pt_regs, %s), %lldLL, %ld)", f, disp, size);
}

static void add_param(struct site *s, const char *name, char *cexpr, int is_string)
{
	if (s->nparams >= TAP_SITE_MAX_PARAMS)
		return;
	struct trace_param *p = &s->params[s->nparams++];
	p->name = xstrdup(name);
	p->conv = TC_LONG;
	p->cexpr = cexpr;
	p->is_string = is_string;
}

static char *c_string(const char *s)
{
	char *out = xstrdup("\"");
	for (; *s; s++)
		out = (*s == '"' || *s == '\\') ? xasprintf("%s\\%c", out, *s)
		      : (*s < 32 || *s > 126) ? xasprintf("%s\\%03o", out, (unsigned char)*s)
					      : xasprintf("%s%c", out, *s);
	return xasprintf("%s\"", out);
}

/* $arg1..$argN, $$name and $$provider of a marker. An argument tapc cannot read is left
   out, so that using it is a located error and @defined of it is 0. */
static void mark_params(struct site *s, const struct elf_mark *m)
{
	char *args = xstrdup(m->args), *save = NULL;
	int i = 0;
	for (char *a = strtok_r(args, " ", &save); a; a = strtok_r(NULL, " ", &save)) {
		char *e = sdt_arg_expr(a), *name = xasprintf("arg%d", ++i);
		if (e)
			add_param(s, name, e, 0);
	}
	add_param(s, "$name", c_string(m->name), 1);
	add_param(s, "$provider", c_string(m->provider), 1);
}

/* ---- the family ---- */

static struct site *add_site(struct probe *p, struct probe_point *pp, const char *kind, const char *file,
			     struct site ***tail)
{
	struct site *s = site_add(p, pp, kind, tail);
	s->path = xstrdup(file);
	return s;
}

/* Adds a site per matching function or marker of file; the count. */
static int resolve_file(struct probe *p, struct probe_point *pp, const char *file, int mark, int ret,
			const char *name, struct site ***tail)
{
	int n = 0;
	if (mark) {
		struct elf_mark *m;
		int nm = elf_probes_marks(file, name, &m);
		for (int i = 0; i < nm; i++, n++) {
			struct site *s = add_site(p, pp, "TAP_PROBE_UPROBE", file, tail);
			s->pp = xasprintf("process(\"%s\").mark(\"%s\")", file, m[i].name);
			s->symbol = "";
			s->offset = m[i].offset;
			s->refctr = m[i].semaphore;
			mark_params(s, &m[i]);
		}
		return n;
	}
	struct elf_func *f;
	int nf = elf_probes_functions(file, name, &f);
	for (int i = 0; i < nf; i++, n++) {
		struct site *s = add_site(p, pp, ret ? "TAP_PROBE_URETPROBE" : "TAP_PROBE_UPROBE", file, tail);
		s->pp = xasprintf("process(\"%s\").function(\"%s\")%s", file, f[i].name, ret ? ".return" : "");
		s->symbol = f[i].name;
		s->offset = f[i].offset;
		s->user_function = 1;
	}
	return n;
}

int probe_process_match(struct probe *p, struct probe_point *pp, struct site ***tail)
{
	const struct probe_comp *c = pp->comps;
	if (strcmp(c->name, "process"))
		return 0;
	const char *text = probe_point_text(pp);
	if (!c->arg || c->arg->kind != N_STR || !c->next || !c->next->arg || c->next->arg->kind != N_STR ||
	    (strcmp(c->next->name, "function") && strcmp(c->next->name, "mark"))) {
		diag_error(pp->loc, "probe point '%s': tapc supports process(\"PATH\").function(\"NAME\")"
				    "[.return] and process(\"PATH\").mark(\"NAME\")", text);
		return 1;
	}
	if (probe_env.user_runtime) {
		diag_error(pp->loc, "probe point '%s' needs the kernel runtime (uprobes)", text);
		return 1;
	}
	int mark = !strcmp(c->next->name, "mark"), ret = 0;
	const char *name = c->next->arg->str;
	for (const struct probe_comp *r = c->next->next; r; r = r->next) {
		if (!mark && !ret && !strcmp(r->name, "return") && !r->arg) {
			ret = 1;
		} else {
			diag_error(pp->loc, "probe point '%s': unexpected '%s'", text, r->name);
			return 1;
		}
	}
	char **files;
	int nfiles = probe_process_files(c->arg->str, &files), found = 0;
	if (!nfiles) {
		if (!pp->optional)
			diag_error(pp->loc, "probe point '%s': no ELF file matches \"%s\"", text, c->arg->str);
		return 1;
	}
	for (int i = 0; i < nfiles; i++)
		found += resolve_file(p, pp, files[i], mark, ret, name, tail);
	if (!found && !pp->optional)
		diag_error(pp->loc, "probe point '%s': no %s matches \"%s\" in %s%s", text,
			   mark ? "SDT marker" : "function", name, files[0], nfiles > 1 ? " or the other files" : "");
	return 1;
}
