/* dram_model.h: the DRAM behind the L2: channels of banks with open rows and tRCD/tRP/CL timing,
 * a data bus per channel limited to one burst per burst_cycles, and FR-FCFS among the requests that
 * arrive together (row hits first, then oldest). Requests are placed in time as they arrive, so
 * across arrival batches service is first-come first-served. */
#ifndef TG_DRAM_MODEL_H
#define TG_DRAM_MODEL_H

#include <stdint.h>

#include "sim/timing.h"

typedef struct tg_dram_bank { uint64_t open_row; uint64_t ready; } tg_dram_bank;

typedef struct tg_dram {
    const tg_timing_config *cfg;
    tg_dram_bank *banks;       /* channels x banks */
    uint64_t *bus_free;        /* per channel */
    uint64_t reads, writes, row_hits, bytes;
    /* an observer of every request served, or NULL (tgpu viz's DRAM panel): the cycle its command
     * starts on this launch's clock, its bank (channel * banks + bank), whether it hit the open row */
    void (*observe)(void *ctx, uint64_t cycle, uint32_t bank, int row_hit, int is_write);
    void *observe_ctx;
} tg_dram;

int tg_dram_init(tg_dram *d, const tg_timing_config *cfg);
void tg_dram_free(tg_dram *d);
/* A new launch starts its clock at 0: bank and bus timers restart, open rows stay open. */
void tg_dram_new_epoch(tg_dram *d);
/* Serves a batch of n line requests (addresses of whole lines) arriving at cycle t; writes each
 * request's completion cycle to done[i]. */
void tg_dram_batch(tg_dram *d, const uint64_t *lines, const int *is_write, int n, uint64_t t, uint64_t *done);

#endif
