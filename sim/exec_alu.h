/* exec_alu.h: helpers shared by the sim/exec_*.c executors: f32 bit casts, the canonical NaN,
 * and the masked per-lane loop that the compiler can vectorize when the warp is converged. */
#ifndef TG_SIM_EXEC_ALU_H
#define TG_SIM_EXEC_ALU_H

#include <math.h>
#include <string.h>

#include "sim/core.h"

#define TG_CANON_NAN 0x7fffffffu

static inline float tg_f(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }
static inline uint32_t tg_u(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static inline uint32_t tg_canon(float x) { return x != x ? TG_CANON_NAN : tg_u(x); }

#define TG_ROW(w, r) ((w)->regs + (size_t)(r) * 32)

/* D[l] = EXPR for each exec lane; A, B, C name the operand rows (B is the immediate broadcast
 * when bimm). Converged warps take the unmasked loop. */
#define TG_LANES(b_, w_, d_, exec_, EXPR) do {                                          \
        uint32_t *D = TG_ROW(w_, (d_)->d);                                              \
        const uint32_t *A = TG_ROW(w_, (d_)->a), *C = TG_ROW(w_, (d_)->c);              \
        uint32_t bimm_[32];                                                             \
        const uint32_t *B = TG_ROW(w_, (d_)->b);                                        \
        if ((d_)->in.bimm) { for (unsigned i_ = 0; i_ < 32; i_++) bimm_[i_] = (d_)->in.imm; B = bimm_; } \
        (void)A; (void)B; (void)C;                                                      \
        if ((exec_) == 0xffffffffu) {                                                   \
            for (unsigned l = 0; l < 32; l++) D[l] = (EXPR);                            \
        } else {                                                                        \
            for (unsigned l = 0; l < 32; l++) if ((exec_) >> l & 1) D[l] = (EXPR);      \
        }                                                                               \
    } while (0)

#endif
