/* cmd_run.c: `tgpu run KERNEL --grid X[,Y,Z] --block X[,Y,Z] [--arg SPEC]...`: runs one kernel on
 * the simulated GPU with buffers from and to files. Arguments follow the kernel's .param order:
 *   u32:V i32:V f32:V          scalars
 *   in:FILE                    a device buffer holding FILE; its address is passed
 *   out:BYTES:FILE             a zeroed buffer of BYTES, written to FILE after the run
 *   inout:FILE:OUTFILE         a buffer holding FILE, written to OUTFILE after the run
 * Prints one summary line; a fault prints its report and exits 1; bad input exits 2. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TG_RTL_RUN_WEAK   /* the RTL is linked only where Verilator is installed */
#include "rtl/harness/rtl_run.h"
#include "rtl/harness/tg_rtl.h"
#include "sim/sim.h"
#include "tools/commands.h"
#include "tools/load.h"
#include "tools/run.h"
#include "tools/viz/viz.h"

#define MAX_ARGS 64

typedef struct run_arg {
    enum { ARG_SCALAR, ARG_IN, ARG_OUT, ARG_INOUT } kind;
    uint32_t value;         /* scalars; buffers: the device address */
    const char *spec;
    const char *out_file;
    char in_file[1024];
    uint32_t bytes;
} run_arg;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: tgpu run KERNEL --grid X[,Y,Z] --block X[,Y,Z] [--arg SPEC]... [options]\n"
        "  KERNEL              .tgasm, .tgbin, .ptx or .cu (compiled with nvcc -ptx)\n"
        "  --arg SPEC          in kernel-parameter order: u32:V i32:V f32:V in:FILE out:BYTES:FILE\n"
        "                      inout:FILE:OUTFILE\n"
        "  --kernel NAME       which kernel of a multi-kernel program\n"
        "  --watchdog N        stop after N warp-instructions (default 1e9; 0 = none)\n"
        "  --warp-size N       lanes per warp, 1..32 (default 32)\n"
        "  --sms N             simulated cores in functional mode (default 4)\n"
        "  --mode func|cycle   functional (default) or cycle-level timing\n"
        "  --config PRESET     cycle mode: sim/presets/PRESET.cfg (default, tiny, teach, sm90) or a file\n"
        "  --stats             cycle mode: print cycles, IPC, stalls, occupancy, caches, coalescing, DRAM\n"
        "  --stats-json FILE   cycle mode: the same as JSON\n"
        "  --trace FILE        cycle mode: trace every issued instruction; .txt per-cycle lines, .json\n"
        "                      Chrome trace events (Perfetto), .vcd waveforms (GTKWave); .tgtrace: a\n"
        "                      recording for `tgpu viz FILE.tgtrace` (warp states, memory, DRAM, buffers)\n"
        "  --trace-core N, --trace-warp N   .txt traces: only this core / warp slot\n"
        "  --backend sim|rtl   sim (default), or the Verilated RTL (warps of %d lanes, %d cores, blocks\n"
        "                      of up to %d threads), in lockstep with the simulator: every\n"
        "                      retired warp-instruction and final memory are compared; --trace F.vcd\n"
        "                      writes the RTL's waveform\n"
        "  --no-lockstep       with --backend rtl: run the RTL alone\n", TG_RTL_LANES, TG_RTL_CORES,
        TG_RTL_LANES * TG_RTL_WARPS);
}

static int parse_dim(const char *s, tg_dim3 *d)
{
    unsigned long v[3] = { 1, 1, 1 };
    int n = 0;
    const char *p = s;
    while (n < 3) {
        char *end;
        errno = 0;
        v[n++] = strtoul(p, &end, 10);
        if (errno || end == p || v[n - 1] == 0 || v[n - 1] > 0x7fffffff) return -1;
        if (*end == 0) break;
        if (*end != ',') return -1;
        p = end + 1;
    }
    if (*p && n == 3 && strchr(p, ',')) return -1;
    d->x = (uint32_t)v[0]; d->y = (uint32_t)v[1]; d->z = (uint32_t)v[2];
    return 0;
}

static void *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) { char *nb = realloc(buf, cap *= 2); if (!nb) { free(buf); buf = NULL; } else buf = nb; }
    }
    fclose(f);
    *len = n;
    return buf;
}

static int write_all(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(p, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* Parses one --arg and, for buffers, allocates and fills its device memory. */
static int setup_arg(tg_sim *sim, run_arg *a)
{
    const char *s = a->spec;
    char *end;
    if (!strncmp(s, "u32:", 4) || !strncmp(s, "i32:", 4)) {
        errno = 0;
        long long v = strtoll(s + 4, &end, 0);
        if (errno || *end || end == s + 4 || v < -2147483648LL || v > 4294967295LL) goto bad;
        a->kind = ARG_SCALAR;
        a->value = (uint32_t)v;
        return 0;
    }
    if (!strncmp(s, "f32:", 4)) {
        errno = 0;
        float f = strtof(s + 4, &end);
        if (errno || *end || end == s + 4) goto bad;
        a->kind = ARG_SCALAR;
        memcpy(&a->value, &f, 4);
        return 0;
    }
    size_t len = 0;
    void *data = NULL;
    if (!strncmp(s, "in:", 3) || !strncmp(s, "inout:", 6)) {
        int inout = s[2] == 'o';
        const char *file = s + (inout ? 6 : 3);
        const char *colon = inout ? strchr(file, ':') : NULL;
        if (inout && !colon) goto bad;
        size_t flen = inout ? (size_t)(colon - file) : strlen(file);
        if (flen == 0 || flen >= sizeof a->in_file) goto bad;
        memcpy(a->in_file, file, flen);
        a->in_file[flen] = 0;
        a->out_file = inout ? colon + 1 : NULL;
        if (inout && !*a->out_file) goto bad;
        data = read_all(a->in_file, &len);
        if (!data) { fprintf(stderr, "tgpu run: --arg %s: cannot read %s: %s\n", s, a->in_file, strerror(errno)); return -1; }
        if (len == 0 || len > 0x40000000) { fprintf(stderr, "tgpu run: --arg %s: %s is empty or over 1 GiB\n", s, a->in_file); free(data); return -1; }
        a->kind = inout ? ARG_INOUT : ARG_IN;
    } else if (!strncmp(s, "out:", 4)) {
        errno = 0;
        unsigned long long b = strtoull(s + 4, &end, 0);
        if (errno || *end != ':' || b == 0 || b > 0x40000000 || !end[1]) goto bad;
        a->kind = ARG_OUT;
        a->out_file = end + 1;
        len = (size_t)b;
    } else {
        goto bad;
    }
    a->bytes = (uint32_t)len;
    a->value = tg_sim_alloc(sim, a->bytes);
    if (!a->value) { fprintf(stderr, "tgpu run: --arg %s: out of device memory (%zu bytes)\n", s, len); free(data); return -1; }
    int rc = 0;
    if (data) rc = tg_sim_write(sim, a->value, data, len);
    else {
        void *zero = calloc(1, len);
        rc = zero ? tg_sim_write(sim, a->value, zero, len) : -1;
        free(zero);
    }
    free(data);
    if (rc) { fprintf(stderr, "tgpu run: --arg %s: cannot fill the device buffer\n", s); return -1; }
    return 0;
bad:
    fprintf(stderr, "tgpu run: bad --arg '%s' (u32:V i32:V f32:V in:FILE out:BYTES:FILE inout:FILE:OUTFILE)\n", s);
    return -1;
}

int tg_cmd_run(int argc, char **argv) { return tg_run_main(argc, argv, NULL); }

int tg_run_main(int argc, char **argv, const tg_run_observer *obs)
{
    const char *path = NULL, *kname = NULL, *stats_json = NULL, *trace = NULL;
    int show_stats = 0, trace_core = -1, trace_warp = -1, rtl = 0, lockstep = 1, sim_shape = 0;
    tg_dim3 grid = { 0, 0, 0 }, block = { 0, 0, 0 };
    run_arg args[MAX_ARGS];
    int nargs = 0;
    tg_sim_config cfg;
    tg_sim_config_default(&cfg);
    cfg.watchdog = 1000000000ull;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (!strcmp(a, "--stats")) { show_stats = 1; continue; }
        if (!strcmp(a, "--no-lockstep")) { lockstep = 0; continue; }
        if (a[0] != '-') {
            if (path) { fprintf(stderr, "tgpu run: more than one kernel file (%s)\n", a); return 2; }
            path = a;
            continue;
        }
        if (i + 1 >= argc) { fprintf(stderr, "tgpu run: %s needs a value\n", a); return 2; }
        const char *v = argv[++i];
        char *end;
        if (!strcmp(a, "--grid")) { if (parse_dim(v, &grid)) { fprintf(stderr, "tgpu run: bad --grid '%s' (X[,Y,Z], each >= 1)\n", v); return 2; } }
        else if (!strcmp(a, "--block")) { if (parse_dim(v, &block)) { fprintf(stderr, "tgpu run: bad --block '%s' (X[,Y,Z], each >= 1)\n", v); return 2; } }
        else if (!strcmp(a, "--kernel")) kname = v;
        else if (!strcmp(a, "--arg")) {
            if (nargs == MAX_ARGS) { fprintf(stderr, "tgpu run: more than %d --arg\n", MAX_ARGS); return 2; }
            memset(&args[nargs], 0, sizeof args[nargs]);
            args[nargs++].spec = v;
        } else if (!strcmp(a, "--watchdog")) {
            cfg.watchdog = strtoull(v, &end, 0);
            if (*end || end == v) { fprintf(stderr, "tgpu run: bad --watchdog '%s'\n", v); return 2; }
        } else if (!strcmp(a, "--warp-size")) {
            long w = strtol(v, &end, 0);
            if (*end || w < 1 || w > 32) { fprintf(stderr, "tgpu run: --warp-size must be 1..32\n"); return 2; }
            cfg.warp_size = (unsigned)w;
            sim_shape = 1;
        } else if (!strcmp(a, "--backend")) {
            if (strcmp(v, "sim") && strcmp(v, "rtl")) { fprintf(stderr, "tgpu run: --backend takes sim or rtl\n"); return 2; }
            rtl = !strcmp(v, "rtl");
        } else if (!strcmp(a, "--sms")) {
            long w = strtol(v, &end, 0);
            if (*end || w < 1 || w > 1024) { fprintf(stderr, "tgpu run: --sms must be 1..1024\n"); return 2; }
            cfg.num_sms = (unsigned)w;
            sim_shape = 1;
        } else if (!strcmp(a, "--mode")) {
            if (strcmp(v, "func") && strcmp(v, "cycle")) { fprintf(stderr, "tgpu run: --mode takes func or cycle\n"); return 2; }
            cfg.cycle_mode = !strcmp(v, "cycle");
        } else if (!strcmp(a, "--config")) cfg.timing_preset = v;
        else if (!strcmp(a, "--stats-json")) stats_json = v;
        else if (!strcmp(a, "--trace")) trace = v;
        else if (!strcmp(a, "--trace-core")) trace_core = atoi(v);
        else if (!strcmp(a, "--trace-warp")) trace_warp = atoi(v);
        else { fprintf(stderr, "tgpu run: unknown option %s (see --help)\n", a); return 2; }
    }
    if (rtl) {
        if (!tg_rtl_run_launch) {
            fprintf(stderr, "tgpu run: this tgpu was built without the RTL (install verilator, then make clean all)\n");
            return 2;
        }
        if (cfg.cycle_mode || show_stats || stats_json || cfg.timing_preset || sim_shape || obs ||
            (trace && (!strrchr(trace, '.') || strcmp(strrchr(trace, '.'), ".vcd")))) {
            fprintf(stderr, "tgpu run: --backend rtl runs the RTL's own shape (warps of %d lanes, %d cores) and takes "
                            "--trace FILE.vcd for its waveform; cycle-mode options, --warp-size and --sms are the simulator's\n",
                    TG_RTL_LANES, TG_RTL_CORES);
            return 2;
        }
        uint64_t watchdog = cfg.watchdog;
        tg_rtl_sim_config(&cfg);
        cfg.watchdog = watchdog;
    } else if (!lockstep) {
        fprintf(stderr, "tgpu run: --no-lockstep goes with --backend rtl\n");
        return 2;
    }
    if (!rtl && (show_stats || stats_json || trace || cfg.timing_preset) && !cfg.cycle_mode) {
        fprintf(stderr, "tgpu run: --config, --stats, --stats-json and --trace need --mode cycle\n");
        return 2;
    }
    if (!path || !grid.x || !block.x) { usage(stderr); return 2; }
    /* --trace F.tgtrace: a recording for tgpu viz, made by the same observer tgpu viz uses */
    const char *tdot = trace ? strrchr(trace, '.') : NULL;
    tg_viz_rec trec;
    tg_run_observer tobs;
    const char *tgtrace = !rtl && !obs && tdot && !strcmp(tdot, ".tgtrace") ? trace : NULL;
    if (tgtrace) { tobs = tg_viz_rec_observer(&trec); obs = &tobs; trace = NULL; }

    char err[512];
    tg_module m;
    if (tg_program_load(path, &m, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 2; }
    const tg_kernel *k = tg_module_kernel(&m, kname);
    if (!k) {
        if (kname) fprintf(stderr, "tgpu run: %s has no kernel named %s\n", path, kname);
        else fprintf(stderr, "tgpu run: %s has %u kernels: name one with --kernel\n", path, m.nkernels);
        tg_module_free(&m);
        return 2;
    }
    if ((uint32_t)nargs != k->nparams) {
        fprintf(stderr, "tgpu run: kernel %s takes %u parameters, %d --arg given\n", k->name, k->nparams, nargs);
        tg_module_free(&m);
        return 2;
    }
    tg_sim *sim = tg_sim_create_ex(&cfg, err, sizeof err);
    int rc = sim ? 0 : 2;
    if (!sim) fprintf(stderr, "tgpu run: %s\n", err);
    FILE *tf = NULL;
    if (sim && obs && !tg_sim_timing_config(sim)) {
        fprintf(stderr, "tgpu run: timing observers need --mode cycle\n");
        rc = 2;
    }
    tg_timing_hooks hooks = { 0 };
    if (sim && rc == 0 && obs && obs->begin &&
        (obs->begin(obs->ctx, tg_sim_timing_config(sim), k->name, &hooks) || tg_sim_set_timing_hooks(sim, &hooks))) {
        fprintf(stderr, "tgpu run: out of memory\n");
        rc = 2;
    }
    if (sim && trace && !rtl) {
        const char *dot = strrchr(trace, '.');
        int fmt = dot && !strcmp(dot, ".json") ? TG_TRACE_JSON : dot && !strcmp(dot, ".vcd") ? TG_TRACE_VCD :
                  dot && !strcmp(dot, ".txt") ? TG_TRACE_TEXT : -1;
        if (fmt < 0) { fprintf(stderr, "tgpu run: --trace %s: the extension picks the format: .txt, .json, .vcd or .tgtrace\n", trace); rc = 2; }
        else if (!(tf = fopen(trace, "w"))) { fprintf(stderr, "tgpu run: cannot write %s\n", trace); rc = 2; }
        else tg_sim_trace_begin(sim, tf, fmt, trace_core, trace_warp);
    }
    uint8_t params[4096] = { 0 };
    for (int i = 0; i < nargs && rc == 0; i++) {
        if (setup_arg(sim, &args[i])) { rc = 2; break; }
        if (args[i].kind == ARG_SCALAR && k->params[i].size != 4) {
            fprintf(stderr, "tgpu run: --arg %s: parameter %s is a %u-byte pointer; pass a buffer\n",
                    args[i].spec, k->params[i].name, k->params[i].size);
            rc = 2;
            break;
        }
        uint64_t v = args[i].value;   /* 8-byte params hold the zero-extended address */
        memcpy(params + k->params[i].offset, &v, k->params[i].size);
    }
    if (rc == 0) {
        tg_launch l = { .module = &m, .kernel = k, .grid = grid, .block = block, .params = params,
                        .param_bytes = k->param_bytes };
        tg_run_stats st = { 0 };
        tg_rtl_result rres = { 0 };
        tg_fault f;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int lrc;
        if (rtl) {
            static char report[8192];
            tg_rtl_run_opts ro = { .lockstep = lockstep, .vcd = trace, .max_cycles = 0, .result = &rres };
            lrc = tg_rtl_run_launch(sim, &l, &ro, &st, &f, report, sizeof report);
            if (lrc >= TG_RTL_RUN_BAD_SETUP) {
                fprintf(stderr, "%s", report);
                if (report[0] && report[strlen(report) - 1] != '\n') fputc('\n', stderr);
                rc = lrc == TG_RTL_RUN_MISMATCH ? 1 : 2;
                lrc = 0;
            }
        } else {
            lrc = tg_sim_launch(sim, &l, &st, &f);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
        if (rc) {
            /* reported above */
        } else if (lrc) {
            char line[512];
            tg_fault_format(&f, line, sizeof line);
            fprintf(stderr, "%s\n", line);
            rc = f.kind == TG_FAULT_BAD_LAUNCH ? 2 : 1;
        } else {
            for (int i = 0; i < nargs && rc == 0; i++) {
                if (args[i].kind != ARG_OUT && args[i].kind != ARG_INOUT) continue;
                void *buf = malloc(args[i].bytes);
                if (!buf || tg_sim_read(sim, args[i].value, buf, args[i].bytes) ||
                    write_all(args[i].out_file, buf, args[i].bytes)) {
                    fprintf(stderr, "tgpu run: cannot write %s\n", args[i].out_file);
                    rc = 2;
                } else if (obs && obs->buffer && obs->buffer(obs->ctx, args[i].out_file, buf, args[i].bytes)) {
                    fprintf(stderr, "tgpu run: out of memory recording %s\n", args[i].out_file);
                    rc = 2;
                }
                free(buf);
            }
            if (rc == 0) {
                printf("%s: grid (%u,%u,%u) block (%u,%u,%u): %llu warp-instructions, %llu thread-instructions, ",
                       k->name, grid.x, grid.y, grid.z, block.x, block.y, block.z,
                       (unsigned long long)st.warp_instrs, (unsigned long long)st.thread_instrs);
                if (cfg.cycle_mode) printf("%llu cycles (%s), ", (unsigned long long)st.cycles, tg_sim_timing_config(sim)->name);
                if (rtl) {
                    uint64_t reads = (uint64_t)rres.l1_hits + rres.l1_misses;
                    printf("%llu RTL cycles, L1 hit rate %.1f%% (%u hits, %u misses), %u DRAM reads, %u DRAM writes, ",
                           (unsigned long long)st.cycles, reads ? 100.0 * rres.l1_hits / (double)reads : 0.0,
                           rres.l1_hits, rres.l1_misses, rres.mem_reads, rres.mem_writes);
                }
                printf("%.3f s (%.1f M thread-instr/s", s, s > 0 ? (double)st.thread_instrs / s / 1e6 : 0.0);
                if (rtl) printf(", %.2f M RTL cycles/s", s > 0 ? (double)st.cycles / s / 1e6 : 0.0);
                printf(")%s\n", rtl && lockstep ? "; lockstep with the simulator: every warp-instruction and final memory match" : "");
            }
            tg_timing_stats ts;
            if (rc == 0 && cfg.cycle_mode && tg_sim_timing_stats(sim, &ts) == 0) {
                if (show_stats) tg_timing_stats_print(&ts, stdout);
                FILE *jf = stats_json ? fopen(stats_json, "w") : NULL;
                if (stats_json && !jf) { fprintf(stderr, "tgpu run: cannot write %s\n", stats_json); rc = 2; }
                if (jf) { tg_timing_stats_json(&ts, jf); fclose(jf); }
                if (rc == 0 && obs && obs->end && obs->end(obs->ctx, &ts)) { fprintf(stderr, "tgpu run: out of memory while recording\n"); rc = 2; }
            }
        }
    }
    if (tf) { tg_sim_trace_end(sim); fclose(tf); }
    if (tgtrace) {
        if (rc == 0 && tg_viz_trace_write(&trec, tgtrace, err, sizeof err)) { fprintf(stderr, "tgpu run: %s\n", err); rc = 2; }
        tg_viz_rec_free(&trec);
    }
    if (sim) tg_sim_destroy(sim);
    tg_module_free(&m);
    return rc;
}
