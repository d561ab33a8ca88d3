/* timing.h: the cycle-level timing model's configuration (loaded from preset files, see
 * sim/presets/) and its statistics. The model itself is sim/timing.c; it drives the functional core
 * (sim/core.h) and decides when each warp issues, while the core decides what each instruction does,
 * so results are identical to functional mode and only the clock differs. */
#ifndef TG_TIMING_H
#define TG_TIMING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum tg_sched_policy { TG_SCHED_LRR, TG_SCHED_GTO, TG_SCHED_TWO_LEVEL };

typedef struct tg_cache_config {
    uint32_t size, assoc, line;       /* bytes, ways, bytes */
    uint32_t latency;                 /* cycles on a hit */
    uint32_t mshrs;                   /* outstanding misses (L1) */
} tg_cache_config;

typedef struct tg_timing_config {
    char name[64];
    /* cores and occupancy limits */
    uint32_t num_sms, warp_size;
    uint32_t max_warps_per_sm, max_blocks_per_sm, max_threads_per_sm;
    uint32_t regs_per_sm, shared_per_sm;
    /* issue */
    uint32_t schedulers_per_sm;
    int policy;                       /* enum tg_sched_policy */
    uint32_t two_level_active;        /* warps in the active set of the two-level scheduler */
    uint32_t rf_banks;                /* register-file banks; same-bank source operands serialize */
    /* per latency class (isa.h TG_LAT_*): result latency and cycles between issues on that pipe */
    uint32_t latency[10], interval[10];
    /* memory */
    tg_cache_config icache, l1, l2;   /* l2.size is the total over slices */
    uint32_t l2_slices;
    uint32_t shared_banks, shared_latency;
    uint32_t param_latency, local_latency;
    uint32_t icnt_latency;            /* SM <-> L2 slice, each way */
    uint32_t dram_channels, dram_banks, dram_row_bytes;
    uint32_t dram_tRCD, dram_tRP, dram_CL;    /* in core cycles */
    uint32_t dram_burst_bytes, dram_burst_cycles;   /* bytes one burst moves per channel, its cycles */
} tg_timing_config;

/* Loads a preset by name (sim/presets/NAME.cfg) or a file path. Unknown keys and bad values are
 * errors "file:line: ...". Returns 0 or -1 with err set. */
int tg_timing_config_load(tg_timing_config *c, const char *name_or_path, char *err, size_t errlen);
void tg_timing_config_default(tg_timing_config *c);

enum tg_stall {
    TG_ST_ISSUED,      /* the warp issued this cycle */
    TG_ST_SCOREBOARD,  /* waiting for an ALU/SFU result */
    TG_ST_MEMORY,      /* waiting for a load */
    TG_ST_BARRIER,     /* waiting at a barrier */
    TG_ST_PIPE,        /* ready, but its pipeline or the scheduler was busy */
    TG_ST_FETCH,       /* waiting for an instruction-cache fill */
    TG_NUM_STALLS
};

typedef struct tg_timing_stats {
    uint64_t cycles;                  /* summed over launches */
    uint64_t warp_instrs, thread_instrs;
    uint64_t warp_cycles[TG_NUM_STALLS];   /* resident-warp cycles by state */
    uint64_t resident_warp_cycles, sm_cycles; /* for achieved occupancy */
    uint64_t max_warps;               /* config: warps per SM */
    uint64_t icache_hits, icache_misses;
    uint64_t l1_hits, l1_misses, l2_hits, l2_misses;
    uint64_t gmem_instrs, gmem_lines, gmem_bytes_used;  /* coalescing */
    uint64_t line_bytes;
    uint64_t shared_instrs, shared_extra_cycles;        /* bank conflicts */
    uint64_t dram_reads, dram_writes, dram_row_hits, dram_bytes;
    uint32_t launches;
} tg_timing_stats;

/* Observers of the cycle loop (tgpu viz records warp timelines with them). Each callback may be
 * NULL; with none set the loop does no extra work. Cycles count over launches, like traces. */
enum tg_mem_event {
    TG_MEV_L1_HIT, TG_MEV_L1_MISS,    /* one coalesced global-load line at the L1 */
    TG_MEV_L2_HIT, TG_MEV_L2_MISS,    /* one line at its L2 slice (loads, stores, atomics) */
    TG_MEV_SHARED,                    /* one shared-memory access (all its passes) */
    TG_NUM_MEM_EVENTS
};

typedef struct tg_timing_hooks {
    void *ctx;
    /* a resident warp's state (enum tg_stall) in the cycle being simulated */
    void (*warp_state)(void *ctx, int sm, int slot, int state);
    /* the states reported since the previous call hold for cycles [cycle, cycle + n) */
    void (*advance)(void *ctx, uint64_t cycle, uint64_t n);
    /* one memory request issued at cycle by core sm */
    void (*mem)(void *ctx, uint64_t cycle, int sm, int event);
    /* one DRAM request whose command starts at cycle in bank (channel * dram_banks + bank); row_hit 0
     * means the bank activated (opened) a row for it */
    void (*dram)(void *ctx, uint64_t cycle, int bank, int row_hit, int is_write);
} tg_timing_hooks;

void tg_timing_stats_print(const tg_timing_stats *s, FILE *f);
void tg_timing_stats_json(const tg_timing_stats *s, FILE *f);

#endif
