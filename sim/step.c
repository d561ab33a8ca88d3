/* step.c: predecoding and tg_warp_step: one warp-instruction under min-PC reconvergence, with
 * the control instructions (EXIT, BRA, BAR) and barrier release. Data instructions are in
 * sim/exec_*.c. */
#include <stdlib.h>

#include "sim/core.h"

static unsigned popc(uint32_t x) { return (unsigned)__builtin_popcount(x); }

/* Which of rd/ra/rb/rc a format uses as general registers (bit 0 rd .. bit 3 rc). */
static unsigned reg_fields(const tg_inst *in)
{
    unsigned m = 0;
    switch (in->op == TG_OP_ILLEGAL ? TG_FMT_NONE : tg_opinfo_get(in->op)->format) {
    case TG_FMT_RB: m = 5; break;
    case TG_FMT_RA: m = 3; break;
    case TG_FMT_RAB: case TG_FMT_SEL: m = 7; break;
    case TG_FMT_RABC: case TG_FMT_ATOM: case TG_FMT_SHFL: m = 15; break;
    case TG_FMT_S2R: case TG_FMT_VOTER: m = 1; break;
    case TG_FMT_SETP: m = 6; break;
    case TG_FMT_LD: case TG_FMT_ST: m = 3; break;
    case TG_FMT_BAR: m = 2; break;
    default: m = 0;
    }
    if (in->bimm) m &= ~4u;
    return m;
}

tg_dinst *tg_predecode(const tg_module *m, const tg_kernel *k, unsigned *nrows)
{
    tg_dinst *code = calloc(k->end ? k->end : 1, sizeof *code);
    if (!code) return NULL;
    unsigned maxreg = k->nregs;
    for (uint32_t pc = k->entry; pc < k->end; pc++) {
        tg_dinst *d = &code[pc];
        if (tg_decode(m->code[pc], &d->in, &d->why) != 0) { d->in.op = TG_OP_ILLEGAL; continue; }
        const tg_inst *in = &d->in;
        unsigned n = 1;
        if ((in->op >= TG_OP_LDG && in->op <= TG_OP_LDP))
            n = in->mod == TG_W_B64 ? 2 : in->mod == TG_W_B128 ? 4 : 1;
        if (in->op == TG_OP_BAR && in->imm >= TG_MAX_BARRIERS) {
            d->in.op = TG_OP_ILLEGAL; d->why = "barrier id above 15"; continue;
        }
        if (n > 1 && in->rd != TG_RZ && in->rd + n - 1 >= TG_RZ) {
            d->in.op = TG_OP_ILLEGAL; d->why = "register range runs past r254"; continue;
        }
        unsigned f = reg_fields(in);
        uint8_t r[4] = { in->rd, in->ra, in->rb, in->rc };
        for (unsigned i = 0; i < 4; i++) {
            if (!(f >> i & 1) || r[i] == TG_RZ) continue;
            unsigned top = r[i] + (i == 0 ? n : 1);
            if (top > maxreg) maxreg = top;
        }
    }
    *nrows = maxreg + 2;
    uint16_t zero = (uint16_t)maxreg, sink = (uint16_t)(maxreg + 1);
    for (uint32_t pc = k->entry; pc < k->end; pc++) {
        tg_dinst *d = &code[pc];
        const tg_inst *in = &d->in;
        bool st = in->op == TG_OP_STG || in->op == TG_OP_STS || in->op == TG_OP_STL;
        d->d = in->rd == TG_RZ ? (st ? zero : sink) : in->rd;
        d->a = in->ra == TG_RZ ? zero : in->ra;
        d->b = in->rb == TG_RZ ? zero : in->rb;
        d->c = in->rc == TG_RZ ? zero : in->rc;
    }
    return code;
}

/* Releases every barrier whose arrival count is met. Returns -1 on a divergent release. */
static int barrier_check(tg_block *b)
{
    for (unsigned id = 0; id < TG_MAX_BARRIERS; id++) {
        if (!b->bar_arrived[id]) continue;
        uint32_t target = b->bar_target[id] ? b->bar_target[id] : b->live_threads;
        if (b->bar_arrived[id] < target) continue;
        for (unsigned wi = 0; wi < b->nwarps; wi++) {
            tg_warp *w = &b->warps[wi];
            uint32_t rel = 0, pc0 = 0;
            for (unsigned l = 0; l < b->warp_size; l++) {
                if (!(w->waiting >> l & 1) || w->bar_id[l] != id) continue;
                if (rel && w->pc[l] != pc0) {
                    tg_block_fault(b, w, l, w->pc[l] - 1, TG_FAULT_DIVERGENT_BARRIER,
                                   TG_SPACE_NONE, 0,
                                   "barrier %u released with lanes of one warp at pcs %u and %u",
                                   id, pc0 - 1, w->pc[l] - 1);
                    return -1;
                }
                if (!rel) pc0 = w->pc[l];
                rel |= 1u << l;
            }
            w->waiting &= ~rel;
        }
        b->bar_arrived[id] = 0;
        b->bar_target[id] = 0;
    }
    return 0;
}

int tg_warp_step(tg_block *b, tg_warp *w, tg_step_info *info)
{
    uint32_t run = w->live & ~w->waiting;
    if (!run) return TG_STEP_IDLE;
    uint32_t pc = UINT32_MAX, active = 0;
    for (uint32_t m = run; m; m &= m - 1) {
        unsigned l = (unsigned)__builtin_ctz(m);
        if (w->pc[l] < pc) { pc = w->pc[l]; active = 0; }
        if (w->pc[l] == pc) active |= 1u << l;
    }
    unsigned first = (unsigned)__builtin_ctz(active);
    if (pc < b->k->entry || pc >= b->k->end) {
        tg_block_fault(b, w, first, pc, TG_FAULT_ILLEGAL, TG_SPACE_NONE, 0,
                       "pc outside kernel %s (%u..%u)", b->k->name, b->k->entry, b->k->end - 1);
        return TG_STEP_FAULT;
    }
    const tg_dinst *d = &b->code[pc];
    if (d->in.op == TG_OP_ILLEGAL) {
        tg_block_fault(b, w, first, pc, TG_FAULT_ILLEGAL, TG_SPACE_NONE, 0,
                       "word 0x%016llx does not decode: %s",
                       (unsigned long long)b->l->module->code[pc], d->why);
        return TG_STEP_FAULT;
    }
    uint32_t g = w->pred[d->in.guard];
    uint32_t exec = active & (d->in.guard_neg ? ~g : g);
    b->warp_instrs++;
    b->thread_instrs += popc(exec);
    b->sim->sm_clock[b->sm]++;
    if (info) {
        info->pc = pc;
        info->op = d->in.op;
        info->active = active;
        info->exec = exec;
        info->space = TG_SPACE_NONE;
        info->width = 0;
    }
    int rc = 0;
    switch (d->in.op) {
    case TG_OP_NOP:
        break;
    case TG_OP_EXIT:
        w->live &= ~exec;
        b->live_threads -= popc(exec);
        active &= ~exec;
        if (exec) rc = barrier_check(b);
        break;
    case TG_OP_BRA:
        for (uint32_t m = exec; m; m &= m - 1) w->pc[__builtin_ctz(m)] = d->in.imm;
        active &= ~exec;
        break;
    case TG_OP_BAR: {
        if (!exec) break;
        unsigned id = d->in.imm;
        if (d->in.ra != TG_RZ) {
            uint32_t cnt = w->regs[(size_t)d->a * 32 + (unsigned)__builtin_ctz(exec)];
            if (cnt == 0 || cnt > b->nthreads) {
                tg_block_fault(b, w, (unsigned)__builtin_ctz(exec), pc, TG_FAULT_ILLEGAL,
                               TG_SPACE_NONE, 0, "bar %u count %u outside 1..%u", id, cnt,
                               b->nthreads);
                return TG_STEP_FAULT;
            }
            b->bar_target[id] = cnt;
        }
        w->waiting |= exec;
        for (uint32_t m = exec; m; m &= m - 1) w->bar_id[__builtin_ctz(m)] = (uint8_t)id;
        b->bar_arrived[id] += popc(exec);
        for (uint32_t m = active; m; m &= m - 1) w->pc[__builtin_ctz(m)] = pc + 1;
        active = 0;
        rc = barrier_check(b);
        break;
    }
    case TG_OP_LDG: case TG_OP_STG: case TG_OP_LDS: case TG_OP_STS: case TG_OP_LDL:
    case TG_OP_STL: case TG_OP_LDP: case TG_OP_ATOMG: case TG_OP_ATOMS:
        if (exec) rc = tg_exec_mem(b, w, d, exec, info);
        break;
    case TG_OP_SHFL: case TG_OP_VOTEALL: case TG_OP_VOTEANY: case TG_OP_VOTEUNI:
    case TG_OP_BALLOT:
        if (exec) rc = tg_exec_warp(b, w, d, active, exec);
        break;
    default:
        if (exec) rc = tg_exec_alu(b, w, d, exec);
        break;
    }
    w->pred[TG_PT] = 0xffffffffu;
    if (rc) return TG_STEP_FAULT;
    for (uint32_t m = active; m; m &= m - 1) w->pc[__builtin_ctz(m)] = pc + 1;
    return TG_STEP_OK;
}
