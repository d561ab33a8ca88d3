/* cmd_viz.c: `tgpu viz KERNEL [tgpu run options] [--screenshot OUT.png] [--at-cycle N] [--core N]
 * [--size WxH]`: runs the kernel like `tgpu run --mode cycle` while recording every warp's state per
 * cycle, the memory and DRAM requests and the output buffers, then shows the recording (tools/viz/):
 * interactively in a window, or headless as one PNG frame. `tgpu viz F.tgtrace` shows a recording
 * saved by `tgpu run --mode cycle --trace F.tgtrace` (or by tgpu viz's own --trace) the same way. */
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
        "       tgpu viz FILE.tgtrace [options]\n"
        "  runs KERNEL in cycle mode (any `tgpu run` option; --mode cycle is implied), or replays a\n"
        "  recording made by `tgpu run --mode cycle --trace FILE.tgtrace`, and shows per-core warp\n"
        "  timelines, DRAM bank activity, memory requests, statistics and the output buffers\n"
        "  --screenshot OUT.png  headless: render one frame offscreen, save it, exit\n"
        "  --at-cycle N          the playback cursor for --screenshot (default: the end of the run)\n"
        "  --core N              the core shown first (default 0)\n"
        "  --size WxH            window or screenshot size (default 1280x720)\n"
        "  --view C0:C1          start showing cycles C0 to C1 (as a drag and the wheel would leave it)\n"
        "  --tensor NAME:RxC     show output buffer NAME (its file, or base name) as R x C f32, row-major;\n"
        "                        a file that is not an output of the run is read after it\n"
        "  --trace FILE.tgtrace  also save the recording (other --trace formats go to the run)\n"
        "  --frames N            play N frames in the window as fast as possible, print frames/s, exit\n"
        "  keys: space pause, left/right pan, +/- zoom, tab next core, '.' one cycle, n next event,\n"
        "        home fit, q quit; mouse: drag pans, wheel zooms, click moves the cursor or picks a buffer\n");
}

static int read_file(const char *path, uint32_t *bytes, void **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) { char *nb = n < 0x40000000 ? realloc(buf, cap *= 2) : NULL; if (!nb) { free(buf); buf = NULL; } else buf = nb; }
    }
    fclose(f);
    if (!buf) return -1;
    *bytes = (uint32_t)n;
    *out = buf;
    return 0;
}

/* --tensor NAME:RxC: an output buffer of the recording, or a file read now; returns its index. */
static int pick_tensor(tg_viz_rec *r, const char *spec)
{
    const char *colon = strrchr(spec, ':');
    int rows, cols;
    if (!colon || sscanf(colon + 1, "%dx%d", &rows, &cols) != 2 || rows < 1 || cols < 1 || rows > 1 << 14 || cols > 1 << 14 ||
        colon == spec || (size_t)(colon - spec) >= 1024) {
        fprintf(stderr, "tgpu viz: bad --tensor '%s' (NAME:ROWSxCOLS)\n", spec);
        return -1;
    }
    char name[1024];
    snprintf(name, sizeof name, "%.*s", (int)(colon - spec), spec);
    int i = tg_viz_rec_find_buffer(r, name);
    if (i < 0) {
        uint32_t bytes;
        void *data;
        if (read_file(name, &bytes, &data)) { fprintf(stderr, "tgpu viz: --tensor: %s is no output of the run, nor a readable file\n", name); return -1; }
        int bad = tg_viz_rec_add_buffer(r, name, data, bytes);
        free(data);
        if (bad || bytes < 4) { fprintf(stderr, "tgpu viz: --tensor: cannot hold %s (%u bytes)\n", name, bytes); return -1; }
        i = r->nbufs - 1;
    }
    tg_viz_tensor *t = &r->bufs[i];
    if ((uint64_t)rows * (uint64_t)cols * 4 != t->bytes) {
        fprintf(stderr, "tgpu viz: --tensor: %s does not hold exactly %dx%d f32 values (%llu bytes; it has %u)\n", name, rows, cols,
                (unsigned long long)rows * (unsigned long long)cols * 4, t->bytes);
        return -1;
    }
    t->rows = rows;
    t->cols = cols;
    return i;
}

static int parse_u64(const char *s, unsigned long long *v)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return errno || end == s || *end || *s == '-' ? -1 : 0;
}

static int is_tgtrace(const char *p)
{
    const char *dot = p ? strrchr(p, '.') : NULL;
    return dot && !strcmp(dot, ".tgtrace");
}

int tg_cmd_viz(int argc, char **argv)
{
    const char *png = NULL, *tensor = NULL, *path = NULL, *save = NULL;
    unsigned long long at = 0, core = 0, frames = 0, view0 = 0, view1 = 0;
    int width = 1280, height = 720, nrun = 0;
    char **rargv = calloc((size_t)argc + 3, sizeof *rargv);
    if (!rargv) { fprintf(stderr, "tgpu viz: out of memory\n"); return 2; }
    int rargc = 0, rc = 2;
    rargv[rargc++] = "run";
    tg_viz_rec rec;
    memset(&rec, 0, sizeof rec);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); free(rargv); return 0; }
        int ours = !strcmp(a, "--screenshot") || !strcmp(a, "--at-cycle") || !strcmp(a, "--core") || !strcmp(a, "--size") ||
                   !strcmp(a, "--frames") || !strcmp(a, "--tensor") || !strcmp(a, "--view") || (!strcmp(a, "--trace") && is_tgtrace(v));
        if (ours && !v) { fprintf(stderr, "tgpu viz: %s needs a value\n", a); goto out; }
        if (!strcmp(a, "--screenshot")) png = v;
        else if (!strcmp(a, "--at-cycle")) { if (parse_u64(v, &at)) { fprintf(stderr, "tgpu viz: bad --at-cycle '%s'\n", v); goto out; } }
        else if (!strcmp(a, "--core")) { if (parse_u64(v, &core)) { fprintf(stderr, "tgpu viz: bad --core '%s'\n", v); goto out; } }
        else if (!strcmp(a, "--tensor")) tensor = v;
        else if (!strcmp(a, "--view")) {
            if (sscanf(v, "%llu:%llu", &view0, &view1) != 2 || view1 <= view0 || strchr(v, '-')) {
                fprintf(stderr, "tgpu viz: bad --view '%s' (C0:C1, C0 < C1)\n", v);
                goto out;
            }
        }
        else if (!strcmp(a, "--trace") && is_tgtrace(v)) save = v;
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
            /* one of tgpu run's */
            rargv[rargc++] = argv[i];
            if (a[0] != '-') { if (!path) path = a; continue; }
            nrun++;
            if (!strcmp(a, "--stats") || !strcmp(a, "--no-lockstep")) continue;
            if (v) rargv[rargc++] = argv[i + 1];
        }
        i++;
    }
    rargv[rargc++] = "--mode";
    rargv[rargc++] = "cycle";
    if (!path) { usage(stderr); goto out; }

    char err[512];
    if (is_tgtrace(path)) {   /* a replay: the recording holds everything the run would give */
        if (nrun || rargc != 4 || save) {
            fprintf(stderr, "tgpu viz: %s is a recording: run options (and --trace) do not apply to it\n", path);
            goto out;
        }
        if (tg_viz_trace_load(&rec, path, err, sizeof err)) { fprintf(stderr, "tgpu viz: %s\n", err); goto out; }
        rc = 0;
    } else {
        tg_run_observer obs = tg_viz_rec_observer(&rec);
        rc = tg_run_main(rargc, rargv, &obs);
        if (rc == 0 && save && tg_viz_trace_write(&rec, save, err, sizeof err)) { fprintf(stderr, "tgpu viz: %s\n", err); rc = 2; }
    }
    if (rc == 0 && core >= (unsigned long long)rec.nsms) {
        fprintf(stderr, "tgpu viz: --core %llu: preset %s has %d cores\n", core, rec.preset, rec.nsms);
        rc = 2;
    }
    int buf = rec.nbufs ? 0 : -1;
    if (rc == 0 && tensor && (buf = pick_tensor(&rec, tensor)) < 0) rc = 2;
    if (rc == 0 && tg_viz_show(&rec, buf, png, at, width, height, (int)core, (int)frames, view0, view1)) rc = 1;
    tg_viz_rec_free(&rec);
out:
    free(rargv);
    return rc;
}
