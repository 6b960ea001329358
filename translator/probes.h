/* Probe points: each family (begin/end, timers, kprobes, ...) turns the points it
   recognizes into sites, which codegen emits into the module's probe table. */
#ifndef TAPC_PROBES_H
#define TAPC_PROBES_H

#include "ast.h"

/* A tracepoint argument: its name and how its C type widens to a long. */
enum { TC_LONG, TC_S32, TC_U32, TC_S16, TC_U16, TC_S8, TC_U8 };
/* or'ed into a conversion: the value is a function's argument, read from the registers
   at its entry (tap_regs_arg), not a tracepoint's (tap_trace_arg) */
#define TC_FROM_REGS 0x10
#define TAP_TRACE_MAX_ARGS 6
struct trace_param {
	char *name;
	int conv;
	char *ctype;            /* its C type ("struct request *"), if known */
	char *cexpr;            /* user probes: the C expression that reads it */
	int is_string;          /* cexpr is a string ($$name of an SDT marker) */
};
#define TAP_SITE_MAX_PARAMS 16

struct site {
	struct probe *probe;
	const char *kind;       /* the runtime's enum tap_probe_kind name */
	long priority;
	char *pp;               /* canonical probe point text, for pp() */
	char *pn;               /* the point as the script named it (an alias), for pn() */
	int64_t period;         /* timers */
	int64_t randomize;
	const char *symbol;     /* kprobes, tracepoints */
	int maxactive;
	int optional;
	int nr;                 /* system call number; netfilter hook number */
	int pf;                 /* netfilter protocol family */
	char *header;           /* tracepoints: "trace/events/SYSTEM.h", which declares them */
	const char *btf_func;   /* kernel.function entries: the function whose parameters the
				   kernel's BTF gives, loaded into params on first use */
	int btf_loaded;
	const char *btf_why;    /* why they are not there */
	int nparams;            /* tracepoints: TP_PROTO's parameters */
	struct trace_param params[TAP_SITE_MAX_PARAMS];
	char *path;             /* user probes: the ELF file (a real path) ... */
	uint64_t offset;        /* ... the probed instruction's file offset in it ... */
	uint64_t refctr;        /* ... and an SDT semaphore's file offset (0: none) */
	int user_function;      /* process(...).function(...): $params would need DWARF */
	struct site *next;
};

/* The index of tracepoint parameter NAME ("pid" for $pid) in every site of probe P,
   the same in each and with the same conversion (*conv); -1 if any site lacks it. */
int probe_target_param(const struct site *sites, const struct probe *p, const char *name, int *conv);

/* $name->member...: parameter NAME's index, conversion and C type, the same in every site
   of P, when that type is a pointer to a struct or union; -1 otherwise. */
int probe_target_member(const struct site *sites, const struct probe *p, const char *name, int *conv,
			const char **ctype);

/* Is target "$name->a.b->c" (a parameter, then members: "->" first)? Sets *name and
   *path ("->a.b->c"), which the caller frees. */
int target_member_path(const char *target, char **name, char **path);

/* The names of P's parameters (of its first point: the others must have them too). */
int probe_param_names(const struct site *sites, const struct probe *p, const char **names, int max);
/* Why P's function parameters are not known (no BTF...), or NULL. */
const char *probe_params_missing(const struct site *sites, const struct probe *p);

/* Returns the list of sites; reports unknown or malformed probe points. */
struct site *probes_resolve(struct script *s);

/* The probe point as text: "timer.s(1)", "begin". */
char *probe_point_text(const struct probe_point *pp);

/* Families: each returns 1 if it recognized the point (adding sites), 0 if not. */
int probe_special_match(struct probe *p, struct probe_point *pp, struct site ***tail);
int probe_timer_match(struct probe *p, struct probe_point *pp, struct site ***tail);
int probe_kprobe_match(struct probe *p, struct probe_point *pp, struct site ***tail);

/* What the probe families need to know about the target. */
struct probe_env {
	int user_runtime;
	int guru;               /* -g */
	const char *kernel_dir; /* /lib/modules/KVER/build */
	const char *kernel_release; /* KVER, unless -r named a build directory */
};
extern struct probe_env probe_env;

int probe_syscall_match(struct probe *p, struct probe_point *pp, struct site ***tail);
int syscall_number(const char *name);
int syscall_names(const char ***names);
/* The name of system call nr ("read" for 0), or NULL. */
const char *syscall_name_of(int nr);
int probe_trace_match(struct probe *p, struct probe_point *pp, struct site ***tail);
int probe_netfilter_match(struct probe *p, struct probe_point *pp, struct site ***tail);
int probe_process_match(struct probe *p, struct probe_point *pp, struct site ***tail);
/* The ELF files a process("PATH") names (glob or $PATH search), real paths; the count. */
int probe_process_files(const char *spec, char ***out);
int probe_procfs_match(struct probe *p, struct probe_point *pp, struct site ***tail);
/* Are all of P's points procfs files (where $value is the file's text)? */
int probe_is_procfs(const struct site *sites, const struct probe *p);
/* Target variables that are not parameters, as N_TARGET's num: a procfs probe's $value
   (a string), a return probe's $return (the function's return value). */
#define TARGET_PROCFS_VALUE (-2)
#define TARGET_RETURN (-3)
/* $$parms, $$vars, $$locals, $$return: "name=0x.. name=0x.." of the values in its a list */
#define TARGET_PARMS (-4)
/* Are all of P's points function returns (kretprobes)? */
int probe_is_return(const struct site *sites, const struct probe *p);
/* Which of those $name is in every point of P, or 0. */
int probe_special_target(const struct site *sites, const struct probe *p, const char *name);

/* A new site for p at pp, appended through *tail. */
struct site *site_add(struct probe *p, struct probe_point *pp, const char *kind, struct site ***tail);

#endif
