/* The life of a session, shared by both platforms: begin probes in priority order,
   errors, exit, then end (or error) probes. Included after the generated probe table. */

enum tap_state { TAP_STARTING, TAP_RUNNING, TAP_STOPPING, TAP_ERRORED };

static int tap_state = TAP_STARTING;
static uint64_t tap_errors;

/* Platform layer: an error or warning line for the user's stderr. */
static void tap_output_err(struct tap_ctx *c, const char *text, size_t len);

static int tap_get_state(void)
{
	return __atomic_load_n(&tap_state, __ATOMIC_ACQUIRE);
}

static void tap_set_state(int s)
{
	__atomic_store_n(&tap_state, s, __ATOMIC_RELEASE);
}

/* exit(): the remaining begin probes are skipped and the session ends. */
void tap_script_exit(void)
{
	int s = TAP_STARTING;
	if (!__atomic_compare_exchange_n(&tap_state, &s, TAP_STOPPING, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		s = TAP_RUNNING;
		__atomic_compare_exchange_n(&tap_state, &s, TAP_STOPPING, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	}
	tap_request_exit();
}

static void tap_report_error(struct tap_ctx *c)
{
	char line[MAXSTRINGLEN + 256];
	struct tap_fmt_arg args[2] = { { 1, 0, c->error }, { 1, 0, c->error_near } };
	size_t n = tap_format(line, sizeof line, c->error_near ? "ERROR: %s near %s\n" : "ERROR: %s\n",
			      args, c->error_near ? 2 : 1);
	if (n >= sizeof line)
		n = sizeof line - 1;
	tap_output_err(c, line, n);
	/* MAXERRORS is how many errors are tolerated before the script stops. */
	if (__atomic_add_fetch(&tap_errors, 1, __ATOMIC_RELAXED) > MAXERRORS) {
		tap_set_state(TAP_ERRORED);
		tap_request_exit();
	}
}

/* The hashes of the warnings already shown: SystemTap shows each text once. Filled
   without a lock (a probe may warn on every CPU); when full, warnings are shown. */
#define TAP_WARNED_SLOTS 256
static uint64_t tap_warned[TAP_WARNED_SLOTS];

static int tap_warned_before(const char *text, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
	h |= 1; /* 0 marks a free slot */
	for (size_t i = 0; i < TAP_WARNED_SLOTS; i++) {
		uint64_t *slot = &tap_warned[(h + i) % TAP_WARNED_SLOTS], seen = 0;
		if (__atomic_compare_exchange_n(slot, &seen, h, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return 0;
		if (seen == h)
			return 1;
	}
	return 0;
}

/* warn(msg): "WARNING: msg" on the user's stderr, once per text; the script goes on.
   A newline ending msg is the line's own. */
void tap_fn_warn(struct tap_ctx *c, const char *msg)
{
	static const char prefix[] = "WARNING: ";
	char line[sizeof prefix + MAXSTRINGLEN];
	size_t len = strnlen(msg, MAXSTRINGLEN - 1), n = sizeof prefix - 1;
	if (len && msg[len - 1] == '\n')
		len--;
	if (tap_warned_before(msg, len))
		return;
	memcpy(line, prefix, n);
	memcpy(line + n, msg, len);
	n += len;
	line[n++] = '\n';
	tap_output_err(c, line, n);
}

/* The byte an input probe (tapset/input.stp) is handling, as a one-character string. */
const char *tap_fn_input_char(struct tap_ctx *c, char *out)
{
	out[0] = (char)c->input_byte;
	out[1] = '\0';
	return out;
}

/* pn(): the probe point as the script named it, an alias's own name included. */
const char *tap_fn_pn(struct tap_ctx *c, char *out)
{
	if (!c->probe)
		return tap_strcpy(out, "");
	return tap_strcpy(out, c->probe->pn ? c->probe->pn : c->probe->pp);
}

/* umodname(addr): tapc keeps no table of the user-space modules (SystemTap's -d),
   so, as SystemTap without one, it cannot name one. */
const char *tap_fn_umodname(struct tap_ctx *c, char *out, int64_t addr)
{
	(void)addr;
	tap_error(c, "module cannot be found", NULL);
	return tap_strcpy(out, "<unknown>");
}

static int tap_has_input_probes(void)
{
	for (int i = 0; i < tap_nprobes; i++)
		if (tap_probes[i].kind == TAP_PROBE_INPUT)
			return 1;
	return 0;
}

/* Runs one handler on a prepared context, then sends its output and any error. */
static void tap_run_probe(struct tap_ctx *c, const struct tap_probe *p)
{
	c->actions = 0;
	c->error = NULL;
	c->error_near = NULL;
	c->fatal = 0;
	c->depth = 0;
	c->probe = p;
	p->handler(c);
	tap_free_owned(c);
	if (c->olen)
		tap_output_flush(c);
	if (c->error)
		tap_report_error(c);
}

/* Is probe i after probe j in run order: priority, then the script's order? */
static int runs_after(int i, int j)
{
	return tap_probes[i].priority != tap_probes[j].priority ? tap_probes[i].priority > tap_probes[j].priority
								: i > j;
}

/* Runs every probe of a kind, lowest priority first, while the state allows. */
static void tap_run_kind(struct tap_ctx *c, enum tap_probe_kind kind, int state)
{
	for (int last = -1;;) {
		int best = -1;
		for (int i = 0; i < tap_nprobes; i++)
			if (tap_probes[i].kind == kind && (last < 0 || runs_after(i, last)) &&
			    (best < 0 || runs_after(best, i)))
				best = i;
		if (best < 0 || tap_get_state() != state)
			return;
		last = best;
		tap_run_probe(c, &tap_probes[best]);
	}
}

static void tap_session_begin(struct tap_ctx *c)
{
	tap_run_kind(c, TAP_PROBE_BEGIN, TAP_STARTING);
	if (tap_get_state() == TAP_STARTING)
		tap_set_state(TAP_RUNNING);
}

/* After an error only error probes run; otherwise end probes, then the
   automatic display of globals that were written but never read. */
static void tap_session_end(struct tap_ctx *c)
{
	if (tap_get_state() == TAP_ERRORED) {
		tap_run_kind(c, TAP_PROBE_ERROR, TAP_ERRORED);
		return;
	}
	tap_set_state(TAP_STOPPING);
	tap_run_kind(c, TAP_PROBE_END, TAP_STOPPING);
	if (tap_get_state() != TAP_STOPPING)
		return;
	static const struct tap_probe autoprint = { tap_autoprint, TAP_PROBE_END, 0, "end" };
	tap_run_probe(c, &autoprint);
}
