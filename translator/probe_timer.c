/* timer.{s,ms,us,ns,hz,jiffies}(N)[.randomize(M)] and timer.profile */
#include <string.h>
#include "diag.h"
#include "probes.h"

static int64_t number_arg(const struct probe_point *pp, const struct probe_comp *c)
{
	if (!c->arg || c->arg->kind != N_NUM || c->arg->num <= 0) {
		diag_error(pp->loc, "probe point '%s' needs a positive number in %s(N)", probe_point_text(pp), c->name);
		return 0;
	}
	return c->arg->num;
}

int probe_timer_match(struct probe *p, struct probe_point *pp, struct site ***tail)
{
	static const struct { const char *unit; int64_t ns; } units[] = {
		{ "s", 1000000000LL }, { "sec", 1000000000LL }, { "ms", 1000000LL }, { "msec", 1000000LL },
		{ "us", 1000LL }, { "usec", 1000LL }, { "ns", 1LL }, { "nsec", 1LL },
		{ "hz", 0 }, { "jiffies", 0 },
	};
	const struct probe_comp *c = pp->comps;
	if (strcmp(c->name, "timer"))
		return 0;
	c = c->next;
	if (!c) {
		diag_error(pp->loc, "probe point 'timer' needs a unit, such as timer.s(1)");
		return 1;
	}
	if (!strcmp(c->name, "profile") && !c->arg && !c->next) {
		site_add(p, pp, "TAP_PROBE_PROFILE", tail);
		return 1;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(c->name, units[i].unit))
			continue;
		int64_t n = number_arg(pp, c);
		if (!n)
			return 1;
		const char *kind = "TAP_PROBE_TIMER";
		int64_t period, scale = units[i].ns;
		if (!strcmp(c->name, "hz")) {
			period = 1000000000LL / n;
			scale = 0;
		} else if (!strcmp(c->name, "jiffies")) {
			kind = "TAP_PROBE_TIMER_JIFFIES";
			period = n;
			scale = 1;
		} else {
			period = n * scale;
		}
		int64_t randomize = 0;
		if (c->next) {
			if (strcmp(c->next->name, "randomize") || c->next->next) {
				diag_error(pp->loc, "probe point '%s': only .randomize(N) may follow the period", probe_point_text(pp));
				return 1;
			}
			randomize = number_arg(pp, c->next);
			if (scale > 1)
				randomize *= scale;
		}
		struct site *s = site_add(p, pp, kind, tail);
		s->period = period;
		s->randomize = randomize;
		return 1;
	}
	diag_error(pp->loc, "probe point '%s': unknown timer unit '%s'", probe_point_text(pp), c->name);
	return 1;
}
