/* fuzz_tgbin.c: the .tgbin reader on arbitrary bytes. It must never crash or over-read, and every
 * image it accepts must stay inside its own bounds (kernels within the code, params within the
 * parameter block), which the walk below touches. */
#include <stdio.h>
#include <stdlib.h>

#include "isa/asm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tg_module m;
    char err[512];
    if (tg_module_parse(&m, data, size, "fuzz", err, sizeof err) != 0) return 0;
    for (uint32_t k = 0; k < m.nkernels; k++) {
        const tg_kernel *kn = &m.kernels[k];
        if (kn->entry >= kn->end || kn->end > m.ncode) abort();
        for (uint32_t pc = kn->entry; pc < kn->end; pc++) {
            tg_inst in;
            const char *why;
            char text[160];
            if (tg_decode(m.code[pc], &in, &why) == 0) tg_dis_inst(&in, text, sizeof text);
        }
        for (uint32_t i = 0; i < kn->nparams; i++)
            if (kn->params[i].offset + kn->params[i].size > kn->param_bytes) abort();
    }
    tg_module_free(&m);
    return 0;
}
