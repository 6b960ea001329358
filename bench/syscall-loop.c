/* The probe-overhead workload of bench/run-bench: makes N cheap system calls in a
   tight loop and prints how long each took on average.

     syscall-loop getppid N   N getppid(2) calls (raw syscall(2): no libc caching)
     syscall-loop write N     N one-byte write(2)s to /dev/null

   Output: one line "syscall-loop CALL N NS_PER_CALL" (NS_PER_CALL with two decimals).
   Probe overhead per event is then (instrumented - plain) per call. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: syscall-loop getppid|write N\n");
		return 2;
	}
	long n = atol(argv[2]);
	if (n <= 0) {
		fprintf(stderr, "syscall-loop: N must be positive\n");
		return 2;
	}
	int write_mode = !strcmp(argv[1], "write");
	if (!write_mode && strcmp(argv[1], "getppid")) {
		fprintf(stderr, "syscall-loop: unknown call %s\n", argv[1]);
		return 2;
	}
	int fd = -1;
	if (write_mode && (fd = open("/dev/null", O_WRONLY)) < 0) {
		perror("/dev/null");
		return 1;
	}
	char byte = 'x';
	long long t0 = now_ns();
	if (write_mode) {
		for (long i = 0; i < n; i++)
			if (write(fd, &byte, 1) != 1)
				return 1;
	} else {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	}
	long long t1 = now_ns();
	long long per100 = (t1 - t0) * 100 / n;
	printf("syscall-loop %s %ld %lld.%02lld\n", argv[1], n, per100 / 100, per100 % 100);
	return 0;
}
