/* test_lockstep.c: the lockstep comparator (lockstep.h) itself. Kernels that agree must match
 * (atomics with order-dependent results included, and a fault both sides raise), and differences
 * planted in the RTL's copy after set-up (one immediate, one branch target, one input word, one
 * result word in memory) must each be caught as the right kind of mismatch at the right place.
 * Then RTL features checked in lockstep and against C: 2-D/3-D launches (every tid/ntid/ctaid/
 * nctaid component), local memory (widths, zero at block start, out-of-range and misaligned
 * faults, a launch needing more than the RTL has), counted and named barriers, and the illegal-
 * count, divergent-barrier and deadlock faults; and blocks running on two cores at once, with
 * atomics from both contending (and fewer cycles than on one core). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm.h"
#include "isa/isa.h"
#include "isa/tgbin.h"
#include "rtl/harness/lockstep.h"

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

/* out[tid] = sum over i < tid of (in[i] + 3), plus an atomic ticket whose value depends on the
 * order in which warps reach it, and a divergent branch. */
static const char *const SRC =
    ".kernel k\n"
    ".param in 4\n.param out 4\n.param ctr 4\n"
    "    s2r r0, %tid.x\n"
    "    s2r r9, %ctaid.x\n"
    "    s2r r10, %ntid.x\n"
    "    imad r0, r9, r10, r0\n"
    "    ldp.b32 r1, [in]\n"
    "    ldp.b32 r2, [out]\n"
    "    ldp.b32 r3, [ctr]\n"
    "    mov r4, 0\n"
    "    mov r5, 0\n"
    "loop:\n"
    "    isetp.ge p0, r5, r0\n"
    "    @p0 bra done\n"
    "    shl r6, r5, 2\n"
    "    iadd r6, r1, r6\n"
    "    ldg.b32 r7, [r6]\n"
    "    iadd r7, r7, 3\n"
    "    iadd r4, r4, r7\n"
    "    iadd r5, r5, 1\n"
    "    bra loop\n"
    "done:\n"
    "    mov r11, 1\n"
    "    atomg.add r8, [r3], r11\n"
    "    shl r6, r0, 3\n"
    "    iadd r6, r2, r6\n"
    "    stg.b32 [r6], r4\n"
    "    stg.b32 [r6+4], r8\n"
    "    exit\n";

enum { N = 40, BLOCK = 20, GRID = 2 };

typedef struct fixture {
    tg_module m;
    tg_sim *s;
    tg_rtl *r;
    uint32_t in, out, ctr, spare, params[3];
    tg_launch l;
} fixture;

static int setup(fixture *f)
{
    char err[256];
    memset(f, 0, sizeof *f);
    if (tg_asm_source(SRC, strlen(SRC), "lockstep.tgasm", &f->m, err, sizeof err) != 0) {
        printf("FAIL assembling: %s\n", err);
        failures++;
        return -1;
    }
    tg_sim_config cfg;
    tg_sim_config_default(&cfg);
    cfg.warp_size = TG_RTL_LANES;
    cfg.num_sms = 1;
    cfg.global_bytes = 1u << 20;
    f->s = tg_sim_create(&cfg);
    f->r = tg_rtl_create(1u << 20, NULL);
    uint32_t in[N], zero[2 * N] = {0};
    for (unsigned i = 0; i < N; i++) in[i] = i * 7 + 1;
    f->in = tg_sim_alloc(f->s, sizeof in);
    f->out = tg_sim_alloc(f->s, sizeof zero);
    f->ctr = tg_sim_alloc(f->s, 4);
    f->spare = tg_sim_alloc(f->s, 16);   /* no instruction touches it */
    tg_sim_write(f->s, f->spare, zero, 16);
    tg_sim_write(f->s, f->in, in, sizeof in);
    tg_sim_write(f->s, f->out, zero, sizeof zero);
    tg_sim_write(f->s, f->ctr, zero, 4);
    f->params[0] = f->in;
    f->params[1] = f->out;
    f->params[2] = f->ctr;
    f->l = (tg_launch){ .module = &f->m, .kernel = &f->m.kernels[0], .grid = { GRID, 1, 1 }, .block = { BLOCK, 1, 1 },
                        .params = f->params, .param_bytes = sizeof f->params };
    return 0;
}

static void teardown(fixture *f)
{
    tg_rtl_destroy(f->r);
    tg_sim_destroy(f->s);
    tg_module_free(&f->m);
}

static tg_lockstep_result res;

static void test_match(void)
{
    fixture f;
    if (setup(&f)) return;
    int st = tg_lockstep_run(f.r, f.s, &f.l, 1000000, &res);
    CHECK(st == TG_LOCKSTEP_MATCH, "clean run: %s\n%s", tg_lockstep_status_name(st), res.report);
    CHECK(res.commits > 100, "only %llu warp-instructions compared", (unsigned long long)res.commits);
    uint32_t out[2 * N];
    uint64_t tickets = 0;
    tg_rtl_read(f.r, f.out, out, sizeof out);
    for (unsigned t = 0; t < N; t++) {
        uint32_t want = 0;
        for (unsigned i = 0; i < t; i++) want += i * 7 + 1 + 3;
        CHECK(out[2 * t] == want, "thread %u: sum %u, want %u", t, out[2 * t], want);
        if (out[2 * t + 1] < N) tickets |= 1ull << out[2 * t + 1];
    }
    CHECK(tickets == (1ull << N) - 1, "atomic tickets are not a permutation of 0..%d", N - 1);
    teardown(&f);
}

/* Plants one difference in the RTL's copy, runs, and checks the report names it. */
static void planted(const char *name, void (*plant)(fixture *), const char *want)
{
    fixture f;
    if (setup(&f)) return;
    CHECK(tg_lockstep_setup(f.r, f.s, &f.l, &res) == 0, "%s: setup: %s", name, res.report);
    plant(&f);
    int st = tg_lockstep_go(f.r, f.s, &f.l, 1000000, &res);
    CHECK(st == TG_LOCKSTEP_MISMATCH, "%s: status %s, want mismatch", name, tg_lockstep_status_name(st));
    CHECK(strstr(res.report, want) != NULL, "%s: report lacks '%s':\n%s", name, want, res.report);
    if (getenv("TG_SHOW_REPORTS")) printf("--- %s:\n%s", name, res.report);
    teardown(&f);
}

/* Rewrites the immediate of the first instruction with opcode op and immediate old, in the RTL's
 * copy of the code only. */
static void patch(fixture *f, unsigned op, uint32_t old, uint32_t value)
{
    for (uint32_t pc = 0; pc < f->m.ncode; pc++) {
        tg_inst in;
        const char *why;
        if (tg_decode(f->m.code[pc], &in, &why) != 0 || in.op != op || in.imm != old) continue;
        in.imm = value;
        uint64_t w = tg_encode(&in);
        uint64_t code[256];
        memcpy(code, f->m.code, f->m.ncode * sizeof *code);
        code[pc] = w;
        tg_rtl_load_code(f->r, code, f->m.ncode);
        return;
    }
}

static void plant_imm(fixture *f) { patch(f, TG_OP_IADD, 3, 4); }        /* in + 3 -> in + 4 */
static void plant_branch(fixture *f) { patch(f, TG_OP_BRA, 18, 21); }    /* @p0 bra done -> past it */
static void plant_input(fixture *f) { uint32_t v = 999; tg_rtl_write(f->r, f->in + 4 * 5, &v, 4); }
static void plant_memory(fixture *f) { uint32_t v = 1; tg_rtl_write(f->r, f->spare + 8, &v, 4); }

/* A fault both sides raise is a match that reports the fault: the counter pointer is null. */
static void test_same_fault(void)
{
    fixture f;
    if (setup(&f)) return;
    f.params[2] = 0x10;
    int st = tg_lockstep_run(f.r, f.s, &f.l, 1000000, &res);
    CHECK(st == TG_LOCKSTEP_MATCH && res.fault_kind == TG_FAULT_OOB && res.fault.address == 0x10 &&
          res.fault.pc == 19 && res.fault.block.x == 0, "null atomic: status %s fault %d at pc %u address 0x%x\n%s",
          tg_lockstep_status_name(st), res.fault_kind, res.fault.pc, res.fault.address, res.report);
    teardown(&f);
}

/* Assembles src (one kernel, one parameter: the output buffer), runs it in lockstep on fresh
 * models, copies the RTL's final buffer to out. Returns the status; res holds the details. */
static int lockstep_src(const char *name, const char *src, tg_dim3 grid, tg_dim3 block, void *out, uint32_t out_bytes)
{
    tg_module m;
    char err[256];
    if (tg_asm_source(src, strlen(src), name, &m, err, sizeof err) != 0) {
        printf("FAIL assembling %s: %s\n", name, err);
        failures++;
        memset(&res, 0, sizeof res);
        return -1;
    }
    tg_sim_config cfg;
    tg_sim_config_default(&cfg);
    cfg.warp_size = TG_RTL_LANES;
    cfg.num_sms = 1;
    cfg.global_bytes = 1u << 20;
    tg_sim *s = tg_sim_create(&cfg);
    tg_rtl *r = tg_rtl_create(1u << 20, NULL);
    uint32_t buf = tg_sim_alloc(s, out_bytes);
    uint8_t *zero = calloc(1, out_bytes);
    tg_sim_write(s, buf, zero, out_bytes);
    free(zero);
    tg_launch l = { .module = &m, .kernel = &m.kernels[0], .grid = grid, .block = block, .params = &buf,
                    .param_bytes = 4 };
    int st = tg_lockstep_run(r, s, &l, 20000000, &res);
    if (out) tg_rtl_read(r, buf, out, out_bytes);
    if (getenv("TG_SHOW_REPORTS")) printf("--- %s: %s\n%s", name, tg_lockstep_status_name(st), res.report);
    tg_rtl_destroy(r);
    tg_sim_destroy(s);
    tg_module_free(&m);
    return st;
}

/* Every thread writes its 12 special-register components at (linear block * threads + linear
 * thread) * 12 words. */
static const char *const DIMS_SRC =
    ".kernel dims\n.param out 4\n"
    "    s2r r0, %tid.x\n    s2r r1, %tid.y\n    s2r r2, %tid.z\n"
    "    s2r r3, %ntid.x\n    s2r r4, %ntid.y\n    s2r r5, %ntid.z\n"
    "    s2r r6, %ctaid.x\n    s2r r7, %ctaid.y\n    s2r r8, %ctaid.z\n"
    "    s2r r9, %nctaid.x\n    s2r r10, %nctaid.y\n    s2r r11, %nctaid.z\n"
    "    imad r12, r2, r4, r1\n    imad r12, r12, r3, r0\n"      /* (z * ny + y) * nx + x */
    "    imad r13, r8, r10, r7\n    imad r13, r13, r9, r6\n"     /* the block's, likewise */
    "    imul r14, r3, r4\n    imul r14, r14, r5\n"
    "    imad r15, r13, r14, r12\n    imul r15, r15, 48\n"
    "    ldp.b32 r16, [out]\n    iadd r16, r16, r15\n"
    "    stg.b32 [r16], r0\n    stg.b32 [r16+4], r1\n    stg.b32 [r16+8], r2\n"
    "    stg.b32 [r16+12], r3\n    stg.b32 [r16+16], r4\n    stg.b32 [r16+20], r5\n"
    "    stg.b32 [r16+24], r6\n    stg.b32 [r16+28], r7\n    stg.b32 [r16+32], r8\n"
    "    stg.b32 [r16+36], r9\n    stg.b32 [r16+40], r10\n    stg.b32 [r16+44], r11\n"
    "    exit\n";

static void test_dims(tg_dim3 g, tg_dim3 b)
{
    uint32_t nb = g.x * g.y * g.z, nt = b.x * b.y * b.z, bytes = nb * nt * 48;
    uint32_t *out = malloc(bytes);
    int st = lockstep_src("dims", DIMS_SRC, g, b, out, bytes);
    CHECK(st == TG_LOCKSTEP_MATCH && res.fault_kind == 0, "dims grid %ux%ux%u block %ux%ux%u: %s\n%s", g.x, g.y, g.z,
          b.x, b.y, b.z, tg_lockstep_status_name(st), res.report);
    unsigned bad = 0;
    for (uint32_t blk = 0; blk < nb; blk++)
        for (uint32_t t = 0; t < nt; t++) {
            const uint32_t *v = out + (blk * nt + t) * 12;
            uint32_t want[12] = { t % b.x, t / b.x % b.y, t / (b.x * b.y), b.x, b.y, b.z,
                                  blk % g.x, blk / g.x % g.y, blk / (g.x * g.y), g.x, g.y, g.z };
            for (int i = 0; i < 12; i++)
                if (v[i] != want[i] && bad++ < 4)
                    printf("dims: block %u thread %u component %d: %u, want %u\n", blk, t, i, v[i], want[i]);
        }
    CHECK(bad == 0, "dims grid %ux%ux%u block %ux%ux%u: %u wrong components", g.x, g.y, g.z, b.x, b.y, b.z, bad);
    free(out);
}

/* Per-thread local memory at every width; words a thread has not written in this block read 0, and
 * so do registers (r24) and shared memory (buf+4), which every block writes later: the next block
 * runs on the same thread slots. 300 blocks pass the RTL's generation wrap (255). out: 8 words per
 * global thread. */
static const char *const LOCAL_SRC =
    ".kernel loc\n.local 64\n.shared buf 64\n.param out 4\n"
    "    s2r r0, %tid.x\n    s2r r1, %ctaid.x\n    s2r r2, %ntid.x\n"
    "    imad r3, r1, r2, r0\n"                                   /* g */
    "    ldl.b32 r4, [rz+60]\n"                                   /* not written yet: 0 */
    "    ldl.b64 r6, [rz+8]\n"                                    /* likewise */
    "    lds.b32 r25, [rz+4]\n    iadd r6, r6, r25\n    iadd r6, r6, r24\n"   /* still 0 */
    "    iadd r8, r3, 1000\n    iadd r9, r3, 7\n    shl r10, r3, 20\n    xor r11, r3, 0x5a5a\n"
    "    stl.b32 [rz+60], r8\n"
    "    stl.u8 [rz+1], r3\n"
    "    stl.u16 [rz+2], r8\n"
    "    stl.b128 [rz+16], r8\n"
    "    stl.b64 [rz+40], r10\n"
    "    ldl.b32 r12, [rz]\n"
    "    ldl.s8 r13, [rz+1]\n"
    "    ldl.b128 r16, [rz+16]\n"
    "    ldl.b32 r20, [rz+60]\n"
    "    ldl.u16 r21, [rz+44]\n"
    "    iadd r24, r3, 5\n    sts.b32 [rz+4], r24\n"
    "    ldp.b32 r22, [out]\n    shl r23, r3, 5\n    iadd r22, r22, r23\n"
    "    stg.b32 [r22], r4\n    stg.b32 [r22+4], r6\n    stg.b32 [r22+8], r12\n    stg.b32 [r22+12], r13\n"
    "    stg.b32 [r22+16], r16\n    stg.b32 [r22+20], r19\n    stg.b32 [r22+24], r20\n    stg.b32 [r22+28], r21\n"
    "    exit\n";

static void test_local(void)
{
    enum { G = 300, B = 40 };
    uint32_t *out = malloc(G * B * 8 * 4);
    int st = lockstep_src("local", LOCAL_SRC, (tg_dim3){ G, 1, 1 }, (tg_dim3){ B, 1, 1 }, out, G * B * 8 * 4);
    CHECK(st == TG_LOCKSTEP_MATCH && res.fault_kind == 0, "local: %s\n%s", tg_lockstep_status_name(st), res.report);
    unsigned bad = 0;
    for (uint32_t g = 0; g < G * B; g++) {
        const uint32_t *v = out + g * 8;
        uint32_t w0 = (g & 0xffu) << 8 | ((g + 1000) & 0xffffu) << 16;
        uint32_t want[8] = { 0, 0, w0, (uint32_t)(int32_t)(int8_t)g, g + 1000, g ^ 0x5a5a, g + 1000, (g ^ 0x5a5a) & 0xffff };
        for (int i = 0; i < 8; i++)
            if (v[i] != want[i] && bad++ < 4) printf("local: thread %u word %d: 0x%x, want 0x%x\n", g, i, v[i], want[i]);
    }
    CHECK(bad == 0, "local: %u wrong words", bad);
    free(out);
}

/* One picked thread (block 1, warp 1, lane 5) makes a bad local access: both sides fault alike. */
static void test_local_fault(const char *name, const char *access, int kind, uint32_t addr)
{
    char src[512];
    snprintf(src, sizeof src, ".kernel f\n.local 16\n.param out 4\n    s2r r0, %%tid.x\n    s2r r1, %%ctaid.x\n"
             "    s2r r2, %%ntid.x\n    imad r0, r1, r2, r0\n    isetp.eq p0, r0, 101\n    @p0 %s\n    exit\n", access);
    int st = lockstep_src(name, src, (tg_dim3){ 2, 1, 1 }, (tg_dim3){ 64, 1, 1 }, NULL, 4);
    CHECK(st == TG_LOCKSTEP_MATCH && res.fault_kind == kind && res.fault.address == addr && res.fault.warp == 1 &&
          res.fault.lane == 5 && res.fault.block.x == 1 && res.fault.pc == 5,
          "%s: %s fault %d (want %d) address 0x%x warp %u lane %u pc %u\n%s", name, tg_lockstep_status_name(st),
          res.fault_kind, kind, res.fault.address, res.fault.warp, res.fault.lane, res.fault.pc, res.report);
}

/* Warps 0 and 1 meet at barrier 1 with a count of 64 and exchange values through shared memory;
 * warp 2 waits at barrier 0 (all live threads), which releases once warps 0 and 1 have exited. */
static const char *const BAR_SRC =
    ".kernel bars\n.shared buf 256\n.param out 4\n"
    "    s2r r0, %tid.x\n    ldp.b32 r1, [out]\n    shl r2, r0, 2\n    iadd r1, r1, r2\n"
    "    isetp.ge p0, r0, 64\n    @p0 bra LATE\n"
    "    iadd r3, r0, 1\n    sts.b32 [r2], r3\n"
    "    mov r4, 64\n    bar 1, r4\n"
    "    iadd r5, r0, 32\n    and r5, r5, 63\n    shl r5, r5, 2\n    lds.b32 r6, [r5]\n"
    "    stg.b32 [r1], r6\n    exit\n"
    "LATE:\n    bar 0\n    mov r6, 7\n    stg.b32 [r1], r6\n    exit\n";

static void test_barriers(void)
{
    uint32_t out[96];
    int st = lockstep_src("bars", BAR_SRC, (tg_dim3){ 2, 1, 1 }, (tg_dim3){ 96, 1, 1 }, out, sizeof out);
    CHECK(st == TG_LOCKSTEP_MATCH && res.fault_kind == 0, "counted barrier: %s\n%s", tg_lockstep_status_name(st),
          res.report);
    unsigned bad = 0;
    for (uint32_t t = 0; t < 96; t++) bad += out[t] != (t < 64 ? (t + 32) % 64 + 1 : 7u);
    CHECK(bad == 0, "counted barrier: %u wrong words (out[0] = %u)", bad, out[0]);
}

/* A kernel that faults: both sides must raise the same fault (kind, block, warp, lane, pc). */
static void test_fault(const char *name, const char *src, uint32_t threads, int kind, unsigned warp, unsigned lane,
                       uint32_t pc)
{
    char text[1024];
    snprintf(text, sizeof text, ".kernel f\n.param out 4\n%s", src);
    int st = lockstep_src(name, text, (tg_dim3){ 1, 1, 1 }, (tg_dim3){ threads, 1, 1 }, NULL, 4);
    bool where = kind == TG_FAULT_BARRIER_DEADLOCK || (res.fault.warp == warp && res.fault.lane == lane && res.fault.pc == pc);
    CHECK(st == TG_LOCKSTEP_MATCH && res.fault_kind == kind && where, "%s: %s fault %d (want %d) warp %u lane %u pc %u\n%s",
          name, tg_lockstep_status_name(st), res.fault_kind, kind, res.fault.warp, res.fault.lane, res.fault.pc, res.report);
}

/* Blocks on several cores at once: every thread spins a per-thread number of iterations, then takes
 * a ticket from one global counter (atomics from both cores contend for it) and stores it at
 * out[1 + global id]. In lockstep both cores must retire instructions, interleaved; the tickets
 * must be 0..N-1 each once; and the launch must take fewer cycles on 2 cores than on 1. */
static const char *const MC_SRC =
    ".kernel mc\n.param out 4\n"
    "    s2r r0, %tid.x\n    s2r r1, %ctaid.x\n    s2r r2, %ntid.x\n"
    "    imad r3, r1, r2, r0\n"              /* global id */
    "    and r4, r3, 7\n    iadd r4, r4, 4\n"  /* 4..11 iterations */
    "    mov r5, 0\n    mov r10, 3\n"
    "L:\n    imad r5, r5, r10, r4\n    iadd r4, r4, -1\n    isetp.ne p0, r4, 0\n    @p0 bra L\n"
    "    ldp.b32 r6, [out]\n"
    "    mov r7, 1\n    atomg.add r8, [r6], r7\n"
    "    shl r9, r3, 2\n    iadd r9, r9, r6\n    stg.b32 [r9+4], r8\n"
    "    exit\n";

static void test_multicore(void)
{
    enum { BLOCKS = 6, THREADS = 64, N = BLOCKS * THREADS };
    uint32_t out[1 + N];
    uint64_t cycles[2] = { 0, 0 };
    for (unsigned cores = 1; cores <= 2; cores++) {
        char v[8];
        snprintf(v, sizeof v, "%u", cores);
        setenv("TGPU_RTL_CORES", v, 1);
        int st = lockstep_src("multicore", MC_SRC, (tg_dim3){ BLOCKS, 1, 1 }, (tg_dim3){ THREADS, 1, 1 }, out,
                              sizeof out);
        unsetenv("TGPU_RTL_CORES");
        CHECK(st == TG_LOCKSTEP_MATCH && res.fault_kind == 0, "multicore on %u cores: %s\n%s", cores,
              tg_lockstep_status_name(st), res.report);
        cycles[cores - 1] = res.rtl_cycles;
        unsigned seen[N] = { 0 }, bad = 0;
        for (unsigned i = 0; i < N; i++)
            if (out[1 + i] >= N || seen[out[1 + i]]++) bad++;
        CHECK(out[0] == N && bad == 0, "multicore on %u cores: counter %u, %u bad tickets", cores, out[0], bad);
        if (cores == 1)
            CHECK(res.core_commits[0] == res.commits && res.core_switches == 0,
                  "multicore on 1 core: %llu of %llu commits on core 0, %llu switches",
                  (unsigned long long)res.core_commits[0], (unsigned long long)res.commits,
                  (unsigned long long)res.core_switches);
        else
            CHECK(res.core_commits[0] > res.commits / 4 && res.core_commits[1] > res.commits / 4 &&
                  res.core_switches > BLOCKS * 4,
                  "multicore on 2 cores: commits %llu on core 0, %llu on core 1, %llu switches",
                  (unsigned long long)res.core_commits[0], (unsigned long long)res.core_commits[1],
                  (unsigned long long)res.core_switches);
    }
    CHECK(cycles[1] < cycles[0], "multicore: %llu cycles on 2 cores, %llu on 1", (unsigned long long)cycles[1],
          (unsigned long long)cycles[0]);
    printf("multicore: %d blocks x %d threads with a contended atomic: %llu cycles on 1 core, %llu on 2\n", BLOCKS,
           THREADS, (unsigned long long)cycles[0], (unsigned long long)cycles[1]);
}

int main(void)
{
    test_match();
    planted("immediate", plant_imm, "different values written");
    planted("branch target", plant_branch, "different pc");
    planted("input word", plant_input, "different values written");
    planted("final memory", plant_memory, "final memory differs at");
    test_same_fault();
    test_dims((tg_dim3){ 3, 2, 2 }, (tg_dim3){ 5, 3, 4 });
    test_dims((tg_dim3){ 2, 3, 1 }, (tg_dim3){ 16, 16, 1 });
    test_dims((tg_dim3){ 1, 1, 3 }, (tg_dim3){ 1, 7, 9 });
    test_local();
    test_local_fault("local past the end", "stl.b32 [rz+16], r0", TG_FAULT_OOB, 16);
    test_local_fault("local b64 over the end", "ldl.b64 r2, [rz+12]", TG_FAULT_MISALIGNED, 12);
    test_local_fault("local b64 at the end", "ldl.b64 r2, [rz+16]", TG_FAULT_OOB, 16);
    test_local_fault("local misaligned", "ldl.u16 r2, [rz+3]", TG_FAULT_MISALIGNED, 3);
    {
        int st = lockstep_src("local too big", ".kernel big\n.local 260\n.param out 4\n    exit\n", (tg_dim3){ 1, 1, 1 },
                              (tg_dim3){ 32, 1, 1 }, NULL, 4);
        CHECK(st == TG_LOCKSTEP_BAD_SETUP && strstr(res.report, "local memory"), "local too big: %s\n%s",
              tg_lockstep_status_name(st), res.report);
    }
    test_barriers();
    test_multicore();
    test_fault("bar count not a warp multiple", "    s2r r0, %tid.x\n    mov r1, 48\n    bar 1, r1\n    exit\n", 64,
               TG_FAULT_ILLEGAL, 0, 0, 2);
    test_fault("bar counts differ", "    s2r r0, %tid.x\n    shr r1, r0, 5\n    iadd r1, r1, 2\n    shl r1, r1, 5\n"
               "    bar 2, r1\n    exit\n", 96, TG_FAULT_ILLEGAL, 1, 0, 4);
    /* odd lanes wait at a second bar 0 (pc 6), even lanes at the first (pc 4): the release names
     * warp 0's first odd lane */
    test_fault("divergent barrier", "    s2r r0, %tid.x\n    and r1, r0, 1\n    isetp.eq p0, r1, 1\n    @p0 bra ODD\n"
               "    bar 0\n    exit\nODD:\n    bar 0\n    exit\n", 70, TG_FAULT_DIVERGENT_BARRIER, 0, 1, 6);
    test_fault("barrier deadlock", "    s2r r0, %tid.x\n    isetp.lt p0, r0, 32\n    @p0 bra A\n    bar 1\n    exit\n"
               "A:\n    bar 0\n    exit\n", 96, TG_FAULT_BARRIER_DEADLOCK, 0, 0, 0);
    if (failures) { printf("test_lockstep: %d failures\n", failures); return 1; }
    printf("test_lockstep: clean run matches (atomics included), a shared fault matches; planted immediate, branch, "
           "input and memory differences caught; 2-D/3-D launches, local memory, counted barriers, barrier "
           "faults and two cores match\n");
    return 0;
}
