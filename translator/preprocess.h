/* Pass 1, preprocessing: @define macros and %( CONDITION %? ... %: ... %)
   conditionals, applied to the lexer's tokens before the grammar sees them.
   yylex (declared in parser.h) is the preprocessor's output.

   Expanded tokens keep the location where their text is written: a macro
   body's tokens point into the @define, an argument's tokens to the call,
   and the tokens of a pasted $N to the $N. */
#ifndef TAPC_PREPROCESS_H
#define TAPC_PREPROCESS_H

#include "parser.h"

/* The target the conditions test.  Each has a default, so the driver need
   only set what it knows:
     kernel    release as in `uname -r`, e.g. "6.1.0-56-amd64" (kernel_vr;
               kernel_v is the part before the first '-'); default: the
               newest /lib/modules/RELEASE that has a build/ directory, else
               the running kernel
     kconfig   path of the target's .config (CONFIG_* conditions); default:
               /lib/modules/RELEASE/build/.config of the kernel above
     arch      "x86_64", "i386", "arm64", ...; default: this machine's
     runtime   "kernel" (the default), "dyninst", "bpf", ...
     guru      -g given (guru_mode == 1); default 0
     privilege "stapdev" (the default), "stapsys" or "stapusr"
     compatible  the SystemTap version to act as (systemtap_v); default "4.8" */
void preprocess_set_kernel(const char *release);
void preprocess_set_kconfig(const char *path);
void preprocess_set_arch(const char *arch);
void preprocess_set_runtime(const char *runtime);
void preprocess_set_guru(int guru);
void preprocess_set_privilege(const char *privilege);
void preprocess_set_compatible(const char *version);

/* Starts a new file: macros are local to the file that defines them. */
void preprocess_begin(void);
/* The macros the file just parsed defined become the library's (*.stpm). */
void preprocess_keep_library(void);

/* The lexer's side.  Besides the grammar's tokens it returns these, which
   never reach the grammar. */
enum pp_token {
	PP_OPEN = 0x10000, /* %( */
	PP_THEN,           /* %? */
	PP_ELSE,           /* %: */
	PP_CLOSE,          /* %) */
	PP_ARG,            /* $N; str is argument N's text, lexed in its place */
	PP_BADARG,         /* $N or @N past the last argument; num is N, or -N for @N */
};
int raw_lex(YYSTYPE *lval, YYLTYPE *lloc);
/* Between these, raw_lex reads TEXT, and every token is located at AT. */
void lex_paste_begin(const char *text, const YYLTYPE *at);
void lex_paste_end(void);

#endif
