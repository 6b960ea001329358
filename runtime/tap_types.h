/* The few basic types and helpers the portable runtime needs, from the kernel or libc. */
#ifndef TAP_TYPES_H
#define TAP_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/compiler.h>
#else
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#endif

#endif
