/* Fields of a struct irqaction named by address, for the irq_handler.entry/exit probes
   of tapset/irq.stp (their tracepoints pass the action as a pointer). Read without
   faulting; a bad address is a script error. */
#include <linux/interrupt.h>

#define IRQA_FIELD(f) { offsetof(struct irqaction, f), sizeof(((struct irqaction *)0)->f) }

/* In the order of tapset/irq.stp's field numbers. */
static const struct { unsigned short offset, size; } irqaction_fields[] = {
	IRQA_FIELD(handler), IRQA_FIELD(flags), IRQA_FIELD(name), IRQA_FIELD(dev_id),
	IRQA_FIELD(next), IRQA_FIELD(dir), IRQA_FIELD(thread_fn), IRQA_FIELD(thread),
	IRQA_FIELD(thread_flags),
};

int64_t tap_fn_irqaction_field(struct tap_ctx *c, int64_t action, int64_t field)
{
	uint64_t v = 0; /* x86 is little-endian: a narrower field fills the low bytes */
	if (field < 0 || field >= (int64_t)ARRAY_SIZE(irqaction_fields)) {
		tap_error(c, "no such irqaction field", NULL);
		return 0;
	}
	if (copy_from_kernel_nofault(&v, (const char *)(uintptr_t)action + irqaction_fields[field].offset,
				     irqaction_fields[field].size))
		fault(c, "irqaction", action);
	return (int64_t)v;
}
