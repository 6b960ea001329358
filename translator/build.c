/* Pass 4: kbuild for modules, cc for --runtime=user. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ast.h"
#include "build.h"
#include "diag.h"
#include "kbuild_replay.h"

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Versions compare by their numeric parts: 6.1.0-56 > 6.1.0-9. */
static int version_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
			if (x != y)
				return x < y ? -1 : 1;
		} else {
			if (*a != *b)
				return (unsigned char)*a - (unsigned char)*b;
			a++, b++;
		}
	}
	return (unsigned char)*a - (unsigned char)*b;
}

char *build_default_kernel(int verbose)
{
	struct utsname u;
	if (uname(&u) == 0) {
		char *dir = xasprintf("/lib/modules/%s/build", u.release);
		if (is_dir(dir))
			return xstrdup(u.release);
		free(dir);
	}
	DIR *d = opendir("/lib/modules");
	char *best = NULL;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *dir = xasprintf("/lib/modules/%s/build", e->d_name);
		if (is_dir(dir) && (!best || version_cmp(e->d_name, best) > 0)) {
			free(best);
			best = xstrdup(e->d_name);
		}
		free(dir);
	}
	if (d)
		closedir(d);
	if (best && verbose)
		fprintf(stderr, "tapc: the running kernel (%s) has no build tree; using %s\n", u.release, best);
	return best;
}

int build_run(char *const argv[], const char *log, int verbose, const char *cwd)
{
	if (verbose > 1) {
		fprintf(stderr, "tapc: running");
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
	}
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		FILE *f = fopen(log, "a");
		if (f && verbose <= 2) {
			dup2(fileno(f), 1);
			dup2(fileno(f), 2);
		}
		if (cwd && chdir(cwd)) {
			perror(cwd);
			_exit(127);
		}
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void show_log(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[4096];
	while (f && fgets(line, sizeof line, f))
		fputs(line, stderr);
	if (f)
		fclose(f);
}

/* Copies s without the compiler's typographic quotes (UTF-8 ‘ and ’ become '). */
static char *plain_quotes(const char *s)
{
	char *out = xstrdup(s), *o = out;
	for (; *s; s++) {
		if (!strncmp(s, "\xe2\x80\x98", 3) || !strncmp(s, "\xe2\x80\x99", 3)) {
			*o++ = '\'';
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	return out;
}

/* The compiler's errors in the script's own lines (member reads through kernel types
   carry #line): reported as tapc's errors, each once. Returns how many. */
static int script_errors(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[4096], *seen[64];
	int count = 0, nseen = 0;
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char *e = strstr(line, ": error: ");
		if (!e)
			continue;
		*e = 0;
		char *col = strrchr(line, ':'), *lno;
		if (!col)
			continue;
		*col = 0;
		lno = strrchr(line, ':');
		if (!lno)
			continue;
		*lno = 0;
		size_t len = strlen(line);
		if (len > 2 && (!strcmp(line + len - 2, ".c") || !strcmp(line + len - 2, ".h")))
			continue;
		/* the first error on a line is the cause; the rest follow from it */
		char *where = xasprintf("%s:%s", line, lno + 1);
		int again = 0;
		for (int i = 0; i < nseen && !again; i++)
			again = !strcmp(seen[i], where);
		if (again || nseen == 64) {
			free(where);
			continue;
		}
		seen[nseen++] = where;
		char *msg = plain_quotes(e + 9), *needle = NULL;
		/* "'struct X' has no member named 'm'": point at ->m */
		char *m = strstr(msg, "no member named '");
		if (m) {
			m += strlen("no member named '");
			needle = xasprintf("->%.*s", (int)strcspn(m, "'"), m);
		}
		/* "invalid use of undefined type 'struct X'": point at "X" */
		char *u = strstr(msg, "undefined type '");
		if (u && !needle) {
			u += strlen("undefined type '");
			if (!strncmp(u, "struct ", 7) || !strncmp(u, "union ", 6))
				u = strchr(u, ' ') + 1;
			needle = xasprintf("\"%.*s\"", (int)strcspn(u, "'"), u);
		}
		count += diag_compiler_error(line, atoi(lno + 1), msg, needle);
		free(needle);
		free(msg);
	}
	if (f)
		fclose(f);
	while (nseen)
		free(seen[--nseen]);
	return count;
}

int build_copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb");
	if (!in)
		return -1;
	char *tmp = xasprintf("%s.tmp%d", to, (int)getpid());
	FILE *out = fopen(tmp, "wb");
	if (!out) {
		fclose(in);
		free(tmp);
		return -1;
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	int rc = fclose(out) == 0 ? rename(tmp, to) : -1;
	free(tmp);
	return rc;
}

static int build_user(const struct build_request *r, const char *dir, const char *rt)
{
	char *inc1 = xasprintf("-I%s", rt);
	char *inc2 = xasprintf("-I%s/user", rt);
	char *log = xasprintf("%s/build.log", dir);
	const char *cc = getenv("CC") ? getenv("CC") : "cc";
	char *const argv[] = { (char *)cc, "-std=gnu11", "-O2", "-fwrapv", "-w", inc1, inc2,
			       (char *)r->c_file, "-o", (char *)r->out_path, NULL };
	int rc = build_run(argv, log, r->verbose, NULL);
	if (rc) {
		show_log(log);
		fprintf(stderr, "tapc: compiling the user-space program failed\n");
	}
	return rc;
}

/* ---- hashing (FNV-1a) for the cache keys ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211ULL;
	return h;
}

static uint64_t hash_file(uint64_t h, const char *path)
{
	size_t n;
	char *text = xread_file(path, &n);
	if (text)
		h = fnv(h, text, n);
	free(text);
	return h;
}

#define FNV_START 1469598103934665603ULL

char *build_cache_root(const char *env, const char *sub)
{
	const char *root = getenv(env);
	if (root && !strcmp(root, "off"))
		return NULL;
	char *dir = root ? xstrdup(root)
			 : getenv("HOME") ? xasprintf("%s/.cache/tapc%s", getenv("HOME"), sub)
					  : xasprintf("/var/tmp/tapc-cache%s", sub);
	char *cmd = xasprintf("mkdir -p '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	if (rc) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Where the recorded kbuild commands for this kernel and these flags live, or NULL
   when replaying is off. They outlive module cache entries (TAPC_CACHE=off or a fresh
   TAPC_CACHE still replays): $TAPC_KBUILD_CACHE, default ~/.cache/tapc/kbuild. */
static char *recipe_path(const struct build_request *r, const char *flags)
{
	const char *mode = getenv("TAPC_KBUILD_REPLAY");
	if (mode && !strcmp(mode, "off"))
		return NULL;
	char *root = build_cache_root("TAPC_KBUILD_CACHE", "/kbuild");
	if (!root)
		return NULL;
	uint64_t h = fnv(FNV_START, flags, strlen(flags));
	h = fnv(h, r->kernel_dir, strlen(r->kernel_dir) + 1);
	char *config = xasprintf("%s/.config", r->kernel_dir);
	h = hash_file(h, config);
	char *symvers = xasprintf("%s/Module.symvers", r->kernel_dir);
	struct stat st;
	if (stat(symvers, &st) == 0)
		h = fnv(fnv(h, &st.st_size, sizeof st.st_size), &st.st_mtime, sizeof st.st_mtime);
	char *path = xasprintf("%s/%016llx.recipe", root, (unsigned long long)h);
	free(root), free(config), free(symvers);
	return path;
}

/* Removes what a failed replay may have left, so that kbuild starts clean. */
static void clean_outputs(const char *dir, const char *name)
{
	static const char *const outs[] = { "%s/%s.o", "%s/%s.mod", "%s/%s.mod.c", "%s/%s.mod.o", "%s/%s.ko" };
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
		char *p = xasprintf(outs[i], dir, name);
		unlink(p);
		free(p);
	}
	char *p = xasprintf("%s/modules.order", dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/Module.symvers", dir);
	unlink(p);
	free(p);
}

static int build_kernel(const struct build_request *r, const char *dir, const char *rt, uint64_t rt_hash)
{
	char *kbuild = xasprintf("%s/Kbuild", dir);
	FILE *f = fopen(kbuild, "w");
	if (!f) {
		perror(kbuild);
		return -1;
	}
	/* The generated code mixes declarations and statements, as C99 allows.
	   No debug information: it doubles the compile time and nothing reads it. */
	static const char flags[] = "-Wno-declaration-after-statement -Wno-unused-label "
				    "-Wno-unused-function -Wno-unused-variable -g0";
	char *ccflags = xasprintf("-I%s -I%s/kernel %s", rt, rt, flags);
	fprintf(f, "obj-m := %s.o\nccflags-y := %s\n", r->name, ccflags);
	fclose(f);
	char *log = xasprintf("%s/build.log", dir);
	char *ko = xasprintf("%s/%s.ko", dir, r->name);
	char *recipe = recipe_path(r, flags);
	int rc = -1;
	if (recipe && access(recipe, R_OK) == 0) {
		rc = kbuild_replay(recipe, r, dir, log, rt_hash);
		if (rc) {
			if (r->verbose)
				fprintf(stderr, "tapc: replaying kbuild's commands failed; running kbuild\n");
			clean_outputs(dir, r->name);
		}
	}
	if (rc) {
		char *mflag = xasprintf("M=%s", dir);
		char *jobs = xasprintf("-j%ld", sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1);
		char *const argv[] = { "make", "-C", (char *)r->kernel_dir, mflag, jobs, "modules", NULL };
		rc = build_run(argv, log, r->verbose, NULL);
		if (rc) {
			if (r->verbose || !script_errors(log))
				show_log(log);
			fprintf(stderr, "tapc: building the kernel module failed (kbuild in %s)\n", dir);
			return rc;
		}
		if (recipe)
			kbuild_record(recipe, dir, r->name, r->verbose);
	}
	if (build_copy_file(ko, r->out_path)) {
		fprintf(stderr, "tapc: cannot write %s: %s\n", r->out_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- the compile cache: an unchanged script skips kbuild ---- */

/* Copies the runtime's sources from `from` into `to`, which is what gets compiled,
   and hashes exactly the bytes copied: a runtime edited during the build cannot
   leave a stale module under a new key. */
static int snapshot_runtime(const char *from, const char *to, uint64_t *h)
{
	if (mkdir(to, 0755) && errno != EEXIST)
		return -1;
	struct dirent **names;
	int n = scandir(from, &names, NULL, alphasort), rc = n < 0 ? -1 : 0;
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		char *src = xasprintf("%s/%s", from, nm), *dst = xasprintf("%s/%s", to, nm);
		size_t len, nl = strlen(nm);
		if (nm[0] == '.') {
		} else if (is_dir(src)) {
			*h = fnv(*h, nm, nl + 1);
			if (snapshot_runtime(src, dst, h))
				rc = -1;
		} else if (nl > 2 && nm[nl - 2] == '.' && (nm[nl - 1] == 'c' || nm[nl - 1] == 'h')) {
			char *text = xread_file(src, &len);
			FILE *f = text ? fopen(dst, "wb") : NULL;
			if (!f || fwrite(text, 1, len, f) != len || fclose(f))
				rc = -1;
			else
				*h = fnv(fnv(*h, nm, nl + 1), text, len);
			free(text);
		}
		free(src), free(dst), free(names[i]);
	}
	if (n >= 0)
		free(names);
	return rc;
}

/* The key covers the generated C (script, tapsets, options), the runtime sources as
   copied, the module name and the target kernel's configuration. */
static char *cache_path(const struct build_request *r, uint64_t runtime_hash)
{
	char *dir = build_cache_root("TAPC_CACHE", "");
	if (!dir)
		return NULL;
	uint64_t h = hash_file(FNV_START, r->c_file);
	h = fnv(h, &runtime_hash, sizeof runtime_hash);
	h = fnv(h, r->name, strlen(r->name) + 1);
	h = fnv(h, r->user ? "user" : "kernel", 6);
	if (!r->user) {
		char *config = xasprintf("%s/.config", r->kernel_dir);
		h = hash_file(h, config);
		h = fnv(h, r->kernel_dir, strlen(r->kernel_dir));
		free(config);
	}
	char *path = xasprintf("%s/%016llx%s", dir, (unsigned long long)h, r->user ? "" : ".ko");
	free(dir);
	return path;
}

int build_product(const struct build_request *r)
{
	char *dir = xstrdup(r->c_file);
	*strrchr(dir, '/') = '\0';
	char *rt = xasprintf("%s/runtime", dir);
	uint64_t rt_hash = FNV_START;
	if (snapshot_runtime(r->runtime_dir, rt, &rt_hash)) {
		fprintf(stderr, "tapc: cannot copy the runtime %s into %s\n", r->runtime_dir, rt);
		return -1;
	}
	char *cached = cache_path(r, rt_hash);
	if (cached && access(cached, R_OK) == 0 && build_copy_file(cached, r->out_path) == 0) {
		if (r->user)
			chmod(r->out_path, 0755);
		if (r->verbose)
			fprintf(stderr, "tapc: using the cached build %s\n", cached);
		return 0;
	}
	int rc = r->user ? build_user(r, dir, rt) : build_kernel(r, dir, rt, rt_hash);
	if (rc == 0 && cached && build_copy_file(r->out_path, cached) == 0 && r->user)
		chmod(cached, 0755);
	return rc;
}
