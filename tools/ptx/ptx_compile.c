/* ptx_compile.c: PTX -> tg_module: the front-end's text goes through the TG32 assembler, so the
 * PTX path and hand-written assembly share one encoder and one set of checks. */
#include "tools/ptx/ptx.h"

#include <stdlib.h>
#include <string.h>

#include "isa/asm.h"

int tg_ptx_compile(const char *src, size_t len, const char *filename, const tg_ptx_options *o,
                   tg_module *out, char *err, size_t errlen)
{
    char *text;
    if (tg_ptx_to_asm(src, len, filename, o, &text, err, errlen)) return -1;
    char asmname[TG_NAME_MAX + 16];
    snprintf(asmname, sizeof asmname, "%s(tgasm)", filename);
    int rc = tg_asm_source(text, strlen(text), asmname, out, err, errlen);
    free(text);
    if (rc == 0) snprintf(out->source, sizeof out->source, "%s", filename);
    return rc;
}
