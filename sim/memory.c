/* memory.c: the simulated device's global memory: one flat array, a first-fit allocator, and a
 * validity bitmap (one bit per 4-byte granule inside a live allocation) so every access is checked
 * against the allocations in O(1): reading one element past the end of a buffer faults. */
#include "sim/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_ADDR 0x1000u   /* below this nothing is ever allocated: null pointers fault */
#define ALIGN 256u

static void mark(struct tg_sim *s, uint32_t addr, uint32_t size, int on)
{
    uint32_t g0 = addr / 4, g1 = (uint32_t)(((uint64_t)addr + size + 3) / 4);
    for (uint32_t g = g0; g < g1; g++) {
        if (on) s->valid[g / 8] |= (uint8_t)(1u << (g % 8));
        else s->valid[g / 8] &= (uint8_t)~(1u << (g % 8));
    }
}

bool tg_mem_valid(const struct tg_sim *s, uint32_t addr, uint32_t n)
{
    uint64_t end = (uint64_t)addr + n;
    if (end > s->cfg.global_bytes) return false;
    for (uint64_t g = addr / 4; g < (end + 3) / 4; g++)
        if (!(s->valid[g / 8] & (1u << (g % 8)))) return false;
    return true;
}

void tg_mem_describe(const struct tg_sim *s, uint32_t addr, char *buf, unsigned n)
{
    const struct tg_alloc *best = NULL;
    uint64_t best_d = UINT64_MAX;
    for (unsigned i = 0; i < s->nallocs; i++) {
        const struct tg_alloc *a = &s->allocs[i];
        uint64_t d = addr < a->addr ? a->addr - addr : addr >= a->addr + a->size ? addr - (a->addr + a->size) + 1 : 0;
        if (d < best_d) { best_d = d; best = a; }
    }
    if (!best) snprintf(buf, n, "no allocation is live");
    else snprintf(buf, n, "nearest allocation 0x%x..0x%x (%u bytes)", best->addr, best->addr + best->size - 1, best->size);
}

uint32_t tg_sim_alloc(tg_sim *s, uint32_t bytes)
{
    if (bytes == 0) bytes = 1;
    uint64_t need = ((uint64_t)bytes + ALIGN - 1) / ALIGN * ALIGN;
    /* first fit in address order: allocs[] is kept sorted */
    uint64_t at = BASE_ADDR;
    unsigned i = 0;
    for (; i < s->nallocs; i++) {
        uint64_t next = s->allocs[i].addr;
        if (next >= at + need) break;
        uint64_t end = (uint64_t)s->allocs[i].addr + s->allocs[i].size;
        at = (end + ALIGN - 1) / ALIGN * ALIGN;
    }
    if (at + need > s->cfg.global_bytes) return 0;
    if (s->nallocs == s->cap_allocs) {
        unsigned cap = s->cap_allocs ? s->cap_allocs * 2 : 64;
        struct tg_alloc *a = realloc(s->allocs, cap * sizeof *a);
        if (!a) return 0;
        s->allocs = a;
        s->cap_allocs = cap;
    }
    memmove(&s->allocs[i + 1], &s->allocs[i], (s->nallocs - i) * sizeof *s->allocs);
    s->allocs[i] = (struct tg_alloc){ (uint32_t)at, bytes };
    s->nallocs++;
    memset(s->mem + at, 0, bytes);
    mark(s, (uint32_t)at, bytes, 1);
    return (uint32_t)at;
}

void tg_sim_free(tg_sim *s, uint32_t addr)
{
    for (unsigned i = 0; i < s->nallocs; i++)
        if (s->allocs[i].addr == addr) {
            mark(s, addr, s->allocs[i].size, 0);
            memmove(&s->allocs[i], &s->allocs[i + 1], (s->nallocs - i - 1) * sizeof *s->allocs);
            s->nallocs--;
            return;
        }
}

int tg_sim_write(tg_sim *s, uint32_t addr, const void *src, size_t n)
{
    if (n == 0) return 0;
    if (n > UINT32_MAX || !tg_mem_valid(s, addr, (uint32_t)n)) return -1;
    memcpy(s->mem + addr, src, n);
    return 0;
}

int tg_sim_read(tg_sim *s, uint32_t addr, void *dst, size_t n)
{
    if (n == 0) return 0;
    if (n > UINT32_MAX || !tg_mem_valid(s, addr, (uint32_t)n)) return -1;
    memcpy(dst, s->mem + addr, n);
    return 0;
}
