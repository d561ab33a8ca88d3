/* tgrtl.c: `tgrtl KERNEL --grid X[,Y,Z] --block X[,Y,Z] [--arg SPEC]... [--kernel NAME] [--trace out.vcd]
 * [--no-lockstep]`: runs one kernel (.tgasm or .tgbin) on the Verilated RTL, in lockstep with the
 * simulator (rtl/harness/lockstep.h) unless --no-lockstep. Argument specs follow tgpu run:
 * u32:V i32:V f32:V in:FILE out:BYTES:FILE. Buffers are allocated by the simulator and mirrored
 * into the RTL's memory at the same addresses. Prints cycles, warp-instructions and the simulation
 * speed; exit 1 on a fault or a lockstep mismatch, 2 on bad input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isa/asm.h"
#include "isa/tgbin.h"
#include "rtl/harness/rtl_run.h"
#include "rtl/harness/tg_rtl.h"
#include "sim/sim.h"

#define MAX_ARGS 16
#define MEM_BYTES (64u << 20)

typedef struct arg { const char *spec; uint32_t value; const char *out_file; uint32_t bytes; } arg;

static void usage(FILE *f)
{
    fprintf(f, "usage: tgrtl KERNEL.tgasm|.tgbin --grid X[,Y,Z] --block X[,Y,Z] [--arg SPEC]... [--kernel NAME]\n"
               "             [--trace OUT.vcd]"
               "             [--no-lockstep] [--max-cycles N]\n"
               "  --arg SPEC      in parameter order: u32:V i32:V f32:V in:FILE out:BYTES:FILE\n"
               "  --no-lockstep   run the RTL alone (default: every retired warp-instruction is checked\n"
               "                  against the simulator, and final memory too)\n"
               "  at most %d threads per block and %d local bytes per thread (the RTL's configuration)\n",
            TG_RTL_WARPS * TG_RTL_LANES, TG_RTL_LOCAL_WORDS * 4);
}

/* X[,Y,Z], each a number >= 1; -1 when malformed. */
static int parse_dim(const char *s, tg_dim3 *d)
{
    uint32_t v[3] = { 1, 1, 1 };
    for (int i = 0; i < 3; i++) {
        char *end;
        unsigned long x = strtoul(s, &end, 0);
        if (end == s || x == 0 || x > UINT32_MAX) return -1;
        v[i] = (uint32_t)x;
        if (*end == 0) { *d = (tg_dim3){ v[0], v[1], v[2] }; return 0; }
        if (*end != ',' || i == 2) return -1;
        s = end + 1;
    }
    return -1;
}

static void *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = n > 0 ? malloc((size_t)n) : NULL;
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) { free(p); p = NULL; }
    fclose(f);
    *len = n > 0 ? (size_t)n : 0;
    return p;
}

/* Parses one --arg; buffers are allocated and filled in the simulator (the RTL mirrors them). */
static int parse_arg(tg_sim *sim, arg *a)
{
    const char *s = a->spec;
    char *end;
    if (!strncmp(s, "u32:", 4) || !strncmp(s, "i32:", 4)) {
        a->value = (uint32_t)strtoll(s + 4, &end, 0);
        if (*end || end == s + 4) goto bad;
        return 0;
    }
    if (!strncmp(s, "f32:", 4)) {
        float f = strtof(s + 4, &end);
        if (*end || end == s + 4) goto bad;
        memcpy(&a->value, &f, 4);
        return 0;
    }
    size_t len = 0;
    void *data = NULL;
    if (!strncmp(s, "in:", 3)) {
        data = read_file(s + 3, &len);
        if (!data) { fprintf(stderr, "tgrtl: --arg %s: cannot read %s: %s\n", s, s + 3, errno ? strerror(errno) : "empty"); return -1; }
    } else if (!strncmp(s, "out:", 4)) {
        len = strtoul(s + 4, &end, 0);
        if (*end != ':' || !len || !end[1]) goto bad;
        a->out_file = end + 1;
        data = calloc(1, len);
    } else goto bad;
    a->value = len <= MEM_BYTES ? tg_sim_alloc(sim, (uint32_t)len) : 0;
    if (!a->value) { fprintf(stderr, "tgrtl: --arg %s: out of device memory\n", s); free(data); return -1; }
    a->bytes = (uint32_t)len;
    tg_sim_write(sim, a->value, data, len);
    free(data);
    return 0;
bad:
    fprintf(stderr, "tgrtl: bad --arg '%s' (u32:V i32:V f32:V in:FILE out:BYTES:FILE)\n", s);
    return -1;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *kname = NULL, *trace = NULL;
    int lockstep = 1;
    uint64_t max_cycles = 0;
    tg_dim3 grid = { 0, 0, 0 }, block = { 0, 0, 0 };
    arg args[MAX_ARGS];
    int nargs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (i + 1 < argc && (!strcmp(a, "--grid") || !strcmp(a, "--block"))) {
            if (parse_dim(argv[++i], a[2] == 'g' ? &grid : &block)) {
                fprintf(stderr, "tgrtl: bad %s '%s' (X[,Y,Z], each >= 1)\n", a, argv[i]);
                return 2;
            }
        }
        else if (i + 1 < argc && !strcmp(a, "--kernel")) kname = argv[++i];
        else if (i + 1 < argc && !strcmp(a, "--trace")) trace = argv[++i];
        else if (i + 1 < argc && !strcmp(a, "--max-cycles")) max_cycles = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(a, "--no-lockstep")) lockstep = 0;
        else if (i + 1 < argc && !strcmp(a, "--arg")) {
            if (nargs == MAX_ARGS) { fprintf(stderr, "tgrtl: more than %d --arg\n", MAX_ARGS); return 2; }
            args[nargs++] = (arg){ .spec = argv[++i] };
        } else if (a[0] != '-' && !path) path = a;
        else { fprintf(stderr, "tgrtl: unknown or incomplete option '%s'\n", a); usage(stderr); return 2; }
    }
    if (!path || !grid.x || !block.x) { usage(stderr); return 2; }
    if ((uint64_t)block.x * block.y * block.z > TG_RTL_WARPS * TG_RTL_LANES) {
        fprintf(stderr, "tgrtl: block of %llu threads; this RTL holds at most %d\n",
                (unsigned long long)block.x * block.y * block.z, TG_RTL_WARPS * TG_RTL_LANES);
        return 2;
    }
    tg_module m;
    char err[512];
    size_t plen = strlen(path);
    int lrc = plen > 6 && !strcmp(path + plen - 6, ".tgbin") ? tg_module_read(&m, path, err, sizeof err)
                                                              : tg_asm_file(path, &m, err, sizeof err);
    if (lrc) { fprintf(stderr, "tgrtl: %s\n", err); return 2; }
    const tg_kernel *k = tg_module_kernel(&m, kname);
    if (!k) { fprintf(stderr, "tgrtl: %s: no kernel %s\n", path, kname ? kname : "(several; pass --kernel)"); tg_module_free(&m); return 2; }
    if ((int)k->nparams != nargs) {
        fprintf(stderr, "tgrtl: kernel %s takes %u parameters, %d --arg given\n", k->name, k->nparams, nargs);
        tg_module_free(&m);
        return 2;
    }
    tg_sim_config cfg;
    tg_rtl_sim_config(&cfg);
    cfg.global_bytes = MEM_BYTES;
    tg_sim *sim = tg_sim_create(&cfg);
    if (!sim) { fprintf(stderr, "tgrtl: out of memory\n"); tg_module_free(&m); return 2; }
    uint8_t params[256] = {0};
    int rc = 0;
    for (int i = 0; i < nargs && rc == 0; i++) {
        rc = parse_arg(sim, &args[i]);
        if (rc == 0 && k->params[i].offset + 4 <= sizeof params)
            memcpy(params + k->params[i].offset, &args[i].value, 4);   /* 8-byte params: high word 0 */
    }
    if (rc == 0 && k->param_bytes > sizeof params) { fprintf(stderr, "tgrtl: parameter block over %zu bytes\n", sizeof params); rc = -1; }
    if (rc) { tg_sim_destroy(sim); tg_module_free(&m); return 2; }
    tg_launch l = { .module = &m, .kernel = k, .grid = grid, .block = block, .params = params,
                    .param_bytes = k->param_bytes };
    static char report[8192];
    tg_rtl_run_opts ro = { .lockstep = lockstep, .vcd = trace, .max_cycles = max_cycles };
    tg_run_stats st;
    tg_fault f;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int run = tg_rtl_run_launch(sim, &l, &ro, &st, &f, report, sizeof report);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    if (run == TG_RTL_RUN_FAULT) {
        char line[512];
        tg_fault_format(&f, line, sizeof line);
        fprintf(stderr, "%s\n", line);
        if (lockstep)
            fprintf(stderr, "(the RTL reported the same fault; lockstep matched %llu warp-instructions before it)\n",
                    (unsigned long long)st.warp_instrs);
        rc = 1;
    } else if (run != TG_RTL_RUN_OK) {
        fprintf(stderr, "%s", report);
        rc = run == TG_RTL_RUN_BAD_SETUP ? 2 : 1;
    } else {
        /* The simulator's memory holds the RTL's final memory (and, in lockstep, equals it). */
        for (int i = 0; i < nargs; i++) {
            if (!args[i].out_file) continue;
            uint8_t *buf = malloc(args[i].bytes);
            FILE *fo = fopen(args[i].out_file, "wb");
            if (!buf || !fo || tg_sim_read(sim, args[i].value, buf, args[i].bytes) ||
                fwrite(buf, 1, args[i].bytes, fo) != args[i].bytes) {
                fprintf(stderr, "tgrtl: cannot write %s\n", args[i].out_file);
                rc = 2;
            }
            if (fo) fclose(fo);
            free(buf);
        }
        printf("%s: %llu cycles, %llu warp-instructions, %.0f cycles/s simulated%s\n", k->name,
               (unsigned long long)st.cycles, (unsigned long long)st.warp_instrs,
               sec > 0 ? (double)st.cycles / sec : 0.0,
               lockstep ? "; lockstep with the simulator: every warp-instruction and final memory match" : "");
    }
    tg_sim_destroy(sim);
    tg_module_free(&m);
    return rc;
}
