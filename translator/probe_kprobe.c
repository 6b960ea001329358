/* kprobe.function("sym") and kprobe.function("sym").return: by symbol name, resolved by
   the target kernel when the module arms the probe. A pattern (`*`, `?`, `[...]`) stays
   one site: the build host does not know the target's functions, so tapio expands it
   against the target's /proc/kallsyms when the session starts. */
#include <string.h>
#include "diag.h"
#include "probes.h"

int probe_kprobe_match(struct probe *p, struct probe_point *pp, struct site ***tail)
{
	const struct probe_comp *c = pp->comps;
	if (strcmp(c->name, "kprobe"))
		return 0;
	c = c->next;
	if (!c || strcmp(c->name, "function") || !c->arg || c->arg->kind != N_STR) {
		diag_error(pp->loc, "probe point '%s': expected kprobe.function(\"name\")", probe_point_text(pp));
		return 1;
	}
	const char *sym = c->arg->str;
	int ret = 0, maxactive = 0;
	for (c = c->next; c; c = c->next) {
		if (!strcmp(c->name, "return") && !c->arg) {
			ret = 1;
		} else if (!strcmp(c->name, "maxactive") && c->arg && c->arg->kind == N_NUM && ret) {
			maxactive = (int)c->arg->num;
		} else {
			diag_error(pp->loc, "probe point '%s': unexpected '%s'", probe_point_text(pp), c->name);
			return 1;
		}
	}
	struct site *s = site_add(p, pp, ret ? "TAP_PROBE_KRETPROBE" : "TAP_PROBE_KPROBE", tail);
	s->symbol = sym;
	s->maxactive = maxactive;
	return 1;
}
