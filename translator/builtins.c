/* The table of runtime-implemented functions (see runtime/functions.h). */
#include <string.h>
#include "builtins.h"

#define L T_LONG
#define S T_STRING
static const struct cbuiltin table[] = {
	/* context */
	{ "pid", L, 0, { 0 }, "tap_fn_pid" },
	{ "tid", L, 0, { 0 }, "tap_fn_tid" },
	{ "ppid", L, 0, { 0 }, "tap_fn_ppid" },
	{ "uid", L, 0, { 0 }, "tap_fn_uid" },
	{ "gid", L, 0, { 0 }, "tap_fn_gid" },
	{ "euid", L, 0, { 0 }, "tap_fn_euid" },
	{ "egid", L, 0, { 0 }, "tap_fn_egid" },
	{ "cpu", L, 0, { 0 }, "tap_fn_cpu" },
	{ "target", L, 0, { 0 }, "tap_fn_target" },
	{ "execname", S, 0, { 0 }, "tap_fn_execname" },
	/* its table is the target kernel's, emitted by codegen (emit_syscall_names) */
	{ "syscall_name", S, 1, { L }, "tap_fn_syscall_name" },
	{ "pexecname", S, 0, { 0 }, "tap_fn_pexecname" },
	{ "pp", S, 0, { 0 }, "tap_fn_pp" },
	{ "pn", S, 0, { 0 }, "tap_fn_pn" },
	{ "probefunc", S, 0, { 0 }, "tap_fn_probefunc" },
	{ "ppfunc", S, 0, { 0 }, "tap_fn_probefunc" },
	{ "returnval", L, 0, { 0 }, "tap_fn_returnval" },
	{ "is_return", L, 0, { 0 }, "tap_fn_is_return" },
	{ "user_mode", L, 0, { 0 }, "tap_fn_user_mode" },
	{ "addr", L, 0, { 0 }, "tap_fn_addr" },
	{ "symname", S, 1, { L }, "tap_fn_symname" },
	{ "modname", S, 1, { L }, "tap_fn_modname" },
	{ "umodname", S, 1, { L }, "tap_fn_umodname" },
	{ "uaddr", L, 0, { 0 }, "tap_fn_uaddr" },
	/* registers and arguments (x86_64), from the probe's pt_regs */
	{ "registers_valid", L, 0, { 0 }, "tap_fn_registers_valid" },
	{ "register", L, 1, { S }, "tap_fn_register" },
	{ "u_register", L, 1, { S }, "tap_fn_u_register" },
	{ "int_arg", L, 1, { L }, "tap_fn_int_arg" },
	{ "s32_arg", L, 1, { L }, "tap_fn_int_arg" },
	{ "uint_arg", L, 1, { L }, "tap_fn_uint_arg" },
	{ "u32_arg", L, 1, { L }, "tap_fn_uint_arg" },
	{ "long_arg", L, 1, { L }, "tap_fn_long_arg" },
	{ "ulong_arg", L, 1, { L }, "tap_fn_long_arg" },
	{ "longlong_arg", L, 1, { L }, "tap_fn_long_arg" },
	{ "ulonglong_arg", L, 1, { L }, "tap_fn_long_arg" },
	{ "pointer_arg", L, 1, { L }, "tap_fn_long_arg" },
	{ "s64_arg", L, 1, { L }, "tap_fn_long_arg" },
	{ "u64_arg", L, 1, { L }, "tap_fn_long_arg" },
	/* backtraces and symbol data */
	{ "backtrace", S, 0, { 0 }, "tap_fn_backtrace" },
	{ "sprint_backtrace", S, 0, { 0 }, "tap_fn_sprint_backtrace" },
	{ "print_backtrace", T_VOID, 0, { 0 }, "tap_fn_print_backtrace" },
	{ "symdata", S, 1, { L }, "tap_fn_symdata" },
	{ "stack", L, 1, { L }, "tap_fn_stack" },
	{ "ubacktrace", S, 0, { 0 }, "tap_fn_ubacktrace" },
	{ "sprint_ubacktrace", S, 0, { 0 }, "tap_fn_sprint_ubacktrace" },
	{ "print_ubacktrace", T_VOID, 0, { 0 }, "tap_fn_print_ubacktrace" },
	{ "usymdata", S, 1, { L }, "tap_fn_usymdata" },
	{ "ustack", L, 1, { L }, "tap_fn_ustack" },
	{ "callers", S, 1, { L }, "tap_fn_callers" },
	{ "ucallers", S, 1, { L }, "tap_fn_ucallers" },
	{ "print_stack", T_VOID, 1, { S }, "tap_fn_print_stack" },
	{ "sprint_stack", S, 1, { S }, "tap_fn_sprint_stack" },
	{ "print_syms", T_VOID, 1, { S }, "tap_fn_print_stack" },
	{ "sprint_syms", S, 1, { S }, "tap_fn_sprint_stack" },
	{ "print_ustack", T_VOID, 1, { S }, "tap_fn_print_ustack" },
	{ "sprint_ustack", S, 1, { S }, "tap_fn_sprint_ustack" },
	{ "print_usyms", T_VOID, 1, { S }, "tap_fn_print_ustack" },
	{ "sprint_usyms", S, 1, { S }, "tap_fn_sprint_ustack" },
	{ "target_set_pid", L, 1, { L }, "tap_fn_target_set_pid" },
	{ "tz_gmtoff", L, 0, { 0 }, "tap_fn_tz_gmtoff" },
	{ "tz_name", S, 0, { 0 }, "tap_fn_tz_name" },
	{ "gettimeofday_s", L, 0, { 0 }, "tap_fn_gettimeofday_s" },
	{ "gettimeofday_ms", L, 0, { 0 }, "tap_fn_gettimeofday_ms" },
	{ "gettimeofday_us", L, 0, { 0 }, "tap_fn_gettimeofday_us" },
	{ "gettimeofday_ns", L, 0, { 0 }, "tap_fn_gettimeofday_ns" },
	{ "local_clock_ns", L, 0, { 0 }, "tap_fn_local_clock_ns" },
	{ "local_clock_us", L, 0, { 0 }, "tap_fn_local_clock_us" },
	{ "cpu_clock_ns", L, 1, { L }, "tap_fn_cpu_clock_ns" },
	{ "ktime_get_ns", L, 0, { 0 }, "tap_fn_ktime_get_ns" },
	{ "get_cycles", L, 0, { 0 }, "tap_fn_get_cycles" },
	{ "jiffies", L, 0, { 0 }, "tap_fn_jiffies" },
	{ "HZ", L, 0, { 0 }, "tap_fn_HZ" },
	{ "sid", L, 0, { 0 }, "tap_fn_sid" },
	{ "pgrp", L, 0, { 0 }, "tap_fn_pgrp" },
	/* tasks by task_struct address */
	{ "task_current", L, 0, { 0 }, "tap_fn_task_current" },
	{ "task_pid", L, 1, { L }, "tap_fn_task_pid" },
	{ "task_tid", L, 1, { L }, "tap_fn_task_tid" },
	{ "task_parent", L, 1, { L }, "tap_fn_task_parent" },
	{ "task_state", L, 1, { L }, "tap_fn_task_state" },
	{ "task_prio", L, 1, { L }, "tap_fn_task_prio" },
	{ "task_nice", L, 1, { L }, "tap_fn_task_nice" },
	{ "task_uid", L, 1, { L }, "tap_fn_task_uid" },
	{ "task_gid", L, 1, { L }, "tap_fn_task_gid" },
	{ "task_euid", L, 1, { L }, "tap_fn_task_euid" },
	{ "task_egid", L, 1, { L }, "tap_fn_task_egid" },
	{ "task_execname", S, 1, { L }, "tap_fn_task_execname" },
	{ "pid2task", L, 1, { L }, "tap_fn_pid2task" },
	{ "stp_pid", L, 0, { 0 }, "tap_fn_stp_pid" },
	{ "is_myproc", L, 0, { 0 }, "tap_fn_is_myproc" },
	{ "__ns_id", L, 2, { L, L }, "tap_fn_ns_id" },
	{ "get_loadavg_index", L, 1, { L }, "tap_fn_get_loadavg_index" },
	{ "sprint_loadavg", S, 0, { 0 }, "tap_fn_sprint_loadavg" },
	{ "probing_32bit_app", L, 0, { 0 }, "tap_fn_probing_32bit_app" },
	{ "probe_type", S, 0, { 0 }, "tap_fn_probe_type" },
	{ "module_name", S, 0, { 0 }, "tap_fn_module_name" },
	{ "printk", T_VOID, 2, { L, S }, "tap_fn_printk" },
	{ "task_max_file_handles", L, 1, { L }, "tap_fn_task_max_file_handles" },
	{ "task_open_file_handles", L, 1, { L }, "tap_fn_task_open_file_handles" },
	{ "udelay", T_VOID, 1, { L }, "tap_fn_udelay" },
	{ "mdelay", T_VOID, 1, { L }, "tap_fn_mdelay" },
	{ "task_dentry_path", S, 3, { L, L, L }, "tap_fn_task_dentry_path" },
	{ "__irqaction_field", L, 2, { L, L }, "tap_fn_irqaction_field" },
	{ "pid2execname", S, 1, { L }, "tap_fn_pid2execname" },
	/* memory, fault-safe */
	{ "user_string", S, 1, { L }, "tap_fn_user_string" },
	{ "user_string", S, 2, { L, S }, "tap_fn_user_string2" },
	{ "user_string_n", S, 2, { L, L }, "tap_fn_user_string_n" },
	{ "kernel_string", S, 1, { L }, "tap_fn_kernel_string" },
	{ "kernel_string", S, 2, { L, S }, "tap_fn_kernel_string2" },
	{ "kernel_string_n", S, 2, { L, L }, "tap_fn_kernel_string_n" },
	{ "user_long", L, 1, { L }, "tap_fn_user_long" },
	{ "user_int", L, 1, { L }, "tap_fn_user_int" },
	{ "user_short", L, 1, { L }, "tap_fn_user_short" },
	{ "user_char", L, 1, { L }, "tap_fn_user_char" },
	{ "user_char_error", L, 1, { L }, "tap_fn_user_char_error" },
	{ "user_char_warn", L, 1, { L }, "tap_fn_user_char_warn" },
	{ "user_short_error", L, 1, { L }, "tap_fn_user_short_error" },
	{ "user_short_warn", L, 1, { L }, "tap_fn_user_short_warn" },
	{ "user_ushort", L, 1, { L }, "tap_fn_user_ushort" },
	{ "user_ushort_error", L, 1, { L }, "tap_fn_user_ushort_error" },
	{ "user_ushort_warn", L, 1, { L }, "tap_fn_user_ushort_warn" },
	{ "user_int_error", L, 1, { L }, "tap_fn_user_int_error" },
	{ "user_int_warn", L, 1, { L }, "tap_fn_user_int_warn" },
	{ "user_long_error", L, 1, { L }, "tap_fn_user_long_error" },
	{ "user_long_warn", L, 1, { L }, "tap_fn_user_long_warn" },
	{ "user_ulong", L, 1, { L }, "tap_fn_user_ulong" },
	{ "user_ulong_error", L, 1, { L }, "tap_fn_user_ulong_error" },
	{ "user_ulong_warn", L, 1, { L }, "tap_fn_user_ulong_warn" },
	{ "user_int8", L, 1, { L }, "tap_fn_user_int8" },
	{ "user_int8_error", L, 1, { L }, "tap_fn_user_int8_error" },
	{ "user_int8_warn", L, 1, { L }, "tap_fn_user_int8_warn" },
	{ "user_uint8", L, 1, { L }, "tap_fn_user_uint8" },
	{ "user_uint8_error", L, 1, { L }, "tap_fn_user_uint8_error" },
	{ "user_uint8_warn", L, 1, { L }, "tap_fn_user_uint8_warn" },
	{ "user_int16", L, 1, { L }, "tap_fn_user_int16" },
	{ "user_int16_error", L, 1, { L }, "tap_fn_user_int16_error" },
	{ "user_int16_warn", L, 1, { L }, "tap_fn_user_int16_warn" },
	{ "user_uint16", L, 1, { L }, "tap_fn_user_uint16" },
	{ "user_uint16_error", L, 1, { L }, "tap_fn_user_uint16_error" },
	{ "user_uint16_warn", L, 1, { L }, "tap_fn_user_uint16_warn" },
	{ "user_int32", L, 1, { L }, "tap_fn_user_int32" },
	{ "user_int32_error", L, 1, { L }, "tap_fn_user_int32_error" },
	{ "user_int32_warn", L, 1, { L }, "tap_fn_user_int32_warn" },
	{ "user_uint32", L, 1, { L }, "tap_fn_user_uint32" },
	{ "user_uint32_error", L, 1, { L }, "tap_fn_user_uint32_error" },
	{ "user_uint32_warn", L, 1, { L }, "tap_fn_user_uint32_warn" },
	{ "user_int64", L, 1, { L }, "tap_fn_user_int64" },
	{ "user_int64_error", L, 1, { L }, "tap_fn_user_int64_error" },
	{ "user_int64_warn", L, 1, { L }, "tap_fn_user_int64_warn" },
	{ "user_uint64", L, 1, { L }, "tap_fn_user_uint64" },
	{ "user_uint64_error", L, 1, { L }, "tap_fn_user_uint64_error" },
	{ "user_uint64_warn", L, 1, { L }, "tap_fn_user_uint64_warn" },
	{ "kernel_pointer", L, 1, { L }, "tap_fn_kernel_pointer" },
	{ "kernel_long", L, 1, { L }, "tap_fn_kernel_long" },
	{ "kernel_int", L, 1, { L }, "tap_fn_kernel_int" },
	{ "kernel_short", L, 1, { L }, "tap_fn_kernel_short" },
	{ "kernel_char", L, 1, { L }, "tap_fn_kernel_char" },
	/* system calls (kernel.syscall probes) and their argument types */
	{ "__syscall_arg", L, 1, { L }, "tap_fn_syscall_arg" },
	{ "__syscall_retval", L, 0, { 0 }, "tap_fn_syscall_retval" },
	{ "__syscall_nr", L, 0, { 0 }, "tap_fn_syscall_nr" },
	{ "__int32", L, 1, { L }, "tap_fn_int32" },
	{ "__uint32", L, 1, { L }, "tap_fn_uint32" },
	{ "__short", L, 1, { L }, "tap_fn_short" },
	{ "__ushort", L, 1, { L }, "tap_fn_ushort" },
	{ "errno_str", S, 1, { L }, "tap_fn_errno_str" },
	/* netfilter probes: the packet (tapset/netfilter.stp) */
	{ "__nf_len", L, 0, { 0 }, "tap_fn_nf_len" },
	{ "__nf_data", S, 1, { L }, "tap_fn_nf_data" },
	{ "__nf_dev", L, 1, { L }, "tap_fn_nf_dev" },
	{ "__nf_dev_name", S, 1, { L }, "tap_fn_nf_dev_name" },
	{ "__nf_dev_mac", S, 1, { L }, "tap_fn_nf_dev_mac" },
	{ "__nf_dev_addr_len", L, 1, { L }, "tap_fn_nf_dev_addr_len" },
	{ "__nf_hdr", L, 0, { 0 }, "tap_fn_nf_hdr" },
	{ "__nf_uint", L, 2, { L, L }, "tap_fn_nf_uint" },
	{ "__nf_int", L, 2, { L, L }, "tap_fn_nf_int" },
	{ "__nf_mac", S, 1, { L }, "tap_fn_nf_mac" },
	{ "__nf_ipaddr", S, 2, { L, L }, "tap_fn_nf_ipaddr" },
	{ "__nf_proto", L, 0, { 0 }, "tap_fn_nf_proto" },
	{ "__nf_thoff", L, 0, { 0 }, "tap_fn_nf_thoff" },
	/* time, output */
	{ "ctime", S, 1, { L }, "tap_fn_ctime" },
	{ "warn", T_VOID, 1, { S }, "tap_fn_warn" },
	{ "system", T_VOID, 1, { S }, "tap_fn_system" },
	{ "switch_file", T_VOID, 0, { 0 }, "tap_fn_switch_file" },
	{ "__input_char", S, 0, { 0 }, "tap_fn_input_char" },
	/* strings */
	{ "strlen", L, 1, { S }, "tap_fn_strlen" },
	{ "substr", S, 3, { S, L, L }, "tap_fn_substr" },
	{ "stringat", L, 2, { S, L }, "tap_fn_stringat" },
	{ "isinstr", L, 2, { S, S }, "tap_fn_isinstr" },
	{ "strpos", L, 2, { S, S }, "tap_fn_strpos" },
	{ "str_replace", S, 3, { S, S, S }, "tap_fn_str_replace" },
	{ "strtol", L, 2, { S, L }, "tap_fn_strtol" },
	{ "text_str", S, 1, { S }, "tap_fn_text_str" },
	{ "text_strn", S, 3, { S, L, L }, "tap_fn_text_strn" },
	{ "string_quoted", S, 1, { S }, "tap_fn_string_quoted" },
	{ "tokenize", S, 2, { S, S }, "tap_fn_tokenize" },
	{ "isdigit", L, 1, { S }, "tap_fn_isdigit" },
	{ "sprint", S, 1, { L }, "tap_fn_sprint_long" },
	{ "sprint", S, 1, { S }, "tap_fn_sprint_string" },
	{ "randint", L, 1, { L }, "tap_fn_randint" },
};
#undef L
#undef S

const struct cbuiltin *cbuiltin_find(const char *name, int nargs)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (!strcmp(table[i].name, name) && table[i].nargs == nargs)
			return &table[i];
	return NULL;
}

const struct cbuiltin *cbuiltin_find_typed(const char *name, int nargs, enum type first)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (!strcmp(table[i].name, name) && table[i].nargs == nargs && nargs > 0 && table[i].args[0] == first)
			return &table[i];
	return NULL;
}

int cbuiltin_exists(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (!strcmp(table[i].name, name))
			return 1;
	return 0;
}

const char *cbuiltin_name(size_t i)
{
	return i < sizeof table / sizeof table[0] ? table[i].name : NULL;
}
