/* isa.c: the TG32 table as data, and the instruction word encoder/decoder.
 * The decoder is strict on purpose: the simulator and the RTL reject the same words as illegal. */
#include "isa/isa.h"

#include <string.h>

const tg_opinfo tg_opinfo_table[] = {
#define TG_OP(NAME, MN, CODE, FMT, LAT, SEM) \
    { #NAME, MN, CODE, TG_FMT_##FMT, TG_LAT_##LAT, SEM },
#include "isa/tg32.def"
#undef TG_OP
};
const unsigned tg_opinfo_count = sizeof tg_opinfo_table / sizeof tg_opinfo_table[0];

/* opcode -> table index + 1 (0 = undefined), built at compile time from the same table. */
enum {
#define TG_OP(NAME, MN, CODE, FMT, LAT, SEM) TG_OPIDX_##NAME,
#include "isa/tg32.def"
#undef TG_OP
};
static const uint8_t opcode_slot[TG_NUM_OPCODES] = {
#define TG_OP(NAME, MN, CODE, FMT, LAT, SEM) [CODE] = 1 + TG_OPIDX_##NAME,
#include "isa/tg32.def"
#undef TG_OP
};

const char *const tg_cond_names[TG_NUM_CONDS] = {
    "eq", "ne", "lt", "le", "gt", "ge", "equ", "neu", "ltu", "leu", "gtu", "geu", "num", "nan"
};
const char *const tg_width_names[TG_NUM_WIDTHS] = { "u8", "s8", "u16", "s16", "b32", "b64", "b128" };
const char *const tg_round_names[TG_NUM_ROUNDS] = { "rn", "rz", "rm", "rp" };
const char *const tg_atomop_names[TG_NUM_ATOMOPS] = {
    "add", "fadd", "smin", "smax", "umin", "umax", "exch", "cas", "and", "or", "xor", "inc", "dec"
};
const char *const tg_shfl_mode_names[TG_NUM_SHFL_MODES] = { "idx", "up", "down", "bfly" };
const char *const tg_sreg_names[TG_NUM_SREGS] = {
#define TG_SREG_STR(NAME, STR) STR,
    TG_SREG_LIST(TG_SREG_STR)
#undef TG_SREG_STR
};
const char *const tg_format_names[TG_NUM_FORMATS] = {
    "none", "bra", "bar", "rb", "ra", "rab", "rabc", "s2r", "sel", "setp", "plog",
    "ld", "st", "atom", "shfl", "votep", "voter"
};
const char *const tg_latency_names[TG_NUM_LATENCIES] = {
    "alu", "imul", "idiv", "fma", "fdiv", "sfu", "conv", "mem", "shared", "ctrl"
};

const tg_opinfo *tg_opinfo_get(unsigned opcode)
{
    if (opcode >= TG_NUM_OPCODES || !opcode_slot[opcode]) return NULL;
    return &tg_opinfo_table[opcode_slot[opcode] - 1];
}

const tg_opinfo *tg_opinfo_find(const char *mnemonic, unsigned len)
{
    for (unsigned i = 0; i < tg_opinfo_count; i++) {
        const char *m = tg_opinfo_table[i].mnemonic;
        if (strlen(m) == len && memcmp(m, mnemonic, len) == 0) return &tg_opinfo_table[i];
    }
    return NULL;
}

unsigned tg_width_bytes(unsigned width)
{
    static const unsigned bytes[TG_NUM_WIDTHS] = { 1, 1, 2, 2, 4, 8, 16 };
    return width < TG_NUM_WIDTHS ? bytes[width] : 0;
}

bool tg_format_has_b(unsigned format)
{
    return format == TG_FMT_RB || format == TG_FMT_RAB || format == TG_FMT_SEL ||
           format == TG_FMT_SETP;
}

uint64_t tg_encode(const tg_inst *in)
{
    uint32_t lo = (uint32_t)(in->op & 0x7f) | (uint32_t)(in->bimm ? 1u : 0u) << 7 |
                  (uint32_t)(in->guard & 7) << 8 | (uint32_t)(in->guard_neg ? 1u : 0u) << 11 |
                  (uint32_t)in->rd << 12 | (uint32_t)in->ra << 20 | (uint32_t)(in->mod & 15) << 28;
    uint32_t hi = in->bimm ? in->imm
                           : (uint32_t)in->rb | (uint32_t)in->rc << 8 | (uint32_t)in->ext << 16;
    return (uint64_t)lo | (uint64_t)hi << 32;
}

/* Largest legal mod value + 1 for an instruction (1 = mod must be 0). */
static unsigned mod_limit(const tg_opinfo *oi)
{
    switch (oi->opcode) {
    case TG_OP_ISETP: case TG_OP_USETP: return TG_COND_GE + 1;
    case TG_OP_FSETP: return TG_NUM_CONDS;
    case TG_OP_F2I: case TG_OP_F2U: case TG_OP_I2F: case TG_OP_U2F: case TG_OP_FRND:
        return TG_NUM_ROUNDS;
    case TG_OP_SEL: return 16;
    default: break;
    }
    switch (oi->format) {
    case TG_FMT_PLOG: return 4;
    case TG_FMT_LD: case TG_FMT_ST: return TG_NUM_WIDTHS;
    case TG_FMT_ATOM: return TG_NUM_ATOMOPS;
    case TG_FMT_SHFL: return TG_NUM_SHFL_MODES;
    case TG_FMT_VOTEP: case TG_FMT_VOTER: return 2;
    default: return 1;
    }
}

int tg_decode(uint64_t word, tg_inst *out, const char **why)
{
    uint32_t lo = (uint32_t)word, hi = (uint32_t)(word >> 32);
    tg_inst in = {0};
    in.op = lo & 0x7f;
    in.bimm = (lo >> 7) & 1;
    in.guard = (lo >> 8) & 7;
    in.guard_neg = (lo >> 11) & 1;
    in.rd = (lo >> 12) & 0xff;
    in.ra = (lo >> 20) & 0xff;
    in.mod = (lo >> 28) & 15;
    if (in.bimm) {
        in.imm = hi;
    } else {
        in.rb = hi & 0xff;
        in.rc = (hi >> 8) & 0xff;
        in.ext = (uint16_t)(hi >> 16);
    }
    *out = in;

    const tg_opinfo *oi = tg_opinfo_get(in.op);
    if (!oi) { *why = "undefined opcode"; return -1; }
    unsigned f = oi->format;
    bool must_imm = f == TG_FMT_BRA || f == TG_FMT_BAR || f == TG_FMT_LD || f == TG_FMT_ST;
    if (must_imm && !in.bimm) { *why = "format requires an immediate (bimm bit clear)"; return -1; }
    if (!must_imm && !tg_format_has_b(f) && in.bimm) {
        *why = "format takes no immediate (bimm bit set)"; return -1;
    }
    if (in.mod >= mod_limit(oi)) { *why = "modifier field out of range for this instruction"; return -1; }
    if (f == TG_FMT_S2R && in.ra >= TG_NUM_SREGS) { *why = "undefined special register"; return -1; }
    if (f == TG_FMT_ST && (in.mod == TG_W_S8 || in.mod == TG_W_S16)) {
        *why = "store width cannot be signed"; return -1;
    }
    if (!in.bimm && f != TG_FMT_SHFL && in.ext != 0) { *why = "reserved ext bits set"; return -1; }
    if (f == TG_FMT_SHFL && in.ext > TG_PT) { *why = "reserved ext bits set"; return -1; }

    /* Fields the format does not use must be zero, so every legal word has one spelling. */
    bool uses_rd = f != TG_FMT_NONE && f != TG_FMT_BRA && f != TG_FMT_BAR;
    bool uses_ra = f != TG_FMT_NONE && f != TG_FMT_BRA && f != TG_FMT_RB;
    bool uses_rb = f == TG_FMT_RABC || f == TG_FMT_PLOG || f == TG_FMT_ATOM || f == TG_FMT_SHFL ||
                   (tg_format_has_b(f) && !in.bimm);
    bool uses_rc = f == TG_FMT_RABC || f == TG_FMT_SHFL || (f == TG_FMT_ATOM && in.mod == TG_ATOM_CAS);
    if ((!uses_rd && in.rd) || (!uses_ra && in.ra) || (!uses_rb && in.rb) || (!uses_rc && in.rc)) {
        *why = "a field this instruction does not use is not zero";
        return -1;
    }
    bool pd = f == TG_FMT_SETP || f == TG_FMT_PLOG || f == TG_FMT_VOTEP;
    bool pa = f == TG_FMT_PLOG || f == TG_FMT_VOTEP || f == TG_FMT_VOTER;
    if ((pd && in.rd > TG_PT) || (pa && in.ra > TG_PT) || (f == TG_FMT_PLOG && in.rb > TG_PT)) {
        *why = "predicate number above 7";
        return -1;
    }
    if (f == TG_FMT_BAR && in.imm > 15) { *why = "barrier id above 15"; return -1; }
    unsigned nregs = tg_width_bytes(in.mod) > 4 ? tg_width_bytes(in.mod) / 4 : 1;
    if ((f == TG_FMT_LD || f == TG_FMT_ST) && in.rd != TG_RZ && in.rd + nregs - 1 >= TG_NUM_REGS) {
        *why = "a wide access's registers run past r254";
        return -1;
    }
    return 0;
}
