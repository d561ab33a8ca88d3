/* tgpu_llm.h: the public API of the LLM runtime: load a GGUF model (llama / qwen2 families),
 * tokenize, and generate text streamed through a callback, with timing metrics. Everything else
 * in runtime/llm_*.h is internal. One tg_llm is used by one thread at a time. */
#ifndef TGPU_LLM_H
#define TGPU_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tg_llm tg_llm;

typedef struct tg_llm_options {
    int n_ctx;                  /* 0: the model's context length, capped at 4096 */
    int n_threads;              /* 0 or 1: single-threaded */
    bool kv_f16;                /* KV cache in f16 instead of f32 */
    const char *chat_template;  /* "chatml", "llama2", "alpaca"; NULL: detect from the file */
    const char *backend;        /* device backend: "cpu" (NULL), "sim", "rtl", "cuda" */
    bool cycle_mode;            /* sim: cycle-level timing instead of functional */
    bool fast_dot;              /* cpu: 8-bit activations in quantized matvecs (faster, less exact) */
    const char *kernel_dir;     /* sim/rtl: compiled kernels (NULL: the build's default) */
    const char *sim_config;     /* sim, cycle mode: timing preset name or file (NULL: default) */
} tg_llm_options;

typedef struct tg_llm_params {
    int n_predict;              /* tokens to generate at most (stops earlier at end of text) */
    float temp;                 /* <= 0: greedy */
    int top_k;                  /* <= 0: off */
    float top_p;                /* >= 1: off */
    float min_p;                /* <= 0: off */
    float repeat_penalty;       /* 1: off */
    int repeat_last_n;
    uint64_t seed;
    bool chat;                  /* wrap the prompt in the chat template as one user turn */
    const char *system;         /* optional system message in chat mode */
    bool ignore_eos;            /* generate all n_predict tokens (benchmarks compare equal counts) */
} tg_llm_params;

typedef struct tg_llm_metrics {
    int n_prompt, n_generated;
    double load_s;              /* tg_llm_load */
    double ttft_s;              /* generate start -> first generated token handed to the callback */
    double prefill_s, prefill_tok_s;
    double decode_s, decode_tok_s;   /* forward passes after the prompt, per second */
    long peak_rss_kb;           /* process high-water mark */
} tg_llm_metrics;

/* Receives each piece of generated text (complete UTF-8, may be ""); nonzero stops generation. */
typedef int (*tg_llm_token_cb)(const char *text, void *user);

tg_llm_params tg_llm_default_params(void);   /* n_predict 128, temp 0.8, top_k 40, top_p 0.95,
                                                min_p 0.05, repeat 1.0/64, seed 42 */
/* Loads and validates a model; NULL with a one-line reason in err. */
tg_llm *tg_llm_load(const char *path, const tg_llm_options *opt, char *err, size_t errlen);
void tg_llm_free(tg_llm *llm);

/* Tokenizes text (BOS/EOS as the model asks when add_special; special-token text recognized when
 * parse_special). Returns the count needed (ids beyond cap not written), or -1. */
int tg_llm_tokenize(tg_llm *llm, const char *text, bool add_special, bool parse_special, int32_t *out, int cap);
/* The text of one token (no UTF-8 hold-back), NUL-terminated; returns bytes or -1. */
int tg_llm_token_text(tg_llm *llm, int token, char *buf, size_t cap);

/* Generates from prompt (tokenized with add_special, and parse_special in chat mode). Returns 0,
 * or -1 with err (prompt longer than the context, bad parameters). metrics may be NULL. */
int tg_llm_generate(tg_llm *llm, const char *prompt, const tg_llm_params *p, tg_llm_token_cb cb, void *user,
                    tg_llm_metrics *metrics, char *err, size_t errlen);

/* Evaluates tokens from position 0 (the cache is reset); when logits is not NULL it receives
 * n * n_vocab floats, the next-token logits after each token. Returns 0 or -1 with err. */
int tg_llm_eval(tg_llm *llm, const int32_t *tokens, int n, float *logits, char *err, size_t errlen);

/* One forward step: token at position pos (the cache keeps positions < pos); logits (n_vocab
 * floats) may be NULL. Returns 0 or -1 with err. For tools that drive the model step by step. */
int tg_llm_step(tg_llm *llm, int token, int pos, float *logits, char *err, size_t errlen);
/* Observer of every op's output during the forward pass (op name, layer or -1, device pointer,
 * element count); NULL removes it. Used by tgpu diff. */
typedef void (*tg_llm_op_cb)(void *user, const char *op, int layer, uint64_t dptr, int n);
void tg_llm_set_op_observer(tg_llm *llm, tg_llm_op_cb cb, void *user);

int tg_llm_n_vocab(const tg_llm *llm);
int tg_llm_n_ctx(const tg_llm *llm);
/* One line describing the model: arch, sizes, types, tokenizer, template. */
void tg_llm_describe(const tg_llm *llm, char *buf, size_t cap);
/* The device the forward pass runs on (for per-kernel statistics). */
struct tg_dev *tg_llm_device(tg_llm *llm);
/* The chat template in use ("chatml", "llama2", "alpaca", or "none"). */
const char *tg_llm_chat_template(const tg_llm *llm);

#endif
