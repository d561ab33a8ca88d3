/* cmd_dis.c: `tgpu dis IN.tgbin|IN.tgasm`: a program as TG32 source that reassembles to the same
 * words (a .tgasm input is assembled first, which shows the canonical spelling of each line). */
#include <stdio.h>
#include <string.h>

#include "isa/asm.h"
#include "tools/commands.h"

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
    int rc = tg_path_has_suffix(argv[1], ".tgasm") ? tg_asm_file(argv[1], &m, err, sizeof err)
                                                   : tg_module_read(&m, argv[1], err, sizeof err);
    if (rc) { fprintf(stderr, "%s\n", err); return 2; }
    rc = tg_dis_module(&m, stdout) ? 2 : 0;
    tg_module_free(&m);
    return rc;
}
