/* The probe table every generated module carries; the platform glue registers it. */
#ifndef TAP_PROBES_H
#define TAP_PROBES_H

#include "context.h"

enum tap_probe_kind {
	TAP_PROBE_BEGIN, TAP_PROBE_END, TAP_PROBE_ERROR, TAP_PROBE_NEVER,
	TAP_PROBE_TIMER,       /* timer.s/ms/us/ns/hz(N): one timer */
	TAP_PROBE_TIMER_JIFFIES,
	TAP_PROBE_PROFILE,     /* timer.profile: every CPU, every tick */
	TAP_PROBE_KPROBE, TAP_PROBE_KRETPROBE,
	TAP_PROBE_TRACEPOINT,
	TAP_PROBE_SYSCALL, TAP_PROBE_SYSCALL_RETURN,
	TAP_PROBE_INPUT,       /* a byte of the session's standard input (tapset/input.stp) */
	TAP_PROBE_NETFILTER,   /* netfilter.hook(...).pf(...): nr is the hook, pf the family */
	TAP_PROBE_UPROBE,      /* process(PATH).function(F) or .mark(M): path and offset */
	TAP_PROBE_URETPROBE,   /* process(PATH).function(F).return */
	/* procfs("NAME").read/.write: symbol is the file, period the read buffer's size
	   (0: the default), nr the umask (-1: none) */
	TAP_PROBE_PROCFS_READ, TAP_PROBE_PROCFS_WRITE,
};

struct tap_probe {
	void (*handler)(struct tap_ctx *c);
	enum tap_probe_kind kind;
	long priority;          /* begin(N)/end(N)/error(N): lower runs first */
	const char *pp;         /* the probe point as written, for pp() */
	const char *pn;         /* the alias the script named (pp for other points), for pn() */
	/* Takes the locks of the globals the handler uses; 0 if they stay busy. */
	int (*lock)(void);
	void (*unlock)(void);
	int64_t period;         /* timers: ns, or jiffies for TIMER_JIFFIES */
	int64_t randomize;      /* timers: up to this much added to each period */
	const char *symbol;     /* kprobes: function; tracepoints: "system:name" or "name" */
	int maxactive;          /* kretprobes */
	int optional;           /* `?`: a point that cannot be armed is skipped, not an error */
	int nr;                 /* system call number; netfilter hook */
	int pf;                 /* netfilter protocol family */
	const char *path;       /* uprobes: the ELF file ... */
	unsigned long long offset;  /* ... the probed instruction's file offset ... */
	unsigned long long refctr;  /* ... and an SDT semaphore's file offset, 0 for none */
	int entry_slots;        /* kretprobes: values taken at the entry (@entry, parameters) */
};

#endif
