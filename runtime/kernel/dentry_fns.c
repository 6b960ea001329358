/* task_dentry_path(task, dentry, vfsmount): a dentry's path as the task sees it, walked
   up through the dentries' parents and the mounts' mountpoints like stap does: no lock
   is taken (a probe may fire inside the code holding rename_lock or mount_lock), every
   pointer is read without faulting and the walk is bounded, so a path being renamed
   meanwhile may come out stale, never crash. */
#include <linux/fs_struct.h>
#include <linux/mount.h>
#include <linux/dcache.h>
#include <linux/magic.h>
#include <linux/proc_ns.h>

/* The head of the kernel's private struct mount (fs/mount.h, unchanged since 3.3):
   a vfsmount is embedded in it after these fields. */
struct tap_mount {
	struct hlist_node mnt_hash;
	struct tap_mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
};

#define PATH_MAX_STEPS 4096

/* Reads *src into *dst; a fault is a script error (nonzero). */
#define KREAD(c, src, dst) kread(c, src, dst, sizeof *(dst))
static int kread(struct tap_ctx *c, const void *src, void *dst, size_t n)
{
	if (!copy_from_kernel_nofault(dst, src, n))
		return 0;
	fault(c, "kernel", (int64_t)(uintptr_t)src);
	return -1;
}

/* A dentry's name (d_name: len bytes, up to a NUL), into out of size n. */
static int dentry_name(struct tap_ctx *c, struct dentry *d, char *out, size_t n)
{
	struct qstr q;
	size_t len;
	if (KREAD(c, &d->d_name, &q))
		return -1;
	len = min_t(size_t, q.len, n - 1);
	if (copy_from_kernel_nofault(out, q.name, len)) {
		fault(c, "kernel", (int64_t)(uintptr_t)q.name);
		return -1;
	}
	out[len] = '\0';
	return 0;
}

/* Synthetic filesystems name their dentries themselves (d_op->d_dname); like stap,
   the common ones are spelled out here rather than calling d_dname in probe context. */
static const char *synthetic_name(struct tap_ctx *c, char *out, struct dentry *d, struct vfsmount *vfs)
{
	const struct dentry_operations *ops;
	char *(*dname)(struct dentry *, char *, int) = NULL;
	struct super_block *sb;
	struct inode *inode;
	unsigned long magic, ino = 0;
	char name[MAXSTRINGLEN];

	if (KREAD(c, &d->d_op, &ops) || !ops || KREAD(c, &ops->d_dname, &dname) || !dname)
		return NULL;
	if (KREAD(c, &vfs->mnt_sb, &sb) || KREAD(c, &sb->s_magic, &magic) || KREAD(c, &d->d_inode, &inode) ||
	    (inode && KREAD(c, &inode->i_ino, &ino)))
		return out;
	if (magic == SOCKFS_MAGIC)
		snprintf(out, MAXSTRINGLEN, "socket:[%lu]", ino);
	else if (magic == PIPEFS_MAGIC)
		snprintf(out, MAXSTRINGLEN, "pipe:[%lu]", ino);
	else if (magic == ANON_INODE_FS_MAGIC) {
		if (!dentry_name(c, d, name, sizeof name))
			snprintf(out, MAXSTRINGLEN, "ANON_INODE:%s", name);
	} else if (magic == NSFS_MAGIC) {
		const struct proc_ns_operations *nsops;
		const char *nsname;
		if (!KREAD(c, &d->d_fsdata, &nsops) && !KREAD(c, &nsops->name, &nsname) &&
		    (read_string(c, name, (int64_t)(uintptr_t)nsname, sizeof name, 0, NULL), !c->error))
			snprintf(out, MAXSTRINGLEN, "%s:[%lu]", name, ino);
	} else
		snprintf(out, MAXSTRINGLEN, "UNKNOWN:[%px]", d);
	return out;
}

/* Prepends d's name (and a '/' when something follows) before out[*pos]; the path
   is built from its end at the end of out. Full: 1 (the path keeps its tail). */
static int prepend_name(struct tap_ctx *c, char *out, int *pos, struct dentry *d)
{
	struct qstr q;
	int slash = *pos < MAXSTRINGLEN - 1;
	if (KREAD(c, &d->d_name, &q))
		return -1;
	if ((int)q.len + slash > *pos)
		return 1;
	*pos -= q.len + slash;
	if (copy_from_kernel_nofault(out + *pos, q.name, q.len)) {
		fault(c, "kernel", (int64_t)(uintptr_t)q.name);
		return -1;
	}
	if (slash)
		out[*pos + q.len] = '/';
	return 0;
}

const char *tap_fn_task_dentry_path(struct tap_ctx *c, char *out, int64_t task, int64_t dentry, int64_t vfsmnt)
{
	struct task_struct *t = (struct task_struct *)(uintptr_t)task;
	struct dentry *d = (struct dentry *)(uintptr_t)dentry, *parent, *root_d, *mnt_root;
	struct vfsmount *vfs = (struct vfsmount *)(uintptr_t)vfsmnt, *root_vfs;
	struct tap_mount *mnt, *mnt_parent;
	struct fs_struct *fs;
	int pos = MAXSTRINGLEN - 1, steps = 0, full = 0;

	out[pos] = '\0';
	if (KREAD(c, &d->d_parent, &parent) || KREAD(c, &vfs->mnt_root, &mnt_root))
		goto fail;
	if ((parent != d || d != mnt_root) && synthetic_name(c, out, d, vfs))
		return c->error ? tap_strcpy(out, "") : out;
	if (KREAD(c, &t->fs, &fs) || KREAD(c, &fs->root.dentry, &root_d) || KREAD(c, &fs->root.mnt, &root_vfs))
		goto fail;
	mnt = container_of(vfs, struct tap_mount, mnt);
	/* Up to the task's root, as the kernel's d_path() does (stap 4.8 tests
	   vfs == root_vfs here and so walks past a chroot's root up to the top of the
	   mount tree; without a chroot both give the same path). */
	while (d != root_d || vfs != root_vfs) {
		if (++steps > PATH_MAX_STEPS)
			return tap_strcpy(out, "<unknown>");
		if (KREAD(c, &d->d_parent, &parent) || KREAD(c, &vfs->mnt_root, &mnt_root))
			goto fail;
		if (d == mnt_root || d == parent) {
			if (d != mnt_root)
				return tap_strcpy(out, "<unknown>");
			if (KREAD(c, &mnt->mnt_parent, &mnt_parent))
				goto fail;
			if (mnt == mnt_parent)
				break;
			if (KREAD(c, &mnt->mnt_mountpoint, &d))
				goto fail;
			mnt = mnt_parent;
			vfs = &mnt->mnt;
			continue;
		}
		if (!full) {
			full = prepend_name(c, out, &pos, d);
			if (full < 0)
				goto fail;
		}
		d = parent;
	}
	if (pos > 0)
		out[--pos] = '/';
	memmove(out, out + pos, MAXSTRINGLEN - pos);
	return out;
fail:
	return tap_strcpy(out, "");
}
