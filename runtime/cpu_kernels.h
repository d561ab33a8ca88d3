/* cpu_kernels.h: the plain-C reference of every LLM kernel (matvec per weight type, matmul, RMSNorm,
 * RoPE, softmax, decode attention, SiLU*up, add, embedding lookup, argmax).
 * These are the ground truth the CUDA kernels (the .cu files in kernels/) and the device layer are checked
 * against, so they stay single-threaded, obvious, and self-contained: the quantized block layouts
 * (ggml q8_0, q4_0, q4_K) are decoded here directly rather than through quant.c, so a bug in one
 * cannot hide the same bug in the other. Signatures are shared with kernels/: do not change them. */
#ifndef TG_CPU_KERNELS_H
#define TG_CPU_KERNELS_H

#include <stdint.h>

/* y = W x with W row-major [rows][cols] (f32, or rows of ggml blocks; cols a multiple of the
 * block size: 32 for q8_0/q4_0, 256 for q4_K). */
void tg_ref_matvec_f32(const float *w, const float *x, float *y, int rows, int cols);
void tg_ref_matvec_q8_0(const void *w, const float *x, float *y, int rows, int cols);
void tg_ref_matvec_q4_0(const void *w, const float *x, float *y, int rows, int cols);
void tg_ref_matvec_q4_k(const void *w, const float *x, float *y, int rows, int cols);
/* c[m][n] = a[m][k] b[k][n], all row-major. */
void tg_ref_matmul_f32(const float *a, const float *b, float *c, int m, int n, int k);
/* y = x / sqrt(mean(x^2) + eps) * w */
void tg_ref_rmsnorm(const float *x, const float *w, float *y, int n, float eps);
/* Rotary position embedding in place over n_heads vectors of head_dim floats.
 * neox=0: rotate pairs (2i, 2i+1) (llama); neox=1: pairs (i, i+head_dim/2) (NeoX, qwen2).
 * Pair i turns by pos * freq_base^(-2i/head_dim). */
void tg_ref_rope(float *x, int n_heads, int head_dim, int pos, float freq_base, int neox);
/* The general form: only the first n_rot dims of each head rotate (partial rotary), and the
 * position is pos * freq_scale (linear RoPE scaling: freq_scale = 1/factor). */
void tg_ref_rope_ext(float *x, int n_heads, int head_dim, int n_rot, float pos, float freq_base,
                     float freq_scale, int neox);
/* Numerically stable softmax in place. */
void tg_ref_softmax(float *x, int n);
/* Decode attention for one query. q [n_heads*head_dim]; caches [pos][kv_stride floats], kv head j
 * at offset j*head_dim; head h reads kv head h/(n_heads/n_kv_heads); scores scaled by
 * 1/sqrt(head_dim); softmax over n_pos positions; out [n_heads*head_dim]. */
void tg_ref_attention(const float *q, const float *k_cache, const float *v_cache, float *out,
                      int n_heads, int n_kv_heads, int head_dim, int n_pos, int kv_stride);
/* out = silu(gate) * up, silu(x) = x / (1 + exp(-x)) */
void tg_ref_silu_mul(const float *gate, const float *up, float *out, int n);
/* x += y */
void tg_ref_add(float *x, const float *y, int n);
/* Row `token` of an embedding table of `type` (f32, f16, q8_0, q4_0, q4_K) with dim columns,
 * as f32. Other types leave out zeroed (callers validate types first). */
void tg_ref_embed(uint32_t type, const void *table, int token, float *out, int dim);
/* Index of the first maximum (NaN never wins). */
int tg_ref_argmax(const float *x, int n);

/* Helpers the references are built from, exported so tests and other CPU paths share them. */
float tg_ref_f16_to_f32(uint16_t h);
/* Dequantize one row of `cols` elements of q8_0 / q4_0 / q4_K into f32. */
void tg_ref_dequant_row_q8_0(const void *row, float *y, int cols);
void tg_ref_dequant_row_q4_0(const void *row, float *y, int cols);
void tg_ref_dequant_row_q4_k(const void *row, float *y, int cols);

#endif
