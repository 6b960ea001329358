/*
 * errno_names.c - the symbolic name of each Linux error number, for errno_str()
 * and the system call tapset's return_str().
 *
 * The numbering is the generic one (asm-generic/errno-base.h and errno.h) that
 * x86_64 uses: 1 to 133, with two holes where a name is only an alias of another
 * number (41 is EWOULDBLOCK = EAGAIN, 58 is EDEADLOCK = EDEADLK); an alias takes
 * no slot of its own, so the table holds 131 names.
 *
 * Plain C with no library calls, so it builds in the kernel module and in the
 * user-space runtime alike.
 */
#include "functions.h"

/* Indexed by the error number; a hole is NULL. */
static const char *const tap_errno_names[] = {
	/* the classic Unix errors, errno-base.h */
	[1] = "EPERM",		[2] = "ENOENT",		[3] = "ESRCH",
	[4] = "EINTR",		[5] = "EIO",		[6] = "ENXIO",
	[7] = "E2BIG",		[8] = "ENOEXEC",	[9] = "EBADF",
	[10] = "ECHILD",	[11] = "EAGAIN",	[12] = "ENOMEM",
	[13] = "EACCES",	[14] = "EFAULT",	[15] = "ENOTBLK",
	[16] = "EBUSY",		[17] = "EEXIST",	[18] = "EXDEV",
	[19] = "ENODEV",	[20] = "ENOTDIR",	[21] = "EISDIR",
	[22] = "EINVAL",	[23] = "ENFILE",	[24] = "EMFILE",
	[25] = "ENOTTY",	[26] = "ETXTBSY",	[27] = "EFBIG",
	[28] = "ENOSPC",	[29] = "ESPIPE",	[30] = "EROFS",
	[31] = "EMLINK",	[32] = "EPIPE",		[33] = "EDOM",
	[34] = "ERANGE",

	/* errno.h: locks, names, system calls, IPC */
	[35] = "EDEADLK",	[36] = "ENAMETOOLONG",	[37] = "ENOLCK",
	[38] = "ENOSYS",	[39] = "ENOTEMPTY",	[40] = "ELOOP",
	[42] = "ENOMSG",	[43] = "EIDRM",		[44] = "ECHRNG",
	[45] = "EL2NSYNC",	[46] = "EL3HLT",	[47] = "EL3RST",
	[48] = "ELNRNG",	[49] = "EUNATCH",	[50] = "ENOCSI",
	[51] = "EL2HLT",	[52] = "EBADE",		[53] = "EBADR",
	[54] = "EXFULL",	[55] = "ENOANO",	[56] = "EBADRQC",
	[57] = "EBADSLT",	[59] = "EBFONT",	[60] = "ENOSTR",
	[61] = "ENODATA",	[62] = "ETIME",		[63] = "ENOSR",
	[64] = "ENONET",	[65] = "ENOPKG",	[66] = "EREMOTE",
	[67] = "ENOLINK",	[68] = "EADV",		[69] = "ESRMNT",
	[70] = "ECOMM",		[71] = "EPROTO",	[72] = "EMULTIHOP",
	[73] = "EDOTDOT",	[74] = "EBADMSG",	[75] = "EOVERFLOW",
	[76] = "ENOTUNIQ",	[77] = "EBADFD",	[78] = "EREMCHG",
	[79] = "ELIBACC",	[80] = "ELIBBAD",	[81] = "ELIBSCN",
	[82] = "ELIBMAX",	[83] = "ELIBEXEC",	[84] = "EILSEQ",
	[85] = "ERESTART",	[86] = "ESTRPIPE",	[87] = "EUSERS",

	/* sockets and networking */
	[88] = "ENOTSOCK",	[89] = "EDESTADDRREQ",	[90] = "EMSGSIZE",
	[91] = "EPROTOTYPE",	[92] = "ENOPROTOOPT",	[93] = "EPROTONOSUPPORT",
	[94] = "ESOCKTNOSUPPORT", [95] = "EOPNOTSUPP",	[96] = "EPFNOSUPPORT",
	[97] = "EAFNOSUPPORT",	[98] = "EADDRINUSE",	[99] = "EADDRNOTAVAIL",
	[100] = "ENETDOWN",	[101] = "ENETUNREACH",	[102] = "ENETRESET",
	[103] = "ECONNABORTED",	[104] = "ECONNRESET",	[105] = "ENOBUFS",
	[106] = "EISCONN",	[107] = "ENOTCONN",	[108] = "ESHUTDOWN",
	[109] = "ETOOMANYREFS",	[110] = "ETIMEDOUT",	[111] = "ECONNREFUSED",
	[112] = "EHOSTDOWN",	[113] = "EHOSTUNREACH",	[114] = "EALREADY",
	[115] = "EINPROGRESS",

	/* file systems, media, keys, robust mutexes, hardware */
	[116] = "ESTALE",	[117] = "EUCLEAN",	[118] = "ENOTNAM",
	[119] = "ENAVAIL",	[120] = "EISNAM",	[121] = "EREMOTEIO",
	[122] = "EDQUOT",	[123] = "ENOMEDIUM",	[124] = "EMEDIUMTYPE",
	[125] = "ECANCELED",	[126] = "ENOKEY",	[127] = "EKEYEXPIRED",
	[128] = "EKEYREVOKED",	[129] = "EKEYREJECTED",	[130] = "EOWNERDEAD",
	[131] = "ENOTRECOVERABLE", /* SystemTap 4.8 names no more than 131 */
};

#define TAP_ERRNO_LIMIT ((int64_t)(sizeof tap_errno_names / sizeof tap_errno_names[0]))

/* The name of error number e, or NULL if e names no error. A system call's
   return value is the negated error, so -e means the same as e. */
const char *tap_errno_name(int64_t e)
{
	if (e < 0) {
		if (e <= -TAP_ERRNO_LIMIT)
			return NULL;
		e = -e;
	}
	if (e == 0 || e >= TAP_ERRNO_LIMIT)
		return NULL;
	return tap_errno_names[e];
}
