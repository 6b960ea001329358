/* kernel.trace("name"): a handler on the kernel's tracepoint. Tracepoint callbacks get
   (data, args...); on x86_64 a function taking six unsigned longs receives the first
   six arguments of any such prototype, which is all $arguments need. */
#include <linux/tracepoint.h>

struct tap_tp {
	const struct tap_probe *p;
	struct tracepoint *tp;
};

static struct tap_tp *tps;
static int ntps;

static void tp_hit(void *data, unsigned long a0, unsigned long a1, unsigned long a2,
		   unsigned long a3, unsigned long a4, unsigned long a5)
{
	const struct tap_tp *t = data;
	unsigned long args[TAP_TRACE_ARGS] = { a0, a1, a2, a3, a4, a5 };
	tap_event_hit(t->p, args);
}

struct tp_find {
	const char *name;
	struct tracepoint *tp;
};

static void tp_find_fn(struct tracepoint *tp, void *priv)
{
	struct tp_find *f = priv;
	if (!strcmp(tp->name, f->name))
		f->tp = tp;
}

static int tracepoints_register(void)
{
	int n = 0;
	for (int i = 0; i < tap_nprobes; i++)
		n += tap_probes[i].kind == TAP_PROBE_TRACEPOINT;
	if (!n)
		return 0;
	tps = kcalloc(n, sizeof *tps, GFP_KERNEL);
	if (!tps)
		return -ENOMEM;
	for (int i = 0; i < tap_nprobes; i++) {
		const struct tap_probe *p = &tap_probes[i];
		struct tp_find f = { p->symbol, NULL };
		int rc;
		if (p->kind != TAP_PROBE_TRACEPOINT)
			continue;
		for_each_kernel_tracepoint(tp_find_fn, &f);
		if (!f.tp) {
			char msg[256];
			int len = scnprintf(msg, sizeof msg, "ERROR: no tracepoint %s in this kernel (%s)\n",
					    p->symbol, p->pp);
			if (p->optional)
				continue;
			ring_put(TAP_REC_ERR, msg, len, 1);
			return -ENOENT;
		}
		tps[ntps].p = p;
		tps[ntps].tp = f.tp;
		rc = tracepoint_probe_register(f.tp, (void *)tp_hit, &tps[ntps]);
		if (rc)
			return rc;
		ntps++;
	}
	return 0;
}

static void tracepoints_unregister(void)
{
	for (int i = 0; i < ntps; i++)
		tracepoint_probe_unregister(tps[i].tp, (void *)tp_hit, &tps[i]);
	if (ntps)
		tracepoint_synchronize_unregister();
	ntps = 0;
	kfree(tps);
	tps = NULL;
}
