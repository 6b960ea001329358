/* procfs("NAME").read/.write: files in /proc/systemtap/MODULE/. Reading a file runs its
   read probe once per open, at the first read, and returns the $value the probe set;
   each write(2) runs its write probe with $value the bytes written (NUL-terminated, up
   to the buffer's size; the rest comes in the next write). Included in tap_glue.c.

   /proc/systemtap is shared with SystemTap's own modules, and a proc directory cannot
   be shared safely (whoever made it removes everything under it), so a session whose
   script has procfs probes makes /proc/systemtap itself and fails cleanly when another
   session has it. */

#include <linux/namei.h>

#ifndef STP_PROCFS_BUFSIZE
#define STP_PROCFS_BUFSIZE MAXSTRINGLEN
#endif

struct tap_procfs_file {
	const char *name;
	const struct tap_probe *read, *write;
	size_t size;            /* the read buffer: maxsize or STP_PROCFS_BUFSIZE */
	umode_t mode;
};

/* What the running procfs probe's $value is: one at a time (procfs_lock). */
struct tap_procfs_buf {
	char *text;
	size_t len, size;
};

static struct tap_procfs_file *procfs_files;
static int nprocfs_files;
static struct proc_dir_entry *procfs_top, *procfs_dir;
static DEFINE_MUTEX(procfs_lock);
static struct tap_procfs_buf *procfs_current;

const char *tap_procfs_value(struct tap_ctx *c)
{
	return procfs_current ? procfs_current->text : "";
}

const char *tap_procfs_set(struct tap_ctx *c, const char *s, int append)
{
	struct tap_procfs_buf *b = procfs_current;
	size_t n;
	if (!b)
		return "";
	if (!append)
		b->len = 0;
	n = min(strlen(s), b->size - 1 - b->len);
	memmove(b->text + b->len, s, n);
	b->len += n;
	b->text[b->len] = '\0';
	return b->text;
}

/* Runs p with $value in b. */
static void procfs_run(const struct tap_probe *p, struct tap_procfs_buf *b)
{
	mutex_lock(&procfs_lock);
	procfs_current = b;
	tap_event_hit(p, NULL);
	procfs_current = NULL;
	mutex_unlock(&procfs_lock);
	wake_up_interruptible(&ring_readq);
}

static int procfs_open(struct inode *inode, struct file *file)
{
	file->private_data = NULL;
	return 0;
}

static ssize_t procfs_read(struct file *file, char __user *ubuf, size_t count, loff_t *pos)
{
	const struct tap_procfs_file *f = pde_data(file_inode(file));
	struct tap_procfs_buf *b = file->private_data;
	if (!f->read)
		return -EINVAL;
	if (!b) {
		b = kzalloc(sizeof *b + f->size, GFP_KERNEL);
		if (!b)
			return -ENOMEM;
		b->text = (char *)(b + 1);
		b->size = f->size;
		procfs_run(f->read, b);
		file->private_data = b;
	}
	return simple_read_from_buffer(ubuf, count, pos, b->text, b->len);
}

static ssize_t procfs_write(struct file *file, const char __user *ubuf, size_t count, loff_t *pos)
{
	const struct tap_procfs_file *f = pde_data(file_inode(file));
	struct tap_procfs_buf *b;
	size_t n;
	if (!f->write)
		return -EINVAL;
	n = min(count, (size_t)STP_PROCFS_BUFSIZE - 1);
	b = kzalloc(sizeof *b + n + 1, GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->text = (char *)(b + 1);
	b->size = n + 1;
	if (copy_from_user(b->text, ubuf, n)) {
		kfree(b);
		return -EFAULT;
	}
	b->len = n;
	procfs_run(f->write, b);
	kfree(b);
	return n;
}

static int procfs_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct proc_ops procfs_ops = {
	.proc_open = procfs_open,
	.proc_read = procfs_read,
	.proc_write = procfs_write,
	.proc_release = procfs_release,
	.proc_lseek = default_llseek,
};

static void procfs_unregister(void)
{
	/* proc_remove waits for the readers and writers inside the files */
	if (procfs_top)
		proc_remove(procfs_top);
	procfs_top = procfs_dir = NULL;
	kfree(procfs_files);
	procfs_files = NULL;
	nprocfs_files = 0;
}

static int procfs_fail(const char *what, int rc)
{
	char msg[256];
	int len = scnprintf(msg, sizeof msg, "ERROR: cannot create /proc/systemtap/%s: %s\n",
			    THIS_MODULE->name, what);
	ring_put(TAP_REC_ERR, msg, len, 1);
	procfs_unregister();
	return rc;
}

/* The file NAME's entry in procfs_files, made on first sight. */
static struct tap_procfs_file *procfs_file(const char *name)
{
	for (int i = 0; i < nprocfs_files; i++)
		if (!strcmp(procfs_files[i].name, name))
			return &procfs_files[i];
	procfs_files[nprocfs_files].name = name;
	procfs_files[nprocfs_files].size = STP_PROCFS_BUFSIZE;
	return &procfs_files[nprocfs_files++];
}

static int procfs_register(void)
{
	struct path path;
	int n = 0;
	for (int i = 0; i < tap_nprobes; i++)
		n += tap_probes[i].kind == TAP_PROBE_PROCFS_READ || tap_probes[i].kind == TAP_PROBE_PROCFS_WRITE;
	if (!n)
		return 0;
	procfs_files = kcalloc(n, sizeof *procfs_files, GFP_KERNEL);
	if (!procfs_files)
		return procfs_fail("out of memory", -ENOMEM);
	for (int i = 0; i < tap_nprobes; i++) {
		const struct tap_probe *p = &tap_probes[i];
		struct tap_procfs_file *f;
		umode_t umask;
		if (p->kind != TAP_PROBE_PROCFS_READ && p->kind != TAP_PROBE_PROCFS_WRITE)
			continue;
		f = procfs_file(p->symbol);
		if ((p->kind == TAP_PROBE_PROCFS_READ ? f->read : f->write))
			return procfs_fail("two probes read or write the same file", -EINVAL);
		/* as in SystemTap: 0400 to read, 0200 to write, 0600 for both, and a
		   .umask(U) gives what umask U leaves of 0666 */
		umask = p->nr >= 0 ? (umode_t)p->nr : 0066;
		if (p->kind == TAP_PROBE_PROCFS_READ) {
			f->read = p;
			f->mode |= 0444 & ~umask;
			if (p->period > 0)
				f->size = (size_t)p->period + 1;
		} else {
			f->write = p;
			f->mode |= 0222 & ~umask;
		}
	}
	if (!kern_path("/proc/systemtap", 0, &path)) {
		path_put(&path);
		return procfs_fail("/proc/systemtap belongs to another session", -EBUSY);
	}
	procfs_top = proc_mkdir("systemtap", NULL);
	if (procfs_top)
		procfs_dir = proc_mkdir(THIS_MODULE->name, procfs_top);
	if (!procfs_dir)
		return procfs_fail("proc_mkdir failed", -ENOMEM);
	for (int i = 0; i < nprocfs_files; i++)
		if (!proc_create_data(procfs_files[i].name, S_IFREG | procfs_files[i].mode, procfs_dir,
				      &procfs_ops, &procfs_files[i]))
			return procfs_fail(procfs_files[i].name, -ENOMEM);
	return 0;
}
