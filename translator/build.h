/* Pass 4: compiles the generated C into a kernel module (kbuild) or a user program. */
#ifndef TAPC_BUILD_H
#define TAPC_BUILD_H

#include <stddef.h>

struct build_request {
	const char *c_file;      /* the generated C */
	const char *name;        /* module name */
	const char *runtime_dir; /* runtime/ sources */
	const char *kernel_dir;  /* /lib/modules/KVER/build */
	int user;                /* --runtime=user: an executable instead of a .ko */
	int verbose;
	const char *out_path;    /* where the product goes */
};

/* Returns 0 on success; on failure prints the compiler's messages. */
int build_product(const struct build_request *r);

/* Runs argv (in cwd unless NULL) with its output appended to log; the exit status. */
int build_run(char *const argv[], const char *log, int verbose, const char *cwd);

/* The whole file, NUL-terminated, or NULL. */

/* Copies a file (through a temporary and rename); 0 on success. */
int build_copy_file(const char *from, const char *to);

/* The newest /lib/modules/<kver>/build that exists (for -r default), or NULL. */
char *build_default_kernel(int verbose);

/* A cache directory: $ENV, else ~/.cache/tapc/SUB; NULL when $ENV is "off". */
char *build_cache_root(const char *env, const char *sub);

#endif
