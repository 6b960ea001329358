/* The portable functions of functions.h: strings and arithmetic. */
#include "functions.h"

int64_t tap_fn_strlen(struct tap_ctx *c, const char *s)
{
	return (int64_t)strnlen(s, MAXSTRINGLEN);
}

const char *tap_fn_substr(struct tap_ctx *c, char *out, const char *s, int64_t start, int64_t len)
{
	int64_t n = (int64_t)strnlen(s, MAXSTRINGLEN - 1);
	out[0] = '\0';
	if (start < 0 || start >= n || len <= 0)
		return out;
	if (len > n - start)
		len = n - start;
	memmove(out, s + start, (size_t)len);
	out[len] = '\0';
	return out;
}

int64_t tap_fn_stringat(struct tap_ctx *c, const char *s, int64_t pos)
{
	if (pos < 0 || pos >= (int64_t)strnlen(s, MAXSTRINGLEN)) {
		tap_error(c, "Position out of range", NULL);
		return 0;
	}
	return (unsigned char)s[pos];
}

int64_t tap_fn_strpos(struct tap_ctx *c, const char *s, const char *sub)
{
	const char *p = strstr(s, sub);
	return p ? p - s : -1;
}

int64_t tap_fn_isinstr(struct tap_ctx *c, const char *s, const char *sub)
{
	return strstr(s, sub) != NULL;
}

const char *tap_fn_str_replace(struct tap_ctx *c, char *out, const char *s, const char *from, const char *to)
{
	size_t flen = strlen(from), tlen = strlen(to), o = 0;
	char buf[MAXSTRINGLEN];
	while (*s && o < sizeof buf - 1) {
		if (flen && !strncmp(s, from, flen)) {
			for (size_t i = 0; i < tlen && o < sizeof buf - 1; i++)
				buf[o++] = to[i];
			s += flen;
		} else {
			buf[o++] = *s++;
		}
	}
	buf[o] = '\0';
	return tap_strcpy(out, buf);
}

int64_t tap_fn_strtol(struct tap_ctx *c, const char *s, int64_t base)
{
	int neg = 0;
	uint64_t v = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if ((base == 16 || base == 0) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		tap_error(c, "invalid base for strtol", NULL);
		return 0;
	}
	for (;; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'z' ? *s - 'a' + 10
			: *s >= 'A' && *s <= 'Z' ? *s - 'A' + 10 : 99;
		if (d >= base)
			break;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	return neg ? (int64_t)(0 - v) : (int64_t)v;
}

/* Non-printing characters become C escapes, so output stays one line of text. */
static size_t escape_char(char *o, unsigned char ch)
{
	static const char esc[] = "\a\b\f\n\r\t\v\"\\";
	static const char rep[] = "abfnrtv\"\\";
	const char *p = ch ? strchr(esc, ch) : NULL;
	if (p) {
		o[0] = '\\';
		o[1] = rep[p - esc];
		return 2;
	}
	if (ch < 32 || ch >= 127) {
		o[0] = '\\';
		o[1] = (char)('0' + (ch >> 6));
		o[2] = (char)('0' + ((ch >> 3) & 7));
		o[3] = (char)('0' + (ch & 7));
		return 4;
	}
	o[0] = (char)ch;
	return 1;
}

/* The n bytes at s (NULs too) as text_strn shows a string. len > 0 bounds the result's
   length, quotes and "..." included (SystemTap 4.8's text_strn: an escape is never
   split; a cut quoted string ends in "..." after its closing quote even when that
   overshoots a tiny len). */
char *tap_text_mem(char *out, const char *s, size_t n, int64_t len, int quoted)
{
	size_t o = 0, limit = MAXSTRINGLEN - 1;
	size_t room = len > 0 && (uint64_t)len < limit ? (size_t)len : limit;
	size_t full = quoted ? 2 : 0;
	size_t i;
	for (i = 0; i < n && full <= room; i++) {
		char tmp[4];
		full += escape_char(tmp, (unsigned char)s[i]);
	}
	int cut = full > room;
	/* The text gets what the quotes and a cut's "..." leave. */
	size_t text_room = room - (quoted ? (cut ? 5 : 2) : 0);
	if (quoted && cut && room < 5)
		text_room = 0;
	if (quoted)
		out[o++] = '"';
	for (i = 0; i < n; i++) {
		char tmp[4];
		size_t e = escape_char(tmp, (unsigned char)s[i]);
		if (o - (quoted ? 1 : 0) + e > text_room)
			break;
		memcpy(out + o, tmp, e);
		o += e;
	}
	if (quoted) {
		out[o++] = '"';
		if (cut && o + 3 <= limit) {
			memcpy(out + o, "...", 3);
			o += 3;
		}
	}
	out[o] = '\0';
	return out;
}

const char *tap_fn_text_strn(struct tap_ctx *c, char *out, const char *s, int64_t len, int64_t quoted)
{
	return tap_text_mem(out, s, strlen(s), len, quoted != 0);
}

const char *tap_fn_text_str(struct tap_ctx *c, char *out, const char *s)
{
	return tap_fn_text_strn(c, out, s, 0, 0);
}

const char *tap_fn_string_quoted(struct tap_ctx *c, char *out, const char *s)
{
	return tap_fn_text_strn(c, out, s, 0, 1);
}

const char *tap_fn_toupper(struct tap_ctx *c, char *out, const char *s)
{
	size_t i = 0;
	for (; s[i] && i < MAXSTRINGLEN - 1; i++)
		out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
	out[i] = '\0';
	return out;
}

const char *tap_fn_tolower(struct tap_ctx *c, char *out, const char *s)
{
	size_t i = 0;
	for (; s[i] && i < MAXSTRINGLEN - 1; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	out[i] = '\0';
	return out;
}

int64_t tap_fn_isdigit(struct tap_ctx *c, const char *s)
{
	return s[0] >= '0' && s[0] <= '9';
}

const char *tap_fn_sprint_long(struct tap_ctx *c, char *out, int64_t v)
{
	*tap_put_dec(out, v) = '\0';
	return out;
}

const char *tap_fn_sprint_string(struct tap_ctx *c, char *out, const char *s)
{
	(void)c;
	(void)out;
	return s; /* already a string of at most MAXSTRINGLEN */
}

int64_t tap_fn_abs(struct tap_ctx *c, int64_t v)
{
	return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

int64_t tap_fn_min(struct tap_ctx *c, int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int64_t tap_fn_max(struct tap_ctx *c, int64_t a, int64_t b)
{
	return a > b ? a : b;
}

int64_t tap_fn_int32(struct tap_ctx *c, int64_t v) { return (int32_t)v; }
int64_t tap_fn_uint32(struct tap_ctx *c, int64_t v) { return (uint32_t)v; }
int64_t tap_fn_short(struct tap_ctx *c, int64_t v) { return (int16_t)v; }
int64_t tap_fn_ushort(struct tap_ctx *c, int64_t v) { return (uint16_t)v; }

const char *tap_fn_errno_str(struct tap_ctx *c, char *out, int64_t e)
{
	const char *name = tap_errno_name(e);
	return tap_strcpy(out, name ? name : "");
}

/* tokenize(input, delim): a non-empty input starts a new string to split; each call
   returns its next non-empty token (delimiters: any byte of delim), "" at the end.
   The string is kept in the context, so a probe can walk it in a loop. */
const char *tap_fn_tokenize(struct tap_ctx *c, char *out, const char *input, const char *delim)
{
	size_t len;
	if (input[0]) {
		tap_strcpy(c->tok, input);
		c->tok_pos = 0;
	}
	len = strnlen(c->tok, MAXSTRINGLEN - 1);
	out[0] = '\0';
	while (c->tok_pos < len) {
		const char *start = c->tok + c->tok_pos;
		size_t n = strcspn(start, delim);
		c->tok_pos += n + 1;
		if (n) {
			memcpy(out, start, n);
			out[n] = '\0';
			break;
		}
	}
	return out;
}
