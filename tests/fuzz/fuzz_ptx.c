/* fuzz_ptx.c: the PTX front-end (parse, lower, allocate, emit) on arbitrary bytes. It must either
 * translate or fail with a message, never crash, hang or leak. The corpus (tests/corpus/ptx/) holds
 * nvcc's PTX of every kernel in kernels/ plus small malformed and unsupported inputs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools/ptx/ptx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size + 1);
    if (!src) return 0;
    memcpy(src, data, size);
    src[size] = 0;
    char err[512], *text = NULL;
    tg_ptx_options o = { .max_regs = size % 2 ? 24 : 0 };   /* odd sizes also exercise spilling */
    if (tg_ptx_to_asm(src, size, "fuzz.ptx", &o, &text, err, sizeof err) == 0) free(text);
    free(src);
    return 0;
}
