/* test_sim_faults.c: every fault kind and the fields of its report, as a specification.
 * Each case runs a small kernel (or a bad launch) that must stop with one exact fault: kind, kernel,
 * block, warp, lane, pc, space and address are all checked, and so is the one-line report. The
 * faulting thread is chosen away from block 0 / warp 0 / lane 0 so that a report that just says
 * "the first thread" fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm.h"
#include "isa/isa.h"
#include "sim/sim.h"

static int failures, checks;

typedef struct want {
    int kind;
    unsigned bx, warp, lane;
    uint32_t pc;
    int space;
    uint32_t address;     /* checked when space != NONE */
    int rel;              /* address is relative to the 64-byte global buffer */
    const char *text;     /* a substring the one-line report must contain */
} want;

static void expect_eq(const char *name, const char *field, uint64_t got, uint64_t want_)
{
    checks++;
    if (got != want_) {
        printf("FAIL %s: %s is %llu (0x%llx), want %llu (0x%llx)\n", name, field, (unsigned long long)got,
               (unsigned long long)got, (unsigned long long)want_, (unsigned long long)want_);
        failures++;
    }
}

static void check_fault(const char *name, int rc, const tg_fault *f, const want *w)
{
    char line[600];
    tg_fault_format(f, line, sizeof line);
    printf("%-22s %s\n", name, line);
    expect_eq(name, "return code", (uint64_t)(int64_t)rc, (uint64_t)(int64_t)-1);
    expect_eq(name, "kind", (uint64_t)f->kind, (uint64_t)w->kind);
    if (w->kind != TG_FAULT_BAD_LAUNCH) {
        expect_eq(name, "block.x", f->block.x, w->bx);
        expect_eq(name, "warp", f->warp, w->warp);
        expect_eq(name, "lane", f->lane, w->lane);
        expect_eq(name, "pc", f->pc, w->pc);
        expect_eq(name, "space", (uint64_t)f->space, (uint64_t)w->space);
        if (w->space != TG_SPACE_NONE) expect_eq(name, "address", f->address, w->address);
    }
    checks++;
    if (strncmp(line, "fault: ", 7) != 0 || !strstr(line, "kernel k") || (w->text && !strstr(line, w->text))) {
        printf("FAIL %s: report lacks \"%s\"\n", name, w->text ? w->text : "kernel k");
        failures++;
    }
}

/* Assembles `.kernel k` + body, launches grid x block (1-D) with one 4-byte parameter (a 64-byte
 * global buffer), and checks the fault. patch_pc >= 0 replaces that instruction word first. */
static void run_case(const char *name, const char *body, unsigned grid, unsigned block, uint64_t watchdog,
                     int patch_pc, uint64_t patch_word, want w, uint32_t *buf_out)
{
    char src[4096], err[512];
    snprintf(src, sizeof src, ".kernel k\n.param out 4\n%s", body);
    tg_module m;
    if (tg_asm_source(src, strlen(src), name, &m, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
    if (patch_pc >= 0) m.code[patch_pc] = patch_word;
    tg_sim_config c;
    tg_sim_config_default(&c);
    c.watchdog = watchdog;
    tg_sim *s = tg_sim_create(&c);
    uint32_t buf = tg_sim_alloc(s, 64);
    if (buf_out) *buf_out = buf;
    if (w.rel) w.address += buf;
    tg_launch l = { &m, &m.kernels[0], { grid, 1, 1 }, { block, 1, 1 }, &buf, 4, 0 };
    tg_fault f;
    int rc = tg_sim_launch(s, &l, NULL, &f);
    check_fault(name, rc, &f, &w);
    tg_sim_destroy(s);
    tg_module_free(&m);
}

/* Prologue: r0 = tid, r1 = ctaid, r10 = out; p0 = (block 1, thread 37), i.e. warp 1 lane 5. */
#define PICK " s2r r0, %tid.x\n s2r r1, %ctaid.x\n ldp.b32 r10, [out]\n" \
             " isetp.eq p0, r0, 37\n isetp.eq p1, r1, 1\n pand p0, p0, p1\n"
#define PICK_LEN 6   /* instructions in PICK: the next instruction's pc */

static void memory_faults(void)
{
    /* global: 64-byte allocation; out + 64 is past its end (inside its 256-byte granule) */
    run_case("oob global load", PICK " @p0 ldg.b32 r2, [r10+64]\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_OOB, 1, 1, 5, PICK_LEN, TG_SPACE_GLOBAL, 64, 1, "out-of-bounds" }, NULL);
    run_case("oob global store", PICK " @p0 stg.b32 [r10+64], r0\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_OOB, 1, 1, 5, PICK_LEN, TG_SPACE_GLOBAL, 64, 1, "global address" }, NULL);
    run_case("null pointer", PICK " @p0 ldg.b32 r2, [rz]\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_OOB, 1, 1, 5, PICK_LEN, TG_SPACE_GLOBAL, 0, 0, "address 0x00000000" }, NULL);
    run_case("oob global atomic", PICK " iadd r3, r10, 64\n @p0 atomg.add r2, [r3], r0\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_OOB, 1, 1, 5, PICK_LEN + 1, TG_SPACE_GLOBAL, 64, 1, "global atomic" }, NULL);
    run_case("oob shared", ".shared buf 128\n" PICK " mov r3, 128\n @p0 lds.b32 r2, [r3]\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_OOB, 1, 1, 5, PICK_LEN + 1, TG_SPACE_SHARED, 128, 0, "shared address 0x00000080" }, NULL);
    run_case("misaligned shared b128", ".shared buf 128\n" PICK " mov r3, 120\n @p0 lds.b128 r4, [r3]\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_MISALIGNED, 1, 1, 5, PICK_LEN + 1, TG_SPACE_SHARED, 120, 0, "misaligned" }, NULL);
    run_case("oob shared b64 end", ".shared buf 128\n" PICK " mov r3, 128\n @p0 sts.b64 [r3], r4\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_OOB, 1, 1, 5, PICK_LEN + 1, TG_SPACE_SHARED, 128, 0, NULL }, NULL);
    run_case("oob local", ".local 16\n" PICK " @p0 stl.b32 [rz+16], r0\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_OOB, 1, 1, 5, PICK_LEN, TG_SPACE_LOCAL, 16, 0, "local address" }, NULL);
    run_case("oob param", PICK " @p0 ldp.b32 r2, [rz+4]\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_OOB, 1, 1, 5, PICK_LEN, TG_SPACE_PARAM, 4, 0, "param address" }, NULL);
    run_case("misaligned global", PICK " @p0 ldg.b32 r2, [r10+2]\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_MISALIGNED, 1, 1, 5, PICK_LEN, TG_SPACE_GLOBAL, 2, 1, "misaligned" }, NULL);
    run_case("misaligned b64", PICK " @p0 stg.b64 [r10+4], r2\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_MISALIGNED, 1, 1, 5, PICK_LEN, TG_SPACE_GLOBAL, 4, 1, NULL }, NULL);
    run_case("misaligned u16", PICK " @p0 ldg.u16 r2, [r10+1]\n exit\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_MISALIGNED, 1, 1, 5, PICK_LEN, TG_SPACE_GLOBAL, 1, 1, NULL }, NULL);
}

static void control_faults(void)
{
    /* an undefined opcode (0x7f) at pc PICK_LEN, reached only by the picked thread */
    run_case("illegal word", PICK " @!p0 exit\n nop\n exit\n", 2, 64, 0, PICK_LEN + 1, 0x7f,
             (want){ TG_FAULT_ILLEGAL, 1, 1, 5, PICK_LEN + 1, TG_SPACE_NONE, 0, 0, "undefined opcode" }, NULL);
    /* a register the kernel did not declare (the kernel uses r0..r10, so it has 11) */
    tg_inst big = { .op = TG_OP_MOV, .guard = TG_PT, .rd = 200, .bimm = true, .imm = 5 };
    run_case("register beyond count", PICK " @!p0 exit\n nop\n exit\n", 2, 64, 0, PICK_LEN + 1, tg_encode(&big),
             (want){ TG_FAULT_ILLEGAL, 1, 1, 5, PICK_LEN + 1, TG_SPACE_NONE, 0, 0, "register count" }, NULL);
    /* falling off the end of the kernel: pc == end */
    run_case("pc past the end", PICK " @!p0 exit\n nop\n", 2, 64, 0, -1, 0,
             (want){ TG_FAULT_ILLEGAL, 1, 1, 5, PICK_LEN + 2, TG_SPACE_NONE, 0, 0, "outside the kernel" }, NULL);
    /* a runaway loop in one thread; the budget counts warp-instructions of the whole launch */
    run_case("watchdog", PICK " @!p0 exit\nL:\n bra L\n", 2, 64, 1000, -1, 0,
             (want){ TG_FAULT_WATCHDOG, 1, 1, 5, PICK_LEN + 1, TG_SPACE_NONE, 0, 0, "1000 warp-instructions" }, NULL);
    /* warp 0 waits at barrier 0 (pc 5), warps 1 and 2 at barrier 1: neither can release; the report
     * names the first waiting thread */
    run_case("barrier deadlock", " s2r r0, %tid.x\n isetp.lt p0, r0, 32\n @p0 bra A\n bar 1\n exit\nA:\n bar 0\n exit\n",
             1, 96, 0, -1, 0,
             (want){ TG_FAULT_BARRIER_DEADLOCK, 0, 0, 0, 5, TG_SPACE_NONE, 0, 0, "barrier deadlock" }, NULL);
    /* odd lanes wait at a second `bar 0` instruction (pc 6) while the even lanes wait at the first
     * (pc 4); the last arrival (warp 2) releases it and the first odd lane of warp 0 is reported */
    run_case("divergent barrier", " s2r r0, %tid.x\n and r1, r0, 1\n isetp.eq p0, r1, 1\n @p0 bra ODD\n bar 0\n exit\nODD:\n bar 0\n exit\n",
             1, 70, 0, -1, 0,
             (want){ TG_FAULT_DIVERGENT_BARRIER, 0, 0, 1, 6, TG_SPACE_NONE, 0, 0, "divergent barrier" }, NULL);
}

static void bad_launches(void)
{
    static const char src[] = ".kernel k\n.param out 4\n.shared buf 1024\n exit\n";
    char err[256];
    tg_module m;
    if (tg_asm_source(src, sizeof src - 1, "bad", &m, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
    tg_sim_config c;
    tg_sim_config_default(&c);
    tg_sim *s = tg_sim_create(&c);
    uint32_t p = 0;
    struct { const char *name; tg_dim3 g, b; uint32_t pbytes, dyn; const char *text; } cases[] = {
        { "zero grid",         { 0, 1, 1 }, { 32, 1, 1 }, 4, 0, "non-zero" },
        { "zero block",        { 1, 1, 1 }, { 32, 0, 1 }, 4, 0, "non-zero" },
        { "oversized block",   { 1, 1, 1 }, { 32, 32, 2 }, 4, 0, "threads per block" },
        { "too much shared",   { 1, 1, 1 }, { 32, 1, 1 }, 4, 48 * 1024, "shared memory" },
        { "param mismatch",    { 1, 1, 1 }, { 32, 1, 1 }, 8, 0, "parameter block" },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tg_launch l = { &m, &m.kernels[0], cases[i].g, cases[i].b, &p, cases[i].pbytes, cases[i].dyn };
        tg_fault f;
        tg_run_stats st = { 7, 7, 7 };
        int rc = tg_sim_launch(s, &l, &st, &f);
        check_fault(cases[i].name, rc, &f, &(want){ TG_FAULT_BAD_LAUNCH, 0, 0, 0, 0, 0, 0, 0, cases[i].text });
        expect_eq(cases[i].name, "instructions run", st.warp_instrs, 0);
    }
    tg_sim_destroy(s);
    tg_module_free(&m);
}

/* A fault stops the launch but keeps what ran before it: 63 threads stored, the 64th faulted. */
static void memory_before_fault_stays(void)
{
    static const char src[] = ".kernel k\n.param out 4\n s2r r0, %tid.x\n ldp.b32 r10, [out]\n"
                              " shl r1, r0, 2\n iadd r1, r1, r10\n stg.b32 [r1], r0\n exit\n";
    char err[256];
    tg_module m;
    if (tg_asm_source(src, sizeof src - 1, "keep", &m, err, sizeof err)) { printf("FAIL: %s\n", err); exit(1); }
    tg_sim_config c;
    tg_sim_config_default(&c);
    tg_sim *s = tg_sim_create(&c);
    uint32_t buf = tg_sim_alloc(s, 63 * 4), host[63];
    tg_launch l = { &m, &m.kernels[0], { 1, 1, 1 }, { 64, 1, 1 }, &buf, 4, 0 };
    tg_fault f;
    int rc = tg_sim_launch(s, &l, NULL, &f);
    check_fault("partial store", rc, &f, &(want){ TG_FAULT_OOB, 0, 1, 31, 4, TG_SPACE_GLOBAL, buf + 252, 0, NULL });
    tg_sim_read(s, buf, host, sizeof host);
    for (unsigned i = 0; i < 63; i++) expect_eq("partial store", "value kept", host[i], i);
    tg_sim_destroy(s);
    tg_module_free(&m);
}

int main(void)
{
    memory_faults();
    control_faults();
    bad_launches();
    memory_before_fault_stays();
    printf("%d checks, %d failures\n", checks, failures);
    return failures != 0;
}
