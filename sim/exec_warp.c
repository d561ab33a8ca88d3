/* exec_warp.c: warp-wide instructions (SHFL, VOTE, BALLOT). They see the active lanes only:
 * a shuffle from an inactive or exited lane returns the reading lane's own value. */
#include "sim/exec_alu.h"

int tg_exec_warp(tg_block *b, tg_warp *w, const tg_dinst *d, uint32_t active, uint32_t exec)
{
    (void)active;
    unsigned ws = b->warp_size;
    if (d->in.op == TG_OP_SHFL) {
        const uint32_t *A = TG_ROW(w, d->a), *B = TG_ROW(w, d->b), *C = TG_ROW(w, d->c);
        uint32_t src[32], out[32], valid = 0;
        memcpy(src, A, sizeof src);
        for (uint32_t m = exec; m; m &= m - 1) {
            unsigned lane = (unsigned)__builtin_ctz(m);
            uint32_t bval = B[lane] & 31, cval = C[lane] & 31, seg = (C[lane] >> 8) & 31;
            uint32_t maxl = (lane & seg) | (cval & ~seg), minl = lane & seg;
            int64_t j;
            bool ok;
            switch (d->in.mod) {
            case TG_SHFL_UP: j = (int64_t)lane - bval; ok = j >= (int64_t)maxl; break;
            case TG_SHFL_DOWN: j = (int64_t)lane + bval; ok = j <= (int64_t)maxl; break;
            case TG_SHFL_BFLY: j = lane ^ bval; ok = j <= (int64_t)maxl; break;
            default: j = minl | (bval & ~seg); ok = j <= (int64_t)maxl; break;
            }
            if (j < 0 || j >= (int64_t)ws) ok = false;
            /* a valid source lane that is not active yields the reader's own value */
            out[lane] = ok && (exec >> j & 1) ? src[j] : src[lane];
            valid |= (uint32_t)ok << lane;
        }
        uint32_t *D = TG_ROW(w, d->d);
        for (uint32_t m = exec; m; m &= m - 1) {
            unsigned lane = (unsigned)__builtin_ctz(m);
            D[lane] = out[lane];
        }
        unsigned p = d->in.ext & 7;
        if (p != TG_PT) w->pred[p] = (w->pred[p] & ~exec) | valid;
        return 0;
    }
    uint32_t pa = w->pred[d->in.ra & 7];
    if (d->in.mod & 1) pa = ~pa;
    pa &= exec;
    if (d->in.op == TG_OP_BALLOT) {
        uint32_t *D = TG_ROW(w, d->d);
        for (uint32_t m = exec; m; m &= m - 1) D[__builtin_ctz(m)] = pa;
        return 0;
    }
    bool r = d->in.op == TG_OP_VOTEALL ? pa == exec
           : d->in.op == TG_OP_VOTEANY ? pa != 0
           : (pa == 0 || pa == exec);
    uint32_t *pd = &w->pred[d->in.rd & 7];
    *pd = (*pd & ~exec) | (r ? exec : 0);
    return 0;
}
