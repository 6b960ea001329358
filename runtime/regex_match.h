/* `s =~ "re"`: tapc compiles the pattern into a DFA over byte classes (translator/regex.c)
   and the module runs it here, one table lookup per byte of s. */
#ifndef TAP_REGEX_MATCH_H
#define TAP_REGEX_MATCH_H

struct tap_regex {
	unsigned short nclasses, start;
	const unsigned short *classes;   /* 256 bytes, then start and end of the string */
	const unsigned short *next;      /* next[state * nclasses + class] */
	const unsigned char *accept;
};

/* 1 if s matches anywhere (as anchored by ^ and $ in the pattern). */
static inline int tap_regex_match(const char *s, const struct tap_regex *re)
{
	unsigned st = re->next[re->start * re->nclasses + re->classes[256]];
	if (re->accept[st])
		return 1;
	for (; *s; s++) {
		st = re->next[st * re->nclasses + re->classes[(unsigned char)*s]];
		if (re->accept[st])
			return 1;
	}
	return re->accept[re->next[st * re->nclasses + re->classes[257]]];
}

#endif
