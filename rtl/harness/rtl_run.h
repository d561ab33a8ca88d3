/* rtl_run.h: one launch, prepared in a functional simulator (memory allocated and filled there), run
 * on the RTL: in lockstep with the simulator by default, or alone. The entry point of `tgpu run
 * --backend rtl` and of the device layer's rtl backend (runtime/device_sim.c). Defined in
 * rtl/harness/rtl_run.c, which is linked only into builds that have Verilator: callers declare it
 * weak (TG_RTL_RUN_WEAK) and test its address before calling. */
#ifndef TG_RTL_RUN_H
#define TG_RTL_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

typedef struct tg_rtl_run_opts {
    int lockstep;          /* 1: compare every warp-instruction and final memory with the simulator */
    const char *vcd;       /* waveform file, or NULL */
    uint64_t max_cycles;   /* 0: no limit */
} tg_rtl_run_opts;

/* The simulator configuration the RTL corresponds to (warp size, one core, functional mode). */
void tg_rtl_sim_config(tg_sim_config *c);

/* Runs l (made against s, configured by tg_rtl_sim_config) on a fresh RTL whose memory mirrors s.
 * Afterwards s's memory holds the RTL's final memory. Returns 0; 1 on a kernel fault (*f filled,
 * both sides agreeing in lockstep); 2 when the RTL cannot run it or lockstep found a difference
 * (err: the report, several lines). st: cycles = RTL cycles, warp_instrs, thread_instrs. */
#ifdef TG_RTL_RUN_WEAK
#define TG_RTL_RUN_ATTR __attribute__((weak))
#else
#define TG_RTL_RUN_ATTR
#endif
int tg_rtl_run_launch(tg_sim *s, const tg_launch *l, const tg_rtl_run_opts *o, tg_run_stats *st, tg_fault *f,
                      char *err, size_t errlen) TG_RTL_RUN_ATTR;
void tg_rtl_sim_config(tg_sim_config *c) TG_RTL_RUN_ATTR;

#endif
