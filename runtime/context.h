/* The state of one running probe handler: limits, errors, locals, print buffer.
   Each CPU has its own (probes in atomic context), plus one for process context. */
#ifndef TAP_CONTEXT_H
#define TAP_CONTEXT_H

#include "tap_types.h"
#include "limits.h"
#include "tap_str.h"
#include "format.h"
#include "format_put.h"
#include "regex_match.h"

#define TAP_MAX_OWNED 32

struct tap_probe;

struct tap_ctx {
	long actions;           /* statements run by this probe so far */
	const char *error;      /* set by a runtime error; NULL while all is well */
	const char *error_near; /* "operator '/' at FILE:LINE:COL" */
	const char *near;       /* the call being made, for errors raised inside functions */
	int fatal;              /* not catchable by try/catch (MAXACTION) */
	int depth;              /* function nesting */
	int can_wait;           /* may sleep until the consumer makes room */
	int busy;               /* a handler is running on this context (reentrancy) */
	const struct tap_probe *probe; /* the probe running, for pp() */
	void *regs;             /* struct pt_regs of a kprobe or kretprobe hit, or a syscall's user registers */
	int64_t retval;         /* a system call's return value, in .return probes */
	int input_byte;         /* the byte of standard input an input probe is handling */
	int at_entry;           /* a return probe's handler runs at the function's entry ... */
	int64_t *entry;         /* ... to fill these slots, which it reads at the return */
	char *frames;           /* (MAXNESTING + 1) frames of locals */
	int nowned;             /* allocations freed when the probe ends */
	void *owned[TAP_MAX_OWNED];
	size_t olen;            /* bytes in obuf */
	char obuf[TAP_PRINT_BUF_SIZE];
	char errbuf[MAXSTRINGLEN];
	char tok[MAXSTRINGLEN]; /* tokenize(): the string being split ... */
	size_t tok_pos;         /* ... and where the next token starts */
	int64_t statbuf[2][TAP_STAT_WORDS]; /* merged statistics being read */
};

/* Platform layer: sends out what the print buffer holds (one record). */
void tap_output_flush(struct tap_ctx *c);
/* Platform layer: has the consumer display statistic id at exit from its own merge
   of the CPUs (seed 000); 0 when there is no such consumer and the runtime must. */
int tap_output_aggprint(struct tap_ctx *c, int id);
/* Platform layer: asks the consumer to stop the session. */
void tap_request_exit(void);
/* exit() in a script */
void tap_script_exit(void);

void tap_error(struct tap_ctx *c, const char *msg, const char *near);
void tap_print_str(struct tap_ctx *c, const char *s);
void tap_print_mem(struct tap_ctx *c, const char *s, size_t n);
void tap_print_long(struct tap_ctx *c, int64_t v);
void tap_printf(struct tap_ctx *c, const char *fmt, const struct tap_fmt_arg *args, int nargs);
char *tap_sprintf(char *dst, const char *fmt, const struct tap_fmt_arg *args, int nargs);

/* A compiled printf reserves the most its line can take, writes it with the
   format_put.h writers and commits the end.  NULL when n can never fit: the
   caller then calls tap_printf, which cuts the line as it always did. */
static inline char *tap_print_reserve(struct tap_ctx *c, size_t n)
{
	if (unlikely(n > sizeof c->obuf - c->olen)) {
		if (n >= sizeof c->obuf)
			return NULL;
		tap_output_flush(c);
	}
	return c->obuf + c->olen;
}

static inline void tap_print_commit(struct tap_ctx *c, const char *end)
{
	c->olen = (size_t)(end - c->obuf);
}

/* n statements are about to run (tapc counts a straight run of them, and a loop's
   round with its body's first statements, at once): count them against the budget,
   which, as in SystemTap, runs out when they reach it. */
#define TAP_ACTIONS(c, n, near, label) do { \
	if (unlikely(((c)->actions += (n)) >= MAXACTION_INTERRUPTIBLE)) { \
		tap_error((c), "MAXACTION exceeded", (near)); \
		(c)->fatal = 1; \
		goto label; \
	} } while (0)
#define TAP_ACTION(c, near, label) TAP_ACTIONS(c, 1, near, label)

#define TAP_CHECK(c, label) do { if (unlikely((c)->error != NULL)) goto label; } while (0)

static inline int64_t tap_div(struct tap_ctx *c, int64_t a, int64_t b, const char *near)
{
	if (unlikely(b == 0)) {
		tap_error(c, "division by 0", near);
		return 0;
	}
	if (unlikely(b == -1))  /* INT64_MIN / -1 traps on x86; wrap instead */
		return (int64_t)(0 - (uint64_t)a);
	return a / b;
}

static inline int64_t tap_mod(struct tap_ctx *c, int64_t a, int64_t b, const char *near)
{
	if (unlikely(b == 0)) {
		tap_error(c, "division by 0", near);
		return 0;
	}
	if (unlikely(b == -1))
		return 0;
	return a % b;
}

/* Shift counts use the low 6 bits, as the x86 instructions do. */
static inline int64_t tap_shl(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a << (b & 63));
}

static inline int64_t tap_shr(int64_t a, int64_t b)
{
	return a >> (b & 63);
}

#endif
