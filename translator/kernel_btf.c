/* The parameters of kernel functions, from the target kernel's BTF (CONFIG_DEBUG_INFO_BTF):
   their names and C types, so that kernel.function("vfs_read") { $file->f_pos } works
   without debuginfo. The BTF is the .BTF section of the kernel image: Debian ships it
   inside /boot/vmlinuz-KVER, XZ-compressed, so the first use unpacks it once into the
   cache (~/.cache/tapc/btf/KVER.btf) and libbpf reads it from there. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "build.h"
#include "kernel_btf.h"
#include "probes.h"

static struct btf *btf;
static const char *btf_error;

/* Writes the .BTF section of ELF file elf_path to out_path. */
static int save_btf_section(const char *elf_path, const char *out_path)
{
	int fd = open(elf_path, O_RDONLY), ok = 0;
	elf_version(EV_CURRENT);
	Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	size_t shstrndx;
	if (e && !elf_getshdrstrndx(e, &shstrndx)) {
		for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
			GElf_Shdr sh;
			const char *name;
			Elf_Data *data;
			if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)) ||
			    strcmp(name, ".BTF") || !(data = elf_getdata(scn, NULL)))
				continue;
			FILE *out = fopen(out_path, "wb");
			ok = out && fwrite(data->d_buf, 1, data->d_size, out) == data->d_size;
			if (out && fclose(out))
				ok = 0;
			break;
		}
	}
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Unpacks vmlinuz (a bzImage whose payload is an XZ stream) into vmlinux_path. */
static int unpack_vmlinuz(const char *vmlinuz, const char *vmlinux_path)
{
	static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	FILE *f = fopen(vmlinuz, "rb");
	char *image = NULL;
	size_t len = 0, cap = 0, got;
	while (f) {
		if (len == cap && !(image = realloc(image, cap = cap ? 2 * cap : 1 << 24)))
			break;
		if (!(got = fread(image + len, 1, cap - len, f)))
			break;
		len += got;
	}
	if (f)
		fclose(f);
	if (!image)
		return 0;
	size_t at = 0;
	while (at + 6 <= len && memcmp(image + at, xz_magic, 6))
		at++;
	if (at + 6 > len) {
		free(image);
		return 0;
	}
	/* xz stops at the end of the stream; what follows it in the image is not its business */
	char *cmd;
	if (asprintf(&cmd, "xz -dc --single-stream > '%s' 2>/dev/null", vmlinux_path) < 0) {
		free(image);
		return 0;
	}
	void (*was)(int) = signal(SIGPIPE, SIG_IGN); /* xz may stop reading before the end */
	FILE *xz = popen(cmd, "w");
	if (xz)
		fwrite(image + at, 1, len - at, xz);
	int ok = xz && pclose(xz) == 0;
	signal(SIGPIPE, was);
	free(cmd);
	free(image);
	return ok;
}

static struct btf *load(void)
{
	if (btf || btf_error)
		return btf;
	const char *kver = probe_env.kernel_release;
	if (!kver) {
		btf_error = "the target kernel's release is not known (-r KVER)";
		return NULL;
	}
	char *dir = build_cache_root("TAPC_CACHE", "");
	char *cached = dir ? xasprintf("%s/btf-%s.raw", dir, kver) : xasprintf("/var/tmp/tapc-btf-%s.raw", kver);
	if (access(cached, R_OK)) {
		char *vmlinuz = xasprintf("/boot/vmlinuz-%s", kver);
		char *vmlinux = xasprintf("%s.vmlinux.%d", cached, (int)getpid());
		char *tmp = xasprintf("%s.%d", cached, (int)getpid());
		if (!unpack_vmlinuz(vmlinuz, vmlinux))
			btf_error = xasprintf("cannot unpack %s (is linux-image-%s installed?)", vmlinuz, kver);
		else if (!save_btf_section(vmlinux, tmp))
			btf_error = xasprintf("%s has no BTF (CONFIG_DEBUG_INFO_BTF)", vmlinuz);
		else if (rename(tmp, cached))
			btf_error = "cannot write the BTF cache";
		unlink(vmlinux);
		unlink(tmp);
	}
	if (!btf_error) {
		btf = btf__parse_raw(cached);
		if (!btf)
			btf_error = xasprintf("cannot read BTF from %s", cached);
	}
	return btf;
}

/* Skips typedefs and qualifiers. */
static const struct btf_type *resolved(const struct btf *b, __u32 id, __u32 *out_id)
{
	const struct btf_type *t = btf__type_by_id(b, id);
	while (t && (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t) ||
		     btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(b, id);
	}
	if (out_id)
		*out_id = id;
	return t;
}

/* How a value of type t widens to a long (probes.h's TC_*); -1 if it is no number. */
static int conversion(const struct btf *b, const struct btf_type *t, const char **ctype)
{
	*ctype = NULL;
	if (!t)
		return -1;
	if (btf_is_ptr(t)) {
		const struct btf_type *to = resolved(b, t->type, NULL);
		if (to && (btf_is_struct(to) || btf_is_union(to)) && to->name_off)
			*ctype = xasprintf("%s %s *", btf_is_struct(to) ? "struct" : "union",
					   btf__name_by_offset(b, to->name_off));
		return TC_LONG;
	}
	if (btf_is_enum(t) || btf_is_enum64(t))
		return t->size == 8 ? TC_LONG : TC_S32;
	if (!btf_is_int(t))
		return -1;
	int sig = btf_int_encoding(t) & BTF_INT_SIGNED;
	switch (t->size) {
	case 1: return sig ? TC_S8 : TC_U8;
	case 2: return sig ? TC_S16 : TC_U16;
	case 4: return sig ? TC_S32 : TC_U32;
	case 8: return TC_LONG;
	default: return -1;
	}
}

/* A module's BTF, split over the kernel's: the .BTF of its .ko in /lib/modules/KVER,
   found through modules.dep ("kernel/fs/ext4/ext4.ko: ..."); "-" and "_" are the same
   in module names. */
static struct btf *load_module(const char *module, size_t len)
{
	static struct { char *name; struct btf *btf; } loaded[16];
	static int nloaded;
	for (int i = 0; i < nloaded; i++)
		if (strlen(loaded[i].name) == len && !strncmp(loaded[i].name, module, len))
			return loaded[i].btf;
	struct btf *base = load();
	const char *kver = probe_env.kernel_release;
	char *dep, line[4096];
	if (!base || !kver || asprintf(&dep, "/lib/modules/%s/modules.dep", kver) < 0)
		return NULL;
	FILE *f = fopen(dep, "r");
	struct btf *b = NULL;
	while (f && !b && fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':'), *slash;
		if (!colon)
			continue;
		*colon = 0;
		slash = strrchr(line, '/');
		const char *base_name = slash ? slash + 1 : line;
		size_t n = strcspn(base_name, ".");
		int same = n == len;
		for (size_t i = 0; same && i < n; i++)
			same = (base_name[i] == '-' ? '_' : base_name[i]) == (module[i] == '-' ? '_' : module[i]);
		if (!same)
			continue;
		char *path;
		if (asprintf(&path, "/lib/modules/%s/%s", kver, line) >= 0) {
			b = btf__parse_elf_split(path, base);
			free(path);
		}
		break;
	}
	if (f)
		fclose(f);
	free(dep);
	if (b && nloaded < 16) {
		loaded[nloaded].name = strndup(module, len);
		loaded[nloaded++].btf = b;
	}
	return b;
}

int kernel_func_params(const char *func, struct trace_param *params, int max, const char **why)
{
	struct btf *b = load();
	if (!b) {
		*why = btf_error;
		return -1;
	}
	const char *colon = strchr(func, ':');
	if (colon) { /* module("m").function("f") */
		b = load_module(func, (size_t)(colon - func));
		func = colon + 1;
		if (!b) {
			*why = "the module's BTF was not found in /lib/modules (is the module built for this kernel?)";
			return -1;
		}
	}
	int id = btf__find_by_name_kind(b, func, BTF_KIND_FUNC);
	const struct btf_type *f = id > 0 ? btf__type_by_id(b, (__u32)id) : NULL;
	const struct btf_type *proto = f ? btf__type_by_id(b, f->type) : NULL;
	if (!proto || !btf_is_func_proto(proto)) {
		*why = "the kernel's BTF does not describe this function (inlined, or not in the kernel image)";
		return -1;
	}
	const struct btf_param *p = btf_params(proto);
	int n = 0;
	for (int i = 0; i < btf_vlen(proto) && n < max; i++) {
		const char *name = btf__name_by_offset(b, p[i].name_off), *ctype;
		int conv = conversion(b, resolved(b, p[i].type, NULL), &ctype);
		/* a struct passed by value takes registers of its own: the rest are elsewhere */
		if (conv < 0 || !name || !*name)
			break;
		params[n].name = xstrdup(name);
		params[n].conv = conv;
		params[n].ctype = (char *)ctype;
		n++;
	}
	return n;
}

/* The member called name of struct or union t, looked for in its anonymous members too;
   its type id, or 0. */
static __u32 find_member(const struct btf *b, const struct btf_type *t, const char *name, size_t len)
{
	const struct btf_member *m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(b, m[i].name_off);
		if (mn && *mn) {
			if (strlen(mn) == len && !strncmp(mn, name, len))
				return m[i].type;
			continue;
		}
		const struct btf_type *inner = resolved(b, m[i].type, NULL);
		__u32 id = inner && btf_is_composite(inner) ? find_member(b, inner, name, len) : 0;
		if (id)
			return id;
	}
	return 0;
}

int kernel_btf_member_path(const char *ctype, const char *path)
{
	struct btf *b = load();
	if (!strncmp(ctype, "const ", 6))
		ctype += 6;
	int is_union = !strncmp(ctype, "union ", 6);
	if (!b || (strncmp(ctype, "struct ", 7) && !is_union))
		return -1;
	const char *name = ctype + (is_union ? 6 : 7);
	size_t nlen = strcspn(name, " *");
	char *tname = strndup(name, nlen);
	int id = tname ? btf__find_by_name_kind(b, tname, is_union ? BTF_KIND_UNION : BTF_KIND_STRUCT) : -1;
	free(tname);
	const struct btf_type *t = id > 0 ? btf__type_by_id(b, (__u32)id) : NULL;
	if (!t)
		return -1;
	for (const char *p = path; *p;) {
		/* step: "->m", ".m" or "[N]" */
		if (*p == '[') {
			p += strcspn(p, "]");
			p += *p == ']';
			if (btf_is_array(t))
				t = resolved(b, btf_array(t)->type, NULL);
			else if (btf_is_ptr(t))
				t = resolved(b, t->type, NULL);
			else
				return 0;
			continue;
		}
		p += !strncmp(p, "->", 2) ? 2 : *p == '.' ? 1 : 0;
		size_t len = strcspn(p, "-.[");
		if (t && btf_is_ptr(t))
			t = resolved(b, t->type, NULL);
		if (!t || !btf_is_composite(t) || !len)
			return 0;
		__u32 mid = find_member(b, t, p, len);
		if (!mid)
			return 0;
		t = resolved(b, mid, NULL);
		p += len;
	}
	return 1;
}

int kernel_btf_has_func(const char *func)
{
	struct btf *b = load();
	const char *colon = strchr(func, ':');
	if (b && colon) {
		b = load_module(func, (size_t)(colon - func));
		func = colon + 1;
		if (!b)
			return 0; /* no such module for this kernel */
	}
	if (!b)
		return -1;
	return btf__find_by_name_kind(b, func, BTF_KIND_FUNC) > 0;
}
