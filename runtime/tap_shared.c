/* The part of the runtime that does not depend on a script's globals or probes. */
#include "format.c"
#include "autoprint.c"
#include "string_fns.c"
#include "time_fns.c"
#include "errno_names.c"
