/* gen.c: the torture generator (torture.h). Emits TG32 assembly text that the project's assembler
 * turns into a module. Validity is by construction:
 *  - registers: r0 global thread id, r1 tid.x (linear), r2 in, r3 the thread's out slot, r4 its
 *    shared slot offset (tid * 16), r5 atom, r6 threads per block, r7/r8 scratch (addresses,
 *    shuffle operands; recomputed before each use), r9-r11 loop counters by nesting depth,
 *    r12-r31 data. Predicates p0-p5 data, p6 control (set right before the branch that reads it).
 *  - memory: every address is a base register plus a masked data value plus an aligned offset, so
 *    it is in bounds and aligned for the access width. A thread writes only its own out slot, its
 *    own shared slot of the phase's write buffer and (by commutative atomics) the contended words;
 *    it reads the input, its own slots, and the other shared buffer, which nobody writes until the
 *    next barrier. Shared memory is double-buffered per top-level phase: phase k writes buffer
 *    k % 2 and reads buffer (k + 1) % 2.
 *  - control: loops count a counter from 1..4 down to 0 (bodies never write it); barriers only
 *    between top-level phases, which every live thread reaches, also inside uniform loops (a
 *    constant trip count) around two phases.
 * Words 0..79 of a thread's out slot receive r12..r31 at the end; words 80..127 are scratch. */
#include "tools/torture/torture.h"

#include "isa/isa.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R_GTID 0
#define R_TID 1
#define R_IN 2
#define R_OUT 3
#define R_SH 4
#define R_ATOM 5
#define R_NTID 6
#define R_A 7
#define R_T 8
#define R_LOOP 9
#define R_DATA 12
#define N_DATA 20
#define IN_BYTES 1024u
#define SH_SLOT 16u
#define SH_ATOMS 16u         /* contended shared atomic words per buffer */
#define OUT_SCRATCH 80u
#define LOCAL_BYTES 64u
#define MAX_DEPTH 3

typedef struct gen {
    uint64_t rng;
    const tg_torture_opts *o;
    char *buf;
    size_t len, cap;
    int oom;
    unsigned ninstr, nlabels;
    unsigned block;           /* threads per block */
    unsigned phase;           /* top-level phase: shared write buffer = phase % 2 */
    int budget;               /* statements left */
    int loop_depth;
} gen;

static uint64_t next(gen *g)
{
    /* splitmix64 */
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned below(gen *g, unsigned n) { return n ? (unsigned)(next(g) % n) : 0; }
static int chance(gen *g, unsigned pct) { return below(g, 100) < pct; }

static void out(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(gen *g, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = g->oom ? 0 : vsnprintf(g->buf + g->len, g->cap - g->len, fmt, ap);
        va_end(ap);
        if (g->oom) return;
        if ((size_t)n < g->cap - g->len) { g->len += (size_t)n; return; }
        size_t nc = g->cap * 2 + (size_t)n;
        char *nb = realloc(g->buf, nc);
        if (!nb) { g->oom = 1; return; }
        g->buf = nb;
        g->cap = nc;
    }
}

/* One instruction line (the caller writes no newline). */
#define INS(...) do { out(g, "    "); out(g, __VA_ARGS__); out(g, "\n"); g->ninstr++; } while (0)

static unsigned data_reg(gen *g) { return R_DATA + below(g, N_DATA); }
/* A source register: mostly data, sometimes the thread or block id. */
static unsigned src_reg(gen *g)
{
    unsigned k = below(g, 20);
    return k == 0 ? R_TID : k == 1 ? R_GTID : k == 2 ? R_NTID : data_reg(g);
}

static uint32_t int_imm(gen *g)
{
    static const uint32_t special[] = { 0, 1, 2, 3, 0xffffffffu, 0xfffffffeu, 7, 31, 32, 33, 0x7fffffffu,
                                        0x80000000u, 0x80000001u, 0xffffu, 0x8000u, 0x80u, 0xffu, 0x10000u };
    switch (below(g, 4)) {
    case 0: return special[below(g, sizeof special / sizeof special[0])];
    case 1: return (uint32_t)next(g);
    case 2: return (uint32_t)((int32_t)below(g, 201) - 100);
    default: return below(g, 64);
    }
}

static uint32_t f32_bits(gen *g)
{
    static const uint32_t special[] = { 0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x7f800000u,
                                        0xff800000u, 0x7fc00000u, 0x7fffffffu, 0x00000001u, 0x807fffffu,
                                        0x00800000u, 0x7f7fffffu, 0x40490fdbu, 0x3f000000u, 0x4b000000u,
                                        0xcf000000u, 0x4f800000u, 0x3effffffu, 0x477fe000u, 0x33800000u };
    if (chance(g, 35)) return special[below(g, sizeof special / sizeof special[0])];
    uint32_t sign = (uint32_t)below(g, 2) << 31, exp = 127 + below(g, 61) - 30;
    return sign | exp << 23 | ((uint32_t)next(g) & 0x7fffffu);
}

static void emit_b(gen *g, char *s, size_t n, int f32)
{
    if (chance(g, 55)) snprintf(s, n, "r%u", src_reg(g));
    else snprintf(s, n, "0x%x", f32 ? f32_bits(g) : int_imm(g));
}

/* "@p3 " or "@!p3 " or "". */
static const char *guard(gen *g, char *s)
{
    s[0] = 0;
    if (g->o->guards && chance(g, 15)) sprintf(s, "@%sp%u ", chance(g, 50) ? "!" : "", below(g, 6));
    return s;
}

/* p0..p6, or pt (7). */
static const char *pn(unsigned p)
{
    static const char *const n[] = { "p0", "p1", "p2", "p3", "p4", "p5", "p6", "pt" };
    return n[p & 7];
}

static const char *const conds_int[] = { "eq", "ne", "lt", "le", "gt", "ge" };
static const char *const conds_f[] = { "eq", "ne", "lt", "le", "gt", "ge", "equ", "neu", "ltu", "leu", "gtu", "geu",
                                       "num", "nan" };
static const char *const rnd[] = { "rn", "rz", "rm", "rp" };

/* A compare into predicate pd (0..6) from data. */
static void emit_setp(gen *g, unsigned pd)
{
    char b[24], gd[8];
    unsigned k = below(g, g->o->falu ? 3 : 2);
    if (k == 2) {
        emit_b(g, b, sizeof b, 1);
        INS("%sfsetp.%s p%u, r%u, %s", pd == 6 ? "" : guard(g, gd), conds_f[below(g, 14)], pd, data_reg(g), b);
    } else {
        emit_b(g, b, sizeof b, 0);
        INS("%s%s.%s p%u, r%u, %s", pd == 6 ? "" : guard(g, gd), k ? "usetp" : "isetp", conds_int[below(g, 6)], pd,
            src_reg(g), b);
    }
}

static void emit_int_alu(gen *g)
{
    static const char *const rab[] = { "iadd", "isub", "imul", "imulhi", "umulhi", "imin", "imax", "umin", "umax",
                                       "and", "or", "xor", "shl", "shr", "sra" };
    static const char *const ra[] = { "iabs", "ineg", "not", "popc", "clz", "brev", "sx8", "sx16", "zx8", "zx16", "mov" };
    static const char *const rabc[] = { "imad", "bfe", "bfes", "bfi", "prmt" };
    char b[24], gd[8];
    unsigned d = data_reg(g);
    switch (below(g, 10)) {
    case 0: case 1: case 2: case 3:
        emit_b(g, b, sizeof b, 0);
        INS("%s%s r%u, r%u, %s", guard(g, gd), rab[below(g, 15)], d, src_reg(g), b);
        break;
    case 4: case 5: {
        const char *op = ra[below(g, 11)];
        if (!strcmp(op, "mov")) { emit_b(g, b, sizeof b, 0); INS("%smov r%u, %s", guard(g, gd), d, b); }
        else INS("%s%s r%u, r%u", guard(g, gd), op, d, src_reg(g));
        break;
    }
    case 6: case 7:
        INS("%s%s r%u, r%u, r%u, r%u", guard(g, gd), rabc[below(g, 5)], d, src_reg(g), src_reg(g), src_reg(g));
        break;
    case 8:
        emit_b(g, b, sizeof b, 0);
        INS("%ssel r%u, r%u, %s, %sp%u", guard(g, gd), d, src_reg(g), b, chance(g, 50) ? "!" : "", below(g, 7));
        break;
    default: {
        static const char *const sregs[] = { "tid.x", "ntid.x", "ctaid.x", "nctaid.x", "laneid", "warpid", "nwarpid",
                                             "warpsz", "lanemask_eq", "lanemask_lt", "lanemask_le", "lanemask_gt",
                                             "lanemask_ge", "tid.y", "ntid.y", "ctaid.y", "nctaid.y" };
        unsigned n = g->o->launch_2d ? 17 : 13;
        INS("%ss2r r%u, %%%s", guard(g, gd), d, sregs[below(g, n)]);
        break;
    }
    }
}

static void emit_pred(gen *g)
{
    static const char *const plog[] = { "pand", "por", "pxor" };
    char gd[8];
    if (chance(g, 70)) { emit_setp(g, below(g, 6)); return; }
    INS("%s%s p%u, %s%s, %s%s", guard(g, gd), plog[below(g, 3)], below(g, 6), chance(g, 30) ? "!" : "", pn(below(g, 8)),
        chance(g, 30) ? "!" : "", pn(below(g, 8)));
}

static void emit_idiv(gen *g)
{
    static const char *const ops[] = { "idiv", "udiv", "irem", "urem" };
    char b[24], gd[8];
    emit_b(g, b, sizeof b, 0);
    INS("%s%s r%u, r%u, %s", guard(g, gd), ops[below(g, 4)], data_reg(g), src_reg(g), b);
}

static void emit_falu(gen *g)
{
    static const char *const rab[] = { "fadd", "fsub", "fmul", "fmin", "fmax" };
    char b[24], gd[8];
    unsigned d = data_reg(g), k = below(g, 8);
    if (k < 5) { emit_b(g, b, sizeof b, 1); INS("%s%s r%u, r%u, %s", guard(g, gd), rab[k], d, data_reg(g), b); }
    else if (k == 5) INS("%sffma r%u, r%u, r%u, r%u", guard(g, gd), d, data_reg(g), data_reg(g), data_reg(g));
    else if (k == 6) INS("%s%s r%u, r%u", guard(g, gd), chance(g, 50) ? "fabs" : "fneg", d, data_reg(g));
    else { emit_b(g, b, sizeof b, 1); INS("%smov r%u, %s", guard(g, gd), d, b); }
}

static void emit_conv(gen *g)
{
    static const char *const rounded[] = { "f2i", "f2u", "i2f", "u2f", "frnd" };
    static const char *const plain[] = { "f2h", "h2f", "f2bf", "bf2f" };
    char gd[8];
    if (chance(g, 60)) INS("%s%s.%s r%u, r%u", guard(g, gd), rounded[below(g, 5)], rnd[below(g, 4)], data_reg(g), src_reg(g));
    else INS("%s%s r%u, r%u", guard(g, gd), plain[below(g, 4)], data_reg(g), data_reg(g));
}

static void emit_fdiv_sfu(gen *g, int sfu)
{
    static const char *const sfus[] = { "rcp", "rsq", "ex2", "lg2", "sin", "cos", "tanh" };
    char b[24], gd[8];
    if (sfu) INS("%s%s r%u, r%u", guard(g, gd), sfus[below(g, 7)], data_reg(g), data_reg(g));
    else if (chance(g, 50)) { emit_b(g, b, sizeof b, 1); INS("%sfdiv r%u, r%u, %s", guard(g, gd), data_reg(g), data_reg(g), b); }
    else INS("%sfsqrt r%u, r%u", guard(g, gd), data_reg(g), data_reg(g));
}

/* Width suffix and bytes; loads may be signed. */
static unsigned pick_width(gen *g, int load, const char **name)
{
    static const char *const ld[] = { "u8", "s8", "u16", "s16", "b32", "b32", "b64", "b128" };
    static const unsigned ldb[] = { 1, 1, 2, 2, 4, 4, 8, 16 };
    static const char *const st[] = { "u8", "u16", "b32", "b32", "b64", "b128" };
    static const unsigned stb[] = { 1, 2, 4, 4, 8, 16 };
    if (load) { unsigned k = below(g, 8); *name = ld[k]; return ldb[k]; }
    unsigned k = below(g, 6);
    *name = st[k];
    return stb[k];
}
/* A data register that heads width bytes' worth of consecutive data registers. */
static unsigned wide_reg(gen *g, unsigned bytes)
{
    unsigned n = bytes > 4 ? bytes / 4 : 1;
    return R_DATA + below(g, N_DATA - n + 1);
}
/* An aligned offset in [lo, hi - bytes]. */
static unsigned aligned_in(gen *g, unsigned lo, unsigned hi, unsigned bytes)
{
    return lo + below(g, (hi - lo - bytes) / bytes + 1) * bytes;
}

/* Global: the input (read-only, anywhere) or the thread's out scratch (read/write). */
static void emit_global(gen *g)
{
    const char *w;
    char gd[8];
    if (chance(g, 45)) {
        unsigned bytes = pick_width(g, 1, &w), half = IN_BYTES / 2;
        INS("and r%u, r%u, %u", R_A, src_reg(g), (half - 1) & ~(bytes - 1));
        INS("iadd r%u, r%u, r%u", R_A, R_A, R_IN);
        INS("%sldg.%s r%u, [r%u+%u]", guard(g, gd), w, wide_reg(g, bytes), R_A, aligned_in(g, 0, half, bytes));
        return;
    }
    int load = chance(g, 40);
    unsigned bytes = pick_width(g, load, &w);
    unsigned base = R_OUT, off;
    if (chance(g, 50)) {
        INS("and r%u, r%u, %u", R_A, src_reg(g), 31u & ~(bytes - 1));
        INS("iadd r%u, r%u, r%u", R_A, R_A, R_OUT);
        base = R_A;
        off = aligned_in(g, OUT_SCRATCH, OUT_SCRATCH + 16 + bytes, bytes);
    } else {
        off = aligned_in(g, OUT_SCRATCH, TG_TORTURE_OUT_SLOT, bytes);
    }
    if (load) INS("%sldg.%s r%u, [r%u+%u]", guard(g, gd), w, wide_reg(g, bytes), base, off);
    else INS("%sstg.%s [r%u+%u], r%u", guard(g, gd), w, base, off, wide_reg(g, bytes));
}

static unsigned sh_buf(gen *g, unsigned b) { return b * (g->block * SH_SLOT + SH_ATOMS * 4); }

/* Shared: the thread's own slot of the write buffer, or any slot (or atomic word) of the read
 * buffer, which no thread writes in this phase. */
static void emit_shared(gen *g)
{
    const char *w;
    char gd[8];
    unsigned wb = sh_buf(g, g->phase % 2), rb = sh_buf(g, (g->phase + 1) % 2);
    if (g->o->barriers && chance(g, 40)) {
        unsigned bytes = pick_width(g, 1, &w);
        if (chance(g, 20)) {
            INS("%slds.b32 r%u, [r%u+%u]", guard(g, gd), data_reg(g), R_SH, 0u);   /* own slot: word 0 */
            return;
        }
        if (chance(g, 15)) {
            INS("%slds.b32 r%u, [rz+%u]", guard(g, gd), data_reg(g), rb + g->block * SH_SLOT + 4 * below(g, SH_ATOMS));
            return;
        }
        if (chance(g, 50)) {
            unsigned p2 = 1;
            while (p2 * 2 <= g->block) p2 *= 2;
            INS("and r%u, r%u, %u", R_A, src_reg(g), p2 - 1);
        } else {
            INS("iadd r%u, r%u, %u", R_A, R_TID, below(g, g->block + 3));
            INS("urem r%u, r%u, %u", R_A, R_A, g->block);
        }
        INS("shl r%u, r%u, 4", R_A, R_A);
        INS("%slds.%s r%u, [r%u+%u]", guard(g, gd), w, wide_reg(g, bytes), R_A, rb + aligned_in(g, 0, SH_SLOT, bytes));
        return;
    }
    int load = chance(g, 35);
    unsigned bytes = pick_width(g, load, &w);
    INS("iadd r%u, r%u, %u", R_A, R_SH, wb);
    if (load) INS("%slds.%s r%u, [r%u+%u]", guard(g, gd), w, wide_reg(g, bytes), R_A, aligned_in(g, 0, SH_SLOT, bytes));
    else INS("%ssts.%s [r%u+%u], r%u", guard(g, gd), w, R_A, aligned_in(g, 0, SH_SLOT, bytes), wide_reg(g, bytes));
}

static void emit_local(gen *g)
{
    const char *w;
    char gd[8];
    int load = chance(g, 50);
    unsigned bytes = pick_width(g, load, &w);
    INS("and r%u, r%u, %u", R_A, src_reg(g), (LOCAL_BYTES / 2 - 1) & ~(bytes - 1));
    unsigned off = aligned_in(g, 0, LOCAL_BYTES / 2, bytes);
    if (load) INS("%sldl.%s r%u, [r%u+%u]", guard(g, gd), w, wide_reg(g, bytes), R_A, off);
    else INS("%sstl.%s [r%u+%u], r%u", guard(g, gd), w, R_A, off, wide_reg(g, bytes));
}

static const char *const atom_ops[] = { "add", "fadd", "smin", "smax", "umin", "umax", "exch", "cas", "and", "or",
                                        "xor", "inc", "dec" };
/* Operations whose final memory does not depend on the order of the threads. */
static const char *const atom_commutative[] = { "add", "smin", "smax", "umin", "umax", "and", "or", "xor" };

static void emit_atomic(gen *g)
{
    int global = chance(g, 50);
    char gd[8];
    const char *space = global ? "atomg" : "atoms";
    if (chance(g, 45)) {
        /* Contended: every thread on a few words. The old value is order-dependent, so it goes to
         * a scratch register (or rz) unless order_dependent allows using it. */
        /* Words k and k + 8 take only operation k: different operations on one word would not
         * commute with each other. */
        unsigned k = below(g, 8);
        const char *op = g->o->order_dependent ? atom_ops[below(g, 13)] : atom_commutative[k];
        unsigned base = (global ? 0 : sh_buf(g, g->phase % 2) + g->block * SH_SLOT) + 4 * k;
        if (chance(g, 50)) INS("mov r%u, %u", R_A, base + 32 * below(g, 2));
        else { INS("and r%u, r%u, 32", R_A, src_reg(g)); INS("iadd r%u, r%u, %u", R_A, R_A, base); }
        if (global) INS("iadd r%u, r%u, r%u", R_A, R_A, R_ATOM);
        unsigned b = src_reg(g), rd;
        unsigned how = below(g, 4);
        if (how == 0) { INS("mov r%u, r%u", R_T, b); b = R_T; rd = R_T; }    /* rd == rb */
        else rd = how == 1 ? R_A : how == 2 ? R_T : TG_RZ;
        if (g->o->order_dependent && chance(g, 50)) rd = data_reg(g);
        char rds[8];
        snprintf(rds, sizeof rds, rd == TG_RZ ? "rz" : "r%u", rd);
        if (!strcmp(op, "cas")) INS("%s%s.cas %s, [r%u], r%u, r%u", guard(g, gd), space, rds, R_A, b, src_reg(g));
        else INS("%s%s.%s %s, [r%u], r%u", guard(g, gd), space, op, rds, R_A, b);
        return;
    }
    /* Private: a word of the thread's own out scratch or shared slot; any operation, any registers
     * (the destination may be the address register or an operand). */
    const char *op = atom_ops[below(g, 13)];
    if (global) {
        INS("and r%u, r%u, %u", R_A, src_reg(g), 44u);
        INS("iadd r%u, r%u, r%u", R_A, R_A, R_OUT);
        INS("iadd r%u, r%u, %u", R_A, R_A, OUT_SCRATCH);
    } else {
        INS("iadd r%u, r%u, %u", R_A, R_SH, sh_buf(g, g->phase % 2) + 4 * below(g, 4));
    }
    unsigned b = data_reg(g), c = data_reg(g), rd;
    unsigned k = below(g, 5);
    rd = k == 0 ? b : k == 1 ? R_A : k == 2 && !strcmp(op, "cas") ? c : data_reg(g);
    if (!strcmp(op, "cas")) INS("%s%s.cas r%u, [r%u], r%u, r%u", guard(g, gd), space, rd, R_A, b, c);
    else INS("%s%s.%s r%u, [r%u], r%u", guard(g, gd), space, op, rd, R_A, b);
}

static void emit_warp(gen *g)
{
    static const char *const modes[] = { "idx", "up", "down", "bfly" };
    static const uint32_t cvals[] = { 0x1f, 0x0, 0x1f, 0x1f, 0x181f, 0x1c1f, 0x7, 0x1e03 };
    char gd[8];
    switch (below(g, 4)) {
    case 0: case 1:
        if (chance(g, 50)) INS("mov r%u, %u", R_A, below(g, 40));
        else INS("mov r%u, r%u", R_A, src_reg(g));
        INS("mov r%u, %u", R_T, chance(g, 80) ? cvals[below(g, 8)] : (uint32_t)next(g) & 0xffff);
        if (chance(g, 40))
            INS("%sshfl.%s r%u|p%u, r%u, r%u, r%u", guard(g, gd), modes[below(g, 4)], data_reg(g), below(g, 6), src_reg(g),
                R_A, R_T);
        else INS("%sshfl.%s r%u, r%u, r%u, r%u", guard(g, gd), modes[below(g, 4)], data_reg(g), src_reg(g), R_A, R_T);
        break;
    case 2: {
        static const char *const votes[] = { "vote.all", "vote.any", "vote.uni" };
        INS("%s%s p%u, %s%s", guard(g, gd), votes[below(g, 3)], below(g, 6), chance(g, 30) ? "!" : "", pn(below(g, 8)));
        break;
    }
    default:
        INS("%sballot r%u, %s%s", guard(g, gd), data_reg(g), chance(g, 30) ? "!" : "", pn(below(g, 8)));
        break;
    }
}

/* p6 from lane id, thread id, data or an existing predicate, for a divergent branch. Returns the
 * predicate the branch tests ("p6", or "p2" etc.). */
static unsigned branch_pred(gen *g)
{
    switch (below(g, 5)) {
    case 0:
        INS("s2r r%u, %%laneid", R_T);
        INS("and r%u, r%u, %u", R_T, R_T, 1u << below(g, 5));
        INS("isetp.%s p6, r%u, 0", chance(g, 50) ? "eq" : "ne", R_T);
        return 6;
    case 1:
        INS("isetp.%s p6, r%u, %u", chance(g, 50) ? "lt" : "ge", chance(g, 50) ? R_TID : R_GTID, below(g, g->block + 8));
        return 6;
    case 2:
        return below(g, 6);
    default:
        emit_setp(g, 6);
        return 6;
    }
}

static void gen_block(gen *g, int depth, int budget);

static void emit_if(gen *g, int depth, int budget)
{
    unsigned l = g->nlabels;
    g->nlabels += 2;
    unsigned p = branch_pred(g);
    INS("@%sp%u bra L%u", chance(g, 50) ? "!" : "", p, l);
    gen_block(g, depth + 1, budget / 2 + 1);
    int has_else = chance(g, 60);
    if (has_else) INS("bra L%u", l + 1);
    out(g, "L%u:\n", l);
    if (has_else) {
        gen_block(g, depth + 1, budget / 2);
        out(g, "L%u:\n", l + 1);
    }
}

static void emit_loop(gen *g, int depth, int budget)
{
    unsigned ctr = R_LOOP + (unsigned)g->loop_depth, l = g->nlabels;
    g->nlabels += 3;
    switch (below(g, 3)) {
    case 0: INS("mov r%u, %u", ctr, 1 + below(g, 4)); break;                    /* uniform */
    case 1: INS("and r%u, r%u, 3", ctr, chance(g, 50) ? R_TID : R_GTID); INS("iadd r%u, r%u, 1", ctr, ctr); break;
    default: INS("and r%u, r%u, 3", ctr, data_reg(g)); INS("iadd r%u, r%u, 1", ctr, ctr); break;
    }
    out(g, "L%u:\n", l);
    g->loop_depth++;
    int brk = chance(g, 30), cont = chance(g, 20);
    gen_block(g, depth + 1, budget / 2 + 1);
    if (brk) { unsigned p = branch_pred(g); INS("@%sp%u bra L%u", chance(g, 50) ? "!" : "", p, l + 2); }
    if (cont) { unsigned p = branch_pred(g); INS("@%sp%u bra L%u", chance(g, 50) ? "!" : "", p, l + 1); }
    gen_block(g, depth + 1, budget / 2);
    g->loop_depth--;
    out(g, "L%u:\n", l + 1);
    INS("iadd r%u, r%u, -1", ctr, ctr);
    INS("isetp.gt p6, r%u, 0", ctr);
    INS("@p6 bra L%u", l);
    out(g, "L%u:\n", l + 2);
}

/* One straight-line statement from the enabled features. */
static void emit_simple(gen *g)
{
    const tg_torture_opts *o = g->o;
    for (int tries = 0; tries < 64; tries++) {
        switch (below(g, 16)) {
        case 0: case 1: case 2: if (o->ialu) { emit_int_alu(g); return; } break;
        case 3: if (o->ialu) { emit_pred(g); return; } break;
        case 4: if (o->idiv) { emit_idiv(g); return; } break;
        case 5: case 6: if (o->falu) { emit_falu(g); return; } break;
        case 7: if (o->conv) { emit_conv(g); return; } break;
        case 8: case 9: if (o->global) { emit_global(g); return; } break;
        case 10: case 11: if (o->shared) { emit_shared(g); return; } break;
        case 12: if (o->atomics) { emit_atomic(g); return; } break;
        case 13: if (o->warp_ops) { emit_warp(g); return; } break;
        case 14: if (o->fdiv || o->sfu) { emit_fdiv_sfu(g, o->sfu && (!o->fdiv || chance(g, 50))); return; } break;
        default: if (o->local) { emit_local(g); return; } break;
        }
    }
    INS("iadd r%u, r%u, 1", data_reg(g), data_reg(g));   /* every feature off */
}

static void gen_block(gen *g, int depth, int budget)
{
    if (budget < 1) budget = 1;
    for (int i = 0; i < budget && g->budget > 0; i++) {
        g->budget--;
        unsigned k = below(g, 100);
        if (depth < MAX_DEPTH && g->o->divergence && k < 10) emit_if(g, depth, budget - i);
        else if (depth < MAX_DEPTH && g->o->loops && k < 16 && g->loop_depth < 3) emit_loop(g, depth, (budget - i) / 2);
        /* about 0.3 data-dependent exits per program at any length (else long ones end early) */
        else if (g->o->exits && k == 16 && chance(g, 3000 / (g->o->length ? g->o->length : 1))) { unsigned p = branch_pred(g); INS("@%sp%u exit", chance(g, 50) ? "!" : "", p); }
        else emit_simple(g);
    }
}

void tg_torture_opts_default(tg_torture_opts *o)
{
    *o = (tg_torture_opts){ .max_grid = 3, .max_block = 256, .length = 60, .loops = 1, .divergence = 1, .barriers = 1,
                            .shared = 1, .global = 1, .atomics = 1, .ialu = 1, .idiv = 1, .falu = 1, .conv = 1,
                            .warp_ops = 1, .guards = 1, .exits = 1, .fdiv = 1, .sfu = 1, .local = 1,
                            .launch_2d = 1 };
}

const char *const tg_torture_feature_names =
    "loops divergence barriers shared global atomics ialu idiv falu conv warp_ops guards exits fdiv sfu local 2d "
    "order_dependent";

int tg_torture_opts_parse(tg_torture_opts *o, const char *list, char *err, size_t errlen)
{
    struct { const char *name; int *flag; } f[] = {
        { "loops", &o->loops }, { "divergence", &o->divergence }, { "barriers", &o->barriers }, { "shared", &o->shared },
        { "global", &o->global }, { "atomics", &o->atomics }, { "ialu", &o->ialu }, { "idiv", &o->idiv },
        { "falu", &o->falu }, { "conv", &o->conv }, { "warp_ops", &o->warp_ops }, { "guards", &o->guards },
        { "exits", &o->exits }, { "fdiv", &o->fdiv }, { "sfu", &o->sfu }, { "local", &o->local },
        { "2d", &o->launch_2d }, { "order_dependent", &o->order_dependent },
    };
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int on = 1;
        if (n && *p == '-') { on = 0; p++; n--; }
        size_t i;
        for (i = 0; i < sizeof f / sizeof f[0]; i++)
            if (strlen(f[i].name) == n && !strncmp(f[i].name, p, n)) break;
        if (i == sizeof f / sizeof f[0]) {
            snprintf(err, errlen, "unknown feature '%.*s' (known: %s)", (int)n, p, tg_torture_feature_names);
            return -1;
        }
        *f[i].flag = on;
        p += n;
        if (*p == ',') p++;
    }
    return 0;
}

static void fill_words(gen *g, uint8_t *dst, unsigned bytes)
{
    for (unsigned i = 0; i + 4 <= bytes; i += 4) {
        uint32_t v;
        switch (below(g, 4)) {
        case 0: v = f32_bits(g); break;
        case 1: v = int_imm(g); break;
        case 2: v = below(g, 256); break;
        default: v = (uint32_t)next(g); break;
        }
        memcpy(dst + i, &v, 4);
    }
}

int tg_torture_generate(uint64_t seed, const tg_torture_opts *o, tg_torture_prog *p)
{
    memset(p, 0, sizeof *p);
    gen gs = { .rng = seed, .o = o, .cap = 8192 }, *g = &gs;
    g->buf = malloc(g->cap);
    if (!g->buf) return -1;
    p->seed = seed;
    next(g);
    /* Launch: a quarter of the blocks fit every preset (tiny holds 16 threads); partial warps often. */
    unsigned maxb = o->max_block ? o->max_block : 1;
    unsigned nb = chance(g, 25) ? 1 + below(g, maxb < 16 ? maxb : 16) : 1 + below(g, maxb);
    p->grid = (tg_dim3){ 1 + below(g, o->max_grid ? o->max_grid : 1), 1, 1 };
    p->block = (tg_dim3){ nb, 1, 1 };
    if (o->launch_2d && chance(g, 70)) {
        unsigned y = 1 + below(g, 4);
        while (y > 1 && nb / y == 0) y--;
        p->block = (tg_dim3){ nb / y, y, 1 };
        p->grid.y = 1 + below(g, 2);
    }
    g->block = p->block.x * p->block.y;
    unsigned threads = g->block * p->grid.x * p->grid.y;
    p->n = o->exits && chance(g, 50) ? threads - below(g, threads / 4 + 1) : threads;
    p->in_bytes = IN_BYTES;
    p->out_bytes = threads * TG_TORTURE_OUT_SLOT;
    p->atom_bytes = TG_TORTURE_ATOM_WORDS * 4;
    p->in = malloc(p->in_bytes);
    p->atom = malloc(p->atom_bytes);
    if (!p->in || !p->atom) { free(g->buf); tg_torture_prog_free(p); return -1; }
    fill_words(g, p->in, p->in_bytes);
    for (unsigned i = 0; i < TG_TORTURE_ATOM_WORDS; i++) {
        uint32_t v = chance(g, 50) ? below(g, 1000) : (uint32_t)next(g);
        memcpy(p->atom + 4 * i, &v, 4);
    }

    unsigned shared = 2 * (g->block * SH_SLOT + SH_ATOMS * 4);
    out(g, "// torture seed %llu: grid %u,%u block %u,%u n %u (tgpu torture --seed %llu)\n", (unsigned long long)seed,
        p->grid.x, p->grid.y, p->block.x, p->block.y, p->n, (unsigned long long)seed);
    out(g, ".kernel torture\n.param in 4\n.param out 4\n.param atom 4\n.param n 4\n.shared sh %u\n", shared);
    if (o->local) out(g, ".local %u\n", LOCAL_BYTES);
    out(g, ".regs 32\n");
    if (o->launch_2d) {
        INS("s2r r%u, %%tid.x", R_TID);
        INS("s2r r%u, %%tid.y", R_A);
        INS("s2r r%u, %%ntid.x", R_NTID);
        INS("imad r%u, r%u, r%u, r%u", R_TID, R_A, R_NTID, R_TID);
        INS("s2r r%u, %%ntid.y", R_A);
        INS("imul r%u, r%u, r%u", R_NTID, R_NTID, R_A);
        INS("s2r r%u, %%ctaid.y", R_A);
        INS("s2r r%u, %%nctaid.x", R_T);
        INS("s2r r%u, %%ctaid.x", R_GTID);
        INS("imad r%u, r%u, r%u, r%u", R_A, R_A, R_T, R_GTID);
    } else {
        INS("s2r r%u, %%tid.x", R_TID);
        INS("s2r r%u, %%ntid.x", R_NTID);
        INS("s2r r%u, %%ctaid.x", R_A);
    }
    INS("imad r%u, r%u, r%u, r%u", R_GTID, R_A, R_NTID, R_TID);
    INS("ldp.b32 r%u, [n]", R_A);
    INS("isetp.ge p6, r%u, r%u", R_GTID, R_A);
    INS("@p6 exit");
    INS("ldp.b32 r%u, [in]", R_IN);
    INS("ldp.b32 r%u, [out]", R_OUT);
    INS("shl r%u, r%u, 7", R_A, R_GTID);
    INS("iadd r%u, r%u, r%u", R_OUT, R_OUT, R_A);
    INS("ldp.b32 r%u, [atom]", R_ATOM);
    INS("shl r%u, r%u, 4", R_SH, R_TID);
    for (unsigned r = R_DATA; r < R_DATA + N_DATA; r++) {
        switch (below(g, 4)) {
        case 0: case 1:
            INS("and r%u, r%u, %u", R_A, chance(g, 50) ? R_GTID : R_TID, 0xffu >> below(g, 4));
            INS("shl r%u, r%u, 2", R_A, R_A);
            INS("iadd r%u, r%u, r%u", R_A, R_A, R_IN);
            INS("ldg.b32 r%u, [r%u]", r, R_A);
            break;
        case 2: INS("imul r%u, r%u, 0x%x", r, R_GTID, int_imm(g)); INS("xor r%u, r%u, r%u", r, r, R_TID); break;
        default: INS("mov r%u, 0x%x", r, chance(g, 50) ? f32_bits(g) : int_imm(g)); break;
        }
    }
    for (unsigned pr = 0; pr < 6; pr++) emit_setp(g, pr);

    unsigned phases = o->barriers ? 1 + below(g, 4) : 1;
    g->budget = (int)(o->length ? o->length : 1);
    for (unsigned ph = 0; ph < phases;) {
        if (o->loops && ph + 2 <= phases && chance(g, 40)) {
            /* A uniform loop (same trip count in every thread) around two phases, a barrier after
             * each: the barriers run in every iteration, and two phases per iteration keep the
             * shared buffers' parity. Its counter is r9; loops inside it nest from r10. */
            unsigned l = g->nlabels++;
            INS("mov r%u, %u", R_LOOP, 2 + below(g, 2));
            out(g, "L%u:\n", l);
            g->loop_depth = 1;
            for (unsigned k = 0; k < 2; k++) {
                g->phase = ph + k;
                gen_block(g, 0, (int)(o->length / phases) + 1);
                INS("bar %u", below(g, 16));
            }
            g->loop_depth = 0;
            INS("iadd r%u, r%u, -1", R_LOOP, R_LOOP);
            INS("isetp.gt p6, r%u, 0", R_LOOP);
            INS("@p6 bra L%u", l);
            ph += 2;
            continue;
        }
        g->phase = ph;
        gen_block(g, 0, (int)(o->length / phases) + 1);
        if (o->barriers && ph + 1 < phases) INS("bar %u", below(g, 16));
        ph++;
    }
    for (unsigned i = 0; i < N_DATA; i += 4) INS("stg.b128 [r%u+%u], r%u", R_OUT, 4 * i, R_DATA + i);
    INS("exit");
    if (g->oom) { free(g->buf); tg_torture_prog_free(p); return -1; }
    p->src = g->buf;
    p->len = g->len;
    p->static_instrs = g->ninstr;
    return 0;
}

void tg_torture_prog_free(tg_torture_prog *p)
{
    free(p->src);
    free(p->in);
    free(p->atom);
    memset(p, 0, sizeof *p);
}

static int write_file(const char *path, const void *data, size_t n, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, n, f) == n;
    if (f && fclose(f) != 0) ok = 0;
    if (!ok) snprintf(err, errlen, "cannot write %s", path);
    return ok ? 0 : -1;
}

int tg_torture_write(const tg_torture_prog *p, const char *dir, char *err, size_t errlen)
{
    char path[1200], base[1100], sh[8192];
    if (strlen(dir) > 1000) { snprintf(err, errlen, "output directory name too long"); return -1; }
    snprintf(base, sizeof base, "%s/torture-%llu", dir, (unsigned long long)p->seed);
    snprintf(path, sizeof path, "%s.tgasm", base);
    if (write_file(path, p->src, p->len, err, errlen)) return -1;
    snprintf(path, sizeof path, "%s.in.bin", base);
    if (write_file(path, p->in, p->in_bytes, err, errlen)) return -1;
    snprintf(path, sizeof path, "%s.atom.bin", base);
    if (write_file(path, p->atom, p->atom_bytes, err, errlen)) return -1;
    char dims[64];
    snprintf(dims, sizeof dims, "--grid %u,%u --block %u,%u", p->grid.x, p->grid.y, p->block.x, p->block.y);
    int n = snprintf(sh, sizeof sh,
        "#!/bin/sh\n# Replays torture seed %llu (outputs: %s.out.bin and %s.atom-out.bin).\n"
        "# Functional mode: tgpu run %s.tgasm %s --arg in:%s.in.bin --arg out:%u:%s.out.bin "
        "--arg inout:%s.atom.bin:%s.atom-out.bin --arg u32:%u\n"
        "# Cycle mode: the same with --mode cycle --config PRESET (and --warp-size for the functional run)\n"
        "TGPU=${TGPU:-tgpu}\n"
        "$TGPU run %s.tgasm %s --backend rtl --arg in:%s.in.bin --arg out:%u:%s.out.bin "
        "--arg inout:%s.atom.bin:%s.atom-out.bin --arg u32:%u\n",
        (unsigned long long)p->seed, base, base, base, dims, base, p->out_bytes, base, base, base, p->n,
        base, dims, base, p->out_bytes, base, base, base, p->n);
    snprintf(path, sizeof path, "%s.sh", base);
    return write_file(path, sh, (size_t)n, err, errlen);
}
