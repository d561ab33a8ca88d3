/* torture.h: random TG32 programs ("torture") and the checks they run. Owns the generator
 * (tools/torture/gen.c: a seed and an option set -> one valid program, its inputs and its launch)
 * and the checker (tools/torture/check.c: the simulator's functional mode against its cycle mode
 * under every preset, and the simulator against the RTL in lockstep).
 *
 * Every generated program terminates (loop trip counts are bounded by construction), never faults
 * (addresses are in bounds and aligned by construction), reaches barriers only in uniform control
 * flow, and unless order_dependent is set leaves final memory that does not depend on how warps
 * and blocks interleave, so functional and cycle mode must agree byte for byte. The same seed and
 * options give the same program on every host (own PRNG, no rand()). */
#ifndef TG_TORTURE_H
#define TG_TORTURE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

/* Which features a program may use. Defaults (tg_torture_opts_default): everything the RTL
 * implements today; the *_rtl_lacks ones are off. */
typedef struct tg_torture_opts {
    unsigned max_grid;        /* blocks, 1..max_grid (default 3) */
    unsigned max_block;       /* threads per block, 1..max_block (default 256, the RTL's limit) */
    unsigned length;          /* rough count of generated statements (default 60) */
    int loops;                /* bounded loops, data-dependent trip counts, early breaks */
    int divergence;           /* if/else on lane id, thread id and loaded values, nested */
    int barriers;             /* bar between top-level phases (uniform control flow) */
    int shared;               /* lds/sts (own slot, and other threads' slots across a barrier) */
    int global;               /* ldg of the input, ldg/stg of the thread's own output slot */
    int atomics;              /* atomg/atoms: contended (commutative ops) and on private words */
    int ialu;                 /* integer and bit operations, predicates, sel */
    int idiv;                 /* idiv udiv irem urem (negative operands and /0 included) */
    int falu;                 /* fadd fsub fmul ffma fmin fmax fabs fneg fsetp */
    int conv;                 /* f2i f2u i2f u2f frnd f2h h2f f2bf bf2f sx/zx */
    int warp_ops;             /* shfl vote ballot */
    int guards;               /* @p / @!p on ALU instructions */
    int exits;                /* threads exiting early (at the start, and data-dependent later) */
    int fdiv;                 /* fdiv fsqrt (RTL lacks) */
    int sfu;                  /* rcp rsq ex2 lg2 sin cos tanh (RTL lacks) */
    int local;                /* ldl/stl (RTL lacks) */
    int launch_2d;            /* 2-D grids and blocks (RTL lacks) */
    int order_dependent;      /* atomics whose results depend on thread order (exch to one word,
                                 used old values): only the lockstep check is meaningful then */
} tg_torture_opts;

void tg_torture_opts_default(tg_torture_opts *o);
/* Turns features on or off from a comma-separated list of names ("fdiv,sfu,-atomics"; a leading
 * '-' turns one off). Returns 0, or -1 with the bad name in err. */
int tg_torture_opts_parse(tg_torture_opts *o, const char *list, char *err, size_t errlen);
/* The feature names tg_torture_opts_parse knows, for --help. */
extern const char *const tg_torture_feature_names;

/* The kernel's parameters, in order: in (4-byte pointer, read-only input), out (per-thread output
 * slots, zeroed), atom (contended atomic words, initialised), n (u32: threads with a global id >= n
 * exit at once). */
#define TG_TORTURE_OUT_SLOT 128u    /* bytes of out per thread */
#define TG_TORTURE_ATOM_WORDS 16u

typedef struct tg_torture_prog {
    uint64_t seed;
    char *src;                /* .tgasm text (kernel "torture") */
    size_t len;
    tg_dim3 grid, block;
    uint32_t n;               /* the n parameter */
    uint32_t in_bytes, out_bytes, atom_bytes;
    uint8_t *in, *atom;       /* initial contents of in and atom (out starts zeroed) */
    unsigned static_instrs;   /* instructions in the program */
} tg_torture_prog;

/* Generates the program of seed under o. Returns 0, or -1 when out of memory. */
int tg_torture_generate(uint64_t seed, const tg_torture_opts *o, tg_torture_prog *p);
void tg_torture_prog_free(tg_torture_prog *p);
/* Writes DIR/torture-SEED.tgasm, .in.bin, .atom.bin and .sh (the tgpu run command lines that replay
 * it on the simulator and on the RTL). Returns 0, or -1 with a reason in err. */
int tg_torture_write(const tg_torture_prog *p, const char *dir, char *err, size_t errlen);

/* One run of the checks on one program. */
typedef struct tg_torture_check {
    int func_cycle;           /* functional mode == cycle mode under each preset that holds the launch */
    int lockstep;             /* simulator vs RTL in lockstep (needs a tgpu built with Verilator) */
    const char *const *presets; /* NULL-terminated; NULL: default, sm90, teach, tiny */
    uint64_t watchdog;        /* warp-instructions per launch (0: 10,000,000) */
    /* Tests: called on each simulator after its buffers are filled and before the launch
     * (cycle = 0 functional, 1 cycle mode), and on the RTL between lockstep set-up and run
     * (rtl is a tg_rtl *), to plant a difference the check must report. */
    void (*plant_sim)(tg_sim *s, int cycle, uint32_t in, uint32_t out, uint32_t atom, void *user);
    void (*plant_rtl)(void *rtl, void *user);
    void *user;
} tg_torture_check;

enum tg_torture_status {
    TG_TORTURE_PASS,
    TG_TORTURE_FAIL,          /* a difference (report says where) */
    TG_TORTURE_GEN_BUG,       /* the program faulted or ran away on the simulator: a generator bug */
    TG_TORTURE_NO_RTL,        /* lockstep asked for, but this build has no RTL */
    TG_TORTURE_ERROR          /* could not run (assembler error, out of memory) */
};

typedef struct tg_torture_result {
    int status;               /* enum tg_torture_status */
    unsigned presets_run, presets_skipped;
    uint64_t warp_instrs;     /* functional mode, warp size 32 */
    uint64_t lockstep_commits;
    char report[12288];
} tg_torture_result;

int tg_torture_run(const tg_torture_prog *p, const tg_torture_check *c, tg_torture_result *res);
const char *tg_torture_status_name(int status);

#endif
