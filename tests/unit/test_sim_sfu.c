/* test_sim_sfu.c: the SFU's bit-exact algorithms (sim/exec_sfu.c, docs/isa-semantics.md) against
 * correctly rounded double-precision math over dense samples, with the error bounds the ISA
 * document states; plus their special cases (zeros, infinities, NaN, denormals, negatives). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/core.h"

static int failures;

static float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t u_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* distance in units in the last place of the correctly rounded result */
static double ulps(float got, double want)
{
    float w = (float)want;
    if (got == w) return 0;
    double ulp = fabs((double)nextafterf(w, INFINITY) - (double)w);
    if (ulp == 0 || isinf(ulp)) ulp = fabs((double)w - (double)nextafterf(w, 0));
    return fabs((double)got - want) / ulp;
}

typedef struct bound { const char *name; double max_ulps, max_abs; } bound;

static void report(const char *name, double worst_ulps, double worst_abs, const bound *b, float at)
{
    int bad = (b->max_ulps > 0 && worst_ulps > b->max_ulps) || (b->max_abs > 0 && worst_abs > b->max_abs);
    char lim[64];
    if (b->max_abs > 0) snprintf(lim, sizeof lim, "%.3g absolute", b->max_abs);
    else snprintf(lim, sizeof lim, "%.1f ulp", b->max_ulps);
    printf("%s %-5s max %.2f ulp, max abs error %.3g (bound %s), worst at %.9g\n", bad ? "FAIL" : "ok  ",
           name, worst_ulps, worst_abs, lim, (double)at);
    failures += bad;
}

static void sweep(const char *name, uint32_t (*fn)(uint32_t), double (*ref)(double), float lo, float hi, int use_abs,
                  double max_ulps, double max_abs)
{
    double worst_u = 0, worst_a = 0;
    float at = lo;
    const int N = 2000000;
    for (int i = 0; i <= N; i++) {
        float x = lo + (hi - lo) * (float)i / (float)N;
        double want = ref((double)x);
        float got = f_of(fn(u_of(x)));
        double u = ulps(got, want), a = fabs((double)got - want);
        if (!use_abs && u > worst_u) { worst_u = u; at = x; }
        if (use_abs && a > worst_a) { worst_a = a; at = x; }
        if (!use_abs && a > worst_a) worst_a = a;
    }
    bound b = { name, use_abs ? 0 : max_ulps, use_abs ? max_abs : 0 };
    report(name, worst_u, worst_a, &b, at);
}

static double rcp(double x) { return 1.0 / x; }
static double rsq(double x) { return 1.0 / sqrt(x); }

static void special(const char *what, uint32_t got, uint32_t want)
{
    if (got != want) { printf("FAIL %s: 0x%08x, want 0x%08x\n", what, got, want); failures++; }
}

int main(void)
{
    /* the bounds stated in docs/isa-semantics.md */
    sweep("ex2", tg_sfu_ex2, exp2, -125.0f, 127.0f, 0, 1, 0);
    sweep("ex2", tg_sfu_ex2, exp2, -1.0f, 1.0f, 0, 1, 0);
    sweep("lg2", tg_sfu_lg2, log2, 1e-30f, 1e30f, 0, 1, 0);
    sweep("lg2", tg_sfu_lg2, log2, 0.5f, 2.0f, 0, 2, 0);   /* near 1 the result is small: ulps are tiny */
    sweep("rcp", tg_sfu_rcp, rcp, 1e-30f, 1e30f, 0, 0.5, 0);
    sweep("rsq", tg_sfu_rsq, rsq, 1e-30f, 1e30f, 0, 1.5, 0);
    sweep("sin", tg_sfu_sin, sin, -3.14159265f, 3.14159265f, 1, 0, 1.5e-7);
    sweep("cos", tg_sfu_cos, cos, -3.14159265f, 3.14159265f, 1, 0, 1.5e-7);
    sweep("sin", tg_sfu_sin, sin, -100.0f, 100.0f, 1, 0, 1e-5);
    sweep("tanh", tg_sfu_tanh, tanh, -10.0f, 10.0f, 0, 3, 0);

    special("ex2(-inf)", tg_sfu_ex2(0xff800000u), 0);
    special("ex2(+inf)", tg_sfu_ex2(0x7f800000u), 0x7f800000u);
    special("ex2(nan)", tg_sfu_ex2(0x7fc00001u), 0x7fffffffu);
    special("ex2(denormal) = 1", tg_sfu_ex2(0x00000001u), 0x3f800000u);
    special("ex2(-130) flushes", tg_sfu_ex2(u_of(-130.0f)), 0);
    special("lg2(0)", tg_sfu_lg2(0), 0xff800000u);
    special("lg2(-0)", tg_sfu_lg2(0x80000000u), 0xff800000u);
    special("lg2(denormal) = -inf", tg_sfu_lg2(1), 0xff800000u);
    special("lg2(-1)", tg_sfu_lg2(u_of(-1.0f)), 0x7fffffffu);
    special("lg2(inf)", tg_sfu_lg2(0x7f800000u), 0x7f800000u);
    special("lg2(8) exact", tg_sfu_lg2(u_of(8.0f)), u_of(3.0f));
    special("rcp(0)", tg_sfu_rcp(0), 0x7f800000u);
    special("rcp(-0)", tg_sfu_rcp(0x80000000u), 0xff800000u);
    special("rcp(2^127) flushes", tg_sfu_rcp(0x7f000000u), 0);
    special("rsq(-0)", tg_sfu_rsq(0x80000000u), 0xff800000u);
    special("rsq(-1)", tg_sfu_rsq(u_of(-1.0f)), 0x7fffffffu);
    special("rsq(inf)", tg_sfu_rsq(0x7f800000u), 0);
    special("sin(-0)", tg_sfu_sin(0x80000000u), 0x80000000u);
    special("sin(inf)", tg_sfu_sin(0x7f800000u), 0x7fffffffu);
    special("cos(0)", tg_sfu_cos(0), 0x3f800000u);
    special("tanh(-0)", tg_sfu_tanh(0x80000000u), 0x80000000u);
    special("tanh(20)", tg_sfu_tanh(u_of(20.0f)), 0x3f800000u);
    special("tanh(-inf)", tg_sfu_tanh(0xff800000u), 0xbf800000u);
    special("tanh(nan)", tg_sfu_tanh(0xffc00000u), 0x7fffffffu);
    if (failures) { printf("%d failures\n", failures); return 1; }
    printf("ok\n");
    return 0;
}
