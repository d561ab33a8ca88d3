/* test_torture.c: the torture generator and its functional-vs-cycle check (tools/torture/).
 * A fixed range of seeds must pass (every program assembles, runs without a fault, and leaves the
 * same memory in functional and cycle mode under every preset that holds its launch); generation
 * is deterministic per seed; each feature switch changes what is generated; and a difference
 * planted on the cycle-mode side is reported. The lockstep check against the RTL is
 * rtl/harness/test_torture_rtl.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/torture/torture.h"

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

enum { FIRST_SEED = 1000, SEEDS = 300 };

static tg_torture_result res;

static void test_seeds(void)
{
    tg_torture_opts o;
    tg_torture_opts_default(&o);
    tg_torture_check c = { .func_cycle = 1 };
    unsigned runs = 0, skipped = 0, tiny = 0;
    unsigned long long instrs = 0;
    static const char *const only_tiny[] = { "tiny", NULL };
    for (uint64_t s = FIRST_SEED; s < FIRST_SEED + SEEDS; s++) {
        tg_torture_prog p;
        if (tg_torture_generate(s, &o, &p)) { CHECK(0, "seed %llu: out of memory", (unsigned long long)s); return; }
        int st = tg_torture_run(&p, &c, &res);
        CHECK(st == TG_TORTURE_PASS, "seed %llu: %s\n%s", (unsigned long long)s, tg_torture_status_name(st), res.report);
        runs += res.presets_run;
        skipped += res.presets_skipped;
        instrs += res.warp_instrs;
        tg_torture_prog_free(&p);
    }
    /* Small blocks, so that every seed also runs under tiny (16 threads, warps of 4). */
    o.max_block = 16;
    c.presets = only_tiny;
    for (uint64_t s = FIRST_SEED; s < FIRST_SEED + SEEDS / 3; s++) {
        tg_torture_prog p;
        if (tg_torture_generate(s, &o, &p)) return;
        int st = tg_torture_run(&p, &c, &res);
        CHECK(st == TG_TORTURE_PASS && res.presets_run == 1, "small seed %llu: %s\n%s", (unsigned long long)s,
              tg_torture_status_name(st), res.report);
        tiny += res.presets_run;
        tg_torture_prog_free(&p);
    }
    CHECK(runs > 3 * SEEDS, "only %u preset runs for %d seeds", runs, SEEDS);
    printf("seeds %d..%d: functional == cycle in %u preset runs (%u skipped, launch too big), %llu warp-instructions; "
           "%u more under tiny with blocks of <= 16\n", FIRST_SEED, FIRST_SEED + SEEDS - 1, runs, skipped, instrs, tiny);
}

static int gen_text(uint64_t seed, const tg_torture_opts *o, char **text)
{
    tg_torture_prog p;
    if (tg_torture_generate(seed, o, &p)) return -1;
    *text = p.src;
    p.src = NULL;
    tg_torture_prog_free(&p);
    return 0;
}

static void test_determinism_and_features(void)
{
    tg_torture_opts o;
    tg_torture_opts_default(&o);
    char *a, *b, *c;
    if (gen_text(7, &o, &a) || gen_text(7, &o, &b) || gen_text(8, &o, &c)) { CHECK(0, "out of memory"); return; }
    CHECK(!strcmp(a, b), "seed 7 gave two different programs");
    CHECK(strcmp(a, c) != 0, "seeds 7 and 8 gave the same program");
    free(b);
    free(c);
    /* Each feature: its instructions appear in some of 20 programs with it and in none without. */
    static const struct { const char *feature, *mnemonic; } f[] = {
        { "atomics", "atomg." }, { "shared", "lds" }, { "barriers", "bar " }, { "warp_ops", "shfl" }, { "idiv", "irem" },
        { "falu", "ffma" }, { "conv", "f2h" }, { "fdiv", "fdiv" }, { "sfu", "rcp" }, { "local", "stl" },
        { "loops", "iadd r9, r9, -1" },
    };
    char err[256];
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        int with = 0, without = 0;
        for (uint64_t s = 1; s <= 20; s++) {
            char *t;
            tg_torture_opts_default(&o);
            CHECK(tg_torture_opts_parse(&o, f[i].feature, err, sizeof err) == 0, "%s", err);
            if (gen_text(s, &o, &t)) return;
            with += strstr(t, f[i].mnemonic) != NULL;
            free(t);
            char off[64];
            snprintf(off, sizeof off, "-%s", f[i].feature);
            tg_torture_opts_parse(&o, off, err, sizeof err);
            if (gen_text(s, &o, &t)) return;
            without += strstr(t, f[i].mnemonic) != NULL;
            free(t);
        }
        CHECK(with > 0 && without == 0, "feature %s: '%s' in %d programs with it, %d without", f[i].feature,
              f[i].mnemonic, with, without);
    }
    CHECK(tg_torture_opts_parse(&o, "loops,nonsense", err, sizeof err) == -1 && strstr(err, "nonsense"),
          "a bad feature name is accepted");
    free(a);
}

/* The cycle-mode side gets a different initial value in contended atomic word 15, which only
 * atomic xor touches (words k and k + 8 take operation k), so the difference survives the run. */
static void plant_atom(tg_sim *s, int cycle, uint32_t in, uint32_t out, uint32_t atom, void *user)
{
    (void)in; (void)out; (void)user;
    if (!cycle) return;
    uint32_t v;
    tg_sim_read(s, atom + 60, &v, 4);
    v ^= 0x40;
    tg_sim_write(s, atom + 60, &v, 4);
}

static void test_planted(void)
{
    tg_torture_opts o;
    tg_torture_opts_default(&o);
    tg_torture_prog p;
    if (tg_torture_generate(FIRST_SEED, &o, &p)) return;
    tg_torture_check c = { .func_cycle = 1, .plant_sim = plant_atom };
    int st = tg_torture_run(&p, &c, &res);
    CHECK(st == TG_TORTURE_FAIL && strstr(res.report, "final memory differs"), "planted difference: %s\n%s",
          tg_torture_status_name(st), res.report);
    tg_torture_prog_free(&p);
}

int main(void)
{
    test_determinism_and_features();
    test_planted();
    test_seeds();
    if (failures) { printf("test_torture: %d failures\n", failures); return 1; }
    printf("test_torture: passed\n");
    return 0;
}
