/* load.h: loading a kernel program for the tgpu subcommands, whatever its form: TG32 source
 * (.tgasm), a program image (.tgbin), PTX (.ptx) or CUDA C (.cu, through nvcc -ptx). */
#ifndef TG_LOAD_H
#define TG_LOAD_H

#include <stddef.h>

#include "isa/tgbin.h"

/* Returns 0, or -1 with a one-line reason in err (file:line:col for source errors). */
int tg_program_load(const char *path, tg_module *m, char *err, size_t n);

#endif
