/* Pass 1 entry points shared by the lexer, the grammar and the driver. */
#ifndef TAPC_PARSE_H
#define TAPC_PARSE_H

#include <stddef.h>
#include "ast.h"

/* Command-line arguments for $1/@1/$#. */
extern char **parse_args;
extern int parse_nargs;
/* Embedded C %{ %} is accepted in tapsets and, with -g, in scripts. */
extern int parse_embedded_ok;

/* Parses one file (script or tapset) and appends its declarations to *s.
   Returns the number of errors. */
int parse_source(struct script *s, const char *file, const char *text, size_t len);

void lex_begin(const char *file, const char *text, size_t len);
void lex_end(void);
void parse_embed_begin(void);
void parse_embed_add(const char *text);
char *parse_embed_end(void);

#endif
