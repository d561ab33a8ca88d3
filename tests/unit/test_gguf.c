/* test_gguf.c: the GGUF writer and reader as a specification. Writes a file with every setter and
 * several tensor types, reads it back value by value, checks determinism, alignment, in-place key
 * replacement, writer errors, v2 acceptance, and that every truncation of the file is rejected with
 * an offset message (each prefix in an exact-size buffer, so ASan sees any over-read). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/gguf.h"
#include "runtime/quant.h"

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

static tg_gguf_writer *build(void)
{
    tg_gguf_writer *w = tg_gguf_writer_new();
    tg_gguf_set_str(w, "general.architecture", "llama");
    tg_gguf_set_u32(w, "u32", 4000000000u);
    tg_gguf_set_i32(w, "i32", -5);
    tg_gguf_set_f32(w, "f32", 0.1f);
    tg_gguf_set_bool(w, "bool", true);
    tg_gguf_set_strn(w, "nul", "a\0b", 3);
    uint8_t u8 = 250; int8_t i8 = -100; uint16_t u16 = 65000; int16_t i16 = -32000;
    uint64_t u64 = UINT64_MAX; int64_t i64 = INT64_MIN; double f64 = 1e300;
    tg_gguf_set_scalar(w, "u8", TG_GGUF_U8, &u8);
    tg_gguf_set_scalar(w, "i8", TG_GGUF_I8, &i8);
    tg_gguf_set_scalar(w, "u16", TG_GGUF_U16, &u16);
    tg_gguf_set_scalar(w, "i16", TG_GGUF_I16, &i16);
    tg_gguf_set_scalar(w, "u64", TG_GGUF_U64, &u64);
    tg_gguf_set_scalar(w, "i64", TG_GGUF_I64, &i64);
    tg_gguf_set_scalar(w, "f64", TG_GGUF_F64, &f64);
    const float fa[3] = { 1, 2, 3 };
    tg_gguf_set_arr(w, "arr.f32", TG_GGUF_F32, fa, 3);
    const bool ba[3] = { true, false, true };
    tg_gguf_set_arr(w, "arr.bool", TG_GGUF_BOOL, ba, 3);
    const char *toks[4] = { "<unk>", "", "hello", "world" };
    tg_gguf_set_arr_str(w, "tokens", toks, 4);
    tg_gguf_set_i32(w, "i32", 42);   /* replaces in place: stays the 3rd key */
    static float t0[2 * 64], t1[256];
    for (int i = 0; i < 128; i++) t0[i] = (float)i;
    for (int i = 0; i < 256; i++) t1[i] = sinf((float)i);
    tg_gguf_add_tensor(w, "t0", TG_TYPE_F32, 2, (const uint64_t[]){ 64, 2 }, t0, sizeof t0);
    uint8_t q[144];
    tg_quantize(TG_TYPE_Q4_K, t1, q, 256);
    tg_gguf_add_tensor(w, "t1", TG_TYPE_Q4_K, 1, (const uint64_t[]){ 256 }, q, sizeof q);
    tg_gguf_add_tensor(w, "t2", TG_TYPE_F16, 3, (const uint64_t[]){ 2, 3, 5 }, q, 60);
    return w;
}

static void test_roundtrip(void)
{
    char err[256];
    tg_gguf_writer *w = build();
    uint8_t *a, *b;
    size_t na, nb;
    CHECK(tg_gguf_write_mem(w, &a, &na, err, sizeof err) == 0, "write: %s", err);
    CHECK(tg_gguf_write_mem(w, &b, &nb, err, sizeof err) == 0 && na == nb && !memcmp(a, b, na),
          "writing twice gives the same bytes");
    free(b);
    tg_gguf_writer_free(w);
    CHECK(na % 32 == 0, "file is padded to the alignment (%zu)", na);

    tg_gguf g;
    CHECK(tg_gguf_parse(&g, a, na, "mem", err, sizeof err) == 0, "parse: %s", err);
    CHECK(g.version == 3 && g.n_kv == 16 && g.n_tensors == 3 && g.alignment == 32, "header");
    CHECK(tg_gguf_str_eq(g.kv[2].key, "i32") && g.kv[2].v.i == 42, "replaced key keeps its place");
    const tg_gguf_kv *kv;
    CHECK((kv = tg_gguf_find(&g, "u32")) && kv->type == TG_GGUF_U32 && kv->v.u == 4000000000u, "u32");
    CHECK((kv = tg_gguf_find(&g, "f32")) && kv->v.f == (double)0.1f, "f32");
    CHECK((kv = tg_gguf_find(&g, "bool")) && kv->type == TG_GGUF_BOOL && kv->v.b, "bool");
    CHECK((kv = tg_gguf_find(&g, "nul")) && kv->v.s.len == 3 && !memcmp(kv->v.s.data, "a\0b", 3), "string with NUL");
    CHECK((kv = tg_gguf_find(&g, "u8")) && kv->v.u == 250, "u8");
    CHECK((kv = tg_gguf_find(&g, "i8")) && kv->v.i == -100, "i8");
    CHECK((kv = tg_gguf_find(&g, "u16")) && kv->v.u == 65000, "u16");
    CHECK((kv = tg_gguf_find(&g, "i16")) && kv->v.i == -32000, "i16");
    CHECK((kv = tg_gguf_find(&g, "u64")) && kv->v.u == UINT64_MAX, "u64");
    CHECK((kv = tg_gguf_find(&g, "i64")) && kv->v.i == INT64_MIN, "i64");
    CHECK((kv = tg_gguf_find(&g, "f64")) && kv->v.f == 1e300, "f64");
    CHECK((kv = tg_gguf_find(&g, "arr.f32")) && kv->v.arr.type == TG_GGUF_F32 && kv->v.arr.n == 3 &&
          !memcmp(kv->v.arr.data, (const float[]){ 1, 2, 3 }, 12), "f32 array");
    CHECK((kv = tg_gguf_find(&g, "arr.bool")) && !memcmp(kv->v.arr.data, "\1\0\1", 3), "bool array");
    kv = tg_gguf_find(&g, "tokens");
    CHECK(kv && kv->v.arr.n == 4 && kv->v.arr.strs, "string array is indexed");
    if (kv) {
        CHECK(tg_gguf_str_eq(tg_gguf_arr_str(kv, 0), "<unk>") && tg_gguf_arr_str(kv, 1).len == 0 &&
              tg_gguf_str_eq(tg_gguf_arr_str(kv, 3), "world") && tg_gguf_arr_str(kv, 4).len == 0,
              "string array elements");
        tg_gguf_kv copy = *kv;   /* without the index, the walking path gives the same answers */
        copy.v.arr.strs = NULL;
        CHECK(tg_gguf_str_eq(tg_gguf_arr_str(&copy, 2), "hello"), "unindexed string lookup");
    }
    CHECK(!tg_gguf_find(&g, "missing") && !tg_gguf_find(&g, "u3"), "absent keys");
    const tg_gguf_tensor *t = tg_gguf_tensor_find(&g, "t0");
    CHECK(t && t->type == TG_TYPE_F32 && t->n_dims == 2 && t->ne[0] == 64 && t->ne[1] == 2 &&
          t->ne[2] == 1 && t->nbytes == 512 && t->offset == 0 && ((const float *)t->data)[127] == 127.0f,
          "tensor t0");
    t = tg_gguf_tensor_find(&g, "t1");
    CHECK(t && t->type == TG_TYPE_Q4_K && t->offset == 512 && t->nbytes == 144, "tensor t1");
    t = tg_gguf_tensor_find(&g, "t2");
    CHECK(t && t->ne[2] == 5 && t->nbytes == 60 && t->offset == 512 + 160, "tensor t2");
    for (uint64_t i = 0; i < g.n_tensors; i++)
        CHECK((g.tensors[i].offset % 32) == 0 && ((size_t)((const uint8_t *)g.tensors[i].data - a) % 32) == 0,
              "tensor %llu aligned", (unsigned long long)i);
    tg_gguf_close(&g);

    /* v2 files are the same layout. */
    a[4] = 2;
    CHECK(tg_gguf_parse(&g, a, na, "v2", err, sizeof err) == 0 && g.version == 2, "v2: %s", err);
    tg_gguf_close(&g);
    a[4] = 3;

    /* Every truncation is rejected with an offset, except cuts in the final tensor's padding. */
    size_t data_end = 0;
    CHECK(tg_gguf_parse(&g, a, na, "mem", err, sizeof err) == 0, "reparse");
    for (uint64_t i = 0; i < g.n_tensors; i++) {
        size_t end = (size_t)((const uint8_t *)g.tensors[i].data - a) + g.tensors[i].nbytes;
        if (end > data_end) data_end = end;
    }
    tg_gguf_close(&g);
    int bad = 0;
    for (size_t n = 0; n < data_end; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, a, n);
        tg_gguf h;
        if (tg_gguf_parse(&h, cut, n, "cut", err, sizeof err) == 0) { bad++; tg_gguf_close(&h); }
        else if (!strstr(err, "cut: offset ")) bad++;
        free(cut);
    }
    CHECK(bad == 0, "%d truncations were accepted or gave no offset", bad);
    free(a);
}

static void test_writer_errors(void)
{
    char err[256];
    uint8_t *out;
    size_t n;
    float x[32] = { 0 };
    tg_gguf_writer *w = tg_gguf_writer_new();
    tg_gguf_add_tensor(w, "a", TG_TYPE_F32, 1, (const uint64_t[]){ 32 }, x, sizeof x);
    tg_gguf_add_tensor(w, "a", TG_TYPE_F32, 1, (const uint64_t[]){ 32 }, x, sizeof x);
    CHECK(tg_gguf_write_mem(w, &out, &n, err, sizeof err) && strstr(err, "duplicate tensor 'a'"), "dup: %s", err);
    tg_gguf_writer_free(w);

    w = tg_gguf_writer_new();
    tg_gguf_add_tensor(w, "a", TG_TYPE_Q8_0, 1, (const uint64_t[]){ 32 }, x, 33);
    CHECK(tg_gguf_write_mem(w, &out, &n, err, sizeof err) && strstr(err, "needs 34"), "size: %s", err);
    tg_gguf_writer_free(w);

    w = tg_gguf_writer_new();
    tg_gguf_set_u32(w, "general.alignment", 12);
    CHECK(tg_gguf_write_mem(w, &out, &n, err, sizeof err) && strstr(err, "alignment"), "align: %s", err);
    tg_gguf_writer_free(w);

    /* A custom alignment is honoured. */
    w = tg_gguf_writer_new();
    tg_gguf_set_u32(w, "general.alignment", 256);
    tg_gguf_add_tensor(w, "a", TG_TYPE_F32, 1, (const uint64_t[]){ 8 }, x, 32);
    tg_gguf_add_tensor(w, "b", TG_TYPE_F32, 1, (const uint64_t[]){ 8 }, x, 32);
    CHECK(tg_gguf_write_mem(w, &out, &n, err, sizeof err) == 0 && n == 768, "align 256: %zu bytes", n);
    tg_gguf g;
    CHECK(tg_gguf_parse(&g, out, n, "a256", err, sizeof err) == 0 && g.alignment == 256 &&
          g.data_offset == 256 && g.tensors[1].offset == 256, "read align 256: %s", err);
    tg_gguf_close(&g);
    free(out);
    tg_gguf_writer_free(w);
}

static void test_open_errors(void)
{
    tg_gguf g;
    char err[256];
    CHECK(tg_gguf_open(&g, "/nonexistent/x.gguf", err, sizeof err) && strstr(err, "x.gguf: offset 0: cannot open"),
          "missing file: %s", err);
    CHECK(tg_gguf_open(&g, "/", err, sizeof err) && strstr(err, "offset 0"), "directory: %s", err);
}

int main(void)
{
    test_roundtrip();
    test_writer_errors();
    test_open_errors();
    if (failures) { printf("%d failures\n", failures); return 1; }
    printf("test_gguf: all passed\n");
    return 0;
}
