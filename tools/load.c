/* load.c: see load.h. The file's extension says what it holds. */
#include "tools/load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isa/asm.h"
#include "tools/ptx/ptx.h"

/* .ptx directly; .cu through `nvcc -ptx` into a temporary file first. */
static int load_ptx(const char *path, int is_cu, tg_module *m, char *err, size_t n)
{
    char tmp[] = "/tmp/tgpu-load-XXXXXX.ptx";
    const char *ptx = path;
    if (is_cu) {
        int fd = mkstemps(tmp, 4);
        if (fd < 0) { snprintf(err, n, "%s: cannot create a temporary file", path); return -1; }
        close(fd);
        if (tg_ptx_run_nvcc(path, tmp, "sm_80", err, n)) { unlink(tmp); return -1; }
        ptx = tmp;
    }
    size_t len;
    char *src = tg_ptx_read_file(ptx, &len, err, n);
    if (is_cu) unlink(tmp);
    if (!src) return -1;
    char label[1100];
    snprintf(label, sizeof label, is_cu ? "%s:ptx" : "%s", path);
    tg_ptx_options opt = { 0 };
    int rc = tg_ptx_compile(src, len, label, &opt, m, err, n);
    free(src);
    return rc;
}

int tg_program_load(const char *path, tg_module *m, char *err, size_t n)
{
    memset(m, 0, sizeof *m);
    if (tg_path_has_suffix(path, ".tgasm")) return tg_asm_file(path, m, err, n);
    if (tg_path_has_suffix(path, ".tgbin")) return tg_module_read(m, path, err, n);
    if (tg_path_has_suffix(path, ".ptx")) return load_ptx(path, 0, m, err, n);
    if (tg_path_has_suffix(path, ".cu")) return load_ptx(path, 1, m, err, n);
    snprintf(err, n, "%s: unknown kind of program (expected .tgasm, .tgbin, .ptx or .cu)", path);
    return -1;
}
