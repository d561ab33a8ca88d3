/* fuzz_llm_model.c: libFuzzer target for the model loader: the input is parsed as GGUF and, when
 * the reader accepts it, bound as a llama/qwen2 model (hyperparameters, every tensor's name, shape
 * and type). An accepted model must be safe to read: the first and last byte of every weight row
 * range the loader hands out are touched, so a wrong size shows up under ASan. The replayer runs
 * it over tests/corpus/llm_model/ (seeds: tests/corpus/make_llm_model_corpus.sh). */
#include <stdint.h>
#include <string.h>

#include "runtime/llm_model.h"

static volatile unsigned sink;

static void touch(const tg_weight *w)
{
    if (!w->data) return;
    const uint8_t *p = w->data;
    size_t n = w->row_bytes * (size_t)w->rows;
    sink += p[0] + p[n - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tg_llm_model m;
    char err[512];
    memset(&m, 0, sizeof m);
    if (tg_gguf_parse(&m.file, data, size, "fuzz", err, sizeof err)) return 0;
    if (tg_llm_model_bind(&m, err, sizeof err)) return 0;
    touch(&m.w.tok_embd);
    touch(&m.w.out_norm);
    touch(&m.w.output);
    for (int l = 0; l < m.c.n_layers; l++) {
        const tg_llm_layer *L = &m.w.layers[l];
        const tg_weight *all[] = { &L->attn_norm, &L->wq, &L->wk, &L->wv, &L->wo, &L->bq, &L->bk, &L->bv,
                                   &L->ffn_norm, &L->w_gate, &L->w_up, &L->w_down };
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) touch(all[i]);
    }
    tg_llm_model_free(&m);
    return 0;
}
