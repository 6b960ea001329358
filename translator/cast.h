/* @cast(addr, "type"[, "module"])->member...: reading kernel memory through the kernel's
   own C types. SystemTap finds the type in debuginfo; tapc, which reads none, lets the C
   compiler find it in the kernel's headers: the ones named in "kernel<linux/a.h><b.h>",
   or a broad default set for "kernel" and "kernel:MODULE". A member that does not exist
   is then a compiler error at the script's line (codegen's #line). */
#ifndef TAPC_CAST_H
#define TAPC_CAST_H

#include <stdio.h>
#include "ast.h"

/* Is n an N_TARGET member chain whose root is @cast(...)? Sets *cast to the @cast node
   and *path to the C member path ("->a->b[2]"), which the caller frees. */
int cast_chain(const struct node *n, const struct node **cast, char **path);

/* The C pointer type @cast(...) casts to ("struct task_struct *"), or NULL with *why
   saying what is wrong with its arguments. */
const char *cast_ctype(const struct node *cast, const char **why);

/* The headers of the kernel's most used types (what "kernel" means). */
void cast_emit_default_headers(FILE *out);

/* The #include lines that the script's @casts need (each header once). */
void cast_emit_headers(FILE *out, const struct script *s);

#endif
