/* Pass 3: the module's C source. */
#ifndef TAPC_CODEGEN_H
#define TAPC_CODEGEN_H

#include <stdio.h>
#include "ast.h"

/* -D NAME=VALUE */
struct define {
	char *name, *value;
	struct define *next;
};

struct codegen_options {
	struct define *defines;
	int stats_printed_whole;   /* tapio --json / -i prints count, sum, min and max of all */
};

/* Writes the C; returns the number of errors. */
int codegen(FILE *out, struct script *s, const struct codegen_options *opt);

#endif
