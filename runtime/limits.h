/* Script limits; each can be overridden with tapc -D NAME=VALUE. */
#ifndef TAP_LIMITS_H
#define TAP_LIMITS_H

#ifndef MAXSTRINGLEN
#define MAXSTRINGLEN 512
#endif
#ifndef MAXACTION
#define MAXACTION 1000
#endif
/* SystemTap 4.8 runs every probe "interruptible", so the budget a probe really gets is
   this one; -D MAXACTION=N scales it as there. */
#ifndef MAXACTION_INTERRUPTIBLE
#define MAXACTION_INTERRUPTIBLE (MAXACTION * 10)
#endif
#ifndef MAXNESTING
#define MAXNESTING 10
#endif
#ifndef MAXERRORS
#define MAXERRORS 0
#endif
#ifndef MAXSKIPPED
#define MAXSKIPPED 100
#endif
/* Most frames a backtrace shows. */
#ifndef MAXBACKTRACE
#define MAXBACKTRACE 20
#endif
#ifndef MAXMAPENTRIES
#define MAXMAPENTRIES 2048
#endif
/* One probe's output is collected here and sent as one record. */
#ifndef TAP_PRINT_BUF_SIZE
#define TAP_PRINT_BUF_SIZE 8192
#endif

/* Room for one statistic's value with the largest histogram, in 64-bit words. */
#define TAP_STAT_WORDS 140
/* Memory each CPU may use for statistics data sets. */
#ifndef TAP_AGG_POOL_MB
#define TAP_AGG_POOL_MB 8
#endif

#endif
