/* device.c: the backend-independent half of the device layer: backend selection, error text and
 * per-kernel timing. Every launch of every backend passes through tg_dev_launch, so the per-kernel
 * table is the one place where "time share per kernel" comes from. */
#include "runtime/device_backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const backend_names[TG_NUM_BACKENDS] = { "cpu", "sim", "rtl", "cuda" };

const char *tg_backend_name(int backend)
{
    return backend >= 0 && backend < TG_NUM_BACKENDS ? backend_names[backend] : "?";
}

const char *tg_dev_backend_of(const tg_dev *d) { return d->be->name; }

int tg_backend_parse(const char *name)
{
    for (int i = 0; i < TG_NUM_BACKENDS; i++)
        if (!strcmp(name, backend_names[i])) return i;
    return -1;
}

int tg_dev_fail(tg_dev *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->error, sizeof d->error, fmt, ap);
    va_end(ap);
    return -1;
}

tg_dev *tg_dev_open(const tg_dev_options *o, char *err, size_t errlen)
{
    const tg_dev_backend *be = NULL;
    switch (o->backend) {
    case TG_BACKEND_CPU: be = &tg_dev_backend_cpu; break;
    case TG_BACKEND_SIM: be = &tg_dev_backend_sim; break;
    case TG_BACKEND_RTL: be = &tg_dev_backend_rtl; break;
    case TG_BACKEND_CUDA: be = &tg_dev_backend_cuda; break;
    default:
        snprintf(err, errlen, "backend '%s' is not built into this tgpu", tg_backend_name(o->backend));
        return NULL;
    }
    tg_dev *d = calloc(1, sizeof *d);
    if (!d) { snprintf(err, errlen, "out of memory"); return NULL; }
    d->be = be;
    if (be->open(d, o) != 0) {
        snprintf(err, errlen, "%s backend: %s", be->name, d->error);
        if (be->close) be->close(d);
        free(d);
        return NULL;
    }
    return d;
}

void tg_dev_close(tg_dev *d)
{
    if (!d) return;
    d->be->close(d);
    free(d);
}

tg_dptr tg_dev_alloc(tg_dev *d, size_t bytes) { return d->be->alloc(d, bytes); }
void tg_dev_free(tg_dev *d, tg_dptr p) { if (p) d->be->free(d, p); }

int tg_dev_upload(tg_dev *d, tg_dptr dst, const void *src, size_t n)
{
    return d->be->upload(d, dst, src, n);
}

int tg_dev_download(tg_dev *d, void *dst, tg_dptr src, size_t n)
{
    return d->be->download(d, dst, src, n);
}

tg_dptr tg_dev_import(tg_dev *d, const void *host, size_t n)
{
    if (d->be->import) return d->be->import(d, host, n);
    tg_dptr p = d->be->alloc(d, n);
    if (p && d->be->upload(d, p, host, n) != 0) { d->be->free(d, p); return 0; }
    return p;
}

const char *tg_dev_error(const tg_dev *d) { return d->error; }

static tg_dev_kernel_stats *stats_slot(tg_dev *d, const char *name)
{
    for (int i = 0; i < d->nstats; i++)
        if (!strcmp(d->stats[i].name, name)) return &d->stats[i];
    if (d->nstats == TG_DEV_MAX_KERNELS) return NULL;
    tg_dev_kernel_stats *s = &d->stats[d->nstats++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int tg_dev_launch(tg_dev *d, const char *name, tg_dev_dim grid, tg_dev_dim block,
                  const tg_dev_arg *args, int nargs)
{
    tg_dev_kernel_stats scratch, *s = stats_slot(d, name);
    if (!s) { memset(&scratch, 0, sizeof scratch); s = &scratch; }
    double t0 = now_seconds();
    int rc = d->be->launch(d, name, grid, block, args, nargs, s);
    s->seconds += now_seconds() - t0;
    s->launches++;
    return rc;
}

int tg_dev_graph_begin(tg_dev *d) { return d->be->graph_begin ? d->be->graph_begin(d) : 0; }
int tg_dev_graph_end(tg_dev *d, int ok) { return d->be->graph_end ? d->be->graph_end(d, ok) : 0; }

void tg_dev_report(tg_dev *d, FILE *f)
{
    if (d->be->report) d->be->report(d, f);
}

int tg_dev_kernel_stats_get(const tg_dev *d, tg_dev_kernel_stats *out, int max)
{
    int n = d->nstats < max ? d->nstats : max;
    memcpy(out, d->stats, (size_t)n * sizeof *out);
    return n;
}
