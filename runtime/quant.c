/* quant.c: the table of tensor type traits (block sizes as in ggml, for every type a GGUF file may
 * name), f16/bf16 conversion, and the per-type dispatch of dequantize / quantize / dot. The per-type
 * kernels live in quant_ref.c (dequantize, reference quantize) and quant_dot.c (dot products). */
#include <string.h>

#include "runtime/quant.h"
#include "runtime/quant_blocks.h"
#include "runtime/quant_internal.h"

/* Sizes of every ggml type, so files holding types we cannot compute with still open and list. */
static const tg_type_traits traits[TG_TYPE_COUNT] = {
    [TG_TYPE_F32]  = { "f32",  1,   4,   true },
    [TG_TYPE_F16]  = { "f16",  1,   2,   true },
    [TG_TYPE_Q4_0] = { "q4_0", 32,  18,  true },
    [TG_TYPE_Q4_1] = { "q4_1", 32,  20,  true },
    [TG_TYPE_Q5_0] = { "q5_0", 32,  22,  true },
    [TG_TYPE_Q5_1] = { "q5_1", 32,  24,  true },
    [TG_TYPE_Q8_0] = { "q8_0", 32,  34,  true },
    [TG_TYPE_Q8_1] = { "q8_1", 32,  36,  false },  /* ggml: half d, half s, 32 x i8 */
    [TG_TYPE_Q2_K] = { "q2_K", 256, 84,  false },
    [TG_TYPE_Q3_K] = { "q3_K", 256, 110, false },
    [TG_TYPE_Q4_K] = { "q4_K", 256, 144, true },
    [TG_TYPE_Q5_K] = { "q5_K", 256, 176, true },
    [TG_TYPE_Q6_K] = { "q6_K", 256, 210, true },
    [TG_TYPE_Q8_K] = { "q8_K", 256, 292, true },
    [16] = { "iq2_xxs", 256, 66,  false },
    [17] = { "iq2_xs",  256, 74,  false },
    [18] = { "iq3_xxs", 256, 98,  false },
    [19] = { "iq1_s",   256, 50,  false },
    [20] = { "iq4_nl",  32,  18,  false },
    [21] = { "iq3_s",   256, 110, false },
    [22] = { "iq2_s",   256, 82,  false },
    [23] = { "iq4_xs",  256, 136, false },
    [24] = { "i8",      1,   1,   false },
    [25] = { "i16",     1,   2,   false },
    [26] = { "i32",     1,   4,   false },
    [27] = { "i64",     1,   8,   false },
    [28] = { "f64",     1,   8,   false },
    [29] = { "iq1_m",   256, 56,  false },
    [TG_TYPE_BF16] = { "bf16", 1, 2, true },
    [34] = { "tq1_0",   256, 54,  false },
    [35] = { "tq2_0",   256, 66,  false },
    [39] = { "mxfp4",   32,  17,  false },
};

const tg_type_traits *tg_type_get(uint32_t type)
{
    return type < TG_TYPE_COUNT && traits[type].name ? &traits[type] : NULL;
}

int tg_type_from_name(const char *name)
{
    for (uint32_t t = 0; t < TG_TYPE_COUNT; t++)
        if (traits[t].name && !strcmp(traits[t].name, name)) return (int)t;
    return -1;
}

size_t tg_type_row_bytes(uint32_t type, uint64_t n)
{
    const tg_type_traits *t = tg_type_get(type);
    if (!t || n % t->block_elems) return 0;
    return (size_t)(n / t->block_elems * t->block_bytes);
}

static uint32_t f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

float tg_f16_to_f32(uint16_t h) { return tg_h2f(h); }

uint16_t tg_f32_to_f16(float f)
{
    uint32_t x = f32_bits(f), sign = x >> 16 & 0x8000, ax = x & 0x7fffffff;
    if (ax > 0x7f800000) return (uint16_t)(sign | 0x7e00 | (ax >> 13 & 0x3ff));  /* quiet NaN */
    if (ax >= 0x47800000) return (uint16_t)(sign | 0x7c00);   /* >= 2^16: inf (also rounds there) */
    uint32_t e = ax >> 23;
    if (e >= 113) {                     /* normal f16; a rounding carry may step into inf, as it must */
        uint32_t h = (e - 112) << 10 | (ax >> 13 & 0x3ff), rem = ax & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) h++;
        return (uint16_t)(sign | h);
    }
    if (ax <= 0x33000000) return (uint16_t)sign;   /* <= 2^-25: rounds to (signed) zero */
    uint32_t m = (ax & 0x7fffff) | 0x800000, shift = 126 - e;   /* units of 2^-24 */
    uint32_t h = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1))) h++;
    return (uint16_t)(sign | h);
}

float tg_bf16_to_f32(uint16_t h) { return bits_f32((uint32_t)h << 16); }

uint16_t tg_f32_to_bf16(float f)
{
    uint32_t u = f32_bits(f);
    if ((u & 0x7fffffff) > 0x7f800000) return (uint16_t)(u >> 16 | 64);  /* quiet NaN, as ggml */
    return (uint16_t)((u + (0x7fff + (u >> 16 & 1))) >> 16);
}

void tg_dequantize(uint32_t type, const void *src, float *dst, uint64_t n)
{
    const tg_quant_kernels *k = tg_quant_kernels_get(type);
    if (k && k->dequantize) k->dequantize(src, dst, n);
}

void tg_quantize(uint32_t type, const float *src, void *dst, uint64_t n)
{
    const tg_quant_kernels *k = tg_quant_kernels_get(type);
    if (k && k->quantize) k->quantize(src, dst, n);
}

float tg_dot(uint32_t type, const void *w, const float *x, uint64_t n)
{
    const tg_quant_kernels *k = tg_quant_kernels_get(type);
    return k && k->dot ? k->dot(w, x, n) : 0.0f;
}
