/* timing_stats.c: the timing model's statistics as a human report and as JSON for scripts. */
#include "sim/timing.h"

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0.0; }

static const char *const stall_names[TG_NUM_STALLS] = { "issued", "scoreboard", "memory", "barrier", "pipe_busy", "fetch" };

void tg_timing_stats_print(const tg_timing_stats *s, FILE *f)
{
    uint64_t wc = 0;
    for (int i = 0; i < TG_NUM_STALLS; i++) wc += s->warp_cycles[i];
    fprintf(f, "cycles %llu, warp-instructions %llu, thread-instructions %llu, IPC %.3f warp-instr/cycle\n",
            (unsigned long long)s->cycles, (unsigned long long)s->warp_instrs, (unsigned long long)s->thread_instrs,
            ratio(s->warp_instrs, s->cycles));
    fprintf(f, "warp states:");
    for (int i = 0; i < TG_NUM_STALLS; i++) fprintf(f, " %s %.1f%%", stall_names[i], 100.0 * ratio(s->warp_cycles[i], wc));
    fprintf(f, "\nachieved occupancy %.1f%% (%.1f of %llu warps per busy core)\n",
            100.0 * ratio(s->resident_warp_cycles, s->sm_cycles * s->max_warps), ratio(s->resident_warp_cycles, s->sm_cycles),
            (unsigned long long)s->max_warps);
    fprintf(f, "i-cache hit %.1f%%, L1 hit %.1f%% (%llu accesses), L2 hit %.1f%% (%llu accesses)\n",
            100.0 * ratio(s->icache_hits, s->icache_hits + s->icache_misses), 100.0 * ratio(s->l1_hits, s->l1_hits + s->l1_misses),
            (unsigned long long)(s->l1_hits + s->l1_misses), 100.0 * ratio(s->l2_hits, s->l2_hits + s->l2_misses),
            (unsigned long long)(s->l2_hits + s->l2_misses));
    fprintf(f, "coalescing %.1f%% (%.2f lines per global access), shared bank-conflict cycles %llu over %llu accesses\n",
            100.0 * ratio(s->gmem_bytes_used, s->gmem_lines * s->line_bytes), ratio(s->gmem_lines, s->gmem_instrs),
            (unsigned long long)s->shared_extra_cycles, (unsigned long long)s->shared_instrs);
    fprintf(f, "DRAM: %llu reads, %llu writes, row-hit %.1f%%, %llu bytes, %.2f bytes/cycle\n",
            (unsigned long long)s->dram_reads, (unsigned long long)s->dram_writes,
            100.0 * ratio(s->dram_row_hits, s->dram_reads + s->dram_writes), (unsigned long long)s->dram_bytes,
            ratio(s->dram_bytes, s->cycles));
}

void tg_timing_stats_json(const tg_timing_stats *s, FILE *f)
{
    fprintf(f, "{\"cycles\":%llu,\"warp_instrs\":%llu,\"thread_instrs\":%llu,\"ipc\":%.6f,\"warp_cycles\":{",
            (unsigned long long)s->cycles, (unsigned long long)s->warp_instrs, (unsigned long long)s->thread_instrs,
            ratio(s->warp_instrs, s->cycles));
    for (int i = 0; i < TG_NUM_STALLS; i++)
        fprintf(f, "%s\"%s\":%llu", i ? "," : "", stall_names[i], (unsigned long long)s->warp_cycles[i]);
    fprintf(f, "},\"occupancy\":%.6f,\"icache_hits\":%llu,\"icache_misses\":%llu,\"l1_hits\":%llu,\"l1_misses\":%llu,"
               "\"l2_hits\":%llu,\"l2_misses\":%llu,\"gmem_instrs\":%llu,\"gmem_lines\":%llu,\"coalescing\":%.6f,"
               "\"shared_instrs\":%llu,\"bank_conflict_cycles\":%llu,\"dram_reads\":%llu,\"dram_writes\":%llu,"
               "\"dram_row_hit_rate\":%.6f,\"dram_bytes\":%llu,\"dram_bytes_per_cycle\":%.6f,\"launches\":%u}\n",
            ratio(s->resident_warp_cycles, s->sm_cycles * s->max_warps), (unsigned long long)s->icache_hits,
            (unsigned long long)s->icache_misses, (unsigned long long)s->l1_hits, (unsigned long long)s->l1_misses,
            (unsigned long long)s->l2_hits, (unsigned long long)s->l2_misses, (unsigned long long)s->gmem_instrs,
            (unsigned long long)s->gmem_lines, ratio(s->gmem_bytes_used, s->gmem_lines * s->line_bytes),
            (unsigned long long)s->shared_instrs, (unsigned long long)s->shared_extra_cycles,
            (unsigned long long)s->dram_reads, (unsigned long long)s->dram_writes,
            ratio(s->dram_row_hits, s->dram_reads + s->dram_writes), (unsigned long long)s->dram_bytes,
            ratio(s->dram_bytes, s->cycles), s->launches);
}
