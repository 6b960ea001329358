/* process("PATH").function(...)[.return] and .mark(...): a uprobe consumer per probe
   point, on the inode of the file tapc resolved (the target sees the same paths), at the
   file offset tapc found. SDT markers with a semaphore use the kernel's reference
   counter, so the program sees its semaphore raised while the probe is armed.

   uprobe handlers run in the probed task, on its way back to user space: the handler
   runs the probe as a kprobe does (tap_event_hit), with the task's user registers. */
#include <linux/uprobes.h>
#include <linux/namei.h>

struct tap_uprobe {
	struct uprobe_consumer uc;
	const struct tap_probe *p;
	struct inode *inode;
	int lookup_error;       /* why the file was not found at load */
	int registered;
};

static struct tap_uprobe *uprobes;
static int nuprobes;

static int is_uprobe(const struct tap_probe *p)
{
	return p->kind == TAP_PROBE_UPROBE || p->kind == TAP_PROBE_URETPROBE;
}

static int uprobe_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	tap_event_hit(container_of(uc, struct tap_uprobe, uc)->p, regs);
	return 0;
}

static int uretprobe_hit(struct uprobe_consumer *uc, unsigned long func, struct pt_regs *regs)
{
	tap_event_hit(container_of(uc, struct tap_uprobe, uc)->p, regs);
	return 0;
}

/* At module load, in the loading process: its root is the one the paths are meant
   for (a chroot's), which the session's kernel worker does not share. */
static int uprobes_lookup(void)
{
	int n = 0;
	for (int i = 0; i < tap_nprobes; i++)
		n += is_uprobe(&tap_probes[i]);
	if (!n)
		return 0;
	uprobes = kcalloc(n, sizeof *uprobes, GFP_KERNEL);
	if (!uprobes)
		return -ENOMEM;
	for (int i = 0; i < tap_nprobes; i++) {
		struct tap_uprobe *u = &uprobes[nuprobes];
		struct path path;
		if (!is_uprobe(&tap_probes[i]))
			continue;
		nuprobes++;
		u->p = &tap_probes[i];
		u->lookup_error = kern_path(u->p->path, LOOKUP_FOLLOW, &path);
		if (u->lookup_error)
			continue;
		u->inode = igrab(d_inode(path.dentry));
		path_put(&path);
		if (!u->inode)
			u->lookup_error = -ENOENT;
	}
	return 0;
}

static int uprobe_error(const struct tap_probe *p, const char *why, int err)
{
	char msg[512];
	int len = scnprintf(msg, sizeof msg, "ERROR: cannot probe %s: %s (error %d)\n", p->pp, why, err);
	ring_put(TAP_REC_ERR, msg, len, 1);
	return err ? err : -EINVAL;
}

/* Arms one point; a point that cannot be armed is an error unless it was optional. */
static int uprobe_arm(struct tap_uprobe *u)
{
	const struct tap_probe *p = u->p;
	int rc;
	if (!u->inode)
		return p->optional ? 0 : uprobe_error(p, "the file cannot be found", u->lookup_error);
	if (p->kind == TAP_PROBE_URETPROBE)
		u->uc.ret_handler = uretprobe_hit;
	else
		u->uc.handler = uprobe_hit;
	rc = uprobe_register_refctr(u->inode, p->offset, p->refctr, &u->uc);
	if (rc)
		return p->optional ? 0 : uprobe_error(p, "uprobe_register failed", rc);
	u->registered = 1;
	return 0;
}

/* uprobe_unregister returns once no handler of the consumer runs any more. */
static void uprobes_unregister(void)
{
	for (int i = 0; i < nuprobes; i++) {
		struct tap_uprobe *u = &uprobes[i];
		if (u->registered)
			uprobe_unregister(u->inode, u->p->offset, &u->uc);
		u->registered = 0;
	}
}

static int uprobes_register(void)
{
	int rc = 0;
	for (int i = 0; i < nuprobes && !rc; i++)
		rc = uprobe_arm(&uprobes[i]);
	return rc;
}

static void uprobes_free(void)
{
	uprobes_unregister();
	for (int i = 0; i < nuprobes; i++)
		if (uprobes[i].inode)
			iput(uprobes[i].inode);
	kfree(uprobes);
	uprobes = NULL;
	nuprobes = 0;
}
