/* Replaying kbuild: the first module built for a kernel records the commands kbuild
   ran (from its .cmd files), with the build directory and module name made into
   placeholders; later modules run just those commands, which skips make's reading of
   the kernel's makefiles (about half of kbuild's time). Anything unexpected makes the
   caller fall back to real kbuild. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ast.h"
#include "build.h"
#include "kbuild_prebuilt.h"
#include "kbuild_replay.h"

/* The steps of one module build, in order, as their .cmd files name them. */
static const char *const steps[] = { "@NAME@.o", "Module.symvers", "@NAME@.mod.o", "@NAME@.ko" };
#define NSTEPS (sizeof steps / sizeof steps[0])
#define RECIPE_MAGIC "tapc-kbuild-recipe 1\n"

/* s with every `from` replaced by `to` (a new string). */
static char *subst(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0;
	for (const char *p = s; (p = strstr(p, from)); p += nf)
		n++;
	char *out = xcalloc(1, strlen(s) + n * nt + 1), *o = out;
	const char *p;
	while ((p = strstr(s, from))) {
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		memcpy(o, to, nt);
		o += nt;
		s = p + nf;
	}
	strcpy(o, s);
	return out;
}

static char *subst_free(char *s, const char *from, const char *to)
{
	char *r = subst(s, from, to);
	free(s);
	return r;
}

char *subst_placeholders(const char *tmpl, const char *dir, const char *name)
{
	return subst_free(subst(tmpl, "@DIR@", dir), "@NAME@", name);
}

/* The command saved in DIR/.TARGET.cmd ("cmd_TARGET := ..."), make's $$ unescaped. */
static char *read_cmd(const char *dir, const char *target)
{
	char *path = xasprintf("%s/.%s.cmd", dir, target);
	char *want = xasprintf("cmd_%s/%s := ", dir, target);
	FILE *f = fopen(path, "r");
	char *line = NULL, *cmd = NULL;
	size_t cap = 0;
	ssize_t n;
	while (f && !cmd && (n = getline(&line, &cap, f)) > 0) {
		if (strncmp(line, want, strlen(want)))
			continue;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		cmd = subst(line + strlen(want), "$$", "$");
	}
	if (f)
		fclose(f);
	free(line);
	free(path);
	free(want);
	return cmd;
}

/* Makes cmd independent of dir and name; NULL when name shows up anywhere else,
   where replacing it would be a guess. */
static char *generalize(const char *cmd, const char *dir, const char *name)
{
	static const char *const around[][2] = {
		{ "/", "." }, { "/.", "." }, { "\"", "\"" }, { "\"", "." }, { "kmod_", " " },
	};
	char *t = subst(cmd, dir, "@DIR@");
	for (size_t i = 0; i < sizeof around / sizeof around[0]; i++) {
		char *from = xasprintf("%s%s%s", around[i][0], name, around[i][1]);
		char *to = xasprintf("%s@NAME@%s", around[i][0], around[i][1]);
		t = subst_free(t, from, to);
		free(from);
		free(to);
	}
	char *back = subst_placeholders(t, dir, name);
	int ok = !strstr(t, name) && !strcmp(back, cmd);
	free(back);
	if (!ok) {
		free(t);
		return NULL;
	}
	return t;
}

void kbuild_record(const char *recipe, const char *dir, const char *name, int verbose)
{
	char *cmds[NSTEPS] = { 0 };
	int ok = 1;
	for (size_t i = 0; i < NSTEPS && ok; i++) {
		char *target = subst(steps[i], "@NAME@", name);
		char *cmd = read_cmd(dir, target);
		cmds[i] = cmd ? generalize(cmd, dir, name) : NULL;
		ok = cmds[i] && !strchr(cmds[i], '\n');
		free(cmd);
		free(target);
	}
	char *tmp = xasprintf("%s.tmp%d", recipe, (int)getpid());
	FILE *f = ok ? fopen(tmp, "w") : NULL;
	if (f) {
		fputs(RECIPE_MAGIC, f);
		for (size_t i = 0; i < NSTEPS; i++)
			fprintf(f, "%s\n", cmds[i]);
		if (fclose(f) == 0 && rename(tmp, recipe) == 0 && verbose)
			fprintf(stderr, "tapc: recorded kbuild's commands in %s\n", recipe);
	} else if (verbose) {
		fprintf(stderr, "tapc: kbuild's commands could not be recorded; the next build runs kbuild again\n");
	}
	unlink(tmp);
	free(tmp);
	for (size_t i = 0; i < NSTEPS; i++)
		free(cmds[i]);
}

static int run_sh(const char *cmd, const struct build_request *r, const char *log)
{
	char *const argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	return build_run(argv, log, r->verbose, r->kernel_dir);
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* ld -r of the module's object and the shared runtime object, with kbuild's linker
   flags (those of the .ko link, less its build id and linker script). */
static char *link_cmd(const char *ko_cmd, const char *obj, const char *shared)
{
	const char *o = strstr(ko_cmd, " -o ");
	if (strncmp(ko_cmd, "ld ", 3) || !o)
		return NULL;
	char *flags = xasprintf("%.*s", (int)(o - ko_cmd), ko_cmd);
	char *out = xstrdup("");
	for (char *save, *tok = strtok_r(flags, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!strcmp(tok, "-T")) {
			strtok_r(NULL, " ", &save);
			continue;
		}
		if (!strncmp(tok, "--build-id", 10))
			continue;
		char *next = xasprintf("%s%s ", out, tok);
		free(out);
		out = next;
	}
	char *cmd = xasprintf("%s-o %s.linked %s %s && mv %s.linked %s", out, obj, obj, shared, obj, obj);
	free(flags);
	free(out);
	return cmd;
}

int kbuild_replay(const char *recipe, const struct build_request *r, const char *dir, const char *log,
		  uint64_t runtime_hash)
{
	size_t len;
	char *text = xread_file(recipe, &len);
	if (!text || strncmp(text, RECIPE_MAGIC, strlen(RECIPE_MAGIC)))
		return -1;
	char *tmpls[NSTEPS], *cmds[NSTEPS];
	char *p = text + strlen(RECIPE_MAGIC);
	for (size_t i = 0; i < NSTEPS; i++) {
		char *nl = strchr(p, '\n');
		if (!nl)
			return -1;
		*nl = '\0';
		tmpls[i] = p;
		p = nl + 1;
	}
	/* The recipe's directory keeps what this kernel's builds share. */
	struct prebuilt pb;
	char *cache = xasprintf("%.*s.d", (int)(strlen(recipe) - strlen(".recipe")), recipe);
	mkdir(cache, 0755);
	prebuilt_get(&pb, cache, tmpls[0], tmpls[2], r, dir, log, runtime_hash);
	for (size_t i = 0; i < NSTEPS; i++) {
		char *cmd = subst_placeholders(tmpls[i], dir, r->name);
		cmds[i] = prebuilt_add_flags(cmd, i == 0 ? pb.script_flags : i == 2 ? pb.mod_flags : "");
		free(cmd);
	}
	char *obj = xasprintf("%s/%s.o", dir, r->name);
	char *link = pb.shared_obj ? link_cmd(cmds[3], obj, pb.shared_obj) : NULL;
	/* What kbuild writes between the compile and modpost. */
	char *mod = xasprintf("%s/%s.mod", dir, r->name), *mod_text = xasprintf("%s\n", obj);
	char *order = xasprintf("%s/modules.order", dir), *order_text = xasprintf("%s/%s.ko\n", dir, r->name);
	int rc = write_text(mod, mod_text) || write_text(order, order_text) || (pb.shared_obj && !link) ? -1 : 0;
	for (size_t i = 0; i < NSTEPS && rc == 0; i++) {
		rc = run_sh(cmds[i], r, log);
		if (i == 0 && rc == 0) {
			/* modpost reads the object's .cmd file, which kbuild writes with fixdep. */
			char *fixdep = subst_placeholders("scripts/basic/fixdep @DIR@/.@NAME@.o.d @DIR@/@NAME@.o "
						   "'replayed by tapc' > @DIR@/.@NAME@.o.cmd", dir, r->name);
			rc = run_sh(fixdep, r, log);
			free(fixdep);
			if (rc == 0 && link)
				rc = run_sh(link, r, log);
		}
	}
	char *ko = xasprintf("%s/%s.ko", dir, r->name);
	if (rc == 0 && access(ko, R_OK))
		rc = -1;
	for (size_t i = 0; i < NSTEPS; i++)
		free(cmds[i]);
	prebuilt_free(&pb);
	free(text), free(cache), free(obj), free(link);
	free(mod), free(mod_text), free(order), free(order_text), free(ko);
	return rc ? -1 : 0;
}
