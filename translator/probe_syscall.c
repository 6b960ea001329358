/* kernel.syscall("name")[.return]: one system call (or a wildcard of them), caught on
   the raw_syscalls sys_enter/sys_exit tracepoints and filtered by number. The numbers
   come from the target kernel's own unistd_64.h. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "probes.h"

struct syscall_nr {
	char *name;
	int nr;
};

static struct syscall_nr *table;
static int ntable;

static void load_table(void)
{
	if (table)
		return;
	const char *paths[] = {
		probe_env.kernel_dir ? xasprintf("%s/arch/x86/include/generated/uapi/asm/unistd_64.h", probe_env.kernel_dir) : NULL,
		"/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
		"/usr/include/asm/unistd_64.h",
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0] && !ntable; i++) {
		FILE *f = paths[i] ? fopen(paths[i], "r") : NULL;
		char line[256], name[128];
		int nr;
		while (f && fgets(line, sizeof line, f)) {
			if (sscanf(line, "#define __NR_%127s %d", name, &nr) != 2)
				continue;
			table = realloc(table, (ntable + 1) * sizeof *table);
			if (!table)
				abort();
			table[ntable].name = xstrdup(name);
			table[ntable].nr = nr;
			ntable++;
		}
		if (f)
			fclose(f);
	}
}

int syscall_number(const char *name)
{
	load_table();
	for (int i = 0; i < ntable; i++)
		if (!strcmp(table[i].name, name))
			return table[i].nr;
	return -1;
}

int probe_syscall_match(struct probe *p, struct probe_point *pp, struct site ***tail)
{
	const struct probe_comp *c = pp->comps;
	if (strcmp(c->name, "kernel") || !c->next || strcmp(c->next->name, "syscall"))
		return 0;
	c = c->next;
	if (!c->arg || c->arg->kind != N_STR) {
		diag_error(pp->loc, "probe point '%s': expected kernel.syscall(\"name\")", probe_point_text(pp));
		return 1;
	}
	int ret = 0;
	if (c->next) {
		if (strcmp(c->next->name, "return") || c->next->arg || c->next->next) {
			diag_error(pp->loc, "probe point '%s': only .return may follow", probe_point_text(pp));
			return 1;
		}
		ret = 1;
	}
	if (probe_env.user_runtime) {
		diag_error(pp->loc, "probe point '%s' needs the kernel runtime", probe_point_text(pp));
		return 1;
	}
	load_table();
	int found = 0;
	for (int i = 0; i < ntable; i++) {
		if (fnmatch(c->arg->str, table[i].name, 0))
			continue;
		struct site *s = site_add(p, pp, ret ? "TAP_PROBE_SYSCALL_RETURN" : "TAP_PROBE_SYSCALL", tail);
		s->symbol = table[i].name;
		s->nr = table[i].nr;
		found++;
	}
	if (!found && !pp->optional)
		diag_error(pp->loc, "probe point '%s': no system call '%s' in this kernel", probe_point_text(pp),
			   c->arg->str);
	return 1;
}

int syscall_names(const char ***names)
{
	load_table();
	*names = xcalloc((size_t)ntable + 1, sizeof **names);
	for (int i = 0; i < ntable; i++)
		(*names)[i] = table[i].name;
	return ntable;
}

const char *syscall_name_of(int nr)
{
	load_table();
	for (int i = 0; i < ntable; i++)
		if (table[i].nr == nr)
			return table[i].name;
	return NULL;
}
