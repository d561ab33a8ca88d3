/* test_ptx_kernels.c: differential test of the whole CUDA path: every kernel of kernels/, as
 * nvcc's PTX (cached in $BUILD/ptx/, or the committed copy in tests/corpus/ptx/) through the PTX
 * front-end and the assembler, run on the simulator against the C references of
 * runtime/cpu_kernels.h (or a local reference for the classic samples), on random and edge inputs
 * (ragged sizes, NaN, inf, denormals). Kernels with the most registers run a second time compiled
 * into 24 registers, so spill code is executed, not just emitted.
 *
 * Tolerances (each check states its own):
 *   exact      elementwise IEEE ops, data movement, integer results: bit-equal (any NaN = any NaN).
 *   dot(k)     sums of k products: nvcc contracts a*b+c into fma and the order differs from the
 *              reference, so |got - want| <= 2 k 2^-24 sum|a_i b_i| (the textbook bound gamma_k,
 *              doubled for the reference's own rounding) plus 1e-30 for all-zero rows.
 *   sfu        kernels using __expf/__powf/__sinf/__cosf (TG32's SFU approximations): a relative
 *              1e-4 of the result's scale: the SFU's documented error is a few 2^-22 relative, and
 *              the rest is reordering.
 *
 * Built a second time as test_ptx_kernels_rtl (rtl/rtl.mk, -DTG_TEST_RTL): every launch then runs
 * on the Verilated RTL in lockstep with the simulator (rtl/harness/rtl_run.h), so the same kernels
 * and checks cover the RTL too. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cpu_kernels.h"
#include "runtime/gguf.h"
#include "sim/sim.h"
#include "tools/ptx/ptx.h"
#ifdef TG_TEST_RTL
#include "rtl/harness/rtl_run.h"
#endif

static int failures;
static tg_sim *sim;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

/* ---- harness --------------------------------------------------------------------------------- */

static uint32_t rng = 12345;
static uint32_t rnd(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }
static float frand(float lo, float hi) { return lo + (hi - lo) * (float)(rnd() >> 8) / 16777216.0f; }
static uint64_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static void fill(float *x, int n, float lo, float hi, int specials)
{
    static const float sp[] = { NAN, INFINITY, -INFINITY, 0x1p-140f, -0x1p-127f, 0.0f, -0.0f, 0x1p-126f };
    for (int i = 0; i < n; i++) x[i] = frand(lo, hi);
    for (int i = 0; i < specials && n > 0; i++) x[rnd() % (unsigned)n] = sp[i % 8];
}

static int load(const char *name, unsigned max_regs, tg_module *m)
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
    if (!src) { fprintf(stderr, "%s\n", err); failures++; return -1; }
    tg_ptx_options o = { .max_regs = max_regs };
    int rc = tg_ptx_compile(src, len, path, &o, m, err, sizeof err);
    free(src);
    if (rc) { fprintf(stderr, "%s\n", err); failures++; }
    return rc;
}

static uint32_t dev(const void *host, size_t n)
{
    uint32_t a = tg_sim_alloc(sim, (uint32_t)n);
    CHECK(a != 0);
    if (host) CHECK(tg_sim_write(sim, a, host, n) == 0);
    else {
        void *z = calloc(1, n);
        CHECK(tg_sim_write(sim, a, z, n) == 0);
        free(z);
    }
    return a;
}

static void get(uint32_t a, void *host, size_t n) { CHECK(tg_sim_read(sim, a, host, n) == 0); }

/* Launches `name` with args in parameter order (8-byte params take a device address). */
static int launch(const tg_module *m, const char *name, tg_dim3 grid, tg_dim3 block, uint32_t dyn,
                  int nargs, const uint64_t *args)
{
    const tg_kernel *k = tg_module_kernel(m, name);
    if (!k) { fprintf(stderr, "kernel %s not in the module\n", name); failures++; return -1; }
    if ((int)k->nparams != nargs) { fprintf(stderr, "%s: %u params, %d args\n", name, k->nparams, nargs); failures++; return -1; }
    uint8_t params[256] = {0};
    for (int i = 0; i < nargs; i++) {
        if (k->params[i].offset + k->params[i].size > sizeof params) { failures++; return -1; }
        memcpy(params + k->params[i].offset, &args[i], k->params[i].size);   /* little-endian */
    }
    tg_launch l = { m, k, grid, block, params, k->param_bytes, dyn };
    tg_fault f;
#ifdef TG_TEST_RTL
    static char report[8192];
    tg_rtl_run_opts o = { .lockstep = 1 };
    tg_run_stats st;
    int rc = tg_rtl_run_launch(sim, &l, &o, &st, &f, report, sizeof report);
    if (rc >= TG_RTL_RUN_BAD_SETUP) { fprintf(stderr, "%s: %s", name, report); failures++; return -1; }
    if (rc) {
#else
    if (tg_sim_launch(sim, &l, NULL, &f)) {
#endif
        char buf[512];
        tg_fault_format(&f, buf, sizeof buf);
        fprintf(stderr, "%s: %s\n", name, buf);
        failures++;
        return -1;
    }
    return 0;
}
#define LAUNCH(m, name, grid, block, dyn, ...) \
    launch(m, name, grid, block, dyn, (int)(sizeof((uint64_t[]){ __VA_ARGS__ }) / 8), (uint64_t[]){ __VA_ARGS__ })
#define D1(x) ((tg_dim3){ (uint32_t)(x), 1, 1 })

/* got vs want with per-element tolerance tol[i] (NULL: exact). */
static void compare(const char *what, const float *got, const float *want, const float *tol, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        bool ok;
        if (isnan(want[i]) || isnan(got[i])) ok = isnan(want[i]) && isnan(got[i]);
        else if (!tol || isinf(want[i])) ok = memcmp(&got[i], &want[i], 4) == 0 || (got[i] == want[i] && tol);
        else ok = fabsf(got[i] - want[i]) <= tol[i];
        if (!ok && bad++ < 5)
            fprintf(stderr, "%s[%d]: got %.9g want %.9g (tol %.3g)\n", what, i, got[i], want[i], tol ? tol[i] : 0.0f);
    }
    if (bad) { fprintf(stderr, "%s: %d of %d elements differ\n", what, bad, n); failures++; }
}

/* dot(k) tolerance for y[r] = sum_j a[r][j] b[j] given the absolute products' sums. */
static float dot_tol(double abs_sum, int k) { return (float)(2.0 * k * 0x1p-24 * abs_sum + 1e-30); }

/* ---- classic samples ------------------------------------------------------------------------- */

static void test_vecadd(void)
{
    tg_module m;
    if (load("vecadd", 0, &m)) return;
    int n = 1000;   /* not a multiple of the block: the tail is guarded */
    float *a = malloc(n * 4), *b = malloc(n * 4), *c = malloc(n * 4), *want = malloc(n * 4);
    fill(a, n, -100, 100, 8);
    fill(b, n, -1e-38f, 1e-38f, 8);   /* sums in the denormal range stay exact */
    for (int i = 0; i < n; i++) want[i] = a[i] + b[i];
    uint32_t da = dev(a, n * 4), db = dev(b, n * 4), dc = dev(NULL, n * 4);
    if (LAUNCH(&m, "vecadd", D1((n + 127) / 128), D1(128), 0, da, db, dc, (uint64_t)n) == 0) {
        get(dc, c, n * 4);
        compare("vecadd", c, want, NULL, n);   /* exact */
    }
    free(a); free(b); free(c); free(want);
    tg_module_free(&m);
}

static void test_matmul(const char *file, const char *name, tg_dim3 block, int tile, unsigned max_regs)
{
    tg_module m;
    if (load(file, max_regs, &m)) return;
    int M = 37, N = 29, K = 45;
    float *a = malloc(M * K * 4), *b = malloc(K * N * 4), *c = malloc(M * N * 4), *want = malloc(M * N * 4), *tol = malloc(M * N * 4);
    fill(a, M * K, -1, 1, 0);
    fill(b, K * N, -1, 1, 0);
    tg_ref_matmul_f32(a, b, want, M, N, K);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int q = 0; q < K; q++) s += fabs((double)a[i * K + q] * b[q * N + j]);
            tol[i * N + j] = dot_tol(s, K);
        }
    uint32_t da = dev(a, M * K * 4), db = dev(b, K * N * 4), dc = dev(NULL, M * N * 4);
    tg_dim3 grid = { (uint32_t)((N + tile - 1) / tile), (uint32_t)((M + tile - 1) / tile), 1 };
    if (LAUNCH(&m, name, grid, block, 0, da, db, dc, (uint64_t)M, (uint64_t)N, (uint64_t)K) == 0) {
        get(dc, c, M * N * 4);
        compare(name, c, want, tol, M * N);   /* dot(K) */
    }
    free(a); free(b); free(c); free(want); free(tol);
    tg_module_free(&m);
}

static void test_reduce(void)
{
    tg_module m;
    if (load("reduce", 0, &m)) return;
    int n = 10007, blocks = 8, threads = 256;
    float *x = malloc(n * 4), part[8], total;
    fill(x, n, -1, 1, 0);
    double s = 0, abs_s = 0;
    for (int i = 0; i < n; i++) { s += x[i]; abs_s += fabs(x[i]); }
    uint32_t dx = dev(x, n * 4), dp = dev(NULL, blocks * 4), dt = dev(NULL, 4);
    if (LAUNCH(&m, "reduce_sum", D1(blocks), D1(threads), threads * 4, dx, dp, (uint64_t)n) == 0 &&
        LAUNCH(&m, "reduce_sum", D1(1), D1(64), 64 * 4, dp, dt, (uint64_t)blocks) == 0) {
        get(dp, part, sizeof part);
        get(dt, &total, 4);
        float want = (float)s, tol = (float)(2.0 * n * 0x1p-24 * abs_s);   /* any summation order */
        compare("reduce_sum", &total, &want, &tol, 1);
    }
    free(x);
    tg_module_free(&m);
}

static void test_transpose(void)
{
    tg_module m;
    if (load("transpose", 0, &m)) return;
    int R = 45, C = 70;
    float *in = malloc(R * C * 4), *out = malloc(R * C * 4), *want = malloc(R * C * 4);
    fill(in, R * C, -5, 5, 6);
    for (int i = 0; i < R; i++) for (int j = 0; j < C; j++) want[j * R + i] = in[i * C + j];
    uint32_t di = dev(in, R * C * 4), dout = dev(NULL, R * C * 4);
    if (LAUNCH(&m, "transpose", ((tg_dim3){ (C + 31) / 32, (R + 31) / 32, 1 }), ((tg_dim3){ 32, 8, 1 }), 0,
               di, dout, (uint64_t)R, (uint64_t)C) == 0) {
        get(dout, out, R * C * 4);
        compare("transpose", out, want, NULL, R * C);   /* exact: data movement */
    }
    free(in); free(out); free(want);
    tg_module_free(&m);
}

static void test_scan(void)
{
    tg_module m;
    if (load("scan", 0, &m)) return;
    int n = 1000, bs = 256;
    float *in = malloc(n * 4), *out = malloc(n * 4), *want = malloc(n * 4), *tol = malloc(n * 4);
    fill(in, n, -1, 1, 0);
    for (int b = 0; b < n; b += bs) {
        double s = 0, a = 0;
        for (int i = b; i < n && i < b + bs; i++) {
            s += in[i]; a += fabs(in[i]);
            want[i] = (float)s;
            tol[i] = (float)(2 * 8 * 0x1p-24 * a);   /* a tree of depth log2(256) = 8 */
        }
    }
    uint32_t di = dev(in, n * 4), dout = dev(NULL, n * 4);
    if (LAUNCH(&m, "scan_inclusive", D1((n + bs - 1) / bs), D1(bs), 0, di, dout, (uint64_t)n) == 0) {
        get(dout, out, n * 4);
        compare("scan_inclusive", out, want, tol, n);
    }
    free(in); free(out); free(want); free(tol);
    tg_module_free(&m);
}

/* ---- LLM suite ------------------------------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
/* A random f16 scale in roughly [2^-6, 2^1], either sign. */
static uint16_t rand_f16(void) { return (uint16_t)((rnd() & 1) << 15 | (9 + rnd() % 8) << 10 | (rnd() & 0x3ff)); }

/* rows of `type` blocks, random; returns bytes per row */
static size_t make_rows(int type, int rows, int cols, uint8_t **out)
{
    size_t bpr = type == TG_TYPE_Q8_0 ? (size_t)cols / 32 * 34 : type == TG_TYPE_Q4_0 ? (size_t)cols / 32 * 18 : (size_t)cols / 256 * 144;
    uint8_t *w = malloc(bpr * rows);
    for (size_t i = 0; i < bpr * rows; i++) w[i] = (uint8_t)rnd();
    size_t bsz = type == TG_TYPE_Q8_0 ? 34 : type == TG_TYPE_Q4_0 ? 18 : 144;
    for (size_t b = 0; b < bpr * rows / bsz; b++) {
        put16(w + b * bsz, rand_f16());
        if (type == TG_TYPE_Q4_K) put16(w + b * bsz + 2, rand_f16() & 0x7fff);
    }
    *out = w;
    return bpr;
}

static void test_matvec(const char *file, const char *name, int type, int rows, int cols, bool warp_per_row, unsigned max_regs)
{
    tg_module m;
    if (load(file, max_regs, &m)) return;
    float *x = malloc(cols * 4), *y = malloc(rows * 4), *want = malloc(rows * 4), *tol = malloc(rows * 4), *deq = malloc(cols * 4);
    fill(x, cols, -1, 1, 0);
    uint8_t *w;
    size_t bpr;
    if (type == TG_TYPE_F32) {
        bpr = (size_t)cols * 4;
        w = malloc(bpr * rows);
        fill((float *)w, rows * cols, -1, 1, 0);
        tg_ref_matvec_f32((float *)w, x, want, rows, cols);
    } else {
        bpr = make_rows(type, rows, cols, &w);
        if (type == TG_TYPE_Q8_0) tg_ref_matvec_q8_0(w, x, want, rows, cols);
        else if (type == TG_TYPE_Q4_0) tg_ref_matvec_q4_0(w, x, want, rows, cols);
        else tg_ref_matvec_q4_k(w, x, want, rows, cols);
    }
    for (int r = 0; r < rows; r++) {
        const uint8_t *row = w + bpr * r;
        if (type == TG_TYPE_F32) memcpy(deq, row, cols * 4);
        else if (type == TG_TYPE_Q8_0) tg_ref_dequant_row_q8_0(row, deq, cols);
        else if (type == TG_TYPE_Q4_0) tg_ref_dequant_row_q4_0(row, deq, cols);
        else tg_ref_dequant_row_q4_k(row, deq, cols);
        double s = 0;
        for (int j = 0; j < cols; j++) s += fabs((double)deq[j] * x[j]);
        /* dot(cols), with 4 more roundings per element for the fused dequantization */
        tol[r] = dot_tol(s, cols + 4);
    }
    uint32_t dw = dev(w, bpr * rows), dx = dev(x, cols * 4), dy = dev(NULL, rows * 4);
    int rc = warp_per_row ? LAUNCH(&m, name, D1((rows + 3) / 4), D1(128), 0, dw, dx, dy, (uint64_t)rows, (uint64_t)cols)
                          : LAUNCH(&m, name, D1((rows + 63) / 64), D1(64), 0, dw, dx, dy, (uint64_t)rows, (uint64_t)cols);
    if (rc == 0) {
        get(dy, y, rows * 4);
        compare(name, y, want, tol, rows);
    }
    free(x); free(y); free(want); free(tol); free(deq); free(w);
    tg_module_free(&m);
}

static void test_llm_elementwise(void)
{
    tg_module m;
    if (load("llm", 0, &m)) return;
    int n = 777;
    float *a = malloc(n * 4), *b = malloc(n * 4), *o = malloc(n * 4), *want = malloc(n * 4), *tol = malloc(n * 4);
    /* add: x += y, exact */
    fill(a, n, -10, 10, 8);
    fill(b, n, -10, 10, 8);
    memcpy(want, a, n * 4);
    tg_ref_add(want, b, n);
    uint32_t da = dev(a, n * 4), db = dev(b, n * 4), dout = dev(NULL, n * 4);
    if (LAUNCH(&m, "add", D1((n + 255) / 256), D1(256), 0, da, db, (uint64_t)n) == 0) {
        get(da, o, n * 4);
        compare("add", o, want, NULL, n);
    }
    /* silu_mul: sfu (exp through ex2) */
    fill(a, n, -20, 20, 0);
    fill(b, n, -3, 3, 0);
    tg_ref_silu_mul(a, b, want, n);
    for (int i = 0; i < n; i++) tol[i] = 1e-4f * fabsf(want[i]) + 1e-30f;
    CHECK(tg_sim_write(sim, da, a, n * 4) == 0 && tg_sim_write(sim, db, b, n * 4) == 0);
    if (LAUNCH(&m, "silu_mul", D1((n + 255) / 256), D1(256), 0, da, db, dout, (uint64_t)n) == 0) {
        get(dout, o, n * 4);
        compare("silu_mul", o, want, tol, n);
    }
    /* rmsnorm: one block; sum order differs: relative 2 n 2^-24 on the mean square, halved by the sqrt */
    fill(a, n, -3, 3, 0);
    fill(b, n, -2, 2, 0);
    tg_ref_rmsnorm(a, b, want, n, 1e-5f);
    for (int i = 0; i < n; i++) tol[i] = (float)(n * 0x1p-24 + 4 * 0x1p-24) * fabsf(want[i]) + 1e-30f;
    CHECK(tg_sim_write(sim, da, a, n * 4) == 0 && tg_sim_write(sim, db, b, n * 4) == 0);
    if (LAUNCH(&m, "rmsnorm", D1(1), D1(256), 0, da, db, dout, (uint64_t)n, fbits(1e-5f)) == 0) {
        get(dout, o, n * 4);
        compare("rmsnorm", o, want, tol, n);
    }
    /* add_rmsnorm: x += y (exact), then rmsnorm(x) into out, with y and out one buffer as the forward
     * pass uses it; same tolerance as rmsnorm */
    {
        float *y = malloc(n * 4), *sum = malloc(n * 4), *ox = malloc(n * 4);
        fill(a, n, -3, 3, 0);
        fill(y, n, -1, 1, 0);
        fill(b, n, -2, 2, 0);
        memcpy(sum, a, n * 4);
        tg_ref_add(sum, y, n);
        tg_ref_rmsnorm(sum, b, want, n, 1e-5f);
        for (int i = 0; i < n; i++) tol[i] = (float)(n * 0x1p-24 + 4 * 0x1p-24) * fabsf(want[i]) + 1e-30f;
        CHECK(tg_sim_write(sim, da, a, n * 4) == 0 && tg_sim_write(sim, db, b, n * 4) == 0 &&
              tg_sim_write(sim, dout, y, n * 4) == 0);
        if (LAUNCH(&m, "add_rmsnorm", D1(1), D1(256), 0, da, dout, db, dout, (uint64_t)n, fbits(1e-5f)) == 0) {
            get(dout, o, n * 4);
            compare("add_rmsnorm", o, want, tol, n);
            get(da, ox, n * 4);
            compare("add_rmsnorm x", ox, sum, NULL, n);
        }
        free(y); free(sum); free(ox);
    }
    /* rope, both pairings, partial rotation: sfu */
    for (int neox = 0; neox < 2; neox++) {
        int heads = 3, hd = 64, nrot = 48;
        fill(a, heads * hd, -2, 2, 0);
        memcpy(want, a, heads * hd * 4);
        tg_ref_rope_ext(want, heads, hd, nrot, 37.0f, 10000.0f, 0.5f, neox);
        for (int i = 0; i < heads * hd; i++) tol[i] = 1e-4f * 4.0f;   /* |x| <= 2, a pair's norm <= 2.9 */
        CHECK(tg_sim_write(sim, da, a, heads * hd * 4) == 0);
        if (LAUNCH(&m, "rope", D1(1), D1(128), 0, da, (uint64_t)heads, (uint64_t)hd, (uint64_t)nrot, fbits(37.0f),
                   fbits(10000.0f), fbits(0.5f), (uint64_t)neox) == 0) {
            get(da, o, heads * hd * 4);
            compare(neox ? "rope(neox)" : "rope", o, want, tol, heads * hd);
        }
    }
    /* argmax with NaNs and a repeated maximum: exact index */
    fill(a, n, -5, 5, 0);
    a[3] = NAN; a[100] = 7; a[500] = 7; a[600] = NAN;
    int idx = -1, wi = tg_ref_argmax(a, n);
    uint32_t di = dev(NULL, 4);
    CHECK(tg_sim_write(sim, da, a, n * 4) == 0);
    if (LAUNCH(&m, "argmax", D1(1), D1(256), 0, da, (uint64_t)n, di) == 0) {
        get(di, &idx, 4);
        CHECK(idx == wi && wi == 100);
    }
    /* embedding rows: f32 and q8_0 tables, exact */
    int dim = 96, vocab = 5, token = 3;
    float *tab = malloc(vocab * dim * 4);
    fill(tab, vocab * dim, -1, 1, 4);
    tg_ref_embed(TG_TYPE_F32, tab, token, want, dim);
    uint32_t dt = dev(tab, vocab * dim * 4);
    if (LAUNCH(&m, "embed_f32", D1(1), D1(128), 0, (uint64_t)TG_TYPE_F32, dt, (uint64_t)token, dout, (uint64_t)dim) == 0) {
        get(dout, o, dim * 4);
        compare("embed_f32", o, want, NULL, dim);
    }
    uint8_t *q;
    size_t bpr = make_rows(TG_TYPE_Q8_0, vocab, dim, &q);
    tg_ref_embed(TG_TYPE_Q8_0, q, token, want, dim);
    uint32_t dq = dev(q, bpr * vocab);
    if (LAUNCH(&m, "embed_q8_0", D1(1), D1(128), 0, (uint64_t)TG_TYPE_Q8_0, dq, (uint64_t)token, dout, (uint64_t)dim) == 0) {
        get(dout, o, dim * 4);
        compare("embed_q8_0", o, want, NULL, dim);
    }
    free(tab); free(q);
    free(a); free(b); free(o); free(want); free(tol);
    tg_module_free(&m);
}

static void test_softmax(void)
{
    tg_module m;
    if (load("llm_suite", 0, &m)) return;
    int n = 1000;
    float *x = malloc(n * 4), *o = malloc(n * 4), *want = malloc(n * 4), *tol = malloc(n * 4);
    fill(x, n, -10, 10, 0);
    memcpy(want, x, n * 4);
    tg_ref_softmax(want, n);
    for (int i = 0; i < n; i++) tol[i] = 1e-4f * want[i] + 1e-30f;   /* sfu */
    uint32_t dx = dev(x, n * 4);
    if (LAUNCH(&m, "softmax", D1(1), D1(256), 0, dx, (uint64_t)n) == 0) {
        get(dx, o, n * 4);
        compare("softmax", o, want, tol, n);
    }
    free(x); free(o); free(want); free(tol);
    tg_module_free(&m);
}

/* Decode attention two ways: llm.cu's block-per-head kernel and the suite's flash-decoding pair. */
static void test_attention(unsigned max_regs)
{
    tg_module m, s;
    if (load("llm", max_regs, &m)) return;
    if (load("llm_suite", max_regs, &s)) { tg_module_free(&m); return; }
    int heads = 4, kvh = 2, hd = 40, npos = 37, stride = kvh * hd, splits = 3, chunk = 13;
    float *q = malloc(heads * hd * 4), *k = malloc(npos * stride * 4), *v = malloc(npos * stride * 4);
    float *o = malloc(heads * hd * 4), *want = malloc(heads * hd * 4), *tol = malloc(heads * hd * 4);
    fill(q, heads * hd, -1, 1, 0);
    fill(k, npos * stride, -1, 1, 0);
    fill(v, npos * stride, -1, 1, 0);
    tg_ref_attention(q, k, v, want, heads, kvh, hd, npos, stride);
    for (int i = 0; i < heads * hd; i++) tol[i] = 1e-4f;   /* sfu: a weighted mean of values in [-1, 1] */
    uint32_t dq = dev(q, heads * hd * 4), dk = dev(k, npos * stride * 4), dv = dev(v, npos * stride * 4);
    uint32_t dout = dev(NULL, heads * hd * 4), dpart = dev(NULL, heads * splits * (hd + 2) * 4);
    if (LAUNCH(&m, "attention", D1(heads), D1(128), 0, dq, dk, dv, dout, (uint64_t)heads, (uint64_t)kvh,
               (uint64_t)hd, (uint64_t)npos, (uint64_t)stride) == 0) {
        get(dout, o, heads * hd * 4);
        compare(max_regs ? "attention(24 regs)" : "attention", o, want, tol, heads * hd);
    }
    if (LAUNCH(&s, "attention_flash_split", ((tg_dim3){ heads, splits, 1 }), D1(32), 0, dq, dk, dv, dpart,
               (uint64_t)heads, (uint64_t)kvh, (uint64_t)hd, (uint64_t)npos, (uint64_t)stride, (uint64_t)chunk) == 0 &&
        LAUNCH(&s, "attention_flash_combine", D1(heads), D1(64), 0, dpart, dout, (uint64_t)hd, (uint64_t)splits) == 0) {
        get(dout, o, heads * hd * 4);
        compare(max_regs ? "attention_flash(24 regs)" : "attention_flash", o, want, tol, heads * hd);
    }
    free(q); free(k); free(v); free(o); free(want); free(tol);
    tg_module_free(&m);
    tg_module_free(&s);
}

int main(void)
{
    tg_sim_config c;
#ifdef TG_TEST_RTL
    tg_rtl_sim_config(&c);
#else
    tg_sim_config_default(&c);
#endif
    c.global_bytes = 64u << 20;
    c.watchdog = 200000000;
    sim = tg_sim_create(&c);
    if (!sim) { fprintf(stderr, "cannot create the simulator\n"); return 1; }
    test_vecadd();
    test_matmul("matmul", "matmul_tiled", (tg_dim3){ 16, 16, 1 }, 16, 0);
    test_matmul("llm_suite", "matmul_f32_naive", (tg_dim3){ 16, 16, 1 }, 16, 0);
    test_reduce();
    test_transpose();
    test_scan();
    test_matvec("llm", "matvec_f32", TG_TYPE_F32, 37, 100, true, 0);    /* scalar path */
    test_matvec("llm", "matvec_f32", TG_TYPE_F32, 37, 128, true, 0);    /* float4 path */
    test_matvec("llm_suite", "matvec_f32_row", TG_TYPE_F32, 70, 33, false, 0);
    test_matvec("llm", "matvec_q8_0", TG_TYPE_Q8_0, 13, 96, true, 0);
    test_matvec("llm", "matvec_q4_0", TG_TYPE_Q4_0, 13, 96, true, 0);
    test_matvec("llm_suite", "matvec_q4_k", TG_TYPE_Q4_K, 9, 512, true, 0);
    test_matvec("llm_suite", "matvec_q4_k", TG_TYPE_Q4_K, 9, 512, true, 24);   /* spills */
    test_llm_elementwise();
    test_softmax();
    test_attention(0);
    test_attention(24);   /* spills */
    tg_sim_destroy(sim);
    if (failures) { fprintf(stderr, "%d failures\n", failures); return 1; }
    printf("test_ptx_kernels: all passed\n");
    return 0;
}
