/* viz.h: `tgpu viz`'s model: a recording of one cycle-mode run (per core and warp slot, the runs of
 * cycles a warp spent in each state; per core, memory requests in buckets of cycles), the view over
 * it (core, visible cycles, playback cursor) and the renderer that draws its panels on a canvas.
 * SDL stays in window.c; everything here is plain C. */
#ifndef TG_VIZ_H
#define TG_VIZ_H

#include <stddef.h>
#include <stdint.h>

#include "sim/timing.h"
#include "tools/viz/canvas.h"

#define TG_VIZ_BUCKET 16        /* cycles per memory-count bucket */
#define TG_VIZ_SUM 1024         /* cycles per timeline summary bucket (drawing zoomed out) */
#define TG_VIZ_SUM_MIN_SPANS 1024   /* rows with fewer spans draw from their spans at any zoom */
#define TG_VIZ_IDLE TG_NUM_STALLS   /* state of a slot with no resident warp */
#define TG_VIZ_MAX_BUFS 64

typedef struct tg_viz_span { uint64_t start; uint64_t len; uint8_t state; } tg_viz_span;

typedef struct tg_viz_row {     /* one warp slot of one core: spans in cycle order, none overlapping */
    tg_viz_span *spans;
    size_t n, cap;
    /* made by tg_viz_rec_finish: issued and resident cycles of spans [0, k) (n + 1 entries), and
     * per TG_VIZ_SUM cycles the cycles spent in each state (NULL for rows of few spans) */
    uint64_t *cum_issued, *cum_resident;
    uint16_t (*sum)[TG_NUM_STALLS];
} tg_viz_row;

typedef struct tg_viz_dram_ev {  /* one DRAM request: its command's cycle, bank, row hit or activation */
    uint64_t cycle;
    uint32_t bank;
    uint8_t hit, write;
} tg_viz_dram_ev;

typedef struct tg_viz_tensor {  /* a buffer shown as a heatmap: rows x cols f32, row-major */
    float *v;                   /* owned by the recording */
    uint32_t bytes;             /* the whole buffer (v holds bytes / 4 values) */
    int rows, cols;
    float lo, hi;               /* the value scale: the smallest and largest finite values */
    char name[64];
} tg_viz_tensor;

typedef struct tg_viz_rec {
    char kernel[64], preset[64];
    int nsms, nslots;           /* cores, warp slots per core */
    int nbanks;                 /* DRAM banks over all channels */
    tg_viz_row *rows;           /* nsms * nslots */
    int *pending;               /* rows with a state reported in the cycle being simulated */
    uint8_t *pending_state;     /* per row */
    int npending;
    uint32_t (*mem)[TG_NUM_MEM_EVENTS];   /* per core: nbuckets buckets */
    size_t nbuckets, bucket_cap;
    /* finish: per core, requests of buckets [0, 64 k) (k = 0 .. nbuckets / 64), [k * nsms + sm] */
    uint64_t (*mem_cum)[TG_NUM_MEM_EVENTS];
    tg_viz_dram_ev *dram;       /* in cycle order once finished */
    size_t ndram, dram_cap;
    uint64_t *dram_cum_hits;    /* finish: row hits among dram[0, k) (ndram + 1 entries) */
    tg_timing_stats stats;      /* the run's --stats */
    tg_viz_tensor bufs[TG_VIZ_MAX_BUFS];  /* the run's out: and inout: buffers after it */
    int nbufs;
    uint64_t end;               /* the last cycle recorded + 1 */
    size_t nsum;                /* summary buckets per row */
    int oom;                    /* an allocation failed: the recording is incomplete */
} tg_viz_rec;

/* Sizes the recording for a configuration; 0 or -1 (out of memory). */
int tg_viz_rec_init(tg_viz_rec *r, const tg_timing_config *c, const char *kernel);
void tg_viz_rec_free(tg_viz_rec *r);
/* Observers for tg_sim_set_timing_hooks, recording into r. */
tg_timing_hooks tg_viz_rec_hooks(tg_viz_rec *r);
/* Adds a copy of a buffer (name: its file's base name); its heatmap shape is the squarest one.
 * 0, or -1 (out of memory, or already TG_VIZ_MAX_BUFS). Buffers under 4 bytes are skipped. */
int tg_viz_rec_add_buffer(tg_viz_rec *r, const char *name, const void *data, uint32_t bytes);
/* After recording or loading: the drawing indexes (cumulative counts, summaries, DRAM order).
 * 0 or -1 (out of memory). */
int tg_viz_rec_finish(tg_viz_rec *r);
/* The buffer named name (a path's base name also matches), or -1. */
int tg_viz_rec_find_buffer(const tg_viz_rec *r, const char *name);

/* The .tgtrace file: a recording with its run's statistics and final buffers (trace_file.c).
 * Write: 0 or -1 with err. Parse/load: strict; on error -1 with err "FILE:OFFSET: what", r empty.
 * A parsed recording is finished (tg_viz_rec_finish). */
int tg_viz_trace_write(const tg_viz_rec *r, const char *path, char *err, size_t errlen);
int tg_viz_trace_parse(tg_viz_rec *r, const uint8_t *data, size_t n, const char *name, char *err, size_t errlen);
int tg_viz_trace_load(tg_viz_rec *r, const char *path, char *err, size_t errlen);

/* The state of a row at a cycle (TG_VIZ_IDLE when nothing is resident). */
int tg_viz_state_at(const tg_viz_rec *r, int sm, int slot, uint64_t cycle);

/* Sets t's value scale from its data. */
void tg_viz_tensor_scale(tg_viz_tensor *t);
/* The heatmap colour of value x on t's scale (dark blue at lo, through teal, to yellow at hi). */
uint32_t tg_viz_heat_color(const tg_viz_tensor *t, float x);

typedef struct tg_viz_view {
    int buf;                    /* the buffer in the tensor panel (-1: none) */
    int sm;                     /* the core shown */
    uint64_t v0, span;          /* visible cycles [v0, v0 + span) */
    uint64_t cursor;            /* playback position: cycles before it are drawn */
    int paused;
    /* the mouse: a left button held since (press_x, press_y) with v0 then press_v0; moved once it
     * went over a few pixels (a drag that pans, not a click) */
    int pressed, moved, press_x, press_y;
    uint64_t press_v0;
} tg_viz_view;

/* Where the renderer put things (for tests, and for the window's mouse). */
typedef struct tg_viz_layout {
    int tl_x, tl_y, tl_w, tl_h;          /* the timeline's plotting area */
    int row_h, nrows;
    int mem_x, mem_y, mem_w, mem_h;      /* the memory panel's plotting area */
    int legend_x[TG_NUM_STALLS + 1], legend_y, swatch;   /* warp-state swatches, idle last */
    int dram_x, dram_y, dram_w, dram_h;  /* the DRAM bank panel's plotting area */
    int dram_rows;                       /* rows drawn (banks are grouped when they outnumber pixels) */
    int ten_x, ten_y, ten_w, ten_h;      /* the tensor heatmap (0 wide without one) */
    int nbuf_labels, buf_x, buf_y, buf_h, buf_w[TG_VIZ_MAX_BUFS];   /* clickable buffer names, one a line */
} tg_viz_layout;

uint32_t tg_viz_state_color(int state);
const char *tg_viz_state_name(int state);
uint32_t tg_viz_mem_color(int event);
void tg_viz_render(const tg_viz_rec *r, const tg_viz_view *v, tg_canvas *c, tg_viz_layout *lay);

/* Statistics over all cores up to the cursor. */
typedef struct tg_viz_stats {
    uint64_t issued;            /* warp-instructions issued before the cursor */
    double ipc;                 /* warp-instructions issued per cycle, summed over cores */
    double occupancy_now;       /* resident warps in the cycle before the cursor / all warp slots */
    double occupancy_mean;      /* resident warp-cycles / (warp slots x cycles) */
} tg_viz_stats;
void tg_viz_stats_at(const tg_viz_rec *r, uint64_t cursor, tg_viz_stats *out);

/* Requests of core sm in memory buckets [b0, b1) (clipped to the recording), per event. */
void tg_viz_mem_between(const tg_viz_rec *r, int sm, size_t b0, size_t b1, uint64_t out[TG_NUM_MEM_EVENTS]);
/* DRAM activity of [c0, c1): activations (row misses) and row hits, all banks (binary searches). */
void tg_viz_dram_between(const tg_viz_rec *r, uint64_t c0, uint64_t c1, uint64_t *acts, uint64_t *hits);

/* Mouse input, as the window gets it (window.c translates SDL's events), so that it can be tested
 * without a display: left button down/up, motion, wheel (dy > 0 zooms in). */
enum tg_viz_mouse_kind { TG_VIZ_MOUSE_DOWN, TG_VIZ_MOUSE_UP, TG_VIZ_MOUSE_MOVE, TG_VIZ_MOUSE_WHEEL };
typedef struct tg_viz_mouse { int kind, x, y, dy; } tg_viz_mouse;
/* Applies one event to the view laid out as L: drag pans the plots, the wheel zooms around the
 * cycle under the pointer, a click on a plot moves the cursor there (and pauses), a click on a
 * buffer name shows that buffer. Returns 1 when the view changed. */
int tg_viz_mouse_event(const tg_viz_rec *r, tg_viz_view *v, const tg_viz_layout *L, const tg_viz_mouse *e);
/* Zoom by factor f around cycle mid, and pan by an eighth of the view (dir -1 or 1). */
void tg_viz_zoom(const tg_viz_rec *r, tg_viz_view *v, double f, uint64_t mid);
void tg_viz_pan(tg_viz_view *v, int dir);

/* Runs the window (interactive) or renders one frame to a PNG (png != NULL). buf: the buffer in the
 * tensor panel (-1: none). at_cycle: cursor (0: the end); sm: the core shown first; frames > 0: the
 * window plays that many frames as fast as it can and exits, printing the frame rate; view0 < view1:
 * the visible cycles at the start (else the whole run). Returns 0, or -1 with a message on stderr. */
int tg_viz_show(const tg_viz_rec *r, int buf, const char *png, uint64_t at_cycle, int width, int height, int sm, int frames,
                uint64_t view0, uint64_t view1);

#endif
