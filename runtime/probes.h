/* The probe table every generated module carries; the platform glue registers it. */
#ifndef TAP_PROBES_H
#define TAP_PROBES_H

#include "context.h"

enum tap_probe_kind { TAP_PROBE_BEGIN, TAP_PROBE_END, TAP_PROBE_ERROR, TAP_PROBE_NEVER };

struct tap_probe {
	void (*handler)(struct tap_ctx *c);
	enum tap_probe_kind kind;
	long priority;          /* begin(N)/end(N)/error(N): lower runs first */
	const char *pp;         /* the probe point as written, for pp() */
};

#endif
