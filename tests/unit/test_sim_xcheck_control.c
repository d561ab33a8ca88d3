/* test_sim_xcheck_control.c: a second, independently written check of SIMT control flow under min-PC reconvergence: per-lane loop trip counts,
 * nested divergence, warp-wide ops under divergence, early exit with barriers across partial
 * warps, and contended atomics with exact totals. */
#include "tests/unit/sim_xcheck.h"

static tg_sim *s;

/* Each thread loops tid % 7 times; after the loop a ballot shows the warp reconverged. */
static void test_loop_trip_counts(void)
{
    enum { NB = 2, BS = 50 };
    uint32_t buf = tg_sim_alloc(s, NB * BS * 8);
    prog p;
    P_init(&p);
    gtid(&p, 1, 9);
    RI(&p, TG_OP_UREM, 2, 1, 7, 0);
    MOVI(&p, 3, 0);
    uint32_t loop = RI(&p, TG_OP_ISETP, 0, 2, 0, TG_COND_EQ);
    G(&p, 0, 0);
    uint32_t br = BRA(&p, 0);
    R4(&p, TG_OP_IADD, 3, 3, 1, 0, 0);
    RI(&p, TG_OP_ISUB, 2, 2, 1, 0);
    BRA(&p, loop);
    patch_target(&p, br, p.n);
    tg_inst in = {0};
    in.op = TG_OP_BALLOT; in.rd = 4; in.ra = PT; in.guard = PT;
    p.code[p.n++] = tg_encode(&in);
    store_out(&p, 1, 3);
    RI(&p, TG_OP_IADD, 5, 1, NB * BS, 0);
    store_out(&p, 5, 4);
    OP0(&p, TG_OP_EXIT);
    tg_run_stats st;
    CHECK(run(&p, D3(NB, 1, 1), D3(BS, 1, 1), &buf, 1, NULL, &st) == 0);
    uint32_t v[NB * BS * 2];
    tg_sim_read(s, buf, v, sizeof v);
    for (unsigned i = 0; i < NB * BS; i++) {
        CHECK_EQ(v[i], i * (i % 7));
        unsigned t = i % BS, w = t / 32, n = BS - w * 32 < 32 ? BS - w * 32 : 32;
        CHECK_EQ(v[NB * BS + i], n == 32 ? 0xffffffffu : (1u << n) - 1);
    }
    CHECK(st.warp_instrs > 0 && st.thread_instrs > st.warp_instrs);
    tg_sim_free(s, buf);
}

/* if (lane < 16) { if (lane & 1) r5 = 1 else r5 = 2; ballot } else { r5 = 3; ballot; shuffles }
 * then a ballot after the join. */
static void test_nested_divergence(void)
{
    uint32_t buf = tg_sim_alloc(s, 32 * 4 * 6);
    prog p;
    P_init(&p);
    S2R(&p, 1, TG_SREG_TID_X);
    MOVI(&p, 6, 0);
    MOVI(&p, 7, 0);
    MOVI(&p, 8, 0);
    RI(&p, TG_OP_ISETP, 0, 1, 16, TG_COND_LT);
    G(&p, 0, 1);
    uint32_t to_else = BRA(&p, 0);
    RI(&p, TG_OP_AND, 2, 1, 1, 0);
    RI(&p, TG_OP_ISETP, 1, 2, 1, TG_COND_EQ);
    G(&p, 1, 1);
    uint32_t to_even = BRA(&p, 0);
    MOVI(&p, 5, 1);
    uint32_t to_join1 = BRA(&p, 0);
    patch_target(&p, to_even, p.n);
    MOVI(&p, 5, 2);
    patch_target(&p, to_join1, p.n);
    tg_inst in = {0};
    in.op = TG_OP_BALLOT; in.rd = 6; in.ra = PT; in.guard = PT;
    p.code[p.n++] = tg_encode(&in);
    uint32_t to_join = BRA(&p, 0);
    patch_target(&p, to_else, p.n);
    MOVI(&p, 5, 3);
    p.code[p.n++] = tg_encode(&in);                      /* ballot r6 in the else side */
    MOVI(&p, 10, 20);
    MOVI(&p, 11, 0x1f);
    SHFL(&p, TG_SHFL_IDX, 7, PT, 1, 10, 11);             /* r7 = tid of lane 20 */
    MOVI(&p, 10, 1);
    SHFL(&p, TG_SHFL_DOWN, 8, 3, 1, 10, 11);             /* r8 = tid of lane+1, p3 valid */
    in.op = TG_OP_BALLOT; in.rd = 9; in.ra = 3;
    p.code[p.n++] = tg_encode(&in);                      /* r9 = lanes where p3 */
    patch_target(&p, to_join, p.n);
    in.op = TG_OP_BALLOT; in.rd = 12; in.ra = PT;
    p.code[p.n++] = tg_encode(&in);
    RI(&p, TG_OP_LDP, 20, RZ, 0, TG_W_B32);
    RI(&p, TG_OP_SHL, 21, 1, 2, 0);
    R4(&p, TG_OP_IADD, 20, 20, 21, 0, 0);
    unsigned regs[6] = { 5, 6, 7, 8, 9, 12 };
    for (unsigned i = 0; i < 6; i++) RI(&p, TG_OP_STG, regs[i], 20, i * 128, TG_W_B32);
    OP0(&p, TG_OP_EXIT);
    CHECK(run(&p, D3(1, 1, 1), D3(32, 1, 1), &buf, 1, NULL, NULL) == 0);
    uint32_t v[6][32];
    tg_sim_read(s, buf, v, sizeof v);
    for (unsigned l = 0; l < 32; l++) {
        CHECK_EQ(v[0][l], l < 16 ? (l & 1 ? 1u : 2u) : 3u);
        CHECK_EQ(v[1][l], l < 16 ? 0x0000ffffu : 0xffff0000u);
        CHECK_EQ(v[2][l], l < 16 ? 0u : 20u);
        CHECK_EQ(v[3][l], l < 16 ? 0u : l < 31 ? l + 1 : 31u);
        CHECK_EQ(v[4][l], l < 16 ? 0u : 0x7fff0000u);
        CHECK_EQ(v[5][l], 0xffffffffu);
    }
    tg_sim_free(s, buf);
}

/* 80 threads (last warp partial) write shared, every third thread exits, the rest meet at a
 * barrier and read a neighbour's value written by another warp. */
static void test_barrier_early_exit(void)
{
    enum { BS = 80 };
    uint32_t buf = tg_sim_alloc(s, BS * 4);
    uint32_t init[BS];
    for (unsigned i = 0; i < BS; i++) init[i] = 0xeeee;
    tg_sim_write(s, buf, init, sizeof init);
    prog p;
    P_init(&p);
    p.shared = BS * 4;
    S2R(&p, 1, TG_SREG_TID_X);
    RI(&p, TG_OP_SHL, 2, 1, 2, 0);
    RI(&p, TG_OP_IMUL, 3, 1, 2, 0);
    RI(&p, TG_OP_STS, 3, 2, 0, TG_W_B32);
    RI(&p, TG_OP_UREM, 4, 1, 3, 0);
    RI(&p, TG_OP_ISETP, 0, 4, 0, TG_COND_EQ);
    G(&p, 0, 0);
    OP0(&p, TG_OP_EXIT);
    BAR(&p, 0, RZ);
    RI(&p, TG_OP_IADD, 5, 1, 33, 0);
    RI(&p, TG_OP_UREM, 5, 5, BS, 0);
    RI(&p, TG_OP_SHL, 5, 5, 2, 0);
    RI(&p, TG_OP_LDS, 6, 5, 0, TG_W_B32);
    BAR(&p, 1, RZ);          /* a second barrier, reached by the same survivors */
    store_out(&p, 1, 6);
    OP0(&p, TG_OP_EXIT);
    CHECK(run(&p, D3(2, 1, 1), D3(BS, 1, 1), &buf, 1, NULL, NULL) == 0);
    uint32_t v[BS];
    tg_sim_read(s, buf, v, sizeof v);
    for (unsigned i = 0; i < BS; i++)
        CHECK_EQ(v[i], i % 3 == 0 ? 0xeeeeu : ((i + 33) % BS) * 2);
    tg_sim_free(s, buf);
}

/* 4 blocks of 96 threads: atomic add (old values form a permutation), f32 add of 1.0, shared
 * inc with wrap, and a CAS-based lock-free increment loop. */
static void test_contended_atomics(void)
{
    enum { NB = 4, BS = 96, N = NB * BS };
    uint32_t buf = tg_sim_alloc(s, 16 + N * 4);
    prog p;
    P_init(&p);
    p.shared = 4;
    gtid(&p, 1, 9);
    RI(&p, TG_OP_LDP, 20, RZ, 0, TG_W_B32);
    MOVI(&p, 2, 1);
    R4(&p, TG_OP_ATOMG, 3, 20, 2, 0, TG_ATOM_ADD);          /* r3 = old counter */
    RI(&p, TG_OP_IADD, 21, 20, 4, 0);
    MOVI(&p, 4, 0x3f800000);
    R4(&p, TG_OP_ATOMG, RZ, 21, 4, 0, TG_ATOM_FADD);
    MOVI(&p, 5, 9);
    R4(&p, TG_OP_ATOMS, 6, RZ, 5, 0, TG_ATOM_INC);          /* shared[0] wraps at 9 */
    BAR(&p, 0, RZ);
    S2R(&p, 7, TG_SREG_TID_X);
    RI(&p, TG_OP_ISETP, 0, 7, 0, TG_COND_EQ);
    RI(&p, TG_OP_LDS, 8, RZ, 0, TG_W_B32);
    RI(&p, TG_OP_IADD, 22, 20, 8, 0);
    G(&p, 0, 0);
    R4(&p, TG_OP_ATOMG, RZ, 22, 8, 0, TG_ATOM_ADD);         /* sum of final shared values */
    /* CAS loop: do { old = [r23]; } while (cas([r23], old, old + 1) != old) */
    RI(&p, TG_OP_IADD, 23, 20, 12, 0);
    uint32_t loop = RI(&p, TG_OP_LDG, 10, 23, 0, TG_W_B32);
    RI(&p, TG_OP_IADD, 11, 10, 1, 0);
    R4(&p, TG_OP_ATOMG, 12, 23, 10, 11, TG_ATOM_CAS);
    R4(&p, TG_OP_ISETP, 1, 12, 10, 0, TG_COND_NE);
    G(&p, 1, 0);
    BRA(&p, loop);
    RI(&p, TG_OP_IADD, 24, 1, 4, 0);
    store_out(&p, 24, 3);
    OP0(&p, TG_OP_EXIT);
    CHECK(run(&p, D3(NB, 1, 1), D3(BS, 1, 1), &buf, 1, NULL, NULL) == 0);
    uint32_t v[4 + N];
    tg_sim_read(s, buf, v, sizeof v);
    CHECK_EQ(v[0], N);
    CHECK_EQ(v[1], 0x43c00000); /* 384.0f */
    CHECK_EQ(v[2], NB * (BS % 10));
    CHECK_EQ(v[3], N);
    static uint8_t seen[N];
    memset(seen, 0, sizeof seen);
    for (unsigned i = 0; i < N; i++) if (v[4 + i] < N) seen[v[4 + i]]++;
    for (unsigned i = 0; i < N; i++) CHECK_EQ(seen[i], 1);
    tg_sim_free(s, buf);
}

/* A counted barrier: bar 1, r (count 64) with 64 of 96 threads arriving releases them. */
static void test_counted_barrier(void)
{
    uint32_t buf = tg_sim_alloc(s, 96 * 4);
    prog p;
    P_init(&p);
    S2R(&p, 1, TG_SREG_TID_X);
    RI(&p, TG_OP_ISETP, 0, 1, 64, TG_COND_GE);
    G(&p, 0, 0);
    uint32_t skip = BRA(&p, 0);          /* threads 64.. stay live but never arrive */
    MOVI(&p, 2, 64);
    BAR(&p, 1, 2);
    MOVI(&p, 3, 7);
    patch_target(&p, skip, p.n);
    G(&p, 0, 0);
    OP0(&p, TG_OP_EXIT);
    store_out(&p, 1, 3);
    OP0(&p, TG_OP_EXIT);
    CHECK(run(&p, D3(1, 1, 1), D3(96, 1, 1), &buf, 1, NULL, NULL) == 0);
    uint32_t v[96];
    tg_sim_read(s, buf, v, sizeof v);
    for (unsigned i = 0; i < 96; i++) CHECK_EQ(v[i], i < 64 ? 7u : 0u);
    tg_sim_free(s, buf);
}

int main(void)
{
    s = sim();
    test_loop_trip_counts();
    test_nested_divergence();
    test_barrier_early_exit();
    test_contended_atomics();
    test_counted_barrier();
    tg_sim_destroy(s);
    if (failures) { fprintf(stderr, "test_sim_xcheck_control: %d failures\n", failures); return 1; }
    printf("test_sim_xcheck_control: ok\n");
    return 0;
}
