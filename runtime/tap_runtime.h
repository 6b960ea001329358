/* Everything a generated module includes: the portable runtime, built as one unit. */
#ifndef TAP_RUNTIME_H
#define TAP_RUNTIME_H

#include "tap_types.h"
#include "limits.h"
#include "context.h"
#include "probes.h"
#include "format.c"
#include "context.c"

#endif
