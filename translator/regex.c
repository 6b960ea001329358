/* `s =~ "re"`: a POSIX extended regular expression compiled at translate time into a
   DFA over byte classes, which the module runs with runtime/regex_match.h in one pass
   over the string (no backtracking, no allocation). SystemTap's semantics: the match is
   unanchored (anywhere in the string) unless ^ or $ anchor it.

   Steps: parse the pattern into a tree; build a Thompson NFA from the tree (counted
   repeats build their operand again); group the 256 bytes plus the two edge symbols
   (start and end of the string) into classes the NFA never tells apart; then subset
   construction, adding the NFA's start to every state so that a match may begin at any
   position. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "regex.h"

#define NSYM 258          /* bytes, then the start and end of the string */
#define SYM_BOS 256
#define SYM_EOS 257
#define SET_WORDS 5       /* NSYM bits */
#define MAX_NFA 4000
#define MAX_DFA 2000
#define MAX_REPEAT 255

struct symset { uint64_t w[SET_WORDS]; };

/* Everything here is freed before regex_compile returns but the result: plain heap. */
static void *re_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("tapc: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static void *re_calloc(size_t n, size_t size)
{
	size_t bytes = n * size;
	return memset(re_realloc(NULL, bytes), 0, bytes ? bytes : 1);
}

static void set_add(struct symset *s, int c) { s->w[c / 64] |= 1ull << (c % 64); }
static int set_has(const struct symset *s, int c) { return (s->w[c / 64] >> (c % 64)) & 1; }

/* ---- the pattern's tree ---- */
enum re_kind { R_SET, R_CAT, R_ALT, R_REPEAT, R_EMPTY };

struct re_node {
	enum re_kind kind;
	struct symset set;            /* R_SET */
	struct re_node *a, *b;        /* R_CAT, R_ALT; R_REPEAT: a */
	int min, max;                 /* R_REPEAT: max -1 for no limit */
};

struct parser {
	const char *p;
	const char *error;
};

static struct re_node *node(enum re_kind kind, struct re_node *a, struct re_node *b)
{
	struct re_node *n = re_calloc(1, sizeof *n);
	n->kind = kind;
	n->a = a;
	n->b = b;
	return n;
}

static struct re_node *alternation(struct parser *ps);

/* [:name:] inside a bracket expression */
static int add_class(struct symset *s, const char *name, size_t len)
{
	static const char *const names[] = { "alpha", "digit", "alnum", "upper", "lower", "space",
					     "punct", "print", "graph", "cntrl", "xdigit", "blank" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strlen(names[i]) != len || strncmp(names[i], name, len))
			continue;
		for (int c = 1; c < 256; c++) {
			int in = 0;
			int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'), digit = c >= '0' && c <= '9';
			switch (i) {
			case 0: in = letter; break;
			case 1: in = digit; break;
			case 2: in = letter || digit; break;
			case 3: in = c >= 'A' && c <= 'Z'; break;
			case 4: in = c >= 'a' && c <= 'z'; break;
			case 5: in = c == ' ' || (c >= '\t' && c <= '\r'); break;
			case 6: in = c > ' ' && c < 127 && !letter && !digit; break;
			case 7: in = c >= ' ' && c < 127; break;
			case 8: in = c > ' ' && c < 127; break;
			case 9: in = c < ' ' || c == 127; break;
			case 10: in = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); break;
			case 11: in = c == ' ' || c == '\t'; break;
			}
			if (in)
				set_add(s, c);
		}
		return 0;
	}
	return -1;
}

/* After the '[': up to and including the ']'. */
static struct re_node *bracket(struct parser *ps)
{
	struct re_node *n = node(R_SET, NULL, NULL);
	struct symset s = { { 0 } };
	int negate = *ps->p == '^';
	if (negate)
		ps->p++;
	for (int first = 1; first || *ps->p != ']'; first = 0) {
		unsigned char c = (unsigned char)*ps->p;
		if (!c) {
			ps->error = "unterminated bracket expression";
			return n;
		}
		if (c == '[' && ps->p[1] == ':') {
			const char *end = strstr(ps->p + 2, ":]");
			if (!end || add_class(&s, ps->p + 2, (size_t)(end - ps->p - 2))) {
				ps->error = "unknown character class";
				return n;
			}
			ps->p = end + 2;
			continue;
		}
		ps->p++;
		unsigned char hi = c;
		if (*ps->p == '-' && ps->p[1] && ps->p[1] != ']') {
			hi = (unsigned char)ps->p[1];
			ps->p += 2;
			if (hi < c) {
				ps->error = "invalid range in bracket expression";
				return n;
			}
		}
		for (int x = c; x <= hi; x++)
			set_add(&s, x);
	}
	ps->p++;
	if (negate) {
		for (int c = 1; c < 256; c++) {
			if (set_has(&s, c))
				s.w[c / 64] &= ~(1ull << (c % 64));
			else
				set_add(&s, c);
		}
	}
	n->set = s;
	return n;
}

static struct re_node *atom(struct parser *ps)
{
	struct re_node *n;
	unsigned char c = (unsigned char)*ps->p++;
	switch (c) {
	case '(':
		n = alternation(ps);
		if (*ps->p != ')') {
			ps->error = "unbalanced parenthesis";
			return n;
		}
		ps->p++;
		return n;
	case '[':
		return bracket(ps);
	case '.':
		n = node(R_SET, NULL, NULL);
		for (int x = 1; x < 256; x++)
			set_add(&n->set, x);
		return n;
	case '^':
	case '$':
		n = node(R_SET, NULL, NULL);
		set_add(&n->set, c == '^' ? SYM_BOS : SYM_EOS);
		return n;
	case '\\':
		if (!*ps->p) {
			ps->error = "trailing backslash";
			return node(R_EMPTY, NULL, NULL);
		}
		c = (unsigned char)*ps->p++;
		break;
	case '*': case '+': case '?': case '{':
		ps->error = "repetition operator with nothing to repeat";
		return node(R_EMPTY, NULL, NULL);
	default:
		break;
	}
	n = node(R_SET, NULL, NULL);
	set_add(&n->set, c);
	return n;
}

static int number(struct parser *ps)
{
	int v = -1;
	while (*ps->p >= '0' && *ps->p <= '9' && v < 10000)
		v = (v < 0 ? 0 : v * 10) + (*ps->p++ - '0');
	return v;
}

static struct re_node *repetition(struct parser *ps)
{
	struct re_node *n = atom(ps);
	while (!ps->error && (*ps->p == '*' || *ps->p == '+' || *ps->p == '?' || *ps->p == '{')) {
		struct re_node *r = node(R_REPEAT, n, NULL);
		char op = *ps->p++;
		r->min = op == '+';
		r->max = op == '?' ? 1 : -1;
		if (op == '{') {
			r->min = number(ps);
			r->max = r->min;
			if (*ps->p == ',') {
				ps->p++;
				r->max = number(ps);
			}
			if (*ps->p++ != '}' || r->min < 0 || r->min > MAX_REPEAT || r->max > MAX_REPEAT ||
			    (r->max >= 0 && r->max < r->min)) {
				ps->error = "invalid repetition count";
				return r;
			}
		}
		n = r;
	}
	return n;
}

static struct re_node *concatenation(struct parser *ps)
{
	struct re_node *n = node(R_EMPTY, NULL, NULL);
	while (!ps->error && *ps->p && *ps->p != '|' && *ps->p != ')')
		n = node(R_CAT, n, repetition(ps));
	return n;
}

static struct re_node *alternation(struct parser *ps)
{
	struct re_node *n = concatenation(ps);
	while (!ps->error && *ps->p == '|') {
		ps->p++;
		n = node(R_ALT, n, concatenation(ps));
	}
	return n;
}

static void free_tree(struct re_node *n)
{
	if (!n)
		return;
	free_tree(n->a);
	free_tree(n->b);
	free(n);
}

/* ---- Thompson NFA: a state has a symbol-set edge or up to two empty edges ---- */
struct nfa_state {
	int set;                     /* index into nfa.sets, or -1 */
	int out[2];                  /* targets; -1 for none */
};

struct nfa {
	struct nfa_state *s;
	int n;
	struct symset *sets;
	int nsets;
	const char *error;
};

static int new_state(struct nfa *a)
{
	if (a->n >= MAX_NFA) {
		a->error = "regular expression too large";
		return 0;
	}
	a->s[a->n] = (struct nfa_state){ -1, { -1, -1 } };
	return a->n++;
}

static void link(struct nfa *a, int from, int to)
{
	struct nfa_state *s = &a->s[from];
	s->out[s->out[0] < 0 ? 0 : 1] = to;
}

/* Builds n between a fresh start and end; returns them in *start, *end. */
static void build(struct nfa *a, const struct re_node *n, int *start, int *end)
{
	int s = new_state(a), e = new_state(a), s1, e1, s2, e2;
	*start = s;
	*end = e;
	if (a->error)
		return;
	switch (n->kind) {
	case R_EMPTY:
		link(a, s, e);
		break;
	case R_SET:
		a->sets[a->nsets] = n->set;
		a->s[s].set = a->nsets++;
		a->s[s].out[0] = e;
		break;
	case R_CAT:
		build(a, n->a, &s1, &e1);
		build(a, n->b, &s2, &e2);
		link(a, s, s1);
		link(a, e1, s2);
		link(a, e2, e);
		break;
	case R_ALT:
		build(a, n->a, &s1, &e1);
		build(a, n->b, &s2, &e2);
		link(a, s, s1);
		link(a, s, s2);
		link(a, e1, e);
		link(a, e2, e);
		break;
	case R_REPEAT: {
		/* min copies in a row, then max - min optional ones, or a loop if no max */
		int at = s;
		for (int i = 0; i < n->min && !a->error; i++) {
			build(a, n->a, &s1, &e1);
			link(a, at, s1);
			at = e1;
		}
		if (n->max < 0) {
			build(a, n->a, &s1, &e1);
			int loop = new_state(a);
			if (a->error)
				return;
			link(a, at, loop);
			link(a, loop, s1);
			link(a, e1, loop);
			at = loop;
		} else {
			for (int i = n->min; i < n->max && !a->error; i++) {
				build(a, n->a, &s1, &e1);
				int skip = new_state(a);
				if (a->error)
					return;
				link(a, at, skip);
				link(a, skip, s1);
				link(a, skip, e);
				at = e1;
			}
		}
		link(a, at, e);
		break;
	}
	}
}

/* ---- subset construction ---- */
struct dfa_build {
	const struct nfa *a;
	int words;                   /* 64-bit words of an NFA state set */
	uint64_t *sets;              /* DFA state i's NFA states: words at i * words */
	int n;
	int final;                   /* the NFA's accepting state */
};

/* ^ and $ are zero-width: their edges are followed like empty ones, but only in the
   step that reads the start (FOLLOW_BOS) or the end (FOLLOW_EOS) of the string. */
enum { FOLLOW_BOS = 1, FOLLOW_EOS = 2 };

static int anchor_of(const struct nfa *a, int st)
{
	const struct symset *s = &a->sets[a->s[st].set];
	return set_has(s, SYM_BOS) ? FOLLOW_BOS : set_has(s, SYM_EOS) ? FOLLOW_EOS : 0;
}

static int has(const uint64_t *set, int st) { return (set[st / 64] >> (st % 64)) & 1; }

static void closure(const struct nfa *a, uint64_t *set, int st, int follow)
{
	if (has(set, st))
		return;
	set[st / 64] |= 1ull << (st % 64);
	if (a->s[st].set >= 0) {
		if (anchor_of(a, st) & follow)
			closure(a, set, a->s[st].out[0], follow);
		return;
	}
	for (int i = 0; i < 2; i++)
		if (a->s[st].out[i] >= 0)
			closure(a, set, a->s[st].out[i], follow);
}

/* DFA state from's successor on symbol class k (rep: a symbol of it) into set. The
   state right after the start of the string carries the at_begin mark (an extra bit),
   so that an empty string's end step may still cross ^. */
static void step(const struct nfa *a, int words, const uint64_t *from, const uint64_t *begin, int rep,
		 uint64_t *set)
{
	int at_begin = a->n;
	if (rep == SYM_BOS || rep == SYM_EOS) {
		int follow = rep == SYM_BOS ? FOLLOW_BOS : FOLLOW_EOS | (has(from, at_begin) ? FOLLOW_BOS : 0);
		memset(set, 0, (size_t)words * 8);
		for (int st = 0; st < a->n; st++)
			if (has(from, st))
				closure(a, set, st, follow);
		if (rep == SYM_BOS)
			set[at_begin / 64] |= 1ull << (at_begin % 64);
		return;
	}
	/* after a byte a match may start again, anywhere but at ^ */
	memcpy(set, begin, (size_t)words * 8);
	for (int st = 0; st < a->n; st++)
		if (has(from, st) && a->s[st].set >= 0 && set_has(&a->sets[a->s[st].set], rep))
			closure(a, set, a->s[st].out[0], 0);
}

/* The DFA state holding exactly set, added if new; -1 when there are too many. */
static int dfa_state(struct dfa_build *d, const uint64_t *set)
{
	for (int i = 0; i < d->n; i++)
		if (!memcmp(d->sets + (size_t)i * d->words, set, (size_t)d->words * 8))
			return i;
	if (d->n >= MAX_DFA)
		return -1;
	d->sets = re_realloc(d->sets, (size_t)(d->n + 1) * d->words * 8);
	memcpy(d->sets + (size_t)d->n * d->words, set, (size_t)d->words * 8);
	return d->n++;
}

struct regex *regex_compile(const char *pattern, const char **error)
{
	struct parser ps = { pattern, NULL };
	struct re_node *tree = alternation(&ps);
	if (!ps.error && *ps.p)
		ps.error = "unbalanced parenthesis";
	if (ps.error) {
		free_tree(tree);
		*error = ps.error;
		return NULL;
	}
	struct nfa a = { .s = re_calloc(MAX_NFA, sizeof *a.s), .sets = re_calloc(MAX_NFA, sizeof *a.sets) };
	int start, final;
	build(&a, tree, &start, &final);
	free_tree(tree);
	struct regex *re = NULL;
	uint64_t *set = NULL;
	struct dfa_build d = { .a = &a, .words = (a.n + 1 + 63) / 64, .final = final };
	if (a.error)
		goto out;

	/* byte classes: bytes in exactly the same edge sets; the start and the end of the
	   string have a class each */
	re = re_calloc(1, sizeof *re);
	for (int c = 0; c < NSYM; c++) {
		int cls = -1;
		for (int k = 0; k < c && c < 256 && cls < 0; k++) {
			int same = 1;
			for (int i = 0; i < a.nsets && same; i++)
				same = set_has(&a.sets[i], c) == set_has(&a.sets[i], k);
			if (same)
				cls = re->classes[k];
		}
		re->classes[c] = cls >= 0 ? cls : re->nclasses++;
	}
	int *rep = re_calloc((size_t)re->nclasses, sizeof *rep); /* a symbol of each class */
	for (int c = NSYM - 1; c >= 0; c--)
		rep[re->classes[c]] = c;

	set = re_calloc((size_t)d.words, 8);
	uint64_t *begin = re_calloc((size_t)d.words, 8);
	closure(&a, begin, start, 0);
	re->start = dfa_state(&d, begin);
	for (int i = 0; i < d.n; i++) {
		re->next = re_realloc(re->next, (size_t)(i + 1) * re->nclasses * sizeof *re->next);
		for (int k = 0; k < re->nclasses; k++) {
			step(&a, d.words, d.sets + (size_t)i * d.words, begin, rep[k], set);
			int to = dfa_state(&d, set);
			if (to < 0) {
				a.error = "regular expression too complex";
				free(begin);
				free(rep);
				goto out;
			}
			re->next[(size_t)i * re->nclasses + k] = (uint16_t)to;
		}
	}
	free(begin);
	free(rep);
	re->nstates = d.n;
	re->accept = re_calloc((size_t)d.n, 1);
	for (int i = 0; i < d.n; i++)
		re->accept[i] = has(d.sets + (size_t)i * d.words, final);
out:
	if (a.error) {
		*error = a.error;
		regex_free(re);
		re = NULL;
	}
	free(set);
	free(d.sets);
	free(a.s);
	free(a.sets);
	return re;
}

void regex_free(struct regex *re)
{
	if (!re)
		return;
	free(re->next);
	free(re->accept);
	free(re);
}

/* Block-scope C declarations of re's tables and of `static const struct tap_regex NAME`
   (runtime/regex_match.h). */
void regex_emit(FILE *out, const struct regex *re, const char *name)
{
	fprintf(out, "static const unsigned short %s_classes[] = {", name);
	for (int c = 0; c < NSYM; c++)
		fprintf(out, "%s%d", c ? "," : "", re->classes[c]);
	fprintf(out, "}; static const unsigned short %s_next[] = {", name);
	for (int i = 0; i < re->nstates * re->nclasses; i++)
		fprintf(out, "%s%d", i ? "," : "", re->next[i]);
	fprintf(out, "}; static const unsigned char %s_accept[] = {", name);
	for (int i = 0; i < re->nstates; i++)
		fprintf(out, "%s%d", i ? "," : "", re->accept[i]);
	fprintf(out, "}; static const struct tap_regex %s = { %d, %d, %s_classes, %s_next, %s_accept }; ",
		name, re->nclasses, re->start, name, name, name);
}
