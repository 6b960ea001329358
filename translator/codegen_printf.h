/* Pass 3: printf and sprintf with a literal format, compiled into direct writes. */
#ifndef TAPC_CODEGEN_PRINTF_H
#define TAPC_CODEGEN_PRINTF_H

#include <stdio.h>
#include "ast.h"

/* Writes the C expression of printf(fmt, args...) (sprintf_tmp < 0) or of
   sprintf into the string temporary f->t<sprintf_tmp>; gen_arg(g, a) writes the C
   of one argument into the same stream.  Returns 0, having written nothing, when
   the format is better left to the general tap_printf/tap_sprintf. */
int gen_printf_compiled(FILE *out, const char *fmt, struct node *args, int sprintf_tmp,
			void (*gen_arg)(void *g, struct node *a), void *g);

/* s[0..n) as a C string literal: octal escapes never run into the next
   character, and no trigraphs. */
void emit_cstring_n(FILE *out, const char *s, size_t n);

#endif
