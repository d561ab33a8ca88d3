/* regalloc.c: virtual -> physical registers and predicates for one kernel's machine IR.
 *
 * Linear scan over the linearized code: liveness is computed per basic block by the usual backward
 * dataflow (so a value live around a loop's back edge is live over the whole loop), each virtual
 * register's live interval is the hull of the positions where it is live, and intervals are packed
 * into the lowest free physical register in order of their start. When none is free, the interval
 * that ends last is spilled to local memory (registers) or to a general register (predicates, which
 * TG32 has only 7 of). Spilled values are reloaded into reserved scratch registers around each use
 * and stored back after each def (under the instruction's guard, so a guarded def that does not
 * happen leaves the spilled value intact).
 *
 * Positions: instruction i reads at 2i and writes at 2i+1, so a value whose last use is at i and a
 * value defined at i may share a register. A guarded def does not end the previous value's life. */
#include "tools/ptx/ptx_ir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) { fprintf(stderr, "tgpu: out of memory\n"); exit(1); }
    return p;
}

int *mi_slot(tg_mi *m, int slot)
{
    switch (slot) {
    case SLOT_D: return &m->d;
    case SLOT_A: return &m->a;
    case SLOT_B: return &m->b;
    case SLOT_C: return &m->c;
    default:     return &m->p;
    }
}

void mi_get_slots(const tg_mi *m, mi_slots *s)
{
    memset(s, 0, sizeof *s);
    if (m->op >= MI_LABEL) return;
    const tg_opinfo *oi = tg_opinfo_get((unsigned)m->op);
    if (!oi) return;
#define USE(x) (s->uses[s->nuses++] = (x))
#define DEF(x) (s->defs[s->ndefs++] = (x))
#define PUSE(x) (s->puses[s->npuses++] = (x))
#define PDEF(x) (s->pdefs[s->npdefs++] = (x))
    switch (oi->format) {
    case TG_FMT_BAR:   if (m->a != MI_NONE) USE(SLOT_A); break;
    case TG_FMT_RB:    DEF(SLOT_D); if (!m->bimm) USE(SLOT_B); break;
    case TG_FMT_RA:    DEF(SLOT_D); USE(SLOT_A); break;
    case TG_FMT_RAB:   DEF(SLOT_D); USE(SLOT_A); if (!m->bimm) USE(SLOT_B); break;
    case TG_FMT_RABC:  DEF(SLOT_D); USE(SLOT_A); USE(SLOT_B); USE(SLOT_C); break;
    case TG_FMT_S2R:   DEF(SLOT_D); break;
    case TG_FMT_SEL:   DEF(SLOT_D); USE(SLOT_A); if (!m->bimm) USE(SLOT_B); PUSE(SLOT_P); break;
    case TG_FMT_SETP:  PDEF(SLOT_D); USE(SLOT_A); if (!m->bimm) USE(SLOT_B); break;
    case TG_FMT_PLOG:  PDEF(SLOT_D); PUSE(SLOT_A); PUSE(SLOT_B); break;
    case TG_FMT_LD:    DEF(SLOT_D); if (m->a != MI_NONE) USE(SLOT_A); break;
    case TG_FMT_ST:    USE(SLOT_D); if (m->a != MI_NONE) USE(SLOT_A); break;
    case TG_FMT_ATOM:  DEF(SLOT_D); USE(SLOT_A); USE(SLOT_B); if (m->c != MI_NONE) USE(SLOT_C); break;
    case TG_FMT_SHFL:  DEF(SLOT_D); USE(SLOT_A); USE(SLOT_B); USE(SLOT_C); if (m->p != MI_NONE) PDEF(SLOT_P); break;
    case TG_FMT_VOTEP: PDEF(SLOT_D); PUSE(SLOT_A); break;
    case TG_FMT_VOTER: DEF(SLOT_D); PUSE(SLOT_A); break;
    default: break;
    }
#undef USE
#undef DEF
#undef PUSE
#undef PDEF
}

static bool guarded(const tg_mi *m) { return m->guard >= 0 || MI_IS_PHYS(m->guard); }

/* Virtual operands an instruction reads and writes, for one class. */
static void operands(tg_mi *m, bool pred, int *uses, int *nu, int *defs, int *nd)
{
    mi_slots s;
    mi_get_slots(m, &s);
    *nu = *nd = 0;
    if (pred) {
        if (m->guard >= 0) uses[(*nu)++] = m->guard;
        for (int i = 0; i < s.npuses; i++) { int v = *mi_slot(m, s.puses[i]); if (v >= 0) uses[(*nu)++] = v; }
        for (int i = 0; i < s.npdefs; i++) { int v = *mi_slot(m, s.pdefs[i]); if (v >= 0) defs[(*nd)++] = v; }
    } else {
        for (int i = 0; i < s.nuses; i++) { int v = *mi_slot(m, s.uses[i]); if (v >= 0) uses[(*nu)++] = v; }
        for (int i = 0; i < s.ndefs; i++) { int v = *mi_slot(m, s.defs[i]); if (v >= 0) defs[(*nd)++] = v; }
    }
}

typedef struct block { int first, last, succ[2], nsucc; } block;

static int build_blocks(const tg_mi_func *f, block **out)
{
    int n = f->n, nb = 0;
    int *bstart = xcalloc((size_t)n + 1, sizeof *bstart);   /* 1 where a block starts */
    for (int i = 0; i < n; i++) {
        if (i == 0 || f->v[i].op == MI_LABEL) bstart[i] = 1;
        if ((f->v[i].op == TG_OP_BRA || f->v[i].op == TG_OP_EXIT) && i + 1 < n) bstart[i + 1] = 1;
    }
    for (int i = 0; i < n; i++) nb += bstart[i];
    block *b = xcalloc((size_t)nb, sizeof *b);
    int *blk_of_label = xcalloc((size_t)f->nlabels + 1, sizeof *blk_of_label);
    int k = -1;
    for (int i = 0; i < n; i++) {
        if (bstart[i]) { k++; b[k].first = i; }
        b[k].last = i;
        if (f->v[i].op == MI_LABEL) blk_of_label[f->v[i].label] = k;
    }
    for (int j = 0; j < nb; j++) {
        const tg_mi *m = &f->v[b[j].last];
        bool falls = true;
        if (m->op == TG_OP_BRA) {
            b[j].succ[b[j].nsucc++] = blk_of_label[m->label];
            falls = guarded(m);
        } else if (m->op == TG_OP_EXIT) {
            falls = guarded(m);
        }
        if (falls && j + 1 < nb) b[j].succ[b[j].nsucc++] = j + 1;
    }
    free(bstart);
    free(blk_of_label);
    *out = b;
    return nb;
}

static void extend(int *start, int *end, int v, int pos)
{
    if (pos < start[v]) start[v] = pos;
    if (pos > end[v]) end[v] = pos;
}

/* Live intervals of every virtual of one class (start > end when never used or defined). */
static void intervals(tg_mi_func *f, bool pred, int nvirt, int *start, int *end)
{
    for (int v = 0; v < nvirt; v++) { start[v] = INT_MAX; end[v] = -1; }
    if (f->n == 0 || nvirt == 0) return;
    block *b;
    int nb = build_blocks(f, &b);
    size_t W = ((size_t)nvirt + 63) / 64;
    uint64_t *use = xcalloc((size_t)nb * W, 8), *def = xcalloc((size_t)nb * W, 8);
    uint64_t *in = xcalloc((size_t)nb * W, 8), *out = xcalloc((size_t)nb * W, 8);
    uint64_t *live = xcalloc(W, 8);
    int uses[8], defs[4], nu, nd;
#define BIT(set, v) ((set)[(v) >> 6] & (1ull << ((v) & 63)))
#define SETB(set, v) ((set)[(v) >> 6] |= (1ull << ((v) & 63)))
#define CLRB(set, v) ((set)[(v) >> 6] &= ~(1ull << ((v) & 63)))
    for (int j = 0; j < nb; j++) {
        uint64_t *u = use + (size_t)j * W, *d = def + (size_t)j * W;
        for (int i = b[j].first; i <= b[j].last; i++) {
            operands(&f->v[i], pred, uses, &nu, defs, &nd);
            for (int k = 0; k < nu; k++) if (!BIT(d, uses[k])) SETB(u, uses[k]);
            if (!guarded(&f->v[i])) for (int k = 0; k < nd; k++) SETB(d, defs[k]);
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (int j = nb - 1; j >= 0; j--) {
            uint64_t *o = out + (size_t)j * W, *ii = in + (size_t)j * W;
            for (int s = 0; s < b[j].nsucc; s++) {
                const uint64_t *si = in + (size_t)b[j].succ[s] * W;
                for (size_t w = 0; w < W; w++) o[w] |= si[w];
            }
            for (size_t w = 0; w < W; w++) {
                uint64_t nv = use[(size_t)j * W + w] | (o[w] & ~def[(size_t)j * W + w]);
                if (nv != ii[w]) { ii[w] = nv; changed = true; }
            }
        }
    }
    for (int j = 0; j < nb; j++) {
        const uint64_t *o = out + (size_t)j * W, *ii = in + (size_t)j * W;
        for (size_t w = 0; w < W; w++) {
            for (uint64_t x = o[w]; x; x &= x - 1) extend(start, end, (int)(w * 64) + __builtin_ctzll(x), 2 * b[j].last + 1);
            for (uint64_t x = ii[w]; x; x &= x - 1) extend(start, end, (int)(w * 64) + __builtin_ctzll(x), 2 * b[j].first);
        }
        for (int i = b[j].first; i <= b[j].last; i++) {
            operands(&f->v[i], pred, uses, &nu, defs, &nd);
            for (int k = 0; k < nu; k++) extend(start, end, uses[k], 2 * i);
            for (int k = 0; k < nd; k++) extend(start, end, defs[k], 2 * i + 1);
        }
    }
#undef BIT
#undef SETB
#undef CLRB
    free(b); free(use); free(def); free(in); free(out); free(live);
}

static const int *g_start;
static int by_start(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    if (g_start[x] != g_start[y]) return g_start[x] < g_start[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

#define UNUSED_V (-2)

/* Linear scan. assign[v] = physical number, -1 when spilled, UNUSED_V when never referenced. Returns the count of
 * physical registers used; *nspilled the number of spilled virtuals. */
static int linear_scan(tg_mi_func *f, bool pred, int nvirt, int navail, int *assign, int *nspilled)
{
    int *start = xcalloc((size_t)nvirt, sizeof *start), *end = xcalloc((size_t)nvirt, sizeof *end);
    intervals(f, pred, nvirt, start, end);
    int *order = xcalloc((size_t)nvirt, sizeof *order), n = 0;
    for (int v = 0; v < nvirt; v++) { assign[v] = UNUSED_V; if (end[v] >= 0) { assign[v] = -1; order[n++] = v; } }
    g_start = start;
    qsort(order, (size_t)n, sizeof *order, by_start);
    int *holder = xcalloc((size_t)navail + 1, sizeof *holder);   /* physical -> virtual or -1 */
    for (int p = 0; p < navail; p++) holder[p] = -1;
    int used = 0;
    *nspilled = 0;
    for (int i = 0; i < n; i++) {
        int v = order[i], free_p = -1, far = -1;
        for (int p = 0; p < navail; p++) {
            int h = holder[p];
            if (h >= 0 && end[h] < start[v]) holder[p] = h = -1;   /* expired */
            if (h < 0) { if (free_p < 0) free_p = p; }
            else if (far < 0 || end[h] > end[holder[far]]) far = p;
        }
        if (free_p >= 0) {
            holder[free_p] = v;
            assign[v] = free_p;
            if (free_p + 1 > used) used = free_p + 1;
            continue;
        }
        (*nspilled)++;
        if (far >= 0 && end[holder[far]] > end[v]) {   /* spill the one that lives longest */
            assign[holder[far]] = -1;
            holder[far] = v;
            assign[v] = far;
        }
    }
    free(start); free(end); free(order); free(holder);
    return used;
}

static void push_copy(tg_mi_func *nf, const tg_mi *m) { *mi_push(nf, m->line) = *m; }

/* Predicates first: up to 7 in p0..p6; if more are live at once, 4 stay allocatable, p4..p6 become
 * scratch, and spilled predicates live in fresh general registers as 0/1. */
static void alloc_preds(tg_mi_func *f)
{
    int np = f->nvpreds, nspilled;
    int *assign = xcalloc((size_t)np, sizeof *assign);
    linear_scan(f, true, np, TG_NUM_PREDS, assign, &nspilled);
    int navail = TG_NUM_PREDS;
    if (nspilled) {
        navail = TG_NUM_PREDS - 3;
        linear_scan(f, true, np, navail, assign, &nspilled);
    }
    int *gpr = xcalloc((size_t)np, sizeof *gpr);
    for (int v = 0; v < np; v++) gpr[v] = assign[v] == -1 ? f->nvregs++ : -1;
    f->nspills += (unsigned)nspilled;
    tg_mi_func nf = *f;
    nf.v = NULL; nf.n = nf.cap = 0;
    for (int i = 0; i < f->n; i++) {
        tg_mi m = f->v[i];
        mi_slots s;
        mi_get_slots(&m, &s);
        int sc = 1;   /* scratch 0 is the guard's */
        if (m.guard >= 0 && assign[m.guard] < 0) {
            tg_mi *r = mi_push(&nf, m.line);
            r->op = TG_OP_ISETP; r->mod = TG_COND_NE; r->d = MI_PHYS(navail); r->a = gpr[m.guard];
            r->bimm = true; r->imm = 0; r->guard = MI_NONE;
            m.guard = MI_PHYS(navail);
        } else if (m.guard >= 0) {
            m.guard = MI_PHYS(assign[m.guard]);
        }
        for (int k = 0; k < s.npuses; k++) {
            int *slot = mi_slot(&m, s.puses[k]);
            if (*slot < 0) continue;
            if (assign[*slot] >= 0) { *slot = MI_PHYS(assign[*slot]); continue; }
            tg_mi *r = mi_push(&nf, m.line);
            r->op = TG_OP_ISETP; r->mod = TG_COND_NE; r->d = MI_PHYS(navail + sc); r->a = gpr[*slot];
            r->bimm = true; r->imm = 0; r->guard = MI_NONE;
            *slot = MI_PHYS(navail + sc);
            sc++;
        }
        int spilled_def = -1;
        for (int k = 0; k < s.npdefs; k++) {
            int *slot = mi_slot(&m, s.pdefs[k]);
            if (*slot < 0) continue;
            if (assign[*slot] >= 0) { *slot = MI_PHYS(assign[*slot]); continue; }
            spilled_def = gpr[*slot];
            *slot = MI_PHYS(navail + 1);
        }
        push_copy(&nf, &m);
        if (spilled_def >= 0) {   /* gpr = p ? 1 : 0, only where the instruction ran */
            tg_mi *w = mi_push(&nf, m.line);
            w->op = TG_OP_SEL; w->d = spilled_def; w->a = MI_ZERO; w->bimm = true; w->imm = 1;
            w->p = MI_PHYS(navail + 1); w->pa_neg = true;
            w->guard = m.guard; w->guard_neg = m.guard_neg;
        }
    }
    free(f->v);
    f->v = nf.v; f->n = nf.n; f->cap = nf.cap;
    f->nvregs = nf.nvregs;
    free(assign);
    free(gpr);
}

/* A wide load lands in the scratch block and is copied out element by element. When a copy's target
 * has no other def and all its uses come before the block is written again (same basic block), the
 * uses read the scratch register directly and the copy goes: the hot loops of vectorized kernels
 * (ld.v4 + fma) keep their instruction count. */
static void fold_vector_copies(tg_mi_func *f)
{
    int nv = f->nvregs;
    int *ndef = xcalloc((size_t)nv, sizeof *ndef), *nuse = xcalloc((size_t)nv, sizeof *nuse);
    for (int i = 0; i < f->n; i++) {
        mi_slots s;
        mi_get_slots(&f->v[i], &s);
        for (int k = 0; k < s.ndefs; k++) { int v = *mi_slot(&f->v[i], s.defs[k]); if (v >= 0) ndef[v]++; }
        for (int k = 0; k < s.nuses; k++) { int v = *mi_slot(&f->v[i], s.uses[k]); if (v >= 0) nuse[v]++; }
    }
    bool *drop = xcalloc((size_t)f->n, sizeof *drop);
    for (int i = 0; i < f->n; i++) {
        tg_mi *m = &f->v[i];
        /* an unguarded copy only: a guarded one may leave its target holding an older value */
        if (m->op != TG_OP_MOV || m->bimm || !MI_IS_SV(m->b) || m->d < 0 || ndef[m->d] != 1 || m->guard != MI_NONE) continue;
        int v = m->d, found = 0, j;
        for (j = i + 1; j < f->n; j++) {
            const tg_mi *u = &f->v[j];
            if (u->op == MI_LABEL) break;
            mi_slots s;
            mi_get_slots(u, &s);
            for (int k = 0; k < s.nuses; k++) if (*mi_slot((tg_mi *)u, s.uses[k]) == v) found++;
            int dv = s.ndefs ? *mi_slot((tg_mi *)u, s.defs[0]) : MI_NONE;
            bool writes_sv = MI_IS_SV(dv) && MI_SV_NUM(dv) / 4 == MI_SV_NUM(m->b) / 4;   /* same block */
            if (writes_sv || u->op == TG_OP_BRA || u->op == TG_OP_EXIT) break;
        }
        if (found != nuse[v] || found == 0) continue;
        for (int q = i + 1; q <= j && q < f->n; q++) {
            mi_slots s;
            mi_get_slots(&f->v[q], &s);
            for (int k = 0; k < s.nuses; k++) { int *sl = mi_slot(&f->v[q], s.uses[k]); if (*sl == v) *sl = m->b; }
        }
        drop[i] = true;
    }
    int n = 0;
    for (int i = 0; i < f->n; i++) if (!drop[i]) f->v[n++] = f->v[i];
    f->n = n;
    free(ndef); free(nuse); free(drop);
}

int tg_regalloc(tg_mi_func *f, unsigned max_regs, const char *file, ptx_err *e)
{
    if (max_regs == 0 || max_regs > TG_NUM_REGS) max_regs = TG_NUM_REGS;
    if (max_regs < 16) return ptx_fail(e, file, 0, "--max-regs must be at least 16");
    fold_vector_copies(f);
    alloc_preds(f);
    /* 12 registers stay in reserve: 8 for the two wide-access blocks, 4 for spill reloads */
    int navail = (int)max_regs - 12, nv = f->nvregs, nspilled;
    int *assign = xcalloc((size_t)nv, sizeof *assign);
    int used = linear_scan(f, false, nv, navail, assign, &nspilled);
    int sv_used = 0;   /* scratch block registers in use: 0, 4 or 8 */
    for (int i = 0; i < f->n; i++)
        if (MI_IS_SV(f->v[i].d) && MI_SV_NUM(f->v[i].d) / 4 * 4 + 4 > sv_used) sv_used = MI_SV_NUM(f->v[i].d) / 4 * 4 + 4;
    int sv_base = nspilled ? navail : used, top = used;
    if (sv_used) top = sv_base + sv_used;
    int *slot_of = xcalloc((size_t)nv, sizeof *slot_of);
    uint32_t local = (f->local_bytes + 3) & ~3u;
    for (int v = 0; v < nv; v++) {
        slot_of[v] = -1;
        if (assign[v] == -1) { slot_of[v] = (int)local; local += 4; }
    }
    f->nspills += (unsigned)nspilled;
    tg_mi_func nf = *f;
    nf.v = NULL; nf.n = nf.cap = 0;
    int spill_base = navail + 8;
    for (int i = 0; i < f->n; i++) {
        tg_mi m = f->v[i];
        mi_slots s;
        mi_get_slots(&m, &s);
        int loaded_v[4], loaded_r[4], nl = 0;
        for (int k = 0; k < s.nuses; k++) {
            int *slot = mi_slot(&m, s.uses[k]);
            if (MI_IS_SV(*slot)) { *slot = MI_PHYS(sv_base + MI_SV_NUM(*slot)); continue; }
            if (*slot < 0) continue;
            if (assign[*slot] >= 0) { *slot = MI_PHYS(assign[*slot]); continue; }
            int r = -1;
            for (int q = 0; q < nl; q++) if (loaded_v[q] == *slot) r = loaded_r[q];
            if (r < 0) {
                r = spill_base + nl;
                tg_mi *ld = mi_push(&nf, m.line);
                ld->op = TG_OP_LDL; ld->mod = TG_W_B32; ld->d = MI_PHYS(r); ld->a = MI_NONE;
                ld->bimm = true; ld->imm = (uint32_t)slot_of[*slot]; ld->guard = MI_NONE;
                loaded_v[nl] = *slot; loaded_r[nl++] = r;
                if (r + 1 > top) top = r + 1;
            }
            *slot = MI_PHYS(r);
        }
        int store_slot = -1;
        for (int k = 0; k < s.ndefs; k++) {
            int *slot = mi_slot(&m, s.defs[k]);
            if (MI_IS_SV(*slot)) { *slot = MI_PHYS(sv_base + MI_SV_NUM(*slot)); continue; }
            if (*slot < 0) continue;
            if (assign[*slot] >= 0) { *slot = MI_PHYS(assign[*slot]); continue; }
            store_slot = slot_of[*slot];
            *slot = MI_PHYS(spill_base + 3);
            if (spill_base + 4 > top) top = spill_base + 4;
        }
        push_copy(&nf, &m);
        if (store_slot >= 0) {
            tg_mi *st = mi_push(&nf, m.line);
            st->op = TG_OP_STL; st->mod = TG_W_B32; st->d = MI_PHYS(spill_base + 3); st->a = MI_NONE;
            st->bimm = true; st->imm = (uint32_t)store_slot;
            st->guard = m.guard; st->guard_neg = m.guard_neg;
        }
    }
    free(f->v);
    f->v = nf.v; f->n = nf.n; f->cap = nf.cap;
    f->local_bytes = local;
    f->nregs = top > 0 ? (unsigned)top : 1;
    free(assign);
    free(slot_of);
    if (f->nregs > max_regs) return ptx_fail(e, file, 0, "kernel needs %u registers, more than %u", f->nregs, max_regs);
    return 0;
}
