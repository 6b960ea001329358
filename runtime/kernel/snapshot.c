/* /proc/tapc-NAME/dict and /aggs: tapio reads the aggregation dictionary and a
   snapshot of every CPU's data sets while the probes keep running (seed 000's consumer
   side). The snapshot is taken when the file is opened. */
#include <linux/seq_file.h>

struct snap {
	char *buf;
	size_t len;
};

static size_t snap_entry_size(const struct tap_agg_spec *sp, const union tap_key *k)
{
	size_t size = sizeof(struct tap_snap_hdr) + (TAP_SNAP_STAT_WORDS + sp->nbuckets) * 8;
	for (int i = 0; i < sp->nkeys; i++)
		size += sp->ktypes[i] == TAP_T_STR ? 2 + strnlen(k[i].s, MAXSTRINGLEN - 1) : 8;
	return size;
}

/* Puts one data set (its value in scratch) at out + used; returns its size. */
static size_t snap_put(char *p, int id, int cpu, size_t size, const struct tap_stat *scratch,
		       const union tap_key *k)
{
	const struct tap_agg_spec *sp = &tap_aggs.specs[id];
	struct tap_snap_hdr h = { (uint16_t)id, (uint16_t)cpu, (uint32_t)size };
	memcpy(p, &h, sizeof h);
	p += sizeof h;
	memcpy(p, scratch, (TAP_SNAP_STAT_WORDS + sp->nbuckets) * 8);
	p += (TAP_SNAP_STAT_WORDS + sp->nbuckets) * 8;
	for (int j = 0; j < sp->nkeys; j++) {
		if (sp->ktypes[j] == TAP_T_STR) {
			uint16_t n = (uint16_t)strnlen(k[j].s, MAXSTRINGLEN - 1);
			memcpy(p, &n, 2);
			memcpy(p + 2, k[j].s, n);
			p += 2 + n;
		} else {
			memcpy(p, &k[j].l, 8);
			p += 8;
		}
	}
	return size;
}

/* Walks every live data set; with out == NULL only measures. */
static size_t snap_walk(char *out, size_t cap, struct tap_stat *scratch)
{
	size_t used = 0;
	/* Statistics without keys: each CPU's own copy. */
	for (int id = 0; id < tap_naggs; id++) {
		const struct tap_agg_spec *sp = &tap_aggs.specs[id];
		if (sp->nkeys || !tap_aggs.one || !tap_aggs.one[id])
			continue;
		for (int cpu = 0; cpu < tap_aggs.ncpus; cpu++) {
			size_t size = snap_entry_size(sp, NULL);
			if (!cpu_possible(cpu))
				continue;
			if (!out) {
				used += size;
				continue;
			}
			if (used + size > cap)
				return used;
			if (tap_agg_one_read(&tap_aggs, id, cpu, scratch))
				used += snap_put(out + used, id, cpu, size, scratch, NULL);
		}
	}
	for (int cpu = 0; cpu < tap_aggs.ncpus; cpu++) {
		struct tap_agg_cpu *b = &tap_aggs.cpu[cpu];
		if (!b->buckets)
			continue;
		for (uint32_t i = 0; i < b->nbuckets; i++) {
			int walk = 0;
			for (struct tap_agg_ent *e = READ_ONCE(b->buckets[i]); e && walk < TAP_AGG_MAX_WALK;
			     e = READ_ONCE(e->next), walk++) {
				const struct tap_agg_spec *sp = &tap_aggs.specs[e->id];
				const union tap_key *k = ent_keys(e, sp);
				size_t size = snap_entry_size(sp, k);
				if (!out) {
					used += size;
					continue;
				}
				if (used + size > cap)
					return used; /* appeared since we measured */
				if (!read_ent(&tap_aggs, b, e, scratch, tap_stat_size(sp)) || !scratch->count)
					continue;
				used += snap_put(out + used, e->id, cpu, size, scratch, k);
			}
		}
	}
	return used;
}

static int aggs_open(struct inode *inode, struct file *file)
{
	struct snap *s = kzalloc(sizeof *s, GFP_KERNEL);
	struct tap_stat *scratch = kmalloc(TAP_STAT_WORDS * 8, GFP_KERNEL);
	size_t cap;
	if (!s || !scratch)
		goto nomem;
	cap = snap_walk(NULL, 0, scratch);
	s->buf = cap ? kvmalloc(cap, GFP_KERNEL) : NULL;
	if (cap && !s->buf)
		goto nomem;
	s->len = cap ? snap_walk(s->buf, cap, scratch) : 0;
	kfree(scratch);
	file->private_data = s;
	return 0;
nomem:
	kfree(scratch);
	kfree(s);
	return -ENOMEM;
}

static ssize_t aggs_read(struct file *file, char __user *ubuf, size_t count, loff_t *pos)
{
	struct snap *s = file->private_data;
	return simple_read_from_buffer(ubuf, count, pos, s->buf, s->len);
}

static int aggs_release(struct inode *inode, struct file *file)
{
	struct snap *s = file->private_data;
	kvfree(s->buf);
	kfree(s);
	return 0;
}

static const struct proc_ops aggs_ops = {
	.proc_open = aggs_open,
	.proc_read = aggs_read,
	.proc_release = aggs_release,
	.proc_lseek = default_llseek,
};

static int dict_show(struct seq_file *m, void *v)
{
	for (int i = 0; i < tap_naggs; i++) {
		const struct tap_agg_spec *sp = &tap_agg_specs[i];
		char types[TAP_MAX_KEYS + 1];
		int j;
		for (j = 0; j < sp->nkeys; j++)
			types[j] = sp->ktypes[j] == TAP_T_STR ? 'S' : 'L';
		types[j] = '\0';
		/* histograms and @variance go through tap_stat_add, which keeps all */
		seq_printf(m, "%d %s %d %s %d %lld %lld %lld %d %d\n", i, sp->name, sp->nkeys,
			   sp->nkeys ? types : "-", sp->hist, (long long)sp->start, (long long)sp->stop,
			   (long long)sp->interval, sp->nbuckets,
			   sp->hist || sp->variance ? TAP_KEEP_ALL : sp->keep);
	}
	return 0;
}

static int dict_open(struct inode *inode, struct file *file)
{
	return single_open(file, dict_show, NULL);
}

static const struct proc_ops dict_ops = {
	.proc_open = dict_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};
