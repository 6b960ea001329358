/* tapc: options, then the five passes (parse, elaborate, translate, build, run). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ast.h"
#include "build.h"
#include "codegen.h"
#include "diag.h"
#include "elaborate.h"
#include "parse.h"
#include "preprocess.h"
#include "probes.h"
#include "listing.h"
#include "tapsets.h"

char **parse_args;
int parse_nargs;

struct options {
	int last_pass;
	const char *script_text;   /* -e */
	const char *script_file;
	const char *module_name;   /* -m */
	int verbose;
	int keep;                  /* -k */
	int guru;                  /* -g */
	const char *output;        /* -o */
	const char *output_size;   /* -S SIZE[,N] */
	const char *cmd;           /* -c */
	const char *pid;           /* -x */
	const char *kernel;        /* -r */
	const char *bufsize_mb;    /* -s */
	const char *timeout;       /* -T */
	const char *interval;      /* --interval */
	int json;                  /* --json */
	const char *tapset_dirs[32]; /* -I, then the library's own */
	int ntapset_dirs;
	int user_runtime;
	int vm;
	int reads_input;           /* the script has input probes */
	const char *list_pattern;  /* -l / -L */
	int list_locals;
	struct codegen_options cg;
};

static void usage(FILE *out)
{
	fputs("Usage: tapc [OPTIONS] [FILE | -e SCRIPT] [ARGS...]\n"
	      "  -e SCRIPT      run SCRIPT given on the command line\n"
	      "  -p N           stop after pass N (1 parse, 2 elaborate, 3 C, 4 build)\n"
	      "  -m NAME        name the module NAME (pass 4 writes NAME.ko here)\n"
	      "  -r KVER|DIR    target kernel version or build directory\n"
	      "  -D NAME=VAL    set a limit such as MAXACTION or MAXSTRINGLEN\n"
	      "  -g             guru mode: allow embedded C\n"
	      "  -o FILE        send output to FILE (switch_file() goes on in FILE.1, FILE.2...)\n"
	      "  -S MB[,N]      with -o: output in FILE.0, FILE.1..., each up to MB megabytes;\n"
	      "                 only the last N files are kept\n"
	      "  -c CMD         run CMD while the probes are active; target() is its pid\n"
	      "  -x PID         target() is PID\n"
	      "  -s MB          output buffer size\n"
	      "  -T SEC         stop after SEC seconds\n"
	      "  --interval SEC print the statistics every SEC seconds (tapio -i)\n"
	      "  --json         print the statistics as JSON (tapio --json)\n"
	      "  -k             keep the temporary build directory\n"
	      "  -v             more messages\n"
	      "  --runtime=kernel|user   build a kernel module (default) or a user program\n"
	      "  --vm           run pass 5 (and -l/-L) inside a VM (for hosts that cannot load modules)\n",
	      out);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = xcalloc(cap, 1);
	size_t k;
	while ((k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += k;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
	}
	buf[n] = '\0';
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

/* Where the runtime, tapio and tapvm are: the source tree when tapc runs from its
   build tree, the installed locations otherwise. TAPC_RUNTIME overrides. */
static char *self_dir(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return xstrdup(".");
	buf[n] = '\0';
	*strrchr(buf, '/') = '\0';
	return xstrdup(buf);
}

static int in_build_tree(void)
{
	char *dir = self_dir();
	char *want = xasprintf("%s/translator", TAPC_BUILDDIR);
	int yes = !strcmp(dir, want);
	free(dir);
	free(want);
	return yes;
}

static const char *runtime_dir(void)
{
	if (getenv("TAPC_RUNTIME"))
		return getenv("TAPC_RUNTIME");
	return in_build_tree() ? TAPC_SRCDIR "/runtime" : TAPC_PKGDATADIR "/runtime";
}

static const char *tapset_dir(void)
{
	if (getenv("TAPC_TAPSETS"))
		return getenv("TAPC_TAPSETS");
	return in_build_tree() ? TAPC_SRCDIR "/tapset" : TAPC_PKGDATADIR "/tapset";
}

static char *tool_path(const char *tool)
{
	if (in_build_tree()) {
		if (!strcmp(tool, "tapvm"))
			return xstrdup(TAPC_SRCDIR "/testsuite/vm/tapvm");
		return xasprintf("%s/%s/%s", TAPC_BUILDDIR, tool, tool);
	}
	if (!strcmp(tool, "tapvm"))
		return xstrdup(TAPC_PKGLIBEXECDIR "/tapvm");
	return xasprintf("%s/%s", TAPC_BINDIR, tool);
}

/* Module names are C identifiers: tapc_ and a hash of the generated code. */
static char *default_name(const char *c_file)
{
	size_t len;
	char *text = read_file(c_file, &len);
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; text && i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
	free(text);
	return xasprintf("tapc_%012llx", (unsigned long long)(h & 0xffffffffffffULL));
}

static int valid_module_name(const char *s)
{
	if (!*s || strlen(s) > 55 || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static void add_define(struct options *o, const char *arg)
{
	struct define *d = xcalloc(1, sizeof *d);
	const char *eq = strchr(arg, '=');
	d->name = eq ? strndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
	d->value = xstrdup(eq ? eq + 1 : "1");
	d->next = o->cg.defines;
	o->cg.defines = d;
}

/* Single-quotes a word for /bin/sh. */
static char *shell_quote(const char *s)
{
	char *out = xstrdup("'");
	for (; *s; s++)
		out = *s == '\'' ? xasprintf("%s'\\''", out) : xasprintf("%s%c", out, *s);
	return xasprintf("%s'", out);
}

static int run_wait(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_in_vm(const struct options *o, const char *dir, char *const args[]);

/* Pass 5: tapio loads the module (in a VM with --vm); the user runtime just runs. */
static int run_product(const struct options *o, const char *product, const char *dir)
{
	if (o->user_runtime) {
		char *const argv[] = { (char *)product, (char *)(o->timeout ? o->timeout : "0"), NULL };
		return run_wait(argv);
	}
	char *tapio = tool_path("tapio");
	char *args[32];
	int n = 0;
	args[n++] = tapio;
	if (o->output) { args[n++] = "-o"; args[n++] = (char *)o->output; }
	if (o->output_size) { args[n++] = "-S"; args[n++] = (char *)o->output_size; }
	if (o->cmd) { args[n++] = "-c"; args[n++] = (char *)o->cmd; }
	if (o->pid) { args[n++] = "-x"; args[n++] = (char *)o->pid; }
	if (o->timeout) { args[n++] = "-T"; args[n++] = (char *)o->timeout; }
	if (o->bufsize_mb) { args[n++] = "-s"; args[n++] = (char *)o->bufsize_mb; }
	if (o->interval) { args[n++] = "-i"; args[n++] = (char *)o->interval; }
	if (o->json) args[n++] = "--json";
	args[n++] = (char *)product;
	args[n] = NULL;
	if (!o->vm)
		return run_wait(args);
	return run_in_vm(o, dir, args);
}

/* Runs args in the VM booted from the target kernel, sharing dir (if any) with it. */
static int run_in_vm(const struct options *o, const char *dir, char *const args[])
{
	char *cmd = xstrdup("");
	for (int i = 0; args[i]; i++)
		cmd = xasprintf("%s%s%s", cmd, i ? " " : "", shell_quote(args[i]));
	/* The guest's commands have no standard input: a script that reads it gets ours
	   from a file in the shared directory (a pipe or a file, read to its end now;
	   a terminal cannot be passed on). */
	if (o->reads_input && dir && !isatty(0)) {
		char *path = xasprintf("%s/stdin", dir);
		char *const cat[] = { "/bin/sh", "-c", "cat > \"$0\"", path, NULL };
		if (run_wait(cat) == 0)
			cmd = xasprintf("%s < %s", cmd, shell_quote(path));
	}
	char *tapvm = tool_path("tapvm");
	char *vmargs[12];
	int k = 0;
	vmargs[k++] = tapvm;
	if (dir) {
		vmargs[k++] = "-s";
		vmargs[k++] = (char *)dir;
	}
	/* tapio itself may live in a build tree the guest would not see (under /tmp). */
	if (in_build_tree()) {
		vmargs[k++] = "-s";
		vmargs[k++] = TAPC_BUILDDIR;
	}
	if (o->kernel && !strchr(o->kernel, '/')) {
		vmargs[k++] = "-k";
		vmargs[k++] = (char *)o->kernel;
	}
	vmargs[k++] = "--";
	vmargs[k++] = cmd;
	vmargs[k] = NULL;
	if (o->verbose)
		fprintf(stderr, "tapc: running in a VM: %s\n", cmd);
	return run_wait(vmargs);
}

static void remove_tree(const char *dir)
{
	char *const argv[] = { "/bin/rm", "-rf", (char *)dir, NULL };
	run_wait(argv);
}

int main(int argc, char **argv)
{
	struct options o = { .last_pass = 5 };
	enum { OPT_RUNTIME = 256, OPT_VM, OPT_HELP, OPT_INTERVAL, OPT_JSON };
	static const struct option longopts[] = {
		{ "runtime", required_argument, NULL, OPT_RUNTIME },
		{ "vm", no_argument, NULL, OPT_VM },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "+e:p:m:vkD:go:S:c:x:r:I:s:T:l:L:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e': o.script_text = optarg; break;
		case 'p':
			o.last_pass = atoi(optarg);
			if (o.last_pass < 1 || o.last_pass > 5) {
				fprintf(stderr, "tapc: -p takes a pass number from 1 to 5\n");
				return 1;
			}
			break;
		case 'm': o.module_name = optarg; break;
		case 'v': o.verbose++; break;
		case 'k': o.keep = 1; break;
		case 'D': add_define(&o, optarg); break;
		case 'g': o.guru = 1; break;
		case 'o': o.output = optarg; break;
		case 'S': o.output_size = optarg; break;
		case 'c': o.cmd = optarg; break;
		case 'x': o.pid = optarg; break;
		case 'r': o.kernel = optarg; break;
		case 'I':
			if (o.ntapset_dirs < 31)
				o.tapset_dirs[o.ntapset_dirs++] = optarg;
			break;
		case 's': o.bufsize_mb = optarg; break;
		case 'T': o.timeout = optarg; break;
		case 'l': case 'L':
			o.list_pattern = optarg;
			o.list_locals = ch == 'L';
			break;
		case OPT_RUNTIME:
			if (!strcmp(optarg, "user"))
				o.user_runtime = 1;
			else if (strcmp(optarg, "kernel")) {
				fprintf(stderr, "tapc: --runtime must be kernel or user\n");
				return 1;
			}
			break;
		case OPT_VM: o.vm = 1; break;
		case OPT_INTERVAL: o.interval = optarg; break;
		case OPT_JSON: o.json = 1; break;
		case 'h': case OPT_HELP: usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	/* kprobe.function patterns list the target kernel's functions: with --vm, the
	   listing runs where that kernel runs. */
	if (o.list_pattern && o.vm && !o.user_runtime && !getenv("TAPVM")) {
		char *self = xasprintf("%s/tapc", self_dir());
		char *args[8 + 2 * 32];
		int n = 0;
		args[n++] = self;
		args[n++] = o.list_locals ? "-L" : "-l";
		args[n++] = (char *)o.list_pattern;
		if (o.kernel) { args[n++] = "-r"; args[n++] = (char *)o.kernel; }
		for (int i = 0; i < o.ntapset_dirs; i++) { args[n++] = "-I"; args[n++] = (char *)o.tapset_dirs[i]; }
		args[n] = NULL;
		return run_in_vm(&o, NULL, args);
	}
	o.tapset_dirs[o.ntapset_dirs++] = tapset_dir();
	if (o.list_pattern) {
		probe_env.user_runtime = o.user_runtime;
	probe_env.guru = o.guru;
		char *kver = o.user_runtime ? NULL : o.kernel ? xstrdup(o.kernel) : build_default_kernel(0);
		if (kver)
			probe_env.kernel_dir = strchr(kver, '/') ? kver : xasprintf("/lib/modules/%s/build", kver);
		if (kver && !strchr(kver, '/'))
			probe_env.kernel_release = kver;
		struct script lib = { 0 };
		if (tapsets_load(&lib, o.tapset_dirs, o.ntapset_dirs))
			return 1;
		return list_probes(o.list_pattern, o.list_locals, &lib);
	}
	const char *file = "<input>";
	char *text;
	size_t len;
	if (o.script_text) {
		text = xstrdup(o.script_text);
		len = strlen(text);
	} else {
		if (optind >= argc) {
			usage(stderr);
			return 1;
		}
		file = argv[optind++];
		text = read_file(file, &len);
		if (!text) {
			fprintf(stderr, "tapc: cannot read %s: %s\n", file, strerror(errno));
			return 1;
		}
	}
	parse_args = argv + optind;
	parse_nargs = argc - optind;
	if (o.module_name && !valid_module_name(o.module_name)) {
		fprintf(stderr, "tapc: invalid module name '%s': use letters, digits and _\n", o.module_name);
		return 1;
	}

	/* pass 1: the preprocessor answers %( kernel_v ... %) for the target kernel */
	preprocess_set_guru(o.guru);
	parse_embedded_ok = o.guru;
	preprocess_set_runtime(o.user_runtime ? "dyninst" : "kernel");
	if (o.kernel && !strchr(o.kernel, '/'))
		preprocess_set_kernel(o.kernel);
	struct script script = { 0 };
	if (tapsets_load_macros(o.tapset_dirs, o.ntapset_dirs))
		return 1;
	diag_add_source(file, text, len);
	if (parse_source(&script, file, text, len))
		return 1;
	if (o.last_pass == 1) {
		ast_print(stdout, &script);
		return 0;
	}
	/* The target kernel: probe families read its headers in pass 2. */
	char *kver = NULL;
	if (!o.user_runtime) {
		kver = o.kernel ? xstrdup(o.kernel) : build_default_kernel(o.verbose);
		if (kver)
			probe_env.kernel_dir = strchr(kver, '/') ? kver : xasprintf("/lib/modules/%s/build", kver);
		if (kver && !strchr(kver, '/'))
			probe_env.kernel_release = kver;
	}
	probe_env.user_runtime = o.user_runtime;
	probe_env.guru = o.guru;

	/* pass 2: what the script uses from the tapsets comes in first */
	struct script lib = { 0 };
	if (tapsets_load(&lib, o.tapset_dirs, o.ntapset_dirs) || tapsets_link(&script, &lib))
		return 1;
	script.sites = probes_resolve(&script);
	for (const struct site *st = script.sites; st; st = st->next)
		o.reads_input |= !strcmp(st->kind, "TAP_PROBE_INPUT");
	if (!script.probes && !diag_errors()) {
		fprintf(stderr, "tapc: error: no probes found\n");
		return 1;
	}
	if (elaborate(&script, o.guru) || diag_errors())
		return 1;
	if (o.last_pass == 2) {
		elaborate_print(stdout, &script);
		return 0;
	}
	/* pass 3 */
	char tmpl[] = "/var/tmp/tapcXXXXXX";
	char *dir = mkdtemp(tmpl);
	if (!dir) {
		perror("tapc: mkdtemp");
		return 1;
	}
	char *c_file = xasprintf("%s/module.c", dir);
	FILE *out = fopen(c_file, "w");
	if (!out) {
		perror(c_file);
		return 1;
	}
	o.cg.stats_printed_whole = o.json || o.interval;
	int errors = codegen(out, &script, &o.cg);
	fclose(out);
	int rc = 0;
	if (errors) {
		rc = 1;
		goto done;
	}
	if (o.last_pass == 3) {
		size_t clen;
		char *c = read_file(c_file, &clen);
		fwrite(c, 1, clen, stdout);
		goto done;
	}
	/* pass 4 */
	char *name = o.module_name ? xstrdup(o.module_name) : default_name(c_file);
	char *final_c = xasprintf("%s/%s.c", dir, name);
	rename(c_file, final_c);
	struct build_request br = {
		.c_file = final_c, .name = name, .runtime_dir = runtime_dir(),
		.user = o.user_runtime, .verbose = o.verbose,
	};
	if (!o.user_runtime) {
		if (!kver) {
			fprintf(stderr, "tapc: no kernel build tree found under /lib/modules (install linux-headers)\n");
			rc = 1;
			goto done;
		}
		br.kernel_dir = probe_env.kernel_dir;
	}
	/* -p4 leaves the product in the current directory; pass 5 runs it from the temp dir. */
	if (o.last_pass == 4)
		br.out_path = o.user_runtime ? xstrdup(name) : xasprintf("%s.ko", name);
	else
		br.out_path = o.user_runtime ? xasprintf("%s/%s", dir, name) : xasprintf("%s/%s.ko", dir, name);
	if (build_product(&br)) {
		rc = 1;
		goto done;
	}
	if (o.last_pass == 4) {
		char *abs = realpath(br.out_path, NULL);
		printf("%s\n", abs ? abs : br.out_path);
		goto done;
	}
	/* pass 5 */
	fflush(stdout);
	rc = run_product(&o, br.out_path, dir);
done:
	if (o.keep)
		fprintf(stderr, "tapc: kept build directory %s\n", dir);
	else
		remove_tree(dir);
	return rc;
}
