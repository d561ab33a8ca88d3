/* isa.h: the TG32 instruction set as C data. Owns the opcode enum, operand formats, modifier codes,
 * special-register ids, and the 64-bit instruction word encoding (tg_encode / tg_decode).
 * The opcode list itself lives in isa/tg32.def; this header only gives it types.
 *
 * Instruction word (64 bits, little-endian in memory):
 *   [6:0]   opcode                  [7]     bimm: operand B is imm (hi word) instead of rb
 *   [10:8]  guard predicate (7=PT)  [11]    guard negated
 *   [19:12] rd (or pd)              [27:20] ra (or pa, or special-register id)
 *   [31:28] mod (condition, width, rounding, atomic op, shuffle mode, ...)
 *   [63:32] bimm=1: imm32;  bimm=0: [39:32] rb, [47:40] rc, [63:48] ext
 * Registers r0..r254 are per-thread 32-bit; r255 is RZ (reads 0, writes ignored).
 * Predicates p0..p6 are per-thread; p7 is PT (reads true, writes ignored). */
#ifndef TG_ISA_H
#define TG_ISA_H

#include <stdbool.h>
#include <stdint.h>

enum tg_opcode {
#define TG_OP(NAME, MN, CODE, FMT, LAT, SEM) TG_OP_##NAME = CODE,
#include "isa/tg32.def"
#undef TG_OP
};

#define TG_NUM_OPCODES 128   /* 7-bit opcode space */
#define TG_RZ 255            /* zero register */
#define TG_PT 7              /* true predicate */
#define TG_NUM_REGS 255      /* r0..r254 */
#define TG_NUM_PREDS 7       /* p0..p6 */

/* Operand shapes (assembler syntax in brackets). B = rb or imm. */
enum tg_format {
    TG_FMT_NONE,  /* []                                   */
    TG_FMT_BRA,   /* [label]            target in imm     */
    TG_FMT_BAR,   /* [B] or [B, ra]     barrier id, count */
    TG_FMT_RB,    /* [rd, B]                              */
    TG_FMT_RA,    /* [rd, ra]                             */
    TG_FMT_RAB,   /* [rd, ra, B]                          */
    TG_FMT_RABC,  /* [rd, ra, rb, rc]   register form only*/
    TG_FMT_S2R,   /* [rd, %sreg]        sreg id in ra     */
    TG_FMT_SEL,   /* [rd, ra, B, ps]    ps in mod         */
    TG_FMT_SETP,  /* [pd, ra, B]        cond in mod       */
    TG_FMT_PLOG,  /* [pd, pa, pb]       negations in mod  */
    TG_FMT_LD,    /* [rd, [ra+imm]]     width in mod      */
    TG_FMT_ST,    /* [[ra+imm], rd]     width in mod      */
    TG_FMT_ATOM,  /* [rd, [ra], rb] or [rd, [ra], rb, rc] op in mod, register form only */
    TG_FMT_SHFL,  /* [rd, ra, rb, rc] or [rd|pd, ra, rb, rc] mode in mod, register form only */
    TG_FMT_VOTEP, /* [pd, pa]           pa in ra, negation in mod[0] */
    TG_FMT_VOTER, /* [rd, pa]           pa in ra, negation in mod[0] */
    TG_NUM_FORMATS
};

/* Latency classes: the timing model maps each to a pipeline, latency and issue rate. */
enum tg_latency {
    TG_LAT_ALU, TG_LAT_IMUL, TG_LAT_IDIV, TG_LAT_FMA, TG_LAT_FDIV, TG_LAT_SFU,
    TG_LAT_CONV, TG_LAT_MEM, TG_LAT_SHARED, TG_LAT_CTRL, TG_NUM_LATENCIES
};

/* mod for SETP: comparison. Integer compares accept EQ..GE only. */
enum tg_cond {
    TG_COND_EQ, TG_COND_NE, TG_COND_LT, TG_COND_LE, TG_COND_GT, TG_COND_GE,
    TG_COND_EQU, TG_COND_NEU, TG_COND_LTU, TG_COND_LEU, TG_COND_GTU, TG_COND_GEU,
    TG_COND_NUM, TG_COND_NAN, TG_NUM_CONDS
};

/* mod for LD/ST: access width. 64 and 128 bits use 2 or 4 consecutive registers from rd. */
enum tg_width {
    TG_W_U8, TG_W_S8, TG_W_U16, TG_W_S16, TG_W_B32, TG_W_B64, TG_W_B128, TG_NUM_WIDTHS
};

/* mod for F2I, F2U, I2F, U2F, FRND: rounding. */
enum tg_round { TG_RND_RN, TG_RND_RZ, TG_RND_RM, TG_RND_RP, TG_NUM_ROUNDS };

/* mod for ATOMG/ATOMS: operation (32-bit; FADD is f32 add, round to nearest even). */
enum tg_atomop {
    TG_ATOM_ADD, TG_ATOM_FADD, TG_ATOM_SMIN, TG_ATOM_SMAX, TG_ATOM_UMIN, TG_ATOM_UMAX,
    TG_ATOM_EXCH, TG_ATOM_CAS, TG_ATOM_AND, TG_ATOM_OR, TG_ATOM_XOR, TG_ATOM_INC, TG_ATOM_DEC,
    TG_NUM_ATOMOPS
};

/* mod for SHFL: lane selection mode (PTX shfl.sync modes). */
enum tg_shfl_mode { TG_SHFL_IDX, TG_SHFL_UP, TG_SHFL_DOWN, TG_SHFL_BFLY, TG_NUM_SHFL_MODES };

/* Special registers for S2R (id in the ra field). */
#define TG_SREG_LIST(X) \
    X(TID_X, "tid.x") X(TID_Y, "tid.y") X(TID_Z, "tid.z") \
    X(NTID_X, "ntid.x") X(NTID_Y, "ntid.y") X(NTID_Z, "ntid.z") \
    X(CTAID_X, "ctaid.x") X(CTAID_Y, "ctaid.y") X(CTAID_Z, "ctaid.z") \
    X(NCTAID_X, "nctaid.x") X(NCTAID_Y, "nctaid.y") X(NCTAID_Z, "nctaid.z") \
    X(LANEID, "laneid") X(WARPID, "warpid") X(NWARPID, "nwarpid") \
    X(SMID, "smid") X(NSMID, "nsmid") X(CLOCK, "clock") X(CLOCK_HI, "clock_hi") \
    X(WARPSZ, "warpsz") X(LANEMASK_EQ, "lanemask_eq") X(LANEMASK_LT, "lanemask_lt") \
    X(LANEMASK_LE, "lanemask_le") X(LANEMASK_GT, "lanemask_gt") X(LANEMASK_GE, "lanemask_ge")

enum tg_sreg {
#define TG_SREG_ENUM(NAME, STR) TG_SREG_##NAME,
    TG_SREG_LIST(TG_SREG_ENUM)
#undef TG_SREG_ENUM
    TG_NUM_SREGS
};

/* A decoded instruction. Fields a format does not use are zero (rb/rc/ext when bimm). */
typedef struct tg_inst {
    uint8_t  op;        /* enum tg_opcode */
    uint8_t  guard;     /* guard predicate 0..7; 7 = PT (always) */
    bool     guard_neg; /* execute where the guard is false */
    bool     bimm;      /* operand B is imm */
    uint8_t  rd, ra, rb, rc;
    uint8_t  mod;       /* 4 bits */
    uint16_t ext;       /* register form only; SHFL: valid-flag predicate (7 = none) */
    uint32_t imm;
} tg_inst;

typedef struct tg_opinfo {
    const char *name;      /* "IADD" */
    const char *mnemonic;  /* "iadd" */
    uint8_t opcode;
    uint8_t format;        /* enum tg_format */
    uint8_t latency;       /* enum tg_latency */
    const char *semantics; /* one line, for docs */
} tg_opinfo;

/* Table lookup; NULL for an opcode the table does not define. */
const tg_opinfo *tg_opinfo_get(unsigned opcode);
/* Lookup by mnemonic ("vote.any", "iadd"); NULL if unknown. */
const tg_opinfo *tg_opinfo_find(const char *mnemonic, unsigned len);
/* All defined opcodes, in table order. */
extern const tg_opinfo tg_opinfo_table[];
extern const unsigned tg_opinfo_count;

/* Suffix spellings of the mod codes, for the assembler and disassembler. */
extern const char *const tg_cond_names[TG_NUM_CONDS];
extern const char *const tg_width_names[TG_NUM_WIDTHS];
extern const char *const tg_round_names[TG_NUM_ROUNDS];
extern const char *const tg_atomop_names[TG_NUM_ATOMOPS];
extern const char *const tg_shfl_mode_names[TG_NUM_SHFL_MODES];
extern const char *const tg_sreg_names[TG_NUM_SREGS];
extern const char *const tg_format_names[TG_NUM_FORMATS];
extern const char *const tg_latency_names[TG_NUM_LATENCIES];

/* Bytes moved by one lane for a width code (1, 2, 4, 8, 16). */
unsigned tg_width_bytes(unsigned width);

/* Does the format take operand B that may be an immediate? Formats that always use imm
 * (BRA, BAR, LD, ST) set bimm; register-only formats (RABC, ATOM, SHFL) clear it. */
bool tg_format_has_b(unsigned format);

uint64_t tg_encode(const tg_inst *in);

/* Decodes and validates one word: unknown opcode, a mod value the instruction does not define,
 * a bimm bit its format forbids, or stray bits in unused fields make it illegal. Returns 0, or -1
 * with *why set to a static string naming the problem. */
int tg_decode(uint64_t word, tg_inst *out, const char **why);

#endif
