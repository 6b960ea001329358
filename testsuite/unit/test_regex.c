/* Regular expressions (translator/regex.c): the DFA tapc builds, run by the module's
   tap_regex_match (runtime/regex_match.h), gives the verdicts of another engine on every pattern/string pair, and bad patterns
   are refused with a reason. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "../../translator/regex.h"
#include "regex_match.h"

/* Expected verdicts, computed with Python's re (search) on the same patterns,
   classes spelled out: one digit per string of test_strings. */
static const char *const test_strings[] = {
	"", "a", "aa", "aaa", "abc", "xabcx", "abcabc", "ab", "ac", "abbc", "cde", "abe", "b", "c", "bac", "ababc", "123", "a1b2", "x_1", "_x", "1x", "   ", " a ", "A", "a.b", "axb", "a.c", "x,y", "y,x", "x", "foo", "foobar", "abcd", "192.168.0.1", "1.2.3", "/usr/lib/x", "/usr/sbin/x", "]", "-", "-12", "12-", "abab", "abcdef", "kworker/0:1", "ksoftirqd", "xxxxxxxxxxy", "xxxxxxxxxx", "sys_read", "sys_readv", "!",
};
static const struct { const char *pattern, *verdicts; } test_patterns[] = {
	{ "", "11111111111111111111111111111111111111111111111111" },
	{ "a", "01111111110100110100001011100001100000000110000110" },
	{ "abc", "00001110000000010000000000000000100000000010000000" },
	{ "^abc", "00001010000000000000000000000000100000000010000000" },
	{ "abc$", "00001010000000010000000000000000000000000000000000" },
	{ "^abc$", "00001000000000000000000000000000000000000000000000" },
	{ "a|b", "01111111110110110100001011100001100110000110000110" },
	{ "ab|cd", "00001111011100010000000000000000100000000110000000" },
	{ "(ab|cd)e", "00000000001100000000000000000000000000000010000000" },
	{ "a*", "11111111111111111111111111111111111111111111111111" },
	{ "^a*$", "11110000000000000000000000000000000000000000000000" },
	{ "a+", "01111111110100110100001011100001100000000110000110" },
	{ "^a+$", "01110000000000000000000000000000000000000000000000" },
	{ "ab?c", "00001110100000110000000000000000100000000010000000" },
	{ "^(a|b)*c$", "00001000110001110000000000000000000000000000000000" },
	{ "a{2}", "00110000000000000000000000000000000000000000000000" },
	{ "^a{2}$", "00100000000000000000000000000000000000000000000000" },
	{ "^a{2,}$", "00110000000000000000000000000000000000000000000000" },
	{ "^a{1,3}$", "01110000000000000000000000000000000000000000000000" },
	{ "^a{0,1}b$", "00000001000010000000000000000000000000000000000000" },
	{ "[abc]", "01111111111111110100001011100001100110000110000110" },
	{ "^[a-c]+$", "01111011110011110000000000000000000000000100000000" },
	{ "[^a-c]", "00000100001100001111111111111111111111111011111111" },
	{ "^[^0-9]*$", "11111111111111110001011111111111100111100110111111" },
	{ "[[:digit:]]+", "00000000000000001110100000000000011000011001000000" },
	{ "^[[:alpha:]_][[:alnum:]_]*$", "01111111111111110111000101000111100000000110111110" },
	{ "^[[:space:]]*$", "10000000000000000000010000000000000000000000000000" },
	{ "[[:upper:]]", "00000000000000000000000100000000000000000000000000" },
	{ "[[:punct:]]", "00000000000000000011000010111000011111111001000111" },
	{ "\\.", "00000000000000000000000010100000011000000000000000" },
	{ "^a\\.b$", "00000000000000000000000010000000000000000000000000" },
	{ "a.c", "00001110000000010000000000100000100000000010000000" },
	{ "^.$", "01000000000011000000000100000100000001100000000001" },
	{ "^...$", "00011000001100101010011011111010000000011000000000" },
	{ "(^|,)x", "00000100000000000010000000011100000000000000011000" },
	{ "x(,|$)", "00000100000000000001100000011100000110000000001000" },
	{ "^(foo|foobar)$", "00000000000000000000000000000011000000000000000000" },
	{ "(a|ab)(c|bcd)(d*)", "00001110100000110000000000000000100000000010000000" },
	{ "^([0-9]{1,3}\\.){3}[0-9]{1,3}$", "00000000000000000000000000000000010000000000000000" },
	{ "^/usr/(lib|bin)/", "00000000000000000000000000000000000100000000000000" },
	{ "[]a]", "01111111110100110100001011100001100001000110000110" },
	{ "^[]a]+$", "01110000000000000000000000000000000001000000000000" },
	{ "[a-]", "01111111110100110100001011100001100000111110000110" },
	{ "^-?[0-9]+$", "00000000000000001000000000000000000000010000000000" },
	{ "^(ab)+$", "00000001000000000000000000000000000000000100000000" },
	{ "^(a|b|c|d|e)*f$", "00000000000000000000000000000000000000000010000000" },
	{ "k(wor|soft)ker", "00000000000000000000000000000000000000000001000000" },
	{ "^$", "10000000000000000000000000000000000000000000000000" },
	{ "^(a*)*$", "11110000000000000000000000000000000000000000000000" },
	{ "(x+x+)+y", "00000000000000000000000000000000000000000000010000" },
	{ "sys_(read|write)$", "00000000000000000000000000000000000000000000000100" },
};

START_TEST(verdicts_agree_with_another_engine)
{
	size_t nstrings = sizeof test_strings / sizeof test_strings[0];
	for (size_t i = 0; i < sizeof test_patterns / sizeof test_patterns[0]; i++) {
		const char *why = NULL;
		struct regex *re = regex_compile(test_patterns[i].pattern, &why);
		ck_assert_msg(re != NULL, "/%s/: %s", test_patterns[i].pattern, why);
		struct tap_regex run = { (unsigned short)re->nclasses, (unsigned short)re->start, re->classes,
					 re->next, re->accept };
		for (size_t j = 0; j < nstrings; j++) {
			int want = test_patterns[i].verdicts[j] == '1';
			ck_assert_msg(tap_regex_match(test_strings[j], &run) == want, "/%s/ on \"%s\": want %d",
				      test_patterns[i].pattern, test_strings[j], want);
		}
		regex_free(re);
	}
}
END_TEST

START_TEST(bad_patterns_are_refused)
{
	static const char *const bad[] = { "(", "a)", "[abc", "*a", "a{3,1}", "a{300}", "[[:nope:]]", "[z-a]", "\\",
					   "((((a{100}){100}){100}){100})" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = NULL;
		struct regex *re = regex_compile(bad[i], &why);
		ck_assert_msg(re == NULL && why != NULL, "/%s/ accepted", bad[i]);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("regex");
	TCase *tc = tcase_create("regex");
	tcase_add_test(tc, verdicts_agree_with_another_engine);
	tcase_add_test(tc, bad_patterns_are_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
