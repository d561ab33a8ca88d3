/* quant_dot.c: dot products of a quantized row with f32 activations, block by block: the block's
 * codes are multiplied with x in float (exact small integers), summed in fixed lanes, and scaled
 * once per (sub-)block. Results equal dequantize-then-dot up to float summation order. */
#include <string.h>

#include "runtime/quant.h"
#include "runtime/quant_blocks.h"
#include "runtime/quant_internal.h"

#define H2F tg_h2f

/* The 8-lane horizontal sum in the order an AVX register is reduced (quant_dot_avx2.c does the
 * same), so lane-structured loops give the same bits on both paths. */
static inline float reduce8(const float a[8])
{
    return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
}

/* sum_j c[j] * x[j] over 32 values in 8 fixed lanes: a shape compilers vectorize without
 * reassociating floats (lanes are explicit, so -ffp-contract=off and strict IEEE are kept). */
static inline float dot32(const float *c, const float *x)
{
    float acc[8] = { 0 };
    for (int j = 0; j < 32; j += 8)
        for (int k = 0; k < 8; k++) acc[k] += c[j + k] * x[j + k];
    return reduce8(acc);
}

static inline float dot16(const float *c, const float *x)
{
    float acc[8] = { 0 };
    for (int j = 0; j < 16; j += 8)
        for (int k = 0; k < 8; k++) acc[k] += c[j + k] * x[j + k];
    return reduce8(acc);
}

static inline float sum32(const float *x)
{
    float acc[8] = { 0 };
    for (int j = 0; j < 32; j += 8)
        for (int k = 0; k < 8; k++) acc[k] += x[j + k];
    return reduce8(acc);
}

float tg_dot_f32(const void *w, const float *x, uint64_t n)
{
    const float *a = w;
    float acc[8] = { 0 }, tail = 0;
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) acc[k] += a[i + k] * x[i + k];
    for (; i < n; i++) tail += a[i] * x[i];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail;
}

/* f16 and bf16 rows: 32 at a time through dot32 (an AVX2 build with the same lanes is used when
 * the CPU has it), then the tail one by one. */
float tg_dot_f16(const void *w, const float *x, uint64_t n)
{
#ifdef TG_HAVE_AVX2_PATH
    if (tg_dot_use_avx2()) return tg_dot_f16_avx2(w, x, n);
#endif
    const uint16_t *h = w;
    float c[32], sum = 0;
    uint64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int j = 0; j < 32; j++) c[j] = H2F(h[i + j]);
        sum += dot32(c, x + i);
    }
    for (; i < n; i++) sum += H2F(h[i]) * x[i];
    return sum;
}

float tg_dot_bf16(const void *w, const float *x, uint64_t n)
{
#ifdef TG_HAVE_AVX2_PATH
    if (tg_dot_use_avx2()) return tg_dot_bf16_avx2(w, x, n);
#endif
    const uint16_t *h = w;
    float c[32], sum = 0;
    uint64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int j = 0; j < 32; j++) c[j] = tg_bf16_to_f32(h[i + j]);
        sum += dot32(c, x + i);
    }
    for (; i < n; i++) sum += tg_bf16_to_f32(h[i]) * x[i];
    return sum;
}

float tg_dot_q4_0(const void *w, const float *x, uint64_t n)
{
    const blk_q4_0 *b = w;
    float c[32], sum = 0;
    for (uint64_t i = 0; i < n / 32; i++, x += 32) {
        for (int j = 0; j < 16; j++) {
            c[j] = (float)((b[i].qs[j] & 0xF) - 8);
            c[j + 16] = (float)((b[i].qs[j] >> 4) - 8);
        }
        sum += H2F(b[i].d) * dot32(c, x);
    }
    return sum;
}

float tg_dot_q4_1(const void *w, const float *x, uint64_t n)
{
    const blk_q4_1 *b = w;
    float c[32], sum = 0;
    for (uint64_t i = 0; i < n / 32; i++, x += 32) {
        for (int j = 0; j < 16; j++) {
            c[j] = (float)(b[i].qs[j] & 0xF);
            c[j + 16] = (float)(b[i].qs[j] >> 4);
        }
        sum += H2F(b[i].d) * dot32(c, x) + H2F(b[i].m) * sum32(x);
    }
    return sum;
}

float tg_dot_q5_0(const void *w, const float *x, uint64_t n)
{
    const blk_q5_0 *b = w;
    float c[32], sum = 0;
    for (uint64_t i = 0; i < n / 32; i++, x += 32) {
        uint32_t qh;
        memcpy(&qh, b[i].qh, 4);
        for (int j = 0; j < 16; j++) {
            c[j] = (float)((int)((b[i].qs[j] & 0xF) | ((qh >> j) & 1) << 4) - 16);
            c[j + 16] = (float)((int)((b[i].qs[j] >> 4) | ((qh >> (j + 16)) & 1) << 4) - 16);
        }
        sum += H2F(b[i].d) * dot32(c, x);
    }
    return sum;
}

float tg_dot_q5_1(const void *w, const float *x, uint64_t n)
{
    const blk_q5_1 *b = w;
    float c[32], sum = 0;
    for (uint64_t i = 0; i < n / 32; i++, x += 32) {
        uint32_t qh;
        memcpy(&qh, b[i].qh, 4);
        for (int j = 0; j < 16; j++) {
            c[j] = (float)((b[i].qs[j] & 0xF) | ((qh >> j) & 1) << 4);
            c[j + 16] = (float)((b[i].qs[j] >> 4) | ((qh >> (j + 16)) & 1) << 4);
        }
        sum += H2F(b[i].d) * dot32(c, x) + H2F(b[i].m) * sum32(x);
    }
    return sum;
}

float tg_dot_q8_0(const void *w, const float *x, uint64_t n)
{
    const blk_q8_0 *b = w;
    float c[32], sum = 0;
    for (uint64_t i = 0; i < n / 32; i++, x += 32) {
        for (int j = 0; j < 32; j++) c[j] = (float)b[i].qs[j];
        sum += H2F(b[i].d) * dot32(c, x);
    }
    return sum;
}

float tg_dot_q4_K(const void *w, const float *x, uint64_t n)
{
    const blk_q4_K *b = w;
    float c[32], sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        const float d = H2F(b[i].d), dmin = H2F(b[i].dmin);
        const uint8_t *q = b[i].qs;
        float bs = 0, bm = 0;
        for (int j = 0; j < 8; j += 2, q += 32, x += 64) {
            uint8_t sc0, m0, sc1, m1;
            tg_k4_scale_min(j, b[i].scales, &sc0, &m0);
            tg_k4_scale_min(j + 1, b[i].scales, &sc1, &m1);
            for (int l = 0; l < 32; l++) c[l] = (float)(q[l] & 0xF);
            bs += (float)sc0 * dot32(c, x);
            for (int l = 0; l < 32; l++) c[l] = (float)(q[l] >> 4);
            bs += (float)sc1 * dot32(c, x + 32);
            bm += (float)m0 * sum32(x) + (float)m1 * sum32(x + 32);
        }
        sum += d * bs - dmin * bm;
    }
    return sum;
}

float tg_dot_q5_K(const void *w, const float *x, uint64_t n)
{
    const blk_q5_K *b = w;
    float c[32], sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        const float d = H2F(b[i].d), dmin = H2F(b[i].dmin);
        const uint8_t *ql = b[i].qs, *qh = b[i].qh;
        float bs = 0, bm = 0;
        for (int j = 0; j < 8; j += 2, ql += 32, x += 64) {
            uint8_t sc0, m0, sc1, m1;
            tg_k4_scale_min(j, b[i].scales, &sc0, &m0);
            tg_k4_scale_min(j + 1, b[i].scales, &sc1, &m1);
            for (int l = 0; l < 32; l++) c[l] = (float)((ql[l] & 0xF) | ((qh[l] >> j) & 1) << 4);
            bs += (float)sc0 * dot32(c, x);
            for (int l = 0; l < 32; l++) c[l] = (float)((ql[l] >> 4) | ((qh[l] >> (j + 1)) & 1) << 4);
            bs += (float)sc1 * dot32(c, x + 32);
            bm += (float)m0 * sum32(x) + (float)m1 * sum32(x + 32);
        }
        sum += d * bs - dmin * bm;
    }
    return sum;
}

float tg_dot_q6_K(const void *w, const float *x, uint64_t n)
{
    const blk_q6_K *b = w;
    float c[128], sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        const uint8_t *ql = b[i].ql, *qh = b[i].qh;
        const int8_t *sc = b[i].scales;
        float bs = 0;
        for (int h = 0; h < 2; h++, ql += 64, qh += 32, sc += 8, x += 128) {
            for (int l = 0; l < 32; l++) {
                c[l + 0] = (float)(((ql[l] & 0xF) | ((qh[l] >> 0) & 3) << 4) - 32);
                c[l + 32] = (float)(((ql[l + 32] & 0xF) | ((qh[l] >> 2) & 3) << 4) - 32);
                c[l + 64] = (float)(((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4) - 32);
                c[l + 96] = (float)(((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4) - 32);
            }
            for (int g = 0; g < 8; g++) bs += (float)sc[g] * dot16(c + 16 * g, x + 16 * g);
        }
        sum += H2F(b[i].d) * bs;
    }
    return sum;
}

float tg_dot_q8_K(const void *w, const float *x, uint64_t n)
{
    const blk_q8_K *b = w;
    float c[32], sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        float bs = 0;
        for (int j = 0; j < QK_K; j += 32, x += 32) {
            for (int l = 0; l < 32; l++) c[l] = (float)b[i].qs[j + l];
            bs += dot32(c, x);
        }
        sum += b[i].d * bs;
    }
    return sum;
}

static const tg_quant_kernels kernels[TG_TYPE_COUNT] = {
    [TG_TYPE_F32] = { tg_dequantize_f32, tg_quantize_f32, tg_dot_f32 },
    [TG_TYPE_F16] = { tg_dequantize_f16, tg_quantize_f16, tg_dot_f16 },
    [TG_TYPE_BF16] = { tg_dequantize_bf16, tg_quantize_bf16, tg_dot_bf16 },
    [TG_TYPE_Q4_0] = { tg_dequantize_q4_0, tg_quantize_q4_0, tg_dot_q4_0 },
    [TG_TYPE_Q4_1] = { tg_dequantize_q4_1, tg_quantize_q4_1, tg_dot_q4_1 },
    [TG_TYPE_Q5_0] = { tg_dequantize_q5_0, tg_quantize_q5_0, tg_dot_q5_0 },
    [TG_TYPE_Q5_1] = { tg_dequantize_q5_1, tg_quantize_q5_1, tg_dot_q5_1 },
    [TG_TYPE_Q8_0] = { tg_dequantize_q8_0, tg_quantize_q8_0, tg_dot_q8_0 },
    [TG_TYPE_Q4_K] = { tg_dequantize_q4_K, tg_quantize_q4_K, tg_dot_q4_K },
    [TG_TYPE_Q5_K] = { tg_dequantize_q5_K, tg_quantize_q5_K, tg_dot_q5_K },
    [TG_TYPE_Q6_K] = { tg_dequantize_q6_K, tg_quantize_q6_K, tg_dot_q6_K },
    [TG_TYPE_Q8_K] = { tg_dequantize_q8_K, tg_quantize_q8_K, tg_dot_q8_K },
};

const tg_quant_kernels *tg_quant_kernels_get(uint32_t type)
{
    return type < TG_TYPE_COUNT && kernels[type].dequantize ? &kernels[type] : NULL;
}
