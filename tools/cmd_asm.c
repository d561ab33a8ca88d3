/* cmd_asm.c: `tgpu asm IN.tgasm -o OUT.tgbin`. */
#include <stdio.h>
#include <string.h>

#include "isa/asm.h"
#include "tools/commands.h"

int tg_cmd_asm(int argc, char **argv)
{
    const char *in = NULL, *outp = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: tgpu asm IN.tgasm -o OUT.tgbin\n"
                   "Assembles TG32 source (syntax: docs/isa.md) into a program image.\n");
            return 0;
        }
        if (!strcmp(argv[i], "-o") && i + 1 < argc) outp = argv[++i];
        else if (argv[i][0] == '-') { fprintf(stderr, "tgpu asm: unknown option %s\n", argv[i]); return 2; }
        else if (!in) in = argv[i];
        else { fprintf(stderr, "tgpu asm: more than one input (%s)\n", argv[i]); return 2; }
    }
    if (!in || !outp) { fprintf(stderr, "usage: tgpu asm IN.tgasm -o OUT.tgbin\n"); return 2; }
    tg_module m;
    char err[512];
    if (tg_asm_file(in, &m, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 2; }
    int rc = tg_module_write(&m, outp, err, sizeof err);
    if (rc) fprintf(stderr, "tgpu asm: %s\n", err);
    tg_module_free(&m);
    return rc ? 2 : 0;
}
