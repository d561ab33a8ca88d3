/* commands.h: the tgpu subcommands. Each lives in tools/cmd_<name>.c, takes the arguments after
 * its name (argv[0] is the subcommand), prints --help, and returns the process exit code:
 * 0 on success, 1 on a run-time failure (fault, mismatch), 2 on bad usage or bad input. */
#ifndef TG_COMMANDS_H
#define TG_COMMANDS_H

typedef struct tg_command {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary;
} tg_command;

int tg_cmd_asm(int argc, char **argv);
int tg_cmd_dis(int argc, char **argv);
int tg_cmd_run(int argc, char **argv);
int tg_cmd_isa(int argc, char **argv);
int tg_cmd_gguf(int argc, char **argv);
int tg_cmd_llm(int argc, char **argv);
int tg_cmd_diff(int argc, char **argv);
int tg_cmd_ptx(int argc, char **argv);
int tg_cmd_viz(int argc, char **argv);
int tg_cmd_torture(int argc, char **argv);

#endif
