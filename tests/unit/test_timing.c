/* test_timing.c: the cycle-level timing model against its own configuration and against the
 * functional core.
 *   1. Every hand kernel leaves memory bit-identical in functional and cycle mode, and cycle counts
 *      repeat exactly run to run.
 *   2. Pointer chasing recovers the configured L1 hit latency, the L2 path latency, and the L1 and
 *      L2 sizes (the per-load latency jumps once the footprint passes each size).
 *   3. Shared-memory strides show the configured serialization: stride s (words) over 32 banks
 *      costs gcd(s, 32) passes.
 *   4. A streaming kernel reaches most of the configured DRAM bandwidth.
 *   5. Tiled matmul makes far fewer global-memory requests, moves fewer DRAM bytes, and reaches a
 *      higher IPC in fewer cycles than naive matmul. The run uses teach with its L2 cut to 16 KiB:
 *      teach's own 64 KiB L2 holds both 64 KiB matrices' hot lines, so both kernels would read each
 *      line from DRAM about once and only L1/L2 traffic would differ.
 *   6. Warps thrashing one I-cache set still make progress (a livelock tgpu torture found). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isa/asm.h"
#include "sim/sim.h"

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL: " __VA_ARGS__); printf("\n"); failures++; } } while (0)

static const char *root(void) { return getenv("TG_ROOT") ? getenv("TG_ROOT") : "."; }

static tg_sim *make_sim(int cycle, const char *preset)
{
    tg_sim_config c;
    tg_sim_config_default(&c);
    c.cycle_mode = cycle;
    char path[512];
    if (strchr(preset, '/')) snprintf(path, sizeof path, "%s", preset);   /* a file, not a name */
    else snprintf(path, sizeof path, "%s/sim/presets/%s.cfg", root(), preset);
    c.timing_preset = cycle ? path : NULL;
    char err[256];
    tg_sim *s = tg_sim_create_ex(&c, err, sizeof err);
    if (!s) { printf("FAIL: %s\n", err); exit(1); }
    return s;
}

static uint32_t upload(tg_sim *s, const void *p, size_t n)
{
    uint32_t a = tg_sim_alloc(s, (uint32_t)n);
    if (!a || tg_sim_write(s, a, p, n)) { printf("FAIL: upload\n"); exit(1); }
    return a;
}

static uint64_t run(tg_sim *s, const tg_module *m, tg_dim3 g, tg_dim3 b, const uint32_t *p, unsigned np)
{
    tg_launch l = { .module = m, .kernel = &m->kernels[0], .grid = g, .block = b, .params = p, .param_bytes = np * 4 };
    tg_run_stats st;
    tg_fault f;
    if (tg_sim_launch(s, &l, &st, &f)) {
        char line[512];
        tg_fault_format(&f, line, sizeof line);
        printf("FAIL: %s\n", line);
        exit(1);
    }
    return st.cycles;
}

static tg_module assemble(const char *src)
{
    tg_module m;
    char err[512];
    if (tg_asm_source(src, strlen(src), "test_timing", &m, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
    return m;
}

/* ---- 1. functional == cycle, and determinism ---------------------------------------------------- */

static void same_results(void)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/kernels/matmul_tiled.tgasm", root());
    tg_module mt;
    if (tg_asm_file(path, &mt, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
    snprintf(path, sizeof path, "%s/kernels/reduce_shfl.tgasm", root());
    tg_module mr;
    if (tg_asm_file(path, &mr, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
    uint32_t M = 40, N = 36, K = 50;
    float *a = malloc(M * K * 4), *bm = malloc(K * N * 4);
    for (uint32_t i = 0; i < M * K; i++) a[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
    for (uint32_t i = 0; i < K * N; i++) bm[i] = (float)((i * 53) % 97) / 48.0f - 1.0f;
    float out[3][40 * 36];
    uint64_t cycles[3];
    uint32_t sums[3];
    for (int mode = 0; mode < 3; mode++) {   /* functional, cycle, cycle again */
        tg_sim *s = make_sim(mode > 0, "default");
        uint32_t c0 = tg_sim_alloc(s, M * N * 4);
        uint32_t p[6] = { upload(s, a, M * K * 4), upload(s, bm, K * N * 4), c0, M, N, K };
        cycles[mode] = run(s, &mt, (tg_dim3){ 3, 3, 1 }, (tg_dim3){ 16, 16, 1 }, p, 6);
        tg_sim_read(s, c0, out[mode], M * N * 4);
        /* small integers as f32: every partial sum is exact, so the atomic adds' order cannot matter */
        float x[5000];
        uint32_t zero = 0;
        for (int i = 0; i < 5000; i++) x[i] = (float)((i * 37) % 97);
        uint32_t q[3] = { upload(s, x, sizeof x), upload(s, &zero, 4), 5000 };
        run(s, &mr, (tg_dim3){ 4, 1, 1 }, (tg_dim3){ 128, 1, 1 }, q, 3);
        tg_sim_read(s, q[1], &sums[mode], 4);
        tg_sim_destroy(s);
    }
    CHECK(!memcmp(out[0], out[1], sizeof out[0]), "matmul_tiled: cycle mode wrote different results than functional mode");
    CHECK(sums[0] == sums[1], "reduce_shfl: %u in functional mode, %u in cycle mode", sums[0], sums[1]);
    CHECK(cycles[1] == cycles[2] && cycles[1] > 0, "cycle counts differ between identical runs: %llu, %llu",
          (unsigned long long)cycles[1], (unsigned long long)cycles[2]);
    printf("ok: functional and cycle mode agree; %llu cycles both times\n", (unsigned long long)cycles[1]);
    free(a); free(bm);
    tg_module_free(&mt);
    tg_module_free(&mr);
}

/* ---- 2. pointer chase --------------------------------------------------------------------------- */

static const char chase_src[] =
    ".kernel chase\n.param p 4\n.param n 4\n.param out 4\n"
    "    ldp.b32 r0, [p]\n    ldp.b32 r1, [n]\n    mov r2, 0\n"
    "loop:\n    ldg.b32 r0, [r0]\n    iadd r2, r2, 1\n    isetp.lt p0, r2, r1\n@p0 bra loop\n"
    "    ldp.b32 r3, [out]\n    stg.b32 [r3], r0\n    exit\n";

/* average cycles per dependent load over a footprint of `bytes`, one line per step */
static double chase(const tg_timing_config *cfg, const tg_module *m, uint32_t bytes)
{
    (void)cfg;
    /* two cold runs of 2 and 6 passes over the footprint: their difference is 4 warm passes */
    uint64_t cyc[2];
    for (int r = 0; r < 2; r++) {
        tg_sim *s = make_sim(1, "teach");
        uint32_t line = tg_sim_timing_config(s)->l1.line, n = bytes / line;
        uint32_t base = tg_sim_alloc(s, bytes), out = tg_sim_alloc(s, 4);
        uint32_t *next = malloc(bytes);
        /* a cycle through every line in a scattered order: i -> (7 i + 1) mod n, n a power of two */
        for (uint32_t i = 0; i < n; i++) next[i * (line / 4)] = base + ((i * 7 + 1) % n) * line;
        tg_sim_write(s, base, next, bytes);
        uint32_t p[3] = { base, (r ? 6 : 2) * n, out };
        cyc[r] = run(s, m, (tg_dim3){ 1, 1, 1 }, (tg_dim3){ 1, 1, 1 }, p, 3);
        tg_sim_destroy(s);
        free(next);
    }
    uint32_t n = bytes / cfg->l1.line;
    return (double)(cyc[1] - cyc[0]) / (4.0 * n);
}

static void pointer_chase(void)
{
    tg_sim *s = make_sim(1, "teach");
    tg_timing_config c = *tg_sim_timing_config(s);
    tg_sim_destroy(s);
    tg_module m = assemble(chase_src);
    double l1 = chase(&c, &m, c.l1.size / 2);
    double l2 = chase(&c, &m, c.l1.size * 4);          /* fits L2 (16x L1 in teach), not L1 */
    double dram = chase(&c, &m, c.l2.size * 4);
    double want_l1 = c.l1.latency, want_l2 = c.l1.latency + 2.0 * c.icnt_latency + c.l2.latency;
    printf("pointer chase (teach): %.1f cycles/load in L1 (configured %u), %.1f via L2 (configured path %.0f), %.1f from DRAM\n",
           l1, c.l1.latency, l2, want_l2, dram);
    /* the loop's own issue slots add a few cycles per step */
    CHECK(l1 >= want_l1 && l1 <= want_l1 + 4, "L1 latency %.1f, configured %.0f", l1, want_l1);
    CHECK(l2 >= want_l2 && l2 <= want_l2 + 4, "L2 path latency %.1f, configured %.0f", l2, want_l2);
    CHECK(dram > want_l2 + c.dram_CL, "DRAM-bound chase (%.1f) is not slower than the L2 path plus CL", dram);
    /* sizes: just under each capacity the chase still hits; at twice it misses */
    double in_l1 = chase(&c, &m, c.l1.size), over_l1 = chase(&c, &m, c.l1.size * 2);
    double in_l2 = chase(&c, &m, c.l2.size / c.l2_slices * c.l2_slices), over_l2 = chase(&c, &m, c.l2.size * 2);
    printf("  footprint = L1 size: %.1f, 2x L1: %.1f, = L2 size: %.1f, 2x L2: %.1f cycles/load\n", in_l1, over_l1, in_l2, over_l2);
    CHECK(in_l1 <= want_l1 + 4 && over_l1 >= want_l2, "the L1 capacity does not show at %u bytes", c.l1.size);
    CHECK(in_l2 <= want_l2 + 4 && over_l2 > want_l2 + c.dram_CL, "the L2 capacity does not show at %u bytes", c.l2.size);
    tg_module_free(&m);
}

/* ---- 3. bank conflicts ---------------------------------------------------------------------------- */

static void bank_conflicts(void)
{
    static const char src[] =
        ".kernel banks\n.param stride 4\n.shared buf 4096\n"
        "    s2r r0, %tid.x\n    ldp.b32 r1, [stride]\n    imul r2, r0, r1\n    shl r2, r2, 2\n"
        "    and r2, r2, 4095\n    lds.b32 r3, [r2+buf]\n    exit\n";
    tg_module m = assemble(src);
    static const uint32_t strides[] = { 1, 2, 4, 8, 16, 32, 33 };
    for (unsigned i = 0; i < sizeof strides / sizeof strides[0]; i++) {
        tg_sim *s = make_sim(1, "default");
        uint32_t p = strides[i];
        run(s, &m, (tg_dim3){ 1, 1, 1 }, (tg_dim3){ 32, 1, 1 }, &p, 1);
        tg_timing_stats st;
        tg_sim_timing_stats(s, &st);
        tg_sim_destroy(s);
        uint32_t g = p, b = 32;
        while (b) { uint32_t t = g % b; g = b; b = t; }   /* gcd(stride, 32) */
        CHECK(st.shared_instrs == 1 && st.shared_extra_cycles == g - 1,
              "stride %u: %llu extra cycles, expected %u", p, (unsigned long long)st.shared_extra_cycles, g - 1);
    }
    printf("ok: shared-memory stride s costs gcd(s, 32) passes (strides 1..33)\n");
    tg_module_free(&m);
}

/* ---- 4. streaming bandwidth ------------------------------------------------------------------------ */

static void streaming(void)
{
    static const char src[] =
        ".kernel stream\n.param src 4\n.param n16 4\n"
        "    s2r r0, %tid.x\n    s2r r1, %ctaid.x\n    s2r r2, %ntid.x\n    imad r0, r1, r2, r0\n"
        "    s2r r3, %nctaid.x\n    imul r3, r3, r2\n    ldp.b32 r4, [n16]\n    ldp.b32 r5, [src]\n"
        "loop:\n    isetp.ge p0, r0, r4\n@p0 exit\n    shl r6, r0, 4\n    iadd r6, r6, r5\n"
        "    ldg.b128 r8, [r6]\n    iadd r0, r0, r3\n    bra loop\n";
    tg_module m = assemble(src);
    tg_sim *s = make_sim(1, "default");
    const tg_timing_config *c = tg_sim_timing_config(s);
    uint32_t bytes = 8u << 20, buf = tg_sim_alloc(s, bytes);
    uint32_t p[2] = { buf, bytes / 16 };
    uint64_t cycles = run(s, &m, (tg_dim3){ c->num_sms * 4, 1, 1 }, (tg_dim3){ 256, 1, 1 }, p, 2);
    tg_timing_stats st;
    tg_sim_timing_stats(s, &st);
    double peak = (double)c->dram_channels * c->dram_burst_bytes / c->dram_burst_cycles;
    double got = (double)st.dram_bytes / (double)cycles;
    printf("streaming 8 MiB: %.1f bytes/cycle of the configured %.0f (%.0f%%), row hits %.0f%%\n", got, peak,
           100.0 * got / peak, 100.0 * (double)st.dram_row_hits / (double)(st.dram_reads + st.dram_writes));
    CHECK(got >= 0.7 * peak && got <= peak * 1.0001, "streaming reached %.1f of %.0f bytes/cycle", got, peak);
    tg_sim_destroy(s);
    tg_module_free(&m);
}

/* ---- 5. naive vs tiled matmul ----------------------------------------------------------------------- */

/* teach.cfg with l2.size replaced, written to a temporary file (so it never drifts from teach). */
static void small_l2_preset(char *out, size_t n)
{
    char src[512], line[256];
    snprintf(src, sizeof src, "%s/sim/presets/teach.cfg", root());
    snprintf(out, n, "/tmp/tg_teach_l2_16k_XXXXXX");
    int fd = mkstemp(out);
    FILE *in = fopen(src, "r"), *o = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!in || !o) { printf("FAIL: cannot derive a preset from %s\n", src); exit(1); }
    int replaced = 0;
    while (fgets(line, sizeof line, in)) {
        if (!strncmp(line, "l2.size", 7)) { fputs("l2.size = 16384\n", o); replaced = 1; }
        else fputs(line, o);
    }
    fclose(in);
    fclose(o);
    if (!replaced) { printf("FAIL: %s has no l2.size line\n", src); exit(1); }
}

static void matmuls(void)
{
    const char *names[2] = { "matmul_naive", "matmul_tiled" };
    uint64_t dram[2], cyc[2], instrs[2], l1[2];
    uint32_t n = 128;
    char preset[64];
    small_l2_preset(preset, sizeof preset);
    float *a = malloc(n * n * 4);
    for (uint32_t i = 0; i < n * n; i++) a[i] = (float)(i % 17) / 17.0f;
    for (int k = 0; k < 2; k++) {
        char path[512], err[512];
        snprintf(path, sizeof path, "%s/kernels/%s.tgasm", root(), names[k]);
        tg_module m;
        if (tg_asm_file(path, &m, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
        tg_sim *s = make_sim(1, preset);
        uint32_t p[6] = { upload(s, a, n * n * 4), upload(s, a, n * n * 4), tg_sim_alloc(s, n * n * 4), n, n, n };
        cyc[k] = run(s, &m, (tg_dim3){ n / 16, n / 16, 1 }, (tg_dim3){ 16, 16, 1 }, p, 6);
        tg_timing_stats st;
        tg_sim_timing_stats(s, &st);
        dram[k] = st.dram_bytes;
        instrs[k] = st.warp_instrs;
        l1[k] = st.l1_hits + st.l1_misses;
        tg_sim_destroy(s);
        tg_module_free(&m);
    }
    double ipc0 = (double)instrs[0] / (double)cyc[0], ipc1 = (double)instrs[1] / (double)cyc[1];
    remove(preset);
    printf("matmul 128x128 (teach, 16 KiB L2): naive %llu global requests, %llu DRAM bytes, IPC %.2f, %llu cycles; "
           "tiled %llu global requests, %llu DRAM bytes, IPC %.2f, %llu cycles\n",
           (unsigned long long)l1[0], (unsigned long long)dram[0], ipc0, (unsigned long long)cyc[0],
           (unsigned long long)l1[1], (unsigned long long)dram[1], ipc1, (unsigned long long)cyc[1]);
    CHECK(l1[1] * 4 < l1[0], "tiled matmul made %llu global requests, naive %llu", (unsigned long long)l1[1], (unsigned long long)l1[0]);
    CHECK(dram[1] < dram[0], "tiled matmul moved %llu DRAM bytes, naive %llu", (unsigned long long)dram[1],
          (unsigned long long)dram[0]);
    CHECK(ipc1 > ipc0, "tiled IPC %.2f is not above naive %.2f", ipc1, ipc0);
    CHECK(cyc[1] < cyc[0], "tiled took %llu cycles, naive %llu", (unsigned long long)cyc[1], (unsigned long long)cyc[0]);
    free(a);
}

/* ---- 6. I-cache thrashing (found by tgpu torture) ------------------------------------------------
 * Under tiny (2-way I-cache, 32-byte lines: 8 sets) three warps loop in three lines of one set. A
 * warp back from its miss used to probe the cache again, find its line evicted by the other two,
 * and miss again, forever: no warp issued and the launch never ended. It must finish, with the
 * functional result. alarm() turns a hang into a failure. */
static void icache_thrash(void)
{
    char src[8192];
    int n = snprintf(src, sizeof src, ".kernel thrash\n.param out 4\n"
                     "s2r r0, %%warpid\nisetp.eq p0, r0, 1\n@p0 bra w1\nisetp.eq p1, r0, 2\n@p1 bra w2\nbra w0\n");
    for (int pc = 6; pc < 128; pc++) {
        int at = pc % 32, w = pc / 32;   /* lines 8, 16, 24: instructions 32, 64, 96 */
        if (w >= 1 && at == 0) n += snprintf(src + n, sizeof src - (size_t)n, "w%d: mov r1, 20\n", w - 1);
        else if (w >= 1 && at == 1) n += snprintf(src + n, sizeof src - (size_t)n, "l%d: iadd r1, r1, -1\n", w);
        else if (w >= 1 && at == 2) n += snprintf(src + n, sizeof src - (size_t)n, "isetp.gt p2, r1, 0\n");
        else if (w >= 1 && at == 3) n += snprintf(src + n, sizeof src - (size_t)n, "@p2 bra l%d\n", w);
        else if (w >= 1 && at == 4) n += snprintf(src + n, sizeof src - (size_t)n, "bra done\n");
        else n += snprintf(src + n, sizeof src - (size_t)n, "nop\n");
    }
    snprintf(src + n, sizeof src - (size_t)n, "done: s2r r2, %%tid.x\nshl r2, r2, 2\nldp.b32 r3, [out]\n"
             "iadd r3, r3, r2\nstg.b32 [r3], r1\nexit\n");
    tg_module m = assemble(src);
    uint32_t got[2][12];
    alarm(60);
    for (int mode = 0; mode < 2; mode++) {
        tg_sim *s = make_sim(mode, "tiny");
        uint32_t zero[12] = { 0 }, p = upload(s, zero, sizeof zero);
        run(s, &m, (tg_dim3){ 1, 1, 1 }, (tg_dim3){ 12, 1, 1 }, &p, 1);
        tg_sim_read(s, p, got[mode], sizeof got[mode]);
        tg_sim_destroy(s);
    }
    alarm(0);
    CHECK(!memcmp(got[0], got[1], sizeof got[0]), "icache thrash: cycle mode wrote different results");
    printf("ok: three warps thrashing one I-cache set under tiny finish\n");
    tg_module_free(&m);
}

int main(void)
{
    same_results();
    pointer_chase();
    bank_conflicts();
    streaming();
    matmuls();
    icache_thrash();
    if (failures) { printf("%d failures\n", failures); return 1; }
    printf("ok\n");
    return 0;
}
