/* Expanding kprobe.function patterns against the running kernel's /proc/kallsyms.
   tapio does it on the target, because the build host may run another kernel and a
   module cannot walk the kernel's symbols itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ksyms.h"

struct ksym {
	uint64_t addr;
	char *name;
};

struct range {
	uint64_t start, end;
};

static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 1024;
	v = realloc(v, *cap * size);
	if (!v)
		abort();
	return v;
}

static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The kprobe blacklist: "0xSTART-0xEND\tNAME" lines, sorted by start. */
static struct range *read_blacklist(size_t *n)
{
	FILE *f = fopen("/sys/kernel/debug/kprobes/blacklist", "r");
	struct range *r = NULL, one;
	size_t cap = 0;
	*n = 0;
	if (!f)
		return NULL;
	while (fscanf(f, "0x%" SCNx64 "-0x%" SCNx64 "%*[^\n]\n", &one.start, &one.end) == 2) {
		r = grow(r, &cap, *n, sizeof *r);
		r[(*n)++] = one;
	}
	fclose(f);
	qsort(r, *n, sizeof *r, by_start);
	return r;
}

/* Ranges may nest (a whole section, then its functions), so any range holding addr counts. */
static int blacklisted(const struct range *r, size_t n, uint64_t addr)
{
	for (size_t i = 0; i < n && r[i].start <= addr; i++)
		if (addr < r[i].end)
			return 1;
	return 0;
}

/* A kernel pattern ("vfs_*") matches the kernel's own functions, a "module:pattern" one
   that module's. */
static int pattern_matches(const char *pattern, const char *name)
{
	return !strchr(pattern, ':') == !strchr(name, ':') && !fnmatch(pattern, name, 0);
}

static int matches_any(const char *const *patterns, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (pattern_matches(patterns[i], name))
			return 1;
	return 0;
}

/* The kernel's own text symbols that some pattern matches; the init text bounds from
   _sinittext and _einittext. */
static struct ksym *read_kallsyms(const char *const *patterns, int npatterns, size_t *n,
				  uint64_t *init_start, uint64_t *init_end)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	size_t cap = 0;
	struct ksym *s = grow(NULL, &cap, 0, sizeof *s);    /* not NULL, even if nothing matches */
	char line[1024], name[600], type;
	uint64_t addr;
	*n = 0;
	*init_start = *init_end = 0;
	if (!f) {
		free(s);
		return NULL;
	}
	while (fgets(line, sizeof line, f)) {
		int len = 0;
		if (sscanf(line, "%" SCNx64 " %c %599s%n", &addr, &type, name, &len) != 3)
			continue;
		if (!strcmp(name, "_sinittext"))
			*init_start = addr;
		else if (!strcmp(name, "_einittext"))
			*init_end = addr;
		/* A module's symbols end in "[module]" and are named "module:symbol", as
		   module("module").function("symbol") patterns are. */
		char qualified[700], module[64];
		if (sscanf(line + len, " [%63[^]]]", module) == 1)
			snprintf(qualified, sizeof qualified, "%s:%s", module, name);
		else
			snprintf(qualified, sizeof qualified, "%s", name);
		if ((type != 't' && type != 'T') || !matches_any(patterns, npatterns, qualified))
			continue;
		s = grow(s, &cap, *n, sizeof *s);
		s[*n].addr = addr;
		s[*n].name = strdup(qualified);
		(*n)++;
	}
	fclose(f);
	return s;
}

static int probeable(const struct ksym *s, const struct range *bl, size_t nbl, uint64_t init_start,
		     uint64_t init_end)
{
	/* A ".cold" part is jumped to from its function, never called: no entry to probe. */
	const char *cold = strstr(s->name, ".cold");
	if (cold && (!cold[5] || cold[5] == '.'))
		return 0;
	/* Newer kernels label the padding before each function: not functions either. */
	if (!strncmp(s->name, "__pfx_", 6) || !strncmp(s->name, "__cfi_", 6))
		return 0;
	/* Addresses read as 0 without the privilege to see them: leave the rest to the kernel. */
	if (!s->addr)
		return 1;
	if (init_end > init_start && s->addr >= init_start && s->addr < init_end)
		return 0;
	return !blacklisted(bl, nbl, s->addr);
}

int ksyms_match(const char *const *patterns, int n, void (*fn)(void *arg, int i, const char *name),
		void *arg)
{
	size_t nsyms, nbl;
	uint64_t init_start, init_end;
	struct ksym *syms = read_kallsyms(patterns, n, &nsyms, &init_start, &init_end);
	if (!syms)
		return -1;
	struct range *bl = read_blacklist(&nbl);
	char **hits = malloc((nsyms + 1) * sizeof *hits);
	if (!hits)
		abort();
	for (int i = 0; i < n; i++) {
		size_t nhits = 0;
		for (size_t j = 0; j < nsyms; j++)
			if (pattern_matches(patterns[i], syms[j].name) &&
			    probeable(&syms[j], bl, nbl, init_start, init_end))
				hits[nhits++] = syms[j].name;
		/* Static functions may share a name; the kernel probes the first of them. */
		qsort(hits, nhits, sizeof *hits, by_name);
		for (size_t j = 0; j < nhits; j++)
			if (!j || strcmp(hits[j], hits[j - 1]))
				fn(arg, i, hits[j]);
	}
	for (size_t j = 0; j < nsyms; j++)
		free(syms[j].name);
	free(syms);
	free(bl);
	free(hits);
	return 0;
}

/* Matches go to the module in writes of whole lines. */
struct offer {
	int fd, failed;
	int *index;             /* the module's probe index of each pattern */
	char buf[16384];
	size_t len;
};

static void flush_offer(struct offer *o)
{
	if (o->len && !o->failed && write(o->fd, o->buf, o->len) != (ssize_t)o->len)
		o->failed = 1;
	o->len = 0;
}

static void offer_one(void *arg, int i, const char *name)
{
	struct offer *o = arg;
	char line[640];
	int len = snprintf(line, sizeof line, "%d %s\n", o->index[i], name);
	if (len <= 0 || (size_t)len >= sizeof line)
		return;
	if (o->len + (size_t)len > sizeof o->buf)
		flush_offer(o);
	memcpy(o->buf + o->len, line, (size_t)len);
	o->len += (size_t)len;
}

int ksyms_offer(const char *dir)
{
	char *path = NULL, line[1024];
	const char **patterns = NULL;
	struct offer o = { .fd = -1 };
	size_t cap = 0, capi = 0;
	int n = 0, rc = 0;
	if (asprintf(&path, "%s/kprobes", dir) < 0)
		return -1;
	FILE *f = fopen(path, "r");
	if (!f) {
		free(path);
		return 0;       /* a module without kprobes */
	}
	while (fgets(line, sizeof line, f)) {
		int idx, len = 0;
		if (sscanf(line, "%d %n", &idx, &len) != 1 || !len)
			continue;
		line[strcspn(line, "\n")] = '\0';
		patterns = grow(patterns, &cap, (size_t)n, sizeof *patterns);
		o.index = grow(o.index, &capi, (size_t)n, sizeof *o.index);
		patterns[n] = strdup(line + len);
		o.index[n++] = idx;
	}
	fclose(f);
	if (n) {
		o.fd = open(path, O_WRONLY | O_CLOEXEC);
		if (o.fd < 0 || ksyms_match(patterns, n, offer_one, &o)) {
			fprintf(stderr, "tapio: cannot expand kprobe.function patterns: %s\n", strerror(errno));
			rc = -1;
		} else {
			flush_offer(&o);
			if (o.failed) {
				fprintf(stderr, "tapio: cannot give the module its kprobe functions: %s\n",
					strerror(errno));
				rc = -1;
			}
		}
		if (o.fd >= 0)
			close(o.fd);
	}
	for (int i = 0; i < n; i++)
		free((char *)patterns[i]);
	free(patterns);
	free(o.index);
	free(path);
	return rc;
}
