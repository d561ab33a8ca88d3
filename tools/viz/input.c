/* input.c: the view's response to zoom, pan and the mouse, apart from SDL so that tests can drive it
 * with synthetic events (window.c feeds it SDL's). */
#include "tools/viz/viz.h"

#include <stdlib.h>

void tg_viz_zoom(const tg_viz_rec *r, tg_viz_view *v, double f, uint64_t mid)
{
    uint64_t span = (uint64_t)((double)v->span * f);
    if (span < 16) span = 16;
    if (span > r->end * 2 + 16) span = r->end * 2 + 16;
    /* mid stays where it was on screen */
    double left = mid > v->v0 ? (double)(mid - v->v0) * (double)span / (double)v->span : 0.0;
    v->v0 = (double)mid > left ? mid - (uint64_t)left : 0;
    v->span = span;
}

void tg_viz_pan(tg_viz_view *v, int dir)
{
    uint64_t d = v->span / 8 ? v->span / 8 : 1;
    if (dir < 0) v->v0 = v->v0 > d ? v->v0 - d : 0;
    else v->v0 += d;
}

static int inside(int x, int y, int rx, int ry, int rw, int rh) { return x >= rx && x < rx + rw && y >= ry && y < ry + rh; }

/* The plot under (x, y): its left edge and width (the three plots share the cycle axis, each over
 * its own width). 0 when none. */
static int plot_at(const tg_viz_layout *L, int x, int y, int *px, int *pw)
{
    if (inside(x, y, L->tl_x, L->tl_y, L->tl_w, L->tl_h)) { *px = L->tl_x; *pw = L->tl_w; return 1; }
    if (inside(x, y, L->dram_x, L->dram_y, L->dram_w, L->dram_h)) { *px = L->dram_x; *pw = L->dram_w; return 1; }
    if (inside(x, y, L->mem_x, L->mem_y, L->mem_w, L->mem_h)) { *px = L->mem_x; *pw = L->mem_w; return 1; }
    return 0;
}

static uint64_t cycle_at(const tg_viz_view *v, int x, int px, int pw)
{
    return v->v0 + (uint64_t)((double)(x - px) * (double)v->span / (double)pw);
}

int tg_viz_mouse_event(const tg_viz_rec *r, tg_viz_view *v, const tg_viz_layout *L, const tg_viz_mouse *e)
{
    int px, pw;
    switch (e->kind) {
    case TG_VIZ_MOUSE_DOWN:
        v->pressed = 1;
        v->moved = 0;
        v->press_x = e->x;
        v->press_y = e->y;
        v->press_v0 = v->v0;
        return 0;
    case TG_VIZ_MOUSE_MOVE: {
        if (!v->pressed || !plot_at(L, v->press_x, v->press_y, &px, &pw)) return 0;
        int dx = e->x - v->press_x, dy = e->y - v->press_y;
        if (!v->moved && abs(dx) <= 3 && abs(dy) <= 3) return 0;   /* a click's jitter, not a drag yet */
        v->moved = 1;
        /* the cycle grabbed stays under the pointer */
        double shift = (double)dx * (double)v->span / (double)pw;
        uint64_t v0 = shift >= (double)v->press_v0 ? 0 : (uint64_t)((double)v->press_v0 - shift);
        v->v0 = v0 > r->end ? r->end : v0;
        return 1;
    }
    case TG_VIZ_MOUSE_UP:
        if (!v->pressed) return 0;
        v->pressed = 0;
        if (v->moved) return 0;
        for (int i = 0; i < L->nbuf_labels; i++)
            if (inside(e->x, e->y, L->buf_x - 2, L->buf_y + i * L->buf_h - 2, L->buf_w[i] + 4, L->buf_h)) {
                v->buf = i;
                return 1;
            }
        if (!plot_at(L, e->x, e->y, &px, &pw)) return 0;
        v->cursor = cycle_at(v, e->x, px, pw);
        if (v->cursor > r->end) v->cursor = r->end;
        v->paused = 1;
        return 1;
    case TG_VIZ_MOUSE_WHEEL:
        if (!e->dy) return 0;
        tg_viz_zoom(r, v, e->dy > 0 ? 0.5 : 2.0, plot_at(L, e->x, e->y, &px, &pw) ? cycle_at(v, e->x, px, pw) : v->v0 + v->span / 2);
        return 1;
    default:
        return 0;
    }
}
