/* dis.c: the TG32 disassembler: instruction words -> assembler text that assembles back to the
 * same words (tests/unit/test_asm_roundtrip.c holds it to that for every opcode and modifier). */
#include "isa/asm.h"

#include <stdarg.h>
#include <string.h>

typedef struct out { char *buf; size_t n, len; } out;

static void emit(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if (o->n && o->len < o->n - 1) {
        size_t room = o->n - 1 - o->len, c = (size_t)k < room ? (size_t)k : room;
        memcpy(o->buf + o->len, tmp, c);
        o->buf[o->len + c] = 0;
    }
    o->len += (size_t)k;
}

static void reg(out *o, unsigned r) { if (r == TG_RZ) emit(o, "rz"); else emit(o, "r%u", r); }
static void pred(out *o, unsigned p, int neg) { emit(o, p == TG_PT ? "%spt" : "%sp%u", neg ? "!" : "", p); }

static int f32_operand(unsigned op)
{
    return op == TG_OP_FADD || op == TG_OP_FSUB || op == TG_OP_FMUL || op == TG_OP_FMIN ||
           op == TG_OP_FMAX || op == TG_OP_FDIV || op == TG_OP_FSETP;
}

/* Immediates print so they reassemble to the same bits: f32 operands as 0fXXXXXXXX, small
 * values in decimal, the rest in hex. */
static void imm(out *o, uint32_t v, int f32)
{
    if (f32) emit(o, "0f%08x", v);
    else if (v < 0x10000) emit(o, "%u", v);
    else if ((int32_t)v < 0 && (int32_t)v >= -0x10000) emit(o, "-%u", (unsigned)-(int32_t)v);
    else emit(o, "0x%x", v);
}

static void operand_b(out *o, const tg_inst *in, int f32)
{
    if (in->bimm) imm(o, in->imm, f32); else reg(o, in->rb);
}

static void mem(out *o, const tg_inst *in)
{
    emit(o, "[");
    int32_t off = (int32_t)in->imm;
    if (in->ra == TG_RZ) {
        imm(o, in->imm, 0);
    } else {
        reg(o, in->ra);
        if (off > 0) { emit(o, "+"); imm(o, (uint32_t)off, 0); }
        else if (off < 0) emit(o, "-%u", (unsigned)(0u - in->imm));
    }
    emit(o, "]");
}

int tg_dis_inst(const tg_inst *in, char *buf, size_t n)
{
    out o = { buf, n, 0 };
    if (n) buf[0] = 0;
    const tg_opinfo *oi = tg_opinfo_get(in->op);
    if (!oi) { emit(&o, ".word 0x%016llx", (unsigned long long)tg_encode(in)); return (int)o.len; }
    if (in->guard != TG_PT || in->guard_neg) { emit(&o, "@"); pred(&o, in->guard, in->guard_neg); emit(&o, " "); }
    emit(&o, "%s", oi->mnemonic);
    switch (oi->format) {
    case TG_FMT_SETP: emit(&o, ".%s", in->mod < TG_NUM_CONDS ? tg_cond_names[in->mod] : "?"); break;
    case TG_FMT_LD: case TG_FMT_ST: emit(&o, ".%s", in->mod < TG_NUM_WIDTHS ? tg_width_names[in->mod] : "?"); break;
    case TG_FMT_ATOM: emit(&o, ".%s", in->mod < TG_NUM_ATOMOPS ? tg_atomop_names[in->mod] : "?"); break;
    case TG_FMT_SHFL: emit(&o, ".%s", in->mod < TG_NUM_SHFL_MODES ? tg_shfl_mode_names[in->mod] : "?"); break;
    default:
        if (in->op == TG_OP_F2I || in->op == TG_OP_F2U || in->op == TG_OP_I2F || in->op == TG_OP_U2F || in->op == TG_OP_FRND)
            emit(&o, ".%s", tg_round_names[in->mod & 3]);
        break;
    }
    int f32 = f32_operand(in->op);
    switch (oi->format) {
    case TG_FMT_NONE: break;
    case TG_FMT_BRA: emit(&o, " %u", in->imm); break;
    case TG_FMT_BAR:
        emit(&o, " %u", in->imm);
        if (in->ra != TG_RZ) { emit(&o, ", "); reg(&o, in->ra); }
        break;
    case TG_FMT_RB: emit(&o, " "); reg(&o, in->rd); emit(&o, ", "); operand_b(&o, in, 0); break;
    case TG_FMT_RA: emit(&o, " "); reg(&o, in->rd); emit(&o, ", "); reg(&o, in->ra); break;
    case TG_FMT_RAB:
        emit(&o, " "); reg(&o, in->rd); emit(&o, ", "); reg(&o, in->ra); emit(&o, ", "); operand_b(&o, in, f32);
        break;
    case TG_FMT_RABC:
        emit(&o, " "); reg(&o, in->rd); emit(&o, ", "); reg(&o, in->ra); emit(&o, ", ");
        reg(&o, in->rb); emit(&o, ", "); reg(&o, in->rc);
        break;
    case TG_FMT_S2R:
        emit(&o, " "); reg(&o, in->rd);
        emit(&o, ", %%%s", in->ra < TG_NUM_SREGS ? tg_sreg_names[in->ra] : "?");
        break;
    case TG_FMT_SEL:
        emit(&o, " "); reg(&o, in->rd); emit(&o, ", "); reg(&o, in->ra); emit(&o, ", "); operand_b(&o, in, 0);
        emit(&o, ", "); pred(&o, in->mod & 7, in->mod & 8);
        break;
    case TG_FMT_SETP:
        emit(&o, " "); pred(&o, in->rd & 7, 0); emit(&o, ", "); reg(&o, in->ra); emit(&o, ", "); operand_b(&o, in, f32);
        break;
    case TG_FMT_PLOG:
        emit(&o, " "); pred(&o, in->rd & 7, 0); emit(&o, ", "); pred(&o, in->ra & 7, in->mod & 1);
        emit(&o, ", "); pred(&o, in->rb & 7, in->mod & 2);
        break;
    case TG_FMT_LD: emit(&o, " "); reg(&o, in->rd); emit(&o, ", "); mem(&o, in); break;
    case TG_FMT_ST: emit(&o, " "); mem(&o, in); emit(&o, ", "); reg(&o, in->rd); break;
    case TG_FMT_ATOM:
        emit(&o, " "); reg(&o, in->rd); emit(&o, ", ["); reg(&o, in->ra); emit(&o, "], "); reg(&o, in->rb);
        if (in->mod == TG_ATOM_CAS) { emit(&o, ", "); reg(&o, in->rc); }
        break;
    case TG_FMT_SHFL:
        emit(&o, " "); reg(&o, in->rd);
        if ((in->ext & 7) != TG_PT) { emit(&o, "|"); pred(&o, in->ext & 7, 0); }
        emit(&o, ", "); reg(&o, in->ra); emit(&o, ", "); reg(&o, in->rb); emit(&o, ", "); reg(&o, in->rc);
        break;
    case TG_FMT_VOTEP:
        emit(&o, " "); pred(&o, in->rd & 7, 0); emit(&o, ", "); pred(&o, in->ra & 7, in->mod & 1);
        break;
    case TG_FMT_VOTER:
        emit(&o, " "); reg(&o, in->rd); emit(&o, ", "); pred(&o, in->ra & 7, in->mod & 1);
        break;
    }
    return (int)o.len;
}

int tg_dis_module(const tg_module *m, FILE *f)
{
    for (uint32_t k = 0; k < m->nkernels; k++) {
        const tg_kernel *kn = &m->kernels[k];
        fprintf(f, "%s.kernel %s\n", k ? "\n" : "", kn->name);
        for (uint32_t i = 0; i < kn->nparams; i++)
            fprintf(f, ".param %s %u\n", kn->params[i].name, kn->params[i].size);
        uint32_t shared_at = 0;
        for (uint32_t i = 0; i < kn->nshared_syms; i++) {
            /* an alignment that puts the symbol back at its offset: 1 when it follows the previous
             * one directly, else the largest power of two (<= 4096) dividing the offset */
            uint32_t off = kn->shared_syms[i].offset, align = 4096;
            if (off == shared_at) align = 1;
            else while (align > 1 && (off % align)) align /= 2;
            fprintf(f, ".shared %s %u %u\n", kn->shared_syms[i].name, kn->shared_syms[i].size, align);
            shared_at = off + kn->shared_syms[i].size;
        }
        if (kn->local_bytes) fprintf(f, ".local %u\n", kn->local_bytes);
        fprintf(f, ".regs %u\n", kn->nregs);
        for (uint32_t pc = kn->entry; pc < kn->end; pc++) {
            tg_inst in;
            const char *why;
            char text[160];
            if (tg_decode(m->code[pc], &in, &why) != 0) {
                fprintf(stderr, "%s: pc %u: illegal instruction 0x%016llx (%s)\n", m->source, pc,
                        (unsigned long long)m->code[pc], why);
                return -1;
            }
            tg_dis_inst(&in, text, sizeof text);
            fprintf(f, "    %-40s // %u\n", text, pc);
        }
    }
    return ferror(f) ? -1 : 0;
}
