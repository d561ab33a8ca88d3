/* sim_xcheck.h: a tiny program builder (tg_encode, no assembler) and a launch helper for the
 * simulator's cross-check tests (tests/unit/test_sim_xcheck_*.c), written against sim.h alone by
 * a second implementer of the same spec. Header-only. */
#ifndef TG_TEST_SIM_XCHECK_H
#define TG_TEST_SIM_XCHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"
#include "sim/sim.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)
#define CHECK_EQ(a, b) do { unsigned long long a_ = (a), b_ = (b); if (a_ != b_) { fprintf(stderr, "%s:%d: %s = 0x%llx, want 0x%llx\n", __FILE__, __LINE__, #a, a_, b_); failures++; } } while (0)

enum { RZ = TG_RZ, PT = TG_PT };

typedef struct prog {
    uint64_t code[1024];
    uint32_t n;
    int guard;     /* guard for the next instruction: -1 none, else pred */
    int guard_neg;
    uint32_t shared, local, params;
} prog;

static inline void P_init(prog *p) { memset(p, 0, sizeof *p); p->guard = -1; }

/* Guard the next emitted instruction with @p / @!p. */
static inline void G(prog *p, int pred, int neg) { p->guard = pred; p->guard_neg = neg; }

static inline uint32_t emit(prog *p, tg_inst in)
{
    if (p->guard >= 0) { in.guard = (uint8_t)p->guard; in.guard_neg = p->guard_neg; }
    else in.guard = TG_PT;
    p->guard = -1;
    p->code[p->n] = tg_encode(&in);
    return p->n++;
}

/* Register form: rd, ra, rb, rc, mod, ext. */
static inline uint32_t R4(prog *p, unsigned op, unsigned rd, unsigned ra, unsigned rb, unsigned rc,
                   unsigned mod)
{
    tg_inst in = {0};
    in.op = (uint8_t)op; in.rd = (uint8_t)rd; in.ra = (uint8_t)ra; in.rb = (uint8_t)rb;
    in.rc = (uint8_t)rc; in.mod = (uint8_t)mod;
    if (op == TG_OP_SHFL) in.ext = 7;
    return emit(p, in);
}

/* Immediate form: rd, ra, imm, mod. */
static inline uint32_t RI(prog *p, unsigned op, unsigned rd, unsigned ra, uint32_t imm, unsigned mod)
{
    tg_inst in = {0};
    in.op = (uint8_t)op; in.rd = (uint8_t)rd; in.ra = (uint8_t)ra; in.imm = imm;
    in.mod = (uint8_t)mod; in.bimm = true;
    return emit(p, in);
}

static inline uint32_t SHFL(prog *p, unsigned mode, unsigned rd, unsigned pd, unsigned ra, unsigned rb,
                     unsigned rc)
{
    tg_inst in = {0};
    in.op = TG_OP_SHFL; in.rd = (uint8_t)rd; in.ra = (uint8_t)ra; in.rb = (uint8_t)rb;
    in.rc = (uint8_t)rc; in.mod = (uint8_t)mode; in.ext = (uint16_t)pd;
    return emit(p, in);
}

static inline uint32_t OP0(prog *p, unsigned op) { tg_inst in = {0}; in.op = (uint8_t)op; return emit(p, in); }
static inline uint32_t BRA(prog *p, uint32_t target) { return RI(p, TG_OP_BRA, 0, 0, target, 0); }
static inline uint32_t BAR(prog *p, unsigned id, unsigned ra) { return RI(p, TG_OP_BAR, 0, ra, id, 0); }
static inline uint32_t S2R(prog *p, unsigned rd, unsigned sreg)
{
    tg_inst in = {0};
    in.op = TG_OP_S2R; in.rd = (uint8_t)rd; in.ra = (uint8_t)sreg;
    return emit(p, in);
}
static inline uint32_t MOVI(prog *p, unsigned rd, uint32_t imm) { return RI(p, TG_OP_MOV, rd, 0, imm, 0); }
static inline void patch_target(prog *p, uint32_t at, uint32_t target)
{
    tg_inst in;
    const char *why;
    if (tg_decode(p->code[at], &in, &why) == 0) { in.imm = target; p->code[at] = tg_encode(&in); }
}

static tg_sim *g_sim;

static inline tg_sim *sim(void)
{
    if (!g_sim) {
        tg_sim_config c;
        tg_sim_config_default(&c);
        c.global_bytes = 16u << 20;
        c.watchdog = 10000000;
        g_sim = tg_sim_create(&c);
    }
    return g_sim;
}

/* Launches p as kernel "t"; params is an array of u32 (nparams of them). Returns the launch rc. */
static inline int run(prog *p, tg_dim3 grid, tg_dim3 block, const uint32_t *params, unsigned nparams,
               tg_fault *f, tg_run_stats *st)
{
    tg_kernel k;
    memset(&k, 0, sizeof k);
    snprintf(k.name, sizeof k.name, "t");
    k.entry = 0;
    k.end = p->n;
    k.shared_bytes = p->shared;
    k.local_bytes = p->local;
    k.nregs = 255;
    k.param_bytes = nparams * 4;
    tg_module m;
    memset(&m, 0, sizeof m);
    m.ncode = p->n;
    m.code = p->code;
    m.nkernels = 1;
    m.kernels = &k;
    tg_launch l;
    memset(&l, 0, sizeof l);
    l.module = &m;
    l.kernel = &k;
    l.grid = grid;
    l.block = block;
    l.params = params;
    l.param_bytes = nparams * 4;
    tg_fault fl;
    int rc = tg_sim_launch(sim(), &l, st, f ? f : &fl);
    if (rc && !f) {
        char buf[512];
        tg_fault_format(&fl, buf, sizeof buf);
        fprintf(stderr, "unexpected %s\n", buf);
    }
    return rc;
}

static inline tg_dim3 D3(uint32_t x, uint32_t y, uint32_t z) { tg_dim3 d = { x, y, z }; return d; }

/* Emits: r_dst = global thread index x (ctaid.x * ntid.x + tid.x), clobbering r_tmp. */
static inline void gtid(prog *p, unsigned dst, unsigned tmp)
{
    S2R(p, dst, TG_SREG_CTAID_X);
    S2R(p, tmp, TG_SREG_NTID_X);
    R4(p, TG_OP_IMUL, dst, dst, tmp, 0, 0);
    S2R(p, tmp, TG_SREG_TID_X);
    R4(p, TG_OP_IADD, dst, dst, tmp, 0, 0);
}

/* Emits: store r_val to out[r_idx] where out is param 0 (clobbers r250, r251). */
static inline void store_out(prog *p, unsigned idx, unsigned val)
{
    RI(p, TG_OP_LDP, 250, RZ, 0, TG_W_B32);
    RI(p, TG_OP_SHL, 251, idx, 2, 0);
    R4(p, TG_OP_IADD, 250, 250, 251, 0, 0);
    RI(p, TG_OP_STG, val, 250, 0, TG_W_B32);
}

#endif
