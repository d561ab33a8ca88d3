/* load.c: see load.h. The file's extension says what it holds. */
#include "tools/load.h"

#include <stdio.h>
#include <string.h>

#include "isa/asm.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

int tg_program_load(const char *path, tg_module *m, char *err, size_t n)
{
    if (ends_with(path, ".tgasm")) return tg_asm_file(path, m, err, n);
    if (ends_with(path, ".tgbin")) return tg_module_read(m, path, err, n);
    snprintf(err, n, "%s: unknown kind of program (expected .tgasm or .tgbin)", path);
    return -1;
}
