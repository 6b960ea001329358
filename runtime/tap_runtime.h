/* Everything a generated module includes: the portable runtime, built as one unit. */
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
#include "format.c"
#include "context.c"
#include "map.c"
#include "agg.c"
#include "hist.c"
#include "autoprint.c"
#include "string_fns.c"
#include "errno_names.c"

#endif
