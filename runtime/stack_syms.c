/* print_stack(s)/sprint_stack(s) and print_ustack(s)/sprint_ustack(s) (print_syms and
   its kin are the same): for each hex address of a list such as backtrace() gives,
   one line " ADDR : SYMDATA", as SystemTap prints them. The string forms keep whole
   lines only. */
#include "functions.h"

#define SYMS_LINE_LEN 800

/* The next space-separated word of *s into tok, and its value as a hex number. */
static int syms_next(const char **s, char *tok, size_t toklen, uint64_t *addr)
{
	const char *p = *s;
	size_t n = 0;
	uint64_t v = 0;
	while (*p == ' ')
		p++;
	if (!*p)
		return 0;
	for (; p[n] && p[n] != ' '; n++)
		if (n + 1 < toklen)
			tok[n] = p[n];
	tok[n < toklen ? n : toklen - 1] = '\0';
	*s = p + n;
	p = tok;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; *p; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
			*p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;
		if (d < 0) {
			v = 0; /* not a number: shown as address 0 */
			break;
		}
		v = v * 16 + (uint64_t)d;
	}
	*addr = v;
	return 1;
}

static const char *syms(struct tap_ctx *c, char *out, const char *s, int user)
{
	char tok[40], line[SYMS_LINE_LEN];
	uint64_t addr;
	size_t used = 0, total = 0, n;
	if (out)
		out[0] = '\0';
	while (syms_next(&s, tok, sizeof tok, &addr)) {
		n = (size_t)snprintf(line, sizeof line, " %s : ", tok);
		tap_symdata_line(line + n, sizeof line - n - 1, addr, user);
		n = strlen(line);
		line[n++] = '\n';
		line[n] = '\0';
		if (!out) {
			tap_print_mem(c, line, strlen(line));
			continue;
		}
		total += n;
		if (total > MAXSTRINGLEN)
			break;
		if (used + n > MAXSTRINGLEN - 1)
			n = MAXSTRINGLEN - 1 - used;
		memcpy(out + used, line, n);
		used += n;
		out[used] = '\0';
	}
	return out;
}

/* stack(n) and its kin when there is no frame n, as SystemTap says it. */
static void stack_end_error(struct tap_ctx *c, int64_t n)
{
	struct tap_fmt_arg arg = { 0, n, NULL };
	tap_format(c->errbuf, sizeof c->errbuf, "reached end of stack before unwinding to level %d", &arg, 1);
	tap_error(c, c->errbuf, NULL);
}

/* stack(n)/ustack(n): frame n of the got addresses at pc. */
int64_t tap_nth_frame(struct tap_ctx *c, const unsigned long *pc, int got, int64_t n)
{
	if (n < 0 || n >= got) {
		stack_end_error(c, n);
		return 0;
	}
	return (int64_t)pc[n];
}

/* callers(n)/ucallers(n): the first n+1 of the got addresses at pc (all for n = -1),
   "0x.. 0x..", whole words only; too few is an error, as in SystemTap. */
const char *tap_callers(struct tap_ctx *c, char *out, const unsigned long *pc, int got, int64_t n)
{
	char word[24];
	size_t used = 0, len;
	int i;
	out[0] = '\0';
	if (n < -1 || n >= got) {
		stack_end_error(c, n);
		return out;
	}
	for (i = 0; i < got && (n == -1 || i <= n); i++) {
		len = (size_t)snprintf(word, sizeof word, i ? " 0x%lx" : "0x%lx", pc[i]);
		if (used + len > MAXSTRINGLEN - 1)
			break;
		memcpy(out + used, word, len + 1);
		used += len;
	}
	return out;
}

void tap_fn_print_stack(struct tap_ctx *c, const char *s) { syms(c, NULL, s, 0); }
const char *tap_fn_sprint_stack(struct tap_ctx *c, char *out, const char *s) { return syms(c, out, s, 0); }
void tap_fn_print_ustack(struct tap_ctx *c, const char *s) { syms(c, NULL, s, 1); }
const char *tap_fn_sprint_ustack(struct tap_ctx *c, char *out, const char *s) { return syms(c, out, s, 1); }
