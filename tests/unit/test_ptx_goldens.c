/* test_ptx_goldens.c: the simulator against outputs recorded on a real NVIDIA GPU. Each case in
 * tests/goldens/EXPECTED has a folder with case.txt (kernel, launch, buffers, arguments, tolerance;
 * format in tests/goldens/record.cu), the inputs (<buf>.bin) and the GPU's outputs (<buf>.gpu.bin).
 * The kernel is built the tgpu way (nvcc PTX of kernels/<module>.cu -> front-end -> assembler) and
 * run on the simulator with the same inputs.
 *
 * Until goldens are recorded (make goldens, on a machine with a GPU) tests/goldens/EXPECTED does not
 * exist and the test says so; once it exists, every case it lists must be present and match:
 * a missing folder or file is a failure, never a skip. Tolerances: "exact" = bit-equal; "rel R" =
 * |sim - gpu| <= R * (largest |gpu| value of the buffer), for kernels using SFU approximations. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "tools/ptx/ptx.h"

static int failures;
#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); failures++; } while (0)

#define ROOT "tests/goldens"
#define MAXB 8

typedef struct gbuf { char name[64]; size_t bytes; int in, out; uint32_t addr; } gbuf;

static int load_module(const char *name, tg_module *m)
{
    const char *build = getenv("BUILD");
    char path[1024], err[1024];
    snprintf(path, sizeof path, "%s/ptx/%s.ptx", build ? build : "build", name);
    size_t len;
    char *src = tg_ptx_read_file(path, &len, err, sizeof err);
    if (!src) {
        snprintf(path, sizeof path, "tests/corpus/ptx/%s.ptx", name);
        src = tg_ptx_read_file(path, &len, err, sizeof err);
    }
    if (!src) { FAIL("%s", err); return -1; }
    int rc = tg_ptx_compile(src, len, path, NULL, m, err, sizeof err);
    free(src);
    if (rc) FAIL("%s", err);
    return rc;
}

static void *slurp(const char *path, size_t want)
{
    char err[512];
    size_t len;
    char *d = tg_ptx_read_file(path, &len, err, sizeof err);
    if (!d) { FAIL("%s", err); return NULL; }
    if (len != want) { FAIL("%s: %zu bytes, case.txt says %zu", path, len, want); free(d); return NULL; }
    return d;
}

static void run_case(tg_sim *sim, const char *name)
{
    char path[1024], line[256], kernel[128] = "", module[128] = "", tol[64] = "";
    snprintf(path, sizeof path, ROOT "/%s/case.txt", name);
    FILE *f = fopen(path, "r");
    if (!f) { FAIL("%s: missing (listed in " ROOT "/EXPECTED)", path); return; }
    tg_dim3 grid = {1, 1, 1}, block = {1, 1, 1};
    unsigned shared = 0;
    gbuf bufs[MAXB];
    int nb = 0, na = 0, ln = 0;
    uint64_t args[32];
    char argbuf[32][64];
    while (fgets(line, sizeof line, f)) {
        ln++;
        char a[64], b[64];
        size_t bytes;
        unsigned x, y, z;
        int iv;
        if (sscanf(line, "kernel %127s", kernel) == 1 || sscanf(line, "module %127s", module) == 1) continue;
        if (sscanf(line, "grid %u %u %u", &x, &y, &z) == 3) { grid = (tg_dim3){x, y, z}; continue; }
        if (sscanf(line, "block %u %u %u", &x, &y, &z) == 3) { block = (tg_dim3){x, y, z}; continue; }
        if (sscanf(line, "shared %u", &shared) == 1) continue;
        if (sscanf(line, "buf %63s %zu %63s", a, &bytes, b) == 3 && nb < MAXB && bytes < (64u << 20)) {
            gbuf *g = &bufs[nb++];
            snprintf(g->name, sizeof g->name, "%s", a);
            g->bytes = bytes;
            g->in = !strcmp(b, "in") || !strcmp(b, "inout");
            g->out = !strcmp(b, "out") || !strcmp(b, "inout");
            continue;
        }
        if (na < 32 && sscanf(line, "arg buf %63s", argbuf[na]) == 1) { args[na++] = UINT64_MAX; continue; }
        if (na < 32 && sscanf(line, "arg i32 %d", &iv) == 1) { args[na] = (uint32_t)iv; argbuf[na++][0] = 0; continue; }
        if (na < 32 && sscanf(line, "arg f32 %x", &x) == 1) { args[na] = x; argbuf[na++][0] = 0; continue; }
        if (sscanf(line, "tol %63[^\n]", tol) == 1) continue;
        FAIL("%s:%d: cannot parse '%.*s'", path, ln, (int)strcspn(line, "\n"), line);
        fclose(f);
        return;
    }
    fclose(f);
    double rel = 0;
    if (strcmp(tol, "exact") && sscanf(tol, "rel %lf", &rel) != 1) { FAIL("%s: bad tol '%s'", path, tol); return; }
    tg_module m;
    if (load_module(module, &m)) return;
    for (int i = 0; i < nb; i++) {
        gbuf *g = &bufs[i];
        g->addr = tg_sim_alloc(sim, (uint32_t)g->bytes);
        void *data = calloc(1, g->bytes);
        if (g->in) {
            free(data);
            snprintf(path, sizeof path, ROOT "/%s/%s.bin", name, g->name);
            data = slurp(path, g->bytes);
        }
        if (!g->addr || !data || tg_sim_write(sim, g->addr, data, g->bytes)) { free(data); FAIL("%s: cannot set up %s", name, g->name); tg_module_free(&m); return; }
        free(data);
    }
    const tg_kernel *k = tg_module_kernel(&m, kernel);
    uint8_t params[256] = {0};
    if (!k || (int)k->nparams != na) { FAIL("%s: kernel %s missing or has another signature", name, kernel); tg_module_free(&m); return; }
    for (int i = 0; i < na; i++) {
        uint64_t v = args[i];
        if (argbuf[i][0]) {
            int j = 0;
            while (j < nb && strcmp(bufs[j].name, argbuf[i])) j++;
            if (j == nb) { FAIL("%s: no buffer %s", name, argbuf[i]); tg_module_free(&m); return; }
            v = bufs[j].addr;
        }
        if (k->params[i].offset + k->params[i].size > sizeof params) { FAIL("%s: params too large", name); tg_module_free(&m); return; }
        memcpy(params + k->params[i].offset, &v, k->params[i].size);
    }
    tg_launch l = { &m, k, grid, block, params, k->param_bytes, shared };
    tg_fault fault;
    if (tg_sim_launch(sim, &l, NULL, &fault)) {
        char buf[512];
        tg_fault_format(&fault, buf, sizeof buf);
        FAIL("%s: %s", name, buf);
        tg_module_free(&m);
        return;
    }
    for (int i = 0; i < nb; i++) {
        gbuf *g = &bufs[i];
        if (!g->out) continue;
        snprintf(path, sizeof path, ROOT "/%s/%s.gpu.bin", name, g->name);
        uint8_t *want = slurp(path, g->bytes), *got = malloc(g->bytes);
        if (want && got && tg_sim_read(sim, g->addr, got, g->bytes) == 0) {
            size_t n = g->bytes / 4, bad = 0;
            double scale = 0;
            for (size_t j = 0; j < n; j++) { float w; memcpy(&w, want + 4 * j, 4); if (isfinite(w) && fabs(w) > scale) scale = fabs(w); }
            for (size_t j = 0; j < n; j++) {
                float a, b;
                memcpy(&a, got + 4 * j, 4);
                memcpy(&b, want + 4 * j, 4);
                bool ok = rel == 0 ? memcmp(got + 4 * j, want + 4 * j, 4) == 0
                        : (isnan(a) && isnan(b)) || a == b || fabs((double)a - b) <= rel * scale;
                if (!ok && bad++ < 5) fprintf(stderr, "%s/%s[%zu]: sim %.9g (0x%08x) gpu %.9g (0x%08x)\n", name, g->name, j, a,
                                             *(uint32_t *)(got + 4 * j), b, *(uint32_t *)(want + 4 * j));
            }
            if (bad) FAIL("%s/%s: %zu of %zu values differ (tol %s)", name, g->name, bad, n, tol);
        } else if (want && got) FAIL("%s: cannot read %s back", name, g->name);
        free(want);
        free(got);
    }
    tg_module_free(&m);
}

int main(void)
{
    FILE *f = fopen(ROOT "/EXPECTED", "r");
    if (!f) {
        /* nothing recorded yet: then no case folder may exist either (a half-committed set fails) */
        DIR *d = opendir(ROOT);
        struct dirent *e;
        int stray = 0;
        while (d && (e = readdir(d))) {
            char p[1024];
            snprintf(p, sizeof p, ROOT "/%s/case.txt", e->d_name);
            FILE *c = fopen(p, "r");
            if (c) { fclose(c); FAIL("%s exists but " ROOT "/EXPECTED does not", p); stray++; }
        }
        if (d) closedir(d);
        if (stray) return 1;
        printf("test_ptx_goldens: no hardware goldens recorded yet (" ROOT "/EXPECTED absent; run make goldens on a GPU)\n");
        return 0;
    }
    tg_sim_config c;
    tg_sim_config_default(&c);
    c.global_bytes = 64u << 20;
    c.watchdog = 200000000;
    tg_sim *sim = tg_sim_create(&c);
    if (!sim) { fclose(f); fprintf(stderr, "cannot create the simulator\n"); return 1; }
    char name[128];
    int cases = 0;
    while (fscanf(f, "%127s", name) == 1) { run_case(sim, name); cases++; }
    fclose(f);
    tg_sim_destroy(sim);
    if (cases == 0) FAIL(ROOT "/EXPECTED lists no cases");
    f = fopen(ROOT "/PROVENANCE", "r");
    if (!f) FAIL(ROOT "/PROVENANCE is missing");
    else fclose(f);
    if (failures) { fprintf(stderr, "%d failures\n", failures); return 1; }
    printf("test_ptx_goldens: %d cases match the GPU\n", cases);
    return 0;
}
