/* tgbin.h: the TG32 program image. Owns the in-memory module (code + kernel table) and the .tgbin
 * file format that stores it. The assembler and the PTX front-end produce modules; the simulator,
 * the RTL harness and the device layer consume them.
 *
 * A module holds the code of one or more kernels in one instruction array; each kernel names its
 * entry and the resources it needs (registers per thread, shared and local bytes, parameters). */
#ifndef TG_TGBIN_H
#define TG_TGBIN_H

#include <stddef.h>
#include <stdint.h>

#define TG_NAME_MAX 128

typedef struct tg_param {
    char     name[TG_NAME_MAX];
    uint32_t offset;  /* byte offset in the parameter block */
    uint32_t size;    /* 4 or 8 (an 8-byte param holds a zero-extended 32-bit device address) */
} tg_param;

/* A named static shared-memory allocation (assembler `.shared NAME BYTES`), kept for tools. */
typedef struct tg_symbol {
    char     name[TG_NAME_MAX];
    uint32_t offset, size;
} tg_symbol;

typedef struct tg_kernel {
    char      name[TG_NAME_MAX];
    uint32_t  entry;         /* instruction index of the first instruction */
    uint32_t  end;           /* one past the kernel's last instruction */
    uint32_t  nregs;         /* registers per thread, for occupancy */
    uint32_t  shared_bytes;  /* static shared memory per block */
    uint32_t  local_bytes;   /* local memory per thread */
    uint32_t  param_bytes;   /* size of the parameter block */
    uint32_t  nparams;
    tg_param *params;
    uint32_t  nshared_syms;
    tg_symbol *shared_syms;
} tg_kernel;

typedef struct tg_module {
    uint32_t   ncode;
    uint64_t  *code;     /* instruction words, index = pc */
    uint32_t  *lines;    /* optional: source line per instruction (0 = unknown), or NULL */
    char       source[TG_NAME_MAX]; /* file the module came from, for reports */
    uint32_t   nkernels;
    tg_kernel *kernels;
} tg_module;

/* Reads/writes the .tgbin file format (layout in docs/isa.md). Errors go to err as
 * "path: offset N: what is wrong"; returns 0 or -1. Reading validates every count and offset. */
int tg_module_write(const tg_module *m, const char *path, char *err, size_t errlen);
/* The image tg_module_write stores, in memory (*data from malloc; the caller frees it). The format
 * has one encoding per module, so serializing what tg_module_parse accepted gives back its input.
 * Returns 0, or -1 when out of memory. */
int tg_module_serialize(const tg_module *m, uint8_t **data, size_t *size);
int tg_module_read(tg_module *m, const char *path, char *err, size_t errlen);
int tg_module_parse(tg_module *m, const void *data, size_t size, const char *name,
                    char *err, size_t errlen);
/* Kernel by name; a NULL name picks the module's only kernel (NULL if there are several). */
const tg_kernel *tg_module_kernel(const tg_module *m, const char *name);
void tg_module_free(tg_module *m);

/* Whether the file name s ends with suffix (".tgbin", ".tgasm", ".ptx", ".cu"): the tools and the
 * device layer tell a program's form by its name. */
int tg_path_has_suffix(const char *s, const char *suffix);

#endif
