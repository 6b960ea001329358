/* What the generated code defines for the runtime: its probe table, statistics and
   globals. The runtime reaches them only through these names, so that it can be
   compiled once, apart from any script (translator/kbuild_prebuilt.c). */
#ifndef TAP_SCRIPT_H
#define TAP_SCRIPT_H

#include "agg.h"
#include "probes.h"

extern const struct tap_probe tap_probes[];
extern const int tap_nprobes;
extern struct tap_agg_spec tap_agg_specs[];
extern const int tap_naggs;
extern struct tap_aggs tap_aggs;

int tap_globals_init(int ncpus);
void tap_globals_free(void);
/* The end-of-session display of globals written but never read. */
void tap_autoprint(struct tap_ctx *c);
/* Bytes of one call frame: the largest probe or function frame. */
size_t tap_frame_size(void);

#endif
