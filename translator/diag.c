/* Compiler diagnostics with the offending source line and a caret under the column. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "diag.h"

struct source {
	const char *file;
	const char *text;
	size_t len;
	struct source *next;
};

static struct source *sources;
static int error_count;

void diag_add_source(const char *file, const char *text, size_t len)
{
	struct source *s = xcalloc(1, sizeof *s);
	s->file = file;
	s->text = text;
	s->len = len;
	s->next = sources;
	sources = s;
}

static void quote_line(struct loc loc)
{
	for (struct source *s = sources; s; s = s->next) {
		if (s->file != loc.file)
			continue;
		const char *p = s->text, *end = s->text + s->len;
		for (int line = 1; line < loc.line && p < end; p++)
			if (*p == '\n')
				line++;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		int n = (int)((eol ? eol : end) - p);
		fprintf(stderr, "    %.*s\n    ", n, p);
		/* Keep tabs so the caret lines up under tabbed source. */
		for (int i = 0; i < loc.col - 1 && i < n; i++)
			fputc(p[i] == '\t' ? '\t' : ' ', stderr);
		fputs("^\n", stderr);
		return;
	}
}

static void report(const char *kind, struct loc loc, const char *fmt, va_list ap)
{
	if (loc.file)
		fprintf(stderr, "%s:%d:%d: ", loc.file, loc.line, loc.col);
	fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (loc.file)
		quote_line(loc);
}

/* One message per place: inference can meet the same problem more than once. */
static struct seen { struct loc loc; char *msg; struct seen *next; } *seen;

static int seen_before(struct loc loc, const char *fmt, va_list ap)
{
	char *msg = xcalloc(512, 1);
	vsnprintf(msg, 512, fmt, ap);
	for (struct seen *s = seen; s; s = s->next)
		if (s->loc.file == loc.file && s->loc.line == loc.line && s->loc.col == loc.col &&
		    !strcmp(s->msg, msg))
			return 1;
	struct seen *s = xcalloc(1, sizeof *s);
	s->loc = loc;
	s->msg = msg;
	s->next = seen;
	seen = s;
	return 0;
}

void diag_error(struct loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int dup = seen_before(loc, fmt, ap);
	va_end(ap);
	if (dup)
		return;
	va_start(ap, fmt);
	report("error", loc, fmt, ap);
	va_end(ap);
	error_count++;
}

void diag_warning(struct loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report("warning", loc, fmt, ap);
	va_end(ap);
}

int diag_errors(void)
{
	return error_count;
}

/* Forgets every source, message and error: for a program that compiles many
   scripts in turn (the parser fuzzer, whose arena frees the memory itself). */
void diag_reset(void)
{
	sources = NULL;
	seen = NULL;
	error_count = 0;
}

int diag_compiler_error(const char *file, int line, const char *msg, const char *needle)
{
	for (struct source *s = sources; s; s = s->next) {
		if (strcmp(s->file, file))
			continue;
		const char *p = s->text, *end = s->text + s->len;
		for (int l = 1; l < line && p < end; p++)
			if (*p == '\n')
				l++;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((eol ? eol : end) - p);
		int col = 1;
		while ((size_t)col <= n && (p[col - 1] == ' ' || p[col - 1] == '\t'))
			col++;
		/* the needle's place on the line, if it is there */
		size_t k = needle ? strlen(needle) : 0;
		for (size_t i = 0; k && i + k <= n; i++)
			if (!memcmp(p + i, needle, k)) {
				col = (int)i + 1;
				break;
			}
		diag_error((struct loc){ s->file, line, col }, "%s", msg);
		return 1;
	}
	return 0;
}
