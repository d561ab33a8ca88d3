/* core.h: the simulator's internal state, shared by the sim/ sources (not a public API). Owns the device
 * struct (global memory and its allocation map), the predecoded kernel code, per-block and
 * per-warp execution state, and tg_warp_step, the one-warp-instruction step the functional launch
 * loop and the (future) cycle-level timing model both drive.
 *
 * Layout choices: registers are SoA (regs[row * 32 + lane]) so per-lane loops vectorize;
 * predicates are per-register lane bitmasks; rz reads a zero row and writes to a sink row. */
#ifndef TG_SIM_CORE_H
#define TG_SIM_CORE_H

#include "isa/isa.h"
#include "sim/sim.h"

#define TG_GRANULE_SHIFT 8  /* 256-byte allocation granules */
#define TG_MAX_BARRIERS 16
#define TG_OP_ILLEGAL 0xff  /* predecoded marker: the word did not decode */

struct tg_sim {
    tg_sim_config cfg;
    uint8_t  *mem;          /* global memory, cfg.global_bytes */
    uint32_t  ngranules;
    uint32_t *gstart;       /* per granule: first granule of its allocation + 1, 0 = free */
    uint32_t *gsize;        /* at an allocation's first granule: its size in bytes */
    uint64_t *sm_clock;     /* per SM: warp-instructions issued (functional-mode clock) */
};

/* A predecoded instruction: decoded fields plus register rows resolved for SoA access. */
typedef struct tg_dinst {
    tg_inst  in;
    uint16_t d, a, b, c;    /* register rows; rz -> zero row for sources, sink row for rd */
    const char *why;        /* TG_OP_ILLEGAL: why the word did not decode */
} tg_dinst;

typedef struct tg_warp {
    unsigned  id;           /* warp within the block */
    unsigned  nlanes;       /* threads of the block in this warp */
    uint32_t  live;         /* lanes not exited */
    uint32_t  waiting;      /* lanes blocked at a barrier */
    uint32_t  pc[32];
    uint8_t   bar_id[32];   /* barrier a waiting lane waits at */
    uint32_t  pred[8];      /* pred[p] bit lane; pred[7] (PT) stays all ones */
    uint32_t *regs;         /* nrows * 32 */
} tg_warp;

typedef struct tg_block {
    tg_sim          *sim;
    const tg_launch *l;
    const tg_kernel *k;
    const tg_dinst  *code;  /* indexed by absolute pc; valid in [k->entry, k->end) */
    unsigned         warp_size, nwarps, nthreads, nrows, sm;
    tg_dim3          ctaid;
    tg_warp         *warps;
    uint8_t         *shared;
    uint32_t         shared_bytes;
    uint8_t         *local; /* nthreads * k->local_bytes */
    uint32_t         live_threads;
    uint32_t         bar_arrived[TG_MAX_BARRIERS];
    uint32_t         bar_target[TG_MAX_BARRIERS]; /* 0 = all live threads */
    tg_fault        *fault; /* set when a step faults */
    uint64_t         warp_instrs, thread_instrs;
} tg_block;

/* What one step did, for the timing model. */
typedef struct tg_step_info {
    uint32_t pc;
    uint8_t  op;            /* enum tg_opcode */
    uint32_t active;        /* lanes at pc that issued */
    uint32_t exec;          /* active lanes whose guard held */
    int      space;         /* enum tg_space for memory ops, else TG_SPACE_NONE */
    unsigned width;         /* bytes per lane for memory ops */
    uint32_t addr[32];      /* per exec lane, memory ops only */
} tg_step_info;

enum { TG_STEP_OK, TG_STEP_IDLE, TG_STEP_FAULT };

/* Executes one warp-instruction of w (the smallest pc among runnable lanes). Returns TG_STEP_OK,
 * TG_STEP_IDLE when no lane of w can run (exited or waiting), or TG_STEP_FAULT with *b->fault set.
 * info may be NULL. */
int tg_warp_step(tg_block *b, tg_warp *w, tg_step_info *info);

/* Predecodes a kernel's code: array indexed by absolute pc (entries outside the kernel unused),
 * *nrows = register rows to allocate (zero row nrows-2, sink row nrows-1). Free with free(). */
tg_dinst *tg_predecode(const tg_module *m, const tg_kernel *k, unsigned *nrows);

/* Global memory: pointer to n bytes at addr if they lie in one live allocation, else NULL. */
uint8_t *tg_global_ptr(tg_sim *s, uint32_t addr, uint32_t n);
/* "nearest allocation 0x..-0x.." or "no allocation" for fault details. */
void tg_global_describe(tg_sim *s, uint32_t addr, char *buf, size_t n);

/* Fault helper: fills *b->fault for warp w lane at pc. */
void tg_block_fault(tg_block *b, const tg_warp *w, unsigned lane, uint32_t pc, int kind,
                    int space, uint32_t addr, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;

/* Executors (sim/exec_*.c): run inst on the exec lanes; return 0 or -1 after tg_block_fault. */
int tg_exec_alu(tg_block *b, tg_warp *w, const tg_dinst *d, uint32_t exec);
int tg_exec_mem(tg_block *b, tg_warp *w, const tg_dinst *d, uint32_t exec, tg_step_info *info);
int tg_exec_warp(tg_block *b, tg_warp *w, const tg_dinst *d, uint32_t active, uint32_t exec);

/* Bit-exact SFU functions (sim/sfu.c), f32 bits in and out. */
uint32_t tg_sfu_rcp(uint32_t x);
uint32_t tg_sfu_rsq(uint32_t x);
uint32_t tg_sfu_ex2(uint32_t x);
uint32_t tg_sfu_lg2(uint32_t x);
uint32_t tg_sfu_sin(uint32_t x);
uint32_t tg_sfu_cos(uint32_t x);
uint32_t tg_sfu_tanh(uint32_t x);

/* Conversions shared with tests (sim/exec_conv.c). */
uint32_t tg_f2h(uint32_t f);
uint32_t tg_h2f(uint32_t h);
uint32_t tg_f2bf(uint32_t f);
uint32_t tg_bf2f(uint32_t h);

#endif
