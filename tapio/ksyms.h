/* The kernel functions of the running kernel that kprobe.function patterns match. */
#ifndef TAPIO_KSYMS_H
#define TAPIO_KSYMS_H

/* Calls fn(arg, i, name) once per function name matching patterns[i] (SystemTap's
   globs: *, ?, [...]) that can be probed: text of the kernel itself, not freed init
   code, not a compiler-split ".cold" part or __pfx_ padding, not on the kernel's kprobe blacklist (when
   debugfs shows it). Names come sorted per pattern. Returns -1 with errno if
   /proc/kallsyms cannot be read. */
int ksyms_match(const char *const *patterns, int n, void (*fn)(void *arg, int i, const char *name),
		void *arg);

/* For tapio: expands the patterns the module in /proc/tapc-NAME (dir) lists and writes
   the matches back to it. 0 if done or there was nothing to expand. */
int ksyms_offer(const char *dir);

#endif
