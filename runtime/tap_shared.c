/* The portable part of the runtime: it does not depend on a script. The platform's
   tap_glue.c (kernel module or user program) comes after it, and reaches the script's
   probes and globals only through script.h. */
#include "format.c"
#include "autoprint.c"
#include "string_fns.c"
#include "time_fns.c"
#include "errno_names.c"
#include "stack_syms.c"
#include "context.c"
#include "map.c"
#include "agg.c"
#include "hist.c"
