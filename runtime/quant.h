/* quant.h: tensor element types (ggml layouts, bit for bit): block sizes, row sizes, dequantize,
 * quantize (reference), and fused quantized dot products. The table of traits follows ggml's type
 * traits so every type is looked up, never special-cased by callers. */
#ifndef TG_QUANT_H
#define TG_QUANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/gguf.h"

typedef struct tg_type_traits {
    const char *name;       /* "q4_K" */
    uint32_t block_elems;   /* elements per block (1 for F32/F16/BF16, 32, 256) */
    uint32_t block_bytes;   /* bytes per block */
    bool     supported;     /* dequantize/dot implemented */
} tg_type_traits;

const tg_type_traits *tg_type_get(uint32_t type);  /* NULL for unknown types */
/* The type named `name` as in the traits ("q4_K", "f16"), or -1. */
int tg_type_from_name(const char *name);
/* Bytes of a row of n elements (n must be a multiple of block_elems; returns 0 if not). */
size_t tg_type_row_bytes(uint32_t type, uint64_t n);

/* Dequantize n elements (multiple of the block size) of `type` at src into f32. */
void tg_dequantize(uint32_t type, const void *src, float *dst, uint64_t n);
/* Reference quantization from f32 (n multiple of block size); dst has tg_type_row_bytes bytes. */
void tg_quantize(uint32_t type, const float *src, void *dst, uint64_t n);
/* sum_i w[i] * x[i] for a quantized row w of n elements against f32 x: blockwise, codes times x in
 * float, one scale per (sub-)block. Equals dequantize-then-dot up to float summation order. */
float tg_dot(uint32_t type, const void *w, const float *x, uint64_t n);

/* The fast path (the CPU decode hot path), as llama.cpp's CPU backend: activations quantized once to
 * the weight type's vec_dot_type (Q8_0 for q4_0..q8_0, Q8_K for the K-quants, F32 for f32/f16/bf16,
 * meaning x stays f32), then exact integer block dots. Results differ from tg_dot by the rounding
 * of x to 8 bits, and are the same bits on the portable and AVX2 builds. For a matrix-vector
 * product use tg_matvec; to split rows over threads, quantize x once and call tg_dot_q8 per row. */
uint32_t tg_vec_dot_type(uint32_t type);
/* xq: n elements of x quantized with tg_quantize(tg_vec_dot_type(type), x, xq, n). */
float tg_dot_q8(uint32_t type, const void *w, const void *xq, uint64_t n);
/* y[r] = row r of w (rows x n, row-major, each row tg_type_row_bytes) . x, quantizing x once.
 * Returns -1 (nothing written) for an unsupported type, a bad n, or no memory. */
int tg_matvec(uint32_t type, const void *w, uint64_t rows, const float *x, float *y, uint64_t n);
/* Which build of the integer kernels runs: "avx2" (chosen at run time when the CPU has it) or
 * "portable". tg_dot_set_isa(0) pins portable, 1 pins AVX2 (-1 if unavailable), -1 restores auto. */
const char *tg_dot_isa(void);
int tg_dot_set_isa(int isa);

/* f16 / bf16 <-> f32 (round to nearest even; NaN kept NaN). */
float tg_f16_to_f32(uint16_t h);
uint16_t tg_f32_to_f16(float f);
float tg_bf16_to_f32(uint16_t h);
uint16_t tg_f32_to_bf16(float f);

#endif
