/* quant_internal.h: the per-type kernel table shared by runtime/quant*.c (not a public API).
 * quant.c dispatches through it; quant_ref.c and quant_dot.c fill it. */
#ifndef TG_QUANT_INTERNAL_H
#define TG_QUANT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct tg_quant_kernels {
    void (*dequantize)(const void *src, float *dst, uint64_t n);
    void (*quantize)(const float *src, void *dst, uint64_t n);
    float (*dot)(const void *w, const float *x, uint64_t n);
} tg_quant_kernels;

/* NULL for types without kernels. */
const tg_quant_kernels *tg_quant_kernels_get(uint32_t type);

/* Dequantize / quantize kernels (quant_ref.c) and dot kernels (quant_dot.c), by type name. */
#define TG_QUANT_TYPES(X) X(f32) X(f16) X(bf16) X(q4_0) X(q4_1) X(q5_0) X(q5_1) X(q8_0) \
                          X(q4_K) X(q5_K) X(q6_K) X(q8_K)
#define TG_DECLARE(t) \
    void tg_dequantize_##t(const void *src, float *dst, uint64_t n); \
    void tg_quantize_##t(const float *src, void *dst, uint64_t n); \
    float tg_dot_##t(const void *w, const float *x, uint64_t n);
TG_QUANT_TYPES(TG_DECLARE)
#undef TG_DECLARE

/* AVX2 integer dot kernels (quant_dot_avx2.c), x86-64 with gcc or clang only; -DTG_NO_AVX2 leaves
 * them out, as on other CPUs. Callers check the CPU first. Same arguments and results as tg_dot_q8
 * for their type. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(TG_NO_AVX2)
#define TG_HAVE_AVX2_PATH 1
#define TG_DECLARE_AVX2(w, x) float tg_dot_##w##_##x##_avx2(const void *w, const void *xq, uint64_t n);
TG_DECLARE_AVX2(q4_0, q8_0) TG_DECLARE_AVX2(q4_1, q8_0) TG_DECLARE_AVX2(q5_0, q8_0)
TG_DECLARE_AVX2(q5_1, q8_0) TG_DECLARE_AVX2(q8_0, q8_0) TG_DECLARE_AVX2(q4_K, q8_K)
TG_DECLARE_AVX2(q5_K, q8_K) TG_DECLARE_AVX2(q6_K, q8_K) TG_DECLARE_AVX2(q8_K, q8_K)
#undef TG_DECLARE_AVX2
/* f16 / bf16 rows against f32 x, same lanes and sums as the portable tg_dot_f16 / tg_dot_bf16. */
float tg_dot_f16_avx2(const void *w, const float *x, uint64_t n);
float tg_dot_bf16_avx2(const void *w, const float *x, uint64_t n);
#endif

/* Whether the AVX2 kernels run now (CPU support, unless tg_dot_set_isa pinned a choice). */
bool tg_dot_use_avx2(void);

#endif
