/* tokenizer_gguf.c: builds a tokenizer from a GGUF file's tokenizer.ggml.* metadata. Kept apart
 * from tokenizer.c so the tokenizer itself links (and is tested) without the GGUF reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/gguf.h"
#include "runtime/llm_meta.h"
#include "runtime/tokenizer.h"

int tg_tok_load_gguf(tg_tokenizer *t, const tg_gguf *g, char *err, size_t errlen)
{
    tg_gguf_str model = { 0, "" }, pre = { 0, "" };
    const tg_gguf_kv *tokens, *scores, *types, *merges;
    if (tg_meta_str(g, "tokenizer.ggml.model", true, &model, err, errlen) ||
        tg_meta_str(g, "tokenizer.ggml.pre", false, &pre, err, errlen) ||
        tg_meta_arr(g, "tokenizer.ggml.tokens", TG_GGUF_STRING, true, &tokens, err, errlen) ||
        tg_meta_arr(g, "tokenizer.ggml.scores", TG_GGUF_F32, false, &scores, err, errlen) ||
        tg_meta_arr(g, "tokenizer.ggml.token_type", TG_GGUF_I32, false, &types, err, errlen) ||
        tg_meta_arr(g, "tokenizer.ggml.merges", TG_GGUF_STRING, false, &merges, err, errlen))
        return -1;
    tg_tok_desc d = { .bos = -1, .eos = -1, .unk = -1 };
    if (tg_str_eq(model, "llama")) {
        d.kind = TG_TOK_SPM;
        d.add_bos = d.add_space_prefix = true;
        if (!scores) { snprintf(err, errlen, "%s: SPM tokenizer without tokenizer.ggml.scores", g->path); return -1; }
    } else if (tg_str_eq(model, "gpt2")) {
        d.kind = TG_TOK_BPE;
        /* the pre-tokenizer decides where merges may happen: an unknown one is refused rather
         * than silently replaced by GPT-2's split */
        if (tg_str_eq(pre, "qwen2")) d.pre = TG_PRE_QWEN2;
        else if (tg_str_eq(pre, "llama-bpe") || tg_str_eq(pre, "llama3")) d.pre = TG_PRE_LLAMA3;
        else if (pre.len == 0 || tg_str_eq(pre, "gpt2") || tg_str_eq(pre, "default")) d.pre = TG_PRE_GPT2;
        else {
            snprintf(err, errlen, "%s: tokenizer.ggml.pre '%.*s' not supported (gpt2, default, qwen2, llama-bpe)", g->path,
                     (int)(pre.len > 64 ? 64 : pre.len), pre.data);
            return -1;
        }
        if (!merges) { snprintf(err, errlen, "%s: BPE tokenizer without tokenizer.ggml.merges", g->path); return -1; }
    } else {
        snprintf(err, errlen, "%s: tokenizer.ggml.model '%.*s' not supported (llama or gpt2)", g->path,
                 (int)(model.len > 64 ? 64 : model.len), model.data);
        return -1;
    }
    uint64_t n = tokens->v.arr.n;
    if (n == 0 || n > (1u << 24)) { snprintf(err, errlen, "%s: vocabulary of %llu tokens", g->path, (unsigned long long)n); return -1; }
    if ((scores && scores->v.arr.n != n) || (types && types->v.arr.n != n)) {
        snprintf(err, errlen, "%s: tokenizer.ggml.scores/token_type length differs from tokens (%llu)", g->path,
                 (unsigned long long)n);
        return -1;
    }
    int64_t v;
    bool b;
    const char *id_keys[3] = { "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                               "tokenizer.ggml.unknown_token_id" };
    int *ids[3] = { &d.bos, &d.eos, &d.unk };
    for (int i = 0; i < 3; i++) {
        v = -1;
        if (tg_meta_int(g, id_keys[i], false, &v, err, errlen)) return -1;
        if (v < -1 || v >= (int64_t)n) { snprintf(err, errlen, "%s: %s = %lld out of range", g->path, id_keys[i], (long long)v); return -1; }
        *ids[i] = (int)v;
    }
    b = d.add_bos;
    if (tg_meta_bool(g, "tokenizer.ggml.add_bos_token", false, &b, err, errlen)) return -1;
    d.add_bos = b;
    b = d.add_eos;
    if (tg_meta_bool(g, "tokenizer.ggml.add_eos_token", false, &b, err, errlen)) return -1;
    d.add_eos = b;
    b = d.add_space_prefix;
    if (tg_meta_bool(g, "tokenizer.ggml.add_space_prefix", false, &b, err, errlen)) return -1;
    d.add_space_prefix = b;

    /* GGUF strings are not NUL-terminated and arrays may be unaligned: copy into plain arrays */
    uint64_t nm = merges ? merges->v.arr.n : 0;
    const char **tok = malloc(n * sizeof *tok), **mer = malloc((nm ? nm : 1) * sizeof *mer);
    size_t *tlen = malloc(n * sizeof *tlen), *mlen = malloc((nm ? nm : 1) * sizeof *mlen);
    float *sc = scores ? malloc(n * sizeof *sc) : NULL;
    int32_t *ty = types ? malloc(n * sizeof *ty) : NULL;
    int rc = -1;
    if (!tok || !mer || !tlen || !mlen || (scores && !sc) || (types && !ty) || nm > (1u << 24)) {
        snprintf(err, errlen, "%s: tokenizer: out of memory", g->path);
        goto out;
    }
    for (uint64_t i = 0; i < n; i++) {
        tg_gguf_str s = tg_gguf_arr_str(tokens, i);
        tok[i] = s.data; tlen[i] = s.len;
    }
    for (uint64_t i = 0; i < nm; i++) {
        tg_gguf_str s = tg_gguf_arr_str(merges, i);
        mer[i] = s.data; mlen[i] = s.len;
    }
    if (sc) memcpy(sc, scores->v.arr.data, n * sizeof *sc);
    if (ty) memcpy(ty, types->v.arr.data, n * sizeof *ty);
    d.n_vocab = (int)n; d.tokens = tok; d.token_lens = tlen; d.scores = sc; d.types = ty;
    d.n_merges = (int)nm; d.merges = mer; d.merge_lens = mlen;
    char e[200];
    rc = tg_tok_init(t, &d, e, sizeof e);
    if (rc) snprintf(err, errlen, "%s: %s", g->path, e);
out:
    free(tok); free(mer); free(tlen); free(mlen); free(sc); free(ty);
    return rc;
}
