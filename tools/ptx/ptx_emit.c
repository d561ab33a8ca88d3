/* ptx_emit.c: machine IR after register allocation -> TG32 assembler text (the .tgasm syntax every
 * tool shares), and tg_ptx_to_asm, which runs the whole pipeline: parse, lower, allocate, emit. */
#include "tools/ptx/ptx.h"
#include "tools/ptx/ptx_ir.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"

typedef struct sbuf { char *s; size_t n, cap; } sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if (b->s && b->n + (size_t)n < b->cap) { b->n += (size_t)n; return; }
        size_t nc = b->cap ? b->cap * 2 : 4096;
        while (nc < b->n + (size_t)n + 1) nc *= 2;
        char *ns = realloc(b->s, nc);
        if (!ns) { fprintf(stderr, "tgpu: out of memory\n"); exit(1); }
        b->s = ns;
        b->cap = nc;
    }
}

/* Assembler names are [A-Za-z_][A-Za-z0-9_]*: PTX's '$' and '.' become '_'. */
static const char *clean(const char *name, char *buf, size_t n)
{
    size_t j = 0;
    if (!strncmp(name, "$L__", 4)) name += 4;   /* nvcc's local labels: $L__BB0_2 -> BB0_2 */
    if (name[0] >= '0' && name[0] <= '9' && j + 1 < n) buf[j++] = '_';
    for (; *name && j + 1 < n; name++) {
        char c = *name;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        buf[j++] = ok ? c : '_';
    }
    buf[j] = 0;
    return buf;
}

static void reg(sbuf *b, int x)
{
    if (x == MI_ZERO) put(b, "rz");
    else if (MI_IS_PHYS(x)) put(b, "r%d", MI_PHYS_NUM(x));
    else put(b, "r?%d", x);   /* unallocated: the assembler rejects it, so a bug here is loud */
}

static void pred(sbuf *b, int x, bool neg)
{
    if (neg) put(b, "!");
    if (x == MI_ZERO) put(b, "pt");
    else if (MI_IS_PHYS(x)) put(b, "p%d", MI_PHYS_NUM(x));
    else put(b, "p?%d", x);
}

static void opb(sbuf *b, const tg_mi *m)
{
    if (!m->bimm) { reg(b, m->b); return; }
    if (m->fimm) put(b, "0f%08x", m->imm);
    else put(b, "%d", (int32_t)m->imm);
}

static void mem(sbuf *b, const tg_mi *m)
{
    char nb[PTX_NAME + 8];
    put(b, "[");
    bool any = false;
    if (m->a != MI_NONE) { reg(b, m->a); any = true; }
    if (m->sym) { put(b, "%s%s", any ? "+" : "", clean(m->sym, nb, sizeof nb)); any = true; }
    int32_t off = (int32_t)m->imm;
    if (!any) put(b, "%d", off);
    else if (off > 0) put(b, "+%d", off);
    else if (off < 0) put(b, "-%u", (unsigned)-(int64_t)off);
    put(b, "]");
}

static void emit_inst(sbuf *b, const tg_mi_func *f, const tg_mi *m)
{
    char nb[PTX_NAME + 8];
    if (m->op == MI_LABEL) { put(b, "%s:\n", clean(f->labels[m->label], nb, sizeof nb)); return; }
    const tg_opinfo *oi = tg_opinfo_get((unsigned)m->op);
    put(b, "    ");
    if (m->guard != MI_NONE) { put(b, "@"); pred(b, m->guard, m->guard_neg); put(b, " "); }
    put(b, "%s", oi->mnemonic);
    switch (m->op) {
    case TG_OP_ISETP: case TG_OP_USETP: case TG_OP_FSETP: put(b, ".%s", tg_cond_names[m->mod]); break;
    case TG_OP_F2I: case TG_OP_F2U: case TG_OP_I2F: case TG_OP_U2F: case TG_OP_FRND: put(b, ".%s", tg_round_names[m->mod]); break;
    default:
        switch (oi->format) {
        case TG_FMT_LD: case TG_FMT_ST: put(b, ".%s", tg_width_names[m->mod]); break;
        case TG_FMT_ATOM: put(b, ".%s", tg_atomop_names[m->mod]); break;
        case TG_FMT_SHFL: put(b, ".%s", tg_shfl_mode_names[m->mod]); break;
        default: break;
        }
    }
    put(b, " ");
    switch (oi->format) {
    case TG_FMT_NONE: break;
    case TG_FMT_BRA: put(b, "%s", clean(f->labels[m->label], nb, sizeof nb)); break;
    case TG_FMT_BAR: put(b, "%u", m->imm); if (m->a != MI_NONE) { put(b, ", "); reg(b, m->a); } break;
    case TG_FMT_RB: reg(b, m->d); put(b, ", "); opb(b, m); break;
    case TG_FMT_RA: reg(b, m->d); put(b, ", "); reg(b, m->a); break;
    case TG_FMT_RAB: reg(b, m->d); put(b, ", "); reg(b, m->a); put(b, ", "); opb(b, m); break;
    case TG_FMT_RABC: reg(b, m->d); put(b, ", "); reg(b, m->a); put(b, ", "); reg(b, m->b); put(b, ", "); reg(b, m->c); break;
    case TG_FMT_S2R: reg(b, m->d); put(b, ", %%%s", tg_sreg_names[m->a]); break;
    case TG_FMT_SEL: reg(b, m->d); put(b, ", "); reg(b, m->a); put(b, ", "); opb(b, m); put(b, ", "); pred(b, m->p, m->pa_neg); break;
    case TG_FMT_SETP: pred(b, m->d, false); put(b, ", "); reg(b, m->a); put(b, ", "); opb(b, m); break;
    case TG_FMT_PLOG: pred(b, m->d, false); put(b, ", "); pred(b, m->a, m->pa_neg); put(b, ", "); pred(b, m->b, m->pb_neg); break;
    case TG_FMT_LD: reg(b, m->d); put(b, ", "); mem(b, m); break;
    case TG_FMT_ST: mem(b, m); put(b, ", "); reg(b, m->d); break;
    case TG_FMT_ATOM:
        reg(b, m->d); put(b, ", ["); reg(b, m->a); put(b, "], "); reg(b, m->b);
        if (m->c != MI_NONE) { put(b, ", "); reg(b, m->c); }
        break;
    case TG_FMT_SHFL:
        reg(b, m->d);
        if (m->p != MI_NONE) { put(b, "|"); pred(b, m->p, false); }
        put(b, ", "); reg(b, m->a); put(b, ", "); reg(b, m->b); put(b, ", "); reg(b, m->c);
        break;
    case TG_FMT_VOTEP: pred(b, m->d, false); put(b, ", "); pred(b, m->a, m->pa_neg); break;
    case TG_FMT_VOTER: reg(b, m->d); put(b, ", "); pred(b, m->a, m->pa_neg); break;
    default: break;
    }
    /* trim the trailing space of operand-less instructions */
    if (b->n && b->s[b->n - 1] == ' ') b->s[--b->n] = 0;
}

static void emit_kernel(sbuf *b, const ptx_module *pm, const ptx_kernel *k, const tg_mi_func *f)
{
    char nb[PTX_NAME + 8];
    put(b, "\n.kernel %s\n", clean(k->name, nb, sizeof nb));
    for (int i = 0; i < k->nparams; i++) put(b, ".param %s %u\n", clean(k->params[i].name, nb, sizeof nb), k->params[i].size);
    /* static shared variables in offset order (the lowering laid them out; the assembler's layout,
     * declaration order aligned to ALIGN, gives the same offsets, which tg_ptx_compile checks) */
    uint32_t at = 0;
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? k->nvars : pm->nvars;
        const ptx_var *vs = pass ? k->vars : pm->vars;
        for (int i = 0; i < n; i++) {
            const ptx_var *v = &vs[i];
            if (!v->used || v->space != PTX_SHARED || v->is_extern) continue;
            put(b, ".shared %s %u %u\n", clean(v->name, nb, sizeof nb), v->size, v->align);
            at = v->offset + v->size;
        }
    }
    if (f->shared_bytes > at) put(b, ".shared __dynamic_shared_pad %u 1   // dynamic shared memory starts at %u\n", f->shared_bytes - at, f->shared_bytes);
    if (f->local_bytes) put(b, ".local %u\n", f->local_bytes);
    put(b, ".regs %u\n", f->nregs);
    int line = -1;
    for (int i = 0; i < f->n; i++) {
        const tg_mi *m = &f->v[i];
        if (m->op == TG_OP_MOV && !m->bimm && m->b == m->d) continue;   /* copies the allocator coalesced */
        emit_inst(b, f, m);
        if (m->op != MI_LABEL) {
            if (m->line != line) put(b, "    // ptx line %d", m->line);
            line = m->line;
            put(b, "\n");
        }
    }
}

int ptx_translate(const char *src, size_t len, const char *filename, const tg_ptx_options *o,
                  char **out, ptx_layout **layout, int *nlayout, char *err, size_t errlen)
{
    ptx_err e = { err, errlen, false };
    ptx_module m;
    *out = NULL;
    if (layout) { *layout = NULL; *nlayout = 0; }
    if (ptx_parse(src, len, filename, &m, &e)) { ptx_module_free(&m); return -1; }
    if (layout) {
        *layout = calloc((size_t)m.nkernels, sizeof **layout);
        if (!*layout) { fprintf(stderr, "tgpu: out of memory\n"); exit(1); }
    }
    sbuf b = {0};
    put(&b, "// TG32 assembly generated by tgpu ptx from %s (PTX %s, %s)\n", filename, m.version, m.target);
    for (int i = 0; i < m.nkernels && !e.set; i++) {
        tg_mi_func f;
        if (ptx_lower_kernel(&m, &m.kernels[i], &f, &e) == 0 &&
            tg_regalloc(&f, o ? o->max_regs : 0, filename, &e) == 0) {
            emit_kernel(&b, &m, &m.kernels[i], &f);
            if (layout) {
                clean(m.kernels[i].name, (*layout)[i].kernel, sizeof (*layout)[i].kernel);
                (*layout)[i].shared_bytes = f.shared_bytes;
                (*layout)[i].local_bytes = f.local_bytes;
                (*layout)[i].nregs = f.nregs;
                *nlayout = i + 1;
            }
        }
        free(f.v);
    }
    ptx_module_free(&m);
    if (e.set) {
        free(b.s);
        if (layout) { free(*layout); *layout = NULL; *nlayout = 0; }
        return -1;
    }
    *out = b.s;
    return 0;
}

int tg_ptx_to_asm(const char *src, size_t len, const char *filename, const tg_ptx_options *o,
                  char **out, char *err, size_t errlen)
{
    return ptx_translate(src, len, filename, o, out, NULL, NULL, err, errlen);
}
