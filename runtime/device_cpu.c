/* device_cpu.c: the `cpu` backend. Device memory is host memory and a kernel launch calls the C
 * implementation registered under the kernel's name, with the same arguments the .cu kernel takes.
 * Grid and block are ignored: each entry computes its whole output. The heavy kernels (matvec,
 * attention) split their rows/heads over a thread pool and use the fused quantized dot products
 * (tg_dot); the rest are the plain references of runtime/cpu_kernels.h. */
#include "runtime/device_backend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cpu_kernels.h"
#include "runtime/llm_threads.h"
#include "runtime/quant.h"

typedef struct cpu_backend {
    tg_pool *pool;
    int fast_dot;
    void *xq;            /* x quantized to the weight's vec_dot_type (fast_dot) */
    size_t xq_cap;
} cpu_backend;

#define PTR(n)  ((void *)(uintptr_t)args[n].v.p)
#define I32(n)  (args[n].v.i)
#define U32(n)  (args[n].v.u)
#define F32(n)  (args[n].v.f)

/* ---- matvec: y = W x, rows over the pool ------------------------------------------------------ */

typedef struct matvec_job {
    uint32_t type; const uint8_t *w; const float *x; float *y; int rows, cols; size_t row_bytes;
    const void *xq;      /* non-NULL: integer dots against the quantized x */
} matvec_job;

static void matvec_part(void *arg, int ith, int nth)
{
    const matvec_job *j = arg;
    int per = (j->rows + nth - 1) / nth, r0 = ith * per, r1 = r0 + per;
    if (r1 > j->rows) r1 = j->rows;
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = j->w + (size_t)r * j->row_bytes;
        j->y[r] = j->xq ? tg_dot_q8(j->type, row, j->xq, (uint64_t)j->cols)
                        : tg_dot(j->type, row, j->x, (uint64_t)j->cols);
    }
}

static int matvec(cpu_backend *b, uint32_t type, const tg_dev_arg *args)
{
    matvec_job j = { type, PTR(0), PTR(1), PTR(2), I32(3), I32(4),
                     tg_type_row_bytes(type, (uint64_t)I32(4)), NULL };
    if (j.row_bytes == 0 || j.rows < 0) return -1;
    uint32_t vt = tg_vec_dot_type(type);
    if (b->fast_dot && vt != TG_TYPE_F32) {
        size_t need = tg_type_row_bytes(vt, (uint64_t)j.cols);
        if (need == 0) return -1;
        if (need > b->xq_cap) {
            void *p = realloc(b->xq, need);
            if (!p) return -1;
            b->xq = p;
            b->xq_cap = need;
        }
        tg_quantize(vt, j.x, b->xq, (uint64_t)j.cols);
        j.xq = b->xq;
    }
    tg_pool_run(b->pool, matvec_part, &j);
    return 0;
}

/* ---- attention: heads over the pool ------------------------------------------------------------ */

typedef struct attn_job {
    const float *q; const void *k, *v; float *out; float *scratch;
    int n_heads, n_kv_heads, head_dim, n_pos, kv_stride; bool f16;
} attn_job;

static float cache_at(const attn_job *j, const void *cache, size_t i)
{
    return j->f16 ? tg_f16_to_f32(((const uint16_t *)cache)[i]) : ((const float *)cache)[i];
}

static void attention_part(void *arg, int ith, int nth)
{
    const attn_job *j = arg;
    int hd = j->head_dim, group = j->n_heads / j->n_kv_heads;
    float scale = 1.0f / sqrtf((float)hd);
    for (int h = ith; h < j->n_heads; h += nth) {
        const float *q = j->q + (size_t)h * hd;
        float *sc = j->scratch + (size_t)h * j->n_pos, *out = j->out + (size_t)h * hd;
        size_t off = (size_t)(h / group) * hd;
        for (int t = 0; t < j->n_pos; t++) {
            float dot = 0.0f;
            for (int i = 0; i < hd; i++) dot += q[i] * cache_at(j, j->k, (size_t)t * j->kv_stride + off + i);
            sc[t] = dot * scale;
        }
        tg_ref_softmax(sc, j->n_pos);
        for (int i = 0; i < hd; i++) out[i] = 0.0f;
        for (int t = 0; t < j->n_pos; t++)
            for (int i = 0; i < hd; i++) out[i] += sc[t] * cache_at(j, j->v, (size_t)t * j->kv_stride + off + i);
    }
}

static int attention(cpu_backend *b, const tg_dev_arg *args, bool f16)
{
    attn_job j = { PTR(0), PTR(1), PTR(2), PTR(3), NULL, I32(4), I32(5), I32(6), I32(7), I32(8), f16 };
    if (j.n_heads <= 0 || j.n_kv_heads <= 0 || j.n_heads % j.n_kv_heads || j.n_pos <= 0) return -1;
    j.scratch = malloc((size_t)j.n_heads * (size_t)j.n_pos * sizeof(float));
    if (!j.scratch) return -1;
    tg_pool_run(b->pool, attention_part, &j);
    free(j.scratch);
    return 0;
}

/* ---- the kernel table --------------------------------------------------------------------------- */

static int run_kernel(cpu_backend *b, const char *name, const tg_dev_arg *args, int nargs, int *want)
{
#define KERNEL(NAME, NARGS) if (!strcmp(name, NAME) && (*want = (NARGS)) == nargs)
    if (!strncmp(name, "embed_", 6) && (*want = 5) == nargs) {   /* any type: dequantized by quant.c */
        size_t row = tg_type_row_bytes(U32(0), (uint64_t)I32(4));
        if (row == 0 || I32(2) < 0) return -1;
        tg_dequantize(U32(0), (const uint8_t *)PTR(1) + (size_t)I32(2) * row, PTR(3), (uint64_t)I32(4));
        return 0;
    }
    KERNEL("rmsnorm", 5) { tg_ref_rmsnorm(PTR(0), PTR(1), PTR(2), I32(3), F32(4)); return 0; }
    KERNEL("rope", 8) { tg_ref_rope_ext(PTR(0), I32(1), I32(2), I32(3), F32(4), F32(5), F32(6), I32(7)); return 0; }
    KERNEL("attention", 9) return attention(b, args, false);
    KERNEL("attention_f16kv", 9) return attention(b, args, true);
    KERNEL("silu_mul", 4) { tg_ref_silu_mul(PTR(0), PTR(1), PTR(2), I32(3)); return 0; }
    KERNEL("add", 3) { tg_ref_add(PTR(0), PTR(1), I32(2)); return 0; }
    KERNEL("add_rmsnorm", 6) {   /* the add reads all of y before the norm writes out (they may alias) */
        tg_ref_add(PTR(0), PTR(1), I32(4));
        tg_ref_rmsnorm(PTR(0), PTR(2), PTR(3), I32(4), F32(5));
        return 0;
    }
    KERNEL("store_f16", 3) {
        const float *src = PTR(0); uint16_t *dst = PTR(1);
        for (int i = 0; i < I32(2); i++) dst[i] = tg_f32_to_f16(src[i]);
        return 0;
    }
    KERNEL("argmax", 3) { *(int32_t *)PTR(2) = tg_ref_argmax(PTR(0), I32(1)); return 0; }
    KERNEL("matvec_f32", 5) return matvec(b, TG_TYPE_F32, args);
    KERNEL("matvec_f16", 5) return matvec(b, TG_TYPE_F16, args);
    KERNEL("matvec_bf16", 5) return matvec(b, TG_TYPE_BF16, args);
    KERNEL("matvec_q8_0", 5) return matvec(b, TG_TYPE_Q8_0, args);
    KERNEL("matvec_q4_0", 5) return matvec(b, TG_TYPE_Q4_0, args);
    KERNEL("matvec_q4_1", 5) return matvec(b, TG_TYPE_Q4_1, args);
    KERNEL("matvec_q5_0", 5) return matvec(b, TG_TYPE_Q5_0, args);
    KERNEL("matvec_q5_1", 5) return matvec(b, TG_TYPE_Q5_1, args);
    KERNEL("matvec_q4_k", 5) return matvec(b, TG_TYPE_Q4_K, args);
    KERNEL("matvec_q5_k", 5) return matvec(b, TG_TYPE_Q5_K, args);
    KERNEL("matvec_q6_k", 5) return matvec(b, TG_TYPE_Q6_K, args);
#undef KERNEL
    return -2;
}

static int cpu_launch(tg_dev *d, const char *name, tg_dev_dim grid, tg_dev_dim block,
                      const tg_dev_arg *args, int nargs, tg_dev_kernel_stats *acc)
{
    (void)grid; (void)block; (void)acc;
    int want = -1;
    int rc = run_kernel(d->impl, name, args, nargs, &want);
    if (rc == -2 && want >= 0) return tg_dev_fail(d, "kernel %s takes %d arguments, %d given", name, want, nargs);
    if (rc == -2) return tg_dev_fail(d, "the cpu backend has no kernel named '%s'", name);
    if (rc != 0) return tg_dev_fail(d, "kernel %s: invalid arguments", name);
    return 0;
}

static int cpu_open(tg_dev *d, const tg_dev_options *o)
{
    cpu_backend *b = calloc(1, sizeof *b);
    if (!b) return tg_dev_fail(d, "out of memory");
    d->impl = b;
    b->fast_dot = o->fast_dot;
    b->pool = tg_pool_new(o->threads > 1 ? o->threads : 1);
    if (!b->pool) return tg_dev_fail(d, "cannot start %d threads", o->threads);
    return 0;
}

static void cpu_close(tg_dev *d)
{
    cpu_backend *b = d->impl;
    if (!b) return;
    if (b->pool) tg_pool_free(b->pool);
    free(b->xq);
    free(b);
}

static tg_dptr cpu_alloc(tg_dev *d, size_t bytes)
{
    (void)d;
    return (tg_dptr)(uintptr_t)calloc(1, bytes ? bytes : 1);
}

static void cpu_free(tg_dev *d, tg_dptr p) { (void)d; free((void *)(uintptr_t)p); }

static int cpu_upload(tg_dev *d, tg_dptr dst, const void *src, size_t n)
{
    (void)d;
    memcpy((void *)(uintptr_t)dst, src, n);
    return 0;
}

static int cpu_download(tg_dev *d, void *dst, tg_dptr src, size_t n)
{
    (void)d;
    memcpy(dst, (const void *)(uintptr_t)src, n);
    return 0;
}

static tg_dptr cpu_import(tg_dev *d, const void *host, size_t n)
{
    (void)d; (void)n;
    return (tg_dptr)(uintptr_t)host;
}

const tg_dev_backend tg_dev_backend_cpu = {
    "cpu", cpu_open, cpu_close, cpu_alloc, cpu_free, cpu_upload, cpu_download, cpu_import, cpu_launch, NULL, NULL, NULL,
};
