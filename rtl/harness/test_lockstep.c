/* test_lockstep.c: the lockstep comparator (lockstep.h) itself. Kernels that agree must match
 * (atomics with order-dependent results included, and a fault both sides raise), and differences
 * planted in the RTL's copy after set-up (one immediate, one branch target, one input word, one
 * result word in memory) must each be caught as the right kind of mismatch at the right place. */
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

int main(void)
{
    test_match();
    planted("immediate", plant_imm, "different values written");
    planted("branch target", plant_branch, "different pc");
    planted("input word", plant_input, "different values written");
    planted("final memory", plant_memory, "final memory differs at");
    test_same_fault();
    if (failures) { printf("test_lockstep: %d failures\n", failures); return 1; }
    printf("test_lockstep: clean run matches (atomics included), a shared fault matches; planted immediate, branch, "
           "input and memory differences caught\n");
    return 0;
}
