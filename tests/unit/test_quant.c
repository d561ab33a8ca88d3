/* test_quant.c: the quant types as a specification. Checks the traits table, f16/bf16 conversion
 * (every f16 bit pattern round-trips; rounding ties go to even), quantize -> dequantize error bounds
 * per type on random data, the fused dot against dequantize + f32 dot, and a few exact codes that
 * follow from ggml's reference algorithms. Deterministic (fixed-seed generator). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/quant.h"
#include "runtime/quant_blocks.h"

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_u32(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}
static float uniform(void) { return (float)(next_u32() & 0xFFFFFF) / 16777216.0f; }   /* [0,1) */
static float gauss(void)
{
    float u = uniform() + 1e-7f, v = uniform();
    return sqrtf(-2.0f * logf(u)) * cosf(6.2831853f * v);
}

static void test_traits(void)
{
    static const struct { uint32_t t; const char *name; uint32_t be, bb; } want[] = {
        { TG_TYPE_F32, "f32", 1, 4 },     { TG_TYPE_F16, "f16", 1, 2 },     { TG_TYPE_BF16, "bf16", 1, 2 },
        { TG_TYPE_Q4_0, "q4_0", 32, 18 }, { TG_TYPE_Q4_1, "q4_1", 32, 20 }, { TG_TYPE_Q5_0, "q5_0", 32, 22 },
        { TG_TYPE_Q5_1, "q5_1", 32, 24 }, { TG_TYPE_Q8_0, "q8_0", 32, 34 }, { TG_TYPE_Q4_K, "q4_K", 256, 144 },
        { TG_TYPE_Q5_K, "q5_K", 256, 176 }, { TG_TYPE_Q6_K, "q6_K", 256, 210 }, { TG_TYPE_Q8_K, "q8_K", 256, 292 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const tg_type_traits *t = tg_type_get(want[i].t);
        CHECK(t && !strcmp(t->name, want[i].name) && t->block_elems == want[i].be &&
              t->block_bytes == want[i].bb && t->supported, "traits of %s", want[i].name);
        CHECK(tg_type_from_name(want[i].name) == (int)want[i].t, "from_name %s", want[i].name);
    }
    CHECK(tg_type_get(TG_TYPE_Q2_K) && !tg_type_get(TG_TYPE_Q2_K)->supported, "q2_K listed unsupported");
    CHECK(!tg_type_get(4) && !tg_type_get(TG_TYPE_COUNT) && !tg_type_get(0xFFFFFFFFu), "unknown types");
    CHECK(tg_type_row_bytes(TG_TYPE_Q4_K, 512) == 288 && tg_type_row_bytes(TG_TYPE_Q4_K, 100) == 0,
          "row bytes");
}

static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float bitsf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

static void test_half(void)
{
    int bad = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        float f = tg_f16_to_f32((uint16_t)h);
        bool nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff);
        if (nan) { bad += !isnan(f); continue; }
        bad += tg_f32_to_f16(f) != h;
    }
    CHECK(bad == 0, "%d f16 values do not round-trip", bad);
    /* Ties to even: 1 + 2^-11 is halfway between 1 and 1 + 2^-10. */
    CHECK(tg_f32_to_f16(1.0f + 0x1p-11f) == 0x3c00, "tie rounds down to even");
    CHECK(tg_f32_to_f16(1.0f + 3 * 0x1p-11f) == 0x3c02, "tie rounds up to even");
    CHECK(tg_f32_to_f16(65504.0f) == 0x7bff && tg_f32_to_f16(65519.0f) == 0x7bff, "max half");
    CHECK(tg_f32_to_f16(65520.0f) == 0x7c00 && tg_f32_to_f16(1e30f) == 0x7c00, "overflow to inf");
    CHECK(tg_f32_to_f16(0x1p-24f) == 1 && tg_f32_to_f16(0x1p-25f) == 0 &&
          tg_f32_to_f16(0x1.8p-25f) == 1 && tg_f32_to_f16(-0x1p-26f) == 0x8000, "subnormals");
    CHECK(tg_f32_to_bf16(bitsf(0x3f808000)) == 0x3f80 && tg_f32_to_bf16(bitsf(0x3f818000)) == 0x3f82,
          "bf16 ties to even");
    CHECK((tg_f32_to_bf16(bitsf(0x7f800001)) & 0x7fc0) == 0x7fc0, "bf16 NaN stays NaN (quiet)");
    CHECK(fbits(tg_bf16_to_f32(0xc0a0)) == 0xc0a00000, "bf16 widen");
}

/* Per-type bound on RMS error relative to the RMS of Gaussian data (measured values are roughly
 * half of these; they catch a wrong layout or scale, which gives errors of order 1). */
static const struct { uint32_t type; double rel_rms; } bounds[] = {
    { TG_TYPE_F32, 0.0 },     { TG_TYPE_F16, 0.0005 },  { TG_TYPE_BF16, 0.004 },
    { TG_TYPE_Q8_0, 0.008 },  { TG_TYPE_Q8_K, 0.008 },  { TG_TYPE_Q6_K, 0.025 },
    { TG_TYPE_Q5_0, 0.05 },   { TG_TYPE_Q5_1, 0.05 },   { TG_TYPE_Q5_K, 0.04 },
    { TG_TYPE_Q4_0, 0.11 },   { TG_TYPE_Q4_1, 0.10 },   { TG_TYPE_Q4_K, 0.08 },
};

static void test_roundtrip_and_dot(void)
{
    enum { N = 4096 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), *a = malloc(N * sizeof *a);
    void *q = malloc(N * 4);
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        uint32_t t = bounds[b].type;
        const char *name = tg_type_get(t)->name;
        for (int trial = 0; trial < 3; trial++) {
            float scale = trial == 0 ? 1.0f : trial == 1 ? 1e-3f : 300.0f;
            double ss = 0;
            for (int i = 0; i < N; i++) { x[i] = gauss() * scale; ss += (double)x[i] * x[i]; }
            memset(q, 0xAB, N * 4);
            tg_quantize(t, x, q, N);
            tg_dequantize(t, q, y, N);
            double se = 0;
            for (int i = 0; i < N; i++) se += ((double)y[i] - x[i]) * ((double)y[i] - x[i]);
            double rel = sqrt(se / ss);
            CHECK(rel <= bounds[b].rel_rms, "%s scale %g: rms error %.5f > %.5f", name, scale, rel,
                  bounds[b].rel_rms);
            if (trial == 0) printf("%-5s rel rms error %.5f\n", name, rel);

            /* dot vs dequantized weights dotted in double: only float summation order differs. */
            for (int i = 0; i < N; i++) a[i] = gauss();
            double ref = 0, mag = 0;
            for (int i = 0; i < N; i++) { ref += (double)y[i] * a[i]; mag += fabs((double)y[i] * a[i]); }
            for (int n = 256; n <= N; n *= 4) {   /* several lengths, all multiples of 256 */
                double r = 0, m = 0;
                for (int i = 0; i < n; i++) { r += (double)y[i] * a[i]; m += fabs((double)y[i] * a[i]); }
                float got = tg_dot(t, q, a, (uint64_t)n);
                CHECK(fabs(got - r) <= 1e-5 * m + 1e-30, "%s dot n=%d: %.9g vs %.9g (mag %.3g)", name,
                      n, got, r, m);
            }
            (void)ref;
            (void)mag;
        }
    }
    free(x); free(y); free(a); free(q);
}

/* The integer path: tg_dot_q8 against the exact dot of dequantized weights and dequantized 8-bit
 * activations, for the portable and (where the CPU has it) AVX2 builds, which must agree bit for bit;
 * tg_matvec against per-row tg_dot_q8; and the f32 path's agreement with tg_dot within 8-bit
 * activation rounding. */
static void test_dot_q8(void)
{
    enum { N = 1024, ROWS = 3 };
    static float x[N], w[ROWS * N], wd[N], xd[N];
    static uint8_t q[ROWS * N * 4], xq[N * 4];
    for (int i = 0; i < N; i++) x[i] = gauss();
    for (int i = 0; i < ROWS * N; i++) w[i] = gauss() * 0.05f;
    int have_avx2 = tg_dot_set_isa(1) == 0;
    printf("integer dot kernels: %s available\n", have_avx2 ? "portable and avx2" : "portable only");
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        uint32_t t = bounds[b].type, vt = tg_vec_dot_type(t);
        const char *name = tg_type_get(t)->name;
        size_t row = tg_type_row_bytes(t, N);
        for (int r = 0; r < ROWS; r++) tg_quantize(t, w + r * N, q + r * row, N);
        tg_quantize(vt, x, xq, N);
        tg_dequantize(vt, xq, xd, N);
        float y[ROWS];
        for (int isa = 0; isa <= have_avx2; isa++) {
            tg_dot_set_isa(isa);
            CHECK(tg_matvec(t, q, ROWS, x, y, N) == 0, "%s matvec", name);
            for (int r = 0; r < ROWS; r++) {
                tg_dequantize(t, q + r * row, wd, N);
                double ref = 0, mag = 0;
                for (int i = 0; i < N; i++) { ref += (double)wd[i] * xd[i]; mag += fabs((double)wd[i] * xd[i]); }
                float got = tg_dot_q8(t, q + r * row, xq, N);
                CHECK(fabs(got - ref) <= 2e-6 * mag, "%s %s dot_q8 row %d: %.9g vs %.9g", name,
                      tg_dot_isa(), r, got, ref);
                CHECK(got == y[r], "%s %s matvec row %d differs from dot_q8", name, tg_dot_isa(), r);
                float exact = tg_dot(t, q + r * row, x, N);
                CHECK(fabs(got - exact) <= 0.02 * mag + 1e-6, "%s: 8-bit activations moved the dot too far", name);
            }
        }
        if (have_avx2) {   /* both builds: same integer sums, same float steps, same bits */
            tg_dot_set_isa(0);
            float p = tg_dot_q8(t, q, xq, N);
            tg_dot_set_isa(1);
            float a = tg_dot_q8(t, q, xq, N);
            CHECK(!memcmp(&p, &a, sizeof p), "%s: portable %.9g != avx2 %.9g", name, p, a);
        }
        tg_dot_set_isa(-1);
    }
    /* f16 / bf16 rows of a length that is not a multiple of 32 (the tail is summed one by one). */
    for (int k = 0; k < 2; k++) {
        uint32_t t = k ? TG_TYPE_BF16 : TG_TYPE_F16;
        tg_quantize(t, w, q, 1000);
        tg_dequantize(t, q, wd, 1000);
        double ref = 0, mag = 0;
        for (int i = 0; i < 1000; i++) { ref += (double)wd[i] * x[i]; mag += fabs((double)wd[i] * x[i]); }
        float got[2] = { 0, 0 };
        for (int isa = 0; isa <= have_avx2; isa++) {
            tg_dot_set_isa(isa);
            got[isa] = tg_dot(t, q, x, 1000);
            CHECK(fabs(got[isa] - ref) <= 1e-5 * mag, "%s tail dot %.9g vs %.9g", tg_type_get(t)->name, got[isa], ref);
        }
        if (have_avx2) CHECK(!memcmp(&got[0], &got[1], sizeof got[0]), "%s tail: portable != avx2", tg_type_get(t)->name);
        tg_dot_set_isa(-1);
    }
    CHECK(tg_matvec(TG_TYPE_Q2_K, q, 1, x, wd, N) == -1 && tg_matvec(TG_TYPE_Q4_K, q, 1, x, wd, 100) == -1,
          "matvec refuses unsupported types and ragged rows");
}

/* Constant, zero and one-hot blocks: codes that follow directly from ggml's algorithms. */
static void test_exact_codes(void)
{
    float x[256] = { 0 }, y[256];
    uint8_t q[256 * 4];   /* the largest row: 256 f32 */
    /* All zeros quantize to zeros and dequantize to exactly 0 for every type. */
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        uint32_t t = bounds[b].type;
        tg_quantize(t, x, q, 256);
        tg_dequantize(t, q, y, 256);
        int nz = 0;
        for (int i = 0; i < 256; i++) nz += y[i] != 0.0f;
        CHECK(nz == 0, "%s: zeros came back as %d non-zeros", tg_type_get(t)->name, nz);
    }
    /* Q4_0 with max = -8: d = 1, codes = x + 8. */
    for (int i = 0; i < 32; i++) x[i] = (float)(i % 16) - 8.0f;
    tg_quantize(TG_TYPE_Q4_0, x, q, 32);
    CHECK(q[0] == 0x00 && q[1] == 0x3c, "q4_0 d = 1.0 (f16 0x3c00)");
    for (int j = 0; j < 16; j++) CHECK(q[2 + j] == (uint8_t)(j | j << 4), "q4_0 code %d = %02x", j, q[2 + j]);
    tg_dequantize(TG_TYPE_Q4_0, q, y, 32);
    CHECK(!memcmp(x, y, 32 * sizeof *x), "q4_0 exact values come back exactly");
    /* Q8_0: amax 127 gives d = 1 and codes equal to the values. */
    for (int i = 0; i < 32; i++) x[i] = (float)(i * 8 - 127 < 127 ? i * 8 - 127 : 127);
    tg_quantize(TG_TYPE_Q8_0, x, q, 32);
    tg_dequantize(TG_TYPE_Q8_0, q, y, 32);
    CHECK(!memcmp(x, y, 32 * sizeof *x), "q8_0 integers come back exactly");
    /* Q8_K keeps the sign of the largest magnitude at -127 * d... and bsums sum the codes. */
    for (int i = 0; i < 256; i++) x[i] = (float)((i % 17) - 8);
    tg_quantize(TG_TYPE_Q8_K, x, q, 256);
    int8_t codes[256];
    int16_t bsums[16];
    memcpy(codes, q + 4, 256);
    memcpy(bsums, q + 260, 32);
    for (int g = 0; g < 16; g++) {
        int s = 0;
        for (int i = 0; i < 16; i++) s += codes[g * 16 + i];
        CHECK(s == bsums[g], "q8_K bsums[%d] = %d, codes sum to %d", g, bsums[g], s);
    }
}

/* tg_k4_unpack (all at once) agrees with tg_k4_scale_min (one at a time) on random scale bytes. */
static void test_k4_unpack(void)
{
    int bad = 0;
    for (int t = 0; t < 2000; t++) {
        uint8_t q[12], sc[8], m[8];
        for (int i = 0; i < 12; i++) q[i] = (uint8_t)next_u32();
        tg_k4_unpack(q, sc, m);
        for (int j = 0; j < 8; j++) {
            uint8_t s1, m1;
            tg_k4_scale_min(j, q, &s1, &m1);
            bad += s1 != sc[j] || m1 != m[j];
        }
    }
    CHECK(bad == 0, "%d scale/min mismatches", bad);
}

int main(void)
{
    test_traits();
    test_half();
    test_roundtrip_and_dot();
    test_exact_codes();
    test_dot_q8();
    test_k4_unpack();
    if (failures) { printf("%d failures\n", failures); return 1; }
    printf("test_quant: all passed\n");
    return 0;
}
