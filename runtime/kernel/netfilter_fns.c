/* The packet of a netfilter probe, for tapset/netfilter.stp: its length, contents,
   devices, and its headers read at offsets from the network header. Every read goes
   through the packet's own bounds (skb_copy_bits), so a script can ask for any offset
   and get an error, never memory outside the packet. */
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>

static struct tap_nf_hit *nf_hit_of(struct tap_ctx *c)
{
	if (!c->probe || c->probe->kind != TAP_PROBE_NETFILTER || !c->regs) {
		tap_error(c, "packet data is only available in netfilter probes", NULL);
		return NULL;
	}
	return c->regs;
}

/* len bytes at off from the network header, from the head or the pages. The network
   header may lie after skb->data (outgoing ARP and bridge packets carry their link
   header), or before it. */
static int nf_bytes(struct tap_ctx *c, int64_t off, void *buf, int len)
{
	struct tap_nf_hit *h = nf_hit_of(c);
	const struct sk_buff *skb;
	long at;
	if (!h)
		return -1;
	skb = h->skb;
	if (off >= -0xffff && off <= 0xffff) {
		at = (long)skb_network_offset(skb) + (long)off;
		if (at >= 0 && !skb_copy_bits(skb, (int)at, buf, len))
			return 0;
		if (at < 0 && skb->data + at >= skb->head && at + len <= (long)skb_headlen(skb)) {
			memcpy(buf, skb->data + at, len);
			return 0;
		}
	}
	scnprintf(c->errbuf, sizeof c->errbuf, "reading %d bytes at offset %lld of the packet's "
		  "network header is out of bounds", len, (long long)off);
	tap_error(c, c->errbuf, NULL);
	return -1;
}

/* Only nf_drop and nf_accept: any other verdict (stolen, queued, repeated) needs
   code that owns the packet, which a script is not. */
int64_t tap_trace_arg_set(struct tap_ctx *c, int idx, int64_t v)
{
	struct tap_nf_hit *h = nf_hit_of(c);
	if (!h || idx != TAP_NF_VERDICT)
		return 0;
	if (v != NF_DROP && v != NF_ACCEPT) {
		scnprintf(c->errbuf, sizeof c->errbuf, "netfilter verdict %lld is not nf_drop (0) or "
			  "nf_accept (1)", (long long)v);
		tap_error(c, c->errbuf, NULL);
		return v;
	}
	h->args[TAP_NF_VERDICT] = (unsigned long)v;
	return v;
}

int64_t tap_fn_nf_len(struct tap_ctx *c)
{
	struct tap_nf_hit *h = nf_hit_of(c);
	return h ? h->skb->len : 0;
}

/* Appends n bytes as hex digits, as far as a string holds. */
static void nf_hex(char *out, const u8 *p, size_t n)
{
	size_t o = strlen(out);
	for (size_t i = 0; i < n && o < MAXSTRINGLEN - 1; i++) {
		out[o++] = hex_asc_hi(p[i]);
		if (o < MAXSTRINGLEN - 1)
			out[o++] = hex_asc_lo(p[i]);
	}
	out[o] = '\0';
}

/* data_hex (hex digits) or data_str (quoted and escaped, each fragment of a paged
   packet in its own quotes, as SystemTap shows them) from skb->data on. */
const char *tap_fn_nf_data(struct tap_ctx *c, char *out, int64_t quoted)
{
	struct tap_nf_hit *h = nf_hit_of(c);
	const struct skb_shared_info *sh;
	out[0] = '\0';
	if (!h)
		return out;
	if (quoted)
		tap_text_mem(out, (const char *)h->skb->data, skb_headlen(h->skb), 0, 1);
	else
		nf_hex(out, h->skb->data, skb_headlen(h->skb));
	if (!skb_is_nonlinear(h->skb))
		return out;
	sh = skb_shinfo(h->skb);
	for (int i = 0; i < sh->nr_frags && strlen(out) < MAXSTRINGLEN - 1; i++) {
		const skb_frag_t *f = &sh->frags[i];
		const char *p = skb_frag_address_safe(f);
		char tmp[MAXSTRINGLEN];
		if (!p)
			break;
		if (quoted)
			tap_append(out, tap_text_mem(tmp, p, skb_frag_size(f), 0, 1));
		else
			nf_hex(out, (const u8 *)p, skb_frag_size(f));
	}
	return out;
}

static const struct net_device *nf_dev(struct tap_ctx *c, int64_t out_dev)
{
	struct tap_nf_hit *h = nf_hit_of(c);
	return !h ? NULL : out_dev ? h->state->out : h->state->in;
}

int64_t tap_fn_nf_dev(struct tap_ctx *c, int64_t out_dev)
{
	return (int64_t)(uintptr_t)nf_dev(c, out_dev);
}

const char *tap_fn_nf_dev_name(struct tap_ctx *c, char *out, int64_t out_dev)
{
	const struct net_device *d = nf_dev(c, out_dev);
	return tap_strcpy(out, d ? d->name : "");
}

static const char *nf_mac_text(char *out, const u8 *a)
{
	snprintf(out, MAXSTRINGLEN, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
	return out;
}

/* The device's hardware address, six bytes of it whatever its length (SystemTap's). */
const char *tap_fn_nf_dev_mac(struct tap_ctx *c, char *out, int64_t out_dev)
{
	const struct net_device *d = nf_dev(c, out_dev);
	static const u8 none[ETH_ALEN];
	return nf_mac_text(out, d && d->dev_addr ? d->dev_addr : none);
}

int64_t tap_fn_nf_dev_addr_len(struct tap_ctx *c, int64_t out_dev)
{
	const struct net_device *d = nf_dev(c, out_dev);
	return d ? d->addr_len : 0;
}

int64_t tap_fn_nf_hdr(struct tap_ctx *c)
{
	struct tap_nf_hit *h = nf_hit_of(c);
	return h ? (int64_t)(uintptr_t)skb_network_header(h->skb) : 0;
}

/* A field in network byte order: unsigned, of 1, 2 or 4 bytes. */
int64_t tap_fn_nf_uint(struct tap_ctx *c, int64_t off, int64_t size)
{
	u8 b[4];
	int64_t v = 0;
	if (size != 1 && size != 2 && size != 4) {
		tap_error(c, "a packet field has 1, 2 or 4 bytes", NULL);
		return 0;
	}
	if (nf_bytes(c, off, b, (int)size))
		return 0;
	for (int i = 0; i < size; i++)
		v = (v << 8) | b[i];
	return v;
}

/* A field read as kernel_char/short/int/long read memory: host order, signed. */
int64_t tap_fn_nf_int(struct tap_ctx *c, int64_t off, int64_t size)
{
	union { s8 c; s16 s; s32 i; s64 l; } v;
	if (size != 1 && size != 2 && size != 4 && size != 8) {
		tap_error(c, "a packet field has 1, 2, 4 or 8 bytes", NULL);
		return 0;
	}
	if (nf_bytes(c, off, &v, (int)size))
		return 0;
	return size == 1 ? v.c : size == 2 ? v.s : size == 4 ? v.i : v.l;
}

const char *tap_fn_nf_mac(struct tap_ctx *c, char *out, int64_t off)
{
	u8 a[ETH_ALEN];
	out[0] = '\0';
	return nf_bytes(c, off, a, sizeof a) ? out : nf_mac_text(out, a);
}

/* An IPv4 (family 2) or IPv6 (10) address in the packet, as format_ipaddr shows it. */
const char *tap_fn_nf_ipaddr(struct tap_ctx *c, char *out, int64_t off, int64_t family)
{
	u8 a[16];
	out[0] = '\0';
	if (family == AF_INET && !nf_bytes(c, off, a, 4))
		snprintf(out, MAXSTRINGLEN, "%pI4", a);
	else if (family == AF_INET6 && !nf_bytes(c, off, a, 16))
		snprintf(out, MAXSTRINGLEN, "%pI6", a);
	else if (family != AF_INET && family != AF_INET6)
		tap_strcpy(out, "*unknown address family*");
	return out;
}

/* The transport header of an IP packet: its protocol and its offset from the network
   header (IPv6 extension headers skipped); -1 when there is none to find. */
static int nf_transport(struct tap_ctx *c, u8 *proto)
{
	struct tap_nf_hit *h = nf_hit_of(c);
	u8 b[8];
	if (!h || nf_bytes(c, 0, b, sizeof b))
		return -1;
	if (h->state->pf == NFPROTO_IPV4 && (b[0] >> 4) == 4) {
		u8 p;
		if (nf_bytes(c, 9, &p, 1))
			return -1;
		*proto = p;
		return (b[0] & 0xf) * 4;
	}
	if (h->state->pf == NFPROTO_IPV6 && (b[0] >> 4) == 6) {
		int start = skb_network_offset(h->skb) + (int)sizeof(struct ipv6hdr), at;
		__be16 frag;
		u8 next = b[6];
		if (start < 0)
			return -1;
		at = ipv6_skip_exthdr(h->skb, start, &next, &frag);
		if (at < 0)
			return -1;
		*proto = next;
		return at - skb_network_offset(h->skb);
	}
	return -1;
}

int64_t tap_fn_nf_proto(struct tap_ctx *c)
{
	u8 proto = 0;
	return nf_transport(c, &proto) < 0 ? 0 : proto;
}

int64_t tap_fn_nf_thoff(struct tap_ctx *c)
{
	u8 proto;
	int off = nf_transport(c, &proto);
	if (off < 0 && !c->error)
		tap_error(c, "the packet has no transport header", NULL);
	return off;
}
