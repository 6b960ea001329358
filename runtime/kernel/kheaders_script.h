/* The kernel headers a script's own unit includes (through the runtime's headers) when
   the rest of the runtime is the shared object: a smaller precompiled header than
   kheaders.h, which loads in half the time (translator/kbuild_prebuilt.c). */
#include <linux/types.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/spinlock.h>
#include <linux/percpu.h>
#include <linux/cpumask.h>
