/* cmd_gguf.c: `tgpu gguf info MODEL` (metadata and tensor table of a GGUF file) and
 * `tgpu gguf pack MANIFEST -o OUT.gguf` (builds a GGUF file from a text manifest with our writer). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/gguf.h"
#include "runtime/quant.h"
#include "tools/commands.h"

#define ARR_SHOW 8     /* array elements printed before "..." */
#define STR_SHOW 80    /* string bytes printed before "..." */

static const char usage_text[] =
    "usage: tgpu gguf info MODEL.gguf\n"
    "       tgpu gguf pack MANIFEST -o OUT.gguf\n"
    "       tgpu gguf dump MODEL.gguf                 (every value in full, for scripts)\n"
    "       tgpu gguf dequant MODEL.gguf TENSOR -o OUT.f32\n"
    "\n"
    "info  prints the header, every metadata key (long arrays summarized) and the tensor table\n"
    "      (name, type, shape with ne0 first, bytes, offset in the data section).\n"
    "pack  writes a GGUF v3 file from a manifest; paths are relative to the manifest's folder,\n"
    "      a line starting with '#' is a comment:\n"
    "        kv <key> u32|i32|f32|bool|str <value>          (str: the rest of the line)\n"
    "        kv <key> arr:u32|arr:i32|arr:f32 <file>        (raw little-endian elements)\n"
    "        kv <key> arr:str <file>                        (a string per line; \\n \\\\ \\xNN)\n"
    "        tensor <name> <type> <ne0>[,<ne1>,...] <file>  (f32 little-endian, ne0 fastest)\n"
    "      types: f32 f16 bf16 q8_0 q4_0 q4_1 q5_0 q5_1 q4_K q5_K q6_K q8_K\n";

/* ---- info ---- */

static void print_str(const char *s, uint64_t len)
{
    putchar('"');
    for (uint64_t i = 0; i < len && i < STR_SHOW; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c == '\n') printf("\\n");
        else if (c < 0x20 || c == 0x7f) printf("\\x%02x", c);
        else putchar(c);
    }
    putchar('"');
    if (len > STR_SHOW) printf("...(%llu bytes)", (unsigned long long)len);
}

/* One element of a fixed-size type at p. */
static void print_scalar(uint32_t type, const uint8_t *p)
{
    uint64_t u = 0;
    memcpy(&u, p, tg_gguf_vtype_size(type));
    switch (type) {
    case TG_GGUF_U8: case TG_GGUF_U16: case TG_GGUF_U32: case TG_GGUF_U64:
        printf("%llu", (unsigned long long)u); break;
    case TG_GGUF_I8:  printf("%d", (int8_t)u); break;
    case TG_GGUF_I16: printf("%d", (int16_t)u); break;
    case TG_GGUF_I32: printf("%d", (int32_t)u); break;
    case TG_GGUF_I64: printf("%lld", (long long)(int64_t)u); break;
    case TG_GGUF_F32: { float f; memcpy(&f, p, 4); printf("%.9g", f); break; }
    case TG_GGUF_F64: { double f; memcpy(&f, p, 8); printf("%.17g", f); break; }
    case TG_GGUF_BOOL: printf("%s", u ? "true" : "false"); break;
    }
}

static void print_array(const tg_gguf_kv *kv, int depth)
{
    uint32_t et = kv->v.arr.type;
    printf("[%s x %llu]", tg_gguf_vtype_name(et), (unsigned long long)kv->v.arr.n);
    if (depth > 2) { printf(" ..."); return; }
    printf(" ");
    for (uint64_t i = 0; i < kv->v.arr.n && i < ARR_SHOW; i++) {
        if (i) printf(", ");
        if (et == TG_GGUF_STRING) {
            tg_gguf_str s = tg_gguf_arr_str(kv, i);
            print_str(s.data, s.len);
        } else if (et == TG_GGUF_ARRAY) {
            tg_gguf_kv sub;
            printf("{");
            if (!tg_gguf_arr_sub(kv, i, &sub)) print_array(&sub, depth + 1);
            printf("}");
        } else {
            print_scalar(et, (const uint8_t *)kv->v.arr.data + i * tg_gguf_vtype_size(et));
        }
    }
    if (kv->v.arr.n > ARR_SHOW) printf(", ...");
}

static int gguf_info(const char *path)
{
    tg_gguf g;
    char err[512];
    if (tg_gguf_open(&g, path, err, sizeof err)) {
        fprintf(stderr, "tgpu gguf: %s\n", err);
        return 2;
    }
    printf("%s: GGUF v%u, %zu bytes, alignment %u, data at offset %llu\n", path, g.version, g.size,
           g.alignment, (unsigned long long)g.data_offset);
    printf("metadata: %llu keys\n", (unsigned long long)g.n_kv);
    for (uint64_t i = 0; i < g.n_kv; i++) {
        const tg_gguf_kv *kv = &g.kv[i];
        printf("  %-40.*s %-4s ", (int)(kv->key.len < 200 ? kv->key.len : 200), kv->key.data,
               tg_gguf_vtype_name(kv->type));
        if (kv->type == TG_GGUF_STRING) print_str(kv->v.s.data, kv->v.s.len);
        else if (kv->type == TG_GGUF_ARRAY) print_array(kv, 0);
        else if (kv->type == TG_GGUF_F32 || kv->type == TG_GGUF_F64) printf("%.9g", kv->v.f);
        else if (kv->type == TG_GGUF_BOOL) printf("%s", kv->v.b ? "true" : "false");
        else if (kv->type == TG_GGUF_I8 || kv->type == TG_GGUF_I16 || kv->type == TG_GGUF_I32 ||
                 kv->type == TG_GGUF_I64) printf("%lld", (long long)kv->v.i);
        else printf("%llu", (unsigned long long)kv->v.u);
        printf("\n");
    }
    printf("tensors: %llu\n", (unsigned long long)g.n_tensors);
    if (g.n_tensors) printf("  %-32s %-7s %-24s %12s %12s\n", "name", "type", "shape", "bytes", "offset");
    uint64_t total = 0;
    for (uint64_t i = 0; i < g.n_tensors; i++) {
        const tg_gguf_tensor *t = &g.tensors[i];
        char shape[96];
        int n = 0;
        for (uint32_t d = 0; d < t->n_dims; d++)
            n += snprintf(shape + n, sizeof shape - (size_t)n, "%s%llu", d ? " x " : "",
                          (unsigned long long)t->ne[d]);
        printf("  %-32.*s %-7s %-24s %12llu %12llu\n", (int)t->name.len, t->name.data,
               tg_type_get(t->type)->name, shape, (unsigned long long)t->nbytes,
               (unsigned long long)t->offset);
        total += t->nbytes;
    }
    if (g.n_tensors) printf("  total %llu bytes of tensor data\n", (unsigned long long)total);
    tg_gguf_close(&g);
    return 0;
}

/* ---- dump: every value in full, in a form scripts parse (tests compare it with python's view) ---- */

static void dump_hex(const char *s, uint64_t len)
{
    if (!len) { printf("-"); return; }   /* empty string */
    for (uint64_t i = 0; i < len; i++) printf("%02x", (unsigned char)s[i]);
}

static void dump_scalar(uint32_t type, const uint8_t *p)
{
    if (type == TG_GGUF_F32) { float f; memcpy(&f, p, 4); printf("%a", (double)f); }
    else if (type == TG_GGUF_F64) { double f; memcpy(&f, p, 8); printf("%a", f); }
    else print_scalar(type, p);
}

static void dump_array(const tg_gguf_kv *kv)
{
    uint32_t et = kv->v.arr.type;
    printf("[%s %llu", tg_gguf_vtype_name(et), (unsigned long long)kv->v.arr.n);
    const uint8_t *p = kv->v.arr.data;
    for (uint64_t i = 0; i < kv->v.arr.n; i++) {
        printf(" ");
        if (et == TG_GGUF_STRING) {
            tg_gguf_str s = tg_gguf_arr_str(kv, i);
            dump_hex(s.data, s.len);
        } else if (et == TG_GGUF_ARRAY) {
            tg_gguf_kv sub;
            tg_gguf_arr_sub(kv, i, &sub);
            dump_array(&sub);
        } else {
            dump_scalar(et, p + i * tg_gguf_vtype_size(et));
        }
    }
    printf("]");
}

static int gguf_dump(const char *path)
{
    tg_gguf g;
    char err[512];
    if (tg_gguf_open(&g, path, err, sizeof err)) {
        fprintf(stderr, "tgpu gguf: %s\n", err);
        return 2;
    }
    printf("version %u\nalignment %u\ndata_offset %llu\n", g.version, g.alignment,
           (unsigned long long)g.data_offset);
    for (uint64_t i = 0; i < g.n_kv; i++) {
        const tg_gguf_kv *kv = &g.kv[i];
        printf("kv ");
        dump_hex(kv->key.data, kv->key.len);
        printf(" %s ", tg_gguf_vtype_name(kv->type));
        if (kv->type == TG_GGUF_STRING) dump_hex(kv->v.s.data, kv->v.s.len);
        else if (kv->type == TG_GGUF_ARRAY) dump_array(kv);
        else if (kv->type == TG_GGUF_F32 || kv->type == TG_GGUF_F64) printf("%a", kv->v.f);
        else if (kv->type == TG_GGUF_BOOL) printf("%s", kv->v.b ? "true" : "false");
        else if (kv->type == TG_GGUF_I8 || kv->type == TG_GGUF_I16 || kv->type == TG_GGUF_I32 ||
                 kv->type == TG_GGUF_I64) printf("%lld", (long long)kv->v.i);
        else printf("%llu", (unsigned long long)kv->v.u);
        printf("\n");
    }
    for (uint64_t i = 0; i < g.n_tensors; i++) {
        const tg_gguf_tensor *t = &g.tensors[i];
        printf("tensor %.*s %s ", (int)t->name.len, t->name.data, tg_type_get(t->type)->name);
        for (uint32_t d = 0; d < t->n_dims; d++) printf("%s%llu", d ? "," : "", (unsigned long long)t->ne[d]);
        printf(" %llu %llu\n", (unsigned long long)t->offset, (unsigned long long)t->nbytes);
    }
    tg_gguf_close(&g);
    return 0;
}

/* ---- dequant: one tensor to raw f32 ---- */

static int gguf_dequant(const char *path, const char *name, const char *out)
{
    tg_gguf g;
    char err[512];
    if (tg_gguf_open(&g, path, err, sizeof err)) {
        fprintf(stderr, "tgpu gguf: %s\n", err);
        return 2;
    }
    int rc = 0;
    const tg_gguf_tensor *t = tg_gguf_tensor_find(&g, name);
    const tg_type_traits *tt = t ? tg_type_get(t->type) : NULL;
    uint64_t n = t ? t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3] : 0;
    float *y = NULL;
    FILE *f = NULL;
    if (!t) { fprintf(stderr, "tgpu gguf: %s: no tensor '%s'\n", path, name); rc = 2; goto out; }
    if (!tt->supported) { fprintf(stderr, "tgpu gguf: %s: type %s cannot be dequantized\n", name, tt->name); rc = 2; goto out; }
    if (!(y = malloc(n ? n * sizeof *y : 1))) { fprintf(stderr, "tgpu gguf: out of memory\n"); rc = 1; goto out; }
    tg_dequantize(t->type, t->data, y, n);
    if (!(f = fopen(out, "wb")) || fwrite(y, sizeof *y, n, f) != n) {
        fprintf(stderr, "tgpu gguf: %s: cannot write\n", out);
        rc = 1;
    }
out:
    if (f && fclose(f)) rc = 1;
    free(y);
    tg_gguf_close(&g);
    return rc;
}

/* ---- pack ---- */

typedef struct manifest {
    const char *path;
    char dir[1024];
    int line;
    char err[1200];
} manifest;

static int mfail(manifest *m, const char *fmt, ...)
{
    int n = snprintf(m->err, sizeof m->err, "%s:%d: ", m->path, m->line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->err + n, sizeof m->err - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Reads a whole file named relative to the manifest's folder. */
static int read_rel(manifest *m, const char *name, uint8_t **data, size_t *size)
{
    char path[2200];
    if (name[0] == '/' || !m->dir[0]) snprintf(path, sizeof path, "%s", name);
    else snprintf(path, sizeof path, "%s/%s", m->dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return mfail(m, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(b, cap *= 2);
            if (!nb) { free(b); b = NULL; }
            else b = nb;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (!b) return mfail(m, "'%s': out of memory", path);
    if (bad) { free(b); return mfail(m, "'%s': read error", path); }
    *data = b;
    *size = n;
    return 0;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
    if (!isdigit((unsigned char)s[0])) return -1;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end || x > max) return -1;
    *v = x;
    return 0;
}

static int parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *v)
{
    if (!s[0]) return -1;
    errno = 0;
    char *end;
    long long x = strtoll(s, &end, 0);
    if (errno || *end || x < lo || x > hi) return -1;
    *v = x;
    return 0;
}

/* arr:str files: a string per line with \n, \\ and \xNN escapes. */
static int pack_arr_str(manifest *m, tg_gguf_writer *w, const char *key, const char *file)
{
    uint8_t *d;
    size_t size;
    if (read_rel(m, file, &d, &size)) return -1;
    size_t n_lines = 0;
    for (size_t i = 0; i < size; i++) n_lines += d[i] == '\n';
    if (size && d[size - 1] != '\n') n_lines++;
    char **v = calloc(n_lines ? n_lines : 1, sizeof *v);
    uint64_t *lens = calloc(n_lines ? n_lines : 1, sizeof *lens);
    int rc = 0;
    if (!v || !lens) { rc = mfail(m, "out of memory"); goto out; }
    /* Escapes only shrink a line, so unescaping happens in place. */
    size_t pos = 0;
    for (size_t k = 0; k < n_lines; k++) {
        size_t start = pos, o = pos;
        while (pos < size && d[pos] != '\n') {
            if (d[pos] != '\\') { d[o++] = d[pos++]; continue; }
            if (pos + 1 < size && d[pos + 1] == 'n') { d[o++] = '\n'; pos += 2; continue; }
            if (pos + 1 < size && d[pos + 1] == '\\') { d[o++] = '\\'; pos += 2; continue; }
            if (pos + 3 < size && d[pos + 1] == 'x' && isxdigit(d[pos + 2]) && isxdigit(d[pos + 3])) {
                char hex[3] = { (char)d[pos + 2], (char)d[pos + 3], 0 };
                d[o++] = (uint8_t)strtoul(hex, NULL, 16);
                pos += 4;
                continue;
            }
            rc = mfail(m, "%s: line %zu: bad escape (use \\n, \\\\ or \\xNN)", file, k + 1);
            goto out;
        }
        v[k] = (char *)d + start;
        lens[k] = o - start;
        pos++;   /* past the newline */
    }
    tg_gguf_set_arr_strn(w, key, (const char *const *)v, lens, n_lines);
out:
    free(v);
    free(lens);
    free(d);
    return rc;
}

/* Splits off the next blank-separated token of *s (NUL-terminating it), or returns NULL. */
static char *next_tok(char **s)
{
    char *p = *s;
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) { *s = p; return NULL; }
    char *start = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    if (*p) *p++ = 0;
    *s = p;
    return start;
}

static int pack_kv(manifest *m, tg_gguf_writer *w, char *rest)
{
    char *key = next_tok(&rest), *type = next_tok(&rest);
    if (!key || !type) return mfail(m, "expected: kv <key> <type> <value>");
    if (!strcmp(type, "str")) {   /* the value is the rest of the line, '#' included */
        if (tg_gguf_writer_has(w, key)) return mfail(m, "kv '%s' is set twice", key);
        while (*rest == ' ' || *rest == '\t') rest++;
        tg_gguf_set_str(w, key, rest);
        return 0;
    }
    char *tok = next_tok(&rest), *extra = next_tok(&rest);
    if (tg_gguf_writer_has(w, key)) return mfail(m, "kv '%s' is set twice", key);
    if (!tok) return mfail(m, "kv '%s': missing value", key);
    if (extra && extra[0] != '#') return mfail(m, "kv '%s': unexpected '%s' after the value", key, extra);
    if (!strcmp(type, "u32")) {
        uint64_t u;
        if (parse_u64(tok, UINT32_MAX, &u)) return mfail(m, "kv '%s': '%s' is not a u32", key, tok);
        tg_gguf_set_u32(w, key, (uint32_t)u);
    } else if (!strcmp(type, "i32")) {
        int64_t i;
        if (parse_i64(tok, INT32_MIN, INT32_MAX, &i)) return mfail(m, "kv '%s': '%s' is not an i32", key, tok);
        tg_gguf_set_i32(w, key, (int32_t)i);
    } else if (!strcmp(type, "f32")) {
        char *end;
        errno = 0;
        float f = strtof(tok, &end);
        if (*end || end == tok) return mfail(m, "kv '%s': '%s' is not an f32", key, tok);
        tg_gguf_set_f32(w, key, f);
    } else if (!strcmp(type, "bool")) {
        if (!strcmp(tok, "true") || !strcmp(tok, "1")) tg_gguf_set_bool(w, key, true);
        else if (!strcmp(tok, "false") || !strcmp(tok, "0")) tg_gguf_set_bool(w, key, false);
        else return mfail(m, "kv '%s': '%s' is not a bool (true/false/1/0)", key, tok);
    } else if (!strcmp(type, "arr:u32") || !strcmp(type, "arr:i32") || !strcmp(type, "arr:f32")) {
        uint8_t *d;
        size_t size;
        if (read_rel(m, tok, &d, &size)) return -1;
        if (size % 4) { free(d); return mfail(m, "kv '%s': '%s' has %zu bytes, not a multiple of 4", key, tok, size); }
        uint32_t et = type[4] == 'u' ? TG_GGUF_U32 : type[4] == 'i' ? TG_GGUF_I32 : TG_GGUF_F32;
        tg_gguf_set_arr(w, key, et, d, size / 4);
        free(d);
    } else if (!strcmp(type, "arr:str")) {
        return pack_arr_str(m, w, key, tok);
    } else {
        return mfail(m, "kv '%s': unknown type '%s' (u32 i32 f32 bool str arr:u32 arr:i32 arr:f32 arr:str)", key, type);
    }
    return 0;
}

static int pack_tensor(manifest *m, tg_gguf_writer *w, char *rest)
{
    char *name = next_tok(&rest), *type = next_tok(&rest), *shape = next_tok(&rest);
    char *file = next_tok(&rest), *extra = next_tok(&rest);
    if (!file) return mfail(m, "expected: tensor <name> <type> <ne0>[,<ne1>,...] <file>");
    if (extra && extra[0] != '#') return mfail(m, "tensor '%s': unexpected '%s' after the file", name, extra);
    if (strlen(name) > 64) return mfail(m, "tensor name '%s' is longer than 64 bytes", name);
    int t = tg_type_from_name(type);
    const tg_type_traits *tt = t >= 0 ? tg_type_get((uint32_t)t) : NULL;
    if (!tt || !tt->supported)
        return mfail(m, "tensor '%s': unknown type '%s' (f32 f16 bf16 q8_0 q4_0 q4_1 q5_0 q5_1 q4_K q5_K q6_K q8_K)", name, type);
    uint64_t ne[4];
    uint32_t n_dims = 0;
    uint64_t count = 1;
    for (char *s = shape, *next; s; s = next) {
        next = strchr(s, ',');
        if (next) *next++ = 0;
        if (n_dims == 4) return mfail(m, "tensor '%s': more than 4 dimensions", name);
        if (parse_u64(s, (uint64_t)1 << 40, &ne[n_dims]) || !ne[n_dims])
            return mfail(m, "tensor '%s': dimension '%s' is not a positive integer", name, s);
        if (count > ((uint64_t)1 << 40) / ne[n_dims]) return mfail(m, "tensor '%s': too many elements", name);
        count *= ne[n_dims++];
    }
    if (ne[0] % tt->block_elems)
        return mfail(m, "tensor '%s': ne0 = %llu is not a multiple of %s's block of %u", name,
                     (unsigned long long)ne[0], tt->name, tt->block_elems);
    uint8_t *d;
    size_t size;
    if (read_rel(m, file, &d, &size)) return -1;
    int rc = 0;
    void *q = NULL;
    if (size != count * 4) {
        rc = mfail(m, "tensor '%s': '%s' has %zu bytes, expected %llu (%llu f32)", name, file, size,
                   (unsigned long long)(count * 4), (unsigned long long)count);
        goto out;
    }
    const float *x = (const float *)d;
    if (t != TG_TYPE_F32 && t != TG_TYPE_F16 && t != TG_TYPE_BF16)
        for (uint64_t i = 0; i < count; i++)
            if (!isfinite(x[i])) {
                rc = mfail(m, "tensor '%s': element %llu of '%s' is not finite", name, (unsigned long long)i, file);
                goto out;
            }
    size_t bytes = tg_type_row_bytes((uint32_t)t, ne[0]) * (count / ne[0]);
    q = malloc(bytes ? bytes : 1);
    if (!q) { rc = mfail(m, "out of memory"); goto out; }
    tg_quantize((uint32_t)t, x, q, count);
    tg_gguf_add_tensor(w, name, (uint32_t)t, n_dims, ne, q, bytes);
out:
    free(q);
    free(d);
    return rc;
}

static int gguf_pack(const char *path, const char *out)
{
    manifest m = { .path = path };
    const char *slash = strrchr(path, '/');
    if (slash) snprintf(m.dir, sizeof m.dir, "%.*s", (int)(slash - path), path);
    if (slash == path) snprintf(m.dir, sizeof m.dir, "/");
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "tgpu gguf: %s: cannot open: %s\n", path, strerror(errno));
        return 2;
    }
    tg_gguf_writer *w = tg_gguf_writer_new();
    char line[8192];
    int rc = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        m.line++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') { rc = mfail(&m, "line longer than %zu bytes", sizeof line - 2); break; }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (!*s || *s == '#') continue;
        if (!strncmp(s, "kv", 2) && (s[2] == ' ' || s[2] == '\t')) rc = pack_kv(&m, w, s + 3);
        else if (!strncmp(s, "tensor", 6) && (s[6] == ' ' || s[6] == '\t')) rc = pack_tensor(&m, w, s + 7);
        else rc = mfail(&m, "expected 'kv' or 'tensor', got '%.40s'", s);
        if (!rc && tg_gguf_writer_error(w)) rc = mfail(&m, "%s", tg_gguf_writer_error(w));
    }
    fclose(f);
    if (rc) {
        fprintf(stderr, "tgpu gguf: %s\n", m.err);
        tg_gguf_writer_free(w);
        return 2;
    }
    char err[512];
    rc = tg_gguf_write(w, out, err, sizeof err);
    tg_gguf_writer_free(w);
    if (rc) {
        fprintf(stderr, "tgpu gguf: %s\n", err);
        return 1;
    }
    /* Read back what we wrote: the writer and reader must agree. */
    tg_gguf g;
    if (tg_gguf_open(&g, out, err, sizeof err)) {
        fprintf(stderr, "tgpu gguf: wrote an unreadable file: %s\n", err);
        return 1;
    }
    printf("%s: %llu keys, %llu tensors, %zu bytes\n", out, (unsigned long long)g.n_kv,
           (unsigned long long)g.n_tensors, g.size);
    tg_gguf_close(&g);
    return 0;
}

int tg_cmd_gguf(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "info")) return gguf_info(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "dump")) return gguf_dump(argv[2]);
    if (argc == 6 && !strcmp(argv[1], "dequant") && !strcmp(argv[4], "-o"))
        return gguf_dequant(argv[2], argv[3], argv[5]);
    if (argc == 5 && !strcmp(argv[1], "pack") && !strcmp(argv[3], "-o")) return gguf_pack(argv[2], argv[4]);
    if (argc == 5 && !strcmp(argv[1], "pack") && !strcmp(argv[2], "-o")) return gguf_pack(argv[4], argv[3]);
    fputs(usage_text, stderr);
    return 2;
}
