/* Running a probe handler from an event (timer, kprobe, tracepoint): on this CPU's
   context, never reentering it, with the script's globals locked. Events arrive with
   preemption disabled or from interrupt context. */

static struct tap_ctx **cpu_ctx;        /* one per possible CPU */
static atomic64_t skipped_probes = ATOMIC64_INIT(0);
static atomic_t events_armed = ATOMIC_INIT(0);

/* byte: the byte of standard input an input probe handles (-1 for other events). */
static __always_inline void tap_event_run(const struct tap_probe *p, void *regs, int byte,
					  int64_t *entry, int at_entry)
{
	struct tap_ctx *c;
	unsigned long flags;
	if (!atomic_read(&events_armed) || tap_get_state() != TAP_RUNNING)
		return;
	local_irq_save(flags);
	c = cpu_ctx[smp_processor_id()];
	if (c->busy) {
		/* A probe fired inside another on this CPU (an interrupt): skip it. */
		atomic64_inc(&skipped_probes);
		goto out;
	}
	c->busy = 1;
	if (!p->lock()) {
		atomic64_inc(&skipped_probes);
	} else {
		c->probe = p;
		c->regs = regs;
		c->input_byte = byte;
		c->entry = entry;
		c->at_entry = at_entry;
		c->can_wait = 0;
		tap_run_probe(c, p);
		p->unlock();
	}
	if (atomic64_read(&skipped_probes) > MAXSKIPPED && tap_get_state() == TAP_RUNNING) {
		static const char msg[] = "ERROR: Skipped too many probes, check MAXSKIPPED or try again with stap -t for more details.\n";
		tap_output_err(c, msg, sizeof msg - 1);
		tap_set_state(TAP_ERRORED);
		tap_request_exit();
	}
	c->busy = 0;
out:
	local_irq_restore(flags);
}

static void tap_event_hit(const struct tap_probe *p, void *regs)
{
	tap_event_run(p, regs, -1, NULL, 0);
}

static int alloc_cpu_contexts(void)
{
	cpu_ctx = kcalloc(nr_cpu_ids, sizeof *cpu_ctx, GFP_KERNEL);
	if (!cpu_ctx)
		return -ENOMEM;
	for (unsigned int i = 0; i < nr_cpu_ids; i++) {
		if (!cpu_possible(i))
			continue;
		cpu_ctx[i] = ctx_alloc();
		if (!cpu_ctx[i])
			return -ENOMEM;
	}
	return 0;
}

static void free_cpu_contexts(void)
{
	for (unsigned int i = 0; cpu_ctx && i < nr_cpu_ids; i++)
		ctx_free(cpu_ctx[i]);
	kfree(cpu_ctx);
	cpu_ctx = NULL;
}
