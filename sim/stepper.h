/* stepper.h: a launch on the functional simulator driven one warp-instruction at a time from
 * outside, for lockstep co-simulation (rtl/harness/lockstep.c): the caller says which block starts
 * and which warp issues next, and sees what each warp-instruction retired. Several blocks can be in
 * flight at once (one per RTL core); the calls below act on the current block, the one last begun
 * or selected. Functional mode only. */
#ifndef TG_SIM_STEPPER_H
#define TG_SIM_STEPPER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

#define TG_STEPPER_NO_RD 255   /* tg_stepper_commit.rd when no register is written */
#define TG_STEPPER_MAX_BLOCKS 8   /* blocks with live threads at once */

/* One retired warp-instruction. */
typedef struct tg_stepper_commit {
    uint32_t pc;
    uint32_t active;           /* lanes at the issued pc */
    uint32_t exec;             /* active lanes whose guard held */
    uint8_t op;
    uint8_t rd;                /* register written (first of a wide load), or TG_STEPPER_NO_RD */
    uint32_t data[32];         /* rd's value per lane after the instruction (exec lanes) */
} tg_stepper_commit;

typedef struct tg_stepper tg_stepper;

/* Checks and predecodes the launch; NULL with *fault filled when it is bad (or out of memory). */
tg_stepper *tg_stepper_create(tg_sim *s, const tg_launch *l, tg_fault *fault);
void tg_stepper_destroy(tg_stepper *st);
/* Starts block `linear` and makes it current; a finished block's slot is reused. Returns 0, or -1
 * if linear is past the grid or TG_STEPPER_MAX_BLOCKS blocks still have live threads. */
int tg_stepper_begin_block(tg_stepper *st, uint32_t linear);
/* Makes block `linear`, begun earlier and not yet replaced, current. Returns 0, or -1 if it is not
 * held. */
int tg_stepper_select(tg_stepper *st, uint32_t linear);
/* Blocks begun that still have live threads. */
unsigned tg_stepper_in_flight(const tg_stepper *st);
/* Warps of the current block, and whether every thread of it has exited. */
unsigned tg_stepper_warps(const tg_stepper *st);
bool tg_stepper_block_done(const tg_stepper *st);
/* Runnable lanes (live, not at a barrier) of a warp of the current block. */
uint32_t tg_stepper_runnable(const tg_stepper *st, unsigned warp);
/* Issues warp's next instruction. Returns 0 (c filled), 1 when the warp has no runnable lane, or
 * -1 on a fault (tg_stepper_fault tells which). */
int tg_stepper_step(tg_stepper *st, unsigned warp, tg_stepper_commit *c);
/* When no warp of the current block can run but threads live: fills the barrier-deadlock fault the
 * simulator reports and returns -1; 0 otherwise. */
int tg_stepper_check_deadlock(tg_stepper *st);
const tg_fault *tg_stepper_fault(const tg_stepper *st);
/* Lane `lane` of warp's register reg, and predicate p's lane mask (for mismatch reports). */
uint32_t tg_stepper_reg(const tg_stepper *st, unsigned warp, unsigned lane, unsigned reg);
uint32_t tg_stepper_pred(const tg_stepper *st, unsigned warp, unsigned p);
uint32_t tg_stepper_lane_pc(const tg_stepper *st, unsigned warp, unsigned lane);

#endif
