/* Unit tests of the portable runtime's strings, print buffer and arithmetic helpers. */
#include <check.h>
#include <stdlib.h>
#include "context.h"

/* The platform layer, stood in for by a capture buffer. */
static char flushed[4 * TAP_PRINT_BUF_SIZE];
static size_t nflushed;
static int flushes;

void tap_output_flush(struct tap_ctx *c)
{
	memcpy(flushed + nflushed, c->obuf, c->olen);
	nflushed += c->olen;
	c->olen = 0;
	flushes++;
}

void tap_request_exit(void) {}
void tap_script_exit(void) {}

static struct tap_ctx *new_ctx(void)
{
	nflushed = 0;
	flushes = 0;
	return calloc(1, sizeof(struct tap_ctx));
}

START_TEST(concat_truncates_at_maxstringlen)
{
	char a[MAXSTRINGLEN], b[MAXSTRINGLEN], dst[MAXSTRINGLEN];
	memset(a, 'a', sizeof a - 1);
	a[sizeof a - 1] = '\0';
	strcpy(b, "bbb");
	tap_concat(dst, a, b);
	ck_assert_uint_eq(strlen(dst), MAXSTRINGLEN - 1);
	ck_assert_int_eq(dst[MAXSTRINGLEN - 2], 'a');
	tap_concat(dst, "ab", "cd");
	ck_assert_str_eq(dst, "abcd");
	tap_append(dst, "ef");
	ck_assert_str_eq(dst, "abcdef");
	tap_strcpy(dst, a);
	tap_append(dst, "zz");
	ck_assert_uint_eq(strlen(dst), MAXSTRINGLEN - 1);
}
END_TEST

START_TEST(strcpy_same_buffer)
{
	char s[MAXSTRINGLEN] = "same";
	ck_assert_str_eq(tap_strcpy(s, s), "same");
}
END_TEST

START_TEST(print_buffer_flushes_when_full)
{
	struct tap_ctx *c = new_ctx();
	char line[100];
	memset(line, 'x', sizeof line);
	for (int i = 0; i < 200; i++)
		tap_print_mem(c, line, sizeof line);
	tap_output_flush(c);
	ck_assert_uint_eq(nflushed, 200 * sizeof line);
	ck_assert_int_ge(flushes, 3);
	free(c);
}
END_TEST

START_TEST(printf_keeps_whole_lines_across_flushes)
{
	struct tap_ctx *c = new_ctx();
	for (int i = 0; i < 1000; i++) {
		struct tap_fmt_arg a[] = { { 0, i, NULL } };
		tap_printf(c, "line %d\n", a, 1);
	}
	tap_output_flush(c);
	flushed[nflushed] = '\0';
	/* every line is intact and in order */
	char *p = flushed;
	for (int i = 0; i < 1000; i++) {
		char want[32];
		snprintf(want, sizeof want, "line %d\n", i);
		ck_assert_int_eq(strncmp(p, want, strlen(want)), 0);
		p += strlen(want);
	}
	ck_assert_ptr_eq(p, flushed + nflushed);
	free(c);
}
END_TEST

START_TEST(print_long_and_errors_stop_printing)
{
	struct tap_ctx *c = new_ctx();
	tap_print_long(c, INT64_MIN);
	tap_print_str(c, " ");
	tap_print_long(c, 42);
	ck_assert_int_eq(tap_div(c, 1, 0, "operator '/' at x:1:1"), 0);
	ck_assert_str_eq(c->error, "division by 0");
	ck_assert_str_eq(c->error_near, "operator '/' at x:1:1");
	tap_print_str(c, "after");
	tap_error(c, "second", NULL);
	ck_assert_str_eq(c->error, "division by 0");
	tap_output_flush(c);
	ck_assert_uint_eq(nflushed, strlen("-9223372036854775808 42"));
	ck_assert_int_eq(memcmp(flushed, "-9223372036854775808 42", nflushed), 0);
	free(c);
}
END_TEST

START_TEST(division_helpers)
{
	struct tap_ctx *c = new_ctx();
	ck_assert_int_eq(tap_div(c, INT64_MIN, -1, ""), INT64_MIN);
	ck_assert_int_eq(tap_mod(c, INT64_MIN, -1, ""), 0);
	ck_assert_int_eq(tap_div(c, -7, 2, ""), -3);
	ck_assert_int_eq(tap_mod(c, -7, 2, ""), -1);
	ck_assert_ptr_null(c->error);
	ck_assert_int_eq(tap_mod(c, 1, 0, "m"), 0);
	ck_assert_str_eq(c->error, "division by 0");
	ck_assert_int_eq(tap_shl(1, 63), INT64_MIN);
	ck_assert_int_eq(tap_shl(1, 64), 1);
	ck_assert_int_eq(tap_shr(-16, 2), -4);
	free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("context");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, concat_truncates_at_maxstringlen);
	tcase_add_test(tc, strcpy_same_buffer);
	tcase_add_test(tc, print_buffer_flushes_when_full);
	tcase_add_test(tc, printf_keeps_whole_lines_across_flushes);
	tcase_add_test(tc, print_long_and_errors_stop_printing);
	tcase_add_test(tc, division_helpers);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
