/* cmd_isa.c: `tgpu isa --markdown` and `tgpu isa --mods`: the opcode table and the modifier table
 * of docs/isa.md, generated from isa/tg32.def and isa.c's name tables (tests/sh/isa_doc.sh fails
 * when the document and the code disagree). */
#include <stdio.h>
#include <string.h>

#include "isa/asm.h"
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
    if (tg_asm_takes_rounding(oi->opcode)) return "[.rnd]";
    return "";
}

static void names_row(const char *field, const char *const *names, unsigned n)
{
    printf("| %s | `", field);
    for (unsigned i = 0; i < n; i++) printf("%s%s", i ? " " : "", names[i]);
    printf("` |\n");
}

static void print_mods(void)
{
    printf("| field | values (mod code = position) |\n| --- | --- |\n");
    names_row("comparison (`isetp`, `usetp`: first six; `fsetp`: all)", tg_cond_names, TG_NUM_CONDS);
    names_row("width (`ld*`; `st*` take the unsigned ones)", tg_width_names, TG_NUM_WIDTHS);
    names_row("rounding (`f2i f2u i2f u2f frnd`; default `rn`)", tg_round_names, TG_NUM_ROUNDS);
    names_row("atomic operation", tg_atomop_names, TG_NUM_ATOMOPS);
    names_row("shuffle mode", tg_shfl_mode_names, TG_NUM_SHFL_MODES);
    printf("| `sel` predicate | bits [2:0] predicate number, bit 3 negated (`sel r1, r2, 5, !p0`: mod = 8) |\n");
    printf("| `pand por pxor` negations | bit 0: `pa` negated, bit 1: `pb` negated (predicates in `ra`, `rb`) |\n");
    printf("| `vote.* ballot` negation | bit 0: `pa` negated (predicate in `ra`) |\n");
    names_row("special registers (`s2r`, id in `ra` = position)", tg_sreg_names, TG_NUM_SREGS);
}

static void print_opcodes(void)
{
    printf("| opcode | mnemonic | suffix | operands | latency class | semantics |\n");
    printf("| --- | --- | --- | --- | --- | --- |\n");
    for (unsigned i = 0; i < tg_opinfo_count; i++) {
        const tg_opinfo *oi = &tg_opinfo_table[i];
        printf("| 0x%02x | `%s` | %s | `%s` | %s | %s |\n", oi->opcode, oi->mnemonic, suffix_of(oi),
               operands[oi->format], tg_latency_names[oi->latency], oi->semantics);
    }
}

int tg_cmd_isa(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--markdown")) { print_opcodes(); return 0; }
    if (argc == 2 && !strcmp(argv[1], "--mods")) { print_mods(); return 0; }
    FILE *o = argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) ? stdout : stderr;
    fprintf(o, "usage: tgpu isa --markdown | --mods\n"
               "  --markdown  the TG32 opcode table (from isa/tg32.def) as Markdown\n"
               "  --mods      the modifier table (suffix spellings from isa/isa.c) as Markdown\n");
    return o == stdout ? 0 : 2;
}
