/* The tapset library: parsed once, taken from on demand. */
#ifndef TAPC_TAPSETS_H
#define TAPC_TAPSETS_H

#include "ast.h"

/* Parses every *.stp file in the directories into lib; returns the number of errors. */
int tapsets_load(struct script *lib, const char **dirs, int ndirs);

/* Defines the @define macros of every *.stpm file in the directories for the scripts
   parsed after it; returns the number of errors. */
int tapsets_load_macros(const char **dirs, int ndirs);

/* Expands probe aliases (the script's and the library's) and copies into s the library
   functions and globals it uses. Returns the number of errors. */
int tapsets_link(struct script *s, struct script *lib);

/* Does a probe point pattern (with * wildcards) match a probe point's name? */
int tapsets_point_matches(const struct probe_point *pattern, const struct probe_point *name);

#endif
