/* Pass 3: printf and sprintf with their literal format compiled into direct writes.
   The general tap_format parses the format on every call and checks the room left
   before each byte; here the format is split once, at translate time, into literal
   runs (one memcpy each) and conversions (one call each to a small writer of
   runtime/format_put.h), and the room for the whole line is reserved once from an
   upper bound of its length.  When that bound does not fit (a line longer than the
   print buffer, a sprintf longer than MAXSTRINGLEN) the generated code calls the
   general formatter, which cuts the output as it always did.  Formats with '*'
   widths stay with the general formatter: they are rare. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codegen_printf.h"
#include "format.h"

/* A piece of the format: literal text (conv == 0) or a conversion with its argument. */
struct piece {
	const char *lit;
	size_t lit_len;
	struct tap_conv cv;
	int arg;
};

/* Flags the user wrote (the parser adds TF_SIGN for %d, TF_LARGE for %X, TF_SPECIAL for %p). */
#define USER_FLAGS (TF_ZEROPAD | TF_PLUS | TF_SPACE | TF_LEFT | TF_SPECIAL)

void emit_cstring_n(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 32 || c >= 127 || c == '?')
			fprintf(out, "\\%03o", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* The pieces of fmt, or NULL when it has a '*' (or is invalid, which pass 2 reports). */
static struct piece *split(const char *fmt, int *npieces, size_t *bound)
{
	struct piece *ps = xcalloc(strlen(fmt) + 1, sizeof *ps);
	size_t pos = 0, start = 0, len = 0;
	struct tap_conv cv;
	int n = 0, arg = 0, r;

	*bound = 0;
	while ((r = tap_format_next(fmt, &pos, &cv, &start, &len)) > 0) {
		if (r == 1) {
			if (n && ps[n - 1].lit && ps[n - 1].lit + ps[n - 1].lit_len == fmt + start) {
				ps[n - 1].lit_len += len;       /* "%%" and what follows: one run */
			} else {
				ps[n].lit = fmt + start;
				ps[n++].lit_len = len;
			}
			*bound += len;
			continue;
		}
		if (cv.width_star || cv.prec_star)
			break;
		ps[n].cv = cv;
		ps[n++].arg = arg++;
		*bound += tap_conv_bound(&cv);
	}
	if (r != 0) {
		free(ps);
		return NULL;
	}
	*npieces = n;
	return ps;
}

/* The length a %s contributes, cut to its precision. */
static void put_strlen(FILE *out, int id, const struct piece *p)
{
	if (p->cv.prec >= 0)
		fprintf(out, "size_t f%d_n%d = f%d_a%d ? strnlen(f%d_a%d, %d) : 0; ",
			id, p->arg, id, p->arg, id, p->arg, p->cv.prec);
	else
		fprintf(out, "size_t f%d_n%d = f%d_a%d ? strlen(f%d_a%d) : 0; ", id, p->arg, id, p->arg, id, p->arg);
}

/* The writes of one piece, advancing f<id>_p. */
static void put_piece(FILE *out, int id, const struct piece *p)
{
	const struct tap_conv *cv = &p->cv;
	int plain = !(cv->flags & USER_FLAGS & ~(cv->conv == 'p' ? TF_SPECIAL : 0)) && cv->width < 0 && cv->prec < 0;

	fprintf(out, "f%d_p = ", id);
	if (p->lit) {
		fprintf(out, "tap_put_mem(f%d_p, ", id);
		emit_cstring_n(out, p->lit, p->lit_len);
		fprintf(out, ", %zu); ", p->lit_len);
		return;
	}
	if (cv->conv == 's' && !(cv->flags & TF_ZEROPAD)) {
		if (cv->width < 0)
			fprintf(out, "tap_put_mem(f%d_p, f%d_a%d, f%d_n%d); ", id, id, p->arg, id, p->arg);
		else
			fprintf(out, "tap_put_str_pad(f%d_p, f%d_a%d, f%d_n%d, %d, %d); ", id, id, p->arg, id,
				p->arg, cv->width, !!(cv->flags & TF_LEFT));
		return;
	}
	if (plain) {
		switch (cv->conv) {
		case 'd': case 'i':
			fprintf(out, "tap_put_dec(f%d_p, f%d_a%d); ", id, id, p->arg);
			return;
		case 'u':
			fprintf(out, "tap_put_udec(f%d_p, (uint64_t)f%d_a%d); ", id, id, p->arg);
			return;
		case 'x': case 'X':
			fprintf(out, "tap_put_hex(f%d_p, (uint64_t)f%d_a%d, %s); ", id, id, p->arg,
				cv->conv == 'X' ? "tap_hex_upper" : "tap_hex_lower");
			return;
		case 'p':
			fprintf(out, "tap_put_hex(tap_put_mem(f%d_p, \"0x\", 2), (uint64_t)f%d_a%d, tap_hex_lower); ",
				id, id, p->arg);
			return;
		case 'o':
			fprintf(out, "tap_put_oct(f%d_p, (uint64_t)f%d_a%d); ", id, id, p->arg);
			return;
		case 'c':
			fprintf(out, "f%d_p + 1; f%d_p[-1] = (char)f%d_a%d; ", id, id, id, p->arg);
			return;
		default:
			break;
		}
	}
	fprintf(out, "tap_put_conv(f%d_p, %d, %d, %d, '%c', ", id, cv->flags, cv->width, cv->prec, cv->conv);
	if (cv->conv == 's')
		fprintf(out, "0, f%d_a%d); ", id, p->arg);
	else
		fprintf(out, "f%d_a%d, NULL); ", id, p->arg);
}

/* The general call, with the arguments already in f<id>_a<i>. */
static void put_general(FILE *out, int id, const char *call, const char *fmt, struct node *args)
{
	int i = 0;

	fprintf(out, "%s", call);
	emit_cstring_n(out, fmt, strlen(fmt));
	if (!args) {
		fprintf(out, ", NULL, 0); ");
		return;
	}
	fprintf(out, ", (const struct tap_fmt_arg[]){ ");
	for (struct node *a = args; a; a = a->next, i++) {
		if (a->type == T_STRING)
			fprintf(out, "{ 1, 0, f%d_a%d }, ", id, i);
		else
			fprintf(out, "{ 0, f%d_a%d, NULL }, ", id, i);
	}
	fprintf(out, "}, %d); ", i);
}

int gen_printf_compiled(FILE *out, const char *fmt, struct node *args, int sprintf_tmp,
			void (*gen_arg)(void *g, struct node *a), void *g)
{
	static int next_id;
	int id = next_id++, npieces, i = 0;
	size_t bound;
	struct piece *ps = split(fmt, &npieces, &bound);

	/* A bound this large only comes from huge widths: the general code is as good. */
	if (!ps || bound > 4096) {
		free(ps);
		return 0;
	}
	if (sprintf_tmp >= 0)
		fprintf(out, "((const char *)");
	fprintf(out, "({ ");
	for (struct node *a = args; a; a = a->next, i++) {
		fprintf(out, a->type == T_STRING ? "const char *f%d_a%d = " : "int64_t f%d_a%d = ", id, i);
		gen_arg(g, a);
		fprintf(out, "; ");
	}
	if (sprintf_tmp < 0)
		fprintf(out, "if (likely(!c->error)) { ");
	/* The bound: the static part plus each string's length; a NULL string takes the
	   general path, which prints nothing for it. */
	fprintf(out, "int f%d_ok = 1", id);
	for (i = 0; i < npieces; i++)
		if (!ps[i].lit && ps[i].cv.conv == 's')
			fprintf(out, " && f%d_a%d", id, ps[i].arg);
	fprintf(out, "; ");
	for (i = 0; i < npieces; i++)
		if (!ps[i].lit && ps[i].cv.conv == 's')
			put_strlen(out, id, &ps[i]);
	fprintf(out, "size_t f%d_len = %zu", id, bound);
	for (i = 0; i < npieces; i++)
		if (!ps[i].lit && ps[i].cv.conv == 's')
			fprintf(out, " + f%d_n%d", id, ps[i].arg);
	fprintf(out, "; ");
	if (sprintf_tmp < 0)
		fprintf(out, "char *f%d_p = f%d_ok ? tap_print_reserve(c, f%d_len) : NULL; if (likely(f%d_p != NULL)) { ",
			id, id, id, id);
	else
		fprintf(out, "char *f%d_d = f->t%d, *f%d_p = f%d_d; if (likely(f%d_ok && f%d_len < MAXSTRINGLEN)) { ",
			id, sprintf_tmp, id, id, id, id);
	for (i = 0; i < npieces; i++)
		put_piece(out, id, &ps[i]);
	if (sprintf_tmp < 0) {
		fprintf(out, "tap_print_commit(c, f%d_p); } else ", id);
		put_general(out, id, "tap_printf(c, ", fmt, args);
		fprintf(out, "} (void)0; })");
	} else {
		fprintf(out, "*f%d_p = '\\0'; } else ", id);
		put_general(out, id, xasprintf("tap_sprintf(f%d_d, ", id), fmt, args);
		fprintf(out, "f%d_d; }))", id);
	}
	free(ps);
	return 1;
}
