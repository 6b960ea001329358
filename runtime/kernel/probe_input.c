/* Input probes: tapio writes its standard input to /proc/tapc-NAME/input, and each
   byte fires them here, in tapio's write call, as any event does (this CPU's context,
   the globals' locks). Included in tap_glue.c, after the output ring. */

/* Bytes taken per write: the stack buffer they are copied to. */
#define TAP_INPUT_CHUNK 256

static ssize_t input_write(struct file *file, const char __user *ubuf, size_t count, loff_t *pos)
{
	char buf[TAP_INPUT_CHUNK];
	size_t n = min(count, sizeof buf), i;
	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	for (i = 0; i < n; i++) {
		/* The probes cannot wait for room in the ring: with it three quarters
		   full, hand back the rest so that tapio reads the output first. */
		if (i && ring_size - ring_used() < ring_size / 4)
			break;
		for (int k = 0; k < tap_nprobes; k++)
			if (tap_probes[k].kind == TAP_PROBE_INPUT)
				tap_event_run(&tap_probes[k], NULL, (unsigned char)buf[i], NULL, 0);
		cond_resched();
	}
	wake_up_interruptible(&ring_readq);
	return i;
}

static const struct proc_ops input_ops = {
	.proc_write = input_write,
	.proc_lseek = noop_llseek,
};
