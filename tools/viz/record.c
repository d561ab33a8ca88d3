/* record.c: recording a cycle-mode run for the visualizer through the timing model's hooks
 * (timing.h): per warp slot, runs of cycles in one state; per core, memory requests per bucket;
 * every DRAM request. Then the indexes that let a frame of a long run draw in time independent of
 * its length (cumulative counts, per-TG_VIZ_SUM summaries) and the statistics at a cursor. */
#include "tools/viz/viz.h"

#include "tools/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tg_viz_rec_init(tg_viz_rec *r, const tg_timing_config *c, const char *kernel)
{
    memset(r, 0, sizeof *r);
    snprintf(r->kernel, sizeof r->kernel, "%s", kernel);
    snprintf(r->preset, sizeof r->preset, "%s", c->name);
    r->nsms = (int)c->num_sms;
    r->nslots = (int)c->max_warps_per_sm;
    r->nbanks = (int)(c->dram_channels * c->dram_banks);
    size_t n = (size_t)r->nsms * (size_t)r->nslots;
    r->rows = calloc(n, sizeof *r->rows);
    r->pending = calloc(n, sizeof *r->pending);
    r->pending_state = calloc(n, 1);
    if (!r->rows || !r->pending || !r->pending_state) { tg_viz_rec_free(r); return -1; }
    return 0;
}

void tg_viz_rec_free(tg_viz_rec *r)
{
    if (r->rows)
        for (size_t i = 0; i < (size_t)r->nsms * (size_t)r->nslots; i++) {
            free(r->rows[i].spans);
            free(r->rows[i].cum_issued);
            free(r->rows[i].cum_resident);
            free(r->rows[i].sum);
        }
    free(r->rows);
    free(r->dram);
    free(r->dram_cum_hits);
    free(r->mem_cum);
    for (int i = 0; i < r->nbufs; i++) free(r->bufs[i].v);
    free(r->pending);
    free(r->pending_state);
    free(r->mem);
    memset(r, 0, sizeof *r);
}

static void on_state(void *ctx, int sm, int slot, int state)
{
    tg_viz_rec *r = ctx;
    if (sm < 0 || sm >= r->nsms || slot < 0 || slot >= r->nslots || r->npending >= r->nsms * r->nslots) return;
    int row = sm * r->nslots + slot;
    r->pending[r->npending++] = row;
    r->pending_state[row] = (uint8_t)state;
}

static void append(tg_viz_rec *r, tg_viz_row *row, uint64_t at, uint64_t n, uint8_t state)
{
    if (row->n) {
        tg_viz_span *last = &row->spans[row->n - 1];
        if (last->state == state && last->start + last->len == at) { last->len += n; return; }
    }
    if (row->n == row->cap) {
        size_t cap = row->cap ? row->cap * 2 : 64;
        tg_viz_span *s = realloc(row->spans, cap * sizeof *s);
        if (!s) { r->oom = 1; return; }
        row->spans = s;
        row->cap = cap;
    }
    row->spans[row->n++] = (tg_viz_span){ at, n, state };
}

static void on_advance(void *ctx, uint64_t cycle, uint64_t n)
{
    tg_viz_rec *r = ctx;
    for (int i = 0; i < r->npending; i++) {
        int row = r->pending[i];
        append(r, &r->rows[row], cycle, n, r->pending_state[row]);
    }
    r->npending = 0;
    if (cycle + n > r->end) r->end = cycle + n;
}

static void on_mem(void *ctx, uint64_t cycle, int sm, int event)
{
    tg_viz_rec *r = ctx;
    if (sm < 0 || sm >= r->nsms || event < 0 || event >= TG_NUM_MEM_EVENTS) return;
    size_t b = (size_t)(cycle / TG_VIZ_BUCKET);
    if (b >= r->bucket_cap) {
        size_t cap = r->bucket_cap ? r->bucket_cap : 256;
        while (cap <= b) cap *= 2;
        uint32_t (*m)[TG_NUM_MEM_EVENTS] = realloc(r->mem, cap * (size_t)r->nsms * sizeof *m);
        if (!m) { r->oom = 1; return; }
        /* buckets are stored bucket-major (bucket * nsms + sm), so growing keeps the old ones in place */
        memset(m + r->bucket_cap * (size_t)r->nsms, 0, (cap - r->bucket_cap) * (size_t)r->nsms * sizeof *m);
        r->mem = m;
        r->bucket_cap = cap;
    }
    if (b + 1 > r->nbuckets) r->nbuckets = b + 1;
    r->mem[b * (size_t)r->nsms + (size_t)sm][event]++;
    if (cycle + 1 > r->end) r->end = cycle + 1;   /* stores drain after the last warp retires */
}

static void on_dram(void *ctx, uint64_t cycle, int bank, int row_hit, int is_write)
{
    tg_viz_rec *r = ctx;
    if (bank < 0 || bank >= r->nbanks) return;
    if (r->ndram == r->dram_cap) {
        size_t cap = r->dram_cap ? r->dram_cap * 2 : 1024;
        tg_viz_dram_ev *d = realloc(r->dram, cap * sizeof *d);
        if (!d) { r->oom = 1; return; }
        r->dram = d;
        r->dram_cap = cap;
    }
    r->dram[r->ndram++] = (tg_viz_dram_ev){ cycle, (uint32_t)bank, (uint8_t)!!row_hit, (uint8_t)!!is_write };
    if (cycle + 1 > r->end) r->end = cycle + 1;
}

tg_timing_hooks tg_viz_rec_hooks(tg_viz_rec *r)
{
    return (tg_timing_hooks){ .ctx = r, .warp_state = on_state, .advance = on_advance, .mem = on_mem, .dram = on_dram };
}

/* The squarest rows x cols = n (cols the smallest divisor of n not under its square root). */
static void squarest(uint32_t n, int *rows, int *cols)
{
    uint32_t c = (uint32_t)ceil(sqrt((double)n));
    while (c < n && n % c) c++;
    *cols = (int)c;
    *rows = (int)(n / c);
}

int tg_viz_rec_add_buffer(tg_viz_rec *r, const char *name, const void *data, uint32_t bytes)
{
    if (bytes < 4) return 0;
    if (r->nbufs == TG_VIZ_MAX_BUFS) return -1;
    tg_viz_tensor *t = &r->bufs[r->nbufs];
    memset(t, 0, sizeof *t);
    t->v = malloc(bytes);
    if (!t->v) return -1;
    memcpy(t->v, data, bytes);
    t->bytes = bytes;
    const char *base = strrchr(name, '/');
    snprintf(t->name, sizeof t->name, "%s", base ? base + 1 : name);
    for (int k = 2; tg_viz_rec_find_buffer(r, t->name) >= 0; k++)   /* two outputs of one name in two folders */
        snprintf(t->name, sizeof t->name, "%.50s#%d", base ? base + 1 : name, k);
    squarest(bytes / 4, &t->rows, &t->cols);
    tg_viz_tensor_scale(t);
    r->nbufs++;
    return 0;
}

int tg_viz_rec_find_buffer(const tg_viz_rec *r, const char *name)
{
    const char *base = strrchr(name, '/');
    for (int i = 0; i < r->nbufs; i++)
        if (!strcmp(r->bufs[i].name, name) || (base && !strcmp(r->bufs[i].name, base + 1))) return i;
    return -1;
}

static int cmp_dram(const void *a, const void *b)
{
    const tg_viz_dram_ev *x = a, *y = b;
    return x->cycle < y->cycle ? -1 : x->cycle > y->cycle;
}

int tg_viz_rec_finish(tg_viz_rec *r)
{
    /* DRAM requests arrive in issue order, their commands start in bank order: sort by cycle (the
     * sort is stable enough for drawing; ties are counted, never ordered, by the panel) */
    for (size_t i = 1; i < r->ndram; i++)
        if (r->dram[i].cycle < r->dram[i - 1].cycle) { qsort(r->dram, r->ndram, sizeof *r->dram, cmp_dram); break; }
    free(r->dram_cum_hits);
    r->dram_cum_hits = malloc((r->ndram + 1) * sizeof *r->dram_cum_hits);
    if (!r->dram_cum_hits) return -1;
    r->dram_cum_hits[0] = 0;
    for (size_t i = 0; i < r->ndram; i++) r->dram_cum_hits[i + 1] = r->dram_cum_hits[i] + r->dram[i].hit;
    size_t nblk = r->nbuckets / 64 + 1, ns = (size_t)r->nsms;
    free(r->mem_cum);
    r->mem_cum = calloc(nblk * ns, sizeof *r->mem_cum);
    if (!r->mem_cum) return -1;
    for (size_t k = 1; k < nblk; k++)
        for (size_t sm = 0; sm < ns; sm++)
            for (int e = 0; e < TG_NUM_MEM_EVENTS; e++) {
                uint64_t t = r->mem_cum[(k - 1) * ns + sm][e];
                for (size_t b = (k - 1) * 64; b < k * 64; b++) t += r->mem[b * ns + sm][e];
                r->mem_cum[k * ns + sm][e] = t;
            }
    r->nsum = (size_t)(r->end / TG_VIZ_SUM) + 1;
    for (size_t i = 0; i < (size_t)r->nsms * (size_t)r->nslots; i++) {
        tg_viz_row *row = &r->rows[i];
        free(row->cum_issued);
        free(row->cum_resident);
        free(row->sum);
        row->cum_issued = malloc((row->n + 1) * sizeof *row->cum_issued);
        row->cum_resident = malloc((row->n + 1) * sizeof *row->cum_resident);
        /* a summary only where walking the spans would cost more than reading it, and never larger
         * than the spans themselves (a few spans over a long run need none) */
        row->sum = row->n >= TG_VIZ_SUM_MIN_SPANS && r->nsum <= 4 * row->n ? calloc(r->nsum, sizeof *row->sum) : NULL;
        if (!row->cum_issued || !row->cum_resident || (!row->sum && row->n >= TG_VIZ_SUM_MIN_SPANS && r->nsum <= 4 * row->n))
            return -1;
        row->cum_issued[0] = row->cum_resident[0] = 0;
        for (size_t k = 0; k < row->n; k++) {
            const tg_viz_span *s = &row->spans[k];
            row->cum_issued[k + 1] = row->cum_issued[k] + (s->state == TG_ST_ISSUED ? s->len : 0);
            row->cum_resident[k + 1] = row->cum_resident[k] + s->len;
            for (uint64_t c = s->start, e = s->start + s->len; row->sum && c < e;) {
                uint64_t b = c / TG_VIZ_SUM, be = (b + 1) * TG_VIZ_SUM, stop = e < be ? e : be;
                if (b < r->nsum) row->sum[b][s->state] += (uint16_t)(stop - c);
                c = stop;
            }
        }
    }
    return 0;
}

/* The first span of a row ending after cycle (binary search; spans are in order). */
static size_t first_after(const tg_viz_row *row, uint64_t cycle)
{
    size_t lo = 0, hi = row->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (row->spans[mid].start + row->spans[mid].len <= cycle) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int tg_viz_state_at(const tg_viz_rec *r, int sm, int slot, uint64_t cycle)
{
    const tg_viz_row *row = &r->rows[sm * r->nslots + slot];
    size_t i = first_after(row, cycle);
    if (i < row->n && row->spans[i].start <= cycle) return row->spans[i].state;
    return TG_VIZ_IDLE;
}

void tg_viz_stats_at(const tg_viz_rec *r, uint64_t cursor, tg_viz_stats *out)
{
    uint64_t issued = 0, resident = 0, now = 0;
    for (int i = 0; i < r->nsms * r->nslots; i++) {
        const tg_viz_row *row = &r->rows[i];
        /* the whole spans before the cursor from the cumulative counts, then the one it cuts */
        size_t k = first_after(row, cursor);
        resident += row->cum_resident[k];
        issued += row->cum_issued[k];
        if (k < row->n && row->spans[k].start < cursor) {
            resident += cursor - row->spans[k].start;
            if (row->spans[k].state == TG_ST_ISSUED) issued += cursor - row->spans[k].start;
        }
        if (cursor && tg_viz_state_at(r, i / r->nslots, i % r->nslots, cursor - 1) != TG_VIZ_IDLE) now++;
    }
    double slots = (double)r->nsms * r->nslots;
    out->issued = issued;
    out->ipc = cursor ? (double)issued / (double)cursor : 0.0;
    out->occupancy_now = slots > 0 ? (double)now / slots : 0.0;
    out->occupancy_mean = slots > 0 && cursor ? (double)resident / (slots * (double)cursor) : 0.0;
}

/* The first DRAM request at or after cycle. */
static size_t dram_first(const tg_viz_rec *r, uint64_t cycle)
{
    size_t lo = 0, hi = r->ndram;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->dram[mid].cycle < cycle) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void tg_viz_dram_between(const tg_viz_rec *r, uint64_t c0, uint64_t c1, uint64_t *acts, uint64_t *hits)
{
    size_t a = dram_first(r, c0), b = c1 > c0 ? dram_first(r, c1) : a;
    *hits = r->dram_cum_hits[b] - r->dram_cum_hits[a];
    *acts = (b - a) - *hits;
}

/* ---- recording a tgpu run (tools/run.h) ------------------------------------------------------------ */

static int obs_begin(void *ctx, const tg_timing_config *c, const char *kernel, tg_timing_hooks *hooks)
{
    tg_viz_rec *r = ctx;
    if (tg_viz_rec_init(r, c, kernel)) return -1;
    *hooks = tg_viz_rec_hooks(r);
    return 0;
}

static int obs_buffer(void *ctx, const char *name, const void *data, uint32_t bytes)
{
    return tg_viz_rec_add_buffer(ctx, name, data, bytes);
}

static int obs_end(void *ctx, const tg_timing_stats *s)
{
    tg_viz_rec *r = ctx;
    r->stats = *s;
    return r->oom || tg_viz_rec_finish(r) ? -1 : 0;
}

tg_run_observer tg_viz_rec_observer(tg_viz_rec *r)
{
    memset(r, 0, sizeof *r);
    return (tg_run_observer){ .ctx = r, .begin = obs_begin, .buffer = obs_buffer, .end = obs_end };
}

void tg_viz_mem_between(const tg_viz_rec *r, int sm, size_t b0, size_t b1, uint64_t out[TG_NUM_MEM_EVENTS])
{
    size_t ns = (size_t)r->nsms;
    memset(out, 0, TG_NUM_MEM_EVENTS * sizeof *out);
    if (b1 > r->nbuckets) b1 = r->nbuckets;
    if (b0 >= b1) return;
    /* whole blocks of 64 from the cumulative sums, the buckets at either edge one by one */
    size_t k0 = (b0 + 63) / 64, k1 = b1 / 64, lo_end = b1, hi_start = b1;
    if (k0 < k1) {
        lo_end = k0 * 64;
        hi_start = k1 * 64;
        for (int e = 0; e < TG_NUM_MEM_EVENTS; e++) out[e] += r->mem_cum[k1 * ns + (size_t)sm][e] - r->mem_cum[k0 * ns + (size_t)sm][e];
    }
    for (size_t b = b0; b < lo_end; b++)
        for (int e = 0; e < TG_NUM_MEM_EVENTS; e++) out[e] += r->mem[b * ns + (size_t)sm][e];
    for (size_t b = hi_start; b < b1; b++)
        for (int e = 0; e < TG_NUM_MEM_EVENTS; e++) out[e] += r->mem[b * ns + (size_t)sm][e];
}
