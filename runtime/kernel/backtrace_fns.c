/* Kernel backtraces and kernel symbol data: backtrace(), sprint_backtrace(),
   print_backtrace(), symdata(), stack() and the printing of address lists
   (print_stack/sprint_stack). The stack is walked by the kernel's own unwinder
   (ORC on Debian), from the probe's registers when it has kernel ones (kprobe,
   kretprobe, timer.profile), else from here, leaving out tapc's own frames. Names
   come from kallsyms, so modules built for the running kernel need no debuginfo
   (print_stack(s) and its kin are in ../stack_syms.c).
   Lines follow SystemTap 4.8's layouts; like it on a kernel without frame pointers,
   frames the unwinder found (all but the probe's own address) say " (inexact)". */
#include <asm/unwind.h>

/* The function a kretprobe on this CPU is returning from (probe_kprobe.c sets it). */
static DEFINE_PER_CPU(unsigned long, bt_returning_from);

/* The kernel registers the probe stopped at; NULL when it has none (or user ones). */
static struct pt_regs *bt_kernel_regs(struct tap_ctx *c)
{
	const struct tap_probe *p = c->probe;
	struct pt_regs *regs = c->regs;
	if (!p || !regs || (p->kind != TAP_PROBE_KPROBE && p->kind != TAP_PROBE_KRETPROBE &&
			    p->kind != TAP_PROBE_PROFILE))
		return NULL;
	return regs;
}

/* Fills pc[] with at most max return addresses, innermost first; *exact says whether
   pc[0] is the probe's own address (from its registers). Returns how many. */
static int bt_kernel_frames(struct tap_ctx *c, unsigned long *pc, int max, int *exact)
{
	struct unwind_state state;
	struct pt_regs *regs = bt_kernel_regs(c);
	int n = 0;
	*exact = 0;
	if (regs) {
		if (user_mode(regs))
			return 0; /* timer.profile in user space: no kernel stack to show */
		pc[n++] = instruction_pointer(regs);
		*exact = 1;
	}
	/* With regs the unwinder starts at the caller of regs' frame; without, here. */
	for (unwind_start(&state, current, regs, NULL); !unwind_done(&state) && n < max;
	     unwind_next_frame(&state)) {
		unsigned long a = unwind_get_return_address(&state);
		if (!a)
			break;
		if (!regs && n == 0 && within_module(a, THIS_MODULE))
			continue; /* the runtime's own frames above the probe */
		pc[n++] = a;
	}
	return n;
}

/* One kernel address's symbol, split out of sprint_symbol()'s
   "name+0xoff/0xsize [module]". */
struct bt_ksym {
	char buf[KSYM_SYMBOL_LEN];
	const char *name, *module;
	unsigned long offset, size;
};

static int bt_ksym_lookup(unsigned long addr, struct bt_ksym *s)
{
	char *plus, *slash, *mod;
	sprint_symbol(s->buf, addr);
	s->module = "kernel";
	mod = strstr(s->buf, " [");
	if (mod) {
		*mod = '\0';
		s->module = mod + 2;
		mod = strchr(s->module, ']');
		if (mod)
			*mod = '\0';
	}
	plus = strrchr(s->buf, '+');
	slash = plus ? strchr(plus, '/') : NULL;
	if (!plus || !slash || plus == s->buf)
		return 0; /* no symbol: sprint_symbol gave the bare address */
	*plus = '\0';
	*slash = '\0';
	s->name = s->buf;
	if (kstrtoul(plus + 1, 16, &s->offset) || kstrtoul(slash + 1, 16, &s->size))
		return 0;
	return 1;
}

/* How an address is shown: SystemTap's layouts for these functions. */
enum bt_style {
	BT_HEX,    /* backtrace(): "0xADDR " */
	BT_SIMPLE, /* sprint_backtrace(): "name+0xOFF [module]\n" */
	BT_FULL,   /* print_backtrace(): " 0xADDR : name+0xOFF/0xSIZE [module]\n" */
	BT_DATA,   /* symdata(): "name+0xOFF/0xSIZE [module]" */
};

/* Writes addr in style into line (KSYM_SYMBOL_LEN + 64 bytes). */
static void bt_kernel_line(char *line, size_t len, unsigned long addr, enum bt_style style, int inexact)
{
	struct bt_ksym s;
	const char *ex = inexact ? " (inexact)" : "";
	if (style == BT_HEX) {
		snprintf(line, len, "0x%lx ", addr);
		return;
	}
	if (!bt_ksym_lookup(addr, &s)) {
		snprintf(line, len, "%s0x%lx%s%s", style == BT_FULL ? " " : "", addr,
			 style == BT_DATA ? "" : ex, style == BT_DATA ? "" : "\n");
		return;
	}
	switch (style) {
	case BT_SIMPLE:
		snprintf(line, len, "%s+0x%lx [%s]%s\n", s.name, s.offset, s.module, ex);
		break;
	case BT_FULL:
		snprintf(line, len, " 0x%lx : %s+0x%lx/0x%lx [%s]%s\n", addr, s.name, s.offset,
			 s.size, s.module, ex);
		break;
	default:
		snprintf(line, len, "%s+0x%lx/0x%lx [%s]", s.name, s.offset, s.size, s.module);
		break;
	}
}

#define BT_LINE_LEN (KSYM_SYMBOL_LEN + 64)

/* Appends s to the MAXSTRINGLEN string out of length *used, cutting it at the end. */
static void bt_append(char *out, size_t *used, const char *s)
{
	size_t n = strlen(s);
	if (*used + n > MAXSTRINGLEN - 1)
		n = MAXSTRINGLEN - 1 - *used;
	memcpy(out + *used, s, n);
	*used += n;
	out[*used] = '\0';
}

/* The current kernel stack in style: into out (a MAXSTRINGLEN string), or printed
   whole when out is NULL. */
static const char *bt_kernel(struct tap_ctx *c, char *out, enum bt_style style)
{
	unsigned long pc[MAXBACKTRACE];
	char line[BT_LINE_LEN];
	size_t used = 0;
	int exact, i, n = bt_kernel_frames(c, pc, MAXBACKTRACE, &exact);
	if (out)
		out[0] = '\0';
	if (!out && c->probe && c->probe->kind == TAP_PROBE_KRETPROBE && n > 0) {
		/* SystemTap's print_backtrace() in a return probe names both ends */
		tap_print_str(c, "Returning from: ");
		bt_kernel_line(line, sizeof line, this_cpu_read(bt_returning_from), style, 0);
		tap_print_mem(c, line, strlen(line));
		tap_print_str(c, "Returning to  : ");
	}
	for (i = 0; i < n; i++) {
		bt_kernel_line(line, sizeof line, pc[i], style, i > 0 || !exact);
		if (out)
			bt_append(out, &used, line);
		else
			tap_print_mem(c, line, strlen(line));
	}
	return out;
}

const char *tap_fn_backtrace(struct tap_ctx *c, char *out) { return bt_kernel(c, out, BT_HEX); }
const char *tap_fn_sprint_backtrace(struct tap_ctx *c, char *out) { return bt_kernel(c, out, BT_SIMPLE); }
void tap_fn_print_backtrace(struct tap_ctx *c) { bt_kernel(c, NULL, BT_FULL); }

const char *tap_fn_symdata(struct tap_ctx *c, char *out, int64_t addr)
{
	char line[BT_LINE_LEN];
	bt_kernel_line(line, sizeof line, (unsigned long)addr, BT_DATA, 0);
	return tap_strcpy(out, line);
}

/* stack(n): the n-th address of backtrace(), 0 the innermost. */
int64_t tap_fn_stack(struct tap_ctx *c, int64_t n)
{
	unsigned long pc[MAXBACKTRACE];
	int exact, got = 0;
	if (n >= 0 && n < MAXBACKTRACE)
		got = bt_kernel_frames(c, pc, (int)n + 1, &exact);
	return tap_nth_frame(c, pc, got, n);
}

const char *tap_fn_callers(struct tap_ctx *c, char *out, int64_t n)
{
	unsigned long pc[MAXBACKTRACE];
	int exact;
	return tap_callers(c, out, pc, bt_kernel_frames(c, pc, MAXBACKTRACE, &exact), n);
}
