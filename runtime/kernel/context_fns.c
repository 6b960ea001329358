/* The kernel side of functions.h: the current task, time, and fault-safe memory reads. */
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/task_stack.h>
#include <linux/cred.h>
#include <linux/ptrace.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/random.h>
#include <linux/timex.h>
#include <linux/kallsyms.h>

int64_t tap_fn_pid(struct tap_ctx *c) { return current->tgid; }
int64_t tap_fn_tid(struct tap_ctx *c) { return current->pid; }
int64_t tap_fn_uid(struct tap_ctx *c) { return from_kuid_munged(current_user_ns(), current_uid()); }
int64_t tap_fn_gid(struct tap_ctx *c) { return from_kgid_munged(current_user_ns(), current_gid()); }
int64_t tap_fn_euid(struct tap_ctx *c) { return from_kuid_munged(current_user_ns(), current_euid()); }
int64_t tap_fn_egid(struct tap_ctx *c) { return from_kgid_munged(current_user_ns(), current_egid()); }
int64_t tap_fn_cpu(struct tap_ctx *c) { return raw_smp_processor_id(); }
int64_t tap_fn_target(struct tap_ctx *c) { return target; }

int64_t tap_fn_ppid(struct tap_ctx *c)
{
	int64_t pid;
	rcu_read_lock();
	pid = rcu_dereference(current->real_parent)->tgid;
	rcu_read_unlock();
	return pid;
}

const char *tap_fn_execname(struct tap_ctx *c, char *out)
{
	char comm[TASK_COMM_LEN];
	if (MAXSTRINGLEN >= TASK_COMM_LEN) {
		/* The name without the task lock, as SystemTap reads it: a rename racing
		   with us may mix old and new bytes, but the last byte stays a NUL. Two
		   word copies instead of a lock and three byte loops. */
		memcpy(out, current->comm, TASK_COMM_LEN);
		out[TASK_COMM_LEN - 1] = '\0';
		return out;
	}
	get_task_comm(comm, current);
	return tap_strcpy(out, comm);
}

const char *tap_fn_pexecname(struct tap_ctx *c, char *out)
{
	char comm[TASK_COMM_LEN];
	rcu_read_lock();
	get_task_comm(comm, rcu_dereference(current->real_parent));
	rcu_read_unlock();
	return tap_strcpy(out, comm);
}

const char *tap_fn_pp(struct tap_ctx *c, char *out)
{
	return tap_strcpy(out, c->probe ? c->probe->pp : "");
}

const char *tap_fn_probefunc(struct tap_ctx *c, char *out)
{
	const struct tap_probe *p = c->probe;
	if (p && (p->kind == TAP_PROBE_KPROBE || p->kind == TAP_PROBE_KRETPROBE ||
		  p->kind == TAP_PROBE_UPROBE || p->kind == TAP_PROBE_URETPROBE))
		return tap_strcpy(out, p->symbol);
	return tap_strcpy(out, "");
}

int64_t tap_fn_returnval(struct tap_ctx *c)
{
	if (!c->regs || !c->probe || !tap_fn_is_return(c)) {
		tap_error(c, "cannot access function return value in this context", NULL);
		return 0;
	}
	return (int64_t)regs_return_value((struct pt_regs *)c->regs);
}

/* guru mode: $return = v in a .return probe is what the caller gets */
int64_t tap_set_returnval(struct tap_ctx *c, int64_t v)
{
	if (!c->regs || !c->probe || c->probe->kind != TAP_PROBE_KRETPROBE || c->at_entry) {
		tap_error(c, "cannot set the return value in this context", NULL);
		return 0;
	}
	regs_set_return_value((struct pt_regs *)c->regs, (unsigned long)v);
	return v;
}

int64_t tap_fn_is_return(struct tap_ctx *c)
{
	return c->probe && (c->probe->kind == TAP_PROBE_KRETPROBE || c->probe->kind == TAP_PROBE_URETPROBE);
}

/* 1 when the probe interrupted user code: a uprobe's always, timer.profile's when the
   tick interrupted user code (its registers are those of whatever it interrupted). A kprobe's are kernel registers, a system
   call's are the user registers saved at entry while the probe runs in the kernel, and
   tracepoints and timers have none: all kernel mode, as in SystemTap. */
int64_t tap_fn_user_mode(struct tap_ctx *c)
{
	const struct tap_probe *p = c->probe;
	if (p && (p->kind == TAP_PROBE_UPROBE || p->kind == TAP_PROBE_URETPROBE))
		return 1;
	if (!p || !c->regs || p->kind != TAP_PROBE_PROFILE)
		return 0;
	return user_mode((struct pt_regs *)c->regs) ? 1 : 0;
}

/* The instruction pointer of the registers the probe has: a kprobe's (in the kernel),
   a uprobe's (in user space), timer.profile's (user or kernel, see user_mode()); 0 for
   the others. */
int64_t tap_fn_addr(struct tap_ctx *c)
{
	const struct tap_probe *p = c->probe;
	if (!p || !c->regs || (p->kind != TAP_PROBE_PROFILE && p->kind != TAP_PROBE_KPROBE &&
			       p->kind != TAP_PROBE_KRETPROBE && p->kind != TAP_PROBE_UPROBE &&
			       p->kind != TAP_PROBE_URETPROBE))
		return 0;
	return (int64_t)instruction_pointer((struct pt_regs *)c->regs);
}

/* The kernel function containing addr, from the running kernel's symbol table; the
   address in hex (%p) when there is none, as SystemTap prints it. */
const char *tap_fn_symname(struct tap_ctx *c, char *out, int64_t addr)
{
	char sym[KSYM_SYMBOL_LEN];
	char *module;
	sprint_symbol_no_offset(sym, (unsigned long)addr);
	if (!strncmp(sym, "0x", 2)) {
		struct tap_fmt_arg arg = { 0, addr, NULL };
		tap_format(out, MAXSTRINGLEN, "%p", &arg, 1);
		return out;
	}
	module = strstr(sym, " [");
	if (module)
		*module = '\0';
	return tap_strcpy(out, sym);
}

/* Where the current task was in user space: a uprobe's or the profile tick's registers
   when they are user-mode ones, else those it entered the kernel with; 0 for a kernel
   thread. */
int64_t tap_fn_uaddr(struct tap_ctx *c)
{
	if (tap_fn_user_mode(c))
		return (int64_t)instruction_pointer((struct pt_regs *)c->regs);
	if (!current->mm || (current->flags & PF_KTHREAD))
		return 0;
	return (int64_t)instruction_pointer(task_pt_regs(current));
}

/* The local time zone, as tapio found it when it loaded the module. */
int64_t tap_fn_tz_gmtoff(struct tap_ctx *c) { return tz_gmtoff; }
const char *tap_fn_tz_name(struct tap_ctx *c, char *out) { return tap_strcpy(out, tz_name); }

/* The kernel module whose symbol contains addr (the " [module]" of its symbol, as
   kallsyms gives it), "kernel" for the kernel's own; an error when addr is in
   neither. kallsyms looks modules up safely in any context. */
const char *tap_fn_modname(struct tap_ctx *c, char *out, int64_t addr)
{
	char sym[KSYM_SYMBOL_LEN];
	char *module, *end;
	sprint_symbol_no_offset(sym, (unsigned long)addr);
	if (!strncmp(sym, "0x", 2)) {
		tap_error(c, "Cannot determine kernel module name", NULL);
		return tap_strcpy(out, "");
	}
	module = strstr(sym, " [");
	if (!module)
		return tap_strcpy(out, "kernel");
	module += 2;
	end = strchr(module, ']');
	if (end)
		*end = '\0';
	return tap_strcpy(out, module);
}

int64_t tap_fn_gettimeofday_ns(struct tap_ctx *c) { return ktime_get_real_ns(); }
int64_t tap_fn_gettimeofday_us(struct tap_ctx *c) { return div_s64(ktime_get_real_ns(), 1000); }
int64_t tap_fn_gettimeofday_ms(struct tap_ctx *c) { return div_s64(ktime_get_real_ns(), 1000000); }
int64_t tap_fn_gettimeofday_s(struct tap_ctx *c) { return ktime_get_real_seconds(); }
int64_t tap_fn_local_clock_ns(struct tap_ctx *c) { return local_clock(); }
int64_t tap_fn_local_clock_us(struct tap_ctx *c) { return div_s64(local_clock(), 1000); }
int64_t tap_fn_cpu_clock_ns(struct tap_ctx *c, int64_t cpu) { return cpu_clock((int)cpu); }
int64_t tap_fn_ktime_get_ns(struct tap_ctx *c) { return ktime_get_ns(); }
int64_t tap_fn_get_cycles(struct tap_ctx *c) { return (int64_t)get_cycles(); }
int64_t tap_fn_jiffies(struct tap_ctx *c) { return jiffies; }
int64_t tap_fn_HZ(struct tap_ctx *c) { return HZ; }
int64_t tap_fn_num_online_cpus(struct tap_ctx *c) { return num_online_cpus(); }

int64_t tap_fn_randint(struct tap_ctx *c, int64_t n)
{
	if (n <= 0) {
		tap_error(c, "randint: the bound must be positive", NULL);
		return 0;
	}
	return (int64_t)(get_random_u64() % (u64)n);
}

/* A bad address is a script error, never a kernel fault. */
static void fault(struct tap_ctx *c, const char *what, int64_t addr)
{
	struct tap_fmt_arg args[2] = { { 1, 0, what }, { 0, addr, NULL } };
	tap_format(c->errbuf, sizeof c->errbuf, "%s copy fault at %p", args, 2);
	tap_error(c, c->errbuf, NULL);
}

/* Copies n bytes without faulting; 0 on success. */
static long copy_nofault(void *dst, int64_t addr, size_t n, int user)
{
	if (user)
		return copy_from_user_nofault(dst, (const void __user *)(uintptr_t)addr, n);
	return copy_from_kernel_nofault(dst, (const void *)(uintptr_t)addr, n);
}

/* Reads a NUL-terminated string a page piece at a time (the exported nofault copies
   are for fixed sizes); a fault before the NUL is an error. */
static const char *read_string(struct tap_ctx *c, char *out, int64_t addr, int64_t n, int user,
			       const char *fallback)
{
	size_t got = 0, max;
	if (n <= 0 || n > MAXSTRINGLEN)
		n = MAXSTRINGLEN;
	max = (size_t)n - 1;
	while (got < max) {
		uint64_t at = (uint64_t)addr + got;
		size_t chunk = min_t(size_t, max - got, PAGE_SIZE - (at & ~PAGE_MASK));
		if (copy_nofault(out + got, (int64_t)at, chunk, user)) {
			/* Part of the piece may be readable: the string may end before the fault. */
			size_t i;
			for (i = 0; i < chunk; i++)
				if (copy_nofault(out + got + i, (int64_t)(at + i), 1, user) || !out[got + i])
					break;
			if (i < chunk && !copy_nofault(out + got + i, (int64_t)(at + i), 1, user))
				return out; /* found the NUL */
			if (fallback)
				return tap_strcpy(out, fallback);
			out[0] = '\0';
			fault(c, user ? "user string" : "kernel string", addr);
			return out;
		}
		char *nul = memchr(out + got, '\0', chunk);
		if (nul)
			return out;
		got += chunk;
	}
	out[max] = '\0';
	return out;
}

const char *tap_fn_user_string(struct tap_ctx *c, char *out, int64_t addr)
{
	return read_string(c, out, addr, MAXSTRINGLEN, 1, NULL);
}

const char *tap_fn_user_string2(struct tap_ctx *c, char *out, int64_t addr, const char *err)
{
	return read_string(c, out, addr, MAXSTRINGLEN, 1, err);
}

const char *tap_fn_user_string_n(struct tap_ctx *c, char *out, int64_t addr, int64_t n)
{
	return read_string(c, out, addr, n + 1, 1, NULL);
}

const char *tap_fn_kernel_string(struct tap_ctx *c, char *out, int64_t addr)
{
	return read_string(c, out, addr, MAXSTRINGLEN, 0, NULL);
}

const char *tap_fn_kernel_string2(struct tap_ctx *c, char *out, int64_t addr, const char *err)
{
	return read_string(c, out, addr, MAXSTRINGLEN, 0, err);
}

const char *tap_fn_kernel_string_n(struct tap_ctx *c, char *out, int64_t addr, int64_t n)
{
	return read_string(c, out, addr, n + 1, 0, NULL);
}

static int64_t read_number(struct tap_ctx *c, int64_t addr, int size, int user)
{
	union { s64 l; s32 i; s16 s; s8 ch; } v = { 0 };
	long rc = user ? copy_from_user_nofault(&v, (const void __user *)(uintptr_t)addr, size)
		       : copy_from_kernel_nofault(&v, (const void *)(uintptr_t)addr, size);
	if (rc) {
		fault(c, user ? "user memory" : "kernel memory", addr);
		return 0;
	}
	switch (size) {
	case 8: return v.l;
	case 4: return v.i;
	case 2: return v.s;
	default: return v.ch;
	}
}

/* user_int(addr) and its kin read the traced process's memory as SystemTap's do: on a
   fault the plain names give 0, the _error names raise a script error and the _warn
   names warn, then give 0. */
enum on_fault { FAULT_ZERO, FAULT_ERROR, FAULT_WARN };

static int64_t read_user(struct tap_ctx *c, int64_t addr, int size, int is_signed,
			 enum on_fault on_fault, const char *what)
{
	union { u64 l; u32 i; u16 s; u8 ch; } v = { 0 };
	if (copy_from_user_nofault(&v, (const void __user *)(uintptr_t)addr, size)) {
		struct tap_fmt_arg args[2] = { { 1, 0, what }, { 0, addr, NULL } };
		if (on_fault == FAULT_ERROR) {
			tap_format(c->errbuf, sizeof c->errbuf, "read fault [man error::fault] at %p", args + 1, 1);
			tap_error(c, c->errbuf, NULL);
		} else if (on_fault == FAULT_WARN) {
			char msg[64];
			tap_format(msg, sizeof msg, "user %s copy fault %p [man error::fault]", args, 2);
			tap_fn_warn(c, msg);
		}
		return 0;
	}
	switch (size) {
	case 8: return (int64_t)v.l;
	case 4: return is_signed ? (int64_t)(s32)v.i : (int64_t)v.i;
	case 2: return is_signed ? (int64_t)(s16)v.s : (int64_t)v.s;
	default: return is_signed ? (int64_t)(s8)v.ch : (int64_t)v.ch;
	}
}

#define USER_READER(name, size, is_signed, on_fault, what) \
	int64_t tap_fn_##name(struct tap_ctx *c, int64_t a) { return read_user(c, a, size, is_signed, on_fault, what); }
#define USER_READERS(name, size, is_signed) \
	USER_READER(name, size, is_signed, FAULT_ZERO, NULL) \
	USER_READER(name##_error, size, is_signed, FAULT_ERROR, NULL) \
	USER_READER(name##_warn, size, is_signed, FAULT_WARN, #name + 5 /* without "user_" */)
USER_READERS(user_char, 1, 1)
USER_READERS(user_short, 2, 1)
USER_READERS(user_ushort, 2, 0)
USER_READERS(user_int, 4, 1)
USER_READERS(user_long, 8, 1)
USER_READERS(user_ulong, 8, 0)
USER_READERS(user_int8, 1, 1)
USER_READERS(user_uint8, 1, 0)
USER_READERS(user_int16, 2, 1)
USER_READERS(user_uint16, 2, 0)
USER_READERS(user_int32, 4, 1)
USER_READERS(user_uint32, 4, 0)
USER_READERS(user_int64, 8, 1)
USER_READERS(user_uint64, 8, 0)

/* kernel_pointer(addr): the pointer stored at addr. */
int64_t tap_fn_kernel_pointer(struct tap_ctx *c, int64_t addr)
{
	void *p = NULL;
	if (copy_from_kernel_nofault(&p, (const void *)(uintptr_t)addr, sizeof p)) {
		fault(c, "kernel pointer", addr);
		return 0;
	}
	return (int64_t)(uintptr_t)p;
}

int64_t tap_fn_kernel_long(struct tap_ctx *c, int64_t a) { return read_number(c, a, 8, 0); }
int64_t tap_fn_kernel_int(struct tap_ctx *c, int64_t a) { return read_number(c, a, 4, 0); }
int64_t tap_fn_kernel_short(struct tap_ctx *c, int64_t a) { return read_number(c, a, 2, 0); }
int64_t tap_fn_kernel_char(struct tap_ctx *c, int64_t a) { return read_number(c, a, 1, 0); }

/* System call arguments from the user registers saved at kernel entry (x86_64 ABI). */
int64_t tap_fn_syscall_arg(struct tap_ctx *c, int64_t n)
{
	const struct pt_regs *r = c->regs;
	const struct tap_probe *p = c->probe;
	if (!r || !p || (p->kind != TAP_PROBE_SYSCALL && p->kind != TAP_PROBE_SYSCALL_RETURN)) {
		tap_error(c, "system call arguments are only available in syscall probes", NULL);
		return 0;
	}
	switch (n) {
	case 0: return r->di;
	case 1: return r->si;
	case 2: return r->dx;
	case 3: return r->r10;
	case 4: return r->r8;
	case 5: return r->r9;
	}
	tap_error(c, "system call argument number out of range", NULL);
	return 0;
}

int64_t tap_fn_syscall_retval(struct tap_ctx *c)
{
	if (!c->probe || c->probe->kind != TAP_PROBE_SYSCALL_RETURN) {
		tap_error(c, "a system call's return value is only available in .return probes", NULL);
		return 0;
	}
	return c->retval;
}

int64_t tap_fn_syscall_nr(struct tap_ctx *c)
{
	return c->probe ? c->probe->nr : -1;
}

void tap_kernel_read(struct tap_ctx *c, void *dst, const void *src, size_t n)
{
	if (!copy_from_kernel_nofault(dst, src, n))
		return;
	memset(dst, 0, n);
	if (!c->error) {
		/* a member read ($p->m, @cast(p, "T")->m), in SystemTap's words */
		struct tap_fmt_arg arg = { 0, (int64_t)(uintptr_t)src, NULL };
		tap_format(c->errbuf, sizeof c->errbuf, "read fault [man error::fault] at %p", &arg, 1);
		tap_error(c, c->errbuf, NULL);
	}
}

/* A raw argument word as its C type widens it (the translator's TC_* conversions). */
static int64_t widen(unsigned long v, int conv)
{
	switch (conv) {
	case 1: return (s32)v;
	case 2: return (u32)v;
	case 3: return (s16)v;
	case 4: return (u16)v;
	case 5: return (s8)v;
	case 6: return (u8)v;
	default: return (int64_t)v;
	}
}

int64_t tap_trace_arg(struct tap_ctx *c, int idx, int conv)
{
	const unsigned long *args = c->regs;
	unsigned long v;
	/* a netfilter hit (probe_netfilter.c) starts with its arguments laid out the same way */
	if (!args || !c->probe || (c->probe->kind != TAP_PROBE_TRACEPOINT && c->probe->kind != TAP_PROBE_NETFILTER) ||
	    idx < 0 || idx >= TAP_TRACE_ARGS) {
		tap_error(c, "tracepoint arguments are only available in kernel.trace probes", NULL);
		return 0;
	}
	v = args[idx];
	return widen(v, conv);
}

/* Where argument idx of the function is at its entry: an x86-64 argument register. */
static unsigned long *regs_arg(struct pt_regs *regs, int idx)
{
	switch (idx) {
	case 0: return &regs->di;
	case 1: return &regs->si;
	case 2: return &regs->dx;
	case 3: return &regs->cx;
	case 4: return &regs->r8;
	case 5: return &regs->r9;
	default: return NULL;
	}
}

/* guru mode: a parameter = v at the entry is what the function goes on with */
int64_t tap_regs_arg_set(struct tap_ctx *c, int idx, int64_t v)
{
	unsigned long *at = c->regs && c->probe && c->probe->kind == TAP_PROBE_KPROBE ?
			    regs_arg(c->regs, idx) : NULL;
	if (!at) {
		tap_error(c, "cannot set this function parameter", NULL);
		return 0;
	}
	*at = (unsigned long)v;
	return v;
}

/* Argument idx of the function a kprobe stopped at the entry of (kernel.function with
   BTF parameters): the x86-64 argument registers, then the stack. */
int64_t tap_regs_arg(struct tap_ctx *c, int idx, int conv)
{
	struct pt_regs *regs = c->regs;
	unsigned long v;
	if (!regs || !c->probe || (c->probe->kind != TAP_PROBE_KPROBE && !c->at_entry) || idx < 0) {
		tap_error(c, "function parameters are only available at a kernel.function's entry", NULL);
		return 0;
	}
	if (idx < 6) {
		v = *regs_arg(regs, idx);
	} else if (copy_from_kernel_nofault(&v, (const void *)(regs->sp + 8 * (idx - 5)), sizeof v)) {
		tap_error(c, "cannot read a function parameter from the stack", NULL);
		return 0;
	}
	return widen(v, conv);
}
