/* kprobe.function("sym") and .return, resolved by name by the running kernel when the
   module arms them: the build host never needs the target's symbol table. */
#include <linux/kprobes.h>

struct tap_kprobe {
	struct kprobe kp;
	struct kretprobe krp;
	const struct tap_probe *p;
	int registered;
};

static struct tap_kprobe *kprobes;
static int nkprobes;

static int kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct tap_kprobe *k = container_of(kp, struct tap_kprobe, kp);
	tap_event_hit(k->p, regs);
	return 0;
}

static int kretprobe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct tap_kprobe *k = container_of(get_kretprobe(ri), struct tap_kprobe, krp);
	tap_event_hit(k->p, regs);
	return 0;
}

static void kprobes_unregister(void);

/* A symbol that cannot be probed is an error unless the probe point was optional. */
static int kprobes_register(void)
{
	int n = 0;
	for (int i = 0; i < TAP_NPROBES; i++)
		n += tap_probes[i].kind == TAP_PROBE_KPROBE || tap_probes[i].kind == TAP_PROBE_KRETPROBE;
	if (!n)
		return 0;
	kprobes = kcalloc(n, sizeof *kprobes, GFP_KERNEL);
	if (!kprobes)
		return -ENOMEM;
	for (int i = 0; i < TAP_NPROBES; i++) {
		const struct tap_probe *p = &tap_probes[i];
		int rc;
		if (p->kind != TAP_PROBE_KPROBE && p->kind != TAP_PROBE_KRETPROBE)
			continue;
		struct tap_kprobe *k = &kprobes[nkprobes++];
		k->p = p;
		if (p->kind == TAP_PROBE_KPROBE) {
			k->kp.symbol_name = p->symbol;
			k->kp.pre_handler = kprobe_pre;
			rc = register_kprobe(&k->kp);
		} else {
			k->krp.kp.symbol_name = p->symbol;
			k->krp.handler = kretprobe_ret;
			k->krp.maxactive = p->maxactive > 0 ? p->maxactive : 0;
			rc = register_kretprobe(&k->krp);
		}
		if (rc) {
			char msg[256];
			int len = scnprintf(msg, sizeof msg, "ERROR: cannot probe %s (%s): error %d\n", p->pp,
					    p->symbol, rc);
			if (p->optional)
				continue;
			ring_put(TAP_REC_ERR, msg, len, 1);
			return rc;
		}
		k->registered = 1;
	}
	return 0;
}

static void kprobes_unregister(void)
{
	for (int i = 0; i < nkprobes; i++) {
		struct tap_kprobe *k = &kprobes[i];
		if (!k->registered)
			continue;
		if (k->p->kind == TAP_PROBE_KPROBE)
			unregister_kprobe(&k->kp);
		else
			unregister_kretprobe(&k->krp);
		k->registered = 0;
	}
	nkprobes = 0;
	kfree(kprobes);
	kprobes = NULL;
}
