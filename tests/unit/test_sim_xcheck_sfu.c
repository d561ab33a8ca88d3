/* test_sim_xcheck_sfu.c: a second, independently written check of the SFU functions: special
 * cases, and the maximum error against double libm over a dense sample of f32 inputs (every
 * 2003rd positive normal for rcp/rsq/lg2). Prints each measured maximum. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/core.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static float F(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }
static uint32_t U(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }

/* Error of y in units of the f32 ulp at ref (ulp of the binade of |ref|, min normal binade). */
static double ulps(float y, double ref)
{
    double a = fabs(ref);
    int e;
    frexp(a < FLT_MIN ? FLT_MIN : a, &e);
    return fabs((double)y - ref) / ldexp(1.0, e - 24);
}

typedef uint32_t (*sfu_fn)(uint32_t);

/* Max ulp error over f32 inputs with bits in [lo, hi] stepping by step, skipping inputs whose
 * exact result is not a normal f32. */
static double max_ulps(sfu_fn fn, double (*ref)(double), uint32_t lo, uint32_t hi, uint32_t step,
                       float *worst)
{
    double m = 0;
    for (uint64_t b = lo; b <= hi; b += step) {
        float x = F((uint32_t)b);
        double r = ref(x);
        if (!(fabs(r) >= FLT_MIN && fabs(r) <= FLT_MAX)) continue;
        double e = ulps(F(fn((uint32_t)b)), r);
        if (e > m) { m = e; *worst = x; }
    }
    return m;
}

static double max_abs(sfu_fn fn, double (*ref)(double), double lo, double hi, int n)
{
    double m = 0;
    for (int i = 0; i <= n; i++) {
        float x = (float)(lo + (hi - lo) * i / n);
        double e = fabs((double)F(fn(U(x))) - ref(x));
        if (e > m) m = e;
    }
    return m;
}

static double rcp_d(double x) { return 1.0 / x; }
static double rsq_d(double x) { return 1.0 / sqrt(x); }
static double ex2_d(double x) { return exp2(x); }
static double lg2_d(double x) { return log2(x); }

static void test_special_cases(void)
{
    CHECK(tg_sfu_rcp(0x00000000) == 0x7f800000);
    CHECK(tg_sfu_rcp(0x80000000) == 0xff800000);
    CHECK(tg_sfu_rcp(0x00000001) == 0x7f800000); /* denormal input reads as +0 */
    CHECK(tg_sfu_rcp(0x7f800000) == 0);
    CHECK(tg_sfu_rcp(0xff800000) == 0x80000000);
    CHECK(tg_sfu_rcp(0x7fc00001) == 0x7fffffff);
    CHECK(tg_sfu_rcp(U(2.0f)) == U(0.5f));
    CHECK(tg_sfu_rcp(0x7f7fffff) == 0); /* 1/FLT_MAX is denormal: flushed */
    CHECK(tg_sfu_rsq(U(-1.0f)) == 0x7fffffff);
    CHECK(tg_sfu_rsq(0x80000000) == 0xff800000);
    CHECK(tg_sfu_rsq(0x7f800000) == 0);
    CHECK(tg_sfu_rsq(U(4.0f)) == U(0.5f));
    CHECK(tg_sfu_ex2(0xff800000) == 0);
    CHECK(tg_sfu_ex2(0x7f800000) == 0x7f800000);
    CHECK(tg_sfu_ex2(U(128.0f)) == 0x7f800000);
    CHECK(tg_sfu_ex2(U(-127.0f)) == 0);
    CHECK(tg_sfu_ex2(U(0.0f)) == U(1.0f));
    CHECK(tg_sfu_ex2(U(10.0f)) == U(1024.0f));
    CHECK(tg_sfu_lg2(U(1.0f)) == 0);
    CHECK(tg_sfu_lg2(U(8.0f)) == U(3.0f));
    CHECK(tg_sfu_lg2(0) == 0xff800000);
    CHECK(tg_sfu_lg2(0x80000000) == 0xff800000);
    CHECK(tg_sfu_lg2(U(-2.0f)) == 0x7fffffff);
    CHECK(tg_sfu_lg2(0x7f800000) == 0x7f800000);
    CHECK(tg_sfu_sin(0x7f800000) == 0x7fffffff);
    CHECK(tg_sfu_cos(0xff800000) == 0x7fffffff);
    CHECK(tg_sfu_sin(0x80000000) == 0x80000000);
    CHECK(tg_sfu_cos(0) == U(1.0f));
    CHECK(tg_sfu_sin(0x00400000) == 0); /* denormal in, zero out */
    CHECK(tg_sfu_tanh(U(20.0f)) == U(1.0f));
    CHECK(tg_sfu_tanh(U(-20.0f)) == U(-1.0f));
    CHECK(tg_sfu_tanh(0x7f800000) == U(1.0f));
    CHECK(tg_sfu_tanh(0x80000000) == 0x80000000);
    CHECK(tg_sfu_tanh(0x7fc00000) == 0x7fffffff);
}

static void test_error_bounds(void)
{
    float w = 0;
    double e;
    /* all binades, about 3 M inputs each for the positive normals */
    e = max_ulps(tg_sfu_rcp, rcp_d, 0x00800000, 0x7f7fffff, 2003, &w);
    printf("rcp max error %.3f ulp (at %g)\n", e, w); CHECK(e <= 1.0);
    e = max_ulps(tg_sfu_rsq, rsq_d, 0x00800000, 0x7f7fffff, 2003, &w);
    printf("rsq max error %.3f ulp (at %g)\n", e, w); CHECK(e <= 1.5);
    e = max_ulps(tg_sfu_ex2, ex2_d, 0x00000000, U(127.99f), 631, &w);
    printf("ex2 max error %.3f ulp, inputs >= 0 (at %g)\n", e, w); CHECK(e <= 2.0);
    e = max_ulps(tg_sfu_ex2, ex2_d, 0x80000000, U(-125.99f), 631, &w);
    printf("ex2 max error %.3f ulp, inputs < 0 (at %g)\n", e, w); CHECK(e <= 2.0);
    e = max_ulps(tg_sfu_lg2, lg2_d, 0x00800000, 0x7f7fffff, 2003, &w);
    printf("lg2 max error %.3f ulp (at %g)\n", e, w); CHECK(e <= 2.0);
    e = max_abs(tg_sfu_sin, sin, -M_PI, M_PI, 500000);
    printf("sin max abs error %.3g on [-pi, pi] (2^%.1f)\n", e, log2(e)); CHECK(e <= ldexp(1, -20));
    e = max_abs(tg_sfu_cos, cos, -M_PI, M_PI, 500000);
    printf("cos max abs error %.3g on [-pi, pi] (2^%.1f)\n", e, log2(e)); CHECK(e <= ldexp(1, -20));
    e = max_ulps(tg_sfu_tanh, tanh, 0x00800000, U(9.0f), 631, &w);
    printf("tanh max error %.3f ulp (at %g)\n", e, w);
    double ea = max_abs(tg_sfu_tanh, tanh, -10, 10, 500000);
    printf("tanh max abs error %.3g (2^%.1f)\n", ea, log2(ea));
    CHECK(e <= 4.0 || ea <= ldexp(1, -21));
}

int main(void)
{
    test_special_cases();
    test_error_bounds();
    if (failures) { fprintf(stderr, "test_sim_xcheck_sfu: %d failures\n", failures); return 1; }
    printf("test_sim_xcheck_sfu: ok\n");
    return 0;
}
