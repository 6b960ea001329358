/* The user-space side of functions.h: this process stands in for the traced task;
   memory reads are not available (there is no kernel to read). */
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

extern char *program_invocation_short_name; /* glibc */

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t tap_fn_pid(struct tap_ctx *c) { return getpid(); }
int64_t tap_fn_tid(struct tap_ctx *c) { return gettid(); }
int64_t tap_fn_ppid(struct tap_ctx *c) { return getppid(); }
int64_t tap_fn_uid(struct tap_ctx *c) { return getuid(); }
int64_t tap_fn_gid(struct tap_ctx *c) { return getgid(); }
int64_t tap_fn_euid(struct tap_ctx *c) { return geteuid(); }
int64_t tap_fn_egid(struct tap_ctx *c) { return getegid(); }
int64_t tap_fn_cpu(struct tap_ctx *c) { return 0; }
int64_t tap_fn_target(struct tap_ctx *c) { return 0; }
int64_t tap_fn_gettimeofday_ns(struct tap_ctx *c) { return now_ns(CLOCK_REALTIME); }
int64_t tap_fn_gettimeofday_us(struct tap_ctx *c) { return now_ns(CLOCK_REALTIME) / 1000; }
int64_t tap_fn_gettimeofday_ms(struct tap_ctx *c) { return now_ns(CLOCK_REALTIME) / 1000000; }
int64_t tap_fn_gettimeofday_s(struct tap_ctx *c) { return now_ns(CLOCK_REALTIME) / 1000000000; }
int64_t tap_fn_local_clock_ns(struct tap_ctx *c) { return now_ns(CLOCK_MONOTONIC); }
int64_t tap_fn_local_clock_us(struct tap_ctx *c) { return now_ns(CLOCK_MONOTONIC) / 1000; }
int64_t tap_fn_cpu_clock_ns(struct tap_ctx *c, int64_t cpu) { return now_ns(CLOCK_MONOTONIC); }
int64_t tap_fn_ktime_get_ns(struct tap_ctx *c) { return now_ns(CLOCK_MONOTONIC); }

int64_t tap_fn_get_cycles(struct tap_ctx *c)
{
#if defined(__x86_64__) || defined(__i386__)
	return (int64_t)__builtin_ia32_rdtsc();
#else
	return now_ns(CLOCK_MONOTONIC_RAW);
#endif
}
int64_t tap_fn_jiffies(struct tap_ctx *c) { return now_ns(CLOCK_MONOTONIC) / 4000000; }
int64_t tap_fn_HZ(struct tap_ctx *c) { return 250; }
int64_t tap_fn_num_online_cpus(struct tap_ctx *c) { return 1; }
int64_t tap_fn_is_return(struct tap_ctx *c) { return 0; }
/* Every probe of the user runtime runs in this ordinary process (SystemTap's
   user-space runtime answers 1 too). */
int64_t tap_fn_user_mode(struct tap_ctx *c) { return 1; }
/* no probe here has registers */
int64_t tap_fn_addr(struct tap_ctx *c) { return 0; }

/* There is no kernel symbol table to look in: the address in hex, as for an unknown one. */
const char *tap_fn_symname(struct tap_ctx *c, char *out, int64_t addr)
{
	struct tap_fmt_arg arg = { 0, addr, NULL };
	tap_format(out, MAXSTRINGLEN, "%p", &arg, 1);
	return out;
}

/* No probe here has registers or a probed function's arguments. */
int64_t tap_fn_registers_valid(struct tap_ctx *c) { return 0; }

static int64_t no_registers(struct tap_ctx *c, const char *what)
{
	tap_error(c, what, NULL);
	return 0;
}

int64_t tap_fn_register(struct tap_ctx *c, const char *name)
{
	return no_registers(c, "cannot access CPU registers in this context");
}
int64_t tap_fn_u_register(struct tap_ctx *c, const char *name) { return tap_fn_register(c, name); }
int64_t tap_fn_int_arg(struct tap_ctx *c, int64_t n)
{
	return no_registers(c, "cannot access function args in this context");
}
int64_t tap_fn_uint_arg(struct tap_ctx *c, int64_t n) { return tap_fn_int_arg(c, n); }
int64_t tap_fn_long_arg(struct tap_ctx *c, int64_t n) { return tap_fn_int_arg(c, n); }

/* No user registers here: the program itself is the task. */
int64_t tap_fn_uaddr(struct tap_ctx *c) { return 0; }
/* target() is 0 here, so the target set is empty. */
int64_t tap_fn_target_set_pid(struct tap_ctx *c, int64_t pid) { return 0; }

/* The local time zone now: seconds west of UTC, and its name. */
int64_t tap_fn_tz_gmtoff(struct tap_ctx *c)
{
	time_t now = time(NULL);
	struct tm tm;
	return localtime_r(&now, &tm) ? -(int64_t)tm.tm_gmtoff : 0;
}

const char *tap_fn_tz_name(struct tap_ctx *c, char *out)
{
	time_t now = time(NULL);
	struct tm tm;
	return tap_strcpy(out, localtime_r(&now, &tm) && tm.tm_zone ? tm.tm_zone : "");
}

/* No kernel modules to look in. */
const char *tap_fn_modname(struct tap_ctx *c, char *out, int64_t addr)
{
	tap_error(c, "Cannot determine kernel module name", NULL);
	out[0] = '\0';
	return out;
}

int64_t tap_fn_randint(struct tap_ctx *c, int64_t n)
{
	if (n <= 0) {
		tap_error(c, "randint: the bound must be positive", NULL);
		return 0;
	}
	return random() % n;
}

const char *tap_fn_execname(struct tap_ctx *c, char *out)
{
	return tap_strcpy(out, program_invocation_short_name);
}

const char *tap_fn_pexecname(struct tap_ctx *c, char *out)
{
	return tap_strcpy(out, "");
}

const char *tap_fn_pp(struct tap_ctx *c, char *out)
{
	return tap_strcpy(out, c->probe ? c->probe->pp : "");
}

const char *tap_fn_probefunc(struct tap_ctx *c, char *out)
{
	return tap_strcpy(out, "");
}

int64_t tap_fn_returnval(struct tap_ctx *c)
{
	tap_error(c, "cannot access function return value in this context", NULL);
	return 0;
}

static int64_t no_memory(struct tap_ctx *c)
{
	tap_error(c, "memory reads need the kernel runtime", NULL);
	return 0;
}

static const char *no_string(struct tap_ctx *c, char *out)
{
	out[0] = '\0';
	no_memory(c);
	return out;
}

const char *tap_fn_user_string(struct tap_ctx *c, char *out, int64_t a) { return no_string(c, out); }
const char *tap_fn_user_string2(struct tap_ctx *c, char *out, int64_t a, const char *e) { return tap_strcpy(out, e); }
const char *tap_fn_user_string_n(struct tap_ctx *c, char *out, int64_t a, int64_t n) { return no_string(c, out); }
const char *tap_fn_kernel_string(struct tap_ctx *c, char *out, int64_t a) { return no_string(c, out); }
const char *tap_fn_kernel_string2(struct tap_ctx *c, char *out, int64_t a, const char *e) { return tap_strcpy(out, e); }
const char *tap_fn_kernel_string_n(struct tap_ctx *c, char *out, int64_t a, int64_t n) { return no_string(c, out); }
#define USER_READER(name) int64_t tap_fn_##name(struct tap_ctx *c, int64_t a) { return no_memory(c); }
#define USER_READERS(name) USER_READER(name) USER_READER(name##_error) USER_READER(name##_warn)
USER_READERS(user_char)
USER_READERS(user_short)
USER_READERS(user_ushort)
USER_READERS(user_int)
USER_READERS(user_long)
USER_READERS(user_ulong)
USER_READERS(user_int8)
USER_READERS(user_uint8)
USER_READERS(user_int16)
USER_READERS(user_uint16)
USER_READERS(user_int32)
USER_READERS(user_uint32)
USER_READERS(user_int64)
USER_READERS(user_uint64)
int64_t tap_fn_kernel_pointer(struct tap_ctx *c, int64_t a) { return no_memory(c); }
int64_t tap_fn_kernel_long(struct tap_ctx *c, int64_t a) { return no_memory(c); }
int64_t tap_fn_kernel_int(struct tap_ctx *c, int64_t a) { return no_memory(c); }
int64_t tap_fn_kernel_short(struct tap_ctx *c, int64_t a) { return no_memory(c); }
int64_t tap_fn_kernel_char(struct tap_ctx *c, int64_t a) { return no_memory(c); }

int64_t tap_fn_syscall_arg(struct tap_ctx *c, int64_t n) { return no_memory(c); }
int64_t tap_fn_syscall_retval(struct tap_ctx *c) { return no_memory(c); }
int64_t tap_fn_syscall_nr(struct tap_ctx *c) { return -1; }

int64_t tap_trace_arg(struct tap_ctx *c, int idx, int conv) { return no_memory(c); }
int64_t tap_trace_arg_set(struct tap_ctx *c, int idx, int64_t v) { return no_memory(c); }
void tap_kernel_read(struct tap_ctx *c, void *dst, const void *src, size_t n) { memset(dst, 0, n); no_memory(c); }

/* netfilter probes need the kernel runtime: the translator refuses them here. */
int64_t tap_fn_nf_len(struct tap_ctx *c) { return no_memory(c); }
const char *tap_fn_nf_data(struct tap_ctx *c, char *out, int64_t q) { return no_string(c, out); }
int64_t tap_fn_nf_dev(struct tap_ctx *c, int64_t d) { return no_memory(c); }
const char *tap_fn_nf_dev_name(struct tap_ctx *c, char *out, int64_t d) { return no_string(c, out); }
const char *tap_fn_nf_dev_mac(struct tap_ctx *c, char *out, int64_t d) { return no_string(c, out); }
int64_t tap_fn_nf_dev_addr_len(struct tap_ctx *c, int64_t d) { return no_memory(c); }
int64_t tap_fn_nf_hdr(struct tap_ctx *c) { return no_memory(c); }
int64_t tap_fn_nf_uint(struct tap_ctx *c, int64_t off, int64_t size) { return no_memory(c); }
int64_t tap_fn_nf_int(struct tap_ctx *c, int64_t off, int64_t size) { return no_memory(c); }
const char *tap_fn_nf_mac(struct tap_ctx *c, char *out, int64_t off) { return no_string(c, out); }
const char *tap_fn_nf_ipaddr(struct tap_ctx *c, char *out, int64_t off, int64_t f) { return no_string(c, out); }
int64_t tap_fn_nf_proto(struct tap_ctx *c) { return no_memory(c); }
int64_t tap_fn_nf_thoff(struct tap_ctx *c) { return no_memory(c); }

/* Tasks: this process's session and group are real; other tasks need the kernel. */
int64_t tap_fn_sid(struct tap_ctx *c) { return getsid(0); }
int64_t tap_fn_pgrp(struct tap_ctx *c) { return getpgrp(); }

static int64_t no_task(struct tap_ctx *c)
{
	tap_error(c, "task functions need the kernel runtime", NULL);
	return 0;
}

#define NO_TASK(name) int64_t tap_fn_##name(struct tap_ctx *c, int64_t arg) { return no_task(c); }
int64_t tap_fn_task_current(struct tap_ctx *c) { return no_task(c); }
NO_TASK(task_pid) NO_TASK(task_tid) NO_TASK(task_parent) NO_TASK(task_state) NO_TASK(task_prio)
NO_TASK(task_nice) NO_TASK(task_uid) NO_TASK(task_gid) NO_TASK(task_euid) NO_TASK(task_egid)
NO_TASK(pid2task)
int64_t tap_fn_irqaction_field(struct tap_ctx *c, int64_t action, int64_t field) { return no_task(c); }
int64_t tap_fn_ns_id(struct tap_ctx *c, int64_t task, int64_t which) { return no_task(c); }
NO_TASK(task_max_file_handles) NO_TASK(task_open_file_handles)
void tap_fn_udelay(struct tap_ctx *c, int64_t us) { if (us > 0) usleep((useconds_t)us); }
void tap_fn_mdelay(struct tap_ctx *c, int64_t ms) { if (ms > 0) usleep((useconds_t)ms * 1000); }
int64_t tap_fn_probing_32bit_app(struct tap_ctx *c) { return 0; }
/* This process stands in for the loader; its own user "owns" every probe. */
int64_t tap_fn_stp_pid(struct tap_ctx *c) { return getpid(); }
int64_t tap_fn_is_myproc(struct tap_ctx *c) { return 1; }
const char *tap_fn_module_name(struct tap_ctx *c, char *out) { return tap_strcpy(out, program_invocation_short_name); }
/* No kernel log here: the message goes to standard error. */
void tap_fn_printk(struct tap_ctx *c, int64_t level, const char *msg) { fprintf(stderr, "%s\n", msg); }

static const char *no_task_string(struct tap_ctx *c, char *out)
{
	out[0] = '\0';
	no_task(c);
	return out;
}

const char *tap_fn_task_execname(struct tap_ctx *c, char *out, int64_t t) { return no_task_string(c, out); }
const char *tap_fn_pid2execname(struct tap_ctx *c, char *out, int64_t pid) { return no_task_string(c, out); }
const char *tap_fn_task_dentry_path(struct tap_ctx *c, char *out, int64_t t, int64_t d, int64_t m)
{
	return no_task_string(c, out);
}

/* The load average, from the system's own /proc/loadavg (same rounding). */
static int read_loadavg(char *buf, size_t n)
{
	FILE *f = fopen("/proc/loadavg", "r");
	size_t got = f ? fread(buf, 1, n - 1, f) : 0;
	if (f)
		fclose(f);
	buf[got] = '\0';
	return got > 0 ? 0 : -1;
}

int64_t tap_fn_get_loadavg_index(struct tap_ctx *c, int64_t i)
{
	char buf[128];
	double v[3] = { 0, 0, 0 };
	if (i < 0 || i > 2) {
		snprintf(c->errbuf, sizeof c->errbuf, "Invalid loadavg index %lld specified.", (long long)i);
		tap_error(c, c->errbuf, NULL);
		return 0;
	}
	if (read_loadavg(buf, sizeof buf) == 0)
		sscanf(buf, "%lf %lf %lf", &v[0], &v[1], &v[2]);
	return (int64_t)v[i];
}

const char *tap_fn_sprint_loadavg(struct tap_ctx *c, char *out)
{
	char buf[128], a[16] = "0.00", b[16] = "0.00", d[16] = "0.00";
	if (read_loadavg(buf, sizeof buf) == 0)
		sscanf(buf, "%15s %15s %15s", a, b, d);
	snprintf(out, MAXSTRINGLEN, "%s %s %s\n", a, b, d);
	return out;
}

/* Backtraces: this program has no probed kernel or user stack to show (an empty
   one), and no symbol tables: addresses are shown as SystemTap shows unknown ones. */
const char *tap_fn_backtrace(struct tap_ctx *c, char *out) { out[0] = '\0'; return out; }
const char *tap_fn_sprint_backtrace(struct tap_ctx *c, char *out) { out[0] = '\0'; return out; }
void tap_fn_print_backtrace(struct tap_ctx *c) { }
const char *tap_fn_ubacktrace(struct tap_ctx *c, char *out) { out[0] = '\0'; return out; }
const char *tap_fn_sprint_ubacktrace(struct tap_ctx *c, char *out) { out[0] = '\0'; return out; }
void tap_fn_print_ubacktrace(struct tap_ctx *c) { }
const char *tap_fn_symdata(struct tap_ctx *c, char *out, int64_t addr) { return tap_fn_symname(c, out, addr); }
const char *tap_fn_usymdata(struct tap_ctx *c, char *out, int64_t addr) { return tap_fn_symname(c, out, addr); }

int64_t tap_fn_stack(struct tap_ctx *c, int64_t n) { return tap_nth_frame(c, NULL, 0, n); }
int64_t tap_fn_ustack(struct tap_ctx *c, int64_t n) { return tap_nth_frame(c, NULL, 0, n); }

const char *tap_fn_callers(struct tap_ctx *c, char *out, int64_t n) { return tap_callers(c, out, NULL, 0, n); }
const char *tap_fn_ucallers(struct tap_ctx *c, char *out, int64_t n) { return tap_callers(c, out, NULL, 0, n); }

/* What print_stack(s) and its kin show for each address. */
void tap_symdata_line(char *line, size_t len, uint64_t addr, int user)
{
	snprintf(line, len, "0x%llx", (unsigned long long)addr);
}
