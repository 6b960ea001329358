/* Kernel functions' parameters from the target kernel's BTF (kernel_btf.c). */
#ifndef TAPC_KERNEL_BTF_H
#define TAPC_KERNEL_BTF_H

#include "probes.h"

/* Fills params (at most max, in argument order: the first six are the x86-64 argument
   registers) for kernel function func; returns how many, or -1 with *why. */
int kernel_func_params(const char *func, struct trace_param *params, int max, const char **why);

/* Does the kernel (or "mod:func", the module) have function func? 1 yes, 0 no, -1 no
   BTF to tell. */
int kernel_btf_has_func(const char *func);

/* Does path ("->a.b->c[2]") lead through kernel type ctype ("struct task_struct *")?
   1 yes, 0 no, -1 unknown (no BTF, or a type it does not describe). */
int kernel_btf_member_path(const char *ctype, const char *path);

#endif
