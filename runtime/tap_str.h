/* Script strings: NUL-terminated, at most MAXSTRINGLEN bytes including the NUL. */
#ifndef TAP_STR_H
#define TAP_STR_H

#include "tap_types.h"
#include "limits.h"

/* Copies src into a MAXSTRINGLEN buffer, truncating; returns dst. */
static inline char *tap_strcpy(char *dst, const char *src)
{
	size_t n = strnlen(src, MAXSTRINGLEN - 1);
	if (dst != src) {
		memmove(dst, src, n);
		dst[n] = '\0';
	}
	return dst;
}

/* dst = a . b, truncated to MAXSTRINGLEN; dst may be neither a nor b. */
static inline char *tap_concat(char *dst, const char *a, const char *b)
{
	size_t na = strnlen(a, MAXSTRINGLEN - 1);
	size_t nb = strnlen(b, MAXSTRINGLEN - 1 - na);
	memmove(dst, a, na);
	memmove(dst + na, b, nb);
	dst[na + nb] = '\0';
	return dst;
}

/* dst .= src */
static inline char *tap_append(char *dst, const char *src)
{
	size_t n = strnlen(dst, MAXSTRINGLEN - 1);
	size_t m = strnlen(src, MAXSTRINGLEN - 1 - n);
	memmove(dst + n, src, m);
	dst[n + m] = '\0';
	return dst;
}

#endif
