/* Functions scripts can call that are written in the runtime's C (context, strings). */
#ifndef TAPC_BUILTINS_H
#define TAPC_BUILTINS_H

#include "ast.h"

struct cbuiltin {
	const char *name;
	enum type ret;
	int nargs;
	enum type args[4];
	const char *cname;   /* tap_fn_NAME(c[, out], args...) */
};

/* The runtime function for name(nargs), or NULL. */
const struct cbuiltin *cbuiltin_find(const char *name, int nargs);
/* Any arity: for "wrong number of arguments" errors. */
/* The one of name's overloads whose first argument has type first (sprint of a string). */
const struct cbuiltin *cbuiltin_find_typed(const char *name, int nargs, enum type first);
int cbuiltin_exists(const char *name);
/* The i-th entry's name, or NULL past the end: for "did you mean" suggestions. */
const char *cbuiltin_name(size_t i);

#endif
