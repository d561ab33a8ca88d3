/* launch.c: the simulated device and kernel launches in functional mode: configuration, launch
 * checks, predecoding, block set-up, and the block loop that runs each block's warps round-robin
 * until they all exit, with the watchdog and barrier-deadlock detection. */
#include "sim/core.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEPS_PER_TURN 64   /* warp-instructions a warp runs before the next warp's turn */

void tg_sim_config_default(tg_sim_config *c)
{
    memset(c, 0, sizeof *c);
    c->warp_size = 32;
    c->num_sms = 4;
    c->global_bytes = 256u << 20;
    c->max_shared_per_block = 48u << 10;
    c->max_threads_per_block = 1024;
    c->watchdog = 0;
}

tg_sim *tg_sim_create_ex(const tg_sim_config *c, char *err, size_t errlen)
{
    if (c->warp_size < 1 || c->warp_size > TG_MAX_LANES || c->num_sms < 1 || c->global_bytes < (1u << 16)) {
        snprintf(err, errlen, "bad simulator configuration (warp size 1..32, at least one core, 64 KiB of memory)");
        return NULL;
    }
    tg_sim *s = calloc(1, sizeof *s);
    if (!s) { snprintf(err, errlen, "out of memory"); return NULL; }
    s->cfg = *c;
    s->mem = calloc(1, c->global_bytes);
    s->valid = calloc(1, c->global_bytes / 32 + 1);
    if (!s->mem || !s->valid) { tg_sim_destroy(s); snprintf(err, errlen, "out of memory for %u bytes of device memory", c->global_bytes); return NULL; }
    if (c->cycle_mode) {
        s->timing = tg_timing_create(c, err, errlen);
        if (!s->timing) { tg_sim_destroy(s); return NULL; }
        const tg_timing_config *t = tg_sim_timing_config(s);
        s->cfg.num_sms = t->num_sms;          /* the preset describes the machine */
        s->cfg.warp_size = t->warp_size;
    }
    s->cfg.timing_preset = NULL;              /* not kept: the caller owns the string */
    return s;
}

tg_sim *tg_sim_create(const tg_sim_config *c)
{
    char err[256];
    return tg_sim_create_ex(c, err, sizeof err);
}

void tg_sim_destroy(tg_sim *s)
{
    if (!s) return;
    free(s->mem);
    free(s->valid);
    free(s->allocs);
    tg_timing_destroy(s->timing);
    free(s);
}

/* ---- predecoding -------------------------------------------------------------------------------- */

static int reg_ok(unsigned reg, unsigned count, unsigned nregs)
{
    return reg == TG_RZ || reg + count <= nregs;
}

static uint16_t row(unsigned reg, unsigned nregs, int write)
{
    return (uint16_t)(reg == TG_RZ ? (write ? nregs + 1 : nregs) : reg);
}

void tg_predecode(const tg_module *m, const tg_kernel *k, tg_pinst *code)
{
    unsigned nregs = k->nregs;
    for (uint32_t pc = k->entry; pc < k->end; pc++) {
        tg_pinst *pi = &code[pc - k->entry];
        memset(pi, 0, sizeof *pi);
        tg_inst in;
        const char *why;
        if (tg_decode(m->code[pc], &in, &why) != 0) {
            pi->illegal = why;
            continue;
        }
        const tg_opinfo *oi = tg_opinfo_get(in.op);
        unsigned f = oi->format;
        pi->op = in.op;
        pi->format = (uint8_t)f;
        pi->latency = oi->latency;
        pi->guard = in.guard;
        pi->guard_neg = in.guard_neg;
        pi->bimm = in.bimm;
        pi->mod = in.mod;
        pi->ext = in.ext;
        pi->imm = in.imm;
        pi->rd_num = in.rd;
        pi->ra_num = in.ra;
        pi->rb_num = in.rb;
        bool rd_reg = f == TG_FMT_RB || f == TG_FMT_RA || f == TG_FMT_RAB || f == TG_FMT_RABC || f == TG_FMT_S2R ||
                      f == TG_FMT_SEL || f == TG_FMT_LD || f == TG_FMT_ST || f == TG_FMT_ATOM ||
                      f == TG_FMT_SHFL || f == TG_FMT_VOTER;
        bool ra_reg = f == TG_FMT_RA || f == TG_FMT_RAB || f == TG_FMT_RABC || f == TG_FMT_SEL || f == TG_FMT_SETP ||
                      f == TG_FMT_LD || f == TG_FMT_ST || f == TG_FMT_ATOM || f == TG_FMT_SHFL || f == TG_FMT_BAR;
        bool rb_reg = (!in.bimm && (f == TG_FMT_RB || f == TG_FMT_RAB || f == TG_FMT_SEL || f == TG_FMT_SETP)) ||
                      f == TG_FMT_RABC || f == TG_FMT_ATOM || f == TG_FMT_SHFL;
        bool rc_reg = f == TG_FMT_RABC || f == TG_FMT_SHFL || (f == TG_FMT_ATOM && in.mod == TG_ATOM_CAS);
        unsigned wide = (f == TG_FMT_LD || f == TG_FMT_ST) && tg_width_bytes(in.mod) > 4 ? tg_width_bytes(in.mod) / 4 : 1;
        if ((rd_reg && !reg_ok(in.rd, wide, nregs)) || (ra_reg && !reg_ok(in.ra, 1, nregs)) ||
            (rb_reg && !reg_ok(in.rb, 1, nregs)) || (rc_reg && !reg_ok(in.rc, 1, nregs))) {
            pi->illegal = "uses a register beyond the kernel's register count";
            continue;
        }
        pi->rd_w = rd_reg ? row(in.rd, nregs, 1) : (uint16_t)(nregs + 1);
        pi->rd_r = rd_reg ? row(in.rd, nregs, 0) : (uint16_t)nregs;
        pi->ra = ra_reg ? row(in.ra, nregs, 0) : (uint16_t)nregs;
        pi->rb = rb_reg ? row(in.rb, nregs, 0) : (uint16_t)nregs;
        pi->rc = rc_reg ? row(in.rc, nregs, 0) : (uint16_t)nregs;
    }
}

/* ---- blocks ------------------------------------------------------------------------------------- */

int tg_block_init(tg_block *b, uint32_t linear)
{
    b->idx = tg_dim3_of_linear(b->grid, linear);
    b->nthreads = b->dim.x * b->dim.y * b->dim.z;
    b->nwarps = (b->nthreads + b->warp_size - 1) / b->warp_size;
    b->nregs = b->k->nregs;
    b->smid = linear % b->nsms;
    b->live_threads = b->nthreads;
    memset(b->bar, 0, sizeof b->bar);
    b->warps = calloc(b->nwarps, sizeof *b->warps);
    if (!b->warps) return -1;
    size_t rows = (size_t)b->nregs + 2;
    for (unsigned i = 0; i < b->nwarps; i++) {
        tg_warp *w = &b->warps[i];
        w->id = i;
        unsigned n = b->nthreads - i * b->warp_size;
        if (n > b->warp_size) n = b->warp_size;
        w->exists = w->live = n == 32 ? 0xffffffffu : (1u << n) - 1;
        w->pred[TG_PT] = 0xffffffffu;
        for (unsigned l = 0; l < TG_MAX_LANES; l++) w->pc[l] = b->k->entry;
        w->regs = calloc(rows * b->warp_size, sizeof *w->regs);
        if (!w->regs) return -1;
    }
    memset(b->shared, 0, b->shared_bytes);
    if (b->local_bytes) memset(b->local, 0, (size_t)b->nthreads * b->local_bytes);
    return 0;
}

void tg_block_free(tg_block *b)
{
    if (b->warps)
        for (unsigned i = 0; i < b->nwarps; i++) free(b->warps[i].regs);
    free(b->warps);
    b->warps = NULL;
}

/* ---- launch ------------------------------------------------------------------------------------- */

static int bad_launch(tg_fault *f, const tg_launch *l, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad_launch(tg_fault *f, const tg_launch *l, const char *fmt, ...)
{
    memset(f, 0, sizeof *f);
    f->kind = TG_FAULT_BAD_LAUNCH;
    snprintf(f->kernel, sizeof f->kernel, "%s", l->kernel ? l->kernel->name : "?");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
    return -1;
}

/* Runs one block to completion in functional mode. */
static int run_block(tg_block *b, uint64_t *budget_used, uint64_t watchdog)
{
    for (;;) {
        int progressed = 0, any_live = 0;
        for (unsigned i = 0; i < b->nwarps; i++) {
            tg_warp *w = &b->warps[i];
            for (int n = 0; n < STEPS_PER_TURN; n++) {
                if (watchdog && *budget_used >= watchdog) {
                    uint32_t run = w->live & ~w->waiting;
                    int lane = run ? __builtin_ctz(run) : 0;
                    return tg_block_fault(b, w, lane, w->pc[lane], TG_FAULT_WATCHDOG, TG_SPACE_NONE, 0,
                                          "%llu warp-instructions executed (the budget; raise it with --watchdog)",
                                          (unsigned long long)watchdog);
                }
                int rc = tg_warp_step(b, w, NULL);
                if (rc == TG_STEP_FAULT) return -1;
                if (rc == TG_STEP_IDLE) break;
                progressed = 1;
                (*budget_used)++;
            }
            if (w->live) any_live = 1;
        }
        if (!any_live) return 0;
        if (!progressed) return tg_block_deadlock(b);
    }
}

int tg_block_deadlock(tg_block *b)
{
    for (unsigned i = 0; i < b->nwarps; i++) {
        tg_warp *w = &b->warps[i];
        if (!w->waiting) continue;
        int lane = __builtin_ctz(w->waiting);
        unsigned id = w->bar_of[lane];
        return tg_block_fault(b, w, lane, w->pc[lane] - 1, TG_FAULT_BARRIER_DEADLOCK, TG_SPACE_NONE, 0,
                              "%u of the block's %u live threads wait at barrier %u, which needs %u, and no thread can run",
                              b->bar[id].waiting, b->live_threads, id,
                              b->bar[id].expected ? b->bar[id].expected : b->live_threads);
    }
    return tg_block_fault(b, &b->warps[0], 0, 0, TG_FAULT_BARRIER_DEADLOCK, TG_SPACE_NONE, 0, "no thread can run");
}

int tg_launch_check(const tg_sim *s, const tg_launch *l, tg_fault *fault, uint32_t *shared_bytes)
{
    memset(fault, 0, sizeof *fault);
    const tg_kernel *k = l->kernel;
    const tg_module *m = l->module;
    if (!m || !k) return bad_launch(fault, l, "no kernel");
    if (k->entry >= k->end || k->end > m->ncode) return bad_launch(fault, l, "kernel code range outside its module");
    tg_dim3 g = l->grid, d = l->block;
    if (!g.x || !g.y || !g.z || !d.x || !d.y || !d.z)
        return bad_launch(fault, l, "grid (%u,%u,%u) and block (%u,%u,%u) must be non-zero", g.x, g.y, g.z, d.x, d.y, d.z);
    uint64_t threads = (uint64_t)d.x * d.y * d.z, blocks = (uint64_t)g.x * g.y * g.z;
    if (threads > s->cfg.max_threads_per_block)
        return bad_launch(fault, l, "%llu threads per block (at most %u)", (unsigned long long)threads, s->cfg.max_threads_per_block);
    if (blocks > 0xffffffffull) return bad_launch(fault, l, "more than 2^32 blocks");
    uint64_t shared = (uint64_t)k->shared_bytes + l->dynamic_shared;
    if (shared > s->cfg.max_shared_per_block)
        return bad_launch(fault, l, "%llu bytes of shared memory per block (at most %u)", (unsigned long long)shared,
                          s->cfg.max_shared_per_block);
    if (l->param_bytes != k->param_bytes)
        return bad_launch(fault, l, "parameter block of %u bytes; the kernel's parameters take %u", l->param_bytes, k->param_bytes);
    if ((uint64_t)k->local_bytes * threads > (64u << 20))
        return bad_launch(fault, l, "%u local bytes per thread is too much for a %llu-thread block", k->local_bytes,
                          (unsigned long long)threads);
    *shared_bytes = (uint32_t)shared;
    return 0;
}

int tg_sim_launch(tg_sim *s, const tg_launch *l, tg_run_stats *stats, tg_fault *fault)
{
    tg_fault scratch;
    if (!fault) fault = &scratch;
    if (stats) memset(stats, 0, sizeof *stats);
    uint32_t shared;
    if (tg_launch_check(s, l, fault, &shared) != 0) return -1;
    const tg_kernel *k = l->kernel;
    const tg_module *m = l->module;
    tg_dim3 g = l->grid, d = l->block;
    uint64_t threads = (uint64_t)d.x * d.y * d.z, blocks = (uint64_t)g.x * g.y * g.z;

    tg_pinst *code = calloc(k->end - k->entry, sizeof *code);
    uint8_t *shmem = calloc(1, shared ? shared : 1);
    uint8_t *local = calloc(1, k->local_bytes ? (size_t)k->local_bytes * threads : 1);
    if (!code || !shmem || !local) {
        free(code); free(shmem); free(local);
        return bad_launch(fault, l, "out of host memory");
    }
    tg_predecode(m, k, code);
    if (s->timing) {
        tg_timing_stats before;
        tg_sim_timing_stats(s, &before);
        int trc = tg_timing_run(s, l, code, shared, fault, stats);
        if (stats) {
            tg_timing_stats after;
            tg_sim_timing_stats(s, &after);
            stats->warp_instrs = after.warp_instrs - before.warp_instrs ;
            stats->thread_instrs = after.thread_instrs - before.thread_instrs;
        }
        free(code);
        free(shmem);
        free(local);
        return trc;
    }
    tg_block b = { .sim = s, .k = k, .code = code, .dim = d, .grid = g, .warp_size = s->cfg.warp_size,
                   .nsms = s->cfg.num_sms, .shared = shmem, .shared_bytes = shared, .local = local,
                   .local_bytes = k->local_bytes, .params = l->params, .param_bytes = l->param_bytes,
                   .clock = &s->clock, .fault = fault };
    uint64_t used = 0;
    int rc = 0;
    for (uint32_t i = 0; i < blocks && rc == 0; i++) {
        if (tg_block_init(&b, i) != 0) { rc = bad_launch(fault, l, "out of host memory"); break; }
        if (run_block(&b, &used, s->cfg.watchdog) != 0) rc = -1;
        tg_block_free(&b);
    }
    if (stats) {
        stats->warp_instrs = b.warp_instrs;
        stats->thread_instrs = b.thread_instrs;
    }
    free(code);
    free(shmem);
    free(local);
    return rc;
}
