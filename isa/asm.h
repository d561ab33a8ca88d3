/* asm.h: the TG32 assembler and disassembler (text <-> tg_module). Syntax in docs/isa.md.
 * Errors name file:line:column and what was expected. */
#ifndef TG_ASM_H
#define TG_ASM_H

#include <stddef.h>
#include <stdio.h>

#include "isa/isa.h"
#include "isa/tgbin.h"

/* Assembles source text. filename is used in messages only. Returns 0, or -1 with err set to
 * "file:line:col: message". */
int tg_asm_source(const char *src, size_t len, const char *filename, tg_module *out,
                  char *err, size_t errlen);
/* Assembles a file from disk (same as above after reading it). */
int tg_asm_file(const char *path, tg_module *out, char *err, size_t errlen);

/* Facts about operands the table's format does not carry, shared by the assembler, the
 * disassembler and `tgpu isa`. A rounding suffix is taken by the RA-format instructions whose mod
 * field tg_decode lets go past 0 (f2i f2u i2f u2f frnd). Operand B of an f32 instruction (fadd fsub
 * fmul fmin fmax fdiv fsetp) is written as an f32 literal. */
bool tg_asm_takes_rounding(unsigned opcode);
bool tg_asm_b_is_f32(unsigned opcode);

/* Formats one instruction in assembler syntax (no label, no newline). Branch targets print as
 * absolute instruction indices. Returns the length written. */
int tg_dis_inst(const tg_inst *in, char *buf, size_t n);
/* Writes a whole module as assembler source that tg_asm_source turns back into the same words. */
int tg_dis_module(const tg_module *m, FILE *out);

#endif
