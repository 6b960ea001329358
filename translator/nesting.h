/* How deep user functions may call each other: the default MAXNESTING. */
#ifndef TAPC_NESTING_H
#define TAPC_NESTING_H

#include "ast.h"

int script_max_nesting(const struct script *s);

#endif
