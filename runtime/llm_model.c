/* llm_model.c: loading a Llama-family model from GGUF (see llm_model.h). Hyperparameters come
 * from the <arch>.* keys; tensors use llama.cpp's names; each one's shape and type is checked
 * here so the forward pass can trust them. Weights are not copied: they point into the mapping. */
#include "runtime/llm_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/llm_meta.h"
#include "runtime/quant.h"

/* Reads <arch>.<name> as a positive int. */
static int hparam(const tg_gguf *g, const char *arch, const char *name, bool required, int *out,
                  char *err, size_t errlen)
{
    char key[128];
    snprintf(key, sizeof key, "%s.%s", arch, name);
    int64_t v = *out;
    if (tg_meta_int(g, key, required, &v, err, errlen)) return -1;
    if (v <= 0 || v > (1 << 26)) {
        snprintf(err, errlen, "%s: %s = %lld is out of range", g->path, key, (long long)v);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int fparam(const tg_gguf *g, const char *arch, const char *name, float *out, char *err, size_t errlen)
{
    char key[128];
    snprintf(key, sizeof key, "%s.%s", arch, name);
    if (tg_meta_f32(g, key, false, out, err, errlen)) return -1;
    if (!(*out > 0.0f)) { snprintf(err, errlen, "%s: %s = %g must be positive", g->path, key, *out); return -1; }
    return 0;
}

static int load_config(const tg_gguf *g, tg_llm_config *c, char *err, size_t errlen)
{
    tg_gguf_str arch_s;
    if (tg_meta_str(g, "general.architecture", true, &arch_s, err, errlen)) return -1;
    char arch[32];
    if (tg_str_eq(arch_s, "llama")) c->arch = TG_ARCH_LLAMA;
    else if (tg_str_eq(arch_s, "qwen2")) c->arch = TG_ARCH_QWEN2;
    else {
        snprintf(err, errlen, "%s: architecture '%.*s' not supported (llama, qwen2)", g->path,
                 (int)(arch_s.len > 40 ? 40 : arch_s.len), arch_s.data);
        return -1;
    }
    snprintf(arch, sizeof arch, "%s", c->arch == TG_ARCH_LLAMA ? "llama" : "qwen2");
    c->rope_neox = c->arch == TG_ARCH_QWEN2;
    c->n_ctx_train = 2048;
    c->norm_eps = 1e-5f;
    c->rope_base = 10000.0f;
    c->rope_freq_scale = 1.0f;
    if (hparam(g, arch, "embedding_length", true, &c->dim, err, errlen) ||
        hparam(g, arch, "block_count", true, &c->n_layers, err, errlen) ||
        hparam(g, arch, "feed_forward_length", true, &c->ffn_dim, err, errlen) ||
        hparam(g, arch, "attention.head_count", true, &c->n_heads, err, errlen) ||
        hparam(g, arch, "context_length", false, &c->n_ctx_train, err, errlen) ||
        fparam(g, arch, "attention.layer_norm_rms_epsilon", &c->norm_eps, err, errlen) ||
        fparam(g, arch, "rope.freq_base", &c->rope_base, err, errlen))
        return -1;
    c->n_kv_heads = c->n_heads;
    c->head_dim = c->dim / c->n_heads;
    if (hparam(g, arch, "attention.head_count_kv", false, &c->n_kv_heads, err, errlen) ||
        hparam(g, arch, "attention.key_length", false, &c->head_dim, err, errlen))
        return -1;
    c->n_rot = c->head_dim;
    if (hparam(g, arch, "rope.dimension_count", false, &c->n_rot, err, errlen)) return -1;
    if (c->n_heads % c->n_kv_heads) {
        snprintf(err, errlen, "%s: head_count %d is not a multiple of head_count_kv %d", g->path, c->n_heads, c->n_kv_heads);
        return -1;
    }
    /* products below must fit an int: q_dim, kv_dim and the per-head loops use them */
    if ((int64_t)c->n_heads * c->head_dim > (1 << 26) || c->n_kv_heads > c->n_heads) {
        snprintf(err, errlen, "%s: %d heads of %d (%d kv heads) is out of range", g->path, c->n_heads,
                 c->head_dim, c->n_kv_heads);
        return -1;
    }
    if (c->head_dim < 2 || c->n_rot > c->head_dim || c->n_rot % 2 || c->head_dim % 2) {
        snprintf(err, errlen, "%s: rope.dimension_count %d does not fit head size %d", g->path, c->n_rot, c->head_dim);
        return -1;
    }
    char key[128];
    tg_gguf_str scaling = { 0, "" };
    snprintf(key, sizeof key, "%s.rope.scaling.type", arch);
    if (tg_meta_str(g, key, false, &scaling, err, errlen)) return -1;
    if (tg_str_eq(scaling, "linear")) {
        float factor = 1.0f;
        if (fparam(g, arch, "rope.scaling.factor", &factor, err, errlen)) return -1;
        c->rope_freq_scale = 1.0f / factor;
    } else if (scaling.len && !tg_str_eq(scaling, "none")) {
        snprintf(err, errlen, "%s: %s '%.*s' not supported (linear, none)", g->path, key,
                 (int)(scaling.len > 40 ? 40 : scaling.len), scaling.data);
        return -1;
    }
    return 0;
}

/* Finds name, checks its type is supported (or, for norms/biases, f32) and its shape is
 * [cols] (rows == 0) or [cols, rows]. */
static int bind(const tg_gguf *g, const char *name, int cols, int rows, bool f32_only, bool optional,
                tg_weight *w, char *err, size_t errlen)
{
    const tg_gguf_tensor *t = tg_gguf_tensor_find(g, name);
    memset(w, 0, sizeof *w);
    if (!t) {
        if (optional) return 0;
        snprintf(err, errlen, "%s: tensor '%s' missing", g->path, name);
        return -1;
    }
    uint32_t want_dims = rows ? 2 : 1;
    bool shape_ok = t->ne[0] == (uint64_t)cols && (rows ? t->ne[1] == (uint64_t)rows : 1);
    for (uint32_t d = want_dims; d < t->n_dims; d++) shape_ok = shape_ok && t->ne[d] == 1;
    if (!shape_ok || t->n_dims < want_dims) {
        char got[96];
        int n = snprintf(got, sizeof got, "[");
        for (uint32_t d = 0; d < t->n_dims && d < 4; d++)
            n += snprintf(got + n, sizeof got - (size_t)n, "%s%llu", d ? "," : "", (unsigned long long)t->ne[d]);
        snprintf(got + n, sizeof got - (size_t)n, "]");
        if (rows) snprintf(err, errlen, "%s: tensor '%s' has shape %s, expected [%d,%d]", g->path, name, got, cols, rows);
        else snprintf(err, errlen, "%s: tensor '%s' has shape %s, expected [%d]", g->path, name, got, cols);
        return -1;
    }
    const tg_type_traits *tr = tg_type_get(t->type);
    if (!tr || !tr->supported || (f32_only && t->type != TG_TYPE_F32)) {
        snprintf(err, errlen, "%s: tensor '%s' has type %s, %s", g->path, name, tr ? tr->name : "unknown",
                 f32_only ? "expected f32" : "which this runtime cannot compute with");
        return -1;
    }
    size_t row_bytes = tg_type_row_bytes(t->type, (uint64_t)cols);
    if (!row_bytes) {
        snprintf(err, errlen, "%s: tensor '%s': row of %d is not a whole number of %s blocks", g->path, name, cols, tr->name);
        return -1;
    }
    if (t->nbytes < row_bytes * (size_t)(rows ? rows : 1)) {
        snprintf(err, errlen, "%s: tensor '%s' holds %llu bytes, expected %zu", g->path, name,
                 (unsigned long long)t->nbytes, row_bytes * (size_t)(rows ? rows : 1));
        return -1;
    }
    *w = (tg_weight){ t->data, t->type, rows ? rows : 1, cols, row_bytes };
    return 0;
}

static int bind_layer(const tg_gguf *g, const tg_llm_config *c, int l, tg_llm_layer *L, char *err, size_t errlen)
{
    int q_dim = c->n_heads * c->head_dim, kv_dim = c->n_kv_heads * c->head_dim;
    bool bias_required = c->arch == TG_ARCH_QWEN2;
    struct { const char *name; tg_weight *w; int cols, rows; bool f32, optional; } spec[] = {
        { "attn_norm.weight", &L->attn_norm, c->dim, 0, true, false },
        { "attn_q.weight", &L->wq, c->dim, q_dim, false, false },
        { "attn_k.weight", &L->wk, c->dim, kv_dim, false, false },
        { "attn_v.weight", &L->wv, c->dim, kv_dim, false, false },
        { "attn_output.weight", &L->wo, q_dim, c->dim, false, false },
        { "attn_q.bias", &L->bq, q_dim, 0, true, !bias_required },
        { "attn_k.bias", &L->bk, kv_dim, 0, true, !bias_required },
        { "attn_v.bias", &L->bv, kv_dim, 0, true, !bias_required },
        { "ffn_norm.weight", &L->ffn_norm, c->dim, 0, true, false },
        { "ffn_gate.weight", &L->w_gate, c->dim, c->ffn_dim, false, false },
        { "ffn_up.weight", &L->w_up, c->dim, c->ffn_dim, false, false },
        { "ffn_down.weight", &L->w_down, c->ffn_dim, c->dim, false, false },
    };
    for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
        char name[96];
        snprintf(name, sizeof name, "blk.%d.%s", l, spec[i].name);
        if (bind(g, name, spec[i].cols, spec[i].rows, spec[i].f32, spec[i].optional, spec[i].w, err, errlen)) return -1;
    }
    return 0;
}

int tg_llm_model_load(tg_llm_model *m, const char *path, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (tg_gguf_open(&m->file, path, err, errlen)) return -1;
    return tg_llm_model_bind(m, err, errlen);
}

int tg_llm_model_bind(tg_llm_model *m, char *err, size_t errlen)
{
    const tg_gguf *g = &m->file;
    const char *path = g->path;
    tg_llm_config *c = &m->c;
    if (load_config(g, c, err, errlen)) goto fail;
    const tg_gguf_tensor *emb = tg_gguf_tensor_find(g, "token_embd.weight");
    if (!emb) { snprintf(err, errlen, "%s: tensor 'token_embd.weight' missing", path); goto fail; }
    if (emb->n_dims < 2 || emb->ne[1] == 0 || emb->ne[1] > (1u << 24)) {
        snprintf(err, errlen, "%s: tensor 'token_embd.weight' is not a [dim, n_vocab] matrix", path);
        goto fail;
    }
    if (tg_gguf_tensor_find(g, "rope_freqs.weight")) {   /* Llama 3.1+ frequency factors */
        snprintf(err, errlen, "%s: tensor 'rope_freqs.weight' (llama3 RoPE scaling) not supported", path);
        goto fail;
    }
    c->n_vocab = (int)emb->ne[1];
    if (bind(g, "token_embd.weight", c->dim, c->n_vocab, false, false, &m->w.tok_embd, err, errlen) ||
        bind(g, "output_norm.weight", c->dim, 0, true, false, &m->w.out_norm, err, errlen) ||
        bind(g, "output.weight", c->dim, c->n_vocab, false, true, &m->w.output, err, errlen))
        goto fail;
    m->w.tied = m->w.output.data == NULL;
    if (m->w.tied) m->w.output = m->w.tok_embd;
    /* each block has at least 9 tensors: refuse an absurd block_count before allocating for it */
    if ((uint64_t)c->n_layers * 9 > g->n_tensors) {
        snprintf(err, errlen, "%s: block_count %d but the file holds only %llu tensors", path, c->n_layers,
                 (unsigned long long)g->n_tensors);
        goto fail;
    }
    m->w.layers = calloc((size_t)c->n_layers, sizeof *m->w.layers);
    if (!m->w.layers) { snprintf(err, errlen, "%s: out of memory", path); goto fail; }
    for (int l = 0; l < c->n_layers; l++)
        if (bind_layer(g, c, l, &m->w.layers[l], err, errlen)) goto fail;
    return 0;
fail:
    tg_llm_model_free(m);
    return -1;
}

void tg_llm_model_free(tg_llm_model *m)
{
    free(m->w.layers);
    m->w.layers = NULL;
    if (m->file.base) tg_gguf_close(&m->file);
    memset(&m->file, 0, sizeof m->file);
}
