/* kernel.trace("name") and kernel.trace("system:name"): the kernel's tracepoints, with
   each $argument of the tracepoint's TP_PROTO (from the target kernel's headers)
   readable as a long. */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "probes.h"

/* How a C parameter type becomes a script long. */
static int conversion_of(const char *type)
{
	if (strchr(type, '*'))
		return TC_LONG;
	int is_unsigned = strstr(type, "unsigned") || !strncmp(type, "u", 1) || strstr(type, "size_t");
	if (strstr(type, "bool") || strstr(type, "char") || !strcmp(type, "u8") || !strcmp(type, "s8"))
		return is_unsigned || strstr(type, "bool") ? TC_U8 : TC_S8;
	if (strstr(type, "short") || strstr(type, "16"))
		return is_unsigned ? TC_U16 : TC_S16;
	if (strstr(type, "long") || strstr(type, "64") || strstr(type, "size_t"))
		return TC_LONG;
	/* int, pid_t, u32, gfp_t, enum ... */
	return is_unsigned ? TC_U32 : TC_S32;
}

/* Parses "TP_PROTO(type a, type *b)" starting at p into params; returns the count. */
static int parse_proto(const char *p, struct trace_param *params, int max)
{
	p = strstr(p, "TP_PROTO(");
	if (!p)
		return -1;
	p += strlen("TP_PROTO(");
	int n = 0, depth = 0;
	const char *start = p;
	for (; *p; p++) {
		if (*p == '(') {
			depth++;
		} else if ((*p == ',' && depth == 0) || (*p == ')' && depth-- == 0)) {
			/* one parameter: the last identifier is its name, the rest its type */
			const char *end = p;
			while (end > start && isspace((unsigned char)end[-1]))
				end--;
			const char *name = end;
			while (name > start && (isalnum((unsigned char)name[-1]) || name[-1] == '_'))
				name--;
			if (name < end && n < max) {
				params[n].name = strndup(name, (size_t)(end - name));
				const char *ts = start, *te = name;
				while (ts < te && isspace((unsigned char)*ts))
					ts++;
				while (te > ts && isspace((unsigned char)te[-1]))
					te--;
				char *type = strndup(ts, (size_t)(te - ts));
				params[n].conv = conversion_of(type);
				params[n].ctype = type;
				n++;
			}
			if (*p == ')')
				break;
			start = p + 1;
		}
	}
	return n;
}

/* Finds the TRACE_EVENT or DEFINE_EVENT for name in a header; returns its TP_PROTO. */
static int find_in_header(const char *text, const char *name, struct trace_param *params, int max)
{
	const char *makers[] = { "TRACE_EVENT(", "TRACE_EVENT_FN(", "TRACE_EVENT_CONDITION(", "DEFINE_EVENT(",
				 "DEFINE_EVENT_FN(", "DEFINE_EVENT_PRINT(", "DEFINE_EVENT_CONDITION(" };
	for (size_t m = 0; m < sizeof makers / sizeof makers[0]; m++) {
		for (const char *p = text; (p = strstr(p, makers[m])); p++) {
			const char *q = p + strlen(makers[m]);
			if (!strncmp(makers[m], "DEFINE_", 7)) {
				q = strchr(q, ',');
				if (!q)
					break;
				q++;
			}
			while (isspace((unsigned char)*q))
				q++;
			size_t len = strlen(name);
			if (strncmp(q, name, len) || (isalnum((unsigned char)q[len]) || q[len] == '_'))
				continue;
			return parse_proto(q, params, max);
		}
	}
	return -1;
}

static int lookup(const char *system, const char *name, struct trace_param *params, int max, char **found_system)
{
	char *dir = xasprintf("%s/include/trace/events", probe_env.kernel_dir ? probe_env.kernel_dir : "");
	/* Debian splits headers: the arch-specific tree links to a common one. */
	char *common = NULL;
	const char *kd = probe_env.kernel_dir;
	size_t kl = kd ? strlen(kd) : 0;
	if (kl > 6 && !strcmp(kd + kl - 6, "/build"))
		common = xasprintf("%.*s/source/include/trace/events", (int)(kl - 6), kd);
	const char *dirs[] = { dir, common };
	for (int d = 0; d < 2; d++) {
		if (!dirs[d])
			continue;
		if (system) {
			char *path = xasprintf("%s/%s.h", dirs[d], system);
			char *text = xread_file(path, NULL);
			int n = text ? find_in_header(text, name, params, max) : -1;
			free(text);
			if (n >= 0) {
				*found_system = xstrdup(system);
				return n;
			}
			continue;
		}
		DIR *dh = opendir(dirs[d]);
		struct dirent *e;
		while (dh && (e = readdir(dh))) {
			size_t l = strlen(e->d_name);
			if (l < 3 || strcmp(e->d_name + l - 2, ".h"))
				continue;
			char *path = xasprintf("%s/%s", dirs[d], e->d_name);
			char *text = xread_file(path, NULL);
			int n = text ? find_in_header(text, name, params, max) : -1;
			free(text);
			if (n >= 0) {
				*found_system = strndup(e->d_name, l - 2);
				closedir(dh);
				return n;
			}
		}
		if (dh)
			closedir(dh);
	}
	return -1;
}

int probe_trace_match(struct probe *p, struct probe_point *pp, struct site ***tail)
{
	const struct probe_comp *c = pp->comps;
	if (strcmp(c->name, "kernel") || !c->next || strcmp(c->next->name, "trace"))
		return 0;
	c = c->next;
	if (!c->arg || c->arg->kind != N_STR || c->next) {
		diag_error(pp->loc, "probe point '%s': expected kernel.trace(\"name\")", probe_point_text(pp));
		return 1;
	}
	if (probe_env.user_runtime) {
		diag_error(pp->loc, "probe point '%s' needs the kernel runtime", probe_point_text(pp));
		return 1;
	}
	char *arg = xstrdup(c->arg->str), *name = arg, *system = NULL;
	char *colon = strchr(arg, ':');
	if (colon) {
		*colon = '\0';
		system = arg;
		name = colon + 1;
	}
	if (strpbrk(name, "*?[")) {
		diag_error(pp->loc, "probe point '%s': wildcards in tracepoint names are not supported yet",
			   probe_point_text(pp));
		return 1;
	}
	struct trace_param params[TAP_TRACE_MAX_ARGS] = { { 0 } };
	char *found = NULL;
	int n = lookup(system, name, params, TAP_TRACE_MAX_ARGS, &found);
	/* A TRACE_SYSTEM may differ from its header's name (raw_syscalls in syscalls.h). */
	if (n < 0 && system)
		n = lookup(NULL, name, params, TAP_TRACE_MAX_ARGS, &found);
	if (n < 0) {
		if (!pp->optional)
			diag_error(pp->loc, "probe point '%s': no tracepoint '%s' in the kernel headers",
				   probe_point_text(pp), c->arg->str);
		return 1;
	}
	struct site *s = site_add(p, pp, "TAP_PROBE_TRACEPOINT", tail);
	s->symbol = xstrdup(name);
	s->header = xasprintf("trace/events/%s.h", found);
	s->nparams = n;
	memcpy(s->params, params, sizeof params);
	return 1;
}
