/* llm_model.h: a Llama-family transformer loaded from GGUF: its hyperparameters (tg_llm_config),
 * its weights left in their file types inside the mapping (tg_llm_weights), the buffers and KV
 * cache of a run (tg_llm_state), and the forward pass for one token. Architectures: llama (incl.
 * grouped-query attention) and qwen2 (q/k/v biases, NeoX RoPE). Internal to the runtime; the
 * public API is runtime/tgpu_llm.h. */
#ifndef TG_LLM_MODEL_H
#define TG_LLM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/gguf.h"
#include "runtime/device.h"

enum tg_llm_arch { TG_ARCH_LLAMA, TG_ARCH_QWEN2 };
enum tg_kv_type { TG_KV_F32, TG_KV_F16 };

typedef struct tg_llm_config {
    int arch;
    int n_vocab, dim, n_layers, n_heads, n_kv_heads, head_dim, ffn_dim;
    int n_ctx_train, n_rot;
    float norm_eps, rope_base, rope_freq_scale;   /* freq_scale = 1 / linear scaling factor */
    bool rope_neox;
} tg_llm_config;

/* A weight matrix [rows][cols] (or a vector: rows = 1) in its GGUF type. */
typedef struct tg_weight {
    const void *data;
    uint32_t type;
    int rows, cols;
    size_t row_bytes;
} tg_weight;

typedef struct tg_llm_layer {
    tg_weight attn_norm, wq, wk, wv, wo, bq, bk, bv;   /* biases: data NULL when absent */
    tg_weight ffn_norm, w_gate, w_up, w_down;
} tg_llm_layer;

typedef struct tg_llm_weights {
    tg_weight tok_embd, out_norm, output;             /* output == tok_embd when tied */
    tg_llm_layer *layers;
    bool tied;
} tg_llm_weights;

/* A weight as the device sees it. */
typedef struct tg_dweight { tg_dptr p; uint32_t type; int rows, cols; } tg_dweight;

typedef struct tg_dlayer {
    tg_dweight attn_norm, wq, wk, wv, wo, bq, bk, bv;  /* biases: p == 0 when absent */
    tg_dweight ffn_norm, w_gate, w_up, w_down;
} tg_dlayer;

/* Called after each op of the forward pass with the op's output on the device (for tgpu diff). */
typedef void (*tg_llm_trace_fn)(void *user, const char *op, int layer, tg_dptr out, int n);  /* = tg_llm_op_cb */

typedef struct tg_llm_state {
    tg_dev *dev;                  /* every computation of the forward pass runs here */
    tg_dweight tok_embd, out_norm, output;
    tg_dlayer *layers;
    tg_dptr x, xb, xb2;           /* residual stream and scratch [max(dim, q_dim)] */
    tg_dptr q, k, v;              /* [n_heads*head_dim], [kv_dim], [kv_dim] */
    tg_dptr hb, hb2;              /* [ffn_dim] */
    tg_dptr logits_dev;           /* [n_vocab] */
    tg_dptr k_cache, v_cache;     /* [n_layers][n_ctx][kv_dim] of kv_type */
    float *logits;                /* host copy of the last logits */
    int kv_type, n_ctx;
    tg_llm_trace_fn trace;        /* optional */
    void *trace_user;
} tg_llm_state;

typedef struct tg_llm_model {
    tg_gguf file;
    tg_llm_config c;
    tg_llm_weights w;
} tg_llm_model;

/* Opens path (mmap) and validates every hyperparameter and tensor (name, shape, type).
 * Returns 0, or -1 with a one-line reason in err. */
int tg_llm_model_load(tg_llm_model *m, const char *path, char *err, size_t errlen);
/* The same checks over a file already in m->file (opened or parsed from memory by the caller);
 * on failure m->file is closed too. */
int tg_llm_model_bind(tg_llm_model *m, char *err, size_t errlen);
void tg_llm_model_free(tg_llm_model *m);

/* Makes the weights visible to dev (aliased on cpu, uploaded elsewhere) and allocates the
 * activations and KV cache there. Returns 0, or -1 with a one-line reason in err. */
int tg_llm_state_init(tg_llm_state *s, const tg_llm_model *m, tg_dev *dev, int n_ctx, int kv_type,
                      char *err, size_t errlen);
void tg_llm_state_free(tg_llm_state *s);

/* Runs token at position pos (0 <= pos < n_ctx) through the network on s->dev, appending its keys
 * and values to the cache; with want_logits, s->logits gets the next-token logits. Returns 0, or
 * -1 when a kernel failed (the reason is tg_dev_error(s->dev)). */
int tg_llm_forward(const tg_llm_model *m, tg_llm_state *s, int token, int pos, bool want_logits);

#endif
