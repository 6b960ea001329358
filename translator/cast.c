/* @cast through the kernel's headers: see cast.h. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "cast.h"

/* What "kernel" and "kernel:MODULE" mean without debuginfo: the headers that define the
   types scripts cast to most (files, paths, memory, tasks, block I/O, sockets, IRQs). */
static const char *const default_headers[] = {
	"linux/fs.h", "linux/dcache.h", "linux/mount.h", "linux/path.h", "linux/file.h",
	"linux/fdtable.h", "linux/mm_types.h", "linux/mm.h", "linux/sched.h",
	"linux/sched/signal.h", "linux/pid.h", "linux/cred.h", "linux/nsproxy.h",
	"linux/utsname.h", "linux/blkdev.h", "linux/blk-mq.h", "linux/bio.h",
	"linux/skbuff.h", "linux/netdevice.h", "linux/net.h", "net/sock.h",
	"net/inet_sock.h", "linux/tcp.h", "linux/udp.h", "linux/ip.h", "linux/ipv6.h",
	"linux/in.h", "linux/in6.h", "linux/un.h", "linux/uio.h", "linux/interrupt.h",
	"linux/irq.h", "linux/namei.h", "linux/pipe_fs_i.h", "linux/signal.h",
	"linux/timer.h", "linux/hrtimer.h", "linux/pagemap.h", "linux/swap.h",
	"linux/writeback.h", "uapi/linux/aio_abi.h", NULL,
};

/* The path is built and freed with the C library's allocator, not the AST's (whose
   blocks the fuzzer frees itself after each input). */
int cast_chain(const struct node *n, const struct node **cast, char **path)
{
	char *p = strdup(""), *q;
	for (; p && n && n->kind == N_TARGET && n->a; n = n->a) {
		int len;
		if (n->ext)
			len = asprintf(&q, "->%s%s", (const char *)n->ext, p);
		else if (n->b && n->b->kind == N_NUM)
			len = asprintf(&q, "[%lld]%s", (long long)n->b->num, p);
		else
			break;
		free(p);
		p = len < 0 ? NULL : q;
	}
	if (!p)
		return 0;
	/* (&@cast(p, "T"))->m, as @container_of gives it, is @cast(p, "T")->m */
	while (n && n->kind == N_UNARY && n->op == '&')
		n = n->a;
	if (!n || n->kind != N_EXTRACT || strcmp(n->str, "cast") || !*p) {
		free(p);
		return 0;
	}
	*cast = n;
	*path = p;
	return 1;
}

/* The module argument: NULL, "kernel", "kernel:MODULE" or "kernel<h1><h2>". */
static int kernel_module(const char *m)
{
	return !m || !strcmp(m, "kernel") || !strncmp(m, "kernel:", 7) || !strncmp(m, "kernel<", 7);
}

const char *cast_ctype(const struct node *cast, const char **why)
{
	const struct node *addr = cast->a, *type = addr ? addr->next : NULL;
	const struct node *module = type ? type->next : NULL;
	if (!type || (module && module->next)) {
		*why = "@cast takes an address, a type name and an optional module";
		return NULL;
	}
	if (type->kind != N_STR || (module && module->kind != N_STR)) {
		*why = "@cast's type and module must be literal strings";
		return NULL;
	}
	if (!kernel_module(module ? module->str : NULL)) {
		*why = "@cast to a user-space type needs its debuginfo, which tapc does not read; "
		       "only kernel types (\"kernel\", \"kernel<linux/header.h>\") can be cast to";
		return NULL;
	}
	const char *t = type->str;
	while (*t == ' ')
		t++;
	if (!*t || strchr(t, '*') || strchr(t, '(')) {
		*why = "@cast needs the name of a struct or union";
		return NULL;
	}
	if (!strncmp(t, "struct ", 7) || !strncmp(t, "union ", 6))
		return xasprintf("%s *", t);
	return xasprintf("struct %s *", t);
}

/* Adds header h to the list unless it is there. */
static void add_header(char ***list, int *n, const char *h, size_t len)
{
	for (int i = 0; i < *n; i++)
		if (strlen((*list)[i]) == len && !strncmp((*list)[i], h, len))
			return;
	*list = realloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = strndup(h, len);
}

static void collect(const struct node *n, char ***list, int *count)
{
	for (; n; n = n->next) {
		if (n->kind == N_EXTRACT && !strcmp(n->str, "cast") && n->a && n->a->next) {
			const struct node *m = n->a->next->next;
			const char *s = m && m->kind == N_STR ? m->str : "kernel";
			if (strchr(s, '<')) {
				/* kernel<a.h><b.h>: each <...> in turn */
				for (const char *o; (o = strchr(s, '<')); ) {
					const char *c = strchr(o, '>');
					if (!c)
						break;
					add_header(list, count, o + 1, (size_t)(c - o - 1));
					s = c + 1;
				}
			} else {
				for (int i = 0; default_headers[i]; i++)
					add_header(list, count, default_headers[i], strlen(default_headers[i]));
			}
		}
		collect(n->a, list, count);
		collect(n->b, list, count);
		collect(n->c, list, count);
		collect(n->d, list, count);
		if (n->kind == N_FOREACH) {
			const struct foreach_info *f = n->ext;
			collect(f->limit, list, count);
			collect(f->body, list, count);
		}
	}
}

void cast_emit_default_headers(FILE *out)
{
	for (int i = 0; default_headers[i]; i++)
		fprintf(out, "#include <%s>\n", default_headers[i]);
}

void cast_emit_headers(FILE *out, const struct script *s)
{
	char **list = NULL;
	int n = 0;
	for (const struct probe *p = s->probes; p; p = p->next)
		collect(p->body, &list, &n);
	for (const struct func *f = s->funcs; f; f = f->next)
		collect(f->body, &list, &n);
	for (int i = 0; i < n; i++) {
		fprintf(out, "#include <%s>\n", list[i]);
		free(list[i]);
	}
	free(list);
}
