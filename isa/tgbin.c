/* tgbin.c: the .tgbin program image format (layout in docs/isa.md, "Program images"):
 *
 *   "TGBIN\0\0\0"  u32 version(1)  u32 ncode  u32 nkernels  u32 flags(bit 0: line table)
 *   str source
 *   u64 code[ncode]  [u32 lines[ncode]]
 *   per kernel: str name, u32 entry end nregs shared_bytes local_bytes param_bytes nparams nsyms,
 *               nparams x {str name, u32 offset, u32 size}, nsyms x {str name, u32 offset, u32 size}
 *   str = u32 length + bytes (no NUL), length < 128
 *
 * All little-endian. The reader trusts nothing: every count is bounded by the bytes that remain,
 * every string by TG_NAME_MAX, every kernel range by ncode, every parameter by param_bytes. */
#include "isa/tgbin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char magic[8] = { 'T', 'G', 'B', 'I', 'N', 0, 0, 0 };
#define TGBIN_VERSION 1
#define MAX_CODE (1u << 24)   /* 16 M instructions: far beyond any kernel, small enough to allocate */

/* ---- writing ------------------------------------------------------------------------------------ */

typedef struct wbuf { uint8_t *p; size_t n, cap; int oom; } wbuf;

static void put(wbuf *b, const void *src, size_t n)
{
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + n) cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) { b->oom = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

static void put_u32(wbuf *b, uint32_t v)
{
    uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    put(b, le, 4);
}

static void put_u64(wbuf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_str(wbuf *b, const char *s)
{
    size_t n = strnlen(s, TG_NAME_MAX - 1);
    put_u32(b, (uint32_t)n);
    put(b, s, n);
}

int tg_module_serialize(const tg_module *m, uint8_t **data, size_t *size)
{
    wbuf b = { 0 };
    put(&b, magic, 8);
    put_u32(&b, TGBIN_VERSION);
    put_u32(&b, m->ncode);
    put_u32(&b, m->nkernels);
    put_u32(&b, m->lines ? 1u : 0u);
    put_str(&b, m->source);
    for (uint32_t i = 0; i < m->ncode; i++) put_u64(&b, m->code[i]);
    if (m->lines)
        for (uint32_t i = 0; i < m->ncode; i++) put_u32(&b, m->lines[i]);
    for (uint32_t k = 0; k < m->nkernels; k++) {
        const tg_kernel *kn = &m->kernels[k];
        put_str(&b, kn->name);
        uint32_t f[] = { kn->entry, kn->end, kn->nregs, kn->shared_bytes, kn->local_bytes,
                         kn->param_bytes, kn->nparams, kn->nshared_syms };
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) put_u32(&b, f[i]);
        for (uint32_t i = 0; i < kn->nparams; i++) {
            put_str(&b, kn->params[i].name);
            put_u32(&b, kn->params[i].offset);
            put_u32(&b, kn->params[i].size);
        }
        for (uint32_t i = 0; i < kn->nshared_syms; i++) {
            put_str(&b, kn->shared_syms[i].name);
            put_u32(&b, kn->shared_syms[i].offset);
            put_u32(&b, kn->shared_syms[i].size);
        }
    }
    if (b.oom) { free(b.p); *data = NULL; *size = 0; return -1; }
    *data = b.p;
    *size = b.n;
    return 0;
}

int tg_module_write(const tg_module *m, const char *path, char *err, size_t errlen)
{
    uint8_t *data;
    size_t n;
    if (tg_module_serialize(m, &data, &n)) { snprintf(err, errlen, "%s: out of memory", path); return -1; }
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, n, f) == n;
    if (f && fclose(f) != 0) ok = 0;
    free(data);
    if (!ok) { snprintf(err, errlen, "%s: cannot write", path); return -1; }
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------------ */

typedef struct rbuf {
    const uint8_t *p;
    size_t n, at;
    const char *name;
    char *err;
    size_t errlen;
    int failed;
} rbuf;

static int fail(rbuf *r, size_t at, const char *fmt, ...)
{
    if (r->failed) return -1;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->errlen, "%s: offset %zu: %s", r->name, at, msg);
    r->failed = 1;
    return -1;
}

static uint32_t get_u32(rbuf *r, const char *what)
{
    if (r->failed) return 0;
    if (r->n - r->at < 4) { fail(r, r->at, "file ends inside %s", what); return 0; }
    const uint8_t *q = r->p + r->at;
    r->at += 4;
    return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}

static void get_str(rbuf *r, char *dst, const char *what)
{
    size_t at = r->at;
    uint32_t len = get_u32(r, what);
    dst[0] = 0;
    if (r->failed) return;
    if (len >= TG_NAME_MAX) { fail(r, at, "%s is %u bytes long (at most %d)", what, len, TG_NAME_MAX - 1); return; }
    if (r->n - r->at < len) { fail(r, at, "%s runs past the end of the file", what); return; }
    memcpy(dst, r->p + r->at, len);
    dst[len] = 0;
    if (memchr(dst, 0, len)) { fail(r, at, "%s contains a NUL byte", what); return; }
    r->at += len;
}

/* Each counted record takes at least `min_bytes`; a count the remaining bytes cannot hold is bad. */
static int check_count(rbuf *r, size_t at, uint64_t count, size_t min_bytes, const char *what)
{
    if (r->failed) return -1;
    if (count * min_bytes > r->n - r->at) return fail(r, at, "%s count %llu exceeds the file", what, (unsigned long long)count);
    return 0;
}

int tg_module_parse(tg_module *m, const void *data, size_t size, const char *name, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    rbuf r = { data, size, 0, name, err, errlen, 0 };
    if (size < 8 || memcmp(data, magic, 8) != 0) return fail(&r, 0, "not a tgbin image (bad magic)");
    r.at = 8;
    size_t at = r.at;
    uint32_t version = get_u32(&r, "the version");
    if (!r.failed && version != TGBIN_VERSION) return fail(&r, at, "version %u (this tgpu reads version %d)", version, TGBIN_VERSION);
    size_t at_ncode = r.at;
    uint32_t ncode = get_u32(&r, "the code size");
    if (!r.failed && (ncode == 0 || ncode > MAX_CODE)) return fail(&r, at_ncode, "code size %u out of range", ncode);
    size_t at_nk = r.at;
    uint32_t nkernels = get_u32(&r, "the kernel count");
    at = r.at;
    uint32_t flags = get_u32(&r, "the flags");
    if (!r.failed && (flags & ~1u)) return fail(&r, at, "unknown flags 0x%x", flags);
    get_str(&r, m->source, "the source name");
    at = r.at;
    if (check_count(&r, at_ncode, ncode, (flags & 1) ? 12 : 8, "instruction")) goto bad;
    m->ncode = ncode;
    m->code = malloc((size_t)ncode * sizeof *m->code);
    if (!m->code) { fail(&r, at, "out of memory"); goto bad; }
    for (uint32_t i = 0; i < ncode; i++) {
        uint64_t lo = get_u32(&r, "code");
        m->code[i] = lo | (uint64_t)get_u32(&r, "code") << 32;
    }
    if (flags & 1) {
        m->lines = malloc((size_t)ncode * sizeof *m->lines);
        if (!m->lines) { fail(&r, r.at, "out of memory"); goto bad; }
        for (uint32_t i = 0; i < ncode; i++) m->lines[i] = get_u32(&r, "the line table");
    }
    if (r.failed) goto bad;
    if (nkernels == 0 || check_count(&r, at_nk, nkernels, 36, "kernel")) {
        if (!r.failed) fail(&r, at_nk, "no kernels");
        goto bad;
    }
    m->kernels = calloc(nkernels, sizeof *m->kernels);
    if (!m->kernels) { fail(&r, at_nk, "out of memory"); goto bad; }
    m->nkernels = nkernels;
    for (uint32_t k = 0; k < nkernels && !r.failed; k++) {
        tg_kernel *kn = &m->kernels[k];
        size_t kat = r.at;
        get_str(&r, kn->name, "a kernel name");
        kn->entry = get_u32(&r, "a kernel entry");
        kn->end = get_u32(&r, "a kernel end");
        kn->nregs = get_u32(&r, "a register count");
        kn->shared_bytes = get_u32(&r, "a shared size");
        kn->local_bytes = get_u32(&r, "a local size");
        kn->param_bytes = get_u32(&r, "a parameter size");
        size_t pat = r.at;
        kn->nparams = get_u32(&r, "a parameter count");
        size_t sat = r.at;
        kn->nshared_syms = get_u32(&r, "a symbol count");
        if (r.failed) break;
        if (kn->name[0] == 0) { fail(&r, kat, "kernel %u has no name", k); break; }
        if (kn->entry >= kn->end || kn->end > ncode)
            { fail(&r, kat, "kernel %s: code range [%u, %u) outside the %u instructions", kn->name, kn->entry, kn->end, ncode); break; }
        if (kn->nregs > 255) { fail(&r, kat, "kernel %s: %u registers (at most 255)", kn->name, kn->nregs); break; }
        if (kn->param_bytes > 4096) { fail(&r, kat, "kernel %s: parameter block of %u bytes (at most 4096)", kn->name, kn->param_bytes); break; }
        if (check_count(&r, pat, kn->nparams, 12, "parameter")) break;
        kn->params = calloc(kn->nparams ? kn->nparams : 1, sizeof *kn->params);
        if (!kn->params) { fail(&r, pat, "out of memory"); break; }
        for (uint32_t i = 0; i < kn->nparams && !r.failed; i++) {
            size_t at_p = r.at;
            tg_param *p = &kn->params[i];
            get_str(&r, p->name, "a parameter name");
            p->offset = get_u32(&r, "a parameter offset");
            p->size = get_u32(&r, "a parameter size");
            if (!r.failed && ((p->size != 4 && p->size != 8) || p->offset % p->size || p->offset > kn->param_bytes ||
                              kn->param_bytes - p->offset < p->size))
                fail(&r, at_p, "kernel %s: parameter %s (offset %u, size %u) does not fit a %u-byte block",
                     kn->name, p->name, p->offset, p->size, kn->param_bytes);
        }
        if (r.failed || check_count(&r, sat, kn->nshared_syms, 12, "shared symbol")) break;
        kn->shared_syms = calloc(kn->nshared_syms ? kn->nshared_syms : 1, sizeof *kn->shared_syms);
        if (!kn->shared_syms) { fail(&r, sat, "out of memory"); break; }
        for (uint32_t i = 0; i < kn->nshared_syms && !r.failed; i++) {
            size_t at_s = r.at;
            tg_symbol *s = &kn->shared_syms[i];
            get_str(&r, s->name, "a symbol name");
            s->offset = get_u32(&r, "a symbol offset");
            s->size = get_u32(&r, "a symbol size");
            if (!r.failed && (s->offset > kn->shared_bytes || kn->shared_bytes - s->offset < s->size))
                fail(&r, at_s, "kernel %s: shared symbol %s outside its %u shared bytes", kn->name, s->name, kn->shared_bytes);
        }
        for (uint32_t j = 0; j < k && !r.failed; j++)
            if (!strcmp(m->kernels[j].name, kn->name)) fail(&r, kat, "two kernels named %s", kn->name);
    }
    if (!r.failed && r.at != r.n) fail(&r, r.at, "%zu unexpected bytes after the last kernel", r.n - r.at);
    if (!r.failed) return 0;
bad:
    tg_module_free(m);
    return -1;
}

int tg_module_read(tg_module *m, const char *path, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "%s: cannot open", path); return -1; }
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = cap < (1u << 30) ? realloc(buf, cap * 2) : NULL;
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) { snprintf(err, errlen, "%s: too large or out of memory", path); return -1; }
    int rc = tg_module_parse(m, buf, n, path, err, errlen);
    free(buf);
    return rc;
}

const tg_kernel *tg_module_kernel(const tg_module *m, const char *name)
{
    if (!name) return m->nkernels == 1 ? &m->kernels[0] : NULL;
    for (uint32_t i = 0; i < m->nkernels; i++)
        if (!strcmp(m->kernels[i].name, name)) return &m->kernels[i];
    return NULL;
}

void tg_module_free(tg_module *m)
{
    if (m->kernels)
        for (uint32_t i = 0; i < m->nkernels; i++) {
            free(m->kernels[i].params);
            free(m->kernels[i].shared_syms);
        }
    free(m->kernels);
    free(m->code);
    free(m->lines);
    memset(m, 0, sizeof *m);
}

int tg_path_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}
