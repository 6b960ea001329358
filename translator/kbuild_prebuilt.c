/* What replayed builds reuse across modules, built once per kernel (and runtime) from
   the recorded compile commands and kept next to the recipe:
   - precompiled headers (gcc .gch) of the kernel headers the runtime includes, and of
     <linux/module.h> for kbuild's NAME.mod.c; gcc checks that a .gch fits the
     compilation and reads the headers themselves when it does not;
   - the runtime's shared part (runtime/tap_shared.c: formatting, string functions,
     maps, statistics, histograms, and the module glue: transport, /proc files, probe
     registration, context functions, snapshots), compiled with the script's -D limits
     into an object linked into each module, so a module compiles only its own code.
   Anything missing or failing here just means a slower build. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ast.h"
#include "build.h"
#include "kbuild_prebuilt.h"
#include "kbuild_replay.h"

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211ULL;
	return h;
}

/* h extended with the identity of the compiler cmd runs (its first word, found in
   PATH): its size and modification time, so that what an older compiler built (a .gch,
   the shared object) is not used by a newer one. */
static uint64_t compiler_hash(uint64_t h, const char *cmd)
{
	char name[256];
	const char *path = getenv("PATH");
	struct stat st;
	if (sscanf(cmd, " %255s", name) != 1 || !path)
		return h;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		char *file = xasprintf("%.*s/%s", (int)n, p, name);
		int found = strchr(name, '/') ? stat(name, &st) == 0 : stat(file, &st) == 0;
		free(file);
		if (found) {
			h = fnv(h, &st.st_size, sizeof st.st_size);
			return fnv(h, &st.st_mtime, sizeof st.st_mtime);
		}
		p += n + (p[n] == ':');
	}
	return h;
}

/* cmd with the compile's input and output (" -c -o OUT IN", and what follows it)
   replaced by `tail`; NULL when cmd does not look like that. */
static char *retarget(const char *cmd, const char *tail)
{
	const char *at = strstr(cmd, " -c -o ");
	if (!at)
		return NULL;
	return xasprintf("%.*s %s", (int)(at - cmd), cmd, tail);
}

char *prebuilt_add_flags(const char *cmd, const char *flags)
{
	const char *at = strstr(cmd, " -c -o ");
	if (!at || !flags || !*flags)
		return xstrdup(cmd);
	return xasprintf("%.*s %s%s", (int)(at - cmd), cmd, flags, at);
}

static int run_sh(const char *cmd, const struct build_request *r, const char *log)
{
	char *const argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	return build_run(argv, log, r->verbose, r->kernel_dir);
}

/* "-include HEADER" for a precompiled `text`, built with the compile command tmpl
   if the cache does not have it yet; "" when it cannot be built. */
static char *pch(const char *cache, const char *tag, const char *text, const char *tmpl,
		 const struct build_request *r, const char *dir, const char *log)
{
	uint64_t h = fnv(fnv(1469598103934665603ULL, text, strlen(text)), tmpl, strlen(tmpl));
	h = compiler_hash(h, tmpl);
	char *header = xasprintf("%s/%s-%016llx.h", cache, tag, (unsigned long long)h);
	char *gch = xasprintf("%s.gch", header);
	char *result = NULL;
	if (access(gch, R_OK)) {
		char *tmp_h = xasprintf("%s.tmp%d", header, (int)getpid());
		char *tmp_gch = xasprintf("%s.tmp%d", gch, (int)getpid());
		char *tail = xasprintf("-x c-header -o %s %s", tmp_gch, tmp_h);
		char *cmd = subst_placeholders(tmpl, dir, "tapc_pch");
		char *build = retarget(cmd, tail);
		FILE *f = fopen(tmp_h, "w");
		int ok = f && fputs(text, f) >= 0;
		if (f && fclose(f))
			ok = 0;
		if (ok && build)
			ok = run_sh(build, r, log) == 0 && rename(tmp_h, header) == 0 && rename(tmp_gch, gch) == 0;
		if (r->verbose && ok)
			fprintf(stderr, "tapc: precompiled headers %s\n", gch);
		unlink(tmp_h);
		unlink(tmp_gch);
		free(tmp_h), free(tmp_gch), free(tail), free(cmd), free(build);
		if (!ok)
			goto out;
	}
	result = xasprintf("-include %s", header);
out:
	free(header);
	free(gch);
	return result ? result : xstrdup("");
}

/* The text of every .c and .h file of the runtime copy in dir, one after another. */
static char *runtime_text(const char *dir)
{
	static const char *const subdirs[] = { "runtime", "runtime/kernel" };
	char *all = xstrdup("");
	for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		char *path = xasprintf("%s/%s", dir, subdirs[i]);
		struct dirent **names;
		int n = scandir(path, &names, NULL, alphasort);
		for (int j = 0; j < n; j++) {
			size_t len, nl = strlen(names[j]->d_name);
			char *file = xasprintf("%s/%s", path, names[j]->d_name);
			char *text = nl > 2 && names[j]->d_name[nl - 2] == '.' ? xread_file(file, &len) : NULL;
			if (text) {
				char *next = xasprintf("%s%s\n", all, text);
				free(all);
				all = next;
			}
			free(text), free(file), free(names[j]);
		}
		if (n >= 0)
			free(names);
		free(path);
	}
	return all;
}

/* The generated C's #define lines (tapc -D) of the limits the runtime lets a script
   change (an `#ifndef NAME` in any of its files): the shared part must see those, and
   no others, so that other -D options do not make it compile again. */
static char *script_defines(const char *c_file, const char *dir)
{
	size_t len;
	char *c = xread_file(c_file, &len);
	char *limits = runtime_text(dir);
	char *end = c ? strstr(c, "#include \"tap_runtime.h\"") : NULL;
	char *out = NULL;
	if (end) {
		*end = '\0';
		out = xstrdup("");
		for (char *save, *line = strtok_r(c, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char name[128];
			if (sscanf(line, "#define %127s", name) != 1)
				continue;
			char *guard = xasprintf("#ifndef %s\n", name);
			if (strstr(limits, guard)) {
				char *next = xasprintf("%s%s\n", out, line);
				free(out);
				out = next;
			}
			free(guard);
		}
	}
	free(c), free(limits);
	return out;
}

/* The cached object of the runtime's shared part for these -D limits, or NULL. */
static char *shared_object(const char *cache, const char *o_cmd, const char *flags,
			   const struct build_request *r, const char *dir, const char *log,
			   uint64_t runtime_hash)
{
	char *defines = script_defines(r->c_file, dir);
	if (!defines)
		return NULL;
	uint64_t h = fnv(fnv(1469598103934665603ULL, defines, strlen(defines)), o_cmd, strlen(o_cmd));
	h = fnv(fnv(h, flags, strlen(flags)), &runtime_hash, sizeof runtime_hash);
	h = compiler_hash(h, o_cmd);
	char *obj = xasprintf("%s/shared-%016llx.o", cache, (unsigned long long)h);
	if (access(obj, R_OK) == 0) {
		free(defines);
		return obj;
	}
	/* Compiled in the module's directory, as "tapc_shared", like any kbuild object. */
	char *src = xasprintf("%s/tapc_shared.c", dir), *out = xasprintf("%s/tapc_shared.o", dir);
	char *tmp = xasprintf("%s.tmp%d", obj, (int)getpid());
	FILE *f = fopen(src, "w");
	int ok = f && fprintf(f, "%s#include \"tap_runtime.h\"\n#include \"tap_glue.c\"\n", defines) > 0;
	if (f && fclose(f))
		ok = 0;
	char *cmd = ok ? subst_placeholders(o_cmd, dir, "tapc_shared") : NULL;
	char *full = cmd ? prebuilt_add_flags(cmd, flags) : NULL;
	ok = ok && full && run_sh(full, r, log) == 0;
	ok = ok && build_copy_file(out, tmp) == 0 && rename(tmp, obj) == 0;
	unlink(tmp);
	free(defines), free(src), free(out), free(tmp), free(cmd), free(full);
	if (!ok) {
		free(obj);
		return NULL;
	}
	return obj;
}

/* "-include HEADER" for the precompiled runtime/kernel/NAME, or "". */
static char *runtime_pch(const char *cache, const char *name, const char *o_cmd,
			 const struct build_request *r, const char *dir, const char *log)
{
	size_t len;
	char *path = xasprintf("%s/runtime/kernel/%s.h", dir, name);
	char *text = xread_file(path, &len);
	char *include = text ? pch(cache, name, text, o_cmd, r, dir, log) : xstrdup("");
	free(path), free(text);
	return include;
}

void prebuilt_get(struct prebuilt *pb, const char *cache, const char *o_cmd, const char *mod_cmd,
		  const struct build_request *r, const char *dir, const char *log, uint64_t runtime_hash)
{
	char *include = runtime_pch(cache, "kheaders", o_cmd, r, dir, log);
	pb->mod_flags = pch(cache, "modheaders", "#include <linux/module.h>\n", mod_cmd, r, dir, log);
	pb->shared_obj = shared_object(cache, o_cmd, include, r, dir, log, runtime_hash);
	if (pb->shared_obj) {
		/* The script's unit then includes only the runtime's headers. */
		char *script = runtime_pch(cache, "kheaders_script", o_cmd, r, dir, log);
		pb->script_flags = xasprintf("%s -DTAP_PART_SCRIPT", script);
		free(script);
	} else {
		pb->script_flags = xstrdup(include);
	}
	free(include);
}

void prebuilt_free(struct prebuilt *pb)
{
	free(pb->script_flags);
	free(pb->mod_flags);
	free(pb->shared_obj);
}
