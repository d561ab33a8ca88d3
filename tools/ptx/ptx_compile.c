/* ptx_compile.c: PTX -> tg_module: the front-end's text goes through the TG32 assembler, so the
 * PTX path and hand-written assembly share one encoder and one set of checks. */
#include "tools/ptx/ptx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm.h"
#include "tools/ptx/ptx_ir.h"

int tg_ptx_compile(const char *src, size_t len, const char *filename, const tg_ptx_options *o,
                   tg_module *out, char *err, size_t errlen)
{
    char *text;
    ptx_layout *lay;
    int nlay;
    if (ptx_translate(src, len, filename, o, &text, &lay, &nlay, err, errlen)) return -1;
    char asmname[TG_NAME_MAX + 16];
    snprintf(asmname, sizeof asmname, "%s(tgasm)", filename);
    int rc = tg_asm_source(text, strlen(text), asmname, out, err, errlen);
    free(text);
    /* The code uses the shared/local offsets the front-end computed: the assembler's sizes must agree,
     * or accesses could fall outside what a launch allocates. */
    for (int i = 0; rc == 0 && i < nlay; i++) {
        const tg_kernel *k = tg_module_kernel(out, lay[i].kernel);
        if (!k || k->shared_bytes != lay[i].shared_bytes || k->local_bytes != lay[i].local_bytes || k->nregs < lay[i].nregs) {
            snprintf(err, errlen, "%s: kernel %s: the assembler's layout (shared %u, local %u, regs %u) differs from the front-end's (%u, %u, %u)",
                     filename, lay[i].kernel, k ? k->shared_bytes : 0, k ? k->local_bytes : 0, k ? k->nregs : 0,
                     lay[i].shared_bytes, lay[i].local_bytes, lay[i].nregs);
            tg_module_free(out);
            rc = -1;
        }
    }
    free(lay);
    if (rc == 0) snprintf(out->source, sizeof out->source, "%s", filename);
    return rc;
}
