/* quant_dot_q8_body.h: the integer dot kernels of quant_dot_q8.c, included once per instruction set
 * with TG_Q8_SUFFIX naming the copy and TG_Q8_TARGET its target attribute (empty for portable).
 * Each block is unpacked to int8 codes, then dotted with the int8 activations in fixed-length
 * loops with int32 sums (exact), then scaled in float once per block. */

#define TG_CAT_(a, b) a##b
#define TG_CAT(a, b) TG_CAT_(a, b)
#define FN(name) TG_CAT(name, TG_Q8_SUFFIX)

/* sum a[i] * b[i] for i < n (n a multiple of 16), exact in int32 for the sizes used here. */
TG_Q8_TARGET static inline int32_t FN(idot)(const int8_t *a, const int8_t *b, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++) s += (int16_t)a[i] * (int16_t)b[i];
    return s;
}

TG_Q8_TARGET static inline int32_t FN(isum)(const int8_t *a, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++) s += a[i];
    return s;
}

TG_Q8_TARGET static float FN(dot_q4_0_q8_0)(const void *w, const void *xq, uint64_t n)
{
    const blk_q4_0 *b = w;
    const blk_q8_0 *y = xq;
    int8_t c[32];
    float sum = 0;
    for (uint64_t i = 0; i < n / 32; i++) {
        for (int j = 0; j < 16; j++) {
            c[j] = (int8_t)((b[i].qs[j] & 0xF) - 8);
            c[j + 16] = (int8_t)((b[i].qs[j] >> 4) - 8);
        }
        sum += H2F(b[i].d) * H2F(y[i].d) * (float)FN(idot)(c, y[i].qs, 32);
    }
    return sum;
}

TG_Q8_TARGET static float FN(dot_q4_1_q8_0)(const void *w, const void *xq, uint64_t n)
{
    const blk_q4_1 *b = w;
    const blk_q8_0 *y = xq;
    int8_t c[32];
    float sum = 0;
    for (uint64_t i = 0; i < n / 32; i++) {
        for (int j = 0; j < 16; j++) {
            c[j] = (int8_t)(b[i].qs[j] & 0xF);
            c[j + 16] = (int8_t)(b[i].qs[j] >> 4);
        }
        const float dy = H2F(y[i].d);
        sum += H2F(b[i].d) * dy * (float)FN(idot)(c, y[i].qs, 32) +
               H2F(b[i].m) * dy * (float)FN(isum)(y[i].qs, 32);
    }
    return sum;
}

TG_Q8_TARGET static float FN(dot_q5_0_q8_0)(const void *w, const void *xq, uint64_t n)
{
    const blk_q5_0 *b = w;
    const blk_q8_0 *y = xq;
    int8_t c[32];
    float sum = 0;
    for (uint64_t i = 0; i < n / 32; i++) {
        uint32_t qh;
        memcpy(&qh, b[i].qh, 4);
        for (int j = 0; j < 16; j++) {
            c[j] = (int8_t)(((b[i].qs[j] & 0xF) | ((qh >> j) & 1) << 4) - 16);
            c[j + 16] = (int8_t)(((b[i].qs[j] >> 4) | ((qh >> (j + 16)) & 1) << 4) - 16);
        }
        sum += H2F(b[i].d) * H2F(y[i].d) * (float)FN(idot)(c, y[i].qs, 32);
    }
    return sum;
}

TG_Q8_TARGET static float FN(dot_q5_1_q8_0)(const void *w, const void *xq, uint64_t n)
{
    const blk_q5_1 *b = w;
    const blk_q8_0 *y = xq;
    int8_t c[32];
    float sum = 0;
    for (uint64_t i = 0; i < n / 32; i++) {
        uint32_t qh;
        memcpy(&qh, b[i].qh, 4);
        for (int j = 0; j < 16; j++) {
            c[j] = (int8_t)((b[i].qs[j] & 0xF) | ((qh >> j) & 1) << 4);
            c[j + 16] = (int8_t)((b[i].qs[j] >> 4) | ((qh >> (j + 16)) & 1) << 4);
        }
        const float dy = H2F(y[i].d);
        sum += H2F(b[i].d) * dy * (float)FN(idot)(c, y[i].qs, 32) +
               H2F(b[i].m) * dy * (float)FN(isum)(y[i].qs, 32);
    }
    return sum;
}

TG_Q8_TARGET static float FN(dot_q8_0_q8_0)(const void *w, const void *xq, uint64_t n)
{
    const blk_q8_0 *b = w;
    const blk_q8_0 *y = xq;
    float sum = 0;
    for (uint64_t i = 0; i < n / 32; i++)
        sum += H2F(b[i].d) * H2F(y[i].d) * (float)FN(idot)(b[i].qs, y[i].qs, 32);
    return sum;
}

/* Q4_K / Q5_K: sum_j sc_j * dot(codes_j, y_j) and sum_j m_j * sum(y_j) over 8 sub-blocks of 32;
 * the y sums come from Q8_K's bsums (sums of 16). */
TG_Q8_TARGET static float FN(dot_q4_K_q8_K)(const void *w, const void *xq, uint64_t n)
{
    const blk_q4_K *b = w;
    const blk_q8_K *y = xq;
    int8_t c[QK_K];
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        const uint8_t *q = b[i].qs;
        for (int j = 0; j < QK_K; j += 64, q += 32)
            for (int l = 0; l < 32; l++) {
                c[j + l] = (int8_t)(q[l] & 0xF);
                c[j + l + 32] = (int8_t)(q[l] >> 4);
            }
        int32_t si = 0, mi = 0;
        for (int j = 0; j < 8; j++) {
            uint8_t sc, m;
            tg_k4_scale_min(j, b[i].scales, &sc, &m);
            si += sc * FN(idot)(c + 32 * j, y[i].qs + 32 * j, 32);
            mi += m * (y[i].bsums[2 * j] + y[i].bsums[2 * j + 1]);
        }
        sum += y[i].d * (H2F(b[i].d) * (float)si - H2F(b[i].dmin) * (float)mi);
    }
    return sum;
}

TG_Q8_TARGET static float FN(dot_q5_K_q8_K)(const void *w, const void *xq, uint64_t n)
{
    const blk_q5_K *b = w;
    const blk_q8_K *y = xq;
    int8_t c[QK_K];
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        const uint8_t *ql = b[i].qs, *qh = b[i].qh;
        for (int j = 0, sh = 0; j < QK_K; j += 64, ql += 32, sh += 2)
            for (int l = 0; l < 32; l++) {
                c[j + l] = (int8_t)((ql[l] & 0xF) | ((qh[l] >> sh) & 1) << 4);
                c[j + l + 32] = (int8_t)((ql[l] >> 4) | ((qh[l] >> (sh + 1)) & 1) << 4);
            }
        int32_t si = 0, mi = 0;
        for (int j = 0; j < 8; j++) {
            uint8_t sc, m;
            tg_k4_scale_min(j, b[i].scales, &sc, &m);
            si += sc * FN(idot)(c + 32 * j, y[i].qs + 32 * j, 32);
            mi += m * (y[i].bsums[2 * j] + y[i].bsums[2 * j + 1]);
        }
        sum += y[i].d * (H2F(b[i].d) * (float)si - H2F(b[i].dmin) * (float)mi);
    }
    return sum;
}

TG_Q8_TARGET static float FN(dot_q6_K_q8_K)(const void *w, const void *xq, uint64_t n)
{
    const blk_q6_K *b = w;
    const blk_q8_K *y = xq;
    int8_t c[QK_K];
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        const uint8_t *ql = b[i].ql, *qh = b[i].qh;
        for (int j = 0; j < QK_K; j += 128, ql += 64, qh += 32)
            for (int l = 0; l < 32; l++) {
                c[j + l + 0] = (int8_t)(((ql[l] & 0xF) | ((qh[l] >> 0) & 3) << 4) - 32);
                c[j + l + 32] = (int8_t)(((ql[l + 32] & 0xF) | ((qh[l] >> 2) & 3) << 4) - 32);
                c[j + l + 64] = (int8_t)(((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4) - 32);
                c[j + l + 96] = (int8_t)(((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4) - 32);
            }
        int32_t si = 0;
        for (int j = 0; j < 16; j++) si += b[i].scales[j] * FN(idot)(c + 16 * j, y[i].qs + 16 * j, 16);
        sum += H2F(b[i].d) * y[i].d * (float)si;
    }
    return sum;
}

TG_Q8_TARGET static float FN(dot_q8_K_q8_K)(const void *w, const void *xq, uint64_t n)
{
    const blk_q8_K *b = w;
    const blk_q8_K *y = xq;
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++)
        sum += b[i].d * y[i].d * (float)FN(idot)(b[i].qs, y[i].qs, QK_K);
    return sum;
}

#undef FN
#undef TG_CAT
#undef TG_CAT_
