/* check.c: runs one torture program (torture.h): functional against cycle mode under each preset,
 * and the simulator against the RTL in lockstep (rtl/harness/rtl_run.h, linked only into builds
 * with Verilator, hence the weak reference). Buffers are allocated in the order tgpu run allocates
 * its --arg buffers (in, out, atom), so a replay sees the same addresses. */
#include "tools/torture/torture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TG_RTL_RUN_WEAK
#include "isa/asm.h"
#include "rtl/harness/rtl_run.h"

static const char *const all_presets[] = { "default", "sm90", "teach", "tiny", NULL };

static void say(tg_torture_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(tg_torture_result *res, const char *fmt, ...)
{
    size_t n = strlen(res->report);
    if (n + 1 >= sizeof res->report) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->report + n, sizeof res->report - n, fmt, ap);
    va_end(ap);
}

/* One simulator with the program's buffers. */
typedef struct side {
    tg_sim *s;
    uint32_t in, out, atom;
    uint32_t params[4];
    tg_launch l;
    uint8_t *out_data, *atom_data;   /* final memory */
} side;

static int side_setup(side *d, const tg_sim_config *cfg, const tg_torture_prog *p, const tg_module *m, char *err,
                      size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->s = tg_sim_create_ex(cfg, err, errlen);
    if (!d->s) return -1;
    d->in = tg_sim_alloc(d->s, p->in_bytes);
    d->out = tg_sim_alloc(d->s, p->out_bytes);
    d->atom = tg_sim_alloc(d->s, p->atom_bytes);
    uint8_t *zero = calloc(1, p->out_bytes);
    if (!d->in || !d->out || !d->atom || !zero || tg_sim_write(d->s, d->in, p->in, p->in_bytes) ||
        tg_sim_write(d->s, d->out, zero, p->out_bytes) || tg_sim_write(d->s, d->atom, p->atom, p->atom_bytes)) {
        free(zero);
        snprintf(err, errlen, "out of device memory");
        return -1;
    }
    free(zero);
    d->params[0] = d->in;
    d->params[1] = d->out;
    d->params[2] = d->atom;
    d->params[3] = p->n;
    d->l = (tg_launch){ .module = m, .kernel = &m->kernels[0], .grid = p->grid, .block = p->block, .params = d->params,
                        .param_bytes = sizeof d->params };
    return 0;
}

static int side_finish(side *d, const tg_torture_prog *p)
{
    d->out_data = malloc(p->out_bytes);
    d->atom_data = malloc(p->atom_bytes);
    if (!d->out_data || !d->atom_data) return -1;
    tg_sim_read(d->s, d->out, d->out_data, p->out_bytes);
    tg_sim_read(d->s, d->atom, d->atom_data, p->atom_bytes);
    return 0;
}

static void side_free(side *d)
{
    if (d->s) tg_sim_destroy(d->s);
    free(d->out_data);
    free(d->atom_data);
    memset(d, 0, sizeof *d);
}

/* First differing word of out and atom; returns 1 if they differ. */
static int compare(tg_torture_result *res, const tg_torture_prog *p, const side *a, const side *b, const char *an,
                   const char *bn)
{
    for (uint32_t i = 0; i + 4 <= p->out_bytes; i += 4) {
        uint32_t x, y;
        memcpy(&x, a->out_data + i, 4);
        memcpy(&y, b->out_data + i, 4);
        if (x == y) continue;
        uint32_t t = i / TG_TORTURE_OUT_SLOT, w = i % TG_TORTURE_OUT_SLOT / 4;
        say(res, "final memory differs: out word %u of thread %u (%s): %s 0x%08x, %s 0x%08x\n", w, t,
            w < 20 ? "its final r12..r31" : "its scratch", an, x, bn, y);
        return 1;
    }
    for (uint32_t i = 0; i + 4 <= p->atom_bytes; i += 4) {
        uint32_t x, y;
        memcpy(&x, a->atom_data + i, 4);
        memcpy(&y, b->atom_data + i, 4);
        if (x == y) continue;
        say(res, "final memory differs: contended atomic word %u: %s 0x%08x, %s 0x%08x\n", i / 4, an, x, bn, y);
        return 1;
    }
    return 0;
}

/* Runs one side; a fault is a generator bug (programs are valid by construction) unless it is a
 * bad launch, which means the preset cannot hold the launch (returns 1: skip). */
static int side_run(tg_torture_result *res, side *d, const tg_torture_prog *p, const char *name,
                    const tg_torture_check *c, int cycle, uint64_t *warp_instrs)
{
    if (c->plant_sim) c->plant_sim(d->s, cycle, d->in, d->out, d->atom, c->user);
    tg_run_stats st;
    tg_fault f;
    if (tg_sim_launch(d->s, &d->l, &st, &f) != 0) {
        if (f.kind == TG_FAULT_BAD_LAUNCH && cycle) return 1;
        char line[512];
        tg_fault_format(&f, line, sizeof line);
        say(res, "%s: the program faulted (a generator bug: programs are valid by construction): %s\n", name, line);
        res->status = TG_TORTURE_GEN_BUG;
        return -1;
    }
    if (warp_instrs) *warp_instrs = st.warp_instrs;
    if (side_finish(d, p)) { say(res, "out of memory\n"); res->status = TG_TORTURE_ERROR; return -1; }
    return 0;
}

static void func_config(tg_sim_config *cfg, uint64_t watchdog)
{
    tg_sim_config_default(cfg);
    cfg->watchdog = watchdog;
    cfg->global_bytes = 16u << 20;
}

static void func_cycle(tg_torture_result *res, const tg_torture_prog *p, const tg_module *m, const tg_torture_check *c,
                       uint64_t watchdog)
{
    char err[512];
    for (const char *const *pr = c->presets ? c->presets : all_presets; *pr; pr++) {
        tg_sim_config cc;
        func_config(&cc, watchdog);
        cc.cycle_mode = 1;
        cc.timing_preset = *pr;
        side cyc, fn;
        if (side_setup(&cyc, &cc, p, m, err, sizeof err)) {
            say(res, "cycle mode, preset %s: %s\n", *pr, err);
            res->status = TG_TORTURE_ERROR;
            side_free(&cyc);
            return;
        }
        tg_sim_config fc;
        func_config(&fc, watchdog);
        fc.warp_size = tg_sim_timing_config(cyc.s)->warp_size;   /* warp ops and lane ids depend on it */
        fc.num_sms = tg_sim_timing_config(cyc.s)->num_sms;
        if (side_setup(&fn, &fc, p, m, err, sizeof err)) {
            say(res, "functional mode: %s\n", err);
            res->status = TG_TORTURE_ERROR;
            side_free(&cyc);
            side_free(&fn);
            return;
        }
        char fname[96], cname[96];
        snprintf(fname, sizeof fname, "functional (warp size %u)", fc.warp_size);
        snprintf(cname, sizeof cname, "cycle (preset %s)", *pr);
        int rc = side_run(res, &fn, p, fname, c, 0, NULL);
        if (rc == 0) rc = side_run(res, &cyc, p, cname, c, 1, NULL);
        if (rc == 1) res->presets_skipped++;
        if (rc == 0) {
            res->presets_run++;
            if (compare(res, p, &fn, &cyc, fname, cname)) res->status = TG_TORTURE_FAIL;
        }
        side_free(&fn);
        side_free(&cyc);
        if (res->status != TG_TORTURE_PASS) return;
    }
}

typedef struct plant_ctx { const tg_torture_check *c; } plant_ctx;
static void plant_rtl(tg_rtl *r, void *user)
{
    const tg_torture_check *c = ((plant_ctx *)user)->c;
    c->plant_rtl(r, c->user);
}

static void lockstep(tg_torture_result *res, const tg_torture_prog *p, const tg_module *m, const tg_torture_check *c,
                     uint64_t watchdog)
{
    if (!tg_rtl_run_launch || !tg_rtl_sim_config) {
        say(res, "lockstep: this build has no RTL (install verilator, then make clean all)\n");
        res->status = TG_TORTURE_NO_RTL;
        return;
    }
    tg_sim_config cfg;
    tg_rtl_sim_config(&cfg);
    cfg.watchdog = watchdog;
    cfg.global_bytes = 16u << 20;
    side d;
    char err[8192];
    if (side_setup(&d, &cfg, p, m, err, sizeof err)) {
        say(res, "lockstep: %s\n", err);
        res->status = TG_TORTURE_ERROR;
        side_free(&d);
        return;
    }
    plant_ctx pc = { c };
    tg_rtl_run_opts o = { .lockstep = 1, .max_cycles = watchdog * 64, .before_run = c->plant_rtl ? plant_rtl : NULL,
                          .user = &pc };
    tg_run_stats st;
    tg_fault f;
    int rc = tg_rtl_run_launch(d.s, &d.l, &o, &st, &f, err, sizeof err);
    res->lockstep_commits = st.warp_instrs;
    switch (rc) {
    case TG_RTL_RUN_OK: break;
    case TG_RTL_RUN_FAULT: {
        char line[512];
        tg_fault_format(&f, line, sizeof line);
        say(res, "lockstep: both sides faulted (a generator bug): %s\n", line);
        res->status = TG_TORTURE_GEN_BUG;
        break;
    }
    case TG_RTL_RUN_MISMATCH: case TG_RTL_RUN_INCOMPLETE:
        say(res, "simulator vs RTL: %s", err);
        res->status = TG_TORTURE_FAIL;
        break;
    default:
        say(res, "simulator vs RTL: %s", err);
        res->status = TG_TORTURE_ERROR;
        break;
    }
    side_free(&d);
}

int tg_torture_run(const tg_torture_prog *p, const tg_torture_check *c, tg_torture_result *res)
{
    memset(res, 0, sizeof *res);
    uint64_t watchdog = c->watchdog ? c->watchdog : 10000000ull;
    tg_module m;
    char err[512];
    if (tg_asm_source(p->src, p->len, "torture.tgasm", &m, err, sizeof err) != 0) {
        say(res, "the generated program does not assemble (a generator bug): %s\n", err);
        return res->status = TG_TORTURE_GEN_BUG;
    }
    /* The RTL's shape first: it counts the work and catches generator bugs before the comparisons. */
    tg_sim_config cfg;
    func_config(&cfg, watchdog);
    cfg.warp_size = 32;
    side d;
    if (side_setup(&d, &cfg, p, &m, err, sizeof err)) {
        say(res, "%s\n", err);
        res->status = TG_TORTURE_ERROR;
    } else {
        tg_torture_check none = { 0 };
        side_run(res, &d, p, "functional (warp size 32)", &none, 0, &res->warp_instrs);
    }
    side_free(&d);
    if (res->status == TG_TORTURE_PASS && c->func_cycle) func_cycle(res, p, &m, c, watchdog);
    if (res->status == TG_TORTURE_PASS && c->lockstep) lockstep(res, p, &m, c, watchdog);
    tg_module_free(&m);
    return res->status;
}

const char *tg_torture_status_name(int status)
{
    switch (status) {
    case TG_TORTURE_PASS: return "pass";
    case TG_TORTURE_FAIL: return "FAIL";
    case TG_TORTURE_GEN_BUG: return "generator bug";
    case TG_TORTURE_NO_RTL: return "no RTL";
    default: return "error";
    }
}
