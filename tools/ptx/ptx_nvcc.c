/* ptx_nvcc.c: the host side of the front-end: reading a source file, and running nvcc to turn a .cu
 * into PTX (nvcc -ptx -arch=ARCH -O3). No shell is involved: arguments go to execv as they are. */
#include "tools/ptx/ptx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *tg_ptx_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return NULL; }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) { char *nb = realloc(buf, cap *= 2); if (!nb) { free(buf); buf = NULL; } else buf = nb; }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) { free(buf); snprintf(err, errlen, "%s: cannot read", path); return NULL; }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* nvcc from PATH, else the default CUDA install location. */
static int find_nvcc(char *out, size_t n)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        if (len > 0 && len + 6 < n) {
            snprintf(out, n, "%.*s/nvcc", (int)len, path);
            if (access(out, X_OK) == 0) return 0;
        }
        path = colon ? colon + 1 : NULL;
    }
    snprintf(out, n, "/usr/local/cuda/bin/nvcc");
    return access(out, X_OK) == 0 ? 0 : -1;
}

int tg_ptx_run_nvcc(const char *cu_path, const char *ptx_path, const char *arch, char *err, size_t errlen)
{
    char nvcc[4096], archopt[64];
    if (find_nvcc(nvcc, sizeof nvcc)) {
        snprintf(err, errlen, "%s: nvcc not found (not on PATH, not in /usr/local/cuda/bin): install the CUDA toolkit or pass a .ptx file", cu_path);
        return -1;
    }
    snprintf(archopt, sizeof archopt, "-arch=%s", arch ? arch : "sm_80");
    char *argv[] = { nvcc, "-ptx", archopt, "-O3", (char *)cu_path, "-o", (char *)ptx_path, NULL };
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) { snprintf(err, errlen, "%s: cannot run nvcc: %s", cu_path, strerror(errno)); return -1; }
    if (pid == 0) {
        dup2(2, 1);   /* nvcc's messages all go to stderr */
        execv(nvcc, argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) { snprintf(err, errlen, "%s: waiting for nvcc: %s", cu_path, strerror(errno)); return -1; }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        snprintf(err, errlen, "%s: nvcc -ptx failed (exit %d); its messages are above", cu_path,
                 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return -1;
    }
    return 0;
}
