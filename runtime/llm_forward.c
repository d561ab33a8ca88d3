/* llm_forward.c: the transformer forward pass for one token, read top to bottom:
 *   x = embed(token)
 *   per layer:  xb = rmsnorm(x) ; q,k,v = Wq xb (+bq), Wk xb (+bk), Wv xb (+bv) ; rope(q, k)
 *               cache k, v at pos ; xb = attention(q, cache) ; x += Wo xb
 *               xb = rmsnorm(x) ; x += Wdown (silu(Wgate xb) * Wup xb)
 *   logits = Wout rmsnorm(x)
 * Matrix-vector products go through tg_dot for the weight's own type, rows split over the thread
 * pool; attention is split over heads. Nothing here allocates. */
#include "runtime/llm_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cpu_kernels.h"
#include "runtime/quant.h"

int tg_llm_state_init(tg_llm_state *s, const tg_llm_config *c, int n_ctx, int kv_type)
{
    memset(s, 0, sizeof *s);
    int q_dim = c->n_heads * c->head_dim, kv_dim = c->n_kv_heads * c->head_dim;
    int big = c->dim > q_dim ? c->dim : q_dim;
    size_t kv_elems = (size_t)c->n_layers * (size_t)n_ctx * (size_t)kv_dim;
    size_t kv_elem_bytes = kv_type == TG_KV_F16 ? 2 : 4;
    s->n_ctx = n_ctx;
    s->kv_type = kv_type;
    s->x = calloc((size_t)big, sizeof(float));
    s->xb = calloc((size_t)big, sizeof(float));
    s->xb2 = calloc((size_t)big, sizeof(float));
    s->q = calloc((size_t)q_dim, sizeof(float));
    s->k = calloc((size_t)kv_dim, sizeof(float));
    s->v = calloc((size_t)kv_dim, sizeof(float));
    s->att = calloc((size_t)c->n_heads * (size_t)n_ctx, sizeof(float));
    s->hb = calloc((size_t)c->ffn_dim, sizeof(float));
    s->hb2 = calloc((size_t)c->ffn_dim, sizeof(float));
    s->logits = calloc((size_t)c->n_vocab, sizeof(float));
    s->k_cache = calloc(kv_elems, kv_elem_bytes);
    s->v_cache = calloc(kv_elems, kv_elem_bytes);
    if (!s->x || !s->xb || !s->xb2 || !s->q || !s->k || !s->v || !s->att || !s->hb || !s->hb2 ||
        !s->logits || !s->k_cache || !s->v_cache) {
        tg_llm_state_free(s);
        return -1;
    }
    return 0;
}

void tg_llm_state_free(tg_llm_state *s)
{
    free(s->x); free(s->xb); free(s->xb2); free(s->q); free(s->k); free(s->v); free(s->att);
    free(s->hb); free(s->hb2); free(s->logits); free(s->k_cache); free(s->v_cache);
    memset(s, 0, sizeof *s);
}

/* ---- y = W x, rows split across the pool ------------------------------------------------------ */

typedef struct matvec_job { const tg_weight *w; const float *x; float *y; } matvec_job;

static void matvec_part(void *arg, int ith, int nth)
{
    const matvec_job *j = arg;
    int per = (j->w->rows + nth - 1) / nth, r0 = ith * per, r1 = r0 + per;
    if (r1 > j->w->rows) r1 = j->w->rows;
    const uint8_t *base = j->w->data;
    for (int r = r0; r < r1; r++)
        j->y[r] = tg_dot(j->w->type, base + (size_t)r * j->w->row_bytes, j->x, (uint64_t)j->w->cols);
}

static void matvec(tg_pool *pool, const tg_weight *w, const float *x, float *y)
{
    matvec_job j = { w, x, y };
    tg_pool_run(pool, matvec_part, &j);
}

static void add_bias(float *y, const tg_weight *b)
{
    if (b->data) tg_ref_add(y, b->data, b->cols);
}

/* ---- attention over the cache, heads split across the pool --------------------------------- */

typedef struct attn_job {
    const tg_llm_config *c;
    tg_llm_state *s;
    const void *k_layer, *v_layer;  /* this layer's cache */
    int n_pos;
    float *out;
} attn_job;

static float cache_get(const void *cache, int type, size_t i)
{
    return type == TG_KV_F16 ? tg_f16_to_f32(((const uint16_t *)cache)[i]) : ((const float *)cache)[i];
}

static void attention_part(void *arg, int ith, int nth)
{
    const attn_job *j = arg;
    const tg_llm_config *c = j->c;
    int hd = c->head_dim, kv_dim = c->n_kv_heads * hd, group = c->n_heads / c->n_kv_heads;
    float scale = 1.0f / sqrtf((float)hd);
    for (int h = ith; h < c->n_heads; h += nth) {
        const float *q = j->s->q + (size_t)h * hd;
        float *sc = j->s->att + (size_t)h * j->s->n_ctx, *out = j->out + (size_t)h * hd;
        size_t off = (size_t)(h / group) * hd;
        for (int t = 0; t < j->n_pos; t++) {
            float dot = 0.0f;
            for (int i = 0; i < hd; i++) dot += q[i] * cache_get(j->k_layer, j->s->kv_type, (size_t)t * kv_dim + off + i);
            sc[t] = dot * scale;
        }
        tg_ref_softmax(sc, j->n_pos);
        for (int i = 0; i < hd; i++) out[i] = 0.0f;
        for (int t = 0; t < j->n_pos; t++)
            for (int i = 0; i < hd; i++) out[i] += sc[t] * cache_get(j->v_layer, j->s->kv_type, (size_t)t * kv_dim + off + i);
    }
}

static void cache_put(void *cache, int type, size_t at, const float *src, int n)
{
    if (type == TG_KV_F16)
        for (int i = 0; i < n; i++) ((uint16_t *)cache)[at + (size_t)i] = tg_f32_to_f16(src[i]);
    else
        memcpy((float *)cache + at, src, (size_t)n * sizeof(float));
}

/* ---- one token ------------------------------------------------------------------------------ */

void tg_llm_forward(const tg_llm_model *m, tg_llm_state *s, tg_pool *pool, int token, int pos, bool want_logits)
{
    const tg_llm_config *c = &m->c;
    const tg_llm_weights *w = &m->w;
    int dim = c->dim, kv_dim = c->n_kv_heads * c->head_dim;
    size_t kv_elem = s->kv_type == TG_KV_F16 ? 2 : 4;

    tg_dequantize(w->tok_embd.type, (const uint8_t *)w->tok_embd.data + (size_t)token * w->tok_embd.row_bytes,
                  s->x, (uint64_t)dim);

    for (int l = 0; l < c->n_layers; l++) {
        const tg_llm_layer *L = &w->layers[l];
        size_t layer_off = (size_t)l * (size_t)s->n_ctx * (size_t)kv_dim;

        /* attention block */
        tg_ref_rmsnorm(s->x, L->attn_norm.data, s->xb, dim, c->norm_eps);
        matvec(pool, &L->wq, s->xb, s->q);
        matvec(pool, &L->wk, s->xb, s->k);
        matvec(pool, &L->wv, s->xb, s->v);
        add_bias(s->q, &L->bq);
        add_bias(s->k, &L->bk);
        add_bias(s->v, &L->bv);
        tg_ref_rope_ext(s->q, c->n_heads, c->head_dim, c->n_rot, (float)pos, c->rope_base, c->rope_freq_scale, c->rope_neox);
        tg_ref_rope_ext(s->k, c->n_kv_heads, c->head_dim, c->n_rot, (float)pos, c->rope_base, c->rope_freq_scale, c->rope_neox);
        cache_put(s->k_cache, s->kv_type, layer_off + (size_t)pos * kv_dim, s->k, kv_dim);
        cache_put(s->v_cache, s->kv_type, layer_off + (size_t)pos * kv_dim, s->v, kv_dim);
        attn_job aj = { c, s, (const uint8_t *)s->k_cache + layer_off * kv_elem,
                        (const uint8_t *)s->v_cache + layer_off * kv_elem, pos + 1, s->xb2 };
        tg_pool_run(pool, attention_part, &aj);
        matvec(pool, &L->wo, s->xb2, s->xb);
        tg_ref_add(s->x, s->xb, dim);

        /* feed-forward block (SwiGLU) */
        tg_ref_rmsnorm(s->x, L->ffn_norm.data, s->xb, dim, c->norm_eps);
        matvec(pool, &L->w_gate, s->xb, s->hb);
        matvec(pool, &L->w_up, s->xb, s->hb2);
        tg_ref_silu_mul(s->hb, s->hb2, s->hb, c->ffn_dim);
        matvec(pool, &L->w_down, s->hb, s->xb);
        tg_ref_add(s->x, s->xb, dim);
    }
    if (!want_logits) return;
    tg_ref_rmsnorm(s->x, w->out_norm.data, s->xb, dim, c->norm_eps);
    matvec(pool, &w->output, s->xb, s->logits);
}
