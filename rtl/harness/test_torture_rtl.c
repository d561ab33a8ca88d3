/* test_torture_rtl.c: tgpu torture's lockstep check (tools/torture/) on a fixed range of seeds:
 * every program runs on the RTL in lockstep with the simulator (every retired warp-instruction
 * and final memory compared). A difference planted in the RTL's copy of one program's code must be
 * reported as a mismatch. Programs with order-dependent atomics (which only lockstep can check)
 * run too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm.h"
#include "isa/isa.h"
#include "rtl/harness/tg_rtl.h"
#include "tools/torture/torture.h"

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

/* Blocks of up to 96 threads and grids of up to 2 keep the lane-serial RTL near 15 s for all
 * seeds (tgpu torture and make torture run the full 256-thread, 3-block range). */
enum { FIRST_SEED = 1, SEEDS = 50, ORDER_SEEDS = 10, MAX_BLOCK = 96, MAX_GRID = 2 };

static tg_torture_result res;

static void run_seeds(const char *what, uint64_t first, unsigned n, const char *features)
{
    tg_torture_opts o;
    tg_torture_opts_default(&o);
    o.max_block = MAX_BLOCK;
    o.max_grid = MAX_GRID;
    char err[256];
    if (features && tg_torture_opts_parse(&o, features, err, sizeof err)) { CHECK(0, "%s", err); return; }
    tg_torture_check c = { .lockstep = 1 };
    unsigned long long commits = 0;
    for (uint64_t s = first; s < first + n; s++) {
        tg_torture_prog p;
        if (tg_torture_generate(s, &o, &p)) { CHECK(0, "out of memory"); return; }
        int st = tg_torture_run(&p, &c, &res);
        CHECK(st == TG_TORTURE_PASS, "%s seed %llu: %s (replay: tgpu torture --seed %llu --backend rtl --max-block %d --max-grid %d%s%s)\n%s", what,
              (unsigned long long)s, tg_torture_status_name(st), (unsigned long long)s, MAX_BLOCK, MAX_GRID, features ? " --features " : "",
              features ? features : "", res.report);
        commits += res.lockstep_commits;
        tg_torture_prog_free(&p);
    }
    printf("%s: seeds %llu..%llu match the simulator in lockstep, %llu warp-instructions compared\n", what,
           (unsigned long long)first, (unsigned long long)(first + n - 1), commits);
}

/* The RTL's copy of the program gets `shl r4, r1, 5` for `shl r4, r1, 4` (the shared slot offset). */
typedef struct plant { tg_module m; int done; } plant;
static void plant_code(void *rtl, void *user)
{
    plant *pl = user;
    for (uint32_t pc = 0; pc < pl->m.ncode; pc++) {
        tg_inst in;
        const char *why;
        if (tg_decode(pl->m.code[pc], &in, &why) || in.op != TG_OP_SHL || in.rd != 4 || in.imm != 4) continue;
        in.imm = 5;
        uint64_t saved = pl->m.code[pc];
        pl->m.code[pc] = tg_encode(&in);
        tg_rtl_load_code(rtl, pl->m.code, pl->m.ncode);
        pl->m.code[pc] = saved;
        pl->done = 1;
        return;
    }
}

static void test_planted(void)
{
    tg_torture_opts o;
    tg_torture_opts_default(&o);
    tg_torture_prog p;
    plant pl = { 0 };
    char err[256];
    uint64_t seed = FIRST_SEED;
    for (;; seed++) {   /* the first seed whose blocks have more than one thread */
        if (tg_torture_generate(seed, &o, &p)) return;
        if (p.block.x > 1 && p.n > 1) break;
        tg_torture_prog_free(&p);
    }
    if (tg_asm_source(p.src, p.len, "planted", &pl.m, err, sizeof err)) { CHECK(0, "%s", err); return; }
    tg_torture_check c = { .lockstep = 1, .plant_rtl = plant_code, .user = &pl };
    int st = tg_torture_run(&p, &c, &res);
    CHECK(pl.done && st == TG_TORTURE_FAIL && strstr(res.report, "different values written") &&
          strstr(res.report, "(shl)"), "planted shl: %s\n%s", tg_torture_status_name(st), res.report);
    if (getenv("TG_SHOW_REPORTS")) printf("%s", res.report);
    tg_module_free(&pl.m);
    tg_torture_prog_free(&p);
}

int main(void)
{
    test_planted();
    run_seeds("default features", FIRST_SEED, SEEDS, NULL);
    run_seeds("order-dependent atomics", 5000, ORDER_SEEDS, "order_dependent");
    if (failures) { printf("test_torture_rtl: %d failures\n", failures); return 1; }
    printf("test_torture_rtl: passed; a planted code difference is reported\n");
    return 0;
}
