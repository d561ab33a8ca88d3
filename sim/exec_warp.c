/* exec_warp.c: warp-wide instructions over the executing lanes: shfl (PTX's lane formula, with the
 * c operand's clamp and segment mask), vote.all/any/uni and ballot. Sources are read for every lane
 * before any destination is written, as in hardware. */
#include "sim/core.h"

int tg_exec_warp(tg_block *b, tg_warp *w, const tg_pinst *pi, uint32_t exec)
{
    uint32_t *d = tg_row(b, w, pi->rd_w);
    if (pi->op == TG_OP_SHFL) {
        const uint32_t *A = tg_row(b, w, pi->ra), *B = tg_row(b, w, pi->rb), *C = tg_row(b, w, pi->rc);
        uint32_t src[TG_MAX_LANES], valid = 0;
        for (uint32_t l = 0; l < b->warp_size; l++) src[l] = A[l];
        uint32_t res[TG_MAX_LANES];
        TG_FOR_LANES(exec, l) {
            uint32_t bval = B[l] & 31, cval = C[l] & 31, seg = (C[l] >> 8) & 31;
            uint32_t max_lane = (l & seg) | (cval & ~seg), min_lane = l & seg;
            int32_t j;
            int ok;
            switch (pi->mod) {
            case TG_SHFL_UP: j = (int32_t)l - (int32_t)bval; ok = j >= (int32_t)max_lane; break;
            case TG_SHFL_DOWN: j = (int32_t)(l + bval); ok = j <= (int32_t)max_lane; break;
            case TG_SHFL_BFLY: j = (int32_t)(l ^ bval); ok = j <= (int32_t)max_lane; break;
            default: j = (int32_t)(min_lane | (bval & ~seg)); ok = j <= (int32_t)max_lane; break;
            }
            if (j < 0 || j >= (int32_t)b->warp_size) ok = 0;
            res[l] = ok ? src[j] : src[l];
            if (ok) valid |= 1u << l;
        }
        TG_FOR_LANES(exec, l) d[l] = res[l];
        unsigned pd = pi->ext & 7;
        if (pd < TG_PT) w->pred[pd] = (w->pred[pd] & ~exec) | (valid & exec);
        return TG_STEP_OK;
    }
    uint32_t p = w->pred[pi->ra_num & 7];
    if (pi->mod & 1) p = ~p;
    uint32_t yes = p & exec;
    uint32_t v;
    switch (pi->op) {
    case TG_OP_BALLOT: TG_FOR_LANES(exec, l) d[l] = yes; return TG_STEP_OK;
    case TG_OP_VOTEALL: v = yes == exec; break;
    case TG_OP_VOTEANY: v = yes != 0; break;
    default: v = yes == exec || yes == 0; break;   /* VOTEUNI */
    }
    unsigned pd = pi->rd_num & 7;
    if (pd < TG_PT) w->pred[pd] = (w->pred[pd] & ~exec) | (v ? exec : 0);
    return TG_STEP_OK;
}
