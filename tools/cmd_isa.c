/* cmd_isa.c: `tgpu isa --markdown`: the opcode table of docs/isa.md, generated from isa/tg32.def
 * (tests/sh/isa_doc.sh fails when the document and the table disagree). */
#include <stdio.h>
#include <string.h>

#include "isa/isa.h"
#include "tools/commands.h"

static const char *const operands[TG_NUM_FORMATS] = {
    "", "label", "B [, ra]", "rd, B", "rd, ra", "rd, ra, B", "rd, ra, rb, rc", "rd, %sreg",
    "rd, ra, B, [!]p", "pd, ra, B", "pd, [!]pa, [!]pb", "rd, [ra+imm]", "[ra+imm], rd",
    "rd, [ra], rb [, rc]", "rd[\\|pd], ra, rb, rc", "pd, [!]pa", "rd, [!]pa",
};

static const char *suffix_of(const tg_opinfo *oi)
{
    switch (oi->format) {
    case TG_FMT_SETP: return oi->opcode == TG_OP_FSETP ? ".cond (14)" : ".cond (6)";
    case TG_FMT_LD: return ".width";
    case TG_FMT_ST: return ".width (unsigned)";
    case TG_FMT_ATOM: return ".op";
    case TG_FMT_SHFL: return ".mode";
    default: break;
    }
    if (oi->opcode == TG_OP_F2I || oi->opcode == TG_OP_F2U || oi->opcode == TG_OP_I2F ||
        oi->opcode == TG_OP_U2F || oi->opcode == TG_OP_FRND)
        return "[.rnd]";
    return "";
}

int tg_cmd_isa(int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "--markdown")) {
        FILE *o = argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) ? stdout : stderr;
        fprintf(o, "usage: tgpu isa --markdown\nPrints the TG32 opcode table (from isa/tg32.def) as Markdown.\n");
        return o == stdout ? 0 : 2;
    }
    printf("| opcode | mnemonic | suffix | operands | latency class | semantics |\n");
    printf("| --- | --- | --- | --- | --- | --- |\n");
    for (unsigned i = 0; i < tg_opinfo_count; i++) {
        const tg_opinfo *oi = &tg_opinfo_table[i];
        printf("| 0x%02x | `%s` | %s | `%s` | %s | %s |\n", oi->opcode, oi->mnemonic, suffix_of(oi),
               operands[oi->format], tg_latency_names[oi->latency], oi->semantics);
    }
    return 0;
}
