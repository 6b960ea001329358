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

/* An error the C compiler found on a script's line (through #line): reported as tapc's
   own, the caret under NEEDLE if the line has it. 0 if FILE is not a script source. */
int diag_compiler_error(const char *file, int line, const char *msg, const char *needle);

#endif
