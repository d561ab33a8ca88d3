/* test_rtl.c: the RTL's tests (run by make test as build/tests/test_rtl). Each builds a small
 * program with tg_encode, runs it on the Verilated gpu_top and checks final memory against a C
 * computation of the expected result and against the simulator (libtgsim) run on the same input: integer vecadd over several blocks, a divergent loop
 * (per-lane trip counts, min-PC reconvergence), shared memory with a barrier, byte/halfword
 * widths, the commit stream, f32 add/sub/mul/fma/min/max/abs/neg/setp against the host's IEEE results bit for bit
 * (edge cases: zeros, denormals, infinities, NaNs, rounding ties, overflow), fdiv/fsqrt and the SFU
 * functions against the simulator on 4608 special and random inputs, signed division and atomics
 * whose rd is also an operand (regressions found by tgpu torture), that an unimplemented
 * instruction and a misaligned load fault instead of running, and the launch registers' limits (bad
 * launches, the linear FAULT_BLOCK of a 3-D grid), and the L1's hit/miss and DRAM request counts on
 * an access pattern counted by hand (with the L1 and bypassed). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"
#include "rtl/harness/tg_rtl.h"
#include "sim/core.h"
#include "sim/sim.h"

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

/* Instruction builders: register form and immediate form. */
static uint64_t R(unsigned op, unsigned rd, unsigned ra, unsigned rb, unsigned rc, unsigned mod)
{
    tg_inst i = { .op = op, .guard = TG_PT, .rd = rd, .ra = ra, .rb = rb, .rc = rc, .mod = mod };
    return tg_encode(&i);
}
static uint64_t I(unsigned op, unsigned rd, unsigned ra, uint32_t imm, unsigned mod)
{
    tg_inst i = { .op = op, .guard = TG_PT, .bimm = true, .rd = rd, .ra = ra, .imm = imm, .mod = mod };
    return tg_encode(&i);
}
static uint64_t guarded(uint64_t w, unsigned p, bool neg)
{
    tg_inst i;
    const char *why;
    if (tg_decode(w, &i, &why)) { printf("bad test word: %s\n", why); exit(2); }
    i.guard = p;
    i.guard_neg = neg;
    return tg_encode(&i);
}
#define NONE(op) R(op, 0, 0, 0, 0, 0)
#define S2R(rd, s) R(TG_OP_S2R, rd, s, 0, 0, 0)

static int run(tg_rtl *r, const uint64_t *code, uint32_t n, uint32_t grid, uint32_t block,
               uint32_t params, uint32_t pbytes, uint32_t shared, tg_rtl_result *res)
{
    tg_rtl_load_code(r, code, n);
    tg_rtl_launch l = { .entry = 0, .end = n, .grid = { grid, 1, 1 }, .block = { block, 1, 1 }, .params = params,
                        .param_bytes = pbytes, .shared_bytes = shared };
    return tg_rtl_run(r, &l, 50000000, res);   /* a hang limit only */
}

/* Differential check: runs the same program on the simulator (warp size TG_RTL_LANES, one core) with the
 * same initial contents of the listed RTL buffers, then runs the RTL and compares the buffers
 * byte for byte. Param words equal to a buffer's RTL address are rewritten to the sim's address. */
static int run_both(tg_rtl *r, const char *name, const uint64_t *code, uint32_t n, uint32_t grid,
                    uint32_t block, uint32_t params, uint32_t pbytes, uint32_t shared,
                    const uint32_t *addr, const uint32_t *size, unsigned nbufs, tg_rtl_result *res)
{
    tg_sim_config cfg;
    tg_sim_config_default(&cfg);
    cfg.warp_size = TG_RTL_LANES;
    cfg.num_sms = 1;
    cfg.global_bytes = 4u << 20;
    tg_sim *s = tg_sim_create(&cfg);
    uint32_t saddr[8], pw[16], most = 0;
    for (unsigned i = 0; i < nbufs; i++) most = size[i] > most ? size[i] : most;
    uint8_t *buf = malloc(most), *buf2 = malloc(most);
    if (!buf || !buf2) { printf("out of memory\n"); exit(2); }
    for (unsigned i = 0; i < nbufs; i++) {
        saddr[i] = tg_sim_alloc(s, size[i]);
        tg_rtl_read(r, addr[i], buf, size[i]);
        tg_sim_write(s, saddr[i], buf, size[i]);
    }
    tg_rtl_read(r, params, pw, pbytes);
    for (unsigned w = 0; w < pbytes / 4; w++)
        for (unsigned i = 0; i < nbufs; i++)
            if (pw[w] == addr[i]) pw[w] = saddr[i];
    tg_kernel k = { .name = "t", .entry = 0, .end = n, .nregs = TG_RTL_NREGS, .shared_bytes = shared,
                    .param_bytes = pbytes };
    tg_module m = { .ncode = n, .code = (uint64_t *)code, .nkernels = 1, .kernels = &k };
    tg_launch l = { .module = &m, .kernel = &k, .grid = { grid, 1, 1 }, .block = { block, 1, 1 },
                    .params = pw, .param_bytes = pbytes };
    tg_fault f;
    int src = tg_sim_launch(s, &l, NULL, &f);
    CHECK(src == 0, "%s: simulator faulted (kind %d pc %u)", name, f.kind, f.pc);
    int rc = run(r, code, n, grid, block, params, pbytes, shared, res);
    for (unsigned i = 0; i < nbufs; i++) {
        tg_rtl_read(r, addr[i], buf, size[i]);
        tg_sim_read(s, saddr[i], buf2, size[i]);
        int shown = 0;
        for (uint32_t w = 0; w + 4 <= size[i] && shown < 6; w += 4) {
            uint32_t x, y;
            memcpy(&x, buf + w, 4);
            memcpy(&y, buf2 + w, 4);
            if (x != y && ++shown) printf("%s: buffer %u word %u: rtl 0x%08x sim 0x%08x\n", name, i, w / 4, x, y);
        }
        CHECK(memcmp(buf, buf2, size[i]) == 0, "%s: buffer %u differs between RTL and simulator", name, i);
    }
    free(buf);
    free(buf2);
    tg_sim_destroy(s);
    return rc;
}

/* c[i] = a[i] + b[i] for i < n; params: a, b, c, n. */
static void test_vecadd(tg_rtl *r)
{
    enum { N = 100, A = 0x1000, B = 0x2000, C = 0x3000, P = 0x4000 };
    uint64_t code[] = {
        S2R(0, TG_SREG_TID_X), S2R(1, TG_SREG_CTAID_X), S2R(2, TG_SREG_NTID_X),
        R(TG_OP_IMAD, 3, 1, 2, 0, 0),            /* i = ctaid * ntid + tid */
        I(TG_OP_LDP, 4, TG_RZ, 12, TG_W_B32),    /* n */
        I(TG_OP_ISETP, 0, 3, 0, TG_COND_GE),     /* replaced below: isetp.ge p0, r3, r4 */
        NONE(TG_OP_EXIT),                        /* replaced below: @p0 exit */
        I(TG_OP_SHL, 5, 3, 2, 0),
        I(TG_OP_LDP, 6, TG_RZ, 0, TG_W_B32), R(TG_OP_IADD, 6, 6, 5, 0, 0),
        I(TG_OP_LDP, 7, TG_RZ, 4, TG_W_B32), R(TG_OP_IADD, 7, 7, 5, 0, 0),
        I(TG_OP_LDP, 8, TG_RZ, 8, TG_W_B32), R(TG_OP_IADD, 8, 8, 5, 0, 0),
        I(TG_OP_LDG, 9, 6, 0, TG_W_B32), I(TG_OP_LDG, 10, 7, 0, TG_W_B32),
        R(TG_OP_IADD, 9, 9, 10, 0, 0),
        I(TG_OP_STG, 9, 8, 0, TG_W_B32),
        NONE(TG_OP_EXIT),
    };
    code[5] = R(TG_OP_ISETP, 0, 3, 4, 0, TG_COND_GE);
    code[6] = guarded(NONE(TG_OP_EXIT), 0, false);
    uint32_t a[N], b[N], c[N], p[4] = { A, B, C, N };
    for (int i = 0; i < N; i++) { a[i] = (uint32_t)i * 2654435761u; b[i] = 7u * (uint32_t)i + 3; }
    tg_rtl_write(r, A, a, sizeof a);
    tg_rtl_write(r, B, b, sizeof b);
    tg_rtl_write(r, P, p, sizeof p);
    memset(c, 0, sizeof c);
    tg_rtl_write(r, C, c, sizeof c);
    tg_rtl_result res;
    static const uint32_t ba[] = { A, B, C }, bs[] = { sizeof a, sizeof b, sizeof c };
    int rc = run_both(r, "vecadd", code, sizeof code / sizeof code[0], 4, 32, P, 16, 0, ba, bs, 3, &res);
    CHECK(rc == 0, "vecadd: rc %d fault %s pc %u", rc, tg_rtl_fault_name(res.fault_kind), res.fault_pc);
    tg_rtl_read(r, C, c, sizeof c);
    int bad = 0;
    for (int i = 0; i < N; i++) bad += c[i] != a[i] + b[i];
    CHECK(bad == 0, "vecadd: %d wrong elements (c[0]=%u want %u)", bad, c[0], a[0] + b[0]);
    printf("vecadd: %llu cycles, %llu warp-instructions\n", (unsigned long long)res.cycles,
           (unsigned long long)res.warp_instrs);
}

/* Commit stream watcher: counts commits and keeps the first one (s2r r0, %tid.x of warp 0). */
typedef struct commit_log { uint64_t n; tg_rtl_commit first; } commit_log;
static void on_commit(const tg_rtl_commit *c, void *user)
{
    commit_log *log = user;
    if (log->n++ == 0) log->first = *c;
}

/* Divergent loop: thread t sums 1..(t % 5 + t / 8) then stores; lanes leave the loop at different
 * trip counts and reconverge at the store. */
static void test_divergent_loop(tg_rtl *r)
{
    enum { OUT = 0x5000, P = 0x6000 };
    uint64_t code[] = {
        S2R(0, TG_SREG_TID_X),
        I(TG_OP_UREM, 1, 0, 5, 0), I(TG_OP_SHR, 2, 0, 3, 0), R(TG_OP_IADD, 1, 1, 2, 0, 0), /* n */
        I(TG_OP_MOV, 3, 0, 0, 0),                 /* sum = 0 */
        I(TG_OP_MOV, 4, 0, 1, 0),                 /* k = 1 */
        /* 6: loop: if k > n goto 10 */
        R(TG_OP_ISETP, 0, 4, 1, 0, TG_COND_GT),
        I(TG_OP_BRA, 0, 0, 10, 0),
        R(TG_OP_IADD, 3, 3, 4, 0, 0),
        I(TG_OP_IADD, 4, 4, 1, 0),
        /* 10 is patched to "bra 6" for lanes still looping; layout: */
        I(TG_OP_BRA, 0, 0, 6, 0),
        /* 11: store */
        I(TG_OP_LDP, 5, TG_RZ, 0, TG_W_B32), I(TG_OP_SHL, 6, 0, 2, 0), R(TG_OP_IADD, 5, 5, 6, 0, 0),
        I(TG_OP_STG, 3, 5, 0, TG_W_B32),
        NONE(TG_OP_EXIT),
    };
    code[7] = guarded(I(TG_OP_BRA, 0, 0, 11, 0), 0, false);   /* @p0 bra done */
    uint32_t p = OUT, out[32] = {0};
    tg_rtl_write(r, P, &p, 4);
    tg_rtl_write(r, OUT, out, sizeof out);
    tg_rtl_result res;
    static const uint32_t ba[] = { OUT }, bs[] = { sizeof out };
    commit_log log = {0};
    tg_rtl_on_commit(r, on_commit, &log);
    int rc = run_both(r, "loop", code, sizeof code / sizeof code[0], 1, 29, P, 4, 0, ba, bs, 1, &res);
    CHECK(rc == 0, "loop: rc %d fault %s pc %u", rc, tg_rtl_fault_name(res.fault_kind), res.fault_pc);
    tg_rtl_read(r, OUT, out, sizeof out);
    int bad = 0;
    for (uint32_t t = 0; t < 32; t++) {
        uint32_t n = t % 5 + t / 8, want = t < 29 ? n * (n + 1) / 2 : 0;
        bad += out[t] != want;
    }
    CHECK(bad == 0, "divergent loop: %d wrong (out[7]=%u)", bad, out[7]);
    tg_rtl_on_commit(r, NULL, NULL);
    uint32_t lanes0 = 29 < TG_RTL_LANES ? 29 : TG_RTL_LANES;   /* threads in warp 0 */
    int first_ok = log.first.pc == 0 && log.first.warp == 0 && log.first.mask == (uint32_t)((1ull << lanes0) - 1) &&
                   log.first.rd == 0;
    for (uint32_t l = 0; l < lanes0; l++) first_ok &= log.first.data[l] == l;
    CHECK(log.n == res.warp_instrs && log.n > 0 && first_ok,
          "commit stream: %llu commits (%llu retired); first pc %u mask 0x%x rd %u data[1] %u",
          (unsigned long long)log.n, (unsigned long long)res.warp_instrs, log.first.pc, log.first.mask,
          log.first.rd, log.first.data[1]);
}

/* Shared memory + barrier: each thread writes tid*3 to shared[tid] (as bytes and words), waits at
 * bar 0, then reads its neighbour's slot (tid+1) % n and stores it. Also checks u8/s8/u16 loads. */
static void test_shared_barrier(tg_rtl *r)
{
    enum { OUT = 0x7000, P = 0x7800, NT = 24 };
    uint64_t code[] = {
        S2R(0, TG_SREG_TID_X), S2R(7, TG_SREG_NTID_X),
        I(TG_OP_IMUL, 1, 0, 3, 0), I(TG_OP_SHL, 2, 0, 2, 0),
        I(TG_OP_STS, 1, 2, 0, TG_W_B32),          /* shared[tid] = tid*3 */
        I(TG_OP_IADD, 8, 1, 0x180, 0),            /* byte pattern: tid*3 + 0x180 */
        I(TG_OP_STS, 8, 0, 128, TG_W_U8),         /* shared bytes at 128+tid */
        I(TG_OP_BAR, 0, 0, 0, 0) | (uint64_t)TG_RZ << 20,
        I(TG_OP_IADD, 3, 0, 1, 0), R(TG_OP_UREM, 3, 3, 7, 0, 0), I(TG_OP_SHL, 3, 3, 2, 0),
        I(TG_OP_LDS, 4, 3, 0, TG_W_B32),          /* neighbour's word */
        I(TG_OP_LDS, 9, 0, 128, TG_W_S8),         /* own byte, sign-extended */
        I(TG_OP_LDP, 5, TG_RZ, 0, TG_W_B32), I(TG_OP_SHL, 6, 0, 3, 0), R(TG_OP_IADD, 5, 5, 6, 0, 0),
        I(TG_OP_STG, 4, 5, 0, TG_W_B32), I(TG_OP_STG, 9, 5, 4, TG_W_B32),
        NONE(TG_OP_EXIT),
    };
    uint32_t p = OUT, out[2 * NT];
    memset(out, 0xee, sizeof out);
    tg_rtl_write(r, P, &p, 4);
    tg_rtl_write(r, OUT, out, sizeof out);
    tg_rtl_result res;
    static const uint32_t ba[] = { OUT }, bs[] = { sizeof out };
    int rc = run_both(r, "shared", code, sizeof code / sizeof code[0], 1, NT, P, 4, 256, ba, bs, 1, &res);
    CHECK(rc == 0, "shared: rc %d fault %s pc %u", rc, tg_rtl_fault_name(res.fault_kind), res.fault_pc);
    tg_rtl_read(r, OUT, out, sizeof out);
    int bad = 0;
    for (uint32_t t = 0; t < NT; t++) {
        bad += out[2 * t] != (t + 1) % NT * 3;
        bad += out[2 * t + 1] != (uint32_t)(int32_t)(int8_t)(uint8_t)(t * 3 + 0x80);
    }
    CHECK(bad == 0, "shared+barrier: %d wrong (out[0]=%u out[1]=0x%x)", bad, out[0], out[1]);
}

static uint32_t bits_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t canon(float f) { return f != f ? 0x7fffffffu : bits_of(f); }
static uint32_t ref_minmax(uint32_t a, uint32_t b, int is_max)
{
    float x = f_of(a), y = f_of(b);
    if (x != x) return y != y ? 0x7fffffffu : b;
    if (y != y) return a;
    if (x == y) return a == b ? a : is_max ? (a >> 31 ? b : a) : (a >> 31 ? a : b);
    return (x > y) == is_max ? a : b;
}

/* f32: thread t reads a[t], b[t], c[t] and stores 10 result words; compared bit for bit with C. */
static void test_f32(tg_rtl *r)
{
    enum { NT = 32, IN = 0x8000, OUT = 0x9000, P = 0xa000, NOUT = 10, STRIDE = 12 };
    static const uint32_t edge[] = {
        0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x00800000, 0x3f800000, 0xbf800000,
        0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x3f800001, 0x33800000,
        0x34000000, 0x4b800000, 0x3eaaaaab, 0xc0490fdb, 0x00400000, 0x80400000, 0x3f7fffff, 0x5f000000,
    };
    uint32_t in[3 * NT], out[STRIDE * NT];
    uint32_t seed = 12345;
    for (int i = 0; i < 3 * NT; i++) {
        seed = seed * 1664525u + 1013904223u;
        in[i] = (i * 7) % 5 == 0 ? edge[(i * 11 + seed % 7) % (sizeof edge / 4)] : seed;
    }
    /* a few exact cases: ties and cancellation */
    in[0] = 0x3f800000; in[NT] = 0x33800000; in[2 * NT] = 0x00000000;   /* 1 + 2^-24: tie */
    in[1] = 0x3f800001; in[NT + 1] = 0x33800000; in[2 * NT + 1] = 0xbf800001;
    in[2] = 0x7f7fffff; in[NT + 2] = 0x7f7fffff; in[2 * NT + 2] = 0xff7fffff;  /* overflow, fma cancels */
    in[3] = 0x00800000; in[NT + 3] = 0x3f000000; in[2 * NT + 3] = 0x80000001;  /* denormal result */
    uint64_t prog[] = {
        S2R(0, TG_SREG_TID_X), I(TG_OP_SHL, 1, 0, 2, 0),
        I(TG_OP_LDP, 2, TG_RZ, 0, TG_W_B32), R(TG_OP_IADD, 2, 2, 1, 0, 0),
        I(TG_OP_LDG, 3, 2, 0, TG_W_B32), I(TG_OP_LDG, 4, 2, 4 * NT, TG_W_B32),
        I(TG_OP_LDG, 5, 2, 8 * NT, TG_W_B32),                        /* a, b, c */
        R(TG_OP_FADD, 10, 3, 4, 0, 0), R(TG_OP_FSUB, 11, 3, 4, 0, 0), R(TG_OP_FMUL, 12, 3, 4, 0, 0),
        R(TG_OP_FFMA, 13, 3, 4, 5, 0), R(TG_OP_FMIN, 14, 3, 4, 0, 0), R(TG_OP_FMAX, 15, 3, 4, 0, 0),
        R(TG_OP_FABS, 16, 3, 0, 0, 0), R(TG_OP_FNEG, 17, 3, 0, 0, 0),
        R(TG_OP_FSETP, 0, 3, 4, 0, TG_COND_LT), R(TG_OP_FSETP, 1, 3, 4, 0, TG_COND_LEU),
        R(TG_OP_FSETP, 2, 3, 4, 0, TG_COND_EQ), R(TG_OP_FSETP, 3, 3, 4, 0, TG_COND_NAN),
        /* r18 = p0 | p1 << 1 | p2 << 2 | p3 << 3, via sel rd = p ? 1 : 0 */
        I(TG_OP_MOV, 24, 0, 1, 0),
        I(TG_OP_SEL, 25, 24, 0, 0), I(TG_OP_SEL, 26, 24, 0, 1), I(TG_OP_SEL, 27, 24, 0, 2),
        I(TG_OP_SEL, 28, 24, 0, 3),
        I(TG_OP_SHL, 26, 26, 1, 0), I(TG_OP_SHL, 27, 27, 2, 0), I(TG_OP_SHL, 28, 28, 3, 0),
        R(TG_OP_OR, 18, 25, 26, 0, 0), R(TG_OP_OR, 18, 18, 27, 0, 0), R(TG_OP_OR, 18, 18, 28, 0, 0),
        I(TG_OP_MOV, 19, 0, 0, 0),
        I(TG_OP_IMUL, 22, 0, 4 * STRIDE, 0), I(TG_OP_LDP, 23, TG_RZ, 4, TG_W_B32),
        R(TG_OP_IADD, 23, 23, 22, 0, 0),
        I(TG_OP_STG, 10, 23, 0, TG_W_B128), I(TG_OP_STG, 14, 23, 16, TG_W_B128),   /* r10..r17 */
        I(TG_OP_STG, 18, 23, 32, TG_W_B64),                                         /* r18, r19 */
        NONE(TG_OP_EXIT),
    };
    unsigned n = sizeof prog / sizeof prog[0];
    uint32_t p[2] = { IN, OUT };
    tg_rtl_write(r, IN, in, sizeof in);
    memset(out, 0xee, sizeof out);
    tg_rtl_write(r, OUT, out, sizeof out);
    tg_rtl_write(r, P, p, sizeof p);
    tg_rtl_result res;
    static const uint32_t ba[] = { IN, OUT }, bs[] = { sizeof in, sizeof out };
    int rc = run_both(r, "f32", prog, n, 1, NT, P, 8, 0, ba, bs, 2, &res);
    CHECK(rc == 0, "f32: rc %d fault %s pc %u", rc, tg_rtl_fault_name(res.fault_kind), res.fault_pc);
    tg_rtl_read(r, OUT, out, sizeof out);
    static const char *const names[NOUT] = { "fadd", "fsub", "fmul", "ffma", "fmin", "fmax", "fabs", "fneg", "setp", "zero" };
    int bad = 0;
    for (int t = 0; t < NT; t++) {
        uint32_t A = in[t], B = in[NT + t], C = in[2 * NT + t];
        float x = f_of(A), y = f_of(B), z = f_of(C);
        int un = x != x || y != y;
        uint32_t want[NOUT] = {
            canon(x + y), canon(x - y), canon(x * y), canon(fmaf(x, y, z)),
            ref_minmax(A, B, 0), ref_minmax(A, B, 1), A & 0x7fffffffu, A ^ 0x80000000u,
            (uint32_t)(!un && x < y) | (uint32_t)(un || x <= y) << 1 | (uint32_t)(!un && x == y) << 2 |
                (uint32_t)un << 3,
            0 };
        for (int k = 0; k < NOUT; k++)
            if (out[STRIDE * t + k] != want[k] && bad++ < 8)
                printf("f32 %s(0x%08x, 0x%08x, 0x%08x) = 0x%08x, want 0x%08x\n", names[k], A, B, C,
                       out[STRIDE * t + k], want[k]);
    }
    CHECK(bad == 0, "f32: %d wrong results", bad);
}

/* Conversions: thread t converts in[t] 16 ways; compared with the simulator byte for byte, plus
 * a few values worked out by hand. */
static void test_convert(tg_rtl *r)
{
    enum { NT = 32, IN = 0xb000, OUT = 0xc000, P = 0xd000, STRIDE = 16 };
    static const uint32_t edge[] = {
        0x00000000, 0x80000000, 0x3f000000, 0x3fc00000, 0x40200000, 0xbfc00000, 0xc0200000, 0x4f000000,
        0xcf000000, 0x4f800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x00000001, 0x477fefff, 0x477ff000,
        0x33000000, 0x38800000, 0x387fc000, 0x3f7fffff, 0x80000001, 0x7fffffff, 0x4b7fffff, 0xcb000001,
    };
    uint32_t in[NT], out[STRIDE * NT];
    uint32_t seed = 99;
    for (int i = 0; i < NT; i++) {
        seed = seed * 1664525u + 1013904223u;
        in[i] = i < (int)(sizeof edge / 4) ? edge[i] : seed;
    }
    uint64_t prog[] = {
        S2R(0, TG_SREG_TID_X), I(TG_OP_SHL, 1, 0, 2, 0),
        I(TG_OP_LDP, 2, TG_RZ, 0, TG_W_B32), R(TG_OP_IADD, 2, 2, 1, 0, 0), I(TG_OP_LDG, 3, 2, 0, TG_W_B32),
        R(TG_OP_F2I, 8, 3, 0, 0, TG_RND_RN), R(TG_OP_F2I, 9, 3, 0, 0, TG_RND_RZ),
        R(TG_OP_F2I, 10, 3, 0, 0, TG_RND_RM), R(TG_OP_F2I, 11, 3, 0, 0, TG_RND_RP),
        R(TG_OP_F2U, 12, 3, 0, 0, TG_RND_RN), R(TG_OP_I2F, 13, 3, 0, 0, TG_RND_RN),
        R(TG_OP_I2F, 14, 3, 0, 0, TG_RND_RZ), R(TG_OP_U2F, 15, 3, 0, 0, TG_RND_RM),
        R(TG_OP_U2F, 16, 3, 0, 0, TG_RND_RP), R(TG_OP_F2H, 17, 3, 0, 0, 0), R(TG_OP_H2F, 18, 3, 0, 0, 0),
        R(TG_OP_F2BF, 19, 3, 0, 0, 0), R(TG_OP_BF2F, 20, 3, 0, 0, 0), R(TG_OP_FRND, 21, 3, 0, 0, TG_RND_RN),
        R(TG_OP_FRND, 22, 3, 0, 0, TG_RND_RM), R(TG_OP_FRND, 23, 3, 0, 0, TG_RND_RP),
        I(TG_OP_IMUL, 4, 0, 4 * STRIDE, 0), I(TG_OP_LDP, 5, TG_RZ, 4, TG_W_B32), R(TG_OP_IADD, 5, 5, 4, 0, 0),
        I(TG_OP_STG, 8, 5, 0, TG_W_B128), I(TG_OP_STG, 12, 5, 16, TG_W_B128),
        I(TG_OP_STG, 16, 5, 32, TG_W_B128), I(TG_OP_STG, 20, 5, 48, TG_W_B128),
        NONE(TG_OP_EXIT),
    };
    uint32_t p[2] = { IN, OUT };
    tg_rtl_write(r, IN, in, sizeof in);
    memset(out, 0xee, sizeof out);
    tg_rtl_write(r, OUT, out, sizeof out);
    tg_rtl_write(r, P, p, sizeof p);
    static const uint32_t ba[] = { IN, OUT }, bs[] = { sizeof in, sizeof out };
    tg_rtl_result res;
    int rc = run_both(r, "convert", prog, sizeof prog / sizeof prog[0], 1, NT, P, 8, 0, ba, bs, 2, &res);
    CHECK(rc == 0, "convert: rc %d fault %s pc %u", rc, tg_rtl_fault_name(res.fault_kind), res.fault_pc);
    tg_rtl_read(r, OUT, out, sizeof out);
    /* 1.5: f2i rn/rz/rm/rp = 2 1 1 2; 2.5 rn = 2 (ties to even); -1.5 rm = -2; 65520.0 -> f16 inf */
    CHECK(out[3 * STRIDE] == 2 && out[3 * STRIDE + 1] == 1 && out[3 * STRIDE + 2] == 1 &&
          out[3 * STRIDE + 3] == 2, "f2i(1.5) = %d %d %d %d", (int)out[48], (int)out[49], (int)out[50], (int)out[51]);
    CHECK(out[4 * STRIDE] == 2, "f2i.rn(2.5) = %d", (int)out[4 * STRIDE]);
    CHECK(out[5 * STRIDE + 2] == (uint32_t)-2, "f2i.rm(-1.5) = %d", (int)out[5 * STRIDE + 2]);
    CHECK(out[15 * STRIDE + 9] == 0x7c00, "f2h(65520) = 0x%x", out[15 * STRIDE + 9]);
}

static uint64_t SH(unsigned rd, unsigned ra, unsigned rb, unsigned rc, unsigned mode, unsigned pd)
{
    tg_inst i = { .op = TG_OP_SHFL, .guard = TG_PT, .rd = rd, .ra = ra, .rb = rb, .rc = rc,
                  .mod = mode, .ext = pd };
    return tg_encode(&i);
}

/* Warp-wide ops: shfl in all four modes (clamp, valid flag, a shuffle onto its own source
 * register), vote.all/any/uni and ballot, under a guard that leaves some active lanes out and
 * with a partial last warp. Compared with the simulator (warp size 8) byte for byte. */
static void test_warp_ops(tg_rtl *r)
{
    enum { NT = 30, OUT = 0xe000, P = 0xf000, STRIDE = 8 };
    uint64_t prog[] = {
        S2R(0, TG_SREG_TID_X), I(TG_OP_IMUL, 1, 0, 3, 0), I(TG_OP_IADD, 1, 1, 1, 0),  /* r1 = 3t+1 */
        I(TG_OP_MOV, 20, 0, 1, 0), I(TG_OP_MOV, 21, 0, 31, 0), I(TG_OP_MOV, 22, 0, 2, 0),
        I(TG_OP_MOV, 23, 0, 0, 0), I(TG_OP_MOV, 24, 0, 6, 0),
        I(TG_OP_IMUL, 25, 0, 5, 0), I(TG_OP_AND, 25, 25, 7, 0),                        /* idx lane */
        I(TG_OP_UREM, 26, 0, 3, 0), I(TG_OP_ISETP, 0, 26, 0, TG_COND_EQ),            /* p0: t%3==0 */
        I(TG_OP_ISETP, 5, 0, 27, TG_COND_LT),                                        /* p5: t<27 */
        guarded(SH(2, 1, 20, 21, TG_SHFL_BFLY, TG_PT), 5, false),
        guarded(SH(3, 1, 22, 23, TG_SHFL_UP, 1), 5, false),
        guarded(SH(4, 1, 22, 24, TG_SHFL_DOWN, 2), 5, false),
        guarded(SH(5, 1, 25, 21, TG_SHFL_IDX, TG_PT), 5, false),
        guarded(R(TG_OP_VOTEANY, 3, 0, 0, 0, 0), 5, false),
        guarded(R(TG_OP_VOTEALL, 4, 0, 0, 0, 1), 5, false),
        guarded(R(TG_OP_VOTEUNI, 6, 0, 0, 0, 0), 5, false),
        guarded(R(TG_OP_BALLOT, 6, 0, 0, 0, 0), 5, false),
        guarded(SH(1, 1, 20, 21, TG_SHFL_BFLY, TG_PT), 5, false),                     /* in place */
        /* r7 = predicate bits p1 p2 p3 p4 p6 */
        I(TG_OP_MOV, 7, 0, 0, 0),
        I(TG_OP_SEL, 8, 20, 0, 1), R(TG_OP_OR, 7, 7, 8, 0, 0),
        I(TG_OP_SEL, 8, 20, 0, 2), I(TG_OP_SHL, 8, 8, 1, 0), R(TG_OP_OR, 7, 7, 8, 0, 0),
        I(TG_OP_SEL, 8, 20, 0, 3), I(TG_OP_SHL, 8, 8, 2, 0), R(TG_OP_OR, 7, 7, 8, 0, 0),
        I(TG_OP_SEL, 8, 20, 0, 4), I(TG_OP_SHL, 8, 8, 3, 0), R(TG_OP_OR, 7, 7, 8, 0, 0),
        I(TG_OP_SEL, 8, 20, 0, 6), I(TG_OP_SHL, 8, 8, 4, 0), R(TG_OP_OR, 7, 7, 8, 0, 0),
        I(TG_OP_IMUL, 9, 0, 4 * STRIDE, 0), I(TG_OP_LDP, 10, TG_RZ, 0, TG_W_B32), R(TG_OP_IADD, 10, 10, 9, 0, 0),
        I(TG_OP_STG, 0, 10, 0, TG_W_B128), I(TG_OP_STG, 4, 10, 16, TG_W_B128),   /* r0..r7 */
        NONE(TG_OP_EXIT),
    };
    uint32_t out[STRIDE * 32], p = OUT;
    memset(out, 0xee, sizeof out);
    tg_rtl_write(r, OUT, out, sizeof out);
    tg_rtl_write(r, P, &p, 4);
    static const uint32_t ba[] = { OUT }, bs[] = { sizeof out };
    tg_rtl_result res;
    int rc = run_both(r, "warp ops", prog, sizeof prog / sizeof prog[0], 1, NT, P, 4, 0, ba, bs, 1, &res);
    CHECK(rc == 0, "warp ops: rc %d fault %s pc %u", rc, tg_rtl_fault_name(res.fault_kind), res.fault_pc);
    tg_rtl_read(r, OUT, out, sizeof out);
    /* lane 0 of warp 0: bfly 1 reads lane 1 (3*1+1 = 4); ballot of t%3==0 over warp 0's lanes with t < 27 */
    uint32_t want_ballot = 0;
    for (uint32_t t = 0; t < TG_RTL_LANES && t < 27; t++) want_ballot |= (t % 3 == 0) << t;
    CHECK(out[2] == 4 && out[1] == 4, "shfl.bfly: r2 %u, in-place r1 %u", out[2], out[1]);
    CHECK(out[6] == want_ballot, "ballot = 0x%x, want 0x%x", out[6], want_ballot);
}

/* Atomics: every thread updates global counters (add, fadd of 1.0, umax, smin) and shared words
 * (or, xor, and, inc, dec, add); two single threads do a matching and a failing cas. The final values do not depend on the order of the threads, so
 * they are checked against C and against the simulator. */
static void test_atomics(tg_rtl *r)
{
    enum { NT = 29, CNT = 0x10000, P = 0x10200, NC = 12 };
    uint64_t prog[] = {
        S2R(0, TG_SREG_TID_X), I(TG_OP_LDP, 10, TG_RZ, 0, TG_W_B32), I(TG_OP_MOV, 20, 0, 1, 0),
        I(TG_OP_MOV, 21, 0, 0x3f800000, 0), R(TG_OP_INEG, 22, 0, 0, 0, 0), I(TG_OP_MOV, 23, 0, 1000, 0),
        R(TG_OP_SHL, 24, 20, 0, 0, 0),                                       /* 1 << tid */
        R(TG_OP_ATOMG, 1, 10, 20, 0, TG_ATOM_ADD),
        I(TG_OP_IADD, 11, 10, 4, 0), R(TG_OP_ATOMG, TG_RZ, 11, 21, 0, TG_ATOM_FADD),
        I(TG_OP_IADD, 11, 10, 8, 0), R(TG_OP_ATOMG, TG_RZ, 11, 0, 0, TG_ATOM_UMAX),
        I(TG_OP_IADD, 11, 10, 12, 0), R(TG_OP_ATOMG, TG_RZ, 11, 22, 0, TG_ATOM_SMIN),
        I(TG_OP_MOV, 12, 0, 0, 0), R(TG_OP_ATOMS, TG_RZ, 12, 24, 0, TG_ATOM_OR),
        I(TG_OP_MOV, 12, 0, 4, 0), R(TG_OP_ATOMS, TG_RZ, 12, 0, 0, TG_ATOM_XOR),
        I(TG_OP_MOV, 12, 0, 8, 0), R(TG_OP_ATOMS, TG_RZ, 12, 22, 0, TG_ATOM_AND),
        I(TG_OP_MOV, 12, 0, 12, 0), R(TG_OP_ATOMS, TG_RZ, 12, 23, 0, TG_ATOM_INC),
        I(TG_OP_MOV, 12, 0, 16, 0), R(TG_OP_ATOMS, TG_RZ, 12, 23, 0, TG_ATOM_DEC),
        I(TG_OP_MOV, 12, 0, 20, 0), R(TG_OP_ATOMS, 13, 12, 0, 0, TG_ATOM_ADD),
        /* thread 0: cas 7 -> 9 on counter 10 (matches); thread 1: cas 4 -> 9 on counter 11 (holds 3) */
        I(TG_OP_ISETP, 2, 0, 0, TG_COND_EQ), I(TG_OP_ISETP, 3, 0, 1, TG_COND_EQ),
        I(TG_OP_MOV, 25, 0, 9, 0), I(TG_OP_MOV, 26, 0, 7, 0), I(TG_OP_MOV, 27, 0, 4, 0),
        I(TG_OP_IADD, 11, 10, 40, 0), guarded(R(TG_OP_ATOMG, 28, 11, 26, 25, TG_ATOM_CAS), 2, false),
        I(TG_OP_IADD, 11, 10, 44, 0), guarded(R(TG_OP_ATOMG, 28, 11, 27, 25, TG_ATOM_CAS), 3, false),
        I(TG_OP_BAR, 0, 0, 0, 0) | (uint64_t)TG_RZ << 20,
        /* threads 0..5 copy shared word t to counter 4 + t */
        I(TG_OP_ISETP, 1, 0, 6, TG_COND_GE), guarded(NONE(TG_OP_EXIT), 1, false),
        I(TG_OP_SHL, 15, 0, 2, 0), I(TG_OP_LDS, 16, 15, 0, TG_W_B32), R(TG_OP_IADD, 17, 10, 15, 0, 0),
        I(TG_OP_STG, 16, 17, 16, TG_W_B32),
        NONE(TG_OP_EXIT),
    };
    uint32_t cnt[NC] = { 0, 0x40000000, 5, 0, 0, 0, 0, 0, 0, 0, 7, 3 }, p = CNT;
    tg_rtl_write(r, CNT, cnt, sizeof cnt);
    tg_rtl_write(r, P, &p, 4);
    static const uint32_t ba[] = { CNT }, bs[] = { sizeof cnt };
    tg_rtl_result res;
    int rc = run_both(r, "atomics", prog, sizeof prog / sizeof prog[0], 1, NT, P, 4, 64, ba, bs, 1, &res);
    CHECK(rc == 0, "atomics: rc %d fault %s pc %u", rc, tg_rtl_fault_name(res.fault_kind), res.fault_pc);
    tg_rtl_read(r, CNT, cnt, sizeof cnt);
    uint32_t xorv = 0, sum = 0;
    for (uint32_t t = 0; t < NT; t++) { xorv ^= t; sum += t; }
    /* fadd: 2.0 + 29 x 1.0 = 31.0; dec from 0 wraps to 1000, then counts down 28 times */
    CHECK(cnt[0] == NT && cnt[1] == 0x41f80000 && cnt[2] == NT - 1 && cnt[3] == (uint32_t)-(NT - 1),
          "atomg: add %u fadd 0x%08x umax %u smin %d", cnt[0], cnt[1], cnt[2], (int)cnt[3]);
    CHECK(cnt[4] == (1u << NT) - 1 && cnt[5] == xorv && cnt[6] == 0 && cnt[7] == NT &&
          cnt[8] == 1000 - (NT - 1) && cnt[9] == sum,
          "atoms: or 0x%x xor %u and %u inc %u dec %u add %u", cnt[4], cnt[5], cnt[6], cnt[7], cnt[8], cnt[9]);
    CHECK(cnt[10] == 9 && cnt[11] == 3, "atomg.cas: %u %u", cnt[10], cnt[11]);
}

/* fdiv, fsqrt and the SFU functions: thread g computes all of them on a = A[g], b = B[g] and stores
 * the 10 results; every bit is compared with the simulator (run_both) and with the reference itself
 * (host `/` and sqrtf, sim/exec_sfu.c's tg_sfu_*). Inputs: every pair of SFU_EDGE special values
 * (zeros, denormals, min/max normals, infinities, NaNs, exact squares, powers of two, each
 * function's range boundaries), then random bit patterns, every other one with its exponent moved
 * into [2^-9, 2^8) where the functions' main paths run. */
static const uint32_t sfu_edge[] = {
    0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x00000003, 0x007fffff, 0x807fffff, 0x00400000,
    0x00800000, 0x80800000, 0x00800001, 0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff, 0x7f800000,
    0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, 0x40800000, 0x41100000, 0x40100000, 0x3e800000,
    0x3f000000, 0x40000000, 0x7f000000, 0x3effffff, 0x410fffff, 0x43000000, 0xc2fe0000, 0xc2fe0001,
    0x42fffffe, 0xc2fd0000, 0x3fb504f3, 0x3fb504f4, 0x40490fdb, 0xc0490fdb, 0x3fc90fdb, 0x4b800000,
    0x4b7fffff, 0x4c000000, 0x4cbfffff, 0x60ad78ec, 0x5f000000, 0x0d800000, 0x72000000, 0x33800000,
};
#define SFU_NEDGE (sizeof sfu_edge / sizeof sfu_edge[0])

static void test_sfu(tg_rtl *r)
{
    enum { BLOCK = 256, GRID = 18, NT = BLOCK * GRID, NOUT = 10, STRIDE = 12,
           A = 0x20000, B = 0x28000, OUT = 0x30000, P = 0x70000 };
    uint64_t prog[] = {
        S2R(0, TG_SREG_TID_X), S2R(1, TG_SREG_CTAID_X), S2R(2, TG_SREG_NTID_X),
        R(TG_OP_IMAD, 3, 1, 2, 0, 0), I(TG_OP_SHL, 4, 3, 2, 0),                 /* g, 4g */
        I(TG_OP_LDP, 5, TG_RZ, 0, TG_W_B32), R(TG_OP_IADD, 5, 5, 4, 0, 0), I(TG_OP_LDG, 6, 5, 0, TG_W_B32),
        I(TG_OP_LDP, 5, TG_RZ, 4, TG_W_B32), R(TG_OP_IADD, 5, 5, 4, 0, 0), I(TG_OP_LDG, 7, 5, 0, TG_W_B32),
        R(TG_OP_FDIV, 10, 6, 7, 0, 0), R(TG_OP_FSQRT, 11, 6, 0, 0, 0), R(TG_OP_RCP, 12, 6, 0, 0, 0),
        R(TG_OP_RSQ, 13, 6, 0, 0, 0), R(TG_OP_EX2, 14, 6, 0, 0, 0), R(TG_OP_LG2, 15, 6, 0, 0, 0),
        R(TG_OP_SIN, 16, 6, 0, 0, 0), R(TG_OP_COS, 17, 6, 0, 0, 0), R(TG_OP_TANH, 18, 6, 0, 0, 0),
        I(TG_OP_FDIV, 19, 6, 0x40400000, 0),                                     /* a / 3.0 */
        I(TG_OP_IMUL, 20, 3, 4 * STRIDE, 0), I(TG_OP_LDP, 21, TG_RZ, 8, TG_W_B32),
        R(TG_OP_IADD, 21, 21, 20, 0, 0),
        I(TG_OP_STG, 10, 21, 0, TG_W_B128), I(TG_OP_STG, 14, 21, 16, TG_W_B128),
        I(TG_OP_STG, 18, 21, 32, TG_W_B64),
        NONE(TG_OP_EXIT),
    };
    static uint32_t a[NT], b[NT], out[STRIDE * NT];
    uint32_t seed = 2024, n = 0;
    for (uint32_t i = 0; i < SFU_NEDGE; i++)
        for (uint32_t j = 0; j < SFU_NEDGE; j++, n++) { a[n] = sfu_edge[i]; b[n] = sfu_edge[j]; }
    for (; n < NT; n++) {
        uint32_t v[2];
        for (int k = 0; k < 2; k++) {
            seed = seed * 1664525u + 1013904223u;
            v[k] = seed ^ seed >> 15;
            if (n & 1) v[k] = (v[k] & 0x807fffffu) | (118u + (seed >> 7) % 17) << 23;
        }
        a[n] = v[0];
        b[n] = v[1];
    }
    uint32_t p[3] = { A, B, OUT };
    tg_rtl_write(r, A, a, sizeof a);
    tg_rtl_write(r, B, b, sizeof b);
    memset(out, 0xee, sizeof out);
    tg_rtl_write(r, OUT, out, sizeof out);
    tg_rtl_write(r, P, p, sizeof p);
    static const uint32_t ba[] = { A, B, OUT }, bs[] = { sizeof a, sizeof b, sizeof out };
    tg_rtl_result res;
    int rc = run_both(r, "sfu", prog, sizeof prog / sizeof prog[0], GRID, BLOCK, P, 12, 0, ba, bs, 3, &res);
    CHECK(rc == 0, "sfu: rc %d fault %s pc %u", rc, tg_rtl_fault_name(res.fault_kind), res.fault_pc);
    tg_rtl_read(r, OUT, out, sizeof out);
    static const char *const names[NOUT] = { "fdiv", "fsqrt", "rcp", "rsq", "ex2", "lg2", "sin", "cos",
                                              "tanh", "fdiv3" };
    int bad[NOUT] = {0}, nbad = 0;
    for (uint32_t t = 0; t < NT; t++) {
        float x = f_of(a[t]), y = f_of(b[t]);
        uint32_t want[NOUT] = { canon(x / y), canon(sqrtf(x)), tg_sfu_rcp(a[t]), tg_sfu_rsq(a[t]),
                                tg_sfu_ex2(a[t]), tg_sfu_lg2(a[t]), tg_sfu_sin(a[t]), tg_sfu_cos(a[t]),
                                tg_sfu_tanh(a[t]), canon(x / 3.0f) };
        for (int k = 0; k < NOUT; k++)
            if (out[STRIDE * t + k] != want[k] && bad[k]++ < 4 && nbad++ < 20)
                printf("%s(0x%08x, 0x%08x) = 0x%08x, want 0x%08x\n", names[k], a[t], b[t],
                       out[STRIDE * t + k], want[k]);
    }
    for (int k = 0; k < NOUT; k++)
        CHECK(bad[k] == 0, "%s: %d of %d results wrong", names[k], bad[k], NT);
    printf("sfu: %d inputs x %d functions; %llu cycles, %llu warp-instructions\n", NT, NOUT,
           (unsigned long long)res.cycles, (unsigned long long)res.warp_instrs);
}


/* Regression (found by tgpu torture): signed idiv/irem with a negative operand divided unsigned,
 * because the signed '/' and '%' sat in a mux whose other operands are unsigned. Each thread
 * divides one pair of the table with idiv irem udiv urem; checked against C and the simulator. */
static void test_signed_divide(tg_rtl *r)
{
    enum { TAB = 0x10000, OUT = 0x11000, P = 0x13000 };
    static const int32_t pairs[][2] = {
        { -7, 2 }, { 7, -2 }, { -7, -2 }, { -1, 3 }, { INT32_MIN, -1 }, { INT32_MIN, 3 }, { 5, 0 }, { -5, 0 },
        { 100, -7 }, { -100, 7 }, { INT32_MIN, INT32_MIN }, { INT32_MAX, -1 }, { -2147483647, 2 }, { 0, -3 },
        { 12, 5 }, { -12, -5 },
    };
    enum { NT = sizeof pairs / sizeof pairs[0] };
    uint64_t prog[] = {
        S2R(0, TG_SREG_TID_X), I(TG_OP_LDP, 10, TG_RZ, 0, TG_W_B32), I(TG_OP_LDP, 11, TG_RZ, 4, TG_W_B32),
        I(TG_OP_SHL, 1, 0, 3, 0), R(TG_OP_IADD, 2, 10, 1, 0, 0), I(TG_OP_LDG, 4, 2, 0, TG_W_B64),
        R(TG_OP_IDIV, 6, 4, 5, 0, 0), R(TG_OP_IREM, 7, 4, 5, 0, 0), R(TG_OP_UDIV, 8, 4, 5, 0, 0),
        R(TG_OP_UREM, 9, 4, 5, 0, 0),
        I(TG_OP_SHL, 1, 0, 4, 0), R(TG_OP_IADD, 3, 11, 1, 0, 0), I(TG_OP_STG, 6, 3, 0, TG_W_B128),
        NONE(TG_OP_EXIT),
    };
    uint32_t zero[4 * NT] = { 0 }, params[2] = { TAB, OUT }, got[4 * NT];
    tg_rtl_write(r, TAB, pairs, sizeof pairs);
    tg_rtl_write(r, OUT, zero, sizeof zero);
    tg_rtl_write(r, P, params, sizeof params);
    static const uint32_t ba[] = { TAB, OUT }, bs[] = { sizeof pairs, sizeof zero };
    tg_rtl_result res;
    int rc = run_both(r, "signed divide", prog, sizeof prog / sizeof prog[0], 1, NT, P, 8, 0, ba, bs, 2, &res);
    CHECK(rc == 0, "signed divide: rc %d fault %s pc %u", rc, tg_rtl_fault_name(res.fault_kind), res.fault_pc);
    tg_rtl_read(r, OUT, got, sizeof got);
    for (unsigned t = 0; t < NT; t++) {
        int32_t a = pairs[t][0], b = pairs[t][1];
        uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
        uint32_t q = b == 0 ? 0xffffffffu : (a == INT32_MIN && b == -1) ? ua : (uint32_t)(a / b);
        uint32_t m = b == 0 ? ua : (a == INT32_MIN && b == -1) ? 0 : (uint32_t)(a % b);
        uint32_t uq = ub ? ua / ub : 0xffffffffu, um = ub ? ua % ub : ua;
        CHECK(got[4 * t] == q && got[4 * t + 1] == m && got[4 * t + 2] == uq && got[4 * t + 3] == um,
              "%d / %d: idiv 0x%x (want 0x%x) irem 0x%x (0x%x) udiv 0x%x (0x%x) urem 0x%x (0x%x)", a, b,
              got[4 * t], q, got[4 * t + 1], m, got[4 * t + 2], uq, got[4 * t + 3], um);
    }
}

/* Regression (found by tgpu torture): a global atomic wrote rd after its read request and read
 * its operands again for the write request, so rd == ra moved the write (or faulted), and rd == rb
 * or rd == rc (cas) changed the value stored. Each thread works on its own words. */
static void test_atomic_rd_aliases(tg_rtl *r)
{
    enum { NT = 37, W = 0x10000, OUT = 0x11000, P = 0x13000 };
    uint64_t prog[] = {
        S2R(0, TG_SREG_TID_X), I(TG_OP_LDP, 10, TG_RZ, 0, TG_W_B32), I(TG_OP_LDP, 11, TG_RZ, 4, TG_W_B32),
        I(TG_OP_SHL, 1, 0, 4, 0), R(TG_OP_IADD, 2, 10, 1, 0, 0),             /* r2 = &w[t][0] */
        I(TG_OP_IADD, 20, 0, 1, 0),                                           /* r20 = t + 1 */
        I(TG_OP_MOV, 12, 0, 0, 0), R(TG_OP_IADD, 12, 2, 12, 0, 0),
        R(TG_OP_ATOMG, 12, 12, 20, 0, TG_ATOM_ADD),                           /* rd == ra */
        I(TG_OP_IADD, 13, 0, 5, 0), I(TG_OP_IADD, 3, 2, 4, 0),
        R(TG_OP_ATOMG, 13, 3, 13, 0, TG_ATOM_ADD),                            /* rd == rb */
        R(TG_OP_MOV, 14, 0, 0, 0, 0) , I(TG_OP_IADD, 15, 0, 100, 0), I(TG_OP_IADD, 3, 2, 8, 0),
        R(TG_OP_ATOMG, 15, 3, 14, 15, TG_ATOM_CAS),                           /* rd == rc */
        R(TG_OP_IADD, 3, 11, 1, 0, 0),
        I(TG_OP_STG, 12, 3, 0, TG_W_B32), I(TG_OP_STG, 13, 3, 4, TG_W_B32), I(TG_OP_STG, 15, 3, 8, TG_W_B32),
        NONE(TG_OP_EXIT),
    };
    uint32_t w[4 * NT], zero[4 * NT] = { 0 }, params[2] = { W, OUT }, got[4 * NT];
    for (unsigned t = 0; t < NT; t++) { w[4 * t] = 1000 + t; w[4 * t + 1] = 2000 + t; w[4 * t + 2] = t; w[4 * t + 3] = 0; }
    tg_rtl_write(r, W, w, sizeof w);
    tg_rtl_write(r, OUT, zero, sizeof zero);
    tg_rtl_write(r, P, params, sizeof params);
    static const uint32_t ba[] = { W, OUT }, bs[] = { sizeof w, sizeof zero };
    tg_rtl_result res;
    int rc = run_both(r, "atomic rd aliases", prog, sizeof prog / sizeof prog[0], 1, NT, P, 8, 0, ba, bs, 2, &res);
    CHECK(rc == 0, "atomic rd aliases: rc %d fault %s pc %u", rc, tg_rtl_fault_name(res.fault_kind), res.fault_pc);
    tg_rtl_read(r, W, w, sizeof w);
    tg_rtl_read(r, OUT, got, sizeof got);
    for (unsigned t = 0; t < NT; t++) {
        CHECK(w[4 * t] == 1000 + 2 * t + 1 && got[4 * t] == 1000 + t, "thread %u rd == ra: word %u old %u", t, w[4 * t],
              got[4 * t]);
        CHECK(w[4 * t + 1] == 2000 + 2 * t + 5 && got[4 * t + 1] == 2000 + t, "thread %u rd == rb: word %u old %u", t,
              w[4 * t + 1], got[4 * t + 1]);
        CHECK(w[4 * t + 2] == 100 + t && got[4 * t + 2] == t, "thread %u rd == rc (cas): word %u old %u", t,
              w[4 * t + 2], got[4 * t + 2]);
    }
}

/* An instruction the RTL lacks faults as unimplemented; a misaligned load faults as misaligned. */
static void test_faults(tg_rtl *r)
{
    /* a register past this configuration's register file */
    uint64_t unimpl[] = { I(TG_OP_MOV, 1, 0, 0x3f800000, 0), I(TG_OP_MOV, TG_RTL_NREGS, 0, 1, 0), NONE(TG_OP_EXIT) };
    tg_rtl_result res;
    int rc = run(r, unimpl, 3, 1, 8, 0, 0, 0, &res);
    CHECK(rc == 1 && res.fault_kind == TG_RTL_FAULT_UNIMPLEMENTED && res.fault_pc == 1,
          "unimplemented: rc %d kind %u pc %u", rc, res.fault_kind, res.fault_pc);
    uint64_t mis[] = { I(TG_OP_LDG, 1, TG_RZ, 0x1002, TG_W_B32), NONE(TG_OP_EXIT) };
    rc = run(r, mis, 2, 1, 8, 0, 0, 0, &res);
    CHECK(rc == 1 && res.fault_kind == 2 && res.fault_addr == 0x1002,
          "misaligned: rc %d kind %u addr 0x%x", rc, res.fault_kind, res.fault_addr);
    uint64_t oob[] = { I(TG_OP_LDG, 1, TG_RZ, 0x10, TG_W_B32), NONE(TG_OP_EXIT) };
    rc = run(r, oob, 2, 1, 8, 0, 0, 0, &res);
    CHECK(rc == 1 && res.fault_kind == 1, "null load: rc %d kind %u", rc, res.fault_kind);
}

/* Launch registers: a block over 256 threads (in any dimension mix) or over the RTL's local memory
 * is a bad launch; the largest legal one runs; FAULT_BLOCK is the linear block number of a 3-D grid
 * (blockIdx (1,1,1) of 2x2x2 is block 7). */
static void test_launch_limits(tg_rtl *r)
{
    uint64_t code[] = {
        S2R(0, TG_SREG_CTAID_X), S2R(1, TG_SREG_CTAID_Y), S2R(2, TG_SREG_CTAID_Z),
        R(TG_OP_IADD, 3, 0, 1, 0, 0), R(TG_OP_IADD, 3, 3, 2, 0, 0),
        I(TG_OP_ISETP, 0, 3, 3, TG_COND_EQ),
        I(TG_OP_LDG, 4, TG_RZ, 0x10, TG_W_B32),   /* guarded below: only blockIdx (1,1,1) loads from null */
        NONE(TG_OP_EXIT),
    };
    code[6] = guarded(code[6], 0, false);
    tg_rtl_load_code(r, code, 8);
    static const struct { uint32_t block[3], local; int ok; } cases[] = {
        { { 16, 32, 1 }, 0, 0 }, { { 1, 1, 257 }, 0, 0 }, { { 8, 8, 4 }, 0, 1 }, { { 0, 4, 4 }, 0, 0 },
        { { 32, 1, 1 }, TG_RTL_LOCAL_WORDS * 4, 1 }, { { 32, 1, 1 }, TG_RTL_LOCAL_WORDS * 4 + 4, 0 },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tg_rtl_launch l = { .entry = 0, .end = 8, .grid = { 1, 1, 1 }, .block = { cases[i].block[0], cases[i].block[1],
                            cases[i].block[2] }, .local_bytes = cases[i].local };
        tg_rtl_result res;
        int rc = tg_rtl_run(r, &l, 100000, &res);
        CHECK(cases[i].ok ? rc == 0 : rc == 1 && res.fault_kind == TG_FAULT_BAD_LAUNCH,
              "launch limits case %u (block %ux%ux%u, local %u): rc %d kind %u", i, cases[i].block[0], cases[i].block[1],
              cases[i].block[2], cases[i].local, rc, res.fault_kind);
    }
    tg_rtl_launch l = { .entry = 0, .end = 8, .grid = { 2, 2, 2 }, .block = { 4, 2, 1 } };
    tg_rtl_result res;
    int rc = tg_rtl_run(r, &l, 100000, &res);
    CHECK(rc == 1 && res.fault_kind == TG_FAULT_OOB && res.fault_block == 7 && res.fault_pc == 6,
          "3-D grid fault: rc %d kind %u block %u pc %u", rc, res.fault_kind, res.fault_block, res.fault_pc);
}

/* The L1 (rtl/l1_cache.sv: direct-mapped, 4-word lines, write-through, no write allocation) and the
 * memory controller's counters on one warp whose lanes run one after another, so every count
 * follows by hand. Line indexes of P, A, C, D differ, so nothing evicts anything.
 *   3 ldp x 32 lanes, one line of params:        1 miss, 95 hits
 *   ldg A[t] (32 words, 8 lines, streaming):     8 misses, 24 hits
 *   ldg A[t] again (the 8 lines fit):            32 hits
 *   stg C[t] (no write allocation):              32 DRAM writes
 *   ldg C[t]:                                    8 misses, 24 hits
 *   stg A[t] (write hits update the lines):      32 DRAM writes
 *   ldg A[t] (must see the new values):          32 hits; stg D[t]: 32 DRAM writes
 * Total 207 hits, 17 misses, 68 DRAM reads (4 per miss), 96 DRAM writes. With TGPU_RTL_L1=0 (a
 * second model) the same program gives the same memory, no hits or misses, 224 DRAM reads, and
 * takes more cycles. */
static void l1_program(tg_rtl *r, const char *name, tg_rtl_result *res)
{
    enum { N = 32, A = 0x1100, C = 0x2200, D = 0x3300, P = 0x4000 };
    const uint64_t code[] = {
        S2R(0, TG_SREG_TID_X), I(TG_OP_SHL, 5, 0, 2, 0),
        I(TG_OP_LDP, 6, TG_RZ, 0, TG_W_B32), I(TG_OP_LDP, 7, TG_RZ, 4, TG_W_B32), I(TG_OP_LDP, 8, TG_RZ, 8, TG_W_B32),
        R(TG_OP_IADD, 6, 6, 5, 0, 0), R(TG_OP_IADD, 7, 7, 5, 0, 0), R(TG_OP_IADD, 8, 8, 5, 0, 0),
        I(TG_OP_LDG, 1, 6, 0, TG_W_B32), I(TG_OP_LDG, 2, 6, 0, TG_W_B32),
        R(TG_OP_IADD, 9, 1, 2, 0, 0), I(TG_OP_STG, 9, 7, 0, TG_W_B32),
        I(TG_OP_LDG, 3, 7, 0, TG_W_B32), I(TG_OP_STG, 3, 6, 0, TG_W_B32),
        I(TG_OP_LDG, 4, 6, 0, TG_W_B32), I(TG_OP_STG, 4, 8, 0, TG_W_B32),
        NONE(TG_OP_EXIT),
    };
    uint32_t a[N], z[N] = { 0 }, p[4] = { A, C, D, 0 }, out[N];
    for (int i = 0; i < N; i++) a[i] = 7u * (uint32_t)i + 1;
    tg_rtl_write(r, A, a, sizeof a);
    tg_rtl_write(r, C, z, sizeof z);
    tg_rtl_write(r, D, z, sizeof z);
    tg_rtl_write(r, P, p, sizeof p);
    static const uint32_t ba[] = { A, C, D }, bs[] = { sizeof a, sizeof z, sizeof z };
    int rc = run_both(r, name, code, sizeof code / sizeof code[0], 1, N, P, 12, 0, ba, bs, 3, res);
    CHECK(rc == 0, "%s: rc %d fault %s pc %u", name, rc, tg_rtl_fault_name(res->fault_kind), res->fault_pc);
    int bad = 0;
    for (uint32_t b = 0; b < 3; b++) {
        tg_rtl_read(r, ba[b], out, sizeof out);
        for (int i = 0; i < N; i++) bad += out[i] != 2 * a[i];
    }
    CHECK(bad == 0, "%s: %d wrong words in A, C, D (want 2 * a[i])", name, bad);
}

static void test_l1_counters(tg_rtl *r)
{
    tg_rtl_result res;
    l1_program(r, "l1", &res);
    CHECK(res.l1_hits == 207 && res.l1_misses == 17 && res.mem_reads == 68 && res.mem_writes == 96,
          "l1: %u hits %u misses %u DRAM reads %u DRAM writes, want 207 17 68 96", res.l1_hits, res.l1_misses,
          res.mem_reads, res.mem_writes);
    setenv("TGPU_RTL_L1", "0", 1);
    tg_rtl *nr = tg_rtl_create(1 << 20, NULL);
    unsetenv("TGPU_RTL_L1");
    if (!nr) { CHECK(0, "cannot create a second RTL model"); return; }
    tg_rtl_result off;
    l1_program(nr, "l1 bypassed", &off);
    tg_rtl_destroy(nr);
    CHECK(off.l1_hits == 0 && off.l1_misses == 0 && off.mem_reads == 224 && off.mem_writes == 96,
          "l1 bypassed: %u hits %u misses %u DRAM reads %u DRAM writes, want 0 0 224 96", off.l1_hits, off.l1_misses,
          off.mem_reads, off.mem_writes);
    CHECK(off.cycles > res.cycles, "l1: %llu cycles with the L1, %llu without", (unsigned long long)res.cycles,
          (unsigned long long)off.cycles);
    printf("l1: %llu cycles with the L1, %llu bypassed (DRAM latency %d)\n", (unsigned long long)res.cycles,
           (unsigned long long)off.cycles, TG_RTL_DRAM_LATENCY);
    setenv("TGPU_RTL_DRAM_LATENCY", "0", 1);
    tg_rtl *bad = tg_rtl_create(1 << 20, NULL);
    unsetenv("TGPU_RTL_DRAM_LATENCY");
    CHECK(bad == NULL, "TGPU_RTL_DRAM_LATENCY=0 accepted");
    tg_rtl_destroy(bad);
}

int main(void)
{
    tg_rtl *r = tg_rtl_create(1 << 20, NULL);
    if (!r) { printf("cannot create the RTL model\n"); return 1; }
    test_vecadd(r);
    test_divergent_loop(r);
    test_shared_barrier(r);
    test_f32(r);
    test_convert(r);
    test_warp_ops(r);
    test_atomics(r);
    test_sfu(r);
    test_signed_divide(r);
    test_atomic_rd_aliases(r);
    test_faults(r);
    test_launch_limits(r);
    test_l1_counters(r);
    tg_rtl_destroy(r);
    if (failures) { printf("%d failures\n", failures); return 1; }
    printf("all RTL tests passed\n");
    return 0;
}
