/* Task functions: fields of a task_struct named by address (task_current(), pid2task(),
   task_parent()), read without faulting as SystemTap's do; a bad address is a script
   error. The task's memory is not pinned: like SystemTap, a task exiting meanwhile
   may give stale values, never a kernel fault. */
#include <linux/sched/signal.h>
#include <linux/pid.h>

static struct task_struct *as_task(int64_t t) { return (struct task_struct *)(uintptr_t)t; }

/* Reads sizeof *dst bytes of a task's field; 0 on success. */
#define TASK_READ(c, t, field, dst) \
	task_read(c, t, &as_task(t)->field, dst, sizeof *(dst))

static int task_read(struct tap_ctx *c, int64_t t, const void *src, void *dst, size_t n)
{
	if (!copy_from_kernel_nofault(dst, src, n))
		return 0;
	fault(c, "task", t);
	return -1;
}

int64_t tap_fn_task_current(struct tap_ctx *c) { return (int64_t)(uintptr_t)current; }

int64_t tap_fn_task_pid(struct tap_ctx *c, int64_t t)
{
	pid_t v = 0;
	TASK_READ(c, t, tgid, &v);
	return v;
}

int64_t tap_fn_task_tid(struct tap_ctx *c, int64_t t)
{
	pid_t v = 0;
	TASK_READ(c, t, pid, &v);
	return v;
}

int64_t tap_fn_task_parent(struct tap_ctx *c, int64_t t)
{
	struct task_struct *p = NULL;
	TASK_READ(c, t, real_parent, &p);
	return (int64_t)(uintptr_t)p;
}

int64_t tap_fn_task_state(struct tap_ctx *c, int64_t t)
{
	unsigned int v = 0;
	TASK_READ(c, t, __state, &v);
	return v;
}

/* SystemTap's prio counts from the first normal priority (nice -20 is 0, nice 0 is 20). */
int64_t tap_fn_task_prio(struct tap_ctx *c, int64_t t)
{
	int v = 0;
	if (TASK_READ(c, t, prio, &v))
		return 0;
	return v - MAX_RT_PRIO;
}

int64_t tap_fn_task_nice(struct tap_ctx *c, int64_t t)
{
	int v = 0;
	if (TASK_READ(c, t, static_prio, &v))
		return 0;
	return PRIO_TO_NICE(v);
}

const char *tap_fn_task_execname(struct tap_ctx *c, char *out, int64_t t)
{
	char comm[TASK_COMM_LEN];
	if (TASK_READ(c, t, comm, &comm))
		return tap_strcpy(out, "");
	comm[TASK_COMM_LEN - 1] = '\0';
	return tap_strcpy(out, comm);
}

/* The ids of a task's credentials, as the current task's user namespace numbers them. */
enum cred_id { CRED_UID, CRED_GID, CRED_EUID, CRED_EGID };

static int64_t task_cred_id(struct tap_ctx *c, int64_t t, enum cred_id which)
{
	const struct cred *cred = NULL;
	kuid_t uid;
	kgid_t gid;
	if (TASK_READ(c, t, real_cred, &cred))
		return 0;
	switch (which) {
	case CRED_UID:
	case CRED_EUID:
		if (task_read(c, (int64_t)(uintptr_t)cred, which == CRED_UID ? &cred->uid : &cred->euid,
			      &uid, sizeof uid))
			return 0;
		return from_kuid_munged(current_user_ns(), uid);
	default:
		if (task_read(c, (int64_t)(uintptr_t)cred, which == CRED_GID ? &cred->gid : &cred->egid,
			      &gid, sizeof gid))
			return 0;
		return from_kgid_munged(current_user_ns(), gid);
	}
}

int64_t tap_fn_task_uid(struct tap_ctx *c, int64_t t) { return task_cred_id(c, t, CRED_UID); }
int64_t tap_fn_task_gid(struct tap_ctx *c, int64_t t) { return task_cred_id(c, t, CRED_GID); }
int64_t tap_fn_task_euid(struct tap_ctx *c, int64_t t) { return task_cred_id(c, t, CRED_EUID); }
int64_t tap_fn_task_egid(struct tap_ctx *c, int64_t t) { return task_cred_id(c, t, CRED_EGID); }

/* target_set_pid(pid): is pid target() or a process descended from it? Walked up
   the parents under RCU (a process reparented when its parent died has left the set). */
int64_t tap_fn_target_set_pid(struct tap_ctx *c, int64_t pid)
{
	struct task_struct *t;
	int found = 0;
	if (!target || pid <= 0)
		return 0;
	rcu_read_lock();
	t = pid_task(find_vpid((pid_t)pid), PIDTYPE_PID);
	for (int depth = 0; t && t->pid > 1 && depth < 256 && !found; depth++) {
		found = t->tgid == target;
		t = rcu_dereference(t->real_parent);
	}
	rcu_read_unlock();
	return found;
}

/* pid2task(pid): the task of a process id (0 if none); pid2execname: its name. */
int64_t tap_fn_pid2task(struct tap_ctx *c, int64_t pid)
{
	struct task_struct *t;
	rcu_read_lock();
	t = pid_task(find_vpid((pid_t)pid), PIDTYPE_PID);
	rcu_read_unlock();
	return (int64_t)(uintptr_t)t;
}

const char *tap_fn_pid2execname(struct tap_ctx *c, char *out, int64_t pid)
{
	struct task_struct *t;
	char comm[TASK_COMM_LEN] = "";
	rcu_read_lock();
	t = pid_task(find_vpid((pid_t)pid), PIDTYPE_PID);
	if (t)
		get_task_comm(comm, t);
	rcu_read_unlock();
	return tap_strcpy(out, comm);
}

int64_t tap_fn_sid(struct tap_ctx *c) { return task_session_vnr(current); }
int64_t tap_fn_pgrp(struct tap_ctx *c) { return task_pgrp_vnr(current); }
