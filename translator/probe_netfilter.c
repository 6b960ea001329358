/* netfilter.hook("NAME").pf("FAMILY")[.priority("N")] (the two first parts in either
   order): a netfilter hook registered in the initial network namespace. The names are
   those SystemTap accepts for each family; guru mode (-g) also takes plain numbers.
   The handler sees $hooknum, $skb, $in, $out, $okfn and, in guru mode, $verdict. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "probes.h"

struct nf_name {
	const char *name;
	int value;
};

/* The families and their hooks (values from the kernel's uapi netfilter headers). */
static const struct nf_name inet_hooks[] = {
	{ "NF_INET_PRE_ROUTING", 0 }, { "NF_INET_LOCAL_IN", 1 }, { "NF_INET_FORWARD", 2 },
	{ "NF_INET_LOCAL_OUT", 3 }, { "NF_INET_POST_ROUTING", 4 },
	{ "NF_IP_PRE_ROUTING", 0 }, { "NF_IP_LOCAL_IN", 1 }, { "NF_IP_FORWARD", 2 },
	{ "NF_IP_LOCAL_OUT", 3 }, { "NF_IP_POST_ROUTING", 4 }, { NULL, 0 },
};
static const struct nf_name ip6_hooks[] = {
	{ "NF_IP6_PRE_ROUTING", 0 }, { "NF_IP6_LOCAL_IN", 1 }, { "NF_IP6_FORWARD", 2 },
	{ "NF_IP6_LOCAL_OUT", 3 }, { "NF_IP6_POST_ROUTING", 4 }, { NULL, 0 },
};
static const struct nf_name arp_hooks[] = {
	{ "NF_ARP_IN", 0 }, { "NF_ARP_OUT", 1 }, { "NF_ARP_FORWARD", 2 }, { NULL, 0 },
};
static const struct nf_name bridge_hooks[] = {
	{ "NF_BR_PRE_ROUTING", 0 }, { "NF_BR_LOCAL_IN", 1 }, { "NF_BR_FORWARD", 2 },
	{ "NF_BR_LOCAL_OUT", 3 }, { "NF_BR_POST_ROUTING", 4 }, { NULL, 0 },
};
static const struct nf_name ip_priorities[] = {
	{ "NF_IP_PRI_FIRST", (-2147483647 - 1) }, { "NF_IP_PRI_CONNTRACK_DEFRAG", -400 },
	{ "NF_IP_PRI_RAW", -300 }, { "NF_IP_PRI_SELINUX_FIRST", -225 },
	{ "NF_IP_PRI_CONNTRACK", -200 }, { "NF_IP_PRI_MANGLE", -150 },
	{ "NF_IP_PRI_NAT_DST", -100 }, { "NF_IP_PRI_FILTER", 0 }, { "NF_IP_PRI_SECURITY", 50 },
	{ "NF_IP_PRI_NAT_SRC", 100 }, { "NF_IP_PRI_SELINUX_LAST", 225 },
	{ "NF_IP_PRI_CONNTRACK_HELPER", 300 }, { "NF_IP_PRI_CONNTRACK_CONFIRM", 2147483647 },
	{ "NF_IP_PRI_LAST", 2147483647 }, { NULL, 0 },
};
static const struct nf_name ip6_priorities[] = {
	{ "NF_IP6_PRI_FIRST", (-2147483647 - 1) }, { "NF_IP6_PRI_CONNTRACK_DEFRAG", -400 },
	{ "NF_IP6_PRI_RAW", -300 }, { "NF_IP6_PRI_SELINUX_FIRST", -225 },
	{ "NF_IP6_PRI_CONNTRACK", -200 }, { "NF_IP6_PRI_MANGLE", -150 },
	{ "NF_IP6_PRI_NAT_DST", -100 }, { "NF_IP6_PRI_FILTER", 0 }, { "NF_IP6_PRI_SECURITY", 50 },
	{ "NF_IP6_PRI_NAT_SRC", 100 }, { "NF_IP6_PRI_SELINUX_LAST", 225 },
	{ "NF_IP6_PRI_CONNTRACK_HELPER", 300 }, { "NF_IP6_PRI_LAST", 2147483647 }, { NULL, 0 },
};
static const struct {
	const char *name;
	int pf;
	const struct nf_name *hooks, *priorities;
} families[] = {
	{ "NFPROTO_IPV4", 2, inet_hooks, ip_priorities },
	{ "NFPROTO_IPV6", 10, ip6_hooks, ip6_priorities },
	{ "NFPROTO_ARP", 3, arp_hooks, NULL },
	{ "NFPROTO_BRIDGE", 7, bridge_hooks, NULL },
};

/* What the handler's $variables are: the hook's arguments, in the order the runtime
   passes them (runtime/kernel/probe_netfilter.c). */
static const struct trace_param nf_params[] = {
	{ "hooknum", TC_U32 }, { "skb", TC_LONG }, { "in", TC_LONG }, { "out", TC_LONG },
	{ "okfn", TC_LONG }, { "verdict", TC_U32 },
};

/* How many hooks a family number has that a hook without a device can use (the kernel
   warns about any other): NFPROTO_INET (both IP families), IPV4, ARP, BRIDGE, IPV6. */
static int nf_hook_count(int pf)
{
	return pf == 1 || pf == 2 || pf == 7 || pf == 10 ? 5 : pf == 3 ? 3 : 0;
}

/* A whole decimal int ("-5", " +7"), as SystemTap takes a priority. */
static int parse_int(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < (-2147483647 - 1) || v > 2147483647)
		return 0;
	*out = (int)v;
	return 1;
}

static int lookup(const struct nf_name *names, const char *s, int *out)
{
	for (; names && names->name; names++)
		if (!strcmp(names->name, s)) {
			*out = names->value;
			return 1;
		}
	return 0;
}

int probe_netfilter_match(struct probe *p, struct probe_point *pp, struct site ***tail)
{
	const struct probe_comp *c = pp->comps, *hook = NULL, *pf = NULL, *prio = NULL;
	if (strcmp(c->name, "netfilter"))
		return 0;
	for (c = c->next; c; c = c->next) {
		const struct probe_comp **slot = !strcmp(c->name, "hook") ? &hook : !strcmp(c->name, "pf") ? &pf
					       : !strcmp(c->name, "priority") ? &prio : NULL;
		/* .priority comes last, after both of the others */
		if (!slot || *slot || !c->arg || c->arg->kind != N_STR || (slot != &prio && prio)) {
			diag_error(pp->loc, "probe point '%s': expected netfilter.hook(\"NAME\").pf(\"FAMILY\")"
				   "[.priority(\"N\")]", probe_point_text(pp));
			return 1;
		}
		*slot = c;
	}
	if (!hook || !pf) {
		diag_error(pp->loc, "probe point '%s': a netfilter probe needs both .hook(\"NAME\") and "
			   ".pf(\"FAMILY\")", probe_point_text(pp));
		return 1;
	}
	if (probe_env.user_runtime) {
		diag_error(pp->loc, "probe point '%s' needs the kernel runtime", probe_point_text(pp));
		return 1;
	}
	int fam = -1, pfnum, hooknum, priority = 0;
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
		if (!strcmp(families[i].name, pf->arg->str))
			fam = (int)i;
	if (fam >= 0)
		pfnum = families[fam].pf;
	else if (!probe_env.guru || !parse_int(pf->arg->str, &pfnum) || nf_hook_count(pfnum) == 0) {
		diag_error(pp->loc, "probe point '%s': unknown netfilter protocol family \"%s\" (NFPROTO_IPV4, "
			   "NFPROTO_IPV6, NFPROTO_ARP or NFPROTO_BRIDGE)", probe_point_text(pp), pf->arg->str);
		return 1;
	}
	if (!(fam >= 0 && lookup(families[fam].hooks, hook->arg->str, &hooknum)) &&
	    (!probe_env.guru || !parse_int(hook->arg->str, &hooknum) || hooknum < 0 ||
	     hooknum >= nf_hook_count(pfnum))) {
		diag_error(pp->loc, "probe point '%s': unknown netfilter hook \"%s\" for protocol family \"%s\"",
			   probe_point_text(pp), hook->arg->str, pf->arg->str);
		return 1;
	}
	if (prio && !(fam >= 0 && lookup(families[fam].priorities, prio->arg->str, &priority)) &&
	    !parse_int(prio->arg->str, &priority)) {
		diag_error(pp->loc, "probe point '%s': netfilter priority \"%s\" is neither a number nor a "
			   "known priority of protocol family \"%s\"", probe_point_text(pp), prio->arg->str,
			   pf->arg->str);
		return 1;
	}
	struct site *s = site_add(p, pp, "TAP_PROBE_NETFILTER", tail);
	s->nr = hooknum;
	s->pf = pfnum;
	s->priority = priority;
	/* $verdict (the last) only in guru mode, as in SystemTap, which decides the packet's fate */
	s->nparams = (int)(sizeof nf_params / sizeof nf_params[0]) - !probe_env.guru;
	memcpy(s->params, nf_params, sizeof nf_params);
	return 1;
}
