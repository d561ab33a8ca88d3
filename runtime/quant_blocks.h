/* quant_blocks.h: the byte layouts of ggml's quantized blocks (private to runtime/quant*.c).
 * Field order and sizes are ggml's exactly; halves are raw f16 bits. The static asserts pin the
 * sizes that GGUF files depend on. */
#ifndef TG_QUANT_BLOCKS_H
#define TG_QUANT_BLOCKS_H

#include <stdint.h>
#include <string.h>

#define QK4_0 32
#define QK4_1 32
#define QK5_0 32
#define QK5_1 32
#define QK8_0 32
#define QK_K  256
#define K_SCALE_SIZE 12

typedef struct { uint16_t d; uint8_t qs[QK4_0 / 2]; } blk_q4_0;                      /* 18 */
typedef struct { uint16_t d, m; uint8_t qs[QK4_1 / 2]; } blk_q4_1;                   /* 20 */
typedef struct { uint16_t d; uint8_t qh[4]; uint8_t qs[QK5_0 / 2]; } blk_q5_0;       /* 22 */
typedef struct { uint16_t d, m; uint8_t qh[4]; uint8_t qs[QK5_1 / 2]; } blk_q5_1;    /* 24 */
typedef struct { uint16_t d; int8_t qs[QK8_0]; } blk_q8_0;                           /* 34 */
typedef struct {                                                                     /* 144 */
    uint16_t d, dmin;                /* super-block scales of the 6-bit scales and mins */
    uint8_t scales[K_SCALE_SIZE];    /* 8 x (6-bit scale, 6-bit min), packed */
    uint8_t qs[QK_K / 2];            /* 4-bit quants */
} blk_q4_K;
typedef struct {                                                                     /* 176 */
    uint16_t d, dmin;
    uint8_t scales[K_SCALE_SIZE];
    uint8_t qh[QK_K / 8];            /* 5th bit of each quant */
    uint8_t qs[QK_K / 2];            /* low 4 bits */
} blk_q5_K;
typedef struct {                                                                     /* 210 */
    uint8_t ql[QK_K / 2];            /* low 4 bits */
    uint8_t qh[QK_K / 4];            /* high 2 bits */
    int8_t  scales[QK_K / 16];       /* 8-bit scale per 16 elements */
    uint16_t d;
} blk_q6_K;
typedef struct {                                                                     /* 292 */
    float   d;
    int8_t  qs[QK_K];
    int16_t bsums[QK_K / 16];        /* sums of qs in groups of 16 */
} blk_q8_K;

_Static_assert(sizeof(blk_q4_0) == 18, "q4_0 layout");
_Static_assert(sizeof(blk_q4_1) == 20, "q4_1 layout");
_Static_assert(sizeof(blk_q5_0) == 22, "q5_0 layout");
_Static_assert(sizeof(blk_q5_1) == 24, "q5_1 layout");
_Static_assert(sizeof(blk_q8_0) == 34, "q8_0 layout");
_Static_assert(sizeof(blk_q4_K) == 144, "q4_K layout");
_Static_assert(sizeof(blk_q5_K) == 176, "q5_K layout");
_Static_assert(sizeof(blk_q6_K) == 210, "q6_K layout");
_Static_assert(sizeof(blk_q8_K) == 292, "q8_K layout");

/* Weight rows stream from memory once per token; prefetching this far ahead (measured best on the
 * dev machine among 256..2048 bytes) keeps the loads in flight. Prefetches never fault, so running
 * past the end of a row is harmless. */
#define TG_PREFETCH_AHEAD 1024
#if defined(__GNUC__)
#define TG_PREFETCH(p) __builtin_prefetch((const char *)(p) + TG_PREFETCH_AHEAD)
#else
#define TG_PREFETCH(p) ((void)(p))
#endif
/* Every cache line of an n-byte block, TG_PREFETCH_AHEAD bytes on. */
#define TG_PREFETCH_BLOCK(p, n) \
    do { for (int tg_pf = 0; tg_pf < (int)(n); tg_pf += 64) TG_PREFETCH((const char *)(p) + tg_pf); } while (0)

/* f16 bits -> f32 without branches on the common path (selects only, so loops over it vectorize);
 * the same results as tg_f16_to_f32 for all 65536 inputs (NaN payloads kept). Subnormals go through
 * an int-to-float conversion instead of a subnormal multiply, which some CPUs run slowly. */
static inline float tg_h2f(uint16_t h)
{
    uint32_t em = h & 0x7fffu, exp = h & 0x7c00u;
    uint32_t u = exp == 0x7c00u ? (em << 13) | 0x7f800000u : (em << 13) + (112u << 23);
    float f;
    memcpy(&f, &u, 4);
    if (exp == 0) f = (float)(int)(h & 0x3ffu) * 0x1p-24f;
    memcpy(&u, &f, 4);
    u |= (uint32_t)(h & 0x8000u) << 16;
    memcpy(&f, &u, 4);
    return f;
}

/* Unpacks sub-block j's 6-bit scale and min from a K-quant scales[12] (ggml's get_scale_min_k4). */
static inline void tg_k4_scale_min(int j, const uint8_t *q, uint8_t *sc, uint8_t *m)
{
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (uint8_t)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

/* All 8 scales and mins of a K-quant scales[12] at once (the same values as tg_k4_scale_min for
 * j = 0..7): the 12 bytes as three little-endian words; bytes 0-3 hold sc0-3 (low 6 bits) and the
 * top bits of sc4-7, bytes 4-7 m0-3 and the top bits of m4-7, bytes 8-11 the low nibbles of sc4-7
 * (low) and m4-7 (high). */
static inline void tg_k4_unpack(const uint8_t *q, uint8_t sc[8], uint8_t m[8])
{
    uint32_t w[3], out[4];
    memcpy(w, q, 12);
    out[0] = w[0] & 0x3f3f3f3fu;
    out[1] = (w[2] & 0x0f0f0f0fu) | ((w[0] >> 6) & 0x03030303u) << 4;
    out[2] = w[1] & 0x3f3f3f3fu;
    out[3] = ((w[2] >> 4) & 0x0f0f0f0fu) | ((w[1] >> 6) & 0x03030303u) << 4;
    memcpy(sc, out, 8);
    memcpy(m, out + 2, 8);
}

#endif
