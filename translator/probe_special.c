/* The probe points that are not events in the kernel: begin, end, error, never, and
   __input, one byte of the session's standard input (tapset/input.stp's input.char
   and input.line are aliases of it). */
#include <string.h>
#include "diag.h"
#include "probes.h"

int probe_special_match(struct probe *p, struct probe_point *pp, struct site ***tail)
{
	static const struct { const char *name, *kind; } families[] = {
		{ "begin", "TAP_PROBE_BEGIN" }, { "end", "TAP_PROBE_END" },
		{ "error", "TAP_PROBE_ERROR" }, { "never", "TAP_PROBE_NEVER" },
		{ "__input", "TAP_PROBE_INPUT" },
	};
	struct probe_comp *c = pp->comps;
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
		if (strcmp(c->name, families[i].name))
			continue;
		if (c->next) {
			diag_error(pp->loc, "probe point '%s' has unexpected parts after '%s'",
				   probe_point_text(pp), c->name);
			return 1;
		}
		long priority = 0;
		if (c->arg) {
			if (c->arg->kind != N_NUM || i >= 3) {
				diag_error(pp->loc, "probe point '%s' takes no such argument", probe_point_text(pp));
				return 1;
			}
			priority = (long)c->arg->num;
		}
		site_add(p, pp, families[i].kind, tail)->priority = priority;
		return 1;
	}
	return 0;
}
