/* device.h: the device layer: one C API (alloc, free, copies, launch a kernel by name with
 * grid/block/args, synchronize, per-kernel timers) over four backends:
 *   cpu   the plain-C reference of every kernel (runtime/cpu_kernels.h), launched by name
 *   sim   kernels/NAME.cu compiled through PTX to TG32 and run on libtgsim (func or cycle mode)
 *   rtl   the same TG32 kernels on the Verilated RTL (small models)
 *   cuda  the same .cu built by nvcc, on a real NVIDIA GPU (make CUDA=1)
 * The LLM runtime calls nothing else to compute: that is what lets `tgpu diff` compare backends. */
#ifndef TG_DEVICE_H
#define TG_DEVICE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum tg_backend { TG_BACKEND_CPU, TG_BACKEND_SIM, TG_BACKEND_RTL, TG_BACKEND_CUDA, TG_NUM_BACKENDS };

typedef uint64_t tg_dptr;  /* device address: a host pointer on cpu, a 32-bit address on sim/rtl */

typedef struct tg_dev_options {
    int backend;             /* enum tg_backend */
    int cycle_mode;          /* sim: 0 functional, 1 cycle-level */
    const char *sim_config;  /* sim: preset name or file (NULL: default) */
    const char *kernel_dir;  /* sim/rtl: folder of compiled kernels (NULL: next to the tgpu binary) */
    int threads;             /* cpu: worker threads */
    int fast_dot;            /* cpu: quantized matvecs round x to 8 bits first and use integer dots
                                (as llama.cpp's CPU backend); off = f32 activations, like the GPU kernels */
} tg_dev_options;

enum tg_arg_kind { TG_ARG_PTR, TG_ARG_U32, TG_ARG_I32, TG_ARG_F32 };
typedef struct tg_dev_arg {
    int kind;                /* enum tg_arg_kind */
    union { tg_dptr p; uint32_t u; int32_t i; float f; } v;
} tg_dev_arg;

static inline tg_dev_arg tg_arg_ptr(tg_dptr p) { tg_dev_arg a = { TG_ARG_PTR, { .p = p } }; return a; }
static inline tg_dev_arg tg_arg_u32(uint32_t u) { tg_dev_arg a = { TG_ARG_U32, { .u = u } }; return a; }
static inline tg_dev_arg tg_arg_i32(int32_t i) { tg_dev_arg a = { TG_ARG_I32, { .i = i } }; return a; }
static inline tg_dev_arg tg_arg_f32(float f) { tg_dev_arg a = { TG_ARG_F32, { .f = f } }; return a; }

typedef struct tg_dev_dim { uint32_t x, y, z; } tg_dev_dim;

/* Per-kernel accounting, summed over launches. */
typedef struct tg_dev_kernel_stats {
    char name[64];
    uint64_t launches;
    double seconds;          /* host wall time of the launches */
    uint64_t cycles;         /* sim cycle mode / rtl */
    uint64_t thread_instrs;  /* sim/rtl */
} tg_dev_kernel_stats;

typedef struct tg_dev tg_dev;

tg_dev *tg_dev_open(const tg_dev_options *o, char *err, size_t errlen);
void tg_dev_close(tg_dev *d);
const char *tg_backend_name(int backend);
const char *tg_dev_backend_of(const tg_dev *d);   /* "cpu", "sim", ... */
int tg_backend_parse(const char *name);   /* -1 if unknown */

tg_dptr tg_dev_alloc(tg_dev *d, size_t bytes);   /* 0 on failure */
void tg_dev_free(tg_dev *d, tg_dptr p);
int tg_dev_upload(tg_dev *d, tg_dptr dst, const void *src, size_t n);
/* Read-only host data (weights) made visible to kernels: the cpu backend aliases it without a copy,
 * the others allocate and upload. Imported memory lives until tg_dev_close. 0 on failure. */
tg_dptr tg_dev_import(tg_dev *d, const void *host, size_t n);
int tg_dev_download(tg_dev *d, void *dst, tg_dptr src, size_t n);

/* Launches kernel `name` (a __global__ function of kernels/NAME.cu) and waits for it. Returns 0, or
 * -1 with the reason (fault report, unknown kernel, bad args) in tg_dev_error(d). */
int tg_dev_launch(tg_dev *d, const char *name, tg_dev_dim grid, tg_dev_dim block,
                  const tg_dev_arg *args, int nargs);
const char *tg_dev_error(const tg_dev *d);

/* Brackets a run of launches that repeats with the same shape from call to call (one decode step):
 * a backend may record it and replay it as one unit (cuda: a CUDA graph, updated in place when only
 * kernel arguments changed), the others run each launch as it comes. No upload or download between
 * begin and end. tg_dev_graph_end runs what was recorded; `ok` 0 (a launch failed) discards it.
 * Returns 0, or -1 with the reason in tg_dev_error(d). */
int tg_dev_graph_begin(tg_dev *d);
int tg_dev_graph_end(tg_dev *d, int ok);

int tg_dev_kernel_stats_get(const tg_dev *d, tg_dev_kernel_stats *out, int max); /* returns count */
/* Prints what the backend measured beyond per-kernel time (the simulator's cycle-level statistics:
 * IPC, stalls, occupancy, cache hit rates, coalescing, DRAM); nothing for backends without any. */
void tg_dev_report(tg_dev *d, FILE *f);

#endif
