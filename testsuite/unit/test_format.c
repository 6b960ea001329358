/*
 * Unit tests for runtime/format.c (tap_format, tap_format_check) and the
 * writers of compiled formats (format_put.h: tap_put_*, tap_format_next).
 *
 * Build: gcc -std=gnu11 -Wall -Wextra -Werror -fwrapv -I runtime \
 *          runtime/format.c testsuite/unit/test_format.c \
 *          $(pkg-config --cflags --libs check) -o /tmp/test_format
 *
 * Where SystemTap agrees with C, tap_format is compared against glibc's
 * snprintf over a large table.  Where SystemTap deliberately differs from C
 * (see the top of format.c), the expected strings are written out by hand.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "format_put.h"

#define L(x) { 0, (int64_t)(x), NULL }
#define S(x) { 1, 0, (x) }

/* Formats with every buffer size from 0 to len+1 and checks the output, the
   NUL termination, the returned length, and that nothing past the buffer is
   touched. */
static void expect_impl(const char *exp, size_t explen, const char *fmt,
			const struct tap_fmt_arg *a, int nargs, int line)
{
	char buf[600];
	size_t n, size, want;

	ck_assert_msg(explen + 2 < sizeof buf, "line %d: expectation too long", line);

	n = tap_format(NULL, 0, fmt, a, nargs);
	ck_assert_msg(n == explen, "line %d: fmt \"%s\": length-only call returned %zu, want %zu",
		      line, fmt, n, explen);

	memset(buf, 0x5a, sizeof buf);
	n = tap_format(buf, sizeof buf, fmt, a, nargs);
	ck_assert_msg(n == explen && memcmp(buf, exp, explen) == 0 && buf[explen] == '\0',
		      "line %d: fmt \"%s\": got [%.*s] (len %zu), want [%s] (len %zu)",
		      line, fmt, (int)(n < sizeof buf ? n : sizeof buf), buf, n, exp, explen);

	for (size = 0; size <= explen + 1; size++) {
		memset(buf, 0x5a, sizeof buf);
		n = tap_format(buf, size, fmt, a, nargs);
		ck_assert_msg(n == explen, "line %d: fmt \"%s\" size %zu: returned %zu, want %zu",
			      line, fmt, size, n, explen);
		if (size == 0) {
			ck_assert_msg(buf[0] == 0x5a, "line %d: size 0 wrote to buffer", line);
			continue;
		}
		want = explen < size - 1 ? explen : size - 1;
		ck_assert_msg(memcmp(buf, exp, want) == 0 && buf[want] == '\0' &&
			      (unsigned char)buf[want + 1] == 0x5a,
			      "line %d: fmt \"%s\" size %zu: bad truncated output",
			      line, fmt, size);
	}
}

#define EXPECT(exp, fmt, ...) do { \
	const struct tap_fmt_arg a_[] = { __VA_ARGS__ }; \
	expect_impl(exp, sizeof(exp) - 1, fmt, a_, (int)(sizeof a_ / sizeof a_[0]), __LINE__); \
} while (0)
#define EXPECT0(exp, fmt) expect_impl(exp, sizeof(exp) - 1, fmt, NULL, 0, __LINE__)

/* ---- comparison against glibc ------------------------------------------ */

static const int64_t values[] = {
	0, 1, -1, INT64_MIN, INT64_MAX, 255, -255, 42, -42, 7, 8, 9, 10, 0x7fff,
	1000000007, -1000000007, 12345678901234LL, INT64_MIN + 1, 4294967295LL,
	4294967296LL, -4294967296LL, 0x123456789abcdefLL, 99999, 100000,
};
#define NVALUES ((int)(sizeof values / sizeof values[0]))

/* Octal digits of v (as unsigned). */
static int octal_digits(uint64_t v)
{
	int n = 1;

	while (v >>= 3)
		n++;
	return n;
}

/* True where SystemTap's output differs from C's for this combination (those
   are covered by explicit tests below). */
static int stap_differs_from_c(char flag, int prec, char conv, int64_t v)
{
	int hexoct = conv == 'x' || conv == 'X' || conv == 'o';

	if (flag == '#' && hexoct && v == 0)
		return 1;       /* "0x0" / "00" */
	if (flag == '#' && conv == 'o' && prec > octal_digits((uint64_t)v))
		return 1;       /* extra leading 0 */
	if (prec == 0 && v == 0)
		return 1;       /* always one digit */
	if (flag == '0' && prec >= 0)
		return 1;       /* '0' not cancelled by precision */
	return 0;
}

START_TEST(test_integers_vs_glibc)
{
	static const char flags[] = { 0, '-', '+', ' ', '#', '0' };
	static const char *const widths[] = { "", "1", "5", "25" };
	static const char *const precs[] = { "", ".0", ".1", ".5", ".22" };
	static const int precv[] = { -1, 0, 1, 5, 22 };
	static const char convs[] = "diuxXo";
	static const char *const mods[] = { "", "l", "ll", "h", "hh", "z", "j" };
	char sfmt[32], cfmt[32], want[128], got[128];
	unsigned fi, wi, pi, ci, vi;
	int compared = 0, wn;
	size_t gn;
	struct tap_fmt_arg arg = { 0, 0, NULL };

	for (fi = 0; fi < sizeof flags; fi++)
	for (wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
	for (pi = 0; pi < sizeof precs / sizeof precs[0]; pi++)
	for (ci = 0; ci < sizeof convs - 1; ci++)
	for (vi = 0; vi < (unsigned)NVALUES; vi++) {
		const char *mod = mods[(fi + wi + pi + ci + vi) % (sizeof mods / sizeof mods[0])];
		char f[2] = { flags[fi], 0 };

		if (stap_differs_from_c(flags[fi], precv[pi], convs[ci], values[vi]))
			continue;
		snprintf(sfmt, sizeof sfmt, "<%%%s%s%s%s%c>", f, widths[wi], precs[pi], mod, convs[ci]);
		snprintf(cfmt, sizeof cfmt, "<%%%s%s%sll%c>", f, widths[wi], precs[pi], convs[ci]);
		wn = snprintf(want, sizeof want, cfmt, (long long)values[vi]);
		arg.l = values[vi];
		memset(got, 0x5a, sizeof got);
		gn = tap_format(got, sizeof got, sfmt, &arg, 1);
		ck_assert_msg(wn >= 0 && gn == (size_t)wn && strcmp(got, want) == 0,
			      "fmt %s value %lld: got [%s], glibc %s gives [%s]",
			      sfmt, (long long)values[vi], got, cfmt, want);
		compared++;
	}
	ck_assert_int_gt(compared, 10000);
}
END_TEST

START_TEST(test_pointer_vs_glibc)
{
	/* Since SystemTap 1.3, %p is %#x of the 64-bit value; glibc's %#llx is the
	   same for nonzero values. */
	static const char flags[] = { 0, '-', '0' };
	static const char *const widths[] = { "", "1", "5", "20", "25" };
	static const char *const precs[] = { "", ".4", ".20" };
	char sfmt[32], cfmt[32], want[128], got[128];
	unsigned fi, wi, pi, vi;
	int compared = 0;
	struct tap_fmt_arg arg = { 0, 0, NULL };

	for (fi = 0; fi < sizeof flags; fi++)
	for (wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
	for (pi = 0; pi < sizeof precs / sizeof precs[0]; pi++)
	for (vi = 0; vi < (unsigned)NVALUES; vi++) {
		char f[2] = { flags[fi], 0 };

		if (values[vi] == 0 || (flags[fi] == '0' && precs[pi][0]))
			continue;
		snprintf(sfmt, sizeof sfmt, "[%%%s%s%sp]", f, widths[wi], precs[pi]);
		snprintf(cfmt, sizeof cfmt, "[%%#%s%s%sllx]", f, widths[wi], precs[pi]);
		snprintf(want, sizeof want, cfmt, (long long)values[vi]);
		arg.l = values[vi];
		tap_format(got, sizeof got, sfmt, &arg, 1);
		ck_assert_msg(strcmp(got, want) == 0, "fmt %s value %lld: got [%s], want [%s]",
			      sfmt, (long long)values[vi], got, want);
		compared++;
	}
	ck_assert_int_gt(compared, 500);
}
END_TEST

START_TEST(test_strings_vs_glibc)
{
	static const char flags[] = { 0, '-' };
	static const char *const widths[] = { "", "1", "3", "8", "30" };
	static const char *const precs[] = { "", ".0", ".1", ".3", ".10" };
	static const char *const strs[] = { "", "a", "abc", "hello", "hello, world and more" };
	char sfmt[32], want[128], got[128];
	unsigned fi, wi, pi, si;
	struct tap_fmt_arg arg = { 1, 0, NULL };

	for (fi = 0; fi < sizeof flags; fi++)
	for (wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
	for (pi = 0; pi < sizeof precs / sizeof precs[0]; pi++)
	for (si = 0; si < sizeof strs / sizeof strs[0]; si++) {
		char f[2] = { flags[fi], 0 };

		snprintf(sfmt, sizeof sfmt, "(%%%s%s%ss)", f, widths[wi], precs[pi]);
		snprintf(want, sizeof want, sfmt, strs[si]);
		arg.s = strs[si];
		tap_format(got, sizeof got, sfmt, &arg, 1);
		ck_assert_msg(strcmp(got, want) == 0, "fmt %s string \"%s\": got [%s], want [%s]",
			      sfmt, strs[si], got, want);
	}
}
END_TEST

START_TEST(test_chars_vs_glibc)
{
	static const char flags[] = { 0, '-' };
	static const char *const widths[] = { "", "1", "4" };
	static const int64_t chars[] = { 'A', 'z', ' ', '~', '%', 0x141, -191, 0, 0xff, 0x7f };
	char sfmt[32], want[64], got[64];
	unsigned fi, wi, vi;
	int wn;
	size_t gn;
	struct tap_fmt_arg arg = { 0, 0, NULL };

	for (fi = 0; fi < sizeof flags; fi++)
	for (wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
	for (vi = 0; vi < sizeof chars / sizeof chars[0]; vi++) {
		char f[2] = { flags[fi], 0 };

		snprintf(sfmt, sizeof sfmt, "'%%%s%sc'", f, widths[wi]);
		wn = snprintf(want, sizeof want, sfmt, (int)(chars[vi] & 0xff));
		arg.l = chars[vi];
		gn = tap_format(got, sizeof got, sfmt, &arg, 1);
		ck_assert_msg(wn >= 0 && gn == (size_t)wn && memcmp(got, want, gn + 1) == 0,
			      "fmt %s char %lld: mismatch", sfmt, (long long)chars[vi]);
	}
}
END_TEST

/* ---- explicit cases ------------------------------------------------------ */

START_TEST(test_basic)
{
	EXPECT0("", "");
	EXPECT0("hello", "hello");
	EXPECT0("%", "%%");
	EXPECT0("a%b", "a%%b");
	EXPECT0("100%", "100%");        /* lone trailing % is literal */
	EXPECT0("%%", "%%%%");
	EXPECT("x=42 s=abc!", "x=%d s=%s!", L(42), S("abc"));
	EXPECT("-9223372036854775808", "%d", L(INT64_MIN));
	EXPECT("9223372036854775807", "%i", L(INT64_MAX));
	EXPECT("18446744073709551615", "%u", L(-1));
	EXPECT("ffffffffffffffff", "%x", L(-1));
	EXPECT("FFFFFFFFFFFFFFFF", "%X", L(-1));
	EXPECT("1777777777777777777777", "%o", L(-1));
	EXPECT("8000000000000000", "%x", L(INT64_MIN));
	EXPECT("9223372036854775808", "%u", L(INT64_MIN));
	EXPECT("-1 -1 ffffffffffffffff 18446744073709551615",
	       "%ld %lld %llx %lu", L(-1), L(-1), L(-1), L(-1));
	EXPECT("-1 -1 ffffffffffffffff 1777777777777777777777 -1 -1 -1",
	       "%hd %hhd %zx %jo %td %Ld %qd", L(-1), L(-1), L(-1), L(-1), L(-1), L(-1), L(-1));
	EXPECT("255 ff FF 377", "%d %x %X %o", L(255), L(255), L(255), L(255));
	EXPECT("12345678901234567890", "%u", L((int64_t)12345678901234567890ULL));
}
END_TEST

START_TEST(test_pointer)
{
	EXPECT("0x0", "%p", L(0));
	EXPECT("0x1234", "%p", L(0x1234));
	EXPECT("0xffffffffffffffff", "%p", L(-1));
	EXPECT("0xffffffff81000000", "%p", L((int64_t)0xffffffff81000000ULL));
	EXPECT("              0x1234|", "%20p|", L(0x1234));
	EXPECT("0x1234              |", "%-20p|", L(0x1234));
	EXPECT("0x000000000000001234", "%020p", L(0x1234));
	EXPECT("0x00001234", "%.8p", L(0x1234));
	EXPECT("  0x0", "%5p", L(0));
	EXPECT("0x0", "%#p", L(0));
	EXPECT("0x1234", "%lp", L(0x1234));
}
END_TEST

/* Cases where SystemTap differs from C. */
START_TEST(test_stap_specific)
{
	/* '#' always adds the prefix. */
	EXPECT("0x0", "%#x", L(0));
	EXPECT("0X0", "%#X", L(0));
	EXPECT("00", "%#o", L(0));
	EXPECT("  0x0", "%#5x", L(0));
	EXPECT("0x000", "%#.3x", L(0));
	EXPECT("010", "%#o", L(8));
	EXPECT("0010", "%#.3o", L(8));
	EXPECT("0x00ff", "%#.4x", L(255));
	EXPECT("0XFF", "%#X", L(255));
	EXPECT("42", "%#d", L(42));
	/* At least one digit, even with precision 0. */
	EXPECT("0", "%.0d", L(0));
	EXPECT("0", "%.0x", L(0));
	EXPECT("0", "%.0o", L(0));
	EXPECT("    0", "%5.0d", L(0));
	EXPECT("0", "%-.0u", L(0));
	EXPECT("+0", "%+.0d", L(0));
	/* '.' alone means no precision. */
	EXPECT("0", "%.d", L(0));
	EXPECT("   42", "%5.d", L(42));
	EXPECT("abc", "%.s", S("abc"));
	EXPECT("", "%.0s", S("abc"));
	/* '0' is not cancelled by a precision. */
	EXPECT("00005", "%05.3d", L(5));
	EXPECT("00005", "%03.5d", L(5));
	EXPECT("-0000005", "%08.3d", L(-5));
	EXPECT("0000ff", "%06.2x", L(255));
	EXPECT("0", "%0.0d", L(0));
	/* Only one flag: a '0' after another flag is part of the width. */
	EXPECT("   +3", "%+05d", L(3));
	EXPECT("    3", "% 05d", L(3));
	EXPECT("    0xff", "%#08x", L(255));
	EXPECT("3    |", "%-05d|", L(3));
	EXPECT("00003", "%05d", L(3));
	EXPECT("-0003", "%05d", L(-3));
	EXPECT("0x00ff", "%06p", L(255));
}
END_TEST

START_TEST(test_flags)
{
	EXPECT("+5 -5 +0", "%+d %+d %+d", L(5), L(-5), L(0));
	EXPECT(" 5 -5  0", "% d % d % d", L(5), L(-5), L(0));
	EXPECT("5 ff 377", "%+u %+x %+o", L(5), L(255), L(255));
	EXPECT("5 ff 377", "% u % x % o", L(5), L(255), L(255));
	EXPECT("[42   ]", "[%-5d]", L(42));
	EXPECT("[   42]", "[%5d]", L(42));
	EXPECT("[00042]", "[%05d]", L(42));
	EXPECT("[-0042]", "[%05d]", L(-42));
	EXPECT("[  -42]", "[%5d]", L(-42));
	EXPECT("[  00042]", "[%7.5d]", L(42));
	EXPECT("[ -00042]", "[%7.5d]", L(-42));
	EXPECT("[-00042 ]", "[%-7.5d]", L(-42));
	EXPECT("[-9223372036854775808]", "[%5d]", L(INT64_MIN));
	EXPECT("[-0009223372036854775808]", "[%.22d]", L(INT64_MIN));
}
END_TEST

START_TEST(test_star)
{
	EXPECT("    1|", "%*d|", L(5), L(1));
	EXPECT("1|", "%*d|", L(-5), L(1));        /* negative width -> 0 */
	EXPECT("7   |", "%-*d|", L(4), L(7));
	EXPECT("   007", "%*.*d", L(6), L(3), L(7));
	EXPECT("007", "%.*d", L(3), L(7));
	EXPECT("0", "%.*d", L(-1), L(0));          /* negative precision -> 0 */
	EXPECT("", "%.*s", L(-1), S("abc"));
	EXPECT("ab", "%.*s", L(2), S("abc"));
	EXPECT("   ab|", "%*.*s|", L(5), L(2), S("abc"));
	EXPECT("  a|", "%*s|", L(0x100000003LL), S("a"));  /* truncated to int */
	EXPECT("a|", "%*s|", L(0x180000000LL), S("a"));    /* (int) < 0 -> 0 */
	EXPECT("  x y", "%*c%2c", L(3), L('x'), L('y'));
	EXPECT("0x0000ff", "%.*p", L(6), L(255));
	EXPECT("A", "%*.*b", L(1), L(1), L('A'));
}
END_TEST

START_TEST(test_strings)
{
	EXPECT("abc", "%s", S("abc"));
	EXPECT("  abc", "%5s", S("abc"));
	EXPECT("abc  |", "%-5s|", S("abc"));
	EXPECT("ab", "%.2s", S("abc"));
	EXPECT("   ab", "%5.2s", S("abc"));
	EXPECT("ab   |", "%-5.2s|", S("abc"));
	EXPECT("abc", "%.10s", S("abc"));
	EXPECT("abc", "%1s", S("abc"));
	EXPECT("", "%s", S(""));
	EXPECT("    ", "%4s", S(""));
	EXPECT("abc", "%+s", S("abc"));
	EXPECT("abc", "% s", S("abc"));
	EXPECT("abc", "%#s", S("abc"));
	EXPECT("abc", "%ls", S("abc"));
	/* %0s appends a NUL byte. */
	EXPECT("   ab\0|", "%05s|", S("ab"));
	EXPECT("ab\0|", "%0s|", S("ab"));
}
END_TEST

START_TEST(test_chars)
{
	EXPECT("A", "%c", L('A'));
	EXPECT("A", "%c", L(0x141));
	EXPECT("A", "%c", L(-191));
	EXPECT("    x", "%5c", L('x'));
	EXPECT("x  |", "%-3c|", L('x'));
	EXPECT("    x", "%05c", L('x'));
	EXPECT("x", "%.3c", L('x'));
	EXPECT("\0", "%c", L(0));
	EXPECT("a\0b", "a%cb", L(0));
	/* '#' escapes. */
	EXPECT("a", "%#c", L('a'));
	EXPECT("\"", "%#c", L('"'));
	EXPECT(" ", "%#c", L(' '));
	EXPECT("\\n", "%#c", L('\n'));
	EXPECT("\\t", "%#c", L('\t'));
	EXPECT("\\r", "%#c", L('\r'));
	EXPECT("\\a", "%#c", L('\a'));
	EXPECT("\\b", "%#c", L('\b'));
	EXPECT("\\f", "%#c", L('\f'));
	EXPECT("\\v", "%#c", L('\v'));
	EXPECT("\\'", "%#c", L('\''));
	EXPECT("\\\\", "%#c", L('\\'));
	EXPECT("\\000", "%#c", L(0));
	EXPECT("\\001", "%#c", L(1));
	EXPECT("\\037", "%#c", L(0x1f));
	EXPECT(" ", "%#c", L(0x20));
	EXPECT("~", "%#c", L(0x7e));
	EXPECT("\\177", "%#c", L(0x7f));
	EXPECT("\\200", "%#c", L(0x80));
	EXPECT("\\377", "%#c", L(0xff));
	EXPECT("\\377", "%#c", L(-1));
	EXPECT("   \\n", "%#5c", L('\n'));
	EXPECT(" \\001", "%#5c", L(1));
}
END_TEST

START_TEST(test_binary)
{
	char want[16];
	uint64_t v64 = 0x0102030405060708ULL;
	uint16_t v16 = 0x4142;
	uint32_t v32 = 0x41424344;
	struct tap_fmt_arg a = { 0, (int64_t)v64, NULL };
	char got[32];
	size_t n;

	memcpy(want, &v64, 8);
	n = tap_format(got, sizeof got, "%b", &a, 1);
	ck_assert_uint_eq(n, 8);
	ck_assert(memcmp(got, want, 8) == 0);

	n = tap_format(got, sizeof got, "%8b", &a, 1);
	ck_assert_uint_eq(n, 8);
	ck_assert(memcmp(got, want, 8) == 0);

	n = tap_format(got, sizeof got, "%3b", &a, 1);      /* width 3: not a size */
	ck_assert_uint_eq(n, 8);
	ck_assert(memcmp(got, want, 8) == 0);

	n = tap_format(got, sizeof got, "%.3b", &a, 1);     /* bad precision: 8 */
	ck_assert_uint_eq(n, 8);
	ck_assert(memcmp(got, want, 8) == 0);

	a.l = v16;
	memcpy(want, &v16, 2);
	n = tap_format(got, sizeof got, "%2b", &a, 1);
	ck_assert_uint_eq(n, 2);
	ck_assert(memcmp(got, want, 2) == 0);
	n = tap_format(got, sizeof got, "%.2b", &a, 1);
	ck_assert_uint_eq(n, 2);
	ck_assert(memcmp(got, want, 2) == 0);

	a.l = v32;
	memcpy(want, &v32, 4);
	n = tap_format(got, sizeof got, "%4b", &a, 1);
	ck_assert_uint_eq(n, 4);
	ck_assert(memcmp(got, want, 4) == 0);

	EXPECT("A", "%1b", L(0x41));
	EXPECT("A", "%.1b", L(0x4241));
	EXPECT("\0\0\0A", "%4.1b", L(0x41));
	EXPECT("A\0\0\0", "%-4.1b", L(0x41));
	EXPECT("A", "%1lb", L(0x41));
	EXPECT("\0\0A", "%3.1b", L(0x41));
}
END_TEST

START_TEST(test_truncation)
{
	char buf[16];
	struct tap_fmt_arg a[2] = { L(5), S("abc") };
	size_t n;

	memset(buf, 'z', sizeof buf);
	n = tap_format(buf, 5, "hello world", NULL, 0);
	ck_assert_uint_eq(n, 11);
	ck_assert_str_eq(buf, "hell");
	ck_assert_int_eq(buf[5], 'z');

	memset(buf, 'z', sizeof buf);
	n = tap_format(buf, 1, "hello", NULL, 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(buf[0], '\0');
	ck_assert_int_eq(buf[1], 'z');

	memset(buf, 'z', sizeof buf);
	n = tap_format(buf, 0, "hello", NULL, 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(buf[0], 'z');

	n = tap_format(NULL, 0, "%10d|%s", a, 2);
	ck_assert_uint_eq(n, 14);
	n = tap_format(NULL, 100, "%10d|%s", a, 2);    /* NULL buf: size ignored */
	ck_assert_uint_eq(n, 14);

	memset(buf, 'z', sizeof buf);
	n = tap_format(buf, 4, "%10d", a, 1);
	ck_assert_uint_eq(n, 10);
	ck_assert_str_eq(buf, "   ");

	/* Huge widths are counted, not written. */
	memset(buf, 'z', sizeof buf);
	n = tap_format(buf, sizeof buf, "%2000000000d", a, 1);
	ck_assert_uint_eq(n, 2000000000u);
	ck_assert_str_eq(buf, "               ");
	n = tap_format(buf, sizeof buf, "%-99999999999999d|", a, 1);  /* clamped */
	ck_assert_uint_eq(n, (size_t)TAP_FMT_MAX_FIELD + 1);
	ck_assert_str_eq(buf, "5              ");
	n = tap_format(buf, sizeof buf, "%.2000000000d", a, 1);
	ck_assert_uint_eq(n, 2000000000u);
	ck_assert_str_eq(buf, "000000000000000");

	n = tap_format(NULL, 0, NULL, NULL, 0);
	ck_assert_uint_eq(n, 0);
	memset(buf, 'z', sizeof buf);
	n = tap_format(buf, sizeof buf, NULL, NULL, 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_bad_args)
{
	EXPECT("[]", "[%d]", S("abc"));
	EXPECT("[]", "[%s]", L(1));
	EXPECT("[]", "[%s]", S(NULL));
	EXPECT0("[] []", "[%d] [%s]");
	EXPECT("[] 2", "[%*d] %d", S("x"), L(1), L(2));   /* args still consumed */
	EXPECT("[] 2", "[%.*d] %d", L(1), S("x"), L(2));
	EXPECT("[1] []", "[%d] [%d]", L(1));
	EXPECT("[]", "[%c]", S("x"));
	EXPECT("[]", "[%p]", S("x"));
	/* Invalid formats at run time: rest copied verbatim. */
	EXPECT("a%yb", "a%yb", L(1));
	EXPECT("1 %-+5d", "%d %-+5d", L(1), L(2));
	/* Negative nargs. */
	expect_impl("[]", 2, "[%d]", NULL, -3, __LINE__);
}
END_TEST

/* ---- tap_format_check ---------------------------------------------------- */

START_TEST(test_check_kinds)
{
	int kinds[16];
	int pos = -7;
	const char *msg = "unset";
	int n, i;

	n = tap_format_check("plain text", kinds, 16, &pos, &msg);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(pos, -7);
	ck_assert_str_eq(msg, "unset");

	n = tap_format_check("%d %s %*.*x %% %c %p %b %-5s %.*s %ld %llx %5.3u %o %X",
			     kinds, 16, &pos, &msg);
	ck_assert_int_eq(n, 16);
	{
		static const int want[16] = { 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0 };
		for (i = 0; i < 16; i++)
			ck_assert_msg(kinds[i] == want[i], "kind %d: got %d want %d", i, kinds[i], want[i]);
	}

	/* Fewer slots than arguments: count all, write only max_kinds. */
	for (i = 0; i < 16; i++)
		kinds[i] = 99;
	n = tap_format_check("%s %d %s %d", kinds, 2, &pos, &msg);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(kinds[0], 1);
	ck_assert_int_eq(kinds[1], 0);
	ck_assert_int_eq(kinds[2], 99);
	n = tap_format_check("%s %d %s %d", NULL, 0, NULL, NULL);
	ck_assert_int_eq(n, 4);

	ck_assert_int_eq(tap_format_check("100%", kinds, 16, &pos, &msg), 0);
	ck_assert_int_eq(tap_format_check("%%", kinds, 16, &pos, &msg), 0);
	ck_assert_int_eq(tap_format_check("%", kinds, 16, &pos, &msg), 0);
	ck_assert_int_eq(tap_format_check("", kinds, 16, &pos, &msg), 0);
	ck_assert_int_eq(tap_format_check("%.d %5.s", kinds, 16, &pos, &msg), 2);
	ck_assert_int_eq(tap_format_check("%hhd %hd %lld %ld %zd %jd %td %Ld %qd",
					  kinds, 16, &pos, &msg), 9);
	ck_assert_int_eq(tap_format_check("%-5d %+5d % 5d %#5x %05d %+05d %-05d",
					  kinds, 16, &pos, &msg), 7);
	ck_assert_int_eq(tap_format_check("%-*.*s", kinds, 16, &pos, &msg), 3);
	ck_assert_int_eq(kinds[0], 0);
	ck_assert_int_eq(kinds[1], 0);
	ck_assert_int_eq(kinds[2], 1);
}
END_TEST

static void expect_check_error(const char *fmt, int want_pos, const char *want_msg, int line)
{
	int kinds[8];
	int pos = -1;
	const char *msg = NULL;
	int n = tap_format_check(fmt, kinds, 8, &pos, &msg);

	ck_assert_msg(n == -1, "line %d: \"%s\" accepted (%d)", line, fmt, n);
	ck_assert_msg(pos == want_pos, "line %d: \"%s\" err_pos %d, want %d", line, fmt, pos, want_pos);
	ck_assert_msg(msg && strcmp(msg, want_msg) == 0, "line %d: \"%s\" err_msg \"%s\", want \"%s\"",
		      line, fmt, msg ? msg : "(null)", want_msg);
	/* NULL out-pointers must be tolerated. */
	ck_assert_int_eq(tap_format_check(fmt, NULL, 0, NULL, NULL), -1);
}
#define EXPECT_CHECK_ERROR(fmt, pos, msg) expect_check_error(fmt, pos, msg, __LINE__)

START_TEST(test_check_errors)
{
	const char *bad = "invalid or missing conversion specifier";
	const char *trailing = "trailing incomplete print format conversion";
	const char *unsup = "%m and %M conversions are not supported";

	EXPECT_CHECK_ERROR("%y", 1, bad);
	EXPECT_CHECK_ERROR("abc %f", 5, bad);
	EXPECT_CHECK_ERROR("%d %n", 4, bad);
	EXPECT_CHECK_ERROR("%-+5d", 2, bad);     /* only one flag */
	EXPECT_CHECK_ERROR("%+-5d", 2, bad);
	EXPECT_CHECK_ERROR("%0-5d", 2, bad);
	EXPECT_CHECK_ERROR("%#-x", 2, bad);
	EXPECT_CHECK_ERROR("%5%", 2, bad);
	EXPECT_CHECK_ERROR("%lll", 3, bad);
	EXPECT_CHECK_ERROR("%hhh", 3, bad);
	EXPECT_CHECK_ERROR("%5.3.2d", 4, bad);
	EXPECT_CHECK_ERROR("%**d", 2, bad);
	EXPECT_CHECK_ERROR("ab%5", 2, trailing);
	EXPECT_CHECK_ERROR("ab%-", 2, trailing);
	EXPECT_CHECK_ERROR("x %.", 2, trailing);
	EXPECT_CHECK_ERROR("%d %l", 3, trailing);
	EXPECT_CHECK_ERROR("%5.*", 0, trailing);
	EXPECT_CHECK_ERROR("%m", 1, unsup);
	EXPECT_CHECK_ERROR("%.*M", 3, unsup);
	EXPECT_CHECK_ERROR(NULL, 0, "missing format string");
}
END_TEST

/* For every accepted format, the arguments tap_format_check announces are
   exactly the ones tap_format consumes: extra trailing arguments change
   nothing, and each announced kind is the one the conversion needs. */
START_TEST(test_check_matches_format)
{
	static const char *const fmts[] = {
		"%d %s %*.*x %% %c %p %b", "%-*s|%.*d", "%5.3s %lld %hhx", "100%",
		"%*c%*c", "%.*p %0s", "%#o %+d % i %X", "",
	};
	unsigned i;
	int kinds[16], n, j;
	struct tap_fmt_arg args[20];
	char buf1[256], buf2[256], buf3[256];
	size_t n1, n2, n3;

	for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		n = tap_format_check(fmts[i], kinds, 16, NULL, NULL);
		ck_assert_int_ge(n, 0);
		ck_assert_int_le(n, 16);
		for (j = 0; j < 20; j++) {
			args[j].is_str = j < n ? kinds[j] : 0;
			args[j].l = 3 + j;
			args[j].s = "str";
		}
		n1 = tap_format(buf1, sizeof buf1, fmts[i], args, n);
		n2 = tap_format(buf2, sizeof buf2, fmts[i], args, 20);
		ck_assert_msg(n1 == n2 && memcmp(buf1, buf2, n1 + 1) == 0, "fmt %s", fmts[i]);
		/* Flipping any announced kind makes that conversion print nothing. */
		for (j = 0; j < n; j++) {
			args[j].is_str = !args[j].is_str;
			n3 = tap_format(buf3, sizeof buf3, fmts[i], args, n);
			args[j].is_str = !args[j].is_str;
			ck_assert_msg(n3 < n1, "fmt %s arg %d", fmts[i], j);
		}
	}
}
END_TEST

/* ---- the writers of compiled formats must print what tap_format prints ---- */

static uint64_t lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return *x;
}

/* Interesting values: around every power of 2 and 10, the extremes, random ones. */
static int put_values(int64_t *v, int max)
{
	int n = 0, k;
	uint64_t x = 42, p = 1;

	for (k = 0; k < 64; k++) {
		v[n++] = (int64_t)(1ULL << k);
		v[n++] = (int64_t)((1ULL << k) - 1);
		v[n++] = -(int64_t)(1ULL << k);
	}
	for (k = 0; k < 20; k++, p *= 10) {
		v[n++] = (int64_t)p;
		v[n++] = (int64_t)(p - 1);
		v[n++] = (int64_t)(p + 1);
		v[n++] = -(int64_t)p;
	}
	v[n++] = INT64_MIN;
	v[n++] = INT64_MAX;
	v[n++] = -1;
	v[n++] = 0;
	while (n < max) {
		uint64_t r = lcg(&x);
		v[n++] = (int64_t)(r >> (r & 63));
	}
	return n;
}

START_TEST(test_put_numbers)
{
	static int64_t v[3000];
	int n = put_values(v, 3000), i;
	char want[64], got[64];
	size_t wn, gn;

	for (i = 0; i < n; i++) {
		struct tap_fmt_arg a = L(v[i]);

		wn = tap_format(want, sizeof want, "%d", &a, 1);
		gn = (size_t)(tap_put_dec(got, v[i]) - got);
		ck_assert_msg(wn == gn && !memcmp(want, got, wn), "%%d of %lld", (long long)v[i]);
		wn = tap_format(want, sizeof want, "%u", &a, 1);
		gn = (size_t)(tap_put_udec(got, (uint64_t)v[i]) - got);
		ck_assert_msg(wn == gn && !memcmp(want, got, wn), "%%u of %lld", (long long)v[i]);
		wn = tap_format(want, sizeof want, "%x", &a, 1);
		gn = (size_t)(tap_put_hex(got, (uint64_t)v[i], tap_hex_lower) - got);
		ck_assert_msg(wn == gn && !memcmp(want, got, wn), "%%x of %lld", (long long)v[i]);
		wn = tap_format(want, sizeof want, "%X", &a, 1);
		gn = (size_t)(tap_put_hex(got, (uint64_t)v[i], tap_hex_upper) - got);
		ck_assert_msg(wn == gn && !memcmp(want, got, wn), "%%X of %lld", (long long)v[i]);
		wn = tap_format(want, sizeof want, "%o", &a, 1);
		gn = (size_t)(tap_put_oct(got, (uint64_t)v[i]) - got);
		ck_assert_msg(wn == gn && !memcmp(want, got, wn), "%%o of %lld", (long long)v[i]);
	}
}
END_TEST

START_TEST(test_put_string_pad)
{
	static const char *strs[] = { "", "a", "hello world", "0123456789012345678901234567890" };
	static const char *fmts[] = { "%5s", "%-5s", "%.3s", "%-8.2s", "%20.30s", "%1s", "%.0s", "%#7s", "%+4s" };
	char want[128], got[128];
	size_t i, j, wn, gn, n;
	struct tap_conv cv;
	size_t pos, ls, ll;

	for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		pos = 0;
		ck_assert_int_eq(tap_format_next(fmts[i], &pos, &cv, &ls, &ll), 2);
		for (j = 0; j < sizeof strs / sizeof strs[0]; j++) {
			struct tap_fmt_arg a = S(strs[j]);

			wn = tap_format(want, sizeof want, fmts[i], &a, 1);
			n = cv.prec >= 0 ? strnlen(strs[j], (size_t)cv.prec) : strlen(strs[j]);
			gn = (size_t)(tap_put_str_pad(got, strs[j], n, cv.width > 0 ? (size_t)cv.width : 0,
						      !!(cv.flags & TF_LEFT)) - got);
			ck_assert_msg(wn == gn && !memcmp(want, got, wn), "%s of \"%s\"", fmts[i], strs[j]);
			ck_assert_msg(gn <= tap_conv_bound(&cv) + n, "%s bound", fmts[i]);
		}
	}
}
END_TEST

/* tap_put_conv over every flag, width and precision of every conversion, and
   each result within tap_conv_bound. */
START_TEST(test_put_conv_matrix)
{
	static const char convs[] = "diuxXopcbs";
	static const char *flags[] = { "", "-", "+", " ", "#", "0" };
	static const char *widths[] = { "", "1", "5", "25" };
	static const char *precs[] = { "", ".", ".0", ".3", ".30" };
	static const int64_t vals[] = { 0, 1, -1, 42, -42, 255, 10, 39, 92, 200, INT64_MIN, INT64_MAX };
	static const char *strs[] = { "", "ab", "hello world" };
	char fmt[32], want[256], got[256];
	size_t c, f, w, p, k, wn, gn, pos, ls, ll, extra;
	struct tap_conv cv;

	for (c = 0; convs[c]; c++)
	for (f = 0; f < 6; f++)
	for (w = 0; w < 4; w++)
	for (p = 0; p < 5; p++) {
		snprintf(fmt, sizeof fmt, "%%%s%s%s%c", flags[f], widths[w], precs[p], convs[c]);
		pos = 0;
		ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 2);
		ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 0);
		for (k = 0; k < (convs[c] == 's' ? 3 : 12); k++) {
			struct tap_fmt_arg a = convs[c] == 's' ? (struct tap_fmt_arg)S(strs[k]) :
				(struct tap_fmt_arg)L(vals[k]);

			wn = tap_format(want, sizeof want, fmt, &a, 1);
			gn = (size_t)(tap_put_conv(got, cv.flags, cv.width, cv.prec, cv.conv, a.l, a.s) - got);
			ck_assert_msg(wn == gn && !memcmp(want, got, wn), "%s of value %zu", fmt, k);
			extra = convs[c] == 's' ? strlen(strs[k]) : 0;
			ck_assert_msg(gn <= tap_conv_bound(&cv) + extra, "%s: %zu over its bound", fmt, gn);
		}
	}
}
END_TEST

START_TEST(test_format_next)
{
	const char *fmt = "a%%b%5.2d%-*s%%%.*x%";
	size_t pos = 0, ls = 0, ll = 0;
	struct tap_conv cv;

	ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 1);
	ck_assert(ls == 0 && ll == 1);                  /* "a" */
	ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 1);
	ck_assert(ls == 1 && ll == 1);                  /* "%%" is "%" */
	ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 1);
	ck_assert(ls == 3 && ll == 1);                  /* "b" */
	ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 2);
	ck_assert(cv.conv == 'd' && cv.width == 5 && cv.prec == 2 && !cv.width_star && (cv.flags & TF_SIGN));
	ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 2);
	ck_assert(cv.conv == 's' && cv.width_star && !cv.prec_star && (cv.flags & TF_LEFT));
	ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 1);
	ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 2);
	ck_assert(cv.conv == 'x' && cv.prec_star && cv.width == -1);
	ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 1);
	ck_assert(ll == 1 && fmt[ls] == '%');           /* a lone '%' at the end */
	ck_assert_int_eq(tap_format_next(fmt, &pos, &cv, &ls, &ll), 0);
	pos = 0;
	ck_assert_int_eq(tap_format_next("%+-d", &pos, &cv, &ls, &ll), -1);
}
END_TEST

static Suite *format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_integers_vs_glibc);
	tcase_add_test(tc, test_pointer_vs_glibc);
	tcase_add_test(tc, test_strings_vs_glibc);
	tcase_add_test(tc, test_chars_vs_glibc);
	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_pointer);
	tcase_add_test(tc, test_stap_specific);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_star);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_chars);
	tcase_add_test(tc, test_binary);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_check_kinds);
	tcase_add_test(tc, test_check_errors);
	tcase_add_test(tc, test_check_matches_format);
	tcase_add_test(tc, test_put_numbers);
	tcase_add_test(tc, test_put_string_pad);
	tcase_add_test(tc, test_put_conv_matrix);
	tcase_add_test(tc, test_format_next);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(format_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
