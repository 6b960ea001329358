/* User-space glue (--runtime=user): the same generated probes run as an ordinary
   program. Only begin/end/error and input probes exist here; output goes straight to
   stdout. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "run_detached.h"
#include "session.c"
#include "context_fns.c"

static volatile sig_atomic_t exit_requested;

void *tap_alloc(size_t size)
{
	return malloc(size);
}

void tap_free(void *p)
{
	free(p);
}

/* One thread stands for one CPU. */
int tap_cpu_id(void)
{
	return 0;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

void tap_output_flush(struct tap_ctx *c)
{
	write_all(1, c->obuf, c->olen);
	c->olen = 0;
}

int tap_output_aggprint(struct tap_ctx *c, int id)
{
	(void)c;
	(void)id;
	return 0;
}

static void tap_output_err(struct tap_ctx *c, const char *text, size_t len)
{
	(void)c;
	write_all(2, text, len);
}

void tap_fn_system(struct tap_ctx *c, const char *cmd)
{
	tap_output_flush(c);
	tap_run_detached(cmd);
}

/* There is no output file to switch here. */
void tap_fn_switch_file(struct tap_ctx *c)
{
	(void)c;
}

void tap_request_exit(void)
{
	exit_requested = 1;
}

static void on_signal(int sig)
{
	(void)sig;
	exit_requested = 1;
}

/* Each byte of standard input fires the input probes, until end of file. */
static void run_input(struct tap_ctx *c)
{
	char buf[256];
	while (!exit_requested) {
		ssize_t n = read(0, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (ssize_t i = 0; i < n && tap_get_state() == TAP_RUNNING; i++)
			for (int k = 0; k < tap_nprobes; k++)
				if (tap_probes[k].kind == TAP_PROBE_INPUT) {
					c->input_byte = (unsigned char)buf[i];
					tap_run_probe(c, &tap_probes[k]);
				}
	}
}

int main(int argc, char **argv)
{
	static struct tap_ctx ctx;
	unsigned timeout = argc > 1 ? (unsigned)atoi(argv[1]) : 0; /* like tapio -T */
	ctx.frames = calloc(MAXNESTING + 1, tap_frame_size());
	if (!ctx.frames)
		return 1;
	ctx.can_wait = 1;
	if (tap_globals_init(1)) {
		fputs("ERROR: cannot allocate the script's globals\n", stderr);
		return 1;
	}
	/* No SA_RESTART: a signal ends a read of standard input. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	if (timeout)
		alarm(timeout);
	tap_session_begin(&ctx);
	if (tap_get_state() == TAP_RUNNING && tap_has_input_probes())
		run_input(&ctx);
	while (!exit_requested)
		pause();
	tap_session_end(&ctx);
	tap_globals_free();
	free(ctx.frames);
	if (tap_errors)
		fprintf(stderr, "WARNING: Number of errors: %llu, skipped probes: 0\n", (unsigned long long)tap_errors);
	return tap_errors ? 1 : 0;
}
