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
#define TG_VIZ_IDLE TG_NUM_STALLS   /* state of a slot with no resident warp */

typedef struct tg_viz_span { uint64_t start; uint64_t len; uint8_t state; } tg_viz_span;

typedef struct tg_viz_row {     /* one warp slot of one core: spans in cycle order, none overlapping */
    tg_viz_span *spans;
    size_t n, cap;
} tg_viz_row;

typedef struct tg_viz_rec {
    char kernel[64], preset[64];
    int nsms, nslots;           /* cores, warp slots per core */
    uint32_t max_warps;
    tg_viz_row *rows;           /* nsms * nslots */
    int *pending;               /* rows with a state reported in the cycle being simulated */
    uint8_t *pending_state;     /* per row */
    int npending;
    uint32_t (*mem)[TG_NUM_MEM_EVENTS];   /* per core: nbuckets buckets */
    size_t nbuckets, bucket_cap;
    uint64_t end;               /* the last cycle recorded + 1 */
    int oom;                    /* an allocation failed: the recording is incomplete */
} tg_viz_rec;

/* Sizes the recording for a configuration; 0 or -1 (out of memory). */
int tg_viz_rec_init(tg_viz_rec *r, const tg_timing_config *c, const char *kernel);
void tg_viz_rec_free(tg_viz_rec *r);
/* Observers for tg_sim_set_timing_hooks, recording into r. */
tg_timing_hooks tg_viz_rec_hooks(tg_viz_rec *r);

/* The state of a row at a cycle (TG_VIZ_IDLE when nothing is resident). */
int tg_viz_state_at(const tg_viz_rec *r, int sm, int slot, uint64_t cycle);

typedef struct tg_viz_tensor {  /* a buffer shown as a heatmap: rows x cols f32, row-major */
    const float *v;
    int rows, cols;
    float lo, hi;               /* the value scale: the smallest and largest finite values */
    char name[64];
} tg_viz_tensor;

/* Sets t's value scale from its data. */
void tg_viz_tensor_scale(tg_viz_tensor *t);
/* The heatmap colour of value x on t's scale (dark blue at lo, through teal, to yellow at hi). */
uint32_t tg_viz_heat_color(const tg_viz_tensor *t, float x);

typedef struct tg_viz_view {
    const tg_viz_tensor *tensor;   /* NULL: no tensor panel */
    int sm;                     /* the core shown */
    uint64_t v0, span;          /* visible cycles [v0, v0 + span) */
    uint64_t cursor;            /* playback position: cycles before it are drawn */
    int paused;
} tg_viz_view;

/* Where the renderer put things (for tests, and for the window's mouse). */
typedef struct tg_viz_layout {
    int tl_x, tl_y, tl_w, tl_h;          /* the timeline's plotting area */
    int row_h, nrows;
    int mem_x, mem_y, mem_w, mem_h;      /* the memory panel's plotting area */
    int legend_x[TG_NUM_STALLS + 1], legend_y, swatch;   /* warp-state swatches, idle last */
    int ten_x, ten_y, ten_w, ten_h;      /* the tensor heatmap (0 wide without one) */
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

/* Runs the window (interactive) or renders one frame to a PNG (png != NULL). tensor: a heatmap
 * panel, or NULL. at_cycle: cursor
 * (0: the end); sm: the core shown first; frames > 0: the window plays that many frames as fast as
 * it can and exits, printing the frame rate. Returns 0, or -1 with a message on stderr. */
int tg_viz_show(const tg_viz_rec *r, const tg_viz_tensor *tensor, const char *png, uint64_t at_cycle, int width, int height, int sm,
                int frames);

#endif
