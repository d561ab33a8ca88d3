/* quant_dot_q8.c: integer dot products against activations quantized to 8 bits, as llama.cpp's CPU
 * backend computes them: x is quantized once per matrix-vector product to the weight type's
 * vec_dot_type (Q8_0 for the 32-element types, Q8_K for the K-quants), and each block's dot is an
 * exact int32 sum of int8 x int8 products, scaled once per block. This file holds the portable
 * kernels (plain fixed-length integer loops) and the dispatch; quant_dot_avx2.c holds AVX2 kernels
 * chosen at run time. Both compute the same integers and the same float steps, so the same bits. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#ifdef __x86_64__
#include <cpuid.h>
#endif

#include "runtime/quant.h"
#include "runtime/quant_blocks.h"
#include "runtime/quant_internal.h"

#define H2F tg_h2f

/* ---- portable kernels ----
 * The 32-element types keep 2 x 8 float partial sums: block i goes to set i % 2, and lane j of a set
 * takes elements 4j..4j+3 of the block: acc[i % 2][j] += (float)(int dot of those 4) * (d_w * d_x).
 * This is exactly what the AVX2 kernels do with two 8-lane registers (two chains hide the add
 * latency), and reduce2x8 is their final add, so both paths give the same bits. */

static inline float reduce2x8(float acc[2][8])
{
    float a[8];
    for (int j = 0; j < 8; j++) a[j] = acc[0][j] + acc[1][j];
    return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
}

/* Lane sums of c . y over one 32-element block: products first (a loop compilers vectorize). */
static inline void lanes32(const int8_t *c, const int8_t *y, int32_t p[8])
{
    int16_t prod[32];
    for (int i = 0; i < 32; i++) prod[i] = (int16_t)(c[i] * y[i]);
    for (int j = 0; j < 8; j++) p[j] = prod[4 * j] + prod[4 * j + 1] + prod[4 * j + 2] + prod[4 * j + 3];
}

static inline void lanes32_sum(const int8_t *y, int32_t p[8])
{
    for (int j = 0; j < 8; j++) p[j] = y[4 * j] + y[4 * j + 1] + y[4 * j + 2] + y[4 * j + 3];
}

/* sum a[i] * b[i] for i < n, exact in int32 for the sizes used here (K-quant sub-blocks). */
static inline int32_t idot(const int8_t *a, const int8_t *b, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++) s += (int16_t)a[i] * (int16_t)b[i];
    return s;
}

/* Codes of one 32-element block as int8, element order. */
static inline void codes_q4(const uint8_t *qs, int off, int8_t c[32])
{
    for (int j = 0; j < 16; j++) {
        c[j] = (int8_t)((qs[j] & 0xF) - off);
        c[j + 16] = (int8_t)((qs[j] >> 4) - off);
    }
}

static inline void codes_q5(const uint8_t *qs, const uint8_t qh4[4], int off, int8_t c[32])
{
    uint8_t hb[32];   /* 16 where the code's 5th bit is set: bit t of qh byte k is code 8k + t */
    for (int k = 0; k < 4; k++)
        for (int t = 0; t < 8; t++) hb[8 * k + t] = (uint8_t)((qh4[k] >> t & 1) << 4);
    for (int j = 0; j < 16; j++) {
        c[j] = (int8_t)(((qs[j] & 0xF) | hb[j]) - off);
        c[j + 16] = (int8_t)(((qs[j] >> 4) | hb[j + 16]) - off);
    }
}

/* One block of a symmetric type (q4_0, q5_0, q8_0) into the lanes. */
static inline void acc_sym(float acc[8], const int8_t *c, const blk_q8_0 *y, float dw)
{
    int32_t p[8];
    lanes32(c, y->qs, p);
    const float dd = dw * H2F(y->d);
    for (int j = 0; j < 8; j++) acc[j] += (float)p[j] * dd;
}

/* One block of an offset type (q4_1, q5_1): codes * d + m. */
static inline void acc_min(float acc[8], const int8_t *c, const blk_q8_0 *y, float dw, float mw)
{
    int32_t p[8], ys[8];
    lanes32(c, y->qs, p);
    lanes32_sum(y->qs, ys);
    const float dy = H2F(y->d), dd = dw * dy, md = mw * dy;
    for (int j = 0; j < 8; j++) acc[j] += (float)p[j] * dd + (float)ys[j] * md;
}

static float dot_q4_0_q8_0_portable(const void *w, const void *xq, uint64_t n)
{
    const blk_q4_0 *b = w;
    const blk_q8_0 *y = xq;
    float acc[2][8] = { { 0 } };
    int8_t c[32];
    for (uint64_t i = 0; i < n / 32; i++) {
        TG_PREFETCH(&b[i]);
        codes_q4(b[i].qs, 8, c);
        acc_sym(acc[i & 1], c, &y[i], H2F(b[i].d));
    }
    return reduce2x8(acc);
}

static float dot_q4_1_q8_0_portable(const void *w, const void *xq, uint64_t n)
{
    const blk_q4_1 *b = w;
    const blk_q8_0 *y = xq;
    float acc[2][8] = { { 0 } };
    int8_t c[32];
    for (uint64_t i = 0; i < n / 32; i++) {
        TG_PREFETCH(&b[i]);
        codes_q4(b[i].qs, 0, c);
        acc_min(acc[i & 1], c, &y[i], H2F(b[i].d), H2F(b[i].m));
    }
    return reduce2x8(acc);
}

static float dot_q5_0_q8_0_portable(const void *w, const void *xq, uint64_t n)
{
    const blk_q5_0 *b = w;
    const blk_q8_0 *y = xq;
    float acc[2][8] = { { 0 } };
    int8_t c[32];
    for (uint64_t i = 0; i < n / 32; i++) {
        TG_PREFETCH(&b[i]);
        codes_q5(b[i].qs, b[i].qh, 16, c);
        acc_sym(acc[i & 1], c, &y[i], H2F(b[i].d));
    }
    return reduce2x8(acc);
}

static float dot_q5_1_q8_0_portable(const void *w, const void *xq, uint64_t n)
{
    const blk_q5_1 *b = w;
    const blk_q8_0 *y = xq;
    float acc[2][8] = { { 0 } };
    int8_t c[32];
    for (uint64_t i = 0; i < n / 32; i++) {
        TG_PREFETCH(&b[i]);
        codes_q5(b[i].qs, b[i].qh, 0, c);
        acc_min(acc[i & 1], c, &y[i], H2F(b[i].d), H2F(b[i].m));
    }
    return reduce2x8(acc);
}

static float dot_q8_0_q8_0_portable(const void *w, const void *xq, uint64_t n)
{
    const blk_q8_0 *b = w;
    const blk_q8_0 *y = xq;
    float acc[2][8] = { { 0 } };
    for (uint64_t i = 0; i < n / 32; i++) {
        TG_PREFETCH(&b[i]);
        acc_sym(acc[i & 1], b[i].qs, &y[i], H2F(b[i].d));
    }
    return reduce2x8(acc);
}

/* Q4_K / Q5_K: sum_j sc_j * dot(codes_j, y_j) and sum_j m_j * sum(y_j) over 8 sub-blocks of 32;
 * the y sums come from Q8_K's bsums (sums of 16). */
static float dot_q4_K_q8_K_portable(const void *w, const void *xq, uint64_t n)
{
    const blk_q4_K *b = w;
    const blk_q8_K *y = xq;
    int8_t c[QK_K];
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        TG_PREFETCH_BLOCK(&b[i], sizeof b[i]);
        const uint8_t *q = b[i].qs;
        for (int j = 0; j < QK_K; j += 64, q += 32)
            for (int l = 0; l < 32; l++) {
                c[j + l] = (int8_t)(q[l] & 0xF);
                c[j + l + 32] = (int8_t)(q[l] >> 4);
            }
        uint8_t sc[8], m[8];
        tg_k4_unpack(b[i].scales, sc, m);
        int32_t si = 0, mi = 0;
        for (int j = 0; j < 8; j++) {
            si += sc[j] * idot(c + 32 * j, y[i].qs + 32 * j, 32);
            mi += m[j] * (y[i].bsums[2 * j] + y[i].bsums[2 * j + 1]);
        }
        sum += y[i].d * (H2F(b[i].d) * (float)si - H2F(b[i].dmin) * (float)mi);
    }
    return sum;
}

static float dot_q5_K_q8_K_portable(const void *w, const void *xq, uint64_t n)
{
    const blk_q5_K *b = w;
    const blk_q8_K *y = xq;
    int8_t c[QK_K];
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        TG_PREFETCH_BLOCK(&b[i], sizeof b[i]);
        const uint8_t *ql = b[i].qs, *qh = b[i].qh;
        for (int j = 0, sh = 0; j < QK_K; j += 64, ql += 32, sh += 2)
            for (int l = 0; l < 32; l++) {
                c[j + l] = (int8_t)((ql[l] & 0xF) | ((qh[l] >> sh) & 1) << 4);
                c[j + l + 32] = (int8_t)((ql[l] >> 4) | ((qh[l] >> (sh + 1)) & 1) << 4);
            }
        uint8_t sc[8], m[8];
        tg_k4_unpack(b[i].scales, sc, m);
        int32_t si = 0, mi = 0;
        for (int j = 0; j < 8; j++) {
            si += sc[j] * idot(c + 32 * j, y[i].qs + 32 * j, 32);
            mi += m[j] * (y[i].bsums[2 * j] + y[i].bsums[2 * j + 1]);
        }
        sum += y[i].d * (H2F(b[i].d) * (float)si - H2F(b[i].dmin) * (float)mi);
    }
    return sum;
}

static float dot_q6_K_q8_K_portable(const void *w, const void *xq, uint64_t n)
{
    const blk_q6_K *b = w;
    const blk_q8_K *y = xq;
    int8_t c[QK_K];
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        TG_PREFETCH_BLOCK(&b[i], sizeof b[i]);
        const uint8_t *ql = b[i].ql, *qh = b[i].qh;
        for (int j = 0; j < QK_K; j += 128, ql += 64, qh += 32)
            for (int l = 0; l < 32; l++) {
                c[j + l + 0] = (int8_t)(((ql[l] & 0xF) | ((qh[l] >> 0) & 3) << 4) - 32);
                c[j + l + 32] = (int8_t)(((ql[l + 32] & 0xF) | ((qh[l] >> 2) & 3) << 4) - 32);
                c[j + l + 64] = (int8_t)(((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4) - 32);
                c[j + l + 96] = (int8_t)(((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4) - 32);
            }
        int32_t si = 0;
        for (int j = 0; j < 16; j++) si += b[i].scales[j] * idot(c + 16 * j, y[i].qs + 16 * j, 16);
        sum += H2F(b[i].d) * y[i].d * (float)si;
    }
    return sum;
}

static float dot_q8_K_q8_K_portable(const void *w, const void *xq, uint64_t n)
{
    const blk_q8_K *b = w;
    const blk_q8_K *y = xq;
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        TG_PREFETCH_BLOCK(&b[i], sizeof b[i]);
        sum += b[i].d * y[i].d * (float)idot(b[i].qs, y[i].qs, QK_K);
    }
    return sum;
}


typedef float (*dot_q8_fn)(const void *w, const void *xq, uint64_t n);

typedef struct q8_kernels { dot_q8_fn fn[TG_TYPE_COUNT]; } q8_kernels;

static const q8_kernels portable = { {
    [TG_TYPE_Q4_0] = dot_q4_0_q8_0_portable, [TG_TYPE_Q4_1] = dot_q4_1_q8_0_portable,
    [TG_TYPE_Q5_0] = dot_q5_0_q8_0_portable, [TG_TYPE_Q5_1] = dot_q5_1_q8_0_portable,
    [TG_TYPE_Q8_0] = dot_q8_0_q8_0_portable, [TG_TYPE_Q4_K] = dot_q4_K_q8_K_portable,
    [TG_TYPE_Q5_K] = dot_q5_K_q8_K_portable, [TG_TYPE_Q6_K] = dot_q6_K_q8_K_portable,
    [TG_TYPE_Q8_K] = dot_q8_K_q8_K_portable } };
#ifdef TG_HAVE_AVX2_PATH
static const q8_kernels avx2 = { {
    [TG_TYPE_Q4_0] = tg_dot_q4_0_q8_0_avx2, [TG_TYPE_Q4_1] = tg_dot_q4_1_q8_0_avx2,
    [TG_TYPE_Q5_0] = tg_dot_q5_0_q8_0_avx2, [TG_TYPE_Q5_1] = tg_dot_q5_1_q8_0_avx2,
    [TG_TYPE_Q8_0] = tg_dot_q8_0_q8_0_avx2, [TG_TYPE_Q4_K] = tg_dot_q4_K_q8_K_avx2,
    [TG_TYPE_Q5_K] = tg_dot_q5_K_q8_K_avx2, [TG_TYPE_Q6_K] = tg_dot_q6_K_q8_K_avx2,
    [TG_TYPE_Q8_K] = tg_dot_q8_K_q8_K_avx2 } };
#endif

/* Atomics because matvec workers on several threads read these while the first call sets them. */
static _Atomic int isa_override = -1;   /* -1: auto; 0: portable; 1: avx2 (tests pin each) */

/* AVX2 + FMA + F16C, asked of the CPU once (cpuid leaf 1 ECX bit 29 is F16C; clang's
 * __builtin_cpu_supports does not know "f16c"). */
static bool cpu_has_avx2(void)
{
#ifdef TG_HAVE_AVX2_PATH
    static _Atomic int have = -1;
    if (have < 0) {
        unsigned a, b, c, d;
        bool f16c = __get_cpuid(1, &a, &b, &c, &d) && (c >> 29 & 1);
        have = f16c && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return have;
#else
    return false;
#endif
}

int tg_dot_set_isa(int isa)
{
    if (isa == 1 && !cpu_has_avx2()) return -1;
    isa_override = isa;
    return 0;
}

bool tg_dot_use_avx2(void) { return isa_override == 1 || (isa_override < 0 && cpu_has_avx2()); }

static const q8_kernels *kernels(void)
{
#ifdef TG_HAVE_AVX2_PATH
    if (tg_dot_use_avx2()) return &avx2;
#endif
    return &portable;
}

const char *tg_dot_isa(void) { return kernels() == &portable ? "portable" : "avx2"; }

uint32_t tg_vec_dot_type(uint32_t type)
{
    switch (type) {
    case TG_TYPE_Q4_0: case TG_TYPE_Q4_1: case TG_TYPE_Q5_0: case TG_TYPE_Q5_1: case TG_TYPE_Q8_0:
        return TG_TYPE_Q8_0;
    case TG_TYPE_Q4_K: case TG_TYPE_Q5_K: case TG_TYPE_Q6_K: case TG_TYPE_Q8_K:
        return TG_TYPE_Q8_K;
    default:
        return TG_TYPE_F32;
    }
}

float tg_dot_q8(uint32_t type, const void *w, const void *xq, uint64_t n)
{
    dot_q8_fn f = type < TG_TYPE_COUNT ? kernels()->fn[type] : NULL;
    if (f) return f(w, xq, n);
    return tg_dot(type, w, (const float *)xq, n);   /* f32 / f16 / bf16 take x as f32 */
}

int tg_matvec(uint32_t type, const void *w, uint64_t rows, const float *x, float *y, uint64_t n)
{
    const tg_type_traits *t = tg_type_get(type);
    if (!t || !t->supported || n % t->block_elems) return -1;
    uint32_t vt = tg_vec_dot_type(type);
    size_t row = tg_type_row_bytes(type, n);
    const void *xq = x;
    void *buf = NULL;
    if (vt != TG_TYPE_F32) {
        if (!(buf = malloc(tg_type_row_bytes(vt, n) + 1))) return -1;
        tg_quantize(vt, x, buf, n);
        xq = buf;
    }
    for (uint64_t r = 0; r < rows; r++) y[r] = tg_dot_q8(type, (const uint8_t *)w + r * row, xq, n);
    free(buf);
    return 0;
}
