/* lockstep.h: co-simulation of the RTL and the functional simulator. Every warp-instruction the
 * RTL retires (block, warp, pc, executed-lane mask, destination register and its per-lane values)
 * is checked against the simulator stepping that same warp at that moment, so both sides see the
 * same interleaving (atomics included). The run stops at the first difference and reports both
 * sides' state; at the end every live allocation of device memory must be byte-identical, and a
 * fault must be the same fault (kind, block, warp, lane, pc, address) on both sides. */
#ifndef TG_LOCKSTEP_H
#define TG_LOCKSTEP_H

#include <stdint.h>

#include "rtl/harness/tg_rtl.h"
#include "sim/sim.h"

enum tg_lockstep_status {
    TG_LOCKSTEP_MATCH,          /* ran to completion, or to the same fault, on both sides */
    TG_LOCKSTEP_MISMATCH,       /* report says where */
    TG_LOCKSTEP_UNIMPLEMENTED,  /* the RTL faulted "unimplemented" on an instruction */
    TG_LOCKSTEP_TIMEOUT,        /* the RTL did not finish within max_cycles */
    TG_LOCKSTEP_BAD_SETUP       /* launch not expressible on this RTL (report says why) */
};

typedef struct tg_lockstep_result {
    int status;                 /* enum tg_lockstep_status */
    uint64_t commits;           /* warp-instructions compared */
    uint64_t thread_instrs;     /* their executed lanes, summed */
    uint64_t rtl_cycles;
    uint64_t core_commits[TG_RTL_CORES];   /* commits compared, per RTL core */
    uint64_t core_switches;     /* commits from another core than the previous commit's */
    tg_rtl_result rtl;          /* the RTL's own result (cycles, L1 and DRAM counters, fault) */
    int fault_kind;             /* the fault both sides agreed on (TG_FAULT_NONE if none) */
    tg_fault fault;             /* the simulator's record of it */
    char report[8192];          /* multi-line, for MISMATCH/UNIMPLEMENTED/TIMEOUT/BAD_SETUP */
} tg_lockstep_result;

/* Runs launch l on both. s: a functional simulator with warp size TG_RTL_LANES and one core, whose
 * memory already holds the launch's buffers; r: a fresh RTL model with at least as much memory as
 * s's highest allocation. Loads l's module into the RTL, mirrors every live allocation of s into
 * the RTL at the same address, places the parameter block at TG_LOCKSTEP_PARAMS, runs. Returns
 * res->status. max_cycles 0: no limit. */
#define TG_LOCKSTEP_PARAMS 0x100u
int tg_lockstep_run(tg_rtl *r, tg_sim *s, const tg_launch *l, uint64_t max_cycles, tg_lockstep_result *res);

/* tg_lockstep_run in two halves. setup: the checks, code, memory mirror and parameter block;
 * returns 0, or TG_LOCKSTEP_BAD_SETUP with res->report saying why (also used to run the RTL alone).
 * go: the lockstep run of an RTL already set up (tests plant differences between the halves). */
int tg_lockstep_setup(tg_rtl *r, tg_sim *s, const tg_launch *l, tg_lockstep_result *res);
int tg_lockstep_go(tg_rtl *r, tg_sim *s, const tg_launch *l, uint64_t max_cycles, tg_lockstep_result *res);
/* The RTL launch registers for l (parameter block at TG_LOCKSTEP_PARAMS). */
tg_rtl_launch tg_lockstep_rtl_launch(const tg_launch *l);

const char *tg_lockstep_status_name(int status);

#endif
