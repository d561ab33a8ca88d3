/* memory.c: the simulated device's global memory: a flat byte array, a first-fit allocator over
 * 256-byte granules, and the O(1) bounds check every global access makes (granule -> allocation). */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "sim/core.h"

void tg_sim_config_default(tg_sim_config *c)
{
    c->warp_size = 32;
    c->num_sms = 4;
    c->global_bytes = 256u << 20;
    c->max_shared_per_block = 48u << 10;
    c->max_threads_per_block = 1024;
    c->watchdog = 0;
}

tg_sim *tg_sim_create(const tg_sim_config *c)
{
    tg_sim_config def;
    if (!c) { tg_sim_config_default(&def); c = &def; }
    if (c->warp_size < 1 || c->warp_size > 32 || c->num_sms < 1 || c->global_bytes < 512)
        return NULL;
    tg_sim *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cfg = *c;
    s->ngranules = (uint32_t)(((uint64_t)c->global_bytes) >> TG_GRANULE_SHIFT);
    s->mem = calloc((size_t)s->ngranules << TG_GRANULE_SHIFT, 1);
    s->gstart = calloc(s->ngranules, sizeof *s->gstart);
    s->gsize = calloc(s->ngranules, sizeof *s->gsize);
    s->sm_clock = calloc(c->num_sms, sizeof *s->sm_clock);
    if (!s->mem || !s->gstart || !s->gsize || !s->sm_clock) { tg_sim_destroy(s); return NULL; }
    return s;
}

void tg_sim_destroy(tg_sim *s)
{
    if (!s) return;
    free(s->mem);
    free(s->gstart);
    free(s->gsize);
    free(s->sm_clock);
    free(s);
}

static uint32_t granules_of(uint32_t bytes)
{
    return (uint32_t)(((uint64_t)bytes + (1u << TG_GRANULE_SHIFT) - 1) >> TG_GRANULE_SHIFT);
}

/* First fit. Granule 0 is never handed out, so address 0 stays invalid. Allocated runs are
 * skipped whole, so a search costs O(allocations + the gap it lands in). */
uint32_t tg_sim_alloc(tg_sim *s, uint32_t bytes)
{
    if (bytes == 0) bytes = 1;
    uint32_t need = granules_of(bytes), g = 1;
    while (g < s->ngranules) {
        if (s->gstart[g]) { g += granules_of(s->gsize[g]); continue; }
        uint32_t run = 0;
        while (g + run < s->ngranules && !s->gstart[g + run] && run < need) run++;
        if (run == need) {
            for (uint32_t i = 0; i < need; i++) s->gstart[g + i] = g + 1;
            s->gsize[g] = bytes;
            memset(s->mem + ((size_t)g << TG_GRANULE_SHIFT), 0, (size_t)need << TG_GRANULE_SHIFT);
            return g << TG_GRANULE_SHIFT;
        }
        g += run;
    }
    return 0;
}

void tg_sim_free(tg_sim *s, uint32_t addr)
{
    uint32_t g = addr >> TG_GRANULE_SHIFT;
    if (addr & ((1u << TG_GRANULE_SHIFT) - 1) || g == 0 || g >= s->ngranules
        || s->gstart[g] != g + 1)
        return; /* not the start of a live allocation: ignored, as cudaFree of garbage errs */
    uint32_t n = granules_of(s->gsize[g]);
    for (uint32_t i = 0; i < n; i++) s->gstart[g + i] = 0;
    s->gsize[g] = 0;
}

uint8_t *tg_global_ptr(tg_sim *s, uint32_t addr, uint32_t n)
{
    uint32_t g = addr >> TG_GRANULE_SHIFT;
    if (g >= s->ngranules || !s->gstart[g]) return NULL;
    uint32_t start = s->gstart[g] - 1;
    uint64_t base = (uint64_t)start << TG_GRANULE_SHIFT;
    if ((uint64_t)addr + n > base + s->gsize[start]) return NULL;
    return s->mem + addr;
}

void tg_global_describe(tg_sim *s, uint32_t addr, char *buf, size_t n)
{
    /* Nearest live allocation below or at addr, else the first above. */
    uint32_t g = addr >> TG_GRANULE_SHIFT;
    if (g >= s->ngranules) g = s->ngranules - 1;
    for (uint32_t i = g + 1; i-- > 0;) {
        if (s->gstart[i]) {
            uint32_t st = s->gstart[i] - 1;
            uint32_t lo = st << TG_GRANULE_SHIFT;
            snprintf(buf, n, "nearest allocation 0x%08x..0x%08x", lo, lo + s->gsize[st] - 1);
            return;
        }
    }
    for (uint32_t i = g; i < s->ngranules; i++) {
        if (s->gstart[i]) {
            uint32_t lo = i << TG_GRANULE_SHIFT;
            snprintf(buf, n, "nearest allocation 0x%08x..0x%08x", lo, lo + s->gsize[i] - 1);
            return;
        }
    }
    snprintf(buf, n, "no live allocation");
}

static uint8_t *host_range(tg_sim *s, uint32_t addr, size_t n)
{
    if (n == 0) n = 1;
    if (n > UINT32_MAX) return NULL;
    return tg_global_ptr(s, addr, (uint32_t)n);
}

int tg_sim_write(tg_sim *s, uint32_t addr, const void *src, size_t n)
{
    uint8_t *p = host_range(s, addr, n);
    if (!p) return -1;
    if (n) memcpy(p, src, n);
    return 0;
}

int tg_sim_read(tg_sim *s, uint32_t addr, void *dst, size_t n)
{
    uint8_t *p = host_range(s, addr, n);
    if (!p) return -1;
    if (n) memcpy(dst, p, n);
    return 0;
}
