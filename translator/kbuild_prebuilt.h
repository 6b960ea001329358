/* Precompiled headers and the runtime's shared object for replayed builds. */
#ifndef TAPC_KBUILD_PREBUILT_H
#define TAPC_KBUILD_PREBUILT_H

#include <stdint.h>
#include "build.h"

struct prebuilt {
	char *script_flags; /* added to the module's compile: a precompiled header, the split */
	char *mod_flags;    /* added to NAME.mod.c's compile */
	char *shared_obj;   /* linked into the module; NULL: the module compiles it all */
};

/* Fills pb from `cache`, building what is missing with the recipe's compile commands
   o_cmd and mod_cmd (placeholders not yet replaced). */
void prebuilt_get(struct prebuilt *pb, const char *cache, const char *o_cmd, const char *mod_cmd,
		  const struct build_request *r, const char *dir, const char *log, uint64_t runtime_hash);
void prebuilt_free(struct prebuilt *pb);

/* cmd with flags inserted before its " -c -o OUT IN". */
char *prebuilt_add_flags(const char *cmd, const char *flags);

#endif
