/* exec_int.c: integer, bit, compare, predicate-logic, select and special-register instructions. */
#include "sim/exec_alu.h"

static inline uint32_t idiv(uint32_t a, uint32_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0) return 0xffffffffu;
    if (y == -1) return 0u - a; /* INT_MIN / -1 wraps to INT_MIN */
    return (uint32_t)(x / y);
}
static inline uint32_t irem(uint32_t a, uint32_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0) return a;
    if (y == -1) return 0;
    return (uint32_t)(x % y);
}
static inline uint32_t mask_n(uint32_t n) { return n >= 32 ? 0xffffffffu : (1u << n) - 1; }
static inline uint32_t bfe(uint32_t a, uint32_t b, uint32_t c, int sgn)
{
    uint32_t pos = b & 0xff, len = c & 0xff;
    if (len == 0) return 0;
    uint32_t avail = pos >= 32 ? 0 : 32 - pos, n = len < avail ? len : avail;
    uint32_t v = n ? (a >> pos) & mask_n(n) : 0;
    if (sgn) {
        uint32_t top = pos + len - 1 > 31 ? 31 : pos + len - 1;
        if (a >> top & 1) v |= ~mask_n(n);
    }
    return v;
}
static inline uint32_t bfi(uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t pos = c & 0xff, len = (c >> 8) & 0xff;
    if (len == 0 || pos >= 32) return b;
    uint32_t n = len < 32 - pos ? len : 32 - pos;
    uint32_t m = mask_n(n) << pos;
    return (b & ~m) | ((a << pos) & m);
}
static inline uint32_t prmt(uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t src = ((uint64_t)b << 32) | a;
    uint32_t r = 0;
    for (unsigned i = 0; i < 4; i++) {
        uint32_t sel = (c >> (4 * i)) & 0xf;
        uint32_t byte = (uint32_t)(src >> (8 * (sel & 7))) & 0xff;
        if (sel & 8) byte = (byte & 0x80) ? 0xff : 0;
        r |= byte << (8 * i);
    }
    return r;
}
static inline uint32_t brev(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
    return (x >> 16) | (x << 16);
}

static bool icmp(unsigned cond, int64_t a, int64_t b)
{
    switch (cond) {
    case TG_COND_EQ: return a == b;
    case TG_COND_NE: return a != b;
    case TG_COND_LT: return a < b;
    case TG_COND_LE: return a <= b;
    case TG_COND_GT: return a > b;
    default: return a >= b;
    }
}

static bool tg_fcmp(unsigned cond, float a, float b)
{
    bool un = a != a || b != b;
    switch (cond) {
    case TG_COND_EQ: return a == b;
    case TG_COND_NE: return !un && a != b;
    case TG_COND_LT: return a < b;
    case TG_COND_LE: return a <= b;
    case TG_COND_GT: return a > b;
    case TG_COND_GE: return a >= b;
    case TG_COND_EQU: return un || a == b;
    case TG_COND_NEU: return un || a != b;
    case TG_COND_LTU: return un || a < b;
    case TG_COND_LEU: return un || a <= b;
    case TG_COND_GTU: return un || a > b;
    case TG_COND_GEU: return un || a >= b;
    case TG_COND_NUM: return !un;
    default: return un;
    }
}

static void setp(tg_warp *w, const tg_dinst *d, uint32_t exec)
{
    const uint32_t *A = TG_ROW(w, d->a), *B = TG_ROW(w, d->b);
    uint32_t bits = 0;
    for (uint32_t m = exec; m; m &= m - 1) {
        unsigned l = (unsigned)__builtin_ctz(m);
        uint32_t a = A[l], b = d->in.bimm ? d->in.imm : B[l];
        bool r;
        if (d->in.op == TG_OP_ISETP) r = icmp(d->in.mod, (int32_t)a, (int32_t)b);
        else if (d->in.op == TG_OP_USETP) r = icmp(d->in.mod, a, b);
        else r = tg_fcmp(d->in.mod, tg_f(a), tg_f(b));
        bits |= (uint32_t)r << l;
    }
    uint32_t *p = &w->pred[d->in.rd & 7];
    *p = (*p & ~exec) | bits;
}

static void plog(tg_warp *w, const tg_dinst *d, uint32_t exec)
{
    uint32_t a = w->pred[d->in.ra & 7], b = w->pred[d->in.rb & 7], r;
    if (d->in.mod & 1) a = ~a;
    if (d->in.mod & 2) b = ~b;
    r = d->in.op == TG_OP_PAND ? a & b : d->in.op == TG_OP_POR ? a | b : a ^ b;
    uint32_t *p = &w->pred[d->in.rd & 7];
    *p = (*p & ~exec) | (r & exec);
}

static uint32_t sreg(tg_block *b, tg_warp *w, unsigned id, unsigned l)
{
    const tg_launch *L = b->l;
    uint32_t t = w->id * b->warp_size + l;
    uint64_t clk = b->sim->sm_clock[b->sm];
    switch (id) {
    case TG_SREG_TID_X: return t % L->block.x;
    case TG_SREG_TID_Y: return t / L->block.x % L->block.y;
    case TG_SREG_TID_Z: return t / L->block.x / L->block.y;
    case TG_SREG_NTID_X: return L->block.x;
    case TG_SREG_NTID_Y: return L->block.y;
    case TG_SREG_NTID_Z: return L->block.z;
    case TG_SREG_CTAID_X: return b->ctaid.x;
    case TG_SREG_CTAID_Y: return b->ctaid.y;
    case TG_SREG_CTAID_Z: return b->ctaid.z;
    case TG_SREG_NCTAID_X: return L->grid.x;
    case TG_SREG_NCTAID_Y: return L->grid.y;
    case TG_SREG_NCTAID_Z: return L->grid.z;
    case TG_SREG_LANEID: return l;
    case TG_SREG_WARPID: return w->id;
    case TG_SREG_NWARPID: return b->nwarps;
    case TG_SREG_SMID: return b->sm;
    case TG_SREG_NSMID: return b->sim->cfg.num_sms;
    case TG_SREG_CLOCK: return (uint32_t)clk;
    case TG_SREG_CLOCK_HI: return (uint32_t)(clk >> 32);
    case TG_SREG_WARPSZ: return b->warp_size;
    case TG_SREG_LANEMASK_EQ: return 1u << l;
    case TG_SREG_LANEMASK_LT: return (1u << l) - 1;
    case TG_SREG_LANEMASK_LE: return (uint32_t)((2ull << l) - 1);
    case TG_SREG_LANEMASK_GT: return ~(uint32_t)((2ull << l) - 1);
    default: return ~((1u << l) - 1); /* LANEMASK_GE */
    }
}

int tg_exec_float(tg_block *b, tg_warp *w, const tg_dinst *d, uint32_t exec);

int tg_exec_alu(tg_block *b, tg_warp *w, const tg_dinst *d, uint32_t exec)
{
    switch (d->in.op) {
    case TG_OP_MOV: TG_LANES(b, w, d, exec, B[l]); break;
    case TG_OP_S2R:
        for (uint32_t m = exec; m; m &= m - 1) {
            unsigned l = (unsigned)__builtin_ctz(m);
            TG_ROW(w, d->d)[l] = sreg(b, w, d->in.ra, l);
        }
        break;
    case TG_OP_SEL: {
        uint32_t p = w->pred[d->in.mod & 7];
        if (d->in.mod & 8) p = ~p;
        TG_LANES(b, w, d, exec, (p >> l & 1) ? A[l] : B[l]);
        break;
    }
    case TG_OP_IADD: TG_LANES(b, w, d, exec, A[l] + B[l]); break;
    case TG_OP_ISUB: TG_LANES(b, w, d, exec, A[l] - B[l]); break;
    case TG_OP_IMUL: TG_LANES(b, w, d, exec, A[l] * B[l]); break;
    case TG_OP_IMULHI:
        TG_LANES(b, w, d, exec, (uint32_t)((uint64_t)((int64_t)(int32_t)A[l] * (int32_t)B[l]) >> 32));
        break;
    case TG_OP_UMULHI: TG_LANES(b, w, d, exec, (uint32_t)(((uint64_t)A[l] * B[l]) >> 32)); break;
    case TG_OP_IMAD: TG_LANES(b, w, d, exec, A[l] * B[l] + C[l]); break;
    case TG_OP_IDIV: TG_LANES(b, w, d, exec, idiv(A[l], B[l])); break;
    case TG_OP_UDIV: TG_LANES(b, w, d, exec, B[l] ? A[l] / B[l] : 0xffffffffu); break;
    case TG_OP_IREM: TG_LANES(b, w, d, exec, irem(A[l], B[l])); break;
    case TG_OP_UREM: TG_LANES(b, w, d, exec, B[l] ? A[l] % B[l] : A[l]); break;
    case TG_OP_IMIN: TG_LANES(b, w, d, exec, (int32_t)A[l] < (int32_t)B[l] ? A[l] : B[l]); break;
    case TG_OP_IMAX: TG_LANES(b, w, d, exec, (int32_t)A[l] > (int32_t)B[l] ? A[l] : B[l]); break;
    case TG_OP_UMIN: TG_LANES(b, w, d, exec, A[l] < B[l] ? A[l] : B[l]); break;
    case TG_OP_UMAX: TG_LANES(b, w, d, exec, A[l] > B[l] ? A[l] : B[l]); break;
    case TG_OP_IABS: TG_LANES(b, w, d, exec, (int32_t)A[l] < 0 ? 0u - A[l] : A[l]); break;
    case TG_OP_INEG: TG_LANES(b, w, d, exec, 0u - A[l]); break;
    case TG_OP_AND: TG_LANES(b, w, d, exec, A[l] & B[l]); break;
    case TG_OP_OR: TG_LANES(b, w, d, exec, A[l] | B[l]); break;
    case TG_OP_XOR: TG_LANES(b, w, d, exec, A[l] ^ B[l]); break;
    case TG_OP_NOT: TG_LANES(b, w, d, exec, ~A[l]); break;
    case TG_OP_SHL: TG_LANES(b, w, d, exec, B[l] >= 32 ? 0 : A[l] << B[l]); break;
    case TG_OP_SHR: TG_LANES(b, w, d, exec, B[l] >= 32 ? 0 : A[l] >> B[l]); break;
    case TG_OP_SRA:
        TG_LANES(b, w, d, exec, (uint32_t)((int32_t)A[l] >> (B[l] >= 32 ? 31 : B[l])));
        break;
    case TG_OP_POPC: TG_LANES(b, w, d, exec, (uint32_t)__builtin_popcount(A[l])); break;
    case TG_OP_CLZ: TG_LANES(b, w, d, exec, A[l] ? (uint32_t)__builtin_clz(A[l]) : 32u); break;
    case TG_OP_BREV: TG_LANES(b, w, d, exec, brev(A[l])); break;
    case TG_OP_BFE: TG_LANES(b, w, d, exec, bfe(A[l], B[l], C[l], 0)); break;
    case TG_OP_BFES: TG_LANES(b, w, d, exec, bfe(A[l], B[l], C[l], 1)); break;
    case TG_OP_BFI: TG_LANES(b, w, d, exec, bfi(A[l], B[l], C[l])); break;
    case TG_OP_PRMT: TG_LANES(b, w, d, exec, prmt(A[l], B[l], C[l])); break;
    case TG_OP_SX8: TG_LANES(b, w, d, exec, (uint32_t)(int32_t)(int8_t)A[l]); break;
    case TG_OP_SX16: TG_LANES(b, w, d, exec, (uint32_t)(int32_t)(int16_t)A[l]); break;
    case TG_OP_ZX8: TG_LANES(b, w, d, exec, A[l] & 0xff); break;
    case TG_OP_ZX16: TG_LANES(b, w, d, exec, A[l] & 0xffff); break;
    case TG_OP_ISETP: case TG_OP_USETP: case TG_OP_FSETP: setp(w, d, exec); break;
    case TG_OP_PAND: case TG_OP_POR: case TG_OP_PXOR: plog(w, d, exec); break;
    default: return tg_exec_float(b, w, d, exec);
    }
    return 0;
}
