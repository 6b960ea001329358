/* Registers and arguments without debuginfo: register("rdi"), u_register(), int_arg(N)
   and its kin (the x86_64 SysV argument registers, then the stack), and the SDT
   marker arguments of process(...).mark probes ($arg1: "-4@%edi", "8@-16(%rbp)"). */

/* The pt_regs the probe has: a kprobe's or timer.profile's, a uprobe's user registers;
   NULL for probes without registers. */
static struct pt_regs *probe_regs(struct tap_ctx *c)
{
	const struct tap_probe *p = c->probe;
	if (!p || !c->regs)
		return NULL;
	switch (p->kind) {
	case TAP_PROBE_KPROBE: case TAP_PROBE_KRETPROBE: case TAP_PROBE_PROFILE:
	case TAP_PROBE_UPROBE: case TAP_PROBE_URETPROBE:
		return c->regs;
	default:
		return NULL;
	}
}

int64_t tap_fn_registers_valid(struct tap_ctx *c)
{
	return probe_regs(c) != NULL;
}

/* A register by any of its names; width is 8, 4, 2 or 1 bytes, shift the byte it starts
   at ("ah" is byte 1 of rax). */
static const struct { const char *name; unsigned short off; unsigned char width, shift; } reg_names[] = {
#define R64(n, f) { n, offsetof(struct pt_regs, f), 8, 0 }
#define R32(n, f) { n, offsetof(struct pt_regs, f), 4, 0 }
#define R16(n, f) { n, offsetof(struct pt_regs, f), 2, 0 }
	R64("r15", r15), R64("r14", r14), R64("r13", r13), R64("r12", r12), R64("rbp", bp),
	R64("rbx", bx), R64("r11", r11), R64("r10", r10), R64("r9", r9), R64("r8", r8),
	R64("rax", ax), R64("rcx", cx), R64("rdx", dx), R64("rsi", si), R64("rdi", di),
	R64("orig_rax", orig_ax), R64("rip", ip), R64("xcs", cs), R64("eflags", flags),
	R64("rsp", sp), R64("xss", ss),
	R32("ebp", bp), R32("ebx", bx), R32("eax", ax), R32("ecx", cx), R32("edx", dx),
	R32("esi", si), R32("edi", di), R32("orig_eax", orig_ax), R32("eip", ip), R32("esp", sp),
	R16("bp", bp), R16("bx", bx), R16("ax", ax), R16("cx", cx), R16("dx", dx), R16("si", si),
	R16("di", di), R16("orig_ax", orig_ax), R16("ip", ip), R16("cs", cs), R16("flags", flags),
	R16("sp", sp), R16("ss", ss),
	{ "al", offsetof(struct pt_regs, ax), 1, 0 }, { "ah", offsetof(struct pt_regs, ax), 1, 1 },
	{ "bl", offsetof(struct pt_regs, bx), 1, 0 }, { "bh", offsetof(struct pt_regs, bx), 1, 1 },
	{ "cl", offsetof(struct pt_regs, cx), 1, 0 }, { "ch", offsetof(struct pt_regs, cx), 1, 1 },
	{ "dl", offsetof(struct pt_regs, dx), 1, 0 }, { "dh", offsetof(struct pt_regs, dx), 1, 1 },
#undef R64
#undef R32
#undef R16
};

/* The value of a size-byte quantity v, sign-extended when size is negative. */
int64_t tap_sdt_value(int64_t v, int size)
{
	switch (size) {
	case -1: return (s8)v;
	case 1: return (u8)v;
	case -2: return (s16)v;
	case 2: return (u16)v;
	case -4: return (s32)v;
	case 4: return (u32)v;
	default: return v;
	}
}

static int64_t read_register(struct tap_ctx *c, const char *name, int sign_extend)
{
	struct pt_regs *regs = probe_regs(c);
	unsigned long v;
	if (!regs) {
		tap_error(c, "cannot access CPU registers in this context", NULL);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(reg_names); i++) {
		if (strcmp(reg_names[i].name, name))
			continue;
		memcpy(&v, (char *)regs + reg_names[i].off, sizeof v);
		v >>= 8 * reg_names[i].shift;
		return tap_sdt_value((int64_t)v, sign_extend ? -reg_names[i].width : reg_names[i].width);
	}
	snprintf(c->errbuf, sizeof c->errbuf, "Unknown register: %s", name);
	tap_error(c, c->errbuf, NULL);
	return 0;
}

int64_t tap_fn_register(struct tap_ctx *c, const char *name) { return read_register(c, name, 1); }
int64_t tap_fn_u_register(struct tap_ctx *c, const char *name) { return read_register(c, name, 0); }

/* Argument n (from 1) of the probed function: rdi, rsi, rdx, rcx, r8, r9, then the
   stack above the return address; a system call's are rdi, rsi, rdx, r10, r8, r9. */
static int64_t read_arg(struct tap_ctx *c, int64_t n, int size)
{
	const struct tap_probe *p = c->probe;
	struct pt_regs *regs = probe_regs(c);
	int syscall = p && c->regs && (p->kind == TAP_PROBE_SYSCALL || p->kind == TAP_PROBE_SYSCALL_RETURN);
	unsigned long v;
	if (syscall)
		regs = c->regs;
	if (!regs) {
		tap_error(c, "cannot access function args in this context", NULL);
		return 0;
	}
	switch (n) {
	case 1: v = regs->di; break;
	case 2: v = regs->si; break;
	case 3: v = regs->dx; break;
	case 4: v = syscall ? regs->r10 : regs->cx; break;
	case 5: v = regs->r8; break;
	case 6: v = regs->r9; break;
	default:
		if (n < 1 || syscall) {
			snprintf(c->errbuf, sizeof c->errbuf, "cannot access arg(%lld)", (long long)n);
			tap_error(c, c->errbuf, NULL);
			return 0;
		}
		v = (unsigned long)read_number(c, (int64_t)(regs->sp + 8 * (n - 6)), 8, user_mode(regs));
	}
	return tap_sdt_value((int64_t)v, size);
}

int64_t tap_fn_int_arg(struct tap_ctx *c, int64_t n) { return read_arg(c, n, -4); }
int64_t tap_fn_uint_arg(struct tap_ctx *c, int64_t n) { return read_arg(c, n, 4); }
int64_t tap_fn_long_arg(struct tap_ctx *c, int64_t n) { return read_arg(c, n, 8); }

/* SDT arguments: a register (at offset off of pt_regs), or size bytes of user memory
   at that register plus disp. */
int64_t tap_sdt_reg(struct tap_ctx *c, size_t off, int size)
{
	struct pt_regs *regs = probe_regs(c);
	unsigned long v;
	if (!regs)
		return 0;
	memcpy(&v, (char *)regs + off, sizeof v);
	return tap_sdt_value((int64_t)v, size);
}

int64_t tap_sdt_mem(struct tap_ctx *c, size_t off, int64_t disp, int size)
{
	int64_t base = tap_sdt_reg(c, off, 8);
	int64_t v;
	int bytes = size < 0 ? -size : size;
	if (!probe_regs(c))
		return 0;
	v = read_number(c, base + disp, bytes, 1);
	return tap_sdt_value(v, size);
}
