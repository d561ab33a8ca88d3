/* asm.c: the TG32 assembler: source text -> tg_module. Syntax in docs/isa.md ("Assembly").
 * One pass over the lines encodes instructions; branch targets that name labels not yet seen are
 * patched when their kernel ends (labels are scoped to their kernel). Every mnemonic, suffix and
 * operand shape comes from the ISA table (isa/tg32.def via isa.h), never from a list kept here. */
#include "isa/asm.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LABELS 4096
#define MAX_FIXUPS 8192

typedef struct label { char name[TG_NAME_MAX]; uint32_t pc; } label;
typedef struct fixup { char name[TG_NAME_MAX]; uint32_t pc; int line, col; } fixup;

typedef struct asm_state {
    const char *file;
    int line;                  /* current line (1-based) */
    const char *line_start;    /* for column numbers */
    char *err;
    size_t errlen;
    int failed;
    tg_module *m;
    size_t code_cap;
    tg_kernel *k;              /* current kernel, NULL before the first .kernel */
    int max_reg;               /* highest register used in the current kernel */
    label *labels; int nlabels;
    fixup *fixups; int nfixups;
} asm_state;

static int error_at(asm_state *s, const char *where, const char *fmt, ...)
{
    if (s->failed) return -1;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int col = where ? (int)(where - s->line_start) + 1 : 1;
    snprintf(s->err, s->errlen, "%s:%d:%d: %s", s->file, s->line, col, msg);
    s->failed = 1;
    return -1;
}

/* ---- small lexing helpers ----------------------------------------------------------------------- */

static const char *skip_ws(const char *p) { while (*p == ' ' || *p == '\t') p++; return p; }
static int is_ident(int c) { return isalnum(c) || c == '_' || c == '$' || c == '.'; }

/* Copies the identifier at *p (letters, digits, _ $ .) into buf; returns its length. */
static int take_ident(const char **p, char *buf, size_t cap)
{
    size_t n = 0;
    while (is_ident((unsigned char)**p)) {
        if (n + 1 < cap) buf[n] = **p;
        n++;
        (*p)++;
    }
    buf[n < cap ? n : cap - 1] = 0;
    return (int)n;
}

static int parse_reg_name(const char *t, int *reg)
{
    if (!strcmp(t, "rz")) { *reg = TG_RZ; return 0; }
    if (t[0] != 'r' || !isdigit((unsigned char)t[1])) return -1;
    char *end;
    long v = strtol(t + 1, &end, 10);
    if (*end || v < 0 || v >= TG_NUM_REGS || (t[1] == '0' && t[2])) return -1;
    *reg = (int)v;
    return 0;
}

static int parse_pred_name(const char *t, int *pred)
{
    if (!strcmp(t, "pt")) { *pred = TG_PT; return 0; }
    if (t[0] != 'p' || t[1] < '0' || t[1] > '6' || t[2]) return -1;
    *pred = t[1] - '0';
    return 0;
}

static void use_reg(asm_state *s, int reg, int count)
{
    if (reg != TG_RZ && reg + count - 1 > s->max_reg) s->max_reg = reg + count - 1;
}

static int expect(asm_state *s, const char **p, char c, const char *what)
{
    *p = skip_ws(*p);
    if (**p != c) return error_at(s, *p, "expected '%c' %s", c, what);
    (*p)++;
    return 0;
}

static int parse_reg(asm_state *s, const char **p, int *reg)
{
    *p = skip_ws(*p);
    const char *at = *p;
    char t[32];
    if (!take_ident(p, t, sizeof t) || parse_reg_name(t, reg)) return error_at(s, at, "expected a register (r0..r254 or rz)");
    use_reg(s, *reg, 1);
    return 0;
}

static int parse_pred(asm_state *s, const char **p, int *pred, int *neg, int allow_neg)
{
    *p = skip_ws(*p);
    const char *at = *p;
    *neg = 0;
    if (**p == '!') {
        if (!allow_neg) return error_at(s, at, "this predicate cannot be negated");
        *neg = 1;
        (*p)++;
    }
    char t[32];
    if (!take_ident(p, t, sizeof t) || parse_pred_name(t, pred)) return error_at(s, at, "expected a predicate (p0..p6 or pt)");
    return 0;
}

/* ---- immediates and symbols --------------------------------------------------------------------- */

static int find_symbol(asm_state *s, const char *name, int64_t *v)
{
    if (!s->k) return -1;
    for (uint32_t i = 0; i < s->k->nparams; i++)
        if (!strcmp(s->k->params[i].name, name)) { *v = s->k->params[i].offset; return 0; }
    for (uint32_t i = 0; i < s->k->nshared_syms; i++)
        if (!strcmp(s->k->shared_syms[i].name, name)) { *v = s->k->shared_syms[i].offset; return 0; }
    for (int i = 0; i < s->nlabels; i++)
        if (!strcmp(s->labels[i].name, name)) { *v = s->labels[i].pc; return 0; }
    return -1;
}

static uint32_t f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* One term of an immediate: number, f32 literal, or symbol. f32_operand: a plain decimal integer
 * means that float value (fadd r1, r2, 1 adds 1.0); hex and 0f literals are bits everywhere. */
static int parse_term(asm_state *s, const char **p, int64_t *v, int f32_operand, const char **undef,
                      int *is_float_bits)
{
    *is_float_bits = 0;
    *p = skip_ws(*p);
    const char *at = *p;
    if (isdigit((unsigned char)**p)) {
        if ((*p)[0] == '0' && (*p)[1] == 'f' && isxdigit((unsigned char)(*p)[2])) {
            char *end;
            unsigned long long bits = strtoull(*p + 2, &end, 16);
            if (end - (*p + 2) != 8) return error_at(s, at, "an f32 bit pattern is 0f followed by 8 hex digits");
            *v = (int64_t)bits;
            *p = end;
            *is_float_bits = 1;
            return 0;
        }
        const char *q = *p;
        int is_float = 0;
        if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
            q += 2;
            while (isxdigit((unsigned char)*q)) q++;
        } else {
            while (isdigit((unsigned char)*q)) q++;
            if (*q == '.' || *q == 'e' || *q == 'E') is_float = 1;
        }
        if (is_float) {
            char *end;
            errno = 0;
            float f = strtof(*p, &end);
            *v = f32_bits(f);
            *p = end;
            *is_float_bits = 1;
            return 0;
        }
        char *end;
        errno = 0;
        unsigned long long u = strtoull(*p, &end, 0);
        if (errno || u > 0xffffffffull) return error_at(s, at, "immediate out of 32-bit range");
        *p = end;
        *is_float_bits = f32_operand && !(at[0] == '0' && (at[1] == 'x' || at[1] == 'X'));
        *v = *is_float_bits ? (int64_t)f32_bits((float)u) : (int64_t)u;
        return 0;
    }
    char t[TG_NAME_MAX];
    if (!take_ident(p, t, sizeof t)) return error_at(s, at, "expected an immediate, a symbol or a register");
    if (!strcmp(t, "inf")) { *v = f32_bits(INFINITY); *is_float_bits = 1; return 0; }
    if (!strcmp(t, "nan")) { *v = 0x7fffffff; *is_float_bits = 1; return 0; }
    if (find_symbol(s, t, v) == 0) return 0;
    if (undef) { *undef = at; *v = 0; return 0; }  /* a label defined later: the caller patches it */
    return error_at(s, at, "undefined symbol '%s'", t);
}

/* expr := ['-'] term (('+'|'-') term)*   (result wraps to 32 bits) */
static int parse_expr(asm_state *s, const char **p, int64_t *v, int f32_operand, const char **undef)
{
    *p = skip_ws(*p);
    int neg = 0;
    if (**p == '-') { neg = 1; (*p)++; }
    int64_t t;
    int fl;
    if (parse_term(s, p, &t, f32_operand, undef, &fl)) return -1;
    if (neg) t = fl ? (int64_t)(t ^ 0x80000000) : -t;   /* a float literal negates by its sign bit */
    *v = t;
    for (;;) {
        const char *q = skip_ws(*p);
        if (*q != '+' && *q != '-') break;
        if (fl) return error_at(s, q, "f32 immediates take no arithmetic");
        int sub = *q == '-';
        *p = q + 1;
        if (parse_term(s, p, &t, 0, NULL, &fl)) return -1;
        if (fl) return error_at(s, q, "f32 immediates take no arithmetic");
        *v = sub ? *v - t : *v + t;
    }
    return 0;
}

/* Operand B: a register, or an immediate (sets bimm). */
static int parse_b(asm_state *s, const char **p, tg_inst *in, int f32_operand)
{
    *p = skip_ws(*p);
    const char *save = *p;
    char t[32];
    int reg;
    if (take_ident(p, t, sizeof t) && parse_reg_name(t, &reg) == 0) {
        in->rb = (uint8_t)reg;
        in->bimm = false;
        use_reg(s, reg, 1);
        return 0;
    }
    *p = save;
    int64_t v;
    if (parse_expr(s, p, &v, f32_operand, NULL)) return -1;
    in->imm = (uint32_t)v;
    in->bimm = true;
    return 0;
}

/* Memory operand: '[' [reg] [(+|-) expr] ']' or '[' expr ']'. */
static int parse_mem(asm_state *s, const char **p, tg_inst *in, int allow_offset)
{
    if (expect(s, p, '[', "to open a memory operand")) return -1;
    *p = skip_ws(*p);
    const char *save = *p;
    char t[32];
    int reg = TG_RZ;
    int64_t off = 0;
    if (take_ident(p, t, sizeof t) && parse_reg_name(t, &reg) == 0) {
        use_reg(s, reg, 1);
        *p = skip_ws(*p);
        if (**p == '+' || **p == '-') {
            int sub = **p == '-';
            (*p)++;
            if (parse_expr(s, p, &off, 0, NULL)) return -1;
            if (sub) off = -off;
        }
    } else {
        *p = save;
        reg = TG_RZ;
        if (parse_expr(s, p, &off, 0, NULL)) return -1;
    }
    if (expect(s, p, ']', "to close the memory operand")) return -1;
    if (!allow_offset && off != 0) return error_at(s, save, "atomics take no address offset");
    in->ra = (uint8_t)reg;
    in->imm = (uint32_t)off;
    return 0;
}

/* ---- directives --------------------------------------------------------------------------------- */

static int finish_kernel(asm_state *s)
{
    if (!s->k) return 0;
    tg_kernel *k = s->k;
    for (int i = 0; i < s->nfixups; i++) {
        fixup *f = &s->fixups[i];
        int64_t v;
        int found = 0;
        for (int j = 0; j < s->nlabels && !found; j++)
            if (!strcmp(s->labels[j].name, f->name)) { v = s->labels[j].pc; found = 1; }
        if (!found) {
            s->line = f->line;
            snprintf(s->err, s->errlen, "%s:%d:%d: undefined label '%s'", s->file, f->line, f->col, f->name);
            s->failed = 1;
            return -1;
        }
        s->m->code[f->pc] = (s->m->code[f->pc] & 0xffffffffull) | (uint64_t)(uint32_t)v << 32;
    }
    s->nfixups = 0;
    s->nlabels = 0;
    k->end = s->m->ncode;
    if (k->end == k->entry) return error_at(s, NULL, "kernel %s has no instructions", k->name);
    if (k->nregs == 0) k->nregs = (uint32_t)(s->max_reg + 1);
    s->k = NULL;
    return 0;
}

static int directive(asm_state *s, const char *p)
{
    const char *at = p;
    char d[32], name[TG_NAME_MAX];
    take_ident(&p, d, sizeof d);
    p = skip_ws(p);
    if (!strcmp(d, ".kernel")) {
        if (finish_kernel(s)) return -1;
        const char *nat = p;
        if (!take_ident(&p, name, sizeof name)) return error_at(s, nat, "expected a kernel name");
        for (uint32_t i = 0; i < s->m->nkernels; i++)
            if (!strcmp(s->m->kernels[i].name, name)) return error_at(s, nat, "kernel %s is defined twice", name);
        tg_kernel *ks = realloc(s->m->kernels, (s->m->nkernels + 1) * sizeof *ks);
        if (!ks) return error_at(s, at, "out of memory");
        s->m->kernels = ks;
        s->k = &ks[s->m->nkernels++];
        memset(s->k, 0, sizeof *s->k);
        snprintf(s->k->name, sizeof s->k->name, "%s", name);
        s->k->entry = s->m->ncode;
        s->max_reg = -1;
        return 0;
    }
    if (!s->k) return error_at(s, at, "%s outside a kernel (start one with .kernel NAME)", d);
    tg_kernel *k = s->k;
    if (!strcmp(d, ".param")) {
        const char *nat = p;
        if (!take_ident(&p, name, sizeof name)) return error_at(s, nat, "expected a parameter name");
        int64_t tmp;
        if (find_symbol(s, name, &tmp) == 0) return error_at(s, nat, "'%s' is already defined", name);
        p = skip_ws(p);
        const char *sat = p;
        long size = strtol(p, (char **)&p, 10);
        if (size != 4 && size != 8) return error_at(s, sat, "parameter size must be 4 or 8");
        tg_param *ps = realloc(k->params, (k->nparams + 1) * sizeof *ps);
        if (!ps) return error_at(s, at, "out of memory");
        k->params = ps;
        tg_param *pr = &ps[k->nparams++];
        snprintf(pr->name, sizeof pr->name, "%s", name);
        pr->size = (uint32_t)size;
        pr->offset = (k->param_bytes + (uint32_t)size - 1) / (uint32_t)size * (uint32_t)size;
        k->param_bytes = pr->offset + pr->size;
    } else if (!strcmp(d, ".shared")) {
        const char *nat = p;
        if (!take_ident(&p, name, sizeof name)) return error_at(s, nat, "expected a shared-memory name");
        int64_t tmp;
        if (find_symbol(s, name, &tmp) == 0) return error_at(s, nat, "'%s' is already defined", name);
        p = skip_ws(p);
        const char *sat = p;
        long bytes = strtol(p, (char **)&p, 0);
        if (bytes <= 0 || bytes > (1 << 24)) return error_at(s, sat, "expected a size in bytes");
        p = skip_ws(p);
        long align = 16;
        if (isdigit((unsigned char)*p)) {
            const char *aat = p;
            align = strtol(p, (char **)&p, 0);
            if (align <= 0 || (align & (align - 1)) || align > 4096) return error_at(s, aat, "alignment must be a power of two up to 4096");
        }
        tg_symbol *ss = realloc(k->shared_syms, (k->nshared_syms + 1) * sizeof *ss);
        if (!ss) return error_at(s, at, "out of memory");
        k->shared_syms = ss;
        tg_symbol *sy = &ss[k->nshared_syms++];
        snprintf(sy->name, sizeof sy->name, "%s", name);
        sy->offset = (k->shared_bytes + (uint32_t)align - 1) & ~((uint32_t)align - 1);
        sy->size = (uint32_t)bytes;
        k->shared_bytes = sy->offset + sy->size;
    } else if (!strcmp(d, ".local") || !strcmp(d, ".regs")) {
        const char *vat = p;
        long v = strtol(p, (char **)&p, 0);
        if (v <= 0 || (!strcmp(d, ".regs") && v > TG_NUM_REGS) || v > (1 << 20))
            return error_at(s, vat, "expected a positive count%s", !strcmp(d, ".regs") ? " up to 255" : "");
        if (!strcmp(d, ".local")) k->local_bytes = (uint32_t)v; else k->nregs = (uint32_t)v;
    } else {
        return error_at(s, at, "unknown directive %s (.kernel .param .shared .local .regs)", d);
    }
    p = skip_ws(p);
    if (*p) return error_at(s, p, "unexpected text after %s", d);
    return 0;
}

/* ---- instructions ------------------------------------------------------------------------------- */

static int name_index(const char *const *names, int n, const char *t)
{
    for (int i = 0; i < n; i++) if (!strcmp(names[i], t)) return i;
    return -1;
}

/* Mnemonic lookup: the longest dot-separated prefix that names an instruction ("vote.any",
 * "isetp"); what follows is the suffix. */
static const tg_opinfo *split_mnemonic(const char *word, const char **suffix)
{
    size_t len = strlen(word);
    for (;;) {
        const tg_opinfo *oi = tg_opinfo_find(word, (unsigned)len);
        if (oi) { *suffix = word[len] == '.' ? word + len + 1 : word + len; return oi; }
        while (len > 0 && word[len - 1] != '.') len--;
        if (len == 0) return NULL;
        len--;
    }
}

static int is_f32_b(unsigned op)
{
    return op == TG_OP_FADD || op == TG_OP_FSUB || op == TG_OP_FMUL || op == TG_OP_FMIN ||
           op == TG_OP_FMAX || op == TG_OP_FDIV || op == TG_OP_FSETP;
}

static int set_suffix(asm_state *s, const char *at, const tg_opinfo *oi, const char *sfx, tg_inst *in)
{
    int v = -1;
    const char *what = NULL;
    switch (oi->format) {
    case TG_FMT_SETP:
        v = name_index(tg_cond_names, oi->opcode == TG_OP_FSETP ? TG_NUM_CONDS : TG_COND_GE + 1, sfx);
        what = oi->opcode == TG_OP_FSETP ? "a comparison (eq ne lt le gt ge equ neu ltu leu gtu geu num nan)"
                                          : "a comparison (eq ne lt le gt ge)";
        break;
    case TG_FMT_LD: case TG_FMT_ST:
        v = name_index(tg_width_names, TG_NUM_WIDTHS, sfx);
        if (oi->format == TG_FMT_ST && (v == TG_W_S8 || v == TG_W_S16)) v = -1;
        what = oi->format == TG_FMT_ST ? "a width (u8 u16 b32 b64 b128)" : "a width (u8 s8 u16 s16 b32 b64 b128)";
        break;
    case TG_FMT_ATOM:
        v = name_index(tg_atomop_names, TG_NUM_ATOMOPS, sfx);
        what = "an atomic operation (add fadd smin smax umin umax exch cas and or xor inc dec)";
        break;
    case TG_FMT_SHFL:
        v = name_index(tg_shfl_mode_names, TG_NUM_SHFL_MODES, sfx);
        what = "a shuffle mode (idx up down bfly)";
        break;
    default:
        if (oi->opcode == TG_OP_F2I || oi->opcode == TG_OP_F2U || oi->opcode == TG_OP_I2F ||
            oi->opcode == TG_OP_U2F || oi->opcode == TG_OP_FRND) {
            if (!*sfx) { in->mod = TG_RND_RN; return 0; }
            v = name_index(tg_round_names, TG_NUM_ROUNDS, sfx);
            what = "a rounding mode (rn rz rm rp)";
            break;
        }
        if (*sfx) return error_at(s, at, "%s takes no suffix (found .%s)", oi->mnemonic, sfx);
        return 0;
    }
    if (v < 0) return error_at(s, at, "%s needs %s%s%s", oi->mnemonic, what, *sfx ? ", not ." : "", sfx);
    in->mod = (uint8_t)v;
    return 0;
}

static int comma(asm_state *s, const char **p) { return expect(s, p, ',', "between operands"); }

static int instruction(asm_state *s, const char *p)
{
    if (!s->k) return error_at(s, p, "instruction outside a kernel (start one with .kernel NAME)");
    tg_inst in = { 0 };
    in.guard = TG_PT;
    if (*p == '@') {
        int pred, neg;
        p++;
        if (parse_pred(s, &p, &pred, &neg, 1)) return -1;
        in.guard = (uint8_t)pred;
        in.guard_neg = neg;
        p = skip_ws(p);
    }
    const char *mat = p;
    char word[64];
    if (!take_ident(&p, word, sizeof word)) return error_at(s, mat, "expected an instruction");
    for (char *c = word; *c; c++) *c = (char)tolower((unsigned char)*c);
    const char *sfx;
    const tg_opinfo *oi = split_mnemonic(word, &sfx);
    if (!oi) return error_at(s, mat, "unknown instruction '%s'", word);
    in.op = oi->opcode;
    if (set_suffix(s, mat, oi, sfx, &in)) return -1;
    int r, pr, neg, f32b = is_f32_b(oi->opcode);
    const char *undef = NULL;
    switch (oi->format) {
    case TG_FMT_NONE:
        break;
    case TG_FMT_BRA: {
        int64_t v;
        p = skip_ws(p);
        if (parse_expr(s, &p, &v, 0, &undef)) return -1;
        in.bimm = true;
        in.imm = (uint32_t)v;
        break;
    }
    case TG_FMT_BAR: {
        int64_t v;
        if (parse_expr(s, &p, &v, 0, NULL)) return -1;
        if (v < 0 || v > 15) return error_at(s, mat, "barrier id must be 0..15");
        in.bimm = true;
        in.imm = (uint32_t)v;
        in.ra = TG_RZ;
        p = skip_ws(p);
        if (*p == ',') { p++; if (parse_reg(s, &p, &r)) return -1; in.ra = (uint8_t)r; }
        break;
    }
    case TG_FMT_RB:
        if (parse_reg(s, &p, &r) || comma(s, &p)) return -1;
        in.rd = (uint8_t)r;
        /* mov: a decimal integer is an integer; floats are written with '.', 'e', inf or nan */
        if (parse_b(s, &p, &in, 0)) return -1;
        break;
    case TG_FMT_RA:
        if (parse_reg(s, &p, &r) || comma(s, &p)) return -1;
        in.rd = (uint8_t)r;
        if (parse_reg(s, &p, &r)) return -1;
        in.ra = (uint8_t)r;
        break;
    case TG_FMT_RAB:
    case TG_FMT_SETP:
        if (oi->format == TG_FMT_SETP) {
            if (parse_pred(s, &p, &pr, &neg, 0)) return -1;
            in.rd = (uint8_t)pr;
        } else {
            if (parse_reg(s, &p, &r)) return -1;
            in.rd = (uint8_t)r;
        }
        if (comma(s, &p) || parse_reg(s, &p, &r) || comma(s, &p)) return -1;
        in.ra = (uint8_t)r;
        if (parse_b(s, &p, &in, f32b)) return -1;
        break;
    case TG_FMT_RABC:
    case TG_FMT_SHFL: {
        if (parse_reg(s, &p, &r)) return -1;
        in.rd = (uint8_t)r;
        if (oi->format == TG_FMT_SHFL) {
            in.ext = TG_PT;
            p = skip_ws(p);
            if (*p == '|') { p++; if (parse_pred(s, &p, &pr, &neg, 0)) return -1; in.ext = (uint16_t)pr; }
        }
        int regs[3];
        for (int i = 0; i < 3; i++) if (comma(s, &p) || parse_reg(s, &p, &regs[i])) return -1;
        in.ra = (uint8_t)regs[0];
        in.rb = (uint8_t)regs[1];
        in.rc = (uint8_t)regs[2];
        break;
    }
    case TG_FMT_S2R: {
        if (parse_reg(s, &p, &r) || comma(s, &p)) return -1;
        in.rd = (uint8_t)r;
        p = skip_ws(p);
        const char *sat = p;
        char t[32];
        if (*p != '%') return error_at(s, sat, "expected a special register such as %%tid.x");
        p++;
        take_ident(&p, t, sizeof t);
        int id = name_index(tg_sreg_names, TG_NUM_SREGS, t);
        if (id < 0) return error_at(s, sat, "unknown special register %%%s", t);
        in.ra = (uint8_t)id;
        break;
    }
    case TG_FMT_SEL:
        if (parse_reg(s, &p, &r) || comma(s, &p)) return -1;
        in.rd = (uint8_t)r;
        if (parse_reg(s, &p, &r) || comma(s, &p)) return -1;
        in.ra = (uint8_t)r;
        if (parse_b(s, &p, &in, 0) || comma(s, &p) || parse_pred(s, &p, &pr, &neg, 1)) return -1;
        in.mod = (uint8_t)(pr | (neg ? 8 : 0));
        break;
    case TG_FMT_PLOG: {
        int pa, pb, na, nb;
        if (parse_pred(s, &p, &pr, &neg, 0) || comma(s, &p) || parse_pred(s, &p, &pa, &na, 1) ||
            comma(s, &p) || parse_pred(s, &p, &pb, &nb, 1)) return -1;
        in.rd = (uint8_t)pr;
        in.ra = (uint8_t)pa;
        in.rb = (uint8_t)pb;
        in.mod = (uint8_t)(na | nb << 1);
        break;
    }
    case TG_FMT_LD:
    case TG_FMT_ST: {
        int n = (int)tg_width_bytes(in.mod) / 4;
        if (n < 1) n = 1;
        if (oi->format == TG_FMT_LD) {
            if (parse_reg(s, &p, &r) || comma(s, &p) || parse_mem(s, &p, &in, 1)) return -1;
        } else {
            if (parse_mem(s, &p, &in, 1) || comma(s, &p) || parse_reg(s, &p, &r)) return -1;
        }
        if (r != TG_RZ && r + n > TG_NUM_REGS) return error_at(s, mat, "r%d..r%d runs past r254", r, r + n - 1);
        use_reg(s, r, n);
        in.rd = (uint8_t)r;
        in.bimm = true;
        break;
    }
    case TG_FMT_ATOM:
        if (parse_reg(s, &p, &r) || comma(s, &p)) return -1;
        in.rd = (uint8_t)r;
        if (parse_mem(s, &p, &in, 0) || comma(s, &p) || parse_reg(s, &p, &r)) return -1;
        in.imm = 0;
        in.rb = (uint8_t)r;
        in.rc = 0;
        if (in.mod == TG_ATOM_CAS) {
            if (comma(s, &p) || parse_reg(s, &p, &r)) return -1;
            in.rc = (uint8_t)r;
        }
        break;
    case TG_FMT_VOTEP:
    case TG_FMT_VOTER:
        if (oi->format == TG_FMT_VOTEP) {
            if (parse_pred(s, &p, &pr, &neg, 0)) return -1;
            in.rd = (uint8_t)pr;
        } else {
            if (parse_reg(s, &p, &r)) return -1;
            in.rd = (uint8_t)r;
        }
        if (comma(s, &p) || parse_pred(s, &p, &pr, &neg, 1)) return -1;
        in.ra = (uint8_t)pr;
        in.mod = (uint8_t)neg;
        break;
    }
    p = skip_ws(p);
    if (*p) return error_at(s, p, "unexpected text after the operands of %s", oi->mnemonic);

    tg_module *m = s->m;
    if (m->ncode == s->code_cap) {
        size_t cap = s->code_cap ? s->code_cap * 2 : 256;
        uint64_t *c = realloc(m->code, cap * sizeof *c);
        uint32_t *l = realloc(m->lines, cap * sizeof *l);
        if (c) m->code = c;
        if (l) m->lines = l;
        if (!c || !l) return error_at(s, mat, "out of memory");
        s->code_cap = cap;
    }
    if (undef) {
        if (s->nfixups == MAX_FIXUPS) return error_at(s, undef, "too many forward branches");
        fixup *f = &s->fixups[s->nfixups++];
        const char *q = undef;
        take_ident(&q, f->name, sizeof f->name);
        f->pc = m->ncode;
        f->line = s->line;
        f->col = (int)(undef - s->line_start) + 1;
    }
    m->lines[m->ncode] = (uint32_t)s->line;
    m->code[m->ncode++] = tg_encode(&in);
    return 0;
}

static int label_def(asm_state *s, const char *at, const char *name)
{
    int64_t tmp;
    if (!s->k) return error_at(s, at, "label outside a kernel");
    for (int i = 0; i < s->nlabels; i++)
        if (!strcmp(s->labels[i].name, name)) return error_at(s, at, "label '%s' is defined twice", name);
    if (find_symbol(s, name, &tmp) == 0) return error_at(s, at, "'%s' is already a parameter or shared name", name);
    if (s->nlabels == MAX_LABELS) return error_at(s, at, "too many labels in one kernel");
    snprintf(s->labels[s->nlabels].name, TG_NAME_MAX, "%s", name);
    s->labels[s->nlabels++].pc = s->m->ncode;
    return 0;
}

static int assemble_line(asm_state *s, char *line)
{
    /* comments: // ; # */
    for (char *c = line; *c; c++)
        if (*c == ';' || *c == '#' || (c[0] == '/' && c[1] == '/')) { *c = 0; break; }
    const char *p = skip_ws(line);
    while (*p) {
        /* labels: NAME ':' (possibly several, then an instruction on the same line) */
        const char *q = p;
        char name[TG_NAME_MAX];
        if (*p != '.' && *p != '@' && take_ident(&q, name, sizeof name)) {
            const char *after = skip_ws(q);
            if (*after == ':') {
                if (label_def(s, p, name)) return -1;
                p = skip_ws(after + 1);
                continue;
            }
        }
        return *p == '.' ? directive(s, p) : instruction(s, p);
    }
    return 0;
}

int tg_asm_source(const char *src, size_t len, const char *filename, tg_module *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    asm_state s = { .file = filename, .err = err, .errlen = errlen, .m = out };
    snprintf(out->source, sizeof out->source, "%s", filename);
    s.labels = malloc(MAX_LABELS * sizeof *s.labels);
    s.fixups = malloc(MAX_FIXUPS * sizeof *s.fixups);
    char *line = malloc(len + 1);
    int rc = 0;
    if (!s.labels || !s.fixups || !line) { snprintf(err, errlen, "%s: out of memory", filename); rc = -1; goto out; }
    size_t at = 0;
    while (at < len && rc == 0) {
        size_t n = 0;
        while (at + n < len && src[at + n] != '\n') n++;
        memcpy(line, src + at, n);
        line[n] = 0;
        if (n && line[n - 1] == '\r') line[n - 1] = 0;
        s.line++;
        s.line_start = line;
        if (memchr(src + at, 0, n)) rc = error_at(&s, NULL, "NUL byte in the source");
        else rc = assemble_line(&s, line);
        at += n + 1;
    }
    if (rc == 0) rc = finish_kernel(&s);
    if (rc == 0 && out->nkernels == 0) { snprintf(err, errlen, "%s: no kernels (start one with .kernel NAME)", filename); rc = -1; }
out:
    free(line);
    free(s.labels);
    free(s.fixups);
    if (rc) tg_module_free(out);
    return rc;
}

int tg_asm_file(const char *path, tg_module *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno)); return -1; }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) { char *nb = realloc(buf, cap *= 2); if (!nb) { free(buf); buf = NULL; } else buf = nb; }
    }
    fclose(f);
    if (!buf) { snprintf(err, errlen, "%s: out of memory", path); return -1; }
    int rc = tg_asm_source(buf, n, path, out, err, errlen);
    free(buf);
    return rc;
}
