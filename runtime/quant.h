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
/* sum_i w[i] * x[i] for a quantized row w of n elements against f32 x. */
float tg_dot(uint32_t type, const void *w, const float *x, uint64_t n);

/* f16 / bf16 <-> f32 (round to nearest even; NaN kept NaN). */
float tg_f16_to_f32(uint16_t h);
uint16_t tg_f32_to_f16(float f);
float tg_bf16_to_f32(uint16_t h);
uint16_t tg_f32_to_bf16(float f);

#endif
