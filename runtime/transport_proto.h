/* The byte stream a module sends to tapio: records of a header and a payload.
   Shared by the module and tapio, so only fixed-size types. */
#ifndef TAP_TRANSPORT_PROTO_H
#define TAP_TRANSPORT_PROTO_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

enum tap_rec_type {
	TAP_REC_OUT = 1,   /* script output, for stdout */
	TAP_REC_ERR = 2,   /* an "ERROR: ..." or "WARNING: ..." line, for stderr */
	TAP_REC_EXIT = 3,  /* the script called exit() or failed: tapio should stop it */
	TAP_REC_DONE = 4,  /* end probes have run; payload: struct tap_rec_done */
	TAP_REC_STARTED = 5, /* begin probes have run and event probes are armed;
				payload: u32 TAP_STARTED_* flags */
	TAP_REC_AGGPRINT = 6, /* at exit: print aggregation (u32 id) from tapio's merge */
	TAP_REC_SYSTEM = 7,   /* system(cmd): tapio runs the payload with sh -c, not waiting */
	TAP_REC_SWITCHFILE = 8, /* switch_file(): with -o, output goes on in the next file */
};

/* The script has input probes: tapio passes its standard input on to
   /proc/tapc-NAME/input, where each byte fires them. */
#define TAP_STARTED_INPUT 1u

struct tap_rec_hdr {
	uint32_t type;
	uint32_t len;      /* payload bytes that follow */
};

struct tap_rec_done {
	uint64_t errors;       /* runtime errors reported */
	uint64_t lost_lines;   /* output lines dropped because the buffer was full */
	uint64_t skipped;      /* probe hits skipped (reentrancy, overload) */
};

/* /proc/tapc-NAME/dict: one line per aggregation (the dictionary of seed 000):
     ID NAME NKEYS KEYTYPES HIST START STOP INTERVAL NBUCKETS KEEP
   KEYTYPES is one letter per key part, L (long) or S (string), or - for none; KEEP
   says which of sum (1), min (2) and max (4) the module keeps besides the count.
   /proc/tapc-NAME/aggs: a snapshot of every CPU's data sets, each one
   struct tap_snap_hdr, then 8 + NBUCKETS 64-bit words (count, sum, min, max,
   four words of variance state, histogram), then the key parts: a long is 8 bytes,
   a string a 16-bit length and its bytes. */
/* A statistic without histogram or @variance keeps, besides its count, only what the
   script reads (@sum/@avg, @min, @max); printed whole it keeps all (tapc's codegen). */
enum { TAP_KEEP_SUM = 1, TAP_KEEP_MIN = 2, TAP_KEEP_MAX = 4, TAP_KEEP_ALL = 7 };

struct tap_snap_hdr {
	uint16_t id;
	uint16_t cpu;
	uint32_t size;     /* bytes of this data set, header included */
};
#define TAP_SNAP_STAT_WORDS 8

/* tapio writes these words to the module's ctl file. */
#define TAP_CTL_START "start"
#define TAP_CTL_STOP "stop"

#endif
