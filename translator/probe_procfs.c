/* procfs("NAME").read[.maxsize(N)], procfs("NAME").write, with .umask(U) before .read
   or .write, and procfs.read/.write for the file "command": files in
   /proc/systemtap/MODULE/ whose reads and writes run the probe, with $value the text
   read (which the probe sets) or written (runtime/kernel/probe_procfs.c). */
#include <string.h>
#include "diag.h"
#include "probes.h"

int probe_procfs_match(struct probe *p, struct probe_point *pp, struct site ***tail)
{
	const struct probe_comp *c = pp->comps;
	if (strcmp(c->name, "procfs"))
		return 0;
	const char *name = "command";
	if (c->arg) {
		if (c->arg->kind != N_STR || !c->arg->str[0] || strchr(c->arg->str, '/') ||
		    !strcmp(c->arg->str, ".") || !strcmp(c->arg->str, "..")) {
			diag_error(pp->loc, "probe point '%s': procfs needs a file name without '/'",
				   probe_point_text(pp));
			return 1;
		}
		name = c->arg->str;
	}
	if (probe_env.user_runtime) {
		diag_error(pp->loc, "probe point '%s': procfs probes need the kernel runtime", probe_point_text(pp));
		return 1;
	}
	int64_t umask = -1, maxsize = 0;
	const char *kind = NULL;
	for (c = c->next; c; c = c->next) {
		if (!strcmp(c->name, "umask") && c->arg && c->arg->kind == N_NUM && !kind && umask < 0 &&
		    c->arg->num >= 0 && c->arg->num <= 0777) {
			umask = c->arg->num;
		} else if ((!strcmp(c->name, "read") || !strcmp(c->name, "write")) && !c->arg && !kind) {
			kind = c->name[0] == 'r' ? "TAP_PROBE_PROCFS_READ" : "TAP_PROBE_PROCFS_WRITE";
		} else if (!strcmp(c->name, "maxsize") && c->arg && c->arg->kind == N_NUM && kind &&
			   kind[17] == 'R' && !maxsize && c->arg->num > 0 && c->arg->num <= (1 << 20)) {
			maxsize = c->arg->num;
		} else {
			diag_error(pp->loc, "probe point '%s': unexpected '%s'", probe_point_text(pp), c->name);
			return 1;
		}
	}
	if (!kind) {
		diag_error(pp->loc, "probe point '%s': expected .read or .write", probe_point_text(pp));
		return 1;
	}
	struct site *s = site_add(p, pp, kind, tail);
	s->symbol = name;
	s->period = maxsize;   /* 0: STP_PROCFS_BUFSIZE */
	s->nr = (int)umask;    /* -1: the default permissions */
	return 1;
}

int probe_is_procfs(const struct site *sites, const struct probe *p)
{
	int n = 0;
	for (const struct site *st = sites; st; st = st->next) {
		if (st->probe != p)
			continue;
		if (strncmp(st->kind, "TAP_PROBE_PROCFS_", 17))
			return 0;
		n++;
	}
	return n > 0;
}
