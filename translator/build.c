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

/* Runs argv with stdout and stderr going to log; returns the exit status. */
static int run_logged(char *const argv[], const char *log, int verbose)
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
		FILE *f = fopen(log, "w");
		if (f && verbose <= 2) {
			dup2(fileno(f), 1);
			dup2(fileno(f), 2);
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

static int copy_file(const char *from, const char *to)
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

static int build_user(const struct build_request *r, const char *dir)
{
	char *inc1 = xasprintf("-I%s", r->runtime_dir);
	char *inc2 = xasprintf("-I%s/user", r->runtime_dir);
	char *log = xasprintf("%s/build.log", dir);
	const char *cc = getenv("CC") ? getenv("CC") : "cc";
	char *const argv[] = { (char *)cc, "-std=gnu11", "-O2", "-fwrapv", "-w", inc1, inc2,
			       (char *)r->c_file, "-o", (char *)r->out_path, NULL };
	int rc = run_logged(argv, log, r->verbose);
	if (rc) {
		show_log(log);
		fprintf(stderr, "tapc: compiling the user-space program failed\n");
	}
	return rc;
}

static int build_kernel(const struct build_request *r, const char *dir)
{
	char *kbuild = xasprintf("%s/Kbuild", dir);
	FILE *f = fopen(kbuild, "w");
	if (!f) {
		perror(kbuild);
		return -1;
	}
	/* The generated code mixes declarations and statements, as C99 allows. */
	fprintf(f, "obj-m := %s.o\nccflags-y := -I%s -I%s/kernel -Wno-declaration-after-statement "
		   "-Wno-unused-label -Wno-unused-function -Wno-unused-variable\n",
		r->name, r->runtime_dir, r->runtime_dir);
	fclose(f);
	char *mflag = xasprintf("M=%s", dir);
	char *log = xasprintf("%s/build.log", dir);
	char *jobs = xasprintf("-j%ld", sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1);
	char *const argv[] = { "make", "-C", (char *)r->kernel_dir, mflag, jobs, "modules", NULL };
	int rc = run_logged(argv, log, r->verbose);
	if (rc) {
		show_log(log);
		fprintf(stderr, "tapc: building the kernel module failed (kbuild in %s)\n", dir);
		return rc;
	}
	char *ko = xasprintf("%s/%s.ko", dir, r->name);
	if (copy_file(ko, r->out_path)) {
		fprintf(stderr, "tapc: cannot write %s: %s\n", r->out_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- the compile cache: an unchanged script skips kbuild ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211ULL;
	return h;
}

static uint64_t hash_file(uint64_t h, const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
		h = fnv(h, buf, n);
	if (f)
		fclose(f);
	return h;
}

static uint64_t hash_dir(uint64_t h, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		if (nm[0] != '.') {
			char *path = xasprintf("%s/%s", dir, nm);
			if (is_dir(path))
				h = hash_dir(h, path);
			else if (strstr(nm, ".c") || strstr(nm, ".h"))
				h = hash_file(fnv(h, nm, strlen(nm)), path);
			free(path);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return h;
}

/* The key covers the generated C (script, tapsets, options), the runtime sources,
   the module name and the target kernel's configuration. */
static char *cache_path(const struct build_request *r)
{
	const char *root = getenv("TAPC_CACHE");
	char *dir = root ? xstrdup(root)
			 : getenv("HOME") ? xasprintf("%s/.cache/tapc", getenv("HOME")) : xstrdup("/var/tmp/tapc-cache");
	if (!strcmp(dir, "off"))
		return NULL;
	uint64_t h = 1469598103934665603ULL;
	h = hash_file(h, r->c_file);
	h = hash_dir(h, r->runtime_dir);
	h = fnv(h, r->name, strlen(r->name) + 1);
	h = fnv(h, r->user ? "user" : "kernel", 6);
	if (!r->user) {
		char *config = xasprintf("%s/.config", r->kernel_dir);
		h = hash_file(h, config);
		h = fnv(h, r->kernel_dir, strlen(r->kernel_dir));
	}
	char *cmd = xasprintf("mkdir -p '%s'", dir);
	if (system(cmd) != 0)
		return NULL;
	return xasprintf("%s/%016llx%s", dir, (unsigned long long)h, r->user ? "" : ".ko");
}

int build_product(const struct build_request *r)
{
	char *dir = xstrdup(r->c_file);
	*strrchr(dir, '/') = '\0';
	char *cached = cache_path(r);
	if (cached && access(cached, R_OK) == 0 && copy_file(cached, r->out_path) == 0) {
		if (r->user)
			chmod(r->out_path, 0755);
		if (r->verbose)
			fprintf(stderr, "tapc: using the cached build %s\n", cached);
		return 0;
	}
	int rc = r->user ? build_user(r, dir) : build_kernel(r, dir);
	if (rc == 0 && cached && copy_file(r->out_path, cached) == 0 && r->user)
		chmod(cached, 0755);
	return rc;
}
