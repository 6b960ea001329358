/* tapc -l / -L */
#ifndef TAPC_LISTING_H
#define TAPC_LISTING_H

#include "ast.h"

/* Prints the probe points matching pattern (with their variables if with_locals). */
int list_probes(const char *pattern, int with_locals, struct script *lib);

#endif
