/* cpu_kernels.c: plain-C reference LLM kernels (see cpu_kernels.h). Quantized matvecs dequantize a
 * row into f32 and then take the same dot product as the f32 path: slow, but the semantics is the
 * layout's definition and nothing else. Accumulation is in float, left to right. */
#include "runtime/cpu_kernels.h"

#include <math.h>
#include <string.h>

enum { QK8_0 = 32, Q8_0_BYTES = 34, QK4_0 = 32, Q4_0_BYTES = 18, QK_K = 256, Q4_K_BYTES = 144 };

float tg_ref_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);                  /* inf / NaN */
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (man << 13);          /* normal: rebias 15 -> 127 */
    } else if (man == 0) {
        bits = sign;                                              /* +-0 */
    } else {                                                      /* subnormal: man * 2^-24 */
        float f = (float)man * 0x1p-24f;
        return sign ? -f : f;
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* q8_0 block: f16 scale d, 32 x int8; x = d * q */
void tg_ref_dequant_row_q8_0(const void *row, float *y, int cols)
{
    const uint8_t *b = row;
    for (int i = 0; i < cols / QK8_0; i++, b += Q8_0_BYTES) {
        float d = tg_ref_f16_to_f32(rd16(b));
        for (int j = 0; j < QK8_0; j++) y[i * QK8_0 + j] = d * (float)(int8_t)b[2 + j];
    }
}

/* q4_0 block: f16 scale d, 16 bytes of nibbles; low nibbles are elements 0..15, high 16..31;
 * x = d * (nibble - 8) */
void tg_ref_dequant_row_q4_0(const void *row, float *y, int cols)
{
    const uint8_t *b = row;
    for (int i = 0; i < cols / QK4_0; i++, b += Q4_0_BYTES) {
        float d = tg_ref_f16_to_f32(rd16(b));
        for (int j = 0; j < QK4_0 / 2; j++) {
            y[i * QK4_0 + j] = d * (float)((b[2 + j] & 0x0f) - 8);
            y[i * QK4_0 + j + 16] = d * (float)((b[2 + j] >> 4) - 8);
        }
    }
}

/* q4_K: 6-bit (scale, min) pair of sub-block j packed in 12 bytes: sub-blocks 0..3 in the low six
 * bits of bytes j and j+4; 4..7 split between a nibble of bytes j+4 and the top two bits of
 * bytes j-4 (scale) and j (min). */
static void q4_k_scale_min(int j, const uint8_t *q, uint8_t *sc, uint8_t *m)
{
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (uint8_t)((q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4));
        *m = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

/* q4_K super-block of 256: f16 d, f16 dmin, 12 bytes of scales/mins, 128 bytes of nibbles.
 * Each 64 elements use 32 bytes: low nibbles give sub-block 2k, high nibbles sub-block 2k+1;
 * x = d*scale*nibble - dmin*min. */
void tg_ref_dequant_row_q4_k(const void *row, float *y, int cols)
{
    const uint8_t *b = row;
    for (int i = 0; i < cols / QK_K; i++, b += Q4_K_BYTES) {
        float d = tg_ref_f16_to_f32(rd16(b)), dmin = tg_ref_f16_to_f32(rd16(b + 2));
        const uint8_t *scales = b + 4, *q = b + 16;
        float *out = y + i * QK_K;
        for (int k = 0; k < 4; k++, q += 32) {
            uint8_t sc0, m0, sc1, m1;
            q4_k_scale_min(2 * k, scales, &sc0, &m0);
            q4_k_scale_min(2 * k + 1, scales, &sc1, &m1);
            float d0 = d * sc0, min0 = dmin * m0, d1 = d * sc1, min1 = dmin * m1;
            for (int l = 0; l < 32; l++) *out++ = d0 * (float)(q[l] & 0x0f) - min0;
            for (int l = 0; l < 32; l++) *out++ = d1 * (float)(q[l] >> 4) - min1;
        }
    }
}

static float dot_f32(const float *a, const float *b, int n)
{
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

void tg_ref_matvec_f32(const float *w, const float *x, float *y, int rows, int cols)
{
    for (int r = 0; r < rows; r++) y[r] = dot_f32(w + (size_t)r * cols, x, cols);
}

/* Quantized rows: dequantize one row into a stack chunk at a time (no allocation), then dot. */
typedef void (*dequant_fn)(const void *row, float *y, int cols);

static void matvec_blocks(dequant_fn deq, int block_elems, int block_bytes, const void *w,
                          const float *x, float *y, int rows, int cols)
{
    enum { CHUNK = 256 };   /* a multiple of every block size used here */
    float tmp[CHUNK];
    size_t row_bytes = (size_t)(cols / block_elems) * block_bytes;
    for (int r = 0; r < rows; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * row_bytes;
        float s = 0.0f;
        for (int c = 0; c < cols; c += CHUNK) {
            int n = cols - c < CHUNK ? cols - c : CHUNK;
            deq(row + (size_t)(c / block_elems) * block_bytes, tmp, n);
            for (int i = 0; i < n; i++) s += tmp[i] * x[c + i];
        }
        y[r] = s;
    }
}

void tg_ref_matvec_q8_0(const void *w, const float *x, float *y, int rows, int cols)
{
    matvec_blocks(tg_ref_dequant_row_q8_0, QK8_0, Q8_0_BYTES, w, x, y, rows, cols);
}

void tg_ref_matvec_q4_0(const void *w, const float *x, float *y, int rows, int cols)
{
    matvec_blocks(tg_ref_dequant_row_q4_0, QK4_0, Q4_0_BYTES, w, x, y, rows, cols);
}

void tg_ref_matvec_q4_k(const void *w, const float *x, float *y, int rows, int cols)
{
    matvec_blocks(tg_ref_dequant_row_q4_k, QK_K, Q4_K_BYTES, w, x, y, rows, cols);
}

void tg_ref_matmul_f32(const float *a, const float *b, float *c, int m, int n, int k)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0.0f;
            for (int p = 0; p < k; p++) s += a[(size_t)i * k + p] * b[(size_t)p * n + j];
            c[(size_t)i * n + j] = s;
        }
}

void tg_ref_rmsnorm(const float *x, const float *w, float *y, int n, float eps)
{
    float ss = 0.0f;
    for (int i = 0; i < n; i++) ss += x[i] * x[i];
    float scale = 1.0f / sqrtf(ss / (float)n + eps);
    for (int i = 0; i < n; i++) y[i] = x[i] * scale * w[i];
}

void tg_ref_rope_ext(float *x, int n_heads, int head_dim, int n_rot, float pos, float freq_base,
                     float freq_scale, int neox)
{
    for (int h = 0; h < n_heads; h++) {
        float *v = x + (size_t)h * head_dim;
        for (int i = 0; i < n_rot / 2; i++) {
            float theta = pos * freq_scale * powf(freq_base, -2.0f * (float)i / (float)n_rot);
            float c = cosf(theta), s = sinf(theta);
            int a = neox ? i : 2 * i, b = neox ? i + n_rot / 2 : 2 * i + 1;
            float x0 = v[a], x1 = v[b];
            v[a] = x0 * c - x1 * s;
            v[b] = x0 * s + x1 * c;
        }
    }
}

void tg_ref_rope(float *x, int n_heads, int head_dim, int pos, float freq_base, int neox)
{
    tg_ref_rope_ext(x, n_heads, head_dim, head_dim, (float)pos, freq_base, 1.0f, neox);
}

void tg_ref_softmax(float *x, int n)
{
    if (n <= 0) return;
    float max = x[0];
    for (int i = 1; i < n; i++)
        if (x[i] > max) max = x[i];
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
        x[i] = expf(x[i] - max);
        sum += x[i];
    }
    for (int i = 0; i < n; i++) x[i] /= sum;
}

void tg_ref_attention(const float *q, const float *k_cache, const float *v_cache, float *out,
                      int n_heads, int n_kv_heads, int head_dim, int n_pos, int kv_stride)
{
    enum { MAX_POS_STACK = 4096 };
    float scores_stack[MAX_POS_STACK];
    int group = n_heads / n_kv_heads;
    float scale = 1.0f / sqrtf((float)head_dim);
    for (int h = 0; h < n_heads; h++) {
        const float *qh = q + (size_t)h * head_dim;
        size_t kv_off = (size_t)(h / group) * head_dim;
        float *o = out + (size_t)h * head_dim;
        float max = -INFINITY, sum = 0.0f;
        /* two passes over positions when they do not fit the stack buffer: scores are
         * recomputed rather than allocated, keeping the reference allocation-free */
        int fits = n_pos <= MAX_POS_STACK;
        for (int t = 0; t < n_pos; t++) {
            float s = dot_f32(qh, k_cache + (size_t)t * kv_stride + kv_off, head_dim) * scale;
            if (fits) scores_stack[t] = s;
            if (s > max) max = s;
        }
        for (int i = 0; i < head_dim; i++) o[i] = 0.0f;
        for (int t = 0; t < n_pos; t++) {
            float s = fits ? scores_stack[t]
                           : dot_f32(qh, k_cache + (size_t)t * kv_stride + kv_off, head_dim) * scale;
            float p = expf(s - max);
            sum += p;
            const float *vt = v_cache + (size_t)t * kv_stride + kv_off;
            for (int i = 0; i < head_dim; i++) o[i] += p * vt[i];
        }
        for (int i = 0; i < head_dim; i++) o[i] /= sum;
    }
}

void tg_ref_silu_mul(const float *gate, const float *up, float *out, int n)
{
    for (int i = 0; i < n; i++) out[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}

void tg_ref_add(float *x, const float *y, int n)
{
    for (int i = 0; i < n; i++) x[i] += y[i];
}

void tg_ref_embed(uint32_t type, const void *table, int token, float *out, int dim)
{
    const uint8_t *t = table;
    switch (type) {
    case 0: /* F32 */
        memcpy(out, (const float *)table + (size_t)token * dim, (size_t)dim * sizeof(float));
        return;
    case 1: /* F16 */
        for (int i = 0; i < dim; i++) out[i] = tg_ref_f16_to_f32(rd16(t + ((size_t)token * dim + i) * 2));
        return;
    case 8: /* Q8_0 */
        tg_ref_dequant_row_q8_0(t + (size_t)token * (dim / QK8_0) * Q8_0_BYTES, out, dim);
        return;
    case 2: /* Q4_0 */
        tg_ref_dequant_row_q4_0(t + (size_t)token * (dim / QK4_0) * Q4_0_BYTES, out, dim);
        return;
    case 12: /* Q4_K */
        tg_ref_dequant_row_q4_k(t + (size_t)token * (dim / QK_K) * Q4_K_BYTES, out, dim);
        return;
    default:
        memset(out, 0, (size_t)dim * sizeof(float));
    }
}

int tg_ref_argmax(const float *x, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best] || (x[best] != x[best] && x[i] == x[i])) best = i;
    return best;
}
