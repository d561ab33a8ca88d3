/* sim.h: libtgsim's public API: a simulated TG32 device (global memory, kernel launch, faults,
 * statistics). The functional core (exact semantics, SIMT reconvergence, barriers, atomics) is in
 * sim/core*.c; the cycle-level timing model that drives it (issue 3) plugs in behind the same API.
 *
 * Device addresses are 32-bit; address 0 is never valid, so a null pointer faults. */
#ifndef TG_SIM_H
#define TG_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa/tgbin.h"
#include "sim/timing.h"

typedef struct tg_dim3 { uint32_t x, y, z; } tg_dim3;

/* The index whose linear number in extent d, x fastest, is `linear` (blockIdx from a block number). */
static inline tg_dim3 tg_dim3_of_linear(tg_dim3 d, uint32_t linear)
{
    return (tg_dim3){ linear % d.x, linear / d.x % d.y, linear / (d.x * d.y) };
}

typedef struct tg_sim_config {
    unsigned warp_size;              /* lanes per warp, 1..32 (default 32) */
    unsigned num_sms;                /* cores; blocks are spread over them (default 4) */
    uint32_t global_bytes;           /* size of global memory (default 256 MiB) */
    uint32_t max_shared_per_block;   /* bytes (default 48 KiB) */
    unsigned max_threads_per_block;  /* default 1024 */
    uint64_t watchdog;               /* max warp-instructions per launch; 0 = no limit */
    int cycle_mode;                  /* 0: functional; 1: cycle-level timing model */
    const char *timing_preset;       /* cycle mode: preset name (sim/presets/) or file; NULL: default */
} tg_sim_config;

void tg_sim_config_default(tg_sim_config *c);

enum tg_fault_kind {
    TG_FAULT_NONE,
    TG_FAULT_OOB,               /* access outside an allocation / the space's size */
    TG_FAULT_MISALIGNED,        /* address not a multiple of the access width */
    TG_FAULT_ILLEGAL,           /* word that does not decode, or pc outside the kernel */
    TG_FAULT_BARRIER_DEADLOCK,  /* threads wait at a barrier that can never release */
    TG_FAULT_DIVERGENT_BARRIER, /* one barrier released with its threads at different pcs */
    TG_FAULT_WATCHDOG,          /* instruction budget exhausted (runaway loop) */
    TG_FAULT_BAD_LAUNCH,        /* grid/block/resources invalid; no code ran */
    TG_NUM_FAULT_KINDS
};

enum tg_space { TG_SPACE_NONE, TG_SPACE_GLOBAL, TG_SPACE_SHARED, TG_SPACE_LOCAL, TG_SPACE_PARAM };

typedef struct tg_fault {
    int      kind;           /* enum tg_fault_kind */
    char     kernel[TG_NAME_MAX];
    tg_dim3  block;          /* blockIdx of the faulting thread */
    unsigned warp, lane;     /* warp within the block, lane within the warp */
    uint32_t pc;             /* instruction index */
    int      space;          /* enum tg_space, for memory faults */
    uint32_t address;        /* for memory faults */
    char     detail[256];    /* e.g. "ldg.b32 of 4 bytes; nearest allocation 0x1000..0x1fff" */
} tg_fault;

/* One line: "fault: out-of-bounds global load: kernel vecadd block (3,0,0) warp 1 lane 7
 * pc 12 address 0x00100ffc: <detail>". Returns the length. */
int tg_fault_format(const tg_fault *f, char *buf, size_t n);
const char *tg_fault_kind_name(int kind);

typedef struct tg_run_stats {
    uint64_t warp_instrs;    /* warp-instructions issued */
    uint64_t thread_instrs;  /* sum over issued instructions of active lanes */
    uint64_t cycles;         /* cycle mode only (0 in functional mode) */
} tg_run_stats;

typedef struct tg_launch {
    const tg_module *module;
    const tg_kernel *kernel;
    tg_dim3 grid, block;
    const void *params;      /* parameter block, kernel->param_bytes long */
    uint32_t param_bytes;
    uint32_t dynamic_shared; /* extra shared bytes after the static ones */
} tg_launch;

typedef struct tg_sim tg_sim;

tg_sim *tg_sim_create(const tg_sim_config *c);
/* The same, with the reason for a failure (bad preset file, bad configuration) in err. In cycle
 * mode the preset's SM count and warp size replace the config's. */
tg_sim *tg_sim_create_ex(const tg_sim_config *c, char *err, size_t errlen);
/* Cycle mode: statistics summed over every launch so far (0), or -1 in functional mode. */
int tg_sim_timing_stats(const tg_sim *s, tg_timing_stats *out);
/* Cycle mode: the configuration in use, or NULL. */
const tg_timing_config *tg_sim_timing_config(const tg_sim *s);
/* Cycle mode: write a trace of every issued warp-instruction to f in the given format until
 * tg_sim_trace_end (formats: TG_TRACE_TEXT per-cycle lines, TG_TRACE_JSON Chrome trace events for
 * Perfetto, TG_TRACE_VCD for GTKWave). Filters: sm/warp >= 0 keeps only that core/warp (text). */
enum tg_trace_format { TG_TRACE_TEXT, TG_TRACE_JSON, TG_TRACE_VCD };
int tg_sim_trace_begin(tg_sim *s, FILE *f, int format, int sm, int warp);
void tg_sim_trace_end(tg_sim *s);
/* Cycle mode: observers of the cycle loop (timing.h), copied; NULL removes them. -1 in functional
 * mode. */
int tg_sim_set_timing_hooks(tg_sim *s, const tg_timing_hooks *h);
void tg_sim_destroy(tg_sim *s);

/* Global memory allocation: 256-byte aligned; returns 0 when out of memory. Accesses outside live
 * allocations fault as out-of-bounds. */
uint32_t tg_sim_alloc(tg_sim *s, uint32_t bytes);
void tg_sim_free(tg_sim *s, uint32_t addr);
/* Host <-> device copies; -1 if the range is not inside one allocation. */
int tg_sim_write(tg_sim *s, uint32_t addr, const void *src, size_t n);
int tg_sim_read(tg_sim *s, uint32_t addr, void *dst, size_t n);

/* Runs a kernel to completion. Returns 0, or -1 with *fault filled (the launch stops at the first
 * fault; memory written before it stays written). stats may be NULL. */
int tg_sim_launch(tg_sim *s, const tg_launch *l, tg_run_stats *stats, tg_fault *fault);

#endif
