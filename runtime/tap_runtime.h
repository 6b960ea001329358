/* Everything a generated module includes: the portable runtime, built as one unit.
   When pass 4 replays kbuild (translator/kbuild_prebuilt.c), the script's own unit is
   compiled with TAP_PART_SCRIPT and tap_shared.c comes from a cached object built
   with TAP_PART_SHARED. */
#ifndef TAP_RUNTIME_H
#define TAP_RUNTIME_H

#include "tap_types.h"
#include "limits.h"
#include "context.h"
#include "probes.h"
#include "map.h"
#include "agg.h"
#include "locks.h"
#include "functions.h"
#ifndef TAP_PART_SCRIPT
#include "tap_shared.c"
#endif
#ifndef TAP_PART_SHARED
#include "context.c"
#include "map.c"
#include "agg.c"
#include "hist.c"
#endif

#endif
