/* kprobe.function("sym") and .return, resolved by name by the running kernel when the
   module arms them: the build host never needs the target's symbol table.

   A pattern ("vfs_re*") is expanded on the target too, but not here: a 6.1 module cannot
   walk the kernel's symbols (kallsyms_on_each_symbol and kallsyms_lookup_name are not
   exported). So the module lists its patterns in /proc/tapc-NAME/kprobes, and tapio,
   which reads the target's /proc/kallsyms, writes back the functions each one matches
   before it starts the session. */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>

#ifndef KPROBE_GLOB_MAX
#define KPROBE_GLOB_MAX 10000   /* functions one pattern may probe */
#endif

/* One probed function. A pattern's matches each carry their own copy of the script's
   probe, naming the function, so that pp() and probefunc() report the one that was hit. */
struct tap_kprobe {
	struct kprobe kp;
	struct kretprobe krp;
	const struct tap_probe *p;
	struct tap_probe copy;
	int site;               /* index in tap_probes */
	int match;              /* one of a pattern's matches */
	int registered;
	char text[];            /* a match: its name, then its pp() */
};

static struct tap_kprobe **kprobes;
static int nkprobes, kprobes_cap;
static int *kprobe_offered;                     /* matches tapio gave each pattern */
static int kprobes_armed;                       /* no more matches once registered */
static DEFINE_MUTEX(kprobes_lock);

static int is_kprobe(const struct tap_probe *p)
{
	return p->kind == TAP_PROBE_KPROBE || p->kind == TAP_PROBE_KRETPROBE;
}

static int is_pattern(const struct tap_probe *p)
{
	return is_kprobe(p) && strpbrk(p->symbol, "*?[");
}

static int kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct tap_kprobe *k = container_of(kp, struct tap_kprobe, kp);
	unsigned long ip = instruction_pointer(regs);
	/* kprobes leave ip past the breakpoint; the probe sees it at the probed
	   address, as SystemTap shows it (addr(), the first frame of a backtrace). */
	instruction_pointer_set(regs, (unsigned long)kp->addr);
	tap_event_hit(k->p, regs);
	instruction_pointer_set(regs, ip);
	return 0;
}

static int kretprobe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct tap_kprobe *k = container_of(get_kretprobe(ri), struct tap_kprobe, krp);
	this_cpu_write(bt_returning_from, (unsigned long)k->krp.kp.addr);
	if (k->p->entry_slots)
		tap_event_run(k->p, regs, -1, (int64_t *)ri->data, 0);
	else
		tap_event_hit(k->p, regs);
	return 0;
}

/* The entry of a function whose return probe reads values of the entry: the handler
   fills this instance's slots (zero if it cannot run). */
static int kretprobe_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct tap_kprobe *k = container_of(get_kretprobe(ri), struct tap_kprobe, krp);
	memset(ri->data, 0, k->p->entry_slots * sizeof(int64_t));
	tap_event_run(k->p, regs, -1, (int64_t *)ri->data, 1);
	return 0;
}

/* Adds a function to probe for p: p's own symbol, or (name != NULL) a pattern's match,
   whose pp() is p's with the pattern replaced by the name. */
static int kprobes_add(int site, const char *name, size_t len)
{
	const struct tap_probe *p = &tap_probes[site];
	struct tap_kprobe *k;
	if (nkprobes == kprobes_cap) {
		int cap = kprobes_cap ? 2 * kprobes_cap : 64;
		struct tap_kprobe **grown = kvrealloc(kprobes, kprobes_cap * sizeof *kprobes,
						      cap * sizeof *kprobes, GFP_KERNEL);
		if (!grown)
			return -ENOMEM;
		kprobes = grown;
		kprobes_cap = cap;
	}
	if (!name) {
		k = kzalloc(sizeof *k, GFP_KERNEL);
		if (!k)
			return -ENOMEM;
		k->p = p;
	} else {
		/* module("m").function("f*") names "m:f*" without its "m:" in the pp */
		const char *pat = p->symbol, *colon = strchr(pat, ':'), *shown = name;
		const char *ncolon = memchr(name, ':', len);
		size_t plen, slen = len, pre, post;
		const char *at;
		if (colon && ncolon) {
			pat = colon + 1;
			shown = ncolon + 1;
			slen = len - (size_t)(shown - name);
		}
		plen = strlen(pat);
		at = strstr(p->pp, pat);   /* a pattern never occurs earlier */
		pre = at ? (size_t)(at - p->pp) : 0;
		post = at ? strlen(at + plen) : 0;
		k = kzalloc(sizeof *k + len + 1 + pre + slen + post + 1, GFP_KERNEL);
		if (!k)
			return -ENOMEM;
		memcpy(k->text, name, len);
		if (at)
			sprintf(k->text + len + 1, "%.*s%.*s%s", (int)pre, p->pp, (int)slen, shown, at + plen);
		k->copy = *p;
		k->copy.symbol = k->text;
		k->copy.pp = at ? k->text + len + 1 : p->pp;
		k->p = &k->copy;
		k->match = 1;
	}
	k->site = site;
	if (p->kind == TAP_PROBE_KPROBE) {
		k->kp.symbol_name = k->p->symbol;
		k->kp.pre_handler = kprobe_pre;
	} else {
		k->krp.kp.symbol_name = k->p->symbol;
		k->krp.handler = kretprobe_ret;
		if (p->entry_slots) {
			k->krp.entry_handler = kretprobe_entry;
			k->krp.data_size = p->entry_slots * sizeof(int64_t);
		}
		k->krp.maxactive = p->maxactive > 0 ? p->maxactive : 0;
	}
	kprobes[nkprobes++] = k;
	return 0;
}

/* ---- /proc/tapc-NAME/kprobes: "INDEX PATTERN" lines out, "INDEX FUNCTION" lines in ---- */

static int patterns_show(struct seq_file *m, void *v)
{
	for (int i = 0; i < tap_nprobes; i++)
		if (is_pattern(&tap_probes[i]))
			seq_printf(m, "%d %s\n", i, tap_probes[i].symbol);
	return 0;
}

static int patterns_open(struct inode *inode, struct file *file)
{
	return single_open(file, patterns_show, NULL);
}

/* Takes whole lines only; matches beyond KPROBE_GLOB_MAX are counted, not kept. */
static ssize_t matches_write(struct file *file, const char __user *ubuf, size_t count, loff_t *pos)
{
	char *buf, *line, *next;
	int rc = 0;
	if (count > 65536)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&kprobes_lock);
	if (kprobes_armed)
		rc = -EBUSY;
	for (line = buf; !rc && *line; line = next) {
		char *nl = strchr(line, '\n'), *name;
		unsigned int i;
		if (!nl) {
			rc = -EINVAL;
			break;
		}
		*nl = '\0';
		next = nl + 1;
		name = strchr(line, ' ');
		if (!name || name == line || !name[1] || nl - name > KSYM_NAME_LEN) {
			rc = -EINVAL;
			break;
		}
		*name++ = '\0';
		if (kstrtouint(line, 10, &i) || i >= tap_nprobes || !is_pattern(&tap_probes[i])) {
			rc = -EINVAL;
			break;
		}
		if (++kprobe_offered[i] <= KPROBE_GLOB_MAX)
			rc = kprobes_add(i, name, nl - name);
	}
	mutex_unlock(&kprobes_lock);
	kfree(buf);
	return rc ? rc : count;
}

static const struct proc_ops kprobes_ops = {
	.proc_open = patterns_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = matches_write,
};

/* ---- arming ---- */

static void kprobes_unregister(void);

static int kprobes_error(const char *fmt, const char *pp, long a, long b)
{
	char msg[512];
	int len = scnprintf(msg, sizeof msg, fmt, pp, a, b);
	ring_put(TAP_REC_ERR, msg, len, 1);
	return -EINVAL;
}

/* Registers every function in one call per kind; if one of them cannot be probed,
   the kernel undoes the whole call, so they are tried one by one instead. */
static int register_all(int kind)
{
	void **batch = kvmalloc_array(nkprobes + 1, sizeof *batch, GFP_KERNEL);
	int n = 0, rc;
	if (!batch)
		return -ENOMEM;
	for (int i = 0; i < nkprobes; i++)
		if (kprobes[i]->p->kind == kind)
			batch[n++] = kind == TAP_PROBE_KPROBE ? (void *)&kprobes[i]->kp : (void *)&kprobes[i]->krp;
	rc = !n ? 0 : kind == TAP_PROBE_KPROBE ? register_kprobes((struct kprobe **)batch, n)
					       : register_kretprobes((struct kretprobe **)batch, n);
	kvfree(batch);
	for (int i = 0; i < nkprobes; i++) {
		struct tap_kprobe *k = kprobes[i];
		int one;
		if (k->p->kind != kind)
			continue;
		if (!rc) {
			k->registered = 1;
			continue;
		}
		one = kind == TAP_PROBE_KPROBE ? register_kprobe(&k->kp) : register_kretprobe(&k->krp);
		k->registered = !one;
		/* A pattern's matches that cannot be probed are skipped, like SystemTap does. */
		if (one && !k->match && !k->p->optional)
			return kprobes_error("ERROR: cannot probe %s (error %ld)\n", k->p->pp, one, 0);
	}
	return 0;
}

/* A named function that cannot be probed is an error unless the probe point was optional;
   so is a pattern that matched no function that could be, or too many. */
static int kprobes_register(void)
{
	int rc = 0;
	mutex_lock(&kprobes_lock);
	kprobes_armed = 1;
	for (int i = 0; i < tap_nprobes && !rc; i++) {
		const struct tap_probe *p = &tap_probes[i];
		if (is_pattern(p) && kprobe_offered[i] > KPROBE_GLOB_MAX)
			rc = kprobes_error("ERROR: probe point %s matches %ld kernel functions, more than "
					   "KPROBE_GLOB_MAX (%ld): narrow the pattern or raise the limit "
					   "with -D KPROBE_GLOB_MAX=N\n", p->pp, kprobe_offered[i], KPROBE_GLOB_MAX);
		else if (is_kprobe(p) && !is_pattern(p))
			rc = kprobes_add(i, NULL, 0);
	}
	if (!rc)
		rc = register_all(TAP_PROBE_KPROBE);
	if (!rc)
		rc = register_all(TAP_PROBE_KRETPROBE);
	for (int i = 0; i < tap_nprobes && !rc; i++) {
		const struct tap_probe *p = &tap_probes[i];
		int armed = 0;
		if (!is_pattern(p) || p->optional)
			continue;
		for (int j = 0; j < nkprobes; j++)
			armed += kprobes[j]->site == i && kprobes[j]->registered;
		if (!armed)
			rc = kprobes_error("ERROR: probe point %s matches no kernel function that can be "
					   "probed\n", p->pp, 0, 0);
	}
	mutex_unlock(&kprobes_lock);
	return rc;
}

/* Unregisters in bulk (one RCU grace period per kind, not one per function), then
   forgets every function, registered or only offered. */
static void kprobes_unregister(void)
{
	struct kprobe **kps;
	struct kretprobe **rps;
	int nk = 0, nr = 0;
	mutex_lock(&kprobes_lock);
	kps = kvmalloc_array(nkprobes + 1, sizeof *kps, GFP_KERNEL);
	rps = kvmalloc_array(nkprobes + 1, sizeof *rps, GFP_KERNEL);
	for (int i = 0; i < nkprobes; i++) {
		struct tap_kprobe *k = kprobes[i];
		if (!k->registered)
			continue;
		if (k->p->kind == TAP_PROBE_KPROBE) {
			if (kps)
				kps[nk++] = &k->kp;
			else
				unregister_kprobe(&k->kp);
		} else {
			if (rps)
				rps[nr++] = &k->krp;
			else
				unregister_kretprobe(&k->krp);
		}
		k->registered = 0;
	}
	if (nk)
		unregister_kprobes(kps, nk);
	if (nr)
		unregister_kretprobes(rps, nr);
	kvfree(kps);
	kvfree(rps);
	for (int i = 0; i < nkprobes; i++)
		kfree(kprobes[i]);
	kvfree(kprobes);
	kprobes = NULL;
	nkprobes = kprobes_cap = 0;
	if (kprobe_offered)
		memset(kprobe_offered, 0, tap_nprobes * sizeof *kprobe_offered);
	mutex_unlock(&kprobes_lock);
}

static int kprobes_alloc(void)
{
	kprobe_offered = kcalloc(tap_nprobes + 1, sizeof *kprobe_offered, GFP_KERNEL);
	return kprobe_offered ? 0 : -ENOMEM;
}

static void kprobes_free(void)
{
	kfree(kprobe_offered);
	kprobe_offered = NULL;
}
