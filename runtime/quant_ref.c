/* quant_ref.c: dequantization and reference quantization of every supported type, following
 * ggml's reference C code step by step (the same float operations in the same order), so that
 * dequantization is bit-for-bit ggml's and quantization picks the same scales and codes. */
#include <math.h>
#include <string.h>

#include "runtime/quant.h"
#include "runtime/quant_blocks.h"
#include "runtime/quant_internal.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define GROUP_MAX_EPS 1e-15f

#define H2F tg_h2f
#define F2H tg_f32_to_f16

/* Round to nearest, ties to even, for |x| < 2^22: ggml's nearest_int (the magic-number trick). */
static inline int nearest_int(float fval)
{
    float val = fval + 12582912.f;
    int i;
    memcpy(&i, &val, sizeof i);
    return (i & 0x007fffff) - 0x00400000;
}

/* ---- plain floats ---- */

void tg_dequantize_f32(const void *src, float *dst, uint64_t n) { memcpy(dst, src, n * sizeof *dst); }
void tg_quantize_f32(const float *src, void *dst, uint64_t n) { memcpy(dst, src, n * sizeof *src); }

void tg_dequantize_f16(const void *src, float *dst, uint64_t n)
{
    const uint16_t *h = src;
    for (uint64_t i = 0; i < n; i++) dst[i] = H2F(h[i]);
}

void tg_quantize_f16(const float *src, void *dst, uint64_t n)
{
    uint16_t *h = dst;
    for (uint64_t i = 0; i < n; i++) h[i] = F2H(src[i]);
}

void tg_dequantize_bf16(const void *src, float *dst, uint64_t n)
{
    const uint16_t *h = src;
    for (uint64_t i = 0; i < n; i++) dst[i] = tg_bf16_to_f32(h[i]);
}

void tg_quantize_bf16(const float *src, void *dst, uint64_t n)
{
    uint16_t *h = dst;
    for (uint64_t i = 0; i < n; i++) h[i] = tg_f32_to_bf16(src[i]);
}

/* ---- 32-element blocks ---- */

void tg_dequantize_q4_0(const void *src, float *y, uint64_t n)
{
    const blk_q4_0 *b = src;
    for (uint64_t i = 0; i < n / QK4_0; i++, y += QK4_0) {
        const float d = H2F(b[i].d);
        for (int j = 0; j < QK4_0 / 2; j++) {
            y[j] = (float)((b[i].qs[j] & 0x0F) - 8) * d;
            y[j + QK4_0 / 2] = (float)((b[i].qs[j] >> 4) - 8) * d;
        }
    }
}

void tg_quantize_q4_0(const float *x, void *dst, uint64_t n)
{
    blk_q4_0 *y = dst;
    for (uint64_t i = 0; i < n / QK4_0; i++, x += QK4_0) {
        float amax = 0.0f, max = 0.0f;   /* max keeps the sign of the largest magnitude */
        for (int j = 0; j < QK4_0; j++)
            if (amax < fabsf(x[j])) { amax = fabsf(x[j]); max = x[j]; }
        const float d = max / -8;
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = F2H(d);
        for (int j = 0; j < QK4_0 / 2; j++) {
            const float x0 = x[j] * id, x1 = x[QK4_0 / 2 + j] * id;
            const uint8_t xi0 = (uint8_t)MIN(15, (int8_t)(x0 + 8.5f));
            const uint8_t xi1 = (uint8_t)MIN(15, (int8_t)(x1 + 8.5f));
            y[i].qs[j] = (uint8_t)(xi0 | xi1 << 4);
        }
    }
}

void tg_dequantize_q4_1(const void *src, float *y, uint64_t n)
{
    const blk_q4_1 *b = src;
    for (uint64_t i = 0; i < n / QK4_1; i++, y += QK4_1) {
        const float d = H2F(b[i].d), m = H2F(b[i].m);
        for (int j = 0; j < QK4_1 / 2; j++) {
            y[j] = (float)(b[i].qs[j] & 0x0F) * d + m;
            y[j + QK4_1 / 2] = (float)(b[i].qs[j] >> 4) * d + m;
        }
    }
}

void tg_quantize_q4_1(const float *x, void *dst, uint64_t n)
{
    blk_q4_1 *y = dst;
    for (uint64_t i = 0; i < n / QK4_1; i++, x += QK4_1) {
        float min = INFINITY, max = -INFINITY;
        for (int j = 0; j < QK4_1; j++) {
            if (x[j] < min) min = x[j];
            if (x[j] > max) max = x[j];
        }
        const float d = (max - min) / ((1 << 4) - 1);
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = F2H(d);
        y[i].m = F2H(min);
        for (int j = 0; j < QK4_1 / 2; j++) {
            const float x0 = (x[j] - min) * id, x1 = (x[QK4_1 / 2 + j] - min) * id;
            const uint8_t xi0 = (uint8_t)MIN(15, (int8_t)(x0 + 0.5f));
            const uint8_t xi1 = (uint8_t)MIN(15, (int8_t)(x1 + 0.5f));
            y[i].qs[j] = (uint8_t)(xi0 | xi1 << 4);
        }
    }
}

static uint32_t load_qh(const uint8_t qh[4]) { uint32_t v; memcpy(&v, qh, 4); return v; }

void tg_dequantize_q5_0(const void *src, float *y, uint64_t n)
{
    const blk_q5_0 *b = src;
    for (uint64_t i = 0; i < n / QK5_0; i++, y += QK5_0) {
        const float d = H2F(b[i].d);
        const uint32_t qh = load_qh(b[i].qh);
        for (int j = 0; j < QK5_0 / 2; j++) {
            const uint8_t xh0 = (uint8_t)(((qh >> (j + 0)) << 4) & 0x10);
            const uint8_t xh1 = (uint8_t)((qh >> (j + 12)) & 0x10);
            y[j] = (float)(((b[i].qs[j] & 0x0F) | xh0) - 16) * d;
            y[j + QK5_0 / 2] = (float)(((b[i].qs[j] >> 4) | xh1) - 16) * d;
        }
    }
}

void tg_quantize_q5_0(const float *x, void *dst, uint64_t n)
{
    blk_q5_0 *y = dst;
    for (uint64_t i = 0; i < n / QK5_0; i++, x += QK5_0) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < QK5_0; j++)
            if (amax < fabsf(x[j])) { amax = fabsf(x[j]); max = x[j]; }
        const float d = max / -16;
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = F2H(d);
        uint32_t qh = 0;
        for (int j = 0; j < QK5_0 / 2; j++) {
            const float x0 = x[j] * id, x1 = x[QK5_0 / 2 + j] * id;
            const uint8_t xi0 = (uint8_t)MIN(31, (int8_t)(x0 + 16.5f));
            const uint8_t xi1 = (uint8_t)MIN(31, (int8_t)(x1 + 16.5f));
            y[i].qs[j] = (uint8_t)((xi0 & 0x0F) | (xi1 & 0x0F) << 4);
            qh |= ((xi0 & 0x10u) >> 4) << (j + 0);
            qh |= ((xi1 & 0x10u) >> 4) << (j + QK5_0 / 2);
        }
        memcpy(y[i].qh, &qh, 4);
    }
}

void tg_dequantize_q5_1(const void *src, float *y, uint64_t n)
{
    const blk_q5_1 *b = src;
    for (uint64_t i = 0; i < n / QK5_1; i++, y += QK5_1) {
        const float d = H2F(b[i].d), m = H2F(b[i].m);
        const uint32_t qh = load_qh(b[i].qh);
        for (int j = 0; j < QK5_1 / 2; j++) {
            const uint8_t xh0 = (uint8_t)(((qh >> (j + 0)) << 4) & 0x10);
            const uint8_t xh1 = (uint8_t)((qh >> (j + 12)) & 0x10);
            y[j] = (float)((b[i].qs[j] & 0x0F) | xh0) * d + m;
            y[j + QK5_1 / 2] = (float)((b[i].qs[j] >> 4) | xh1) * d + m;
        }
    }
}

void tg_quantize_q5_1(const float *x, void *dst, uint64_t n)
{
    blk_q5_1 *y = dst;
    for (uint64_t i = 0; i < n / QK5_1; i++, x += QK5_1) {
        float min = INFINITY, max = -INFINITY;
        for (int j = 0; j < QK5_1; j++) {
            if (x[j] < min) min = x[j];
            if (x[j] > max) max = x[j];
        }
        const float d = (max - min) / ((1 << 5) - 1);
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = F2H(d);
        y[i].m = F2H(min);
        uint32_t qh = 0;
        for (int j = 0; j < QK5_1 / 2; j++) {
            const float x0 = (x[j] - min) * id, x1 = (x[QK5_1 / 2 + j] - min) * id;
            const uint8_t xi0 = (uint8_t)(x0 + 0.5f), xi1 = (uint8_t)(x1 + 0.5f);
            y[i].qs[j] = (uint8_t)((xi0 & 0x0F) | (xi1 & 0x0F) << 4);
            qh |= ((xi0 & 0x10u) >> 4) << (j + 0);
            qh |= ((xi1 & 0x10u) >> 4) << (j + QK5_1 / 2);
        }
        memcpy(y[i].qh, &qh, 4);
    }
}

void tg_dequantize_q8_0(const void *src, float *y, uint64_t n)
{
    const blk_q8_0 *b = src;
    for (uint64_t i = 0; i < n / QK8_0; i++, y += QK8_0) {
        const float d = H2F(b[i].d);
        for (int j = 0; j < QK8_0; j++) y[j] = (float)b[i].qs[j] * d;
    }
}

void tg_quantize_q8_0(const float *x, void *dst, uint64_t n)
{
    blk_q8_0 *y = dst;
    for (uint64_t i = 0; i < n / QK8_0; i++, x += QK8_0) {
        float amax = 0.0f;
        for (int j = 0; j < QK8_0; j++) amax = MAX(amax, fabsf(x[j]));
        const float d = amax / ((1 << 7) - 1);
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = F2H(d);
        for (int j = 0; j < QK8_0; j++) y[i].qs[j] = (int8_t)roundf(x[j] * id);
    }
}

/* ---- K-quants (256-element super-blocks) ---- */

/* ggml's make_qkx2_quants: asymmetric (scale, min) fit of n values to 0..nmax with weights,
 * searching nstep scales around the initial one. Returns the scale; *the_min gets -min. */
static float make_qkx2_quants(int n, int nmax, const float *x, const float *weights, uint8_t *L,
                              float *the_min, uint8_t *Laux, float rmin, float rdelta, int nstep)
{
    float min = x[0], max = x[0];
    float sum_w = weights[0], sum_x = sum_w * x[0];
    for (int i = 1; i < n; i++) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        float w = weights[i];
        sum_w += w;
        sum_x += w * x[i];
    }
    if (min > 0) min = 0;
    if (max == min) {
        for (int i = 0; i < n; i++) L[i] = 0;
        *the_min = -min;
        return 0.f;
    }
    float iscale = nmax / (max - min);
    float scale = 1 / iscale;
    float best_error = 0;
    for (int i = 0; i < n; i++) {
        int l = nearest_int(iscale * (x[i] - min));
        L[i] = (uint8_t)MAX(0, MIN(nmax, l));
        float diff = scale * L[i] + min - x[i];
        diff = diff * diff;
        best_error += weights[i] * diff;
    }
    for (int is = 0; is <= nstep; is++) {
        iscale = (rmin + rdelta * is + nmax) / (max - min);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; i++) {
            int l = nearest_int(iscale * (x[i] - min));
            l = MAX(0, MIN(nmax, l));
            Laux[i] = (uint8_t)l;
            float w = weights[i];
            sum_l += w * l;
            sum_l2 += w * l * l;
            sum_xl += w * l * x[i];
        }
        float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D > 0) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
            if (this_min > 0) {
                this_min = 0;
                this_scale = sum_xl / sum_l2;
            }
            float cur_error = 0;
            for (int i = 0; i < n; i++) {
                float diff = this_scale * Laux[i] + this_min - x[i];
                diff = diff * diff;
                cur_error += weights[i] * diff;
            }
            if (cur_error < best_error) {
                for (int i = 0; i < n; i++) L[i] = Laux[i];
                best_error = cur_error;
                scale = this_scale;
                min = this_min;
            }
        }
    }
    *the_min = -min;
    return scale;
}

/* ggml's make_qx_quants with rmse_type 1 and no importance weights: symmetric fit to -nmax..nmax-1
 * weighted by x^2, trying 18 scales around nmax/max. L gets code + nmax. */
static float make_qx_quants(int n, int nmax, const float *x, int8_t *L)
{
    float max = 0, amax = 0;
    for (int i = 0; i < n; i++) {
        float ax = fabsf(x[i]);
        if (ax > amax) { amax = ax; max = x[i]; }
    }
    if (amax < GROUP_MAX_EPS) {
        for (int i = 0; i < n; i++) L[i] = 0;
        return 0.f;
    }
    float iscale = -nmax / max;
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; i++) {
        int l = nearest_int(iscale * x[i]);
        l = MAX(-nmax, MIN(nmax - 1, l));
        L[i] = (int8_t)(l + nmax);
        float w = x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    float scale = suml2 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; is++) {
        if (is == 0) continue;
        iscale = -(nmax + 0.1f * is) / max;
        sumlx = suml2 = 0;
        for (int i = 0; i < n; i++) {
            int l = nearest_int(iscale * x[i]);
            l = MAX(-nmax, MIN(nmax - 1, l));
            float w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; i++) {
                int l = nearest_int(iscale * x[i]);
                L[i] = (int8_t)(nmax + MAX(-nmax, MIN(nmax - 1, l)));
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

/* Shared by Q4_K and Q5_K: fit 8 sub-blocks of 32 to 0..nmax, pack their 6-bit scales and mins into
 * scales[12] with the super-block d/dmin, then requantize x against the rounded scales into L. */
static void quantize_k_scales(const float *x, int nmax, float rmin, int nstep, uint8_t scales_out[12],
                              uint16_t *d_out, uint16_t *dmin_out, uint8_t L[QK_K])
{
    uint8_t Laux[32];
    float weights[32], mins[QK_K / 32], scales[QK_K / 32];
    float max_scale = 0, max_min = 0;   /* mins are subtracted, so scales are never negative */
    for (int j = 0; j < QK_K / 32; j++) {
        float sum_x2 = 0;
        for (int l = 0; l < 32; l++) sum_x2 += x[32 * j + l] * x[32 * j + l];
        float av_x = sqrtf(sum_x2 / 32);
        for (int l = 0; l < 32; l++) weights[l] = av_x + fabsf(x[32 * j + l]);
        scales[j] = make_qkx2_quants(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, rmin,
                                     0.1f, nstep);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    memset(scales_out, 0, K_SCALE_SIZE);
    for (int j = 0; j < QK_K / 32; j++) {
        uint8_t ls = (uint8_t)nearest_int(inv_scale * scales[j]);
        uint8_t lm = (uint8_t)nearest_int(inv_min * mins[j]);
        ls = MIN(63, ls);
        lm = MIN(63, lm);
        if (j < 4) {
            scales_out[j] = ls;
            scales_out[j + 4] = lm;
        } else {
            scales_out[j + 4] = (uint8_t)((ls & 0xF) | (lm & 0xF) << 4);
            scales_out[j - 4] |= (uint8_t)((ls >> 4) << 6);
            scales_out[j - 0] |= (uint8_t)((lm >> 4) << 6);
        }
    }
    *d_out = F2H(max_scale / 63.f);
    *dmin_out = F2H(max_min / 63.f);
    for (int j = 0; j < QK_K / 32; j++) {
        uint8_t sc, m;
        tg_k4_scale_min(j, scales_out, &sc, &m);
        const float d = H2F(*d_out) * sc;
        if (!d) continue;
        const float dm = H2F(*dmin_out) * m;
        for (int ii = 0; ii < 32; ii++) {
            int l = nearest_int((x[32 * j + ii] + dm) / d);
            L[32 * j + ii] = (uint8_t)MAX(0, MIN(nmax, l));
        }
    }
}

void tg_dequantize_q4_K(const void *src, float *y, uint64_t n)
{
    const blk_q4_K *b = src;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        const float d = H2F(b[i].d), min = H2F(b[i].dmin);
        const uint8_t *q = b[i].qs;
        int is = 0;
        for (int j = 0; j < QK_K; j += 64, q += 32, is += 2) {
            uint8_t sc, m;
            tg_k4_scale_min(is + 0, b[i].scales, &sc, &m);
            const float d1 = d * sc, m1 = min * m;
            tg_k4_scale_min(is + 1, b[i].scales, &sc, &m);
            const float d2 = d * sc, m2 = min * m;
            for (int l = 0; l < 32; l++) *y++ = d1 * (q[l] & 0xF) - m1;
            for (int l = 0; l < 32; l++) *y++ = d2 * (q[l] >> 4) - m2;
        }
    }
}

void tg_quantize_q4_K(const float *x, void *dst, uint64_t n)
{
    blk_q4_K *y = dst;
    uint8_t L[QK_K];
    for (uint64_t i = 0; i < n / QK_K; i++, x += QK_K) {
        quantize_k_scales(x, 15, -1.f, 20, y[i].scales, &y[i].d, &y[i].dmin, L);
        uint8_t *q = y[i].qs;
        for (int j = 0; j < QK_K; j += 64, q += 32)
            for (int l = 0; l < 32; l++) q[l] = (uint8_t)(L[j + l] | L[j + l + 32] << 4);
    }
}

void tg_dequantize_q5_K(const void *src, float *y, uint64_t n)
{
    const blk_q5_K *b = src;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        const float d = H2F(b[i].d), min = H2F(b[i].dmin);
        const uint8_t *ql = b[i].qs, *qh = b[i].qh;
        int is = 0;
        uint8_t u1 = 1, u2 = 2;
        for (int j = 0; j < QK_K; j += 64, ql += 32, is += 2, u1 <<= 2, u2 <<= 2) {
            uint8_t sc, m;
            tg_k4_scale_min(is + 0, b[i].scales, &sc, &m);
            const float d1 = d * sc, m1 = min * m;
            tg_k4_scale_min(is + 1, b[i].scales, &sc, &m);
            const float d2 = d * sc, m2 = min * m;
            for (int l = 0; l < 32; l++) *y++ = d1 * ((ql[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
            for (int l = 0; l < 32; l++) *y++ = d2 * ((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
        }
    }
}

void tg_quantize_q5_K(const float *x, void *dst, uint64_t n)
{
    blk_q5_K *y = dst;
    uint8_t L[QK_K];
    for (uint64_t i = 0; i < n / QK_K; i++, x += QK_K) {
        quantize_k_scales(x, 31, -0.5f, 15, y[i].scales, &y[i].d, &y[i].dmin, L);
        uint8_t *qh = y[i].qh, *ql = y[i].qs;
        memset(qh, 0, QK_K / 8);
        uint8_t m1 = 1, m2 = 2;
        for (int n0 = 0; n0 < QK_K; n0 += 64, ql += 32, m1 <<= 2, m2 <<= 2) {
            for (int j = 0; j < 32; j++) {
                int l1 = L[n0 + j];
                if (l1 > 15) { l1 -= 16; qh[j] |= m1; }
                int l2 = L[n0 + j + 32];
                if (l2 > 15) { l2 -= 16; qh[j] |= m2; }
                ql[j] = (uint8_t)(l1 | l2 << 4);
            }
        }
    }
}

void tg_dequantize_q6_K(const void *src, float *y, uint64_t n)
{
    const blk_q6_K *b = src;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        const float d = H2F(b[i].d);
        const uint8_t *ql = b[i].ql, *qh = b[i].qh;
        const int8_t *sc = b[i].scales;
        for (int n0 = 0; n0 < QK_K; n0 += 128, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                const int q1 = (int8_t)((ql[l + 0] & 0xF) | ((qh[l] >> 0) & 3) << 4) - 32;
                const int q2 = (int8_t)((ql[l + 32] & 0xF) | ((qh[l] >> 2) & 3) << 4) - 32;
                const int q3 = (int8_t)((ql[l + 0] >> 4) | ((qh[l] >> 4) & 3) << 4) - 32;
                const int q4 = (int8_t)((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4) - 32;
                y[l + 0] = d * sc[is + 0] * q1;
                y[l + 32] = d * sc[is + 2] * q2;
                y[l + 64] = d * sc[is + 4] * q3;
                y[l + 96] = d * sc[is + 6] * q4;
            }
        }
    }
}

void tg_quantize_q6_K(const float *x, void *dst, uint64_t n)
{
    blk_q6_K *y = dst;
    int8_t L[QK_K];
    float scales[QK_K / 16];
    for (uint64_t i = 0; i < n / QK_K; i++, x += QK_K) {
        float max_scale = 0, max_abs_scale = 0;
        for (int ib = 0; ib < QK_K / 16; ib++) {
            const float scale = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib);
            scales[ib] = scale;
            if (fabsf(scale) > max_abs_scale) {
                max_abs_scale = fabsf(scale);
                max_scale = scale;
            }
        }
        if (max_abs_scale < GROUP_MAX_EPS) {
            memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        float iscale = -128.f / max_scale;
        y[i].d = F2H(1 / iscale);
        for (int ib = 0; ib < QK_K / 16; ib++)
            y[i].scales[ib] = (int8_t)MIN(127, nearest_int(iscale * scales[ib]));
        for (int j = 0; j < QK_K / 16; j++) {
            float d = H2F(y[i].d) * y[i].scales[j];
            if (!d) continue;
            for (int ii = 0; ii < 16; ii++) {
                int l = nearest_int(x[16 * j + ii] / d);
                L[16 * j + ii] = (int8_t)(MAX(-32, MIN(31, l)) + 32);
            }
        }
        uint8_t *ql = y[i].ql, *qh = y[i].qh;
        for (int j = 0; j < QK_K; j += 128, ql += 64, qh += 32) {
            for (int l = 0; l < 32; l++) {
                const uint8_t q1 = L[j + l + 0] & 0xF, q2 = L[j + l + 32] & 0xF;
                const uint8_t q3 = L[j + l + 64] & 0xF, q4 = L[j + l + 96] & 0xF;
                ql[l + 0] = (uint8_t)(q1 | q3 << 4);
                ql[l + 32] = (uint8_t)(q2 | q4 << 4);
                qh[l] = (uint8_t)((L[j + l] >> 4) | (L[j + l + 32] >> 4) << 2 |
                                  (L[j + l + 64] >> 4) << 4 | (L[j + l + 96] >> 4) << 6);
            }
        }
    }
}

void tg_dequantize_q8_K(const void *src, float *y, uint64_t n)
{
    const blk_q8_K *b = src;
    for (uint64_t i = 0; i < n / QK_K; i++, y += QK_K)
        for (int j = 0; j < QK_K; j++) y[j] = b[i].d * b[i].qs[j];
}

void tg_quantize_q8_K(const float *x, void *dst, uint64_t n)
{
    blk_q8_K *y = dst;
    for (uint64_t i = 0; i < n / QK_K; i++, x += QK_K) {
        float max = 0, amax = 0;
        for (int j = 0; j < QK_K; j++)
            if (fabsf(x[j]) > amax) { amax = fabsf(x[j]); max = x[j]; }
        if (!amax) {   /* ggml leaves bsums unset here; zero them so output is deterministic */
            memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        const float iscale = -127.f / max;   /* ggml uses 127, not 128, for its AVX paths */
        for (int j = 0; j < QK_K; j++) y[i].qs[j] = (int8_t)MIN(127, nearest_int(iscale * x[j]));
        for (int j = 0; j < QK_K / 16; j++) {
            int sum = 0;
            for (int ii = 0; ii < 16; ii++) sum += y[i].qs[j * 16 + ii];
            y[i].bsums[j] = (int16_t)sum;
        }
        y[i].d = 1 / iscale;
    }
}
