/* timer.s/ms/us/ns/hz(N) and timer.jiffies(N) as hrtimers, each with an optional
   .randomize(M); timer.profile as a pinned hrtimer on every CPU at the tick rate. */
#include <linux/hrtimer.h>
#include <linux/random.h>
#include <asm/irq_regs.h>

struct tap_timer {
	struct hrtimer t;
	const struct tap_probe *p;
};

static struct tap_timer *timers;        /* one per timer probe */
static int ntimers;
static DEFINE_PER_CPU(struct tap_timer, profile_timer);
static const struct tap_probe *profile_probes[8];
static int nprofile;

static ktime_t timer_period(const struct tap_probe *p)
{
	u64 ns = p->kind == TAP_PROBE_TIMER_JIFFIES ? jiffies_to_nsecs(p->period) : (u64)p->period;
	if (p->randomize > 0)
		ns += get_random_u64() % (u64)(p->randomize + 1);
	return ns_to_ktime(ns ? ns : 1);
}

static enum hrtimer_restart timer_fire(struct hrtimer *t)
{
	struct tap_timer *tt = container_of(t, struct tap_timer, t);
	tap_event_hit(tt->p, NULL);
	hrtimer_forward_now(t, timer_period(tt->p));
	return HRTIMER_RESTART;
}

static enum hrtimer_restart profile_fire(struct hrtimer *t)
{
	for (int i = 0; i < nprofile; i++)
		tap_event_hit(profile_probes[i], get_irq_regs());
	hrtimer_forward_now(t, ns_to_ktime(TICK_NSEC));
	return HRTIMER_RESTART;
}

static void profile_start_on_cpu(void *unused)
{
	struct tap_timer *tt = this_cpu_ptr(&profile_timer);
	hrtimer_init(&tt->t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	tt->t.function = profile_fire;
	hrtimer_start(&tt->t, ns_to_ktime(TICK_NSEC), HRTIMER_MODE_REL_PINNED);
}

static int timers_register(void)
{
	int n = 0;
	for (int i = 0; i < tap_nprobes; i++)
		n += tap_probes[i].kind == TAP_PROBE_TIMER || tap_probes[i].kind == TAP_PROBE_TIMER_JIFFIES;
	if (n) {
		timers = kcalloc(n, sizeof *timers, GFP_KERNEL);
		if (!timers)
			return -ENOMEM;
	}
	for (int i = 0; i < tap_nprobes; i++) {
		const struct tap_probe *p = &tap_probes[i];
		if (p->kind == TAP_PROBE_PROFILE && nprofile < (int)ARRAY_SIZE(profile_probes))
			profile_probes[nprofile++] = p;
		if (p->kind != TAP_PROBE_TIMER && p->kind != TAP_PROBE_TIMER_JIFFIES)
			continue;
		struct tap_timer *tt = &timers[ntimers++];
		tt->p = p;
		hrtimer_init(&tt->t, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		tt->t.function = timer_fire;
		hrtimer_start(&tt->t, timer_period(p), HRTIMER_MODE_REL);
	}
	if (nprofile)
		on_each_cpu(profile_start_on_cpu, NULL, 1);
	return 0;
}

static void timers_unregister(void)
{
	for (int i = 0; i < ntimers; i++)
		hrtimer_cancel(&timers[i].t);
	ntimers = 0;
	kfree(timers);
	timers = NULL;
	if (nprofile) {
		int cpu;
		for_each_online_cpu(cpu)
			hrtimer_cancel(&per_cpu_ptr(&profile_timer, cpu)->t);
		nprofile = 0;
	}
}
