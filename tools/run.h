/* run.h: the body of `tgpu run` (tools/cmd_run.c), shared with `tgpu viz`, which runs a kernel the
 * same way while observing the timing model's cycle loop. */
#ifndef TG_RUN_H
#define TG_RUN_H

#include "sim/sim.h"

/* tgpu run's argv (argv[0] is the subcommand). hooks, when not NULL, observe the cycle loop (needs
 * --mode cycle); cfg_out, when not NULL, receives the timing configuration in use before the launch.
 * Returns the exit code (0, 1 fault, 2 bad input). */
int tg_run_main(int argc, char **argv, const tg_timing_hooks *hooks, tg_timing_config *cfg_out);

#endif
