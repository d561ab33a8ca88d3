/* launch.c: tg_sim_launch in functional mode: validates the launch, then runs blocks one at a
 * time (x fastest), each block's warps round-robin one instruction per turn until all exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core.h"

static int bad_launch(tg_fault *f, const tg_launch *l, const char *why)
{
    memset(f, 0, sizeof *f);
    f->kind = TG_FAULT_BAD_LAUNCH;
    snprintf(f->kernel, sizeof f->kernel, "%s", l && l->kernel ? l->kernel->name : "?");
    snprintf(f->detail, sizeof f->detail, "%s", why);
    return -1;
}

static int validate(tg_sim *s, const tg_launch *l, tg_fault *f)
{
    char why[200];
    if (!l->module || !l->kernel) return bad_launch(f, l, "no module or kernel");
    const tg_kernel *k = l->kernel;
    if (k->entry >= k->end || k->end > l->module->ncode)
        return bad_launch(f, l, "kernel code range outside the module");
    if (!l->grid.x || !l->grid.y || !l->grid.z || !l->block.x || !l->block.y || !l->block.z)
        return bad_launch(f, l, "grid and block dimensions must be nonzero");
    uint64_t threads = (uint64_t)l->block.x * l->block.y * l->block.z;
    if (threads > s->cfg.max_threads_per_block) {
        snprintf(why, sizeof why, "%llu threads per block, most is %u",
                 (unsigned long long)threads, s->cfg.max_threads_per_block);
        return bad_launch(f, l, why);
    }
    uint64_t shared = (uint64_t)k->shared_bytes + l->dynamic_shared;
    if (shared > s->cfg.max_shared_per_block) {
        snprintf(why, sizeof why, "%llu shared bytes per block, most is %u",
                 (unsigned long long)shared, s->cfg.max_shared_per_block);
        return bad_launch(f, l, why);
    }
    if (l->param_bytes != k->param_bytes || (l->param_bytes && !l->params)) {
        snprintf(why, sizeof why, "parameter block of %u bytes, kernel takes %u",
                 l->param_bytes, k->param_bytes);
        return bad_launch(f, l, why);
    }
    if ((uint64_t)k->local_bytes * threads > (256u << 20))
        return bad_launch(f, l, "local memory per block above 256 MiB");
    return 0;
}

static int run_block(tg_block *b, uint64_t *budget, tg_run_stats *st)
{
    unsigned ws = b->warp_size;
    memset(b->shared, 0, b->shared_bytes);
    if (b->local) memset(b->local, 0, (size_t)b->nthreads * b->k->local_bytes);
    memset(b->bar_arrived, 0, sizeof b->bar_arrived);
    memset(b->bar_target, 0, sizeof b->bar_target);
    b->live_threads = b->nthreads;
    for (unsigned i = 0; i < b->nwarps; i++) {
        tg_warp *w = &b->warps[i];
        w->id = i;
        w->nlanes = b->nthreads - i * ws < ws ? b->nthreads - i * ws : ws;
        w->live = w->nlanes == 32 ? 0xffffffffu : (1u << w->nlanes) - 1;
        w->waiting = 0;
        for (unsigned j = 0; j < 32; j++) w->pc[j] = b->k->entry;
        memset(w->pred, 0, sizeof w->pred);
        w->pred[TG_PT] = 0xffffffffu;
        memset(w->regs, 0, (size_t)b->nrows * 32 * sizeof *w->regs);
    }
    for (;;) {
        bool progress = false;
        for (unsigned i = 0; i < b->nwarps; i++) {
            tg_warp *w = &b->warps[i];
            if (*budget == 0) {
                unsigned lane = 0;
                uint32_t run = w->live & ~w->waiting;
                if (run) lane = (unsigned)__builtin_ctz(run);
                tg_block_fault(b, w, lane, w->pc[lane], TG_FAULT_WATCHDOG, TG_SPACE_NONE, 0,
                               "%llu warp-instructions issued, the watchdog limit",
                               (unsigned long long)b->sim->cfg.watchdog);
                return -1;
            }
            int r = tg_warp_step(b, w, NULL);
            if (r == TG_STEP_FAULT) return -1;
            if (r == TG_STEP_OK) {
                progress = true;
                if (b->sim->cfg.watchdog) (*budget)--;
            }
        }
        if (!progress) break;
    }
    st->warp_instrs += b->warp_instrs;
    st->thread_instrs += b->thread_instrs;
    b->warp_instrs = b->thread_instrs = 0;
    if (b->live_threads) {
        for (unsigned i = 0; i < b->nwarps; i++) {
            tg_warp *w = &b->warps[i];
            if (!w->waiting) continue;
            unsigned lane = (unsigned)__builtin_ctz(w->waiting);
            unsigned id = w->bar_id[lane];
            tg_block_fault(b, w, lane, w->pc[lane] - 1, TG_FAULT_BARRIER_DEADLOCK, TG_SPACE_NONE,
                           0, "barrier %u: %u of %u threads arrived, the rest exited or wait "
                           "elsewhere", id, b->bar_arrived[id],
                           b->bar_target[id] ? b->bar_target[id] : b->live_threads);
            return -1;
        }
    }
    return 0;
}

int tg_sim_launch(tg_sim *s, const tg_launch *l, tg_run_stats *stats, tg_fault *fault)
{
    tg_fault fdummy;
    tg_run_stats sdummy;
    if (!fault) fault = &fdummy;
    if (!stats) stats = &sdummy;
    memset(stats, 0, sizeof *stats);
    memset(fault, 0, sizeof *fault);
    if (validate(s, l, fault)) return -1;
    const tg_kernel *k = l->kernel;
    tg_block b;
    memset(&b, 0, sizeof b);
    b.sim = s;
    b.l = l;
    b.k = k;
    b.fault = fault;
    b.warp_size = s->cfg.warp_size;
    b.nthreads = l->block.x * l->block.y * l->block.z;
    b.nwarps = (b.nthreads + b.warp_size - 1) / b.warp_size;
    b.shared_bytes = k->shared_bytes + l->dynamic_shared;
    b.code = tg_predecode(l->module, k, &b.nrows);
    b.warps = calloc(b.nwarps, sizeof *b.warps);
    b.shared = malloc(b.shared_bytes ? b.shared_bytes : 1);
    if (k->local_bytes) b.local = malloc((size_t)b.nthreads * k->local_bytes);
    uint32_t *regs = malloc((size_t)b.nwarps * b.nrows * 32 * sizeof *regs);
    int rc = 0;
    if (!b.code || !b.warps || !b.shared || !regs || (k->local_bytes && !b.local)) {
        rc = bad_launch(fault, l, "out of host memory for the launch");
        goto out;
    }
    for (unsigned i = 0; i < b.nwarps; i++) b.warps[i].regs = regs + (size_t)i * b.nrows * 32;
    uint64_t budget = s->cfg.watchdog ? s->cfg.watchdog : 1;
    uint64_t nblocks = (uint64_t)l->grid.x * l->grid.y * l->grid.z;
    for (uint64_t i = 0; i < nblocks && rc == 0; i++) {
        b.ctaid.x = (uint32_t)(i % l->grid.x);
        b.ctaid.y = (uint32_t)(i / l->grid.x % l->grid.y);
        b.ctaid.z = (uint32_t)(i / l->grid.x / l->grid.y);
        b.sm = (unsigned)(i % s->cfg.num_sms);
        rc = run_block(&b, &budget, stats);
    }
out:
    free(regs);
    free(b.local);
    free(b.shared);
    free(b.warps);
    free((void *)(uintptr_t)b.code);
    return rc;
}
