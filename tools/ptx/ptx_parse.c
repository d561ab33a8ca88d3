/* ptx_parse.c: PTX text -> ptx_module. A hand-written lexer and a statement parser for the subset
 * nvcc emits for ordinary kernels (module directives, .entry with params, .reg/.shared/.local
 * declarations, labels, guarded instructions with register, immediate, vector and memory operands).
 * What it does not understand is an error naming the line, never a silent skip. */
#include "tools/ptx/ptx_ir.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"

int ptx_fail(ptx_err *e, const char *file, int line, const char *fmt, ...)
{
    if (e->set) return -1;
    e->set = true;
    int n = line > 0 ? snprintf(e->buf, e->len, "%s:%d: ", file, line)
                     : snprintf(e->buf, e->len, "%s: ", file);
    if (n < 0 || (size_t)n >= e->len) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->buf + n, e->len - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- lexer ----------------------------------------------------------------------------------- */

enum { T_EOF, T_WORD, T_NUM, T_STR, T_PUNCT };

typedef struct lexer {
    const char *s, *end, *file;
    int line;
    int kind;               /* current token */
    char text[PTX_NAME];
    int tline;
    ptx_err *e;
} lexer;

static bool word_start(int c) { return isalpha(c) || c == '_' || c == '$' || c == '%' || c == '.'; }
static bool word_char(int c) { return isalnum(c) || c == '_' || c == '$' || c == '.'; }

static void next(lexer *L)
{
    for (;;) {   /* whitespace and comments */
        while (L->s < L->end && isspace((unsigned char)*L->s)) { if (*L->s == '\n') L->line++; L->s++; }
        if (L->s + 1 < L->end && L->s[0] == '/' && L->s[1] == '/') {
            while (L->s < L->end && *L->s != '\n') L->s++;
            continue;
        }
        if (L->s + 1 < L->end && L->s[0] == '/' && L->s[1] == '*') {
            L->s += 2;
            while (L->s + 1 < L->end && !(L->s[0] == '*' && L->s[1] == '/')) { if (*L->s == '\n') L->line++; L->s++; }
            if (L->s + 1 >= L->end) { ptx_fail(L->e, L->file, L->line, "unterminated /* comment"); L->s = L->end; }
            else L->s += 2;
            continue;
        }
        break;
    }
    L->tline = L->line;
    L->text[0] = 0;
    if (L->s >= L->end) { L->kind = T_EOF; return; }
    unsigned char c = (unsigned char)*L->s;
    size_t n = 0;
    if (word_start(c) || isdigit(c)) {
        L->kind = isdigit(c) ? T_NUM : T_WORD;
        L->text[n++] = (char)c;
        L->s++;
        while (L->s < L->end) {
            unsigned char d = (unsigned char)*L->s;
            bool ok = word_char(d) || (L->kind == T_WORD && d == ':' && L->s + 1 < L->end && L->s[1] == ':');
            /* a number may carry an exponent sign: 1e-3 */
            if (L->kind == T_NUM && (d == '-' || d == '+') && n > 0 && (L->text[n - 1] == 'e' || L->text[n - 1] == 'E') &&
                !(n > 1 && L->text[0] == '0' && (L->text[1] == 'f' || L->text[1] == 'F' || L->text[1] == 'x' || L->text[1] == 'X' || L->text[1] == 'd' || L->text[1] == 'D')))
                ok = true;
            if (!ok) break;
            if (d == ':') { if (n + 2 < sizeof L->text) { L->text[n++] = ':'; L->text[n++] = ':'; } L->s += 2; continue; }
            if (n + 1 < sizeof L->text) L->text[n++] = (char)d;
            else { ptx_fail(L->e, L->file, L->line, "name too long"); }
            L->s++;
        }
        L->text[n] = 0;
        return;
    }
    if (c == '"') {
        L->kind = T_STR;
        L->s++;
        while (L->s < L->end && *L->s != '"' && *L->s != '\n') { if (n + 1 < sizeof L->text) L->text[n++] = *L->s; L->s++; }
        L->text[n] = 0;
        if (L->s >= L->end || *L->s != '"') { ptx_fail(L->e, L->file, L->line, "unterminated string"); return; }
        L->s++;
        return;
    }
    L->kind = T_PUNCT;
    L->text[0] = (char)c; L->text[1] = 0;
    L->s++;
}

static bool is_p(const lexer *L, char c) { return L->kind == T_PUNCT && L->text[0] == c; }
static bool is_w(const lexer *L, const char *w) { return L->kind == T_WORD && !strcmp(L->text, w); }

static const char *tokdesc(const lexer *L)
{
    return L->kind == T_EOF ? "end of file" : L->text;
}

static int expect_p(lexer *L, char c)
{
    if (!is_p(L, c)) return ptx_fail(L->e, L->file, L->tline, "expected '%c', found '%s'", c, tokdesc(L));
    next(L);
    return 0;
}

/* Parses an integer literal (decimal, 0x hex, 0b binary, leading-0 octal, optional U suffix). */
static int parse_int_text(const char *t, int64_t *out)
{
    char buf[PTX_NAME];
    size_t n = strlen(t);
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, t, n + 1);
    if (buf[n - 1] == 'U' || buf[n - 1] == 'u') buf[--n] = 0;
    if (n == 0) return -1;
    int base = 10;
    const char *p = buf;
    if (n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) { base = 16; p += 2; }
    else if (n > 2 && p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) { base = 2; p += 2; }
    else if (n > 1 && p[0] == '0') { base = 8; p += 1; }
    char *endp;
    errno = 0;
    unsigned long long v = strtoull(p, &endp, base);
    if (*endp || errno) return -1;
    *out = (int64_t)v;
    return 0;
}

/* A numeric token: integer, or f32 (0fXXXXXXXX, 0dXXXXXXXXXXXXXXXX, decimal with '.' or 'e'). */
static int parse_number(lexer *L, ptx_operand *o, bool negate)
{
    const char *t = L->text;
    if ((t[0] == '0') && (t[1] == 'f' || t[1] == 'F') && strlen(t) == 10) {
        int64_t v;
        char hex[16] = "0x";
        memcpy(hex + 2, t + 2, 9);
        if (parse_int_text(hex, &v)) return ptx_fail(L->e, L->file, L->tline, "bad f32 literal '%s'", t);
        o->kind = PO_FIMM;
        o->imm = (int64_t)(uint32_t)v ^ (negate ? 0x80000000u : 0);
        return 0;
    }
    if ((t[0] == '0') && (t[1] == 'd' || t[1] == 'D') && strlen(t) == 18) {
        o->kind = PO_FIMM;
        o->imm_f64 = true;
        return 0;
    }
    if (strchr(t, '.') || ((strchr(t, 'e') || strchr(t, 'E')) && !(t[0] == '0' && (t[1] == 'x' || t[1] == 'X')))) {
        char *endp;
        double d = strtod(t, &endp);
        if (*endp) return ptx_fail(L->e, L->file, L->tline, "bad number '%s'", t);
        float f = (float)(negate ? -d : d);
        uint32_t bits;
        memcpy(&bits, &f, 4);
        o->kind = PO_FIMM;
        o->imm = bits;
        return 0;
    }
    int64_t v;
    if (parse_int_text(t, &v)) return ptx_fail(L->e, L->file, L->tline, "bad number '%s'", t);
    o->kind = PO_IMM;
    o->imm = negate ? -v : v;
    return 0;
}

/* ---- register scopes ------------------------------------------------------------------------- */

typedef struct reg_decl {
    char name[PTX_NAME];   /* full name, or the prefix of a range %r<N> */
    int count;             /* 0: single register; N: range of N registers */
    int base;              /* index of the first register in kernel->regs */
} reg_decl;

typedef struct parser {
    lexer L;
    ptx_module *m;
    ptx_kernel *k;
    reg_decl *decls; int ndecls, cap_decls;
} parser;

#define GROW(arr, n, cap) do { \
        if ((n) == (cap)) { \
            int nc_ = (cap) ? (cap) * 2 : 16; \
            void *np_ = realloc((arr), (size_t)nc_ * sizeof *(arr)); \
            if (!np_) { fprintf(stderr, "tgpu: out of memory\n"); exit(1); } \
            (arr) = np_; (cap) = nc_; \
        } \
    } while (0)

static int lookup_reg(parser *P, const char *name)
{
    for (int i = P->ndecls - 1; i >= 0; i--) {
        const reg_decl *d = &P->decls[i];
        if (d->count == 0) {
            if (!strcmp(d->name, name)) return d->base;
            continue;
        }
        size_t pl = strlen(d->name);
        if (strncmp(name, d->name, pl) != 0) continue;
        const char *num = name + pl;
        if (!*num || (num[0] == '0' && num[1])) continue;
        bool digits = true;
        for (const char *c = num; *c; c++) if (!isdigit((unsigned char)*c)) digits = false;
        if (!digits || strlen(num) > 7) continue;
        int n = atoi(num);
        if (n < d->count) return d->base + n;
    }
    return -1;
}

static int rclass_of(const char *type)
{
    if (!strcmp(type, ".pred")) return PTX_RC_PRED;
    if (!strcmp(type, ".b16") || !strcmp(type, ".u16") || !strcmp(type, ".s16") || !strcmp(type, ".f16") ||
        !strcmp(type, ".bf16") || !strcmp(type, ".b8") || !strcmp(type, ".u8") || !strcmp(type, ".s8"))
        return PTX_RC_16;
    if (!strcmp(type, ".b32") || !strcmp(type, ".u32") || !strcmp(type, ".s32") || !strcmp(type, ".f32") ||
        !strcmp(type, ".f16x2") || !strcmp(type, ".bf16x2"))
        return PTX_RC_32;
    if (!strcmp(type, ".b64") || !strcmp(type, ".u64") || !strcmp(type, ".s64")) return PTX_RC_64;
    if (!strcmp(type, ".f64")) return PTX_RC_F64;
    return -1;
}

static int add_reg(parser *P, const char *name, int rclass)
{
    ptx_kernel *k = P->k;
    GROW(k->regs, k->nregs, k->cap_regs);
    ptx_reg *r = &k->regs[k->nregs];
    snprintf(r->name, sizeof r->name, "%s", name);
    r->rclass = rclass;
    return k->nregs++;
}

/* .reg .type %a, %b<N>, ... ; */
static int parse_reg_decl(parser *P)
{
    lexer *L = &P->L;
    next(L);
    if (is_w(L, ".v2") || is_w(L, ".v4")) return ptx_fail(L->e, L->file, L->tline, "vector registers (.reg .v2/.v4) are not supported");
    int rc = L->kind == T_WORD ? rclass_of(L->text) : -1;
    if (rc < 0) return ptx_fail(L->e, L->file, L->tline, "unknown register type '%s'", tokdesc(L));
    next(L);
    for (;;) {
        if (L->kind != T_WORD) return ptx_fail(L->e, L->file, L->tline, "expected a register name, found '%s'", tokdesc(L));
        GROW(P->decls, P->ndecls, P->cap_decls);
        reg_decl *d = &P->decls[P->ndecls];
        snprintf(d->name, sizeof d->name, "%s", L->text);
        d->count = 0;
        next(L);
        if (is_p(L, '<')) {
            next(L);
            int64_t n;
            if (L->kind != T_NUM || parse_int_text(L->text, &n) || n <= 0 || n > 1000000)
                return ptx_fail(L->e, L->file, L->tline, "bad register count '%s'", tokdesc(L));
            next(L);
            if (expect_p(L, '>')) return -1;
            d->count = (int)n;
            d->base = P->k->nregs;
            for (int i = 0; i < (int)n; i++) {
                char nm[PTX_NAME + 16];
                snprintf(nm, sizeof nm, "%s%d", d->name, i);
                add_reg(P, nm, rc);
            }
        } else {
            d->base = add_reg(P, d->name, rc);
        }
        P->ndecls++;
        if (is_p(L, ',')) { next(L); continue; }
        return expect_p(L, ';');
    }
}

/* .shared/.local [.align N] .type name[dims] ;   (the space word is current) */
static int parse_var(parser *P, ptx_var **arr, int *n, int *cap, bool is_extern)
{
    lexer *L = &P->L;
    int space = is_w(L, ".shared") ? PTX_SHARED : PTX_LOCAL;
    int line = L->tline;
    next(L);
    uint32_t align = 0, elem = 0;
    for (;;) {
        if (is_w(L, ".align")) {
            next(L);
            int64_t a;
            if (L->kind != T_NUM || parse_int_text(L->text, &a) || a <= 0 || a > 4096 || (a & (a - 1)))
                return ptx_fail(L->e, L->file, L->tline, "bad .align '%s'", tokdesc(L));
            align = (uint32_t)a;
            next(L);
            continue;
        }
        if (is_w(L, ".v2") || is_w(L, ".v4")) return ptx_fail(L->e, L->file, L->tline, "vector variables are not supported");
        break;
    }
    if (L->kind != T_WORD) return ptx_fail(L->e, L->file, L->tline, "expected a type, found '%s'", tokdesc(L));
    const char *t = L->text;
    if (!strcmp(t, ".b8") || !strcmp(t, ".u8") || !strcmp(t, ".s8")) elem = 1;
    else if (!strcmp(t, ".b16") || !strcmp(t, ".u16") || !strcmp(t, ".s16") || !strcmp(t, ".f16")) elem = 2;
    else if (!strcmp(t, ".b32") || !strcmp(t, ".u32") || !strcmp(t, ".s32") || !strcmp(t, ".f32")) elem = 4;
    else if (!strcmp(t, ".b64") || !strcmp(t, ".u64") || !strcmp(t, ".s64") || !strcmp(t, ".f64")) elem = 8;
    else return ptx_fail(L->e, L->file, L->tline, "unknown variable type '%s'", t);
    next(L);
    if (L->kind != T_WORD) return ptx_fail(L->e, L->file, L->tline, "expected a variable name, found '%s'", tokdesc(L));
    GROW(*arr, *n, *cap);
    ptx_var *v = &(*arr)[*n];
    memset(v, 0, sizeof *v);
    snprintf(v->name, sizeof v->name, "%s", L->text);
    v->space = space;
    v->align = align ? align : elem;
    v->is_extern = is_extern;
    uint64_t size = elem;
    next(L);
    bool open = false;
    while (is_p(L, '[')) {
        next(L);
        if (is_p(L, ']')) {
            if (!is_extern || space != PTX_SHARED) return ptx_fail(L->e, L->file, L->tline, "array without a size");
            open = true;
            next(L);
            continue;
        }
        int64_t d;
        if (L->kind != T_NUM || parse_int_text(L->text, &d) || d < 0 || d > (1 << 26))
            return ptx_fail(L->e, L->file, L->tline, "bad array size '%s'", tokdesc(L));
        size *= (uint64_t)d;
        next(L);
        if (expect_p(L, ']')) return -1;
    }
    if (is_extern && !open) return ptx_fail(L->e, L->file, line, "extern variables must be .shared arrays of unknown size (dynamic shared memory)");
    if (size > (1u << 26)) return ptx_fail(L->e, L->file, line, "variable '%s' is too large", v->name);
    v->size = open ? 0 : (uint32_t)size;
    if (is_p(L, '=')) return ptx_fail(L->e, L->file, L->tline, "initialized variables are not supported");
    (*n)++;
    return expect_p(L, ';');
}

/* ---- instructions ---------------------------------------------------------------------------- */

static int sreg_of(const char *name)
{
    if (!strcmp(name, "%clock64")) return TG_SREG_CLOCK;   /* low 32 bits: all a 64-bit register keeps */
    for (int i = 0; i < TG_NUM_SREGS; i++)
        if (name[0] == '%' && !strcmp(name + 1, tg_sreg_names[i])) return i;
    return -1;
}

static int parse_reg_ref(parser *P, int *out)
{
    lexer *L = &P->L;
    int r = lookup_reg(P, L->text);
    if (r < 0) return ptx_fail(L->e, L->file, L->tline, "undeclared register '%s'", L->text);
    *out = r;
    next(L);
    return 0;
}

static int parse_operand(parser *P, ptx_operand *o)
{
    lexer *L = &P->L;
    memset(o, 0, sizeof *o);
    o->reg = o->reg2 = -1;
    if (is_p(L, '[')) {
        next(L);
        o->kind = PO_MEM;
        if (L->kind == T_WORD && L->text[0] == '%') {
            if (parse_reg_ref(P, &o->reg)) return -1;
        } else if (L->kind == T_WORD) {
            snprintf(o->sym, sizeof o->sym, "%s", L->text);
            next(L);
        } else if (L->kind == T_NUM) {
            ptx_operand n;
            if (parse_number(L, &n, false)) return -1;
            if (n.kind != PO_IMM) return ptx_fail(L->e, L->file, L->tline, "bad address '%s'", L->text);
            o->imm = n.imm;
            next(L);
            return expect_p(L, ']');
        } else {
            return ptx_fail(L->e, L->file, L->tline, "bad address: '%s'", tokdesc(L));
        }
        while (is_p(L, '+') || is_p(L, '-')) {
            bool neg = is_p(L, '-');
            next(L);
            if (is_p(L, '-')) { neg = !neg; next(L); }
            ptx_operand n;
            if (L->kind != T_NUM || parse_number(L, &n, false) || n.kind != PO_IMM)
                return ptx_fail(L->e, L->file, L->tline, "bad address offset '%s'", tokdesc(L));
            o->imm += neg ? -n.imm : n.imm;
            next(L);
        }
        return expect_p(L, ']');
    }
    if (is_p(L, '{')) {
        next(L);
        o->kind = PO_VEC;
        for (;;) {
            if (o->nvec == 4) return ptx_fail(L->e, L->file, L->tline, "vector of more than 4 elements");
            if (is_w(L, "_")) { o->vec[o->nvec++] = -1; next(L); }
            else if (L->kind == T_WORD && L->text[0] == '%') { if (parse_reg_ref(P, &o->vec[o->nvec++])) return -1; }
            else return ptx_fail(L->e, L->file, L->tline, "expected a register in a vector, found '%s'", tokdesc(L));
            if (is_p(L, ',')) { next(L); continue; }
            return expect_p(L, '}');
        }
    }
    if (is_p(L, '!')) {
        next(L);
        if (L->kind != T_WORD || L->text[0] != '%') return ptx_fail(L->e, L->file, L->tline, "expected a predicate after '!'");
        o->kind = PO_REG;
        o->neg = true;
        return parse_reg_ref(P, &o->reg);
    }
    if (is_p(L, '-')) {
        next(L);
        if (L->kind != T_NUM) return ptx_fail(L->e, L->file, L->tline, "expected a number after '-'");
        if (parse_number(L, o, true)) return -1;
        next(L);
        return 0;
    }
    if (L->kind == T_NUM) {
        if (parse_number(L, o, false)) return -1;
        next(L);
        return 0;
    }
    if (L->kind == T_WORD && L->text[0] == '%') {
        int s = lookup_reg(P, L->text) < 0 ? sreg_of(L->text) : -1;
        if (s >= 0) { o->kind = PO_SREG; o->sreg = s; next(L); return 0; }
        o->kind = PO_REG;
        if (parse_reg_ref(P, &o->reg)) return -1;
        if (is_p(L, '|')) {
            next(L);
            if (L->kind != T_WORD) return ptx_fail(L->e, L->file, L->tline, "expected a register after '|'");
            if (parse_reg_ref(P, &o->reg2)) return -1;
        }
        return 0;
    }
    if (is_w(L, "_")) { o->kind = PO_SINK; next(L); return 0; }
    if (is_w(L, "WARP_SZ")) { o->kind = PO_IMM; o->imm = 32; next(L); return 0; }
    if (L->kind == T_WORD && L->text[0] != '.') {
        o->kind = PO_SYM;
        snprintf(o->sym, sizeof o->sym, "%s", L->text);
        next(L);
        return 0;
    }
    return ptx_fail(L->e, L->file, L->tline, "bad operand '%s'", tokdesc(L));
}

static int label_id(ptx_kernel *k, const char *name)
{
    for (int i = 0; i < k->nlabels; i++) if (!strcmp(k->labels[i], name)) return i;
    return -1;
}

static int parse_inst(parser *P)
{
    lexer *L = &P->L;
    ptx_kernel *k = P->k;
    GROW(k->insts, k->ninsts, k->cap_insts);
    ptx_inst *in = &k->insts[k->ninsts];
    memset(in, 0, sizeof *in);
    in->line = L->tline;
    in->guard = -1;
    in->label = -1;
    if (is_p(L, '@')) {
        next(L);
        if (is_p(L, '!')) { in->guard_neg = true; next(L); }
        if (L->kind != T_WORD || L->text[0] != '%') return ptx_fail(L->e, L->file, L->tline, "expected a predicate after '@'");
        if (parse_reg_ref(P, &in->guard)) return -1;
        if (k->regs[in->guard].rclass != PTX_RC_PRED)
            return ptx_fail(L->e, L->file, in->line, "guard '%s' is not a predicate", k->regs[in->guard].name);
    }
    if (L->kind != T_WORD) return ptx_fail(L->e, L->file, L->tline, "expected an instruction, found '%s'", tokdesc(L));
    /* split "setp.lt.s32" into opcode and modifiers */
    const char *t = L->text, *dot = strchr(t, '.');
    size_t on = dot ? (size_t)(dot - t) : strlen(t);
    if (on == 0 || on >= sizeof in->opcode) return ptx_fail(L->e, L->file, L->tline, "bad instruction '%s'", t);
    memcpy(in->opcode, t, on);
    in->opcode[on] = 0;
    while (dot) {
        const char *s = dot + 1, *nd = strchr(s, '.');
        size_t len = nd ? (size_t)(nd - s) : strlen(s);
        if (in->nmods == PTX_MAX_MODS || len == 0 || len >= sizeof in->mods[0])
            return ptx_fail(L->e, L->file, L->tline, "bad instruction '%s'", t);
        memcpy(in->mods[in->nmods], s, len);
        in->mods[in->nmods++][len] = 0;
        dot = nd;
    }
    next(L);
    while (!is_p(L, ';')) {
        if (L->kind == T_EOF) return ptx_fail(L->e, L->file, in->line, "missing ';'");
        if (in->nops == PTX_MAX_OPS) return ptx_fail(L->e, L->file, L->tline, "too many operands");
        if (parse_operand(P, &in->ops[in->nops++])) return -1;
        if (is_p(L, ',')) { next(L); if (is_p(L, ';')) return ptx_fail(L->e, L->file, L->tline, "expected an operand"); continue; }
        if (!is_p(L, ';')) return ptx_fail(L->e, L->file, L->tline, "expected ',' or ';', found '%s'", tokdesc(L));
    }
    next(L);
    k->ninsts++;
    return 0;
}

static void skip_line(lexer *L)
{
    while (L->s < L->end && *L->s != '\n') L->s++;
    next(L);
}

static int parse_body(parser *P)
{
    lexer *L = &P->L;
    ptx_kernel *k = P->k;
    int depth = 1;
    int scope_mark[64];
    scope_mark[0] = P->ndecls;
    next(L);   /* past '{' */
    while (!L->e->set) {
        if (L->kind == T_EOF) return ptx_fail(L->e, L->file, L->tline, "missing '}' at the end of kernel '%s'", k->name);
        if (is_p(L, '{')) {
            if (depth == 64) return ptx_fail(L->e, L->file, L->tline, "blocks nested too deeply");
            scope_mark[depth++] = P->ndecls;
            next(L);
            continue;
        }
        if (is_p(L, '}')) {
            P->ndecls = scope_mark[--depth];
            next(L);
            if (depth == 0) return 0;
            continue;
        }
        if (is_w(L, ".reg")) { if (parse_reg_decl(P)) return -1; continue; }
        if (is_w(L, ".shared") || is_w(L, ".local")) {
            if (parse_var(P, &k->vars, &k->nvars, &k->cap_vars, false)) return -1;
            continue;
        }
        if (is_w(L, ".pragma")) {
            next(L);
            if (L->kind != T_STR) return ptx_fail(L->e, L->file, L->tline, "expected a string after .pragma");
            next(L);
            if (expect_p(L, ';')) return -1;
            continue;
        }
        if (is_w(L, ".loc") || is_w(L, ".file")) { skip_line(L); continue; }
        if (L->kind == T_WORD && L->text[0] == '.')
            return ptx_fail(L->e, L->file, L->tline, "unsupported PTX directive '%s' in a kernel body", L->text);
        if (L->kind == T_WORD && L->text[0] != '%' && L->s < L->end && *L->s == ':') {
            /* label */
            if (label_id(k, L->text) >= 0) return ptx_fail(L->e, L->file, L->tline, "label '%s' defined twice", L->text);
            GROW(k->labels, k->nlabels, k->cap_labels);
            snprintf(k->labels[k->nlabels], PTX_NAME, "%s", L->text);
            GROW(k->insts, k->ninsts, k->cap_insts);
            ptx_inst *in = &k->insts[k->ninsts++];
            memset(in, 0, sizeof *in);
            in->line = L->tline;
            in->guard = -1;
            in->label = k->nlabels++;
            L->s++;   /* ':' */
            next(L);
            continue;
        }
        if (parse_inst(P)) return -1;
    }
    return -1;
}

static int param_size(lexer *L, const char *type, uint32_t *size)
{
    if (!strcmp(type, ".u64") || !strcmp(type, ".s64") || !strcmp(type, ".b64")) { *size = 8; return 0; }
    /* narrower integers get a 4-byte slot: ld.param.u8/.u16 read its low bytes (little-endian) */
    static const char *const four[] = { ".u32", ".s32", ".b32", ".f32", ".u16", ".s16", ".b16", ".u8", ".s8", ".b8" };
    for (size_t i = 0; i < sizeof four / sizeof four[0]; i++) if (!strcmp(type, four[i])) { *size = 4; return 0; }
    return ptx_fail(L->e, L->file, L->tline, "unsupported kernel parameter type '%s' (TG32 takes 32-bit values and 64-bit pointers)", type);
}

static int parse_entry(parser *P)
{
    lexer *L = &P->L;
    ptx_module *m = P->m;
    next(L);   /* past .entry */
    if (L->kind != T_WORD) return ptx_fail(L->e, L->file, L->tline, "expected a kernel name");
    GROW(m->kernels, m->nkernels, m->cap_kernels);
    ptx_kernel *k = &m->kernels[m->nkernels++];
    memset(k, 0, sizeof *k);
    P->k = k;
    snprintf(k->name, sizeof k->name, "%s", L->text);
    k->line = L->tline;
    P->ndecls = 0;
    next(L);
    if (is_p(L, '(')) {
        next(L);
        int cap = 0;
        while (!is_p(L, ')')) {
            if (!is_w(L, ".param")) return ptx_fail(L->e, L->file, L->tline, "expected .param, found '%s'", tokdesc(L));
            next(L);
            uint32_t size = 0;
            bool have_type = false;
            while (L->kind == T_WORD && L->text[0] == '.') {
                if (is_w(L, ".ptr") || is_w(L, ".global") || is_w(L, ".const") || is_w(L, ".shared") || is_w(L, ".local")) { next(L); continue; }
                if (is_w(L, ".align")) { next(L); if (L->kind != T_NUM) return ptx_fail(L->e, L->file, L->tline, "bad .align"); next(L); continue; }
                if (have_type) return ptx_fail(L->e, L->file, L->tline, "unexpected '%s' in a parameter", L->text);
                if (param_size(L, L->text, &size)) return -1;
                have_type = true;
                next(L);
            }
            if (!have_type) return ptx_fail(L->e, L->file, L->tline, "parameter without a type");
            if (L->kind != T_WORD) return ptx_fail(L->e, L->file, L->tline, "expected a parameter name, found '%s'", tokdesc(L));
            GROW(k->params, k->nparams, cap);
            snprintf(k->params[k->nparams].name, PTX_NAME, "%s", L->text);
            k->params[k->nparams++].size = size;
            next(L);
            if (is_p(L, '[')) return ptx_fail(L->e, L->file, L->tline, "array (struct) kernel parameters are not supported");
            if (is_p(L, ',')) { next(L); if (is_p(L, ')')) return ptx_fail(L->e, L->file, L->tline, "expected a parameter"); continue; }
            if (!is_p(L, ')')) return ptx_fail(L->e, L->file, L->tline, "expected ',' or ')', found '%s'", tokdesc(L));
        }
        next(L);
    }
    /* performance directives: they only constrain launches; TG32 does not need them */
    while (is_w(L, ".maxntid") || is_w(L, ".reqntid") || is_w(L, ".minnctapersm") || is_w(L, ".maxnreg") ||
           is_w(L, ".maxclusterrank") || is_w(L, ".reqnctapercluster") || is_w(L, ".noreturn")) {
        next(L);
        while (L->kind == T_NUM || is_p(L, ',')) next(L);
    }
    if (!is_p(L, '{')) return ptx_fail(L->e, L->file, L->tline, "expected '{' to open kernel '%s', found '%s'", k->name, tokdesc(L));
    return parse_body(P);
}

int ptx_parse(const char *src, size_t len, const char *filename, ptx_module *m, ptx_err *e)
{
    parser P;
    memset(&P, 0, sizeof P);
    memset(m, 0, sizeof *m);
    m->filename = filename;
    lexer *L = &P.L;
    L->s = src; L->end = src + len; L->file = filename; L->line = 1; L->e = e;
    P.m = m;
    bool have_version = false;
    next(L);
    while (!e->set && L->kind != T_EOF) {
        if (is_w(L, ".version")) {
            next(L);
            if (L->kind != T_NUM) { ptx_fail(e, filename, L->tline, "bad .version"); break; }
            snprintf(m->version, sizeof m->version, "%s", L->text);
            have_version = true;
            next(L);
            continue;
        }
        if (is_w(L, ".target")) {
            next(L);
            if (L->kind != T_WORD) { ptx_fail(e, filename, L->tline, "bad .target"); break; }
            snprintf(m->target, sizeof m->target, "%s", L->text);
            next(L);
            while (is_p(L, ',')) { next(L); next(L); }   /* texmode_*, debug, ... */
            continue;
        }
        if (is_w(L, ".address_size")) {
            next(L);
            if (!(L->kind == T_NUM && (!strcmp(L->text, "64") || !strcmp(L->text, "32")))) {
                ptx_fail(e, filename, L->tline, "bad .address_size '%s'", tokdesc(L));
                break;
            }
            next(L);
            continue;
        }
        if (is_w(L, ".file") || is_w(L, ".loc")) { skip_line(L); continue; }
        bool is_extern = false;
        while (is_w(L, ".visible") || is_w(L, ".weak") || is_w(L, ".extern")) {
            if (is_w(L, ".extern")) is_extern = true;
            next(L);
        }
        if (is_w(L, ".entry")) { if (is_extern) { ptx_fail(e, filename, L->tline, "extern kernels are not supported"); break; } parse_entry(&P); continue; }
        if (is_w(L, ".shared")) { parse_var(&P, &m->vars, &m->nvars, &m->cap_vars, is_extern); continue; }
        if (is_w(L, ".func")) { ptx_fail(e, filename, L->tline, "device functions (.func) are not supported: build with -O3 so nvcc inlines them, or mark them __forceinline__"); break; }
        if (is_w(L, ".global") || is_w(L, ".const"))  { ptx_fail(e, filename, L->tline, "module-scope %s variables are not supported", L->text); break; }
        if (L->kind == T_WORD && L->text[0] == '.') { ptx_fail(e, filename, L->tline, "unsupported PTX directive '%s'", L->text); break; }
        ptx_fail(e, filename, L->tline, "syntax error at '%s'", tokdesc(L));
    }
    free(P.decls);
    if (!e->set && !have_version) ptx_fail(e, filename, 0, "not PTX: no .version directive");
    if (!e->set && m->nkernels == 0) ptx_fail(e, filename, 0, "no kernels (.entry) in the PTX");
    return e->set ? -1 : 0;
}

void ptx_module_free(ptx_module *m)
{
    for (int i = 0; i < m->nkernels; i++) {
        ptx_kernel *k = &m->kernels[i];
        free(k->params); free(k->regs); free(k->insts); free(k->labels); free(k->vars);
    }
    free(m->kernels);
    free(m->vars);
    memset(m, 0, sizeof *m);
}
