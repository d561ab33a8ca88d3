/* trace_file.c: the .tgtrace file, a recording of one cycle-mode run for `tgpu viz F.tgtrace`.
 * Little-endian; counts are LEB128 varints (most are small), so a long run stays compact:
 *   "TGTRACE\0"  u32 version (1)  u32 cores  u32 warp slots  u32 DRAM banks  u32 buffers
 *   u64 end (cycles)  u64 memory buckets  u64 DRAM requests  char kernel[64]  char preset[64]
 *   u32 statistics count (TRACE_NSTATS), that many u64 (tg_timing_stats, in the order of stat_ptrs)
 *   per warp slot (core-major): varint spans, then per span varint gap from the previous span's
 *     end, varint length (>= 1), u8 state (< TG_NUM_STALLS)
 *   per bucket, per core, per memory event (enum tg_mem_event): varint requests
 *   per DRAM request, in cycle order: varint cycle delta, varint bank, u8 flags (1 row hit, 2 write)
 *   per buffer: u8 name length (1..63), the name (no '/' or NUL), u32 bytes (>= 4), the bytes
 *   "TGEND\0\0\0", then the end of the file.
 * The reader checks every field against the bytes left, so no count can ask for more memory than
 * the file could describe. */
#include "tools/viz/viz.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_VERSION 1
#define TRACE_NSTATS 29
static const char magic[8] = "TGTRACE", end_magic[8] = "TGEND";

/* tg_timing_stats as a fixed list of u64 fields (launches, a u32, travels as a u64) */
static void stat_ptrs(tg_timing_stats *s, uint64_t *p[TRACE_NSTATS - 1])
{
    uint64_t *f[] = { &s->cycles, &s->warp_instrs, &s->thread_instrs, &s->warp_cycles[0], &s->warp_cycles[1],
                      &s->warp_cycles[2], &s->warp_cycles[3], &s->warp_cycles[4], &s->warp_cycles[5],
                      &s->resident_warp_cycles, &s->sm_cycles, &s->max_warps, &s->icache_hits, &s->icache_misses,
                      &s->l1_hits, &s->l1_misses, &s->l2_hits, &s->l2_misses, &s->gmem_instrs, &s->gmem_lines,
                      &s->gmem_bytes_used, &s->line_bytes, &s->shared_instrs, &s->shared_extra_cycles,
                      &s->dram_reads, &s->dram_writes, &s->dram_row_hits, &s->dram_bytes };
    _Static_assert(TG_NUM_STALLS == 6, "the trace's statistics list names six warp states");
    _Static_assert(sizeof f / sizeof *f == TRACE_NSTATS - 1, "stat_ptrs lists every field but launches");
    for (int i = 0; i < TRACE_NSTATS - 1; i++) p[i] = f[i];
}

/* ---- writing ------------------------------------------------------------------------------------- */

typedef struct wbuf { FILE *f; int bad; } wbuf;

static void put(wbuf *w, const void *p, size_t n) { if (!w->bad && fwrite(p, 1, n, w->f) != n) w->bad = 1; }
static void put_u8(wbuf *w, uint8_t v) { put(w, &v, 1); }
static void put_le(wbuf *w, uint64_t v, int bytes)
{
    uint8_t b[8];
    for (int i = 0; i < bytes; i++) b[i] = (uint8_t)(v >> (8 * i));
    put(w, b, (size_t)bytes);
}
static void put_var(wbuf *w, uint64_t v)
{
    uint8_t b[10];
    int n = 0;
    do { b[n] = (uint8_t)(v & 0x7f); v >>= 7; if (v) b[n] |= 0x80; n++; } while (v);
    put(w, b, (size_t)n);
}

int tg_viz_trace_write(const tg_viz_rec *r, const char *path, char *err, size_t errlen)
{
    wbuf w = { fopen(path, "wb"), 0 };
    if (!w.f) { snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno)); return -1; }
    put(&w, magic, 8);
    put_le(&w, TRACE_VERSION, 4);
    put_le(&w, (uint64_t)r->nsms, 4);
    put_le(&w, (uint64_t)r->nslots, 4);
    put_le(&w, (uint64_t)r->nbanks, 4);
    put_le(&w, (uint64_t)r->nbufs, 4);
    put_le(&w, r->end, 8);
    put_le(&w, r->nbuckets, 8);
    put_le(&w, r->ndram, 8);
    char name[64];
    memset(name, 0, sizeof name);
    snprintf(name, sizeof name, "%s", r->kernel);
    put(&w, name, 64);
    memset(name, 0, sizeof name);
    snprintf(name, sizeof name, "%s", r->preset);
    put(&w, name, 64);
    put_le(&w, TRACE_NSTATS, 4);
    tg_timing_stats st = r->stats;
    uint64_t *sp[TRACE_NSTATS - 1];
    stat_ptrs(&st, sp);
    for (int i = 0; i < TRACE_NSTATS - 1; i++) put_le(&w, *sp[i], 8);
    put_le(&w, st.launches, 8);
    for (size_t i = 0; i < (size_t)r->nsms * (size_t)r->nslots; i++) {
        const tg_viz_row *row = &r->rows[i];
        put_var(&w, row->n);
        uint64_t prev = 0;
        for (size_t k = 0; k < row->n; k++) {
            put_var(&w, row->spans[k].start - prev);
            put_var(&w, row->spans[k].len);
            put_u8(&w, row->spans[k].state);
            prev = row->spans[k].start + row->spans[k].len;
        }
    }
    for (size_t i = 0; i < r->nbuckets * (size_t)r->nsms; i++)
        for (int e = 0; e < TG_NUM_MEM_EVENTS; e++) put_var(&w, r->mem[i][e]);
    uint64_t prev = 0;
    for (size_t i = 0; i < r->ndram; i++) {   /* finished: in cycle order */
        put_var(&w, r->dram[i].cycle - prev);
        put_var(&w, r->dram[i].bank);
        put_u8(&w, (uint8_t)(r->dram[i].hit | r->dram[i].write << 1));
        prev = r->dram[i].cycle;
    }
    for (int i = 0; i < r->nbufs; i++) {
        size_t n = strlen(r->bufs[i].name);
        put_u8(&w, (uint8_t)n);
        put(&w, r->bufs[i].name, n);
        put_le(&w, r->bufs[i].bytes, 4);
        put(&w, r->bufs[i].v, r->bufs[i].bytes);
    }
    put(&w, end_magic, 8);
    if (fclose(w.f) || w.bad) { snprintf(err, errlen, "cannot write %s", path); return -1; }
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------------- */

typedef struct rbuf {
    const uint8_t *p;
    size_t n, at;
    const char *name;
    char *err;
    size_t errlen;
    int failed;
} rbuf;

/* The first error wins; it names the file and the offset of the field that was wrong. */
static int fail(rbuf *b, size_t at, const char *fmt, ...)
{
    if (b->failed) return -1;
    b->failed = 1;
    int k = snprintf(b->err, b->errlen, "%s:%zu: ", b->name, at);
    if (k >= 0 && (size_t)k < b->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->err + k, b->errlen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static size_t left(const rbuf *b) { return b->n - b->at; }

static int get(rbuf *b, void *dst, size_t n, const char *what)
{
    if (b->failed) return -1;
    if (left(b) < n) return fail(b, b->at, "truncated: %s needs %zu bytes, %zu left", what, n, left(b));
    memcpy(dst, b->p + b->at, n);
    b->at += n;
    return 0;
}

static uint64_t get_le(rbuf *b, int bytes, const char *what)
{
    uint8_t v[8];
    if (get(b, v, (size_t)bytes, what)) return 0;
    uint64_t x = 0;
    for (int i = 0; i < bytes; i++) x |= (uint64_t)v[i] << (8 * i);
    return x;
}

static uint64_t get_var(rbuf *b, const char *what)
{
    size_t at = b->at;
    uint64_t x = 0;
    for (int i = 0; i < 10; i++) {
        uint8_t c = 0;
        if (get(b, &c, 1, what)) return 0;
        if (i == 9 && c > 1) { fail(b, at, "%s: varint over 64 bits", what); return 0; }
        x |= (uint64_t)(c & 0x7f) << (7 * i);
        if (!(c & 0x80)) return x;
    }
    fail(b, at, "%s: varint over 10 bytes", what);
    return 0;
}

/* A count of items each at least min_bytes long must fit the bytes left. */
static int check_count(rbuf *b, size_t at, uint64_t count, uint64_t min_bytes, const char *what)
{
    if (b->failed) return -1;
    if (count > left(b) / min_bytes)
        return fail(b, at, "%s: %llu of them (at least %llu bytes each) cannot fit the %zu bytes left", what,
                    (unsigned long long)count, (unsigned long long)min_bytes, left(b));
    return 0;
}

static int get_name(rbuf *b, char out[64], const char *what)
{
    size_t at = b->at;
    char raw[64];
    if (get(b, raw, 64, what)) return -1;
    size_t len = strnlen(raw, 64);
    if (len == 64) return fail(b, at, "%s: not NUL-terminated within 64 bytes", what);
    for (size_t i = len; i < 64; i++)
        if (raw[i]) return fail(b, at + i, "%s: bytes after its NUL must be zero", what);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)raw[i] < 32 || raw[i] == 127) return fail(b, at + i, "%s: control character 0x%02x", what, raw[i] & 0xff);
    memcpy(out, raw, 64);
    return 0;
}

static int parse(tg_viz_rec *r, rbuf *b)
{
    char m[8];
    if (get(b, m, 8, "magic")) return -1;
    if (memcmp(m, magic, 8)) return fail(b, 0, "not a tgpu viz trace (magic is not \"TGTRACE\")");
    uint64_t version = get_le(b, 4, "version");
    if (!b->failed && version != TRACE_VERSION)
        return fail(b, 8, "version %llu, this tgpu reads version %d", (unsigned long long)version, TRACE_VERSION);
    uint64_t nsms = get_le(b, 4, "cores"), nslots = get_le(b, 4, "warp slots"), nbanks = get_le(b, 4, "DRAM banks"),
             nbufs = get_le(b, 4, "buffers");
    if (b->failed) return -1;
    if (nsms < 1 || nsms > 1024) return fail(b, 12, "%llu cores (1..1024)", (unsigned long long)nsms);
    if (nslots < 1 || nslots > 1024) return fail(b, 16, "%llu warp slots per core (1..1024)", (unsigned long long)nslots);
    if (nsms * nslots > 65536) return fail(b, 16, "%llu warp slots in all (at most 65536)", (unsigned long long)(nsms * nslots));
    if (nbanks < 1 || nbanks > 65536) return fail(b, 20, "%llu DRAM banks (1..65536)", (unsigned long long)nbanks);
    if (nbufs > TG_VIZ_MAX_BUFS) return fail(b, 24, "%llu buffers (at most %d)", (unsigned long long)nbufs, TG_VIZ_MAX_BUFS);
    uint64_t end = get_le(b, 8, "end"), nbuckets = get_le(b, 8, "memory buckets"), ndram = get_le(b, 8, "DRAM requests");
    if (b->failed) return -1;
    if (end > (1ull << 48)) return fail(b, 28, "end cycle %llu is over 2^48", (unsigned long long)end);
    if (nbuckets > end / TG_VIZ_BUCKET + 1)
        return fail(b, 36, "%llu memory buckets for %llu cycles (at most %llu)", (unsigned long long)nbuckets,
                    (unsigned long long)end, (unsigned long long)(end / TG_VIZ_BUCKET + 1));
    if (get_name(b, r->kernel, "kernel name") || get_name(b, r->preset, "preset name")) return -1;
    r->nsms = (int)nsms;
    r->nslots = (int)nslots;
    r->nbanks = (int)nbanks;
    r->end = end;
    size_t at = b->at;
    uint64_t nstats = get_le(b, 4, "statistics count");
    if (!b->failed && nstats != TRACE_NSTATS)
        return fail(b, at, "%llu statistics, version %d has %d", (unsigned long long)nstats, TRACE_VERSION, TRACE_NSTATS);
    uint64_t *sp[TRACE_NSTATS - 1];
    stat_ptrs(&r->stats, sp);
    for (int i = 0; i < TRACE_NSTATS - 1; i++) *sp[i] = get_le(b, 8, "statistics");
    at = b->at;
    uint64_t launches = get_le(b, 8, "statistics");
    if (!b->failed && launches > UINT32_MAX) return fail(b, at, "%llu launches", (unsigned long long)launches);
    r->stats.launches = (uint32_t)launches;
    if (b->failed) return -1;

    r->rows = calloc((size_t)(nsms * nslots), sizeof *r->rows);
    if (!r->rows) return fail(b, b->at, "out of memory");
    for (size_t i = 0; i < nsms * nslots; i++) {
        tg_viz_row *row = &r->rows[i];
        at = b->at;
        uint64_t n = get_var(b, "span count");
        if (check_count(b, at, n, 3, "spans")) return -1;
        row->spans = malloc((size_t)(n ? n : 1) * sizeof *row->spans);
        if (!row->spans) return fail(b, at, "out of memory");
        row->cap = (size_t)(n ? n : 1);
        uint64_t prev = 0;
        for (uint64_t k = 0; k < n; k++) {
            at = b->at;
            uint64_t gap = get_var(b, "span gap"), len = get_var(b, "span length");
            uint8_t state = 0;
            get(b, &state, 1, "span state");
            if (b->failed) return -1;
            if (len == 0) return fail(b, at, "core %zu slot %zu span %llu: zero length", i / nslots, i % nslots, (unsigned long long)k);
            if (gap > end || len > end || prev + gap + len > end)
                return fail(b, at, "core %zu slot %zu span %llu: past the end cycle %llu", i / nslots, i % nslots,
                            (unsigned long long)k, (unsigned long long)end);
            if (state >= TG_NUM_STALLS)
                return fail(b, b->at - 1, "core %zu slot %zu span %llu: state %u (0..%d)", i / nslots, i % nslots,
                            (unsigned long long)k, state, TG_NUM_STALLS - 1);
            row->spans[k] = (tg_viz_span){ prev + gap, len, state };
            prev += gap + len;
        }
        row->n = (size_t)n;
    }
    at = b->at;
    if (check_count(b, at, nbuckets * nsms, TG_NUM_MEM_EVENTS, "memory buckets")) return -1;
    r->mem = calloc((size_t)(nbuckets ? nbuckets : 1) * (size_t)nsms, sizeof *r->mem);
    if (!r->mem) return fail(b, at, "out of memory");
    r->nbuckets = r->bucket_cap = (size_t)nbuckets;
    for (size_t i = 0; i < nbuckets * nsms; i++)
        for (int e = 0; e < TG_NUM_MEM_EVENTS; e++) {
            at = b->at;
            uint64_t v = get_var(b, "memory count");
            if (b->failed) return -1;
            if (v > UINT32_MAX) return fail(b, at, "memory count %llu over 32 bits", (unsigned long long)v);
            r->mem[i][e] = (uint32_t)v;
        }
    at = b->at;
    if (check_count(b, at, ndram, 3, "DRAM requests")) return -1;
    r->dram = malloc((size_t)(ndram ? ndram : 1) * sizeof *r->dram);
    if (!r->dram) return fail(b, at, "out of memory");
    r->dram_cap = (size_t)(ndram ? ndram : 1);
    uint64_t cyc = 0;
    for (uint64_t i = 0; i < ndram; i++) {
        at = b->at;
        uint64_t d = get_var(b, "DRAM cycle"), bank = get_var(b, "DRAM bank");
        uint8_t flags = 0;
        get(b, &flags, 1, "DRAM flags");
        if (b->failed) return -1;
        if (d > end || cyc + d >= end) return fail(b, at, "DRAM request %llu: cycle past the end cycle %llu", (unsigned long long)i, (unsigned long long)end);
        if (bank >= nbanks) return fail(b, at, "DRAM request %llu: bank %llu of %llu", (unsigned long long)i, (unsigned long long)bank, (unsigned long long)nbanks);
        if (flags > 3) return fail(b, b->at - 1, "DRAM request %llu: flags 0x%02x (1 row hit, 2 write)", (unsigned long long)i, flags);
        cyc += d;
        r->dram[i] = (tg_viz_dram_ev){ cyc, (uint32_t)bank, (uint8_t)(flags & 1), (uint8_t)(flags >> 1) };
    }
    r->ndram = (size_t)ndram;
    for (uint64_t i = 0; i < nbufs; i++) {
        at = b->at;
        uint8_t len = 0;
        char name[64];
        if (get(b, &len, 1, "buffer name length")) return -1;
        if (len < 1 || len > 63) return fail(b, at, "buffer %llu: name length %u (1..63)", (unsigned long long)i, len);
        if (get(b, name, len, "buffer name")) return -1;
        name[len] = 0;
        for (int k = 0; k < len; k++)
            if ((unsigned char)name[k] < 32 || name[k] == '/' || name[k] == 127)
                return fail(b, at + 1 + (size_t)k, "buffer %llu: name has byte 0x%02x", (unsigned long long)i, name[k] & 0xff);
        if (tg_viz_rec_find_buffer(r, name) >= 0) return fail(b, at, "buffer %llu: a second buffer named %s", (unsigned long long)i, name);
        at = b->at;
        uint64_t bytes = get_le(b, 4, "buffer size");
        if (b->failed) return -1;
        if (bytes < 4) return fail(b, at, "buffer %s: %llu bytes (at least 4)", name, (unsigned long long)bytes);
        if (bytes > left(b)) return fail(b, at, "truncated: buffer %s has %llu bytes, %zu left", name, (unsigned long long)bytes, left(b));
        if (tg_viz_rec_add_buffer(r, name, b->p + b->at, (uint32_t)bytes)) return fail(b, at, "out of memory");
        b->at += (size_t)bytes;
    }
    at = b->at;
    if (get(b, m, 8, "end marker")) return -1;
    if (memcmp(m, end_magic, 8)) return fail(b, at, "no end marker \"TGEND\" (the counts above do not match the data)");
    if (left(b)) return fail(b, b->at, "%zu bytes after the end marker", left(b));
    if (tg_viz_rec_finish(r)) return fail(b, b->at, "out of memory");
    return 0;
}

int tg_viz_trace_parse(tg_viz_rec *r, const uint8_t *data, size_t n, const char *name, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    rbuf b = { .p = data, .n = n, .name = name, .err = err, .errlen = errlen };
    if (parse(r, &b) == 0) return 0;
    tg_viz_rec_free(r);
    return -1;
}

int tg_viz_trace_load(tg_viz_rec *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno)); return -1; }
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb) { free(buf); buf = NULL; } else buf = nb;
        }
    }
    int rd = ferror(f);
    fclose(f);
    if (!buf || rd) { free(buf); snprintf(err, errlen, "%s: %s", path, rd ? "read error" : "out of memory"); return -1; }
    int rc = tg_viz_trace_parse(r, buf, n, path, err, errlen);
    free(buf);
    return rc;
}
