/* ptx_ir.h: the front-end's internal IR, shared by its passes:
 *   ptx_parse.c  PTX text -> ptx_module (kernels of ptx_inst over virtual PTX registers)
 *   ptx_lower.c  ptx_inst -> tg_mi (TG32 instructions over virtual registers and predicates)
 *   regalloc.c   virtual -> physical registers and predicates (linear scan, spills to local)
 *   ptx_emit.c   tg_mi -> TG32 assembler text
 * Nothing here is visible outside tools/ptx/. */
#ifndef TG_PTX_IR_H
#define TG_PTX_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PTX_MAX_MODS 10
#define PTX_MAX_OPS  6
#define PTX_NAME     128

/* ---- parsed PTX ------------------------------------------------------------------------------ */

/* Register classes by width: a PTX register's storage on TG32. 64-bit registers keep the low 32 bits
 * (device addresses are 32-bit); 16-bit ones keep a value whose upper 16 bits are unspecified. */
enum ptx_rclass { PTX_RC_PRED, PTX_RC_16, PTX_RC_32, PTX_RC_64, PTX_RC_F64 };

typedef struct ptx_reg {
    char name[PTX_NAME];
    int rclass;             /* enum ptx_rclass */
} ptx_reg;

enum ptx_opnd_kind {
    PO_NONE, PO_REG, PO_IMM, PO_FIMM, PO_SREG, PO_SYM, PO_MEM, PO_VEC, PO_SINK
};

typedef struct ptx_operand {
    int kind;
    int reg;                /* PO_REG: register index; PO_MEM: base register or -1 */
    int reg2;               /* PO_REG: second register of "a|b", else -1 */
    bool neg;               /* !%p */
    int64_t imm;            /* PO_IMM value; PO_FIMM: the f32 bits; PO_MEM: offset */
    bool imm_f64;           /* PO_FIMM written as 0d... (double) */
    int sreg;               /* PO_SREG: enum tg_sreg */
    char sym[PTX_NAME];     /* PO_SYM, PO_MEM with a symbol base */
    int nvec;               /* PO_VEC */
    int vec[4];             /* register indices, -1 for the sink '_' */
} ptx_operand;

typedef struct ptx_inst {
    int line;
    int guard;              /* predicate register index, or -1 */
    bool guard_neg;
    char opcode[24];        /* "setp" */
    int nmods;
    char mods[PTX_MAX_MODS][24]; /* "lt", "s32" (in source order) */
    int nops;
    ptx_operand ops[PTX_MAX_OPS];
    int label;              /* >= 0: this entry is a label definition, not an instruction */
} ptx_inst;

enum ptx_space { PTX_SHARED, PTX_LOCAL };

typedef struct ptx_var {
    char name[PTX_NAME];
    int space;              /* enum ptx_space */
    uint32_t size, align;
    bool is_extern;         /* extern .shared x[]: dynamic shared memory */
    uint32_t offset;        /* assigned by the lowering */
    bool used;
} ptx_var;

typedef struct ptx_param {
    char name[PTX_NAME];
    uint32_t size;          /* 4 or 8 on TG32 */
} ptx_param;

typedef struct ptx_kernel {
    char name[PTX_NAME];
    int line;
    ptx_param *params; int nparams;
    ptx_reg *regs; int nregs, cap_regs;
    ptx_inst *insts; int ninsts, cap_insts;
    char (*labels)[PTX_NAME]; int nlabels, cap_labels;
    ptx_var *vars; int nvars, cap_vars;   /* function-scope .shared and .local */
} ptx_kernel;

typedef struct ptx_module {
    const char *filename;
    char version[PTX_NAME], target[PTX_NAME];
    ptx_kernel *kernels; int nkernels, cap_kernels;
    ptx_var *vars; int nvars, cap_vars;   /* module-scope .shared */
} ptx_module;

typedef struct ptx_err {
    char *buf; size_t len;
    bool set;
} ptx_err;

/* Records the first error as "file:line: message" and returns -1. */
int ptx_fail(ptx_err *e, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int ptx_parse(const char *src, size_t len, const char *filename, ptx_module *m, ptx_err *e);
void ptx_module_free(ptx_module *m);

/* ---- TG32 machine IR ------------------------------------------------------------------------- */

/* Operand encodings in tg_mi: >= 0 virtual register (or virtual predicate); the rest below. */
#define MI_NONE   (-1)
#define MI_ZERO   (-2)              /* rz, or pt for predicate operands */
#define MI_PHYS(p) (-1000 - (p))    /* a physical register/predicate chosen by regalloc */
#define MI_IS_PHYS(x) ((x) <= -1000)
#define MI_PHYS_NUM(x) (-1000 - (x))

/* Scratch registers of the wide (b64/b128) accesses: two blocks of 4 consecutive physical registers
 * that regalloc places above the allocated ones; successive accesses alternate between them. */
#define MI_SV(i) (-10 - (i))
#define MI_IS_SV(x) ((x) <= -10 && (x) > -18)
#define MI_SV_NUM(x) (-10 - (x))

#define MI_LABEL 0x100              /* pseudo-op: label definition (imm = label id) */
#define MI_COMMENT 0x101            /* pseudo-op: a comment line in the output (sym) */

typedef struct tg_mi {
    int op;                 /* enum tg_opcode, or MI_LABEL / MI_COMMENT */
    int mod;
    int guard;              /* predicate operand or MI_NONE */
    bool guard_neg;
    int d, a, b, c;         /* operands; which are registers or predicates depends on the format */
    bool bimm;              /* operand B (or the memory offset) is imm (+ sym) */
    bool fimm;              /* the immediate is f32 bits (printed as 0f...) */
    uint32_t imm;
    const char *sym;        /* symbol added to imm (param, shared, label name), or NULL */
    int p;                  /* SEL: select predicate; SHFL: valid-flag predicate out */
    bool pa_neg, pb_neg;    /* PLOG / VOTE / SEL negations */
    int label;              /* BRA target label id */
    int nwide;              /* LD/ST: number of consecutive registers at d (1, 2, 4) */
    int line;               /* PTX source line */
} tg_mi;

typedef struct tg_mi_func {
    tg_mi *v; int n, cap;
    int nvregs, nvpreds;
    char (*labels)[PTX_NAME]; int nlabels;   /* label names by id (borrowed from the kernel) */
    uint32_t local_bytes;   /* PTX .local arrays; spills are appended by regalloc */
    uint32_t shared_bytes;  /* static shared memory, padded for dynamic shared when the kernel has it */
    unsigned nregs;         /* set by regalloc */
    unsigned nspills;       /* registers + predicates that went to local memory */
    unsigned nwide;         /* wide accesses lowered so far (picks the scratch block) */
} tg_mi_func;

tg_mi *mi_push(tg_mi_func *f, int line);

/* Does the instruction read / write operand slots as registers or predicates? */
typedef struct mi_slots {
    int uses[4]; int nuses;       /* register operands read (addresses of fields in tg_mi) */
    int defs[1]; int ndefs;       /* register operand written */
    int puses[3]; int npuses;     /* predicate operands read (guard excluded) */
    int pdefs[1]; int npdefs;     /* predicate written */
} mi_slots;
enum { SLOT_D, SLOT_A, SLOT_B, SLOT_C, SLOT_P };
void mi_get_slots(const tg_mi *m, mi_slots *s);
int *mi_slot(tg_mi *m, int slot);

/* Assigns physical registers; returns -1 with err when the kernel cannot fit. */
int tg_regalloc(tg_mi_func *f, unsigned max_regs, const char *file, ptx_err *e);

/* What the front-end decided for each kernel, for tg_ptx_compile to check against the assembler's
 * module (the code addresses shared and local memory by the offsets computed here). */
typedef struct ptx_layout {
    char kernel[PTX_NAME + 8];   /* as emitted (sanitized) */
    uint32_t shared_bytes, local_bytes, nregs;
} ptx_layout;

struct tg_ptx_options;
/* tg_ptx_to_asm plus the per-kernel layout (malloc'd, may be NULL). */
int ptx_translate(const char *src, size_t len, const char *filename, const struct tg_ptx_options *o,
                  char **out, ptx_layout **layout, int *nlayout, char *err, size_t errlen);

/* Lowers one kernel. Fills f; returns 0 or -1 with err set. */
int ptx_lower_kernel(const ptx_module *m, ptx_kernel *k, tg_mi_func *f, ptx_err *e);

#endif
