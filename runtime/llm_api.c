/* llm_api.c: the public LLM API (tgpu_llm.h) over the model, tokenizer, sampler and chat
 * templates: load, tokenize, evaluate, and generate with streaming and metrics. */
#include "runtime/tgpu_llm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "runtime/llm_chat.h"
#include "runtime/llm_meta.h"
#include "runtime/llm_model.h"
#include "runtime/quant.h"
#include "runtime/sampler.h"
#include "runtime/tokenizer.h"

struct tg_llm {
    tg_llm_model model;
    tg_tokenizer tok;
    tg_llm_state state;
    tg_dev *dev;
    int n_threads;
    int chat;                 /* enum tg_chat_tmpl */
    double load_s;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;   /* KiB on Linux */
}

tg_llm_params tg_llm_default_params(void)
{
    tg_sampler_params s = tg_sampler_defaults();
    return (tg_llm_params){ .n_predict = 128, .temp = s.temp, .top_k = s.top_k, .top_p = s.top_p,
                            .min_p = s.min_p, .repeat_penalty = s.repeat_penalty,
                            .repeat_last_n = s.repeat_last_n, .seed = s.seed };
}

tg_llm *tg_llm_load(const char *path, const tg_llm_options *opt, char *err, size_t errlen)
{
    double t0 = now_s();
    tg_llm_options o = opt ? *opt : (tg_llm_options){ 0 };
    tg_llm *llm = calloc(1, sizeof *llm);
    if (!llm) { snprintf(err, errlen, "out of memory"); return NULL; }
    if (tg_llm_model_load(&llm->model, path, err, errlen)) { free(llm); return NULL; }
    const tg_llm_config *c = &llm->model.c;
    if (tg_tok_load_gguf(&llm->tok, &llm->model.file, err, errlen)) goto fail;
    if (llm->tok.n_vocab > c->n_vocab) {
        snprintf(err, errlen, "%s: tokenizer has %d tokens but token_embd has %d rows", path, llm->tok.n_vocab, c->n_vocab);
        goto fail;
    }
    int n_ctx = o.n_ctx > 0 ? o.n_ctx : (c->n_ctx_train < 4096 ? c->n_ctx_train : 4096);
    if (n_ctx > (1 << 20)) { snprintf(err, errlen, "context %d too large", n_ctx); goto fail; }
    tg_dev_options dopt = { .backend = o.backend ? tg_backend_parse(o.backend) : TG_BACKEND_CPU,
                            .cycle_mode = o.cycle_mode, .kernel_dir = o.kernel_dir, .sim_config = o.sim_config,
                            .threads = o.n_threads > 1 ? o.n_threads : 1, .fast_dot = o.fast_dot };
    if (dopt.backend < 0) {
        snprintf(err, errlen, "unknown backend '%s' (cpu, sim, rtl, cuda)", o.backend);
        goto fail;
    }
    llm->n_threads = dopt.threads;
    llm->dev = tg_dev_open(&dopt, err, errlen);
    if (!llm->dev) goto fail;
    if (tg_llm_state_init(&llm->state, &llm->model, llm->dev, n_ctx, o.kv_f16 ? TG_KV_F16 : TG_KV_F32, err, errlen))
        goto fail;
    if (o.chat_template) {
        llm->chat = tg_chat_from_name(o.chat_template);
        if (llm->chat < 0) {
            snprintf(err, errlen, "unknown chat template '%s' (chatml, llama2, alpaca, none)", o.chat_template);
            goto fail;
        }
    } else {
        tg_gguf_str jinja = { 0, NULL };
        if (tg_meta_str(&llm->model.file, "tokenizer.chat_template", false, &jinja, err, errlen)) goto fail;
        llm->chat = tg_chat_detect(jinja.data, jinja.len);
    }
    llm->load_s = now_s() - t0;
    return llm;
fail:
    tg_llm_free(llm);
    return NULL;
}

void tg_llm_free(tg_llm *llm)
{
    if (!llm) return;
    tg_llm_state_free(&llm->state);
    tg_dev_close(llm->dev);
    tg_tok_free(&llm->tok);
    tg_llm_model_free(&llm->model);
    free(llm);
}

int tg_llm_tokenize(tg_llm *llm, const char *text, bool add_special, bool parse_special, int32_t *out, int cap)
{
    return tg_tokenize(&llm->tok, text, strlen(text), add_special, parse_special, out, cap);
}

int tg_llm_token_text(tg_llm *llm, int token, char *buf, size_t cap)
{
    if (cap == 0) return -1;
    int n = tg_tok_piece(&llm->tok, token, buf, cap - 1);
    buf[n > 0 ? n : 0] = 0;
    return n;
}

static int check_tokens(const tg_llm *llm, const int32_t *t, int n, char *err, size_t errlen);

struct tg_dev *tg_llm_device(tg_llm *llm) { return llm->dev; }

int tg_llm_step(tg_llm *llm, int token, int pos, float *logits, char *err, size_t errlen)
{
    if (pos < 0 || pos >= llm->state.n_ctx) {
        snprintf(err, errlen, "position %d is outside the %d-token context", pos, llm->state.n_ctx);
        return -1;
    }
    int32_t t = token;
    if (check_tokens(llm, &t, 1, err, errlen)) return -1;
    if (tg_llm_forward(&llm->model, &llm->state, token, pos, logits != NULL)) {
        snprintf(err, errlen, "%s", tg_dev_error(llm->dev));
        return -1;
    }
    if (logits) memcpy(logits, llm->state.logits, (size_t)llm->model.c.n_vocab * sizeof(float));
    return 0;
}

void tg_llm_set_op_observer(tg_llm *llm, tg_llm_op_cb cb, void *user)
{
    llm->state.trace = cb;
    llm->state.trace_user = user;
}

int tg_llm_n_vocab(const tg_llm *llm) { return llm->model.c.n_vocab; }
int tg_llm_n_ctx(const tg_llm *llm) { return llm->state.n_ctx; }
const char *tg_llm_chat_template(const tg_llm *llm) { return tg_chat_name(llm->chat); }

void tg_llm_describe(const tg_llm *llm, char *buf, size_t cap)
{
    const tg_llm_config *c = &llm->model.c;
    const tg_type_traits *wt = tg_type_get(llm->model.w.layers[0].wq.type);
    snprintf(buf, cap, "%s: %d layers, dim %d, %d heads (%d kv), ffn %d, vocab %d, ctx %d, weights %s%s, "
             "tokenizer %s, chat template %s, %s backend, %d thread(s)",
             c->arch == TG_ARCH_LLAMA ? "llama" : "qwen2", c->n_layers, c->dim, c->n_heads, c->n_kv_heads,
             c->ffn_dim, c->n_vocab, llm->state.n_ctx, wt ? wt->name : "?", llm->model.w.tied ? " (tied output)" : "",
             llm->tok.kind == TG_TOK_SPM ? "spm" : "bpe", tg_chat_name(llm->chat), tg_dev_backend_of(llm->dev), llm->n_threads);
}

static int check_tokens(const tg_llm *llm, const int32_t *t, int n, char *err, size_t errlen)
{
    if (n > llm->state.n_ctx) {
        snprintf(err, errlen, "%d tokens do not fit the %d-token context (use -c)", n, llm->state.n_ctx);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (t[i] < 0 || t[i] >= llm->model.c.n_vocab) {
            snprintf(err, errlen, "token %d at index %d is outside the vocabulary (%d)", t[i], i, llm->model.c.n_vocab);
            return -1;
        }
    return 0;
}

int tg_llm_eval(tg_llm *llm, const int32_t *tokens, int n, float *logits, char *err, size_t errlen)
{
    if (check_tokens(llm, tokens, n, err, errlen)) return -1;
    int nv = llm->model.c.n_vocab;
    for (int i = 0; i < n; i++) {
        if (tg_llm_forward(&llm->model, &llm->state, tokens[i], i, logits != NULL)) {
            snprintf(err, errlen, "%s", tg_dev_error(llm->dev));
            return -1;
        }
        if (logits) memcpy(logits + (size_t)i * nv, llm->state.logits, (size_t)nv * sizeof(float));
    }
    return 0;
}

/* End of generation: EOS, or any control token (ChatML's <|im_end|>, <|endoftext|>, ...). */
static bool is_end(const tg_llm *llm, int tok)
{
    return tok == llm->tok.eos || (tok < llm->tok.n_vocab && llm->tok.type[tok] == TG_TT_CONTROL);
}

int tg_llm_generate(tg_llm *llm, const char *prompt, const tg_llm_params *p, tg_llm_token_cb cb, void *user,
                    tg_llm_metrics *metrics, char *err, size_t errlen)
{
    double t0 = now_s();
    tg_llm_metrics m = { .load_s = llm->load_s };
    char *text = p->chat ? tg_chat_format(llm->chat, p->system, prompt) : NULL;
    const char *src = p->chat ? text : prompt;
    int32_t *ids = NULL;
    tg_sampler smp = { 0 };
    int rc = -1;
    if (!src) { snprintf(err, errlen, "out of memory"); goto out; }
    int n = tg_tokenize(&llm->tok, src, strlen(src), true, p->chat, NULL, 0);
    if (n < 0 || !(ids = malloc((size_t)(n ? n : 1) * sizeof *ids))) { snprintf(err, errlen, "out of memory"); goto out; }
    tg_tokenize(&llm->tok, src, strlen(src), true, p->chat, ids, n);
    if (n == 0) { snprintf(err, errlen, "empty prompt and the model adds no BOS token"); goto out; }
    if (check_tokens(llm, ids, n, err, errlen)) goto out;
    tg_sampler_params sp = { p->temp, p->top_k, p->top_p, p->min_p, p->repeat_penalty, p->repeat_last_n, p->seed };
    if (tg_sampler_init(&smp, &sp, llm->model.c.n_vocab)) {
        snprintf(err, errlen, "bad sampling parameters (repeat penalty must be > 0, window >= 0)");
        goto out;
    }
    m.n_prompt = n;

    /* prefill: the prompt one token at a time; logits only for the last */
    for (int i = 0; i < n; i++) {
        if (tg_llm_forward(&llm->model, &llm->state, ids[i], i, i == n - 1)) {
            snprintf(err, errlen, "%s", tg_dev_error(llm->dev));
            goto out;
        }
        tg_sampler_accept(&smp, ids[i]);
    }
    double t_prefill = now_s();
    m.prefill_s = t_prefill - t0;

    /* decode */
    tg_tok_stream stream = { 0 };
    char piece[300];
    int pos = n, n_decode = 0;
    double decode_s = 0.0;
    for (int g = 0; g < p->n_predict; g++) {
        int tok = tg_sampler_sample(&smp, llm->state.logits);
        if (!p->ignore_eos && is_end(llm, tok)) break;
        tg_sampler_accept(&smp, tok);
        tg_tok_stream_push(&stream, &llm->tok, tok, piece, sizeof piece);
        m.n_generated++;
        if (g == 0) m.ttft_s = now_s() - t0;
        if (cb && cb(piece, user)) break;
        if (pos >= llm->state.n_ctx || g == p->n_predict - 1) break;
        double t = now_s();
        if (tg_llm_forward(&llm->model, &llm->state, tok, pos++, true)) {
            snprintf(err, errlen, "%s", tg_dev_error(llm->dev));
            goto out;
        }
        decode_s += now_s() - t;
        n_decode++;
    }
    if (tg_tok_stream_flush(&stream, piece, sizeof piece) > 0 && cb) cb(piece, user);
    m.decode_s = decode_s;
    m.prefill_tok_s = m.prefill_s > 0 ? n / m.prefill_s : 0;
    m.decode_tok_s = decode_s > 0 ? n_decode / decode_s : 0;
    rc = 0;
out:
    m.peak_rss_kb = peak_rss_kb();
    if (metrics) *metrics = m;
    tg_sampler_free(&smp);
    free(ids);
    free(text);
    return rc;
}
