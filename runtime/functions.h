/* Functions scripts call by name (translator/builtins.c lists them). String results are
   written to `out` (MAXSTRINGLEN bytes) and returned. The platform-specific ones live in
   kernel/context_fns.c and user/context_fns.c; the portable ones in string_fns.c
   and time_fns.c; warn() in session.c. */
#ifndef TAP_FUNCTIONS_H
#define TAP_FUNCTIONS_H

#include "context.h"

int64_t tap_fn_pid(struct tap_ctx *c);
int64_t tap_fn_tid(struct tap_ctx *c);
int64_t tap_fn_ppid(struct tap_ctx *c);
int64_t tap_fn_uid(struct tap_ctx *c);
int64_t tap_fn_gid(struct tap_ctx *c);
int64_t tap_fn_euid(struct tap_ctx *c);
int64_t tap_fn_egid(struct tap_ctx *c);
int64_t tap_fn_cpu(struct tap_ctx *c);
int64_t tap_fn_target(struct tap_ctx *c);
const char *tap_fn_execname(struct tap_ctx *c, char *out);
const char *tap_fn_pexecname(struct tap_ctx *c, char *out);
const char *tap_fn_pp(struct tap_ctx *c, char *out);
const char *tap_fn_pn(struct tap_ctx *c, char *out);
const char *tap_fn_probefunc(struct tap_ctx *c, char *out);
int64_t tap_fn_returnval(struct tap_ctx *c);
int64_t tap_fn_is_return(struct tap_ctx *c);
int64_t tap_fn_user_mode(struct tap_ctx *c);
int64_t tap_fn_addr(struct tap_ctx *c);
const char *tap_fn_symname(struct tap_ctx *c, char *out, int64_t addr);
const char *tap_fn_modname(struct tap_ctx *c, char *out, int64_t addr);
const char *tap_fn_umodname(struct tap_ctx *c, char *out, int64_t addr);
int64_t tap_fn_uaddr(struct tap_ctx *c);
/* Backtraces and symbol data (kernel/backtrace_fns.c, ubacktrace_fns.c, stack_syms_fns.c) */
const char *tap_fn_backtrace(struct tap_ctx *c, char *out);
const char *tap_fn_sprint_backtrace(struct tap_ctx *c, char *out);
void tap_fn_print_backtrace(struct tap_ctx *c);
const char *tap_fn_symdata(struct tap_ctx *c, char *out, int64_t addr);
int64_t tap_fn_stack(struct tap_ctx *c, int64_t n);
const char *tap_fn_ubacktrace(struct tap_ctx *c, char *out);
const char *tap_fn_sprint_ubacktrace(struct tap_ctx *c, char *out);
void tap_fn_print_ubacktrace(struct tap_ctx *c);
const char *tap_fn_usymdata(struct tap_ctx *c, char *out, int64_t addr);
int64_t tap_fn_ustack(struct tap_ctx *c, int64_t n);
/* Platform layer: symdata(addr) or usymdata(addr) into line, for stack_syms.c. */
void tap_symdata_line(char *line, size_t len, uint64_t addr, int user);
/* stack(n)/ustack(n) and callers(n)/ucallers(n) of the got frames at pc */
int64_t tap_nth_frame(struct tap_ctx *c, const unsigned long *pc, int got, int64_t n);
const char *tap_callers(struct tap_ctx *c, char *out, const unsigned long *pc, int got, int64_t n);
const char *tap_fn_callers(struct tap_ctx *c, char *out, int64_t n);
const char *tap_fn_ucallers(struct tap_ctx *c, char *out, int64_t n);
void tap_fn_print_stack(struct tap_ctx *c, const char *s);
const char *tap_fn_sprint_stack(struct tap_ctx *c, char *out, const char *s);
void tap_fn_print_ustack(struct tap_ctx *c, const char *s);
const char *tap_fn_sprint_ustack(struct tap_ctx *c, char *out, const char *s);
int64_t tap_fn_target_set_pid(struct tap_ctx *c, int64_t pid);
int64_t tap_fn_tz_gmtoff(struct tap_ctx *c);
const char *tap_fn_tz_name(struct tap_ctx *c, char *out);
int64_t tap_fn_gettimeofday_s(struct tap_ctx *c);
int64_t tap_fn_gettimeofday_ms(struct tap_ctx *c);
int64_t tap_fn_gettimeofday_us(struct tap_ctx *c);
int64_t tap_fn_gettimeofday_ns(struct tap_ctx *c);
int64_t tap_fn_local_clock_ns(struct tap_ctx *c);
int64_t tap_fn_local_clock_us(struct tap_ctx *c);
int64_t tap_fn_cpu_clock_ns(struct tap_ctx *c, int64_t cpu);
int64_t tap_fn_ktime_get_ns(struct tap_ctx *c);
int64_t tap_fn_get_cycles(struct tap_ctx *c);
int64_t tap_fn_jiffies(struct tap_ctx *c);
int64_t tap_fn_HZ(struct tap_ctx *c);
int64_t tap_fn_num_online_cpus(struct tap_ctx *c);
int64_t tap_fn_sid(struct tap_ctx *c);
int64_t tap_fn_pgrp(struct tap_ctx *c);

/* Tasks by task_struct address (kernel/task_fns.c) */
int64_t tap_fn_task_current(struct tap_ctx *c);
int64_t tap_fn_task_pid(struct tap_ctx *c, int64_t t);
int64_t tap_fn_task_tid(struct tap_ctx *c, int64_t t);
int64_t tap_fn_task_parent(struct tap_ctx *c, int64_t t);
int64_t tap_fn_task_state(struct tap_ctx *c, int64_t t);
int64_t tap_fn_task_prio(struct tap_ctx *c, int64_t t);
int64_t tap_fn_task_nice(struct tap_ctx *c, int64_t t);
int64_t tap_fn_task_uid(struct tap_ctx *c, int64_t t);
int64_t tap_fn_task_gid(struct tap_ctx *c, int64_t t);
int64_t tap_fn_task_euid(struct tap_ctx *c, int64_t t);
int64_t tap_fn_task_egid(struct tap_ctx *c, int64_t t);
int64_t tap_fn_pid2task(struct tap_ctx *c, int64_t pid);
const char *tap_fn_task_execname(struct tap_ctx *c, char *out, int64_t t);
const char *tap_fn_pid2execname(struct tap_ctx *c, char *out, int64_t pid);
/* The loader, namespaces, load average, word size (kernel/proc_fns.c); paths
   (kernel/dentry_fns.c) */
int64_t tap_fn_stp_pid(struct tap_ctx *c);
int64_t tap_fn_is_myproc(struct tap_ctx *c);
int64_t tap_fn_ns_id(struct tap_ctx *c, int64_t task, int64_t which);
int64_t tap_fn_get_loadavg_index(struct tap_ctx *c, int64_t i);
const char *tap_fn_sprint_loadavg(struct tap_ctx *c, char *out);
int64_t tap_fn_probing_32bit_app(struct tap_ctx *c);
const char *tap_fn_probe_type(struct tap_ctx *c, char *out);
const char *tap_fn_module_name(struct tap_ctx *c, char *out);
void tap_fn_printk(struct tap_ctx *c, int64_t level, const char *msg);
int64_t tap_fn_task_max_file_handles(struct tap_ctx *c, int64_t task);
int64_t tap_fn_task_open_file_handles(struct tap_ctx *c, int64_t task);
void tap_fn_udelay(struct tap_ctx *c, int64_t us);
void tap_fn_mdelay(struct tap_ctx *c, int64_t ms);
const char *tap_fn_task_dentry_path(struct tap_ctx *c, char *out, int64_t task, int64_t dentry, int64_t vfsmnt);
/* irq_handler.entry/exit (kernel/irq_fns.c) */
int64_t tap_fn_irqaction_field(struct tap_ctx *c, int64_t action, int64_t field);
int64_t tap_fn_randint(struct tap_ctx *c, int64_t n);

const char *tap_fn_user_string(struct tap_ctx *c, char *out, int64_t addr);
const char *tap_fn_user_string2(struct tap_ctx *c, char *out, int64_t addr, const char *err);
const char *tap_fn_user_string_n(struct tap_ctx *c, char *out, int64_t addr, int64_t n);
const char *tap_fn_kernel_string(struct tap_ctx *c, char *out, int64_t addr);
const char *tap_fn_kernel_string2(struct tap_ctx *c, char *out, int64_t addr, const char *err);
const char *tap_fn_kernel_string_n(struct tap_ctx *c, char *out, int64_t addr, int64_t n);
/* user_NAME(addr), user_NAME_error(addr), user_NAME_warn(addr) */
#define TAP_USER_READERS(name) int64_t tap_fn_##name(struct tap_ctx *c, int64_t addr); \
	int64_t tap_fn_##name##_error(struct tap_ctx *c, int64_t addr); \
	int64_t tap_fn_##name##_warn(struct tap_ctx *c, int64_t addr);
TAP_USER_READERS(user_char)
TAP_USER_READERS(user_short)
TAP_USER_READERS(user_ushort)
TAP_USER_READERS(user_int)
TAP_USER_READERS(user_long)
TAP_USER_READERS(user_ulong)
TAP_USER_READERS(user_int8)
TAP_USER_READERS(user_uint8)
TAP_USER_READERS(user_int16)
TAP_USER_READERS(user_uint16)
TAP_USER_READERS(user_int32)
TAP_USER_READERS(user_uint32)
TAP_USER_READERS(user_int64)
TAP_USER_READERS(user_uint64)
#undef TAP_USER_READERS
int64_t tap_fn_kernel_pointer(struct tap_ctx *c, int64_t addr);
int64_t tap_fn_kernel_long(struct tap_ctx *c, int64_t addr);
int64_t tap_fn_kernel_int(struct tap_ctx *c, int64_t addr);
int64_t tap_fn_kernel_short(struct tap_ctx *c, int64_t addr);
int64_t tap_fn_kernel_char(struct tap_ctx *c, int64_t addr);

int64_t tap_fn_strlen(struct tap_ctx *c, const char *s);
const char *tap_fn_substr(struct tap_ctx *c, char *out, const char *s, int64_t start, int64_t len);
int64_t tap_fn_stringat(struct tap_ctx *c, const char *s, int64_t pos);
int64_t tap_fn_isinstr(struct tap_ctx *c, const char *s, const char *sub);
int64_t tap_fn_strpos(struct tap_ctx *c, const char *s, const char *sub);
const char *tap_fn_str_replace(struct tap_ctx *c, char *out, const char *s, const char *from, const char *to);
int64_t tap_fn_strtol(struct tap_ctx *c, const char *s, int64_t base);
const char *tap_fn_text_str(struct tap_ctx *c, char *out, const char *s);
const char *tap_fn_text_strn(struct tap_ctx *c, char *out, const char *s, int64_t len, int64_t quoted);
char *tap_text_mem(char *out, const char *s, size_t n, int64_t len, int quoted);
const char *tap_fn_string_quoted(struct tap_ctx *c, char *out, const char *s);
const char *tap_fn_tokenize(struct tap_ctx *c, char *out, const char *input, const char *delim);
const char *tap_fn_ctime(struct tap_ctx *c, char *out, int64_t t);
void tap_fn_warn(struct tap_ctx *c, const char *msg);
const char *tap_fn_input_char(struct tap_ctx *c, char *out);
/* Platform layer: system(cmd) and switch_file(), carried out by the consumer after
   what the probe printed before them. */
void tap_fn_system(struct tap_ctx *c, const char *cmd);
void tap_fn_switch_file(struct tap_ctx *c);
const char *tap_fn_toupper(struct tap_ctx *c, char *out, const char *s);
const char *tap_fn_tolower(struct tap_ctx *c, char *out, const char *s);
int64_t tap_fn_isdigit(struct tap_ctx *c, const char *s);
const char *tap_fn_sprint_long(struct tap_ctx *c, char *out, int64_t v);
const char *tap_fn_sprint_string(struct tap_ctx *c, char *out, const char *s);
int64_t tap_fn_abs(struct tap_ctx *c, int64_t v);
int64_t tap_fn_min(struct tap_ctx *c, int64_t a, int64_t b);
int64_t tap_fn_max(struct tap_ctx *c, int64_t a, int64_t b);

int64_t tap_fn_syscall_arg(struct tap_ctx *c, int64_t n);
int64_t tap_fn_syscall_retval(struct tap_ctx *c);
int64_t tap_fn_syscall_nr(struct tap_ctx *c);
int64_t tap_fn_int32(struct tap_ctx *c, int64_t v);
int64_t tap_fn_uint32(struct tap_ctx *c, int64_t v);
int64_t tap_fn_short(struct tap_ctx *c, int64_t v);
int64_t tap_fn_ushort(struct tap_ctx *c, int64_t v);
const char *tap_fn_errno_str(struct tap_ctx *c, char *out, int64_t e);
const char *tap_errno_name(int64_t e);

/* Registers and function arguments of probes that have pt_regs (kernel/regs_fns.c). */
int64_t tap_fn_registers_valid(struct tap_ctx *c);
int64_t tap_fn_register(struct tap_ctx *c, const char *name);
int64_t tap_fn_u_register(struct tap_ctx *c, const char *name);
int64_t tap_fn_int_arg(struct tap_ctx *c, int64_t n);
int64_t tap_fn_uint_arg(struct tap_ctx *c, int64_t n);
int64_t tap_fn_long_arg(struct tap_ctx *c, int64_t n);
/* SDT marker arguments (kernel only: user probes need the kernel runtime). size < 0
   means signed; off is a pt_regs offset. */
int64_t tap_sdt_value(int64_t v, int size);
int64_t tap_sdt_reg(struct tap_ctx *c, size_t off, int size);
int64_t tap_sdt_mem(struct tap_ctx *c, size_t off, int64_t disp, int size);

/* kernel.trace probes: argument idx widened as its C type says (translator's TC_*). */
#define TAP_TRACE_ARGS 6
int64_t tap_trace_arg(struct tap_ctx *c, int idx, int conv);
int64_t tap_regs_arg(struct tap_ctx *c, int idx, int conv);
int64_t tap_regs_arg_set(struct tap_ctx *c, int idx, int64_t v);
int64_t tap_set_returnval(struct tap_ctx *c, int64_t v);
/* $p->member: n bytes at kernel address src, or zeros and a fault error */
void tap_kernel_read(struct tap_ctx *c, void *dst, const void *src, size_t n);
/* A procfs probe's $value, and setting it (append: .=); kernel runtime only. */
const char *tap_procfs_value(struct tap_ctx *c);
const char *tap_procfs_set(struct tap_ctx *c, const char *s, int append);
/* $verdict = v in a netfilter probe; returns v. */
int64_t tap_trace_arg_set(struct tap_ctx *c, int idx, int64_t v);

/* netfilter probes: the packet being hooked (the tapset's netfilter.stp). Offsets are
   from the packet's network header. */
int64_t tap_fn_nf_len(struct tap_ctx *c);
const char *tap_fn_nf_data(struct tap_ctx *c, char *out, int64_t quoted);
int64_t tap_fn_nf_dev(struct tap_ctx *c, int64_t out_dev);
const char *tap_fn_nf_dev_name(struct tap_ctx *c, char *out, int64_t out_dev);
const char *tap_fn_nf_dev_mac(struct tap_ctx *c, char *out, int64_t out_dev);
int64_t tap_fn_nf_dev_addr_len(struct tap_ctx *c, int64_t out_dev);
int64_t tap_fn_nf_hdr(struct tap_ctx *c);
int64_t tap_fn_nf_uint(struct tap_ctx *c, int64_t off, int64_t size);
int64_t tap_fn_nf_int(struct tap_ctx *c, int64_t off, int64_t size);
const char *tap_fn_nf_mac(struct tap_ctx *c, char *out, int64_t off);
const char *tap_fn_nf_ipaddr(struct tap_ctx *c, char *out, int64_t off, int64_t family);
int64_t tap_fn_nf_proto(struct tap_ctx *c);
int64_t tap_fn_nf_thoff(struct tap_ctx *c);

#endif
