/* device_backend.h: what a device-layer backend implements (internal to runtime/device*.c).
 * device.c owns argument checking, error text and per-kernel accounting; a backend only moves
 * bytes and runs kernels. */
#ifndef TG_DEVICE_BACKEND_H
#define TG_DEVICE_BACKEND_H

#include <stdio.h>

#include "runtime/device.h"

typedef struct tg_dev_backend {
    const char *name;
    int (*open)(tg_dev *d, const tg_dev_options *o);
    void (*close)(tg_dev *d);
    tg_dptr (*alloc)(tg_dev *d, size_t bytes);
    void (*free)(tg_dev *d, tg_dptr p);
    int (*upload)(tg_dev *d, tg_dptr dst, const void *src, size_t n);
    int (*download)(tg_dev *d, void *dst, tg_dptr src, size_t n);
    tg_dptr (*import)(tg_dev *d, const void *host, size_t n);   /* NULL: alloc + upload */
    /* Runs one kernel to completion; adds cycles/thread_instrs to *acc. */
    int (*launch)(tg_dev *d, const char *name, tg_dev_dim grid, tg_dev_dim block,
                  const tg_dev_arg *args, int nargs, tg_dev_kernel_stats *acc);
    void (*report)(tg_dev *d, FILE *f);   /* backend-specific statistics; may be NULL */
    int (*graph_begin)(tg_dev *d);          /* may be NULL: launches then run as they come */
    int (*graph_end)(tg_dev *d, int ok);
} tg_dev_backend;

#define TG_DEV_MAX_KERNELS 64

struct tg_dev {
    const tg_dev_backend *be;
    void *impl;                               /* the backend's state */
    char error[512];
    int nstats;
    tg_dev_kernel_stats stats[TG_DEV_MAX_KERNELS];
};

/* Sets d->error (printf-style) and returns -1, for one-line error paths. */
int tg_dev_fail(tg_dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

extern const tg_dev_backend tg_dev_backend_cpu;
extern const tg_dev_backend tg_dev_backend_sim;
extern const tg_dev_backend tg_dev_backend_rtl;
extern const tg_dev_backend tg_dev_backend_cuda;

#endif
