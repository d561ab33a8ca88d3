/* cmd_torture.c: `tgpu torture --seed S --count N [--out DIR] [--backend sim|rtl|all]`: generates
 * random valid TG32 programs (tools/torture/) for seeds S..S+N-1 and checks each: functional ==
 * cycle mode under every preset (sim), and simulator == RTL in lockstep (rtl). Prints each failure
 * with its seed and how to replay it, then a summary; exits 1 if any program failed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tools/commands.h"
#include "tools/torture/torture.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: tgpu torture [--seed S] [--count N] [--out DIR] [--backend sim|rtl|all] [options]\n"
        "  --seed S            first seed (default 1); program i uses seed S+i\n"
        "  --count N           programs to generate and check (default 1)\n"
        "  --out DIR           write each program as DIR/torture-SEED.tgasm with its inputs (.in.bin,\n"
        "                      .atom.bin) and DIR/torture-SEED.sh, the tgpu run command that replays it\n"
        "  --backend B         sim: functional == cycle mode under every preset; rtl: simulator == RTL\n"
        "                      in lockstep; all (default): both\n"
        "  --features LIST     comma-separated feature names to turn on, or off with a leading '-':\n"
        "                      %s\n"
        "                      (default: all but order_dependent, whose results depend on thread order)\n"
        "  --length N          statements per program (default 60)\n"
        "  --max-block N       threads per block at most (default 256)\n"
        "  --max-grid N        blocks at most (default 3)\n"
        "  --keep-going        check every program even after a failure (default: stop at the first)\n"
        "  --verbose           one line per program\n", tg_torture_feature_names);
}

static int parse_u(const char *opt, const char *v, unsigned long long min, unsigned long long max,
                   unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 0);
    if (errno || *end || end == v || x < min || x > max || v[0] == '-') {
        fprintf(stderr, "tgpu torture: bad %s '%s' (%llu..%llu)\n", opt, v, min, max);
        return -1;
    }
    *out = x;
    return 0;
}

int tg_cmd_torture(int argc, char **argv)
{
    unsigned long long seed = 1, count = 1, v;
    const char *dir = NULL, *backend = "all";
    int keep_going = 0, verbose = 0;
    tg_torture_opts o;
    tg_torture_opts_default(&o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (!strcmp(a, "--keep-going")) { keep_going = 1; continue; }
        if (!strcmp(a, "--verbose")) { verbose = 1; continue; }
        if (i + 1 >= argc) { fprintf(stderr, "tgpu torture: %s needs a value (see --help)\n", a); return 2; }
        const char *val = argv[++i];
        if (!strcmp(a, "--seed")) { if (parse_u(a, val, 0, ~0ull, &seed)) return 2; }
        else if (!strcmp(a, "--count")) { if (parse_u(a, val, 1, 100000000ull, &count)) return 2; }
        else if (!strcmp(a, "--out")) dir = val;
        else if (!strcmp(a, "--backend")) {
            if (strcmp(val, "sim") && strcmp(val, "rtl") && strcmp(val, "all")) {
                fprintf(stderr, "tgpu torture: --backend takes sim, rtl or all\n");
                return 2;
            }
            backend = val;
        } else if (!strcmp(a, "--features")) {
            char err[512];
            if (tg_torture_opts_parse(&o, val, err, sizeof err)) { fprintf(stderr, "tgpu torture: %s\n", err); return 2; }
        } else if (!strcmp(a, "--length")) { if (parse_u(a, val, 1, 2000, &v)) return 2; o.length = (unsigned)v; }
        else if (!strcmp(a, "--max-block")) { if (parse_u(a, val, 1, 1024, &v)) return 2; o.max_block = (unsigned)v; }
        else if (!strcmp(a, "--max-grid")) { if (parse_u(a, val, 1, 1024, &v)) return 2; o.max_grid = (unsigned)v; }
        else { fprintf(stderr, "tgpu torture: unknown option %s (see --help)\n", a); return 2; }
    }
    if (dir && mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "tgpu torture: cannot create %s: %s\n", dir, strerror(errno));
        return 2;
    }
    tg_torture_check c = { .func_cycle = strcmp(backend, "rtl") != 0, .lockstep = strcmp(backend, "sim") != 0 };
    if (o.order_dependent && c.func_cycle) {
        fprintf(stderr, "tgpu torture: order_dependent programs differ between functional and cycle mode by design; "
                        "use --backend rtl\n");
        return 2;
    }
    static tg_torture_result res;
    unsigned long long passed = 0, failed = 0, commits = 0, warp_instrs = 0, presets_run = 0, presets_skipped = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned long long i = 0; i < count; i++) {
        tg_torture_prog p;
        uint64_t s = seed + i;
        if (tg_torture_generate(s, &o, &p)) { fprintf(stderr, "tgpu torture: out of memory\n"); return 2; }
        if (dir) {
            char err[512];
            if (tg_torture_write(&p, dir, err, sizeof err)) {
                fprintf(stderr, "tgpu torture: %s\n", err);
                tg_torture_prog_free(&p);
                return 2;
            }
        }
        int st = tg_torture_run(&p, &c, &res);
        if (st == TG_TORTURE_NO_RTL || st == TG_TORTURE_ERROR) {
            fprintf(stderr, "tgpu torture: seed %llu: %s", (unsigned long long)s, res.report);
            tg_torture_prog_free(&p);
            return 2;
        }
        commits += res.lockstep_commits;
        warp_instrs += res.warp_instrs;
        presets_run += res.presets_run;
        presets_skipped += res.presets_skipped;
        if (verbose)
            printf("seed %llu: %s: grid %u,%u block %u,%u, %u instructions, %llu warp-instructions\n",
                   (unsigned long long)s, tg_torture_status_name(st), p.grid.x, p.grid.y, p.block.x, p.block.y,
                   p.static_instrs, (unsigned long long)res.warp_instrs);
        if (st == TG_TORTURE_PASS) passed++;
        else {
            failed++;
            printf("FAIL seed %llu (%s):\n%s", (unsigned long long)s, tg_torture_status_name(st), res.report);
            printf("  replay: tgpu torture --seed %llu --count 1 --backend %s --out DIR   (then sh DIR/torture-%llu.sh)\n",
                   (unsigned long long)s, backend, (unsigned long long)s);
        }
        tg_torture_prog_free(&p);
        if (failed && !keep_going) break;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("torture: %llu programs (seeds %llu..%llu), %llu passed, %llu failed; %llu warp-instructions (warp size 32)",
           passed + failed, seed, seed + passed + failed - 1, passed, failed, warp_instrs);
    if (c.func_cycle) printf("; functional == cycle under %llu preset runs (%llu skipped: launch too big for the preset)",
                             presets_run, presets_skipped);
    if (c.lockstep) printf("; %llu warp-instructions compared with the RTL", commits);
    printf("; %.1f s\n", secs);
    return failed ? 1 : 0;
}
