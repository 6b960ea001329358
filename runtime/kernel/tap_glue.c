/* Kernel module glue: the transport to tapio (/proc/tapc-NAME/{data,ctl}), probe
   contexts, and the session's begin/end work. It knows the script only through
   script.h (included by tap_runtime.h). */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/timer.h>
#include <linux/spinlock.h>
#include "transport_proto.h"
#include "session.c"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tapc script");

static unsigned int bufsize_kb = 1024;
module_param(bufsize_kb, uint, 0444);
MODULE_PARM_DESC(bufsize_kb, "output buffer size in KiB");
static int target;
module_param(target, int, 0444);
MODULE_PARM_DESC(target, "pid returned by target()");
static long tz_gmtoff;
module_param(tz_gmtoff, long, 0444);
MODULE_PARM_DESC(tz_gmtoff, "local time zone: seconds west of UTC, for tz_gmtoff()");
static char *tz_name = "";
module_param(tz_name, charp, 0444);
MODULE_PARM_DESC(tz_name, "local time zone name, for tz_name()");

/* ---- output ring: one writer at a time under the lock, one reader (tapio) ---- */

static char *ring;
static size_t ring_size;
static u64 ring_head, ring_tail;        /* free-running byte counters */
static DEFINE_SPINLOCK(ring_lock);
static DECLARE_WAIT_QUEUE_HEAD(ring_readq);
static DECLARE_WAIT_QUEUE_HEAD(ring_writeq);
static atomic64_t lost_lines = ATOMIC64_INIT(0);
static int exit_requested, exit_reported, session_done, done_reported;
static int abandoned;                   /* tapio went away without stopping the session */
static int session_started, started_reported;
static struct timer_list wake_timer;

static size_t ring_used(void)
{
	return (size_t)(READ_ONCE(ring_head) - READ_ONCE(ring_tail));
}

static void ring_copy_in(u64 at, const void *src, size_t len)
{
	size_t off = (size_t)(at % ring_size);
	size_t first = min(len, ring_size - off);
	memcpy(ring + off, src, first);
	memcpy(ring, (const char *)src + first, len - first);
}

/* Appends one record whole, or not at all. Process context may wait for room;
   probes in atomic context count a lost record instead. Probes never wake the
   reader themselves (they may run inside the scheduler): a timer does. */
static int ring_put(u32 type, const void *data, size_t len, int can_wait)
{
	struct tap_rec_hdr h;
	unsigned long flags;
	if (len > ring_size / 2)
		len = ring_size / 2;
	h.type = type;
	h.len = (u32)len;
	for (;;) {
		spin_lock_irqsave(&ring_lock, flags);
		if (ring_size - ring_used() >= sizeof h + len) {
			ring_copy_in(ring_head, &h, sizeof h);
			ring_copy_in(ring_head + sizeof h, data, len);
			smp_wmb();
			WRITE_ONCE(ring_head, ring_head + sizeof h + len);
			spin_unlock_irqrestore(&ring_lock, flags);
			if (can_wait)
				wake_up_interruptible(&ring_readq);
			return 0;
		}
		spin_unlock_irqrestore(&ring_lock, flags);
		if (!can_wait || READ_ONCE(abandoned)) {
			/* Dropped output is counted in lines, the unit users see. */
			long lines = 0;
			for (size_t i = 0; i < len; i++)
				lines += ((const char *)data)[i] == '\n';
			atomic64_add(lines ? lines : 1, &lost_lines);
			return -ENOSPC;
		}
		wake_up_interruptible(&ring_readq);
		if (wait_event_interruptible(ring_writeq,
					     ring_size - ring_used() >= sizeof h + len || READ_ONCE(abandoned)))
			return -EINTR;
	}
}

static void wake_timer_fn(struct timer_list *t)
{
	if (ring_used() || READ_ONCE(exit_requested))
		wake_up_interruptible(&ring_readq);
	mod_timer(&wake_timer, jiffies + max(1, HZ / 50));
}

void tap_output_flush(struct tap_ctx *c)
{
	if (c->olen)
		ring_put(TAP_REC_OUT, c->obuf, c->olen, c->can_wait);
	c->olen = 0;
}

/* In the stream, after what this context printed so far, so the display keeps its
   place among the other globals'. */
int tap_output_aggprint(struct tap_ctx *c, int id)
{
	u32 v = (u32)id;
	tap_output_flush(c);
	return ring_put(TAP_REC_AGGPRINT, &v, sizeof v, c->can_wait) == 0;
}

static void tap_output_err(struct tap_ctx *c, const char *text, size_t len)
{
	ring_put(TAP_REC_ERR, text, len, c->can_wait);
}

/* The records below follow what the probe printed so far, so tapio acts on them in
   the order the script asked. */
void tap_fn_system(struct tap_ctx *c, const char *cmd)
{
	tap_output_flush(c);
	ring_put(TAP_REC_SYSTEM, cmd, strnlen(cmd, MAXSTRINGLEN), c->can_wait);
}

void tap_fn_switch_file(struct tap_ctx *c)
{
	tap_output_flush(c);
	ring_put(TAP_REC_SWITCHFILE, "", 0, c->can_wait);
}

void tap_request_exit(void)
{
	WRITE_ONCE(exit_requested, 1);
}

/* ---- platform services for the portable runtime ---- */

/* While the module loads we may sleep and use vmalloc for big tables; probes may not. */
static int tap_loading = 1;

void *tap_alloc(size_t size)
{
	if (tap_loading)
		return kvmalloc(size, GFP_KERNEL);
	return kmalloc(size, GFP_ATOMIC | __GFP_NOWARN);
}

void tap_free(void *p)
{
	kvfree(p);
}

/* tap_cpu_id is inline, in agg.h. */

/* ---- contexts ---- */

/* begin/end/error probes run one at a time from the session work item. */
static struct tap_ctx *proc_ctx;

static struct tap_ctx *ctx_alloc(void)
{
	struct tap_ctx *c = vzalloc(sizeof *c);
	if (!c)
		return NULL;
	c->frames = vzalloc((MAXNESTING + 1) * tap_frame_size());
	if (!c->frames) {
		vfree(c);
		return NULL;
	}
	return c;
}

static void ctx_free(struct tap_ctx *c)
{
	if (c) {
		vfree(c->frames);
		vfree(c);
	}
}

#include "context_fns.c"
#include "task_fns.c"
#include "irq_fns.c"
#include "proc_fns.c"
#include "dentry_fns.c"
#include "backtrace_fns.c"
#include "ubacktrace_fns.c"
#include "probe_entry.c"
#include "probe_timer.c"
#include "probe_kprobe.c"
#include "probe_syscall.c"
#include "probe_tracepoint.c"
#include "probe_input.c"
#include "probe_netfilter.c"
#include "probe_procfs.c"
#include "probe_uprobe.c"
#include "regs_fns.c"
#include "netfilter_fns.c"
#include "snapshot.c"

/* ---- session work: begin on "start", end on "stop" ---- */

static struct workqueue_struct *session_wq;
static int events_registered;

/* Event probes are armed after the begin probes and disarmed before the end probes,
   so begin and end never race with them. */
static void events_unregister(void)
{
	if (!events_registered)
		return;
	atomic_set(&events_armed, 0);
	kprobes_unregister();
	syscalls_unregister();
	tracepoints_unregister();
	netfilter_unregister();
	procfs_unregister();
	uprobes_unregister();
	timers_unregister();
	events_registered = 0;
}

static void begin_work_fn(struct work_struct *w)
{
	tap_session_begin(proc_ctx);
	if (tap_get_state() != TAP_RUNNING)
		goto started;
	events_registered = 1;
	if (timers_register() || kprobes_register() || syscalls_register() || tracepoints_register() ||
	    netfilter_register() || procfs_register() ||
	    uprobes_register()) {
		events_unregister();
		tap_set_state(TAP_ERRORED);
		tap_errors++;
		tap_request_exit();
		goto started;
	}
	atomic_set(&events_armed, 1);
started:
	/* tapio starts a -c command only now, so that its first events are seen. */
	WRITE_ONCE(session_started, 1);
	wake_up_interruptible(&ring_readq);
}

static void end_work_fn(struct work_struct *w)
{
	events_unregister();
	tap_session_end(proc_ctx);
	WRITE_ONCE(session_done, 1);
	wake_up_interruptible(&ring_readq);
}

static DECLARE_WORK(begin_work, begin_work_fn);
static DECLARE_WORK(end_work, end_work_fn);
static int started, stopped;

/* ---- /proc/tapc-NAME/ctl ---- */

static ssize_t ctl_write(struct file *file, const char __user *ubuf, size_t count, loff_t *pos)
{
	char cmd[16];
	size_t n = min(count, sizeof cmd - 1);
	if (copy_from_user(cmd, ubuf, n))
		return -EFAULT;
	cmd[n] = '\0';
	strim(cmd);
	if (!strcmp(cmd, TAP_CTL_START)) {
		if (!xchg(&started, 1))
			queue_work(session_wq, &begin_work);
	} else if (!strcmp(cmd, TAP_CTL_STOP)) {
		if (!xchg(&stopped, 1))
			queue_work(session_wq, &end_work);
	} else {
		return -EINVAL;
	}
	return count;
}

static const struct proc_ops ctl_ops = {
	.proc_write = ctl_write,
	.proc_lseek = noop_llseek,
};

/* ---- /proc/tapc-NAME/data ---- */

static int data_ready(void)
{
	return ring_used() || (READ_ONCE(exit_requested) && !exit_reported) ||
	       (READ_ONCE(session_started) && !started_reported) ||
	       (READ_ONCE(session_done) && !done_reported);
}

/* A control record made up by the reader once the ring has drained. */
static ssize_t put_control(char __user *ubuf, size_t count, u32 type, const void *payload, u32 len)
{
	struct tap_rec_hdr h = { type, len };
	if (count < sizeof h + len)
		return -EINVAL;
	if (copy_to_user(ubuf, &h, sizeof h) || copy_to_user(ubuf + sizeof h, payload, len))
		return -EFAULT;
	return sizeof h + len;
}

static ssize_t data_read(struct file *file, char __user *ubuf, size_t count, loff_t *pos)
{
	size_t used, off, first, n;
	unsigned long flags;
	if (!(file->f_flags & O_NONBLOCK)) {
		if (wait_event_interruptible(ring_readq, data_ready()))
			return -ERESTARTSYS;
	}
	used = ring_used();
	if (used) {
		smp_rmb();
		n = min(used, count);
		off = (size_t)(ring_tail % ring_size);
		first = min(n, ring_size - off);
		if (copy_to_user(ubuf, ring + off, first) ||
		    copy_to_user(ubuf + first, ring, n - first))
			return -EFAULT;
		spin_lock_irqsave(&ring_lock, flags);
		WRITE_ONCE(ring_tail, ring_tail + n);
		spin_unlock_irqrestore(&ring_lock, flags);
		wake_up_interruptible(&ring_writeq);
		return n;
	}
	if (READ_ONCE(session_done)) {
		struct tap_rec_done d;
		if (done_reported)
			return 0;
		d.errors = tap_errors;
		d.lost_lines = atomic64_read(&lost_lines);
		d.skipped = atomic64_read(&skipped_probes);
		done_reported = 1;
		return put_control(ubuf, count, TAP_REC_DONE, &d, sizeof d);
	}
	if (READ_ONCE(session_started) && !started_reported) {
		u32 flags = tap_has_input_probes() ? TAP_STARTED_INPUT : 0;
		started_reported = 1;
		return put_control(ubuf, count, TAP_REC_STARTED, &flags, sizeof flags);
	}
	if (READ_ONCE(exit_requested) && !exit_reported) {
		exit_reported = 1;
		return put_control(ubuf, count, TAP_REC_EXIT, NULL, 0);
	}
	return -EAGAIN;
}

static __poll_t data_poll(struct file *file, poll_table *wait)
{
	poll_wait(file, &ring_readq, wait);
	return data_ready() ? EPOLLIN | EPOLLRDNORM : 0;
}

/* tapio closed the stream (or died) before the session ended: stop the event probes
   and unblock any writer, so that the module can be removed. */
static void abandon_work_fn(struct work_struct *w)
{
	events_unregister();
}
static DECLARE_WORK(abandon_work, abandon_work_fn);

static int data_release(struct inode *inode, struct file *file)
{
	if (!READ_ONCE(session_done)) {
		WRITE_ONCE(abandoned, 1);
		atomic_set(&events_armed, 0);
		wake_up_interruptible(&ring_writeq);
		queue_work(session_wq, &abandon_work);
	}
	return 0;
}

static const struct proc_ops data_ops = {
	.proc_release = data_release,
	.proc_read = data_read,
	.proc_poll = data_poll,
	.proc_lseek = noop_llseek,
};

/* ---- module life ---- */

static struct proc_dir_entry *proc_dir;

static int globals_ready;

static void tap_cleanup(void)
{
	loader_release();
	if (session_wq)
		flush_workqueue(session_wq);
	events_unregister();
	kprobes_unregister();   /* pattern matches offered for a session never started */
	kprobes_free();
	uprobes_free();
	ubt_cleanup();
	free_cpu_contexts();
	if (globals_ready)
		tap_globals_free();
	if (proc_dir)
		proc_remove(proc_dir);
	if (session_wq)
		destroy_workqueue(session_wq);
	del_timer_sync(&wake_timer);
	ctx_free(proc_ctx);
	vfree(ring);
}

static int __init tap_init(void)
{
	char proc_name[MODULE_NAME_LEN + 8];
	loader_capture();
	ring_size = (size_t)bufsize_kb * 1024;
	if (ring_size < 4096)
		ring_size = 4096;
	ring = vmalloc(ring_size);
	proc_ctx = ctx_alloc();
	ubt_init();
	/* This object may be shared by every module (kbuild_prebuilt.c), so the module's
	   name comes from the module, not from KBUILD_MODNAME. */
	session_wq = alloc_ordered_workqueue("tapc_%s", 0, THIS_MODULE->name);
	timer_setup(&wake_timer, wake_timer_fn, 0);
	if (!ring || !proc_ctx || !session_wq || alloc_cpu_contexts() || kprobes_alloc() || uprobes_lookup())
		goto fail;
	if (tap_globals_init(nr_cpu_ids)) {
		tap_globals_free();
		goto fail;
	}
	globals_ready = 1;
	tap_loading = 0;
	proc_ctx->can_wait = 1;
	snprintf(proc_name, sizeof proc_name, "tapc-%s", THIS_MODULE->name);
	proc_dir = proc_mkdir(proc_name, NULL);
	if (!proc_dir)
		goto fail;
	if (!proc_create("data", 0400, proc_dir, &data_ops) ||
	    !proc_create("ctl", 0200, proc_dir, &ctl_ops) ||
	    !proc_create("dict", 0400, proc_dir, &dict_ops) ||
	    !proc_create("aggs", 0400, proc_dir, &aggs_ops) ||
	    !proc_create("kprobes", 0600, proc_dir, &kprobes_ops) ||
	    !proc_create("input", 0200, proc_dir, &input_ops))
		goto fail;
	mod_timer(&wake_timer, jiffies + 1);
	return 0;
fail:
	tap_cleanup();
	return -ENOMEM;
}

static void __exit tap_exit(void)
{
	tap_cleanup();
}

module_init(tap_init);
module_exit(tap_exit);
