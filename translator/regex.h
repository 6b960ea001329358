/* `=~`: regular expressions compiled to a DFA at translate time (regex.c). */
#ifndef TAPC_REGEX_H
#define TAPC_REGEX_H

#include <stdint.h>
#include <stdio.h>

struct regex {
	int nclasses, start, nstates;
	uint16_t classes[258];       /* class of each byte, then of start and end of string */
	uint16_t *next;              /* next[state * nclasses + class] */
	unsigned char *accept;       /* per state: a match has been seen */
};

/* NULL with *error set for a bad or too large pattern. */
struct regex *regex_compile(const char *pattern, const char **error);
void regex_free(struct regex *re);
/* Writes block-scope declarations of the tables and `static const struct tap_regex
   NAME` (runtime/regex_match.h). */
void regex_emit(FILE *out, const struct regex *re, const char *name);

#endif
