/* cmd_ptx.c: `tgpu ptx`: CUDA C or PTX -> TG32 program image (or TG32 assembly text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isa/tgbin.h"
#include "tools/commands.h"
#include "tools/ptx/ptx.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: tgpu ptx IN.ptx|IN.cu [-o OUT.tgbin] [--emit-asm] [--arch sm_80|sm_90] [--max-regs N]\n"
            "  Translates PTX (or CUDA C, through nvcc -ptx -arch=ARCH -O3) into a TG32 program image.\n"
            "  -o FILE       write the .tgbin image\n"
            "  --emit-asm    print the TG32 assembly text on stdout\n"
            "  --arch A      nvcc target for .cu inputs: sm_80 (default) or sm_90\n"
            "  --max-regs N  registers per thread the allocator may use (default 255; fewer forces spills)\n"
            "Errors name file:line; for a .cu input the file is shown as IN.cu:ptx and the line is nvcc's\n"
            "PTX line (nvcc -ptx -arch=sm_80 -O3 IN.cu shows it).\n"
            "The supported PTX subset and its lowering rules: docs/ptx.md.\n");
}

int tg_cmd_ptx(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *arch = "sm_80";
    int emit = 0;
    tg_ptx_options opt = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); return 0; }
        else if (!strcmp(a, "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(a, "--emit-asm")) emit = 1;
        else if (!strcmp(a, "--arch") && i + 1 < argc) arch = argv[++i];
        else if (!strcmp(a, "--max-regs") && i + 1 < argc) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 16 || n > 255) { fprintf(stderr, "tgpu ptx: --max-regs takes 16..255\n"); return 2; }
            opt.max_regs = (unsigned)n;
        }
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "tgpu ptx: unknown option '%s' (try --help)\n", a); return 2; }
        else if (!in) in = a;
        else { fprintf(stderr, "tgpu ptx: more than one input ('%s')\n", a); return 2; }
    }
    if (!in) { usage(stderr); return 2; }
    if (strcmp(arch, "sm_80") && strcmp(arch, "sm_90")) { fprintf(stderr, "tgpu ptx: --arch must be sm_80 or sm_90\n"); return 2; }
    if (!out && !emit) { fprintf(stderr, "tgpu ptx: give -o OUT.tgbin and/or --emit-asm\n"); return 2; }

    char err[1024], tmp[] = "/tmp/tgpu-ptx-XXXXXX.ptx";
    const char *ptx_path = in;
    if (tg_path_has_suffix(in, ".cu")) {
        int fd = mkstemps(tmp, 4);
        if (fd < 0) { perror("tgpu ptx: temporary file"); return 1; }
        close(fd);
        if (tg_ptx_run_nvcc(in, tmp, arch, err, sizeof err)) { unlink(tmp); fprintf(stderr, "tgpu ptx: %s\n", err); return 2; }
        ptx_path = tmp;
    }
    size_t len;
    char *src = tg_ptx_read_file(ptx_path, &len, err, sizeof err);
    if (ptx_path == tmp) unlink(tmp);
    if (!src) { fprintf(stderr, "tgpu ptx: %s\n", err); return 2; }
    /* For a .cu input, line numbers in messages are lines of nvcc's PTX: say so in the name. */
    char label[1100];
    snprintf(label, sizeof label, ptx_path == tmp ? "%s:ptx" : "%s", in);
    int rc = 0;
    if (emit) {
        char *text;
        if (tg_ptx_to_asm(src, len, label, &opt, &text, err, sizeof err)) { fprintf(stderr, "%s\n", err); free(src); return 2; }
        fputs(text, stdout);
        free(text);
    }
    if (out) {
        tg_module m;
        memset(&m, 0, sizeof m);
        if (tg_ptx_compile(src, len, label, &opt, &m, err, sizeof err)) { fprintf(stderr, "%s\n", err); rc = 2; }
        else if (tg_module_write(&m, out, err, sizeof err)) { fprintf(stderr, "tgpu ptx: %s\n", err); rc = 1; }
        if (rc == 0) tg_module_free(&m);
    }
    free(src);
    return rc;
}
