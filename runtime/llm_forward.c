/* llm_forward.c: the transformer forward pass for one token, read top to bottom:
 *   x = embed(token)
 *   per layer:  xb = rmsnorm(x) ; q,k,v = Wq xb (+bq), Wk xb (+bk), Wv xb (+bv) ; rope(q, k)
 *               cache k, v at pos ; xb2 = attention(q, cache) ; x += Wo xb2
 *               xb = rmsnorm(x) ; x += Wdown (silu(Wgate xb) * Wup xb)
 * (each residual add and the rmsnorm after it are one kernel, add_rmsnorm)
 *   logits = Wout rmsnorm(x)
 * Every step is a kernel launched through the device layer (runtime/device.h), so the same code
 * runs on the cpu reference, the simulated GPU, the RTL and CUDA. Nothing here allocates. */
#include "runtime/llm_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/quant.h"

/* The GPU attention kernel keeps a head's scores in shared memory (kernels/llm.cu). */
#define ATT_MAX_POS 4096

/* ---- weights and buffers on the device ---------------------------------------------------------- */

static int import_weight(tg_llm_state *s, const tg_weight *w, tg_dweight *out)
{
    *out = (tg_dweight){ 0, w->type, w->rows, w->cols };
    if (!w->data) return 0;
    out->p = tg_dev_import(s->dev, w->data, w->row_bytes * (size_t)w->rows);
    return out->p ? 0 : -1;
}

static int import_weights(tg_llm_state *s, const tg_llm_model *m)
{
    const tg_llm_weights *w = &m->w;
    int rc = import_weight(s, &w->tok_embd, &s->tok_embd) | import_weight(s, &w->out_norm, &s->out_norm);
    if (w->tied) s->output = s->tok_embd;
    else rc |= import_weight(s, &w->output, &s->output);
    for (int l = 0; l < m->c.n_layers && rc == 0; l++) {
        const tg_llm_layer *L = &w->layers[l];
        tg_dlayer *D = &s->layers[l];
        rc |= import_weight(s, &L->attn_norm, &D->attn_norm) | import_weight(s, &L->wq, &D->wq) |
              import_weight(s, &L->wk, &D->wk) | import_weight(s, &L->wv, &D->wv) |
              import_weight(s, &L->wo, &D->wo) | import_weight(s, &L->bq, &D->bq) |
              import_weight(s, &L->bk, &D->bk) | import_weight(s, &L->bv, &D->bv) |
              import_weight(s, &L->ffn_norm, &D->ffn_norm) | import_weight(s, &L->w_gate, &D->w_gate) |
              import_weight(s, &L->w_up, &D->w_up) | import_weight(s, &L->w_down, &D->w_down);
    }
    return rc;
}

int tg_llm_state_init(tg_llm_state *s, const tg_llm_model *m, tg_dev *dev, int n_ctx, int kv_type,
                      char *err, size_t errlen)
{
    const tg_llm_config *c = &m->c;
    memset(s, 0, sizeof *s);
    s->dev = dev;
    s->n_ctx = n_ctx;
    if (n_ctx > ATT_MAX_POS && strcmp(tg_dev_backend_of(dev), "cpu")) {
        snprintf(err, errlen, "context %d exceeds the %d positions the GPU attention kernel holds (use -c)", n_ctx, ATT_MAX_POS);
        return -1;
    }
    s->kv_type = kv_type;
    int q_dim = c->n_heads * c->head_dim, kv_dim = c->n_kv_heads * c->head_dim;
    size_t big = (size_t)(c->dim > q_dim ? c->dim : q_dim) * sizeof(float);
    size_t kv_bytes = (size_t)c->n_layers * (size_t)n_ctx * (size_t)kv_dim * (kv_type == TG_KV_F16 ? 2 : 4);
    s->layers = calloc((size_t)c->n_layers, sizeof *s->layers);
    s->logits = calloc((size_t)c->n_vocab, sizeof(float));
    if (!s->layers || !s->logits) goto oom;
    if (import_weights(s, m) != 0) {
        snprintf(err, errlen, "cannot place the weights on the %s device: %s", "target", tg_dev_error(dev));
        tg_llm_state_free(s);
        return -1;
    }
    s->x = tg_dev_alloc(dev, big);
    s->xb = tg_dev_alloc(dev, big);
    s->xb2 = tg_dev_alloc(dev, big);
    s->q = tg_dev_alloc(dev, (size_t)q_dim * sizeof(float));
    s->k = tg_dev_alloc(dev, (size_t)kv_dim * sizeof(float));
    s->v = tg_dev_alloc(dev, (size_t)kv_dim * sizeof(float));
    s->hb = tg_dev_alloc(dev, (size_t)c->ffn_dim * sizeof(float));
    s->hb2 = tg_dev_alloc(dev, (size_t)c->ffn_dim * sizeof(float));
    s->logits_dev = tg_dev_alloc(dev, (size_t)c->n_vocab * sizeof(float));
    s->k_cache = tg_dev_alloc(dev, kv_bytes);
    s->v_cache = tg_dev_alloc(dev, kv_bytes);
    if (s->x && s->xb && s->xb2 && s->q && s->k && s->v && s->hb && s->hb2 && s->logits_dev &&
        s->k_cache && s->v_cache)
        return 0;
oom:
    snprintf(err, errlen, "out of device memory for a %d-token context", n_ctx);
    tg_llm_state_free(s);
    return -1;
}

void tg_llm_state_free(tg_llm_state *s)
{
    if (s->dev) {
        tg_dptr bufs[] = { s->x, s->xb, s->xb2, s->q, s->k, s->v, s->hb, s->hb2, s->logits_dev,
                           s->k_cache, s->v_cache };
        for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) tg_dev_free(s->dev, bufs[i]);
    }
    free(s->layers);
    free(s->logits);
    memset(s, 0, sizeof *s);
}

/* ---- kernel launches: each op names its kernel and its launch shape ------------------------------- */

static tg_dev_dim dim1(uint32_t n) { return (tg_dev_dim){ n ? n : 1, 1, 1 }; }
static uint32_t cdiv(int n, int d) { return (uint32_t)((n + d - 1) / d); }

#define LAUNCH(s, name, grid, block, ...)                                                        \
    do {                                                                                         \
        const tg_dev_arg a_[] = { __VA_ARGS__ };                                                 \
        if (tg_dev_launch((s)->dev, name, grid, block, a_, (int)(sizeof a_ / sizeof a_[0])))    \
            return -1;                                                                           \
    } while (0)

static void trace(tg_llm_state *s, const char *op, int layer, tg_dptr out, int n)
{
    if (s->trace) s->trace(s->trace_user, op, layer, out, n);
}

/* Elementwise kernels: one thread per element. */
#define EW_BLOCK 256

static int op_rmsnorm(tg_llm_state *s, tg_dptr x, const tg_dweight *w, tg_dptr y, int n, float eps)
{
    LAUNCH(s, "rmsnorm", dim1(1), dim1(EW_BLOCK), tg_arg_ptr(x), tg_arg_ptr(w->p), tg_arg_ptr(y),
           tg_arg_i32(n), tg_arg_f32(eps));
    return 0;
}

/* Kernels that come in one variant per weight type are named "<op>_<type>", e.g. matvec_q8_0. */
static void typed_name(char *buf, size_t n, const char *op, uint32_t type)
{
    const tg_type_traits *t = tg_type_get(type);
    snprintf(buf, n, "%s_%s", op, t ? t->name : "unknown");
    for (char *c = buf; *c; c++) if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
}

/* One warp per output row, four rows per block. */
static int op_matvec(tg_llm_state *s, const tg_dweight *w, tg_dptr x, tg_dptr y)
{
    char name[32];
    typed_name(name, sizeof name, "matvec", w->type);
    LAUNCH(s, name, dim1(cdiv(w->rows, 4)), dim1(128), tg_arg_ptr(w->p), tg_arg_ptr(x), tg_arg_ptr(y),
           tg_arg_i32(w->rows), tg_arg_i32(w->cols));
    return 0;
}

/* x += y, then out = rmsnorm(x) * w: a residual add and the norm after it in one launch. */
static int op_add_rmsnorm(tg_llm_state *s, tg_dptr x, tg_dptr y, const tg_dweight *w, tg_dptr out, int n, float eps)
{
    LAUNCH(s, "add_rmsnorm", dim1(1), dim1(EW_BLOCK), tg_arg_ptr(x), tg_arg_ptr(y), tg_arg_ptr(w->p),
           tg_arg_ptr(out), tg_arg_i32(n), tg_arg_f32(eps));
    return 0;
}

static int op_add(tg_llm_state *s, tg_dptr x, tg_dptr y, int n)
{
    LAUNCH(s, "add", dim1(cdiv(n, EW_BLOCK)), dim1(EW_BLOCK), tg_arg_ptr(x), tg_arg_ptr(y), tg_arg_i32(n));
    return 0;
}

static int op_rope(tg_llm_state *s, const tg_llm_config *c, tg_dptr x, int n_heads, int pos)
{
    int pairs = n_heads * c->n_rot / 2;
    LAUNCH(s, "rope", dim1(cdiv(pairs, 64)), dim1(64), tg_arg_ptr(x), tg_arg_i32(n_heads),
           tg_arg_i32(c->head_dim), tg_arg_i32(c->n_rot), tg_arg_f32((float)pos), tg_arg_f32(c->rope_base),
           tg_arg_f32(c->rope_freq_scale), tg_arg_i32(c->rope_neox));
    return 0;
}

/* One block per head. */
static int op_attention(tg_llm_state *s, const tg_llm_config *c, tg_dptr kc, tg_dptr vc, int n_pos)
{
    int kv_dim = c->n_kv_heads * c->head_dim;
    LAUNCH(s, s->kv_type == TG_KV_F16 ? "attention_f16kv" : "attention", dim1((uint32_t)c->n_heads), dim1(128),
           tg_arg_ptr(s->q), tg_arg_ptr(kc), tg_arg_ptr(vc), tg_arg_ptr(s->xb2), tg_arg_i32(c->n_heads),
           tg_arg_i32(c->n_kv_heads), tg_arg_i32(c->head_dim), tg_arg_i32(n_pos), tg_arg_i32(kv_dim));
    return 0;
}

/* Appends this position's k and v (f32 scratch) to the layer's cache. */
static int op_cache_store(tg_llm_state *s, tg_dptr src, tg_dptr dst, int n)
{
    if (s->kv_type == TG_KV_F16) {
        LAUNCH(s, "store_f16", dim1(cdiv(n, EW_BLOCK)), dim1(EW_BLOCK), tg_arg_ptr(src), tg_arg_ptr(dst), tg_arg_i32(n));
        return 0;
    }
    return 0;  /* f32 caches: the matvec wrote straight into the cache slot */
}

/* ---- one token ---------------------------------------------------------------------------------- */

static int forward_launches(const tg_llm_model *m, tg_llm_state *s, int token, int pos, bool want_logits)
{
    const tg_llm_config *c = &m->c;
    int dim = c->dim, q_dim = c->n_heads * c->head_dim, kv_dim = c->n_kv_heads * c->head_dim;
    size_t kv_elem = s->kv_type == TG_KV_F16 ? 2 : 4;
    bool f32_cache = s->kv_type == TG_KV_F32;

    char embed[32];
    typed_name(embed, sizeof embed, "embed", s->tok_embd.type);
    LAUNCH(s, embed, dim1(cdiv(dim, EW_BLOCK)), dim1(EW_BLOCK), tg_arg_u32(s->tok_embd.type),
           tg_arg_ptr(s->tok_embd.p), tg_arg_i32(token), tg_arg_ptr(s->x), tg_arg_i32(dim));
    trace(s, "embed", -1, s->x, dim);

    for (int l = 0; l < c->n_layers; l++) {
        const tg_dlayer *L = &s->layers[l];
        size_t layer_off = (size_t)l * (size_t)s->n_ctx * (size_t)kv_dim * kv_elem;
        tg_dptr kc = s->k_cache + layer_off, vc = s->v_cache + layer_off;
        tg_dptr k_slot = kc + (size_t)pos * kv_dim * kv_elem, v_slot = vc + (size_t)pos * kv_dim * kv_elem;
        tg_dptr k = f32_cache ? k_slot : s->k, v = f32_cache ? v_slot : s->v;

        /* attention block (after layer 0, the previous layer's residual add already normed x) */
        if (l == 0 && op_rmsnorm(s, s->x, &L->attn_norm, s->xb, dim, c->norm_eps)) return -1;
        trace(s, "attn_norm", l, s->xb, dim);
        if (op_matvec(s, &L->wq, s->xb, s->q) || op_matvec(s, &L->wk, s->xb, k) || op_matvec(s, &L->wv, s->xb, v))
            return -1;
        if (L->bq.p && (op_add(s, s->q, L->bq.p, q_dim) || op_add(s, k, L->bk.p, kv_dim) || op_add(s, v, L->bv.p, kv_dim)))
            return -1;
        if (op_rope(s, c, s->q, c->n_heads, pos) || op_rope(s, c, k, c->n_kv_heads, pos)) return -1;
        trace(s, "q_rope", l, s->q, q_dim);
        trace(s, "k_rope", l, k, kv_dim);
        trace(s, "v", l, v, kv_dim);
        if (op_cache_store(s, k, k_slot, kv_dim) || op_cache_store(s, v, v_slot, kv_dim)) return -1;
        if (op_attention(s, c, kc, vc, pos + 1)) return -1;
        trace(s, "attention", l, s->xb2, q_dim);
        if (op_matvec(s, &L->wo, s->xb2, s->xb) || op_add_rmsnorm(s, s->x, s->xb, &L->ffn_norm, s->xb, dim, c->norm_eps))
            return -1;
        trace(s, "attn_residual", l, s->x, dim);

        /* feed-forward block (SwiGLU); its input xb = rmsnorm(x) came with the residual add above */
        if (op_matvec(s, &L->w_gate, s->xb, s->hb) || op_matvec(s, &L->w_up, s->xb, s->hb2)) return -1;
        LAUNCH(s, "silu_mul", dim1(cdiv(c->ffn_dim, EW_BLOCK)), dim1(EW_BLOCK), tg_arg_ptr(s->hb),
               tg_arg_ptr(s->hb2), tg_arg_ptr(s->hb), tg_arg_i32(c->ffn_dim));
        trace(s, "ffn_silu_mul", l, s->hb, c->ffn_dim);
        /* the residual add also norms x for what comes next: the next layer, or the output */
        const tg_dweight *next_norm = l + 1 < c->n_layers ? &s->layers[l + 1].attn_norm : want_logits ? &s->out_norm : NULL;
        if (op_matvec(s, &L->w_down, s->hb, s->xb)) return -1;
        if (next_norm ? op_add_rmsnorm(s, s->x, s->xb, next_norm, s->xb, dim, c->norm_eps) : op_add(s, s->x, s->xb, dim))
            return -1;
        trace(s, "ffn_residual", l, s->x, dim);
    }
    if (!want_logits) return 0;
    if (op_matvec(s, &s->output, s->xb, s->logits_dev)) return -1;
    trace(s, "logits", -1, s->logits_dev, c->n_vocab);
    return 0;
}

/* The launches of one token form one graph for the device layer (a CUDA graph on cuda), unless a
 * trace reads intermediate tensors back between them. */
int tg_llm_forward(const tg_llm_model *m, tg_llm_state *s, int token, int pos, bool want_logits)
{
    bool graph = !s->trace;
    if (graph && tg_dev_graph_begin(s->dev)) return -1;
    int rc = forward_launches(m, s, token, pos, want_logits);
    if (graph && tg_dev_graph_end(s->dev, rc == 0)) return -1;
    if (rc || !want_logits) return rc;
    return tg_dev_download(s->dev, s->logits, s->logits_dev, (size_t)m->c.n_vocab * sizeof(float));
}
