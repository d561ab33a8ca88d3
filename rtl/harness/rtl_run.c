/* rtl_run.c: a simulator-prepared launch on a fresh RTL model (see rtl_run.h). The simulator's
 * memory stays the one copy the caller sees: it is mirrored into the RTL before the run (by
 * lockstep.c) and the RTL's final memory is copied back after it. */
#include "rtl/harness/rtl_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtl/harness/lockstep.h"
#include "sim/core.h"

void tg_rtl_sim_config(tg_sim_config *c)
{
    tg_sim_config_default(c);
    c->warp_size = TG_RTL_LANES;
    c->num_sms = 1;
    c->max_threads_per_block = TG_RTL_WARPS * TG_RTL_LANES;
    c->max_shared_per_block = TG_RTL_SHARED_WORDS * 4;
}

/* The RTL's memory: enough for every live allocation of s. */
static uint32_t memory_top(const tg_sim *s)
{
    uint32_t top = 0x1000;
    for (unsigned i = 0; i < s->nallocs; i++)
        if (s->allocs[i].addr + s->allocs[i].size > top) top = s->allocs[i].addr + s->allocs[i].size;
    return (top + 0xfff) & ~0xfffu;
}

static void rtl_fault(tg_fault *f, const tg_launch *l, const tg_rtl_result *rr)
{
    memset(f, 0, sizeof *f);
    f->kind = (int)rr->fault_kind;
    snprintf(f->kernel, sizeof f->kernel, "%s", l->kernel->name);
    /* The RTL reports the linear block number; blockIdx is x fastest, as the simulator's. */
    f->block = tg_dim3_of_linear(l->grid, rr->fault_block);
    f->warp = rr->fault_warp;
    f->lane = rr->fault_lane;
    f->pc = rr->fault_pc;
    f->address = rr->fault_addr;
    snprintf(f->detail, sizeof f->detail, "reported by the RTL (%s)", tg_rtl_fault_name(rr->fault_kind));
}

static void count_lanes(const tg_rtl_commit *c, void *user)
{
    ((tg_run_stats *)user)->thread_instrs += (uint64_t)__builtin_popcount(c->mask);
}

int tg_rtl_run_launch(tg_sim *s, const tg_launch *l, const tg_rtl_run_opts *o, tg_run_stats *st, tg_fault *f,
                      char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    memset(f, 0, sizeof *f);
    err[0] = 0;
    tg_rtl *r = tg_rtl_create(memory_top(s), o->vcd);
    tg_lockstep_result *res = calloc(1, sizeof *res);
    if (!r || !res) {
        snprintf(err, errlen, "cannot create the RTL model (out of memory, or a bad TGPU_RTL_* setting said above)");
        tg_rtl_destroy(r);
        free(res);
        return TG_RTL_RUN_BAD_SETUP;
    }
    int rc = TG_RTL_RUN_OK;
    if (o->lockstep) {
        int status = tg_lockstep_setup(r, s, l, res);
        if (status == 0) {
            if (o->before_run) o->before_run(r, o->user);
            status = tg_lockstep_go(r, s, l, o->max_cycles, res);
        }
        st->cycles = res->rtl_cycles;
        if (o->result) *o->result = res->rtl;
        st->warp_instrs = res->commits;
        st->thread_instrs = res->thread_instrs;
        if (status != TG_LOCKSTEP_MATCH) {
            snprintf(err, errlen, "%s", res->report);
            rc = status == TG_LOCKSTEP_MISMATCH ? TG_RTL_RUN_MISMATCH
               : status == TG_LOCKSTEP_BAD_SETUP ? TG_RTL_RUN_BAD_SETUP : TG_RTL_RUN_INCOMPLETE;
        } else if (res->fault_kind) {
            *f = res->fault;
            rc = TG_RTL_RUN_FAULT;
        }
    } else if (tg_lockstep_setup(r, s, l, res) != 0) {
        snprintf(err, errlen, "%s", res->report);
        rc = TG_RTL_RUN_BAD_SETUP;
    } else {
        tg_rtl_launch rl = tg_lockstep_rtl_launch(l);
        tg_rtl_result rr;
        tg_rtl_on_commit(r, count_lanes, st);
        int run = tg_rtl_run(r, &rl, o->max_cycles, &rr);
        tg_rtl_on_commit(r, NULL, NULL);
        st->cycles = rr.cycles;
        st->warp_instrs = rr.warp_instrs;
        if (o->result) *o->result = rr;
        if (run == 1) {
            rtl_fault(f, l, &rr);
            rc = f->kind == TG_RTL_FAULT_UNIMPLEMENTED ? TG_RTL_RUN_INCOMPLETE : TG_RTL_RUN_FAULT;
            if (rc == TG_RTL_RUN_INCOMPLETE) snprintf(err, errlen, "unimplemented in RTL: the instruction at pc %u", rr.fault_pc);
        } else if (run != 0) {
            snprintf(err, errlen, "the RTL did not finish within %llu cycles", (unsigned long long)o->max_cycles);
            rc = TG_RTL_RUN_INCOMPLETE;
        }
        /* The RTL's memory becomes the simulator's (the caller reads results there). */
        for (unsigned i = 0; i < s->nallocs; i++)
            tg_rtl_read(r, s->allocs[i].addr, s->mem + s->allocs[i].addr, s->allocs[i].size);
    }
    tg_rtl_destroy(r);
    free(res);
    return rc;
}
