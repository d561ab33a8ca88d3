/* test_sim_control.c: SIMT control flow in the functional core, as a specification.
 * Each case is a small kernel whose every thread writes what it saw to out[]; the expected values are
 * computed here in plain C. Covered: nested divergence and min-pc reconvergence (a ballot after the
 * join sees the whole warp again), loops with a different trip count per lane, early exit, barriers
 * across warps with a partial last warp and exited threads, shuffles/votes/ballots inside a divergent
 * region (they see the active lanes only), and contended atomics in global and shared memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm.h"
#include "sim/sim.h"

static int failures, checks;
static tg_sim *sim;

/* Assembles src, launches it over grid x block (1-D) with out (n words, zeroed) as its only
 * parameter, and copies out back into host[]. Returns the launch's stats. */
static tg_run_stats run(const char *name, const char *src, unsigned grid, unsigned block, uint32_t *host, unsigned n)
{
    char err[512];
    tg_module m;
    if (tg_asm_source(src, strlen(src), name, &m, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
    uint32_t out = tg_sim_alloc(sim, n * 4);
    memset(host, 0, n * 4);
    tg_sim_write(sim, out, host, n * 4);
    tg_launch l = { &m, &m.kernels[0], { grid, 1, 1 }, { block, 1, 1 }, &out, 4, 0 };
    tg_run_stats st;
    tg_fault f;
    if (tg_sim_launch(sim, &l, &st, &f)) {
        char line[512];
        tg_fault_format(&f, line, sizeof line);
        printf("FAIL: %s: %s\n", name, line);
        exit(1);
    }
    tg_sim_read(sim, out, host, n * 4);
    tg_sim_free(sim, out);
    tg_module_free(&m);
    return st;
}

static void expect(const char *what, unsigned i, uint32_t got, uint32_t want)
{
    checks++;
    if (got != want) {
        if (failures < 20) printf("FAIL %s [%u]: got 0x%x, want 0x%x\n", what, i, got, want);
        failures++;
    }
}

/* if (t&1) { if (t&2) v=1 else v=2 } else { if (t&4) v=3 else v=4 }; v += 100; ballot after the join. */
static void nested_divergence(void)
{
    static const char src[] =
        ".kernel nested\n.param out 4\n"
        " ldp.b32 r10, [out]\n s2r r0, %tid.x\n"
        " and r1, r0, 1\n isetp.ne p0, r1, 0\n @!p0 bra EVEN\n"
        " and r1, r0, 2\n isetp.ne p1, r1, 0\n @!p1 bra ODD_B\n mov r2, 1\n bra JOIN\n"
        "ODD_B:\n mov r2, 2\n bra JOIN\n"
        "EVEN:\n and r1, r0, 4\n isetp.ne p1, r1, 0\n @!p1 bra EVEN_B\n mov r2, 3\n bra JOIN\n"
        "EVEN_B:\n mov r2, 4\n"
        "JOIN:\n iadd r2, r2, 100\n ballot r3, pt\n"
        " shl r4, r0, 3\n iadd r4, r4, r10\n stg.b32 [r4], r2\n stg.b32 [r4+4], r3\n exit\n";
    uint32_t out[2 * 80];
    run("nested", src, 1, 80, out, 2 * 80);
    for (unsigned t = 0; t < 80; t++) {
        uint32_t v = (t & 1) ? ((t & 2) ? 1 : 2) : ((t & 4) ? 3 : 4);
        expect("nested value", t, out[2 * t], v + 100);
        expect("nested ballot after join", t, out[2 * t + 1], t < 64 ? 0xffffffffu : 0xffffu);
    }
}

/* for (i = 0; i < tid; i++) sum += i: 32 different trip counts in one warp. */
static void loops(void)
{
    static const char src[] =
        ".kernel loop\n.param out 4\n"
        " ldp.b32 r10, [out]\n s2r r0, %tid.x\n mov r1, 0\n mov r2, 0\n"
        "LOOP:\n isetp.ge p0, r1, r0\n @p0 bra DONE\n iadd r2, r2, r1\n iadd r1, r1, 1\n bra LOOP\n"
        "DONE:\n ballot r3, pt\n shl r4, r0, 3\n iadd r4, r4, r10\n stg.b32 [r4], r2\n stg.b32 [r4+4], r3\n exit\n";
    uint32_t out[2 * 40];
    tg_run_stats st = run("loop", src, 1, 40, out, 2 * 40);
    for (unsigned t = 0; t < 40; t++) {
        expect("loop sum", t, out[2 * t], t * (t - 1) / 2 * (t > 0));
        expect("loop ballot after exit", t, out[2 * t + 1], t < 32 ? 0xffffffffu : 0xffu);
    }
    /* Min-pc issue count: 4 setup + per warp 5 per iteration of its longest lane + 2 to leave +
     * 6 after. Warp 0 loops 31 times, warp 1 (tids 32..39) 39 times. */
    uint64_t want = (4 + 31 * 5 + 2 + 6) + (4 + 39 * 5 + 2 + 6);
    expect("loop warp-instructions", 0, (uint32_t)st.warp_instrs, (uint32_t)want);
}

/* Threads with tid % 3 == 0 exit at once; the rest count themselves atomically. */
static void early_exit(void)
{
    static const char src[] =
        ".kernel early\n.param out 4\n"
        " s2r r0, %tid.x\n urem r1, r0, 3\n isetp.eq p0, r1, 0\n @p0 exit\n"
        " ldp.b32 r10, [out]\n mov r2, 1\n atomg.add r3, [r10], r2\n exit\n";
    uint32_t out[1];
    run("early", src, 3, 100, out, 1);
    expect("early exit survivors", 0, out[0], 3 * (100 - 34));
}

/* 80 threads (warps of 32, 32, 16); threads >= 70 exit before the barriers, which must still
 * release. Two phases reuse the same shared buffer, so a barrier that released early shows. */
static void barriers(void)
{
    static const char src[] =
        ".kernel barx\n.param out 4\n.shared buf 320\n"
        " s2r r0, %tid.x\n isetp.ge p0, r0, 70\n @p0 exit\n"
        " shl r1, r0, 2\n iadd r2, r0, 1000\n sts.b32 [r1+buf], r2\n"
        " bar 0\n"
        " iadd r3, r0, 1\n urem r3, r3, 70\n shl r3, r3, 2\n lds.b32 r4, [r3+buf]\n"
        " bar 1\n"                                            /* everyone read before anyone rewrites */
        " iadd r2, r0, 2000\n sts.b32 [r1+buf], r2\n"
        " and r5, r0, 1\n isetp.eq p1, r5, 0\n @p1 bra SKIP\n" /* odd lanes take a detour first */
        " iadd r4, r4, 0\n"
        "SKIP:\n bar 0\n"
        " iadd r3, r0, 69\n urem r3, r3, 70\n shl r3, r3, 2\n lds.b32 r6, [r3+buf]\n"
        " ldp.b32 r10, [out]\n shl r7, r0, 3\n iadd r7, r7, r10\n stg.b32 [r7], r4\n stg.b32 [r7+4], r6\n exit\n";
    uint32_t out[2 * 80];
    for (unsigned blocks = 1; blocks <= 2; blocks++) {
        run("barx", src, blocks, 80, out, 2 * 80);
        for (unsigned t = 0; t < 80; t++) {
            expect("barrier phase 1", t, out[2 * t], t < 70 ? 1000 + (t + 1) % 70 : 0);
            expect("barrier phase 2", t, out[2 * t + 1], t < 70 ? 2000 + (t + 69) % 70 : 0);
        }
    }
}

/* Inside if (lane < 16): shfl from lane 3 (valid), shfl.up by 2 (lanes 0, 1: own value, invalid),
 * ballot and votes over the 16 active lanes only. */
static void warp_ops_divergent(void)
{
    static const char src[] =
        ".kernel wops\n.param out 4\n"
        " ldp.b32 r10, [out]\n s2r r0, %laneid\n iadd r1, r0, 500\n mov r9, 1\n"
        " mov r5, 0\n mov r6, 0\n mov r7, 0\n mov r8, 0\n mov r11, 0\n mov r12, 0\n"
        " isetp.lt p0, r0, 16\n @!p0 bra OUT\n"
        " mov r2, 3\n mov r3, 0x1f\n shfl.idx r5|p1, r1, r2, r3\n"
        " mov r2, 2\n mov r3, 0\n shfl.up r6|p2, r1, r2, r3\n sel r8, r9, 0, p2\n"
        " ballot r7, pt\n"
        " isetp.lt p4, r0, 8\n vote.any p5, p4\n vote.all p6, p4\n"
        " sel r11, r9, 0, p5\n sel r12, r9, 0, p6\n"
        " vote.all p5, p0\n @!p5 mov r11, 7\n"
        "OUT:\n shl r4, r0, 5\n iadd r4, r4, r10\n"
        " stg.b32 [r4], r5\n stg.b32 [r4+4], r6\n stg.b32 [r4+8], r7\n stg.b32 [r4+12], r8\n"
        " stg.b32 [r4+16], r11\n stg.b32 [r4+20], r12\n exit\n";
    uint32_t out[8 * 32];
    run("wops", src, 1, 32, out, 8 * 32);
    for (unsigned l = 0; l < 32; l++) {
        uint32_t *o = &out[8 * l];
        bool in = l < 16;
        expect("shfl.idx lane 3", l, o[0], in ? 503 : 0);
        /* shfl.up by 2: lanes 0 and 1 have no source; they read their own value, valid clear */
        expect("shfl.up value", l, o[1], in ? (l >= 2 ? 498 + l : 500 + l) : 0);
        expect("shfl.up valid", l, o[3], in ? (l >= 2) : 0);
        expect("ballot active lanes", l, o[2], in ? 0xffffu : 0);
        expect("vote.any / vote.all over active lanes", l, o[4], in ? 1 : 0);
        expect("vote.all false", l, o[5], 0);
    }
}

/* 4 blocks x 256 threads: atomg.add on one word, atomg.inc with a bound (wraps), atoms.add per block
 * in shared memory written out by thread 0 after a barrier, atomg.umax, and atomg.exch: exact totals. */
static void atomics(void)
{
    static const char src[] =
        ".kernel atom\n.param out 4\n.shared cnt 4\n"
        " ldp.b32 r10, [out]\n s2r r0, %tid.x\n s2r r1, %ctaid.x\n mov r9, 0.5\n"
        " mov r2, 1\n atomg.add r3, [r10], r2\n"
        " mov r2, 9\n iadd r4, r10, 4\n atomg.inc r3, [r4], r2\n"
        " mov r5, cnt\n mov r2, 3\n atoms.add r3, [r5], r2\n"
        " shl r6, r1, 8\n iadd r6, r6, r0\n iadd r4, r10, 8\n atomg.umax r3, [r4], r6\n"
        " iadd r4, r10, 12\n atomg.fadd r3, [r4], r9\n"
        " bar 0\n isetp.ne p0, r0, 0\n @p0 exit\n"
        " lds.b32 r7, [r5]\n shl r8, r1, 2\n iadd r8, r8, r10\n stg.b32 [r8+16], r7\n exit\n";
    uint32_t out[8];
    run("atom", src, 4, 256, out, 8);
    expect("atomg.add total", 0, out[0], 1024);
    expect("atomg.inc wraps at 9", 1, out[1], 1024 % 10);
    expect("atomg.umax", 2, out[2], 3 * 256 + 255);
    expect("atomg.fadd of 0.5 x 1024", 3, out[3], 0x44000000); /* 512.0f */
    for (unsigned b = 0; b < 4; b++) expect("atoms.add per block", 4 + b, out[4 + b], 3 * 256);
}

int main(void)
{
    tg_sim_config c;
    tg_sim_config_default(&c);
    sim = tg_sim_create(&c);
    if (!sim) { printf("FAIL: tg_sim_create\n"); return 1; }
    nested_divergence();
    loops();
    early_exit();
    barriers();
    warp_ops_divergent();
    atomics();
    tg_sim_destroy(sim);
    printf("%d checks, %d failures\n", checks, failures);
    return failures != 0;
}
