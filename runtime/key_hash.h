/* Hashing and comparing key parts: the generic key functions (map.c) and the
   per-array functions tapc generates use these same steps, so both find the same
   bucket. Strings go 8 bytes at a time: a load may read bytes after the NUL but
   never past the page the NUL is on, and those bytes are masked off. */
#ifndef TAP_KEY_HASH_H
#define TAP_KEY_HASH_H

#include "tap_types.h"

#define TAP_HASH_MUL 0x9e3779b97f4a7c15ULL
#define TAP_ONES 0x0101010101010101ULL
#define TAP_HIGHS 0x8080808080808080ULL

static inline uint64_t tap_hash_start(uint32_t seed)
{
	return 0xcbf29ce484222325ULL ^ seed;
}

/* One multiply mixes all 64 bits of a word into the state. */
static inline uint64_t tap_hash_long(uint64_t h, int64_t v)
{
	h = (h ^ (uint64_t)v) * TAP_HASH_MUL;
	return h ^ (h >> 29);
}

static inline uint32_t tap_hash_end(uint64_t h)
{
	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

/* The 8 bytes at p, little-endian. Near a page end (where the string may end) only
   the bytes up to its NUL, the rest zero. The whole-word read may go past the end of a
   short string (within its page): __builtin_memcpy, as the kernel's fortified memcpy
   stops the kernel when it sees a literal key such as "x" read as 8 bytes. */
static inline uint64_t tap_str_load(const char *p)
{
	uint64_t w = 0;
	if (likely(((uintptr_t)p & 4095) <= 4096 - 8)) {
		__builtin_memcpy(&w, p, 8);
		return w;
	}
	for (int i = 0; i < 8 && p[i]; i++)
		w |= (uint64_t)(unsigned char)p[i] << (8 * i);
	return w;
}

/* The high bit of w's first NUL byte, or 0 if it has none (the first zero byte's
   borrow is exact; later ones may not be, so only the lowest bit counts). */
static inline uint64_t tap_str_nul(uint64_t w)
{
	uint64_t z = (w - TAP_ONES) & ~w & TAP_HIGHS;
	return z & -z;
}

/* The bytes up to and including that NUL (z << 1 wraps to 0 for the last byte). */
static inline uint64_t tap_str_upto(uint64_t z)
{
	return (z << 1) - 1;
}

static inline uint64_t tap_hash_str(uint64_t h, const char *s)
{
	for (;; s += 8) {
		uint64_t w = tap_str_load(s), z = tap_str_nul(w);
		if (z)
			return tap_hash_long(h, (int64_t)(w & tap_str_upto(z)));
		h = tap_hash_long(h, (int64_t)w);
	}
}

/* strcmp(a, b) == 0, a word at a time. */
static inline int tap_str_eq(const char *a, const char *b)
{
	for (;; a += 8, b += 8) {
		uint64_t wa = tap_str_load(a), wb = tap_str_load(b), z = tap_str_nul(wa);
		if (z)
			return ((wa ^ wb) & tap_str_upto(z)) == 0;
		if (wa != wb)
			return 0;
	}
}

#endif
