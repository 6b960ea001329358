/*
 * format.h - printf/sprintf formatter with SystemTap semantics.
 *
 * Portable C: builds in a Linux kernel module (__KERNEL__) and in user space.
 * No libc printf, no floating point, no allocation.
 *
 * Supported conversions: %d %i %u %x %X %o %s %c %p %b %%.  Every integer is a
 * 64-bit value.  The format syntax is SystemTap's, which is narrower than C's:
 *
 *   %[flag][width][.precision][length]conversion
 *
 *   flag       at most ONE of  - + space # 0   (a second flag is an error; a
 *              '0' after another flag starts the width, so "%+05d" is
 *              "+ with width 5", not zero padded)
 *   width      digits or '*' (taken from a long argument)
 *   precision  '.' then digits or '*' (a long argument); '.' alone = none
 *   length     l ll h hh L q j z t -- accepted and ignored (SystemTap itself
 *              only accepts a single 'l'; the others are a tapc extension)
 *
 * See the comment block at the top of format.c for every place the output
 * differs from C's printf (they follow SystemTap's runtime).
 */
#ifndef TAP_FORMAT_H
#define TAP_FORMAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

/* One printf argument; the compiler knows each one's type from the format. */
struct tap_fmt_arg { int is_str; int64_t l; const char *s; };

/* Largest width or precision honoured; larger values are clamped to it.  Output
   beyond the buffer is only counted, never looped over, so this only bounds
   the returned length. */
#define TAP_FMT_MAX_FIELD 0x7fffffff

/* Formats into buf (size bytes, always NUL-terminated if size > 0). Returns the
   length the full output would have (like snprintf), so callers can detect
   truncation.  Bad or missing arguments print nothing for that conversion (the
   compiler rejects those cases earlier).  Note that %b, %c and %0s can emit NUL
   bytes, so use the returned length rather than strlen() for stream output. */
size_t tap_format(char *buf, size_t size, const char *fmt,
                  const struct tap_fmt_arg *args, int nargs);

/* Conversion flags (struct tap_conv.flags). */
#define TF_ZEROPAD 1
#define TF_SIGN    2
#define TF_PLUS    4
#define TF_SPACE   8
#define TF_LEFT    16
#define TF_SPECIAL 32
#define TF_LARGE   64

/* One conversion of a format, as tapc compiles it: width and prec are -1 when
   absent; width_star / prec_star say they come from a '*' argument. */
struct tap_conv {
	int flags;
	int width;
	int prec;
	int width_star;
	int prec_star;
	char conv;      /* d i u x X o p s c b */
};

/* Splits a format into pieces for tapc: from *pos, returns 0 at the end, 1 for
   literal text (*lit_start, *lit_len: "%%" is a literal "%"), 2 for a
   conversion (*cv), -1 for an invalid one; advances *pos. */
int tap_format_next(const char *fmt, size_t *pos, struct tap_conv *cv,
                    size_t *lit_start, size_t *lit_len);

/* Most bytes the conversion can print, apart from a %s's string itself
   (capped at the string's length, or its precision); cv has no '*'. */
size_t tap_conv_bound(const struct tap_conv *cv);

/* Parses a literal format at compile time: returns the number of arguments it
   needs and writes for each one whether it must be a string (1) or a long (0)
   into kinds[] (up to max_kinds; kinds may be NULL); returns -1 and sets
   *err_pos (byte offset of the offending character in fmt) and *err_msg on an
   invalid format.  err_pos and err_msg may be NULL. */
int tap_format_check(const char *fmt, int *kinds, int max_kinds,
                     int *err_pos, const char **err_msg);

#endif /* TAP_FORMAT_H */
