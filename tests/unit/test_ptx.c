/* test_ptx.c: the PTX front-end without the assembler or simulator: what the parser accepts and
 * rejects (with file:line messages), what each lowering rule emits, and that the register allocator
 * stays inside its limits (spilling registers to local memory and predicates to registers) on
 * synthetic pressure and on nvcc's PTX of every kernel in kernels/ (tests/corpus/ptx/), whose text
 * the TG32 assembler must then accept. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/ptx/ptx.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

#define HDR ".version 9.0\n.target sm_80\n.address_size 64\n"

static char *xlate(const char *src, unsigned max_regs, char *err, size_t errlen)
{
    tg_ptx_options o = { .max_regs = max_regs };
    char *text = NULL;
    err[0] = 0;
    if (tg_ptx_to_asm(src, strlen(src), "t.ptx", &o, &text, err, errlen)) return NULL;
    return text;
}

static void expect_ok(const char *src, const char *const *needles)
{
    char err[512];
    char *t = xlate(src, 0, err, sizeof err);
    if (!t) { fprintf(stderr, "unexpected error: %s\n", err); failures++; return; }
    for (; *needles; needles++)
        if (!strstr(t, *needles)) { fprintf(stderr, "missing '%s' in:\n%s\n", *needles, t); failures++; }
    free(t);
}

static void expect_err(const char *src, const char *prefix, const char *needle)
{
    char err[512];
    char *t = xlate(src, 0, err, sizeof err);
    if (t) { fprintf(stderr, "expected an error containing '%s', got:\n%s\n", needle, t); free(t); failures++; return; }
    if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, needle)) {
        fprintf(stderr, "error '%s' lacks '%s' / '%s'\n", err, prefix, needle);
        failures++;
    }
}

/* Highest rN and pN mentioned in the text (rz/pt excluded). */
static void max_regs_in(const char *t, int *maxr, int *maxp)
{
    *maxr = *maxp = -1;
    for (const char *s = t; *s; s++) {
        if ((s[0] == 'r' || s[0] == 'p') && s[1] >= '0' && s[1] <= '9' && (s == t || s[-1] == ' ' || s[-1] == '[' || s[-1] == '!' || s[-1] == '@' || s[-1] == '|')) {
            int n = atoi(s + 1);
            if (s[0] == 'r' && n > *maxr) *maxr = n;
            if (s[0] == 'p' && n > *maxp) *maxp = n;
        }
    }
}

static void test_basic_lowering(void)
{
    const char *src = HDR
        ".visible .entry vadd(\n"
        "\t.param .u64 .ptr .global .align 4 vadd_param_0,\n"
        "\t.param .u32 vadd_param_1\n"
        ")\n.maxntid 256, 1, 1\n{\n"
        "\t.reg .pred %p<2>;\n\t.reg .f32 %f<4>;\n\t.reg .b32 %r<6>;\n\t.reg .b64 %rd<8>;\n"
        "\tld.param.u64 %rd1, [vadd_param_0];\n"
        "\tld.param.u32 %r2, [vadd_param_1];\n"
        "\tmov.u32 %r3, %ctaid.x;   // block\n"
        "\tmov.u32 %r4, %ntid.x;\n\tmov.u32 %r5, %tid.x;\n"
        "\tmad.lo.s32 %r1, %r3, %r4, %r5;\n"
        "\tsetp.ge.s32 %p1, %r1, %r2;\n"
        "\t@%p1 bra $L__BB0_2;\n"
        "\tcvta.to.global.u64 %rd3, %rd1;\n"
        "\tmul.wide.s32 %rd4, %r1, 4;\n"
        "\tadd.s64 %rd5, %rd3, %rd4;\n"
        "\tld.global.nc.f32 %f1, [%rd5+8];\n"
        "\tadd.rn.f32 %f2, %f1, 0f3F800000;\n"
        "\tst.global.f32 [%rd5+-4], %f2;\n"
        "$L__BB0_2:\n\tret;\n}\n";
    const char *want[] = { ".kernel vadd", ".param vadd_param_0 8", ".param vadd_param_1 4", "ldp.b32 r",
                           "s2r r", "%ctaid.x", "imad r", "isetp.ge p0, ", "@p0 bra BB0_2", "imul r",
                           "ldg.b32 r", "+8]", "fadd r", "0f3f800000", "-4], r", "BB0_2:", "exit", NULL };
    expect_ok(src, want);
}

static void test_rules(void)
{
    /* setp with a combining predicate and the p|q form; selp with an immediate first */
    expect_ok(HDR ".visible .entry k()\n{\n.reg .pred %p<5>;\n.reg .b32 %r<4>;\n.reg .f32 %f<3>;\n"
              "mov.u32 %r1, %tid.x;\nsetp.lt.u32 %p1, %r1, 7;\n"
              "setp.gtu.and.f32 %p2|%p3, %f1, 0f00000000, !%p1;\n"
              "selp.b32 %r2, 5, %r1, %p2;\n@!%p3 st.shared.u32 [%r1], %r2;\nret;\n}\n",
              (const char *[]){ "usetp.lt p", "fsetp.gtu p", "pand p", ", !p", "sel r", ", 5, !p", "@!p", "sts.b32 [r", NULL });
    /* 16-bit values extend before a full-width use; f16 conversions; 64-bit pack keeps the low word */
    expect_ok(HDR ".visible .entry k()\n{\n.reg .b16 %rs<4>;\n.reg .b32 %r<4>;\n.reg .f32 %f<3>;\n.reg .b64 %rd<3>;\n"
              "mov.u32 %r1, %tid.x;\ncvt.u16.u32 %rs1, %r1;\ncvt.rn.f32.s16 %f1, %rs1;\n"
              "cvt.f32.f16 %f2, %rs1;\ncvt.rn.f16.f32 %rs2, %f2;\nshr.u16 %rs3, %rs2, 3;\n"
              "mov.b32 %r2, {%rs1, %rs3};\nmov.b64 %rd1, {%r1, %r2};\ncvt.rzi.s32.f32 %r3, %f1;\nret;\n}\n",
              (const char *[]){ "sx16 r", "i2f.rn r", "h2f r", "f2h r", "zx16 r", "shr r", "shl r", "or r", "f2i.rz r", NULL });
    /* warp and atomic operations; immediates materialized for register-only formats */
    expect_ok(HDR ".visible .entry k(\n.param .u64 k_param_0\n)\n{\n.reg .pred %p<3>;\n.reg .b32 %r<6>;\n.reg .f32 %f<4>;\n.reg .b64 %rd<3>;\n"
              "ld.param.u64 %rd1, [k_param_0];\nmov.u32 %r1, %laneid;\n"
              "shfl.sync.bfly.b32 %r2|%p1, %r1, 16, 31, -1;\n"
              "vote.sync.ballot.b32 %r3, %p1, -1;\nvote.sync.any.pred %p2, !%p1, -1;\n"
              "atom.global.add.f32 %f1, [%rd1+4], 0f3F800000;\nred.shared.max.u32 [%r1], %r3;\n"
              "atom.global.cas.b32 %r4, [%rd1], %r1, 0;\nbar.sync 0;\nbarrier.sync.aligned 1, 64;\n"
              "bfi.b32 %r5, %r1, %r2, 4, 8;\nret;\n}\n",
              (const char *[]){ "shfl.bfly r", "|p", "ballot r", "vote.any p", ", !p", "atomg.fadd r",
                                "atoms.umax rz, [r", "atomg.cas r", "bar 0", "bar 1, r", "mov r", "2052", "bfi r", NULL });
    /* __syncwarp emits nothing (min-pc issue already orders the warp); copysign is bit logic */
    expect_ok(HDR ".visible .entry k()\n{\n.reg .f32 %f<4>;\n.reg .b32 %r<2>;\nmov.u32 %r1, -1;\nbar.warp.sync %r1;\n"
              "bar.warp.sync -1;\ncopysign.f32 %f1, %f2, %f3;\nret;\n}\n",
              (const char *[]){ "and r", "2147483647", "-2147483648", "or r", NULL });
    /* division by a constant: the high word of mul.wide through shr.u64 32; __ffs's bfind */
    expect_ok(HDR ".visible .entry k()\n{\n.reg .b32 %r<6>;\n.reg .b64 %rd<4>;\nmov.u32 %r1, %tid.x;\n"
              "mul.wide.u32 %rd1, %r1, 613566757;\nshr.u64 %rd2, %rd1, 34;\ncvt.u32.u64 %r2, %rd2;\n"
              "bfind.shiftamt.u32 %r3, %r2;\nbfind.s32 %r4, %r1;\nret;\n}\n",
              (const char *[]){ "umulhi r", "613566757", ", 2    //", "clz r", "usetp.eq p", ", -1, !p", "sra r", NULL });
    /* vector loads use consecutive registers; shared arrays get offsets; dynamic shared follows them */
    expect_ok(HDR ".extern .shared .align 16 .b8 dyn[];\n.visible .entry k(\n.param .u64 k_param_0\n)\n{\n"
              ".reg .f32 %f<5>;\n.reg .b32 %r<4>;\n.reg .b64 %rd<3>;\n.shared .align 4 .b8 tile[20];\n"
              "ld.param.u64 %rd1, [k_param_0];\nld.global.v4.f32 {%f1, %f2, %f3, %f4}, [%rd1];\n"
              "mov.u32 %r1, tile;\nmov.u32 %r2, dyn;\nst.shared.f32 [tile+4], %f1;\n"
              "st.shared.v2.f32 [%r2], {%f2, %f3};\nret;\n}\n",
              (const char *[]){ "ldg.b128 r", ".shared tile 20 4", "dynamic shared memory starts at 32", "mov r", ", 32", "sts.b32 [4], r", "sts.b64 [r", NULL });
}

/* Two vector loads feeding arithmetic: no copies out of the scratch blocks remain. */
static void test_vector_fold(void)
{
    char err[512];
    char *t = xlate(HDR ".visible .entry k(\n.param .u64 k_param_0\n)\n{\n.reg .f32 %f<12>;\n.reg .b64 %rd<3>;\n"
                    "ld.param.u64 %rd1, [k_param_0];\nld.global.v4.f32 {%f1, %f2, %f3, %f4}, [%rd1];\n"
                    "ld.global.v4.f32 {%f5, %f6, %f7, %f8}, [%rd1+16];\nmul.f32 %f9, %f1, %f5;\nfma.rn.f32 %f9, %f2, %f6, %f9;\n"
                    "fma.rn.f32 %f9, %f3, %f7, %f9;\nfma.rn.f32 %f9, %f4, %f8, %f9;\nst.global.f32 [%rd1], %f9;\nret;\n}\n",
                    0, err, sizeof err);
    CHECK(t != NULL);
    if (!t) return;
    const char *l1 = strstr(t, "ldg.b128 r"), *l2 = l1 ? strstr(l1 + 1, "ldg.b128 r") : NULL;
    CHECK(l1 && l2);
    CHECK(!strstr(t, "    mov r"));
    CHECK(strstr(t, "ffma r"));
    free(t);
}

static void test_errors(void)
{
    const char *k = HDR ".visible .entry k(\n.param .u64 k_param_0\n)\n{\n.reg .b64 %rd<4>;\n.reg .b32 %r<4>;\n.reg .f32 %f<3>;\n.reg .pred %p<2>;\n";
    char src[2048];
#define ERR(body, needle) do { snprintf(src, sizeof src, "%s%s\nret;\n}\n", k, body); expect_err(src, "t.ptx:12: ", needle); } while (0)
    ERR("shr.u64 %rd2, %rd1, 3;", "64-bit shr needs the upper 32 bits");
    ERR("shr.u64 %rd2, %rd1, 32;", "64-bit shr needs the upper 32 bits");   /* %rd1 is a parameter, not a product */
    ERR("add.rz.f32 %f1, %f2, %f2;", "only .rn rounding");
    ERR("setp.lt.u64 %p1, %rd1, %rd2;", "64-bit compare");
    ERR("st.global.u64 [%rd1], %rd2;", "64-bit store");
    ERR("foo.b32 %r1, %r2;", "unsupported PTX instruction 'foo.b32'");
    ERR("add.ftz.f32 %f1, %f2, %f2;", ".ftz");
    ERR("add.rz.f32 %f1, %f2, %f2;", "only .rn rounding");
    ERR("min.NaN.f32 %f1, %f2, %f2;", "modifier '.NaN'");
    ERR("add.s32 %r1, %r9, 1;", "undeclared register '%r9'");
    ERR("add.s32 %r1, %r2 1;", "expected ',' or ';'");
    ERR("bra NOWHERE;", "unknown label 'NOWHERE'");
    ERR("cvta.shared.u64 %rd2, %rd1;", "generic pointers to shared");
    ERR("membar.gl;", "unsupported PTX instruction 'membar.gl'");
    ERR("bar.arrive 1, 64;", "modifier '.arrive'");
    ERR("ld.const.f32 %f1, [%rd1];", ".const memory");
    ERR("atom.global.add.u64 %rd2, [%rd1], 1;", "64-bit atomics");
    ERR("mov.u64 %rd2, k_param_0;", "address of kernel parameter");
    ERR("@%r1 bra L;", "is not a predicate");
    ERR("prmt.b32.f4e %r1, %r2, %r3, 0;", "modifier '.f4e'");
    ERR("div.rn.f64 %f1, %f2, %f2;", "f64");
#undef ERR
    expect_err(".version 9.0\n.target sm_80\n.func f()\n{\nret;\n}\n", "t.ptx:3: ", "device functions (.func)");
    expect_err(".target sm_80\n", "t.ptx: ", "no .version");
    expect_err(HDR ".visible .entry k()\n{\n.reg .b32 %r<3>;\nadd.s32 %r1, %r2, 1;\n", "t.ptx:", "missing '}'");
    expect_err("/* unterminated", "t.ptx:1: ", "unterminated");
    expect_err(HDR ".global .f32 g;\n", "t.ptx:4: ", "module-scope .global");
}

/* 40 values live at once need spills at 16 registers; 10 live predicates need predicate spills. */
static void test_spills(void)
{
    char *src = malloc(1 << 16), err[512];
    size_t n = (size_t)snprintf(src, 1 << 16, HDR ".visible .entry k(\n.param .u64 k_param_0\n)\n{\n"
                                ".reg .f32 %%f<100>;\n.reg .b64 %%rd<3>;\n.reg .pred %%p<12>;\n.reg .b32 %%r<12>;\n"
                                "ld.param.u64 %%rd1, [k_param_0];\n");
    for (int i = 0; i < 40; i++) n += (size_t)snprintf(src + n, (1 << 16) - n, "ld.global.f32 %%f%d, [%%rd1+%d];\n", i, 4 * i);
    for (int i = 0; i < 39; i++) n += (size_t)snprintf(src + n, (1 << 16) - n, "add.f32 %%f%d, %%f%d, %%f%d;\n", 41 + i, i == 0 ? 39 : 40 + i, 39 - i - 1 < 0 ? 0 : 39 - i - 1);
    for (int i = 0; i < 10; i++) n += (size_t)snprintf(src + n, (1 << 16) - n, "setp.lt.f32 %%p%d, %%f%d, 0f00000000;\n", i, i);
    for (int i = 0; i < 10; i++) n += (size_t)snprintf(src + n, (1 << 16) - n, "selp.b32 %%r%d, 1, 2, %%p%d;\n@%%p%d st.global.u32 [%%rd1+%d], %%r%d;\n", i % 12, i, 9 - i, 4 * i, i % 12);
    snprintf(src + n, (1 << 16) - n, "st.global.f32 [%%rd1], %%f79;\nret;\n}\n");
    char *t = xlate(src, 16, err, sizeof err);
    CHECK(t != NULL);
    if (!t) fprintf(stderr, "%s\n", err);
    if (t) {
        int maxr, maxp;
        max_regs_in(t, &maxr, &maxp);
        CHECK(maxr >= 0 && maxr < 16);
        CHECK(maxp >= 0 && maxp <= 6);
        CHECK(strstr(t, "stl.b32 [") && strstr(t, "ldl.b32 r"));   /* register spills */
        CHECK(strstr(t, "sel r") && strstr(t, "isetp.ne p"));      /* predicate spills */
        const char *regs = strstr(t, ".regs ");
        CHECK(regs && atoi(regs + 6) <= 16);
        CHECK(strstr(t, ".local "));
        free(t);
    }
    t = xlate(src, 0, err, sizeof err);   /* with 255 registers nothing spills */
    CHECK(t && !strstr(t, "stl.b32") && !strstr(t, "ldl.b32"));
    free(t);
    free(src);
}

/* Every kernel nvcc compiled (the .ptx files of tests/corpus/ptx/ but the bad_ ones) translates, with the full
 * register file and squeezed into 24 registers. */
static void test_kernel_corpus(void)
{
    const char *dir = "tests/corpus/ptx";
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d) return;
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".ptx") || !strncmp(e->d_name, "bad_", 4)) continue;
        char path[1024], err[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *src = tg_ptx_read_file(path, &len, err, sizeof err);
        CHECK(src != NULL);
        if (!src) continue;
        files++;
        for (int pass = 0; pass < 2; pass++) {
            tg_ptx_options o = { .max_regs = pass ? 24 : 0 };
            char *text = NULL;
            if (tg_ptx_to_asm(src, len, path, &o, &text, err, sizeof err)) { fprintf(stderr, "%s\n", err); failures++; continue; }
            int maxr, maxp;
            max_regs_in(text, &maxr, &maxp);
            CHECK(maxp <= 6);
            if (pass) CHECK(maxr < 24);
            CHECK(!strstr(text, "r?") && !strstr(text, "p?"));   /* nothing left unallocated */
            free(text);
            /* and the TG32 assembler accepts it, with the front-end's layout */
            tg_module m;
            if (tg_ptx_compile(src, len, path, &o, &m, err, sizeof err)) { fprintf(stderr, "%s\n", err); failures++; continue; }
            CHECK(m.nkernels >= 1 && m.ncode > 0);
            for (uint32_t k = 0; k < m.nkernels; k++) CHECK(m.kernels[k].nregs >= 1 && m.kernels[k].nregs <= (pass ? 24u : 255u));
            tg_module_free(&m);
        }
        free(src);
    }
    closedir(d);
    CHECK(files >= 7);
}

int main(void)
{
    test_basic_lowering();
    test_rules();
    test_vector_fold();
    test_errors();
    test_spills();
    test_kernel_corpus();
    if (failures) { fprintf(stderr, "%d failures\n", failures); return 1; }
    printf("test_ptx: all passed\n");
    return 0;
}
