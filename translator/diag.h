/* Compiler diagnostics: "FILE:LINE:COL: error: message", the source line and a caret. */
#ifndef TAPC_DIAG_H
#define TAPC_DIAG_H

#include <stddef.h>
#include "ast.h"

/* Remembers a source text so that errors can quote its lines. */
void diag_add_source(const char *file, const char *text, size_t len);
void diag_error(struct loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_warning(struct loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int diag_errors(void);

#endif
