/* cmd_viz.c: `tgpu viz KERNEL [tgpu run options] [--screenshot OUT.png] [--at-cycle N] [--core N]
 * [--size WxH]`: runs the kernel like `tgpu run --mode cycle` while recording every warp's state per
 * cycle and the memory requests, then shows the recording (tools/viz/): interactively in a window,
 * or headless as one PNG frame. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/timing.h"
#include "tools/commands.h"
#include "tools/run.h"
#include "tools/viz/viz.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: tgpu viz KERNEL --grid X[,Y,Z] --block X[,Y,Z] [--arg SPEC]... [options]\n"
        "  runs KERNEL in cycle mode (any `tgpu run` option; --mode cycle is implied) and shows per-core\n"
        "  warp timelines, memory requests and statistics\n"
        "  --screenshot OUT.png  headless: render one frame offscreen, save it, exit\n"
        "  --at-cycle N          the playback cursor for --screenshot (default: the end of the run)\n"
        "  --core N              the core shown first (default 0)\n"
        "  --size WxH            window or screenshot size (default 1280x720)\n"
        "  --tensor FILE:RxC     a heatmap of FILE (R x C f32, row-major) after the run, e.g. an out: buffer\n"
        "  --frames N            play N frames in the window as fast as possible, print frames/s, exit\n"
        "  keys: space pause, left/right pan, +/- or wheel zoom, tab next core, '.' one cycle,\n"
        "        n next event, home fit, q quit\n");
}

/* --tensor FILE:RxC, read after the run (the run writes out: buffers to their files). */
static float *load_tensor(const char *spec, tg_viz_tensor *t)
{
    const char *colon = strrchr(spec, ':');
    if (!colon || sscanf(colon + 1, "%dx%d", &t->rows, &t->cols) != 2 || t->rows < 1 || t->cols < 1 ||
        t->rows > 1 << 14 || t->cols > 1 << 14 || colon == spec) {
        fprintf(stderr, "tgpu viz: bad --tensor '%s' (FILE:ROWSxCOLS)\n", spec);
        return NULL;
    }
    char path[1024];
    snprintf(path, sizeof path, "%.*s", (int)(colon - spec), spec);
    const char *base = strrchr(path, '/');
    snprintf(t->name, sizeof t->name, "%.63s", base ? base + 1 : path);
    size_t n = (size_t)t->rows * (size_t)t->cols;
    float *v = malloc(n * sizeof *v);
    FILE *f = fopen(path, "rb");
    size_t got = v && f ? fread(v, sizeof *v, n, f) : 0;
    int extra = f && got == n ? fgetc(f) != EOF : 0;
    if (f) fclose(f);
    if (!f) fprintf(stderr, "tgpu viz: --tensor: cannot read %s\n", path);
    else if (got != n || extra)
        fprintf(stderr, "tgpu viz: --tensor: %s does not hold exactly %dx%d f32 values (%zu bytes)\n", path, t->rows, t->cols, n * 4);
    if (!f || got != n || extra) { free(v); return NULL; }
    t->v = v;
    tg_viz_tensor_scale(t);
    return v;
}

static int parse_u64(const char *s, unsigned long long *v)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return errno || end == s || *end || *s == '-' ? -1 : 0;
}

int tg_cmd_viz(int argc, char **argv)
{
    const char *png = NULL, *tensor = NULL, *preset = NULL, *path = NULL, *kname = NULL;
    unsigned long long at = 0, core = 0, frames = 0;
    int width = 1280, height = 720;
    char **rargv = calloc((size_t)argc + 3, sizeof *rargv);
    if (!rargv) { fprintf(stderr, "tgpu viz: out of memory\n"); return 2; }
    int rargc = 0, rc = 2;
    rargv[rargc++] = "run";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); free(rargv); return 0; }
        int ours = !strcmp(a, "--screenshot") || !strcmp(a, "--at-cycle") || !strcmp(a, "--core") || !strcmp(a, "--size") ||
                   !strcmp(a, "--frames") || !strcmp(a, "--tensor");
        if (ours && !v) { fprintf(stderr, "tgpu viz: %s needs a value\n", a); goto out; }
        if (!strcmp(a, "--screenshot")) png = v;
        else if (!strcmp(a, "--at-cycle")) { if (parse_u64(v, &at)) { fprintf(stderr, "tgpu viz: bad --at-cycle '%s'\n", v); goto out; } }
        else if (!strcmp(a, "--core")) { if (parse_u64(v, &core)) { fprintf(stderr, "tgpu viz: bad --core '%s'\n", v); goto out; } }
        else if (!strcmp(a, "--tensor")) tensor = v;
        else if (!strcmp(a, "--frames")) {
            if (parse_u64(v, &frames) || frames > 1000000) { fprintf(stderr, "tgpu viz: bad --frames '%s' (0..1000000)\n", v); goto out; }
        } else if (!strcmp(a, "--size")) {
            if (sscanf(v, "%dx%d", &width, &height) != 2 || width < 320 || height < 240 || width > 8192 || height > 8192) {
                fprintf(stderr, "tgpu viz: bad --size '%s' (WxH, from 320x240 to 8192x8192)\n", v);
                goto out;
            }
        } else if (!strcmp(a, "--mode")) {
            if (!v || strcmp(v, "cycle")) { fprintf(stderr, "tgpu viz: runs in cycle mode only (--mode cycle)\n"); goto out; }
            i++;
            continue;
        } else {
            /* one of tgpu run's: remember the few viz needs to know before the run */
            rargv[rargc++] = argv[i];
            if (a[0] != '-') { if (!path) path = a; continue; }
            if (!strcmp(a, "--stats")) continue;
            if (v) rargv[rargc++] = argv[i + 1];
            if (!strcmp(a, "--config")) preset = v;
            if (!strcmp(a, "--kernel")) kname = v;
        }
        i++;
    }
    rargv[rargc++] = "--mode";
    rargv[rargc++] = "cycle";
    if (!path) { usage(stderr); goto out; }

    /* the recording is sized from the configuration the run will use */
    tg_timing_config cfg, used;
    char err[512];
    if (tg_timing_config_load(&cfg, preset ? preset : "default", err, sizeof err)) {
        if (preset) { fprintf(stderr, "tgpu viz: %s\n", err); goto out; }
        tg_timing_config_default(&cfg);
    }
    const char *base = strrchr(path, '/');
    tg_viz_rec rec;
    if (tg_viz_rec_init(&rec, &cfg, kname ? kname : base ? base + 1 : path)) { fprintf(stderr, "tgpu viz: out of memory\n"); goto out; }
    tg_timing_hooks hooks = tg_viz_rec_hooks(&rec);
    memset(&used, 0, sizeof used);
    rc = tg_run_main(rargc, rargv, &hooks, &used);
    if (rc == 0 && (used.num_sms != cfg.num_sms || used.max_warps_per_sm != cfg.max_warps_per_sm)) {
        fprintf(stderr, "tgpu viz: the run used another configuration than %s\n", cfg.name);
        rc = 2;
    }
    if (rc == 0 && rec.oom) { fprintf(stderr, "tgpu viz: out of memory while recording\n"); rc = 1; }
    if (rc == 0 && core >= (unsigned long long)rec.nsms) {
        fprintf(stderr, "tgpu viz: --core %llu: preset %s has %d cores\n", core, rec.preset, rec.nsms);
        rc = 2;
    }
    tg_viz_tensor ten = { 0 };
    float *tv = NULL;
    if (rc == 0 && tensor && !(tv = load_tensor(tensor, &ten))) rc = 2;
    if (rc == 0 && tg_viz_show(&rec, tensor ? &ten : NULL, png, at, width, height, (int)core, (int)frames)) rc = 1;
    free(tv);
    tg_viz_rec_free(&rec);
out:
    free(rargv);
    return rc;
}
