/* rtl_run.h: one launch, prepared in a functional simulator (memory allocated and filled there), run
 * on the RTL: in lockstep with the simulator by default, or alone. The entry point of `tgpu run
 * --backend rtl` and of the device layer's rtl backend (runtime/device_sim.c). Defined in
 * rtl/harness/rtl_run.c, which is linked only into builds that have Verilator: callers declare it
 * weak (TG_RTL_RUN_WEAK) and test its address before calling. */
#ifndef TG_RTL_RUN_H
#define TG_RTL_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "rtl/harness/tg_rtl.h"
#include "sim/sim.h"

typedef struct tg_rtl_run_opts {
    int lockstep;          /* 1: compare every warp-instruction and final memory with the simulator */
    const char *vcd;       /* waveform file, or NULL */
    uint64_t max_cycles;   /* 0: no limit */
    /* Lockstep only, for tests of checkers built on this: called between set-up (code and memory
     * in the RTL) and the run, to plant a difference in the RTL's copy. NULL: none. */
    void (*before_run)(tg_rtl *r, void *user);
    void *user;
    tg_rtl_result *result; /* if not NULL: receives the RTL's result (L1 hits/misses, DRAM requests) */
} tg_rtl_run_opts;

/* The simulator configuration the RTL corresponds to (warp size, one core, functional mode). */
void tg_rtl_sim_config(tg_sim_config *c);

enum tg_rtl_run_result {
    TG_RTL_RUN_OK,
    TG_RTL_RUN_FAULT,          /* the kernel faulted (*f), both sides agreeing in lockstep */
    TG_RTL_RUN_BAD_SETUP,      /* the launch does not fit this RTL (or out of host memory) */
    TG_RTL_RUN_MISMATCH,       /* lockstep found a difference */
    TG_RTL_RUN_INCOMPLETE      /* an instruction the RTL lacks, or max_cycles ran out */
};

/* Runs l (made against s, configured by tg_rtl_sim_config) on a fresh RTL whose memory mirrors s.
 * Afterwards s's memory holds the RTL's final memory. Returns enum tg_rtl_run_result; err holds
 * the report (several lines) for the last three. st: cycles = RTL cycles, warp_instrs,
 * thread_instrs. */
#ifdef TG_RTL_RUN_WEAK
#define TG_RTL_RUN_ATTR __attribute__((weak))
#else
#define TG_RTL_RUN_ATTR
#endif
int tg_rtl_run_launch(tg_sim *s, const tg_launch *l, const tg_rtl_run_opts *o, tg_run_stats *st, tg_fault *f,
                      char *err, size_t errlen) TG_RTL_RUN_ATTR;
void tg_rtl_sim_config(tg_sim_config *c) TG_RTL_RUN_ATTR;

#endif
