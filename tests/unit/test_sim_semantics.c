/* test_sim_semantics.c: the functional core, instruction by instruction, as a specification.
 * Each case runs `mov r1, A; mov r2, B; mov r3, C; <instruction>` in one thread and checks r4 (or
 * predicate p0) against the value docs/isa-semantics.md defines, edge cases first: wrap-around,
 * division by zero, shifts of 32 and more, bit fields past bit 31, NaN, infinities, signed zeros,
 * denormals, every rounding mode and every conversion. Then warp-wide cases over 32 lanes:
 * shuffles (all modes, clamps, out-of-range lanes), votes, ballots and contended atomics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm.h"
#include "sim/sim.h"

static int failures, cases;
static tg_sim *sim;

static uint32_t run1(const char *instr, uint32_t a, uint32_t b, uint32_t c, int pred)
{
    char src[1024], err[512];
    snprintf(src, sizeof src,
             ".kernel t\n.param out 4\n ldp.b32 r10, [out]\n mov r1, 0x%x\n mov r2, 0x%x\n mov r3, 0x%x\n mov r4, 0\n"
             " %s\n%s stg.b32 [r10], r4\n exit\n", a, b, c, instr, pred ? " mov r5, 1\n sel r4, r5, 0, p0\n" : "");
    tg_module m;
    if (tg_asm_source(src, strlen(src), instr, &m, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
    uint32_t out = tg_sim_alloc(sim, 16), v = 0;   /* 16: room for b128 cases */
    tg_launch l = { &m, &m.kernels[0], { 1, 1, 1 }, { 1, 1, 1 }, &out, 4, 0 };
    tg_fault f;
    if (tg_sim_launch(sim, &l, NULL, &f)) { char line[512]; tg_fault_format(&f, line, sizeof line); printf("FAIL: %s: %s\n", instr, line); exit(1); }
    tg_sim_read(sim, out, &v, 4);
    tg_sim_free(sim, out);
    tg_module_free(&m);
    return v;
}

static uint32_t fb(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

#define EXPECT(instr, a, b, c, want) check(instr, a, b, c, want, 0, __LINE__)
#define EXPECTP(instr, a, b, c, want) check(instr, a, b, c, want, 1, __LINE__)
static void check(const char *instr, uint32_t a, uint32_t b, uint32_t c, uint32_t want, int pred, int line)
{
    cases++;
    uint32_t got = run1(instr, a, b, c, pred);
    if (got != want) {
        printf("FAIL line %d: %s with r1=0x%x r2=0x%x r3=0x%x: got 0x%08x, want 0x%08x\n", line, instr, a, b, c, got, want);
        failures++;
    }
}

static void integer(void)
{
    EXPECT("iadd r4, r1, r2", 0x7fffffff, 1, 0, 0x80000000);
    EXPECT("isub r4, r1, r2", 0, 1, 0, 0xffffffff);
    EXPECT("imul r4, r1, r2", 0x10000, 0x10000, 0, 0);
    EXPECT("imulhi r4, r1, r2", 0x80000000, 2, 0, 0xffffffff);
    EXPECT("umulhi r4, r1, r2", 0xffffffff, 0xffffffff, 0, 0xfffffffe);
    EXPECT("imad r4, r1, r2, r3", 3, 5, 7, 22);
    EXPECT("idiv r4, r1, r2", (uint32_t)-7, 2, 0, (uint32_t)-3);
    EXPECT("idiv r4, r1, r2", 7, 0, 0, 0xffffffff);
    EXPECT("idiv r4, r1, r2", 0x80000000, 0xffffffff, 0, 0x80000000);
    EXPECT("udiv r4, r1, r2", 7, 0, 0, 0xffffffff);
    EXPECT("irem r4, r1, r2", (uint32_t)-7, 2, 0, (uint32_t)-1);
    EXPECT("irem r4, r1, r2", 9, 0, 0, 9);
    EXPECT("irem r4, r1, r2", 0x80000000, 0xffffffff, 0, 0);
    EXPECT("urem r4, r1, r2", 9, 0, 0, 9);
    EXPECT("imin r4, r1, r2", (uint32_t)-1, 1, 0, (uint32_t)-1);
    EXPECT("umin r4, r1, r2", (uint32_t)-1, 1, 0, 1);
    EXPECT("imax r4, r1, r2", (uint32_t)-1, 1, 0, 1);
    EXPECT("umax r4, r1, r2", (uint32_t)-1, 1, 0, 0xffffffff);
    EXPECT("iabs r4, r1", 0x80000000, 0, 0, 0x80000000);
    EXPECT("ineg r4, r1", 5, 0, 0, (uint32_t)-5);
    EXPECT("shl r4, r1, r2", 1, 31, 0, 0x80000000);
    EXPECT("shl r4, r1, r2", 1, 32, 0, 0);
    EXPECT("shr r4, r1, r2", 0x80000000, 40, 0, 0);
    EXPECT("sra r4, r1, r2", (uint32_t)-8, 33, 0, 0xffffffff);
    EXPECT("sra r4, r1, r2", 8, 35, 0, 0);
    EXPECT("sra r4, r1, r2", 0x80000000, 4, 0, 0xf8000000);
    EXPECT("popc r4, r1", 0xf0f0f0f0, 0, 0, 16);
    EXPECT("clz r4, r1", 0, 0, 0, 32);
    EXPECT("clz r4, r1", 1, 0, 0, 31);
    EXPECT("brev r4, r1", 1, 0, 0, 0x80000000);
    EXPECT("bfe r4, r1, r2, r3", 0xdeadbeef, 8, 8, 0xbe);
    EXPECT("bfe r4, r1, r2, r3", 0xdeadbeef, 28, 8, 0xd);          /* field runs past bit 31 */
    EXPECT("bfe r4, r1, r2, r3", 0xdeadbeef, 40, 8, 0);
    EXPECT("bfe r4, r1, r2, r3", 0xdeadbeef, 4, 0, 0);
    EXPECT("bfes r4, r1, r2, r3", 0x0000ff00, 8, 8, 0xffffffff);
    EXPECT("bfes r4, r1, r2, r3", 0x80000000, 40, 8, 0xffffffff);  /* past bit 31: the sign bit */
    EXPECT("bfi r4, r1, r2, r3", 0xf, 0, 0x0404, 0xf0);
    EXPECT("bfi r4, r1, r2, r3", 0xff, 0xffffffff, 0x0830, 0xffffffff); /* pos 48: unchanged */
    EXPECT("bfi r4, r1, r2, r3", 0x0, 0xffffffff, 0x081c, 0x0fffffff); /* length 8 at bit 28: clipped at bit 31 */
    EXPECT("prmt r4, r1, r2, r3", 0x33221100, 0x77665544, 0x1032, 0x11003322);
    EXPECT("prmt r4, r1, r2, r3", 0x33221180, 0x77665544, 0x7658, 0x776655ff);
    EXPECT("sx8 r4, r1", 0x80, 0, 0, 0xffffff80);
    EXPECT("sx16 r4, r1", 0x12348000, 0, 0, 0xffff8000);
    EXPECT("zx8 r4, r1", 0xffff, 0, 0, 0xff);
    EXPECT("zx16 r4, r1", 0x12348000, 0, 0, 0x8000);
    EXPECTP("isetp.lt p0, r1, r2", (uint32_t)-1, 1, 0, 1);
    EXPECTP("usetp.lt p0, r1, r2", (uint32_t)-1, 1, 0, 0);
    EXPECTP("isetp.ge p0, r1, 5", 5, 0, 0, 1);
    EXPECT("isetp.eq p1, r1, r2\n pxor p2, p1, pt\n sel r4, r1, r3, !p2", 4, 4, 9, 4);
    EXPECT("mov r4, -1.5", 0, 0, 0, 0xbfc00000);
}

/* Loads and stores of every width, little-endian, sign/zero extension; out (r10) is 16 bytes. */
static void memory(void)
{
    const char *put = "stg.b32 [r10], r1\n stg.b32 [r10+4], r2\n stg.b32 [r10+8], r3\n ";
    char ins[256];
#define MEM(body, want) do { snprintf(ins, sizeof ins, "%s%s", put, body); \
        EXPECT(ins, 0x8081f2f3, 0x11223344, 0x55667788, want); } while (0)
    MEM("ldg.u8 r4, [r10]", 0xf3);
    MEM("ldg.s8 r4, [r10]", 0xfffffff3);
    MEM("ldg.u8 r4, [r10+3]", 0x80);
    MEM("ldg.s8 r4, [r10+2]", 0xffffff81);
    MEM("ldg.u16 r4, [r10+2]", 0x8081);
    MEM("ldg.s16 r4, [r10]", 0xfffff2f3);
    MEM("ldg.b64 r6, [r10]\n mov r4, r7", 0x11223344);
    MEM("ldg.b64 r6, [r10+8]\n mov r4, r6", 0x55667788);
    MEM("ldg.b128 r12, [r10]\n mov r4, r14", 0x55667788);
    MEM("ldg.b128 r12, [r10]\n mov r4, r15", 0);                       /* bytes 12..15: never written */
    MEM("mov r5, 0x55\n stg.u8 [r10+1], r5\n ldg.b32 r4, [r10]", 0x808155f3);
    MEM("mov r5, 0xabcd1234\n stg.u16 [r10+2], r5\n ldg.b32 r4, [r10]", 0x1234f2f3);
    MEM("stg.b64 [r10+8], r1\n ldg.b32 r4, [r10+12]", 0x11223344);      /* r1, r2 -> bytes 8..15 */
    MEM("stg.b128 [r10], r0\n ldg.b32 r4, [r10+8]", 0x11223344);        /* r0..r3 -> bytes 0..15 */
    MEM("ldp.b32 r5, [rz]\n isub r4, r5, r10", 0);                       /* the param block holds out */
#undef MEM
}

/* Every atomic op: r1 = old memory value, r2 = b, r3 = c. EXPECT_ATOM checks the returned old value
 * and the new memory value. */
static void atom_case(const char *op, uint32_t old, uint32_t b, uint32_t c, uint32_t want_new, int line)
{
    char ins[160];
    const char *c_operand = strcmp(op, "atomg.cas") == 0 ? ", r3" : "";
    snprintf(ins, sizeof ins, "stg.b32 [r10], r1\n %s r4, [r10], r2%s", op, c_operand);
    check(ins, old, b, c, old, 0, line);
    snprintf(ins, sizeof ins, "stg.b32 [r10], r1\n %s r5, [r10], r2%s\n ldg.b32 r4, [r10]", op, c_operand);
    check(ins, old, b, c, want_new, 0, line);
}
#define EXPECT_ATOM(op, old, b_, c_, want_new) atom_case(op, old, b_, c_, want_new, __LINE__)
static void atomics(void)
{
    EXPECT_ATOM("atomg.add", 0xffffffff, 2, 0, 1);                     /* wraps */
    EXPECT_ATOM("atomg.fadd", fb(1), fb(2), 0, fb(3));
    EXPECT_ATOM("atomg.fadd", 0x7fc00001, fb(2), 0, 0x7fffffff);        /* canonical NaN */
    EXPECT_ATOM("atomg.smin", (uint32_t)-1, 1, 0, (uint32_t)-1);
    EXPECT_ATOM("atomg.smax", (uint32_t)-1, 1, 0, 1);
    EXPECT_ATOM("atomg.umin", (uint32_t)-1, 1, 0, 1);
    EXPECT_ATOM("atomg.umax", (uint32_t)-1, 1, 0, 0xffffffff);
    EXPECT_ATOM("atomg.exch", 5, 9, 0, 9);
    EXPECT_ATOM("atomg.cas", 5, 5, 9, 9);                               /* compare equal: swap */
    EXPECT_ATOM("atomg.cas", 5, 6, 9, 5);                               /* not equal: unchanged */
    EXPECT_ATOM("atomg.and", 0xf0f0, 0xff00, 0, 0xf000);
    EXPECT_ATOM("atomg.or", 0xf0f0, 0xff00, 0, 0xfff0);
    EXPECT_ATOM("atomg.xor", 0xf0f0, 0xff00, 0, 0x0ff0);
    EXPECT_ATOM("atomg.inc", 3, 9, 0, 4);
    EXPECT_ATOM("atomg.inc", 9, 9, 0, 0);                               /* old >= b: 0 */
    EXPECT_ATOM("atomg.inc", 12, 9, 0, 0);
    EXPECT_ATOM("atomg.dec", 5, 9, 0, 4);
    EXPECT_ATOM("atomg.dec", 0, 9, 0, 9);                               /* old == 0: b */
    EXPECT_ATOM("atomg.dec", 10, 9, 0, 9);                              /* old > b: b */
}

static void floating(void)
{
    const uint32_t NaN = 0x7fffffff, INF = 0x7f800000, NINF = 0xff800000;
    EXPECT("fadd r4, r1, r2", fb(1), fb(2), 0, fb(3));
    EXPECT("fadd r4, r1, r2", INF, NINF, 0, NaN);
    EXPECT("fadd r4, r1, r2", 0x7fc12345, fb(1), 0, NaN);          /* NaN results are canonical */
    EXPECT("fadd r4, r1, r2", 1, 1, 0, 2);                          /* denormals kept */
    EXPECT("fsub r4, r1, r2", fb(1), fb(1), 0, 0);
    EXPECT("fmul r4, r1, r2", 0, INF, 0, NaN);
    EXPECT("fmul r4, r1, r2", 0x00800000, fb(0.5f), 0, 0x00400000); /* into the denormals, exact */
    EXPECT("ffma r4, r1, r2, r3", fb(1 + 0x1p-23f), fb(1 - 0x1p-23f), fb(-1), fb(-0x1p-46f)); /* one rounding */
    EXPECT("fdiv r4, r1, r2", fb(1), fb(3), 0, fb(1.0f / 3.0f));
    EXPECT("fdiv r4, r1, r2", fb(1), 0x80000000, 0, NINF);
    EXPECT("fsqrt r4, r1", fb(2), 0, 0, fb(sqrtf(2)));
    EXPECT("fsqrt r4, r1", fb(-1), 0, 0, NaN);
    EXPECT("fmin r4, r1, r2", 0x7fc00000, fb(1), 0, fb(1));
    EXPECT("fmax r4, r1, r2", fb(1), 0x7fc00000, 0, fb(1));
    EXPECT("fmin r4, r1, r2", 0x7fc00000, 0xffc00000, 0, NaN);
    EXPECT("fmin r4, r1, r2", 0, 0x80000000, 0, 0x80000000);
    EXPECT("fmax r4, r1, r2", 0x80000000, 0, 0, 0);
    EXPECT("fabs r4, r1", 0xffc00001, 0, 0, 0x7fc00001);           /* payload kept */
    EXPECT("fneg r4, r1", 0, 0, 0, 0x80000000);
    EXPECT("fadd r4, r1, 1", fb(2), 0, 0, fb(3));                   /* integer literal = 1.0 */
    EXPECTP("fsetp.lt p0, r1, r2", NaN, fb(1), 0, 0);
    EXPECTP("fsetp.ltu p0, r1, r2", NaN, fb(1), 0, 1);
    EXPECTP("fsetp.ne p0, r1, r2", NaN, fb(1), 0, 0);
    EXPECTP("fsetp.neu p0, r1, r2", NaN, fb(1), 0, 1);
    EXPECTP("fsetp.num p0, r1, r2", fb(1), fb(2), 0, 1);
    EXPECTP("fsetp.nan p0, r1, r2", fb(1), NaN, 0, 1);
    EXPECTP("fsetp.eq p0, r1, r2", 0, 0x80000000, 0, 1);            /* +0 == -0 */
    EXPECT("frnd.rn r4, r1", fb(2.5f), 0, 0, fb(2));
    EXPECT("frnd.rn r4, r1", fb(3.5f), 0, 0, fb(4));
    EXPECT("frnd.rm r4, r1", fb(-0.5f), 0, 0, fb(-1));
    EXPECT("frnd.rz r4, r1", fb(-0.5f), 0, 0, 0x80000000);
    EXPECT("frnd.rp r4, r1", fb(0.2f), 0, 0, fb(1));
    EXPECT("f2i.rz r4, r1", fb(3.7f), 0, 0, 3);
    EXPECT("f2i.rn r4, r1", fb(2.5f), 0, 0, 2);
    EXPECT("f2i.rm r4, r1", fb(-2.5f), 0, 0, (uint32_t)-3);
    EXPECT("f2i.rp r4, r1", fb(2.1f), 0, 0, 3);
    EXPECT("f2i.rz r4, r1", NaN, 0, 0, 0);
    EXPECT("f2i.rz r4, r1", fb(1e10f), 0, 0, 0x7fffffff);
    EXPECT("f2i.rz r4, r1", fb(-1e10f), 0, 0, 0x80000000);
    EXPECT("f2u.rz r4, r1", fb(-5), 0, 0, 0);
    EXPECT("f2u.rz r4, r1", fb(5e9f), 0, 0, 0xffffffff);
    EXPECT("i2f.rz r4, r1", 16777217, 0, 0, fb(16777216));
    EXPECT("i2f.rp r4, r1", 16777217, 0, 0, fb(16777218));
    EXPECT("i2f.rm r4, r1", (uint32_t)-16777217, 0, 0, fb(-16777218));
    EXPECT("i2f.rn r4, r1", 16777219, 0, 0, fb(16777220));          /* tie to even */
    EXPECT("u2f.rn r4, r1", 0xffffffff, 0, 0, 0x4f800000);
    EXPECT("u2f.rz r4, r1", 0xffffffff, 0, 0, 0x4f7fffff);
    EXPECT("f2h r4, r1", fb(1), 0, 0, 0x3c00);
    EXPECT("f2h r4, r1", fb(65520), 0, 0, 0x7c00);                  /* rounds up to infinity */
    EXPECT("f2h r4, r1", fb(65519), 0, 0, 0x7bff);
    EXPECT("f2h r4, r1", fb(6e-8f), 0, 0, 0x0001);                  /* the smallest f16 denormal */
    EXPECT("f2h r4, r1", fb(2e-8f), 0, 0, 0);
    EXPECT("f2h r4, r1", NaN, 0, 0, 0x7fff);
    EXPECT("h2f r4, r1", 0x0001, 0, 0, 0x33800000);
    EXPECT("h2f r4, r1", 0xfc00, 0, 0, NINF);
    EXPECT("h2f r4, r1", 0x7c01, 0, 0, NaN);
    EXPECT("f2bf r4, r1", fb(1), 0, 0, 0x3f80);
    EXPECT("f2bf r4, r1", 0x3f808000, 0, 0, 0x3f80);                /* tie to even */
    EXPECT("f2bf r4, r1", 0x3f818000, 0, 0, 0x3f82);
    EXPECT("bf2f r4, r1", 0x3f80, 0, 0, 0x3f800000);
    EXPECT("ex2 r4, r1", fb(3), 0, 0, fb(8));
    EXPECT("rcp r4, r1", fb(4), 0, 0, fb(0.25f));
    EXPECT("lg2 r4, r1", fb(0.125f), 0, 0, fb(-3));
}

/* 32 lanes: r0 = lane; the instruction writes r4; out[lane] = r4 */
static void warp_case(const char *body, const uint32_t *want, const char *what)
{
    char src[2048], err[512];
    snprintf(src, sizeof src,
             ".kernel w\n.param out 4\n s2r r0, %%laneid\n ldp.b32 r10, [out]\n shl r11, r0, 2\n iadd r10, r10, r11\n mov r4, 0\n"
             "%s\n stg.b32 [r10], r4\n exit\n", body);
    tg_module m;
    if (tg_asm_source(src, strlen(src), what, &m, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
    uint32_t out = tg_sim_alloc(sim, 128), got[32];
    tg_launch l = { &m, &m.kernels[0], { 1, 1, 1 }, { 32, 1, 1 }, &out, 4, 0 };
    tg_fault f;
    cases++;
    if (tg_sim_launch(sim, &l, NULL, &f)) { char line[512]; tg_fault_format(&f, line, sizeof line); printf("FAIL: %s: %s\n", what, line); exit(1); }
    tg_sim_read(sim, out, got, 128);
    for (int i = 0; i < 32; i++)
        if (got[i] != want[i]) { printf("FAIL: %s: lane %d got 0x%x, want 0x%x\n", what, i, got[i], want[i]); failures++; break; }
    tg_sim_free(sim, out);
    tg_module_free(&m);
}

static void warp_ops(void)
{
    uint32_t w[32];
    for (int i = 0; i < 32; i++) w[i] = i < 29 ? (uint32_t)i + 3 : (uint32_t)i;   /* down 3: lanes 29-31 keep their own */
    warp_case(" mov r1, 3\n mov r2, 31\n shfl.down r4, r0, r1, r2", w, "shfl.down 3");
    for (int i = 0; i < 32; i++) w[i] = (uint32_t)(i ^ 5);
    warp_case(" mov r1, 5\n mov r2, 31\n shfl.bfly r4, r0, r1, r2", w, "shfl.bfly 5");
    for (int i = 0; i < 32; i++) w[i] = i >= 2 ? (uint32_t)i - 2 : (uint32_t)i;
    warp_case(" mov r1, 2\n mov r2, 0\n shfl.up r4, r0, r1, r2", w, "shfl.up 2");
    for (int i = 0; i < 32; i++) w[i] = (uint32_t)((i & ~7) | 3);   /* segments of 8 (c = 0x1807) */
    warp_case(" mov r1, 3\n mov r2, 0x1807\n shfl.idx r4, r0, r1, r2", w, "shfl.idx within 8-lane segments");
    for (int i = 0; i < 32; i++) w[i] = i < 31 ? 1 : 0;             /* valid flag of down 1 */
    warp_case(" mov r1, 1\n mov r2, 31\n shfl.down r5|p1, r0, r1, r2\n mov r7, 1\n sel r4, r7, 0, p1", w, "shfl valid predicate");
    for (int i = 0; i < 32; i++) w[i] = 0x55555555u;
    warp_case(" and r1, r0, 1\n isetp.eq p1, r1, 0\n ballot r4, p1", w, "ballot of even lanes");
    for (int i = 0; i < 32; i++) w[i] = i < 16 ? 0x0000aaaau : 0;   /* ballot under divergence: lanes < 16 only */
    warp_case(" isetp.ge p2, r0, 16\n@p2 bra skip\n and r1, r0, 1\n isetp.eq p1, r1, 1\n ballot r4, p1\nskip:", w, "ballot with 16 active lanes");
    for (int i = 0; i < 32; i++) w[i] = 1;
    warp_case(" isetp.lt p1, r0, 32\n vote.all p2, p1\n mov r7, 1\n sel r4, r7, 0, p2", w, "vote.all");
    for (int i = 0; i < 32; i++) w[i] = 0;
    warp_case(" isetp.eq p1, r0, 40\n vote.any p2, p1\n mov r7, 1\n sel r4, r7, 0, p2", w, "vote.any none");
    for (int i = 0; i < 32; i++) w[i] = 0;
    warp_case(" isetp.lt p1, r0, 7\n vote.uni p2, p1\n mov r7, 1\n sel r4, r7, 0, p2", w, "vote.uni mixed");
    /* special registers over one 32-thread block */
    for (int i = 0; i < 32; i++) w[i] = (1u << i) - 1;
    warp_case(" s2r r4, %lanemask_lt", w, "lanemask_lt");
    for (int i = 0; i < 32; i++) w[i] = i == 31 ? 0xffffffffu : (2u << i) - 1;
    warp_case(" s2r r4, %lanemask_le", w, "lanemask_le");
    for (int i = 0; i < 32; i++) w[i] = ~((1u << i) - 1);
    warp_case(" s2r r4, %lanemask_ge", w, "lanemask_ge");
    for (int i = 0; i < 32; i++) w[i] = i == 31 ? 0 : ~((2u << i) - 1);
    warp_case(" s2r r4, %lanemask_gt", w, "lanemask_gt");
    for (int i = 0; i < 32; i++) w[i] = 1u << i;
    warp_case(" s2r r4, %lanemask_eq", w, "lanemask_eq");
    for (int i = 0; i < 32; i++) w[i] = (uint32_t)i;
    warp_case(" s2r r4, %tid.x", w, "tid.x");
    for (int i = 0; i < 32; i++) w[i] = 32 + 1 * 100 + 0;
    warp_case(" s2r r4, %ntid.x\n s2r r5, %nwarpid\n mov r6, 100\n imad r4, r5, r6, r4\n s2r r5, %warpid\n iadd r4, r4, r5", w,
              "ntid.x, nwarpid, warpid");
    for (int i = 0; i < 32; i++) w[i] = 32 + 1000 * 4;
    warp_case(" s2r r4, %warpsz\n s2r r5, %nsmid\n mov r6, 1000\n imad r4, r5, r6, r4", w, "warpsz, nsmid");
    for (int i = 0; i < 32; i++) w[i] = 1;
    warp_case(" s2r r5, %clock\n s2r r6, %clock\n isub r4, r6, r5", w, "clock counts instructions");
    /* contended atomics: every lane adds lane+1 to one word and takes a ticket with inc */
    for (int i = 0; i < 32; i++) w[i] = 528;
    warp_case(" ldp.b32 r5, [out]\n iadd r6, r0, 1\n atomg.add rz, [r5], r6\n bar 0\n ldg.b32 r4, [r5]", w, "atomg.add contention");
}

int main(void)
{
    tg_sim_config c;
    tg_sim_config_default(&c);
    sim = tg_sim_create(&c);
    integer();
    floating();
    memory();
    atomics();
    warp_ops();
    tg_sim_destroy(sim);
    printf("%d cases, %d failures\n", cases, failures);
    return failures != 0;
}
