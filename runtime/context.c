/* Errors and printing into the probe's print buffer (portable part). */
#include "context.h"
#include "probes.h"

void tap_error(struct tap_ctx *c, const char *msg, const char *near)
{
	if (c->error)
		return; /* the first error is the one reported */
	c->error = msg;
	c->error_near = near ? near : c->near;
}

/* Printing stops once an argument has failed: print(1/0) prints nothing. */
void tap_print_mem(struct tap_ctx *c, const char *s, size_t n)
{
	if (unlikely(c->error))
		return;
	while (n) {
		size_t room = sizeof c->obuf - c->olen;
		if (!room) {
			tap_output_flush(c);
			continue;
		}
		size_t k = n < room ? n : room;
		memcpy(c->obuf + c->olen, s, k);
		c->olen += k;
		s += k;
		n -= k;
	}
}

void tap_print_str(struct tap_ctx *c, const char *s)
{
	tap_print_mem(c, s, strnlen(s, MAXSTRINGLEN));
}

void tap_print_long(struct tap_ctx *c, int64_t v)
{
	char tmp[24];

	tap_print_mem(c, tmp, (size_t)(tap_put_dec(tmp, v) - tmp));
}

void tap_printf(struct tap_ctx *c, const char *fmt, const struct tap_fmt_arg *args, int nargs)
{
	if (unlikely(c->error))
		return;
	size_t room = sizeof c->obuf - c->olen;
	size_t n = tap_format(c->obuf + c->olen, room, fmt, args, nargs);
	if (n < room) {
		c->olen += n;
		return;
	}
	/* Did not fit: send what we have and format again into the empty buffer;
	   output longer than the whole buffer is cut at its size. */
	tap_output_flush(c);
	n = tap_format(c->obuf, sizeof c->obuf, fmt, args, nargs);
	c->olen = n < sizeof c->obuf ? n : sizeof c->obuf - 1;
}

char *tap_sprintf(char *dst, const char *fmt, const struct tap_fmt_arg *args, int nargs)
{
	tap_format(dst, MAXSTRINGLEN, fmt, args, nargs);
	return dst;
}

/* probe_type(): SystemTap's name for the kind of handler running. Its syscall
   probes are kprobes, its timers with a unit hrtimers, its input a procfs file. */
const char *tap_fn_probe_type(struct tap_ctx *c, char *out)
{
	static const char *const names[] = {
		[TAP_PROBE_BEGIN] = "begin_end", [TAP_PROBE_END] = "begin_end",
		[TAP_PROBE_ERROR] = "begin_end", [TAP_PROBE_NEVER] = "begin_end",
		[TAP_PROBE_TIMER] = "hrtimer", [TAP_PROBE_TIMER_JIFFIES] = "timer",
		[TAP_PROBE_PROFILE] = "profile_timer",
		[TAP_PROBE_KPROBE] = "kprobe", [TAP_PROBE_KRETPROBE] = "kretprobe",
		[TAP_PROBE_TRACEPOINT] = "kernel_tracepoint",
		[TAP_PROBE_SYSCALL] = "kprobe", [TAP_PROBE_SYSCALL_RETURN] = "kretprobe",
		[TAP_PROBE_INPUT] = "procfs", [TAP_PROBE_NETFILTER] = "netfilter",
		[TAP_PROBE_PROCFS_READ] = "procfs", [TAP_PROBE_PROCFS_WRITE] = "procfs",
	};
	unsigned kind = c->probe ? (unsigned)c->probe->kind : ~0u;
	return tap_strcpy(out, kind < sizeof names / sizeof names[0] && names[kind] ? names[kind] : "");
}
