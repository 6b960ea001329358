/* tapio: loads a tapc module, starts it, streams its output, stops it, unloads it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <getopt.h>
#include <libelf.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "aggmerge.h"
#include "ksyms.h"
#include "run_detached.h"
#include "transport_proto.h"

struct options {
	const char *cmd;
	long target;
	const char *output;
	long fsize_max;       /* -S SIZE: bytes per output file (0: no limit) */
	long fnum_max;        /* -S SIZE,N: output files kept (0: all) */
	long timeout;
	double bufsize_mb;
	int json;
	double interval;      /* -i: print the statistics every so many seconds */
	const char *ko;
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
}

static void usage(FILE *out)
{
	fputs("Usage: tapio [-c CMD] [-x PID] [-o FILE [-S MB[,N]]] [-T SEC] [-s MB] [-i SEC] [--json] NAME.ko\n"
	      "  -o FILE  write the output to FILE; switch_file() goes on in FILE.1, FILE.2...\n"
	      "  -S MB[,N]  with -o: files FILE.0, FILE.1...; the next one starts when one\n"
	      "           would pass MB megabytes (or at switch_file()); only the last N are kept\n"
	      "  -i SEC   every SEC seconds while the script runs, and once at the end, print every\n"
	      "           statistic, merged from each CPU's data sets by tapio without stopping\n"
	      "           the probes\n"
	      "  --json   print the statistics as one JSON document per print (at the end, and\n"
	      "           every SEC seconds with -i)\n", out);
}

/* The module's own name, from its .modinfo "name=" entry. */
static char *module_name(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t shstrndx;
	char *name = NULL;
	if (e && elf_getshdrstrndx(e, &shstrndx) == 0) {
		for (Elf_Scn *s = NULL; (s = elf_nextscn(e, s));) {
			GElf_Shdr sh;
			if (!gelf_getshdr(s, &sh))
				continue;
			const char *sname = elf_strptr(e, shstrndx, sh.sh_name);
			if (!sname || strcmp(sname, ".modinfo"))
				continue;
			Elf_Data *d = elf_getdata(s, NULL);
			for (size_t i = 0; d && i < d->d_size; i += strlen((char *)d->d_buf + i) + 1)
				if (!strncmp((char *)d->d_buf + i, "name=", 5))
					name = strdup((char *)d->d_buf + i + 5);
		}
	}
	if (e)
		elf_end(e);
	close(fd);
	return name;
}

static int load_module(const char *path, const char *name, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "tapio: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	int rc = (int)syscall(SYS_finit_module, fd, params, 0);
	if (rc && errno == EEXIST) {
		/* A module of this name is left from an earlier session: remove it. */
		fprintf(stderr, "tapio: removing stale module %s\n", name);
		syscall(SYS_delete_module, name, O_NONBLOCK);
		rc = (int)syscall(SYS_finit_module, fd, params, 0);
	}
	if (rc)
		fprintf(stderr, "tapio: cannot load %s: %s\n", path, strerror(errno));
	close(fd);
	return rc;
}

static void unload_module(const char *name)
{
	for (int i = 0; i < 100; i++) {
		if (syscall(SYS_delete_module, name, O_NONBLOCK) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY && errno != EAGAIN)
			break;
		usleep(20000);
	}
	fprintf(stderr, "tapio: cannot unload %s: %s\n", name, strerror(errno));
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int send_ctl(int ctl, const char *cmd)
{
	return write_all(ctl, cmd, strlen(cmd));
}

/* A child that waits until the probes are armed before it runs CMD. */
static pid_t spawn_waiting(const char *cmd, int *go_fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		/* A plain command is exec'd directly so that target() is its own pid. */
		if (!strpbrk(cmd, ";&|<>()`$*?[]{}~'\"\\\n#=")) {
			char *words[64], *copy = strdup(cmd), *save = NULL;
			int n = 0;
			for (char *w = strtok_r(copy, " \t", &save); w && n < 63; w = strtok_r(NULL, " \t", &save))
				words[n++] = w;
			words[n] = NULL;
			if (n) {
				execvp(words[0], words);
				fprintf(stderr, "tapio: cannot run %s: %s\n", words[0], strerror(errno));
				_exit(127);
			}
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	*go_fd = p[1];
	return pid;
}

/* A guardian outlives tapio: if tapio dies without saying goodbye (even by SIGKILL),
   it removes the module. The module itself stops its probes when its stream closes. */
static int start_guardian(const char *name)
{
	int p[2];
	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char c;
		close(p[1]);
		setsid();
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		for (int fd = 0; fd < 3; fd++)
			if (fd != 2)
				close(fd);
		ssize_t k;
		while ((k = read(p[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (k == 1)
			_exit(0); /* tapio finished and unloaded the module itself */
		for (int i = 0; i < 200; i++) {
			if (syscall(SYS_delete_module, name, O_NONBLOCK) == 0 || errno == ENOENT)
				_exit(0);
			usleep(10000);
		}
		_exit(1);
	}
	close(p[0]);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return p[1];
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct session {
	const char *dir;       /* /proc/tapc-NAME */
	const struct options *o;
	int data, ctl, out;
	long fnum;             /* -o: the number of the output file being written */
	long fsize;            /* bytes written to it */
	int input;             /* /proc/tapc-NAME/input, when the script has input probes */
	int stdin_open;        /* standard input is still read for the input probes */
	char inbuf[4096];      /* read from standard input, not yet taken by the module */
	size_t inlen, inoff;
	int stop_sent, done, started;
	int final_loaded;      /* the aggregations as the session ended, for autoprint_agg */
	struct agg_dict final_dict;
	struct agg_table final;
	struct tap_rec_done result;
	char *buf;
	size_t len, cap;
};

static void stop(struct session *s)
{
	if (!s->stop_sent) {
		s->stop_sent = 1;
		send_ctl(s->ctl, TAP_CTL_STOP);
	}
}

static void autoprint_agg(struct session *s, const char *p, uint32_t len);

/* -o FILE: the name of output file fnum. With -S they are FILE.0, FILE.1...;
   without it FILE, then FILE.1, FILE.2... after each switch_file(). */
static char *output_name(const struct options *o, long fnum)
{
	char *name = NULL;
	if (!o->fsize_max && !fnum)
		return strdup(o->output);
	if (asprintf(&name, "%s.%ld", o->output, fnum) < 0)
		return NULL;
	return name;
}

static int open_output(const struct options *o, long fnum)
{
	char *name = output_name(o, fnum);
	int fd = name ? open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
	if (fd < 0)
		fprintf(stderr, "tapio: cannot open %s: %s\n", name ? name : o->output, strerror(errno));
	free(name);
	return fd;
}

/* The next output file; with -S SIZE,N the one N files back is removed. Without
   -o there is no file to switch. */
static void switch_output(struct session *s)
{
	const struct options *o = s->o;
	if (!o->output)
		return;
	int fd = open_output(o, s->fnum + 1);
	if (fd < 0)
		return;
	close(s->out);
	s->out = fd;
	s->fnum++;
	s->fsize = 0;
	if (o->fnum_max && s->fnum >= o->fnum_max) {
		char *old = output_name(o, s->fnum - o->fnum_max);
		if (old)
			unlink(old);
		free(old);
	}
}

static void write_output(struct session *s, const char *p, size_t len)
{
	if (s->o->fsize_max && s->fsize && s->fsize + (long)len > s->o->fsize_max)
		switch_output(s);
	write_all(s->out, p, len);
	s->fsize += (long)len;
}

/* system(cmd), after the output the script printed before it. */
static void run_system(const char *p, uint32_t len)
{
	char *cmd = strndup(p, len);
	if (cmd)
		tap_run_detached(cmd);
	free(cmd);
}

/* The script reads standard input: from now on it goes to the module. */
static void start_input(struct session *s, const char *p, uint32_t len)
{
	uint32_t flags = 0;
	char *path = NULL;
	memcpy(&flags, p, len < sizeof flags ? len : sizeof flags);
	if (!(flags & TAP_STARTED_INPUT) || asprintf(&path, "%s/input", s->dir) < 0)
		return;
	s->input = open(path, O_WRONLY | O_CLOEXEC);
	if (s->input < 0)
		fprintf(stderr, "tapio: cannot open %s: %s\n", path, strerror(errno));
	s->stdin_open = s->input >= 0;
	free(path);
}

/* Moves standard input on to the module; the module may take part of a write
   (when its output buffer fills), the rest goes at the next turn. */
static void pass_input(struct session *s, int readable)
{
	if (s->inoff == s->inlen && readable) {
		ssize_t k = read(0, s->inbuf, sizeof s->inbuf);
		if (k < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		if (k <= 0) {
			s->stdin_open = 0;  /* end of input: the script goes on */
			return;
		}
		s->inoff = 0;
		s->inlen = (size_t)k;
	}
	if (s->inoff < s->inlen) {
		ssize_t k = write(s->input, s->inbuf + s->inoff, s->inlen - s->inoff);
		if (k > 0)
			s->inoff += (size_t)k;
		else if (k < 0 && errno != EINTR && errno != EAGAIN)
			s->stdin_open = 0;
	}
}

/* Takes whole records off the front of the buffer. */
static void handle_records(struct session *s)
{
	size_t off = 0;
	while (s->len - off >= sizeof(struct tap_rec_hdr)) {
		struct tap_rec_hdr h;
		memcpy(&h, s->buf + off, sizeof h);
		if (s->len - off - sizeof h < h.len)
			break;
		const char *p = s->buf + off + sizeof h;
		switch (h.type) {
		case TAP_REC_OUT:
			write_output(s, p, h.len);
			break;
		case TAP_REC_ERR:
			write_all(2, p, h.len);
			break;
		case TAP_REC_EXIT:
			stop(s);
			break;
		case TAP_REC_STARTED:
			s->started = 1;
			start_input(s, p, h.len);
			break;
		case TAP_REC_SYSTEM:
			run_system(p, h.len);
			break;
		case TAP_REC_SWITCHFILE:
			switch_output(s);
			break;
		case TAP_REC_AGGPRINT:
			autoprint_agg(s, p, h.len);
			break;
		case TAP_REC_DONE:
			memcpy(&s->result, p, h.len < sizeof s->result ? h.len : sizeof s->result);
			s->done = 1;
			break;
		}
		off += sizeof h + h.len;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
}

static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t k;
	while (buf && (k = read(fd, buf + n, cap - n)) > 0) {
		n += (size_t)k;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	close(fd);
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

/* Seed 000's consumer: the module's dictionary and a snapshot of every CPU's data
   sets, merged here into one table. */
static int load_aggs(const char *dir, struct agg_dict *dict, struct agg_table *t)
{
	size_t dlen, alen;
	char *dpath = NULL, *apath = NULL, *dict_text = NULL, *snap = NULL;
	int rc = -1;
	if (asprintf(&dpath, "%s/dict", dir) >= 0 && asprintf(&apath, "%s/aggs", dir) >= 0) {
		dict_text = slurp(dpath, &dlen);
		snap = slurp(apath, &alen);
	}
	if (!dict_text || !snap || agg_dict_parse(dict, dict_text)) {
		fprintf(stderr, "tapio: cannot read the module's aggregations\n");
	} else {
		agg_table_init(t);
		if (agg_merge_snapshot(t, dict, snap, alen) < 0)
			fprintf(stderr, "tapio: malformed aggregation snapshot\n");
		rc = 0;
	}
	free(dpath);
	free(apath);
	free(dict_text);
	free(snap);
	return rc;
}

/* Periodic and final prints of every aggregation, as JSON or as SystemTap prints
   statistics. */
static int print_aggs(const char *dir, int out, int json)
{
	struct agg_dict dict;
	struct agg_table t;
	if (load_aggs(dir, &dict, &t))
		return -1;
	FILE *f = fdopen(dup(out), "w");
	if (f) {
		if (json)
			agg_print_json(f, &t, &dict);
		else
			agg_print_text(f, &t, &dict);
		fclose(f);
	}
	agg_table_free(&t);
	free(dict.d);
	return 0;
}

/* The module asks for a statistic's display at exit, in its place among the other
   globals' output: printed from our merge of the CPUs, not by the module. The end
   probes have run and the probes are gone, so one snapshot serves every request. */
static void autoprint_agg(struct session *s, const char *p, uint32_t len)
{
	uint32_t id;
	if (len < sizeof id)
		return;
	memcpy(&id, p, sizeof id);
	if (!s->final_loaded) {
		if (load_aggs(s->dir, &s->final_dict, &s->final))
			return;
		s->final_loaded = 1;
	}
	FILE *f = fdopen(dup(s->out), "w");
	if (f) {
		agg_print_autoprint(f, &s->final, &s->final_dict, (int)id);
		fclose(f);
	}
}

/* The local time zone for tz_ctime(): seconds west of UTC, and its name (only the
   characters a module parameter can carry). */
static long local_zone(char *name, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;
	size_t n = 0;
	if (!localtime_r(&t, &tm)) {
		snprintf(name, size, "UTC");
		return 0;
	}
	for (const char *p = tm.tm_zone ? tm.tm_zone : ""; *p && n + 1 < size; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '+' || *p == '-')
			name[n++] = *p;
	name[n] = '\0';
	if (!n)
		snprintf(name, size, "UTC");
	return -tm.tm_gmtoff;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "+c:x:o:S:T:s:i:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'J': o->json = 1; break;
		case 'c': o->cmd = optarg; break;
		case 'x': o->target = atol(optarg); break;
		case 'o': o->output = optarg; break;
		case 'S': {
			char *end;
			double mb = strtod(optarg, &end);
			o->fsize_max = (long)(mb * 1024 * 1024);
			if (*end == ',')
				o->fnum_max = strtol(end + 1, &end, 10);
			if (*end || !(mb > 0) || o->fnum_max < 0) {
				fprintf(stderr, "tapio: -S takes SIZE[,N]: megabytes above 0 and a count of files\n");
				return -1;
			}
			break;
		}
		case 'T': o->timeout = atol(optarg); break;
		case 's': o->bufsize_mb = atof(optarg); break;
		case 'i':
			o->interval = atof(optarg);
			if (!(o->interval > 0)) {
				fprintf(stderr, "tapio: -i takes a number of seconds above 0\n");
				return -1;
			}
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (optind != argc - 1)
		return -1;
	o->ko = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 1;
	}
	char *name = module_name(o.ko);
	if (!name) {
		fprintf(stderr, "tapio: %s is not a tapc module\n", o.ko);
		return 1;
	}
	struct session s = { .o = &o, .out = 1, .input = -1, .cap = 1 << 20 };
	s.buf = malloc(s.cap);
	if (o.fsize_max && !o.output) {
		fprintf(stderr, "tapio: -S needs -o FILE\n");
		return 1;
	}
	if (o.output && (s.out = open_output(&o, 0)) < 0)
		return 1;
	int go_fd = -1;
	pid_t child = 0;
	if (o.cmd) {
		child = spawn_waiting(o.cmd, &go_fd);
		if (child < 0) {
			perror("tapio: fork");
			return 1;
		}
		o.target = child;
	}
	char params[256], zone[64];
	long west = local_zone(zone, sizeof zone);
	snprintf(params, sizeof params, "target=%ld bufsize_kb=%ld tz_gmtoff=%ld tz_name=%s", o.target,
		 o.bufsize_mb > 0 ? (long)(o.bufsize_mb * 1024) : 1024L, west, zone);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	int guardian = start_guardian(name);
	if (load_module(o.ko, name, params)) {
		if (guardian >= 0 && write(guardian, "x", 1) != 1)
			perror("tapio: guardian");
		if (child > 0)
			kill(child, SIGKILL);
		return 1;
	}
	char *dir = NULL;
	if (asprintf(&dir, "/proc/tapc-%s", name) < 0)
		return 1;
	s.dir = dir;
	char *data_path = NULL, *ctl_path = NULL;
	if (asprintf(&data_path, "%s/data", dir) < 0 || asprintf(&ctl_path, "%s/ctl", dir) < 0)
		return 1;
	s.data = open(data_path, O_RDONLY | O_CLOEXEC);
	s.ctl = open(ctl_path, O_WRONLY | O_CLOEXEC);
	/* kprobe.function patterns are expanded here, on the target, before the start. */
	if (s.data >= 0 && s.ctl >= 0 && ksyms_offer(dir)) {
		unload_module(name);
		return 1;
	}
	if (s.data < 0 || s.ctl < 0 || send_ctl(s.ctl, TAP_CTL_START)) {
		fprintf(stderr, "tapio: cannot talk to module %s: %s\n", name, strerror(errno));
		unload_module(name);
		return 1;
	}
	double deadline = o.timeout > 0 ? now() + (double)o.timeout : 0;
	double next_print = o.interval > 0 ? now() + o.interval : 0;
	while (!s.done) {
		/* Standard input is read only when the module has taken what came before. */
		int want_input = s.stdin_open && !s.stop_sent;
		struct pollfd p[2] = { { .fd = s.data, .events = POLLIN },
				       { .fd = want_input && s.inoff == s.inlen ? 0 : -1, .events = POLLIN } };
		int n = poll(p, 2, want_input && s.inoff < s.inlen ? 0 : 100);
		if (want_input)
			pass_input(&s, n > 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)));
		n = n > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR));
		if (got_signal || (deadline && now() >= deadline))
			stop(&s);
		/* Between whole records, so a print never splits a probe's output. */
		if (next_print && now() >= next_print && s.started && !s.stop_sent) {
			print_aggs(dir, s.out, o.json);
			next_print += o.interval;
		}
		if (child > 0 && waitpid(child, NULL, WNOHANG) == child) {
			child = 0;
			stop(&s);
		}
		if (n <= 0)
			continue;
		if (s.cap - s.len < 65536) {
			s.cap *= 2;
			s.buf = realloc(s.buf, s.cap);
			if (!s.buf)
				abort();
		}
		ssize_t k = read(s.data, s.buf + s.len, s.cap - s.len);
		if (k < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (k <= 0)
			break;
		s.len += (size_t)k;
		handle_records(&s);
		/* The command starts once the probes are armed. */
		if (s.started && go_fd >= 0) {
			if (write(go_fd, "g", 1) != 1)
				perror("tapio: starting the command");
			close(go_fd);
			go_fd = -1;
		}
	}
	if ((o.json || o.interval) && s.done)
		print_aggs(dir, s.out, o.json);
	if (s.final_loaded) {
		agg_table_free(&s.final);
		free(s.final_dict.d);
	}
	close(s.data);
	close(s.ctl);
	if (s.input >= 0)
		close(s.input);
	unload_module(name);
	if (guardian >= 0 && write(guardian, "x", 1) != 1)
		perror("tapio: guardian");
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	if (s.result.lost_lines)
		fprintf(stderr, "WARNING: %llu lines of output lost\n", (unsigned long long)s.result.lost_lines);
	if (s.result.errors || s.result.skipped)
		fprintf(stderr, "WARNING: Number of errors: %llu, skipped probes: %llu\n",
			(unsigned long long)s.result.errors, (unsigned long long)s.result.skipped);
	if (!s.done) {
		fprintf(stderr, "tapio: the module stopped without finishing its session\n");
		return 1;
	}
	return s.result.errors ? 1 : 0;
}
