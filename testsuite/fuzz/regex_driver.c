/* regex-differential's driver: reads pattern and string line pairs, prints 1 or 0
   (tapc's DFA matches or not) or E (tapc refuses the pattern) for each. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "regex.h"
#include "regex_match.h"
int main(void)
{
	char pat[512], s[512];
	while (fgets(pat, sizeof pat, stdin) && fgets(s, sizeof s, stdin)) {
		pat[strcspn(pat, "\n")] = 0; s[strcspn(s, "\n")] = 0;
		const char *why = NULL;
		struct regex *re = regex_compile(pat, &why);
		if (!re) { printf("E\n"); continue; }
		struct tap_regex r = { re->nclasses, re->start, re->classes, re->next, re->accept };
		printf("%d\n", tap_regex_match(s, &r));
		regex_free(re);
	}
}
