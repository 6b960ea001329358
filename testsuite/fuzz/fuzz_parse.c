/* libFuzzer target for the front end: arbitrary bytes go through the lexer, the
   preprocessor and the grammar (pass 1) and, when they parse, through alias
   expansion, probe point resolution and elaboration (pass 2).  No code generation.

   Besides crashes and sanitizer reports it checks the property testsuite/run-parse
   checks on parse-ok: what -p1 prints parses again, and prints the same.

   The front end never frees memory (tapc runs once); here every block it allocates
   with xcalloc during one input is freed after it (ast.c's arena), so memory stays
   flat over millions of runs.  A few small buffers (the preprocessor's token
   vectors) still leak: run with -detect_leaks=0.  Built and run by run-fuzz. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ast.h"
#include "diag.h"
#include "elaborate.h"
#include "kernel_btf.h"
#include "parse.h"
#include "preprocess.h"
#include "probes.h"
#include "tapsets.h"

/* Defined by tapc.c, whose main() is not linked in. */
char **parse_args;
int parse_nargs;

/* Not in the headers: only this program needs them. */
void ast_arena_begin(void);
void ast_arena_end(void);
void diag_reset(void);

static FILE *devnull;
static char *script_args[] = { "42", "text", NULL };

static int parse_text(struct script *s, const char *name, const char *text, size_t len)
{
	diag_add_source(name, text, len);
	return parse_source(s, name, text, len);
}

static char *print_script(const struct script *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		abort();
	ast_print(f, s);
	fclose(f);
	return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	parse_args = script_args;
	parse_nargs = 2;
	/* A fixed target, so that a crash reproduces on any machine. */
	preprocess_set_kernel("6.1.0-56-amd64");
	preprocess_set_arch("x86_64");
	/* Fill the caches the front end keeps across files (kernel release, .config,
	   system call numbers) before the arena starts: they must outlive a run. */
	static const char warm[] =
		"%( kernel_v >= \"1\" && kernel_vr != \"x\" && arch == \"x86_64\" && CONFIG_SMP == \"y\" %?"
		" probe begin { } %)";
	FILE *saved = stderr;
	stderr = devnull;
	struct script s = { 0 };
	parse_text(&s, "warmup.stp", warm, sizeof warm - 1);
	syscall_number("read");
	struct trace_param params[TAP_TRACE_MAX_ARGS];
	const char *why;
	kernel_func_params("vfs_read", params, TAP_TRACE_MAX_ARGS, &why); /* BTF or its absence */
	stderr = saved;
	diag_reset();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Errors are printed to stderr: send them nowhere (sanitizers write to fd 2). */
	FILE *saved = stderr;
	stderr = devnull;
	ast_arena_begin();
	char *text = xcalloc(size + 1, 1);
	memcpy(text, data, size);
	struct script s = { 0 };
	if (parse_text(&s, "fuzz.stp", text, size) == 0) {
		size_t len1, len2;
		char *p1 = print_script(&s, &len1);
		struct script again = { 0 };
		if (parse_text(&again, "printed.stp", p1, len1)) {
			stderr = saved;
			fprintf(stderr, "fuzz_parse: the -p1 output does not parse:\n%s\n", p1);
			abort();
		}
		char *p2 = print_script(&again, &len2);
		if (len1 != len2 || memcmp(p1, p2, len1)) {
			stderr = saved;
			fprintf(stderr, "fuzz_parse: the -p1 output does not print the same:\n%s\n----\n%s\n", p1, p2);
			abort();
		}
		free(p2);
		/* pass 2 as tapc does it, with an empty tapset library and no kernel tree */
		struct script lib = { 0 };
		if (tapsets_link(&s, &lib) == 0) {
			s.sites = probes_resolve(&s);
			elaborate(&s, (int)(size & 1));
		}
		free(p1);
	}
	ast_arena_end();
	diag_reset();
	stderr = saved;
	return 0;
}
