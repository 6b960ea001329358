/* A deterministic workload for kernel tests: makes an exact number of system calls.
   workload writes N [BYTES]   N write(2)s of BYTES bytes (default 10) to /dev/null
   workload opens N            N open(2)s of /dev/null
   workload reads N            N read(2)s of 1 byte from /dev/zero
   workload lines N            prints N numbered lines to stdout
   workload spin N             computes in user mode for N milliseconds, then makes
                               one write(2) of 1 byte to /dev/null
   workload forks N            forks N children that exit at once, waiting for each
   workload ids N              becomes a process group leader, then N getpid(2)s,
                               2N getppid(2)s and 3N getpgid(2)s */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: workload writes|opens|reads|forks|ids|lines|spin N [BYTES]\n");
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
	} else {
		return 2;
	}
	return 0;
}
