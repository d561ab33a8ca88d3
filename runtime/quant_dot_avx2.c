/* quant_dot_avx2.c: AVX2 versions of the integer dot kernels in quant_dot_q8.c. Each function is
 * compiled for AVX2 by a target attribute (the rest of the tree stays baseline x86-64) and is only
 * called after a run-time CPU check (AVX2, FMA, F16C). They compute the same exact int32 sums as the
 * portable kernels (maddubs pairs never saturate for these code ranges) and then the same float
 * steps in the same order (8 lanes for the 32-element types, one sum per super-block for the
 * K-quants; multiplies and adds kept separate, no FMA), so the two paths agree bit for bit. */
#include "runtime/quant_internal.h"

#ifdef TG_HAVE_AVX2_PATH
#include <immintrin.h>

#include "runtime/quant.h"
#include "runtime/quant_blocks.h"

#define AVX2 __attribute__((target("avx2,fma,f16c")))
#define H2F(h) _cvtsh_ss(h)   /* exact, as tg_h2f (NaN payloads aside) */

AVX2 static inline int32_t hsum_i32(__m256i v)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

/* Unsigned x (0..127) times signed y, pairwise into 16 x i16, then into 8 x i32. */
AVX2 static inline __m256i dot_u8s8(__m256i x, __m256i y)
{
    return _mm256_madd_epi16(_mm256_maddubs_epi16(x, y), _mm256_set1_epi16(1));
}

/* Signed x signed: move x's sign onto y so maddubs sees |x| (y is never -128: our Q8 quantizers
 * stop at -127). */
AVX2 static inline __m256i dot_s8s8(__m256i x, __m256i y)
{
    return dot_u8s8(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}

AVX2 static inline __m256i load256(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }

/* 16 bytes of packed nibbles -> 32 bytes: low nibbles (elements 0..15) then high (16..31). */
AVX2 static inline __m256i nibbles32(const uint8_t *qs)
{
    const __m128i q = _mm_loadu_si128((const __m128i *)qs), m4 = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), m4), _mm_and_si128(q, m4));
}

/* The 32 bits of a Q5 qh word -> 32 bytes of 0x10 (bit set) or 0. */
AVX2 static inline __m256i high_bits32(const uint8_t qh[4])
{
    uint32_t v;
    memcpy(&v, qh, 4);
    const __m256i shuf = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202,
                                           0x0101010101010101, 0x0000000000000000);
    __m256i b = _mm256_shuffle_epi8(_mm256_set1_epi32((int)v), shuf);   /* byte i = qh byte i/8 */
    b = _mm256_or_si256(b, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));     /* all ones iff bit i%8 */
    return _mm256_and_si256(_mm256_cmpeq_epi8(b, _mm256_set1_epi64x(-1)), _mm256_set1_epi8(0x10));
}

/* (a + b) then the horizontal sum, in the order of the portable reduce2x8. */
AVX2 static inline float hsum2_ps(__m256 a, __m256 b)
{
    __m256 v = _mm256_add_ps(a, b);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

/* acc += lanes(c . y) * (dw * dy), as the portable acc_sym. */
AVX2 static inline __m256 acc_sym(__m256 acc, __m256i c, const blk_q8_0 *y, float dw)
{
    __m256i p = dot_s8s8(c, load256(y->qs));
    const float dd = dw * H2F(y->d);
    return _mm256_add_ps(acc, _mm256_mul_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(dd)));
}

/* acc += lanes(c . y) * (dw * dy) + lanes(sum y) * (mw * dy), as the portable acc_min. */
AVX2 static inline __m256 acc_min(__m256 acc, __m256i c, const blk_q8_0 *y, float dw, float mw)
{
    __m256i yv = load256(y->qs);
    __m256i p = dot_u8s8(c, yv), ys = dot_u8s8(_mm256_set1_epi8(1), yv);
    const float dy = H2F(y->d), dd = dw * dy, md = mw * dy;
    __m256 t = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(dd)),
                             _mm256_mul_ps(_mm256_cvtepi32_ps(ys), _mm256_set1_ps(md)));
    return _mm256_add_ps(acc, t);
}

AVX2 float tg_dot_q4_0_q8_0_avx2(const void *w, const void *xq, uint64_t n)
{
    const blk_q4_0 *b = w;
    const blk_q8_0 *y = xq;
    __m256 acc[2] = { _mm256_setzero_ps(), _mm256_setzero_ps() };
    for (uint64_t i = 0; i < n / 32; i++) {
        TG_PREFETCH(&b[i]);
        acc[i & 1] = acc_sym(acc[i & 1], _mm256_sub_epi8(nibbles32(b[i].qs), _mm256_set1_epi8(8)), &y[i], H2F(b[i].d));
    }
    return hsum2_ps(acc[0], acc[1]);
}

AVX2 float tg_dot_q4_1_q8_0_avx2(const void *w, const void *xq, uint64_t n)
{
    const blk_q4_1 *b = w;
    const blk_q8_0 *y = xq;
    __m256 acc[2] = { _mm256_setzero_ps(), _mm256_setzero_ps() };
    for (uint64_t i = 0; i < n / 32; i++) {
        TG_PREFETCH(&b[i]);
        acc[i & 1] = acc_min(acc[i & 1], nibbles32(b[i].qs), &y[i], H2F(b[i].d), H2F(b[i].m));
    }
    return hsum2_ps(acc[0], acc[1]);
}

AVX2 float tg_dot_q5_0_q8_0_avx2(const void *w, const void *xq, uint64_t n)
{
    const blk_q5_0 *b = w;
    const blk_q8_0 *y = xq;
    __m256 acc[2] = { _mm256_setzero_ps(), _mm256_setzero_ps() };
    for (uint64_t i = 0; i < n / 32; i++) {
        TG_PREFETCH(&b[i]);
        __m256i c = _mm256_or_si256(nibbles32(b[i].qs), high_bits32(b[i].qh));
        acc[i & 1] = acc_sym(acc[i & 1], _mm256_sub_epi8(c, _mm256_set1_epi8(16)), &y[i], H2F(b[i].d));
    }
    return hsum2_ps(acc[0], acc[1]);
}

AVX2 float tg_dot_q5_1_q8_0_avx2(const void *w, const void *xq, uint64_t n)
{
    const blk_q5_1 *b = w;
    const blk_q8_0 *y = xq;
    __m256 acc[2] = { _mm256_setzero_ps(), _mm256_setzero_ps() };
    for (uint64_t i = 0; i < n / 32; i++) {
        TG_PREFETCH(&b[i]);
        __m256i c = _mm256_or_si256(nibbles32(b[i].qs), high_bits32(b[i].qh));
        acc[i & 1] = acc_min(acc[i & 1], c, &y[i], H2F(b[i].d), H2F(b[i].m));
    }
    return hsum2_ps(acc[0], acc[1]);
}

AVX2 float tg_dot_q8_0_q8_0_avx2(const void *w, const void *xq, uint64_t n)
{
    const blk_q8_0 *b = w;
    const blk_q8_0 *y = xq;
    __m256 acc[2] = { _mm256_setzero_ps(), _mm256_setzero_ps() };
    for (uint64_t i = 0; i < n / 32; i++) {
        TG_PREFETCH(&b[i]);
        acc[i & 1] = acc_sym(acc[i & 1], load256(b[i].qs), &y[i], H2F(b[i].d));
    }
    return hsum2_ps(acc[0], acc[1]);
}

/* Unpacks the 8 scales into sc and returns sum_j m_j * (sum of y over sub-block j), the sums
 * coming from Q8_K's bsums (pairs of 16). Same integer as the portable loop. */
AVX2 static inline int32_t k_mins(const uint8_t *scales, const int16_t *bsums, uint8_t sc[8])
{
    uint8_t m[8];
    tg_k4_unpack(scales, sc, m);
    __m128i bs = _mm_hadd_epi16(_mm_loadu_si128((const __m128i *)bsums),
                                _mm_loadu_si128((const __m128i *)(bsums + 8)));   /* 8 pair sums */
    __m128i mv = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)m));
    __m128i p = _mm_madd_epi16(bs, mv);
    p = _mm_add_epi32(p, _mm_shuffle_epi32(p, _MM_SHUFFLE(1, 0, 3, 2)));
    p = _mm_add_epi32(p, _mm_shuffle_epi32(p, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(p);
}

AVX2 float tg_dot_q4_K_q8_K_avx2(const void *w, const void *xq, uint64_t n)
{
    const blk_q4_K *b = w;
    const blk_q8_K *y = xq;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        TG_PREFETCH_BLOCK(&b[i], sizeof b[i]);
        uint8_t sc[8];
        int32_t mi = k_mins(b[i].scales, y[i].bsums, sc);
        __m256i acc = _mm256_setzero_si256();
        for (int k = 0; k < 4; k++) {   /* 64 elements: sub-blocks 2k (low nibbles), 2k+1 (high) */
            __m256i q = load256(b[i].qs + 32 * k);
            __m256i lo = _mm256_and_si256(q, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
            __m256i plo = _mm256_maddubs_epi16(lo, load256(y[i].qs + 64 * k));
            __m256i phi = _mm256_maddubs_epi16(hi, load256(y[i].qs + 64 * k + 32));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(plo, _mm256_set1_epi16(sc[2 * k])));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(phi, _mm256_set1_epi16(sc[2 * k + 1])));
        }
        int32_t si = hsum_i32(acc);
        sum += y[i].d * (H2F(b[i].d) * (float)si - H2F(b[i].dmin) * (float)mi);
    }
    return sum;
}

AVX2 float tg_dot_q5_K_q8_K_avx2(const void *w, const void *xq, uint64_t n)
{
    const blk_q5_K *b = w;
    const blk_q8_K *y = xq;
    const __m256i m4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        TG_PREFETCH_BLOCK(&b[i], sizeof b[i]);
        uint8_t sc[8];
        int32_t mi = k_mins(b[i].scales, y[i].bsums, sc);
        __m256i acc = _mm256_setzero_si256();
        __m256i hb = load256(b[i].qh);   /* bit 2k / 2k+1 of each byte: 5th bit of sub-block 2k / 2k+1 */
        for (int k = 0; k < 4; k++) {
            __m256i q = load256(b[i].qs + 32 * k);
            __m256i hlo = _mm256_slli_epi16(_mm256_and_si256(hb, one), 4);
            __m256i hhi = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 1), one), 4);
            hb = _mm256_srli_epi16(hb, 2);
            __m256i lo = _mm256_or_si256(_mm256_and_si256(q, m4), hlo);
            __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), m4), hhi);
            __m256i plo = _mm256_maddubs_epi16(lo, load256(y[i].qs + 64 * k));
            __m256i phi = _mm256_maddubs_epi16(hi, load256(y[i].qs + 64 * k + 32));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(plo, _mm256_set1_epi16(sc[2 * k])));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(phi, _mm256_set1_epi16(sc[2 * k + 1])));
        }
        int32_t si = hsum_i32(acc);
        sum += y[i].d * (H2F(b[i].d) * (float)si - H2F(b[i].dmin) * (float)mi);
    }
    return sum;
}

AVX2 float tg_dot_q6_K_q8_K_avx2(const void *w, const void *xq, uint64_t n)
{
    const blk_q6_K *b = w;
    const blk_q8_K *y = xq;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m3 = _mm256_set1_epi8(3);
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        TG_PREFETCH_BLOCK(&b[i], sizeof b[i]);
        const int8_t *sc = b[i].scales;
        /* Codes are stored +32; take 32 * sum(y) per group of 16 back out at the end. */
        __m256i cv = _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)sc)),
                                       _mm256_loadu_si256((const __m256i *)y[i].bsums));
        int32_t corr = hsum_i32(cv);
        __m256i acc = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const uint8_t *ql = b[i].ql + 64 * h;
            const int8_t *yq = y[i].qs + 128 * h;
            __m256i q0 = load256(ql), q1 = load256(ql + 32), qh = load256(b[i].qh + 32 * h);
            __m256i c[4];
            c[0] = _mm256_or_si256(_mm256_and_si256(q0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m3), 4));
            c[1] = _mm256_or_si256(_mm256_and_si256(q1, m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m3), 4));
            c[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q0, 4), m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m3), 4));
            c[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q1, 4), m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m3), 4));
            for (int k = 0; k < 4; k++) {   /* elements 32k..32k+31 of this half: groups 2k, 2k+1 */
                __m256i p = _mm256_maddubs_epi16(c[k], load256(yq + 32 * k));
                __m256i s = _mm256_set_m128i(_mm_set1_epi16(sc[8 * h + 2 * k + 1]), _mm_set1_epi16(sc[8 * h + 2 * k]));
                acc = _mm256_add_epi32(acc, _mm256_madd_epi16(p, s));
            }
        }
        int32_t si = hsum_i32(acc) - 32 * corr;
        sum += H2F(b[i].d) * y[i].d * (float)si;
    }
    return sum;
}

AVX2 float tg_dot_q8_K_q8_K_avx2(const void *w, const void *xq, uint64_t n)
{
    const blk_q8_K *b = w;
    const blk_q8_K *y = xq;
    float sum = 0;
    for (uint64_t i = 0; i < n / QK_K; i++) {
        TG_PREFETCH_BLOCK(&b[i], sizeof b[i]);
        __m256i acc = _mm256_setzero_si256();
        for (int k = 0; k < QK_K; k += 32)
            acc = _mm256_add_epi32(acc, dot_s8s8(load256(b[i].qs + k), load256(y[i].qs + k)));
        sum += b[i].d * y[i].d * (float)hsum_i32(acc);
    }
    return sum;
}

/* ---- f16 / bf16 rows against f32 x (tg_dot), lanes as the portable dot32 ---- */

AVX2 static inline float dot32_ps(__m256 c0, __m256 c1, __m256 c2, __m256 c3, const float *x)
{
    __m256 v = _mm256_mul_ps(c0, _mm256_loadu_ps(x));
    v = _mm256_add_ps(v, _mm256_mul_ps(c1, _mm256_loadu_ps(x + 8)));
    v = _mm256_add_ps(v, _mm256_mul_ps(c2, _mm256_loadu_ps(x + 16)));
    v = _mm256_add_ps(v, _mm256_mul_ps(c3, _mm256_loadu_ps(x + 24)));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

AVX2 static inline __m256 f16x8(const uint16_t *h) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)h)); }

AVX2 static inline __m256 bf16x8(const uint16_t *h)
{
    __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)h));
    return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
}

AVX2 float tg_dot_f16_avx2(const void *w, const float *x, uint64_t n)
{
    const uint16_t *h = w;
    float sum = 0;
    uint64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        TG_PREFETCH(h + i);
        sum += dot32_ps(f16x8(h + i), f16x8(h + i + 8), f16x8(h + i + 16), f16x8(h + i + 24), x + i);
    }
    for (; i < n; i++) sum += tg_h2f(h[i]) * x[i];
    return sum;
}

AVX2 float tg_dot_bf16_avx2(const void *w, const float *x, uint64_t n)
{
    const uint16_t *h = w;
    float sum = 0;
    uint64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        TG_PREFETCH(h + i);
        sum += dot32_ps(bf16x8(h + i), bf16x8(h + i + 8), bf16x8(h + i + 16), bf16x8(h + i + 24), x + i);
    }
    for (; i < n; i++) sum += tg_bf16_to_f32(h[i]) * x[i];
    return sum;
}

#endif
