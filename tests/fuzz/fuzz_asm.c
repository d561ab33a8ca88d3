/* fuzz_asm.c: the assembler on arbitrary text. It must never crash or over-read; whatever it
 * accepts must disassemble and reassemble to the same words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tg_module m;
    char err[512];
    if (tg_asm_source((const char *)data, size, "fuzz", &m, err, sizeof err) != 0) return 0;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) { tg_module_free(&m); return 0; }
    int rc = tg_dis_module(&m, f);
    fclose(f);
    if (rc == 0) {
        tg_module m2;
        if (tg_asm_source(text, len, "fuzz-dis", &m2, err, sizeof err) != 0) {
            fprintf(stderr, "disassembly does not reassemble: %s\n%s", err, text);
            abort();
        }
        if (m2.ncode != m.ncode || memcmp(m2.code, m.code, m.ncode * sizeof *m.code)) {
            fprintf(stderr, "disassembly reassembles to different words\n%s", text);
            abort();
        }
        tg_module_free(&m2);
    }
    free(text);
    tg_module_free(&m);
    return 0;
}
