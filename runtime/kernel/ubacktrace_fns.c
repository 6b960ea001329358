/* User-space backtraces and symbol data: ubacktrace(), sprint_ubacktrace(),
   print_ubacktrace(), usymdata(), ustack().

   tapc reads no user symbol tables or unwind data (SystemTap's -d/--ldd), so it
   shows user addresses as SystemTap 4.8 does without them: in hex, with the file
   mapped there and the offset into it ("0x7f..ad7 [libc.so.6+0xd4ad7]"). The stack
   is the innermost user PC (timer.profile's registers when it interrupted user
   code, else those the task entered the kernel with), then what frame pointers
   give: each frame's saved %rbp and return address, read without faulting, while
   they point up the stack into executable mappings (at most MAXBACKTRACE). Code
   built without frame pointers (most of libc) ends the walk early or hides a
   caller; SystemTap without unwind data shows the innermost PC only. Frames found
   by the walk are marked " (inexact)". */
#include <linux/irq_work.h>
#include <linux/mm.h>
#include <linux/dcache.h>
#include <linux/fs_struct.h>
#include <linux/mmap_lock.h>

/* Finding the mapping needs current's mmap lock. Probes may run with interrupts off
   inside the scheduler, where releasing a lock that wakes a waiter could deadlock:
   there the release is left to an irq_work that runs once interrupts are on again.
   Until it has run, later lookups on this CPU use the lock it still holds. */
static DEFINE_PER_CPU(struct irq_work, ubt_unlock_work);
static DEFINE_PER_CPU(struct mm_struct *, ubt_unlock_mm);

static void ubt_unlock_fn(struct irq_work *w)
{
	mmap_read_unlock(this_cpu_read(ubt_unlock_mm));
}

/* current's mm, read-locked, or NULL. */
static struct mm_struct *ubt_lock(void)
{
	struct mm_struct *mm = current->mm;
	struct irq_work *w = this_cpu_ptr(&ubt_unlock_work);
	if (!mm || (current->flags & PF_KTHREAD) || in_nmi())
		return NULL;
	if (irqs_disabled() && irq_work_is_busy(w))
		return irq_work_is_pending(w) && this_cpu_read(ubt_unlock_mm) == mm ? mm : NULL;
	return mmap_read_trylock(mm) ? mm : NULL;
}

static void ubt_unlock(struct mm_struct *mm)
{
	struct irq_work *w = this_cpu_ptr(&ubt_unlock_work);
	if (!mm)
		return;
	if (!irqs_disabled()) {
		mmap_read_unlock(mm);
		return;
	}
	if (irq_work_is_pending(w))
		return; /* the lock was the one the pending release holds */
	this_cpu_write(ubt_unlock_mm, mm);
	irq_work_queue(w);
}

static void ubt_init(void)
{
	int cpu;
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(&ubt_unlock_work, cpu) = IRQ_WORK_INIT_HARD(ubt_unlock_fn);
}

/* Module unload: no unlock may still be waiting to run this module's code. */
static void ubt_cleanup(void)
{
	int cpu;
	for_each_possible_cpu(cpu)
		irq_work_sync(per_cpu_ptr(&ubt_unlock_work, cpu));
}

/* The file mapped at an address: where its first mapping starts and its mappings
   (text, data) end, as SystemTap counts a module's offset and size. */
struct ubt_module {
	struct file *file;
	unsigned long base, end;
};

static int ubt_module_at(struct mm_struct *mm, unsigned long addr, struct ubt_module *m, int exec)
{
	struct vm_area_struct *vma, *next;
	int i;
	if (!mm)
		return 0;
	vma = find_vma(mm, addr);
	if (!vma || addr < vma->vm_start || !vma->vm_file || (exec && !(vma->vm_flags & VM_EXEC)))
		return 0;
	m->file = vma->vm_file;
	m->base = vma->vm_start - (vma->vm_pgoff << PAGE_SHIFT);
	m->end = vma->vm_end;
	for (i = 0; i < 16; i++) {
		next = find_vma(mm, m->end);
		if (!next || next->vm_start != m->end || !next->vm_file ||
		    file_inode(next->vm_file) != file_inode(m->file))
			break;
		m->end = next->vm_end;
	}
	return 1;
}

/* Prepends a dentry name to the path ending at *p (reading it as d_path does:
   names may change under us, so stop at a NUL). */
static int ubt_prepend(char **p, char *buf, const struct dentry *d)
{
	const char *name = READ_ONCE(d->d_name.name);
	u32 i, n = READ_ONCE(d->d_name.len);
	if (n > NAME_MAX || (size_t)(*p - buf) < n + 1)
		return 0;
	for (i = 0; i < n && name[i]; i++)
		;
	*p -= i;
	memcpy(*p, name, i);
	*--*p = '/';
	return 1;
}

/* The module's path as the task sees it, or just its name when it lives on another
   mount than the task's root (the mount point is not visible from here without
   locks) or the path does not fit. Never sleeps or spins on a lock. */
static void ubt_module_path(const struct ubt_module *m, char *buf, size_t len, int full)
{
	const struct dentry *d = m->file->f_path.dentry, *root = NULL;
	struct fs_struct *fs = current->fs;
	char *p = buf + len;
	unsigned seq;
	int depth = 0, ok;
	*--p = '\0';
	if (full && fs && READ_ONCE(fs->root.mnt) == m->file->f_path.mnt)
		root = READ_ONCE(fs->root.dentry);
	rcu_read_lock();
	seq = raw_read_seqcount(&rename_lock.seqcount);
	if (root && !(seq & 1)) {
		ok = 1;
		while (ok && d != root && !IS_ROOT(d) && depth++ < 64) {
			ok = ubt_prepend(&p, buf, d);
			d = READ_ONCE(d->d_parent);
		}
		if (ok && (d == root || IS_ROOT(d)) && !read_seqcount_retry(&rename_lock.seqcount, seq)) {
			rcu_read_unlock();
			memmove(buf, p, strlen(p) + 1);
			return;
		}
	}
	/* the bare name, without its '/' */
	p = buf + len - 1;
	ok = ubt_prepend(&p, buf, m->file->f_path.dentry);
	rcu_read_unlock();
	if (ok)
		memmove(buf, p + 1, strlen(p + 1) + 1);
	else
		buf[0] = '\0';
}

/* The user registers of the task: timer.profile's when it interrupted user code,
   else those saved when it entered the kernel; NULL for a kernel thread. */
static struct pt_regs *ubt_regs(struct tap_ctx *c)
{
	const struct tap_probe *p = c->probe;
	if (p && p->kind == TAP_PROBE_PROFILE && c->regs && user_mode((struct pt_regs *)c->regs))
		return c->regs;
	if (!current->mm || (current->flags & PF_KTHREAD))
		return NULL;
	return task_pt_regs(current);
}

/* Fills pc[] with at most max user addresses, innermost first. */
static int ubt_frames(struct tap_ctx *c, struct mm_struct *mm, unsigned long *pc, int max)
{
	struct pt_regs *regs = ubt_regs(c);
	unsigned long fp, frame[2]; /* saved %rbp, return address */
	struct ubt_module m;
	int n = 0;
	if (!regs || max <= 0)
		return 0;
	pc[n++] = instruction_pointer(regs);
	fp = regs->bp;
	/* Without the mapping there is no telling a return address from data. */
	while (mm && n < max) {
		if (!fp || (fp & 7) || fp >= TASK_SIZE_MAX - sizeof frame ||
		    copy_from_user_nofault(frame, (const void __user *)fp, sizeof frame))
			break;
		if (!frame[1] || !ubt_module_at(mm, frame[1], &m, 1))
			break;
		pc[n++] = frame[1];
		if (frame[0] <= fp || frame[0] - fp > (8UL << 20))
			break; /* frames go up the stack, and not by megabytes */
		fp = frame[0];
	}
	return n;
}

enum ubt_style { UBT_HEX, UBT_SIMPLE, UBT_FULL, UBT_DATA };

#define UBT_PATH_LEN 256
#define UBT_LINE_LEN (UBT_PATH_LEN + 96)

/* addr in SystemTap's layout for style, naming the file mapped there. */
static void ubt_line(struct mm_struct *mm, char *line, size_t len, unsigned long addr,
		     enum ubt_style style, int inexact)
{
	char path[UBT_PATH_LEN];
	struct ubt_module m;
	const char *ex = inexact ? " (inexact)" : "", *pre = style == UBT_FULL ? " " : "";
	const char *nl = style == UBT_DATA ? "" : "\n";
	if (style == UBT_HEX) {
		snprintf(line, len, "0x%lx ", addr);
		return;
	}
	if (style == UBT_DATA)
		ex = "";
	path[0] = '\0';
	if (ubt_module_at(mm, addr, &m, 0))
		ubt_module_path(&m, path, sizeof path, style != UBT_SIMPLE);
	if (!path[0])
		snprintf(line, len, "%s0x%lx%s%s", pre, addr, ex, nl);
	else if (style == UBT_SIMPLE)
		snprintf(line, len, "0x%lx [%s+0x%lx]%s\n", addr, path, addr - m.base, ex);
	else
		snprintf(line, len, "%s0x%lx [%s+0x%lx/0x%lx]%s%s", pre, addr, path, addr - m.base,
			 m.end - m.base, ex, nl);
}

static const char *ubt_user(struct tap_ctx *c, char *out, enum ubt_style style)
{
	unsigned long pc[MAXBACKTRACE];
	char line[UBT_LINE_LEN];
	size_t used = 0;
	struct mm_struct *mm = ubt_lock();
	int i, n = ubt_frames(c, mm, pc, MAXBACKTRACE);
	if (out)
		out[0] = '\0';
	for (i = 0; i < n; i++) {
		ubt_line(mm, line, sizeof line, pc[i], style, i > 0);
		if (out)
			bt_append(out, &used, line);
		else
			tap_print_mem(c, line, strlen(line));
	}
	ubt_unlock(mm);
	return out;
}

const char *tap_fn_ubacktrace(struct tap_ctx *c, char *out) { return ubt_user(c, out, UBT_HEX); }
const char *tap_fn_sprint_ubacktrace(struct tap_ctx *c, char *out) { return ubt_user(c, out, UBT_SIMPLE); }
void tap_fn_print_ubacktrace(struct tap_ctx *c) { ubt_user(c, NULL, UBT_FULL); }

/* usymdata(addr) into line: "0xADDR [/path/file+0xOFF/0xSIZE]", or the address. */
static void ubt_data(char *line, size_t len, unsigned long addr)
{
	struct mm_struct *mm = ubt_lock();
	ubt_line(mm, line, len, addr, UBT_DATA, 0);
	ubt_unlock(mm);
}

const char *tap_fn_usymdata(struct tap_ctx *c, char *out, int64_t addr)
{
	char line[UBT_LINE_LEN];
	ubt_data(line, sizeof line, (unsigned long)addr);
	return tap_strcpy(out, line);
}

/* ustack(n): the n-th address of ubacktrace(). */
int64_t tap_fn_ustack(struct tap_ctx *c, int64_t n)
{
	unsigned long pc[MAXBACKTRACE];
	struct mm_struct *mm;
	int got = 0;
	if (n >= 0 && n < MAXBACKTRACE) {
		mm = ubt_lock();
		got = ubt_frames(c, mm, pc, (int)n + 1);
		ubt_unlock(mm);
	}
	return tap_nth_frame(c, pc, got, n);
}

const char *tap_fn_ucallers(struct tap_ctx *c, char *out, int64_t n)
{
	unsigned long pc[MAXBACKTRACE];
	struct mm_struct *mm = ubt_lock();
	int got = ubt_frames(c, mm, pc, MAXBACKTRACE);
	ubt_unlock(mm);
	return tap_callers(c, out, pc, got, n);
}

/* For print_stack(s) and its kin (stack_syms.c). */
void tap_symdata_line(char *line, size_t len, uint64_t addr, int user)
{
	if (user)
		ubt_data(line, len, (unsigned long)addr);
	else
		bt_kernel_line(line, len, (unsigned long)addr, BT_DATA, 0);
}
