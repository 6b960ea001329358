/* What user-space probes need from an ELF file on the build host: its functions and
   its SDT markers, each at a file offset (what uprobes take). */
#ifndef TAPC_ELF_PROBES_H
#define TAPC_ELF_PROBES_H

#include <stdint.h>

struct elf_func {
	char *name;
	uint64_t offset;        /* file offset of its first instruction */
};

struct elf_mark {
	char *provider, *name;
	char *args;             /* "-4@%edi 8@-16(%rbp)" */
	uint64_t offset;        /* file offset of the marker's nop */
	uint64_t semaphore;     /* file offset of its semaphore, 0 for none */
};

/* Is PATH a readable ELF file? */
int elf_probes_is_elf(const char *path);

/* The defined functions of PATH's .symtab and .dynsym whose names match the fnmatch
   PATTERN, one per address, sorted by name, in *out; the count, or -1 if PATH is not ELF. */
int elf_probes_functions(const char *path, const char *pattern, struct elf_func **out);

/* The SDT markers (.note.stapsdt) of PATH whose names match PATTERN, in note order. */
int elf_probes_marks(const char *path, const char *pattern, struct elf_mark **out);

#endif
