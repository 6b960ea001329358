/* Kernel functions' parameters from the target kernel's BTF (kernel_btf.c). */
#ifndef TAPC_KERNEL_BTF_H
#define TAPC_KERNEL_BTF_H

#include "probes.h"

/* Fills params (at most max, in argument order: the first six are the x86-64 argument
   registers) for kernel function func; returns how many, or -1 with *why. */
int kernel_func_params(const char *func, struct trace_param *params, int max, const char **why);

#endif
