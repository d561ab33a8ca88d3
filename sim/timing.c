/* timing.c: the cycle-level timing model. Per SM: resident blocks (dispatched within the occupancy
 * limits), warp schedulers (loose round-robin, greedy-then-oldest, two-level), an instruction cache,
 * a scoreboard per warp, register-bank conflicts, pipelines with latency and issue interval per
 * latency class, a coalescer, shared-memory banks and an L1; behind them L2 slices over an
 * interconnect and the DRAM model. A warp issues when its operands are ready, its pipe is free and
 * its instruction is fetched; issuing runs the functional core's tg_warp_step (so results equal
 * functional mode) and the model charges the instruction's latency to its destination registers.
 * Cycles in which nothing can issue are skipped to the next event. */
#include "sim/core.h"

#include <stdlib.h>
#include <string.h>

#include "sim/cache_model.h"
#include "sim/dram_model.h"

#define NEVER UINT64_MAX

typedef struct wslot {           /* a resident warp */
    tg_block *b;
    tg_warp *w;
    uint64_t *ready;             /* per register row: cycle its value is ready */
    uint8_t *from_mem;           /* per row: produced by a load (stall reason "memory") */
    uint64_t pred_ready[8];
    uint64_t fetch_ready;
    int64_t fetched_pc;          /* pc whose I-cache miss this warp waited for (-1: none) */
    uint64_t age;                /* dispatch order, for greedy-then-oldest */
    int sched;
} wslot;

typedef struct resident { tg_block b; uint8_t *shared, *local; int used; int first_slot; } resident;

typedef struct sm {
    tg_cache l1, icache;
    resident *blocks;            /* max_blocks_per_sm */
    wslot *slots;                /* max_warps_per_sm */
    int nslots_used;
    uint32_t warps, threads, regs, shared;   /* in use */
    uint64_t pipe_free[16][10];  /* per scheduler, per latency class */
    int last[16];                /* per scheduler: last issued slot (LRR, GTO) */
    uint64_t *mshr;              /* release cycles of outstanding L1 misses */
    uint64_t clock;              /* %clock */
} sm;

struct tg_timing {
    tg_timing_config cfg;
    tg_cache *l2;                /* slices */
    tg_dram dram;
    tg_timing_stats stats;
    FILE *trace;
    int trace_format, trace_sm, trace_warp;
    uint64_t trace_base;         /* cycles of earlier launches, so traces line up */
    uint64_t drain;              /* latest completion of any memory request of this launch */
    tg_timing_hooks hooks;       /* observers; callbacks NULL when unset */
};

struct tg_timing *tg_timing_create(const tg_sim_config *c, char *err, size_t errlen)
{
    struct tg_timing *t = calloc(1, sizeof *t);
    if (!t) { snprintf(err, errlen, "out of memory"); return NULL; }
    if (c->timing_preset) {
        if (tg_timing_config_load(&t->cfg, c->timing_preset, err, errlen)) { free(t); return NULL; }
    } else if (tg_timing_config_load(&t->cfg, "default", err, errlen)) {
        tg_timing_config_default(&t->cfg);   /* no preset files around: the built-in values */
    }
    t->l2 = calloc(t->cfg.l2_slices, sizeof *t->l2);
    int bad = !t->l2 || tg_dram_init(&t->dram, &t->cfg);
    for (uint32_t i = 0; !bad && i < t->cfg.l2_slices; i++)
        bad = tg_cache_init(&t->l2[i], t->cfg.l2.size, t->cfg.l2.assoc, t->cfg.l2.line, t->cfg.l2_slices);
    if (bad) { tg_timing_destroy(t); snprintf(err, errlen, "out of memory"); return NULL; }
    t->stats.max_warps = t->cfg.max_warps_per_sm;
    t->stats.line_bytes = t->cfg.l1.line;
    return t;
}

void tg_timing_destroy(struct tg_timing *t)
{
    if (!t) return;
    if (t->l2) for (uint32_t i = 0; i < t->cfg.l2_slices; i++) tg_cache_free(&t->l2[i]);
    free(t->l2);
    tg_dram_free(&t->dram);
    free(t);
}

int tg_sim_timing_stats(const tg_sim *s, tg_timing_stats *out)
{
    if (!s->timing) return -1;
    *out = s->timing->stats;
    return 0;
}

const tg_timing_config *tg_sim_timing_config(const tg_sim *s) { return s->timing ? &s->timing->cfg : NULL; }

static void dram_observer(void *ctx, uint64_t cycle, uint32_t bank, int row_hit, int is_write)
{
    const struct tg_timing *t = ctx;
    t->hooks.dram(t->hooks.ctx, t->trace_base + cycle, (int)bank, row_hit, is_write);
}

int tg_sim_set_timing_hooks(tg_sim *s, const tg_timing_hooks *h)
{
    if (!s->timing) return -1;
    if (h) s->timing->hooks = *h;
    else memset(&s->timing->hooks, 0, sizeof s->timing->hooks);
    /* the DRAM model calls out only when someone listens */
    s->timing->dram.observe = s->timing->hooks.dram ? dram_observer : NULL;
    s->timing->dram.observe_ctx = s->timing;
    return 0;
}

static void note_state(const struct tg_timing *t, int smi, int slot, int state)
{
    if (t->hooks.warp_state) t->hooks.warp_state(t->hooks.ctx, smi, slot, state);
}

static void note_mem(const struct tg_timing *t, uint64_t now, int smi, int event)
{
    if (t->hooks.mem) t->hooks.mem(t->hooks.ctx, t->trace_base + now, smi, event);
}

/* ---- tracing ------------------------------------------------------------------------------------- */

int tg_sim_trace_begin(tg_sim *s, FILE *f, int format, int smf, int warpf)
{
    struct tg_timing *t = s->timing;
    if (!t) return -1;
    t->trace = f;
    t->trace_format = format;
    t->trace_sm = smf;
    t->trace_warp = warpf;
    if (format == TG_TRACE_JSON) fprintf(f, "{\"traceEvents\":[\n{\"name\":\"tgpu\",\"ph\":\"M\",\"pid\":0,\"args\":{}}");
    if (format == TG_TRACE_VCD) {
        fprintf(f, "$timescale 1ns $end\n$scope module gpu $end\n");
        for (uint32_t c = 0; c < t->cfg.num_sms; c++) {
            fprintf(f, "$scope module core%u $end\n", c);
            for (uint32_t w = 0; w < t->cfg.max_warps_per_sm; w++) {
                fprintf(f, "$scope module warp%u $end\n", w);
                fprintf(f, "$var wire 32 p%u_%u pc $end\n$var wire 32 m%u_%u active_mask $end\n", c, w, c, w);
                fprintf(f, "$upscope $end\n");
            }
            fprintf(f, "$upscope $end\n");
        }
        fprintf(f, "$upscope $end\n$enddefinitions $end\n");
    }
    return 0;
}

void tg_sim_trace_end(tg_sim *s)
{
    struct tg_timing *t = s->timing;
    if (!t || !t->trace) return;
    if (t->trace_format == TG_TRACE_JSON) fprintf(t->trace, "\n]}\n");
    fflush(t->trace);
    t->trace = NULL;
}

static void trace_issue(struct tg_timing *t, uint64_t now, int smi, int slot, const tg_step_info *in, uint64_t done)
{
    FILE *f = t->trace;
    const tg_opinfo *oi = tg_opinfo_get(in->op);
    uint64_t at = t->trace_base + now;
    switch (t->trace_format) {
    case TG_TRACE_JSON:
        fprintf(f, ",\n{\"name\":\"%s\",\"ph\":\"X\",\"ts\":%llu,\"dur\":%llu,\"pid\":%d,\"tid\":%d,\"args\":{\"pc\":%u,\"mask\":\"0x%08x\"}}",
                oi ? oi->mnemonic : "?", (unsigned long long)at, (unsigned long long)(done > now ? done - now : 1),
                smi, slot, in->pc, in->exec);
        break;
    case TG_TRACE_VCD:
        fprintf(f, "#%llu\nb", (unsigned long long)at);
        for (int i = 31; i >= 0; i--) fputc('0' + ((in->pc >> i) & 1), f);
        fprintf(f, " p%d_%d\nb", smi, slot);
        for (int i = 31; i >= 0; i--) fputc('0' + ((in->exec >> i) & 1), f);
        fprintf(f, " m%d_%d\n", smi, slot);
        break;
    default:
        if ((t->trace_sm >= 0 && t->trace_sm != smi) || (t->trace_warp >= 0 && t->trace_warp != slot)) return;
        fprintf(f, "cycle %8llu  core %d  warp %2d  pc %5u  %-8s exec 0x%08x  done %llu\n", (unsigned long long)at,
                smi, slot, in->pc, oi ? oi->mnemonic : "?", in->exec, (unsigned long long)(t->trace_base + done));
        break;
    }
}

/* ---- per-instruction readiness -------------------------------------------------------------------- */

static uint32_t next_pc(const tg_warp *w, uint32_t runnable)
{
    uint32_t best = UINT32_MAX;
    TG_FOR_LANES(runnable, l) if (w->pc[l] < best) best = w->pc[l];
    return best;
}

/* Cycle at which the instruction at pc can issue as far as its operands go; *mem tells whether
 * the latest operand comes from a load. */
static uint64_t operands_ready(const wslot *ws, const tg_pinst *pi, int *mem)
{
    uint64_t r = ws->pred_ready[pi->guard];
    *mem = 0;
    const uint16_t rows[4] = { pi->ra, pi->rb, pi->rc, pi->rd_r };
    for (int i = 0; i < 4; i++)
        if (ws->ready[rows[i]] > r) { r = ws->ready[rows[i]]; *mem = ws->from_mem[rows[i]]; }
    if (ws->ready[pi->rd_w] > r) { r = ws->ready[pi->rd_w]; *mem = ws->from_mem[pi->rd_w]; }   /* WAW */
    if (pi->format == TG_FMT_PLOG || pi->format == TG_FMT_VOTEP || pi->format == TG_FMT_VOTER || pi->op == TG_OP_SEL) {
        unsigned p = pi->op == TG_OP_SEL ? (pi->mod & 7u) : pi->ra_num & 7u;
        if (ws->pred_ready[p] > r) { r = ws->pred_ready[p]; *mem = 0; }
        if (pi->format == TG_FMT_PLOG && ws->pred_ready[pi->rb_num & 7] > r) r = ws->pred_ready[pi->rb_num & 7];
    }
    return r;
}

/* ---- memory instructions -------------------------------------------------------------------------- */

static uint64_t l2_access(struct tg_timing *t, int smi, uint64_t line_addr, uint64_t at, int write, uint64_t *dram_line,
                          int *dram_write, int *ndram)
{
    const tg_timing_config *c = &t->cfg;
    tg_cache *slice = &t->l2[(line_addr / c->l1.line) % c->l2_slices];
    if (tg_cache_access(slice, line_addr, true)) {
        t->stats.l2_hits++;
        note_mem(t, at, smi, TG_MEV_L2_HIT);
        return at + c->icnt_latency + c->l2.latency + c->icnt_latency;
    }
    t->stats.l2_misses++;
    note_mem(t, at, smi, TG_MEV_L2_MISS);
    dram_line[*ndram] = line_addr;
    dram_write[*ndram] = write;
    (*ndram)++;
    return 0;   /* the caller fills in the DRAM completion */
}

/* Global load/store/atomic: coalesce into lines, L1 (loads), L2 slices, DRAM. Returns the cycle
 * the destination is ready and sets *busy to the LSU cycles the coalesced requests take. */
static uint64_t global_access(struct tg_timing *t, sm *m, int smi, const tg_step_info *in, uint64_t now, uint32_t *busy)
{
    const tg_timing_config *c = &t->cfg;
    uint64_t lines[32];
    int n = 0;
    TG_FOR_LANES(in->exec, l) {
        uint64_t la = in->addr[l] / c->l1.line * c->l1.line;
        int seen = 0;
        for (int i = 0; i < n && !seen; i++) seen = lines[i] == la;
        if (!seen) lines[n++] = la;
    }
    t->stats.gmem_instrs++;
    t->stats.gmem_lines += (uint64_t)n;
    t->stats.gmem_bytes_used += (uint64_t)__builtin_popcount(in->exec) * in->bytes;
    *busy = (uint32_t)n;
    int is_load = in->op == TG_OP_LDG, is_atom = in->op == TG_OP_ATOMG;
    uint64_t done = now + 1, dram_line[32], dram_done[32], finish[32];
    int dram_write[32], ndram = 0, which[32];
    for (int i = 0; i < n; i++) {
        finish[i] = 0;
        if (is_load && tg_cache_access(&m->l1, lines[i], false)) {
            t->stats.l1_hits++;
            note_mem(t, now, smi, TG_MEV_L1_HIT);
            finish[i] = now + c->l1.latency;
            continue;
        }
        uint64_t start = now;
        if (is_load) {
            t->stats.l1_misses++;
            note_mem(t, now, smi, TG_MEV_L1_MISS);
            /* an MSHR: the earliest one free, waiting for it if all are busy */
            uint32_t best = 0;
            for (uint32_t k = 1; k < c->l1.mshrs; k++) if (m->mshr[k] < m->mshr[best]) best = k;
            if (m->mshr[best] > start) start = m->mshr[best];
            which[i] = (int)best;
        }
        int before = ndram;
        uint64_t f = l2_access(t, smi, lines[i], start + c->l1.latency, !is_load && !is_atom, dram_line, dram_write, &ndram);
        finish[i] = f;
        if (ndram > before) finish[i] = 0, dram_done[ndram - 1] = start + c->l1.latency + c->icnt_latency + c->l2.latency;
    }
    if (ndram) {
        /* the misses of this instruction reach DRAM together: one FR-FCFS batch */
        uint64_t arrive = dram_done[0];
        uint64_t res[32];
        tg_dram_batch(&t->dram, dram_line, dram_write, ndram, arrive, res);
        for (int i = 0, k = 0; i < n; i++)
            if (!finish[i]) finish[i] = res[k++] + c->icnt_latency;
    }
    for (int i = 0; i < n; i++) {
        if (finish[i] > done) done = finish[i];
        if (is_load && finish[i] > now + c->l1.latency) {   /* a miss: fill L1, hold the MSHR */
            tg_cache_access(&m->l1, lines[i], true);
            m->mshr[which[i]] = finish[i];
        }
    }
    if (done > t->drain) t->drain = done;   /* the launch ends when its memory traffic has drained */
    return is_load || is_atom ? done : now + 1;   /* stores do not hold the warp */
}

/* Shared memory: the access takes as many passes as the most-used bank has distinct words. */
static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static uint32_t bank_passes(const tg_timing_config *c, const tg_step_info *in)
{
    uint32_t words[TG_MAX_LANES * 4], n = 0, per = in->bytes > 4 ? in->bytes / 4 : 1;
    TG_FOR_LANES(in->exec, l)
        for (uint32_t k = 0; k < per; k++) words[n++] = in->addr[l] / 4 + k;
    qsort(words, n, sizeof *words, cmp_u32);
    uint32_t count[64] = { 0 }, banks = c->shared_banks > 64 ? 64 : c->shared_banks, worst = 1;
    for (uint32_t i = 0; i < n; i++) {
        if (i && words[i] == words[i - 1]) continue;   /* same word: one broadcast */
        uint32_t b = words[i] % banks;
        if (++count[b] > worst) worst = count[b];
    }
    return worst;
}

/* ---- dispatch ------------------------------------------------------------------------------------- */

typedef struct launch_state {
    tg_sim *s;
    const tg_launch *l;
    const tg_pinst *code;
    uint32_t shared_bytes, nthreads, nwarps, regs_per_block;
    uint64_t blocks, next_block, done_blocks, age;
    tg_fault *fault;
} launch_state;

static int fits(const struct tg_timing *t, const sm *m, const launch_state *ls)
{
    const tg_timing_config *c = &t->cfg;
    int free_block = 0;
    for (uint32_t i = 0; i < c->max_blocks_per_sm; i++) free_block |= !m->blocks[i].used;
    return free_block && m->warps + ls->nwarps <= c->max_warps_per_sm && m->threads + ls->nthreads <= c->max_threads_per_sm &&
           m->regs + ls->regs_per_block <= c->regs_per_sm && m->shared + ls->shared_bytes <= c->shared_per_sm;
}

static int dispatch(struct tg_timing *t, sm *m, int smi, launch_state *ls)
{
    const tg_timing_config *c = &t->cfg;
    uint32_t bi = 0;
    while (m->blocks[bi].used) bi++;
    resident *r = &m->blocks[bi];
    memset(r, 0, sizeof *r);
    const tg_kernel *k = ls->l->kernel;
    r->shared = calloc(1, ls->shared_bytes ? ls->shared_bytes : 1);
    r->local = calloc(1, k->local_bytes ? (size_t)k->local_bytes * ls->nthreads : 1);
    if (!r->shared || !r->local) return -1;
    tg_block *b = &r->b;
    *b = (tg_block){ .sim = ls->s, .k = k, .code = ls->code, .dim = ls->l->block, .grid = ls->l->grid,
                     .warp_size = c->warp_size, .nsms = c->num_sms, .shared = r->shared, .shared_bytes = ls->shared_bytes,
                     .local = r->local, .local_bytes = k->local_bytes, .params = ls->l->params,
                     .param_bytes = ls->l->param_bytes, .clock = &m->clock, .fault = ls->fault };
    if (tg_block_init(b, (uint32_t)ls->next_block++) != 0) return -1;
    b->smid = (unsigned)smi;
    r->used = 1;
    size_t rows = (size_t)b->nregs + 2;
    for (unsigned wi = 0; wi < b->nwarps; wi++) {
        int slot = 0;
        while (m->slots[slot].w) slot++;
        wslot *ws = &m->slots[slot];
        memset(ws, 0, sizeof *ws);
        ws->b = b;
        ws->w = &b->warps[wi];
        ws->ready = calloc(rows, sizeof *ws->ready);
        ws->from_mem = calloc(rows, 1);
        if (!ws->ready || !ws->from_mem) return -1;
        ws->age = ls->age++;
        ws->fetched_pc = -1;
        ws->sched = slot % (int)c->schedulers_per_sm;
        if (slot + 1 > m->nslots_used) m->nslots_used = slot + 1;
    }
    m->warps += ls->nwarps;
    m->threads += ls->nthreads;
    m->regs += ls->regs_per_block;
    m->shared += ls->shared_bytes;
    return 0;
}

static void retire_finished(sm *m, uint32_t max_blocks, launch_state *ls)
{
    for (int i = 0; i < m->nslots_used; i++) {
        wslot *ws = &m->slots[i];
        if (!ws->w || ws->w->live) continue;
        free(ws->ready);
        free(ws->from_mem);
        memset(ws, 0, sizeof *ws);
    }
    for (uint32_t bi = 0; bi < max_blocks; bi++) {
        resident *r = &m->blocks[bi];
        if (!r->used || r->b.live_threads) continue;
        tg_block_free(&r->b);
        free(r->shared);
        free(r->local);
        r->used = 0;
        m->warps -= ls->nwarps;
        m->threads -= ls->nthreads;
        m->regs -= ls->regs_per_block;
        m->shared -= ls->shared_bytes;
        ls->done_blocks++;
    }
}

/* ---- the cycle loop --------------------------------------------------------------------------------- */

/* Issue order among a scheduler's warps, by policy: index into slots, or -1 when done. */
static int pick_order(const struct tg_timing *t, const sm *m, int sched, int *order, int max)
{
    int n = 0;
    for (int i = 0; i < m->nslots_used; i++)
        if (m->slots[i].w && m->slots[i].sched == sched && n < max) order[n++] = i;
    if (n <= 1) return n;
    int last = m->last[sched];
    if (t->cfg.policy == TG_SCHED_LRR) {   /* start after the last issuer */
        int rot = 0;
        while (rot < n && order[rot] <= last) rot++;
        int tmp[64];
        for (int i = 0; i < n; i++) tmp[i] = order[(rot + i) % n];
        memcpy(order, tmp, (size_t)n * sizeof *order);
    } else {
        /* GTO: the last issuer first, then oldest first; two-level: the same within the active set
         * (the oldest two_level_active warps), the rest after */
        for (int i = 1; i < n; i++)
            for (int j = i; j > 0 && m->slots[order[j]].age < m->slots[order[j - 1]].age; j--) {
                int x = order[j]; order[j] = order[j - 1]; order[j - 1] = x;
            }
        for (int i = 0; i < n; i++)
            if (order[i] == last && (t->cfg.policy == TG_SCHED_GTO || (uint32_t)i < t->cfg.two_level_active)) {
                for (int j = i; j > 0; j--) order[j] = order[j - 1];
                order[0] = last;
                break;
            }
    }
    return n;
}

static int issue(struct tg_timing *t, sm *m, int smi, int slot, uint64_t now)
{
    const tg_timing_config *c = &t->cfg;
    wslot *ws = &m->slots[slot];
    tg_step_info in;
    m->clock = now;
    int rc = tg_warp_step(ws->b, ws->w, &in);
    if (rc == TG_STEP_FAULT) return -1;
    const tg_pinst *pi = &ws->b->code[in.pc - ws->b->k->entry];
    unsigned cls = in.latency;
    uint64_t done = now + c->latency[cls];
    uint32_t busy = 1;
    /* register-file bank conflicts among the sources delay the operand collector */
    if (c->rf_banks > 1) {
        const uint16_t src[3] = { pi->ra, pi->rb, pi->rc };
        uint32_t extra = 0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < i; j++)
                if (src[i] < ws->b->nregs && src[j] < ws->b->nregs && src[i] != src[j] && src[i] % c->rf_banks == src[j] % c->rf_banks)
                    extra++;
        done += extra;
    }
    int mem = 0;
    if (in.space == TG_SPACE_GLOBAL) {
        done = global_access(t, m, smi, &in, now, &busy);
        mem = 1;
    } else if (in.space == TG_SPACE_SHARED) {
        uint32_t passes = bank_passes(c, &in);
        t->stats.shared_instrs++;
        t->stats.shared_extra_cycles += passes - 1;
        note_mem(t, now, smi, TG_MEV_SHARED);
        done = now + c->shared_latency + passes - 1;
        busy = passes;
        mem = 1;
    } else if (in.space == TG_SPACE_LOCAL) {
        done = now + c->local_latency;
        mem = 1;
    } else if (in.space == TG_SPACE_PARAM) {
        done = now + c->param_latency;
    }
    m->pipe_free[ws->sched][cls] = now + (uint64_t)c->interval[cls] * busy;
    m->last[ws->sched] = slot;
    /* results: destination register(s) and predicates */
    unsigned wide = pi->format == TG_FMT_LD && tg_width_bytes(pi->mod) > 4 ? tg_width_bytes(pi->mod) / 4 : 1;
    for (unsigned i = 0; i < wide; i++) {
        unsigned row = pi->rd_num == TG_RZ ? pi->rd_w : pi->rd_w + i;
        ws->ready[row] = done;
        ws->from_mem[row] = (uint8_t)mem;
    }
    if (pi->format == TG_FMT_SETP || pi->format == TG_FMT_PLOG || pi->format == TG_FMT_VOTEP)
        ws->pred_ready[pi->rd_num & 7] = done;
    if (pi->op == TG_OP_SHFL) ws->pred_ready[pi->ext & 7] = done;
    ws->pred_ready[TG_PT] = 0;
    t->stats.warp_instrs++;
    t->stats.thread_instrs += (uint64_t)__builtin_popcount(in.exec);
    if (t->trace) trace_issue(t, now, smi, slot, &in, done);
    return 0;
}

int tg_timing_run(tg_sim *s, const tg_launch *l, const tg_pinst *code, uint32_t shared_bytes, tg_fault *fault,
                  tg_run_stats *stats)
{
    struct tg_timing *t = s->timing;
    const tg_timing_config *c = &t->cfg;
    const tg_kernel *k = l->kernel;
    launch_state ls = { .s = s, .l = l, .code = code, .shared_bytes = shared_bytes, .fault = fault };
    ls.nthreads = l->block.x * l->block.y * l->block.z;
    ls.nwarps = (ls.nthreads + c->warp_size - 1) / c->warp_size;
    ls.regs_per_block = ls.nwarps * c->warp_size * (k->nregs ? k->nregs : 1);
    ls.blocks = (uint64_t)l->grid.x * l->grid.y * l->grid.z;
    if (ls.nwarps > c->max_warps_per_sm || ls.nthreads > c->max_threads_per_sm || ls.regs_per_block > c->regs_per_sm ||
        shared_bytes > c->shared_per_sm) {
        memset(fault, 0, sizeof *fault);
        fault->kind = TG_FAULT_BAD_LAUNCH;
        snprintf(fault->kernel, sizeof fault->kernel, "%s", k->name);
        snprintf(fault->detail, sizeof fault->detail,
                 "one block (%u warps, %u registers, %u shared bytes) does not fit a core of preset %s", ls.nwarps,
                 ls.regs_per_block, shared_bytes, c->name);
        return -1;
    }
    tg_dram_new_epoch(&t->dram);
    t->drain = 0;
    sm *sms = calloc(c->num_sms, sizeof *sms);
    int rc = sms ? 0 : -1;
    for (uint32_t i = 0; i < c->num_sms && rc == 0; i++) {
        sm *m = &sms[i];
        m->blocks = calloc(c->max_blocks_per_sm, sizeof *m->blocks);
        m->slots = calloc(c->max_warps_per_sm, sizeof *m->slots);
        m->mshr = calloc(c->l1.mshrs, sizeof *m->mshr);
        for (int j = 0; j < 16; j++) m->last[j] = -1;
        if (!m->blocks || !m->slots || !m->mshr || tg_cache_init(&m->l1, c->l1.size, c->l1.assoc, c->l1.line, 1) ||
            tg_cache_init(&m->icache, c->icache.size, c->icache.assoc, c->icache.line, 1))
            rc = -1;
    }
    uint64_t now = 0, watchdog = s->cfg.watchdog, issued = 0;
    tg_timing_stats *st = &t->stats;
    while (rc == 0 && ls.done_blocks < ls.blocks) {
        uint64_t next = NEVER, cyc[TG_NUM_STALLS] = { 0 }, sm_cyc = 0, res_cyc = 0;
        int any = 0;
        for (uint32_t smi = 0; smi < c->num_sms && rc == 0; smi++) {
            sm *m = &sms[smi];
            while (ls.next_block < ls.blocks && fits(t, m, &ls))
                if (dispatch(t, m, (int)smi, &ls)) { rc = -1; break; }
            if (m->warps) { sm_cyc++; res_cyc += m->warps; }
            for (uint32_t sc = 0; sc < c->schedulers_per_sm && rc == 0; sc++) {
                int order[64], n = pick_order(t, m, (int)sc, order, 64), issued_here = 0;
                for (int oi = 0; oi < n; oi++) {
                    wslot *ws = &m->slots[order[oi]];
                    tg_warp *w = ws->w;
                    uint32_t runnable = w->live & ~w->waiting;
                    if (!runnable) {
                        if (w->live) { cyc[TG_ST_BARRIER]++; note_state(t, (int)smi, order[oi], TG_ST_BARRIER); }
                        continue;
                    }
                    uint32_t pc = next_pc(w, runnable);
                    if (pc < k->entry || pc >= k->end || code[pc - k->entry].illegal) {
                        if (issue(t, m, (int)smi, order[oi], now)) rc = -1;   /* faults with its report */
                        break;
                    }
                    const tg_pinst *pi = &code[pc - k->entry];
                    int from_mem;
                    uint64_t ready = operands_ready(ws, pi, &from_mem);
                    if (ws->fetch_ready > now) {
                        cyc[TG_ST_FETCH]++;
                        note_state(t, (int)smi, order[oi], TG_ST_FETCH);
                        if (ws->fetch_ready < next) next = ws->fetch_ready;
                        continue;
                    }
                    if (ready > now) {
                        cyc[from_mem ? TG_ST_MEMORY : TG_ST_SCOREBOARD]++;
                        note_state(t, (int)smi, order[oi], from_mem ? TG_ST_MEMORY : TG_ST_SCOREBOARD);
                        if (ready < next) next = ready;
                        continue;
                    }
                    uint64_t pipe = m->pipe_free[sc][pi->latency];
                    if (issued_here || pipe > now) {
                        cyc[TG_ST_PIPE]++;
                        note_state(t, (int)smi, order[oi], TG_ST_PIPE);
                        if (pipe > now && pipe < next) next = pipe;
                        if (!issued_here && pipe <= now) next = now + 1;
                        continue;
                    }
                    /* instruction fetch: a miss stalls this warp; another may issue this cycle */
                    /* A warp back from a miss issues the instruction it fetched even if other
                     * warps evicted the line meanwhile (else warps thrashing one set never issue). */
                    int delivered = ws->fetched_pc == (int64_t)pc;
                    ws->fetched_pc = -1;
                    if (tg_cache_access(&m->icache, (uint64_t)pc * 8, true)) st->icache_hits++;
                    else if (delivered) st->icache_misses++;
                    else {
                        ws->fetched_pc = pc;
                        st->icache_misses++;
                        ws->fetch_ready = now + c->icache.latency;
                        cyc[TG_ST_FETCH]++;
                        note_state(t, (int)smi, order[oi], TG_ST_FETCH);
                        if (ws->fetch_ready < next) next = ws->fetch_ready;
                        continue;
                    }
                    if (issue(t, m, (int)smi, order[oi], now)) { rc = -1; break; }
                    cyc[TG_ST_ISSUED]++;
                    note_state(t, (int)smi, order[oi], TG_ST_ISSUED);
                    issued_here = any = 1;
                    issued++;
                    next = now + 1;
                }
            }
            if (rc == 0) retire_finished(m, c->max_blocks_per_sm, &ls);
        }
        if (rc) break;
        if (watchdog && issued >= watchdog) {
            for (uint32_t smi = 0; smi < c->num_sms; smi++)
                for (int i = 0; i < sms[smi].nslots_used; i++)
                    if (sms[smi].slots[i].w) {
                        wslot *ws = &sms[smi].slots[i];
                        uint32_t run = ws->w->live & ~ws->w->waiting;
                        int lane = run ? __builtin_ctz(run) : 0;
                        tg_block_fault(ws->b, ws->w, lane, ws->w->pc[lane], TG_FAULT_WATCHDOG, TG_SPACE_NONE, 0,
                                       "%llu warp-instructions executed (the budget; raise it with --watchdog)",
                                       (unsigned long long)watchdog);
                        rc = -1;
                        goto done;
                    }
        }
        if (!any && next == NEVER && ls.done_blocks < ls.blocks) {
            /* nothing in flight and nothing can issue: threads wait at a barrier that cannot release */
            for (uint32_t smi = 0; smi < c->num_sms && rc == 0; smi++)
                for (uint32_t bi = 0; bi < c->max_blocks_per_sm; bi++)
                    if (sms[smi].blocks[bi].used) { tg_block_deadlock(&sms[smi].blocks[bi].b); rc = -1; break; }
            if (rc == 0) rc = -1;
            break;
        }
        /* nothing changes until the next event, so the cycles skipped keep this cycle's states */
        uint64_t step = any ? 1 : next - now;
        for (int i = 0; i < TG_NUM_STALLS; i++) st->warp_cycles[i] += cyc[i] * step;
        st->sm_cycles += sm_cyc * step;
        st->resident_warp_cycles += res_cyc * step;
        if (t->hooks.advance) t->hooks.advance(t->hooks.ctx, t->trace_base + now, step);
        now += step;
    }
done:
    if (t->drain > now) now = t->drain;
    if (stats) stats->cycles = now;
    st->cycles += now;
    st->launches++;
    t->trace_base += now;
    if (t->trace && t->trace_format == TG_TRACE_JSON)
        fprintf(t->trace, ",\n{\"name\":\"%s\",\"ph\":\"X\",\"ts\":%llu,\"dur\":%llu,\"pid\":\"launches\",\"tid\":0}", k->name,
                (unsigned long long)(t->trace_base - now), (unsigned long long)now);
    if (sms) {
        for (uint32_t i = 0; i < c->num_sms; i++) {
            sm *m = &sms[i];
            if (m->slots) for (uint32_t j = 0; j < c->max_warps_per_sm; j++) { free(m->slots[j].ready); free(m->slots[j].from_mem); }
            if (m->blocks)
                for (uint32_t j = 0; j < c->max_blocks_per_sm; j++)
                    if (m->blocks[j].used) { tg_block_free(&m->blocks[j].b); free(m->blocks[j].shared); free(m->blocks[j].local); }
            free(m->blocks); free(m->slots); free(m->mshr);
            tg_cache_free(&m->l1); tg_cache_free(&m->icache);
        }
        free(sms);
    }
    st->dram_reads = t->dram.reads;
    st->dram_writes = t->dram.writes;
    st->dram_row_hits = t->dram.row_hits;
    st->dram_bytes = t->dram.bytes;
    if (rc && fault->kind == TG_FAULT_NONE) {
        fault->kind = TG_FAULT_BAD_LAUNCH;
        snprintf(fault->kernel, sizeof fault->kernel, "%s", k->name);
        snprintf(fault->detail, sizeof fault->detail, "out of host memory in the timing model");
    }
    return rc;
}
