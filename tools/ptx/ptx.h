/* ptx.h: tgpu's PTX front-end: NVIDIA PTX text (as nvcc -ptx writes it) -> TG32 assembler text ->
 * tg_module. Owns the public entry points; the parser (ptx_parse.c), the lowering to TG32
 * (ptx_lower.c), the register allocator (regalloc.c) and the text emitter (ptx_emit.c) share the
 * internal IR in ptx_ir.h. The supported subset and the lowering rules are in docs/ptx.md. */
#ifndef TG_PTX_H
#define TG_PTX_H

#include <stddef.h>

#include "isa/tgbin.h"

typedef struct tg_ptx_options {
    unsigned max_regs;   /* registers a kernel may use (0 = all 255); fewer forces spills (tests) */
} tg_ptx_options;

/* Translates PTX source into TG32 assembler text (malloc'd, NUL-terminated, in *out). filename is
 * for messages. Returns 0, or -1 with err = "file:line: what is wrong". */
int tg_ptx_to_asm(const char *src, size_t len, const char *filename, const tg_ptx_options *o,
                  char **out, char *err, size_t errlen);

/* PTX source -> tg_module: tg_ptx_to_asm, then the TG32 assembler. */
int tg_ptx_compile(const char *src, size_t len, const char *filename, const tg_ptx_options *o,
                   tg_module *out, char *err, size_t errlen);

/* Runs `nvcc -ptx -arch=ARCH -O3 CU -o PTX` (nvcc from PATH, else /usr/local/cuda/bin/nvcc).
 * Returns 0, or -1 with err saying why (nvcc missing, compile failed: its output is on stderr). */
int tg_ptx_run_nvcc(const char *cu_path, const char *ptx_path, const char *arch, char *err,
                    size_t errlen);

/* Reads a whole file (malloc'd, NUL-terminated). Returns NULL with err set on failure. */
char *tg_ptx_read_file(const char *path, size_t *len, char *err, size_t errlen);

#endif
