/* netfilter.hook("NAME").pf("FAMILY"): a netfilter hook in the initial network
   namespace. The handler runs on the packet's way through the hook and always lets it
   pass, unless a guru-mode script set $verdict to nf_drop. */
#include <linux/netfilter.h>
#include <linux/netfilter_arp.h>
#include <net/net_namespace.h>

/* What a handler sees of a hit: its $variables first, where tap_trace_arg reads them
   ($hooknum $skb $in $out $okfn $verdict, the translator's probe_netfilter.c order),
   then the packet for the tapset's functions (netfilter_fns.c). */
struct tap_nf_hit {
	unsigned long args[TAP_TRACE_ARGS];
	struct sk_buff *skb;
	const struct nf_hook_state *state;
};
#define TAP_NF_VERDICT 5

struct tap_nf {
	const struct tap_probe *p;
	struct nf_hook_ops ops;
};

static struct tap_nf *nfs;
static int nnfs;

static unsigned int nf_hit(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	const struct tap_nf *n = priv;
	struct tap_nf_hit h = {
		.args = { state->hook, (unsigned long)skb, (unsigned long)state->in,
			  (unsigned long)state->out, (unsigned long)state->okfn, NF_ACCEPT },
		.skb = skb,
		.state = state,
	};
	tap_event_hit(n->p, &h);
	/* Any other verdict would need the handler to own the packet (stolen, queued). */
	return h.args[TAP_NF_VERDICT] == NF_DROP ? NF_DROP : NF_ACCEPT;
}

static void netfilter_unregister(void);

static int netfilter_register(void)
{
	int n = 0;
	for (int i = 0; i < tap_nprobes; i++)
		n += tap_probes[i].kind == TAP_PROBE_NETFILTER;
	if (!n)
		return 0;
	nfs = kcalloc(n, sizeof *nfs, GFP_KERNEL);
	if (!nfs)
		return -ENOMEM;
	for (int i = 0; i < tap_nprobes; i++) {
		const struct tap_probe *p = &tap_probes[i];
		struct tap_nf *t = &nfs[nnfs];
		int rc;
		if (p->kind != TAP_PROBE_NETFILTER)
			continue;
		/* The kernel warns about a family or hook it does not have (the translator
		   checked them already: this only keeps a bad table from reaching it). */
		if ((p->pf != NFPROTO_INET && p->pf != NFPROTO_IPV4 && p->pf != NFPROTO_IPV6 &&
		     p->pf != NFPROTO_ARP && p->pf != NFPROTO_BRIDGE) || p->nr < 0 ||
		    p->nr >= (p->pf == NFPROTO_ARP ? NF_ARP_NUMHOOKS : NF_INET_NUMHOOKS))
			rc = -EINVAL;
		else
			rc = 0;
		t->p = p;
		t->ops.hook = nf_hit;
		t->ops.priv = t;
		t->ops.pf = p->pf;
		t->ops.hooknum = p->nr;
		t->ops.priority = (int)p->priority;
		if (!rc)
			rc = nf_register_net_hook(&init_net, &t->ops);
		if (rc) {
			char msg[256];
			int len;
			if (p->optional)
				continue;
			len = scnprintf(msg, sizeof msg, "ERROR: cannot register the netfilter hook of %s "
					"(error %d)\n", p->pp, rc);
			ring_put(TAP_REC_ERR, msg, len, 1);
			return rc;
		}
		nnfs++;
	}
	return 0;
}

static void netfilter_unregister(void)
{
	for (int i = 0; i < nnfs; i++)
		nf_unregister_net_hook(&init_net, &nfs[i].ops);
	/* A packet may still be in a handler on another CPU, using nfs[]. */
	if (nnfs)
		synchronize_net();
	nnfs = 0;
	kfree(nfs);
	nfs = NULL;
}
