/* exec_int.c: integer, bit, compare-into-predicate, predicate-logic, select and special-register
 * instructions. All integer arithmetic wraps modulo 2^32; the edge cases (division by zero, shifts
 * of 32 or more, bit fields past bit 31) are defined in docs/isa-semantics.md and follow PTX. */
#include "sim/core.h"

#include <limits.h>

static uint32_t bfe(uint32_t a, uint32_t b, uint32_t c, int is_signed)
{
    uint32_t pos = b & 0xff, len = c & 0xff;
    if (len == 0) return 0;
    uint32_t msb = pos + len - 1 > 31 ? 31 : pos + len - 1;
    uint32_t sbit = is_signed ? (pos > 31 ? a >> 31 : (a >> msb) & 1) : 0;
    uint32_t d = 0;
    for (uint32_t i = 0; i < 32; i++) {
        uint32_t bit = (i < len && pos + i <= 31) ? (a >> (pos + i)) & 1 : sbit;
        d |= bit << i;
    }
    return d;
}

static uint32_t bfi(uint32_t a, uint32_t base, uint32_t c)
{
    uint32_t pos = c & 0xff, len = (c >> 8) & 0xff, d = base;
    for (uint32_t i = 0; i < len && pos + i <= 31; i++)
        d = (d & ~(1u << (pos + i))) | (((a >> i) & 1) << (pos + i));
    return d;
}

/* PTX prmt.b32 default mode: bytes 0-3 come from a, 4-7 from b; each selector nibble picks a
 * byte (bits 2:0) and bit 3 replicates that byte's sign bit instead. */
static uint32_t prmt(uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t bytes = (uint64_t)b << 32 | a;
    uint32_t d = 0;
    for (int i = 0; i < 4; i++) {
        uint32_t sel = (c >> (4 * i)) & 15;
        uint32_t byte = (uint32_t)(bytes >> (8 * (sel & 7))) & 0xff;
        if (sel & 8) byte = (byte & 0x80) ? 0xff : 0;
        d |= byte << (8 * i);
    }
    return d;
}

static uint32_t brev(uint32_t x)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i++) r |= ((x >> i) & 1u) << (31 - i);
    return r;
}

static int icmp(int cond, int64_t a, int64_t b)
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

static uint32_t sreg(tg_block *b, tg_warp *w, unsigned id, uint32_t lane)
{
    uint32_t t = w->id * b->warp_size + lane;   /* linear thread index in the block */
    switch (id) {
    case TG_SREG_TID_X: return t % b->dim.x;
    case TG_SREG_TID_Y: return t / b->dim.x % b->dim.y;
    case TG_SREG_TID_Z: return t / (b->dim.x * b->dim.y);
    case TG_SREG_NTID_X: return b->dim.x;
    case TG_SREG_NTID_Y: return b->dim.y;
    case TG_SREG_NTID_Z: return b->dim.z;
    case TG_SREG_CTAID_X: return b->idx.x;
    case TG_SREG_CTAID_Y: return b->idx.y;
    case TG_SREG_CTAID_Z: return b->idx.z;
    case TG_SREG_NCTAID_X: return b->grid.x;
    case TG_SREG_NCTAID_Y: return b->grid.y;
    case TG_SREG_NCTAID_Z: return b->grid.z;
    case TG_SREG_LANEID: return lane;
    case TG_SREG_WARPID: return w->id;
    case TG_SREG_NWARPID: return b->nwarps;
    case TG_SREG_SMID: return b->smid;
    case TG_SREG_NSMID: return b->nsms;
    case TG_SREG_CLOCK: return (uint32_t)*b->clock;
    case TG_SREG_CLOCK_HI: return (uint32_t)(*b->clock >> 32);
    case TG_SREG_WARPSZ: return b->warp_size;
    case TG_SREG_LANEMASK_EQ: return 1u << lane;
    case TG_SREG_LANEMASK_LT: return (1u << lane) - 1;
    case TG_SREG_LANEMASK_LE: return lane == 31 ? 0xffffffffu : (2u << lane) - 1;
    case TG_SREG_LANEMASK_GT: return lane == 31 ? 0 : ~((2u << lane) - 1);
    default: return ~((1u << lane) - 1);   /* LANEMASK_GE */
    }
}

static void set_pred(tg_warp *w, unsigned p, uint32_t exec, uint32_t value)
{
    if (p >= TG_PT) return;
    w->pred[p] = (w->pred[p] & ~exec) | (value & exec);
}

int tg_exec_int(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t exec)
{
    uint32_t *d = tg_row(b, w, pi->rd_w);
    const uint32_t *A = tg_row(b, w, pi->ra), *B = tg_row(b, w, pi->rb), *C = tg_row(b, w, pi->rc);
    const uint32_t imm = pi->imm;
    const bool bi = pi->bimm;
#define BV(l) (bi ? imm : B[l])
    switch (pi->op) {
    case TG_OP_MOV:    TG_FOR_LANES(exec, l) d[l] = BV(l); break;
    case TG_OP_IADD:   TG_FOR_LANES(exec, l) d[l] = A[l] + BV(l); break;
    case TG_OP_ISUB:   TG_FOR_LANES(exec, l) d[l] = A[l] - BV(l); break;
    case TG_OP_IMUL:   TG_FOR_LANES(exec, l) d[l] = A[l] * BV(l); break;
    case TG_OP_IMULHI: TG_FOR_LANES(exec, l) d[l] = (uint32_t)((uint64_t)((int64_t)(int32_t)A[l] * (int32_t)BV(l)) >> 32); break;
    case TG_OP_UMULHI: TG_FOR_LANES(exec, l) d[l] = (uint32_t)(((uint64_t)A[l] * BV(l)) >> 32); break;
    case TG_OP_IMAD:   TG_FOR_LANES(exec, l) d[l] = A[l] * B[l] + C[l]; break;
    case TG_OP_IDIV:
        TG_FOR_LANES(exec, l) {
            int32_t x = (int32_t)A[l], y = (int32_t)BV(l);
            d[l] = y == 0 ? 0xffffffffu : (x == INT_MIN && y == -1) ? (uint32_t)INT_MIN : (uint32_t)(x / y);
        }
        break;
    case TG_OP_UDIV:   TG_FOR_LANES(exec, l) { uint32_t y = BV(l); d[l] = y ? A[l] / y : 0xffffffffu; } break;
    case TG_OP_IREM:
        TG_FOR_LANES(exec, l) {
            int32_t x = (int32_t)A[l], y = (int32_t)BV(l);
            d[l] = y == 0 ? (uint32_t)x : (x == INT_MIN && y == -1) ? 0 : (uint32_t)(x % y);
        }
        break;
    case TG_OP_UREM:   TG_FOR_LANES(exec, l) { uint32_t y = BV(l); d[l] = y ? A[l] % y : A[l]; } break;
    case TG_OP_IMIN:   TG_FOR_LANES(exec, l) d[l] = (int32_t)A[l] < (int32_t)BV(l) ? A[l] : BV(l); break;
    case TG_OP_IMAX:   TG_FOR_LANES(exec, l) d[l] = (int32_t)A[l] > (int32_t)BV(l) ? A[l] : BV(l); break;
    case TG_OP_UMIN:   TG_FOR_LANES(exec, l) d[l] = A[l] < BV(l) ? A[l] : BV(l); break;
    case TG_OP_UMAX:   TG_FOR_LANES(exec, l) d[l] = A[l] > BV(l) ? A[l] : BV(l); break;
    case TG_OP_IABS:   TG_FOR_LANES(exec, l) d[l] = (int32_t)A[l] < 0 ? 0u - A[l] : A[l]; break;
    case TG_OP_INEG:   TG_FOR_LANES(exec, l) d[l] = 0u - A[l]; break;
    case TG_OP_AND:    TG_FOR_LANES(exec, l) d[l] = A[l] & BV(l); break;
    case TG_OP_OR:     TG_FOR_LANES(exec, l) d[l] = A[l] | BV(l); break;
    case TG_OP_XOR:    TG_FOR_LANES(exec, l) d[l] = A[l] ^ BV(l); break;
    case TG_OP_NOT:    TG_FOR_LANES(exec, l) d[l] = ~A[l]; break;
    case TG_OP_SHL:    TG_FOR_LANES(exec, l) { uint32_t s = BV(l); d[l] = s >= 32 ? 0 : A[l] << s; } break;
    case TG_OP_SHR:    TG_FOR_LANES(exec, l) { uint32_t s = BV(l); d[l] = s >= 32 ? 0 : A[l] >> s; } break;
    case TG_OP_SRA:
        TG_FOR_LANES(exec, l) {
            uint32_t s = BV(l), x = A[l], sign = (x & 0x80000000u) ? 0xffffffffu : 0;
            d[l] = s >= 32 ? sign : s == 0 ? x : (x >> s) | (sign << (32 - s));
        }
        break;
    case TG_OP_POPC:   TG_FOR_LANES(exec, l) d[l] = (uint32_t)__builtin_popcount(A[l]); break;
    case TG_OP_CLZ:    TG_FOR_LANES(exec, l) d[l] = A[l] ? (uint32_t)__builtin_clz(A[l]) : 32; break;
    case TG_OP_BREV:   TG_FOR_LANES(exec, l) d[l] = brev(A[l]); break;
    case TG_OP_BFE:    TG_FOR_LANES(exec, l) d[l] = bfe(A[l], B[l], C[l], 0); break;
    case TG_OP_BFES:   TG_FOR_LANES(exec, l) d[l] = bfe(A[l], B[l], C[l], 1); break;
    case TG_OP_BFI:    TG_FOR_LANES(exec, l) d[l] = bfi(A[l], B[l], C[l]); break;
    case TG_OP_PRMT:   TG_FOR_LANES(exec, l) d[l] = prmt(A[l], B[l], C[l]); break;
    case TG_OP_SX8:    TG_FOR_LANES(exec, l) d[l] = (uint32_t)(int32_t)(int8_t)A[l]; break;
    case TG_OP_SX16:   TG_FOR_LANES(exec, l) d[l] = (uint32_t)(int32_t)(int16_t)A[l]; break;
    case TG_OP_ZX8:    TG_FOR_LANES(exec, l) d[l] = A[l] & 0xff; break;
    case TG_OP_ZX16:   TG_FOR_LANES(exec, l) d[l] = A[l] & 0xffff; break;
    case TG_OP_S2R:    TG_FOR_LANES(exec, l) d[l] = sreg(b, w, pi->ra_num, l); break;
    case TG_OP_SEL: {
        uint32_t p = w->pred[pi->mod & 7];
        if (pi->mod & 8) p = ~p;
        TG_FOR_LANES(exec, l) d[l] = (p >> l) & 1 ? A[l] : BV(l);
        break;
    }
    case TG_OP_ISETP: case TG_OP_USETP: {
        uint32_t v = 0;
        TG_FOR_LANES(exec, l) {
            int64_t x = pi->op == TG_OP_ISETP ? (int64_t)(int32_t)A[l] : (int64_t)A[l];
            int64_t y = pi->op == TG_OP_ISETP ? (int64_t)(int32_t)BV(l) : (int64_t)BV(l);
            if (icmp(pi->mod, x, y)) v |= 1u << l;
        }
        set_pred(w, pi->rd_num, exec, v);
        break;
    }
    case TG_OP_PAND: case TG_OP_POR: case TG_OP_PXOR: {
        uint32_t x = w->pred[pi->ra_num & 7], y = w->pred[pi->rb_num & 7];
        if (pi->mod & 1) x = ~x;
        if (pi->mod & 2) y = ~y;
        uint32_t v = pi->op == TG_OP_PAND ? x & y : pi->op == TG_OP_POR ? x | y : x ^ y;
        set_pred(w, pi->rd_num, exec, v);
        break;
    }
    default:
        return tg_block_fault(b, w, __builtin_ctz(exec), 0, TG_FAULT_ILLEGAL, TG_SPACE_NONE, 0,
                              "opcode 0x%02x reached the integer unit", pi->op);
    }
#undef BV
    return TG_STEP_OK;
}
