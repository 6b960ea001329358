/* Replaying kbuild's recorded commands instead of running make (see kbuild_replay.c). */
#ifndef TAPC_KBUILD_REPLAY_H
#define TAPC_KBUILD_REPLAY_H

#include <stdint.h>
#include "build.h"

/* tmpl with @DIR@ and @NAME@ replaced. */
char *subst_placeholders(const char *tmpl, const char *dir, const char *name);

/* After kbuild built NAME.ko in dir: saves its commands as the recipe file. */
void kbuild_record(const char *recipe, const char *dir, const char *name, int verbose);

/* Builds r->name.ko in dir by the recipe; 0 on success, -1 when kbuild must run. */
int kbuild_replay(const char *recipe, const struct build_request *r, const char *dir, const char *log,
		  uint64_t runtime_hash);

#endif
