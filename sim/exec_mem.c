/* exec_mem.c: loads, stores and atomics in the four memory spaces. Every lane's address is checked
 * (alignment to the access width, then bounds: global against the live allocations, shared against
 * the block's shared size, local against the thread's local size, param against the parameter
 * block); the first failing lane, in lane order, stops the launch with its address in the report.
 * Atomics apply lane by lane in lane order, so contended results are deterministic. */
#include "sim/core.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const space_word[] = { "", "global", "shared", "local", "param" };

/* Host pointer for `bytes` at `addr` of lane l in the instruction's space, or NULL after a fault. */
static uint8_t *resolve(tg_block *b, tg_warp *w, uint32_t pc, uint32_t l, int space, uint32_t addr,
                        unsigned bytes, int store)
{
    const char *what = store == 2 ? "atomic" : store ? "store" : "load";
    if (addr % bytes)
        return tg_block_fault(b, w, (int)l, pc, TG_FAULT_MISALIGNED, space, addr,
                              "%u-byte %s %s at an address that is not a multiple of %u", bytes,
                              space_word[space], what, bytes), NULL;
    switch (space) {
    case TG_SPACE_GLOBAL:
        if (tg_mem_valid(b->sim, addr, bytes)) return b->sim->mem + addr;
        {
            char near[128];
            tg_mem_describe(b->sim, addr, near, sizeof near);
            tg_block_fault(b, w, (int)l, pc, TG_FAULT_OOB, space, addr, "%u-byte global %s outside every allocation; %s",
                           bytes, what, near);
        }
        return NULL;
    case TG_SPACE_SHARED:
        if ((uint64_t)addr + bytes <= b->shared_bytes) return b->shared + addr;
        tg_block_fault(b, w, (int)l, pc, TG_FAULT_OOB, space, addr, "%u-byte shared %s past the block's %u shared bytes",
                       bytes, what, b->shared_bytes);
        return NULL;
    case TG_SPACE_LOCAL:
        if ((uint64_t)addr + bytes <= b->local_bytes)
            return b->local + (size_t)(w->id * b->warp_size + l) * b->local_bytes + addr;
        tg_block_fault(b, w, (int)l, pc, TG_FAULT_OOB, space, addr, "%u-byte local %s past the thread's %u local bytes",
                       bytes, what, b->local_bytes);
        return NULL;
    default:
        if ((uint64_t)addr + bytes <= b->param_bytes) return (uint8_t *)(uintptr_t)(b->params + addr);
        tg_block_fault(b, w, (int)l, pc, TG_FAULT_OOB, space, addr, "%u-byte param load past the %u-byte parameter block",
                       bytes, b->param_bytes);
        return NULL;
    }
}

static int space_of(unsigned op)
{
    switch (op) {
    case TG_OP_LDG: case TG_OP_STG: case TG_OP_ATOMG: return TG_SPACE_GLOBAL;
    case TG_OP_LDS: case TG_OP_STS: case TG_OP_ATOMS: return TG_SPACE_SHARED;
    case TG_OP_LDL: case TG_OP_STL: return TG_SPACE_LOCAL;
    default: return TG_SPACE_PARAM;
    }
}

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static uint32_t atomic_op(int op, uint32_t old, uint32_t b, uint32_t c)
{
    switch (op) {
    case TG_ATOM_ADD: return old + b;
    case TG_ATOM_FADD: {
        float x, y, r;
        memcpy(&x, &old, 4); memcpy(&y, &b, 4);
        r = x + y;
        uint32_t u;
        memcpy(&u, &r, 4);
        return r != r ? 0x7fffffffu : u;
    }
    case TG_ATOM_SMIN: return (int32_t)b < (int32_t)old ? b : old;
    case TG_ATOM_SMAX: return (int32_t)b > (int32_t)old ? b : old;
    case TG_ATOM_UMIN: return b < old ? b : old;
    case TG_ATOM_UMAX: return b > old ? b : old;
    case TG_ATOM_EXCH: return b;
    case TG_ATOM_CAS: return old == b ? c : old;
    case TG_ATOM_AND: return old & b;
    case TG_ATOM_OR: return old | b;
    case TG_ATOM_XOR: return old ^ b;
    case TG_ATOM_INC: return old >= b ? 0 : old + 1;
    default: return (old == 0 || old > b) ? b : old - 1;   /* DEC */
    }
}

int tg_exec_mem(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t pc, uint32_t exec, tg_step_info *info)
{
    int space = space_of(pi->op);
    const uint32_t *A = tg_row(b, w, pi->ra);
    if (pi->format == TG_FMT_ATOM) {
        const uint32_t *B = tg_row(b, w, pi->rb), *C = tg_row(b, w, pi->rc);
        uint32_t *d = tg_row(b, w, pi->rd_w);
        if (info) { info->space = space; info->bytes = 4; }
        TG_FOR_LANES(exec, l) {
            uint32_t addr = A[l];
            if (info) info->addr[l] = addr;
            uint8_t *p = resolve(b, w, pc, l, space, addr, 4, 2);
            if (!p) return TG_STEP_FAULT;
            uint32_t old = rd32(p);
            wr32(p, atomic_op(pi->mod, old, B[l], C[l]));
            d[l] = old;
        }
        return TG_STEP_OK;
    }
    unsigned bytes = tg_width_bytes(pi->mod), nregs = bytes > 4 ? bytes / 4 : 1;
    int store = pi->format == TG_FMT_ST;
    if (store && space == TG_SPACE_PARAM)
        return tg_block_fault(b, w, __builtin_ctz(exec), pc, TG_FAULT_ILLEGAL, space, A[__builtin_ctz(exec)] + pi->imm,
                              "store to the read-only parameter space");
    if (info) { info->space = space; info->bytes = bytes; }
    TG_FOR_LANES(exec, l) {
        uint32_t addr = A[l] + pi->imm;
        if (info) info->addr[l] = addr;
        uint8_t *p = resolve(b, w, pc, l, space, addr, bytes, store);
        if (!p) return TG_STEP_FAULT;
        if (store) {
            if (bytes < 4) {
                uint32_t v = tg_row(b, w, pi->rd_r)[l];
                memcpy(p, &v, bytes);   /* little-endian: the low bytes */
            } else {
                for (unsigned i = 0; i < nregs; i++)
                    wr32(p + 4 * i, pi->rd_num == TG_RZ ? 0 : tg_row(b, w, pi->rd_r + i)[l]);
            }
        } else {
            switch (pi->mod) {
            case TG_W_U8: tg_row(b, w, pi->rd_w)[l] = p[0]; break;
            case TG_W_S8: tg_row(b, w, pi->rd_w)[l] = (uint32_t)(int32_t)(int8_t)p[0]; break;
            case TG_W_U16: { uint16_t h; memcpy(&h, p, 2); tg_row(b, w, pi->rd_w)[l] = h; break; }
            case TG_W_S16: { int16_t h; memcpy(&h, p, 2); tg_row(b, w, pi->rd_w)[l] = (uint32_t)(int32_t)h; break; }
            default:
                for (unsigned i = 0; i < nregs; i++)
                    tg_row(b, w, pi->rd_num == TG_RZ ? pi->rd_w : pi->rd_w + i)[l] = rd32(p + 4 * i);
                break;
            }
        }
    }
    return TG_STEP_OK;
}
