/* exec_float.c: f32 arithmetic, the SFU instructions, and conversions (f32 <-> integers, f16,
 * bf16), all with exact integer-logic rounding so results never depend on the host's FP mode. */
#include "sim/exec_alu.h"

static inline uint32_t fminmax(uint32_t a, uint32_t b, int max)
{
    float x = tg_f(a), y = tg_f(b);
    if (x != x && y != y) return TG_CANON_NAN;
    if (x != x) return b;
    if (y != y) return a;
    if (x == 0 && y == 0) return max ? (a & b) : (a | b); /* -0 < +0 */
    return (max ? x > y : x < y) ? a : b;
}

static inline float round_mode(float x, unsigned mode)
{
    switch (mode) {
    case TG_RND_RZ: return truncf(x);
    case TG_RND_RM: return floorf(x);
    case TG_RND_RP: return ceilf(x);
    default: { /* nearest even, without relying on the host rounding mode */
        float t = truncf(x), diff = fabsf(x - t);
        if (diff > 0.5f || (diff == 0.5f && fmodf(t, 2.0f) != 0))
            t += x < 0 ? -1.0f : 1.0f;
        return t;
    }
    }
}

static inline uint32_t f2i(uint32_t a, unsigned mode)
{
    float x = tg_f(a);
    if (x != x) return 0;
    float r = round_mode(x, mode);
    if (r >= 2147483648.0f) return 0x7fffffffu;
    if (r < -2147483648.0f) return 0x80000000u;
    return (uint32_t)(int32_t)r;
}

static inline uint32_t f2u(uint32_t a, unsigned mode)
{
    float x = tg_f(a);
    if (x != x) return 0;
    float r = round_mode(x, mode);
    if (r >= 4294967296.0f) return 0xffffffffu;
    if (r <= 0) return 0;
    return (uint32_t)r;
}

/* Magnitude + sign to f32 bits with rounding mode, in integer arithmetic. */
static uint32_t u2f_bits(uint32_t mag, bool neg, unsigned mode)
{
    uint32_t sign = neg ? 0x80000000u : 0;
    if (mag < (1u << 24)) return sign | tg_u((float)mag); /* exact */
    unsigned msb = 31u - (unsigned)__builtin_clz(mag), shift = msb - 23;
    uint32_t kept = mag >> shift, rem = mag & ((1u << shift) - 1), half = 1u << (shift - 1);
    bool up;
    switch (mode) {
    case TG_RND_RZ: up = false; break;
    case TG_RND_RM: up = neg && rem; break;
    case TG_RND_RP: up = !neg && rem; break;
    default: up = rem > half || (rem == half && (kept & 1)); break;
    }
    kept += up;
    if (kept == (1u << 24)) { kept >>= 1; shift++; }
    return sign | ((127u + 23u + shift) << 23) | (kept & 0x7fffffu);
}

/* f32 -> binary16 with a given exponent/mantissa split, round to nearest even. */
uint32_t tg_f2h(uint32_t f)
{
    uint32_t sign = (f >> 16) & 0x8000, e = (f >> 23) & 0xff, m = f & 0x7fffff;
    if (e == 255) return m ? sign | 0x7e00 | (m >> 13) : sign | 0x7c00;
    if (e == 0) return sign; /* f32 denormals are far below half the smallest f16 denormal */
    int E = (int)e - 127;
    uint32_t sig = m | 0x800000;
    if (E > 15) return sign | 0x7c00;
    unsigned shift = E >= -14 ? 13 : (unsigned)(13 + (-14 - E));
    if (shift > 25) return sign;
    uint32_t keep = sig >> shift, rem = sig & ((1u << shift) - 1), half = 1u << (shift - 1);
    uint32_t h = E >= -14 ? ((uint32_t)(E + 15) << 10) | (keep & 0x3ff) : keep;
    if (rem > half || (rem == half && (keep & 1))) h++; /* carries into exponent / inf */
    return sign | h;
}

uint32_t tg_h2f(uint32_t h)
{
    uint32_t sign = (h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e == 31) return sign | 0x7f800000u | (m << 13);
    if (e == 0) return sign | tg_u(ldexpf((float)m, -24));
    return sign | ((e - 15 + 127) << 23) | (m << 13);
}

uint32_t tg_f2bf(uint32_t f)
{
    if ((f & 0x7fffffffu) > 0x7f800000u) return (f >> 16) | 0x40; /* NaN stays (quiet) NaN */
    return (f + 0x7fffu + ((f >> 16) & 1)) >> 16;
}

uint32_t tg_bf2f(uint32_t h) { return (h & 0xffff) << 16; }

int tg_exec_float(tg_block *b, tg_warp *w, const tg_dinst *d, uint32_t exec)
{
    (void)b;
    unsigned mode = d->in.mod;
    switch (d->in.op) {
    case TG_OP_FADD: TG_LANES(b, w, d, exec, tg_canon(tg_f(A[l]) + tg_f(B[l]))); break;
    case TG_OP_FSUB: TG_LANES(b, w, d, exec, tg_canon(tg_f(A[l]) - tg_f(B[l]))); break;
    case TG_OP_FMUL: TG_LANES(b, w, d, exec, tg_canon(tg_f(A[l]) * tg_f(B[l]))); break;
    case TG_OP_FFMA:
        TG_LANES(b, w, d, exec, tg_canon(fmaf(tg_f(A[l]), tg_f(B[l]), tg_f(C[l]))));
        break;
    case TG_OP_FMIN: TG_LANES(b, w, d, exec, fminmax(A[l], B[l], 0)); break;
    case TG_OP_FMAX: TG_LANES(b, w, d, exec, fminmax(A[l], B[l], 1)); break;
    case TG_OP_FABS: TG_LANES(b, w, d, exec, A[l] & 0x7fffffffu); break;
    case TG_OP_FNEG: TG_LANES(b, w, d, exec, A[l] ^ 0x80000000u); break;
    case TG_OP_FDIV: TG_LANES(b, w, d, exec, tg_canon(tg_f(A[l]) / tg_f(B[l]))); break;
    case TG_OP_FSQRT: TG_LANES(b, w, d, exec, tg_canon(sqrtf(tg_f(A[l])))); break;
    case TG_OP_FRND: TG_LANES(b, w, d, exec, tg_canon(round_mode(tg_f(A[l]), mode))); break;
    case TG_OP_RCP: TG_LANES(b, w, d, exec, tg_sfu_rcp(A[l])); break;
    case TG_OP_RSQ: TG_LANES(b, w, d, exec, tg_sfu_rsq(A[l])); break;
    case TG_OP_EX2: TG_LANES(b, w, d, exec, tg_sfu_ex2(A[l])); break;
    case TG_OP_LG2: TG_LANES(b, w, d, exec, tg_sfu_lg2(A[l])); break;
    case TG_OP_SIN: TG_LANES(b, w, d, exec, tg_sfu_sin(A[l])); break;
    case TG_OP_COS: TG_LANES(b, w, d, exec, tg_sfu_cos(A[l])); break;
    case TG_OP_TANH: TG_LANES(b, w, d, exec, tg_sfu_tanh(A[l])); break;
    case TG_OP_F2I: TG_LANES(b, w, d, exec, f2i(A[l], mode)); break;
    case TG_OP_F2U: TG_LANES(b, w, d, exec, f2u(A[l], mode)); break;
    case TG_OP_I2F:
        TG_LANES(b, w, d, exec, u2f_bits((int32_t)A[l] < 0 ? 0u - A[l] : A[l],
                                         (int32_t)A[l] < 0, mode));
        break;
    case TG_OP_U2F: TG_LANES(b, w, d, exec, u2f_bits(A[l], false, mode)); break;
    case TG_OP_F2H: TG_LANES(b, w, d, exec, tg_f2h(A[l])); break;
    case TG_OP_H2F: TG_LANES(b, w, d, exec, tg_h2f(A[l] & 0xffff)); break;
    case TG_OP_F2BF: TG_LANES(b, w, d, exec, tg_f2bf(A[l])); break;
    case TG_OP_BF2F: TG_LANES(b, w, d, exec, tg_bf2f(A[l])); break;
    default: return -1; /* unreachable: every opcode the decoder accepts is handled */
    }
    return 0;
}
