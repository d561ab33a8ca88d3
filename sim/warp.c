/* warp.c: issuing one warp-instruction: minimum-pc selection of the active lanes, the guard, the
 * instruction's effect, and the lanes' next pcs; control flow (bra, exit) and barriers live here.
 *
 * Reconvergence by minimum pc: every lane keeps its own pc and the warp always issues the smallest
 * pc among its runnable lanes. Lanes that split at a branch run one side at a time, lowest address
 * first, and meet again at the first instruction both sides reach: for code laid out in order (as
 * compilers emit it) that is the immediate post-dominator, with no reconvergence stack and no
 * compiler hints. docs/isa-semantics.md has a worked example. */
#include "sim/core.h"

#include <string.h>

static uint32_t min_pc(const tg_warp *w, uint32_t runnable, uint32_t *active)
{
    uint32_t best = UINT32_MAX, mask = 0;
    TG_FOR_LANES(runnable, l) {
        uint32_t pc = w->pc[l];
        if (pc < best) { best = pc; mask = 1u << l; }
        else if (pc == best) mask |= 1u << l;
    }
    *active = mask;
    return best;
}

/* Without -mpopcnt __builtin_popcount is a library call; this runs on every issue. */
static unsigned popcount32(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    return (((x + (x >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
}

static uint32_t guard_mask(const tg_warp *w, const tg_pinst *pi)
{
    uint32_t g = w->pred[pi->guard];
    return pi->guard_neg ? ~g : g;
}

static void advance(tg_warp *w, uint32_t lanes, uint32_t to)
{
    TG_FOR_LANES(lanes, l) w->pc[l] = to;
}

/* A barrier releases when every live thread of the block waits on it, or when `expected` threads
 * (bar B, ra) have arrived. Its threads must all wait at the same instruction within each warp:
 * lanes of one warp held at two different barrier instructions is a divergent barrier. */
int tg_block_release_barriers(tg_block *b)
{
    for (unsigned id = 0; id < TG_NUM_BARRIERS; id++) {
        tg_barrier *bar = &b->bar[id];
        if (!bar->waiting) continue;
        uint32_t need = bar->expected ? bar->expected : b->live_threads;
        if (bar->waiting < need) continue;
        for (unsigned wi = 0; wi < b->nwarps; wi++) {
            tg_warp *w = &b->warps[wi];
            uint32_t lanes = 0;
            TG_FOR_LANES(w->waiting, l) if (w->bar_of[l] == id) lanes |= 1u << l;
            if (!lanes) continue;
            uint32_t first = UINT32_MAX;
            TG_FOR_LANES(lanes, l) {
                if (first == UINT32_MAX) first = w->pc[l];
                else if (w->pc[l] != first)
                    return tg_block_fault(b, w, (int)l, w->pc[l] - 1, TG_FAULT_DIVERGENT_BARRIER, TG_SPACE_NONE, 0,
                                          "barrier %u released with lanes of one warp waiting at pc %u and pc %u",
                                          id, first - 1, w->pc[l] - 1);
            }
            w->waiting &= ~lanes;
        }
        bar->waiting = 0;
        bar->expected = 0;
    }
    return TG_STEP_OK;
}

static int do_bar(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t pc, uint32_t exec)
{
    unsigned id = pi->imm;
    uint32_t count = 0;
    if (pi->ra_num != TG_RZ) {
        const uint32_t *cnt = tg_row(b, w, pi->ra);
        count = cnt[__builtin_ctz(exec)];
        if (count == 0 || count % b->warp_size || count > b->nthreads + b->warp_size - 1)
            return tg_block_fault(b, w, __builtin_ctz(exec), pc, TG_FAULT_ILLEGAL, TG_SPACE_NONE, 0,
                                  "bar %u with a thread count of %u (a multiple of the warp size up to the block's threads)",
                                  id, count);
    }
    tg_barrier *bar = &b->bar[id];
    if (bar->waiting && bar->expected != count)
        return tg_block_fault(b, w, __builtin_ctz(exec), pc, TG_FAULT_ILLEGAL, TG_SPACE_NONE, 0,
                              "bar %u reached with thread counts %u and %u", id, bar->expected, count);
    bar->expected = count;
    bar->waiting += popcount32(exec);
    w->waiting |= exec;
    TG_FOR_LANES(exec, l) w->bar_of[l] = (uint8_t)id;
    return tg_block_release_barriers(b);
}

int tg_warp_step(tg_block *b, tg_warp *w, tg_step_info *info)
{
    uint32_t runnable = w->live & ~w->waiting, active, pc;
    if (!runnable) return TG_STEP_IDLE;
    if (w->same_mask == runnable) {   /* converged: no need to look at every lane */
        pc = w->same_pc;
        active = runnable;
    } else {
        pc = min_pc(w, runnable, &active);
    }
    w->same_mask = 0;
    const tg_kernel *k = b->k;
    if (pc < k->entry || pc >= k->end)
        return tg_block_fault(b, w, __builtin_ctz(active), pc, TG_FAULT_ILLEGAL, TG_SPACE_NONE, 0,
                              "pc %u is outside the kernel's code [%u, %u)", pc, k->entry, k->end);
    const tg_pinst *pi = &b->code[pc - k->entry];
    if (pi->illegal)
        return tg_block_fault(b, w, __builtin_ctz(active), pc, TG_FAULT_ILLEGAL, TG_SPACE_NONE, 0, "%s", pi->illegal);
    uint32_t exec = active & guard_mask(w, pi);
    w->issued++;
    (*b->clock)++;
    b->warp_instrs++;
    b->thread_instrs += popcount32(exec);
    if (info) {
        info->pc = pc;
        info->op = pi->op;
        info->latency = pi->latency;
        info->active = active;
        info->exec = exec;
        info->space = TG_SPACE_NONE;
        info->bytes = 0;
        info->barrier = false;
    }
    int rc = TG_STEP_OK;
    switch (pi->op) {
    case TG_OP_BRA:
        advance(w, active & ~exec, pc + 1);
        advance(w, exec, pi->imm);
        if (active == runnable && (exec == active || exec == 0)) {   /* uniform branch: still converged */
            w->same_mask = runnable;
            w->same_pc = exec ? pi->imm : pc + 1;
        }
        return TG_STEP_OK;
    case TG_OP_EXIT:
        advance(w, active & ~exec, pc + 1);
        w->live &= ~exec;
        b->live_threads -= popcount32(exec);
        return exec ? tg_block_release_barriers(b) : TG_STEP_OK;
    case TG_OP_BAR:
        advance(w, active, pc + 1);
        if (!exec) return TG_STEP_OK;
        if (info) info->barrier = true;
        return do_bar(b, w, pi, pc, exec);
    case TG_OP_NOP:
        break;
    default:
        if (exec) {
            switch (pi->latency) {
            case TG_LAT_MEM: case TG_LAT_SHARED:
                rc = tg_exec_mem(b, w, pi, pc, exec, info);
                break;
            case TG_LAT_SFU:
                rc = tg_exec_sfu(b, w, pi, exec);
                break;
            case TG_LAT_FMA: case TG_LAT_FDIV: case TG_LAT_CONV:
                rc = tg_exec_float(b, w, pi, exec);
                break;
            default:
                if (pi->op == TG_OP_SHFL || pi->op == TG_OP_VOTEALL || pi->op == TG_OP_VOTEANY ||
                    pi->op == TG_OP_VOTEUNI || pi->op == TG_OP_BALLOT)
                    rc = tg_exec_warp(b, w, pi, exec);
                else if (pi->op == TG_OP_FMIN || pi->op == TG_OP_FMAX || pi->op == TG_OP_FABS ||
                         pi->op == TG_OP_FNEG || pi->op == TG_OP_FSETP || pi->op == TG_OP_FRND)
                    rc = tg_exec_float(b, w, pi, exec);
                else
                    rc = tg_exec_int(b, w, pi, exec);
                break;
            }
        }
        break;
    }
    if (rc != TG_STEP_OK) return rc;
    advance(w, active, pc + 1);
    if (active == runnable) { w->same_mask = runnable; w->same_pc = pc + 1; }
    return TG_STEP_OK;
}
