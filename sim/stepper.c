/* stepper.c: a functional-mode launch stepped from outside (see stepper.h). It owns the launch's
 * predecoded code and up to TG_STEPPER_MAX_BLOCKS blocks in flight, each in a slot with its own
 * shared and local memory and fault record; one of them is current. tg_warp_step does the work, as
 * in tg_sim_launch. */
#include "sim/stepper.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core.h"

typedef struct slot {
    uint8_t *shared, *local;
    tg_block b;
    bool have_block;
    uint32_t linear;
    tg_fault fault;
} slot;

struct tg_stepper {
    tg_launch l;
    tg_pinst *code;
    slot slots[TG_STEPPER_MAX_BLOCKS];
    slot *cur;                       /* the current block's slot */
    uint64_t blocks;
};

tg_stepper *tg_stepper_create(tg_sim *s, const tg_launch *l, tg_fault *fault)
{
    uint32_t shared;
    if (tg_launch_check(s, l, fault, &shared) != 0) return NULL;
    const tg_kernel *k = l->kernel;
    uint64_t threads = (uint64_t)l->block.x * l->block.y * l->block.z;
    tg_stepper *st = calloc(1, sizeof *st);
    bool ok = st != NULL;
    if (st) {
        st->code = calloc(k->end - k->entry, sizeof *st->code);
        ok = st->code != NULL;
        for (unsigned i = 0; i < TG_STEPPER_MAX_BLOCKS; i++) {
            slot *sl = &st->slots[i];
            sl->shared = calloc(1, shared ? shared : 1);
            sl->local = calloc(1, k->local_bytes ? (size_t)k->local_bytes * threads : 1);
            ok = ok && sl->shared && sl->local;
        }
    }
    if (!ok) {
        tg_stepper_destroy(st);
        memset(fault, 0, sizeof *fault);
        fault->kind = TG_FAULT_BAD_LAUNCH;
        strcpy(fault->detail, "out of host memory");
        return NULL;
    }
    st->l = *l;
    st->blocks = (uint64_t)l->grid.x * l->grid.y * l->grid.z;
    tg_predecode(l->module, k, st->code);
    for (unsigned i = 0; i < TG_STEPPER_MAX_BLOCKS; i++) {
        slot *sl = &st->slots[i];
        sl->b = (tg_block){ .sim = s, .k = k, .code = st->code, .dim = l->block, .grid = l->grid,
                            .warp_size = s->cfg.warp_size, .nsms = s->cfg.num_sms, .shared = sl->shared,
                            .shared_bytes = shared, .local = sl->local, .local_bytes = k->local_bytes,
                            .params = l->params, .param_bytes = l->param_bytes, .clock = &s->clock,
                            .fault = &sl->fault };
    }
    st->cur = &st->slots[0];
    return st;
}

void tg_stepper_destroy(tg_stepper *st)
{
    if (!st) return;
    for (unsigned i = 0; i < TG_STEPPER_MAX_BLOCKS; i++) {
        slot *sl = &st->slots[i];
        if (sl->have_block) tg_block_free(&sl->b);
        free(sl->shared);
        free(sl->local);
    }
    free(st->code);
    free(st);
}

static bool slot_done(const slot *sl) { return !sl->have_block || sl->b.live_threads == 0; }

int tg_stepper_begin_block(tg_stepper *st, uint32_t linear)
{
    if (linear >= st->blocks) return -1;
    slot *sl = NULL;
    for (unsigned i = 0; i < TG_STEPPER_MAX_BLOCKS && !sl; i++)
        if (slot_done(&st->slots[i])) sl = &st->slots[i];
    if (!sl) return -1;
    if (sl->have_block) tg_block_free(&sl->b);
    sl->have_block = tg_block_init(&sl->b, linear) == 0;
    sl->linear = linear;
    st->cur = sl;
    return sl->have_block ? 0 : -1;
}

int tg_stepper_select(tg_stepper *st, uint32_t linear)
{
    for (unsigned i = 0; i < TG_STEPPER_MAX_BLOCKS; i++) {
        slot *sl = &st->slots[i];
        if (sl->have_block && sl->linear == linear) {
            st->cur = sl;
            return 0;
        }
    }
    return -1;
}

unsigned tg_stepper_in_flight(const tg_stepper *st)
{
    unsigned n = 0;
    for (unsigned i = 0; i < TG_STEPPER_MAX_BLOCKS; i++) n += !slot_done(&st->slots[i]);
    return n;
}

unsigned tg_stepper_warps(const tg_stepper *st) { return st->cur->have_block ? st->cur->b.nwarps : 0; }

bool tg_stepper_block_done(const tg_stepper *st) { return slot_done(st->cur); }

uint32_t tg_stepper_runnable(const tg_stepper *st, unsigned warp)
{
    if (!st->cur->have_block || warp >= st->cur->b.nwarps) return 0;
    const tg_warp *w = &st->cur->b.warps[warp];
    return w->live & ~w->waiting;
}

/* Whether the instruction writes its rd field as a register (stores read it; setp-like ops write
 * predicates). */
static bool writes_rd(const tg_pinst *pi)
{
    switch (pi->format) {
    case TG_FMT_RB: case TG_FMT_RA: case TG_FMT_RAB: case TG_FMT_RABC: case TG_FMT_S2R: case TG_FMT_SEL:
    case TG_FMT_LD: case TG_FMT_ATOM: case TG_FMT_SHFL: case TG_FMT_VOTER:
        return pi->rd_num != TG_RZ;
    default:
        return false;
    }
}

int tg_stepper_step(tg_stepper *st, unsigned warp, tg_stepper_commit *c)
{
    if (!st->cur->have_block || warp >= st->cur->b.nwarps) return 1;
    tg_block *b = &st->cur->b;
    tg_warp *w = &b->warps[warp];
    tg_step_info info;
    int rc = tg_warp_step(b, w, &info);
    if (rc == TG_STEP_IDLE) return 1;
    if (rc == TG_STEP_FAULT) return -1;
    const tg_pinst *pi = &b->code[info.pc - b->k->entry];
    memset(c, 0, sizeof *c);
    c->pc = info.pc;
    c->active = info.active;
    c->exec = info.exec;
    c->op = pi->op;
    c->rd = TG_STEPPER_NO_RD;
    if (writes_rd(pi) && info.exec) {
        c->rd = pi->rd_num;
        const uint32_t *row = tg_row(b, w, pi->rd_w);
        for (unsigned l = 0; l < b->warp_size; l++)
            if (info.exec >> l & 1) c->data[l] = row[l];
    }
    return 0;
}

int tg_stepper_check_deadlock(tg_stepper *st)
{
    if (tg_stepper_block_done(st)) return 0;
    for (unsigned i = 0; i < st->cur->b.nwarps; i++)
        if (tg_stepper_runnable(st, i)) return 0;
    return tg_block_deadlock(&st->cur->b) == TG_STEP_FAULT ? -1 : 0;
}

const tg_fault *tg_stepper_fault(const tg_stepper *st) { return &st->cur->fault; }

uint32_t tg_stepper_reg(const tg_stepper *st, unsigned warp, unsigned lane, unsigned reg)
{
    if (!st->cur->have_block || warp >= st->cur->b.nwarps || lane >= st->cur->b.warp_size || reg >= st->cur->b.nregs) return 0;
    tg_block *b = (tg_block *)&st->cur->b;
    return tg_row(b, &b->warps[warp], reg)[lane];
}

uint32_t tg_stepper_pred(const tg_stepper *st, unsigned warp, unsigned p)
{
    if (!st->cur->have_block || warp >= st->cur->b.nwarps || p > 7) return 0;
    return st->cur->b.warps[warp].pred[p];
}

uint32_t tg_stepper_lane_pc(const tg_stepper *st, unsigned warp, unsigned lane)
{
    if (!st->cur->have_block || warp >= st->cur->b.nwarps || lane >= TG_MAX_LANES) return 0;
    return st->cur->b.warps[warp].pc[lane];
}
