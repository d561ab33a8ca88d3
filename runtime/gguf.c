/* gguf.c: the GGUF v2/v3 reader. Walks the file once, checking every field against the bytes left
 * before it is used, and builds tg_gguf's kv and tensor tables pointing into the file.
 * Layout (little-endian): magic "GGUF", u32 version, u64 n_tensors, u64 n_kv, n_kv x (string key,
 * u32 type, value), n_tensors x (string name, u32 n_dims, u64 ne[n_dims], u32 type, u64 offset),
 * padding to the alignment, then the data section. v2 and v3 share this layout; v3 only adds
 * big-endian files, which announce themselves by a byte-swapped version and are refused here. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/gguf.h"
#include "runtime/quant.h"

#define GGUF_MAGIC        0x46554747u  /* "GGUF" read as a little-endian u32 */
#define GGUF_MAX_DIMS     4
#define GGUF_MAX_NAME     64           /* tensor names: at most 64 bytes (spec) */
#define GGUF_MAX_KEY      65535        /* keys: at most 2^16-1 bytes (spec) */
#define GGUF_MAX_DEPTH    8            /* nested arrays deeper than this are refused */
#define GGUF_DEFAULT_ALIGNMENT 32

/* A cursor over the file with the error sink; every read is bounds-checked. */
typedef struct reader {
    const uint8_t *p;
    size_t size, off;
    const char *name;
    char *err;
    size_t errlen;
} reader;

static int fail_at(reader *r, uint64_t off, const char *fmt, ...)
{
    if (!r->err || !r->errlen) return -1;
    int n = snprintf(r->err, r->errlen, "%s: offset %llu: ", r->name, (unsigned long long)off);
    if (n < 0 || (size_t)n >= r->errlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    /* Names and keys come from the file: keep the message on one printable line. */
    for (char *c = r->err + n; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
    return -1;
}

static size_t left(const reader *r) { return r->size - r->off; }

static int need(reader *r, uint64_t n, const char *what)
{
    if (n > left(r))
        return fail_at(r, r->off, "%s needs %llu bytes but only %zu remain in the file", what,
                       (unsigned long long)n, left(r));
    return 0;
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p) { return get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }

static int read_u32(reader *r, uint32_t *v, const char *what)
{
    if (need(r, 4, what)) return -1;
    *v = get_u32(r->p + r->off);
    r->off += 4;
    return 0;
}

static int read_u64(reader *r, uint64_t *v, const char *what)
{
    if (need(r, 8, what)) return -1;
    *v = get_u64(r->p + r->off);
    r->off += 8;
    return 0;
}

static int read_str(reader *r, tg_gguf_str *s, const char *what)
{
    uint64_t at = r->off;
    if (read_u64(r, &s->len, what)) return -1;
    if (s->len > left(r))
        return fail_at(r, at, "%s length %llu runs past the end of the file (%zu bytes remain)",
                       what, (unsigned long long)s->len, left(r));
    s->data = (const char *)r->p + r->off;
    r->off += s->len;
    return 0;
}

static const char *const vtype_names[TG_GGUF_NUM_VTYPES] = {
    "u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "arr", "u64", "i64", "f64",
};
static const uint8_t vtype_sizes[TG_GGUF_NUM_VTYPES] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };

const char *tg_gguf_vtype_name(uint32_t t) { return t < TG_GGUF_NUM_VTYPES ? vtype_names[t] : "?"; }
size_t tg_gguf_vtype_size(uint32_t t) { return t < TG_GGUF_NUM_VTYPES ? vtype_sizes[t] : 0; }

bool tg_gguf_str_eq(tg_gguf_str s, const char *c)
{
    size_t n = strlen(c);
    return s.len == n && (n == 0 || memcmp(s.data, c, n) == 0);
}

/* Skips (and validates) the array body at the cursor: u32 type, u64 n, elements. Nested arrays
 * recurse up to GGUF_MAX_DEPTH. Counts are checked against the bytes left before any loop, so a huge
 * count costs nothing. */
static int skip_array(reader *r, int depth, uint32_t *type_out, uint64_t *n_out)
{
    uint64_t at = r->off;
    uint32_t type;
    uint64_t n;
    if (depth > GGUF_MAX_DEPTH)
        return fail_at(r, at, "arrays nested deeper than %d levels", GGUF_MAX_DEPTH);
    if (read_u32(r, &type, "array element type")) return -1;
    if (type >= TG_GGUF_NUM_VTYPES)
        return fail_at(r, at, "array element type %u is not a GGUF value type", type);
    uint64_t nat = r->off;
    if (read_u64(r, &n, "array length")) return -1;
    if (type_out) *type_out = type;
    if (n_out) *n_out = n;
    size_t esz = vtype_sizes[type];
    if (esz) {
        if (n > left(r) / esz)
            return fail_at(r, nat, "array of %llu %s elements runs past the end of the file",
                           (unsigned long long)n, vtype_names[type]);
        if (type == TG_GGUF_BOOL)
            for (uint64_t i = 0; i < n; i++)
                if (r->p[r->off + i] > 1)
                    return fail_at(r, r->off + i, "bool array element is %u, not 0 or 1",
                                   r->p[r->off + i]);
        r->off += n * esz;
        return 0;
    }
    /* Each string takes at least 8 bytes, each array at least 12: a cheap bound first. */
    if (n > left(r) / (type == TG_GGUF_STRING ? 8 : 12))
        return fail_at(r, nat, "array of %llu %s elements cannot fit in the %zu bytes left",
                       (unsigned long long)n, vtype_names[type], left(r));
    for (uint64_t i = 0; i < n; i++) {
        if (type == TG_GGUF_STRING) {
            tg_gguf_str s;
            if (read_str(r, &s, "array string")) return -1;
        } else if (skip_array(r, depth + 1, NULL, NULL)) {
            return -1;
        }
    }
    return 0;
}

static int read_value(reader *r, tg_gguf_kv *kv)
{
    uint64_t at = r->off;
    const uint8_t *p = r->p + r->off;
    size_t esz = vtype_sizes[kv->type];
    if (esz && need(r, esz, "value")) return -1;
    switch (kv->type) {
    case TG_GGUF_U8:  kv->v.u = p[0]; break;
    case TG_GGUF_I8:  kv->v.i = (int8_t)p[0]; break;
    case TG_GGUF_U16: kv->v.u = (uint16_t)(p[0] | p[1] << 8); break;
    case TG_GGUF_I16: kv->v.i = (int16_t)(uint16_t)(p[0] | p[1] << 8); break;
    case TG_GGUF_U32: kv->v.u = get_u32(p); break;
    case TG_GGUF_I32: kv->v.i = (int32_t)get_u32(p); break;
    case TG_GGUF_U64: kv->v.u = get_u64(p); break;
    case TG_GGUF_I64: kv->v.i = (int64_t)get_u64(p); break;
    case TG_GGUF_F32: { uint32_t b = get_u32(p); float f; memcpy(&f, &b, 4); kv->v.f = f; break; }
    case TG_GGUF_F64: { uint64_t b = get_u64(p); memcpy(&kv->v.f, &b, 8); break; }
    case TG_GGUF_BOOL:
        if (p[0] > 1) return fail_at(r, at, "bool value is %u, not 0 or 1", p[0]);
        kv->v.b = p[0];
        break;
    case TG_GGUF_STRING:
        return read_str(r, &kv->v.s, "string value");
    case TG_GGUF_ARRAY: {
        if (skip_array(r, 1, &kv->v.arr.type, &kv->v.arr.n)) return -1;
        kv->v.arr.data = r->p + at + 12;
        kv->v.arr.strs = NULL;
        return 0;
    }
    }
    r->off += esz;
    return 0;
}

/* Indexes a top-level string array so tg_gguf_arr_str is O(1) (vocabularies hold 10^5 strings). */
static int index_strings(reader *r, tg_gguf_kv *kv)
{
    uint64_t n = kv->v.arr.n;
    tg_gguf_str *s = malloc((n ? n : 1) * sizeof *s);
    if (!s) return fail_at(r, (uint64_t)((const uint8_t *)kv->v.arr.data - r->p), "out of memory");
    const uint8_t *p = kv->v.arr.data;
    for (uint64_t i = 0; i < n; i++) {   /* bounds were checked by skip_array */
        s[i].len = get_u64(p);
        s[i].data = (const char *)p + 8;
        p += 8 + s[i].len;
    }
    kv->v.arr.strs = s;
    return 0;
}

static int cmp_str(tg_gguf_str a, tg_gguf_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.data, b.data, n) : 0;
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

/* Duplicate names and overlapping data are found by sorting (n log n), so a file with very many
 * entries stays fast. Entries carry their index so errors can name the offending field. */
typedef struct named { tg_gguf_str s; uint64_t i; } named;
typedef struct span { uint64_t off, end, i; } span;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = cmp_str(x->s, y->s);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return x->off != y->off ? (x->off > y->off) - (x->off < y->off) : (x->i > y->i) - (x->i < y->i);
}

/* Returns the index of the later of two entries with the same name, or UINT64_MAX. */
static uint64_t find_duplicate(named *v, uint64_t n)
{
    qsort(v, n, sizeof *v, cmp_named);
    for (uint64_t i = 1; i < n; i++)
        if (!cmp_str(v[i - 1].s, v[i].s)) return v[i].i;
    return UINT64_MAX;
}

static int read_tensor_info(reader *r, tg_gguf_tensor *t, uint64_t *info_off)
{
    *info_off = r->off;
    if (read_str(r, &t->name, "tensor name")) return -1;
    if (t->name.len == 0) return fail_at(r, *info_off, "tensor name is empty");
    if (t->name.len > GGUF_MAX_NAME)
        return fail_at(r, *info_off, "tensor name is %llu bytes long (at most %d)",
                       (unsigned long long)t->name.len, GGUF_MAX_NAME);
    uint64_t at = r->off;
    if (read_u32(r, &t->n_dims, "tensor dimension count")) return -1;
    if (t->n_dims < 1 || t->n_dims > GGUF_MAX_DIMS)
        return fail_at(r, at, "tensor '%.*s' has %u dimensions (1..%d allowed)", (int)t->name.len,
                       t->name.data, t->n_dims, GGUF_MAX_DIMS);
    uint64_t nelem = 1;
    for (uint32_t d = 0; d < GGUF_MAX_DIMS; d++) t->ne[d] = 1;
    for (uint32_t d = 0; d < t->n_dims; d++) {
        at = r->off;
        if (read_u64(r, &t->ne[d], "tensor dimension")) return -1;
        if (t->ne[d] > (uint64_t)INT64_MAX)
            return fail_at(r, at, "tensor '%.*s' dimension %u is %llu (larger than INT64_MAX)",
                           (int)t->name.len, t->name.data, d, (unsigned long long)t->ne[d]);
        if (t->ne[d] && nelem > (uint64_t)INT64_MAX / t->ne[d])
            return fail_at(r, at, "tensor '%.*s' element count overflows 63 bits", (int)t->name.len,
                           t->name.data);
        nelem *= t->ne[d];
    }
    at = r->off;
    if (read_u32(r, &t->type, "tensor type")) return -1;
    const tg_type_traits *tt = tg_type_get(t->type);
    if (!tt)
        return fail_at(r, at, "tensor '%.*s' has unknown ggml type %u", (int)t->name.len,
                       t->name.data, t->type);
    if (t->ne[0] % tt->block_elems)
        return fail_at(r, at, "tensor '%.*s': row of %llu elements is not a multiple of %s's block of %u",
                       (int)t->name.len, t->name.data, (unsigned long long)t->ne[0], tt->name,
                       tt->block_elems);
    /* bytes = ne0/block * block_bytes * ne1*ne2*ne3, each step checked. */
    uint64_t blocks = t->ne[0] / tt->block_elems;
    if (blocks > (uint64_t)INT64_MAX / tt->block_bytes)
        return fail_at(r, at, "tensor '%.*s' byte size overflows 63 bits", (int)t->name.len,
                       t->name.data);
    uint64_t bytes = blocks * tt->block_bytes;
    for (uint32_t d = 1; d < GGUF_MAX_DIMS; d++) {
        if (t->ne[d] && bytes > (uint64_t)INT64_MAX / t->ne[d])
            return fail_at(r, at, "tensor '%.*s' byte size overflows 63 bits", (int)t->name.len,
                           t->name.data);
        bytes *= t->ne[d];
    }
    t->nbytes = bytes;
    if (read_u64(r, &t->offset, "tensor data offset")) return -1;
    return 0;
}

static void free_tables(tg_gguf *g)
{
    if (g->kv)
        for (uint64_t i = 0; i < g->n_kv; i++)
            if (g->kv[i].type == TG_GGUF_ARRAY) free((void *)g->kv[i].v.arr.strs);
    free(g->kv);
    free(g->tensors);
    g->kv = NULL;
    g->tensors = NULL;
}

int tg_gguf_parse(tg_gguf *g, const void *data, size_t size, const char *name, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    snprintf(g->path, sizeof g->path, "%s", name ? name : "<buffer>");
    g->base = data;
    g->size = size;
    reader rd = { data, size, 0, g->path, err, errlen }, *r = &rd;
    if (err && errlen) err[0] = 0;

    uint32_t magic;
    if (read_u32(r, &magic, "magic")) return -1;
    if (magic != GGUF_MAGIC)
        return fail_at(r, 0, "bad magic %02x %02x %02x %02x (not a GGUF file)", r->p[0], r->p[1],
                       r->p[2], r->p[3]);
    if (read_u32(r, &g->version, "version")) return -1;
    if (g->version == 0x02000000u || g->version == 0x03000000u)
        return fail_at(r, 4, "big-endian GGUF files are not supported");
    if (g->version != 2 && g->version != 3)
        return fail_at(r, 4, "GGUF version %u is not supported (2 and 3 are)", g->version);
    if (read_u64(r, &g->n_tensors, "tensor count")) return -1;
    if (read_u64(r, &g->n_kv, "metadata count")) return -1;
    /* A kv takes at least 13 bytes (key length, type, 1-byte value) and a tensor info at least 32. */
    if (g->n_kv > left(r) / 13)
        return fail_at(r, 16, "metadata count %llu cannot fit in a %zu-byte file",
                       (unsigned long long)g->n_kv, size);
    if (g->n_tensors > left(r) / 32)
        return fail_at(r, 8, "tensor count %llu cannot fit in a %zu-byte file",
                       (unsigned long long)g->n_tensors, size);

    g->kv = calloc(g->n_kv ? g->n_kv : 1, sizeof *g->kv);
    g->tensors = calloc(g->n_tensors ? g->n_tensors : 1, sizeof *g->tensors);
    uint64_t most = g->n_kv > g->n_tensors ? g->n_kv : g->n_tensors;
    named *names = malloc((most ? most : 1) * sizeof *names);
    span *spans = malloc((g->n_tensors ? g->n_tensors : 1) * sizeof *spans);
    uint64_t *kv_off = malloc((g->n_kv ? g->n_kv : 1) * sizeof *kv_off);
    uint64_t *ti_off = malloc((g->n_tensors ? g->n_tensors : 1) * sizeof *ti_off);
    if (!g->kv || !g->tensors || !names || !spans || !kv_off || !ti_off) {
        fail_at(r, 16, "out of memory");
        goto bad;
    }

    g->alignment = GGUF_DEFAULT_ALIGNMENT;
    for (uint64_t i = 0; i < g->n_kv; i++) {
        tg_gguf_kv *kv = &g->kv[i];
        kv_off[i] = r->off;
        if (read_str(r, &kv->key, "metadata key")) goto bad;
        if (kv->key.len == 0) { fail_at(r, kv_off[i], "metadata key is empty"); goto bad; }
        if (kv->key.len > GGUF_MAX_KEY) {
            fail_at(r, kv_off[i], "metadata key is %llu bytes long (at most %d)",
                    (unsigned long long)kv->key.len, GGUF_MAX_KEY);
            goto bad;
        }
        uint64_t at = r->off;
        if (read_u32(r, &kv->type, "metadata value type")) goto bad;
        if (kv->type >= TG_GGUF_NUM_VTYPES) {
            fail_at(r, at, "key '%.*s' has value type %u, which is not a GGUF type",
                    (int)kv->key.len, kv->key.data, kv->type);
            kv->type = TG_GGUF_U8;   /* so free_tables does not read an unset array */
            goto bad;
        }
        if (read_value(r, kv)) { kv->type = TG_GGUF_U8; goto bad; }
        if (kv->type == TG_GGUF_ARRAY && kv->v.arr.type == TG_GGUF_STRING && index_strings(r, kv))
            goto bad;
        if (tg_gguf_str_eq(kv->key, "general.alignment")) {
            if (kv->type != TG_GGUF_U32) {
                fail_at(r, at, "general.alignment has type %s (u32 expected)", vtype_names[kv->type]);
                goto bad;
            }
            /* The spec asks for a multiple of 8; ggml needs a power of two. */
            if (kv->v.u < 8 || (kv->v.u & (kv->v.u - 1)) || kv->v.u > (1u << 30)) {
                fail_at(r, at + 4, "general.alignment %llu is not a power of two in 8..2^30",
                        (unsigned long long)kv->v.u);
                goto bad;
            }
            g->alignment = (uint32_t)kv->v.u;
        }
    }
    for (uint64_t i = 0; i < g->n_kv; i++) names[i] = (named){ g->kv[i].key, i };
    uint64_t dup = find_duplicate(names, g->n_kv);
    if (dup != UINT64_MAX) {
        fail_at(r, kv_off[dup], "duplicate metadata key '%.*s'", (int)g->kv[dup].key.len,
                g->kv[dup].key.data);
        goto bad;
    }

    for (uint64_t i = 0; i < g->n_tensors; i++)
        if (read_tensor_info(r, &g->tensors[i], &ti_off[i])) goto bad;
    for (uint64_t i = 0; i < g->n_tensors; i++) names[i] = (named){ g->tensors[i].name, i };
    dup = find_duplicate(names, g->n_tensors);
    if (dup != UINT64_MAX) {
        fail_at(r, ti_off[dup], "duplicate tensor name '%.*s'", (int)g->tensors[dup].name.len,
                g->tensors[dup].name.data);
        goto bad;
    }

    /* The data section starts at the next multiple of the alignment. */
    uint64_t data_off = (r->off + g->alignment - 1) / g->alignment * g->alignment;
    if (g->n_tensors && data_off > size) {
        fail_at(r, r->off, "data section would start at %llu, past the end of the %zu-byte file",
                (unsigned long long)data_off, size);
        goto bad;
    }
    g->data_offset = data_off;
    uint64_t data_size = data_off <= size ? size - data_off : 0;
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        tg_gguf_tensor *t = &g->tensors[i];
        uint64_t at = ti_off[i] + 8 + t->name.len + 4 + 8ull * t->n_dims + 4;  /* its offset field */
        if (t->offset % g->alignment) {
            fail_at(r, at, "tensor '%.*s' data offset %llu is not a multiple of the alignment %u",
                    (int)t->name.len, t->name.data, (unsigned long long)t->offset, g->alignment);
            goto bad;
        }
        if (t->offset > data_size || t->nbytes > data_size - t->offset) {
            fail_at(r, at, "tensor '%.*s' data [%llu, +%llu) runs past the end of the data section (%llu bytes)",
                    (int)t->name.len, t->name.data, (unsigned long long)t->offset,
                    (unsigned long long)t->nbytes, (unsigned long long)data_size);
            goto bad;
        }
        t->data = g->base + data_off + t->offset;
    }
    /* No two tensors may share bytes (empty tensors share nothing). */
    uint64_t n_spans = 0;
    for (uint64_t i = 0; i < g->n_tensors; i++)
        if (g->tensors[i].nbytes)
            spans[n_spans++] = (span){ g->tensors[i].offset, g->tensors[i].offset + g->tensors[i].nbytes, i };
    qsort(spans, n_spans, sizeof *spans, cmp_span);
    for (uint64_t i = 1; i < n_spans; i++) {
        if (spans[i - 1].end > spans[i].off) {
            const tg_gguf_tensor *a = &g->tensors[spans[i - 1].i], *b = &g->tensors[spans[i].i];
            fail_at(r, ti_off[spans[i].i] + 8 + b->name.len + 4 + 8ull * b->n_dims + 4,
                    "tensor '%.*s' data overlaps tensor '%.*s'", (int)b->name.len, b->name.data,
                    (int)a->name.len, a->name.data);
            goto bad;
        }
    }
    free(names);
    free(spans);
    free(kv_off);
    free(ti_off);
    return 0;
bad:
    free(names);
    free(spans);
    free(kv_off);
    free(ti_off);
    free_tables(g);
    return -1;
}

int tg_gguf_open(tg_gguf *g, const char *path, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: offset 0: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: offset 0: not a regular file", path);
        close(fd);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    void *map = NULL;
    if (size) {
        map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            snprintf(err, errlen, "%s: offset 0: cannot map: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
    }
    close(fd);
    static const uint8_t empty[1];
    if (tg_gguf_parse(g, size ? map : empty, size, path, err, errlen)) {
        if (size) munmap(map, size);
        return -1;
    }
    g->mapped = size > 0;
    return 0;
}

void tg_gguf_close(tg_gguf *g)
{
    free_tables(g);
    if (g->mapped) munmap((void *)g->base, g->size);
    g->base = NULL;
    g->mapped = false;
}

const tg_gguf_kv *tg_gguf_find(const tg_gguf *g, const char *key)
{
    for (uint64_t i = 0; i < g->n_kv; i++)
        if (tg_gguf_str_eq(g->kv[i].key, key)) return &g->kv[i];
    return NULL;
}

const tg_gguf_tensor *tg_gguf_tensor_find(const tg_gguf *g, const char *name)
{
    for (uint64_t i = 0; i < g->n_tensors; i++)
        if (tg_gguf_str_eq(g->tensors[i].name, name)) return &g->tensors[i];
    return NULL;
}

/* Byte length of the validated array element at p (type t): walks nested arrays. */
static uint64_t elem_bytes(uint32_t t, const uint8_t *p)
{
    if (vtype_sizes[t]) return vtype_sizes[t];
    if (t == TG_GGUF_STRING) return 8 + get_u64(p);
    uint32_t et = get_u32(p);
    uint64_t n = get_u64(p + 4), len = 12;
    if (vtype_sizes[et]) return len + n * vtype_sizes[et];
    for (uint64_t i = 0; i < n; i++) len += elem_bytes(et, p + len);
    return len;
}

static const uint8_t *arr_elem(const tg_gguf_kv *kv, uint64_t i)
{
    const uint8_t *p = kv->v.arr.data;
    for (uint64_t k = 0; k < i; k++) p += elem_bytes(kv->v.arr.type, p);
    return p;
}

tg_gguf_str tg_gguf_arr_str(const tg_gguf_kv *kv, uint64_t i)
{
    tg_gguf_str s = { 0, "" };
    if (kv->type != TG_GGUF_ARRAY || kv->v.arr.type != TG_GGUF_STRING || i >= kv->v.arr.n) return s;
    if (kv->v.arr.strs) return kv->v.arr.strs[i];
    const uint8_t *p = arr_elem(kv, i);
    s.len = get_u64(p);
    s.data = (const char *)p + 8;
    return s;
}

int tg_gguf_arr_sub(const tg_gguf_kv *kv, uint64_t i, tg_gguf_kv *out)
{
    if (kv->type != TG_GGUF_ARRAY || kv->v.arr.type != TG_GGUF_ARRAY || i >= kv->v.arr.n) return -1;
    const uint8_t *p = arr_elem(kv, i);
    memset(out, 0, sizeof *out);
    out->key.data = "";
    out->type = TG_GGUF_ARRAY;
    out->v.arr.type = get_u32(p);
    out->v.arr.n = get_u64(p + 4);
    out->v.arr.data = p + 12;
    return 0;
}
