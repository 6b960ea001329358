/* Pass 2: resolve names, infer types, check what SystemTap checks. */
#ifndef TAPC_ELABORATE_H
#define TAPC_ELABORATE_H

#include "ast.h"

/* Built-in functions the translator implements itself (not in a tapset). */
enum builtin_id {
	B_NONE, B_PRINT, B_PRINTLN, B_PRINTF, B_SPRINTF, B_PRINTD, B_PRINTDLN, B_EXIT, B_ERROR,
};

/* Returns the number of errors. */
int elaborate(struct script *s, int guru);

/* pass 2 output: probes, globals and functions with their types */
void elaborate_print(FILE *out, const struct script *s);

enum builtin_id builtin_of(const struct node *call);

#endif
