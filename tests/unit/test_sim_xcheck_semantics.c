/* test_sim_xcheck_semantics.c: a second, independently written check of per-instruction results and edge cases, table-driven: each row runs a
 * one-thread kernel `r1 = a; r2 = b; r3 = c; op r4, r1, r2|imm, r3; out[0] = r4`. */
#include <math.h>

#include "tests/unit/sim_xcheck.h"

typedef struct row { unsigned op, mod; uint32_t a, b, c, want; int imm; } row;

#define NAN_C 0x7fffffffu
#define F1 0x3f800000u
#define FM1 0xbf800000u
#define F2 0x40000000u
#define INF 0x7f800000u
#define NINF 0xff800000u
#define QNAN 0x7fc00000u
#define NZ 0x80000000u
#define IMIN 0x80000000u

static const row rows[] = {
    { TG_OP_IADD, 0, 0xffffffff, 1, 0, 0, 0 },
    { TG_OP_IADD, 0, 5, 0xfffffffe, 0, 3, 1 },
    { TG_OP_ISUB, 0, 0, 1, 0, 0xffffffff, 0 },
    { TG_OP_IMUL, 0, 0x10000, 0x10000, 0, 0, 0 },
    { TG_OP_IMULHI, 0, 0xffffffff, 0xffffffff, 0, 0, 0 },   /* -1 * -1 = 1: high word 0 */
    { TG_OP_IMULHI, 0, IMIN, 2, 0, 0xffffffff, 0 },
    { TG_OP_UMULHI, 0, 0xffffffff, 0xffffffff, 0, 0xfffffffe, 0 },
    { TG_OP_IMAD, 0, 3, 4, 5, 17, 0 },
    { TG_OP_IDIV, 0, (uint32_t)-7, 2, 0, (uint32_t)-3, 0 },
    { TG_OP_IDIV, 0, 7, 0, 0, 0xffffffff, 0 },
    { TG_OP_IDIV, 0, IMIN, 0xffffffff, 0, IMIN, 0 },
    { TG_OP_UDIV, 0, 7, 0, 0, 0xffffffff, 0 },
    { TG_OP_UDIV, 0, 0xffffffff, 16, 0, 0x0fffffff, 1 },
    { TG_OP_IREM, 0, (uint32_t)-7, 2, 0, (uint32_t)-1, 0 },
    { TG_OP_IREM, 0, 7, 0, 0, 7, 0 },
    { TG_OP_IREM, 0, IMIN, 0xffffffff, 0, 0, 0 },
    { TG_OP_UREM, 0, 7, 0, 0, 7, 0 },
    { TG_OP_UREM, 0, 17, 5, 0, 2, 0 },
    { TG_OP_IMIN, 0, (uint32_t)-1, 1, 0, (uint32_t)-1, 0 },
    { TG_OP_IMAX, 0, (uint32_t)-1, 1, 0, 1, 0 },
    { TG_OP_UMIN, 0, (uint32_t)-1, 1, 0, 1, 0 },
    { TG_OP_UMAX, 0, (uint32_t)-1, 1, 0, 0xffffffff, 0 },
    { TG_OP_IABS, 0, IMIN, 0, 0, IMIN, 0 },
    { TG_OP_IABS, 0, (uint32_t)-5, 0, 0, 5, 0 },
    { TG_OP_INEG, 0, 5, 0, 0, (uint32_t)-5, 0 },
    { TG_OP_AND, 0, 0xf0f0, 0xff00, 0, 0xf000, 0 },
    { TG_OP_OR, 0, 0xf0f0, 0xff00, 0, 0xfff0, 0 },
    { TG_OP_XOR, 0, 0xf0f0, 0xff00, 0, 0x0ff0, 1 },
    { TG_OP_NOT, 0, 0, 0, 0, 0xffffffff, 0 },
    { TG_OP_SHL, 0, 1, 31, 0, 0x80000000, 0 },
    { TG_OP_SHL, 0, 1, 32, 0, 0, 0 },
    { TG_OP_SHL, 0, 1, 0xffffffff, 0, 0, 0 },
    { TG_OP_SHR, 0, 0x80000000, 31, 0, 1, 0 },
    { TG_OP_SHR, 0, 0x80000000, 33, 0, 0, 1 },
    { TG_OP_SRA, 0, 0x80000000, 31, 0, 0xffffffff, 0 },
    { TG_OP_SRA, 0, 0x80000000, 100, 0, 0xffffffff, 0 },
    { TG_OP_SRA, 0, 0x40000000, 100, 0, 0, 0 },
    { TG_OP_POPC, 0, 0xf0f0f0f1, 0, 0, 17, 0 },
    { TG_OP_CLZ, 0, 0, 0, 0, 32, 0 },
    { TG_OP_CLZ, 0, 1, 0, 0, 31, 0 },
    { TG_OP_BREV, 0, 1, 0, 0, 0x80000000, 0 },
    { TG_OP_BREV, 0, 0x12345678, 0, 0, 0x1e6a2c48, 0 },
    { TG_OP_BFE, 0, 0xabcd1234, 8, 8, 0x12, 0 },
    { TG_OP_BFE, 0, 0xabcd1234, 28, 8, 0xa, 0 },        /* field runs off the top */
    { TG_OP_BFE, 0, 0xabcd1234, 40, 8, 0, 0 },
    { TG_OP_BFE, 0, 0xabcd1234, 4, 0, 0, 0 },
    { TG_OP_BFES, 0, 0xabcd1234, 28, 4, 0xfffffffa, 0 },
    { TG_OP_BFES, 0, 0xabcd1234, 28, 8, 0xfffffffa, 0 },
    { TG_OP_BFES, 0, 0x80000000, 40, 8, 0xffffffff, 0 }, /* sign from bit 31 */
    { TG_OP_BFES, 0, 0x00000070, 4, 3, 0xffffffff, 0 },
    { TG_OP_BFES, 0, 0x00000070, 4, 4, 7, 0 },
    { TG_OP_BFI, 0, 0xff, 0x12345678, 0x0808, 0x1234ff78, 0 },
    { TG_OP_BFI, 0, 0xff, 0x12345678, 0x081c, 0xf2345678, 0 },
    { TG_OP_BFI, 0, 0xff, 0x12345678, 0x0020, 0x12345678, 0 },
    { TG_OP_PRMT, 0, 0x33221100, 0x77665544, 0x3210, 0x33221100, 0 },
    { TG_OP_PRMT, 0, 0x33221100, 0x77665544, 0x7654, 0x77665544, 0 },
    { TG_OP_PRMT, 0, 0x33221180, 0x77665544, 0x0008, 0x808080ff, 0 },
    { TG_OP_PRMT, 0, 0x33221100, 0x77665544, 0x4567, 0x44556677, 0 },
    { TG_OP_SX8, 0, 0x180, 0, 0, 0xffffff80, 0 },
    { TG_OP_SX16, 0, 0x18000, 0, 0, 0xffff8000, 0 },
    { TG_OP_ZX8, 0, 0xfff, 0, 0, 0xff, 0 },
    { TG_OP_ZX16, 0, 0xfffff, 0, 0, 0xffff, 0 },
    { TG_OP_MOV, 0, 0, 0x12345678, 0, 0x12345678, 1 },
    /* f32 */
    { TG_OP_FADD, 0, F1, F2, 0, 0x40400000, 0 },
    { TG_OP_FADD, 0, INF, NINF, 0, NAN_C, 0 },
    { TG_OP_FADD, 0, QNAN | 0x80000000, F1, 0, NAN_C, 0 },
    { TG_OP_FADD, 0, 0x00000001, 0x00000001, 0, 0x00000002, 0 }, /* denormals kept */
    { TG_OP_FSUB, 0, F1, F1, 0, 0, 0 },
    { TG_OP_FMUL, 0, 0, INF, 0, NAN_C, 0 },
    { TG_OP_FMUL, 0, 0x00800000, 0x3f000000, 0, 0x00400000, 0 },
    { TG_OP_FFMA, 0, 0x3f800001, 0x3f800001, 0xbf800002, 0x28800000, 0 }, /* single rounding */
    { TG_OP_FMIN, 0, QNAN, F1, 0, F1, 0 },
    { TG_OP_FMIN, 0, F1, QNAN, 0, F1, 0 },
    { TG_OP_FMIN, 0, QNAN, 0xffc00000, 0, NAN_C, 0 },
    { TG_OP_FMIN, 0, 0, NZ, 0, NZ, 0 },
    { TG_OP_FMIN, 0, NZ, 0, 0, NZ, 0 },
    { TG_OP_FMAX, 0, 0, NZ, 0, 0, 0 },
    { TG_OP_FMAX, 0, NZ, 0, 0, 0, 0 },
    { TG_OP_FMAX, 0, FM1, F2, 0, F2, 0 },
    { TG_OP_FABS, 0, 0xffc00001, 0, 0, 0x7fc00001, 0 },
    { TG_OP_FNEG, 0, 0x7fc00001, 0, 0, 0xffc00001, 0 },
    { TG_OP_FDIV, 0, F1, 0x40400000, 0, 0x3eaaaaab, 0 },
    { TG_OP_FDIV, 0, 0, 0, 0, NAN_C, 0 },
    { TG_OP_FDIV, 0, F1, NZ, 0, NINF, 0 },
    { TG_OP_FSQRT, 0, F2, 0, 0, 0x3fb504f3, 0 },
    { TG_OP_FSQRT, 0, FM1, 0, 0, NAN_C, 0 },
    { TG_OP_FSQRT, 0, NZ, 0, 0, NZ, 0 },
    { TG_OP_FRND, TG_RND_RN, 0x40200000, 0, 0, F2, 0 },        /* 2.5 -> 2 */
    { TG_OP_FRND, TG_RND_RN, 0x40600000, 0, 0, 0x40800000, 0 }, /* 3.5 -> 4 */
    { TG_OP_FRND, TG_RND_RN, 0xbf000000, 0, 0, NZ, 0 },         /* -0.5 -> -0 */
    { TG_OP_FRND, TG_RND_RZ, 0xc0600000, 0, 0, 0xc0400000, 0 },
    { TG_OP_FRND, TG_RND_RM, 0xc0200000, 0, 0, 0xc0400000, 0 },
    { TG_OP_FRND, TG_RND_RP, 0x40200000, 0, 0, 0x40400000, 0 },
    { TG_OP_FRND, TG_RND_RN, QNAN, 0, 0, NAN_C, 0 },
    /* conversions */
    { TG_OP_F2I, TG_RND_RN, 0x40200000, 0, 0, 2, 0 },
    { TG_OP_F2I, TG_RND_RN, 0xc0600000, 0, 0, (uint32_t)-4, 0 },
    { TG_OP_F2I, TG_RND_RZ, 0xc0600000, 0, 0, (uint32_t)-3, 0 },
    { TG_OP_F2I, TG_RND_RM, 0xc0200000, 0, 0, (uint32_t)-3, 0 },
    { TG_OP_F2I, TG_RND_RP, 0x40200000, 0, 0, 3, 0 },
    { TG_OP_F2I, TG_RND_RZ, 0x4f000000, 0, 0, 0x7fffffff, 0 },  /* 2^31 saturates */
    { TG_OP_F2I, TG_RND_RZ, 0xcf000000, 0, 0, 0x80000000, 0 },  /* -2^31 exact */
    { TG_OP_F2I, TG_RND_RZ, NINF, 0, 0, 0x80000000, 0 },
    { TG_OP_F2I, TG_RND_RZ, QNAN, 0, 0, 0, 0 },
    { TG_OP_F2U, TG_RND_RZ, FM1, 0, 0, 0, 0 },
    { TG_OP_F2U, TG_RND_RZ, 0x4f800000, 0, 0, 0xffffffff, 0 },  /* 2^32 saturates */
    { TG_OP_F2U, TG_RND_RP, 0x3e800000, 0, 0, 1, 0 },
    { TG_OP_F2U, TG_RND_RN, QNAN, 0, 0, 0, 0 },
    { TG_OP_I2F, TG_RND_RN, (uint32_t)-3, 0, 0, 0xc0400000, 0 },
    { TG_OP_I2F, TG_RND_RN, 0x01000001, 0, 0, 0x4b800000, 0 },  /* tie to even: 2^24 */
    { TG_OP_I2F, TG_RND_RN, 0x01000003, 0, 0, 0x4b800002, 0 },  /* tie to even: up */
    { TG_OP_I2F, TG_RND_RP, 0x01000001, 0, 0, 0x4b800001, 0 },
    { TG_OP_I2F, TG_RND_RM, (uint32_t)-0x01000001, 0, 0, 0xcb800001, 0 },
    { TG_OP_I2F, TG_RND_RZ, (uint32_t)-0x01000001, 0, 0, 0xcb800000, 0 },
    { TG_OP_I2F, TG_RND_RN, IMIN, 0, 0, 0xcf000000, 0 },
    { TG_OP_U2F, TG_RND_RN, 0xffffffff, 0, 0, 0x4f800000, 0 },
    { TG_OP_U2F, TG_RND_RZ, 0xffffffff, 0, 0, 0x4f7fffff, 0 },
    { TG_OP_F2H, 0, F1, 0, 0, 0x3c00, 0 },
    { TG_OP_F2H, 0, 0x477ff000, 0, 0, 0x7c00, 0 },  /* 65520 rounds to inf */
    { TG_OP_F2H, 0, 0x477fe000, 0, 0, 0x7bff, 0 },  /* 65504 max */
    { TG_OP_F2H, 0, 0x33800000, 0, 0, 0x0001, 0 },  /* 2^-24 smallest denormal */
    { TG_OP_F2H, 0, 0x33000000, 0, 0, 0x0000, 0 },  /* 2^-25 ties to even 0 */
    { TG_OP_F2H, 0, 0x33c00000, 0, 0, 0x0002, 0 },  /* 1.5 * 2^-24 ties to 2 */
    { TG_OP_F2H, 0, 0xb3a00000, 0, 0, 0x8001, 0 },  /* -1.25 * 2^-24 */
    { TG_OP_F2H, 0, 0x3f801000, 0, 0, 0x3c00, 0 },  /* 1 + 2^-11 ties to even */
    { TG_OP_F2H, 0, 0x3f803000, 0, 0, 0x3c02, 0 },
    { TG_OP_F2H, 0, QNAN, 0, 0, 0x7fff, 0 },
    { TG_OP_F2H, 0, NINF, 0, 0, 0xfc00, 0 },
    { TG_OP_H2F, 0, 0xffff3c00, 0, 0, F1, 0 },
    { TG_OP_H2F, 0, 0x0001, 0, 0, 0x33800000, 0 },
    { TG_OP_H2F, 0, 0x83ff, 0, 0, 0xb87fc000, 0 },
    { TG_OP_H2F, 0, 0x7c00, 0, 0, INF, 0 },
    { TG_OP_H2F, 0, 0x7e00, 0, 0, NAN_C, 0 },
    { TG_OP_F2BF, 0, 0x3f808000, 0, 0, 0x3f80, 0 },  /* tie to even down */
    { TG_OP_F2BF, 0, 0x3f818000, 0, 0, 0x3f82, 0 },  /* tie to even up */
    { TG_OP_F2BF, 0, 0x7f7fffff, 0, 0, 0x7f80, 0 },  /* overflow to inf */
    { TG_OP_F2BF, 0, 0x7f800001, 0, 0, 0x7fff, 0 },  /* NaN -> canonical */
    { TG_OP_F2BF, 0, 0x00018000, 0, 0, 0x0002, 0 },  /* denormal */
    { TG_OP_BF2F, 0, 0xabcd3f80, 0, 0, F1, 0 },
};

/* SETP rows: want is the predicate. */
static const row setp_rows[] = {
    { TG_OP_ISETP, TG_COND_LT, (uint32_t)-1, 0, 0, 1, 0 },
    { TG_OP_USETP, TG_COND_LT, (uint32_t)-1, 0, 0, 0, 0 },
    { TG_OP_ISETP, TG_COND_GE, 5, 5, 0, 1, 1 },
    { TG_OP_ISETP, TG_COND_NE, 5, 5, 0, 0, 0 },
    { TG_OP_FSETP, TG_COND_EQ, QNAN, QNAN, 0, 0, 0 },
    { TG_OP_FSETP, TG_COND_NE, QNAN, F1, 0, 0, 0 },
    { TG_OP_FSETP, TG_COND_NEU, QNAN, F1, 0, 1, 0 },
    { TG_OP_FSETP, TG_COND_LTU, QNAN, F1, 0, 1, 0 },
    { TG_OP_FSETP, TG_COND_LT, F1, F2, 0, 1, 0 },
    { TG_OP_FSETP, TG_COND_GEU, F1, F2, 0, 0, 0 },
    { TG_OP_FSETP, TG_COND_EQ, 0, NZ, 0, 1, 0 },
    { TG_OP_FSETP, TG_COND_NUM, F1, F2, 0, 1, 0 },
    { TG_OP_FSETP, TG_COND_NAN, F1, QNAN, 0, 1, 0 },
    { TG_OP_FSETP, TG_COND_NUM, F1, QNAN, 0, 0, 0 },
};

static tg_sim *s;
static uint32_t out;

static uint32_t run_row(const row *r, int setp)
{
    prog p;
    P_init(&p);
    MOVI(&p, 1, r->a);
    MOVI(&p, 2, r->b);
    MOVI(&p, 3, r->c);
    MOVI(&p, 4, 0xdeadbeef);
    unsigned rd = setp ? 0 : 4;
    if (r->imm) RI(&p, r->op, rd, tg_opinfo_get(r->op)->format == TG_FMT_RB ? 0 : 1, r->b, r->mod);
    else {
        /* canonical encodings: fields the format does not use stay zero */
        unsigned fmt = tg_opinfo_get(r->op)->format;
        R4(&p, r->op, rd, 1, fmt == TG_FMT_RA ? 0 : 2, fmt == TG_FMT_RABC ? 3 : 0, r->mod);
    }
    if (setp) {
        MOVI(&p, 5, 1);
        RI(&p, TG_OP_SEL, 4, 5, 0, 0); /* r4 = p0 ? 1 : 0 */
    }
    MOVI(&p, 6, 0);
    store_out(&p, 6, 4);
    OP0(&p, TG_OP_EXIT);
    uint32_t prm = out, v = 0xcafe;
    if (run(&p, D3(1, 1, 1), D3(1, 1, 1), &prm, 1, NULL, NULL) == 0) tg_sim_read(s, out, &v, 4);
    return v;
}

static void test_rows(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint32_t v = run_row(&rows[i], 0);
        if (v != rows[i].want) {
            fprintf(stderr, "row %zu: %s mod %u a 0x%x b 0x%x c 0x%x: got 0x%08x want 0x%08x\n", i,
                    tg_opinfo_get(rows[i].op)->mnemonic, rows[i].mod, rows[i].a, rows[i].b,
                    rows[i].c, v, rows[i].want);
            failures++;
        }
    }
    for (size_t i = 0; i < sizeof setp_rows / sizeof setp_rows[0]; i++) {
        uint32_t v = run_row(&setp_rows[i], 1);
        if (v != setp_rows[i].want) {
            fprintf(stderr, "setp row %zu: got %u want %u\n", i, v, setp_rows[i].want);
            failures++;
        }
    }
}

/* Exhaustive f16 round trip in one launch: thread h computes f2h(h2f(h)); every non-NaN half
 * comes back unchanged and every NaN becomes the canonical 0x7fff. */
static void test_half_roundtrip(void)
{
    uint32_t buf = tg_sim_alloc(s, 65536 * 4);
    prog p;
    P_init(&p);
    gtid(&p, 1, 9);
    R4(&p, TG_OP_H2F, 2, 1, 0, 0, 0);
    R4(&p, TG_OP_F2H, 3, 2, 0, 0, 0);
    store_out(&p, 1, 3);
    OP0(&p, TG_OP_EXIT);
    CHECK(run(&p, D3(256, 1, 1), D3(256, 1, 1), &buf, 1, NULL, NULL) == 0);
    static uint32_t v[65536];
    tg_sim_read(s, buf, v, sizeof v);
    for (uint32_t h = 0; h < 65536; h++) {
        bool nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff);
        if (v[h] != (nan ? 0x7fffu : h)) {
            fprintf(stderr, "f16 0x%04x -> 0x%04x\n", h, v[h]);
            failures++;
            break;
        }
    }
    tg_sim_free(s, buf);
}

/* Predicate logic with negations, SEL with a negated predicate, vote/ballot on one lane. */
static void test_pred_logic(void)
{
    static const struct { unsigned op, mod; uint32_t want; } t[] = {
        { TG_OP_PAND, 0, 0 }, { TG_OP_PAND, 1, 1 }, { TG_OP_POR, 0, 1 }, { TG_OP_POR, 3, 1 }, { TG_OP_PAND, 3, 0 },
        { TG_OP_PXOR, 0, 1 }, { TG_OP_PXOR, 2, 0 },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        prog p;
        P_init(&p);
        MOVI(&p, 1, 1);
        RI(&p, TG_OP_ISETP, 1, 1, 1, TG_COND_EQ); /* p1 = true */
        RI(&p, TG_OP_ISETP, 2, 1, 0, TG_COND_EQ); /* p2 = false */
        R4(&p, t[i].op, 3, 2, 1, 0, t[i].mod);     /* p3 = op(p2, p1) */
        MOVI(&p, 2, 7);
        RI(&p, TG_OP_SEL, 4, 2, 9, 3);             /* r4 = p3 ? 7 : 9 */
        MOVI(&p, 6, 0);
        store_out(&p, 6, 4);
        OP0(&p, TG_OP_EXIT);
        uint32_t prm = out, v = 0;
        CHECK(run(&p, D3(1, 1, 1), D3(1, 1, 1), &prm, 1, NULL, NULL) == 0);
        tg_sim_read(s, out, &v, 4);
        if (v != (t[i].want ? 7u : 9u)) { fprintf(stderr, "plog case %zu: got %u\n", i, v); failures++; }
    }
    /* sel with negation bit: !p2 (false) holds */
    prog p;
    P_init(&p);
    MOVI(&p, 1, 1);
    RI(&p, TG_OP_ISETP, 2, 1, 0, TG_COND_EQ);
    MOVI(&p, 2, 7);
    RI(&p, TG_OP_SEL, 4, 2, 9, 8 | 2);
    MOVI(&p, 6, 0);
    store_out(&p, 6, 4);
    OP0(&p, TG_OP_EXIT);
    uint32_t prm = out, v = 0;
    CHECK(run(&p, D3(1, 1, 1), D3(1, 1, 1), &prm, 1, NULL, NULL) == 0);
    tg_sim_read(s, out, &v, 4);
    CHECK_EQ(v, 7);
}

/* Special registers of a 2-D block in a 3-D grid: each thread writes its values. */
static void test_s2r(void)
{
    static const unsigned regs[] = {
        TG_SREG_TID_X, TG_SREG_TID_Y, TG_SREG_TID_Z, TG_SREG_NTID_X, TG_SREG_NTID_Y,
        TG_SREG_CTAID_X, TG_SREG_CTAID_Y, TG_SREG_CTAID_Z, TG_SREG_NCTAID_Y, TG_SREG_LANEID,
        TG_SREG_WARPID, TG_SREG_NWARPID, TG_SREG_SMID, TG_SREG_NSMID, TG_SREG_WARPSZ,
        TG_SREG_LANEMASK_EQ, TG_SREG_LANEMASK_LT, TG_SREG_LANEMASK_LE, TG_SREG_LANEMASK_GT,
        TG_SREG_LANEMASK_GE,
    };
    enum { NR = sizeof regs / sizeof regs[0], BX = 8, BY = 5, NT = BX * BY, NB = 2 * 3 * 1 };
    uint32_t buf = tg_sim_alloc(s, NB * NT * NR * 4);
    prog p;
    P_init(&p);
    /* linear index = ((ctaid.y * 2 + ctaid.x) * NT + tid.y * BX + tid.x) * NR */
    S2R(&p, 10, TG_SREG_CTAID_Y);
    RI(&p, TG_OP_IMUL, 10, 10, 2, 0);
    S2R(&p, 11, TG_SREG_CTAID_X);
    R4(&p, TG_OP_IADD, 10, 10, 11, 0, 0);
    RI(&p, TG_OP_IMUL, 10, 10, NT, 0);
    S2R(&p, 11, TG_SREG_TID_Y);
    RI(&p, TG_OP_IMUL, 11, 11, BX, 0);
    R4(&p, TG_OP_IADD, 10, 10, 11, 0, 0);
    S2R(&p, 11, TG_SREG_TID_X);
    R4(&p, TG_OP_IADD, 10, 10, 11, 0, 0);
    RI(&p, TG_OP_IMUL, 10, 10, NR * 4, 0);
    RI(&p, TG_OP_LDP, 12, RZ, 0, TG_W_B32);
    R4(&p, TG_OP_IADD, 12, 12, 10, 0, 0);
    for (unsigned i = 0; i < NR; i++) {
        S2R(&p, 13, regs[i]);
        RI(&p, TG_OP_STG, 13, 12, i * 4, TG_W_B32);
    }
    OP0(&p, TG_OP_EXIT);
    CHECK(run(&p, D3(2, 3, 1), D3(BX, BY, 1), &buf, 1, NULL, NULL) == 0);
    static uint32_t v[NB * NT * NR];
    tg_sim_read(s, buf, v, sizeof v);
    for (unsigned by = 0; by < 3; by++)
        for (unsigned bx = 0; bx < 2; bx++)
            for (unsigned t = 0; t < NT; t++) {
                const uint32_t *r = &v[((by * 2 + bx) * NT + t) * NR];
                unsigned lane = t % 32, blk = by * 2 + bx;
                uint32_t want[NR] = {
                    t % BX, t / BX, 0, BX, BY, bx, by, 0, 3, lane, t / 32, 2, blk % 4, 4, 32,
                    1u << lane, (1u << lane) - 1, (uint32_t)((2ull << lane) - 1),
                    ~(uint32_t)((2ull << lane) - 1), ~((1u << lane) - 1),
                };
                for (unsigned i = 0; i < NR; i++)
                    if (r[i] != want[i]) {
                        fprintf(stderr, "s2r %s block (%u,%u) thread %u: %u want %u\n",
                                tg_sreg_names[regs[i]], bx, by, t, r[i], want[i]);
                        failures++;
                        return;
                    }
            }
    tg_sim_free(s, buf);
}

/* Loads and stores of every width in global, shared and local memory, and param loads. */
static void test_mem_widths(void)
{
    uint32_t buf = tg_sim_alloc(s, 256);
    uint8_t init[64];
    for (int i = 0; i < 64; i++) init[i] = (uint8_t)(0x80 + i * 3);
    tg_sim_write(s, buf, init, 64);
    static const unsigned ldop[3] = { TG_OP_LDG, TG_OP_LDS, TG_OP_LDL };
    static const unsigned stop[3] = { TG_OP_STG, TG_OP_STS, TG_OP_STL };
    for (int sp = 0; sp < 3; sp++) {
        prog p;
        P_init(&p);
        p.shared = 64;
        p.local = 64;
        RI(&p, TG_OP_LDP, 20, RZ, 0, TG_W_B32);     /* r20 = buf */
        /* copy buf[0..64) into the space (global: buf+64) with b128, then read back widths */
        RI(&p, TG_OP_LDG, 0, 20, 0, TG_W_B128);
        RI(&p, TG_OP_LDG, 4, 20, 16, TG_W_B128);
        RI(&p, TG_OP_LDG, 8, 20, 32, TG_W_B64);
        MOVI(&p, 21, sp == 0 ? 0 : 0);
        if (sp == 0) RI(&p, TG_OP_IADD, 21, 20, 64, 0);
        RI(&p, stop[sp], 0, 21, 0, TG_W_B128);
        RI(&p, stop[sp], 4, 21, 16, TG_W_B128);
        RI(&p, stop[sp], 8, 21, 32, TG_W_B64);
        RI(&p, stop[sp], 3, 21, 40, TG_W_U8);    /* byte 40 = low byte of r3 */
        RI(&p, stop[sp], 3, 21, 42, TG_W_U16);
        RI(&p, ldop[sp], 30, 21, 1, TG_W_U8);
        RI(&p, ldop[sp], 31, 21, 1, TG_W_S8);
        RI(&p, ldop[sp], 32, 21, 2, TG_W_U16);
        RI(&p, ldop[sp], 33, 21, 2, TG_W_S16);
        RI(&p, ldop[sp], 34, 21, 4, TG_W_B32);
        RI(&p, ldop[sp], 35, 21, 40, TG_W_B32);
        RI(&p, ldop[sp], 36, 21, 8, TG_W_B64);    /* r36, r37 */
        RI(&p, ldop[sp], 40, 21, 16, TG_W_B128);  /* r40..r43 */
        for (unsigned i = 0; i < 14; i++) {
            static const unsigned src[14] = { 30, 31, 32, 33, 34, 35, 36, 37, 40, 41, 42, 43, 0, 0 };
            if (i >= 12) break;
            RI(&p, TG_OP_STG, src[i], 20, 128 + 4 * i, TG_W_B32);
        }
        OP0(&p, TG_OP_EXIT);
        CHECK(run(&p, D3(1, 1, 1), D3(1, 1, 1), &buf, 1, NULL, NULL) == 0);
        uint32_t v[12], w[16];
        memcpy(w, init, 64);
        tg_sim_read(s, buf + 128, v, sizeof v);
        CHECK_EQ(v[0], init[1]);
        CHECK_EQ(v[1], (uint32_t)(int32_t)(int8_t)init[1]);
        CHECK_EQ(v[2], (uint32_t)init[2] | (uint32_t)init[3] << 8);
        CHECK_EQ(v[3], (uint32_t)(int32_t)(int16_t)(init[2] | init[3] << 8));
        CHECK_EQ(v[4], w[1]);
        CHECK_EQ(v[5], (w[3] & 0xff) | (w[3] & 0xffff) << 16);
        CHECK_EQ(v[6], w[2]);
        CHECK_EQ(v[7], w[3]);
        for (int i = 0; i < 4; i++) CHECK_EQ(v[8 + i], w[4 + i]);
    }
    /* param loads of each width */
    prog p;
    P_init(&p);
    RI(&p, TG_OP_LDP, 20, RZ, 0, TG_W_B32);
    RI(&p, TG_OP_LDP, 21, RZ, 7, TG_W_S8);
    RI(&p, TG_OP_LDP, 22, RZ, 8, TG_W_B64);
    RI(&p, TG_OP_STG, 21, 20, 0, TG_W_B32);
    RI(&p, TG_OP_STG, 22, 20, 8, TG_W_B64);
    OP0(&p, TG_OP_EXIT);
    uint32_t prm[4] = { buf, 0x80000000, 0x11223344, 0x55667788 };
    CHECK(run(&p, D3(1, 1, 1), D3(1, 1, 1), prm, 4, NULL, NULL) == 0);
    uint32_t v[4];
    tg_sim_read(s, buf, v, sizeof v);
    CHECK_EQ(v[0], 0xffffff80);
    CHECK_EQ(v[2], 0x11223344);
    CHECK_EQ(v[3], 0x55667788);
    tg_sim_free(s, buf);
}

/* Each atomic op once on global and on shared memory: old value and new memory value. */
static void test_atomic_ops(void)
{
    static const struct { unsigned op; uint32_t mem, b, c, want_mem; } t[] = {
        { TG_ATOM_ADD, 5, 7, 0, 12 },
        { TG_ATOM_FADD, 0x3f800000, 0x40000000, 0, 0x40400000 },
        { TG_ATOM_FADD, 0x7f800000, 0xff800000, 0, 0x7fffffff },
        { TG_ATOM_SMIN, (uint32_t)-5, 3, 0, (uint32_t)-5 },
        { TG_ATOM_SMAX, (uint32_t)-5, 3, 0, 3 },
        { TG_ATOM_UMIN, (uint32_t)-5, 3, 0, 3 },
        { TG_ATOM_UMAX, (uint32_t)-5, 3, 0, (uint32_t)-5 },
        { TG_ATOM_EXCH, 1, 2, 0, 2 },
        { TG_ATOM_CAS, 4, 4, 9, 9 },
        { TG_ATOM_CAS, 4, 5, 9, 4 },
        { TG_ATOM_AND, 0xff, 0x0f, 0, 0x0f },
        { TG_ATOM_OR, 0xf0, 0x0f, 0, 0xff },
        { TG_ATOM_XOR, 0xff, 0x0f, 0, 0xf0 },
        { TG_ATOM_INC, 3, 3, 0, 0 },
        { TG_ATOM_INC, 2, 3, 0, 3 },
        { TG_ATOM_DEC, 0, 3, 0, 3 },
        { TG_ATOM_DEC, 5, 3, 0, 3 },
        { TG_ATOM_DEC, 2, 3, 0, 1 },
    };
    uint32_t buf = tg_sim_alloc(s, 64);
    for (int shared = 0; shared < 2; shared++)
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
            prog p;
            P_init(&p);
            p.shared = 16;
            RI(&p, TG_OP_LDP, 20, RZ, 0, TG_W_B32);
            MOVI(&p, 1, t[i].mem);
            MOVI(&p, 2, t[i].b);
            MOVI(&p, 3, t[i].c);
            MOVI(&p, 21, 4);
            if (shared) RI(&p, TG_OP_STS, 1, 21, 0, TG_W_B32);
            else RI(&p, TG_OP_STG, 1, 20, 4, TG_W_B32);
            if (!shared) RI(&p, TG_OP_IADD, 21, 20, 4, 0);
            R4(&p, shared ? TG_OP_ATOMS : TG_OP_ATOMG, 5, 21, 2, t[i].op == TG_ATOM_CAS ? 3 : 0, t[i].op);
            RI(&p, shared ? TG_OP_LDS : TG_OP_LDG, 6, 21, 0, TG_W_B32);
            RI(&p, TG_OP_STG, 5, 20, 8, TG_W_B32);
            RI(&p, TG_OP_STG, 6, 20, 12, TG_W_B32);
            OP0(&p, TG_OP_EXIT);
            CHECK(run(&p, D3(1, 1, 1), D3(1, 1, 1), &buf, 1, NULL, NULL) == 0);
            uint32_t v[2];
            tg_sim_read(s, buf + 8, v, 8);
            if (v[0] != t[i].mem || v[1] != t[i].want_mem) {
                fprintf(stderr, "atom %s case %zu (%s): old 0x%x mem 0x%x, want 0x%x 0x%x\n",
                        tg_atomop_names[t[i].op], i, shared ? "shared" : "global", v[0], v[1],
                        t[i].mem, t[i].want_mem);
                failures++;
            }
        }
    tg_sim_free(s, buf);
}

/* Allocator: alignment, no overlap, reuse after free, address 0 never handed out, host copies
 * outside an allocation refused. */
static void test_alloc(void)
{
    uint32_t a = tg_sim_alloc(s, 1), b = tg_sim_alloc(s, 300), c = tg_sim_alloc(s, 256);
    CHECK(a && b && c && a % 256 == 0 && b % 256 == 0 && c % 256 == 0);
    CHECK(b >= a + 256 && c >= b + 512);
    uint8_t x[301] = {0};
    CHECK(tg_sim_write(s, b, x, 300) == 0);
    CHECK(tg_sim_write(s, b, x, 301) == -1);
    CHECK(tg_sim_read(s, a + 4, x, 1) == -1); /* 4-byte validity granules */
    CHECK(tg_sim_read(s, 0, x, 1) == -1);
    tg_sim_free(s, b);
    CHECK(tg_sim_read(s, b, x, 1) == -1);
    uint32_t d = tg_sim_alloc(s, 400);
    CHECK(d == b);
    CHECK(tg_sim_alloc(s, 0xffffff00u) == 0);
    tg_sim_free(s, a); tg_sim_free(s, c); tg_sim_free(s, d);
}

int main(void)
{
    s = sim();
    out = tg_sim_alloc(s, 16);
    test_rows();
    test_half_roundtrip();
    test_pred_logic();
    test_s2r();
    test_mem_widths();
    test_atomic_ops();
    test_alloc();
    tg_sim_destroy(s);
    if (failures) { fprintf(stderr, "test_sim_xcheck_semantics: %d failures\n", failures); return 1; }
    printf("test_sim_xcheck_semantics: ok\n");
    return 0;
}
