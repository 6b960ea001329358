/* A deterministic target for user-space probe tests (process(...) probes):
   uworkload N   for i = 1..N: calls tap_sum(i, 2 * i) (returns 3 * i), hits the SDT
                 marker uworkload:loop with arguments (int i, long 1000 * i, 5), hits
                 uworkload:guarded(i) only while a tracer holds its semaphore, and
                 frees one malloc'd block; then calls tap_wide(0x1fffffffe,
                 -3, 7, 8, 9, 10, 11, 12) once (for the widths and signs of int_arg()
                 and register(), and arguments on the stack). Prints nothing.
   The SDT notes follow the SDT ABI (.note.stapsdt, type 3, owner "stapsdt": the
   marker's address, .stapsdt.base's address, the semaphore's, then provider, name and
   the argument string), written here so that the test needs no <sys/sdt.h>. */
#include <stdlib.h>

/* Never inlined nor specialized, so that each call enters it. */
__attribute__((noipa)) long tap_sum(long a, long b)
{
	return a + b;
}

__attribute__((noipa)) long tap_wide(long a, int b, long c, long d, long e, long f, long g, long h)
{
	return a + b + c + d + e + f + g + h;
}

/* .stapsdt.base, once per file: its address tells a reader whether the file was moved
   after linking. */
#define SDT_BASE \
	".ifndef _.stapsdt.base\n" \
	".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
	".weak _.stapsdt.base\n.hidden _.stapsdt.base\n" \
	"_.stapsdt.base: .space 1\n.size _.stapsdt.base, 1\n" \
	".popsection\n.endif\n"

/* A nop at the marker, and its note; ARGS is the argument string, SEM the semaphore's
   symbol or 0. */
#define SDT_NOTE(provider, name, sem, args) \
	"990: nop\n" \
	".pushsection .note.stapsdt,\"\",\"note\"\n.balign 4\n" \
	".4byte 992f-991f, 994f-993f, 3\n" \
	"991: .asciz \"stapsdt\"\n992: .balign 4\n" \
	"993: .8byte 990b, _.stapsdt.base, " sem "\n" \
	".asciz \"" provider "\"\n.asciz \"" name "\"\n.asciz \"" args "\"\n" \
	"994: .balign 4\n.popsection\n" SDT_BASE

/* The semaphore: the kernel raises it while a probe is on the marker. */
__attribute__((section(".probes"), used)) volatile unsigned short uworkload_guarded_semaphore;

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0, total = 0;
	for (long i = 1; i <= n; i++) {
		int small = (int)i;
		volatile long big = 1000 * i;
		total += tap_sum(i, 2 * i);
		/* int in a register (-4@%e..), long in memory (8@disp(%r..)), constant (4@$5) */
		__asm__ __volatile__(SDT_NOTE("uworkload", "loop", "0", "-4@%0 8@%1 4@%2")
				     :: "r"(small), "m"(big), "n"(5));
		if (uworkload_guarded_semaphore)
			__asm__ __volatile__(SDT_NOTE("uworkload", "guarded", "uworkload_guarded_semaphore",
						      "8@%0") :: "r"(i));
		void *volatile block = malloc(16 + (size_t)i);   /* volatile: kept as written */
		free(block);
	}
	total += tap_wide(0x1fffffffe, -3, 7, 8, 9, 10, 11, 12) - 0x1fffffffe - 54;
	return total == 3 * n * (n + 1) / 2 ? 0 : 1;
}
