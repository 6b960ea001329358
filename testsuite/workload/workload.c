/* A deterministic workload for kernel tests: makes an exact number of system calls.
   workload writes N [BYTES]   N write(2)s of BYTES bytes (default 10) to /dev/null
   workload opens N            N open(2)s of /dev/null
   workload reads N            N read(2)s of 1 byte from /dev/zero
   workload lines N            prints N numbered lines to stdout
   workload stack N            N write(2)s of 1 byte to /dev/null, each from three
                               nested calls that keep frame pointers (user backtraces)
   workload spin N             computes in user mode for N milliseconds, then makes
                               one write(2) of 1 byte to /dev/null
   workload forks N            forks N children that exit at once, waiting for each
   workload ids N              becomes a process group leader, then N getpid(2)s,
                               2N getppid(2)s and 3N getpgid(2)s
   workload udp N [BYTES]      sends N UDP datagrams of BYTES bytes (default 10,
                               "abcd..." cycling) from 127.0.0.1:40001 to
                               127.0.0.1:40000, and receives each (one that does
                               not come within a second is let go)
   workload udp6 N [BYTES]     the same over IPv6, [::1]:40001 to [::1]:40000
   workload sendto N ADDR      N UDP datagrams of 10 bytes to the IPv4 ADDR, port 40000,
                               a second apart (none is received)
   workload tcp N              N TCP connections to 127.0.0.1:40000, each accepted,
                               then closed by the client and the server */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A socket of type bound to the loopback address of family at port (0: any). */
static int loopback_socket(int family, int type, int port)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET, .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int one = 1, fd = socket(family, type, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (family == AF_INET ? bind(fd, (struct sockaddr *)&in4, sizeof in4)
			      : bind(fd, (struct sockaddr *)&in6, sizeof in6)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Datagrams from port 40001 to 40000, each received before the next goes. Unconnected,
   so that IPv4 gives each the same header (IP id 0 with DF set). */
static int udp(int family, long n, long bytes, char *buf)
{
	int rx = loopback_socket(family, SOCK_DGRAM, 40000), tx = loopback_socket(family, SOCK_DGRAM, 40001);
	struct sockaddr_in to4 = { .sin_family = AF_INET, .sin_port = htons(40000),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 to6 = { .sin6_family = AF_INET6, .sin6_port = htons(40000),
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct timeval second = { .tv_sec = 1 };
	if (rx < 0 || tx < 0 || bytes < 0 || bytes > 2048 ||
	    setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &second, sizeof second))
		return 1;
	for (long i = 0; i < bytes; i++)
		buf[i] = (char)('a' + i % 26);
	for (long i = 0; i < n; i++) {
		ssize_t sent = family == AF_INET ? sendto(tx, buf, (size_t)bytes, 0, (struct sockaddr *)&to4, sizeof to4)
						 : sendto(tx, buf, (size_t)bytes, 0, (struct sockaddr *)&to6, sizeof to6);
		if (sent != bytes)
			return 1;
		ssize_t got = recv(rx, buf + 2048, 2048, 0);
		if (got != bytes && !(got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
			return 1;
	}
	close(tx);
	close(rx);
	return 0;
}

static int tcp(long n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(40000),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int l = loopback_socket(AF_INET, SOCK_STREAM, 40000);
	if (l < 0 || listen(l, 4))
		return 1;
	for (long i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0), s;
		char b;
		if (c < 0 || connect(c, (struct sockaddr *)&to, sizeof to) || (s = accept(l, NULL, NULL)) < 0)
			return 1;
		close(c);
		/* the client's FIN has arrived once the server reads the end of the stream */
		if (read(s, &b, 1) != 0)
			return 1;
		close(s);
	}
	close(l);
	return 0;
}

/* Three calls deep, each with a frame pointer (the file is built with them) and not
   inlined or turned into a jump, so that a user backtrace from the write(2) walks
   through stack_middle and stack_outer into main. */
static __attribute__((noinline)) int stack_inner(int fd, char *buf)
{
	int rc = write(fd, buf, 1) == 1 ? 0 : 1;
	__asm__ volatile("" ::: "memory");
	return rc;
}

static __attribute__((noinline)) int stack_middle(int fd, char *buf)
{
	int rc = stack_inner(fd, buf);
	__asm__ volatile("" ::: "memory");
	return rc;
}

static __attribute__((noinline)) int stack_outer(int fd, char *buf)
{
	int rc = stack_middle(fd, buf);
	__asm__ volatile("" ::: "memory");
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: workload writes|opens|reads|forks|ids|lines|stack|spin|udp|udp6|sendto|tcp N [BYTES|ADDR]\n");
		return 2;
	}
	long n = atol(argv[2]);
	char buf[4096] = { 0 };
	if (!strcmp(argv[1], "writes")) {
		long bytes = argc > 3 ? atol(argv[3]) : 10;
		int fd = open("/dev/null", O_WRONLY);
		for (long i = 0; i < n; i++)
			if (write(fd, buf, (size_t)bytes) < 0)
				return 1;
		close(fd);
	} else if (!strcmp(argv[1], "opens")) {
		for (long i = 0; i < n; i++)
			close(open("/dev/null", O_RDONLY));
	} else if (!strcmp(argv[1], "reads")) {
		int fd = open("/dev/zero", O_RDONLY);
		for (long i = 0; i < n; i++)
			if (read(fd, buf, 1) != 1)
				return 1;
		close(fd);
	} else if (!strcmp(argv[1], "forks")) {
		for (long i = 0; i < n; i++) {
			pid_t pid = fork();
			if (pid == 0)
				_exit(0);
			waitpid(pid, NULL, 0);
		}
	} else if (!strcmp(argv[1], "ids")) {
		/* Raw system calls: the C library may answer some of these from a cache. */
		if (setpgid(0, 0))
			return 1;
		for (long i = 0; i < n; i++)
			syscall(SYS_getpid);
		for (long i = 0; i < 2 * n; i++)
			syscall(SYS_getppid);
		for (long i = 0; i < 3 * n; i++)
			syscall(SYS_getpgid, 0);
	} else if (!strcmp(argv[1], "stack")) {
		int fd = open("/dev/null", O_WRONLY);
		for (long i = 0; i < n; i++)
			if (stack_outer(fd, buf))
				return 1;
		close(fd);
	} else if (!strcmp(argv[1], "lines")) {
		for (long i = 0; i < n; i++)
			printf("line %ld\n", i);
	} else if (!strcmp(argv[1], "spin")) {
		/* The clock is read rarely: without a vDSO clock (some VMs) each read is a
		   system call, and the loop must stay in user mode. */
		struct timespec start, now;
		volatile unsigned long sink = 0;
		clock_gettime(CLOCK_MONOTONIC, &start);
		do {
			for (long i = 0; i < 10000000; i++)
				sink += (unsigned long)i;
			clock_gettime(CLOCK_MONOTONIC, &now);
		} while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < n);
		int fd = open("/dev/null", O_WRONLY);
		if (write(fd, buf, 1) != 1)
			return 1;
		close(fd);
	} else if (!strcmp(argv[1], "udp") || !strcmp(argv[1], "udp6")) {
		return udp(argv[1][3] ? AF_INET6 : AF_INET, n, argc > 3 ? atol(argv[3]) : 10, buf);
	} else if (!strcmp(argv[1], "sendto") && argc > 3) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(40000) };
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0 || inet_pton(AF_INET, argv[3], &to.sin_addr) != 1)
			return 1;
		for (long i = 0; i < n; i++) {
			if (i)
				sleep(1);
			if (sendto(fd, buf, 10, 0, (struct sockaddr *)&to, sizeof to) != 10)
				return 1;
		}
		close(fd);
	} else if (!strcmp(argv[1], "tcp")) {
		return tcp(n);
	} else {
		return 2;
	}
	return 0;
}
