/* core.h: the functional core's internal state, shared by the files of sim/ and by the cycle-level timing
 * model: the predecoded program, blocks, warps, and the one call that executes exactly one
 * warp-instruction (tg_warp_step). The timing model decides WHEN a warp issues; tg_warp_step
 * decides WHAT happens and reports it (tg_step_info) so the model can charge the right latency. */
#ifndef TG_SIM_CORE_H
#define TG_SIM_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "isa/isa.h"
#include "sim/sim.h"

#define TG_MAX_LANES 32
#define TG_NUM_BARRIERS 16

/* One instruction, decoded once per launch. Register fields are row numbers in the warp's register
 * file: rz reads the zero row and writes the sink row, so no lane loop tests for rz. */
typedef struct tg_pinst {
    uint8_t op, format, latency;
    uint8_t guard;           /* predicate 0..7 */
    bool guard_neg, bimm;
    uint8_t mod;
    uint16_t ext;
    uint16_t rd_w, rd_r, ra, rb, rc;  /* rows: rd as destination / as source; sources */
    uint8_t rd_num, ra_num;  /* the raw fields (predicate numbers, special-register id) */
    uint8_t rb_num;
    uint32_t imm;
    const char *illegal;     /* non-NULL: executing this faults with this reason */
} tg_pinst;

typedef struct tg_warp {
    unsigned id;                    /* warp index in the block */
    uint32_t exists;                /* lanes that hold a thread (the last warp may be partial) */
    uint32_t live;                  /* lanes that have not exited */
    uint32_t waiting;               /* lanes blocked at a barrier */
    uint8_t bar_of[TG_MAX_LANES];   /* barrier id a waiting lane waits on */
    uint32_t pc[TG_MAX_LANES];      /* per-lane program counters (instruction index) */
    uint32_t same_pc;               /* when same_mask == live & ~waiting: all those lanes are at this pc */
    uint32_t same_mask;             /* 0: unknown, recompute the minimum pc */
    uint32_t pred[8];               /* predicate p -> lane mask; pred[7] = all lanes (pt) */
    uint32_t *regs;                 /* rows of warp_size values: nregs rows, zero row, sink row */
    uint64_t issued;                /* warp-instructions issued */
} tg_warp;

typedef struct tg_barrier {
    uint32_t waiting;               /* threads waiting on it */
    uint32_t expected;              /* thread count named by the first arrival; 0 = all live */
} tg_barrier;

typedef struct tg_sim_mem tg_sim_mem;

typedef struct tg_block {
    struct tg_sim *sim;
    const tg_kernel *k;
    const tg_pinst *code;           /* indexed by pc - k->entry */
    tg_dim3 idx, dim, grid;
    unsigned warp_size, nwarps, nthreads, nregs;
    unsigned smid, nsms;
    tg_warp *warps;
    uint8_t *shared;
    uint32_t shared_bytes;
    uint8_t *local;                 /* nthreads x local_bytes */
    uint32_t local_bytes;
    const uint8_t *params;
    uint32_t param_bytes;
    uint32_t live_threads;
    tg_barrier bar[TG_NUM_BARRIERS];
    uint64_t *clock;                /* instructions issued on this block's core, for %clock */
    uint64_t warp_instrs, thread_instrs;   /* issued by this block (thread: executing lanes) */
    tg_fault *fault;                /* filled on the first fault */
} tg_block;

/* What one tg_warp_step did. */
typedef struct tg_step_info {
    uint32_t pc;
    uint8_t op, latency;            /* opcode, enum tg_latency */
    uint32_t active;                /* lanes at the issued pc */
    uint32_t exec;                  /* active lanes whose guard held */
    int space;                      /* memory ops: enum tg_space, else TG_SPACE_NONE */
    unsigned bytes;                 /* memory ops: bytes per lane */
    uint32_t addr[TG_MAX_LANES];    /* memory ops: per-lane address (exec lanes) */
    bool barrier;                   /* lanes started waiting at a barrier */
} tg_step_info;

enum { TG_STEP_OK = 0, TG_STEP_FAULT = -1, TG_STEP_IDLE = 1 };

/* Executes the next warp-instruction of w: the smallest pc among its runnable lanes (live, not
 * waiting), with those lanes active. Returns TG_STEP_OK, TG_STEP_IDLE (no runnable lane: all
 * exited or waiting; nothing done), or TG_STEP_FAULT (b->fault filled). info may be NULL. */
int tg_warp_step(tg_block *b, tg_warp *w, tg_step_info *info);

/* Releases barriers whose conditions hold (after arrivals or exits). Returns TG_STEP_FAULT on a
 * divergent barrier. */
int tg_block_release_barriers(tg_block *b);

/* Checks a launch against the device's limits (fills *fault, TG_FAULT_BAD_LAUNCH, and returns -1
 * when it does not fit) and gives the block's total shared bytes. */
int tg_launch_check(const struct tg_sim *s, const tg_launch *l, tg_fault *fault, uint32_t *shared_bytes);
/* Decodes the kernel's instructions once: code[pc - k->entry] for every pc of k. */
void tg_predecode(const tg_module *m, const tg_kernel *k, tg_pinst *code);

/* Sets up block `linear` of a launch (warps, registers, shared and local memory) into b, whose
 * sim/k/code/dim/grid/params fields the caller filled. Returns 0 or -1 (out of memory). */
int tg_block_init(tg_block *b, uint32_t linear);
void tg_block_free(tg_block *b);

/* Fills a fault record (kernel, block, warp, lane, pc, space, address) and returns TG_STEP_FAULT. */
int tg_block_fault(tg_block *b, const tg_warp *w, int lane, uint32_t pc, int kind, int space,
                   uint32_t addr, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* Global memory (sim/memory.c). */
struct tg_sim {
    tg_sim_config cfg;
    uint8_t *mem;                  /* global_bytes */
    uint8_t *valid;                /* bit per 4-byte granule inside a live allocation */
    struct tg_alloc { uint32_t addr, size; } *allocs;
    unsigned nallocs, cap_allocs;
    uint64_t clock;                /* functional-mode %clock source */
    struct tg_timing *timing;      /* cycle mode: the timing model (sim/timing.c), else NULL */
};

/* The cycle-level timing model (sim/timing.c). */
struct tg_timing *tg_timing_create(const tg_sim_config *c, char *err, size_t errlen);
void tg_timing_destroy(struct tg_timing *t);
/* Runs a checked, predecoded launch cycle by cycle; returns 0 or -1 with *fault filled. */
int tg_timing_run(struct tg_sim *s, const tg_launch *l, const tg_pinst *code, uint32_t shared_bytes,
                  tg_fault *fault, tg_run_stats *stats);
/* Runs one block's warps until all exit (functional mode's block loop, shared with the timing
 * model for its deadlock report). */
int tg_block_deadlock(tg_block *b);

/* True when [addr, addr+n) lies inside live allocations (n >= 1). */
bool tg_mem_valid(const struct tg_sim *s, uint32_t addr, uint32_t n);
/* The allocation nearest to addr, for fault details ("" if none). */
void tg_mem_describe(const struct tg_sim *s, uint32_t addr, char *buf, unsigned n);

/* Instruction semantics by class (sim/exec_*.c); each applies pi to the exec lanes of w. */
int tg_exec_int(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t exec);
int tg_exec_float(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t exec);
int tg_exec_sfu(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t exec);
int tg_exec_mem(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t pc, uint32_t exec, tg_step_info *info);
int tg_exec_warp(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t exec);

/* SFU functions on raw f32 bits, bit-exact as docs/isa-semantics.md defines them. */
uint32_t tg_sfu_rcp(uint32_t x);
uint32_t tg_sfu_rsq(uint32_t x);
uint32_t tg_sfu_ex2(uint32_t x);
uint32_t tg_sfu_lg2(uint32_t x);
uint32_t tg_sfu_sin(uint32_t x);
uint32_t tg_sfu_cos(uint32_t x);
uint32_t tg_sfu_tanh(uint32_t x);

/* Register rows of a warp. */
static inline uint32_t *tg_row(tg_block *b, tg_warp *w, unsigned row) { return w->regs + (size_t)row * b->warp_size; }

#define TG_FOR_LANES(mask, lane) \
    for (uint32_t m_ = (mask), lane; m_ && ((lane = (uint32_t)__builtin_ctz(m_)), 1); m_ &= m_ - 1)

#endif
