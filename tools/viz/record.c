/* record.c: recording a cycle-mode run for the visualizer through the timing model's hooks
 * (timing.h): per warp slot, runs of cycles in one state; per core, memory requests per bucket. */
#include "tools/viz/viz.h"

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
    r->max_warps = c->max_warps_per_sm;
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
        for (size_t i = 0; i < (size_t)r->nsms * (size_t)r->nslots; i++) free(r->rows[i].spans);
    free(r->rows);
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
}

tg_timing_hooks tg_viz_rec_hooks(tg_viz_rec *r)
{
    return (tg_timing_hooks){ .ctx = r, .warp_state = on_state, .advance = on_advance, .mem = on_mem };
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
        for (size_t k = 0; k < row->n && row->spans[k].start < cursor; k++) {
            uint64_t e = row->spans[k].start + row->spans[k].len, n = (e < cursor ? e : cursor) - row->spans[k].start;
            resident += n;
            if (row->spans[k].state == TG_ST_ISSUED) issued += n;
        }
        if (cursor && tg_viz_state_at(r, i / r->nslots, i % r->nslots, cursor - 1) != TG_VIZ_IDLE) now++;
    }
    double slots = (double)r->nsms * r->nslots;
    out->issued = issued;
    out->ipc = cursor ? (double)issued / (double)cursor : 0.0;
    out->occupancy_now = slots > 0 ? (double)now / slots : 0.0;
    out->occupancy_mean = slots > 0 && cursor ? (double)resident / (slots * (double)cursor) : 0.0;
}
