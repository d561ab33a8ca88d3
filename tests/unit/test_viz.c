/* test_viz.c: tgpu viz without a display: the mouse handler driven by synthetic events (drag pans,
 * the wheel zooms around the pointer, a click moves the cursor or picks a buffer), the .tgtrace
 * round trip (the same recording and the same pixels back), and the reader's refusals (every
 * truncation and a few corruptions give FILE:OFFSET errors). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/viz/viz.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

/* A small recording made through the same hooks the timing model calls: 2 cores x 4 slots over
 * 100000 cycles, states cycling every 37 cycles, some memory and DRAM requests, two buffers. */
static void make_rec(tg_viz_rec *r)
{
    tg_timing_config c;
    tg_timing_config_default(&c);
    c.num_sms = 2;
    c.max_warps_per_sm = 4;
    c.dram_channels = 2;
    c.dram_banks = 4;
    snprintf(c.name, sizeof c.name, "unit");
    CHECK(tg_viz_rec_init(r, &c, "kern") == 0);
    tg_timing_hooks h = tg_viz_rec_hooks(r);
    for (uint64_t cyc = 0; cyc < 100000; cyc += 37) {
        for (int sm = 0; sm < 2; sm++)
            for (int slot = 0; slot < 4; slot++)
                if ((cyc / 37 + (uint64_t)slot) % 5) h.warp_state(h.ctx, sm, slot, (int)((cyc / 37 + (uint64_t)slot) % TG_NUM_STALLS));
        h.advance(h.ctx, cyc, 37);
        h.mem(h.ctx, cyc + 3, (int)(cyc / 37 % 2), (int)(cyc / 37 % TG_NUM_MEM_EVENTS));
        if (cyc % 3 == 0) h.dram(h.ctx, cyc + 40 - cyc / 37 % 7, (int)(cyc / 37 % 8), (int)(cyc % 2), (int)(cyc / 37 % 3 == 0));
    }
    float a[64], b[6];
    for (int i = 0; i < 64; i++) a[i] = (float)i;
    for (int i = 0; i < 6; i++) b[i] = -(float)i;
    CHECK(tg_viz_rec_add_buffer(r, "dir/a.f32", a, sizeof a) == 0);
    CHECK(tg_viz_rec_add_buffer(r, "b.f32", b, sizeof b) == 0);
    r->stats.cycles = 100123;
    r->stats.dram_reads = 7;
    r->stats.launches = 1;
    CHECK(tg_viz_rec_finish(r) == 0);
}

static void test_mouse(const tg_viz_rec *r)
{
    uint32_t *px = calloc(640 * 400, 4);
    tg_canvas c = { px, 640, 400 };
    tg_viz_view v = { .buf = 0, .sm = 0, .v0 = 0, .span = r->end, .cursor = r->end };
    tg_viz_layout L;
    tg_viz_render(r, &v, &c, &L);
    CHECK(L.tl_w > 100 && L.tl_h > 0 && L.nbuf_labels == 2 && L.dram_rows == 8);
    int y = L.tl_y + L.tl_h / 2;
    /* a click (with a pixel of jitter) moves the cursor to the cycle under it and pauses */
    tg_viz_mouse down = { TG_VIZ_MOUSE_DOWN, L.tl_x + L.tl_w / 4, y, 0 };
    tg_viz_mouse jitter = { TG_VIZ_MOUSE_MOVE, L.tl_x + L.tl_w / 4 + 2, y + 1, 0 };
    tg_viz_mouse up = { TG_VIZ_MOUSE_UP, L.tl_x + L.tl_w / 4 + 2, y + 1, 0 };
    CHECK(tg_viz_mouse_event(r, &v, &L, &down) == 0);
    CHECK(tg_viz_mouse_event(r, &v, &L, &jitter) == 0);
    CHECK(tg_viz_mouse_event(r, &v, &L, &up) == 1);
    uint64_t want = (uint64_t)((double)(L.tl_w / 4 + 2) * (double)r->end / L.tl_w);
    CHECK(v.paused && v.cursor == want && v.v0 == 0 && v.span == r->end);
    /* the wheel zooms in by 2 around the cycle under the pointer */
    int wx = L.tl_x + L.tl_w * 3 / 4;
    uint64_t under = (uint64_t)((double)(wx - L.tl_x) * (double)v.span / L.tl_w);
    tg_viz_mouse wheel = { TG_VIZ_MOUSE_WHEEL, wx, y, 1 };
    CHECK(tg_viz_mouse_event(r, &v, &L, &wheel) == 1);
    CHECK(v.span == r->end / 2);
    uint64_t now_under = v.v0 + (uint64_t)((double)(wx - L.tl_x) * (double)v.span / L.tl_w);
    CHECK(now_under + 2 >= under && now_under <= under + 2);
    /* a drag pans: the cycle grabbed follows the pointer, the cursor stays */
    uint64_t v0 = v.v0, cursor = v.cursor;
    tg_viz_mouse d2 = { TG_VIZ_MOUSE_DOWN, L.tl_x + 300, y, 0 }, m2 = { TG_VIZ_MOUSE_MOVE, L.tl_x + 200, y + 10, 0 },
                 u2 = { TG_VIZ_MOUSE_UP, L.tl_x + 200, y + 10, 0 };
    tg_viz_mouse_event(r, &v, &L, &d2);
    CHECK(tg_viz_mouse_event(r, &v, &L, &m2) == 1);
    uint64_t shift = (uint64_t)(100.0 * (double)v.span / L.tl_w);
    CHECK(v.v0 == v0 + shift);
    CHECK(tg_viz_mouse_event(r, &v, &L, &u2) == 0 && v.cursor == cursor);
    /* dragging right past the start stops at cycle 0 */
    tg_viz_mouse d3 = { TG_VIZ_MOUSE_DOWN, L.tl_x + 10, y, 0 }, m3 = { TG_VIZ_MOUSE_MOVE, L.tl_x + L.tl_w - 1, y, 0 };
    for (int k = 0; k < 3; k++) {   /* each drag moves the view by almost its span, which is half the run */
        tg_viz_mouse_event(r, &v, &L, &d3);
        tg_viz_mouse_event(r, &v, &L, &m3);
        tg_viz_mouse_event(r, &v, &L, &(tg_viz_mouse){ TG_VIZ_MOUSE_UP, L.tl_x + L.tl_w - 1, y, 0 });
    }
    CHECK(v.v0 == 0 && v.cursor == cursor);
    /* a click in the DRAM panel maps through that panel's own width */
    tg_viz_render(r, &v, &c, &L);
    tg_viz_mouse_event(r, &v, &L, &(tg_viz_mouse){ TG_VIZ_MOUSE_DOWN, L.dram_x + L.dram_w / 2, L.dram_y + 1, 0 });
    tg_viz_mouse_event(r, &v, &L, &(tg_viz_mouse){ TG_VIZ_MOUSE_UP, L.dram_x + L.dram_w / 2, L.dram_y + 1, 0 });
    CHECK(v.cursor == v.v0 + (uint64_t)((double)(L.dram_w / 2) * (double)v.span / L.dram_w));
    /* a click on the second buffer's name shows it; a click on nothing changes nothing */
    int bx = L.buf_x + 1, by = L.buf_y + L.buf_h + 2;
    tg_viz_mouse_event(r, &v, &L, &(tg_viz_mouse){ TG_VIZ_MOUSE_DOWN, bx, by, 0 });
    CHECK(tg_viz_mouse_event(r, &v, &L, &(tg_viz_mouse){ TG_VIZ_MOUSE_UP, bx, by, 0 }) == 1 && v.buf == 1);
    tg_viz_view before = v;
    tg_viz_mouse_event(r, &v, &L, &(tg_viz_mouse){ TG_VIZ_MOUSE_DOWN, 2, 2, 0 });
    CHECK(tg_viz_mouse_event(r, &v, &L, &(tg_viz_mouse){ TG_VIZ_MOUSE_UP, 2, 2, 0 }) == 0);
    CHECK(v.cursor == before.cursor && v.buf == before.buf && v.v0 == before.v0 && v.span == before.span);
    /* the newly picked buffer is the one drawn: its label highlighted, its 2x3 heatmap */
    tg_viz_render(r, &v, &c, &L);
    CHECK(L.ten_w > 0 && r->bufs[1].rows * r->bufs[1].cols == 6);
    free(px);
}

static void test_roundtrip(const tg_viz_rec *r)
{
    char path[] = "/tmp/test_viz_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    char err[512];
    CHECK(tg_viz_trace_write(r, path, err, sizeof err) == 0);
    tg_viz_rec q;
    CHECK(tg_viz_trace_load(&q, path, err, sizeof err) == 0);
    CHECK(q.nsms == r->nsms && q.nslots == r->nslots && q.nbanks == r->nbanks && q.end == r->end && q.nbufs == 2);
    CHECK(!strcmp(q.kernel, "kern") && !strcmp(q.preset, "unit") && q.stats.cycles == 100123 && q.stats.launches == 1);
    for (int i = 0; i < r->nsms * r->nslots; i++) {
        CHECK(q.rows[i].n == r->rows[i].n);
        for (size_t k = 0; k < q.rows[i].n && k < r->rows[i].n; k++) {   /* field by field: structs have padding */
            const tg_viz_span *a = &q.rows[i].spans[k], *b = &r->rows[i].spans[k];
            CHECK(a->start == b->start && a->len == b->len && a->state == b->state);
        }
    }
    CHECK(q.nbuckets == r->nbuckets && !memcmp(q.mem, r->mem, r->nbuckets * (size_t)r->nsms * sizeof *r->mem));
    CHECK(q.ndram == r->ndram && r->ndram > 100);
    for (size_t k = 0; k < q.ndram && k < r->ndram; k++)
        CHECK(q.dram[k].cycle == r->dram[k].cycle && q.dram[k].bank == r->dram[k].bank && q.dram[k].hit == r->dram[k].hit &&
              q.dram[k].write == r->dram[k].write);
    CHECK(!strcmp(q.bufs[0].name, "a.f32") && q.bufs[0].bytes == 256 && q.bufs[1].v[5] == -5.0f);
    uint32_t *p1 = calloc(800 * 500, 4), *p2 = calloc(800 * 500, 4);
    tg_canvas c1 = { p1, 800, 500 }, c2 = { p2, 800, 500 };
    for (uint64_t cur = 1000; cur <= r->end; cur += 33000) {
        tg_viz_view v = { .buf = 1, .sm = 1, .v0 = 0, .span = r->end, .cursor = cur };
        tg_viz_render(r, &v, &c1, NULL);
        tg_viz_render(&q, &v, &c2, NULL);
        CHECK(!memcmp(p1, p2, 800 * 500 * 4));
    }
    free(p1);
    free(p2);
    tg_viz_rec_free(&q);

    /* every truncation is refused with FILE:OFFSET, and so are a flipped magic, version and state */
    FILE *f = fopen(path, "rb");
    static uint8_t buf[1 << 20];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    CHECK(n > 400 && n < sizeof buf);
    int refused = 0;
    for (size_t k = 0; k < n; k += k < 400 ? 1 : 97) {
        tg_viz_rec t;
        if (tg_viz_trace_parse(&t, buf, k, "t.tgtrace", err, sizeof err) == 0) { tg_viz_rec_free(&t); continue; }
        refused++;
        if (strncmp(err, "t.tgtrace:", 10)) { fprintf(stderr, "no FILE:OFFSET in: %s\n", err); failures++; break; }
    }
    CHECK(refused == (int)(400 + (n - 400 + 96) / 97));
    tg_viz_rec t;
    buf[0] ^= 1;
    CHECK(tg_viz_trace_parse(&t, buf, n, "t.tgtrace", err, sizeof err) == -1 && strstr(err, "t.tgtrace:0: not a tgpu viz trace"));
    buf[0] ^= 1;
    buf[8] = 9;
    CHECK(tg_viz_trace_parse(&t, buf, n, "t.tgtrace", err, sizeof err) == -1 && strstr(err, "t.tgtrace:8: version 9"));
    buf[8] = 1;
    buf[n] = 0;
    CHECK(tg_viz_trace_parse(&t, buf, n + 1, "t.tgtrace", err, sizeof err) == -1 && strstr(err, "1 bytes after the end marker"));
    CHECK(tg_viz_trace_parse(&t, buf, n, "t.tgtrace", err, sizeof err) == 0);
    tg_viz_rec_free(&t);
    remove(path);
}

/* The memory panel's range sums (cumulative blocks of 64 buckets plus the edges) equal plain sums. */
static void test_mem_sums(const tg_viz_rec *r)
{
    CHECK(r->nbuckets > 64 * 3);
    uint64_t seed = 1;
    for (int i = 0; i < 2000; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t b0 = (size_t)(seed >> 33) % (r->nbuckets + 10), b1 = b0 + (size_t)(seed >> 13) % (i < 1000 ? 200 : r->nbuckets);
        int sm = i & 1;
        uint64_t got[TG_NUM_MEM_EVENTS], want[TG_NUM_MEM_EVENTS] = { 0 };
        tg_viz_mem_between(r, sm, b0, b1, got);
        for (size_t b = b0; b < b1 && b < r->nbuckets; b++)
            for (int e = 0; e < TG_NUM_MEM_EVENTS; e++) want[e] += r->mem[b * (size_t)r->nsms + (size_t)sm][e];
        if (memcmp(got, want, sizeof got)) { fprintf(stderr, "mem sums differ on [%zu, %zu)\n", b0, b1); failures++; break; }
    }
}

int main(void)
{
    tg_viz_rec r;
    make_rec(&r);
    CHECK(r.end >= 100011 && r.end <= 100011 + 40);   /* the last 37-cycle step, or a DRAM request after it */
    test_mouse(&r);
    test_mem_sums(&r);
    test_roundtrip(&r);
    tg_viz_rec_free(&r);
    if (failures) { fprintf(stderr, "%d failures\n", failures); return 1; }
    printf("viz: mouse, trace round trip and refusals ok\n");
    return 0;
}
