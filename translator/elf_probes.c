/* Reads an ELF file's functions (symbol tables) and SDT markers (.note.stapsdt notes)
   with libelf, turning their virtual addresses into the file offsets uprobes take. */
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "diag.h"
#include "elf_probes.h"

#define NT_STAPSDT 3

struct elf_handle {
	int fd;
	Elf *elf;
};

static int elf_open(const char *path, struct elf_handle *h)
{
	elf_version(EV_CURRENT);
	h->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (h->fd < 0)
		return -1;
	h->elf = elf_begin(h->fd, ELF_C_READ, NULL);
	if (!h->elf || elf_kind(h->elf) != ELF_K_ELF) {
		if (h->elf)
			elf_end(h->elf);
		close(h->fd);
		return -1;
	}
	return 0;
}

static void elf_close(struct elf_handle *h)
{
	elf_end(h->elf);
	close(h->fd);
}

int elf_probes_is_elf(const char *path)
{
	struct elf_handle h;
	if (elf_open(path, &h))
		return 0;
	elf_close(&h);
	return 1;
}

/* Room for element n of array a (*cap elements of size bytes). */
static void *grow(void *a, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return a;
	*cap = *cap ? 2 * *cap : 32;
	a = realloc(a, *cap * size);
	if (!a)
		abort();
	return a;
}

/* The file offset of virtual address v: in the PT_LOAD segment whose file bytes hold it. */
static int file_offset(Elf *elf, uint64_t v, uint64_t *off)
{
	size_t n;
	if (elf_getphdrnum(elf, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (v >= ph.p_vaddr && v < ph.p_vaddr + ph.p_filesz) {
			*off = v - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -1;
}

/* Aliases share an address: the name kept has the fewest leading underscores, then
   is the shortest, then comes first ("free" over "__libc_free" and "cfree"). */
static int better_name(const char *a, const char *b)
{
	size_t ua = strspn(a, "_"), ub = strspn(b, "_");
	if (ua != ub)
		return ua < ub;
	if (strlen(a) != strlen(b))
		return strlen(a) < strlen(b);
	return strcmp(a, b) < 0;
}

static int by_offset(const void *a, const void *b)
{
	const struct elf_func *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct elf_func *)a)->name, ((const struct elf_func *)b)->name);
}

int elf_probes_functions(const char *path, const char *pattern, struct elf_func **out)
{
	struct elf_handle h;
	struct elf_func *f = NULL;
	size_t n = 0, cap = 0;
	*out = NULL;
	if (elf_open(path, &h))
		return -1;
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(h.elf, scn));) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;
			uint64_t off;
			if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_value ||
			    !(name = elf_strptr(h.elf, sh.sh_link, sym.st_name)) || !*name ||
			    fnmatch(pattern, name, 0) || file_offset(h.elf, sym.st_value, &off))
				continue;
			f = grow(f, n, &cap, sizeof *f);
			f[n].name = xstrdup(name);
			f[n++].offset = off;
		}
	}
	elf_close(&h);
	/* one per address */
	if (n)
		qsort(f, n, sizeof *f, by_offset);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && f[k - 1].offset == f[i].offset) {
			if (better_name(f[i].name, f[k - 1].name))
				f[k - 1].name = f[i].name;
			continue;
		}
		f[k++] = f[i];
	}
	if (k)
		qsort(f, k, sizeof *f, by_name);
	*out = f;
	return (int)k;
}

/* An address field of a note: 4 or 8 bytes by the file's class, in its byte order
   (libelf already converted the note's data to the host's). */
static uint64_t note_addr(const unsigned char *p, int wide)
{
	if (wide) {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The address of section NAME, or 0 when there is none. */
static uint64_t section_addr(Elf *elf, const char *want)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return 0;
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		const char *name;
		if (gelf_getshdr(scn, &sh) && (name = elf_strptr(elf, shstrndx, sh.sh_name)) && !strcmp(name, want))
			return sh.sh_addr;
	}
	return 0;
}

int elf_probes_marks(const char *path, const char *pattern, struct elf_mark **out)
{
	struct elf_handle h;
	struct elf_mark *m = NULL;
	size_t n = 0, cap = 0, shstrndx;
	*out = NULL;
	if (elf_open(path, &h))
		return -1;
	int wide = gelf_getclass(h.elf) == ELFCLASS64, asz = wide ? 8 : 4;
	uint64_t base_now = section_addr(h.elf, ".stapsdt.base");
	if (elf_getshdrstrndx(h.elf, &shstrndx))
		shstrndx = 0;
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(h.elf, scn));) {
		GElf_Shdr sh;
		Elf_Data *data;
		const char *sname;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(sname = elf_strptr(h.elf, shstrndx, sh.sh_name)) || strcmp(sname, ".note.stapsdt") ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		GElf_Nhdr nh;
		size_t pos = 0, name_off, desc_off;
		while ((pos = gelf_getnote(data, pos, &nh, &name_off, &desc_off)) > 0) {
			const unsigned char *desc = (const unsigned char *)data->d_buf + desc_off;
			const char *owner = (const char *)data->d_buf + name_off;
			if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 || memcmp(owner, "stapsdt", 8) ||
			    nh.n_descsz < (size_t)3 * asz + 3 || desc[nh.n_descsz - 1] != '\0')
				continue;
			uint64_t pc = note_addr(desc, wide), base = note_addr(desc + asz, wide);
			uint64_t sem = note_addr(desc + 2 * asz, wide);
			const char *prov = (const char *)desc + 3 * asz, *end = (const char *)desc + nh.n_descsz;
			const char *name = prov + strlen(prov) + 1;
			if (name >= end)
				continue;
			const char *args = name + strlen(name) + 1;
			if (args >= end)
				args = "";
			if (fnmatch(pattern, name, 0))
				continue;
			/* The SDT ABI: a file moved after linking (prelink) shows it in the
			   difference between .stapsdt.base's address and the one the note saw. */
			if (base_now && base) {
				pc += base_now - base;
				if (sem)
					sem += base_now - base;
			}
			uint64_t pc_off, sem_off = 0;
			if (file_offset(h.elf, pc, &pc_off) || (sem && file_offset(h.elf, sem, &sem_off)))
				continue;
			m = grow(m, n, &cap, sizeof *m);
			m[n].provider = xstrdup(prov);
			m[n].name = xstrdup(name);
			m[n].args = xstrdup(args);
			m[n].offset = pc_off;
			m[n++].semaphore = sem_off;
		}
	}
	elf_close(&h);
	*out = m;
	return (int)n;
}
