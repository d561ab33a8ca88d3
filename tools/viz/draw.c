/* draw.c: the visualizer's panels on a canvas: header with the stats overlay, the warp-state
 * legend, the per-core warp timeline (a row per warp slot, x = cycles, each pixel column coloured
 * by the state that took most of its cycles), the DRAM bank panel (a row per bank, activations and
 * row hits per pixel column), the memory panel (requests per pixel column, stacked by kind), and the
 * buffers with the chosen one's heatmap. */
#include "tools/viz/viz.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BG      0xff101418u
#define PANEL   0xff1c2128u
#define TEXT    0xffe8e8e8u
#define DIM     0xff8a9099u
#define CURSOR  0xffffffffu

uint32_t tg_viz_state_color(int state)
{
    static const uint32_t colors[TG_NUM_STALLS + 1] = {
        [TG_ST_ISSUED] = 0xff2ecc40u,       /* green */
        [TG_ST_SCOREBOARD] = 0xffffdc00u,   /* yellow */
        [TG_ST_MEMORY] = 0xff0074d9u,       /* blue */
        [TG_ST_BARRIER] = 0xffff4136u,      /* red */
        [TG_ST_PIPE] = 0xffff851bu,         /* orange */
        [TG_ST_FETCH] = 0xffb10dc9u,        /* purple */
        [TG_VIZ_IDLE] = 0xff3a3f47u,        /* grey */
    };
    return state >= 0 && state <= TG_VIZ_IDLE ? colors[state] : 0xff000000u;
}

const char *tg_viz_state_name(int state)
{
    static const char *names[TG_NUM_STALLS + 1] = {
        [TG_ST_ISSUED] = "issued", [TG_ST_SCOREBOARD] = "scoreboard", [TG_ST_MEMORY] = "memory",
        [TG_ST_BARRIER] = "barrier", [TG_ST_PIPE] = "pipe busy", [TG_ST_FETCH] = "fetch", [TG_VIZ_IDLE] = "idle",
    };
    return state >= 0 && state <= TG_VIZ_IDLE ? names[state] : "?";
}

uint32_t tg_viz_mem_color(int event)
{
    static const uint32_t colors[TG_NUM_MEM_EVENTS] = {
        [TG_MEV_L1_HIT] = 0xff7fdbffu, [TG_MEV_L1_MISS] = 0xff39cccc, [TG_MEV_L2_HIT] = 0xff01ff70u,
        [TG_MEV_L2_MISS] = 0xffff4136u, [TG_MEV_SHARED] = 0xfff012beu,
    };
    return event >= 0 && event < TG_NUM_MEM_EVENTS ? colors[event] : 0xff000000u;
}

static const char *mem_name(int event)
{
    static const char *names[TG_NUM_MEM_EVENTS] = {
        [TG_MEV_L1_HIT] = "L1 hit", [TG_MEV_L1_MISS] = "L1 miss", [TG_MEV_L2_HIT] = "L2 hit",
        [TG_MEV_L2_MISS] = "L2 miss (DRAM)", [TG_MEV_SHARED] = "shared",
    };
    return names[event];
}

/* Cycle range of pixel column x of a plot w pixels wide over [v0, v0 + span). */
static double col_cycle(const tg_viz_view *v, int x, int w) { return (double)v->v0 + (double)v->span * x / w; }

static void draw_timeline(const tg_viz_rec *r, const tg_viz_view *v, tg_canvas *c, const tg_viz_layout *L)
{
    int w = L->tl_w;
    double *acc = calloc((size_t)w * (TG_NUM_STALLS + 1), sizeof *acc);
    if (!acc) return;
    double hi = (double)(v->cursor < v->v0 + v->span ? v->cursor : v->v0 + v->span);
    /* zoomed far out, a column covers many summary buckets: count those instead of walking every
     * span, so a frame costs the same for any run length (the column's edge buckets count whole) */
    int zoomed_out = (double)v->span / w >= 4.0 * TG_VIZ_SUM;
    for (int slot = 0; slot < L->nrows; slot++) {
        const tg_viz_row *row = &r->rows[v->sm * r->nslots + slot];
        int coarse = zoomed_out && row->sum;
        memset(acc, 0, (size_t)w * (TG_NUM_STALLS + 1) * sizeof *acc);
        for (int x = 0; coarse && x < w; x++) {
            double a = col_cycle(v, x, w), b = col_cycle(v, x + 1, w);
            if (a >= hi) break;
            if (b > hi) b = hi;
            size_t k0 = (size_t)(a / TG_VIZ_SUM), k1 = (size_t)ceil(b / TG_VIZ_SUM);
            for (size_t k = k0; k < k1 && k < r->nsum; k++)
                for (int st = 0; st < TG_NUM_STALLS; st++) acc[x * (TG_NUM_STALLS + 1) + st] += row->sum[k][st];
        }
        for (size_t k = coarse ? row->n : 0; k < row->n; k++) {
            const tg_viz_span *s = &row->spans[k];
            double s0 = (double)s->start, s1 = (double)(s->start + s->len);
            if (s1 <= (double)v->v0) continue;
            if (s0 >= hi) break;
            if (s0 < (double)v->v0) s0 = (double)v->v0;
            if (s1 > hi) s1 = hi;
            int x0 = (int)((s0 - (double)v->v0) * w / (double)v->span);
            int x1 = (int)((s1 - (double)v->v0) * w / (double)v->span) + 1;
            for (int x = x0 < 0 ? 0 : x0; x < x1 && x < w; x++) {
                double a = col_cycle(v, x, w), b = col_cycle(v, x + 1, w);
                double o = (s1 < b ? s1 : b) - (s0 > a ? s0 : a);
                if (o > 0) acc[x * (TG_NUM_STALLS + 1) + s->state] += o;
            }
        }
        int y = L->tl_y + slot * L->row_h, h = L->row_h > 2 ? L->row_h - 1 : L->row_h;
        for (int x = 0; x < w; x++) {
            double a = col_cycle(v, x, w), b = col_cycle(v, x + 1, w);
            if (a >= hi) break;
            double *cell = &acc[x * (TG_NUM_STALLS + 1)], used = 0, total = coarse ? ceil((b < hi ? b : hi) / TG_VIZ_SUM) * TG_VIZ_SUM - floor(a / TG_VIZ_SUM) * TG_VIZ_SUM : (b < hi ? b : hi) - a;
            for (int st = 0; st < TG_NUM_STALLS; st++) used += cell[st];
            cell[TG_VIZ_IDLE] = total - used;
            int best = TG_VIZ_IDLE;
            for (int st = 0; st < TG_NUM_STALLS; st++) if (cell[st] > cell[best]) best = st;
            tg_canvas_fill(c, L->tl_x + x, y, 1, h, tg_viz_state_color(best));
        }
        char label[16];
        snprintf(label, sizeof label, "w%d", slot);
        if (L->row_h >= 8) tg_canvas_text(c, L->tl_x - tg_canvas_text_width(label, 1) - 4, y + (L->row_h - 8) / 2, 1, DIM, label);
    }
    free(acc);
}

static void draw_memory(const tg_viz_rec *r, const tg_viz_view *v, tg_canvas *c, const tg_viz_layout *L)
{
    int w = L->mem_w;
    uint64_t *col = calloc((size_t)w * TG_NUM_MEM_EVENTS, sizeof *col);
    if (!col) return;
    uint64_t maxtot = 1;
    size_t upto = (size_t)((v->cursor + TG_VIZ_BUCKET - 1) / TG_VIZ_BUCKET);   /* buckets starting before the cursor */
    for (int x = 0; x < w; x++) {
        double a = col_cycle(v, x, w), b = col_cycle(v, x + 1, w);
        if (a >= (double)v->cursor) break;
        size_t b0 = (size_t)(a / TG_VIZ_BUCKET), b1 = (size_t)(b / TG_VIZ_BUCKET);
        if (b1 <= b0) b1 = b0 + 1;
        uint64_t *cell = &col[x * TG_NUM_MEM_EVENTS], tot = 0;
        tg_viz_mem_between(r, v->sm, b0, b1 < upto ? b1 : upto, cell);
        for (int e = 0; e < TG_NUM_MEM_EVENTS; e++) tot += cell[e];
        if (tot > maxtot) maxtot = tot;
    }
    for (int x = 0; x < w; x++) {
        uint64_t below = 0;
        for (int e = 0; e < TG_NUM_MEM_EVENTS; e++) {
            uint64_t n = col[x * TG_NUM_MEM_EVENTS + e];
            if (!n) continue;
            int top = L->mem_y + L->mem_h - (int)((below + n) * (uint64_t)L->mem_h / maxtot);
            int bot = L->mem_y + L->mem_h - (int)(below * (uint64_t)L->mem_h / maxtot);
            if (bot - top < 1) top = bot - 1;
            tg_canvas_fill(c, L->mem_x + x, top, 1, bot - top, tg_viz_mem_color(e));
            below += n;
        }
    }
    char s[96];
    snprintf(s, sizeof s, "max %llu requests per column", (unsigned long long)maxtot);
    tg_canvas_text(c, L->mem_x + L->mem_w - tg_canvas_text_width(s, 1), L->mem_y - 12, 1, DIM, s);
    free(col);
}

/* Activations red, row hits green, a cell's shade between them by its hit share; brighter with more
 * requests (relative to the busiest cell in view). */
#define DRAM_ACT 0xffff4136u
#define DRAM_HIT 0xff2ecc40u

static uint32_t dram_color(uint32_t acts, uint32_t hits, uint32_t most)
{
    double f = (double)hits / (double)(acts + hits), k = 0.35 + 0.65 * sqrt((double)(acts + hits) / (double)most);
    uint32_t c = 0xff000000u;
    for (int sh = 16; sh >= 0; sh -= 8) {
        double a = (double)((DRAM_ACT >> sh) & 255), h = (double)((DRAM_HIT >> sh) & 255);
        c |= (uint32_t)lround((a + (h - a) * f) * k) << sh;
    }
    return c;
}

static void draw_dram(const tg_viz_rec *r, const tg_viz_view *v, tg_canvas *c, const tg_viz_layout *L)
{
    int w = L->dram_w, rows = L->dram_rows;
    char s[160];
    uint64_t hi = v->cursor < v->v0 + v->span ? v->cursor : v->v0 + v->span, acts, hits;
    tg_viz_dram_between(r, 0, v->cursor, &acts, &hits);
    snprintf(s, sizeof s, "all banks to the cursor: %llu activations, %llu row hits (%.1f%%)", (unsigned long long)acts,
             (unsigned long long)hits, acts + hits ? 100.0 * (double)hits / (double)(acts + hits) : 0.0);
    tg_canvas_text(c, L->dram_x, L->dram_y + L->dram_h + 4, 1, DIM, s);
    uint32_t (*cell)[2] = rows > 0 && w > 0 ? calloc((size_t)w * (size_t)rows, sizeof *cell) : NULL;
    if (!cell) return;
    size_t lo = 0, n = r->ndram;
    while (lo < n) {   /* the first request in view */
        size_t mid = (lo + n) / 2;
        if (r->dram[mid].cycle < v->v0) lo = mid + 1;
        else n = mid;
    }
    uint32_t most = 1;
    for (size_t i = lo; i < r->ndram && r->dram[i].cycle < hi; i++) {
        int x = (int)((double)(r->dram[i].cycle - v->v0) * w / (double)v->span);
        int y = (int)((int64_t)r->dram[i].bank * rows / r->nbanks);
        if (x >= w) break;
        uint32_t *k = cell[(size_t)y * (size_t)w + (size_t)x];
        k[r->dram[i].hit]++;
        if (k[0] + k[1] > most) most = k[0] + k[1];
    }
    int rh = L->dram_h / rows;
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < w; x++) {
            uint32_t *k = cell[(size_t)y * (size_t)w + (size_t)x];
            if (k[0] + k[1]) tg_canvas_fill(c, L->dram_x + x, L->dram_y + y * rh, 1, rh > 2 ? rh - 1 : rh, dram_color(k[0], k[1], most));
        }
    free(cell);
    snprintf(s, sizeof s, "max %u requests per cell", most);
    tg_canvas_text(c, L->dram_x + L->dram_w - tg_canvas_text_width(s, 1), L->dram_y - 12, 1, DIM, s);
}

void tg_viz_tensor_scale(tg_viz_tensor *t)
{
    int first = 1;
    t->lo = t->hi = 0;
    for (size_t i = 0; i < (size_t)t->rows * (size_t)t->cols; i++) {
        float x = t->v[i];
        if (!isfinite(x)) continue;
        if (first || x < t->lo) t->lo = x;
        if (first || x > t->hi) t->hi = x;
        first = 0;
    }
}

uint32_t tg_viz_heat_color(const tg_viz_tensor *t, float x)
{
    if (!isfinite(x)) return 0xffffffffu;   /* NaN and infinities stand out in white */
    static const int stops[3][3] = { { 0x0b, 0x1f, 0x5c }, { 0x1f, 0x9e, 0x89 }, { 0xfd, 0xe7, 0x25 } };
    double u = t->hi > t->lo ? ((double)x - t->lo) / ((double)t->hi - t->lo) : 0.5;
    if (u < 0) u = 0;
    if (u > 1) u = 1;
    int k = u < 0.5 ? 0 : 1;
    double f = u < 0.5 ? u * 2 : (u - 0.5) * 2;
    uint32_t c = 0xff000000u;
    for (int ch = 0; ch < 3; ch++) {
        int v = (int)lround(stops[k][ch] + (stops[k + 1][ch] - stops[k][ch]) * f);
        c |= (uint32_t)v << (16 - 8 * ch);
    }
    return c;
}

static void draw_tensor(const tg_viz_rec *r, const tg_viz_view *v, tg_canvas *c, const tg_viz_layout *L)
{
    char s[96];
    tg_canvas_text(c, L->buf_x, L->buf_y - L->buf_h - 2, 1, TEXT, "buffers (click one):");
    for (int i = 0; i < L->nbuf_labels; i++) {
        int y = L->buf_y + i * L->buf_h;
        if (i == v->buf) tg_canvas_fill(c, L->buf_x - 2, y - 2, L->buf_w[i] + 4, L->buf_h, PANEL);
        tg_canvas_text(c, L->buf_x, y, 1, i == v->buf ? TEXT : DIM, r->bufs[i].name);
    }
    if (v->buf < 0 || v->buf >= r->nbufs) return;
    const tg_viz_tensor *t = &r->bufs[v->buf];
    snprintf(s, sizeof s, "%dx%d f32", t->rows, t->cols);
    tg_canvas_text(c, L->ten_x, L->ten_y - 12, 1, TEXT, s);
    for (int py = 0; py < L->ten_h; py++)
        for (int px = 0; px < L->ten_w; px++) {
            int row = (int)((int64_t)py * t->rows / L->ten_h), col = (int)((int64_t)px * t->cols / L->ten_w);
            c->px[(size_t)(L->ten_y + py) * (size_t)c->w + (size_t)(L->ten_x + px)] =
                tg_viz_heat_color(t, t->v[(size_t)row * (size_t)t->cols + (size_t)col]);
        }
    /* value scale: a bar from hi (top) to lo (bottom) */
    int bx = L->ten_x + L->ten_w + 6;
    for (int py = 0; py < L->ten_h; py++) {
        float x = t->hi - (t->hi - t->lo) * (float)py / (float)(L->ten_h > 1 ? L->ten_h - 1 : 1);
        tg_canvas_fill(c, bx, L->ten_y + py, 8, 1, tg_viz_heat_color(t, x));
    }
    snprintf(s, sizeof s, "%.3g", (double)t->hi);
    tg_canvas_text(c, bx + 12, L->ten_y, 1, DIM, s);
    snprintf(s, sizeof s, "%.3g", (double)t->lo);
    tg_canvas_text(c, bx + 12, L->ten_y + L->ten_h - 8, 1, DIM, s);
}

static void layout(const tg_viz_rec *r, const tg_viz_view *v, int w, int h, tg_viz_layout *L)
{
    memset(L, 0, sizeof *L);
    L->legend_y = 36;
    L->swatch = 12;
    int step = (w - 16) / (TG_NUM_STALLS + 1);
    for (int i = 0; i <= TG_NUM_STALLS; i++) L->legend_x[i] = 8 + i * step;
    L->tl_x = 48;
    L->tl_y = 60;
    L->tl_w = w - L->tl_x - 8;
    L->mem_h = h / 5;
    L->mem_x = L->tl_x;
    L->mem_w = L->tl_w;
    L->mem_y = h - L->mem_h - 24;
    L->dram_h = h / 8;
    L->dram_y = L->mem_y - 46 - L->dram_h;
    L->dram_x = L->mem_x;
    /* a row per bank where they fit at 2 pixels or more, else neighbouring banks share a row */
    L->dram_rows = r->nbanks <= L->dram_h / 2 ? r->nbanks : L->dram_h / 2;
    if (r->nbufs) {   /* a column right of the plots (which keep one cycle axis): buffer names, heatmap, scale */
        int col = w - 8 - 200;
        L->mem_w = L->tl_w = col - 24 - L->mem_x;
        L->buf_x = col;
        L->buf_h = 11;
        L->buf_y = L->tl_y + 14;
        L->nbuf_labels = (L->mem_y - 16 - L->buf_y) / L->buf_h;
        if (L->nbuf_labels > r->nbufs) L->nbuf_labels = r->nbufs;
        for (int i = 0; i < L->nbuf_labels; i++) L->buf_w[i] = tg_canvas_text_width(r->bufs[i].name, 1);
        if (v->buf >= 0 && v->buf < r->nbufs) {
            L->ten_w = L->ten_h = L->mem_h < 120 ? L->mem_h : 120;
            L->ten_y = L->mem_y;
            L->ten_x = col;
        }
    }
    L->dram_w = L->mem_w;
    int avail = L->dram_y - 60 - L->tl_y;
    L->nrows = r->nslots;
    L->row_h = r->nslots ? avail / r->nslots : 1;
    if (L->row_h > 24) L->row_h = 24;
    if (L->row_h < 1) L->row_h = 1;
    if (L->row_h * L->nrows > avail) L->nrows = avail / L->row_h;
    L->tl_h = L->row_h * L->nrows;
}

static int x_of(const tg_viz_view *v, uint64_t cycle, int x0, int w)
{
    return x0 + (int)((double)(cycle - v->v0) * w / (double)v->span);
}

void tg_viz_render(const tg_viz_rec *r, const tg_viz_view *v, tg_canvas *c, tg_viz_layout *lay)
{
    tg_viz_layout L;
    layout(r, v, c->w, c->h, &L);
    tg_canvas_fill(c, 0, 0, c->w, c->h, BG);
    char s[256];
    tg_viz_stats st;
    tg_viz_stats_at(r, v->cursor, &st);
    snprintf(s, sizeof s, "%s  (%s)  core %d/%d", r->kernel, r->preset, v->sm, r->nsms);
    int big = c->w >= 1100 ? 2 : 1;   /* the header in double size where it fits */
    tg_canvas_text(c, 8, 8, big, TEXT, s);
    snprintf(s, sizeof s, "cycle %llu/%llu  IPC %.2f  occupancy %.0f%% (mean %.0f%%)%s", (unsigned long long)v->cursor,
             (unsigned long long)r->end, st.ipc, st.occupancy_now * 100, st.occupancy_mean * 100, v->paused ? "  paused" : "");
    tg_canvas_text(c, c->w - tg_canvas_text_width(s, big) - 8, big == 2 ? 8 : 20, big, TEXT, s);
    for (int i = 0; i <= TG_NUM_STALLS; i++) {
        tg_canvas_fill(c, L.legend_x[i], L.legend_y, L.swatch, L.swatch, tg_viz_state_color(i));
        tg_canvas_text(c, L.legend_x[i] + L.swatch + 4, L.legend_y + 3, 1, TEXT, tg_viz_state_name(i));
    }
    tg_canvas_fill(c, L.tl_x, L.tl_y, L.tl_w, L.tl_h, PANEL);
    draw_timeline(r, v, c, &L);
    snprintf(s, sizeof s, "%llu", (unsigned long long)v->v0);
    tg_canvas_text(c, L.tl_x, L.tl_y + L.tl_h + 4, 1, DIM, s);
    snprintf(s, sizeof s, "%llu cycles", (unsigned long long)(v->v0 + v->span));
    tg_canvas_text(c, L.tl_x + L.tl_w - tg_canvas_text_width(s, 1), L.tl_y + L.tl_h + 4, 1, DIM, s);
    /* memory panel: title, legend, stacked requests */
    int ty = L.mem_y - 26;
    int x = tg_canvas_text(c, L.mem_x, ty, 1, TEXT, "memory requests:") + 8;
    for (int e = 0; e < TG_NUM_MEM_EVENTS; e++) {
        tg_canvas_fill(c, x, ty - 1, 9, 9, tg_viz_mem_color(e));
        x = tg_canvas_text(c, x + 13, ty, 1, TEXT, mem_name(e)) + 12;
    }
    tg_canvas_fill(c, L.mem_x, L.mem_y, L.mem_w, L.mem_h, PANEL);
    draw_memory(r, v, c, &L);
    /* DRAM panel: title, key, a row per bank (or group of banks) */
    x = tg_canvas_text(c, L.dram_x, L.dram_y - 26, 1, TEXT, "DRAM banks:") + 8;
    tg_canvas_fill(c, x, L.dram_y - 27, 9, 9, DRAM_ACT);
    x = tg_canvas_text(c, x + 13, L.dram_y - 26, 1, TEXT, "activation (row opened)") + 12;
    tg_canvas_fill(c, x, L.dram_y - 27, 9, 9, DRAM_HIT);
    x = tg_canvas_text(c, x + 13, L.dram_y - 26, 1, TEXT, "row hit") + 12;
    snprintf(s, sizeof s, "%d banks%s, bank 0 on top", r->nbanks, L.dram_rows < r->nbanks ? " (grouped)" : "");
    tg_canvas_text(c, x, L.dram_y - 26, 1, DIM, s);
    tg_canvas_fill(c, L.dram_x, L.dram_y, L.dram_w, L.dram_h, PANEL);
    draw_dram(r, v, c, &L);
    /* hit rates on this core up to the cursor */
    uint64_t tot[TG_NUM_MEM_EVENTS];
    tg_viz_mem_between(r, v->sm, 0, (size_t)((v->cursor + TG_VIZ_BUCKET - 1) / TG_VIZ_BUCKET), tot);
    uint64_t l1 = tot[TG_MEV_L1_HIT] + tot[TG_MEV_L1_MISS], l2 = tot[TG_MEV_L2_HIT] + tot[TG_MEV_L2_MISS];
    snprintf(s, sizeof s, "core %d to the cursor: L1 hit rate %.1f%% of %llu, L2 hit rate %.1f%% of %llu, %llu DRAM lines, %llu shared accesses",
             v->sm, l1 ? 100.0 * (double)tot[TG_MEV_L1_HIT] / (double)l1 : 0.0, (unsigned long long)l1,
             l2 ? 100.0 * (double)tot[TG_MEV_L2_HIT] / (double)l2 : 0.0, (unsigned long long)l2,
             (unsigned long long)tot[TG_MEV_L2_MISS], (unsigned long long)tot[TG_MEV_SHARED]);
    tg_canvas_text(c, L.mem_x, L.mem_y + L.mem_h + 8, 1, DIM, s);
    if (v->cursor >= v->v0 && v->cursor < v->v0 + v->span) {
        int cx = x_of(v, v->cursor, L.tl_x, L.tl_w);
        tg_canvas_fill(c, cx, L.tl_y, 1, L.tl_h, CURSOR);
        tg_canvas_fill(c, x_of(v, v->cursor, L.mem_x, L.mem_w), L.mem_y, 1, L.mem_h, CURSOR);
        tg_canvas_fill(c, x_of(v, v->cursor, L.dram_x, L.dram_w), L.dram_y, 1, L.dram_h, CURSOR);
    }
    if (r->nbufs) draw_tensor(r, v, c, &L);
    if (lay) *lay = L;
}
