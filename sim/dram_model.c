/* dram_model.c: see dram_model.h. Lines interleave across channels, then banks; a row holds
 * dram_row_bytes of consecutive lines within a bank. */
#include "sim/dram_model.h"

#include <stdlib.h>
#include <string.h>

int tg_dram_init(tg_dram *d, const tg_timing_config *cfg)
{
    memset(d, 0, sizeof *d);
    d->cfg = cfg;
    d->banks = calloc((size_t)cfg->dram_channels * cfg->dram_banks, sizeof *d->banks);
    d->bus_free = calloc(cfg->dram_channels, sizeof *d->bus_free);
    if (!d->banks || !d->bus_free) return -1;
    for (size_t i = 0; i < (size_t)cfg->dram_channels * cfg->dram_banks; i++) d->banks[i].open_row = UINT64_MAX;
    return 0;
}

void tg_dram_free(tg_dram *d)
{
    free(d->banks);
    free(d->bus_free);
    memset(d, 0, sizeof *d);
}

void tg_dram_new_epoch(tg_dram *d)
{
    const tg_timing_config *c = d->cfg;
    for (size_t i = 0; i < (size_t)c->dram_channels * c->dram_banks; i++) d->banks[i].ready = 0;
    memset(d->bus_free, 0, c->dram_channels * sizeof *d->bus_free);
}

static void map(const tg_dram *d, uint64_t addr, uint32_t *ch, uint32_t *bank, uint64_t *row)
{
    const tg_timing_config *c = d->cfg;
    uint64_t line = addr / c->l1.line;
    *ch = (uint32_t)(line % c->dram_channels);
    uint64_t in_ch = line / c->dram_channels;
    uint64_t lines_per_row = c->dram_row_bytes / c->l1.line;
    *bank = (uint32_t)(in_ch / lines_per_row % c->dram_banks);
    *row = in_ch / lines_per_row / c->dram_banks;
}

void tg_dram_batch(tg_dram *d, const uint64_t *lines, const int *is_write, int n, uint64_t t, uint64_t *done)
{
    const tg_timing_config *c = d->cfg;
    uint64_t bursts = (c->l1.line + c->dram_burst_bytes - 1) / c->dram_burst_bytes;
    char served[64] = { 0 };
    if (n > 64) n = 64;
    for (int round = 0; round < n; round++) {
        /* FR-FCFS: the oldest (lowest index) request that hits an open row, else the oldest */
        int pick = -1;
        for (int i = 0; i < n && pick < 0; i++) {
            if (served[i]) continue;
            uint32_t ch, bk;
            uint64_t row;
            map(d, lines[i], &ch, &bk, &row);
            if (d->banks[ch * c->dram_banks + bk].open_row == row) pick = i;
        }
        for (int i = 0; i < n && pick < 0; i++) if (!served[i]) pick = i;
        served[pick] = 1;
        uint32_t ch, bk;
        uint64_t row;
        map(d, lines[pick], &ch, &bk, &row);
        tg_dram_bank *b = &d->banks[ch * c->dram_banks + bk];
        uint64_t start = t > b->ready ? t : b->ready, ready;
        int hit = b->open_row == row;
        if (d->observe) d->observe(d->observe_ctx, start, ch * c->dram_banks + bk, hit, is_write[pick]);
        if (hit) { ready = start + c->dram_CL; d->row_hits++; }
        else ready = start + (b->open_row != UINT64_MAX ? c->dram_tRP : 0) + c->dram_tRCD + c->dram_CL;
        b->open_row = row;
        uint64_t data = ready > d->bus_free[ch] ? ready : d->bus_free[ch];
        d->bus_free[ch] = data + bursts * c->dram_burst_cycles;
        b->ready = ready - c->dram_CL + bursts * c->dram_burst_cycles;   /* next column command */
        done[pick] = d->bus_free[ch];
        if (is_write[pick]) d->writes++; else d->reads++;
        d->bytes += c->l1.line;
    }
}
