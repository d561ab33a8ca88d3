/* test_sim_xcheck_faults.c: a second, independently written check of every fault kind, with the report's fields (kind, block, warp, lane, pc,
 * space, address) and the formatted line checked. */
#include "tests/unit/sim_xcheck.h"

static tg_sim *s;
static uint32_t buf;

static void expect(prog *p, tg_dim3 grid, tg_dim3 block, const uint32_t *prm, unsigned np,
                   int kind, tg_dim3 blk, unsigned warp, unsigned lane, uint32_t pc, int space,
                   uint32_t addr, const char *detail_part, int line)
{
    tg_fault f;
    int rc = run(p, grid, block, prm, np, &f, NULL);
    char msg[512];
    tg_fault_format(&f, msg, sizeof msg);
    if (rc != -1 || f.kind != kind || f.block.x != blk.x || f.block.y != blk.y || f.warp != warp
        || f.lane != lane || f.pc != pc || f.space != space || f.address != addr
        || !strstr(f.detail, detail_part) || strncmp(msg, "fault: ", 7) != 0) {
        fprintf(stderr, "line %d: got rc %d: %s\n", line, rc, msg);
        failures++;
    }
}
#define EXPECT(...) expect(__VA_ARGS__, __LINE__)

static void test_memory_faults(void)
{
    prog p;
    /* block 1, thread 37 (warp 1 lane 5) reads one word past a 256-byte allocation */
    P_init(&p);
    gtid(&p, 1, 9);
    RI(&p, TG_OP_ISETP, 0, 1, 64 + 37, TG_COND_EQ);
    RI(&p, TG_OP_LDP, 2, RZ, 0, TG_W_B32);
    G(&p, 0, 0);
    RI(&p, TG_OP_LDG, 3, 2, 256, TG_W_B32);
    OP0(&p, TG_OP_EXIT);
    EXPECT(&p, D3(2, 1, 1), D3(64, 1, 1), &buf, 1, TG_FAULT_OOB, D3(1, 0, 0), 1, 5, 7,
           TG_SPACE_GLOBAL, buf + 256, "nearest allocation");
    /* null pointer store */
    P_init(&p);
    RI(&p, TG_OP_STG, 1, RZ, 0, TG_W_B32);
    EXPECT(&p, D3(1, 1, 1), D3(1, 1, 1), NULL, 0, TG_FAULT_OOB, D3(0, 0, 0), 0, 0, 0,
           TG_SPACE_GLOBAL, 0, "global store");
    /* misaligned b64 load */
    P_init(&p);
    RI(&p, TG_OP_LDP, 2, RZ, 0, TG_W_B32);
    RI(&p, TG_OP_LDG, 4, 2, 4, TG_W_B64);
    EXPECT(&p, D3(1, 1, 1), D3(1, 1, 1), &buf, 1, TG_FAULT_MISALIGNED, D3(0, 0, 0), 0, 0, 1,
           TG_SPACE_GLOBAL, buf + 4, "multiple of 8");
    /* shared past the static + dynamic size */
    P_init(&p);
    p.shared = 64;
    S2R(&p, 1, TG_SREG_TID_X);
    RI(&p, TG_OP_SHL, 1, 1, 2, 0);
    RI(&p, TG_OP_STS, 1, 1, 0, TG_W_B32);
    OP0(&p, TG_OP_EXIT);
    EXPECT(&p, D3(1, 1, 1), D3(32, 1, 1), NULL, 0, TG_FAULT_OOB, D3(0, 0, 0), 0, 16, 2,
           TG_SPACE_SHARED, 64, "64 shared bytes");
    /* local past local_bytes */
    P_init(&p);
    p.local = 16;
    RI(&p, TG_OP_LDL, 1, RZ, 16, TG_W_B32);
    EXPECT(&p, D3(1, 1, 1), D3(1, 1, 1), NULL, 0, TG_FAULT_OOB, D3(0, 0, 0), 0, 0, 0,
           TG_SPACE_LOCAL, 16, "16 local bytes");
    /* param past param_bytes */
    P_init(&p);
    RI(&p, TG_OP_LDP, 1, RZ, 4, TG_W_B32);
    EXPECT(&p, D3(1, 1, 1), D3(1, 1, 1), &buf, 1, TG_FAULT_OOB, D3(0, 0, 0), 0, 0, 0,
           TG_SPACE_PARAM, 4, "4-byte parameter block");
    /* atomics check alignment too */
    P_init(&p);
    RI(&p, TG_OP_LDP, 2, RZ, 0, TG_W_B32);
    RI(&p, TG_OP_IADD, 2, 2, 2, 0);
    R4(&p, TG_OP_ATOMG, 3, 2, 1, 0, TG_ATOM_ADD);
    EXPECT(&p, D3(1, 1, 1), D3(1, 1, 1), &buf, 1, TG_FAULT_MISALIGNED, D3(0, 0, 0), 0, 0, 2,
           TG_SPACE_GLOBAL, buf + 2, "global atomic");
    /* stores made before the fault stay: lane 0's store is in bounds, lane 1's is not */
    uint32_t zero = 0, got = 1;
    tg_sim_write(s, buf, &zero, 4);
    P_init(&p);
    RI(&p, TG_OP_LDP, 2, RZ, 0, TG_W_B32);
    S2R(&p, 1, TG_SREG_TID_X);
    RI(&p, TG_OP_IMUL, 3, 1, 4096, 0);
    R4(&p, TG_OP_IADD, 2, 2, 3, 0, 0);
    MOVI(&p, 4, 99);
    RI(&p, TG_OP_STG, 4, 2, 0, TG_W_B32);
    EXPECT(&p, D3(1, 1, 1), D3(2, 1, 1), &buf, 1, TG_FAULT_OOB, D3(0, 0, 0), 0, 1, 5,
           TG_SPACE_GLOBAL, buf + 4096, "global store");
    tg_sim_read(s, buf, &got, 4);
    CHECK_EQ(got, 99);
}

static void test_control_faults(void)
{
    prog p;
    /* a word that does not decode faults only when executed */
    P_init(&p);
    G(&p, PT, 1);                       /* @!pt: never executes */
    OP0(&p, TG_OP_EXIT);
    MOVI(&p, 1, 0);
    OP0(&p, TG_OP_EXIT);
    p.code[p.n++] = 0x7full;            /* opcode 0x7f is not defined */
    tg_fault f;
    CHECK(run(&p, D3(1, 1, 1), D3(1, 1, 1), NULL, 0, &f, NULL) == 0);
    p.code[0] = 0x7full;
    EXPECT(&p, D3(1, 1, 1), D3(1, 1, 1), NULL, 0, TG_FAULT_ILLEGAL, D3(0, 0, 0), 0, 0, 0,
           TG_SPACE_NONE, 0, "undefined opcode");
    /* branch outside the kernel */
    P_init(&p);
    BRA(&p, 1000);
    EXPECT(&p, D3(1, 1, 1), D3(1, 1, 1), NULL, 0, TG_FAULT_ILLEGAL, D3(0, 0, 0), 0, 0, 1000,
           TG_SPACE_NONE, 0, "outside the kernel's code");
    /* falling off the end */
    P_init(&p);
    MOVI(&p, 1, 0);
    EXPECT(&p, D3(1, 1, 1), D3(1, 1, 1), NULL, 0, TG_FAULT_ILLEGAL, D3(0, 0, 0), 0, 0, 1,
           TG_SPACE_NONE, 0, "outside the kernel's code");
    /* deadlock: warp 0 waits at bar 0, warp 1 at bar 1 */
    P_init(&p);
    S2R(&p, 1, TG_SREG_WARPID);
    RI(&p, TG_OP_ISETP, 0, 1, 0, TG_COND_EQ);
    G(&p, 0, 0);
    BAR(&p, 0, RZ);
    G(&p, 0, 1);
    BAR(&p, 1, RZ);
    OP0(&p, TG_OP_EXIT);
    EXPECT(&p, D3(1, 1, 1), D3(64, 1, 1), NULL, 0, TG_FAULT_BARRIER_DEADLOCK, D3(0, 0, 0), 0, 0,
           2, TG_SPACE_NONE, 0, "32 of the block's 64 live threads wait at barrier 0");
    /* divergent barrier: lanes of one warp at two different bar 0 instructions */
    P_init(&p);
    S2R(&p, 1, TG_SREG_LANEID);
    RI(&p, TG_OP_ISETP, 0, 1, 16, TG_COND_LT);
    G(&p, 0, 0);
    uint32_t br = BRA(&p, 0);
    BAR(&p, 0, RZ);
    OP0(&p, TG_OP_EXIT);
    patch_target(&p, br, p.n);
    BAR(&p, 0, RZ);
    OP0(&p, TG_OP_EXIT);
    EXPECT(&p, D3(1, 1, 1), D3(32, 1, 1), NULL, 0, TG_FAULT_DIVERGENT_BARRIER, D3(0, 0, 0), 0,
           16, 3, TG_SPACE_NONE, 0, "pc 5 and pc 3");
    /* bad barrier count */
    P_init(&p);
    MOVI(&p, 1, 0);
    BAR(&p, 0, 1);
    EXPECT(&p, D3(1, 1, 1), D3(4, 1, 1), NULL, 0, TG_FAULT_ILLEGAL, D3(0, 0, 0), 0, 0, 1,
           TG_SPACE_NONE, 0, "thread count of 0");
}

static void test_watchdog_and_launch(void)
{
    tg_sim_config c;
    tg_sim_config_default(&c);
    c.global_bytes = 1u << 20;
    c.watchdog = 1000;
    tg_sim *w = tg_sim_create(&c);
    tg_sim *keep = g_sim;
    g_sim = w;
    prog p;
    P_init(&p);
    MOVI(&p, 1, 0);
    BRA(&p, 0);
    EXPECT(&p, D3(1, 1, 1), D3(64, 1, 1), NULL, 0, TG_FAULT_WATCHDOG, D3(0, 0, 0), 1, 0, 0,
           TG_SPACE_NONE, 0, "1000 warp-instructions");
    g_sim = keep;
    tg_sim_destroy(w);

    P_init(&p);
    OP0(&p, TG_OP_EXIT);
    EXPECT(&p, D3(0, 1, 1), D3(1, 1, 1), NULL, 0, TG_FAULT_BAD_LAUNCH, D3(0, 0, 0), 0, 0, 0,
           TG_SPACE_NONE, 0, "must be non-zero");
    EXPECT(&p, D3(1, 1, 1), D3(1025, 1, 1), NULL, 0, TG_FAULT_BAD_LAUNCH, D3(0, 0, 0), 0, 0, 0,
           TG_SPACE_NONE, 0, "1025 threads per block");
    p.shared = 64u << 10;
    EXPECT(&p, D3(1, 1, 1), D3(1, 1, 1), NULL, 0, TG_FAULT_BAD_LAUNCH, D3(0, 0, 0), 0, 0, 0,
           TG_SPACE_NONE, 0, "bytes of shared memory per block");
    /* parameter block size mismatch */
    p.shared = 0;
    tg_kernel k;
    memset(&k, 0, sizeof k);
    k.end = p.n;
    k.param_bytes = 8;
    tg_module m = { .ncode = p.n, .code = p.code, .nkernels = 1, .kernels = &k };
    uint32_t prm[1] = { 0 };
    tg_launch l = { .module = &m, .kernel = &k, .grid = D3(1, 1, 1), .block = D3(1, 1, 1),
                    .params = prm, .param_bytes = 4 };
    tg_fault f;
    CHECK(tg_sim_launch(s, &l, NULL, &f) == -1 && f.kind == TG_FAULT_BAD_LAUNCH);
    if (!strstr(f.detail, "8")) { fprintf(stderr, "param detail: %s\n", f.detail); failures++; }
    char msg[512];
    tg_fault_format(&f, msg, sizeof msg);
    CHECK(strncmp(msg, "fault: bad launch: kernel ", 26) == 0);
}

int main(void)
{
    s = sim();
    buf = tg_sim_alloc(s, 256);
    test_memory_faults();
    test_control_faults();
    test_watchdog_and_launch();
    tg_sim_destroy(s);
    if (failures) { fprintf(stderr, "test_sim_xcheck_faults: %d failures\n", failures); return 1; }
    printf("test_sim_xcheck_faults: ok\n");
    return 0;
}
