/* test_asm_roundtrip.c: the assembler and disassembler are inverses over the whole ISA.
 *   1. every opcode x every legal modifier x register/immediate operand B x a few guards:
 *      encode -> decode -> disassemble -> assemble -> the same word;
 *   2. 200k random 64-bit words: each one tg_decode accepts round-trips the same way;
 *   3. words tg_decode must refuse (undefined opcode, bad modifier, bimm against the format,
 *      stray fields) are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm.h"

static int failures;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* disassemble w, assemble the text as a one-instruction kernel, compare */
static void roundtrip(uint64_t w)
{
    tg_inst in;
    const char *why;
    if (tg_decode(w, &in, &why) != 0) {
        printf("FAIL: 0x%016llx does not decode: %s\n", (unsigned long long)w, why);
        failures++;
        return;
    }
    char text[200], src[300], err[512];
    tg_dis_inst(&in, text, sizeof text);
    snprintf(src, sizeof src, ".kernel k\n%s\n", text);
    tg_module m;
    if (tg_asm_source(src, strlen(src), "roundtrip", &m, err, sizeof err) != 0) {
        printf("FAIL: '%s' (0x%016llx) does not assemble: %s\n", text, (unsigned long long)w, err);
        failures++;
        return;
    }
    if (m.ncode != 1 || m.code[0] != w) {
        printf("FAIL: '%s': 0x%016llx -> 0x%016llx\n", text, (unsigned long long)w,
               (unsigned long long)(m.ncode ? m.code[0] : 0));
        failures++;
    }
    tg_module_free(&m);
}

static unsigned mod_count(const tg_opinfo *oi)
{
    for (unsigned mod = 0; mod < 16; mod++) {
        tg_inst in = { .op = oi->opcode, .guard = TG_PT, .mod = (uint8_t)mod };
        int f = oi->format;
        in.bimm = f == TG_FMT_BRA || f == TG_FMT_BAR || f == TG_FMT_LD || f == TG_FMT_ST;
        if (f == TG_FMT_SHFL) in.ext = TG_PT;
        if (f == TG_FMT_ST && (mod == TG_W_S8 || mod == TG_W_S16)) continue;
        const char *why;
        tg_inst out;
        if (tg_decode(tg_encode(&in), &out, &why) != 0) return mod;
    }
    return 16;
}

static void all_opcodes(void)
{
    int n = 0;
    for (unsigned i = 0; i < tg_opinfo_count; i++) {
        const tg_opinfo *oi = &tg_opinfo_table[i];
        unsigned mods = mod_count(oi);
        int f = oi->format;
        for (unsigned mod = 0; mod < mods; mod++)
            for (int form = 0; form < 2; form++)
                for (int g = 0; g < 3; g++) {
                    if (f == TG_FMT_ST && (mod == TG_W_S8 || mod == TG_W_S16)) continue;
                    tg_inst in = { .op = oi->opcode, .mod = (uint8_t)mod };
                    in.guard = g == 0 ? TG_PT : (uint8_t)(g + 1);
                    in.guard_neg = g == 2;
                    bool imm_fmt = f == TG_FMT_BRA || f == TG_FMT_BAR || f == TG_FMT_LD || f == TG_FMT_ST;
                    if (form == 1 && !imm_fmt && !tg_format_has_b(f)) continue;
                    in.bimm = imm_fmt || form == 1;
                    bool pd = f == TG_FMT_SETP || f == TG_FMT_PLOG || f == TG_FMT_VOTEP;
                    if (f != TG_FMT_NONE && f != TG_FMT_BRA && f != TG_FMT_BAR) in.rd = pd ? 3 : 17;
                    if (f == TG_FMT_S2R) in.ra = (uint8_t)(mod % TG_NUM_SREGS);
                    else if (f == TG_FMT_PLOG || f == TG_FMT_VOTEP || f == TG_FMT_VOTER) in.ra = 5;
                    else if (f == TG_FMT_BAR) in.ra = form ? 9 : TG_RZ;
                    else if (f != TG_FMT_NONE && f != TG_FMT_BRA && f != TG_FMT_RB) in.ra = 200;
                    if (in.bimm) in.imm = f == TG_FMT_BAR ? (form ? 15 : 3) : form ? 0xdeadbeef : 12;
                    if (f == TG_FMT_LD || f == TG_FMT_ST) in.imm = form ? (uint32_t)-16 : 64;
                    if (!in.bimm || f == TG_FMT_PLOG) in.rb = f == TG_FMT_PLOG ? 6 : (f == TG_FMT_NONE || f == TG_FMT_RA || f == TG_FMT_S2R || f == TG_FMT_VOTEP || f == TG_FMT_VOTER) ? 0 : 254;
                    if (f == TG_FMT_RABC || f == TG_FMT_SHFL || (f == TG_FMT_ATOM && mod == TG_ATOM_CAS)) in.rc = 7;
                    if (f == TG_FMT_SHFL) in.ext = g == 1 ? 2 : TG_PT;
                    roundtrip(tg_encode(&in));
                    n++;
                }
    }
    printf("%d table-driven instructions round-trip\n", n);
}

static void random_words(void)
{
    int legal = 0;
    for (int i = 0; i < 200000; i++) {
        uint64_t w = rnd();
        /* bias toward defined opcodes and zero unused fields so many words are legal */
        if (i & 1) w &= ~0x0000ffffff000000ull;
        if (i & 2) w &= 0xffffffff0fffffffull;
        tg_inst in;
        const char *why;
        if (tg_decode(w, &in, &why) != 0) continue;
        legal++;
        roundtrip(w);
        if (failures > 20) return;
    }
    printf("%d random legal words round-trip\n", legal);
    if (legal < 1000) { printf("FAIL: too few legal random words (%d) to mean anything\n", legal); failures++; }
}

static void expect_illegal(uint64_t w, const char *what)
{
    tg_inst in;
    const char *why;
    if (tg_decode(w, &in, &why) == 0) { printf("FAIL: %s (0x%016llx) decoded\n", what, (unsigned long long)w); failures++; }
}

static void illegal_words(void)
{
    tg_inst base = { .op = TG_OP_IADD, .guard = TG_PT, .rd = 1, .ra = 2, .rb = 3 };
    tg_inst x;
    x = base; x.op = 0x7f; expect_illegal(tg_encode(&x), "undefined opcode 0x7f");
    x = base; x.op = TG_OP_ISETP; x.mod = TG_COND_NAN; x.rd = 1; expect_illegal(tg_encode(&x), "integer compare with a float condition");
    x = base; x.op = TG_OP_LDG; x.bimm = false; expect_illegal(tg_encode(&x), "load without an immediate offset");
    x = base; x.op = TG_OP_FFMA; x.bimm = true; expect_illegal(tg_encode(&x), "ffma with an immediate");
    x = base; x.rc = 9; expect_illegal(tg_encode(&x), "iadd with a stray rc");
    x = base; x.op = TG_OP_EXIT; x.rd = 4; x.ra = 0; x.rb = 0; expect_illegal(tg_encode(&x), "exit with a stray rd");
    x = base; x.op = TG_OP_STG; x.bimm = true; x.mod = TG_W_S8; x.rb = 0; expect_illegal(tg_encode(&x), "signed store width");
    x = base; x.op = TG_OP_S2R; x.ra = TG_NUM_SREGS; x.rb = 0; expect_illegal(tg_encode(&x), "undefined special register");
    x = base; x.op = TG_OP_ATOMG; x.mod = TG_NUM_ATOMOPS; expect_illegal(tg_encode(&x), "undefined atomic op");
}

int main(void)
{
    all_opcodes();
    random_words();
    illegal_words();
    if (failures) { printf("%d failures\n", failures); return 1; }
    printf("ok\n");
    return 0;
}
