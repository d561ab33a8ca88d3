/* exec_mem.c: loads, stores and atomics on the four memory spaces, with alignment and bounds
 * checks. Every exec lane is checked before any lane's access is made, so a faulting instruction
 * changes nothing; atomics apply lane by lane in lane order. */
#include <stdio.h>

#include "sim/exec_alu.h"

static int op_space(unsigned op)
{
    switch (op) {
    case TG_OP_LDG: case TG_OP_STG: case TG_OP_ATOMG: return TG_SPACE_GLOBAL;
    case TG_OP_LDS: case TG_OP_STS: case TG_OP_ATOMS: return TG_SPACE_SHARED;
    case TG_OP_LDL: case TG_OP_STL: return TG_SPACE_LOCAL;
    default: return TG_SPACE_PARAM;
    }
}

/* Resolves one lane's access, or faults. */
static uint8_t *resolve(tg_block *b, tg_warp *w, const tg_dinst *d, unsigned l, int space,
                        uint32_t addr, unsigned width)
{
    const tg_opinfo *oi = tg_opinfo_get(d->in.op);
    const char *wname = d->in.op >= TG_OP_ATOMG ? tg_atomop_names[d->in.mod]
                                                : tg_width_names[d->in.mod];
    uint32_t pc = w->pc[l];
    if (addr % width) {
        tg_block_fault(b, w, l, pc, TG_FAULT_MISALIGNED, space, addr,
                       "%s.%s of %u bytes needs %u-byte alignment", oi->mnemonic, wname, width,
                       width);
        return NULL;
    }
    uint8_t *p = NULL;
    uint64_t end = (uint64_t)addr + width, size = 0;
    switch (space) {
    case TG_SPACE_GLOBAL:
        p = tg_global_ptr(b->sim, addr, width);
        if (!p) {
            char near[96];
            tg_global_describe(b->sim, addr, near, sizeof near);
            tg_block_fault(b, w, l, pc, TG_FAULT_OOB, space, addr, "%s.%s of %u bytes; %s",
                           oi->mnemonic, wname, width, near);
        }
        return p;
    case TG_SPACE_SHARED:
        size = b->shared_bytes;
        if (end <= size) p = b->shared + addr;
        break;
    case TG_SPACE_LOCAL:
        size = b->k->local_bytes;
        if (end <= size)
            p = b->local + (size_t)(w->id * b->warp_size + l) * b->k->local_bytes + addr;
        break;
    default:
        size = b->l->param_bytes;
        if (end <= size) p = (uint8_t *)(uintptr_t)b->l->params + addr;
        break;
    }
    if (!p)
        tg_block_fault(b, w, l, pc, TG_FAULT_OOB, space, addr, "%s.%s of %u bytes; space is %llu bytes",
                       oi->mnemonic, wname, width, (unsigned long long)size);
    return p;
}

static uint32_t atom_apply(unsigned op, uint32_t old, uint32_t b, uint32_t c)
{
    switch (op) {
    case TG_ATOM_ADD: return old + b;
    case TG_ATOM_FADD: return tg_canon(tg_f(old) + tg_f(b));
    case TG_ATOM_SMIN: return (int32_t)old < (int32_t)b ? old : b;
    case TG_ATOM_SMAX: return (int32_t)old > (int32_t)b ? old : b;
    case TG_ATOM_UMIN: return old < b ? old : b;
    case TG_ATOM_UMAX: return old > b ? old : b;
    case TG_ATOM_EXCH: return b;
    case TG_ATOM_CAS: return old == b ? c : old;
    case TG_ATOM_AND: return old & b;
    case TG_ATOM_OR: return old | b;
    case TG_ATOM_XOR: return old ^ b;
    case TG_ATOM_INC: return old >= b ? 0 : old + 1;
    default: return (old == 0 || old > b) ? b : old - 1; /* DEC */
    }
}

int tg_exec_mem(tg_block *b, tg_warp *w, const tg_dinst *d, uint32_t exec, tg_step_info *info)
{
    unsigned op = d->in.op;
    int space = op_space(op);
    bool atom = op == TG_OP_ATOMG || op == TG_OP_ATOMS;
    bool store = op == TG_OP_STG || op == TG_OP_STS || op == TG_OP_STL;
    unsigned width = atom ? 4 : tg_width_bytes(d->in.mod);
    uint32_t imm = atom ? 0 : d->in.imm;
    const uint32_t *A = TG_ROW(w, d->a);
    uint8_t *ptr[32];
    for (uint32_t m = exec; m; m &= m - 1) {
        unsigned l = (unsigned)__builtin_ctz(m);
        uint32_t addr = A[l] + imm;
        if (info) info->addr[l] = addr;
        if (!(ptr[l] = resolve(b, w, d, l, space, addr, width))) return -1;
    }
    if (info) { info->space = space; info->width = width; }
    if (atom) {
        uint32_t *D = TG_ROW(w, d->d);
        const uint32_t *B = TG_ROW(w, d->b), *C = TG_ROW(w, d->c);
        for (uint32_t m = exec; m; m &= m - 1) {
            unsigned l = (unsigned)__builtin_ctz(m);
            uint32_t old, nv;
            memcpy(&old, ptr[l], 4);
            nv = atom_apply(d->in.mod, old, B[l], C[l]);
            memcpy(ptr[l], &nv, 4);
            D[l] = old;
        }
        return 0;
    }
    unsigned nregs = width > 4 ? width / 4 : 1;
    bool rz = d->in.rd == TG_RZ;
    for (uint32_t m = exec; m; m &= m - 1) {
        unsigned l = (unsigned)__builtin_ctz(m);
        if (store) {
            for (unsigned i = 0; i < nregs; i++) {
                uint32_t v = TG_ROW(w, d->d + (rz ? 0 : i))[l];
                memcpy(ptr[l] + 4 * i, &v, width < 4 ? width : 4);
            }
            continue;
        }
        if (width >= 4) {
            for (unsigned i = 0; i < nregs; i++) {
                uint32_t v;
                memcpy(&v, ptr[l] + 4 * i, 4);
                TG_ROW(w, d->d + (rz ? 0 : i))[l] = v;
            }
            continue;
        }
        uint32_t v;
        switch (d->in.mod) {
        case TG_W_U8: v = ptr[l][0]; break;
        case TG_W_S8: v = (uint32_t)(int32_t)(int8_t)ptr[l][0]; break;
        case TG_W_U16: { uint16_t h; memcpy(&h, ptr[l], 2); v = h; break; }
        default: { int16_t h; memcpy(&h, ptr[l], 2); v = (uint32_t)(int32_t)h; break; }
        }
        TG_ROW(w, d->d)[l] = v;
    }
    return 0;
}
