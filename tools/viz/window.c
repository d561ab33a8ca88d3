/* window.c: the visualizer's SDL2 side: an interactive window that plays a recording back
 * (space pause, arrows pan, +/- or the wheel zoom, tab next core, '.' one cycle, n next event on
 * this core, home fit, q quit; the mouse through input.c), or one frame rendered offscreen (dummy
 * video driver) and saved as PNG. */
#include "tools/viz/viz.h"

#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The cycle after cursor at which some warp of the core changes state (for 'n'). */
static uint64_t next_event(const tg_viz_rec *r, int sm, uint64_t cursor)
{
    uint64_t best = r->end;
    for (int slot = 0; slot < r->nslots; slot++) {
        const tg_viz_row *row = &r->rows[sm * r->nslots + slot];
        for (size_t k = 0; k < row->n; k++) {
            uint64_t b = row->spans[k].start > cursor ? row->spans[k].start : row->spans[k].start + row->spans[k].len;
            if (b > cursor) { if (b < best) best = b; break; }
        }
    }
    return best;
}

static SDL_Surface *wrap(tg_canvas *c)
{
    return SDL_CreateRGBSurfaceWithFormatFrom(c->px, c->w, c->h, 32, c->w * 4, SDL_PIXELFORMAT_ARGB8888);
}

static int screenshot(const tg_viz_rec *r, tg_viz_view *v, tg_canvas *c, const char *png)
{
    tg_viz_layout L;
    tg_viz_render(r, v, c, &L);
    SDL_Surface *s = wrap(c);
    if (!s) { fprintf(stderr, "tgpu viz: %s\n", SDL_GetError()); return -1; }
    int rc = IMG_SavePNG(s, png);
    SDL_FreeSurface(s);
    if (rc) { fprintf(stderr, "tgpu viz: cannot write %s: %s\n", png, IMG_GetError()); return -1; }
    /* where things are, for tests and for anyone checking a screenshot by eye */
    printf("viz: wrote %s %dx%d, core %d, cycle %llu of %llu\n", png, c->w, c->h, v->sm,
           (unsigned long long)v->cursor, (unsigned long long)r->end);
    tg_viz_stats st;
    tg_viz_stats_at(r, v->cursor, &st);
    printf("viz: issued %llu warp-instructions, IPC %.3f, occupancy %.3f (mean %.3f)\n", (unsigned long long)st.issued,
           st.ipc, st.occupancy_now, st.occupancy_mean);
    printf("viz: timeline %d %d %d %d rows %d row_h %d\n", L.tl_x, L.tl_y, L.tl_w, L.tl_h, L.nrows, L.row_h);
    printf("viz: memory %d %d %d %d\n", L.mem_x, L.mem_y, L.mem_w, L.mem_h);
    printf("viz: dram %d %d %d %d rows %d banks %d\n", L.dram_x, L.dram_y, L.dram_w, L.dram_h, L.dram_rows, r->nbanks);
    /* the whole recording's DRAM requests, whatever the cursor (tests hold them to tgpu run --stats) */
    uint64_t acts, hits, writes = 0;
    tg_viz_dram_between(r, 0, UINT64_MAX, &acts, &hits);
    for (size_t i = 0; i < r->ndram; i++) writes += r->dram[i].write;
    printf("viz: dram requests %zu reads %llu writes %llu activations %llu row_hits %llu\n", r->ndram,
           (unsigned long long)(r->ndram - writes), (unsigned long long)writes, (unsigned long long)acts, (unsigned long long)hits);
    for (int i = 0; i < L.nbuf_labels; i++)
        printf("viz: buffer %s %d %d %d %d\n", r->bufs[i].name, L.buf_x, L.buf_y + i * L.buf_h, L.buf_w[i], L.buf_h);
    if (v->buf >= 0) printf("viz: tensor %d %d %d %d scale %.9g %.9g\n", L.ten_x, L.ten_y, L.ten_w, L.ten_h,
                            (double)r->bufs[v->buf].lo, (double)r->bufs[v->buf].hi);
    for (int i = 0; i <= TG_NUM_STALLS; i++)
        printf("viz: legend %s %d %d %d #%06x\n", tg_viz_state_name(i), L.legend_x[i], L.legend_y, L.swatch,
               (unsigned)(tg_viz_state_color(i) & 0xffffffu));
    return 0;
}

static void zoom(tg_viz_view *v, const tg_viz_rec *r, double f) { tg_viz_zoom(r, v, f, v->v0 + v->span / 2); }

/* The window's loop; frames > 0 plays that many frames without waiting between them, then reports
 * the frame rate (tests, benchmarks). */
static int interactive(const tg_viz_rec *r, tg_viz_view *v, tg_canvas *c, int frames)
{
    SDL_Window *win = SDL_CreateWindow("tgpu viz", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, c->w, c->h, 0);
    if (!win) { fprintf(stderr, "tgpu viz: cannot open a window: %s (try --screenshot)\n", SDL_GetError()); return -1; }
    SDL_Surface *src = wrap(c);
    uint64_t play = r->end / 600 ? r->end / 600 : 1;   /* a whole run plays in about ten seconds */
    int quit = 0, frame = 0;
    tg_viz_layout L;
    tg_viz_render(r, v, c, &L);
    uint64_t t0 = SDL_GetPerformanceCounter();
    clock_t c0 = clock();   /* CPU time too: on a shared machine the wall clock counts other jobs */
    while (!quit && src && (frames <= 0 || frame < frames)) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            if (e.type == SDL_QUIT) quit = 1;
            else if (e.type == SDL_MOUSEWHEEL) {
                int mx, my;
                SDL_GetMouseState(&mx, &my);
                tg_viz_mouse m = { TG_VIZ_MOUSE_WHEEL, mx, my, e.wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e.wheel.y : e.wheel.y };
                tg_viz_mouse_event(r, v, &L, &m);
            } else if ((e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_MOUSEBUTTONUP) && e.button.button == SDL_BUTTON_LEFT) {
                tg_viz_mouse m = { e.type == SDL_MOUSEBUTTONDOWN ? TG_VIZ_MOUSE_DOWN : TG_VIZ_MOUSE_UP, e.button.x, e.button.y, 0 };
                tg_viz_mouse_event(r, v, &L, &m);
            } else if (e.type == SDL_MOUSEMOTION) {
                tg_viz_mouse m = { TG_VIZ_MOUSE_MOVE, e.motion.x, e.motion.y, 0 };
                tg_viz_mouse_event(r, v, &L, &m);
            }
            else if (e.type == SDL_KEYDOWN) {
                switch (e.key.keysym.sym) {
                case SDLK_q: case SDLK_ESCAPE: quit = 1; break;
                case SDLK_SPACE: v->paused = !v->paused; break;
                case SDLK_LEFT: tg_viz_pan(v, -1); break;
                case SDLK_RIGHT: tg_viz_pan(v, 1); break;
                case SDLK_PLUS: case SDLK_EQUALS: case SDLK_KP_PLUS: zoom(v, r, 0.5); break;
                case SDLK_MINUS: case SDLK_KP_MINUS: zoom(v, r, 2.0); break;
                case SDLK_TAB: v->sm = (v->sm + 1) % r->nsms; break;
                case SDLK_PERIOD: v->paused = 1; if (v->cursor < r->end) v->cursor++; break;
                case SDLK_n: v->paused = 1; v->cursor = next_event(r, v->sm, v->cursor); break;
                case SDLK_HOME: v->v0 = 0; v->span = r->end ? r->end : 1; break;
                default: break;
                }
            }
        }
        if (!v->paused && v->cursor < r->end) {
            v->cursor = v->cursor + play < r->end ? v->cursor + play : r->end;
            if (v->cursor > v->v0 + v->span && !v->pressed) v->v0 = v->cursor - v->span / 2;   /* follow the cursor */
        }
        tg_viz_render(r, v, c, &L);
        SDL_Surface *dst = SDL_GetWindowSurface(win);
        if (dst) { SDL_BlitSurface(src, NULL, dst, NULL); SDL_UpdateWindowSurface(win); }
        frame++;
        if (frames <= 0) SDL_Delay(16);
    }
    if (frames > 0) {
        double s = (double)(SDL_GetPerformanceCounter() - t0) / (double)SDL_GetPerformanceFrequency();
        double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
        printf("viz: %d frames in %.3f s (%.1f frames/s; %.3f s of CPU, %.1f frames per CPU second), cursor at cycle %llu of %llu\n",
               frame, s, s > 0 ? frame / s : 0.0, cpu, cpu > 0 ? frame / cpu : 0.0,
               (unsigned long long)v->cursor, (unsigned long long)r->end);
    }
    if (src) SDL_FreeSurface(src);
    SDL_DestroyWindow(win);
    return 0;
}

int tg_viz_show(const tg_viz_rec *r, int buf, const char *png, uint64_t at_cycle, int width, int height, int sm, int frames,
                uint64_t view0, uint64_t view1)
{
    if (png) setenv("SDL_VIDEODRIVER", "dummy", 1);   /* headless: no display needed */
    if (SDL_Init(SDL_INIT_VIDEO)) { fprintf(stderr, "tgpu viz: SDL: %s\n", SDL_GetError()); return -1; }
    tg_canvas c = { .w = width, .h = height, .px = calloc((size_t)width * (size_t)height, 4) };
    tg_viz_view v = { .buf = buf, .sm = sm, .v0 = 0, .span = r->end ? r->end : 1 };
    if (view0 < view1) { v.v0 = view0; v.span = view1 - view0; }
    int rc = -1;
    /* no display to accelerate for: SDL's GL framebuffer would only add a software-GL copy per frame */
    if (!strcmp(SDL_GetCurrentVideoDriver(), "dummy") || !strcmp(SDL_GetCurrentVideoDriver(), "offscreen"))
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (!c.px) fprintf(stderr, "tgpu viz: out of memory\n");
    else if (!png && !frames && (!strcmp(SDL_GetCurrentVideoDriver(), "dummy") || !strcmp(SDL_GetCurrentVideoDriver(), "offscreen")))
        fprintf(stderr, "tgpu viz: no display (SDL video driver %s): use --screenshot OUT.png\n", SDL_GetCurrentVideoDriver());
    else if (png) {
        v.cursor = at_cycle && at_cycle < r->end ? at_cycle : r->end;
        v.paused = 1;
        rc = screenshot(r, &v, &c, png);
    } else {
        rc = interactive(r, &v, &c, frames);
    }
    free(c.px);
    SDL_Quit();
    return rc;
}
