/* lockstep.c: the RTL and the simulator, one retired warp-instruction at a time (see lockstep.h).
 * The RTL leads: its commit port says which block and warp retired what; the simulator then steps
 * that warp (sim/stepper.h) and the two records must agree. Because the simulator follows the
 * RTL's interleaving, order-dependent results (atomics, exch) compare exactly too. */
#include "rtl/harness/lockstep.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"
#include "sim/core.h"
#include "sim/stepper.h"

#define HISTORY 8   /* last commits kept per warp for the mismatch report */

typedef struct ls_state {
    tg_rtl *r;
    tg_stepper *st;
    const tg_launch *l;
    tg_lockstep_result *res;
    uint32_t nblocks;
    int64_t block;                        /* the simulator's current block, -1 before the first */
    uint32_t next;                        /* the next block to begin (blocks begin in linear order) */
    uint32_t last_core;                   /* the core of the previous commit */
    bool failed;
    /* The simulator raised a divergent-barrier fault when it released a barrier after this warp's
     * instruction (bar or exit) completed; the RTL retires that instruction and faults when its
     * scheduler next looks at the barriers, so its next event must be that fault. */
    bool pending;
    uint32_t pending_block;
    tg_fault pending_fault;
    tg_rtl_commit hist[TG_RTL_WARPS][HISTORY];
    uint64_t nhist[TG_RTL_WARPS];
} ls_state;

static void say(tg_lockstep_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(tg_lockstep_result *res, const char *fmt, ...)
{
    size_t n = strlen(res->report);
    if (n + 1 >= sizeof res->report) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->report + n, sizeof res->report - n, fmt, ap);
    va_end(ap);
}

static const char *op_name(const tg_launch *l, uint32_t pc)
{
    tg_inst in;
    const char *why;
    if (pc >= l->module->ncode || tg_decode(l->module->code[pc], &in, &why) != 0) return "?";
    const tg_opinfo *oi = tg_opinfo_get(in.op);
    return oi ? oi->mnemonic : "?";
}

static void show_commit(tg_lockstep_result *res, const tg_launch *l, const char *side, uint32_t pc,
                        uint32_t mask, unsigned rd, const uint32_t *data)
{
    say(res, "  %-4s pc %u (%s) mask 0x%02x", side, pc, op_name(l, pc), mask);
    if (rd == TG_RZ || !mask) { say(res, " no register written\n"); return; }
    say(res, " r%u =", rd);
    for (unsigned lane = 0; lane < TG_RTL_LANES; lane++)
        if (mask >> lane & 1) say(res, " [%u]0x%08x", lane, data[lane]);
        else say(res, " [%u]--------", lane);
    say(res, "\n");
}

/* Both sides' state of one warp: recent RTL commits, and the simulator's lane pcs, predicates
 * and registers. */
static void show_state(ls_state *ls, unsigned warp)
{
    tg_lockstep_result *res = ls->res;
    if (warp < TG_RTL_WARPS && ls->nhist[warp]) {
        uint64_t n = ls->nhist[warp], from = n > HISTORY ? n - HISTORY : 0;
        say(res, "  RTL: of the last %llu retired instructions of this warp number, this block's (both sides agreed on them):\n",
            (unsigned long long)(n - from));
        for (uint64_t i = from; i < n; i++) {
            const tg_rtl_commit *c = &ls->hist[warp][i % HISTORY];
            if (c->block != (uint64_t)ls->block) continue;   /* the same warp of another block */
            char side[32];
            snprintf(side, sizeof side, "@%llu", (unsigned long long)c->cycle);
            show_commit(res, ls->l, side, c->pc, c->mask, c->rd, c->data);
        }
    }
    if (ls->block < 0 || warp >= tg_stepper_warps(ls->st)) return;
    say(res, "  simulator, after its instruction: warp %u lane pcs:", warp);
    for (unsigned lane = 0; lane < TG_RTL_LANES; lane++) say(res, " %u", tg_stepper_lane_pc(ls->st, warp, lane));
    say(res, "; runnable 0x%02x; predicates", tg_stepper_runnable(ls->st, warp));
    for (unsigned p = 0; p < 7; p++) say(res, " p%u=0x%02x", p, tg_stepper_pred(ls->st, warp, p) & 0xffu);
    say(res, "\n");
    unsigned nregs = ls->l->kernel->nregs;
    for (unsigned reg = 0; reg < nregs; reg++) {
        say(res, "  simulator r%-3u", reg);
        for (unsigned lane = 0; lane < TG_RTL_LANES; lane++) say(res, " %08x", tg_stepper_reg(ls->st, warp, lane, reg));
        say(res, "\n");
    }
}

static void mismatch(ls_state *ls, unsigned warp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void mismatch(ls_state *ls, unsigned warp, const char *fmt, ...)
{
    tg_lockstep_result *res = ls->res;
    ls->failed = true;
    res->status = TG_LOCKSTEP_MISMATCH;
    say(res, "lockstep mismatch: kernel %s block %lld warp %u, after %llu matching warp-instructions: ",
        ls->l->kernel->name, (long long)ls->block, warp, (unsigned long long)res->commits);
    size_t n = strlen(res->report);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->report + n, sizeof res->report - n, fmt, ap);
    va_end(ap);
    say(res, "\n");
    tg_rtl_stop(ls->r);
}

static void sim_fault_line(ls_state *ls)
{
    char line[512];
    tg_fault_format(tg_stepper_fault(ls->st), line, sizeof line);
    say(ls->res, "  simulator %s\n", line);
}

/* Makes block b the simulator's current one: a block in flight, or the next one in linear order,
 * begun when fewer than TG_RTL_CORES blocks have live threads (one block per core). */
static bool enter_block(ls_state *ls, uint32_t b, unsigned warp)
{
    if (ls->block == (int64_t)b) return true;
    if (b < ls->next && tg_stepper_select(ls->st, b) == 0) {
        ls->block = b;
        return true;
    }
    /* Blocks are dispatched in linear order, so blocks below b began on other cores even if they
     * have not retired anything yet (a core clearing its generation tags starts later). */
    if (b < ls->next || b >= ls->nblocks) {
        mismatch(ls, warp, "the RTL ran block %u; the simulator expected block %u of %u (or one in flight)", b,
                 ls->next, ls->nblocks);
        return false;
    }
    while (ls->next <= b) {
        unsigned live = tg_stepper_in_flight(ls->st);
        if (live >= TG_RTL_CORES) {
            mismatch(ls, warp, "the RTL ran block %u while the simulator has %u blocks with live threads (%d cores)",
                     b, live, TG_RTL_CORES);
            return false;
        }
        if (tg_stepper_begin_block(ls->st, ls->next) != 0) {
            mismatch(ls, warp, "the simulator cannot begin block %u of %u", ls->next, ls->nblocks);
            return false;
        }
        ls->next++;
    }
    if (tg_stepper_select(ls->st, b) != 0) {
        mismatch(ls, warp, "the simulator lost block %u", b);
        return false;
    }
    ls->block = b;
    return true;
}

/* A warp-instruction both sides retired: the result's counts. */
static void count_commit(ls_state *ls, const tg_rtl_commit *c)
{
    ls->res->commits++;
    ls->res->thread_instrs += (uint64_t)__builtin_popcount(c->mask);
    if (c->core < TG_RTL_CORES) ls->res->core_commits[c->core]++;
    if (ls->res->commits > 1 && c->core != ls->last_core) ls->res->core_switches++;
    ls->last_core = c->core;
}

static void on_commit(const tg_rtl_commit *c, void *user)
{
    ls_state *ls = user;
    if (ls->failed) return;
    if (ls->pending && c->block == ls->pending_block) {
        mismatch(ls, c->warp, "the simulator faulted (%s) after the previous instruction; the RTL retired another",
                 tg_fault_kind_name(ls->pending_fault.kind));
        show_commit(ls->res, ls->l, "RTL", c->pc, c->mask, c->rd, c->data);
        return;
    }
    if (!enter_block(ls, c->block, c->warp)) return;
    tg_stepper_commit sc;
    int rc = tg_stepper_step(ls->st, c->warp, &sc);
    if (rc < 0 && tg_stepper_fault(ls->st)->kind == TG_FAULT_DIVERGENT_BARRIER) {
        ls->pending = true;
        ls->pending_block = c->block;
        ls->pending_fault = *tg_stepper_fault(ls->st);
        count_commit(ls, c);
        return;
    }
    if (rc != 0) {
        mismatch(ls, c->warp, "the RTL retired an instruction the simulator %s",
                 rc > 0 ? "cannot issue (no runnable lane in that warp)" : "faulted on");
        show_commit(ls->res, ls->l, "RTL", c->pc, c->mask, c->rd, c->data);
        if (rc < 0) sim_fault_line(ls);
        show_state(ls, c->warp);
        return;
    }
    unsigned srd = sc.exec ? sc.rd : TG_RZ, rrd = c->mask ? c->rd : TG_RZ;
    bool same = sc.pc == c->pc && sc.exec == c->mask && srd == rrd;
    for (unsigned lane = 0; same && srd != TG_RZ && lane < TG_RTL_LANES; lane++)
        if ((sc.exec >> lane & 1) && sc.data[lane] != c->data[lane]) same = false;
    if (!same) {
        const char *what = sc.pc != c->pc ? "different pc" : sc.exec != c->mask ? "different executed-lane mask"
                         : srd != rrd ? "different destination register" : "different values written";
        mismatch(ls, c->warp, "%s", what);
        show_commit(ls->res, ls->l, "RTL", c->pc, c->mask, rrd, c->data);
        show_commit(ls->res, ls->l, "sim", sc.pc, sc.exec, srd, sc.data);
        show_state(ls, c->warp);
        return;
    }
    count_commit(ls, c);
    if (c->warp < TG_RTL_WARPS) ls->hist[c->warp][ls->nhist[c->warp]++ % HISTORY] = *c;
}

/* The RTL faulted: the simulator must fault the same way on that warp's next instruction (or, for
 * a deadlock, find the block stuck). */
static void check_fault(ls_state *ls, const tg_rtl_result *rr)
{
    tg_lockstep_result *res = ls->res;
    if (!enter_block(ls, rr->fault_block, rr->fault_warp)) return;
    tg_stepper_commit sc;
    int rc;
    const tg_fault *f;
    if (ls->pending && ls->pending_block == rr->fault_block) { rc = -1; f = &ls->pending_fault; }
    else {
        if (rr->fault_kind == TG_FAULT_BARRIER_DEADLOCK) rc = tg_stepper_check_deadlock(ls->st);
        else rc = tg_stepper_step(ls->st, rr->fault_warp, &sc);
        f = tg_stepper_fault(ls->st);
    }
    if (rr->fault_kind == TG_RTL_FAULT_UNIMPLEMENTED) {
        res->status = TG_LOCKSTEP_UNIMPLEMENTED;
        say(res, "unimplemented in RTL: %s (kernel %s block %u warp %u pc %u); %llu warp-instructions matched "
                 "up to it\n", op_name(ls->l, rr->fault_pc), ls->l->kernel->name, rr->fault_block, rr->fault_warp,
            rr->fault_pc, (unsigned long long)res->commits);
        return;
    }
    bool mem = rr->fault_kind == TG_FAULT_OOB || rr->fault_kind == TG_FAULT_MISALIGNED;
    const tg_dim3 g = ls->l->grid;
    uint64_t sim_block = f->block.x + (uint64_t)g.x * (f->block.y + (uint64_t)g.y * f->block.z);
    bool same = rc < 0 && f->kind == (int)rr->fault_kind && sim_block == rr->fault_block;
    if (same && rr->fault_kind != TG_FAULT_BARRIER_DEADLOCK)
        same = f->warp == rr->fault_warp && f->lane == rr->fault_lane && f->pc == rr->fault_pc &&
               (!mem || f->address == rr->fault_addr);
    if (!same) {
        mismatch(ls, rr->fault_warp, "the RTL faulted (%s at block %u warp %u lane %u pc %u address 0x%08x); the "
                 "simulator %s", tg_rtl_fault_name(rr->fault_kind), rr->fault_block, rr->fault_warp,
                 rr->fault_lane, rr->fault_pc, rr->fault_addr, rc < 0 ? "faulted differently:" : "did not fault");
        if (rc < 0) sim_fault_line(ls);
        show_state(ls, rr->fault_warp);
        return;
    }
    res->fault_kind = f->kind;
    res->fault = *f;
}

/* The RTL finished: the simulator must have finished every block, and memory must match. */
static void check_end(ls_state *ls, tg_sim *s)
{
    if (ls->pending) {
        mismatch(ls, ls->pending_fault.warp, "the RTL finished; the simulator faulted (%s)",
                 tg_fault_kind_name(ls->pending_fault.kind));
        sim_fault_line(ls);
        return;
    }
    unsigned live = tg_stepper_in_flight(ls->st);
    if (ls->next != ls->nblocks || live) {
        mismatch(ls, 0, "the RTL finished; the simulator began %u of %u blocks, %u with live threads", ls->next,
                 ls->nblocks, live);
        return;
    }
    for (unsigned i = 0; i < s->nallocs; i++) {
        uint32_t a = s->allocs[i].addr, n = s->allocs[i].size;
        uint8_t *rb = malloc(n);
        if (!rb || tg_rtl_read(ls->r, a, rb, n) != 0) {
            free(rb);
            mismatch(ls, 0, "cannot read back allocation 0x%08x (%u bytes) from the RTL", a, n);
            return;
        }
        const uint8_t *sb = s->mem + a;
        for (uint32_t off = 0; off < n; off++)
            if (rb[off] != sb[off]) {
                uint32_t w = off & ~3u, rw = 0, sw = 0;
                memcpy(&rw, rb + w, w + 4 <= n ? 4 : n - w);
                memcpy(&sw, sb + w, w + 4 <= n ? 4 : n - w);
                mismatch(ls, 0, "final memory differs at 0x%08x (allocation 0x%08x+%u): RTL word 0x%08x, simulator "
                         "0x%08x", a + off, a, off, rw, sw);
                free(rb);
                return;
            }
        free(rb);
    }
}

int tg_lockstep_setup(tg_rtl *r, tg_sim *s, const tg_launch *l, tg_lockstep_result *res)
{
    memset(res, 0, sizeof *res);
    const tg_kernel *k = l->kernel;
    res->status = TG_LOCKSTEP_BAD_SETUP;
    if (s->timing || s->cfg.warp_size != TG_RTL_LANES || s->cfg.num_sms != 1) {
        say(res, "lockstep needs a functional simulator with warp size %d and one core\n", TG_RTL_LANES);
        return res->status;
    }
    uint64_t threads = (uint64_t)l->block.x * l->block.y * l->block.z;
    uint64_t blocks = (uint64_t)l->grid.x * l->grid.y * l->grid.z;
    if (threads == 0 || threads > TG_RTL_WARPS * TG_RTL_LANES || blocks == 0 || blocks > UINT32_MAX) {
        say(res, "the RTL runs blocks of 1 to %d threads and grids of 1 to 2^32-1 blocks (launch: grid %ux%ux%u, "
            "block %ux%ux%u)\n", TG_RTL_WARPS * TG_RTL_LANES, l->grid.x, l->grid.y, l->grid.z, l->block.x, l->block.y,
            l->block.z);
        return res->status;
    }
    if (k->local_bytes > TG_RTL_LOCAL_WORDS * 4) {
        say(res, "kernel %s uses %u bytes of local memory per thread; this RTL has %d\n", k->name, k->local_bytes,
            TG_RTL_LOCAL_WORDS * 4);
        return res->status;
    }
    if (k->nregs > TG_RTL_NREGS) {
        say(res, "kernel %s uses %u registers; this RTL has %d per thread\n", k->name, k->nregs, TG_RTL_NREGS);
        return res->status;
    }
    if (l->param_bytes > 0x1000 - TG_LOCKSTEP_PARAMS) {
        say(res, "parameter block of %u bytes does not fit below the simulator's memory base\n", l->param_bytes);
        return res->status;
    }
    if (tg_rtl_load_code(r, l->module->code, l->module->ncode) != 0) {
        say(res, "%u instructions do not fit the RTL's instruction memory\n", l->module->ncode);
        return res->status;
    }
    for (unsigned i = 0; i < s->nallocs; i++)
        if (tg_rtl_write(r, s->allocs[i].addr, s->mem + s->allocs[i].addr, s->allocs[i].size) != 0) {
            say(res, "allocation 0x%08x (%u bytes) lies outside the RTL's memory\n", s->allocs[i].addr,
                s->allocs[i].size);
            return res->status;
        }
    if (l->param_bytes && tg_rtl_write(r, TG_LOCKSTEP_PARAMS, l->params, l->param_bytes) != 0) {
        say(res, "cannot place the parameter block in the RTL's memory\n");
        return res->status;
    }
    return 0;
}

tg_rtl_launch tg_lockstep_rtl_launch(const tg_launch *l)
{
    const tg_kernel *k = l->kernel;
    return (tg_rtl_launch){ .entry = k->entry, .end = k->end, .grid = { l->grid.x, l->grid.y, l->grid.z },
                            .block = { l->block.x, l->block.y, l->block.z }, .params = TG_LOCKSTEP_PARAMS,
                            .param_bytes = l->param_bytes, .shared_bytes = k->shared_bytes + l->dynamic_shared,
                            .local_bytes = k->local_bytes };
}

int tg_lockstep_run(tg_rtl *r, tg_sim *s, const tg_launch *l, uint64_t max_cycles, tg_lockstep_result *res)
{
    if (tg_lockstep_setup(r, s, l, res) != 0) return res->status;
    return tg_lockstep_go(r, s, l, max_cycles, res);
}

int tg_lockstep_go(tg_rtl *r, tg_sim *s, const tg_launch *l, uint64_t max_cycles, tg_lockstep_result *res)
{
    memset(res, 0, sizeof *res);
    res->status = TG_LOCKSTEP_BAD_SETUP;
    tg_fault bad;
    ls_state ls = { .r = r, .l = l, .res = res, .nblocks = l->grid.x * l->grid.y * l->grid.z, .block = -1 };
    ls.st = tg_stepper_create(s, l, &bad);
    if (!ls.st) {
        char line[512];
        tg_fault_format(&bad, line, sizeof line);
        say(res, "simulator rejects the launch: %s\n", line);
        return res->status;
    }
    res->status = TG_LOCKSTEP_MATCH;
    tg_rtl_on_commit(r, on_commit, &ls);
    tg_rtl_launch rl = tg_lockstep_rtl_launch(l);
    tg_rtl_result rr;
    int rc = tg_rtl_run(r, &rl, max_cycles, &rr);
    tg_rtl_on_commit(r, NULL, NULL);
    res->rtl_cycles = rr.cycles;
    res->rtl = rr;
    if (!ls.failed) {
        if (rc == 0) check_end(&ls, s);
        else if (rc == 1) check_fault(&ls, &rr);
        else {
            res->status = TG_LOCKSTEP_TIMEOUT;
            say(res, "the RTL did not finish within %llu cycles (%llu warp-instructions matched)\n",
                (unsigned long long)max_cycles, (unsigned long long)res->commits);
        }
    }
    tg_stepper_destroy(ls.st);
    return res->status;
}

const char *tg_lockstep_status_name(int status)
{
    static const char *const names[] = { "match", "mismatch", "unimplemented in RTL", "timeout", "bad setup" };
    return status >= 0 && status <= TG_LOCKSTEP_BAD_SETUP ? names[status] : "?";
}
