/* device_sim.c: the `sim` backend: kernels/NAME.cu, compiled through nvcc -ptx and the PTX front-end
 * into .tgbin images (the build puts them in $(BUILD)/kernels/), run on libtgsim. Device pointers
 * are the simulator's 32-bit global addresses. The `rtl` backend is the same with launches sent
 * to the Verilated RTL in lockstep with the simulator (rtl/harness/rtl_run.h), whose memory stays
 * the one copy. */
#include "runtime/device_backend.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TG_RTL_RUN_WEAK   /* linked only into builds that have Verilator */
#include "rtl/harness/rtl_run.h"
#include "sim/sim.h"

#define MAX_MODULES 32

typedef struct sim_backend {
    tg_sim *sim;
    int rtl;                 /* launches run on the RTL */
    int lockstep;
    int nmodules;
    tg_module modules[MAX_MODULES];
} sim_backend;

static int load_kernels(tg_dev *d, sim_backend *b, const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp) return tg_dev_fail(d, "%s: cannot open the kernel folder (run make first)", dir);
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(dp)) && rc == 0) {
        if (!tg_path_has_suffix(e->d_name, ".tgbin")) continue;
        if (b->nmodules == MAX_MODULES) { rc = tg_dev_fail(d, "%s: more than %d kernel images", dir, MAX_MODULES); break; }
        char path[1024], err[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (tg_module_read(&b->modules[b->nmodules], path, err, sizeof err) != 0)
            rc = tg_dev_fail(d, "%s", err);
        else
            b->nmodules++;
    }
    closedir(dp);
    if (rc == 0 && b->nmodules == 0) return tg_dev_fail(d, "%s: no .tgbin kernel images", dir);
    return rc;
}

static int open_backend(tg_dev *d, const tg_dev_options *o, int rtl)
{
    sim_backend *b = calloc(1, sizeof *b);
    if (!b) return tg_dev_fail(d, "out of memory");
    d->impl = b;
    tg_sim_config c;
    tg_sim_config_default(&c);
    if (rtl) {
        if (!tg_rtl_run_launch) return tg_dev_fail(d, "this build has no RTL (install verilator, then make clean all)");
        if (o->cycle_mode) return tg_dev_fail(d, "the rtl backend counts the RTL's own cycles: cycle mode is the sim backend's");
        tg_rtl_sim_config(&c);
        b->rtl = 1;
        const char *env = getenv("TGPU_RTL_LOCKSTEP");
        b->lockstep = !env || strcmp(env, "0");
    }
    c.cycle_mode = o->cycle_mode;
    c.timing_preset = o->sim_config;
    c.watchdog = 20000000000ull;   /* a runaway kernel stops instead of hanging the model */
    char err[256];
    b->sim = tg_sim_create_ex(&c, err, sizeof err);
    if (!b->sim) return tg_dev_fail(d, "%s", err);
    return load_kernels(d, b, o->kernel_dir ? o->kernel_dir : "build/kernels");
}

static int sim_open(tg_dev *d, const tg_dev_options *o) { return open_backend(d, o, 0); }
static int rtl_open(tg_dev *d, const tg_dev_options *o) { return open_backend(d, o, 1); }

static void sim_close(tg_dev *d)
{
    sim_backend *b = d->impl;
    if (!b) return;
    for (int i = 0; i < b->nmodules; i++) tg_module_free(&b->modules[i]);
    if (b->sim) tg_sim_destroy(b->sim);
    free(b);
}

static tg_dptr sim_alloc(tg_dev *d, size_t bytes)
{
    sim_backend *b = d->impl;
    return bytes > UINT32_MAX ? 0 : tg_sim_alloc(b->sim, (uint32_t)bytes);
}

static void sim_free(tg_dev *d, tg_dptr p) { tg_sim_free(((sim_backend *)d->impl)->sim, (uint32_t)p); }

static int sim_upload(tg_dev *d, tg_dptr dst, const void *src, size_t n)
{
    if (tg_sim_write(((sim_backend *)d->impl)->sim, (uint32_t)dst, src, n) != 0)
        return tg_dev_fail(d, "upload of %zu bytes to 0x%llx is outside an allocation", n, (unsigned long long)dst);
    return 0;
}

static int sim_download(tg_dev *d, void *dst, tg_dptr src, size_t n)
{
    if (tg_sim_read(((sim_backend *)d->impl)->sim, (uint32_t)src, dst, n) != 0)
        return tg_dev_fail(d, "download of %zu bytes from 0x%llx is outside an allocation", n, (unsigned long long)src);
    return 0;
}

static int sim_launch(tg_dev *d, const char *name, tg_dev_dim grid, tg_dev_dim block,
                      const tg_dev_arg *args, int nargs, tg_dev_kernel_stats *acc)
{
    sim_backend *b = d->impl;
    const tg_module *m = NULL;
    const tg_kernel *k = NULL;
    for (int i = 0; i < b->nmodules && !k; i++) {
        k = tg_module_kernel(&b->modules[i], name);
        m = &b->modules[i];
    }
    if (!k) return tg_dev_fail(d, "no kernel named '%s' in the compiled kernels", name);
    if ((uint32_t)nargs != k->nparams)
        return tg_dev_fail(d, "kernel %s takes %u parameters, %d given", name, k->nparams, nargs);

    uint8_t params[1024] = {0};
    if (k->param_bytes > sizeof params) return tg_dev_fail(d, "kernel %s: parameter block too large", name);
    for (int i = 0; i < nargs; i++) {
        const tg_param *p = &k->params[i];
        uint64_t v;
        switch (args[i].kind) {
        case TG_ARG_PTR: v = args[i].v.p; break;
        case TG_ARG_U32: v = args[i].v.u; break;
        case TG_ARG_I32: v = (uint32_t)args[i].v.i; break;
        default: { uint32_t bits; memcpy(&bits, &args[i].v.f, 4); v = bits; } break;
        }
        if (args[i].kind != TG_ARG_PTR && p->size != 4)
            return tg_dev_fail(d, "kernel %s parameter %s is %u bytes; a 4-byte scalar was given", name, p->name, p->size);
        memcpy(params + p->offset, &v, p->size);  /* little-endian: low bytes first */
    }
    tg_launch l = { .module = m, .kernel = k,
                    .grid = { grid.x, grid.y, grid.z }, .block = { block.x, block.y, block.z },
                    .params = params, .param_bytes = k->param_bytes };
    tg_run_stats st = {0};
    tg_fault f;
    if (b->rtl) {
        static char report[8192];
        tg_rtl_run_opts ro = { .lockstep = b->lockstep };
        int rc = tg_rtl_run_launch(b->sim, &l, &ro, &st, &f, report, sizeof report);
        if (rc >= TG_RTL_RUN_BAD_SETUP) return tg_dev_fail(d, "kernel %s on the RTL: %.400s", name, report);
        if (rc == TG_RTL_RUN_FAULT) {
            char line[512];
            tg_fault_format(&f, line, sizeof line);
            return tg_dev_fail(d, "%s", line);
        }
    } else if (tg_sim_launch(b->sim, &l, &st, &f) != 0) {
        char line[512];
        tg_fault_format(&f, line, sizeof line);
        return tg_dev_fail(d, "%s", line);
    }
    acc->cycles += st.cycles;
    acc->thread_instrs += st.thread_instrs;
    return 0;
}

static void sim_report(tg_dev *d, FILE *f)
{
    sim_backend *b = d->impl;
    tg_timing_stats ts;
    if (tg_sim_timing_stats(b->sim, &ts) != 0) return;
    fprintf(f, "simulated GPU (preset %s, %u cores), over all %u launches:\n", tg_sim_timing_config(b->sim)->name,
            tg_sim_timing_config(b->sim)->num_sms, ts.launches);
    tg_timing_stats_print(&ts, f);
}

const tg_dev_backend tg_dev_backend_sim = {
    "sim", sim_open, sim_close, sim_alloc, sim_free, sim_upload, sim_download, NULL, sim_launch, sim_report, NULL, NULL,
};

const tg_dev_backend tg_dev_backend_rtl = {
    "rtl", rtl_open, sim_close, sim_alloc, sim_free, sim_upload, sim_download, NULL, sim_launch, NULL, NULL, NULL,
};
