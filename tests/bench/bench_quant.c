/* bench_quant.c: dot throughput per tensor type on one core, in GB/s of weight bytes read, the
 * figure that bounds CPU decode speed. A weight matrix (rows of 4096) is multiplied by a vector
 * repeatedly, best pass kept. Streaming (64 MiB, as decode reads weights): tg_dot with f32
 * activations, tg_matvec with the integer kernels pinned to the portable build, and pinned to the
 * AVX2 build; in cache (1 MiB): the AVX2 build again, i.e. the kernels' own speed. A plain summing
 * pass over the 64 MiB gives the single-core read bandwidth for scale. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/quant.h"

#define N 4096
#define BUDGET (64u << 20)
#define SMALL (1u << 20)
#define MIN_SECONDS 0.2

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static volatile float sink;

/* Seconds per pass, best over passes run for at least MIN_SECONDS. */
static double time_pass(int path, uint32_t type, const uint8_t *w, uint64_t rows, size_t row,
                        const float *x, float *y)
{
    double best = 1e9, start = now();
    int passes = 0;
    while (passes < 2 || now() - start < MIN_SECONDS) {
        double t0 = now();
        if (path == 0)
            for (uint64_t r = 0; r < rows; r++) y[r] = tg_dot(type, w + r * row, x, N);
        else
            tg_matvec(type, w, rows, x, y, N);
        double t = now() - t0;
        if (t < best) best = t;
        sink += y[rows - 1];
        passes++;
    }
    return best;
}

int main(void)
{
    static const uint32_t types[] = { TG_TYPE_F32, TG_TYPE_F16, TG_TYPE_BF16, TG_TYPE_Q8_0, TG_TYPE_Q4_0,
                                      TG_TYPE_Q4_1, TG_TYPE_Q5_0, TG_TYPE_Q5_1, TG_TYPE_Q4_K, TG_TYPE_Q5_K,
                                      TG_TYPE_Q6_K, TG_TYPE_Q8_K };
    float *x = malloc(N * sizeof *x), *src = malloc(64 * N * sizeof *src);
    float *y = malloc((BUDGET / 512) * sizeof *y);
    uint8_t *w = malloc(BUDGET);
    srand(1);
    for (int i = 0; i < N; i++) x[i] = (float)rand() / RAND_MAX - 0.5f;
    for (int i = 0; i < 64 * N; i++) src[i] = (float)rand() / RAND_MAX - 0.5f;

    memset(w, 1, BUDGET);
    double best = 1e9;
    for (int k = 0; k < 5; k++) {
        double t0 = now();
        uint64_t s[4] = { 0 };   /* four chains so the sum itself is not the limit */
        const uint64_t *p = (const uint64_t *)w;
        for (size_t i = 0; i < BUDGET / 8; i += 4)
            for (int j = 0; j < 4; j++) s[j] += p[i + j];
        double t = now() - t0;
        sink += (float)(s[0] + s[1] + s[2] + s[3]);
        if (t < best) best = t;
    }
    printf("bench_quant: one core, rows of %d, %u MiB of weights per type; read bandwidth %.1f GB/s\n",
           N, BUDGET >> 20, BUDGET / best / 1e9);
    printf("%-6s %7s %14s %12s %10s %13s   (GB/s of weights)\n", "type", "B/row",
           "tg_dot(f32 x)", "q8 portable", "q8 avx2", "avx2 in-cache");   /* tg_dot: run-time choice */
    int have_avx2 = tg_dot_set_isa(1) == 0;
    tg_dot_set_isa(-1);
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
        uint32_t t = types[k];
        size_t row = tg_type_row_bytes(t, N);
        uint64_t rows = BUDGET / row;
        for (int r = 0; r < 64; r++) tg_quantize(t, src + (size_t)r * N, w + (size_t)r * row, N);
        for (uint64_t r = 64; r < rows; r++) memcpy(w + r * row, w + (r % 64) * row, row);
        double bytes = (double)rows * (double)row;
        double t_f32 = time_pass(0, t, w, rows, row, x, y);
        tg_dot_set_isa(0);
        double t_port = time_pass(1, t, w, rows, row, x, y);
        double t_avx = 0, t_small = 0;
        uint64_t small_rows = SMALL / row;
        if (have_avx2) {
            tg_dot_set_isa(1);
            t_avx = time_pass(1, t, w, rows, row, x, y);
            t_small = time_pass(1, t, w, small_rows, row, x, y);
        }
        tg_dot_set_isa(-1);
        printf("%-6s %7zu %14.2f %12.2f ", tg_type_get(t)->name, row, bytes / t_f32 / 1e9, bytes / t_port / 1e9);
        if (have_avx2)
            printf("%10.2f %13.2f\n", bytes / t_avx / 1e9, (double)small_rows * (double)row / t_small / 1e9);
        else
            printf("%10s %13s\n", "-", "-");
    }
    free(x); free(src); free(y); free(w);
    return 0;
}
