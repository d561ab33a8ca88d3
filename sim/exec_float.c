/* exec_float.c: f32 arithmetic, compares and conversions. IEEE binary32 with round to nearest
 * even and denormals kept; every NaN an arithmetic instruction produces is the canonical
 * 0x7fffffff, as on NVIDIA GPUs, so results match hardware bit for bit. Directed roundings of
 * conversions are computed exactly with integer logic, never through the host's rounding mode. */
#include "sim/core.h"

#include <math.h>
#include <string.h>

#define CANON_NAN 0x7fffffffu

static float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t u_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint32_t canon(float f) { return f != f ? CANON_NAN : u_of(f); }

/* min/max as PTX: a NaN operand yields the other operand; -0 is below +0. */
static uint32_t fminmax(uint32_t a, uint32_t b, int is_max)
{
    float x = f_of(a), y = f_of(b);
    if (x != x) return y != y ? CANON_NAN : b;
    if (y != y) return a;
    if (x == y) {   /* equal values; +0 and -0 differ only in the sign bit */
        if (a == b) return a;
        int a_neg = (int)(a >> 31);
        return is_max ? (a_neg ? b : a) : (a_neg ? a : b);
    }
    return (x > y) == is_max ? a : b;
}

static int fcmp(int cond, float a, float b)
{
    int unordered = a != a || b != b;
    switch (cond) {
    case TG_COND_EQ: return !unordered && a == b;
    case TG_COND_NE: return !unordered && a != b;
    case TG_COND_LT: return !unordered && a < b;
    case TG_COND_LE: return !unordered && a <= b;
    case TG_COND_GT: return !unordered && a > b;
    case TG_COND_GE: return !unordered && a >= b;
    case TG_COND_EQU: return unordered || a == b;
    case TG_COND_NEU: return unordered || a != b;
    case TG_COND_LTU: return unordered || a < b;
    case TG_COND_LEU: return unordered || a <= b;
    case TG_COND_GTU: return unordered || a > b;
    case TG_COND_GEU: return unordered || a >= b;
    case TG_COND_NUM: return !unordered;
    default: return unordered;   /* NAN */
    }
}

static double round_mode(double x, int mode)
{
    switch (mode) {
    case TG_RND_RZ: return trunc(x);
    case TG_RND_RM: return floor(x);
    case TG_RND_RP: return ceil(x);
    default: return nearbyint(x);   /* the host's default mode: to nearest, ties to even */
    }
}

/* double (holding an exact integer) -> f32 with a rounding mode */
static float to_f32(double d, int mode)
{
    float f = (float)d;   /* nearest even */
    if (mode == TG_RND_RN || (double)f == d) return f;
    if (mode == TG_RND_RZ) return fabs((double)f) > fabs(d) ? nextafterf(f, 0.0f) : f;
    if (mode == TG_RND_RM) return (double)f > d ? nextafterf(f, -INFINITY) : f;
    return (double)f < d ? nextafterf(f, INFINITY) : f;
}

/* f32 -> f16 / bf16 bits, round to nearest even, NaN -> canonical 0x7fff */
static uint32_t f32_to_f16(uint32_t x)
{
    uint32_t sign = (x >> 16) & 0x8000, e = (x >> 23) & 0xff, m = x & 0x7fffff;
    if (e == 0xff) return m ? 0x7fff : sign | 0x7c00;
    int ex = (int)e - 127 + 15;
    if (ex >= 31) return sign | 0x7c00;
    if (ex <= 0) {   /* denormal or zero in f16 */
        if (ex < -10) return sign;
        m |= 0x800000;
        int shift = 14 - ex;
        uint32_t q = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1))) q++;
        return sign | q;
    }
    uint32_t q = (uint32_t)ex << 10 | m >> 13, rem = m & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (q & 1))) q++;   /* may carry into the exponent: correct */
    return sign | q;
}

static uint32_t f16_to_f32(uint32_t h)
{
    uint32_t sign = (h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e == 0x1f) return m ? CANON_NAN : sign | 0x7f800000;
    if (e == 0) {
        if (!m) return sign;
        int ex = 113;   /* normalize the denormal: 1 - 15 + 127 */
        while (!(m & 0x400)) { m <<= 1; ex--; }
        return sign | (uint32_t)ex << 23 | (m & 0x3ff) << 13;
    }
    return sign | (e + 112) << 23 | m << 13;
}

static uint32_t f32_to_bf16(uint32_t x)
{
    if ((x & 0x7fffffff) > 0x7f800000) return 0x7fff;
    uint32_t rem = x & 0xffff, q = x >> 16;
    if (rem > 0x8000 || (rem == 0x8000 && (q & 1))) q++;
    return q;
}

static uint32_t bf16_to_f32(uint32_t h)
{
    uint32_t x = (h & 0xffff) << 16;
    return (x & 0x7fffffff) > 0x7f800000 ? CANON_NAN : x;
}

static uint32_t f2int(uint32_t x, int mode, int is_signed)
{
    float f = f_of(x);
    if (f != f) return 0;
    double r = round_mode((double)f, mode);
    if (is_signed) {
        if (r <= -2147483648.0) return 0x80000000u;
        if (r >= 2147483647.0) return 0x7fffffffu;
        return (uint32_t)(int32_t)r;
    }
    if (r <= 0) return 0;
    if (r >= 4294967295.0) return 0xffffffffu;
    return (uint32_t)r;
}

int tg_exec_float(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t exec)
{
    uint32_t *d = tg_row(b, w, pi->rd_w);
    const uint32_t *A = tg_row(b, w, pi->ra), *B = tg_row(b, w, pi->rb), *C = tg_row(b, w, pi->rc);
    const uint32_t imm = pi->imm;
    const bool bi = pi->bimm;
#define BV(l) (bi ? imm : B[l])
#define FA(l) f_of(A[l])
#define FB(l) f_of(BV(l))
    switch (pi->op) {
    case TG_OP_FADD:  TG_FOR_LANES(exec, l) d[l] = canon(FA(l) + FB(l)); break;
    case TG_OP_FSUB:  TG_FOR_LANES(exec, l) d[l] = canon(FA(l) - FB(l)); break;
    case TG_OP_FMUL:  TG_FOR_LANES(exec, l) d[l] = canon(FA(l) * FB(l)); break;
    case TG_OP_FFMA:  TG_FOR_LANES(exec, l) d[l] = canon(fmaf(FA(l), f_of(B[l]), f_of(C[l]))); break;
    case TG_OP_FDIV:  TG_FOR_LANES(exec, l) d[l] = canon(FA(l) / FB(l)); break;
    case TG_OP_FSQRT: TG_FOR_LANES(exec, l) d[l] = canon(sqrtf(FA(l))); break;
    case TG_OP_FMIN:  TG_FOR_LANES(exec, l) d[l] = fminmax(A[l], BV(l), 0); break;
    case TG_OP_FMAX:  TG_FOR_LANES(exec, l) d[l] = fminmax(A[l], BV(l), 1); break;
    case TG_OP_FABS:  TG_FOR_LANES(exec, l) d[l] = A[l] & 0x7fffffffu; break;
    case TG_OP_FNEG:  TG_FOR_LANES(exec, l) d[l] = A[l] ^ 0x80000000u; break;
    case TG_OP_FRND:
        TG_FOR_LANES(exec, l) {
            float f = FA(l);
            d[l] = f != f ? CANON_NAN : isinf(f) ? A[l] : u_of(copysignf((float)round_mode((double)f, pi->mod), f));
        }
        break;
    case TG_OP_FSETP: {
        uint32_t v = 0;
        TG_FOR_LANES(exec, l) if (fcmp(pi->mod, FA(l), FB(l))) v |= 1u << l;
        if (pi->rd_num < TG_PT) w->pred[pi->rd_num] = (w->pred[pi->rd_num] & ~exec) | (v & exec);
        break;
    }
    case TG_OP_F2I:  TG_FOR_LANES(exec, l) d[l] = f2int(A[l], pi->mod, 1); break;
    case TG_OP_F2U:  TG_FOR_LANES(exec, l) d[l] = f2int(A[l], pi->mod, 0); break;
    case TG_OP_I2F:  TG_FOR_LANES(exec, l) d[l] = u_of(to_f32((double)(int32_t)A[l], pi->mod)); break;
    case TG_OP_U2F:  TG_FOR_LANES(exec, l) d[l] = u_of(to_f32((double)A[l], pi->mod)); break;
    case TG_OP_F2H:  TG_FOR_LANES(exec, l) d[l] = f32_to_f16(A[l]); break;
    case TG_OP_H2F:  TG_FOR_LANES(exec, l) d[l] = f16_to_f32(A[l] & 0xffff); break;
    case TG_OP_F2BF: TG_FOR_LANES(exec, l) d[l] = f32_to_bf16(A[l]); break;
    case TG_OP_BF2F: TG_FOR_LANES(exec, l) d[l] = bf16_to_f32(A[l]); break;
    default:
        return tg_block_fault(b, w, __builtin_ctz(exec), 0, TG_FAULT_ILLEGAL, TG_SPACE_NONE, 0,
                              "opcode 0x%02x reached the float unit", pi->op);
    }
#undef BV
#undef FA
#undef FB
    return TG_STEP_OK;
}
