/* kernel.syscall probes on the raw_syscalls tracepoints: one handler each for entry
   and exit, dispatching by system call number to the probes that asked for it. */
#include <linux/tracepoint.h>
#include <asm/syscall.h>

#define TAP_MAX_SYSCALL 1024

struct tap_sys_site {
	const struct tap_probe *p;
	struct tap_sys_site *next;
};

static struct tap_sys_site *sys_sites;
static struct tap_sys_site **sys_enter_by_nr, **sys_exit_by_nr;
static struct tracepoint *tp_sys_enter, *tp_sys_exit;

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_enter"))
		tp_sys_enter = tp;
	else if (!strcmp(tp->name, "sys_exit"))
		tp_sys_exit = tp;
}

static void sys_enter_hit(void *data, struct pt_regs *regs, long id)
{
	if (id < 0 || id >= TAP_MAX_SYSCALL)
		return;
	for (struct tap_sys_site *s = sys_enter_by_nr[id]; s; s = s->next)
		tap_event_hit(s->p, regs);
}

static void sys_exit_hit(void *data, struct pt_regs *regs, long ret)
{
	long id = syscall_get_nr(current, regs);
	if (id < 0 || id >= TAP_MAX_SYSCALL)
		return;
	for (struct tap_sys_site *s = sys_exit_by_nr[id]; s; s = s->next) {
		struct tap_ctx *c = cpu_ctx[raw_smp_processor_id()];
		/* The value reaches the handler through the context; a nested hit is skipped
		   by tap_event_hit before it could see a stale one. */
		if (!c->busy)
			c->retval = ret;
		tap_event_hit(s->p, regs);
	}
}

static void syscalls_unregister(void);

static int syscalls_register(void)
{
	int n = 0, rc = 0, want_enter = 0, want_exit = 0;
	for (int i = 0; i < tap_nprobes; i++)
		n += tap_probes[i].kind == TAP_PROBE_SYSCALL || tap_probes[i].kind == TAP_PROBE_SYSCALL_RETURN;
	if (!n)
		return 0;
	sys_sites = kcalloc(n, sizeof *sys_sites, GFP_KERNEL);
	sys_enter_by_nr = kcalloc(TAP_MAX_SYSCALL, sizeof *sys_enter_by_nr, GFP_KERNEL);
	sys_exit_by_nr = kcalloc(TAP_MAX_SYSCALL, sizeof *sys_exit_by_nr, GFP_KERNEL);
	if (!sys_sites || !sys_enter_by_nr || !sys_exit_by_nr)
		return -ENOMEM;
	n = 0;
	for (int i = 0; i < tap_nprobes; i++) {
		const struct tap_probe *p = &tap_probes[i];
		struct tap_sys_site **list;
		if (p->kind != TAP_PROBE_SYSCALL && p->kind != TAP_PROBE_SYSCALL_RETURN)
			continue;
		if (p->nr < 0 || p->nr >= TAP_MAX_SYSCALL)
			continue;
		list = p->kind == TAP_PROBE_SYSCALL ? &sys_enter_by_nr[p->nr] : &sys_exit_by_nr[p->nr];
		want_enter |= p->kind == TAP_PROBE_SYSCALL;
		want_exit |= p->kind == TAP_PROBE_SYSCALL_RETURN;
		/* Keep the script's order among probes of one call. */
		while (*list)
			list = &(*list)->next;
		sys_sites[n].p = p;
		*list = &sys_sites[n++];
	}
	for_each_kernel_tracepoint(find_tracepoint, NULL);
	if ((want_enter && !tp_sys_enter) || (want_exit && !tp_sys_exit)) {
		static const char msg[] = "ERROR: the raw_syscalls tracepoints are missing from this kernel\n";
		ring_put(TAP_REC_ERR, msg, sizeof msg - 1, 1);
		return -ENOENT;
	}
	if (want_enter)
		rc = tracepoint_probe_register(tp_sys_enter, (void *)sys_enter_hit, NULL);
	if (!rc && want_exit) {
		rc = tracepoint_probe_register(tp_sys_exit, (void *)sys_exit_hit, NULL);
		if (rc && want_enter)
			tracepoint_probe_unregister(tp_sys_enter, (void *)sys_enter_hit, NULL);
	}
	if (rc) {
		tp_sys_enter = tp_sys_exit = NULL;
		return rc;
	}
	if (!want_enter)
		tp_sys_enter = NULL;
	if (!want_exit)
		tp_sys_exit = NULL;
	return 0;
}

static void syscalls_unregister(void)
{
	if (tp_sys_enter)
		tracepoint_probe_unregister(tp_sys_enter, (void *)sys_enter_hit, NULL);
	if (tp_sys_exit)
		tracepoint_probe_unregister(tp_sys_exit, (void *)sys_exit_hit, NULL);
	if (tp_sys_enter || tp_sys_exit)
		tracepoint_synchronize_unregister();
	tp_sys_enter = tp_sys_exit = NULL;
	kfree(sys_sites);
	kfree(sys_enter_by_nr);
	kfree(sys_exit_by_nr);
	sys_sites = NULL;
	sys_enter_by_nr = sys_exit_by_nr = NULL;
}
