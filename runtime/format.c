/*
 * format.c - printf/sprintf formatter with SystemTap semantics.
 *
 * Builds both as kernel code and as user-space C11; no libc formatting, no
 * floating point, no allocation, no 64-bit division (so no libgcc helpers on
 * 32-bit kernels).
 *
 * Where SystemTap's output differs from C's printf we follow SystemTap (its
 * translator's format parser and its runtime number/string/char routines):
 *
 *  - At most one flag per conversion.  "%+05d" is '+' with width 5 (the 0 is
 *    part of the width, so no zero padding); "%-+5d" is an error.
 *  - %p is %#x of the 64-bit value (SystemTap >= 1.3): %p of 0 is "0x0",
 *    no fixed-width zero padding.
 *  - '#' always adds the prefix, even for 0: %#x of 0 is "0x0", %#o of 0 is
 *    "00", and %#.3o of 8 is "0010" (C: "0", "0", "010").
 *  - An integer always prints at least one digit: %.0d of 0 is "0" (C: "").
 *  - The '0' flag still pads with zeros when a precision is given:
 *    %05.3d of 5 is "00005" (C: "  005").
 *  - '.' with no digits means "no precision" (C: precision 0), so %.s prints
 *    the whole string and %.d of 0 prints "0".
 *  - '*' width/precision: the long argument is truncated to int, and a
 *    negative value becomes 0 -- it does NOT left-justify (C and SystemTap's
 *    legacy _stp_vsnprintf do; SystemTap's default compiled printf clamps).
 *  - %c prints the low byte of the long; width pads with spaces whatever the
 *    flag, precision is ignored, and '#' escapes the character C-style
 *    (\n \t \' \\ ..., otherwise \ooo) unless it is printable ASCII.
 *  - %0s (the '0' flag on %s) appends a NUL byte after the padded string.
 *  - %b writes the value as raw native-endian bytes: precision (1, 2, 4, 8)
 *    is the byte count, width pads with NUL bytes; both default to 8.
 *  - A lone '%' at the very end of the format prints '%'.
 *
 * Deliberate differences from SystemTap:
 *  - Widths and precisions are clamped only to TAP_FMT_MAX_FIELD, not to the
 *    space left in the output buffer, so the result never depends on the
 *    buffer size (SystemTap's can, for fields wider than the buffer).
 *  - A %b value that does not fit in the buffer is written partially
 *    (SystemTap drops it entirely).
 *  - Length modifiers ll h hh L q j z t are accepted (SystemTap: only 'l').
 *  - "%." or "%5l" at the end of the format is an error (SystemTap silently
 *    drops such a conversion).
 *  - %m and %M (memory dumps) are rejected as unsupported.
 *  - A NULL string argument prints nothing (SystemTap prints "<NULL>").
 *  - An invalid format at run time (tap_format_check rejects all of these)
 *    copies the rest of the format verbatim.
 */
#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#else
#include <stdint.h>
#include <string.h>
#include <stddef.h>
#endif

#include "format.h"
#include "format_put.h"

/* Width/precision kinds. */
#define TF_FIELD_NONE   0
#define TF_FIELD_STATIC 1
#define TF_FIELD_STAR   2

struct tap_spec {
	int flags;
	int width_kind;
	int width;
	int prec_kind;
	int prec;
	char conv;      /* conversion letter, or '%' for a literal percent */
	size_t next;    /* offset just past the specification */
};

struct tap_out {
	char *buf;
	size_t size;
	size_t len;     /* length of the full output so far (saturating) */
};

static const char tap_msg_bad_conv[] = "invalid or missing conversion specifier";
static const char tap_msg_trailing[] = "trailing incomplete print format conversion";
static const char tap_msg_unsupported[] = "%m and %M conversions are not supported";
static const char tap_msg_null[] = "missing format string";

/* ---- output helpers ---------------------------------------------------- */

static void tap_out_count(struct tap_out *o, size_t n)
{
	if (o->len > (size_t)-1 - n)
		o->len = (size_t)-1;
	else
		o->len += n;
}

static size_t tap_out_room(const struct tap_out *o, size_t want)
{
	size_t room;

	if (o->size == 0 || o->len >= o->size - 1)
		return 0;
	room = o->size - 1 - o->len;
	return want < room ? want : room;
}

static void tap_out_fill(struct tap_out *o, char c, size_t n)
{
	size_t k = tap_out_room(o, n);

	if (k)
		memset(o->buf + o->len, c, k);
	tap_out_count(o, n);
}

static void tap_out_mem(struct tap_out *o, const char *s, size_t n)
{
	size_t k = tap_out_room(o, n);

	if (k)
		memcpy(o->buf + o->len, s, k);
	tap_out_count(o, n);
}

static void tap_out_char(struct tap_out *o, char c)
{
	tap_out_mem(o, &c, 1);
}

/* ---- parsing ----------------------------------------------------------- */

static int tap_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int tap_parse_num(const char *fmt, size_t *pos)
{
	int v = 0;
	int d;

	while (tap_is_digit(fmt[*pos])) {
		d = fmt[*pos] - '0';
		if (v > (TAP_FMT_MAX_FIELD - d) / 10)
			v = TAP_FMT_MAX_FIELD;
		else
			v = v * 10 + d;
		(*pos)++;
	}
	return v;
}

/* Parses the specification starting at the '%' at fmt[pos].  Returns 0 and
   fills *sp, or -1 with *err_pos / *err_msg set. */
static int tap_parse_spec(const char *fmt, size_t pos, struct tap_spec *sp,
			  size_t *err_pos, const char **err_msg)
{
	size_t p = pos + 1;
	char c;

	sp->flags = 0;
	sp->width_kind = TF_FIELD_NONE;
	sp->width = -1;
	sp->prec_kind = TF_FIELD_NONE;
	sp->prec = -1;

	/* "%%", and a lone '%' ending the format, are a literal percent. */
	if (fmt[p] == '%' || fmt[p] == '\0') {
		sp->conv = '%';
		sp->next = fmt[p] ? p + 1 : p;
		return 0;
	}

	/* A single optional flag (SystemTap accepts no more than one). */
	switch (fmt[p]) {
	case '-': sp->flags |= TF_LEFT;    p++; break;
	case '+': sp->flags |= TF_PLUS;    p++; break;
	case ' ': sp->flags |= TF_SPACE;   p++; break;
	case '#': sp->flags |= TF_SPECIAL; p++; break;
	case '0': sp->flags |= TF_ZEROPAD; p++; break;
	default: break;
	}

	if (fmt[p] == '*') {
		sp->width_kind = TF_FIELD_STAR;
		p++;
	} else if (tap_is_digit(fmt[p])) {
		sp->width_kind = TF_FIELD_STATIC;
		sp->width = tap_parse_num(fmt, &p);
	}

	if (fmt[p] == '.') {
		p++;
		if (fmt[p] == '*') {
			sp->prec_kind = TF_FIELD_STAR;
			p++;
		} else if (tap_is_digit(fmt[p])) {
			sp->prec_kind = TF_FIELD_STATIC;
			sp->prec = tap_parse_num(fmt, &p);
		}
	}

	/* Length modifiers: accepted and ignored, every integer is 64-bit. */
	switch (fmt[p]) {
	case 'h':
	case 'l':
		if (fmt[p + 1] == fmt[p])
			p++;
		p++;
		break;
	case 'L': case 'q': case 'j': case 'z': case 't':
		p++;
		break;
	default:
		break;
	}

	c = fmt[p];
	switch (c) {
	case 'd': case 'i':
		sp->flags |= TF_SIGN;
		break;
	case 'X':
		sp->flags |= TF_LARGE;
		break;
	case 'p':
		sp->flags |= TF_SPECIAL;
		break;
	case 'u': case 'o': case 'x': case 's': case 'c': case 'b':
		break;
	case '\0':
		*err_pos = pos;
		*err_msg = tap_msg_trailing;
		return -1;
	case 'm': case 'M':
		*err_pos = p;
		*err_msg = tap_msg_unsupported;
		return -1;
	default:
		*err_pos = p;
		*err_msg = tap_msg_bad_conv;
		return -1;
	}
	sp->conv = c;
	sp->next = p + 1;
	return 0;
}

/* ---- conversions ------------------------------------------------------- */

static void tap_fmt_number(struct tap_out *o, uint64_t num, int base,
			   int width, int precision, int flags)
{
	const char *digits = (flags & TF_LARGE) ? tap_hex_upper : tap_hex_lower;
	char tmp[24];   /* 22 octal digits for 64 bits */
	int n = 0;
	char sign = 0;
	int64_t size = width;   /* remaining padding budget */
	int64_t prec = precision;
	unsigned int d;

	if (flags & TF_LEFT)
		flags &= ~TF_ZEROPAD;

	if (flags & TF_SIGN) {
		if (num >> 63) {
			sign = '-';
			num = 0 - num;  /* also right for INT64_MIN */
			size--;
		} else if (flags & TF_PLUS) {
			sign = '+';
			size--;
		} else if (flags & TF_SPACE) {
			sign = ' ';
			size--;
		}
	}
	if (flags & TF_SPECIAL) {
		if (base == 16)
			size -= 2;
		else if (base == 8)
			size--;
	}

	if (num == 0)
		tmp[n++] = '0';
	while (num != 0) {
		if (base == 10) {
			d = tap_div10(&num);
		} else if (base == 16) {
			d = (unsigned int)(num & 15);
			num >>= 4;
		} else {
			d = (unsigned int)(num & 7);
			num >>= 3;
		}
		tmp[n++] = digits[d];
	}

	if (prec < n)
		prec = n;
	size -= prec;

	if (!(flags & (TF_ZEROPAD | TF_LEFT)) && size > 0) {
		tap_out_fill(o, ' ', (size_t)size);
		size = 0;
	}
	if (sign)
		tap_out_char(o, sign);
	if (flags & TF_SPECIAL) {
		if (base == 8) {
			tap_out_char(o, '0');
		} else if (base == 16) {
			tap_out_char(o, '0');
			tap_out_char(o, (flags & TF_LARGE) ? 'X' : 'x');
		}
	}
	if (!(flags & TF_LEFT) && size > 0) {   /* only left with TF_ZEROPAD */
		tap_out_fill(o, '0', (size_t)size);
		size = 0;
	}
	if (prec > n)
		tap_out_fill(o, '0', (size_t)(prec - n));
	while (n > 0)
		tap_out_char(o, tmp[--n]);
	if (size > 0)
		tap_out_fill(o, ' ', (size_t)size);
}

static void tap_fmt_char(struct tap_out *o, unsigned char c, int width,
			 int flags)
{
	char out[4];
	int n = 1;
	char esc = 0;

	out[0] = (char)c;
	if ((flags & TF_SPECIAL) &&
	    (c < 0x20 || c > 0x7e || c == '\'' || c == '\\')) {
		switch (c) {
		case '\a': esc = 'a'; break;
		case '\b': esc = 'b'; break;
		case '\f': esc = 'f'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		case '\t': esc = 't'; break;
		case '\v': esc = 'v'; break;
		case '\'': esc = '\''; break;
		case '\\': esc = '\\'; break;
		default: break;
		}
		out[0] = '\\';
		if (esc) {
			out[1] = esc;
			n = 2;
		} else {
			out[1] = (char)('0' + ((c >> 6) & 3));
			out[2] = (char)('0' + ((c >> 3) & 7));
			out[3] = (char)('0' + (c & 7));
			n = 4;
		}
	}
	if (!(flags & TF_LEFT) && width > n)
		tap_out_fill(o, ' ', (size_t)(width - n));
	tap_out_mem(o, out, (size_t)n);
	if ((flags & TF_LEFT) && width > n)
		tap_out_fill(o, ' ', (size_t)(width - n));
}

static void tap_fmt_string(struct tap_out *o, const char *s, int width,
			   int precision, int flags)
{
	size_t len = 0;
	size_t w = width > 0 ? (size_t)width : 0;

	if (precision < 0) {
		while (s[len])
			len++;
	} else {
		while (len < (size_t)precision && s[len])
			len++;
	}
	if (!(flags & TF_LEFT) && w > len)
		tap_out_fill(o, ' ', w - len);
	tap_out_mem(o, s, len);
	if ((flags & TF_LEFT) && w > len)
		tap_out_fill(o, ' ', w - len);
	if (flags & TF_ZEROPAD)
		tap_out_char(o, '\0');
}

static int tap_binary_prec(int p)
{
	return (p == 1 || p == 2 || p == 4 || p == 8) ? p : -1;
}

static void tap_fmt_binary(struct tap_out *o, int64_t num, int width,
			   int precision, int flags)
{
	char bytes[8];
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	precision = tap_binary_prec(precision);
	if (width < 0) {
		if (precision < 0)
			precision = 8;
		width = precision;
	} else if (precision < 0) {
		precision = tap_binary_prec(width);
		if (precision < 0)
			precision = 8;
	}

	switch (precision) {
	case 1:
		v8 = (uint8_t)num;
		memcpy(bytes, &v8, 1);
		break;
	case 2:
		v16 = (uint16_t)num;
		memcpy(bytes, &v16, 2);
		break;
	case 4:
		v32 = (uint32_t)num;
		memcpy(bytes, &v32, 4);
		break;
	default:
		v64 = (uint64_t)num;
		memcpy(bytes, &v64, 8);
		break;
	}

	if (!(flags & TF_LEFT) && width > precision)
		tap_out_fill(o, '\0', (size_t)(width - precision));
	tap_out_mem(o, bytes, (size_t)precision);
	if ((flags & TF_LEFT) && width > precision)
		tap_out_fill(o, '\0', (size_t)(width - precision));
}

/* ---- arguments --------------------------------------------------------- */

static int tap_get_long(const struct tap_fmt_arg *args, int nargs, int i,
			int64_t *v)
{
	if (i >= nargs || args[i].is_str)
		return 0;
	*v = args[i].l;
	return 1;
}

static int tap_get_str(const struct tap_fmt_arg *args, int nargs, int i,
		       const char **s)
{
	if (i >= nargs || !args[i].is_str || !args[i].s)
		return 0;
	*s = args[i].s;
	return 1;
}

/* A '*' argument: truncated to int like SystemTap's clamp_t(int, ...), and
   negative values clamp to 0. */
static int tap_star_value(int64_t v)
{
	int32_t i = (int32_t)(uint32_t)(uint64_t)v;

	return i < 0 ? 0 : i;
}

/* One conversion with its argument (s for %s, v for the others). */
static void tap_fmt_conv(struct tap_out *o, char conv, int flags, int width,
			 int prec, int64_t v, const char *s)
{
	switch (conv) {
	case 'd': case 'i': case 'u':
		tap_fmt_number(o, (uint64_t)v, 10, width, prec, flags);
		break;
	case 'x': case 'X': case 'p':
		tap_fmt_number(o, (uint64_t)v, 16, width, prec, flags);
		break;
	case 'o':
		tap_fmt_number(o, (uint64_t)v, 8, width, prec, flags);
		break;
	case 'c':
		tap_fmt_char(o, (unsigned char)(uint64_t)v, width, flags);
		break;
	case 's':
		tap_fmt_string(o, s, width, prec, flags);
		break;
	case 'b':
		tap_fmt_binary(o, v, width, prec, flags);
		break;
	default:
		break;
	}
}

/* ---- API --------------------------------------------------------------- */

size_t tap_format(char *buf, size_t size, const char *fmt,
		  const struct tap_fmt_arg *args, int nargs)
{
	struct tap_out o;
	struct tap_spec sp;
	size_t pos = 0;
	size_t start;
	size_t err_pos;
	const char *err_msg;
	int ai = 0;
	int ok;
	int width;
	int prec;
	int64_t v = 0;
	const char *s = NULL;

	o.buf = buf;
	o.size = buf ? size : 0;
	o.len = 0;
	if (!args || nargs < 0)
		nargs = 0;

	while (fmt && fmt[pos]) {
		if (fmt[pos] != '%') {
			start = pos;
			while (fmt[pos] && fmt[pos] != '%')
				pos++;
			tap_out_mem(&o, fmt + start, pos - start);
			continue;
		}
		if (tap_parse_spec(fmt, pos, &sp, &err_pos, &err_msg) < 0) {
			start = pos;
			while (fmt[pos])
				pos++;
			tap_out_mem(&o, fmt + start, pos - start);
			break;
		}
		pos = sp.next;
		if (sp.conv == '%') {
			tap_out_char(&o, '%');
			continue;
		}

		ok = 1;
		width = sp.width;
		prec = sp.prec;
		if (sp.width_kind == TF_FIELD_STAR) {
			if (tap_get_long(args, nargs, ai, &v))
				width = tap_star_value(v);
			else
				ok = 0;
			ai++;
		}
		if (sp.prec_kind == TF_FIELD_STAR) {
			if (tap_get_long(args, nargs, ai, &v))
				prec = tap_star_value(v);
			else
				ok = 0;
			ai++;
		}
		if (sp.conv == 's') {
			if (!tap_get_str(args, nargs, ai, &s))
				ok = 0;
		} else {
			if (!tap_get_long(args, nargs, ai, &v))
				ok = 0;
		}
		ai++;
		if (!ok)
			continue;

		tap_fmt_conv(&o, sp.conv, sp.flags, width, prec, v, s);
	}

	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return o.len;
}

static void tap_add_kind(int *kinds, int max_kinds, int *n, int kind)
{
	if (kinds && *n < max_kinds)
		kinds[*n] = kind;
	(*n)++;
}

int tap_format_check(const char *fmt, int *kinds, int max_kinds,
		     int *err_pos, const char **err_msg)
{
	struct tap_spec sp;
	size_t pos = 0;
	size_t epos = 0;
	const char *emsg = NULL;
	int n = 0;

	if (!fmt) {
		if (err_pos)
			*err_pos = 0;
		if (err_msg)
			*err_msg = tap_msg_null;
		return -1;
	}
	while (fmt[pos]) {
		if (fmt[pos] != '%') {
			pos++;
			continue;
		}
		if (tap_parse_spec(fmt, pos, &sp, &epos, &emsg) < 0) {
			if (err_pos)
				*err_pos = epos > 0x7fffffff ? 0x7fffffff : (int)epos;
			if (err_msg)
				*err_msg = emsg;
			return -1;
		}
		pos = sp.next;
		if (sp.conv == '%')
			continue;
		if (sp.width_kind == TF_FIELD_STAR)
			tap_add_kind(kinds, max_kinds, &n, 0);
		if (sp.prec_kind == TF_FIELD_STAR)
			tap_add_kind(kinds, max_kinds, &n, 0);
		tap_add_kind(kinds, max_kinds, &n, sp.conv == 's');
	}
	return n;
}

/* ---- compiled formats (tapc, format_put.h) ----------------------------- */

const char tap_dec_pairs[200] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";
const uint64_t tap_pow10[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
	100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
	10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
};
const char tap_hex_lower[16] = "0123456789abcdef";
const char tap_hex_upper[16] = "0123456789ABCDEF";

int tap_format_next(const char *fmt, size_t *pos, struct tap_conv *cv,
		    size_t *lit_start, size_t *lit_len)
{
	struct tap_spec sp;
	size_t p = *pos;
	size_t err_pos;
	const char *err_msg;

	if (!fmt[p])
		return 0;
	if (fmt[p] != '%') {
		*lit_start = p;
		while (fmt[p] && fmt[p] != '%')
			p++;
		*lit_len = p - *lit_start;
		*pos = p;
		return 1;
	}
	if (tap_parse_spec(fmt, p, &sp, &err_pos, &err_msg) < 0)
		return -1;
	*pos = sp.next;
	if (sp.conv == '%') {
		*lit_start = p;
		*lit_len = 1;
		return 1;
	}
	cv->flags = sp.flags;
	cv->width = sp.width;
	cv->prec = sp.prec;
	cv->width_star = sp.width_kind == TF_FIELD_STAR;
	cv->prec_star = sp.prec_kind == TF_FIELD_STAR;
	cv->conv = sp.conv;
	return 2;
}

size_t tap_conv_bound(const struct tap_conv *cv)
{
	size_t w = cv->width > 0 ? (size_t)cv->width : 0;
	size_t p = cv->prec > 0 ? (size_t)cv->prec : 0;

	switch (cv->conv) {
	case 'c':
		return w + 4;   /* an escape is at most \ooo */
	case 's':
		return w + 1;   /* %0s appends a NUL */
	case 'b':
		return w + 8;
	default:
		return w + p + 25;      /* 22 octal digits, a sign or "0x" */
	}
}

char *tap_put_conv(char *p, int flags, int width, int prec, char conv, int64_t v, const char *s)
{
	struct tap_out o = { p, (size_t)-1, 0 };

	tap_fmt_conv(&o, conv, flags, width, prec, v, s);
	return p + o.len;
}
