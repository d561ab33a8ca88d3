/* test_llm_quant_xcheck.c: the reference kernels' own block decoders (cpu_kernels.c) against
 * quant.c's, which were written separately: dequantized values must agree bit for bit, and
 * matvec rows must agree with tg_dot within float reassociation error. Random blocks cover every
 * scale/min bit pattern of q4_K. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cpu_kernels.h"
#include "runtime/quant.h"

static int failures;

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 17; rng_state ^= rng_state << 5;
    return rng_state;
}

/* Random bytes for rows of type, with each block's f16 scales set to small finite values. */
static void random_rows(uint32_t type, uint8_t *buf, int rows, int cols)
{
    const tg_type_traits *tr = tg_type_get(type);
    size_t nblocks = (size_t)rows * (size_t)cols / tr->block_elems;
    for (size_t b = 0; b < nblocks; b++) {
        uint8_t *blk = buf + b * tr->block_bytes;
        for (uint32_t i = 0; i < tr->block_bytes; i++) blk[i] = (uint8_t)rnd();
        int n_scales = type == TG_TYPE_Q4_K ? 2 : 1;     /* q4_K: d and dmin */
        for (int s = 0; s < n_scales; s++) {
            uint16_t h = tg_f32_to_f16((float)(rnd() % 1000 + 1) * 1e-5f * ((rnd() & 1) ? 1.0f : -1.0f));
            blk[2 * s] = (uint8_t)h; blk[2 * s + 1] = (uint8_t)(h >> 8);
        }
    }
}

typedef void (*ref_matvec)(const void *, const float *, float *, int, int);
typedef void (*ref_dequant)(const void *, float *, int);

static void xcheck(const char *name, uint32_t type, ref_matvec mv, ref_dequant dq, int rows, int cols)
{
    size_t row_bytes = tg_type_row_bytes(type, (uint64_t)cols);
    uint8_t *w = malloc(row_bytes * (size_t)rows);
    float *x = malloc((size_t)cols * sizeof *x), *y = malloc((size_t)rows * sizeof *y);
    float *a = malloc((size_t)cols * sizeof *a), *b = malloc((size_t)cols * sizeof *b);
    random_rows(type, w, rows, cols);
    for (int i = 0; i < cols; i++) x[i] = (float)((int)(rnd() % 2001) - 1000) * 1e-3f;
    mv(w, x, y, rows, cols);
    for (int r = 0; r < rows; r++) {
        const uint8_t *row = w + (size_t)r * row_bytes;
        dq(row, a, cols);
        tg_dequantize(type, row, b, (uint64_t)cols);
        if (memcmp(a, b, (size_t)cols * sizeof *a) != 0) {
            fprintf(stderr, "%s row %d: dequantized values differ from quant.c\n", name, r);
            failures++;
            break;
        }
        double mag = 0;
        for (int i = 0; i < cols; i++) mag += fabs((double)a[i] * x[i]);
        float d = tg_dot(type, row, x, (uint64_t)cols);
        if (fabs((double)d - y[r]) > 1e-5 * mag + 1e-6) {
            fprintf(stderr, "%s row %d: ref matvec %g, tg_dot %g\n", name, r, y[r], d);
            failures++;
            break;
        }
        float e[1024];
        tg_ref_embed(type, w, r, e, cols);
        if (memcmp(e, a, (size_t)cols * sizeof *a) != 0) { fprintf(stderr, "%s row %d: embed differs\n", name, r); failures++; break; }
    }
    free(w); free(x); free(y); free(a); free(b);
}

int main(void)
{
    xcheck("q8_0", TG_TYPE_Q8_0, tg_ref_matvec_q8_0, tg_ref_dequant_row_q8_0, 37, 96);
    xcheck("q4_0", TG_TYPE_Q4_0, tg_ref_matvec_q4_0, tg_ref_dequant_row_q4_0, 37, 96);
    xcheck("q4_K", TG_TYPE_Q4_K, tg_ref_matvec_q4_k, tg_ref_dequant_row_q4_k, 29, 768);
    if (failures) { fprintf(stderr, "test_llm_quant_xcheck: %d failed\n", failures); return 1; }
    printf("test_llm_quant_xcheck: ok\n");
    return 0;
}
