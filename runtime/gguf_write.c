/* gguf_write.c: the GGUF v3 writer. Metadata and tensors are collected in insertion order and
 * written in one pass with the same layout as llama.cpp's python GGUFWriter: header, kv pairs,
 * tensor infos with offsets of padded sizes, zero padding to the alignment, then every tensor's data
 * followed by zero padding. Output depends only on the calls made, so it is deterministic. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/gguf.h"
#include "runtime/quant.h"

typedef struct buf { uint8_t *p; size_t len, cap; bool oom; } buf;

typedef struct wkv { char *key; buf val; } wkv;   /* val: u32 type then the encoded value */
typedef struct wtensor {
    char *name;
    uint32_t type, n_dims;
    uint64_t ne[4];
    uint8_t *data;
    size_t nbytes;
} wtensor;

struct tg_gguf_writer {
    wkv *kv;
    size_t n_kv, cap_kv;
    wtensor *t;
    size_t n_t, cap_t;
    char err[256];   /* first problem, reported by tg_gguf_write */
};

static void wfail(tg_gguf_writer *w, const char *fmt, ...)
{
    if (w->err[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
}

static void put(buf *b, const void *p, size_t n)
{
    if (b->oom) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n) cap *= 2;
        uint8_t *np = realloc(b->p, cap);
        if (!np) { b->oom = true; return; }
        b->p = np;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put_u32(buf *b, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    put(b, x, 4);
}

static void put_u64(buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_str(buf *b, const char *s, uint64_t len)
{
    put_u64(b, len);
    put(b, s, (size_t)len);
}

/* Little-endian copy of n elements of size esz (the host is little-endian on every target we build
 * for; a big-endian host would need a swap here). */
static void put_elems(buf *b, const void *data, size_t esz, uint64_t n) { put(b, data, (size_t)(esz * n)); }

tg_gguf_writer *tg_gguf_writer_new(void) { return calloc(1, sizeof(tg_gguf_writer)); }

void tg_gguf_writer_free(tg_gguf_writer *w)
{
    if (!w) return;
    for (size_t i = 0; i < w->n_kv; i++) { free(w->kv[i].key); free(w->kv[i].val.p); }
    for (size_t i = 0; i < w->n_t; i++) { free(w->t[i].name); free(w->t[i].data); }
    free(w->kv);
    free(w->t);
    free(w);
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* The value buffer for key: an existing key is reset in place, as python's writer does. */
static buf *kv_slot(tg_gguf_writer *w, const char *key)
{
    for (size_t i = 0; i < w->n_kv; i++)
        if (!strcmp(w->kv[i].key, key)) {
            w->kv[i].val.len = 0;
            return &w->kv[i].val;
        }
    if (!key[0]) { wfail(w, "empty metadata key"); return NULL; }
    if (w->n_kv == w->cap_kv) {
        size_t cap = w->cap_kv ? 2 * w->cap_kv : 16;
        wkv *nk = realloc(w->kv, cap * sizeof *nk);
        if (!nk) { wfail(w, "out of memory"); return NULL; }
        w->kv = nk;
        w->cap_kv = cap;
    }
    wkv *kv = &w->kv[w->n_kv];
    memset(kv, 0, sizeof *kv);
    if (!(kv->key = dupstr(key))) { wfail(w, "out of memory"); return NULL; }
    w->n_kv++;
    return &kv->val;
}

void tg_gguf_set_scalar(tg_gguf_writer *w, const char *key, uint32_t vtype, const void *v)
{
    size_t esz = tg_gguf_vtype_size(vtype);
    if (!esz) { wfail(w, "key '%s': %u is not a scalar value type", key, vtype); return; }
    buf *b = kv_slot(w, key);
    if (!b) return;
    put_u32(b, vtype);
    if (vtype == TG_GGUF_BOOL) {
        uint8_t one = *(const bool *)v ? 1 : 0;
        put(b, &one, 1);
    } else {
        put_elems(b, v, esz, 1);
    }
}

void tg_gguf_set_u32(tg_gguf_writer *w, const char *key, uint32_t v) { tg_gguf_set_scalar(w, key, TG_GGUF_U32, &v); }
void tg_gguf_set_i32(tg_gguf_writer *w, const char *key, int32_t v) { tg_gguf_set_scalar(w, key, TG_GGUF_I32, &v); }
void tg_gguf_set_f32(tg_gguf_writer *w, const char *key, float v) { tg_gguf_set_scalar(w, key, TG_GGUF_F32, &v); }
void tg_gguf_set_bool(tg_gguf_writer *w, const char *key, bool v) { tg_gguf_set_scalar(w, key, TG_GGUF_BOOL, &v); }

void tg_gguf_set_strn(tg_gguf_writer *w, const char *key, const char *v, uint64_t len)
{
    buf *b = kv_slot(w, key);
    if (!b) return;
    put_u32(b, TG_GGUF_STRING);
    put_str(b, v, len);
}

void tg_gguf_set_str(tg_gguf_writer *w, const char *key, const char *v) { tg_gguf_set_strn(w, key, v, strlen(v)); }

void tg_gguf_set_arr(tg_gguf_writer *w, const char *key, uint32_t elem_type, const void *data, uint64_t n)
{
    size_t esz = tg_gguf_vtype_size(elem_type);
    if (!esz) { wfail(w, "key '%s': arrays of %s need their own setter", key, tg_gguf_vtype_name(elem_type)); return; }
    buf *b = kv_slot(w, key);
    if (!b) return;
    put_u32(b, TG_GGUF_ARRAY);
    put_u32(b, elem_type);
    put_u64(b, n);
    if (elem_type == TG_GGUF_BOOL)   /* bool arrays are given as C bools: store 0/1 bytes */
        for (uint64_t i = 0; i < n; i++) { uint8_t one = ((const bool *)data)[i] ? 1 : 0; put(b, &one, 1); }
    else
        put_elems(b, data, esz, n);
}

void tg_gguf_set_arr_strn(tg_gguf_writer *w, const char *key, const char *const *v,
                          const uint64_t *lens, uint64_t n)
{
    buf *b = kv_slot(w, key);
    if (!b) return;
    put_u32(b, TG_GGUF_ARRAY);
    put_u32(b, TG_GGUF_STRING);
    put_u64(b, n);
    for (uint64_t i = 0; i < n; i++) put_str(b, v[i], lens ? lens[i] : strlen(v[i]));
}

void tg_gguf_set_arr_str(tg_gguf_writer *w, const char *key, const char *const *v, uint64_t n)
{
    tg_gguf_set_arr_strn(w, key, v, NULL, n);
}

void tg_gguf_add_tensor(tg_gguf_writer *w, const char *name, uint32_t type, uint32_t n_dims,
                        const uint64_t *ne, const void *data, size_t nbytes)
{
    for (size_t i = 0; i < w->n_t; i++)
        if (!strcmp(w->t[i].name, name)) { wfail(w, "duplicate tensor '%s'", name); return; }
    if (!name[0] || strlen(name) > 64) { wfail(w, "tensor name '%s' must be 1..64 bytes", name); return; }
    if (n_dims < 1 || n_dims > 4) { wfail(w, "tensor '%s': %u dimensions (1..4 allowed)", name, n_dims); return; }
    const tg_type_traits *tt = tg_type_get(type);
    if (!tt) { wfail(w, "tensor '%s': unknown type %u", name, type); return; }
    uint64_t rows = 1;
    for (uint32_t d = 1; d < n_dims; d++) rows *= ne[d];
    size_t row = tg_type_row_bytes(type, ne[0]);
    if ((ne[0] && !row) || (rows && row * rows / rows != row) || row * rows != nbytes) {
        wfail(w, "tensor '%s': %zu bytes given, but %s of that shape needs %llu", name, nbytes,
              tt->name, (unsigned long long)(row * rows));
        return;
    }
    if (w->n_t == w->cap_t) {
        size_t cap = w->cap_t ? 2 * w->cap_t : 16;
        wtensor *nt = realloc(w->t, cap * sizeof *nt);
        if (!nt) { wfail(w, "out of memory"); return; }
        w->t = nt;
        w->cap_t = cap;
    }
    wtensor *t = &w->t[w->n_t];
    memset(t, 0, sizeof *t);
    t->name = dupstr(name);
    t->data = malloc(nbytes ? nbytes : 1);
    if (!t->name || !t->data) { free(t->name); free(t->data); wfail(w, "out of memory"); return; }
    memcpy(t->data, data, nbytes);
    t->type = type;
    t->n_dims = n_dims;
    for (uint32_t d = 0; d < 4; d++) t->ne[d] = d < n_dims ? ne[d] : 1;
    t->nbytes = nbytes;
    w->n_t++;
}

const char *tg_gguf_writer_error(const tg_gguf_writer *w) { return w->err[0] ? w->err : NULL; }

bool tg_gguf_writer_has(const tg_gguf_writer *w, const char *key)
{
    for (size_t i = 0; i < w->n_kv; i++)
        if (!strcmp(w->kv[i].key, key)) return true;
    return false;
}

static uint64_t pad_to(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

/* The alignment: general.alignment when set (a u32 power of two >= 8), else 32. */
static int writer_alignment(tg_gguf_writer *w, uint32_t *align)
{
    *align = 32;
    for (size_t i = 0; i < w->n_kv; i++) {
        if (strcmp(w->kv[i].key, "general.alignment")) continue;
        const uint8_t *p = w->kv[i].val.p;
        uint32_t type = p[0] | p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        uint32_t a = p[4] | p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        if (type != TG_GGUF_U32 || a < 8 || (a & (a - 1)) || a > (1u << 30)) {
            wfail(w, "general.alignment must be a u32 power of two in 8..2^30");
            return -1;
        }
        *align = a;
    }
    return 0;
}

int tg_gguf_write_mem(tg_gguf_writer *w, uint8_t **out, size_t *size, char *err, size_t errlen)
{
    *out = NULL;
    *size = 0;
    uint32_t align = 32;
    if (!w->err[0]) writer_alignment(w, &align);
    for (size_t i = 0; i < w->n_kv && !w->err[0]; i++)
        if (w->kv[i].val.oom) wfail(w, "out of memory");
    if (w->err[0]) { snprintf(err, errlen, "%s", w->err); return -1; }

    buf b = { 0 };
    put_u32(&b, 0x46554747u);   /* "GGUF" */
    put_u32(&b, 3);
    put_u64(&b, w->n_t);
    put_u64(&b, w->n_kv);
    for (size_t i = 0; i < w->n_kv; i++) {
        put_str(&b, w->kv[i].key, strlen(w->kv[i].key));
        put(&b, w->kv[i].val.p, w->kv[i].val.len);
    }
    uint64_t off = 0;
    for (size_t i = 0; i < w->n_t; i++) {
        const wtensor *t = &w->t[i];
        put_str(&b, t->name, strlen(t->name));
        put_u32(&b, t->n_dims);
        for (uint32_t d = 0; d < t->n_dims; d++) put_u64(&b, t->ne[d]);
        put_u32(&b, t->type);
        put_u64(&b, off);
        off += pad_to(t->nbytes, align);
    }
    static const uint8_t zeros[64];
    /* python pads after the infos even with no tensors; so do we (byte equality). */
    for (uint64_t n = pad_to(b.len, align) - b.len; n; ) {
        size_t k = n < sizeof zeros ? (size_t)n : sizeof zeros;
        put(&b, zeros, k);
        n -= k;
    }
    for (size_t i = 0; i < w->n_t; i++) {
        put(&b, w->t[i].data, w->t[i].nbytes);
        for (uint64_t n = pad_to(w->t[i].nbytes, align) - w->t[i].nbytes; n; ) {
            size_t k = n < sizeof zeros ? (size_t)n : sizeof zeros;
            put(&b, zeros, k);
            n -= k;
        }
    }
    if (b.oom) {
        free(b.p);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = b.p;
    *size = b.len;
    return 0;
}

int tg_gguf_write(tg_gguf_writer *w, const char *path, char *err, size_t errlen)
{
    uint8_t *data;
    size_t size;
    char why[300];
    if (tg_gguf_write_mem(w, &data, &size, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot create", path);
        free(data);
        return -1;
    }
    bool ok = fwrite(data, 1, size, f) == size;
    ok = (fclose(f) == 0) && ok;
    free(data);
    if (!ok) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}
