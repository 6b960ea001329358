/*
 * format_put.h - the writers a compiled printf/sprintf calls.
 *
 * tapc compiles a literal format into direct writes (see gen_printf in
 * translator/codegen.c): the caller reserves room for the whole line first, so
 * these writers store without bounds checks and return the new end.  Plain
 * conversions (%d %u %x %X %o %p %s %c) have their own small writer here;
 * anything with a flag, a width or a precision (other than %s's) goes through
 * tap_put_conv, which runs the same code as tap_format and so prints the same
 * bytes.  Static inline: generated code calls them on every printf.
 */
#ifndef TAP_FORMAT_PUT_H
#define TAP_FORMAT_PUT_H

#include "format.h"

/* Divides *v by 10 and returns the remainder; without 64-bit division on
   32-bit targets (no libgcc helpers in a kernel module). */
static inline unsigned int tap_div10(uint64_t *v)
{
#if defined(__x86_64__) || defined(__aarch64__)
	/* 64-bit targets divide by a constant with a multiply. */
	unsigned int r = (unsigned int)(*v % 10);
	*v /= 10;
	return r;
#else
	uint32_t hi = (uint32_t)(*v >> 32);
	uint32_t lo = (uint32_t)*v;
	uint32_t qhi, q1, q0, r, t;

	qhi = hi / 10;
	r = hi % 10;
	t = (r << 16) | (lo >> 16);
	q1 = t / 10;
	r = t % 10;
	t = (r << 16) | (lo & 0xffff);
	q0 = t / 10;
	r = t % 10;
	*v = ((uint64_t)qhi << 32) | ((uint64_t)q1 << 16) | q0;
	return r;
#endif
}

extern const char tap_dec_pairs[200];     /* "00" "01" ... "99" */
extern const uint64_t tap_pow10[20];      /* 1, 10, ..., 10^19 */
extern const char tap_hex_lower[16], tap_hex_upper[16];

/* Number of decimal digits of v (1 to 20): a few compares, no division. */
static inline int tap_dec_len(uint64_t v)
{
	int n = 1;

	while (n < 20 && v >= tap_pow10[n])
		n++;
	return n;
}

/* %u: the digits are written from the end, two per step, each pair taken from
   a table (a division by the constant 100 is a multiply). */
static inline char *tap_put_udec(char *p, uint64_t v)
{
	int n = tap_dec_len(v);
	char *e = p + n;
#if defined(__x86_64__) || defined(__aarch64__)
	while (v >= 100) {
		uint64_t q = v / 100;
		unsigned int r = (unsigned int)(v - q * 100);

		e -= 2;
		memcpy(e, tap_dec_pairs + 2 * r, 2);
		v = q;
	}
#else
	while (v >> 32)
		*--e = (char)('0' + tap_div10(&v));
	{
		uint32_t w = (uint32_t)v;

		while (w >= 100) {
			uint32_t q = w / 100;

			e -= 2;
			memcpy(e, tap_dec_pairs + 2 * (w - q * 100), 2);
			w = q;
		}
		v = w;
	}
#endif
	if (v >= 10) {
		e -= 2;
		memcpy(e, tap_dec_pairs + 2 * v, 2);
	} else {
		*--e = (char)('0' + v);
	}
	return p + n;
}

/* %d and %i; 0 - v is also right for INT64_MIN. */
static inline char *tap_put_dec(char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;

	if (v < 0) {
		*p++ = '-';
		u = 0 - u;
	}
	return tap_put_udec(p, u);
}

/* %x and %X (digits: tap_hex_lower or tap_hex_upper) with bits 4, %o with bits 3:
   the digit count comes from the highest set bit. */
static inline char *tap_put_pow2(char *p, uint64_t v, int bits, const char *digits)
{
	int n = v ? (64 - __builtin_clzll(v) + bits - 1) / bits : 1;
	char *e = p + n;

	do {
		*--e = digits[v & ((1u << bits) - 1)];
		v >>= bits;
	} while (v);
	return p + n;
}

static inline char *tap_put_hex(char *p, uint64_t v, const char *digits)
{
	return tap_put_pow2(p, v, 4, digits);
}

static inline char *tap_put_oct(char *p, uint64_t v)
{
	return tap_put_pow2(p, v, 3, tap_hex_lower);
}

static inline char *tap_put_mem(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* %s with a width and/or precision, flag '-' or none: n is the string's
   length already cut to the precision. */
static inline char *tap_put_str_pad(char *p, const char *s, size_t n, size_t width, int left)
{
	size_t pad = width > n ? width - n : 0;

	if (!left && pad) {
		memset(p, ' ', pad);
		p += pad;
	}
	memcpy(p, s, n);
	p += n;
	if (left && pad) {
		memset(p, ' ', pad);
		p += pad;
	}
	return p;
}

/* Any conversion with its flags, width and precision (no '*'), through
   tap_format's own code.  The caller has reserved tap_conv_bound() bytes. */
char *tap_put_conv(char *p, int flags, int width, int prec, char conv, int64_t v, const char *s);

#endif /* TAP_FORMAT_PUT_H */
