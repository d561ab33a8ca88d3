/* exec_sfu.c: the special function unit. Each function is defined as integer range reduction plus
 * a fixed sequence of f32 operations (fmaf, mul, add, div, sqrt) with the constants below, so the
 * RTL reproduces it bit for bit; docs/isa-semantics.md lists the algorithms and their measured
 * error (tests/unit/test_sim_sfu.c holds the bounds). Denormal inputs and outputs flush to a zero
 * of the same sign, as PTX's .approx.ftz functions do; NaN results are the canonical 0x7fffffff. */
#include "sim/core.h"

#include <math.h>
#include <string.h>

#define CANON_NAN 0x7fffffffu

static float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t u_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint32_t ftz(uint32_t x) { return (x & 0x7f800000u) ? x : x & 0x80000000u; }
static uint32_t out(float f) { return f != f ? CANON_NAN : ftz(u_of(f)); }

uint32_t tg_sfu_rcp(uint32_t x)
{
    return out(1.0f / f_of(ftz(x)));
}

uint32_t tg_sfu_rsq(uint32_t x)
{
    float f = f_of(ftz(x));
    if (f == 0.0f) return (x & 0x80000000u) | 0x7f800000u;   /* 1/sqrt(+-0) = +-inf */
    return out(1.0f / sqrtf(f));                            /* negative: NaN */
}

/* 2^r for r in [-0.5, 0.5]: Taylor coefficients ln2^k / k!, Horner with fmaf. */
static float exp2_poly(float r)
{
    float p = 1.52527338040598e-05f;
    p = fmaf(p, r, 1.54035303933816e-04f);
    p = fmaf(p, r, 1.33335581464284e-03f);
    p = fmaf(p, r, 9.61812910762848e-03f);
    p = fmaf(p, r, 5.55041086648216e-02f);
    p = fmaf(p, r, 2.40226506959101e-01f);
    p = fmaf(p, r, 6.93147180559945e-01f);
    return fmaf(p, r, 1.0f);
}

uint32_t tg_sfu_ex2(uint32_t x)
{
    x = ftz(x);
    float f = f_of(x);
    if (f != f) return CANON_NAN;
    if (f >= 128.0f) return 0x7f800000u;
    if (f < -127.0f) return 0;
    float i = rintf(f);                 /* nearest integer, ties to even */
    float p = exp2_poly(f - i);         /* f - i is exact */
    int e = (int)((u_of(p) >> 23) & 0xff) + (int)i;
    if (e >= 255) return 0x7f800000u;
    if (e <= 0) return 0;               /* below 2^-126: flushed */
    return (u_of(p) & 0x807fffffu) | (uint32_t)e << 23;
}

uint32_t tg_sfu_lg2(uint32_t x)
{
    x = ftz(x);
    float f = f_of(x);
    if (f != f || (x & 0x80000000u && f != 0.0f)) return CANON_NAN;
    if (f == 0.0f) return 0xff800000u;                /* -inf */
    if (f == INFINITY) return 0x7f800000u;
    int e = (int)((x >> 23) & 0xff) - 127;
    uint32_t mb = (x & 0x007fffffu) | 0x3f800000u;     /* m in [1, 2) */
    if (mb > 0x3fb504f3u) { mb -= 0x00800000u; e++; }   /* m in [sqrt(1/2), sqrt(2)] */
    float t = f_of(mb) - 1.0f;                          /* exact */
    /* log2(1 + t) = t * q(t), q of degree 11 (least squares on Chebyshev nodes); no division */
    static const uint32_t c[12] = {
        0x3fb8aa3b, 0xbf38aa3b, 0x3ef6384e, 0xbeb8aa1d, 0x3e93bbb7, 0xbe764657,
        0x3e5303e8, 0xbe37593e, 0x3e2329be, 0xbe2105a5, 0x3e1d0455, 0xbdac5fa0,
    };
    float q = f_of(c[11]);
    for (int i = 10; i >= 0; i--) q = fmaf(q, t, f_of(c[i]));
    return out(fmaf(t, q, (float)e));                   /* one rounding */
}

/* Reduction to r in [-pi/4, pi/4] and quadrant q: x = q pi/2 + r (two-part pi/2, fmaf). */
static float reduce(float f, int *q)
{
    float k = rintf(f * 0.636619772f);
    float r = fmaf(-k, 1.57079637f, f);
    r = fmaf(-k, -4.37113883e-08f, r);
    /* k mod 4. From 2^25 up every f32 is a multiple of 4; converting there could overflow (UB). */
    *q = fabsf(k) < 0x1p25f ? (int)((int32_t)k & 3) : 0;
    return r;
}

static float sin_poly(float r)
{
    float s = r * r;
    float p = fmaf(s, 2.75573192e-06f, -1.98412698e-04f);
    p = fmaf(p, s, 8.33333333e-03f);
    p = fmaf(p, s, -1.66666667e-01f);
    return fmaf(r * s, p, r);
}

static float cos_poly(float r)
{
    float s = r * r;
    float p = fmaf(s, -2.75573192e-07f, 2.48015873e-05f);
    p = fmaf(p, s, -1.38888889e-03f);
    p = fmaf(p, s, 4.16666667e-02f);
    p = fmaf(p, s, -0.5f);
    return fmaf(s, p, 1.0f);
}

static uint32_t sincos(uint32_t x, int cosine)
{
    x = ftz(x);
    float f = f_of(x);
    if (f != f || isinf(f)) return CANON_NAN;
    if (f == 0.0f) return cosine ? 0x3f800000u : x;   /* sin(+-0) = +-0 exactly */
    int q;
    float r = reduce(f, &q);
    q = (q + cosine) & 3;             /* cos(x) = sin(x + pi/2) */
    float v = (q & 1) ? cos_poly(r) : sin_poly(r);
    return out(q & 2 ? -v : v);
}

uint32_t tg_sfu_sin(uint32_t x) { return sincos(x, 0); }
uint32_t tg_sfu_cos(uint32_t x) { return sincos(x, 1); }

uint32_t tg_sfu_tanh(uint32_t x)
{
    x = ftz(x);
    float f = f_of(x);
    if (f != f) return CANON_NAN;
    float a = fabsf(f), t;
    if (a >= 9.0f) {
        t = 1.0f;
    } else if (a < 0.5f) {
        /* tanh(a) = expm1(2a) / (expm1(2a) + 2), expm1 by its Taylor series to y^10 */
        float y = 2.0f * a;
        float p = 2.75573192e-07f;
        p = fmaf(p, y, 2.75573192e-06f);
        p = fmaf(p, y, 2.48015873e-05f);
        p = fmaf(p, y, 1.98412698e-04f);
        p = fmaf(p, y, 1.38888889e-03f);
        p = fmaf(p, y, 8.33333333e-03f);
        p = fmaf(p, y, 4.16666667e-02f);
        p = fmaf(p, y, 1.66666667e-01f);
        p = fmaf(p, y, 0.5f);
        p = fmaf(p, y, 1.0f);
        float em1 = p * y;
        t = em1 / (em1 + 2.0f);
    } else {
        float e = f_of(tg_sfu_ex2(u_of(a * 2.88539008f)));   /* e^(2a) = 2^(2a log2 e) */
        t = 1.0f - 2.0f / (e + 1.0f);
    }
    return out(copysignf(t, f));
}

int tg_exec_sfu(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t exec)
{
    uint32_t *d = tg_row(b, w, pi->rd_w);
    const uint32_t *A = tg_row(b, w, pi->ra);
    uint32_t (*fn)(uint32_t);
    switch (pi->op) {
    case TG_OP_RCP: fn = tg_sfu_rcp; break;
    case TG_OP_RSQ: fn = tg_sfu_rsq; break;
    case TG_OP_EX2: fn = tg_sfu_ex2; break;
    case TG_OP_LG2: fn = tg_sfu_lg2; break;
    case TG_OP_SIN: fn = tg_sfu_sin; break;
    case TG_OP_COS: fn = tg_sfu_cos; break;
    case TG_OP_TANH: fn = tg_sfu_tanh; break;
    default:
        return tg_block_fault(b, w, __builtin_ctz(exec), 0, TG_FAULT_ILLEGAL, TG_SPACE_NONE, 0,
                              "opcode 0x%02x reached the SFU", pi->op);
    }
    TG_FOR_LANES(exec, l) d[l] = fn(A[l]);
    return TG_STEP_OK;
}
