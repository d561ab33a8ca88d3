/* cmd_asm.c: `tgpu asm IN.tgasm -o OUT.tgbin` and `tgpu dis IN.tgbin|IN.tgasm`. */
#include <stdio.h>
#include <string.h>

#include "isa/asm.h"
#include "tools/commands.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

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

int tg_cmd_dis(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        printf("usage: tgpu dis IN.tgbin|IN.tgasm\n"
               "Prints the program as TG32 source that assembles back to the same words.\n");
        return 0;
    }
    if (argc != 2) { fprintf(stderr, "usage: tgpu dis IN.tgbin|IN.tgasm\n"); return 2; }
    tg_module m;
    char err[512];
    int rc = ends_with(argv[1], ".tgasm") ? tg_asm_file(argv[1], &m, err, sizeof err)
                                          : tg_module_read(&m, argv[1], err, sizeof err);
    if (rc) { fprintf(stderr, "%s\n", err); return 2; }
    rc = tg_dis_module(&m, stdout) ? 2 : 0;
    tg_module_free(&m);
    return rc;
}
