/* fuzz_gguf.c: libFuzzer target for the GGUF reader. Parses the input with tg_gguf_parse and, when it
 * is accepted, touches everything the API hands out: every kv value, every array element (strings
 * through tg_gguf_arr_str, nested arrays through tg_gguf_arr_sub), every tensor's first and last data
 * byte, and a dequantize, tg_dot and tg_matvec (integer path) of each supported tensor's first row. Any over-read shows up under
 * ASan; the replayer (tests/fuzz_main.c) runs it over tests/corpus/gguf/ in make test. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/gguf.h"
#include "runtime/quant.h"

static volatile uint64_t sink;

static void touch_array(const tg_gguf_kv *kv, int depth)
{
    uint64_t n = kv->v.arr.n;
    size_t esz = tg_gguf_vtype_size(kv->v.arr.type);
    const uint8_t *p = kv->v.arr.data;
    if (esz) {
        for (uint64_t i = 0; i < n * esz; i++) sink += p[i];
    } else if (kv->v.arr.type == TG_GGUF_STRING) {
        for (uint64_t i = 0; i < n; i++) {
            tg_gguf_str s = tg_gguf_arr_str(kv, i);
            if (s.len) sink += (uint8_t)s.data[0] + (uint8_t)s.data[s.len - 1];
        }
    } else if (depth < 16) {
        /* Nested: tg_gguf_arr_sub walks from the start, so cap the count to stay linear-ish. */
        for (uint64_t i = 0; i < n && i < 64; i++) {
            tg_gguf_kv sub;
            if (tg_gguf_arr_sub(kv, i, &sub) == 0) touch_array(&sub, depth + 1);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tg_gguf g;
    char err[256];
    if (tg_gguf_parse(&g, data, size, "fuzz", err, sizeof err)) {
        if (!err[0] || !strstr(err, ": offset ")) abort();   /* every rejection names an offset */
        return 0;
    }
    for (uint64_t i = 0; i < g.n_kv; i++) {
        const tg_gguf_kv *kv = &g.kv[i];
        if (kv->key.len) sink += (uint8_t)kv->key.data[kv->key.len - 1];
        if (kv->type == TG_GGUF_STRING && kv->v.s.len) sink += (uint8_t)kv->v.s.data[kv->v.s.len - 1];
        else if (kv->type == TG_GGUF_ARRAY) touch_array(kv, 0);
        else sink += kv->v.u;
    }
    if (tg_gguf_find(&g, "general.architecture")) sink++;
    if (tg_gguf_tensor_find(&g, "output.weight")) sink++;
    float row[4096], x[4096];
    for (int i = 0; i < 4096; i++) x[i] = 1.0f;
    for (uint64_t i = 0; i < g.n_tensors; i++) {
        const tg_gguf_tensor *t = &g.tensors[i];
        const uint8_t *p = t->data;
        if (t->nbytes) sink += p[0] + p[t->nbytes - 1];
        const tg_type_traits *tt = tg_type_get(t->type);
        if (tt && tt->supported && t->ne[0] && t->ne[0] <= 4096 && t->nbytes) {
            tg_dequantize(t->type, t->data, row, t->ne[0]);
            float d = tg_dot(t->type, t->data, x, t->ne[0]), m = 0;
            if (tg_matvec(t->type, t->data, 1, x, &m, t->ne[0])) abort();   /* supported: must run */
            sink += (uint64_t)(row[0] != row[0]) + (uint64_t)(d != d) + (uint64_t)(m != m);
        }
    }
    tg_gguf_close(&g);
    return 0;
}
