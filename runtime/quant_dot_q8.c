/* quant_dot_q8.c: integer dot products against activations quantized to 8 bits, as llama.cpp's CPU
 * backend computes them: x is quantized once per matrix-vector product to the weight type's
 * vec_dot_type (Q8_0 for the 32-element types, Q8_K for the K-quants), and each block's dot is an
 * exact int32 sum of int8 x int8 products, scaled once per block. The inner loops are plain fixed-
 * length integer loops that compilers vectorize; an AVX2 build of the same source is chosen at run
 * time when the CPU has it (integer sums are exact, so both give identical results). */
#include <stdlib.h>
#include <string.h>

#include "runtime/quant.h"
#include "runtime/quant_blocks.h"
#include "runtime/quant_internal.h"

#define H2F tg_f16_to_f32

/* The kernels are written once as a macro-free "template": quant_dot_q8_body.h is included twice,
 * once plainly and once with every function compiled for AVX2. */
#define TG_Q8_SUFFIX _portable
#define TG_Q8_TARGET
#include "runtime/quant_dot_q8_body.h"
#undef TG_Q8_SUFFIX
#undef TG_Q8_TARGET

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TG_HAVE_AVX2_PATH 1
#define TG_Q8_SUFFIX _avx2
#define TG_Q8_TARGET __attribute__((target("avx2,fma")))
#include "runtime/quant_dot_q8_body.h"
#undef TG_Q8_SUFFIX
#undef TG_Q8_TARGET
#endif

typedef float (*dot_q8_fn)(const void *w, const void *xq, uint64_t n);

typedef struct q8_kernels { dot_q8_fn fn[TG_TYPE_COUNT]; } q8_kernels;

#define Q8_TABLE(sfx) { { \
    [TG_TYPE_Q4_0] = dot_q4_0_q8_0##sfx, [TG_TYPE_Q4_1] = dot_q4_1_q8_0##sfx, \
    [TG_TYPE_Q5_0] = dot_q5_0_q8_0##sfx, [TG_TYPE_Q5_1] = dot_q5_1_q8_0##sfx, \
    [TG_TYPE_Q8_0] = dot_q8_0_q8_0##sfx, [TG_TYPE_Q4_K] = dot_q4_K_q8_K##sfx, \
    [TG_TYPE_Q5_K] = dot_q5_K_q8_K##sfx, [TG_TYPE_Q6_K] = dot_q6_K_q8_K##sfx, \
    [TG_TYPE_Q8_K] = dot_q8_K_q8_K##sfx } }

static const q8_kernels portable = Q8_TABLE(_portable);
#ifdef TG_HAVE_AVX2_PATH
static const q8_kernels avx2 = Q8_TABLE(_avx2);
#endif

static int isa_override = -1;   /* -1: auto; 0: portable; 1: avx2 (tests pin each) */

int tg_dot_set_isa(int isa)
{
#ifdef TG_HAVE_AVX2_PATH
    if (isa == 1 && !__builtin_cpu_supports("avx2")) return -1;
#else
    if (isa == 1) return -1;
#endif
    isa_override = isa;
    return 0;
}

static const q8_kernels *kernels(void)
{
#ifdef TG_HAVE_AVX2_PATH
    static int have = -1;
    if (isa_override == 0) return &portable;
    if (isa_override == 1) return &avx2;
    if (have < 0) have = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return have ? &avx2 : &portable;
#else
    return &portable;
#endif
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
