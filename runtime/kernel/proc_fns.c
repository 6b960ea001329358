/* Process-wide facts: who loaded the module (stp_pid, is_myproc, and the namespaces
   the ns_* functions number ids in, as stap numbers them in its loader's), the load
   average, a task's word size, and the module itself. */
#include <linux/sched/loadavg.h>
#include <linux/pid_namespace.h>
#include <linux/user_namespace.h>
#include <linux/fdtable.h>
#include <linux/delay.h>

/* The loader (tapio runs finit_module, so module init runs in it). */
static pid_t loader_tgid;
static kuid_t loader_uid;
static struct pid_namespace *loader_pid_ns;
static struct user_namespace *loader_user_ns;

static void loader_capture(void)
{
	loader_tgid = current->tgid;
	loader_uid = current_uid();
	loader_pid_ns = get_pid_ns(task_active_pid_ns(current));
	loader_user_ns = get_user_ns(current_user_ns());
}

static void loader_release(void)
{
	if (loader_pid_ns)
		put_pid_ns(loader_pid_ns);
	if (loader_user_ns)
		put_user_ns(loader_user_ns);
	loader_pid_ns = NULL;
	loader_user_ns = NULL;
}

int64_t tap_fn_stp_pid(struct tap_ctx *c) { return loader_tgid; }

int64_t tap_fn_is_myproc(struct tap_ctx *c)
{
	return uid_eq(current_euid(), loader_uid);
}

/* Is t a live task? Only those may be handed to the kernel's pid helpers (they follow
   pointers inside), so t is looked for on the task list, under RCU. */
static int task_is_live(struct task_struct *t)
{
	struct task_struct *g, *p;
	for_each_process_thread(g, p)
		if (p == t)
			return 1;
	return 0;
}

enum ns_id { NS_PID, NS_TID, NS_PGRP, NS_SID, NS_UID, NS_GID, NS_EUID, NS_EGID };

/* An id of task t numbered in the loader's namespaces; -1 if it has none there. */
static int64_t ns_id_of(struct task_struct *t, enum ns_id which)
{
	const struct cred *cred;
	int64_t id = -1;
	rcu_read_lock();
	if (!task_is_live(t) || !loader_pid_ns)
		goto out;
	switch (which) {
	case NS_PID: id = task_tgid_nr_ns(t, loader_pid_ns); break;
	case NS_TID: id = task_pid_nr_ns(t, loader_pid_ns); break;
	case NS_PGRP: id = task_pgrp_nr_ns(t, loader_pid_ns); break;
	case NS_SID: id = task_session_nr_ns(t, loader_pid_ns); break;
	default:
		cred = __task_cred(t);
		if (which == NS_UID)
			id = from_kuid(loader_user_ns, cred->uid);
		else if (which == NS_EUID)
			id = from_kuid(loader_user_ns, cred->euid);
		else if (which == NS_GID)
			id = from_kgid(loader_user_ns, cred->gid);
		else
			id = from_kgid(loader_user_ns, cred->egid);
		id = id == (uid_t)-1 ? -1 : id;
	}
out:
	rcu_read_unlock();
	return id;
}

int64_t tap_fn_ns_id(struct tap_ctx *c, int64_t task, int64_t which)
{
	struct task_struct *t = task ? (struct task_struct *)(uintptr_t)task : current;
	int64_t id;
	if (which == -1) { /* the parent of the current task */
		rcu_read_lock();
		t = rcu_dereference(current->parent);
		rcu_read_unlock();
		which = NS_PID;
	}
	id = ns_id_of(t, (enum ns_id)which);
	if (id < 0)
		tap_error(c, "cannot resolve id in namespace", NULL);
	return id < 0 ? 0 : id;
}

/* The 1, 5 and 15 minute load averages, rounded to hundredths as /proc/loadavg does. */
static unsigned long loadavg_rounded(int i) { return avenrun[i] + FIXED_1 / 200; }

int64_t tap_fn_get_loadavg_index(struct tap_ctx *c, int64_t i)
{
	if (i < 0 || i > 2) {
		snprintf(c->errbuf, sizeof c->errbuf, "Invalid loadavg index %lld specified.", (long long)i);
		tap_error(c, c->errbuf, NULL);
		return 0;
	}
	return LOAD_INT(loadavg_rounded(i));
}

const char *tap_fn_sprint_loadavg(struct tap_ctx *c, char *out)
{
	unsigned long a = loadavg_rounded(0), b = loadavg_rounded(1), d = loadavg_rounded(2);
	snprintf(out, MAXSTRINGLEN, "%lu.%02lu %lu.%02lu %lu.%02lu\n", LOAD_INT(a), LOAD_FRAC(a),
		 LOAD_INT(b), LOAD_FRAC(b), LOAD_INT(d), LOAD_FRAC(d));
	return out;
}

/* A 32-bit program probed in user mode (its mm was set up for ia32). */
int64_t tap_fn_probing_32bit_app(struct tap_ctx *c)
{
#ifdef CONFIG_IA32_EMULATION
	if (tap_fn_user_mode(c) && current->mm)
		return !!(current->mm->context.flags & MM_CONTEXT_UPROBE_IA32);
#endif
	return 0;
}

const char *tap_fn_module_name(struct tap_ctx *c, char *out) { return tap_strcpy(out, THIS_MODULE->name); }

/* printk(level, msg): msg as one line of the kernel log at that level (0 emergency
   .. 7 debug; another level is the kernel's default). */
void tap_fn_printk(struct tap_ctx *c, int64_t level, const char *msg)
{
	static const char *const fmts[] = {
		KERN_EMERG "%s\n", KERN_ALERT "%s\n", KERN_CRIT "%s\n", KERN_ERR "%s\n",
		KERN_WARNING "%s\n", KERN_NOTICE "%s\n", KERN_INFO "%s\n", KERN_DEBUG "%s\n",
	};
	printk(level >= 0 && level < 8 ? fmts[level] : KERN_DEFAULT "%s\n", msg);
}

/* A task's descriptor table (t->files->fdt), read without faulting; NULL if none. */
static struct fdtable *task_fdtable(struct tap_ctx *c, int64_t task)
{
	struct task_struct *t = (struct task_struct *)(uintptr_t)task;
	struct files_struct *files;
	struct fdtable *fdt = NULL;
	if (copy_from_kernel_nofault(&files, &t->files, sizeof files)) {
		fault(c, "task", task);
		return NULL;
	}
	if (files && copy_from_kernel_nofault(&fdt, &files->fdt, sizeof fdt)) {
		fault(c, "kernel", (int64_t)(uintptr_t)&files->fdt);
		return NULL;
	}
	return fdt;
}

/* How many descriptors the task may have open now (the table's size). */
int64_t tap_fn_task_max_file_handles(struct tap_ctx *c, int64_t task)
{
	struct fdtable *fdt;
	unsigned int max = 0;
	rcu_read_lock();
	fdt = task_fdtable(c, task);
	if (fdt && copy_from_kernel_nofault(&max, &fdt->max_fds, sizeof max))
		fault(c, "kernel", (int64_t)(uintptr_t)&fdt->max_fds);
	rcu_read_unlock();
	return max;
}

/* How many descriptors are open: the table's non-NULL entries, read a chunk at a time. */
int64_t tap_fn_task_open_file_handles(struct tap_ctx *c, int64_t task)
{
	struct fdtable *fdt;
	struct file **fds = NULL, *chunk[32];
	unsigned int max = 0, fd, i, n, count = 0;
	rcu_read_lock();
	fdt = task_fdtable(c, task);
	if (fdt && (copy_from_kernel_nofault(&max, &fdt->max_fds, sizeof max) ||
		    copy_from_kernel_nofault(&fds, &fdt->fd, sizeof fds)))
		fault(c, "kernel", (int64_t)(uintptr_t)fdt);
	for (fd = 0; fds && !c->error && fd < max; fd += n) {
		n = min_t(unsigned int, max - fd, ARRAY_SIZE(chunk));
		if (copy_from_kernel_nofault(chunk, fds + fd, n * sizeof chunk[0])) {
			fault(c, "kernel", (int64_t)(uintptr_t)(fds + fd));
			break;
		}
		for (i = 0; i < n; i++)
			count += chunk[i] != NULL;
	}
	rcu_read_unlock();
	return c->error ? 0 : count;
}

/* Busy waits, as the kernel's udelay/mdelay (probes cannot sleep). */
void tap_fn_udelay(struct tap_ctx *c, int64_t us) { if (us > 0) udelay(us); }
void tap_fn_mdelay(struct tap_ctx *c, int64_t ms) { if (ms > 0) mdelay(ms); }
