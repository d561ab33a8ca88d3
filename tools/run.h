/* run.h: the body of `tgpu run` (tools/cmd_run.c), shared with `tgpu viz`, which runs a kernel the
 * same way while observing the timing model's cycle loop. */
#ifndef TG_RUN_H
#define TG_RUN_H

#include "sim/sim.h"

/* An observer of one run (tgpu viz's recording, and --trace F.tgtrace); each callback may be NULL. */
typedef struct tg_run_observer {
    void *ctx;
    /* cycle mode, before the launch: the configuration in use and the kernel's name; sets *hooks
     * to the cycle loop's observers. Non-zero stops the run (out of memory). */
    int (*begin)(void *ctx, const tg_timing_config *c, const char *kernel, tg_timing_hooks *hooks);
    /* after a run without fault: each out: or inout: buffer (name: its output file) ... */
    int (*buffer)(void *ctx, const char *name, const void *data, uint32_t bytes);
    /* ... and the run's statistics; non-zero: out of memory */
    int (*end)(void *ctx, const tg_timing_stats *s);
} tg_run_observer;

/* tgpu run's argv (argv[0] is the subcommand). obs, when not NULL, observes the run (needs --mode
 * cycle). Returns the exit code (0, 1 fault, 2 bad input). */
int tg_run_main(int argc, char **argv, const tg_run_observer *obs);

/* An observer that records into a tg_viz_rec (tools/viz/record.c), finished after the run. */
struct tg_viz_rec;
tg_run_observer tg_viz_rec_observer(struct tg_viz_rec *r);

#endif
