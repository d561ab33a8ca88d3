/* test_cpu_kernels.c: the reference LLM kernels against values worked out by hand from each
 * kernel's definition (block layouts, RoPE pairings, GQA head mapping). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "runtime/cpu_kernels.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)
#define NEAR(a, b, tol) CHECK(fabs((double)(a) - (double)(b)) <= (tol))

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

static void test_f16(void)
{
    CHECK(tg_ref_f16_to_f32(0x3c00) == 1.0f);
    CHECK(tg_ref_f16_to_f32(0xc000) == -2.0f);
    CHECK(tg_ref_f16_to_f32(0x7bff) == 65504.0f);
    CHECK(tg_ref_f16_to_f32(0x0001) == 0x1p-24f);
    CHECK(tg_ref_f16_to_f32(0x3555) == 0x1.554p-2f);
    CHECK(isinf(tg_ref_f16_to_f32(0x7c00)) && tg_ref_f16_to_f32(0xfc00) < 0);
    CHECK(isnan(tg_ref_f16_to_f32(0x7e00)));
}

static void test_matvec_f32_matmul(void)
{
    float w[6] = { 1, 2, 3, 4, 5, 6 }, x[3] = { 1, -1, 2 }, y[2];
    tg_ref_matvec_f32(w, x, y, 2, 3);
    CHECK(y[0] == 5 && y[1] == 11);
    float a[6] = { 1, 2, 3, 4, 5, 6 }, b[6] = { 7, 8, 9, 10, 11, 12 }, c[4];
    tg_ref_matmul_f32(a, b, c, 2, 2, 3);           /* [2x3][3x2] */
    CHECK(c[0] == 58 && c[1] == 64 && c[2] == 139 && c[3] == 154);
}

static void test_q8_0(void)
{
    uint8_t blk[2 * 34];
    for (int b = 0; b < 2; b++) {
        put16(blk + 34 * b, b ? 0x3800 : 0x4000);   /* d = 0.5 and 2 */
        for (int j = 0; j < 32; j++) blk[34 * b + 2 + j] = (uint8_t)(int8_t)(j - 16);
    }
    float y[64], x[64], out;
    tg_ref_dequant_row_q8_0(blk, y, 64);
    CHECK(y[0] == -32.0f && y[31] == 30.0f && y[32] == -8.0f && y[63] == 7.5f);
    for (int i = 0; i < 64; i++) x[i] = i % 3 == 0 ? 1.0f : 0.0f;
    tg_ref_matvec_q8_0(blk, x, &out, 1, 64);
    float want = 0;
    for (int i = 0; i < 64; i++) want += y[i] * x[i];
    CHECK(out == want);
}

static void test_q4_0(void)
{
    uint8_t blk[18];
    put16(blk, 0x3c00);
    for (int j = 0; j < 16; j++) blk[2 + j] = (uint8_t)(j | (15 - j) << 4);
    float y[32];
    tg_ref_dequant_row_q4_0(blk, y, 32);
    for (int j = 0; j < 16; j++) {
        CHECK(y[j] == (float)(j - 8));
        CHECK(y[j + 16] == (float)(7 - j));
    }
    float x[32], out;
    for (int i = 0; i < 32; i++) x[i] = 1.0f;
    tg_ref_matvec_q4_0(blk, x, &out, 1, 32);
    CHECK(out == -16.0f);                           /* sum(j-8) + sum(7-j) over 0..15 */
}

/* Packs 8 (scale, min) pairs of 6 bits into q4_K's 12 bytes, as the layout defines them. */
static void pack_q4_k_scales(const int *sc, const int *m, uint8_t *q)
{
    for (int j = 0; j < 4; j++) {
        q[j] = (uint8_t)((sc[j] & 63) | (sc[j + 4] >> 4) << 6);
        q[j + 4] = (uint8_t)((m[j] & 63) | (m[j + 4] >> 4) << 6);
        q[j + 8] = (uint8_t)((sc[j + 4] & 15) | (m[j + 4] & 15) << 4);
    }
}

static void test_q4_k(void)
{
    uint8_t blk[144];
    int sc[8], m[8];
    for (int j = 0; j < 8; j++) { sc[j] = 7 * j + 5; m[j] = 9 * j; }
    put16(blk, 0x3c00);                             /* d = 1 */
    put16(blk + 2, 0x3800);                         /* dmin = 0.5 */
    pack_q4_k_scales(sc, m, blk + 4);
    for (int k = 0; k < 128; k++) blk[16 + k] = (uint8_t)((k % 16) | ((k + 3) % 16) << 4);
    float y[256];
    tg_ref_dequant_row_q4_k(blk, y, 256);
    for (int e = 0; e < 256; e++) {
        int chunk = e / 64, within = e % 64, sub = e / 32, l = within % 32;
        int byte = chunk * 32 + l;
        int nib = within < 32 ? byte % 16 : (byte + 3) % 16;
        float want = (float)sc[sub] * (float)nib - 0.5f * (float)m[sub];
        if (y[e] != want) { fprintf(stderr, "q4_K element %d: %g want %g\n", e, y[e], want); failures++; break; }
    }
    float x[256], out, want = 0;
    for (int i = 0; i < 256; i++) { x[i] = (float)(i % 5) - 2.0f; want += y[i] * x[i]; }
    tg_ref_matvec_q4_k(blk, x, &out, 1, 256);
    CHECK(out == want);
}

static void test_norm_softmax_silu(void)
{
    float x[4] = { 1, 2, 3, 4 }, w[4] = { 1, 1, 2, 1 }, y[4];
    tg_ref_rmsnorm(x, w, y, 4, 1e-5f);
    double r = 1.0 / sqrt(7.5 + 1e-5);
    NEAR(y[0], 1 * r, 1e-6); NEAR(y[2], 6 * r, 1e-6);
    float s[3] = { 0.0f, logf(2.0f), -INFINITY };
    tg_ref_softmax(s, 3);
    NEAR(s[0], 1.0 / 3, 1e-6); NEAR(s[1], 2.0 / 3, 1e-6); CHECK(s[2] == 0.0f);
    float big[2] = { 1000.0f, 1000.0f };
    tg_ref_softmax(big, 2);
    CHECK(big[0] == 0.5f && big[1] == 0.5f);
    float g[2] = { 0.0f, 2.0f }, u[2] = { 3.0f, 0.5f }, o[2];
    tg_ref_silu_mul(g, u, o, 2);
    CHECK(o[0] == 0.0f); NEAR(o[1], 2.0 / (1 + exp(-2.0)) * 0.5, 1e-6);
    tg_ref_add(g, u, 2);
    CHECK(g[0] == 3.0f && g[1] == 2.5f);
    float a[5] = { 1, 5, NAN, 5, 2 }, n[3] = { NAN, -1, -2 };
    CHECK(tg_ref_argmax(a, 5) == 1);
    CHECK(tg_ref_argmax(n, 3) == 1);
}

static void test_rope(void)
{
    /* head_dim 4, base 100: pair 0 turns by pos, pair 1 by pos/10 */
    float v[8] = { 1, 2, 3, 4, 1, 2, 3, 4 };
    tg_ref_rope(v, 2, 4, 0, 100.0f, 0);
    CHECK(v[0] == 1 && v[1] == 2 && v[2] == 3 && v[3] == 4);
    tg_ref_rope(v, 2, 4, 3, 100.0f, 0);             /* normal: pairs (0,1), (2,3) */
    NEAR(v[0], 1 * cos(3.0) - 2 * sin(3.0), 1e-5); NEAR(v[1], 1 * sin(3.0) + 2 * cos(3.0), 1e-5);
    NEAR(v[2], 3 * cos(0.3) - 4 * sin(0.3), 1e-5); NEAR(v[7], 3 * sin(0.3) + 4 * cos(0.3), 1e-5);
    float u[4] = { 1, 2, 3, 4 };
    tg_ref_rope(u, 1, 4, 3, 100.0f, 1);             /* neox: pairs (0,2), (1,3) */
    NEAR(u[0], 1 * cos(3.0) - 3 * sin(3.0), 1e-5); NEAR(u[2], 1 * sin(3.0) + 3 * cos(3.0), 1e-5);
    NEAR(u[1], 2 * cos(0.3) - 4 * sin(0.3), 1e-5); NEAR(u[3], 2 * sin(0.3) + 4 * cos(0.3), 1e-5);
    float p[6] = { 1, 2, 3, 4, 5, 6 };              /* partial: only the first 4 of 6 dims turn */
    tg_ref_rope_ext(p, 1, 6, 4, 6.0f, 100.0f, 0.5f, 0);
    NEAR(p[0], 1 * cos(3.0) - 2 * sin(3.0), 1e-5); CHECK(p[4] == 5 && p[5] == 6);
}

static void test_attention(void)
{
    enum { H = 4, KVH = 2, D = 2, T = 3, STRIDE = KVH * D };
    float q[H * D], k[T * STRIDE], v[T * STRIDE], out[H * D];
    for (int i = 0; i < H * D; i++) q[i] = 0.3f * (float)(i % 5) - 0.5f;
    for (int i = 0; i < T * STRIDE; i++) { k[i] = 0.1f * (float)(i % 7); v[i] = (float)i; }
    tg_ref_attention(q, k, v, out, H, KVH, D, 1, STRIDE);   /* one position: out = v */
    CHECK(out[0] == v[0] && out[3] == v[1] && out[4] == v[2] && out[7] == v[3]);
    tg_ref_attention(q, k, v, out, H, KVH, D, T, STRIDE);
    for (int h = 0; h < H; h++) {
        int kvh = h / (H / KVH);
        double sc[T], max = -1e30, sum = 0;
        for (int t = 0; t < T; t++) {
            sc[t] = 0;
            for (int i = 0; i < D; i++) sc[t] += (double)q[h * D + i] * k[t * STRIDE + kvh * D + i];
            sc[t] /= sqrt((double)D);
            if (sc[t] > max) max = sc[t];
        }
        for (int t = 0; t < T; t++) { sc[t] = exp(sc[t] - max); sum += sc[t]; }
        for (int i = 0; i < D; i++) {
            double o = 0;
            for (int t = 0; t < T; t++) o += sc[t] / sum * v[t * STRIDE + kvh * D + i];
            NEAR(out[h * D + i], o, 1e-5);
        }
    }
}

static void test_embed(void)
{
    float table[6] = { 1, 2, 3, 4, 5, 6 }, out[32];
    tg_ref_embed(0, table, 1, out, 3);
    CHECK(out[0] == 4 && out[2] == 6);
    uint16_t h[4] = { 0x3c00, 0x4000, 0xbc00, 0x3800 };
    tg_ref_embed(1, h, 1, out, 2);
    CHECK(out[0] == -1.0f && out[1] == 0.5f);
    uint8_t q8[2 * 34] = { 0 };
    put16(q8 + 34, 0x4000);
    q8[34 + 2 + 5] = 3;
    tg_ref_embed(8, q8, 1, out, 32);
    CHECK(out[5] == 6.0f && out[4] == 0.0f);
}

int main(void)
{
    test_f16();
    test_matvec_f32_matmul();
    test_q8_0();
    test_q4_0();
    test_q4_k();
    test_norm_softmax_silu();
    test_rope();
    test_attention();
    test_embed();
    if (failures) { fprintf(stderr, "test_cpu_kernels: %d failed\n", failures); return 1; }
    printf("test_cpu_kernels: ok\n");
    return 0;
}
