/* Everything a generated module includes: the portable runtime (tap_shared.c), built
   as one unit with the script, which ends by including the platform's tap_glue.c.
   When pass 4 replays kbuild (translator/kbuild_prebuilt.c), the script's own unit is
   compiled with TAP_PART_SCRIPT and gets only the declarations; tap_shared.c and
   tap_glue.c come from an object built once and cached. */
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
#include "script.h"
#ifndef TAP_PART_SCRIPT
#include "tap_shared.c"
#endif

#endif
