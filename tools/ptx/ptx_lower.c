/* ptx_lower.c: one PTX kernel -> TG32 machine IR (tg_mi) over virtual registers and predicates.
 * Each PTX instruction becomes one or a few TG32 instructions; every rule is in docs/ptx.md.
 * The key representation choices:
 *   - a 64-bit PTX register lives in one 32-bit register holding its low 32 bits (device addresses
 *     are 32-bit). Operations whose low 32 bits depend only on low 32 bits of their inputs (add, sub,
 *     mul.lo, mul.wide, mad, shl, and/or/xor/not, widening and narrowing cvt, ld of a u64) are exact;
 *     the rest (shr, div, setp, min/max, 64-bit stores, ...) are rejected, never approximated;
 *   - a 16-bit register lives in a 32-bit one whose upper half is unspecified: ops that read the full
 *     value (shr, setp, min/max, div, cvt widening) extend it first;
 *   - temporaries are computed unguarded; only the writes PTX can see carry the instruction's guard.
 * Modifiers are checked: a modifier the rule for an instruction does not consume is an error. */
#include "tools/ptx/ptx_ir.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"

typedef struct lower {
    const ptx_module *m;
    ptx_kernel *k;
    tg_mi_func *f;
    ptx_err *e;
    const char *file;
    int *map;                  /* PTX register -> virtual register or predicate */
    int *hi;                   /* 64-bit PTX register -> register holding its high word, or -1 */
    const ptx_inst *in;
    unsigned used;             /* modifiers consumed by the current rule (bit per mod) */
    uint32_t shared_end;       /* bytes of static shared memory */
} lower;

/* ---- emission helpers ------------------------------------------------------------------------ */

tg_mi *mi_push(tg_mi_func *f, int line)
{
    if (f->n == f->cap) {
        int nc = f->cap ? f->cap * 2 : 256;
        tg_mi *nv = realloc(f->v, (size_t)nc * sizeof *nv);
        if (!nv) { fprintf(stderr, "tgpu: out of memory\n"); exit(1); }
        f->v = nv;
        f->cap = nc;
    }
    tg_mi *m = &f->v[f->n++];
    memset(m, 0, sizeof *m);
    m->guard = m->d = m->a = m->b = m->c = m->p = MI_NONE;
    m->label = -1;
    m->nwide = 1;
    m->line = line;
    return m;
}

static int fail(lower *X, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(lower *X, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ptx_fail(X->e, X->file, X->in ? X->in->line : X->k->line, "%s", msg);
}

static int unsupported(lower *X, const char *why)
{
    char full[160];
    snprintf(full, sizeof full, "%s", X->in->opcode);
    for (int i = 0; i < X->in->nmods; i++) {
        size_t n = strlen(full);
        snprintf(full + n, sizeof full - n, ".%s", X->in->mods[i]);
    }
    if (why) return fail(X, "unsupported PTX instruction '%s': %s", full, why);
    return fail(X, "unsupported PTX instruction '%s'", full);
}

/* Unguarded instruction: temporaries. */
static tg_mi *emit(lower *X, int op, int mod)
{
    tg_mi *m = mi_push(X->f, X->in->line);
    m->op = op;
    m->mod = mod;
    return m;
}

/* The PTX instruction's guard applied: writes PTX can observe, memory and control. */
static tg_mi *emitg(lower *X, int op, int mod)
{
    tg_mi *m = emit(X, op, mod);
    if (X->in->guard >= 0) {
        m->guard = X->map[X->in->guard];
        m->guard_neg = X->in->guard_neg;
    }
    return m;
}

static int new_vreg(lower *X) { return X->f->nvregs++; }
static int new_vpred(lower *X) { return X->f->nvpreds++; }

/* ---- modifiers and types --------------------------------------------------------------------- */

static bool has(lower *X, const char *mod)
{
    for (int i = 0; i < X->in->nmods; i++)
        if (!strcmp(X->in->mods[i], mod)) { X->used |= 1u << i; return true; }
    return false;
}

/* Consumes modifiers that only carry hints TG32 has no use for. */
static void ignore(lower *X, const char *const *list)
{
    for (; *list; list++) has(X, *list);
}

typedef struct ptype { char k; int bits; } ptype;   /* k: 's' 'u' 'b' 'f' 'p'; bits */

static bool parse_type(const char *s, ptype *t)
{
    static const struct { const char *n; char k; int bits; } types[] = {
        {"s8",'s',8},{"s16",'s',16},{"s32",'s',32},{"s64",'s',64},{"u8",'u',8},{"u16",'u',16},{"u32",'u',32},
        {"u64",'u',64},{"b8",'b',8},{"b16",'b',16},{"b32",'b',32},{"b64",'b',64},{"f16",'f',16},{"f32",'f',32},
        {"f64",'f',64},{"bf16",'h',16},{"pred",'p',1},{"f16x2",'x',32},{"bf16x2",'x',32},{"b128",'b',128},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(s, types[i].n)) { t->k = types[i].k; t->bits = types[i].bits; return true; }
    return false;
}

/* The n-th type modifier (0 = first). */
static bool type_at(lower *X, int n, ptype *t)
{
    for (int i = 0; i < X->in->nmods; i++) {
        if (!parse_type(X->in->mods[i], t)) continue;
        if (n-- == 0) { X->used |= 1u << i; return true; }
    }
    return false;
}

static int check_mods(lower *X)
{
    for (int i = 0; i < X->in->nmods; i++)
        if (!(X->used & (1u << i))) {
            char why[64];
            snprintf(why, sizeof why, "modifier '.%s' is not supported here", X->in->mods[i]);
            return unsupported(X, why);
        }
    return 0;
}

/* ---- operands -------------------------------------------------------------------------------- */

static int rclass(lower *X, int reg) { return X->k->regs[reg].rclass; }

static const ptx_var *find_var(lower *X, const char *name)
{
    for (int i = 0; i < X->k->nvars; i++) if (!strcmp(X->k->vars[i].name, name)) return &X->k->vars[i];
    for (int i = 0; i < X->m->nvars; i++) if (!strcmp(X->m->vars[i].name, name)) return &X->m->vars[i];
    return NULL;
}

static const ptx_param *find_param(lower *X, const char *name)
{
    for (int i = 0; i < X->k->nparams; i++) if (!strcmp(X->k->params[i].name, name)) return &X->k->params[i];
    return NULL;
}

/* A symbol used as a value: the byte offset of a shared or local variable in its space. */
static int sym_value(lower *X, const char *name, uint32_t *out)
{
    const ptx_var *v = find_var(X, name);
    if (v) { *out = v->offset; return 0; }
    if (find_param(X, name)) return fail(X, "the address of kernel parameter '%s' cannot be taken on TG32", name);
    for (int i = 0; i < X->k->nlabels; i++)
        if (!strcmp(X->k->labels[i], name)) return fail(X, "label '%s' used as a value", name);
    return fail(X, "unknown symbol '%s'", name);
}

static int check_reg(lower *X, const ptx_operand *o, bool want_pred)
{
    if (o->kind != PO_REG) return fail(X, "expected a %s operand", want_pred ? "predicate" : "register");
    bool is_pred = rclass(X, o->reg) == PTX_RC_PRED;
    if (is_pred != want_pred)
        return fail(X, "'%s' is %sa predicate here", X->k->regs[o->reg].name, is_pred ? "" : "not ");
    if (rclass(X, o->reg) == PTX_RC_F64) return fail(X, "64-bit float registers (%s) are not supported", X->k->regs[o->reg].name);
    if (o->neg) return fail(X, "'!' is only allowed on predicate sources");
    return 0;
}

/* Destination register: a virtual register. */
static int dst(lower *X, const ptx_operand *o, int *out)
{
    if (o->kind == PO_SINK) { *out = MI_ZERO; return 0; }
    if (check_reg(X, o, false)) return -1;
    if (o->reg2 >= 0) return fail(X, "unexpected '|' operand");
    *out = X->map[o->reg];
    return 0;
}

static int pdst(lower *X, const ptx_operand *o, int *out)
{
    if (o->kind == PO_SINK) { *out = MI_ZERO; return 0; }
    if (check_reg(X, o, true)) return -1;
    *out = X->map[o->reg];
    return 0;
}

/* Predicate source (with '!' allowed where the caller can encode it). */
static int psrc(lower *X, const ptx_operand *o, int *out, bool *neg, bool neg_ok)
{
    if (o->kind == PO_IMM) {   /* constant predicate: pt or !pt */
        *out = MI_ZERO;
        *neg = o->imm == 0;
        if (*neg && !neg_ok) return fail(X, "constant false predicate not supported here");
        return 0;
    }
    if (o->kind != PO_REG || rclass(X, o->reg) != PTX_RC_PRED) return fail(X, "expected a predicate operand");
    if (o->neg && !neg_ok) return fail(X, "'!' not allowed on this operand");
    *out = X->map[o->reg];
    *neg = o->neg;
    return 0;
}

static uint32_t imm32(const ptx_operand *o) { return (uint32_t)(uint64_t)o->imm; }

/* Any source operand as a register: immediates and special registers are materialized. */
static int src(lower *X, const ptx_operand *o, int *out)
{
    switch (o->kind) {
    case PO_REG:
        if (check_reg(X, o, false)) return -1;
        *out = X->map[o->reg];
        return 0;
    case PO_IMM: case PO_FIMM: {
        if (o->imm_f64) return fail(X, "f64 immediates are not supported");
        if (o->kind == PO_IMM && imm32(o) == 0) { *out = MI_ZERO; return 0; }
        tg_mi *m = emit(X, TG_OP_MOV, 0);
        m->d = *out = new_vreg(X);
        m->bimm = true;
        m->imm = imm32(o);
        m->fimm = o->kind == PO_FIMM;
        return 0;
    }
    case PO_SREG: {
        tg_mi *m = emit(X, TG_OP_S2R, 0);
        m->d = *out = new_vreg(X);
        m->a = o->sreg;
        return 0;
    }
    case PO_SYM: {
        uint32_t v;
        if (sym_value(X, o->sym, &v)) return -1;
        tg_mi *m = emit(X, TG_OP_MOV, 0);
        m->d = *out = new_vreg(X);
        m->bimm = true;
        m->imm = v;
        return 0;
    }
    default:
        return fail(X, "bad source operand");
    }
}

/* Operand B: a register or an immediate. */
static int set_b(lower *X, tg_mi *m, const ptx_operand *o)
{
    if (o->kind == PO_IMM || o->kind == PO_FIMM) {
        if (o->imm_f64) return fail(X, "f64 immediates are not supported");
        m->bimm = true;
        m->imm = imm32(o);
        m->fimm = o->kind == PO_FIMM;
        return 0;
    }
    if (o->kind == PO_SYM) {
        uint32_t v;
        if (sym_value(X, o->sym, &v)) return -1;
        m->bimm = true;
        m->imm = v;
        return 0;
    }
    return src(X, o, &m->b);
}

static bool is_imm(const ptx_operand *o) { return o->kind == PO_IMM || o->kind == PO_FIMM || o->kind == PO_SYM; }

/* A source as the full 32-bit value of a narrow integer type (16/8-bit registers hold junk above). */
static int src_ext(lower *X, const ptx_operand *o, ptype t, int *out)
{
    if (src(X, o, out)) return -1;
    if (o->kind != PO_REG || t.bits >= 32) return 0;
    int op = t.k == 's' ? (t.bits == 8 ? TG_OP_SX8 : TG_OP_SX16) : (t.bits == 8 ? TG_OP_ZX8 : TG_OP_ZX16);
    tg_mi *m = emit(X, op, 0);
    m->a = *out;
    m->d = *out = new_vreg(X);
    return 0;
}

static int need_ops(lower *X, int n)
{
    if (X->in->nops != n) return fail(X, "'%s' takes %d operands, found %d", X->in->opcode, n, X->in->nops);
    return 0;
}

static int reject64(lower *X, ptype t, const char *what)
{
    if (t.bits == 64 && t.k != 'f') {
        char why[200];
        snprintf(why, sizeof why, "64-bit %s needs the upper 32 bits, which TG32's 32-bit registers do not keep", what);
        return unsupported(X, why);
    }
    if (t.k == 'f' && t.bits != 32) return unsupported(X, "only f32 floating point is supported");
    if (t.k == 'h' || t.k == 'x') return unsupported(X, "f16/bf16 arithmetic is not supported (convert with cvt.f32.f16)");
    return 0;
}

/* f32 .sat: clamp to [0, 1]; fmax(NaN, 0) = 0 makes NaN -> 0 as PTX requires. */
static void saturate(lower *X, int d)
{
    tg_mi *m = emitg(X, TG_OP_FMAX, 0);
    m->d = d; m->a = d; m->bimm = true; m->imm = 0; m->fimm = true;
    m = emitg(X, TG_OP_FMIN, 0);
    m->d = d; m->a = d; m->bimm = true; m->imm = 0x3f800000; m->fimm = true;
}

/* rd = ra op B (the common shape). Commutative ops take an immediate first operand by swapping. */
static int binop(lower *X, int op, bool commutative, ptype t)
{
    if (need_ops(X, 3)) return -1;
    const ptx_operand *a = &X->in->ops[1], *b = &X->in->ops[2];
    if (commutative && is_imm(a) && !is_imm(b)) { const ptx_operand *s = a; a = b; b = s; }
    int ra;
    if (src_ext(X, a, t, &ra)) return -1;
    int rb = MI_NONE;
    if (b->kind == PO_REG && t.bits < 32 && t.k != 'b') { if (src_ext(X, b, t, &rb)) return -1; }
    int d;
    if (dst(X, &X->in->ops[0], &d)) return -1;
    tg_mi *m = emitg(X, op, 0);
    m->d = d;
    m->a = ra;
    if (rb != MI_NONE) m->b = rb;
    else if (set_b(X, m, b)) return -1;
    return 0;
}

static int unop(lower *X, int op)
{
    if (need_ops(X, 2)) return -1;
    int ra, d;
    if (src(X, &X->in->ops[1], &ra) || dst(X, &X->in->ops[0], &d)) return -1;
    tg_mi *m = emitg(X, op, 0);
    m->d = d;
    m->a = ra;
    return 0;
}

/* rd = B: a copy (identity conversions, cvta.global). */
static int movop(lower *X)
{
    if (need_ops(X, 2)) return -1;
    int d;
    if (dst(X, &X->in->ops[0], &d)) return -1;
    tg_mi *m = emitg(X, TG_OP_MOV, 0);
    m->d = d;
    return set_b(X, m, &X->in->ops[1]);
}

/* rd = ra * rb + rc style, register-only format. */
static int op3(lower *X, int op, ptype t, int first)
{
    int ra, rb, rc, d;
    if (src_ext(X, &X->in->ops[first], t, &ra) || src_ext(X, &X->in->ops[first + 1], t, &rb) ||
        src(X, &X->in->ops[first + 2], &rc) || dst(X, &X->in->ops[0], &d))
        return -1;
    tg_mi *m = emitg(X, op, 0);
    m->d = d; m->a = ra; m->b = rb; m->c = rc;
    return 0;
}

/* ---- instruction rules ----------------------------------------------------------------------- */

static int float_round_ok(lower *X)
{
    /* f32 add/sub/mul/fma: round to nearest is the only mode TG32 has */
    if (has(X, "rz") || has(X, "rm") || has(X, "rp")) return unsupported(X, "only .rn rounding is available for f32 arithmetic");
    has(X, "rn");
    if (has(X, "ftz")) return unsupported(X, ".ftz (flush denormals) is not implemented: TG32 keeps denormals; build without -ftz / --use_fast_math");
    return 0;
}

static int lower_arith(lower *X, const char *op)
{
    ptype t;
    if (!type_at(X, 0, &t)) return unsupported(X, "missing type");
    bool isf = t.k == 'f';
    if (!strcmp(op, "add") || !strcmp(op, "sub")) {
        bool add = op[0] == 'a';
        if (isf) {
            if (reject64(X, t, "") || float_round_ok(X)) return -1;
            bool sat = has(X, "sat");
            if (check_mods(X) || binop(X, add ? TG_OP_FADD : TG_OP_FSUB, add, t)) return -1;
            if (sat) saturate(X, X->map[X->in->ops[0].reg]);
            return 0;
        }
        if (has(X, "sat")) return unsupported(X, "integer .sat is not implemented");
        if (t.k == 'x' || t.k == 'h') return reject64(X, t, "");
        if (check_mods(X)) return -1;
        /* low 32 bits of a 64-bit add/sub are exact: fine for addresses */
        return binop(X, add ? TG_OP_IADD : TG_OP_ISUB, add, (ptype){'b', t.bits});
    }
    if (!strcmp(op, "mul")) {
        if (isf) {
            if (reject64(X, t, "") || float_round_ok(X)) return -1;
            bool sat = has(X, "sat");
            if (check_mods(X) || binop(X, TG_OP_FMUL, true, t)) return -1;
            if (sat) saturate(X, X->map[X->in->ops[0].reg]);
            return 0;
        }
        if (has(X, "lo")) { if (check_mods(X)) return -1; return binop(X, TG_OP_IMUL, true, (ptype){'b', t.bits}); }
        if (has(X, "hi")) {
            if (t.bits != 32) return reject64(X, t, "mul.hi"), (t.bits == 64 ? -1 : unsupported(X, "16-bit mul.hi is not implemented"));
            if (check_mods(X)) return -1;
            return binop(X, t.k == 's' ? TG_OP_IMULHI : TG_OP_UMULHI, true, t);
        }
        if (has(X, "wide")) {
            /* s32/u32 -> 64: the low 32 bits of the product are all a 64-bit register keeps;
             * s16/u16 -> 32: extend the inputs, then an ordinary 32-bit multiply */
            if (t.bits != 32 && t.bits != 16) return unsupported(X, NULL);
            if (check_mods(X)) return -1;
            if (binop(X, TG_OP_IMUL, true, t.bits == 16 ? t : (ptype){'b', 32})) return -1;
            const ptx_operand *od = &X->in->ops[0];
            if (t.bits == 32 && od->kind == PO_REG && X->hi[od->reg] >= 0) {
                /* a later shr by >= 32 reads the high word (nvcc's division by a constant):
                 * keep it too, from the same sources the multiply just read */
                tg_mi *lo = &X->f->v[X->f->n - 1];
                int a = lo->a, bimm = lo->bimm, b = lo->b;
                uint32_t imm = lo->imm;
                if (lo->d == a || (!bimm && lo->d == b)) return fail(X, "mul.wide overwrites its own source");
                tg_mi *m = emitg(X, t.k == 's' ? TG_OP_IMULHI : TG_OP_UMULHI, 0);
                m->d = X->hi[od->reg]; m->a = a; m->bimm = bimm; m->b = b; m->imm = imm;
            }
            return 0;
        }
        return unsupported(X, "integer mul needs .lo, .hi or .wide");
    }
    if (!strcmp(op, "mad") || !strcmp(op, "fma")) {
        if (need_ops(X, 4)) return -1;
        if (isf) {
            if (reject64(X, t, "")) return -1;
            if (!has(X, "rn")) return unsupported(X, "f32 fma/mad needs .rn (the only rounding TG32 has)");
            if (float_round_ok(X)) return -1;
            bool sat = has(X, "sat");
            if (check_mods(X) || op3(X, TG_OP_FFMA, t, 1)) return -1;
            if (sat) saturate(X, X->map[X->in->ops[0].reg]);
            return 0;
        }
        if (op[0] == 'f') return unsupported(X, NULL);
        if (has(X, "lo")) { if (check_mods(X)) return -1; return op3(X, TG_OP_IMAD, (ptype){'b', t.bits}, 1); }
        if (has(X, "wide")) {
            if (t.bits != 32 && t.bits != 16) return unsupported(X, NULL);
            if (check_mods(X)) return -1;
            return op3(X, TG_OP_IMAD, t.bits == 16 ? t : (ptype){'b', 32}, 1);
        }
        if (has(X, "hi")) {
            if (t.bits != 32) return unsupported(X, "only 32-bit mad.hi is implemented");
            if (has(X, "sat")) return unsupported(X, "mad.hi.sat is not implemented");
            if (check_mods(X)) return -1;
            int ra, rb, rc, d, h = new_vreg(X);
            if (src(X, &X->in->ops[1], &ra) || src(X, &X->in->ops[2], &rb) || src(X, &X->in->ops[3], &rc) ||
                dst(X, &X->in->ops[0], &d))
                return -1;
            tg_mi *m = emit(X, t.k == 's' ? TG_OP_IMULHI : TG_OP_UMULHI, 0);
            m->d = h; m->a = ra; m->b = rb;
            m = emitg(X, TG_OP_IADD, 0);
            m->d = d; m->a = h; m->b = rc;
            return 0;
        }
        return unsupported(X, "integer mad needs .lo, .hi or .wide");
    }
    if (!strcmp(op, "div")) {
        if (isf) {
            if (reject64(X, t, "")) return -1;
            if (has(X, "approx")) {
                /* a * (1/b) with the SFU reciprocal, as the hardware computes div.approx */
                has(X, "ftz");
                if (check_mods(X) || need_ops(X, 3)) return -1;
                int ra, rb, d, r = new_vreg(X);
                if (src(X, &X->in->ops[1], &ra) || src(X, &X->in->ops[2], &rb) || dst(X, &X->in->ops[0], &d)) return -1;
                tg_mi *m = emit(X, TG_OP_RCP, 0);
                m->d = r; m->a = rb;
                m = emitg(X, TG_OP_FMUL, 0);
                m->d = d; m->a = ra; m->b = r;
                return 0;
            }
            /* div.full (2 ulp) gets the correctly rounded quotient, which meets its bound */
            if (!has(X, "rn") && !has(X, "full")) return unsupported(X, "f32 div needs .rn, .full or .approx");
            if (has(X, "ftz")) return unsupported(X, ".ftz division is not implemented (TG32 keeps denormals)");
            if (check_mods(X)) return -1;
            return binop(X, TG_OP_FDIV, false, t);
        }
        if (reject64(X, t, "div") || check_mods(X)) return -1;
        return binop(X, t.k == 's' ? TG_OP_IDIV : TG_OP_UDIV, false, t);
    }
    if (!strcmp(op, "rem")) {
        if (isf || reject64(X, t, "rem") || check_mods(X)) return isf ? unsupported(X, NULL) : -1;
        return binop(X, t.k == 's' ? TG_OP_IREM : TG_OP_UREM, false, t);
    }
    if (!strcmp(op, "min") || !strcmp(op, "max")) {
        bool mn = op[1] == 'i';
        if (isf) {
            if (reject64(X, t, "")) return -1;
            if (has(X, "ftz")) return unsupported(X, ".ftz is not implemented (TG32 keeps denormals)");
            if (check_mods(X)) return -1;   /* .NaN and .xorsign stay unconsumed -> rejected */
            return binop(X, mn ? TG_OP_FMIN : TG_OP_FMAX, true, t);
        }
        if (reject64(X, t, mn ? "min" : "max") || check_mods(X)) return -1;
        int o = t.k == 's' ? (mn ? TG_OP_IMIN : TG_OP_IMAX) : (mn ? TG_OP_UMIN : TG_OP_UMAX);
        return binop(X, o, true, t);
    }
    if (!strcmp(op, "abs") || !strcmp(op, "neg")) {
        bool ab = op[0] == 'a';
        if (isf) {
            if (reject64(X, t, "")) return -1;
            if (has(X, "ftz")) return unsupported(X, ".ftz is not implemented (TG32 keeps denormals)");
            if (check_mods(X)) return -1;
            return unop(X, ab ? TG_OP_FABS : TG_OP_FNEG);
        }
        if (check_mods(X)) return -1;
        if (ab) {
            if (reject64(X, t, "abs")) return -1;
            if (need_ops(X, 2)) return -1;
            int ra, d;
            if (src_ext(X, &X->in->ops[1], t, &ra) || dst(X, &X->in->ops[0], &d)) return -1;
            tg_mi *m = emitg(X, TG_OP_IABS, 0);
            m->d = d; m->a = ra;
            return 0;
        }
        return unop(X, TG_OP_INEG);   /* low bits of a negation are exact at any width */
    }
    return unsupported(X, NULL);
}

static int lower_bits(lower *X, const char *op)
{
    ptype t;
    if (!type_at(X, 0, &t)) return unsupported(X, "missing type");
    if (t.k == 'p') {
        if (check_mods(X)) return -1;
        int d, a, b = MI_ZERO;
        bool an, bn = false;
        if (pdst(X, &X->in->ops[0], &d)) return -1;
        if (!strcmp(op, "not")) {
            if (need_ops(X, 2) || psrc(X, &X->in->ops[1], &a, &an, false)) return -1;
            tg_mi *m = emitg(X, TG_OP_PAND, 0);
            m->d = d; m->a = a; m->pa_neg = true; m->b = MI_ZERO;
            return 0;
        }
        if (need_ops(X, 3) || psrc(X, &X->in->ops[1], &a, &an, false) || psrc(X, &X->in->ops[2], &b, &bn, false)) return -1;
        int o = !strcmp(op, "and") ? TG_OP_PAND : !strcmp(op, "or") ? TG_OP_POR : !strcmp(op, "xor") ? TG_OP_PXOR : -1;
        if (o < 0) return unsupported(X, NULL);
        tg_mi *m = emitg(X, o, 0);
        m->d = d; m->a = a; m->b = b;
        return 0;
    }
    if (t.k == 'f' || t.k == 'h' || t.k == 'x') return unsupported(X, NULL);
    if (!strcmp(op, "and") || !strcmp(op, "or") || !strcmp(op, "xor")) {
        if (check_mods(X)) return -1;
        int o = op[0] == 'a' ? TG_OP_AND : op[0] == 'o' ? TG_OP_OR : TG_OP_XOR;
        return binop(X, o, true, (ptype){'b', t.bits});
    }
    if (!strcmp(op, "not") || !strcmp(op, "cnot")) {
        if (op[0] == 'c' || check_mods(X)) return op[0] == 'c' ? unsupported(X, NULL) : -1;
        return unop(X, TG_OP_NOT);
    }
    if (!strcmp(op, "shl")) {
        if (check_mods(X)) return -1;
        /* the shift amount is .u32; amounts >= 32 give 0 on TG32 as the low bits do in PTX */
        return binop(X, TG_OP_SHL, false, (ptype){'b', t.bits});
    }
    if (!strcmp(op, "shr")) {
        const ptx_operand *src64 = &X->in->ops[1], *amt = &X->in->ops[2];
        if (t.bits == 64 && X->in->nops == 3 && src64->kind == PO_REG && X->hi[src64->reg] >= 0 &&
            amt->kind == PO_IMM && amt->imm >= 32 && amt->imm < 64) {
            /* the high word of a 32 x 32 -> 64 product, kept by its mul.wide */
            int d;
            if (check_mods(X) || dst(X, &X->in->ops[0], &d)) return -1;
            tg_mi *m = emitg(X, t.k == 's' ? TG_OP_SRA : TG_OP_SHR, 0);
            m->d = d; m->a = X->hi[src64->reg]; m->bimm = true; m->imm = (uint32_t)(amt->imm - 32);
            return 0;
        }
        if (reject64(X, t, "shr") || check_mods(X)) return -1;
        if (t.bits < 32) {   /* extend the value (not the shift amount) first */
            int ra, d;
            if (src_ext(X, &X->in->ops[1], (ptype){t.k == 's' ? 's' : 'u', t.bits}, &ra) || dst(X, &X->in->ops[0], &d)) return -1;
            tg_mi *m = emitg(X, t.k == 's' ? TG_OP_SRA : TG_OP_SHR, 0);
            m->d = d; m->a = ra;
            return set_b(X, m, &X->in->ops[2]);
        }
        return binop(X, t.k == 's' ? TG_OP_SRA : TG_OP_SHR, false, t);
    }
    if (!strcmp(op, "popc") || !strcmp(op, "clz") || !strcmp(op, "brev")) {
        if (t.bits != 32) return unsupported(X, "only the .b32 form is implemented");
        if (check_mods(X)) return -1;
        return unop(X, op[0] == 'p' ? TG_OP_POPC : op[0] == 'c' ? TG_OP_CLZ : TG_OP_BREV);
    }
    if (!strcmp(op, "bfind")) {
        /* position of the most significant 1 (of ~a for negative .s32), 0xffffffff if none; .shiftamt
         * gives 31 - position instead. clz supplies both: 31 - clz(0) = -1 already. */
        bool amt = has(X, "shiftamt");
        if (t.bits != 32 || check_mods(X) || need_ops(X, 2)) return t.bits != 32 ? unsupported(X, "only 32-bit bfind") : -1;
        int ra, d, x = new_vreg(X), z = new_vreg(X);
        if (src(X, &X->in->ops[1], &ra) || dst(X, &X->in->ops[0], &d)) return -1;
        if (t.k == 's') {   /* x = a ^ (a >> 31): flips negative values */
            int sg = new_vreg(X);
            tg_mi *m = emit(X, TG_OP_SRA, 0); m->d = sg; m->a = ra; m->bimm = true; m->imm = 31;
            m = emit(X, TG_OP_XOR, 0); m->d = x; m->a = ra; m->b = sg;
            ra = x;
            x = new_vreg(X);
        }
        tg_mi *m = emit(X, TG_OP_CLZ, 0); m->d = z; m->a = ra;
        if (!amt) {
            m = emit(X, TG_OP_MOV, 0); m->d = x; m->bimm = true; m->imm = 31;
            m = emitg(X, TG_OP_ISUB, 0); m->d = d; m->a = x; m->b = z;
            return 0;
        }
        int p = new_vpred(X);
        m = emit(X, TG_OP_USETP, TG_COND_EQ); m->d = p; m->a = ra; m->bimm = true; m->imm = 0;
        m = emitg(X, TG_OP_SEL, 0); m->d = d; m->a = z; m->bimm = true; m->imm = 0xffffffffu; m->p = p; m->pa_neg = true;
        return 0;
    }
    if (!strcmp(op, "bfe")) {
        if (t.bits != 32 || check_mods(X) || need_ops(X, 4)) return t.bits != 32 ? unsupported(X, "only 32-bit bfe") : -1;
        return op3(X, t.k == 's' ? TG_OP_BFES : TG_OP_BFE, (ptype){'b', 32}, 1);
    }
    if (!strcmp(op, "bfi")) {
        if (t.bits != 32 || check_mods(X) || need_ops(X, 5)) return t.bits != 32 ? unsupported(X, "only 32-bit bfi") : -1;
        /* TG32 takes position and length packed in one register: rc[7:0] pos, rc[15:8] len */
        const ptx_operand *pos = &X->in->ops[3], *len = &X->in->ops[4];
        int ra, rb, rc, d;
        if (src(X, &X->in->ops[1], &ra) || src(X, &X->in->ops[2], &rb) || dst(X, &X->in->ops[0], &d)) return -1;
        if (pos->kind == PO_IMM && len->kind == PO_IMM) {
            tg_mi *m = emit(X, TG_OP_MOV, 0);
            m->d = rc = new_vreg(X); m->bimm = true;
            m->imm = (imm32(pos) & 0xff) | (imm32(len) & 0xff) << 8;
        } else {
            int rp, rl, t1 = new_vreg(X), t2 = new_vreg(X);
            if (src(X, pos, &rp) || src(X, len, &rl)) return -1;
            tg_mi *m = emit(X, TG_OP_AND, 0); m->d = t1; m->a = rp; m->bimm = true; m->imm = 0xff;
            m = emit(X, TG_OP_AND, 0); m->d = t2; m->a = rl; m->bimm = true; m->imm = 0xff;
            m = emit(X, TG_OP_SHL, 0); m->d = t2; m->a = t2; m->bimm = true; m->imm = 8;
            m = emit(X, TG_OP_OR, 0); m->d = rc = new_vreg(X); m->a = t1; m->b = t2;
        }
        tg_mi *m = emitg(X, TG_OP_BFI, 0);
        m->d = d; m->a = ra; m->b = rb; m->c = rc;
        return 0;
    }
    if (!strcmp(op, "prmt")) {
        if (t.bits != 32 || check_mods(X) || need_ops(X, 4)) return t.bits != 32 ? unsupported(X, NULL) : -1;
        return op3(X, TG_OP_PRMT, (ptype){'b', 32}, 1);   /* .f4e/.b4e/... modes stay unconsumed */
    }
    return unsupported(X, NULL);
}

static int lower_mov(lower *X)
{
    ptype t;
    if (!type_at(X, 0, &t)) return unsupported(X, "missing type");
    if (check_mods(X) || need_ops(X, 2)) return -1;
    const ptx_operand *d = &X->in->ops[0], *a = &X->in->ops[1];
    if (t.k == 'p') {
        int pd, pa;
        bool an;
        if (pdst(X, d, &pd) || psrc(X, a, &pa, &an, true)) return -1;
        tg_mi *m = emitg(X, TG_OP_PAND, 0);
        m->d = pd; m->a = pa; m->pa_neg = an; m->b = MI_ZERO;
        return 0;
    }
    if (t.k == 'f' && t.bits == 64) return unsupported(X, "f64 is not supported");
    if (d->kind == PO_VEC) {   /* unpack */
        if (check_reg(X, a, false)) return -1;
        int ra = X->map[a->reg];
        if (t.bits == 64 && d->nvec == 2) {
            if (d->vec[1] >= 0) return unsupported(X, "the upper half of a 64-bit register is not kept on TG32");
            if (d->vec[0] >= 0) { tg_mi *m = emitg(X, TG_OP_MOV, 0); m->d = X->map[d->vec[0]]; m->b = ra; }
            return 0;
        }
        if (t.bits == 32 && d->nvec == 2) {
            if (d->vec[0] >= 0) { tg_mi *m = emitg(X, TG_OP_MOV, 0); m->d = X->map[d->vec[0]]; m->b = ra; }
            if (d->vec[1] >= 0) { tg_mi *m = emitg(X, TG_OP_SHR, 0); m->d = X->map[d->vec[1]]; m->a = ra; m->bimm = true; m->imm = 16; }
            return 0;
        }
        return unsupported(X, "this vector unpack is not implemented");
    }
    if (a->kind == PO_VEC) {   /* pack: {lo, hi} */
        int dd;
        if (dst(X, d, &dd)) return -1;
        for (int i = 0; i < a->nvec; i++) if (a->vec[i] < 0) return fail(X, "'_' in a source vector");
        if (t.bits == 64 && a->nvec == 2) {   /* low 32 bits = the first element */
            tg_mi *m = emitg(X, TG_OP_MOV, 0); m->d = dd; m->b = X->map[a->vec[0]];
            return 0;
        }
        if ((t.bits == 32 && a->nvec == 2) || (t.bits == 64 && a->nvec == 4)) {
            int lo = new_vreg(X), hi = new_vreg(X);
            tg_mi *m = emit(X, TG_OP_ZX16, 0); m->d = lo; m->a = X->map[a->vec[0]];
            m = emit(X, TG_OP_SHL, 0); m->d = hi; m->a = X->map[a->vec[1]]; m->bimm = true; m->imm = 16;
            m = emitg(X, TG_OP_OR, 0); m->d = dd; m->a = lo; m->b = hi;
            return 0;
        }
        return unsupported(X, "this vector pack is not implemented");
    }
    int dd;
    if (dst(X, d, &dd)) return -1;
    if (a->kind == PO_SREG) {
        tg_mi *m = emitg(X, TG_OP_S2R, 0);
        m->d = dd; m->a = a->sreg;
        return 0;
    }
    tg_mi *m = emitg(X, TG_OP_MOV, 0);
    m->d = dd;
    return set_b(X, m, a);
}

static int cond_code(lower *X, const char *c, bool isf, bool *unsigned_cmp)
{
    static const char *const names[] = { "eq", "ne", "lt", "le", "gt", "ge", "equ", "neu", "ltu", "leu", "gtu", "geu", "num", "nan" };
    for (int i = 0; i < 14; i++) {
        if (strcmp(c, names[i])) continue;
        if (!isf && i > TG_COND_GE) return -1;
        return i;
    }
    if (!isf) {
        static const char *const un[] = { "lo", "ls", "hi", "hs" };
        for (int i = 0; i < 4; i++) if (!strcmp(c, un[i])) { *unsigned_cmp = true; return TG_COND_LT + i; }
    }
    (void)X;
    return -1;
}

static int lower_setp(lower *X)
{
    const ptx_inst *in = X->in;
    ptype t;
    if (!type_at(X, 0, &t)) return unsupported(X, "missing type");
    bool isf = t.k == 'f';
    if (reject64(X, t, "compare")) return -1;
    if (t.k == 'p') return unsupported(X, NULL);
    if (in->nmods < 2) return unsupported(X, NULL);
    bool uns = t.k == 'u' || t.k == 'b';
    int cond = cond_code(X, in->mods[0], isf, &uns);
    if (cond < 0) return unsupported(X, "unknown comparison");
    X->used |= 1u;
    int boolop = -1;
    if (has(X, "and")) boolop = TG_OP_PAND;
    else if (has(X, "or")) boolop = TG_OP_POR;
    else if (has(X, "xor")) boolop = TG_OP_PXOR;
    if (isf && has(X, "ftz")) return unsupported(X, ".ftz compares are not implemented (TG32 keeps denormals)");
    if (check_mods(X) || need_ops(X, boolop >= 0 ? 4 : 3)) return -1;
    const ptx_operand *od = &in->ops[0];
    if (check_reg(X, od, true)) return -1;
    int p = X->map[od->reg], q = od->reg2 >= 0 ? X->map[od->reg2] : MI_NONE;
    if (od->reg2 >= 0 && rclass(X, od->reg2) != PTX_RC_PRED) return fail(X, "expected a predicate after '|'");
    int ra;
    ptype et = isf ? t : (ptype){uns ? 'u' : 's', t.bits};
    if (src_ext(X, &in->ops[1], et, &ra)) return -1;
    int rb = MI_NONE;
    if (in->ops[2].kind == PO_REG && t.bits < 32 && src_ext(X, &in->ops[2], et, &rb)) return -1;
    int cmpd = (boolop >= 0 || q != MI_NONE) ? new_vpred(X) : p;
    tg_mi *m = (cmpd == p) ? emitg(X, isf ? TG_OP_FSETP : uns ? TG_OP_USETP : TG_OP_ISETP, cond)
                           : emit(X, isf ? TG_OP_FSETP : uns ? TG_OP_USETP : TG_OP_ISETP, cond);
    m->d = cmpd;
    m->a = ra;
    if (rb != MI_NONE) m->b = rb;
    else if (set_b(X, m, &in->ops[2])) return -1;
    if (cmpd == p) return 0;
    int c = MI_ZERO;
    bool cn = false;
    if (boolop >= 0 && psrc(X, &in->ops[3], &c, &cn, true)) return -1;
    if (boolop < 0) boolop = TG_OP_PAND;   /* p = t & pt */
    m = emitg(X, boolop, 0);
    m->d = p; m->a = cmpd; m->b = c; m->pb_neg = cn;
    if (q != MI_NONE) {   /* q = !t BOOLOP c */
        m = emitg(X, boolop, 0);
        m->d = q; m->a = cmpd; m->pa_neg = true; m->b = c; m->pb_neg = cn;
    }
    return 0;
}

static int lower_selp(lower *X)
{
    ptype t;
    if (!type_at(X, 0, &t) || check_mods(X) || need_ops(X, 4)) return X->e->set ? -1 : unsupported(X, "missing type");
    if (t.k == 'f' && t.bits == 64) return unsupported(X, "f64 is not supported");
    const ptx_operand *a = &X->in->ops[1], *b = &X->in->ops[2];
    int p, d;
    bool pn;
    if (psrc(X, &X->in->ops[3], &p, &pn, false) || dst(X, &X->in->ops[0], &d)) return -1;
    if (is_imm(a) && !is_imm(b)) {   /* sel wants a register first: swap and negate */
        const ptx_operand *s = a; a = b; b = s;
        pn = !pn;
    }
    int ra;
    if (src(X, a, &ra)) return -1;
    tg_mi *m = emitg(X, TG_OP_SEL, 0);
    m->d = d; m->a = ra; m->p = p; m->pa_neg = pn;
    return set_b(X, m, b);
}

static int round_mod(lower *X, bool integral, int *mod)
{
    static const char *const f[] = { "rn", "rz", "rm", "rp" }, *const i[] = { "rni", "rzi", "rmi", "rpi" };
    for (int r = 0; r < 4; r++)
        if (has(X, integral ? i[r] : f[r])) { *mod = r; return 1; }
    return 0;
}

/* cvt.dtype.stype: every combination of 8/16/32/64-bit integers, f32, f16 and bf16. */
static int lower_cvt(lower *X)
{
    ptype td, ts;
    if (!type_at(X, 0, &td) || !type_at(X, 1, &ts)) return unsupported(X, "needs two types");
    if (need_ops(X, 2)) return -1;
    if ((td.k == 'f' && td.bits == 64) || (ts.k == 'f' && ts.bits == 64)) return unsupported(X, "f64 is not supported");
    if (td.k == 'x' || ts.k == 'x' || td.k == 'p' || ts.k == 'p') return unsupported(X, NULL);
    bool fd = td.k == 'f' || td.k == 'h', fs = ts.k == 'f' || ts.k == 'h';
    int rnd = TG_RND_RN, irnd = TG_RND_RN;
    bool have_rnd = round_mod(X, false, &rnd), have_irnd = round_mod(X, true, &irnd);
    bool sat = has(X, "sat");
    bool ftz = has(X, "ftz");
    if (check_mods(X)) return -1;
    int d, a;
    if (dst(X, &X->in->ops[0], &d)) return -1;
    const ptx_operand *os = &X->in->ops[1];
    if (!fd && !fs) {   /* integer <-> integer */
        if (have_rnd || have_irnd || ftz) return unsupported(X, "rounding on an integer conversion");
        if (sat) return unsupported(X, "integer .sat conversions are not implemented");
        if (td.bits == 64 && ts.bits == 64) return movop(X);
        if (src(X, os, &a)) return -1;
        /* extend the source when the destination is wider, then narrow to the destination type */
        int v = a;
        if (ts.bits < 32 && td.bits > ts.bits && os->kind == PO_REG) {
            int op = ts.k == 's' ? (ts.bits == 8 ? TG_OP_SX8 : TG_OP_SX16) : (ts.bits == 8 ? TG_OP_ZX8 : TG_OP_ZX16);
            tg_mi *m = (td.bits < 32) ? emit(X, op, 0) : emitg(X, op, 0);
            m->a = v;
            m->d = v = (td.bits < 32) ? new_vreg(X) : d;
            if (td.bits >= 32) return 0;
        }
        if (td.bits < 32) {
            int op = td.k == 's' ? (td.bits == 8 ? TG_OP_SX8 : TG_OP_SX16) : (td.bits == 8 ? TG_OP_ZX8 : TG_OP_ZX16);
            tg_mi *m = emitg(X, op, 0);
            m->d = d; m->a = v;
            return 0;
        }
        tg_mi *m = emitg(X, TG_OP_MOV, 0);   /* 32 <-> 64: the low 32 bits are the value */
        m->d = d; m->b = v;
        return 0;
    }
    if (fd && fs) {
        if (td.k == 'f' && td.bits == 32 && ts.k == 'f' && ts.bits == 32) {
            if (ftz) return unsupported(X, ".ftz is not implemented (TG32 keeps denormals)");
            if (have_rnd) return unsupported(X, "f32 -> f32 with a rounding mode");
            if (src(X, os, &a)) return -1;
            tg_mi *m = emitg(X, have_irnd ? TG_OP_FRND : TG_OP_MOV, have_irnd ? irnd : 0);
            m->d = d;
            if (have_irnd) m->a = a; else m->b = a;
            if (sat) saturate(X, d);
            return 0;
        }
        if (sat || ftz || have_irnd) return unsupported(X, NULL);
        if (src(X, os, &a)) return -1;
        if (td.bits == 32) {   /* f16/bf16 -> f32: exact */
            if (have_rnd) return unsupported(X, "widening to f32 takes no rounding mode");
            tg_mi *m = emitg(X, ts.k == 'f' ? TG_OP_H2F : TG_OP_BF2F, 0);
            m->d = d; m->a = a;
            return 0;
        }
        if (ts.bits == 32 && td.bits == 16) {
            if (rnd != TG_RND_RN) return unsupported(X, "only .rn rounding to f16/bf16");
            tg_mi *m = emitg(X, td.k == 'f' ? TG_OP_F2H : TG_OP_F2BF, 0);
            m->d = d; m->a = a;
            return 0;
        }
        return unsupported(X, NULL);
    }
    if (fd) {   /* integer -> float */
        if (td.bits != 32 || td.k != 'f') return unsupported(X, "integer -> f16/bf16 is not implemented");
        if (ts.bits == 64) return unsupported(X, "64-bit integer -> f32 needs the upper 32 bits, which TG32 does not keep");
        if (ftz || have_irnd) return unsupported(X, NULL);
        if (src_ext(X, os, ts, &a)) return -1;
        tg_mi *m = emitg(X, ts.k == 's' ? TG_OP_I2F : TG_OP_U2F, rnd);
        m->d = d; m->a = a;
        if (sat) saturate(X, d);
        return 0;
    }
    /* float -> integer: PTX saturates to the destination range, NaN -> 0 */
    if (ts.k != 'f' || ts.bits != 32) {
        if (ts.k == 'f' || ts.k == 'h') {   /* f16/bf16 -> int: widen first */
            int w = new_vreg(X);
            if (src(X, os, &a)) return -1;
            tg_mi *m = emit(X, ts.k == 'f' ? TG_OP_H2F : TG_OP_BF2F, 0);
            m->d = w; m->a = a;
            os = NULL;
            a = w;
        }
    }
    if (ftz) { /* f32 source denormals round to 0 anyway for integer results, except with .rm/.rp */
        if (irnd == TG_RND_RM || irnd == TG_RND_RP) return unsupported(X, ".ftz with .rmi/.rpi is not implemented");
    }
    if (td.bits == 64) return unsupported(X, "float -> 64-bit integer is not representable on TG32");
    if (os && src(X, os, &a)) return -1;
    bool sgn = td.k == 's';
    if (td.bits == 32) {
        tg_mi *m = emitg(X, sgn ? TG_OP_F2I : TG_OP_F2U, irnd);
        m->d = d; m->a = a;
        return 0;
    }
    int w = new_vreg(X);
    tg_mi *m = emit(X, sgn ? TG_OP_F2I : TG_OP_F2U, irnd);
    m->d = w; m->a = a;
    int32_t lo = sgn ? -(1 << (td.bits - 1)) : 0, hi = sgn ? (1 << (td.bits - 1)) - 1 : (1 << td.bits) - 1;
    if (sgn) {
        m = emit(X, TG_OP_IMAX, 0); m->d = w; m->a = w; m->bimm = true; m->imm = (uint32_t)lo;
        m = emitg(X, TG_OP_IMIN, 0); m->d = d; m->a = w; m->bimm = true; m->imm = (uint32_t)hi;
    } else {
        m = emitg(X, TG_OP_UMIN, 0); m->d = d; m->a = w; m->bimm = true; m->imm = (uint32_t)hi;
    }
    return 0;
}

/* ---- memory ---------------------------------------------------------------------------------- */

static const char *const cache_hints[] = {
    "ca", "cg", "cs", "lu", "cv", "wb", "wt", "nc", "volatile", "weak", "relaxed", "cta", "gpu", "sys",
    "L1::evict_normal", "L1::evict_unchanged", "L1::evict_first", "L1::evict_last", "L1::no_allocate",
    "L2::evict_normal", "L2::evict_first", "L2::evict_last", "L2::64B", "L2::128B", "L2::256B",
    "L2::cache_hint", NULL
};

enum { SP_PARAM, SP_GLOBAL, SP_SHARED, SP_LOCAL };

static int mem_space(lower *X, int *sp)
{
    if (has(X, "param")) *sp = SP_PARAM;
    else if (has(X, "global")) *sp = SP_GLOBAL;
    else if (has(X, "shared") || has(X, "shared::cta")) *sp = SP_SHARED;
    else if (has(X, "local")) *sp = SP_LOCAL;
    else if (has(X, "const")) return unsupported(X, ".const memory is not supported");
    else *sp = SP_GLOBAL;   /* generic: only global pointers can become generic (docs/ptx.md) */
    return 0;
}

/* Fills the address fields (a = base register, imm/sym = offset) of a memory instruction. */
static int mem_addr(lower *X, const ptx_operand *o, int sp, int *base, uint32_t *off, const char **sym)
{
    if (o->kind != PO_MEM) return fail(X, "expected a memory operand [addr]");
    *base = MI_NONE;
    *sym = NULL;
    *off = (uint32_t)(uint64_t)o->imm;
    if (o->reg >= 0) {
        if (rclass(X, o->reg) == PTX_RC_PRED || rclass(X, o->reg) == PTX_RC_F64) return fail(X, "bad address register");
        *base = X->map[o->reg];
        return 0;
    }
    if (!o->sym[0]) return 0;
    const ptx_param *p = find_param(X, o->sym);
    if (p) {
        if (sp != SP_PARAM) return fail(X, "parameter '%s' accessed outside ld.param", o->sym);
        *sym = p->name;
        return 0;
    }
    if (sp == SP_PARAM) return fail(X, "unknown parameter '%s'", o->sym);
    const ptx_var *v = find_var(X, o->sym);
    if (!v) return fail(X, "unknown variable '%s'", o->sym);
    if ((v->space == PTX_SHARED) != (sp == SP_SHARED) || (v->space == PTX_LOCAL) != (sp == SP_LOCAL))
        return fail(X, "variable '%s' accessed through the wrong state space", o->sym);
    *off += v->offset;
    return 0;
}

static int lower_ldst(lower *X, bool is_ld)
{
    ptype t;
    int sp;
    if (mem_space(X, &sp)) return -1;
    ignore(X, cache_hints);
    if (has(X, "acquire") || has(X, "release")) return unsupported(X, "memory ordering semantics are not implemented");
    int nvec = has(X, "v2") ? 2 : has(X, "v4") ? 4 : 1;
    if (!type_at(X, 0, &t)) return unsupported(X, "missing type");
    if (check_mods(X) || need_ops(X, 2)) return -1;
    if (t.k == 'f' && t.bits == 64) return unsupported(X, "f64 is not supported");
    if (t.bits == 128) return unsupported(X, NULL);
    const ptx_operand *val = &X->in->ops[is_ld ? 0 : 1], *addr = &X->in->ops[is_ld ? 1 : 0];
    int base;
    uint32_t off;
    const char *sym;
    if (mem_addr(X, addr, sp, &base, &off, &sym)) return -1;
    int op = sp == SP_PARAM ? TG_OP_LDP : sp == SP_GLOBAL ? (is_ld ? TG_OP_LDG : TG_OP_STG)
           : sp == SP_SHARED ? (is_ld ? TG_OP_LDS : TG_OP_STS) : (is_ld ? TG_OP_LDL : TG_OP_STL);
    if (sp == SP_PARAM && !is_ld) return unsupported(X, "stores to parameters");
    int ebytes = t.bits / 8;
    if (t.bits == 64 && !is_ld) return unsupported(X, "a 64-bit store needs the upper 32 bits, which TG32 does not keep");
    if (t.bits == 1) return unsupported(X, NULL);
    int width = ebytes == 1 ? (t.k == 's' ? TG_W_S8 : TG_W_U8) : ebytes == 2 ? (t.k == 's' ? TG_W_S16 : TG_W_U16) : TG_W_B32;
    if (!is_ld && width == TG_W_S8) width = TG_W_U8;
    if (!is_ld && width == TG_W_S16) width = TG_W_U16;
    int regs[4];
    if (nvec == 1) {
        if (val->kind == PO_VEC) return fail(X, "vector operand without .v2/.v4");
        if (is_ld) { if (dst(X, val, &regs[0])) return -1; }
        else if (src(X, val, &regs[0])) return -1;
    } else {
        if (val->kind != PO_VEC || val->nvec != nvec) return fail(X, "expected a vector of %d registers", nvec);
        for (int i = 0; i < nvec; i++) {
            if (val->vec[i] < 0) { if (!is_ld) return fail(X, "'_' in a stored vector"); regs[i] = MI_ZERO; continue; }
            regs[i] = X->map[val->vec[i]];
        }
    }
    if (ebytes == 4 && nvec > 1 && sp != SP_PARAM) {
        /* one wide access through consecutive scratch registers (MI scratch block) */
        int w = nvec == 2 ? TG_W_B64 : TG_W_B128, sv = 4 * (int)(X->f->nwide++ % 2);
        if (!is_ld)
            for (int i = 0; i < nvec; i++) { tg_mi *m = emit(X, TG_OP_MOV, 0); m->d = MI_SV(sv + i); m->b = regs[i]; }
        tg_mi *m = emitg(X, op, w);
        m->d = MI_SV(sv); m->nwide = nvec; m->a = base; m->bimm = true; m->imm = off; m->sym = sym;
        if (is_ld)
            for (int i = 0; i < nvec; i++) {
                if (regs[i] == MI_ZERO) continue;
                m = emitg(X, TG_OP_MOV, 0); m->d = regs[i]; m->b = MI_SV(sv + i);
            }
        return 0;
    }
    /* scalar accesses (vectors of narrow elements are split: same bytes, same order) */
    for (int i = 0; i < nvec; i++) {
        if (regs[i] == MI_ZERO && is_ld) continue;
        tg_mi *m = emitg(X, op, width);
        m->d = regs[i]; m->a = base; m->bimm = true; m->imm = off + (uint32_t)(i * ebytes); m->sym = sym;
    }
    return 0;
}

static int lower_atom(lower *X, bool is_red)
{
    int sp;
    if (has(X, "global")) sp = SP_GLOBAL;
    else if (has(X, "shared") || has(X, "shared::cta")) sp = SP_SHARED;
    else sp = SP_GLOBAL;
    ignore(X, cache_hints);
    if (has(X, "acquire") || has(X, "release") || has(X, "acq_rel")) return unsupported(X, "memory ordering semantics are not implemented");
    static const struct { const char *n; int op; } ops[] = {
        {"add", TG_ATOM_ADD}, {"min", TG_ATOM_SMIN}, {"max", TG_ATOM_SMAX}, {"exch", TG_ATOM_EXCH},
        {"cas", TG_ATOM_CAS}, {"and", TG_ATOM_AND}, {"or", TG_ATOM_OR}, {"xor", TG_ATOM_XOR},
        {"inc", TG_ATOM_INC}, {"dec", TG_ATOM_DEC},
    };
    int aop = -1;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0] && aop < 0; i++) if (has(X, ops[i].n)) aop = ops[i].op;
    ptype t;
    if (aop < 0 || !type_at(X, 0, &t)) return unsupported(X, NULL);
    if (t.bits != 32) return unsupported(X, t.bits == 64 ? "64-bit atomics are not representable on TG32" : "only 32-bit atomics");
    if (t.k == 'f') {
        if (aop != TG_ATOM_ADD) return unsupported(X, NULL);
        has(X, "ftz");   /* f32 atom.add (no ftz in PTX's f32 form is rn) */
        aop = TG_ATOM_FADD;
    } else if (t.k == 'u' && (aop == TG_ATOM_SMIN || aop == TG_ATOM_SMAX)) {
        aop = aop == TG_ATOM_SMIN ? TG_ATOM_UMIN : TG_ATOM_UMAX;
    } else if (t.k == 'u' && aop != TG_ATOM_ADD && aop != TG_ATOM_INC && aop != TG_ATOM_DEC && aop != TG_ATOM_EXCH && aop != TG_ATOM_CAS) {
        return unsupported(X, NULL);
    } else if (t.k == 'h' || t.k == 'x') return unsupported(X, NULL);
    if (check_mods(X)) return -1;
    int first = is_red ? 0 : 1;
    int nsrc = aop == TG_ATOM_CAS ? 2 : 1;
    if (need_ops(X, first + 1 + nsrc)) return -1;
    int d = MI_ZERO;
    if (!is_red && dst(X, &X->in->ops[0], &d)) return -1;
    int base;
    uint32_t off;
    const char *sym;
    if (mem_addr(X, &X->in->ops[first], sp, &base, &off, &sym)) return -1;
    int addr = base;
    if (base == MI_NONE || off != 0) {   /* atomics take [ra] only: fold the offset */
        tg_mi *m = emit(X, base == MI_NONE ? TG_OP_MOV : TG_OP_IADD, 0);
        m->d = addr = new_vreg(X);
        if (base != MI_NONE) m->a = base;
        m->bimm = true; m->imm = off;
    }
    int rb, rc = MI_NONE;
    if (src(X, &X->in->ops[first + 1], &rb)) return -1;
    if (nsrc == 2 && src(X, &X->in->ops[first + 2], &rc)) return -1;
    tg_mi *m = emitg(X, sp == SP_SHARED ? TG_OP_ATOMS : TG_OP_ATOMG, aop);
    m->d = d; m->a = addr; m->b = rb; m->c = rc;
    return 0;
}

static int lower_sfu(lower *X, const char *op)
{
    ptype t;
    if (!type_at(X, 0, &t) || t.k != 'f' || t.bits != 32) return unsupported(X, "only f32");
    if (need_ops(X, 2)) return -1;
    static const struct { const char *n; int op; } sfu[] = {
        {"rcp", TG_OP_RCP}, {"rsqrt", TG_OP_RSQ}, {"ex2", TG_OP_EX2}, {"lg2", TG_OP_LG2},
        {"sin", TG_OP_SIN}, {"cos", TG_OP_COS}, {"tanh", TG_OP_TANH}, {"sqrt", -1},
    };
    int sop = -2;
    for (size_t i = 0; i < sizeof sfu / sizeof sfu[0]; i++) if (!strcmp(op, sfu[i].n)) sop = sfu[i].op;
    if (sop == -2) return unsupported(X, NULL);
    if (has(X, "approx")) {
        /* The SFU flushes denormal inputs and outputs whether or not .ftz is written (docs/ptx.md). */
        has(X, "ftz");
        if (check_mods(X)) return -1;
        /* sqrt.approx: the correctly rounded square root is within its error bound */
        return unop(X, sop == -1 ? TG_OP_FSQRT : sop);
    }
    if (has(X, "rn") && (sop == -1 || sop == TG_OP_RCP)) {
        if (has(X, "ftz")) return unsupported(X, ".ftz is not implemented (TG32 keeps denormals)");
        if (check_mods(X)) return -1;
        if (sop == -1) return unop(X, TG_OP_FSQRT);
        int one = new_vreg(X), ra, d;
        if (src(X, &X->in->ops[1], &ra) || dst(X, &X->in->ops[0], &d)) return -1;
        tg_mi *m = emit(X, TG_OP_MOV, 0); m->d = one; m->bimm = true; m->imm = 0x3f800000; m->fimm = true;
        m = emitg(X, TG_OP_FDIV, 0); m->d = d; m->a = one; m->b = ra;
        return 0;
    }
    return unsupported(X, "only .approx forms (and sqrt.rn, rcp.rn) map to TG32");
}

static int lower_shfl(lower *X)
{
    has(X, "sync");
    int mode = has(X, "idx") ? TG_SHFL_IDX : has(X, "up") ? TG_SHFL_UP : has(X, "down") ? TG_SHFL_DOWN
             : has(X, "bfly") ? TG_SHFL_BFLY : -1;
    ptype t;
    if (mode < 0 || !type_at(X, 0, &t) || t.bits != 32) return unsupported(X, NULL);
    if (check_mods(X)) return -1;
    /* shfl.sync d|p, a, b, c, membermask: the mask is not checked (docs/ptx.md) */
    if (X->in->nops != 5 && X->in->nops != 4) return fail(X, "shfl takes 4 or 5 operands");
    const ptx_operand *od = &X->in->ops[0];
    int d, p = MI_NONE, ra, rb, rc;
    if (check_reg(X, od, false)) return -1;
    d = X->map[od->reg];
    if (od->reg2 >= 0) {
        if (rclass(X, od->reg2) != PTX_RC_PRED) return fail(X, "expected a predicate after '|'");
        p = X->map[od->reg2];
    }
    if (src(X, &X->in->ops[1], &ra) || src(X, &X->in->ops[2], &rb) || src(X, &X->in->ops[3], &rc)) return -1;
    if (X->in->nops == 5) {   /* the mask operand must still be well-formed */
        const ptx_operand *mk = &X->in->ops[4];
        if (mk->kind != PO_IMM && mk->kind != PO_REG) return fail(X, "bad membermask operand");
    }
    tg_mi *m = emitg(X, TG_OP_SHFL, mode);
    m->d = d; m->a = ra; m->b = rb; m->c = rc; m->p = p;
    return 0;
}

static int lower_vote(lower *X)
{
    has(X, "sync");
    int op = has(X, "all") ? TG_OP_VOTEALL : has(X, "any") ? TG_OP_VOTEANY : has(X, "uni") ? TG_OP_VOTEUNI
           : has(X, "ballot") ? TG_OP_BALLOT : -1;
    ptype t;
    if (op < 0 || !type_at(X, 0, &t)) return unsupported(X, NULL);
    if (check_mods(X)) return -1;
    if (X->in->nops != 3 && X->in->nops != 2) return fail(X, "vote takes 2 or 3 operands");
    int a, d;
    bool an;
    if (psrc(X, &X->in->ops[1], &a, &an, true)) return -1;
    if (op == TG_OP_BALLOT ? dst(X, &X->in->ops[0], &d) : pdst(X, &X->in->ops[0], &d)) return -1;
    tg_mi *m = emitg(X, op, 0);
    m->d = d; m->a = a; m->pa_neg = an;
    return 0;
}

static int lower_bar(lower *X)
{
    if (has(X, "warp")) {
        /* bar.warp.sync (__syncwarp): TG32 issues the smallest pc among a warp's runnable lanes, so no
         * lane runs past this point while another lane of the warp is still before it: the
         * convergence and the ordering __syncwarp promises already hold. Nothing to emit. */
        has(X, "sync");
        if (check_mods(X)) return -1;
        if (X->in->nops != 1 || (X->in->ops[0].kind != PO_IMM && X->in->ops[0].kind != PO_REG))
            return fail(X, "bar.warp.sync takes one membermask operand");
        return 0;
    }
    /* bar.sync / barrier.sync (.aligned) / plain bar and barrier; bar.arrive, bar.red stay
     * unconsumed and are rejected */
    has(X, "sync");
    has(X, "aligned");
    if (check_mods(X)) return -1;
    if (X->in->nops < 1 || X->in->nops > 2) return fail(X, "bar takes 1 or 2 operands");
    const ptx_operand *id = &X->in->ops[0];
    if (id->kind != PO_IMM || id->imm < 0 || id->imm > 15) return unsupported(X, "the barrier id must be a constant 0..15");
    int count = MI_NONE;
    if (X->in->nops == 2 && src(X, &X->in->ops[1], &count)) return -1;
    tg_mi *m = emitg(X, TG_OP_BAR, 0);
    m->bimm = true;
    m->imm = (uint32_t)id->imm;
    m->a = count;
    return 0;
}

static int lower_inst(lower *X)
{
    const ptx_inst *in = X->in;
    const char *op = in->opcode;
    X->used = 0;
    if (!strcmp(op, "mov")) return lower_mov(X);
    if (!strcmp(op, "ld") || !strcmp(op, "ldu")) return lower_ldst(X, true);
    if (!strcmp(op, "st")) return lower_ldst(X, false);
    if (!strcmp(op, "cvta")) {
        bool to = has(X, "to");
        if (has(X, "global")) {
            ptype t;
            if (!type_at(X, 0, &t) || check_mods(X) || need_ops(X, 2)) return X->e->set ? -1 : unsupported(X, NULL);
            if (in->ops[1].kind == PO_SYM) return unsupported(X, "global variables are not supported");
            (void)to;   /* global <-> generic: the same addresses on TG32 */
            return movop(X);
        }
        return unsupported(X, "generic pointers to shared, local or const memory are not supported; only global pointers may be generic");
    }
    if (!strcmp(op, "add") || !strcmp(op, "sub") || !strcmp(op, "mul") || !strcmp(op, "mad") ||
        !strcmp(op, "fma") || !strcmp(op, "div") || !strcmp(op, "rem") || !strcmp(op, "min") ||
        !strcmp(op, "max") || !strcmp(op, "abs") || !strcmp(op, "neg"))
        return lower_arith(X, op);
    if (!strcmp(op, "and") || !strcmp(op, "or") || !strcmp(op, "xor") || !strcmp(op, "not") ||
        !strcmp(op, "cnot") || !strcmp(op, "shl") || !strcmp(op, "shr") || !strcmp(op, "popc") ||
        !strcmp(op, "clz") || !strcmp(op, "brev") || !strcmp(op, "bfe") || !strcmp(op, "bfi") || !strcmp(op, "bfind") ||
        !strcmp(op, "prmt"))
        return lower_bits(X, op);
    if (!strcmp(op, "setp")) return lower_setp(X);
    if (!strcmp(op, "selp")) return lower_selp(X);
    if (!strcmp(op, "cvt")) return lower_cvt(X);
    if (!strcmp(op, "rcp") || !strcmp(op, "sqrt") || !strcmp(op, "rsqrt") || !strcmp(op, "ex2") ||
        !strcmp(op, "lg2") || !strcmp(op, "sin") || !strcmp(op, "cos") || !strcmp(op, "tanh"))
        return lower_sfu(X, op);
    if (!strcmp(op, "bra")) {
        has(X, "uni");
        if (check_mods(X) || need_ops(X, 1)) return -1;
        if (in->ops[0].kind != PO_SYM) return unsupported(X, "indirect branches");
        int id = -1;
        for (int i = 0; i < X->k->nlabels; i++) if (!strcmp(X->k->labels[i], in->ops[0].sym)) id = i;
        if (id < 0) return fail(X, "unknown label '%s'", in->ops[0].sym);
        tg_mi *m = emitg(X, TG_OP_BRA, 0);
        m->label = id;
        return 0;
    }
    if (!strcmp(op, "ret") || !strcmp(op, "exit")) {
        has(X, "uni");
        if (check_mods(X) || need_ops(X, 0)) return -1;
        emitg(X, TG_OP_EXIT, 0);
        return 0;
    }
    if (!strcmp(op, "bar") || !strcmp(op, "barrier")) return lower_bar(X);
    if (!strcmp(op, "copysign")) {   /* d = |b| with the sign of a: bit operations, exact */
        ptype t;
        if (!type_at(X, 0, &t) || t.k != 'f' || t.bits != 32) return unsupported(X, "only f32");
        if (check_mods(X) || need_ops(X, 3)) return -1;
        int ra, rb, d, t1 = new_vreg(X), t2 = new_vreg(X);
        if (src(X, &in->ops[1], &ra) || src(X, &in->ops[2], &rb) || dst(X, &in->ops[0], &d)) return -1;
        tg_mi *m = emit(X, TG_OP_AND, 0); m->d = t1; m->a = rb; m->bimm = true; m->imm = 0x7fffffff;
        m = emit(X, TG_OP_AND, 0); m->d = t2; m->a = ra; m->bimm = true; m->imm = 0x80000000u;
        m = emitg(X, TG_OP_OR, 0); m->d = d; m->a = t1; m->b = t2;
        return 0;
    }
    if (!strcmp(op, "shfl")) return lower_shfl(X);
    if (!strcmp(op, "vote")) return lower_vote(X);
    if (!strcmp(op, "atom")) return lower_atom(X, false);
    if (!strcmp(op, "red")) return lower_atom(X, true);
    return unsupported(X, NULL);
}

/* ---- memory layout --------------------------------------------------------------------------- */

static uint32_t align_up(uint32_t v, uint32_t a) { return a ? (v + a - 1) / a * a : v; }

/* Does the kernel mention variable `name` in any operand? */
static bool kernel_uses(const ptx_kernel *k, const char *name)
{
    for (int i = 0; i < k->ninsts; i++)
        for (int j = 0; j < k->insts[i].nops; j++) {
            const ptx_operand *o = &k->insts[i].ops[j];
            if ((o->kind == PO_SYM || o->kind == PO_MEM) && !strcmp(o->sym, name)) return true;
        }
    return false;
}

static int layout(lower *X, ptx_module *m)
{
    ptx_kernel *k = X->k;
    uint32_t sh = 0, lo = 0, dyn_align = 0;
    /* module-scope shared variables: each kernel gets the ones it uses */
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? k->nvars : m->nvars;
        ptx_var *vs = pass ? k->vars : m->vars;
        for (int i = 0; i < n; i++) {
            ptx_var *v = &vs[i];
            v->used = pass ? true : kernel_uses(k, v->name);
            if (!v->used) continue;
            if (v->is_extern) { if (v->align > dyn_align) dyn_align = v->align; continue; }
            if (v->space == PTX_SHARED) { sh = align_up(sh, v->align); v->offset = sh; sh += v->size; }
            else { lo = align_up(lo, v->align); v->offset = lo; lo += v->size; }
        }
    }
    /* dynamic shared memory starts where the static allocations end, aligned for every extern */
    if (dyn_align) sh = align_up(sh, dyn_align < 16 ? 16 : dyn_align);
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? k->nvars : m->nvars;
        ptx_var *vs = pass ? k->vars : m->vars;
        for (int i = 0; i < n; i++) if (vs[i].used && vs[i].is_extern) vs[i].offset = sh;
    }
    X->shared_end = sh;
    X->f->shared_bytes = sh;
    X->f->local_bytes = align_up(lo, 4);
    return 0;
}

int ptx_lower_kernel(const ptx_module *m, ptx_kernel *k, tg_mi_func *f, ptx_err *e)
{
    lower X;
    memset(&X, 0, sizeof X);
    X.m = m; X.k = k; X.f = f; X.e = e; X.file = m->filename;
    memset(f, 0, sizeof *f);
    f->labels = k->labels;
    f->nlabels = k->nlabels;
    layout(&X, (ptx_module *)m);
    X.map = malloc((size_t)(k->nregs ? k->nregs : 1) * sizeof *X.map);
    if (!X.map) { fprintf(stderr, "tgpu: out of memory\n"); exit(1); }
    for (int i = 0; i < k->nregs; i++)
        X.map[i] = k->regs[i].rclass == PTX_RC_PRED ? f->nvpreds++ : f->nvregs++;
    /* 64-bit registers defined once, by mul.wide.{s,u}32, and shifted right by >= 32 somewhere: their
     * high word is computed too (the only 64-bit values whose upper half TG32 keeps). */
    X.hi = malloc((size_t)(k->nregs ? k->nregs : 1) * sizeof *X.hi);
    int *ndef = calloc((size_t)(k->nregs ? k->nregs : 1), sizeof *ndef);
    if (!X.hi || !ndef) { fprintf(stderr, "tgpu: out of memory\n"); exit(1); }
    for (int i = 0; i < k->nregs; i++) X.hi[i] = -1;
    for (int i = 0; i < k->ninsts; i++) {
        const ptx_inst *in = &k->insts[i];
        if (in->label < 0 && in->nops > 0 && in->ops[0].kind == PO_REG && strcmp(in->opcode, "st") && strcmp(in->opcode, "red"))
            ndef[in->ops[0].reg]++;
    }
    for (int i = 0; i < k->ninsts; i++) {
        const ptx_inst *in = &k->insts[i];
        if (in->label >= 0 || strcmp(in->opcode, "shr") || in->nops != 3 || in->ops[1].kind != PO_REG) continue;
        int r = in->ops[1].reg;
        if (k->regs[r].rclass != PTX_RC_64 || ndef[r] != 1 || in->ops[2].kind != PO_IMM || in->ops[2].imm < 32) continue;
        for (int j = 0; j < k->ninsts; j++) {
            const ptx_inst *w = &k->insts[j];
            if (w->label < 0 && !strcmp(w->opcode, "mul") && w->nops == 3 && w->ops[0].kind == PO_REG && w->ops[0].reg == r &&
                w->nmods == 2 && !strcmp(w->mods[0], "wide") && (!strcmp(w->mods[1], "u32") || !strcmp(w->mods[1], "s32")) && w->guard < 0)
                X.hi[r] = f->nvregs++;
        }
    }
    free(ndef);
    for (int i = 0; i < k->ninsts && !e->set; i++) {
        const ptx_inst *in = &k->insts[i];
        X.in = in;
        if (in->label >= 0) {
            tg_mi *mi = mi_push(f, in->line);
            mi->op = MI_LABEL;
            mi->label = in->label;
            continue;
        }
        lower_inst(&X);
    }
    free(X.map);
    free(X.hi);
    return e->set ? -1 : 0;
}
