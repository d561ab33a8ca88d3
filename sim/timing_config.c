/* timing_config.c: timing-model configuration as data. A preset is a text file of `key = value`
 * lines (`#` comments); sim/presets/ holds the named ones. Every key is listed once in the table
 * below, which is also what --help-config prints. */
#include "sim/timing.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isa/isa.h"

#define F(field) offsetof(tg_timing_config, field)

static const struct key { const char *name; size_t off; uint32_t min, max; } keys[] = {
    { "sms", F(num_sms), 1, 1024 },
    { "warp_size", F(warp_size), 1, 32 },
    { "max_warps_per_sm", F(max_warps_per_sm), 1, 256 },
    { "max_blocks_per_sm", F(max_blocks_per_sm), 1, 256 },
    { "max_threads_per_sm", F(max_threads_per_sm), 1, 8192 },
    { "regs_per_sm", F(regs_per_sm), 256, 1u << 20 },
    { "shared_per_sm", F(shared_per_sm), 0, 1u << 24 },
    { "schedulers_per_sm", F(schedulers_per_sm), 1, 16 },
    { "two_level_active", F(two_level_active), 1, 256 },
    { "rf_banks", F(rf_banks), 1, 32 },
    { "lat.alu", F(latency[TG_LAT_ALU]), 1, 1000 }, { "ii.alu", F(interval[TG_LAT_ALU]), 1, 1000 },
    { "lat.imul", F(latency[TG_LAT_IMUL]), 1, 1000 }, { "ii.imul", F(interval[TG_LAT_IMUL]), 1, 1000 },
    { "lat.idiv", F(latency[TG_LAT_IDIV]), 1, 1000 }, { "ii.idiv", F(interval[TG_LAT_IDIV]), 1, 1000 },
    { "lat.fma", F(latency[TG_LAT_FMA]), 1, 1000 }, { "ii.fma", F(interval[TG_LAT_FMA]), 1, 1000 },
    { "lat.fdiv", F(latency[TG_LAT_FDIV]), 1, 1000 }, { "ii.fdiv", F(interval[TG_LAT_FDIV]), 1, 1000 },
    { "lat.sfu", F(latency[TG_LAT_SFU]), 1, 1000 }, { "ii.sfu", F(interval[TG_LAT_SFU]), 1, 1000 },
    { "lat.conv", F(latency[TG_LAT_CONV]), 1, 1000 }, { "ii.conv", F(interval[TG_LAT_CONV]), 1, 1000 },
    { "lat.ctrl", F(latency[TG_LAT_CTRL]), 1, 1000 }, { "ii.ctrl", F(interval[TG_LAT_CTRL]), 1, 1000 },
    { "ii.mem", F(interval[TG_LAT_MEM]), 1, 1000 }, { "ii.shared", F(interval[TG_LAT_SHARED]), 1, 1000 },
    { "icache.size", F(icache.size), 64, 1u << 24 }, { "icache.assoc", F(icache.assoc), 1, 64 },
    { "icache.line", F(icache.line), 8, 4096 }, { "icache.miss_latency", F(icache.latency), 1, 10000 },
    { "l1.size", F(l1.size), 128, 1u << 26 }, { "l1.assoc", F(l1.assoc), 1, 64 },
    { "l1.line", F(l1.line), 32, 4096 }, { "l1.latency", F(l1.latency), 1, 10000 },
    { "l1.mshrs", F(l1.mshrs), 1, 4096 },
    { "l2.size", F(l2.size), 1024, 1u << 31 }, { "l2.assoc", F(l2.assoc), 1, 64 },
    { "l2.latency", F(l2.latency), 1, 10000 }, { "l2.slices", F(l2_slices), 1, 256 },
    { "shared.banks", F(shared_banks), 1, 64 }, { "shared.latency", F(shared_latency), 1, 10000 },
    { "param.latency", F(param_latency), 1, 10000 }, { "local.latency", F(local_latency), 1, 10000 },
    { "icnt.latency", F(icnt_latency), 0, 10000 },
    { "dram.channels", F(dram_channels), 1, 256 }, { "dram.banks", F(dram_banks), 1, 256 },
    { "dram.row_bytes", F(dram_row_bytes), 64, 1u << 20 },
    { "dram.tRCD", F(dram_tRCD), 0, 10000 }, { "dram.tRP", F(dram_tRP), 0, 10000 },
    { "dram.CL", F(dram_CL), 0, 10000 },
    { "dram.burst_bytes", F(dram_burst_bytes), 8, 4096 }, { "dram.burst_cycles", F(dram_burst_cycles), 1, 10000 },
};

void tg_timing_config_default(tg_timing_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "built-in");
    c->num_sms = 4; c->warp_size = 32;
    c->max_warps_per_sm = 32; c->max_blocks_per_sm = 8; c->max_threads_per_sm = 1024;
    c->regs_per_sm = 65536; c->shared_per_sm = 64 << 10;
    c->schedulers_per_sm = 2; c->policy = TG_SCHED_GTO; c->two_level_active = 8; c->rf_banks = 4;
    uint32_t lat[10] = { 4, 6, 40, 4, 16, 16, 6, 0, 0, 4 }, ii[10] = { 1, 2, 16, 1, 8, 4, 2, 1, 1, 1 };
    memcpy(c->latency, lat, sizeof lat);
    memcpy(c->interval, ii, sizeof ii);
    c->icache = (tg_cache_config){ 16 << 10, 4, 128, 20, 0 };
    c->l1 = (tg_cache_config){ 32 << 10, 4, 128, 30, 32 };
    c->l2 = (tg_cache_config){ 1 << 20, 8, 128, 120, 0 };
    c->l2_slices = 4;
    c->shared_banks = 32; c->shared_latency = 24;
    c->param_latency = 8; c->local_latency = 30;
    c->icnt_latency = 20;
    c->dram_channels = 4; c->dram_banks = 8; c->dram_row_bytes = 2048;
    c->dram_tRCD = 20; c->dram_tRP = 20; c->dram_CL = 20;
    c->dram_burst_bytes = 32; c->dram_burst_cycles = 2;
}

static int is_pow2(uint32_t v) { return v && !(v & (v - 1)); }

/* Where presets live: $TGPU_PRESETS, else sim/presets next to the build that holds this binary
 * (build/tgpu -> ../sim/presets), else the source tree this binary was built from. */
static int find_preset(const char *name, char *path, size_t n)
{
    const char *env = getenv("TGPU_PRESETS");
    if (env && snprintf(path, n, "%s/%s.cfg", env, name) < (int)n && access(path, R_OK) == 0) return 0;
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            if (snprintf(path, n, "%s/../sim/presets/%s.cfg", exe, name) < (int)n && access(path, R_OK) == 0) return 0;
            if (snprintf(path, n, "%s/sim/presets/%s.cfg", exe, name) < (int)n && access(path, R_OK) == 0) return 0;
        }
    }
#ifdef TG_SOURCE_DIR
    if (snprintf(path, n, "%s/sim/presets/%s.cfg", TG_SOURCE_DIR, name) < (int)n && access(path, R_OK) == 0) return 0;
#endif
    snprintf(path, n, "sim/presets/%s.cfg", name);
    return access(path, R_OK) == 0 ? 0 : -1;
}

int tg_timing_config_load(tg_timing_config *c, const char *name_or_path, char *err, size_t errlen)
{
    tg_timing_config_default(c);
    char path[PATH_MAX];
    if (strchr(name_or_path, '/') || strstr(name_or_path, ".cfg")) snprintf(path, sizeof path, "%s", name_or_path);
    else if (find_preset(name_or_path, path, sizeof path)) {
        snprintf(err, errlen, "no timing preset named '%s' (sim/presets/: default, tiny, teach, sm90; or give a file)", name_or_path);
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno)); return -1; }
    const char *base = strrchr(name_or_path, '/');
    snprintf(c->name, sizeof c->name, "%s", base ? base + 1 : name_or_path);
    char line[512];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char key[64], val[128], extra[8];
        int n = sscanf(line, " %63[^= \t] = %127s %7s", key, val, extra);
        if (n <= 0) continue;
        if (n != 2) { snprintf(err, errlen, "%s:%d: expected 'key = value'", path, lineno); rc = -1; break; }
        if (!strcmp(key, "policy")) {
            if (!strcmp(val, "lrr")) c->policy = TG_SCHED_LRR;
            else if (!strcmp(val, "gto")) c->policy = TG_SCHED_GTO;
            else if (!strcmp(val, "two_level")) c->policy = TG_SCHED_TWO_LEVEL;
            else { snprintf(err, errlen, "%s:%d: policy is lrr, gto or two_level, not '%s'", path, lineno, val); rc = -1; }
            continue;
        }
        const struct key *k = NULL;
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) if (!strcmp(keys[i].name, key)) k = &keys[i];
        if (!k) { snprintf(err, errlen, "%s:%d: unknown key '%s'", path, lineno, key); rc = -1; break; }
        char *end;
        errno = 0;
        unsigned long long v = strtoull(val, &end, 0);
        if (errno || *end || v < k->min || v > k->max) {
            snprintf(err, errlen, "%s:%d: %s = %s: expected an integer in [%u, %u]", path, lineno, key, val, k->min, k->max);
            rc = -1;
            break;
        }
        *(uint32_t *)((char *)c + k->off) = (uint32_t)v;
    }
    fclose(f);
    if (rc) return rc;
    c->l2.line = c->l1.line;
    /* consistency: caches need power-of-two lines and sets */
    const tg_cache_config *cc[3] = { &c->icache, &c->l1, &c->l2 };
    const char *cn[3] = { "icache", "l1", "l2" };
    for (int i = 0; i < 3; i++) {
        uint32_t sets = cc[i]->size / (cc[i]->line * cc[i]->assoc) / (i == 2 ? c->l2_slices : 1);
        if (!is_pow2(cc[i]->line) || !sets || !is_pow2(sets)) {
            snprintf(err, errlen, "%s: %s size, line and associativity must give a power-of-two number of sets", path, cn[i]);
            return -1;
        }
    }
    if (c->dram_row_bytes % c->l1.line) { snprintf(err, errlen, "%s: dram.row_bytes must be a multiple of l1.line", path); return -1; }
    return 0;
}
