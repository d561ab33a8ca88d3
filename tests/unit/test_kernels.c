/* test_kernels.c: the hand-written kernels in kernels/NAME.tgasm, run on the simulator on random
 * inputs with ragged sizes, against plain C references. vecadd and matadd are exact (one f32 add
 * per element, same as C). matmul_naive and matmul_tiled sum in k order with fused multiply-adds,
 * so the reference uses fmaf in the same order and the results must match bit for bit.
 * reduce_shfl sums f32 in a tree order of its own: on small integers every partial sum is exact,
 * so the total must be too. On random floats each element passes through at most d roundings
 * (its thread's slice, 5 shuffle steps in the warp, 5 across warps, one atomic per block), so the
 * result is within d * 2^-24 * sum|x| (to first order; the test adds the second) of a double sum.
 * divergence counts Collatz steps (exact). Everything runs twice, in functional mode and on the
 * cycle-level timing model, which must give the same results.
 * Built a second time as test_kernels_rtl (-DTG_TEST_RTL, rtl/rtl.mk): every launch then runs on
 * the Verilated RTL in lockstep with the simulator (rtl/harness/rtl_run.h), once, with the same
 * inputs and checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm.h"
#include "sim/sim.h"
#ifdef TG_TEST_RTL
#include "rtl/harness/rtl_run.h"
#endif

static int failures;
static uint32_t seed = 12345;
static float frand(void) { seed = seed * 1664525u + 1013904223u; return (float)(seed >> 8) / 16777216.0f * 2.0f - 1.0f; }

/* TG32 arithmetic returns the canonical NaN 0x7fffffff for every NaN result, like NVIDIA GPUs. */
static float canon(float f)
{
    if (f == f) return f;
    uint32_t bits = 0x7fffffff;
    memcpy(&f, &bits, 4);
    return f;
}

static tg_module load(const char *name)
{
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/kernels/%s.tgasm", getenv("TG_ROOT") ? getenv("TG_ROOT") : ".", name);
    tg_module m;
    if (tg_asm_file(path, &m, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
    return m;
}

static uint32_t upload(tg_sim *s, const void *p, size_t n)
{
    uint32_t a = tg_sim_alloc(s, (uint32_t)n);
    if (!a || tg_sim_write(s, a, p, n)) { printf("FAIL: upload\n"); exit(1); }
    return a;
}

static void launch(tg_sim *s, const tg_module *m, tg_dim3 grid, tg_dim3 block, const uint32_t *params, unsigned np)
{
    const tg_kernel *k = &m->kernels[0];
    tg_launch l = { .module = m, .kernel = k, .grid = grid, .block = block, .params = params,
                    .param_bytes = np * 4 };
    tg_fault f;
#ifdef TG_TEST_RTL
    static char report[8192];
    tg_rtl_run_opts o = { .lockstep = 1 };
    tg_run_stats st;
    int rc = tg_rtl_run_launch(s, &l, &o, &st, &f, report, sizeof report);
    if (rc >= TG_RTL_RUN_BAD_SETUP) { printf("FAIL: %s: %s", k->name, report); exit(1); }
    if (rc) {
#else
    if (tg_sim_launch(s, &l, NULL, &f)) {
#endif
        char line[512];
        tg_fault_format(&f, line, sizeof line);
        printf("FAIL: %s: %s\n", k->name, line);
        exit(1);
    }
}

static void check_f32(const char *what, const float *got, const float *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&got[i], &want[i], 4)) {
            printf("FAIL: %s[%zu] = %.9g, want %.9g\n", what, i, (double)got[i], (double)want[i]);
            failures++;
            return;
        }
    printf("ok: %s (%zu values)\n", what, n);
}

static void test_vecadd(tg_sim *s)
{
    tg_module m = load("vecadd");
    for (int t = 0; t < 3; t++) {
        uint32_t n = t == 0 ? 1 : t == 1 ? 1000 : 4099;
        float *a = malloc(n * 4), *b = malloc(n * 4), *c = malloc(n * 4), *want = malloc(n * 4);
        for (uint32_t i = 0; i < n; i++) { a[i] = frand(); b[i] = frand(); }
        if (t == 2) { a[5] = INFINITY; b[5] = -INFINITY; a[6] = 1e-40f; b[6] = 1e-40f; a[7] = NAN; }
        for (uint32_t i = 0; i < n; i++) want[i] = canon(a[i] + b[i]);
        uint32_t p[4] = { upload(s, a, n * 4), upload(s, b, n * 4), upload(s, c, n * 4), n };
        launch(s, &m, (tg_dim3){ (n + 255) / 256, 1, 1 }, (tg_dim3){ 256, 1, 1 }, p, 4);
        tg_sim_read(s, p[2], c, n * 4);
        check_f32("vecadd", c, want, n);
        free(a); free(b); free(c); free(want);
    }
    tg_module_free(&m);
}

static void test_matadd(tg_sim *s)
{
    tg_module m = load("matadd");
    uint32_t rows = 37, cols = 53, n = rows * cols;
    float *a = malloc(n * 4), *b = malloc(n * 4), *c = calloc(n, 4), *want = malloc(n * 4);
    for (uint32_t i = 0; i < n; i++) { a[i] = frand(); b[i] = frand(); want[i] = a[i] + b[i]; }
    uint32_t p[5] = { upload(s, a, n * 4), upload(s, b, n * 4), upload(s, c, n * 4), rows, cols };
    launch(s, &m, (tg_dim3){ (cols + 15) / 16, (rows + 15) / 16, 1 }, (tg_dim3){ 16, 16, 1 }, p, 5);
    tg_sim_read(s, p[2], c, n * 4);
    check_f32("matadd 37x53", c, want, n);
    free(a); free(b); free(c); free(want);
    tg_module_free(&m);
}

static void test_matmul(tg_sim *s, const char *name, tg_dim3 block)
{
    tg_module m = load(name);
    uint32_t M = 35, N = 29, K = 41;
    float *a = malloc(M * K * 4), *b = malloc(K * N * 4), *c = calloc(M * N, 4), *want = malloc(M * N * 4);
    for (uint32_t i = 0; i < M * K; i++) a[i] = frand();
    for (uint32_t i = 0; i < K * N; i++) b[i] = frand();
    for (uint32_t i = 0; i < M; i++)
        for (uint32_t j = 0; j < N; j++) {
            float acc = 0;
            for (uint32_t k = 0; k < K; k++) acc = fmaf(a[i * K + k], b[k * N + j], acc);
            want[i * N + j] = acc;
        }
    uint32_t p[6] = { upload(s, a, M * K * 4), upload(s, b, K * N * 4), upload(s, c, M * N * 4), M, N, K };
    launch(s, &m, (tg_dim3){ (N + block.x - 1) / block.x, (M + block.y - 1) / block.y, 1 }, block, p, 6);
    tg_sim_read(s, p[2], c, M * N * 4);
    char what[64];
    snprintf(what, sizeof what, "%s 35x41 * 41x29", name);
    check_f32(what, c, want, M * N);
    free(a); free(b); free(c); free(want);
    tg_module_free(&m);
}

/* One reduce_shfl launch over x[0..n); returns out[0]. */
static float run_reduce(tg_sim *s, tg_module *m, const float *x, uint32_t n)
{
    float zero = 0, got;
    uint32_t p[3] = { upload(s, x, n * 4), upload(s, &zero, 4), n };
    launch(s, m, (tg_dim3){ 20, 1, 1 }, (tg_dim3){ 256, 1, 1 }, p, 3);
    tg_sim_read(s, p[1], &got, 4);
    tg_sim_free(s, p[0]);
    tg_sim_free(s, p[1]);
    return got;
}

static void test_reduce(tg_sim *s)
{
    tg_module m = load("reduce_shfl");
    uint32_t n = 100003;
    float *x = malloc(n * 4);
    /* integers 0..127: every partial sum stays below 2^24, so any order gives the exact total */
    double exact = 0;
    for (uint32_t i = 0; i < n; i++) { seed = seed * 1664525u + 1013904223u; x[i] = (float)(seed >> 25); exact += x[i]; }
    float got = run_reduce(s, &m, x, n);
    if ((double)got != exact) { printf("FAIL: reduce_shfl of integers = %.1f, want %.1f\n", got, exact); failures++; }
    else printf("ok: reduce_shfl of %u integers = %.1f (exact)\n", n, got);
    /* random floats in [-1, 1): error bound of any summation order */
    double abs_sum = 0;
    exact = 0;
    for (uint32_t i = 0; i < n; i++) { x[i] = frand(); exact += x[i]; abs_sum += fabs(x[i]); }
    got = run_reduce(s, &m, x, n);
    double d = (double)((n + 20 * 256 - 1) / (20 * 256)) + 5 + 5 + 20, u = ldexp(1.0, -24);
    double bound = d * u * (1 + d * u) * abs_sum, err = fabs((double)got - exact);
    if (!(err <= bound)) { printf("FAIL: reduce_shfl = %.9g, exact %.9g, error %.3g > bound %.3g\n", got, exact, err, bound); failures++; }
    else printf("ok: reduce_shfl of %u floats = %.9g (exact %.9g, error %.3g, bound %.3g)\n", n, got, exact, err, bound);
    free(x);
    tg_module_free(&m);
}

static void test_divergence(tg_sim *s)
{
    tg_module m = load("divergence");
    uint32_t n = 1000, *out = calloc(n, 4);
    uint32_t p[2] = { upload(s, out, n * 4), n };
    launch(s, &m, (tg_dim3){ 8, 1, 1 }, (tg_dim3){ 128, 1, 1 }, p, 2);
    tg_sim_read(s, p[0], out, n * 4);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t x = i + 1, steps = 0;
        while (x > 1) { x = (x & 1) ? 3 * x + 1 : x / 2; steps++; }
        if (out[i] != steps) { printf("FAIL: divergence[%u] = %u, want %u\n", i, out[i], steps); failures++; break; }
    }
    printf("ok: divergence (collatz steps of 1..%u)\n", n);
    free(out);
    tg_module_free(&m);
}

int main(void)
{
#ifdef TG_TEST_RTL
    const int modes = 1;   /* the RTL in lockstep with the simulator's functional mode */
#else
    const int modes = 2;
#endif
    for (int cycle = 0; cycle < modes; cycle++) {
        tg_sim_config c;
#ifdef TG_TEST_RTL
        tg_rtl_sim_config(&c);
#else
        tg_sim_config_default(&c);
#endif
        c.cycle_mode = cycle;
        char err[256], preset[512];
        snprintf(preset, sizeof preset, "%s/sim/presets/default.cfg", getenv("TG_ROOT") ? getenv("TG_ROOT") : ".");
        c.timing_preset = cycle ? preset : NULL;
        tg_sim *s = tg_sim_create_ex(&c, err, sizeof err);
        if (!s) { printf("FAIL: %s\n", err); return 1; }
#ifdef TG_TEST_RTL
        printf("-- RTL in lockstep with the simulator\n");
#else
        printf("-- %s mode\n", cycle ? "cycle" : "functional");
#endif
        test_vecadd(s);
        test_matadd(s);
        test_matmul(s, "matmul_naive", (tg_dim3){ 16, 8, 1 });
        test_matmul(s, "matmul_tiled", (tg_dim3){ 16, 16, 1 });
        test_reduce(s);
        test_divergence(s);
        tg_sim_destroy(s);
    }
    if (failures) { printf("%d failures\n", failures); return 1; }
    return 0;
}
