/* cache_model.h: a set-associative cache with LRU replacement, for the timing model's I-cache, L1
 * and L2 slices. It tracks tags only (data lives in the functional core's memory). */
#ifndef TG_CACHE_MODEL_H
#define TG_CACHE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct tg_cache {
    uint32_t sets, assoc, line_shift;
    uint32_t slices;       /* a slice of a sliced cache sees every slices-th line: index by line / slices */
    uint64_t *tags;        /* sets x assoc; 0 = invalid, else line number + 1 */
    uint64_t *stamp;       /* last use, for LRU */
    uint64_t tick;
    uint64_t hits, misses;
} tg_cache;

int tg_cache_init(tg_cache *c, uint32_t size, uint32_t assoc, uint32_t line, uint32_t slices);
void tg_cache_free(tg_cache *c);
/* Looks up the line holding addr; on a miss with allocate, installs it (evicting the LRU way). */
bool tg_cache_access(tg_cache *c, uint64_t addr, bool allocate);
void tg_cache_flush(tg_cache *c);

#endif
