/* bench_sim.c: functional-mode simulator speed on one core, in simulated thread-instructions per
 * second (sum over issued warp-instructions of the lanes that executed), for two kernels:
 *   ffma:   a 4-way unrolled FFMA loop (compute bound, no divergence)
 *   intmem: an integer/memory mix (address arithmetic, ldg/stg, shared stores/loads, a barrier)
 * Each kernel runs five launches; the best process CPU time counts (the build machine is shared). Prints one line per kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isa/asm.h"
#include "sim/sim.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);   /* CPU time: the machine is shared */
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const char ffma_src[] =
    ".kernel ffma\n.param out 4\n.param iters 4\n"
    " s2r r0, %tid.x\n i2f r1, r0\n mov r2, 1.0001\n mov r3, 0.5\n mov r4, r1\n mov r5, r1\n mov r6, r1\n"
    " ldp.b32 r7, [iters]\n"
    "L:\n ffma r1, r1, r2, r3\n ffma r4, r4, r2, r3\n ffma r5, r5, r2, r3\n ffma r6, r6, r2, r3\n"
    " ffma r1, r1, r2, r3\n ffma r4, r4, r2, r3\n ffma r5, r5, r2, r3\n ffma r6, r6, r2, r3\n"
    " isub r7, r7, 1\n isetp.ne p0, r7, 0\n @p0 bra L\n"
    " fadd r1, r1, r4\n fadd r5, r5, r6\n fadd r1, r1, r5\n"
    " s2r r8, %ctaid.x\n s2r r9, %ntid.x\n imad r0, r8, r9, r0\n ldp.b32 r10, [out]\n"
    " shl r0, r0, 2\n iadd r10, r10, r0\n stg.b32 [r10], r1\n exit\n";

static const char intmem_src[] =
    ".kernel intmem\n.param out 4\n.param iters 4\n.shared tile 1024\n"
    " s2r r0, %tid.x\n s2r r8, %ctaid.x\n s2r r9, %ntid.x\n imad r1, r8, r9, r0\n"
    " ldp.b32 r10, [out]\n shl r2, r1, 2\n iadd r10, r10, r2\n shl r3, r0, 2\n ldp.b32 r7, [iters]\n mov r4, 0\n"
    "L:\n ldg.b32 r5, [r10]\n xor r5, r5, r7\n imad r5, r5, r9, r4\n shr r6, r5, 3\n and r6, r6, 255\n"
    " sts.b32 [r3+tile], r5\n lds.b32 r6, [r3+tile]\n iadd r4, r4, r6\n stg.b32 [r10], r4\n"
    " isub r7, r7, 1\n isetp.ne p0, r7, 0\n @p0 bra L\n bar 0\n exit\n";

static void bench(const char *name, const char *src, unsigned grid, unsigned block, uint32_t iters)
{
    char err[512];
    tg_module m;
    if (tg_asm_source(src, strlen(src), name, &m, err, sizeof err)) { fprintf(stderr, "%s\n", err); exit(1); }
    tg_sim_config c;
    tg_sim_config_default(&c);
    tg_sim *s = tg_sim_create(&c);
    uint32_t out = tg_sim_alloc(s, grid * block * 4);
    uint32_t params[2] = { out, iters };
    tg_launch l = { &m, &m.kernels[0], { grid, 1, 1 }, { block, 1, 1 }, params, 8, 0 };
    double best = 1e30;
    tg_run_stats st;
    for (int rep = 0; rep < 5; rep++) {
        tg_fault f;
        double t0 = now();
        if (tg_sim_launch(s, &l, &st, &f)) {
            char line[512];
            tg_fault_format(&f, line, sizeof line);
            fprintf(stderr, "%s\n", line);
            exit(1);
        }
        double t = now() - t0;
        if (t < best) best = t;
    }
    printf("bench_sim %-7s %8.1f M thread-instructions/s  (%llu thread-instrs, %llu warp-instrs, %.3f s, functional mode, one core)\n",
           name, st.thread_instrs / best / 1e6, (unsigned long long)st.thread_instrs,
           (unsigned long long)st.warp_instrs, best);
    tg_sim_destroy(s);
    tg_module_free(&m);
}

int main(void)
{
    bench("ffma", ffma_src, 64, 256, 200);
    bench("intmem", intmem_src, 64, 256, 100);
    return 0;
}
