/* kprobe.function("sym") and kprobe.function("sym").return: by symbol name, resolved by
   the target kernel when the module arms the probe. A pattern (`*`, `?`, `[...]`) stays
   one site: the build host does not know the target's functions, so tapio expands it
   against the target's /proc/kallsyms when the session starts.

   kernel.function("sym")[.call][.return] and module("mod").function("sym")[.return] are
   the same kprobes ("mod:sym" for a module's function): what SystemTap does with them
   without debuginfo. What needs debuginfo ("sym@file:line", .inline, .statement,
   $parameters) is refused with a reason; $return works in .return probes. */
#include <string.h>
#include "diag.h"
#include "kernel_btf.h"
#include "probes.h"

/* kernel.function(...) or module("m").function(...): the symbol to probe, or NULL. */
static const char *function_symbol(const struct probe_point *pp, const struct probe_comp **rest)
{
	const struct probe_comp *c = pp->comps, *f = c->next;
	const char *why = NULL;
	if (!f || strcmp(f->name, "function"))
		return NULL;
	if (!f->arg || f->arg->kind != N_STR)
		why = "expected function(\"NAME\")";
	else if (strpbrk(f->arg->str, "@:"))
		why = "a source file or line needs the kernel's debuginfo, which tapc does not read";
	else if (c->arg && (c->arg->kind != N_STR || strpbrk(c->arg->str, "*?[/")))
		why = "module(\"NAME\") needs one module's name";
	if (why) {
		if (!pp->optional) /* `?`: a point that cannot be resolved is left out */
			diag_error(pp->loc, "probe point '%s': %s", probe_point_text(pp), why);
		return "";
	}
	*rest = f->next;
	return c->arg ? xasprintf("%s:%s", c->arg->str, f->arg->str) : f->arg->str;
}

int probe_kprobe_match(struct probe *p, struct probe_point *pp, struct site ***tail)
{
	const struct probe_comp *c = pp->comps;
	const char *sym;
	if (!strcmp(c->name, "kprobe")) {
		c = c->next;
		if (!c || strcmp(c->name, "function") || !c->arg || c->arg->kind != N_STR) {
			diag_error(pp->loc, "probe point '%s': expected kprobe.function(\"name\")", probe_point_text(pp));
			return 1;
		}
		sym = c->arg->str;
		c = c->next;
	} else if ((!strcmp(c->name, "kernel") && !c->arg) || (!strcmp(c->name, "module") && c->arg)) {
		sym = function_symbol(pp, &c);
		if (!sym)
			return 0;
		if (!*sym)
			return 1;
		if (probe_env.user_runtime) {
			diag_error(pp->loc, "probe point '%s': kernel functions need the kernel runtime",
				   probe_point_text(pp));
			return 1;
		}
	} else {
		return 0;
	}
	int ret = 0, maxactive = 0;
	for (; c; c = c->next) {
		if (!strcmp(c->name, "return") && !c->arg && !ret) {
			ret = 1;
		} else if (!strcmp(c->name, "maxactive") && c->arg && c->arg->kind == N_NUM && ret) {
			maxactive = (int)c->arg->num;
		} else if (!strcmp(c->name, "call") && !c->arg && !ret && strcmp(pp->comps->name, "kprobe")) {
			/* not an inlined copy: kprobes only ever probe the real function */
		} else if (!strcmp(c->name, "inline") && strcmp(pp->comps->name, "kprobe")) {
			diag_error(pp->loc, "probe point '%s': inlined copies of a function need the kernel's "
				   "debuginfo, which tapc does not read", probe_point_text(pp));
			return 1;
		} else {
			diag_error(pp->loc, "probe point '%s': unexpected '%s'", probe_point_text(pp), c->name);
			return 1;
		}
	}
	/* `?`: a function this kernel does not have (its BTF says) is left out, as SystemTap
	   leaves out what its debuginfo does not have */
	if (pp->optional && strcmp(pp->comps->name, "kprobe") && !strpbrk(sym, "*?[") &&
	    kernel_btf_has_func(sym) == 0)
		return 1;
	struct site *s = site_add(p, pp, ret ? "TAP_PROBE_KRETPROBE" : "TAP_PROBE_KPROBE", tail);
	s->symbol = sym;
	s->maxactive = maxactive;
	/* One kernel function: its parameters are the BTF's (kernel_btf.c), read at the
	   entry (in a .return probe too, as SystemTap does). */
	if (strcmp(pp->comps->name, "kprobe") && !strpbrk(sym, "*?["))
		s->btf_func = sym;
	return 1;
}
