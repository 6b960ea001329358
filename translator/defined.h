/* Pass 2, before type inference: a probe whose points offer different target
   variables is split per kind of point; then @defined(...) becomes 0 or 1 and the
   code it rules out is removed. */
#ifndef TAPC_DEFINED_H
#define TAPC_DEFINED_H

#include "ast.h"

void fold_defined(struct script *s);

#endif
