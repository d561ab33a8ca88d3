/* cache_model.c: see cache_model.h. */
#include "sim/cache_model.h"

#include <stdlib.h>
#include <string.h>

int tg_cache_init(tg_cache *c, uint32_t size, uint32_t assoc, uint32_t line, uint32_t slices)
{
    memset(c, 0, sizeof *c);
    c->assoc = assoc;
    c->sets = size / (line * assoc * (slices ? slices : 1));
    c->line_shift = (uint32_t)__builtin_ctz(line);
    c->slices = slices ? slices : 1;
    if (!c->sets) c->sets = 1;
    c->tags = calloc((size_t)c->sets * assoc, sizeof *c->tags);
    c->stamp = calloc((size_t)c->sets * assoc, sizeof *c->stamp);
    return c->tags && c->stamp ? 0 : -1;
}

void tg_cache_free(tg_cache *c)
{
    free(c->tags);
    free(c->stamp);
    memset(c, 0, sizeof *c);
}

void tg_cache_flush(tg_cache *c)
{
    memset(c->tags, 0, (size_t)c->sets * c->assoc * sizeof *c->tags);
}

bool tg_cache_access(tg_cache *c, uint64_t addr, bool allocate)
{
    uint64_t line = addr >> c->line_shift;
    uint32_t set = (uint32_t)((line / c->slices) & (c->sets - 1));
    uint64_t *tags = c->tags + (size_t)set * c->assoc, *st = c->stamp + (size_t)set * c->assoc;
    c->tick++;
    for (uint32_t w = 0; w < c->assoc; w++)
        if (tags[w] == line + 1) { st[w] = c->tick; c->hits++; return true; }
    c->misses++;
    if (allocate) {   /* an empty way, else the least recently used */
        uint32_t victim = 0;
        for (uint32_t w = 0; w < c->assoc; w++) {
            if (!tags[w]) { victim = w; break; }
            if (st[w] < st[victim]) victim = w;
        }
        tags[victim] = line + 1;
        st[victim] = c->tick;
    }
    return false;
}
