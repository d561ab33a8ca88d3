/* sfu.c: the special-function unit, bit-exact. Each function is integer range reduction plus a
 * fixed sequence of f32 fmaf/mul/add with the constants below (hex f32 bits), so an RTL can
 * reproduce it exactly. Denormal inputs read as signed zero; denormal results flush to signed
 * zero; NaN results are the canonical 0x7fffffff. Measured error: docs/isa-semantics.md and
 * tests/unit/test_sim_sfu.c. Polynomials were fit by weighted least squares on Chebyshev nodes. */
#include "sim/exec_alu.h"

#define K(h) tg_fk(h)
static inline float tg_fk(uint32_t h) { return tg_f(h); }

static inline uint32_t flush_in(uint32_t x)
{
    return (x & 0x7f800000u) == 0 ? x & 0x80000000u : x;
}

/* r * 2^k by exponent arithmetic (r normal): below the normal range flushes to signed zero,
 * above it gives infinity. */
static uint32_t scale(float r, int k)
{
    uint32_t u = tg_u(r);
    int e = (int)((u >> 23) & 0xff) + k;
    if (e <= 0) return u & 0x80000000u;
    if (e >= 255) return (u & 0x80000000u) | 0x7f800000u;
    return (u & 0x807fffffu) | ((uint32_t)e << 23);
}

static inline uint32_t flush_out(uint32_t u)
{
    return (u & 0x7f800000u) == 0 ? u & 0x80000000u : u;
}

/* 1/m for m in [1, 2): linear seed on m/2, three Newton steps r += r * (1 - m r). */
static float rcp_core(float m)
{
    float h = m * 0.5f;
    float r = fmaf(K(0xbff0f0f1), h, K(0x4034b4b5)); /* 48/17 - 32/17 h, for h in [0.5, 1) */
    for (int i = 0; i < 3; i++) {
        float e = fmaf(-h, r, 1.0f);
        r = fmaf(r, e, r);
    }
    return r * 0.5f; /* 1/m = (1/h) / 2 */
}

uint32_t tg_sfu_rcp(uint32_t x)
{
    x = flush_in(x);
    uint32_t s = x & 0x80000000u, a = x & 0x7fffffffu;
    if (a > 0x7f800000u) return TG_CANON_NAN;
    if (a == 0x7f800000u) return s;
    if (a == 0) return s | 0x7f800000u;
    int e = (int)(a >> 23) - 127;
    float m = tg_f((a & 0x7fffffu) | 0x3f800000u);
    return s | scale(rcp_core(m), -e);
}

uint32_t tg_sfu_rsq(uint32_t x)
{
    x = flush_in(x);
    uint32_t s = x & 0x80000000u, a = x & 0x7fffffffu;
    if (a > 0x7f800000u) return TG_CANON_NAN;
    if (a == 0) return s | 0x7f800000u;
    if (s) return TG_CANON_NAN;
    if (a == 0x7f800000u) return 0;
    int e = (int)(a >> 23) - 127;
    float m = tg_f((a & 0x7fffffu) | 0x3f800000u);
    if (e & 1) { m *= 2.0f; e -= 1; }  /* m in [1, 4), e even */
    float y = fmaf(K(0xbe2aaaab), m, K(0x3f955555)); /* 7/6 - m/6: the secant on [1, 4] */
    for (int i = 0; i < 4; i++) {
        float h = m * y;
        float t = fmaf(-h, y, 1.0f);
        y = fmaf(y * 0.5f, t, y);
    }
    return scale(y, -e / 2);
}

static const uint32_t ex2_c[8] = {
    0x3f800000, 0x3f317218, 0x3e75fde8, 0x3d635956, 0x3c1d8439, 0x3aafed84, 0x391686ec, 0x37b444fa,
};

/* 2^f for f in [0, 1). */
static float ex2_poly(float f)
{
    float p = K(ex2_c[7]);
    for (int i = 6; i >= 0; i--) p = fmaf(p, f, K(ex2_c[i]));
    return p;
}

uint32_t tg_sfu_ex2(uint32_t x)
{
    x = flush_in(x);
    float v = tg_f(x);
    if (v != v) return TG_CANON_NAN;
    if (v >= 128.0f) return 0x7f800000u;
    if (v < -126.0f) return 0;
    float n = floorf(v), f = v - n; /* exact */
    return scale(ex2_poly(f), (int)n);
}

static const uint32_t lg2_c[12] = {
    0x3fb8aa3b, 0xbf38aa3b, 0x3ef6384e, 0xbeb8aa1d, 0x3e93bbb7, 0xbe764657,
    0x3e5303e8, 0xbe37593e, 0x3e2329be, 0xbe2105a5, 0x3e1d0455, 0xbdac5fa0,
};

uint32_t tg_sfu_lg2(uint32_t x)
{
    x = flush_in(x);
    uint32_t s = x & 0x80000000u, a = x & 0x7fffffffu;
    if (a > 0x7f800000u) return TG_CANON_NAN;
    if (a == 0) return 0xff800000u;
    if (s) return TG_CANON_NAN;
    if (a == 0x7f800000u) return a;
    int e = (int)(a >> 23) - 127;
    uint32_t mb = (a & 0x7fffffu) | 0x3f800000u;
    if (mb > 0x3fb504f3u) { mb -= 0x00800000u; e++; } /* m in [sqrt(1/2), sqrt(2)] */
    float t = tg_f(mb) - 1.0f; /* exact */
    float q = K(lg2_c[11]);
    for (int i = 10; i >= 0; i--) q = fmaf(q, t, K(lg2_c[i]));
    return flush_out(tg_u(fmaf(t, q, (float)e)));
}

static const uint32_t sin_c[5] = { 0xbe2aaaab, 0x3c088889, 0xb9500cfe, 0x3638ec7f, 0xb2d4f507 };
static const uint32_t cos_c[6] = {
    0xbf000000, 0x3d2aaaab, 0xbab60b60, 0x37d00ca2, 0xb493cb14, 0x310303a3,
};

/* sin or cos (which = 0 / 1): r = x - k pi/2 in three fmaf steps (pi/2 split in 3 f32 parts),
 * then an odd (sin) or even (cos) polynomial on [-pi/4, pi/4] chosen by quadrant. */
static uint32_t sincos(uint32_t x, int which)
{
    x = flush_in(x);
    float v = tg_f(x);
    if (v != v || (x & 0x7fffffffu) == 0x7f800000u) return TG_CANON_NAN;
    if (v == 0) return which ? 0x3f800000u : x; /* keeps sin(-0) = -0 */
    float k = floorf(fmaf(v, K(0x3f22f983), 0.5f)); /* round(v * 2/pi) */
    float r = fmaf(-k, K(0x3fc90fdb), v);           /* pi/2 = hi + mid + lo */
    r = fmaf(-k, K(0xb33bbd2e), r);
    r = fmaf(-k, K(0xa6f72ced), r);
    unsigned q = ((unsigned)(int64_t)k + (unsigned)which) & 3;
    float u = r * r, p;
    if (q & 1) {
        p = K(cos_c[5]);
        for (int i = 4; i >= 0; i--) p = fmaf(p, u, K(cos_c[i]));
        p = fmaf(p, u, 1.0f);
    } else {
        p = K(sin_c[4]);
        for (int i = 3; i >= 0; i--) p = fmaf(p, u, K(sin_c[i]));
        p = fmaf(p * u, r, r);
    }
    if (q & 2) p = -p;
    return flush_out(tg_u(p));
}

uint32_t tg_sfu_sin(uint32_t x) { return sincos(x, 0); }
uint32_t tg_sfu_cos(uint32_t x) { return sincos(x, 1); }

static const uint32_t tanh_c[8] = {
    0xbeaaaaab, 0x3e088889, 0xbd5d0de3, 0x3cb32998, 0xbc1150fe, 0x3b6c835c, 0xbabda2ab, 0x39eac64d,
};

uint32_t tg_sfu_tanh(uint32_t x)
{
    x = flush_in(x);
    uint32_t s = x & 0x80000000u, a = x & 0x7fffffffu;
    if (a > 0x7f800000u) return TG_CANON_NAN;
    float v = tg_f(a);
    if (v >= 9.1f) return s | 0x3f800000u;
    if (v < 0.55f) {
        float u = v * v, p = K(tanh_c[7]);
        for (int i = 6; i >= 0; i--) p = fmaf(p, u, K(tanh_c[i]));
        return s | flush_out(tg_u(fmaf(p * u, v, v)));
    }
    /* tanh v = 1 - 2 / (2^(2v log2 e) + 1); t + lo carries the product's rounding error */
    float c = K(0x4038aa3b), clo = K(0x32a57060); /* 2 log2(e) = c + clo */
    float t = v * c, lo = fmaf(v, c, -t);
    lo = fmaf(v, clo, lo);
    float n = floorf(t), f = t - n;
    float e = tg_f(scale(ex2_poly(f), (int)n));
    e = fmaf(e, lo * K(0x3f317218), e);   /* 2^lo ~ 1 + lo ln 2 */
    float d = e + 1.0f;
    int de = (int)((tg_u(d) >> 23) & 0xff) - 127;
    float r = tg_f(scale(rcp_core(tg_f((tg_u(d) & 0x7fffffu) | 0x3f800000u)), -de));
    return s | tg_u(fmaf(-2.0f, r, 1.0f));
}
